"""The application's use cases: analyse a need, pair it with labs, follow labs' opportunities.

Shared by the HTTP API, the CLI and the notebooks; talks to the store and the extractor through
their interfaces only.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.context import ContextWeights, GraphContext, Topic
from graph.errors import InputError, NotFoundError
from graph.geo import region_of
from graph.matching import MatchIndex, MatchParams, Pairing
from graph.model import Company, Concept, Extraction, Lab, Need, Participation, Project
from graph.ports import Extractor, GraphStore
from graph.scope import Scope
from graph.track_record import TrackRecord, TrackRecords, industry_strengths

MAX_TEXT_CHARS = 20_000
"""Longest need or description accepted, in characters (about eight pages)."""
MAX_LIMIT = 100
MAX_PAGE = 1000
"""The most labs one page of a search lists."""


@dataclass(frozen=True)
class RankedLab:
    """A lab in a ranking."""

    rank: int
    lab: Lab
    pairing: Pairing


@dataclass(frozen=True)
class RankedNeed:
    """A need in a lab's list of opportunities."""

    rank: int
    need: Need
    pairing: Pairing


@dataclass(frozen=True)
class ScopeUsed:
    """The scope a ranking was made in, and how many units it holds."""

    scope: Scope
    units: int


@dataclass(frozen=True)
class MatchResult:
    """A text's analysis and the labs it pairs with."""

    extraction: Extraction
    ranking: list[RankedLab]
    scope: ScopeUsed | None = None


