"""Faults against a real Neo4j: the server stops, the API says so and recovers; a load is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from tests.cli import CLI, REPO, passerelle
from tests.integration.test_server import free_port
from tests.integration.test_store_contract import snapshot
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
    server.stop()


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the API died"
        try:
            httpx.get(url + "/docs", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError("the API did not start")


def test_neo4j_down_gives_503_then_the_api_recovers_by_itself(
    own_server: Neo4jServer, tmp_path: Path
) -> None:
    assert own_server.uri
    env = _env(own_server.uri, tmp_path)
    loaded = passerelle(env, "load-demo", "--store", "neo4j")
    assert loaded.returncode == 0, loaded.stderr
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
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--store", "neo4j", "--port", str(port)],
        cwd=REPO,
        env={**env, "NEO4J_RETRY_SECONDS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        before = httpx.post(url + "/api/match", json={"text": TEXT}, timeout=60)
        assert before.status_code == 200
        assert httpx.get(url + "/health", timeout=30).json()["labs"] == 20
        signed = httpx.post(
            url + "/api/auth/token",
            data={"username": "agent@example.fr", "password": password},
            timeout=60,
        )
        assert signed.status_code == 200, signed.text
        auth = {"Authorization": f"Bearer {signed.json()['access_token']}"}

        own_server.stop()
        for method, path, body in [
            ("GET", "/health", None),
            ("GET", "/api/labs", None),
            ("POST", "/api/match", {"text": TEXT}),
            # a token cannot be checked either: 503, not 401
            ("POST", "/api/needs", {"title": "Rouille", "text": TEXT, "company": "Acme"}),
            ("GET", "/api/needs", None),
        ]:
            r = httpx.request(method, url + path, json=body, headers=auth, timeout=60)
            assert r.status_code == 503, (path, r.text)
            err = r.json()
            assert err["error"] == "store_unavailable"
            assert "Neo4j" in err["message"] and "Neo4j" in err["message_en"]
            assert "Traceback" not in r.text

        own_server.start()
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and status != 200:
            status = httpx.get(url + "/health", timeout=30).status_code
            time.sleep(0.5)
        assert status == 200
        after = httpx.post(url + "/api/match", json={"text": TEXT}, timeout=60)
        assert after.status_code == 200
        assert after.json()["pairings"] == before.json()["pairings"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_server_started_while_neo4j_is_down_becomes_ready_when_it_is_back(
    own_server: Neo4jServer, tmp_path: Path
) -> None:
    assert own_server.uri
    env = _env(own_server.uri, tmp_path)
    loaded = passerelle(env, "load-demo", "--store", "neo4j")
    assert loaded.returncode == 0, loaded.stderr
    own_server.stop()
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--store", "neo4j", "--port", str(port)],
        cwd=REPO,
        env={**env, "NEO4J_RETRY_SECONDS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        down = httpx.get(url + "/health/ready", timeout=60)
        assert down.status_code == 503, down.text
        assert down.json()["error"] in ("not_ready", "store_unavailable")

        own_server.start()
        deadline = time.monotonic() + 120
        ready = down
        while time.monotonic() < deadline and ready.status_code != 200:
            time.sleep(0.5)
            ready = httpx.get(url + "/health/ready", timeout=60)
        assert ready.status_code == 200, ready.text
        assert ready.json()["units"] == 20
        match = httpx.post(url + "/api/match", json={"text": TEXT}, timeout=60)
        assert match.status_code == 200 and match.json()["pairings"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_load_killed_midway_then_rerun_ends_with_the_graph_of_an_uninterrupted_run(
    own_server: Neo4jServer, tmp_path: Path
) -> None:
    assert own_server.uri
    env = _env(own_server.uri, tmp_path)
    store = _store(own_server.uri)
    try:
        store.wipe()
        full = passerelle(env, "load-demo", "--store", "neo4j")
        assert full.returncode == 0, full.stderr
        reference = snapshot(store)
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
