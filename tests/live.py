"""The API over real HTTP for tests: one helper for every live server.

``serving(app)`` serves an app of this process with uvicorn in a thread (the browser's site,
the contract over real sockets); ``serve_process(env)`` starts ``passerelle serve`` as a real
process (as ``make run`` does) and waits until it answers. Both stop their server on the way
out.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvicorn

from tests.cli import CLI, REPO


def free_port() -> int:
    """A port of the loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free port: its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Served:
    """A ``passerelle serve`` process: its base URL, the process, where its output goes."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """What the server wrote so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def serve_process(
    env: Mapping[str, str],
    log: Path,
    *args: str,
    ready: str | None = "/health",
    seconds: float = 180,
) -> Iterator[Served]:
    """``passerelle serve *args`` as a real process, on a free port, with the environment
    ``env``; its output goes to ``log``. Waits until ``ready`` answers 200 (``None``: until
    the server answers anything, as when its store is down)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), *args],
            cwd=REPO,
            env=dict(env),
            stdout=out,
            stderr=out,
        )
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + seconds
        while True:
            assert process.poll() is None, f"the server died:\n{served.output()[-3000:]}"
            assert time.monotonic() < deadline, f"the server did not answer in {seconds} s"
            try:
                answer = httpx.get(served.url + (ready or "/docs"), timeout=2)
                if ready is None or answer.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
