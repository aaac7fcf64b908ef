"""What register loaders share: the identifiers they check (RNSR codes, SIREN), batching, and
the partner handling of project registers (ANR, CORDIS): the store's known labs, companies and
participations, writing a batch's new partners, and what follows a load of projects
(collaborations derived again, profiles).

Each register is declared in ``ingest.registers.table``; its module holds its ``load(job)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from graph.model import Company, Extraction, Lab, Participation
from graph.ranking.track_record import derive_collaborations
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.readers import Report
from ingest.registers.resolve import LabNames, Merges


class Refresher(Protocol):
    """What rebuilds the units' stale profiles (``ingest.registers.profiles.ProfileBuilder``)."""

    def refresh(self, *, progress: Progress | None = None) -> int: ...


RNSR_ID = re.compile(r"^\d{9}[A-Z]$")
"""An RNSR unit code: nine digits and a letter."""
SIREN = re.compile(r"^\d{9}$")
"""A company's SIREN: nine digits."""

T = TypeVar("T")
PartnerKey = tuple[str, str, str]
"""(project id, partner kind, partner id): one participation."""


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter, none empty).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class PartnerBatch:
    """A batch of a project register's partners: new labs, new or changed companies, links."""

    labs: dict[str, Lab] = field(default_factory=dict)
    companies: dict[str, Company] = field(default_factory=dict)
    participations: dict[PartnerKey, Participation] = field(default_factory=dict)


class Partners:
    """What a project register's load knows of the store's partners, and writes of them.

    ``coded``: (name, RNSR code) of the labs the file names with their code, so that a lab it
    names without one is the unit of that name (see ``ingest.registers.resolve.LabNames``).
    """

    def __init__(
        self, store: GraphStore, report: Report, coded: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.store, self.report = store, report
        known = store.labs()
        self.labs = {lab.id for lab in known}
        self.lab_names = LabNames(known, coded)
        self.companies = {c.id: c for c in store.companies()}
        self.participations: dict[PartnerKey, Participation] = {
            (p.project_id, p.partner_kind, p.partner_id): p for p in store.participations()
        }
        self.merges = Merges()

    def write(self, batch: PartnerBatch) -> None:
        """Write the batch's new labs and new or changed companies (see ``write_partners``)."""
        write_partners(
            self.store, self.report, batch.labs, batch.companies, self.labs, self.companies
        )

    def changed_links(self, batch: PartnerBatch) -> list[Participation]:
        """The batch's participations the store does not hold as they are."""
        return [p for k, p in batch.participations.items() if self.participations.get(k) != p]

    def remember(self, links: Iterable[Participation]) -> None:
        """``links`` are written."""
        self.participations.update({(p.project_id, p.partner_kind, p.partner_id): p for p in links})

    def finish(self, progress: Progress | None, profiles: Refresher | None) -> None:
        """After the load: see ``finish_partners``."""
        finish_partners(self.store, self.report, self.merges, progress, profiles)


def write_partners(
    store: GraphStore,
    report: Report,
    labs: dict[str, Lab],
    companies: dict[str, Company],
    known_labs: set[str],
    known_companies: dict[str, Company],
) -> None:
    """Write a batch's new labs (with no profile yet: a name is no evidence of capability) and
    new or changed companies, counting them in ``report`` and remembering them in
    ``known_labs`` / ``known_companies``.
    """
    new_labs = list(labs.values())
    if new_labs:
        store.upsert_labs((lab, Extraction(language="fr")) for lab in new_labs)
        known_labs.update(labs)
        report.created += len(new_labs)
    if companies:
        for c in companies.values():
            if c.id in known_companies:
                report.updated += 1
            else:
                report.created += 1
        store.upsert_companies(companies.values())
        known_companies.update(companies)


def finish_partners(
    store: GraphStore,
    report: Report,
    merges: Merges,
    progress: Progress | None = None,
    profiles: Refresher | None = None,
) -> None:
    """After a load of projects and partners: PART_OF links (units a register lacked may be
    parents of units it has), lab–company collaborations derived again over every source in the
    store, the units' profiles with their projects' themes, and the report's merges.
    """
    store.link_lab_parents()
    if progress:
        progress("collab.", 0, 1)
    store.replace_collaborations(derive_collaborations(store.projects(), store.participations()))
    if progress:
        progress("collab.", 1, 1)
    if profiles is not None:
        profiles.refresh(progress=progress)
    report.merges = merges.merged()
