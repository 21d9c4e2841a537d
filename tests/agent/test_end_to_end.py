"""Two agents, three processes: the provider runtime (`agentmarket agent serve`) and
the client (`agentmarket agent hire`) each in its own OS process, talking over real
HTTP (A2A, the registration file, the result URL) and settling on anvil."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable

import pytest

from agentmarket import JobStatus

from .conftest import PRICE, ROOT, ProviderProcess, ProviderWorld, agentmarket_script

pytestmark = pytest.mark.integration

CLIENT_KEY_ENV = "AM_TEST_CLIENT_OPERATOR_KEY"


def test_agent_hire_against_agent_serve__paid_after_the_result_checks_out(
    world: ProviderWorld, provider_process: Callable[..., ProviderProcess]
) -> None:
    runtime = provider_process().start()
    m = world.market
    principal = world.signer("provider_principal")
    m.registry.set_uri(principal, world.provider_id, runtime.url + "/registration.json")
    client_before = m.escrow.balance(world.client_id, world.token)
    provider_before = m.escrow.balance(world.provider_id, world.token)

    env = dict(os.environ)
    env[CLIENT_KEY_ENV] = "0x" + bytes(world.keys["client_operator"].key).hex()
    hired = subprocess.run(
        [
            agentmarket_script(),
            "agent",
            "hire",
            "uppercase",
            "--as",
            str(world.client_id),
            "--input",
            "two agents, three processes",
            "--max-price",
            str(PRICE),
            "--db",
            f"sqlite:///{world.tmp / 'client-index.db'}",
            "--rpc",
            world.url,
            "--deployment",
            str(world.deployment),
            "--key-env",
            CLIENT_KEY_ENV,
            "--json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert hired.returncode == 0, hired.stderr + runtime.log.read_text()
    out = json.loads(hired.stdout)
    assert out["status"] == "completed" and not out["disputed"]
    assert out["result"] == "TWO AGENTS, THREE PROCESSES"
    assert out["provider_id"] == world.provider_id

    job_id = int(out["job_id"])
    job = m.escrow.job(job_id)
    assert job.status is JobStatus.COMPLETED
    (delivered,) = world.deliveries(job_id)
    assert delivered["result_uri"] == f"{runtime.url}/results/0x{job.hash.hex()}"
    # the client paid the price, the provider got it less the 1% protocol fee
    assert m.escrow.balance(world.client_id, world.token) == client_before - PRICE
    assert m.escrow.balance(world.provider_id, world.token) == provider_before + PRICE * 99 // 100
    assert m.reputation.of(world.provider_id).completed >= 1
