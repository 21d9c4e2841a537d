"""The EIP-712 domain every AgentMarket signature is made under."""

from __future__ import annotations

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
