"""The import direction between the layers is enforced by ruff (each package's ruff.toml): an
import that breaks a rule is reported, an import the rule allows is not.

Checked on a scratch copy of the project's configuration files, with one module per case
written where it would stand, so that the repository is never written to."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import REPO

RUFF = Path(sys.executable).with_name("ruff")
CONFIGS = ["pyproject.toml", *[str(p.relative_to(REPO)) for p in REPO.glob("*/**/ruff.toml")]]

# (where the module stands, what it imports, whether the rules allow it)
CASES = [
    ("graph/model_x.py", "from graph.rules.scope import Scope", False),
    ("graph/model_x.py", "from graph.text import fold", True),
    ("graph/rules/x.py", "from graph.ranking.matching import MatchIndex", False),
    ("graph/rules/x.py", "from graph.store.ports import Store", False),
    ("graph/rules/x.py", "from graph.model import Lab", True),
    ("graph/ranking/x.py", "from graph.store.ports import GraphStore", False),
    ("graph/ranking/x.py", "from graph.usecases.pairing import PairingService", False),
    ("graph/ranking/x.py", "from graph.rules.workflow import SUCCESS", True),
    ("graph/store/x.py", "from graph.ranking.matching import MatchIndex", False),
    ("graph/store/x.py", "import neo4j", False),
    ("graph/store/neo4j/x.py", "import neo4j", True),
    ("graph/store/embedded/x.py", "from graph.usecases.desk import Desk", False),
    ("graph/store/embedded/x.py", "from graph.rules.search import search_key", True),
    ("graph/usecases/x.py", "from graph.store.embedded import EmbeddedGraphStore", False),
    ("graph/usecases/x.py", "from graph.store.neo4j import Neo4jGraphStore", False),
    ("graph/usecases/x.py", "import spacy", False),
    ("graph/usecases/x.py", "from graph.store.ports import Store", True),
    ("graph/usecases/x.py", "from graph.ranking.pipeline import Ranker", True),
    ("graph/usecases/x.py", "from ingest.registers.table import REGISTERS", False),
    ("graph/usecases/x.py", "from api.factory import new_store", False),
    ("ingest/registers/x.py", "from api.factory import new_store", False),
    ("ingest/registers/x.py", "import fastapi", False),
    ("ingest/language/x.py", "import spacy", True),
    ("ingest/evaluation/x.py", "from graph.usecases.pairing import PairingService", True),
    ("api/x.py", "from graph.store.neo4j import Neo4jGraphStore", True),
]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bool]:
    """Each case: whether ruff accepts it (TID251 only)."""
    root = tmp_path_factory.mktemp("layers")
    for config in CONFIGS:
        (root / config).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / config, root / config)
    files: dict[str, tuple[str, str]] = {}
    for n, (where, line, _) in enumerate(CASES):
        path = Path(where)
        name = str(path.with_name(f"{path.stem}_{n}.py"))
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(line + "\n", encoding="utf-8")
        files[name] = (where, line)
    done = subprocess.run(
        [str(RUFF), "check", "--select", "TID251", "--output-format", "json", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    reported = {str(Path(e["filename"]).relative_to(root)) for e in json.loads(done.stdout)}
    return {case: name not in reported for name, case in files.items()}


@pytest.mark.parametrize(("where", "line", "allowed"), CASES)
def test_each_layer_rule_holds(
    verdicts: dict[tuple[str, str], bool], where: str, line: str, allowed: bool
) -> None:
    assert verdicts[(where, line)] is allowed, f"{where}: {line}"


def test_every_package_of_graph_states_its_rule() -> None:
    packages = [p for p in (REPO / "graph").iterdir() if (p / "__init__.py").exists()]
    assert {p.name for p in packages} == {"rules", "ranking", "store", "usecases"}
    for package in packages:
        assert (package / "ruff.toml").exists(), package
