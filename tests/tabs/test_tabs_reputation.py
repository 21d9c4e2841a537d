"""A tab's reputation (SPEC I5 for tabs): a tab is one engagement, so the
escrow records it once, when it closes (the provider's `close`, or
`finish_close` after the client's request and the withdrawal delay), as one
completed job worth the tab's whole net redeemed value (what the provider
received over its life, to the unit) weighted by the token's weight; never at
a redemption, never for a tab closed with nothing redeemed, never between
agents of one principal. The mock hook records each write (`calls`, `last`,
a `Recorded` log); the last test runs the real ReputationRegistry."""

from __future__ import annotations

import boa
from escrow.helpers import E18, FEE_BPS, OUT_COMPLETED, PRICE

from agentmarket.contracts.tabs import Voucher, sign_voucher

from .conftest import DELAY, redeem

MARK = 1 << 255


def chain_id() -> int:
    return int(boa.env.evm.patch.chain_id)


def fee_of(amount: int) -> int:
    return amount * FEE_BPS // 10_000


def writes(world) -> list:
    """The reputation writes of the last call to Tabs (the mock's logs)."""
    return [e for e in world.tabs.get_logs() if type(e).__name__ == "Recorded"]


def assert_one_fact(world, tab_id: int, net: int, weight: int = E18) -> None:
    (log,) = writes(world)
    last = world.reputation.last()
    assert last.job_id == log.job_id == tab_id | MARK
    assert (last.client_id, last.provider_id) == (world.client_id, world.provider_id)
    assert last.outcome == OUT_COMPLETED
    assert last.paid == log.paid == net
    assert last.weighted_value == log.weighted_value == net * weight // E18


def test_redemptions__write_nothing(world, tabs, open_tab, sign):
    a, b = open_tab(), open_tab()
    calls = world.reputation.calls()
    redeem(tabs, sign(a, 1_000), sender=world.provider_op)
    assert writes(world) == []
    with boa.env.prank(world.provider_op):
        assert tabs.redeem_many([sign(a, 2_000).as_tuple(), sign(b, 3_000).as_tuple()]) == 2
    assert writes(world) == []
    assert world.reputation.calls() == calls


def test_provider_close__one_fact_with_whole_net_value(world, tabs, escrow, open_tab, sign):
    tab_id = open_tab(amount=2 * PRICE)
    start = escrow.balance_of(world.provider_id, world.token.address)
    for amount in (1_000_003, 1_000_042, PRICE // 3 + 7):
        redeem(tabs, sign(tab_id, amount))
    received = escrow.balance_of(world.provider_id, world.token.address) - start
    calls = world.reputation.calls()
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    assert world.reputation.calls() == calls + 1
    net = PRICE // 3 + 7 - fee_of(PRICE // 3 + 7)
    assert received == net  # the value recorded is exactly what the provider got
    assert_one_fact(world, tab_id, net)


def test_provider_close__fully_redeemed__still_one_fact(world, tabs, open_tab, sign):
    # Nothing to return, but the tab's reputation is written.
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, PRICE))
    with boa.env.prank(world.other_principal):  # the provider's principal
        tabs.close(tab_id)
    assert_one_fact(world, tab_id, PRICE - fee_of(PRICE))


def test_finish_close__one_fact_at_the_closing_not_at_the_request(
    world, tabs, escrow, open_tab, sign
):
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, 777_777))
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    assert writes(world) == []
    boa.env.time_travel(seconds=DELAY - 1)
    redeem(tabs, sign(tab_id, 999_999))  # still in time
    assert writes(world) == []
    boa.env.time_travel(seconds=1)
    calls = world.reputation.calls()
    tabs.finish_close(tab_id)  # anyone
    assert world.reputation.calls() == calls + 1
    assert_one_fact(world, tab_id, 999_999 - fee_of(999_999))


