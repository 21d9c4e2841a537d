"""IDisputeHost through a mock resolver: every revert, the client's and the
provider's bonds, and exact balances for every payout shape (I4), dust
included."""

from __future__ import annotations

import boa
import pytest

from .helpers import (
    ARBITRATION_WINDOW,
    ARBITRATOR,
    BOND_BPS,
    BOND_FLOOR,
    DELIVERED,
    DISPUTED,
    FEE_BPS,
    OUT_DISPUTE_CLIENT,
    OUT_DISPUTE_PROVIDER,
    OUT_SETTLED,
    OUT_SPLIT,
    PRICE,
    RESOLVED,
    RESPONSE_WINDOW,
    RESULT,
)

BOND = PRICE * BOND_BPS // 10_000


def _open(world, job_id, sender=None):
    with boa.env.prank(sender or world.client_op):
        return world.resolver.open(job_id)


def _answer(world, job_id, sender=None):
    with boa.env.prank(sender or world.provider_op):
        world.resolver.answer(job_id)


def _balances(world):
    e, t = world.escrow, world.token.address
    return (
        e.balance_of(world.client_id, t),
        e.balance_of(world.provider_id, t),
        e.fees_owed(world.fee_recipient, t),
        world.token.balanceOf(e.address),
    )


@pytest.fixture
def disputed(world, job_in, fund):
    """`disputed(answered=True, price=PRICE, final=None)` -> job id, Disputed."""

    def _make(answered: bool = True, price: int = PRICE, final: int | None = None) -> int:
        job_id = job_in(2, price=price)  # Accepted
        with boa.env.prank(world.provider_op):
            if final is None:
                world.escrow.deliver(job_id, RESULT, "u")
            else:
                world.escrow.deliver(job_id, RESULT, "u", final)
        amount = price if final is None else final
        bond = max(BOND_FLOOR, amount * BOND_BPS // 10_000)
        fund(amount=bond)
        _open(world, job_id)
        if answered:
            fund(agent_id=world.provider_id, amount=bond)
            _answer(world, job_id)
        return job_id

    return _make


# ---------------------------------------------------------------- open


def test_open__takes_client_bond_and_returns_terms(world, job_in, fund):
    job_id = job_in(DELIVERED)
    fund(amount=BOND)
    before = world.escrow.balance_of(world.client_id, world.token.address)
    terms = _open(world, job_id)
    assert (terms.client_id, terms.provider_id) == (world.client_id, world.provider_id)
    assert (terms.client_principal, terms.provider_principal) == (
        world.principal,
        world.other_principal,
    )
    assert (terms.token, terms.amount, terms.bond) == (world.token.address, PRICE, BOND)
    assert (terms.response_window, terms.arbitration_window) == (
        RESPONSE_WINDOW,
        ARBITRATION_WINDOW,
    )
    assert terms.arbitrator == ARBITRATOR
    assert world.escrow.job(job_id).status == DISPUTED
    assert world.escrow.bonds(job_id) == (BOND, 0)
    assert world.escrow.balance_of(world.client_id, world.token.address) == before - BOND


def test_open__bond_floor_applies_to_small_amounts(world, job_in, fund):
    job_id = job_in(2)
    with boa.env.prank(world.provider_op):
        world.escrow.deliver(job_id, RESULT, "u", 7)  # 7 units: 10 % rounds to 0
    fund(amount=BOND_FLOOR)
    assert _open(world, job_id).bond == BOND_FLOOR


def test_open__not_resolver__reverts(world, job_in, attacker):
    job_id = job_in(DELIVERED)
    with boa.env.prank(attacker), boa.reverts("escrow: not resolver"):
        world.escrow.open_dispute(job_id, world.client_op)


def test_open__not_delivered__reverts(world, job_in, fund):
    fund(amount=BOND)
    job_id = job_in(2)
    with boa.reverts("escrow: not delivered"):
        _open(world, job_id)


def test_open__review_deadline_minus_one_zero_plus_one(world, job_in, fund):
    for delta, ok in ((-1, True), (0, False), (1, False)):
        with boa.env.anchor():
            job_id = job_in(DELIVERED)
            fund(amount=BOND)
            boa.env.evm.patch.timestamp = world.escrow.job(job_id).deadline + delta
            if ok:
                _open(world, job_id)
            else:
                with boa.reverts("escrow: review deadline passed"):
                    _open(world, job_id)


def test_open__not_client__reverts(world, job_in, fund, attacker):
    job_id = job_in(DELIVERED)
    fund(amount=BOND)
    for who in (world.provider_op, world.other_principal, attacker):
        with boa.reverts("escrow: not client"):
            _open(world, job_id, sender=who)


def test_open__frozen_client_operator_cannot_principal_can(world, job_in, fund):
    job_id = job_in(DELIVERED)
    fund(amount=BOND)
    with boa.env.prank(world.principal):
        world.registry.freeze(world.client_id)
    with boa.reverts("escrow: agent frozen"):
        _open(world, job_id)
    _open(world, job_id, sender=world.principal)
    assert world.escrow.job(job_id).status == DISPUTED


def test_open__bond_not_covered__reverts(world, job_in):
    job_id = job_in(DELIVERED)
    with boa.reverts("escrow: insufficient balance"):
        _open(world, job_id)


def test_dispute_steps__work_while_paused(world, job_in, fund):
    job_id = job_in(DELIVERED)
    fund(amount=BOND)
    fund(agent_id=world.provider_id, amount=BOND)
    with boa.env.prank(world.guardian):
        world.governor.pause()
    _open(world, job_id)
    _answer(world, job_id)
    world.resolver.settle(job_id, PRICE, BOND, BOND, OUT_DISPUTE_PROVIDER)
    assert world.escrow.job(job_id).status == RESOLVED


# -------------------------------------------------------------- answer


def test_answer__takes_same_bond(world, disputed):
    job_id = disputed(answered=False)
    before = world.escrow.balance_of(world.provider_id, world.token.address)
    world.token.mint(world.other_principal, BOND)
    with boa.env.prank(world.other_principal):
        world.token.approve(world.escrow.address, BOND)
        world.escrow.deposit(world.provider_id, world.token.address, BOND)
    _answer(world, job_id)
    assert world.escrow.bonds(job_id) == (BOND, BOND)
    assert world.escrow.balance_of(world.provider_id, world.token.address) == before


def test_answer__reverts(world, disputed, job_in, fund, attacker):
    with boa.reverts("escrow: not disputed"):
        _answer(world, job_in(DELIVERED))
    job_id = disputed(answered=False)
    with boa.env.prank(attacker), boa.reverts("escrow: not resolver"):
        world.escrow.take_answer_bond(job_id, world.provider_op)
    for who in (world.client_op, world.principal, attacker):
        with boa.reverts("escrow: not provider"):
            _answer(world, job_id, sender=who)
    with boa.reverts("escrow: insufficient balance"):
        _answer(world, job_id)
    fund(agent_id=world.provider_id, amount=2 * BOND)
    with boa.env.prank(world.other_principal):
        world.registry.freeze(world.provider_id)
    with boa.reverts("escrow: agent frozen"):
        _answer(world, job_id)
    _answer(world, job_id, sender=world.other_principal)  # the principal can
    with boa.reverts("escrow: already answered"):
        _answer(world, job_id, sender=world.other_principal)


# -------------------------------------------------------------- settle


def test_settle__reverts(world, disputed, job_in, attacker):
    job_id = disputed(answered=False)
    with boa.env.prank(attacker), boa.reverts("escrow: not resolver"):
        world.escrow.settle_dispute(job_id, 0, 0, 0, OUT_DISPUTE_CLIENT)
    with boa.reverts("escrow: share above amount"):
        world.resolver.settle(job_id, PRICE + 1, 0, 0, OUT_DISPUTE_PROVIDER)
    with boa.reverts("escrow: bond back above bond"):
        world.resolver.settle(job_id, 0, BOND + 1, 0, OUT_DISPUTE_CLIENT)
    with boa.reverts("escrow: bond back above bond"):
        world.resolver.settle(job_id, 0, BOND, 1, OUT_DISPUTE_CLIENT)  # provider posted none
    for outcome in (0, 1, 3, 9):
        with boa.reverts("escrow: bad outcome"):
            world.resolver.settle(job_id, 0, BOND, 0, outcome)
    with boa.reverts("escrow: not disputed"):
        world.resolver.settle(job_in(DELIVERED), 0, 0, 0, OUT_DISPUTE_CLIENT)
    world.resolver.settle(job_id, 0, BOND, 0, OUT_DISPUTE_CLIENT)
    # Resolved is terminal.
    with boa.reverts("escrow: not disputed"):
        world.resolver.settle(job_id, 0, BOND, 0, OUT_DISPUTE_CLIENT)
    with boa.reverts("escrow: not delivered"):
        _open(world, job_id)
    with boa.env.prank(world.client_op), boa.reverts("escrow: not delivered"):
        world.escrow.complete(job_id)
    with boa.env.prank(world.client_op), boa.reverts("escrow: cannot reclaim"):
        world.escrow.reclaim(job_id)


# name, answered, amount, share, client_back, provider_back, outcome
SHAPES = [
    ("client wins, provider forfeits", True, PRICE, 0, BOND, 0, OUT_DISPUTE_CLIENT),
    ("provider wins, client forfeits", True, PRICE, PRICE, 0, BOND, OUT_DISPUTE_PROVIDER),
    ("default for client, no answer", False, PRICE, 0, BOND, 0, OUT_DISPUTE_CLIENT),
    ("settlement offer, bonds back", True, PRICE, PRICE // 3, BOND, BOND, OUT_SETTLED),
    ("neutral default: half each", True, PRICE, PRICE // 2, BOND, BOND, OUT_SPLIT),
    ("odd amount split, odd bonds", True, 10**18 + 7, 5 * 10**17 + 3, 1, 2, OUT_SPLIT),
    ("dust: tiny amount, fee rounds to 0", True, 39, 39, BOND_FLOOR, 0, OUT_DISPUTE_PROVIDER),
    ("everything forfeited", True, 12_345, 6_789, 0, 0, OUT_SPLIT),
]


@pytest.mark.parametrize(
    ("answered", "amount", "share", "client_back", "provider_back", "outcome"),
    [s[1:] for s in SHAPES],
    ids=[s[0] for s in SHAPES],
)
def test_settle__exact_payout(
    world, disputed, answered, amount, share, client_back, provider_back, outcome
):
    job_id = disputed(answered=answered, price=PRICE + 10**17, final=amount)
    client_bond, provider_bond = world.escrow.bonds(job_id)
    provider_back = min(provider_back, provider_bond)
    client_back = min(client_back, client_bond)
    c0, p0, f0, held0 = _balances(world)
    calls = world.reputation.calls()
    world.resolver.settle(job_id, share, client_back, provider_back, outcome)
    c1, p1, f1, held1 = _balances(world)
    fee = share * FEE_BPS // 10_000
    assert p1 - p0 == share - fee + provider_back
    assert c1 - c0 == amount - share + client_back
    assert f1 - f0 == fee + (client_bond - client_back) + (provider_bond - provider_back)
    # I4: everything the job held goes out, not a unit more or less.
    assert (c1 - c0) + (p1 - p0) + (f1 - f0) == amount + client_bond + provider_bond
    assert held1 == held0  # ledger moves only
    job = world.escrow.job(job_id)
    assert (job.status, job.price) == (RESOLVED, share - fee)
    if fee == 0 and share != 0:
        # No fee, no fact: a provider paid without a protocol fee (the dust
        # shape) gets no reputation, and no rating either.
        assert world.reputation.calls() == calls
        with boa.env.prank(world.client_op), boa.reverts("escrow: no reputation"):
            world.reputation.rate(job_id)
        return
    assert world.reputation.calls() == calls + 1
    assert world.reputation.last().outcome == outcome
    assert world.reputation.last().paid == share - fee


def test_settle__same_principal__no_reputation(world, job_in, fund):
    job_id = job_in(DELIVERED, provider_id=world.sibling_id)
    fund(amount=BOND)
    _open(world, job_id)
    calls = world.reputation.calls()
    world.resolver.settle(job_id, PRICE // 2, BOND, 0, OUT_SPLIT)
    assert world.reputation.calls() == calls


def test_resolved__rating_needs_a_paid_provider(world, disputed):
    paid = disputed()
    world.resolver.settle(paid, PRICE // 2, BOND, BOND, OUT_SPLIT)
    with boa.env.prank(world.client_op):
        ticket = world.reputation.rate(paid)
    assert (ticket.rater_id, ticket.rated_id) == (world.client_id, world.provider_id)
    share = PRICE // 2
    assert ticket.weighted_value == share - share * FEE_BPS // 10_000  # weight 1.0
    unpaid = disputed()
    world.resolver.settle(unpaid, 0, BOND, 0, OUT_DISPUTE_CLIENT)
    with boa.env.prank(world.client_op), boa.reverts("escrow: nothing paid"):
        world.reputation.rate(unpaid)
