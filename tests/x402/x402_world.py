"""Fixtures for x402 on tabs against anvil (imported by the test modules: this folder
has no `__init__.py` and no `conftest.py`, so that neither `x402`, the SDK, nor the
suite's `conftest` is shadowed by it): a deployed protocol with a client agent
(operator, spending policy, escrow balance) and a provider agent, paid APIs served
by uvicorn over real HTTP (in a thread, or `agentmarket x402 serve-example` in its
own process), and the x402 SDK's httpx client with `TabsPayer` registered.

Roles use anvil's dev accounts 5-9, as tests/agent does (each xdist worker has
its own anvil; the modules of one worker run one after another).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent.conftest import anvil_account, deploy_token
from eth_account.signers.local import LocalAccount
from fastapi import FastAPI, Response
from x402 import x402Client
from x402.http import FacilitatorConfig, HTTPFacilitatorClient, x402HTTPClient
from x402.http.clients.httpx import x402HttpxClient
from x402.server import x402ResourceServer

from agentmarket import Market, SpendPolicy
from agentmarket.chain import Signer, connect
from agentmarket.market import deploy_memory_protocol
from agentmarket.serving import ThreadedServer
from agentmarket.x402 import TabsPayer, TabsProvider, TabTerms, VoucherStore, payment_client
from agentmarket.x402.app import charge, install, resource_server, route
from agentmarket.x402.wire import Receipt

UNIT = 10**18
CAP = 1_000  # token units per call, at most
ROLES = ("governance", "client_principal", "client_operator", "provider_principal",
         "provider_operator")  # fmt: skip


@dataclass
class X402World:
    url: str
    market: Market
    deployment: Path
    keys: dict[str, LocalAccount]
    token: str
    client_id: int
    provider_id: int
    tmp: Path

    def signer(self, role: str) -> Signer:
        return self.market.signer_for(self.keys[role])

    def terms(self, cap: int = CAP) -> TabTerms:
        return TabTerms(
            chain_id=self.market.chain_id,
            tabs=self.market.tabs.address,
            token=self.token,
            provider_id=self.provider_id,
            cap=cap,
        )

    def provider(self, store: Path, refresh_after: float = 0.0) -> TabsProvider:
        return TabsProvider(
            self.terms(), VoucherStore(store), self.market.tabs, self.market.registry,
            refresh_after=refresh_after,
        )  # fmt: skip

    def payer(self, **options: Any) -> TabsPayer:
        options.setdefault("deposit", 50 * CAP)
        options.setdefault("max_per_call", CAP)
        return TabsPayer(
            self.market.tabs, self.signer("client_operator"), self.client_id, **options
        )

    def provider_balance(self) -> int:
        return self.market.escrow.balance(self.provider_id, self.token)

    def net_of_fee(self, redeemed: int) -> int:
        """What a tab redeemed up to `redeemed` pays the provider (cumulative fee)."""
        bps = int(self.market.escrow.config()["fee_bps"])
        return redeemed - redeemed * bps // 10_000


@pytest.fixture(scope="module")
def world(anvil_url: str, tmp_path_factory: pytest.TempPathFactory) -> X402World:
    tmp = tmp_path_factory.mktemp("x402-world")
    keys = {role: anvil_account(5 + i) for i, role in enumerate(ROLES)}
    w3 = connect(anvil_url)
    record = deploy_memory_protocol(Signer(w3, keys["governance"]))
    deployment = record.save(tmp / "deployments")
    market = Market.connect(anvil_url, deployment, account=keys["governance"])
    token = deploy_token(market.signer, [keys["client_principal"].address])
    market.escrow.set_token(market.signer, token, True, 10**18)

    client = market.signer_for(keys["client_principal"])
    client_id = market.registry.register(client, "ipfs://client")
    market.registry.set_operator(client, client_id, keys["client_operator"])
    cap = 10_000 * UNIT
    market.registry.set_spend_policy(client, client_id, token, SpendPolicy(cap, cap, 86_400))
    market.token(token).ensure_allowance(client, market.escrow.address, cap)
    market.escrow.deposit(client, client_id, token, 5_000 * UNIT)

    provider = market.signer_for(keys["provider_principal"])
    provider_id = market.registry.register(provider, "ipfs://provider")
    market.registry.set_operator(provider, provider_id, keys["provider_operator"])
    return X402World(anvil_url, market, Path(deployment), keys, token, client_id, provider_id, tmp)


# ---------------------------------------------------------------- servers


@dataclass
class Served:
    """A paid API on uvicorn in a thread of this process."""

    url: str
    provider: TabsProvider
    calls: list[str] = field(default_factory=list)  # what the handlers served


def counting_app(
    provider: TabsProvider, calls: list[str], server: x402ResourceServer | None = None
) -> FastAPI:
    """`GET /echo?text=` at the cap and `GET /words?text=` at one unit a word, each
    recording what it served in `calls`."""
    app = FastAPI()
    routes = {"GET /echo": route(provider), "GET /words": route(provider)}
    install(app, routes, server or resource_server(provider))

    @app.get("/echo")
    async def echo(text: str = "") -> dict[str, str]:
        calls.append(text)
        return {"echo": text}

    @app.get("/words")
    async def words(response: Response, text: str = "") -> dict[str, int]:
        calls.append(text)
        charge(response, max(1, min(len(text.split()), CAP)))
        return {"words": len(text.split())}

    return app


@pytest.fixture
def serve(world: X402World, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """`serve(store=..., app=...)`: a paid API in a uvicorn thread, stopped after the test."""
    running: list[ThreadedServer] = []

    def start(
        store: Path | None = None, facilitator_url: str | None = None, **options: Any
    ) -> Served:
        provider = world.provider(store or tmp_path / f"store-{len(running)}.db", **options)
        calls: list[str] = []
        resources = None
        if facilitator_url is not None:
            remote = HTTPFacilitatorClient(FacilitatorConfig(url=facilitator_url))
            resources = resource_server(provider, remote)
        server = ThreadedServer(counting_app(provider, calls, resources)).start()
        running.append(server)
        return Served(server.url, provider, calls)

    yield start
    for server in running:
        server.stop()


# ------------------------------------------------------------------ client


def sdk_client(payer: TabsPayer, tokens: dict[str, int] | None = None) -> x402Client:
    """The x402 SDK's client with our scheme registered, and nothing else."""
    return payment_client(payer, tokens)


async def _get_many(client: x402Client, urls: list[str]) -> list[httpx.Response]:
    out = []
    async with x402HttpxClient(client, timeout=30) as http:
        for url in urls:
            response = await http.get(url)
            await response.aread()
            out.append(response)
    return out


def pay(
    payer: TabsPayer, urls: list[str], tokens: dict[str, int] | None = None
) -> list[httpx.Response]:
    """GET each URL in turn through the SDK's httpx client, paying with `payer`."""
    return asyncio.run(_get_many(sdk_client(payer, tokens), urls))


def receipt_of(response: httpx.Response) -> Receipt:
    settle = x402HTTPClient(x402Client()).get_payment_settle_response(response.headers.get)
    assert settle.success and settle.extra is not None
    return Receipt.from_extra(settle.extra)


def payment_required(response: httpx.Response) -> dict[str, Any]:
    """The decoded PAYMENT-REQUIRED header of a 402."""
    assert response.status_code == 402, response.text
    header = response.headers["PAYMENT-REQUIRED"]
    data: dict[str, Any] = json.loads(base64.b64decode(header))
    return data
