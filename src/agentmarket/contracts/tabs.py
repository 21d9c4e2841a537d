"""Tabs: micro-payments between agents through signed EIP-712 vouchers.

A client agent opens a tab to a provider agent (a deposit locked in the
escrow's ledger), then pays per purchase by signing a voucher for the
*cumulative* amount it owes (`sign_voucher`). The provider's service checks
each incoming voucher off-chain (`VoucherVerifier`, no chain access), keeps
only the latest, and redeems it whenever it likes, many tabs per transaction
(`TabsClient.redeem_many`).

Who may sign: only the key fixed in the tab when it was opened (`Tab.signer`),
whoever owns or operates the client agent later (Tabs.vy, "Who signs"); a
transfer, rotation or freeze voids no voucher. Vouchers are bound to one
chain, one Tabs contract and one tab.

What a tab commits: while a tab is open its key can still spend `deposit -
redeemed` of the client's money, to that tab's provider only. A buyer of an
agent inherits its open tabs; `TabsClient.exposure` lists them (from the
`TabOpened` logs) and totals that figure per token, which is all anyone else
can still take from the agent through tabs. The contract refuses a top-up
once the key is no longer the client's, and the buyer ends each tab with
`request_close`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import PrivateKey, Signature
from eth_keys.exceptions import BadSignature
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError
from web3 import Web3
from web3.logs import DISCARD
from web3.types import BlockIdentifier, FilterParams, TxReceipt

from agentmarket.chain import Signer
from agentmarket.contracts.common import contract_at
from agentmarket.eip712 import DOMAIN_FIELDS, domain, json_object, signature_fields
from agentmarket.errors import AgentMarketError

TABS_DOMAIN_NAME = "AgentMarket Tabs"
TABS_DOMAIN_VERSION = "1"

VOUCHER_FIELDS = [
    {"name": "tab_id", "type": "uint256"},
    {"name": "amount", "type": "uint256"},
]

# Mirrors of the contract's constants.
MIN_WITHDRAWAL_DELAY = 3_600
MAX_WITHDRAWAL_DELAY = 30 * 86_400
MAX_BATCH = 64
MAX_DEPOSIT = 2**96 - 1
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

_VOUCHER_TYPEHASH = keccak(text="Voucher(uint256 tab_id,uint256 amount)")
_DOMAIN_TYPEHASH = keccak(
    text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)


class TabStatus(IntEnum):
    """A tab's state, as the Tabs contract numbers it."""

    NONE = 0
    OPEN = 1
    CLOSED = 2


@dataclass(frozen=True)
class Tab:
    """A tab as the contract's `tab` view unpacks it."""

    tab_id: int
    opened_at: int
    client_id: int
    provider_id: int
    token: str
    deposit: int
    redeemed: int
    status: TabStatus
    closes_at: int
    withdrawal_delay: int
    signer: str
    config_id: int
    no_reputation: bool

    @property
    def remaining(self) -> int:
        """What vouchers may still add: the deposit not yet redeemed."""
        return self.deposit - self.redeemed

    @property
    def committed(self) -> int:
        """What the tab's key can still spend of the client's money (to this
        tab's provider only): `deposit - redeemed` while open, 0 once closed."""
        return self.deposit - self.redeemed if self.status == TabStatus.OPEN else 0


@dataclass(frozen=True)
class TabExposure:
    """A client agent's open tabs as the chain stood at `block`, and what they
    commit: what anyone else (each tab's key, to that tab's provider) can
    still spend of the agent's money through tabs, per token."""

    client_id: int
    block: int
    tabs: tuple[Tab, ...]

    @property
    def by_token(self) -> dict[str, int]:
        """Σ committed (deposit - redeemed) of the open tabs, per token."""
        totals: dict[str, int] = {}
        for tab in self.tabs:
            totals[tab.token] = totals.get(tab.token, 0) + tab.committed
        return totals

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "block": self.block,
            "open_tabs": [
                {
                    "tab_id": hex(t.tab_id),
                    "provider_id": t.provider_id,
                    "token": t.token,
                    "key": t.signer,
                    "deposit": t.deposit,
                    "redeemed": t.redeemed,
                    "committed": t.committed,
                    "closes_at": t.closes_at,
                }
                for t in self.tabs
            ],
            "exposure": self.by_token,
        }


@dataclass(frozen=True)
class Voucher:
    """What the client owes on one tab, cumulatively."""

    tab_id: int
    amount: int


