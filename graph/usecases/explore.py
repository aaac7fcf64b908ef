"""Who works with whom: the lab–company collaboration graph for researchers' notebooks.

The graph is bipartite: research labs on one side, companies on the other, linked when they
took part in the same projects (ANR, CORDIS). Nodes are ``("lab", id)`` and
``("company", id)``, as in ``graph.ranking.track_record``, so that a lab and a company never share a
key. Every function here is pure: it reads what it is given (a store's reads, a graph) and
returns new values, so notebooks and tests call the same code.

Loading the registers into a store is ``ingest.registers.territory.load_registers``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx

from graph.geo import region_of
from graph.model import Company, Extraction, Lab, Participation, Project
from graph.rules.scope import Scope

Node = tuple[str, str]
"""A node of the collaboration graph: ``("lab", lab id)`` or ``("company", company id)``."""
UNKNOWN_REGION = "inconnue / unknown"
"""The region ``companies_by_region`` counts companies without one under."""


class CollaborationReads(Protocol):
    """The reads of a ``graph.store.ports.GraphStore`` that ``collaboration_graph`` needs."""

    def labs(self) -> list[Lab]: ...

    def companies(self) -> list[Company]: ...

    def projects(self) -> list[Project]: ...

    def participations(self) -> list[Participation]: ...


def lab(lab_id: str) -> Node:
    """The node of a lab.

    >>> lab("200918462H")
    ('lab', '200918462H')
    """
    return ("lab", lab_id)


def company(company_id: str) -> Node:
    """The node of a company.

    >>> company("siren:552100554")
    ('company', 'siren:552100554')
    """
    return ("company", company_id)


def collaboration_graph(store: CollaborationReads, *, isolates: bool = False) -> nx.Graph[Node]:
    """The lab–company graph of a store: an edge for every lab and company that shared a project.

    Parameters
    ----------
    store : GraphStore
        Any store (only its ``labs``, ``companies``, ``projects`` and ``participations`` are
        read, once each).
    isolates : bool
        Also keep the labs and companies that shared no project with the other side (degree 0).

    Returns
    -------
    networkx.Graph
        Lab nodes carry ``kind="lab"``, ``name``, ``acronym``, ``city``, ``region`` (from the
        postcode), ``institutions`` and ``unit`` (a research unit, not a partner organisation);
        company nodes ``kind="company"``, ``name``, ``city``, ``region``, ``category`` and
        ``sme``. An edge carries ``weight`` (shared projects), ``projects`` (their ids),
        ``years`` (their distinct years) and ``committees`` (shared projects by ANR committee
        or programme code). ``g.graph["committees"]`` gives each code's label.

    Examples
    --------
    >>> from graph.model import Company, Lab, Participation as P, Project
    >>> class Store:
    ...     def labs(self): return [Lab(id="L", name="Lab", postcode="54000")]
    ...     def companies(self): return [Company(id="C", name="Co", category="PME")]
    ...     def projects(self): return [Project(id="A", source="anr", year=2015,
    ...                                         topic_code="CE08", topic="Matériaux")]
    ...     def participations(self): return [
    ...         P(project_id="A", partner_kind="lab", partner_id="L"),
    ...         P(project_id="A", partner_kind="company", partner_id="C")]
    >>> g = collaboration_graph(Store())
    >>> g.edges[lab("L"), company("C")]["weight"], g.nodes[lab("L")]["region"]
    (1, 'Grand Est')
    """
    projects = {p.id: p for p in store.projects()}
    partners: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for part in store.participations():
        labs, companies = partners[part.project_id]
        (labs if part.partner_kind == "lab" else companies).append(part.partner_id)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for project_id in sorted(partners):
        labs, companies = partners[project_id]
        for lab_id in set(labs):
            for company_id in set(companies):
                shared[(lab_id, company_id)].append(project_id)
    linked_labs = {lab_id for lab_id, _ in shared}
    linked_companies = {company_id for _, company_id in shared}

    g: nx.Graph[Node] = nx.Graph()
    g.graph["committees"] = {
        p.topic_code: p.topic or p.topic_code for p in projects.values() if p.topic_code
    }
    for unit in store.labs():
        if isolates or unit.id in linked_labs:
            g.add_node(
                lab(unit.id),
                kind="lab",
                name=unit.name,
                acronym=unit.acronym,
                city=unit.city,
                region=region_of(unit.postcode),
                institutions=unit.institutions,
                unit=unit.is_unit,
            )
    for co in store.companies():
        if isolates or co.id in linked_companies:
            g.add_node(
                company(co.id),
                kind="company",
                name=co.name,
                city=co.city,
                region=co.region,
                category=co.category,
                sme=co.is_sme,
            )
    for (lab_id, company_id), ids in sorted(shared.items()):
        if lab(lab_id) not in g or company(company_id) not in g:
            continue  # a participation whose partner the store does not hold
        years = sorted({y for pid in ids if (y := _year(projects.get(pid))) is not None})
        committees = Counter(
            code for pid in ids if (code := _committee(projects.get(pid))) is not None
        )
        g.add_edge(
            lab(lab_id),
            company(company_id),
            weight=len(ids),
            projects=tuple(ids),
            years=tuple(years),
            committees=dict(sorted(committees.items())),
        )
    return g


def _year(project: Project | None) -> int | None:
    return project.year if project is not None else None


def _committee(project: Project | None) -> str | None:
    return project.topic_code if project is not None else None


def nodes_of(g: nx.Graph[Node], kind: str) -> list[Node]:
    """The nodes of one kind (``"lab"`` or ``"company"``), sorted.

    >>> g = nx.Graph([(lab("b"), company("x")), (lab("a"), company("x"))])
    >>> nodes_of(g, "lab")
    [('lab', 'a'), ('lab', 'b')]
    """
    return sorted(n for n in g if n[0] == kind)


def lab_projection(g: nx.Graph[Node]) -> nx.Graph[Node]:
    """Labs linked when they worked with the same companies; ``weight`` = shared companies.

    The weighted bipartite projection of ``g`` onto its labs (node attributes kept; a lab
    that shares no company with another stays, alone).

    Examples
    --------
    >>> g = nx.Graph([(lab("a"), company("x")), (lab("b"), company("x")),
    ...               (lab("a"), company("y")), (lab("b"), company("y")),
    ...               (lab("c"), company("y"))])
    >>> p = lab_projection(g)
    >>> sorted((u[1], v[1], w) for u, v, w in p.edges(data="weight"))
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    projected: nx.Graph[Node] = nx.bipartite.weighted_projected_graph(g, nodes_of(g, "lab"))
    return projected


