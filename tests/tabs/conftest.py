"""Fixtures for the Tabs tests.

The escrow's world (tests/escrow/conftest.py: registry, listings, escrow with
a recording mock reputation hook, mock tokens, a client agent and a provider
agent, each with its own principal and operator) plus the Tabs contract wired
as the escrow's TABS. Factory fixtures: `fund`, `open_tab`, `sign`, and
`ledger`, which checks I1 (solvency) and I4 (conservation) at any point.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boa
import pytest
from escrow.conftest import (  # the escrow world's fixtures, shared (resolved against this `world`)
    build_world,
    client_operator,
    escrow,
    fee_recipient,
    fund,
    funder,
    provider_operator,
    token,
)
from escrow.helpers import PRICE, minted_ids
from eth_account.signers.local import LocalAccount

from agentmarket.contracts.tabs import SignedVoucher, Voucher, sign_voucher

__all__ = [
    "client_operator",
    "escrow",
    "fee_recipient",
    "fund",
    "funder",
    "provider_operator",
    "token",
]

DAY = 86_400
# Odd on purpose: the delay is packed right above the signer's key.
DELAY = DAY + 1


@pytest.fixture(scope="session")
def principal_key(keyed: Callable[[str], LocalAccount]) -> LocalAccount:
    """The client's principal as a key (the `principal` fixture's account)."""
    return keyed("principal")


@pytest.fixture(scope="module")
def world(
    registry: Any,
    governance: str,
    guardian: str,
    principal: str,
    other_principal: str,
    client_operator: LocalAccount,
    provider_operator: LocalAccount,
    fee_recipient: str,
) -> SimpleNamespace:
    boa.env.sstore_trace.clear()
    w = build_world(
        registry,
        governance,
        guardian,
        principal,
        other_principal,
        client_operator,
        provider_operator,
        fee_recipient,
        with_tabs=True,
    )
    w.client_key = client_operator
    return w


@pytest.fixture(scope="module")
def tabs(world: SimpleNamespace) -> Any:
    return world.tabs


@pytest.fixture(scope="module")
def open_tab(world: SimpleNamespace, fund: Callable[..., None]) -> Callable[..., int]:
    """`open_tab(amount=PRICE, sender=client operator, provider_id=..., delay=DELAY,
    token=..., funded=True)` -> tab id."""

    def _open(
        amount: int = PRICE,
        sender: str | None = None,
        provider_id: int | None = None,
        client_id: int | None = None,
        delay: int = DELAY,
        token: Any = None,
        funded: bool = True,
    ) -> int:
        tok = token if token is not None else world.token
        cid = client_id if client_id is not None else world.client_id
        if funded:
            fund(agent_id=cid, amount=amount, token=tok)
        pid = provider_id if provider_id is not None else world.provider_id
        with boa.env.prank(sender or world.client_op):
            return int(world.tabs.open(cid, pid, tok.address, amount, delay))

    return _open


@pytest.fixture(scope="module")
def sign(world: SimpleNamespace) -> Callable[..., SignedVoucher]:
    """`sign(tab_id, amount, key=client operator)` -> a signed voucher for this chain and Tabs."""

    def _sign(tab_id: int, amount: int, key: LocalAccount | None = None) -> SignedVoucher:
        return sign_voucher(
            key or world.client_key,
            Voucher(tab_id, amount),
            boa.env.evm.patch.chain_id,
            str(world.tabs.address),
        )

    return _sign


def redeem(tabs: Any, signed: SignedVoucher, sender: str | None = None) -> Any:
    """Submit one voucher (anyone may; the provider usually does)."""
    if sender is None:
        return tabs.redeem(signed.tab_id, signed.amount, signed.v, signed.r, signed.s)
    with boa.env.prank(sender):
        return tabs.redeem(signed.tab_id, signed.amount, signed.v, signed.r, signed.s)


@pytest.fixture(scope="module")
def ledger(world: SimpleNamespace, fee_recipient: str) -> Callable[..., None]:
    """`ledger(tab_ids, token=...)`: assert I1 for the token over every agent and
    the given tabs (with no jobs open): balanceOf(escrow) == free balances +
    unredeemed tab deposits + fees owed; and I4 per tab: deposit == redeemed +
    unredeemed (open) or refunded (closed), checked through the events' sums
    by the caller where needed."""

    def _check(tab_ids: list[int], token: Any = None) -> None:
        tok = token if token is not None else world.token
        free = sum(world.escrow.balance_of(a, tok.address) for a in minted_ids(world))
        held = 0
        for tab_id in tab_ids:
            t = world.tabs.tab(tab_id)
            if t.status == 1 and t.token == tok.address:
                held += t.deposit - t.redeemed
        fees = world.escrow.fees_owed(fee_recipient, tok.address)
        assert tok.balanceOf(world.escrow.address) == free + held + fees

    return _check
