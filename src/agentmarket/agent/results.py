"""The provider's result store: each result kept under the keccak256 of its bytes.

A result's name is its hash, the very hash the provider delivers on-chain, so a client
that fetches `<base>/results/0x<hash>` checks what it got against the chain and needs
to trust neither the server nor the path. Files are written to a temporary file in the
same directory, flushed to disk and moved into place with `os.replace`: a reader (or a
runtime restarted after a crash) sees a whole result or none.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from web3 import Web3

from agentmarket.errors import AgentMarketError

_HASH_TEXT = re.compile(r"^0x[0-9a-fA-F]{64}$")


class ResultStoreError(AgentMarketError):
    """A result name that is not a 32-byte hash, or a stored file that fails its hash."""


def result_hash(data: bytes) -> bytes:
    """keccak256 of a result's bytes: its name here and its hash on-chain."""
    return bytes(Web3.keccak(data))


def parse_hash(text: str) -> bytes:
    """The 32 bytes named by `text` ("0x" and 64 hex digits); ResultStoreError for
    anything else (a path, a short hash)."""
    if not _HASH_TEXT.match(text):
        raise ResultStoreError(f"not a result hash (0x and 64 hex digits): {text[:80]!r}")
    return bytes.fromhex(text[2:])


class ResultStore:
    """Results under one directory, one file per result, named by its keccak256 hex."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        """Keep results under `directory`, created if missing."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def path(self, digest: bytes) -> Path:
        """The file that holds the result whose hash is `digest`."""
        if len(digest) != 32:
            raise ResultStoreError(f"a result hash is 32 bytes, not {len(digest)}")
        return self.directory / digest.hex()

    def put(self, data: bytes) -> bytes:
        """Store `data` atomically and return its hash. Storing the same bytes twice is
        harmless: the name is the content."""
        digest = result_hash(data)
        target = self.path(digest)
        if target.exists():
            return digest
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, digest: bytes) -> bytes | None:
        """The result whose hash is `digest`, or None when it is not here. A file whose
        bytes do not hash to its name (damaged on disk) raises ResultStoreError rather
        than being served as that result."""
        try:
            data = self.path(digest).read_bytes()
        except FileNotFoundError:
            return None
        if result_hash(data) != digest:
            raise ResultStoreError(f"stored result 0x{digest.hex()} does not match its hash")
        return data

    def has(self, digest: bytes) -> bool:
        """Whether a result named `digest` is stored."""
        return self.path(digest).is_file()
