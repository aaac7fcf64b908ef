"""Every Cypher statement of the Neo4j store: fixed text, values always as $parameters."""

from __future__ import annotations

from typing import LiteralString

CONSTRAINT_QUERIES: tuple[LiteralString, ...] = (
    "CREATE CONSTRAINT lab_id IF NOT EXISTS FOR (n:Lab) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT need_id IF NOT EXISTS FOR (n:Need) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT concept_id IF NOT EXISTS FOR (n:Concept) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (n:Meta) REQUIRE n.id IS UNIQUE",
)
FULLTEXT_QUERIES: tuple[LiteralString, ...] = (
    # the key is folded already (graph.search): split on spaces, nothing else
    "CREATE FULLTEXT INDEX lab_search IF NOT EXISTS FOR (n:Lab) ON EACH [n.search_key] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
    "CREATE FULLTEXT INDEX concept_labels IF NOT EXISTS FOR (n:Concept) "
    "ON EACH [n.label_fr, n.label_en, n.synonyms]",
)
# indexes of earlier versions, no longer used
DROP_QUERIES: tuple[LiteralString, ...] = ("DROP INDEX lab_names IF EXISTS",)
AWAIT_INDEXES_QUERY: LiteralString = "CALL db.awaitIndexes(300)"

STALE_SEARCH_KEYS_QUERY: LiteralString = """
MATCH (l:Lab) WHERE l.search_key IS NULL
RETURN l.id AS id, l.name AS name, l.acronym AS acronym, l.city AS city
"""
SET_SEARCH_KEYS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (l:Lab {id: row.id})
SET l.search_key = row.key
"""
SEARCH_LABS_QUERY: LiteralString = """
CALL db.index.fulltext.queryNodes('lab_search', $lucene) YIELD node
RETURN node.id AS id, node.name AS name, node.acronym AS acronym
"""
LAB_NAMES_QUERY: LiteralString = (
    "MATCH (l:Lab) RETURN l.id AS id, l.name AS name, l.acronym AS acronym"
)
LABS_BY_ID_QUERY: LiteralString = "UNWIND $ids AS id MATCH (l:Lab {id: id}) RETURN l {.*} AS l"

UPSERT_CONCEPTS_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (c:Concept {id: row.id})
SET c += row.props
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
SET l += row
WITH l, row
OPTIONAL MATCH (l)-[old:HAS_CAPABILITY]->()
DELETE old
"""

LINK_CAPABILITIES_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (l:Lab {id: row.id})
UNWIND row.mentions AS m
MERGE (c:Concept {id: m.concept_id})
CREATE (l)-[r:HAS_CAPABILITY]->(c)
SET r = m.props
"""

UPSERT_COMPANIES_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
SET c += row
"""

UPSERT_PROJECTS_QUERY: LiteralString = """
UNWIND $rows AS row
MERGE (p:Project {id: row.id})
SET p += row
"""

MISSING_PARTNERS_QUERY: LiteralString = """
UNWIND $rows AS row
OPTIONAL MATCH (l:Lab {id: row.partner_id}) WHERE row.partner_kind = 'lab'
OPTIONAL MATCH (c:Company {id: row.partner_id}) WHERE row.partner_kind = 'company'
WITH row WHERE l IS NULL AND c IS NULL
RETURN row.partner_kind AS kind, row.partner_id AS id LIMIT 1
"""

LINK_PARTICIPATIONS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (p:Project {id: row.project_id})
CALL (row) {
    MATCH (l:Lab {id: row.partner_id}) WHERE row.partner_kind = 'lab'
    RETURN l AS partner
    UNION
    MATCH (c:Company {id: row.partner_id}) WHERE row.partner_kind = 'company'
    RETURN c AS partner
}
MERGE (partner)-[r:PARTICIPATED_IN]->(p)
SET r += row.props
"""

LINK_PROJECT_TOPICS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (p:Project {id: row.id})
OPTIONAL MATCH (p)-[old:ABOUT]->()
DELETE old
WITH DISTINCT p, row
UNWIND row.mentions AS m
MERGE (c:Concept {id: m.concept_id})
CREATE (p)-[r:ABOUT]->(c)
SET r = m.props
"""

LINK_LAB_PARENTS_QUERY: LiteralString = """
MATCH (l:Lab) WHERE size(coalesce(l.parent_ids, [])) > 0
UNWIND l.parent_ids AS parent_id
MATCH (parent:Lab {id: parent_id})
MERGE (l)-[:PART_OF]->(parent)
"""

DELETE_COLLABORATIONS_QUERY: LiteralString = "MATCH ()-[r:COLLABORATED_WITH]->() DELETE r"

CREATE_COLLABORATIONS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (l:Lab {id: row.lab_id})
MATCH (c:Company {id: row.company_id})
CREATE (l)-[r:COLLABORATED_WITH]->(c)
SET r = row.props
"""

COMPANIES_QUERY: LiteralString = "MATCH (c:Company) RETURN c {.*} AS c ORDER BY c.id"
PROJECTS_QUERY: LiteralString = "MATCH (p:Project) RETURN p {.*} AS p ORDER BY p.id"

PARTICIPATIONS_QUERY: LiteralString = """
MATCH (x)-[r:PARTICIPATED_IN]->(p:Project)
WITH p, x, r, CASE WHEN x:Lab THEN 'lab' ELSE 'company' END AS partner_kind
ORDER BY p.id, partner_kind, x.id
RETURN r {.*, project_id: p.id, partner_kind: partner_kind, partner_id: x.id} AS r
"""

COLLABORATIONS_QUERY: LiteralString = """
MATCH (l:Lab)-[r:COLLABORATED_WITH]->(c:Company)
WHERE $lab_id IS NULL OR l.id = $lab_id
WITH l, c, r ORDER BY l.id, c.id
RETURN r {.*, lab_id: l.id, company_id: c.id} AS r
"""

MISSING_COMPANIES_QUERY: LiteralString = """
UNWIND $ids AS id
OPTIONAL MATCH (c:Company {id: id})
WITH id WHERE c IS NULL
RETURN id ORDER BY id LIMIT 1
"""

EXISTING_NEEDS_QUERY: LiteralString = """
UNWIND $ids AS id
MATCH (n:Need {id: id})
RETURN count(n) AS n
"""

UPSERT_NEEDS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (c:Company {id: row.company_id})
MERGE (n:Need {id: row.id})
SET n += row
WITH c, n
CALL (n) { MATCH ()-[e:EXPRESSES]->(n) DELETE e }
CALL (n) { MATCH (n)-[old:REQUIRES]->() DELETE old }
CREATE (c)-[:EXPRESSES]->(n)
"""

