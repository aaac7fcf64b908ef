"""The concept hierarchy as a networkx graph: what a profile's broader concepts are."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.model import Concept


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
