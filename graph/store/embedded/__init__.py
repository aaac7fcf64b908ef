"""Embedded store: the graph in one SQLite file, for a laptop with no server.

``EmbeddedGraphStore`` joins its three parts, each in its module: the graph (``graph``), the
accounts (``accounts``) and the introductions (``introductions``), over the plumbing of
``base`` (the file, transactions, revisions), the tables of ``schema`` and the row shapes of
``shape``.
"""

from __future__ import annotations

from graph.store.embedded.accounts import AccountTables
from graph.store.embedded.graph import GraphTables
from graph.store.embedded.introductions import IntroductionTables
from graph.store.embedded.schema import DB_NAME

__all__ = ["DB_NAME", "EmbeddedGraphStore"]


class EmbeddedGraphStore(GraphTables, AccountTables, IntroductionTables):
    """The graph store in a single SQLite file under ``home``.

    Parameters
    ----------
    home : Path
        Folder of the store (the deployment's ``$PASSERELLE_HOME``: ``api.settings``).
    """
