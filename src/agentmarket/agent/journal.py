"""The provider's journal: one SQLite row per job it took, and where that job stands.

A job enters the journal once its task passed every check (`received`) and moves
forward one committed transaction at a time:

    received -> accepted -> running -> stored -> delivered
                    \\__________\\___________\\-> failed | declined

`accepted`: the job is Accepted on-chain (by our transaction or an earlier one);
`running`: the handler was started (`attempts` counts the starts); `stored`: the
result is in the result store under `result_hash`; `delivered`: the job is Delivered
on-chain with that hash. `failed` ends a job the runtime gave up on (its handler
failed, or the chain moved the job where it cannot be worked); `declined` one it
declined on-chain. The row keeps the task order, the input, the transaction hashes
and when each state was reached.

The database runs in WAL mode with `synchronous=FULL`: a state change is on disk when
its method returns, so a runtime killed at any moment restarts from the last state
it reached, and re-reads the chain before each on-chain step to learn whether a
transaction it sent before dying landed.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from agentmarket.agent.tasks import TaskOrder
from agentmarket.errors import AgentMarketError


class JobState(StrEnum):
    """Where a journaled job stands."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    RUNNING = "running"
    STORED = "stored"
    DELIVERED = "delivered"
    FAILED = "failed"
    DECLINED = "declined"

    @property
    def finished(self) -> bool:
        return self in (JobState.DELIVERED, JobState.FAILED, JobState.DECLINED)


# The states each state may move to (a finished job moves no more).
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    JobState.RECEIVED: frozenset(
        {JobState.ACCEPTED, JobState.DELIVERED, JobState.FAILED, JobState.DECLINED}
    ),
    JobState.ACCEPTED: frozenset(
        {JobState.RUNNING, JobState.DELIVERED, JobState.FAILED, JobState.DECLINED}
    ),
    JobState.RUNNING: frozenset(
        {JobState.RUNNING, JobState.STORED, JobState.DELIVERED, JobState.FAILED, JobState.DECLINED}
    ),
    JobState.STORED: frozenset({JobState.DELIVERED, JobState.FAILED}),
    JobState.DELIVERED: frozenset(),
    JobState.FAILED: frozenset(),
    JobState.DECLINED: frozenset(),
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id       TEXT PRIMARY KEY,   -- uint256, decimal
    task_order   TEXT NOT NULL,      -- TaskOrder.to_dict() as JSON
    input        BLOB NOT NULL,      -- the task's input bytes (UTF-8 text)
    context_id   TEXT NOT NULL,      -- the A2A context the client named
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    result_hash  TEXT,               -- 0x.. keccak256 of the result
    result_uri   TEXT,
    accept_tx    TEXT,
    deliver_tx   TEXT,
    decline_tx   TEXT,
    error        TEXT,
    received_at  REAL NOT NULL,
    accepted_at  REAL,
    stored_at    REAL,
    finished_at  REAL,
    updated_at   REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
