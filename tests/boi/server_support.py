"""Run the BOI HTTP API with uvicorn on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from addrmatch.boi import Campus
from addrmatch.server import create_app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeTime:
    """A settable clock for token expiry."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def serve(campus: Campus, **options: Any) -> Iterator[str]:
    """Serve ``create_app(campus, **options)`` on 127.0.0.1; yields the base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(campus, **options), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def token(client: httpx.Client, client_id: str, secret: str) -> httpx.Response:
    """A token request with HTTP Basic client authentication."""
    return client.post(
        "/campus/oauth2/token?appName=test",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
