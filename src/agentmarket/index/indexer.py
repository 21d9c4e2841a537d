"""The discovery index: the chain's listings, jobs and reputation in SQLite.

    indexer = Indexer(w3, {"ServiceListings": ..., "JobEscrow": ..., "ReputationRegistry": ...},
                      db_url="sqlite:///index.db", start_block=deployment_block)
    indexer.sync()                       # resumes where the last sync stopped
    indexer.find_providers("translate", max_price=10**18, min_score=8000, limit=10)

How it syncs: block ranges of `batch_size` are read with one `eth_getLogs`
each (the followed contracts' addresses and the followed event topics in one
filter), decoded, and applied in chain order. Each batch's rows and the
cursor's advance commit in ONE SQLite transaction (WAL mode), so killing the
process at any instant leaves the database at a batch boundary and the next
`sync()` continues from there. Listing edits replace the row (the latest
version wins); paused and closed listings stay in the table with `active = 0`
and are never returned.

Reorganisations: the newest `reorg_depth` + 1 synced blocks (128 + 1 by
default) keep their hashes and an undo journal of the rows written for them,
committed with their batch. Every sync first compares the newest kept hash
with the chain; after a reorg it undoes everything derived from the orphaned
blocks (one transaction) and syncs on from the common ancestor. A reorg that
reaches below the kept blocks raises `ReorgTooDeepError`. See `agentmarket.index.reorg`.

Reputation is read, not rebuilt: the escrow writes its facts into
ReputationRegistry without an event of its own, and the weighted value of a
job (its token's governance weight) is not in any event, so events alone
cannot reproduce the aggregate. Instead, every agent touched in a batch by a
settlement (`JobCompleted`, `JobRefunded`, `DisputeSettled`, a tab's
`TabClosed`) or a rating (`Rated`) has its `reputation_of` read at the
batch's last block, and that row is stored with the batch. The table thus
always equals the registry's view at the cursor.

Capability tags: a tag given as `str` is `keccak256` of its exact UTF-8 bytes
(no case folding or trimming): `tag_hash("translate") == Web3.keccak(text="translate")`,
the same as Vyper's `keccak256("translate")`. Listings must be created with
the same convention; pass `bytes` (32 of them) to look up a raw tag.

Score: `ProviderMatch.score` is the provider's value-weighted average rating
(`Reputation.average_score`, hundredths: 8750 means 87.50, 0 when unrated);
`min_score` uses the same unit. Ties break by weighted volume (higher first),
then price (lower first), then token address, then listing id.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from web3 import Web3

from agentmarket.contracts.listings import tag_hash
from agentmarket.deployment import ZERO_ADDRESS, Deployment
from agentmarket.errors import AgentMarketError
from agentmarket.index.events import (
    ESCROW,
    FOLLOWED,
    LISTINGS,
    AgentReputation,
    BlockRef,
    ChainEvent,
    EventSource,
    Web3EventSource,
    touched_agents,
)
from agentmarket.index.reorg import (
    DEFAULT_REORG_DEPTH,
    ChainMovedError,
    Reorg,
    check_batch_blocks,
    find_reorg,
    forget_blocks_after,
    journal_row,
    kept_hash,
    prune_history,
    record_block_hashes,
    rederive_listing_scores,
    reputation_rows_written_after,
    undo_writes_after,
)
from agentmarket.index.schema import (
    MAX_U256,
    IndexMismatchError,
    from_u256,
    get_meta,
    int64,
    open_database,
    set_meta,
    u256,
)

DEFAULT_DB_URL = "sqlite:///agentmarket-index.db"
DEFAULT_BATCH_SIZE = 2_000

STATE_ACTIVE = 1
STATE_PAUSED = 2
STATE_CLOSED = 3

# Job status codes (IJobEscrow).
JOB_REQUESTED = 1
JOB_ACCEPTED = 2
JOB_DELIVERED = 3
JOB_COMPLETED = 4
JOB_REFUNDED = 5
JOB_DISPUTED = 6
JOB_REJECTED = 7
JOB_RESOLVED = 8


Handler = Callable[[sqlite3.Connection, ChainEvent], None]


class IndexSyncError(AgentMarketError):
    """The node refused to return a range's logs, even one block at a time."""


