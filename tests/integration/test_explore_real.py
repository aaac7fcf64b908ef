"""The real registers (../shared/data), sampled, into an embedded store, then explored as the
researchers' notebooks do: in well under a minute, with plausible sizes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graph.rules.scope import Scope
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.explore import (
    collaboration_graph,
    communities,
    companies_by_region,
    degree_table,
    lab_projection,
    nodes_of,
    territory,
)
from ingest.registers.territory import load_registers

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SAMPLE = 1500
BUDGET = 60.0


def test_sampled_registers_explored_within_budget(shared: Path, tmp_path: Path) -> None:
    data = shared
    start = time.perf_counter()
    store = EmbeddedGraphStore(tmp_path)
    try:
        loaded = load_registers(store, data, sample=SAMPLE)
        reports = {r.source: r for r in loaded.reports}
        assert reports["rnsr"].read == 4506  # the RNSR is never sampled
        assert len(store.projects()) == SAMPLE
        g = collaboration_graph(store)
        labs, companies = nodes_of(g, "lab"), nodes_of(g, "company")
        assert 100 < len(labs) < 2000 and 50 < len(companies) < 2000
        assert g.number_of_edges() >= max(len(labs), len(companies))
        assert sum(1 for _, unit in g.nodes(data="unit") if unit) > 50
        every_lab = collaboration_graph(store, isolates=True)
        assert len(nodes_of(every_lab, "lab")) >= 4506
        table = degree_table(g)
        assert sum(table["lab"].values()) == len(labs) and min(table["lab"]) >= 1
        projection = lab_projection(g)
        assert projection.number_of_nodes() == len(labs) and projection.number_of_edges() > 0
        labels = {c.id: c.label_fr for c in store.concepts()}
        found = communities(g, store.lab_profiles(), labels, seed=0)
        assert len(found) > 5
        assert sum(len(c) for c in found) == g.number_of_nodes()
        largest = found[0]
        assert largest.labs and largest.companies and largest.committees
        assert largest.dominant_concepts and all(label for _, label in largest.dominant_concepts)
        by_id = {lab.id: lab for lab in store.labs()}
        scope = Scope(institution="Université de Lorraine")
        lorraine = territory(g, scope, by_id)
        assert nodes_of(lorraine, "lab"), "some Université de Lorraine unit in the sample"
        assert all(
            n[0] == "company" or (scope.admits(by_id[n[1]]) and by_id[n[1]].is_unit)
            for n in lorraine
        )
        regions = companies_by_region(g)
        assert sum(regions.values()) == len(companies) and "Île-de-France" in regions
    finally:
        store.close()
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET, f"{elapsed:.1f} s"
