"""A Neo4j graph written by the versions whose writers listed fields by hand reads back whole.

The graph below is written with the statements of those versions (values as parameters): a
lab keeping some fields in one JSON ``attrs`` property and its terms as a list, a capability
without ``sources`` (written before they existed), a company without the optional properties
it had no value for. The store of today must read every field of it, and its own rewrite must
read the same.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.model import Collaboration, Company, ConceptMention, Extraction, Lab, Need, Participation
from graph.store.neo4j import Neo4jGraphStore

pytestmark = pytest.mark.integration

LEGACY = [
    (
        """
        CREATE (:Concept {id: 'welding', kind: 'process', label_fr: 'soudage',
                          label_en: 'welding', alt_fr: ['soudure'], alt_en: [],
                          synonyms: 'soudure', naf: '25.62B', source: 'passerelle'})
        """,
        {},
    ),
    (
        """
        CREATE (l:Lab {id: $id, name: $name, acronym: 'LEM3', city: 'Metz',
                       description: 'Soudage.', language: 'fr', keywords: ['mise en forme'],
                       terms: ['soudag', 'form'], postcode: '57070',
                       institutions: ['Université de Lorraine', 'CNRS'],
                       parent_ids: ['200918462H'], domains: 'SPI', search_key: 'lem3',
                       attrs: $attrs})
        WITH l MATCH (c:Concept {id: 'welding'})
        CREATE (l)-[:HAS_CAPABILITY {weight: 0.75, evidence: ['soudage']}]->(c)
        """,
        {
            "id": "201119725X",
            "name": "Laboratoire d'Étude des Microstructures",
            "attrs": '{"kind": "unit", "institution_codes": ["LORRAINE", "CNRS"], "panels":'
            ' "PE8", "description_en": "Welding.", "description_source": "passerelle,'
            ' 2026-12-01", "profile_key": "abc"}',
        },
    ),
    (
        """
        CREATE (c:Company {id: 'acme', name: 'Acme', city: 'Metz', illustrative: true,
                           category: 'PME'})
        CREATE (n:Need {id: 'need-1', title: 'Soudures', text: 'Nos soudures « TIG » cassent.',
                        illustrative: false, language: 'fr', keywords: [], terms: 'soudur cass',
                        company_id: 'acme'})
        CREATE (c)-[:EXPRESSES]->(n)
        WITH n MATCH (k:Concept {id: 'welding'})
        CREATE (n)-[:REQUIRES {weight: 0.5, evidence: ['soudures'], sources: []}]->(k)
        """,
        {},
    ),
    (
        """
        MATCH (l:Lab {id: '201119725X'}), (c:Company {id: 'acme'})
        CREATE (p:Project {id: 'ANR-1', source: 'anr', year: 2021, text: ''})
        CREATE (l)-[:PARTICIPATED_IN {coordinator: true}]->(p)
        CREATE (c)-[:PARTICIPATED_IN {coordinator: false}]->(p)
        CREATE (l)-[:COLLABORATED_WITH {projects: 1, years: [2021]}]->(c)
        """,
        {},
    ),
]

LAB = Lab(
    id="201119725X",
    name="Laboratoire d'Étude des Microstructures",
    acronym="LEM3",
    city="Metz",
    description="Soudage.",
    postcode="57070",
    institutions=("Université de Lorraine", "CNRS"),
    parent_ids=("200918462H",),
    domains="SPI",
    kind="unit",
    institution_codes=("LORRAINE", "CNRS"),
    panels="PE8",
    description_en="Welding.",
    description_source="passerelle, 2026-12-01",
    profile_key="abc",
)
PROFILE = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="welding", weight=0.75, evidence=("soudage",)),),
    keywords=("mise en forme",),
    terms=("soudag", "form"),
)
COMPANY = Company(id="acme", name="Acme", city="Metz", illustrative=True, category="PME")
NEED = Need(id="need-1", company_id="acme", title="Soudures", text="Nos soudures « TIG » cassent.")
NEED_PROFILE = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="welding", weight=0.5, evidence=("soudures",)),),
    terms=("soudur", "cass"),
)


def reads(store: Neo4jGraphStore) -> dict[str, Any]:
    return {
        "labs": store.labs(),
        "lab_profiles": store.lab_profiles(),
        "companies": store.companies(),
        "stored_need": store.stored_need("need-1"),
        "projects": store.projects(),
        "participations": store.participations(),
        "collaborations": store.collaborations(),
        "counts": store.counts(),
    }


def test_a_graph_written_by_an_earlier_version_reads_back_whole(neo4j_store: Any) -> None:
    store: Neo4jGraphStore = neo4j_store
    for query, params in LEGACY:
        store.driver.execute_query(query, params, database_=store.database)
    before = reads(store)
    assert before["labs"] == [LAB]
    assert store.lab(LAB.id) == LAB
    assert before["lab_profiles"] == {LAB.id: PROFILE}
    assert before["companies"] == [COMPANY]
    assert before["stored_need"] == (NEED, NEED_PROFILE, COMPANY)
    assert [p.id for p in before["projects"]] == ["ANR-1"]
    assert before["participations"] == [
        Participation(project_id="ANR-1", partner_kind="company", partner_id="acme"),
        Participation(project_id="ANR-1", partner_kind="lab", partner_id=LAB.id, coordinator=True),
    ]
    assert before["collaborations"] == [
        Collaboration(lab_id=LAB.id, company_id="acme", projects=1, years=(2021,))
    ]
    # rewritten by today's store: the same reads, and no JSON document left on the lab
    store.upsert_labs([(LAB, PROFILE)])
    store.upsert_needs([(NEED, NEED_PROFILE)], [COMPANY])
    assert reads(store) == before
    records, _, _ = store.driver.execute_query(
        "MATCH (l:Lab {id: $id}) RETURN l.attrs AS attrs, l.kind AS kind",
        {"id": LAB.id},
        database_=store.database,
    )
    assert (records[0]["attrs"], records[0]["kind"]) == (None, "unit")
