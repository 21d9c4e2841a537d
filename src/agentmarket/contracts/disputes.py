"""Clients for DisputeResolver and ArbiterPanel: disputes of delivered jobs, and the court."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at, struct_fields

# Ruling scale of AgentMarket jobs (IArbitrable): 0 refused (neutral default),
# 1 client wins, 2 provider wins, 3 + p a split giving the provider p percent.
RULING_REFUSED = 0
RULING_CLIENT_WINS = 1
RULING_PROVIDER_WINS = 2
RULING_SPLIT_BASE = 3


def split_ruling(provider_percent: int) -> int:
    """The ruling that gives the provider `provider_percent` % of the amount in dispute."""
    if not 0 <= provider_percent <= 100:
        raise ValueError("provider_percent must lie in 0..100")
    return RULING_SPLIT_BASE + provider_percent


class DisputeStatus(IntEnum):
    """A dispute's procedure, as the resolver numbers it."""

    NONE = 0
    AWAITING_ANSWER = 1
    AT_ARBITRATOR = 2
    DEFAULT_WIN = 3
    SETTLED = 4
    RULED = 5
    NEUTRAL_DEFAULT = 6


@dataclass(frozen=True)
class Dispute:
    """A job's dispute as the resolver's `dispute_of` view unpacks it.

    `opened_by_provider`: the provider opened it, contesting its evaluator's
    rejection (the client answers); otherwise the client disputed a delivery
    (the provider answers).
    """

    job_id: int
    status: DisputeStatus
    arbitrator: str
    client_id: int
    provider_id: int
    amount: int
    bond: int
    response_deadline: int
    arbitration_deadline: int
    answered: bool
    case_opened: bool
    arbitrator_dispute_id: int
    ruling: int
    client_proposal: int | None
    provider_proposal: int | None
    opened_by_provider: bool


@dataclass(frozen=True)
class PanelDispute:
    dispute_id: int
    arbitrable: str
    epoch: int
    quorum: int
    choices: int
    voted_mask: int
    solved: bool
    ruling: int


class DisputeClient:
    """Typed calls to DisputeResolver: a job's dispute from complaint to ending."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "DisputeResolver", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    def dispute(
        self, signer: Signer, job_id: int, evidence_uri: str = "", arbitration_fee: int = 0
    ) -> TxReceipt:
        """Open a dispute: the client disputing a Delivered job, or the provider
        contesting its evaluator's rejection of a Rejected job (the escrow decides
        which side from the job's state); the escrow takes the opener's bond.
        `arbitration_fee`: the opener's advance of a paid court's fee (wei)."""
        fn = self.contract.functions.dispute(job_id, evidence_uri)
        return signer.transact(fn, value=arbitration_fee)

    def answer(
        self, signer: Signer, job_id: int, evidence_uri: str = "", arbitration_fee: int = 0
    ) -> TxReceipt:
        """Answer a dispute (the side that did not open it): post the bond; the case
        goes to the arbitrator. `arbitration_fee`: a paid court's fee (wei)."""
        fn = self.contract.functions.answer(job_id, evidence_uri)
        return signer.transact(fn, value=arbitration_fee)

    def submit_evidence(self, signer: Signer, job_id: int, evidence_uri: str) -> TxReceipt:
        return signer.transact(self.contract.functions.submit_evidence(job_id, evidence_uri))

    def propose_settlement(self, signer: Signer, job_id: int, provider_share: int) -> TxReceipt:
        fn = self.contract.functions.propose_settlement(job_id, provider_share)
        return signer.transact(fn)

    def withdraw_proposal(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.withdraw_proposal(job_id))

    def accept_settlement(self, signer: Signer, job_id: int, provider_share: int) -> TxReceipt:
        fn = self.contract.functions.accept_settlement(job_id, provider_share)
        return signer.transact(fn)

    def claim_default_win(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.claim_default_win(job_id))

    def apply_default(self, signer: Signer, job_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.apply_default(job_id))

    def native_owed(self, account: str) -> int:
        """Native coin (wei) the resolver owes `account` from paid-court arbitration fees."""
        fn = self.contract.functions.native_owed(Web3.to_checksum_address(account))
        return int(fn.call())

    def withdraw_native(self, signer: Signer, to: str | None = None) -> int:
        """Withdraw everything the resolver owes the signer in native coin (arbitration
        fee advances returned or reimbursed) to `to` (default: the signer); return the
        amount in wei. Reverts "resolver: nothing owed" when there is nothing."""
        receiver = Web3.to_checksum_address(to or signer.address)
        receipt = signer.transact(self.contract.functions.withdraw_native(receiver))
        (event,) = self.contract.events.NativeWithdrawn().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["amount"])

    def of(self, job_id: int) -> Dispute:
        raw = self.contract.functions.dispute_of(job_id).call()
        f = struct_fields(self.contract, "dispute_of", raw)
        return Dispute(
            job_id=job_id,
            status=DisputeStatus(int(f["status"])),
            arbitrator=str(f["arbitrator"]),
            client_id=int(f["client_id"]),
            provider_id=int(f["provider_id"]),
            amount=int(f["amount"]),
            bond=int(f["bond"]),
            response_deadline=int(f["response_deadline"]),
            arbitration_deadline=int(f["arbitration_deadline"]),
            answered=bool(f["answered"]),
            case_opened=bool(f["case_opened"]),
            arbitrator_dispute_id=int(f["arbitrator_dispute_id"]),
            ruling=int(f["ruling"]),
            client_proposal=int(f["client_proposal"]) if f["client_proposed"] else None,
            provider_proposal=int(f["provider_proposal"]) if f["provider_proposed"] else None,
            # absent from a resolver ABI older than contests: only clients opened then
            opened_by_provider=bool(f["opened_by_provider"]),
        )


