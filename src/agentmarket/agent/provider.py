"""The provider runtime: takes task messages for its agent's jobs, checks each against
the chain, journals it, does the work and delivers on-chain.

A task message (A2A `message/send`) carries the input as a `TextPart` and the client's
signed task order as a `DataPart` `{"agentmarket/task": ...}` (`agentmarket.agent.tasks`).
Before any work or transaction the runtime checks, in this order, and refuses with a
JSON-RPC InvalidParams error whose message starts "agentmarket: ":

- the message carries one well-formed task order, and the input hashes to its
  `inputHash`;
- the job exists, names this agent as provider, is Requested or Accepted, is funded,
  and the order is signed by the job's client principal or operator.

A job that passed is journaled (`agentmarket.agent.journal`) and answered with an A2A
task `job-<id>` in state "working"; in the background the runtime accepts it on-chain
(if Requested), runs the handler, stores the result under its keccak256
(`agentmarket.agent.results`) and delivers that hash and the result's URL on-chain. A
repeated message for a journaled job answers with the same task and does no new work.
A handler's failure (an exception, or running past the job's delivery deadline) fails
the task; the job is declined on-chain if still Requested, else left to the client to
reclaim after its delivery deadline. (The runtime accepts before it works, so a
failing handler finds the job Accepted; the decline covers a job still Requested.)

Every state change is one committed journal transaction, and the chain is re-read
before every on-chain step: a runtime killed at any moment and restarted (`start` runs
a resume pass over unfinished jobs) finishes each job it journaled without repeating a
transaction that landed before the crash, so it never delivers twice (the escrow would
refuse a second delivery anyway). Chain calls block, so they run in threads; the
transactions go through one lock, so the signer's nonces never race.

Test hook: when AGENTMARKET_TEST_CRASH_AT names a point (`CRASH_POINTS`), the process
exits at once (`os._exit`, no cleanup, as if killed with SIGKILL) the first time a job
reaches it. The crash-and-resume tests use it; nothing else should.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.context import ServerCallContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.tasks import InMemoryTaskStore
from a2a.types import (
    Artifact,
    DataPart,
    InvalidParamsError,
    Message,
    MessageSendParams,
    Part,
    Role,
    Task,
    TaskNotFoundError,
    TaskQueryParams,
    TaskState,
    TaskStatus,
    TextPart,
    UnsupportedOperationError,
)
from a2a.utils.errors import ServerError
from web3 import Web3
from web3.types import TxReceipt

from agentmarket.agent.journal import JobState, Journal, JournalEntry, task_id
from agentmarket.agent.results import ResultStore
from agentmarket.agent.tasks import (
    MAX_INPUT_BYTES,
    RESULT_PART_KEY,
    TASK_PART_KEY,
    TaskOrder,
    TaskOrderError,
)
from agentmarket.chain import Signer
from agentmarket.contracts.escrow import Job, JobStatus
from agentmarket.errors import AgentMarketError, ContractRevertError
from agentmarket.market import Market

logger = logging.getLogger("agentmarket.provider")

# Refusals start with this, so a client tells them from the SDK's own errors.
REFUSAL_PREFIX = "agentmarket: "
CRASH_ENV = "AGENTMARKET_TEST_CRASH_AT"
CRASH_EXIT_CODE = 86
# Where the crash hook can stop the process: after the accept transaction landed but
# before it was journaled, after it was journaled, after a handler run was journaled,
# after the result was stored and journaled, after the delivery landed but before it
# was journaled.
CRASH_POINTS = ("accept-sent", "accepted", "running", "stored", "deliver-sent")
# Statuses a job has once it was delivered (the result hash is then the job's hash).
DELIVERED_OR_LATER = frozenset(
    {
        JobStatus.DELIVERED,
        JobStatus.COMPLETED,
        JobStatus.DISPUTED,
        JobStatus.REJECTED,
        JobStatus.RESOLVED,
    }
)
OPEN = frozenset({JobStatus.REQUESTED, JobStatus.ACCEPTED})
# Chain errors (a node that is down, a timeout) are retried after these pauses; then
# the job waits in the journal for the next start.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)

Handler = Callable[[str], Awaitable[str]]
T = TypeVar("T")


class ProviderError(AgentMarketError):
    """The runtime cannot serve: a key that cannot act for the agent, a bad handler."""


class TaskRefused(AgentMarketError):
    """A task message the runtime refuses; `str(exc)` starts with "agentmarket: "."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSAL_PREFIX + reason)


