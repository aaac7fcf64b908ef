"""The signals' weights fitted on an earlier year, through the ranking pipeline the API runs.

A grid search of the weights of the graph's signals (``graph.ranking.signals``) maximising
Recall@10 on ANR collaborations: train on calls up to a year, test on the next one; then the
best weights are checked on a later split they never saw. Each query is analysed once and its
signals computed once (``prepare``); every weighting then ranks it again with
``graph.ranking.pipeline.Ranker.rank``. The same prepared queries give the ablation of the
quality report (each signal removed in turn). Usage::

    python scripts/fit_context_weights.py ../shared/data/anr/anr_partners_2010_2020.csv.gz \\
        --train-until 2018 --check-until 2019
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.extractor import Extractor
from graph.model import Company, Concept, Extraction
from graph.ranking.pipeline import SignalValues
from ingest.evaluation import anr as eval_anr
from ingest.evaluation.metrics import Scores, evaluate

GRID: dict[str, tuple[float, ...]] = {
    "topic_record": (0.25, 0.5, 1.0, 2.0, 4.0),
    "history": (0.5, 1.0, 2.0),
    "partners": (0.0, 0.3, 0.6),
    "proximity": (0.0, 0.15, 0.3),
}
"""The weights tried for each signal that ANR collaborations can measure (the officers'
``feedback`` has no introductions there: it keeps the table's weight)."""


@dataclass(frozen=True)
class Prepared:
    """The queries of a split analysed once: each one's need, company and signal values."""

    methods: eval_anr.Methods
    queries: Mapping[str, tuple[Extraction, Company, SignalValues]]


def prepare(methods: eval_anr.Methods) -> Prepared:
    """Analyse every test query of ``methods.data`` and compute its signals, once."""
    ranker, out = methods.ranker, {}
    for q in methods.data.queries:
        need = methods.extractor.extract(q.text)
        company = methods.company(q)
        out[q.id] = (need, company, ranker.signal_values(need, company))
    return Prepared(methods, out)


def scores(prepared: Prepared, weights: Mapping[str, float]) -> Scores:
    """Recall@10, MRR and nDCG@10 of the pipeline with ``weights`` (a signal left out of
    them, or at 0, does not count)."""
    ranker, data = prepared.methods.ranker, prepared.methods.data
    rankings = {}
    for q in data.queries:
        need, company, values = prepared.queries[q.id]
        pairings = ranker.rank(need, eval_anr.K, company=company, weights=weights, signals=values)
        rankings[q.id] = [p.lab_id for p in pairings]
    return evaluate(rankings, {q.id: q.relevant for q in data.queries})


def grid(
    prepared: Prepared, tried: Mapping[str, Sequence[float]] = GRID
) -> list[tuple[float, dict[str, float]]]:
    """Every weighting of the grid with its Recall@10, best first (ties: the smaller weights)."""
    base = prepared.methods.ranker.weights
    results = []
    for values in itertools.product(*tried.values()):
        weights = {**base, **dict(zip(tried, values, strict=True))}
        results.append((scores(prepared, weights).recall, weights))
    results.sort(key=lambda r: (-r[0], sorted(r[1].items())))
    return results


def split_methods(
    partners: Path, train_until: int, extractor: Extractor, vocabulary: Sequence[Concept]
) -> eval_anr.Methods:
    """The methods fitted on calls up to ``train_until``, tested on the next year."""
    from ingest.registers.anr import read_committees

    rows = eval_anr.read_partners(partners)
    committees = read_committees(partners.parent / "anr_committees_ces.csv")
    data = eval_anr.split(rows, train_until, [train_until + 1], committees)
    return eval_anr.Methods(data, extractor, vocabulary)


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on one split, check the best weightings and the table's on the next."""
    from ingest.language.extract import SpacyExtractor
    from ingest.language.vocabulary import load_vocabulary

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partners", type=Path)
    parser.add_argument("--train-until", type=int, default=2018)
    parser.add_argument("--check-until", type=int, default=2019)
    args = parser.parse_args(argv)
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    fitted = prepare(split_methods(args.partners, args.train_until, extractor, vocabulary))
    checked = prepare(split_methods(args.partners, args.check_until, extractor, vocabulary))
    results = grid(fitted)
    print(  # noqa: T201
        f"fit on <= {args.train_until} -> {args.train_until + 1}; check on "
        f"<= {args.check_until} -> {args.check_until + 1}"
    )
    for recall, weights in results[:5]:
        check = scores(checked, weights).recall
        print(f"  recall@10 fit {recall:.3f}  check {check:.3f}  {weights}")  # noqa: T201
    table = fitted.methods.ranker.weights
    fit_table, check_table = scores(fitted, table).recall, scores(checked, table).recall
    print(f"  the table's  fit {fit_table:.3f}  check {check_table:.3f}  {table}")  # noqa: T201
    return 0
