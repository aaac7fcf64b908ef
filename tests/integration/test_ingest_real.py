"""The real registers (../shared/data) into both stores: every unit, every project, twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers import anr
from ingest.registers.anr import coded_labs
from ingest.registers.readers import RowError, open_rows, read_rows
from ingest.registers.resolve import name_key
from ingest.registers.territory import load_territory
from tests.cli import passerelle, passerelle_output
from tests.neo4j_server import open_neo4j_store
from tests.registers import Registers

pytestmark = [pytest.mark.integration, pytest.mark.slow]

IJL = "200918462H"


def load_both(store: Store, extractor: SpacyExtractor, data: Path) -> dict[str, Any]:
    """The RNSR and the ANR loaded as the shared load (``tests.registers``) loads them: each
    register's report (as ``--json`` gives it) and the store's counts."""
    loaded = load_territory(store, extractor, data, demo=False, skip={"descriptions"})
    return {**{r.source: r.as_dict() for r in loaded.reports}, "counts": store.counts()}


@pytest.fixture(scope="module")
def embedded(
    registers: Registers, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[EmbeddedGraphStore, dict[str, Any]]]:
    """A copy of the run's one load of the registers, with that load's reports."""
    store = EmbeddedGraphStore(registers.copy(tmp_path_factory.mktemp("real")))
    yield store, {**registers.reports, "counts": store.counts()}
    store.close()


def test_every_unit_and_every_project_is_loaded(
    embedded: tuple[EmbeddedGraphStore, dict[str, Any]],
) -> None:
    _, first = embedded
    nodes = first["counts"]["nodes"]
    assert first["rnsr"]["read"] == 4506 and first["rnsr"]["rejected"] == 0
    assert nodes["Lab"] >= 4506
    assert nodes["Project"] == 14709
    assert nodes["Company"] > 1000
    rels = first["counts"]["relationships"]
    assert rels["PARTICIPATED_IN"] > 30000 and rels["COLLABORATED_WITH"] > 1000
    assert rels["PART_OF"] > 0
    # rows the register gets wrong are reported with file and line, never silently dropped
    for error in first["anr"]["errors"]:
        assert error["file"] == "anr_partners_2010_2020.csv.gz" and error["line"] > 1
    assert first["anr"]["merges"], "some companies are written several ways"


def test_anr_labs_named_without_their_code_join_their_rnsr_unit(
    embedded: tuple[EmbeddedGraphStore, dict[str, Any]], shared: Path
) -> None:
    """A register unit's name, borne by no other unit and given with no other code in the ANR
    file, never becomes a second lab."""
    store, first = embedded
    data = shared
    register: dict[str, set[str]] = defaultdict(set)
    for _, row in read_rows(
        data / "rnsr" / "rnsr_structures_actives.csv", delimiter=";", required=("libelle",)
    ):
        if not isinstance(row, RowError):
            register[name_key(row["libelle"])].add(row["numero_national_de_structure"].upper())
    _, records = open_rows(
        data / "anr" / "anr_partners_2010_2020.csv.gz", delimiter=",", required=anr.REQUIRED
    )
    given: dict[str, set[str]] = defaultdict(set)
    for name, code in coded_labs(records):
        given[name_key(name)].add(code)
    unique = {key for key, ids in register.items() if len(ids) == 1 and given.get(key, ids) <= ids}
    strays = [
        lab.id
        for lab in store.labs()
        if lab.id.startswith("name:") and name_key(lab.name) in unique
    ]
    assert strays == []
    # the ANR spellings that became RNSR units are listed with the merges
    assert sum(1 for key in first["anr"]["merges"] if not key.startswith("name:")) > 50


def test_loading_again_changes_no_count(
    embedded: tuple[EmbeddedGraphStore, dict[str, Any]], extractor: SpacyExtractor, shared: Path
) -> None:
    store, first = embedded
    again = load_both(store, extractor, shared)
    assert again["counts"] == first["counts"]
    assert again["rnsr"]["created"] == again["rnsr"]["updated"] == 0
    assert again["anr"]["created"] == again["anr"]["updated"] == 0


def test_ijl_shows_its_companies_from_anr_projects(
    embedded: tuple[EmbeddedGraphStore, dict[str, Any]], extractor: SpacyExtractor
) -> None:
    store, _ = embedded
    with TestClient(create_app(PairingService(store, extractor))) as client:
        body = client.get(f"/api/labs/{IJL}").json()
    assert body["acronym"] == "IJL" and body["city"] == "Nancy"
    industry = body["industry"]
    assert industry["companies"] >= 10 and 0 < industry["smes"] <= industry["companies"]
    names = {p["name"].upper() for p in industry["partners"]}
    assert any("ARCELORMITTAL" in n for n in names)
    assert sum(industry["by_year"].values()) >= industry["companies"]
    assert "Matériaux métalliques et inorganiques" in industry["by_topic"]


def test_neo4j_gets_exactly_the_same_graph(
    embedded: tuple[EmbeddedGraphStore, dict[str, Any]],
    neo4j_uri: str,
    extractor: SpacyExtractor,
    shared: Path,
) -> None:
    neo = open_neo4j_store(neo4j_uri)
    try:
        neo.wipe()
        first = load_both(neo, extractor, shared)
        assert first["counts"] == embedded[1]["counts"]
        again = load_both(neo, extractor, shared)
        assert again["counts"] == first["counts"]
        store = embedded[0]
        assert neo.collaborations(IJL) == store.collaborations(IJL)
        assert neo.lab(IJL) == store.lab(IJL)
    finally:
        neo.close()


def test_a_bad_register_path_is_a_clear_cli_error(tmp_path: Path) -> None:
    import os

    bad = tmp_path / "rnsr.csv"
    bad.write_bytes("numero;libelle\n1;é\n".encode("latin-1"))
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env["PASSERELLE_HOME"] = str(tmp_path / "home")
    done = passerelle(env, "ingest", "rnsr", str(bad))
    assert done.returncode == 2
    assert "rnsr.csv" in done.stderr and "UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_register_gives_the_same_graph_in_both_stores(
    tmp_path: Path, neo4j_store: Store, extractor: SpacyExtractor, shared: Path
) -> None:
    from ingest.registers.cordis import ingest_cordis
    from ingest.registers.extensions import ingest_esco, ingest_naf

    data = shared
    sample = data / "cordis" / "horizon-europe-sample"
    embedded = EmbeddedGraphStore(tmp_path)
    try:
        for store in (embedded, neo4j_store):
            for _ in range(2):  # the second run must change nothing
                ingest_naf(data / "naf" / "naf2008_liste_n5.csv", store)
                ingest_esco(data / "esco-fr", store)
                ingest_cordis(sample / "projects.csv", sample / "orgs.csv", store, extractor)
        counts = embedded.counts()
        assert counts == neo4j_store.counts()
        assert counts["nodes"]["Project"] == 48 and counts["nodes"]["Concept"] > 14000
        assert counts["relationships"]["ABOUT"] > 0
        assert embedded.collaborations() == neo4j_store.collaborations()
        assert embedded.concepts() == neo4j_store.concepts()
    finally:
        embedded.close()


def test_the_cli_loads_a_register_and_counts_the_graph(shared: Path, tmp_path: Path) -> None:
    import json
    import os

    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env["PASSERELLE_HOME"] = str(tmp_path)

    def cli(*args: str) -> str:
        return passerelle_output(env, *args)

    naf = str(shared / "naf" / "naf2008_liste_n5.csv")
    first = json.loads(cli("ingest", "naf", naf, "--json"))
    assert first["created"] == 732 and first["rejected"] == 0
    again = json.loads(cli("ingest", "naf", naf, "--json"))
    assert again["created"] == 0 and again["unchanged"] == 732
    stats = json.loads(cli("stats", "--json"))
    assert stats["nodes"]["Concept"] == 732
    assert set(stats["relationships"]) >= {"PARTICIPATED_IN", "COLLABORATED_WITH", "PART_OF"}
