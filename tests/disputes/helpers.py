"""Constants and small helpers shared by the arbitration tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa

# AgentMarket's ruling scale (contracts/interfaces/IArbitrable.vyi)
CHOICES = 103
REFUSED = 0
CLIENT_WINS = 1
PROVIDER_WINS = 2
SPLIT_BASE = 3

# ERC-792 DisputeStatus
WAITING = 0
APPEALABLE = 1
SOLVED = 2

MAX_UINT256 = 2**256 - 1
ZERO = "0x0000000000000000000000000000000000000000"


def split(percent: int) -> int:
    """The ruling that gives the provider `percent` of the amount."""
    return SPLIT_BASE + percent


def events(contract: Any, name: str) -> list[Any]:
    """Decoded events named `name` from the last call made through `contract`
    (child calls included)."""
    return [e for e in contract.get_logs() if type(e).__name__ == name]


def cold_gas(contract: Any, call: Callable[[], Any]) -> tuple[int, int]:
    """Run `call` with every account and slot cold, as at the start of a real
    transaction, and return (execution gas of the call on `contract`, gas of
    its child calls). Boa keeps warm/cold marks across calls; its own reset
    swaps the journal under the test's anchor, so this swaps it back."""
    db = boa.env.evm.vm.state._account_db
    saved = db._journal_accessed_state
    db._reset_access_counters()
    try:
        call()
    finally:
        db._journal_accessed_state = saved
    comp = contract._computation
    return comp.get_gas_used(), sum(c.get_gas_used() for c in comp.children)


def intrinsic_gas(calldata: bytes) -> int:
    """21,000 plus calldata (4 per zero byte, 16 per other), Prague floor ignored
    (it binds only on calldata-heavy transactions)."""
    return 21_000 + sum(4 if b == 0 else 16 for b in calldata)
