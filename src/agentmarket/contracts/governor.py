"""Typed calls to EscrowGovernor: every governance change of the JobEscrow.

The escrow has no owner of its own; it takes its settings (config versions,
the payment-token allowlist, the pause) from its governor alone, whose owner
is governance and whose guardian may pause the escrow's entries. Reach it
from an escrow with `EscrowClient.governor()`.
"""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.contract import Contract
from web3.logs import DISCARD
from web3.types import TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at


class GovernorClient:
    """Typed calls to EscrowGovernor (owner: governance; guardian: pause only)."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract: Contract = contract_at(w3, "EscrowGovernor", address)

    @property
    def address(self) -> str:
        return str(self.contract.address)

    # views
    def escrow(self) -> str:
        """The JobEscrow this governor governs."""
        return str(self.contract.functions.ESCROW().call())

    def owner(self) -> str:
        return str(self.contract.functions.owner().call())

    def pending_owner(self) -> str:
        """The account a started ownership transfer waits for (empty: none)."""
        return str(self.contract.functions.pending_owner().call())

    def guardian(self) -> str:
        return str(self.contract.functions.guardian().call())

    # owner only
    def config_fields(self) -> list[str]:
        """The member names of `IJobEscrow.Config`, in struct order."""
        abi: list[dict[str, Any]] = list(self.contract.abi)  # type: ignore[arg-type]
        (entry,) = [e for e in abi if e.get("type") == "function" and e.get("name") == "add_config"]
        return [str(c["name"]) for c in entry["inputs"][0]["components"]]

    def add_config(self, signer: Signer, config: dict[str, Any]) -> int:
        """Append a config version; jobs created from now on use it, open jobs keep theirs.

        `config` names every member of `IJobEscrow.Config` (as `EscrowClient.config()`
        returns them), e.g. `{**escrow.config(), "arbitrator": court}` to send new
        jobs' disputes to another arbitrator. Returns the new config id."""
        names = self.config_fields()
        missing = sorted(set(names) - set(config))
        if missing:
            raise ValueError(f"config lacks {', '.join(missing)}")
        fn = self.contract.functions.add_config(tuple(config[n] for n in names))
        receipt = signer.transact(fn)
        (event,) = self.contract.events.ConfigAdded().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["config_id"])

    def set_token(self, signer: Signer, token: str, allowed: bool, weight: int) -> TxReceipt:
        """List, re-weight or delist a payment token (`weight`: 18-decimal fixed point)."""
        fn = self.contract.functions.set_token(Web3.to_checksum_address(token), allowed, weight)
        return signer.transact(fn)

    def set_guardian(self, signer: Signer, guardian: str) -> TxReceipt:
        """Set the guardian; the empty address disables the role."""
        fn = self.contract.functions.set_guardian(Web3.to_checksum_address(guardian))
        return signer.transact(fn)

    def transfer_ownership(self, signer: Signer, new_owner: str) -> TxReceipt:
        """Start a two-step handover; `new_owner` must then `accept_ownership`."""
        fn = self.contract.functions.transfer_ownership(Web3.to_checksum_address(new_owner))
        return signer.transact(fn)

    def accept_ownership(self, signer: Signer) -> TxReceipt:
        return signer.transact(self.contract.functions.accept_ownership())

    # guardian or owner
    def pause(self, signer: Signer) -> TxReceipt:
        """Stop the escrow's entries (hire, hire_with_offer, deposit, a tab's opening
        or top-up); exits and disputes keep working."""
        return signer.transact(self.contract.functions.pause())

    def unpause(self, signer: Signer) -> TxReceipt:
        return signer.transact(self.contract.functions.unpause())
