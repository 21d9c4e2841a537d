"""`handler_app` (what `agent serve --x402-cap` mounts at `POST /x402/call`), paid
by the x402 SDK's client over real HTTP on anvil: an input too large (413), an
input that is not UTF-8 (400) and a handler that raises (500) are answered and
not billed; the calls around them are billed one cap each, and the store
holds exactly what was billed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from x402.http.clients.httpx import x402HttpxClient
from x402_world import CAP, X402World, receipt_of, sdk_client, world  # noqa: F401  (world)

from agentmarket.serving import ThreadedServer
from agentmarket.x402.app import handler_app

pytestmark = pytest.mark.integration

MAX_BYTES = 64


async def shout(text: str) -> str:
    if text == "boom":
        raise RuntimeError("a bug in the handler")
    return text.upper()


async def _post_all(world: X402World, url: str, bodies: list[bytes]) -> list[httpx.Response]:
    client = sdk_client(world.payer(), {world.token: CAP})
    out = []
    async with x402HttpxClient(client, timeout=30) as http:
        for body in bodies:
            response = await http.post(url, content=body)
            await response.aread()
            out.append(response)
    return out


def test_handler_app__refused_and_failed_calls__answered_and_not_billed(
    world: X402World, tmp_path: Path
) -> None:
    provider = world.provider(tmp_path / "vouchers.db")
    app = handler_app(provider, shout, max_bytes=MAX_BYTES)
    bodies = [b"first", b"x" * (MAX_BYTES + 1), b"\xff\xfe not utf-8", b"boom", b"x" * MAX_BYTES]

    with ThreadedServer(app) as served:
        responses = asyncio.run(_post_all(world, f"{served.url}/call", bodies))

    assert [r.status_code for r in responses] == [200, 413, 400, 500, 200]
    assert responses[0].text == "FIRST" and responses[4].text == "X" * MAX_BYTES
    assert responses[1].text == f"input over {MAX_BYTES} bytes\n"
    assert responses[2].text == "input is not UTF-8 text\n"
    assert responses[3].text == "the handler failed\n"  # the exception stays in the log
    for refused in responses[1:4]:
        assert "PAYMENT-RESPONSE" not in refused.headers  # nothing settled
    first, last = receipt_of(responses[0]), receipt_of(responses[4])
    assert first.tab_id == last.tab_id
    assert (first.billed, last.billed) == (CAP, 2 * CAP)  # the refusals cost nothing
    record = provider.store.get(first.tab_id)
    assert record is not None
    assert (record.billed, record.accepted) == (2 * CAP, last.accepted)
