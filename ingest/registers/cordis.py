"""CORDIS loader: EU-funded projects (Horizon Europe, H2020), their lab and company partners.

Written against the official CORDIS table schema (``project`` and ``organization`` tables); the
delimiter of each file is read from its header line (``,`` for the official exports, ``|`` for
the Horizon Europe sample), so both load.

The projects file is read and checked whole first. Each project becomes a Project node
``cordis:<id>``: acronym, start year (the signature year when the start date is missing), first
topic code, funding scheme as its topic label, and ``title. objective`` as its text, which goes
through the extraction pipeline so that the project is ABOUT the concepts it mentions.

The organisations file is then streamed, one row per participation. By activity type: ``PRC``
(private company) is a Company keyed by its SIREN when its VAT number is French (``FR`` + 2
check characters + SIREN), otherwise by its normalised name, so one company written several ways
becomes one node (the report lists the merges); its category is ``PME`` when CORDIS flags it as
an SME. ``HES`` and ``REC`` (higher education, research organisation) are labs keyed by their
normalised name (CORDIS has no RNSR code); a lab already in the store is left as it is, a new
one gets its name as its profile. Other types (``PUB``, ``OTH``...) are counted as ignored. Each
kept row is a PARTICIPATED_IN link, coordinator when its role says so. A row whose project is
not in the projects file, with an empty name or an SME value other than True/False is rejected
with its file, line and reason. Lab–company COLLABORATED_WITH edges are then derived from shared
projects (``graph.ranking.track_record``), over every source in the store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from graph.extractor import Extractor
from graph.model import Company, Extraction, Lab, Participation, Project
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.loaders import PartnerBatch, Partners, batched
from ingest.registers.profiles import ProfileBuilder, ProfileReads, Text
from ingest.registers.readers import Report, RowError, open_rows, read_rows
from ingest.registers.resolve import city_name, company_id
from ingest.registers.table import Job

SOURCE = "cordis"
ID_PREFIX = "cordis:"

COL_ID = "id"
COL_ACRONYM = "acronym"
COL_TITLE = "title"
COL_START = "startDate"
COL_OBJECTIVE = "objective"
COL_TOPICS = "topics"
COL_SCHEME = "fundingScheme"
COL_SIGNATURE = "ecSignatureDate"
PROJECT_REQUIRED = (COL_ID, COL_ACRONYM, COL_TITLE, COL_START, COL_OBJECTIVE)

COL_PROJECT = "projectID"
COL_NAME = "name"
COL_SHORT = "shortName"
COL_SME = "SME"
COL_TYPE = "activityType"
COL_CITY = "city"
COL_VAT = "vatNumber"
COL_ROLE = "role"
ORG_REQUIRED = (COL_PROJECT, COL_NAME, COL_SME, COL_TYPE, "city", "country")

COMPANY_TYPES = frozenset({"PRC"})
LAB_TYPES = frozenset({"HES", "REC"})
SME_CATEGORY = "PME"
OTHER_CATEGORY = "Entreprise autre que TPE ou PME"
DELIMITERS = (",", "|")
BATCH = 2000
"""Organisation rows per write."""
TEXT_BATCH = 200
"""Project texts per extraction batch and write."""

_PROJECT_ID = re.compile(r"^\d+$")
_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}")
_FRENCH_VAT = re.compile(r"^FR[0-9A-Z]{2}(\d{9})$")


def french_siren(vat: str) -> str | None:
    """The SIREN inside a French VAT number, else None.

    >>> french_siren("FR12345678901")
    '345678901'
    >>> french_siren("fr 28 345349849"), french_siren("NL811383696B01"), french_siren("")
    ('345349849', None, None)
    """
    m = _FRENCH_VAT.match(re.sub(r"[\s.-]", "", vat).upper())
    return m.group(1) if m else None


def _clean(value: str) -> str:
    return " ".join(value.split())


def _year(*dates: str) -> int | None:
    for date in dates:
        m = _DATE.match(date.strip())
        if m:
            return int(m.group(1))
    return None


def _text(title: str, objective: str) -> str:
    """``title. objective``, without doubling the title's own final punctuation."""
    if not title or not objective:
        return title or objective
    return f"{title} {objective}" if title[-1] in ".!?" else f"{title}. {objective}"


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def parse_project(row: dict[str, str], file: str, line: int) -> Project | RowError:
    """One project row as a Project, or why it cannot be one."""
    raw = row[COL_ID].strip()
    if not _PROJECT_ID.match(raw):
        return RowError(file, line, f"identifiant de projet invalide / invalid project id: {raw!r}")
    topics = [t.strip() for t in row.get(COL_TOPICS, "").split(";") if t.strip()]
    return Project(
        id=ID_PREFIX + raw,
        source=SOURCE,
        acronym=_clean(row[COL_ACRONYM]) or None,
        year=_year(row[COL_START], row.get(COL_SIGNATURE, "")),
        topic_code=topics[0] if topics else None,
        topic=_clean(row.get(COL_SCHEME, "")) or None,
        text=_text(_clean(row[COL_TITLE]), _clean(row[COL_OBJECTIVE])),
    )


