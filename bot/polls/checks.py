"""What a member gives ``/poll create`` and ``/poll movienight``, checked before anything is stored.

Every question and option goes through the one normalization for member text
(``bot.ui.member_text``) before it is counted, compared or shown: ``Heat`` and ``Heat`` followed by a
zero-width space are one option, ``é`` typed as ``e`` and an accent is ``é``, an option of only invisible
characters is refused, and a right-to-left override cannot turn ``gnp.exe`` into "exe.png".
"""

from __future__ import annotations

from bot.errors import BadInput
from bot.polls.models import Mode
from bot.ui import limits
from bot.ui.member_text import blank_error, fold, label, normalize

MIN_OPTIONS = 2
MAX_OPTIONS = 25
# An option must fit a button label (80) and a select option label (100).
OPTION_MAX = limits.BUTTON_LABEL
QUESTION_MAX = 200


def parse_options(text: str) -> tuple[str, ...]:
    """The options of ``/poll create``: ``;``-separated, 2–25, each at most 80 characters, no duplicates."""
    parts = text.split(";")
    options = tuple(normalize(part) for part in parts)
    if any(part.strip() and not option for part, option in zip(parts, options, strict=True)):
        raise blank_error("An option")
    options = tuple(o for o in options if o)
    if len(options) < MIN_OPTIONS:
        raise BadInput(
            "A poll needs at least two options, separated by semicolons.",
            hints=["options: Heat; Ronin; Collateral"],
        )
    if len(options) > MAX_OPTIONS:
        raise BadInput(f"A poll can have at most {MAX_OPTIONS} options; you gave {len(options)}.")
    too_long = [o for o in options if len(o) > OPTION_MAX]
    if too_long:
        raise BadInput(
            f"Each option must be at most {OPTION_MAX} characters (Discord's button limit).",
            hints=[f"{o[:40]}… is {len(o)} characters" for o in too_long[:5]],
        )
    seen: set[str] = set()
    for option in options:
        key = fold(option)
        if key in seen:
            raise BadInput(f"The option “{option[:80]}” is given twice; each option must be different.")
        seen.add(key)
    return options


def check_question(text: str) -> str:
    return label(text, "The question", QUESTION_MAX)


def max_choices_for(mode: Mode, options: int, max_choices: int | None) -> int:
    if mode == "single":
        if max_choices not in (None, 1):
            raise BadInput("max_choices is for multi polls; a single-choice poll allows one choice.")
        return 1
    if mode == "multi":
        value = max_choices if max_choices is not None else min(2, options)
        if not 1 <= value <= options:
            raise BadInput(f"max_choices must be between 1 and the number of options ({options}).")
        return value
    if max_choices is not None:
        raise BadInput("max_choices is for multi polls only.")
    return options
