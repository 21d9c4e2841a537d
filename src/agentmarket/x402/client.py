"""The client's side of the `tabs` scheme: pay x402 APIs from a client agent's tabs.

`TabsPayer` is a `SchemeNetworkClient` for the x402 SDK's `x402Client`: on the
first 402 of a provider it opens a tab to it (as the client agent's principal or
operator, so within the caps its principal set: the escrow refuses anything
above them), tops the tab up when the next voucher would pass the deposit, and
signs each call's voucher for what the provider billed so far plus this call's
cap. The provider's receipt (`PAYMENT-RESPONSE`) updates what was billed, so a
call that cost less than its cap leaves the difference as credit for the next.

    payer = TabsPayer(market.tabs, market.signer, client_id, max_per_call=10**6)
    client = payment_client(payer)  # the SDK's x402Client, `tabs` registered
    async with x402HttpxClient(client) as http:
        response = await http.get(url)
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from web3 import Web3
from x402 import x402Client
from x402.client_base import SpendControlAsset
from x402.schemas import PaymentRequirements

from agentmarket.chain import Signer
from agentmarket.contracts.tabs import TabsClient, TabStatus
from agentmarket.x402.wire import SCHEME, Receipt, TabPayment, TabTerms, X402Error, caip2


@dataclass
class TabState:
    """What the client knows of one of its tabs."""

    tab_id: int
    deposit: int
    signed: int  # the latest voucher's amount
    billed: int  # what the provider billed, from its receipts


class TabsPayer:
    """Pays `tabs` requirements from `client_id`'s tabs, signing with `signer`'s key.

    `deposit` is what a new tab locks (default 100 calls at the cap, at least the
    provider's `minDeposit`), `top_up` what is added when a tab runs low (default
    the same), and `max_deposit` the most one tab may ever lock (default
    unbounded: the principal's caps still apply). `max_per_call` refuses a provider
    whose per-call cap is higher (default: any). `state` is a JSON file that keeps
    the tabs' state between runs (else a new process opens a new tab)."""

    scheme = SCHEME

    def __init__(
        self,
        tabs: TabsClient,
        signer: Signer,
        client_id: int,
        *,
        deposit: int | None = None,
        top_up: int | None = None,
        max_deposit: int | None = None,
        withdrawal_delay: int = 86_400,
        max_per_call: int | None = None,
        state: str | Path | None = None,
    ) -> None:
        self.tabs = tabs
        self.signer = signer
        self.client_id = client_id
        self.deposit = deposit
        self.top_up_amount = top_up
        self.max_deposit = max_deposit
        self.withdrawal_delay = withdrawal_delay
        self.max_per_call = max_per_call
        self.chain_id = int(tabs.w3.eth.chain_id)
        self.voucher_signer = tabs.signer_for(signer.account)
        self.state_path = Path(state) if state is not None else None
        self._lock = threading.Lock()
        self._tabs: dict[str, TabState] = self._load()
        self.scheme_hooks = _PayerHooks(self)

    @property
    def network(self) -> str:
        return caip2(self.chain_id)

    def _key(self, terms: TabTerms) -> str:
        return f"{terms.chain_id}:{terms.tabs}:{self.client_id}:{terms.provider_id}:{terms.token}"

    # ----------------------------------------------------------------- state

    def _load(self) -> dict[str, TabState]:
        if self.state_path is None or not self.state_path.exists():
            return {}
        raw = json.loads(self.state_path.read_text())
        return {k: TabState(**v) for k, v in raw.items()}

    def _save(self) -> None:
        if self.state_path is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: asdict(v) for k, v in self._tabs.items()}, indent=1))
        tmp.replace(self.state_path)

    def tab_for(self, terms: TabTerms) -> TabState | None:
        """The open tab this payer uses for a provider's terms, if any."""
        return self._tabs.get(self._key(terms))

    # ---------------------------------------------------------------- paying

    def create_payment_payload(self, requirements: PaymentRequirements) -> dict[str, Any]:
        """The inner payload for one call (opens or tops up the tab first if needed)."""
        terms = TabTerms.from_requirements(
            requirements.network, requirements.asset, requirements.amount, requirements.extra
        )
        if terms.chain_id != self.chain_id:
            raise X402Error(f"requirements for chain {terms.chain_id}, not {self.chain_id}")
        if terms.tabs != Web3.to_checksum_address(self.tabs.address):
            raise X402Error(f"requirements name another Tabs contract ({terms.tabs})")
        if self.max_per_call is not None and terms.cap > self.max_per_call:
            raise X402Error(
                f"the provider asks up to {terms.cap} a call, above {self.max_per_call}"
            )
        with self._lock:
            state = self._usable(terms)
            if state is None:
                state = self._open(terms)
            amount = max(state.billed + terms.cap, state.signed + 1)
            if amount > state.deposit:
                self._top_up(state, terms, amount)
            signed = self.voucher_signer.sign(state.tab_id, amount)
            state.signed = amount
            self._save()
        return TabPayment(signed, self.chain_id, self.tabs.address).to_payload()

    def _usable(self, terms: TabTerms) -> TabState | None:
        state = self._tabs.get(self._key(terms))
        if state is None:
            return None
        tab = self.tabs.tab(state.tab_id)
        if tab.status != TabStatus.OPEN or tab.closes_at != 0:
            del self._tabs[self._key(terms)]
            return None
        state.deposit = tab.deposit
        return state

    def _open(self, terms: TabTerms) -> TabState:
        amount = max(self.deposit or 100 * terms.cap, terms.min_deposit, terms.cap)
        if self.max_deposit is not None and amount > self.max_deposit:
            raise X402Error(f"opening a tab needs {amount}, above max_deposit {self.max_deposit}")
        delay = max(self.withdrawal_delay, terms.min_withdrawal_delay)
        tab_id = self.tabs.open(
            self.signer, self.client_id, terms.provider_id, terms.token, amount, delay
        )
        tab = self.tabs.tab(tab_id)
        if Web3.to_checksum_address(tab.signer) != Web3.to_checksum_address(self.signer.address):
            raise X402Error(
                f"tab {hex(tab_id)} is signed for by {tab.signer}, not by this payer's key"
            )
        state = TabState(tab_id, tab.deposit, tab.redeemed, tab.redeemed)
        self._tabs[self._key(terms)] = state
        return state

    def _top_up(self, state: TabState, terms: TabTerms, needed: int) -> None:
        add = max(needed - state.deposit, self.top_up_amount or self.deposit or 100 * terms.cap)
        if self.max_deposit is not None and state.deposit + add > self.max_deposit:
            add = self.max_deposit - state.deposit
            if state.deposit + add < needed:
                raise X402Error(
                    f"tab {hex(state.tab_id)} would pass max_deposit {self.max_deposit}"
                )
        self.tabs.top_up(self.signer, state.tab_id, add)
        state.deposit = self.tabs.tab(state.tab_id).deposit

    def receipt(self, receipt: Receipt) -> None:
        """Take a provider's receipt: what it billed on the tab so far."""
        with self._lock:
            for state in self._tabs.values():
                if state.tab_id == receipt.tab_id and receipt.accepted <= state.signed:
                    state.billed = max(state.billed, receipt.billed)
                    self._save()


def payment_client(payer: TabsPayer, tokens: dict[str, int] | None = None) -> x402Client:
    """The x402 SDK's async client with `payer` registered for its chain. The SDK's
    spend controls allow only its known stablecoins by default: `tokens` (token ->
    most per call) lists the tokens this client pays in; without it any token is
    allowed and `payer.max_per_call` is the cap."""
    client = x402Client().register(payer.network, payer)
    if tokens is None:
        client.set_spend_controls({"allowed_assets": True, "max_amount_per_payment": False})
    else:
        allowed: list[SpendControlAsset] = [
            {"network": payer.network, "asset": t, "max_amount_per_payment": str(cap)}
            for t, cap in tokens.items()
        ]
        client.set_spend_controls({"allowed_assets": allowed})
    return client


class _PayerHooks:
    """The x402 client's scheme hooks: read the receipt of every paid response."""

    def __init__(self, payer: TabsPayer) -> None:
        self.payer = payer

    def on_payment_response(self, ctx: Any) -> None:
        settle = ctx.settle_response
        if settle is None or not settle.success or not settle.extra:
            return None
        with contextlib.suppress(X402Error):  # not our receipt: nothing to learn
            self.payer.receipt(Receipt.from_extra(settle.extra))
        return None
