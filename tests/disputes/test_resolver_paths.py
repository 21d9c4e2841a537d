"""DisputeResolver: every ending of a dispute, with exact ledger balances.

The escrow is MockDisputeHost (real bookkeeping, conservation checked on every
write), the arbitrator the real ArbiterPanel (2-of-3) unless a test says so.
Balances are compared with the ledger as it stood before the dispute opened.
The client opens here, except in the tests marked `OPENERS` (opening, answer,
the response-deadline edges of the default win, the settlement accepted by the
other side and the arbitrator's silence), which run each case for the
provider's contests of a rejection too; what is particular to a contest is in
test_resolver_contest.py.
"""

from __future__ import annotations

from typing import Any

import boa
import pytest

from .conftest import (
    AMOUNT,
    ARBITRATION_WINDOW,
    BOND,
    NEUTRAL,
    OUTCOME_CLIENT,
    OUTCOME_PROVIDER,
    OUTCOME_SETTLED,
    OUTCOME_SPLIT,
    RESPONSE_WINDOW,
    ST_AT_ARBITRATOR,
    ST_AWAITING,
    ST_DEFAULT_WIN,
    ST_NEUTRAL,
    ST_NONE,
    ST_RULED,
    ST_SETTLED,
    expect_ruled,
    expect_shared,
    model,
)
from .helpers import (
    CHOICES,
    CLIENT_WINS,
    OPENERS,
    PROVIDER_WINS,
    REFUSED,
    SOLVED,
    ZERO,
    check_conserved,
    delta,
    events,
    settlement,
    sides,
    split,
)

STATUS_DISPUTED = 6  # the mock host's job status

# ------------------------------------------------------------------ opening


@OPENERS
def test_dispute__takes_the_opener_bond_and_logs_meta_evidence(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    panel: Any,
    client_principal: str,
    provider_principal: str,
    client_id: int,
    provider_id: int,
    by_provider: bool,
) -> None:
    opener, _ = sides(by_provider, client_principal, provider_principal)
    job = make_job(rejected=by_provider)
    before = ledger()
    with boa.env.prank(opener):
        resolver.dispute(job, "ipfs://meta")
    (opened,) = events(resolver, "DisputeOpened")
    (meta,) = events(resolver, "MetaEvidence")
    now = boa.env.timestamp
    assert (opened.job_id, opened.arbitrator, opened.opener) == (job, panel.address, opener)
    assert (opened.response_deadline, opened.advance, opened.by_provider) == (
        now + RESPONSE_WINDOW,
        0,
        by_provider,
    )
    assert (meta.metaEvidenceID, meta.evidence) == (job, "ipfs://meta")
    # only the opener's bond is taken
    assert delta(before, ledger()) == {
        "client": 0 if by_provider else -BOND,
        "provider": -BOND if by_provider else 0,
        "fees": 0,
        "locked": 0,
        "bonds": BOND,
    }
    d = resolver.dispute_of(job)
    assert (d.status, d.opened_by_provider) == (ST_AWAITING, by_provider)
    assert (d.client_id, d.provider_id, d.arbitrator) == (client_id, provider_id, panel.address)
    assert (d.amount, d.bond) == (AMOUNT, BOND)
    assert (d.response_deadline, d.arbitration_window, d.arbitration_deadline) == (
        now + RESPONSE_WINDOW,
        ARBITRATION_WINDOW,
        0,
    )
    assert not d.answered and not d.case_opened
    assert (d.opener_advance, d.opener_payer, d.answerer_fee) == (0, ZERO, 0)
    j = host.jobs(job)
    assert (host.status_of(job), j.client_posted, j.provider_posted) == (
        STATUS_DISPUTED,
        0 if by_provider else BOND,
        BOND if by_provider else 0,
    )


