"""``passerelle ingest <register>``: one command per line of ``ingest.registers.table.REGISTERS``.

The commands are built from the loaders when ``passerelle ingest`` is run, not before: a loader
module (and what it imports) is imported only when its command is looked at.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click as click  # typer vendors click: its groups take these types
from typer.core import TyperGroup

from api.cli.common import JsonOpt, StoreOpt, friendly, open_store, print_report, progress_bars
from api.cli.common import settings as read

if TYPE_CHECKING:
    from ingest.registers.table import Register


def command(register: Register) -> click.Command:
    """``passerelle ingest NAME SOURCE [files...] [--store] [--json]`` for ``register``."""

    def run(**given: Any) -> None:
        from api.factory import build_extractor
        from ingest.registers.territory import load_register

        source: Path = given.pop("source")
        store: str | None = given.pop("store")
        as_json: bool = given.pop("as_json")
        settings = read(store)
        with open_store(store) as s, progress_bars(not as_json) as progress:
            # a register that adds concepts (ESCO, NAF) needs no extractor: the units' profiles
            # are linked again after it with one that knows them
            report, relinked = load_register(
                register,
                source,
                s,
                progress,
                extractor=lambda: build_extractor(s, settings),
                files=given,
            )
        if relinked is not None and not as_json:
            typer.echo(f"profils des unités / unit profiles: {relinked} mis à jour / updated")
        print_report(report, as_json)

    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    params = [
        inspect.Parameter(
            "source",
            positional,
            annotation=Annotated[Path, typer.Argument(help=register.source_help)],
        )
    ]
    for p in register.params:
        if p.argument:
            params.append(
                inspect.Parameter(
                    p.name, positional, annotation=Annotated[Path, typer.Argument(help=p.help)]
                )
            )
        else:
            params.append(
                inspect.Parameter(
                    p.name,
                    positional,
                    default=None,
                    annotation=Annotated[Path | None, typer.Option(help=p.help)],
                )
            )
    params.append(inspect.Parameter("store", positional, default=None, annotation=StoreOpt))
    params.append(inspect.Parameter("as_json", positional, default=False, annotation=JsonOpt))
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params} | {"return": None}
    run.__doc__ = register.help
    one = typer.Typer(add_completion=False)
    one.command(register.name, help=register.help)(friendly(run))
    return typer.main.get_command(one)


class Registers(TyperGroup):
    """The ``ingest`` group: its commands come from the loaders' table, built when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from ingest.registers.table import REGISTERS

        return [r.name for r in REGISTERS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from ingest.registers.table import REGISTERS

        found = next((r for r in REGISTERS if r.name == cmd_name), None)
        return None if found is None else command(found)


ingest_app = typer.Typer(
    cls=Registers,
    help="Charger un registre public / load a public register",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(ingest_app, name="ingest")
