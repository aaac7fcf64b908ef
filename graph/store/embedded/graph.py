"""The knowledge graph in the embedded store: concepts, labs and their capabilities, companies,
projects and participations, collaborations, needs and their requirements."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from graph.errors import StoreError
from graph.model import (
    Collaboration,
    Company,
    Concept,
    Extraction,
    Lab,
    Need,
    Participation,
    Project,
)
from graph.rules.search import order, query_words, search_key
from graph.store.embedded.base import EmbeddedBase
from graph.store.rows import dump


class GraphTables(EmbeddedBase):
    """The graph's part of the embedded store (``graph.store.ports.GraphStore``)."""

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
