"""Industry track record: which companies a lab has worked with, when and on what, with networkx.

The graph is bipartite-plus: labs and companies linked to the projects they took part in. A lab
and a company that share a project collaborated; the collaboration's weight is the number of
shared projects, with their years.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from graph.model import Collaboration, Company, Participation, Project
from graph.ranking.scale import log_scaled


def participation_graph(
    projects: Iterable[Project], participations: Iterable[Participation]
) -> nx.Graph[tuple[str, str]]:
    """Nodes ``("project", id)``, ``("lab", id)``, ``("company", id)``; edges = participations."""
    g: nx.Graph[tuple[str, str]] = nx.Graph()
    for p in projects:
        g.add_node(("project", p.id), year=p.year, topic=p.topic or p.topic_code)
    for part in participations:
        g.add_edge((part.partner_kind, part.partner_id), ("project", part.project_id))
    return g


def derive_collaborations(
    projects: Iterable[Project], participations: Iterable[Participation]
) -> list[Collaboration]:
    """Lab–company pairs that share at least one project, with counts and years.

    >>> from graph.model import Participation as P, Project as Pr
    >>> projects = [Pr(id="A", source="anr", year=2015), Pr(id="B", source="anr", year=2018)]
    >>> parts = [P(project_id="A", partner_kind="lab", partner_id="L"),
    ...          P(project_id="A", partner_kind="company", partner_id="C"),
    ...          P(project_id="B", partner_kind="lab", partner_id="L"),
    ...          P(project_id="B", partner_kind="company", partner_id="C")]
    >>> derive_collaborations(projects, parts)
    [Collaboration(lab_id='L', company_id='C', projects=2, years=(2015, 2018))]
    """
    g = participation_graph(projects, participations)
    shared: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    for node, data in g.nodes(data=True):
        if node[0] != "project":
            continue
        partners = list(g.neighbors(node))
        labs = sorted(p[1] for p in partners if p[0] == "lab")
        companies = sorted(p[1] for p in partners if p[0] == "company")
        for lab in labs:
            for company in companies:
                shared[(lab, company)].append(data.get("year"))
    return [
        Collaboration(
            lab_id=lab,
            company_id=company,
            projects=len(years),
            years=tuple(sorted({y for y in years if y is not None})),
        )
        for (lab, company), years in sorted(shared.items())
    ]


def industry_strengths(
    collaborations: Iterable[Collaboration], smes: set[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per lab, how much it worked with companies and with SMEs (ids in ``smes``), in [0, 1]:
    ``log_scaled`` distinct partner companies. What the matcher's industry signal reads.
    """
    companies: Counter[str] = Counter()
    small: Counter[str] = Counter()
    for c in collaborations:
        companies[c.lab_id] += 1
        if c.company_id in smes:
            small[c.lab_id] += 1
    return log_scaled(companies), log_scaled(small)


@dataclass(frozen=True)
class TrackRecord:
    """A lab's work with industry."""

    lab_id: str
    companies: int = 0
    smes: int = 0
    projects_with_industry: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    """Distinct companies per year."""
    by_topic: dict[str, int] = field(default_factory=dict)
    """Projects with industry per topic (committee)."""
    partners: list[tuple[str, int]] = field(default_factory=list)
    """(company id, shared projects), most shared first."""


class TrackRecords:
    """Every lab's track record, from one participation graph built once."""

    def __init__(
        self,
        projects: Iterable[Project],
        participations: Iterable[Participation],
        companies: Iterable[Company],
    ) -> None:
        self.projects = {p.id: p for p in projects}
        self.companies = {c.id: c for c in companies}
        self.graph = participation_graph(self.projects.values(), participations)

    def of(self, lab_id: str) -> TrackRecord:
        """The industry track record of ``lab_id``."""
        g, me = self.graph, ("lab", lab_id)
        if me not in g:
            return TrackRecord(lab_id)
        per_company: Counter[str] = Counter()
        years: dict[int, set[str]] = defaultdict(set)
        topics: Counter[str] = Counter()
        with_industry = 0
        for project_node in g.neighbors(me):
            partners = [p[1] for p in g.neighbors(project_node) if p[0] == "company"]
            if not partners:
                continue
            with_industry += 1
            project = self.projects.get(project_node[1])
            if project is not None and project.year is not None:
                years[project.year].update(partners)
            topic = project and (project.topic or project.topic_code)
            if topic:
                topics[topic] += 1
            per_company.update(partners)
        smes = sum(
            1 for c in per_company if (co := self.companies.get(c)) is not None and co.is_sme
        )
        return TrackRecord(
            lab_id=lab_id,
            companies=len(per_company),
            smes=smes,
            projects_with_industry=with_industry,
            by_year={y: len(cs) for y, cs in sorted(years.items())},
            by_topic=dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
            partners=sorted(per_company.items(), key=lambda kv: (-kv[1], kv[0])),
        )
