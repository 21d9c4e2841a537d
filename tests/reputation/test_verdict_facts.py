"""Evaluator verdicts: outcome 9 VALIDATED (approved, completed) and 8 REJECTED
(a rejection that stood) also move the provider's `validated` / `rejected`
sub-counts, in its whole record and in its record with that client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import (
    CLIENT_ID,
    COMPLETED,
    FACTS_SLOT,
    PAIR_FACTS_SLOT,
    PAIR_RATINGS_SLOT,
    PAIR_VERDICTS_SLOT,
    PROVIDER_ID,
    RATINGS_SLOT,
    REJECTED,
    THIRD_ID,
    VALIDATED,
    VERDICTS_SLOT,
    WAD,
    as_dict,
    empty_reputation,
    mapping_slot,
)

FOURTH_ID = 44
VALIDATED_MAX = 2**32 - 1  # as `completed`
REJECTED_MAX = 2**24 - 1  # as `failed`


def _verdict_slots(provider_id: int = PROVIDER_ID, client_id: int = CLIENT_ID) -> list[int]:
    return [
        mapping_slot(VERDICTS_SLOT, provider_id),
        mapping_slot(PAIR_VERDICTS_SLOT, provider_id, client_id),
    ]


def _plant(reputation: Any, slots: list[int], word: int) -> None:
    for slot in slots:
        boa.env.evm.set_storage(reputation.address, slot, word)


def test_validated__provider_completed_and_validated__client_completed(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    settle_job(VALIDATED, paid=1_000_000, weighted=3 * WAD)

    provider = empty_reputation(completed=1, validated=1, jobs=1, volume=3 * WAD)
    client = empty_reputation(completed=1, jobs=1, volume=3 * WAD)  # no verdict of its own
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == provider
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == client
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == provider
    assert as_dict(reputation.reputation_among(CLIENT_ID, [PROVIDER_ID])) == client


def test_validated__paid__opens_ratings_and_both_sides_rate(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
) -> None:
    job_id = settle_job(VALIDATED, paid=1_000_000, weighted=2 * WAD)
    for slot in (
        mapping_slot(RATINGS_SLOT, PROVIDER_ID),
        mapping_slot(RATINGS_SLOT, CLIENT_ID),
        mapping_slot(PAIR_RATINGS_SLOT, PROVIDER_ID, CLIENT_ID),
        mapping_slot(PAIR_RATINGS_SLOT, CLIENT_ID, PROVIDER_ID),
    ):
        assert boa.env.evm.get_storage(reputation.address, slot) == 1 << 255

    rate(client, job_id, 90)
    rate(provider, job_id, 70)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert (rep["rating_count"], rep["rating_weight"], rep["average_score"]) == (1, 2 * WAD, 9000)
    assert (rep["completed"], rep["validated"]) == (1, 1)
    assert as_dict(reputation.reputation_of(CLIENT_ID))["average_score"] == 7000


def test_validated__unpaid__opens_nothing(reputation: Any, settle_job: Callable[..., int]) -> None:
    settle_job(VALIDATED, paid=0, weighted=0)

    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation(
        completed=1, validated=1, jobs=1
    )
    for slot in (
        mapping_slot(RATINGS_SLOT, PROVIDER_ID),
        mapping_slot(PAIR_RATINGS_SLOT, PROVIDER_ID, CLIENT_ID),
    ):
        assert boa.env.evm.get_storage(reputation.address, slot) == 0


def test_rejected__provider_failed_and_rejected__client_refunded(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    settle_job(REJECTED, paid=0, weighted=0)

    provider = empty_reputation(failed=1, rejected=1, jobs=1)
    client = empty_reputation(refunded=1, jobs=1)
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == provider
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == client
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == provider
    assert as_dict(reputation.reputation_among(CLIENT_ID, [PROVIDER_ID])) == client


def test_verdicts__sub_counts_of_completed_and_failed__not_in_jobs(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    for outcome in (VALIDATED, COMPLETED, VALIDATED, REJECTED, 2, 3):
        settle_job(outcome, paid=0, weighted=0)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert (rep["completed"], rep["validated"]) == (3, 2)
    assert (rep["failed"], rep["rejected"]) == (3, 1)
    assert rep["jobs"] == 6


@pytest.mark.parametrize("outcome", range(1, 8))
def test_verdicts__other_outcomes__write_no_verdict(
    reputation: Any, settle_job: Callable[..., int], outcome: int
) -> None:
    settle_job(outcome, paid=0 if outcome in (2, 3) else 1_000_000, weighted=WAD)

    for agent in (PROVIDER_ID, CLIENT_ID):
        rep = as_dict(reputation.reputation_of(agent))
        assert (rep["validated"], rep["rejected"]) == (0, 0)
    for slot in _verdict_slots():
        assert boa.env.evm.get_storage(reputation.address, slot) == 0


@pytest.mark.parametrize("outcome", [VALIDATED, REJECTED])
def test_verdicts__agent_hiring_itself__writes_nothing(
    reputation: Any, escrow: Any, outcome: int
) -> None:
    escrow.record_direct(1, PROVIDER_ID, PROVIDER_ID, outcome, 10**6, WAD)

    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation()
    for slot in _verdict_slots(PROVIDER_ID, PROVIDER_ID):
        assert boa.env.evm.get_storage(reputation.address, slot) == 0


def test_validated__full_counter__saturates_without_touching_rejected(
    reputation: Any, escrow: Any
) -> None:
    _plant(reputation, _verdict_slots(), VALIDATED_MAX | 7 << 32)

    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, VALIDATED, 0, 0)

    for rep in (
        reputation.reputation_of(PROVIDER_ID),
        reputation.reputation_among(PROVIDER_ID, [CLIENT_ID]),
    ):
        assert (rep.validated, rep.rejected, rep.completed) == (VALIDATED_MAX, 7, 1)


def test_rejected__full_counter__saturates_without_touching_validated(
    reputation: Any, escrow: Any
) -> None:
    _plant(reputation, _verdict_slots(), REJECTED_MAX << 32 | 5)

    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, REJECTED, 0, 0)

    for rep in (
        reputation.reputation_of(PROVIDER_ID),
        reputation.reputation_among(PROVIDER_ID, [CLIENT_ID]),
    ):
        assert (rep.rejected, rep.validated, rep.failed) == (REJECTED_MAX, 5, 1)


@pytest.mark.parametrize(
    ("outcome", "width", "parent", "parent_offset", "field", "offset"),
    [
        (VALIDATED, 32, "completed", 0, "validated", 0),
        (REJECTED, 24, "failed", 32, "rejected", 32),
    ],
)
def test_verdicts__saturated_with_their_counter__never_exceed_it(
    reputation: Any,
    escrow: Any,
    outcome: int,
    width: int,
    parent: str,
    parent_offset: int,
    field: str,
    offset: int,
) -> None:
    # the counter and its sub-count both full, in the whole and the pair words
    full = 2**width - 1
    facts = [
        mapping_slot(FACTS_SLOT, PROVIDER_ID),
        mapping_slot(PAIR_FACTS_SLOT, PROVIDER_ID, CLIENT_ID),
    ]
    _plant(reputation, facts, full << parent_offset)
    _plant(reputation, _verdict_slots(), full << offset)

    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, outcome, 0, 0)
    escrow.record_direct(2, CLIENT_ID, PROVIDER_ID, outcome, 0, 0)

    for rep in (
        as_dict(reputation.reputation_of(PROVIDER_ID)),
        as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])),
    ):
        assert rep[parent] == rep[field] == full


@pytest.fixture
def verdict_history(
    settle_job: Callable[..., int], client: str, provider: str, third: str, keyed: Any
) -> None:
    """PROVIDER_ID: validated twice for CLIENT_ID, rejected once by THIRD_ID's
    evaluator, plain completed for THIRD_ID; as client of FOURTH_ID it saw one
    job validated (FOURTH_ID's verdict, not its own)."""
    settle_job(VALIDATED, weighted=WAD)
    settle_job(VALIDATED, weighted=WAD)
    settle_job(REJECTED, paid=0, weighted=0, client_id=THIRD_ID, client_address=third)
    settle_job(COMPLETED, weighted=WAD, client_id=THIRD_ID, client_address=third)
    settle_job(
        VALIDATED,
        weighted=WAD,
        client_id=PROVIDER_ID,
        client_address=provider,
        provider_id=FOURTH_ID,
        provider_address=str(keyed("fourth").address),
    )


@pytest.mark.usefixtures("verdict_history")
@pytest.mark.parametrize(
    ("among", "verdicts"),
    [
        (None, (2, 1)),  # the whole record
        ([CLIENT_ID], (2, 0)),
        ([THIRD_ID], (0, 1)),
        ([CLIENT_ID, THIRD_ID], (2, 1)),
        ([THIRD_ID, CLIENT_ID, THIRD_ID, CLIENT_ID], (2, 1)),  # duplicates count once
        ([FOURTH_ID], (0, 0)),  # its client role: FOURTH_ID's verdict, not its own
        ([999, PROVIDER_ID], (0, 0)),
        ([], (0, 0)),
    ],
)
def test_reputation_among__verdicts_of_the_listed_counterparties(
    reputation: Any, among: list[int] | None, verdicts: tuple[int, int]
) -> None:
    rep = (
        reputation.reputation_of(PROVIDER_ID)
        if among is None
        else reputation.reputation_among(PROVIDER_ID, among)
    )
    assert (rep.validated, rep.rejected) == verdicts


@pytest.mark.usefixtures("verdict_history")
def test_reputation_among__restricted_reads_add_up_to_the_whole(reputation: Any) -> None:
    every = [CLIENT_ID, THIRD_ID, FOURTH_ID]
    assert as_dict(reputation.reputation_among(PROVIDER_ID, every)) == as_dict(
        reputation.reputation_of(PROVIDER_ID)
    )
    assert as_dict(reputation.reputation_among(FOURTH_ID, [PROVIDER_ID])) == as_dict(
        reputation.reputation_of(FOURTH_ID)
    )
    assert reputation.reputation_of(FOURTH_ID).validated == 1


@pytest.mark.usefixtures("verdict_history")
def test_get_summary__unchanged_by_verdicts(reputation: Any) -> None:
    assert reputation.getSummary(PROVIDER_ID, [], "", "") == (0, 0, 2)
