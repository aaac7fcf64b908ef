"""Where the Neo4j server is, and the driver that talks to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import neo4j
from neo4j import GraphDatabase

# the driver logs each retry; the store reports the failure itself (StoreUnavailable)
logging.getLogger("neo4j").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the server is: ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``."""

    uri: str = "bolt://127.0.0.1:7687"
    user: str | None = None
    password: str | None = None
    database: str = "neo4j"
    retry_seconds: float = 5.0
    """How long managed transactions retry transient errors before giving up (API latency)."""


def open_driver(settings: Neo4jSettings) -> neo4j.Driver:
    """A driver for ``settings`` (no connection is made until first use)."""
    # a password alone means the default user, as the server script and the Docker image set it
    auth = (
        (settings.user or "neo4j", settings.password or "")
        if settings.user or settings.password
        else None
    )
    return GraphDatabase.driver(
        settings.uri,
        auth=auth,
        connection_acquisition_timeout=10,
        connection_timeout=5,
        max_transaction_retry_time=settings.retry_seconds,
    )