@OPENERS
def test_answer__takes_the_answerer_bond_and_opens_the_panel_case(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    panel: Any,
    open_case: Any,
    provider_principal: str,
    client_principal: str,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    job = make_job(rejected=by_provider)
    open_case(job, answer=False, by_provider=by_provider)
    before = ledger()
    # the opener cannot answer its own dispute: the escrow wants the other side
    with (
        boa.env.prank(opener),
        boa.reverts("escrow: not client" if by_provider else "escrow: not provider"),
    ):
        resolver.answer(job, "")
    with boa.env.prank(answerer):
        resolver.answer(job, "ipfs://answer")
    now = boa.env.timestamp
    (answered,) = events(resolver, "DisputeAnswered")
    (evidence,) = events(resolver, "Evidence")
    (dispute,) = events(resolver, "Dispute")
    (assigned,) = events(resolver, "DisputeAssigned")  # the panel's, for recusal
    # the extraData stays (client, provider), whoever opened
    assert (assigned.client_principal, assigned.provider_principal) == (
        client_principal,
        provider_principal,
    )
    assert (answered.answerer, answered.case_opened) == (answerer, True)
    assert answered.arbitrator_dispute_id == 0  # the panel's first dispute
    assert answered.arbitration_deadline == now + ARBITRATION_WINDOW
    assert (evidence.arbitrator, evidence.evidenceGroupID, evidence.party, evidence.evidence) == (
        panel.address,
        job,
        answerer,
        "ipfs://answer",
    )
    assert (dispute.arbitrator, dispute.disputeID, dispute.metaEvidenceID) == (
        panel.address,
        0,
        job,
    )
    assert dispute.evidenceGroupID == job
    # only the answerer's bond is taken
    assert delta(before, ledger()) == {
        "client": -BOND if by_provider else 0,
        "provider": 0 if by_provider else -BOND,
        "fees": 0,
        "locked": 0,
        "bonds": BOND,
    }
    d = resolver.dispute_of(job)
    assert d.status == ST_AT_ARBITRATOR and d.answered and d.case_opened
    assert d.opened_by_provider == by_provider
    assert d.arbitration_deadline == now + ARBITRATION_WINDOW
    assert resolver.job_of_dispute(panel.address, 0) == job
    # the panel got the principals for recusal, and 103 choices
    p = panel.get_dispute(0)
    assert (p.arbitrable, p.choices) == (resolver.address, CHOICES)
    j = host.jobs(job)
    assert (j.client_posted, j.provider_posted) == (BOND, BOND)
    with boa.env.prank(answerer), boa.reverts("resolver: already answered"):
        resolver.answer(job, "")


def test_submit_evidence__either_side_while_open(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str, panel: Any
) -> None:
    job = make_job()
    open_case(job)
    with boa.env.prank(client_principal):
        resolver.submit_evidence(job, "ipfs://more")
    (ev,) = events(resolver, "Evidence")
    assert (ev.arbitrator, ev.evidenceGroupID, ev.party, ev.evidence) == (
        panel.address,
        job,
        client_principal,
        "ipfs://more",
    )


# ------------------------------------------------------------ default win


def test_default_win__provider_does_not_answer(
    resolver: Any, host: Any, make_job: Any, ledger: Any, open_case: Any, attacker: str
) -> None:
    job = make_job()
    before = ledger()
    open_case(job, answer=False)
    boa.env.time_travel(seconds=RESPONSE_WINDOW)
    with boa.env.prank(attacker):  # anyone may end it: the outcome is fixed
        resolver.claim_default_win(job)
    (resolved,) = events(resolver, "DisputeResolved")
    assert (resolved.job_id, resolved.status, resolved.outcome) == (job, ST_DEFAULT_WIN, 4)
    assert delta(before, ledger()) == {
        "client": AMOUNT,
        "provider": 0,
        "fees": 0,
        "locked": -AMOUNT,
        "bonds": 0,
    }
    assert settlement(host, job) == (0, BOND, 0, OUTCOME_CLIENT)
    assert resolver.dispute_of(job).status == ST_DEFAULT_WIN


@pytest.mark.parametrize("offset", [-1, 0, 1])
@OPENERS
def test_default_win__response_deadline_edges(
    resolver: Any,
    host: Any,
    make_job: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    offset: int,
    by_provider: bool,
) -> None:
    opener, answerer = sides(by_provider, client_principal, provider_principal)
    job = make_job(rejected=by_provider)
    open_case(job, answer=False, by_provider=by_provider)
    deadline = resolver.dispute_of(job).response_deadline
    boa.env.time_travel(seconds=deadline + offset - boa.env.timestamp)
    if offset < 0:
        with boa.reverts("resolver: response deadline not passed"):
            resolver.claim_default_win(job)
        with boa.env.prank(answerer):
            resolver.answer(job, "")  # still in time
        assert resolver.dispute_of(job).status == ST_AT_ARBITRATOR
    else:
        with boa.env.prank(answerer), boa.reverts("resolver: response deadline passed"):
            resolver.answer(job, "")
        with boa.env.prank(opener):
            resolver.claim_default_win(job)
        # the opener wins whole, with its bond back; the silent side posted none
        assert settlement(host, job) == (
            (AMOUNT, 0, BOND, OUTCOME_PROVIDER) if by_provider else (0, BOND, 0, OUTCOME_CLIENT)
        )


# ------------------------------------------------------------- settlement


@pytest.mark.parametrize("answered", [False, True])
@pytest.mark.parametrize("proposer_is_client", [True, False])
@OPENERS
def test_settlement__accepted_by_the_other_side(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
    answered: bool,
    proposer_is_client: bool,
    by_provider: bool,
) -> None:
    job = make_job(rejected=by_provider)
    before = ledger()
    open_case(job, answer=answered, by_provider=by_provider)
    proposer, acceptor = (
        (client_principal, provider_principal)
        if proposer_is_client
        else (provider_principal, client_principal)
    )
    share = 333_337
    with boa.env.prank(proposer):
        resolver.propose_settlement(job, share)
    (proposed,) = events(resolver, "SettlementProposed")
    assert (proposed.proposer, proposed.by_provider, proposed.provider_share) == (
        proposer,
        not proposer_is_client,
        share,
    )
    with boa.env.prank(acceptor):
        resolver.accept_settlement(job, share)
    assert delta(before, ledger()) == expect_shared(share)
    # each bond posted comes back: the opener's always, the answerer's if it answered
    opener_back, answerer_back = BOND, BOND if answered else 0
    client_back, provider_back = (
        (answerer_back, opener_back) if by_provider else (opener_back, answerer_back)
    )
    assert settlement(host, job) == (share, client_back, provider_back, OUTCOME_SETTLED)
    check_conserved(host, job, AMOUNT, BOND * (2 if answered else 1))
    assert resolver.dispute_of(job).status == ST_SETTLED


def test_settlement__own_proposal_cannot_be_accepted(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str
) -> None:
    job = make_job()
    open_case(job)
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 10)
        with boa.reverts("resolver: no proposal"):
            resolver.accept_settlement(job, 10)


