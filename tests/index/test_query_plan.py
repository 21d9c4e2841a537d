"""The discovery query is answered from the discovery index, without a table scan."""

from __future__ import annotations

import sqlite3

import pytest

from agentmarket.index.indexer import FIND_SQL, find_params
from agentmarket.index.schema import open_database
from tools.bench.index import populate_listings

from .synthetic import OTHER_TOKEN


def plan(conn: sqlite3.Connection, **query: object) -> list[str]:
    params = find_params(**query)  # type: ignore[arg-type]
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {FIND_SQL}", params)]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    """The benchmark's data shape, smaller: the plan is the same."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plan') / 'plan.db'}"
    populate_listings(url, listings=5_000, tags=10, providers=300)
    return open_database(url)


@pytest.mark.parametrize(
    "query",
    [
        {"tag": "capability-1"},
        {"tag": "capability-1", "max_price": 10**18, "min_score": 5_000},
        {"tag": "capability-1", "max_price": 1, "min_score": 0, "token": OTHER_TOKEN},
        {"tag": "capability-1", "min_score": 9_999, "limit": 1},
        {"tag": "capability-1", "evaluated": True},
    ],
)
def test_find__searches_the_discovery_index_in_order(
    filled: sqlite3.Connection, query: dict[str, object]
) -> None:
    steps = plan(filled, **query)
    listing_steps = [s for s in steps if "listings" in s]
    assert listing_steps == [
        "SEARCH listings USING INDEX listings_discovery (tag=? AND active=? AND score>?)"
    ]
    # Read in ORDER BY order, so LIMIT stops early: no sort over the tag's listings.
    inner_sorts = [s for s in steps if "TEMP B-TREE" in s]
    assert len(inner_sorts) <= 1  # at most the outer re-sort of the LIMIT rows
    assert not any(s.startswith("SCAN listings") for s in steps)


def test_find__empty_database_also_uses_the_index() -> None:
    conn = open_database(":memory:")
    steps = plan(conn, tag="translate", max_price=10)
    assert any("USING INDEX listings_discovery" in s for s in steps)
