"""The runtime's checks, through a2a-sdk's client and the runtime's JSON-RPC stack
(in-process over ASGI, against anvil): every refusal is a JSON-RPC InvalidParams error
with its message, and leaves the chain and the journal untouched. Then what passes:
an order signed by the client's principal, and a handler that fails."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2a.client import Client, ClientConfig, ClientFactory
from a2a.client.errors import A2AClientJSONRPCError
from a2a.types import DataPart, Message, Part, Role, Task, TaskQueryParams, TaskState, TextPart
from click.testing import CliRunner
from eth_account import Account
from web3 import Web3

from agentmarket import JobStatus, Market
from agentmarket.agent.journal import JobState, Journal
from agentmarket.agent.provider import Handler, ProviderRuntime
from agentmarket.agent.results import ResultStore
from agentmarket.agent.server import build_app
from agentmarket.agent.tasks import TASK_PART_KEY
from agentmarket.cli import main

from .conftest import PRICE, PROVIDER_KEY_ENV, ProviderWorld, run

pytestmark = pytest.mark.integration

BASE = "http://provider.test"


async def uppercase(text: str) -> str:
    return text.upper()


@dataclasses.dataclass
class InProcess:
    runtime: ProviderRuntime
    app: Any


@pytest.fixture
def make_runtime(world: ProviderWorld, tmp_path: Path) -> Iterator[Callable[..., InProcess]]:
    journals: list[Journal] = []

    def make(handler: Handler = uppercase) -> InProcess:
        market = Market.connect(
            world.url, world.deployment, account=world.keys["provider_operator"]
        )
        journal = Journal(tmp_path / f"journal-{len(journals)}.db")
        journals.append(journal)
        runtime = ProviderRuntime(
            market, world.provider_id, handler, journal, ResultStore(tmp_path / "results"), BASE
        )
        return InProcess(runtime, build_app(runtime, tag_names=["uppercase"]))

    yield make
    for journal in journals:
        journal.close()


@asynccontextmanager
async def a2a_client(app: Any) -> AsyncIterator[Client]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, timeout=30) as http:
        config = ClientConfig(streaming=False, httpx_client=http)
        yield await ClientFactory.connect(BASE, client_config=config)


async def send(server: InProcess, message: Message) -> Task:
    await server.runtime.start()
    async with a2a_client(server.app) as client:
        async for event in client.send_message(message):
            assert isinstance(event, tuple)
            return event[0]
    raise AssertionError("no answer")


def refused(world: ProviderWorld, server: InProcess, message: Message, job_id: int | None) -> str:
    """Send `message`; assert it is refused with nothing done; the error's message."""
    operator = world.keys["provider_operator"].address
    nonce = world.market.w3.eth.get_transaction_count(operator)
    status = world.market.escrow.job(job_id).status if job_id is not None else None
    with pytest.raises(A2AClientJSONRPCError) as caught:
        run(send(server, message))
    error = caught.value.error
    assert error.code == -32602
    assert server.runtime.journal.all() == []
    assert world.market.w3.eth.get_transaction_count(operator) == nonce
    if job_id is not None:
        assert world.market.escrow.job(job_id).status == status
    return str(error.message)


def message_with(parts: list[Part]) -> Message:
    return Message(role=Role.user, message_id="m1", parts=parts)


def test_no_task_order__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    message = message_with([Part(root=TextPart(text="just text"))])
    assert refused(world, make_runtime(), message, None) == "agentmarket: no task order"


def test_malformed_task_order__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    bad = {TASK_PART_KEY: {"jobId": "1", "inputHash": "0x12", "signature": "0x00"}}
    message = message_with([Part(root=TextPart(text="x")), Part(root=DataPart(data=bad))])
    reason = refused(world, make_runtime(), message, None)
    assert reason == "agentmarket: malformed task order: task order inputHash is not 32 bytes"
    missing = {TASK_PART_KEY: {"jobId": "1"}}
    message = message_with([Part(root=TextPart(text="x")), Part(root=DataPart(data=missing))])
    assert refused(world, make_runtime(), message, None).startswith(
        "agentmarket: malformed task order: "
    )


def test_input_other_than_signed__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    job_id = world.hire()
    message = world.task_message(job_id, "the signed input")
    message.parts[0] = Part(root=TextPart(text="another input"))
    reason = refused(world, make_runtime(), message, job_id)
    assert reason == "agentmarket: input does not match the order's hash"


def test_unknown_job__refused(world: ProviderWorld, make_runtime: Callable[..., InProcess]) -> None:
    job_id = world.hire() + 2**200  # no such job
    reason = refused(world, make_runtime(), world.task_message(job_id, "x"), job_id)
    assert reason == f"agentmarket: unknown job {job_id}"


def test_job_of_another_provider__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    m = world.market
    principal = world.signer("provider_principal")
    other_id = m.registry.register(principal, "ipfs://other-provider")
    listing_id = m.listings.create(principal, other_id, "uppercase", world.token, PRICE, 3600)
    job_id = world.hire(m.listings.get(listing_id))
    reason = refused(world, make_runtime(), world.task_message(job_id, "x"), job_id)
    assert reason == f"agentmarket: job {job_id} is for agent {other_id}, not {world.provider_id}"


