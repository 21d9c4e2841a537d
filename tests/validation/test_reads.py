"""Reads: paging edge cases, the standard's whole-list reads (first 100), and
`getSummary` with its validator and tag filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import ZERO_ADDRESS


@pytest.fixture
def five(request_: Callable[..., bytes], validator: str) -> list[bytes]:
    return [request_(f"p{i}") for i in range(5)]


def test_pages__no_requests__empty(validation: Any, agent: int, validator: str) -> None:
    assert validation.agent_validations(agent, 0, 10) == []
    assert validation.validator_requests(validator, 0, 10) == []
    assert validation.getAgentValidations(agent) == []
    assert validation.getValidatorRequests(validator) == []
    assert validation.agent_validation_count(agent) == 0


@pytest.mark.parametrize(
    ("offset", "limit", "want"),
    [
        (0, 5, slice(0, 5)),  # exactly the list
        (0, 2, slice(0, 2)),
        (2, 2, slice(2, 4)),
        (4, 2, slice(4, 5)),  # cut at the end
        (3, 100, slice(3, 5)),
        (5, 1, slice(0, 0)),  # at the end
        (6, 1, slice(0, 0)),  # past the end
        (2**256 - 1, 100, slice(0, 0)),  # far past the end, no overflow
        (0, 0, slice(0, 0)),  # empty page
    ],
)
def test_pages__edges(
    validation: Any,
    five: list[bytes],
    agent: int,
    validator: str,
    offset: int,
    limit: int,
    want: slice,
) -> None:
    assert validation.agent_validations(agent, offset, limit) == five[want]
    assert validation.validator_requests(validator, offset, limit) == five[want]


def test_pages__limit_over_100__reverts(validation: Any, agent: int, validator: str) -> None:
    with boa.reverts("validation: page too large"):
        validation.agent_validations(agent, 0, 101)
    with boa.reverts("validation: page too large"):
        validation.validator_requests(validator, 0, 101)


def test_whole_lists__over_100__return_the_first_100_and_pages_reach_the_rest(
    validation: Any, request_: Callable[..., bytes], agent: int, validator: str
) -> None:
    hashes = [request_(f"many{i}") for i in range(101)]

    assert validation.getAgentValidations(agent) == hashes[:100]
    assert validation.getValidatorRequests(validator) == hashes[:100]
    assert validation.agent_validations(agent, 100, 100) == hashes[100:]
    assert validation.validator_requests(validator, 100, 100) == hashes[100:]
    assert validation.agent_validations(agent, 0, 100) == hashes[:100]
    assert validation.validator_request_count(validator) == 101


def test_summary__filters_by_validators_and_tag(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    agent: int,
    validator: str,
    other_validator: str,
) -> None:
    a, b = request_("a"), request_("b")
    c = request_("c", validator_address=other_validator)
    request_("d")  # never answered
    respond(a, 100, tag="hard")
    respond(b, 51, tag="soft")
    respond(c, 20, tag="hard", sender=other_validator)

    assert validation.getSummary(agent, [], "") == (3, 57)  # 171 // 3
    assert validation.getSummary(agent, [validator], "") == (2, 75)  # 151 // 2
    assert validation.getSummary(agent, [other_validator], "") == (1, 20)
    assert validation.getSummary(agent, [validator, other_validator], "") == (3, 57)
    assert validation.getSummary(agent, [], "hard") == (2, 60)
    assert validation.getSummary(agent, [validator], "hard") == (1, 100)
    assert validation.getSummary(agent, [other_validator], "soft") == (0, 0)
    assert validation.getSummary(agent, [], "unknown") == (0, 0)


def test_summary__repeated_and_empty_addresses__count_once(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    agent: int,
    validator: str,
) -> None:
    respond(request_("a"), 80)

    assert validation.getSummary(agent, [validator, validator, ZERO_ADDRESS], "") == (1, 80)
    assert validation.getSummary(agent, [ZERO_ADDRESS], "") == (0, 0)


def test_summary__64_validators__accepted(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    agent: int,
    validator: str,
) -> None:
    respond(request_("a"), 60)
    others = [f"0x{i:040x}" for i in range(1, 64)]

    assert validation.getSummary(agent, [*others, validator], "") == (1, 60)


def test_summary__other_agent__untouched(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    other_agent: int,
    other_principal: str,
) -> None:
    respond(request_("a"), 60)

    assert validation.getSummary(other_agent, [], "") == (0, 0)


def test_immutables(validation: Any, registry: Any, escrow: str) -> None:
    assert validation.REGISTRY() == registry.address
    assert validation.ESCROW() == escrow


def test_deploy__empty_addresses__revert(registry: Any, escrow: str) -> None:
    from conftest import load

    with boa.reverts("validation: no registry"):
        load("ValidationRegistry", ZERO_ADDRESS, escrow)
    with boa.reverts("validation: no escrow"):
        load("ValidationRegistry", registry.address, ZERO_ADDRESS)
