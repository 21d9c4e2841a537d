"""Helpers for the AgentRegistry suite: constants, an event decoder and
signature surgery. Imported by `conftest.py` and the test modules (a plain
module with a unique name, since `tests/` is not a package)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boa
from eth_abi import decode as abi_decode
from eth_utils import keccak, to_checksum_address

MOCKS = Path(__file__).resolve().parent.parent / "mocks"

ZERO = "0x0000000000000000000000000000000000000000"
MAX_UINT256 = 2**256 - 1
CAP_UNLIMITED = 2**112 - 1
# secp256k1 group order, for high-s signatures.
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

DOMAIN_NAME = "ERC8004IdentityRegistry"
DOMAIN_VERSION = "1"

# Modes of the mocks (mirror their MODE_ constants).
RECEIVER_PLAIN, RECEIVER_READ_BACK, RECEIVER_REENTER = 0, 1, 2
REJECT_NO_FUNCTION, REJECT_REVERT, REJECT_WRONG_SELECTOR, REJECT_ZERO_SELECTOR = 0, 1, 2, 3


def load_mock(name: str, *args: Any) -> Any:
    return boa.load(str(MOCKS / f"{name}.vy"), *args)


def wallet_bytes(address: str) -> bytes:
    """How `getMetadata(id, "agentWallet")` and `MetadataSet` carry a wallet."""
    return bytes.fromhex(address[2:])


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class Event:
    name: str
    args: dict[str, Any]

    def __getattr__(self, item: str) -> Any:
        try:
            return self.args[item]
        except KeyError:
            raise AttributeError(item) from None


def _normalise(typ: str, value: Any) -> Any:
    return to_checksum_address(value) if typ == "address" else value


def decode_events(contract: Any) -> list[Event]:
    """All events `contract` itself logged in its last call, decoded with its
    ABI. An indexed string or bytes comes back as its 32-byte topic (keccak).

    boa 0.2.8's `get_logs()` cannot do this: it ABI-decodes the topic of an
    indexed string as if it were the string, and fails on `MetadataSet`.
    """
    by_topic: dict[bytes, dict[str, Any]] = {}
    for item in contract.abi:
        if item["type"] == "event":
            sig = f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"
            by_topic[keccak(text=sig)] = item
    own = bytes.fromhex(str(contract.address)[2:])
    out: list[Event] = []
    for _, address, topics, data in sorted(contract._computation.get_raw_log_entries()):
        if address != own:
            continue
        item = by_topic[topics[0].to_bytes(32, "big")]
        indexed = [i for i in item["inputs"] if i["indexed"]]
        plain = [i for i in item["inputs"] if not i["indexed"]]
        args: dict[str, Any] = {}
        for inp, topic in zip(indexed, topics[1:], strict=True):
            word = topic.to_bytes(32, "big")
            if inp["type"] in ("string", "bytes"):
                args[inp["name"]] = word
            else:
                args[inp["name"]] = _normalise(inp["type"], abi_decode([inp["type"]], word)[0])
        values = abi_decode([i["type"] for i in plain], data)
        for inp, value in zip(plain, values, strict=True):
            args[inp["name"]] = _normalise(inp["type"], value)
        # keep the ABI's field order
        ordered = {i["name"]: args[i["name"]] for i in item["inputs"]}
        out.append(Event(item["name"], ordered))
    return out


def events(contract: Any, name: str | None = None) -> list[Event]:
    """The events of `contract`'s last call (view calls count: read events
    right after the transaction), optionally only those called `name`."""
    found = decode_events(contract)
    return found if name is None else [e for e in found if e.name == name]


def metadata_set(agent_id: int, key: str, value: bytes) -> Event:
    """The `MetadataSet` event expected for one entry."""
    return Event(
        "MetadataSet",
        {
            "agentId": agent_id,
            "indexedMetadataKey": keccak(text=key),
            "metadataKey": key,
            "metadataValue": value,
        },
    )


# ---------------------------------------------------------------- signatures


def split_sig(sig: bytes) -> tuple[int, int, int]:
    return int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]


def join_sig(r: int, s: int, v: int) -> bytes:
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def to_high_s(sig: bytes) -> bytes:
    """The same signature with s replaced by n - s and v flipped: plain
    ecrecover still yields the signer; snekmate refuses it as malleable."""
    r, s, v = split_sig(sig)
    return join_sig(r, SECP256K1_N - s, 55 - v)


def to_compact(sig: bytes) -> bytes:
    """EIP-2098 64-byte form: r || (yParity << 255 | s)."""
    r, s, v = split_sig(sig)
    return r.to_bytes(32, "big") + ((v - 27) << 255 | s).to_bytes(32, "big")
