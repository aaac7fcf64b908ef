"""ANR loader: funded projects, their lab and company partners, and lab–company collaborations.

``anr_partners_*.csv.gz`` has one row per project partner. Each project becomes a Project node
(id, acronym, call year, committee code, and the committee's French label from
``anr_committees_ces.csv`` when the code is a CE code, else from our programme mapping).
Partners are linked by PARTICIPATED_IN: a partner with an RNSR code is that lab; a public lab
without one is the RNSR unit that alone bears its name, else an organisation keyed by its
normalised name (organisations count in track records but are never suggested); companies (PME, TPE, other enterprises) are keyed by their normalised name, so one company
written several ways becomes one node (the report lists the merges). Other partners (foreign,
foundations, other public bodies without an RNSR code) are counted as ignored. Lab–company
COLLABORATED_WITH edges are then derived from shared projects (``graph.ranking.track_record``), and
the units' profiles take in the themes of their projects (``ingest.registers.profiles``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.extractor import Extractor
from graph.model import Company, Lab, Participation, Project
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.loaders import RNSR_ID, SIREN, PartnerBatch, Partners, batched
from ingest.registers.profiles import ProfileBuilder
from ingest.registers.programmes import load_programmes
from ingest.registers.readers import Report, RowError, open_rows, read_rows
from ingest.registers.resolve import city_name, company_id
from ingest.registers.table import Job

COL_PROJECT = "id"
COL_PROJECT_PORTAL = "Projet.Code_Decision_ANR"
"""The project code's column in the file the ANR's portal serves (``passerelle fetch anr``);
the shared, converted file names it ``id``."""
COL_ACRONYM = "Projet.Acronyme"
COL_COORDINATOR = "Projet.Partenaire.Est_coordinateur"
COL_NAME = "Projet.Partenaire.Nom_organisme"
COL_CATEGORY = "Projet.Partenaire.Categorie_organisme"
COL_RNSR = "Projet.Partenaire.Code_RNSR"
COL_CITY = "Projet.Partenaire.Adresse.Ville"
COL_REGION = "Projet.Partenaire.Adresse.Region"
REQUIRED = (COL_PROJECT, COL_ACRONYM, COL_COORDINATOR, COL_NAME, COL_CATEGORY, COL_RNSR, COL_CITY)
COMMITTEE_COLUMNS = ("code", "libelle")

COMPANY_CATEGORIES = frozenset({"PME", "TPE", "Entreprise autre que TPE ou PME"})
PUBLIC_LAB = "Laboratoire public"
BATCH = 2000
PROJECT_ID = re.compile(r"^ANR-(\d{2})-([A-Z0-9]+)-\d{4}$")
"""An ANR project code: ``ANR-<year>-<committee or programme>-<number>``."""


def read_committees(path: Path) -> dict[str, str]:
    """CE code → French label."""
    out: dict[str, str] = {}
    for _line, row in read_rows(path, delimiter=",", required=COMMITTEE_COLUMNS):
        if isinstance(row, dict) and row["code"]:
            out[row["code"].strip().upper()] = " ".join(row["libelle"].split())
    return out


@dataclass
class _Batch(PartnerBatch):
    projects: dict[str, Project] = field(default_factory=dict)


def codes(row: dict[str, str]) -> tuple[str, str | None]:
    """The row's RNSR code and SIREN: some rows carry a company's SIREN in the RNSR column."""
    rnsr = row[COL_RNSR].strip().upper()
    return ("", rnsr) if SIREN.match(rnsr) else (rnsr, None)


def coded_labs(records: Iterable[tuple[int, dict[str, str] | RowError]]) -> set[tuple[str, str]]:
    """(name, RNSR code) of every row naming a lab with a valid code."""
    out = set()
    for _, row in records:
        if isinstance(row, RowError):
            continue
        rnsr, _ = codes(row)
        name = " ".join(row[COL_NAME].split())
        if name and RNSR_ID.match(rnsr):
            out.add((name, rnsr))
    return out


class _AnrLoad(Partners):
    def __init__(
        self,
        store: GraphStore,
        committees: dict[str, str],
        report: Report,
        coded: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(store, report, coded)
        self.committees = committees
        self.projects = {p.id: p for p in store.projects()}
        self.seen_companies: dict[str, Company] = {}

    def project(self, row: dict[str, str], file: str, line: int) -> Project | RowError:
        pid = row[COL_PROJECT].strip().upper()
        m = PROJECT_ID.match(pid)
        if m is None:
            return RowError(file, line, f"code projet invalide / invalid project id: {pid!r}")
        code = m.group(2)
        return Project(
            id=pid,
            source="anr",
            acronym=" ".join(row[COL_ACRONYM].split()) or None,
            year=2000 + int(m.group(1)),
            topic_code=code,
            topic=self.committees.get(code),
        )

    def add(self, batch: _Batch, row: dict[str, str], file: str, line: int) -> None:
        project = self.project(row, file, line)
        if isinstance(project, RowError):
            self.report.reject(project)
            return
        # the project exists even when this partner row is unusable
        batch.projects[project.id] = project
        name = " ".join(row[COL_NAME].split())
        if not name:
            self.report.reject(RowError(file, line, "nom du partenaire vide / empty partner name"))
            return
        rnsr, siren = codes(row)
        if rnsr and not RNSR_ID.match(rnsr):
            self.report.reject(
                RowError(file, line, f"code RNSR invalide / invalid RNSR code {rnsr!r}")
            )
            return
        category = " ".join(row[COL_CATEGORY].split())
        coordinator = row[COL_COORDINATOR].strip().lower() in {"true", "vrai", "1"}
        if rnsr or category == PUBLIC_LAB:
            kind, pid = "lab", self.lab_names.resolve(name, rnsr, self.merges)
            if pid not in self.labs and pid not in batch.labs:
                batch.labs[pid] = Lab(
                    id=pid, name=name, city=city_name(row[COL_CITY]), kind="organisation"
                )
        elif category in COMPANY_CATEGORIES:
            kind, pid = "company", company_id(name, siren)
            self.merges.add(pid, name)
            if pid not in self.seen_companies:
                # the first spelling and place seen define the node: the same on every run
                self.seen_companies[pid] = Company(
                    id=pid,
                    name=name,
                    city=city_name(row[COL_CITY]),
                    category=category,
                    size=category if category in {"PME", "TPE"} else "GE",
                    region=" ".join(row.get(COL_REGION, "").split()) or None,
                    siren=siren,
                )
                if self.companies.get(pid) != self.seen_companies[pid]:
                    batch.companies[pid] = self.seen_companies[pid]
        else:
            self.report.ignored += 1
            return
        key = (project.id, kind, pid)
        part = Participation(
            project_id=project.id, partner_kind=kind, partner_id=pid, coordinator=coordinator
        )
        previous = batch.participations.get(key)
        if previous is not None and previous.coordinator:
            part = previous  # a partner listed twice: coordinator if either row says so
        batch.participations[key] = part

    def flush(self, batch: _Batch) -> None:
        r = self.report
        self.write(batch)
        projects = [p for p in batch.projects.values() if self.projects.get(p.id) != p]
        parts = self.changed_links(batch)
        for p in projects:
            if p.id in self.projects:
                r.updated += 1
            else:
                r.created += 1
        r.unchanged += len(batch.projects) - len(projects)
        if projects or parts:
            # a project seen again in a later batch is written again with all its partners
            touched = {p.project_id for p in parts}
            write = {p.id: p for p in projects} | {
                pid: batch.projects[pid] for pid in touched if pid in batch.projects
            }
            self.store.upsert_projects(write.values(), parts)
            self.projects.update(write)
            self.remember(parts)


@dataclass(frozen=True)
class _PortalRecords:
    """The portal file's records with the project code under ``id``, afresh at each pass."""

    records: Iterable[tuple[int, dict[str, str] | RowError]]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        for line, row in self.records:
            yield (
                line,
                row if isinstance(row, RowError) else row | {COL_PROJECT: row[COL_PROJECT_PORTAL]},
            )


