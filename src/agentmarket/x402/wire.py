"""The `tabs` scheme's wire format: what a 402 asks for and what a payment carries.

A 402 (`PAYMENT-REQUIRED`) lists, for the `tabs` scheme:

    scheme   "tabs"
    network  "eip155:<chain id>"
    asset    the ERC-20 token the tab is in
    amount   the per-call price cap, in the token's smallest unit
    payTo    the Tabs contract (a voucher pays the provider's escrow balance through it)
    extra    {"providerId": "<agent id>", "tabs": "<Tabs address>",
              "minDeposit": "<units>", "minWithdrawalDelay": <seconds>}

and a payment (`PAYMENT-SIGNATURE`) carries, as the inner payload, one voucher
for the cumulative amount the client has authorised on its tab:

    {"voucher": {"tab_id": "0x..", "amount": "<units>", "signature": {"v", "r", "s"}},
     "chainId": <chain id>, "tabs": "<Tabs address>"}

A call is paid before it is served: the voucher covers what the provider has
billed on the tab so far plus this call's cap, so a client that stops paying
costs the provider nothing, and the provider holds at most one call's cap
beyond what it billed. The provider answers each paid call with the amount it
charged (at most the cap) and the tab's billed total in `PAYMENT-RESPONSE`'s
`extra`, from which the client signs the next voucher.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from agentmarket.contracts.tabs import SignedVoucher
from agentmarket.errors import AgentMarketError

SCHEME = "tabs"


class X402Error(AgentMarketError):
    """A payment the `tabs` scheme cannot make or accept; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def caip2(chain_id: int) -> str:
    """The CAIP-2 name of an EVM chain (`eip155:<id>`)."""
    return f"eip155:{chain_id}"


def chain_id_of(network: str) -> int:
    """The chain id of a CAIP-2 `eip155:<id>` network; raise X402Error otherwise."""
    family, _, reference = network.partition(":")
    if family != "eip155" or not reference.isdigit():
        raise X402Error(f"not an EVM network: {network}")
    return int(reference)


@dataclass(frozen=True)
class TabTerms:
    """What a provider asks for in its 402: who is paid, through which Tabs
    contract, in which token, and at most how much per call."""

    chain_id: int
    tabs: str
    token: str
    provider_id: int
    cap: int
    min_deposit: int = 0
    min_withdrawal_delay: int = 3_600

    @property
    def network(self) -> str:
        return caip2(self.chain_id)

    def extra(self) -> dict[str, Any]:
        """The requirements' `extra`."""
        return {
            "providerId": str(self.provider_id),
            "tabs": Web3.to_checksum_address(self.tabs),
            "minDeposit": str(self.min_deposit),
            "minWithdrawalDelay": self.min_withdrawal_delay,
        }

    @classmethod
    def from_requirements(
        cls, network: str, asset: str, amount: str, extra: dict[str, Any]
    ) -> TabTerms:
        """Parse a `tabs` requirement (raise X402Error when a field is missing or bad)."""
        try:
            return cls(
                chain_id=chain_id_of(network),
                tabs=Web3.to_checksum_address(str(extra["tabs"])),
                token=Web3.to_checksum_address(asset),
                provider_id=int(str(extra["providerId"]), 0),
                cap=int(str(amount), 0),
                min_deposit=int(str(extra.get("minDeposit", "0")), 0),
                min_withdrawal_delay=int(extra.get("minWithdrawalDelay", 3_600)),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise X402Error(f"not a tabs requirement: {exc}") from exc


@dataclass(frozen=True)
class TabPayment:
    """A `tabs` payment: one signed voucher and the domain it claims to be signed for."""

    signed: SignedVoucher
    chain_id: int
    tabs: str

    def to_payload(self) -> dict[str, Any]:
        return {
            "voucher": self.signed.to_dict(),
            "chainId": self.chain_id,
            "tabs": Web3.to_checksum_address(self.tabs),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> TabPayment:
        """Parse the inner payload; raise X402Error("malformed voucher: ...")."""
        try:
            signed = SignedVoucher.from_dict(payload["voucher"])
            return cls(
                signed, int(payload["chainId"]), Web3.to_checksum_address(str(payload["tabs"]))
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise X402Error(f"malformed voucher: {exc}") from exc


@dataclass(frozen=True)
class Receipt:
    """What the provider says after serving a paid call (`PAYMENT-RESPONSE` extra)."""

    tab_id: int
    charged: int
    billed: int
    accepted: int

    def to_extra(self) -> dict[str, Any]:
        return {
            "tabId": hex(self.tab_id),
            "charged": str(self.charged),
            "billed": str(self.billed),
            "accepted": str(self.accepted),
        }

    @classmethod
    def from_extra(cls, extra: dict[str, Any]) -> Receipt:
        try:
            return cls(
                int(str(extra["tabId"]), 0),
                int(str(extra["charged"])),
                int(str(extra["billed"])),
                int(str(extra["accepted"])),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise X402Error(f"not a tabs receipt: {exc}") from exc
