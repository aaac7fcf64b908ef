"""api.workspace: the notebooks' one call that loads the territory's graph."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from api.workspace import TextProgress, find_registers, open_workspace
from graph.settings import Settings
from tests.shared_data import shared_data

pytestmark = pytest.mark.slow


def settings(tmp_path: Path, **values: str) -> Settings:
    return Settings(PASSERELLE_HOME=str(tmp_path / "home"), **values)


def test_registers_are_found_in_a_shared_data_folder_above(tmp_path: Path) -> None:
    data = tmp_path / "shared" / "data"
    (data / "rnsr").mkdir(parents=True)
    (data / "anr").mkdir()
    (data / "rnsr" / "rnsr_structures_actives.csv").write_text("x", encoding="utf-8")
    start = tmp_path / "main" / "notebooks"
    start.mkdir(parents=True)
    assert find_registers(settings(tmp_path), start) is None  # the ANR file is missing
    (data / "anr" / "anr_partners_2010_2020.csv.gz").write_bytes(b"x")
    assert find_registers(settings(tmp_path), start) == data
    chosen = tmp_path / "elsewhere"
    assert find_registers(settings(tmp_path, PASSERELLE_REGISTERS=str(chosen)), start) == chosen


def test_without_registers_the_demo_is_loaded_and_the_reader_told(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    out = io.StringIO()
    with open_workspace(
        settings(tmp_path, PASSERELLE_REGISTERS=str(empty)), progress=TextProgress(out)
    ) as ws:
        assert not ws.real and ws.registers is None and ws.sample is None
        text = ws.describe()
        assert "introuvables" in text and "not found" in text and str(empty) in text
        assert "demo corpus only" in text
        assert ws.store.needs() and not ws.store.projects()
        assert ws.service.lab_counts()["units"] > 0


def test_the_registers_sampled_are_loaded_once(tmp_path: Path) -> None:
    s = settings(tmp_path, PASSERELLE_REGISTERS=str(shared_data()), PASSERELLE_NB_SAMPLE="40")
    out = io.StringIO()
    with open_workspace(s, progress=TextProgress(out)) as ws:
        assert ws.real and ws.sample == 40
        assert len(ws.store.projects()) == 40
        units = sum(lab.is_unit for lab in ws.store.labs())
        assert units > 4000  # the RNSR is loaded whole
        before = (len(ws.store.labs()), len(ws.store.companies()), len(ws.store.participations()))
        assert "40 projets ANR" in ws.describe()
    assert "rnsr :" in out.getvalue()
    with open_workspace(s, progress=TextProgress(io.StringIO())) as again:
        after = (
            len(again.store.labs()),
            len(again.store.companies()),
            len(again.store.participations()),
        )
    assert after == before
