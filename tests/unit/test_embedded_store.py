"""The embedded store: round trips, idempotent writes, atomic writes, clear errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.model import Company, Concept, ConceptMention, Extraction, Lab, Need
from graph.store.embedded import DB_NAME, EmbeddedGraphStore

CONCEPTS = [
    Concept(
        id="welding",
        kind="process",
        label_fr="soudage",
        label_en="welding",
        alt_fr=("soudure",),
        naf="25.62B",
    ),
    Concept(
        id="tig_welding",
        kind="process",
        label_fr="soudage TIG",
        label_en="TIG welding",
        broader=("welding",),
    ),
]
LAB = Lab(
    id="201119725X",
    name="Laboratoire d'Étude des Microstructures",
    acronym="LEM3",
    city="Metz",
    description="Soudage et mise en forme.",
)
EX = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="welding", weight=0.75, evidence=("soudage", "soudure")),),
    keywords=("mise en forme",),
    terms=("soudag", "mise", "form"),
)
COMPANY = Company(id="acme", name="Acme (fictive)", city="Metz", illustrative=True)
NEED = Need(
    id="need-1", company_id="acme", title="Soudures fissurées", text="Nos soudures cassent."
)


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedGraphStore(tmp_path)
    yield s
    s.close()


def test_round_trip(store: EmbeddedGraphStore) -> None:
    store.upsert_concepts(CONCEPTS)
    store.upsert_labs([(LAB, EX)])
    assert store.upsert_need(NEED, EX, COMPANY) is True
    assert store.concepts() == sorted(CONCEPTS, key=lambda c: c.id)
    assert store.labs() == [LAB]
    assert store.lab(LAB.id) == LAB
    assert store.lab_profiles() == {LAB.id: EX}
    assert store.company("acme") == COMPANY
    assert store.need("need-1") == NEED
    assert store.need_profiles() == {"need-1": EX}
    assert store.lab("nope") is None and store.need("nope") is None


def test_writing_twice_changes_nothing(store: EmbeddedGraphStore) -> None:
    for _ in range(2):
        store.upsert_concepts(CONCEPTS)
        store.upsert_labs([(LAB, EX)])
        store.upsert_need(NEED, EX, COMPANY)
    assert store.upsert_need(NEED, EX, COMPANY) is False
    assert store.counts() == {
        "nodes": {"Concept": 2, "Lab": 1, "Company": 1, "Need": 1, "Project": 0},
        "relationships": {
            "BROADER": 1,
            "HAS_CAPABILITY": 1,
            "EXPRESSES": 1,
            "REQUIRES": 1,
            "PARTICIPATED_IN": 0,
            "COLLABORATED_WITH": 0,
            "ABOUT": 0,
            "PART_OF": 0,
        },
    }


def test_rewriting_a_lab_replaces_its_capabilities(store: EmbeddedGraphStore) -> None:
    store.upsert_labs([(LAB, EX)])
    other = Extraction(
        language="fr", mentions=(ConceptMention(concept_id="tig_welding", weight=0.5),)
    )
    store.upsert_labs([(LAB, other)])
    assert store.lab_profiles()[LAB.id] == other


def test_a_failed_write_leaves_nothing_half_stored(store: EmbeddedGraphStore) -> None:
    store.upsert_labs([(LAB, EX)])
    before = store.counts()
    orphan = NEED.model_copy(update={"company_id": "unknown-company", "id": "need-2"})
    with pytest.raises(StoreError):
        store.upsert_need(orphan, EX)  # the company does not exist: refused as a whole
    bad_lab = LAB.model_copy(update={"id": "200918462H"})
    with pytest.raises(StoreError):
        # the second lab of the batch breaks the batch: the first one must not be written
        store.upsert_labs([(bad_lab, EX), (LAB.model_copy(update={"name": None}), EX)])  # type: ignore[list-item]
    assert store.counts() == before
    assert store.lab("200918462H") is None


def test_data_survives_reopening(tmp_path: Path) -> None:
    s = EmbeddedGraphStore(tmp_path)
    s.upsert_concepts(CONCEPTS)
    s.upsert_labs([(LAB, EX)])
    s.close()
    again = EmbeddedGraphStore(tmp_path)
    assert again.labs() == [LAB] and again.integrity_ok()
    again.close()
    assert (tmp_path / DB_NAME).exists()


def test_the_store_lives_in_the_home_the_settings_name(monkeypatch, tmp_path: Path) -> None:
    from api.factory import new_store
    from api.settings import DEFAULT_HOME, load_settings

    monkeypatch.setenv("PASSERELLE_HOME", str(tmp_path / "x"))
    store = new_store(load_settings())
    assert isinstance(store, EmbeddedGraphStore) and store.home == tmp_path / "x"
    assert (tmp_path / "x" / DB_NAME).exists()
    store.close()
    monkeypatch.delenv("PASSERELLE_HOME")
    assert load_settings().home == DEFAULT_HOME == Path.home() / ".local" / "share" / "passerelle"


def test_unusable_home_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Impossible d'ouvrir"):
        EmbeddedGraphStore(blocker / "sub")


def test_a_store_written_before_every_table_had_attrs_still_reads_whole(tmp_path: Path) -> None:
    """A store file written by the version whose rows listed fields by hand (SQL dump kept in
    tests/unit/data) opens, reads back every field, and takes new writes."""
    from graph.model import Collaboration, Participation, Project

    dump = (Path(__file__).parent / "data" / "embedded_store_before_attrs.sql").read_text("utf-8")
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.executescript(dump)
    conn.close()
    store = EmbeddedGraphStore(tmp_path)
    welding = ConceptMention(
        concept_id="welding", weight=0.75, evidence=("soudage",), sources=("description", "anr")
    )
    lem3 = Lab(
        id="201119725X",
        name="Laboratoire d'Étude des Microstructures",
        acronym="LEM3",
        city="Metz",
        description="Soudage.",
        postcode="57070",
        institutions=("Université de Lorraine", "CNRS"),
        parent_ids=("200918462H",),
        domains="Sciences pour l'ingénieur",
        kind="unit",
        institution_codes=("LORRAINE", "CNRS"),
        panels="PE8",
        description_en="Welding.",
        description_source="passerelle, 2026-12-01",
        profile_key="abc",
    )
    ijl = Lab(id="200918462H", name="Institut Jean Lamour", kind="organisation")
    acme = Company(
        id="acme",
        name="Acme",
        city="Metz",
        naf="25.62B",
        size="PME",
        illustrative=True,
        category="PME",
        region="Grand Est",
        siren="123456789",
    )
    need = Need(
        id="need-1",
        company_id="acme",
        title="Soudures",
        text="Nos soudures cassent.",
        illustrative=True,
    )
    need_ex = Extraction(
        language="fr",
        mentions=(ConceptMention(concept_id="tig_welding", weight=0.5, evidence=("soudures",)),),
        keywords=("soudure",),
        terms=("soudur", "cass"),
    )
    assert store.concepts() == [
        Concept(
            id="tig_welding",
            kind="process",
            label_fr="soudage « TIG »",
            label_en="TIG welding",
            alt_en=("GTAW",),
            broader=("welding",),
            esco="http://data.europa.eu/esco/skill/x",
            euroscivoc="ev1",
            source="esco",
        ),
        Concept(
            id="welding",
            kind="process",
            label_fr="soudage",
            label_en="welding",
            alt_fr=("soudure",),
            naf="25.62B",
        ),
    ]
    assert store.labs() == [ijl, lem3]
    assert store.lab_profiles() == {
        ijl.id: Extraction(language="en"),
        lem3.id: Extraction(
            language="fr",
            mentions=(welding,),
            keywords=("mise en forme",),
            terms=("soudag", "form"),
        ),
    }
    assert store.companies() == [acme]
    assert store.projects() == [
        Project(
            id="ANR-1",
            source="anr",
            acronym="WELD",
            year=2021,
            topic_code="CE08",
            topic="Matériaux",
            text="Soudage « TIG ».",
        )
    ]
    assert store.participations() == [
        Participation(project_id="ANR-1", partner_kind="company", partner_id="acme"),
        Participation(
            project_id="ANR-1", partner_kind="lab", partner_id="201119725X", coordinator=True
        ),
    ]
    assert store.collaborations() == [
        Collaboration(lab_id="201119725X", company_id="acme", projects=1, years=(2021,))
    ]
    assert store.stored_need("need-1") == (need, need_ex, acme)
    assert store.search_labs("lem3", 10) == (1, [lem3])
    # and it takes new writes of the same things, reading the same
    before = (store.labs(), store.lab_profiles(), store.companies(), store.needs())
    store.upsert_labs(list(zip(store.labs(), store.lab_profiles().values(), strict=True)))
    store.upsert_needs([(need, need_ex)], [acme])
    assert (store.labs(), store.lab_profiles(), store.companies(), store.needs()) == before
    assert store.integrity_ok()
    store.close()
