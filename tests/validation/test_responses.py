"""`validationResponse`: only the named validator, 0..100, updates, tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest

from .helpers import URI, ZERO_HASH, request_hash

EVIDENCE = request_hash("evidence")


def test_respond__stores_status_and_logs(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    agent: int,
    validator: str,
) -> None:
    h = request_()
    boa.env.time_travel(seconds=60)

    respond(h, 87, tag="soft-finality", response_hash=EVIDENCE)

    (event,) = validation.get_logs()
    assert type(event).__name__ == "ValidationResponse"
    assert (
        event.validatorAddress,
        event.agentId,
        event.requestHash,
        event.response,
        event.responseURI,
        event.responseHash,
        event.tag,
    ) == (validator, agent, h, 87, URI, EVIDENCE, "soft-finality")
    now = boa.env.evm.patch.timestamp
    assert validation.getValidationStatus(h) == (
        validator,
        agent,
        87,
        EVIDENCE,
        "soft-finality",
        now,
    )
    assert validation.validation(h).responded
    assert validation.getSummary(agent, [], "") == (1, 87)


@pytest.mark.parametrize("response", [0, 1, 99, 100])
def test_respond__bounds__accepted(
    validation: Any, request_: Callable[..., bytes], respond: Callable[..., None], response: int
) -> None:
    h = request_()

    respond(h, response)

    assert validation.getValidationStatus(h)[2] == response
    assert validation.validation(h).responded


@pytest.mark.parametrize("response", [101, 255])
def test_respond__above_100__reverts(
    request_: Callable[..., bytes], respond: Callable[..., None], response: int
) -> None:
    h = request_()

    with boa.reverts("validation: response above 100"):
        respond(h, response)


def test_respond__by_stranger__reverts(
    request_: Callable[..., bytes], respond: Callable[..., None], attacker: str
) -> None:
    h = request_()

    with boa.reverts("validation: not validator"):
        respond(h, 50, sender=attacker)


def test_respond__by_agents_principal__reverts(
    request_: Callable[..., bytes], respond: Callable[..., None], principal: str
) -> None:
    h = request_()

    with boa.reverts("validation: not validator"):
        respond(h, 100, sender=principal)


def test_respond__by_another_validator__reverts(
    request_: Callable[..., bytes], respond: Callable[..., None], other_validator: str
) -> None:
    h = request_()

    with boa.reverts("validation: not validator"):
        respond(h, 50, sender=other_validator)


def test_respond__unknown_request__reverts(respond: Callable[..., None]) -> None:
    with boa.reverts("validation: unknown request"):
        respond(request_hash("nope"), 50)


def test_respond__again__replaces_the_answer(
    validation: Any, request_: Callable[..., bytes], respond: Callable[..., None], agent: int
) -> None:
    h = request_()
    respond(h, 40, tag="soft", response_hash=EVIDENCE)
    boa.env.time_travel(seconds=600)

    later = request_hash("later")
    respond(h, 90, tag="hard", response_hash=later)

    status = validation.getValidationStatus(h)
    assert status[2:] == (90, later, "hard", boa.env.evm.patch.timestamp)
    assert validation.getSummary(agent, [], "") == (1, 90)
    assert validation.getSummary(agent, [], "hard") == (1, 90)
    assert validation.getSummary(agent, [], "soft") == (0, 0)


@pytest.mark.parametrize("first_odd", [False, True])
@pytest.mark.parametrize("wait", [1, 2, 601])
def test_respond__again__records_the_second_answers_exact_time(
    validation: Any,
    request_: Callable[..., bytes],
    respond: Callable[..., None],
    first_odd: bool,
    wait: int,
) -> None:
    """The time is packed right above the kept fields of the entry: the second
    answer's time must not inherit a bit of the first's (an odd first time, an
    even second one), which a wait of an even number of seconds would hide."""
    h = request_()
    if boa.env.evm.patch.timestamp % 2 != first_odd:
        boa.env.time_travel(seconds=1)
    respond(h, 40, tag="soft", response_hash=EVIDENCE)
    assert validation.getValidationStatus(h)[5] == boa.env.evm.patch.timestamp
    boa.env.time_travel(seconds=wait)

    respond(h, 41, tag="soft", response_hash=EVIDENCE)

    assert validation.getValidationStatus(h)[5] == boa.env.evm.patch.timestamp


def test_respond__again_with_empty_hash_and_tag__clears_them(
    validation: Any, request_: Callable[..., bytes], respond: Callable[..., None], agent: int
) -> None:
    h = request_()
    respond(h, 40, tag="soft", response_hash=EVIDENCE)

    respond(h, 0)

    assert validation.getValidationStatus(h)[2:5] == (0, ZERO_HASH, "")
    assert validation.validation(h).responded
    assert validation.getSummary(agent, [], "") == (1, 0)
    assert validation.getSummary(agent, [], "soft") == (0, 0)


def test_respond__same_answer_twice__counts_once(
    validation: Any, request_: Callable[..., bytes], respond: Callable[..., None], agent: int
) -> None:
    h = request_()
    respond(h, 70, tag="t", response_hash=EVIDENCE)
    respond(h, 70, tag="t", response_hash=EVIDENCE)

    assert validation.getSummary(agent, [], "") == (1, 70)
    assert validation.getSummary(agent, [], "t") == (1, 70)


def test_respond__tag_of_64_bytes__stored(
    validation: Any, request_: Callable[..., bytes], respond: Callable[..., None]
) -> None:
    h = request_()
    tag = "t" * 64

    respond(h, 5, tag=tag)

    assert validation.getValidationStatus(h)[4] == tag


def test_respond__tag_of_65_bytes__reverts(
    validation: Any, request_: Callable[..., bytes], validator: str
) -> None:
    h = request_()

    with boa.env.prank(validator), boa.reverts():
        validation.validationResponse(h, 5, URI, ZERO_HASH, "t" * 65)
