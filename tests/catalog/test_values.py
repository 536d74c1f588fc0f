"""Value parsers never guess, and the JSON stream reads values across chunk boundaries."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.importing import _values
from bot.catalog.importing._files import TextSource
from bot.catalog.importing._values import BadValue
from bot.catalog.importing.tabular import read_json


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


@given(st.text(max_size=30))
def test_parsers_only_ever_refuse_with_a_reason(text: str) -> None:
    for parse in (_values.runtime, _values.release_date, _values.year, _values.imdb_id):
        try:
            parse(text)
        except BadValue as exc:
            assert exc.reason


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
