"""One consistent view per request: what a running service reads while others write.

A request reads one snapshot of the store (labs, profiles, index, graph context, extractor),
built once per store revision: another process rewriting the graph between two requests, or
during one, never makes a pairing out of two revisions; concepts loaded while the server runs
reach it without a restart.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from graph.errors import NotFoundError
from graph.model import Concept
from graph.rules.accounts import Principal, User
from graph.rules.scope import Scope
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.desk import Desk
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from tests.cli import REPO, embedded_env, passerelle
from tests.live import serve_process

pytestmark = pytest.mark.integration

LABS = 12
WRITES = 40
# version A: every lab « … version A » can weld; version B: every lab « … version B » fights
# corrosion. A pairing from one revision names labs of one version with that version's concept.
VERSIONS = {"A": ("welding", "soudage"), "B": ("corrosion", "corrosion")}

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from graph.model import ConceptMention, Extraction, Lab
    from graph.store.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(Path(sys.argv[1]))
    versions = {"A": ("welding", "soudage"), "B": ("corrosion", "corrosion")}
    for n in range(int(sys.argv[2])):
        version = "AB"[n % 2]
        concept, word = versions[version]
        store.upsert_labs(
            (
                Lab(id=f"lab-{i}", name=f"Laboratoire {i} version {version}"),
                Extraction(
                    language="fr",
                    mentions=(ConceptMention(concept_id=concept, weight=1.0, evidence=(word,)),),
                    terms=(word,),
                ),
            )
            for i in range(int(sys.argv[3]))
        )
        time.sleep(0.05)
    store.close()
    """
)


def write_version(store: EmbeddedGraphStore, version: str) -> None:
    from graph.model import ConceptMention, Extraction, Lab

    concept, word = VERSIONS[version]
    store.upsert_labs(
        (
            Lab(id=f"lab-{i}", name=f"Laboratoire {i} version {version}"),
            Extraction(
                language="fr",
                mentions=(ConceptMention(concept_id=concept, weight=1.0, evidence=(word,)),),
                terms=(word,),
            ),
        )
        for i in range(LABS)
    )


def test_a_pairing_never_mixes_two_revisions(
    tmp_path: Path, vocabulary: list[Concept], extractor: SpacyExtractor
) -> None:
    store = EmbeddedGraphStore(tmp_path)
    store.upsert_concepts(vocabulary)
    write_version(store, "A")
    service = PairingService(store, extractor, scope=Scope())
    service.snapshot()
    seen: Counter[str] = Counter()
    mixed: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            result = service.match_text("Nos soudures rouillent : soudage et corrosion.", 5)
            if not result.ranking:
                mixed.append("no ranking")
                continue
            names = {r.lab.name.rsplit(" ", 1)[1] for r in result.ranking}
            shared = {c.concept_id for r in result.ranking for c in r.pairing.explanation.concepts}
            versions = {v for v, (concept, _) in VERSIONS.items() if concept in shared}
            if len(names) != 1 or names != versions:
                mixed.append(f"labs of {sorted(names)} paired on concepts of {sorted(versions)}")
            seen.update(names)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    try:
        writer = subprocess.run(
            [sys.executable, "-c", WRITER, str(tmp_path), str(WRITES), str(LABS)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=60)
    store.close()
    assert writer.returncode == 0, writer.stderr
    assert not mixed, mixed[:5]
    # both revisions were served while the other process wrote: the test saw the switches
    assert seen["A"] > 0 and seen["B"] > 0, seen


def test_storing_needs_keeps_the_snapshot(service: PairingService) -> None:
    """A need, even from a new company, changes nothing the labs' side is built from."""
    before = service.snapshot()
    officer = User(id="user-snapshot", email="agent@snapshot.fr", role="officer", password_hash="-")
    Desk(service).submit(
        Principal(officer),
        title="Bruit d'engrenages",
        text="Nos réducteurs à engrenages sont trop bruyants.",
        company=f"Nouvelle entreprise {time.time_ns()} (fictive)",
        city="Épinal",
    )
    assert service.snapshot() is before


# -- a running server -------------------------------------------------------------------------
@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    home = tmp_path / "home"
    env = embedded_env(PASSERELLE_HOME=str(home))
    loaded = passerelle(env, "load-demo")
    assert loaded.returncode == 0, loaded.stderr
    with serve_process(env, tmp_path / "server.log", ready="/health/ready") as served:
        yield served.url, home


def esco_concepts(url: str, text: str) -> list[str]:
    answer = httpx.post(f"{url}/api/match", json={"text": text, "scope": {}}, timeout=120)
    assert answer.status_code == 200, answer.text
    return [c["id"] for c in answer.json()["concepts"] if c["id"].startswith("esco:")]


def test_esco_loaded_while_the_server_runs_reaches_its_matches(
    shared: Path, server: tuple[str, Path], tmp_path: Path
) -> None:
    url, home = server
    # a few ESCO skills from the register (read from ../shared/data, written to a temp file)
    esco = shared / "esco-fr"
    lines = (esco / "skills_fr.csv").read_text(encoding="utf-8").splitlines()
    skills = tmp_path / "esco" / "skills_fr.csv"
    skills.parent.mkdir()
    skills.write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    for name in ("skillGroups_fr.csv", "broaderRelationsSkillPillar.csv"):
        with (esco / name).open(encoding="utf-8") as source:
            (skills.parent / name).write_text(source.readline(), encoding="utf-8")
    assert "gérer le personnel musical" in lines[1]
    text = "Notre association cherche de l'aide pour gérer le personnel musical de l'orchestre."
    assert esco_concepts(url, text) == []

    ingested = passerelle(embedded_env(PASSERELLE_HOME=str(home)), "ingest", "esco", str(skills))
    assert ingested.returncode == 0, ingested.stderr

    found = esco_concepts(url, text)
    assert len(found) == 1, found
    ready = httpx.get(f"{url}/health/ready", timeout=30).json()
    assert ready["ready"] is True and ready["units"] == 20


def test_ready_only_once_a_match_needs_nothing_built(
    service: PairingService, extractor: SpacyExtractor
) -> None:
    fresh = PairingService(
        service.store, scope=service.default_scope, extractors=lambda _c: extractor
    )
    assert not fresh.ready
    snap = fresh.snapshot()
    assert not fresh.ready, "a snapshot without its extractor is not ready"
    fresh.warm()
    assert fresh.ready
    assert fresh.snapshot() is snap and snap.has_extractor
    assert ("scope", fresh.default_scope) in snap._memo


def test_a_lab_view_without_a_snapshot_equals_the_snapshots(
    service: PairingService, extractor: SpacyExtractor
) -> None:
    """A CLI command reads one lab without building the index: the same view."""
    cold = PairingService(service.store, extractor)
    for lab_id in [lab.id for lab in service.store.labs()][:5]:
        alone = cold.lab_view(lab_id)
        assert cold.snapshots.built is None, "the view was read without building a snapshot"
        whole = service.lab_view(lab_id)
        assert alone.lab == whole.lab and alone.profile == whole.profile
        assert alone.labels == whole.labels
        assert alone.records.of(lab_id) == whole.records.of(lab_id)
    with pytest.raises(NotFoundError):
        cold.lab_view("nope")
