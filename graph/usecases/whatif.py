"""What-ifs on a stored need, and the parts of a pairing's score as a chart reads them.

``what_if`` ranks a stored need again with some of its concepts removed (or others added), or
as if another company had submitted it, and stores nothing: the same ranking as the API's
(``PairingService.rank_profile``), with the same corrections a company makes
(``graph.usecases.desk.corrected``), the same feedback of introductions. ``rank_changes`` says how a
ranking moved; ``score_parts`` splits a pairing's score into the parts its explanation holds
(each concept, the shared words, the industry record, each graph signal), which add up to it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from graph.model import Company, Extraction, Need
from graph.ranking.matching import Pairing
from graph.rules.scope import Scope
from graph.usecases.desk import corrected
from graph.usecases.pairing import PairingService, RankedLab, ScopeUsed

__all__ = [
    "RankChange",
    "RankChanges",
    "ScorePart",
    "WhatIf",
    "industry_partner",
    "main_concepts",
    "rank_changes",
    "score_parts",
    "what_if",
]


@dataclass(frozen=True)
class WhatIf:
    """A stored need ranked with changes, nothing stored."""

    need: Need
    profile: Extraction
    """The profile ranked: the stored one with the changes."""
    company: Company | None
    """The company the need was ranked as coming from."""
    ranking: list[RankedLab]
    scope: ScopeUsed
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def lab_ids(self) -> list[str]:
        """The labs, best first."""
        return [r.lab.id for r in self.ranking]


def what_if(
    service: PairingService,
    need_id: str,
    *,
    remove: Iterable[str] = (),
    add: Iterable[str] = (),
    company: Company | None = None,
    limit: int = 10,
    scope: Scope | None = None,
) -> WhatIf:
    """Rank a stored need's labs as if its concepts or its company were different.

    Parameters
    ----------
    service : PairingService
    need_id : str
        A stored need.
    remove, add : iterable of str
        Concepts left out of the need's profile, or added to it (weight 1, no evidence), as
        ``Desk.correct_concepts`` would do, but without storing anything. Removing a concept
        the need does not have changes nothing.
    company : Company, optional
        The company the need is ranked as coming from; default: its own. Its SME status, its
        region and its history with labs (projects) change the graph's signals.
    limit : int
    scope : Scope, optional
        Default: the deployment's.

    Returns
    -------
    WhatIf
        Without changes, the ranking is the one ``PairingService.need_pairings`` gives.

    Raises
    ------
    NotFoundError
        For an unknown need.
    InputError
        For a concept the vocabulary does not hold.
    """
    remove, add = tuple(dict.fromkeys(remove)), tuple(dict.fromkeys(add))
    stored = service.store.stored_need(need_id)
    if stored is None:
        service.need(need_id)  # raises NotFoundError
        raise AssertionError("unreachable")  # pragma: no cover
    need, profile, own = stored
    service.check_concepts((*remove, *add))
    if remove or add:
        profile = corrected(
            profile, need.model_copy(update={"concepts_removed": remove, "concepts_added": add})
        )
    feedback = service.lessons().feedback(need_id, profile)
    ranked_as = own if company is None else company
    ranking, used = service.rank_profile(profile, limit, ranked_as, scope, feedback)
    return WhatIf(need, profile, ranked_as, ranking, used, remove, add)


def industry_partner(
    service: PairingService, ranking: Sequence[RankedLab]
) -> tuple[RankedLab, Company] | None:
    """The lowest-ranked lab of ``ranking`` that worked with companies (shared projects), and
    the company it shared the most projects with: a company whose history with a lab the
    graph knows, to ask what the ranking would be had it submitted the need. None when no lab
    of the ranking worked with a company the graph holds."""
    records = service.track_records()
    for ranked in reversed(ranking):
        for company_id, _ in records.of(ranked.lab.id).partners:
            company = records.companies.get(company_id)
            if company is not None:
                return ranked, company
    return None


@dataclass(frozen=True)
class RankChange:
    """Where one lab stands before and after a change (None: not in that ranking)."""

    lab_id: str
    before: int | None
    after: int | None

    @property
    def gained(self) -> int | None:
        """Places gained (negative: lost); None when the lab entered or left the ranking."""
        if self.before is None or self.after is None:
            return None
        return self.before - self.after


@dataclass(frozen=True)
class RankChanges:
    """How a ranking moved: every lab of either ranking, best rank first."""

    changes: tuple[RankChange, ...]

    @property
    def entered(self) -> list[str]:
        """Labs only in the new ranking."""
        return [c.lab_id for c in self.changes if c.before is None]

    @property
    def left(self) -> list[str]:
        """Labs only in the old ranking."""
        return [c.lab_id for c in self.changes if c.after is None]

    @property
    def risen(self) -> list[str]:
        """Labs in both rankings, higher in the new one."""
        return [c.lab_id for c in self.changes if (c.gained or 0) > 0]

    @property
    def fallen(self) -> list[str]:
        """Labs in both rankings, lower in the new one."""
        return [c.lab_id for c in self.changes if (c.gained or 0) < 0]

    @property
    def moved(self) -> int:
        """How many labs changed rank, entered or left."""
        return sum(c.before != c.after for c in self.changes)

    def of(self, lab_id: str) -> RankChange:
        """The change of one lab (never ranked: before and after None)."""
        for c in self.changes:
            if c.lab_id == lab_id:
                return c
        return RankChange(lab_id, None, None)


def rank_changes(before: Sequence[RankedLab], after: Sequence[RankedLab]) -> RankChanges:
    """Compare two rankings of labs.

    Examples
    --------
    >>> from graph.ranking.matching import Explanation, Pairing
    >>> from graph.model import Lab
    >>> def ranking(*ids):
    ...     return [RankedLab(n, Lab(id=i, name=i), Pairing(i, 1.0 / n, Explanation(0, 0, (), ())))
    ...             for n, i in enumerate(ids, start=1)]
    >>> moved = rank_changes(ranking("A", "B", "C"), ranking("B", "A", "D"))
    >>> moved.risen, moved.fallen, moved.entered, moved.left, moved.moved
    (['B'], ['A'], ['D'], ['C'], 4)
    """
    old = {r.lab.id: r.rank for r in before}
    new = {r.lab.id: r.rank for r in after}
    labs = sorted(
        old.keys() | new.keys(),
        key=lambda i: (min(old.get(i, math.inf), new.get(i, math.inf)), i),
    )
    return RankChanges(tuple(RankChange(i, old.get(i), new.get(i)) for i in labs))


PartKind = Literal["concept", "other_concepts", "words", "industry", "context"]


@dataclass(frozen=True)
class ScorePart:
    """One part of a pairing's score."""

    kind: PartKind
    key: str
    """The concept's id, the signal's name, or the kind for the other parts."""
    label: str
    value: float