def read_projects(path: Path, report: Report) -> dict[str, Project]:
    """Every valid project of the file, by id; bad rows go to ``report``. Writes nothing."""
    projects: dict[str, Project] = {}
    for line, row in report.readable(
        read_rows(path, delimiter=DELIMITERS, required=PROJECT_REQUIRED)
    ):
        project = parse_project(row, path.name, line)
        if isinstance(project, RowError):
            report.reject(project)
        elif project.id in projects:
            report.reject(
                RowError(path.name, line, f"projet en double / duplicate project: {row[COL_ID]!r}")
            )
        else:
            projects[project.id] = project
    return projects


class _CordisLoad(Partners):
    def __init__(self, store: GraphStore, extractor: Extractor, report: Report) -> None:
        super().__init__(store, report)
        self.extractor = extractor
        self.project_ids: set[str] = set()
        self.seen_labs: set[str] = set()
        self.seen_companies: set[str] = set()
        self.coordinators: set[tuple[str, str, str]] = set()

    def write_projects(self, projects: Iterable[Project], progress: Callable[[int], None]) -> None:
        """Write the projects that differ from the store's, with their concepts (ABOUT)."""
        r, stored = self.report, {p.id: p for p in self.store.projects()}
        items = list(projects)
        self.project_ids = {p.id for p in items}
        for start in range(0, len(items), TEXT_BATCH):
            chunk = items[start : start + TEXT_BATCH]
            changed = [p for p in chunk if stored.get(p.id) != p]
            r.unchanged += len(chunk) - len(changed)
            if changed:
                worded = [p for p in changed if _has_words(p.text)]
                found = self.extractor.extract_many([p.text for p in worded])
                topics = {p.id: Extraction(language="en") for p in changed}
                topics.update({p.id: ex for p, ex in zip(worded, found, strict=True)})
                self.store.upsert_projects(changed, (), topics)
                for p in changed:
                    if p.id in stored:
                        r.updated += 1
                    else:
                        r.created += 1
            progress(start + len(chunk))

    def add(self, batch: PartnerBatch, row: dict[str, str], file: str, line: int) -> None:
        raw = row[COL_PROJECT].strip()
        project_id = ID_PREFIX + raw
        if project_id not in self.project_ids:
            self.report.reject(
                RowError(
                    file,
                    line,
                    f"projet absent du fichier des projets / project not in the projects file:"
                    f" {raw!r}",
                )
            )
            return
        name = _clean(row[COL_NAME])
        if not _has_words(name):
            self.report.reject(
                RowError(file, line, "nom de l'organisation vide / empty organisation name")
            )
            return
        sme = row[COL_SME].strip().lower()
        if sme not in {"true", "false"}:
            self.report.reject(
                RowError(file, line, f"valeur SME inconnue / unknown SME value: {row[COL_SME]!r}")
            )
            return
        activity = row[COL_TYPE].strip().upper()
        if activity in COMPANY_TYPES:
            kind, pid = "company", self.company(batch, row, name, sme == "true")
        elif activity in LAB_TYPES:
            kind, pid = "lab", self.lab(batch, row, name)
        else:
            self.report.ignored += 1
            return
        key = (project_id, kind, pid)
        if row.get(COL_ROLE, "").strip().lower() == "coordinator":
            self.coordinators.add(key)
        # a partner listed twice: coordinator if either row says so, in any batch
        batch.participations[key] = Participation(
            project_id=project_id,
            partner_kind=kind,
            partner_id=pid,
            coordinator=key in self.coordinators,
        )

    def company(self, batch: PartnerBatch, row: dict[str, str], name: str, sme: bool) -> str:
        siren = french_siren(row.get(COL_VAT, ""))
        cid = company_id(name, siren)
        self.merges.add(cid, name)
        if cid in self.seen_companies:
            return cid
        # the first spelling and place seen define the node: the same on every run
        self.seen_companies.add(cid)
        before = self.companies.get(cid)
        company = Company(
            id=cid,
            name=name,
            city=city_name(row[COL_CITY]),
            # what CORDIS does not tell stays as another source wrote it
            naf=before.naf if before else None,
            size=SME_CATEGORY if sme else "GE",
            category=SME_CATEGORY if sme else OTHER_CATEGORY,
            region=before.region if before else None,
            siren=siren,
        )
        if before == company:
            self.report.unchanged += 1
        else:
            batch.companies[cid] = company
        return cid

    def lab(self, batch: PartnerBatch, row: dict[str, str], name: str) -> str:
        lid = self.lab_names.resolve(name, None, self.merges)
        if lid in self.seen_labs:
            return lid
        self.seen_labs.add(lid)
        if lid in self.labs:
            self.report.unchanged += 1  # already in the store: left as it is
        else:
            batch.labs[lid] = Lab(
                id=lid,
                name=name,
                acronym=_clean(row.get(COL_SHORT, "")) or None,
                city=city_name(row[COL_CITY]),
                kind="organisation",
            )
        return lid

    def flush(self, batch: PartnerBatch) -> None:
        self.write(batch)
        parts = self.changed_links(batch)
        if parts:
            # the projects were written first: only the links are written here
            self.store.upsert_projects((), parts)
            self.remember(parts)


