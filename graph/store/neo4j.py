"""Neo4j store: the system of record, through the official driver (the only module importing neo4j).

Writes run in managed transactions (retried by the driver on transient errors), in batches of
``UNWIND $rows``, with the database named on every call. Every statement lives in
``graph.store.cypher``; values always go in as parameters.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from pydantic import BaseModel

from graph.errors import ConflictError, StoreError, StoreUnavailable
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
from graph.store import cypher
from graph.store.rows import check_disjoint, dump, load

# the driver logs each retry; the store reports the failure itself (StoreUnavailable)
logging.getLogger("neo4j").addHandler(logging.NullHandler())

T = TypeVar("T")
D = TypeVar("D", bound=BaseModel)
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is: ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str | None = None
    password: str | None = None
    database: str = "neo4j"
    retry_seconds: float = 5.0
    """How long managed transactions retry transient errors before giving up (API latency)."""



def open_driver(settings: Neo4jSettings) -> neo4j.Driver:
    """A driver for ``settings`` (no connection is made until first use)."""
    # a password alone means the default user, as the server script and the Docker image set it
    auth = (
        (settings.user or "neo4j", settings.password or "")
        if settings.user or settings.password
        else None
    )
    return GraphDatabase.driver(
        settings.uri,
        auth=auth,
        connection_acquisition_timeout=10,
        connection_timeout=5,
        max_transaction_retry_time=settings.retry_seconds,
    )


def _batches(rows: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _mentions(mentions: Iterable[ConceptMention]) -> list[dict[str, Any]]:
    """Each mention's concept, and the properties of the relationship to it."""
    return [
        {"concept_id": m.concept_id, "props": dump(m, exclude=("concept_id",))} for m in mentions
    ]


# a lab's or a need's node also holds its extraction (mentions apart: relationships)
check_disjoint(Lab, Extraction)
check_disjoint(Need, Extraction)


def _profile_props(ex: Extraction) -> dict[str, Any]:
    """The extraction's properties on its owner's node (terms as one string)."""
    props = dump(ex, exclude=("mentions",))
    props["terms"] = _join_terms(ex.terms)
    return props


def _join_terms(terms: Sequence[str]) -> str:
    """Terms as one space-separated string: one value to send instead of hundreds.

    Terms are single normalised tokens (the extractor splits on spaces, hyphens, dots and
    slashes), so the join is lossless.
    """
    return " ".join(terms)


def _split_terms(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value or ())  # a list, as stores written before this change hold


_PROFILE_FIELDS = [name for name in Extraction.model_fields if name != "mentions"]
"""The extraction's properties on its owner's node."""


def _profile(record: neo4j.Record) -> Extraction:
    """An extraction from a profile query's record (``profile``: ``_PROFILE_FIELDS``'s values)."""
    values = zip(_PROFILE_FIELDS, record["profile"], strict=True)
    return _extraction({k: v for k, v in values if v is not None}, record["mentions"])


def _extraction(props: Mapping[str, Any], mentions: Iterable[Mapping[str, Any]]) -> Extraction:
    """An extraction from its owner's node properties and its mentions' relationships."""
    values = {**props, "terms": _split_terms(props.get("terms")), "mentions": list(mentions)}
    values["language"] = values.get("language") or "fr"
    return load(Extraction, values)


def _lab(props: Mapping[str, Any]) -> Lab:
    # labs written before every field was a property kept some in one JSON ``attrs``
    return load(Lab, {**json.loads(props.get("attrs") or "{}"), **props})


