"""Fixtures for the validation registry: the identity registry, a stand-in
escrow (`MockVerdictSource`: the job verdicts `publish_verdict` reads), the
registry wired to both, role-named parties and factories for requests,
answers and published verdicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boa
import pytest
from escrow.helpers import PROVIDER_AGENT_ID, SIBLING_AGENT_ID, register_as
from eth_account.signers.local import LocalAccount

from agentmarket.contracts.registry import sign_wallet_proof

from .helpers import URI, ZERO_HASH, job_id_of, request_hash


@pytest.fixture(scope="module")
def verdicts(deployer: str) -> Any:
    """The stand-in escrow: stores the verdicts the registry publishes."""
    from conftest import load

    with boa.env.prank(deployer):
        return load("MockVerdictSource")


@pytest.fixture(scope="module")
def escrow(verdicts: Any) -> str:
    """The address the registry reads job verdicts from."""
    return str(verdicts.address)


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
def agent(registry: Any, principal: str) -> int:
    """An agent owned by `principal`, at the top of the id field (2**64 - 1:
    an entry packs it in bits 0-63); agents registered later get small ids."""
    return register_as(registry, principal, PROVIDER_AGENT_ID, keep_counter=True)


@pytest.fixture(scope="module")
def other_agent(registry: Any, other_principal: str) -> int:
    """An agent owned by `other_principal`, odd with the field's top bit set."""
    return register_as(registry, other_principal, SIBLING_AGENT_ID, keep_counter=True)


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
def verdict(validation: Any, verdicts: Any, evaluator: str, attacker: str) -> Callable[..., int]:
    """`verdict(n, provider_id, approved, ...)`: the stand-in escrow holds a
    verdict on job `job_id_of(n, provider_id)`, which `sender` (a stranger
    by default) publishes; returns the job id."""

    def _verdict(
        n: int,
        provider_id: int,
        approved: bool,
        response_hash: bytes = ZERO_HASH,
        evaluator_address: str | None = None,
        sender: str | None = None,
    ) -> int:
        job_id = job_id_of(n, provider_id)
        verdicts.set_verdict(job_id, evaluator_address or evaluator, approved, response_hash)
        with boa.env.prank(sender or attacker):
            validation.publish_verdict(job_id)
        return job_id

    return _verdict