@dataclass(frozen=True)
class _FirstProjects:
    """The readable records of the first ``n`` projects the file names, in file order (every
    row of each, wherever it lies), afresh at each pass; unreadable rows are left out."""

    records: Iterable[tuple[int, dict[str, str] | RowError]]
    n: int

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | RowError]]:
        kept: set[str] = set()
        for line, row in self.records:
            if isinstance(row, RowError):
                continue
            pid = row[COL_PROJECT].strip().upper()
            if pid not in kept:
                if len(kept) >= self.n:
                    continue
                kept.add(pid)
            yield line, row


def partner_records(path: Path) -> tuple[int, Iterable[tuple[int, dict[str, str] | RowError]]]:
    """The partner rows and the file's line count, from the shared file (``id``) or from the
    portal's (``Projet.Code_Decision_ANR``), ``,`` or ``;`` separated."""
    try:
        return open_rows(path, delimiter=(",", ";"), required=REQUIRED)
    except InputError as shared:
        try:
            lines, records = open_rows(
                path, delimiter=(",", ";"), required=(COL_PROJECT_PORTAL, *REQUIRED[1:])
            )
        except InputError:
            raise shared from None
        return lines, _PortalRecords(records)


def ingest_anr(
    path: Path,
    store: GraphStore,
    extractor: Extractor,
    committees_path: Path | None = None,
    progress: Progress | None = None,
    *,
    sample: int | None = None,
) -> Report:
    """Load ANR projects and partners into ``store``; a second run changes nothing.

    ``committees_path`` defaults to ``anr_committees_ces.csv`` beside ``path`` when it is there.
    ``sample`` keeps only the first ``sample`` projects the file names (in file order), with
    all their partner rows, and leaves unreadable rows out: a short load for tests and
    notebooks, whose report counts the rows kept.
    """
    report = Report("anr")
    profiles = ProfileBuilder(store, extractor)
    if committees_path is None:
        beside = path.parent / "anr_committees_ces.csv"
        committees_path = beside if beside.exists() else None
    committees = {code: p.label_fr for code, p in load_programmes().items()}
    committees |= read_committees(committees_path) if committees_path else {}
    lines, records = partner_records(path)
    if sample is not None:
        records = _FirstProjects(records, max(sample, 0))
    total = max(lines - 1, 1)
    # first pass: the labs the file names with their RNSR code (one for those it names without)
    load = _AnrLoad(store, committees, report, sorted(coded_labs(records)))
    for rows in batched(report.readable(records), BATCH):
        batch = _Batch()
        for line, row in rows:
            load.add(batch, row, path.name, line)
        load.flush(batch)
        if progress and len(rows) == BATCH:
            progress("anr", min(report.read, total - 1), total)
    load.finish(progress, profiles)
    return report


def load(job: Job) -> Report:
    """``passerelle ingest anr FILE [--committees CSV]``."""
    return ingest_anr(
        job.source,
        job.store,
        job.analyser,
        job.files.get("committees"),
        job.progress,
        sample=job.sample,
    )
