"""Collects validation failures and renders them in Discord's nested ``errors`` format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import invalid_form

Path = tuple[str | int, ...]


class FormErrors:
    """Accumulates ``(path, code, message)`` triples, e.g. ``(("embeds", 0, "title"), "BASE_TYPE_MAX_LENGTH", …)``."""

    def __init__(self) -> None:
        self.items: list[tuple[Path, str, str]] = []

    def add(self, path: Path, code: str, message: str) -> None:
        self.items.append((path, code, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def to_dict(self) -> dict[str, Any]:
        root: dict[str, Any] = {}
        for path, code, message in self.items:
            node = root
            for key in path:
                node = node.setdefault(str(key), {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return root

    def describe(self) -> list[str]:
        return [f"{'.'.join(map(str, path)) or '<body>'}: {code}: {msg}" for path, code, msg in self.items]

    def raise_if_any(self) -> None:
        if self.items:
            raise invalid_form(self.to_dict())


def required(errs: FormErrors, path: Path) -> None:
    errs.add(path, "BASE_TYPE_REQUIRED", "This field is required")


def check_str(
    errs: FormErrors,
    path: Path,
    value: Any,
    *,
    max_len: int,
    min_len: int = 0,
    required_: bool = False,
) -> bool:
    """Validate an optional (or required) string; returns True when the value is a usable string."""
    if value is None:
        if required_:
            required(errs, path)
        return False
    if not isinstance(value, str):
        errs.add(path, "BASE_TYPE_STRING", f'Could not interpret "{value}" as string.')
        return False
    if required_ and min_len == 0 and value == "":
        required(errs, path)
        return False
    if min_len and not min_len <= len(value) <= max_len:
        errs.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {min_len} and {max_len} in length.")
        return False
    if len(value) > max_len:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {max_len} or fewer in length.")
        return False
    return True


def check_list(
    errs: FormErrors,
    path: Path,
    value: Any,
    *,
    max_items: int,
    min_items: int = 0,
    required_: bool = False,
) -> Sequence[Any]:
    """Validate a list's type and length; returns the list (or an empty one if unusable)."""
    if value is None:
        if required_:
            required(errs, path)
        return []
    if not isinstance(value, list):
        errs.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return []
    if len(value) > max_items:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {max_items} or fewer in length.")
    elif len(value) < min_items:
        errs.add(path, "BASE_TYPE_MIN_LENGTH", f"Must be {min_items} or more in length.")
    return value


def check_int(
    errs: FormErrors,
    path: Path,
    value: Any,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    required_: bool = False,
) -> int | None:
    if value is None:
        if required_:
            required(errs, path)
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errs.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
        return None
    try:
        number = int(value)
    except ValueError:
        errs.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
        return None
    if minimum is not None and number < minimum:
        errs.add(path, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {minimum}.")
        return None
    if maximum is not None and number > maximum:
        errs.add(path, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {maximum}.")
        return None
    return number


def check_choice(
    errs: FormErrors, path: Path, value: Any, allowed: Sequence[Any], *, required_: bool = False
) -> bool:
    if value is None:
        if required_:
            required(errs, path)
        return False
    if value not in allowed:
        errs.add(path, "BASE_TYPE_CHOICES", f"Value must be one of {set(allowed)}.")
        return False
    return True


def check_snowflake(errs: FormErrors, path: Path, value: Any, *, required_: bool = False) -> int | None:
    if value is None:
        if required_:
            required(errs, path)
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errs.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
        return None
    if number <= 0 or number >= 1 << 64:
        errs.add(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not snowflake.')
        return None
    return number


def is_dict(errs: FormErrors, path: Path, value: Any) -> bool:
    if not isinstance(value, dict):
        errs.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return False
    return True
