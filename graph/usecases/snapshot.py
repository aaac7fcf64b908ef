"""One immutable view of the store per revision: what every request reads.

A snapshot holds the labs, the units' profiles, the matching index, the graph's signals, the
track records and the vocabulary's extractor, all read from one revision of the store; it is
never changed, and a new revision gets a new snapshot, swapped in whole
(``graph.usecases.pairing.PairingService.snapshot``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt

from graph.model import Concept, Extraction, Lab
from graph.ranking.context import GraphContext
from graph.ranking.matching import MatchIndex
from graph.ranking.track_record import TrackRecords
from graph.rules.scope import Scope
from graph.store.ports import Extractor
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
    index: MatchIndex
    context: GraphContext | None
    """Signals from projects and partners (None without projects)."""
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
