"""`ape run deploy` against a real JSON-RPC node (anvil), as a deployer would run it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from web3 import Web3

from agentmarket.artifacts import load_artifact
from agentmarket.contracts.escrow import EscrowClient
from agentmarket.deployment import PLAN, Deployment, JobTerms

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def test_deploy__anvil__records_every_contract_and_they_answer(
    anvil_url: str, ape_env: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        [
            "ape",
            "run",
            "deploy",
            "--network",
            anvil_url,
            "--account",
            "TEST::0",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=ape_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    (record_path,) = tmp_path.glob("*.json")
    assert record_path.name == "chain-1337.json"  # the name `agentmarket deploy` gives it
    record = Deployment.load(record_path)
    w3 = Web3(Web3.HTTPProvider(anvil_url))
    assert record.chain_id == w3.eth.chain_id == 1337
    assert set(record.contracts) == {step.name for step in PLAN}

    for name, deployed in record.contracts.items():
        receipt = w3.eth.get_transaction_receipt(deployed.tx_hash)
        assert receipt["status"] == 1
        assert receipt["contractAddress"] == deployed.address
        assert receipt["blockNumber"] == deployed.block
        assert len(w3.eth.get_code(deployed.address)) > 0, name

    registry = w3.eth.contract(
        address=record.address("AgentRegistry"), abi=load_artifact("AgentRegistry").abi
    )
    assert registry.functions.name().call() == "AgentMarket Agent Identity"
    assert registry.functions.total_registered().call() == 0

    # The escrow has no owner: its governor (deployed right after it, at the
    # address the escrow was built for) wrote config 1 and lifted the pause.
    escrow = EscrowClient(w3, record.address("JobEscrow"))
    governor = escrow.governor()
    assert governor.address == record.address("EscrowGovernor")
    assert governor.escrow() == escrow.address
    assert governor.owner() == record.deployer  # governance is the deployer here
    assert escrow.config()["fee_bps"] == JobTerms().fee_bps
    assert not escrow.paused()
