"""Introductions and their append-only audit trail in the embedded store."""

from __future__ import annotations

import sqlite3

from graph.errors import ConflictError
from graph.rules.workflow import Event, Introduction
from graph.store.embedded.base import EmbeddedBase


class IntroductionTables(EmbeddedBase):
    """The introductions' part of the embedded store (``graph.store.ports.IntroductionStore``)."""

    def add_introduction(self, introduction: Introduction, event: Event) -> bool:
        """Store a new introduction and its first event; False when it exists."""
        with self._write(bump=False) as cur:
            if cur.execute(
                "SELECT 1 FROM introduction WHERE id = ?", (introduction.id,)
            ).fetchone():
                return False
            cur.execute(
                "INSERT INTO introduction (id, need_id, lab_id, version, doc)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    introduction.id,
                    introduction.need_id,
                    introduction.lab_id,
                    introduction.version,
                    introduction.model_dump_json(),
                ),
            )
            self._append(cur, event)
        return True

    @staticmethod
    def _append(cur: sqlite3.Cursor, event: Event) -> None:
        cur.execute(
            "INSERT INTO introduction_event (introduction_id, seq, doc) VALUES (?, ?, ?)",
            (event.introduction_id, event.seq, event.model_dump_json()),
        )

    def record_event(self, introduction: Introduction, event: Event) -> None:
        """Store a changed introduction and append its event, over the version it read."""
        with self._write(bump=False) as cur:
            changed = cur.execute(
                "UPDATE introduction SET version = ?, doc = ? WHERE id = ? AND version = ?",
                (
                    introduction.version,
                    introduction.model_dump_json(),
                    introduction.id,
                    introduction.version - 1,
                ),
            ).rowcount
            if not changed:
                raise ConflictError(
                    "L'introduction a changé entre-temps : rechargez-la et recommencez.",
                    "The introduction changed meanwhile: read it again and retry.",
                    where=introduction.id,
                )
            self._append(cur, event)

    def introduction(self, introduction_id: str) -> Introduction | None:
        """One introduction, or None."""
        found = self._docs(
            Introduction, "SELECT doc FROM introduction WHERE id = ?", (introduction_id,)
        )
        return found[0] if found else None

    def introductions(self, need_id: str | None = None) -> list[Introduction]:
        """Introductions (of one need), by need then lab."""
        if need_id is None:
            return self._docs(Introduction, "SELECT doc FROM introduction ORDER BY need_id, lab_id")
        return self._docs(
            Introduction,
            "SELECT doc FROM introduction WHERE need_id = ? ORDER BY lab_id",
            (need_id,),
        )

    def events(self, introduction_id: str) -> list[Event]:
        """An introduction's trail, in order."""
        return self._docs(
            Event,
            "SELECT doc FROM introduction_event WHERE introduction_id = ? ORDER BY seq",
            (introduction_id,),
        )