def test_settlement__withdrawn_then_accept_reverts(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str, provider_principal: str
) -> None:
    job = make_job()
    open_case(job)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(job, 600_000)
        resolver.withdraw_proposal(job)
    (withdrawn,) = events(resolver, "SettlementWithdrawn")
    assert (withdrawn.job_id, withdrawn.proposer, withdrawn.by_provider) == (
        job,
        provider_principal,
        True,
    )
    assert not resolver.dispute_of(job).provider_proposed
    with boa.env.prank(client_principal), boa.reverts("resolver: no proposal"):
        resolver.accept_settlement(job, 600_000)
    with boa.env.prank(provider_principal), boa.reverts("resolver: no proposal"):
        resolver.withdraw_proposal(job)
    assert resolver.dispute_of(job).status == ST_AT_ARBITRATOR


def test_settlement__replaced_proposal__only_the_new_share_accepted(
    resolver: Any,
    host: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    job = make_job()
    before = ledger()
    open_case(job)
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 100)
        resolver.propose_settlement(job, 250_001)
    d = resolver.dispute_of(job)
    assert (d.client_proposed, d.client_proposal, d.provider_proposed) == (True, 250_001, False)
    with boa.env.prank(provider_principal):
        with boa.reverts("resolver: proposal mismatch"):
            resolver.accept_settlement(job, 100)  # what it saw before the replacement
        resolver.accept_settlement(job, 250_001)
    assert delta(before, ledger()) == expect_shared(250_001)


