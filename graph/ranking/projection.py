"""Domain objects to networkx graphs: the concept hierarchy and the whole knowledge graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from graph.model import Concept, Extraction, Lab, Need


def concept_hierarchy(concepts: Iterable[Concept]) -> nx.DiGraph[str]:
    """Directed graph with an edge ``narrower -> broader`` for every BROADER link.

    Examples
    --------
    >>> from graph.model import Concept
    >>> g = concept_hierarchy([
    ...     Concept(id="welding", kind="process", label_fr="soudage", label_en="welding"),
    ...     Concept(id="tig", kind="process", label_fr="soudage TIG", label_en="TIG welding",
    ...             broader=("welding",)),
    ... ])
    >>> list(g.edges)
    [('tig', 'welding')]
    """
    g: nx.DiGraph[str] = nx.DiGraph()
    for c in concepts:
        g.add_node(c.id, label_fr=c.label_fr, label_en=c.label_en, kind=c.kind)
    for c in concepts:
        for b in c.broader:
            if b in g:
                g.add_edge(c.id, b)
    return g


def ancestors_within(g: nx.DiGraph[str], concept_id: str, depth: int) -> dict[str, int]:
    """Broader concepts of ``concept_id`` up to ``depth`` links away, with their distance.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d")])
    >>> ancestors_within(g, "a", 2)
    {'b': 1, 'c': 2}
    """
    if concept_id not in g:
        return {}
    dist = nx.single_source_shortest_path_length(g, concept_id, cutoff=depth)
    return {n: d for n, d in sorted(dist.items()) if d > 0}


def knowledge_graph(
    concepts: Iterable[Concept],
    labs: Iterable[Lab],
    lab_profiles: Mapping[str, Extraction],
    needs: Iterable[Need] = (),
    need_profiles: Mapping[str, Extraction] | None = None,
) -> nx.DiGraph[str]:
    """The whole graph: Lab -HAS_CAPABILITY-> Concept <-REQUIRES- Need, Concept -BROADER-> Concept.

    Node attribute ``label`` is the node type; edge attribute ``type`` the relationship type
    and ``weight`` its weight.
    """
    g: nx.DiGraph[str] = nx.DiGraph()
    for c in concepts:
        g.add_node(c.id, label="Concept", name=c.label_fr, kind=c.kind)
        for b in c.broader:
            g.add_edge(c.id, b, type="BROADER", weight=1.0)
    for lab in labs:
        g.add_node(lab.id, label="Lab", name=lab.acronym or lab.name, city=lab.city)
        for m in lab_profiles.get(lab.id, Extraction(language="fr")).mentions:
            g.add_edge(lab.id, m.concept_id, type="HAS_CAPABILITY", weight=m.weight)
    need_profiles = need_profiles or {}
    for need in needs:
        g.add_node(need.id, label="Need", name=need.title, company=need.company_id)
        g.add_node(need.company_id, label="Company")
        g.add_edge(need.company_id, need.id, type="EXPRESSES", weight=1.0)
        for m in need_profiles.get(need.id, Extraction(language="fr")).mentions:
            g.add_edge(need.id, m.concept_id, type="REQUIRES", weight=m.weight)
    return g
