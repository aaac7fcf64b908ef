"""The officers' queue: every open need ranked with its feedback, introductions read once.

The queue (``Desk.queue``, the /queue page and GET /api/queue) ranks every open need. Each
ranking takes the feedback of the officers' introductions (``graph.ranking.feedback``): the labs that
succeeded on similar needs. Read one need at a time, that feedback re-reads every need on which
a lab succeeded, for every need of the queue (needs × successes reads); ``Lessons`` reads them
once per queue. Both are timed here side by side, interleaved, on the same store, and give the
same suggestions (checked).

The store: the real registers (RNSR, the first 40 ANR projects: the queue ranks within the
Université de Lorraine's units) when ``../shared/data`` is found, else the demo corpus; then
``NEEDS`` needs submitted by an officer from the demo's texts, one in three introduced to its
first lab and taken to a meeting.

Goal: the queue of 300 needs at least 3x faster with ``Lessons`` than one need at a time.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from api.notebook.workspace import TextProgress, find_registers, open_workspace
from api.settings import Settings
from graph.rules.accounts import Principal
from graph.usecases.auth import Accounts
from graph.usecases.desk import QUEUE_SUGGESTIONS, Desk
from graph.usecases.pairing import PairingService

NEEDS = 300
ROUNDS = 3


def queue(service: PairingService, need_ids: list[str], read_once: bool) -> list[list[str]]:
    """The queue's suggestions: on lessons read once for all needs (what ``Desk.queue`` does)
    or, as before, each need reading the introductions' lessons itself."""
    lessons = service.lessons() if read_once else None
    return [
        [r.lab.id for r in service.need_pairings(need_id, QUEUE_SUGGESTIONS, lessons=lessons)[1]]
        for need_id in need_ids
    ]


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(PASSERELLE_HOME=home, PASSERELLE_STORE="embedded")
        registers = find_registers(settings, Path(__file__).resolve().parent)
        ws = open_workspace(
            settings, registers=registers, sample=40, progress=TextProgress(io.StringIO())
        )
        with ws:
            desk = Desk(ws.service)
            officer = Principal(
                Accounts(ws.store).add_user("banc@passerelle.example", "officer", "x" * 20)
            )
            demo = ws.store.needs()
            for n in range(len(demo), NEEDS):
                source = demo[n % len(demo)]
                need, _, _ = desk.submit(
                    officer,
                    title=f"{source.title} ({n})",
                    text=f"{source.text} (variante {n})",
                    visibility="confidential",
                    company=f"Entreprise du banc {n % 50}",
                )
                if n % 3 == 0:
                    lab = desk.pairings(officer, need.id, 1).ranking[0].lab.id
                    record, _ = desk.introduce(officer, need.id, lab)
                    desk.move(officer, record.introduction.id, "contacted")
                    desk.move(officer, record.introduction.id, "meeting")
            ws.service.refresh()
            ws.service.warm()
            need_ids = [n.id for n in ws.store.needs()]
            successes = sum(i.status == "meeting" for i in ws.store.introductions())
            print(
                f"{'registres réels' if ws.real else 'démo'} / {'real registers' if ws.real else 'demo'}: "
                f"{len(need_ids)} needs, {successes} introductions at a meeting; "
                f"{ws.service.scope_used().units} units in scope"
            )
            timings: dict[str, list[float]] = {"one at a time": [], "lessons read once": []}
            results = {}
            runs = [("one at a time", False), ("lessons read once", True)]
            for r in range(ROUNDS):
                for name, read_once in runs if r % 2 == 0 else list(reversed(runs)):
                    t = time.perf_counter()
                    results[name] = queue(ws.service, need_ids, read_once)
                    timings[name].append(time.perf_counter() - t)
    same = results["one at a time"] == results["lessons read once"]
    before = statistics.median(timings["one at a time"])
    after = statistics.median(timings["lessons read once"])
    print(f"\n{'queue':<20}{'median':>10}")
    for name, values in timings.items():
        print(f"{name:<20}{statistics.median(values):>9.2f}s")
    ratio = before / after
    print(f"\nspeed-up {ratio:.1f}x (goal >= 3x), same suggestions: {same}")
    return 0 if same and ratio >= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
