"""Pairing latency on the demo corpus and on a corpus scaled x100, next to a bare BM25 query.

Both are measured in the same run, interleaved query by query, on the same lab texts (the same
lemma tokens), so the ratio holds on a noisy shared machine. A pairing query here is what
``GET /api/needs/{id}/pairings`` does for a stored need: concept scoring with specificity and
hierarchy expansion, the BM25 channel, ranking, and the explanation of the top 10. Text analysis
of a new need (spaCy) is timed apart, as it does not depend on the corpus size.

Goal: pairing p95 within 3x of the bare BM25 query at x100.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import bm25s
import numpy as np

from graph.model import Extraction
from graph.ranking.matching import MatchIndex
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.demo import read_demo, scaled_labs

ROUNDS = 15
LIMIT = 10


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), in milliseconds."""
    return float(np.percentile(np.asarray(values), q)) * 1000


def measure(
    index: MatchIndex, profiles: list[Extraction], corpus: list[list[str]]
) -> dict[str, list[float]]:
    """Interleaved timings of the pairing query and of a bare BM25 top-10 query."""
    bare = bm25s.BM25(dtype="float64")
    bare.index(corpus, show_progress=False)

    def bm25_query(p: Extraction) -> None:
        scores = bare.get_scores(sorted(set(p.terms)))
        np.argsort(-scores, kind="stable")[:LIMIT]

    def pairing_query(p: Extraction) -> None:
        index.rank_labs(p, LIMIT)

    timings: dict[str, list[float]] = {"passerelle": [], "bm25": []}
    runs: list[tuple[str, Callable[[Extraction], None]]] = [
        ("passerelle", pairing_query),
        ("bm25", bm25_query),
    ]
    for r in range(ROUNDS):
        for p in profiles:
            for name, fn in runs if r % 2 == 0 else reversed(runs):
                t = time.perf_counter()
                fn(p)
                timings[name].append(time.perf_counter() - t)
    return timings


def main() -> int:
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    labs, _, needs = read_demo()
    texts = [f"{n.title}. {n.text}" for n in needs]
    t = time.perf_counter()
    need_profiles = extractor.extract_many(texts)
    analyse_ms = (time.perf_counter() - t) / len(texts) * 1000
    print(f"{len(needs)} demo needs as queries; text analysis (spaCy) {analyse_ms:.1f} ms per need")
    rows = []
    for name, corpus_labs in (("demo", labs), ("x100", scaled_labs(labs, 100))):
        t = time.perf_counter()
        profiles = extractor.extract_many([lab.description for lab in corpus_labs])
        built = time.perf_counter() - t
        lab_profiles = {lab.id: p for lab, p in zip(corpus_labs, profiles, strict=True)}
        index = MatchIndex(vocabulary, lab_profiles, cache_size=0)
        corpus = [list(lab_profiles[i].terms) for i in index.lab_ids]
        timings = measure(index, need_profiles, corpus)
        rows.append((name, len(corpus_labs), timings, built))
    print(
        f"\n{'corpus':<7}{'labs':>6}  {'passerelle p50':>15}{'p95':>9}  {'bare BM25 p50':>14}"
        f"{'p95':>9}  {'ratio p95':>9}"
    )
    ratio_x100 = 0.0
    for name, n, timings, _ in rows:
        p50, p95 = percentile(timings["passerelle"], 50), percentile(timings["passerelle"], 95)
        b50, b95 = percentile(timings["bm25"], 50), percentile(timings["bm25"], 95)
        ratio = p95 / b95
        if name == "x100":
            ratio_x100 = ratio
        print(
            f"{name:<7}{n:>6}  {p50:>12.2f} ms{p95:>6.2f} ms  {b50:>11.2f} ms{b95:>6.2f} ms"
            f"  {ratio:>8.2f}x"
        )
    print(
        f"\nmedian over {ROUNDS} rounds x {len(need_profiles)} needs; extraction of the x100 "
        f"corpus took {rows[-1][3]:.1f} s"
    )
    goal = ratio_x100 <= 3.0
    print(
        f"goal p95(passerelle) <= 3x p95(bare BM25) at x100: {'met' if goal else 'NOT met'} "
        f"({ratio_x100:.2f}x)"
    )
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
