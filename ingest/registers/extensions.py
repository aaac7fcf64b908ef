"""Vocabulary extensions from public registers: ESCO skills (French) and NAF codes.

Each register entry becomes a concept (``esco:<uuid>``, ``naf:<code>``) with its French labels,
its own hierarchy (ESCO's broader relations), and ``source`` set to the register. Where one of
our curated concepts carries the same identifier (``esco`` URI or ``naf`` code), the register's
concept is linked to it as a narrower concept, so that a text naming the register's wording also
reaches our concept (at the hierarchy's discount). The extractor uses these concepts next to our
vocabulary once they are in the store (``api.factory.build_service``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from graph.model import Concept
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.loaders import batched
from ingest.registers.readers import Report, RowError, read_rows, split_values
from ingest.registers.table import Job

ESCO_SKILLS = "skills_fr.csv"
ESCO_GROUPS = "skillGroups_fr.csv"
ESCO_BROADER = "broaderRelationsSkillPillar.csv"
_ESCO_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/([0-9a-f-]{36})$")
_NAF_CODE = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
BATCH = 2000


def _write(
    store: GraphStore, concepts: list[Concept], report: Report, progress: Progress | None
) -> None:
    """Write what changed, in batches, counting created / updated / unchanged."""
    existing = {c.id: c for c in store.concepts()}
    changed = [c for c in concepts if existing.get(c.id) != c]
    report.unchanged += len(concepts) - len(changed)
    for c in changed:
        if c.id in existing:
            report.updated += 1
        else:
            report.created += 1
    done = 0
    for batch in batched(changed, BATCH):
        store.upsert_concepts(batch)
        done += len(batch)
        if progress:
            progress(report.source, done, max(len(changed), 1))
    if progress and not changed:
        progress(report.source, 1, 1)


def _curated_by(store: GraphStore, attribute: str) -> dict[str, list[str]]:
    """Our concepts by the register identifier they carry (``esco`` or ``naf``)."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in store.concepts():
        code = getattr(c, attribute)
        if c.source == "passerelle" and code:
            out[code].append(c.id)
    return out


def ingest_naf(path: Path, store: GraphStore, progress: Progress | None = None) -> Report:
    """NAF rév. 2 sub-classes (``code,libelle``) as sector concepts; idempotent."""
    report = Report("naf")
    rows = list(report.readable(read_rows(path, delimiter=",", required=("code", "libelle"))))
    ours = _curated_by(store, "naf")
    concepts: dict[str, Concept] = {}
    for line, row in rows:
        code, label = row["code"].strip().upper(), " ".join(row["libelle"].split())
        if not _NAF_CODE.match(code):
            report.reject(
                RowError(path.name, line, f"code NAF invalide / invalid NAF code {code!r}")
            )
            continue
        if not label:
            report.reject(RowError(path.name, line, "libellé vide / empty label"))
            continue
        cid = f"naf:{code}"
        if cid in concepts:
            report.reject(RowError(path.name, line, f"code en double / duplicate code {code}"))
            continue
        concepts[cid] = Concept(
            id=cid,
            kind="sector",
            label_fr=label,
            label_en=label,
            naf=code,
            broader=tuple(sorted(ours.get(code, ()))),
            source="naf",
        )
    _write(store, list(concepts.values()), report, progress)
    return report


def _esco_rows(path: Path, report: Report) -> Iterable[tuple[int, str, dict[str, str]]]:
    for line, row in report.readable(
        read_rows(path, delimiter=",", required=("conceptUri", "preferredLabel"))
    ):
        m = _ESCO_URI.match(row["conceptUri"].strip())
        if m is None:
            report.reject(RowError(path.name, line, "URI ESCO invalide / invalid ESCO URI"))
            continue
        if not row["preferredLabel"].strip():
            report.reject(RowError(path.name, line, "libellé vide / empty preferredLabel"))
            continue
        yield line, m.group(1), row


def ingest_esco(folder: Path, store: GraphStore, progress: Progress | None = None) -> Report:
    """ESCO skills and skill groups (French) with their hierarchy; ``folder`` holds the CSVs.

    ``folder`` may also be the path of ``skills_fr.csv``: the other files are read beside it.
    """
    if folder.is_file():
        folder = folder.parent
    report = Report("esco")
    ours = _curated_by(store, "esco")
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for name, kind in ((ESCO_GROUPS, "field"), (ESCO_SKILLS, "skill")):
        for _line, uuid, row in _esco_rows(folder / name, report):
            found.setdefault(uuid, (kind, row))
    broader: dict[str, set[str]] = defaultdict(set)
    edges = folder / ESCO_BROADER
    for line, edge in read_rows(edges, delimiter=",", required=("conceptUri", "broaderUri")):
        if isinstance(edge, RowError):
            report.reject(edge)
            continue
        child = _ESCO_URI.match(edge["conceptUri"].strip())
        parent = _ESCO_URI.match(edge["broaderUri"].strip())
        if child is None or parent is None:
            report.reject(RowError(edges.name, line, "URI ESCO invalide / invalid ESCO URI"))
            continue
        if child.group(1) in found and parent.group(1) in found:
            broader[child.group(1)].add(f"esco:{parent.group(1)}")
        else:
            report.ignored += 1  # an edge to a group this extract does not hold
    concepts = []
    for uuid, (kind, row) in sorted(found.items()):
        uri = row["conceptUri"].strip()
        label = " ".join(row["preferredLabel"].split())
        links = broader.get(uuid, set()) | set(ours.get(uri, ()))
        concepts.append(
            Concept(
                id=f"esco:{uuid}",
                kind="skill" if kind == "skill" else "field",
                label_fr=label,
                label_en=label,
                alt_fr=tuple(a for a in split_values(row.get("altLabels", ""), "\n") if a != label),
                esco=uri,
                broader=tuple(sorted(links)),
                source="esco",
            )
        )
    _write(store, concepts, report, progress)
    return report


def load_esco(job: Job) -> Report:
    """``passerelle ingest esco FOLDER``."""
    return ingest_esco(job.source, job.store, job.progress)


def load_naf(job: Job) -> Report:
    """``passerelle ingest naf FILE``."""
    return ingest_naf(job.source, job.store, job.progress)
