"""The client flow of issue 18 against anvil over real HTTP: a `ClientAgent` finds a
provider through the index, verifies its registration file, hires it on-chain, sends
the signed task over A2A to a test provider (tests/agent_client/provider.py), waits
for the delivery on-chain, fetches and checks the result and completes, or disputes
it with evidence; and every way that goes wrong."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from web3 import Web3

from agentmarket import JobStatus, Offer
from agentmarket.agent.client import (
    EVIDENCE_KIND,
    ClientAgent,
    NoProviderError,
    NotClientAgentError,
    ProviderRefusedError,
    read_data_uri,
)
from agentmarket.agent.tasks import task_typed_data
from agentmarket.contracts.disputes import DisputeStatus

from .conftest import UNIT, ProviderFactory, World, client_agent

pytestmark = pytest.mark.integration

FEE_BPS = 100  # the deployment's protocol fee: 1% of what the provider earns
BOND_BPS = 1_000  # a dispute bond: 10% of the amount


def keccak(data: bytes) -> bytes:
    return bytes(Web3.keccak(data))


def test_hire__verified_provider__result_checked_paid_and_reputation_written(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    provider = start_provider("upper-happy", 10 * UNIT)
    client_before = world.balance(world.client_id)

    outcome = client_agent(world, tmp_path).hire("upper-happy", "hello agents", 20 * UNIT)

    assert outcome.status is JobStatus.COMPLETED and not outcome.disputed
    assert outcome.provider_id == provider.agent_id and outcome.price == 10 * UNIT
    assert outcome.result == "HELLO AGENTS" and outcome.result_bytes == b"HELLO AGENTS"
    assert outcome.result_hash == keccak(b"HELLO AGENTS")
    assert outcome.result_uri == f"{provider.base}/results/0x{keccak(b'HELLO AGENTS').hex()}"
    assert outcome.a2a_endpoint == f"{provider.base}/.well-known/agent-card.json"
    assert outcome.a2a_task_id == f"job-{outcome.job_id}" and outcome.skipped == []
    assert outcome.timings.total >= outcome.timings.delivery > 0
    # the provider took one signed task for exactly this job, and was paid for it
    assert provider.messages == 1 and list(provider.journal) == [outcome.job_id]
    job = world.market.escrow.job(outcome.job_id)
    assert job.status is JobStatus.COMPLETED and job.client_id == world.client_id
    assert world.balance(world.client_id) == client_before - 10 * UNIT
    earned = 10 * UNIT * (10_000 - FEE_BPS) // 10_000
    assert world.balance(provider.agent_id) == earned
    reputation = world.market.reputation.of(provider.agent_id)
    assert (reputation.completed, reputation.jobs, reputation.volume) == (1, 1, earned)


def test_hire_listing_and_hire_offer__a_known_listing_and_a_signed_offer(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    provider = start_provider("upper-known", 4 * UNIT, handler=lambda s: s[::-1])
    client = client_agent(world, tmp_path)
    (listing_id,) = world.market.listings.active_by_provider(provider.agent_id)

    by_listing = client.hire_listing(listing_id, "abc", max_price=4 * UNIT)
    assert (by_listing.status, by_listing.result, by_listing.listing_id) == (
        JobStatus.COMPLETED,
        "cba",
        listing_id,
    )
    with pytest.raises(NoProviderError, match="more than"):
        client.hire_listing(listing_id, "abc", max_price=3 * UNIT)

    offer = Offer(
        provider_id=provider.agent_id,
        client_id=world.client_id,
        token=world.token,
        price=3 * UNIT,
        delivery_time=600,
        terms_hash=b"\0" * 32,
        nonce=int(time.time() * 1000),
        expiry=int(time.time()) + 3600,
    )
    signed = world.market.sign_offer(provider.signer.account, offer)
    before = world.balance(world.client_id)
    by_offer = client.hire_offer(signed, "offer")
    assert (by_offer.status, by_offer.result, by_offer.listing_id) == (
        JobStatus.COMPLETED,
        "reffo",
        None,
    )
    assert world.balance(world.client_id) == before - 3 * UNIT
    assert world.market.reputation.of(provider.agent_id).completed == 2


def _evidence(uris: list[str]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for uri in uris:
        assert len(uri.encode()) <= 512
        doc = read_data_uri(uri)
        assert doc["kind"] == EVIDENCE_KIND
        merged.update(doc)
    return merged


@pytest.mark.parametrize(
    ("served", "problem"),
    [
        (lambda raw: raw + b" (edited)", "does not match its delivered hash"),
        (lambda raw: None, "cannot fetch the result"),
    ],
    ids=["tampered", "unfetchable"],
)
def test_hire__result_not_matching_its_hash__disputed_with_the_evidence(
    world: World,
    start_provider: ProviderFactory,
    tmp_path: Path,
    served: Any,
    problem: str,
    request: pytest.FixtureRequest,
) -> None:
    tag = f"upper-{request.node.callspec.id}"
    provider = start_provider(tag, 10 * UNIT, serve=served)
    before = world.balance(world.client_id)

    outcome = client_agent(world, tmp_path).hire(tag, "pay me", 10 * UNIT)

    assert outcome.status is JobStatus.DISPUTED and outcome.disputed
    assert outcome.dispute_reason is not None and problem in outcome.dispute_reason
    assert outcome.result is None
    job = world.market.escrow.job(outcome.job_id)
    assert job.status is JobStatus.DISPUTED and job.hash == keccak(b"PAY ME")
    dispute = world.market.disputes.of(outcome.job_id)
    assert dispute.status is DisputeStatus.AWAITING_ANSWER
    assert dispute.bond == 10 * UNIT * BOND_BPS // 10_000
    # the price stays locked, the bond is taken; the provider is not paid
    assert world.balance(world.client_id) == before - 10 * UNIT - dispute.bond
    assert world.balance(provider.agent_id) == 0

    evidence = _evidence(outcome.evidence)
    assert evidence["jobId"] == str(outcome.job_id)
    assert evidence["expectedHash"] == "0x" + keccak(b"PAY ME").hex()
    fetched = served(b"PAY ME")
    assert evidence["fetchedHash"] == (None if fetched is None else "0x" + keccak(fetched).hex())
    assert evidence["inputHash"] == "0x" + keccak(b"pay me").hex()
    assert problem in evidence["problem"]
    # the order in the evidence is the client operator's signature over this job and input
    typed = task_typed_data(
        outcome.job_id,
        keccak(b"pay me"),
        world.market.chain_id,
        world.market.escrow.address,
    )
    signer = Account.recover_message(
        encode_typed_data(full_message=typed),
        signature=bytes.fromhex(evidence["orderSignature"][2:]),
    )
    assert signer == world.client_operator.address
    # and it is on-chain: the meta-evidence of the dispute, then the rest as evidence
    resolver = world.market.disputes.contract
    (meta,) = resolver.events.MetaEvidence().get_logs(
        from_block=0, argument_filters={"metaEvidenceID": outcome.job_id}
    )
    assert meta["args"]["evidence"] == outcome.evidence[0]
    more = resolver.events.Evidence().get_logs(
        from_block=0, argument_filters={"evidenceGroupID": outcome.job_id}
    )
    assert [e["args"]["evidence"] for e in more] == outcome.evidence[1:]


def test_hire__registration_file_that_lies__skipped_for_the_next_provider(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    stranger = Account.create().address

    def wrong_operator(data: dict[str, Any]) -> None:
        data["agentmarket"]["operator"] = stranger

    # the liar is cheaper, so the index ranks it first
    liar = start_provider("upper-liar", 5 * UNIT, lie=wrong_operator)
    honest = start_provider("upper-liar", 8 * UNIT)

    outcome = client_agent(world, tmp_path).hire("upper-liar", "trust", 10 * UNIT)

    assert outcome.status is JobStatus.COMPLETED and outcome.provider_id == honest.agent_id
    ((skipped_id, reason),) = outcome.skipped
    assert skipped_id == liar.agent_id and "operator" in reason and stranger.lower() in reason
    assert liar.messages == 0 and world.balance(liar.agent_id) == 0


def test_hire__registration_file_stating_another_price__refused_with_a_clear_error(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    def cheaper(data: dict[str, Any]) -> None:
        data["agentmarket"]["listings"][0]["price"] = str(UNIT)

    liar = start_provider("upper-cheat", 6 * UNIT, lie=cheaper)
    before = world.balance(world.client_id)
    spent = world.market.escrow.spent(world.client_id, world.token)

    with pytest.raises(NoProviderError, match="passed the checks") as refused:
        client_agent(world, tmp_path).hire("upper-cheat", "x", 10 * UNIT)

    assert refused.value.skipped[0][0] == liar.agent_id
    assert "differs from the chain" in refused.value.skipped[0][1]
    # nothing was hired
    assert world.balance(world.client_id) == before
    assert world.market.escrow.spent(world.client_id, world.token) == spent
    assert liar.messages == 0


def test_hire__provider_refuses_the_task__job_cancelled_and_price_refunded(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    # it believes it is another agent, so by the wire's checks the job is not its own
    provider = start_provider("upper-refuser", 10 * UNIT, checks_as=999_999)
    before = world.balance(world.client_id)

    with pytest.raises(ProviderRefusedError) as refused:
        client_agent(world, tmp_path).hire("upper-refuser", "please", 10 * UNIT)

    error = refused.value
    assert error.cancelled and error.provider_id == provider.agent_id
    assert error.provider_message == (
        f"agentmarket: job {error.job_id} is for agent {provider.agent_id}, not 999999"
    )
    assert "job cancelled, price refunded" in str(error)
    assert world.market.escrow.job(error.job_id).status is JobStatus.REFUNDED
    assert world.balance(world.client_id) == before
    assert provider.journal == {} and world.balance(provider.agent_id) == 0


def test_hire__no_provider_within_max_price_or_score__no_provider_error(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    start_provider("upper-dear", 50 * UNIT)
    client = client_agent(world, tmp_path)
    before = world.balance(world.client_id)

    with pytest.raises(NoProviderError, match="no provider of 'upper-dear' at most 49"):
        client.hire("upper-dear", "x", 49 * UNIT)
    with pytest.raises(NoProviderError, match="with score >= 5000"):
        client.hire("upper-dear", "x", 50 * UNIT, min_score=5000)
    with pytest.raises(NoProviderError, match="no provider of 'nobody-sells-this'"):
        client.hire("nobody-sells-this", "x", 50 * UNIT)
    assert world.balance(world.client_id) == before


def test_client_agent__an_account_that_does_not_act_for_the_client__refused(
    world: World, tmp_path: Path
) -> None:
    index = world.market.index(f"sqlite:///{tmp_path / 'index.db'}", progress=False)
    stranger = Account.create()
    agent = ClientAgent(world.market, world.client_id, index=index, account=stranger)
    with pytest.raises(NotClientAgentError, match="neither the principal nor the operator"):
        agent.hire("upper-happy", "x", UNIT)


def test_hire__provider_that_cannot_be_reached__skipped_with_the_reason(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    gone = start_provider("upper-gone", 3 * UNIT)
    gone.stop()
    up = start_provider("upper-gone", 4 * UNIT)

    outcome = client_agent(world, tmp_path).hire("upper-gone", "still there?", 5 * UNIT)

    assert outcome.provider_id == up.agent_id and outcome.result == "STILL THERE?"
    ((skipped_id, reason),) = outcome.skipped
    assert skipped_id == gone.agent_id and "cannot fetch" in reason


def _readme_hiring_example() -> str:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("### Hiring as an agent", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "the README's hiring example is missing"
    return found.group(1)


def test_readme_hiring_example__runs_as_written(
    world: World,
    start_provider: ProviderFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the example's index.db lands here
    provider = start_provider("summarize", 20 * UNIT, handler=lambda s: s.split()[0])
    scope: dict[str, Any] = {"market": world.market, "client_agent_id": world.client_id}
    exec(compile(_readme_hiring_example(), "README.md", "exec"), scope)
    outcome = scope["outcome"]
    assert outcome.status is JobStatus.COMPLETED and outcome.result == "the"
    assert outcome.provider_id == provider.agent_id
