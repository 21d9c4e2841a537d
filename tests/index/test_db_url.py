"""Database URLs: sqlite paths and memory accepted, anything else refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentmarket.errors import AgentMarketError
from agentmarket.index.indexer import Indexer
from agentmarket.index.schema import IndexURLError, database_path, open_database

from .synthetic import ADDRESSES, SyntheticSource


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (":memory:", ":memory:"),
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite:///index.db", "index.db"),
        ("sqlite:///data/dir/index.db", "data/dir/index.db"),
        ("sqlite:////var/lib/index.db", "/var/lib/index.db"),
    ],
)
def test_database_path__accepts_sqlite_urls(url: str, path: str) -> None:
    assert database_path(url) == path


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://user@host/db", "unsupported database scheme 'postgresql'"),
        ("mysql://host/db", "unsupported database scheme 'mysql'"),
        ("http://example.com/index.db", "unsupported database scheme 'http'"),
        ("index.db", "not a database URL"),
        ("sqlite:///", "names no file"),
        ("sqlite:///index.db?mode=ro", "query parameters"),
    ],
)
def test_database_path__refuses_other_urls(url: str, message: str) -> None:
    with pytest.raises(IndexURLError, match=message):
        database_path(url)


def test_bad_url__is_an_agentmarket_error_before_anything_is_created(tmp_path: Path) -> None:
    with pytest.raises(AgentMarketError, match="unsupported database scheme"):
        Indexer(None, ADDRESSES, "postgres://localhost/x", source=SyntheticSource([]))


def test_relative_url__resolves_against_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    conn = open_database("sqlite:///sub/index.db")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    assert (tmp_path / "sub" / "index.db").exists()


def test_memory_url__gives_a_working_private_database() -> None:
    conn = open_database(":memory:")
    assert conn.execute("SELECT next_block FROM sync_cursor").fetchall() == []
    conn.close()