OTHER_CONCEPTS = ("autres concepts", "other concepts")
WORDS = ("mots communs", "shared words")
INDUSTRY = ("expérience industrielle", "industry record")


def score_parts(
    pairing: Pairing, concepts: Collection[str] | None = None, language: str = "fr"
) -> list[ScorePart]:
    """The parts of a pairing's score, which add up to it: each shared concept, the shared
    words (the lexical channel), the lab's industry record, each graph signal (the labs' record
    on the need's themes, the company's history and partners, its region, the officers'
    feedback). Parts that add nothing are left out.

    Parameters
    ----------
    pairing : Pairing
    concepts : collection of str, optional
        The concepts shown each on its own; the others are added up into one part
        (``other_concepts``). Default: every concept on its own.
    language : str
        ``fr`` or ``en``, for the labels.
    """
    fr = language == "fr"
    e = pairing.explanation
    parts: list[ScorePart] = []
    other = 0.0
    for c in e.concepts:
        if concepts is None or c.concept_id in concepts:
            label = c.label_fr if fr else c.label_en
            parts.append(ScorePart("concept", c.concept_id, label, c.contribution))
        else:
            other += c.contribution
    if other > 0:
        parts.append(ScorePart("other_concepts", "other_concepts", OTHER_CONCEPTS[not fr], other))
    if e.lexical_score > 0:
        parts.append(ScorePart("words", "words", WORDS[not fr], e.lexical_score))
    if e.industry_score > 0:
        parts.append(ScorePart("industry", "industry", INDUSTRY[not fr], e.industry_score))
    for s in e.context:
        if s.contribution > 0:
            label = s.label_fr if fr else s.label_en
            parts.append(ScorePart("context", s.signal, label, s.contribution))
    return parts


def main_concepts(ranking: Sequence[RankedLab], most: int = 6) -> list[str]:
    """The ``most`` concepts that add the most to the scores of a ranking's labs, in all,
    best first (ties by id): those a chart shows each on its own."""
    total: dict[str, float] = {}
    for r in ranking:
        for c in r.pairing.explanation.concepts:
            total[c.concept_id] = total.get(c.concept_id, 0.0) + c.contribution
    return [c for c, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:most]]
