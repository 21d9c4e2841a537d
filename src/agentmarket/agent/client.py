"""The client flow: a client agent hires a provider, sends it the task over A2A,
waits for the delivery on-chain, checks the result against its hash and pays.

    from agentmarket.agent.client import ClientAgent

    agent = ClientAgent(market, client_agent_id)          # market.account signs
    outcome = agent.hire("summarize", "some long text", max_price=25 * 10**18)
    print(outcome.status, outcome.result)

One hire, step by step (`ClientAgent.hire_async`):

1. discovery: the index is synced and asked for the tag's providers within the
   price and score (`find_providers`, best first);
2. trust: each candidate's agent URI is read from the registry, its ERC-8004
   registration file fetched and checked against the chain (`verify_registration`),
   the listing must be one the file lists, and its A2A agent card must load; a
   candidate that fails is skipped (the reason is kept in `HireOutcome.skipped`);
3. payment: the job is hired on-chain at exactly the listing's quoted token, price
   and version (`EscrowClient.hire`);
4. the task: the input and a task order signed by the client's key, bound to the
   job id and the input's keccak256 (`sign_task`), go to the provider as one A2A
   message (`message/send`); a refusal (a JSON-RPC error) cancels the job on-chain,
   so the price returns to the client's balance, and raises `ProviderRefusedError`;
5. delivery: the chain, never the A2A answer, says when the job is delivered; the
   result hash is the job's, its URI the `JobDelivered` event's; the bytes are
   fetched (size-limited) and their keccak256 compared with the hash;
6. settlement: a match completes the job (the provider is paid, reputation is
   written); a mismatch or an unfetchable result is disputed, with evidence (the
   order, the expected and the fetched hash) as ERC-1497 data URIs.

The A2A client of a2a-sdk is async: `hire_async`, `hire_listing_async` and
`hire_offer_async` are the coroutines; `hire`, `hire_listing` and `hire_offer` run
them with `asyncio.run` (so they cannot be called from a running event loop: await
the async ones there). Chain calls are blocking web3.py calls, run in a worker
thread so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import time
import urllib.parse
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from a2a.client import A2ACardResolver, A2AClientError, Client, ClientConfig, ClientFactory
from a2a.client.errors import A2AClientJSONRPCError
from a2a.types import (
    AgentCard,
    DataPart,
    Message,
    Part,
    Role,
    Task,
    TaskQueryParams,
    TaskState,
    TextPart,
)
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.agent.registration import (
    Registration,
    RegistrationError,
    fetch_registration,
    verify_registration,
)
from agentmarket.agent.tasks import TASK_PART_KEY, TaskOrder, sign_task
from agentmarket.chain import Signer
from agentmarket.contracts.escrow import Job, JobStatus
from agentmarket.contracts.listings import Listing, ListingState
from agentmarket.contracts.offers import SignedOffer
from agentmarket.errors import AgentMarketError
from agentmarket.index.indexer import DEFAULT_DB_URL, Indexer
from agentmarket.market import Market

T = TypeVar("T")

# A result larger than this is not read (it counts as unfetchable, and is disputed).
MAX_RESULT_BYTES = 8 * 1024 * 1024
# The resolver keeps evidence URIs of at most this many bytes.
MAX_EVIDENCE_URI = 512
# How long `hire(wait=True)` waits for a delivery before giving up (the job stays open).
DEFAULT_TIMEOUT = 600.0
# How often the chain is read while waiting for a delivery (seconds).
DEFAULT_POLL_INTERVAL = 0.25
# The key of the delivery's details inside the provider's result DataPart.
RESULT_PART_KEY = "agentmarket/result"
# How many of the index's best matches are tried before giving up.
CANDIDATES = 20
# The `kind` of the evidence a client agent files with a dispute.
EVIDENCE_KIND = "agentmarket/result-dispute"


class ClientAgentError(AgentMarketError):
    """Base of the errors of the client flow."""


class NotClientAgentError(ClientAgentError):
    """The account is neither the client agent's principal nor its operator."""


