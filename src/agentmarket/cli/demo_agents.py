"""The demo's last act: agents that run themselves.

A provider agent, the wordsmith, is served by a real provider runtime: an A2A server on
127.0.0.1 (uvicorn in a thread, the in-process chain behind it). Its agent URI points at
the runtime's registration file. The orchestrator hires it through `ClientAgent`: the
index finds it, its registration file is checked against the chain, the task goes over
A2A with a signed order, the result comes back over HTTP and is checked against the
delivered hash before the orchestrator pays. Then the runtime is stopped while it works
a second job, and a new runtime on the same journal finishes it: delivered once, paid.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount

from agentmarket.agent.client import ClientAgent
from agentmarket.agent.journal import JobState, Journal
from agentmarket.agent.provider import Handler, ProviderRuntime
from agentmarket.agent.results import ResultStore
from agentmarket.agent.server import build_app
from agentmarket.index.indexer import Indexer
from agentmarket.market import Market
from agentmarket.serving import ThreadedServer, free_port

TAG = "count-words"


async def count_words(text: str) -> str:
    """The wordsmith's service: how many words the text has."""
    return str(len(text.split()))


class ServedRuntime(ThreadedServer):
    """The wordsmith provider runtime, served by uvicorn in a background thread."""

    def __init__(self, runtime: ProviderRuntime, port: int) -> None:
        super().__init__(
            build_app(runtime, name="wordsmith", tag_names=[TAG], grace=0.2), port=port
        )
        self.runtime = runtime


def _gated(handler: Handler, gate: threading.Event) -> Handler:
    """`handler`, held until `gate` opens (the demo stops the runtime meanwhile)."""

    async def held(text: str) -> str:
        import asyncio

        while not gate.is_set():
            await asyncio.sleep(0.02)
        return await handler(text)

    return held


def _wait_for(what: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := what()):
        if time.monotonic() > deadline:
            raise TimeoutError("the demo waited too long")
        time.sleep(0.02)
    return found


def agents_scene(
    market_of: Callable[[LocalAccount], Market],
    provider: tuple[int, LocalAccount],
    client: tuple[int, LocalAccount],
    indexer: Indexer,
    publish: Callable[[str], None],
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Serve `provider` (agent id, operator key) with a runtime, let `client` hire it
    twice through A2A, stopping and restarting the runtime during the second job.
    `publish(url)` points the provider's agent URI at the runtime's registration file."""
    provider_id, provider_key = provider
    client_id, client_key = client
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    home = Path(tempfile.mkdtemp(prefix="agentmarket-demo-"))
    gate = threading.Event()
    gate.set()

    def runtime(handler: Handler) -> ProviderRuntime:
        return ProviderRuntime(
            market_of(provider_key),
            provider_id,
            handler,
            Journal(home / "journal.db"),
            ResultStore(home / "results"),
            url,
        )

    publish(url + "/registration.json")
    first = ServedRuntime(runtime(_gated(count_words, gate)), port).start()
    say(f"  the wordsmith's runtime serves A2A at {url} (card, registration file, results)")
    hirer = ClientAgent(market_of(client_key), client_id, index=indexer, poll_interval=0.02)
    text = "agents that run themselves hire each other"
    done = hirer.hire(TAG, text, max_price=5 * 10**18)
    say(
        f"  the orchestrator hired it through A2A: job {done.job_id} "
        f"{done.status.name.lower()}, result {done.result!r} checked against its hash"
    )

    gate.clear()  # the next job is held while the runtime runs it ...
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(hirer.hire, TAG, "one more job survives a restart", 5 * 10**18)
        journal = first.runtime.journal
        running = _wait_for(
            lambda: [e for e in journal.unfinished() if e.state == JobState.RUNNING]
        )
        job_id = running[0].job_id
        first.stop()  # ... and the runtime is stopped in the middle of it
        journal.close()
        say(f"  the runtime was stopped while working job {job_id}; a new one resumes it")
        second = ServedRuntime(runtime(count_words), port).start()
        resumed = pending.result(timeout=60)
    entry = second.runtime.journal.get(job_id)
    second.stop()
    second.runtime.journal.close()
    deliveries = (
        market_of(client_key)
        .escrow.contract.events.JobDelivered()
        .get_logs(from_block=0, argument_filters={"job_id": job_id})
    )
    say(
        f"  job {job_id} {resumed.status.name.lower()} after the restart: delivered "
        f"{len(deliveries)} time(s), result {resumed.result!r}"
    )
    return {
        "url": url,
        "first": {"job_id": done.job_id, "status": done.status.name.lower(), "result": done.result},
        "resumed": {
            "job_id": job_id,
            "status": resumed.status.name.lower(),
            "result": resumed.result,
            "deliveries": len(deliveries),
            "attempts": entry.attempts if entry else 0,
            "journal_state": entry.state.value if entry else None,
        },
    }
