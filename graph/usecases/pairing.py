"""The application's use cases: analyse a need, pair it with labs, follow labs' opportunities.

Shared by the HTTP API, the CLI and the notebooks; talks to the store and the extractor through
their interfaces only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graph.errors import InputError, PasserelleError, unknown_lab, unknown_need
from graph.extractor import Extractor
from graph.model import Company, Concept, Extraction, Lab, Need
from graph.ranking.context import Topic
from graph.ranking.feedback import NO_FEEDBACK, Feedback, Lessons
from graph.ranking.matching import MatchIndex, MatchParams, Pairing
from graph.ranking.signals import default_weights
from graph.ranking.track_record import TrackRecord, TrackRecords
from graph.rules.input import MAX_PAGE, check_limit, check_offset, check_text
from graph.rules.scope import Scope
from graph.store.ports import Store
from graph.text import key
from graph.usecases.snapshot import SNAPSHOT_ATTEMPTS, Snapshot, Snapshots, read_snapshot


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
    labels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """The French and English labels of the concepts (of the snapshot that ranked)."""


@dataclass(frozen=True)
class LabView:
    """A lab with what is known of it, from one snapshot."""

    lab: Lab
    profile: Extraction
    records: TrackRecords
    """Every lab's track record (``records.of(lab.id)`` is this one's)."""
    labels: Mapping[str, tuple[str, str]]


ExtractorFactory = Callable[[Sequence[Concept]], Extractor]
"""Builds the extractor for the store's vocabulary (every concept it holds, register extensions
such as ESCO and NAF included)."""

WARM_UP_TEXT = "Corrosion de pièces en acier soudé : traitement de surface et contrôle."
"""What ``warm()`` analyses and ranks once, so that no request pays for first uses."""


class PairingService:
    """Use cases over one store.

    Requests read an immutable :class:`~graph.usecases.snapshot.Snapshot` of the store's labs'
    side (labs, profiles, the ranker, track records, and the extractor for the store's
    vocabulary), built once per store revision (:class:`~graph.usecases.snapshot.Snapshots`).
    Storing needs does not change the revision. Labs are ranked by the one ranking pipeline
    (``graph.ranking.pipeline.Ranker``).

    Parameters
    ----------
    store : Store
    extractor : Extractor, optional
        A fixed extractor (tests, evaluations). Give ``extractors`` instead for one that
        follows the store's vocabulary.
    params : MatchParams, optional
    extractors : callable, optional
        Builds the extractor for the store's concepts; called again only when they change
        (ESCO or NAF loaded while the server runs).
    topics : mapping, optional
        Project themes (ANR committees and programmes) and their concepts.
    scope : Scope, optional
        The territory served when a request names none.
    weights : mapping, optional
        The signals' weights (``graph.ranking.signals``); default: the table's.
    freeze : bool
        After each snapshot, move every object alive into the garbage collector's permanent
        generation (``gc.freeze``), so that full collections no longer walk the snapshot's
        hundreds of thousands of objects while requests wait. For a server process.
    """

    def __init__(
        self,
        store: Store,
        extractor: Extractor | None = None,
        params: MatchParams | None = None,
        *,
        extractors: ExtractorFactory | None = None,
        topics: Mapping[str, Topic] | None = None,
        scope: Scope | None = None,
        weights: Mapping[str, float] | None = None,
        freeze: bool = False,
    ) -> None:
        if (extractor is None) == (extractors is None):
            raise ValueError("give either an extractor or an extractor factory")
        self.store = store
        self._fixed_extractor = extractor
        self._extractors = extractors
        self.params = params or MatchParams()
        self.topics = dict(topics or {})
        """Project themes (ANR committees and programmes) and their concepts."""
        self.default_scope = scope or Scope()
        """The territory served when a request names none."""
        self.weights = dict(default_weights() if weights is None else weights)
        """The signals' weights."""
        self.snapshots = Snapshots(store, self._read, freeze)
        self._warmed = False
        self._warm_lock = threading.Lock()
        self._warmer: threading.Thread | None = None

    # -- snapshot ---------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The snapshot of the store's current revision (``Snapshots.current``)."""
        return self.snapshots.current()

    def _read(self, previous: Snapshot | None) -> Snapshot:
        return read_snapshot(
            self.store, previous, self._extractor_maker, params=self.params, topics=self.topics
        )

    @property
    def ready(self) -> bool:
        """Whether ``warm()`` has run: a match is served without building anything first."""
        return self._warmed and self.snapshots.built is not None

    def warm(self) -> None:
        """Build what the first match would otherwise build: the snapshot, its extractor, the
        default scope's units, and the first use of the text pipeline (one throwaway match)."""
        snap = self.snapshot()
        snap.candidates(self.default_scope)
        extraction = snap.extractor.extract(WARM_UP_TEXT)
        self._rank(snap, extraction, 1, None, self.default_scope)
        self._warmed = True

    def warm_in_background(self) -> None:
        """``warm()`` in a thread, unless one runs already (a store that is down at start-up
        is tried again by the next readiness check)."""
        with self._warm_lock:
            if self._warmer is not None and self._warmer.is_alive():
                return
            self._warmer = threading.Thread(target=self._warm_quietly, name="warm-up", daemon=True)
            self._warmer.start()

    def _warm_quietly(self) -> None:
        try:
            self.warm()
        except PasserelleError:
            pass  # the store is down: requests answer 503, readiness checks try again

    def refresh(self) -> None:
        """Forget the snapshot; the next request builds one from the store."""
        self.snapshots.forget()

    def _extractor_maker(
        self, previous: Snapshot | None, concepts: tuple[Concept, ...]
    ) -> Callable[[], Extractor]:
        """How the snapshot of ``concepts`` gets its extractor: the fixed one; the previous
        snapshot's when the vocabulary is the same; else a new one from the factory."""
        fixed, factory = self._fixed_extractor, self._extractors
        if fixed is not None:
            return lambda: fixed
        if previous is not None and previous.vocabulary == concepts:
            return lambda: previous.extractor
        assert factory is not None
        return lambda: factory(concepts)

    @property
    def index(self) -> MatchIndex:
        """The matching index of the current snapshot."""
        return self.snapshot().index

    @property
    def extractor(self) -> Extractor:
        """The extractor of the current snapshot (for the store's vocabulary)."""
        if self._fixed_extractor is not None:
            return self._fixed_extractor
        return self.snapshot().extractor

    # -- use cases --------------------------------------------------------------------------
    def analyse(self, text: str) -> Extraction:
        """Concepts, keywords and terms of a text (checked first)."""
        return self.snapshot().extractor.extract(check_text(text))

    def match_text(self, text: str, limit: int = 10, scope: Scope | None = None) -> MatchResult:
        """Rank labs for a free-text need, storing nothing (in ``scope``, else the default)."""
        check_limit(limit)
        text = check_text(text)
        snap = self.snapshot()
        extraction = snap.extractor.extract(text)
        used = self._scope_used(snap, scope)
        ranking = self._rank(snap, extraction, limit, None, used.scope)
        return MatchResult(extraction, ranking, used, snap.labels)

    def scope_used(self, scope: Scope | None = None) -> ScopeUsed:
        """The scope a request gets (the default when it names none) and its units.

        Raises
        ------
        InputError
            When the scope names an institution or region that no unit belongs to.
        """
        return self._scope_used(self.snapshot(), scope)

    def _scope_used(self, snap: Snapshot, scope: Scope | None) -> ScopeUsed:
        scope = self.default_scope if scope is None else scope
        units = int(snap.candidates(scope).sum())
        if units == 0 and not scope.is_everywhere and snap.index.lab_ids:
            raise InputError(
                f"Aucune unité de recherche dans le périmètre « {scope.label()} » : vérifiez "
                "le nom ou le sigle de l'établissement, ou le nom de la région.",
                f"No research unit in the scope '{scope.label('en')}': check the institution's "
                "name or acronym, or the region's name.",
                where="scope",
            )
        return ScopeUsed(scope, units)

    def _rank(
        self,
        snap: Snapshot,
        extraction: Extraction,
        limit: int,
        company: Company | None,
        scope: Scope,
        feedback: Feedback = NO_FEEDBACK,
    ) -> list[RankedLab]:
        pairings = snap.ranker.rank(
            extraction,
            limit,
            company=company,
            candidates=snap.candidates(scope),
            feedback=feedback,
            weights=self.weights,
        )
        labs = snap.labs
        return [
            RankedLab(rank=n, lab=labs[p.lab_id], pairing=p)
            for n, p in enumerate(pairings, start=1)
            if p.lab_id in labs
        ]

    def need(self, need_id: str) -> Need:
        """One need, or NotFoundError."""
        need = self.store.need(need_id)
        if need is None:
            raise unknown_need(need_id)
        return need

    def need_pairings(
        self,
        need_id: str,
        limit: int = 10,
        scope: Scope | None = None,
        lessons: Lessons | None = None,
    ) -> tuple[Need, list[RankedLab], ScopeUsed]:
        """Labs for a stored need (read with its profile and company at once), in ``scope``
        (else the default), with what officers' introductions teach (``graph.ranking.feedback``;
        ``lessons``, to rank many needs on introductions read once)."""
        need, ranking, used, _ = self.need_pairings_with_feedback(need_id, limit, scope, lessons)
        return need, ranking, used

    def lessons(self) -> Lessons:
        """The introductions as they stand, read once, for the feedback of many needs."""
        return Lessons(self.store.introductions(), self.store.need_profile)

    def need_pairings_with_feedback(
        self,
        need_id: str,
        limit: int = 10,
        scope: Scope | None = None,
        lessons: Lessons | None = None,
    ) -> tuple[Need, list[RankedLab], ScopeUsed, Feedback]:
        """``need_pairings`` and the feedback it used: the labs declined for the need (left
        out of the ranking) and those that succeeded on similar needs."""
        check_limit(limit)
        stored = self.store.stored_need(need_id)
        if stored is None:
            raise unknown_need(need_id)
        need, profile, company = stored
        feedback = (lessons or self.lessons()).feedback(need_id, profile)
        ranking, used = self.rank_profile(profile, limit, company, scope, feedback)
        return need, ranking, used, feedback

    def rank_profile(
        self,
        profile: Extraction,
        limit: int = 10,
        company: Company | None = None,
        scope: Scope | None = None,
        feedback: Feedback = NO_FEEDBACK,
    ) -> tuple[list[RankedLab], ScopeUsed]:
        """Labs for a need's extraction as if ``company`` had submitted it (None: no company
        known), in ``scope`` (else the default), with the introductions' ``feedback``.

        What ``need_pairings`` does for a stored need, for a profile that need not be stored:
        the what-ifs of ``graph.usecases.whatif`` rank through it and store nothing.
        """
        check_limit(limit)
        snap = self.snapshot()
        used = self._scope_used(snap, scope)
        return self._rank(snap, profile, limit, company, used.scope, feedback), used

    def lab(self, lab_id: str) -> Lab:
        """One lab, or NotFoundError."""
        lab = self.store.lab(lab_id)
        if lab is None:
            raise unknown_lab(lab_id)
        return lab

    def search_labs(
        self, query: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[Lab]]:
        """Labs by acronym, name or city (every word of ``query`` starts one of their words,
        accents and case ignored; all labs without a query): how many, and one page."""
        check_limit(limit, MAX_PAGE)
        check_offset(offset)
        return self.store.search_labs(query, limit, offset)

    def track_records(self) -> TrackRecords:
        """Every lab's track record (of the current snapshot)."""
        return self.snapshot().records

    def track_record(self, lab_id: str) -> TrackRecord:
        """The lab's industry track record (companies from shared projects, by year and topic)."""
        self.lab(lab_id)
        return self.track_records().of(lab_id)

    def lab_profile(self, lab_id: str) -> Extraction:
        """What the lab can do, from its description, register entry and projects."""
        self.lab(lab_id)
        return self.snapshot().profiles.get(lab_id, Extraction(language="fr"))

    def lab_view(self, lab_id: str) -> LabView:
        """A lab, its profile, the track records and the concepts' labels, from one snapshot
        (NotFoundError for an unknown lab).

        Without a snapshot built yet in this process (a CLI command), only what the view
        needs is read (one lab, its profile, the projects and the concepts), not the whole
        graph into a matching index."""
        if self.snapshots.built is None:
            return self._lab_view_alone(lab_id)
        snap = self.snapshot()
        lab = snap.labs.get(lab_id)
        if lab is None:
            raise unknown_lab(lab_id)
        return LabView(
            lab, snap.profiles.get(lab_id, Extraction(language="fr")), snap.records, snap.labels
        )

    def _lab_view_alone(self, lab_id: str) -> LabView:
        store = self.store
        view = None
        for _ in range(SNAPSHOT_ATTEMPTS):  # one revision, as a snapshot would be
            revision = store.revision()
            view = self._read_lab_view(lab_id)
            if store.revision() == revision:
                break
        assert view is not None
        return view

    def _read_lab_view(self, lab_id: str) -> LabView:
        store = self.store
        lab = store.lab(lab_id)
        if lab is None:
            raise unknown_lab(lab_id)
        # as in a snapshot, only research units have a profile (they are the candidates)
        profile = store.lab_profile(lab_id) if lab.is_unit else None
        records = TrackRecords(store.projects(), store.participations(), store.companies())
        labels = {c.id: (c.label_fr, c.label_en) for c in store.concepts()}
        return LabView(lab, profile or Extraction(language="fr"), records, labels)

    def lab_counts(self) -> dict[str, int]:
        """How many labs by kind: units (candidates), of which described by their
        institution, and organisations known only as project partners."""
        return dict(self.snapshot().counts)

    def lab_opportunities(
        self, lab_id: str, limit: int = 10, needs: Mapping[str, Need] | None = None
    ) -> tuple[Lab, list[RankedNeed]]:
        """Stored needs that fit a lab, best first: among ``needs`` when given (the needs the
        caller may read, by id), else every stored need."""
        check_limit(limit)
        lab = self.lab(lab_id)
        if needs is None:
            needs = {n.id: n for n in self.store.needs()}
        profiles = {k: v for k, v in self.store.need_profiles().items() if k in needs}
        ranked = self.snapshot().index.rank_needs(lab_id, profiles, limit)
        return lab, [
            RankedNeed(rank=n, need=needs[need_id], pairing=p)
            for n, (need_id, p) in enumerate(ranked, start=1)
        ]

    def concepts(self) -> Mapping[str, Concept]:
        """The vocabulary, by id."""
        return self.snapshot().index.concepts

    def check_concepts(self, concept_ids: Iterable[str]) -> None:
        """InputError naming the first of ``concept_ids`` the vocabulary does not hold."""
        known = self.concepts()
        for concept_id in concept_ids:
            if concept_id not in known:
                raise InputError(
                    f"Concept inconnu : {concept_id}",
                    f"Unknown concept: {concept_id}",
                    where="concept_id",
                )

    def concept_labels(self) -> Mapping[str, tuple[str, str]]:
        """Each concept's French and English labels, by id."""
        return self.snapshot().labels

    def search_concepts(self, query: str, limit: int = 20) -> list[Concept]:
        """Concepts whose labels contain ``query`` (accents and case ignored), best first."""
        check_limit(limit)
        q = key(query)
        keyed = self.snapshot().concept_keys()
        if not q:
            return [c for c, _ in keyed[:limit]]
        hits: list[tuple[int, str, Concept]] = []
        for c, labels in keyed:
            if any(q == lab for lab in labels):
                hits.append((0, c.id, c))
            elif any(lab.startswith(q) for lab in labels):
                hits.append((1, c.id, c))
            elif any(q in lab for lab in labels):
                hits.append((2, c.id, c))
        return [c for _, _, c in sorted(hits, key=lambda h: (h[0], h[1]))][:limit]
