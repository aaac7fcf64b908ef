"""Introductions and their append-only audit trail in Neo4j."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction

from graph.errors import ConflictError
from graph.rules.workflow import Event, Introduction
from graph.store.neo4j import cypher
from graph.store.neo4j.base import Neo4jBase


class IntroductionNodes(Neo4jBase):
    """The introductions' part of the Neo4j store (``graph.store.ports.IntroductionStore``)."""

    @staticmethod
    def _event_params(event: Event) -> dict[str, Any]:
        return {"seq": event.seq, "event_doc": event.model_dump_json()}

    def add_introduction(self, introduction: Introduction, event: Event) -> bool:
        """Store a new introduction and its first event; False (nothing written) when it exists."""

        def work(tx: ManagedTransaction) -> bool:
            created = tx.run(
                cypher.ADD_INTRODUCTION_QUERY,
                id=introduction.id,
                need_id=introduction.need_id,
                lab_id=introduction.lab_id,
                version=introduction.version,
                doc=introduction.model_dump_json(),
                **self._event_params(event),
            ).single(strict=True)
            return int(created["created"]) > 0

        return self._write(work, bump=False)

    def record_event(self, introduction: Introduction, event: Event) -> None:
        """Store a changed introduction and append its event, in one transaction, only over
        the version it was read at (ConflictError otherwise, and nothing is written)."""

        def work(tx: ManagedTransaction) -> None:
            changed = tx.run(
                cypher.RECORD_EVENT_QUERY,
                id=introduction.id,
                expected=introduction.version - 1,
                version=introduction.version,
                doc=introduction.model_dump_json(),
                **self._event_params(event),
            ).single(strict=True)
            if not changed["changed"]:
                raise ConflictError(
                    "L'introduction a changé entre-temps : rechargez-la et recommencez.",
                    "The introduction changed meanwhile: read it again and retry.",
                    where=introduction.id,
                )

        self._write(work, bump=False)

    def introduction(self, introduction_id: str) -> Introduction | None:
        """One introduction, or None."""
        return self._doc(Introduction, cypher.INTRODUCTION_QUERY, id=introduction_id)

    def introductions(self, need_id: str | None = None) -> list[Introduction]:
        """Introductions (of one need when given), by need then lab."""
        return self._docs(Introduction, cypher.INTRODUCTIONS_QUERY, need_id=need_id)

    def events(self, introduction_id: str) -> list[Event]:
        """An introduction's trail, in order."""
        return self._docs(Event, cypher.EVENTS_QUERY, id=introduction_id)
