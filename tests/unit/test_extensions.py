"""ESCO and NAF as vocabulary extensions: loaded, linked to our concepts, used by the extractor."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InputError
from graph.model import Concept
from graph.store.embedded import EmbeddedGraphStore
from ingest.language.extract import SpacyExtractor
from ingest.registers.extensions import ingest_esco, ingest_naf


@pytest.fixture
def store(tmp_path: Path, vocabulary: list[Concept]):
    s = EmbeddedGraphStore(tmp_path / "store")
    s.upsert_concepts(vocabulary)
    yield s
    s.close()


def test_naf_codes_load_once_and_link_to_our_concepts(
    shared: Path, store: EmbeddedGraphStore, vocabulary: list[Concept]
) -> None:
    path = shared / "naf" / "naf2008_liste_n5.csv"
    report = ingest_naf(path, store)
    assert (report.read, report.created, report.rejected) == (732, 732, 0)
    concepts = {c.id: c for c in store.concepts()}
    assert concepts["naf:25.62B"].label_fr == "Mécanique industrielle"
    assert concepts["naf:25.62B"].source == "naf"
    ours = next(c for c in vocabulary if c.naf == "24.10Z")
    assert ours.id in concepts["naf:24.10Z"].broader
    before = store.counts()
    again = ingest_naf(path, store)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 732)
    assert store.counts() == before


def test_esco_skills_load_with_their_hierarchy_and_reach_the_extractor(
    shared: Path, store: EmbeddedGraphStore, vocabulary: list[Concept]
) -> None:
    report = ingest_esco(shared / "esco-fr", store)
    assert report.created >= 13485 and report.rejected == 0
    concepts = [c for c in store.concepts() if c.source == "esco"]
    assert len(concepts) == report.created
    assert sum(1 for c in concepts if c.broader) > 5000
    assert sum(1 for c in concepts if c.alt_fr) > 1000
    before = store.counts()
    assert ingest_esco(shared / "esco-fr" / "skills_fr.csv", store).created == 0
    assert store.counts() == before
    extractor = SpacyExtractor(vocabulary + concepts)
    found = extractor.extract("Nous cherchons quelqu'un pour superviser les services ménagers.")
    label = {c.id: c.label_fr for c in concepts}
    assert "superviser les services ménagers" in {label.get(m.concept_id) for m in found.mentions}


def test_a_bad_naf_file_stops_and_bad_rows_are_reported(
    tmp_path: Path, store: EmbeddedGraphStore
) -> None:
    bad = tmp_path / "naf.csv"
    bad.write_text("code;libelle\n25.62B;Mécanique\n", encoding="utf-8")
    before = store.counts()
    with pytest.raises(InputError):
        ingest_naf(bad, store)
    assert store.counts() == before
    rows = tmp_path / "naf2.csv"
    rows.write_text("code,libelle\n25.62B,Mécanique industrielle\n2562B,x\n25.61Z,\n", "utf-8")
    report = ingest_naf(rows, store)
    assert report.created == 1
    assert [(e.line, e.reason.split(" /")[0]) for e in report.errors] == [
        (3, "code NAF invalide"),
        (4, "libellé vide"),
    ]
