"""What the knowledge graph knows around a need: the company's history, its partners' partners,
place, and the labs' record on the need's topics.

These signals complete the text's relevance (``graph.matching``): a company that already worked
with a lab, or with labs that work with it, or nearby, should meet it first; a lab with many
projects on the need's topics is a safer first contact than one that mentions them once.
Each signal is a count turned into ``log(1 + n) / log(1 + max n)``, in [0, 1].
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt

from graph.model import Extraction, Participation, Project
from graph.ports import Extractor

SIGNALS: dict[str, tuple[str, str]] = {
    "topic_record": ("projets sur ces thèmes", "projects on these topics"),
    "history": ("déjà partenaire de l'entreprise", "already worked with the company"),
    "partners": ("partenaire de ses partenaires", "works with the company's partners"),
    "proximity": ("même région", "same region"),
}


@dataclass(frozen=True)
class ContextWeights:
    """Weight of each signal, added to the text's relevance (which lies in [0, 1]).

    Defaults: the best Recall@10 of a grid search on ANR collaborations, calls up to 2018
    against 2019 (``scripts/fit_context_weights.py``); 2020 was not used to choose them.
    """

    topic_record: float = 0.5
    history: float = 1.0
    partners: float = 0.6
    proximity: float = 0.15

    def as_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in SIGNALS}

    @property
    def total(self) -> float:
        return sum(self.as_dict().values())


def _scaled(counts: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    top = float(counts.max()) if counts.size else 0.0
    if top <= 0:
        return np.zeros_like(counts)
    out: npt.NDArray[np.float64] = np.log1p(counts) / np.log1p(top)
    return out


class GraphContext:
    """Signals over ``lab_ids`` from projects and participations.

    Parameters
    ----------
    lab_ids : sequence of str
        The labs, in the matcher's order (``MatchIndex.lab_ids``).
    projects, participations
        The collaborative projects and who took part.
    topic_profiles : mapping
        Each topic code's extraction (of its label, or of the code itself): how a need's text
        finds the topics it is about.
    lab_regions : mapping
        Each lab's region, where known.
    """

    def __init__(
        self,
        lab_ids: Sequence[str],
        projects: Iterable[Project],
        participations: Iterable[Participation],
        topic_profiles: Mapping[str, Extraction],
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
        self.topic_codes = sorted(topic_profiles)
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
        corpus = [list(topic_profiles[t].terms) or ["\u2205"] for t in self.topic_codes]
        self._bm25: bm25s.BM25 | None = None
        if corpus:
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)

    @classmethod
    def from_projects(
        cls,
        lab_ids: Sequence[str],
        projects: Sequence[Project],
        participations: Iterable[Participation],
        extractor: Extractor,
        lab_regions: Mapping[str, str] | None = None,
    ) -> GraphContext:
        """The context, each topic found by its label and code (``"Matériaux … CE08"``)."""
        texts: dict[str, str] = {}
        for code, label in sorted(
            {(p.topic_code, p.topic or "") for p in projects if p.topic_code}
        ):
            texts.setdefault(code, f"{label} {code}".strip())
        profiles = extractor.extract_many(list(texts.values()))
        return cls(
            lab_ids, projects, participations, dict(zip(texts, profiles, strict=True)), lab_regions
        )

    def topics_of(self, need: Extraction, share: float = 0.8) -> dict[str, float]:
        """The topics a need is about: those within ``share`` of the best BM25 match, weighted."""
        terms = sorted(set(need.terms))
        if self._bm25 is None or not terms:
            return {}
        scores = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        top = float(scores.max()) if scores.size else 0.0
        if top <= 0:
            return {}
        return {
            self.topic_codes[j]: float(scores[j] / top)
            for j in np.flatnonzero(scores >= share * top)
        }

    def signals(
        self,
        need: Extraction,
        company_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, npt.NDArray[np.float64]]:
        """Each signal per lab, in [0, 1]."""
        n = len(self.lab_ids)
        topics = self.topics_of(need)
        record = np.zeros(n)
        for code, weight in topics.items():
            record += weight * self._topic_counts[self.topic_codes.index(code)]
        history = np.zeros(n)
        partners = np.zeros(n)
        for i, count in self._history.get(company_id or "", Counter()).items():
            history[i] = count
            for j, c in self._co[i].items():
                partners[j] += c
        proximity = (
            (self._regions == region).astype(np.float64) if region else np.zeros(n, np.float64)
        )
        return {
            "topic_record": _scaled(record),
            "history": _scaled(history),
            "partners": _scaled(partners),
            "proximity": proximity,
        }
