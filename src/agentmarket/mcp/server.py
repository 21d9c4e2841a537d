"""The MCP server: an agent's market actions as tools a language-model host can call.

    from agentmarket.mcp import AgentSession, build_server
    server = build_server(session)          # an mcp.server.MCPServer
    server.run("stdio")

Tools (each with a described JSON schema, a structured result and annotations that say
whether it reads or spends):

- buying: `find_services`, `get_agent`, `hire`, `hire_offer`, `job_status`,
  `get_result`, `complete`, `dispute`, `rate`, `balance`;
- selling: `my_jobs`, `accept`, `decline`, `deliver`, `list_service`.

Resources: `agentmarket://agent/registration` (the agent's ERC-8004 registration file,
written from the chain now) and `agentmarket://agent/listings` (its active listings).

Every refusal (a contract's revert, an on-chain cap or freeze, the session budget,
bad input, a result that does not match its hash) is raised as the SDK's `ToolError`,
which the client receives as an `isError` result carrying the message (a revert's
`.reason`, e.g. "escrow: over job cap"); the server goes on serving.
"""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import urllib.parse
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import httpx
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from web3 import Web3
from web3.exceptions import Web3Exception
from web3.types import TxReceipt

from agentmarket.agent.client import EVIDENCE_KIND, ProviderRefusedError, evidence_uris
from agentmarket.agent.registration import (
    RegistrationError,
    fetch_registration,
    registration_file,
    verify_registration,
)
from agentmarket.agent.results import ResultStoreError, parse_hash, result_hash
from agentmarket.contracts.escrow import Job, JobStatus
from agentmarket.contracts.listings import ListingState, tag_hash
from agentmarket.contracts.offers import SignedOffer
from agentmarket.errors import AgentMarketError, ContractRevertError
from agentmarket.index.schema import from_u256
from agentmarket.mcp.models import (
    AgentInfo,
    Balance,
    Delivered,
    Disputed,
    Hired,
    JobInfo,
    Listed,
    ListingInfo,
    MyJob,
    MyJobs,
    Rated,
    ReputationInfo,
    Result,
    Service,
    Services,
    Settled,
    Spend,
)
from agentmarket.mcp.session import (
    UNLIMITED,
    AgentSession,
    BadInputError,
    parse_amount,
    parse_job_id,
)

SERVER_NAME = "agentmarket"
REGISTRATION_RESOURCE = "agentmarket://agent/registration"
LISTINGS_RESOURCE = "agentmarket://agent/listings"
# A result larger than this is not fetched by get_result.
MAX_RESULT_BYTES = 8 * 1024 * 1024
# How many jobs my_jobs lists at most.
MY_JOBS_LIMIT = 50

Transport = Literal["stdio", "http"]

# Annotations: what each kind of tool does to the world.
READS = ToolAnnotations(read_only_hint=True, open_world_hint=True)
# Spends: commits the agent's money (a hire's price, a dispute's bond).
SPENDS = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
)
# Acts: an on-chain step that moves no money of this agent's into a commitment
# (complete pays what was already committed; accept, decline, deliver, rate, list).
ACTS = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
)
ACTS_ADDITIVE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)

JobIdArg = Annotated[
    str, Field(description="The job id, a uint256 in decimal or 0x-hex (as hire returned it).")
]
AmountArg = Annotated[
    str,
    Field(
        description="A token amount in base units, as a string: '5000000000000000000', "
        "'5e18' or '0x4563918244f40000'."
    ),
]

INSTRUCTIONS = """\
AgentMarket: hire other AI agents through an on-chain escrow, or sell your own work.
Amounts are token base units, as strings (5e18 = 5 tokens of 18 decimals); job ids are
strings. To buy: find_services(tag) -> hire(listing_id, input) -> poll job_status until
'delivered' -> get_result (checked against the on-chain hash) -> complete (pays the
provider) or dispute (posts a bond) -> rate. Spending tools report what they committed
and what this session may still commit. To sell: my_jobs('requested') -> accept ->
deliver(job_id, result)."""


@contextlib.contextmanager
def refusals(action: str) -> Iterator[None]:
    """Turn the library's refusals into `ToolError`s (an `isError` result with the message):
    a revert keeps the contract's own string (`.reason`)."""
    try:
        yield
    except ToolError:
        raise
    except ContractRevertError as exc:
        raise ToolError(f"{action} refused: {exc.reason}") from exc
    except (AgentMarketError, ValueError) as exc:
        raise ToolError(f"{action} refused: {exc}") from exc
    except (httpx.HTTPError, Web3Exception, OSError) as exc:
        raise ToolError(f"{action} failed: {type(exc).__name__}: {exc}") from exc


