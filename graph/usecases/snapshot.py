"""One immutable view of the store per revision: what every request reads, and its cache.

A snapshot holds the labs, the units' profiles, the ranker (``graph.ranking.pipeline``), the
track records and the vocabulary's extractor, all read from one revision of the store; it is
never changed. :class:`Snapshots` keeps the current one and swaps in a new one, whole, when the
store's revision moves.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt

from graph.extractor import Extractor
from graph.geo import region_of
from graph.model import Concept, Extraction, Lab
from graph.ranking.context import GraphContext, Topic
from graph.ranking.matching import MatchIndex, MatchParams
from graph.ranking.pipeline import Ranker, RankingData
from graph.ranking.track_record import TrackRecords
from graph.rules.scope import Scope
from graph.store.ports import GraphStore
from graph.text import key

T = TypeVar("T")

SNAPSHOT_ATTEMPTS = 5
"""How many times a snapshot is read again when the store changed while it was being read."""


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything a request reads, built from one revision of the store and never changed.

    A request takes one snapshot and reads nothing else of the labs' side (the need it pairs is
    read from the store), so that its analysis, candidates, scores, graph signals and
    explanations all come from the same revision, whatever other threads or processes write
    meanwhile. A new revision gets a new snapshot, swapped in whole.
    """

    revision: str
    labs: Mapping[str, Lab]
    profiles: Mapping[str, Extraction]
    """The profiles of research units (the candidates)."""
    ranker: Ranker
    """Ranks the units for a need (``graph.ranking.pipeline``)."""
    records: TrackRecords
    vocabulary: tuple[Concept, ...]
    """The store's concepts, which the extractor links to."""
    labels: Mapping[str, tuple[str, str]]
    """Each concept's French and English labels."""
    counts: Mapping[str, int]
    """Labs by kind (see ``PairingService.lab_counts``)."""
    make_extractor: Callable[[], Extractor] = field(repr=False)
    """Builds the extractor for ``vocabulary`` (called once, when first needed: commands
    that analyse no text never load spaCy)."""
    _memo: dict[object, object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def index(self) -> MatchIndex:
        """The ranker's index of the units' profiles."""
        return self.ranker.index

    @property
    def context(self) -> GraphContext | None:
        """Projects and partners around the units (None without projects)."""
        return self.ranker.context

    @property
    def extractor(self) -> Extractor:
        """The extractor for the snapshot's vocabulary."""
        return self._once("extractor", self.make_extractor)

    @property
    def has_extractor(self) -> bool:
        """Whether the extractor is built already."""
        return "extractor" in self._memo

    def candidates(self, scope: Scope) -> npt.NDArray[np.bool_]:
        """The units of ``scope``, by position in ``index.lab_ids`` (worked out once)."""
        return self._once(("scope", scope), lambda: self._in_scope(scope))

    def _in_scope(self, scope: Scope) -> npt.NDArray[np.bool_]:
        labs = self.labs
        return np.asarray(
            [lab_id in labs and scope.admits(labs[lab_id]) for lab_id in self.index.lab_ids],
            dtype=np.bool_,
        )

    def concept_keys(self) -> list[tuple[Concept, list[str]]]:
        """Each concept with its labels folded, for the concept search (worked out once)."""
        return self._once(
            "concept_keys",
            lambda: [
                (c, [key(x) for x in (c.label_fr, c.label_en, *c.alt_fr, *c.alt_en)])
                for c in sorted(self.index.concepts.values(), key=lambda c: c.id)
            ],
        )

    def _once(self, key: object, make: Callable[[], T]) -> T:
        """``make()`` the first time ``key`` is asked for, the same value afterwards: derived
        from the snapshot's own values only, so it never mixes revisions."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = make()
            return cast(T, self._memo[key])


ExtractorMaker = Callable[["Snapshot | None", tuple[Concept, ...]], Callable[[], Extractor]]
"""How a new snapshot gets its extractor, given the previous snapshot and the store's concepts."""


def read_snapshot(
    store: GraphStore,
    previous: Snapshot | None,
    make_extractor: ExtractorMaker,
    *,
    params: MatchParams | None = None,
    topics: Mapping[str, Topic] | None = None,
) -> Snapshot:
    """Read the store into a new snapshot; read again if the store changed meanwhile."""
    for _ in range(SNAPSHOT_ATTEMPTS):
        revision = store.revision()
        labs = {lab.id: lab for lab in store.labs()}
        profiles = {
            lab_id: profile
            for lab_id, profile in store.lab_profiles().items()
            if lab_id in labs and labs[lab_id].is_unit
        }
        companies = store.companies()
        collaborations = store.collaborations()
        concepts = tuple(store.concepts())
        projects, participations = store.projects(), store.participations()
        if store.revision() == revision:
            break
    # else: the store keeps changing; the last reading is served, the next request reads
    # again (its revision differs from the one recorded)
    ranker = Ranker(
        RankingData(
            concepts=concepts,
            profiles=profiles,
            companies=companies,
            collaborations=collaborations,
            projects=projects,
            participations=participations,
            topics=dict(topics or {}),
            regions={lab.id: r for lab in labs.values() if (r := region_of(lab.postcode))},
        ),
        params,
    )
    return Snapshot(
        revision=revision,
        labs=labs,
        profiles=profiles,
        ranker=ranker,
        records=TrackRecords(projects, participations, companies),
        make_extractor=make_extractor(previous, concepts),
        vocabulary=concepts,
        labels={c.id: (c.label_fr, c.label_en) for c in ranker.index.concepts.values()},
        counts={
            "units": sum(lab.is_unit for lab in labs.values()),
            "described": sum(lab.is_unit and bool(lab.description_source) for lab in labs.values()),
            "organisations": sum(not lab.is_unit for lab in labs.values()),
        },
    )


class Snapshots:
    """The snapshot of the store's current revision, built once for all threads.

    One cheap read of the store's ``revision()`` per request tells whether the snapshot is
    current; when another process (or this one) wrote labs, concepts or projects, the next
    request builds the new snapshot (one thread builds it, the others wait for it) and swaps it
    in whole: readers see the old snapshot or the new one, never a mix.

    Parameters
    ----------
    store : GraphStore
    build : callable
        ``build(previous)``: a new snapshot of the store (``read_snapshot``).
    freeze : bool
        After each snapshot, move every object alive into the garbage collector's permanent
        generation (``gc.freeze``), so that full collections no longer walk the snapshot's
        hundreds of thousands of objects while requests wait. For a server process.
    """

    def __init__(
        self, store: GraphStore, build: Callable[[Snapshot | None], Snapshot], freeze: bool = False
    ) -> None:
        self.store = store
        self.build = build
        self.freeze = freeze
        self._current: Snapshot | None = None
        self._building = threading.Lock()

    @property
    def built(self) -> Snapshot | None:
        """The snapshot last built, current or not (None before the first)."""
        return self._current

    def current(self) -> Snapshot:
        """The snapshot of the store's current revision.

        Raises
        ------
        StoreUnavailable
            When the store cannot be read; the next call tries again.
        """
        revision = self.store.revision()
        current = self._current
        if current is not None and current.revision == revision:
            return current
        with self._building:
            current = self._current
            if current is not None and current.revision == self.store.revision():
                return current  # another thread built it while this one waited
            fresh = self.build(current)
            self._current = fresh  # one assignment: readers see the old snapshot or the new
        if self.freeze:
            gc.collect()
            gc.freeze()
        return fresh

    def forget(self) -> None:
        """Forget the snapshot; the next request builds one from the store."""
        with self._building:
            self._current = None
