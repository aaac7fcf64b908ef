"""Pairing labs and needs: concept overlap weighted by specificity, plus a BM25 lexical channel.

The score of a (need, lab) pair is

.. math::

    s = \\alpha \\, \\frac{\\sum_c q_c\\, \\mathrm{idf}_c\\, w_c}{\\sum_c q_c\\, \\mathrm{idf}_c}
        + (1 - \\alpha) \\, \\frac{\\sum_t \\mathrm{BM25}_t(lab)}{\\sum_t \\max_{lab'} \\mathrm{BM25}_t(lab')}

where :math:`q_c` and :math:`w_c` are the weights of concept :math:`c` in the need and in the lab,
each profile expanded to broader concepts at a discount per link, and
:math:`\\mathrm{idf}_c = \\ln(1 + N / \\mathrm{df}_c)` over the :math:`N` labs (a concept few labs
have counts more), and :math:`\\mathrm{BM25}_t` is the BM25 weight (bm25s) of the need's term
:math:`t` in a lab's text, measured against the best weight any lab reaches on that term: a lab
that matches one rare word of a long need gets a small share, not the whole channel. Both
channels lie in [0, 1], so the score does too. Every score comes with its
explanation: the contribution of each shared concept and of each shared term, which add up to it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import bm25s
import numpy as np
import numpy.typing as npt
from scipy import sparse

from graph.model import Concept, ConceptMention, Extraction
from graph.ranking.projection import ancestors_within, concept_hierarchy

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
    industry_share : float
        Weight :math:`\\beta` of the industry track record: a relevant lab's score is
        multiplied by :math:`1 - \\beta + \\beta t` where :math:`0 \\le t \\le 1` is how much
        it has worked with industry (with SMEs, for an SME's need). It reorders relevant labs
        and never lifts an irrelevant one. Ignored while no lab has any track record.
    """

    concept_share: float = 0.7
    broader_discount: float = 0.5
    max_depth: int = 2
    industry_share: float = 0.15


class ConceptContribution(NamedTuple):
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
    lab_sources: tuple[str, ...] = ()
    """Where the lab's capability comes from (``graph.model.ProfileSource``)."""


def _contribution_order(p: ConceptContribution) -> tuple[float, str]:
    return (-p[3], p[0])


class TermContribution(NamedTuple):
    """What one shared term of the lexical channel adds to a pairing's score."""

    term: str
    contribution: float


class ContextContribution(NamedTuple):
    """What one graph signal (the company's history, place...) adds to a pairing's score."""

    signal: str
    label_fr: str
    label_en: str
    value: float
    """The signal's value for this lab, in [0, 1]."""
    contribution: float
    detail: str = ""
    """What the signal is about (the themes inferred from the need's concepts)."""


class Explanation(NamedTuple):
    """Why a lab and a need are paired: the parts of the score, which add up to it."""

    concept_score: float
    lexical_score: float
    concepts: tuple[ConceptContribution, ...]
    terms: tuple[TermContribution, ...]
    industry_score: float = 0.0
    """What the lab's industry track record adds."""
    industry: float = 0.0
    """The lab's track record strength t, in [0, 1]."""
    context: tuple[ContextContribution, ...] = ()
    """What the graph around the need adds (see ``graph.ranking.context``)."""