def build_server(session: AgentSession, *, log_level: str = "WARNING") -> MCPServer[Any]:
    """The MCP server for `session`: every tool and resource, bound to its agent."""
    server: MCPServer[Any] = MCPServer(
        SERVER_NAME,
        title="AgentMarket",
        description=f"AgentMarket agent #{session.agent_id}: hire, pay, sell through escrow.",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        log_level=log_level,  # type: ignore[arg-type]
    )
    tools = MarketTools(session)
    for name, hints in TOOLS.items():
        fn = getattr(tools, name)
        description = inspect.cleandoc(fn.__doc__ or "")
        server.add_tool(fn, name=name, description=description, annotations=hints)
    server.resource(
        REGISTRATION_RESOURCE,
        name="registration",
        description="This agent's ERC-8004 registration file, its facts read from the chain now.",
        mime_type="application/json",
    )(tools.registration_resource)
    server.resource(
        LISTINGS_RESOURCE,
        name="listings",
        description="This agent's active listings (id, tag, token, price, delivery time).",
        mime_type="application/json",
    )(tools.listings_resource)
    store = session.results.store
    if store is not None:

        async def result_route(request: Request) -> Response:
            try:
                data = store.get(parse_hash(str(request.path_params["digest"])))
            except ResultStoreError:
                return Response("not a result hash\n", status_code=404)
            if data is None:
                return Response("no such result\n", status_code=404)
            return Response(data, media_type="application/octet-stream")

        server.custom_route("/results/{digest}", methods=["GET"])(result_route)
    return server


def run_server(server: MCPServer[Any], transport: Transport, host: str, port: int) -> None:
    """Serve over stdio, or over Streamable HTTP at `http://host:port/mcp`."""
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)


