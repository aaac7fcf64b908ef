"""The notebooks run from top to bottom on a store loaded with the demo corpus."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedGraphStore

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").rglob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(
    path: Path, demo_store: EmbeddedGraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_HOME", str(demo_store.home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.delenv("PASSERELLE_STORE", raising=False)
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: strip outputs before committing"
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), path.name, "exec"), namespace)  # noqa: S102
    printed = out.getvalue()
    assert "Lab" in printed and "score" in printed