def slugify(name: str) -> str:
    """A stable ASCII id from a name.

    Examples
    --------
    >>> slugify("Forges de la Seille (fictive)")
    'forges-de-la-seille-fictive'
    """
    text = unicodedata.normalize("NFKD", name.lower().replace("œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def check_text(text: str, field: str = "text") -> str:
    """The text, if it is neither blank nor longer than ``MAX_TEXT_CHARS``."""
    if not text or not text.strip():
        raise InputError(
            f"Le champ « {field} » est vide : décrivez le besoin en quelques phrases.",
            f"Field '{field}' is empty: describe the need in a few sentences.",
            where=field,
        )
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"Le champ « {field} » dépasse {MAX_TEXT_CHARS} caractères ({len(text)}) : résumez-le.",
            f"Field '{field}' is longer than {MAX_TEXT_CHARS} characters ({len(text)}): "
            "shorten it.",
            where=field,
        )
    return text


def check_limit(limit: int, most: int = MAX_LIMIT) -> int:
    """``limit`` if it lies in 1..``most``."""
    if not 1 <= limit <= most:
        raise InputError(
            f"« limit » doit être entre 1 et {most} (reçu {limit}).",
            f"'limit' must be between 1 and {most} (got {limit}).",
            where="limit",
        )
    return limit


def _unknown_need(need_id: str) -> NotFoundError:
    return NotFoundError(f"Besoin inconnu : {need_id}", f"Unknown need: {need_id}", where="need_id")


class PairingService:
    """Use cases over one store and one extractor.

    The matching index is built from the store on first use and rebuilt when the store's
    ``revision()`` changes (another process loaded labs or concepts) or after ``refresh()``.
    """

    def __init__(
        self,
        store: GraphStore,
        extractor: Extractor,
        params: MatchParams | None = None,
        *,
        topics: Mapping[str, Topic] | None = None,
        scope: Scope | None = None,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.params = params or MatchParams()
        self.topics = dict(topics or {})
        """Project themes (ANR committees and programmes) and their concepts."""
        self.default_scope = scope or Scope()
        """The territory served when a request names none."""
        self._scopes: dict[Scope, npt.NDArray[np.bool_]] = {}
        self._index: MatchIndex | None = None
        self._labs: dict[str, Lab] = {}
        self._profiles: dict[str, Extraction] = {}
        self._revision: str | None = None
        self._records: TrackRecords | None = None
        self._context: GraphContext | None = None
        self._graph: tuple[list[Project], list[Participation]] | None = None
        self._companies: list[Company] = []
        self.weights = ContextWeights()
        self._lock = threading.Lock()

    # -- index ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Forget the matching index; the next query rebuilds it from the store."""
        with self._lock:
            self._index = None

    @property
    def index(self) -> MatchIndex:
        """The matching index over the store's labs (one cheap store read to check it is current)."""
        revision = self.store.revision()
        with self._lock:
            if self._index is None or revision != self._revision:
                # read once, not per request: the labs, their profiles and the vocabulary;
                # only research units are candidates
                labs = {lab.id: lab for lab in self.store.labs()}
                self._profiles = {
                    lab_id: profile
                    for lab_id, profile in self.store.lab_profiles().items()
                    if lab_id in labs and labs[lab_id].is_unit
                }
                self._companies = self.store.companies()
                smes = {c.id for c in self._companies if c.is_sme}
                industry, industry_sme = industry_strengths(self.store.collaborations(), smes)
                self._index = MatchIndex(
                    self.store.concepts(),
                    self._profiles,
                    self.params,
                    industry=industry,
                    industry_sme=industry_sme,
                )
                self._labs = labs
                self._records = None
                self._context = None
                self._graph = None
                self._scopes = {}
                self._revision = revision
            return self._index

    # -- use cases --------------------------------------------------------------------------
    def analyse(self, text: str) -> Extraction:
        """Concepts, keywords and terms of a text (checked first)."""
        return self.extractor.extract(check_text(text))

    def match_text(self, text: str, limit: int = 10, scope: Scope | None = None) -> MatchResult:
        """Rank labs for a free-text need, storing nothing (in ``scope``, else the default)."""
        check_limit(limit)
        extraction = self.analyse(text)
        index, used = self._scoped(scope)
        return MatchResult(extraction, self._rank(index, extraction, limit, None, used.scope), used)

    def _candidates(self, index: MatchIndex, scope: Scope) -> npt.NDArray[np.bool_]:
        """The units of ``scope``, by position in ``index.lab_ids`` (kept per revision)."""
        with self._lock:
            found = self._scopes.get(scope)
            if found is None:
                labs = self._labs
                found = np.asarray(
                    [lab_id in labs and scope.admits(labs[lab_id]) for lab_id in index.lab_ids],
                    dtype=np.bool_,
                )
                self._scopes[scope] = found
            return found

    def scope_used(self, scope: Scope | None = None) -> ScopeUsed:
        """The scope a request gets (the default when it names none) and its units.

        Raises
        ------
        InputError
            When the scope names an institution or region that no unit belongs to.
        """
        return self._scoped(scope)[1]

    def _scoped(self, scope: Scope | None) -> tuple[MatchIndex, ScopeUsed]:
        """The index (one freshness check of the store) and the scope of a request."""
        scope = self.default_scope if scope is None else scope
        index = self.index
        units = int(self._candidates(index, scope).sum())
        if units == 0 and not scope.is_everywhere and index.lab_ids:
            raise InputError(
                f"Aucune unité de recherche dans le périmètre « {scope.label()} » : vérifiez "
                "le nom ou le sigle de l'établissement, ou le nom de la région.",
                f"No research unit in the scope '{scope.label('en')}': check the institution's "
                "name or acronym, or the region's name.",
                where="scope",
            )
        return index, ScopeUsed(scope, units)

    def _projects(self) -> tuple[list[Project], list[Participation]]:
        """Projects and participations, read once per store revision (context and records;
        the companies are read with the index).

        The caller has checked the revision (``self.index``), which drops this cache.
        """
        with self._lock:
            if self._graph is None:
                self._graph = (self.store.projects(), self.store.participations())
            return self._graph

    def graph_context(self) -> GraphContext | None:
        """The graph around needs (projects, partners, places), or None without projects."""
        return self._graph_context(self.index)

    def _graph_context(self, index: MatchIndex) -> GraphContext | None:
        projects, participations = self._projects()
        if not projects:
            return None
        lab_ids = index.lab_ids
        with self._lock:
            if self._context is None:
                self._context = GraphContext(
                    lab_ids,
                    projects,
                    participations,
                    self.topics,
                    {
                        lab.id: region
                        for lab in self._labs.values()
                        if (region := region_of(lab.postcode))
                    },
                )
            return self._context

    def _rank(
        self,
        index: MatchIndex,
        extraction: Extraction,
        limit: int,
        company: Company | None,
        scope: Scope,
    ) -> list[RankedLab]:
        """``index`` comes from the request's one freshness check (``_scoped``)."""
        context = self._graph_context(index)
        signals = weights = None
        details: dict[str, str] = {}
        if context is not None:
            # the need's themes come from its concepts (broader ones included)
            topics = context.topics_of(
                {c: e.weight for c, e in index.expand(extraction.mentions).items()}
            )
            details["topic_record"] = context.describe(topics)
            signals = context.signals(
                topics, company.id if company else None, company.region if company else None
            )
            # without a known company, only the labs' record on the need's topics applies
            weights = {
                k: w
                for k, w in self.weights.as_dict().items()
                if company is not None or k == "topic_record"
            }
        pairings = index.rank_labs(
            extraction,
            limit,
            sme=company is not None and company.is_sme,
            context=signals,
            weights=weights,
            candidates=self._candidates(index, scope),
            details=details,
        )
        labs = self._labs
        return [
            RankedLab(rank=n, lab=labs[p.lab_id], pairing=p)
            for n, p in enumerate(pairings, start=1)
            if p.lab_id in labs
        ]

    def submit_need(
        self, *, title: str, text: str, company: str, city: str | None = None
    ) -> tuple[Need, Extraction, bool]:
        """Store a need of a company (created if unknown); the same need twice is stored once.

        Returns the need, its extraction and whether it was new.
        """
        title = check_text(title, "title").strip()
        text = check_text(text)
        if not company.strip():
            raise InputError(
                "Le champ « company » est vide : indiquez le nom de l'entreprise.",
                "Field 'company' is empty: give the company's name.",
                where="company",
            )
        company_id = slugify(company)
        digest = hashlib.sha256(f"{company_id}\n{title}\n{text}".encode()).hexdigest()[:16]
        need = Need(id=f"need-{digest}", company_id=company_id, title=title, text=text)
        extraction = self.extractor.extract(text)
        known = self.store.company(company_id)
        new_company = None if known else Company(id=company_id, name=company.strip(), city=city)
        created = self.store.upsert_need(need, extraction, new_company)
        return need, extraction, created

    def need(self, need_id: str) -> Need:
        """One need, or NotFoundError."""
        need = self.store.need(need_id)
        if need is None:
            raise _unknown_need(need_id)
        return need

    def need_pairings(
        self, need_id: str, limit: int = 10, scope: Scope | None = None
    ) -> tuple[Need, list[RankedLab], ScopeUsed]:
        """Labs for a stored need (read with its profile and company at once), in ``scope``
        (else the default)."""
        check_limit(limit)
        stored = self.store.stored_need(need_id)
        if stored is None:
            raise _unknown_need(need_id)
        need, profile, company = stored
        index, used = self._scoped(scope)
        return need, self._rank(index, profile, limit, company, used.scope), used

    def lab(self, lab_id: str) -> Lab:
        """One lab, or NotFoundError."""
        lab = self.store.lab(lab_id)
        if lab is None:
            raise NotFoundError(
                f"Laboratoire inconnu : {lab_id}", f"Unknown lab: {lab_id}", where="lab_id"
            )
        return lab

    def search_labs(
        self, query: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Lab]]:
        """Labs by acronym, name or city (every word of ``query`` starts one of their words,
        accents and case ignored; all labs without a query): how many, and one page."""
        check_limit(limit, MAX_PAGE)
        if offset < 0:
            raise InputError(
                f"« offset » ne peut pas être négatif (reçu {offset}).",
                f"'offset' cannot be negative (got {offset}).",
                where="offset",
            )
        return self.store.search_labs(query, limit, offset)

    def track_records(self) -> TrackRecords:
        """Every lab's track record, built once per store revision."""
        self.index  # noqa: B018 (checks the store's revision, dropping stale caches)
        projects, participations = self._projects()
        with self._lock:
            if self._records is None:
                self._records = TrackRecords(projects, participations, self._companies)
            return self._records

    def track_record(self, lab_id: str) -> TrackRecord:
        """The lab's industry track record (companies from shared projects, by year and topic)."""
        self.lab(lab_id)
        return self.track_records().of(lab_id)

    def lab_profile(self, lab_id: str) -> Extraction:
        """What the lab can do, from its description, register entry and projects."""
        self.lab(lab_id)
        self.index  # noqa: B018 (refreshes the cached profiles when the store changed)
        return self._profiles.get(lab_id, Extraction(language="fr"))

    def lab_counts(self) -> dict[str, int]:
        """How many labs by kind: units (candidates), of which described by their
        institution, and organisations known only as project partners."""
        self.index  # noqa: B018
        labs = self._labs.values()
        return {
            "units": sum(lab.is_unit for lab in labs),
            "described": sum(lab.is_unit and bool(lab.description_source) for lab in labs),
            "organisations": sum(not lab.is_unit for lab in labs),
        }

    def lab_opportunities(self, lab_id: str, limit: int = 10) -> tuple[Lab, list[RankedNeed]]:
        """Stored needs that fit a lab, best first."""
        check_limit(limit)
        lab = self.lab(lab_id)
        needs = {n.id: n for n in self.store.needs()}
        ranked = self.index.rank_needs(lab_id, self.store.need_profiles(), limit)
        return lab, [
            RankedNeed(rank=n, need=needs[need_id], pairing=p)
            for n, (need_id, p) in enumerate(ranked, start=1)
        ]

    def concepts(self) -> dict[str, Concept]:
        """The vocabulary, by id."""
        return self.index.concepts

    def search_concepts(self, query: str, limit: int = 20) -> list[Concept]:
        """Concepts whose labels contain ``query`` (accents and case ignored), best first."""
        check_limit(limit)
        q = slugify(query).replace("-", " ")
        if not q:
            return sorted(self.concepts().values(), key=lambda c: c.id)[:limit]
        hits: list[tuple[int, str, Concept]] = []
        for c in self.concepts().values():
            labels = [
                slugify(x).replace("-", " ") for x in (c.label_fr, c.label_en, *c.alt_fr, *c.alt_en)
            ]
            if any(q == lab for lab in labels):
                hits.append((0, c.id, c))
            elif any(lab.startswith(q) for lab in labels):
                hits.append((1, c.id, c))
            elif any(q in lab for lab in labels):
                hits.append((2, c.id, c))
        return [c for _, _, c in sorted(hits, key=lambda h: (h[0], h[1]))][:limit]
