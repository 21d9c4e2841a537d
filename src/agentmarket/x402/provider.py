"""The provider's side of the `tabs` scheme: checking vouchers, billing calls, redeeming.

`TabsProvider` holds one provider agent's terms, its voucher store and a read-only
view of the chain. On the x402 SDK's interfaces it is used through:

- `TabsServerScheme` (`SchemeNetworkServer`): builds the 402's requirements;
- `TabsFacilitatorScheme` (`SchemeNetworkFacilitator`): `verify` checks a voucher
  locally (no facilitator service) and stores it, one committed transaction,
  before the resource is served; `settle` bills the call (its price, at most the
  cap, from the SDK's `Settlement-Overrides`) and answers the receipt;
- `Redeemer`: redeems the stored vouchers in batches (`redeem_many`) once their
  unredeemed value or age passes a threshold, and at once for a tab that is
  closing, so a voucher the provider accepted is redeemed before its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from web3 import Web3
from x402.facilitator import x402FacilitatorSync
from x402.interfaces import FacilitatorContext, PaymentFlowConfig
from x402.payment_flow import AUTHORIZATION_PAYMENT_FLOW
from x402.schemas import (
    AssetAmount,
    Network,
    PaymentPayload,
    PaymentRequirements,
    SettleResponse,
    SupportedKind,
    SupportedResponse,
    VerifyResponse,
)

from agentmarket.chain import Signer
from agentmarket.contracts.registry import AgentRegistryClient
from agentmarket.contracts.tabs import (
    MAX_BATCH,
    TabsClient,
    TabStatus,
    VoucherRejectedError,
    domain_separator,
    recover_signer,
)
from agentmarket.errors import AgentMarketError
from agentmarket.x402.store import TabRecord, VoucherStore
from agentmarket.x402.wire import SCHEME, Receipt, TabPayment, TabTerms, X402Error

log = logging.getLogger(__name__)


@dataclass
class _Reservation:
    cap: int
    settled: bool = False


@dataclass
class TabsProvider:
    """One provider agent taking `tabs` payments: its terms, store and chain view.

    `refresh_after` seconds bound how stale a tab's chain facts (deposit, close
    request, the client's freeze) may be when a voucher is checked; a voucher
    above the remembered deposit always re-reads the tab (a top-up)."""

    terms: TabTerms
    store: VoucherStore
    tabs: TabsClient
    registry: AgentRegistryClient
    refresh_after: float = 1.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _inflight: dict[tuple[int, int], _Reservation] = field(default_factory=dict, repr=False)

    @property
    def network(self) -> str:
        return self.terms.network

    def requirements(self) -> PaymentRequirements:
        """The 402's `tabs` requirement for one call."""
        return PaymentRequirements(
            scheme=SCHEME,
            network=self.network,
            asset=self.terms.token,
            amount=str(self.terms.cap),
            pay_to=self.terms.tabs,
            max_timeout_seconds=300,
            extra=self.terms.extra(),
        )

    # ---------------------------------------------------------------- verify

    def _tab(self, tab_id: int, amount: int) -> TabRecord:
        record = self.store.get(tab_id)
        stale = record is None or time.time() - record.checked_at >= self.refresh_after
        if record is None or stale or amount > record.deposit:
            tab = self.tabs.tab(tab_id)
            if tab.status == TabStatus.NONE:
                raise X402Error("unknown tab")
            if tab.provider_id != self.terms.provider_id:
                raise X402Error("voucher for another tab: the tab pays another provider")
            if Web3.to_checksum_address(tab.token) != self.terms.token:
                raise X402Error("voucher for another tab: the tab is in another token")
            if tab.status == TabStatus.CLOSED:
                raise X402Error("tab closed")
            if tab.withdrawal_delay < self.terms.min_withdrawal_delay:
                raise X402Error(f"tab's withdrawal delay under {self.terms.min_withdrawal_delay} s")
            if self.registry.agent(tab.client_id).frozen:
                raise X402Error("client agent frozen")
            self.store.remember(tab)
            record = self.store.get(tab_id)
            assert record is not None
        if record.closes_at != 0:
            raise X402Error("tab closing: the client asked to close it")
        return record

    def check(self, payment: TabPayment, cap: int) -> tuple[TabRecord, int]:
        """Check a payment for one call of price at most `cap`; the tab and what
        the voucher adds. Raise X402Error with the reason for a refusal."""
        if payment.chain_id != self.terms.chain_id:
            raise X402Error(f"voucher for another chain ({payment.chain_id})")
        if payment.tabs != self.terms.tabs:
            raise X402Error(f"voucher for another Tabs contract ({payment.tabs})")
        signed = payment.signed
        record = self._tab(signed.tab_id, signed.amount)
        if signed.amount <= record.accepted:
            raise X402Error(
                f"stale voucher: {signed.amount} is not above the latest accepted {record.accepted}"
            )
        if signed.amount > record.deposit:
            raise X402Error(f"voucher above the deposit ({signed.amount} > {record.deposit})")
        reserved = sum(
            r.cap for (t, _), r in self._inflight.items() if t == signed.tab_id and not r.settled
        )
        needed = record.billed + reserved + cap
        if signed.amount < needed:
            raise X402Error(f"voucher does not cover this call: at least {needed} is due")
        separator = domain_separator(self.terms.chain_id, self.terms.tabs)
        try:
            who = recover_signer(signed, separator)
        except VoucherRejectedError as exc:
            raise X402Error(exc.reason) from exc
        if who != Web3.to_checksum_address(record.signer):
            raise X402Error("voucher not signed by the tab's key (another tab, chain or contract)")
        return record, signed.amount - record.accepted

    def accept(self, payment: TabPayment, cap: int) -> str:
        """Check and store a payment (committed before returning); the payer's key."""
        with self._lock:
            record, _ = self.check(payment, cap)
            if not self.store.accept(payment.signed, record.accepted):
                raise X402Error("stale voucher: another voucher for this tab got in first")
            self._inflight[(payment.signed.tab_id, payment.signed.amount)] = _Reservation(cap)
            return record.signer

    def bill(self, payment: TabPayment, charged: int) -> Receipt:
        """Bill a served call `charged` (at most the cap reserved at `accept`)."""
        key = (payment.signed.tab_id, payment.signed.amount)
        with self._lock:
            reservation = self._inflight.get(key)
            if reservation is None or reservation.settled:
                raise X402Error("no accepted call for this voucher")
            if not 0 < charged <= reservation.cap:
                raise X402Error(f"charge {charged} outside 1..{reservation.cap}")
            billed = self.store.bill(payment.signed.tab_id, charged)
            del self._inflight[key]
            return Receipt(payment.signed.tab_id, charged, billed, payment.signed.amount)

    def release(self, payment: TabPayment) -> None:
        """Forget an accepted call that was not served (the handler failed): nothing billed."""
        with self._lock:
            self._inflight.pop((payment.signed.tab_id, payment.signed.amount), None)


