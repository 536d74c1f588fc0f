"""Reading typed times: a table of inputs and zones, DST edges, refusals that say what would work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import BadInput
from bot.preferences.zones import canonical_zone, suggest
from bot.watchparty.timeparse import describe_offset, parse_offsets, parse_when

# Friday 27 March 2026, 12:00 UTC (13:00 in Paris, 08:00 in New York). Paris springs forward on
# Sunday 29 March (02:00 -> 03:00) and falls back on Sunday 25 October (03:00 -> 02:00).
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)

ACCEPTED = [
    ("2026-12-05 20:00", "Europe/Paris", "2026-12-05T19:00:00+00:00"),
    ("2026-12-05T20:00", "UTC", "2026-12-05T20:00:00+00:00"),
    ("2026-12-05 20:00+09:00", "Europe/Paris", "2026-12-05T11:00:00+00:00"),
    ("2026-12-05T20:00Z", "Asia/Tokyo", "2026-12-05T20:00:00+00:00"),
    ("Dec 5 8pm", "America/New_York", "2026-12-06T01:00:00+00:00"),
    ("December 5th 8:30 pm", "UTC", "2026-12-05T20:30:00+00:00"),
    ("5 dec 20:00", "UTC", "2026-12-05T20:00:00+00:00"),
    ("5th of December at 20:00", "UTC", "2026-12-05T20:00:00+00:00"),
    ("Mar 1 8pm", "UTC", "2027-03-01T20:00:00+00:00"),  # this year's is past: next year's
    ("Feb 29 8pm", "UTC", "2028-02-29T20:00:00+00:00"),  # the next leap day
    ("tomorrow 21:00", "UTC", "2026-03-28T21:00:00+00:00"),
    ("tomorrow 21:00", "Europe/Paris", "2026-03-28T20:00:00+00:00"),
    ("Tomorrow at 9pm", "America/New_York", "2026-03-29T01:00:00+00:00"),
    ("friday 8pm", "Europe/Paris", "2026-03-27T19:00:00+00:00"),  # today, still ahead
    ("friday 10am", "UTC", "2026-04-03T10:00:00+00:00"),  # today's is past: next week
    ("next friday 8pm", "UTC", "2026-04-03T20:00:00+00:00"),
    ("sat 20:00", "UTC", "2026-03-28T20:00:00+00:00"),
    ("sunday 20:00", "Europe/Paris", "2026-03-29T18:00:00+00:00"),  # after the switch: UTC+2
    ("monday noon", "UTC", "2026-03-30T12:00:00+00:00"),
    ("today 23:30", "UTC", "2026-03-27T23:30:00+00:00"),
    ("8pm", "UTC", "2026-03-27T20:00:00+00:00"),
    ("11am", "UTC", "2026-03-28T11:00:00+00:00"),  # a bare time: its next occurrence
    ("in 2 hours", "UTC", "2026-03-27T14:00:00+00:00"),
    ("in 2 hours", "Pacific/Auckland", "2026-03-27T14:00:00+00:00"),  # zone-free
    ("in 90 minutes", "UTC", "2026-03-27T13:30:00+00:00"),
    ("in 1h30m", "UTC", "2026-03-27T13:30:00+00:00"),
    ("in 1 day and 2 hours", "UTC", "2026-03-28T14:00:00+00:00"),
    ("  In   10 MIN ", "UTC", "2026-03-27T12:10:00+00:00"),
    ("Dec 5 8pm", "europe/paris", "2026-12-05T19:00:00+00:00"),  # zone name in any case
    ("<t:1775000000:F>", "Europe/Paris", "2026-03-31T23:33:20+00:00"),  # a pasted Discord timestamp
    ("in 1.5 hours", "UTC", "2026-03-27T13:30:00+00:00"),
    ("2026-12-05 20:00 UTC", "Europe/Paris", "2026-12-05T20:00:00+00:00"),
    ("2026-12-05 8pm", "UTC", "2026-12-05T20:00:00+00:00"),
]


@pytest.mark.parametrize(("text", "zone", "expected"), ACCEPTED)
def test_accepted(text: str, zone: str, expected: str) -> None:
    parsed = parse_when(text, zone, NOW)
    assert parsed.at.isoformat() == expected
    assert parsed.at.tzinfo is UTC
    assert parsed.at > NOW


def test_the_local_reading_is_reported_in_the_zone() -> None:
    parsed = parse_when("sunday 20:00", "Europe/Paris", NOW)
    assert parsed.zone == "Europe/Paris"
    assert parsed.local.strftime("%Y-%m-%d %H:%M %z") == "2026-03-29 20:00 +0200"


REFUSED = [
    ("", "empty"),
    ("blah", "time of day"),
    ("8", "time of day"),  # 8am or 8pm?
    ("friday", "time of day"),
    ("25:00", "the hour goes from 0 to 23, not 25"),
    ("tomorrow 25:00", "the hour goes from 0 to 23, not 25"),
    ("13pm", "with am or pm the hour goes from 1 to 12, not 13"),
    ("friday 0am", "with am or pm the hour goes from 1 to 12, not 0"),
    ("20:75", "the minutes go from 00 to 59, not 75"),
    ("yesterday 8pm", "I don't know the day"),
    ("2026-02-30 20:00", "does not exist"),
    ("in soon", "how far ahead"),
    ("in 2 fortnights", "how far ahead"),
    ("2025-12-05 20:00", "in the past"),
    ("today 09:00", "in the past"),
    ("in 800 days", "two years"),
    ("2030-01-01 20:00", "two years"),
    ("2026-12-05 24:00", "that time does not exist"),
    ("<t:1>", "in the past"),
    ("in 2 ²", "how far ahead"),
    ("in ٢ hours", "how far ahead"),
    ("١٢:٠٠", "time of day"),
    ("9999-12-31 8pm", "two years"),
    ("0001-01-01 8pm", "in the past"),
    # Issue 16, item 6: each of these was "Something went wrong".
    ("in 9999999999 days", "two years"),
    ("in 99999999999999999 weeks", "two years"),
    ("9999-12-31T23:59:00-05:00", "two years"),
]


@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_refused_with_examples(text: str, why: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_when(text, "UTC", NOW)
    assert f"“{text.strip()}”" in caught.value.message or not text, "the refusal quotes the input as typed"
    assert why in caught.value.message
    hints = " ".join(caught.value.hints)
    assert "“" in hints  # every refusal shows something that would work, quoted


def test_spring_forward_gap_is_refused_and_the_answer_shows_a_real_time() -> None:
    with pytest.raises(BadInput) as caught:
        parse_when("2026-03-29 02:30", "Europe/Paris", NOW)
    assert "does not exist in Europe/Paris" in caught.value.message
    assert "2026-03-29 03:30" in caught.value.hints[0]


def test_spring_forward_gap_in_new_york() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(BadInput, match="does not exist"):
        parse_when("Mar 8 2:15am", "America/New_York", now)
    # Either side of the gap is fine.
    assert parse_when("Mar 8 1:59am", "America/New_York", now).at.isoformat() == "2026-03-08T06:59:00+00:00"
    assert parse_when("Mar 8 3:00am", "America/New_York", now).at.isoformat() == "2026-03-08T07:00:00+00:00"


def test_fall_back_ambiguous_hour_is_refused() -> None:
    with pytest.raises(BadInput) as caught:
        parse_when("Oct 25 2:30am", "Europe/Paris", NOW)
    assert "happens twice" in caught.value.message
    # Just outside the repeated hour is fine, and an explicit offset settles it.
    assert parse_when("Oct 25 1:59am", "Europe/Paris", NOW).at.isoformat() == "2026-10-24T23:59:00+00:00"
    assert (
        parse_when("2026-10-25 02:30+01:00", "Europe/Paris", NOW).at.isoformat()
        == "2026-10-25T01:30:00+00:00"
    )


@pytest.mark.parametrize(
    ("text", "zone", "why"),
    [
        # Issue 16, item 6: the far end of the calendar, converted to UTC, was past year 9999 or before 1.
        ("9999-12-31 23:59", "America/New_York", "two years"),
        ("0001-01-01 00:30", "Asia/Tokyo", "in the past"),
        ("9999-12-31 11pm", "America/New_York", "two years"),
        ("0001-01-01 12am", "Pacific/Kiritimati", "in the past"),
    ],
)
def test_the_ends_of_the_calendar_are_refused_in_any_zone(text: str, zone: str, why: str) -> None:
    with pytest.raises(BadInput, match=why):
        parse_when(text, zone, NOW)


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(BadInput, match="not a time zone"):
        parse_when("in 2 hours", "Mars/Olympus", NOW)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("in 2 hours", "UTC", NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d,1h,10m", (86400, 3600, 600)),
        ("10m 1h", (3600, 600)),
        ("none", ()),
        ("30 min", (1800,)),
        ("1w", (604800,)),
        ("1h30m", (5400,)),  # one offset, not two
        ("1 h 30 m", (3600, 1800)),
        ("2 hours, 1 day", (86400, 7200)),
        ("1h,60m", (3600,)),  # the same moment once
    ],
)
def test_offsets(text: str, expected: tuple[int, ...]) -> None:
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1x", "“1x” is not a reminder offset"),
        ("0m", "at least 1 second; “0m” is shorter"),
        ("soon", "not a reminder offset"),
        ("5w", "at most 28 days; “5w” is longer"),
        ("1m,2m,3m,4m,5m,6m", "At most 5 reminders"),
        ("²h", "not a reminder offset"),
        ("9" * 60 + "d", "at most 28 days"),
        # Issue 16, item 14: "1.5h" was called "“1.” is not a reminder offset".
        ("1.5h", "whole numbers, not decimals like “1.5h”"),
        ("1d,0.5d", "not decimals like “0.5d”"),
    ],
)
def test_bad_offsets(text: str, why: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_offsets(text)
    assert why in caught.value.message


def test_a_decimal_offset_is_answered_with_what_to_type_instead() -> None:
    with pytest.raises(BadInput) as caught:
        parse_offsets("1.5h")
    assert "Write it as “1h30m” or “90m”." in caught.value.hints
    with pytest.raises(BadInput) as caught:
        parse_offsets("2.5d")
    assert "Write it as “2d12h”." in caught.value.hints


def test_describe_offset() -> None:
    assert describe_offset(86400) == "1 day"
    assert describe_offset(7200) == "2 hours"
    assert describe_offset(5400) == "1 h 30 min"
    assert describe_offset(600) == "10 minutes"


def test_zone_names_and_abbreviations() -> None:
    assert canonical_zone("europe/paris") == "Europe/Paris"
    assert canonical_zone("America/New York") == "America/New_York"
    assert canonical_zone("PST") == "America/Los_Angeles"
    assert canonical_zone("utc") == "UTC"
    assert canonical_zone("paris") == "Europe/Paris" and canonical_zone("new york") == "America/New_York"
    assert canonical_zone("Nowhere/Special") is None
    assert canonical_zone("US/Eastern") == "US/Eastern"  # the older region names still work
    assert canonical_zone("gmt") == canonical_zone("Etc/GMT") == "UTC"


@pytest.mark.parametrize(
    "name",
    ["localtime", "Factory", "factory", "posixrules", "EST5EDT", "Etc/GMT+5", "Japan", "../UTC", "\x00"],
)
def test_only_places_and_utc_are_time_zones(name: str) -> None:
    """Issue 16, item 14: ``localtime`` (the host's own zone) and ``Factory`` were accepted."""
    assert canonical_zone(name) is None
    with pytest.raises(BadInput, match="not a time zone I know: use the zone of a place, or UTC"):
        parse_when("in 2 hours", name, NOW)


def test_zone_autocomplete_is_fuzzy_and_at_most_25() -> None:
    assert len(suggest("", NOW)) <= 25 and suggest("", NOW)[0][1] == "UTC"
    assert suggest("paris", NOW)[0] == ("Europe/Paris (UTC+01:00)", "Europe/Paris")
    assert "America/New_York" in [z for _, z in suggest("new york", NOW)]
    assert "Asia/Tokyo" in [z for _, z in suggest("tokio", NOW)]  # a typo
    many = suggest("a", NOW)
    assert len(many) == 25 and all(len(label) <= 100 for label, _ in many)
