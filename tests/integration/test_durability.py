"""Kill a writer process mid-write: every acknowledged write survives, nothing is corrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedGraphStore

pytestmark = pytest.mark.integration

BATCH = 200  # labs per transaction: big enough that a kill often lands inside one

WRITER = textwrap.dedent(
    f"""
    import sys
    from pathlib import Path
    from graph.model import ConceptMention, Extraction, Lab
    from graph.store.embedded import EmbeddedGraphStore

    store = EmbeddedGraphStore(Path(sys.argv[1]))
    batch = 0
    while True:
        items = []
        for i in range({BATCH}):
            ex = Extraction(language="fr", terms=("acier",) * 50, mentions=tuple(
                ConceptMention(concept_id=f"c{{k}}", weight=0.5, evidence=("x" * 40,))
                for k in range(10)))
            items.append((Lab(id=f"B{{batch:05d}}-{{i:04d}}", name="lab " * 20,
                              description="texte " * 200), ex))
        store.upsert_labs(items)
        print(f"ACK {{batch}}", flush=True)
        batch += 1
    """
)


@pytest.mark.parametrize("acks_before_kill", [3, 8, 15])
def test_kill_during_writes_loses_nothing_acknowledged(
    tmp_path: Path, acks_before_kill: int
) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    acked: list[int] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while len(acked) < acks_before_kill and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line.split()[1]))
    time.sleep(0.013 * acks_before_kill)  # land somewhere inside the next transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    acked += [
        int(line.split()[1]) for line in proc.stdout.read().splitlines() if line.startswith("ACK")
    ]
    proc.stdout.close()
    assert len(acked) >= acks_before_kill, "the writer did not acknowledge enough writes"

    store = EmbeddedGraphStore(tmp_path)
    try:
        assert store.integrity_ok()
        ids = {lab.id for lab in store.labs()}
        profiles = store.lab_profiles()
        for batch in acked:
            for i in range(BATCH):
                lab_id = f"B{batch:05d}-{i:04d}"
                assert lab_id in ids, f"acknowledged lab {lab_id} lost"
                assert len(profiles[lab_id].mentions) == 10
        batches = {lab_id.split("-")[0] for lab_id in ids}
        # a transaction is all or nothing: every batch present is complete
        assert len(ids) == len(batches) * BATCH
        assert len(batches) - len(acked) in (0, 1)  # at most the one killed after its commit
    finally:
        store.close()