class NoProviderError(ClientAgentError):
    """No provider within the price and score could be found, verified and reached.

    `skipped` lists (provider id, reason) for each candidate refused on the way."""

    def __init__(self, message: str, skipped: Sequence[tuple[int, str]] = ()) -> None:
        reasons = "; ".join(f"provider {p}: {why}" for p, why in skipped)
        super().__init__(f"{message} ({reasons})" if reasons else message)
        self.skipped = list(skipped)


class ProviderRefusedError(ClientAgentError):
    """The provider refused the task (a JSON-RPC error over A2A), or could not be
    reached with it. `cancelled` says whether the job was cancelled on-chain (its
    price back in the client's balance); otherwise it is still open (a job hired
    from an offer starts Accepted: reclaim it after its delivery deadline)."""

    def __init__(self, job_id: int, provider_id: int, message: str, *, cancelled: bool) -> None:
        then = "job cancelled, price refunded" if cancelled else "job left open"
        super().__init__(f"provider {provider_id} refused job {job_id}: {message} ({then})")
        self.job_id = job_id
        self.provider_id = provider_id
        self.provider_message = message
        self.cancelled = cancelled


class ProviderFailedError(ClientAgentError):
    """The provider took the job and did not deliver: it declined it on-chain (the
    price is back), reported the task failed over A2A, or let the deadline pass (the
    client reclaimed the price). `status` is the job's status when this was raised."""

    def __init__(self, job_id: int, message: str, status: JobStatus) -> None:
        super().__init__(f"job {job_id}: {message} (job {status.name.lower()})")
        self.job_id = job_id
        self.status = status


class DeliveryTimeoutError(ClientAgentError):
    """No delivery within the wait's timeout; the job is still open on-chain."""

    def __init__(self, job_id: int, timeout: float, status: JobStatus) -> None:
        super().__init__(
            f"job {job_id} not delivered after {timeout:g} s; it is still "
            f"{status.name.lower()} (wait again, or reclaim after its deadline)"
        )
        self.job_id = job_id
        self.status = status


@dataclass(frozen=True)
class Timings:
    """Seconds spent in each step of one hire (0 for a step not taken)."""

    discover: float = 0.0
    hire: float = 0.0
    send: float = 0.0
    delivery: float = 0.0
    settle: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class HireOutcome:
    """What one hire came to.

    `status` is the job's status when the call returned: COMPLETED (paid),
    DISPUTED (the result did not match its hash or could not be fetched; see
    `evidence`), or with `wait=False` REQUESTED/ACCEPTED/... as the chain had it.
    `result` is the result as text (UTF-8, undecodable bytes replaced) once fetched
    and checked; `result_hash` the hash delivered on-chain."""

    job_id: int
    provider_id: int
    listing_id: int | None
    token: str
    price: int
    status: JobStatus
    result: str | None = None
    result_bytes: bytes | None = None
    result_hash: bytes | None = None
    result_uri: str | None = None
    disputed: bool = False
    dispute_reason: str | None = None
    evidence: list[str] = field(default_factory=list)
    a2a_task_id: str | None = None
    a2a_endpoint: str | None = None
    skipped: list[tuple[int, str]] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)


@dataclass(frozen=True)
class _Candidate:
    """A provider that passed the checks: its verified file and its agent card."""

    provider_id: int
    listing: Listing | None
    registration: Registration
    card: AgentCard


@dataclass
class _Delivery:
    result_hash: bytes
    result_uri: str


EvidencePublisher = Callable[[dict[str, Any]], str]


def data_uri(document: dict[str, Any]) -> str:
    """`document` as an inline `data:application/json,` URI (compact JSON,
    percent-encoded where RFC 2397 requires it)."""
    text = json.dumps(document, separators=(",", ":"))
    return "data:application/json," + urllib.parse.quote(text, safe=":,/@!$&'()*+;=")


def read_data_uri(uri: str) -> Any:
    """The JSON document of a `data:application/json[;base64],...` URI."""
    header, _, payload = uri.partition(",")
    if not header.startswith("data:"):
        raise ValueError(f"not a data URI: {uri[:40]!r}")
    if header.endswith(";base64"):
        return json.loads(base64.b64decode(payload))
    return json.loads(urllib.parse.unquote_to_bytes(payload))


