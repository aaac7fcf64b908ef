"""``passerelle eval``: measure pairing quality on real ANR pairings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import JsonOpt, friendly, progress_bars
from graph.errors import InputError

eval_app = typer.Typer(help="Mesurer la qualité des appariements / measure pairing quality")


@eval_app.command("anr")
@friendly
def eval_anr_cmd(
    partners: Annotated[Path, typer.Option("--partners", help="anr_partners_*.csv.gz")],
    train_until: Annotated[int, typer.Option("--train-until", help="dernière année apprise")],
    test_years: Annotated[str, typer.Option("--test-years", help="années testées : 2020,2021")],
    rnsr: Annotated[Path | None, typer.Option("--rnsr", help="registre RNSR (domaines)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Appariements ANR réels : Passerelle contre des références / Passerelle vs baselines."""
    from ingest.evaluation import anr as eval_anr
    from ingest.language.extract import SpacyExtractor
    from ingest.language.vocabulary import load_vocabulary
    from ingest.registers.anr import read_committees
    from ingest.registers.rnsr import read_domains

    try:
        years = [int(y) for y in test_years.split(",") if y.strip()]
    except ValueError:
        raise InputError(
            f"--test-years invalide : {test_years}",
            f"invalid --test-years: {test_years}",
            where="--test-years",
        ) from None
    if not years or min(years) <= train_until:
        raise InputError(
            "Les années testées doivent suivre --train-until.",
            "Test years must come after --train-until.",
            where="--test-years",
        )
    committees_path = partners.parent / "anr_committees_ces.csv"
    committees = read_committees(committees_path) if committees_path.exists() else {}
    domains = read_domains(rnsr) if rnsr is not None else {}
    rows = eval_anr.read_partners(partners)
    data = eval_anr.split(rows, train_until, years, committees)
    vocabulary = load_vocabulary()
    with progress_bars(not as_json) as progress:
        result = eval_anr.run(data, SpacyExtractor(vocabulary), vocabulary, domains, progress)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{result['queries']} requêtes / queries, {result['candidates']} laboratoires candidats"
    )
    segments: Any = result["segments"]
    for seg, label in (
        ("all", "toutes / all"),
        ("sme", "PME-TPE / SMEs"),
        ("cold_start", "sans historique / cold start"),
    ):
        scores = segments[seg]
        n = next(iter(scores.values()))["n"]
        typer.echo(f"\n{label} (n={n})")
        typer.echo(
            f"  {'méthode / method':<20}{'recall@10':>10}{'mrr':>8}{'ndcg@10':>9}{'hit@10':>8}"
        )
        for method, m in scores.items():
            bar = "█" * round(40 * m["recall@10"])
            typer.echo(
                f"  {method:<20}{m['recall@10']:>10.3f}{m['mrr']:>8.3f}{m['ndcg@10']:>9.3f}"
                f"{m['hit@10']:>8.3f}  {bar}"
            )
    typer.echo(
        f"\nPasserelle recall@10 / meilleure référence ({result['best_baseline']}) : "
        f"{result['lift']:.2f}x"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
