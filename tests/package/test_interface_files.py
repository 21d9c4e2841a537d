"""`interfaces/eip712.json` and `interfaces/constants.json` against the live contracts.

Each typed-data message is built from `interfaces/eip712.json` alone (plus the
chain id and the deployed address), signed with eth_account, and submitted to
the real contract on titanoboa: an offer hired, a voucher redeemed, a wallet
proof accepted. The constants are checked against the contracts' public
constants and the states they report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boa
import pytest
from escrow.conftest import create_listing
from escrow.helpers import PRICE, now, offer_fields
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from tabs.conftest import (  # the Tabs world (escrow, registry, listings, tabs), shared
    client_operator,
    escrow,
    fee_recipient,
    fund,
    funder,
    open_tab,
    principal_key,
    provider_operator,
    tabs,
    token,
    world,
)

from tools.build import artifacts as build

__all__ = [
    "client_operator",
    "create_listing",
    "escrow",
    "fee_recipient",
    "fund",
    "funder",
    "open_tab",
    "principal_key",
    "provider_operator",
    "tabs",
    "token",
    "world",
]

EIP712: dict[str, Any] = json.loads((build.INTERFACES / "eip712.json").read_text())
CONSTANTS: dict[str, Any] = json.loads((build.INTERFACES / "constants.json").read_text())


def typed_data(contract: str, address: str, message: dict[str, Any]) -> dict[str, Any]:
    """A full typed-data dict for `contract`'s signed type, from the file alone."""
    entry = EIP712["contracts"][contract]
    values = {
        **entry["domain"],
        "chainId": boa.env.evm.patch.chain_id,
        "verifyingContract": str(address),
    }
    return {
        "types": entry["types"],
        "primaryType": entry["primaryType"],
        "domain": {name: values[name] for name in entry["domainFields"]},
        "message": message,
    }


def digest_by_hand(data: dict[str, Any], contract: str) -> bytes:
    """The EIP-712 digest from the file's type hash and domain type string (no
    typed-data library): what the contract hashes with its own constants."""
    entry = EIP712["contracts"][contract]
    dom = data["domain"]
    separator = keccak(
        keccak(text=EIP712["domainTypeString"])
        + keccak(text=dom["name"])
        + keccak(text=dom["version"])
        + encode(["uint256", "address"], [dom["chainId"], dom["verifyingContract"]])
    )
    fields = entry["types"][entry["primaryType"]]
    struct = keccak(
        bytes.fromhex(entry["typeHash"][2:])
        + encode([f["type"] for f in fields], [data["message"][f["name"]] for f in fields])
    )
    return keccak(b"\x19\x01" + separator + struct)


def sign(key: Any, data: dict[str, Any], contract: str) -> Any:
    signed = Account.sign_typed_data(key.key, full_message=data)
    assert bytes(signed.message_hash) == digest_by_hand(data, contract)
    return signed


@pytest.mark.parametrize("contract", ["OfferBook", "Tabs", "AgentRegistry"])
def test_eip712_domain__matches_the_contracts_erc5267_view(
    world: SimpleNamespace, contract: str
) -> None:
    deployed = {"OfferBook": world.offers, "Tabs": world.tabs, "AgentRegistry": world.registry}
    fields, name, version, chain_id, address, salt, extensions = deployed[contract].eip712Domain()
    entry = EIP712["contracts"][contract]
    assert "0x" + bytes(fields).hex() == entry["eip712DomainFields"] == "0x0f"
    assert (name, version) == (entry["domain"]["name"], entry["domain"]["version"])
    assert (chain_id, address) == (boa.env.evm.patch.chain_id, deployed[contract].address)
    # viem's getEip712Domain hands back this zero salt; the bitmap says it is absent.
    assert salt == b"\x00" * 32 and list(extensions) == []
    assert "salt" not in entry["domainFields"]
    assert entry["typeHash"] == "0x" + keccak(text=entry["typeString"]).hex()


