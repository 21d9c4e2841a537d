"""`agentmarket mcp` driven by the official MCP client (`ClientSession`) over stdio and
Streamable HTTP, against anvil, with a real provider runtime serving the jobs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from agent.conftest import ROOT, ProviderProcess, agentmarket_script

from agentmarket import JobStatus
from agentmarket.agent.results import result_hash
from agentmarket.mcp import SPENDING_TOOLS, TOOLS

from .conftest import (
    DELUXE_PRICE,
    PRICE,
    UNIT,
    HttpServer,
    Mcp,
    McpWorld,
    http_mcp,
    run,
    stdio_mcp,
)

pytestmark = pytest.mark.integration

TRANSCRIPT_ENV = "AGENTMARKET_MCP_TRANSCRIPT"
READ_ONLY = {"find_services", "get_agent", "job_status", "get_result", "balance", "my_jobs"}


def test_tools_over_stdio__every_field_described_and_annotations_say_read_or_spend(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    args = mcp_world.mcp_args(mcp_world.provider.client_id, db=tmp_path / "index.db")

    async def scenario() -> None:
        async with stdio_mcp(mcp_world, "client_operator", args) as mcp:
            listed = await mcp.session.list_tools()
            tools = {t.name: t for t in listed.tools}
            assert set(tools) == set(TOOLS)
            for name, tool in tools.items():
                assert tool.description, name
                properties = tool.input_schema["properties"]
                for field, schema in properties.items():
                    assert schema.get("description"), f"{name}.{field} is not described"
                assert tool.output_schema is not None, f"{name} has no structured result"
                hints = tool.annotations
                assert hints is not None, name
                assert hints.read_only_hint is (name in READ_ONLY), name
                assert hints.open_world_hint is True
            for name in SPENDING_TOOLS:
                assert tools[name].annotations.destructive_hint is True  # type: ignore[union-attr]
                assert "remaining_budget" in str(tools[name].output_schema), name
            assert {"hire", "hire_offer", "dispute"} == SPENDING_TOOLS
            assert tools["hire"].input_schema["required"] == ["listing_id", "input"]
            resources = await mcp.session.list_resources()
            assert {str(r.uri) for r in resources.resources} == {
                "agentmarket://agent/registration",
                "agentmarket://agent/listings",
            }

    run(scenario())


def test_scripted_buyer_over_stdio__finds_hires_waits_fetches_completes_and_rates(
    mcp_world: McpWorld, provider_runtime: ProviderProcess, tmp_path: Path
) -> None:
    w = mcp_world.provider
    m = w.market
    provider_before = m.escrow.balance(w.provider_id, w.token)
    args = mcp_world.mcp_args(w.client_id, "--max-spend", "50e18", db=tmp_path / "index.db")

    async def scenario() -> tuple[Mcp, int]:
        async with stdio_mcp(mcp_world, "client_operator", args) as mcp:
            found = await mcp.call("find_services", tag="uppercase", max_price=str(10 * UNIT))
            (service,) = found["services"]
            assert service["provider_id"] == w.provider_id
            assert service["price"] == str(PRICE)
            agent = await mcp.call("get_agent", agent_id=w.provider_id)
            assert agent["registration_verified"] is True
            assert agent["operator"] == w.keys["provider_operator"].address
            hired = await mcp.call(
                "hire",
                listing_id=service["listing_id"],
                input="hello from an mcp host",
                max_price=str(10 * UNIT),
            )
            assert hired["spend"] == {
                "committed": str(PRICE),
                "session_committed": str(PRICE),
                "remaining_budget": str(50 * UNIT - PRICE),
            }
            job_id = hired["job_id"]
            deadline = time.monotonic() + 30
            while (status := await mcp.call("job_status", job_id=job_id))["status"] != (
                "delivered"
            ):
                assert time.monotonic() < deadline, status
                await asyncio.sleep(0.2)
            result = await mcp.call("get_result", job_id=job_id)
            assert result["result"] == "HELLO FROM AN MCP HOST"
            assert result["verified"] is True
            done = await mcp.call("complete", job_id=job_id)
            assert done["status"] == "completed"
            rated = await mcp.call("rate", job_id=job_id, score=90)
            assert rated["score"] == 90
            balance = await mcp.call("balance")
            assert balance["session_committed"] == str(PRICE)
            assert balance["remaining_budget"] == str(45 * UNIT)
            return mcp, int(job_id)

    mcp, job_id = run(scenario())
    assert m.escrow.job(job_id).status is JobStatus.COMPLETED
    assert m.escrow.balance(w.provider_id, w.token) == provider_before + PRICE * 99 // 100
    assert m.reputation.of(w.provider_id).rating_count >= 1
    (tmp_path / "transcript.txt").write_text(mcp.transcript.text())
    if os.environ.get(TRANSCRIPT_ENV):
        Path(os.environ[TRANSCRIPT_ENV]).write_text(mcp.transcript.text())


def test_guard_rails_over_http__over_cap_over_budget_and_bad_result_refused_as_tool_errors(
    mcp_world: McpWorld,
    provider_runtime: ProviderProcess,
    http_server: Callable[..., HttpServer],
    tmp_path: Path,
) -> None:
    w = mcp_world.provider
    m = w.market
    server: HttpServer = http_server("client_operator", w.client_id, "--max-spend", "22e18")
    # A job whose provider delivers a result that does not hash to what it claims.
    lied_job = w.hire()
    provider = mcp_world.signer("provider_operator")
    m.escrow.accept(provider, lied_job)
    m.escrow.deliver(provider, lied_job, result_hash(b"the real answer"), "data:,a%20forgery")

    async def scenario() -> Mcp:
        async with http_mcp(server) as mcp:
            listed = await mcp.session.list_tools()
            assert {t.name for t in listed.tools} == set(TOOLS)
            # 20 tokens fit the session budget (22) but not the principal's per-job cap (10)
            refused = await mcp.refused(
                "hire", listing_id=mcp_world.deluxe_listing_id, input="too dear"
            )
            assert "escrow: over job cap" in refused
            balance = await mcp.call("balance")
            assert balance["session_committed"] == "0"
            assert balance["remaining_budget"] == str(22 * UNIT)
            hired = await mcp.call("hire", listing_id=w.listing.listing_id, input="within budget")
            assert hired["spend"]["remaining_budget"] == str(17 * UNIT)
            # now 20 tokens exceed what the session may still commit (17): refused first
            refused = await mcp.refused(
                "hire", listing_id=mcp_world.deluxe_listing_id, input="over budget"
            )
            assert "mcp: over session budget" in refused and str(DELUXE_PRICE) in refused
            # bad input is an error too, and the server keeps serving
            assert "not an integer" in await mcp.refused("job_status", job_id="not-a-job")
            status = await mcp.call("job_status", job_id=hired["job_id"])
            assert status["job_id"] == hired["job_id"]
            # a result that does not match its on-chain hash is refused, then disputed
            mismatch = await mcp.refused("get_result", job_id=str(lied_job))
            assert "result mismatch" in mismatch
            disputed = await mcp.call(
                "dispute", job_id=str(lied_job), reason="the result does not match its hash"
            )
            bond = PRICE // 10  # 10% of the amount (the default config)
            assert disputed["status"] == "disputed"
            assert disputed["spend"]["committed"] == str(bond)
            assert disputed["spend"]["remaining_budget"] == str(17 * UNIT - bond)
            # the escrow's own refusals carry its revert string
            again = await mcp.refused("complete", job_id=str(lied_job))
            assert "escrow:" in again
            return mcp

    mcp = run(scenario())
    assert server.proc.poll() is None, server.log.read_text()
    assert m.escrow.job(lied_job).status is JobStatus.DISPUTED
    (tmp_path / "transcript.txt").write_text(mcp.transcript.text())


def test_seller_over_stdio__lists_sees_accepts_and_delivers_its_jobs(
    mcp_world: McpWorld, tmp_path: Path
) -> None:
    w = mcp_world.provider
    m = w.market
    job_id = w.hire()  # hired on-chain directly: no runtime takes it
    args = mcp_world.mcp_args(w.provider_id, db=tmp_path / "index.db")

    async def scenario() -> None:
        async with stdio_mcp(mcp_world, "provider_operator", args) as mcp:
            mine = await mcp.call("my_jobs", status="requested")
            assert str(job_id) in {j["job_id"] for j in mine["jobs"]}
            accepted = await mcp.call("accept", job_id=str(job_id))
            assert accepted["status"] == "accepted"
            delivered = await mcp.call("deliver", job_id=str(job_id), result="SHORT ANSWER")
            assert delivered["status"] == "delivered"
            assert delivered["result_uri"].startswith("data:")
            assert delivered["result_hash"] == "0x" + result_hash(b"SHORT ANSWER").hex()
            listed = await mcp.call(
                "list_service", tag="lowercase", price="3e18", delivery_time=600
            )
            assert listed["price"] == str(3 * UNIT)
            resource = await mcp.session.read_resource("agentmarket://agent/listings")
            text = resource.contents[0].text  # type: ignore[union-attr]
            assert str(listed["listing_id"]) in text
            registration = await mcp.session.read_resource("agentmarket://agent/registration")
            assert w.keys["provider_operator"].address in registration.contents[0].text  # type: ignore[union-attr]

    run(scenario())
    assert m.escrow.job(job_id).status is JobStatus.DELIVERED
    m.escrow.complete(mcp_world.signer("client_operator"), job_id)
    assert m.escrow.job(job_id).status is JobStatus.COMPLETED


@pytest.mark.parametrize("role", ["provider_principal", "stranger"])
def test_start__with_a_principal_or_strangers_key__refused(
    mcp_world: McpWorld, role: str, tmp_path: Path
) -> None:
    args = mcp_world.mcp_args(mcp_world.provider.provider_id, db=tmp_path / "index.db")
    started = subprocess.run(
        [agentmarket_script(), *args],
        cwd=ROOT,
        env={**os.environ, **mcp_world.key_env(role)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert started.returncode == 1, started.stdout + started.stderr
    expected = "principal" if role == "provider_principal" else "is not agent"
    assert expected in started.stderr and "operator" in started.stderr
    assert started.stdout == ""