def test_settlement__both_sides_propose__each_kept_apart(
    resolver: Any, make_job: Any, open_case: Any, client_principal: str, provider_principal: str
) -> None:
    job = make_job()
    open_case(job)
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 1)
    with boa.env.prank(provider_principal):
        resolver.propose_settlement(job, AMOUNT)
    d = resolver.dispute_of(job)
    assert (d.client_proposal, d.provider_proposal) == (1, AMOUNT)
    with boa.env.prank(client_principal):
        resolver.withdraw_proposal(job)
    d = resolver.dispute_of(job)
    assert (d.client_proposed, d.provider_proposed, d.provider_proposal) == (False, True, AMOUNT)
    with boa.env.prank(client_principal):
        resolver.accept_settlement(job, AMOUNT)
    assert resolver.dispute_of(job).status == ST_SETTLED


def test_settlement__after_response_deadline_before_default_claim(
    resolver: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    client_principal: str,
    provider_principal: str,
) -> None:
    # the client may still prefer a split to its default win; the provider
    # accepts the client's standing offer before anyone claims the default
    job = make_job()
    before = ledger()
    open_case(job, answer=False)
    with boa.env.prank(client_principal):
        resolver.propose_settlement(job, 7)
    boa.env.time_travel(seconds=RESPONSE_WINDOW + 1)
    with boa.env.prank(provider_principal):
        resolver.accept_settlement(job, 7)
    assert delta(before, ledger())["provider"] == 7
    assert delta(before, ledger())["client"] == AMOUNT - 7


# ----------------------------------------------------------------- rulings


@pytest.mark.parametrize(
    "ruling",
    [CLIENT_WINS, PROVIDER_WINS, split(0), split(1), split(33), split(50), split(99), split(100)],
)
def test_panel_ruling__pays_the_ruling(
    resolver: Any,
    host: Any,
    panel: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    panel_rules: Any,
    ruling: int,
) -> None:
    job = make_job()
    before = ledger()
    open_case(job)
    panel_rules(job, ruling)
    (ruled,) = events(panel, "Ruling")
    assert delta(before, ledger()) == expect_ruled(AMOUNT, BOND, ruling)
    assert settlement(host, job) == model(AMOUNT, BOND, ruling)
    d = resolver.dispute_of(job)
    assert (d.status, d.ruling) == (ST_RULED, ruling)
    assert panel.disputeStatus(d.arbitrator_dispute_id) == SOLVED
    assert (ruled.arbitrator, ruled.disputeID, ruled.ruling) == (
        panel.address,
        d.arbitrator_dispute_id,
        ruling,
    )


def test_panel_ruling__bond_split_is_symmetric_and_exact() -> None:
    # swapping sides and p <-> 100 - p swaps the returns; forfeits total one
    # bond or one bond less a unit; p = 0 / 100 pay like the outright wins
    for bond in [0, 1, 99, 100, 101, BOND, 10**18 + 7]:
        for p in range(101):
            _, cb, pb, _ = model(AMOUNT, bond, split(p))
            _, cb2, pb2, _ = model(AMOUNT, bond, split(100 - p))
            assert (cb, pb) == (pb2, cb2)
            assert bond - 1 <= 2 * bond - cb - pb <= bond or bond == 0
        assert model(AMOUNT, bond, split(0))[1:3] == model(AMOUNT, bond, CLIENT_WINS)[1:3]
        assert model(AMOUNT, bond, split(100))[1:3] == model(AMOUNT, bond, PROVIDER_WINS)[1:3]


