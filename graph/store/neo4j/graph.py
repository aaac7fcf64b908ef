"""The knowledge graph in Neo4j: concepts, labs and their capabilities, companies, projects and
participations, collaborations, needs and their requirements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from neo4j import ManagedTransaction

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
from graph.store.neo4j import cypher
from graph.store.neo4j.base import Neo4jBase, batches
from graph.store.neo4j.props import (
    PROFILE_FIELDS,
    extraction_of,
    lab_of,
    mention_rows,
    profile_of,
    profile_props,
)
from graph.store.rows import dump, load


class GraphNodes(Neo4jBase):
    """The graph's part of the Neo4j store (``graph.store.ports.GraphStore``)."""

    def upsert_concepts(self, concepts: Iterable[Concept]) -> None:
        """Write concepts and their BROADER links, in one transaction."""
        rows = [
            {
                "id": c.id,
                "props": {
                    **dump(c, exclude=("broader",)),
                    "synonyms": " ; ".join((*c.alt_fr, *c.alt_en)),
                },
                "broader": list(c.broader),
            }
            for c in concepts
        ]

        def work(tx: ManagedTransaction) -> None:
            for batch in batches(rows):
                tx.run(cypher.UPSERT_CONCEPTS_QUERY, rows=batch).consume()
            for batch in batches(rows):
                tx.run(cypher.LINK_BROADER_QUERY, rows=batch).consume()

        self._write(work)

    def upsert_labs(self, labs: Iterable[tuple[Lab, Extraction]]) -> None:
        """Write labs with their capabilities, replacing earlier ones, in one transaction."""
        rows, links = [], []
        for lab, ex in labs:
            # ``attrs``: where labs written by an earlier version kept some fields (dropped)
            rows.append(
                {**dump(lab), **profile_props(ex), "search_key": search_key(lab), "attrs": None}
            )
            links.append({"id": lab.id, "mentions": mention_rows(ex.mentions)})

        def work(tx: ManagedTransaction) -> None:
            # each statement gets only what it uses: packing the rows is a real cost
            for batch, link_batch in zip(batches(rows), batches(links), strict=True):
                tx.run(cypher.UPSERT_LABS_QUERY, rows=batch).consume()
                tx.run(cypher.LINK_CAPABILITIES_QUERY, rows=link_batch).consume()

        self._write(work)

    def upsert_company(self, company: Company) -> None:
        """Write one company."""
        self.upsert_companies([company])

    def upsert_companies(self, companies: Iterable[Company]) -> None:
        """Write companies, in one transaction."""
        rows = [dump(c) for c in companies]

        def work(tx: ManagedTransaction) -> None:
            for batch in batches(rows):
                tx.run(cypher.UPSERT_COMPANIES_QUERY, rows=batch).consume()

        self._write(work)

    def upsert_projects(
        self,
        projects: Iterable[Project],
        participations: Iterable[Participation] = (),
        topics: Mapping[str, Extraction] | None = None,
    ) -> None:
        """Write projects, participations (partners must exist) and ABOUT links, at once."""
        about = [
            {"id": pid, "mentions": mention_rows(ex.mentions)} for pid, ex in (topics or {}).items()
        ]
        rows = [dump(p) for p in projects]
        keys = ("project_id", "partner_kind", "partner_id")
        parts = [
            {**{k: getattr(p, k) for k in keys}, "props": dump(p, exclude=keys)}
            for p in participations
        ]

        def work(tx: ManagedTransaction) -> None:
            for part_batch in batches(parts):
                missing = tx.run(cypher.MISSING_PARTNERS_QUERY, rows=part_batch).single()
                if missing is not None:
                    raise StoreError(
                        f"Partenaire inconnu : {missing['kind']} {missing['id']}",
                        f"Unknown partner: {missing['kind']} {missing['id']}",
                    )
            for batch in batches(rows):
                tx.run(cypher.UPSERT_PROJECTS_QUERY, rows=batch).consume()
            for part_batch in batches(parts):
                tx.run(cypher.LINK_PARTICIPATIONS_QUERY, rows=part_batch).consume()
            for about_batch in batches(about):
                tx.run(cypher.LINK_PROJECT_TOPICS_QUERY, rows=about_batch).consume()

        self._write(work)

    def replace_collaborations(self, collaborations: Iterable[Collaboration]) -> None:
        """Replace every lab–company collaboration edge, in one transaction."""
        ends = ("lab_id", "company_id")
        rows = [
            {**{k: getattr(c, k) for k in ends}, "props": dump(c, exclude=ends)}
            for c in collaborations
        ]

        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher.DELETE_COLLABORATIONS_QUERY).consume()
            for batch in batches(rows):
                tx.run(cypher.CREATE_COLLABORATIONS_QUERY, rows=batch).consume()

        self._write(work)

    def link_lab_parents(self) -> None:
        """PART_OF links from each lab to the parent units that exist (idempotent)."""
        self._write(lambda tx: tx.run(cypher.LINK_LAB_PARENTS_QUERY).consume())

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
        rows = [{**dump(need), **profile_props(ex)} for need, ex in latest.values()]
        links = [
            {"id": need.id, "mentions": mention_rows(ex.mentions)} for need, ex in latest.values()
        ]
        company_rows = [dump(c) for c in companies]

        def work(tx: ManagedTransaction) -> int:
            for batch in batches(company_rows):
                tx.run(cypher.UPSERT_COMPANIES_QUERY, rows=batch).consume()
            owners = sorted({need.company_id for need, _ in latest.values()})
            missing = tx.run(cypher.MISSING_COMPANIES_QUERY, ids=owners).single()
            if missing is not None:
                need_id = next(r["id"] for r in rows if r["company_id"] == missing["id"])
                raise StoreError(
                    f"Entreprise inconnue : {missing['id']} (besoin {need_id})",
                    f"Unknown company: {missing['id']} (need {need_id})",
                )
            ids = [row["id"] for row in rows]
            existing = tx.run(cypher.EXISTING_NEEDS_QUERY, ids=ids).single(strict=True)["n"]
            for batch, link_batch in zip(batches(rows), batches(links), strict=True):
                tx.run(cypher.UPSERT_NEEDS_QUERY, rows=batch).consume()
                tx.run(cypher.LINK_REQUIREMENTS_QUERY, rows=link_batch).consume()
            return len(rows) - int(existing)

        # needs alone are not what matching reads: the revision moves only with companies
        # what matching reads does not change: see the embedded store
        return self._write(work, bump=False)

    def concepts(self) -> list[Concept]:
        """Every concept, ordered by id."""
        return [
            load(Concept, {**r["c"], "broader": r["broader"]})
            for r in self._read(cypher.CONCEPTS_QUERY)
        ]

    def search_labs(self, query: str | None, limit: int, offset: int = 0) -> tuple[int, list[Lab]]:
        """Labs matching ``query`` (see ``graph.rules.search``), found with the full-text index on
        their search keys: how many, and one page of them."""
        if not self._ready:
            self.setup()  # the index, and the keys of labs written by an earlier version
        words = query_words(query)
        if words:
            # folded words are letters and digits only: no Lucene syntax can slip in
            hits = self._read(cypher.SEARCH_LABS_QUERY, lucene=" AND ".join(f"{w}*" for w in words))
        else:
            hits = self._read(cypher.LAB_NAMES_QUERY)
        ids = order(((r["id"], r["name"], r["acronym"]) for r in hits), words)
        page = ids[offset : offset + limit]
        found = {
            r["l"]["id"]: lab_of(r["l"])
            for r in (self._read(cypher.LABS_BY_ID_QUERY, ids=page) if page else [])
        }
        return len(ids), [found[i] for i in page]

    def labs(self) -> list[Lab]:
        """Every lab, ordered by id."""
        return [lab_of(r["l"]) for r in self._read(cypher.LABS_QUERY)]

    def lab(self, lab_id: str) -> Lab | None:
        """One lab, or None."""
        rows = self._read(cypher.LAB_QUERY, id=lab_id)
        return lab_of(rows[0]["l"]) if rows else None

    def lab_profiles(self) -> dict[str, Extraction]:
        """Each lab's extraction, by lab id."""
        return {
            r["id"]: profile_of(r)
            for r in self._read(cypher.LAB_PROFILES_QUERY, fields=PROFILE_FIELDS)
        }

    def company(self, company_id: str) -> Company | None:
        """One company, or None."""
        rows = self._read(cypher.COMPANY_QUERY, id=company_id)
        return self._company(rows[0]["c"]) if rows else None

    @staticmethod
    def _company(d: dict[str, Any]) -> Company:
        return load(Company, d)

    def companies(self) -> list[Company]:
        """Every company, ordered by id."""
        return [self._company(r["c"]) for r in self._read(cypher.COMPANIES_QUERY)]

    def projects(self) -> list[Project]:
        """Every project, ordered by id."""
        return [load(Project, r["p"]) for r in self._read(cypher.PROJECTS_QUERY)]

    def participations(self) -> list[Participation]:
        """Every participation, ordered by project, kind and partner."""
        return [load(Participation, r["r"]) for r in self._read(cypher.PARTICIPATIONS_QUERY)]

    def collaborations(self, lab_id: str | None = None) -> list[Collaboration]:
        """Lab–company collaboration edges (of one lab when given), ordered by lab and company."""
        return [
            load(Collaboration, r["r"])
            for r in self._read(cypher.COLLABORATIONS_QUERY, lab_id=lab_id)
        ]

    @staticmethod
    def _need(d: dict[str, Any]) -> Need:
        return load(Need, d)

    def needs(self) -> list[Need]:
        """Every need, ordered by id."""
        return [self._need(r["n"]) for r in self._read(cypher.NEEDS_QUERY)]

    def need(self, need_id: str) -> Need | None:
        """One need, or None."""
        rows = self._read(cypher.NEED_QUERY, id=need_id)
        return self._need(rows[0]["n"]) if rows else None

    def stored_need(self, need_id: str) -> tuple[Need, Extraction, Company | None] | None:
        """A need with its extraction and its company, in one round trip; None when unknown."""
        rows = self._read(cypher.STORED_NEED_QUERY, id=need_id)
        if not rows:
            return None
        r = rows[0]
        company = self._company(r["c"]) if r["c"] is not None else None
        return self._need(r["n"]), extraction_of(r["n"], r["mentions"]), company

    def need_profiles(self) -> dict[str, Extraction]:
        """Each need's extraction, by need id."""
        return {
            r["id"]: profile_of(r)
            for r in self._read(cypher.NEED_PROFILES_QUERY, fields=PROFILE_FIELDS)
        }

    def need_profile(self, need_id: str) -> Extraction | None:
        """One need's extraction, or None."""
        rows = self._read(cypher.NEED_PROFILE_QUERY, id=need_id, fields=PROFILE_FIELDS)
        return profile_of(rows[0]) if rows else None

    def lab_profile(self, lab_id: str) -> Extraction | None:
        """One lab's extraction, or None."""
        rows = self._read(cypher.LAB_PROFILE_QUERY, id=lab_id, fields=PROFILE_FIELDS)
        return profile_of(rows[0]) if rows else None

    def revision(self) -> str:
        """The token of the last write of what matching reads ("" before any)."""
        return str(self._read(cypher.REVISION_QUERY)[0]["token"])

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts by label and relationship counts by type."""
        r = self._read(cypher.COUNTS_QUERY)[0]
        nodes = {
            "Concept": r["concepts"],
            "Lab": r["labs"],
            "Company": r["companies"],
            "Need": r["needs"],
            "Project": r["projects"],
        }
        rels = {
            "BROADER": r["broader"],
            "HAS_CAPABILITY": r["has_capability"],
            "EXPRESSES": r["expresses"],
            "REQUIRES": r["requires"],
            "PARTICIPATED_IN": r["participated_in"],
            "COLLABORATED_WITH": r["collaborated_with"],
            "ABOUT": r["about"],
            "PART_OF": r["part_of"],
        }
        return {"nodes": nodes, "relationships": rels}

    def delete_need(self, need_id: str) -> bool:
        """Remove a need's node (its text, its profile, its EXPRESSES and REQUIRES links);
        True when it existed. Its introductions, apart, stay; the revision does not move."""

        def work(tx: ManagedTransaction) -> bool:
            deleted = tx.run(cypher.DELETE_NEED_QUERY, id=need_id).single(strict=True)
            return int(deleted["deleted"]) > 0

        return self._write(work, bump=False)
