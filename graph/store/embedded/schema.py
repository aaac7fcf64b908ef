"""The embedded store's tables: the schema, the columns added since the first release, and the
keys of each table."""

from __future__ import annotations

DB_NAME = "passerelle.sqlite3"


SCHEMA = """
CREATE TABLE IF NOT EXISTS concept (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, label_fr TEXT NOT NULL, label_en TEXT NOT NULL,
    alt_fr TEXT NOT NULL, alt_en TEXT NOT NULL, esco TEXT, euroscivoc TEXT, naf TEXT);
CREATE TABLE IF NOT EXISTS broader (
    concept_id TEXT NOT NULL, broader_id TEXT NOT NULL, PRIMARY KEY (concept_id, broader_id));
CREATE TABLE IF NOT EXISTS lab (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, acronym TEXT, city TEXT, description TEXT NOT NULL,
    language TEXT NOT NULL, keywords TEXT NOT NULL, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS has_capability (
    lab_id TEXT NOT NULL REFERENCES lab(id), concept_id TEXT NOT NULL, weight REAL NOT NULL,
    evidence TEXT NOT NULL, PRIMARY KEY (lab_id, concept_id));
CREATE TABLE IF NOT EXISTS company (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, city TEXT, naf TEXT, size TEXT,
    illustrative INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS need (
    id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES company(id), title TEXT NOT NULL,
    text TEXT NOT NULL, illustrative INTEGER NOT NULL, language TEXT NOT NULL,
    keywords TEXT NOT NULL, terms TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requires (
    need_id TEXT NOT NULL REFERENCES need(id), concept_id TEXT NOT NULL, weight REAL NOT NULL,
    evidence TEXT NOT NULL, PRIMARY KEY (need_id, concept_id));
CREATE TABLE IF NOT EXISTS project (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, acronym TEXT, year INTEGER, topic_code TEXT,
    topic TEXT, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participation (
    project_id TEXT NOT NULL REFERENCES project(id), partner_kind TEXT NOT NULL,
    partner_id TEXT NOT NULL, coordinator INTEGER NOT NULL,
    PRIMARY KEY (project_id, partner_kind, partner_id));
CREATE INDEX IF NOT EXISTS participation_partner ON participation (partner_kind, partner_id);
CREATE TABLE IF NOT EXISTS project_about (
    project_id TEXT NOT NULL REFERENCES project(id), concept_id TEXT NOT NULL,
    weight REAL NOT NULL, evidence TEXT NOT NULL, PRIMARY KEY (project_id, concept_id));
CREATE TABLE IF NOT EXISTS collaboration (
    lab_id TEXT NOT NULL REFERENCES lab(id), company_id TEXT NOT NULL REFERENCES company(id),
    projects INTEGER NOT NULL, years TEXT NOT NULL, PRIMARY KEY (lab_id, company_id));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS credential (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES account(id),
    digest TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS credential_user ON credential (user_id);
CREATE TABLE IF NOT EXISTS introduction (
    id TEXT PRIMARY KEY, need_id TEXT NOT NULL, lab_id TEXT NOT NULL, version INTEGER NOT NULL,
    doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS introduction_need ON introduction (need_id);
CREATE TABLE IF NOT EXISTS introduction_event (
    introduction_id TEXT NOT NULL REFERENCES introduction(id), seq INTEGER NOT NULL,
    doc TEXT NOT NULL, PRIMARY KEY (introduction_id, seq));
-- the audit trail is append-only, whoever opens the file
CREATE TRIGGER IF NOT EXISTS introduction_event_no_update BEFORE UPDATE ON introduction_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS introduction_event_no_delete BEFORE DELETE ON introduction_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


# columns added after the first release: (table, column, definition)
MIGRATIONS = (
    ("lab", "postcode", "TEXT"),
    ("lab", "institutions", "TEXT NOT NULL DEFAULT '[]'"),
    ("lab", "parent_ids", "TEXT NOT NULL DEFAULT '[]'"),
    ("lab", "domains", "TEXT NOT NULL DEFAULT ''"),
    ("company", "category", "TEXT"),
    ("company", "region", "TEXT"),
    ("company", "siren", "TEXT"),
    ("concept", "source", "TEXT NOT NULL DEFAULT 'passerelle'"),
    ("lab", "search_key", "TEXT NOT NULL DEFAULT ''"),
    ("lab", "attrs", "TEXT NOT NULL DEFAULT '{}'"),
    ("has_capability", "sources", "TEXT NOT NULL DEFAULT '[]'"),
    ("requires", "sources", "TEXT NOT NULL DEFAULT '[]'"),
    ("project_about", "sources", "TEXT NOT NULL DEFAULT '[]'"),
    # a model's fields without a column of their own are kept in its row's JSON document
    *(
        (table, "attrs", "TEXT NOT NULL DEFAULT '{}'")
        for table in (
            "concept",
            "company",
            "need",
            "project",
            "participation",
            "collaboration",
            "has_capability",
            "requires",
            "project_about",
        )
    ),
    ("lab", "profile_attrs", "TEXT NOT NULL DEFAULT '{}'"),
    ("need", "profile_attrs", "TEXT NOT NULL DEFAULT '{}'"),
)


MENTION_TABLES = {"has_capability": "lab_id", "requires": "need_id", "project_about": "project_id"}


KEYS = {
    **{table: (key, "concept_id") for table, key in MENTION_TABLES.items()},
    "participation": ("project_id", "partner_kind", "partner_id"),
    "collaboration": ("lab_id", "company_id"),
}
