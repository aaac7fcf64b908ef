"""Fuzzing the live API: Schemathesis (``st run --checks all``) against a real ``passerelle
serve`` over the demo, then lone surrogates and control characters in every text field.

Schemathesis generates from the OpenAPI document: schema-valid requests must be accepted,
schema-invalid ones refused with a 4xx, every answer must be documented (status, body schema,
content type, headers), no 5xx, 405 with ``Allow`` for undeclared methods... At least
``MIN_REQUESTS`` requests, counted by the server itself (its access log). Two domain rules a
schema cannot state (a SIREN's Luhn key, a scope that holds units) are applied to positive
cases by ``tests/integration/schemathesis_hooks.py``; no check is excluded.

Hypothesis' text strategies never produce lone surrogates, so the second test sends them
(with control characters) itself, JSON-escaped as a client would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli import REPO, embedded_env, passerelle
from tests.live import serve_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MIN_REQUESTS = 1000
EXAMPLES_PER_OPERATION = 90
"""Schemathesis' ``--max-examples``: about 1,150 requests over the 9 operations (~2 min)."""
ST = Path(sys.executable).with_name("st")


OFFICER = ("agent.fuzz@example.fr", "un mot de passe pour le fuzzing")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real server (``passerelle serve``) over the demo, with an officer's account: its URL
    and its log file."""
    home = tmp_path_factory.mktemp("fuzz-home")
    env = embedded_env(PASSERELLE_HOME=str(home), PASSERELLE_MATCH_PER_MINUTE="1000000")
    loaded = passerelle(env, "load-demo")
    assert loaded.returncode == 0, loaded.stderr
    added = passerelle(
        env, "users", "add", OFFICER[0], "--role", "officer", "--password-stdin", stdin=OFFICER[1]
    )
    assert added.returncode == 0, added.stderr
    with serve_process(env, home / "server.log", ready="/health/ready") as served:
        yield served.url, served.log


def officer_token(url: str) -> str:
    r = httpx.post(
        f"{url}/api/auth/token", data={"username": OFFICER[0], "password": OFFICER[1]}, timeout=30
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def served(log: Path) -> int:
    """How many requests the server answered (uvicorn's access log)."""
    return len(re.findall(r'"[A-Z]+ [^"]* HTTP/1\.1" \d{3}', log.read_text(errors="replace")))


def test_schemathesis_finds_nothing(live: tuple[str, Path], tmp_path: Path) -> None:
    url, log = live
    before = served(log)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p),
        "SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks",
    }
    run = subprocess.run(
        [
            str(ST),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--generation-allow-x00",
            "true",
            "--generation-codec",
            "utf-8",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--seed",
            "20261202",
            # one worker: hypothesis' lambda descriptions call ast.parse, which CPython 3.11
            # does not support from two threads at once (SystemError in st's own process)
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
            # as an officer, who may call most routes (schemathesis' ignored_auth check sends
            # each protected operation without it, and with a wrong one, too)
            "--header",
            f"Authorization: Bearer {officer_token(url)}",
            # signing out would revoke that very token, and every later request would be a 401
            # (tests/integration/test_auth.py tests signing out)
            "--exclude-path",
            "/api/auth/logout",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    # every generated case passed every check; the warnings schemathesis may print are about
    # its reach (the officer it signs in as gets 403 from admins' routes, random ids 404)
    assert re.search(r"(\d+) generated, \1 passed", run.stdout), report
    assert not re.search(r"\d+ (failures?|errors?)\b", run.stdout.splitlines()[-1]), report
    generated = re.search(r"(\d+) generated", run.stdout)
    assert generated and int(generated.group(1)) >= MIN_REQUESTS, report
    assert served(log) - before >= MIN_REQUESTS


# -- lone surrogates and control characters, which no schemathesis strategy produces --------
NASTY = st.text(
    st.characters(categories=["Cs", "Cc", "Cf", "Zs", "Ll"], max_codepoint=0xFFFF),
    min_size=1,
    max_size=12,
)
NEED = {
    "title": "Usure des outils",
    "text": "Nos outils de coupe s'usent vite sur l'inox.",
    "company": "Fuzz SA",
    "city": "Metz",
}


_tokens: dict[str, str] = {}


def auth(url: str) -> dict[str, str]:
    """The officer's bearer header (one token for the whole run)."""
    if url not in _tokens:
        _tokens[url] = officer_token(url)
    return {"Authorization": f"Bearer {_tokens[url]}"}


def forbidden(text: str) -> bool:
    return any(
        0xD800 <= ord(c) <= 0xDFFF or (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) < 0xA0
        for c in text
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    route=st.sampled_from(
        [("/api/needs", f) for f in NEED] + [("/api/match", "text"), ("/api/match", "scope")]
    ),
    value=NASTY,
)
def test_surrogates_and_control_characters_get_a_clear_422(
    live: tuple[str, Path], route: tuple[str, str], value: str
) -> None:
    url, _ = live
    path, field = route
    if path == "/api/needs":
        payload: dict[str, object] = {**NEED, field: NEED[field] + value}
    elif field == "scope":
        payload = {"text": "corrosion", "scope": {"institution": "Lorraine" + value}}
    else:
        payload = {"text": "corrosion " + value}
    # json.dumps escapes a lone surrogate as \udxxx, as any JSON library would send it
    r = httpx.post(
        url + path,
        content=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **auth(url)},
        timeout=30,
    )
    assert r.headers["x-request-id"]
    # a high then a low surrogate travel as one valid character: judge what the server reads
    if forbidden(json.loads(json.dumps(value))):
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"] == "invalid_input" and field in body["where"], body
        assert body["request_id"] == r.headers["x-request-id"]
    else:
        assert r.status_code in (200, 201, 422), r.text
        if r.status_code == 422:  # e.g. a scope that holds no unit
            assert set(r.json()) >= {"error", "message", "message_en", "where", "request_id"}
