"""The provider's journal: one row per job, moved forward one committed transaction
at a time, refusing moves the state machine does not allow, and whole after its
process dies."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account

from agentmarket.agent.journal import JobState, Journal, JournalError
from agentmarket.agent.tasks import TaskOrder, sign_task

ESCROW = "0x" + "ee" * 20


def order(job_id: int, text: bytes = b"input") -> TaskOrder:
    return sign_task(Account.create(), job_id, text, 1337, ESCROW)


def test_receive__journals_once_and_a_repeat_changes_nothing(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    first = order(7)
    assert journal.receive(first, b"input", "ctx")
    assert not journal.receive(order(7, b"other"), b"other", "ctx-2")
    entry = journal.get(7)
    assert entry is not None
    assert (entry.state, entry.order, entry.input, entry.context_id) == (
        JobState.RECEIVED, first, b"input", "ctx",
    )  # fmt: skip
    assert entry.task_id == "job-7" and entry.attempts == 0
    assert journal.get(8) is None


def test_a_job_s_life__every_fact_kept(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    big = 2**200 + 5  # job ids are uint256
    journal.receive(order(big), b"input", "ctx")
    journal.accepted(big, "0xaccept")
    assert journal.running(big).attempts == 1
    assert journal.running(big).attempts == 2  # restarted after a crash in the handler
    digest = b"\x11" * 32
    stored = journal.stored(big, digest, "http://p/results/0x11")
    assert (stored.state, stored.result_hash, stored.result_uri) == (
        JobState.STORED, digest, "http://p/results/0x11",
    )  # fmt: skip
    done = journal.delivered(big, "0xdeliver")
    assert (done.state, done.accept_tx, done.deliver_tx) == (
        JobState.DELIVERED, "0xaccept", "0xdeliver",
    )  # fmt: skip
    assert done.updated_at >= done.received_at
    assert journal.unfinished() == []


def test_moves_the_state_machine_forbids__refused(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    journal.receive(order(1), b"input", "ctx")
    with pytest.raises(JournalError, match="cannot move from received to stored"):
        journal.stored(1, b"\0" * 32, "uri")
    journal.failed(1, "boom")
    with pytest.raises(JournalError, match="cannot move from failed to accepted"):
        journal.accepted(1, None)
    with pytest.raises(JournalError, match="job 2 is not in the journal"):
        journal.accepted(2, None)
    assert journal.get(1).error == "boom"  # type: ignore[union-attr]


def test_unfinished__every_job_not_delivered_failed_or_declined(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    for job_id in range(1, 6):
        journal.receive(order(job_id), b"input", "ctx")
    journal.accepted(2, None)
    journal.failed(3, "gone")
    journal.declined(4, "0xdecline", "handler failed")
    journal.accepted(5, None)
    journal.running(5)
    assert [e.job_id for e in journal.unfinished()] == [1, 2, 5]
    assert [e.state for e in journal.all()][2:4] == [JobState.FAILED, JobState.DECLINED]


def test_wal_mode__and_a_killed_writer_leaves_every_committed_change(tmp_path: Path) -> None:
    """A child process journals two jobs and dies with os._exit mid-way (no close, no
    cleanup): what it committed is there, whole."""
    path = tmp_path / "j.db"
    code = f"""
import os
from eth_account import Account
from agentmarket.agent.journal import Journal
from agentmarket.agent.tasks import sign_task
journal = Journal({str(path)!r})
for job_id in (1, 2):
    journal.receive(sign_task(Account.create(), job_id, b"x", 1337, {ESCROW!r}), b"x", "c")
journal.accepted(1, "0xabc")
os._exit(9)
"""
    result = subprocess.run([sys.executable, "-c", code], check=False)
    assert result.returncode == 9
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    journal = Journal(path)
    assert [(e.job_id, e.state) for e in journal.all()] == [
        (1, JobState.ACCEPTED), (2, JobState.RECEIVED),
    ]  # fmt: skip
    assert journal.get(1).accept_tx == "0xabc"  # type: ignore[union-attr]
