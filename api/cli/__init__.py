"""The ``passerelle`` command line, one module per group of commands: ``load`` (load-demo,
load, fetch), ``serve``, ``match``, ``labs``, ``ingest`` (one command per register loader),
``evaluate`` (eval), ``stats`` (stats, settings), ``users`` (users, tokens).

The settings are read once, here at the entry (``--env-file``), and handed down; each command
opens the store with ``with open_store(store) as s:`` and imports what it needs when it runs
(``passerelle --help`` imports neither spaCy, numpy nor a database driver).
"""

from __future__ import annotations

import typer

from api.cli import evaluate, ingest, labs, load, match, serve, stats, users
from api.cli.common import EnvFileOpt, read_settings

app = typer.Typer(
    help="Passerelle : rapprocher laboratoires et PME / pair labs and SMEs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(env_file: EnvFileOpt = None) -> None:
    """Passerelle : rapprocher laboratoires et PME / pair labs and SMEs."""
    read_settings(env_file)


for group in (load, serve, match, labs, ingest, evaluate, stats, users):
    group.register(app)

__all__ = ["app"]