def _reason(exc: Exception) -> str:
    return exc.reason if isinstance(exc, X402Error) else str(exc)


class TabsServerScheme:
    """`SchemeNetworkServer` for `tabs`: the route's price is the per-call cap in token
    units (an int or its decimal string); requirements name the provider, the Tabs
    contract and the token. Handlers charge less than the cap with the SDK's
    `Settlement-Overrides: {"amount": "<units>"}` header."""

    scheme = SCHEME
    default_asset_transfer_method = "default"
    payment_flows: ClassVar[dict[str, PaymentFlowConfig]] = {"default": AUTHORIZATION_PAYMENT_FLOW}

    def __init__(self, provider: TabsProvider) -> None:
        self.provider = provider
        self.scheme_hooks = _ServerHooks(provider)

    def parse_price(self, price: Any, network: Network) -> AssetAmount:
        if isinstance(price, AssetAmount):
            return price
        if isinstance(price, dict):
            return AssetAmount.model_validate(price)
        if isinstance(price, float) or (isinstance(price, str) and not price.isdigit()):
            raise X402Error(f"tabs prices are token units (an integer), not {price!r}")
        return AssetAmount(amount=str(int(price)), asset=self.provider.terms.token)

    def enhance_payment_requirements(
        self,
        requirements: PaymentRequirements,
        supported_kind: SupportedKind,
        extensions: list[str],
    ) -> PaymentRequirements:
        if int(requirements.amount) > self.provider.terms.cap:
            raise X402Error("a route's price is above the provider's per-call cap")
        requirements.extra = {**self.provider.terms.extra(), **(requirements.extra or {})}
        return requirements


class _ServerHooks:
    """Scheme hooks the SDK's resource server calls: a verified call whose handler
    failed is released (nothing billed)."""

    def __init__(self, provider: TabsProvider) -> None:
        self.provider = provider

    def on_verified_payment_canceled(self, context: Any) -> None:
        with contextlib.suppress(X402Error):  # not a tabs payload: nothing was reserved
            self.provider.release(TabPayment.from_payload(context.payment_payload.payload))


