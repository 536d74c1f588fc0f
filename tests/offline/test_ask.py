"""``filmbot ask`` runs commands through discord.py's real command tree, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.offline.printing import render
from bot.offline.runner import OfflineSession, ask
from bot.settings import Settings
from tests.conftest import FILMS_DIR, REPO


async def test_film_card(settings: Settings) -> None:
    result = await ask(settings, "/film 100-meters")
    assert result.refused is None
    (message,) = result.transcript.messages.values()
    assert not message.ephemeral
    (embed,) = message.payload["embeds"]
    assert embed["title"] == "100 Meters (2025)"
    assert result.transcript.callbacks == [4]
    assert message.payload["allowed_mentions"] == {"parse": []}
    text = render(result)
    assert "■ 100 Meters (2025)" in text and "Runtime" in text


async def test_named_option_and_typo(settings: Settings) -> None:
    result = await ask(settings, "/film title:100 metrs")
    (message,) = result.transcript.messages.values()
    assert message.payload["embeds"][0]["title"] == "100 Meters (2025)"


async def test_unknown_title_is_an_ephemeral_error_with_suggestions(settings: Settings) -> None:
    result = await ask(settings, "/film Stalker")
    (message,) = result.transcript.messages.values()
    assert message.ephemeral
    assert "No film in the catalog matches" in message.payload["embeds"][0]["description"]


async def test_unknown_command_is_refused_like_discord(settings: Settings) -> None:
    result = await ask(settings, "/flim 100-meters")
    assert result.refused is not None
    assert "Unknown command /flim" in result.refused.message
    assert "/film" in result.refused.hints
    assert not result.transcript.messages


async def test_missing_required_option_is_refused(settings: Settings) -> None:
    result = await ask(settings, "/film")
    assert result.refused is not None and "Missing required option: title" in result.refused.message


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "FILMBOT_"))}
    env.update(
        PYTHONPATH=str(REPO),
        FILMBOT_DATABASE=str(tmp_path / "cli.sqlite3"),
        FILMBOT_FILMS_DIR=str(FILMS_DIR),
        FILMBOT_ONLINE="off",  # no test reaches the internet
    )
    env.update(extra)
    return env


def test_cli_ask_prints_the_card(tmp_path: Path) -> None:
    done = _cli("ask", "/film 100-meters", env=_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "100 Meters (2025)" in done.stdout and "Kenji Iwaisawa" in done.stdout


def test_cli_run_without_token_exits_2_and_says_how(tmp_path: Path) -> None:
    done = _cli("run", env=_env(tmp_path), cwd=tmp_path)
    assert done.returncode == 2
    assert "DISCORD_TOKEN" in done.stderr and "developers" in done.stderr


def test_cli_films_check_reports_problems(tmp_path: Path) -> None:
    films = tmp_path / "films"
    films.mkdir()
    (films / "bad.toml").write_text('slug = "bad"\n')
    done = _cli("films", "check", env=_env(tmp_path, FILMBOT_FILMS_DIR=str(films)), cwd=tmp_path)
    assert done.returncode == 1
    assert "bad.toml: title: is required" in done.stdout
    ok = _cli("films", "check", env=_env(tmp_path), cwd=tmp_path)
    assert ok.returncode == 0 and "100-meters" in ok.stdout


async def test_deferred_answer_is_filled_by_the_first_followup(settings: Settings) -> None:
    result = await ask(settings, "/watchparty schedule film:100-meters when:in 3 hours")
    (message,) = result.transcript.messages.values()
    assert "thinking" not in message.payload
    assert message.payload["embeds"][0]["title"].startswith("Watch party")
    (event,) = result.transcript.events.values()
    assert event["name"].startswith("Watch party: 100 Meters")
    assert "Discord scheduled event (scheduled)" in render(result)


async def test_a_session_answers_many_commands_each_with_its_own_transcript(settings: Settings) -> None:
    """``OfflineSession`` (what ``benchmarks/fuzz.py`` runs) prepares the bot once for many commands."""
    async with OfflineSession(settings) as session:
        card = await session.ask("/film 100-meters")
        refused = await session.invoke(
            ("poll", "create"), {"question": "Q", "options": "a;b", "duration": "²"}
        )
        (first,) = card.transcript.messages.values()
        (second,) = refused.transcript.messages.values()
        assert first.payload["embeds"][0]["title"] == "100 Meters (2025)"
        assert second.ephemeral and "“²” is not a duration" in second.payload["embeds"][0]["description"]
        typed = await session.invoke(("top",), {"min_ratings": "١٠"})
        assert typed.refused is not None and "is not a whole number" in typed.refused.message
        unknown = await session.invoke(("film",), {"title": "x", "year": "1"})
        assert unknown.refused is not None and "has no option year" in unknown.refused.message


async def test_a_session_answers_autocomplete_as_the_member_types(settings: Settings) -> None:
    async with OfflineSession(settings) as session:
        films = await session.autocomplete(("film",), {"title": "100 met"}, "title")
        assert films.transcript.callbacks == [8]
        assert films.transcript.autocomplete is not None
        assert films.transcript.autocomplete[0]["value"] == "100-meters"
        # An integer option's text so far is sent as typed, even when it is not a number yet.
        polls = await session.autocomplete(("poll", "close"), {"id": "#abc"}, "id")
        assert polls.refused is None and polls.transcript.autocomplete == []
