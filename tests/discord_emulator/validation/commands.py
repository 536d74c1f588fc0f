"""Validation of application command definitions (bulk overwrite / create / edit)."""

from __future__ import annotations

from typing import Any

from .. import limits as L
from .core import FormErrors, Path, check_int, check_list, check_str, is_dict

CHAT_INPUT, USER, MESSAGE = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, NUMBER = 3, 4, 10
OPTION_TYPES = range(1, 12)


def valid_chat_input_name(name: str) -> bool:
    """Discord's ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`` plus the lowercase rule."""
    if not 1 <= len(name) <= L.COMMAND_NAME_MAX:
        return False
    if name != name.lower():
        return False
    return all(
        ch in "-_" or ch.isalnum() or "\u0900" <= ch <= "\u097f" or "\u0e00" <= ch <= "\u0e7f" for ch in name
    )


def _name(errs: FormErrors, path: Path, value: Any, *, chat_input: bool) -> None:
    if not check_str(errs, path, value, min_len=1, max_len=L.COMMAND_NAME_MAX, required_=True):
        return
    if chat_input and not valid_chat_input_name(value):
        errs.add(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")


def command_chars(command: dict[str, Any]) -> int:
    """Characters counted toward the 4,000 limit: names, descriptions and choice values, recursively."""
    total = len(str(command.get("name") or "")) + len(str(command.get("description") or ""))
    for choice in command.get("choices") or []:
        if isinstance(choice, dict):
            total += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    for option in command.get("options") or []:
        if isinstance(option, dict):
            total += command_chars(option)
    return total


def _choices(errs: FormErrors, path: Path, option: dict[str, Any]) -> None:
    choices = check_list(errs, (*path, "choices"), option.get("choices"), max_items=L.COMMAND_CHOICES_MAX)
    if choices and option.get("autocomplete"):
        errs.add(
            (*path, "autocomplete"),
            "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
            "Autocomplete cannot be set when choices are present",
        )
    if choices and option.get("type") not in (STRING, INTEGER, NUMBER):
        errs.add(
            (*path, "choices"), "APPLICATION_COMMAND_OPTION_CHOICES_NOT_ALLOWED", "Choices are not allowed"
        )
    for index, choice in enumerate(choices):
        cpath: Path = (*path, "choices", index)
        if not is_dict(errs, cpath, choice):
            continue
        check_str(
            errs, (*cpath, "name"), choice.get("name"), min_len=1, max_len=L.CHOICE_NAME_MAX, required_=True
        )
        value = choice.get("value")
        if option.get("type") == STRING:
            check_str(errs, (*cpath, "value"), value, max_len=L.CHOICE_STRING_VALUE_MAX, required_=True)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errs.add((*cpath, "value"), "NUMBER_TYPE_COERCE", f'Value "{value}" is not a number.')


def _options(errs: FormErrors, path: Path, options: Any, *, depth: int) -> None:
    items = check_list(errs, path, options, max_items=L.COMMAND_OPTIONS_MAX)
    seen_optional = False
    names: set[str] = set()
    kinds = {o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in items if isinstance(o, dict)}
    if len(kinds) > 1:
        errs.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-commands and sub-command groups cannot be mixed with other options",
        )
    for index, option in enumerate(items):
        opath: Path = (*path, index)
        if not is_dict(errs, opath, option):
            continue
        otype = check_int(errs, (*opath, "type"), option.get("type"), minimum=1, maximum=11, required_=True)
        _name(errs, (*opath, "name"), option.get("name"), chat_input=True)
        if option.get("name") in names:
            errs.add(
                (*opath, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(option.get("name"))
        check_str(
            errs,
            (*opath, "description"),
            option.get("description"),
            min_len=1,
            max_len=L.COMMAND_DESCRIPTION_MAX,
            required_=True,
        )
        if otype in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if otype == SUB_COMMAND_GROUP and depth > 0:
                errs.add(
                    (*opath, "type"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups cannot be nested",
                )
            if otype == SUB_COMMAND and depth > 1:
                errs.add((*opath, "type"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Too deeply nested")
            if otype == SUB_COMMAND_GROUP:
                subs = option.get("options") or []
                if any(isinstance(s, dict) and s.get("type") != SUB_COMMAND for s in subs):
                    errs.add(
                        (*opath, "options"),
                        "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                        "Sub-command groups may only contain sub-commands",
                    )
            _options(errs, (*opath, "options"), option.get("options"), depth=depth + 1)
            continue
        if option.get("required"):
            if seen_optional:
                errs.add(
                    (*opath, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        _choices(errs, opath, option)
        check_int(
            errs,
            (*opath, "min_length"),
            option.get("min_length"),
            minimum=0,
            maximum=L.OPTION_STRING_LENGTH_MAX,
        )
        check_int(
            errs,
            (*opath, "max_length"),
            option.get("max_length"),
            minimum=1,
            maximum=L.OPTION_STRING_LENGTH_MAX,
        )


def validate_command(command: Any, errs: FormErrors, path: Path = ()) -> None:
    if not is_dict(errs, path, command):
        return
    ctype = command.get("type", CHAT_INPUT)
    if ctype not in (CHAT_INPUT, USER, MESSAGE, 4):
        errs.add((*path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.")
        return
    chat_input = ctype == CHAT_INPUT
    _name(errs, (*path, "name"), command.get("name"), chat_input=chat_input)
    if chat_input:
        check_str(
            errs,
            (*path, "description"),
            command.get("description"),
            min_len=1,
            max_len=L.COMMAND_DESCRIPTION_MAX,
            required_=True,
        )
        _options(errs, (*path, "options"), command.get("options"), depth=0)
    else:
        if command.get("description"):
            errs.add(
                (*path, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
        if command.get("options"):
            errs.add(
                (*path, "options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                "Context menu commands cannot have options",
            )
    if command_chars(command) > L.COMMAND_TOTAL_CHARS_MAX:
        errs.add(
            path,
            "APPLICATION_COMMAND_TOO_LARGE",
            f"Command exceeds maximum size ({L.COMMAND_TOTAL_CHARS_MAX})",
        )
    perms = command.get("default_member_permissions")
    if perms is not None:
        try:
            int(perms)
        except (TypeError, ValueError):
            errs.add(
                (*path, "default_member_permissions"), "NUMBER_TYPE_COERCE", f'Value "{perms}" is not int.'
            )


def validate_command_list(commands: Any) -> FormErrors:
    """Validate a bulk-overwrite body (the list replaces every command of that scope)."""
    errs = FormErrors()
    if not isinstance(commands, list):
        errs.add((), "BASE_TYPE_ARRAY", "Must be an array.")
        return errs
    by_type: dict[int, set[str]] = {}
    for index, command in enumerate(commands):
        validate_command(command, errs, (index,))
        if not isinstance(command, dict):
            continue
        ctype = command.get("type", CHAT_INPUT)
        names = by_type.setdefault(ctype, set())
        if command.get("name") in names:
            errs.add(
                (index, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {command.get('name')}",
            )
        names.add(str(command.get("name")))
    if len(by_type.get(CHAT_INPUT, ())) > L.CHAT_INPUT_COMMANDS_MAX:
        errs.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {L.CHAT_INPUT_COMMANDS_MAX} or fewer in length.")
    for ctype in (USER, MESSAGE):
        if len(by_type.get(ctype, ())) > L.CONTEXT_MENU_COMMANDS_MAX:
            errs.add(
                (),
                "APPLICATION_COMMANDS_MAX_CONTEXT_MENU",
                f"Maximum number of context menu commands ({L.CONTEXT_MENU_COMMANDS_MAX}) reached",
            )
    return errs