def crash_point(name: str) -> None:
    """Exit the process here if AGENTMARKET_TEST_CRASH_AT names `name` (a test hook)."""
    if os.environ.get(CRASH_ENV) == name:
        logger.warning("test hook: crashing at %s", name)
        os._exit(CRASH_EXIT_CODE)


# ------------------------------------------------------------------ handlers


def load_handler(spec: str) -> Handler:
    """The handler named by "module:function", as an async function of the input text.

    The working directory is importable (as with `python -m`), so `examples.providers:
    uppercase` works from the repository's root. A synchronous function is run in a
    thread. Raises ProviderError when the module or the function cannot be found."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ProviderError(f"a handler is named MODULE:FUNCTION, not {spec!r}")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ProviderError(f"cannot import handler module {module_name!r}: {exc}") from exc
    target: Any = module
    for part in attr.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ProviderError(f"module {module_name!r} has no {attr!r}")
    if not callable(target):
        raise ProviderError(f"{spec} is not a function")
    return as_handler(target)


def as_handler(fn: Callable[[str], Any]) -> Handler:
    """`fn` as an async handler: a coroutine function as it is, a plain one in a thread."""
    if inspect.iscoroutinefunction(fn):
        return fn

    @functools.wraps(fn)
    async def in_thread(text: str) -> str:
        result: str = await asyncio.to_thread(fn, text)
        return result

    return in_thread


# ------------------------------------------------------------ task messages


def read_task_message(message: Message) -> tuple[TaskOrder, bytes]:
    """The task order a message carries and its input (its text parts, as UTF-8).

    Raises TaskRefused: no order, a malformed one, or an input that is not the one
    the order was signed for."""
    orders = [
        part.root.data[TASK_PART_KEY]
        for part in message.parts
        if isinstance(part.root, DataPart) and TASK_PART_KEY in part.root.data
    ]
    if not orders:
        raise TaskRefused("no task order")
    if len(orders) > 1:
        raise TaskRefused("malformed task order: the message carries more than one")
    try:
        order = TaskOrder.from_dict(orders[0])
    except TaskOrderError as exc:
        raise TaskRefused(
            "malformed task order: " + str(exc).removeprefix("malformed task order: ")
        ) from exc
    data = "".join(p.root.text for p in message.parts if isinstance(p.root, TextPart)).encode()
    if len(data) > MAX_INPUT_BYTES:
        raise TaskRefused(f"the input is {len(data)} bytes; at most {MAX_INPUT_BYTES}")
    try:
        order.check_input(data)
    except TaskOrderError:
        raise TaskRefused("input does not match the order's hash") from None
    return order, data


# ------------------------------------------------------------------ runtime


@dataclass
class LockedSigner(Signer):
    """A `Signer` whose transactions are sent one at a time under `lock`."""

    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, tx: dict[str, Any]) -> TxReceipt:
        with self.lock:
            return super().send(tx)


class ProviderRuntime:
    """Serves agent `agent_id`'s jobs: checks task messages, journals, works, delivers.

    `market.signer` sends the transactions: the agent's operator key (or its
    principal's). `handler` is an async function of the input text returning the
    result text (`load_handler`); `public_url` is the base URL clients reach this
    runtime at (results are delivered as `<public_url>/results/0x<hash>`); at most
    `max_concurrent` jobs are worked at once; a handler started `max_attempts` times
    without finishing (the process died each time) fails its job."""

    def __init__(
        self,
        market: Market,
        agent_id: int,
        handler: Handler,
        journal: Journal,
        results: ResultStore,
        public_url: str,
        *,
        max_concurrent: int = 4,
        max_attempts: int = 3,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        self.market = market
        self.agent_id = agent_id
        self.handler = handler
        self.journal = journal
        self.results = results
        self.public_url = public_url.rstrip("/")
        self.max_concurrent = max_concurrent
        self.max_attempts = max_attempts
        self.signer = market.signer
        self._slots: asyncio.Semaphore | None = None
        self._tx_lock = threading.Lock()
        self._running: dict[int, asyncio.Task[None]] = {}

    def shared_signer(self) -> Signer:
        """The runtime's key for another sender in this process (the x402 redeemer):
        its transactions wait for the runtime's, so their nonces never race."""
        own = self.signer
        return LockedSigner(
            own.w3, own.account, own.receipt_timeout, own.priority_fee, lock=self._tx_lock
        )

    # ------------------------------------------------------------- lifecycle

    def check_signer(self) -> None:
        """Refuse a key that is neither the agent's operator nor its principal."""
        agent = self.market.registry.agent(self.agent_id)
        if int(agent.principal, 16) == 0:
            raise ProviderError(f"agent {self.agent_id} is not registered on this chain")
        me = self.signer.address.lower()
        if me not in (agent.operator.lower(), agent.principal.lower()):
            raise ProviderError(
                f"the key {self.signer.address} is neither agent {self.agent_id}'s operator "
                f"({agent.operator}) nor its principal ({agent.principal}); "
                "serve with the operator's key"
            )

    async def start(self) -> None:
        """Check the key, then resume every unfinished journaled job in the background."""
        if self._slots is not None:
            return  # started already
        await asyncio.to_thread(self.check_signer)
        self._slots = asyncio.Semaphore(self.max_concurrent)
        pending = self.journal.unfinished()
        if pending:
            logger.info("resuming %d unfinished job(s)", len(pending))
        for entry in pending:
            self._spawn(entry.job_id)

    async def stop(self, grace: float = 10.0) -> None:
        """Wait up to `grace` seconds for the jobs in hand, then cancel the rest (they
        resume from the journal at the next start)."""
        tasks = list(self._running.values())
        pending: set[asyncio.Task[None]] = set()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5.0)
        logger.info("provider runtime stopped; %d job(s) left for the next start", len(pending))

    async def wait_idle(self) -> None:
        """Return once no job is being worked (tests, benchmarks)."""
        while self._running:
            await asyncio.wait(list(self._running.values()))

    # ----------------------------------------------------------- A2A surface

    async def submit(self, message: Message) -> Task:
        """Check a task message, journal its job and start it; the job's A2A task.

        Raises TaskRefused (nothing journaled, nothing sent) when a check fails."""
        order, data = read_task_message(message)
        known = self.journal.get(order.job_id)
        if known is not None:
            if known.order.input_hash != order.input_hash:
                raise TaskRefused(f"job {order.job_id} already has a task with another input")
            return self.task(known)
        await asyncio.to_thread(self.check_order, order)
        context_id = message.context_id or task_id(order.job_id)
        if self.journal.receive(order, data, context_id):
            logger.info("job %d received", order.job_id)
            self._spawn(order.job_id)
        entry = self.journal.get(order.job_id)
        assert entry is not None
        return self.task(entry)

    def check_order(self, order: TaskOrder) -> Job:
        """The on-chain checks of a task order, in the protocol's order (blocking)."""
        job_id = order.job_id
        job = self.market.escrow.job(job_id)
        if job.status == JobStatus.NONE or job.client_id == 0:
            raise TaskRefused(f"unknown job {job_id}")
        if job.provider_id != self.agent_id:
            raise TaskRefused(f"job {job_id} is for agent {job.provider_id}, not {self.agent_id}")
        if job.status not in OPEN:
            raise TaskRefused(f"job {job_id} is {job.status.name.lower()}, not open")
        if job.price == 0:
            raise TaskRefused(f"job {job_id} is not funded")
        client = self.market.registry.agent(job.client_id)
        try:
            signer = order.signer(self.market.chain_id, self.market.escrow.address).lower()
        except TaskOrderError:
            signer = ""
        if signer not in (client.principal.lower(), client.operator.lower()):
            raise TaskRefused(f"task order not signed by job {job_id}'s client")
        return job

    def get_task(self, job_task_id: str) -> Task | None:
        """The A2A task `job-<id>` as the journal has it, or None."""
        prefix = task_id(0)[:-1]
        if not job_task_id.startswith(prefix):
            return None
        try:
            job_id = int(job_task_id[len(prefix) :])
        except ValueError:
            return None
        entry = self.journal.get(job_id)
        return None if entry is None else self.task(entry)

    def task(self, entry: JournalEntry) -> Task:
        """A journaled job as an A2A task: working, completed with the result, or failed."""
        if entry.state == JobState.DELIVERED and entry.result_hash is not None:
            data = self.results.get(entry.result_hash) or b""
            facts = {
                "jobId": str(entry.job_id),
                "resultHash": "0x" + entry.result_hash.hex(),
                "resultUri": entry.result_uri,
            }
            artifact = Artifact(
                artifact_id=f"{entry.task_id}-result",
                name="result",
                parts=[
                    Part(root=TextPart(text=data.decode("utf-8", errors="replace"))),
                    Part(root=DataPart(data={RESULT_PART_KEY: facts})),
                ],
            )
            status = TaskStatus(state=TaskState.completed)
            return Task(
                id=entry.task_id,
                context_id=entry.context_id,
                status=status,
                artifacts=[artifact],
            )
        if entry.state in (JobState.FAILED, JobState.DECLINED):
            note = Message(
                role=Role.agent,
                message_id=f"{entry.task_id}-{entry.state.value}",
                task_id=entry.task_id,
                context_id=entry.context_id,
                parts=[Part(root=TextPart(text=entry.error or entry.state.value))],
            )
            status = TaskStatus(state=TaskState.failed, message=note)
            return Task(id=entry.task_id, context_id=entry.context_id, status=status)
        return Task(
            id=entry.task_id,
            context_id=entry.context_id,
            status=TaskStatus(state=TaskState.working),
        )

    # -------------------------------------------------------------- the work

    def _spawn(self, job_id: int) -> None:
        if job_id in self._running:
            return
        task = asyncio.create_task(self._drive(job_id), name=f"job-{job_id}")
        self._running[job_id] = task
        task.add_done_callback(lambda _t: self._running.pop(job_id, None))

    async def _drive(self, job_id: int) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrent)
        async with self._slots:
            for delay in (*RETRY_DELAYS, None):
                try:
                    await self._work(job_id)
                    return
                except asyncio.CancelledError:
                    raise
                except Exception:
                    if delay is None:
                        logger.exception("job %d: giving up until the next start", job_id)
                        return
                    logger.warning("job %d: retrying in %.1fs", job_id, delay, exc_info=True)
                    await asyncio.sleep(delay)

    async def _work(self, job_id: int) -> None:
        """Move job `job_id` forward until it is finished, re-reading the chain before
        each step."""
        while True:
            entry = self.journal.get(job_id)
            if entry is None or entry.state.finished:
                return
            job = await asyncio.to_thread(self.market.escrow.job, job_id)
            if job.status in DELIVERED_OR_LATER:
                # delivered: by a transaction of ours that landed before a crash, or
                # by someone else (the principal by hand) with another result
                if entry.result_hash is not None and job.hash == entry.result_hash:
                    self.journal.delivered(job_id, None)
                    logger.info("job %d: the chain shows our delivery", job_id)
                else:
                    self.journal.failed(
                        job_id,
                        f"job {job_id} is {job.status.name.lower()} on chain "
                        "without this runtime's result",
                    )
                return
            if job.status not in OPEN:
                self.journal.failed(job_id, f"job {job_id} is {job.status.name.lower()} on chain")
                return
            if entry.state == JobState.RECEIVED:
                await self._accept(job_id, job)
            elif entry.state in (JobState.ACCEPTED, JobState.RUNNING):
                await self._run(entry, job)
            elif entry.state == JobState.STORED:
                await self._deliver(entry)

    async def _accept(self, job_id: int, job: Job) -> None:
        if job.status == JobStatus.ACCEPTED:
            self.journal.accepted(job_id, None)
        else:
            try:
                receipt = await self._transact(self.market.escrow.accept, job_id)
            except ContractRevertError as exc:
                # an accept of ours still pending when this one was sent (a retry
                # after a timeout) may have landed first: then the job is accepted
                now = await asyncio.to_thread(self.market.escrow.job, job_id)
                if now.status != JobStatus.ACCEPTED:
                    self.journal.failed(job_id, f"accept refused: {exc}")
                return
            crash_point("accept-sent")
            self.journal.accepted(job_id, _tx_hash(receipt))
            logger.info("job %d accepted", job_id)
        crash_point("accepted")

    async def _run(self, entry: JournalEntry, job: Job) -> None:
        job_id = entry.job_id
        if entry.state == JobState.RUNNING and entry.attempts >= self.max_attempts:
            await self._fail(job_id, f"the handler did not finish in {entry.attempts} attempts")
            return
        # the work must end before the delivery deadline (chain time)
        now = await asyncio.to_thread(
            lambda: int(self.market.w3.eth.get_block("latest")["timestamp"])
        )
        if job.status == JobStatus.ACCEPTED and job.deadline <= now:
            await self._fail(job_id, f"job {job_id}'s delivery deadline has passed")
            return
        self.journal.running(job_id)
        crash_point("running")
        try:
            timeout = job.deadline - now if job.status == JobStatus.ACCEPTED else None
            text = await asyncio.wait_for(self.handler(entry.input.decode("utf-8")), timeout)
            if not isinstance(text, str):
                raise TypeError(f"the handler returned {type(text).__name__}, not str")
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            await self._fail(job_id, "handler failed: it ran past the delivery deadline")
            return
        except Exception as exc:
            logger.warning("job %d: handler failed: %s", job_id, exc)
            await self._fail(job_id, f"handler failed: {exc}")
            return
        digest = await asyncio.to_thread(self.results.put, text.encode("utf-8"))
        uri = f"{self.public_url}/results/0x{digest.hex()}"
        self.journal.stored(job_id, digest, uri)
        crash_point("stored")

    async def _deliver(self, entry: JournalEntry) -> None:
        job_id = entry.job_id
        assert entry.result_hash is not None and entry.result_uri is not None
        try:
            receipt = await self._transact(
                self.market.escrow.deliver,
                job_id,
                result_hash=entry.result_hash,
                result_uri=entry.result_uri,
            )
        except ContractRevertError as exc:
            # a delivery of ours still pending when this one was sent may have landed
            now = await asyncio.to_thread(self.market.escrow.job, job_id)
            if now.status in DELIVERED_OR_LATER and now.hash == entry.result_hash:
                self.journal.delivered(job_id, None)
            else:
                self.journal.failed(job_id, f"delivery refused: {exc}")
            return
        crash_point("deliver-sent")
        self.journal.delivered(job_id, _tx_hash(receipt))
        logger.info("job %d delivered 0x%s", job_id, entry.result_hash.hex())

    async def _fail(self, job_id: int, error: str) -> None:
        """Give a job up: decline it on-chain while it is Requested, else leave it."""
        job = await asyncio.to_thread(self.market.escrow.job, job_id)
        if job.status == JobStatus.REQUESTED:
            try:
                receipt = await self._transact(self.market.escrow.decline, job_id)
            except ContractRevertError as exc:
                self.journal.failed(job_id, f"{error}; decline refused: {exc}")
                return
            self.journal.declined(job_id, _tx_hash(receipt), error)
            return
        self.journal.failed(job_id, error)

    async def _transact(self, fn: Callable[..., TxReceipt], *args: Any, **kwargs: Any) -> TxReceipt:
        """Send one transaction of `self.signer` in a thread, one at a time."""

        def send() -> TxReceipt:
            with self._tx_lock:
                return fn(self.signer, *args, **kwargs)

        return await asyncio.to_thread(send)