def _token(address: str) -> str:
    """Tokens are stored as lowercase 0x-hex, so comparisons ignore checksum case."""
    if not Web3.is_address(address):
        raise ValueError(f"{address!r} is not an address")
    return address.lower()


def _evaluator(address: str) -> str | None:
    """An evaluator as stored: lowercase 0x-hex, or None for the zero address (none)."""
    stored = _token(address)
    return None if stored == ZERO_ADDRESS else stored


@dataclass(frozen=True)
class ProviderMatch:
    """One active listing that answers a discovery query, with its provider's record."""

    listing_id: int
    provider_id: int
    tag: bytes
    token: str
    price: int
    max_delivery_time: int
    terms_hash: bytes
    terms_uri: str
    version: int
    score: int
    volume: int
    jobs: int
    completed: int
    rating_count: int
    # who approves or rejects a delivery on jobs hired from the listing (None:
    # the client alone) and its fee in basis points of the price
    evaluator: str | None = None
    evaluator_fee_bps: int = 0
    # of the provider's ended jobs, those an evaluator approved, and those it
    # rejected where the rejection stood (sub-counts of `completed` and failed)
    validated: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class SyncReport:
    """What one `Indexer.sync()` did. After a reorg, `rolled_back_to` is the common
    ancestor the index was rolled back to (the sync then starts after it) and
    `orphaned_blocks` how many synced blocks the chain had replaced."""

    from_block: int
    to_block: int
    batches: int
    events: int
    seconds: float
    rolled_back_to: int | None = None
    orphaned_blocks: int = 0


# ----------------------------------------------------------------- ingest


def apply_events(
    conn: sqlite3.Connection, events: Iterable[ChainEvent], journal_from: int | None = None
) -> int:
    """Write decoded events into the tables, in the order given; return how many.

    Runs inside the caller's transaction. Re-applying an event is harmless:
    listing writes only move a row to a newer version. Events of blocks from
    `journal_from` on (the reorg window) first journal the row they write, so
    that a reorg can undo them.
    """
    count = 0
    for ev in events:
        handler = _HANDLERS.get(ev.name)
        if handler is not None:
            if journal_from is not None and ev.block >= journal_from:
                table, key = _ROW_WRITTEN[ev.contract](ev)
                journal_row(conn, table, key, ev.block)
            handler(conn, ev)
        count += 1
    return count