def ingest_cordis(
    projects_path: Path,
    organizations_path: Path,
    store: GraphStore,
    extractor: Extractor,
    progress: Progress | None = None,
) -> Report:
    """Load CORDIS projects and their partners into ``store``; a second run changes nothing.

    Both files are checked (encoding, delimiter, required columns) before anything is written.
    """
    report = Report(SOURCE)
    projects = read_projects(projects_path, report)
    # the organisations file is checked whole now, before anything is written
    org_lines, org_rows = open_rows(organizations_path, delimiter=DELIMITERS, required=ORG_REQUIRED)
    n_projects = report.read
    total = max(n_projects + org_lines - 1, 1)

    def advance(done: int) -> None:
        if progress:
            progress("cordis", min(done, total - 1), total)

    load = _CordisLoad(store, extractor, report)
    load.write_projects(projects.values(), advance)
    for rows in batched(report.readable(org_rows), BATCH):
        batch = PartnerBatch()
        for line, row in rows:
            load.add(batch, row, organizations_path.name, line)
        load.flush(batch)
        if len(rows) == BATCH:
            advance(report.read)
    load.finish(progress, ProfileBuilder(store, extractor))
    return report


MAX_CORDIS = 5
"""The CORDIS projects of a unit whose objectives join its profile (a bound on the cost)."""


def cordis_texts(
    projects: Iterable[Project], participations: Iterable[Participation], most: int = MAX_CORDIS
) -> dict[str, list[str]]:
    """Each lab's CORDIS projects' titles and objectives (its ``most`` first, by project id)."""
    texts = {p.id: p.text for p in projects if p.source == "cordis" and p.text.strip()}
    out: dict[str, list[str]] = defaultdict(list)
    for part in sorted(participations, key=lambda p: p.project_id):
        text = texts.get(part.project_id)
        if part.partner_kind == "lab" and text and len(out[part.partner_id]) < most:
            out[part.partner_id].append(text)
    return dict(out)


def profile_texts(lab: Lab, reads: ProfileReads) -> list[Text]:
    """A unit's CORDIS projects' titles and objectives, written in English."""
    texts = reads.once("cordis", lambda: cordis_texts(reads.projects, reads.participations))
    return [Text(t, "en") for t in texts.get(lab.id, ())]


def load(job: Job) -> Report:
    """``passerelle ingest cordis PROJECTS ORGANIZATIONS``."""
    organizations = job.files.get("organizations")
    if organizations is None:
        raise ValueError("the CORDIS register needs its organisations' table")
    return ingest_cordis(job.source, organizations, job.store, job.analyser, job.progress)