class Neo4jGraphStore:
    """The graph store on a Neo4j server.

    Parameters
    ----------
    driver : neo4j.Driver
        A driver the caller opened (see ``open_driver``); closed by ``close()``.
    database : str
        The database every call names.
    """

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        # constraints and indexes are created before the first write, so that opening the
        # store never needs the server: an API started while Neo4j is down answers 503 and
        # recovers by itself once the server is back
        self._ready = False

    # -- plumbing ---------------------------------------------------------------------------
    def _guard(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except AuthError as e:
            raise StoreUnavailable(
                "Neo4j refuse l'identification : vérifiez NEO4J_USER (neo4j par défaut) et "
                "NEO4J_PASSWORD.",
                "Neo4j refused the credentials: check NEO4J_USER (neo4j by default) and "
                "NEO4J_PASSWORD.",
            ) from e
        except ClientError as e:
            if e.code != "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(
                    f"Neo4j a refusé l'opération : {e}", f"Neo4j refused the operation: {e}"
                ) from e
            raise StoreUnavailable(
                f"La base Neo4j « {self.database} » n'existe pas : vérifiez NEO4J_DATABASE "
                "(neo4j par défaut ; l'édition Community n'en a qu'une).",
                f"The Neo4j database '{self.database}' does not exist: check NEO4J_DATABASE "
                "(neo4j by default; the Community edition has only one).",
            ) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise StoreUnavailable(
                f"Neo4j ne répond pas ({e.__class__.__name__}) : vérifiez que le serveur tourne "
                "(make neo4j-start) et NEO4J_URI.",
                f"Neo4j is not answering ({e.__class__.__name__}): check that the server runs "
                "(make neo4j-start) and NEO4J_URI.",
            ) from e
        except (Neo4jError, DriverError) as e:
            raise StoreError(
                f"Neo4j a refusé l'opération : {e}", f"Neo4j refused the operation: {e}"
            ) from e

    def _write(self, work: Callable[[ManagedTransaction], T], *, bump: bool = True) -> T:
        """Run ``work`` in one managed transaction; ``bump`` gives the store a new revision
        token in the same transaction."""
        if not self._ready:
            self.setup()

        def unit(tx: ManagedTransaction) -> T:
            result = work(tx)
            if bump:
                tx.run(cypher.BUMP_REVISION_QUERY, token=uuid.uuid4().hex).consume()
            return result

        def run() -> T:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(unit)

        return self._guard(run)

    def _read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        def run() -> list[neo4j.Record]:
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
            return list(records)

        return self._guard(run)

    def setup(self) -> None:
        """Uniqueness constraints and full-text indexes, created if missing and online;
        the search keys of labs written by an earlier version."""

        def run() -> None:
            for q in (
                *cypher.CONSTRAINT_QUERIES,
                *cypher.INDEX_QUERIES,
                *cypher.FULLTEXT_QUERIES,
                *cypher.DROP_QUERIES,
            ):
                self.driver.execute_query(q, database_=self.database)
            self.driver.execute_query(cypher.AWAIT_INDEXES_QUERY, database_=self.database)
            stale, _, _ = self.driver.execute_query(
                cypher.STALE_SEARCH_KEYS_QUERY, database_=self.database
            )
            rows = [
                {"id": r["id"], "key": search_key(Lab(**r.data(), description=""))} for r in stale
            ]
            for batch in _batches(rows):
                self.driver.execute_query(
                    cypher.SET_SEARCH_KEYS_QUERY, rows=batch, database_=self.database
                )

        self._guard(run)
        self._ready = True

    def ping(self) -> None:
        """Raise StoreUnavailable unless the server answers."""
        self._guard(lambda: self.driver.verify_connectivity())

    # -- writes -----------------------------------------------------------------------------
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
            for batch in _batches(rows):
                tx.run(cypher.UPSERT_CONCEPTS_QUERY, rows=batch).consume()
            for batch in _batches(rows):
                tx.run(cypher.LINK_BROADER_QUERY, rows=batch).consume()

        self._write(work)

    def upsert_labs(self, labs: Iterable[tuple[Lab, Extraction]]) -> None:
        """Write labs with their capabilities, replacing earlier ones, in one transaction."""
        rows, links = [], []
        for lab, ex in labs:
            # ``attrs``: where labs written by an earlier version kept some fields (dropped)
            rows.append(
                {**dump(lab), **_profile_props(ex), "search_key": search_key(lab), "attrs": None}
            )
            links.append({"id": lab.id, "mentions": _mentions(ex.mentions)})

        def work(tx: ManagedTransaction) -> None:
            # each statement gets only what it uses: packing the rows is a real cost
            for batch, link_batch in zip(_batches(rows), _batches(links), strict=True):
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
            for batch in _batches(rows):
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
            {"id": pid, "mentions": _mentions(ex.mentions)} for pid, ex in (topics or {}).items()
        ]
        rows = [dump(p) for p in projects]
        keys = ("project_id", "partner_kind", "partner_id")
        parts = [
            {**{k: getattr(p, k) for k in keys}, "props": dump(p, exclude=keys)}
            for p in participations
        ]

        def work(tx: ManagedTransaction) -> None:
            for part_batch in _batches(parts):
                missing = tx.run(cypher.MISSING_PARTNERS_QUERY, rows=part_batch).single()
                if missing is not None:
                    raise StoreError(
                        f"Partenaire inconnu : {missing['kind']} {missing['id']}",
                        f"Unknown partner: {missing['kind']} {missing['id']}",
                    )
            for batch in _batches(rows):
                tx.run(cypher.UPSERT_PROJECTS_QUERY, rows=batch).consume()
            for part_batch in _batches(parts):
                tx.run(cypher.LINK_PARTICIPATIONS_QUERY, rows=part_batch).consume()
            for about_batch in _batches(about):
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
            for batch in _batches(rows):
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
        rows = [{**dump(need), **_profile_props(ex)} for need, ex in latest.values()]
        links = [
            {"id": need.id, "mentions": _mentions(ex.mentions)} for need, ex in latest.values()
        ]
        company_rows = [dump(c) for c in companies]

        def work(tx: ManagedTransaction) -> int:
            for batch in _batches(company_rows):
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
            for batch, link_batch in zip(_batches(rows), _batches(links), strict=True):
                tx.run(cypher.UPSERT_NEEDS_QUERY, rows=batch).consume()
                tx.run(cypher.LINK_REQUIREMENTS_QUERY, rows=link_batch).consume()
            return len(rows) - int(existing)

        # needs alone are not what matching reads: the revision moves only with companies
        # what matching reads does not change: see the embedded store
        return self._write(work, bump=False)

    # -- reads ------------------------------------------------------------------------------
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
            r["l"]["id"]: _lab(r["l"])
            for r in (self._read(cypher.LABS_BY_ID_QUERY, ids=page) if page else [])
        }
        return len(ids), [found[i] for i in page]

    def labs(self) -> list[Lab]:
        """Every lab, ordered by id."""
        return [_lab(r["l"]) for r in self._read(cypher.LABS_QUERY)]

    def lab(self, lab_id: str) -> Lab | None:
        """One lab, or None."""
        rows = self._read(cypher.LAB_QUERY, id=lab_id)
        return _lab(rows[0]["l"]) if rows else None

    def lab_profiles(self) -> dict[str, Extraction]:
        """Each lab's extraction, by lab id."""
        return {
            r["id"]: _profile(r)
            for r in self._read(cypher.LAB_PROFILES_QUERY, fields=_PROFILE_FIELDS)
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
        return self._need(r["n"]), _extraction(r["n"], r["mentions"]), company

    def need_profiles(self) -> dict[str, Extraction]:
        """Each need's extraction, by need id."""
        return {
            r["id"]: _profile(r)
            for r in self._read(cypher.NEED_PROFILES_QUERY, fields=_PROFILE_FIELDS)
        }

    def need_profile(self, need_id: str) -> Extraction | None:
        """One need's extraction, or None."""
        rows = self._read(cypher.NEED_PROFILE_QUERY, id=need_id, fields=_PROFILE_FIELDS)
        return _profile(rows[0]) if rows else None

    def lab_profile(self, lab_id: str) -> Extraction | None:
        """One lab's extraction, or None."""
        rows = self._read(cypher.LAB_PROFILE_QUERY, id=lab_id, fields=_PROFILE_FIELDS)
        return _profile(rows[0]) if rows else None

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

    # -- needs' life ------------------------------------------------------------------------
    def delete_need(self, need_id: str) -> bool:
        """Remove a need's node (its text, its profile, its EXPRESSES and REQUIRES links);
        True when it existed. Its introductions, apart, stay; the revision does not move."""

        def work(tx: ManagedTransaction) -> bool:
            deleted = tx.run(cypher.DELETE_NEED_QUERY, id=need_id).single(strict=True)
            return int(deleted["deleted"]) > 0

        return self._write(work, bump=False)

    # -- accounts (documents: ``doc`` is the model's JSON) -----------------------------------
    def _docs(self, model: type[D], query: LiteralString, **params: Any) -> list[D]:
        return [model.model_validate_json(r["doc"]) for r in self._read(query, **params)]

    def _doc(self, model: type[D], query: LiteralString, **params: Any) -> D | None:
        found = self._docs(model, query, **params)
        return found[0] if found else None

    def upsert_user(self, user: User) -> None:
        """Write an account (StoreError when another account has its email)."""

        def work(tx: ManagedTransaction) -> None:
            other = tx.run(
                cypher.OTHER_USER_WITH_EMAIL_QUERY, id=user.id, email=user.email
            ).single()
            if other is not None:
                raise StoreError(
                    f"Un autre compte a déjà l'adresse {user.email}.",
                    f"Another account has the email {user.email} already.",
                    where="email",
                )
            tx.run(
                cypher.UPSERT_USER_QUERY, id=user.id, email=user.email, doc=user.model_dump_json()
            ).consume()

        self._write(work, bump=False)

    def user(self, user_id: str) -> User | None:
        """One account, or None."""
        return self._doc(User, cypher.USER_QUERY, id=user_id)

    def user_by_email(self, email: str) -> User | None:
        """The account of an email (as stored: lower-cased), or None."""
        return self._doc(User, cypher.USER_BY_EMAIL_QUERY, email=email)

    def users(self) -> list[User]:
        """Every account, ordered by email."""
        return self._docs(User, cypher.USERS_QUERY)

    def add_credential(self, credential: Credential) -> None:
        """Store a credential (its digest), linked to its account (StoreError if unknown)."""

        def work(tx: ManagedTransaction) -> None:
            written = tx.run(
                cypher.UPSERT_CREDENTIAL_QUERY,
                id=credential.id,
                user_id=credential.user_id,
                digest=credential.digest,
                doc=credential.model_dump_json(),
            ).single(strict=True)
            if not written["written"]:
                raise StoreError(
                    f"Compte inconnu : {credential.user_id} (identifiant {credential.id})",
                    f"Unknown account: {credential.user_id} (credential {credential.id})",
                )

        self._write(work, bump=False)

    def credential(self, digest: str) -> Credential | None:
        """The credential of a digest, or None."""
        return self._doc(Credential, cypher.CREDENTIAL_QUERY, digest=digest)

    def credentials(self, user_id: str) -> list[Credential]:
        """An account's credentials, oldest first."""
        found = self._docs(Credential, cypher.CREDENTIALS_QUERY, user_id=user_id)
        return sorted(found, key=lambda c: (c.created_at, c.id))

    @staticmethod
    def _revoke(tx: ManagedTransaction, docs: Iterable[str]) -> int:
        """Revoke, among the credentials of ``docs`` (locked by the caller), the live ones."""
        live = [c for c in map(Credential.model_validate_json, docs) if not c.revoked]
        rows = [
            {"id": c.id, "doc": c.model_copy(update={"revoked": True}).model_dump_json()}
            for c in live
        ]
        if rows:
            tx.run(cypher.SET_CREDENTIAL_DOCS_QUERY, rows=rows).consume()
        return len(rows)

    def revoke_credential(self, credential_id: str) -> bool:
        """Revoke one credential; True when it existed and was not revoked yet."""

        def work(tx: ManagedTransaction) -> int:
            docs = [r["doc"] for r in tx.run(cypher.LOCK_CREDENTIAL_QUERY, id=credential_id)]
            return self._revoke(tx, docs)

        return self._write(work, bump=False) > 0

    def revoke_credentials(self, user_id: str) -> int:
        """Revoke every credential of an account: how many were live."""

        def work(tx: ManagedTransaction) -> int:
            docs = [r["doc"] for r in tx.run(cypher.LOCK_CREDENTIALS_QUERY, user_id=user_id)]
            return self._revoke(tx, docs)

        return self._write(work, bump=False)

    # -- introductions ----------------------------------------------------------------------
    @staticmethod
    def _event_params(event: Event) -> dict[str, Any]:
        return {"seq": event.seq, "event_doc": event.model_dump_json()}

    def add_introduction(self, introduction: Introduction, event: Event) -> bool:
        """Store a new introduction and its first event; False (nothing written) when it exists."""

        def work(tx: ManagedTransaction) -> bool:
            created = tx.run(
                cypher.ADD_INTRODUCTION_QUERY,
                id=introduction.id,
                need_id=introduction.need_id,
                lab_id=introduction.lab_id,
                version=introduction.version,
                doc=introduction.model_dump_json(),
                **self._event_params(event),
            ).single(strict=True)
            return int(created["created"]) > 0

        return self._write(work, bump=False)

    def record_event(self, introduction: Introduction, event: Event) -> None:
        """Store a changed introduction and append its event, in one transaction, only over
        the version it was read at (ConflictError otherwise, and nothing is written)."""

        def work(tx: ManagedTransaction) -> None:
            changed = tx.run(
                cypher.RECORD_EVENT_QUERY,
                id=introduction.id,
                expected=introduction.version - 1,
                version=introduction.version,
                doc=introduction.model_dump_json(),
                **self._event_params(event),
            ).single(strict=True)
            if not changed["changed"]:
                raise ConflictError(
                    "L'introduction a changé entre-temps : rechargez-la et recommencez.",
                    "The introduction changed meanwhile: read it again and retry.",
                    where=introduction.id,
                )

        self._write(work, bump=False)

    def introduction(self, introduction_id: str) -> Introduction | None:
        """One introduction, or None."""
        return self._doc(Introduction, cypher.INTRODUCTION_QUERY, id=introduction_id)

    def introductions(self, need_id: str | None = None) -> list[Introduction]:
        """Introductions (of one need when given), by need then lab."""
        return self._docs(Introduction, cypher.INTRODUCTIONS_QUERY, need_id=need_id)

    def events(self, introduction_id: str) -> list[Event]:
        """An introduction's trail, in order."""
        return self._docs(Event, cypher.EVENTS_QUERY, id=introduction_id)

    def wipe(self) -> None:
        """Delete every node and relationship (tests only)."""

        def run() -> None:
            with self.driver.session(database=self.database) as session:
                session.run(cypher.WIPE_QUERY).consume()

        self._guard(run)

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()
