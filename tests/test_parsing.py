"""The one reader of numbers, lengths and moments (``bot.parsing``) and every parser built on it.

Property tests over arbitrary text: each parser either returns a value within its bounds or raises the
member-facing ``BadInput`` (with a hint saying what would work), never anything else: no OverflowError,
ValueError or KeyError, whatever is typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import parsing
from bot.errors import BadInput
from bot.films.models import PlotSection
from bot.polls.durations import MAX_DURATION, MIN_DURATION, parse_deadline
from bot.preferences.zones import canonical_zone, zone_named
from bot.spoilers.service import group_phases, match_phase
from bot.watchparty.timeparse import MAX_AHEAD, MAX_REMINDER, MAX_REMINDERS, parse_offsets, parse_when

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
PLACES = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian")
OLDER_PLACES = ("Pacific", "Brazil", "Canada", "Chile", "Mexico", "US")

# Pieces people (and fuzzers) type: real grammar, exotic digits, the ends of the calendar, noise.
FRAGMENTS = (
    "0", "1", "2", "12", "30", "59", "60", "99", "2026", "9" * 30, "-", "+", ".", ",", ":", "/", " ",
    "²", "¹²³", "١٢", "５", "Ⅻ", "𝟗", "e9", "inf", "nan", "1_000", "0x1f",
    "in ", "<t:", ">", ":F", ":R", "d", "h", "m", "s", "w", "min", "days", "hours", "weeks", "and",
    "am", "pm", "a.m.", "T", "Z", "utc", "-05:00", "+14:00", "+99:00",
    "9999-12-31", "0001-01-01", "2026-03-29", "2026-10-25", "2026-02-30", "02:30", "23:59", "24:00", "25:00",
    "today", "tomorrow", "friday", "next", "dec", "29", "feb", "noon", "at",
    "@everyone", "<@123>", "||", "\u200b", "\u202e", "\x00", "\n",
)  # fmt: skip
ZONES = (
    "UTC", "America/New_York", "Asia/Tokyo", "Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago",
    "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns",
)  # fmt: skip

pieces = st.sampled_from(FRAGMENTS)
# Shapes the grammars read, with numbers of any size and digits of any script in them.
numbers = st.one_of(
    st.integers(-(10**60), 10**60).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from(["²", "¹²³", "١٢", "５", "9" * 56, "1.", ".5", "-0"]),
)
units = st.sampled_from(["s", "m", "h", "d", "w", "min", "days", "hours", "weeks", "fortnights", "", "pm"])
lengths = st.tuples(numbers, st.sampled_from(["", " "]), units).map("".join)
moments = st.one_of(
    st.builds(
        "{:04}-{:02}-{:02}{}{:02}:{:02}{}".format,
        st.integers(1, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.sampled_from([" ", "T", "t"]),
        st.integers(0, 25),
        st.integers(0, 61),
        st.sampled_from(["", "Z", " UTC", "+14:00", "-05:00", "+99:00", "-0530"]),
    ),
    st.integers(-(10**20), 10**20).map("<t:{}>".format),
    st.integers(-(10**20), 10**20).map(str),
    st.tuples(st.sampled_from(["", "tomorrow ", "friday ", "dec 5 ", "9999-12-31 "]), numbers, units).map(
        "".join
    ),
)
texts = st.one_of(
    st.text(),
    pieces,
    st.lists(pieces, min_size=1, max_size=4).map(" ".join),
    st.lists(st.one_of(pieces, pieces, st.text(max_size=3)), max_size=8).map("".join),
    lengths,
    lengths.map("in {}".format),
    st.lists(lengths, min_size=2, max_size=4).map(",".join),
    moments,
)
# hypothesis takes naive bounds and attaches the zone itself.
nows = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2090, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def refused_clearly(error: BadInput) -> None:
    assert error.message.strip()
    assert error.hints, f"no hint says what would work: {error.message}"


def outcome(parse: Callable[[], object]) -> object | None:
    """What ``parse`` returned, or None when it refused as a member is told (anything else fails)."""
    try:
        return parse()
    except BadInput as refused:
        refused_clearly(refused)
        return None


# -- numbers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", Decimal(12)), (" -0.5 ", Decimal("-0.5")), (".5", Decimal("0.5")), ("1.", Decimal(1))],
)
def test_decimals_are_plain_ascii_numbers(text: str, value: Decimal) -> None:
    assert parsing.decimal(text) == value


@pytest.mark.parametrize(
    "text", ["²", "¹²³", "١٢", "５", "1e3", "inf", "nan", "1_000", "0x10", "", "1.2.3", "--1"]
)
def test_anything_else_is_no_number(text: str) -> None:
    assert parsing.decimal(text) is None
    assert parsing.whole(text) is None


def test_huge_numbers_are_out_of_range_not_an_overflow() -> None:
    assert parsing.whole("9" * 5000) == 10**40  # int("9" * 5000) raises ValueError; this is just "huge"
    with pytest.raises(BadInput, match=r"max_choices goes from 1 to 25; “9999.*” is out of range"):
        parsing.whole_number("9" * 5000, 1, 25, what="max_choices")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("26", "max_choices goes from 1 to 25; “26” is out of range."),
        ("0", "max_choices goes from 1 to 25; “0” is out of range."),
        ("²", "max_choices goes from 1 to 25; “²” is not a whole number."),
        ("2.5", "max_choices is a whole number; “2.5” is not: e.g. 2 or 3."),
    ],
)
def test_whole_numbers_are_refused_in_one_form(text: str, says: str) -> None:
    with pytest.raises(BadInput) as caught:
        parsing.whole_number(text, 1, 25, what="max_choices")
    assert caught.value.message == says
    assert caught.value.hints == ("Write it with the digits 0–9, e.g. “1” or “25”.",)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (float("nan"), "A score goes from 0.5 to 10; nan is not a number."),
        (float("inf"), "A score goes from 0.5 to 10; inf is not a number."),
        (1e308, "A score goes from 0.5 to 10; 1000000000000"),
        (7.3, "7.3 is between steps: use steps of 0.5, e.g. 7 or 7.5."),
    ],
)
def test_numbers_that_arrive_as_numbers_are_checked_alike(value: float, says: str) -> None:
    with pytest.raises(BadInput) as caught:
        parsing.checked_number(value, 0.5, 10, what="A score", step=0.5)
    assert caught.value.message.startswith(says)


@PROPERTY
@given(texts, st.integers(-(2**60), 2**60), st.integers(0, 2**60))
def test_whole_number_is_in_range_or_refused(text: str, low: int, span: int) -> None:
    value = outcome(lambda: parsing.whole_number(text, low, low + span, what="n"))
    assert value is None or (type(value) is int and low <= value <= low + span)


@PROPERTY
@given(texts, st.sampled_from([None, 0.5, 0.25, 1.0]))
def test_number_is_in_range_on_its_step_or_refused(text: str, step: float | None) -> None:
    value = outcome(lambda: parsing.number(text, 0.5, 10, what="A score", step=step))
    assert value is None or (isinstance(value, float) and 0.5 <= value <= 10)
    if value is not None and step is not None:
        assert (Decimal(str(value)) - Decimal("0.5")) % Decimal(str(step)) == 0


@PROPERTY
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_checked_number_takes_any_float(value: float) -> None:
    result = outcome(lambda: parsing.checked_number(value, 0.5, 10, what="A score", step=0.5))
    assert result is None or (
        isinstance(result, float) and 0.5 <= result <= 10 and result * 2 == int(result * 2)
    )


@PROPERTY
@given(st.integers())
def test_checked_whole_takes_any_integer(value: int) -> None:
    result = outcome(lambda: parsing.checked_whole(value, 1, 10_000, what="min_ratings"))
    assert result is None or result == value


# -- lengths -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1d12h", 129600),
        ("90 minutes", 5400),
        ("1 day and 2 hours", 93600),
        ("1.5h", 5400),
        ("2W", 1209600),
        ("1h, 30m", 5400),
    ],
)
def test_lengths(text: str, seconds: int) -> None:
    assert parsing.read_length(text) == seconds


@pytest.mark.parametrize("text", ["", "5", "h", "5 fortnights", "1.h", "²h", "1e3s", "5h soon", "in 5h"])
def test_what_is_not_a_length(text: str) -> None:
    assert parsing.read_length(text) is None


@PROPERTY
@given(texts, st.booleans())
def test_length_is_within_its_bounds_or_refused(text: str, decimals: bool) -> None:
    def read() -> timedelta | None:
        seconds = parsing.read_length(text)
        if seconds is None:
            return None
        low, high = timedelta(minutes=1), timedelta(days=32)
        return parsing.length(
            seconds, text, low=low, high=high, what="A length", hints=("30m",), decimals=decimals
        )

    value = outcome(read)
    assert value is None or (isinstance(value, timedelta) and MIN_DURATION <= value <= MAX_DURATION)


def test_describe_and_compact() -> None:
    assert parsing.describe(32 * 86400) == "32 days"
    assert parsing.describe(5400) == "1 h 30 min"
    assert parsing.compact(5400) == "1h30m"
    assert parsing.compact(93) == "1m33s"


# -- moments -----------------------------------------------------------------------------------------


def test_a_window_compares_before_it_converts() -> None:
    window = parsing.Window(NOW, timedelta(days=32), "a poll's end", ("2h",))
    with pytest.raises(
        BadInput, match="more than 32 days ahead: a poll's end can be at most 32 days from now"
    ):
        window.iso("9999-12-31T23:59:00-05:00", needs_time=True)
    with pytest.raises(BadInput, match="in the past"):
        window.iso("0001-01-01T00:30+09:00", needs_time=True)
    with pytest.raises(BadInput, match="in the past"):
        window.discord_time("<t:-" + "9" * 5000 + ">")
    assert window.discord_time("<t:1775000000:R>") == datetime.fromtimestamp(1775000000, UTC)
    # No offset: naive, for the caller to read in the member's zone.
    assert window.iso("2026-04-01 20:00", needs_time=True) == datetime(2026, 4, 1, 20, 0)  # noqa: DTZ001
    assert window.iso("friday 8pm", needs_time=True) is None
    assert window.unix("١٧٧٥٠٠٠٠٠٠") is None


@PROPERTY
@given(texts, nows)
def test_window_readers_return_a_moment_in_the_window_or_refuse(text: str, now: datetime) -> None:
    window = parsing.Window(now, timedelta(days=32), "a poll", ("2h",))
    for read in (window.discord_time, window.unix):
        at = outcome(lambda read=read: read(text))  # type: ignore[misc]
        assert at is None or (isinstance(at, datetime) and now < at <= window.latest)
    iso = outcome(lambda: window.iso(text, needs_time=False))
    assert iso is None or isinstance(iso, datetime)


# -- the parsers built on it -------------------------------------------------------------------------


@PROPERTY
@given(texts, nows)
def test_poll_durations(text: str, now: datetime) -> None:
    deadline = outcome(lambda: parse_deadline(text, now))
    assert deadline is None or (
        isinstance(deadline, datetime)
        and deadline.tzinfo is not None
        and now + MIN_DURATION <= deadline <= now + MAX_DURATION
    )


@PROPERTY
@given(texts, st.sampled_from(ZONES), nows)
def test_watch_party_times(text: str, zone: str, now: datetime) -> None:
    parsed = outcome(lambda: parse_when(text, zone, now))
    if parsed is not None:
        at = parsed.at  # type: ignore[attr-defined]
        assert at.tzinfo is UTC and now < at <= now + MAX_AHEAD


@PROPERTY
@given(texts)
def test_reminder_offsets(text: str) -> None:
    offsets = outcome(lambda: parse_offsets(text))
    if offsets is not None:
        assert isinstance(offsets, tuple) and len(offsets) <= MAX_REMINDERS
        assert list(offsets) == sorted(set(offsets), reverse=True)
        assert all(1 <= o <= MAX_REMINDER.total_seconds() for o in offsets)


@PROPERTY
@given(
    st.one_of(
        texts, st.sampled_from(["localtime", "Factory", "posixrules", "EST5EDT", "Etc/GMT-14", "Japan"])
    )
)
def test_time_zones_are_places_or_utc(text: str) -> None:
    name = canonical_zone(text)
    zone = outcome(lambda: zone_named(text))
    assert (name is None) == (zone is None)
    if name is not None:
        assert name == "UTC" or name.split("/")[0] in PLACES + OLDER_PLACES


PHASES = group_phases(
    tuple(
        PlotSection(position=i, phase=name, spoiler_level=level, text="…")
        for i, (name, level) in enumerate([("Premise", 0), ("Act 1", 1), ("Act 2", 2), ("The end", 3)])
    )
)


@PROPERTY
@given(st.one_of(texts, st.sampled_from(["²", "¹²³", "2", "act", "THE END", "3"])))
def test_plot_upto(text: str) -> None:
    phase = outcome(lambda: match_phase(PHASES, text))
    assert phase is None or phase in PHASES
