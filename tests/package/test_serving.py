"""`agentmarket.serving`: a free loopback port, and uvicorn in a thread that
listens before `start` returns and lets go of the port on `stop`."""

from __future__ import annotations

import socket

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from agentmarket.serving import ThreadedServer, free_port


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"hello {request.query_params.get('name', '')}")


APP = Starlette(routes=[Route("/", hello)])


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_threaded_server__serves_before_start_returns_and_frees_the_port_on_stop() -> None:
    with ThreadedServer(APP) as served:
        assert served.url == f"http://127.0.0.1:{served.port}"
        reply = httpx.get(served.url, params={"name": "agent"}, timeout=5)
        assert (reply.status_code, reply.text) == (200, "hello agent")
        assert not _bindable(served.port)
    assert not served.thread.is_alive()
    assert _bindable(served.port)


def test_threaded_server__port_taken__start_raises_and_leaves_no_thread() -> None:
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        server = ThreadedServer(APP, port=port)
        with pytest.raises(RuntimeError, match=f"did not start on http://127.0.0.1:{port} "):
            server.start(timeout=5)
    # uvicorn's own exit (it cannot bind) is caught in the thread and reported
    assert not server.thread.is_alive() and server.exit_code not in (None, 0)
