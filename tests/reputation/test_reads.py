"""Reads: the pair-filtered aggregate, ERC-8004 `getSummary` and the ABI."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import (
    CLIENT_ID,
    COMPLETED,
    DISPUTE_CLIENT,
    DISPUTE_PROVIDER,
    ERC8004_REPUTATION_ABI,
    PROVIDER_ID,
    REFUNDED_LATE,
    ROOT,
    THIRD_ID,
    WAD,
    agent_address,
    as_dict,
    empty_reputation,
    event_signature,
)

FOURTH_ID = 44


@pytest.fixture
def history(
    settle_job: Callable[..., int],
    rate: Callable[..., Any],
    client: str,
    provider: str,
    third: str,
    keyed: Callable[[str], Any],
) -> None:
    """PROVIDER_ID's record with three counterparties:
    - CLIENT_ID hired it twice (completed, worth 2, rated 90; dispute it lost,
      worth 1, rated 10),
    - THIRD_ID hired it once (late refund) and once more (completed, worth 1,
      rated 40), and PROVIDER_ID rated THIRD_ID 70,
    - PROVIDER_ID hired FOURTH_ID (dispute PROVIDER_ID won as client).
    """
    fourth = str(keyed("fourth").address)
    rate(client, settle_job(COMPLETED, weighted=2 * WAD), 90)
    rate(client, settle_job(DISPUTE_CLIENT, paid=1, weighted=WAD), 10)
    settle_job(REFUNDED_LATE, paid=0, weighted=0, client_id=THIRD_ID, client_address=third)
    job = settle_job(COMPLETED, weighted=WAD, client_id=THIRD_ID, client_address=third)
    rate(third, job, 40)
    rate(provider, job, 70)
    settle_job(
        DISPUTE_CLIENT,
        paid=0,
        weighted=0,
        client_id=PROVIDER_ID,
        client_address=provider,
        provider_id=FOURTH_ID,
        provider_address=fourth,
    )


@pytest.mark.usefixtures("history")
def test_reputation_of__whole_history(reputation: Any) -> None:
    assert as_dict(reputation.reputation_of(PROVIDER_ID)) == empty_reputation(
        completed=2,
        failed=1,
        disputes_won=1,
        disputes_lost=1,
        jobs=5,
        volume=4 * WAD,
        rating_count=3,
        rating_weight=4 * WAD,
        rating_weighted_score=(180 + 10 + 40) * WAD,
        average_score=5750,
    )


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("among", "expected"),
    [
        (
            [CLIENT_ID],
            dict(
                completed=1,
                disputes_lost=1,
                jobs=2,
                volume=3 * WAD,
                rating_count=2,
                rating_weight=3 * WAD,
                rating_weighted_score=190 * WAD,
                average_score=6333,
            ),
        ),
        (
            [THIRD_ID],
            dict(
                completed=1,
                failed=1,
                jobs=2,
                volume=WAD,
                rating_count=1,
                rating_weight=WAD,
                rating_weighted_score=40 * WAD,
                average_score=4000,
            ),
        ),
        # a counterparty it hired: the facts of its client role, no rating
        ([FOURTH_ID], dict(disputes_won=1, jobs=1)),
        (
            [CLIENT_ID, THIRD_ID],
            dict(
                completed=2,
                failed=1,
                disputes_lost=1,
                jobs=4,
                volume=4 * WAD,
                rating_count=3,
                rating_weight=4 * WAD,
                rating_weighted_score=230 * WAD,
                average_score=5750,
            ),
        ),
        # duplicates count once, strangers and the agent itself add nothing
        (
            [FOURTH_ID, 999, FOURTH_ID, PROVIDER_ID, FOURTH_ID],
            dict(disputes_won=1, jobs=1),
        ),
        ([], {}),
    ],
)
def test_reputation_among__counts_only_listed_counterparties(
    reputation: Any, among: list[int], expected: dict[str, int]
) -> None:
    assert as_dict(reputation.reputation_among(PROVIDER_ID, among)) == empty_reputation(**expected)


@pytest.mark.usefixtures("history")
def test_reputation_among__the_other_side_sees_the_mirror(reputation: Any) -> None:
    # THIRD_ID: as client of PROVIDER_ID a refund and a completed job; rated 70.
    assert as_dict(reputation.reputation_among(THIRD_ID, [PROVIDER_ID])) == empty_reputation(
        completed=1,
        refunded=1,
        jobs=2,
        volume=WAD,
        rating_count=1,
        rating_weight=WAD,
        rating_weighted_score=70 * WAD,
        average_score=7000,
    )
    assert as_dict(reputation.reputation_among(FOURTH_ID, [PROVIDER_ID])) == empty_reputation(
        disputes_lost=1, jobs=1
    )


def test_reputation_among__64_counterparties_accepted(reputation: Any) -> None:
    assert reputation.reputation_among(PROVIDER_ID, list(range(1, 65))).jobs == 0


def test_reputation_among__65_counterparties__reverts(reputation: Any) -> None:
    with boa.reverts():
        reputation.reputation_among(PROVIDER_ID, list(range(1, 66)))


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("raters", "expected"),
    [
        ([], (3, 5750, 2)),  # every rater
        ([CLIENT_ID], (2, 6333, 2)),
        ([THIRD_ID], (1, 4000, 2)),
        ([CLIENT_ID, THIRD_ID, CLIENT_ID], (3, 5750, 2)),
        ([FOURTH_ID, 999], (0, 0, 2)),
    ],
)
def test_get_summary__rater_agent_ids_as_addresses(
    reputation: Any, raters: list[int], expected: tuple[int, int, int]
) -> None:
    addresses = [agent_address(r) for r in raters]
    assert reputation.getSummary(PROVIDER_ID, addresses, "", "") == expected


@pytest.mark.usefixtures("history")
def test_get_summary__rated_as_client(reputation: Any) -> None:
    assert reputation.getSummary(THIRD_ID, [], "", "") == (1, 7000, 2)
    assert reputation.getSummary(FOURTH_ID, [], "", "") == (0, 0, 2)


@pytest.mark.parametrize(("tag1", "tag2"), [("quality", ""), ("", "latency"), ("a", "b")])
def test_get_summary__tag_filter__reverts(reputation: Any, tag1: str, tag2: str) -> None:
    with boa.reverts("reputation: tag filters unsupported"):
        reputation.getSummary(PROVIDER_ID, [], tag1, tag2)


def test_get_summary__zero_weight_ratings__counted_without_average(
    reputation: Any, settle_job: Callable[..., int], rate: Callable[..., Any], client: str
) -> None:
    # paid, but in a token governance weighs at zero
    rate(client, settle_job(DISPUTE_PROVIDER, paid=5, weighted=0), 90)

    assert reputation.getSummary(PROVIDER_ID, [], "", "") == (1, 0, 2)


def _abi(path: str) -> list[dict[str, Any]]:
    from vyper.compiler.output import build_abi_output

    compiler_data = boa.load_partial(str(ROOT / path)).compiler_data
    return json.loads(json.dumps(build_abi_output(compiler_data)))  # type: ignore[no-any-return]


def _fn_signature(abi: list[dict[str, Any]], name: str) -> tuple[str, tuple[str, ...]]:
    (entry,) = [e for e in abi if e.get("type") == "function" and e["name"] == name]
    inputs = ",".join(i["type"] for i in entry["inputs"])
    return f"{name}({inputs})", tuple(o["type"] for o in entry["outputs"])


@pytest.mark.parametrize("name", ["getSummary", "getLastIndex"])
def test_abi__erc8004_reads_match_the_standard(name: str) -> None:
    ours = _abi("contracts/ReputationRegistry.vy")
    assert _fn_signature(ours, name) == _fn_signature(ERC8004_REPUTATION_ABI, name)


def test_abi__new_feedback_event_matches_the_standard() -> None:
    ours = _abi("contracts/ReputationRegistry.vy")
    assert event_signature(ours, "NewFeedback") == event_signature(
        ERC8004_REPUTATION_ABI, "NewFeedback"
    )
    (mine,) = [e for e in ours if e.get("name") == "NewFeedback"]
    (theirs,) = [e for e in ERC8004_REPUTATION_ABI if e.get("name") == "NewFeedback"]
    assert [i["indexed"] for i in mine["inputs"]] == [i["indexed"] for i in theirs["inputs"]]


def test_abi__record_job_matches_the_escrow_hook() -> None:
    hook = (ROOT / "contracts" / "interfaces" / "IReputationHook.vyi").read_text()
    match = re.search(r"def record_job\((.*?)\):", hook, re.S)
    assert match is not None
    types = [arg.split(":")[1].strip() for arg in match.group(1).split(",") if ":" in arg]
    ours = _abi("contracts/ReputationRegistry.vy")
    assert _fn_signature(ours, "record_job")[0] == f"record_job({','.join(types)})"
