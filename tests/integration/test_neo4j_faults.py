"""Faults against a real Neo4j: the server stops, the API says so and recovers; a load is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.cli import CLI, REPO, passerelle
from tests.integration.test_store_contract import snapshot
from tests.live import free_port, serve_process
from tests.neo4j_server import Neo4jServer, open_neo4j_store

pytestmark = [pytest.mark.integration, pytest.mark.neo4j, pytest.mark.slow]

TEXT = "Nos pièces en acier galvanisé rouillent : nous cherchons un expert de la corrosion."


def _env(uri: str, home: Path) -> dict[str, str]:
    return {**os.environ, "NEO4J_URI": uri, "PASSERELLE_HOME": str(home)}


def _store(uri: str) -> Any:
    return open_neo4j_store(uri)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """A server of this module's own, since these tests stop it."""
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-faults"))
    try:
        server.start()
    except RuntimeError as e:
        pytest.fail(f"Neo4j fault tests need a real server: {e}")
    yield server
    server.discard()


ENDPOINTS: list[tuple[str, str, dict[str, str] | None]] = [
    ("GET", "/health", None),
    ("GET", "/api/labs", None),
    ("POST", "/api/match", {"text": TEXT}),
    # a token cannot be checked either: 503, not 401
    ("POST", "/api/needs", {"title": "Rouille", "text": TEXT, "company": "Acme"}),
    ("GET", "/api/needs", None),
]


@dataclass
class Outage:
    """One outage of Neo4j as two API servers lived it: ``running``, started while the server
    ran (a match, the graph's size and an officer's token before), and ``late``, started while
    it was down. What each answered before, during and after, and the graph of the demo."""

    demo: dict[str, Any]
    """The store after one uninterrupted ``load-demo``."""
    before: httpx.Response
    labs_before: int
    token: str
    down: list[tuple[str, httpx.Response]] = field(default_factory=list)
    late_down: httpx.Response | None = None
    recovered: int = 0
    after: httpx.Response | None = None
    late_ready: httpx.Response | None = None
    late_match: httpx.Response | None = None


def _until(url: str, status: int, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    answer = httpx.get(url, timeout=60)
    while answer.status_code != status and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = httpx.get(url, timeout=60)
    return answer


@pytest.fixture(scope="module")
def outage(own_server: Neo4jServer, tmp_path_factory: pytest.TempPathFactory) -> Outage:
    """Stop and restart Neo4j once, under two servers (one stop and one start for both tests
    of an outage: a JVM start is the dearest step here)."""
    assert own_server.uri
    home = tmp_path_factory.mktemp("outage")
    env = _env(own_server.uri, home)
    loaded = passerelle(env, "load-demo", "--store", "neo4j")
    assert loaded.returncode == 0, loaded.stderr
    store = _store(own_server.uri)
    try:
        demo = snapshot(store)
    finally:
        store.close()
    password = "mot de passe de l'agent"
    added = passerelle(
        env,
        "users",
        "add",
        "agent@example.fr",
        "--role",
        "officer",
        "--store",
        "neo4j",
        "--password-stdin",
        stdin=password,
    )
    assert added.returncode == 0, added.stderr
    quick = {**env, "NEO4J_RETRY_SECONDS": "2"}
    with serve_process(quick, home / "running.log", "--store", "neo4j", ready=None) as running:
        url = running.url
        before = httpx.post(url + "/api/match", json={"text": TEXT}, timeout=60)
        labs = httpx.get(url + "/health", timeout=30).json()["labs"]
        signed = httpx.post(
            url + "/api/auth/token",
            data={"username": "agent@example.fr", "password": password},
            timeout=60,
        )
        assert signed.status_code == 200, signed.text
        seen = Outage(demo, before, labs, signed.json()["access_token"])
        auth = {"Authorization": f"Bearer {seen.token}"}

        own_server.stop()
        for method, path, body in ENDPOINTS:
            answer = httpx.request(method, url + path, json=body, headers=auth, timeout=60)
            seen.down.append((path, answer))
        with serve_process(quick, home / "late.log", "--store", "neo4j", ready=None) as late:
            seen.late_down = httpx.get(late.url + "/health/ready", timeout=60)
            own_server.start()
            seen.recovered = _until(url + "/health", 200, 60).status_code
            seen.after = httpx.post(url + "/api/match", json={"text": TEXT}, timeout=60)
            seen.late_ready = _until(late.url + "/health/ready", 200, 120)
            seen.late_match = httpx.post(late.url + "/api/match", json={"text": TEXT}, timeout=60)
    return seen


def test_neo4j_down_gives_503_then_the_api_recovers_by_itself(outage: Outage) -> None:
    assert outage.before.status_code == 200
    assert outage.labs_before == 20
    assert [path for path, _ in outage.down] == [path for _, path, _ in ENDPOINTS]
    for path, answer in outage.down:
        assert answer.status_code == 503, (path, answer.text)
        err = answer.json()
        assert err["error"] == "store_unavailable"
        assert "Neo4j" in err["message"] and "Neo4j" in err["message_en"]
        assert "Traceback" not in answer.text
    assert outage.recovered == 200
    assert outage.after is not None and outage.after.status_code == 200
    assert outage.after.json()["pairings"] == outage.before.json()["pairings"]


def test_a_server_started_while_neo4j_is_down_becomes_ready_when_it_is_back(
    outage: Outage,
) -> None:
    down = outage.late_down
    assert down is not None and down.status_code == 503, down
    assert down.json()["error"] in ("not_ready", "store_unavailable")
    ready = outage.late_ready
    assert ready is not None and ready.status_code == 200, ready.text
    assert ready.json()["units"] == 20
    match = outage.late_match
    assert match is not None and match.status_code == 200 and match.json()["pairings"]


def test_a_load_killed_midway_then_rerun_ends_with_the_graph_of_an_uninterrupted_run(
    own_server: Neo4jServer, outage: Outage, tmp_path: Path
) -> None:
    assert own_server.uri
    env = _env(own_server.uri, tmp_path)
    store = _store(own_server.uri)
    try:
        reference = outage.demo
        assert reference["counts"]["nodes"]["Need"] == 40

        store.wipe()
        proc = subprocess.Popen(
            [*CLI, "load-demo", "--store", "neo4j"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # killed once the labs are in, while the needs are being analysed (they are written
        # afterwards, in one transaction)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if store.counts()["nodes"].get("Lab", 0) > 0:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the load ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        partial = store.counts()["nodes"]
        assert partial["Lab"] == 20 and partial["Need"] == 0, partial

        rerun = passerelle(env, "load-demo", "--store", "neo4j")
        assert rerun.returncode == 0, rerun.stderr
        assert snapshot(store) == reference
    finally:
        store.close()


def test_an_unreachable_server_is_a_clear_cli_error(tmp_path: Path) -> None:
    env = {**_env(f"bolt://127.0.0.1:{free_port()}", tmp_path), "NEO4J_RETRY_SECONDS": "1"}
    done = passerelle(env, "match", "--store", "neo4j", TEXT, timeout=120)
    assert done.returncode == 2
    assert "Neo4j" in done.stderr
    assert "Traceback" not in done.stderr
