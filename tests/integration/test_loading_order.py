"""The order in which registers are loaded does not change the graph: a vocabulary extension
(NAF) loaded after the units re-links them, as if it had come first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

pytestmark = pytest.mark.integration

RNSR = (
    "numero_national_de_structure;libelle;sigle;code_postal;commune;tutelles;sigles_des_tutelles;"
    "domaine_scientifique;panel_erc\n"
    "201019116P;Laboratoire test;LT;57070;METZ;Université de Lorraine;LORRAINE;"
    "Mécanique industrielle et traitement et revêtement des métaux;\n"
)
NAF = "code,libelle\n25.62B,Mécanique industrielle\n25.61Z,Traitement et revêtement des métaux\n"


def _run(home: Path, *args: str) -> str:
    # in this process (the commands as the CLI runs them, without starting Python six times)
    done = CliRunner().invoke(app, list(args), env={"PASSERELLE_HOME": str(home)})
    assert done.exit_code == 0, done.output
    return done.stdout


def _capabilities(home: Path, first: str, files: dict[str, Path]) -> list[str]:
    order = ["rnsr", "naf"] if first == "rnsr" else ["naf", "rnsr"]
    for register in order:
        _run(home, "ingest", register, str(files[register]), "--json")
    shown = json.loads(_run(home, "labs", "show", "201019116P", "--json"))
    return sorted(shown["capabilities"])


def test_naf_after_the_units_links_them_as_naf_before(tmp_path: Path) -> None:
    files = {"rnsr": tmp_path / "rnsr.csv", "naf": tmp_path / "naf.csv"}
    files["rnsr"].write_text(RNSR, encoding="utf-8")
    files["naf"].write_text(NAF, encoding="utf-8")
    after = _capabilities(tmp_path / "after", "rnsr", files)
    before = _capabilities(tmp_path / "before", "naf", files)
    assert {"naf:25.62B", "naf:25.61Z"} <= set(after)
    assert after == before
