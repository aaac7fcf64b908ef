"""The registers' table: each line names a loading function of its module; no loader or
evaluation module reaches into another's private names; the CLI is built from the table and
imports nothing heavy to print its help."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from graph.model import Concept
from graph.store.embedded import EmbeddedGraphStore
from ingest.registers.loaders import batched
from ingest.registers.table import REGISTERS, Job, Param, named, of_source, territory
from tests.cli import REPO, passerelle


def test_every_line_of_the_table_names_its_loading_function() -> None:
    names = [r.name for r in REGISTERS]
    assert names == ["descriptions", "rnsr", "anr", "cordis", "esco", "naf"]
    for register in REGISTERS:
        assert callable(register.loader())
        assert register.help and register.source_help
        assert all(isinstance(p, Param) for p in register.params)
        assert register.extends == (register.name in {"esco", "naf"})
        # a register whose units' capabilities carry its source says how to name it
        if register.source is not None:
            assert register.label is not None or register.provenance_of() is not None
            assert of_source(register.source) is register
    # passerelle load: the RNSR before our descriptions of its units, then the ANR
    assert [r.name for r in territory()] == ["rnsr", "descriptions", "anr"]
    assert [r.name for r in territory({"descriptions"})] == ["rnsr", "anr"]


def test_a_register_loads_through_its_job(tmp_path: Path) -> None:
    naf = named("naf").loader()
    source = tmp_path / "naf.csv"
    source.write_text("code,libelle\n25.62A,Décolletage\n", encoding="utf-8")
    store = EmbeddedGraphStore(tmp_path)
    seen: list[tuple[str, int, int]] = []
    report = naf(Job(source, store, lambda *a: seen.append(a)))
    assert (report.read, report.created) == (1, 1)
    assert seen[-1] == ("naf", 1, 1)
    assert [c.id for c in store.concepts() if isinstance(c, Concept)] == ["naf:25.62A"]
    store.close()


def test_batched() -> None:
    assert list(batched([], 3)) == []
    assert list(batched(range(6), 3)) == [[0, 1, 2], [3, 4, 5]]


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every ``from module import name`` and ``module.name`` use."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out += [(node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            out.append((node.value.id, node.attr))
    return out


def test_cordis_does_not_import_anr_and_the_evaluation_no_private_names() -> None:
    cordis = _imports(REPO / "ingest" / "registers" / "cordis.py")
    assert not [m for m, _ in cordis if m == "ingest.registers.anr"]
    for module in ("ingest/evaluation/anr.py", "ingest/evaluation/metrics.py"):
        private = [
            (m, n)
            for m, n in _imports(REPO / module)
            if n.startswith("_") and not n.startswith("__") and m not in {"self", "cls"}
        ]
        assert private == [], module


def test_ingest_commands_come_from_the_table(tmp_path: Path) -> None:
    env = {**os.environ, "PASSERELLE_HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    done = passerelle(env, "ingest", "--help")
    assert done.returncode == 0, done.stderr
    for register in REGISTERS:
        assert register.name in done.stdout
    cordis = passerelle(env, "ingest", "cordis", "--help")
    assert "organizations" in cordis.stdout.lower()


def test_the_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['passerelle', '--help']\n"
        "from api.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "heavy = {'spacy', 'neo4j', 'numpy', 'fastapi', 'bm25s', 'rich.progress', 'ingest'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
