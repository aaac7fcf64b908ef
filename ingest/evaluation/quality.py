"""Pairing quality on the real graph of the territory: held-out needs, the units an officer
would accept, and the three figures the project is judged on.

The real registers are loaded as ``make run`` loads them, once without any description
(registers only) and once with our descriptions of the university's units; then

- ``top_rate(lorraine, needs, 3)``: share of needs with an acceptable unit in the top 3 (default
  scope, the university);
- ``top_rate(registers, needs, 10)``: the same in the top 10 with the registers alone;
- ``stray_suggestions(lorraine, needs, 5)``: suggestions of the top 5, all of France, that are
  not research units or share no concept with the need (there should be none).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.extractor import Extractor
from graph.rules.scope import Scope
from graph.store.embedded import DB_NAME, EmbeddedGraphStore
from graph.usecases.pairing import PairingService
from ingest.registers.programmes import topics
from ingest.registers.territory import load_territory
from ingest.resources import read_yaml

UNIVERSITY = Scope(institution="Université de Lorraine")


@dataclass(frozen=True)
class Rate:
    """How many needs got an acceptable unit in the top ``k``, and the misses."""

    k: int
    hits: int
    needs: int
    misses: tuple[str, ...]

    @property
    def rate(self) -> float:
        return self.hits / self.needs if self.needs else 0.0


def read_needs(path: Path) -> list[dict[str, Any]]:
    """The held-out needs (id, text, acceptable, also_acceptable) of ``path``: the
    repository's ``tests/quality/needs_fr.yaml`` (a test set, not shipped in the package)."""
    needs: list[dict[str, Any]] = read_yaml(path.read_text(encoding="utf-8"))["needs"]
    return needs


def load_graphs(
    home: Path,
    extractor: Extractor,
    registers: Path,
    scope: Scope = UNIVERSITY,
    *,
    loaded: Path | None = None,
) -> dict[str, PairingService]:
    """Two services over the real registers: ``registers`` (no description at all) and
    ``lorraine`` (with our descriptions and the demo), each in its own store under ``home``.

    ``loaded``: the folder of an embedded store that holds the registers already, loaded as
    here (``load_territory`` without the demo and our descriptions), copied instead of loading
    them again."""
    bare_home, described_home = home / "registers-only", home / "lorraine"
    bare_home.mkdir(parents=True, exist_ok=True)
    described_home.mkdir(parents=True, exist_ok=True)
    if loaded is not None:
        shutil.copy(loaded / DB_NAME, bare_home / DB_NAME)
    else:
        store = EmbeddedGraphStore(bare_home)
        found = load_territory(store, extractor, registers, demo=False, skip={"descriptions"})
        store.close()
        if found.missing:
            raise FileNotFoundError(f"registers not found in {registers}: {found.missing}")
    shutil.copy(bare_home / DB_NAME, described_home / DB_NAME)
    described = EmbeddedGraphStore(described_home)
    load_territory(described, extractor, registers)
    themes = topics()
    return {
        "registers": PairingService(
            EmbeddedGraphStore(bare_home), extractor, topics=themes, scope=scope
        ),
        "lorraine": PairingService(described, extractor, topics=themes, scope=scope),
    }


def units_by_acronym(service: PairingService) -> dict[str, set[str]]:
    """The ids of the research units by upper-case acronym."""
    out: dict[str, set[str]] = {}
    for lab in service.store.labs():
        if lab.is_unit and lab.acronym:
            out.setdefault(lab.acronym.upper(), set()).add(lab.id)
    return out


def acceptable_units(need: Mapping[str, Any], units: Mapping[str, set[str]]) -> set[str]:
    """The ids of the units (``units_by_acronym``) named in the need's ``acceptable`` and
    ``also_acceptable``."""
    names = [*need["acceptable"], *(need.get("also_acceptable") or [])]
    return {lab_id for name in names for lab_id in units.get(str(name).upper(), set())}


def top_rate(service: PairingService, needs: Sequence[Mapping[str, Any]], k: int) -> Rate:
    """Needs with an acceptable unit among the first ``k`` suggestions (default scope)."""
    hits, misses = 0, []
    units = units_by_acronym(service)
    for n in needs:
        ranking = service.match_text(n["text"], limit=k).ranking
        if {r.lab.id for r in ranking} & acceptable_units(n, units):
            hits += 1
        else:
            misses.append(f"{n['id']}: top {k} {[r.lab.acronym for r in ranking]}")
    return Rate(k, hits, len(needs), tuple(misses))


def stray_suggestions(
    service: PairingService, needs: Sequence[Mapping[str, Any]], k: int = 5
) -> list[str]:
    """Suggestions of the top ``k`` in all of France that are not research units or share no
    concept with the need."""
    labs = {lab.id: lab for lab in service.store.labs()}
    out = []
    for n in needs:
        for r in service.match_text(n["text"], limit=k, scope=Scope()).ranking:
            if not labs[r.lab.id].is_unit or not r.pairing.explanation.concepts:
                out.append(f"{n['id']}: {r.lab.id} {r.lab.name}")
    return out
