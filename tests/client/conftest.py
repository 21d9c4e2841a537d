"""Fixtures for the client and CLI tests: everything goes through `agentmarket` as a user would.

The in-process chain ("memory") is shared by all commands of this process, so
a test deploys with `agentmarket deploy --rpc memory`, then drives the
protocol command by command with click's CliRunner. Keys come from
environment variables, as on a real network.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket import cli
from agentmarket.chain import Signer, funded_test_accounts
from agentmarket.contracts.token import deploy_demo_token

UNIT = 10**18

# Role names -> index among the in-process chain's funded accounts.
ROLES = {
    "governance": 0,
    "client_principal": 1,
    "provider_principal": 2,
    "arbiter_a": 3,
    "arbiter_b": 4,
    "arbiter_c": 5,
    "keeper": 6,
}


def key_env(role: str) -> str:
    return f"AM_TEST_KEY_{role.upper()}"


@dataclass
class World:
    """A deployed protocol on the in-process chain, and the keys of its roles."""

    w3: Web3
    deployment: Path
    accounts: dict[str, LocalAccount]
    env: dict[str, str]
    token: str
    tmp: Path

    def address(self, role: str) -> str:
        return str(self.accounts[role].address)


@dataclass
class Run:
    """The outcome of one CLI invocation."""

    result: Result

    @property
    def code(self) -> int:
        return self.result.exit_code

    @property
    def out(self) -> str:
        return self.result.stdout

    @property
    def err(self) -> str:
        return self.result.stderr

    def json(self) -> Any:
        assert self.code == 0, f"exit {self.code}: {self.err}{self.out}"
        return json.loads(self.out)


Invoke = Callable[..., Run]


def _invoke(env: dict[str, str], *args: str, signer: str | None = None, **kw: Any) -> Run:
    runner = CliRunner(mix_stderr=False)
    argv = list(args)
    if signer is not None:
        argv += ["--key-env", key_env(signer)]
    result = runner.invoke(cli.main, argv, env=env, catch_exceptions=False, **kw)
    return Run(result)


def deploy_token(owner: Signer, holders: list[str]) -> str:
    """Deploy the demo ERC-20 and mint 1,000 tokens to each holder."""
    return deploy_demo_token(owner, holders, 1_000 * UNIT, name="Test USD", symbol="TUSD").address


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A fresh in-process chain with the protocol deployed by `agentmarket deploy`."""
    cli.reset_memory_chain()
    w3 = cli.get_chain("memory")
    funded = funded_test_accounts(w3, len(ROLES))
    accounts = {role: funded[i] for role, i in ROLES.items()}
    # operators: fresh keys, funded with gas money
    governance = Signer(w3, accounts["governance"])
    for role in ("client_operator", "provider_operator"):
        account: LocalAccount = Account.create()
        governance.send({"to": account.address, "value": 10**18})
        accounts[role] = account
    env = {key_env(role): "0x" + bytes(acct.key).hex() for role, acct in accounts.items()}
    env["AGENTMARKET_RPC"] = "memory"
    out = tmp_path / "deployments"
    deployed = _invoke(
        env,
        "deploy",
        "--rpc",
        "memory",
        "--network",
        "test",
        "--out",
        str(out),
        "--arbiter",
        accounts["arbiter_a"].address,
        "--arbiter",
        accounts["arbiter_b"].address,
        "--arbiter",
        accounts["arbiter_c"].address,
        "--quorum",
        "2",
        "--json",
        signer="governance",
    ).json()
    path = Path(deployed["path"])
    env["AGENTMARKET_DEPLOYMENT"] = str(path)
    token = deploy_token(
        governance,
        [accounts["client_principal"].address, accounts["provider_principal"].address],
    )
    escrow = deployed["contracts"]["JobEscrow"]["address"]
    from agentmarket.contracts.escrow import EscrowClient

    EscrowClient(w3, escrow).set_token(governance, token, True, 10**18)
    env["AGENTMARKET_TOKEN"] = token
    yield World(w3, path, accounts, env, token, tmp_path)
    cli.reset_memory_chain()


@pytest.fixture
def am(world: World) -> Invoke:
    """Run `agentmarket ARGS...` in the world; `signer=ROLE` names the key to sign with."""

    def invoke(*args: str, signer: str | None = None, **kw: Any) -> Run:
        return _invoke(world.env, *args, signer=signer, **kw)

    return invoke
