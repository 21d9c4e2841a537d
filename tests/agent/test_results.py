"""The result store: content-addressed by keccak256, written atomically, never serving
bytes that do not match their name."""

from __future__ import annotations

from pathlib import Path

import pytest
from web3 import Web3

from agentmarket.agent.results import ResultStore, ResultStoreError, parse_hash, result_hash


def test_put_then_get__named_by_keccak256(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "results")
    digest = store.put(b"HELLO")
    assert digest == Web3.keccak(b"HELLO") == result_hash(b"HELLO")
    assert store.path(digest).name == digest.hex()
    assert store.get(digest) == b"HELLO" and store.has(digest)
    assert store.put(b"HELLO") == digest  # the same bytes: the same file
    assert store.get(b"\0" * 32) is None and not store.has(b"\0" * 32)


def test_put__leaves_no_temporary_file(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    for n in range(5):
        store.put(f"result {n}".encode())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 5 and not [n for n in names if n.startswith(".tmp-")]


def test_get__a_file_damaged_on_disk_is_refused(tmp_path: Path) -> None:
    store = ResultStore(tmp_path)
    digest = store.put(b"good")
    store.path(digest).write_bytes(b"bad")
    with pytest.raises(ResultStoreError, match="does not match its hash"):
        store.get(digest)


def test_parse_hash__only_0x_and_64_hex_digits(tmp_path: Path) -> None:
    digest = bytes(range(32))
    assert parse_hash("0x" + digest.hex()) == digest
    for bad in ("", digest.hex(), "0x" + digest.hex()[:-2], "0x../../etc/passwd", "0x" + "g" * 64):
        with pytest.raises(ResultStoreError, match="not a result hash"):
            parse_hash(bad)
    with pytest.raises(ResultStoreError, match="32 bytes"):
        ResultStore(tmp_path).path(b"short")
