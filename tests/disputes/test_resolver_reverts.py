"""DisputeResolver: every refusal, with its revert string, and nothing moved.

Disputes opened too late, twice, on a completed job, by the provider or by a
stranger are refused by the escrow (the mock host's "escrow: ..." strings,
which mirror JobEscrow's); the resolver's own checks revert "resolver: ...".
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import (
    AMOUNT,
    BOND,
    REVIEW_WINDOW,
    ST_AT_ARBITRATOR,
    ST_AWAITING,
    load,
)
from .helpers import CHOICES, CLIENT_WINS, MAX_UINT256, PROVIDER_WINS, split

# ------------------------------------------------ opening: the host refuses


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_dispute__review_deadline_edges(
    resolver: Any, make_job: Any, ledger: Any, client_principal: str, offset: int
) -> None:
    job = make_job()
    boa.env.time_travel(seconds=REVIEW_WINDOW + offset)
    before = ledger()
    with boa.env.prank(client_principal):
        if offset < 0:
            resolver.dispute(job, "")
            assert ledger()["client"] == before["client"] - BOND
        else:
            with boa.reverts("escrow: review deadline passed"):
                resolver.dispute(job, "")
            assert ledger() == before


def test_dispute__twice__reverts(
    resolver: Any, make_job: Any, ledger: Any, client_principal: str
) -> None:
    job = make_job(bond=1)
    with boa.env.prank(client_principal):
        resolver.dispute(job, "")
        before = ledger()
        with boa.reverts("escrow: not delivered"):
            resolver.dispute(job, "")
    assert ledger() == before


def test_dispute__completed_job__reverts(
    resolver: Any, host: Any, make_job: Any, ledger: Any, client_principal: str
) -> None:
    job = make_job()
    host.complete(job)
    before = ledger()
    with boa.env.prank(client_principal), boa.reverts("escrow: not delivered"):
        resolver.dispute(job, "")
    assert ledger() == before
    assert resolver.dispute_of(job).status == 0


def test_dispute__unknown_job__reverts(resolver: Any, client_principal: str) -> None:
    with boa.env.prank(client_principal), boa.reverts("escrow: not delivered"):
        resolver.dispute(999, "")


@pytest.mark.parametrize("who", ["provider_principal", "attacker"])
def test_dispute__by_provider_or_stranger__reverts(
    resolver: Any,
    make_job: Any,
    ledger: Any,
    provider_principal: str,
    attacker: str,
    who: str,
) -> None:
    job = make_job()
    before = ledger()
    caller = {"provider_principal": provider_principal, "attacker": attacker}[who]
    with boa.env.prank(caller), boa.reverts("escrow: not client"):
        resolver.dispute(job, "")
    assert ledger() == before


def test_dispute__client_cannot_pay_the_bond__reverts(
    resolver: Any, make_job: Any, client_principal: str
) -> None:
    job = make_job(fund=False)
    with boa.env.prank(client_principal), boa.reverts("escrow: insufficient balance"):
        resolver.dispute(job, "")


def test_dispute__operator_acts__frozen_operator_refused__principal_still_acts(
    resolver: Any,
    registry: Any,
    make_job: Any,
    make_operator: Any,
    client_id: int,
    client_principal: str,
    provider_principal: str,
) -> None:
    operator = make_operator(client_id, "client_operator")
    job = make_job()
    with boa.env.prank(operator):
        resolver.dispute(job, "")
    assert resolver.dispute_of(job).status == ST_AWAITING
    with boa.env.prank(operator):
        resolver.propose_settlement(job, 5)
    with boa.env.prank(client_principal):
        registry.freeze(client_id)
    other = make_job()
    with boa.env.prank(operator), boa.reverts("escrow: agent frozen"):
        resolver.dispute(other, "")
    with boa.env.prank(operator), boa.reverts("resolver: agent frozen"):
        resolver.propose_settlement(job, 6)
    with boa.env.prank(operator), boa.reverts("resolver: agent frozen"):
        resolver.submit_evidence(job, "")
    # a frozen agent's open jobs can still exit through its principal
    with boa.env.prank(client_principal):
        resolver.withdraw_proposal(job)
        resolver.propose_settlement(job, 6)
    with boa.env.prank(provider_principal):
        resolver.accept_settlement(job, 6)


def test_dispute__wrong_fee__reverts(resolver: Any, make_job: Any, client_principal: str) -> None:
    job = make_job()
    with boa.env.prank(client_principal), boa.reverts("resolver: wrong arbitration fee"):
        resolver.dispute(job, "", value=1)  # the panel costs 0


def test_dispute__window_too_long__reverts(
    resolver: Any, make_job: Any, client_principal: str
) -> None:
    for kw in ({"response_window": 2**36}, {"arbitration_window": 2**36}):
        job = make_job(**kw)
        with boa.env.prank(client_principal), boa.reverts("resolver: window too long"):
            resolver.dispute(job, "")


def test_dispute__amount_too_large__reverts(
    resolver: Any, make_job: Any, client_principal: str
) -> None:
    job = make_job(amount=2**128, bond=0)
    with boa.env.prank(client_principal), boa.reverts("resolver: amount too large"):
        resolver.dispute(job, "")


def test_host__only_the_resolver__reverts(host: Any, make_job: Any, attacker: str) -> None:
    job = make_job()
    with boa.env.prank(attacker):
        with boa.reverts("escrow: not resolver"):
            host.open_dispute(job, attacker)
        with boa.reverts("escrow: not resolver"):
            host.take_answer_bond(job, attacker)
        with boa.reverts("escrow: not resolver"):
            host.settle_dispute(job, 0, 0, 0, 4)


def test_constructor__empty_addresses__revert(host: Any, registry: Any) -> None:
    zero = "0x0000000000000000000000000000000000000000"
    with boa.reverts("resolver: empty escrow"):
        load("DisputeResolver", zero, registry.address)
    with boa.reverts("resolver: empty registry"):
        load("DisputeResolver", host.address, zero)


# ----------------------------------------------------------------- answer


@pytest.mark.parametrize("who", ["client_principal", "attacker"])
def test_answer__by_client_or_stranger__reverts(
    resolver: Any,
    make_job: Any,
    open_case: Any,
    ledger: Any,
    client_principal: str,
    attacker: str,
    who: str,
) -> None:
    job = make_job()
    open_case(job, answer=False)
    before = ledger()
    caller = {"client_principal": client_principal, "attacker": attacker}[who]
    with boa.env.prank(caller), boa.reverts("escrow: not provider"):
        resolver.answer(job, "")
    assert ledger() == before
    assert resolver.dispute_of(job).status == ST_AWAITING  # the whole answer reverted


def test_answer__provider_cannot_pay_the_bond__reverts(
    resolver: Any, make_job: Any, open_case: Any, ledger: Any, provider_principal: str
) -> None:
    job = make_job(fund_provider=False)
    open_case(job, answer=False)
    before = ledger()
    with boa.env.prank(provider_principal), boa.reverts("escrow: insufficient balance"):
        resolver.answer(job, "")
    assert ledger() == before
    assert resolver.dispute_of(job).status == ST_AWAITING


def test_answer__no_dispute_twice_or_closed__reverts(
    resolver: Any, make_job: Any, open_case: Any, provider_principal: str, client_principal: str
) -> None:
    job = make_job()
    with boa.env.prank(provider_principal), boa.reverts("resolver: no dispute"):
        resolver.answer(job, "")
    open_case(job)
    with boa.env.prank(provider_principal), boa.reverts("resolver: already answered"):
        resolver.answer(job, "")
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 0)
    with boa.env.prank(provider_principal):
        resolver.accept_settlement(job, 0)
        with boa.reverts("resolver: dispute closed"):
            resolver.answer(job, "")


def test_answer__wrong_fee__reverts(
    resolver: Any, make_job: Any, open_case: Any, provider_principal: str
) -> None:
    job = make_job()
    open_case(job, answer=False)
    with boa.env.prank(provider_principal), boa.reverts("resolver: wrong arbitration fee"):
        resolver.answer(job, "", value=1)


def test_answer__too_little_gas_for_the_arbitrator__reverts(
    resolver: Any, make_job: Any, open_case: Any, provider_principal: str
) -> None:
    # a provider cannot starve the court to force "no case" (and the default)
    job = make_job()
    open_case(job, answer=False)
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: not enough gas for the arbitrator"):
            resolver.answer(job, "", gas=1_400_000)
        resolver.answer(job, "", gas=1_700_000)
    assert resolver.dispute_of(job).case_opened


def test_dispute__too_little_gas_for_the_cost_view__reverts(
    resolver: Any, make_job: Any, client_principal: str
) -> None:
    job = make_job()
    with (
        boa.env.prank(client_principal),
        boa.reverts("resolver: not enough gas for the arbitrator"),
    ):
        resolver.dispute(job, "", gas=120_000)


# ----------------------------------------------------- default-win claims


def test_claim_default_win__refusals(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str
) -> None:
    job = make_job()
    with boa.reverts("resolver: no dispute"):
        resolver.claim_default_win(job)
    open_case(job, answer=False)
    with boa.reverts("resolver: response deadline not passed"):
        resolver.claim_default_win(job)
    answered = make_job()
    open_case(answered)
    boa.env.time_travel(seconds=30 * 86_400)
    with boa.reverts("resolver: already answered"):
        resolver.claim_default_win(answered)
    resolver.claim_default_win(job)
    with boa.reverts("resolver: dispute closed"):
        resolver.claim_default_win(job)


# ------------------------------------------------------------ settlements


def test_settlement__refusals(
    resolver: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    attacker: str,
) -> None:
    job = make_job()
    with boa.env.prank(client_principal), boa.reverts("resolver: no dispute"):
        resolver.propose_settlement(job, 1)
    open_case(job)
    with boa.env.prank(client_principal), boa.reverts("resolver: share above amount"):
        resolver.propose_settlement(job, AMOUNT + 1)
    with boa.env.prank(attacker):
        with boa.reverts("resolver: not a party"):
            resolver.propose_settlement(job, 1)
        with boa.reverts("resolver: not a party"):
            resolver.withdraw_proposal(job)
        with boa.reverts("resolver: not a party"):
            resolver.accept_settlement(job, 1)
        with boa.reverts("resolver: not a party"):
            resolver.submit_evidence(job, "")
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: no proposal"):
            resolver.withdraw_proposal(job)
        with boa.reverts("resolver: no proposal"):
            resolver.accept_settlement(job, 1)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(job, AMOUNT)  # the whole amount is allowed
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: proposal mismatch"):
            resolver.accept_settlement(job, AMOUNT - 1)
        resolver.accept_settlement(job, AMOUNT)
        for call in (
            lambda: resolver.propose_settlement(job, 1),
            lambda: resolver.withdraw_proposal(job),
            lambda: resolver.accept_settlement(job, AMOUNT),
            lambda: resolver.submit_evidence(job, ""),
        ):
            with boa.reverts("resolver: dispute closed"):
                call()


# ---------------------------------------------------------------- rulings


def test_rule__from_a_stranger__unknown_dispute(
    resolver: Any, make_job: Any, open_case: Any, attacker: str
) -> None:
    job = make_job()
    open_case(job)
    dispute_id = resolver.dispute_of(job).arbitrator_dispute_id
    with boa.env.prank(attacker), boa.reverts("resolver: unknown dispute"):
        resolver.rule(dispute_id, CLIENT_WINS)
    assert resolver.dispute_of(job).status == ST_AT_ARBITRATOR


def test_rule__unknown_closed_twice_out_of_range(
    resolver: Any, make_job: Any, open_case: Any, hostile_court: Any, deployer: str
) -> None:
    job = make_job(arbitrator=hostile_court)
    with boa.env.prank(deployer):
        with boa.reverts("resolver: unknown dispute"):
            hostile_court.call_rule(resolver.address, 0, CLIENT_WINS)  # nothing opened yet
        open_case(job)
        dispute_id = resolver.dispute_of(job).arbitrator_dispute_id
        with boa.reverts("resolver: unknown dispute"):
            hostile_court.call_rule(resolver.address, dispute_id + 1, CLIENT_WINS)
        for bad in (CHOICES + 1, 255, MAX_UINT256):
            with boa.reverts("resolver: ruling out of range"):
                hostile_court.call_rule(resolver.address, dispute_id, bad)
        hostile_court.call_rule(resolver.address, dispute_id, split(100))
        with boa.reverts("resolver: dispute closed"):
            hostile_court.call_rule(resolver.address, dispute_id, PROVIDER_WINS)


def test_rule__never_for_an_unanswered_dispute(
    resolver: Any, make_job: Any, open_case: Any, hostile_court: Any, deployer: str
) -> None:
    job = make_job(arbitrator=hostile_court)
    open_case(job, answer=False)
    with boa.env.prank(deployer), boa.reverts("resolver: unknown dispute"):
        hostile_court.call_rule(resolver.address, 0, CLIENT_WINS)


def test_apply_default__refusals(
    resolver: Any, make_job: Any, open_case: Any, panel_rules: Any
) -> None:
    job = make_job()
    with boa.reverts("resolver: no dispute"):
        resolver.apply_default(job)
    open_case(job, answer=False)
    boa.env.time_travel(seconds=60 * 86_400)
    with boa.reverts("resolver: not answered"):
        resolver.apply_default(job)  # the default win is the exit here
    ruled = make_job()
    open_case(ruled)
    panel_rules(ruled, CLIENT_WINS)
    boa.env.time_travel(seconds=60 * 86_400)
    with boa.reverts("resolver: dispute closed"):
        resolver.apply_default(ruled)


def test_withdraw_native__refusals(resolver: Any, attacker: str) -> None:
    with boa.env.prank(attacker), boa.reverts("resolver: nothing owed"):
        resolver.withdraw_native()
