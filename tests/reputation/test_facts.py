"""Facts: what `record_job` writes for each ending of a job, for both sides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import (
    CLIENT_ID,
    COMPLETED,
    DECLINED,
    DISPUTE_CLIENT,
    DISPUTE_PROVIDER,
    FACTS_SLOT,
    PAIR_FACTS_SLOT,
    PROVIDER_ID,
    REFUNDED_LATE,
    REJECTED,
    ROOT,
    SETTLED,
    SPLIT,
    THIRD_ID,
    VALIDATED,
    VERDICTS,
    WAD,
    as_dict,
    empty_reputation,
    mapping_slot,
)

# outcome, what the provider gets, what the client gets, paid, weighted value
ENDINGS = [
    (COMPLETED, "completed", "completed", 1_000_000, 3 * WAD),
    (REFUNDED_LATE, "failed", "refunded", 0, 0),
    (DECLINED, "failed", "refunded", 0, 0),
    (DISPUTE_CLIENT, "disputes_lost", "disputes_won", 250_000, WAD // 4),
    (DISPUTE_PROVIDER, "disputes_won", "disputes_lost", 1_000_000, 2 * WAD),
    (SETTLED, "settled", "settled", 600_000, 6 * WAD // 10),
    (SPLIT, "settled", "settled", 500_000, WAD // 2),
    (REJECTED, "failed", "refunded", 0, 0),
    (VALIDATED, "completed", "completed", 1_000_000, 3 * WAD),
]


@pytest.mark.parametrize(("outcome", "provider_fact", "client_fact", "paid", "weighted"), ENDINGS)
def test_record_job__each_ending__writes_one_fact_per_side_with_volume(
    reputation: Any,
    settle_job: Callable[..., int],
    outcome: int,
    provider_fact: str,
    client_fact: str,
    paid: int,
    weighted: int,
) -> None:
    settle_job(outcome, paid=paid, weighted=weighted)

    expected_provider = empty_reputation(**{provider_fact: 1, "jobs": 1, "volume": weighted})
    if outcome in VERDICTS:  # the evaluator's verdict: the provider's sub-count
        expected_provider[VERDICTS[outcome]] = 1
    expected_client = empty_reputation(**{client_fact: 1, "jobs": 1, "volume": weighted})
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == expected_provider
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == expected_client
    # the same facts, restricted to the counterparty, both ways
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == expected_provider
    assert as_dict(reputation.reputation_among(CLIENT_ID, [PROVIDER_ID])) == expected_client
    # and nothing through anyone else
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [THIRD_ID])) == empty_reputation()


def test_record_job__every_ending_twice__adds_up(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    for outcome, _, _, paid, weighted in ENDINGS * 2:
        settle_job(outcome, paid=paid, weighted=weighted)

    volume = 2 * sum(e[4] for e in ENDINGS)
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation(
        completed=4,
        failed=6,
        disputes_won=2,
        disputes_lost=2,
        settled=4,
        jobs=18,
        volume=volume,
        validated=2,
        rejected=2,
    )
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == empty_reputation(
        completed=4, refunded=6, disputes_won=2, disputes_lost=2, settled=4, jobs=18, volume=volume
    )


def test_record_job__agent_in_both_roles__sums_both_roles(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    # PROVIDER_ID serves CLIENT_ID and loses a dispute; later hires it and wins one.
    settle_job(DISPUTE_CLIENT, paid=0, weighted=0)
    settle_job(DISPUTE_CLIENT, paid=0, weighted=0, client_id=PROVIDER_ID, provider_id=CLIENT_ID)

    both = empty_reputation(disputes_won=1, disputes_lost=1, jobs=2)
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == both
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == both
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == both


def test_record_job__same_principal_job__writes_nothing(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    # The escrow leaves such a job out; two agents of one principal earn nothing.
    settle_job(COMPLETED, same_principal=True)

    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation()
    assert as_dict(reputation.reputation_of(CLIENT_ID)) == empty_reputation()


def test_record_job__agent_hiring_itself__writes_nothing(reputation: Any, escrow: Any) -> None:
    # Even if an escrow passed it on, a job with one agent on both sides is ignored.
    escrow.record_direct(1, PROVIDER_ID, PROVIDER_ID, COMPLETED, 10**6, WAD)

    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation()
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [PROVIDER_ID])) == empty_reputation()


def test_record_job__not_escrow__reverts(reputation: Any, attacker: str) -> None:
    with boa.env.prank(attacker), boa.reverts("reputation: not escrow"):
        reputation.record_job(1, CLIENT_ID, PROVIDER_ID, COMPLETED, 10**6, WAD)


@pytest.mark.parametrize("outcome", [0, 10, 11, 255])  # 1-9 are known; 9 is VALIDATED
def test_record_job__unknown_outcome__reverts(reputation: Any, escrow: Any, outcome: int) -> None:
    # `reputation` wires the registry into the gate: without it the gate's
    # call would go to no contract and fail for that reason instead.
    assert escrow.reputation() == reputation.address
    with boa.reverts("reputation: unknown outcome"):
        escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, outcome, 10**6, WAD)


def test_deploy__no_escrow__reverts(deployer: str) -> None:
    with boa.reverts("reputation: no escrow"):
        boa.load(str(ROOT / "contracts" / "ReputationRegistry.vy"), "0x" + "00" * 20)


def test_escrow__is_fixed_at_deployment(reputation: Any, escrow: Any) -> None:
    assert reputation.ESCROW() == escrow.address


def test_record_job__huge_value__volume_saturates(reputation: Any, escrow: Any) -> None:
    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, COMPLETED, 1, 2**256 - 1)
    escrow.record_direct(2, CLIENT_ID, PROVIDER_ID, COMPLETED, 1, 2**256 - 1)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert rep["volume"] == 2**102 - 1
    assert rep["completed"] == 2  # the counter next to it is untouched
    assert as_dict(reputation.reputation_among(CLIENT_ID, [PROVIDER_ID]))["volume"] == 2**102 - 1


@pytest.mark.parametrize(
    ("outcome", "offset", "width", "field"),
    [
        (COMPLETED, 0, 32, "completed"),
        (REFUNDED_LATE, 32, 24, "failed"),
        (DISPUTE_PROVIDER, 80, 24, "disputes_won"),
        (DISPUTE_CLIENT, 104, 24, "disputes_lost"),
        (SETTLED, 128, 24, "settled"),
    ],
)
def test_record_job__full_counter__saturates_without_touching_neighbours(
    reputation: Any, escrow: Any, outcome: int, offset: int, width: int, field: str
) -> None:
    full = (2**width - 1) << offset
    for slot in (
        mapping_slot(FACTS_SLOT, PROVIDER_ID),
        mapping_slot(PAIR_FACTS_SLOT, PROVIDER_ID, CLIENT_ID),
    ):
        boa.env.evm.set_storage(reputation.address, slot, full)

    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, outcome, 0, 5)

    expected = empty_reputation(**{field: 2**width - 1, "jobs": 2**width - 1, "volume": 5})
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == expected
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == expected


def test_record_job__full_refunded_counter__saturates(reputation: Any, escrow: Any) -> None:
    boa.env.evm.set_storage(
        reputation.address, mapping_slot(FACTS_SLOT, CLIENT_ID), (2**24 - 1) << 56
    )

    escrow.record_direct(1, CLIENT_ID, PROVIDER_ID, DECLINED, 0, 0)

    assert as_dict(reputation.reputation_of(CLIENT_ID)) == empty_reputation(
        refunded=2**24 - 1, jobs=2**24 - 1
    )
