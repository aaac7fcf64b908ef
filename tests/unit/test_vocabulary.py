"""The curated vocabulary: size, coverage, structure, and clear errors on a broken file."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import Path

import networkx as nx
import pytest

from graph.errors import InputError
from graph.model import Concept
from graph.ranking.projection import concept_hierarchy
from ingest.language.vocabulary import VOCABULARY_DIR, load_vocabulary

REPO = Path(__file__).resolve().parents[2]


def test_size_and_labels(vocabulary: list[Concept]) -> None:
    assert len(vocabulary) >= 400
    assert len({c.id for c in vocabulary}) == len(vocabulary)
    for c in vocabulary:
        assert c.label_fr.strip() and c.label_en.strip(), c.id
    with_synonyms = [c for c in vocabulary if c.alt_fr or c.alt_en]
    assert len(with_synonyms) / len(vocabulary) > 0.8


def test_hierarchy_is_acyclic_and_reaches_the_domains(vocabulary: list[Concept]) -> None:
    g = concept_hierarchy(vocabulary)
    assert nx.is_directed_acyclic_graph(g)
    roots = {n for n in g if g.out_degree(n) == 0}
    domains = {c.id for c in vocabulary if c.kind == "field" and not c.broader}
    assert len(domains) >= 20
    assert roots <= domains | {c.id for c in vocabulary if not c.broader}
    # every domain of the brief has narrower concepts
    for d in domains:
        assert len(nx.ancestors(g, d)) >= 3, f"domain {d} has too few narrower concepts"


@pytest.mark.parametrize(
    ("label", "concept_id"),
    [
        ("rouille", "corrosion"),
        ("impression 3D", "additive_manufacturing"),
        ("jumeau numérique", "digital_twin"),
        ("digital twin", "digital_twin"),
    ],
)
def test_lay_wording_is_in_the_vocabulary(
    vocabulary: list[Concept], label: str, concept_id: str
) -> None:
    concept = next(c for c in vocabulary if c.id == concept_id)
    assert label in (concept.label_fr, concept.label_en, *concept.alt_fr, *concept.alt_en)


def test_some_concepts_carry_external_identifiers(vocabulary: list[Concept]) -> None:
    assert sum(1 for c in vocabulary if c.naf) >= 10


def test_check_script_passes() -> None:
    out = subprocess.run(
        [sys.executable, "scripts/check_vocabulary.py"], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout


def write(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("concepts:\n  - {id: a, kind: field, fr: a\n", "YAML"),
        ("concepts:\n  - {id: a, kind: field, en: a}\n", "entrée 1"),
        ("concepts:\n  - {id: a, kind: nonsense, fr: a, en: a}\n", "kind"),
        (
            "concepts:\n  - {id: a, kind: field, fr: a, en: a}\n  - {id: a, kind: field, fr: b, en: b}\n",
            "déjà défini",
        ),
        ("concepts:\n  - {id: a, kind: field, fr: a, en: a, broader: [zz]}\n", "zz"),
    ],
)
def test_broken_vocabulary_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_vocabulary(write(tmp_path / "v", content))
    assert message in str(err.value)
    assert "a.yaml" in str(err.value)


def test_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Aucun fichier"):
        load_vocabulary(tmp_path)


def test_default_folder_is_the_shipped_package_data() -> None:
    import ingest

    assert VOCABULARY_DIR == files("ingest.resources") / "vocabulary"
    with as_file(VOCABULARY_DIR) as folder:
        assert folder == Path(ingest.__file__).parent / "resources" / "vocabulary"
        assert len(list(folder.glob("*.yaml"))) == 3


def test_check_script_reads_a_given_folder(tmp_path: Path) -> None:
    write(tmp_path, "concepts:\n  - {id: a, fr: a, en: a, kind: nope}\n")
    out = subprocess.run(
        [sys.executable, "scripts/check_vocabulary.py", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "kind 'nope'" in out.stdout and "1 concepts" in out.stdout
