"""Agents benchmark: a provider runtime and hiring clients over A2A against a node.

    python -m tools.bench.agents --rpc http://127.0.0.1:8545 [--jobs 20] [--clients 4]
                                 [--out benchmarks/agents.json]

On the node (anvil in `./dev bench`) it deploys the protocol, registers a provider
agent whose URI is the registration file of a provider runtime started as
`agentmarket agent serve` in its own process (handler `uppercase`), and `--clients`
client agents, each with its own operator key, cap and deposit. Then:

- `hire_to_paid_ms`: one client hires `--jobs` jobs one after another through
  `ClientAgent.hire` (index search, registration file checked against the chain,
  hire, signed task over A2A, delivery awaited on the chain, result fetched and its
  hash checked, `complete`); the median and 90th percentile wall time from the
  call to the completed payment.
- `jobs_per_s`: the `--clients` clients hire `--jobs` jobs each at once (one thread
  per client); completed jobs per second of wall time, with the runtime working up
  to `--max-concurrent` jobs at once.

Wall-clock figures depend on the machine and the node; they are measured here, never
asserted by a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from eth_account import Account
from eth_account.signers.local import LocalAccount

from agentmarket import JobStatus, Market, SpendPolicy
from agentmarket.agent.client import ClientAgent
from agentmarket.chain import Signer, connect
from agentmarket.contracts.token import deploy_demo_token
from agentmarket.market import deploy_memory_protocol
from agentmarket.serving import free_port

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "benchmarks" / "agents.json"
# anvil's first development account: a publicly known test key, never for real funds.
ANVIL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
UNIT = 10**18
PRICE = UNIT
TAG = "uppercase"
KEY_ENV = "AGENTMARKET_BENCH_PROVIDER_KEY"


def _funded(governance: Signer) -> LocalAccount:
    account: LocalAccount = Account.create()
    governance.send({"to": account.address, "value": 10 * UNIT})
    return account


def _token(market: Market, holders: list[str]) -> str:
    token = deploy_demo_token(
        market.signer, holders, 1_000_000 * UNIT, name="Bench USD", symbol="BUSD"
    )
    return token.address


def _serve(
    rpc: str, deployment: Path, provider_id: int, key: LocalAccount, home: Path, slots: int
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = dict(os.environ, **{KEY_ENV: "0x" + bytes(key.key).hex()})
    script = Path(sys.executable).parent / "agentmarket"
    args = [
        str(script) if script.exists() else str(shutil.which("agentmarket")),
        "agent", "serve", str(provider_id),
        "--handler", "examples.providers:uppercase",
        "--port", str(port), "--max-concurrent", str(slots),
        "--journal", str(home / "journal.db"), "--results", str(home / "results"),
        "--tag-name", TAG, "--rpc", rpc, "--deployment", str(deployment), "--key-env", KEY_ENV,
    ]  # fmt: skip
    log = (home / "serve.log").open("ab")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/.well-known/agent-card.json", timeout=1).is_success:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the provider runtime did not start; see {home / 'serve.log'}")
        time.sleep(0.1)


def bench_agents(rpc: str, jobs: int, clients: int, slots: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="agentmarket-bench-agents-"))
    w3 = connect(rpc)
    governance = Signer(w3, Account.from_key(ANVIL_KEY))
    record = deploy_memory_protocol(governance)
    deployment = record.save(home / "deployments")
    market = Market(w3, record, governance.account)

    principals = [_funded(governance) for _ in range(clients + 1)]
    token = _token(market, [p.address for p in principals])
    market.escrow.set_token(market.signer, token, True, UNIT)

    provider_principal = market.signer_for(principals[0])
    provider_id = market.registry.register(provider_principal, "")
    provider_key = _funded(governance)
    market.registry.set_operator(provider_principal, provider_id, provider_key)
    market.listings.create(market.signer_for(provider_key), provider_id, TAG, token, PRICE, 3_600)
    hirers: list[ClientAgent] = []
    for n, principal in enumerate(principals[1:]):
        owner = market.signer_for(principal)
        client_id = market.registry.register(owner, "")
        operator = _funded(governance)
        market.registry.set_operator(owner, client_id, operator)
        cap = 1_000_000 * UNIT
        market.registry.set_spend_policy(owner, client_id, token, SpendPolicy(cap, cap, 86_400))
        market.token(token).ensure_allowance(owner, market.escrow.address, cap)
        market.escrow.deposit(owner, client_id, token, 10_000 * UNIT)
        index = market.index(f"sqlite:///{home / f'index-{n}.db'}", progress=False)
        hirers.append(
            ClientAgent(Market(w3, record, operator), client_id, index=index, poll_interval=0.05)
        )

    proc, url = _serve(rpc, deployment, provider_id, provider_key, home, slots)
    try:
        market.registry.set_uri(provider_principal, provider_id, url + "/registration.json")
        hirers[0].hire(TAG, "warm up", PRICE)  # the first search and card fetch
        latencies = []
        for i in range(jobs):
            started = time.perf_counter()
            outcome = hirers[0].hire(TAG, f"job {i}: make this loud", PRICE)
            latencies.append((time.perf_counter() - started) * 1000)
            assert outcome.status == JobStatus.COMPLETED, outcome

        def run(client: ClientAgent) -> int:
            done = 0
            for i in range(jobs):
                if client.hire(TAG, f"parallel {i}", PRICE).status == JobStatus.COMPLETED:
                    done += 1
            return done

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            completed = sum(pool.map(run, hirers))
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    ordered = sorted(latencies)
    return {
        "hire_to_paid_ms_median": round(statistics.median(ordered), 1),
        "hire_to_paid_ms_p90": round(ordered[max(0, int(len(ordered) * 0.9) - 1)], 1),
        "jobs_sequential": jobs,
        "jobs_per_s": round(completed / elapsed, 2),
        "jobs_parallel": completed,
        "clients": clients,
        "max_concurrent": slots,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark agents hiring over A2A.")
    parser.add_argument("--rpc", required=True, help="JSON-RPC URL of a dev node (anvil).")
    parser.add_argument("--jobs", type=int, default=20, help="Jobs per client.")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-concurrent", type=int, default=4)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    results = bench_agents(args.rpc, args.jobs, args.clients, args.max_concurrent)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