class PanelClient:
    """Typed calls to ArbiterPanel: arbiters vote the ruling of a dispute."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "ArbiterPanel", address)

    def vote(self, signer: Signer, dispute_id: int, ruling: int) -> TxReceipt:
        """Vote `ruling` (see `split_ruling`); the vote that reaches quorum rules the job."""
        return signer.transact(self.contract.functions.vote(dispute_id, ruling))

    def can_vote(self, dispute_id: int, arbiter: str) -> bool:
        fn = self.contract.functions.can_vote(dispute_id, Web3.to_checksum_address(arbiter))
        return bool(fn.call())

    def epoch(self) -> int:
        """The current panel's epoch: disputes opened from now on are judged by it."""
        return int(self.contract.functions.panel_epoch().call())

    def arbiters(self, epoch: int | None = None) -> list[str]:
        """The arbiters of `epoch` (default: the current one), seat order."""
        at = self.epoch() if epoch is None else epoch
        return [str(a) for a in self.contract.functions.panel_arbiters(at).call()]

    def quorum(self, epoch: int | None = None) -> int:
        """The votes a ruling needs in `epoch` (default: the current one)."""
        at = self.epoch() if epoch is None else epoch
        return int(self.contract.functions.panel_quorum(at).call())

    def owner(self) -> str:
        """Governance: who may appoint a new panel."""
        return str(self.contract.functions.owner().call())

    def set_panel(self, signer: Signer, arbiters: Sequence[str], quorum: int) -> TxReceipt:
        """Appoint `arbiters` (1 to 16, distinct) with `quorum` for disputes opened from
        now on (owner only); open disputes keep the panel of their epoch."""
        members = [Web3.to_checksum_address(a) for a in arbiters]
        return signer.transact(self.contract.functions.set_panel(members, quorum))

    def get(self, dispute_id: int) -> PanelDispute:
        raw = self.contract.functions.get_dispute(dispute_id).call()
        f = struct_fields(self.contract, "get_dispute", raw)
        return PanelDispute(
            dispute_id=dispute_id,
            arbitrable=str(f["arbitrable"]),
            epoch=int(f["epoch"]),
            quorum=int(f["quorum"]),
            choices=int(f["choices"]),
            voted_mask=int(f["voted_mask"]),
            solved=bool(f["solved"]),
            ruling=int(f["ruling"]),
        )
