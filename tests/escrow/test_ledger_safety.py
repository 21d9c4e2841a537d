"""Ledger safety: reentrancy through token hooks on every token-moving
function, reverts-on-zero tokens, and a pause that blocks entries only
(issue 3, SPEC I1/I7). That no governance action moves a balance or a job
is in test_governor.py."""

from __future__ import annotations

import boa
import pytest

from .conftest import config_tuple
from .helpers import (
    ACCEPTED,
    BOND_BPS,
    COMPLETED,
    DELIVERED,
    MODE_REENTRANT,
    MODE_ZERO_REVERTS,
    OUT_SPLIT,
    PRICE,
    REFUNDED,
    REQUESTED,
    RESOLVED,
    RESULT,
    TAG,
    TERMS,
)

BOND = PRICE * BOND_BPS // 10_000


@pytest.fixture
def token_agent(world, fund):
    """An agent whose principal is the token contract itself, with 3 PRICE
    free: the token's hook can then make calls that would pass every check
    but the reentrancy lock."""
    with boa.env.prank(world.principal):
        agent_id = world.registry.register("ipfs://token-owned")
        world.registry.transferFrom(world.principal, world.token.address, agent_id)
    fund(agent_id=agent_id, amount=3 * PRICE)
    return agent_id


def _hook(world, data):
    world.token.set_mode(MODE_REENTRANT)
    world.token.set_hook(world.escrow.address, data, False)


def test_token_agent__direct_withdraw_works(world, token_agent, attacker):
    # Control: outside a reentry the token's own withdrawal succeeds, so the
    # failures below are the lock's doing.
    with boa.env.prank(world.token.address):
        world.escrow.withdraw(token_agent, world.token.address, PRICE, attacker)
    assert world.token.balanceOf(attacker) == PRICE


def test_reentry__on_deposit__fails_and_credits_once(world, token_agent, funder, attacker):
    escrow, token = world.escrow, world.token
    _hook(world, escrow.withdraw.prepare_calldata(token_agent, token.address, PRICE, attacker))
    held = token.balanceOf(escrow.address)
    token.mint(funder, PRICE)
    with boa.env.prank(funder):
        token.approve(escrow.address, PRICE)
        escrow.deposit(world.client_id, token.address, PRICE)
    assert token.hook_calls() == 1 and not token.hook_succeeded()
    assert escrow.balance_of(world.client_id, token.address) == PRICE
    assert escrow.balance_of(token_agent, token.address) == 3 * PRICE
    assert token.balanceOf(attacker) == 0
    assert token.balanceOf(escrow.address) == held + PRICE


@pytest.mark.parametrize("reenter", ["withdraw", "deposit"])
def test_reentry__on_withdraw__fails_and_debits_once(world, fund, token_agent, attacker, reenter):
    escrow, token = world.escrow, world.token
    fund(amount=2 * PRICE)
    if reenter == "withdraw":
        data = escrow.withdraw.prepare_calldata(token_agent, token.address, PRICE, attacker)
    else:
        token.mint(token.address, PRICE)
        with boa.env.prank(token.address):
            token.approve(escrow.address, PRICE)
        data = escrow.deposit.prepare_calldata(token_agent, token.address, PRICE)
    _hook(world, data)
    held = token.balanceOf(escrow.address)
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, token.address, PRICE, world.principal)
    assert token.hook_calls() == 1 and not token.hook_succeeded()
    assert escrow.balance_of(world.client_id, token.address) == PRICE
    assert escrow.balance_of(token_agent, token.address) == 3 * PRICE
    assert token.balanceOf(world.principal) == PRICE
    assert token.balanceOf(escrow.address) == held - PRICE


@pytest.mark.parametrize("reenter", ["claim_fees", "withdraw"])
def test_reentry__on_claim_fees__fails_and_pays_once(world, job_in, token_agent, attacker, reenter):
    escrow, token = world.escrow, world.token
    # The token contract is the fee recipient of a new config.
    with boa.env.prank(world.governance):
        world.governor.add_config(config_tuple(token.address, fee_bps=1_000))
    job_id = job_in(DELIVERED)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    fee = PRICE // 10
    assert escrow.fees_owed(token.address, token.address) == fee
    if reenter == "claim_fees":
        data = escrow.claim_fees.prepare_calldata(token.address, attacker)
    else:
        data = escrow.withdraw.prepare_calldata(token_agent, token.address, PRICE, attacker)
    _hook(world, data)
    held = token.balanceOf(escrow.address)
    with boa.env.prank(token.address):
        escrow.claim_fees(token.address, world.fee_recipient)
    assert token.hook_calls() == 1 and not token.hook_succeeded()
    assert token.balanceOf(world.fee_recipient) == fee
    assert token.balanceOf(attacker) == 0
    assert escrow.fees_owed(token.address, token.address) == 0
    assert escrow.balance_of(token_agent, token.address) == 3 * PRICE
    assert token.balanceOf(escrow.address) == held - fee


