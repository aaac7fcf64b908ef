"""The ANR evaluation read closely: per-query outcomes, year by year, wins and losses explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Concept
from ingest.evaluation import anr as eval_anr
from ingest.evaluation import review as eval_review
from ingest.evaluation.anr import PartnerRow, QueryResult, outcome, split
from ingest.evaluation.metrics import evaluate
from ingest.language.extract import SpacyExtractor

COMMITTEES = {
    "CE08": "Matériaux métalliques et inorganiques",
    "CE10": "Industrie et usine du futur : Homme, organisation, technologies",
}


def row(project: str, kind: str, pid: str, **kw: str) -> PartnerRow:
    return PartnerRow(
        project_id=project,
        year=2000 + int(project.split("-")[1]),
        topic_code=project.split("-")[2],
        kind=kind,
        partner_id=pid,
        category=kw.get("category", "PME" if kind == "company" else "Laboratoire public"),
        name=kw.get("name", pid),
        city="Nancy",
        region=kw.get("region", "Grand Est"),
    )


ROWS = [
    row("ANR-17-CE08-0001", "lab", "LAB1", name="Old name of LAB1"),
    row("ANR-17-CE08-0001", "company", "ACME"),
    row("ANR-18-CE10-0002", "lab", "LAB2"),
    row("ANR-18-CE10-0002", "lab", "LAB3"),
    row("ANR-18-CE10-0002", "company", "BETA", category="Entreprise autre que TPE ou PME"),
    row("ANR-19-CE08-0003", "lab", "LAB1"),
    row("ANR-19-CE08-0003", "company", "ACME"),
    row("ANR-19-CE10-0004", "lab", "LAB3"),
    row("ANR-19-CE10-0004", "company", "GAMMA"),
    row("ANR-20-CE08-0005", "lab", "LAB1"),
    row("ANR-20-CE08-0005", "company", "ACME"),
    row("ANR-20-CE10-0006", "lab", "LAB2"),
    row("ANR-20-CE10-0006", "company", "NEWCO"),
]


def test_an_outcome_says_recall_hit_and_first_relevant_rank() -> None:
    o = outcome(["a", "b", "c", "d"], {"c", "d", "z", "y"})
    assert o.ranked == ("a", "b", "c", "d")
    assert o.recall == pytest.approx(0.5) and o.hit and o.first_relevant == 3
    miss = outcome(["a"], {"z"})
    assert miss.recall == 0.0 and not miss.hit and miss.first_relevant is None
    beyond = outcome([str(i) for i in range(12)], {"11"}, k=10)  # ranked but past k
    assert not beyond.hit and beyond.first_relevant == 12


def test_the_detailed_run_keeps_each_query_and_run_is_its_summary(
    extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    data = split(ROWS, 2019, [2020], COMMITTEES)
    detailed = eval_anr.run_detailed(data, extractor, vocabulary)
    assert [r.query.id for r in detailed.results] == [q.id for q in data.queries]
    for r in detailed.results:
        assert set(r.outcomes) == set(detailed.methods.all())
        for o in r.outcomes.values():
            assert o.hit == (o.first_relevant is not None and o.first_relevant <= eval_anr.K)
    # the per-query outcomes give the aggregates, and run is exactly the summary
    rankings = detailed.rankings()
    relevant = {q.id: q.relevant for q in data.queries}
    for method, ranked in rankings.items():
        mean = sum(r.outcomes[method].recall for r in detailed.results) / len(detailed.results)
        assert evaluate(ranked, relevant).recall == pytest.approx(mean)
    assert eval_anr.run(data, extractor, vocabulary) == detailed.summary()
    assert detailed.summary()["best_baseline"] == detailed.best_baseline()


def test_rolling_trains_each_year_on_the_years_before_only(
    extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    assert eval_review.last_years(ROWS, 2) == [2019, 2020]
    assert eval_review.evaluated_years(ROWS) == [2018, 2019, 2020]  # 2017 has nothing before it
    runs = eval_review.rolling(ROWS, [2020, 2019], extractor, vocabulary, COMMITTEES)
    assert [r.year for r in runs] == [2019, 2020]
    for run in runs:
        assert {r.year for r in run.detailed.data.train} == set(range(2017, run.year))
        assert {q.project_id[4:6] for q in run.detailed.data.queries} == {str(run.year)[2:]}
    assert [len(r.detailed.results) for r in runs] == [2, 2]
    capped = eval_review.rolling(ROWS, [2020], extractor, vocabulary, COMMITTEES, most=1)
    assert len(capped[0].detailed.results) == 1
    table = eval_review.metric_table(runs)
    methods = list(runs[0].detailed.methods.all())
    assert len(table) == 3 * len(methods) * len(eval_review.SEGMENTS)  # 2019, 2020, pooled
    assert [row.year for row in table[:: len(methods) * 3]] == [2019, 2020, None]
    pooled = {(r.method, r.segment): r for r in table if r.year is None}
    yearly = [r for r in table if r.year is not None]
    for (method, segment), p in pooled.items():
        parts = [r for r in yearly if (r.method, r.segment) == (method, segment)]
        assert p.n == sum(r.n for r in parts)
        if p.n:
            assert p.recall == pytest.approx(sum(r.recall * r.n for r in parts) / p.n)
    # NEWCO (2020) never worked in training: a cold start; ACME did
    cold = {(r.year, r.segment): r.n for r in table if r.method == "passerelle"}
    assert cold[(2020, "cold_start")] == 1 and cold[(2020, "all")] == 2


def test_sample_queries_is_stable_and_spread() -> None:
    data = split(ROWS, 2019, [2020], COMMITTEES)
    many = [q for _ in range(20) for q in data.queries]
    many = [eval_anr.Query(**{**q.__dict__, "id": f"{q.id}/{n}"}) for n, q in enumerate(many)]
    first = eval_review.sample_queries(many, 10)
    assert [q.id for q in first] == [q.id for q in eval_review.sample_queries(many, 10)]
    assert len(first) == 10 and first != many[:10]
    assert [q.id for q in first] == [q.id for q in many if q in first]  # original order
    assert eval_review.sample_queries(many, None) == many


def test_wins_and_losses_are_explained(
    extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    data = split(ROWS, 2019, [2020], COMMITTEES)
    methods = eval_anr.Methods(data, extractor, vocabulary)
    acme, newco = data.queries  # CE08 with ACME (relevant LAB1), CE10 with NEWCO (LAB2)
    assert acme.relevant == {"LAB1"} and newco.relevant == {"LAB2"}

    def results(passerelle: list[list[str]], topic: list[list[str]]) -> list[QueryResult]:
        other = {m: ["LAB3"] for m in ("popularity", "popularity_region", "bm25_topic")}
        return [
            QueryResult(
                q,
                {
                    **{m: outcome(r, q.relevant) for m, r in other.items()},
                    "popularity_topic": outcome(t, q.relevant),
                    "passerelle": outcome(p, q.relevant),
                },
            )
            for q, p, t in zip(data.queries, passerelle, topic, strict=True)
        ]

    # Passerelle finds LAB1 for ACME, the committee's popularity LAB2 for NEWCO
    detailed = eval_anr.Detailed(
        data, methods, results([["LAB1", "LAB3"], ["LAB3"]], [["LAB3"], ["LAB2", "LAB1"]])
    )
    assert detailed.best_baseline() == "popularity_topic"
    cases = eval_review.wins_and_losses([eval_review.YearRun(2020, detailed)])
    assert [(c.outcome, c.query_id, c.lab) for c in cases] == [
        ("win", acme.id, "LAB1"),
        ("loss", newco.id, "LAB2"),
    ]
    win, loss = cases
    # the win: the matcher pairs LAB1 with ACME's need on what they share, and LAB1 already
    # worked with ACME (the history signal)
    assert win.passerelle_rank == 1 and win.baseline_rank is None
    assert win.concepts or win.words
    assert any(s.startswith("history ") for s in win.signals)
    assert win.lab_name == "LAB1"  # its latest name
    assert win.sme and not win.cold_start
    assert "popularity_topic misses it" in win.why
    assert win.relationship and not win.fallback
    # the loss: the baseline's evidence is LAB2's project in committee CE10
    assert loss.baseline_rank == 1 and loss.cold_start
    assert loss.baseline_evidence == "1 project in committee CE10"
    assert loss.top_lab == "LAB3"
    assert "Passerelle ranks it" in loss.why and "1 project in committee CE10" in loss.why
    assert not loss.fallback
    assert eval_review.wins_and_losses([eval_review.YearRun(2020, detailed)], most=0) == []


def test_baseline_evidence_names_what_each_baseline_counts(
    extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    data = split(ROWS, 2019, [2020], COMMITTEES)
    methods = eval_anr.Methods(data, extractor, vocabulary)
    acme = data.queries[0]
    assert eval_review.baseline_evidence(methods, "popularity_topic", acme, "LAB1") == (
        "2 projects in committee CE08"
    )
    assert eval_review.baseline_evidence(methods, "popularity_region", acme, "LAB1") == (
        "2 projects in Grand Est"
    )
    assert eval_review.baseline_evidence(methods, "popularity", acme, "LAB1") == (
        "2 projects with a company"
    )
    # LAB2 has no CE08 project: the committee's popularity reached it through its fallback
    assert eval_review.baseline_evidence(methods, "popularity_topic", acme, "LAB2") == (
        "fallback: 1 project with a company"
    )
    assert eval_review.lab_names(ROWS)["LAB1"] == "LAB1"


def test_lift_compares_passerelle_with_the_best_baseline_of_the_segment() -> None:
    table = [
        eval_review.MetricRow(2020, m, seg, r, 0.0, 0.0, 0.0, 5)
        for m, seg, r in (
            ("popularity", "all", 0.1),
            ("popularity_topic", "all", 0.2),
            ("passerelle", "all", 0.3),
            ("popularity", "cold_start", 0.25),
            ("popularity_topic", "cold_start", 0.0),
            ("passerelle", "cold_start", 0.2),
        )
    ]
    assert eval_review.lift(table, 2020).baseline == "popularity_topic"
    assert eval_review.lift(table, 2020).ratio == pytest.approx(1.5)
    cold = eval_review.lift(table, 2020, "cold_start")
    assert cold.baseline == "popularity" and cold.ratio == pytest.approx(0.8)


def test_read_inputs_needs_both_registers(shared: Path, tmp_path: Path) -> None:
    assert eval_review.read_inputs(None) is None
    assert eval_review.read_inputs(tmp_path) is None
    inputs = eval_review.read_inputs(shared)
    assert inputs is not None and inputs.committees and inputs.domains
    assert eval_review.evaluated_years(inputs.rows) == [2016, 2017, 2018, 2019, 2020]
    assert eval_review.evaluated_years(inputs.rows, sample=1500) == [2018, 2019, 2020]
