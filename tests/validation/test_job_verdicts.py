"""`record_verdict`: the escrow's path for a job evaluator's verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import URI, ZERO_ADDRESS, ZERO_HASH, job_request_hash, request_hash

RESULT = request_hash("result")


def test_job_request_hash__matches_the_client_formula(validation: Any, escrow: str) -> None:
    for job_id in (0, 1, 2**200 + 5):
        assert validation.job_request_hash(job_id) == job_request_hash(escrow, job_id)


@pytest.mark.parametrize(("approved", "response"), [(True, 100), (False, 0)])
def test_verdict__records_request_and_answer(
    validation: Any,
    verdict: Callable[..., None],
    agent: int,
    evaluator: str,
    approved: bool,
    response: int,
) -> None:
    verdict(42, agent, approved, tag="job-evaluation", response_hash=RESULT)

    request, answer = validation.get_logs()
    h = validation.job_request_hash(42)
    assert type(request).__name__ == "ValidationRequest"
    assert (request.validatorAddress, request.agentId, request.requestURI, request.requestHash) == (
        evaluator,
        agent,
        "",
        h,
    )
    assert type(answer).__name__ == "ValidationResponse"
    assert (answer.response, answer.responseURI, answer.responseHash, answer.tag) == (
        response,
        "",
        RESULT,
        "job-evaluation",
    )
    now = boa.env.evm.patch.timestamp
    assert validation.getValidationStatus(h) == (
        evaluator,
        agent,
        response,
        RESULT,
        "job-evaluation",
        now,
    )
    full = validation.validation(h)
    assert full.responded and full.job_verdict
    assert validation.getAgentValidations(agent) == [h]
    assert validation.getValidatorRequests(evaluator) == [h]
    assert validation.getSummary(agent, [evaluator], "job-evaluation") == (1, response)


def test_verdict__not_escrow__reverts(
    verdict: Callable[..., None], agent: int, attacker: str, evaluator: str
) -> None:
    with boa.reverts("validation: not escrow"):
        verdict(1, agent, True, sender=attacker)
    # not even the evaluator itself
    with boa.reverts("validation: not escrow"):
        verdict(1, agent, True, sender=evaluator)


def test_verdict__no_evaluator__reverts(verdict: Callable[..., None], agent: int) -> None:
    with boa.reverts("validation: no validator"):
        verdict(1, agent, True, evaluator_address=ZERO_ADDRESS)


def test_verdict__agent_id_too_large__reverts(verdict: Callable[..., None]) -> None:
    with boa.reverts("validation: agent id too large"):
        verdict(1, 2**64, True)


def test_verdict__twice_on_a_job__reverts(verdict: Callable[..., None], agent: int) -> None:
    verdict(9, agent, True)

    with boa.reverts("validation: verdict recorded"):
        verdict(9, agent, False)


def test_verdict__is_final__validator_cannot_answer_it(
    validation: Any, verdict: Callable[..., None], agent: int, evaluator: str
) -> None:
    verdict(9, agent, False)

    with boa.env.prank(evaluator), boa.reverts("validation: job verdict is final"):
        validation.validationResponse(validation.job_request_hash(9), 100, URI, ZERO_HASH, "")


def test_verdict__empty_tag_and_hash__counted_untagged(
    validation: Any, verdict: Callable[..., None], agent: int, evaluator: str
) -> None:
    verdict(3, agent, True, tag="", response_hash=ZERO_HASH)

    assert validation.getValidationStatus(validation.job_request_hash(3))[3:5] == (ZERO_HASH, "")
    assert validation.getSummary(agent, [], "") == (1, 100)


def test_verdict__over_a_front_running_request__replaces_it(
    validation: Any,
    verdict: Callable[..., None],
    register_agent: Callable[..., int],
    agent: int,
    attacker: str,
    evaluator: str,
) -> None:
    # Someone uses the job's predictable hash first, for an agent of their
    # own, and answers it themselves with a good score.
    own = register_agent(attacker)
    h = validation.job_request_hash(77)
    with boa.env.prank(attacker):
        validation.validationRequest(attacker, own, URI, h)
        validation.validationResponse(h, 100, URI, request_hash("fake"), "job-evaluation")

    verdict(77, agent, False, response_hash=RESULT)

    assert validation.getValidationStatus(h)[:4] == (evaluator, agent, 0, RESULT)
    assert validation.validation(h).job_verdict
    assert validation.getSummary(own, [], "") == (0, 0)
    assert validation.getSummary(own, [], "job-evaluation") == (0, 0)
    assert validation.getSummary(agent, [], "job-evaluation") == (1, 0)
    with boa.env.prank(attacker), boa.reverts("validation: not validator"):
        validation.validationResponse(h, 100, URI, ZERO_HASH, "")


def test_verdict__over_an_unanswered_request__replaces_it(
    validation: Any, verdict: Callable[..., None], agent: int, principal: str, validator: str
) -> None:
    h = validation.job_request_hash(78)
    with boa.env.prank(principal):
        validation.validationRequest(validator, agent, URI, h)

    verdict(78, agent, True)

    assert validation.getValidationStatus(h)[2] == 100
    assert validation.getSummary(agent, [], "") == (1, 100)
    assert validation.getSummary(agent, [validator], "") == (0, 0)
