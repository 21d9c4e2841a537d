"""What a transaction must pay before any contract code runs, from the transaction itself.

A step's floor is the 21,000 base, the gas of the exact calldata sent (EIP-2028:
4 per zero byte, 16 per other byte), 20,000 for each storage word the step
creates (a word that was zero before the transaction and is not after it: an
SSTORE from zero costs at least that, whatever the code around it), 2,900 for
each word it rewrites (non-zero before, another non-zero value after: an
SSTORE that changes a stored value costs at least that), and the gas of the
logs in its receipt (375, 375 per topic, 8 per data byte). Reads, calls and
the first touch of a word (2,100 cold, 1,900 even through an access list) are
left out: they depend on the code. Under
Prague (EIP-7623) a transaction pays at least 21,000 + 10 per calldata token
(a zero byte one token, any other byte four), whatever it executes; the floor
is the larger of the two. Refunds are left out: no step measured here clears
enough storage for them to bring its gas under its floor, and `Bench` checks
that every measured figure is at least its floor.

The fresh words are read from the in-process chain: `StorageWatch` notes
every storage slot py-evm writes, by block, and a slot counts when it is zero
at the block before the transaction's and non-zero at the transaction's own
(eth-tester mines one transaction per block).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eth.vm.state import BaseState
from eth_typing import Address
from web3 import Web3
from web3.types import TxReceipt

TX_BASE = 21_000
ZERO_BYTE = 4
NONZERO_BYTE = 16
FLOOR_PER_TOKEN = 10  # EIP-7623
FRESH_WORD = 20_000
REWRITTEN_WORD = 2_900
LOG_BASE = 375
LOG_TOPIC = 375
LOG_DATA_BYTE = 8


@dataclass(frozen=True)
class Floor:
    """One step's floor and what it is made of (sums over a step's transactions)."""

    calldata: int
    fresh_words: int
    rewritten_words: int
    logs: int
    gas: int
    txs: int = 1

    def __add__(self, other: Floor) -> Floor:
        return Floor(
            self.calldata + other.calldata,
            self.fresh_words + other.fresh_words,
            self.rewritten_words + other.rewritten_words,
            self.logs + other.logs,
            self.gas + other.gas,
            self.txs + other.txs,
        )

    def as_json(self) -> dict[str, int]:
        return {
            "calldata": self.calldata,
            "fresh_words": self.fresh_words,
            "rewritten_words": self.rewritten_words,
            "logs": self.logs,
            "floor": self.gas,
        }


def calldata_gas(data: bytes) -> tuple[int, int]:
    """EIP-2028 gas of `data`, and its EIP-7623 token count."""
    zeros = data.count(0)
    others = len(data) - zeros
    return ZERO_BYTE * zeros + NONZERO_BYTE * others, zeros + 4 * others


def log_gas(receipt: TxReceipt) -> int:
    return sum(
        LOG_BASE + LOG_TOPIC * len(log["topics"]) + LOG_DATA_BYTE * len(bytes(log["data"]))
        for log in receipt["logs"]
    )


class StorageWatch:
    """Storage slots written on the in-process chain, by the block they were written in."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3
        self.written: defaultdict[int, set[tuple[bytes, int]]] = defaultdict(set)

    @contextmanager
    def watching(self) -> Iterator[StorageWatch]:
        original = BaseState.set_storage
        written = self.written

        def set_storage(self: BaseState, address: Address, slot: int, value: int) -> None:
            written[self.block_number].add((bytes(address), slot))
            original(self, address, slot, value)

        BaseState.set_storage = set_storage  # type: ignore[method-assign]
        try:
            yield self
        finally:
            BaseState.set_storage = original  # type: ignore[method-assign]

    def word_counts(self, block: int) -> tuple[int, int]:
        """How many slots `block` wrote fresh (zero before, not after) and how many it
        rewrote (a value before, another non-zero one after), each slot read once."""
        backend = self.w3.provider.ethereum_tester.backend  # type: ignore[attr-defined]
        fresh = rewritten = 0
        for address, slot in self.written.get(block, ()):
            before = backend.get_storage(address, slot, block - 1)
            after = backend.get_storage(address, slot, block)
            if after and not before:
                fresh += 1
            elif after and before != after:
                rewritten += 1
        return fresh, rewritten

    def floor(self, receipt: TxReceipt) -> Floor:
        """The floor of one mined transaction."""
        tx: Any = self.w3.eth.get_transaction(receipt["transactionHash"])
        block = int(receipt["blockNumber"])
        # One transaction per block, as eth-tester mines: the block's writes are the tx's.
        assert len(self.w3.eth.get_block(block)["transactions"]) == 1
        calldata, tokens = calldata_gas(bytes(tx["input"]))
        fresh, rewritten = self.word_counts(block)
        logs = log_gas(receipt)
        storage = FRESH_WORD * fresh + REWRITTEN_WORD * rewritten
        gas = max(TX_BASE + calldata + storage + logs, TX_BASE + FLOOR_PER_TOKEN * tokens)
        return Floor(calldata, fresh, rewritten, logs, gas)

    def floor_of(self, receipts: list[TxReceipt]) -> Floor:
        """The floor of a sequence of transactions (a job's life): the sum of theirs."""
        first, *rest = (self.floor(r) for r in receipts)
        for f in rest:
            first = first + f
        return first
