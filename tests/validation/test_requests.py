"""`validationRequest`: who may ask, what it stores, what it logs, and its reverts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import URI, ZERO_ADDRESS, ZERO_HASH, request_hash


def test_request__by_principal__stores_lists_and_logs(
    validation: Any, request_: Callable[..., bytes], agent: int, validator: str
) -> None:
    h = request_("a")

    (event,) = validation.get_logs()
    assert type(event).__name__ == "ValidationRequest"
    assert (event.validatorAddress, event.agentId, event.requestURI, event.requestHash) == (
        validator,
        agent,
        URI,
        h,
    )
    status = validation.getValidationStatus(h)
    assert status == (validator, agent, 0, ZERO_HASH, "", boa.env.evm.patch.timestamp)
    full = validation.validation(h)
    assert not full.responded and not full.job_verdict
    assert validation.getAgentValidations(agent) == [h]
    assert validation.getValidatorRequests(validator) == [h]
    assert validation.agent_validation_count(agent) == 1
    assert validation.validator_request_count(validator) == 1


def test_request__by_operator__accepted(
    validation: Any, request_: Callable[..., bytes], with_operator: str, agent: int
) -> None:
    h = request_("op", sender=with_operator)

    assert validation.getValidationStatus(h)[1] == agent


def test_request__by_stranger__reverts(request_: Callable[..., bytes], attacker: str) -> None:
    with boa.reverts("validation: not owner or operator"):
        request_("x", sender=attacker)


def test_request__for_unknown_agent__reverts(
    request_: Callable[..., bytes], principal: str
) -> None:
    with boa.reverts("validation: not owner or operator"):
        request_("x", agent_id=999)


def test_request__by_frozen_agents_operator__reverts(
    registry: Any,
    request_: Callable[..., bytes],
    with_operator: str,
    agent: int,
    principal: str,
) -> None:
    with boa.env.prank(principal):
        registry.freeze(agent)

    with boa.reverts("validation: agent frozen"):
        request_("x", sender=with_operator)


def test_request__by_frozen_agents_principal__accepted(
    registry: Any, validation: Any, request_: Callable[..., bytes], agent: int, principal: str
) -> None:
    with boa.env.prank(principal):
        registry.freeze(agent)

    h = request_("p")

    assert validation.getValidationStatus(h)[1] == agent


def test_request__no_validator__reverts(request_: Callable[..., bytes]) -> None:
    with boa.reverts("validation: no validator"):
        request_("x", validator_address=ZERO_ADDRESS)


def test_request__empty_hash__reverts(
    validation: Any, agent: int, principal: str, validator: str
) -> None:
    with boa.env.prank(principal), boa.reverts("validation: empty hash"):
        validation.validationRequest(validator, agent, URI, ZERO_HASH)


def test_request__hash_used_before__reverts(
    request_: Callable[..., bytes], other_agent: int, other_principal: str, other_validator: str
) -> None:
    request_("dup")

    # by anyone, for any agent and validator
    with boa.reverts("validation: request exists"):
        request_(
            "dup", sender=other_principal, agent_id=other_agent, validator_address=other_validator
        )


def test_request__hash_of_a_job_verdict__reverts(
    validation: Any, verdict: Callable[..., int], agent: int, principal: str, validator: str
) -> None:
    job_id = verdict(7, agent, True)

    with boa.env.prank(principal), boa.reverts("validation: request exists"):
        validation.validationRequest(validator, agent, URI, validation.job_request_hash(job_id))


def test_request__agent_may_name_its_own_principal(
    validation: Any, request_: Callable[..., bytes], principal: str
) -> None:
    # Allowed, as in ERC-8004: readers filter validators they trust.
    h = request_("self", validator_address=principal)

    assert validation.getValidationStatus(h)[0] == principal


def test_request__many__lists_keep_their_order(
    validation: Any,
    request_: Callable[..., bytes],
    agent: int,
    other_agent: int,
    other_principal: str,
    validator: str,
    other_validator: str,
) -> None:
    a = request_("1")
    b = request_("2", validator_address=other_validator)
    c = request_("3", sender=other_principal, agent_id=other_agent)
    d = request_("4")

    assert validation.getAgentValidations(agent) == [a, b, d]
    assert validation.getAgentValidations(other_agent) == [c]
    assert validation.getValidatorRequests(validator) == [a, c, d]
    assert validation.getValidatorRequests(other_validator) == [b]


@pytest.mark.parametrize("uri", ["", "x" * 1024])
def test_request__uri_lengths__logged_whole(
    validation: Any, request_: Callable[..., bytes], uri: str
) -> None:
    request_("u", uri=uri)

    (event,) = validation.get_logs()
    assert event.requestURI == uri


def test_request__unknown_hash__status_all_empty(validation: Any) -> None:
    h = request_hash("never")

    assert validation.getValidationStatus(h) == (ZERO_ADDRESS, 0, 0, ZERO_HASH, "", 0)
    full = validation.validation(h)
    assert (full.validator, full.agent_id, full.responded, full.last_update) == (
        ZERO_ADDRESS,
        0,
        False,
        0,
    )


def test_request__agent_id_above_64_bits__reverts(validation: Any, principal: str) -> None:
    """The registry mints ids far below 2**64; the ENTRY word keeps 64 bits."""
    with boa.env.prank(principal), boa.reverts("validation: agent id too large"):
        validation.validationRequest(principal, 2**64, URI, request_hash("big"))
