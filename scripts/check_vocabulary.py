"""Check the vocabulary files: required fields, unique ids, known broader ids, no cycle, no clash.

The shipped vocabulary (``ingest/resources/vocabulary``, read as the package reads it) unless a
folder is given: ``python scripts/check_vocabulary.py [FOLDER]``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from graph.text import fold
from ingest.resources import VOCABULARY, Traversable, yaml_files

KINDS = {"field", "technology", "material", "process", "phenomenon", "skill", "equipment", "sector"}


def norm(label: str) -> str:
    return " ".join(fold(label).replace("-", " ").split())


def main(folder: Traversable = VOCABULARY) -> int:
    problems: list[str] = []
    concepts: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    for path in yaml_files(folder):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, c in enumerate(data.get("concepts", [])):
            loc = f"{path.name} #{i + 1}"
            cid = c.get("id")
            if not isinstance(cid, str) or not cid.replace("_", "").isalnum() or cid != cid.lower():
                problems.append(f"{loc}: bad id {cid!r}")
                continue
            if cid in concepts:
                problems.append(f"{loc}: id {cid} already in {where[cid]}")
            for key in ("fr", "en", "kind"):
                if not isinstance(c.get(key), str) or not c[key].strip():
                    problems.append(f"{loc} ({cid}): missing {key}")
            if c.get("kind") not in KINDS:
                problems.append(f"{loc} ({cid}): kind {c.get('kind')!r} not in {sorted(KINDS)}")
            concepts[cid] = c
            where[cid] = loc
    labels: dict[str, set[str]] = defaultdict(set)
    for cid, c in concepts.items():
        for b in c.get("broader", []) or []:
            if b not in concepts:
                problems.append(f"{where[cid]} ({cid}): unknown broader {b}")
        for key in ("fr", "en", "fr_alt", "en_alt"):
            vals = c.get(key) or []
            for v in [vals] if isinstance(vals, str) else vals:
                labels[norm(str(v))].add(cid)
    for label, ids in sorted(labels.items()):
        if len(ids) > 1:
            problems.append(f"label {label!r} used by several concepts: {sorted(ids)}")
    # cycles
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for b in concepts[n].get("broader", []) or []:
            if b in concepts and state.get(b) == 1:
                problems.append(f"cycle: {' -> '.join([*path, n, b])}")
            elif b in concepts and b not in state:
                visit(b, [*path, n])
        state[n] = 2

    for n in concepts:
        if n not in state:
            visit(n, [])
    for p in problems:
        print(p)
    print(f"{len(concepts)} concepts, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else VOCABULARY))
