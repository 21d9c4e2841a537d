"""ERC-8004 registration files: `agentmarket agent card` writes one from the chain,
and `verify_registration` refuses any on-chain fact the file misstates."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from agentmarket.agent.registration import (
    REGISTRATION_TYPE,
    RegistrationError,
    RegistrationMismatch,
    fetch_registration,
    verify_registration,
)
from agentmarket.market import Market, load_deployment

from .conftest import UNIT, Invoke, World

A2A_URL = "http://127.0.0.1:8700/.well-known/agent-card.json"
MCP_URL = "http://127.0.0.1:8701/mcp"
FOREIGN = "eip155:1:0x" + "11" * 20


@pytest.fixture
def card(world: World, am: Invoke) -> tuple[Market, int, dict[str, Any], int]:
    """A provider with an operator and two listings (one paused), and its file."""
    pid = am(
        "register",
        "--uri",
        "https://p.example/registration.json",
        "--json",
        signer="provider_principal",
    ).json()["agent_id"]
    am(
        "wallet",
        str(pid),
        "--operator-key-env",
        "AM_TEST_KEY_PROVIDER_OPERATOR",
        signer="provider_principal",
    )
    listed = []
    for tag, price in (("summarize", "20e18"), ("translate", "5e18")):
        listed.append(
            am(
                "list",
                str(pid),
                "--tag",
                tag,
                "--price",
                price,
                "--delivery-time",
                "1h",
                "--json",
                signer="provider_operator",
            ).json()["listing_id"]
        )
    market = Market(world.w3, load_deployment(world.w3, world.deployment))
    market.listings.pause(market.signer_for(world.accounts["provider_operator"]), listed[1])
    run = am(
        "agent",
        "card",
        str(pid),
        "--a2a-url",
        "http://127.0.0.1:8700/.well-known/agent-card.json",
        "--mcp-url",
        "http://127.0.0.1:8701/mcp",
        "--tag-name",
        "summarize",
        "--name",
        "Summarizer",
    )
    assert run.code == 0, run.err
    return market, pid, json.loads(run.out), listed[0]


def test_agent_card__writes_the_chain_s_facts(world: World, card: Any) -> None:
    market, pid, data, listing_id = card
    assert data["type"] == REGISTRATION_TYPE and data["name"] == "Summarizer"
    assert data["registrations"] == [
        {"agentId": pid, "agentRegistry": f"eip155:{market.chain_id}:{market.registry.address}"}
    ]
    assert [s["name"] for s in data["services"]] == ["A2A", "MCP"]
    ext = data["agentmarket"]
    assert ext["owner"] == world.accounts["provider_principal"].address
    assert ext["operator"] == world.accounts["provider_operator"].address
    # only the active listing, labelled by the tag name given
    (listed,) = ext["listings"]
    assert listed["listingId"] == str(listing_id) and listed["tagName"] == "summarize"
    assert listed["price"] == str(20 * UNIT) and listed["deliveryTime"] == 3600
    assert listed["evaluator"] is None and listed["version"] == 1
    checked = verify_registration(market, data, pid)
    assert checked.a2a_endpoint.endswith("/.well-known/agent-card.json")
    assert checked.listings[0].listing_id == listing_id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(type="https://example.org/other"), "not an ERC-8004 registration file"),
        (lambda d: d["registrations"][0].update(agentId=999), "does not register agent"),
        (
            lambda d: d["registrations"][0].update(agentRegistry="eip155:1:0x" + "11" * 20),
            "does not register agent",
        ),
        (lambda d: d["agentmarket"].update(chainId=1), "states chainId"),
        (lambda d: d["agentmarket"].update(escrow="0x" + "22" * 20), "states escrow"),
        (lambda d: d["agentmarket"].update(owner="0x" + "33" * 20), "states owner"),
        (lambda d: d["agentmarket"].update(operator="0x" + "44" * 20), "states operator"),
        (lambda d: d["agentmarket"]["listings"][0].update(price="1"), "differs from the chain"),
        (lambda d: d["agentmarket"]["listings"][0].update(version=2), "differs from the chain"),
        (lambda d: d.pop("agentmarket"), "no 'agentmarket' extension"),
    ],
)
def test_verify_registration__a_misstated_fact__is_refused(
    card: Any, change: Any, message: str
) -> None:
    market, pid, data, _ = card
    lying = copy.deepcopy(data)
    change(lying)
    with pytest.raises(RegistrationMismatch, match=message):
        verify_registration(market, lying, pid)


def test_verify_registration__a_listing_paused_since__is_refused(world: World, card: Any) -> None:
    market, pid, data, listing_id = card
    market.listings.pause(market.signer_for(world.accounts["provider_operator"]), listing_id)
    with pytest.raises(RegistrationMismatch, match=f"listing {listing_id}"):
        verify_registration(market, data, pid)


def test_verify_registration__a_new_operator__makes_the_old_file_stale(
    world: World, card: Any
) -> None:
    from eth_account import Account

    market, pid, data, _ = card
    principal = market.signer_for(world.accounts["provider_principal"])
    market.registry.set_operator(principal, pid, Account.create())
    with pytest.raises(RegistrationMismatch, match="states operator"):
        verify_registration(market, data, pid)


def test_fetch_registration__data_uri_and_refusals() -> None:
    doc = {"type": REGISTRATION_TYPE}
    inline = "data:application/json;base64," + base64.b64encode(json.dumps(doc).encode()).decode()
    assert fetch_registration(inline) == doc
    with pytest.raises(RegistrationError, match="http, https"):
        fetch_registration("ipfs://bafy")
    with pytest.raises(RegistrationError, match="not JSON"):
        fetch_registration("data:application/json,{nope")
    with pytest.raises(RegistrationError, match="JSON object"):
        fetch_registration("data:application/json,[1]")
    with pytest.raises(RegistrationError, match="cannot fetch"):
        fetch_registration("http://127.0.0.1:9/registration.json", timeout=1)
