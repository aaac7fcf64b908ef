"""The order in which registers are loaded does not change the graph: a vocabulary extension
(NAF) loaded after the units re-links them, as if it had come first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import passerelle_output

pytestmark = pytest.mark.integration

RNSR = (
    "numero_national_de_structure;libelle;sigle;code_postal;commune;tutelles;sigles_des_tutelles;"
    "domaine_scientifique;panel_erc\n"
    "201019116P;Laboratoire test;LT;57070;METZ;Université de Lorraine;LORRAINE;"
    "Mécanique industrielle et traitement et revêtement des métaux;\n"
)
NAF = "code,libelle\n25.62B,Mécanique industrielle\n25.61Z,Traitement et revêtement des métaux\n"


def _capabilities(home: Path, first: str, files: dict[str, Path]) -> list[str]:
    env = {**os.environ, "PASSERELLE_HOME": str(home)}
    order = ["rnsr", "naf"] if first == "rnsr" else ["naf", "rnsr"]
    for register in order:
        passerelle_output(env, "ingest", register, str(files[register]))
    shown = json.loads(passerelle_output(env, "labs", "show", "201019116P", "--json"))
    return sorted(shown["capabilities"])


def test_naf_after_the_units_links_them_as_naf_before(tmp_path: Path) -> None:
    files = {"rnsr": tmp_path / "rnsr.csv", "naf": tmp_path / "naf.csv"}
    files["rnsr"].write_text(RNSR, encoding="utf-8")
    files["naf"].write_text(NAF, encoding="utf-8")
    after = _capabilities(tmp_path / "after", "rnsr", files)
    before = _capabilities(tmp_path / "before", "naf", files)
    assert {"naf:25.62B", "naf:25.61Z"} <= set(after)
    assert after == before
