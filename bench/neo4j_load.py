"""Neo4j: batched loading against one transaction per row, and pairing latency next to SQLite.

The demo labs scaled x100 (2,000 labs with their capability links) are written to a real Neo4j
server twice in the same run, on an emptied database each time: through the store's batched
path (``UNWIND $rows``, 2,000 rows per statement, one transaction) and one transaction per lab.
Then the demo needs are stored in both stores and ``need_pairings`` (what
``GET /api/needs/{id}/pairings`` runs: a freshness check of the index and the need's profile
read from the database, scoring, explanation) is timed on each, interleaved.

The server is the one ``NEO4J_URI`` names, or one started for the run with
``scripts/neo4j/neo4j.sh`` (free port, temporary home) and stopped after it.

Goal: batched rows/s at least 50x one-transaction-per-row rows/s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from graph.model import Company, Extraction, Lab
from graph.ports import GraphStore
from graph.service import PairingService
from graph.store.embedded import EmbeddedGraphStore
from graph.store.neo4j import Neo4jGraphStore, Neo4jSettings, open_driver
from ingest.demo import load_demo, read_demo, scaled_labs
from ingest.extract import SpacyExtractor
from ingest.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
FACTOR = 100
ROUNDS = 10
WARM_UP = 200


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


def main() -> int:
    vocabulary = load_vocabulary()
    extractor = SpacyExtractor(vocabulary)
    demo_labs, _, _ = read_demo()
    labs = scaled_labs(demo_labs, FACTOR)
    print(f"analysing {len(labs)} lab texts (demo x{FACTOR})…", flush=True)
    rows: list[tuple[Lab, Extraction]] = list(
        zip(labs, extractor.extract_many([lab.description for lab in labs]), strict=True)
    )
    links = sum(len(ex.mentions) for _, ex in rows)

    with neo4j_uri() as uri:
        settings = Neo4jSettings.from_env()
        settings = Neo4jSettings(uri, settings.user, settings.password, settings.database)
        neo = Neo4jGraphStore(open_driver(settings), settings.database)
        neo.wipe()
        neo.upsert_concepts(vocabulary)
        # warm-up: the server's JIT and caches, for both paths, before anything is timed
        neo.upsert_labs(rows[:WARM_UP])
        for row in rows[:WARM_UP]:
            neo.upsert_labs([row])
        neo.wipe()
        neo.upsert_concepts(vocabulary)

        t = time.perf_counter()
        neo.upsert_labs(rows)
        batched = len(rows) / (time.perf_counter() - t)
        assert neo.counts()["nodes"]["Lab"] == len(rows)

        neo.wipe()
        neo.upsert_concepts(vocabulary)
        t = time.perf_counter()
        for i, row in enumerate(rows, start=1):
            neo.upsert_labs([row])
            if i % 500 == 0:
                print(f"  one transaction per row: {i}/{len(rows)}", flush=True)
        single = len(rows) / (time.perf_counter() - t)
        assert neo.counts()["nodes"]["Lab"] == len(rows)

        print(f"\nloading {len(rows)} labs and {links} HAS_CAPABILITY links into Neo4j")
        print(f"  batched (UNWIND, one transaction)  {batched:>10.0f} rows/s")
        print(f"  one transaction per row            {single:>10.0f} rows/s")
        ratio = batched / single
        print(f"  ratio                              {ratio:>10.1f}x  (goal >= 50x)")

        # the same comparison on rows without links: companies, as the registers load them
        companies = [
            Company(id=f"bench-{i:05d}", name=f"Entreprise {i}", city="Metz", category="PME")
            for i in range(len(rows))
        ]
        neo.wipe()
        neo.upsert_companies(companies[:WARM_UP])  # warm-up: plans and caches, both paths
        for company in companies[:WARM_UP]:
            neo.upsert_companies([company])
        neo.wipe()
        t = time.perf_counter()
        neo.upsert_companies(companies)
        thin_batched = len(companies) / (time.perf_counter() - t)
        neo.wipe()
        t = time.perf_counter()
        for company in companies:
            neo.upsert_companies([company])
        thin_single = len(companies) / (time.perf_counter() - t)
        thin_ratio = thin_batched / thin_single
        print(f"\nloading {len(companies)} companies (nodes without links)")
        print(f"  batched (UNWIND, one transaction)  {thin_batched:>10.0f} rows/s")
        print(f"  one transaction per row            {thin_single:>10.0f} rows/s")
        print(f"  ratio                              {thin_ratio:>10.1f}x")
        neo.wipe()
        neo.upsert_concepts(vocabulary)

        with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as home:
            embedded = EmbeddedGraphStore(Path(home))
            stores: list[tuple[str, GraphStore]] = [("embedded", embedded), ("neo4j", neo)]
            services = []
            for name, store in stores:
                load_demo(store, extractor)
                store.upsert_labs(rows)
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
