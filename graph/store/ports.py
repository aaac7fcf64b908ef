"""The store's interface, in three parts: the knowledge graph (``GraphStore``), the accounts
(``AccountStore``) and the introductions (``IntroductionStore``); ``Store`` is all three, as
both adapters (``graph.store.embedded``, ``graph.store.neo4j``) implement it. A use case types
what it is given by the part it needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

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
from graph.rules.accounts import Credential, User
from graph.rules.workflow import Event, Introduction


class GraphStore(Protocol):
    """Where the knowledge graph lives: labs, companies, needs, concepts and their weighted
    links, projects and partners.

    Every write is idempotent (writing the same thing twice changes nothing) and atomic
    (a write that fails leaves nothing half-stored).
    """

    def upsert_concepts(self, concepts: Iterable[Concept]) -> None:
        """Write concepts and their BROADER links."""
        ...

    def upsert_labs(self, labs: Iterable[tuple[Lab, Extraction]]) -> None:
        """Write labs with their capabilities (HAS_CAPABILITY), replacing earlier ones."""
        ...

    def upsert_company(self, company: Company) -> None:
        """Write one company."""
        ...

    def upsert_companies(self, companies: Iterable[Company]) -> None:
        """Write companies, at once."""
        ...

    def upsert_projects(
        self,
        projects: Iterable[Project],
        participations: Iterable[Participation] = (),
        topics: Mapping[str, Extraction] | None = None,
    ) -> None:
        """Write projects, their participations (PARTICIPATED_IN) and, for the projects in
        ``topics``, their concepts (ABOUT, replacing earlier ones), at once.

        Every partner must already exist: StoreError otherwise, and nothing is written.
        """
        ...

    def link_lab_parents(self) -> None:
        """PART_OF links from labs to the parent units (``Lab.parent_ids``) that exist."""
        ...

    def replace_collaborations(self, collaborations: Iterable[Collaboration]) -> None:
        """Replace every lab–company COLLABORATED_WITH edge, at once."""
        ...

    def upsert_need(
        self, need: Need, extraction: Extraction, company: Company | None = None
    ) -> bool:
        """Write a need with its requirements (REQUIRES), and its company when given, at once.

        Returns True when the need was new.
        """
        ...

    def upsert_needs(
        self, needs: Iterable[tuple[Need, Extraction]], companies: Iterable[Company] = ()
    ) -> int:
        """Write needs with their requirements (REQUIRES, replacing earlier ones) and the
        given companies, at once; a need given twice keeps its last version.

        Every need's company must exist or be given: StoreError otherwise, and nothing is
        written. Returns how many of the needs were new. The revision does not change: the
        companies given here are the needs' new companies, which no project names yet.
        """
        ...

    def concepts(self) -> list[Concept]:
        """Every concept."""
        ...

    def labs(self) -> list[Lab]:
        """Every lab, ordered by id."""
        ...

    def lab(self, lab_id: str) -> Lab | None:
        """One lab, or None."""
        ...

    def search_labs(self, query: str | None, limit: int, offset: int = 0) -> tuple[int, list[Lab]]:
        """Labs whose acronym, name or city has a word starting with each word of ``query``
        (accents and case ignored; every lab without one), ordered as ``graph.rules.search.order``
        says: how many match, and the ``limit`` of them after the first ``offset``."""
        ...

    def lab_profiles(self) -> dict[str, Extraction]:
        """Each lab's extraction, by lab id."""
        ...

    def company(self, company_id: str) -> Company | None:
        """One company, or None."""
        ...

    def companies(self) -> list[Company]:
        """Every company, ordered by id."""
        ...

    def projects(self) -> list[Project]:
        """Every project, ordered by id."""
        ...

    def participations(self) -> list[Participation]:
        """Every participation, ordered by project, partner kind and partner id."""
        ...

    def collaborations(self, lab_id: str | None = None) -> list[Collaboration]:
        """Lab–company collaboration edges (of one lab when given), by lab then company."""
        ...

    def needs(self) -> list[Need]:
        """Every need, ordered by id."""
        ...

    def need(self, need_id: str) -> Need | None:
        """One need, or None."""
        ...

    def stored_need(self, need_id: str) -> tuple[Need, Extraction, Company | None] | None:
        """A need with its extraction and its company, read at once; None when unknown."""
        ...

    def need_profiles(self) -> dict[str, Extraction]:
        """Each need's extraction, by need id."""
        ...

    def need_profile(self, need_id: str) -> Extraction | None:
        """One need's extraction, or None."""
        ...

    def lab_profile(self, lab_id: str) -> Extraction | None:
        """One lab's extraction, or None."""
        ...

    def revision(self) -> str:
        """A token that changes with every write of what matching reads: labs, concepts,
        companies, projects, participations, collaborations (writing needs, with their new
        companies, keeps it).

        A running service compares it on each request and rebuilds its index when it moved,
        so that what another process wrote, even in place, is seen. Writes made to the
        database by other means than the store are not tracked.
        """
        ...

    # -- needs' life ------------------------------------------------------------------------
    def delete_need(self, need_id: str) -> bool:
        """Remove a need, its text and its requirements (a withdrawal); True when it existed.
        Its introductions and their trails stay."""
        ...

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts by label and relationship counts by type."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


class AccountStore(Protocol):
    """Where accounts and their credentials live (none of these writes changes the revision)."""

    def upsert_user(self, user: User) -> None:
        """Write an account (its email is unique: StoreError when another account has it)."""
        ...

    def user(self, user_id: str) -> User | None:
        """One account, or None."""
        ...

    def user_by_email(self, email: str) -> User | None:
        """The account of a (lower-cased) email, or None."""
        ...

    def users(self) -> list[User]:
        """Every account, ordered by email."""
        ...

    def add_credential(self, credential: Credential) -> None:
        """Store a session or token (its digest)."""
        ...

    def credential(self, digest: str) -> Credential | None:
        """The credential of a secret's digest, or None."""
        ...

    def credentials(self, user_id: str) -> list[Credential]:
        """An account's credentials, oldest first."""
        ...

    def revoke_credential(self, credential_id: str) -> bool:
        """Revoke a credential; True when it existed and was not revoked yet."""
        ...

    def revoke_credentials(self, user_id: str) -> int:
        """Revoke every credential of an account (disabled): how many were."""
        ...


class IntroductionStore(Protocol):
    """Where introductions and their append-only audit trails live."""

    def add_introduction(self, introduction: Introduction, event: Event) -> bool:
        """Store a new introduction and the first event of its trail, at once; False (and
        nothing written) when one with its id exists already."""
        ...

    def record_event(self, introduction: Introduction, event: Event) -> None:
        """Store ``introduction`` as changed by ``event`` and append the event, at once, only if
        the stored introduction's version is ``introduction.version - 1`` (ConflictError
        otherwise: someone changed it meanwhile, and nothing is written)."""
        ...

    def introduction(self, introduction_id: str) -> Introduction | None:
        """One introduction, or None."""
        ...

    def introductions(self, need_id: str | None = None) -> list[Introduction]:
        """Introductions (of one need when given), by need id then lab id."""
        ...

    def events(self, introduction_id: str) -> list[Event]:
        """An introduction's audit trail, in order."""
        ...


class Store(GraphStore, AccountStore, IntroductionStore, Protocol):
    """The whole store: the graph, the accounts and the introductions."""
