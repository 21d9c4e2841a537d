"""A tab's paths end to end: open, top up, redeem (one, many), close by the
provider, request_close then finish_close; money, fees and events after each,
with I1 (solvency) and I4 (conservation) checked along the way. Reputation
(written once, at the closing) has its own module, test_tabs_reputation."""

from __future__ import annotations

import boa
from escrow.helpers import FEE_BPS, PRICE, ZERO, now

from .conftest import DELAY, redeem


def fee_of(amount: int) -> int:
    """The fee of a tab's cumulative value; a redemption owes its rise."""
    return amount * FEE_BPS // 10_000


def test_open__locks_deposit_and_fixes_terms(world, tabs, escrow, open_tab, ledger):
    before = escrow.balance_of(world.client_id, world.token.address)
    tab_id = open_tab(amount=3 * PRICE)
    assert escrow.balance_of(world.client_id, world.token.address) == before
    t = tabs.tab(tab_id)
    assert (t.client_id, t.provider_id) == (world.client_id, world.provider_id)
    assert t.opened_at == now() and t.token == world.token.address
    assert (t.deposit, t.redeemed, t.status, t.closes_at) == (3 * PRICE, 0, 1, 0)
    assert t.withdrawal_delay == DELAY and t.config_id == 1 and not t.no_reputation
    assert t.signer == world.client_op
    assert tabs.tab_parties(tab_id) == (now(), world.client_id, world.provider_id)
    ledger([tab_id])


def test_open__logs_event(world, tabs, open_tab):
    tab_id = open_tab(amount=PRICE)
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabOpened"]
    assert event.tab_id == tab_id and event.amount == PRICE and event.signer == world.client_op
    assert event.client_id == world.client_id and event.provider_id == world.provider_id
    assert event.withdrawal_delay == DELAY and event.token == world.token.address


def test_open__by_principal__key_is_agents_operator(world, tabs, open_tab):
    tab_id = open_tab(sender=world.principal)
    assert tabs.tab(tab_id).signer == world.client_op


def test_open__by_principal_without_operator__key_is_principal(world, tabs, registry, open_tab):
    with boa.env.prank(world.principal):
        registry.unsetAgentWallet(world.client_id)
    assert registry.agent_status(world.client_id).operator in (world.principal, ZERO)
    tab_id = open_tab(sender=world.principal)
    assert tabs.tab(tab_id).signer == world.principal


