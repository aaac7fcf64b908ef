"""What the knowledge graph knows around a need: the company's history, its partners' partners,
place, and the labs' record on the need's topics.

These values complete the text's relevance (``graph.ranking.matching``): a company that already
worked with a lab, or with labs that work with it, or nearby, should meet it first; a lab with
many projects on the need's topics is a safer first contact than one that mentions them once.
Each value is a count turned into [0, 1] (``graph.ranking.scale``); the table of signals that
read them is ``graph.ranking.signals``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.model import Participation, Project
from graph.ranking.scale import log_scale


@dataclass(frozen=True)
class Topic:
    """A project theme (an ANR committee or programme): its label and the concepts it is about."""

    code: str
    label: str
    concepts: tuple[str, ...]


class GraphContext:
    """Signals over ``lab_ids`` from projects and participations.

    Parameters
    ----------
    lab_ids : sequence of str
        The labs, in the matcher's order (``MatchIndex.lab_ids``).
    projects, participations
        The collaborative projects and who took part.
    topics : mapping of code to Topic
        The themes of projects (by ``Project.topic_code``) and their concepts: a need is about
        a theme when it shares its concepts, never because one word of the theme's label
        appears in it.
    lab_regions : mapping
        Each lab's region, where known.
    """

    def __init__(
        self,
        lab_ids: Sequence[str],
        projects: Iterable[Project],
        participations: Iterable[Participation],
        topics: Mapping[str, Topic],
        lab_regions: Mapping[str, str] | None = None,
    ) -> None:
        self.lab_ids = list(lab_ids)
        pos = {lab: i for i, lab in enumerate(self.lab_ids)}
        self._pos = pos
        topic_of = {p.id: p.topic_code for p in projects if p.topic_code}
        labs_of: dict[str, set[int]] = defaultdict(set)
        companies_of: dict[str, set[str]] = defaultdict(set)
        for part in participations:
            if part.partner_kind == "lab" and part.partner_id in pos:
                labs_of[part.project_id].add(pos[part.partner_id])
            elif part.partner_kind == "company":
                companies_of[part.project_id].add(part.partner_id)
        n = len(self.lab_ids)
        self.topics = {code: t for code, t in topics.items() if t.concepts}
        self.topic_codes = sorted(self.topics)
        topic_col = {t: j for j, t in enumerate(self.topic_codes)}
        self._topic_counts = np.zeros((len(self.topic_codes), n))
        self._history: dict[str, Counter[int]] = defaultdict(Counter)
        self._co: dict[int, Counter[int]] = defaultdict(Counter)
        for project_id, labs in labs_of.items():
            code = topic_of.get(project_id)
            if code in topic_col:
                for i in labs:
                    self._topic_counts[topic_col[code], i] += 1
            for company in companies_of.get(project_id, ()):
                self._history[company].update(labs)
            for a in labs:
                self._co[a].update(b for b in labs if b != a)
        self._regions = np.asarray([(lab_regions or {}).get(lab, "") for lab in self.lab_ids])

    def topics_of(
        self, need_concepts: Mapping[str, float], share: float = 0.8, least: float = 0.5
    ) -> dict[str, float]:
        """The themes a need is about, from its concepts (broader ones included, with their
        weights): a theme's score is the sum of the weights of its concepts in the need; those
        of at least ``least`` and within ``share`` of the best are kept, weighted by score.

        Examples
        --------
        >>> ctx = GraphContext([], [], [], {"CE08": Topic("CE08", "Matériaux", ("steel",)),
        ...                                 "CE10": Topic("CE10", "Usine", ("robotics",))})
        >>> ctx.topics_of({"steel": 1.0, "welding": 0.7})
        {'CE08': 1.0}
        >>> ctx.topics_of({"treatment": 1.0})
        {}
        """
        scores = {
            code: sum(need_concepts.get(c, 0.0) for c in t.concepts)
            for code, t in self.topics.items()
        }
        top = max(scores.values(), default=0.0)
        if top < least:
            return {}
        return {
            code: score / top
            for code, score in sorted(scores.items())
            if score >= share * top and score >= least
        }

    def describe(self, topics: Mapping[str, float], most: int = 3) -> str:
        """The themes named for an explanation, best first: « Matériaux métalliques (CE08) »."""
        best = sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))
        labels: dict[str, None] = {}
        for code, _ in best:
            labels.setdefault(self.topics[code].label, None)
        names = list(labels)
        return "; ".join(names[:most]) + (" …" if len(names) > most else "")

    def topic_record(self, topics: Mapping[str, float]) -> npt.NDArray[np.float64]:
        """Each lab's projects on the need's themes (``topics_of``), weighted by theme, scaled
        in [0, 1]."""
        record = np.zeros(len(self.lab_ids))
        for code, weight in topics.items():
            if code in self.topics:
                record += weight * self._topic_counts[self.topic_codes.index(code)]
        return log_scale(record)

    def history(self, company_id: str) -> npt.NDArray[np.float64]:
        """Each lab's projects with the company, scaled in [0, 1]."""
        history = np.zeros(len(self.lab_ids))
        for i, count in self._history.get(company_id, Counter()).items():
            history[i] = count
        return log_scale(history)

    def partners(self, company_id: str) -> npt.NDArray[np.float64]:
        """Each lab's shared projects with the labs the company worked with (its partners'
        partners), scaled in [0, 1]."""
        partners = np.zeros(len(self.lab_ids))
        for i in self._history.get(company_id, Counter()):
            for j, c in self._co[i].items():
                partners[j] += c
        return log_scale(partners)

    def proximity(self, region: str | None) -> npt.NDArray[np.float64]:
        """1 for the labs in ``region``, else 0 (all 0 without a region)."""
        if not region:
            return np.zeros(len(self.lab_ids), np.float64)
        same: npt.NDArray[np.float64] = (self._regions == region).astype(np.float64)
        return same
