"""Pairing quality on the real graph of the territory, not on the 20 demo labs.

The real registers (RNSR: 4,506 units; ANR: 14,709 projects) are loaded as ``make run`` loads
them, once without any description (registers only) and once with our descriptions of the
Université de Lorraine's units (``ingest.evaluation.quality``). Goals: an acceptable university unit in
the top 3 for at least 90% of the held-out needs on the Lorraine graph; in the top 10 for at
least 70% with the registers alone; and, in all of France, no suggestion of any top 5 that is
not a research unit or shares no concept with the need.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from graph.usecases.pairing import PairingService
from ingest.evaluation.quality import (
    acceptable_units,
    load_graphs,
    read_needs,
    stray_suggestions,
    top_rate,
    units_by_acronym,
)
from ingest.language.extract import SpacyExtractor
from ingest.resources import DESCRIPTIONS, yaml_files
from tests.registers import Registers

pytestmark = [pytest.mark.integration, pytest.mark.slow]

NEEDS = read_needs(Path(__file__).parent / "needs_fr.yaml")


@pytest.fixture(scope="module")
def graphs(
    tmp_path_factory: pytest.TempPathFactory, extractor: SpacyExtractor, registers: Registers
) -> Iterator[dict[str, PairingService]]:
    """The run's one load of the registers, copied, and with our descriptions and the demo."""
    services = load_graphs(
        tmp_path_factory.mktemp("real"), extractor, registers.folder, loaded=registers.home
    )
    yield services
    for s in services.values():
        s.store.close()


def test_the_lorraine_graph_is_the_real_one(graphs: dict[str, PairingService]) -> None:
    described = sum(
        len(yaml.safe_load(p.read_text(encoding="utf-8"))["descriptions"])
        for p in yaml_files(DESCRIPTIONS)
    )
    counts = graphs["lorraine"].lab_counts()
    assert counts["units"] >= 4506 and counts["organisations"] > 1000
    assert counts["described"] == described
    assert graphs["registers"].lab_counts()["described"] == 0
    assert graphs["lorraine"].scope_used().units >= 80
    units = units_by_acronym(graphs["lorraine"])
    for n in NEEDS:  # every need names at least one unit of the graph
        assert acceptable_units(n, units), n["id"]


def test_an_acceptable_university_unit_in_the_top_3(graphs: dict[str, PairingService]) -> None:
    r = top_rate(graphs["lorraine"], NEEDS, 3)
    print(f"\nLorraine graph (RNSR + ANR + our descriptions), scope UL: top 3 {r.rate:.0%}")
    print("\n".join(f"  miss {m}" for m in r.misses))
    assert r.rate >= 0.9, "\n".join(r.misses)


def test_registers_alone_give_an_acceptable_unit_in_the_top_10(
    graphs: dict[str, PairingService],
) -> None:
    r = top_rate(graphs["registers"], NEEDS, 10)
    print(f"\nregisters only (RNSR + ANR, no description), scope UL: top 10 {r.rate:.0%}")
    print("\n".join(f"  miss {m}" for m in r.misses))
    assert r.rate >= 0.7, "\n".join(r.misses)


def test_all_of_france_suggests_only_units_sharing_a_concept(
    graphs: dict[str, PairingService],
) -> None:
    stray = stray_suggestions(graphs["lorraine"], NEEDS, 5)
    print(f"\nall of France, top 5: {len(stray)} suggestion(s) not a unit or sharing no concept")
    assert not stray, "\n".join(stray)
