"""Killing a syncing indexer without warning, for the crash-safety tests."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from agentmarket.index.indexer import next_block

ROOT = Path(__file__).resolve().parents[2]


def cursor_of(path: Path) -> int | None:
    """The database's sync cursor, read without writing (None while there is none yet)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return None
    try:
        return next_block(conn)
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def kill_sync_worker_past(
    worker: Path, args: list[str], db: Path, cursor_at_least: int, timeout: float
) -> None:
    """Run `worker args` in a subprocess and SIGKILL it once the cursor in `db`
    has reached `cursor_at_least` (some batches committed, the sync not done)."""

    def reached(cursor: int | None) -> bool:
        return cursor is not None and cursor >= cursor_at_least

    kill_sync_worker_when(worker, args, db, reached, timeout)


def kill_sync_worker_when(
    worker: Path, args: list[str], db: Path, ready: Callable[[int | None], bool], timeout: float
) -> None:
    """Run `worker args` in a subprocess and SIGKILL it as soon as `ready(cursor)`
    holds for the cursor in `db` (polled every 10 ms)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, str(worker), *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            if ready(cursor_of(db)):
                break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the worker never got going"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