def test_reentry__strict_hook__reverts_whole_withdraw(world, fund, token_agent, attacker):
    escrow, token = world.escrow, world.token
    fund(amount=PRICE)
    world.token.set_mode(MODE_REENTRANT)
    token.set_hook(
        escrow.address,
        escrow.withdraw.prepare_calldata(token_agent, token.address, PRICE, attacker),
        True,
    )
    with boa.env.prank(world.principal), boa.reverts("escrow: transfer failed"):
        escrow.withdraw(world.client_id, token.address, PRICE, world.principal)
    assert escrow.balance_of(world.client_id, token.address) == PRICE


# ------------------------------------------------------- reverts on zero


def test_zero_reverting_token__no_path_transfers_zero(world, fund, job_in, escrow):
    """No zero transfer path exists: deposit and withdraw refuse a zero
    amount and claim_fees refuses an empty claim before calling the token;
    settlements only move ledger balances, so a zero-fee or zero-price job in
    such a token settles without a transfer."""
    token = world.token
    token.set_mode(MODE_ZERO_REVERTS)
    with boa.reverts("escrow: zero amount"):
        fund(amount=0)
    with boa.env.prank(world.principal), boa.reverts("escrow: zero amount"):
        escrow.withdraw(world.client_id, token.address, 0, world.principal)
    with boa.env.prank(world.fee_recipient), boa.reverts("escrow: nothing owed"):
        escrow.claim_fees(token.address, world.fee_recipient)
    # A job whose final price is 0: no fee, no provider credit, no transfer.
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.provider_op):
        escrow.deliver(job_id, RESULT, "u", 0)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    assert escrow.job(job_id).status == COMPLETED
    assert escrow.fees_owed(world.fee_recipient, token.address) == 0
    # Real transfers of nonzero amounts still work in this token.
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, token.address, PRICE, world.principal)
    assert token.balanceOf(world.principal) == PRICE


# ---------------------------------------------------------------- pause


def test_pause__blocks_every_entry_and_no_exit(
    world, fund, job_in, offer, create_listing, escrow, listings, attacker
):
    requested = [job_in(REQUESTED) for _ in range(4)]
    accepted = [job_in(ACCEPTED) for _ in range(2)]
    delivered = [job_in(DELIVERED) for _ in range(3)]
    fund(amount=2 * BOND)
    fund(agent_id=world.provider_id, amount=BOND)
    lid = create_listing()
    info = listings.hire_info(lid)
    with boa.env.prank(world.client_op):
        escrow.complete(delivered[0])  # fees to claim later
    with boa.env.prank(world.guardian):
        world.governor.pause()
        listings.pause()
    assert escrow.paused()

    # Entries. A deposit is not one (a bond may need it): it goes through.
    free = escrow.balance_of(world.client_id, world.token.address)
    fund(amount=3)
    assert escrow.balance_of(world.client_id, world.token.address) == free + 3
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        escrow.hire(lid, world.client_id, info.token, info.price, info.version)
    o, v, r, s = offer()
    with boa.env.prank(world.client_op), boa.reverts("escrow: paused"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    with boa.env.prank(world.provider_op), boa.reverts("pausable: contract is paused"):
        listings.create_listing(world.provider_id, TAG, world.token.address, PRICE, 60, TERMS, "u")

    # Exits, each one.
    with boa.env.prank(world.provider_op):
        escrow.accept(requested[0])
        escrow.decline(requested[1])
        escrow.deliver(accepted[0], RESULT, "u")
        world.offers.cancel_offer_nonce(world.provider_id, 99)
        listings.update_listing(lid, world.token.address, PRICE, 60, TERMS, "u")
        listings.pause_listing(lid)
        listings.resume_listing(lid)
        listings.close_listing(lid)
    with boa.env.prank(world.client_op):
        escrow.cancel(requested[2])
        escrow.complete(delivered[1])
        world.resolver.open(accepted[0])
    with boa.env.prank(world.provider_op):
        world.resolver.answer(accepted[0])
    world.resolver.settle(accepted[0], PRICE // 2, BOND, BOND, OUT_SPLIT)
    boa.env.time_travel(seconds=30 * 86_400)
    with boa.env.prank(world.client_op):
        escrow.reclaim(requested[3])
        escrow.reclaim(accepted[1])
    escrow.finalize(delivered[2])
    with boa.env.prank(world.principal):
        escrow.withdraw(world.client_id, world.token.address, PRICE, world.principal)
    with boa.env.prank(world.fee_recipient):
        escrow.claim_fees(world.token.address, world.fee_recipient)
    statuses = [escrow.job(j).status for j in requested + accepted + delivered]
    assert (
        statuses == [ACCEPTED, REFUNDED, REFUNDED, REFUNDED, RESOLVED, REFUNDED] + [COMPLETED] * 3
    )
    with boa.env.prank(attacker), boa.reverts("governor: not guardian"):
        world.governor.unpause()
    with boa.env.prank(world.guardian):
        world.governor.unpause()
    fund()
