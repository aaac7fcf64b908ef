"""The weight fitting ranks through the pipeline: each query analysed once, then ranked with
every weighting of the grid; the same prepared queries give the ablation."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph.model import Concept
from ingest.evaluation import anr as eval_anr
from ingest.evaluation import fit
from ingest.evaluation.anr import split
from ingest.language.extract import SpacyExtractor
from tests.unit.test_evaluation import ROWS

COMMITTEES = {"CE08": "Matériaux métalliques et inorganiques", "CE10": "Usine du futur"}


@pytest.fixture(scope="module")
def prepared(extractor: SpacyExtractor, vocabulary: list[Concept]) -> fit.Prepared:
    data = split(ROWS, 2019, [2020], COMMITTEES)
    return fit.prepare(eval_anr.Methods(data, extractor, vocabulary))


def test_queries_are_prepared_once_with_their_company_and_signals(
    prepared: fit.Prepared,
) -> None:
    data = prepared.methods.data
    assert set(prepared.queries) == {q.id for q in data.queries}
    need, company, values = prepared.queries[data.queries[0].id]
    assert company.id == "ACME" and company.is_sme and company.region == "Grand Est"
    assert need.mentions  # the committee's label gives the query its concepts
    # ACME worked with LAB1 in training: its history signal is known, for LAB1 only
    history = dict(
        zip(prepared.methods.ranker.index.lab_ids, values.values["history"], strict=True)
    )
    assert history["LAB1"] == 1.0 and history["LAB2"] == 0.0


def test_scores_with_the_tables_weights_are_those_of_the_evaluation(
    prepared: fit.Prepared,
) -> None:
    data = prepared.methods.data
    table = prepared.methods.ranker.weights
    rankings = {q.id: [p.lab_id for p in prepared.methods.pairings(q)] for q in data.queries}
    expected = eval_anr.evaluate(rankings, {q.id: q.relevant for q in data.queries})
    assert fit.scores(prepared, table) == expected
    # every signal off: the text alone, as the ablation's last variant
    assert fit.scores(prepared, {}).n == len(data.queries)


def test_the_grid_tries_every_weighting_best_first(prepared: fit.Prepared) -> None:
    tried = {"history": (0.0, 1.0), "proximity": (0.0, 0.15)}
    results = fit.grid(prepared, tried)
    assert len(results) == 4
    recalls = [r for r, _ in results]
    assert recalls == sorted(recalls, reverse=True)
    for _, weights in results:
        assert set(weights) == set(prepared.methods.ranker.weights)  # the other signals keep theirs
    assert {(w["history"], w["proximity"]) for _, w in results} == {
        (0.0, 0.0),
        (0.0, 0.15),
        (1.0, 0.0),
        (1.0, 0.15),
    }
    assert set(fit.GRID) <= set(prepared.methods.ranker.weights)  # the grid names real signals


HEADER = (
    "id,Projet.Acronyme,Projet.Partenaire.Code_Decision_ANR,Projet.Partenaire.Est_coordinateur,"
    "Projet.Partenaire.Nom_organisme,Projet.Partenaire.Categorie_organisme,"
    "Projet.Partenaire.Code_RNSR,Projet.Partenaire.Adresse.Ville,Projet.Partenaire.Adresse.Region\n"
)
LAB1, LAB2 = "200918462H", "199512006C"


def partner(project: str, name: str, category: str, rnsr: str = "") -> str:
    return f"{project},X,{project}-01,False,{name},{category},{rnsr},Nancy,Grand Est\n"


def test_the_script_fits_on_one_split_and_checks_on_the_next(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scripts/fit_context_weights.py`` (``fit.main``) on an ANR file of the portal's shape:
    calls of 2017–2018 to fit on 2019, then checked on 2020."""
    rows = [
        partner("ANR-17-CE08-0001", "Lab un", "Laboratoire public", LAB1),
        partner("ANR-17-CE08-0001", "Acme", "PME"),
        partner("ANR-18-CE10-0002", "Lab deux", "Laboratoire public", LAB2),
        partner("ANR-18-CE10-0002", "Bolt", "PME"),
        partner("ANR-19-CE08-0003", "Lab un", "Laboratoire public", LAB1),
        partner("ANR-19-CE08-0003", "Acme", "PME"),
        partner("ANR-20-CE10-0004", "Lab deux", "Laboratoire public", LAB2),
        partner("ANR-20-CE10-0004", "Bolt", "PME"),
    ]
    partners = tmp_path / "anr_partners.csv.gz"
    with gzip.open(partners, "wt", encoding="utf-8") as f:
        f.write(HEADER + "".join(rows))
    (tmp_path / "anr_committees_ces.csv").write_text(
        "axe,code,libelle,category\nA,CE08,Matériaux métalliques et inorganiques,x\n"
        "B,CE10,Usine du futur,x\n",
        encoding="utf-8",
    )
    assert fit.main([str(partners), "--train-until", "2018", "--check-until", "2019"]) == 0
    out = capsys.readouterr().out
    assert "fit on <= 2018 -> 2019; check on <= 2019 -> 2020" in out
    assert out.count("recall@10 fit") == 5 and "the table's" in out
