"""A real Neo4j server for the tests, started by scripts/neo4j/neo4j.sh (never a mock)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
NEO4J = pytest.mark.neo4j
"""For the Neo4j value of a store parameter (``pytest.param("neo4j", marks=NEO4J)``), which
reaches the server through ``request.getfixturevalue``: the marker the fixture cannot give."""
SCRIPT = REPO / "scripts" / "neo4j" / "neo4j.sh"


class Neo4jServer:
    """One server with its own home folder (data, logs) and a free loopback port."""

    def __init__(
        self, run_dir: Path, port: int | str = "auto", password: str | None = None
    ) -> None:
        self.run_dir = run_dir
        self.port = str(port)
        self.password = password
        """With a password, auth is on (user neo4j); without, it is off."""
        self.uri: str | None = None

    def _run(self, command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NEO4J_RUN_DIR": str(self.run_dir), "NEO4J_PORT": self.port}
        env.pop("NEO4J_PASSWORD", None)
        if self.password:
            env["NEO4J_PASSWORD"] = self.password
        return subprocess.run(
            ["bash", str(SCRIPT), command],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self) -> str:
        """Start (or find running) and return the bolt:// URI; RuntimeError if it cannot."""
        done = self._run("start")
        if done.returncode != 0:
            raise RuntimeError(f"Neo4j did not start:\n{done.stderr[-3000:]}")
        self.uri = done.stdout.strip().splitlines()[-1]
        # restart on the same port: the data and the URI stay the same
        self.port = self.uri.rsplit(":", 1)[1]
        return self.uri

    def stop(self) -> None:
        """Stop it cleanly (its data is kept for the next start)."""
        self._run("stop", timeout=120)

    def discard(self) -> None:
        """Stop it at once: a throwaway server, whose data nobody reads again."""
        self._run("kill", timeout=60)


def open_neo4j_store(uri: str) -> Any:
    """A Neo4j store on the server at ``uri``, with the user, password and database the
    settings name (the environment, then ``.env``); the caller closes it."""
    from api.factory import neo4j_settings
    from api.settings import load_settings
    from graph.store.neo4j import Neo4jGraphStore, open_driver

    settings = dataclasses.replace(neo4j_settings(load_settings()), uri=uri)
    return Neo4jGraphStore(open_driver(settings), settings.database)
