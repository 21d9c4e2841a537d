"""Fixtures for the discovery-index tests: databases, synthetic indexers, dumps."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from agentmarket.index.events import ChainEvent
from agentmarket.index.indexer import Indexer
from agentmarket.index.schema import open_database

from .synthetic import ADDRESSES, SyntheticSource


@pytest.fixture
def db() -> Iterator[sqlite3.Connection]:
    """A fresh in-memory index database."""
    conn = open_database(":memory:")
    yield conn
    conn.close()


@pytest.fixture
def make_indexer(tmp_path: Path) -> Iterator[Callable[..., Indexer]]:
    """make_indexer(events, name="index.db", **options): an Indexer over synthetic events."""
    made: list[Indexer] = []

    def make(events: Sequence[ChainEvent], name: str = "index.db", **options: Any) -> Indexer:
        options.setdefault("progress", False)
        delay = options.pop("delay", 0.0)
        source = options.pop("source", None) or SyntheticSource(events, delay=delay)
        indexer = Indexer(None, ADDRESSES, f"sqlite:///{tmp_path / name}", source=source, **options)
        made.append(indexer)
        return indexer

    yield make
    for indexer in made:
        indexer.close()
