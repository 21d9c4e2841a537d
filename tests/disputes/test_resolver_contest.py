"""DisputeResolver: disputes the provider opens, contesting its evaluator's rejection.

The job is Rejected in the mock host (`make_job(rejected=True)`): the escrow lets
only the provider open, takes the provider's bond first and reports
`opened_by_provider`; the client answers with its bond, and `take_answer_bond`
takes the client's. The opener wins by default if the client stays silent; a
settlement returns each bond posted; a ruling or the neutral default pays as the
ruling table says whoever opened. With a paid court the provider advances the fee
with `dispute`, the client pays the court with `answer`, and the advance goes the
way the amount goes: the provider's side gets `provider_share(advance, ruling)`.
Balances are compared with the ledger as it stood before the dispute opened.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import (
    AMOUNT,
    ARBITRATION_WINDOW,
    BOND,
    OUTCOME_CLIENT,
    OUTCOME_PROVIDER,
    OUTCOME_SETTLED,
    OUTCOME_SPLIT,
    RESPONSE_WINDOW,
    ST_AT_ARBITRATOR,
    ST_AWAITING,
    ST_DEFAULT_WIN,
    ST_NEUTRAL,
    ST_RULED,
    ST_SETTLED,
    TOKEN,
    model,
    native_model,
)
from .helpers import CLIENT_WINS, PROVIDER_WINS, REFUSED, events, split

FEE = 10**16
ODD_FEE = 10**16 + 1
STATUS_DISPUTED = 6


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in before}


def settlement(host: Any, job: int) -> tuple[int, int, int, int]:
    s = host.settlement_of(job)
    return (s.provider_share, s.client_bond_back, s.provider_bond_back, s.outcome)


def check_conserved(host: Any, job: int, amount: int, posted: int) -> None:
    """I4 on the job: what the amount and the bonds took in is what was paid out."""
    s = host.settlement_of(job)
    paid_out = (
        s.provider_net
        + s.fee
        + s.client_refund
        + s.client_bond_back
        + s.provider_bond_back
        + s.forfeited
    )
    assert paid_out == amount + posted
    assert s.provider_net + s.fee == s.provider_share
    assert s.provider_share + s.client_refund == amount


def owed(resolver: Any, *accounts: str) -> list[int]:
    return [int(resolver.native_owed(a)) for a in accounts]


def assert_solvent(resolver: Any, *accounts: str) -> None:
    assert boa.env.get_balance(resolver.address) == sum(owed(resolver, *accounts))


# ------------------------------------------------------------------ opening


def test_contest__provider_opens__takes_its_bond(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    panel: Any,
    provider_principal: str,
    client_id: int,
    provider_id: int,
) -> None:
    job = make_job(rejected=True)
    before = ledger()
    with boa.env.prank(provider_principal):
        resolver.dispute(job, "ipfs://contest")
    (opened,) = events(resolver, "DisputeOpened")
    (meta,) = events(resolver, "MetaEvidence")
    now = boa.env.timestamp
    assert (opened.job_id, opened.arbitrator, opened.opener) == (
        job,
        panel.address,
        provider_principal,
    )
    assert (opened.response_deadline, opened.advance, opened.by_provider) == (
        now + RESPONSE_WINDOW,
        0,
        True,
    )
    assert (meta.metaEvidenceID, meta.evidence) == (job, "ipfs://contest")
    assert delta(before, ledger()) == {
        "client": 0,
        "provider": -BOND,
        "fees": 0,
        "locked": 0,
        "bonds": BOND,
    }
    d = resolver.dispute_of(job)
    assert d.status == ST_AWAITING and d.opened_by_provider
    assert (d.client_id, d.provider_id, d.amount, d.bond) == (client_id, provider_id, AMOUNT, BOND)
    assert (d.response_deadline, d.arbitration_window) == (
        now + RESPONSE_WINDOW,
        ARBITRATION_WINDOW,
    )
    assert not d.answered and not d.case_opened
    assert (d.opener_advance, d.opener_payer, d.answerer_fee) == (0, boa.eval("empty(address)"), 0)
    j = host.jobs(job)
    assert (host.status_of(job), j.client_posted, j.provider_posted) == (STATUS_DISPUTED, 0, BOND)


def test_contest__client_opened_dispute_is_not_by_provider(
    resolver: Any, make_job: Any, client_principal: str
) -> None:
    job = make_job()
    with boa.env.prank(client_principal):
        resolver.dispute(job, "")
    (opened,) = events(resolver, "DisputeOpened")
    assert (opened.opener, opened.by_provider) == (client_principal, False)
    assert not resolver.dispute_of(job).opened_by_provider


@pytest.mark.parametrize("who", ["client_principal", "attacker"])
def test_contest__only_the_provider_opens_a_rejected_job(
    resolver: Any,
    make_job: Any,
    ledger: Any,
    client_principal: str,
    attacker: str,
    who: str,
) -> None:
    job = make_job(rejected=True)
    before = ledger()
    caller = {"client_principal": client_principal, "attacker": attacker}[who]
    with boa.env.prank(caller), boa.reverts("escrow: not provider"):
        resolver.dispute(job, "")
    assert ledger() == before
    assert resolver.dispute_of(job).status == 0


def test_contest__provider_cannot_open_a_delivered_job(
    resolver: Any, make_job: Any, provider_principal: str
) -> None:
    job = make_job()
    with boa.env.prank(provider_principal), boa.reverts("escrow: not client"):
        resolver.dispute(job, "")


@pytest.mark.parametrize("offset", [-1, 0])
def test_contest__after_the_escrow_response_deadline__refused(
    resolver: Any, make_job: Any, ledger: Any, provider_principal: str, offset: int
) -> None:
    job = make_job(rejected=True)
    boa.env.time_travel(seconds=RESPONSE_WINDOW + offset)
    before = ledger()
    with boa.env.prank(provider_principal):
        if offset < 0:
            resolver.dispute(job, "")
            assert ledger()["provider"] == before["provider"] - BOND
        else:
            with boa.reverts("escrow: response deadline passed"):
                resolver.dispute(job, "")
            assert ledger() == before


def test_contest__provider_operator_opens(
    resolver: Any, make_job: Any, make_operator: Any, provider_id: int
) -> None:
    operator = make_operator(provider_id, "provider_operator")
    job = make_job(rejected=True)
    with boa.env.prank(operator):
        resolver.dispute(job, "")
    (opened,) = events(resolver, "DisputeOpened")
    assert (opened.opener, opened.by_provider) == (operator, True)


# ------------------------------------------------------------------- answer


def test_contest__client_answers__takes_its_bond_and_opens_the_case(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    panel: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job(rejected=True)
    open_case(job, answer=False, by_provider=True)
    before = ledger()
    with boa.env.prank(provider_principal), boa.reverts("escrow: not client"):
        resolver.answer(job, "")  # the opener cannot answer its own contest
    with boa.env.prank(client_principal):
        resolver.answer(job, "ipfs://answer")
    now = boa.env.timestamp
    (answered,) = events(resolver, "DisputeAnswered")
    (evidence,) = events(resolver, "Evidence")
    (assigned,) = events(resolver, "DisputeAssigned")  # the panel's, for recusal
    assert (answered.answerer, answered.case_opened) == (client_principal, True)
    assert answered.arbitration_deadline == now + ARBITRATION_WINDOW
    assert (evidence.party, evidence.evidence) == (client_principal, "ipfs://answer")
    # the extraData stays (client, provider), whoever opened
    assert (assigned.client_principal, assigned.provider_principal) == (
        client_principal,
        provider_principal,
    )
    assert delta(before, ledger()) == {
        "client": -BOND,
        "provider": 0,
        "fees": 0,
        "locked": 0,
        "bonds": BOND,
    }
    d = resolver.dispute_of(job)
    assert d.status == ST_AT_ARBITRATOR and d.answered and d.case_opened and d.opened_by_provider
    assert resolver.job_of_dispute(panel.address, d.arbitrator_dispute_id) == job
    j = host.jobs(job)
    assert (j.client_posted, j.provider_posted) == (BOND, BOND)
    with boa.env.prank(client_principal), boa.reverts("resolver: already answered"):
        resolver.answer(job, "")


def test_contest__client_cannot_pay_the_bond__reverts(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    provider_id: int,
    client_principal: str,
) -> None:
    job = make_job(rejected=True, fund=False)  # the client has only the amount, locked
    host.deposit(provider_id, TOKEN, BOND)
    open_case(job, answer=False, by_provider=True)
    before = ledger()
    with boa.env.prank(client_principal), boa.reverts("escrow: insufficient balance"):
        resolver.answer(job, "")
    assert ledger() == before
    assert resolver.dispute_of(job).status == ST_AWAITING


# -------------------------------------------------------------- default win


def test_contest__default_win__the_provider_wins_whole(
    resolver: Any, host: Any, make_job: Any, ledger: Any, open_case: Any, attacker: str
) -> None:
    job = make_job(rejected=True, fee_bps=250)
    before = ledger()
    open_case(job, answer=False, by_provider=True)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(attacker):  # anyone may end it: the outcome is fixed
        resolver.claim_default_win(job)
    (resolved,) = events(resolver, "DisputeResolved")
    assert (resolved.status, resolved.provider_share, resolved.outcome) == (
        ST_DEFAULT_WIN,
        AMOUNT,
        OUTCOME_PROVIDER,
    )
    assert (resolved.client_bond_back, resolved.provider_bond_back) == (0, BOND)
    assert settlement(host, job) == (AMOUNT, 0, BOND, OUTCOME_PROVIDER)
    fee = AMOUNT * 250 // 10_000
    assert delta(before, ledger()) == {
        "client": 0,
        "provider": AMOUNT - fee,
        "fees": fee,
        "locked": -AMOUNT,
        "bonds": 0,
    }
    check_conserved(host, job, AMOUNT, BOND)
    assert resolver.dispute_of(job).status == ST_DEFAULT_WIN


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_contest__default_win__response_deadline_edges(
    resolver: Any,
    host: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    offset: int,
) -> None:
    job = make_job(rejected=True)
    open_case(job, answer=False, by_provider=True)
    deadline = resolver.dispute_of(job).response_deadline
    boa.env.time_travel(seconds=deadline + offset - boa.env.timestamp)
    if offset < 0:
        with boa.reverts("resolver: response deadline not passed"):
            resolver.claim_default_win(job)
        with boa.env.prank(client_principal):
            resolver.answer(job, "")  # still in time
        assert resolver.dispute_of(job).status == ST_AT_ARBITRATOR
    else:
        with boa.env.prank(client_principal), boa.reverts("resolver: response deadline passed"):
            resolver.answer(job, "")
        with boa.env.prank(provider_principal):
            resolver.claim_default_win(job)
        assert settlement(host, job) == (AMOUNT, 0, BOND, OUTCOME_PROVIDER)


def test_contest__client_cannot_claim_the_default_win(
    resolver: Any, host: Any, make_job: Any, ledger: Any, open_case: Any, client_principal: str
) -> None:
    # the opener wins by default: the silent client calling the claim ends its
    # own side's loss, never a client win
    job = make_job(rejected=True)
    before = ledger()
    open_case(job, answer=False, by_provider=True)
    with boa.env.prank(client_principal), boa.reverts("resolver: response deadline not passed"):
        resolver.claim_default_win(job)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(client_principal):
        resolver.claim_default_win(job)
    assert settlement(host, job) == (AMOUNT, 0, BOND, OUTCOME_PROVIDER)
    assert delta(before, ledger())["client"] == 0
    assert delta(before, ledger())["provider"] == AMOUNT
    with boa.env.prank(client_principal), boa.reverts("resolver: dispute closed"):
        resolver.claim_default_win(job)


def test_contest__no_default_win_once_the_client_answered(
    resolver: Any, make_job: Any, open_case: Any, provider_principal: str
) -> None:
    job = make_job(rejected=True)
    open_case(job, by_provider=True)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(provider_principal), boa.reverts("resolver: already answered"):
        resolver.claim_default_win(job)


# --------------------------------------------------------------- settlement


@pytest.mark.parametrize("answered", [False, True])
@pytest.mark.parametrize("proposer_is_client", [True, False])
def test_contest__settlement__bonds_back_by_side(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    answered: bool,
    proposer_is_client: bool,
) -> None:
    job = make_job(rejected=True)
    before = ledger()
    open_case(job, answer=answered, by_provider=True)
    proposer, acceptor = (
        (client_principal, provider_principal)
        if proposer_is_client
        else (provider_principal, client_principal)
    )
    share = 333_337
    with boa.env.prank(proposer):
        resolver.propose_settlement(job, share)
    with boa.env.prank(acceptor):
        resolver.accept_settlement(job, share)
    # the provider (the opener) always posted; the client only if it answered
    assert settlement(host, job) == (share, BOND if answered else 0, BOND, OUTCOME_SETTLED)
    assert delta(before, ledger()) == {
        "client": AMOUNT - share,
        "provider": share,
        "fees": 0,
        "locked": -AMOUNT,
        "bonds": 0,
    }
    check_conserved(host, job, AMOUNT, BOND * (2 if answered else 1))
    assert resolver.dispute_of(job).status == ST_SETTLED


# ----------------------------------------------------- rulings and silence


@pytest.mark.parametrize(
    "ruling", [CLIENT_WINS, PROVIDER_WINS, REFUSED, split(0), split(33), split(50), split(100)]
)
def test_contest__panel_ruling__pays_the_ruling_by_side(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    panel_rules: Any,
    ruling: int,
) -> None:
    job = make_job(rejected=True, fee_bps=250)
    before = ledger()
    open_case(job, by_provider=True)
    panel_rules(job, ruling)
    share, client_back, provider_back, outcome = model(AMOUNT, BOND, ruling)
    assert settlement(host, job) == (share, client_back, provider_back, outcome)
    fee = share * 250 // 10_000
    assert delta(before, ledger()) == {
        "client": -BOND + (AMOUNT - share) + client_back,
        "provider": -BOND + (share - fee) + provider_back,
        "fees": fee + (2 * BOND - client_back - provider_back),
        "locked": -AMOUNT,
        "bonds": 0,
    }
    check_conserved(host, job, AMOUNT, 2 * BOND)
    d = resolver.dispute_of(job)
    assert (d.status, d.ruling, d.opened_by_provider) == (ST_RULED, ruling, True)


def test_contest__panel_ruling__client_wins_outcome(
    host: Any, make_job: Any, open_case: Any, panel_rules: Any
) -> None:
    # the contest failed: the client keeps the amount, the provider's bond is forfeit
    job = make_job(rejected=True)
    open_case(job, by_provider=True)
    panel_rules(job, CLIENT_WINS)
    assert settlement(host, job) == (0, BOND, 0, OUTCOME_CLIENT)
    assert host.settlement_of(job).forfeited == BOND


@pytest.mark.parametrize("offset", [-1, 0])
def test_contest__silence__neutral_default(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    attacker: str,
    offset: int,
) -> None:
    job = make_job(rejected=True)
    before = ledger()
    open_case(job, by_provider=True)
    deadline = resolver.dispute_of(job).arbitration_deadline
    boa.env.time_travel(seconds=deadline + offset - boa.env.timestamp)
    if offset < 0:
        with boa.env.prank(attacker), boa.reverts("resolver: arbitration deadline not passed"):
            resolver.apply_default(job)
        return
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    assert settlement(host, job) == (AMOUNT // 2, BOND, BOND, OUTCOME_SPLIT)
    assert delta(before, ledger()) == {
        "client": AMOUNT - AMOUNT // 2,
        "provider": AMOUNT // 2,
        "fees": 0,
        "locked": -AMOUNT,
        "bonds": 0,
    }
    assert resolver.dispute_of(job).status == ST_NEUTRAL


# --------------------------------------------------------------- paid court


def test_contest_paid__provider_advances__client_pays_the_court(
    resolver: Any,
    court: Any,
    make_job: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job(arbitrator=court, rejected=True)
    client_before = boa.env.get_balance(client_principal)
    provider_before = boa.env.get_balance(provider_principal)
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.dispute(job, "", value=FEE - 1)
        resolver.dispute(job, "", value=FEE)
    (opened,) = events(resolver, "DisputeOpened")
    assert (opened.advance, opened.by_provider) == (FEE, True)
    with boa.env.prank(client_principal):
        with boa.reverts("resolver: wrong arbitration fee"):
            resolver.answer(job, "", value=0)
        resolver.answer(job, "", value=FEE)
    (answered,) = events(resolver, "DisputeAnswered")
    assert (answered.answerer, answered.case_opened, answered.fee) == (client_principal, True, FEE)
    d = resolver.dispute_of(job)
    assert (d.opener_advance, d.opener_payer) == (FEE, provider_principal)
    assert (d.answerer_fee, d.answerer_payer) == (FEE, client_principal)
    assert d.opened_by_provider
    assert boa.env.get_balance(provider_principal) == provider_before - FEE
    assert boa.env.get_balance(client_principal) == client_before - FEE
    assert boa.env.get_balance(resolver.address) == FEE  # the provider's advance
    assert boa.env.get_balance(court.address) == FEE  # the client's fee
    assert court.disputes(d.arbitrator_dispute_id).fee_paid == FEE


@pytest.mark.parametrize(
    "ruling", [CLIENT_WINS, PROVIDER_WINS, REFUSED, split(0), split(30), split(50), split(100)]
)
def test_contest_paid__ruling_shares_the_provider_advance(
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
    job = make_job(arbitrator=court, rejected=True)
    open_case(job, client_value=ODD_FEE, provider_value=ODD_FEE, by_provider=True)
    case = resolver.dispute_of(job).arbitrator_dispute_id
    with boa.env.prank(deployer):
        court.give_ruling(case, ruling)
    credited = {c.account: c.amount for c in events(court, "NativeCredited")}
    # the provider's side gets provider_share(advance, ruling); the client, as
    # answerer, the rest: client wins -> the whole advance reimburses its fee
    to_provider = native_model(ODD_FEE, ruling)
    assert owed(resolver, client_principal, provider_principal) == [
        ODD_FEE - to_provider,
        to_provider,
    ]
    expected = {client_principal: ODD_FEE - to_provider, provider_principal: to_provider}
    assert credited == {k: v for k, v in expected.items() if v}  # no empty credit logged
    assert sum(credited.values()) == ODD_FEE  # exact to the wei
    assert_solvent(resolver, client_principal, provider_principal)
    for who, amount in (
        (client_principal, ODD_FEE - to_provider),
        (provider_principal, to_provider),
    ):
        if amount == 0:
            continue
        before = boa.env.get_balance(who)
        with boa.env.prank(who):
            resolver.withdraw_native()
        assert boa.env.get_balance(who) == before + amount
    assert boa.env.get_balance(resolver.address) == 0


def test_contest_paid__ruling_exact_split_values(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
) -> None:
    # written out: 30 % of an odd advance to the provider (rounded down), the
    # client (the answerer) gets the rest, the odd wei included
    with boa.env.prank(deployer):
        court.set_cost(ODD_FEE)
    job = make_job(arbitrator=court, rejected=True)
    open_case(job, client_value=ODD_FEE, provider_value=ODD_FEE, by_provider=True)
    with boa.env.prank(deployer):
        court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, split(30))
    assert owed(resolver, client_principal, provider_principal) == [
        7_000_000_000_000_001,
        3_000_000_000_000_000,
    ]


def test_contest_paid__silence__neutral_default_shares_the_advance(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    deployer: str,
    client_principal: str,
    provider_principal: str,
    attacker: str,
) -> None:
    with boa.env.prank(deployer):
        court.set_cost(ODD_FEE)
    job = make_job(arbitrator=court, rejected=True)
    open_case(job, client_value=ODD_FEE, provider_value=ODD_FEE, by_provider=True)
    boa.env.time_travel(seconds=ARBITRATION_WINDOW)
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    # as the amount: the provider's half rounded down, the odd wei to the client
    assert owed(resolver, client_principal, provider_principal, attacker) == [
        ODD_FEE - ODD_FEE // 2,
        ODD_FEE // 2,
        0,
    ]
    assert_solvent(resolver, client_principal, provider_principal)


def test_contest_paid__default_win__advance_back_to_the_provider(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job(arbitrator=court, rejected=True)
    open_case(job, answer=False, provider_value=FEE, by_provider=True)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(client_principal):
        resolver.claim_default_win(job)
    (credited,) = events(resolver, "NativeCredited")
    assert (credited.job_id, credited.account, credited.amount) == (job, provider_principal, FEE)
    assert owed(resolver, client_principal, provider_principal) == [0, FEE]
    assert_solvent(resolver, client_principal, provider_principal)


@pytest.mark.parametrize("answered", [False, True])
def test_contest_paid__settlement__advance_back_to_the_provider(
    resolver: Any,
    court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    answered: bool,
) -> None:
    job = make_job(arbitrator=court, rejected=True)
    open_case(job, answer=answered, client_value=FEE, provider_value=FEE, by_provider=True)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(job, 5)
    with boa.env.prank(client_principal):
        resolver.accept_settlement(job, 5)
    # the client's fee, if it answered, was spent at the court
    assert owed(resolver, client_principal, provider_principal) == [0, FEE]
    assert boa.env.get_balance(court.address) == (FEE if answered else 0)
    assert_solvent(resolver, client_principal, provider_principal)


def test_contest_paid__client_operator_pays__operator_is_repaid(
    resolver: Any,
    court: Any,
    make_job: Any,
    make_operator: Any,
    client_id: int,
    client_principal: str,
    provider_principal: str,
    deployer: str,
) -> None:
    operator = make_operator(client_id, "client_operator")
    job = make_job(arbitrator=court, rejected=True)
    with boa.env.prank(provider_principal):
        resolver.dispute(job, "", value=FEE)
    with boa.env.prank(operator):
        resolver.answer(job, "", value=FEE)
    assert resolver.dispute_of(job).answerer_payer == operator
    with boa.env.prank(deployer):
        court.give_ruling(resolver.dispute_of(job).arbitrator_dispute_id, CLIENT_WINS)
    assert owed(resolver, operator, client_principal, provider_principal) == [FEE, 0, 0]


def test_contest_paid__court_refuses_the_case__client_fee_credited_back(
    resolver: Any,
    hostile_court: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    hostile_court.set_cost(FEE)
    hostile_court.set_mode(1, b"", 0)  # REVERT_CREATE
    job = make_job(arbitrator=hostile_court, rejected=True)
    open_case(job, client_value=FEE, provider_value=FEE, by_provider=True)
    d = resolver.dispute_of(job)
    assert d.answered and not d.case_opened
    assert owed(resolver, client_principal) == [FEE]  # the answerer's fee came back at once
    resolver.apply_default(job)
    # no court ever worked on it: the provider's advance returns whole
    assert owed(resolver, client_principal, provider_principal) == [FEE, FEE]
    assert_solvent(resolver, client_principal, provider_principal)
