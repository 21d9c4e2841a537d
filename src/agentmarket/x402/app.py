"""ASGI apps: an API paid through `tabs`, and a facilitator for providers who want one.

`install(app, routes, resource_server(provider))` puts FastAPI routes behind the
x402 SDK's own middleware with the `tabs` scheme registered and a local facilitator
(vouchers checked in-process). `example_app` is the paid example API of `agentmarket
x402 serve-example`; `handler_app` puts a provider runtime's handler behind it
(`agentmarket agent serve --x402-cap`). `facilitator_app(provider)` serves the x402 facilitator
endpoints (`POST /verify`, `POST /settle`, `GET /supported`) over the same checks,
for a resource server that delegates to `HTTPFacilitatorClient`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from x402.facilitator import x402FacilitatorSync
from x402.http import HTTPFacilitatorClient
from x402.http.middleware.fastapi import payment_middleware
from x402.schemas import PaymentPayload, PaymentRequirements
from x402.server import x402ResourceServer

from agentmarket.x402.provider import (
    LocalFacilitatorClient,
    TabsFacilitatorScheme,
    TabsProvider,
    TabsServerScheme,
    local_facilitator,
)
from agentmarket.x402.wire import SCHEME

log = logging.getLogger(__name__)

Middleware = Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]


def resource_server(
    provider: TabsProvider,
    facilitator: LocalFacilitatorClient | HTTPFacilitatorClient | None = None,
) -> x402ResourceServer:
    """The SDK's resource server with `tabs` registered; vouchers checked locally
    unless a facilitator client is given."""
    server = x402ResourceServer(facilitator or local_facilitator(provider))
    server.register(provider.network, TabsServerScheme(provider))
    return server


def route(
    provider: TabsProvider, price: int | None = None, description: str = ""
) -> dict[str, Any]:
    """One paid route's config for the middleware (`price`: the cap, default the terms')."""
    return {
        "accepts": {
            "scheme": SCHEME,
            "network": provider.network,
            "payTo": provider.terms.tabs,
            "price": str(provider.terms.cap if price is None else price),
        },
        "description": description,
        "mimeType": "application/json",
    }


def install(app: FastAPI, routes: dict[str, Any], server: x402ResourceServer) -> None:
    """Put `routes` ("GET /path" -> route config) of `app` behind the x402 middleware."""
    middleware: Middleware = payment_middleware(routes, server)

    @app.middleware("http")
    async def x402(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        return await middleware(request, call_next)


def charge(response: Response, amount: int) -> None:
    """Charge this call `amount` (at most the route's cap) instead of the cap."""
    response.headers["Settlement-Overrides"] = json.dumps({"amount": str(amount)})


def example_app(provider: TabsProvider, server: x402ResourceServer | None = None) -> FastAPI:
    """The paid example API: `GET /uppercase?text=...` at the cap, and `GET /words?text=...`
    charged one unit per word (at most the cap: variable prices, one round trip)."""
    app = FastAPI(title="AgentMarket x402 example")
    cap = provider.terms.cap
    routes = {
        "GET /uppercase": route(provider, description="The text in capitals"),
        "GET /words": route(provider, description="Word count, one unit a word up to the cap"),
    }
    install(app, routes, server or resource_server(provider))

    @app.get("/uppercase")
    async def uppercase(text: str = "") -> dict[str, str]:
        return {"result": text.upper()}

    @app.get("/words")
    async def words(response: Response, text: str = "") -> dict[str, int]:
        count = len(text.split())
        charge(response, max(1, min(count, cap)))
        return {"words": count}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "network": provider.network}

    return app


def handler_app(
    provider: TabsProvider,
    handler: Callable[[str], Awaitable[str]],
    server: x402ResourceServer | None = None,
    *,
    path: str = "/call",
    max_bytes: int = 1 << 20,
) -> FastAPI:
    """One paid call of `handler` at the cap: `POST path`, the request body (UTF-8) is
    the input text, the answer the result text. A refused input (413, 400) or a failed
    handler (500) is not billed: the middleware settles only a success."""
    app = FastAPI(title="AgentMarket x402 handler")
    routes = {f"POST {path}": route(provider, description="One call of the handler")}
    install(app, routes, server or resource_server(provider))

    @app.post(path)
    async def call(request: Request) -> Response:
        data = await request.body()
        if len(data) > max_bytes:
            return PlainTextResponse(f"input over {max_bytes} bytes\n", status_code=413)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return PlainTextResponse("input is not UTF-8 text\n", status_code=400)
        try:
            result = await handler(text)
        except Exception:
            log.exception("x402 call: the handler failed")
            return PlainTextResponse("the handler failed\n", status_code=500)
        return PlainTextResponse(result)

    return app


def facilitator_app(provider: TabsProvider) -> FastAPI:
    """The facilitator endpoints over this provider's checks and store."""
    facilitator = x402FacilitatorSync()
    facilitator.register([provider.network], TabsFacilitatorScheme(provider))
    app = FastAPI(title="AgentMarket x402 tabs facilitator")

    def parse(body: dict[str, Any]) -> tuple[PaymentPayload, PaymentRequirements]:
        return (
            PaymentPayload.model_validate(body["paymentPayload"]),
            PaymentRequirements.model_validate(body["paymentRequirements"]),
        )

    @app.get("/supported")
    def supported() -> dict[str, Any]:
        return facilitator.get_supported().model_dump(by_alias=True, exclude_none=True)

    @app.post("/verify")
    async def verify(request: Request) -> JSONResponse:
        try:
            payload, requirements = parse(await request.json())
        except (KeyError, ValueError) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400)
        result = facilitator.verify(payload, requirements)
        return JSONResponse(result.model_dump(by_alias=True, exclude_none=True))

    @app.post("/settle")
    async def settle(request: Request) -> JSONResponse:
        try:
            payload, requirements = parse(await request.json())
        except (KeyError, ValueError) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400)
        result = facilitator.settle(payload, requirements)
        return JSONResponse(result.model_dump(by_alias=True, exclude_none=True))

    return app
