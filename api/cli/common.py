"""What every command shares: the settings read at the entry, the store, errors, progress bars,
reports. Only typer is imported here: a command imports what it needs when it runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from graph.errors import PasserelleError

if TYPE_CHECKING:
    from api.settings import Settings
    from graph.store.ports import Store
    from ingest.progress import Progress
    from ingest.registers.readers import Report

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="embedded (défaut / default) ou / or neo4j (défaut si NEO4J_URI)",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON / JSON output")]
EnvFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        help="Fichier de réglages / settings file (défaut / default .env)",
        show_default=False,
    ),
]
F = TypeVar("F", bound=Callable[..., Any])
_read: list[Settings] = []


def fail(e: PasserelleError) -> typer.Exit:
    """Say what went wrong, French then English; the exit (code 2) to raise."""
    where = f" [{e.where}]" if e.where else ""
    typer.echo(f"Erreur{where} : {e.message_fr}\nError{where}: {e.message_en}", err=True)
    return typer.Exit(2)


def friendly(fn: F) -> F:
    """Turn Passerelle errors into a clear message and exit code 2, never a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PasserelleError as e:
            raise fail(e) from None

    return wrapper  # type: ignore[return-value]


def read_settings(env_file: Path | None) -> None:
    """Read the settings, once, at the command line's entry (``passerelle --env-file``)."""
    from api.settings import load_settings

    try:
        _read[:] = [load_settings(env_file)]
    except PasserelleError as e:
        raise fail(e) from None


def settings(store: str | None = None) -> Settings:
    """The settings read at the entry, with the ``--store`` given, if any."""
    if not _read:  # a command run without the entry's callback (a test calling it)
        read_settings(None)
    return _read[0].with_store(store)


@contextmanager
def open_store(store: str | None = None) -> Iterator[Store]:
    """``with open_store(store) as s:`` the store the settings (and ``--store``) name."""
    from api.factory import open_store as opened

    with opened(settings(store)) as s:
        yield s


@contextmanager
def progress_bars(enabled: bool = True) -> Iterator[Progress | None]:
    """A ``Progress`` callback drawing rich progress bars on stderr (one per step), or None
    with ``--json`` or when stderr is not a terminal: the loaders report, the CLI draws."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    bars = Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, TaskID] = {}

    def report(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = bars.add_task(what, total=total)
        bars.update(tasks[what], completed=done, total=total)

    with bars:
        yield report


def print_report(report: Report, as_json: bool) -> None:
    """A loader's report: its counts, its first rejects, the entities written several ways."""
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{report.source}: lues / read {report.read}, créées / created {report.created}, "
        f"mises à jour / updated {report.updated}, inchangées / unchanged {report.unchanged}, "
        f"rejetées / rejected {report.rejected}, ignorées / ignored {report.ignored}"
    )
    for e in report.errors[:20]:
        typer.echo(f"  rejet / rejected: {e}", err=True)
    if len(report.errors) > 20:
        typer.echo(f"  … {len(report.errors) - 20} autres / more", err=True)
    if report.merges:
        typer.echo(f"  fusions / merges: {len(report.merges)} entités écrites de plusieurs façons")
        for key, names in list(report.merges.items())[:10]:
            typer.echo(f"    {key}: {' | '.join(names)}")
