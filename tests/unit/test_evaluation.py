"""Evaluation on real collaborations: metrics by hand, the split never leaks a test project."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from graph.model import Concept
from ingest.evaluation import anr as eval_anr
from ingest.evaluation.anr import PartnerRow, split
from ingest.evaluation.metrics import evaluate, hit_at, ndcg_at, recall_at, reciprocal_rank
from ingest.language.extract import SpacyExtractor


def test_metrics_by_hand() -> None:
    ranked = ["a", "x", "b", "y"]
    relevant = {"a", "b", "c"}
    assert recall_at(ranked, relevant, 2) == pytest.approx(1 / 3)
    assert recall_at(ranked, relevant, 10) == pytest.approx(2 / 3)
    assert reciprocal_rank(["x", "y", "b"], relevant) == pytest.approx(1 / 3)
    assert hit_at(["x", "y", "b"], relevant, 2) == 0.0
    dcg = 1 + 1 / math.log2(4)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranked, relevant, 10) == pytest.approx(dcg / ideal)
    scores = evaluate({"q1": ranked, "q2": ["z"]}, {"q1": relevant, "q2": {"z"}}, k=10)
    assert scores.recall == pytest.approx((2 / 3 + 1) / 2)
    assert scores.mrr == pytest.approx(1.0)
    assert scores.n == 2 and scores.hit == 1.0
    assert evaluate({}, {"q": {"a"}}).recall == 0.0  # a query without a ranking counts as a miss


def row(project: str, year: int, kind: str, pid: str, **kw: str) -> PartnerRow:
    return PartnerRow(
        project_id=project,
        year=year,
        topic_code=kw.get("topic", "CE08"),
        kind=kind,
        partner_id=pid,
        category=kw.get("category", "PME" if kind == "company" else "Laboratoire public"),
        name=pid,
        city=kw.get("city", "Nancy"),
        region=kw.get("region", "Grand Est"),
    )


ROWS = [
    row("ANR-18-CE08-0001", 2018, "lab", "LAB1"),
    row("ANR-18-CE08-0001", 2018, "company", "ACME"),
    row("ANR-19-CE10-0002", 2019, "lab", "LAB2", topic="CE10"),
    row("ANR-19-CE10-0002", 2019, "lab", "LAB1", topic="CE10"),
    row("ANR-20-CE08-0003", 2020, "lab", "LAB1"),
    row("ANR-20-CE08-0003", 2020, "lab", "NEWLAB"),
    row("ANR-20-CE08-0003", 2020, "company", "ACME"),
    row("ANR-20-CE08-0003", 2020, "company", "NEWCO"),
    row("ANR-20-CE10-0004", 2020, "lab", "LAB2", topic="CE10"),  # no company: no query
    row("ANR-20-CE10-0005", 2020, "company", "SOLO", topic="CE10"),  # no lab: no query
]


def test_the_split_never_lets_a_test_project_into_training() -> None:
    data = split(ROWS, 2019, [2020], {"CE08": "Matériaux métalliques et inorganiques"})
    train_projects = {r.project_id for r in data.train}
    assert train_projects == {"ANR-18-CE08-0001", "ANR-19-CE10-0002"}
    assert all(q.project_id not in train_projects for q in data.queries)
    assert data.candidates == ["LAB1", "LAB2"]  # NEWLAB is only in a test project
    assert [(q.company_id, q.cold_start) for q in data.queries] == [
        ("ACME", False),
        ("NEWCO", True),
    ]
    assert data.queries[0].relevant == {"LAB1", "NEWLAB"}
    assert data.queries[0].text.startswith("Matériaux métalliques et inorganiques. ACME")


def test_every_method_ranks_only_training_candidates(
    extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    data = split(ROWS, 2019, [2020], {"CE08": "Matériaux métalliques et inorganiques"})
    methods = eval_anr.Methods(data, extractor, vocabulary)
    for name, rank in methods.all().items():
        for q in data.queries:
            ranked = rank(q)
            assert set(ranked) <= set(data.candidates), name
            assert len(ranked) == len(set(ranked)), name
    # LAB1 worked on CE08 with a company: topic popularity ranks it first for a CE08 query
    assert methods.rank_topic(data.queries[0])[0] == "LAB1"
    result = eval_anr.run(data, extractor, vocabulary)
    assert set(result["methods"]) == {  # type: ignore[arg-type]
        "popularity",
        "popularity_region",
        "popularity_topic",
        "bm25_topic",
        "passerelle",
    }


def test_the_real_split_has_the_expected_shape(shared: Path) -> None:
    path = shared / "anr" / "anr_partners_2010_2020.csv.gz"
    rows = eval_anr.read_partners(path)
    data = split(rows, 2019, [2020])
    assert len({r.project_id for r in rows}) >= 14700
    assert 150 <= len(data.queries) <= 400
    assert sum(q.cold_start for q in data.queries) > len(data.queries) / 2
    train_projects = {r.project_id for r in data.train}
    assert not train_projects & {q.project_id for q in data.queries}
    assert all(r.year <= 2019 for r in data.train)