def store_reputations(
    conn: sqlite3.Connection,
    reputations: Iterable[AgentReputation],
    block: int,
    journal: bool = False,
) -> None:
    """Upsert agents' aggregates as read at `block`, and re-score their listings
    (inside the caller's transaction). With `journal`, the rows are journaled
    first (a block in the reorg window); the listings' copied score is not, it
    is re-derived after an undo."""
    reputations = list(reputations)
    if journal:
        for r in reputations:
            journal_row(conn, "reputation", int64(r.agent_id), block)
    conn.executemany(
        """INSERT OR REPLACE INTO reputation (agent_id, completed, failed, refunded,
               disputes_won, disputes_lost, settled, jobs, volume, rating_count,
               rating_weight, rating_weighted_score, average_score, validated,
               rejected, block)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                int64(r.agent_id),
                int64(r.completed),
                int64(r.failed),
                int64(r.refunded),
                int64(r.disputes_won),
                int64(r.disputes_lost),
                int64(r.settled),
                int64(r.jobs),
                u256(r.volume),
                int64(r.rating_count),
                u256(r.rating_weight),
                u256(r.rating_weighted_score),
                int64(r.average_score),
                int64(r.validated),
                int64(r.rejected),
                block,
            )
            for r in reputations
        ],
    )
    conn.executemany(
        "UPDATE listings SET score = ?, volume = ? WHERE provider_id = ?",
        [(int64(r.average_score), u256(r.volume), r.agent_id) for r in reputations],
    )


def ingest_batch(
    conn: sqlite3.Connection,
    events: Sequence[ChainEvent],
    reputations: Iterable[AgentReputation],
    to_block: int,
    *,
    from_block: int | None = None,
    journal_from: int | None = None,
    headers: Sequence[BlockRef] = (),
    reorg_depth: int | None = None,
) -> None:
    """Commit one batch atomically: its events, the reputations it touched, and the
    cursor moved to `to_block + 1`. Either all of it lands or none does.
    `from_block` is the batch's first block (default `to_block`).

    Reorg bookkeeping, in the same transaction: rows written for blocks from
    `journal_from` on are journaled, the `headers` of the batch's blocks in the
    window are kept, and with `reorg_depth` the history no rollback may use any
    more is pruned (`agentmarket.index.reorg.prune_history`).
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        apply_events(conn, events, journal_from)
        journal = journal_from is not None and to_block >= journal_from
        store_reputations(conn, reputations, to_block, journal)
        record_block_hashes(conn, headers)
        if reorg_depth is not None:
            first = to_block if from_block is None else from_block
            prune_history(conn, first, to_block, reorg_depth, journal_from)
        conn.execute(
            "INSERT OR REPLACE INTO sync_cursor (id, next_block) VALUES (1, ?)", (to_block + 1,)
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _listing_created(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    _upsert_listing(conn, ev, version=1, state=STATE_ACTIVE)


def _listing_updated(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    # An edit keeps the state (active or paused). A listing first seen through
    # an edit (created before the start block) is taken as active.
    _upsert_listing(conn, ev, version=int(ev.args["version"]), state=STATE_ACTIVE)


def _upsert_listing(conn: sqlite3.Connection, ev: ChainEvent, version: int, state: int) -> None:
    a = ev.args
    conn.execute(
        """INSERT INTO listings (listing_id, provider_id, tag, token, price, max_delivery_time,
               terms_hash, terms_uri, version, state, active, score, volume,
               created_block, updated_block)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
               COALESCE((SELECT average_score FROM reputation WHERE agent_id = ?2), 0),
               COALESCE((SELECT volume FROM reputation WHERE agent_id = ?2), ?12),
               ?13, ?13)
           ON CONFLICT (listing_id) DO UPDATE SET
               token = excluded.token, price = excluded.price,
               max_delivery_time = excluded.max_delivery_time,
               terms_hash = excluded.terms_hash, terms_uri = excluded.terms_uri,
               version = excluded.version, updated_block = excluded.updated_block
           WHERE excluded.version > listings.version""",
        (
            int64(int(a["listing_id"])),
            int64(int(a["provider_id"])),
            bytes(a["tag"]),
            _token(str(a["token"])),
            u256(int(a["price"])),
            int64(int(a["max_delivery_time"])),
            bytes(a["terms_hash"]),
            str(a["terms_uri"]),
            version,
            state,
            int(state == STATE_ACTIVE),
            u256(0),
            ev.block,
        ),
    )


def _listing_state(state: int) -> Handler:
    def handler(conn: sqlite3.Connection, ev: ChainEvent) -> None:
        # A closed listing never reopens; a stale event never overrides a newer one.
        conn.execute(
            """UPDATE listings SET state = ?, active = ?, version = ?, updated_block = ?
               WHERE listing_id = ? AND version < ? AND state != ?""",
            (
                state,
                int(state == STATE_ACTIVE),
                int(ev.args["version"]),
                ev.block,
                int64(int(ev.args["listing_id"])),
                int(ev.args["version"]),
                STATE_CLOSED,
            ),
        )

    return handler


def _listing_evaluator_set(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    # Naming (or clearing) the evaluator is an edit: it moves the version on.
    conn.execute(
        """UPDATE listings SET evaluator = ?, evaluator_fee_bps = ?, version = ?,
               updated_block = ?
           WHERE listing_id = ? AND version < ?""",
        (
            _evaluator(str(ev.args["evaluator"])),
            int(ev.args["fee_bps"]),
            int(ev.args["version"]),
            ev.block,
            int64(int(ev.args["listing_id"])),
            int(ev.args["version"]),
        ),
    )


def _job_created(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    a = ev.args
    listing_id = int(a["listing_id"])
    status = JOB_REQUESTED if listing_id else JOB_ACCEPTED  # 0: a signed offer, accepted
    conn.execute(
        """INSERT OR IGNORE INTO jobs (job_id, client_id, provider_id, listing_id, token,
               price, paid, status, created_block, updated_block)
           VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)""",
        (
            u256(int(a["job_id"])),
            int64(int(a["client_id"])),
            int64(int(a["provider_id"])),
            int64(listing_id),
            _token(str(a["token"])),
            u256(int(a["price"])),
            status,
            ev.block,
            ev.block,
        ),
    )


def _job_status(status: int, paid_arg: str | None = None) -> Handler:
    def handler(conn: sqlite3.Connection, ev: ChainEvent) -> None:
        paid = u256(int(ev.args[paid_arg])) if paid_arg else None
        conn.execute(
            """UPDATE jobs SET status = ?, paid = COALESCE(?, paid), updated_block = ?
               WHERE job_id = ?""",
            (status, paid, ev.block, u256(int(ev.args["job_id"]))),
        )

    return handler


def _evaluator_named(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    conn.execute(
        "UPDATE jobs SET evaluator = ?, evaluator_fee_bps = ? WHERE job_id = ?",
        (
            _evaluator(str(ev.args["evaluator"])),
            int(ev.args["fee_bps"]),
            u256(int(ev.args["job_id"])),
        ),
    )


_job_rejected = _job_status(JOB_REJECTED)


def _job_evaluated(conn: sqlite3.Connection, ev: ChainEvent) -> None:
    # An approval completes the job: `JobCompleted` follows in the same
    # transaction and moves the status. A rejection leaves it Rejected.
    if not ev.args["approved"]:
        _job_rejected(conn, ev)


def _listing_row(ev: ChainEvent) -> tuple[str, Any]:
    return "listings", int64(int(ev.args["listing_id"]))


def _job_row(ev: ChainEvent) -> tuple[str, Any]:
    return "jobs", u256(int(ev.args["job_id"]))


# The one row each followed event's handler may write, by contract (journaled
# before the write in the reorg window).
_ROW_WRITTEN: dict[str, Callable[[ChainEvent], tuple[str, Any]]] = {
    LISTINGS: _listing_row,
    ESCROW: _job_row,
}

_HANDLERS: dict[str, Handler] = {
    "ListingCreated": _listing_created,
    "ListingUpdated": _listing_updated,
    "ListingEvaluatorSet": _listing_evaluator_set,
    "ListingPaused": _listing_state(STATE_PAUSED),
    "ListingResumed": _listing_state(STATE_ACTIVE),
    "ListingClosed": _listing_state(STATE_CLOSED),
    "JobCreated": _job_created,
    "EvaluatorNamed": _evaluator_named,
    "JobAccepted": _job_status(JOB_ACCEPTED),
    "JobDelivered": _job_status(JOB_DELIVERED),
    "JobEvaluated": _job_evaluated,
    "JobCompleted": _job_status(JOB_COMPLETED, "provider_amount"),
    "JobRefunded": _job_status(JOB_REFUNDED),
    "DisputeOpened": _job_status(JOB_DISPUTED),
    "DisputeSettled": _job_status(JOB_RESOLVED),
}


# ------------------------------------------------------------------ query

# The inner query filters and sorts on `listings_discovery` alone and stops
# at LIMIT; only the rows it keeps are joined to their provider's record.
FIND_SQL = """
SELECT l.listing_id, l.provider_id, l.tag, l.token, l.price, l.max_delivery_time,
       l.terms_hash, l.terms_uri, l.version, l.score, l.volume,
       COALESCE(r.jobs, 0), COALESCE(r.completed, 0), COALESCE(r.rating_count, 0),
       l.evaluator, l.evaluator_fee_bps, COALESCE(r.validated, 0), COALESCE(r.rejected, 0)
FROM (
    SELECT listing_id, provider_id, tag, token, price, max_delivery_time,
           terms_hash, terms_uri, version, score, volume, evaluator, evaluator_fee_bps
    FROM listings
    WHERE tag = ? AND active = 1 AND score >= ? AND price <= ?
      AND (? IS NULL OR token = ?)
      AND (? = 0 OR evaluator IS NOT NULL)
    ORDER BY score DESC, volume DESC, price ASC, token ASC, listing_id ASC
    LIMIT ?
) AS l
LEFT JOIN reputation AS r ON r.agent_id = l.provider_id
ORDER BY l.score DESC, l.volume DESC, l.price ASC, l.token ASC, l.listing_id ASC
"""


def find_params(
    tag: bytes | str,
    max_price: int | None = None,
    min_score: int = 0,
    token: str | None = None,
    limit: int = 20,
    *,
    evaluated: bool = False,
) -> tuple[Any, ...]:
    """The bound parameters of FIND_SQL for a query (exposed for EXPLAIN tests)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    price = MAX_U256 if max_price is None else min(max_price, MAX_U256)
    if price < 0:
        raise ValueError("max_price must not be negative")
    tok = None if token is None else _token(token)
    return (tag_hash(tag), min_score, u256(price), tok, tok, int(evaluated), limit)


def find_providers(
    conn: sqlite3.Connection,
    tag: bytes | str,
    max_price: int | None = None,
    min_score: int = 0,
    token: str | None = None,
    limit: int = 20,
    *,
    evaluated: bool = False,
) -> list[ProviderMatch]:
    """Active listings for capability `tag`, price ≤ `max_price` (any when None),
    provider score ≥ `min_score` (hundredths), in `token` if given, and with
    `evaluated` only those whose jobs name an evaluator; best score first."""
    params = find_params(tag, max_price, min_score, token, limit, evaluated=evaluated)
    rows = conn.execute(FIND_SQL, params)
    return [
        ProviderMatch(
            listing_id=int(r[0]),
            provider_id=int(r[1]),
            tag=bytes(r[2]),
            token=Web3.to_checksum_address(r[3]),
            price=from_u256(r[4]),
            max_delivery_time=int(r[5]),
            terms_hash=bytes(r[6]),
            terms_uri=str(r[7]),
            version=int(r[8]),
            score=int(r[9]),
            volume=from_u256(r[10]),
            jobs=int(r[11]),
            completed=int(r[12]),
            rating_count=int(r[13]),
            evaluator=None if r[14] is None else Web3.to_checksum_address(r[14]),
            evaluator_fee_bps=int(r[15]),
            validated=int(r[16]),
            rejected=int(r[17]),
        )
        for r in rows
    ]


def next_block(conn: sqlite3.Connection) -> int | None:
    """The first block not yet synced, or None before the first sync."""
    row = conn.execute("SELECT next_block FROM sync_cursor WHERE id = 1").fetchone()
    return None if row is None else int(row[0])


# ---------------------------------------------------------------- indexer


class Indexer:
    """Follows a deployment's events into a SQLite database and answers discovery queries.

    `deployment_addresses` maps contract names to addresses; ServiceListings is
    required, JobEscrow, ReputationRegistry and Tabs are followed when present.
    `start_block` is where a new database begins (the deployment's first
    block; earlier blocks hold nothing). `confirmations` keeps the sync that
    many blocks behind the head. `reorg_depth` is how many of the newest
    synced blocks a reorganisation may replace and still be undone (see
    `agentmarket.index.reorg`); 0 trusts the chain and keeps no history. `source`
    replaces the web3 reader (tests).
    """

    # Reorgs met while one sync runs before it gives up (the chain keeps moving).
    MAX_REORGS_PER_SYNC = 5

    def __init__(
        self,
        w3: Web3 | None,
        deployment_addresses: Mapping[str, str],
        db_url: str = DEFAULT_DB_URL,
        *,
        start_block: int = 0,
        batch_size: int = DEFAULT_BATCH_SIZE,
        confirmations: int = 0,
        reorg_depth: int = DEFAULT_REORG_DEPTH,
        progress: bool = True,
        source: EventSource | None = None,
        console: Console | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if reorg_depth < 0:
            raise ValueError("reorg_depth must not be negative")
        if source is None:
            if w3 is None:
                raise ValueError("give a web3 connection or an event source")
            source = Web3EventSource(w3, deployment_addresses)
        elif LISTINGS not in deployment_addresses:
            raise ValueError(f"the index needs the {LISTINGS} address")
        self.source: EventSource = source
        self.batch_size = batch_size
        self.confirmations = confirmations
        self.reorg_depth = reorg_depth
        self.progress = progress
        self.console = console or Console(stderr=True)
        self.conn = open_database(db_url)
        followed = {
            name: deployment_addresses[name].lower()
            for name in FOLLOWED
            if name in deployment_addresses
        }
        self._bind(json.dumps(followed, sort_keys=True), w3, start_block)

    def _bind(self, addresses: str, w3: Web3 | None, start_block: int) -> None:
        """Tie the database to one chain and one deployment, or check that it is."""
        chain_id = str(w3.eth.chain_id) if w3 is not None else None
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            stored = get_meta(conn, "addresses")
            if stored is None:
                set_meta(conn, "addresses", addresses)
                if chain_id is not None:
                    set_meta(conn, "chain_id", chain_id)
                conn.execute(
                    "INSERT OR IGNORE INTO sync_cursor (id, next_block) VALUES (1, ?)",
                    (start_block,),
                )
            elif stored != addresses:
                raise IndexMismatchError(
                    f"this index follows {stored}, not {addresses}; use another database"
                )
            elif chain_id is not None and get_meta(conn, "chain_id") not in (None, chain_id):
                raise IndexMismatchError(
                    f"this index was built on chain {get_meta(conn, 'chain_id')}, not {chain_id}"
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @classmethod
    def from_deployment(
        cls, w3: Web3 | None, deployment: Deployment, db_url: str = DEFAULT_DB_URL, **kwargs: Any
    ) -> Indexer:
        """An indexer for a `deployment.Deployment` record, starting at its first block."""
        contracts = deployment.contracts
        addresses = {n: c.address for n, c in contracts.items() if n in FOLLOWED}
        start = min((c.block for n, c in contracts.items() if n in FOLLOWED), default=0)
        kwargs.setdefault("start_block", start)
        return cls(w3, addresses, db_url, **kwargs)

    @property
    def next_block(self) -> int:
        """The first block the next sync will read."""
        found = next_block(self.conn)
        return 0 if found is None else found

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sync(self, to_block: int | None = None) -> SyncReport:
        """Sync from the cursor to `to_block` (default: head minus confirmations).

        First undoes a reorganisation of the synced blocks, if the chain had one
        (raising ReorgTooDeepError if it reaches below the kept history); a reorg
        met during the sync is undone the same way and the sync goes on."""
        started = time.perf_counter()
        rolled_back_to: int | None = None
        orphaned = 0
        for _ in range(self.MAX_REORGS_PER_SYNC + 1):
            reorg = find_reorg(self.conn, self.source)
            if reorg is not None:
                self.roll_back(reorg)
                orphaned += reorg.orphaned
                rolled_back_to = (
                    reorg.ancestor
                    if rolled_back_to is None
                    else min(rolled_back_to, reorg.ancestor)
                )
            try:
                report = self._sync_batches(to_block)
            except ChainMovedError:
                continue  # the batch was not committed; detect and undo again
            return SyncReport(
                report.from_block,
                report.to_block,
                report.batches,
                report.events,
                time.perf_counter() - started,
                rolled_back_to,
                orphaned,
            )
        raise IndexSyncError(
            f"the chain reorganised {self.MAX_REORGS_PER_SYNC + 1} times during one sync; "
            "try again (or sync with --confirmations)"
        )

    def roll_back(self, reorg: Reorg) -> None:
        """Undo everything derived from the blocks after `reorg.ancestor`, in one
        transaction: journaled rows restored, listings re-scored, reputation rows
        read again at the ancestor, orphaned hashes dropped, cursor moved back."""
        ancestor = reorg.ancestor
        agents = sorted(reputation_rows_written_after(self.conn, ancestor))
        fresh = self.source.reputations(agents, ancestor) if agents else []
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            stale = undo_writes_after(conn, ancestor)
            rederive_listing_scores(conn, stale)
            kept = {int(r[0]) for r in conn.execute("SELECT agent_id FROM reputation")}
            store_reputations(conn, [r for r in fresh if r.agent_id in kept], ancestor, True)
            forget_blocks_after(conn, ancestor)
            conn.execute(
                "INSERT OR REPLACE INTO sync_cursor (id, next_block) VALUES (1, ?)",
                (ancestor + 1,),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _window_headers(self, start: int, end: int, window_from: int) -> list[BlockRef]:
        """The headers of the batch's blocks inside the reorg window (from `window_from`)."""
        headers = []
        for number in range(max(start, window_from), end + 1):
            header = self.source.block(number)
            if header is None:
                raise ChainMovedError(f"block {number} is no longer on the chain")
            headers.append(header)
        return headers

    def _sync_batches(self, to_block: int | None) -> SyncReport:
        started = time.perf_counter()
        first = self.next_block
        target = self.source.head() - self.confirmations if to_block is None else to_block
        batches = events = 0
        if target < first:
            return SyncReport(first, target, 0, 0, time.perf_counter() - started)
        # Blocks from here on may still be reorganised: journal their rows, keep their hashes.
        window_from = target - self.reorg_depth if self.reorg_depth else None
        total = target - first + 1
        show = self.progress and total > self.batch_size
        bar = Progress(
            TextColumn("[bold]index[/] {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
            disable=not show,
            transient=False,
        )
        with bar:
            task = bar.add_task("blocks", total=total)
            start = first
            size = self.batch_size
            while start <= target:
                end = min(start + size - 1, target)
                try:
                    batch = self.source.events(start, end)
                except Exception as exc:  # the node's range/size limits differ; halve
                    if size == 1:
                        raise IndexSyncError(f"logs of block {start}: {exc}") from exc
                    size = max(1, size // 2)
                    continue
                headers: list[BlockRef] = []
                if window_from is not None and end >= window_from:
                    headers = self._window_headers(start, end, window_from)
                    check_batch_blocks(
                        headers,
                        kept_hash(self.conn, headers[0].number - 1),
                        ((e.block, e.block_hash) for e in batch if e.block_hash is not None),
                    )
                agents = sorted(touched_agents(batch))
                reps = self.source.reputations(agents, end) if agents else []
                if headers and reps and self._hash_now(end) != headers[-1].hash:
                    # the reputations were read by block number, from another fork
                    raise ChainMovedError(f"block {end} changed while reputations were read")
                ingest_batch(
                    self.conn,
                    batch,
                    reps,
                    end,
                    from_block=start,
                    journal_from=window_from,
                    headers=headers,
                    reorg_depth=self.reorg_depth,
                )
                batches += 1
                events += len(batch)
                bar.update(task, advance=end - start + 1, description=f"{events} events")
                start = end + 1
        return SyncReport(first, target, batches, events, time.perf_counter() - started)

    def _hash_now(self, number: int) -> bytes:
        header = self.source.block(number)
        if header is None:
            raise ChainMovedError(f"block {number} is no longer on the chain")
        return header.hash

    def find_providers(
        self,
        tag: bytes | str,
        max_price: int | None = None,
        min_score: int = 0,
        token: str | None = None,
        limit: int = 20,
        *,
        evaluated: bool = False,
    ) -> list[ProviderMatch]:
        """See the module-level `find_providers`."""
        return find_providers(
            self.conn, tag, max_price, min_score, token, limit, evaluated=evaluated
        )
