"""Fit the graph-signal weights (``graph.ranking.context.ContextWeights``) on an earlier year.

Grid search of the weights maximising Recall@10 of the API's matcher on ANR collaborations,
training on calls up to ``--train-until`` and testing on the next year; then the best weights are
checked on a later split they never saw. Usage::

    python scripts/fit_context_weights.py ../shared/data/anr/anr_partners_2010_2020.csv.gz \\
        --train-until 2018 --check-until 2019
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from graph.ranking.context import ContextWeights
from ingest.evaluation import anr as eval_anr
from ingest.evaluation.metrics import evaluate
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.anr import read_committees

GRID = {
    "topic_record": (0.25, 0.5, 1.0, 2.0, 4.0),
    "history": (0.5, 1.0, 2.0),
    "partners": (0.0, 0.3, 0.6),
    "proximity": (0.0, 0.15, 0.3),
}


def recall(methods: eval_anr.Methods, data: eval_anr.Split, weights: dict[str, float]) -> float:
    """Recall@10 of the matcher with ``weights`` (queries analysed once, by the caller)."""
    rankings = {}
    for q in data.queries:
        need, context = methods.cache[q.id]
        pairings = methods.index.rank_labs(
            need, eval_anr.K, sme=q.category in eval_anr.SMES, context=context, weights=weights
        )
        rankings[q.id] = [p.lab_id for p in pairings]
    return evaluate(rankings, {q.id: q.relevant for q in data.queries}).recall


def prepared(path: Path, train_until: int) -> tuple[eval_anr.Methods, eval_anr.Split]:
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    rows = eval_anr.read_partners(path)
    committees = read_committees(path.parent / "anr_committees_ces.csv")
    data = eval_anr.split(rows, train_until, [train_until + 1], committees)
    methods = eval_anr.Methods(data, extractor, vocabulary)
    methods.cache = {}
    for q in data.queries:
        need = extractor.extract(q.text)
        methods.cache[q.id] = (need, methods.signals(need, q))
    return methods, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("partners", type=Path)
    parser.add_argument("--train-until", type=int, default=2018)
    parser.add_argument("--check-until", type=int, default=2019)
    args = parser.parse_args()
    fit_methods, fit_data = prepared(args.partners, args.train_until)
    results = []
    for values in itertools.product(*GRID.values()):
        weights = dict(zip(GRID, values, strict=True))
        results.append((recall(fit_methods, fit_data, weights), weights))
    results.sort(key=lambda r: (-r[0], sorted(r[1].items())))
    check_methods, check_data = prepared(args.partners, args.check_until)
    default = ContextWeights().as_dict()
    print(
        f"fit on <= {args.train_until} -> {args.train_until + 1}; check on "  # noqa: T201
        f"<= {args.check_until} -> {args.check_until + 1}"
    )
    for r, weights in results[:5]:
        check = recall(check_methods, check_data, weights)
        print(f"  recall@10 fit {r:.3f}  check {check:.3f}  {weights}")  # noqa: T201
    fit_default = recall(fit_methods, fit_data, default)
    check_default = recall(check_methods, check_data, default)
    print(f"  defaults      fit {fit_default:.3f}  check {check_default:.3f}  {default}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
