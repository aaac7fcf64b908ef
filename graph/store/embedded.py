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

from graph.errors import StoreError
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
from graph.search import order, query_words, search_key

DEFAULT_HOME = Path.home() / ".local" / "share" / "passerelle"
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
)


def default_home() -> Path:
    """``$PASSERELLE_HOME`` when set (``graph.settings``), else ``~/.local/share/passerelle``."""
    from graph.settings import load_settings

    return load_settings().home


class EmbeddedGraphStore:
    """The graph store in a single SQLite file under ``home``.

    Parameters
    ----------
    home : Path, optional
        Folder of the store; ``$PASSERELLE_HOME`` or ``~/.local/share/passerelle`` by default.
    """

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or default_home()
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.home / DB_NAME, check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as e:
            raise StoreError(
                f"Impossible d'ouvrir le stockage embarqué dans {self.home} : {e}",
                f"Cannot open the embedded store in {self.home}: {e}",
            ) from e
        self._lock = threading.RLock()

    # -- plumbing ---------------------------------------------------------------------------
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

    @staticmethod
    def _write_mentions(
        cur: sqlite3.Cursor, table: str, key: str, owner: str, mentions: Iterable[ConceptMention]
    ) -> None:
        # table and key come from the two fixed call sites below, never from input
        cur.execute(f"DELETE FROM {table} WHERE {key} = ?", (owner,))  # noqa: S608
        cur.executemany(
            f"INSERT INTO {table} ({key}, concept_id, weight, evidence, sources)"  # noqa: S608
            " VALUES (?, ?, ?, ?, ?)",
            [
                (
                    owner,
                    m.concept_id,
                    m.weight,
                    json.dumps(list(m.evidence)),
                    json.dumps(list(m.sources)),
                )
                for m in mentions
            ],
        )

    def _mentions(
        self, table: str, key: str, owner: str | None = None
    ) -> dict[str, list[ConceptMention]]:
        out: dict[str, list[ConceptMention]] = {}
        where = f"WHERE {key} = ?" if owner is not None else ""
        query = f"SELECT {key} AS owner, concept_id, weight, evidence, sources FROM {table} {where} ORDER BY {key}, concept_id"  # noqa: S608, E501
        for r in self._rows(query, () if owner is None else (owner,)):
            out.setdefault(r["owner"], []).append(
                ConceptMention(
                    concept_id=r["concept_id"],
                    weight=r["weight"],
                    evidence=tuple(json.loads(r["evidence"])),
                    sources=tuple(json.loads(r["sources"])),
                )
            )
        return out

    # -- writes -----------------------------------------------------------------------------
    def upsert_concepts(self, concepts: Iterable[Concept]) -> None:
        """Write concepts and their BROADER links."""
        rows = list(concepts)
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO concept (id, kind, label_fr, label_en, alt_fr, alt_en, esco, euroscivoc,"
                " naf, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                " kind=excluded.kind, label_fr=excluded.label_fr, label_en=excluded.label_en,"
                " alt_fr=excluded.alt_fr, alt_en=excluded.alt_en, esco=excluded.esco,"
                " euroscivoc=excluded.euroscivoc, naf=excluded.naf, source=excluded.source",
                [
                    (
                        c.id,
                        c.kind,
                        c.label_fr,
                        c.label_en,
                        json.dumps(list(c.alt_fr)),
                        json.dumps(list(c.alt_en)),
                        c.esco,
                        c.euroscivoc,
                        c.naf,
                        c.source,
                    )
                    for c in rows
                ],
            )
            cur.executemany("DELETE FROM broader WHERE concept_id = ?", [(c.id,) for c in rows])
            cur.executemany(
                "INSERT INTO broader (concept_id, broader_id) VALUES (?, ?)",
                [(c.id, b) for c in rows for b in c.broader],
            )

    def upsert_labs(self, labs: Iterable[tuple[Lab, Extraction]]) -> None:
        """Write labs with their capabilities, replacing earlier ones, in one transaction."""
        items = list(labs)
        with self._write() as cur:
            for lab, ex in items:
                cur.execute(
                    "INSERT INTO lab (id, name, acronym, city, description, language, keywords, terms,"
                    " postcode, institutions, parent_ids, domains, search_key, attrs)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " name=excluded.name, acronym=excluded.acronym, city=excluded.city,"
                    " description=excluded.description, language=excluded.language,"
                    " keywords=excluded.keywords, terms=excluded.terms, postcode=excluded.postcode,"
                    " institutions=excluded.institutions, parent_ids=excluded.parent_ids,"
                    " domains=excluded.domains, search_key=excluded.search_key,"
                    " attrs=excluded.attrs",
                    (
                        lab.id,
                        lab.name,
                        lab.acronym,
                        lab.city,
                        lab.description,
                        ex.language,
                        json.dumps(list(ex.keywords)),
                        json.dumps(list(ex.terms)),
                        lab.postcode,
                        json.dumps(list(lab.institutions)),
                        json.dumps(list(lab.parent_ids)),
                        lab.domains,
                        search_key(lab),
                        json.dumps(lab.extras()),
                    ),
                )
                self._write_mentions(cur, "has_capability", "lab_id", lab.id, ex.mentions)

    def upsert_company(self, company: Company) -> None:
        """Write one company."""
        self.upsert_companies([company])

    def upsert_companies(self, companies: Iterable[Company]) -> None:
        """Write companies, in one transaction."""
        items = list(companies)
        with self._write() as cur:
            for c in items:
                self._put_company(cur, c)

    @staticmethod
    def _put_company(cur: sqlite3.Cursor, c: Company) -> None:
        cur.execute(
            "INSERT INTO company (id, name, city, naf, size, illustrative, category, region, siren)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET name=excluded.name, city=excluded.city,"
            " naf=excluded.naf, size=excluded.size, illustrative=excluded.illustrative,"
            " category=excluded.category, region=excluded.region, siren=excluded.siren",
            (
                c.id,
                c.name,
                c.city,
                c.naf,
                c.size,
                int(c.illustrative),
                c.category,
                c.region,
                c.siren,
            ),
        )

    def upsert_projects(
        self,
        projects: Iterable[Project],
        participations: Iterable[Participation] = (),
        topics: Mapping[str, Extraction] | None = None,
    ) -> None:
        """Write projects, participations (partners must exist) and ABOUT links, at once."""
        items, parts = list(projects), list(participations)
        with self._write() as cur:
            cur.executemany(
                "INSERT INTO project (id, source, acronym, year, topic_code, topic, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                " source=excluded.source, acronym=excluded.acronym, year=excluded.year,"
                " topic_code=excluded.topic_code, topic=excluded.topic, text=excluded.text",
                [(p.id, p.source, p.acronym, p.year, p.topic_code, p.topic, p.text) for p in items],
            )
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
            cur.executemany(
                "INSERT INTO participation (project_id, partner_kind, partner_id, coordinator)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(project_id, partner_kind, partner_id)"
                " DO UPDATE SET coordinator=excluded.coordinator",
                [(p.project_id, p.partner_kind, p.partner_id, int(p.coordinator)) for p in parts],
            )
            for project_id, ex in (topics or {}).items():
                self._write_mentions(cur, "project_about", "project_id", project_id, ex.mentions)

    def link_lab_parents(self) -> None:
        """Nothing to do: PART_OF is read from each lab's ``parent_ids`` (kept for the interface)."""

    def replace_collaborations(self, collaborations: Iterable[Collaboration]) -> None:
        """Replace every lab–company collaboration edge, in one transaction."""
        items = list(collaborations)
        with self._write() as cur:
            cur.execute("DELETE FROM collaboration")
            cur.executemany(
                "INSERT INTO collaboration (lab_id, company_id, projects, years) VALUES (?, ?, ?, ?)",
                [(c.lab_id, c.company_id, c.projects, json.dumps(list(c.years))) for c in items],
            )

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
        owners = list(companies)
        # the revision stays: matching reads neither needs nor the companies written with them
        # (new ones, without projects, so that no track record or industry signal changes)
        with self._write(bump=False) as cur:
            for company in owners:
                self._put_company(cur, company)
            new = 0
            for need, extraction in latest.values():
                if not cur.execute(
                    "SELECT 1 FROM company WHERE id = ?", (need.company_id,)
                ).fetchone():
                    raise StoreError(
                        f"Entreprise inconnue : {need.company_id} (besoin {need.id})",
                        f"Unknown company: {need.company_id} (need {need.id})",
                    )
                existed = cur.execute("SELECT 1 FROM need WHERE id = ?", (need.id,)).fetchone()
                new += existed is None
                cur.execute(
                    "INSERT INTO need (id, company_id, title, text, illustrative, language,"
                    " keywords, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE"
                    " SET company_id=excluded.company_id, title=excluded.title,"
                    " text=excluded.text, illustrative=excluded.illustrative,"
                    " language=excluded.language, keywords=excluded.keywords,"
                    " terms=excluded.terms",
                    (
                        need.id,
                        need.company_id,
                        need.title,
                        need.text,
                        int(need.illustrative),
                        extraction.language,
                        json.dumps(list(extraction.keywords)),
                        json.dumps(list(extraction.terms)),
                    ),
                )
                self._write_mentions(cur, "requires", "need_id", need.id, extraction.mentions)
        return new

    # -- reads ------------------------------------------------------------------------------
    def concepts(self) -> list[Concept]:
        """Every concept, ordered by id."""
        broader: dict[str, list[str]] = {}
        for r in self._rows(
            "SELECT concept_id, broader_id FROM broader ORDER BY concept_id, broader_id"
        ):
            broader.setdefault(r["concept_id"], []).append(r["broader_id"])
        return [
            Concept(
                id=r["id"],
                kind=r["kind"],
                label_fr=r["label_fr"],
                label_en=r["label_en"],
                alt_fr=tuple(json.loads(r["alt_fr"])),
                alt_en=tuple(json.loads(r["alt_en"])),
                broader=tuple(broader.get(r["id"], ())),
                esco=r["esco"],
                euroscivoc=r["euroscivoc"],
                naf=r["naf"],
                source=r["source"],
            )
            for r in self._rows("SELECT * FROM concept ORDER BY id")
        ]

    @staticmethod
    def _lab(r: sqlite3.Row) -> Lab:
        return Lab(
            id=r["id"],
            name=r["name"],
            acronym=r["acronym"],
            city=r["city"],
            description=r["description"],
            postcode=r["postcode"],
            institutions=tuple(json.loads(r["institutions"])),
            parent_ids=tuple(json.loads(r["parent_ids"])),
            domains=r["domains"],
            **json.loads(r["attrs"]),
        )

    def labs(self) -> list[Lab]:
        """Every lab, ordered by id."""
        return [self._lab(r) for r in self._rows("SELECT * FROM lab ORDER BY id")]

    def lab(self, lab_id: str) -> Lab | None:
        """One lab, or None."""
        rows = self._rows("SELECT * FROM lab WHERE id = ?", (lab_id,))
        return self._lab(rows[0]) if rows else None

    def _profiles(
        self, table: str, mention_table: str, key: str, owner: str | None = None
    ) -> dict[str, Extraction]:
        mentions = self._mentions(mention_table, key, owner)
        where = "WHERE id = ?" if owner is not None else ""
        return {
            r["id"]: Extraction(
                language=r["language"],
                mentions=tuple(mentions.get(r["id"], ())),
                keywords=tuple(json.loads(r["keywords"])),
                terms=tuple(json.loads(r["terms"])),
            )
            for r in self._rows(
                f"SELECT id, language, keywords, terms FROM {table} {where} ORDER BY id",  # noqa: S608
                () if owner is None else (owner,),
            )
        }

    def search_labs(self, query: str | None, limit: int, offset: int = 0) -> tuple[int, list[Lab]]:
        """Labs matching ``query`` (see ``graph.search``): how many, and one page of them."""
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
        return self._profiles("lab", "has_capability", "lab_id")

    def company(self, company_id: str) -> Company | None:
        """One company, or None."""
        rows = self._rows("SELECT * FROM company WHERE id = ?", (company_id,))
        if not rows:
            return None
        return self._company(rows[0])

    @staticmethod
    def _company(r: sqlite3.Row) -> Company:
        return Company(
            id=r["id"],
            name=r["name"],
            city=r["city"],
            naf=r["naf"],
            size=r["size"],
            illustrative=bool(r["illustrative"]),
            category=r["category"],
            region=r["region"],
            siren=r["siren"],
        )

    def companies(self) -> list[Company]:
        """Every company, ordered by id."""
        return [self._company(r) for r in self._rows("SELECT * FROM company ORDER BY id")]

    def projects(self) -> list[Project]:
        """Every project, ordered by id."""
        return [
            Project(
                id=r["id"],
                source=r["source"],
                acronym=r["acronym"],
                year=r["year"],
                topic_code=r["topic_code"],
                topic=r["topic"],
                text=r["text"],
            )
            for r in self._rows("SELECT * FROM project ORDER BY id")
        ]

    def participations(self) -> list[Participation]:
        """Every participation, ordered by project, kind and partner."""
        return [
            Participation(
                project_id=r["project_id"],
                partner_kind=r["partner_kind"],
                partner_id=r["partner_id"],
                coordinator=bool(r["coordinator"]),
            )
            for r in self._rows(
                "SELECT * FROM participation ORDER BY project_id, partner_kind, partner_id"
            )
        ]

    def collaborations(self, lab_id: str | None = None) -> list[Collaboration]:
        """Lab–company collaboration edges (of one lab when given), ordered by lab and company."""
        where, params = ("WHERE lab_id = ?", (lab_id,)) if lab_id else ("", ())
        return [
            Collaboration(
                lab_id=r["lab_id"],
                company_id=r["company_id"],
                projects=r["projects"],
                years=tuple(json.loads(r["years"])),
            )
            for r in self._rows(
                f"SELECT * FROM collaboration {where} ORDER BY lab_id, company_id",  # noqa: S608
                params,
            )
        ]

    @staticmethod
    def _need(r: sqlite3.Row) -> Need:
        return Need(
            id=r["id"],
            company_id=r["company_id"],
            title=r["title"],
            text=r["text"],
            illustrative=bool(r["illustrative"]),
        )

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
        return self._profiles("need", "requires", "need_id")

    def need_profile(self, need_id: str) -> Extraction | None:
        """One need's extraction, or None."""
        return self._profiles("need", "requires", "need_id", need_id).get(need_id)

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

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check finds nothing wrong."""
        return bool(self._rows("PRAGMA integrity_check")[0][0] == "ok")

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()
