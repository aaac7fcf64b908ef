"""Write docs/quality.md and docs/quality.svg: pairing quality on real ANR collaborations.

The table of ``passerelle eval anr`` (train <= 2019, test 2020; and train <= 2018, test 2019),
and an ablation: the matcher with each graph signal removed in turn. Usage::

    python scripts/quality_report.py ../shared/data
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from html import escape
from pathlib import Path

from ingest.evaluation import anr as eval_anr
from ingest.evaluation import fit, quality
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.anr import read_committees
from ingest.registers.rnsr import read_domains

DOCS = Path(__file__).resolve().parents[1] / "docs"


def svg_bars(rows: list[tuple[str, float]], title: str) -> str:
    """A horizontal bar chart, written by hand: no plotting library needed."""
    width, bar_h, left = 640, 22, 230
    top = max(v for _, v in rows) or 1.0
    height = 40 + bar_h * len(rows) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="13">',
        f'<text x="10" y="22" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = 36 + i * bar_h
        w = (width - left - 70) * value / top
        colour = "#c0392b" if label.startswith("passerelle") else "#7f8c8d"
        out.append(f'<text x="10" y="{y + 15}">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="16" fill="{colour}"/>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}">{value:.3f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def territory_section(shared: Path, extractor: SpacyExtractor) -> list[str]:
    """Held-out SME needs on the real graph of the territory (``ingest.evaluation.quality``), with a chart."""
    needs = quality.read_needs(DOCS.parent / "tests" / "quality" / "needs_fr.yaml")
    with tempfile.TemporaryDirectory() as home:
        graphs = quality.load_graphs(Path(home), extractor, shared)
        lorraine = quality.top_rate(graphs["lorraine"], needs, 3)
        bare = quality.top_rate(graphs["registers"], needs, 10)
        stray = quality.stray_suggestions(graphs["lorraine"], needs, 5)
        units = graphs["lorraine"].lab_counts()
        scope_units = graphs["lorraine"].scope_used().units
        for service in graphs.values():
            service.store.close()
    (DOCS / "quality-territory.svg").write_text(
        svg_bars(
            [
                ("passerelle, Lorraine, top 3", lorraine.rate),
                ("goal, Lorraine, top 3", 0.9),
                ("passerelle, registers only, top 10", bare.rate),
                ("goal, registers only, top 10", 0.7),
            ],
            f"Held-out SME needs ({len(needs)}): an acceptable unit found",
        ),
        encoding="utf-8",
    )
    return [
        "## Held-out SME needs on the real graph of the territory",
        "",
        f"The {len(needs)} realistic needs of `tests/quality/needs_fr.yaml` (written apart from "
        "the demo, with the units an officer would accept) on the real registers loaded as "
        f"`make run` loads them: {units['units']} research units, {units['organisations']} "
        f"partner organisations; the default scope (Université de Lorraine) holds "
        f"{scope_units} units. The same figures are asserted by `make test-quality`.",
        "",
        "| graph | measure | result | goal |",
        "|---|---|---|---|",
        f"| RNSR + ANR + our descriptions, scope UL | acceptable unit in the top 3 | "
        f"{lorraine.hits}/{lorraine.needs} = {lorraine.rate:.0%} | ≥ 90% |",
        f"| RNSR + ANR only (no description), scope UL | acceptable unit in the top 10 | "
        f"{bare.hits}/{bare.needs} = {bare.rate:.0%} | ≥ 70% |",
        f"| RNSR + ANR + our descriptions, all of France | top-5 suggestions that are not a "
        f"unit or share no concept | {len(stray)} | 0 |",
        "",
        "![Held-out needs on the real graph](quality-territory.svg)",
        "",
        "Misses on the Lorraine graph (top 3): " + ("; ".join(lorraine.misses) or "none") + ".",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", type=Path, help="../shared/data")
    args = parser.parse_args()
    partners = args.shared / "anr" / "anr_partners_2010_2020.csv.gz"
    committees = read_committees(partners.parent / "anr_committees_ces.csv")
    domains = read_domains(args.shared / "rnsr" / "rnsr_structures_actives.csv")
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    rows = eval_anr.read_partners(partners)
    lines = [
        "# Pairing quality on real lab–company collaborations (ANR)",
        "",
        "Written by `scripts/quality_report.py` (`make quality-report`); the same numbers as",
        "`make eval`. Queries: each (project, company) of the test year whose project has a",
        "company and a lab with an RNSR code; relevant = that project's labs with an RNSR code;",
        "candidates = every lab with an RNSR code seen in training. Nothing of a test project is",
        "in training. The graph-signal weights were fitted on train <= 2018 / test 2019",
        "(`ingest/evaluation/fit.py`), never on 2020. Passerelle ranks through the pipeline the",
        "API runs (`graph/ranking/pipeline.py`).",
        "",
    ]
    chart: list[tuple[str, float]] = []
    for train_until in (2019, 2018):
        data = eval_anr.split(rows, train_until, [train_until + 1], committees)
        result = eval_anr.run(data, extractor, vocabulary, domains)
        lines += [
            f"## Train <= {train_until}, test {train_until + 1}",
            "",
            f"{result['queries']} queries, {result['candidates']} candidate labs.",
            "",
        ]
        segments: dict[str, dict[str, dict[str, float]]] = result["segments"]  # type: ignore[assignment]
        for seg, label in (
            ("all", "All"),
            ("sme", "SMEs (PME, TPE)"),
            ("cold_start", "Cold start"),
        ):
            n = next(iter(segments[seg].values()))["n"]
            lines += [
                f"**{label}** (n = {int(n)})",
                "",
                "| method | Recall@10 | MRR | nDCG@10 | hit@10 |",
                "|---|---|---|---|---|",
            ]
            for method, m in segments[seg].items():
                lines.append(
                    f"| {method} | {m['recall@10']:.3f} | {m['mrr']:.3f} | "
                    f"{m['ndcg@10']:.3f} | {m['hit@10']:.3f} |"
                )
            lines.append("")
        lines += [
            f"Passerelle's Recall@10 / best baseline ({result['best_baseline']}): "
            f"**{result['lift']:.2f}x**.",
            "",
        ]
        if train_until == 2019:
            methods_all: dict[str, dict[str, float]] = result["methods"]  # type: ignore[assignment]
            chart = [(m, v["recall@10"]) for m, v in methods_all.items()]
            # ablation: the pipeline with each signal removed in turn
            prepared = fit.prepare(eval_anr.Methods(data, extractor, vocabulary, domains))
            full = prepared.methods.ranker.weights
            variants: list[tuple[str, dict[str, float]]] = [("all signals", full)]
            # the signals ANR collaborations measure (the officers' feedback has no introduction)
            variants += [(f"without {k}", {**full, k: 0.0}) for k in fit.GRID]
            variants.append(("text only (no graph signal)", {}))
            lines += [
                "### Ablation (train <= 2019, test 2020): what each signal adds",
                "",
                "| variant | Recall@10 | MRR |",
                "|---|---|---|",
            ]
            for name, weights in variants:
                s = fit.scores(prepared, weights)
                lines.append(f"| {name} | {s.recall:.3f} | {s.mrr:.3f} |")
                if name == "text only (no graph signal)":
                    chart.append(("passerelle, text only", s.recall))
            lines += ["", "![Recall@10, train <= 2019, test 2020](quality.svg)", ""]
    lines += territory_section(args.shared, extractor)
    DOCS.mkdir(exist_ok=True)
    (DOCS / "quality.md").write_text("\n".join(lines), encoding="utf-8")
    (DOCS / "quality.svg").write_text(
        svg_bars(chart, "Recall@10 — train ≤ 2019, test 2020 (ANR)"), encoding="utf-8"
    )
    print(f"wrote {DOCS / 'quality.md'} and {DOCS / 'quality.svg'}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
