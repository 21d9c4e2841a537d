"""DisputeResolver: disputes the provider opens, contesting its evaluator's rejection.

The job is Rejected in the mock host (`make_job(rejected=True)`): the escrow lets
only the provider open, takes the provider's bond first and reports
`opened_by_provider`; the client answers with its bond, and `take_answer_bond`
takes the client's. The opener wins by default if the client stays silent; a
settlement returns each bond posted; a ruling or the neutral default pays as the
ruling table says whoever opened. Balances are compared with the ledger as it
stood before the dispute opened; the arbitrator here is the free panel.

What a contest shares with a client's dispute is tested once for both openers
(parametrized by `by_provider`, `helpers.OPENERS`): opening, the answer, the
default win's response-deadline edges, a settlement accepted by the other side
and the arbitrator's silence in test_resolver_paths.py; everything with a paid
court (the provider advances the fee with `dispute`, the client pays the court
with `answer`, and the advance goes the way the amount goes) in
test_resolver_paid_court.py.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import (
    AMOUNT,
    BOND,
    OUTCOME_CLIENT,
    OUTCOME_PROVIDER,
    RESPONSE_WINDOW,
    ST_AWAITING,
    ST_DEFAULT_WIN,
    ST_RULED,
    TOKEN,
    expect_ruled,
    model,
)
from .helpers import (
    CLIENT_WINS,
    PROVIDER_WINS,
    REFUSED,
    check_conserved,
    delta,
    events,
    settlement,
    split,
)

# ------------------------------------------------------------------ opening


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
    assert settlement(host, job) == model(AMOUNT, BOND, ruling)
    assert delta(before, ledger()) == expect_ruled(AMOUNT, BOND, ruling, fee_bps=250)
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
