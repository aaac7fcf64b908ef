"""Where the real public data lies (../shared/data): never copied into the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CANDIDATES = [Path(p) for p in (os.environ.get("PASSERELLE_SHARED_DATA"),) if p] + [
    REPO.parent / "shared" / "data",
    Path("/work/shared/data"),
]


def shared_data() -> Path:
    """The shared data folder; under CI a missing folder fails the test, elsewhere it skips."""
    for path in CANDIDATES:
        if (path / "README.md").exists():
            return path
    message = f"the shared public data is not there (looked in {', '.join(map(str, CANDIDATES))})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
