"""Passerelle at real size next to the demo, in one run: CLI start-up, server readiness, memory,
and ``/api/match`` latency alone and under 8 concurrent clients.

Two embedded stores are measured side by side, command by command (interleaved, so that the
ratios hold on a noisy shared machine):

- **demo**: ``passerelle load-demo`` (20 hand-described labs, our vocabulary);
- **real**: the public registers of ``../shared/data`` (RNSR: every French research unit, ANR
  projects with their lab and company partners), our unit descriptions, then NAF and ESCO
  (``passerelle load --registers``, ``ingest naf``, ``ingest esco``).

Goals (issue 10, point 8):

- a CLI command on the real graph takes at most 2x the demo's time;
- the server holds at most 600 MB at real size;
- under 8 concurrent clients, ``/api/match`` p99 is at most 3x its p50;
- 200 needs from 200 new companies take at most 1.5x as long as from one company (a need
  does not rebuild what only labs and collaborations determine);
- ``/health/ready`` answers 200 only when a match can be served: the first match after it, on
  a text the server has never seen, costs at most 3x the second one on another new text
  (nothing is built on the first request; spaCy learning new words is the same for both).

Usage::

    python bench/real_scale.py                       # builds both stores in temporary folders
    python bench/real_scale.py --real-home /tmp/real # reuses a store already loaded there
    python bench/real_scale.py --requests 400 --rounds 5

Prints a table of figures with the store each comes from, then the goals with PASS / MISS.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
CLI = [sys.executable, "-m", "api.cli"]
CLIENTS = 8
GOAL_CLI_RATIO = 2.0
GOAL_SERVER_MB = 600.0
GOAL_P99_OVER_P50 = 3.0

# needs written by us, in the words of an SME (French first, one English)
NEEDS = [
    "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur, pourquoi ?",
    "Nous cherchons à réduire le bruit et les vibrations de nos réducteurs à engrenages.",
    "Comment souder de l'aluminium sur de l'acier sans fissures dans la zone fondue ?",
    "Nous voulons prédire les pannes de nos presses à partir des capteurs de la ligne.",
    "Optimiser la planification de production de notre atelier de découpe laser.",
    "Recycler les poussières métalliques de notre fonderie et valoriser les déchets.",
    "Nos moules d'injection plastique s'usent trop vite, quel traitement de surface ?",
    "We need to model heat transfer in our furnace to cut its energy consumption.",
    "Caractériser la fatigue de nos ressorts en alliage de titane pour l'aéronautique.",
    "Automatiser le contrôle qualité visuel de nos pièces usinées par vision industrielle.",
]


FIRST_TEXTS = [
    "Notre usine de tréfilage casse du fil inox à chaud : quelle lubrification adopter ?",
    "Nos tôles embouties présentent des plis sur les bords après le passage sous presse.",
]


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PASSERELLE_"))}
    return {**env, "PASSERELLE_HOME": str(home), "PASSERELLE_STORE": "embedded"}


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def run_cli(home: Path, *args: str) -> Run:
    """One CLI command whose output is needed (set-up, sizes), not measured."""
    start = time.perf_counter()
    done = subprocess.run(
        [*CLI, *args], cwd=REPO, env=env_for(home), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"passerelle {' '.join(args)} failed ({home}):\n{done.stderr[-2000:]}")
    return Run(time.perf_counter() - start, 0.0, done.stdout)


def run_cli_measured(home: Path, *args: str) -> Run:
    """Like run_cli, with the peak memory of the process read by os.wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, *args],
        cwd=REPO,
        env=env_for(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: object) -> None:
        assert hasattr(stream, "read")
        chunks[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for t in threads:
        t.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = chunks.get("err", b"").decode(errors="replace")
        raise SystemExit(f"passerelle {' '.join(args)} failed ({home}):\n{err[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, chunks.get("out", b"").decode())


def build_demo(home: Path) -> None:
    print(f"… demo store in {home}", file=sys.stderr)
    run_cli(home, "load-demo")


def build_real(home: Path) -> None:
    if not (SHARED / "rnsr").is_dir():
        raise SystemExit(f"the registers are not in {SHARED}: cannot measure the real size")
    for args in (
        ("load", "--registers", str(SHARED)),
        ("ingest", "naf", str(SHARED / "naf" / "naf2008_liste_n5.csv")),
        ("ingest", "esco", str(SHARED / "esco-fr")),
    ):
        print(f"… real store in {home}: passerelle {' '.join(args)}", file=sys.stderr)
        started = time.perf_counter()
        run_cli(home, *args)
        print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr)


# -- the CLI ----------------------------------------------------------------------------------
def cli_commands(home: Path) -> dict[str, list[str]]:
    """The commands timed, with arguments valid on both stores (a lab both hold: IJL)."""
    found = json.loads(run_cli(home, "labs", "--search", "IJL", "--json").output)
    lab_id = found[0]["id"] if found else "?"
    return {
        "stats": ["stats"],
        "labs --search": ["labs", "--search", "nancy", "--limit", "20", "--json"],
        "labs show": ["labs", "show", lab_id, "--json"],
        "match": ["match", "--json", NEEDS[0]],
    }


@dataclass
class CliFigures:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    peak_mb: dict[str, list[float]] = field(default_factory=dict)


def measure_cli(homes: dict[str, Path], rounds: int) -> dict[str, CliFigures]:
    commands = {name: cli_commands(home) for name, home in homes.items()}
    figures = {name: CliFigures() for name in homes}
    for r in range(rounds):
        for command in commands["demo"]:
            for name, home in homes.items():  # interleaved: demo, real, demo, real…
                run = run_cli_measured(home, *commands[name][command])
                figures[name].seconds.setdefault(command, []).append(run.seconds)
                figures[name].peak_mb.setdefault(command, []).append(run.peak_mb)
        print(f"  CLI round {r + 1}/{rounds}", file=sys.stderr)
    return figures


# -- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


@dataclass
class ServerFigures:
    ready_s: float = 0.0
    first_match_ms: float = 0.0
    second_match_ms: float = 0.0
    sequential: list[float] = field(default_factory=list)
    concurrent: list[float] = field(default_factory=list)
    after_new_company_ms: list[float] = field(default_factory=list)
    needs_one_company_s: float = 0.0
    needs_new_companies_s: float = 0.0
    rss_ready_mb: float = 0.0
    rss_end_mb: float = 0.0
    peak_mb: float = 0.0


def match_once(client: httpx.Client, url: str, text: str) -> float:
    start = time.perf_counter()
    answer = client.post(f"{url}/api/match", json={"text": text, "limit": 10})
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise RuntimeError(f"/api/match answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


def measure_server(home: Path, requests: int) -> ServerFigures:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        cwd=REPO,
        env=env_for(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    figures = ServerFigures()
    try:
        with httpx.Client(timeout=120) as client:
            while True:
                if proc.poll() is not None:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise SystemExit(f"the server stopped ({home}):\n{err[-2000:]}")
                try:
                    if client.get(f"{url}/health/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            figures.ready_s = time.perf_counter() - started
            # two texts the server has never seen (spaCy learns each new word once): the
            # first request after ready must cost what the second does
            figures.first_match_ms = match_once(client, url, FIRST_TEXTS[0]) * 1000
            figures.second_match_ms = match_once(client, url, FIRST_TEXTS[1]) * 1000
            figures.rss_ready_mb, _ = rss_mb(proc.pid)
            for _ in range(5):  # warm-up, not counted
                match_once(client, url, NEEDS[2])
            figures.sequential = [
                match_once(client, url, NEEDS[i % len(NEEDS)]) for i in range(requests)
            ]
            figures.concurrent = concurrent_matches(url, requests)
            for n in range(5):
                # a need from a company never seen: the next match must not stall
                company = f"Entreprise de mesure {time.time_ns()} {n} (fictive)"
                posted = client.post(
                    f"{url}/api/needs",
                    json={"title": "Mesure", "text": NEEDS[n], "company": company},
                )
                if posted.status_code not in (200, 201):
                    raise RuntimeError(f"/api/needs answered {posted.status_code}: {posted.text}")
                figures.after_new_company_ms.append(match_once(client, url, NEEDS[3]) * 1000)
            figures.needs_one_company_s = post_needs(url, new_companies=False)
            figures.needs_new_companies_s = post_needs(url, new_companies=True)
            figures.rss_end_mb, figures.peak_mb = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if proc.stderr:
            proc.stderr.close()
    return figures


def post_needs(url: str, *, new_companies: bool, count: int = 200) -> float:
    """Seconds for ``count`` needs posted by 8 concurrent clients, from one company or each
    from a company never seen before (which must not rebuild what the labs determine)."""
    run = time.time_ns()
    per_client = count // CLIENTS

    def client_loop(k: int) -> None:
        with httpx.Client(timeout=120) as client:
            for i in range(per_client):
                n = k * per_client + i
                company = f"Entreprise {run} {n if new_companies else 0} (fictive)"
                posted = client.post(
                    f"{url}/api/needs",
                    json={
                        "title": f"Besoin {n}",
                        "text": NEEDS[n % len(NEEDS)],
                        "company": company,
                    },
                )
                if posted.status_code not in (200, 201):
                    raise RuntimeError(f"/api/needs answered {posted.status_code}: {posted.text}")

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def concurrent_matches(url: str, requests: int) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    per_client = max(1, requests // CLIENTS)

    def client_loop(k: int) -> None:
        with httpx.Client(timeout=120) as client:
            for i in range(per_client):
                t = match_once(client, url, NEEDS[(k + i) % len(NEEDS)])
                with lock:
                    times.append(t)

    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


# -- report -----------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) * 1000


def percentile_of(phase: str, q: float) -> Callable[[ServerFigures], float]:
    def get(figures: ServerFigures) -> float:
        values: list[float] = getattr(figures, phase)
        return pct(values, q)

    return get


def row(label: str, demo: str, real: str, ratio: str = "") -> str:
    return f"{label:<42} {demo:>22} {real:>22} {ratio:>9}"


def report(
    cli: dict[str, CliFigures], server: dict[str, ServerFigures], sizes: dict[str, str]
) -> bool:
    med: Callable[[list[float]], float] = statistics.median
    print()
    print(row("", "demo", "real", "real/demo"))
    print(row("store", sizes["demo"], sizes["real"]))
    worst_cli = 0.0
    for command in cli["demo"].seconds:
        d, r = med(cli["demo"].seconds[command]), med(cli["real"].seconds[command])
        worst_cli = max(worst_cli, r / d)
        print(row(f"CLI {command}: time (median)", f"{d:.2f} s", f"{r:.2f} s", f"{r / d:.2f}x"))
        dm, rm = max(cli["demo"].peak_mb[command]), max(cli["real"].peak_mb[command])
        print(row(f"CLI {command}: peak memory", f"{dm:.0f} MB", f"{rm:.0f} MB", f"{rm / dm:.2f}x"))
    sd, sr = server["demo"], server["real"]

    def both(label: str, get: Callable[[ServerFigures], float], unit: str, fmt: str) -> None:
        d, r = get(sd), get(sr)
        print(row(label, f"{d:{fmt}} {unit}", f"{r:{fmt}} {unit}", f"{r / d:.2f}x" if d else ""))

    both("server: start to ready", lambda f: f.ready_s, "s", ".1f")
    both("server: first match after ready (new text)", lambda f: f.first_match_ms, "ms", ".0f")
    both("server: second match (another new text)", lambda f: f.second_match_ms, "ms", ".0f")
    both("server: memory when ready (RSS)", lambda f: f.rss_ready_mb, "MB", ".0f")
    both("server: memory at the end (RSS)", lambda f: f.rss_end_mb, "MB", ".0f")
    both("server: peak memory (VmHWM)", lambda f: f.peak_mb, "MB", ".0f")
    for name, phase in (("sequential", "sequential"), (f"{CLIENTS} clients", "concurrent")):
        for q in (50, 95, 99):
            both(f"/api/match {name} p{q}", percentile_of(phase, q), "ms", ".1f")
    both(
        "match right after a new company's need", lambda f: max(f.after_new_company_ms), "ms", ".1f"
    )

    both("200 needs (8 clients), one company", lambda f: f.needs_one_company_s, "s", ".2f")
    both("200 needs (8 clients), 200 new companies", lambda f: f.needs_new_companies_s, "s", ".2f")
    for name, f in (("demo", sd), ("real", sr)):
        print(
            f"  {name}: 200 new companies / one company: "
            f"{f.needs_new_companies_s / f.needs_one_company_s:.2f}x"
        )

    p50, p99 = pct(sr.concurrent, 50), pct(sr.concurrent, 99)
    goals = [
        (
            f"CLI on the real graph within {GOAL_CLI_RATIO:.0f}x the demo (worst command)",
            worst_cli <= GOAL_CLI_RATIO,
            f"{worst_cli:.2f}x",
        ),
        (
            f"server memory at real size <= {GOAL_SERVER_MB:.0f} MB (peak)",
            sr.peak_mb <= GOAL_SERVER_MB,
            f"{sr.peak_mb:.0f} MB",
        ),
        (
            f"{CLIENTS} clients, real: p99 <= {GOAL_P99_OVER_P50:.0f}x p50",
            p99 <= GOAL_P99_OVER_P50 * p50,
            f"{p99 / p50:.2f}x ({p99:.0f} / {p50:.0f} ms)",
        ),
        (
            "200 needs from 200 new companies within 1.5x one company's (real)",
            sr.needs_new_companies_s <= 1.5 * sr.needs_one_company_s,
            f"{sr.needs_new_companies_s / sr.needs_one_company_s:.2f}x",
        ),
        (
            "ready means servable: first match after ready <= 3x the second (real)",
            sr.first_match_ms <= 3 * sr.second_match_ms,
            f"{sr.first_match_ms:.0f} vs {sr.second_match_ms:.0f} ms",
        ),
    ]
    print()
    for label, ok, value in goals:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {value}")
    return all(ok for _, ok, _ in goals)


def describe(home: Path) -> str:
    nodes = json.loads(run_cli(home, "stats", "--json").output)["nodes"]
    return f"{nodes['Lab']} labs, {nodes['Concept']} concepts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real-home", type=Path, help="a store already loaded with the registers")
    parser.add_argument("--demo-home", type=Path, help="a store already loaded with the demo")
    parser.add_argument("--rounds", type=int, default=3, help="CLI runs per command and store")
    parser.add_argument("--requests", type=int, default=200, help="/api/match requests per phase")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    try:
        homes = {
            "demo": args.demo_home or scratch / "demo",
            "real": args.real_home or scratch / "real",
        }
        if args.demo_home is None:
            build_demo(homes["demo"])
        if args.real_home is None:
            build_real(homes["real"])
        sizes = {name: describe(home) for name, home in homes.items()}
        print("… CLI", file=sys.stderr)
        cli = measure_cli(homes, args.rounds)
        server = {}
        for name, home in homes.items():
            print(f"… server on the {name} store", file=sys.stderr)
            # on a copy: the server phase stores needs, which must not stay in a given store
            copy = scratch / f"served-{name}"
            shutil.copytree(home, copy)
            server[name] = measure_server(copy, args.requests)
        ok = report(cli, server, sizes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