class TabsFacilitatorScheme:
    """`SchemeNetworkFacilitator` for `tabs`: verify and settle against a `TabsProvider`,
    locally (no chain write, no facilitator service)."""

    scheme = SCHEME
    caip_family = "eip155:*"

    def __init__(self, provider: TabsProvider) -> None:
        self.provider = provider

    def get_extra(self, network: Network) -> dict[str, Any] | None:
        return self.provider.terms.extra()

    def get_signers(self, network: Network) -> list[str]:
        return []

    def verify(
        self,
        payload: PaymentPayload,
        requirements: PaymentRequirements,
        context: FacilitatorContext | None = None,
    ) -> VerifyResponse:
        try:
            self._check_requirements(requirements)
            payer = self.provider.accept(
                TabPayment.from_payload(payload.payload), int(requirements.amount)
            )
        except (X402Error, AgentMarketError) as exc:
            return VerifyResponse(is_valid=False, invalid_reason=_reason(exc))
        return VerifyResponse(is_valid=True, payer=payer)

    def settle(
        self,
        payload: PaymentPayload,
        requirements: PaymentRequirements,
        context: FacilitatorContext | None = None,
    ) -> SettleResponse:
        try:
            payment = TabPayment.from_payload(payload.payload)
            receipt = self.provider.bill(payment, int(requirements.amount))
        except X402Error as exc:
            return SettleResponse(
                success=False,
                error_reason=exc.reason,
                transaction="",
                network=self.provider.network,
            )
        return SettleResponse(
            success=True,
            transaction="",
            network=self.provider.network,
            amount=str(receipt.charged),
            extra=receipt.to_extra(),
        )

    def _check_requirements(self, requirements: PaymentRequirements) -> None:
        terms = TabTerms.from_requirements(
            requirements.network, requirements.asset, requirements.amount, requirements.extra
        )
        mine = self.provider.terms
        if (terms.chain_id, terms.tabs, terms.token, terms.provider_id) != (
            mine.chain_id,
            mine.tabs,
            mine.token,
            mine.provider_id,
        ):
            raise X402Error("requirements are not this provider's")
        if terms.cap > mine.cap:
            raise X402Error("requirements above the provider's per-call cap")


def local_facilitator(provider: TabsProvider) -> LocalFacilitatorClient:
    """A facilitator client for the SDK's resource server that verifies and
    settles in this process (checks run in a worker thread)."""
    facilitator = x402FacilitatorSync()
    facilitator.register([provider.network], TabsFacilitatorScheme(provider))
    return LocalFacilitatorClient(facilitator)


class LocalFacilitatorClient:
    """The SDK's async `FacilitatorClient` protocol over an in-process facilitator."""

    def __init__(self, facilitator: x402FacilitatorSync) -> None:
        self.facilitator = facilitator

    async def verify(
        self, payload: PaymentPayload, requirements: PaymentRequirements
    ) -> VerifyResponse:
        return await asyncio.to_thread(self.facilitator.verify, payload, requirements)

    async def settle(
        self, payload: PaymentPayload, requirements: PaymentRequirements
    ) -> SettleResponse:
        return await asyncio.to_thread(self.facilitator.settle, payload, requirements)

    def get_supported(self) -> SupportedResponse:
        return self.facilitator.get_supported()


# ------------------------------------------------------------------ redeemer


@dataclass
class RedeemPolicy:
    """When to redeem: once the unredeemed value of all tabs reaches `value`, or
    the oldest unredeemed voucher is `age` seconds old; a closing tab at once."""

    value: int
    age: float = 600.0
    poll: float = 1.0


class Redeemer:
    """Redeems a store's pending vouchers in batches (`redeem_many`, MAX_BATCH a
    transaction), marking each tab redeemed only once its transaction is mined."""

    def __init__(
        self, store: VoucherStore, tabs: TabsClient, signer: Signer, policy: RedeemPolicy
    ) -> None:
        self.store = store
        self.tabs = tabs
        self.signer = signer
        self.policy = policy
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def due(self, now: float | None = None) -> bool:
        """Whether the thresholds call for a redemption now."""
        now = time.time() if now is None else now
        pending = self.store.pending()
        if not pending:
            return False
        if any(r.closes_at != 0 for r in pending):
            return True
        if sum(r.unredeemed for r in pending) >= self.policy.value:
            return True
        oldest = min(r.accepted_at or now for r in pending)
        return now - oldest >= self.policy.age

    def redeem_pending(self) -> int:
        """Redeem every pending voucher now; how many tabs were redeemed."""
        pending = [r for r in self.store.pending() if r.latest is not None]
        done = 0
        for start in range(0, len(pending), MAX_BATCH):
            chunk = pending[start : start + MAX_BATCH]
            vouchers = [r.latest for r in chunk if r.latest is not None]
            try:
                self.tabs.redeem_many(self.signer, vouchers)
            except AgentMarketError as exc:
                # One refused voucher sinks a batch: redeem the rest one by one.
                log.warning("batch redemption refused (%s); redeeming one by one", exc)
                for voucher in vouchers:
                    try:
                        self.tabs.redeem_many(self.signer, [voucher])
                    except AgentMarketError as one:
                        log.error("tab %s: redemption refused: %s", hex(voucher.tab_id), one)
                        continue
                    self.store.mark_redeemed(voucher.tab_id, voucher.amount)
                    done += 1
                continue
            for voucher in vouchers:
                self.store.mark_redeemed(voucher.tab_id, voucher.amount)
            done += len(vouchers)
        return done

    def tick(self) -> int:
        """Redeem if due; how many tabs were redeemed."""
        return self.redeem_pending() if self.due() else 0

    def start(self) -> None:
        """Tick every `policy.poll` seconds in a daemon thread until `stop`."""

        def run() -> None:
            while not self._stop.wait(self.policy.poll):
                try:
                    self.tick()
                except Exception:  # keep redeeming after a node hiccup
                    log.exception("redeemer tick failed")

        self._thread = threading.Thread(target=run, name="x402-redeemer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
