"""Bad input gets a 402 whose `error` says why, nothing served, nothing lost: a voucher
for another tab, chain or contract, a stale or decreasing amount, one above the
deposit or short of the call, a tab closing, a client agent frozen."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.schemas import PaymentPayload, PaymentRequirements
from x402_world import (  # noqa: F401  (fixtures: serve, world)
    CAP,
    Served,
    X402World,
    pay,
    payment_required,
    receipt_of,
    serve,
    world,
)

from agentmarket.contracts.tabs import VoucherSigner
from agentmarket.x402 import Redeemer, RedeemPolicy, TabPayment, TabsPayer

pytestmark = pytest.mark.integration


class Attacker:
    """Sends hand-made `tabs` payments to one paid URL, with the SDK's header encoding."""

    def __init__(self, world: X402World, served: Served) -> None:
        self.world = world
        self.served = served
        self.url = f"{served.url}/echo?text=bad"
        self.requirements = PaymentRequirements.model_validate(
            payment_required(httpx.get(self.url))["accepts"][0]
        )
        key = world.keys["client_operator"]
        self.signer = VoucherSigner(key, world.market.chain_id, world.market.tabs.address)

    def send(self, payment: TabPayment) -> str:
        """Send `payment`; assert a 402 that served nothing, return its error."""
        served_before = list(self.served.calls)
        payload = PaymentPayload(payload=payment.to_payload(), accepted=self.requirements)
        headers = x402HTTPClient(x402Client()).encode_payment_signature_header(payload)
        response = httpx.get(self.url, headers=headers)
        required = payment_required(response)
        assert self.served.calls == served_before
        return str(required["error"])

    def voucher(self, tab_id: int, amount: int, *, chain_id: int | None = None) -> TabPayment:
        signer = self.signer
        if chain_id is not None:
            signer = VoucherSigner(
                self.world.keys["client_operator"], chain_id, self.world.market.tabs.address
            )
        return TabPayment(
            signer.sign(tab_id, amount), self.world.market.chain_id, self.world.market.tabs.address
        )


@pytest.fixture
def paid(world: X402World, serve: Callable[..., Served]) -> tuple[Served, TabsPayer, int]:
    """A server whose payer paid two calls (tab opened, 2 * CAP authorised, ...)."""
    served = serve()
    payer = world.payer(deposit=10 * CAP)
    responses = pay(payer, [f"{served.url}/echo?text=ok1", f"{served.url}/echo?text=ok2"])
    assert [r.status_code for r in responses] == [200, 200]
    return served, payer, receipt_of(responses[-1]).tab_id


def test_refusals__402_with_reason__nothing_served__nothing_lost(
    world: X402World, paid: tuple[Served, TabsPayer, int]
) -> None:
    served, payer, tab_id = paid
    bad = Attacker(world, served)
    store = served.provider.store
    held = store.get(tab_id)
    assert held is not None and held.latest is not None
    accepted, billed, deposit = held.accepted, held.billed, held.deposit
    assert (accepted, billed) == (2 * CAP, 2 * CAP)  # each call paid at its cap
    chain, tabs = world.market.chain_id, world.market.tabs.address

    stale = TabPayment(held.latest, chain, tabs)  # the client's own last payment, replayed
    assert bad.send(stale).startswith("stale voucher: 2000 is not above the latest accepted 2000")
    assert bad.send(bad.voucher(tab_id, accepted - 1)).startswith("stale voucher")
    assert bad.send(bad.voucher(tab_id, deposit + 1)).startswith("voucher above the deposit")
    assert bad.send(bad.voucher(tab_id, accepted + 1)).startswith(
        f"voucher does not cover this call: at least {billed + CAP} is due"
    )
    assert bad.send(bad.voucher(tab_id + 1, 5 * CAP)) == "unknown tab"
    claims_other_chain = TabPayment(bad.signer.sign(tab_id, 5 * CAP), 1, tabs)
    assert bad.send(claims_other_chain) == "voucher for another chain (1)"
    signed_for_other_chain = bad.voucher(tab_id, 5 * CAP, chain_id=1)
    assert bad.send(signed_for_other_chain).startswith("voucher not signed by the tab's key")
    claims_other_contract = TabPayment(bad.signer.sign(tab_id, 5 * CAP), chain, world.token)
    assert bad.send(claims_other_contract).startswith("voucher for another Tabs contract")
    stranger = VoucherSigner(world.keys["provider_operator"], chain, tabs)
    forged = TabPayment(stranger.sign(tab_id, 5 * CAP), chain, tabs)
    assert bad.send(forged).startswith("voucher not signed by the tab's key")

    # A tab of the same client to another provider: a voucher for another tab.
    provider = world.signer("provider_principal")
    other_id = world.market.registry.register(provider, "ipfs://other-provider")
    other_tab = world.market.tabs.open(
        world.signer("client_operator"), world.client_id, other_id, world.token, 5 * CAP
    )
    assert bad.send(bad.voucher(other_tab, 5 * CAP)).startswith("voucher for another tab")

    # Nothing lost: the provider still holds the voucher it accepted, and the payer
    # goes on paying on the same tab.
    after = store.get(tab_id)
    assert after is not None and (after.accepted, after.billed) == (accepted, billed)
    assert after.latest == held.latest
    (ok,) = pay(payer, [f"{served.url}/echo?text=ok3"])
    assert ok.status_code == 200 and receipt_of(ok).billed == 3 * CAP


def test_tab_closing_or_client_frozen__402__held_voucher_still_redeems(
    world: X402World, paid: tuple[Served, TabsPayer, int]
) -> None:
    served, _, tab_id = paid
    bad = Attacker(world, served)
    held = served.provider.store.get(tab_id)
    assert held is not None
    client_principal = world.signer("client_principal")

    world.market.registry.freeze(client_principal, world.client_id)
    try:
        assert bad.send(bad.voucher(tab_id, held.accepted + CAP)) == "client agent frozen"
    finally:
        world.market.registry.unfreeze(client_principal, world.client_id)

    world.market.tabs.request_close(world.signer("client_operator"), tab_id)
    voucher = bad.voucher(tab_id, held.accepted + CAP)
    assert bad.send(voucher) == "tab closing: the client asked to close it"
    # What was accepted before the close request is redeemed before its deadline.
    redeemer_signer = world.signer("provider_operator")
    redeemer = Redeemer(
        served.provider.store, world.market.tabs, redeemer_signer, RedeemPolicy(value=10**30)
    )
    assert redeemer.due()  # a closing tab is due at once, whatever the thresholds
    assert redeemer.tick() == 1
    assert world.market.tabs.tab(tab_id).redeemed == held.accepted
