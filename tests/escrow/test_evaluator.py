"""Job evaluators: a job names one (from its listing or its signed offer),
which approves or rejects the delivery before the review deadline for a fee
taken from the price.

- Offers: `OfferBook._offer_digest` hashes all ten `Offer` fields (it once
  left out `evaluator` and `evaluator_fee_bps`, so a client could swap the
  evaluator of a signed offer); the first five tests pin that.
- Naming at creation: fee cap, the evaluator is neither side's principal
  nor operator (listings and offers).
- Verdicts: approve (completes as `complete`, outcome VALIDATED), reject
  (Rejected until the response deadline), then contested through the
  resolver, reclaimed, or paid by the client; silence (finalize / complete);
  every revert; deadlines at -1/0/+1 s; the evaluator's fee exact to the
  unit (Hypothesis); the ValidationRegistry's record of each verdict; pause.
- A contract as evaluator (a validator committee, MockCommitteeEvaluator):
  its verdicts, its fee claimed to a treasury, and its silence.
"""

from __future__ import annotations

import itertools
from typing import Any

import boa
import pytest
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_typed_data
from hypothesis import example, given
from hypothesis import strategies as st

from agentmarket.contracts import offers

from .conftest import load
from .helpers import (
    ACCEPTED,
    BOND_BPS,
    BOND_FLOOR,
    COMPLETED,
    DELIVERED,
    DISPUTED,
    FEE_BPS,
    OUT_COMPLETED,
    OUT_DISPUTE_CLIENT,
    OUT_DISPUTE_PROVIDER,
    OUT_REJECTED,
    PRICE,
    REFUNDED,
    REJECTED,
    REQUESTED,
    RESOLVED,
    RESPONSE_WINDOW,
    RESULT,
    REVIEW_WINDOW,
    ZERO,
    now,
    offer_fields,
    set_wallet,
)

_fields = offer_fields


def _hired(world, offer, **fields: Any) -> int:
    """The client's operator hires with the provider's signed offer of `fields`."""
    o, v, r, s = offer(**fields)
    with boa.env.prank(world.client_op):
        return int(world.offers.hire_with_offer(o, world.client_id, v, r, s))


def _eip712_digest(world, **overrides) -> bytes:
    typed = offers.offer_typed_data(
        offers.Offer(**_fields(world, **overrides)),
        boa.env.evm.patch.chain_id,
        str(world.offers.address),
    )
    return bytes(_hash_eip191_message(encode_typed_data(full_message=typed)))


def test_offer_digest__is_the_eip712_hash_of_all_ten_fields(world, escrow, attacker):
    """The OfferBook's digest equals the standard EIP-712 hash of the Offer
    type it names (OFFER_TYPEHASH lists evaluator and evaluator_fee_bps)."""
    fields = _fields(world, evaluator=attacker, evaluator_fee_bps=250)
    o = offers.Offer(**fields).as_tuple()
    assert bytes(world.offers.offer_digest(o)) == _eip712_digest(
        world, evaluator=attacker, evaluator_fee_bps=250
    )


def test_offer_digest__binds_evaluator_and_fee(world, escrow, attacker, guardian):
    base = offers.Offer(**_fields(world, evaluator=attacker, evaluator_fee_bps=250))
    other_evaluator = offers.Offer(**_fields(world, evaluator=guardian, evaluator_fee_bps=250))
    other_fee = offers.Offer(**_fields(world, evaluator=attacker, evaluator_fee_bps=1_000))
    digest = bytes(world.offers.offer_digest(base.as_tuple()))
    assert digest != bytes(world.offers.offer_digest(other_evaluator.as_tuple()))
    assert digest != bytes(world.offers.offer_digest(other_fee.as_tuple()))


def test_offer_with_evaluator__signed_with_client_library__hires(
    world, fund, offer, escrow, attacker
):
    fund()
    job_id = _hired(world, offer, evaluator=attacker, evaluator_fee_bps=250)
    assert escrow.evaluator_of(job_id) == (attacker, 250)


def test_offer_without_evaluator__signed_with_client_library__hires(world, fund, offer, escrow):
    fund()
    job_id = _hired(world, offer)
    assert escrow.evaluator_of(job_id)[0] == "0x" + "00" * 20


def test_offer__evaluator_swapped_after_signing__bad_signature(
    world, fund, escrow, attacker, guardian
):
    """The provider signs the OfferBook's own digest (`offer_digest`) of an offer
    naming `guardian` at 1 %; the client submits it naming its accomplice
    (`attacker`) at the 10 % cap. The hire must revert."""
    fund()
    signed = offers.Offer(**_fields(world, evaluator=guardian, evaluator_fee_bps=100))
    sig = Account.unsafe_sign_hash(
        bytes(world.offers.offer_digest(signed.as_tuple())), world.provider_key.key
    )
    swapped = offers.Offer(**_fields(world, evaluator=attacker, evaluator_fee_bps=1_000))
    with boa.env.prank(world.client_op), boa.reverts("escrow: bad signature"):
        world.offers.hire_with_offer(swapped.as_tuple(), world.client_id, sig.v, sig.r, sig.s)


OUT_VALIDATED = 9
EVAL_BPS = 500  # the evaluator's fee in the tests below: 5 %
REPORT = b"\x33" * 32
NO_HASH = b"\x00" * 32
FLAG_REJECTED, FLAG_APPROVED = 8, 16  # job word A's verdict flags


def _at(deadline: int, delta: int) -> None:
    boa.env.evm.patch.timestamp = deadline + delta


def _names(logs: list[Any]) -> list[str]:
    return [type(e).__name__ for e in logs]


def _one(logs: list[Any], name: str) -> Any:
    (found,) = [e for e in logs if type(e).__name__ == name]
    return found


def _split(price: int, fee_bps: int = EVAL_BPS) -> tuple[int, int, int, int]:
    """(evaluator fee, reduced amount, protocol fee, provider's pay)."""
    eval_fee = price * fee_bps // 10_000
    reduced = price - eval_fee
    protocol = reduced * FEE_BPS // 10_000
    return eval_fee, reduced, protocol, reduced - protocol


