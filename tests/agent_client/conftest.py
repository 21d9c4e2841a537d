"""A protocol on anvil, a funded client agent, and a factory of A2A test providers.

One deployment per module (per xdist worker); each test hires under its own tag, so
the providers of one test never answer another's search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from client.conftest import deploy_token
from eth_account import Account
from eth_account.signers.local import LocalAccount

from agentmarket import Market, SpendPolicy
from agentmarket.agent.client import ClientAgent
from agentmarket.chain import Signer, connect
from agentmarket.market import deploy_memory_protocol
from agentmarket.serving import free_port

from .provider import TestProvider

UNIT = 10**18
# anvil's dev accounts come from this public test mnemonic.
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
# Accounts of the mnemonic these tests use: governance deploys, the principals own.
GOVERNANCE, CLIENT_PRINCIPAL, PROVIDER_PRINCIPAL = 7, 8, 9


def anvil_account(index: int) -> LocalAccount:
    Account.enable_unaudited_hdwallet_features()
    account: LocalAccount = Account.from_mnemonic(
        ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}"
    )
    return account


@dataclass
class World:
    """The deployed protocol, its token, the client agent and its operator key."""

    market: Market
    deployment: Path
    token: str
    governance: Signer
    client_id: int
    client_principal: LocalAccount
    client_operator: LocalAccount
    provider_principal: Signer

    def balance(self, agent_id: int) -> int:
        return self.market.escrow.balance(agent_id, self.token)

    def fresh_key(self) -> LocalAccount:
        """A new key with gas money."""
        key: LocalAccount = Account.create()
        self.governance.send({"to": key.address, "value": 10**18})
        return key


def client_agent(world: World, tmp_path: Path, **options: Any) -> ClientAgent:
    """The client agent of `world`, with its own index under `tmp_path`, polling
    every 0.05 s; `options` go to ClientAgent (e.g. `evidence_publisher`)."""
    index = world.market.index(f"sqlite:///{tmp_path / 'index.db'}", progress=False)
    return ClientAgent(world.market, world.client_id, index=index, poll_interval=0.05, **options)


@pytest.fixture(scope="module")
def world(anvil_url: str, tmp_path_factory: pytest.TempPathFactory) -> World:
    w3 = connect(anvil_url)
    governance = Signer(w3, anvil_account(GOVERNANCE))
    record = deploy_memory_protocol(governance)  # any Web3 chain, despite the name
    folder = tmp_path_factory.mktemp("deployments")
    path = record.save(folder)
    client_principal = anvil_account(CLIENT_PRINCIPAL)
    client_operator: LocalAccount = Account.create()
    governance.send({"to": client_operator.address, "value": 10**18})
    market = Market.connect(anvil_url, record, account=client_operator)
    token = deploy_token(governance, [client_principal.address])
    market.escrow.set_token(governance, token, True, 10**18)

    principal = market.signer_for(client_principal)
    client_id = market.registry.register(principal, "ipfs://client")
    market.registry.set_operator(principal, client_id, client_operator)
    market.registry.set_spend_policy(
        principal, client_id, token, SpendPolicy(100 * UNIT, 1_000 * UNIT, 86_400)
    )
    market.token(token).ensure_allowance(principal, market.escrow.address, 500 * UNIT)
    market.escrow.deposit(principal, client_id, token, 500 * UNIT)
    return World(
        market=market,
        deployment=path,
        token=token,
        governance=governance,
        client_id=client_id,
        client_principal=client_principal,
        client_operator=client_operator,
        provider_principal=market.signer_for(anvil_account(PROVIDER_PRINCIPAL)),
    )


ProviderFactory = Callable[..., TestProvider]


@pytest.fixture
def start_provider(world: World) -> Iterator[ProviderFactory]:
    """`start_provider(tag, price, handler=str.upper, delivery_time=3600, **knobs)`:
    register a provider agent whose URI is its server's registration file, give it
    an operator and a listing of `tag` at `price`, and start its A2A server (stopped
    after the test)."""
    started: list[TestProvider] = []

    def start(
        tag: str,
        price: int,
        handler: Callable[[str], str] = str.upper,
        delivery_time: int = 3600,
        **knobs: Any,
    ) -> TestProvider:
        market = world.market
        port = free_port()
        owner = world.provider_principal
        agent_id = market.registry.register(owner, f"http://127.0.0.1:{port}/registration.json")
        operator = world.fresh_key()
        market.registry.set_operator(owner, agent_id, operator)
        market.listings.create(
            market.signer_for(operator), agent_id, tag, world.token, price, delivery_time
        )
        provider = TestProvider(
            market, agent_id, operator, port, handler, tag_names=(tag,), **knobs
        ).start()
        started.append(provider)
        return provider

    yield start
    for provider in started:
        provider.stop()
