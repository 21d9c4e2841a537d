"""The escrow's ITabsHost functions: only the TABS fixed at deployment may
call them (an escrow deployed without tabs refuses everyone), and what they
do to the ledger, the budget, the fees and the reputation hook when called
directly (here TABS is a plain account standing in for the Tabs contract)."""

from __future__ import annotations

import boa
import pytest

from .conftest import _deploy_escrow, governor_of
from .helpers import E18, FEE_BPS, OUT_COMPLETED, PRICE, ZERO

MARK = 1 << 255
CLOSE = 1
# A tab's terms as `tab_lock` answers them: config id 1, token index 1.
TERMS = (1 << 208) | (1 << 232)
NO_REPUTATION = 1 << 248


def fee_of(value: int) -> int:
    """The fee of a tab's cumulative value (ITabsHost: f(x) = x * bps // 10_000)."""
    return value * FEE_BPS // 10_000


def test_hooks__tabs_disabled__refuse_everyone(world, escrow, attacker):
    assert escrow.TABS() == ZERO
    for who in (attacker, world.governance, world.client_op):
        with boa.env.prank(who):
            with boa.reverts("escrow: not tabs"):
                escrow.tab_lock(world.client_id, world.provider_id, world.token.address, 1, who)
            with boa.reverts("escrow: not tabs"):
                escrow.tab_settle(world.provider_id, TERMS, 0, 1)


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
        governor_of(escrow).set_token(world.token.address, True, 2 * E18)
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
        escrow.tab_settle(world.provider_id, TERMS | CLOSE, 1, 1)


def test_tab_lock__takes_amount_and_answers_terms(world, linked):
    escrow, tabs = linked
    with boa.env.prank(tabs):
        answer = escrow.tab_lock(
            world.client_id, world.provider_id, world.token.address, PRICE, world.client_op
        )
    assert (answer >> 208) & (2**24 - 1) == 1  # config id
    assert (answer >> 232) & 0xFFFF == 1  # token index
    assert (answer >> 248) & 1 == 0  # different principals
    assert answer & 0xFF == 2  # operator
    assert answer == TERMS | 2  # nothing else
    assert escrow.balance_of(world.client_id, world.token.address) == 9 * PRICE
    assert escrow.spent(world.client_id, world.token.address)[1] == PRICE
    with boa.env.prank(tabs):
        answer = escrow.tab_lock(
            world.client_id, world.sibling_id, world.token.address, PRICE, world.principal
        )
    assert answer == TERMS | NO_REPUTATION | 1  # same principal; the principal
    assert escrow.spent(world.client_id, world.token.address)[1] == PRICE  # principal: uncapped


def test_tab_settle__redemption__pays_rise_of_cumulative_fee_no_reputation(
    world, linked, fee_recipient
):
    escrow, tabs = linked
    tab_id = (5 << 136) | (world.client_id << 64) | world.provider_id
    calls = world.reputation.calls()
    client_before = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, TERMS, 0, 1_000_003)
    fee = fee_of(1_000_003)
    assert escrow.balance_of(world.provider_id, world.token.address) == 1_000_003 - fee
    assert escrow.fees_owed(fee_recipient, world.token.address) == fee
    # A second redemption of 39 over 1,000,003 owes f(1,000,042) - f(1,000,003):
    # 1 here, where 39 alone would owe 0; in all the tab pays f of its total.
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, TERMS, 1_000_003, 39)
    assert fee_of(1_000_042) - fee_of(1_000_003) == 1 and fee_of(39) == 0
    assert escrow.fees_owed(fee_recipient, world.token.address) == fee_of(1_000_042)
    assert escrow.balance_of(world.provider_id, world.token.address) == 1_000_042 - fee_of(
        1_000_042
    )
    assert escrow.balance_of(world.client_id, world.token.address) == client_before
    assert world.reputation.calls() == calls  # redemptions write no reputation


def test_tab_settle__close__refund_and_one_reputation_fact(world, linked, fee_recipient):
    escrow, tabs = linked
    tab_id = (5 << 136) | (world.client_id << 64) | world.provider_id
    calls = world.reputation.calls()
    client_before = escrow.balance_of(world.client_id, world.token.address)
    provider_before = escrow.balance_of(world.provider_id, world.token.address)
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, TERMS | CLOSE, 1_000_042, 7)
    assert escrow.balance_of(world.client_id, world.token.address) == client_before + 7
    # A closing pays nobody else: the redemptions already did.
    assert escrow.balance_of(world.provider_id, world.token.address) == provider_before
    assert escrow.fees_owed(fee_recipient, world.token.address) == 0
    assert world.reputation.calls() == calls + 1
    last = world.reputation.last()
    net = 1_000_042 - fee_of(1_000_042)
    assert last.job_id == tab_id | MARK and last.outcome == OUT_COMPLETED
    assert (last.client_id, last.provider_id) == (world.client_id, world.provider_id)
    assert last.paid == net and last.weighted_value == 2 * net  # weight 2


def test_tab_settle__close__no_fee_or_same_principal__no_reputation(world, linked):
    escrow, tabs = linked
    tab_id = (5 << 136) | (world.client_id << 64) | world.provider_id
    calls = world.reputation.calls()
    before = escrow.balance_of(world.client_id, world.token.address)
    dust = 10_000 // FEE_BPS - 1  # the most a tab may redeem and owe no fee
    assert fee_of(dust) == 0 and fee_of(dust + 1) == 1
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, TERMS | CLOSE, 0, 5)  # never redeemed
        escrow.tab_settle(tab_id, TERMS | CLOSE, dust, 3)  # no fee, no fact
        escrow.tab_settle(tab_id, TERMS | NO_REPUTATION | CLOSE, 10**18, 5)  # same principal
        escrow.tab_settle(tab_id, TERMS | NO_REPUTATION | CLOSE, 10, 0)
    assert world.reputation.calls() == calls
    assert escrow.balance_of(world.client_id, world.token.address) == before + 13
    with boa.env.prank(tabs):
        escrow.tab_settle(tab_id, TERMS | CLOSE, dust + 1, 0)  # one unit of fee: a fact
    assert world.reputation.calls() == calls + 1
    assert world.reputation.last().paid == dust


def test_tab_settle__reentry_from_reputation__refused(world, linked):
    escrow, tabs = linked
    data = escrow.tab_settle.prepare_calldata(world.provider_id, TERMS, 0, 1)
    world.reputation.set_reenter(data)
    with boa.env.prank(tabs), boa.reverts():
        escrow.tab_settle(world.provider_id | (world.client_id << 64), TERMS | CLOSE, PRICE, 0)
