"""The ``passerelle`` command line run as a user runs it: a real subprocess from the repository."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "api.cli"]


def passerelle(
    env: Mapping[str, str], *args: str, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``passerelle *args`` with ``env`` (and ``stdin`` as its standard input, if given); its
    exit code is the caller's to check."""
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


def passerelle_output(env: Mapping[str, str], *args: str) -> str:
    """The standard output of ``passerelle *args``, which must succeed."""
    done = passerelle(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout
