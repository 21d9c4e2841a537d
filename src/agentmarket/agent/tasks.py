"""Task orders: what a client agent sends the provider it hired, signed.

A task order binds a job to the input its client wants worked on: EIP-712 typed data
`TaskOrder(uint256 jobId, bytes32 inputHash)` under the domain "AgentMarket Tasks"
version 1 of the job's JobEscrow on its chain, signed by the job's client principal or
its operator. The provider checks the signature against the chain before it works, and
either side can show the order to an arbitrator: the client's key committed to exactly
this input for exactly this job.

Over A2A the order travels as one `DataPart` whose data is `{"agentmarket/task": ...}`
beside a `TextPart` carrying the input itself (`task_message_parts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3

from agentmarket.eip712 import DOMAIN_FIELDS, domain
from agentmarket.errors import AgentMarketError

TASKS_DOMAIN_NAME = "AgentMarket Tasks"
TASKS_DOMAIN_VERSION = "1"
TASK_FIELDS = [
    {"name": "jobId", "type": "uint256"},
    {"name": "inputHash", "type": "bytes32"},
]
# The key of the task order inside an A2A DataPart.
TASK_PART_KEY = "agentmarket/task"
# The key of a delivered result's facts (jobId, resultHash, resultUri) inside the
# DataPart of the provider's "result" artifact.
RESULT_PART_KEY = "agentmarket/result"
# Inputs larger than this are refused before hashing (a provider's memory is finite).
MAX_INPUT_BYTES = 1 << 20


class TaskOrderError(AgentMarketError):
    """A task order that is malformed, or whose input does not match its hash."""


def input_hash(data: bytes) -> bytes:
    """keccak256 of a task's input bytes (text is hashed as UTF-8)."""
    return bytes(Web3.keccak(data))


@dataclass(frozen=True)
class TaskOrder:
    """A signed task order; `signature` is the 65-byte r || s || v."""

    job_id: int
    input_hash: bytes
    signature: bytes

    def typed_data(self, chain_id: int, escrow: str) -> dict[str, object]:
        return task_typed_data(self.job_id, self.input_hash, chain_id, escrow)

    def signer(self, chain_id: int, escrow: str) -> str:
        """The address that signed this order for `escrow` on `chain_id`."""
        message = encode_typed_data(full_message=self.typed_data(chain_id, escrow))
        try:
            return str(Account.recover_message(message, signature=self.signature))
        except Exception as exc:  # eth_keys raises several kinds for a bad signature
            raise TaskOrderError(f"task order signature does not recover: {exc}") from exc

    def check_input(self, data: bytes) -> None:
        """Refuse `data` unless it is the input this order was signed for."""
        if input_hash(data) != self.input_hash:
            raise TaskOrderError("the input does not match the task order's input hash")

    def to_dict(self) -> dict[str, str]:
        return {
            "jobId": str(self.job_id),
            "inputHash": "0x" + self.input_hash.hex(),
            "signature": "0x" + self.signature.hex(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> TaskOrder:
        """Parse `{"jobId": "123", "inputHash": "0x..", "signature": "0x.."}`."""
        if not isinstance(data, dict):
            raise TaskOrderError("a task order is a JSON object")
        try:
            job_id = int(str(data["jobId"]), 0)
            digest = bytes.fromhex(str(data["inputHash"]).removeprefix("0x"))
            signature = bytes.fromhex(str(data["signature"]).removeprefix("0x"))
        except (KeyError, ValueError) as exc:
            raise TaskOrderError(f"malformed task order: {exc}") from exc
        if job_id < 0 or job_id >= 2**256:
            raise TaskOrderError("task order jobId out of range")
        if len(digest) != 32:
            raise TaskOrderError("task order inputHash is not 32 bytes")
        if len(signature) != 65:
            raise TaskOrderError("task order signature is not 65 bytes")
        return cls(job_id, digest, signature)


def task_typed_data(job_id: int, digest: bytes, chain_id: int, escrow: str) -> dict[str, object]:
    """EIP-712 typed data of a task order for `escrow` on `chain_id`."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "TaskOrder": TASK_FIELDS},
        "primaryType": "TaskOrder",
        "domain": domain(TASKS_DOMAIN_NAME, TASKS_DOMAIN_VERSION, chain_id, escrow),
        "message": {"jobId": job_id, "inputHash": digest},
    }


def sign_task(
    account: LocalAccount, job_id: int, data: bytes, chain_id: int, escrow: str
) -> TaskOrder:
    """`account` (the job's client principal or operator) orders `data` worked on for
    `job_id`."""
    if len(data) > MAX_INPUT_BYTES:
        raise TaskOrderError(f"the input is {len(data)} bytes; at most {MAX_INPUT_BYTES}")
    digest = input_hash(data)
    message = encode_typed_data(full_message=task_typed_data(job_id, digest, chain_id, escrow))
    signed = account.sign_message(message)
    return TaskOrder(job_id, digest, bytes(signed.signature))
