"""The command tree of ``passerelle``: every command the README and the Makefile use exists."""

from __future__ import annotations

import typer.main

from api.cli import app

EXPECTED = {
    "": {
        "load-demo",
        "load",
        "fetch",
        "serve",
        "match",
        "stats",
        "settings",
        "labs",
        "ingest",
        "eval",
        "users",
        "tokens",
    },
    "labs": {"show"},
    "ingest": {"rnsr", "descriptions", "anr", "cordis", "esco", "naf"},
    "eval": {"anr"},
    "users": {"add", "list", "disable", "demo"},
    "tokens": {"create", "list", "revoke"},
}


def test_every_command_is_registered() -> None:
    root = typer.main.get_command(app)
    ctx = root.make_context("passerelle", [], resilient_parsing=True)
    for group, names in EXPECTED.items():
        command = root if not group else root.get_command(ctx, group)  # type: ignore[attr-defined]
        assert command is not None, group
        assert set(command.list_commands(ctx)) == names, group