def test_open__same_principal__no_reputation(world, tabs, open_tab, sign):
    # The client pays its sibling (same principal): tabs work, reputation is skipped.
    tab_id = open_tab(provider_id=world.sibling_id)
    assert tabs.tab(tab_id).no_reputation
    calls = world.reputation.calls()
    redeem(tabs, sign(tab_id, PRICE // 2))
    with boa.env.prank(world.principal):  # the sibling's principal too
        tabs.close(tab_id)
    assert world.reputation.calls() == calls
    assert world.escrow.balance_of(world.sibling_id, world.token.address) == PRICE // 2 - fee_of(
        PRICE // 2
    )


def test_open__two_in_one_block__distinct_ids(world, tabs, open_tab):
    first = open_tab()
    second = open_tab()
    assert second == first + (1 << 128)
    assert tabs.tab(second).deposit == PRICE


def test_open__operator_budget__counts_each_commitment(world, escrow, open_tab):
    _, used = escrow.spent(world.client_id, world.token.address)
    open_tab(amount=2 * PRICE)
    _, after = escrow.spent(world.client_id, world.token.address)
    assert after == used + 2 * PRICE


def test_open__by_principal__uncapped(world, escrow, open_tab):
    _, used = escrow.spent(world.client_id, world.token.address)
    open_tab(amount=11 * PRICE, sender=world.principal)  # above the 10 * PRICE per-job cap
    assert escrow.spent(world.client_id, world.token.address)[1] == used


def test_top_up__adds_to_deposit_and_budget(world, tabs, escrow, open_tab, fund, ledger):
    tab_id = open_tab()
    fund(amount=2 * PRICE)
    _, used = escrow.spent(world.client_id, world.token.address)
    with boa.env.prank(world.client_op):
        tabs.top_up(tab_id, 2 * PRICE)
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabToppedUp"]
    assert tabs.tab(tab_id).deposit == 3 * PRICE
    assert escrow.spent(world.client_id, world.token.address)[1] == used + 2 * PRICE
    assert (event.tab_id, event.amount, event.deposit) == (tab_id, 2 * PRICE, 3 * PRICE)
    ledger([tab_id])


def test_top_up__by_principal__allowed(world, tabs, open_tab, fund):
    tab_id = open_tab()
    fund(amount=PRICE)
    with boa.env.prank(world.principal):
        tabs.top_up(tab_id, PRICE)
    assert tabs.tab(tab_id).deposit == 2 * PRICE


def test_redeem__pays_provider_and_fee__no_reputation(
    world, tabs, escrow, open_tab, sign, ledger, fee_recipient
):
    tab_id = open_tab(amount=2 * PRICE)
    provider_before = escrow.balance_of(world.provider_id, world.token.address)
    fees_before = escrow.fees_owed(fee_recipient, world.token.address)
    amount = PRICE // 3 + 7
    calls = world.reputation.calls()
    redeem(tabs, sign(tab_id, amount), sender=world.provider_op)
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabRedeemed"]
    fee = fee_of(amount)
    assert (
        escrow.balance_of(world.provider_id, world.token.address) == provider_before + amount - fee
    )
    assert escrow.fees_owed(fee_recipient, world.token.address) == fees_before + fee
    assert tabs.tab(tab_id).redeemed == amount
    assert world.reputation.calls() == calls  # written at the closing only
    assert (event.tab_id, event.cumulative) == (tab_id, amount)
    ledger([tab_id])


def test_redeem__twice__second_pays_only_the_difference(
    world, tabs, escrow, open_tab, sign, ledger
):
    tab_id = open_tab(amount=PRICE)
    start = escrow.balance_of(world.provider_id, world.token.address)
    redeem(tabs, sign(tab_id, 1_000))
    first = escrow.balance_of(world.provider_id, world.token.address) - start
    assert first == 1_000 - fee_of(1_000)
    redeem(tabs, sign(tab_id, 5_000))
    got = escrow.balance_of(world.provider_id, world.token.address) - start
    # The second owes the fee's rise, f(5,000) - f(1,000): the tab pays f(5,000).
    assert got - first == 4_000 - (fee_of(5_000) - fee_of(1_000))
    assert got == 5_000 - fee_of(5_000)
    assert tabs.tab(tab_id).redeemed == 5_000
    ledger([tab_id])


def test_redeem__split_into_pieces__same_fee_as_at_once(
    world, tabs, escrow, open_tab, sign, ledger, fee_recipient
):
    # 39 units owe no fee alone (39 * 250 // 10_000 == 0); forty pieces of 39
    # still pay the fee of 1,560: a tab's fee is that of its total.
    tab_id = open_tab(amount=PRICE)
    start = escrow.balance_of(world.provider_id, world.token.address)
    fees = escrow.fees_owed(fee_recipient, world.token.address)
    for n in range(1, 41):
        redeem(tabs, sign(tab_id, 39 * n))
    assert fee_of(39) == 0 and fee_of(1_560) == 39
    assert escrow.fees_owed(fee_recipient, world.token.address) - fees == 39
    assert escrow.balance_of(world.provider_id, world.token.address) - start == 1_560 - 39
    ledger([tab_id])


def test_redeem__whole_deposit(world, tabs, open_tab, sign, ledger):
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, PRICE))
    assert tabs.tab(tab_id).redeemed == PRICE
    ledger([tab_id])


def test_redeem__by_anyone__pays_the_provider(world, tabs, escrow, open_tab, sign, attacker):
    tab_id = open_tab()
    before = escrow.balance_of(world.provider_id, world.token.address)
    redeem(tabs, sign(tab_id, 100), sender=attacker)
    assert escrow.balance_of(world.provider_id, world.token.address) == before + 100 - fee_of(100)


def test_redeem__while_paused__works(world, tabs, escrow, open_tab, sign):
    tab_id = open_tab()
    with boa.env.prank(world.guardian):
        world.governor.pause()
    redeem(tabs, sign(tab_id, 100))
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    assert tabs.tab(tab_id).status == 2


def test_redeem__frozen_provider__still_paid(world, tabs, registry, open_tab, sign):
    tab_id = open_tab()
    with boa.env.prank(world.other_principal):
        registry.freeze(world.provider_id)
    redeem(tabs, sign(tab_id, 100))
    assert tabs.tab(tab_id).redeemed == 100


