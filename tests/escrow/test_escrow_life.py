"""Job life: every transition, its revert strings, deadlines at -1/0/+1 s,
ledger, fees, pause, governance, offers, budget, reputation and ratings."""

from __future__ import annotations

import boa
import pytest

from .conftest import config_tuple, governor_of, offers_of
from .helpers import (
    ACCEPT_WINDOW,
    ACCEPTED,
    COMPLETED,
    DELIVERED,
    DELIVERY_TIME,
    FEE_BPS,
    MODE_FALSE,
    MODE_FEE,
    MODE_REENTRANT,
    MODE_ZERO_REVERTS,
    OUT_COMPLETED,
    OUT_DECLINED,
    OUT_REFUNDED_LATE,
    PRICE,
    REFUNDED,
    REQUESTED,
    RESULT,
    REVIEW_WINDOW,
    SECP256K1_N,
    TERMS,
    ZERO,
    now,
)


def _at(deadline: int, delta: int) -> None:
    boa.env.evm.patch.timestamp = deadline + delta


# ------------------------------------------------------------------ hire


def test_hire__operator__locks_price_and_requests(world, fund, create_listing, hire, escrow):
    fund(amount=5 * PRICE)
    lid = create_listing()
    job_id = hire(lid)
    job = escrow.job(job_id)
    assert job.status == REQUESTED
    assert (job.client_id, job.provider_id, job.created_at) == (
        world.client_id,
        world.provider_id,
        now(),
    )
    assert escrow.job_parties(job_id) == (now(), world.client_id, world.provider_id)
    assert job.hash == TERMS
    assert job.deadline == now() + ACCEPT_WINDOW
    assert escrow.balance_of(world.client_id, world.token.address) == 4 * PRICE
    assert escrow.spent(world.client_id, world.token.address)[1] == PRICE


def test_hire__listing_repriced_after_quote__reverts(world, fund, create_listing, escrow):
    fund()
    lid = create_listing()
    quote = world.listings.hire_info(lid)
    with boa.env.prank(world.provider_op):
        world.listings.update_listing(
            lid, world.token.address, 2 * PRICE, DELIVERY_TIME, TERMS, "u"
        )
    with boa.env.prank(world.client_op), boa.reverts("escrow: listing changed"):
        escrow.hire(lid, world.client_id, quote.token, quote.price, quote.version)


def test_hire__same_terms_new_version__reverts(world, fund, create_listing, escrow):
    fund()
    lid = create_listing()
    quote = world.listings.hire_info(lid)
    with boa.env.prank(world.provider_op):
        world.listings.update_listing(lid, world.token.address, PRICE, DELIVERY_TIME, TERMS, "u")
    with boa.env.prank(world.client_op), boa.reverts("escrow: listing changed"):
        escrow.hire(lid, world.client_id, quote.token, quote.price, quote.version)


def test_hire__paused_or_closed_listing__reverts(world, fund, create_listing, hire):
    fund()
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        world.listings.pause_listing(lid)
    with boa.reverts("escrow: listing not active"):
        hire(lid)


@pytest.mark.parametrize(
    ("who", "reason"), [("attacker", "escrow: not client"), ("provider_op", "escrow: not client")]
)
def test_hire__stranger__reverts(world, fund, create_listing, hire, attacker, who, reason):
    fund()
    lid = create_listing()
    sender = attacker if who == "attacker" else world.provider_op
    with boa.reverts(reason):
        hire(lid, sender=sender)


def test_hire__insufficient_balance__reverts(world, create_listing, hire):
    lid = create_listing()
    with boa.reverts("escrow: insufficient balance"):
        hire(lid, sender=world.principal)


def test_hire__frozen_client__reverts(world, fund, create_listing, hire):
    fund()
    lid = create_listing()
    with boa.env.prank(world.principal):
        world.registry.freeze(world.client_id)
    with boa.reverts("escrow: agent frozen"):
        hire(lid)
    with boa.reverts("escrow: client frozen"):
        hire(lid, sender=world.principal)


def test_hire__frozen_provider__reverts(world, fund, create_listing, hire):
    fund()
    lid = create_listing()
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.reverts("escrow: provider frozen"):
        hire(lid)


def test_hire__self__reverts(world, fund, create_listing, hire):
    fund()
    lid = create_listing(provider_id=world.client_id, sender=world.principal)
    with boa.reverts("escrow: self hire"):
        hire(lid)


