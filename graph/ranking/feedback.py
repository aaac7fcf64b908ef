"""What officers' introductions teach the rankings.

A lab declined for a need leaves that need's suggestions (officers still see it, as declined,
with the reason). A lab that reached a meeting or an agreement on a need rises for needs that
share its concepts: the ``feedback`` signal of a lab (``graph.ranking.signals``) is the largest
concept overlap between the need ranked and a need on which the lab succeeded, and it adds to
the score as the graph's other signals do, only for labs that share a concept with the need.
Without introductions nothing changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from graph.model import Extraction
from graph.rules.workflow import SUCCESS, Introduction

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


class Lessons:
    """The introductions, read once, to give many needs their feedback (the officers' queue
    ranks every open need): each need on which a lab succeeded is read at most once, and its
    overlap with the need ranked computed once, however many introductions it has.

    Parameters
    ----------
    introductions : iterable of Introduction
        Every introduction (``store.introductions()``).
    profile_of : callable
        Reads a need's extraction (``store.need_profile``; None once withdrawn).
    """

    def __init__(
        self,
        introductions: Iterable[Introduction],
        profile_of: Callable[[str], Extraction | None],
    ) -> None:
        self.declined: dict[str, dict[str, str]] = {}
        self.succeeded: dict[str, set[str]] = {}
        for intro in introductions:
            if intro.status == "declined":
                self.declined.setdefault(intro.need_id, {})[intro.lab_id] = intro.reason
            elif intro.status in SUCCESS:
                self.succeeded.setdefault(intro.need_id, set()).add(intro.lab_id)
        self._profile_of = profile_of
        self._profiles: dict[str, Extraction | None] = {}

    def _profile(self, need_id: str) -> Extraction | None:
        if need_id not in self._profiles:
            self._profiles[need_id] = self._profile_of(need_id)
        return self._profiles[need_id]

    def feedback(self, need_id: str, profile: Extraction) -> Feedback:
        """The feedback for the need ``need_id``, whose extraction is ``profile``."""
        declined = dict(self.declined.get(need_id, {}))
        similar: dict[str, float] = {}
        for other_id, labs in self.succeeded.items():
            if other_id == need_id:
                continue
            other = self._profile(other_id)
            if other is None:
                continue
            value = overlap(profile, other)
            if value < MIN_OVERLAP:
                continue
            for lab_id in labs:
                if value > similar.get(lab_id, 0.0):
                    similar[lab_id] = value
        for lab_id in declined:
            similar.pop(lab_id, None)
        return Feedback(declined, similar)


def feedback_for(
    need_id: str,
    profile: Extraction,
    introductions: Iterable[Introduction],
    profile_of: Callable[[str], Extraction | None],
) -> Feedback:
    """The feedback of ``introductions`` for the need ``need_id`` (whose extraction is
    ``profile``); ``profile_of`` reads another need's extraction (None once withdrawn)."""
    return Lessons(introductions, profile_of).feedback(need_id, profile)
