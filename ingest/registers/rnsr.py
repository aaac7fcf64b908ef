"""RNSR loader: every French public research unit as a lab, its capabilities from its domains.

The register (``rnsr_structures_actives.csv``, ``;``-separated, multi-valued fields ``;``-joined
inside quotes) gives each unit's RNSR id, name, acronym, address, parent institutions (tutelles),
parent units, French scientific domains and English ERC panels. The domains and panels go
through the extraction pipeline (the panels as English) to become the unit's capabilities
(``ingest.registers.profiles``); a unit that already has a description keeps it, and its profile is built
from both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from graph.extractor import Extractor
from graph.model import SUPPLIED_LAB_FIELDS, Lab
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.loaders import RNSR_ID
from ingest.registers.profiles import ProfileBuilder, ProfileReads, Text
from ingest.registers.readers import Report, RowError, open_rows, read_rows, split_values
from ingest.registers.resolve import city_name
from ingest.registers.table import Job

REQUIRED = ("numero_national_de_structure", "libelle", "commune")
BATCH = 500


def _split(value: str) -> tuple[str, ...]:
    return split_values(value, ";")


def parse_row(row: dict[str, str], file: str, line: int) -> Lab | RowError:
    """One register row as a Lab, or the reason it is rejected."""
    rnsr = row["numero_national_de_structure"].strip().upper()
    if not RNSR_ID.match(rnsr):
        return RowError(file, line, f"numéro RNSR invalide / invalid RNSR id: {rnsr!r}")
    name = " ".join(row["libelle"].split())
    if not name:
        return RowError(file, line, "libellé vide / empty name (libelle)")
    parents = [p.upper() for p in _split(row.get("numero_de_structure_parent", ""))]
    return Lab(
        id=rnsr,
        name=name,
        acronym=" ".join(row.get("sigle", "").split()) or None,
        city=city_name(row["commune"]),
        postcode=row.get("code_postal", "").strip() or None,
        institutions=tuple(_split(row.get("tutelles", ""))),
        institution_codes=tuple(_split(row.get("sigles_des_tutelles", ""))),
        parent_ids=tuple(p for p in parents if RNSR_ID.match(p) and p != rnsr),
        domains="; ".join(_split(row.get("domaine_scientifique", ""))),
        panels="; ".join(_split(row.get("panel_erc", ""))),
        kind="unit",
    )


def read_domains(path: Path) -> dict[str, str]:
    """Each valid unit's scientific domains and ERC panels, by RNSR id (bad rows skipped)."""
    domains: dict[str, str] = {}
    for line, row in read_rows(path, delimiter=";", required=REQUIRED):
        if isinstance(row, dict):
            lab = parse_row(row, path.name, line)
            if not isinstance(lab, RowError):
                domains[lab.id] = "\n".join(t for t in (lab.domains, lab.panels) if t)
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
    profiles = ProfileBuilder(store, extractor)
    lines, rows = open_rows(path, delimiter=";", required=REQUIRED)
    total = max(lines - 1, 1)  # lines after the header: the progress bar's end
    existing = {lab.id: lab for lab in store.labs()}
    kept = (*SUPPLIED_LAB_FIELDS, "profile_key")
    for batch in _batches(path, rows, report):
        merged = []
        for lab in batch:
            old = existing.get(lab.id)
            if old is not None:
                # what an institution supplied stays; the register's fields are refreshed
                lab = lab.model_copy(update={k: getattr(old, k) for k in kept})
            merged.append(lab)
        changed = [lab for lab in merged if lab != existing.get(lab.id)]
        rebuilt = profiles.writes(merged, {lab.id for lab in changed})
        for lab in merged:
            if lab.id not in existing:
                report.created += 1
            elif lab.id in rebuilt:
                report.updated += 1
            else:
                report.unchanged += 1
        if rebuilt:
            store.upsert_labs(rebuilt.values())
        if progress:
            progress("rnsr", min(report.read, total - 1), total)
    store.link_lab_parents()
    if progress:
        progress("rnsr", total, total)
    return report


def load(job: Job) -> Report:
    """``passerelle ingest rnsr FILE``."""
    return ingest_rnsr(job.source, job.store, job.analyser, job.progress)


def profile_texts(lab: Lab, reads: ProfileReads) -> list[Text]:
    """What a unit's register entry gives its profile: its French scientific domains, its ERC
    panels (English)."""
    return [Text(lab.domains, "fr"), Text(lab.panels, "en")]
