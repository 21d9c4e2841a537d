"""Syncing: batches, resume, a kill mid-sync, progress, and refusing a foreign database."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from agentmarket.deployment import Deployed, Deployment
from agentmarket.index.indexer import Indexer, IndexSyncError, find_providers
from agentmarket.index.schema import IndexMismatchError

from .kill import kill_sync_worker_past
from .synthetic import ADDRESSES, SyntheticSource, dump, synthetic_events

WORKER = Path(__file__).resolve().parent / "sync_worker.py"
EVENTS = synthetic_events()
HEAD = max(e.block for e in EVENTS)

MakeIndexer = Callable[..., Indexer]


def test_full_sync__indexes_every_event_and_moves_the_cursor(make_indexer: MakeIndexer) -> None:
    indexer = make_indexer(EVENTS, batch_size=7)
    report = indexer.sync()
    assert (report.from_block, report.to_block, report.events) == (0, HEAD, len(EVENTS))
    assert report.batches == -(-(HEAD + 1) // 7)
    assert indexer.next_block == HEAD + 1
    created = {e.args["listing_id"] for e in EVENTS if e.name == "ListingCreated"}
    assert indexer.conn.execute("SELECT COUNT(*) FROM listings").fetchone() == (len(created),)
    # Nothing new: a second sync reads nothing.
    again = indexer.sync()
    assert (again.batches, again.events) == (0, 0)


def test_sync__equals_regardless_of_batch_size(make_indexer: MakeIndexer) -> None:
    one = make_indexer(EVENTS, "one.db", batch_size=1)
    one.sync()
    big = make_indexer(EVENTS, "big.db", batch_size=10_000)
    big.sync()
    assert dump(one.conn, reading_blocks=False) == dump(big.conn, reading_blocks=False)


def test_resume__after_partial_sync_equals_one_full_sync(make_indexer: MakeIndexer) -> None:
    partial = make_indexer(EVENTS, "partial.db", batch_size=5)
    partial.sync(to_block=HEAD // 2)
    assert partial.next_block == HEAD // 2 + 1
    partial.close()
    source = SyntheticSource(EVENTS)
    resumed = make_indexer(EVENTS, "partial.db", batch_size=5, source=source)
    resumed.sync()
    assert source.calls[0][0] == HEAD // 2 + 1  # started at the cursor, not from 0
    clean = make_indexer(EVENTS, "clean.db", batch_size=5)
    clean.sync()
    assert dump(resumed.conn) == dump(clean.conn)


def test_reputation__is_read_at_each_batch_end_for_touched_agents(
    make_indexer: MakeIndexer,
) -> None:
    indexer = make_indexer(EVENTS, batch_size=13)
    indexer.sync()
    rows = indexer.conn.execute("SELECT agent_id, jobs, average_score FROM reputation").fetchall()
    assert rows  # the synthetic market settles jobs
    settled_providers = {
        int(e.args["job_id"]) & (2**64 - 1) for e in EVENTS if e.name == "JobCompleted"
    }
    assert settled_providers <= {r[0] for r in rows}
    # Listings carry their provider's latest score.
    stale = indexer.conn.execute(
        """SELECT COUNT(*) FROM listings l JOIN reputation r ON r.agent_id = l.provider_id
           WHERE l.score != r.average_score OR l.volume != r.volume"""
    ).fetchone()
    assert stale == (0,)


def test_confirmations__keep_the_sync_behind_the_head(make_indexer: MakeIndexer) -> None:
    indexer = make_indexer(EVENTS, confirmations=5)
    assert indexer.sync().to_block == HEAD - 5
    assert indexer.next_block == HEAD - 4


def test_node_range_limits__halve_the_batch(make_indexer: MakeIndexer) -> None:
    source = SyntheticSource(EVENTS)
    source.fail_wider_than = 8
    indexer = make_indexer(EVENTS, "halved.db", batch_size=50, source=source)
    indexer.sync()
    assert all(b - a + 1 <= 8 for a, b in source.calls)
    clean = make_indexer(EVENTS, "clean.db", batch_size=50)
    clean.sync()
    assert dump(indexer.conn, reading_blocks=False) == dump(clean.conn, reading_blocks=False)


def test_node_refusing_single_blocks__raises(make_indexer: MakeIndexer) -> None:
    source = SyntheticSource(EVENTS)
    source.fail_wider_than = 0
    indexer = make_indexer(EVENTS, source=source)
    with pytest.raises(IndexSyncError, match="block 0"):
        indexer.sync()
    assert indexer.next_block == 0


def test_progress_bar__shown_on_long_syncs_only(make_indexer: MakeIndexer) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    make_indexer(EVENTS, "long.db", batch_size=10, progress=True, console=console).sync()
    assert "index" in out.getvalue() and "events" in out.getvalue()
    out2 = io.StringIO()
    quiet = Console(file=out2, force_terminal=True, width=100)
    make_indexer(EVENTS, "off.db", batch_size=10, progress=False, console=quiet).sync()
    assert out2.getvalue() == ""


def test_database_of_another_deployment__is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.db'}"
    Indexer(None, ADDRESSES, url, source=SyntheticSource(EVENTS), progress=False).close()
    other = dict(ADDRESSES, ServiceListings="0x" + "dd" * 20)
    with pytest.raises(IndexMismatchError, match="follows"):
        Indexer(None, other, url, source=SyntheticSource(EVENTS), progress=False)


def test_from_deployment__follows_its_contracts_from_their_first_block(tmp_path: Path) -> None:
    record = Deployment(network="test", chain_id=1, deployer=ADDRESSES["JobEscrow"])
    record.contracts = {
        "AgentRegistry": Deployed("0x" + "ee" * 20, "0x", 3),
        "ServiceListings": Deployed(ADDRESSES["ServiceListings"], "0x", 5),
        "JobEscrow": Deployed(ADDRESSES["JobEscrow"], "0x", 9),
        "ReputationRegistry": Deployed(ADDRESSES["ReputationRegistry"], "0x", 8),
    }
    source = SyntheticSource(EVENTS)
    indexer = Indexer.from_deployment(
        None, record, f"sqlite:///{tmp_path / 'd.db'}", source=source, progress=False
    )
    assert indexer.next_block == 5
    indexer.sync()
    assert source.calls[0][0] == 5
    indexer.close()


def test_indexer__needs_the_listings_address() -> None:
    with pytest.raises(ValueError, match="ServiceListings"):
        Indexer(None, {"JobEscrow": ADDRESSES["JobEscrow"]}, ":memory:", source=SyntheticSource([]))
    with pytest.raises(ValueError, match="web3"):
        Indexer(None, ADDRESSES, ":memory:")


def test_kill_mid_sync__leaves_a_batch_boundary_and_resume_matches_clean_sync(
    tmp_path: Path, make_indexer: MakeIndexer
) -> None:
    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    # let it commit a few batches, then kill it without warning
    kill_sync_worker_past(WORKER, [url, "0.05", "2"], path, cursor_at_least=20, timeout=60)

    killed = make_indexer(EVENTS, "killed.db", batch_size=2)
    assert killed.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stopped_at = killed.next_block
    assert 20 <= stopped_at <= HEAD, "the kill must land mid-sync"
    assert stopped_at % 2 == 0  # a batch boundary: batches are [0,1], [2,3], ...

    # What survived is exactly a clean sync up to the cursor: no half batch.
    upto = make_indexer(EVENTS, "upto.db", batch_size=2)
    upto.sync(to_block=stopped_at - 1)
    assert dump(killed.conn) == dump(upto.conn)

    killed.sync()
    clean = make_indexer(EVENTS, "clean.db", batch_size=2)
    clean.sync()
    assert dump(killed.conn) == dump(clean.conn)
    assert find_providers(killed.conn, "translate") == find_providers(clean.conn, "translate")
