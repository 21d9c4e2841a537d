"""Helpers for the validation tests: constants, the standard's ABI, the job
verdict hash as a client computes it, a transaction runner that prices gas as
a real transaction, and a Python model of the summaries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boa
from eth_utils import keccak

ROOT = Path(__file__).resolve().parents[2]
ERC8004_VALIDATION_ABI: list[dict[str, Any]] = json.loads(
    (ROOT / "standards" / "erc8004-validation.abi.json").read_text()
)

URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
ZERO_HASH = b"\0" * 32
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def request_hash(label: str) -> bytes:
    """A request hash for the tests: keccak256 of a label."""
    return keccak(text=f"request:{label}")


def job_request_hash(escrow: str, job_id: int) -> bytes:
    """What `ValidationRegistry.job_request_hash` computes, off-chain."""
    domain = keccak(text="AgentMarket.JobVerdict")
    return keccak(domain + bytes.fromhex(escrow.removeprefix("0x")) + job_id.to_bytes(32, "big"))


def signature(item: dict[str, Any]) -> str:
    return f"{item['name']}({','.join(i['type'] for i in item['inputs'])})"


def intrinsic_gas(data: bytes) -> int:
    zeros = data.count(0)
    return 21_000 + 4 * zeros + 16 * (len(data) - zeros)


def calldata_floor(data: bytes) -> int:
    zeros = data.count(0)
    return 21_000 + 10 * (zeros + 4 * (len(data) - zeros))


@contextmanager
def own_chain() -> Iterator[None]:
    """A fresh chain of its own, for `run_tx`."""
    with boa.swap_env(boa.Env()):
        yield


def run_tx(fn: Any, *args: Any, sender: str) -> int:
    """Run one call as its own transaction (cold accounts and slots, storage
    committed before and after); return its whole gas as a receipt shows it
    (21,000 base and calldata included, EIP-7623 floor applied)."""
    env = boa.env
    state = env.evm.vm.state
    state.lock_changes()
    env.evm.reset_access_counters()
    with env.prank(sender):
        fn(*args)
    state.lock_changes()
    computation = fn.contract._computation
    data = computation.msg.data_as_bytes
    return max(intrinsic_gas(data) + computation.get_gas_used(), calldata_floor(data))


@dataclass
class Model:
    """Requests and their latest answers, kept in Python."""

    agent_of: dict[bytes, int] = field(default_factory=dict)
    validator_of: dict[bytes, str] = field(default_factory=dict)
    answer: dict[bytes, tuple[int, str]] = field(default_factory=dict)
    agent_list: dict[int, list[bytes]] = field(default_factory=dict)
    validator_list: dict[str, list[bytes]] = field(default_factory=dict)

    def request(self, h: bytes, validator: str, agent: int) -> None:
        self.agent_of[h] = agent
        self.validator_of[h] = validator
        self.agent_list.setdefault(agent, []).append(h)
        self.validator_list.setdefault(validator, []).append(h)

    def respond(self, h: bytes, response: int, tag: str) -> None:
        self.answer[h] = (response, tag)

    def summary(self, agent: int, validators: Iterable[str] = (), tag: str = "") -> tuple[int, int]:
        keep = {v.lower() for v in validators}
        picked = [
            r
            for h, (r, t) in self.answer.items()
            if self.agent_of[h] == agent
            and (not keep or self.validator_of[h].lower() in keep)
            and (not tag or t == tag)
        ]
        return (len(picked), sum(picked) // len(picked)) if picked else (0, 0)


def job_id_of(n: int, provider_id: int) -> int:
    """A job id as the escrow builds it: its low 64 bits are the provider."""
    return (n << 128) | provider_id
