"""Tabs with weird tokens, and reentry through a token's transfer hook.

Tabs never calls a token: deposits stay in the escrow's ledger. A token can
only reach Tabs from inside one of the escrow's own token calls (deposit,
withdraw, claim_fees); there the escrow's lock on `tab_settle` refuses every
redemption and closing, and what is left (opening a tab, a ledger move under
a hire's checks) keeps the books exact (I1)."""

from __future__ import annotations

import boa
import pytest
from escrow.helpers import MODE_REENTRANT, PRICE, ZERO

from .conftest import DELAY, redeem


def test_no_return_token__full_life(world, tabs, escrow, open_tab, sign, fund, ledger):
    usdt = world.usdt
    tab_id = open_tab(amount=5_000_000, token=usdt, sender=world.principal)
    redeem(tabs, sign(tab_id, 1_234_567))
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    paid = escrow.balance_of(world.provider_id, usdt.address)
    assert paid == 1_234_567 - 1_234_567 * 250 // 10_000
    with boa.env.prank(world.other_principal):
        escrow.withdraw(world.provider_id, usdt.address, paid, world.other_principal)
    assert usdt.balanceOf(world.other_principal) == paid
    ledger([tab_id], token=usdt)


def test_token_delisted__redeem_and_close_still_work(world, tabs, escrow, open_tab, sign, ledger):
    tab_id = open_tab()
    with boa.env.prank(world.governance):
        world.governor.set_token(world.token.address, False, 0)
    redeem(tabs, sign(tab_id, 100))
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY)
    tabs.finish_close(tab_id)
    assert tabs.tab(tab_id).status == 2
    ledger([tab_id])


def test_six_decimals_token__weight_applies(world, tabs, open_tab, sign):
    tab_id = open_tab(amount=10**6, token=world.usdc, sender=world.principal)
    redeem(tabs, sign(tab_id, 10**6))
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)  # the reputation fact is written at the closing
    last = world.reputation.last()
    paid = 10**6 - 10**6 * 250 // 10_000
    assert last.paid == paid and last.weighted_value == paid * 10**24 // 10**18


@pytest.fixture
def token_agent(world, fund):
    """A provider agent whose principal is the token contract itself."""
    with boa.env.prank(world.other_principal):
        agent_id = world.registry.register("ipfs://token-owned")
        world.registry.transferFrom(world.other_principal, world.token.address, agent_id)
    fund(agent_id=agent_id, amount=3 * PRICE)
    return agent_id


def _withdraw_with_hook(world, data):
    token = world.token
    token.set_mode(MODE_REENTRANT)
    token.set_hook(world.tabs.address, data, False)
    with boa.env.prank(world.other_principal):
        world.escrow.withdraw(world.provider_id, token.address, 1, world.other_principal)
    token.set_mode(0)
    assert token.hook_calls() == 1


def test_reentry__redeem_inside_withdraw__refused(world, tabs, open_tab, sign, fund, ledger):
    tab_id = open_tab()
    fund(agent_id=world.provider_id, amount=PRICE)
    signed = sign(tab_id, 500)
    _withdraw_with_hook(world, tabs.redeem.prepare_calldata(*signed.as_tuple()))
    assert not world.token.hook_succeeded()
    assert tabs.tab(tab_id).redeemed == 0
    redeem(tabs, signed)  # outside the reentry it works
    ledger([tab_id])


def test_reentry__close_inside_withdraw__refused(world, tabs, open_tab, token_agent, fund, ledger):
    tab_id = open_tab(provider_id=token_agent)
    fund(agent_id=world.provider_id, amount=PRICE)
    _withdraw_with_hook(world, tabs.close.prepare_calldata(tab_id))
    assert not world.token.hook_succeeded()
    assert tabs.tab(tab_id).status == 1
    with boa.env.prank(world.token.address):  # the token, as principal, may close directly
        tabs.close(tab_id)
    ledger([tab_id])


def test_reentry__finish_close_inside_withdraw__refused(world, tabs, open_tab, fund, ledger):
    tab_id = open_tab()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    boa.env.time_travel(seconds=DELAY)
    fund(agent_id=world.provider_id, amount=PRICE)
    _withdraw_with_hook(world, tabs.finish_close.prepare_calldata(tab_id))
    assert not world.token.hook_succeeded()
    tabs.finish_close(tab_id)
    ledger([tab_id])


def test_reentry__open_inside_withdraw__books_stay_exact(world, tabs, token_agent, fund, ledger):
    # The token owns an agent with free balance: opening a tab from inside the
    # withdrawal is a plain ledger move (the withdrawal already took its part).
    world.token.set_mode(MODE_REENTRANT)
    data = tabs.open.prepare_calldata(
        token_agent, world.provider_id, world.token.address, PRICE, DELAY
    )
    world.token.set_hook(tabs.address, data, False)
    with boa.env.prank(world.token.address):
        world.escrow.withdraw(token_agent, world.token.address, PRICE, world.other_principal)
    world.token.set_mode(0)
    assert world.token.hook_succeeded()
    assert world.escrow.balance_of(token_agent, world.token.address) == PRICE
    tab_id = (int(boa.env.evm.patch.timestamp) << 136) | (token_agent << 64) | world.provider_id
    assert tabs.tab(tab_id).deposit == PRICE
    ledger([tab_id])


def test_zero_address_signer_never_matches(world, tabs, open_tab):
    # A failed recovery reverts in the ECDSA helper; no voucher can pass as
    # the empty key.
    tab_id = open_tab()
    assert tabs.tab(tab_id).signer != ZERO
    with boa.reverts():
        tabs.redeem(tab_id, 1, 27, 1, 1)
