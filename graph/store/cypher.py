"""Every Cypher statement of the Neo4j store: fixed text, values always as $parameters."""

from __future__ import annotations

from typing import LiteralString

CONSTRAINT_QUERIES: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT lab_id IF NOT EXISTS FOR (n:Lab) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT need_id IF NOT EXISTS FOR (n:Need) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT concept_id IF NOT EXISTS FOR (n:Concept) REQUIRE n.id IS UNIQUE",
)
FULLTEXT_QUERIES: tuple[LiteralString, ...] = (
    "CREATE FULLTEXT INDEX lab_names IF NOT EXISTS FOR (n:Lab) ON EACH [n.name, n.acronym]",
    "CREATE FULLTEXT INDEX concept_labels IF NOT EXISTS FOR (n:Concept) "
    "ON EACH [n.label_fr, n.label_en, n.synonyms]",
)

UPSERT_CONCEPTS_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (c:Concept {id: row.id})
SET c.kind = row.kind, c.label_fr = row.label_fr, c.label_en = row.label_en,
    c.alt_fr = row.alt_fr, c.alt_en = row.alt_en, c.synonyms = row.synonyms,
    c.esco = row.esco, c.euroscivoc = row.euroscivoc, c.naf = row.naf
WITH c, row
OPTIONAL MATCH (c)-[old:BROADER]->()
DELETE old
"""

LINK_BROADER_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (c:Concept {id: row.id})
UNWIND row.broader AS broader_id
MATCH (b:Concept {id: broader_id})
MERGE (c)-[:BROADER]->(b)
"""

UPSERT_LABS_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (l:Lab {id: row.id})
SET l.name = row.name, l.acronym = row.acronym, l.city = row.city,
    l.description = row.description, l.language = row.language,
    l.keywords = row.keywords, l.terms = row.terms
WITH l, row
OPTIONAL MATCH (l)-[old:HAS_CAPABILITY]->()
DELETE old
"""

LINK_CAPABILITIES_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (l:Lab {id: row.id})
UNWIND row.mentions AS m
MERGE (c:Concept {id: m.concept_id})
CREATE (l)-[:HAS_CAPABILITY {weight: m.weight, evidence: m.evidence}]->(c)
"""

UPSERT_COMPANY_QUERY: LiteralString = """
MERGE (c:Company {id: $id})
SET c.name = $name, c.city = $city, c.naf = $naf, c.size = $size,
    c.illustrative = $illustrative
"""

NEED_EXISTS_QUERY: LiteralString = "MATCH (n:Need {id: $id}) RETURN count(n) AS n"
COMPANY_EXISTS_QUERY: LiteralString = "MATCH (c:Company {id: $id}) RETURN count(c) AS n"

UPSERT_NEED_QUERY: LiteralString = """
MATCH (c:Company {id: $company_id})
MERGE (n:Need {id: $id})
SET n.title = $title, n.text = $text, n.illustrative = $illustrative,
    n.language = $language, n.keywords = $keywords, n.terms = $terms, n.company_id = $company_id
WITH c, n
OPTIONAL MATCH ()-[e:EXPRESSES]->(n)
DELETE e
WITH c, n
MERGE (c)-[:EXPRESSES]->(n)
WITH n
OPTIONAL MATCH (n)-[old:REQUIRES]->()
DELETE old
WITH DISTINCT n
UNWIND $mentions AS m
MERGE (k:Concept {id: m.concept_id})
CREATE (n)-[:REQUIRES {weight: m.weight, evidence: m.evidence}]->(k)
"""

CONCEPTS_QUERY: LiteralString = """
MATCH (c:Concept) WHERE c.label_fr IS NOT NULL
OPTIONAL MATCH (c)-[:BROADER]->(b:Concept)
WITH c, b ORDER BY b.id
RETURN c {.*} AS c, collect(b.id) AS broader
ORDER BY c.id
"""

LABS_QUERY: LiteralString = "MATCH (l:Lab) RETURN l {.*} AS l ORDER BY l.id"
LAB_QUERY: LiteralString = "MATCH (l:Lab {id: $id}) RETURN l {.*} AS l"

LAB_PROFILES_QUERY: LiteralString = """
MATCH (l:Lab)
OPTIONAL MATCH (l)-[r:HAS_CAPABILITY]->(c:Concept)
WITH l, r, c ORDER BY c.id
RETURN l.id AS id, l.language AS language, l.keywords AS keywords, l.terms AS terms,
       collect(CASE WHEN c IS NULL THEN NULL
               ELSE {concept_id: c.id, weight: r.weight, evidence: r.evidence} END) AS mentions
ORDER BY id
"""

COMPANY_QUERY: LiteralString = "MATCH (c:Company {id: $id}) RETURN c {.*} AS c"
NEEDS_QUERY: LiteralString = "MATCH (n:Need) RETURN n {.*} AS n ORDER BY n.id"
NEED_QUERY: LiteralString = "MATCH (n:Need {id: $id}) RETURN n {.*} AS n"

NEED_PROFILES_QUERY: LiteralString = """
MATCH (n:Need)
OPTIONAL MATCH (n)-[r:REQUIRES]->(c:Concept)
WITH n, r, c ORDER BY c.id
RETURN n.id AS id, n.language AS language, n.keywords AS keywords, n.terms AS terms,
       collect(CASE WHEN c IS NULL THEN NULL
               ELSE {concept_id: c.id, weight: r.weight, evidence: r.evidence} END) AS mentions
ORDER BY id
"""

NEED_PROFILE_QUERY: LiteralString = """
MATCH (n:Need {id: $id})
OPTIONAL MATCH (n)-[r:REQUIRES]->(c:Concept)
WITH n, r, c ORDER BY c.id
RETURN n.id AS id, n.language AS language, n.keywords AS keywords, n.terms AS terms,
       collect(CASE WHEN c IS NULL THEN NULL
               ELSE {concept_id: c.id, weight: r.weight, evidence: r.evidence} END) AS mentions
"""

REVISION_QUERY: LiteralString = """
CALL () { MATCH (l:Lab) RETURN count(l) AS labs }
CALL () { MATCH (c:Concept) RETURN count(c) AS concepts }
CALL () { MATCH ()-[r:HAS_CAPABILITY]->() RETURN count(r) AS capabilities }
CALL () { MATCH ()-[r:BROADER]->() RETURN count(r) AS broader }
RETURN labs, concepts, capabilities, broader
"""

NODE_COUNTS_QUERY: LiteralString = """
UNWIND ['Concept', 'Lab', 'Company', 'Need'] AS label
CALL (label) {
  MATCH (n) WHERE label IN labels(n) AND (label <> 'Concept' OR n.label_fr IS NOT NULL)
  RETURN count(n) AS n
}
RETURN label, n
"""

RELATIONSHIP_COUNTS_QUERY: LiteralString = """
UNWIND ['BROADER', 'HAS_CAPABILITY', 'EXPRESSES', 'REQUIRES'] AS type
CALL (type) {
  MATCH ()-[r]->() WHERE type(r) = type
  RETURN count(r) AS n
}
RETURN type, n
"""

WIPE_QUERY: LiteralString = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
