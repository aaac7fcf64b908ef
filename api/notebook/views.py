"""Pictures of the collaboration graph for notebooks: a graph ready to draw, and an offline
interactive page (vis-network, inlined from the ``pyvis`` package) shown in an iframe.

Presentation only: the graph itself comes from ``graph.usecases.explore``.
"""

from __future__ import annotations

import html
import json
from importlib import resources

import networkx as nx

from graph.usecases.explore import Node


def display_graph(g: nx.Graph[Node]) -> nx.Graph[str]:
    """A copy of ``g`` ready to draw: string node ids and the attributes viewers read.

    Interactive viewers (pyvis) and file formats (GEXF, GraphML) need string ids: a node
    becomes ``"lab:<id>"`` or ``"company:<id>"``. Each node gets ``label`` (the lab's acronym
    or the start of its name), ``title`` (its name, city and region, shown on hover), ``group``
    (its kind) and ``value`` (its degree, for the size); each edge ``value`` (shared projects)
    and ``title`` (how many, which years).

    Examples
    --------
    >>> from graph.usecases.explore import company, lab
    >>> g = nx.Graph()
    >>> g.add_node(lab("L"), name="Institut Jean Lamour", acronym="IJL", city="Nancy",
    ...            region="Grand Est")
    >>> g.add_node(company("C"), name="Aciéries de Lorraine", region=None)
    >>> g.add_edge(lab("L"), company("C"), weight=2, years=(2015, 2019))
    >>> d = display_graph(g)
    >>> sorted(d.nodes)
    ['company:C', 'lab:L']
    >>> d.nodes["lab:L"]["label"], d.nodes["lab:L"]["title"], d.nodes["lab:L"]["group"]
    ('IJL', 'Institut Jean Lamour — Nancy, Grand Est', 'lab')
    >>> d.edges["lab:L", "company:C"]["title"]
    '2 projets / projects: 2015, 2019'
    """
    out: nx.Graph[str] = nx.Graph()
    for node, data in g.nodes(data=True):
        name = str(data.get("name") or node[1])
        where = ", ".join(str(x) for x in (data.get("city"), data.get("region")) if x)
        out.add_node(
            f"{node[0]}:{node[1]}",
            label=str(data.get("acronym") or (name if len(name) <= 24 else name[:22] + "…")),
            title=f"{name} — {where}" if where else name,
            group=node[0],
            value=int(g.degree(node)),
        )
    for u, v, data in g.edges(data=True):
        weight = int(data.get("weight", 1))
        years = ", ".join(str(y) for y in data.get("years", ()))
        out.add_edge(
            f"{u[0]}:{u[1]}",
            f"{v[0]}:{v[1]}",
            value=weight,
            title=f"{weight} projets / projects" + (f": {years}" if years else ""),
        )
    return out


VIS_NETWORK = "lib/vis-9.1.2/vis-network.min.js"
"""vis-network's script, as the ``pyvis`` package ships it (the ``notebooks`` extra)."""
COLOURS = {"lab": "#1f77b4", "company": "#ff7f0e"}


def interactive_html(g: nx.Graph[str], title: str, *, height: int = 680) -> str:
    """A self-contained web page drawing ``g`` with vis-network: it works offline.

    The script is inlined from the ``pyvis`` package (nothing is fetched from the Internet,
    unlike pyvis's own pages, which load Bootstrap from a CDN). Nodes are coloured by
    ``group``, sized by ``value``, and show their ``title`` on hover (as text, not HTML).

    Parameters
    ----------
    g : networkx.Graph
        A graph with string ids, such as ``display_graph(...)`` returns.
    title : str
        The page's title and heading.
    height : int
        The drawing's height in pixels.

    Raises
    ------
    ModuleNotFoundError
        When ``pyvis`` is not installed (``pip install -e '.[notebooks]'``).
    """
    script = (resources.files("pyvis") / VIS_NETWORK).read_text(encoding="utf-8")
    nodes = [
        {
            "id": n,
            "label": d.get("label", n),
            "title": d.get("title", n),
            "group": d.get("group", ""),
            "value": d.get("value", 1),
        }
        for n, d in g.nodes(data=True)
    ]
    edges = [
        {"from": u, "to": v, "value": d.get("value", 1), "title": d.get("title", "")}
        for u, v, d in g.edges(data=True)
    ]
    groups = {
        k: {"color": c, "shape": "dot" if k == "lab" else "square"} for k, c in COLOURS.items()
    }
    data = json.dumps({"nodes": nodes, "edges": edges, "groups": groups}, ensure_ascii=False)
    data = data.replace("</", "<\\/")  # a name cannot close the script element
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script>{script}</script>
<style>body{{font-family:sans-serif;margin:0.5rem}} #graph{{height:{int(height)}px;border:1px solid #ccc}}</style>
</head><body><h1 style="font-size:1.1rem">{html.escape(title)}</h1>
<p style="font-size:0.85rem">● laboratoires / labs &nbsp; ■ entreprises / companies</p>
<div id="graph"></div>
<script>
const data = {data};
new vis.Network(document.getElementById("graph"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{groups: data.groups, interaction: {{hover: true}},
    nodes: {{scaling: {{min: 6, max: 30}}, font: {{size: 12}}}},
    physics: {{stabilization: {{iterations: 250}}}}}});
</script></body></html>
"""


def iframe(page: str, height: int = 760) -> str:
    """``page`` inside an ``<iframe srcdoc>``, to show it in a notebook's output.

    >>> iframe("<p>a & b</p>", 100)
    '<div><iframe srcdoc="&lt;p&gt;a &amp; b&lt;/p&gt;" width="100%" height="100" style="border:0"></iframe></div>'
    """
    return (
        f'<div><iframe srcdoc="{html.escape(page, quote=True)}" width="100%" '
        f'height="{int(height)}" style="border:0"></iframe></div>'
    )
