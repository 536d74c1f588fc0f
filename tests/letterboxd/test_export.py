"""Reading Letterboxd exports: the ZIP or its CSVs in Letterboxd's columns, and every way a file is refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from bot.errors import BadInput
from bot.letterboxd import export as reading
from bot.letterboxd.export import read_export
from tests.letterboxd.exports import diary_csv, export_zip, ratings_csv, table


def test_ratings_csv_in_letterboxds_columns() -> None:
    data = ratings_csv(
        [
            ("2024-05-10", "Solaris", "1972", "4.5"),
            ("2023-01-02", "Paris, Texas", "1984", "5"),
            ("2022-11-30", "Amélie", "2001", "0.5"),
        ]
    )
    assert data.startswith(b"Date,Name,Year,Letterboxd URI,Rating\n")
    assert b'"Paris, Texas"' in data
    export = read_export(data, "ratings.csv")
    assert export.source == "ratings.csv" and export.rows == 3 and export.unrated == 0
    assert [(r.name, r.year, r.stars, r.rated_on, r.line) for r in export.ratings] == [
        ("Solaris", 1972, 4.5, date(2024, 5, 10), 2),
        ("Paris, Texas", 1984, 5.0, date(2023, 1, 2), 3),
        ("Amélie", 2001, 0.5, date(2022, 11, 30), 4),
    ]


def test_the_zip_reads_ratings_csv_and_never_the_deleted_folder() -> None:
    data = export_zip(
        {
            "ratings.csv": ratings_csv([("2024-05-10", "Flow", "2024", "4")]),
            "diary.csv": diary_csv([("2024-05-11", "Perfect Days", "2023", "5", "2024-05-10")]),
        }
    )
    export = read_export(data, "letterboxd-someone-2026-03-27-12-00-utc.zip")
    assert export.source == "ratings.csv"
    assert [(r.name, r.stars) for r in export.ratings] == [("Flow", 4.0)]


def test_a_zip_with_only_a_diary_takes_each_films_latest_rated_entry() -> None:
    diary = diary_csv(
        [
            ("2024-01-06", "Solaris", "1972", "3", "2024-01-04"),
            ("2024-07-01", "Solaris", "1972", "4.5", "2024-06-30"),  # a rewatch, rated again
            ("2024-08-01", "Solaris", "1972", "", "2024-07-31"),  # logged again without stars
            ("2024-02-11", "Flow", "2024", "", "2024-02-09"),
        ]
    )
    export = read_export(export_zip({"diary.csv": diary}, folder="letterboxd-someone-2026/"), "export.zip")
    assert export.source == "diary.csv" and export.rows == 4 and export.unrated == 2
    assert [(r.name, r.stars, r.rated_on) for r in export.ratings] == [("Solaris", 4.5, date(2024, 7, 1))]


def test_rows_that_cannot_be_read_are_skipped_and_counted() -> None:
    data = ratings_csv(
        [
            ("2024-05-10", "Solaris", "1972", "4.5"),
            ("2024-05-10", "Flow", "2024", "6"),  # past five stars
            ("2024-05-10", "Dune", "2021", "4.3"),  # not a half star
            ("yesterday", "Heat", "1995", "4"),
            ("2024-05-10", "", "1995", "4"),
            ("2024-05-10", "Alien", "nineteen", "4"),
        ]
    )
    export = read_export(data, "ratings.csv")
    assert [r.name for r in export.ratings] == ["Solaris"]
    assert export.bad_lines == (3, 4, 5, 6, 7)


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"", "ratings.csv", "is empty"),
        (table(["Date", "Name", "Year", "Letterboxd URI"], [["2024-01-01", "Flow", "2024", "x"]]), "watchlist.csv",
         "lacks Rating"),
        (b"Title,Year,Rating10\nFlow,2024,8\n", "ratings.csv", "lacks Date, Name"),
        ("Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Amélie,2001,x,4\n".encode("latin-1"), "ratings.csv",
         "not UTF-8"),
        (b"\x00\x01\x02binary", "ratings.csv", "not a text file"),
        (b"PK\x03\x04 cut short", "export.zip", "damaged or cut short"),
        (b"not a zip at all", "export.zip", "not a readable ZIP"),
        (export_zip({}), "export.zip", "neither ratings.csv nor diary.csv"),
        (b'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,"Flow,2024,x,4\n', "ratings.csv", "not a CSV file"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_export_is_refused_with_what_would_work(
    data: bytes, name: str, says: str
) -> None:
    with pytest.raises(BadInput) as refused:
        read_export(data, name)
    assert says in refused.value.message


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        header = b"Date,Name,Year,Letterboxd URI,Rating\n"
        archive.writestr("ratings.csv", header + b"2024-01-01,Flow,2024,x,4\n" * 1_000_000)
    data = buffer.getvalue()
    assert len(data) < 200_000  # a small upload…
    with pytest.raises(BadInput) as refused:  # …that would unpack to 25 MB
        read_export(data, "export.zip")
    assert "larger than 20 MB unpacked" in refused.value.message


def test_a_zip_of_too_many_files_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ZIP_ENTRIES", 10)
    data = export_zip({f"lists/list-{n}.csv": b"x" for n in range(20)})
    with pytest.raises(BadInput) as refused:
        read_export(data, "export.zip")
    assert "holds 25 files" in refused.value.message


def test_too_many_rows_or_too_large_a_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [("2024-05-10", f"Film {n}", "2000", "3") for n in range(4)]
    with pytest.raises(BadInput) as refused:
        read_export(ratings_csv(rows), "ratings.csv")
    assert "more than 3 rows" in refused.value.message
    with pytest.raises(BadInput) as refused:
        read_export(b"x" * (reading.MAX_UPLOAD + 1), "ratings.csv")
    assert "larger than 10 MB" in refused.value.message
