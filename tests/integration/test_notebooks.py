"""Every notebook runs from top to bottom in a real Jupyter kernel, on the real registers.

Each notebook is executed by nbclient in a fresh ``python3`` kernel (ipykernel, this
environment), in ``notebooks/``, on its own embedded store, with ``PASSERELLE_NB_SAMPLE``
keeping the ANR part short (except for the notebooks in ``FULL``): the same cells a researcher runs after ``make notebook``, the
final cells asserting the claims of the notebook's text. Committed notebooks carry no outputs.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.shared_data import shared_data

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
SAMPLE = "1500"  # the ANR projects of 2020 (the file lists the latest call first)
FULL = {
    # its claims are about the whole registers, and the whole load takes ~25 s (RNSR dominates)
    "01-explore-the-graph.ipynb",
}
CELL_TIMEOUT = 600

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_three_notebooks_are_there() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {
        "01-explore-the-graph.ipynb",
        "02-why-this-pairing.ipynb",
        "03-quality.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for n, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}, cell {n}: outputs committed (make format)"
            assert cell.execution_count is None, f"{path.name}, cell {n}: execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSERELLE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PASSERELLE_REGISTERS", str(shared_data()))
    if path.name in FULL:
        monkeypatch.delenv("PASSERELLE_NB_SAMPLE", raising=False)
    else:
        monkeypatch.setenv("PASSERELLE_NB_SAMPLE", SAMPLE)
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline figures, as in Jupyter
    for name in ("NEO4J_URI", "PASSERELLE_STORE", "PASSERELLE_INSTITUTION", "PASSERELLE_REGION"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=dict(os.environ))
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: {error}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert not errors