def _tx_hash(receipt: TxReceipt) -> str:
    return Web3.to_hex(receipt["transactionHash"])


# --------------------------------------------------------------- A2A glue


class RefusingExecutor(AgentExecutor):
    """The executor behind `ProviderRequestHandler`: message/send and tasks/get never
    reach it (the runtime answers them from its journal), and streaming is off, so
    anything that does is unsupported."""

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise ServerError(error=UnsupportedOperationError())

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise ServerError(error=UnsupportedOperationError(message="jobs are not cancelled"))


class ProviderRequestHandler(DefaultRequestHandler):
    """The A2A request handler of a provider runtime.

    `message/send` and `tasks/get` are answered by the runtime. A refusal is raised
    here, in the request handler, as `ServerError(InvalidParamsError(...))`: the SDK's
    JSON-RPC layer (`JSONRPCHandler.on_message_send`) turns a ServerError raised by the
    request handler into a JSON-RPC error response carrying that error's code and
    message. (An error raised inside an `AgentExecutor` runs in a producer task
    after the SDK has set up a task, so it is not the place for a check.)"""

    def __init__(self, runtime: ProviderRuntime) -> None:
        super().__init__(agent_executor=RefusingExecutor(), task_store=InMemoryTaskStore())
        self.runtime = runtime

    async def on_message_send(
        self, params: MessageSendParams, context: ServerCallContext | None = None
    ) -> Message | Task:
        try:
            return await self.runtime.submit(params.message)
        except TaskRefused as exc:
            raise ServerError(error=InvalidParamsError(message=str(exc))) from exc

    async def on_get_task(
        self, params: TaskQueryParams, context: ServerCallContext | None = None
    ) -> Task | None:
        task = self.runtime.get_task(params.id)
        if task is None:
            raise ServerError(error=TaskNotFoundError())
        return task
