"""The provider runtime as a real server: `agentmarket agent serve` in its own OS process
against anvil, driven over HTTP by a2a-sdk's client. One job end to end; a runtime
killed at each step of a job and restarted; many jobs at once."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from a2a.types import DataPart, TaskState, TextPart
from web3 import Web3

from agentmarket import JobStatus
from agentmarket.agent.provider import CRASH_EXIT_CODE
from agentmarket.agent.registration import verify_registration
from agentmarket.agent.tasks import RESULT_PART_KEY
from agentmarket.contracts.offers import Offer

from .conftest import PRICE, ProviderProcess, ProviderWorld, get_task, run, send_task

pytestmark = pytest.mark.integration


def journal_state(path: Path, job_id: int) -> tuple[str, int] | None:
    """(state, attempts) of `job_id` in a runtime's journal, read as another process."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute(
            "SELECT state, attempts FROM jobs WHERE job_id = ?", (str(job_id),)
        ).fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


def wait_journal(path: Path, job_id: int, state: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while (now := journal_state(path, job_id)) is None or now[0] != state:
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} journaled as {now}, not {state}")
        time.sleep(0.1)


def test_serve__one_job_end_to_end__delivered_on_chain_and_result_served(
    world: ProviderWorld, provider_process: Callable[..., ProviderProcess]
) -> None:
    provider = provider_process().start()
    # what it serves besides A2A: the agent card names the listing, the registration
    # file checks against the chain
    card = httpx.get(provider.url + "/.well-known/agent-card.json").json()
    assert card["url"] == provider.url + "/"
    assert [s["id"] for s in card["skills"]] == ["0x" + world.listing.tag.hex()]
    assert card["skills"][0]["name"] == "uppercase"
    registration = httpx.get(provider.url + "/registration.json").json()
    checked = verify_registration(world.market, registration, world.provider_id)
    assert checked.a2a_endpoint == provider.url + "/.well-known/agent-card.json"
    assert [entry.listing_id for entry in checked.listings] == [world.listing.listing_id]

    job_id = world.hire()
    text = "hire me, agent"
    task = run(send_task(provider.url, world.task_message(job_id, text, context_id="ctx-1")))
    assert task.id == f"job-{job_id}" and task.context_id == "ctx-1"
    assert task.status.state in (TaskState.working, TaskState.completed)

    world.wait_status(job_id, JobStatus.DELIVERED)
    expected = text.upper().encode()
    job = world.market.escrow.job(job_id)
    assert job.hash == Web3.keccak(expected)
    (delivery,) = world.deliveries(job_id)
    assert delivery["result_uri"] == f"{provider.url}/results/0x{job.hash.hex()}"
    fetched = httpx.get(delivery["result_uri"])
    assert fetched.status_code == 200 and fetched.content == expected
    assert fetched.headers["content-type"] == "text/plain; charset=utf-8"
    assert httpx.get(f"{provider.url}/results/0x{'00' * 32}").status_code == 404
    assert httpx.get(f"{provider.url}/results/nothex").status_code == 404

    # tasks/get, and a repeated task message: the same completed task, no new work
    wait_journal(provider.journal, job_id, "delivered")
    done = run(get_task(provider.url, f"job-{job_id}"))
    again = run(send_task(provider.url, world.task_message(job_id, text)))
    for answer in (done, again):
        assert answer.status.state == TaskState.completed
        (artifact,) = answer.artifacts or []
        assert artifact.name == "result"
        text_part, data_part = (p.root for p in artifact.parts)
        assert isinstance(text_part, TextPart) and text_part.text == text.upper()
        assert isinstance(data_part, DataPart)
        assert data_part.data[RESULT_PART_KEY] == {
            "jobId": str(job_id),
            "resultHash": "0x" + job.hash.hex(),
            "resultUri": delivery["result_uri"],
        }
    assert len(world.deliveries(job_id)) == 1
    assert journal_state(provider.journal, job_id) == ("delivered", 1)

    # SIGTERM: a graceful stop (uvicorn shuts down, then re-raises the signal)
    assert provider.stop() == -signal.SIGTERM
    assert "provider runtime stopped; 0 job(s) left" in provider.log.read_text()


