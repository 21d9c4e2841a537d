"""DisputeResolver with a paid court (MockPaidCourt, 0.01 native coin a case).

Who advances what (contract notes, "Native coin"): the opener advances the
court's fee with `dispute` and the resolver keeps it; the answerer pays the fee
with `answer` and it goes to the court. The client opens a dispute over a
delivery (the provider answers); the provider opens a contest of its
evaluator's rejection (`make_job(rejected=True)`, `open_case(by_provider=True)`:
the client answers). At the end the advance goes the way the amount goes,
whoever opened (client wins: all to the client's side; provider wins: all to
the provider's; split or neutral: `provider_share(advance, ruling)` to the
provider, the rest to the client); a default win, a settlement or a refused
case returns it to the opener. All native coin is pulled with
`withdraw_native`; the resolver's balance always equals what it owes.

Tests parametrized by `by_provider` (`helpers.OPENERS`) run each case for both
openers with the same expected amounts; of the others,
`test_paid__provider_opens__ruling_exact_split_values` has the provider open,
the rest the client. Disputes and contests before the free panel are in
test_resolver_paths.py and test_resolver_contest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .conftest import ARBITRATION_WINDOW, RESPONSE_WINDOW, native_model
from .helpers import (
    CLIENT_WINS,
    OPENERS,
    PROVIDER_WINS,
    REFUSED,
    assert_solvent,
    events,
    owed,
    sides,
    split,
)

FEE = 10**16
ODD_FEE = 10**16 + 1


@pytest.fixture(scope="module")
def paid_case(court: Any, make_job: Any, open_case: Any, deployer: str) -> Callable[..., int]:
    """`paid_case(by_provider, fee=FEE, answer=True)` -> job: the court now
    costs `fee`; the client (`by_provider`: the provider, contesting a
    rejection) opens, advancing `fee`, and unless `answer=False` the other side
    answers, paying `fee` to the court."""

    def _open(by_provider: bool, fee: int = FEE, answer: bool = True) -> int:
        with boa.env.prank(deployer):
            court.set_cost(fee)
        job = int(make_job(arbitrator=court, rejected=by_provider))
        open_case(job, answer=answer, client_value=fee, provider_value=fee, by_provider=by_provider)
        return job

    return _open


@OPENERS
def test_paid__opener_advances__answerer_pays_the_court(
    resolver: Any,
    court: Any,
    make_job: Any,
    client_principal: str,
    provider_principal: str,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    job = make_job(arbitrator=court, rejected=by_provider)
    opener_before = boa.env.get_balance(opener)
    answerer_before = boa.env.get_balance(answerer)
    with boa.env.prank(opener):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=FEE - 1)
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=FEE + 1)
        resolver.dispute(job, "", value=FEE)
    (opened,) = events(resolver, "DisputeOpened")
    assert (opened.opener, opened.advance, opened.by_provider) == (opener, FEE, by_provider)
    with boa.env.prank(answerer):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=0)
        resolver.answer(job, "", value=FEE)
    (answered,) = events(resolver, "DisputeAnswered")
    assert (answered.answerer, answered.case_opened, answered.fee) == (answerer, True, FEE)
    d = resolver.dispute_of(job)
    assert (d.opener_advance, d.opener_payer) == (FEE, opener)
    assert (d.answerer_fee, d.answerer_payer) == (FEE, answerer)
    assert d.opened_by_provider == by_provider
    assert boa.env.get_balance(opener) == opener_before - FEE
    assert boa.env.get_balance(answerer) == answerer_before - FEE
    assert boa.env.get_balance(resolver.address) == FEE  # the opener's advance
    assert boa.env.get_balance(court.address) == FEE  # the answerer's fee
    assert court.disputes(d.arbitrator_dispute_id).fee_paid == FEE


@OPENERS
@pytest.mark.parametrize(
    "ruling", [CLIENT_WINS, PROVIDER_WINS, REFUSED, split(0), split(30), split(50), split(100)]
)
def test_paid__ruling_shares_the_opener_advance(
    resolver: Any,
    court: Any,
    paid_case: Any,
    court_rules: Any,
    client_principal: str,
    provider_principal: str,
    ruling: int,
    by_provider: bool,
) -> None:
    job = paid_case(by_provider, ODD_FEE)
    court_rules(job, ruling)
    credited = {c.account: c.amount for c in events(court, "NativeCredited")}
    # whoever advanced it, the provider's side gets provider_share(advance,
    # ruling) and the client's side the rest: client wins -> all to the client
    to_provider = native_model(ODD_FEE, ruling)
    shares = {client_principal: ODD_FEE - to_provider, provider_principal: to_provider}
    assert owed(resolver, client_principal, provider_principal) == [
        ODD_FEE - to_provider,
        to_provider,
    ]
    assert credited == {k: v for k, v in shares.items() if v}  # no empty credit logged
    assert sum(credited.values()) == ODD_FEE  # exact to the wei
    assert_solvent(resolver, client_principal, provider_principal)
    # each withdraws what it is owed
    for who, amount in shares.items():
        if amount == 0:
            continue
        before = boa.env.get_balance(who)
        with boa.env.prank(who):
            resolver.withdraw_native()
        (w,) = events(resolver, "NativeWithdrawn")
        assert (w.account, w.to, w.amount) == (who, who, amount)
        assert boa.env.get_balance(who) == before + amount
    assert boa.env.get_balance(resolver.address) == 0


def test_paid__provider_opens__ruling_exact_split_values(
    resolver: Any,
    paid_case: Any,
    court_rules: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    # written out: 30 % of an odd advance to the provider (rounded down), the
    # client (the answerer) gets the rest, the odd wei included
    job = paid_case(True, ODD_FEE)
    court_rules(job, split(30))
    assert owed(resolver, client_principal, provider_principal) == [
        7_000_000_000_000_001,
        3_000_000_000_000_000,
    ]


@pytest.mark.parametrize(
    ("by_provider", "fee"),
    [(False, FEE), (True, ODD_FEE)],
    ids=["client_opens-even_fee", "provider_opens-odd_fee"],
)
def test_paid__silence__neutral_default_shares_the_advance(
    resolver: Any,
    paid_case: Any,
    client_principal: str,
    provider_principal: str,
    attacker: str,
    by_provider: bool,
    fee: int,
) -> None:
    job = paid_case(by_provider, fee)
    boa.env.time_travel(seconds=ARBITRATION_WINDOW)
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    # as the amount: the provider's half rounded down, an odd wei to the client
    assert owed(resolver, client_principal, provider_principal, attacker) == [
        fee - fee // 2,
        fee // 2,
        0,
    ]
    assert_solvent(resolver, client_principal, provider_principal)


@OPENERS
def test_paid__default_win__advance_back_to_the_opener(
    resolver: Any,
    paid_case: Any,
    client_principal: str,
    provider_principal: str,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    job = paid_case(by_provider, answer=False)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(answerer):  # the silent side may end it too: it still loses
        resolver.claim_default_win(job)
    (credited,) = events(resolver, "NativeCredited")
    assert (credited.job_id, credited.account, credited.amount) == (job, opener, FEE)
    assert owed(resolver, opener, answerer) == [FEE, 0]
    assert_solvent(resolver, client_principal, provider_principal)


@OPENERS
@pytest.mark.parametrize("answered", [False, True])
def test_paid__settlement__advance_back_to_the_opener(
    resolver: Any,
    court: Any,
    paid_case: Any,
    client_principal: str,
    provider_principal: str,
    answered: bool,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    job = paid_case(by_provider, answer=answered)
    with boa.env.prank(opener):
        resolver.propose_settlement(job, 5)
    with boa.env.prank(answerer):
        resolver.accept_settlement(job, 5)
    # the answerer's fee, if it answered, was spent at the court
    assert owed(resolver, opener, answerer) == [FEE, 0]
    assert boa.env.get_balance(court.address) == (FEE if answered else 0)
    assert_solvent(resolver, client_principal, provider_principal)


def test_paid__fee_changes_between_dispute_and_answer(
    resolver: Any,
    court: Any,
    paid_case: Any,
    court_rules: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = paid_case(False, answer=False)
    with boa.env.prank(deployer):
        court.set_cost(3 * FEE)
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=FEE)
        resolver.answer(job, "", value=3 * FEE)
    court_rules(job, PROVIDER_WINS)
    # the winner gets the client's advance (as it stood when the client paid)
    assert owed(resolver, client_principal, provider_principal) == [0, FEE]


@OPENERS
def test_paid__answerer_operator_pays__operator_is_repaid(
    resolver: Any,
    court: Any,
    make_job: Any,
    make_operator: Any,
    court_rules: Any,
    client_id: int,
    provider_id: int,
    client_principal: str,
    provider_principal: str,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    if by_provider:
        operator, answerer_wins = make_operator(client_id, "client_operator"), CLIENT_WINS
    else:
        operator, answerer_wins = make_operator(provider_id, "provider_operator"), PROVIDER_WINS
    job = make_job(arbitrator=court, rejected=by_provider)
    with boa.env.prank(opener):
        resolver.dispute(job, "", value=FEE)
    with boa.env.prank(operator):
        resolver.answer(job, "", value=FEE)
    assert resolver.dispute_of(job).answerer_payer == operator
    court_rules(job, answerer_wins)
    # the answering side won: the opener's advance repays whoever paid its fee
    assert owed(resolver, operator, answerer, opener) == [FEE, 0, 0]


@OPENERS
def test_paid__court_refuses_the_case__answerer_fee_credited_back(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    by_provider: bool,
) -> None:
    _, answerer = sides(by_provider, client_principal, provider_principal)
    hostile_court.set_cost(FEE)
    hostile_court.set_mode(1, b"", 0)  # REVERT_CREATE
    job = make_job(arbitrator=hostile_court, rejected=by_provider)
    open_case(job, client_value=FEE, provider_value=FEE, by_provider=by_provider)
    d = resolver.dispute_of(job)
    assert d.answered and not d.case_opened
    assert owed(resolver, answerer) == [FEE]  # its fee came back at once
    resolver.apply_default(job)
    # no court ever worked on it: the opener's advance returns whole
    assert owed(resolver, client_principal, provider_principal) == [FEE, FEE]
    assert_solvent(resolver, client_principal, provider_principal)
    assert boa.env.get_balance(hostile_court.address) == 0


def test_paid__court_returns_no_data__fee_spent_no_case(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str, provider_principal: str
) -> None:
    # raw bytecode: arbitrationCost(bytes) returns 100; anything else
    # (createDispute) succeeds, keeps the coin and returns nothing
    runtime = bytes.fromhex(
        "600035"
        "60e01c"
        "63f7434ea9"
        "14"
        "6010"
        "57"
        "00"  # selector == arbitrationCost?
        "5b"
        "6064"
        "6000"
        "52"
        "6020"
        "6000"
        "f3"  # return uint256(100)
    )
    court = "0x000000000000000000000000000000000000C0DE"
    boa.env.set_code(court, runtime)
    job = make_job(arbitrator=court)
    open_case(job, client_value=100, provider_value=100)
    d = resolver.dispute_of(job)
    assert d.answered and not d.case_opened
    assert owed(resolver, provider_principal) == [0]  # the call succeeded: the coin is gone
    assert boa.env.get_balance(court) == 100
    resolver.apply_default(job)
    assert owed(resolver, client_principal, provider_principal) == [100, 0]


def test_withdraw_native__to_another_address_and_refusals(
    resolver: Any,
    host: Any,
    paid_case: Any,
    client_principal: str,
    keyed: Any,
) -> None:
    job = paid_case(False, answer=False)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    resolver.claim_default_win(job)
    receiver = str(keyed("cold_wallet").address)
    before = boa.env.get_balance(receiver)
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: empty receiver"):
            resolver.withdraw_native("0x0000000000000000000000000000000000000000")
        with boa.reverts("resolver: native transfer failed"):
            resolver.withdraw_native(host.address)  # a contract that refuses coin
        assert owed(resolver, client_principal) == [FEE]  # nothing lost by the failure
        resolver.withdraw_native(receiver)
        with boa.reverts("resolver: nothing owed"):
            resolver.withdraw_native()
    assert boa.env.get_balance(receiver) == before + FEE


def test_paid__fee_above_96_bits__refused_at_dispute_and_answer(
    resolver: Any,
    court: Any,
    make_job: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
) -> None:
    """An advance is stored in 96 bits beside its payer: a court costing
    2**96 wei or more would corrupt the payer, so the resolver refuses it at
    both steps (and accepts 2**96 - 1). Nothing moves on a refusal."""
    top = 2**96 - 1
    for who in (client_principal, provider_principal):
        boa.env.set_balance(who, 4 * 2**96)
    job = int(make_job(arbitrator=court))
    with boa.env.prank(deployer):
        court.set_cost(top + 1)
    with boa.env.prank(client_principal), boa.reverts("resolver: fee too large"):
        resolver.dispute(job, "", value=top + 1)
    with boa.env.prank(deployer):
        court.set_cost(top)
    with boa.env.prank(client_principal):
        resolver.dispute(job, "", value=top)
    d = resolver.dispute_of(job)
    assert (d.opener_advance, d.opener_payer) == (top, client_principal)
    with boa.env.prank(deployer):
        court.set_cost(top + 1)
    with boa.env.prank(provider_principal), boa.reverts("resolver: fee too large"):
        resolver.answer(job, "", value=top + 1)
    assert boa.env.get_balance(resolver.address) == top
    with boa.env.prank(deployer):
        court.set_cost(top)
    with boa.env.prank(provider_principal):
        resolver.answer(job, "", value=top)
    d = resolver.dispute_of(job)
    assert (d.answerer_fee, d.answerer_payer) == (top, provider_principal)
