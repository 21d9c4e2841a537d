"""What every contract client shares: an ABI-bound contract and struct decoding."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract

from agentmarket.artifacts import load_artifact

ZERO_HASH = b"\0" * 32


def contract_at(w3: Web3, name: str, address: str) -> Contract:
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=load_artifact(name).abi)


def struct_fields(contract: Contract, function: str, raw: Any) -> dict[str, Any]:
    """Name the fields of a view's single struct output by the ABI's components."""
    abi: list[dict[str, Any]] = list(contract.abi)  # type: ignore[arg-type]
    (entry,) = [e for e in abi if e.get("type") == "function" and e.get("name") == function]
    names = [c["name"] for c in entry["outputs"][0]["components"]]
    return dict(zip(names, raw, strict=True))