def test_close__token_weight_applies_exactly(world, tabs, escrow, open_tab, sign):
    # Weight 1.5 at the closing (the weight the closing reads, as a job's
    # settlement reads it); 6 decimals: weight 1e24 per unit.
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, 123_457))
    with boa.env.prank(world.governance):
        world.governor.set_token(world.token.address, True, 3 * E18 // 2)
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    net = 123_457 - fee_of(123_457)
    assert_one_fact(world, tab_id, net, weight=3 * E18 // 2)
    assert world.reputation.last().weighted_value == net * 3 // 2


def test_close__never_redeemed__nothing_written(world, tabs, open_tab):
    provider_closed, client_closed = open_tab(), open_tab()
    calls = world.reputation.calls()
    with boa.env.prank(world.provider_op):
        tabs.close(provider_closed)
    assert writes(world) == []
    with boa.env.prank(world.client_op):
        tabs.request_close(client_closed)
    boa.env.time_travel(seconds=DELAY)
    tabs.finish_close(client_closed)
    assert writes(world) == []
    assert world.reputation.calls() == calls


def test_close__same_principal__nothing_written(world, tabs, escrow, open_tab, sign):
    # Self-dealing: the client pays its sibling; both closings write nothing,
    # the fully redeemed one not even an escrow call (nothing to return).
    calls = world.reputation.calls()
    partly = open_tab(provider_id=world.sibling_id)
    fully = open_tab(provider_id=world.sibling_id)
    redeem(tabs, sign(partly, PRICE // 2))
    redeem(tabs, sign(fully, PRICE))
    with boa.env.prank(world.principal):
        tabs.close(partly)
        tabs.close(fully)
    with boa.env.prank(world.client_op):
        tabs.request_close(closing := open_tab(provider_id=world.sibling_id))
    redeem(tabs, sign(closing, 5))
    boa.env.time_travel(seconds=DELAY)
    tabs.finish_close(closing)
    assert world.reputation.calls() == calls
    assert [tabs.tab(t).status for t in (partly, fully, closing)] == [2, 2, 2]


def test_closed_tab__no_second_fact(world, tabs, open_tab, sign):
    tab_id = open_tab()
    redeem(tabs, sign(tab_id, 500))
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    calls = world.reputation.calls()
    with boa.env.prank(world.provider_op), boa.reverts("tabs: not open"):
        tabs.close(tab_id)
    with boa.reverts("tabs: not open"):
        tabs.finish_close(tab_id)
    with boa.reverts("tabs: not open"):
        redeem(tabs, sign(tab_id, 600))
    assert world.reputation.calls() == calls


def test_real_registry__counters_move_once_at_the_closing():
    """With the real ReputationRegistry: both sides get one completed job and
    the weighted net value as volume, at the closing and not before."""
    from .gas import _fund, _world_with_real_reputation

    with boa.env.anchor():
        world = _world_with_real_reputation()
        tabs, rep = world.tabs, world.reputation
        _fund(world, world.client_id, 10 * PRICE)
        with boa.env.prank(world.client_op):
            tab_id = tabs.open(
                world.client_id, world.provider_id, world.token.address, PRICE, DELAY
            )
        before = (rep.reputation_of(world.client_id), rep.reputation_of(world.provider_id))
        with boa.env.prank(world.provider_op):
            for amount in (1_000, 250_000, 250_001):
                signed = sign_voucher(
                    world.client_key, Voucher(tab_id, amount), chain_id(), str(tabs.address)
                )
                tabs.redeem(*signed.as_tuple())
        assert (rep.reputation_of(world.client_id), rep.reputation_of(world.provider_id)) == before
        with boa.env.prank(world.provider_op):
            tabs.close(tab_id)
        net = 250_001 - 250_001 * FEE_BPS // 10_000
        for agent, was in zip((world.client_id, world.provider_id), before, strict=True):
            now = rep.reputation_of(agent)
            assert now.completed == was.completed + 1
            assert now.jobs == was.jobs + 1
            assert now.volume == was.volume + net  # weight 1 in this world
