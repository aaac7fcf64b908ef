"""``passerelle stats`` and ``passerelle settings``: what the graph holds, what was read."""

from __future__ import annotations

import json

import typer

from api.cli.common import JsonOpt, StoreOpt, friendly, open_store, settings


@friendly
def stats(as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Nombre de nœuds et de relations / node and relationship counts."""
    with open_store(store) as s:
        counts = s.counts()
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for group in ("nodes", "relationships"):
        typer.echo(group)
        for name, n in counts[group].items():
            typer.echo(f"  {name:<18} {n:>8}")


@friendly
def settings_cmd(as_json: JsonOpt = False) -> None:
    """Les réglages lus (secrets masqués) / the settings read (secrets masked)."""
    shown = settings().public()
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for name, value in shown.items():
        typer.echo(f"{name:<24} {value}")


def register(app: typer.Typer) -> None:
    app.command()(stats)
    app.command("settings")(settings_cmd)