def test_job_no_longer_open__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    job_id = world.hire()
    world.market.escrow.cancel(world.signer("client_operator"), job_id)
    status = world.market.escrow.job(job_id).status
    assert status not in (JobStatus.REQUESTED, JobStatus.ACCEPTED)
    reason = refused(world, make_runtime(), world.task_message(job_id, "x"), job_id)
    assert reason == f"agentmarket: job {job_id} is {status.name.lower()}, not open"


def test_unfunded_job__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The escrow refuses a zero price at hire, so the chain cannot hold an unfunded
    job; the check is defended anyway, here with the job view answering price 0."""
    job_id = world.hire()
    server = make_runtime()
    escrow = server.runtime.market.escrow
    real = escrow.job
    monkeypatch.setattr(escrow, "job", lambda j: dataclasses.replace(real(j), price=0))
    reason = refused(world, server, world.task_message(job_id, "x"), job_id)
    assert reason == f"agentmarket: job {job_id} is not funded"


def test_order_signed_by_a_stranger__refused(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    job_id = world.hire()
    message = world.task_message(job_id, "x", key=Account.create())
    reason = refused(world, make_runtime(), message, job_id)
    assert reason == f"agentmarket: task order not signed by job {job_id}'s client"
    # the provider's own operator is no client either
    message = world.task_message(job_id, "x", key=world.keys["provider_operator"])
    assert refused(world, make_runtime(), message, job_id) == reason


def test_checks_run_in_order__the_input_before_the_chain(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    job_id = world.hire() + 2**200  # unknown, and the input is wrong too
    message = world.task_message(job_id, "signed")
    message.parts[0] = Part(root=TextPart(text="sent"))
    reason = refused(world, make_runtime(), message, job_id)
    assert reason == "agentmarket: input does not match the order's hash"


def test_order_signed_by_the_client_principal__worked_and_delivered(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    job_id = world.hire()
    server = make_runtime()
    message = world.task_message(job_id, "from the principal", key=world.keys["client_principal"])

    async def scenario() -> tuple[Task, Task]:
        first = await send(server, message)
        await server.runtime.wait_idle()
        async with a2a_client(server.app) as client:
            again = await anext(aiter(client.send_message(message)))
        assert isinstance(again, tuple)
        return first, again[0]

    first, again = run(scenario())
    assert first.id == f"job-{job_id}" and first.context_id == f"job-{job_id}"
    assert again.status.state == TaskState.completed
    job = world.market.escrow.job(job_id)
    assert job.status == JobStatus.DELIVERED
    assert job.hash == Web3.keccak(b"FROM THE PRINCIPAL")
    (entry,) = server.runtime.journal.all()
    assert entry.state == JobState.DELIVERED and entry.attempts == 1
    assert entry.accept_tx and entry.deliver_tx


def test_handler_failure__task_failed_with_its_message_and_nothing_delivered(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    async def broken(text: str) -> str:
        raise RuntimeError(f"cannot handle {text!r}")

    job_id = world.hire()
    server = make_runtime(broken)

    async def scenario() -> Task:
        await send(server, world.task_message(job_id, "this"))
        await server.runtime.wait_idle()
        async with a2a_client(server.app) as client:
            return await client.get_task(TaskQueryParams(id=f"job-{job_id}"))

    task = run(scenario())
    assert task.status.state == TaskState.failed
    assert task.status.message is not None
    (part,) = task.status.message.parts
    assert isinstance(part.root, TextPart)
    assert part.root.text == "handler failed: cannot handle 'this'"
    # accepted before the work began: left for the client to reclaim after the deadline
    assert world.market.escrow.job(job_id).status == JobStatus.ACCEPTED
    assert world.deliveries(job_id) == []
    (entry,) = server.runtime.journal.all()
    assert entry.state == JobState.FAILED


def test_serve__a_key_neither_operator_nor_principal__refuses_to_start(
    world: ProviderWorld, tmp_path: Path
) -> None:
    stranger = Account.create()
    result = CliRunner(mix_stderr=False).invoke(
        main,
        [
            *("agent", "serve", str(world.provider_id)),
            *("--handler", "examples.providers:uppercase"),
            *("--rpc", world.url, "--deployment", str(world.deployment)),
            *("--key-env", PROVIDER_KEY_ENV),
            *("--journal", str(tmp_path / "j.db"), "--results", str(tmp_path / "r")),
        ],
        env={PROVIDER_KEY_ENV: "0x" + bytes(stranger.key).hex()},
    )
    assert result.exit_code == 1
    assert f"the key {stranger.address} is neither agent {world.provider_id}'s operator" in (
        result.stderr
    )


def test_handler_past_the_delivery_deadline__stopped_and_the_task_failed(
    world: ProviderWorld, make_runtime: Callable[..., InProcess]
) -> None:
    async def slow(text: str) -> str:
        await asyncio.sleep(30)
        return text

    m = world.market
    principal = world.signer("provider_principal")
    listing_id = m.listings.create(principal, world.provider_id, "slow", world.token, PRICE, 2)
    job_id = world.hire(m.listings.get(listing_id))
    server = make_runtime(slow)

    async def scenario() -> None:
        await send(server, world.task_message(job_id, "take your time"))
        await asyncio.wait_for(server.runtime.wait_idle(), 15)

    run(scenario())
    (entry,) = server.runtime.journal.all()
    assert entry.state == JobState.FAILED
    assert entry.error == "handler failed: it ran past the delivery deadline"
    assert world.deliveries(job_id) == []
