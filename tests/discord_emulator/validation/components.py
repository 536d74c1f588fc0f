"""Validation of message components (action rows, buttons, selects, components v2) and modals."""

from __future__ import annotations

from typing import Any

from .. import limits as L
from .core import FormErrors, Path, check_int, check_list, check_str, is_dict

V2_LAYOUT_TYPES = {9, 10, 11, 12, 13, 14, 17}


class _Seen:
    def __init__(self) -> None:
        self.custom_ids: set[str] = set()
        self.count = 0


def _custom_id(errs: FormErrors, path: Path, value: Any, seen: _Seen) -> None:
    if check_str(errs, (*path, "custom_id"), value, min_len=1, max_len=L.CUSTOM_ID_MAX, required_=True):
        if value in seen.custom_ids:
            errs.add(
                (*path, "custom_id"),
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.custom_ids.add(value)


def validate_button(errs: FormErrors, path: Path, button: dict[str, Any], seen: _Seen) -> None:
    style = check_int(errs, (*path, "style"), button.get("style"), minimum=1, maximum=6, required_=True)
    check_str(errs, (*path, "label"), button.get("label"), max_len=L.BUTTON_LABEL_MAX)
    if style == 5:
        check_str(errs, (*path, "url"), button.get("url"), max_len=L.BUTTON_URL_MAX, required_=True)
        if button.get("custom_id") is not None:
            errs.add(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                "A link button cannot have a custom id",
            )
    elif style == 6:
        if button.get("sku_id") is None:
            errs.add((*path, "sku_id"), "BASE_TYPE_REQUIRED", "This field is required")
    elif style is not None:
        if button.get("url") is not None:
            errs.add(
                (*path, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A non-link button cannot have a url"
            )
        _custom_id(errs, path, button.get("custom_id"), seen)
    if style != 6 and not button.get("label") and not button.get("emoji"):
        errs.add(path, "BUTTON_COMPONENT_MISSING_LABEL_OR_EMOJI", "A button must have a label or an emoji")


def validate_select(errs: FormErrors, path: Path, select: dict[str, Any], seen: _Seen) -> None:
    _custom_id(errs, path, select.get("custom_id"), seen)
    check_str(errs, (*path, "placeholder"), select.get("placeholder"), max_len=L.SELECT_PLACEHOLDER_MAX)
    min_values = check_int(
        errs, (*path, "min_values"), select.get("min_values"), minimum=0, maximum=L.SELECT_VALUES_MAX
    )
    max_values = check_int(
        errs, (*path, "max_values"), select.get("max_values"), minimum=1, maximum=L.SELECT_VALUES_MAX
    )
    if min_values is not None and max_values is not None and min_values > max_values:
        errs.add(
            (*path, "min_values"),
            "SELECT_COMPONENT_MIN_VALUES_GREATER_THAN_MAX",
            "min_values must be less than or equal to max_values",
        )
    if select.get("type") != 3:
        return
    options = check_list(
        errs,
        (*path, "options"),
        select.get("options"),
        max_items=L.SELECT_OPTIONS_MAX,
        min_items=1,
        required_=True,
    )
    values: set[str] = set()
    for index, option in enumerate(options):
        opath: Path = (*path, "options", index)
        if not is_dict(errs, opath, option):
            continue
        check_str(
            errs,
            (*opath, "label"),
            option.get("label"),
            min_len=1,
            max_len=L.SELECT_OPTION_TEXT_MAX,
            required_=True,
        )
        if check_str(
            errs,
            (*opath, "value"),
            option.get("value"),
            min_len=1,
            max_len=L.SELECT_OPTION_TEXT_MAX,
            required_=True,
        ):
            if option["value"] in values:
                errs.add(
                    (*opath, "value"),
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Option values must be unique",
                )
            values.add(option["value"])
        check_str(errs, (*opath, "description"), option.get("description"), max_len=L.SELECT_OPTION_TEXT_MAX)
    if max_values is not None and options and max_values > len(options):
        errs.add(
            (*path, "max_values"),
            "SELECT_COMPONENT_MAX_VALUES_TOO_LARGE",
            f"max_values must be less than or equal to the number of options ({len(options)})",
        )


def _validate_row(errs: FormErrors, path: Path, row: dict[str, Any], seen: _Seen) -> None:
    children = check_list(
        errs,
        (*path, "components"),
        row.get("components"),
        max_items=L.ROW_BUTTONS_MAX,
        min_items=1,
        required_=True,
    )
    selects = [c for c in children if isinstance(c, dict) and c.get("type") in L.SELECT_TYPES]
    if selects and len(children) > 1:
        errs.add(
            (*path, "components"),
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for index, child in enumerate(children):
        cpath: Path = (*path, "components", index)
        if not is_dict(errs, cpath, child):
            continue
        seen.count += 1
        ctype = child.get("type")
        if ctype == L.BUTTON_TYPE:
            validate_button(errs, cpath, child, seen)
        elif ctype in L.SELECT_TYPES:
            validate_select(errs, cpath, child, seen)
        else:
            errs.add(
                (*cpath, "type"),
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of {2, 3, 5, 6, 7, 8}.',
            )


def _validate_v2(errs: FormErrors, path: Path, comp: dict[str, Any], seen: _Seen, text: list[int]) -> None:
    ctype = comp.get("type")
    seen.count += 1
    if ctype == 1:
        _validate_row(errs, path, comp, seen)
    elif ctype == 10:
        if check_str(
            errs,
            (*path, "content"),
            comp.get("content"),
            min_len=1,
            max_len=L.COMPONENTS_V2_TEXT_MAX,
            required_=True,
        ):
            text.append(len(comp["content"]))
    elif ctype in (9, 17):
        children = check_list(
            errs,
            (*path, "components"),
            comp.get("components"),
            max_items=L.COMPONENTS_V2_TOTAL_MAX,
            min_items=1,
            required_=True,
        )
        for index, child in enumerate(children):
            if is_dict(errs, (*path, "components", index), child):
                _validate_v2(errs, (*path, "components", index), child, seen, text)
        accessory = comp.get("accessory")
        if ctype == 9 and is_dict(errs, (*path, "accessory"), accessory) and isinstance(accessory, dict):
            seen.count += 1
            if accessory.get("type") == L.BUTTON_TYPE:
                validate_button(errs, (*path, "accessory"), accessory, seen)
    elif ctype not in V2_LAYOUT_TYPES:
        errs.add((*path, "type"), "UNION_TYPE_CHOICES", "Invalid component type for a message")


def validate_message_components(errs: FormErrors, components: Any, *, components_v2: bool) -> None:
    seen = _Seen()
    if components_v2:
        items = check_list(errs, ("components",), components, max_items=L.COMPONENTS_V2_TOTAL_MAX)
        text: list[int] = []
        for index, comp in enumerate(items):
            if is_dict(errs, ("components", index), comp):
                _validate_v2(errs, ("components", index), comp, seen, text)
        if seen.count > L.COMPONENTS_V2_TOTAL_MAX:
            errs.add(
                ("components",),
                "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
                f"Total number of components exceeds the maximum of {L.COMPONENTS_V2_TOTAL_MAX}",
            )
        if sum(text) > L.COMPONENTS_V2_TEXT_MAX:
            errs.add(
                ("components",), "COMPONENT_MAX_TEXT_EXCEEDED", "Total text content exceeds 4000 characters"
            )
        return
    rows = check_list(errs, ("components",), components, max_items=L.ACTION_ROWS_MAX)
    for index, row in enumerate(rows):
        path: Path = ("components", index)
        if not is_dict(errs, path, row):
            continue
        if row.get("type") != 1:
            errs.add(
                (*path, "type"),
                "UNION_TYPE_CHOICES",
                "Top-level components must be action rows unless the IS_COMPONENTS_V2 flag is set",
            )
            continue
        _validate_row(errs, path, row, seen)


def _validate_text_input(
    errs: FormErrors, path: Path, comp: dict[str, Any], seen: _Seen, *, in_label: bool
) -> None:
    _custom_id(errs, path, comp.get("custom_id"), seen)
    check_int(errs, (*path, "style"), comp.get("style"), minimum=1, maximum=2, required_=True)
    if in_label:
        if comp.get("label") is not None:
            errs.add(
                (*path, "label"), "TEXT_INPUT_LABEL_NOT_ALLOWED", "label must be set on the Label component"
            )
    else:
        _check_label_text(errs, path, comp)
    check_str(errs, (*path, "placeholder"), comp.get("placeholder"), max_len=L.TEXT_INPUT_PLACEHOLDER_MAX)
    check_str(errs, (*path, "value"), comp.get("value"), max_len=L.TEXT_INPUT_VALUE_MAX)
    low = check_int(
        errs, (*path, "min_length"), comp.get("min_length"), minimum=0, maximum=L.TEXT_INPUT_VALUE_MAX
    )
    high = check_int(
        errs, (*path, "max_length"), comp.get("max_length"), minimum=1, maximum=L.TEXT_INPUT_VALUE_MAX
    )
    if low is not None and high is not None and low > high:
        errs.add((*path, "min_length"), "TEXT_INPUT_MIN_GREATER_THAN_MAX", "min_length must be <= max_length")


def _check_label_text(errs: FormErrors, path: Path, comp: dict[str, Any]) -> None:
    """The required ``label`` of a text input outside a label, or of a label component."""
    check_str(
        errs, (*path, "label"), comp.get("label"), min_len=1, max_len=L.TEXT_INPUT_LABEL_MAX, required_=True
    )


def _validate_modal_row(errs: FormErrors, path: Path, comp: dict[str, Any], seen: _Seen) -> None:
    """An action row in a modal: exactly one text input."""
    children = check_list(
        errs, (*path, "components"), comp.get("components"), max_items=1, min_items=1, required_=True
    )
    for cindex, child in enumerate(children):
        cpath: Path = (*path, "components", cindex)
        if is_dict(errs, cpath, child) and child.get("type") == L.TEXT_INPUT_TYPE:
            _validate_text_input(errs, cpath, child, seen, in_label=False)
        elif isinstance(child, dict):
            errs.add(
                (*cpath, "type"),
                "UNION_TYPE_CHOICES",
                "Action rows in modals may only hold text inputs",
            )


def _validate_modal_label(errs: FormErrors, path: Path, comp: dict[str, Any], seen: _Seen) -> None:
    """A label in a modal: its text, and one text input, select or file upload."""
    _check_label_text(errs, path, comp)
    check_str(errs, (*path, "description"), comp.get("description"), max_len=L.LABEL_DESCRIPTION_MAX)
    inner: Any = comp.get("component")
    if not is_dict(errs, (*path, "component"), inner):
        return
    if inner.get("type") == L.TEXT_INPUT_TYPE:
        _validate_text_input(errs, (*path, "component"), inner, seen, in_label=True)
    elif inner.get("type") in L.SELECT_TYPES:
        validate_select(errs, (*path, "component"), inner, seen)
    elif inner.get("type") != 19:
        errs.add((*path, "component", "type"), "UNION_TYPE_CHOICES", "Invalid component type for a label")


def validate_modal(data: Any) -> FormErrors:
    errs = FormErrors()
    if not is_dict(errs, ("data",), data):
        return errs
    seen = _Seen()
    check_str(
        errs, ("data", "title"), data.get("title"), min_len=1, max_len=L.MODAL_TITLE_MAX, required_=True
    )
    _custom_id(errs, ("data",), data.get("custom_id"), _Seen())
    comps = check_list(
        errs,
        ("data", "components"),
        data.get("components"),
        max_items=L.MODAL_COMPONENTS_MAX,
        min_items=1,
        required_=True,
    )
    for index, comp in enumerate(comps):
        path: Path = ("data", "components", index)
        if not is_dict(errs, path, comp):
            continue
        ctype = comp.get("type")
        if ctype == 1:
            _validate_modal_row(errs, path, comp, seen)
        elif ctype == 18:
            _validate_modal_label(errs, path, comp, seen)
        elif ctype != 10:
            errs.add((*path, "type"), "UNION_TYPE_CHOICES", "Invalid component type for a modal")
    return errs
