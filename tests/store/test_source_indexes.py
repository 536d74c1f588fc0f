"""Deleting a source row finds the rows citing it through an index (migration 0019).

A film taken out, or the rows a refresh replaces, delete their source rows; ON DELETE CASCADE then deletes
the facts, credits, scores, aliases and plot sections citing each. Without an index on ``source_id`` each
of those deletes read a whole table once per source row: an interrupted import of a million films could
not take the films it had added out again.
"""

from __future__ import annotations

import pytest

from bot.store import Store
from tests.engines import ON_POSTGRES

CITING = ("facts", "credits", "score_sources", "film_aliases", "plot_sections")


@pytest.mark.parametrize("table", CITING)
async def test_the_rows_citing_a_source_are_found_by_an_index(store: Store, table: str) -> None:
    if ON_POSTGRES:
        await store.db.fetchall("SET enable_seqscan = off")  # an empty table: the plan says what can be used
        plan = " ".join(
            r[0] for r in await store.db.fetchall(f"EXPLAIN DELETE FROM {table} WHERE source_id = 7")
        )
        assert "Index" in plan, plan
        return
    rows = await store.db.fetchall(f"EXPLAIN QUERY PLAN DELETE FROM {table} WHERE source_id = ?", (7,))
    plan = " ".join(str(r[3]) for r in rows)
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