def _bond(amount: int) -> int:
    return max(BOND_FLOOR, amount * BOND_BPS // 10_000)


@pytest.fixture(scope="module")
def evaluator_key(keyed: Any) -> Any:
    return keyed("evaluator")


@pytest.fixture(scope="module")
def evaluator(evaluator_key: Any) -> str:
    return str(evaluator_key.address)


@pytest.fixture(scope="module")
def make_job(world, fund, offer, create_listing, hire, evaluator):
    """`make_job(status=DELIVERED, price=PRICE, fee_bps=EVAL_BPS, who=evaluator,
    via="offer"|"listing", final_price=None, hirer=client operator)`: a funded
    job naming `who` (ZERO: none), driven to `status` (REQUESTED needs
    via="listing": an offer's job starts Accepted)."""
    nonces = itertools.count(1_000)

    def _make(
        status: int = DELIVERED,
        price: int = PRICE,
        fee_bps: int = EVAL_BPS,
        who: str | None = None,
        via: str = "offer",
        final_price: int | None = None,
        hirer: str | None = None,
    ) -> int:
        escrow = world.escrow
        ev = evaluator if who is None else who
        by = hirer if hirer is not None else world.client_op
        fund(amount=price)
        if via == "offer":
            assert status >= ACCEPTED
            o, v, r, s = offer(
                price=price, evaluator=ev, evaluator_fee_bps=fee_bps, nonce=next(nonces)
            )
            with boa.env.prank(by):
                job_id = int(world.offers.hire_with_offer(o, world.client_id, v, r, s))
        else:
            lid = create_listing(price=price)
            if ev != ZERO:
                with boa.env.prank(world.provider_op):
                    world.listings.set_listing_evaluator(lid, ev, fee_bps)
            job_id = hire(lid, sender=by)
            if status >= ACCEPTED:
                with boa.env.prank(world.provider_op):
                    escrow.accept(job_id)
        if status >= DELIVERED:
            final = price if final_price is None else final_price
            with boa.env.prank(world.provider_op):
                escrow.deliver(job_id, RESULT, "ipfs://result", final)
        assert escrow.job(job_id).status == status
        return job_id

    return _make


@pytest.fixture(scope="module")
def ledger(world, evaluator):
    """`ledger()` -> (client free, provider free, fee recipient owed,
    evaluator owed) in the default token."""

    def _ledger() -> tuple[int, int, int, int]:
        escrow, tok = world.escrow, world.token.address
        return (
            escrow.balance_of(world.client_id, tok),
            escrow.balance_of(world.provider_id, tok),
            escrow.fees_owed(world.fee_recipient, tok),
            escrow.fees_owed(evaluator, tok),
        )

    return _ledger


def _verdict(world, evaluator: str, job_id: int, approved: bool, report: bytes = REPORT) -> list:
    with boa.env.prank(evaluator):
        if approved:
            world.escrow.approve(job_id, report)
        else:
            world.escrow.reject(job_id, report)
    return world.escrow.get_logs()


def _assert_recorded(world, job_id: int, evaluator: str, response: int, report: bytes) -> None:
    """The escrow keeps the verdict as given; a stranger publishes it in the
    validation registry, exactly so, once."""
    v = world.validation
    h = v.job_request_hash(job_id)
    assert world.escrow.verdict(job_id) == (evaluator, response == 100, report)
    assert not v.validation(h).job_verdict
    with boa.env.prank(boa.env.generate_address("publisher")):
        v.publish_verdict(job_id)
        with boa.reverts("validation: verdict published"):
            v.publish_verdict(job_id)
    assert v.getValidationStatus(h) == (evaluator, world.provider_id, response, report, "", now())
    full = v.validation(h)
    assert full.responded and full.job_verdict
    assert v.getSummary(world.provider_id, [evaluator], "") == (1, response)
    assert h in v.getAgentValidations(world.provider_id)
    assert v.getValidatorRequests(evaluator) == [h]


# ----------------------------------------------------------- naming at creation


@pytest.mark.parametrize("via", ["offer", "listing"])
def test_create__names_evaluator(world, make_job, escrow, evaluator, via):
    job_id = make_job(status=ACCEPTED, via=via)
    assert escrow.evaluator_of(job_id) == (evaluator, EVAL_BPS)
    assert escrow.job(job_id).price == PRICE  # nothing taken before a verdict


def test_hire_with_offer__logs_job_created_then_evaluator_named(
    world, fund, offer, escrow, evaluator
):
    fund()
    job_id = _hired(world, offer, evaluator=evaluator, evaluator_fee_bps=1_000)
    logs = world.offers.get_logs()  # the escrow logs them inside the OfferBook's call
    assert _names(logs) == ["JobCreated", "EvaluatorNamed"]
    named = logs[1]
    assert (named.job_id, named.evaluator, named.fee_bps) == (job_id, evaluator, 1_000)
    assert escrow.evaluator_of(job_id) == (evaluator, 1_000)


def test_offer__evaluator_fee_1001__reverts_1000_hires(world, fund, offer, escrow, evaluator):
    fund(amount=2 * PRICE)
    o, v, r, s = offer(evaluator=evaluator, evaluator_fee_bps=1_001)
    with boa.env.prank(world.client_op), boa.reverts("escrow: evaluator fee above cap"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    job_id = _hired(world, offer, evaluator=evaluator, evaluator_fee_bps=1_000, nonce=2)
    assert escrow.evaluator_of(job_id) == (evaluator, 1_000)


def test_offer__fee_without_evaluator__ignored(world, fund, offer, escrow):
    """An offer with no evaluator but a fee names nobody: the fee is never
    stored, nothing is logged, nobody can give a verdict. (The listings
    refuse this combination; the escrow lets it pass harmlessly.)"""
    fund()
    job_id = _hired(world, offer, evaluator=ZERO, evaluator_fee_bps=5_000)
    assert _names(world.offers.get_logs()) == ["JobCreated"]
    assert escrow.evaluator_of(job_id) == (ZERO, 0)


def _party(world, role: str) -> str:
    return {
        "client_principal": world.principal,
        "client_operator": world.client_op,
        "provider_principal": world.other_principal,
        "provider_operator": world.provider_op,
    }[role]


PARTIES = ["client_principal", "client_operator", "provider_principal", "provider_operator"]


@pytest.mark.parametrize("role", PARTIES)
def test_offer__evaluator_is_a_party__reverts(world, fund, offer, escrow, role):
    fund(amount=PRICE)
    o, v, r, s = offer(evaluator=_party(world, role), evaluator_fee_bps=EVAL_BPS)
    with boa.env.prank(world.client_op), boa.reverts("escrow: evaluator is a party"):
        world.offers.hire_with_offer(o, world.client_id, v, r, s)
    # Nothing was taken, the nonce is still free.
    assert escrow.balance_of(world.client_id, world.token.address) == PRICE
    assert not world.offers.nonce_used(world.provider_id, 1)


@pytest.mark.parametrize("role", ["client_principal", "client_operator"])
def test_listing__client_side_evaluator__caught_at_hire(
    world, fund, create_listing, hire, escrow, listings, role
):
    """The listing cannot know its clients: it accepts any outsider of the
    provider, and the hire refuses a client-side evaluator."""
    fund(amount=PRICE)
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        listings.set_listing_evaluator(lid, _party(world, role), EVAL_BPS)
    with boa.reverts("escrow: evaluator is a party"):
        hire(lid)
    with boa.reverts("escrow: evaluator is a party"):
        hire(lid, sender=world.principal)
    assert escrow.balance_of(world.client_id, world.token.address) == PRICE


@pytest.mark.parametrize("role", ["provider_principal", "provider_operator"])
def test_listing__provider_side_evaluator__refused_by_listing(
    world, create_listing, listings, role
):
    lid = create_listing()
    with boa.env.prank(world.provider_op), boa.reverts("listings: evaluator is a party"):
        listings.set_listing_evaluator(lid, _party(world, role), EVAL_BPS)


@pytest.mark.parametrize("becomes", ["provider_operator", "provider_principal"])
def test_listing__evaluator_becomes_provider_side_before_hire__hire_reverts(
    world, fund, create_listing, hire, listings, evaluator, evaluator_key, becomes
):
    """The listing checked its evaluator when it was set; the escrow checks
    again at hire, after the provider made it its operator (or its owner)."""
    fund()
    lid = create_listing()
    with boa.env.prank(world.provider_op):
        listings.set_listing_evaluator(lid, evaluator, EVAL_BPS)
    if becomes == "provider_operator":
        set_wallet(world.registry, world.provider_id, world.other_principal, evaluator_key)
    else:
        with boa.env.prank(world.other_principal):
            world.registry.transferFrom(world.other_principal, evaluator, world.provider_id)
    assert listings.hire_info(lid).evaluator == evaluator
    with boa.reverts("escrow: evaluator is a party"):
        hire(lid)


# --------------------------------------------------------------------- approve


def test_approve__completes_pays_exact_and_records(world, make_job, escrow, ledger, evaluator):
    job_id = make_job()
    review_deadline = escrow.job(job_id).deadline
    before = ledger()
    logs = _verdict(world, evaluator, job_id, True)
    eval_fee, _, protocol, pay = _split(PRICE)
    assert (eval_fee, protocol, pay) == (5 * 10**16, 2_375 * 10**13, 92_625 * 10**13)

    assert _names(logs) == ["JobEvaluated", "JobCompleted", "Recorded"]
    ev = logs[0]
    assert (ev.job_id, ev.evaluator, ev.approved, ev.fee, ev.report_hash) == (
        job_id,
        evaluator,
        True,
        eval_fee,
        REPORT,
    )
    assert ev.response_deadline == 0
    done = logs[1]
    assert (done.job_id, done.provider_amount, done.finalized) == (job_id, pay, False)

    after = ledger()
    assert after[0] == before[0]
    assert after[1] - before[1] == pay
    assert after[2] - before[2] == protocol
    assert after[3] - before[3] == eval_fee
    assert pay + protocol + eval_fee == PRICE

    job = escrow.job(job_id)
    # word B keeps the report hash from the verdict on (the result's is in
    # JobDelivered); the approval flag marks it
    assert (job.status, job.price, job.hash) == (COMPLETED, pay, REPORT)
    assert job.flags == FLAG_APPROVED
    assert job.deadline == review_deadline
    last = world.reputation.last()
    assert (last.job_id, last.client_id, last.provider_id) == (
        job_id,
        world.client_id,
        world.provider_id,
    )
    assert (last.outcome, last.paid, last.weighted_value) == (OUT_VALIDATED, pay, pay)
    assert world.reputation.calls() == 1
    _assert_recorded(world, job_id, evaluator, 100, REPORT)


def test_approve__empty_report_hash__recorded_empty(world, make_job, evaluator):
    job_id = make_job()
    _verdict(world, evaluator, job_id, True, NO_HASH)
    _assert_recorded(world, job_id, evaluator, 100, NO_HASH)


def test_approve__from_listing_job(world, make_job, escrow, ledger, evaluator):
    job_id = make_job(via="listing")
    before = ledger()
    _verdict(world, evaluator, job_id, True)
    eval_fee, _, protocol, pay = _split(PRICE)
    after = ledger()
    assert (after[1] - before[1], after[2] - before[2], after[3] - before[3]) == (
        pay,
        protocol,
        eval_fee,
    )
    assert escrow.job(job_id).status == COMPLETED


def test_approve__partial_final_price__fee_on_final_price(
    world, make_job, escrow, ledger, evaluator
):
    price, final = 10**18 + 7, 333_333_333_333_333_337
    before = ledger()
    job_id = make_job(price=price, final_price=final)
    # The rest returned to the client at delivery.
    assert ledger()[0] - before[0] == price - final
    logs = _verdict(world, evaluator, job_id, True)
    eval_fee, _, protocol, pay = _split(final)
    assert eval_fee == final * EVAL_BPS // 10_000 != price * EVAL_BPS // 10_000
    assert logs[0].fee == eval_fee
    after = ledger()
    assert after[0] - before[0] == price - final
    assert (after[1] - before[1], after[2] - before[2], after[3] - before[3]) == (
        pay,
        protocol,
        eval_fee,
    )
    assert pay + protocol + eval_fee == final


def test_approve__zero_fee_evaluator__nothing_owed(world, make_job, escrow, ledger, evaluator):
    job_id = make_job(fee_bps=0)
    assert escrow.evaluator_of(job_id) == (evaluator, 0)
    before = ledger()
    logs = _verdict(world, evaluator, job_id, True)
    assert logs[0].fee == 0
    protocol = PRICE * FEE_BPS // 10_000
    after = ledger()
    assert (after[1] - before[1], after[2] - before[2], after[3]) == (PRICE - protocol, protocol, 0)
    assert escrow.job(job_id).status == COMPLETED
    with boa.env.prank(evaluator), boa.reverts("escrow: nothing owed"):
        escrow.claim_fees(world.token.address, evaluator)
    _assert_recorded(world, job_id, evaluator, 100, REPORT)


def test_evaluator__claims_fee__receives_tokens(world, make_job, escrow, evaluator, attacker):
    token = world.token
    first, second = make_job(), make_job()
    _verdict(world, evaluator, first, True)
    _verdict(world, evaluator, second, False)
    owed = 2 * (PRICE * EVAL_BPS // 10_000)
    assert escrow.fees_owed(evaluator, token.address) == owed
    held = token.balanceOf(escrow.address)
    with boa.env.prank(attacker), boa.reverts("escrow: nothing owed"):
        escrow.claim_fees(token.address, attacker)
    with boa.env.prank(evaluator), boa.reverts("escrow: empty receiver"):
        escrow.claim_fees(token.address, ZERO)
    with boa.env.prank(evaluator):
        escrow.claim_fees(token.address, evaluator)
    claimed = _one(escrow.get_logs(), "FeesClaimed")
    assert (claimed.recipient, claimed.token, claimed.to, claimed.amount) == (
        evaluator,
        token.address,
        evaluator,
        owed,
    )
    assert token.balanceOf(evaluator) == owed
    assert token.balanceOf(escrow.address) == held - owed
    assert escrow.fees_owed(evaluator, token.address) == 0
    with boa.env.prank(evaluator), boa.reverts("escrow: nothing owed"):
        escrow.claim_fees(token.address, evaluator)


# ---------------------------------------------------------------------- reject


def test_reject__rejected_until_response_deadline(world, make_job, escrow, ledger, evaluator):
    job_id = make_job()
    before = ledger()
    logs = _verdict(world, evaluator, job_id, False)
    eval_fee, reduced, _, _ = _split(PRICE)
    deadline = now() + RESPONSE_WINDOW
    assert _names(logs) == ["JobEvaluated"]
    ev = logs[0]
    assert (ev.job_id, ev.evaluator, ev.approved, ev.fee, ev.report_hash) == (
        job_id,
        evaluator,
        False,
        eval_fee,
        REPORT,
    )
    assert ev.response_deadline == deadline
    job = escrow.job(job_id)
    assert (job.status, job.price, job.deadline, job.hash) == (REJECTED, reduced, deadline, REPORT)
    after = ledger()
    assert after[:3] == before[:3]  # nobody else paid yet
    assert after[3] - before[3] == eval_fee
    assert world.reputation.calls() == 0  # written when the job ends
    _assert_recorded(world, job_id, evaluator, 0, REPORT)
    # Neither finalize nor the review path applies to a Rejected job.
    _at(deadline, 10 * REVIEW_WINDOW)
    with boa.reverts("escrow: not delivered"):
        escrow.finalize(job_id)


def test_reject__not_contested__reclaim_deadline_minus_one_zero_plus_one(
    world, make_job, escrow, ledger, evaluator
):
    eval_fee, reduced, _, _ = _split(PRICE)
    for delta, ok in ((-1, False), (0, True), (1, True)):
        with boa.env.anchor():
            job_id = make_job()
            _verdict(world, evaluator, job_id, False)
            deadline = escrow.job(job_id).deadline
            assert deadline == now() + RESPONSE_WINDOW
            before = ledger()
            _at(deadline, delta)
            with boa.env.prank(world.client_op):
                if not ok:
                    with boa.reverts("escrow: deadline not passed"):
                        escrow.reclaim(job_id)
                    assert escrow.job(job_id).status == REJECTED
                    continue
                escrow.reclaim(job_id)
            logs = escrow.get_logs()
            assert _names(logs) == ["JobRefunded", "Recorded"]
            assert (logs[0].job_id, logs[0].amount, logs[0].reason) == (job_id, reduced, 4)
            after = ledger()
            assert after[0] - before[0] == reduced
            assert after[1:] == before[1:]
            assert after[3] == eval_fee
            job = escrow.job(job_id)
            assert (job.status, job.price) == (REFUNDED, reduced)
            last = world.reputation.last()
            assert (last.job_id, last.outcome, last.paid) == (job_id, OUT_REJECTED, 0)
            # Over: nobody can contest, pay or reclaim it again.
            with boa.reverts("escrow: not delivered"):
                world.resolver.open_as(job_id, world.provider_op)
            with boa.env.prank(world.client_op):
                with boa.reverts("escrow: not delivered"):
                    escrow.complete(job_id)
                with boa.reverts("escrow: cannot reclaim"):
                    escrow.reclaim(job_id)


def test_reject__reclaim__only_the_client(world, make_job, escrow, evaluator, attacker):
    job_id = make_job()
    _verdict(world, evaluator, job_id, False)
    _at(escrow.job(job_id).deadline, 0)
    for who in (world.provider_op, world.other_principal, evaluator, attacker):
        with boa.env.prank(who), boa.reverts("escrow: not client"):
            escrow.reclaim(job_id)
    with boa.env.prank(world.principal):
        escrow.reclaim(job_id)
    assert escrow.job(job_id).status == REFUNDED


def test_reject__contest_deadline_minus_one_zero_plus_one(world, make_job, fund, escrow, evaluator):
    _, reduced, _, _ = _split(PRICE)
    bond = _bond(reduced)
    for delta, ok in ((-1, True), (0, False), (1, False)):
        with boa.env.anchor():
            job_id = make_job()
            _verdict(world, evaluator, job_id, False)
            fund(agent_id=world.provider_id, amount=bond)
            _at(escrow.job(job_id).deadline, delta)
            if ok:
                world.resolver.open_as(job_id, world.provider_op)
                assert escrow.job(job_id).status == DISPUTED
                assert escrow.bonds(job_id) == (0, bond)
            else:
                with boa.reverts("escrow: response deadline passed"):
                    world.resolver.open_as(job_id, world.provider_op)
                assert escrow.job(job_id).status == REJECTED
                with boa.env.prank(world.client_op):
                    escrow.reclaim(job_id)


def _contest(world, fund, escrow, evaluator: str, job_id: int, amount: int, bond: int) -> None:
    """The provider contests (its bond), the client answers (its bond)."""
    fund(agent_id=world.provider_id, amount=bond)
    fund(amount=bond)
    world.resolver.open_as(job_id, world.provider_op)
    logs = world.resolver.get_logs()
    assert _names(logs) == ["DisputeOpened"] and logs[0].bond == bond
    last = world.resolver.last()
    assert last.opened_by_provider and (last.amount, last.bond) == (amount, bond)
    assert escrow.job(job_id).status == DISPUTED
    assert escrow.bonds(job_id) == (0, bond)
    assert escrow.balance_of(world.provider_id, world.token.address) == 0
    # The provider cannot answer its own contest; the client answers.
    with boa.reverts("escrow: not client"):
        world.resolver.answer_as(job_id, world.provider_op)
    world.resolver.answer_as(job_id, world.client_op)
    assert escrow.bonds(job_id) == (bond, bond)
    with boa.reverts("escrow: already answered"):
        world.resolver.answer_as(job_id, world.client_op)
    # A disputed job is out of the client's and the evaluator's hands.
    with boa.env.prank(world.client_op):
        with boa.reverts("escrow: not delivered"):
            escrow.complete(job_id)
        with boa.reverts("escrow: cannot reclaim"):
            escrow.reclaim(job_id)
    with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
        escrow.approve(job_id, REPORT)


@pytest.mark.parametrize("winner", ["provider", "client"])
def test_reject__contested__settled(world, make_job, fund, escrow, ledger, evaluator, winner):
    job_id = make_job()
    start = ledger()
    _verdict(world, evaluator, job_id, False)
    eval_fee, reduced, _, _ = _split(PRICE)
    # The bond is on the reduced amount: 10 % of 0.95 PRICE.
    bond = _bond(reduced)
    assert bond == 95 * 10**15
    _contest(world, fund, escrow, evaluator, job_id, reduced, bond)
    before = ledger()
    if winner == "provider":
        world.resolver.settle(job_id, reduced, 0, bond, OUT_DISPUTE_PROVIDER)
        protocol = reduced * FEE_BPS // 10_000
        expect = (0, reduced - protocol + bond, protocol + bond)
        outcome, paid = OUT_DISPUTE_PROVIDER, reduced - protocol
    else:
        world.resolver.settle(job_id, 0, bond, 0, OUT_DISPUTE_CLIENT)
        expect = (reduced + bond, 0, bond)
        # The ruling upheld the rejection: it stood, and counts as one.
        outcome, paid = OUT_REJECTED, 0
    after = ledger()
    assert tuple(a - b for a, b in zip(after[:3], before[:3], strict=True)) == expect
    assert after[3] - start[3] == eval_fee
    # Conservation: price + both bonds == everything paid out.
    assert sum(after) - sum(start) == PRICE + 2 * bond
    job = escrow.job(job_id)
    assert (job.status, job.price) == (RESOLVED, paid)
    last = world.reputation.last()
    assert (last.job_id, last.outcome, last.paid) == (job_id, outcome, paid)
    assert world.reputation.calls() == 1


def test_reject__client_cannot_open_dispute(world, make_job, fund, escrow, evaluator):
    job_id = make_job()
    _verdict(world, evaluator, job_id, False)
    fund(amount=PRICE)
    for who in (world.client_op, world.principal, evaluator):
        with boa.reverts("escrow: not provider"):
            world.resolver.open_as(job_id, who)
    assert escrow.job(job_id).status == REJECTED


def test_reject__provider_principal_contests(world, make_job, fund, escrow, evaluator):
    job_id = make_job()
    _verdict(world, evaluator, job_id, False)
    bond = _bond(_split(PRICE)[1])
    with boa.reverts("escrow: insufficient balance"):
        world.resolver.open_as(job_id, world.other_principal)
    fund(agent_id=world.provider_id, amount=bond)
    world.resolver.open_as(job_id, world.other_principal)
    assert escrow.bonds(job_id) == (0, bond)


@pytest.mark.parametrize("when", ["before_response_deadline", "after_response_deadline"])
def test_reject__client_completes_anyway(world, make_job, escrow, ledger, evaluator, when):
    job_id = make_job()
    _verdict(world, evaluator, job_id, False)
    deadline = escrow.job(job_id).deadline
    _at(deadline, -1 if when == "before_response_deadline" else 3 * REVIEW_WINDOW)
    before = ledger()
    with boa.env.prank(world.provider_op), boa.reverts("escrow: not client"):
        escrow.complete(job_id)
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    logs = escrow.get_logs()
    eval_fee, _, protocol, pay = _split(PRICE)
    assert _names(logs) == ["JobCompleted", "Recorded"]
    assert (logs[0].provider_amount, logs[0].finalized) == (pay, False)
    after = ledger()
    assert (after[0], after[1] - before[1], after[2] - before[2]) == (before[0], pay, protocol)
    assert after[3] == eval_fee
    job = escrow.job(job_id)
    assert (job.status, job.price) == (COMPLETED, pay)
    last = world.reputation.last()
    assert (last.outcome, last.paid) == (OUT_COMPLETED, pay)
    with boa.env.prank(world.client_op), boa.reverts("escrow: cannot reclaim"):
        escrow.reclaim(job_id)
    with boa.reverts("escrow: not delivered"):
        world.resolver.open_as(job_id, world.provider_op)


# ------------------------------------------------------------- silence, deadlines


def test_verdict_and_finalize__review_deadline_minus_one_zero_plus_one(
    world, make_job, escrow, ledger, evaluator
):
    for delta, verdict_ok in ((-1, True), (0, False), (1, False)):
        for approved in (True, False):
            with boa.env.anchor():
                job_id = make_job()
                review = escrow.job(job_id).deadline
                assert review == now() + REVIEW_WINDOW
                _at(review, delta)
                if verdict_ok:
                    with boa.reverts("escrow: review deadline not passed"):
                        escrow.finalize(job_id)
                    _verdict(world, evaluator, job_id, approved)
                    assert escrow.job(job_id).status == (COMPLETED if approved else REJECTED)
                    continue
                with boa.env.prank(evaluator), boa.reverts("escrow: review deadline passed"):
                    if approved:
                        escrow.approve(job_id, REPORT)
                    else:
                        escrow.reject(job_id, REPORT)
                # Silence: anyone finalizes, no evaluator fee.
                before = ledger()
                escrow.finalize(job_id)
                logs = escrow.get_logs()
                assert _names(logs) == ["JobCompleted", "Recorded"]
                protocol = PRICE * FEE_BPS // 10_000
                assert (logs[0].provider_amount, logs[0].finalized) == (PRICE - protocol, True)
                after = ledger()
                assert (after[1] - before[1], after[2] - before[2], after[3]) == (
                    PRICE - protocol,
                    protocol,
                    0,
                )
                assert world.reputation.last().outcome == OUT_COMPLETED
                assert escrow.job(job_id).status == COMPLETED
                h = world.validation.job_request_hash(job_id)
                assert world.validation.getValidationStatus(h)[0] == ZERO


def test_client_completes_over_silent_evaluator(world, make_job, escrow, ledger, evaluator):
    job_id = make_job()
    _at(escrow.job(job_id).deadline, -1)
    before = ledger()
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    protocol = PRICE * FEE_BPS // 10_000
    after = ledger()
    assert (after[1] - before[1], after[2] - before[2], after[3]) == (PRICE - protocol, protocol, 0)
    assert world.reputation.last().outcome == OUT_COMPLETED
    with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
        escrow.approve(job_id, REPORT)


def test_client_dispute_of_evaluated_job__still_works(world, make_job, fund, escrow, evaluator):
    """The client disputes the delivery itself (its bond on the whole
    price); the evaluator has nothing left to judge."""
    job_id = make_job()
    bond = _bond(PRICE)
    fund(amount=bond)
    fund(agent_id=world.provider_id, amount=bond)
    world.resolver.open_as(job_id, world.client_op)
    last = world.resolver.last()
    assert not last.opened_by_provider and (last.amount, last.bond) == (PRICE, bond)
    assert escrow.bonds(job_id) == (bond, 0)
    world.resolver.answer_as(job_id, world.provider_op)
    assert escrow.bonds(job_id) == (bond, bond)
    for approved in (True, False):
        with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
            if approved:
                escrow.approve(job_id, REPORT)
            else:
                escrow.reject(job_id, REPORT)
    world.resolver.settle(job_id, PRICE, 0, bond, OUT_DISPUTE_PROVIDER)
    assert escrow.job(job_id).status == RESOLVED
    assert escrow.fees_owed(evaluator, world.token.address) == 0


# ------------------------------------------------------------------- reverts


@pytest.mark.parametrize("approved", [True, False])
def test_verdict__not_evaluator__reverts(world, make_job, escrow, evaluator, attacker, approved):
    job_id = make_job()
    callers = [
        attacker,
        world.principal,
        world.client_op,
        world.other_principal,
        world.provider_op,
        world.fee_recipient,
    ]
    for who in callers:
        with boa.env.prank(who), boa.reverts("escrow: not evaluator"):
            if approved:
                escrow.approve(job_id, REPORT)
            else:
                escrow.reject(job_id, REPORT)
    assert escrow.job(job_id).status == DELIVERED
    _verdict(world, evaluator, job_id, approved)


@pytest.mark.parametrize("via", ["offer", "listing"])
def test_verdict__job_without_evaluator__nobody(world, make_job, escrow, evaluator, attacker, via):
    job_id = make_job(who=ZERO, via=via)
    assert escrow.evaluator_of(job_id) == (ZERO, 0)
    for who in (evaluator, attacker, world.client_op, world.provider_op):
        with boa.env.prank(who):
            with boa.reverts("escrow: not evaluator"):
                escrow.approve(job_id, REPORT)
            with boa.reverts("escrow: not evaluator"):
                escrow.reject(job_id, REPORT)
    assert escrow.job(job_id).status == DELIVERED


def test_verdict__another_jobs_evaluator__reverts(world, make_job, escrow, evaluator, attacker):
    mine = make_job()
    theirs = make_job(who=attacker)
    with boa.env.prank(evaluator), boa.reverts("escrow: not evaluator"):
        escrow.approve(theirs, REPORT)
    with boa.env.prank(attacker), boa.reverts("escrow: not evaluator"):
        escrow.reject(mine, REPORT)


@pytest.mark.parametrize("first", [True, False])
def test_verdict__twice__reverts(world, make_job, escrow, evaluator, first):
    job_id = make_job()
    _verdict(world, evaluator, job_id, first)
    owed = escrow.fees_owed(evaluator, world.token.address)
    for again in (True, False):
        with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
            if again:
                escrow.approve(job_id, REPORT)
            else:
                escrow.reject(job_id, REPORT)
    assert escrow.fees_owed(evaluator, world.token.address) == owed
    _assert_recorded(world, job_id, evaluator, 100 if first else 0, REPORT)


@pytest.mark.parametrize("status", ["requested", "accepted", "completed", "refunded"])
def test_verdict__job_not_delivered__reverts(world, make_job, escrow, evaluator, status):
    if status == "requested":
        job_id = make_job(status=REQUESTED, via="listing")
    elif status == "accepted":
        job_id = make_job(status=ACCEPTED)
    elif status == "completed":
        job_id = make_job()
        with boa.env.prank(world.client_op):
            escrow.complete(job_id)
    else:
        job_id = make_job(status=REQUESTED, via="listing")
        with boa.env.prank(world.client_op):
            escrow.cancel(job_id)
    expected = {"requested": REQUESTED, "accepted": ACCEPTED, "completed": COMPLETED}
    assert escrow.job(job_id).status == expected.get(status, REFUNDED)
    for approved in (True, False):
        with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
            if approved:
                escrow.approve(job_id, REPORT)
            else:
                escrow.reject(job_id, REPORT)
    assert escrow.fees_owed(evaluator, world.token.address) == 0


def test_verdict__refunded_after_missed_delivery__reverts(world, make_job, escrow, evaluator):
    job_id = make_job(status=ACCEPTED)
    _at(escrow.job(job_id).deadline, 0)
    with boa.env.prank(world.client_op):
        escrow.reclaim(job_id)
    with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
        escrow.approve(job_id, REPORT)


def test_verdict__unknown_job__reverts(world, escrow, evaluator):
    with boa.env.prank(evaluator), boa.reverts("escrow: not delivered"):
        escrow.approve(12345, REPORT)


@pytest.mark.parametrize("becomes", PARTIES)
@pytest.mark.parametrize("approved", [True, False])
def test_verdict__evaluator_became_a_party__reverts(
    world, make_job, escrow, evaluator, evaluator_key, becomes, approved
):
    job_id = make_job()
    registry = world.registry
    if becomes == "client_operator":
        set_wallet(registry, world.client_id, world.principal, evaluator_key)
    elif becomes == "provider_operator":
        set_wallet(registry, world.provider_id, world.other_principal, evaluator_key)
    elif becomes == "client_principal":
        with boa.env.prank(world.principal):
            registry.transferFrom(world.principal, evaluator, world.client_id)
    else:
        with boa.env.prank(world.other_principal):
            registry.transferFrom(world.other_principal, evaluator, world.provider_id)
    with boa.env.prank(evaluator), boa.reverts("escrow: evaluator is a party"):
        if approved:
            escrow.approve(job_id, REPORT)
        else:
            escrow.reject(job_id, REPORT)
    assert escrow.job(job_id).status == DELIVERED
    assert escrow.fees_owed(evaluator, world.token.address) == 0


def test_verdict__evaluator_no_longer_a_party__may_judge(
    world, make_job, escrow, evaluator, evaluator_key, provider_operator
):
    """The check is of the moment: an evaluator made operator and then
    replaced may judge again."""
    job_id = make_job()
    set_wallet(world.registry, world.provider_id, world.other_principal, evaluator_key)
    with boa.env.prank(evaluator), boa.reverts("escrow: evaluator is a party"):
        escrow.approve(job_id, REPORT)
    set_wallet(world.registry, world.provider_id, world.other_principal, provider_operator)
    _verdict(world, evaluator, job_id, True)
    assert escrow.job(job_id).status == COMPLETED


# ---------------------------------------------------------------------- pause


def test_pause__does_not_block_verdicts_or_their_exits(
    world, make_job, fund, escrow, ledger, evaluator
):
    approved, rejected, reclaimed, paid = (make_job() for _ in range(4))
    _verdict(world, evaluator, reclaimed, False)
    _verdict(world, evaluator, paid, False)
    with boa.env.prank(world.guardian):
        world.governor.pause()
    assert escrow.paused()
    _verdict(world, evaluator, approved, True)
    _verdict(world, evaluator, rejected, False)
    with boa.env.prank(world.client_op):
        escrow.complete(paid)
    # A deposit is not an entry: a contest's bond may need it.
    free = escrow.balance_of(world.provider_id, world.token.address)
    fund(agent_id=world.provider_id, amount=PRICE)
    assert escrow.balance_of(world.provider_id, world.token.address) == free + PRICE
    _at(escrow.job(reclaimed).deadline, 0)
    with boa.env.prank(world.client_op):
        escrow.reclaim(reclaimed)
    statuses = [escrow.job(j).status for j in (approved, rejected, reclaimed, paid)]
    assert statuses == [COMPLETED, REJECTED, REFUNDED, COMPLETED]
    assert escrow.fees_owed(evaluator, world.token.address) == 4 * _split(PRICE)[0]
    with boa.env.prank(evaluator):
        escrow.claim_fees(world.token.address, evaluator)
    assert world.token.balanceOf(evaluator) == 4 * _split(PRICE)[0]


def test_pause__provider_contests_rejection(world, make_job, fund, escrow, evaluator):
    job_id = make_job()
    bond = _bond(_split(PRICE)[1])
    fund(agent_id=world.provider_id, amount=bond)
    fund(amount=bond)
    with boa.env.prank(world.guardian):
        world.governor.pause()
    _verdict(world, evaluator, job_id, False)
    world.resolver.open_as(job_id, world.provider_op)
    world.resolver.answer_as(job_id, world.client_op)
    assert escrow.bonds(job_id) == (bond, bond)


# ------------------------------------------------------------ fee, exact to the unit


@given(
    price=st.integers(1, 2**128 - 1),
    fee_bps=st.integers(0, 1_000),
    path=st.sampled_from(["approve", "reject_complete", "reject_reclaim"]),
)
@example(price=2**128 - 1, fee_bps=1_000, path="approve")
@example(price=2**128 - 1, fee_bps=999, path="reject_complete")
@example(price=1, fee_bps=1_000, path="approve")
@example(price=9_999, fee_bps=1, path="reject_reclaim")
@example(price=10_000, fee_bps=1, path="approve")
def test_property__evaluator_fee_exact(
    world, make_job, escrow, ledger, evaluator, price, fee_bps, path
):
    """provider + protocol fee + evaluator fee == final price, each its
    formula; a reclaim returns exactly the price less the evaluator's fee."""
    with boa.env.anchor():
        job_id = make_job(price=price, fee_bps=fee_bps, hirer=world.principal)
        before = ledger()
        logs = _verdict(world, evaluator, job_id, path == "approve")
        eval_fee = price * fee_bps // 10_000
        reduced = price - eval_fee
        protocol = reduced * FEE_BPS // 10_000
        assert logs[0].fee == eval_fee
        if path == "reject_complete":
            with boa.env.prank(world.client_op):
                escrow.complete(job_id)
        elif path == "reject_reclaim":
            _at(escrow.job(job_id).deadline, 0)
            with boa.env.prank(world.client_op):
                escrow.reclaim(job_id)
        after = ledger()
        client, provider, fees, evaluated = (a - b for a, b in zip(after, before, strict=True))
        assert evaluated == eval_fee
        if path == "reject_reclaim":
            assert (client, provider, fees) == (reduced, 0, 0)
            assert client + evaluated == price
        else:
            assert (client, provider, fees) == (0, reduced - protocol, protocol)
            assert provider + fees + evaluated == price
            assert escrow.job(job_id).price == provider


# ------------------------------------------------- validation registry, edges


def test_verdict__kept_in_escrow_until_published(world, make_job, escrow, evaluator, attacker):
    """A verdict writes nothing in the validation registry: the escrow keeps
    it, and anyone may publish it later, once, as it was given (the
    publisher chooses only when)."""
    job_id = make_job()
    assert escrow.verdict(job_id) == (ZERO, False, NO_HASH)  # none yet: all empty
    with boa.env.prank(attacker), boa.reverts("validation: no verdict"):
        world.validation.publish_verdict(job_id)
    logs = _verdict(world, evaluator, job_id, False)
    assert _names(logs) == ["JobEvaluated"]
    assert escrow.job(job_id).flags == FLAG_REJECTED
    assert escrow.job(job_id).hash == REPORT
    h = world.validation.job_request_hash(job_id)
    assert world.validation.getValidationStatus(h)[0] == ZERO
    assert world.validation.getSummary(world.provider_id, [evaluator], "") == (0, 0)
    boa.env.time_travel(seconds=3_600)
    with boa.env.prank(attacker):
        world.validation.publish_verdict(job_id)
    assert _names(world.validation.get_logs()) == ["ValidationRequest", "ValidationResponse"]
    assert world.validation.getValidationStatus(h) == (
        evaluator,
        world.provider_id,
        0,
        REPORT,
        "",
        now(),
    )
    # the verdict stays readable in the escrow whatever the job does next
    with boa.env.prank(world.client_op):
        escrow.complete(job_id)
    assert escrow.verdict(job_id) == (evaluator, False, REPORT)
    with boa.env.prank(evaluator), boa.reverts("validation: verdict published"):
        world.validation.publish_verdict(job_id)


def test_verdict__unknown_job__nothing_to_publish(world, attacker):
    assert world.escrow.verdict(2**200 + 7) == (ZERO, False, NO_HASH)
    with boa.env.prank(attacker), boa.reverts("validation: no verdict"):
        world.validation.publish_verdict(2**200 + 7)


def test_same_principal_job__verdict_recorded_no_reputation(
    world, fund, create_listing, hire, escrow, evaluator
):
    """A job between two agents of one principal (the sibling provider)
    writes no reputation, but its verdict is in the validation registry
    under the sibling's id."""
    fund(amount=PRICE)
    lid = create_listing(provider_id=world.sibling_id, sender=world.principal)
    with boa.env.prank(world.principal):
        world.listings.set_listing_evaluator(lid, evaluator, EVAL_BPS)
    job_id = hire(lid)
    with boa.env.prank(world.principal):
        escrow.accept(job_id)
        escrow.deliver(job_id, RESULT, "ipfs://result", PRICE)
    _verdict(world, evaluator, job_id, True)
    assert escrow.job(job_id).status == COMPLETED
    assert world.reputation.calls() == 0
    _, _, _, pay = _split(PRICE)
    assert escrow.balance_of(world.sibling_id, world.token.address) == pay
    world.validation.publish_verdict(job_id)
    h = world.validation.job_request_hash(job_id)
    assert world.validation.getValidationStatus(h)[:4] == (
        evaluator,
        world.sibling_id,
        100,
        REPORT,
    )


def test_squatted_request_hash__verdict_still_recorded(
    world, make_job, escrow, evaluator, attacker, register_agent
):
    """Anyone can compute a job's request hash and use it first for its own
    agent; the verdict is not blocked, and replaces that record."""
    job_id = make_job()
    v = world.validation
    h = v.job_request_hash(job_id)
    own = register_agent(attacker)
    with boa.env.prank(attacker):
        v.validationRequest(attacker, own, "ipfs://squat", h)
        v.validationResponse(h, 100, "", b"\x44" * 32, "")
    assert v.getSummary(own, [], "") == (1, 100)
    _verdict(world, evaluator, job_id, False)
    assert escrow.job(job_id).status == REJECTED
    assert v.getSummary(own, [], "") == (1, 100)  # nothing published yet
    v.publish_verdict(job_id)
    assert v.getValidationStatus(h) == (evaluator, world.provider_id, 0, REPORT, "", now())
    assert v.getSummary(own, [], "") == (0, 0)
    assert v.getSummary(world.provider_id, [evaluator], "") == (1, 0)
    # The squatter no longer validates it; the evaluator cannot change it.
    with boa.env.prank(attacker), boa.reverts("validation: not validator"):
        v.validationResponse(h, 100, "", b"\x44" * 32, "")
    with boa.env.prank(evaluator), boa.reverts("validation: job verdict is final"):
        v.validationResponse(h, 100, "", REPORT, "")


# ------------------------------------------------------- a contract evaluator


@pytest.fixture(scope="module")
def committee(world, keyed):
    """A contract evaluator (MockCommitteeEvaluator): three member keys, two
    votes either way give the verdict through the escrow."""
    members = [str(keyed(f"committee{i}").address) for i in range(3)]
    return load("MockCommitteeEvaluator", world.escrow.address, members), members


@pytest.mark.parametrize("approved", [True, False])
def test_contract_evaluator__committee_verdict__paid_and_recorded(
    world, make_job, escrow, committee, approved
):
    """A job may name a contract as its evaluator: the verdict arrives when the
    committee's second vote calls the escrow; the fee is owed to the contract
    and the validation registry names the contract as validator."""
    contract, members = committee
    judge = str(contract.address)
    job_id = make_job(who=judge)
    assert escrow.evaluator_of(job_id) == (judge, EVAL_BPS)
    with boa.env.prank(members[0]):
        contract.vote(job_id, approved)
    assert escrow.job(job_id).status == DELIVERED  # one vote is not a verdict
    with boa.env.prank(members[0]), boa.reverts("committee: voted"):
        contract.vote(job_id, approved)
    with boa.env.prank(members[2]):
        contract.vote(job_id, approved)
    eval_fee, _, _, _ = _split(PRICE)
    assert escrow.job(job_id).status == (COMPLETED if approved else REJECTED)
    assert escrow.fees_owed(judge, world.token.address) == eval_fee
    report = boa.eval(f"keccak256(abi_encode(convert({job_id}, uint256), {approved}))")
    _assert_recorded(world, job_id, judge, 100 if approved else 0, report)
    # a member acting alone, straight at the escrow, is not the evaluator
    with boa.env.prank(members[1]), boa.reverts("escrow: not evaluator"):
        escrow.approve(make_job(who=judge), report)


def test_contract_evaluator__claims_its_fee_to_a_treasury(
    world, make_job, escrow, committee, attacker, keyed
):
    contract, members = committee
    judge = str(contract.address)
    job_id = make_job(who=judge)
    for member in members[:2]:
        with boa.env.prank(member):
            contract.vote(job_id, True)
    owed = escrow.fees_owed(judge, world.token.address)
    treasury = str(keyed("committee treasury").address)
    with boa.env.prank(attacker), boa.reverts("committee: not a member"):
        contract.claim(world.token.address, attacker)
    with boa.env.prank(members[1]):
        contract.claim(world.token.address, treasury)
    assert owed == PRICE * EVAL_BPS // 10_000
    assert world.token.balanceOf(treasury) == owed
    assert escrow.fees_owed(judge, world.token.address) == 0


def test_contract_evaluator__silent_committee__silence_rule_pays_the_provider(
    world, make_job, escrow, committee, attacker
):
    """A committee that never reaches two votes is a silent evaluator: after the
    review deadline anyone finalizes and the provider is paid, no fee taken."""
    contract, members = committee
    judge = str(contract.address)
    job_id = make_job(who=judge)
    with boa.env.prank(members[0]):
        contract.vote(job_id, False)  # one rejection only
    _at(escrow.job(job_id).deadline, 0)
    with boa.env.prank(members[1]), boa.reverts("escrow: review deadline passed"):
        contract.vote(job_id, False)
    before = escrow.balance_of(world.provider_id, world.token.address)
    with boa.env.prank(attacker):
        escrow.finalize(job_id)
    protocol = PRICE * FEE_BPS // 10_000
    assert escrow.job(job_id).status == COMPLETED
    assert escrow.balance_of(world.provider_id, world.token.address) == before + PRICE - protocol
    assert escrow.fees_owed(judge, world.token.address) == 0