@dataclass(frozen=True)
class SignedVoucher:
    """A voucher with its signature split as the contract takes it."""

    voucher: Voucher
    v: int
    r: int
    s: int

    @property
    def tab_id(self) -> int:
        return self.voucher.tab_id

    @property
    def amount(self) -> int:
        return self.voucher.amount

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        """The `ITabs.Voucher` struct `redeem_many` takes."""
        return (self.voucher.tab_id, self.voucher.amount, self.v, self.r, self.s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tab_id": hex(self.voucher.tab_id),
            "amount": str(self.voucher.amount),
            "signature": {"v": self.v, "r": hex(self.r), "s": hex(self.s)},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignedVoucher:
        """Parse `to_dict`'s form; raise ValueError on a malformed voucher."""
        try:
            sig = data["signature"]
            voucher = Voucher(
                tab_id=int(str(data["tab_id"]), 0), amount=int(str(data["amount"]), 0)
            )
            return cls(voucher, *signature_fields(sig))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a signed voucher: missing or bad field {exc}") from exc

    @classmethod
    def from_json(cls, text: str) -> SignedVoucher:
        return cls.from_dict(json_object(text, "signed voucher"))


def voucher_typed_data(voucher: Voucher, chain_id: int, tabs: str) -> dict[str, object]:
    """The EIP-712 typed data of a voucher, bound to one chain and one Tabs contract
    (for wallets that sign typed data; `sign_voucher` hashes it directly)."""
    return {
        "types": {"EIP712Domain": DOMAIN_FIELDS, "Voucher": VOUCHER_FIELDS},
        "primaryType": "Voucher",
        "domain": domain(TABS_DOMAIN_NAME, TABS_DOMAIN_VERSION, chain_id, tabs),
        "message": {"tab_id": voucher.tab_id, "amount": voucher.amount},
    }


def domain_separator(chain_id: int, tabs: str) -> bytes:
    """The EIP-712 domain separator of one Tabs contract on one chain."""
    return keccak(
        _DOMAIN_TYPEHASH
        + keccak(text=TABS_DOMAIN_NAME)
        + keccak(text=TABS_DOMAIN_VERSION)
        + chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(Web3.to_checksum_address(tabs)[2:])
    )


def voucher_digest(voucher: Voucher, separator: bytes) -> bytes:
    """The digest signed for `voucher` under a domain separator (the contract's
    `voucher_digest`); the same as hashing `voucher_typed_data`, without its cost."""
    if not 0 <= voucher.tab_id < 2**256 or not 0 <= voucher.amount < 2**256:
        raise ValueError("tab_id and amount are uint256")
    struct_hash = keccak(
        _VOUCHER_TYPEHASH + voucher.tab_id.to_bytes(32, "big") + voucher.amount.to_bytes(32, "big")
    )
    return keccak(b"\x19\x01" + separator + struct_hash)


def sign_voucher(signer: LocalAccount, voucher: Voucher, chain_id: int, tabs: str) -> SignedVoucher:
    """Sign `voucher` (only the tab's key, `Tab.signer`, signs one the contract takes)."""
    return VoucherSigner(signer, chain_id, tabs).sign(voucher.tab_id, voucher.amount)


class VoucherSigner:
    """Signs vouchers for one key on one Tabs contract (domain separator cached),
    for a client paying per call."""

    def __init__(self, signer: LocalAccount, chain_id: int, tabs: str) -> None:
        self._key = PrivateKey(bytes(signer.key))
        self.address = str(signer.address)
        self.separator = domain_separator(chain_id, tabs)

    def sign(self, tab_id: int, amount: int) -> SignedVoucher:
        voucher = Voucher(tab_id, amount)
        sig = self._key.sign_msg_hash(voucher_digest(voucher, self.separator))
        # eth_keys signs with low s (EIP-2), as the contract requires.
        return SignedVoucher(voucher, sig.v + 27, sig.r, sig.s)


class VoucherRejectedError(AgentMarketError):
    """An incoming voucher that a provider must not accept; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def recover_signer(signed: SignedVoucher, separator: bytes) -> str:
    """The address that signed a voucher; raise VoucherRejectedError for a
    malformed signature (high s, bad v, no recovery)."""
    if signed.v not in (27, 28) or not 0 < signed.r < SECP256K1_N:
        raise VoucherRejectedError("bad signature")
    if not 0 < signed.s <= SECP256K1_N // 2:
        raise VoucherRejectedError("bad signature")
    try:
        sig = Signature(vrs=(signed.v - 27, signed.r, signed.s))
        public = sig.recover_public_key_from_msg_hash(voucher_digest(signed.voucher, separator))
    except (BadSignature, ValidationError) as exc:
        raise VoucherRejectedError("bad signature") from exc
    return str(public.to_checksum_address())


class VoucherVerifier:
    """A provider's off-chain check of one tab's incoming vouchers.

    Built from what the provider read once when the tab opened (`Tab.signer`,
    the deposit) and the chain id and Tabs address, it never touches the
    chain: `accept` takes a voucher only if it is for this tab, signed by the
    tab's key (fixed at opening: nobody else, the client's principal
    included, whoever owns the agent now), above the latest accepted amount
    and within the deposit, and returns what it adds. The contract redeems
    every voucher accepted here until the tab's close deadline, whatever
    happens to the client agent meanwhile (transfer, operator rotation,
    freeze). Call `top_up` when the client adds to the deposit.
    """

    def __init__(
        self,
        tab_id: int,
        chain_id: int,
        tabs: str,
        signer: str,
        deposit: int,
        redeemed: int = 0,
    ) -> None:
        self.tab_id = tab_id
        self.separator = domain_separator(chain_id, tabs)
        self.signer = Web3.to_checksum_address(signer)
        self.deposit = deposit
        self.accepted = redeemed
        self.latest: SignedVoucher | None = None

    @classmethod
    def for_tab(cls, tab: Tab, chain_id: int, tabs: str) -> VoucherVerifier:
        return cls(tab.tab_id, chain_id, tabs, tab.signer, tab.deposit, tab.redeemed)

    def top_up(self, deposit: int) -> None:
        """The tab's new deposit (it only grows)."""
        self.deposit = max(self.deposit, deposit)

    def check(self, signed: SignedVoucher) -> int:
        """What `signed` would add, without accepting it; raise VoucherRejectedError."""
        if signed.tab_id != self.tab_id:
            raise VoucherRejectedError("another tab")
        if signed.amount <= self.accepted:
            raise VoucherRejectedError("not above the latest voucher")
        if signed.amount > self.deposit:
            raise VoucherRejectedError("above the deposit")
        if recover_signer(signed, self.separator) != self.signer:
            raise VoucherRejectedError("signed by a key that is not the tab's")
        return signed.amount - self.accepted

    def accept(self, signed: SignedVoucher) -> int:
        """Check and keep `signed` as the latest voucher; return what it adds."""
        added = self.check(signed)
        self.accepted = signed.amount
        self.latest = signed
        return added


