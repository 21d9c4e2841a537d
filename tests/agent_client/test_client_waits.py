"""The client flow's ends that are not a delivery, against anvil over real HTTP: a
provider that accepts and never delivers (the wait times out with the job still
open, then, past the delivery deadline, the price is reclaimed), a refused task on
an offer-hired job (accepted from the start, so it cannot be cancelled: left open,
said so), and an evidence publisher that the dispute's evidence goes through."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from agentmarket import JobStatus, Offer
from agentmarket.agent.client import (
    EVIDENCE_KIND,
    DeliveryTimeoutError,
    ProviderFailedError,
    ProviderRefusedError,
)

from .conftest import UNIT, ProviderFactory, World, client_agent

pytestmark = pytest.mark.integration


def test_hire__provider_never_delivers__wait_times_out_with_the_job_left_open(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    provider = start_provider("upper-silent", 2 * UNIT, delivers=False)
    before = world.balance(world.client_id)

    with pytest.raises(DeliveryTimeoutError) as timed_out:
        client_agent(world, tmp_path).hire("upper-silent", "never mind", 2 * UNIT, timeout=3)

    error = timed_out.value
    assert error.status is JobStatus.ACCEPTED
    assert f"job {error.job_id} not delivered after 3 s; it is still accepted" in str(error)
    assert world.market.escrow.job(error.job_id).status is JobStatus.ACCEPTED
    assert world.balance(world.client_id) == before - 2 * UNIT  # still locked
    assert provider.journal == {error.job_id: f"job-{error.job_id}"}


def test_hire__provider_misses_its_deadline__price_reclaimed_while_waiting(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    # Two seconds to deliver. The escrow reads the deadline against the block's
    # time, and anvil mines only on a transaction, so a chain that produces
    # blocks (as every live one does) is stood in for by mining at wall time; the
    # shared anvil's clock is never moved ahead (other tests sign against it).
    provider = start_provider("upper-late", 2 * UNIT, delivery_time=2, delivers=False)
    before = world.balance(world.client_id)
    stop = threading.Event()

    def produce_blocks() -> None:
        while not stop.wait(0.5):
            world.market.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    blocks = threading.Thread(target=produce_blocks, daemon=True)
    blocks.start()
    try:
        with pytest.raises(ProviderFailedError) as failed:
            client_agent(world, tmp_path).hire("upper-late", "too slow", 2 * UNIT, timeout=60)
    finally:
        stop.set()
        blocks.join()

    error = failed.value
    assert "the provider missed its deadline; price reclaimed" in str(error)
    assert error.status is JobStatus.REFUNDED
    assert provider.journal == {error.job_id: f"job-{error.job_id}"}  # it had taken the job
    assert world.market.escrow.job(error.job_id).status is JobStatus.REFUNDED
    assert world.balance(world.client_id) == before
    assert world.balance(provider.agent_id) == 0


def test_hire_offer__task_refused__accepted_job_left_open_and_said_so(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    provider = start_provider("upper-offer-refuser", 3 * UNIT, checks_as=999_998)
    offer = Offer(
        provider_id=provider.agent_id,
        client_id=world.client_id,
        token=world.token,
        price=3 * UNIT,
        delivery_time=601,
        terms_hash=b"\0" * 32,
        nonce=time.time_ns(),
        expiry=int(world.market.w3.eth.get_block("latest")["timestamp"]) + 3600,
    )
    signed = world.market.sign_offer(provider.signer.account, offer)
    before = world.balance(world.client_id)

    with pytest.raises(ProviderRefusedError) as refused:
        client_agent(world, tmp_path).hire_offer(signed, "refuse me")

    error = refused.value
    assert not error.cancelled and "job left open" in str(error)
    assert world.market.escrow.job(error.job_id).status is JobStatus.ACCEPTED
    assert world.balance(world.client_id) == before - 3 * UNIT  # reclaim after the deadline


def test_hire__tampered_result__evidence_goes_through_the_publisher(
    world: World, start_provider: ProviderFactory, tmp_path: Path
) -> None:
    start_provider("upper-tamper-pub", UNIT, serve=lambda raw: raw + b"!")
    published: list[dict[str, Any]] = []

    def publish(document: dict[str, Any]) -> str:
        published.append(document)
        return f"ipfs://evidence-{len(published)}"

    client = client_agent(world, tmp_path, evidence_publisher=publish)
    outcome = client.hire("upper-tamper-pub", "check me", UNIT)

    assert outcome.status is JobStatus.DISPUTED
    assert outcome.evidence == ["ipfs://evidence-1"]
    (document,) = published
    assert document["kind"] == EVIDENCE_KIND and document["jobId"] == str(outcome.job_id)
    assert "does not match its delivered hash" in document["problem"]
    resolver = world.market.disputes.contract
    (meta,) = resolver.events.MetaEvidence().get_logs(
        from_block=0, argument_filters={"metaEvidenceID": outcome.job_id}
    )
    assert meta["args"]["evidence"] == "ipfs://evidence-1"
