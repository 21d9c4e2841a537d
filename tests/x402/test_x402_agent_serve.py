"""`agentmarket agent serve --x402-cap` in its own process: the runtime's handler sold per
call at `POST /x402/call` behind the x402 SDK's middleware, paid by the SDK's client
with our scheme; a bad voucher gets a 402 with its reason; the registration file says
x402Support; the vouchers are redeemed by the redeemer running with the app (in the
background once over the threshold, the rest at shutdown) to the unit."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from agent.conftest import agentmarket_script, free_port
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.http.clients.httpx import x402HttpxClient
from x402.schemas import PaymentPayload, PaymentRequirements
from x402_world import (  # noqa: F401  (fixture: world)
    CAP,
    X402World,
    payment_required,
    receipt_of,
    sdk_client,
    world,
)

from agentmarket.agent.registration import verify_registration
from agentmarket.contracts.tabs import VoucherSigner
from agentmarket.x402 import TabPayment, TabsPayer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
KEY_ENV = "AM_TEST_X402_KEY"


@dataclass
class Runtime:
    """`agentmarket agent serve ... --x402-cap CAP` in its own OS process."""

    world: X402World
    home: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home / "serve.log"

    def start(self, *options: str) -> Runtime:
        w = self.world
        self.home.mkdir(parents=True, exist_ok=True)
        args = [
            agentmarket_script(), "agent", "serve", str(w.provider_id),
            "--handler", "examples.providers:uppercase", "--port", str(self.port),
            "--journal", str(self.home / "journal.db"), "--results", str(self.home / "results"),
            "--x402-cap", str(CAP), "--x402-token", w.token,
            "--x402-store", str(self.home / "x402.db"), *options,
            "--rpc", w.url, "--deployment", str(w.deployment), "--key-env", KEY_ENV,
        ]  # fmt: skip
        env = dict(os.environ)
        env[KEY_ENV] = "0x" + bytes(w.keys["provider_operator"].key).hex()
        out = self.log.open("ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"the runtime exited:\n{self.log.read_text()}")
            try:
                if httpx.get(self.url + "/registration.json", timeout=1).is_success:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the runtime did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; its exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def runtime(world: X402World, tmp_path: Path) -> Iterator[Runtime]:
    made = Runtime(world, tmp_path / "provider")
    yield made
    made.kill()


async def _post_many(payer: TabsPayer, url: str, texts: list[str]) -> list[httpx.Response]:
    out = []
    async with x402HttpxClient(sdk_client(payer), timeout=30) as http:
        for text in texts:
            response = await http.post(url, content=text.encode())
            await response.aread()
            out.append(response)
    return out


def post_paid(payer: TabsPayer, url: str, texts: list[str]) -> list[httpx.Response]:
    """POST each text in turn through the SDK's httpx client, paying with `payer`."""
    return asyncio.run(_post_many(payer, url, texts))


def wait_redeemed(world: X402World, tab_id: int, amount: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while (now := world.market.tabs.tab(tab_id).redeemed) != amount:
        assert time.monotonic() < deadline, f"tab redeemed {now}, not {amount}"
        time.sleep(0.2)


def test_agent_serve_x402__paid_calls_refusals_registration_and_exact_redemption(
    world: X402World, runtime: Runtime
) -> None:
    runtime.start("--x402-redeem-value", str(3 * CAP), "--x402-redeem-after", "30m")
    call = runtime.url + "/x402/call"

    # The registration file lists the paid endpoint and says x402Support.
    registration = httpx.get(runtime.url + "/registration.json").json()
    assert registration["x402Support"] is True
    assert {"name": "x402", "endpoint": call} in registration["services"]
    checked = verify_registration(world.market, registration, world.provider_id)
    assert checked.x402_support and checked.x402_endpoint == call
    assert checked.a2a_endpoint == runtime.url + "/.well-known/agent-card.json"

    # Unpaid: a 402 naming the tabs scheme at the cap (the middleware sees the mounted route).
    required = payment_required(httpx.post(call, content=b"free?"))
    (accepts,) = required["accepts"]
    assert (accepts["scheme"], accepts["amount"]) == ("tabs", str(CAP))
    assert accepts["extra"]["providerId"] == str(world.provider_id)

    before = world.provider_balance()
    payer = world.payer(deposit=10 * CAP)
    texts = ["hello, agent", "pay per call", "héllo ünïcode"]
    responses = post_paid(payer, call, texts)
    assert [r.status_code for r in responses] == [200] * 3
    assert [r.text for r in responses] == [t.encode().upper().decode() for t in texts]
    first = receipt_of(responses[-1])
    assert (first.charged, first.billed, first.accepted) == (CAP, 3 * CAP, 3 * CAP)
    # 3 * CAP unredeemed reaches the threshold: the redeemer redeems in the background.
    wait_redeemed(world, first.tab_id, 3 * CAP)

    # Bad vouchers: a 402 whose error says why, the handler not run, nothing billed.
    requirements = PaymentRequirements.model_validate(accepts)
    client_key = world.keys["client_operator"]
    chain_id, tabs = world.market.chain_id, world.market.tabs.address

    def refused(signer: VoucherSigner, amount: int) -> str:
        payment = TabPayment(signer.sign(first.tab_id, amount), chain_id, tabs)
        payload = PaymentPayload(payload=payment.to_payload(), accepted=requirements)
        headers = x402HTTPClient(x402Client()).encode_payment_signature_header(payload)
        response = httpx.post(call, content=b"bad", headers=headers)
        assert "BAD" not in response.text
        return str(payment_required(response)["error"])

    assert refused(VoucherSigner(client_key, chain_id, tabs), 3 * CAP).startswith("stale voucher")
    stranger = world.keys["provider_operator"]
    assert refused(VoucherSigner(stranger, chain_id, tabs), 4 * CAP).startswith(
        "voucher not signed by the tab's key"
    )

    # Two more paid calls on the same tab; SIGTERM redeems them at shutdown.
    more = post_paid(payer, call, ["four", "five"])
    assert [(r.status_code, r.text) for r in more] == [(200, "FOUR"), (200, "FIVE")]
    last = receipt_of(more[-1])
    assert last.tab_id == first.tab_id
    assert (last.billed, last.accepted) == (5 * CAP, 5 * CAP)
    assert world.market.tabs.tab(last.tab_id).redeemed == 3 * CAP
    assert runtime.stop() == -signal.SIGTERM  # uvicorn stops gracefully, then re-raises it
    assert world.market.tabs.tab(last.tab_id).redeemed == 5 * CAP
    assert world.provider_balance() - before == world.net_of_fee(5 * CAP)