def test_redeem__frozen_client__vouchers_within_deposit_stay_valid(
    world, tabs, registry, open_tab, sign
):
    tab_id = open_tab()
    with boa.env.prank(world.principal):
        registry.freeze(world.client_id)
    redeem(tabs, sign(tab_id, 100))
    assert tabs.tab(tab_id).redeemed == 100


def test_redeem_many__many_tabs_one_tx(world, tabs, escrow, open_tab, sign, ledger, fee_recipient):
    ids = [open_tab(amount=PRICE) for _ in range(5)]
    vouchers = [sign(t, (i + 1) * 1_000) for i, t in enumerate(ids)]
    before = escrow.balance_of(world.provider_id, world.token.address)
    fees = escrow.fees_owed(fee_recipient, world.token.address)
    calls = world.reputation.calls()
    with boa.env.prank(world.provider_op):
        assert tabs.redeem_many([v.as_tuple() for v in vouchers]) == 5
    total = sum((i + 1) * 1_000 for i in range(5))
    fee = sum(fee_of((i + 1) * 1_000) for i in range(5))
    assert escrow.balance_of(world.provider_id, world.token.address) == before + total - fee
    assert escrow.fees_owed(fee_recipient, world.token.address) == fees + fee
    assert [tabs.tab(t).redeemed for t in ids] == [(i + 1) * 1_000 for i in range(5)]
    assert world.reputation.calls() == calls
    ledger(ids)


def test_redeem_many__stale_voucher__skipped_not_reverted(world, tabs, open_tab, sign):
    a, b = open_tab(), open_tab()
    redeem(tabs, sign(a, 500))  # e.g. submitted meanwhile by someone else
    assert tabs.redeem_many([sign(a, 500).as_tuple(), sign(b, 300).as_tuple()]) == 1
    assert (tabs.tab(a).redeemed, tabs.tab(b).redeemed) == (500, 300)


def test_redeem_many__same_tab_twice__counts_once_each(world, tabs, open_tab, sign):
    tab_id = open_tab()
    batch = [
        sign(tab_id, 100).as_tuple(),
        sign(tab_id, 400).as_tuple(),
        sign(tab_id, 200).as_tuple(),
    ]
    assert tabs.redeem_many(batch) == 2
    assert tabs.tab(tab_id).redeemed == 400


def test_redeem_many__empty__nothing(tabs):
    assert tabs.redeem_many([]) == 0


