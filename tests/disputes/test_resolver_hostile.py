"""DisputeResolver against a hostile or broken arbitrator, and re-entrancy.

Decision under test (contract notes, "Hostile or broken arbitrator"): if the
arbitrator refuses the case at `answer` (reverts, re-enters, burns its gas
budget, returns garbage), the answer still stands with both bonds posted and no
case; the neutral default is open to anyone at once. A client never wins by
default because the court failed, and no arbitrator can hold the money: every
exit still works. Re-entry into the resolver from a court or from the escrow's
settlement fails on the lock.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import (
    ARBITRATION_WINDOW,
    BOND,
    NEUTRAL,
    ST_AT_ARBITRATOR,
    ST_NEUTRAL,
    ST_RULED,
    expect_shared,
)
from .helpers import CLIENT_WINS, PROVIDER_WINS, calldata, delta, events

NORMAL, REVERT_CREATE, REENTER, SWALLOW, REVERT_COST, BURN_GAS, FIXED_ID = 0, 1, 2, 3, 4, 5, 7


def hook_calls_rule(host: Any, court: Any, resolver: Any, case: int, ruling: int) -> None:
    """Arm the escrow's settlement hook: while it settles, `court` calls
    `rule(case, ruling)` on the resolver."""
    host.set_hook(
        court.address,
        calldata(
            "call_rule(address,uint256,uint256)",
            ["address", "uint256", "uint256"],
            [resolver.address, case, ruling],
        ),
    )


def assert_no_case_then_neutral_at_once(
    resolver: Any, host: Any, job: int, before: dict[str, int], ledger: Any, anyone: str
) -> None:
    d = resolver.dispute_of(job)
    assert d.status == ST_AT_ARBITRATOR and d.answered and not d.case_opened
    assert d.arbitration_deadline == boa.env.timestamp
    assert delta(before, ledger())["bonds"] == 2 * BOND  # both bonds posted
    with boa.env.prank(anyone):
        resolver.apply_default(job)  # no waiting for a court that has no case
    assert delta(before, ledger()) == NEUTRAL
    assert resolver.dispute_of(job).status == ST_NEUTRAL


def test_hostile__create_reverts__answer_stands_without_case(
    resolver: Any,
    host: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    attacker: str,
) -> None:
    hostile_court.set_mode(REVERT_CREATE, b"", 0)
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    open_case(job)
    (answered,) = events(resolver, "DisputeAnswered")
    assert not answered.case_opened
    assert events(resolver, "Dispute") == []
    assert len(events(resolver, "Evidence")) == 1  # the provider's evidence is public anyway
    with boa.reverts("resolver: already answered"):
        resolver.claim_default_win(job)  # the client does not win by the court's failure
    assert_no_case_then_neutral_at_once(resolver, host, job, before, ledger, attacker)


def test_hostile__create_reverts__sides_can_still_settle(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    hostile_court.set_mode(REVERT_CREATE, b"", 0)
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    open_case(job)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(job, 800_000)
    with boa.env.prank(client_principal):
        resolver.accept_settlement(job, 800_000)
    assert delta(before, ledger()) == expect_shared(800_000)


def test_hostile__cost_view_reverts__no_advance_and_no_case(
    resolver: Any,
    host: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    client_principal: str,
    provider_principal: str,
    attacker: str,
) -> None:
    hostile_court.set_mode(REVERT_COST, b"", 0)
    hostile_court.set_cost(10**16)
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=10**16)
        resolver.dispute(job, "")  # the client cannot be kept from disputing
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=10**16)
        resolver.answer(job, "")
    assert boa.env.get_balance(resolver.address) == 0
    assert_no_case_then_neutral_at_once(resolver, host, job, before, ledger, attacker)


def test_hostile__reenters_rule_from_create__case_refused(
    resolver: Any,
    host: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    attacker: str,
) -> None:
    # an earlier case at the same court, which the re-entrant call targets
    earlier = make_job(arbitrator=hostile_court)
    open_case(earlier)
    target = resolver.dispute_of(earlier).arbitrator_dispute_id
    data = calldata("rule(uint256,uint256)", ["uint256", "uint256"], [target, CLIENT_WINS])
    hostile_court.set_mode(REENTER, data, 0)
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    open_case(job)
    assert not hostile_court.reentry_ok()  # the lock refused it, so createDispute failed
    assert resolver.dispute_of(earlier).status == ST_AT_ARBITRATOR
    assert_no_case_then_neutral_at_once(resolver, host, job, before, ledger, attacker)


@pytest.mark.parametrize(
    "reentry",
    ["rule", "apply_default", "claim_default_win", "accept_settlement", "withdraw_native"],
)
def test_hostile__reentry_swallowed__lock_holds_and_case_opens(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_principal: str,
    reentry: str,
) -> None:
    earlier = make_job(arbitrator=hostile_court)
    open_case(earlier)
    target = resolver.dispute_of(earlier).arbitrator_dispute_id
    data = {
        "rule": calldata("rule(uint256,uint256)", ["uint256", "uint256"], [target, PROVIDER_WINS]),
        "apply_default": calldata("apply_default(uint256)", ["uint256"], [earlier]),
        "claim_default_win": calldata("claim_default_win(uint256)", ["uint256"], [earlier]),
        "accept_settlement": calldata(
            "accept_settlement(uint256,uint256)", ["uint256", "uint256"], [earlier, 0]
        ),
        "withdraw_native": calldata("withdraw_native()", [], []),
    }[reentry]
    hostile_court.set_mode(SWALLOW, data, 0)
    job = make_job(arbitrator=hostile_court)
    open_case(job)
    assert hostile_court.reentry_tried() and not hostile_court.reentry_ok()
    assert resolver.dispute_of(job).case_opened
    assert resolver.dispute_of(earlier).status == ST_AT_ARBITRATOR
    # outside the lock the court rules normally
    with boa.env.prank(deployer):
        hostile_court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, CLIENT_WINS)
    assert resolver.dispute_of(job).status == ST_RULED


def test_hostile__burns_its_gas_budget__answer_stands_without_case(
    resolver: Any,
    host: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    provider_principal: str,
    attacker: str,
) -> None:
    hostile_court.set_mode(BURN_GAS, b"", 0)
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    open_case(job, answer=False)
    with boa.env.prank(provider_principal):
        resolver.answer(job, "", gas=2_000_000)  # the court gets 1.5M and burns it
    assert_no_case_then_neutral_at_once(resolver, host, job, before, ledger, attacker)


def test_hostile__never_rules__neutral_default_after_deadline(
    resolver: Any, hostile_court: Any, make_job: Any, ledger: Any, open_case: Any, attacker: str
) -> None:
    job = make_job(arbitrator=hostile_court)
    before = ledger()
    open_case(job)
    assert resolver.dispute_of(job).case_opened
    boa.env.time_travel(seconds=ARBITRATION_WINDOW - 1)
    with boa.env.prank(attacker), boa.reverts("resolver: arbitration deadline not passed"):
        resolver.apply_default(job)
    boa.env.time_travel(seconds=1)
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    assert delta(before, ledger()) == NEUTRAL


def test_hostile__reused_dispute_id__only_its_own_cases_affected(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    deployer: str,
    attacker: str,
) -> None:
    # a court that hands out the same id twice: the id now names the later job;
    # the earlier one can no longer be ruled and exits by the neutral default
    hostile_court.set_mode(FIXED_ID, b"", 42)
    first = make_job(arbitrator=hostile_court)
    second = make_job(arbitrator=hostile_court)
    open_case(first)
    open_case(second)
    assert resolver.job_of_dispute(hostile_court.address, 42) == second
    with boa.env.prank(deployer):
        hostile_court.call_rule(resolver.address, 42, PROVIDER_WINS)
    assert resolver.dispute_of(second).status == ST_RULED
    assert resolver.dispute_of(first).status == ST_AT_ARBITRATOR
    with boa.env.prank(deployer), boa.reverts("resolver: dispute closed"):
        hostile_court.call_rule(resolver.address, 42, CLIENT_WINS)
    boa.env.time_travel(seconds=ARBITRATION_WINDOW)
    with boa.env.prank(attacker):
        resolver.apply_default(first)
    assert resolver.dispute_of(first).status == ST_NEUTRAL


def test_eoa_arbitrator__no_price_no_case__neutral_at_once(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    attacker: str,
    keyed: Any,
) -> None:
    eoa = str(keyed("not_a_court").address)
    job = make_job(arbitrator=eoa)
    before = ledger()
    open_case(job)
    assert_no_case_then_neutral_at_once(resolver, host, job, before, ledger, attacker)


# ----------------------------------------------- re-entry from the escrow


def test_settlement_hook__reentering_rule_for_another_case__fails_on_the_lock(
    resolver: Any,
    host: Any,
    hostile_court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    deployer: str,
) -> None:
    settled = make_job(arbitrator=hostile_court)
    other = make_job(arbitrator=hostile_court)
    open_case(settled)
    open_case(other)
    other_case = resolver.dispute_of(other).arbitrator_dispute_id
    # while the escrow settles `settled`, the court (called by the escrow's
    # hook) tries to rule `other`, whose own checks would all pass
    hook_calls_rule(host, hostile_court, resolver, other_case, PROVIDER_WINS)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(settled, 1)
    with boa.env.prank(client_principal):
        resolver.accept_settlement(settled, 1)
    assert host.hook_called() and not host.hook_ok()
    assert resolver.dispute_of(other).status == ST_AT_ARBITRATOR
    host.set_hook("0x0000000000000000000000000000000000000000", b"")
    with boa.env.prank(deployer):
        hostile_court.give_ruling(other_case, PROVIDER_WINS)
    assert resolver.dispute_of(other).status == ST_RULED


def test_settlement_hook__reentering_the_same_dispute__fails(
    resolver: Any, host: Any, hostile_court: Any, make_job: Any, open_case: Any, deployer: str
) -> None:
    job = make_job(arbitrator=hostile_court)
    open_case(job)
    case = resolver.dispute_of(job).arbitrator_dispute_id
    hook_calls_rule(host, hostile_court, resolver, case, PROVIDER_WINS)
    with boa.env.prank(deployer):
        hostile_court.give_ruling(case, CLIENT_WINS)
    assert host.hook_called() and not host.hook_ok()
    assert host.settle_count() == 1
    assert host.settlement_of(job).outcome == 4
