"""Unit profiles with provenance, descriptions supplied by institutions, and scopes."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InputError
from graph.model import Concept, Lab, Participation, Project
from graph.ranking.signals import default_weights
from graph.rules.scope import Scope
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers.descriptions import ingest_descriptions
from ingest.registers.profiles import ProfileBuilder
from ingest.registers.programmes import Programme, given, load_programmes, topics

PROGRAMMES = {
    "CE08": Programme("CE08", "Matériaux métalliques et inorganiques", ("metals_alloys",)),
    "BLAN": Programme("BLAN", "Programme blanc", (), thematic=False),
}
IJL = Lab(
    id="200918462H",
    name="Institut Jean Lamour",
    acronym="IJL",
    postcode="54011",
    institutions=("Université de Lorraine", "CNRS"),
    institution_codes=("LORRAINE", "CNRS"),
    description="Corrosion des aciers galvanisés et traitements thermiques.",
    domains="Sciences de l'ingénieur",
    panels="PE8 Products and Processes Engineering",
)
# a unit whose name alone speaks of vibration, with nothing else said about it
NAMED = Lab(id="200112437U", name="Résonance et vibrations", postcode="54506")
PARTNER = Lab(id="name:acme-lab", name="Corrosion Acme", kind="organisation")


@pytest.fixture
def store(tmp_path: Path):
    s = EmbeddedGraphStore(tmp_path)
    yield s
    s.close()


def _loaded(store: EmbeddedGraphStore, extractor: SpacyExtractor) -> ProfileBuilder:
    store.upsert_concepts(extractor.concepts.values())
    builder = ProfileBuilder(store, extractor, given(PROGRAMMES))
    store.upsert_labs(builder.build([IJL, NAMED, PARTNER]))
    return builder


def test_a_profile_keeps_where_each_capability_comes_from(store, extractor) -> None:
    _loaded(store, extractor)
    profile = {m.concept_id: m for m in store.lab_profiles()[IJL.id].mentions}
    assert profile["corrosion"].sources == ("description",)
    assert profile["hot_dip_galvanising"].evidence == ("aciers galvanisés",)
    # the ERC panel is read as English: « Processes » is no by-product valorisation
    assert not any("by_product" in c or "valoris" in c for c in profile)


def test_a_name_is_no_evidence_and_organisations_get_no_profile(store, extractor) -> None:
    _loaded(store, extractor)
    profiles = store.lab_profiles()
    assert profiles[NAMED.id].mentions == ()
    assert profiles[PARTNER.id].mentions == ()


def test_anr_themes_join_the_profile_with_their_evidence(store, extractor) -> None:
    builder = _loaded(store, extractor)
    store.upsert_projects(
        [
            Project(id=f"ANR-1{i}-CE08-000{i}", source="anr", year=2010 + i, topic_code="CE08")
            for i in range(3)
        ]
        + [Project(id="ANR-12-BLAN-0001", source="anr", year=2012, topic_code="BLAN")],
        [
            Participation(project_id=f"ANR-1{i}-CE08-000{i}", partner_kind="lab", partner_id=IJL.id)
            for i in range(3)
        ]
        + [Participation(project_id="ANR-12-BLAN-0001", partner_kind="lab", partner_id=IJL.id)],
    )
    assert builder.refresh() == 1  # only IJL's inputs changed
    metals = {m.concept_id: m for m in store.lab_profiles()[IJL.id].mentions}["metals_alloys"]
    assert metals.sources == ("anr",)
    assert metals.evidence == (
        "projets ANR « Matériaux métalliques et inorganiques » (3 projets, 2010–2012)",
    )
    assert builder.refresh() == 0  # nothing changed: nothing extracted or written again


def test_a_new_vocabulary_relinks_the_units(store, extractor, vocabulary) -> None:
    _loaded(store, extractor)
    extra = Concept(id="naf:25.61Z", kind="sector", label_fr="Jean Lamour", label_en="x")
    wider = SpacyExtractor([*vocabulary, extra])
    # the name is no evidence, the description is: a concept of its words now links
    store.upsert_labs(
        ProfileBuilder(store, wider, given(PROGRAMMES)).build(
            [IJL.model_copy(update={"description": IJL.description + " Jean Lamour."})]
        )
    )
    assert "naf:25.61Z" in {m.concept_id for m in store.lab_profiles()[IJL.id].mentions}
    rebuilt = ProfileBuilder(store, wider, given(PROGRAMMES)).refresh()
    assert rebuilt == 2  # the two other labs were built with the smaller vocabulary


def test_the_shipped_programme_mapping_gives_themes() -> None:
    found = topics(load_programmes())
    assert "CE08" in found and found["CE08"].concepts
    assert "BLAN" not in found  # not thematic: no theme, rather than a guessed one


def _descriptions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "desc.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_descriptions_are_loaded_once_with_their_source(store, extractor, tmp_path) -> None:
    _loaded(store, extractor)
    path = _descriptions(
        tmp_path,
        "source: Université de Lorraine\ndate: '2027-01-15'\ndescriptions:\n"
        f"  - rnsr: {NAMED.id}\n    text_fr: Essais de fatigue et de soudage des aciers.\n"
        "  - rnsr: 201999999Z\n    name: Nouvelle unité\n    text_en: Welding of steels.\n"
        "  - rnsr: 201888888Z\n    text_fr: Une unité inconnue sans nom.\n"
        f"  - rnsr: {NAMED.id}\n    text_fr: Deux fois.\n"
        "  - rnsr: '123'\n    text_fr: x\n"
        "  - rnsr: 200918462H\n    colour: blue\n",
    )
    report = ingest_descriptions(path, store, extractor)
    assert (report.created, report.updated, report.rejected) == (1, 1, 4)
    reasons = [str(e) for e in report.errors]
    assert any("entrée 3" in r and "unité inconnue" in r and "name" in r for r in reasons)
    assert any("entrée 4" in r and "double" in r for r in reasons)
    assert any("entrée 5" in r and "rnsr" in r for r in reasons)
    assert any("entrée 6" in r and "colour" in r for r in reasons)
    lab = store.lab(NAMED.id)
    assert lab is not None and lab.description_source == "Université de Lorraine, 2027-01-15"
    assert {m.sources for m in store.lab_profiles()[NAMED.id].mentions} == {("description",)}
    new = store.lab("201999999Z")
    assert new is not None and new.is_unit and new.description_en == "Welding of steels."
    again = ingest_descriptions(path, store, extractor)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_malformed_descriptions_file_stops_before_writing(store, extractor, tmp_path) -> None:
    _loaded(store, extractor)
    before = store.revision()
    with pytest.raises(InputError) as e:
        ingest_descriptions(_descriptions(tmp_path, "descriptions: [a: b"), store, extractor)
    assert "desc.yaml" in (e.value.where or "")
    with pytest.raises(InputError):
        ingest_descriptions(_descriptions(tmp_path, "labs: []\n"), store, extractor)
    assert store.revision() == before


def test_descriptions_from_csv(store, extractor, tmp_path) -> None:
    _loaded(store, extractor)
    path = tmp_path / "desc.csv"
    path.write_text(
        "rnsr,text_fr,source,date\n"
        f"{NAMED.id},Usinage et vibrations des machines-outils.,CRAN,2027\n"
        ",sans identifiant,CRAN,2027\n",
        encoding="utf-8",
    )
    report = ingest_descriptions(path, store, extractor)
    assert (report.updated, report.rejected) == (1, 1)
    assert "ligne 3" in str(report.errors[0])


# -- scope ---------------------------------------------------------------------------------
def test_a_scope_keeps_the_territory_and_says_so(store, extractor) -> None:
    _loaded(store, extractor)
    far = IJL.model_copy(
        update={
            "id": "199213354E",
            "name": "Loin",
            "postcode": "75005",
            "institutions": ("Sorbonne Université",),
            "institution_codes": ("SORBONNE",),
        }
    )
    store.upsert_labs(ProfileBuilder(store, extractor, given(PROGRAMMES)).build([far]))
    service = PairingService(store, extractor, scope=Scope(institution="Université de Lorraine"))
    text = "Nos pièces en acier galvanisé rouillent : corrosion."
    default = service.match_text(text)
    assert default.scope is not None and default.scope.units == 1
    assert [r.lab.id for r in default.ranking] == [IJL.id]
    everywhere = service.match_text(text, scope=Scope())
    assert {r.lab.id for r in everywhere.ranking} == {IJL.id, far.id}
    assert everywhere.scope is not None and everywhere.scope.units == 3
    region = service.match_text(text, scope=Scope(region="Île-de-France"))
    assert [r.lab.id for r in region.ranking] == [far.id]
    with pytest.raises(InputError) as e:
        service.match_text(text, scope=Scope(institution="Université de Nulle Part"))
    assert e.value.where == "scope"


def test_organisations_are_never_suggested(store, extractor) -> None:
    _loaded(store, extractor)
    # an organisation with a full description still is no candidate
    store.upsert_labs(
        [(PARTNER, extractor.extract("Corrosion des aciers galvanisés, rouille blanche."))]
    )
    service = PairingService(store, extractor)
    ranking = service.match_text("corrosion des aciers galvanisés", scope=Scope()).ranking
    assert PARTNER.id not in {r.lab.id for r in ranking}
    assert service.lab_counts() == {"units": 2, "described": 0, "organisations": 1}


def test_graph_signals_never_carry_a_lab_that_shares_no_concept(store, extractor) -> None:
    _loaded(store, extractor)
    # NAMED has many CE08 projects but no concept: the topic record must not lift it
    store.upsert_projects(
        [
            Project(id=f"ANR-1{i}-CE08-010{i}", source="anr", year=2015, topic_code="CE08")
            for i in range(5)
        ],
        [
            Participation(
                project_id=f"ANR-1{i}-CE08-010{i}", partner_kind="lab", partner_id=NAMED.id
            )
            for i in range(5)
        ],
    )
    service = PairingService(store, extractor, topics=topics(PROGRAMMES))
    service.weights = {**default_weights(), "topic_record": 5.0}
    result = service.match_text("Traitement thermique des aciers et des alliages métalliques")
    assert [r.lab.id for r in result.ranking] == [IJL.id]
    assert all(r.pairing.explanation.concepts for r in result.ranking)


def test_cordis_objectives_join_the_profile(store, extractor) -> None:
    builder = _loaded(store, extractor)
    store.upsert_projects(
        [
            Project(
                id="cordis:101",
                source="cordis",
                acronym="WELD",
                text="Laser welding of titanium alloys for aircraft structures.",
            )
        ],
        [Participation(project_id="cordis:101", partner_kind="lab", partner_id=NAMED.id)],
    )
    assert builder.refresh() == 1
    profile = {m.concept_id: m for m in store.lab_profiles()[NAMED.id].mentions}
    assert profile["titanium_alloys"].sources == ("cordis",)
    assert builder.refresh() == 0


def test_a_request_checks_the_store_revision_once(store, extractor, monkeypatch) -> None:
    _loaded(store, extractor)
    service = PairingService(store, extractor, scope=Scope(institution="LORRAINE"))
    service.match_text("corrosion des aciers")  # builds the index
    calls = []
    original = store.revision
    monkeypatch.setattr(store, "revision", lambda: calls.append(1) or original())
    service.match_text("corrosion des aciers galvanisés")
    assert len(calls) == 1