def test_hire__token_delisted__reverts(world, fund, create_listing, hire, escrow):
    fund()
    lid = create_listing()
    with boa.env.prank(world.governance):
        world.governor.set_token(world.token.address, False, 0)
    with boa.reverts("escrow: token not allowed"):
        hire(lid)


# ---------------------------------------------------------------- budget


def test_budget__operator_per_job_cap__reverts(world, fund, create_listing, hire):
    fund(amount=100 * PRICE)
    lid = create_listing(price=11 * PRICE)
    with boa.reverts("escrow: over job cap"):
        hire(lid)
    hire(lid, sender=world.principal)  # the principal is not capped


def test_budget__operator_period_cap_then_rollover(world, fund, create_listing, hire, escrow):
    fund(amount=100 * PRICE)
    lid = create_listing(price=10 * PRICE)
    hire(lid)
    hire(lid)
    with boa.reverts("escrow: over period cap"):
        hire(lid)
    start = escrow.spent(world.client_id, world.token.address)[0]
    _at(start + 86_400, -1)
    with boa.reverts("escrow: over period cap"):
        hire(lid)
    _at(start + 86_400, 0)
    hire(lid)
    assert escrow.spent(world.client_id, world.token.address) == (now(), 10 * PRICE)


def test_budget__no_policy_for_token__operator_cannot_commit(world, fund, create_listing, hire):
    fund(amount=10 * 10**6, token=world.usdc)
    lid = create_listing(price=10**6, token=world.usdc)
    with boa.reverts("escrow: over job cap"):
        hire(lid)


# ---------------------------------------------------------- transitions


def test_accept__deadline_minus_one_zero_plus_one(world, job_in, escrow):
    for delta, ok in ((-1, True), (0, False), (1, False)):
        with boa.env.anchor():
            job_id = job_in(REQUESTED)
            _at(escrow.job(job_id).deadline, delta)
            with boa.env.prank(world.provider_op):
                if ok:
                    escrow.accept(job_id)
                    assert escrow.job(job_id).status == ACCEPTED
                    assert escrow.job(job_id).deadline == now() + DELIVERY_TIME
                else:
                    with boa.reverts("escrow: accept deadline passed"):
                        escrow.accept(job_id)


def test_accept__not_provider__reverts(world, job_in, escrow):
    job_id = job_in(REQUESTED)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not provider"):
        escrow.accept(job_id)
    with boa.env.prank(world.provider_op):
        escrow.accept(job_id)
        with boa.reverts("escrow: not requested"):
            escrow.accept(job_id)


def test_decline__refunds_and_records(world, job_in, escrow):
    job_id = job_in(REQUESTED)
    before = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(world.provider_op):
        escrow.decline(job_id)
    assert escrow.job(job_id).status == REFUNDED
    assert escrow.balance_of(world.client_id, world.token.address) == before + PRICE
    assert world.reputation.outcome_count(OUT_DECLINED) == 1
    with boa.env.prank(world.provider_op), boa.reverts("escrow: not requested"):
        escrow.decline(job_id)


def test_cancel__client_before_acceptance(world, job_in, escrow):
    job_id = job_in(REQUESTED)
    with boa.env.prank(world.provider_op), boa.reverts("escrow: not client"):
        escrow.cancel(job_id)
    with boa.env.prank(world.client_op):
        escrow.cancel(job_id)
    assert escrow.job(job_id).status == REFUNDED
    assert world.reputation.calls() == 0
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not requested"):
        escrow.cancel(job_id)


@pytest.mark.parametrize("status", [REQUESTED, ACCEPTED])
def test_reclaim__deadline_minus_one_zero_plus_one(world, job_in, escrow, status):
    for delta, ok in ((-1, False), (0, True), (1, True)):
        with boa.env.anchor():
            job_id = job_in(status)
            _at(escrow.job(job_id).deadline, delta)
            with boa.env.prank(world.client_op):
                if ok:
                    escrow.reclaim(job_id)
                    assert escrow.job(job_id).status == REFUNDED
                    assert world.reputation.outcome_count(OUT_REFUNDED_LATE) == 1
                else:
                    with boa.reverts("escrow: deadline not passed"):
                        escrow.reclaim(job_id)


def test_reclaim__delivered__reverts(world, job_in, escrow):
    job_id = job_in(DELIVERED)
    with boa.env.prank(world.client_op), boa.reverts("escrow: cannot reclaim"):
        escrow.reclaim(job_id)


