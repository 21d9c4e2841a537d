"""One job's life through the CLI against anvil over JSON-RPC (a real node, real receipts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from agentmarket.chain import Signer, connect
from agentmarket.contracts.escrow import EscrowClient

from .conftest import UNIT, _invoke, deploy_token

pytestmark = pytest.mark.integration

# anvil's default dev accounts come from this public test mnemonic.
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
ROLES = (
    "governance",
    "client_principal",
    "provider_principal",
    "client_operator",
    "provider_operator",
)


def anvil_key(index: int) -> str:
    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return "0x" + bytes(account.key).hex()


ANVIL_KEYS = {role: anvil_key(i) for i, role in enumerate(ROLES)}


ROOT = Path(__file__).resolve().parents[2]


def test_anvil__deploy_and_one_job_life_through_the_cli(anvil_url: str, tmp_path: Path) -> None:
    env = {f"AM_TEST_KEY_{role.upper()}": key for role, key in ANVIL_KEYS.items()}
    env["AGENTMARKET_RPC"] = anvil_url

    def am(*args: str, signer: str | None = None) -> Any:
        run = _invoke(env, *args, "--json", signer=signer)
        assert run.code == 0, f"{args}: {run.err}"
        return run.json()

    deployed = am("deploy", "--rpc", anvil_url, "--out", str(tmp_path), signer="governance")
    assert Path(deployed["path"]).name == f"chain-{connect(anvil_url).eth.chain_id}.json"
    env["AGENTMARKET_DEPLOYMENT"] = deployed["path"]

    w3 = connect(anvil_url)
    governance = Signer(w3, Account.from_key(ANVIL_KEYS["governance"]))
    principals = [
        Account.from_key(ANVIL_KEYS[r]).address for r in ("client_principal", "provider_principal")
    ]
    token = deploy_token(governance, principals)
    EscrowClient(w3, deployed["contracts"]["JobEscrow"]["address"]).set_token(
        governance, token, True, 10**18
    )
    env["AGENTMARKET_TOKEN"] = token

    cid = am("register", "--uri", "ipfs://c", signer="client_principal")["agent_id"]
    pid = am("register", "--uri", "ipfs://p", signer="provider_principal")["agent_id"]
    am(
        "wallet",
        str(cid),
        "--operator-key-env",
        "AM_TEST_KEY_CLIENT_OPERATOR",
        signer="client_principal",
    )
    am(
        "wallet",
        str(pid),
        "--operator-key-env",
        "AM_TEST_KEY_PROVIDER_OPERATOR",
        signer="provider_principal",
    )
    am(
        "policy",
        str(cid),
        "--per-job",
        "50e18",
        "--per-period",
        "100e18",
        "--period",
        "1d",
        signer="client_principal",
    )
    am("deposit", str(cid), "100e18", signer="client_principal")
    listing = am(
        "list",
        str(pid),
        "--tag",
        "summarize",
        "--price",
        "20e18",
        "--delivery-time",
        "1h",
        signer="provider_operator",
    )["listing_id"]
    job = str(am("hire", str(listing), "--client", str(cid), signer="client_operator")["job_id"])
    am("accept", job, signer="provider_operator")
    am("deliver", job, "--result-uri", "ipfs://result", signer="provider_operator")
    assert am("complete", job, signer="client_operator")["status"] == "completed"
    am("rate", job, "88", signer="client_operator")
    assert am("show", "reputation", str(pid))["average_score"] == 8800

    db = f"sqlite:///{tmp_path / 'index.db'}"
    am("index", "--db", db, "--no-progress")
    (found,) = am("find", "summarize", "--db", db)
    assert found["provider_id"] == pid and found["score"] == 8800 and found["price"] == 20 * UNIT

    refused = _invoke(env, "complete", job, signer="client_operator")
    assert refused.code == 1 and refused.err.startswith("error: escrow: ")
