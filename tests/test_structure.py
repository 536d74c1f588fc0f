"""The shape ARCHITECTURE.md describes, checked: a change that breaks a rule fails here, naming the place."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.client import FilmBot
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Where a service may not reach: Discord, or the database driver (ARCHITECTURE.md, "The layers").
SERVICE_FORBIDDEN = ("discord", "aiosqlite", "asyncpg")
# The database drivers: only bot/store/ imports them.
DRIVERS = ("aiosqlite", "sqlite3", "asyncpg")
# What a custom_id looks like: "filmbot:<feature>:…" (a nonce's seed or a log line is not one).
CUSTOM_ID = re.compile(r"filmbot:[a-z]+:")
LOG_CALL = re.compile(r"\blog\.(debug|info|warning|error|exception|critical|log)\(")


def _modules(*folders: str) -> Iterator[tuple[Path, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_nothing_under_bot_imports_a_cog() -> None:
    found = [
        f"{_where(path, line)} imports {name}"
        for path, tree in _modules("bot")
        for line, name in _imports(tree)
        if name.startswith("cogs.") or (name == "cogs" and path != ROOT / "bot" / "client.py")
    ]
    assert found == [], "bot/ must not import cogs/ (only bot/client.py loads them):\n" + "\n".join(found)


def test_services_see_neither_discord_nor_the_database_driver() -> None:
    found = [
        f"{_where(path, line)} imports {name}"
        for path, tree in _modules("bot")
        if path.name == "service.py"
        for line, name in _imports(tree)
        if name.split(".")[0] in SERVICE_FORBIDDEN
    ]
    assert found == [], "services talk to repositories and delivery protocols only:\n" + "\n".join(found)


def test_sql_and_the_driver_stay_in_the_store() -> None:
    found = [
        f"{_where(path, line)} imports {name}"
        for path, tree in _modules("bot", "cogs")
        if "store" not in path.relative_to(ROOT).parts
        for line, name in _imports(tree)
        if name.split(".")[0] in DRIVERS
    ]
    assert found == [], "only bot/store/ talks to the database:\n" + "\n".join(found)


def _docstring_nodes(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def test_a_custom_id_format_is_written_only_in_its_item() -> None:
    found = []
    for path, tree in _modules("bot", "cogs"):
        allowed = _docstring_nodes(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                allowed |= {id(k.value) for k in node.keywords if k.arg == "custom_id"}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CUSTOM_ID.match(node.value)
                and id(node) not in allowed
            ):
                found.append(f"{_where(path, node.lineno)} writes {node.value!r}")
    assert found == [], "write ids with the item's make_id (bot/ui/items.py):\n" + "\n".join(found)


def _too_long(tree: ast.Module) -> Iterator[tuple[int, str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield node.lineno, node.name, length


def test_modules_and_functions_stay_small() -> None:
    found = []
    for path, tree in _modules("bot", "cogs"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_MODULE_LINES})")
        found += [
            f"{_where(path, line)} {name} has {length} lines (at most {MAX_FUNCTION_LINES})"
            for line, name, length in _too_long(tree)
        ]
    assert found == [], "split along the seams it already has:\n" + "\n".join(found)


async def test_every_extension_loads_and_no_two_register_one_command_name(tmp_path: Path) -> None:
    bot = FilmBot(
        Settings(database=tmp_path / "filmbot.sqlite3", films_dir=ROOT / "data" / "films"), offline=True
    )
    try:
        await bot.prepare()
        owners: dict[str, set[str]] = {}
        for cog in bot.cogs.values():
            # A GroupCog is one top-level command (its group); a plain cog lists its own.
            for command in [cog.app_command] if cog.app_command is not None else cog.get_app_commands():
                owners.setdefault(command.name, set()).add(type(cog).__module__)
        assert owners, "no app commands were registered"
        shared = {name: sorted(mods) for name, mods in owners.items() if len(mods) > 1}
        assert shared == {}
        assert sorted(owners) == sorted(c.name for c in bot.tree.get_commands())
    finally:
        await bot.close()


@pytest.mark.parametrize("folder", ["bot", "cogs"])
def test_every_module_logs_through_its_own_named_logger_or_not_at_all(folder: str) -> None:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "log = logging.getLogger(__name__)" in text and not LOG_CALL.search(text):
            found.append(f"{path.relative_to(ROOT)} declares a logger it never uses")
    assert found == []