def test_deliver__deadline_minus_one_zero_plus_one(world, job_in, escrow):
    for delta, ok in ((-1, True), (0, False), (1, False)):
        with boa.env.anchor():
            job_id = job_in(ACCEPTED)
            _at(escrow.job(job_id).deadline, delta)
            with boa.env.prank(world.provider_op):
                if ok:
                    escrow.deliver(job_id, RESULT, "ipfs://r", PRICE)
                    job = escrow.job(job_id)
                    assert (job.status, job.hash) == (DELIVERED, RESULT)
                    assert job.deadline == now() + REVIEW_WINDOW
                else:
                    with boa.reverts("escrow: delivery deadline passed"):
                        escrow.deliver(job_id, RESULT, "ipfs://r", PRICE)


def test_deliver__reverts(world, job_in, escrow):
    job_id = job_in(REQUESTED)
    with boa.env.prank(world.provider_op), boa.reverts("escrow: not accepted"):
        escrow.deliver(job_id, RESULT, "u", PRICE)
    with boa.env.prank(world.provider_op):
        escrow.accept(job_id)
        with boa.reverts("escrow: final price above price"):
            escrow.deliver(job_id, RESULT, "u", PRICE + 1)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not provider"):
        escrow.deliver(job_id, RESULT, "u", PRICE)


def test_complete__lowered_price__exact_split(world, job_in, escrow):
    price = 10**18 + 7
    final = 333_333_333_333_333_337
    job_id = job_in(ACCEPTED, price=price)
    client_before = escrow.balance_of(world.client_id, world.token.address)
    with boa.env.prank(world.provider_op):
        escrow.deliver(job_id, RESULT, "u", final)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    fee = final * FEE_BPS // 10_000
    assert escrow.balance_of(world.provider_id, world.token.address) == final - fee
    assert escrow.fees_owed(world.fee_recipient, world.token.address) == fee
    assert escrow.balance_of(world.client_id, world.token.address) == client_before + price - final
    assert world.reputation.outcome_count(OUT_COMPLETED) == 1
    assert world.reputation.last().paid == final - fee


def test_complete_and_finalize__review_deadline_minus_one_zero_plus_one(world, job_in, escrow):
    for delta, client_ok in ((-1, True), (0, False), (1, False)):
        with boa.env.anchor():
            job_id = job_in(DELIVERED)
            _at(escrow.job(job_id).deadline, delta)
            if client_ok:
                with boa.reverts("escrow: review deadline not passed"):
                    escrow.finalize(job_id)
                with boa.env.prank(world.client_op):
                    escrow.complete(job_id)
            else:
                with boa.env.prank(world.client_op), boa.reverts("escrow: review deadline passed"):
                    escrow.complete(job_id)
                escrow.finalize(job_id)  # anyone
            assert escrow.job(job_id).status == COMPLETED


def test_complete__reverts(world, job_in, escrow):
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not delivered"):
        escrow.complete(job_id)
    with boa.reverts("escrow: not delivered"):
        escrow.finalize(job_id)
    with boa.env.prank(world.provider_op):
        escrow.deliver(job_id, RESULT, "u", PRICE)
        with boa.reverts("escrow: not client"):
            escrow.complete(job_id)


def test_terminal__no_transition(world, job_in, escrow):
    job_id = job_in(DELIVERED)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
        with boa.reverts("escrow: not delivered"):
            escrow.complete(job_id)
        with boa.reverts("escrow: cannot reclaim"):
            escrow.reclaim(job_id)


def test_frozen_provider__open_job_exits_through_principal(world, job_in, escrow):
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.env.prank(world.provider_op), boa.reverts("escrow: agent frozen"):
        escrow.deliver(job_id, RESULT, "u", PRICE)
    with boa.env.prank(world.other_principal):
        escrow.deliver(job_id, RESULT, "u", PRICE)


def test_same_principal__no_reputation_no_rating(world, job_in, escrow):
    job_id = job_in(DELIVERED, provider_id=world.sibling_id)
    assert escrow.job(job_id).flags & 1 == 1
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    assert world.reputation.calls() == 0
    with boa.env.prank(world.principal), boa.reverts("escrow: no reputation"):
        world.reputation.rate(job_id)


# ---------------------------------------------------------------- ratings


def test_rating__once_per_side(world, job_in, escrow, attacker):
    job_id = job_in(DELIVERED)
    with boa.env.prank(world.client_op), boa.reverts("escrow: job not settled"):
        world.reputation.rate(job_id)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
        ticket = world.reputation.rate(job_id)
        assert (ticket.rater_id, ticket.rated_id) == (world.client_id, world.provider_id)
        with boa.reverts("escrow: already rated"):
            world.reputation.rate(job_id)
    with boa.env.prank(world.other_principal):
        assert world.reputation.rate(job_id).rater_id == world.provider_id
    with boa.env.prank(attacker), boa.reverts("escrow: not a party"):
        world.reputation.rate(job_id)
    with boa.env.prank(attacker), boa.reverts("escrow: not reputation"):
        escrow.consume_rating(job_id, attacker)


