"""api.notebook.workspace: the notebooks' one call that loads the territory's graph."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.notebook.workspace import TextProgress, find_registers, open_workspace
from api.settings import Settings

pytestmark = pytest.mark.slow


def settings(tmp_path: Path, **values: str) -> Settings:
    values.setdefault("PASSERELLE_STORE", "embedded")  # even when NEO4J_URI names a server
    return Settings(PASSERELLE_HOME=str(tmp_path / "home"), **values)


def test_registers_are_found_in_a_shared_data_folder_above(tmp_path: Path) -> None:
    data = tmp_path / "shared" / "data"
    (data / "rnsr").mkdir(parents=True)
    (data / "anr").mkdir()
    (data / "rnsr" / "rnsr_structures_actives.csv").write_text("x", encoding="utf-8")
    start = tmp_path / "main" / "notebooks"
    start.mkdir(parents=True)
    assert find_registers(settings(tmp_path), start) is None  # the ANR file is missing
    (data / "anr" / "anr_partners_2010_2020.csv.gz").write_bytes(b"x")
    assert find_registers(settings(tmp_path), start) == data
    chosen = tmp_path / "elsewhere"
    assert find_registers(settings(tmp_path, PASSERELLE_REGISTERS=str(chosen)), start) == chosen


def test_without_registers_the_demo_is_loaded_and_the_reader_told(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = io.StringIO()
    with open_workspace(
        settings(tmp_path, PASSERELLE_REGISTERS=str(empty)), progress=TextProgress(out)
    ) as ws:
        assert not ws.real and ws.registers is None and ws.sample is None
        text = ws.describe()
        assert "introuvables" in text and "not found" in text and str(empty) in text
        assert "demo corpus only" in text
        assert ws.store.needs() and not ws.store.projects()
        assert ws.service.lab_counts()["units"] > 0


def test_the_registers_sampled_are_loaded_once(shared: Path, tmp_path: Path) -> None:
    s = settings(tmp_path, PASSERELLE_REGISTERS=str(shared), PASSERELLE_NB_SAMPLE="40")
    out = io.StringIO()
    with open_workspace(s, progress=TextProgress(out)) as ws:
        assert ws.real and ws.sample == 40
        assert len(ws.store.projects()) == 40
        units = sum(lab.is_unit for lab in ws.store.labs())
        assert units > 4000  # the RNSR is loaded whole
        before = (len(ws.store.labs()), len(ws.store.companies()), len(ws.store.participations()))
        assert "40 projets ANR" in ws.describe()
    assert "rnsr :" in out.getvalue()
    with open_workspace(s, progress=TextProgress(io.StringIO())) as again:
        after = (
            len(again.store.labs()),
            len(again.store.companies()),
            len(again.store.participations()),
        )
    assert after == before


def test_on_neo4j_the_workspace_holds_the_same_collaboration_graph(
    shared: Path, tmp_path: Path, neo4j_store: object, neo4j_uri: str
) -> None:
    """With NEO4J_URI set, the notebooks' workspace loads Neo4j, and graph.usecases.explore reads the
    same graph from it as from the embedded store."""
    from graph.usecases.explore import collaboration_graph

    registers = str(shared)
    graphs = []
    for values in (
        {"PASSERELLE_STORE": "embedded"},
        {"PASSERELLE_STORE": "neo4j", "NEO4J_URI": neo4j_uri},
    ):
        s = settings(tmp_path, PASSERELLE_REGISTERS=registers, PASSERELLE_NB_SAMPLE="40", **values)
        with open_workspace(s, progress=TextProgress(io.StringIO())) as ws:
            assert ws.settings.store_kind == values["PASSERELLE_STORE"]
            assert len(ws.store.projects()) == 40
            graphs.append(collaboration_graph(ws.store))
    embedded, neo4j = graphs
    assert embedded.number_of_edges() > 0
    assert dict(embedded.nodes(data=True)) == dict(neo4j.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in embedded.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in neo4j.edges(data=True)
    }
