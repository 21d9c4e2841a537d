"""`agentmarket mcp`'s `hire_offer` (a buyer hires with a provider's signed offer,
within the session budget) and `decline` (a seller turns a job down and the price
returns), driven by the official MCP client over stdio against anvil, with a
real provider runtime serving the offer-hired job."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from agent.conftest import ProviderProcess

from agentmarket import JobStatus, Offer

from .conftest import PRICE, UNIT, McpWorld, run, stdio_mcp

pytestmark = pytest.mark.integration


def _signed_offer_json(mcp_world: McpWorld, price: int, nonce: int) -> str:
    w = mcp_world.provider
    offer = Offer(
        provider_id=w.provider_id,
        client_id=w.client_id,
        token=w.token,
        price=price,
        delivery_time=3_601,
        terms_hash=b"\x07" * 32,
        nonce=nonce,
        expiry=int(w.market.w3.eth.get_block("latest")["timestamp"]) + 3_600,
    )
    signed = w.market.sign_offer(w.keys["provider_operator"], offer)
    return signed.to_json()


def test_hire_offer_over_stdio__accepted_job_served_budget_held_and_bad_offers_refused(
    mcp_world: McpWorld, provider_runtime: ProviderProcess, tmp_path: Path
) -> None:
    w = mcp_world.provider
    m = w.market
    nonce = time.time_ns()
    first = _signed_offer_json(mcp_world, 3 * UNIT + 1, nonce)
    dear = _signed_offer_json(mcp_world, 5 * UNIT, nonce + 1)
    args = mcp_world.mcp_args(w.client_id, "--max-spend", "7e18", db=tmp_path / "index.db")

    async def scenario() -> int:
        async with stdio_mcp(mcp_world, "client_operator", args) as mcp:
            hired = await mcp.call("hire_offer", offer=first, input="offered work")
            assert hired["status"] == "accepted"  # an offer's job starts accepted
            assert hired["listing_id"] is None and hired["provider_id"] == w.provider_id
            assert hired["price"] == str(3 * UNIT + 1)
            assert hired["spend"]["remaining_budget"] == str(4 * UNIT - 1)
            # the same offer again: its nonce is spent, and the budget is given back
            again = await mcp.refused("hire_offer", offer=first, input="twice")
            assert "nonce" in again
            # 5 tokens are over what the session may still commit (4 - 1 unit)
            over = await mcp.refused("hire_offer", offer=dear, input="too dear")
            assert "mcp: over session budget" in over
            garbled = await mcp.refused("hire_offer", offer='{"offer": 1}', input="x")
            assert "not a signed offer" in garbled
            balance = await mcp.call("balance")
            assert balance["session_committed"] == str(3 * UNIT + 1)
            job_id = hired["job_id"]
            deadline = time.monotonic() + 30
            while (await mcp.call("job_status", job_id=job_id))["status"] != "delivered":
                assert time.monotonic() < deadline
                await asyncio.sleep(0.2)
            result = await mcp.call("get_result", job_id=job_id)
            assert (result["result"], result["verified"]) == ("OFFERED WORK", True)
            return int(job_id)

    job_id = run(scenario())
    job = m.escrow.job(job_id)
    assert (job.status, job.price, job.delivery_time) == (JobStatus.DELIVERED, 3 * UNIT + 1, 3_601)


def test_decline_over_stdio__price_back_to_the_client_and_only_once(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    w = mcp_world.provider
    m = w.market
    before = m.escrow.balance(w.client_id, w.token)
    job_id = w.hire()  # hired on-chain directly: no runtime takes it
    assert m.escrow.balance(w.client_id, w.token) == before - PRICE
    args = mcp_world.mcp_args(w.provider_id, db=tmp_path / "index.db")

    async def scenario() -> None:
        async with stdio_mcp(mcp_world, "provider_operator", args) as mcp:
            declined = await mcp.call("decline", job_id=str(job_id))
            assert declined["status"] == "refunded"
            again = await mcp.refused("decline", job_id=str(job_id))
            assert "escrow: not requested" in again

    run(scenario())
    assert m.escrow.job(job_id).status is JobStatus.REFUNDED
    assert m.escrow.balance(w.client_id, w.token) == before
