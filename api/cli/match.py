"""``passerelle match``: labs for a need, explained."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import StoreOpt, friendly, open_store, settings

if TYPE_CHECKING:
    from api.schemas.views import ExplanationPublic


def breakdown(e: ExplanationPublic, width: int = 30, rows: int = 5) -> list[str]:
    """The score's parts as horizontal bars: a picture of the explanation in the terminal."""
    parts = [(c.label, c.contribution) for c in e.concepts[:rows]]
    rest = sum(c.contribution for c in e.concepts[rows:])
    if rest > 0:
        parts.append(("autres concepts / other concepts", rest))
    if e.lexical_score > 0:
        parts.append(("mots communs / shared words", e.lexical_score))
    if e.industry_score > 0:
        parts.append(("industrie / industry", e.industry_score))
    parts.extend((c.label, c.contribution) for c in e.context)
    return [
        f"    {label[:34]:<34} {'█' * max(1, round(value * width)):<{width}} +{value:.3f}"
        for label, value in parts
    ]


@friendly
def match(
    text: Annotated[str, typer.Argument(help="Le besoin, en texte libre / the need")],
    limit: Annotated[int, typer.Option(help="Nombre de laboratoires / number of labs")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (comme /api/match)")] = False,
    institution: Annotated[
        str | None,
        typer.Option(help="Établissement (nom ou sigle RNSR) / institution", show_default=False),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Région / region (« Grand Est »)", show_default=False)
    ] = None,
    everywhere: Annotated[
        bool, typer.Option("--all", help="Toute la France / all of France")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Propose des laboratoires pour un besoin / suggest labs for a need (by default in the
    deployment's territory: $PASSERELLE_INSTITUTION, « Université de Lorraine »)."""
    from api.factory import build_service
    from api.schemas.views import MatchResponse, concepts_public, pairings_public, scope_public
    from graph.rules.scope import Scope

    scope = None
    if everywhere:
        scope = Scope()
    elif institution or region:
        scope = Scope(institution=institution, region=region)
    with open_store(store) as s:
        service = build_service(s, settings=settings(store))
        result = service.match_text(text, limit, scope)
        body = MatchResponse(
            language=result.extraction.language,
            concepts=concepts_public(result.extraction, result.labels),
            keywords=list(result.extraction.keywords),
            pairings=pairings_public(result.ranking, text),
            scope=scope_public(result.scope) if result.scope else None,
        )
    if as_json:
        typer.echo(json.dumps(body.model_dump(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"Langue / language: {body.language}")
    if body.scope:
        typer.echo(f"Périmètre / scope: {body.scope.label} ({body.scope.units} unités / units)")
    typer.echo("Concepts : " + (", ".join(c.label for c in body.concepts) or "aucun / none"))
    if not body.pairings:
        typer.echo("Aucun laboratoire trouvé : `passerelle load-demo` a-t-il été lancé ?")
    for p in body.pairings:
        typer.echo(
            f"{p.rank:>2}. {p.lab.acronym or p.lab.name:<14} {p.score:.3f}  "
            f"{p.lab.name} ({p.lab.city}) [{p.lab.id}]"
        )
        typer.echo(f"    {p.explanation.summary}")
        for line in breakdown(p.explanation):
            typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command()(match)
