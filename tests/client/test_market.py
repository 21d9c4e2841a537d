"""`Market`: one object with every contract's client, the signing helpers and the
index, wired from a deployment record; and the README's client example, run as
written against anvil."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data

from agentmarket import (
    DeploymentError,
    JobStatus,
    Market,
    Offer,
    SpendPolicy,
)
from agentmarket.chain import Signer, connect
from agentmarket.contracts.offers import offer_typed_data
from agentmarket.contracts.token import deploy_demo_token
from agentmarket.deployment import Deployed

from .conftest import UNIT, deploy_token
from .test_anvil import ANVIL_KEYS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def memory_market() -> Market:
    return Market.connect("memory")


def test_connect_memory__deploys_a_fresh_protocol_and_wires_every_client(
    memory_market: Market,
) -> None:
    m = memory_market
    record = m.deployment.contracts
    assert m.registry.address == record["AgentRegistry"].address
    assert m.listings.contract.address == record["ServiceListings"].address
    assert m.escrow.address == record["JobEscrow"].address
    assert m.reputation.contract.address == record["ReputationRegistry"].address
    assert m.disputes.contract.address == record["DisputeResolver"].address
    assert m.panel.contract.address == record["ArbiterPanel"].address
    assert m.validation.contract.address == record["ValidationRegistry"].address
    assert m.tabs.address == record["Tabs"].address
    assert m.governor.address == record["EscrowGovernor"].address
    assert m.escrow.offer_book_address == record["OfferBook"].address
    # the signer the deployment used governs it
    assert m.governor.owner() == m.signer.address
    assert m.chain_id == m.w3.eth.chain_id


def test_signing_helpers__bind_this_chain_and_its_contracts(memory_market: Market) -> None:
    m = memory_market
    key = Account.create()
    offer = Offer(
        provider_id=1,
        client_id=0,
        token=m.signer.address,
        price=5,
        delivery_time=60,
        terms_hash=b"\0" * 32,
        nonce=7,
        expiry=2**40,
    )
    signed = m.sign_offer(key, offer)
    data = offer_typed_data(offer, m.chain_id, m.escrow.offer_book_address)
    message = encode_typed_data(full_message=data)
    assert Account.recover_message(message, vrs=(signed.v, signed.r, signed.s)) == key.address
    assert len(m.sign_wallet_proof(key, 1, m.signer.address, 2**40)) == 65


def test_deploy_demo_token__mints_to_each_holder_and_reads_as_named(
    memory_market: Market,
) -> None:
    holders = [Account.create().address for _ in range(2)]
    token = deploy_demo_token(
        memory_market.signer, holders, 7 * 10**6 + 1, name="Six USD", symbol="SUSD", decimals=6
    )
    assert (token.symbol(), token.decimals()) == ("SUSD", 6)
    assert [token.balance(h) for h in holders] == [7 * 10**6 + 1] * 2
    assert token.balance(memory_market.signer.address) == 0
    # the escrow takes it once governance allows it
    assert not memory_market.escrow.token_info(token.address)["allowed"]
    memory_market.escrow.set_token(memory_market.signer, token.address, True, 10**18)
    assert memory_market.escrow.token_info(token.address)["allowed"]


def test_connect__without_an_account__signer_is_refused(memory_market: Market) -> None:
    m = Market(memory_market.w3, memory_market.deployment)
    with pytest.raises(DeploymentError, match="no account"):
        _ = m.signer
    assert m.signer_for(memory_market.account).address == memory_market.signer.address


def test_connect__record_missing_foreign_or_without_code__refused(
    memory_market: Market, tmp_path: Path
) -> None:
    w3 = memory_market.w3
    with pytest.raises(DeploymentError, match="no deployment record at"):
        Market.connect(w3, tmp_path / "nowhere.json")
    foreign = dataclasses.replace(memory_market.deployment, chain_id=8453)
    with pytest.raises(DeploymentError, match="records chain 8453"):
        Market.connect(w3, foreign)
    hollow = dataclasses.replace(
        memory_market.deployment,
        contracts={"JobEscrow": Deployed(address="0x" + "ab" * 20, tx_hash="0x", block=0)},
    )
    with pytest.raises(DeploymentError, match="no code at JobEscrow"):
        Market.connect(w3, hollow)
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(DeploymentError, match="is not a deployment record"):
        Market.connect(w3, tmp_path / "bad.json")
    partial = Market(w3, hollow)
    with pytest.raises(DeploymentError, match="Tabs is not in the deployment record"):
        _ = partial.tabs


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Python client and CLI", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "the README's client example is missing"
    return found.group(1)


@pytest.mark.integration
def test_readme_client_example__runs_as_written_against_anvil(
    anvil_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The world the example assumes (a deployment record under deployments/, a
    client agent with an operator, a cap and a deposit, a provider's listing) is
    built here through `Market` too; then the README's block runs unchanged."""
    monkeypatch.chdir(tmp_path)
    key = {role: Account.from_key(k) for role, k in ANVIL_KEYS.items()}
    w3 = connect(anvil_url)
    from agentmarket.market import deploy_memory_protocol

    record = deploy_memory_protocol(Signer(w3, key["governance"]))
    record.save(tmp_path / "deployments")
    market = Market.connect(anvil_url, account=key["governance"])  # finds chain-<id>.json
    assert market.deployment == record
    token = deploy_token(
        market.signer, [key["client_principal"].address, key["provider_principal"].address]
    )
    market.escrow.set_token(market.signer, token, True, 10**18)

    principal = market.signer_for(key["client_principal"])
    client_agent_id = market.registry.register(principal, "ipfs://client")
    market.registry.set_operator(principal, client_agent_id, key["client_operator"])
    market.registry.set_spend_policy(
        principal, client_agent_id, token, SpendPolicy(50 * UNIT, 50 * UNIT, 86_400)
    )
    market.token(token).ensure_allowance(principal, market.escrow.address, 100 * UNIT)
    market.escrow.deposit(principal, client_agent_id, token, 100 * UNIT)
    provider = market.signer_for(key["provider_principal"])
    provider_id = market.registry.register(provider, "ipfs://provider")
    listing_id = market.listings.create(provider, provider_id, "summarize", token, 20 * UNIT, 3600)

    scope = {
        "rpc_url": anvil_url,
        "operator_key": "0x" + bytes(key["client_operator"].key).hex(),
        "listing_id": listing_id,
        "client_agent_id": client_agent_id,
    }
    exec(compile(_readme_example(), "README.md", "exec"), scope)

    job = market.escrow.job(scope["job_id"])
    assert job.status == JobStatus.REQUESTED and job.client_id == client_agent_id
    assert job.provider_id == provider_id and job.price == 20 * UNIT
    assert scope["refused"] == "escrow: over period cap"
    assert market.escrow.spent(client_agent_id, token)[1] == 40 * UNIT
    assert [m.provider_id for m in scope["matches"]] == [provider_id]
