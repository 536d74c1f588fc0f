"""The one place spoiler text is turned into Discord markdown: neutralized, split, every part tagged.

Whatever the text holds (pipes, backticks, code fences, mentions, links, headings, quotes, invisible
characters, any length), :func:`spoiler_chunks` returns parts that each begin with ``||``, end with
``||`` and hold nothing that Discord's markdown parser could use to close the tag early, open a code
span across it, ping anyone, unfurl a link or render a block outside it:

- ``|`` becomes ``¦`` and a backtick becomes ``ˋ`` (look-alikes Discord does not parse), so the only
  pipes in a part are its own tags and no code span can exist;
- every other markdown character (``\\ * _ ~ # > < [ ]``, and list markers at a line start) is
  escaped with a backslash, and a backslash always stays beside the character it escapes;
- ``@everyone``/``@here`` and ``scheme://`` get a zero-width space so they neither ping nor link;
- control, bidi-override and zero-width characters in the input are dropped;
- each part, tags included, fits ``limit`` measured in UTF-16 code units (never fewer than Discord
  counts), cut at a paragraph, line or word boundary where one is near.
"""

from __future__ import annotations

import re
import unicodedata

from bot.ui import limits

TAG = "||"
PIPE_STANDIN = "\u00a6"  # ¦ BROKEN BAR
BACKTICK_STANDIN = "\u02cb"  # ˋ MODIFIER LETTER GRAVE ACCENT
ZWSP = "\u200b"
ELLIPSIS = "…"
# The shortest part that can carry any atom: two tags and an escaped astral character (3 units).
MIN_LIMIT = 2 * len(TAG) + 3

# Characters escaped wherever they appear (ASCII punctuation Discord's markdown gives meaning to).
_ALWAYS_ESCAPED = frozenset("\\*_~#><[]")
# Line starts that would begin a list (``- ``, ``+ ``, ``1. ``, ``1) ``).
_LIST_MARKER = re.compile(r"[-+]|\d{1,9}[.)]")
# Dropped: bidi overrides/isolates/marks, zero-width spaces/joiners (but ZWJ, used inside emoji),
# word joiner and invisible operators, BOM, Hangul fillers that render as blanks.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
    "\u2066\u2067\u2068\u2069\ufeff\u115f\u1160\u3164\uffa0\u180e\u00ad"
)
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})
_SENTENCE_END = frozenset(".!?;:\u201d\"')\u3002")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?=//)")
_EVERYONE = re.compile(r"@(?=everyone|here)", re.IGNORECASE)


def discord_len(text: str) -> int:
    """Length in UTF-16 code units: never less than the length Discord checks against its limits."""
    return len(text.encode("utf-16-le")) // 2


