"""FILMBOT_SHARD_COUNT and FILMBOT_SHARD_IDS, the bot each makes, and the IDENTIFY limit kept between shards."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.client import FilmBot
from bot.errors import ConfigError
from bot.settings import Settings, Shards, id_ranges
from bot.sharding import IDENTIFY_WINDOW, REIDENTIFY_WAIT, IdentifyGate, ShardedFilmBot, make_bot


def shards(count: str = "", ids: str = "") -> Shards | None:
    return Settings.from_env({"FILMBOT_SHARD_COUNT": count, "FILMBOT_SHARD_IDS": ids}, env_file=None).shards


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [
        ("", "", None),
        ("1", "", Shards(1)),
        ("2", "0-1", Shards(2, (0, 1))),
        (" 4 ", "0-1, 2,3", Shards(4, (0, 1, 2, 3))),
        ("4", "3,0-2,1", Shards(4, (0, 1, 2, 3))),  # overlaps are merged, order does not matter
        ("3", "0,1,2,", Shards(3, (0, 1, 2))),  # a trailing comma is nothing
        ("AUTO", "", Shards(None)),
        ("10000", "", Shards(10_000)),
    ],
)
def test_accepted_forms(count: str, ids: str, expected: Shards | None) -> None:
    assert shards(count, ids) == expected


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        ("0", "", "FILMBOT_SHARD_COUNT must be auto or a whole number of shards from 1 to 10000, not '0'"),
        ("2.0", "", "not '2.0'"),
        ("-2", "", "not '-2'"),
        ("10001", "", "not '10001'"),
        ("²", "", "not '²'"),
        ("٢", "", "not '٢'"),  # Arabic-Indic two: int() would take it
        ("1e3", "", "not '1e3'"),
        ("", "0-1", "FILMBOT_SHARD_IDS needs FILMBOT_SHARD_COUNT (the total number of shards) set as well"),
        ("auto", "0", "FILMBOT_SHARD_IDS needs FILMBOT_SHARD_COUNT set to a number, not auto"),
        (
            "2",
            "0-2",
            "FILMBOT_SHARD_IDS must name shards from 0 to 1, low to high (FILMBOT_SHARD_COUNT is 2), not '0-2'",
        ),
        ("4", "3-1", "not '3-1'"),
        (
            "4",
            "0 - 3",
            "FILMBOT_SHARD_IDS must be shard ids (digits 0-9) or ranges like 0-3, separated by commas",
        ),
        ("4", "0;1", "not '0;1'"),
        ("4", "-1", "not '-1'"),
        ("4", "0-٣", "not '0-٣'"),
        ("4", "0,2", "FILMBOT_SHARD_IDS '0,2' would leave shards 1, 3 (of 4) without a process"),
        (
            "3",
            "1-2",
            "would leave shard 0 (of 3) without a process, and a SQLite database (FILMBOT_DATABASE)",
        ),
    ],
)
def test_refused_forms_name_the_key_and_what_works(count: str, ids: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        shards(count, ids)
    assert says in refused.value.message
    assert "\n" not in refused.value.message


@pytest.mark.parametrize(
    ("database", "ids", "expected"),
    [
        ("postgresql://filmbot@db.example/filmbot", "1-2", Shards(3, (1, 2))),  # the rest run elsewhere
        ("postgres://filmbot@db.example/filmbot", "0", Shards(3, (0,))),
        ("postgresql://filmbot@db.example/filmbot", "", Shards(3)),
    ],
)
def test_on_postgresql_ids_may_name_some_shards_the_other_processes_run_the_rest(
    database: str, ids: str, expected: Shards
) -> None:
    settings = Settings.from_env(
        {"FILMBOT_DATABASE": database, "FILMBOT_SHARD_COUNT": "3", "FILMBOT_SHARD_IDS": ids}, env_file=None
    )
    assert settings.shards == expected


def test_on_sqlite_the_refusal_says_what_would_allow_some_shards() -> None:
    with pytest.raises(ConfigError) as refused:
        Settings.from_env(
            {
                "FILMBOT_DATABASE": "sqlite:///data/f.sqlite3",
                "FILMBOT_SHARD_COUNT": "2",
                "FILMBOT_SHARD_IDS": "1",
            },
            env_file=None,
        )
    assert "a SQLite database (FILMBOT_DATABASE) is served by one process only" in refused.value.message
    assert "on a PostgreSQL database (FILMBOT_DATABASE=postgresql://…)" in refused.value.message


def test_descriptions_and_shard_zero() -> None:
    assert Shards(4).describe() == "shards 0-3 of 4" and Shards(4).runs_shard_zero
    assert Shards(1).describe() == "shard 0 of 1"
    assert Shards(8, (0, 1, 2, 5)).describe() == "shards 0-2, 5 of 8"
    assert not Shards(8, (4, 5)).runs_shard_zero
    assert Shards(None).describe() == "the shard count Discord recommends"
    assert id_ranges([7, 1, 2, 3, 9, 10]) == "1-3, 7, 9-10"


def test_make_bot_is_the_plain_bot_unless_shards_are_set(tmp_path: Path) -> None:
    plain = make_bot(Settings(database=tmp_path / "f.sqlite3"))
    assert type(plain) is FilmBot
    sharded = make_bot(Settings(database=tmp_path / "f.sqlite3", shards=Shards(3, (0, 1, 2))))
    assert isinstance(sharded, ShardedFilmBot)
    assert (sharded.shard_count, sharded.shard_ids) == (3, [0, 1, 2])
    auto = make_bot(Settings(database=tmp_path / "f.sqlite3", shards=Shards(None)))
    assert isinstance(auto, ShardedFilmBot) and auto.shard_count is None and auto.shard_ids is None


def test_identifies_of_one_bucket_are_five_seconds_apart() -> None:
    gate = IdentifyGate(max_concurrency=1)
    assert [gate.claim(shard, now=100.0) for shard in range(4)] == [0.0, 5.0, 10.0, 15.0]
    assert gate.claim(4, now=200.0) == 0.0  # long after the last one: at once


def test_max_concurrency_lets_each_bucket_identify_at_once() -> None:
    gate = IdentifyGate(max_concurrency=16)
    assert [gate.claim(shard, now=0.0) for shard in range(16)] == [0.0] * 16
    assert gate.claim(16, now=1.0) == IDENTIFY_WINDOW - 1.0  # bucket 0 again, within its window
    assert gate.claim(17, now=1.0) == IDENTIFY_WINDOW - 1.0


def test_a_fresh_identify_after_a_lost_session_waits_one_to_five_seconds() -> None:
    gate = IdentifyGate(max_concurrency=2, rng=random.Random(7))
    assert gate.claim(0, now=0.0) == 0.0 and gate.claim(1, now=0.0) == 0.0
    waits = [gate.claim(1, now=1000.0 * n) for n in range(1, 50)]
    low, high = REIDENTIFY_WAIT
    assert all(low <= wait <= high for wait in waits) and len(set(waits)) > 1
    assert gate.claim(1, now=49_000.0) >= IDENTIFY_WINDOW + low  # and never inside the last one's window
