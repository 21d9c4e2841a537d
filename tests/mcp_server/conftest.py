"""Fixtures for the MCP server against anvil: a protocol with a client agent (its
operator capped at 10 tokens a job) and a provider agent listing `uppercase` at 5 tokens
and `uppercase-deluxe` at 20; the provider runtime (`agentmarket agent serve`) in its
own process; and `agentmarket mcp` as a subprocess, reached with the official MCP
client (`ClientSession`) over stdio or Streamable HTTP.

The roles use anvil accounts 10-15 (funded here with `anvil_setBalance`), so they never
share a nonce with the agent tests' accounts (0-9) on the same anvil.

(This folder is not `tests/mcp`: with `tests` on the import path, a test package
named `mcp` would shadow the MCP SDK.)
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from agent.conftest import (
    ROOT,
    ProviderProcess,
    ProviderWorld,
    agentmarket_script,
    anvil_account,
    deploy_token,
    free_port,
)
from eth_account.signers.local import LocalAccount
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from agentmarket import Market, SpendPolicy
from agentmarket.chain import Signer, connect
from agentmarket.market import deploy_memory_protocol

UNIT = 10**18
PRICE = 5 * UNIT
DELUXE_PRICE = 20 * UNIT
PER_JOB_CAP = 10 * UNIT
ROLES = ("governance", "client_principal", "client_operator", "provider_principal",
         "provider_operator", "stranger")  # fmt: skip
KEY_ENV = "AM_TEST_MCP_KEY"


@dataclass
class McpWorld:
    """The chain side of the MCP tests, plus what the provider runtime needs."""

    provider: ProviderWorld
    deluxe_listing_id: int

    @property
    def market(self) -> Market:
        return self.provider.market

    @property
    def keys(self) -> dict[str, LocalAccount]:
        return self.provider.keys

    def signer(self, role: str) -> Signer:
        return self.market.signer_for(self.keys[role])

    def mcp_args(self, agent_id: int, *extra: str, db: Path) -> list[str]:
        w = self.provider
        return [
            "mcp",
            "--rpc", w.url,
            "--deployment", str(w.deployment),
            "--agent", str(agent_id),
            "--key-env", KEY_ENV,
            "--db", f"sqlite:///{db}",
            "--token", w.token,
            *extra,
        ]  # fmt: skip

    def key_env(self, role: str) -> dict[str, str]:
        return {KEY_ENV: "0x" + bytes(self.keys[role].key).hex()}


@pytest.fixture(scope="module")
def mcp_world(anvil_url: str, tmp_path_factory: pytest.TempPathFactory) -> McpWorld:
    tmp = tmp_path_factory.mktemp("mcp-world")
    keys = {role: anvil_account(10 + i) for i, role in enumerate(ROLES)}
    w3 = connect(anvil_url)
    for account in keys.values():
        w3.provider.make_request("anvil_setBalance", [account.address, hex(1000 * UNIT)])  # type: ignore[arg-type]
    record = deploy_memory_protocol(Signer(w3, keys["governance"]))
    deployment = record.save(tmp / "deployments")
    market = Market.connect(anvil_url, deployment, account=keys["governance"])
    token = deploy_token(market.signer, [keys["client_principal"].address])
    market.escrow.set_token(market.signer, token, True, 10**18)

    client = market.signer_for(keys["client_principal"])
    client_id = market.registry.register(client, "ipfs://client")
    market.registry.set_operator(client, client_id, keys["client_operator"])
    market.registry.set_spend_policy(
        client, client_id, token, SpendPolicy(PER_JOB_CAP, 1_000 * UNIT, 86_400)
    )
    market.token(token).ensure_allowance(client, market.escrow.address, 1_000 * UNIT)
    market.escrow.deposit(client, client_id, token, 500 * UNIT)

    provider = market.signer_for(keys["provider_principal"])
    provider_id = market.registry.register(provider, "ipfs://provider")
    market.registry.set_operator(provider, provider_id, keys["provider_operator"])
    listing_id = market.listings.create(provider, provider_id, "uppercase", token, PRICE, 3600)
    deluxe = market.listings.create(
        provider, provider_id, "uppercase-deluxe", token, DELUXE_PRICE, 3600
    )
    world = ProviderWorld(
        url=anvil_url,
        market=market,
        deployment=Path(deployment),
        keys=keys,
        token=token,
        client_id=client_id,
        provider_id=provider_id,
        listing=market.listings.get(listing_id),
        tmp=tmp,
    )
    return McpWorld(world, deluxe)


@pytest.fixture(scope="module")
def provider_runtime(
    mcp_world: McpWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProviderProcess]:
    """A real provider runtime serving the provider agent, its URI pointing at it."""
    home = tmp_path_factory.mktemp("mcp-provider")
    runtime = ProviderProcess(mcp_world.provider, home).start()
    principal = mcp_world.signer("provider_principal")
    mcp_world.market.registry.set_uri(
        principal, mcp_world.provider.provider_id, runtime.url + "/registration.json"
    )
    yield runtime
    runtime.kill()


# ------------------------------------------------------------- MCP clients


@dataclass
class Transcript:
    """Every tool call of a scripted session: what was asked and what came back."""

    lines: list[str] = field(default_factory=list)

    def record(self, name: str, arguments: dict[str, Any], result: CallToolResult) -> None:
        self.lines.append(f"> {name} {json.dumps(arguments)}")
        if result.is_error:
            self.lines.append(f"< error: {text_of(result)}")
        else:
            self.lines.append(f"< {json.dumps(result.structured_content)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def text_of(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


class Mcp:
    """A `ClientSession` with helpers that call a tool and keep a transcript."""

    def __init__(self, session: ClientSession) -> None:
        self.session = session
        self.transcript = Transcript()

    async def call(self, name: str, **arguments: Any) -> dict[str, Any]:
        """Call `name`; its structured result (failing the test on a tool error)."""
        result = await self.session.call_tool(name, arguments)
        self.transcript.record(name, arguments, result)
        assert not result.is_error, f"{name} failed: {text_of(result)}"
        assert result.structured_content is not None
        return dict(result.structured_content)

    async def refused(self, name: str, **arguments: Any) -> str:
        """Call `name` expecting a tool error; its message."""
        result = await self.session.call_tool(name, arguments)
        self.transcript.record(name, arguments, result)
        assert result.is_error, f"{name} was not refused: {result.structured_content}"
        return text_of(result)


@asynccontextmanager
async def stdio_mcp(world: McpWorld, role: str, args: list[str]) -> AsyncIterator[Mcp]:
    """`agentmarket mcp ...` over stdio, signing as `role`; an initialized session."""
    params = StdioServerParameters(
        command=agentmarket_script(), args=args, env=world.key_env(role), cwd=str(ROOT)
    )
    with (world.provider.tmp / "mcp-stdio.log").open("a") as errlog:
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield Mcp(session)


@dataclass
class HttpServer:
    """`agentmarket mcp --transport http` in its own process."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"


