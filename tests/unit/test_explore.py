"""graph.usecases.explore on a small hand-made store, and ingest's sampled load of the registers."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.notebook.views import display_graph, interactive_html
from graph.errors import InputError
from graph.model import (
    Company,
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Participation,
    Project,
)
from graph.rules.scope import Scope
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.explore import (
    UNKNOWN_REGION,
    collaboration_graph,
    communities,
    companies_by_region,
    company,
    degree_table,
    degrees_by,
    heaviest_edges,
    lab,
    lab_projection,
    reach,
    territory,
)
from ingest.language.extract import SpacyExtractor
from ingest.registers.anr import ingest_anr
from ingest.registers.territory import load_registers

UL = ("Université de Lorraine", "CNRS")
LABS = [
    Lab(id="L1", name="Lab un", acronym="L1A", city="Nancy", postcode="54000", institutions=UL),
    Lab(id="L2", name="Lab deux", city="Metz", postcode="57000", institutions=UL),
    Lab(id="ORG", name="Organisation", institutions=UL, kind="organisation"),
    Lab(id="L3", name="Lab trois", city="Rennes", postcode="35000", institutions=("CNRS",)),
    Lab(id="L4", name="Lab quatre", city="Brest", postcode="29200", institutions=("IMT",)),
    Lab(id="LISO", name="Lab isolé", postcode="54000", institutions=UL),
]
COMPANIES = [
    Company(id="C1", name="Un", city="Nancy", region="Grand Est", category="PME"),
    Company(id="C2", name="Deux", region="Grand Est", category="Entreprise autre que TPE ou PME"),
    Company(id="C3", name="Trois", region="Bretagne", category="TPE"),
    Company(id="C4", name="Quatre", region="Bretagne"),
    Company(id="C5", name="Cinq"),
    Company(id="CISO", name="Isolée", region="Grand Est"),
]
PROJECTS = [
    Project(id="P1", source="anr", year=2015, topic_code="CE08", topic="Matériaux"),
    Project(id="P2", source="anr", year=2017, topic_code="CE08", topic="Matériaux"),
    Project(id="P3", source="anr", year=2018, topic_code="CE10", topic="Industrie"),
    Project(id="P4", source="anr", year=2016, topic_code="CE23", topic="IA"),
    Project(id="P5", source="anr", year=2019, topic_code="CE23", topic="IA"),
    Project(id="P6", source="anr", year=2019, topic_code="CE23", topic="IA"),
    Project(id="P7", source="anr", year=2020, topic_code="CE08", topic="Matériaux"),
]
PARTNERS = {
    "P1": ["L1", "L2", "C1", "C2"],
    "P2": ["L1", "C1"],
    "P3": ["L2", "ORG", "C1", "C2"],
    "P4": ["L3", "L4", "C3", "C4"],
    "P5": ["L3", "C3"],
    "P6": ["L1", "L3"],  # labs only: no lab–company edge
    "P7": ["L1", "C5"],
}
PARTICIPATIONS = [
    Participation(
        project_id=pid, partner_kind="company" if p.startswith("C") else "lab", partner_id=p
    )
    for pid, partners in PARTNERS.items()
    for p in partners
]
CONCEPTS = {
    "welding": "soudage",
    "metallurgy": "métallurgie",
    "corrosion": "corrosion",
    "ml": "apprentissage automatique",
    "robotics": "robotique",
    "vision": "vision par ordinateur",
}
PROFILES = {
    "L1": {"welding": 0.9, "corrosion": 0.5},
    "L2": {"welding": 0.6, "metallurgy": 0.8},
    "L3": {"ml": 0.9, "vision": 0.4},
    "L4": {"ml": 0.5, "robotics": 0.7},
}


def profile(weights: dict[str, float]) -> Extraction:
    return Extraction(
        language="fr",
        mentions=tuple(ConceptMention(concept_id=c, weight=w) for c, w in weights.items()),
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedGraphStore]:
    s = EmbeddedGraphStore(tmp_path / "store")
    s.upsert_concepts(
        Concept(id=cid, kind="technology", label_fr=label, label_en=cid)
        for cid, label in CONCEPTS.items()
    )
    s.upsert_labs((lb, profile(PROFILES.get(lb.id, {}))) for lb in LABS)
    s.upsert_companies(COMPANIES)
    s.upsert_projects(PROJECTS, PARTICIPATIONS)
    yield s
    s.close()


def edges(g) -> dict[tuple[str, str], int]:
    out = {}
    for u, v, w in g.edges(data="weight"):
        a, b = sorted((u[1], v[1]))
        out[(a, b)] = w
    return out


def test_collaboration_graph_nodes_edges_and_weights(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store)
    assert sorted(g) == sorted(
        [lab(x) for x in ("L1", "L2", "ORG", "L3", "L4")]
        + [company(x) for x in ("C1", "C2", "C3", "C4", "C5")]
    )
    assert edges(g) == {
        ("C1", "L1"): 2,
        ("C2", "L1"): 1,
        ("C5", "L1"): 1,
        ("C1", "L2"): 2,
        ("C2", "L2"): 2,
        ("C1", "ORG"): 1,
        ("C2", "ORG"): 1,
        ("C3", "L3"): 2,
        ("C4", "L3"): 1,
        ("C3", "L4"): 1,
        ("C4", "L4"): 1,
    }
    assert g.edges[lab("L1"), company("C1")] == {
        "weight": 2,
        "projects": ("P1", "P2"),
        "years": (2015, 2017),
        "committees": {"CE08": 2},
    }
    assert g.edges[lab("L2"), company("C2")]["committees"] == {"CE08": 1, "CE10": 1}
    assert g.nodes[lab("L1")] == {
        "kind": "lab",
        "name": "Lab un",
        "acronym": "L1A",
        "city": "Nancy",
        "region": "Grand Est",
        "institutions": UL,
        "unit": True,
    }
    assert g.nodes[lab("ORG")]["unit"] is False and g.nodes[lab("ORG")]["region"] is None
    assert g.nodes[company("C1")] == {
        "kind": "company",
        "name": "Un",
        "city": "Nancy",
        "region": "Grand Est",
        "category": "PME",
        "sme": True,
    }
    assert g.nodes[company("C2")]["sme"] is False
    assert g.graph["committees"] == {"CE08": "Matériaux", "CE10": "Industrie", "CE23": "IA"}


def test_isolates_are_kept_on_request(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store, isolates=True)
    assert lab("LISO") in g and company("CISO") in g
    assert g.degree(lab("LISO")) == 0 and g.number_of_edges() == 11


def test_the_graph_agrees_with_the_stored_collaborations(store: EmbeddedGraphStore) -> None:
    from graph.ranking.track_record import derive_collaborations

    g = collaboration_graph(store)
    derived = derive_collaborations(store.projects(), store.participations())
    assert {(c.lab_id, c.company_id): (c.projects, c.years) for c in derived} == {
        (u[1], v[1]) if u[0] == "lab" else (v[1], u[1]): (d["weight"], d["years"])
        for u, v, d in g.edges(data=True)
    }


def test_lab_projection_weights_are_shared_companies(store: EmbeddedGraphStore) -> None:
    p = lab_projection(collaboration_graph(store))
    assert sorted(p) == [lab(x) for x in ("L1", "L2", "L3", "L4", "ORG")]
    assert edges(p) == {("L1", "L2"): 2, ("L1", "ORG"): 2, ("L2", "ORG"): 2, ("L3", "L4"): 2}
    assert p.nodes[lab("L1")]["name"] == "Lab un"


def test_degree_table_by_kind(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store, isolates=True)
    assert degree_table(g) == {
        "company": Counter({3: 2, 2: 2, 1: 1, 0: 1}),
        "lab": Counter({2: 4, 3: 1, 0: 1}),
    }
    strength = degree_table(collaboration_graph(store), weight="weight")
    # L1: 2 + 1 + 1 shared projects; L2: 2 + 2; ORG: 1 + 1; L3: 2 + 1; L4: 1 + 1
    assert strength["lab"] == Counter({4: 2, 2: 2, 3: 1})


def test_two_separate_clusters_are_two_communities(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store)
    labels = {c.id: c.label_fr for c in store.concepts()}
    found = communities(g, store.lab_profiles(), labels, seed=0)
    assert [(c.labs, c.companies) for c in found] == [
        (("L1", "L2", "ORG"), ("C1", "C2", "C5")),
        (("L3", "L4"), ("C3", "C4")),
    ]
    industry, ai = found
    assert len(industry) == 6 and industry.members == frozenset(
        [lab("L1"), lab("L2"), lab("ORG"), company("C1"), company("C2"), company("C5")]
    )
    assert industry.dominant_concepts == (
        ("welding", "soudage"),
        ("metallurgy", "métallurgie"),
        ("corrosion", "corrosion"),
    )
    # CE08: L1–C1 2, L1–C2 1, L1–C5 1, L2–C1 1, L2–C2 1; CE10: L2–C1, L2–C2, ORG–C1, ORG–C2
    assert industry.committees == (("CE08", "Matériaux", 6), ("CE10", "Industrie", 4))
    assert ai.dominant_concepts == (
        ("ml", "apprentissage automatique"),
        ("robotics", "robotique"),
        ("vision", "vision par ordinateur"),
    )
    assert ai.committees == (("CE23", "IA", 5),)
    # seeded: the same again; limits apply
    assert communities(g, store.lab_profiles(), labels, seed=0) == found
    short = communities(g, store.lab_profiles(), {}, top_concepts=1, top_committees=1)
    assert short[0].dominant_concepts == (("welding", "welding"),)
    assert short[0].committees == (("CE08", "Matériaux", 6),)
    assert communities(g.subgraph([]), {}, {}) == []


def test_territory_keeps_the_scope_units_and_their_companies(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store, isolates=True)
    labs = {lb.id: lb for lb in store.labs()}
    ul = territory(g, Scope(institution="Université de Lorraine"), labs)
    # ORG is an organisation, not a unit; LISO, a unit with no company, stays alone
    assert sorted(ul) == [company("C1"), company("C2"), company("C5")] + [
        lab("L1"),
        lab("L2"),
        lab("LISO"),
    ]
    assert edges(ul) == {
        ("C1", "L1"): 2,
        ("C2", "L1"): 1,
        ("C5", "L1"): 1,
        ("C1", "L2"): 2,
        ("C2", "L2"): 2,
    }
    assert ul.nodes[company("C1")]["name"] == "Un"
    assert companies_by_region(ul) == Counter({"Grand Est": 2, UNKNOWN_REGION: 1})
    brittany = territory(g, Scope(region="Bretagne"), labs)
    assert sorted(n[1] for n in brittany) == ["C3", "C4", "L3", "L4"]
    assert len(territory(g, Scope(), labs)) == len(g) - 1 - 1  # ORG and CISO left out
    assert len(territory(g, Scope(institution="CNRS"), {})) == 0


def test_companies_by_region_counts_company_nodes(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store, isolates=True)
    assert companies_by_region(g) == Counter({"Grand Est": 3, "Bretagne": 2, UNKNOWN_REGION: 1})


# -- loading the registers ------------------------------------------------------------------

RNSR = (
    "numero_national_de_structure;libelle;sigle;code_postal;commune;tutelles;"
    "numero_de_structure_parent;domaine_scientifique;panel_erc\n"
    '200918462H;Institut Jean Lamour;IJL;54011;NANCY CEDEX;"CNRS;Université de Lorraine";;'
    "Science des matériaux;PE8 Products and process engineering\n"
    '199812900K;Laboratoire Lorrain de Recherche en Informatique;LORIA;54506;NANCY;"CNRS";;'
    "Informatique;PE6 Computer science\n"
)
ANR = (
    "id,Projet.Acronyme,Projet.Partenaire.Est_coordinateur,Projet.Partenaire.Nom_organisme,"
    "Projet.Partenaire.Categorie_organisme,Projet.Partenaire.Code_RNSR,"
    "Projet.Partenaire.Adresse.Ville,Projet.Partenaire.Adresse.Region\n"
    "ANR-15-CE08-0001,ALU,True,Institut Jean Lamour,Laboratoire public,200918462H,NANCY,"
    "Grand Est\n"
    "ANR-18-CE23-0002,IA,True,LORIA,Laboratoire public,199812900K,NANCY,Grand Est\n"
    "ANR-15-CE08-0001,ALU,False,Acme SAS,PME,,METZ,Grand Est\n"
    "ANR-19-CE10-0003,USINE,True,Institut Jean Lamour,Laboratoire public,200918462H,NANCY,"
    "Grand Est\n"
    "ANR-18-CE23-0002,IA,False,Robots SA,Entreprise autre que TPE ou PME,,RENNES,Bretagne\n"
    "ANR-19-CE10-0003,USINE,False,Usine SARL,TPE,,NANCY,Grand Est\n"
)


def registers(folder: Path, *, rnsr: bool = True, anr: bool = True) -> Path:
    if rnsr:
        (folder / "rnsr").mkdir(parents=True)
        (folder / "rnsr" / "rnsr_structures_actives.csv").write_text(RNSR, encoding="utf-8")
    if anr:
        (folder / "anr").mkdir(parents=True)
        (folder / "anr" / "anr_partners_2010_2020.csv.gz").write_bytes(gzip.compress(ANR.encode()))
    return folder


def test_anr_sample_keeps_the_first_projects_with_all_their_rows(
    tmp_path: Path, extractor: SpacyExtractor
) -> None:
    folder = registers(tmp_path / "data", rnsr=False)
    path = folder / "anr" / "anr_partners_2010_2020.csv.gz"
    s = EmbeddedGraphStore(tmp_path / "store")
    try:
        report = ingest_anr(path, s, extractor, sample=2)
        assert report.read == 4  # the rows of the first two projects, wherever they lie
        assert [p.id for p in s.projects()] == ["ANR-15-CE08-0001", "ANR-18-CE23-0002"]
        assert [c.name for c in s.companies()] == ["Acme SAS", "Robots SA"]
        assert len(s.participations()) == 4
        assert ingest_anr(path, s, extractor, sample=0).read == 0
    finally:
        s.close()


def test_load_registers_then_explore(tmp_path: Path, extractor: SpacyExtractor) -> None:
    folder = registers(tmp_path / "data")
    s = EmbeddedGraphStore(tmp_path / "store")
    try:
        loaded = load_registers(s, folder, sample=2, extractor=extractor)
        assert [r.source for r in loaded.reports][0] == "rnsr" and loaded.missing == []
        g = collaboration_graph(s)
        assert sorted((u[1], v[1]) for u, v in g.edges) == [
            ("199812900K", "name:robots"),
            ("200918462H", "name:acme"),
        ]
        assert g.edges[lab("200918462H"), company("name:acme")]["committees"] == {"CE08": 1}
        assert g.nodes[lab("200918462H")]["region"] == "Grand Est"
        assert g.nodes[company("name:robots")]["region"] == "Bretagne"
    finally:
        s.close()


@pytest.mark.parametrize(
    ("rnsr", "anr", "missing"),
    [
        (False, False, "rnsr_structures_actives.csv"),
        (False, True, "rnsr_structures_actives.csv"),
        (True, False, "anr_partners_2010_2020.csv.gz"),
    ],
)
def test_load_registers_names_the_missing_file(
    tmp_path: Path, rnsr: bool, anr: bool, missing: str
) -> None:
    folder = registers(tmp_path / "data", rnsr=rnsr, anr=anr)
    s = EmbeddedGraphStore(tmp_path / "store")
    try:
        with pytest.raises(InputError) as e:
            load_registers(s, folder)
        assert missing in e.value.message_fr and missing in e.value.message_en
        assert "introuvable" in e.value.message_fr and "not found" in e.value.message_en
        assert s.labs() == [] and s.projects() == []
    finally:
        s.close()


def test_reach_counts_units_with_projects_and_with_companies(store: EmbeddedGraphStore) -> None:
    g = collaboration_graph(store)
    labs = {lb.id: lb for lb in store.labs()}
    ul = reach(g, store.participations(), labs, Scope(institution="Université de Lorraine"))
    # L1, L2, LISO are units of the UL (ORG is an organisation); LISO has no project
    assert (ul.units, ul.with_projects, ul.with_companies) == (3, 2, 2)
    assert ul.companies == 3  # C1, C2 (L1, L2) and C5 (L1)
    brittany = reach(g, store.participations(), labs, Scope(region="Bretagne"))
    assert (brittany.units, brittany.with_companies, brittany.companies) == (2, 2, 2)


def test_smes_and_large_companies_degrees(store: EmbeddedGraphStore) -> None:
    by_size = degrees_by(collaboration_graph(store), "company", "sme")
    assert by_size == {False: [1, 2, 3], True: [2, 3]}  # C5, C4, C2 | C3, C1


def test_heaviest_lab_pairs_of_the_projection(store: EmbeddedGraphStore) -> None:
    top = heaviest_edges(lab_projection(collaboration_graph(store)), 3)
    assert [(u[1], v[1], w) for u, v, w in top] == [
        ("L1", "L2", 2),
        ("L1", "ORG", 2),
        ("L2", "ORG", 2),
    ]


def test_the_display_graph_and_its_offline_page(store: EmbeddedGraphStore) -> None:
    pytest.importorskip("pyvis")
    g = collaboration_graph(store)
    shown = display_graph(g)
    assert shown.number_of_nodes() == g.number_of_nodes()
    assert shown.number_of_edges() == g.number_of_edges()
    assert shown.nodes["lab:L1"]["label"] == "L1A" and shown.nodes["lab:L2"]["label"] == "Lab deux"
    assert shown.nodes["company:C1"]["title"] == "Un — Nancy, Grand Est"
    assert shown.nodes["lab:L1"]["value"] == 3
    assert shown.edges["lab:L1", "company:C1"]["title"] == "2 projets / projects: 2015, 2017"
    page = interactive_html(shown, "Réseau <test>")
    assert "<title>Réseau &lt;test&gt;</title>" in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']""", page) == []  # nothing to fetch
    assert "new vis.Network(" in page and '"label": "Lab deux"' in page
