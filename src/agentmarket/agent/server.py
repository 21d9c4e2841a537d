"""The provider runtime's HTTP server: the A2A application and two routes of its own.

At its base URL B a runtime serves

- `GET B/.well-known/agent-card.json`: the A2A agent card, one skill per active
  listing of the agent (id "0x" + tag hex, the tag's name when known, price, token and
  delivery time in the description), re-read from the chain at most every few seconds;
- `GET B/registration.json`: the agent's ERC-8004 registration file, written from the
  chain the same way (`agentmarket.agent.registration.registration_file`);
- `GET B/results/0x<hash>`: the stored result whose keccak256 is that hash, as UTF-8
  text; 404 when it is not here;
- `POST B/`: A2A JSON-RPC (`message/send`, `tasks/get`), answered by the runtime;
- with `PaidCalls` (`agent serve --x402-cap`): `POST B/x402/call`, one call of the
  handler paid through x402 on tabs (body: the input text; answer: the result text),
  behind the x402 SDK's middleware; the registration file then says `x402Support`
  and lists that endpoint as the service "x402", and a `Redeemer` redeems the
  vouchers it accepts while the app runs.

`serve` runs it under uvicorn. On SIGINT or SIGTERM uvicorn stops taking connections
and the runtime waits a grace period for the jobs in hand; what is left resumes from
the journal at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import uvicorn
from a2a.server.apps import A2AStarletteApplication
from a2a.types import AgentCapabilities, AgentCard, AgentSkill
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from agentmarket.agent.provider import ProviderRequestHandler, ProviderRuntime
from agentmarket.agent.registration import EXTENSION, registration_file
from agentmarket.agent.results import ResultStoreError, parse_hash
from agentmarket.agent.tasks import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from agentmarket.x402.provider import Redeemer, TabsProvider

log = logging.getLogger(__name__)

# How long a registration file and agent card read from the chain are served before
# they are read again.
CARD_TTL = 5.0
MODES = ["text/plain"]


def skills_of(registration: dict[str, Any]) -> list[AgentSkill]:
    """One A2A skill per listing a registration file states."""
    skills = []
    for listing in registration.get(EXTENSION, {}).get("listings", []):
        name = listing.get("tagName") or listing["tag"]
        skills.append(
            AgentSkill(
                id=listing["tag"],
                name=name,
                description=(
                    f"{name}: {listing['price']} base units of token {listing['token']} a job, "
                    f"delivered within {listing['deliveryTime']} s (listing "
                    f"{listing['listingId']}, version {listing['version']})"
                ),
                tags=[name],
                input_modes=MODES,
                output_modes=MODES,
            )
        )
    return skills


def card_of(registration: dict[str, Any], public_url: str) -> AgentCard:
    """The A2A agent card of a runtime at `public_url` whose agent has `registration`."""
    return AgentCard(
        name=str(registration.get("name", "")),
        description=str(registration.get("description") or registration.get("name", "")),
        url=public_url.rstrip("/") + "/",
        version="1.0.0",
        default_input_modes=MODES,
        default_output_modes=MODES,
        capabilities=AgentCapabilities(streaming=False),
        skills=skills_of(registration),
    )


@dataclass
class PaidCalls:
    """The runtime's handler behind x402 on tabs, at `<public URL><mount><path>`, priced
    at the provider's per-call cap; `redeemer` (if any) runs while the app does."""

    provider: TabsProvider
    redeemer: Redeemer | None = None
    mount: str = "/x402"
    path: str = "/call"

    def endpoint(self, public_url: str) -> str:
        return public_url.rstrip("/") + self.mount + self.path


