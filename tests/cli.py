"""The ``passerelle`` command line as a user runs it.

``passerelle(env, *args)`` runs it in this process, through its entry (``api.cli.app``) with
typer's test runner: the same arguments, the settings read from ``env`` (variables set or left
out for the time of the command), the same exit code, standard output and standard error apart.
A command then costs what it does, not Python's start and spaCy's load (about four seconds a
command as a subprocess). ``passerelle_process(env, *args)`` runs it as a real subprocess, for
the tests about the process itself (the quick start, serving, a load killed midway); the
installed command is tested apart (``tests/integration/test_wheel.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "api.cli"]


@dataclass(frozen=True)
class Done:
    """What a command did (the fields of ``subprocess.CompletedProcess`` the tests read)."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def passerelle(
    env: Mapping[str, str], *args: str, timeout: float = 300, stdin: str | None = None
) -> Done:
    """``passerelle *args`` in this process, with the environment ``env`` (and ``stdin`` as its
    standard input, if given); its exit code is the caller's to check. An exception the command
    lets escape is written to its standard error with its traceback, as Python would."""
    from typer.testing import CliRunner

    from api.cli import app

    changes: dict[str, str | None] = {k: v for k, v in env.items() if os.environ.get(k) != v}
    changes |= {k: None for k in os.environ if k not in env}
    result = CliRunner().invoke(app, list(args), input=stdin, env=changes, catch_exceptions=True)
    stderr = result.stderr
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        stderr += "".join(traceback.format_exception(error))
    return Done(tuple(args), result.exit_code, result.stdout, stderr)


def passerelle_process(
    env: Mapping[str, str], *args: str, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``passerelle *args`` as a real subprocess from the repository."""
    return subprocess.run(
        [*CLI, *args],
        cwd=REPO,
        env=dict(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def embedded_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh machine: no Neo4j configured, so the embedded store."""
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "PASSERELLE_STORE")}
    return {**env, **extra}


def passerelle_output(env: Mapping[str, str], *args: str) -> str:
    """The standard output of ``passerelle *args``, which must succeed."""
    done = passerelle(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout
