"""Constants and small helpers shared by the arbitration tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector

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


def calldata(signature: str, types: list[str], args: list[Any]) -> bytes:
    """ABI-encoded call data: the selector of `signature`, then `args` as `types`."""
    return function_signature_to_4byte_selector(signature) + encode(types, args)


def cold_gas(contract: Any, call: Callable[[], Any], inside: Any = None) -> tuple[int, int]:
    """Run `call` with every account and slot cold, as at the start of a real
    transaction, and return (execution gas of the call on `contract`, gas of
    its child calls; with `inside`, only of those into that contract). Boa
    keeps warm/cold marks across calls; its own reset swaps the journal under
    the test's anchor, so this swaps it back."""
    db = boa.env.evm.vm.state._account_db
    saved = db._journal_accessed_state
    db._reset_access_counters()
    try:
        call()
    finally:
        db._journal_accessed_state = saved
    comp = contract._computation
    children = comp.children
    if inside is not None:
        address = bytes.fromhex(inside.address[2:].lower())
        children = [c for c in children if c.msg.storage_address == address]
    return comp.get_gas_used(), sum(c.get_gas_used() for c in children)


def intrinsic_gas(calldata: bytes) -> int:
    """21,000 plus calldata (4 per zero byte, 16 per other), Prague floor ignored
    (it binds only on calldata-heavy transactions)."""
    return 21_000 + sum(4 if b == 0 else 16 for b in calldata)


# ------------------------------------------------------------ DisputeResolver

# Runs a test once for each opener: the client disputing a delivery
# (`by_provider=False`) and the provider contesting its evaluator's rejection
# (`make_job(rejected=True)`, `open_case(by_provider=True)`).
OPENERS = pytest.mark.parametrize(
    "by_provider", [False, True], ids=["client_opens", "provider_opens"]
)


def sides(by_provider: bool, client_principal: str, provider_principal: str) -> tuple[str, str]:
    """(opener, answerer): the client opens a dispute, the provider a contest."""
    if by_provider:
        return provider_principal, client_principal
    return client_principal, provider_principal


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """How each of the `ledger()` balances moved from `before` to `after`."""
    return {k: after[k] - before[k] for k in before}


def settlement(host: Any, job: int) -> tuple[int, int, int, int]:
    """(provider share, client bond back, provider bond back, outcome) as the
    mock host settled the job."""
    s = host.settlement_of(job)
    return (s.provider_share, s.client_bond_back, s.provider_bond_back, s.outcome)


def check_conserved(host: Any, job: int, amount: int, posted: int) -> None:
    """I4 on the job: what the amount and the bonds took in is what was paid out."""
    s = host.settlement_of(job)
    paid_out = (
        s.provider_net
        + s.fee
        + s.client_refund
        + s.client_bond_back
        + s.provider_bond_back
        + s.forfeited
    )
    assert paid_out == amount + posted
    assert s.provider_net + s.fee == s.provider_share
    assert s.provider_share + s.client_refund == amount


def owed(resolver: Any, *accounts: str) -> list[int]:
    """The native coin the resolver owes each of `accounts`."""
    return [int(resolver.native_owed(a)) for a in accounts]


def assert_solvent(resolver: Any, *accounts: str) -> None:
    """The resolver holds exactly what it owes `accounts` (all it owes anyone)."""
    assert boa.env.get_balance(resolver.address) == sum(owed(resolver, *accounts))