# ------------------------------------------------------------------ client


class TabsClient:
    """Typed calls to the Tabs contract."""

    def __init__(self, w3: Web3, address: str) -> None:
        self.w3 = w3
        self.contract = contract_at(w3, "Tabs", address)
        self._separator: bytes | None = None

    @property
    def address(self) -> str:
        return str(self.contract.address)

    @property
    def separator(self) -> bytes:
        if self._separator is None:
            self._separator = domain_separator(self.w3.eth.chain_id, self.address)
        return self._separator

    # transactions
    def open(
        self,
        signer: Signer,
        client_id: int,
        provider_id: int,
        token: str,
        amount: int,
        withdrawal_delay: int = 86_400,
    ) -> int:
        """Open a tab (the caller: the client's principal or operator); return its id."""
        fn = self.contract.functions.open(
            client_id, provider_id, Web3.to_checksum_address(token), amount, withdrawal_delay
        )
        return self.tab_id_of(signer.transact(fn))

    def top_up(self, signer: Signer, tab_id: int, amount: int) -> TxReceipt:
        return signer.transact(self.contract.functions.top_up(tab_id, amount))

    def redeem(self, signer: Signer, signed: SignedVoucher) -> TxReceipt:
        """Redeem one voucher: a ledger credit to the provider, minus the fee;
        no reputation is written until the tab closes."""
        fn = self.contract.functions.redeem(
            signed.tab_id, signed.amount, signed.v, signed.r, signed.s
        )
        return signer.transact(fn)

    def redeem_many(self, signer: Signer, vouchers: list[SignedVoucher]) -> list[TxReceipt]:
        """Redeem any number of vouchers, MAX_BATCH per transaction."""
        receipts = []
        for start in range(0, len(vouchers), MAX_BATCH):
            chunk = [v.as_tuple() for v in vouchers[start : start + MAX_BATCH]]
            receipts.append(signer.transact(self.contract.functions.redeem_many(chunk)))
        return receipts

    def request_close(self, signer: Signer, tab_id: int) -> TxReceipt:
        return signer.transact(self.contract.functions.request_close(tab_id))

    def finish_close(self, signer: Signer, tab_id: int) -> TxReceipt:
        """Close a tab past its close deadline (anyone): the rest returns to
        the client and the tab's one reputation fact is written (its whole
        net redeemed value), if anything was redeemed."""
        return signer.transact(self.contract.functions.finish_close(tab_id))

    def close(self, signer: Signer, tab_id: int) -> TxReceipt:
        """Close a tab at once (the provider): as `finish_close`; redeem the
        latest voucher first, nothing can be redeemed afterwards."""
        return signer.transact(self.contract.functions.close(tab_id))

    # views
    def tab(self, tab_id: int, block: BlockIdentifier = "latest") -> Tab:
        """A tab as the chain holds it (at `block`)."""
        raw = self.contract.functions.tab(tab_id).call(block_identifier=block)
        abi: list[dict[str, Any]] = list(self.contract.abi)  # type: ignore[arg-type]
        (entry,) = [e for e in abi if e.get("type") == "function" and e.get("name") == "tab"]
        f = dict(zip([c["name"] for c in entry["outputs"][0]["components"]], raw, strict=True))
        return Tab(
            tab_id=tab_id,
            opened_at=int(f["opened_at"]),
            client_id=int(f["client_id"]),
            provider_id=int(f["provider_id"]),
            token=str(f["token"]),
            deposit=int(f["deposit"]),
            redeemed=int(f["redeemed"]),
            status=TabStatus(int(f["status"])),
            closes_at=int(f["closes_at"]),
            withdrawal_delay=int(f["withdrawal_delay"]),
            signer=str(f["signer"]),
            config_id=int(f["config_id"]),
            no_reputation=bool(f["no_reputation"]),
        )

    def voucher_digest(self, tab_id: int, amount: int) -> bytes:
        return bytes(self.contract.functions.voucher_digest(tab_id, amount).call())

    def verifier(self, tab_id: int) -> VoucherVerifier:
        """A provider's verifier for one tab, from the tab's state now."""
        return VoucherVerifier.for_tab(self.tab(tab_id), self.w3.eth.chain_id, self.address)

    def opened_by(
        self, client_id: int, from_block: int = 0, to_block: int | None = None, chunk: int = 10_000
    ) -> list[int]:
        """Ids of every tab `client_id` opened in [from_block, to_block] (default:
        up to the latest block), oldest first, from the `TabOpened` logs filtered
        on their indexed client id, `chunk` blocks per `eth_getLogs`."""
        if chunk < 1:
            raise ValueError("chunk must be at least one block")
        last = int(self.w3.eth.block_number) if to_block is None else to_block
        event = self.contract.events.TabOpened()
        topics = [
            str(event.topic),
            None,
            "0x" + client_id.to_bytes(32, "big").hex(),
        ]
        found: list[int] = []
        for start in range(from_block, last + 1, chunk):
            params: FilterParams = {
                "address": self.contract.address,
                "fromBlock": start,
                "toBlock": min(start + chunk - 1, last),
                "topics": topics,
            }
            for log in self.w3.eth.get_logs(params):
                found.append(int(event.process_log(log)["args"]["tab_id"]))
        return found

    def exposure(
        self, client_id: int, from_block: int = 0, to_block: int | None = None, chunk: int = 10_000
    ) -> TabExposure:
        """`client_id`'s open tabs and what they commit (`TabExposure`), read at
        one block: every tab it opened since `from_block` (the Tabs contract's
        deployment block is enough) that is still open, with its key, deposit,
        redeemed and close deadline. This is what a buyer of the agent checks
        before buying: all that anyone else can still spend of its money
        through tabs, each tab to its own provider only."""
        block = int(self.w3.eth.block_number) if to_block is None else to_block
        open_tabs = []
        for tab_id in self.opened_by(client_id, from_block, block, chunk):
            tab = self.tab(tab_id, block)
            if tab.status == TabStatus.OPEN:
                open_tabs.append(tab)
        return TabExposure(client_id, block, tuple(open_tabs))

    def signer_for(self, account: LocalAccount) -> VoucherSigner:
        return VoucherSigner(account, self.w3.eth.chain_id, self.address)

    def tab_id_of(self, receipt: TxReceipt) -> int:
        (event,) = self.contract.events.TabOpened().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["tab_id"])


def sign_voucher_typed(
    signer: LocalAccount, voucher: Voucher, chain_id: int, tabs: str
) -> SignedVoucher:
    """Sign through eth_account's typed-data path (slower; the reference the
    fast path is tested against)."""
    signed = signer.sign_message(
        encode_typed_data(full_message=voucher_typed_data(voucher, chain_id, tabs))
    )
    return SignedVoucher(voucher, int(signed.v), int(signed.r), int(signed.s))