@pytest.fixture
def http_server(mcp_world: McpWorld, tmp_path: Path) -> Iterator[Callable[..., HttpServer]]:
    """`http_server(role, *extra)` starts the server over HTTP and waits for it; each is
    stopped at the end of the test."""
    started: list[HttpServer] = []

    def start(role: str, agent_id: int, *extra: str) -> HttpServer:
        port = free_port()
        args = mcp_world.mcp_args(
            agent_id,
            "--transport", "http", "--port", str(port), *extra,
            db=tmp_path / f"index-{port}.db",
        )  # fmt: skip
        log = tmp_path / f"mcp-{port}.log"
        env = {**os.environ, **mcp_world.key_env(role)}
        proc = subprocess.Popen(
            [agentmarket_script(), *args], cwd=ROOT, env=env, stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        server = HttpServer(proc, port, log)
        started.append(server)
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"the MCP server exited:\n{log.read_text()}")
            try:
                httpx.get(server.url, timeout=1)
                return server
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the MCP server did not start:\n{log.read_text()}")
            time.sleep(0.1)

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGTERM)
            try:
                server.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.proc.kill()


@asynccontextmanager
async def http_mcp(server: HttpServer) -> AsyncIterator[Mcp]:
    """An initialized session with `server` over Streamable HTTP."""
    async with (
        streamable_http_client(server.url) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield Mcp(session)


def run(coro: Any) -> Any:
    return asyncio.run(coro)
