"""The provider's voucher store: the latest accepted voucher of every tab, in SQLite.

Crash-safe by construction: the database runs in WAL mode with `synchronous=FULL`,
each accepted voucher is one transaction committed before the paid resource is
served, and a redemption is marked only after its transaction is mined. A
provider killed at any moment restarts with every voucher it accepted and
redeems those not yet redeemed (`pending`).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from agentmarket.contracts.tabs import SignedVoucher, Tab, Voucher

SCHEMA = """
CREATE TABLE IF NOT EXISTS tabs (  -- amounts: decimal text (uint96 overflows SQLite integers)
    tab_id      TEXT PRIMARY KEY,   -- hex
    client_id   TEXT NOT NULL,
    signer      TEXT NOT NULL,
    token       TEXT NOT NULL,
    deposit     TEXT NOT NULL,
    closes_at   INTEGER NOT NULL,
    checked_at  REAL NOT NULL,      -- when the tab was last read from the chain
    accepted    TEXT NOT NULL,      -- amount of the latest accepted voucher
    v INTEGER, r TEXT, s TEXT,      -- its signature (NULL before the first voucher)
    accepted_at REAL,               -- when it was accepted
    billed      TEXT NOT NULL,      -- what the provider charged on the tab
    redeemed    TEXT NOT NULL       -- what the provider redeemed on-chain
);
"""


@dataclass(frozen=True)
class TabRecord:
    """One tab as the provider keeps it (amounts in token units)."""

    tab_id: int
    client_id: int
    signer: str
    token: str
    deposit: int
    closes_at: int
    checked_at: float
    accepted: int
    latest: SignedVoucher | None
    accepted_at: float | None
    billed: int
    redeemed: int

    @property
    def unredeemed(self) -> int:
        return self.accepted - self.redeemed


def _record(row: sqlite3.Row) -> TabRecord:
    tab_id = int(row["tab_id"], 16)
    accepted = int(row["accepted"])
    latest = None
    if row["v"] is not None:
        latest = SignedVoucher(
            Voucher(tab_id, accepted), int(row["v"]), int(row["r"], 16), int(row["s"], 16)
        )
    return TabRecord(
        tab_id=tab_id,
        client_id=int(row["client_id"]),
        signer=str(row["signer"]),
        token=str(row["token"]),
        deposit=int(row["deposit"]),
        closes_at=int(row["closes_at"]),
        checked_at=float(row["checked_at"]),
        accepted=accepted,
        latest=latest,
        accepted_at=None if row["accepted_at"] is None else float(row["accepted_at"]),
        billed=int(row["billed"]),
        redeemed=int(row["redeemed"]),
    )


class VoucherStore:
    """Thread-safe SQLite store of the provider's tabs (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get(self, tab_id: int) -> TabRecord | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM tabs WHERE tab_id = ?", (hex(tab_id),)).fetchone()
        return None if row is None else _record(row)

    def all(self) -> list[TabRecord]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM tabs ORDER BY tab_id").fetchall()
        return [_record(r) for r in rows]

    def pending(self) -> list[TabRecord]:
        """Tabs holding a voucher above what was redeemed."""
        return [r for r in self.all() if r.latest is not None and r.unredeemed > 0]

    def remember(self, tab: Tab) -> None:
        """Insert or refresh a tab's chain facts (deposit, close deadline); never
        lowers what was accepted, billed or redeemed."""
        with self._lock:
            self._db.execute(
                """INSERT INTO tabs (tab_id, client_id, signer, token, deposit, closes_at,
                       checked_at, accepted, billed, redeemed)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (tab_id) DO UPDATE SET deposit = excluded.deposit,
                       closes_at = excluded.closes_at, checked_at = excluded.checked_at""",
                (
                    hex(tab.tab_id),
                    str(tab.client_id),
                    tab.signer,
                    tab.token,
                    str(tab.deposit),
                    tab.closes_at,
                    time.time(),
                    str(tab.redeemed),
                    str(tab.redeemed),
                    str(tab.redeemed),
                ),
            )

    def accept(self, signed: SignedVoucher, above: int) -> bool:
        """Keep `signed` as its tab's latest voucher, in one committed transaction,
        if it is still above `above` (the accepted amount the caller checked
        against); False if another voucher got in first."""
        with self._lock:
            cur = self._db.execute(
                """UPDATE tabs SET accepted = ?, v = ?, r = ?, s = ?, accepted_at = ?
                   WHERE tab_id = ? AND accepted = ?""",
                (
                    str(signed.amount),
                    signed.v,
                    hex(signed.r),
                    hex(signed.s),
                    time.time(),
                    hex(signed.tab_id),
                    str(above),
                ),
            )
            return cur.rowcount == 1

    def bill(self, tab_id: int, charged: int) -> int:
        """Add `charged` to a tab's billed total (one transaction); the new total."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._db.execute(
                "SELECT billed FROM tabs WHERE tab_id = ?", (hex(tab_id),)
            ).fetchone()
            billed = int(row["billed"]) + charged
            self._db.execute(
                "UPDATE tabs SET billed = ? WHERE tab_id = ?", (str(billed), hex(tab_id))
            )
            self._db.execute("COMMIT")
            return billed

    def mark_redeemed(self, tab_id: int, amount: int) -> None:
        """Record that the chain redeemed `tab_id` up to `amount` (never lowers it)."""
        with self._lock:
            row = self._db.execute(
                "SELECT redeemed FROM tabs WHERE tab_id = ?", (hex(tab_id),)
            ).fetchone()
            if row is not None and int(row["redeemed"]) < amount:
                self._db.execute(
                    "UPDATE tabs SET redeemed = ? WHERE tab_id = ?", (str(amount), hex(tab_id))
                )
