"""Validation registry benchmarks: gas of an ERC-8004 request and its answer.

`validation_steps` is called by `tools.bench.gas` (whole-transaction gas,
same chain and rules as every other step, into `benchmarks/gas.json`).

Steady state, as the other steps: the provider agent's operator has asked
this validator before, and the validator has answered with the same tag
before, so the agent's and the validator's list lengths and the summary
words exist. `validation_request` carries a 66-byte URI;
`validation_response` is a first answer with a 66-byte URI, a response hash
and a tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from web3 import Web3
from web3.types import TxReceipt

from agentmarket.contracts.validation import ValidationClient

if TYPE_CHECKING:
    from tools.bench.gas import Bench

URI_66 = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
TAG = "hard-finality"


def validation_steps(bench: Bench) -> dict[str, int]:
    """`validation_request` and `validation_response`, in a steady state."""
    m = bench.market
    client = ValidationClient(bench.w3, bench.deployment.address("ValidationRegistry"))
    validator = bench.fresh_signer("validator")
    agent = m.provider_id

    def request(n: int) -> tuple[bytes, TxReceipt]:
        h = bytes(Web3.keccak(text=f"bench-validation-request-{n}"))
        return h, client.request(m.provider_op, validator.address, agent, h, URI_66)

    def respond(h: bytes, n: int) -> TxReceipt:
        evidence = bytes(Web3.keccak(text=f"bench-validation-evidence-{n}"))
        return client.respond(validator, h, 90, URI_66, evidence, TAG)

    first, _ = request(1)
    respond(first, 1)
    h, requested = request(2)
    return {
        "validation_request": bench.note("validation_request", requested),
        "validation_response": bench.note("validation_response", respond(h, 2)),
    }
