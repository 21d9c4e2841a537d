"""x402 (HTTP 402 payments, version 2) on AgentMarket tabs: the `tabs` scheme.

An x402 client with `TabsPayer` registered pays any API served behind the x402
SDK's middleware with `TabsServerScheme`: each call is paid by one EIP-712 voucher
for the cumulative amount on a tab from the client agent to the provider agent,
checked locally by the provider, kept in a crash-safe store before the resource
is served, and redeemed in batches. See `agentmarket.x402.wire` for the format.
"""

from agentmarket.x402.client import TabsPayer, TabState, payment_client
from agentmarket.x402.provider import (
    Redeemer,
    RedeemPolicy,
    TabsFacilitatorScheme,
    TabsProvider,
    TabsServerScheme,
    local_facilitator,
)
from agentmarket.x402.store import TabRecord, VoucherStore
from agentmarket.x402.wire import SCHEME, Receipt, TabPayment, TabTerms, X402Error, caip2

__all__ = [
    "SCHEME",
    "Receipt",
    "RedeemPolicy",
    "Redeemer",
    "TabPayment",
    "TabRecord",
    "TabState",
    "TabTerms",
    "TabsFacilitatorScheme",
    "TabsPayer",
    "TabsProvider",
    "TabsServerScheme",
    "VoucherStore",
    "X402Error",
    "caip2",
    "local_facilitator",
    "payment_client",
]
