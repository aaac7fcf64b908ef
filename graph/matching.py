"""Pairing labs and needs: concept overlap weighted by specificity, plus a BM25 lexical channel.

The score of a (need, lab) pair is

.. math::

    s = \\alpha \\, \\frac{\\sum_c q_c\\, \\mathrm{idf}_c\\, w_c}{\\sum_c q_c\\, \\mathrm{idf}_c}
        + (1 - \\alpha) \\, \\frac{\\mathrm{BM25}(need, lab)}{\\max_{lab'} \\mathrm{BM25}(need, lab')}

where :math:`q_c` and :math:`w_c` are the weights of concept :math:`c` in the need and in the lab,
each profile expanded to broader concepts at a discount per link, and
:math:`\\mathrm{idf}_c = \\ln(1 + N / \\mathrm{df}_c)` over the :math:`N` labs (a concept few labs
have counts more). Both channels lie in [0, 1], so the score does too. Every score comes with its
explanation: the contribution of each shared concept and of each shared term, which add up to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from scipy import sparse

from graph.model import Concept, ConceptMention, Extraction
from graph.projection import ancestors_within, concept_hierarchy

__all__ = [
    "ConceptContribution",
    "Explanation",
    "MatchIndex",
    "MatchParams",
    "Pairing",
    "TermContribution",
]


@dataclass(frozen=True)
class MatchParams:
    """Tuning of the matcher.

    Attributes
    ----------
    concept_share : float
        Weight :math:`\\alpha` of the concept channel; the lexical channel gets the rest.
    broader_discount : float
        Factor applied per BROADER link when a profile is expanded to broader concepts.
    max_depth : int
        How many BROADER links the expansion follows.
    """

    concept_share: float = 0.7
    broader_discount: float = 0.5
    max_depth: int = 2


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConceptContribution(_Value):
    """What one shared concept adds to a pairing's score."""

    concept_id: str
    label_fr: str
    label_en: str
    contribution: float
    specificity: float
    need_weight: float
    lab_weight: float
    need_via: tuple[str, ...]
    lab_via: tuple[str, ...]
    need_evidence: tuple[str, ...]
    lab_evidence: tuple[str, ...]


class TermContribution(_Value):
    """What one shared term of the lexical channel adds to a pairing's score."""

    term: str
    contribution: float


class Explanation(_Value):
    """Why a lab and a need are paired: the parts of the score."""

    concept_score: float
    lexical_score: float
    concepts: tuple[ConceptContribution, ...]
    terms: tuple[TermContribution, ...]


class Pairing(_Value):
    """A lab suggested for a need (or a need for a lab), with its score and explanation."""

    lab_id: str
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class _Expanded:
    weight: float
    via: tuple[str, ...]
    evidence: tuple[str, ...]


