"""The escrow's ITabsHost functions: only the TABS fixed at deployment may
call them (an escrow deployed without tabs refuses everyone), and what they
do to the ledger, the budget, the fees and the reputation hook when called
directly (here TABS is a plain account standing in for the Tabs contract)."""

from __future__ import annotations

import boa
import pytest

from .conftest import _deploy_escrow
from .helpers import E18, FEE_BPS, OUT_COMPLETED, PRICE, ZERO

MARK = 1 << 255


def test_hooks__tabs_disabled__refuse_everyone(world, escrow, attacker):
    assert escrow.TABS() == ZERO
    for who in (attacker, world.governance, world.client_op):
        with boa.env.prank(who):
            with boa.reverts("escrow: not tabs"):
                escrow.tab_lock(world.client_id, world.provider_id, world.token.address, 1, who)
            with boa.reverts("escrow: not tabs"):
                escrow.tab_settle(world.provider_id, 1, 1, 1, 0, False)


@pytest.fixture
def linked(world, governance, guardian, fee_recipient, keyed, funder):
    """An escrow whose TABS is a plain account, on the world's registry and agents."""
    stand_in = keyed("tabs_stand_in").address
    escrow = _deploy_escrow(
        world.registry,
        world.listings,
        governance,
        guardian,
        fee_recipient,
        world.reputation,
        world.resolver,
        stand_in,
    )
    world.reputation.set_escrow(escrow.address)
    with boa.env.prank(governance):
        escrow.set_token(world.token.address, True, 2 * E18)
    world.token.mint(funder, 10 * PRICE)
    with boa.env.prank(funder):
        world.token.approve(escrow.address, 10 * PRICE)
        escrow.deposit(world.client_id, world.token.address, 10 * PRICE)
    return escrow, stand_in


def test_hooks__other_callers__refused(world, linked, attacker):
    escrow, _ = linked
    with boa.env.prank(attacker), boa.reverts("escrow: not tabs"):
        escrow.tab_lock(world.client_id, world.provider_id, world.token.address, 1, world.client_op)
    with boa.env.prank(attacker), boa.reverts("escrow: not tabs"):
        escrow.tab_settle(world.provider_id, 1, 1, 1, 1, False)


def test_tab_lock__takes_amount_and_answers_terms(world, linked):
    escrow, tabs = linked
    with boa.env.prank(tabs):
        answer = escrow.tab_lock(
            world.client_id, world.provider_id, world.token.address, PRICE, world.client_op
        )
    assert answer & (2**24 - 1) == 1  # config id
    assert (answer >> 24) & 0xFFFF == 1  # token index
    assert (answer >> 40) & 1 == 0  # different principals
    assert (answer >> 48) & 0xFF == 2  # operator
    assert escrow.balance_of(world.client_id, world.token.address) == 9 * PRICE
    assert escrow.spent(world.client_id, world.token.address)[1] == PRICE
    with boa.env.prank(tabs):
        answer = escrow.tab_lock(
            world.client_id, world.sibling_id, world.token.address, PRICE, world.principal
        )
    assert (answer >> 40) & 1 == 1 and (answer >> 48) & 0xFF == 1
    assert escrow.spent(world.client_id, world.token.address)[1] == PRICE  # principal: uncapped


def test_tab_settle__pays_fee_reputation_and_refund(world, linked, fee_recipient):
    escrow, tabs = linked
    tab_id = (5 << 136) | (world.client_id << 64) | world.provider_id
    with boa.env.prank(tabs):
        escrow.tab_lock(
            world.client_id, world.provider_id, world.token.address, PRICE, world.client_op
        )
        escrow.tab_settle(tab_id, 1, 1, 1_000_003, 7, False)
    fee = 1_000_003 * FEE_BPS // 10_000
    assert escrow.balance_of(world.provider_id, world.token.address) == 1_000_003 - fee
    assert escrow.fees_owed(fee_recipient, world.token.address) == fee
    assert escrow.balance_of(world.client_id, world.token.address) == 9 * PRICE + 7
    last = world.reputation.last()
    assert last.job_id == tab_id | MARK and last.outcome == OUT_COMPLETED
    assert (last.client_id, last.provider_id) == (world.client_id, world.provider_id)
    assert last.paid == 1_000_003 - fee and last.weighted_value == 2 * (1_000_003 - fee)
    calls = world.reputation.calls()
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, 1, 1, 10, 0, True)  # same principal: no reputation
        escrow.tab_settle(tab_id, 1, 1, 0, 5, False)  # refund only: no reputation
    assert world.reputation.calls() == calls


def test_tab_settle__reentry_from_reputation__refused(world, linked):
    escrow, tabs = linked
    data = escrow.tab_settle.prepare_calldata(world.provider_id, 1, 1, 1, 0, False)
    world.reputation.set_reenter(data)
    with boa.env.prank(tabs), boa.reverts():
        escrow.tab_settle(world.provider_id | (world.client_id << 64), 1, 1, 10, 0, False)
