"""Embedded store: the graph in one SQLite file, for a laptop with no server.

SQLite in WAL mode with ``synchronous=FULL``: a write is acknowledged only once it is on disk, and
a crash or a kill during a write leaves the previous state intact (the half-written transaction is
rolled back when the file is next opened).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from graph.errors import ConflictError, StoreError
from graph.model import (
    Collaboration,
    Company,
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Need,
    Participation,
    Project,
)
from graph.rules.accounts import Credential, User
from graph.rules.search import order, query_words, search_key
from graph.rules.workflow import Event, Introduction
from graph.store.rows import check_disjoint, dump, is_list

DB_NAME = "passerelle.sqlite3"

_SCHEMA = """
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
_MIGRATIONS = (
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
_encode = json.JSONEncoder().encode
_decode = json.JSONDecoder().decode
_MENTION_TABLES = {"has_capability": "lab_id", "requires": "need_id", "project_about": "project_id"}
_KEYS = {
    **{table: (key, "concept_id") for table, key in _MENTION_TABLES.items()},
    "participation": ("project_id", "partner_kind", "partner_id"),
    "collaboration": ("lab_id", "company_id"),
}


class _Shape:
    """How one model lies in one table: each field with a column of the same name is stored
    there (JSON text for sequences), every other field in the row's ``attrs`` JSON document.

    The columns are read from the table itself, so that a field added to a model is stored
    (in ``attrs``) without anything written here, and reads back as it was written.
    """

    def __init__(
        self,
        model: type[BaseModel],
        table_columns: Iterable[str],
        *,
        attrs: str = "attrs",
        exclude: Iterable[str] = (),
    ) -> None:
        have = set(table_columns)
        self.model = model
        self.attrs = attrs
        self.exclude = frozenset(exclude)
        fields = [f for f in model.model_fields if f not in self.exclude]
        self.columns = tuple(f for f in fields if f in have)
        self.lists = frozenset(f for f in self.columns if is_list(model, f))
        self.plain = tuple(f for f in self.columns if f not in self.lists)
        self.overflow = tuple(f for f in fields if f not in have)
        """The fields kept in the ``attrs`` document (none for most tables)."""
        if attrs not in have:
            raise TypeError(f"no {attrs} column for {model.__name__}")

    # the common cases (an empty list, no field in attrs) skip the JSON codec: a store reads
    # and writes hundreds of thousands of mentions
    def encode(self, dumped: Mapping[str, Any]) -> dict[str, Any]:
        """Column values from ``dump(obj)``."""
        row = {c: dumped[c] for c in self.plain}
        for c in self.lists:
            value = dumped[c]
            row[c] = _encode(value) if value or value is None else "[]"
        overflow = {k: dumped[k] for k in self.overflow}
        row[self.attrs] = _encode(overflow) if overflow else "{}"
        return row

    def decode(self, row: sqlite3.Row, more: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Field values from a row (and ``more``: the fields kept in other tables)."""
        values = {c: row[c] for c in self.plain}
        for c in self.lists:
            text = row[c]
            values[c] = _decode(text) if text != "[]" else ()
        attrs = row[self.attrs]
        if attrs != "{}":
            values.update(_decode(attrs))
        if more:
            values.update(more)
        return values

    def read(self, row: sqlite3.Row, **more: Any) -> Any:
        """The model from a row (``more``: the fields kept in other tables)."""
        return self.model.model_validate(self.decode(row, more))

    def upsert_sql(self, table: str, key: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
        """An upsert of this shape's columns (and ``extra`` ones) into ``table``.

        Table and column names come from the schema and the models, never from input."""
        columns = (*self.columns, self.attrs, *extra)
        names = [*key, *(c for c in columns if c not in key)]
        update = ", ".join(f"{c}=excluded.{c}" for c in names if c not in key)
        return (
            f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608
            f" VALUES ({', '.join(':' + c for c in names)})"
            f" ON CONFLICT({', '.join(key)}) DO UPDATE SET {update}"
        )


class EmbeddedGraphStore:
    """The graph store in a single SQLite file under ``home``.

    Parameters
    ----------
    home : Path
        Folder of the store (the deployment's ``$PASSERELLE_HOME``: ``api.settings``).
    """

    def __init__(self, home: Path) -> None:
        self.home = home
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.home / DB_NAME, check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            # what is deleted (a withdrawn need's text) is overwritten, not left in free pages
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(_SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as e:
            raise StoreError(
                f"Impossible d'ouvrir le stockage embarqué dans {self.home} : {e}",
                f"Cannot open the embedded store in {self.home}: {e}",
            ) from e
        self._lock = threading.RLock()
        self._shapes = self._read_shapes()
        self._sql = {
            table: shape.upsert_sql(table, _KEYS.get(table, ("id",)))
            for table, shape in self._shapes.items()
            if not table.endswith("_profile")
        }
        for table in ("lab", "need"):  # the extraction shares the row
            profile = self._shapes[f"{table}_profile"]
            extra = (*profile.columns, profile.attrs, *(("search_key",) if table == "lab" else ()))
            self._sql[table] = self._shapes[table].upsert_sql(table, ("id",), extra)

    # -- plumbing ---------------------------------------------------------------------------
    def _read_shapes(self) -> dict[str, _Shape]:
        """Each table's shape, from its columns."""

        def columns(table: str) -> list[str]:
            return [r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")]

        stored: list[tuple[str, type[BaseModel], tuple[str, ...]]] = [
            ("concept", Concept, ("broader",)),  # BROADER: its own table
            ("lab", Lab, ()),
            ("company", Company, ()),
            ("need", Need, ()),
            ("project", Project, ()),
            ("participation", Participation, ()),
            ("collaboration", Collaboration, ()),
            *((table, ConceptMention, ()) for table in _MENTION_TABLES),
        ]
        shapes = {
            table: _Shape(model, columns(table), exclude=exclude)
            for table, model, exclude in stored
        }
        for table in ("lab", "need"):
            check_disjoint(shapes[table].model, Extraction)
            shapes[f"{table}_profile"] = _Shape(
                Extraction, columns(table), attrs="profile_attrs", exclude=("mentions",)
            )
        return shapes

    def _migrate(self) -> None:
        """Add the columns a store written by an earlier version lacks, and the labs' search keys."""
        todo = []
        for table, column, definition in _MIGRATIONS:
            have = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                todo.append(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        if todo:
            self._transaction(todo, [])
        # labs written before search keys existed get theirs (a name is never empty)
        stale = self._conn.execute(
            "SELECT id, name, acronym, city FROM lab WHERE search_key = ''"
        ).fetchall()
        if stale:
            keys = [
                (search_key(Lab(id=i, name=n, acronym=a, city=c, description="")), i)
                for i, n, a, c in stale
            ]
            self._transaction([], keys)

    def _transaction(self, statements: list[str], search_keys: list[tuple[str, str]]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                self._conn.execute(statement)
            self._conn.executemany("UPDATE lab SET search_key = ? WHERE id = ?", search_keys)
            self._conn.execute("COMMIT")
        except sqlite3.Error:
            self._conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _write(self, *, bump: bool = True) -> Iterator[sqlite3.Cursor]:
        """One write transaction; ``bump`` gives the store a new revision token with it."""
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                if bump:
                    cur.execute(
                        "INSERT INTO meta (key, value) VALUES ('revision', ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (uuid.uuid4().hex,),
                    )
                cur.execute("COMMIT")
            except BaseException as e:
                if self._conn.in_transaction:
                    cur.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise StoreError(
                        f"Écriture refusée par le stockage embarqué : {e}",
                        f"The embedded store refused a write: {e}",
                    ) from e
                raise
            finally:
                cur.close()

    def _rows(self, query: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._conn.cursor()
            cur.row_factory = sqlite3.Row
            try:
                return list(cur.execute(query, params))
            except sqlite3.Error as e:
                raise StoreError(
                    f"Lecture impossible dans le stockage embarqué : {e}",
                    f"Cannot read the embedded store: {e}",
                ) from e
            finally:
                cur.close()

    def _mentions_rows(
        self, table: str, owner: str, mentions: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        shape, key = self._shapes[table], _MENTION_TABLES[table]
        return [{**shape.encode(m), key: owner} for m in mentions]

    def _put_mentions(
        self, cur: sqlite3.Cursor, table: str, owners: list[str], rows: list[dict[str, Any]]
    ) -> None:
        """Replace the mentions of ``owners`` by ``rows`` (see ``_mentions_rows``)."""
        key = _MENTION_TABLES[table]
        cur.executemany(
            f"DELETE FROM {table} WHERE {key} = ?",  # noqa: S608 (fixed table names)
            [(owner,) for owner in owners],
        )
        cur.executemany(self._sql[table], rows)

    def _mentions(self, table: str, owner: str | None = None) -> dict[str, list[ConceptMention]]:
        key, shape = _MENTION_TABLES[table], self._shapes[table]
        out: dict[str, list[ConceptMention]] = {}
        where = f"WHERE {key} = ?" if owner is not None else ""
        query = f"SELECT * FROM {table} {where} ORDER BY {key}, concept_id"  # noqa: S608
        for r in self._rows(query, () if owner is None else (owner,)):
            out.setdefault(r[key], []).append(shape.read(r))
        return out

    # -- writes -----------------------------------------------------------------------------
    def upsert_concepts(self, concepts: Iterable[Concept]) -> None:
        """Write concepts and their BROADER links."""
        items = list(concepts)
        shape = self._shapes["concept"]
        with self._write() as cur:
            cur.executemany(self._sql["concept"], [shape.encode(dump(c)) for c in items])
            cur.executemany("DELETE FROM broader WHERE concept_id = ?", [(c.id,) for c in items])
            cur.executemany(
                "INSERT INTO broader (concept_id, broader_id) VALUES (?, ?)",
                [(c.id, b) for c in items for b in c.broader],
            )

    def _owner_rows(
        self, table: str, items: Iterable[tuple[BaseModel, Extraction]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Rows of labs or needs with their extraction, and the rows of their mentions."""
        shape, profile = self._shapes[table], self._shapes[f"{table}_profile"]
        mention_table = "has_capability" if table == "lab" else "requires"
        rows, mentions = [], []
        for obj, ex in items:
            extraction = dump(ex)
            found = extraction.pop("mentions")
            row = {**shape.encode(dump(obj)), **profile.encode(extraction)}
            if isinstance(obj, Lab):
                row["search_key"] = search_key(obj)
            rows.append(row)
            mentions.extend(self._mentions_rows(mention_table, row["id"], found))
        return rows, mentions

    def upsert_labs(self, labs: Iterable[tuple[Lab, Extraction]]) -> None:
        """Write labs with their capabilities, replacing earlier ones, in one transaction."""
        rows, mentions = self._owner_rows("lab", labs)
        with self._write() as cur:
            cur.executemany(self._sql["lab"], rows)
            self._put_mentions(cur, "has_capability", [r["id"] for r in rows], mentions)

    def upsert_company(self, company: Company) -> None:
        """Write one company."""
        self.upsert_companies([company])

    def upsert_companies(self, companies: Iterable[Company]) -> None:
        """Write companies, in one transaction."""
        rows = self._rows_of("company", companies)
        with self._write() as cur:
            cur.executemany(self._sql["company"], rows)

    def _rows_of(self, table: str, items: Iterable[BaseModel]) -> list[dict[str, Any]]:
        shape = self._shapes[table]
        return [shape.encode(dump(obj)) for obj in items]

    def upsert_projects(
        self,
        projects: Iterable[Project],
        participations: Iterable[Participation] = (),
        topics: Mapping[str, Extraction] | None = None,
    ) -> None:
        """Write projects, participations (partners must exist) and ABOUT links, at once."""
        rows, parts = self._rows_of("project", projects), list(participations)
        about: list[dict[str, Any]] = []
        for project_id, ex in (topics or {}).items():
            about.extend(self._mentions_rows("project_about", project_id, dump(ex)["mentions"]))
        with self._write() as cur:
            cur.executemany(self._sql["project"], rows)
            for part in parts:
                table = "lab" if part.partner_kind == "lab" else "company"
                found = cur.execute(
                    f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 (fixed table names)
                    (part.partner_id,),
                ).fetchone()
                if found is None:
                    raise StoreError(
                        f"Partenaire inconnu : {part.partner_kind} {part.partner_id}",
                        f"Unknown partner: {part.partner_kind} {part.partner_id}",
                    )
            cur.executemany(self._sql["participation"], self._rows_of("participation", parts))
            self._put_mentions(cur, "project_about", list(topics or {}), about)

    def link_lab_parents(self) -> None:
        """Nothing to do: PART_OF is read from each lab's ``parent_ids`` (kept for the interface)."""

    def replace_collaborations(self, collaborations: Iterable[Collaboration]) -> None:
        """Replace every lab–company collaboration edge, in one transaction."""
        rows = self._rows_of("collaboration", collaborations)
        with self._write() as cur:
            cur.execute("DELETE FROM collaboration")
            cur.executemany(self._sql["collaboration"], rows)

    def upsert_need(
        self, need: Need, extraction: Extraction, company: Company | None = None
    ) -> bool:
        """Write a need (and its company when given) with its requirements; True when new."""
        return self.upsert_needs([(need, extraction)], [] if company is None else [company]) == 1

    def upsert_needs(
        self, needs: Iterable[tuple[Need, Extraction]], companies: Iterable[Company] = ()
    ) -> int:
        """Write needs (and the given companies) with their requirements, in one transaction;
        returns how many needs were new."""
        latest = {need.id: (need, ex) for need, ex in needs}
        owners = self._rows_of("company", companies)
        rows, mentions = self._owner_rows("need", latest.values())
        # the revision stays: matching reads neither needs nor the companies written with them
        # (new ones, without projects, so that no track record or industry signal changes)
        with self._write(bump=False) as cur:
            cur.executemany(self._sql["company"], owners)
            new = 0
            for need, _ in latest.values():
                if not cur.execute(
                    "SELECT 1 FROM company WHERE id = ?", (need.company_id,)
                ).fetchone():
                    raise StoreError(
                        f"Entreprise inconnue : {need.company_id} (besoin {need.id})",
                        f"Unknown company: {need.company_id} (need {need.id})",
                    )
                existed = cur.execute("SELECT 1 FROM need WHERE id = ?", (need.id,)).fetchone()
                new += existed is None
            cur.executemany(self._sql["need"], rows)
            self._put_mentions(cur, "requires", list(latest), mentions)
        return new

    # -- reads ------------------------------------------------------------------------------
    def concepts(self) -> list[Concept]:
        """Every concept, ordered by id."""
        broader: dict[str, list[str]] = {}
        for r in self._rows(
            "SELECT concept_id, broader_id FROM broader ORDER BY concept_id, broader_id"
        ):
            broader.setdefault(r["concept_id"], []).append(r["broader_id"])
        shape = self._shapes["concept"]
        return [
            shape.read(r, broader=broader.get(r["id"], ()))
            for r in self._rows("SELECT * FROM concept ORDER BY id")
        ]

    def _lab(self, r: sqlite3.Row) -> Lab:
        lab: Lab = self._shapes["lab"].read(r)
        return lab

    def labs(self) -> list[Lab]:
        """Every lab, ordered by id."""
        return [self._lab(r) for r in self._rows("SELECT * FROM lab ORDER BY id")]

    def lab(self, lab_id: str) -> Lab | None:
        """One lab, or None."""
        rows = self._rows("SELECT * FROM lab WHERE id = ?", (lab_id,))
        return self._lab(rows[0]) if rows else None

    def _profiles(self, table: str, owner: str | None = None) -> dict[str, Extraction]:
        mention_table = "has_capability" if table == "lab" else "requires"
        mentions = self._mentions(mention_table, owner)
        shape = self._shapes[f"{table}_profile"]
        where = "WHERE id = ?" if owner is not None else ""
        return {
            r["id"]: shape.read(r, mentions=mentions.get(r["id"], ()))
            for r in self._rows(
                f"SELECT * FROM {table} {where} ORDER BY id",  # noqa: S608
                () if owner is None else (owner,),
            )
        }

    def search_labs(self, query: str | None, limit: int, offset: int = 0) -> tuple[int, list[Lab]]:
        """Labs matching ``query`` (see ``graph.rules.search``): how many, and one page of them."""
        words = query_words(query)
        # the words are folded to letters and digits: nothing in them is a LIKE wildcard
        where = " AND ".join(["(' ' || search_key) LIKE ?"] * len(words))
        hits = self._rows(
            "SELECT id, name, acronym FROM lab" + (f" WHERE {where}" if words else ""),
            tuple(f"% {w}%" for w in words),
        )
        ids = order(((r["id"], r["name"], r["acronym"]) for r in hits), words)
        page = ids[offset : offset + limit]
        if not page:
            return len(ids), []
        marks = ", ".join("?" * len(page))
        found = {
            r["id"]: self._lab(r)
            for r in self._rows(f"SELECT * FROM lab WHERE id IN ({marks})", tuple(page))
        }
        return len(ids), [found[i] for i in page]

    def lab_profiles(self) -> dict[str, Extraction]:
        """Each lab's extraction, by lab id."""
        return self._profiles("lab")

    def company(self, company_id: str) -> Company | None:
        """One company, or None."""
        rows = self._rows("SELECT * FROM company WHERE id = ?", (company_id,))
        return self._company(rows[0]) if rows else None

    def _company(self, r: sqlite3.Row) -> Company:
        company: Company = self._shapes["company"].read(r)
        return company

    def companies(self) -> list[Company]:
        """Every company, ordered by id."""
        return [self._company(r) for r in self._rows("SELECT * FROM company ORDER BY id")]

    def projects(self) -> list[Project]:
        """Every project, ordered by id."""
        shape = self._shapes["project"]
        return [shape.read(r) for r in self._rows("SELECT * FROM project ORDER BY id")]

    def participations(self) -> list[Participation]:
        """Every participation, ordered by project, kind and partner."""
        shape = self._shapes["participation"]
        return [
            shape.read(r)
            for r in self._rows(
                "SELECT * FROM participation ORDER BY project_id, partner_kind, partner_id"
            )
        ]

    def collaborations(self, lab_id: str | None = None) -> list[Collaboration]:
        """Lab–company collaboration edges (of one lab when given), ordered by lab and company."""
        where, params = ("WHERE lab_id = ?", (lab_id,)) if lab_id else ("", ())
        shape = self._shapes["collaboration"]
        return [
            shape.read(r)
            for r in self._rows(
                f"SELECT * FROM collaboration {where} ORDER BY lab_id, company_id",  # noqa: S608
                params,
            )
        ]

    def _need(self, r: sqlite3.Row) -> Need:
        need: Need = self._shapes["need"].read(r)
        return need

    def needs(self) -> list[Need]:
        """Every need, ordered by id."""
        return [self._need(r) for r in self._rows("SELECT * FROM need ORDER BY id")]

    def need(self, need_id: str) -> Need | None:
        """One need, or None."""
        rows = self._rows("SELECT * FROM need WHERE id = ?", (need_id,))
        return self._need(rows[0]) if rows else None

    def stored_need(self, need_id: str) -> tuple[Need, Extraction, Company | None] | None:
        """A need with its extraction and its company; None when unknown."""
        with self._lock:
            need = self.need(need_id)
            if need is None:
                return None
            profile = self.need_profile(need_id) or Extraction(language="fr")
            return need, profile, self.company(need.company_id)

    def need_profiles(self) -> dict[str, Extraction]:
        """Each need's extraction, by need id."""
        return self._profiles("need")

    def need_profile(self, need_id: str) -> Extraction | None:
        """One need's extraction, or None."""
        return self._profiles("need", need_id).get(need_id)

    def lab_profile(self, lab_id: str) -> Extraction | None:
        """One lab's extraction, or None."""
        return self._profiles("lab", lab_id).get(lab_id)

    def revision(self) -> str:
        """The token of the last write of what matching reads ("" before any)."""
        rows = self._rows("SELECT value FROM meta WHERE key = 'revision'")
        return str(rows[0][0]) if rows else ""

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts by label and relationship counts by type."""

        def one(query: str) -> int:
            return int(self._rows(query)[0][0])

        return {
            "nodes": {
                "Concept": one("SELECT COUNT(*) FROM concept"),
                "Lab": one("SELECT COUNT(*) FROM lab"),
                "Company": one("SELECT COUNT(*) FROM company"),
                "Need": one("SELECT COUNT(*) FROM need"),
                "Project": one("SELECT COUNT(*) FROM project"),
            },
            "relationships": {
                "BROADER": one("SELECT COUNT(*) FROM broader"),
                "HAS_CAPABILITY": one("SELECT COUNT(*) FROM has_capability"),
                "EXPRESSES": one("SELECT COUNT(*) FROM need"),
                "REQUIRES": one("SELECT COUNT(*) FROM requires"),
                "PARTICIPATED_IN": one("SELECT COUNT(*) FROM participation"),
                "COLLABORATED_WITH": one("SELECT COUNT(*) FROM collaboration"),
                "ABOUT": one("SELECT COUNT(*) FROM project_about"),
                "PART_OF": one(
                    "SELECT COUNT(*) FROM lab AS child, json_each(child.parent_ids) AS p"
                    " JOIN lab AS parent ON parent.id = p.value"
                ),
            },
        }

    # -- needs' life ------------------------------------------------------------------------
    def delete_need(self, need_id: str) -> bool:
        """Remove a need with its text and requirements; True when it existed. The text is
        gone from the file too, not only from the tables (see below)."""
        with self._write(bump=False) as cur:
            cur.execute("DELETE FROM requires WHERE need_id = ?", (need_id,))
            existed = cur.execute("DELETE FROM need WHERE id = ?", (need_id,)).rowcount > 0
        # the pages that held the text are zeroed (secure_delete); the write-ahead log, which
        # still holds their earlier versions, is written back and emptied
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass  # a reader holds the log: its frames are overwritten as it is reused
        return existed

    # -- accounts ---------------------------------------------------------------------------
    def upsert_user(self, user: User) -> None:
        """Write an account (StoreError when another account has its email)."""
        with self._write(bump=False) as cur:
            cur.execute(
                "INSERT INTO account (id, email, doc) VALUES (?, ?, ?) ON CONFLICT(id)"
                " DO UPDATE SET email = excluded.email, doc = excluded.doc",
                (user.id, user.email, user.model_dump_json()),
            )

    def _docs(self, model: type[Any], query: str, params: tuple[object, ...] = ()) -> list[Any]:
        return [model.model_validate_json(r[0]) for r in self._rows(query, params)]

    def user(self, user_id: str) -> User | None:
        """One account, or None."""
        found = self._docs(User, "SELECT doc FROM account WHERE id = ?", (user_id,))
        return found[0] if found else None

    def user_by_email(self, email: str) -> User | None:
        """The account of an email, or None."""
        found = self._docs(User, "SELECT doc FROM account WHERE email = ?", (email,))
        return found[0] if found else None

    def users(self) -> list[User]:
        """Every account, ordered by email."""
        return self._docs(User, "SELECT doc FROM account ORDER BY email")

    def add_credential(self, credential: Credential) -> None:
        """Store a credential (its digest)."""
        with self._write(bump=False) as cur:
            self._put_credentials(cur, [credential])

    @staticmethod
    def _put_credentials(cur: sqlite3.Cursor, credentials: list[Credential]) -> None:
        cur.executemany(
            "INSERT INTO credential (id, user_id, digest, doc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id,"
            " digest = excluded.digest, doc = excluded.doc",
            [(c.id, c.user_id, c.digest, c.model_dump_json()) for c in credentials],
        )

    def credential(self, digest: str) -> Credential | None:
        """The credential of a digest, or None."""
        found = self._docs(Credential, "SELECT doc FROM credential WHERE digest = ?", (digest,))
        return found[0] if found else None

    def credentials(self, user_id: str) -> list[Credential]:
        """An account's credentials, oldest first."""
        found: list[Credential] = self._docs(
            Credential, "SELECT doc FROM credential WHERE user_id = ?", (user_id,)
        )
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def _revoke(self, where: str, key: str) -> int:
        """Revoke the live credentials ``where`` says, read and written in one transaction
        (two callers never both revoke the same one)."""
        with self._write(bump=False) as cur:
            live = [
                c
                for c in (
                    Credential.model_validate_json(r[0])
                    for r in cur.execute(
                        f"SELECT doc FROM credential WHERE {where} = ?",  # noqa: S608
                        (key,),
                    )
                )
                if not c.revoked
            ]
            self._put_credentials(cur, [c.model_copy(update={"revoked": True}) for c in live])
        return len(live)

    def revoke_credential(self, credential_id: str) -> bool:
        """Revoke one credential; True when it was valid."""
        return self._revoke("id", credential_id) == 1

    def revoke_credentials(self, user_id: str) -> int:
        """Revoke every credential of an account."""
        return self._revoke("user_id", user_id)

    # -- introductions ----------------------------------------------------------------------
    def add_introduction(self, introduction: Introduction, event: Event) -> bool:
        """Store a new introduction and its first event; False when it exists."""
        with self._write(bump=False) as cur:
            if cur.execute(
                "SELECT 1 FROM introduction WHERE id = ?", (introduction.id,)
            ).fetchone():
                return False
            cur.execute(
                "INSERT INTO introduction (id, need_id, lab_id, version, doc)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    introduction.id,
                    introduction.need_id,
                    introduction.lab_id,
                    introduction.version,
                    introduction.model_dump_json(),
                ),
            )
            self._append(cur, event)
        return True

    @staticmethod
    def _append(cur: sqlite3.Cursor, event: Event) -> None:
        cur.execute(
            "INSERT INTO introduction_event (introduction_id, seq, doc) VALUES (?, ?, ?)",
            (event.introduction_id, event.seq, event.model_dump_json()),
        )

    def record_event(self, introduction: Introduction, event: Event) -> None:
        """Store a changed introduction and append its event, over the version it read."""
        with self._write(bump=False) as cur:
            changed = cur.execute(
                "UPDATE introduction SET version = ?, doc = ? WHERE id = ? AND version = ?",
                (
                    introduction.version,
                    introduction.model_dump_json(),
                    introduction.id,
                    introduction.version - 1,
                ),
            ).rowcount
            if not changed:
                raise ConflictError(
                    "L'introduction a changé entre-temps : rechargez-la et recommencez.",
                    "The introduction changed meanwhile: read it again and retry.",
                    where=introduction.id,
                )
            self._append(cur, event)

    def introduction(self, introduction_id: str) -> Introduction | None:
        """One introduction, or None."""
        found = self._docs(
            Introduction, "SELECT doc FROM introduction WHERE id = ?", (introduction_id,)
        )
        return found[0] if found else None

    def introductions(self, need_id: str | None = None) -> list[Introduction]:
        """Introductions (of one need), by need then lab."""
        if need_id is None:
            return self._docs(Introduction, "SELECT doc FROM introduction ORDER BY need_id, lab_id")
        return self._docs(
            Introduction,
            "SELECT doc FROM introduction WHERE need_id = ? ORDER BY lab_id",
            (need_id,),
        )

    def events(self, introduction_id: str) -> list[Event]:
        """An introduction's trail, in order."""
        return self._docs(
            Event,
            "SELECT doc FROM introduction_event WHERE introduction_id = ? ORDER BY seq",
            (introduction_id,),
        )

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check finds nothing wrong."""
        return bool(self._rows("PRAGMA integrity_check")[0][0] == "ok")

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()