def test_rating__zero_final_price__no_fact_no_rating(world, job_in, escrow):
    """Delivered for nothing: no fee was paid, so no fact and no rating."""
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.provider_op):
        escrow.deliver(job_id, RESULT, "u", 0)
    calls = world.reputation.calls()
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
        with boa.reverts("escrow: no reputation"):
            world.reputation.rate(job_id)
    assert world.reputation.calls() == calls
    assert escrow.job(job_id).flags & 1 == 1


# ----------------------------------------------------------------- offers


def test_offer__starts_accepted_and_nonce_is_spent(world, fund, offer, escrow):
    fund()
    o, v, r, s = offer(nonce=7)
    with boa.env.prank(world.client_op):
        job_id = world.offers.hire_with_offer(o, world.client_id, v, r, s)
        job = escrow.job(job_id)
        assert (job.status, job.deadline) == (ACCEPTED, now() + DELIVERY_TIME)
        # Two hires racing for one nonce: the second loses.
        with boa.reverts("offers: nonce used"):
            world.offers.hire_with_offer(o, world.client_id, v, r, s)
    assert world.offers.nonce_used(world.provider_id, 7)


def test_offer__expiry_minus_one_zero(world, fund, offer, escrow):
    fund()
    o, v, r, s = offer(expiry=now() + 100)
    _at(now() + 100, 0)
    with boa.env.prank(world.client_op), boa.reverts("offers: offer expired"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    _at(now() - 1, 0)
    with boa.env.prank(world.client_op):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)