def degree_table(g: nx.Graph[Node], weight: str | None = None) -> dict[str, Counter[int]]:
    """Degree distribution by node kind: ``{kind: Counter({degree: number of nodes})}``.

    With ``weight="weight"`` the degree is the number of shared projects (the node's strength)
    rather than the number of partners.

    Examples
    --------
    >>> g = nx.Graph([(lab("a"), company("x")), (lab("b"), company("x"))])
    >>> g.add_node(lab("c"))
    >>> table = degree_table(g)
    >>> sorted(table["lab"].items()), sorted(table["company"].items())
    ([(0, 1), (1, 2)], [(2, 1)])
    """
    table: dict[str, Counter[int]] = defaultdict(Counter)
    for node, degree in g.degree(weight=weight):
        table[node[0]][int(degree)] += 1
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class Community:
    """A community of the collaboration graph: labs and companies that work mostly together.

    Attributes
    ----------
    members : frozenset of Node
        Every node of the community.
    labs, companies : tuple of str
        Its labs' and companies' ids, sorted.
    dominant_concepts : tuple of (str, str)
        The ``(concept id, label)`` most weighted across its labs' profiles, heaviest first.
    committees : tuple of (str, str, int)
        The ``(code, label, shared projects)`` of the ANR committees or programmes most
        frequent on its internal edges, most frequent first.
    """

    members: frozenset[Node]
    labs: tuple[str, ...]
    companies: tuple[str, ...]
    dominant_concepts: tuple[tuple[str, str], ...]
    committees: tuple[tuple[str, str, int], ...]

    def __len__(self) -> int:
        return len(self.members)