"""


class JournalError(AgentMarketError):
    """A journal move the state machine does not allow, or a job it does not hold."""


@dataclass(frozen=True)
class JournalEntry:
    """One journaled job."""

    job_id: int
    order: TaskOrder
    input: bytes
    context_id: str
    state: JobState
    attempts: int
    result_hash: bytes | None
    result_uri: str | None
    accept_tx: str | None
    deliver_tx: str | None
    decline_tx: str | None
    error: str | None
    received_at: float
    updated_at: float

    @property
    def task_id(self) -> str:
        """The A2A task id of this job: `job-<job_id>`."""
        return task_id(self.job_id)


def task_id(job_id: int) -> str:
    """The A2A task id of job `job_id`."""
    return f"job-{job_id}"


class Journal:
    """The SQLite journal of one provider runtime (safe to share between threads)."""

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the journal at `path` (":memory:" for a throwaway one)."""
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        with self._tx() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction (rolled back if the body raises)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ------------------------------------------------------------------ reads

    def get(self, job_id: int) -> JournalEntry | None:
        """The journaled job `job_id`, or None."""
        with self._lock:
            row = self._db.execute("SELECT * FROM jobs WHERE job_id = ?", (str(job_id),)).fetchone()
        return None if row is None else _entry(row)

    def unfinished(self) -> list[JournalEntry]:
        """Every job not yet delivered, failed or declined, oldest first."""
        finished = [s.value for s in JobState if s.finished]
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE state NOT IN (?, ?, ?) ORDER BY received_at",
                finished,
            ).fetchall()
        return [_entry(r) for r in rows]

    def all(self) -> list[JournalEntry]:
        """Every journaled job, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM jobs ORDER BY received_at").fetchall()
        return [_entry(r) for r in rows]

    # ----------------------------------------------------------------- writes

    def receive(self, order: TaskOrder, data: bytes, context_id: str) -> bool:
        """Journal a checked task for `order.job_id` in state `received`.

        Returns False, and changes nothing, when the job is already journaled (a
        repeated task message does no new work)."""
        now = time.time()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO jobs (job_id, task_order, input, context_id, state,"
                " received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    str(order.job_id),
                    json.dumps(order.to_dict()),
                    data,
                    context_id,
                    JobState.RECEIVED.value,
                    now,
                    now,
                ),
            )
            return cursor.rowcount == 1

    def accepted(self, job_id: int, tx_hash: str | None) -> JournalEntry:
        """The job is Accepted on-chain (`tx_hash` None: it already was)."""
        return self._move(job_id, JobState.ACCEPTED, accept_tx=tx_hash, accepted_at=time.time())

    def running(self, job_id: int) -> JournalEntry:
        """The handler is (re)started on the job: one more attempt."""
        return self._move(job_id, JobState.RUNNING, attempts=_INCREMENT)

    def stored(self, job_id: int, result_hash: bytes, result_uri: str) -> JournalEntry:
        """The result is in the store under `result_hash`, to be delivered at `result_uri`."""
        return self._move(
            job_id,
            JobState.STORED,
            result_hash="0x" + result_hash.hex(),
            result_uri=result_uri,
            stored_at=time.time(),
        )

    def delivered(self, job_id: int, tx_hash: str | None) -> JournalEntry:
        """The job is Delivered on-chain (`tx_hash` None: a delivery sent before a crash
        landed)."""
        return self._move(job_id, JobState.DELIVERED, deliver_tx=tx_hash, finished_at=time.time())

    def failed(self, job_id: int, error: str) -> JournalEntry:
        """The runtime gave the job up, for `error`."""
        return self._move(job_id, JobState.FAILED, error=error, finished_at=time.time())

    def declined(self, job_id: int, tx_hash: str | None, error: str) -> JournalEntry:
        """The runtime declined the job on-chain, for `error`."""
        return self._move(
            job_id, JobState.DECLINED, decline_tx=tx_hash, error=error, finished_at=time.time()
        )

    def _move(self, job_id: int, state: JobState, **fields: Any) -> JournalEntry:
        with self._tx() as db:
            row = db.execute("SELECT state FROM jobs WHERE job_id = ?", (str(job_id),)).fetchone()
            if row is None:
                raise JournalError(f"job {job_id} is not in the journal")
            current = JobState(row["state"])
            if state not in TRANSITIONS[current]:
                raise JournalError(
                    f"job {job_id} cannot move from {current.value} to {state.value}"
                )
            sets = ["state = ?", "updated_at = ?"]
            values: list[Any] = [state.value, time.time()]
            for name, value in fields.items():
                if value is _INCREMENT:
                    sets.append(f"{name} = {name} + 1")
                else:
                    sets.append(f"{name} = ?")
                    values.append(value)
            db.execute(
                f"UPDATE jobs SET {', '.join(sets)} WHERE job_id = ?",
                [*values, str(job_id)],
            )
            updated = db.execute("SELECT * FROM jobs WHERE job_id = ?", (str(job_id),)).fetchone()
        return _entry(updated)


class _Increment:
    """Marker: add one to a counter column."""


_INCREMENT = _Increment()


def _entry(row: sqlite3.Row) -> JournalEntry:
    digest = row["result_hash"]
    return JournalEntry(
        job_id=int(row["job_id"]),
        order=TaskOrder.from_dict(json.loads(row["task_order"])),
        input=bytes(row["input"]),
        context_id=str(row["context_id"]),
        state=JobState(row["state"]),
        attempts=int(row["attempts"]),
        result_hash=bytes.fromhex(digest[2:]) if digest else None,
        result_uri=row["result_uri"],
        accept_tx=row["accept_tx"],
        deliver_tx=row["deliver_tx"],
        decline_tx=row["decline_tx"],
        error=row["error"],
        received_at=float(row["received_at"]),
        updated_at=float(row["updated_at"]),
    )