def test_panel_ruling__with_protocol_fee(
    host: Any, make_job: Any, ledger: Any, open_case: Any, panel_rules: Any
) -> None:
    job = make_job(fee_bps=250)
    before = ledger()
    open_case(job)
    panel_rules(job, split(67))
    assert delta(before, ledger()) == expect_ruled(AMOUNT, BOND, split(67), fee_bps=250)
    assert host.settlement_of(job).fee == (AMOUNT * 67 // 100) * 250 // 10_000


def test_refused_ruling__neutral_default(
    resolver: Any, host: Any, make_job: Any, ledger: Any, open_case: Any, panel_rules: Any
) -> None:
    job = make_job()
    before = ledger()
    open_case(job)
    panel_rules(job, REFUSED)
    assert delta(before, ledger()) == NEUTRAL
    assert settlement(host, job) == (AMOUNT // 2, BOND, BOND, OUTCOME_SPLIT)
    assert resolver.dispute_of(job).status == ST_RULED


# ------------------------------------------------------- arbitrator silence


@pytest.mark.parametrize("offset", [-1, 0, 1])
@OPENERS
def test_silence__neutral_default_at_the_arbitration_deadline(
    resolver: Any,
    host: Any,
    panel: Any,
    make_job: Any,
    ledger: Any,
    open_case: Any,
    attacker: str,
    arbiters: list[str],
    offset: int,
    by_provider: bool,
) -> None:
    job = make_job(rejected=by_provider)
    before = ledger()
    open_case(job, by_provider=by_provider)
    deadline = resolver.dispute_of(job).arbitration_deadline
    boa.env.time_travel(seconds=deadline + offset - boa.env.timestamp)
    if offset < 0:
        with boa.env.prank(attacker), boa.reverts("resolver: arbitration deadline not passed"):
            resolver.apply_default(job)
        return
    with boa.env.prank(attacker):
        resolver.apply_default(job)
    assert delta(before, ledger()) == NEUTRAL
    assert settlement(host, job) == (AMOUNT // 2, BOND, BOND, OUTCOME_SPLIT)
    assert resolver.dispute_of(job).status == ST_NEUTRAL
    # a late ruling from the panel cannot change it: the final vote reverts
    dispute_id = resolver.dispute_of(job).arbitrator_dispute_id
    with boa.env.prank(arbiters[0]):
        panel.vote(dispute_id, PROVIDER_WINS)
    with boa.env.prank(arbiters[1]), boa.reverts("resolver: dispute closed"):
        panel.vote(dispute_id, PROVIDER_WINS)


def test_views__unknown_job_is_empty(resolver: Any, panel: Any) -> None:
    d = resolver.dispute_of(12345)
    assert d.status == ST_NONE and d.amount == 0 and d.arbitrator == boa.eval("empty(address)")
    with boa.reverts("resolver: unknown dispute"):
        resolver.job_of_dispute(panel.address, 0)


def test_views__job_of_dispute_is_keyed_by_arbitrator(
    resolver: Any, make_job: Any, open_case: Any, panel: Any, hostile_court: Any
) -> None:
    # both courts hand out dispute id 0: the pair tells the jobs apart
    a = make_job()
    b = make_job(arbitrator=hostile_court)
    open_case(a)
    open_case(b)
    assert resolver.dispute_of(a).arbitrator_dispute_id == 0
    assert resolver.dispute_of(b).arbitrator_dispute_id == 0
    assert resolver.job_of_dispute(panel.address, 0) == a
    assert resolver.job_of_dispute(hostile_court.address, 0) == b


def test_constructor__immutables(resolver: Any, host: Any, registry: Any) -> None:
    assert resolver.HOST() == host.address
    assert resolver.REGISTRY() == registry.address