def communities(
    g: nx.Graph[Node],
    profiles: Mapping[str, Extraction],
    concept_labels: Mapping[str, str],
    *,
    seed: int = 0,
    resolution: float = 1.0,
    top_concepts: int = 5,
    top_committees: int = 3,
) -> list[Community]:
    """Louvain communities of ``g`` (weighted by shared projects), largest first.

    Parameters
    ----------
    g : networkx.Graph
        A collaboration graph (``collaboration_graph``, or a part of it such as ``territory``).
    profiles : Mapping[str, Extraction]
        Each lab's profile by lab id (``store.lab_profiles()``).
    concept_labels : Mapping[str, str]
        Each concept's label by id (``{c.id: c.label_fr for c in store.concepts()}``); an
        unknown concept is named by its id.
    seed : int
        Louvain's random seed: the same seed and graph give the same communities.
    resolution : float
        Above 1, smaller communities; below 1, larger ones.
    top_concepts, top_committees : int
        How many dominant concepts and committees each community names.

    Returns
    -------
    list of Community
        By decreasing size, then by smallest member.
    """
    if g.number_of_nodes() == 0:
        return []
    groups = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    labels: Mapping[str, Any] = g.graph.get("committees", {})
    out = []
    for group in groups:
        members = frozenset(group)
        labs = tuple(sorted(n[1] for n in members if n[0] == "lab"))
        concepts: defaultdict[str, float] = defaultdict(float)
        for lab_id in labs:
            for m in profiles.get(lab_id, Extraction(language="fr")).mentions:
                concepts[m.concept_id] += m.weight
        committees: Counter[str] = Counter()
        for _, _, data in g.subgraph(members).edges(data=True):
            committees.update(data.get("committees", {}))
        out.append(
            Community(
                members=members,
                labs=labs,
                companies=tuple(sorted(n[1] for n in members if n[0] == "company")),
                dominant_concepts=tuple(
                    (cid, concept_labels.get(cid, cid))
                    for cid, _ in _top(concepts.items(), top_concepts)
                ),
                committees=tuple(
                    (code, str(labels.get(code, code)), int(n))
                    for code, n in _top(committees.items(), top_committees)
                ),
            )
        )
    return sorted(out, key=lambda c: (-len(c.members), min(c.members)))


def _top(items: Iterable[tuple[str, float]], n: int) -> list[tuple[str, float]]:
    """The ``n`` heaviest items, ties by key.

    >>> _top([("b", 1.0), ("a", 1.0), ("c", 2.0)], 2)
    [('c', 2.0), ('a', 1.0)]
    """
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))[:n]


def territory(g: nx.Graph[Node], scope: Scope, labs: Mapping[str, Lab]) -> nx.Graph[Node]:
    """The part of ``g`` a scope serves: its research units and the companies they worked with.

    Parameters
    ----------
    g : networkx.Graph
        A collaboration graph.
    scope : Scope
        Which units: an institution (« Université de Lorraine ») and/or a region.
    labs : Mapping[str, Lab]
        Every lab by id (``{lab.id: lab for lab in store.labs()}``): a lab node absent from
        it, or not a unit (a partner organisation), is left out.

    Returns
    -------
    networkx.Graph
        A new graph (attributes copied): the admitted units of ``g``, their companies, and
        the edges between them.
    """
    units = {
        n
        for n in g
        if n[0] == "lab" and (unit := labs.get(n[1])) is not None and unit.is_unit
        if scope.admits(unit)
    }
    keep = units | {c for u in units for c in g.neighbors(u) if c[0] == "company"}
    sub: nx.Graph[Node] = g.subgraph(keep).copy()
    return sub


