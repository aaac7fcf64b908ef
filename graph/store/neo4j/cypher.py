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
    "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT user_email IF NOT EXISTS FOR (n:User) REQUIRE n.email IS UNIQUE",
    "CREATE CONSTRAINT credential_id IF NOT EXISTS FOR (n:Credential) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT credential_digest IF NOT EXISTS "
    "FOR (n:Credential) REQUIRE n.digest IS UNIQUE",
    "CREATE CONSTRAINT introduction_id IF NOT EXISTS FOR (n:Introduction) REQUIRE n.id IS UNIQUE",
    # one event per place in a trail (a node key needs the Enterprise edition)
    "CREATE CONSTRAINT event_seq IF NOT EXISTS "
    "FOR (n:Event) REQUIRE (n.introduction_id, n.seq) IS UNIQUE",
)
INDEX_QUERIES: tuple[LiteralString, ...] = (
    "CREATE INDEX credential_user IF NOT EXISTS FOR (n:Credential) ON (n.user_id)",
    "CREATE INDEX introduction_need IF NOT EXISTS FOR (n:Introduction) ON (n.need_id)",
)
FULLTEXT_QUERIES: tuple[LiteralString, ...] = (
    # the key is folded already (graph.rules.search): split on spaces, nothing else
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

# -- needs' life -------------------------------------------------------------------------------
# the need's node holds its text and its profile; its EXPRESSES and REQUIRES links go with it
DELETE_NEED_QUERY: LiteralString = """
MATCH (n:Need {id: $id})
DETACH DELETE n
RETURN count(*) AS deleted
"""

# -- accounts: each model as one JSON document (doc), its keys as properties -------------------
OTHER_USER_WITH_EMAIL_QUERY: LiteralString = """
MATCH (u:User {email: $email}) WHERE u.id <> $id
RETURN u.id AS id LIMIT 1
"""
UPSERT_USER_QUERY: LiteralString = """
MERGE (u:User {id: $id})
SET u.email = $email, u.doc = $doc
"""
USER_QUERY: LiteralString = "MATCH (u:User {id: $id}) RETURN u.doc AS doc"
USER_BY_EMAIL_QUERY: LiteralString = "MATCH (u:User {email: $email}) RETURN u.doc AS doc"
USERS_QUERY: LiteralString = "MATCH (u:User) RETURN u.doc AS doc ORDER BY u.email"

UPSERT_CREDENTIAL_QUERY: LiteralString = """
MATCH (u:User {id: $user_id})
MERGE (c:Credential {id: $id})
SET c.user_id = $user_id, c.digest = $digest, c.doc = $doc
MERGE (c)-[:OF]->(u)
RETURN count(c) AS written
"""
CREDENTIAL_QUERY: LiteralString = "MATCH (c:Credential {digest: $digest}) RETURN c.doc AS doc"
CREDENTIALS_QUERY: LiteralString = (
    "MATCH (c:Credential {user_id: $user_id}) RETURN c.doc AS doc ORDER BY c.id"
)
# setting a property takes the nodes' write locks first, so that the documents read next are
# the last committed ones and no other transaction changes them before this one ends
LOCK_CREDENTIAL_QUERY: LiteralString = """
MATCH (c:Credential {id: $id})
SET c._lock = true
REMOVE c._lock
RETURN c.doc AS doc
"""
LOCK_CREDENTIALS_QUERY: LiteralString = """
MATCH (c:Credential {user_id: $user_id})
SET c._lock = true
REMOVE c._lock
RETURN c.doc AS doc
"""
SET_CREDENTIAL_DOCS_QUERY: LiteralString = """
UNWIND $rows AS row
MATCH (c:Credential {id: row.id})
SET c.doc = row.doc
"""

# -- introductions and their append-only trail -------------------------------------------------
# MERGE on the unique id serialises concurrent adds; an introduction always has its first
# event, so one without any is the one just created (else: it existed, nothing is written)
ADD_INTRODUCTION_QUERY: LiteralString = """
MERGE (i:Introduction {id: $id})
ON CREATE SET i.need_id = $need_id, i.lab_id = $lab_id, i.version = $version, i.doc = $doc
WITH i WHERE NOT EXISTS { (i)-[:HAS_EVENT]->(:Event) }
CREATE (i)-[:HAS_EVENT]->(:Event {introduction_id: $id, seq: $seq, doc: $event_doc})
RETURN count(i) AS created
"""
# compare-and-set: the write lock is taken before the version is read (no lost update)
RECORD_EVENT_QUERY: LiteralString = """
MATCH (i:Introduction {id: $id})
SET i._lock = true
REMOVE i._lock
WITH i WHERE i.version = $expected
SET i.version = $version, i.doc = $doc
CREATE (i)-[:HAS_EVENT]->(:Event {introduction_id: $id, seq: $seq, doc: $event_doc})
RETURN count(i) AS changed
"""
INTRODUCTION_QUERY: LiteralString = "MATCH (i:Introduction {id: $id}) RETURN i.doc AS doc"
INTRODUCTIONS_QUERY: LiteralString = """
MATCH (i:Introduction) WHERE $need_id IS NULL OR i.need_id = $need_id
RETURN i.doc AS doc ORDER BY i.need_id, i.lab_id
"""
EVENTS_QUERY: LiteralString = """
MATCH (:Introduction {id: $id})-[:HAS_EVENT]->(e:Event)
RETURN e.doc AS doc ORDER BY e.seq
"""
