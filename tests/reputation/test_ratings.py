"""Ratings: who may rate (the escrow's gate), what a rating writes and logs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_utils import keccak

from .helpers import (
    CLIENT_ID,
    COMPLETED,
    DECLINED,
    DISPUTE_CLIENT,
    DISPUTE_PROVIDER,
    HASH,
    PAIR_RATINGS_SLOT,
    PROVIDER_ID,
    RATINGS_SLOT,
    REFUNDED_LATE,
    REJECTED,
    SETTLED,
    SPLIT,
    THIRD_ID,
    URI,
    WAD,
    agent_address,
    as_dict,
    mapping_slot,
    ratings_from_logs,
)


def test_rate__client_rates_provider__counts_with_job_weight(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = settle_job(COMPLETED, weighted=3 * WAD)

    rate(client, job_id, 80)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert rep["rating_count"] == 1
    assert rep["rating_weight"] == 3 * WAD
    assert rep["rating_weighted_score"] == 240 * WAD
    assert rep["average_score"] == 8000
    # the client received no rating
    assert as_dict(reputation.reputation_of(CLIENT_ID))["rating_count"] == 0


def test_rate__provider_rates_client__counts_for_client(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], provider: str
) -> None:
    job_id = settle_job(COMPLETED, weighted=WAD)

    rate(provider, job_id, 35)

    rep = as_dict(reputation.reputation_of(CLIENT_ID))
    assert (rep["rating_count"], rep["rating_weight"], rep["average_score"]) == (1, WAD, 3500)
    assert as_dict(reputation.reputation_of(PROVIDER_ID))["rating_count"] == 0


def test_rate__both_sides_of_one_job__each_once(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
) -> None:
    job_id = settle_job(COMPLETED)

    rate(client, job_id, 100)
    rate(provider, job_id, 0)

    assert as_dict(reputation.reputation_of(PROVIDER_ID))["average_score"] == 10000
    assert as_dict(reputation.reputation_of(CLIENT_ID))["rating_count"] == 1
    assert as_dict(reputation.reputation_of(CLIENT_ID))["average_score"] == 0


def test_rate__value_weighted_average(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    # 90 on a job worth 3, 30 on a job worth 1: (270 + 30) / 4 = 75.00
    rate(client, settle_job(COMPLETED, weighted=3 * WAD), 90)
    rate(client, settle_job(COMPLETED, weighted=WAD), 30)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert (rep["rating_count"], rep["average_score"]) == (2, 7500)


def test_rate__average_rounds_down_to_two_decimals(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    rate(client, settle_job(COMPLETED, weighted=1), 100)
    rate(client, settle_job(COMPLETED, weighted=2), 0)

    assert as_dict(reputation.reputation_of(PROVIDER_ID))["average_score"] == 3333


def test_rate__logs_erc8004_new_feedback_then_rated(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = settle_job(COMPLETED, weighted=7 * WAD)

    rate(client, job_id, 87, "quality", "latency", URI, HASH)

    (rating,) = ratings_from_logs(reputation)
    assert rating.rated_id == PROVIDER_ID
    assert rating.rater_address == agent_address(CLIENT_ID)
    assert rating.feedback_index == 1
    assert (rating.score, rating.value_decimals) == (87, 0)
    assert rating.tag1_topic == int.from_bytes(keccak(text="quality"), "big")
    assert (rating.tag1, rating.tag2, rating.endpoint) == ("quality", "latency", "")
    assert (rating.feedback_uri, rating.feedback_hash) == (URI, HASH)
    assert (rating.job_id, rating.weight) == (job_id, 7 * WAD)


def test_rate__feedback_index_counts_per_rater(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    third: str,
) -> None:
    rate(client, settle_job(COMPLETED), 50)
    rate(client, settle_job(COMPLETED), 60)
    rate(third, settle_job(COMPLETED, client_id=THIRD_ID, client_address=third), 70)

    assert ratings_from_logs(reputation)[0].feedback_index == 1
    assert reputation.getLastIndex(PROVIDER_ID, agent_address(CLIENT_ID)) == 2
    assert reputation.getLastIndex(PROVIDER_ID, agent_address(THIRD_ID)) == 1
    assert reputation.getLastIndex(CLIENT_ID, agent_address(PROVIDER_ID)) == 0


@pytest.mark.parametrize("score", [0, 1, 99, 100])
def test_rate__score_in_range__accepted(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    score: int,
) -> None:
    rate(client, settle_job(COMPLETED), score)

    assert as_dict(reputation.reputation_of(PROVIDER_ID))["average_score"] == score * 100


@pytest.mark.parametrize("score", [101, 255])
def test_rate__score_above_100__reverts(
    settle_job: Callable[..., int], rate: Callable[..., Any], client: str, score: int
) -> None:
    job_id = settle_job(COMPLETED)

    with boa.reverts("reputation: score above 100"):
        rate(client, job_id, score)


def test_rate__score_above_100__does_not_spend_the_rating(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = settle_job(COMPLETED)
    with boa.reverts("reputation: score above 100"):
        rate(client, job_id, 101)

    rate(client, job_id, 100)

    assert as_dict(reputation.reputation_of(PROVIDER_ID))["rating_count"] == 1


def test_rate__unsettled_job__reverts(
    open_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = open_job()

    with boa.reverts("escrow: job not settled"):
        rate(client, job_id, 50)


@pytest.mark.parametrize("outcome", [REFUNDED_LATE, DECLINED, REJECTED])
def test_rate__refunded_job__reverts(
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
    outcome: int,
) -> None:
    job_id = settle_job(outcome, paid=0, weighted=0)

    for side in (client, provider):
        with boa.reverts("escrow: nothing paid"):
            rate(side, job_id, 50)


@pytest.mark.parametrize("outcome", [DISPUTE_CLIENT, DISPUTE_PROVIDER, SETTLED, SPLIT])
def test_rate__resolved_job_with_payment__both_sides_may_rate(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
    outcome: int,
) -> None:
    job_id = settle_job(outcome, paid=10, weighted=WAD)

    rate(client, job_id, 20)
    rate(provider, job_id, 40)

    assert as_dict(reputation.reputation_of(PROVIDER_ID))["average_score"] == 2000
    assert as_dict(reputation.reputation_of(CLIENT_ID))["average_score"] == 4000


def test_rate__third_party__reverts(
    settle_job: Callable[..., int], rate: Callable[..., Any], attacker: str
) -> None:
    job_id = settle_job(COMPLETED)

    with boa.reverts("escrow: not a party"):
        rate(attacker, job_id, 100)


def test_rate__second_rating_by_same_side__reverts(
    settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = settle_job(COMPLETED)
    rate(client, job_id, 90)

    with boa.reverts("escrow: already rated"):
        rate(client, job_id, 10)


def test_rate__same_principal_job__reverts(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    # two agents of one principal: no facts were written, and no rating either
    job_id = settle_job(COMPLETED, same_principal=True)

    with boa.reverts("escrow: same principal"):
        rate(client, job_id, 100)
    assert as_dict(reputation.reputation_of(PROVIDER_ID))["jobs"] == 0


def test_rate__gate_names_one_agent_on_both_sides__reverts(
    settle_job: Callable[..., int], rate: Callable[..., Any], client: str, provider: str
) -> None:
    # an agent hiring itself can never rate itself, whatever the gate says
    job_id = settle_job(COMPLETED, client_id=PROVIDER_ID, client_address=client)

    with boa.reverts("reputation: self rating"):
        rate(client, job_id, 100)


def test_rate__rated_words_opened_by_settlement(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    # A paid settlement leaves every word `rate` will write nonzero, so that a
    # rating never pays for a fresh storage slot.
    settle_job(COMPLETED)

    for slot in (
        mapping_slot(RATINGS_SLOT, PROVIDER_ID),
        mapping_slot(RATINGS_SLOT, CLIENT_ID),
        mapping_slot(PAIR_RATINGS_SLOT, PROVIDER_ID, CLIENT_ID),
        mapping_slot(PAIR_RATINGS_SLOT, CLIENT_ID, PROVIDER_ID),
    ):
        assert boa.env.evm.get_storage(reputation.address, slot) == 1 << 255


def test_rate__unpaid_settlement__opens_nothing(
    reputation: Any, settle_job: Callable[..., int]
) -> None:
    settle_job(DECLINED, paid=0, weighted=0)

    for slot in (
        mapping_slot(RATINGS_SLOT, PROVIDER_ID),
        mapping_slot(PAIR_RATINGS_SLOT, PROVIDER_ID, CLIENT_ID),
    ):
        assert boa.env.evm.get_storage(reputation.address, slot) == 0


def test_rate__opened_word_already_rated__kept(
    reputation: Any,
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
) -> None:
    # CLIENT_ID is rated by PROVIDER_ID, then serves it for the first time: the
    # new pair must not reset the rating word that already holds a rating.
    rate(provider, settle_job(COMPLETED), 60)
    settle_job(
        COMPLETED,
        client_id=PROVIDER_ID,
        provider_id=CLIENT_ID,
        client_address=provider,
        provider_address=client,
    )

    rep = as_dict(reputation.reputation_among(CLIENT_ID, [PROVIDER_ID]))
    assert (rep["rating_count"], rep["average_score"]) == (1, 6000)


def test_rate__huge_weight__cut_to_room_left(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    weight_max = 2**104 - 1
    rate(client, settle_job(COMPLETED, weighted=2**256 - 1), 100)
    rate(client, settle_job(COMPLETED, weighted=2**200), 0)
    rate(client, settle_job(COMPLETED, weighted=WAD), 0)

    weights = [r.weight for r in ratings_from_logs(reputation)]
    assert weights == [0]  # only the last call's log: no room left
    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert rep["rating_count"] == 3
    assert rep["rating_weight"] == weight_max
    assert rep["rating_weighted_score"] == 100 * weight_max
    assert rep["average_score"] == 10000
    assert as_dict(reputation.reputation_among(PROVIDER_ID, [CLIENT_ID])) == rep


def test_rate__full_count__saturates(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    job_id = settle_job(COMPLETED, weighted=WAD)
    for slot in (
        mapping_slot(RATINGS_SLOT, PROVIDER_ID),
        mapping_slot(PAIR_RATINGS_SLOT, PROVIDER_ID, CLIENT_ID),
    ):
        boa.env.evm.set_storage(reputation.address, slot, (1 << 255) | (2**32 - 1))

    rate(client, job_id, 50)

    rep = as_dict(reputation.reputation_of(PROVIDER_ID))
    assert (rep["rating_count"], rep["rating_weight"], rep["average_score"]) == (
        2**32 - 1,
        WAD,
        5000,
    )
    assert reputation.getLastIndex(PROVIDER_ID, agent_address(CLIENT_ID)) == 2**32 - 1
