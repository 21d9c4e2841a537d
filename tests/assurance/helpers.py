"""A small driver over the real protocol for the attack tests."""

from __future__ import annotations

from typing import Any

import boa
from escrow.helpers import ARBITRATION_WINDOW, FEE_BPS, RESPONSE_WINDOW, REVIEW_WINDOW

from .world import ACCEPTED, DAY, DELIVERED, DISPUTED, World, now

PRICE = 10**18
# The windows and fee are the world's config (escrow.conftest.config_tuple),
# imported from there rather than restated.
__all__ = [
    "ARBITRATION_WINDOW",
    "FEE_BPS",
    "PRICE",
    "RESPONSE_WINDOW",
    "REVIEW_WINDOW",
    "Driver",
]


class Driver:
    """Funds agents, lists, hires and drives jobs on a `World`."""

    def __init__(self, w: World) -> None:
        self.w = w
        self.e = w.escrow

    def principal(self, agent: int) -> str:
        return str(self.w.registry.ownerOf(agent))

    def operator(self, agent: int) -> str:
        return str(self.w.registry.getAgentWallet(agent))

    def fund(self, agent: int, token: Any, amount: int) -> None:
        payer = self.principal(agent)
        token.mint(payer, amount)
        with boa.env.prank(payer):
            token.approve(self.e.address, amount)
            self.e.deposit(agent, token.address, amount)

    def listing(
        self, provider: int, token: Any, price: int = PRICE, delivery: int = 3 * DAY
    ) -> int:
        with boa.env.prank(self.principal(provider)):
            return int(
                self.w.listings.create_listing(
                    provider, b"t".ljust(32, b"\0"), token.address, price, delivery, b"\1" * 32, "u"
                )
            )

    def hire(self, client: int, listing_id: int, who: str | None = None) -> int:
        info = self.w.listings.hire_info(listing_id)
        with boa.env.prank(who or self.principal(client)):
            return int(self.e.hire(listing_id, client, info.token, info.price, info.version))

    def job_in(
        self, status: int, client: int, provider: int, token: Any, price: int = PRICE
    ) -> int:
        """A funded job (the client funded with exactly its price) driven to `status`."""
        self.fund(client, token, price)
        job_id = self.hire(client, self.listing(provider, token, price))
        seller = self.principal(provider)
        if status >= ACCEPTED:
            with boa.env.prank(seller):
                self.e.accept(job_id)
        if status >= DELIVERED:
            with boa.env.prank(seller):
                self.e.deliver(job_id, b"\2" * 32, "ipfs://r")
        if status == DISPUTED:
            with boa.env.prank(self.principal(client)):
                self.w.resolver.dispute(job_id, "ipfs://meta")
        return job_id

    def balances(self, token: Any, *agents: int) -> list[int]:
        return [int(self.e.balance_of(a, token.address)) for a in agents]

    def fees(self, token: Any) -> int:
        return int(self.e.fees_owed(self.w.fee_recipient, token.address))

    def solvent(self, token: Any, locked: int = 0) -> bool:
        """I1 for `token` over every agent of the world (nothing else holds it)."""
        free = sum(self.balances(token, *self.w.agents))
        held = int(token.balanceOf(self.e.address))
        return held == free + locked + self.fees(token)


def at(timestamp: int) -> None:
    """Move the clock to exactly `timestamp` (forward only)."""
    assert timestamp >= now()
    boa.env.evm.patch.timestamp = timestamp
