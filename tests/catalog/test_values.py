"""Value parsers never guess, and the JSON stream reads values across chunk boundaries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import values as _values
from bot.catalog.importing._files import TextSource
from bot.catalog.importing.json_list import read_json
from bot.catalog.values import BadValue


@pytest.mark.parametrize(
    ("text", "minutes"), [("123", 123), ("123 min", 123), ("2h 5m", 125), ("2 hours", 120), ("51420", 51420)]
)
def test_runtimes(text: str, minutes: int) -> None:
    assert _values.runtime(text) == minutes


@pytest.mark.parametrize("text", ["", "long", "0", "-5", "1.5", "99999999", "2h 5x", "h"])
def test_unreadable_runtimes_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        _values.runtime(text)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2025", "2025"), ("2025-09", "2025-09"), ("2025-09-19", "2025-09-19"), ("19 September 2025", "2025-09-19"),
     ("Sep 19, 2025", "2025-09-19")],
)  # fmt: skip
def test_release_dates(text: str, iso: str) -> None:
    assert _values.release_date(text) == iso


@pytest.mark.parametrize("text", ["09/19/2025", "2025-13-01", "2025-02-30", "someday", "1066", "32 May 2020"])
def test_ambiguous_or_wrong_dates_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        _values.release_date(text)


# Arbitrary text, and text made mostly of digits of every script, signs and separators, long or short.
any_value = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("0123456789²¹١٢٣０１９.,_-+eE:hm %\u00a0 "), max_size=60),
    st.builds(lambda d, n: d * n, st.sampled_from(["9", "0", "1", "١"]), st.integers(1, 6000)),
)


@given(any_value)
def test_parsers_return_a_value_in_range_or_refuse_with_a_reason(text: str) -> None:
    checks = [
        (_values.runtime, lambda v: 1 <= v <= _values.MAX_RUNTIME),
        (_values.year, lambda v: _values.MIN_YEAR <= v <= _values.MAX_YEAR),
        (lambda t: _values.votes(t, "votes"), lambda v: 0 <= v <= _values.MAX_VOTES),
        (lambda t: _values.decimal(t, "rating", 0.0, 10.0), lambda v: 0.0 <= v <= 10.0),
        (lambda t: _values.whole(t, "n", 5, 500), lambda v: 5 <= v <= 500),
        (_values.release_date, lambda v: _values.MIN_YEAR <= int(v[:4]) <= _values.MAX_YEAR),
        (lambda t: _values.day(t, "as_of"), lambda v: _values.MIN_YEAR <= v.year <= _values.MAX_YEAR),
        (_values.imdb_id, lambda v: v.isascii()),
    ]
    for parse, in_range in checks:
        try:
            value = parse(text)
        except BadValue as exc:
            assert exc.reason and exc.field
        else:
            assert in_range(value), (text, value)
            assert all(ch.isascii() for ch in str(value)), value


@pytest.mark.parametrize("text", ["²", "¹²³", "١٢٣", "１２３", "1e3", "nan", "inf", "-1", "1_0", "9" * 5000])
def test_numbers_are_ascii_digits_only(text: str) -> None:
    with pytest.raises(BadValue):
        _values.whole(text, "n", 0, 10**9)
    with pytest.raises(BadValue):
        _values.decimal(text, "n", 0, 10**9)


def test_json_values_straddling_chunk_boundaries(tmp_path: Path) -> None:
    films = [{"title": f"Film {n} " + "é" * (n % 50 + 1), "year": 1900 + n % 120} for n in range(4000)]
    path = tmp_path / "films.json"
    path.write_text(json.dumps(films, indent=1, ensure_ascii=False), encoding="utf-8")
    assert path.stat().st_size > 4 * 65536
    with TextSource(path) as src:
        items = list(read_json(src, {}, "src", date(2024, 1, 1)))
    assert [i.film.title for i in items if i.film] == [f["title"] for f in films]
    # indent=1: '[' on line 1, then each object takes 4 lines.
    assert [i.line for i in items[:3]] == [2, 6, 10]