def test_offer_signed_from_the_file__is_hired(world: SimpleNamespace, fund: Any) -> None:
    fund()
    fields = offer_fields(world, nonce=41, evaluator="0x" + "00" * 20, evaluator_fee_bps=0)
    data = typed_data("OfferBook", world.offers.address, fields)
    signed = sign(world.provider_key, data, "OfferBook")
    entry = EIP712["contracts"]["OfferBook"]
    offer = tuple(fields[f["name"]] for f in entry["types"]["Offer"])
    assert world.offers.offer_digest(offer) == bytes(signed.message_hash)
    with boa.env.prank(world.client_op):
        job_id = world.offers.hire_with_offer(offer, world.client_id, signed.v, signed.r, signed.s)
    assert world.escrow.job(job_id).status == CONSTANTS["JobEscrow"]["job_statuses"]["ACCEPTED"]


def test_voucher_signed_from_the_file__is_redeemed(
    world: SimpleNamespace, open_tab: Callable[..., int]
) -> None:
    tab_id = open_tab()
    amount = PRICE // 3
    data = typed_data("Tabs", world.tabs.address, {"tab_id": tab_id, "amount": amount})
    signed = sign(world.client_key, data, "Tabs")
    assert world.tabs.voucher_digest(tab_id, amount) == bytes(signed.message_hash)
    with boa.env.prank(world.provider_op):
        world.tabs.redeem(tab_id, amount, signed.v, signed.r, signed.s)
    tab = world.tabs.tab(tab_id)
    assert tab.redeemed == amount
    assert tab.status == CONSTANTS["Tabs"]["tab_statuses"]["OPEN"]


def test_wallet_proof_signed_from_the_file__is_accepted(world: SimpleNamespace) -> None:
    owner = world.other_principal
    with boa.env.prank(owner):
        agent_id = world.registry.register("ipfs://fresh")
    wallet = Account.from_key(keccak(text="interface-files wallet"))
    deadline = now() + CONSTANTS["AgentRegistry"]["bounds"]["MAX_DEADLINE_DELAY"]
    message = {
        "agentId": agent_id,
        "newWallet": wallet.address,
        "owner": owner,
        "deadline": deadline,
    }
    data = typed_data("AgentRegistry", world.registry.address, message)
    signed = sign(wallet, data, "AgentRegistry")
    with boa.env.prank(owner):
        world.registry.setAgentWallet(agent_id, wallet.address, deadline, bytes(signed.signature))
    assert world.registry.getAgentWallet(agent_id) == wallet.address


def _source_constants(contract: str, prefix: str) -> dict[str, int]:
    text = (build.CONTRACTS / f"{contract}.vy").read_text()
    pattern = rf"^{prefix}(\w+): constant\(\w+\) = (\d+)$"
    return {m[1]: int(m[2]) for m in re.finditer(pattern, text, re.MULTILINE)}


def test_constants__every_escrow_status_is_named() -> None:
    statuses = _source_constants("JobEscrow", "STATUS_")
    assert len(statuses) >= 9
    assert CONSTANTS["JobEscrow"]["job_statuses"] == statuses


def test_constants__escrow_and_resolver_outcomes_are_the_reputation_codes() -> None:
    outcomes = CONSTANTS["ReputationRegistry"]["outcomes"]
    assert sorted(outcomes.values()) == list(range(1, 10))
    for contract in ("JobEscrow", "DisputeResolver"):
        for name, value in _source_constants(contract, "OUTCOME_").items():
            if name not in ("DISPUTE_FIRST", "DISPUTE_LAST"):
                assert outcomes[name] == value, (contract, name)


def test_constants__match_the_live_contracts(
    world: SimpleNamespace, open_tab: Callable[..., int], create_listing: Callable[..., int]
) -> None:
    bounds = CONSTANTS["Tabs"]["bounds"]
    assert world.tabs.MIN_WITHDRAWAL_DELAY() == bounds["MIN_WITHDRAWAL_DELAY"]
    assert world.tabs.MAX_WITHDRAWAL_DELAY() == bounds["MAX_WITHDRAWAL_DELAY"]
    assert world.tabs.MAX_BATCH() == bounds["MAX_BATCH"]
    assert world.tabs.MAX_DEPOSIT() == int(bounds["MAX_DEPOSIT"]) == 2**96 - 1
    assert world.tabs.tab(10**9).status == 0  # never opened: no status named
    listing_id = create_listing()
    states = CONSTANTS["ServiceListings"]["listing_states"]
    assert world.listings.listing(listing_id).state == states["ACTIVE"]
    with boa.env.prank(world.provider_op):
        world.listings.pause_listing(listing_id)
    assert world.listings.listing(listing_id).state == states["PAUSED"]