def companies_by_region(g: nx.Graph[Node]) -> Counter[str]:
    """How many company nodes of ``g`` lie in each region (``UNKNOWN_REGION`` without one).

    >>> g = nx.Graph()
    >>> g.add_node(company("a"), region="Grand Est")
    >>> g.add_node(company("b"), region="Grand Est")
    >>> g.add_node(company("c"))
    >>> g.add_node(lab("x"), region="Bretagne")
    >>> companies_by_region(g).most_common()
    [('Grand Est', 2), ('inconnue / unknown', 1)]
    """
    return Counter(
        str(data.get("region") or UNKNOWN_REGION)
        for n, data in g.nodes(data=True)
        if n[0] == "company"
    )


def degrees_by(g: nx.Graph[Node], kind: str, attribute: str) -> dict[Any, list[int]]:
    """The degrees of one kind of node, grouped by one of their attributes, each list sorted.

    >>> g = nx.Graph([(lab("a"), company("x")), (lab("b"), company("x")), (lab("a"), company("y"))])
    >>> g.nodes[company("x")]["sme"], g.nodes[company("y")]["sme"] = True, False
    >>> degrees_by(g, "company", "sme")
    {False: [1], True: [2]}
    """
    groups: defaultdict[Any, list[int]] = defaultdict(list)
    for node in nodes_of(g, kind):
        groups[g.nodes[node].get(attribute)].append(int(g.degree(node)))
    return {key: sorted(groups[key]) for key in sorted(groups, key=repr)}


def heaviest_edges(g: nx.Graph[Node], n: int = 10) -> list[tuple[Node, Node, int]]:
    """The ``n`` edges of greatest ``weight``, heaviest first, ties by their nodes.

    >>> g = nx.Graph()
    >>> g.add_edge(lab("b"), lab("c"), weight=2)
    >>> g.add_edge(lab("a"), lab("b"), weight=2)
    >>> g.add_edge(lab("a"), lab("c"), weight=5)
    >>> [(u[1], v[1], w) for u, v, w in heaviest_edges(g, 2)]
    [('a', 'c', 5), ('a', 'b', 2)]
    """
    edges = [(min(u, v), max(u, v), int(w)) for u, v, w in g.edges(data="weight", default=1)]
    return sorted(edges, key=lambda e: (-e[2], e[0], e[1]))[:n]


@dataclass(frozen=True)
class Reach:
    """How far a scope's research units reach industry in the projects a store holds.

    Attributes
    ----------
    units : int
        The scope's research units in the store (the RNSR's, for a territory).
    with_projects : int
        Those that took part in at least one project.
    with_companies : int
        Those that shared at least one project with a company.
    companies : int
        The distinct companies they shared projects with.
    """

    units: int
    with_projects: int
    with_companies: int
    companies: int


def reach(
    g: nx.Graph[Node],
    participations: Iterable[Participation],
    labs: Mapping[str, Lab],
    scope: Scope,
) -> Reach:
    """The reach of ``scope``'s units: how many took part in projects, and with companies.

    Parameters
    ----------
    g : networkx.Graph
        The collaboration graph (``collaboration_graph(store)``).
    participations : iterable of Participation
        Every participation (``store.participations()``).
    labs : Mapping[str, Lab]
        Every lab by id.
    scope : Scope
        Which units.

    Examples
    --------
    >>> from graph.model import Participation as P
    >>> labs = {i: Lab(id=i, name=i, institutions=("UL",)) for i in ("a", "b", "c")}
    >>> parts = [P(project_id="1", partner_kind="lab", partner_id="a"),
    ...          P(project_id="1", partner_kind="company", partner_id="x"),
    ...          P(project_id="2", partner_kind="lab", partner_id="b")]
    >>> g = nx.Graph([(lab("a"), company("x"))])
    >>> reach(g, parts, labs, Scope(institution="UL"))
    Reach(units=3, with_projects=2, with_companies=1, companies=1)
    """
    units = {i for i, unit in labs.items() if unit.is_unit and scope.admits(unit)}
    active = {p.partner_id for p in participations if p.partner_kind == "lab"} & units
    linked = {u for u in units if lab(u) in g and g.degree(lab(u)) > 0}
    partners = {c for u in linked for c in g.neighbors(lab(u)) if c[0] == "company"}
    return Reach(
        units=len(units),
        with_projects=len(active),
        with_companies=len(linked),
        companies=len(partners),
    )
