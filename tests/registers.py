"""The real registers (RNSR + ANR, ../shared/data) loaded once per test run, then copied.

Loading them takes tens of seconds; the tests that read the graph they make (its size, the
quality of its rankings) start from a copy of one load instead, made by the first worker that
asks for it (the others wait for it, then copy it: see ``shared_root``). The tests of loading
itself (twice, into Neo4j...) still load.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph.extractor import Extractor
from graph.store.embedded import DB_NAME, EmbeddedGraphStore
from ingest.registers.territory import load_territory


def shared_root(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test run that every xdist worker sees (each worker has its own base
    temporary folder, under the run's)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@dataclass(frozen=True)
class Registers:
    """One load of the registers: the folder read, the store it made, each register's report."""

    folder: Path
    home: Path
    """An embedded store's folder: the vocabulary, every RNSR unit, every ANR project (no
    description of ours, no demo)."""
    reports: dict[str, dict[str, Any]]
    """Each register's report of that load, by source (``rnsr``, ``anr``)."""

    def copy(self, dest: Path) -> Path:
        """A copy of the store in ``dest`` (created), to write to freely."""
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.home / DB_NAME, dest / DB_NAME)
        return dest


def load_once(root: Path, folder: Path, extractor: Extractor) -> Registers:
    """The registers of ``folder`` loaded into ``root/registers`` by the first caller of the run
    (a lock makes the others wait), read back by every other."""
    place = root / "registers"
    place.mkdir(parents=True, exist_ok=True)
    done = place / "reports.json"
    with (place / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                store = EmbeddedGraphStore(place / "store")
                try:
                    loaded = load_territory(
                        store, extractor, folder, demo=False, skip={"descriptions"}
                    )
                finally:
                    store.close()
                assert not loaded.missing, loaded.missing
                reports = {r.source: r.as_dict() for r in loaded.reports}
                done.write_text(json.dumps(reports), encoding="utf-8")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return Registers(folder, place / "store", json.loads(done.read_text(encoding="utf-8")))
