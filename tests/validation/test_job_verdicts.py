"""`publish_verdict`: a job evaluator's verdict, read from the escrow and
published by anyone, once, final."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import URI, ZERO_ADDRESS, ZERO_HASH, job_id_of, job_request_hash, request_hash

RESULT = request_hash("result")


def test_job_request_hash__matches_the_client_formula(validation: Any, escrow: str) -> None:
    for job_id in (0, 1, 2**200 + 5):
        assert validation.job_request_hash(job_id) == job_request_hash(escrow, job_id)


@pytest.mark.parametrize(("approved", "response"), [(True, 100), (False, 0)])
def test_publish__records_request_and_answer_from_the_escrow(
    validation: Any,
    verdict: Callable[..., int],
    agent: int,
    evaluator: str,
    approved: bool,
    response: int,
) -> None:
    job_id = verdict(42, agent, approved, response_hash=RESULT)

    request, answer = validation.get_logs()
    h = validation.job_request_hash(job_id)
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
        "",
    )
    now = boa.env.evm.patch.timestamp
    assert validation.getValidationStatus(h) == (evaluator, agent, response, RESULT, "", now)
    full = validation.validation(h)
    assert full.responded and full.job_verdict
    assert validation.getAgentValidations(agent) == [h]
    assert validation.getValidatorRequests(evaluator) == [h]
    assert validation.getSummary(agent, [evaluator], "") == (1, response)


def test_publish__anyone_may__the_evaluator_and_a_stranger_alike(
    validation: Any, verdict: Callable[..., int], agent: int, evaluator: str, principal: str
) -> None:
    """Who publishes changes nothing recorded: the provider's principal, the
    evaluator itself or a stranger get the same record."""
    for n, sender in enumerate((principal, evaluator), start=1):
        job_id = verdict(n, agent, True, response_hash=RESULT, sender=sender)
        h = validation.job_request_hash(job_id)
        assert validation.getValidationStatus(h)[:4] == (evaluator, agent, 100, RESULT)
    assert validation.getSummary(agent, [evaluator], "") == (2, 100)  # count, average


def test_publish__no_verdict_in_the_escrow__reverts(validation: Any, attacker: str) -> None:
    """The escrow reads a job without a verdict as an empty evaluator."""
    with boa.env.prank(attacker), boa.reverts("validation: no verdict"):
        validation.publish_verdict(job_id_of(5, 1))


def test_publish__empty_evaluator__reverts(verdict: Callable[..., int], agent: int) -> None:
    with boa.reverts("validation: no verdict"):
        verdict(1, agent, True, evaluator_address=ZERO_ADDRESS)


def test_publish__twice__reverts_and_changes_nothing(
    validation: Any, verdicts: Any, verdict: Callable[..., int], agent: int, attacker: str
) -> None:
    job_id = verdict(9, agent, True)
    h = validation.job_request_hash(job_id)
    before = validation.getValidationStatus(h)
    boa.env.time_travel(seconds=60)
    with boa.env.prank(attacker), boa.reverts("validation: verdict published"):
        validation.publish_verdict(job_id)
    # even if the source changed its answer, the record is final
    verdicts.set_verdict(job_id, attacker, False, RESULT)
    with boa.env.prank(attacker), boa.reverts("validation: verdict published"):
        validation.publish_verdict(job_id)
    assert validation.getValidationStatus(h) == before
    assert validation.getSummary(agent, [], "") == (1, 100)


def test_publish__is_final__validator_cannot_answer_it(
    validation: Any, verdict: Callable[..., int], agent: int, evaluator: str
) -> None:
    job_id = verdict(9, agent, False)

    with boa.env.prank(evaluator), boa.reverts("validation: job verdict is final"):
        validation.validationResponse(validation.job_request_hash(job_id), 100, URI, ZERO_HASH, "")


def test_publish__empty_report_hash__counted_untagged(
    validation: Any, verdict: Callable[..., int], agent: int
) -> None:
    job_id = verdict(3, agent, True, response_hash=ZERO_HASH)

    assert validation.getValidationStatus(validation.job_request_hash(job_id))[3:5] == (
        ZERO_HASH,
        "",
    )
    assert validation.getSummary(agent, [], "") == (1, 100)


def test_publish__over_a_front_running_request__replaces_it(
    validation: Any,
    verdict: Callable[..., int],
    register_agent: Callable[..., int],
    agent: int,
    attacker: str,
    evaluator: str,
) -> None:
    # Someone uses the job's predictable hash first, for an agent of their
    # own, and answers it themselves with a good score.
    own = register_agent(attacker)
    h = validation.job_request_hash(job_id_of(77, agent))
    with boa.env.prank(attacker):
        validation.validationRequest(attacker, own, URI, h)
        validation.validationResponse(h, 100, URI, request_hash("fake"), "job-evaluation")

    verdict(77, agent, False, response_hash=RESULT)

    assert validation.getValidationStatus(h)[:4] == (evaluator, agent, 0, RESULT)
    assert validation.validation(h).job_verdict
    assert validation.getSummary(own, [], "") == (0, 0)
    assert validation.getSummary(own, [], "job-evaluation") == (0, 0)
    assert validation.getSummary(agent, [], "") == (1, 0)
    with boa.env.prank(attacker), boa.reverts("validation: not validator"):
        validation.validationResponse(h, 100, URI, ZERO_HASH, "")


def test_publish__over_an_unanswered_request__replaces_it(
    validation: Any, verdict: Callable[..., int], agent: int, principal: str, validator: str
) -> None:
    h = validation.job_request_hash(job_id_of(78, agent))
    with boa.env.prank(principal):
        validation.validationRequest(validator, agent, URI, h)

    verdict(78, agent, True)

    assert validation.getValidationStatus(h)[2] == 100
    assert validation.getSummary(agent, [], "") == (1, 100)
    assert validation.getSummary(agent, [validator], "") == (0, 0)