LINK_REQUIREMENTS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (n:Need {id: row.id})
UNWIND row.mentions AS m
MERGE (k:Concept {id: m.concept_id})
CREATE (n)-[r:REQUIRES]->(k)
SET r = m.props
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

# a profile reads only the extraction's properties ($fields) of its owner's node, not its texts
LAB_PROFILES_QUERY: LiteralString = """
MATCH (l:Lab)
OPTIONAL MATCH (l)-[r:HAS_CAPABILITY]->(c:Concept)
WITH l, r, c ORDER BY c.id
WITH l, collect(CASE WHEN c IS NULL THEN NULL ELSE r {.*, concept_id: c.id} END) AS mentions
RETURN l.id AS id, [k IN $fields | l[k]] AS profile, mentions
ORDER BY id
"""

LAB_PROFILE_QUERY: LiteralString = """
MATCH (l:Lab {id: $id})
OPTIONAL MATCH (l)-[r:HAS_CAPABILITY]->(c:Concept)
WITH l, r, c ORDER BY c.id
WITH l, collect(CASE WHEN c IS NULL THEN NULL ELSE r {.*, concept_id: c.id} END) AS mentions
RETURN l.id AS id, [k IN $fields | l[k]] AS profile, mentions
"""

COMPANY_QUERY: LiteralString = "MATCH (c:Company {id: $id}) RETURN c {.*} AS c"
NEEDS_QUERY: LiteralString = "MATCH (n:Need) RETURN n {.*} AS n ORDER BY n.id"
NEED_QUERY: LiteralString = "MATCH (n:Need {id: $id}) RETURN n {.*} AS n"

NEED_PROFILES_QUERY: LiteralString = """
MATCH (n:Need)
OPTIONAL MATCH (n)-[r:REQUIRES]->(c:Concept)
WITH n, r, c ORDER BY c.id
WITH n, collect(CASE WHEN c IS NULL THEN NULL ELSE r {.*, concept_id: c.id} END) AS mentions
RETURN n.id AS id, [k IN $fields | n[k]] AS profile, mentions
ORDER BY id
"""

NEED_PROFILE_QUERY: LiteralString = """
MATCH (n:Need {id: $id})
OPTIONAL MATCH (n)-[r:REQUIRES]->(c:Concept)
WITH n, r, c ORDER BY c.id
WITH n, collect(CASE WHEN c IS NULL THEN NULL ELSE r {.*, concept_id: c.id} END) AS mentions
RETURN n.id AS id, [k IN $fields | n[k]] AS profile, mentions
"""

STORED_NEED_QUERY: LiteralString = """
MATCH (n:Need {id: $id})
OPTIONAL MATCH (c:Company {id: n.company_id})
OPTIONAL MATCH (n)-[r:REQUIRES]->(k:Concept)
WITH n, c, r, k ORDER BY k.id
RETURN n {.*} AS n, c {.*} AS c,
       collect(CASE WHEN k IS NULL THEN NULL
               ELSE r {.*, concept_id: k.id} END) AS mentions
"""

# the store's revision: one node, given a new token by every write of what matching reads
REVISION_QUERY: LiteralString = (
    "OPTIONAL MATCH (m:Meta {id: 'revision'}) RETURN coalesce(m.token, '') AS token"
)
BUMP_REVISION_QUERY: LiteralString = "MERGE (m:Meta {id: 'revision'}) SET m.token = $token"

COUNTS_QUERY: LiteralString = """
CALL () { MATCH (n:Concept) WHERE n.label_fr IS NOT NULL RETURN count(n) AS concepts }
CALL () { MATCH (n:Lab) RETURN count(n) AS labs }
CALL () { MATCH (n:Company) RETURN count(n) AS companies }
CALL () { MATCH (n:Need) RETURN count(n) AS needs }
CALL () { MATCH (n:Project) RETURN count(n) AS projects }
CALL () { MATCH ()-[r:BROADER]->() RETURN count(r) AS broader }
CALL () { MATCH ()-[r:HAS_CAPABILITY]->() RETURN count(r) AS has_capability }
CALL () { MATCH ()-[r:EXPRESSES]->() RETURN count(r) AS expresses }
CALL () { MATCH ()-[r:REQUIRES]->() RETURN count(r) AS requires }
CALL () { MATCH ()-[r:PARTICIPATED_IN]->() RETURN count(r) AS participated_in }
CALL () { MATCH ()-[r:COLLABORATED_WITH]->() RETURN count(r) AS collaborated_with }
CALL () { MATCH ()-[r:PART_OF]->() RETURN count(r) AS part_of }
CALL () { MATCH ()-[r:ABOUT]->() RETURN count(r) AS about }
RETURN concepts, labs, companies, needs, projects, broader, has_capability, expresses,
       requires, participated_in, collaborated_with, part_of, about
"""

WIPE_QUERY: LiteralString = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
