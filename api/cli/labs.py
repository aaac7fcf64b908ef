"""``passerelle labs``: list, search and show the labs."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from api.cli.common import JsonOpt, StoreOpt, friendly, open_store, settings

labs_app = typer.Typer(help="Laboratoires / labs", no_args_is_help=False)


@labs_app.callback(invoke_without_command=True)
@friendly
def labs(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="mots du sigle, du nom ou de la ville / words of the acronym, name or city",
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="au plus / at most")] = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Liste ou cherche les laboratoires / list or search the labs (``labs show ID`` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store(store) as s:
        total, items = s.search_labs(search, limit or sys.maxsize)
    if as_json:
        typer.echo(
            json.dumps(
                [lab.model_dump(include={"id", "name", "acronym", "city"}) for lab in items],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for lab in items:
        typer.echo(f"{lab.id}  {lab.acronym or '':<14} {lab.name} ({lab.city})")
    shown = f"{len(items)} / {total}" if len(items) < total else str(total)
    typer.echo(f"{shown} laboratoires / labs")


@labs_app.command("show")
@friendly
def labs_show(lab_id: str, as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Un laboratoire, ses compétences et ses entreprises partenaires / one lab in detail."""
    from api.factory import build_service
    from api.schemas.views import industry_record

    with open_store(store) as s:
        service = build_service(s, settings=settings(store))
        view = service.lab_view(lab_id)
        lab, profile = view.lab, view.profile
        record = industry_record(view.records, lab_id)
    if as_json:
        out = lab.model_dump() | {
            "capabilities": [m.concept_id for m in profile.mentions],
            "industry": record.model_dump(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{lab.id}  {lab.acronym or ''}  {lab.name}")
    typer.echo(f"  {lab.postcode or ''} {lab.city or ''}  {' ; '.join(lab.institutions)}")
    caps = sorted(profile.mentions, key=lambda m: (-m.weight, m.concept_id))[:12]
    labels = ", ".join(view.labels.get(m.concept_id, (m.concept_id,))[0] for m in caps)
    typer.echo(f"  Compétences / capabilities: {labels or '-'}")
    typer.echo(
        f"  Industrie / industry: {record.companies} entreprises / companies "
        f"(dont / of which {record.smes} PME-TPE / SMEs), "
        f"{record.projects_with_industry} projets / projects"
    )
    if record.by_year:
        top = max(record.by_year.values())
        for year, n in record.by_year.items():
            typer.echo(f"    {year}  {'█' * max(1, round(20 * n / top)):<20} {n}")
    for topic, n in list(record.by_topic.items())[:5]:
        typer.echo(f"    {n:>3} × {topic}")
    for p in record.partners[:15]:
        typer.echo(
            f"    {p.projects:>3} projet(s)  {p.name} ({p.category or '?'}, {p.city or '?'})"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(labs_app, name="labs")
