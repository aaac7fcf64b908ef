"""The Neo4j store's plumbing: the driver's errors turned into ours, managed write transactions
that give the store a new revision, reads, constraints and indexes.

Writes run in managed transactions (retried by the driver on transient errors), in batches of
``UNWIND $rows``, with the database named on every call. Every statement lives in
``graph.store.neo4j.cypher``; values always go in as parameters.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import ManagedTransaction, RoutingControl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from pydantic import BaseModel

from graph.errors import StoreError, StoreUnavailable
from graph.model import Lab
from graph.rules.search import search_key
from graph.store.neo4j import cypher

T = TypeVar("T")


D = TypeVar("D", bound=BaseModel)


BATCH_SIZE = 2000


def batches(rows: Sequence[T], size: int = BATCH_SIZE) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class Neo4jBase:
    """The driver, the database every call names, and what every part of the store shares.

    Parameters
    ----------
    driver : neo4j.Driver
        A driver the caller opened (see ``open_driver``); closed by ``close()``.
    database : str
        The database every call names.
    """

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        # constraints and indexes are created before the first write, so that opening the
        # store never needs the server: an API started while Neo4j is down answers 503 and
        # recovers by itself once the server is back
        self._ready = False

    def _guard(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except AuthError as e:
            raise StoreUnavailable(
                "Neo4j refuse l'identification : vérifiez NEO4J_USER (neo4j par défaut) et "
                "NEO4J_PASSWORD.",
                "Neo4j refused the credentials: check NEO4J_USER (neo4j by default) and "
                "NEO4J_PASSWORD.",
            ) from e
        except ClientError as e:
            if e.code != "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreError(
                    f"Neo4j a refusé l'opération : {e}", f"Neo4j refused the operation: {e}"
                ) from e
            raise StoreUnavailable(
                f"La base Neo4j « {self.database} » n'existe pas : vérifiez NEO4J_DATABASE "
                "(neo4j par défaut ; l'édition Community n'en a qu'une).",
                f"The Neo4j database '{self.database}' does not exist: check NEO4J_DATABASE "
                "(neo4j by default; the Community edition has only one).",
            ) from e
        except (ServiceUnavailable, SessionExpired, OSError) as e:
            raise StoreUnavailable(
                f"Neo4j ne répond pas ({e.__class__.__name__}) : vérifiez que le serveur tourne "
                "(make neo4j-start) et NEO4J_URI.",
                f"Neo4j is not answering ({e.__class__.__name__}): check that the server runs "
                "(make neo4j-start) and NEO4J_URI.",
            ) from e
        except (Neo4jError, DriverError) as e:
            raise StoreError(
                f"Neo4j a refusé l'opération : {e}", f"Neo4j refused the operation: {e}"
            ) from e

    def _write(self, work: Callable[[ManagedTransaction], T], *, bump: bool = True) -> T:
        """Run ``work`` in one managed transaction; ``bump`` gives the store a new revision
        token in the same transaction."""
        if not self._ready:
            self.setup()

        def unit(tx: ManagedTransaction) -> T:
            result = work(tx)
            if bump:
                tx.run(cypher.BUMP_REVISION_QUERY, token=uuid.uuid4().hex).consume()
            return result

        def run() -> T:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(unit)

        return self._guard(run)

    def _read(self, query: LiteralString, **params: Any) -> list[neo4j.Record]:
        def run() -> list[neo4j.Record]:
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
            return list(records)

        return self._guard(run)

    def _docs(self, model: type[D], query: LiteralString, **params: Any) -> list[D]:
        return [model.model_validate_json(r["doc"]) for r in self._read(query, **params)]

    def _doc(self, model: type[D], query: LiteralString, **params: Any) -> D | None:
        found = self._docs(model, query, **params)
        return found[0] if found else None

    def setup(self) -> None:
        """Uniqueness constraints and full-text indexes, created if missing and online;
        the search keys of labs written by an earlier version."""

        def run() -> None:
            for q in (
                *cypher.CONSTRAINT_QUERIES,
                *cypher.INDEX_QUERIES,
                *cypher.FULLTEXT_QUERIES,
                *cypher.DROP_QUERIES,
            ):
                self.driver.execute_query(q, database_=self.database)
            self.driver.execute_query(cypher.AWAIT_INDEXES_QUERY, database_=self.database)
            stale, _, _ = self.driver.execute_query(
                cypher.STALE_SEARCH_KEYS_QUERY, database_=self.database
            )
            rows = [
                {"id": r["id"], "key": search_key(Lab(**r.data(), description=""))} for r in stale
            ]
            for batch in batches(rows):
                self.driver.execute_query(
                    cypher.SET_SEARCH_KEYS_QUERY, rows=batch, database_=self.database
                )

        self._guard(run)
        self._ready = True

    def ping(self) -> None:
        """Raise StoreUnavailable unless the server answers."""
        self._guard(lambda: self.driver.verify_connectivity())

    def wipe(self) -> None:
        """Delete every node and relationship (tests only)."""

        def run() -> None:
            with self.driver.session(database=self.database) as session:
                session.run(cypher.WIPE_QUERY).consume()

        self._guard(run)

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()
