"""Serving an ASGI app from inside a process: a free loopback port, and uvicorn
in a background thread that starts before `start` returns and stops on
`stop` (or on leaving a `with` block).

The command-line servers (`agent serve`, `x402 serve-example`, `mcp --http`)
own their process and call `uvicorn.run`; this is for a process that serves
beside other work: the demo's provider runtime, a benchmark, a test.
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any, Literal, Self

import uvicorn

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port free on `host` now (the kernel's pick; another process may
    take it before it is bound again, which on loopback in practice it does not)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ThreadedServer:
    """uvicorn serving `app` on `host:port` in a daemon thread of this process."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = LOOPBACK,
        port: int | None = None,
        lifespan: Literal["auto", "on", "off"] = "auto",
        log_level: str = "warning",
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        config = uvicorn.Config(
            app, host=host, port=self.port, log_level=log_level, lifespan=lifespan
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.exit_code: int | str | None = None  # uvicorn's, if it exits the thread

    def _run(self) -> None:
        try:
            self.server.run()
        except SystemExit as stopped:  # uvicorn exits when it cannot bind or start
            self.exit_code = stopped.code

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> Self:
        """Start serving; return once uvicorn listens. RuntimeError if it
        stops or does not listen within `timeout` seconds (a port taken, an
        app whose startup fails)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                why = "" if self.exit_code is None else f" (uvicorn exited: {self.exit_code})"
                raise RuntimeError(f"the server did not start on {self.url}{why}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to finish (open requests get its graceful shutdown) and
        wait up to `timeout` seconds for the thread."""
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