class ChainFacts:
    """The registration file and agent card of a runtime's agent, re-read from the chain
    when older than `ttl` seconds."""

    def __init__(
        self,
        runtime: ProviderRuntime,
        *,
        name: str | None = None,
        description: str = "",
        tag_names: Iterable[str] = (),
        ttl: float = CARD_TTL,
        x402_url: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.name = name
        self.description = description
        self.tag_names = list(tag_names)
        self.ttl = ttl
        self.x402_url = x402_url
        self._read_at = -float("inf")
        self._registration: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    def read(self) -> dict[str, Any]:
        """The registration file, from the chain now (blocking)."""
        runtime = self.runtime
        return registration_file(
            runtime.market,
            runtime.agent_id,
            a2a_url=runtime.public_url + "/.well-known/agent-card.json",
            name=self.name,
            description=self.description,
            tag_names=self.tag_names,
            x402_url=self.x402_url,
        )

    def prime(self) -> dict[str, Any]:
        """Read the registration file now and keep it (blocking; before serving)."""
        self._registration = self.read()
        self._read_at = time.monotonic()
        return self._registration

    async def registration(self) -> dict[str, Any]:
        """The registration file, at most `ttl` seconds old."""
        async with self._lock:
            if time.monotonic() - self._read_at > self.ttl:
                self._registration = await asyncio.to_thread(self.read)
                self._read_at = time.monotonic()
            return self._registration

    async def card(self, _served: AgentCard | None = None) -> AgentCard:
        """The agent card, at most `ttl` seconds old (an A2A `card_modifier`)."""
        return card_of(await self.registration(), self.runtime.public_url)


def build_app(
    runtime: ProviderRuntime,
    *,
    name: str | None = None,
    description: str = "",
    tag_names: Iterable[str] = (),
    grace: float = 10.0,
    paid: PaidCalls | None = None,
) -> Starlette:
    """The Starlette application of `runtime`: A2A plus /registration.json and
    /results/{hash} (and the paid calls of `paid`); starting it starts the runtime (and
    its resume pass) and the redeemer, stopping it stops the runtime after at most
    `grace` seconds, then the redeemer, which redeems what is pending."""
    x402_url = None if paid is None else paid.endpoint(runtime.public_url)
    facts = ChainFacts(
        runtime, name=name, description=description, tag_names=tag_names, x402_url=x402_url
    )
    first = facts.prime()
    a2a = A2AStarletteApplication(
        agent_card=card_of(first, runtime.public_url),
        http_handler=ProviderRequestHandler(runtime),
        card_modifier=facts.card,
    )

    async def registration(_request: Request) -> Response:
        return JSONResponse(await facts.registration())

    async def result(request: Request) -> Response:
        try:
            digest = parse_hash(str(request.path_params["digest"]))
            data = await asyncio.to_thread(runtime.results.get, digest)
        except ResultStoreError:
            data = None
        if data is None:
            return Response("no such result\n", status_code=404, media_type="text/plain")
        return Response(data, media_type="text/plain; charset=utf-8")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        redeemer = None if paid is None else paid.redeemer
        await runtime.start()
        if redeemer is not None:
            redeemer.start()
        try:
            yield
        finally:
            await runtime.stop(grace)
            if redeemer is not None:
                await asyncio.to_thread(stop_redeemer, redeemer)

    routes: list[BaseRoute] = [
        *a2a.routes(),
        Route("/registration.json", registration, methods=["GET"]),
        Route("/results/{digest}", result, methods=["GET"]),
    ]
    if paid is not None:
        from agentmarket.x402.app import handler_app

        calls = handler_app(
            paid.provider, runtime.handler, path=paid.path, max_bytes=MAX_INPUT_BYTES
        )
        routes.append(Mount(paid.mount, app=calls))
    return Starlette(routes=routes, lifespan=lifespan)


def stop_redeemer(redeemer: Redeemer) -> None:
    """Stop `redeemer` and redeem what is pending (a failure is logged: the store keeps
    the vouchers for the next start or `agentmarket x402 redeem`)."""
    redeemer.stop()
    try:
        redeemer.redeem_pending()
    except Exception:
        log.exception("x402: redeeming the pending vouchers at shutdown failed")


def serve(
    runtime: ProviderRuntime,
    host: str = "127.0.0.1",
    port: int = 8700,
    *,
    name: str | None = None,
    description: str = "",
    tag_names: Iterable[str] = (),
    grace: float = 10.0,
    log_level: str = "info",
    paid: PaidCalls | None = None,
) -> None:
    """Serve `runtime` over HTTP on `host`:`port` until SIGINT or SIGTERM."""
    app = build_app(
        runtime, name=name, description=description, tag_names=tag_names, grace=grace, paid=paid
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=max(1, round(grace)),
        lifespan="on",
    )
    uvicorn.Server(config).run()
