"""A small A2A provider for the client tests: a third party from the client's view.

It implements the wire protocol minimally (the real provider runtime, `agent serve`,
is built elsewhere and implements the same): the agent card, the registration file
(regenerated from the chain on each request), `/results/0x<hash>`, and `message/send`
with the provider's checks in the wire's order, each refusal an InvalidParamsError
whose message starts "agentmarket: ". A task it takes is accepted on-chain, worked by
`handler`, stored under keccak256 of the result and delivered through the project's
EscrowClient. Knobs make it misbehave the way the tests need: `serve` changes what
`/results/` returns (None: 404), `lie` edits the registration file it serves,
`checks_as` makes it believe it is another agent (so it refuses the job), and
`delivers=False` accepts a job and never delivers it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.apps import A2AStarletteApplication
from a2a.server.context import ServerCallContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentSkill,
    Artifact,
    DataPart,
    InvalidParamsError,
    Message,
    MessageSendParams,
    Part,
    Task,
    TaskState,
    TaskStatus,
    TextPart,
)
from a2a.utils.errors import ServerError
from eth_account.signers.local import LocalAccount
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from web3 import Web3

from agentmarket.agent.registration import registration_file
from agentmarket.agent.tasks import TASK_PART_KEY, TaskOrder, TaskOrderError, input_hash
from agentmarket.contracts.escrow import JobStatus
from agentmarket.market import Market
from agentmarket.serving import ThreadedServer


class Refusal(Exception):
    """A check the task failed: answered as a JSON-RPC InvalidParamsError."""


class _NoExecutor(AgentExecutor):
    """Work happens in `TestProvider.take`; the SDK's executor path is unused."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise ServerError(error=InvalidParamsError(message="agentmarket: not used"))

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise ServerError(error=InvalidParamsError(message="agentmarket: cannot cancel"))


class _Handler(DefaultRequestHandler):
    def __init__(self, provider: TestProvider) -> None:
        super().__init__(agent_executor=_NoExecutor(), task_store=InMemoryTaskStore())
        self.provider = provider

    async def on_message_send(
        self, params: MessageSendParams, context: ServerCallContext | None = None
    ) -> Task | Message:
        try:
            return await self.provider.take(params.message, self.task_store)
        except Refusal as exc:
            raise ServerError(error=InvalidParamsError(message=str(exc))) from exc


