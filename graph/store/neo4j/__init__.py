"""Neo4j store: the system of record, through the official driver (the only package importing
neo4j).

``Neo4jGraphStore`` joins its three parts, each in its module: the graph (``graph``), the
accounts (``accounts``) and the introductions (``introductions``), over the plumbing of
``base`` (errors, managed transactions, revisions, constraints); every Cypher statement is in
``cypher``, the properties of nodes in ``props``, the server's address in ``driver``.
"""

from __future__ import annotations

from graph.store.neo4j.accounts import AccountNodes
from graph.store.neo4j.driver import Neo4jSettings, open_driver
from graph.store.neo4j.graph import GraphNodes
from graph.store.neo4j.introductions import IntroductionNodes

__all__ = ["Neo4jGraphStore", "Neo4jSettings", "open_driver"]


class Neo4jGraphStore(GraphNodes, AccountNodes, IntroductionNodes):
    """The graph store on a Neo4j server.

    Parameters
    ----------
    driver : neo4j.Driver
        A driver the caller opened (see ``open_driver``); closed by ``close()``.
    database : str
        The database every call names.
    """
