"""Chain reorganisations in the discovery index: noticing them and undoing orphaned blocks.

The index keeps, for the last `reorg_depth + 1` blocks it synced (the *reorg
window*), each block's hash (`block_hashes`) and an undo journal (`undo_log`)
of every row written for it. Both are committed with the batch that synced the
block, and pruned as the cursor moves on.

Why a journal, not recomputation: the tables hold the latest state, folded
from every event since the deployment (a listing row is its newest version,
its older prices are gone), so recomputing the rows an orphaned block touched
would mean re-reading the chain from the start. Before-images of the few rows
written inside the window are cheap, and blocks below the window, which the
sync treats as final, are written without any journal, so a long catch-up
sync costs what it did. Two things are recomputed instead of journaled:

- a listing's `score` and `volume`, which only copy its provider's reputation
  row, are re-derived from that row after an undo;
- a reputation row is `reputation_of` read from the chain at a batch's last
  block; after an undo it is read again at the common ancestor, so that a
  settlement in a kept block that shared a batch with orphaned ones counts.

Detection, at the start of every sync: the newest kept hash is compared with
the chain's block of that number. Equal: no reorg (a block's hash commits to
its ancestors). Different: the kept hashes are compared downwards until one
matches, the common ancestor; if none does, the reorg is deeper than the
window, and `ReorgTooDeepError` says so instead of leaving orphaned rows in
place. The window is only ever offered where every newer synced block was
journaled: a batch written without a journal (a catch-up far behind the head)
drops the hashes at and below it, so no rollback can stop beneath it.

While syncing, each batch checks that the headers it reads link to each
other and to the last kept hash and that every log came from those blocks;
otherwise the chain moved under the sync (`ChainMovedError`), which rolls the
batch back and detects again.

A rollback (undo the journal above the ancestor, re-derive, re-read
reputations, drop the orphaned hashes, move the cursor back) is one SQLite
transaction: a process killed during it leaves the index as it was before.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agentmarket.errors import AgentMarketError
from agentmarket.index.events import BlockRef, EventSource
from agentmarket.index.schema import u256

DEFAULT_REORG_DEPTH = 128

# The journaled tables and their key columns.
JOURNALED: dict[str, str] = {"listings": "listing_id", "jobs": "job_id", "reputation": "agent_id"}


class ReorgTooDeepError(AgentMarketError):
    """The chain no longer holds any block the index kept a hash of: the reorg
    reaches below the window, and the index cannot tell what to undo."""


class ChainMovedError(AgentMarketError):
    """The chain reorganised while a batch was being read; the batch is discarded."""


@dataclass(frozen=True)
class Reorg:
    """A reorganisation found at the start of a sync."""

    ancestor: int  # the newest kept block still on the chain
    last_synced: int  # the newest block the index had synced

    @property
    def orphaned(self) -> int:
        """How many synced blocks the chain replaced (or dropped)."""
        return self.last_synced - self.ancestor


# ------------------------------------------------------------------ journal


def _encode_value(value: Any) -> Any:
    return {"hex": value.hex()} if isinstance(value, bytes) else value


def _decode_value(value: Any) -> Any:
    return bytes.fromhex(value["hex"]) if isinstance(value, dict) else value


def encode_row(row: Sequence[Any]) -> str:
    """A row (ints, text, blobs, NULLs) as JSON, blobs as {"hex": ...}."""
    return json.dumps([_encode_value(v) for v in row])


def decode_row(text: str) -> list[Any]:
    return [_decode_value(v) for v in json.loads(text)]


def journal_row(conn: sqlite3.Connection, table: str, key: Any, block: int) -> None:
    """Keep row `key` of `table` as it is now, before a write derived from `block`."""
    column = JOURNALED[table]
    row = conn.execute(f"SELECT * FROM {table} WHERE {column} = ?", (key,)).fetchone()
    conn.execute(
        "INSERT INTO undo_log (block, table_name, row_key, old_row) VALUES (?, ?, ?, ?)",
        (block, table, key, None if row is None else encode_row(row)),
    )


def reputation_rows_written_after(conn: sqlite3.Connection, block: int) -> set[int]:
    """Agents whose reputation row was written for a block after `block`."""
    rows = conn.execute(
        "SELECT DISTINCT row_key FROM undo_log WHERE block > ? AND table_name = 'reputation'",
        (block,),
    )
    return {int(r[0]) for r in rows}


def undo_writes_after(conn: sqlite3.Connection, block: int) -> set[int]:
    """Restore every journaled row as it stood after `block` (inside the caller's
    transaction) and drop those entries; return the agents whose listings' copied
    score may now be stale (providers of restored listings, agents of restored
    reputation rows)."""
    entries = conn.execute(
        """SELECT table_name, row_key, old_row FROM undo_log
           WHERE block > ? ORDER BY seq DESC""",
        (block,),
    ).fetchall()
    providers: set[int] = set()
    for table, key, old_row in entries:
        column = JOURNALED[table]
        if old_row is None:
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
        else:
            values = decode_row(old_row)
            marks = ", ".join("?" * len(values))
            conn.execute(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", values)
        if table == "reputation":
            providers.add(int(key))
        elif table == "listings" and old_row is not None:
            providers.add(int(decode_row(old_row)[1]))  # provider_id, the second column
    conn.execute("DELETE FROM undo_log WHERE block > ?", (block,))
    return providers


def rederive_listing_scores(conn: sqlite3.Connection, providers: Iterable[int]) -> None:
    """Copy each provider's reputation (or none: 0) into its listings' score and volume."""
    conn.executemany(
        """UPDATE listings SET
               score = COALESCE((SELECT average_score FROM reputation WHERE agent_id = ?1), 0),
               volume = COALESCE((SELECT volume FROM reputation WHERE agent_id = ?1), ?2)
           WHERE provider_id = ?1""",
        [(p, u256(0)) for p in sorted(providers)],
    )


# ------------------------------------------------------------ block hashes


def record_block_hashes(conn: sqlite3.Connection, blocks: Iterable[BlockRef]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO block_hashes (number, hash) VALUES (?, ?)",
        [(b.number, b.hash) for b in blocks],
    )


def kept_hash(conn: sqlite3.Connection, number: int) -> bytes | None:
    row = conn.execute("SELECT hash FROM block_hashes WHERE number = ?", (number,)).fetchone()
    return None if row is None else bytes(row[0])


def prune_history(
    conn: sqlite3.Connection,
    batch_start: int,
    last_synced: int,
    depth: int,
    journal_from: int | None,
) -> None:
    """After a batch [batch_start, last_synced]: forget the hashes and journal entries
    no rollback may use any more. That is those below the window ending at
    `last_synced`, and also everything at or below a block the batch wrote without
    a journal (below `journal_from`): a rollback under such a block could not undo
    it, so the history must not offer an ancestor there."""
    floor = last_synced - depth
    unjournaled_to = last_synced if journal_from is None else min(last_synced, journal_from - 1)
    if unjournaled_to >= batch_start:
        floor = max(floor, unjournaled_to + 1)
    conn.execute("DELETE FROM block_hashes WHERE number < ?", (floor,))
    conn.execute("DELETE FROM undo_log WHERE block < ?", (floor,))


def forget_blocks_after(conn: sqlite3.Connection, block: int) -> None:
    conn.execute("DELETE FROM block_hashes WHERE number > ?", (block,))


def find_reorg(conn: sqlite3.Connection, source: EventSource) -> Reorg | None:
    """Compare the kept hashes with the chain, newest first; None if the newest matches.

    Raises ReorgTooDeepError when none matches."""
    kept = conn.execute("SELECT number, hash FROM block_hashes ORDER BY number DESC").fetchall()
    if not kept:
        return None
    last_synced = int(kept[0][0])
    for number, digest in kept:
        on_chain = source.block(int(number))
        if on_chain is not None and on_chain.hash == bytes(digest):
            return None if number == last_synced else Reorg(int(number), last_synced)
    oldest = int(kept[-1][0])
    raise ReorgTooDeepError(
        f"the chain was reorganised below block {oldest}: none of the {len(kept)} blocks "
        f"{oldest}..{last_synced} the index kept hashes of is on the chain any more, so it "
        "cannot tell which rows to undo. Delete the index and sync again (a larger "
        "--reorg-depth keeps a longer history)."
    )


def check_batch_blocks(
    headers: Sequence[BlockRef], parent_hash: bytes | None, log_hashes: Iterable[tuple[int, bytes]]
) -> None:
    """Raise ChainMovedError unless `headers` (consecutive) form one chain that
    continues `parent_hash` (the kept hash of the block before, if any) and every
    (block, hash) a log came from is one of them."""
    previous = parent_hash
    for header in headers:
        if previous is not None and header.parent_hash != previous:
            raise ChainMovedError(f"block {header.number} does not extend the synced chain")
        previous = header.hash
    by_number = {h.number: h.hash for h in headers}
    for number, digest in log_hashes:
        if number in by_number and by_number[number] != digest:
            raise ChainMovedError(f"logs of block {number} came from another fork")
