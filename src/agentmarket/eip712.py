"""The EIP-712 domain every AgentMarket signature is made under."""

from __future__ import annotations

import json
from typing import Any

from web3 import Web3

# EIP712Domain(string name,string version,uint256 chainId,address verifyingContract):
# the fields snekmate's domain separator hashes, in its order.
DOMAIN_FIELDS: list[dict[str, str]] = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def domain(name: str, version: str, chain_id: int, contract: str) -> dict[str, object]:
    """A domain bound to one chain and one contract, so no signature replays elsewhere."""
    return {
        "name": name,
        "version": version,
        "chainId": chain_id,
        "verifyingContract": Web3.to_checksum_address(contract),
    }


def json_object(text: str, what: str) -> dict[str, Any]:
    """Parse a signed payload's JSON; raise ValueError naming `what` (e.g. "signed
    offer") when it is not JSON or not an object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a {what}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"not a {what}: expected a JSON object")
    return data


def signature_fields(sig: dict[str, Any]) -> tuple[int, int, int]:
    """(v, r, s) from a payload's `{"v": 27, "r": "0x..", "s": "0x.."}` (ints accepted)."""
    return int(sig["v"]), int(str(sig["r"]), 0), int(str(sig["s"]), 0)