def _clean(text: str) -> str:
    """Normalize line breaks and drop control and invisible characters; keep line breaks."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    out = []
    for ch in text:
        if " " <= ch <= "~" or ch == "\n":
            out.append(ch)  # printable ASCII: the common case
        elif ch == "\t" or ch.isspace():
            out.append(" ")
        elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    lines = [line.strip() for line in "".join(out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _atoms(text: str) -> list[str]:
    """Cleaned text as a list of atoms: each renders literally and is never split from its escape."""
    atoms: list[str] = []
    defang: set[int] = set()  # positions of the ``:`` in ``scheme://``
    for match in _SCHEME.finditer(text):
        defang.add(match.end() - 1)
    ping: set[int] = {m.start() for m in _EVERYONE.finditer(text)}
    line_start = True
    index = 0
    while index < len(text):
        ch = text[index]
        marker = _LIST_MARKER.match(text, index) if line_start and ch not in " \n" else None
        if marker is not None:
            atoms.extend(marker.group()[:-1])
            atoms.append("\\" + marker.group()[-1])
            index = marker.end()
            line_start = False
            continue
        if ch == "\n":
            line_start = True
        elif ch != " ":
            line_start = False
        atoms.append(_atom(ch, index in defang, index in ping))
        index += 1
    return atoms


def _atom(ch: str, defanged: bool, pinging: bool) -> str:
    """One character as an atom: a look-alike, escaped, defanged, or itself."""
    if ch == "|":
        return PIPE_STANDIN
    if ch == "`":
        return BACKTICK_STANDIN
    if ch in _ALWAYS_ESCAPED:
        return "\\" + ch
    if defanged:
        return ":" + ZWSP
    if pinging:
        return "@" + ZWSP
    return ch


def neutralize(text: str) -> str:
    """``text`` made inert for use inside a spoiler tag (not tagged, not split)."""
    return "".join(_atoms(_clean(text)))


def _size(atom: str) -> int:
    return len(atom) + sum(1 for ch in atom if ch > "\uffff")


def _cut(atoms: list[str], sizes: list[int], start: int, budget: int) -> tuple[int, int]:
    """Where the part starting at ``start`` ends (exclusive), and where the next one starts."""
    used = 0
    end = start
    best: dict[str, int] = {}
    while end < len(atoms):
        size = sizes[end]
        if used + size > budget:
            break
        atom = atoms[end]
        if atom == "\n":
            kind = "para" if end > start and atoms[end - 1] == "\n" else "line"
            best[kind] = end
        elif atom == " ":
            best["space"] = end
            if end > start and atoms[end - 1][-1:] in _SENTENCE_END:
                best["sentence"] = end
        used += size
        end += 1
    if end >= len(atoms):
        return end, end
    if end == start:  # cannot happen with limit >= MIN_LIMIT; never loop forever
        return start + 1, start + 1
    # Prefer the strongest boundary that still fills at least half the part.
    floor = start + max(1, (end - start) // 2)
    for kind in ("para", "line", "sentence", "space"):
        at = best.get(kind)
        if at is not None and at >= floor:
            return at, at + 1
    at = best.get("space")
    if at is not None and at > start:
        return at, at + 1
    return end, end


def spoiler_chunks(text: str, limit: int = limits.EMBED_FIELD_VALUE) -> list[str]:
    """``text`` as one or more parts, each ``||…||``, neutralized, each at most ``limit`` long.

    Empty or blank text gives no parts. Nothing outside the tags: not a space, not a newline.
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"a spoiler part needs at least {MIN_LIMIT} characters, not {limit}")
    return _chunks(text, limit, TAG)


def plain_chunks(text: str, limit: int) -> list[str]:
    """``text`` (not a spoiler: a premise) neutralized the same way and split the same way, untagged:
    parts of at most ``limit`` UTF-16 units, cut at a paragraph, line or word boundary where one is near."""
    if limit < MIN_LIMIT:
        raise ValueError(f"a part needs at least {MIN_LIMIT} characters, not {limit}")
    return _chunks(text, limit, "")


def _chunks(text: str, limit: int, tag: str) -> list[str]:
    atoms = _atoms(_clean(text))
    sizes = [_size(atom) for atom in atoms]
    budget = limit - 2 * len(tag)
    parts: list[str] = []
    start = 0
    while start < len(atoms):
        while start < len(atoms) and atoms[start] in (" ", "\n"):
            start += 1
        if start >= len(atoms):
            break
        end, start_next = _cut(atoms, sizes, start, budget)
        body = "".join(atoms[start:end]).strip(" \n")
        if body:
            parts.append(f"{tag}{body}{tag}")
        start = start_next
    return parts


def spoiler(text: str, limit: int) -> str:
    """``text`` as a single spoiler part within ``limit``, ending with ``…`` when it had to be cut."""
    parts = spoiler_chunks(text, limit)
    if len(parts) <= 1:
        return parts[0] if parts else ""
    shorter = spoiler_chunks(text, limit - discord_len(ELLIPSIS))
    return shorter[0][: -len(TAG)] + ELLIPSIS + TAG


def labelled(label: str, text: str, limit: int) -> list[str]:
    """Parts of ``text`` with ``label: `` shown in the clear before the first one, each within ``limit``.

    ``label`` must not be a spoiler (a phase name, "Spoiler"): it is the only thing outside the tags.
    """
    prefix = f"{label}: "
    parts = spoiler_chunks(text, limit - discord_len(prefix))
    return [prefix + parts[0], *parts[1:]] if parts else []
