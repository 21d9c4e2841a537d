"""`agentmarket x402 serve-example` in its own process: killed after accepting vouchers
and restarted, it redeems every one of them (crash safety); `agentmarket x402 get`
pays it from the command line; the facilitator's /verify, /settle and /supported,
behind the SDK's own HTTP facilitator client."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from agent.conftest import agentmarket_script, free_port
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.schemas import PaymentPayload, PaymentRequirements
from x402_world import (  # noqa: F401  (fixtures: serve, world)
    CAP,
    Served,
    X402World,
    pay,
    receipt_of,
    serve,
    world,
)

from agentmarket.serving import ThreadedServer
from agentmarket.x402 import TabPayment
from agentmarket.x402.app import facilitator_app

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
KEY_ENV = "AM_TEST_X402_KEY"


def key_env(world: X402World, role: str) -> dict[str, str]:
    env = dict(os.environ)
    env[KEY_ENV] = "0x" + bytes(world.keys[role].key).hex()
    return env


def chain_args(world: X402World) -> list[str]:
    return ["--rpc", world.url, "--deployment", str(world.deployment), "--key-env", KEY_ENV]


@pytest.fixture
def example(world: X402World, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """`example(*options)` starts `agentmarket x402 serve-example` and waits until it serves."""
    procs: list[subprocess.Popen[bytes]] = []
    port = free_port()
    log = tmp_path / "serve.log"

    def start(*options: str) -> subprocess.Popen[bytes]:
        args = [
            agentmarket_script(), "x402", "serve-example", "--agent", str(world.provider_id),
            "--token", world.token, "--price", str(CAP), "--port", str(port),
            "--store", str(tmp_path / "x402.db"), *options, *chain_args(world),
        ]  # fmt: skip
        out = log.open("ab")
        env = key_env(world, "provider_operator")
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=out)
        procs.append(proc)
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"serve-example exited:\n{log.read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).is_success:
                    return proc
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"serve-example did not start:\n{log.read_text()}")
            time.sleep(0.1)

    start.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    start.store = tmp_path / "x402.db"  # type: ignore[attr-defined]
    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)


def test_provider_killed_after_accepting__restart_redeems_every_voucher(
    world: X402World, example: Callable[..., subprocess.Popen[bytes]]
) -> None:
    url: str = example.url  # type: ignore[attr-defined]
    proc = example("--redeem-value", str(10**30), "--redeem-after", "30m")
    payer = world.payer(deposit=20 * CAP)
    responses = pay(payer, [f"{url}/uppercase?text=call+{i}" for i in range(8)])
    responses += pay(payer, [f"{url}/words?text=a+b+c"])
    assert [r.status_code for r in responses] == [200] * 9
    assert responses[0].json() == {"result": "CALL 0"}
    assert responses[-1].json() == {"words": 3}
    last = receipt_of(responses[-1])
    assert (last.charged, last.billed) == (3, 8 * CAP + 3)
    before = world.provider_balance()

    proc.send_signal(signal.SIGKILL)  # between serving and redeeming
    proc.wait(timeout=10)
    assert world.market.tabs.tab(last.tab_id).redeemed == 0
    assert world.provider_balance() == before

    example("--redeem-value", str(10**30), "--redeem-after", "1s")  # restart
    deadline = time.monotonic() + 30
    while world.market.tabs.tab(last.tab_id).redeemed != last.accepted:
        assert time.monotonic() < deadline, "the restarted provider did not redeem"
        time.sleep(0.2)
    assert world.provider_balance() - before == world.net_of_fee(last.accepted)

    # The command-line client pays the restarted provider on a tab of its own.
    state = Path(example.store).with_name("client.json")  # type: ignore[attr-defined]
    args = [
        agentmarket_script(), "x402", "get", f"{url}/uppercase?text=cli", "--as",
        str(world.client_id), "--deposit", str(5 * CAP), "--max-price", str(CAP), "--count", "2",
        "--state", str(state), "--json", *chain_args(world),
    ]  # fmt: skip
    done = subprocess.run(
        args, cwd=ROOT, env=key_env(world, "client_operator"), capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    out = json.loads(done.stdout)
    assert out["status"] == 200 and out["body"] == {"result": "CLI"}
    assert out["receipt"]["billed"] == str(2 * CAP)
    assert json.loads(state.read_text())  # the tab kept for the next run


def test_facilitator__supported_verify_settle__behind_the_sdk_client(
    world: X402World, serve: Callable[..., Served], tmp_path: Path
) -> None:
    provider = world.provider(tmp_path / "facilitator.db")
    facilitator = ThreadedServer(facilitator_app(provider)).start()
    try:
        supported = httpx.get(f"{facilitator.url}/supported").json()
        (kind,) = supported["kinds"]
        assert (kind["scheme"], kind["network"], kind["x402Version"]) == (
            "tabs",
            f"eip155:{world.market.chain_id}",
            2,
        )
        assert kind["extra"]["providerId"] == str(world.provider_id)

        # A resource server that delegates to it through the SDK's HTTPFacilitatorClient.
        served = serve(facilitator_url=facilitator.url)
        payer = world.payer(deposit=10 * CAP)
        responses = pay(payer, [f"{served.url}/echo?text=via+facilitator"] * 3)
        assert [r.status_code for r in responses] == [200] * 3
        assert receipt_of(responses[-1]).billed == 3 * CAP
        held = provider.store.get(receipt_of(responses[-1]).tab_id)
        assert held is not None and held.accepted == 3 * CAP  # stored by the facilitator
        assert served.provider.store.pending() == []  # not by the resource server

        # /verify refuses a replay with its reason; /settle of an unverified call fails.
        assert held.latest is not None
        payload = PaymentPayload(
            payload=TabPayment(
                held.latest, world.market.chain_id, world.market.tabs.address
            ).to_payload(),
            accepted=PaymentRequirements.model_validate(
                provider.requirements().model_dump(by_alias=True)
            ),
        )
        body = {
            "x402Version": 2,
            "paymentPayload": payload.model_dump(by_alias=True),
            "paymentRequirements": provider.requirements().model_dump(by_alias=True),
        }
        verify = httpx.post(f"{facilitator.url}/verify", json=body).json()
        assert verify["isValid"] is False
        assert verify["invalidReason"].startswith("stale voucher")
        settle = httpx.post(f"{facilitator.url}/settle", json=body).json()
        assert settle["success"] is False
        assert settle["errorReason"] == "no accepted call for this voucher"
        assert x402HTTPClient(x402Client())  # the SDK's client side is untouched
    finally:
        facilitator.stop()
