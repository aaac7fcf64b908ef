"""Every notebook runs from top to bottom in a real Jupyter kernel, on the real registers.

Each notebook is executed by nbclient in a fresh ``python3`` kernel (ipykernel, this
environment), in ``notebooks/``, on its own embedded store, with ``PASSERELLE_NB_SAMPLE``
keeping the ANR part short (except for the notebooks in ``FULL``): the same cells a researcher
runs after ``make notebook``, the final cells asserting the claims of the notebook's text.
Without the registers, each still runs and says so. Committed notebooks carry no outputs.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
SAMPLE = "1500"  # the ANR projects of 2020 (the file lists the latest call first)
FULL = {
    # its claims are about the whole registers, and the whole load takes ~25 s (RNSR dominates)
    "01-explore-the-graph.ipynb",
}
CELL_TIMEOUT = 600
UNSET = (  # the embedded store, the default scope, the kernel's inline figures (as in Jupyter)
    "NEO4J_URI",
    "PASSERELLE_STORE",
    "PASSERELLE_INSTITUTION",
    "PASSERELLE_REGION",
    "PASSERELLE_NB_SAMPLE",
    "MPLBACKEND",
)

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


def execute(path: Path, home: Path, registers: Path, sample: str | None) -> list[dict]:  # type: ignore[type-arg]
    """Run every cell of ``path`` in a fresh kernel, in ``notebooks/``; its code cells' outputs."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env |= {"PASSERELLE_HOME": str(home), "PASSERELLE_REGISTERS": str(registers)}
    if sample is not None:
        env["PASSERELLE_NB_SAMPLE"] = sample
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute(env=env)
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: {error}", pytrace=False)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.get("output_type") == "error"]
    return outputs


def text_of(outputs: list[dict]) -> str:  # type: ignore[type-arg]
    return "".join(out.get("text", "") for out in outputs if out.get("output_type") == "stream")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_on_the_registers(shared: Path, path: Path, tmp_path: Path) -> None:
    sample = None if path.name in FULL else SAMPLE
    outputs = execute(path, tmp_path / "home", shared, sample)
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(figures) >= 3, f"{path.name}: {len(figures)} figures drawn"
    text = text_of(outputs)
    assert "introuvables" not in text and "non vérifiés" not in text  # the claims were checked


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_without_the_registers_a_notebook_says_so(path: Path, tmp_path: Path) -> None:
    """No registers: each notebook runs to its end and tells the reader (the demo corpus, or
    nothing to evaluate)."""
    empty = tmp_path / "no-registers"
    empty.mkdir()
    text = text_of(execute(path, tmp_path / "home", empty, SAMPLE))
    assert "introuvables" in text and "not found" in text
