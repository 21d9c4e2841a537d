"""DisputeResolver with a paid court (MockPaidCourt, 0.01 native coin a case).

Who advances what (contract notes, "Native coin"): the client advances the
court's fee with `dispute` and the resolver keeps it; the provider pays the
fee with `answer` and it goes to the court. At the end the client's advance
goes the way the amount goes (client wins: back to the client; provider wins:
to the provider's answerer; split or neutral: `provider_share(advance,
ruling)` to the provider, the rest to the client); a settlement or a refused
case returns it to the client. All native coin is pulled with
`withdraw_native`; the resolver's balance always equals what it owes. Here the
client opens; the provider's contests (the provider advances, the client pays the
court) are in test_resolver_contest.py.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import ARBITRATION_WINDOW, RESPONSE_WINDOW, native_model
from .helpers import CLIENT_WINS, PROVIDER_WINS, REFUSED, events, split

FEE = 10**16
ODD_FEE = 10**16 + 1


def owed(resolver: Any, *accounts: str) -> list[int]:
    return [int(resolver.native_owed(a)) for a in accounts]


def assert_solvent(resolver: Any, *accounts: str) -> None:
    assert boa.env.get_balance(resolver.address) == sum(owed(resolver, *accounts))


def test_paid__dispute_and_answer_pay_the_court_fee(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job(arbitrator=court)
    client_before = boa.env.get_balance(client_principal)
    provider_before = boa.env.get_balance(provider_principal)
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=FEE - 1)
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=FEE + 1)
        resolver.dispute(job, "", value=FEE)
    (opened,) = events(resolver, "DisputeOpened")
    assert opened.advance == FEE
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=0)
        resolver.answer(job, "", value=FEE)
    (answered,) = events(resolver, "DisputeAnswered")
    assert (answered.case_opened, answered.fee) == (True, FEE)
    d = resolver.dispute_of(job)
    assert (d.opener_advance, d.opener_payer) == (FEE, client_principal)
    assert (d.answerer_fee, d.answerer_payer) == (FEE, provider_principal)
    assert not d.opened_by_provider
    assert boa.env.get_balance(client_principal) == client_before - FEE
    assert boa.env.get_balance(provider_principal) == provider_before - FEE
    assert boa.env.get_balance(resolver.address) == FEE  # the client's advance
    assert boa.env.get_balance(court.address) == FEE  # the provider's fee
    assert court.disputes(d.arbitrator_dispute_id).fee_paid == FEE


@pytest.mark.parametrize(
    "ruling", [CLIENT_WINS, PROVIDER_WINS, REFUSED, split(0), split(30), split(50), split(100)]
)
def test_paid__ruling_shares_the_client_advance(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
    ruling: int,
) -> None:
    with boa.env.prank(deployer):
        court.set_cost(ODD_FEE)
    job = make_job(arbitrator=court)
    open_case(job, client_value=ODD_FEE, provider_value=ODD_FEE)
    with boa.env.prank(deployer):
        court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, ruling)
    to_provider = native_model(ODD_FEE, ruling)
    assert owed(resolver, client_principal, provider_principal) == [
        ODD_FEE - to_provider,
        to_provider,
    ]
    assert_solvent(resolver, client_principal, provider_principal)
    # each withdraws what it is owed
    shares = ((client_principal, ODD_FEE - to_provider), (provider_principal, to_provider))
    for who, amount in shares:
        if amount == 0:
            continue
        before = boa.env.get_balance(who)
        with boa.env.prank(who):
            resolver.withdraw_native()
        (w,) = events(resolver, "NativeWithdrawn")
        assert (w.account, w.to, w.amount) == (who, who, amount)
        assert boa.env.get_balance(who) == before + amount
    assert boa.env.get_balance(resolver.address) == 0


def test_paid__silence__neutral_default_shares_the_advance(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    attacker: str,
) -> None:
    job = make_job(arbitrator=court)
    open_case(job, client_value=FEE, provider_value=FEE)
    boa.env.time_travel(seconds=ARBITRATION_WINDOW)
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    assert owed(resolver, client_principal, provider_principal, attacker) == [
        FEE - FEE // 2,
        FEE // 2,
        0,
    ]
    assert_solvent(resolver, client_principal, provider_principal)


def test_paid__default_win__advance_back_to_the_client(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
) -> None:
    job = make_job(arbitrator=court)
    open_case(job, answer=False, client_value=FEE)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    resolver.claim_default_win(job)
    (credited,) = events(resolver, "NativeCredited")
    assert (credited.job_id, credited.account, credited.amount) == (job, client_principal, FEE)
    assert owed(resolver, client_principal) == [FEE]
    assert_solvent(resolver, client_principal)


@pytest.mark.parametrize("answered", [False, True])
def test_paid__settlement__advance_back_to_the_client(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    answered: bool,
) -> None:
    job = make_job(arbitrator=court)
    open_case(job, answer=answered, client_value=FEE, provider_value=FEE)
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 5)
    with boa.env.prank(provider_principal):
        resolver.accept_settlement(job, 5)
    # the provider's fee, if it answered, was spent at the court
    assert owed(resolver, client_principal, provider_principal) == [FEE, 0]
    assert boa.env.get_balance(court.address) == (FEE if answered else 0)
    assert_solvent(resolver, client_principal, provider_principal)


def test_paid__fee_changes_between_dispute_and_answer(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job(arbitrator=court)
    open_case(job, answer=False, client_value=FEE)
    with boa.env.prank(deployer):
        court.set_cost(3 * FEE)
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=FEE)
        resolver.answer(job, "", value=3 * FEE)
    with boa.env.prank(deployer):
        court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, PROVIDER_WINS)
    # the winner gets the client's advance (as it stood when the client paid)
    assert owed(resolver, client_principal, provider_principal) == [0, FEE]


def test_paid__operator_pays__operator_is_repaid(
    resolver: Any,
    court: Any,
    make_job: Any,
    make_operator: Any,
    provider_id: int,
    client_principal: str,
    provider_principal: str,
    deployer: str,
) -> None:
    operator = make_operator(provider_id, "provider_operator")
    job = make_job(arbitrator=court)
    with boa.env.prank(client_principal):
        resolver.dispute(job, "", value=FEE)
    with boa.env.prank(operator):
        resolver.answer(job, "", value=FEE)
    with boa.env.prank(deployer):
        court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, PROVIDER_WINS)
    assert owed(resolver, operator, provider_principal, client_principal) == [FEE, 0, 0]


def test_paid__court_refuses_the_case__provider_fee_credited_back(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    attacker: str,
) -> None:
    hostile_court.set_cost(FEE)
    hostile_court.set_mode(1, b"", 0)  # REVERT_CREATE
    job = make_job(arbitrator=hostile_court)
    open_case(job, client_value=FEE, provider_value=FEE)
    assert not resolver.dispute_of(job).case_opened
    assert owed(resolver, provider_principal) == [FEE]  # its fee came back at once
    resolver.apply_default(job)
    # no court ever worked on it: the client's advance returns whole
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
    court: Any,
    host: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    keyed: Any,
) -> None:
    job = make_job(arbitrator=court)
    open_case(job, answer=False, client_value=FEE)
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
