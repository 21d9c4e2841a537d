"""Fixtures for the reputation registry: a mock escrow, the registry wired to it,
role-named parties, and factories that play a job's ending and a rating
(helpers, the event model and the gas runner are in `helpers.py`).

The escrow is `tests/mocks/MockRatingGate.vy`: it calls `record_job` when a job
between different principals settles (logging `ReputationRecorded`, the facts
the real escrow's settlement events carry) and answers `consume_rating` with the
escrow's checks and revert strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boa
import pytest
from eth_account.signers.local import LocalAccount

from .helpers import CLIENT_ID, HASH, PROVIDER_ID, URI, WAD

ROOT = Path(__file__).resolve().parents[2]


def load(name: str, *args: Any) -> Any:
    """Deploy `contracts/<name>.vy`, else `tests/mocks/<name>.vy` (as the root
    conftest's `load`, kept here so no conftest imports another)."""
    path = ROOT / "contracts" / f"{name}.vy"
    if not path.exists():
        path = ROOT / "tests" / "mocks" / f"{name}.vy"
    return boa.load(str(path), *args)


@pytest.fixture(scope="session")
def client(keyed: Callable[[str], LocalAccount]) -> str:
    """Acting address (owner or operator) of the client agent."""
    return str(keyed("client").address)


@pytest.fixture(scope="session")
def provider(keyed: Callable[[str], LocalAccount]) -> str:
    """Acting address of the provider agent."""
    return str(keyed("provider").address)


@pytest.fixture(scope="session")
def third(keyed: Callable[[str], LocalAccount]) -> str:
    """Acting address of a third agent."""
    return str(keyed("third").address)


@pytest.fixture(scope="module")
def escrow(deployer: str) -> Any:
    with boa.env.prank(deployer):
        return load("MockRatingGate")


@pytest.fixture(scope="module")
def reputation(escrow: Any, deployer: str) -> Any:
    with boa.env.prank(deployer):
        registry = load("ReputationRegistry", escrow.address)
        escrow.set_reputation(registry.address)
    return registry


@pytest.fixture
def job_ids() -> Iterator[int]:
    def _ids() -> Iterator[int]:
        n = 1000
        while True:
            n += 1
            yield n

    return _ids()


@pytest.fixture
def open_job(escrow: Any, client: str, provider: str, job_ids: Iterator[int]) -> Callable[..., int]:
    """`open_job(client_id=..., provider_id=..., ...)` creates an unsettled job."""

    def _open(
        client_id: int = CLIENT_ID,
        provider_id: int = PROVIDER_ID,
        client_address: str | None = None,
        provider_address: str | None = None,
        same_principal: bool = False,
    ) -> int:
        job_id = next(job_ids)
        escrow.open_job(
            job_id,
            client_id,
            client_address or client,
            provider_id,
            provider_address or provider,
            same_principal,
        )
        return job_id

    return _open


@pytest.fixture
def settle_job(escrow: Any, open_job: Callable[..., int]) -> Callable[..., int]:
    """`settle_job(outcome, paid=..., weighted=..., ...)` plays a job to its
    ending through the mock escrow and returns its id."""

    def _settle(
        outcome: int = 1,
        paid: int = 1_000_000,
        weighted: int = WAD,
        **job: Any,
    ) -> int:
        job_id = open_job(**job)
        escrow.settle(job_id, outcome, paid, weighted)
        return job_id

    return _settle


@pytest.fixture
def rate(reputation: Any) -> Callable[..., Any]:
    """`rate(sender, job_id, score, tag1=..., ...)` rates as `sender`."""

    def _rate(
        sender: str,
        job_id: int,
        score: int,
        tag1: str = "",
        tag2: str = "",
        uri: str = URI,
        feedback_hash: bytes = HASH,
    ) -> Any:
        with boa.env.prank(sender):
            return reputation.rate(job_id, score, tag1, tag2, uri, feedback_hash)

    return _rate