def test_close_by_provider__returns_rest(world, tabs, escrow, open_tab, sign, ledger):
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, PRICE // 4))
    client_before = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabClosed"]
    assert escrow.balance_of(world.client_id, world.token.address) == client_before + PRICE * 3 // 4
    t = tabs.tab(tab_id)
    assert (t.status, t.deposit, t.redeemed) == (2, PRICE, PRICE // 4)
    assert (event.tab_id, event.refund, event.by_provider) == (tab_id, PRICE * 3 // 4, True)
    ledger([tab_id])


def test_close_by_provider_principal__fully_redeemed__nothing_to_return(
    world, tabs, escrow, open_tab, sign, ledger
):
    tab_id = open_tab(amount=PRICE)
    redeem(tabs, sign(tab_id, PRICE))
    before = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(world.other_principal):
        tabs.close(tab_id)
    assert escrow.balance_of(world.client_id, world.token.address) == before
    assert tabs.tab(tab_id).status == 2
    ledger([tab_id])


def test_close_by_frozen_provider_principal__allowed(world, tabs, registry, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.other_principal):
        registry.freeze(world.provider_id)
        tabs.close(tab_id)
    assert tabs.tab(tab_id).status == 2


def test_request_close_then_finish__returns_rest(world, tabs, escrow, open_tab, sign, ledger):
    tab_id = open_tab(amount=PRICE)
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabCloseRequested"]
    closes_at = now() + DELAY
    assert tabs.tab(tab_id).closes_at == closes_at
    assert (event.tab_id, event.closes_at) == (tab_id, closes_at)
    # The provider may still redeem before the deadline.
    boa.env.time_travel(seconds=DELAY - 1)
    redeem(tabs, sign(tab_id, 600))
    boa.env.time_travel(seconds=1)
    before = escrow.balance_of(world.client_id, world.token.address)
    tabs.finish_close(tab_id)  # anyone
    assert escrow.balance_of(world.client_id, world.token.address) == before + PRICE - 600
    (event,) = [e for e in tabs.get_logs() if type(e).__name__ == "TabClosed"]
    assert (event.refund, event.by_provider) == (PRICE - 600, False)
    ledger([tab_id])


def test_request_close__by_frozen_principal__allowed(world, tabs, registry, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.principal):
        registry.freeze(world.client_id)
        tabs.request_close(tab_id)
    assert tabs.tab(tab_id).closes_at == now() + DELAY


def test_provider_closes_while_closing(world, tabs, open_tab):
    tab_id = open_tab()
    with boa.env.prank(world.client_op):
        tabs.request_close(tab_id)
    with boa.env.prank(world.provider_op):
        tabs.close(tab_id)
    assert tabs.tab(tab_id).status == 2


def test_delay_bounds__both_ends_accepted(world, tabs, open_tab):
    for delay in (3_600, 30 * 86_400):
        assert tabs.tab(open_tab(delay=delay)).withdrawal_delay == delay


def test_deposit_at_max(world, tabs, open_tab):
    big = 2**96 - 1
    tab_id = open_tab(amount=big, sender=world.principal)
    assert tabs.tab(tab_id).deposit == big


def test_conservation__every_path(world, tabs, escrow, open_tab, sign, fund, ledger, fee_recipient):
    """I4 per tab: what went in (deposits) == provider pay + fees + refund."""
    tok = world.token.address
    start = {
        "client": escrow.balance_of(world.client_id, tok),
        "provider": escrow.balance_of(world.provider_id, tok),
        "fees": escrow.fees_owed(fee_recipient, tok),
    }
    fund(amount=5 * PRICE)
    client_funded = escrow.balance_of(world.client_id, tok)
    a = open_tab(amount=PRICE, funded=False)
    b = open_tab(amount=PRICE, funded=False)
    with boa.env.prank(world.client_op):
        tabs.top_up(a, PRICE)
    redeem(tabs, sign(a, 777_777))
    redeem(tabs, sign(b, 123))
    tabs.redeem_many([sign(a, 999_999).as_tuple(), sign(b, PRICE).as_tuple()])
    with boa.env.prank(world.provider_op):
        tabs.close(a)
    with boa.env.prank(world.client_op):
        tabs.request_close(b)
    boa.env.time_travel(seconds=DELAY)
    tabs.finish_close(b)
    paid_in = client_funded - escrow.balance_of(world.client_id, tok)
    provider = escrow.balance_of(world.provider_id, tok) - start["provider"]
    fees = escrow.fees_owed(fee_recipient, tok) - start["fees"]
    assert paid_in == provider + fees == 999_999 + PRICE
    ledger([a, b])


# Odd and even withdrawal delays at and near both bounds: the delay is packed
# right above the signer's key (bits 160-191 of the tab's word B), so a key mask
# one bit too wide reads an odd delay's low bit into the signer.
ODD_AND_EVEN_DELAYS = (3_600, 3_601, 86_401, 30 * 86_400 - 1, 30 * 86_400)


def test_delay_parity__every_delay_redeems_and_closes(world, tabs, escrow, open_tab, sign, ledger):
    tok = world.token.address
    for delay in ODD_AND_EVEN_DELAYS:
        tab_id = open_tab(amount=PRICE, delay=delay)
        t = tabs.tab(tab_id)
        assert (t.withdrawal_delay, t.signer) == (delay, world.client_op)
        redeem(tabs, sign(tab_id, 1_001))
        with boa.env.prank(world.client_op):
            tabs.request_close(tab_id)
        assert tabs.tab(tab_id).closes_at == now() + delay
        boa.env.time_travel(seconds=delay - 1)
        redeem(tabs, sign(tab_id, 2_003))
        boa.env.time_travel(seconds=1)
        before = escrow.balance_of(world.client_id, tok)
        tabs.finish_close(tab_id)
        assert escrow.balance_of(world.client_id, tok) == before + PRICE - 2_003
        assert tabs.tab(tab_id).status == 2
        # the provider's own closing, on a fresh tab with the same delay
        other = open_tab(amount=PRICE, delay=delay)
        redeem(tabs, sign(other, PRICE))
        with boa.env.prank(world.provider_op):
            tabs.close(other)
        assert tabs.tab(other).status == 2
        ledger([tab_id, other])
