"""One contract, two stores: the embedded store and a real Neo4j server read and rank alike."""

from __future__ import annotations

import json
import math
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.errors import StoreError
from graph.model import Company, Concept, ConceptMention, Extraction, Lab, Need
from graph.rules.search import matches, order, query_words, search_key
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers.demo import load_demo, read_demo
from tests.cli import passerelle_output
from tests.neo4j_server import open_neo4j_store

pytestmark = pytest.mark.integration

CONCEPTS = [
    Concept(id="welding", kind="process", label_fr="soudage", label_en="welding", naf="25.62B"),
    Concept(
        id="tig_welding",
        kind="process",
        label_fr="soudage TIG",
        label_en="TIG welding",
        alt_fr=("TIG",),
        alt_en=("GTAW",),
        broader=("welding",),
        esco="http://data.europa.eu/esco/skill/x",
    ),
]
LABS = [
    (
        Lab(id="201119725X", name="LEM3", acronym="LEM3", city="Metz", description="Soudage."),
        Extraction(
            language="fr",
            mentions=(
                ConceptMention(concept_id="tig_welding", weight=0.5, evidence=("soudage TIG",)),
                ConceptMention(concept_id="welding", weight=0.75, evidence=("soudage", "soudure")),
            ),
            keywords=("assemblage multi-matériaux",),
            terms=("soudag", "tig", "soudag"),
        ),
    ),
    (
        Lab(id="200918462H", name="Institut Jean Lamour", acronym=None, city=None, description=""),
        Extraction(language="en"),
    ),
]
COMPANY = Company(id="acme", name="Acme (fictive)", city="Metz", size="PME", illustrative=True)
NEED = Need(id="need-1", company_id="acme", title="Soudures", text="Nos soudures TIG cassent.")
NEED_EX = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="tig_welding", weight=0.5, evidence=("soudures TIG",)),),
    terms=("soudur", "tig", "cass"),
)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the store can tell, in a comparable form."""
    needs = store.needs()
    return {
        "concepts": store.concepts(),
        "labs": store.labs(),
        "lab_profiles": store.lab_profiles(),
        "needs": needs,
        "need_profiles": store.need_profiles(),
        "companies": sorted({n.company_id for n in needs}),
        "company_rows": [store.company(n.company_id) for n in needs],
        "counts": store.counts(),
    }


def write_sample(store: Store) -> None:
    store.upsert_concepts(CONCEPTS)
    store.upsert_labs(LABS)
    assert store.upsert_need(NEED, NEED_EX, COMPANY) is True


def test_round_trip(store: Store) -> None:
    write_sample(store)
    assert store.concepts() == sorted(CONCEPTS, key=lambda c: c.id)
    assert store.labs() == sorted((lab for lab, _ in LABS), key=lambda lab: lab.id)
    assert store.lab("201119725X") == LABS[0][0]
    assert store.lab_profiles() == {lab.id: ex for lab, ex in LABS}
    assert all(store.lab_profile(lab.id) == ex for lab, ex in LABS)
    assert store.lab_profile("nope") is None
    assert store.company("acme") == COMPANY
    assert store.need("need-1") == NEED
    assert store.need_profile("need-1") == NEED_EX
    assert store.need_profiles() == {"need-1": NEED_EX}
    assert store.stored_need("need-1") == (NEED, NEED_EX, COMPANY)
    assert store.stored_need("nope") is None
    assert store.lab("nope") is None
    assert store.need("nope") is None
    assert store.need_profile("nope") is None
    assert store.company("nope") is None
    assert store.counts() == {
        "nodes": {"Concept": 2, "Lab": 2, "Company": 1, "Need": 1, "Project": 0},
        "relationships": {
            "BROADER": 1,
            "HAS_CAPABILITY": 2,
            "EXPRESSES": 1,
            "REQUIRES": 1,
            "PARTICIPATED_IN": 0,
            "COLLABORATED_WITH": 0,
            "ABOUT": 0,
            "PART_OF": 0,
        },
    }


def test_writing_twice_changes_nothing(store: Store) -> None:
    write_sample(store)
    before = snapshot(store)
    store.upsert_concepts(CONCEPTS)
    store.upsert_labs(LABS)
    assert store.upsert_need(NEED, NEED_EX, COMPANY) is False
    assert snapshot(store) == before


def test_rewriting_a_lab_replaces_its_capabilities(store: Store) -> None:
    write_sample(store)
    lab, _ = LABS[0]
    fewer = Extraction(
        language="fr", mentions=(ConceptMention(concept_id="welding", weight=0.25, evidence=()),)
    )
    store.upsert_labs([(lab, fewer)])
    assert store.lab_profiles()[lab.id] == fewer
    assert store.counts()["relationships"]["HAS_CAPABILITY"] == 1


def test_a_need_of_an_unknown_company_is_refused_and_nothing_is_stored(store: Store) -> None:
    write_sample(store)
    before = snapshot(store)
    stray = Need(id="need-2", company_id="ghost", title="t", text="x")
    with pytest.raises(StoreError):
        store.upsert_need(stray, NEED_EX)
    assert snapshot(store) == before


def test_a_running_service_sees_what_is_rewritten_in_place(
    store: Store, extractor: SpacyExtractor
) -> None:
    """Rewrites that change no count (a lab's profile, a company, the collaborations) still
    reach a running service: another process may have made them."""
    write_sample(store)
    service = PairingService(store, extractor)
    lab, _ = LABS[0]
    assert service.lab_profile(lab.id) == LABS[0][1]
    moved = Extraction(
        language="fr",
        mentions=(
            ConceptMention(concept_id="tig_welding", weight=0.25, evidence=("TIG",)),
            ConceptMention(concept_id="welding", weight=0.5, evidence=("soudage",)),
        ),
    )
    seen = store.revision()
    store.upsert_labs([(lab, moved)])  # same labs, same number of links
    assert store.revision() != seen
    assert service.lab_profile(lab.id) == moved
    for rewrite in (
        lambda: store.upsert_companies([COMPANY.model_copy(update={"category": "GE"})]),
        lambda: store.replace_collaborations([]),
        lambda: store.upsert_concepts(CONCEPTS),
    ):
        seen = store.revision()
        rewrite()
        assert store.revision() != seen
    # a need is not what matching reads, nor its new company: no new snapshot for them
    seen = store.revision()
    store.upsert_need(NEED.model_copy(update={"title": "Autre titre"}), NEED_EX)
    newcomer = Company(id="gamma", name="Gamma (fictive)", city="Metz")
    store.upsert_need(
        NEED.model_copy(update={"id": "need-g", "company_id": "gamma"}), NEED_EX, newcomer
    )
    assert store.revision() == seen
    assert store.company("gamma") == newcomer


def test_needs_written_in_one_batch_read_as_written_one_by_one(
    store: Store, tmp_path: Path
) -> None:
    store.upsert_concepts(CONCEPTS)
    other = Company(id="beta", name="Beta (fictive)", city="Nancy", size="TPE", illustrative=True)
    second = Need(id="need-2", company_id="beta", title="Rouille", text="Nos pièces rouillent.")
    first_draft = NEED.model_copy(update={"title": "Brouillon"})
    given = [(first_draft, Extraction(language="fr")), (NEED, NEED_EX), (second, NEED_EX)]
    # need-1 given twice: its last version wins; two needs are new
    assert store.upsert_needs(given, [COMPANY, other]) == 2
    one_by_one = EmbeddedGraphStore(tmp_path / "one-by-one")
    one_by_one.upsert_concepts(CONCEPTS)
    assert one_by_one.upsert_need(NEED, NEED_EX, COMPANY) is True
    assert one_by_one.upsert_need(second, NEED_EX, other) is True
    assert snapshot(store) == snapshot(one_by_one)
    assert store.need("need-1") == NEED
    assert store.counts()["relationships"]["REQUIRES"] == 2
    # again: nothing new, nothing changed
    before = snapshot(store)
    assert store.upsert_needs(given, [COMPANY, other]) == 0
    assert snapshot(store) == before
    # a batch with one need of an unknown company is refused whole, naming it
    stray = Need(id="need-3", company_id="ghost", title="t", text="x")
    third = Need(id="need-4", company_id="acme", title="t", text="y")
    with pytest.raises(StoreError, match="ghost.*need-3"):
        store.upsert_needs([(third, NEED_EX), (stray, NEED_EX)])
    assert snapshot(store) == before
    one_by_one.close()


def test_labs_written_before_search_keys_existed_are_found(store: Store, tmp_path: Path) -> None:
    write_sample(store)
    if isinstance(store, EmbeddedGraphStore):
        store._conn.execute("ALTER TABLE lab DROP COLUMN search_key")  # as an older version left it
        store.close()
        reopened: Store = EmbeddedGraphStore(tmp_path)
    else:
        from graph.store.neo4j import Neo4jGraphStore

        neo: Any = store
        neo.driver.execute_query("MATCH (l:Lab) REMOVE l.search_key", database_=neo.database)
        neo.driver.execute_query("DROP INDEX lab_search IF EXISTS", database_=neo.database)
        reopened = Neo4jGraphStore(neo.driver, neo.database)
    assert reopened.search_labs("lem3", 10) == (1, [LABS[0][0]])
    assert reopened.search_labs("jean lamour", 10) == (1, [LABS[1][0]])


def test_same_writes_give_the_same_reads(tmp_path: Path, neo4j_store: Store) -> None:
    embedded = EmbeddedGraphStore(tmp_path)
    try:
        for s in (embedded, neo4j_store):
            write_sample(s)
        assert snapshot(embedded) == snapshot(neo4j_store)
    finally:
        embedded.close()


@pytest.fixture(scope="module")
def both_demo(
    tmp_path_factory: pytest.TempPathFactory, neo4j_uri: str, extractor: SpacyExtractor
) -> Iterator[tuple[PairingService, PairingService]]:
    """The demo corpus loaded into an embedded store and into Neo4j, each loaded twice."""
    neo = open_neo4j_store(neo4j_uri)
    neo.wipe()
    embedded = EmbeddedGraphStore(tmp_path_factory.mktemp("contract-demo"))
    for s in (embedded, neo):
        load_demo(s, extractor)
    yield PairingService(embedded, extractor), PairingService(neo, extractor)
    embedded.close()
    neo.close()


def test_loading_the_demo_twice_changes_no_count(
    both_demo: tuple[PairingService, PairingService], extractor: SpacyExtractor
) -> None:
    for service in both_demo:
        before = snapshot(service.store)
        load_demo(service.store, extractor)
        assert snapshot(service.store) == before
    assert snapshot(both_demo[0].store) == snapshot(both_demo[1].store)


def _same_ranking(a: list[Any], b: list[Any]) -> None:
    assert [x.lab.id for x in a] == [x.lab.id for x in b]
    for x, y in zip(a, b, strict=True):
        assert math.isclose(x.pairing.score, y.pairing.score, rel_tol=0, abs_tol=1e-9)
        assert x.pairing.explanation == y.pairing.explanation


def test_every_demo_need_gets_the_same_ranking_from_both_stores(
    both_demo: tuple[PairingService, PairingService],
) -> None:
    embedded, neo = both_demo
    _, _, needs = read_demo()
    for need in needs:
        _same_ranking(
            embedded.match_text(need.text, limit=20).ranking,
            neo.match_text(need.text, limit=20).ranking,
        )
    stored = embedded.store.needs()
    assert [n.id for n in stored] == [n.id for n in neo.store.needs()]
    for n in stored:
        _same_ranking(embedded.need_pairings(n.id, 20)[1], neo.need_pairings(n.id, 20)[1])


def test_every_lab_gets_the_same_opportunities_from_both_stores(
    both_demo: tuple[PairingService, PairingService],
) -> None:
    embedded, neo = both_demo
    for lab in embedded.store.labs():
        a = embedded.lab_opportunities(lab.id, 10)[1]
        b = neo.lab_opportunities(lab.id, 10)[1]
        assert [(x.need.id, round(x.pairing.score, 9)) for x in a] == [
            (y.need.id, round(y.pairing.score, 9)) for y in b
        ]


SEARCHES = [
    "",
    "IJL",
    "ijl",
    "lamour",
    "Jean Lamour",
    "énergétique",
    "ENERGETIQUE",
    "nancy",
    "Metz",
    "l",
    "laboratoire d'",
    "génie des procédés",
    "3",
    "zzz",
    "*",
    'lamour" OR "x',
    "nancy AND metz",
]


def test_lab_search_reads_the_same_in_both_stores(
    both_demo: tuple[PairingService, PairingService],
) -> None:
    embedded, neo = both_demo
    labs = embedded.store.labs()
    rng = random.Random(5)
    vocabulary = sorted({w for lab in labs for w in search_key(lab).split()})
    queries = SEARCHES + [
        " ".join(w[: rng.randint(1, len(w))] for w in rng.sample(vocabulary, rng.randint(1, 3)))
        for _ in range(40)
    ]
    for q in queries:
        words = query_words(q)
        expected = order(
            [(lab.id, lab.name, lab.acronym) for lab in labs if matches(search_key(lab), words)],
            words,
        )
        for service in both_demo:
            total, page = service.search_labs(q, limit=1000)
            assert (total, [lab.id for lab in page]) == (len(expected), expected), q
    total, first = neo.search_labs("ijl", limit=5)
    assert first[0].acronym == "IJL" and first[0] == embedded.store.lab(first[0].id)
    assert embedded.search_labs("Lamour")[1][0].acronym == "IJL"
    # pages follow each other without gap or overlap
    for service in both_demo:
        total, whole = service.search_labs(limit=1000)
        assert total == len(labs)
        pages = [lab for at in range(0, total, 7) for lab in service.search_labs(None, 7, at)[1]]
        assert pages == whole
        assert service.search_labs(None, 5, total) == (total, [])


def test_neo4j_declares_its_constraints_and_indexes(
    both_demo: tuple[PairingService, PairingService],
) -> None:
    neo: Any = both_demo[1].store
    driver, database = neo.driver, neo.database
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type", database_=database
    )
    unique = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in records}
    for label in ("Lab", "Company", "Need", "Concept", "User", "Credential", "Introduction"):
        assert (label, ("id",)) in unique
    assert ("User", ("email",)) in unique
    assert ("Credential", ("digest",)) in unique
    assert ("Event", ("introduction_id", "seq")) in unique
    records, _, _ = driver.execute_query(
        "SHOW FULLTEXT INDEXES YIELD name, state", database_=database
    )
    assert {r["name"] for r in records} == {"lab_search", "concept_labels"}
    assert all(r["state"] == "ONLINE" for r in records)


def test_any_text_gets_the_same_ranking_from_both_stores(
    both_demo: tuple[PairingService, PairingService], vocabulary: list[Concept]
) -> None:
    embedded, neo = both_demo
    rng = random.Random(2026)
    labels = [label for c in vocabulary for label in (c.label_fr, c.label_en, *c.alt_fr)]
    filler = "nous cherchons un partenaire pour nos pièces et notre atelier de production".split()
    for _ in range(30):
        words = rng.sample(labels, rng.randint(1, 6)) + rng.sample(filler, rng.randint(0, 8))
        rng.shuffle(words)
        text = " ".join(words)
        _same_ranking(
            embedded.match_text(text, limit=20).ranking, neo.match_text(text, limit=20).ranking
        )


def test_the_cli_gives_the_same_json_on_both_stores(
    neo4j_store: Store, neo4j_uri: str, tmp_path: Path
) -> None:
    env = {**os.environ, "NEO4J_URI": neo4j_uri, "PASSERELLE_HOME": str(tmp_path)}
    text = "Nos soudures inox fissurent après pliage ; we also need a digital twin of the line."

    def cli(*args: str) -> str:
        return passerelle_output(env, *args)

    outputs = []
    for store in ("embedded", "neo4j"):
        cli("load-demo", "--store", store)
        outputs.append(json.loads(cli("match", "--store", store, "--json", "--limit", "20", text)))
    assert outputs[0]["pairings"], "the demo must pair this text with labs"
    assert outputs[0] == outputs[1]
