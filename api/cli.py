"""The ``passerelle`` command line: load the demo, serve the API, match a need, list labs."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer

from api.schemas import ExplanationPublic
from graph.errors import PasserelleError

app = typer.Typer(
    help="Passerelle : rapprocher laboratoires et PME / pair labs and SMEs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="embedded (défaut / default) ou / or neo4j (défaut si NEO4J_URI)",
        show_default=False,
    ),
]
F = TypeVar("F", bound=Callable[..., Any])


def _friendly(fn: F) -> F:
    """Turn Passerelle errors into a clear message and exit code 2, never a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PasserelleError as e:
            where = f" [{e.where}]" if e.where else ""
            typer.echo(f"Erreur{where} : {e.message_fr}\nError{where}: {e.message_en}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _progress(what: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{what:<9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


@app.command("load-demo")
@_friendly
def load_demo_cmd(store: StoreOpt = None) -> None:
    """Charge le vocabulaire et le corpus de démonstration / load the demo corpus."""
    from api.factory import build_service, open_store
    from ingest.demo import load_demo

    s = open_store(store)
    try:
        service = build_service(s)
        counts = load_demo(s, service.extractor, progress=_progress)
        typer.echo(
            f"Démo chargée / demo loaded: {counts['concepts']} concepts, {counts['labs']} labs, "
            f"{counts['companies']} companies, {counts['needs']} needs."
        )
    finally:
        s.close()


@app.command()
@_friendly
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute / listen address")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (défaut $PORT ou 8000)")] = None,
    store: StoreOpt = None,
) -> None:
    """Sert l'API sur http://127.0.0.1:8000 / serve the API."""
    import uvicorn

    from api.main import create_app

    if store:
        os.environ["PASSERELLE_STORE"] = store
    uvicorn.run(create_app(), host=host, port=port or int(os.environ.get("PORT", "8000")))


def _breakdown(e: ExplanationPublic, width: int = 30, rows: int = 5) -> list[str]:
    """The score's parts as horizontal bars: a picture of the explanation in the terminal."""
    parts = [(c.label, c.contribution) for c in e.concepts[:rows]]
    rest = sum(c.contribution for c in e.concepts[rows:])
    if rest > 0:
        parts.append(("autres concepts / other concepts", rest))
    if e.lexical_score > 0:
        parts.append(("mots communs / shared words", e.lexical_score))
    return [
        f"    {label[:34]:<34} {'█' * max(1, round(value * width)):<{width}} +{value:.3f}"
        for label, value in parts
    ]


@app.command()
@_friendly
def match(
    text: Annotated[str, typer.Argument(help="Le besoin, en texte libre / the need")],
    limit: Annotated[int, typer.Option(help="Nombre de laboratoires / number of labs")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (comme /api/match)")] = False,
    store: StoreOpt = None,
) -> None:
    """Propose des laboratoires pour un besoin / suggest labs for a need."""
    from api.factory import build_service, open_store
    from api.schemas import MatchResponse, concepts_public, pairings_public

    s = open_store(store)
    try:
        service = build_service(s)
        result = service.match_text(text, limit)
        labels = {c.id: (c.label_fr, c.label_en) for c in service.concepts().values()}
        body = MatchResponse(
            language=result.extraction.language,
            concepts=concepts_public(result.extraction, labels),
            keywords=list(result.extraction.keywords),
            pairings=pairings_public(result.ranking),
        )
    finally:
        s.close()
    if as_json:
        typer.echo(json.dumps(body.model_dump(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"Langue / language: {body.language}")
    typer.echo("Concepts : " + (", ".join(c.label for c in body.concepts) or "aucun / none"))
    if not body.pairings:
        typer.echo("Aucun laboratoire trouvé : `passerelle load-demo` a-t-il été lancé ?")
    for p in body.pairings:
        typer.echo(
            f"{p.rank:>2}. {p.lab.acronym or p.lab.name:<14} {p.score:.3f}  "
            f"{p.lab.name} ({p.lab.city}) [{p.lab.id}]"
        )
        typer.echo(f"    {p.explanation.summary}")
        for line in _breakdown(p.explanation):
            typer.echo(line)


@app.command()
@_friendly
def labs(
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
    store: StoreOpt = None,
) -> None:
    """Liste les laboratoires / list the labs."""
    from api.factory import open_store

    s = open_store(store)
    try:
        items = s.labs()
    finally:
        s.close()
    if as_json:
        typer.echo(
            json.dumps(
                [lab.model_dump(exclude={"description"}) for lab in items],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for lab in items:
        typer.echo(f"{lab.id}  {lab.acronym or '':<14} {lab.name} ({lab.city})")
    typer.echo(f"{len(items)} laboratoires / labs")


if __name__ == "__main__":
    app()