class MatchIndex:
    """Everything the matcher needs about the labs, built once and queried many times.

    Parameters
    ----------
    concepts : sequence of Concept
        The vocabulary, with its BROADER links.
    lab_profiles : mapping of lab id to Extraction
        What extraction found in each lab's description.
    params : MatchParams, optional
    cache_size : int
        How many needs' score vectors to keep (0: none), for repeated queries on stored needs.

    Examples
    --------
    >>> from graph.model import Concept, ConceptMention, Extraction
    >>> vocab = [Concept(id="corrosion", kind="phenomenon", label_fr="corrosion",
    ...                  label_en="corrosion")]
    >>> labs = {"L1": Extraction(language="fr", terms=("corrosion",),
    ...                         mentions=(ConceptMention(concept_id="corrosion", weight=1.0),)),
    ...         "L2": Extraction(language="fr", terms=("bois",))}
    >>> index = MatchIndex(vocab, labs)
    >>> need = Extraction(language="fr", terms=("corrosion",),
    ...                   mentions=(ConceptMention(concept_id="corrosion", weight=1.0),))
    >>> [p.lab_id for p in index.rank_labs(need, limit=5)]
    ['L1']
    """

    def __init__(
        self,
        concepts: Sequence[Concept],
        lab_profiles: Mapping[str, Extraction],
        params: MatchParams | None = None,
        cache_size: int = 10_000,
    ) -> None:
        self.params = params or MatchParams()
        self._cache_size = cache_size
        self.concepts = {c.id: c for c in concepts}
        self._hierarchy = concept_hierarchy(concepts)
        self._ancestors: dict[str, dict[str, int]] = {}
        self.lab_ids: list[str] = sorted(lab_profiles)
        self._lab_pos = {lab_id: i for i, lab_id in enumerate(self.lab_ids)}
        self._lab_expanded = [self.expand(lab_profiles[i].mentions) for i in self.lab_ids]
        vocab_ids = sorted({c for e in self._lab_expanded for c in e})
        self._col = {c: j for j, c in enumerate(vocab_ids)}
        n = len(self.lab_ids)
        rows, cols, vals = [], [], []
        for i, exp in enumerate(self._lab_expanded):
            for c, e in exp.items():
                rows.append(i)
                cols.append(self._col[c])
                vals.append(e.weight)
        self._matrix = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n, len(vocab_ids))
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab_ids))
        self._idf = np.log1p(n / np.maximum(df, 1)).astype(np.float64)
        corpus = [list(lab_profiles[i].terms) or ["\u2205"] for i in self.lab_ids]
        self._bm25 = bm25s.BM25(dtype="float64")
        if corpus:
            self._bm25.index(corpus, show_progress=False)
        self._need_cache: dict[Extraction, npt.NDArray[np.float64]] = {}

    # -- profiles ---------------------------------------------------------------------------
    def _ancestors_of(self, concept_id: str) -> dict[str, int]:
        found = self._ancestors.get(concept_id)
        if found is None:
            found = ancestors_within(self._hierarchy, concept_id, self.params.max_depth)
            self._ancestors[concept_id] = found
        return found

    def expand(self, mentions: Sequence[ConceptMention]) -> dict[str, _Expanded]:
        """A profile with its broader concepts added at a discount per link.

        A concept reached several ways keeps its highest weight; ``via`` names the mentioned
        concepts it comes from.
        """
        out: dict[str, _Expanded] = {}
        discount = self.params.broader_discount
        for m in sorted(mentions, key=lambda m: m.concept_id):
            reached = {m.concept_id: 0, **self._ancestors_of(m.concept_id)}
            for c, depth in reached.items():
                w = m.weight * discount**depth
                prev = out.get(c)
                if prev is None or w > prev.weight + 1e-12:
                    out[c] = _Expanded(w, (m.concept_id,), m.evidence)
                elif abs(w - prev.weight) <= 1e-12 and m.concept_id not in prev.via:
                    out[c] = _Expanded(
                        prev.weight, (*prev.via, m.concept_id), prev.evidence + m.evidence
                    )
        return out

    # -- scoring ----------------------------------------------------------------------------
    def _query(
        self, need: Extraction
    ) -> tuple[dict[str, _Expanded], npt.NDArray[np.float64], float]:
        expanded = self.expand(need.mentions)
        q = np.zeros(len(self._col), dtype=np.float64)
        for c, e in expanded.items():
            j = self._col.get(c)
            if j is not None:
                q[j] = e.weight * self._idf[j]
        return expanded, q, float(q.sum())

    def _lexical(self, terms: Sequence[str]) -> tuple[list[str], npt.NDArray[np.float64], float]:
        unique = sorted(set(terms))
        if not unique or not self.lab_ids:
            return unique, np.zeros(len(self.lab_ids)), 0.0
        raw = np.asarray(self._bm25.get_scores(unique), dtype=np.float64)
        top = float(raw.max()) if raw.size else 0.0
        return unique, raw, top

    def scores(self, need: Extraction) -> npt.NDArray[np.float64]:
        """Score of every lab (in ``lab_ids`` order) for ``need``."""
        cached = self._need_cache.get(need)
        if cached is not None:
            return cached
        alpha = self.params.concept_share
        _, q, z = self._query(need)
        total = np.zeros(len(self.lab_ids), dtype=np.float64)
        if z > 0:
            total += alpha * np.asarray(self._matrix @ q, dtype=np.float64) / z
        _, raw, top = self._lexical(need.terms)
        if top > 0:
            total += (1 - alpha) * raw / top
        if self._cache_size > 0:
            if len(self._need_cache) >= self._cache_size:
                self._need_cache.clear()
            self._need_cache[need] = total
        return total

    def rank_labs(self, need: Extraction, limit: int = 10) -> list[Pairing]:
        """The ``limit`` best labs for ``need``, best first, ties broken by lab id."""
        total = self.scores(need)
        order = np.argsort(-total, kind="stable")
        picked = [int(i) for i in order[:limit] if total[i] > 0]
        return [self.explain(need, self.lab_ids[i], float(total[i])) for i in picked]

    def score(self, need: Extraction, lab_id: str) -> float:
        """Score of one (need, lab) pair."""
        return float(self.scores(need)[self._lab_pos[lab_id]])

    def rank_needs(
        self, lab_id: str, needs: Mapping[str, Extraction], limit: int = 10
    ) -> list[tuple[str, Pairing]]:
        """The ``limit`` needs that fit lab ``lab_id`` best, best first, ties broken by need id."""
        pos = self._lab_pos[lab_id]
        scored = sorted(
            ((-float(self.scores(ex)[pos]), need_id) for need_id, ex in needs.items()),
        )
        return [
            (need_id, self.explain(needs[need_id], lab_id, -neg))
            for neg, need_id in scored[:limit]
            if -neg > 0
        ]

    def explain(self, need: Extraction, lab_id: str, score: float | None = None) -> Pairing:
        """The parts of the score of (``need``, ``lab_id``)."""
        alpha = self.params.concept_share
        pos = self._lab_pos[lab_id]
        expanded, q, z = self._query(need)
        lab_exp = self._lab_expanded[pos]
        parts: list[ConceptContribution] = []
        for c in sorted(set(expanded) & set(lab_exp)):
            j = self._col[c]
            if z <= 0:
                break
            contribution = alpha * q[j] * lab_exp[c].weight / z
            concept = self.concepts.get(c)
            parts.append(
                ConceptContribution(
                    concept_id=c,
                    label_fr=concept.label_fr if concept else c,
                    label_en=concept.label_en if concept else c,
                    contribution=float(contribution),
                    specificity=float(self._idf[j]),
                    need_weight=expanded[c].weight,
                    lab_weight=lab_exp[c].weight,
                    need_via=expanded[c].via,
                    lab_via=lab_exp[c].via,
                    need_evidence=expanded[c].evidence,
                    lab_evidence=lab_exp[c].evidence,
                )
            )
        parts.sort(key=lambda p: (-p.contribution, p.concept_id))
        unique, raw, top = self._lexical(need.terms)
        terms: list[TermContribution] = []
        if top > 0 and raw[pos] > 0:
            for t in unique:
                s = float(self._bm25.get_scores([t])[pos])
                if s > 0:
                    terms.append(TermContribution(term=t, contribution=(1 - alpha) * s / top))
        terms.sort(key=lambda t: (-t.contribution, t.term))
        concept_score = math.fsum(p.contribution for p in parts)
        lexical_score = math.fsum(t.contribution for t in terms)
        return Pairing(
            lab_id=lab_id,
            score=score if score is not None else concept_score + lexical_score,
            explanation=Explanation(
                concept_score=concept_score,
                lexical_score=lexical_score,
                concepts=tuple(parts),
                terms=tuple(terms),
            ),
        )