class Pairing(NamedTuple):
    """A lab suggested for a need (or a need for a lab), with its score and explanation."""

    lab_id: str
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class _Expanded:
    weight: float
    via: tuple[str, ...]
    evidence: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Plan:
    """A need prepared for scoring: its expanded concepts and its terms, as matrix columns."""

    expanded: dict[str, _Expanded]
    concept_cols: npt.NDArray[np.intp]
    concept_ids: list[str]
    query: npt.NDArray[np.float64]  # need weight x specificity, per concept column
    z: float
    term_cols: npt.NDArray[np.intp]
    terms: list[str]
    concept_part: npt.NDArray[np.float64]  # per lab, already multiplied by alpha / z
    lexical_raw: npt.NDArray[np.float64]  # per lab, raw BM25
    # sum over the need's terms of the best BM25 weight a lab reaches on each
    lexical_norm: float
    lexical_share: float
    industry: npt.NDArray[np.float64]  # per lab, t in [0, 1]
    industry_share: float  # beta, 0 when no lab has a track record

    @property
    def relevance(self) -> npt.NDArray[np.float64]:
        return self.concept_part + self.lexical_part

    @property
    def eligible(self) -> npt.NDArray[np.bool_]:
        """Labs that share a concept with the need (any lab with a score, for a need whose
        concepts no lab has)."""
        if self.z > 0:
            return self.concept_part > 0
        return self.relevance > 0

    @property
    def total(self) -> npt.NDArray[np.float64]:
        beta = self.industry_share
        relevance = np.where(self.eligible, self.relevance, 0.0)
        if beta <= 0:
            return relevance
        return relevance * ((1 - beta) + beta * self.industry)

    @property
    def lexical_part(self) -> npt.NDArray[np.float64]:
        if self.lexical_norm <= 0:
            return np.zeros_like(self.lexical_raw)
        return self.lexical_raw * (self.lexical_share / self.lexical_norm)


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
        industry: Mapping[str, float] | None = None,
        industry_sme: Mapping[str, float] | None = None,
    ) -> None:
        self.params = params or MatchParams()
        self._cache_size = cache_size
        self.concepts = {c.id: c for c in concepts}
        self._hierarchy = concept_hierarchy(concepts)
        self._ancestors: dict[str, dict[str, int]] = {}
        self.lab_ids: list[str] = sorted(lab_profiles)
        self._lab_pos = {lab_id: i for i, lab_id in enumerate(self.lab_ids)}
        self._lab_expanded = [self.expand(lab_profiles[i].mentions) for i in self.lab_ids]
        n = len(self.lab_ids)
        vocab_ids = sorted({c for e in self._lab_expanded for c in e})
        self._col = {c: j for j, c in enumerate(vocab_ids)}
        rows, cols, vals = [], [], []
        for i, exp in enumerate(self._lab_expanded):
            for c, e in exp.items():
                rows.append(i)
                cols.append(self._col[c])
                vals.append(e.weight)
        self._concept_matrix = sparse.csc_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n, len(vocab_ids))
        )
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab_ids))
        self._idf = np.log1p(n / np.maximum(df, 1)).astype(np.float64)
        # BM25 weights computed by bm25s, read back as a (labs x terms) sparse matrix so that
        # a query and each term's share of it come from the same numbers.
        corpus = [list(lab_profiles[i].terms) or ["\u2205"] for i in self.lab_ids]
        self._term_col: dict[str, int] = {}
        self._bm25_matrix = sparse.csc_matrix((n, 0), dtype=np.float64)
        if corpus:
            bm25 = bm25s.BM25(dtype="float64")
            bm25.index(corpus, show_progress=False)
            self._term_col = dict(bm25.vocab_dict)
            sc = bm25.scores
            self._bm25_matrix = sparse.csc_matrix(
                (sc["data"], sc["indices"], sc["indptr"]),
                shape=(sc["num_docs"], len(sc["indptr"]) - 1),
            )
        self._cache: dict[tuple[Extraction, bool], npt.NDArray[np.float64]] = {}
        self._term_names = sorted(self._term_col, key=self._term_col.__getitem__)
        self._bm25_rows: sparse.csr_matrix = self._bm25_matrix.tocsr()
        # the best BM25 weight any lab reaches on each term: the lexical channel's yardstick
        self._term_best = (
            np.asarray(self._bm25_matrix.max(axis=0).toarray()).ravel() if n else np.zeros(0)
        )
        self._lab_term_cache: dict[int, dict[str, float]] = {}
        # industry track record t per lab, in [0, 1]: with any company, with SMEs
        self._industry = {
            False: np.asarray(
                [min(max((industry or {}).get(i, 0.0), 0.0), 1.0) for i in self.lab_ids]
            ),
            True: np.asarray(
                [min(max((industry_sme or {}).get(i, 0.0), 0.0), 1.0) for i in self.lab_ids]
            ),
        }

    def _lab_terms(self, pos: int) -> dict[str, float]:
        """BM25 weight of each term of lab ``pos``."""
        found = self._lab_term_cache.get(pos)
        if found is None:
            m = self._bm25_rows
            a, b = m.indptr[pos], m.indptr[pos + 1]
            found = {
                self._term_names[j]: float(v)
                for j, v in zip(m.indices[a:b].tolist(), m.data[a:b].tolist(), strict=True)
            }
            self._lab_term_cache[pos] = found
        return found

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
                    out[c] = _Expanded(w, (m.concept_id,), m.evidence, m.sources)
                elif abs(w - prev.weight) <= 1e-12 and m.concept_id not in prev.via:
                    out[c] = _Expanded(
                        prev.weight,
                        (*prev.via, m.concept_id),
                        prev.evidence + m.evidence,
                        tuple(sorted({*prev.sources, *m.sources})),
                    )
        return out

    # -- scoring ----------------------------------------------------------------------------
    @staticmethod
    def _accumulate(
        matrix: sparse.csc_matrix, cols: npt.NDArray[np.intp], weights: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:
        """``matrix[:, cols] @ weights``, column by column (few columns, many rows)."""
        n = matrix.shape[0]
        if not len(cols):
            return np.zeros(n, dtype=np.float64)
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
        spans = [(indptr[j], indptr[j + 1]) for j in cols.tolist()]
        rows = np.concatenate([indices[a:b] for a, b in spans])
        vals = np.concatenate(
            [data[a:b] * w for (a, b), w in zip(spans, weights.tolist(), strict=True)]
        )
        return np.bincount(rows, weights=vals, minlength=n).astype(np.float64, copy=False)

    def _plan(self, need: Extraction, sme: bool = False) -> _Plan:
        alpha = self.params.concept_share
        n = len(self.lab_ids)
        expanded = self.expand(need.mentions)
        known = sorted(c for c in expanded if c in self._col)
        ccols = np.asarray([self._col[c] for c in known], dtype=np.intp)
        weights = np.asarray([expanded[c].weight for c in known], dtype=np.float64)
        query = weights * self._idf[ccols]
        z = float(query.sum())
        concept_part = np.zeros(n, dtype=np.float64)
        if z > 0:
            concept_part = self._accumulate(self._concept_matrix, ccols, query) * (alpha / z)
        terms = sorted({t for t in need.terms if t in self._term_col})
        tcols = np.asarray([self._term_col[t] for t in terms], dtype=np.intp)
        lexical_raw = self._accumulate(self._bm25_matrix, tcols, np.ones(len(terms)))
        top = float(self._term_best[tcols].sum()) if len(terms) else 0.0
        return _Plan(
            expanded,
            ccols,
            known,
            query,
            z,
            tcols,
            terms,
            concept_part,
            lexical_raw,
            top,
            1 - alpha,
            self._industry[sme],
            self.params.industry_share if self._industry[sme].any() else 0.0,
        )

    def scores(self, need: Extraction, sme: bool = False) -> npt.NDArray[np.float64]:
        """Score of every lab (in ``lab_ids`` order) for ``need`` (of an SME when ``sme``)."""
        cached = self._cache.get((need, sme))
        if cached is not None:
            return cached
        total = self._plan(need, sme).total
        if self._cache_size > 0:
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[(need, sme)] = total
        return total

    @staticmethod
    def _top(total: npt.NDArray[np.float64], limit: int) -> list[int]:
        """Indices of the ``limit`` best positive scores, ties broken by index (lab id order)."""
        positive = np.flatnonzero(total > 0)
        if positive.size > limit:
            kth = np.partition(total[positive], positive.size - limit)[positive.size - limit]
            positive = positive[total[positive] >= kth]
        order = np.lexsort((positive, -total[positive]))
        return [int(i) for i in positive[order][:limit]]

    def rank_labs(
        self,
        need: Extraction,
        limit: int = 10,
        sme: bool = False,
        context: Mapping[str, npt.NDArray[np.float64]] | None = None,
        weights: Mapping[str, float] | None = None,
        candidates: npt.NDArray[np.bool_] | None = None,
        details: Mapping[str, str] | None = None,
        record: Collection[str] = (),
        labels: Mapping[str, tuple[str, str]] | None = None,
    ) -> list[Pairing]:
        """The ``limit`` best labs for ``need``, best first, ties broken by lab id.

        ``sme``: the need is an SME's, so the track record counts work with SMEs.
        ``context``: signals per lab (``graph.ranking.signals``), each in [0, 1], with
        ``weights``; the score is then divided by ``1 + sum(weights)`` so it stays in [0, 1].
        The signals named in ``record`` (the labs' own record, such as their projects on the
        need's themes) multiply their relevance: they reorder relevant labs and lift no weak
        one. The others (the company's relationships, the officers' feedback) add to the score
        of the labs that share a concept with the need.
        ``candidates``: the labs that may be suggested (a scope), by position in ``lab_ids``.
        ``details``: what each signal is about, and ``labels`` its French and English names,
        for the explanation.

        A need with concepts is paired only with labs that share at least one of them (its
        broader concepts included): no channel or signal carries a lab that shares none. A
        need none of whose concepts any lab has is paired by shared words and by the company's
        relationships.
        """
        plan = self._plan(need, sme)
        eligible = plan.eligible
        if candidates is not None:
            eligible = eligible & candidates
        total = np.where(eligible, plan.total, 0.0)
        parts: dict[str, npt.NDArray[np.float64]] = {}
        scale = 1.0
        if context and weights:
            used = {k: w for k, w in weights.items() if w > 0 and k in context}
            scale = 1.0 / (1.0 + sum(used.values()))
            reachable = (
                eligible
                if plan.z > 0
                else (candidates if candidates is not None else np.ones_like(eligible))
            )
            parts = {
                k: (total if k in record else reachable) * (w * scale) * context[k]
                for k, w in used.items()
            }
            total = total * scale + sum(parts.values(), np.zeros_like(total))
        picked = self._top(total, limit)
        return self._explain(
            plan, picked, total, scale, parts, context or {}, details or {}, labels or {}
        )

    def lab_vector(self, values: Mapping[str, float]) -> npt.NDArray[np.float64]:
        """``values`` by lab id as an array in the index's lab order (0 for the others; ids the
        index does not hold are ignored): a signal for ``rank_labs``' ``context``."""
        out = np.zeros(len(self.lab_ids), dtype=np.float64)
        for lab_id, value in values.items():
            pos = self._lab_pos.get(lab_id)
            if pos is not None:
                out[pos] = value
        return out

    def score(self, need: Extraction, lab_id: str) -> float:
        """Score of one (need, lab) pair."""
        return float(self.scores(need)[self._lab_pos[lab_id]])

    def rank_needs(
        self, lab_id: str, needs: Mapping[str, Extraction], limit: int = 10
    ) -> list[tuple[str, Pairing]]:
        """The ``limit`` needs that fit lab ``lab_id`` best, best first, ties broken by need id."""
        pos = self._lab_pos[lab_id]
        scored = sorted((-float(self.scores(ex)[pos]), need_id) for need_id, ex in needs.items())
        return [
            (need_id, self.explain(needs[need_id], lab_id))
            for neg, need_id in scored[:limit]
            if neg < 0
        ]

    def explain(self, need: Extraction, lab_id: str) -> Pairing:
        """The parts of the score of (``need``, ``lab_id``)."""
        plan = self._plan(need)
        return self._explain(plan, [self._lab_pos[lab_id]], plan.total)[0]

    def _explain(
        self,
        plan: _Plan,
        rows: list[int],
        total: npt.NDArray[np.float64],
        scale: float = 1.0,
        context_parts: Mapping[str, npt.NDArray[np.float64]] | None = None,
        context: Mapping[str, npt.NDArray[np.float64]] | None = None,
        details: Mapping[str, str] | None = None,
        labels: Mapping[str, tuple[str, str]] | None = None,
    ) -> list[Pairing]:
        if not rows:
            return []
        alpha = self.params.concept_share
        # per-concept constants, computed once for every lab explained
        shared: dict[str, tuple[float, float, _Expanded, tuple[str, str]]] = {}
        if plan.z > 0:
            coefs = (plan.query * (alpha / plan.z) * (1 - plan.industry_share) * scale).tolist()
            idfs = self._idf[plan.concept_cols].tolist()
            for c, coef, idf in zip(plan.concept_ids, coefs, idfs, strict=True):
                concept = self.concepts.get(c)
                names = (concept.label_fr, concept.label_en) if concept else (c, c)
                shared[c] = (coef, idf, plan.expanded[c], names)
        term_coef = (1 - alpha) / plan.lexical_norm if plan.lexical_norm > 0 else 0.0
        # with a track record, each relevance part keeps (1 - beta) and the rest is the
        # industry part: beta * relevance * t; the parts still add up to the score
        beta = plan.industry_share
        term_coef *= (1 - beta) * scale
        relevance = plan.relevance
        need_terms = set(plan.terms) if term_coef > 0 else set()
        out = []
        for pos in rows:
            lab_exp = self._lab_expanded[pos]
            # only the concepts both sides have (a set intersection, not a scan of the need's);
            # tuples built positionally, in field order: this loop is the query's hot spot
            parts = [
                ConceptContribution(
                    c,
                    label_fr,
                    label_en,
                    coef * lab_e.weight,
                    idf,
                    need_e.weight,
                    lab_e.weight,
                    need_e.via,
                    lab_e.via,
                    need_e.evidence,
                    lab_e.evidence,
                    lab_e.sources,
                )
                for c in shared.keys() & lab_exp.keys()
                for (coef, idf, need_e, (label_fr, label_en)), lab_e in ((shared[c], lab_exp[c]),)
            ]
            parts.sort(key=_contribution_order)
            lab_terms = self._lab_terms(pos)
            terms = [
                TermContribution(term=t, contribution=term_coef * lab_terms[t])
                for t in need_terms & lab_terms.keys()
            ]
            terms.sort(key=lambda t: (-t.contribution, t.term))
            out.append(
                Pairing(
                    lab_id=self.lab_ids[pos],
                    score=float(total[pos]),
                    explanation=Explanation(
                        concept_score=math.fsum(p.contribution for p in parts),
                        lexical_score=math.fsum(t.contribution for t in terms),
                        concepts=tuple(parts),
                        terms=tuple(terms),
                        industry_score=beta * scale * float(relevance[pos] * plan.industry[pos]),
                        industry=float(plan.industry[pos]),
                        context=tuple(
                            ContextContribution(
                                name,
                                *(labels or {}).get(name, (name, name)),
                                float((context or {})[name][pos]),
                                float(part[pos]),
                                (details or {}).get(name, ""),
                            )
                            for name, part in sorted((context_parts or {}).items())
                            if part[pos] > 0
                        ),
                    ),
                )
            )
        return out
