"""The real thing: the CLI loads the demo, `passerelle serve` answers over real HTTP."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.cli import REPO, embedded_env, passerelle, passerelle_process
from tests.live import serve_process

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = embedded_env(PASSERELLE_HOME=str(home))
    return passerelle(env, *args)


@pytest.fixture(scope="module")
def loaded(home: Path) -> Path:
    # a real process, as `make run` starts it: its installs, its imports, its exit code
    first = passerelle_process(embedded_env(PASSERELLE_HOME=str(home)), "load-demo")
    assert first.returncode == 0, first.stderr
    assert "20 labs" in first.stdout
    return home


@pytest.fixture(scope="module")
def server(loaded: Path) -> Iterator[str]:
    with serve_process(embedded_env(PASSERELLE_HOME=str(loaded)), loaded / "server.log") as live:
        yield live.url


def test_load_demo_twice_changes_nothing(loaded: Path) -> None:
    from graph.store.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(loaded)
    before = store.counts()
    store.close()
    again = run_cli(loaded, "load-demo")
    assert again.returncode == 0, again.stderr
    store = EmbeddedGraphStore(loaded)
    assert store.counts() == before
    store.close()


def test_readme_quick_start_request(server: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.splitlines()[3].startswith("make run")
    assert readme.splitlines()[4].startswith("make test")
    payload = json.loads(re.search(r"-d '(\{.*?\})'", readme, re.S).group(1))  # type: ignore[union-attr]
    r = httpx.post(f"{server}/api/match", json=payload, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert body["language"] == "fr"
    assert body["pairings"][0]["explanation"]["concepts"]


def test_real_http_errors_are_json(server: str) -> None:
    r = httpx.post(
        f"{server}/api/match", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_json"
    r = httpx.get(f"{server}/api/labs/unknown")
    assert r.status_code == 404 and "Laboratoire inconnu" in r.json()["message"]


def test_cli_match_json_equals_the_api(server: str, loaded: Path) -> None:
    text = "Nos soudures TIG sur inox se fissurent, il faut comprendre pourquoi."
    cli = run_cli(loaded, "match", "--json", text)
    assert cli.returncode == 0, cli.stderr
    api = httpx.post(f"{server}/api/match", json={"text": text}, timeout=30).json()
    assert json.loads(cli.stdout) == api


def test_cli_match_and_labs_human_output(loaded: Path) -> None:
    out = run_cli(loaded, "match", "--limit", "3", "rouille sur des pièces en acier")
    assert out.returncode == 0, out.stderr
    assert re.search(r"^ 1\. ", out.stdout, re.M) and "Concepts partagés" in out.stdout
    labs = run_cli(loaded, "labs")
    assert labs.returncode == 0 and "200918462H" in labs.stdout and "20 laboratoires" in labs.stdout
    found = run_cli(loaded, "labs", "--search", "jean lamour", "--json")
    assert found.returncode == 0, found.stderr
    assert [lab["acronym"] for lab in json.loads(found.stdout)] == ["IJL"]
    few = run_cli(loaded, "labs", "-s", "nancy", "--limit", "2")
    assert few.returncode == 0, few.stderr
    assert re.search(r"^2 / \d+ laboratoires", few.stdout, re.M), few.stdout


def test_cli_errors_are_clear(loaded: Path) -> None:
    out = run_cli(loaded, "match", "   ")
    assert out.returncode == 2
    assert "Erreur [text]" in out.stderr and "Traceback" not in out.stderr
    out = run_cli(loaded, "labs", "--store", "nosuchstore")
    assert out.returncode == 2 and "Stockage inconnu" in out.stderr


def test_cli_labs_show(loaded: Path) -> None:
    out = run_cli(loaded, "labs", "show", "200918462H")
    assert out.returncode == 0, out.stderr
    assert "IJL" in out.stdout and "Compétences / capabilities" in out.stdout
    assert "0 entreprises / companies" in out.stdout  # the demo alone has no ANR projects
    shown = json.loads(run_cli(loaded, "labs", "show", "200918462H", "--json").stdout)
    assert shown["id"] == "200918462H" and shown["capabilities"]
    missing = run_cli(loaded, "labs", "show", "000000000X")
    assert missing.returncode == 2 and "Laboratoire inconnu" in missing.stderr


def test_the_printed_demo_accounts_sign_in_and_an_anonymous_client_reads_no_need(
    server: str, loaded: Path
) -> None:
    """What ``make run`` promises: the demo accounts it prints (``passerelle users demo``)
    sign in through the API; without an account no stored need can be read."""
    shown = run_cli(loaded, "users", "demo")
    assert shown.returncode == 0, shown.stderr
    printed = dict(re.findall(r"(\w+@demo\.passerelle\.fr)\s*│\s*\w+\s*│\s*(\S+)", shown.stdout))
    assert set(printed) >= {"pme@demo.passerelle.fr", "agent@demo.passerelle.fr"}, shown.stdout
    seen = {}
    for email in ("pme@demo.passerelle.fr", "agent@demo.passerelle.fr"):
        r = httpx.post(
            f"{server}/api/auth/token",
            data={"username": email, "password": printed[email]},
            timeout=30,
        )
        assert r.status_code == 200, r.text
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        needs = httpx.get(f"{server}/api/needs", headers=auth, timeout=30)
        assert needs.status_code == 200
        seen[email] = {n["id"] for n in needs.json()}
    # the officer reads every demo need, the SME its company's (a subset)
    assert seen["agent@demo.passerelle.fr"] > seen["pme@demo.passerelle.fr"] != set()
    lab = httpx.get(f"{server}/api/labs?limit=1", timeout=30).json()[0]["id"]
    need = next(iter(seen["agent@demo.passerelle.fr"]))
    for path in ("/api/needs", f"/api/needs/{need}", f"/api/labs/{lab}/opportunities"):
        assert httpx.get(f"{server}{path}", timeout=30).status_code == 401, path