class TestProvider:
    """One provider agent's A2A server on 127.0.0.1:`port`, run by uvicorn in a thread."""

    __test__ = False  # not a test class

    def __init__(
        self,
        market: Market,
        agent_id: int,
        operator: LocalAccount,
        port: int,
        handler: Callable[[str], str] = str.upper,
        *,
        tag_names: tuple[str, ...] = (),
        serve: Callable[[bytes], bytes | None] | None = None,
        lie: Callable[[dict[str, Any]], None] | None = None,
        checks_as: int | None = None,
        delivers: bool = True,
    ) -> None:
        self.market = market
        self.agent_id = agent_id
        self.signer = market.signer_for(operator)
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.handler = handler
        self.tag_names = tag_names
        self.serve = serve
        self.lie = lie
        self.me = checks_as if checks_as is not None else agent_id
        self.delivers = delivers  # False: accept the job, then never deliver
        self.results: dict[bytes, bytes] = {}
        self.journal: dict[int, str] = {}  # job id -> A2A task id
        self.messages = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._served: ThreadedServer | None = None

    @property
    def registration_url(self) -> str:
        return f"{self.base}/registration.json"

    # ------------------------------------------------------------ the app

    def card(self) -> AgentCard:
        skills = []
        for listing_id in self.market.listings.active_by_provider(self.agent_id):
            listing = self.market.listings.get(listing_id)
            names = {bytes(Web3.keccak(text=n)): n for n in self.tag_names}
            tag = "0x" + listing.tag.hex()
            skills.append(
                AgentSkill(
                    id=tag,
                    name=names.get(listing.tag, tag),
                    description=f"{listing.price} of {listing.token}, "
                    f"within {listing.max_delivery_time} s",
                    tags=[names.get(listing.tag, tag)],
                )
            )
        return AgentCard(
            name=f"test provider #{self.agent_id}",
            description="A2A test provider of the client tests",
            url=self.base + "/",
            version="0.1.0",
            default_input_modes=["text/plain"],
            default_output_modes=["text/plain"],
            capabilities=AgentCapabilities(streaming=False),
            skills=skills,
        )

    def app(self) -> Starlette:
        a2a = A2AStarletteApplication(agent_card=self.card(), http_handler=_Handler(self))

        async def registration(request: Request) -> Response:
            data = await asyncio.to_thread(
                registration_file,
                self.market,
                self.agent_id,
                a2a_url=f"{self.base}/.well-known/agent-card.json",
                tag_names=self.tag_names,
            )
            if self.lie is not None:
                self.lie(data)
            return JSONResponse(data)

        async def result(request: Request) -> Response:
            digest = bytes.fromhex(request.path_params["digest"].removeprefix("0x"))
            raw = self.results.get(digest)
            if raw is not None and self.serve is not None:
                raw = self.serve(raw)
            if raw is None:
                return Response("unknown result", status_code=404)
            return Response(raw, media_type="text/plain; charset=utf-8")

        routes = [
            Route("/registration.json", registration),
            Route("/results/{digest}", result),
            *a2a.routes(),
        ]
        return Starlette(routes=routes)

    # ------------------------------------------------------------ the wire

    def check(self, message: Message) -> tuple[TaskOrder, str]:
        """The provider's checks, in the wire protocol's order; a refusal raises."""
        text = "".join(p.root.text for p in message.parts if isinstance(p.root, TextPart))
        data = [
            p.root.data[TASK_PART_KEY]
            for p in message.parts
            if isinstance(p.root, DataPart) and TASK_PART_KEY in p.root.data
        ]
        if not data:
            raise Refusal("agentmarket: no task order")
        try:
            order = TaskOrder.from_dict(data[0])
        except TaskOrderError as exc:
            raise Refusal(f"agentmarket: malformed task order: {exc}") from exc
        if input_hash(text.encode("utf-8")) != order.input_hash:
            raise Refusal("agentmarket: input does not match the order's hash")
        if order.job_id in self.journal:
            return order, text
        job = self.market.escrow.job(order.job_id)
        if job.status == JobStatus.NONE or job.client_id == 0:
            raise Refusal(f"agentmarket: unknown job {order.job_id}")
        if job.provider_id != self.me:
            raise Refusal(
                f"agentmarket: job {order.job_id} is for agent {job.provider_id}, not {self.me}"
            )
        if job.status not in (JobStatus.REQUESTED, JobStatus.ACCEPTED):
            raise Refusal(f"agentmarket: job {order.job_id} is {job.status.name.lower()}, not open")
        if job.price == 0:
            raise Refusal(f"agentmarket: job {order.job_id} is not funded")
        client = self.market.registry.agent(job.client_id)
        signer = order.signer(self.market.chain_id, self.market.escrow.address).lower()
        if signer not in (client.principal.lower(), client.operator.lower()):
            raise Refusal(f"agentmarket: task order not signed by job {order.job_id}'s client")
        return order, text

    async def take(self, message: Message, store: TaskStore) -> Task:
        self.messages += 1
        order, text = await asyncio.to_thread(self.check, message)
        task_id = f"job-{order.job_id}"
        if order.job_id in self.journal:
            known = await store.get(task_id)
            assert known is not None
            return known
        self.journal[order.job_id] = task_id
        task = Task(
            id=task_id,
            context_id=message.context_id or task_id,
            status=TaskStatus(state=TaskState.working),
        )
        await store.save(task)
        work = asyncio.create_task(self._work(order.job_id, text, task, store))
        self._tasks.add(work)
        work.add_done_callback(self._tasks.discard)
        return task

    async def _work(self, job_id: int, text: str, task: Task, store: TaskStore) -> None:
        result = self.handler(text).encode("utf-8")
        digest = bytes(Web3.keccak(result))
        self.results[digest] = result
        uri = f"{self.base}/results/0x{digest.hex()}"

        def on_chain() -> None:
            if self.market.escrow.job(job_id).status == JobStatus.REQUESTED:
                self.market.escrow.accept(self.signer, job_id)
            if self.delivers:
                self.market.escrow.deliver(self.signer, job_id, digest, uri)

        await asyncio.to_thread(on_chain)
        if not self.delivers:
            return  # the task stays working and the job accepted
        done = task.model_copy(
            update={
                "status": TaskStatus(state=TaskState.completed),
                "artifacts": [
                    Artifact(
                        artifact_id=f"{task.id}-result",
                        name="result",
                        parts=[
                            Part(root=TextPart(text=result.decode("utf-8"))),
                            Part(
                                root=DataPart(
                                    data={
                                        "agentmarket/result": {
                                            "jobId": str(job_id),
                                            "resultHash": "0x" + digest.hex(),
                                            "resultUri": uri,
                                        }
                                    }
                                )
                            ),
                        ],
                    )
                ],
            }
        )
        await store.save(done)

    # ------------------------------------------------------------ the server

    def start(self) -> TestProvider:
        self._served = ThreadedServer(self.app(), port=self.port, lifespan="off").start()
        return self

    def stop(self) -> None:
        if self._served is not None:
            self._served.stop()
