"""The wheel works on its own: built from the repository, installed in a fresh virtual
environment outside it, ``passerelle load-demo`` and ``passerelle match --json`` run there on the
data the package ships.

Installing every dependency from PyPI on each run would be slow and need the network: the new
environment gets the wheel alone (``pip install --no-deps``) and sees the dependencies of the
environment running the tests through a ``.pth`` file naming its site-packages. A ``.pth`` line
only adds a folder to ``sys.path``; the ``.pth`` files inside that folder (among them the
editable install's, which points at a checkout) are not read, so the checkout stays out of
reach, and the tests check it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
NEED = (
    "Nos soudures TIG sur des tôles en acier inoxydable se fissurent après pliage : "
    "nous cherchons un laboratoire pour comprendre pourquoi et changer le procédé."
)
# the demo units a tech-transfer officer would send this need to: materials and their
# mechanics (LEM3), metallurgy and welding (IJL), forming and manufacturing (LCFC)
PLAUSIBLE = {"LEM3", "IJL", "LCFC"}
SHIPPED = {
    "ingest/resources/__init__.py",
    "ingest/resources/demo/labs.yaml",
    "ingest/resources/demo/needs.yaml",
    "ingest/resources/descriptions/universite-de-lorraine.yaml",
    "ingest/resources/mappings/anr_programmes.yaml",
    "ingest/resources/vocabulary/README.md",
}
# variables that would send the commands elsewhere: the repository on the path, another store
FOREIGN = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "NEO4J_URI")


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment holding the wheel, and how to run commands in it."""

    wheel: Path
    venv: Path
    site_packages: Path
    cwd: Path
    env: Mapping[str, str]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            list(args),
            cwd=self.cwd,
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done

    def passerelle(self, *args: str) -> str:
        return self.run(str(self.venv / "bin" / "passerelle"), *args).stdout

    def python(self, code: str) -> str:
        return self.run(str(self.venv / "bin" / "python"), "-c", code).stdout


def build_wheel(out: Path) -> Path:
    """``python -m build --wheel``: offline with the installed build backend, else in an
    isolated environment (which fetches hatchling)."""
    offline = importlib.util.find_spec("hatchling") is not None
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            *(["--no-isolation"] if offline else []),
            "--outdir",
            str(out),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out.glob("passerelle-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    assert not root.resolve().is_relative_to(REPO.resolve())
    wheel = build_wheel(root / "dist")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
        + ["--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # the dependencies: those of the environment running the tests
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site_packages / "_passerelle_test_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in ours), encoding="utf-8"
    )
    cwd = root / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    env |= {
        "PASSERELLE_HOME": str(root / "home"),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONNOUSERSITE": "1",
    }
    return Installed(wheel, venv, site_packages, cwd, env)


def test_the_wheel_ships_the_package_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert names >= SHIPPED
    vocabulary = {n for n in names if n.startswith("ingest/resources/vocabulary/")}
    assert sum(n.endswith(".yaml") for n in vocabulary) == len(
        list((REPO / "ingest" / "resources" / "vocabulary").glob("*.yaml"))
    )
    assert {n.split("/")[0] for n in names} == {
        "graph",
        "ingest",
        "api",
        "passerelle-0.1.0.dist-info",
    }
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_the_code_and_the_data_come_from_the_installed_wheel(installed: Installed) -> None:
    out = installed.python(
        "import json, sys, api, graph, ingest\n"
        "from ingest import resources\n"
        "from ingest.language.vocabulary import load_vocabulary\n"
        "from ingest.registers.demo import read_demo\n"
        "labs, companies, needs = read_demo()\n"
        "print(json.dumps({'modules': [m.__file__ for m in (api, graph, ingest)],\n"
        "  'data': [str(r) for r in (resources.VOCABULARY, resources.DEMO,\n"
        "            resources.DESCRIPTIONS, resources.ANR_PROGRAMMES)],\n"
        "  'concepts': len(load_vocabulary()), 'labs': len(labs),\n"
        "  'described': sum(bool(lab.description) for lab in labs), 'path': sys.path}))"
    )
    found = json.loads(out)
    site = installed.site_packages.resolve()
    for file in found["modules"] + found["data"]:
        assert Path(file).resolve().is_relative_to(site), file
    assert found["concepts"] >= 400 and found["labs"] == found["described"] == 20
    # the checkout is not on the path: neither itself nor its editable install's .pth
    assert not {Path(p).resolve() for p in found["path"] if p} & {REPO.resolve()}


def test_load_demo_and_match_from_the_installed_command(installed: Installed) -> None:
    loaded = installed.passerelle("load-demo", "--store", "embedded")
    assert "20 labs" in loaded, loaded
    assert (Path(installed.env["PASSERELLE_HOME"]) / "passerelle.sqlite3").is_file()
    body = json.loads(installed.passerelle("match", "--store", "embedded", "--json", NEED))
    assert body["language"] == "fr"
    assert body["pairings"], body
    first = body["pairings"][0]
    assert first["rank"] == 1
    assert first["lab"]["acronym"] in PLAUSIBLE, [p["lab"]["acronym"] for p in body["pairings"]]
    # shared concepts: the need's own, each with the lab's evidence for it
    shared = first["explanation"]["concepts"]
    assert shared, first["explanation"]
    need_concepts = {c["id"] for c in body["concepts"]}
    for concept in shared:
        assert set(concept["need_via"]) <= need_concepts, concept
        assert concept["lab_evidence"] and concept["contribution"] > 0, concept
