"""Chain reorganisations on a synthetic chain: detect, roll back, resync, refuse when too deep.

The reference for "the index matches the new chain" is always a fresh database
synced once over the new chain: after a reorg and a resync, the index must
hold exactly its listings, jobs, reputation (values; the block each was read
at depends on batch boundaries) and cursor, and every block hash it keeps
must be the new chain's.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import agentmarket.index.indexer
from agentmarket.index.events import BlockRef, ChainEvent
from agentmarket.index.indexer import Indexer, find_providers
from agentmarket.index.reorg import ReorgTooDeepError
from agentmarket.index.schema import IndexMismatchError, open_database

from .kill import kill_sync_worker_when
from .synthetic import (
    REORG_SEED,
    TABLES,
    TOKEN,
    SyntheticSource,
    chain_rows,
    dump,
    fork_of,
    job_id_of,
    listing_event,
    reorged_source,
    synthetic_events,
)

EVENTS = synthetic_events(seed=REORG_SEED, blocks=120)
HEAD = max(e.block for e in EVENTS)
DEPTH = 32

MakeIndexer = Callable[..., Indexer]
CLEAN_NAMES = itertools.count()


def all_tables(conn: sqlite3.Connection) -> dict[str, list[object]]:
    out: dict[str, list[object]] = dict(dump(conn))
    for table in ("block_hashes", "undo_log"):
        out[table] = sorted(conn.execute(f"SELECT * FROM {table}").fetchall())
    return out


def assert_hashes_are_the_chains(conn: sqlite3.Connection, source: SyntheticSource) -> None:
    kept = conn.execute("SELECT number, hash FROM block_hashes").fetchall()
    assert kept, "the index keeps the hashes of its newest blocks"
    for number, digest in kept:
        assert bytes(digest) == source.block_hash(number), f"block {number} is from another fork"


def clean_sync(make_indexer: MakeIndexer, source: SyntheticSource, **options: object) -> Indexer:
    fresh = SyntheticSource(source.all, head=source.head())
    fresh.forks = list(source.forks)
    clean = make_indexer(source.all, f"clean-{next(CLEAN_NAMES)}.db", source=fresh, **options)
    clean.sync()
    return clean


@pytest.mark.parametrize(
    ("at", "shift", "batch_size"),
    [
        (110, 3, 7),  # a longer fork, batches straddling the fork point
        (100, -6, 1),  # a shorter fork, one block per batch
        (HEAD - DEPTH + 1, 0, 50),  # as deep as the window allows, one batch
        (HEAD, 2, 4),  # only the tip replaced
    ],
)
def test_reorg__rolled_back_and_resynced__equals_a_clean_sync_of_the_new_chain(
    make_indexer: MakeIndexer, at: int, shift: int, batch_size: int
) -> None:
    source = SyntheticSource(EVENTS)
    indexer = make_indexer(EVENTS, source=source, batch_size=batch_size, reorg_depth=DEPTH)
    indexer.sync()
    fork = fork_of(EVENTS, at, shift)
    source.reorg(at, fork, "fork", head=HEAD + shift)

    report = indexer.sync()

    assert report.rolled_back_to == at - 1
    assert report.orphaned_blocks == HEAD - (at - 1)
    assert report.from_block == at
    assert report.to_block == HEAD + shift
    clean = clean_sync(make_indexer, source, batch_size=batch_size, reorg_depth=DEPTH)
    assert chain_rows(indexer.conn) == chain_rows(clean.conn)
    assert_hashes_are_the_chains(indexer.conn, source)
    for tag in ("translate", "summarise", "code-review"):
        assert find_providers(indexer.conn, tag) == find_providers(clean.conn, tag)


def test_reorg__orphaned_rows_and_settlements_are_really_gone(make_indexer: MakeIndexer) -> None:
    """Spot checks behind the equality above: a listing created, a price edited and a
    job completed only in orphaned blocks leave no trace."""
    source = SyntheticSource(EVENTS)
    indexer = make_indexer(EVENTS, source=source, batch_size=5, reorg_depth=DEPTH)
    indexer.sync()
    at = 100
    orphaned = [e for e in EVENTS if e.block >= at]
    created = {e.args["listing_id"] for e in orphaned if e.name == "ListingCreated"}
    completed = {e.args["job_id"] for e in orphaned if e.name == "JobCompleted"}
    assert created and completed, "the orphaned blocks must hold listings and settlements"
    source.reorg(at, [], "empty", head=HEAD)  # the same height, with no events at all

    indexer.sync()

    listing_ids = {r[0] for r in indexer.conn.execute("SELECT listing_id FROM listings")}
    assert not created & listing_ids
    done = {
        int.from_bytes(r[0], "big")
        for r in indexer.conn.execute("SELECT job_id FROM jobs WHERE status = 4")
    }
    assert not completed & done
    upto = make_indexer(EVENTS, "upto.db", batch_size=5, reorg_depth=DEPTH)
    upto.sync(to_block=at - 1)
    rows = chain_rows(indexer.conn)
    expected = chain_rows(upto.conn)
    assert rows["listings"] == expected["listings"]
    assert rows["jobs"] == expected["jobs"]
    assert rows["reputation"] == expected["reputation"]
    assert indexer.next_block == HEAD + 1


def test_reorg_of_a_reorg__and_a_shrinking_chain(make_indexer: MakeIndexer) -> None:
    source = SyntheticSource(EVENTS)
    indexer = make_indexer(EVENTS, source=source, batch_size=6, reorg_depth=DEPTH)
    indexer.sync()
    source.reorg(108, fork_of(EVENTS, 108, 4), "first", head=HEAD + 4)
    assert indexer.sync().rolled_back_to == 107
    # the first fork is itself dropped, lower down: the chain now ends at block 102
    source.reorg(103, fork_of(EVENTS, 103, -10), "second", head=102)
    report = indexer.sync()
    assert (report.rolled_back_to, report.orphaned_blocks) == (102, HEAD + 4 - 102)
    assert (report.batches, indexer.next_block) == (0, 103)
    assert chain_rows(indexer.conn) == chain_rows(
        clean_sync(make_indexer, source, batch_size=6).conn
    )
    # ... then grows again on the second fork
    source.fixed_head = HEAD - 10
    assert indexer.sync().rolled_back_to is None
    clean = clean_sync(make_indexer, source, batch_size=6, reorg_depth=DEPTH)
    assert chain_rows(indexer.conn) == chain_rows(clean.conn)
    assert_hashes_are_the_chains(indexer.conn, source)


def test_no_reorg__nothing_rolled_back_and_one_hash_compared(make_indexer: MakeIndexer) -> None:
    source = SyntheticSource(EVENTS, head=HEAD - 20)
    indexer = make_indexer(EVENTS, source=source, batch_size=10, reorg_depth=DEPTH)
    indexer.sync()
    source.fixed_head = HEAD  # the chain grows on the same fork
    asked: list[int] = []
    original = source.block

    def counting(number: int) -> BlockRef | None:
        asked.append(number)
        return original(number)

    source.block = counting  # type: ignore[method-assign]
    report = indexer.sync()
    assert (report.rolled_back_to, report.orphaned_blocks) == (None, 0)
    assert report.from_block == HEAD - 19
    # the newest kept hash, then the headers of the new blocks
    assert asked[0] == HEAD - 20
    assert sorted(set(asked[1:])) == list(range(HEAD - 19, HEAD + 1))


def test_reorg_deeper_than_the_kept_history__is_refused_and_changes_nothing(
    make_indexer: MakeIndexer,
) -> None:
    source = SyntheticSource(EVENTS)
    indexer = make_indexer(EVENTS, source=source, batch_size=9, reorg_depth=5)
    indexer.sync()
    before = all_tables(indexer.conn)
    source.reorg(HEAD - 6, fork_of(EVENTS, HEAD - 6, 1), "deep", head=HEAD + 1)

    with pytest.raises(ReorgTooDeepError, match=rf"below block {HEAD - 5}.*--reorg-depth"):
        indexer.sync()

    assert all_tables(indexer.conn) == before
    with pytest.raises(ReorgTooDeepError):  # and again: it never syncs over orphaned rows
        indexer.sync()


def test_history__keeps_depth_plus_one_hashes_and_no_older_journal(
    make_indexer: MakeIndexer,
) -> None:
    indexer = make_indexer(EVENTS, batch_size=7, reorg_depth=DEPTH)
    indexer.sync()
    numbers = [r[0] for r in indexer.conn.execute("SELECT number FROM block_hashes")]
    assert sorted(numbers) == list(range(HEAD - DEPTH, HEAD + 1))
    oldest = indexer.conn.execute("SELECT MIN(block) FROM undo_log").fetchone()[0]
    assert oldest >= HEAD - DEPTH
    # blocks below the window were written without a journal
    assert indexer.conn.execute("SELECT COUNT(*) FROM undo_log").fetchone()[0] < len(EVENTS)


def test_reorg_depth_zero__keeps_no_history(make_indexer: MakeIndexer) -> None:
    indexer = make_indexer(EVENTS, batch_size=7, reorg_depth=0)
    indexer.sync()
    for table in ("block_hashes", "undo_log"):
        assert indexer.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,)
    with pytest.raises(ValueError, match="reorg_depth"):
        make_indexer(EVENTS, "bad.db", reorg_depth=-1)


class ReorgingMidSync(SyntheticSource):
    """Reorganises itself right after serving the events of the `after`-th batch."""

    def __init__(self, events: Sequence[ChainEvent], after: int, at: int) -> None:
        super().__init__(events)
        self.after, self.at = after, at

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        served = super().events(from_block, to_block)
        if len(self.calls) == self.after:
            self.reorg(self.at, fork_of(EVENTS, self.at, 1), "moved", head=HEAD + 1)
        return served


def test_chain_moving_during_a_batch__batch_discarded_reorg_undone(
    make_indexer: MakeIndexer,
) -> None:
    source = ReorgingMidSync(EVENTS, after=0, at=HEAD - 4)
    source.fixed_head = HEAD - 8
    indexer = make_indexer(EVENTS, source=source, batch_size=4, reorg_depth=DEPTH)
    indexer.sync()
    source.fixed_head = HEAD
    source.after = len(source.calls) + 1  # the first batch of the next sync meets the reorg

    report = indexer.sync()

    assert report.to_block == HEAD + 1
    clean = clean_sync(make_indexer, source, batch_size=4, reorg_depth=DEPTH)
    assert chain_rows(indexer.conn) == chain_rows(clean.conn)
    assert_hashes_are_the_chains(indexer.conn, source)


def test_rollback__is_atomic_when_interrupted(
    make_indexer: MakeIndexer, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = SyntheticSource(EVENTS)
    indexer = make_indexer(EVENTS, source=source, batch_size=8, reorg_depth=DEPTH)
    indexer.sync()
    before = all_tables(indexer.conn)
    source.reorg(105, fork_of(EVENTS, 105, 2), "fork", head=HEAD + 2)

    def dies(*_: object) -> None:  # the last step of the rollback, after every undo
        raise KeyboardInterrupt

    monkeypatch.setattr(agentmarket.index.indexer, "forget_blocks_after", dies)
    with pytest.raises(KeyboardInterrupt):
        indexer.sync()
    assert all_tables(indexer.conn) == before

    monkeypatch.undo()
    indexer.sync()
    clean = clean_sync(make_indexer, source, batch_size=8, reorg_depth=DEPTH)
    assert chain_rows(indexer.conn) == chain_rows(clean.conn)


@pytest.mark.parametrize("old", ["1", "2"])
def test_older_schema_database__refused_untouched(tmp_path: Path, old: str) -> None:
    """Schema 3 added the reputation verdict counters: an older database was synced
    from a registry this client cannot read, so it is refused, not upgraded."""
    path = tmp_path / "old.db"
    conn = open_database(f"sqlite:///{path}")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (old,))
    conn.close()
    with pytest.raises(IndexMismatchError, match=f"schema {old}, this client writes 3"):
        open_database(f"sqlite:///{path}")
    check = sqlite3.connect(path)
    try:
        version = check.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        assert version.fetchone() == (old,)
    finally:
        check.close()


def test_dump_tables__still_name_every_derived_table() -> None:
    assert set(TABLES) == {"meta", "sync_cursor", "listings", "reputation", "jobs"}


def test_reorg__a_providers_first_settlement_orphaned__its_listings_lose_the_score(
    make_indexer: MakeIndexer,
) -> None:
    """The listing was written before the fork and never journaled; only its copied
    score changed in the orphaned block, so the rollback must re-derive it."""
    job = job_id_of(1, 1, 2)
    hired: dict[str, object] = {"job_id": job, "client_id": 1, "provider_id": 2}
    hired |= {"listing_id": 1, "token": TOKEN, "price": 10**18}
    events = [
        listing_event("ListingCreated", 1, provider_id=2, block=1),
        ChainEvent("JobEscrow", "JobCreated", hired, 2, 0),
        ChainEvent("JobEscrow", "JobAccepted", {"job_id": job}, 3, 0),
        ChainEvent("JobEscrow", "JobDelivered", {"job_id": job}, 4, 0),
        ChainEvent("JobEscrow", "JobCompleted", {"job_id": job, "provider_amount": 10**18}, 5, 0),
    ]
    source = SyntheticSource(events)
    indexer = make_indexer(events, source=source, batch_size=1, reorg_depth=DEPTH)
    indexer.sync()
    (scored,) = find_providers(indexer.conn, "translate")
    assert (scored.score, scored.volume) == (10_000, 10**18)

    source.reorg(5, [], "no-settlement", head=6)
    assert indexer.sync().rolled_back_to == 4

    (unscored,) = find_providers(indexer.conn, "translate")
    assert (unscored.score, unscored.volume, unscored.completed) == (0, 0, 0)
    assert indexer.conn.execute("SELECT COUNT(*) FROM reputation").fetchone() == (0,)
    status = indexer.conn.execute("SELECT status FROM jobs").fetchall()
    assert status == [(3,)]  # delivered, as the new chain has it


class DiesOnBatch(SyntheticSource):
    """Raises (as a killed process stops) when asked for the events of a given batch."""

    def __init__(self, events: Sequence[ChainEvent], dies_from: int) -> None:
        super().__init__(events)
        self.dies_from = dies_from

    def events(self, from_block: int, to_block: int) -> list[ChainEvent]:
        if from_block >= self.dies_from:
            raise KeyboardInterrupt
        return super().events(from_block, to_block)


def test_history__never_offers_an_ancestor_below_blocks_synced_without_journal(
    make_indexer: MakeIndexer,
) -> None:
    """Synced to 50 (hashes kept), then a catch-up to 120 writes 51..60 without a
    journal (far below its window) and stops. A reorg at 45 must be refused: rolling
    back to 44 would leave the rows of 51..60 behind."""
    source = DiesOnBatch(EVENTS, dies_from=61)
    indexer = make_indexer(EVENTS, source=source, batch_size=10, reorg_depth=DEPTH)
    indexer.sync(to_block=50)
    assert indexer.conn.execute("SELECT MAX(number) FROM block_hashes").fetchone() == (50,)
    with pytest.raises(KeyboardInterrupt):
        indexer.sync()  # window 88..120: the batch 51..60 is committed unjournaled
    assert indexer.next_block == 61
    assert indexer.conn.execute("SELECT COUNT(*) FROM block_hashes").fetchone() == (0,)

    source.dies_from = HEAD + 100
    source.reorg(45, fork_of(EVENTS, 45, 0), "under")
    indexer.sync()  # no history to compare: the blocks are trusted, as documented
    source.reorg(HEAD - 3, fork_of(EVENTS, HEAD - 3, 0), "tip")
    assert indexer.sync().rolled_back_to == HEAD - 4  # the new history works


REORG_WORKER = Path(__file__).resolve().parent / "reorg_sync_worker.py"


def test_kill_during_the_resync_after_a_reorg__resumes_to_the_new_chain(
    tmp_path: Path, make_indexer: MakeIndexer
) -> None:
    """The worker rolls back (one transaction: cursor to the fork point) and resyncs
    the fork slowly; it is SIGKILLed once a few fork batches are in. The database is
    intact, and resuming ends where a clean sync of the fork does."""
    fork_at = 90
    first = make_indexer(EVENTS, "killed.db", batch_size=2)
    first.sync()
    first.close()
    seen_rollback = False

    def resyncing(cursor: int | None) -> bool:
        nonlocal seen_rollback
        seen_rollback = seen_rollback or cursor == fork_at
        return seen_rollback and cursor is not None and cursor >= fork_at + 6

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    kill_sync_worker_when(REORG_WORKER, [url, "0.05", "2", str(fork_at)], tmp_path / "killed.db",
                          resyncing, timeout=60)  # fmt: skip

    source = reorged_source(EVENTS, fork_at, shift=2)
    killed = make_indexer(EVENTS, "killed.db", batch_size=2, source=source)
    assert killed.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert fork_at + 6 <= killed.next_block <= HEAD + 2, "the kill must land mid-resync"
    assert killed.sync().rolled_back_to is None  # the rollback had committed
    clean = clean_sync(make_indexer, source, batch_size=2)
    assert chain_rows(killed.conn) == chain_rows(clean.conn)
    assert_hashes_are_the_chains(killed.conn, source)
