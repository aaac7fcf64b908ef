"""Each how-to of CONTRIBUTING.md, done: a register, a ranking signal, a route with its policy,
a page, a field a company writes. Each is added where the how-to says, and only there, and
must then reach everything the how-to promises (the command line, the API, the pages, the
explanations)."""

from __future__ import annotations

import csv
import http.server
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, FileSystemLoader

from api import security
from api.main import create_app
from api.settings import Settings
from api.web import render
from graph.model import Lab, Participation, Project
from graph.ranking import signals
from graph.ranking.signals import Signal, SignalInput
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.auth import Accounts
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers import table
from ingest.registers.profiles import ProfileBuilder, ProfileReads, Text
from ingest.registers.readers import Report, RowError
from ingest.registers.table import Download, Job, Register
from ingest.registers.territory import missing_registers
from tests.cli import REPO, embedded_env, passerelle, passerelle_output

pytestmark = pytest.mark.integration

IJL = "200918462H"
TOY_TEXT = "Nous maîtrisons la tribologie et l'usure des revêtements de surface."


# -- a register: its module (here, these two functions) and one line of the table --------------
def toy_load(job: Job) -> Report:
    """The toy register: a CSV of projects (``project``, ``lab``, ``text``) of known labs."""
    report = Report("toy")
    known = {lab.id for lab in job.store.labs()}
    projects, links = [], []
    with job.source.open(encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            report.read += 1
            if row["lab"] not in known:
                report.reject(RowError(job.source.name, line, f"unknown lab {row['lab']}"))
                continue
            project = Project(id=f"toy:{row['project']}", source="toy", text=row["text"])
            projects.append(project)
            links.append(
                Participation(project_id=project.id, partner_kind="lab", partner_id=row["lab"])
            )
    job.store.upsert_projects(projects, links)
    report.created = len(projects)
    ProfileBuilder(job.store, job.analyser).refresh(progress=job.progress)
    return report


def toy_profile(lab: Lab, reads: ProfileReads) -> list[Text]:
    """What the toy register gives a unit's profile: its toy projects' texts, in French."""

    def texts() -> dict[str, list[str]]:
        projects = {p.id: p.text for p in reads.projects if p.source == "toy"}
        out: dict[str, list[str]] = {}
        for part in reads.participations:
            if part.project_id in projects:
                out.setdefault(part.partner_id, []).append(projects[part.project_id])
        return out

    return [Text(t, "fr") for t in reads.once("toy", texts).get(lab.id, [])]


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server standing for the toy register's portal: its file's address."""
    folder = tmp_path / "portal"
    folder.mkdir()
    (folder / "toy.csv").write_text(f"project,lab,text\nP1,{IJL},{TOY_TEXT}\n", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/toy.csv"
    server.shutdown()
    server.server_close()


def test_a_register_declared_in_one_line_reaches_every_command_and_the_explanations(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, portal: str
) -> None:
    toy = Register(
        "toy",
        "Un registre jouet / a toy register.",
        "Fichier / file",
        "tests.integration.test_howtos:toy_load",
        files=("toy/toy.csv",),
        downloads=(Download("toy", portal, "toy.csv"),),
        source="toy",
        label=("le registre jouet", "the toy register"),
        profile="tests.integration.test_howtos:toy_profile",
    )
    monkeypatch.setattr(table, "REGISTERS", (*table.REGISTERS, toy))
    home, registers = tmp_path / "home", tmp_path / "registers"
    env = embedded_env(PASSERELLE_HOME=str(home), PASSERELLE_REGISTERS=str(registers))

    # passerelle ingest lists it, passerelle fetch downloads it from its portal
    assert "toy" in passerelle_output(env, "ingest", "--help")
    assert "Un registre jouet" in passerelle_output(env, "ingest", "toy", "--help")
    assert missing_registers(registers) and toy in missing_registers(registers)
    fetched = passerelle(env, "fetch", "toy")
    assert fetched.returncode == 0, fetched.stderr
    assert (registers / "toy" / "toy.csv").read_text(encoding="utf-8").startswith("project,lab")
    assert toy not in missing_registers(registers)  # the workspace finds it there now

    # passerelle load reads it from the registers folder (after the demo's units)
    loaded = passerelle(env, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "toy: lues / read 1" in loaded.stdout
    assert "rnsr, anr" in loaded.stdout  # the registers this folder lacks are named
    again = passerelle(env, "ingest", "toy", str(registers / "toy" / "toy.csv"), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["read"] == 1

    # the unit's profile has the toy's capabilities, and explanations name their source
    matched = json.loads(passerelle_output(env, "match", "--json", "--all", TOY_TEXT))
    ijl = next(p for p in matched["pairings"] if p["lab"]["id"] == IJL)
    toy_concepts = [c for c in ijl["explanation"]["concepts"] if "toy" in c["lab_sources"]]
    assert toy_concepts, ijl["explanation"]["concepts"]
    assert all("le registre jouet" in c["provenance"] for c in toy_concepts)
    assert all("the toy register" in c["provenance_en"] for c in toy_concepts)


# -- a ranking signal: one function and one line of the table ----------------------------------
def test_a_signal_declared_in_one_line_reaches_the_ranking_the_cli_and_the_api(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, extractor: SpacyExtractor
) -> None:
    def toy_signal(s: SignalInput) -> np.ndarray:
        return s.index.lab_vector({IJL: 1.0})

    toy = Signal("toy_signal", "signal jouet", "toy signal", 0.3, toy_signal)
    monkeypatch.setattr(signals, "SIGNALS", (*signals.SIGNALS, toy))
    home = tmp_path / "home"
    env = embedded_env(PASSERELLE_HOME=str(home))
    assert passerelle(env, "load-demo").returncode == 0
    text = "Corrosion de pièces en acier soudé : traitement de surface."

    # the command line: the JSON explanation and the drawn breakdown
    matched = json.loads(passerelle_output(env, "match", "--json", "--all", text))
    ijl = next(p for p in matched["pairings"] if p["lab"]["id"] == IJL)
    part = next(c for c in ijl["explanation"]["context"] if c["signal"] == "toy_signal")
    assert part["label"] == "signal jouet" and part["label_en"] == "toy signal"
    assert part["value"] == 1.0 and part["contribution"] > 0
    others = [p for p in matched["pairings"] if p["lab"]["id"] != IJL]
    assert all(c["signal"] != "toy_signal" for p in others for c in p["explanation"]["context"])
    assert "signal jouet" in passerelle_output(env, "match", "--all", text)

    # the API, and the weights the evaluation and the fitting rank with
    store = EmbeddedGraphStore(home)
    try:
        service = PairingService(store, extractor)
        assert service.weights["toy_signal"] == 0.3
        assert service.snapshot().ranker.weights["toy_signal"] == 0.3
        app = create_app(service, settings=Settings(PASSERELLE_HOME=str(tmp_path / "app")))
        with TestClient(app) as client:
            answer = client.post("/api/match", json={"text": text, "scope": {}}).json()
        assert answer == matched
    finally:
        store.close()


# -- a route with its policy: the route, and one line of the policy table ----------------------
def test_a_route_answers_only_once_its_policy_is_declared(
    monkeypatch: pytest.MonkeyPatch, service: PairingService, tmp_path: Path
) -> None:
    router = APIRouter()

    @router.get("/api/toy")
    def toy() -> dict[str, bool]:
        """A toy route."""
        return {"ok": True}

    app = create_app(service, settings=Settings(PASSERELLE_HOME=str(tmp_path)))
    app.include_router(router)
    assert "GET /api/toy" in security.unprotected(app)
    with TestClient(app) as client:
        refused = client.get("/api/toy")
        assert refused.status_code == 500 and "access policy" in refused.json()["message_en"]

        monkeypatch.setitem(security.POLICIES, ("GET", "/api/toy"), security.only("officer"))
        assert "GET /api/toy" not in security.unprotected(app)
        assert client.get("/api/toy").status_code == 401
        password = "mot de passe de l'agent jouet"
        Accounts(service.store).add_user("agent.jouet@example.fr", "officer", password)
        token = client.post(
            "/api/auth/token", data={"username": "agent.jouet@example.fr", "password": password}
        ).json()["access_token"]
        ok = client.get("/api/toy", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and ok.json() == {"ok": True}


# -- a page: its template, its handler, one line of the policy table ---------------------------
def test_a_page_from_its_template_gets_the_site_s_layout_and_languages(
    monkeypatch: pytest.MonkeyPatch, service: PairingService, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "toy.html").write_text(
        textwrap.dedent(
            """\
            {% extends "base.html" %}
            {% block title %}Page jouet{% endblock %}
            {% block main %}<h1>{{ "Page jouet" if lang == "fr" else "Toy page" }}</h1>
            <p>{{ count }} laboratoires</p>{% endblock %}
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(
        render.env, "loader", ChoiceLoader([render.env.loader, FileSystemLoader(str(templates))])
    )
    router = APIRouter()

    @router.get("/toy", response_class=HTMLResponse)
    def toy_page(request: Request) -> HTMLResponse:
        """A toy page."""
        return render.page(request, "toy.html", count=len(service.store.labs()))

    monkeypatch.setitem(security.POLICIES, ("GET", "/toy"), security.PUBLIC)
    app = create_app(service, settings=Settings(PASSERELLE_HOME=str(tmp_path / "home")))
    app.include_router(router)
    with TestClient(app) as client:
        french = client.get("/toy")
        assert french.status_code == 200
        assert '<html lang="fr">' in french.text and "<h1>Page jouet</h1>" in french.text
        assert "20 laboratoires" in french.text and "English" in french.text  # the site's nav
        client.cookies.set("lang", "en")
        english = client.get("/toy")
        assert '<html lang="en">' in english.text and "<h1>Toy page</h1>" in english.text


# -- a field a company writes: the field of Need, one line of NEED_FIELDS ----------------------
FIELD_SCRIPT = """
import json, tempfile
from pathlib import Path
from fastapi.testclient import TestClient
from api.main import create_app
from api.settings import Settings
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.auth import Accounts
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary

home = Path(tempfile.mkdtemp())
vocabulary = load_vocabulary()
store = EmbeddedGraphStore(home / "store")
store.upsert_concepts(vocabulary)
service = PairingService(store, SpacyExtractor(vocabulary))
Accounts(store).add_user("agent@example.fr", "officer", "mot de passe de l'agent")
with TestClient(create_app(service, settings=Settings(PASSERELLE_HOME=str(home)))) as client:
    token = client.post("/api/auth/token", data={"username": "agent@example.fr",
                        "password": "mot de passe de l'agent"}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    body = {"title": "Rouille", "text": "Nos pièces rouillent.", "company": "Acme",
            "site": "Atelier de Hayange"}
    made = client.post("/api/needs", json=body, headers=auth)
    assert made.status_code == 201, made.text
    need_id = made.json()["id"]
    assert client.get(f"/api/needs/{need_id}", headers=auth).json()["need"]["site"] == "Atelier de Hayange"
    edited = client.patch(f"/api/needs/{need_id}", json={"site": "Usine de Florange"}, headers=auth)
    assert edited.status_code == 200 and edited.json()["site"] == "Usine de Florange", edited.text
    too_long = client.patch(f"/api/needs/{need_id}", json={"site": "x" * 101}, headers=auth)
    assert too_long.status_code == 422 and "site" in too_long.json()["where"]
    assert "site" in client.get("/openapi.json").json()["components"]["schemas"]["NeedSubmit"]["properties"]
    form = client.get("/needs/new", headers=auth).text
    assert 'name="site"' in form and "Site concerné" in form
    posted = client.post("/needs/new", headers=auth, follow_redirects=False, data={
        "company": "Acme", "title": "Bruit", "text": "Nos engrenages sont bruyants.",
        "site": "Atelier de Thionville", "visibility": "confidential"})
    assert posted.status_code == 303, posted.text
    page = client.get(posted.headers["location"], headers=auth).text
    assert "Site concerné" in page and "Atelier de Thionville" in page
    stored = [n.site for n in store.needs()]
    assert sorted(stored) == ["Atelier de Thionville", "Usine de Florange"], stored
print("OK")
"""


def test_a_field_added_in_two_places_is_written_stored_and_shown_everywhere(
    tmp_path: Path,
) -> None:
    """The how-to done on a copy of the code: the field in ``Need``, its line in
    ``NEED_FIELDS``; then the API takes and shows it, the form draws it, the store keeps it."""
    copy = tmp_path / "code"
    for package in ("graph", "ingest", "api"):
        shutil.copytree(
            REPO / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    model = copy / "graph" / "model.py"
    text = model.read_text(encoding="utf-8")
    anchor = '    title: str\n    text: str\n    illustrative: bool = False\n    visibility: Visibility = "confidential"'
    assert anchor in text
    model.write_text(
        text.replace(anchor, anchor + '\n    site: str = ""\n    """Where the problem is."""'),
        encoding="utf-8",
    )
    rules = copy / "graph" / "rules" / "needs.py"
    text = rules.read_text(encoding="utf-8")
    anchor = '"""Every field a company writes, in the order forms show them."""'
    assert text.count(anchor) == 1
    line = '    NeedField("site", "Site concerné", "Site concerned", most=100, required=False),\n'
    text = text.replace(")\n" + anchor, line + ")\n" + anchor)
    rules.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run(
        [sys.executable, "-c", FIELD_SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("OK"), done.stderr[-3000:]
