"""What officers' introductions teach the rankings.

A lab declined for a need leaves that need's suggestions (officers still see it, as declined,
with the reason). A lab that reached a meeting or an agreement on a need rises for needs that
share its concepts: the ``feedback`` signal of a lab is the largest concept overlap between the
need ranked and a need on which the lab succeeded, and it adds to the score as the graph's
other signals do (``graph.matching.MatchIndex.rank_labs``), only for labs that share a concept
with the need. Without introductions nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from graph.model import Extraction
from graph.workflow import SUCCESS, Introduction

SIGNAL = "feedback"
WEIGHT = 0.5
"""The feedback signal's weight, beside the context signals' (``graph.context.ContextWeights``)."""
MIN_OVERLAP = 0.1
"""Below this concept overlap, two needs are not similar."""


@dataclass(frozen=True)
class Feedback:
    """What introductions say about the labs, for one need."""

    declined: Mapping[str, str] = field(default_factory=dict)
    """Labs declined for this need, with the reason."""
    similar: Mapping[str, float] = field(default_factory=dict)
    """Labs that reached a meeting or an agreement on a similar need: the largest overlap."""

    @property
    def empty(self) -> bool:
        return not self.declined and not self.similar


NO_FEEDBACK = Feedback()


def overlap(a: Extraction, b: Extraction) -> float:
    """How much two texts share their concepts: the weighted Jaccard index of their concepts'
    weights, ``sum(min) / sum(max)`` (1 for the same concepts with the same weights, 0 for
    none in common)."""
    wa = {m.concept_id: m.weight for m in a.mentions}
    wb = {m.concept_id: m.weight for m in b.mentions}
    shared = wa.keys() & wb.keys()
    if not shared:
        return 0.0
    top = math.fsum(min(wa[c], wb[c]) for c in shared)
    bottom = math.fsum(max(wa.get(c, 0.0), wb.get(c, 0.0)) for c in wa.keys() | wb.keys())
    return top / bottom if bottom > 0 else 0.0


def feedback_for(
    need_id: str,
    profile: Extraction,
    introductions: Iterable[Introduction],
    profile_of: Callable[[str], Extraction | None],
) -> Feedback:
    """The feedback of ``introductions`` for the need ``need_id`` (whose extraction is
    ``profile``); ``profile_of`` reads another need's extraction (None once withdrawn)."""
    declined: dict[str, str] = {}
    similar: dict[str, float] = {}
    profiles: dict[str, Extraction | None] = {}
    for intro in introductions:
        if intro.need_id == need_id:
            if intro.status == "declined":
                declined[intro.lab_id] = intro.reason
            continue
        if intro.status not in SUCCESS:
            continue
        if intro.need_id not in profiles:
            profiles[intro.need_id] = profile_of(intro.need_id)
        other = profiles[intro.need_id]
        if other is None:
            continue
        value = overlap(profile, other)
        if value >= MIN_OVERLAP and value > similar.get(intro.lab_id, 0.0):
            similar[intro.lab_id] = value
    for lab_id in declined:
        similar.pop(lab_id, None)
    return Feedback(declined, similar)
