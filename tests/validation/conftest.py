"""Fixtures for the validation registry: the identity registry, a stand-in
escrow account (`record_verdict` checks only the caller), the registry wired
to both, role-named parties and factories for requests and answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from eth_account.signers.local import LocalAccount

from agentmarket.registry import sign_wallet_proof

from .helpers import URI, ZERO_HASH, request_hash


@pytest.fixture(scope="session")
def escrow(keyed: Callable[[str], LocalAccount]) -> str:
    """The address the registry trusts as the escrow (an account stands in)."""
    return str(keyed("escrow").address)


@pytest.fixture(scope="session")
def validator(keyed: Callable[[str], LocalAccount]) -> str:
    return str(keyed("validator").address)


@pytest.fixture(scope="session")
def other_validator(keyed: Callable[[str], LocalAccount]) -> str:
    return str(keyed("other_validator").address)


@pytest.fixture(scope="session")
def evaluator(keyed: Callable[[str], LocalAccount]) -> str:
    return str(keyed("evaluator").address)


@pytest.fixture(scope="module")
def validation(registry: Any, escrow: str, deployer: str) -> Any:
    from conftest import load

    with boa.env.prank(deployer):
        return load("ValidationRegistry", registry.address, escrow)


@pytest.fixture(scope="module")
def agent(register_agent: Callable[..., int], principal: str) -> int:
    """An agent owned by `principal`."""
    return register_agent(principal)


@pytest.fixture(scope="module")
def other_agent(register_agent: Callable[..., int], other_principal: str) -> int:
    """An agent owned by `other_principal`."""
    return register_agent(other_principal)


@pytest.fixture
def with_operator(registry: Any, agent: int, principal: str, operator: LocalAccount) -> str:
    """Make `operator` the agent's operator; return its address."""
    deadline = boa.env.evm.patch.timestamp + 120
    proof = sign_wallet_proof(
        operator, boa.env.evm.patch.chain_id, str(registry.address), agent, principal, deadline
    )
    with boa.env.prank(principal):
        registry.setAgentWallet(agent, operator.address, deadline, proof)
    return str(operator.address)


@pytest.fixture
def request_(validation: Any, principal: str, validator: str, agent: int) -> Callable[..., bytes]:
    """`request_(label, sender=principal, validator=..., agent_id=...)` asks
    for a validation and returns the request hash."""

    def _request(
        label: str = "a",
        sender: str | None = None,
        validator_address: str | None = None,
        agent_id: int | None = None,
        uri: str = URI,
    ) -> bytes:
        h = request_hash(label)
        with boa.env.prank(sender or principal):
            validation.validationRequest(
                validator_address or validator, agent if agent_id is None else agent_id, uri, h
            )
        return h

    return _request


@pytest.fixture
def respond(validation: Any, validator: str) -> Callable[..., None]:
    """`respond(h, response, tag=..., sender=validator, ...)` answers a request."""

    def _respond(
        h: bytes,
        response: int,
        tag: str = "",
        sender: str | None = None,
        response_hash: bytes = ZERO_HASH,
        uri: str = URI,
    ) -> None:
        with boa.env.prank(sender or validator):
            validation.validationResponse(h, response, uri, response_hash, tag)

    return _respond


@pytest.fixture
def verdict(validation: Any, escrow: str, evaluator: str) -> Callable[..., None]:
    """`verdict(job_id, provider_id, approved, ...)` records a job verdict as the escrow."""

    def _verdict(
        job_id: int,
        provider_id: int,
        approved: bool,
        tag: str = "job-evaluation",
        response_hash: bytes = ZERO_HASH,
        evaluator_address: str | None = None,
        sender: str | None = None,
    ) -> None:
        with boa.env.prank(sender or escrow):
            validation.record_verdict(
                job_id, evaluator_address or evaluator, provider_id, approved, response_hash, tag
            )

    return _verdict
