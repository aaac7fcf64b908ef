"""Ranking quality: Recall@k, MRR and nDCG@k over queries with known relevant items.

Every metric takes, per query, the ranked candidate ids a method returned and the set of relevant
ids; a query's metric is then averaged over queries (each query counts once).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def recall_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Share of the relevant items found in the first ``k``.

    >>> recall_at(["a", "b", "c"], {"a", "c", "z"}, k=2)
    0.3333333333333333
    >>> recall_at(["a"], set(), k=10)
    0.0
    """
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def hit_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """1 when at least one relevant item is in the first ``k``, else 0.

    >>> hit_at(["x", "a"], {"a", "b"}, k=2), hit_at(["x"], {"a"}, k=1)
    (1.0, 0.0)
    """
    return 1.0 if relevant.intersection(ranked[:k]) else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant item, 0 when none is ranked.

    >>> reciprocal_rank(["x", "a", "b"], {"a", "b"})
    0.5
    >>> reciprocal_rank(["x"], {"a"})
    0.0
    """
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Normalised discounted cumulative gain at ``k``, binary relevance.

    >>> ndcg_at(["a", "b"], {"a", "b"}, k=10)
    1.0
    >>> round(ndcg_at(["x", "a"], {"a"}, k=10), 4)
    0.6309
    """
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal


@dataclass(frozen=True)
class Scores:
    """Mean metrics over ``n`` queries."""

    recall: float
    mrr: float
    ndcg: float
    n: int
    hit: float = 0.0
    """Share of queries with at least one relevant item in the first k."""

    def as_dict(self, k: int = 10) -> dict[str, float | int]:
        """``{"recall@10": …, "mrr": …, "ndcg@10": …, "hit@10": …, "n": …}``."""
        return {
            f"recall@{k}": self.recall,
            "mrr": self.mrr,
            f"ndcg@{k}": self.ndcg,
            f"hit@{k}": self.hit,
            "n": self.n,
        }


def evaluate(
    rankings: Mapping[str, Sequence[str]],
    relevant: Mapping[str, set[str]],
    queries: Iterable[str] | None = None,
    k: int = 10,
) -> Scores:
    """Mean Recall@k, MRR and nDCG@k over ``queries`` (all of ``relevant`` by default).

    >>> evaluate({"q1": ["a", "b"], "q2": ["c"]}, {"q1": {"b"}, "q2": {"z"}})
    Scores(recall=0.5, mrr=0.25, ndcg=0.31546487678572877, n=2, hit=0.5)
    """
    ids = list(relevant if queries is None else queries)
    if not ids:
        return Scores(0.0, 0.0, 0.0, 0)
    r = m = g = h = 0.0
    for q in ids:
        ranked, rel = rankings.get(q, ()), relevant[q]
        r += recall_at(ranked, rel, k)
        m += reciprocal_rank(ranked, rel)
        g += ndcg_at(ranked, rel, k)
        h += hit_at(ranked, rel, k)
    n = len(ids)
    return Scores(r / n, m / n, g / n, n, h / n)