def evidence_uris(kind: str, job_id: int, fields: dict[str, Any]) -> list[str]:
    """`fields` packed in as few data URIs of at most MAX_EVIDENCE_URI bytes as the
    order allows, each `{"kind": kind, "jobId": ..., "part": n, ...}`; a field too
    large for a URI of its own is cut to fit."""
    uris: list[str] = []
    current: dict[str, Any] = {}

    def document(body: dict[str, Any]) -> dict[str, Any]:
        return {"kind": kind, "jobId": str(job_id), "part": len(uris) + 1, **body}

    for name, value in fields.items():
        if len(data_uri(document({**current, name: value}))) <= MAX_EVIDENCE_URI:
            current[name] = value
            continue
        if current:
            uris.append(data_uri(document(current)))
        current = {name: value}
        while len(data_uri(document(current))) > MAX_EVIDENCE_URI:
            current[name] = str(current[name])[: len(str(current[name])) - 16]
    if current:
        uris.append(data_uri(document(current)))
    return uris


def card_location(a2a_endpoint: str) -> tuple[str, str]:
    """(base URL, card path) of the A2A endpoint a registration file names: the agent
    card's URL (`.../.well-known/agent-card.json`), or the agent's base URL."""
    parts = urllib.parse.urlsplit(a2a_endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RegistrationError(f"the A2A endpoint {a2a_endpoint!r} is not an http(s) URL")
    base = f"{parts.scheme}://{parts.netloc}"
    if parts.path.endswith(".json"):
        return base, parts.path
    prefix = parts.path.rstrip("/")
    return base + prefix, "/.well-known/agent-card.json"


class ClientAgent:
    """A client agent that hires through the market: finds, verifies, pays, sends
    the task over A2A, checks the result and settles.

    `account` (default `market.account`) signs the transactions and the task orders;
    it must be the client agent's principal or operator (checked at each hire).
    `index` is the discovery index (default: `market.index()` on the default
    database, `sqlite:///agentmarket-index.db`); it is synced before each search.
    `evidence_publisher` turns an evidence document into a URI for a dispute (e.g.
    on IPFS); by default the evidence goes inline, as data URIs of at most 512 bytes.
    """

    def __init__(
        self,
        market: Market,
        agent_id: int,
        *,
        index: Indexer | None = None,
        account: LocalAccount | None = None,
        evidence_publisher: EvidencePublisher | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        http_timeout: float = 30.0,
        max_result_bytes: int = MAX_RESULT_BYTES,
    ) -> None:
        key = account or market.account
        if key is None:
            raise NotClientAgentError("no account: pass account= or connect the market with one")
        self.market = market
        self.agent_id = agent_id
        self.account: LocalAccount = key
        self.signer: Signer = market.signer_for(key)
        self._index = index
        self.evidence_publisher = evidence_publisher
        self.poll_interval = poll_interval
        self.http_timeout = http_timeout
        self.max_result_bytes = max_result_bytes

    @property
    def index(self) -> Indexer:
        """The discovery index (opened on first use when none was given)."""
        if self._index is None:
            self._index = self.market.index(DEFAULT_DB_URL, progress=False)
        return self._index

    # ---------------------------------------------------------- sync API

    def hire(
        self,
        tag: str | bytes,
        input: str,
        max_price: int,
        *,
        min_score: int = 0,
        token: str | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Hire the best verified provider of `tag` at most `max_price` (base units)
        with a score of at least `min_score` (hundredths) for `input`; with `wait`,
        until the result is checked and the job completed or disputed. Runs
        `hire_async` in a fresh event loop (`asyncio.run`)."""
        return _run_sync(
            self.hire_async(
                tag,
                input,
                max_price,
                min_score=min_score,
                token=token,
                wait=wait,
                timeout=timeout,
            )
        )

    def hire_listing(
        self,
        listing_id: int,
        input: str,
        *,
        max_price: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Hire from a known listing; see `hire_listing_async`."""
        return _run_sync(
            self.hire_listing_async(
                listing_id, input, max_price=max_price, wait=wait, timeout=timeout
            )
        )

    def hire_offer(
        self,
        signed_offer: SignedOffer,
        input: str,
        *,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Hire with a provider's signed offer; see `hire_offer_async`."""
        return _run_sync(self.hire_offer_async(signed_offer, input, wait=wait, timeout=timeout))

    # --------------------------------------------------------- async API

    async def hire_async(
        self,
        tag: str | bytes,
        input: str,
        max_price: int,
        *,
        min_score: int = 0,
        token: str | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Find, verify and hire the best provider of `tag`, send it the task, and
        (with `wait`) check the result and settle. Raises NoProviderError when no
        provider within `max_price`/`min_score` passes the checks."""
        started = time.monotonic()
        await self._check_account()
        await _thread(self.index.sync)
        matches = await _thread(
            self.index.find_providers, tag, max_price, min_score, token, CANDIDATES
        )
        label = tag if isinstance(tag, str) else "0x" + tag.hex()
        if not matches:
            raise NoProviderError(
                f"no provider of {label!r} at most {max_price} with score >= {min_score}"
            )
        skipped: list[tuple[int, str]] = []
        async with httpx.AsyncClient(timeout=self.http_timeout) as http:
            for match in matches:
                try:
                    listing = await _thread(self.market.listings.get, match.listing_id)
                    if listing.state != ListingState.ACTIVE or listing.price > max_price:
                        raise RegistrationError(
                            f"listing {match.listing_id} is no longer active at most {max_price}"
                        )
                    candidate = await self._candidate(http, match.provider_id, listing)
                except RegistrationError as exc:
                    skipped.append((match.provider_id, str(exc)))
                    continue
                discovered = time.monotonic() - started
                return await self._run(
                    http, candidate, input, wait, timeout, started, discovered, skipped
                )
        raise NoProviderError(
            f"no provider of {label!r} at most {max_price} passed the checks", skipped
        )

    async def hire_listing_async(
        self,
        listing_id: int,
        input: str,
        *,
        max_price: int | None = None,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Hire from listing `listing_id` (its provider's registration file must list
        it); refused with NoProviderError when it is not active or costs more than
        `max_price`, with RegistrationError when its provider fails the checks."""
        started = time.monotonic()
        await self._check_account()
        listing = await _thread(self.market.listings.get, listing_id)
        if listing.state != ListingState.ACTIVE:
            raise NoProviderError(f"listing {listing_id} is not active")
        if max_price is not None and listing.price > max_price:
            raise NoProviderError(
                f"listing {listing_id} costs {listing.price}, more than {max_price}"
            )
        async with httpx.AsyncClient(timeout=self.http_timeout) as http:
            candidate = await self._candidate(http, listing.provider_id, listing)
            discovered = time.monotonic() - started
            return await self._run(http, candidate, input, wait, timeout, started, discovered, [])

    async def hire_offer_async(
        self,
        signed_offer: SignedOffer,
        input: str,
        *,
        wait: bool = True,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> HireOutcome:
        """Hire with a provider's signed offer (through the OfferBook: the job starts
        Accepted), after checking the provider's registration file and agent card."""
        started = time.monotonic()
        await self._check_account()
        async with httpx.AsyncClient(timeout=self.http_timeout) as http:
            candidate = await self._candidate(http, signed_offer.offer.provider_id, None)
            discovered = time.monotonic() - started
            return await self._run(
                http,
                candidate,
                input,
                wait,
                timeout,
                started,
                discovered,
                [],
                offer=signed_offer,
            )

    # ------------------------------------------------------------ steps

    async def _check_account(self) -> None:
        agent = await _thread(self.market.registry.agent, self.agent_id)
        me = self.account.address.lower()
        if me not in (agent.principal.lower(), agent.operator.lower()):
            raise NotClientAgentError(
                f"{self.account.address} is neither the principal nor the operator "
                f"of client agent {self.agent_id}"
            )

    async def _candidate(
        self, http: httpx.AsyncClient, provider_id: int, listing: Listing | None
    ) -> _Candidate:
        """Read the provider's URI, fetch and verify its registration file, check it
        lists `listing`, and load its A2A agent card."""
        agent = await _thread(self.market.registry.agent, provider_id)
        if not agent.uri:
            raise RegistrationError(f"agent {provider_id} has no URI")
        data = await _thread(fetch_registration, agent.uri, self.http_timeout)
        registration = await _thread(verify_registration, self.market, data, provider_id)
        if listing is not None and listing.listing_id not in {
            s.listing_id for s in registration.listings
        }:
            raise RegistrationError(
                f"agent {provider_id}'s registration file does not list listing "
                f"{listing.listing_id}"
            )
        if not registration.a2a_endpoint:
            raise RegistrationError(f"agent {provider_id}'s registration file names no A2A service")
        base, path = card_location(registration.a2a_endpoint)
        try:
            card = await A2ACardResolver(http, base, path).get_agent_card()
        except A2AClientError as exc:
            raise RegistrationError(
                f"agent {provider_id}'s A2A agent card at {registration.a2a_endpoint} "
                f"cannot be loaded: {exc}"
            ) from exc
        return _Candidate(provider_id, listing, registration, card)

    async def _run(
        self,
        http: httpx.AsyncClient,
        candidate: _Candidate,
        input: str,
        wait: bool,
        timeout: float,
        started: float,
        discovered: float,
        skipped: list[tuple[int, str]],
        offer: SignedOffer | None = None,
    ) -> HireOutcome:
        t0 = time.monotonic()
        block = await _thread(lambda: int(self.market.w3.eth.block_number))
        if offer is not None:
            job_id = await _thread(
                self.market.escrow.hire_with_offer, self.signer, offer, self.agent_id
            )
        else:
            assert candidate.listing is not None
            job_id = await _thread(
                self.market.escrow.hire, self.signer, candidate.listing, self.agent_id
            )
        job = await _thread(self.market.escrow.job, job_id)
        hired = time.monotonic() - t0

        t1 = time.monotonic()
        order = sign_task(
            self.account,
            job_id,
            input.encode("utf-8"),
            self.market.chain_id,
            self.market.escrow.address,
        )
        a2a = ClientFactory(ClientConfig(streaming=False, polling=True, httpx_client=http)).create(
            candidate.card
        )
        task_id = await self._send(a2a, candidate, job_id, input, order)
        sent = time.monotonic() - t1

        outcome = HireOutcome(
            job_id=job_id,
            provider_id=candidate.provider_id,
            listing_id=candidate.listing.listing_id if candidate.listing else None,
            token=Web3.to_checksum_address(job.token),
            price=job.price,
            status=job.status,
            a2a_task_id=task_id,
            a2a_endpoint=candidate.registration.a2a_endpoint,
            skipped=skipped,
        )
        if not wait:
            job = await _thread(self.market.escrow.job, job_id)
            return _replace(
                outcome,
                status=job.status,
                timings=Timings(discovered, hired, sent, 0.0, 0.0, time.monotonic() - started),
            )

        t2 = time.monotonic()
        delivery = await self._wait_delivery(a2a, job_id, task_id, timeout, block)
        delivered = time.monotonic() - t2

        t3 = time.monotonic()
        settled = await self._settle(http, outcome, order, delivery)
        timings = Timings(
            discovered, hired, sent, delivered, time.monotonic() - t3, time.monotonic() - started
        )
        return _replace(settled, timings=timings)

    async def _send(
        self,
        a2a: Client,
        candidate: _Candidate,
        job_id: int,
        input: str,
        order: TaskOrder,
    ) -> str | None:
        """Send the task message; on a refusal or an unreachable provider, cancel the
        job if it is still Requested and raise ProviderRefusedError."""
        message = Message(
            role=Role.user,
            message_id=uuid.uuid4().hex,
            parts=[
                Part(root=TextPart(text=input)),
                Part(root=DataPart(data={TASK_PART_KEY: order.to_dict()})),
            ],
        )
        try:
            async for event in a2a.send_message(message):
                if isinstance(event, Message):
                    return event.task_id
                task: Task = event[0]
                return task.id
            return None
        except A2AClientJSONRPCError as exc:
            reason = exc.error.message or f"JSON-RPC error {exc.error.code}"
        except A2AClientError as exc:
            job = await _thread(self.market.escrow.job, job_id)
            if job.status not in (JobStatus.REQUESTED,):
                return None  # the provider got it (it accepted): wait for the delivery
            reason = f"unreachable: {exc}"
        cancelled = await self._cancel_if_requested(job_id)
        raise ProviderRefusedError(job_id, candidate.provider_id, reason, cancelled=cancelled)

    async def _cancel_if_requested(self, job_id: int) -> bool:
        job = await _thread(self.market.escrow.job, job_id)
        if job.status != JobStatus.REQUESTED:
            return False
        await _thread(self.market.escrow.cancel, self.signer, job_id)
        return True

    async def _wait_delivery(
        self, a2a: Client, job_id: int, task_id: str | None, timeout: float, from_block: int
    ) -> _Delivery:
        """Poll the chain until the job is delivered. Raises ProviderFailedError when
        the job ends undelivered (the provider declined it), when its deadline passes
        (the price is reclaimed), or when the provider's A2A task failed while the job
        is still Requested (it is cancelled); DeliveryTimeoutError after `timeout`."""
        give_up = time.monotonic() + timeout
        next_a2a = time.monotonic() + 1.0
        while True:
            job = await _thread(self.market.escrow.job, job_id)
            if job.status == JobStatus.DELIVERED:
                uri = await _thread(self._delivered_uri, job_id, from_block)
                return _Delivery(job.hash, uri)
            if job.status not in (JobStatus.REQUESTED, JobStatus.ACCEPTED):
                failure = await self._task_failure(a2a, task_id)
                why = f"the provider failed: {failure}" if failure else "no delivery"
                raise ProviderFailedError(job_id, why, job.status)
            if await self._deadline_passed(job):
                try:
                    await _thread(self.market.escrow.reclaim, self.signer, job_id)
                except AgentMarketError:
                    pass  # not yet passed on the chain's clock: poll again
                else:
                    raise ProviderFailedError(
                        job_id,
                        "the provider missed its deadline; price reclaimed",
                        JobStatus.REFUNDED,
                    )
            if job.status == JobStatus.REQUESTED and time.monotonic() >= next_a2a:
                next_a2a = time.monotonic() + 1.0
                failure = await self._task_failure(a2a, task_id)
                if failure is not None and await self._cancel_if_requested(job_id):
                    raise ProviderFailedError(
                        job_id,
                        f"the provider failed: {failure}; job cancelled",
                        JobStatus.REFUNDED,
                    )
            if time.monotonic() >= give_up:
                raise DeliveryTimeoutError(job_id, timeout, job.status)
            await asyncio.sleep(self.poll_interval)

    async def _task_failure(self, a2a: Client, task_id: str | None) -> str | None:
        """The provider's failure message when its A2A task failed, else None."""
        if task_id is None:
            return None
        try:
            task: Task = await a2a.get_task(TaskQueryParams(id=task_id))
        except A2AClientError:
            return None
        if task.status.state not in (TaskState.failed, TaskState.rejected, TaskState.canceled):
            return None
        text = ""
        if task.status.message is not None:
            text = " ".join(
                p.root.text for p in task.status.message.parts if isinstance(p.root, TextPart)
            )
        return text or task.status.state.value

    async def _deadline_passed(self, job: Job) -> bool:
        latest = await _thread(self.market.w3.eth.get_block, "latest")
        now = max(int(latest["timestamp"]), int(time.time()))
        return now >= job.deadline

    def _delivered_uri(self, job_id: int, from_block: int) -> str:
        """The result URI of the job's `JobDelivered` event."""
        event = self.market.escrow.contract.events.JobDelivered()
        logs = event.get_logs(from_block=from_block, argument_filters={"job_id": job_id})
        if not logs:
            return ""
        return str(logs[-1]["args"]["result_uri"])

    async def _settle(
        self,
        http: httpx.AsyncClient,
        outcome: HireOutcome,
        order: TaskOrder,
        delivery: _Delivery,
    ) -> HireOutcome:
        """Fetch and check the result; complete on a match, dispute otherwise."""
        job_id = outcome.job_id
        fetched_hash: bytes | None = None
        try:
            raw = await self._fetch(http, delivery.result_uri)
            fetched_hash = bytes(Web3.keccak(raw))
            problem = (
                None
                if fetched_hash == delivery.result_hash
                else "the result does not match its delivered hash"
            )
        except ClientAgentError as exc:
            raw, problem = None, str(exc)
        done = _replace(outcome, result_hash=delivery.result_hash, result_uri=delivery.result_uri)
        if problem is None and raw is not None:
            await _thread(self.market.escrow.complete, self.signer, job_id)
            return _replace(
                done,
                status=JobStatus.COMPLETED,
                result=raw.decode("utf-8", errors="replace"),
                result_bytes=raw,
            )
        evidence = self._evidence(order, delivery, fetched_hash, problem or "")
        await _thread(self.market.disputes.dispute, self.signer, job_id, evidence[0])
        for more in evidence[1:]:
            await _thread(self.market.disputes.submit_evidence, self.signer, job_id, more)
        job = await _thread(self.market.escrow.job, job_id)
        return _replace(
            done, status=job.status, disputed=True, dispute_reason=problem, evidence=evidence
        )

    async def _fetch(self, http: httpx.AsyncClient, uri: str) -> bytes:
        """The result bytes at `uri` (http, https or data), at most max_result_bytes."""
        if not uri:
            raise ClientAgentError("the delivery names no result URI")
        if uri.startswith("data:"):
            header, _, payload = uri.partition(",")
            if header.endswith(";base64"):
                return base64.b64decode(payload)
            return urllib.parse.unquote_to_bytes(payload)
        if not uri.startswith(("http://", "https://")):
            raise ClientAgentError(f"cannot fetch the result from {uri!r} (http, https, data)")
        try:
            async with http.stream("GET", uri, follow_redirects=True) as response:
                response.raise_for_status()
                raw = bytearray()
                async for chunk in response.aiter_bytes():
                    raw += chunk
                    if len(raw) > self.max_result_bytes:
                        raise ClientAgentError(
                            f"the result at {uri} is larger than {self.max_result_bytes} bytes"
                        )
        except httpx.HTTPError as exc:
            raise ClientAgentError(f"cannot fetch the result at {uri}: {exc}") from exc
        return bytes(raw)

    def _evidence(
        self, order: TaskOrder, delivery: _Delivery, fetched: bytes | None, problem: str
    ) -> list[str]:
        """The dispute's evidence URIs: what was ordered (the signed task order) and
        what came back (the delivered hash, the fetched bytes' hash, the problem)."""
        fields: dict[str, Any] = {
            "problem": problem,
            "expectedHash": "0x" + delivery.result_hash.hex(),
            "fetchedHash": None if fetched is None else "0x" + fetched.hex(),
            "inputHash": "0x" + order.input_hash.hex(),
            "orderSignature": "0x" + order.signature.hex(),
            "resultUri": delivery.result_uri,
        }
        if self.evidence_publisher is not None:
            document = {"kind": EVIDENCE_KIND, "jobId": str(order.job_id), **fields}
            return [self.evidence_publisher(document)]
        return evidence_uris(EVIDENCE_KIND, order.job_id, fields)


def _run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to its end in a fresh event loop (`asyncio.run`)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    coroutine.close()
    raise ClientAgentError(
        "the sync hire methods run their own event loop: inside one, await "
        "hire_async / hire_listing_async / hire_offer_async instead"
    )


async def _thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking (web3, file, sync HTTP) call in a worker thread."""
    return await asyncio.to_thread(fn, *args)


def _replace(outcome: HireOutcome, **changes: Any) -> HireOutcome:
    return dataclasses.replace(outcome, **changes)