def test_offer__wrong_client_or_signer_or_cancelled__reverts(world, fund, offer, escrow, keyed):
    fund()
    o, v, r, s = offer(client_id=world.sibling_id)
    with boa.env.prank(world.client_op), boa.reverts("offers: offer not for client"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    o, v, r, s = offer(signer=keyed("attacker"), nonce=2)
    with boa.env.prank(world.client_op), boa.reverts("escrow: bad signature"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    o, v, r, s = offer(nonce=3)
    with boa.env.prank(world.provider_op):
        world.offers.cancel_offer_nonce(world.provider_id, 3)
    with boa.env.prank(world.client_op), boa.reverts("offers: nonce used"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    o, v, r, s = offer(nonce=4)
    with boa.env.prank(world.client_op), boa.reverts("ecdsa: invalid signature `s` value"):
        world.offers.hire_with_offer(o, world.client_id, 55 - v, r, SECP256K1_N - s)


def test_offer__replay_on_other_escrow_and_chain__reverts(
    world, fund, offer, escrow, deploy_escrow
):
    fund()
    o, v, r, s = offer()
    other = deploy_escrow(with_offers=True)
    with boa.env.prank(world.governance):
        governor_of(other).set_token(world.token.address, True, 10**18)
    with boa.env.prank(world.client_op), boa.reverts("escrow: bad signature"):
        offers_of(other).hire_with_offer(o, world.client_id, v, r, s)
    chain_id = boa.env.evm.patch.chain_id
    boa.env.evm.patch.chain_id = chain_id + 1
    try:
        with boa.env.prank(world.client_op), boa.reverts("escrow: bad signature"):
            world.offers.hire_with_offer(o, world.client_id, v, r, s)
    finally:
        boa.env.evm.patch.chain_id = chain_id


# ----------------------------------------------------------------- ledger


def test_withdraw__principal_only_to_any_address(world, fund, escrow, attacker):
    fund(amount=5 * PRICE)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not principal"):
        escrow.withdraw(world.client_id, world.token.address, PRICE, world.client_op)
    with boa.env.prank(world.principal):
        with boa.reverts("escrow: insufficient balance"):
            escrow.withdraw(world.client_id, world.token.address, 6 * PRICE, attacker)
        escrow.withdraw(world.client_id, world.token.address, PRICE, attacker)
    assert world.token.balanceOf(attacker) == PRICE


@pytest.mark.parametrize("tok", ["usdt", "usdc"])
def test_deposit__no_return_and_six_decimals(world, fund, escrow, tok):
    token = getattr(world, tok)
    fund(amount=10**6, token=token)
    assert escrow.balance_of(world.client_id, token.address) == 10**6
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, token.address, 10**6, world.principal)
    assert token.balanceOf(world.principal) == 10**6


def test_deposit__weird_tokens__revert(world, fund, escrow):
    with boa.env.prank(world.governance):
        pass
    world.token.set_mode(MODE_FEE)
    with boa.reverts("escrow: fee-on-transfer"):
        fund(amount=PRICE)
    world.token.set_mode(MODE_FALSE)
    with boa.reverts("escrow: transfer failed"):
        fund(amount=PRICE)
    world.token.set_mode(MODE_ZERO_REVERTS)
    with boa.reverts("escrow: zero amount"):
        fund(amount=0)


def test_deposit__unknown_agent_or_token__reverts(world, escrow, attacker):
    with boa.env.prank(attacker), boa.reverts("escrow: unknown agent"):
        escrow.deposit(999, world.token.address, 1)
    with boa.env.prank(attacker), boa.reverts("escrow: token not allowed"):
        escrow.deposit(world.client_id, attacker, 1)


def test_reentrant_token__withdraw_reentry_fails_once_only(world, fund, escrow):
    fund(amount=5 * PRICE)
    data = escrow.withdraw.prepare_calldata(
        world.client_id, world.token.address, PRICE, world.principal
    )
    world.token.set_mode(MODE_REENTRANT)
    world.token.set_hook(escrow.address, data, True)
    with boa.env.prank(world.principal), boa.reverts("escrow: transfer failed"):
        escrow.withdraw(world.client_id, world.token.address, PRICE, world.principal)
    assert escrow.balance_of(world.client_id, world.token.address) == 5 * PRICE
    world.token.set_hook(escrow.address, data, False)
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, world.token.address, PRICE, world.principal)
    assert not world.token.hook_succeeded()
    assert escrow.balance_of(world.client_id, world.token.address) == 4 * PRICE
    assert world.token.balanceOf(world.principal) == PRICE


def test_fees__claimed_by_recipient(world, job_in, escrow):
    job_id = job_in(DELIVERED)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    fee = PRICE * FEE_BPS // 10_000
    with boa.env.prank(world.fee_recipient):
        escrow.claim_fees(world.token.address, world.fee_recipient)
        with boa.reverts("escrow: nothing owed"):
            escrow.claim_fees(world.token.address, world.fee_recipient)
    assert world.token.balanceOf(world.fee_recipient) == fee


# ------------------------------------------------------ pause, governance


def test_pause__blocks_entries_only(world, fund, job_in, offer, create_listing, escrow, attacker):
    delivered = job_in(DELIVERED)
    requested = job_in(REQUESTED)
    fund()
    lid = create_listing()
    with boa.env.prank(attacker), boa.reverts("governor: not guardian"):
        world.governor.pause()
    with boa.env.prank(world.guardian):
        world.governor.pause()
    # A deposit is not a commitment: it may be needed for a bond, so the
    # pause never blocks it.
    free = escrow.balance_of(world.client_id, world.token.address)
    fund(amount=7)
    assert escrow.balance_of(world.client_id, world.token.address) == free + 7
    info = world.listings.hire_info(lid)
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    o, v, r, s = offer()
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    with boa.env.prank(world.client_op):
        escrow.complete(delivered)
    with boa.env.prank(world.provider_op):
        escrow.accept(requested)
        escrow.deliver(requested, RESULT, "u", PRICE)
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, world.token.address, PRICE, world.principal)
    with boa.env.prank(world.guardian):
        world.governor.unpause()


def test_governance__config_versions_and_bounds(world, job_in, escrow, attacker):
    old = job_in(DELIVERED)
    governor = world.governor
    with boa.env.prank(attacker), boa.reverts("ownable: caller is not the owner"):
        governor.add_config(config_tuple(attacker))
    with boa.env.prank(world.governance):
        with boa.reverts("governor: fee above cap"):
            governor.add_config(config_tuple(attacker, fee_bps=1_001))
        with boa.reverts("governor: no fee recipient"):
            governor.add_config(config_tuple(ZERO, fee_bps=0))
        with boa.reverts("governor: bad window"):
            governor.add_config(config_tuple(attacker, accept_window=3_599))
        assert governor.add_config(config_tuple(attacker, fee_bps=1_000)) == 2
    with boa.env.prank(world.client_op):
        escrow.complete(old)  # keeps config 1's fee and recipient
    assert escrow.fees_owed(world.fee_recipient, world.token.address) == PRICE * FEE_BPS // 10_000
    assert escrow.fees_owed(attacker, world.token.address) == 0
    new = job_in(REQUESTED)
    assert escrow.job(new).config_id == 2
