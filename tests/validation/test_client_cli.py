"""The Python client (`agentmarket.validation`) and the `agentmarket
validation` commands, on the in-process chain with the protocol deployed by
`agentmarket deploy` (the wiring's plan, ValidationRegistry included)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket import cli
from agentmarket.chain import Signer, funded_test_accounts
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.validation import ValidationClient, job_request_hash
from agentmarket.deployment import Deployment
from agentmarket.errors import ContractRevertError

ROLES = ("deployer", "principal", "validator", "stranger")
URI = "ipfs://request"


def key_env(role: str) -> str:
    return f"AM_VALIDATION_KEY_{role.upper()}"


@dataclass
class World:
    w3: Web3
    env: dict[str, str]
    accounts: dict[str, LocalAccount]
    deployment: Deployment
    agent_id: int

    def signer(self, role: str) -> Signer:
        return Signer(self.w3, self.accounts[role])

    @property
    def client(self) -> ValidationClient:
        return ValidationClient(self.w3, self.deployment.address("ValidationRegistry"))

    def am(self, *args: str, signer: str | None = None) -> Any:
        argv = list(args)
        if signer is not None:
            argv += ["--key-env", key_env(signer)]
        result = CliRunner(mix_stderr=False).invoke(
            cli.main, argv, env=self.env, catch_exceptions=False
        )
        return result


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    cli.reset_memory_chain()
    w3 = cli.get_chain("memory")
    funded = funded_test_accounts(w3, len(ROLES))
    accounts = dict(zip(ROLES, funded, strict=True))
    env = {key_env(r): "0x" + bytes(a.key).hex() for r, a in accounts.items()}
    env["AGENTMARKET_RPC"] = "memory"
    result = CliRunner(mix_stderr=False).invoke(
        cli.main,
        [
            *("deploy", "--rpc", "memory", "--network", "test", "--out", str(tmp_path)),
            *("--json", "--key-env", key_env("deployer")),
        ],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    path = Path(json.loads(result.stdout)["path"])
    env["AGENTMARKET_DEPLOYMENT"] = str(path)
    deployment = Deployment.load(path)
    registry = AgentRegistryClient(w3, deployment.address("AgentRegistry"))
    agent_id = registry.register(Signer(w3, accounts["principal"]), "ipfs://agent")
    yield World(w3, env, accounts, deployment, agent_id)
    cli.reset_memory_chain()


def test_deployment__wires_the_escrow_and_the_registry(world: World) -> None:
    validation = world.client.contract.functions
    assert validation.ESCROW().call() == world.deployment.address("JobEscrow")
    assert validation.REGISTRY().call() == world.deployment.address("AgentRegistry")


def test_client__request_respond_status_summary_pages(world: World) -> None:
    client, validator = world.client, world.signer("validator")
    h = bytes(Web3.keccak(text="work"))

    client.request(world.signer("principal"), validator.address, world.agent_id, h, URI)
    pending = client.status(h)
    client.respond(validator, h, 80, "ipfs://evidence", bytes(Web3.keccak(text="e")), "hard")

    assert pending.exists and not pending.responded
    status = client.status(h)
    assert (status.validator, status.agent_id, status.response, status.tag) == (
        validator.address,
        world.agent_id,
        80,
        "hard",
    )
    assert status.responded and not status.job_verdict
    summary = client.summary(world.agent_id, [validator.address], "hard")
    assert (summary.count, summary.average) == (1, 80)
    assert client.agent_requests(world.agent_id) == [h]
    assert client.all_validator_requests(validator.address) == [h]
    assert client.agent_count(world.agent_id) == client.validator_count(validator.address) == 1
    assert not client.status(bytes(32)).exists


def test_client__job_request_hash__matches_the_contract(world: World) -> None:
    client = world.client
    for job_id in (1, 2**130 + 7):
        assert client.job_request_hash(job_id) == job_request_hash(client.escrow, job_id)


def test_client__revert_strings_surface(world: World) -> None:
    client = world.client
    h = bytes(Web3.keccak(text="x"))
    with pytest.raises(ContractRevertError, match="validation: not owner or operator"):
        client.request(world.signer("stranger"), world.accounts["validator"].address, 1, h)
    client.request(world.signer("principal"), world.accounts["validator"].address, 1, h)
    with pytest.raises(ContractRevertError, match="validation: not validator"):
        client.respond(world.signer("stranger"), h, 50)


def test_client__checks_arguments_before_sending(world: World) -> None:
    client, signer = world.client, world.signer("validator")
    with pytest.raises(ValueError, match=r"0\.\.100"):
        client.respond(signer, bytes(32), 101)
    with pytest.raises(ValueError, match="64 bytes"):
        client.respond(signer, bytes(32), 1, tag="t" * 65)
    with pytest.raises(ValueError, match="32 bytes"):
        client.status(b"short")
    with pytest.raises(ValueError, match="page"):
        client.agent_requests(1, 0, 101)


def test_cli__request_respond_show_summary_list(world: World) -> None:
    validator = world.accounts["validator"].address
    agent = str(world.agent_id)

    requested = world.am(
        "validation", "request", validator, agent, "--request-uri", URI, "--json",
        signer="principal",
    )  # fmt: skip
    assert requested.exit_code == 0, requested.stderr
    h = json.loads(requested.stdout)["request_hash"]
    assert h == "0x" + Web3.keccak(text=URI).hex().removeprefix("0x")

    answered = world.am(
        "validation", "respond", h, "100", "--response-uri", "ipfs://ok", "--tag", "hard",
        "--json", signer="validator",
    )  # fmt: skip
    assert answered.exit_code == 0, answered.stderr
    shown = json.loads(world.am("validation", "show", h, "--json").stdout)
    assert (shown["response"], shown["tag"], shown["responded"]) == (100, "hard", True)
    assert shown["response_hash"] == "0x" + Web3.keccak(text="ipfs://ok").hex().removeprefix("0x")

    summary = world.am(
        "validation", "summary", agent, "--validator", validator, "--tag", "hard", "--json"
    )
    assert (json.loads(summary.stdout)["count"], json.loads(summary.stdout)["average"]) == (1, 100)
    listed = json.loads(world.am("validation", "list", "--agent", agent, "--json").stdout)
    assert listed == {"offset": 0, "total": 1, "hashes": [h]}
    by_validator = world.am("validation", "list", "--validator", validator, "--json")
    assert json.loads(by_validator.stdout)["hashes"] == [h]

    table = world.am("validation", "show", h)
    assert table.exit_code == 0 and "hard" in table.stdout


def test_cli__refusal_prints_the_revert_string(world: World) -> None:
    validator = world.accounts["validator"].address
    failed = world.am(
        "validation", "request", validator, str(world.agent_id), "--request-uri", URI,
        signer="stranger",
    )  # fmt: skip
    assert failed.exit_code == 1
    assert "error: validation: not owner or operator" in failed.stderr


def test_cli__show_unknown_and_usage_errors(world: World) -> None:
    unknown = world.am("validation", "show", "0x" + "11" * 32)
    assert unknown.exit_code == 1 and "no validation request" in unknown.stderr
    assert world.am("validation", "show").exit_code == 2
    assert world.am("validation", "list").exit_code == 2
    assert world.am("validation", "request", Account.create().address, "1").exit_code == 2
