"""RNSR loader: every French public research unit as a lab, its capabilities from its domains.

The register (``rnsr_structures_actives.csv``, ``;``-separated, multi-valued fields ``;``-joined
inside quotes) gives each unit's RNSR id, name, acronym, address, parent institutions (tutelles),
parent units, French scientific domains and English ERC panels. The domains and panels go
through the extraction pipeline to become the lab's capabilities; a lab that already has a
written description (the demo corpus) keeps it, and its profile is extracted from both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from graph.model import Extraction, Lab
from graph.ports import Extractor, GraphStore
from ingest.readers import Report, RowError, open_rows, read_rows

REQUIRED = ("numero_national_de_structure", "libelle", "commune")
BATCH = 500
_RNSR_ID = re.compile(r"^\d{9}[A-Z]$")

Progress = Callable[[str, int, int], None]


def _split(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in value.split(";"):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _city(commune: str) -> str | None:
    """« NANCY CEDEX » → « Nancy »; « VANDOEUVRE-LES-NANCY » → « Vandoeuvre-Les-Nancy »."""
    text = re.sub(r"\s+CEDEX(\s+\d+)?\s*$", "", commune.strip(), flags=re.I)
    return text.title() if text else None


def parse_row(row: dict[str, str], file: str, line: int) -> Lab | RowError:
    """One register row as a Lab, or the reason it is rejected."""
    rnsr = row["numero_national_de_structure"].strip().upper()
    if not _RNSR_ID.match(rnsr):
        return RowError(file, line, f"numéro RNSR invalide / invalid RNSR id: {rnsr!r}")
    name = " ".join(row["libelle"].split())
    if not name:
        return RowError(file, line, "libellé vide / empty name (libelle)")
    domains = "\n".join(
        t
        for t in (
            "; ".join(_split(row.get("domaine_scientifique", ""))),
            "; ".join(_split(row.get("panel_erc", ""))),
        )
        if t
    )
    parents = [p.upper() for p in _split(row.get("numero_de_structure_parent", ""))]
    return Lab(
        id=rnsr,
        name=name,
        acronym=" ".join(row.get("sigle", "").split()) or None,
        city=_city(row["commune"]),
        postcode=row.get("code_postal", "").strip() or None,
        institutions=tuple(_split(row.get("tutelles", ""))),
        parent_ids=tuple(p for p in parents if _RNSR_ID.match(p) and p != rnsr),
        domains=domains,
    )


def read_domains(path: Path) -> dict[str, str]:
    """Each valid unit's scientific domains and ERC panels, by RNSR id (bad rows skipped)."""
    domains: dict[str, str] = {}
    for line, row in read_rows(path, delimiter=";", required=REQUIRED):
        if isinstance(row, dict):
            lab = parse_row(row, path.name, line)
            if not isinstance(lab, RowError):
                domains[lab.id] = lab.domains
    return domains


def _batches(
    path: Path, rows: Iterable[tuple[int, dict[str, str] | RowError]], report: Report
) -> Iterator[list[Lab]]:
    batch: list[Lab] = []
    seen: set[str] = set()
    for line, item in report.readable(rows):
        parsed = parse_row(item, path.name, line)
        if isinstance(parsed, RowError):
            report.reject(parsed)
            continue
        if parsed.id in seen:
            report.reject(
                RowError(path.name, line, f"unité en double / duplicate unit {parsed.id}")
            )
            continue
        seen.add(parsed.id)
        batch.append(parsed)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_rnsr(
    path: Path,
    store: GraphStore,
    extractor: Extractor,
    progress: Progress | None = None,
) -> Report:
    """Load the register into ``store``; a second run changes nothing."""
    report = Report("rnsr")
    lines, rows = open_rows(path, delimiter=";", required=REQUIRED)
    total = max(lines - 1, 1)  # lines after the header: the progress bar's end
    existing = {lab.id: lab for lab in store.labs()}
    profiles = store.lab_profiles()
    for batch in _batches(path, rows, report):
        merged = []
        for lab in batch:
            old = existing.get(lab.id)
            if old is not None and old.description:
                lab = lab.model_copy(update={"description": old.description})
            merged.append((lab, old))
        changed = [lab for lab, old in merged if lab != old]
        extractions: list[Extraction] = extractor.extract_many(
            [lab.profile_text for lab in changed]
        )
        writes = []
        for lab, ex in zip(changed, extractions, strict=True):
            old = existing.get(lab.id)
            if old is None:
                report.created += 1
            elif profiles.get(lab.id) == ex and old == lab:
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            writes.append((lab, ex))
        report.unchanged += len(merged) - len(changed)
        if writes:
            store.upsert_labs(writes)
        if progress:
            progress("rnsr", min(report.read, total - 1), total)
    store.link_lab_parents()
    if progress:
        progress("rnsr", total, total)
    return report
