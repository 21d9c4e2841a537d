"""Fixtures for the provider runtime against anvil: a deployed protocol, a client agent
with an operator and a deposit, a provider agent with an operator and a listing, and
helpers that hire, sign task messages, run a provider runtime in its own OS process and
talk to it through a2a-sdk's client over HTTP.

The roles use anvil's dev accounts 5-9 (the client tests use 0-4), so no two fixtures
of one anvil ever race for a nonce.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from a2a.client import ClientConfig, ClientFactory
from a2a.types import DataPart, Message, Part, Role, Task, TaskQueryParams, TextPart
from eth_account import Account
from eth_account.signers.local import LocalAccount

from agentmarket import JobStatus, Market, SpendPolicy
from agentmarket.agent.tasks import TASK_PART_KEY, sign_task
from agentmarket.chain import Signer, connect
from agentmarket.contracts.listings import Listing
from agentmarket.contracts.token import deploy_demo_token
from agentmarket.market import deploy_memory_protocol
from agentmarket.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
UNIT = 10**18
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
ROLES = ("governance", "client_principal", "client_operator", "provider_principal",
         "provider_operator")  # fmt: skip
PROVIDER_KEY_ENV = "AM_TEST_PROVIDER_OPERATOR_KEY"
PRICE = 5 * UNIT


def anvil_account(index: int) -> LocalAccount:
    Account.enable_unaudited_hdwallet_features()
    account: LocalAccount = Account.from_mnemonic(
        ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}"
    )
    return account


def deploy_token(owner: Signer, holders: Sequence[str]) -> str:
    """The demo ERC-20, 10,000 tokens minted to each holder."""
    return deploy_demo_token(owner, holders, 10_000 * UNIT, name="Test USD", symbol="TUSD").address


@dataclass
class ProviderWorld:
    """A protocol on anvil with one client agent and one provider agent listing a tag."""

    url: str
    market: Market
    deployment: Path
    keys: dict[str, LocalAccount]
    token: str
    client_id: int
    provider_id: int
    listing: Listing
    tmp: Path

    def signer(self, role: str) -> Signer:
        return self.market.signer_for(self.keys[role])

    def hire(self, listing: Listing | None = None) -> int:
        """The client's operator hires `listing` (default: the provider's); the job id."""
        return self.market.escrow.hire(
            self.signer("client_operator"), listing or self.listing, self.client_id
        )

    def task_message(
        self,
        job_id: int,
        text: str,
        *,
        key: LocalAccount | None = None,
        context_id: str | None = None,
    ) -> Message:
        """The wire protocol's task message: the input and the order signed by `key`
        (default: the client's operator)."""
        order = sign_task(
            key or self.keys["client_operator"],
            job_id,
            text.encode(),
            self.market.chain_id,
            self.market.escrow.address,
        )
        return Message(
            role=Role.user,
            message_id=uuid.uuid4().hex,
            context_id=context_id,
            parts=[
                Part(root=TextPart(text=text)),
                Part(root=DataPart(data={TASK_PART_KEY: order.to_dict()})),
            ],
        )

    def wait_status(self, job_id: int, status: JobStatus, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while (now := self.market.escrow.job(job_id).status) != status:
            if time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} is {now.name}, not {status.name}")
            time.sleep(0.1)

    def deliveries(self, job_id: int) -> list[dict[str, Any]]:
        """The JobDelivered events of `job_id` (args), oldest first."""
        events = self.market.escrow.contract.events.JobDelivered().get_logs(
            from_block=0, argument_filters={"job_id": job_id}
        )
        return [dict(e["args"]) for e in events]


@pytest.fixture(scope="module")
def world(anvil_url: str, tmp_path_factory: pytest.TempPathFactory) -> ProviderWorld:
    tmp = tmp_path_factory.mktemp("provider-world")
    keys = {role: anvil_account(5 + i) for i, role in enumerate(ROLES)}
    w3 = connect(anvil_url)
    record = deploy_memory_protocol(Signer(w3, keys["governance"]))
    deployment = record.save(tmp / "deployments")
    market = Market.connect(anvil_url, deployment, account=keys["governance"])
    holders = [keys["client_principal"].address]
    token = deploy_token(market.signer, holders)
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
    listing_id = market.listings.create(provider, provider_id, "uppercase", token, PRICE, 3600)
    return ProviderWorld(
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


# --------------------------------------------------------- runtime processes


def agentmarket_script() -> str:
    local = Path(sys.executable).parent / "agentmarket"
    found = str(local) if local.exists() else shutil.which("agentmarket")
    if found is None:
        pytest.fail("the agentmarket console script is not installed (./dev build)")
    return found


@dataclass
class ProviderProcess:
    """`agentmarket agent serve` running in its own OS process."""

    world: ProviderWorld
    home: Path
    handler: str = "examples.providers:uppercase"
    max_concurrent: int = 4
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def journal(self) -> Path:
        return self.home / "journal.db"

    @property
    def log(self) -> Path:
        return self.home / "serve.log"

    def start(self, crash_at: str | None = None, wait: bool = True) -> ProviderProcess:
        """Start the runtime (with the crash hook at `crash_at`); wait until it serves."""
        w = self.world
        env = dict(os.environ)
        env[PROVIDER_KEY_ENV] = "0x" + bytes(w.keys["provider_operator"].key).hex()
        env.pop("AGENTMARKET_TEST_CRASH_AT", None)
        if crash_at is not None:
            env["AGENTMARKET_TEST_CRASH_AT"] = crash_at
        self.home.mkdir(parents=True, exist_ok=True)
        args = [
            agentmarket_script(), "agent", "serve", str(w.provider_id),
            "--handler", self.handler,
            "--port", str(self.port),
            "--max-concurrent", str(self.max_concurrent),
            "--journal", str(self.journal),
            "--results", str(self.home / "results"),
            "--tag-name", "uppercase",
            "--rpc", w.url,
            "--deployment", str(w.deployment),
            "--key-env", PROVIDER_KEY_ENV,
        ]  # fmt: skip
        out = self.log.open("ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=out)
        self.starts += 1
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"the runtime exited early:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/.well-known/agent-card.json", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the runtime did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def wait_exit(self, timeout: float = 30.0) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the runtime did not exit:\n{self.log.read_text()}") from None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit()


@pytest.fixture
def provider_process(
    world: ProviderWorld, tmp_path: Path
) -> Iterator[Callable[..., ProviderProcess]]:
    """`provider_process(**options)` makes a runtime process (not started); each is
    killed at the end of the test."""
    made: list[ProviderProcess] = []

    def make(**options: Any) -> ProviderProcess:
        process = ProviderProcess(world, tmp_path / f"provider-{len(made)}", **options)
        made.append(process)
        return process

    yield make
    for process in made:
        process.kill()


# ------------------------------------------------------------- A2A client


async def send_task(url: str, message: Message, timeout: float = 30.0) -> Task:
    """Send `message` with a2a-sdk's client (card resolved from `url`); the task."""
    async with httpx.AsyncClient(timeout=timeout) as http:
        config = ClientConfig(streaming=False, httpx_client=http)
        client = await ClientFactory.connect(url, client_config=config)
        async for event in client.send_message(message):
            assert isinstance(event, tuple), f"expected a task, got {event!r}"
            return event[0]
    raise AssertionError("no answer")


async def get_task(url: str, task_id: str, timeout: float = 30.0) -> Task:
    async with httpx.AsyncClient(timeout=timeout) as http:
        config = ClientConfig(streaming=False, httpx_client=http)
        client = await ClientFactory.connect(url, client_config=config)
        return await client.get_task(TaskQueryParams(id=task_id))


def run(coro: Any) -> Any:
    return asyncio.run(coro)
