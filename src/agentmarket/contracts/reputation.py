"""Client for ReputationRegistry: what paid, settled work wrote about an agent."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import ZERO_HASH, contract_at, struct_fields


@dataclass(frozen=True)
class Reputation:
    agent_id: int
    completed: int
    failed: int
    refunded: int
    disputes_won: int
    disputes_lost: int
    settled: int
    jobs: int
    volume: int
    rating_count: int
    average_score: int  # value-weighted, in hundredths (8750 = 87.50)
    # Of its `completed` / `failed` jobs as provider, those its evaluator
    # approved / rejected: sub-counts, not in `jobs`.
    validated: int
    rejected: int


class ReputationClient:
    """Typed calls to ReputationRegistry."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "ReputationRegistry", address)

    def of(self, agent_id: int) -> Reputation:
        raw = self.contract.functions.reputation_of(agent_id).call()
        f = struct_fields(self.contract, "reputation_of", raw)
        return Reputation(
            agent_id=agent_id,
            completed=int(f["completed"]),
            failed=int(f["failed"]),
            refunded=int(f["refunded"]),
            disputes_won=int(f["disputes_won"]),
            disputes_lost=int(f["disputes_lost"]),
            settled=int(f["settled"]),
            jobs=int(f["jobs"]),
            volume=int(f["volume"]),
            rating_count=int(f["rating_count"]),
            average_score=int(f["average_score"]),
            validated=int(f["validated"]),
            rejected=int(f["rejected"]),
        )

    def rate(
        self,
        signer: Signer,
        job_id: int,
        score: int,
        tag1: str = "",
        tag2: str = "",
        feedback_uri: str = "",
        feedback_hash: bytes = ZERO_HASH,
    ) -> TxReceipt:
        """Rate the other side of a settled job (0-100), once per side."""
        if not 0 <= score <= 100:
            raise ValueError("score must lie in 0..100")
        fn = self.contract.functions.rate(job_id, score, tag1, tag2, feedback_uri, feedback_hash)
        return signer.transact(fn)