class MarketTools:
    """The tools' bodies, bound to one `AgentSession`. Each is a plain method: the SDK
    runs it in a worker thread, so blocking chain and HTTP calls are fine."""

    def __init__(self, session: AgentSession) -> None:
        self.s = session

    # ------------------------------------------------------------- buying

    def find_services(
        self,
        tag: Annotated[str, Field(description="The capability's name, e.g. 'summarize'.")],
        max_price: Annotated[
            str | None,
            Field(description="Highest price in base units (string); omit for any price."),
        ] = None,
        min_score: Annotated[
            int,
            Field(description="Lowest provider score, hundredths (8000 = 80.00).", ge=0),
        ] = 0,
    ) -> Services:
        """Find active listings of a capability, best-rated provider first (reads the
        chain's discovery index; spends nothing)."""
        with refusals("find_services"):
            price = None if max_price is None else parse_amount(max_price, "max_price")
            self.s.index.sync()
            matches = self.s.index.find_providers(tag, price, min_score, None, 20)
            return Services(
                services=[
                    Service(
                        listing_id=m.listing_id,
                        provider_id=m.provider_id,
                        token=m.token,
                        price=str(m.price),
                        max_delivery_time=m.max_delivery_time,
                        score=m.score,
                        jobs=m.jobs,
                        completed=m.completed,
                        evaluator=m.evaluator,
                    )
                    for m in matches
                ]
            )

    def get_agent(
        self, agent_id: Annotated[int, Field(description="The agent's id.", ge=1)]
    ) -> AgentInfo:
        """An agent's owner, operator, reputation, active listings and registration file
        (fetched from its URI when http(s) or data:, and checked against the chain)."""
        with refusals("get_agent"):
            m = self.s.market
            agent = m.registry.agent(agent_id)
            if int(agent.principal, 16) == 0:
                raise BadInputError(f"no agent {agent_id} on this chain")
            rep = m.reputation.of(agent_id)
            registration: dict[str, Any] | None = None
            verified, problem = False, None
            if agent.uri.startswith(("http://", "https://", "data:")):
                try:
                    registration = fetch_registration(agent.uri, self.s.http_timeout)
                    verify_registration(m, registration, agent_id)
                    verified = True
                except RegistrationError as exc:
                    problem = str(exc)
            else:
                problem = f"the URI {agent.uri!r} is not http(s) or data: (not fetched)"
            return AgentInfo(
                agent_id=agent_id,
                owner=Web3.to_checksum_address(agent.principal),
                operator=Web3.to_checksum_address(agent.operator),
                frozen=agent.frozen,
                uri=agent.uri,
                reputation=ReputationInfo(
                    completed=rep.completed,
                    failed=rep.failed,
                    refunded=rep.refunded,
                    disputes_won=rep.disputes_won,
                    disputes_lost=rep.disputes_lost,
                    jobs=rep.jobs,
                    volume=str(rep.volume),
                    rating_count=rep.rating_count,
                    average_score=rep.average_score,
                ),
                listings=self._listings(agent_id),
                registration=registration,
                registration_verified=verified,
                registration_problem=problem,
            )

    def hire(
        self,
        listing_id: Annotated[int, Field(description="The listing to hire (from find_services).")],
        input: Annotated[str, Field(description="The task for the provider (text).")],
        max_price: Annotated[
            str | None,
            Field(description="Refuse if the listing costs more (base units, string)."),
        ] = None,
    ) -> Hired:
        """Hire a listing: pays its price into escrow (a commitment, bounded by the
        session budget and the principal's on-chain caps), sends the task to the
        provider over A2A, and returns at once with the job id; poll job_status."""
        s = self.s
        with refusals("hire"):
            limit = None if max_price is None else parse_amount(max_price, "max_price")
            listing = s.market.listings.get(listing_id)
            if listing.state != ListingState.ACTIVE:
                raise BadInputError(f"listing {listing_id} is not active")
            if limit is not None and listing.price > limit:
                raise BadInputError(
                    f"listing {listing_id} costs {listing.price}, more than max_price {limit}"
                )
            block = int(s.market.w3.eth.block_number)
            with s.tx_lock:
                s.budget.reserve(listing.price, f"hiring listing {listing_id}")
                try:
                    outcome = s.client.hire_listing(listing_id, input, max_price=limit, wait=False)
                except ProviderRefusedError as exc:
                    if exc.cancelled:
                        s.budget.release(listing.price)
                    raise
                except BaseException:
                    s.budget.release(listing.price)
                    raise
            s.hired_at[outcome.job_id] = block
            return Hired(
                job_id=str(outcome.job_id),
                provider_id=outcome.provider_id,
                listing_id=outcome.listing_id,
                token=outcome.token,
                price=str(outcome.price),
                status=outcome.status.name.lower(),
                spend=self._spend(outcome.price),
            )

    def hire_offer(
        self,
        offer: Annotated[
            str,
            Field(
                description='A provider\'s signed offer as JSON: {"offer": {provider_id, '
                "client_id, token, price, delivery_time, terms_hash, nonce, expiry, ...}, "
                '"signature": {v, r, s}} (as `agentmarket offer` writes it).'
            ),
        ],
        input: Annotated[str, Field(description="The task for the provider (text).")],
    ) -> Hired:
        """Hire with a provider's signed offer (the job starts accepted): pays the
        offer's price into escrow, bounded by the session budget and the on-chain caps,
        sends the task, and returns the job id at once; poll job_status."""
        s = self.s
        with refusals("hire_offer"):
            try:
                signed = SignedOffer.from_json(offer)
            except ValueError as exc:
                raise BadInputError(f"not a signed offer: {exc}") from exc
            price = signed.offer.price
            block = int(s.market.w3.eth.block_number)
            with s.tx_lock:
                s.budget.reserve(price, f"hiring provider {signed.offer.provider_id}'s offer")
                try:
                    outcome = s.client.hire_offer(signed, input, wait=False)
                except ProviderRefusedError as exc:
                    if exc.cancelled:
                        s.budget.release(price)
                    raise
                except BaseException:
                    s.budget.release(price)
                    raise
            s.hired_at[outcome.job_id] = block
            return Hired(
                job_id=str(outcome.job_id),
                provider_id=outcome.provider_id,
                listing_id=None,
                token=outcome.token,
                price=str(outcome.price),
                status=outcome.status.name.lower(),
                spend=self._spend(price),
            )

    def job_status(self, job_id: JobIdArg) -> JobInfo:
        """A job's status, price, deadline and (once delivered) its result's hash and URI."""
        with refusals("job_status"):
            job = self._job(job_id)
            delivered = job.status not in (JobStatus.REQUESTED, JobStatus.ACCEPTED) and bool(
                self._delivered_uri(job.job_id)
            )
            return JobInfo(
                job_id=str(job.job_id),
                client_id=job.client_id,
                provider_id=job.provider_id,
                token=Web3.to_checksum_address(job.token),
                price=str(job.price),
                status=job.status.name.lower(),
                deadline=job.deadline,
                delivered=delivered,
                result_hash="0x" + job.hash.hex() if delivered else None,
                result_uri=self._delivered_uri(job.job_id) if delivered else None,
            )

    def get_result(self, job_id: JobIdArg) -> Result:
        """Fetch a delivered job's result from its URI and check it against the hash
        delivered on-chain; a mismatch is refused (then dispute rather than complete)."""
        with refusals("get_result"):
            job = self._job(job_id)
            if job.status != JobStatus.DELIVERED:
                raise BadInputError(
                    f"job {job.job_id} is {job.status.name.lower()}, not delivered: no result "
                    "to check (poll job_status)"
                )
            uri = self._delivered_uri(job.job_id)
            data = self._fetch(uri)
            digest = result_hash(data)
            if digest != job.hash:
                raise BadInputError(
                    f"mcp: result mismatch: the result at {uri} hashes to 0x{digest.hex()}, "
                    f"but the provider delivered 0x{job.hash.hex()} on-chain; do not "
                    "complete: dispute the job"
                )
            return Result(
                job_id=str(job.job_id),
                result=data.decode("utf-8", errors="replace"),
                result_hash="0x" + digest.hex(),
                result_uri=uri,
                verified=True,
            )

    def complete(self, job_id: JobIdArg) -> Settled:
        """Accept a delivered job's result: the escrow pays the provider the committed
        price (irreversible; check the result with get_result first)."""
        with refusals("complete"):
            job_number = parse_job_id(job_id)
            receipt = self._transact(self.s.market.escrow.complete, job_number)
            return self._settled(job_number, receipt)

    def dispute(
        self,
        job_id: JobIdArg,
        reason: Annotated[
            str, Field(description="What is wrong with the delivery (filed as evidence).")
        ],
    ) -> Disputed:
        """Dispute a delivered job instead of paying: posts the dispute bond from the
        agent's free balance (bounded by the session budget) and files the reason as
        evidence; the provider may answer, then an arbitrator rules."""
        s = self.s
        with refusals("dispute"):
            job = self._job(job_id)
            config = s.market.escrow.config(job.config_id)
            bond = max(int(config["bond_floor"]), job.price * int(config["bond_bps"]) // 10_000)
            evidence = evidence_uris(EVIDENCE_KIND, job.job_id, {"problem": reason})
            with s.tx_lock:
                s.budget.reserve(bond, f"the bond of a dispute of job {job.job_id}")
                try:
                    receipt = s.market.disputes.dispute(s.signer, job.job_id, evidence[0])
                except BaseException:
                    s.budget.release(bond)
                    raise
                for more in evidence[1:]:
                    s.market.disputes.submit_evidence(s.signer, job.job_id, more)
            now = s.market.escrow.job(job.job_id)
            return Disputed(
                job_id=str(job.job_id),
                status=now.status.name.lower(),
                tx_hash=_tx(receipt),
                evidence=evidence,
                spend=self._spend(bond),
            )

    def rate(
        self,
        job_id: JobIdArg,
        score: Annotated[int, Field(description="0 (worst) to 100 (best).", ge=0, le=100)],
    ) -> Rated:
        """Rate the other side of a settled job, once (weighted by the job's value)."""
        with refusals("rate"):
            job_number = parse_job_id(job_id)
            receipt = self._transact(self.s.market.reputation.rate, job_number, score)
            return Rated(job_id=str(job_number), score=score, tx_hash=_tx(receipt))

    def balance(
        self,
        token: Annotated[
            str | None,
            Field(description="Payment token address; omit for the server's default token."),
        ] = None,
    ) -> Balance:
        """The agent's free balance in the escrow, the operator's on-chain caps and what
        it committed this period, and this session's budget."""
        s = self.s
        with refusals("balance"):
            address = self._token(token)
            m = s.market
            policy = m.registry.spend_policy(s.agent_id, address)
            start, used = m.escrow.spent(s.agent_id, address)
            period_committed = used if start + policy.period > _now(s) else 0
            agent = m.registry.agent(s.agent_id)
            return Balance(
                agent_id=s.agent_id,
                token=address,
                free_balance=str(m.escrow.balance(s.agent_id, address)),
                per_job_cap=str(policy.per_job_cap),
                period_cap=str(policy.period_cap),
                period=policy.period,
                period_committed=str(period_committed),
                frozen=agent.frozen,
                session_committed=str(s.budget.committed),
                remaining_budget=_remaining(s),
            )

    # ------------------------------------------------------------ selling

    def my_jobs(
        self,
        status: Annotated[
            str | None,
            Field(
                description="Only jobs in this status (requested, accepted, delivered, "
                "completed, ...); omit for all."
            ),
        ] = None,
        role: Annotated[
            Literal["provider", "client", "any"],
            Field(description="This agent's side: provider (default), client or any."),
        ] = "provider",
    ) -> MyJobs:
        """This agent's jobs (as provider by default), newest first, from the discovery
        index synced now; each status re-read from the chain."""
        s = self.s
        with refusals("my_jobs"):
            wanted = None
            if status is not None:
                try:
                    wanted = JobStatus[status.strip().upper()]
                except KeyError:
                    raise BadInputError(f"no job status {status!r}") from None
            s.index.sync()
            where = {
                "provider": "provider_id = ?",
                "client": "client_id = ?",
                "any": "(provider_id = ? OR client_id = ?)",
            }[role]
            params = (s.agent_id,) * where.count("?")
            rows = s.index.conn.execute(
                f"SELECT job_id, client_id, provider_id, listing_id FROM jobs WHERE {where} "
                "ORDER BY created_block DESC",
                params,
            ).fetchall()
            jobs: list[MyJob] = []
            for raw_id, client_id, provider_id, listing_id in rows:
                job = s.market.escrow.job(from_u256(raw_id))
                if wanted is not None and job.status != wanted:
                    continue
                jobs.append(
                    MyJob(
                        job_id=str(job.job_id),
                        role="provider" if int(provider_id) == s.agent_id else "client",
                        client_id=int(client_id),
                        provider_id=int(provider_id),
                        listing_id=int(listing_id),
                        token=Web3.to_checksum_address(job.token),
                        price=str(job.price),
                        status=job.status.name.lower(),
                    )
                )
                if len(jobs) >= MY_JOBS_LIMIT:
                    break
            return MyJobs(jobs=jobs)

    def accept(self, job_id: JobIdArg) -> Settled:
        """Accept a requested job as its provider: the delivery deadline starts."""
        with refusals("accept"):
            job_number = parse_job_id(job_id)
            receipt = self._transact(self.s.market.escrow.accept, job_number)
            return self._settled(job_number, receipt)

    def decline(self, job_id: JobIdArg) -> Settled:
        """Decline a requested job as its provider: the price returns to the client."""
        with refusals("decline"):
            job_number = parse_job_id(job_id)
            receipt = self._transact(self.s.market.escrow.decline, job_number)
            return self._settled(job_number, receipt)

    def deliver(
        self,
        job_id: JobIdArg,
        result: Annotated[str, Field(description="The result (text) to deliver.")],
    ) -> Delivered:
        """Deliver an accepted job as its provider: the result's keccak256 goes on-chain
        with the URI it is fetched from (this server's result store and public URL, or
        an inline data: URI for a short result); the client then reviews it."""
        s = self.s
        with refusals("deliver"):
            job_number = parse_job_id(job_id)
            data = result.encode("utf-8")
            digest = result_hash(data)
            uri = s.results.uri_for(data, digest)
            receipt = self._transact(s.market.escrow.deliver, job_number, digest, uri)
            return Delivered(
                job_id=str(job_number),
                status=s.market.escrow.job(job_number).status.name.lower(),
                result_hash="0x" + digest.hex(),
                result_uri=uri,
                tx_hash=_tx(receipt),
            )

    def list_service(
        self,
        tag: Annotated[str, Field(description="The capability's name, e.g. 'summarize'.")],
        price: AmountArg,
        delivery_time: Annotated[
            int, Field(description="Seconds the agent promises to deliver within.", ge=1)
        ],
        token: Annotated[
            str | None,
            Field(description="Payment token address; omit for the server's default token."),
        ] = None,
    ) -> Listed:
        """Offer a capability for sale: creates an active listing of this agent."""
        s = self.s
        with refusals("list_service"):
            address = self._token(token)
            amount = parse_amount(price, "price")
            with s.tx_lock:
                listing_id = s.market.listings.create(
                    s.signer, s.agent_id, tag, address, amount, delivery_time
                )
            return Listed(
                listing_id=listing_id,
                tag="0x" + tag_hash(tag).hex(),
                token=address,
                price=str(amount),
                delivery_time=delivery_time,
            )

    # ----------------------------------------------------------- resources

    def registration_resource(self) -> str:
        """The agent's registration file, written from the chain now."""
        data = registration_file(self.s.market, self.s.agent_id)
        return json.dumps(data, indent=2)

    def listings_resource(self) -> str:
        """The agent's active listings as JSON."""
        listings = self._listings(self.s.agent_id)
        return json.dumps([item.model_dump() for item in listings], indent=2)

    # ------------------------------------------------------------- helpers

    def _listings(self, agent_id: int) -> list[ListingInfo]:
        m = self.s.market
        found = []
        for listing_id in m.listings.active_by_provider(agent_id):
            listing = m.listings.get(listing_id)
            found.append(
                ListingInfo(
                    listing_id=listing_id,
                    tag="0x" + listing.tag.hex(),
                    token=Web3.to_checksum_address(listing.token),
                    price=str(listing.price),
                    max_delivery_time=listing.max_delivery_time,
                    version=listing.version,
                    state=listing.state.name.lower(),
                )
            )
        return found

    def _spend(self, committed: int) -> Spend:
        return Spend(
            committed=str(committed),
            session_committed=str(self.s.budget.committed),
            remaining_budget=_remaining(self.s),
        )

    def _token(self, token: str | None) -> str:
        chosen = token or self.s.token
        if chosen is None:
            raise BadInputError("name the payment token (or start the server with --token)")
        if not Web3.is_address(chosen):
            raise BadInputError(f"{chosen!r} is not a token address")
        return str(Web3.to_checksum_address(chosen))

    def _job(self, job_id: str) -> Job:
        job = self.s.market.escrow.job(parse_job_id(job_id))
        if job.status == JobStatus.NONE:
            raise BadInputError(f"no job {job_id}")
        return job

    def _transact(self, fn: Any, *args: Any) -> TxReceipt:
        with self.s.tx_lock:
            receipt: TxReceipt = fn(self.s.signer, *args)
            return receipt

    def _settled(self, job_id: int, receipt: TxReceipt) -> Settled:
        job = self.s.market.escrow.job(job_id)
        return Settled(job_id=str(job_id), status=job.status.name.lower(), tx_hash=_tx(receipt))

    def _delivered_uri(self, job_id: int) -> str:
        """The result URI of the job's latest `JobDelivered` event ("" if none)."""
        start = self.s.hired_at.get(job_id, self.s.first_block)
        event = self.s.market.escrow.contract.events.JobDelivered()
        logs = event.get_logs(from_block=start, argument_filters={"job_id": job_id})
        return str(logs[-1]["args"]["result_uri"]) if logs else ""

    def _fetch(self, uri: str) -> bytes:
        """The bytes at `uri` (http, https or data), at most MAX_RESULT_BYTES."""
        if not uri:
            raise BadInputError("the delivery names no result URI")
        if uri.startswith("data:"):
            header, _, payload = uri.partition(",")
            if header.endswith(";base64"):
                return base64.b64decode(payload)
            return urllib.parse.unquote_to_bytes(payload)
        if not uri.startswith(("http://", "https://")):
            raise BadInputError(f"cannot fetch the result from {uri!r} (http, https, data)")
        raw = bytearray()
        with httpx.stream(
            "GET", uri, timeout=self.s.http_timeout, follow_redirects=True
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                raw += chunk
                if len(raw) > MAX_RESULT_BYTES:
                    raise BadInputError(f"the result at {uri} is over {MAX_RESULT_BYTES} bytes")
        return bytes(raw)


# Each tool and what it does to the world: reads, spends (commits money), or acts.
TOOLS: dict[str, ToolAnnotations] = {
    "find_services": READS,
    "get_agent": READS,
    "hire": SPENDS,
    "hire_offer": SPENDS,
    "job_status": READS,
    "get_result": READS,
    "complete": ACTS,
    "dispute": SPENDS,
    "rate": ACTS_ADDITIVE,
    "balance": READS,
    "my_jobs": READS,
    "accept": ACTS,
    "decline": ACTS,
    "deliver": ACTS,
    "list_service": ACTS_ADDITIVE,
}
SPENDING_TOOLS = frozenset(name for name, a in TOOLS.items() if a is SPENDS)


def _remaining(session: AgentSession) -> str:
    budget = session.budget
    return "unlimited" if budget.unlimited else str(budget.remaining)


def _now(session: AgentSession) -> int:
    block = session.market.w3.eth.get_block("latest")
    return int(block["timestamp"])


def _tx(receipt: TxReceipt) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


__all__ = [
    "LISTINGS_RESOURCE",
    "REGISTRATION_RESOURCE",
    "SPENDING_TOOLS",
    "TOOLS",
    "UNLIMITED",
    "MarketTools",
    "build_server",
    "refusals",
    "run_server",
]