def test_serve__killed_at_every_step_and_restarted__delivers_exactly_once(
    world: ProviderWorld, provider_process: Callable[..., ProviderProcess]
) -> None:
    """The test hook stops the process dead (os._exit, like SIGKILL) at each point of
    one job in turn; each restart resumes from the journal and the chain."""
    provider = provider_process()
    job_id = world.hire()
    text = "crash, then carry on"
    provider.start(crash_at="accept-sent")
    run(send_task(provider.url, world.task_message(job_id, text)))
    # the accept landed, the journal never heard of it
    assert provider.wait_exit() == CRASH_EXIT_CODE
    assert world.market.escrow.job(job_id).status == JobStatus.ACCEPTED
    assert journal_state(provider.journal, job_id) == ("received", 0)

    # restart: the chain shows it accepted (no second accept), the handler starts
    # and the process dies in it
    provider.start(crash_at="running", wait=False)
    assert provider.wait_exit() == CRASH_EXIT_CODE
    assert journal_state(provider.journal, job_id) == ("running", 1)

    # restart: the handler runs again; the result is stored, then the process dies
    provider.start(crash_at="stored", wait=False)
    assert provider.wait_exit() == CRASH_EXIT_CODE
    assert journal_state(provider.journal, job_id) == ("stored", 2)
    assert world.market.escrow.job(job_id).status == JobStatus.ACCEPTED

    # restart: delivered on-chain, and the process dies before journaling it
    provider.start(crash_at="deliver-sent", wait=False)
    assert provider.wait_exit() == CRASH_EXIT_CODE
    assert world.market.escrow.job(job_id).status == JobStatus.DELIVERED
    assert journal_state(provider.journal, job_id) == ("stored", 2)

    # restart: the chain shows our delivery; the journal catches up, nothing is sent
    provider.start()
    wait_journal(provider.journal, job_id, "delivered")
    assert provider.starts == 5
    accepts = world.market.escrow.contract.events.JobAccepted().get_logs(
        from_block=0, argument_filters={"job_id": job_id}
    )
    assert len(accepts) == 1
    (delivery,) = world.deliveries(job_id)
    expected = text.upper().encode()
    assert delivery["result_hash"] == Web3.keccak(expected)
    assert httpx.get(delivery["result_uri"]).content == expected
    task = run(get_task(provider.url, f"job-{job_id}"))
    assert task.status.state == TaskState.completed


def test_serve__eight_jobs_at_once_with_four_slots__all_delivered(
    world: ProviderWorld, provider_process: Callable[..., ProviderProcess]
) -> None:
    """Seven jobs hired from the listing and one from the provider's signed offer,
    sent concurrently."""
    import asyncio

    provider = provider_process(max_concurrent=4).start()
    jobs = [world.hire() for _ in range(7)]
    offer = Offer(
        provider_id=world.provider_id,
        client_id=world.client_id,
        token=world.token,
        price=PRICE,
        delivery_time=3600,
        terms_hash=b"\x01" * 32,
        nonce=int(time.time() * 1000),
        expiry=int(time.time()) + 3600,
    )
    signed = world.market.sign_offer(world.keys["provider_operator"], offer)
    jobs.append(
        world.market.escrow.hire_with_offer(
            world.signer("client_operator"), signed, world.client_id
        )
    )
    texts = {job_id: f"job number {n} of eight" for n, job_id in enumerate(jobs)}

    async def send_all() -> list[str]:
        tasks = await asyncio.gather(
            *(send_task(provider.url, world.task_message(j, texts[j])) for j in jobs)
        )
        return [t.id for t in tasks]

    assert run(send_all()) == [f"job-{j}" for j in jobs]
    for job_id in jobs:
        world.wait_status(job_id, JobStatus.DELIVERED, timeout=60)
        assert world.market.escrow.job(job_id).hash == Web3.keccak(texts[job_id].upper().encode())
        assert len(world.deliveries(job_id)) == 1
