"""Neo4j: batched loading against one transaction per row, and pairing latency next to SQLite.

The demo corpus scaled x100 (2,000 labs with their capability links, the needs' companies and
4,000 needs with their requirements) is written to a real Neo4j server through the store's
batched path (``UNWIND $rows``, one transaction per kind) and through the same methods given one
row at a time (one transaction per row), on an emptied database each time, in the same run.
Batched rounds are repeated and their median kept; both paths are warmed up first (the server's
JIT, plan cache and page cache). Ratios are given per kind and for the whole corpus.

Then the demo needs are stored in both stores and ``need_pairings`` (what
``GET /api/needs/{id}/pairings`` runs: a freshness check of the index and the need's profile
read from the database, scoring, explanation) is timed on each, interleaved.

The server is the one ``NEO4J_URI`` names, or one started for the run with
``scripts/neo4j/neo4j.sh`` (free port, temporary home) and stopped after it.

Goal: batched rows/s at least 50x one-transaction-per-row rows/s.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from api.factory import neo4j_settings
from api.settings import load_settings
from graph.model import Company, Extraction, Lab, Need
from graph.store.embedded import EmbeddedGraphStore
from graph.store.neo4j import Neo4jGraphStore, open_driver
from graph.store.ports import GraphStore, Store
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.demo import load_demo, read_demo, scaled_labs

REPO = Path(__file__).resolve().parents[1]
FACTOR = 100
ROUNDS = 10
WARM_UP = 200
BATCHED_ROUNDS = 3

Corpus = tuple[list[tuple[Lab, Extraction]], list[Company], list[tuple[Need, Extraction]]]


@contextmanager
def neo4j_uri() -> Iterator[str]:
    """NEO4J_URI, or a server started (and stopped) for this run."""
    given = os.environ.get("NEO4J_URI")
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="neo4j-bench-") as home:
        env = {**os.environ, "NEO4J_RUN_DIR": home, "NEO4J_PORT": "auto"}
        script = str(REPO / "scripts" / "neo4j" / "neo4j.sh")
        started = subprocess.run(
            ["bash", script, "start"], env=env, capture_output=True, text=True, check=False
        )
        if started.returncode != 0:
            sys.exit(f"Neo4j did not start:\n{started.stderr}")
        try:
            yield started.stdout.strip().splitlines()[-1]
        finally:
            subprocess.run(["bash", script, "stop"], env=env, capture_output=True, check=False)


def ms(values: list[float], q: float) -> float:
    """The q-th percentile in milliseconds."""
    return float(np.percentile(np.asarray(values), q)) * 1000


def scaled_corpus(
    extractor: SpacyExtractor,
) -> Corpus:
    """The demo labs, companies (those with needs) and needs, each copied FACTOR times."""
    demo_labs, demo_companies, demo_needs = read_demo()
    labs = scaled_labs(demo_labs, FACTOR)
    print(f"analysing {len(labs)} lab texts (demo x{FACTOR})…", flush=True)
    lab_rows = list(
        zip(labs, extractor.extract_many([lab.description for lab in labs]), strict=True)
    )
    need_extractions = extractor.extract_many([f"{n.title}. {n.text}" for n in demo_needs])
    owners = [c for c in demo_companies if any(n.company_id == c.id for n in demo_needs)]
    companies = [
        c.model_copy(update={"id": f"{c.id}-{k:03d}"}) for k in range(FACTOR) for c in owners
    ]
    needs = [
        (
            n.model_copy(update={"id": f"{n.id}-{k:03d}", "company_id": f"{n.company_id}-{k:03d}"}),
            ex,
        )
        for k in range(FACTOR)
        for n, ex in zip(demo_needs, need_extractions, strict=True)
    ]
    return lab_rows, companies, needs


def write_batched(store: GraphStore, corpus: Corpus) -> dict[str, float]:
    """Each kind through the batched path; seconds per kind."""
    labs, companies, needs = corpus
    seconds = {}
    for kind, write in (
        ("labs", lambda: store.upsert_labs(labs)),
        ("companies", lambda: store.upsert_companies(companies)),
        ("needs", lambda: store.upsert_needs(needs)),
    ):
        t = time.perf_counter()
        write()
        seconds[kind] = time.perf_counter() - t
    return seconds


def write_one_by_one(
    store: GraphStore, corpus: Corpus, limit: int | None = None
) -> dict[str, float]:
    """Each row of each kind in its own transaction (the same store methods, one row each)."""
    labs, companies, needs = corpus
    seconds = {}
    for kind, rows, write in (
        ("labs", labs, lambda row: store.upsert_labs([row])),
        ("companies", companies, lambda row: store.upsert_companies([row])),
        ("needs", needs, lambda row: store.upsert_needs([row])),
    ):
        t = time.perf_counter()
        for i, row in enumerate(rows[:limit], start=1):
            write(row)
            if limit is None and i % 1000 == 0:
                print(f"  one transaction per row: {kind} {i}/{len(rows)}", flush=True)
        seconds[kind] = time.perf_counter() - t
    return seconds


def main() -> int:
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    corpus = scaled_corpus(extractor)
    sizes = {"labs": len(corpus[0]), "companies": len(corpus[1]), "needs": len(corpus[2])}
    links = {
        "labs": sum(len(ex.mentions) for _, ex in corpus[0]),
        "companies": 0,
        "needs": sum(len(ex.mentions) + 1 for _, ex in corpus[2]),  # REQUIRES + EXPRESSES
    }

    with neo4j_uri() as uri:
        settings = dataclasses.replace(neo4j_settings(load_settings()), uri=uri)
        neo = Neo4jGraphStore(open_driver(settings), settings.database)

        def fresh() -> None:
            neo.wipe()
            neo.upsert_concepts(vocabulary)

        print("warming up both paths…", flush=True)
        fresh()
        write_batched(neo, corpus)
        fresh()
        write_one_by_one(neo, corpus, limit=WARM_UP)

        batched_rounds = []
        for _ in range(BATCHED_ROUNDS):
            fresh()
            batched_rounds.append(write_batched(neo, corpus))
            assert neo.counts()["nodes"]["Need"] == sizes["needs"]
        batched = {k: statistics.median(r[k] for r in batched_rounds) for k in sizes}

        fresh()
        single = write_one_by_one(neo, corpus)
        assert neo.counts()["nodes"]["Need"] == sizes["needs"]

        print(
            f"\nloading the demo corpus x{FACTOR} into Neo4j (batched: median of "
            f"{BATCHED_ROUNDS} rounds)"
        )
        print(
            f"  {'kind':<11}{'rows':>6}{'links':>8}{'batched rows/s':>16}"
            f"{'one tx per row':>16}{'ratio':>8}"
        )
        for kind in sizes:
            b, o = sizes[kind] / batched[kind], sizes[kind] / single[kind]
            print(f"  {kind:<11}{sizes[kind]:>6}{links[kind]:>8}{b:>16.0f}{o:>16.0f}{b / o:>7.1f}x")
        total = sum(sizes.values())
        b_all, o_all = total / sum(batched.values()), total / sum(single.values())
        ratio = b_all / o_all
        print(
            f"  {'all':<11}{total:>6}{sum(links.values()):>8}{b_all:>16.0f}{o_all:>16.0f}"
            f"{ratio:>7.1f}x  (goal >= 50x)"
        )

        neo.wipe()
        neo.upsert_concepts(vocabulary)

        with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as home:
            embedded = EmbeddedGraphStore(Path(home))
            stores: list[tuple[str, Store]] = [("embedded", embedded), ("neo4j", neo)]
            services = []
            for name, store in stores:
                load_demo(store, extractor)
                store.upsert_labs(corpus[0])
                services.append((name, PairingService(store, extractor)))
            need_ids = [n.id for n in embedded.needs()]
            timings: dict[str, list[float]] = {name: [] for name, _ in services}
            for _, service in services:  # warm-up: build each index once
                service.need_pairings(need_ids[0])
            for r in range(ROUNDS):
                for need_id in need_ids:
                    for name, service in services if r % 2 == 0 else reversed(services):
                        t = time.perf_counter()
                        service.need_pairings(need_id)
                        timings[name].append(time.perf_counter() - t)
            n_labs = embedded.counts()["nodes"]["Lab"]
            print(
                f"\npairing query (GET /api/needs/{{id}}/pairings), {n_labs} labs, "
                f"{len(need_ids)} needs x {ROUNDS} rounds, interleaved"
            )
            print(f"  {'store':<10}{'p50':>10}{'p95':>10}")
            for name, values in timings.items():
                print(f"  {name:<10}{ms(values, 50):>7.2f} ms{ms(values, 95):>7.2f} ms")
            print(
                f"  neo4j / embedded p95: {ms(timings['neo4j'], 95) / ms(timings['embedded'], 95):.2f}x"
            )
            embedded.close()
        neo.close()
    print(f"\ngoal batched >= 50x one transaction per row: {'met' if ratio >= 50 else 'NOT met'}")
    return 0 if ratio >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
