"""The x402 SDK's own client, with our `tabs` scheme registered, pays our server over
real HTTP against anvil: a tab opened on the first 402, many calls, variable prices,
a top-up, then one batch redemption with the provider's escrow balance exact to the
unit; a client without our scheme gets a well-formed 402."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from x402 import x402Client
from x402.http.clients.httpx import PaymentError, x402HttpxClient
from x402_world import (  # noqa: F401  (fixtures: serve, world)
    CAP,
    X402World,
    pay,
    payment_required,
    receipt_of,
    serve,
    world,
)

from agentmarket.contracts.tabs import TabStatus
from agentmarket.x402 import Redeemer, RedeemPolicy

pytestmark = pytest.mark.integration


def test_sdk_client__pays_many_calls__batch_redemption_exact_to_the_unit(
    world: X402World, serve: ...
) -> None:
    served = serve()
    payer = world.payer(deposit=12 * CAP, top_up=10 * CAP)
    texts = [f"call {i}" for i in range(15)] + ["one two three four five"] * 5
    urls = [f"{served.url}/echo?text={t.replace(' ', '+')}" for t in texts[:15]]
    urls += [f"{served.url}/words?text={t.replace(' ', '+')}" for t in texts[15:]]
    before = world.provider_balance()

    responses = pay(payer, urls, tokens={world.token: CAP})

    assert [r.status_code for r in responses] == [200] * 20
    assert served.calls == texts
    receipts = [receipt_of(r) for r in responses]
    (tab_id,) = {r.tab_id for r in receipts}
    charged = [r.charged for r in receipts]
    assert charged == [CAP] * 15 + [5] * 5  # variable prices up to the cap, one round trip
    assert [r.billed for r in receipts] == [sum(charged[: i + 1]) for i in range(20)]
    # Each voucher covered what was billed before plus one call's cap: the provider
    # holds at most one cap beyond what it billed.
    latest = receipts[-1]
    assert latest.accepted == receipts[-2].billed + CAP
    assert latest.accepted - latest.billed == CAP - 5

    tab = world.market.tabs.tab(tab_id)
    assert tab.status == TabStatus.OPEN
    assert tab.deposit >= latest.accepted > 12 * CAP  # it was topped up
    assert tab.redeemed == 0  # nothing on-chain until the batch
    assert world.provider_balance() == before

    redeemer = Redeemer(
        served.provider.store, world.market.tabs, world.signer("provider_operator"),
        RedeemPolicy(value=10 * CAP),
    )  # fmt: skip
    assert redeemer.due()
    assert redeemer.tick() == 1
    assert world.market.tabs.tab(tab_id).redeemed == latest.accepted
    assert world.provider_balance() - before == world.net_of_fee(latest.accepted)
    assert served.provider.store.pending() == []
    assert not redeemer.due()

    # The same payer goes on paying on the same tab after the redemption.
    (again,) = pay(payer, [f"{served.url}/echo?text=after"])
    assert again.status_code == 200
    assert receipt_of(again).tab_id == tab_id
    assert receipt_of(again).billed == latest.billed + CAP


def test_client_without_the_scheme__well_formed_402__nothing_served(
    world: X402World, serve: ...
) -> None:
    served = serve()
    response = httpx.get(f"{served.url}/echo?text=free")
    required = payment_required(response)
    assert required["x402Version"] == 2
    (accepts,) = required["accepts"]
    assert accepts["scheme"] == "tabs"
    assert accepts["network"] == f"eip155:{world.market.chain_id}"
    assert accepts["asset"] == world.token
    assert accepts["amount"] == str(CAP)
    assert accepts["payTo"] == world.market.tabs.address
    assert accepts["extra"]["providerId"] == str(world.provider_id)
    assert accepts["extra"]["tabs"] == world.market.tabs.address

    async def sdk_without_tabs() -> None:
        async with x402HttpxClient(x402Client(), timeout=10) as http:
            await http.get(f"{served.url}/echo?text=free")

    with pytest.raises(PaymentError):
        asyncio.run(sdk_without_tabs())
    assert served.calls == []
