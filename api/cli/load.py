"""``passerelle load-demo``, ``passerelle load`` and ``passerelle fetch``: fill the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import StoreOpt, friendly, open_store, print_report, progress_bars, settings


def registers_dir() -> Path:
    """Where registers are read: ``PASSERELLE_REGISTERS``, else where ``passerelle fetch``
    writes them (``$PASSERELLE_HOME/registers``)."""
    return settings().registers_dir


@friendly
def load_demo_cmd(store: StoreOpt = None) -> None:
    """Charge le vocabulaire et le corpus de démonstration / load the demo corpus."""
    from api.factory import build_service
    from ingest.registers.demo import load_demo

    with open_store(store) as s, progress_bars() as progress:
        service = build_service(s, settings=settings(store))
        counts = load_demo(s, service.extractor, progress=progress)
    typer.echo(
        f"Démo chargée / demo loaded: {counts['concepts']} concepts, {counts['labs']} labs, "
        f"{counts['companies']} companies, {counts['needs']} needs."
    )


@friendly
def load_cmd(
    registers: Annotated[
        Path | None,
        typer.Option(
            help="Dossier des registres / registers folder (défaut $PASSERELLE_REGISTERS, "
            "sinon / else $PASSERELLE_HOME/registers)",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Charge le graphe du territoire : vocabulaire, démo, registres (RNSR, ANR) et nos
    descriptions des unités / load the territory's graph (the registers when found)."""
    from api.factory import build_extractor
    from ingest.registers.territory import load_territory

    folder = registers or registers_dir()
    with open_store(store) as s:
        with progress_bars() as progress:
            loaded = load_territory(s, build_extractor(s, settings(store)), folder, progress)
        for report in loaded.reports:
            print_report(report, False)
        if loaded.missing:
            typer.echo(
                f"Registres absents de {folder} / registers not found: "
                f"{', '.join(loaded.missing)} — `passerelle fetch "
                f"{'|'.join(loaded.missing)}` les télécharge / downloads them."
            )
        demo = loaded.demo
        typer.echo(
            f"Démo / demo: {demo['concepts']} concepts, {demo['labs']} labs, "
            f"{demo['companies']} companies, {demo['needs']} needs."
        )
        labs = s.labs()
    units = [lab for lab in labs if lab.is_unit]
    typer.echo(
        f"Graphe chargé / graph loaded: {len(units)} unités de recherche / research units "
        f"(dont / of which {sum(bool(lab.description_source) for lab in units)} décrites / "
        f"described), {len(labs) - len(units)} autres organisations partenaires / other "
        "partner organisations."
    )


@friendly
def fetch_cmd(
    register: Annotated[str, typer.Argument(help="rnsr ou / or anr (ingest.registers.table)")],
    dest: Annotated[
        Path | None,
        typer.Option(help="Dossier / folder (défaut / default $PASSERELLE_REGISTERS)"),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Adresse / URL (défaut $PASSERELLE_<REGISTRE>_URL, sinon le portail)"),
    ] = None,
) -> None:
    """Télécharge un registre depuis son portail officiel / download a register from its
    official portal (resumable, checksummed); `passerelle load` then reads it."""
    import dataclasses

    from ingest.registers.fetch import fetch
    from ingest.registers.table import downloadable, named

    chosen = named(register, downloadable())
    folder = (dest or registers_dir()) / chosen.name
    for source in chosen.downloads:
        address = url or settings().register_url(chosen.name)
        if address:
            source = dataclasses.replace(source, url=address)
        with progress_bars() as progress:
            result = fetch(source, folder, progress=progress)
        how = "déjà à jour / up to date" if result.skipped else "téléchargé / downloaded"
        typer.echo(f"{result.path} ({result.bytes} octets / bytes, sha256 {result.sha256}): {how}")


def register(app: typer.Typer) -> None:
    app.command("load-demo")(load_demo_cmd)
    app.command("load")(load_cmd)
    app.command("fetch")(fetch_cmd)
