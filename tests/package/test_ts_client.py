"""The TypeScript package (`clients/ts`, `@agentmarket/abi`) drives a real chain.

anvil runs; `agentmarket deploy` deploys the protocol and records it; the demo
token is deployed and allowlisted; then `clients/ts/examples/flow.ts` runs under
node with viem and only the package: two agents registered, operators set with
their signed proofs, a deposit, a listing, a hire from it and one from a signed
offer, accept, deliver, complete, ratings both ways, reputation read, earnings
withdrawn. What it prints is checked against what the chain says through the
Python client. Node, tsx and viem must be installed (`npm ci`): their absence
fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from client.conftest import deploy_token
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket import cli
from agentmarket.artifacts import load_artifact
from agentmarket.chain import Signer, connect
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.contracts.listings import ListingsClient
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.reputation import ReputationClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "clients" / "ts" / "examples" / "flow.ts"
UNIT = 10**18
COMPLETED = 4
FEE_BPS = 100  # the deployment's first config (`JobTerms.fee_bps`)


def node() -> str:
    found = shutil.which("node")
    if found is None:
        pytest.fail("node not found: install Node 20 (the TypeScript package needs it)")
    for package in ("tsx", "viem", "typescript"):
        if not (ROOT / "node_modules" / package / "package.json").exists():
            pytest.fail(f"node_modules/{package} missing: run `npm ci`")
    return found


def fund(w3: Web3, *accounts: LocalAccount) -> None:
    for account in accounts:
        w3.provider.make_request("anvil_setBalance", [account.address, hex(10**20)])


def deploy(anvil_url: str, deployer: LocalAccount, out: Path) -> dict[str, Any]:
    env = {"AM_TS_DEPLOYER": "0x" + bytes(deployer.key).hex()}
    run = CliRunner(mix_stderr=False).invoke(
        cli.main,
        ["deploy", "--rpc", anvil_url, "--key-env", "AM_TS_DEPLOYER", "--out", str(out), "--json"],
        env=env,
        catch_exceptions=False,
    )
    assert run.exit_code == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_ts_package__whole_flow_over_anvil__matches_the_chain(
    anvil_url: str, tmp_path: Path
) -> None:
    node_bin = node()
    w3 = connect(anvil_url)
    deployer, client_p, provider_p, client_op, provider_op = (
        Account.from_key(Web3.keccak(text=f"ts-client {role}"))
        for role in ("deployer", "client", "provider", "client op", "provider op")
    )
    fund(w3, deployer, client_p, provider_p, client_op, provider_op)
    record = deploy(anvil_url, deployer, tmp_path)
    assert Path(record["path"]).name == f"chain-{w3.eth.chain_id}.json"
    contracts = {name: c["address"] for name, c in record["contracts"].items()}
    governance = Signer(w3, deployer)
    token = deploy_token(governance, [client_p.address])
    escrow = EscrowClient(w3, contracts["JobEscrow"])
    escrow.set_token(governance, token, True, UNIT)

    env = {
        "PATH": os.environ.get("PATH", ""),
        "AGENTMARKET_RPC": anvil_url,
        "AGENTMARKET_DEPLOYMENT": record["path"],
        "AGENTMARKET_TOKEN": token,
        "AGENTMARKET_FLOW_KEYS": json.dumps(
            {
                role: "0x" + bytes(account.key).hex()
                for role, account in (
                    ("clientPrincipal", client_p),
                    ("providerPrincipal", provider_p),
                    ("clientOperator", client_op),
                    ("providerOperator", provider_op),
                )
            }
        ),
    }
    run = subprocess.run(
        [node_bin, "--import", "tsx", str(FLOW)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)

    # Agents and operators, as the registry has them.
    registry = AgentRegistryClient(w3, contracts["AgentRegistry"])
    client_id, provider_id = int(out["clientId"]), int(out["providerId"])
    client, provider = registry.agent(client_id), registry.agent(provider_id)
    assert (client.principal, client.operator) == (client_p.address, client_op.address)
    assert (provider.principal, provider.operator) == (provider_p.address, provider_op.address)
    assert out["clientOperator"] == client_op.address
    # The domain read from the chain, fields bitmap honoured: no salt.
    assert out["domainFields"] == ["name", "version", "chainId", "verifyingContract"]

    # The listing and both jobs: parties decoded from the ids, completed.
    listing = ListingsClient(w3, contracts["ServiceListings"]).get(int(out["listingId"]))
    assert (listing.provider_id, listing.price) == (provider_id, 20 * UNIT)
    paid: list[int] = []
    for printed in out["jobs"]:
        job = escrow.job(int(printed["jobId"]))
        assert (job.client_id, job.provider_id) == (client_id, provider_id)
        assert (int(printed["clientId"]), int(printed["providerId"])) == (client_id, provider_id)
        created_at, *_ = escrow.contract.functions.job_parties(job.job_id).call()
        assert int(printed["createdAt"]) == created_at
        assert job.status == COMPLETED and printed["status"] == "COMPLETED"
        assert int(printed["price"]) == job.price
        paid.append(job.price)
    # A completed job's price is what the provider was paid: the price less the fee.
    assert paid == [p - p * FEE_BPS // 10_000 for p in (20 * UNIT, 15 * UNIT)]

    # Ratings both ways; reputation as the registry reports it.
    assert [(int(r["rater"]), int(r["rated"]), r["score"]) for r in out["ratings"]] == [
        (client_id, provider_id, 90),
        (provider_id, client_id, 80),
        (client_id, provider_id, 70),
    ]
    reputation = ReputationClient(w3, contracts["ReputationRegistry"])
    for side, agent_id in (("provider", provider_id), ("client", client_id)):
        chain = reputation.of(agent_id)
        printed = {k: int(v) for k, v in out["reputation"][side].items()}
        assert printed == {
            "completed": chain.completed,
            "jobs": chain.jobs,
            "ratingCount": chain.rating_count,
            "averageScore": chain.average_score,
            "volume": chain.volume,
        }
        assert chain.completed == chain.jobs == 2
    assert reputation.of(provider_id).rating_count == 2
    assert reputation.of(client_id).average_score == 8000
    # Weighted by the value paid (price less fee): (90 * 19.8 + 70 * 14.85) / 34.65.
    average = (90 * paid[0] + 70 * paid[1]) * 100 // sum(paid)
    assert reputation.of(provider_id).average_score == average
    rater = Web3.to_checksum_address(client_id.to_bytes(20, "big"))
    summary = reputation.contract.functions.getSummary(provider_id, [rater], "", "").call()
    names = ("count", "summaryValue", "summaryValueDecimals")  # ERC-8004's output names
    assert [int(out["getSummary"][name]) for name in names] == [2, average, 2]
    assert list(summary) == [2, average, 2]

    # The provider's principal withdrew what the provider earned; the client keeps the rest.
    token_contract = w3.eth.contract(
        address=Web3.to_checksum_address(token), abi=load_artifact("DemoToken").abi
    )
    assert int(out["withdrawn"]) == sum(paid)
    assert int(out["providerPrincipalTokens"]) == sum(paid)
    assert token_contract.functions.balanceOf(provider_p.address).call() == sum(paid)
    assert escrow.balance(provider_id, token) == int(out["providerBalanceAfter"]) == 0
    assert escrow.balance(client_id, token) == int(out["clientBalanceAfter"]) == 65 * UNIT
