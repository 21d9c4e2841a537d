"""The rating gate (`consume_rating`): who may rate which settled job, once
per side, weighted by what the provider received."""

from __future__ import annotations

import boa
import pytest

from .helpers import ACCEPTED, BOND_BPS, DELIVERED, FEE_BPS, PRICE, REQUESTED, RESULT

BOND = PRICE * BOND_BPS // 10_000


def _rate(world, job_id, sender):
    with boa.env.prank(sender):
        return world.reputation.rate(job_id)


def _completed(world, job_in, **kw):
    job_id = job_in(DELIVERED, **kw)
    with boa.env.prank(world.client_op):
        world.escrow.complete(job_id)
    return job_id


@pytest.mark.parametrize("status", [REQUESTED, ACCEPTED, DELIVERED, "refunded", "disputed"])
def test_rate__unsettled_job__reverts(world, job_in, fund, status):
    job_id = job_in(
        status if isinstance(status, int) else (REQUESTED if status == "refunded" else DELIVERED)
    )
    if status == "refunded":
        with boa.env.prank(world.client_op):
            world.escrow.cancel(job_id)
    if status == "disputed":
        fund(amount=BOND)
        with boa.env.prank(world.client_op):
            world.resolver.open(job_id)
    with boa.reverts("escrow: job not settled"):
        _rate(world, job_id, world.client_op)


def test_rate__unknown_job__reverts(world):
    with boa.reverts("escrow: job not settled"):
        _rate(world, 12345, world.client_op)


def test_rate__each_side_once_by_principal_or_operator(world, job_in, attacker):
    job_id = _completed(world, job_in)
    ticket = _rate(world, job_id, world.principal)
    paid = PRICE - PRICE * FEE_BPS // 10_000
    assert tuple(ticket) == (world.client_id, world.provider_id, paid)  # weight 1.0
    with boa.reverts("escrow: already rated"):
        _rate(world, job_id, world.client_op)
    ticket = _rate(world, job_id, world.provider_op)
    assert (ticket.rater_id, ticket.rated_id) == (world.provider_id, world.client_id)
    with boa.reverts("escrow: already rated"):
        _rate(world, job_id, world.other_principal)
    with boa.reverts("escrow: not a party"):
        _rate(world, job_id, attacker)
    assert world.escrow.job(job_id).flags == 0b110


def test_rate__frozen_operator_cannot_principal_can(world, job_in):
    job_id = _completed(world, job_in)
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.reverts("escrow: agent frozen"):
        _rate(world, job_id, world.provider_op)
    _rate(world, job_id, world.other_principal)


def test_rate__weight_from_token(world, job_in, fund, create_listing, hire):
    # usdc (6 decimals) carries weight 1e24: 1 unit counts as 1e6 wei-units.
    fund(amount=10 * 10**6, token=world.usdc)
    lid = create_listing(price=10**6 + 3, token=world.usdc)
    job_id = hire(lid, sender=world.principal)
    with boa.env.prank(world.provider_op):
        world.escrow.accept(job_id)
        world.escrow.deliver(job_id, RESULT, "u")
    with boa.env.prank(world.principal):
        world.escrow.complete(job_id)
    paid = 10**6 + 3 - (10**6 + 3) * FEE_BPS // 10_000
    assert world.escrow.job(job_id).price == paid
    assert _rate(world, job_id, world.client_op).weighted_value == paid * 10**24 // 10**18


def test_rate__same_principal_and_nothing_paid__revert(world, job_in, attacker):
    same = _completed(world, job_in, provider_id=world.sibling_id)
    with boa.reverts("escrow: no reputation"):
        _rate(world, same, world.principal)
    # Delivered for nothing: no fee paid, so no reputation either.
    job_id = job_in(ACCEPTED)
    with boa.env.prank(world.provider_op):
        world.escrow.deliver(job_id, RESULT, "u", 0)
    with boa.env.prank(world.client_op):
        world.escrow.complete(job_id)
    with boa.reverts("escrow: no reputation"):
        _rate(world, job_id, world.client_op)
    with boa.env.prank(attacker), boa.reverts("escrow: not reputation"):
        world.escrow.consume_rating(job_id, attacker)
