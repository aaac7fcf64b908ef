"""The notebooks' interactive collaboration graph draws in Chromium with the network cut off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from api.notebook.views import display_graph, interactive_html
from graph.usecases.explore import company, lab


def test_the_interactive_graph_draws_offline(browser: Any, tmp_path: Path) -> None:
    g: nx.Graph[tuple[str, str]] = nx.Graph()
    g.add_node(lab("L"), name="Institut Jean Lamour", acronym="IJL", city="Nancy")
    g.add_node(company("C"), name="</script><b>Aciéries</b>", region="Grand Est")
    g.add_node(company("D"), name="Fonderie", region="Grand Est")
    g.add_edge(lab("L"), company("C"), weight=2, years=(2015, 2019))
    g.add_edge(lab("L"), company("D"), weight=1, years=(2020,))
    path = tmp_path / "graph.html"
    path.write_text(interactive_html(display_graph(g), "Collaborations"), encoding="utf-8")

    context = browser.new_context()
    requests: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (requests.append(route.request.url), route.abort())
        ),
    )
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_selector("#graph canvas")
    drawn = page.evaluate(
        "() => { const c = document.querySelector('#graph canvas'); return [c.width, c.height] }"
    )
    assert drawn[0] > 100 and drawn[1] > 100
    assert page.locator("h1").inner_text() == "Collaborations"
    assert page.locator("b").count() == 0  # a name is text, never markup
    assert not errors and not requests  # nothing fetched: the script is inline
    context.close()
