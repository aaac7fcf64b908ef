"""The embedded store's plumbing: the SQLite file and its settings, migrations, one lock, write
transactions that give the store a new revision, reads, and the rows of concept mentions.

SQLite in WAL mode with ``synchronous=FULL``: a write is acknowledged only once it is on disk, and
a crash or a kill during a write leaves the previous state intact (the half-written transaction is
rolled back when the file is next opened).
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from graph.errors import StoreError
from graph.model import (
    Collaboration,
    Company,
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Need,
    Participation,
    Project,
)
from graph.rules.search import search_key
from graph.store.embedded.schema import DB_NAME, KEYS, MENTION_TABLES, MIGRATIONS, SCHEMA
from graph.store.embedded.shape import Shape
from graph.store.rows import check_disjoint, dump


class EmbeddedBase:
    """The SQLite file under ``home`` and what every part of the store shares.

    Parameters
    ----------
    home : Path
        Folder of the store (the deployment's ``$PASSERELLE_HOME``: ``api.settings``).
    """

    def __init__(self, home: Path) -> None:
        self.home = home
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.home / DB_NAME, check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            # what is deleted (a withdrawn need's text) is overwritten, not left in free pages
            self._conn.execute("PRAGMA secure_delete=ON")
            self._conn.executescript(SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as e:
            raise StoreError(
                f"Impossible d'ouvrir le stockage embarqué dans {self.home} : {e}",
                f"Cannot open the embedded store in {self.home}: {e}",
            ) from e
        self._lock = threading.RLock()
        self._shapes = self._read_shapes()
        self._sql = {
            table: shape.upsert_sql(table, KEYS.get(table, ("id",)))
            for table, shape in self._shapes.items()
            if not table.endswith("_profile")
        }
        for table in ("lab", "need"):  # the extraction shares the row
            profile = self._shapes[f"{table}_profile"]
            extra = (*profile.columns, profile.attrs, *(("search_key",) if table == "lab" else ()))
            self._sql[table] = self._shapes[table].upsert_sql(table, ("id",), extra)

    def _read_shapes(self) -> dict[str, Shape]:
        """Each table's shape, from its columns."""

        def columns(table: str) -> list[str]:
            return [r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")]

        stored: list[tuple[str, type[BaseModel], tuple[str, ...]]] = [
            ("concept", Concept, ("broader",)),  # BROADER: its own table
            ("lab", Lab, ()),
            ("company", Company, ()),
            ("need", Need, ()),
            ("project", Project, ()),
            ("participation", Participation, ()),
            ("collaboration", Collaboration, ()),
            *((table, ConceptMention, ()) for table in MENTION_TABLES),
        ]
        shapes = {
            table: Shape(model, columns(table), exclude=exclude) for table, model, exclude in stored
        }
        for table in ("lab", "need"):
            check_disjoint(shapes[table].model, Extraction)
            shapes[f"{table}_profile"] = Shape(
                Extraction, columns(table), attrs="profile_attrs", exclude=("mentions",)
            )
        return shapes

    def _migrate(self) -> None:
        """Add the columns a store written by an earlier version lacks, and the labs' search keys."""
        todo = []
        for table, column, definition in MIGRATIONS:
            have = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                todo.append(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
        if todo:
            self._transaction(todo, [])
        # labs written before search keys existed get theirs (a name is never empty)
        stale = self._conn.execute(
            "SELECT id, name, acronym, city FROM lab WHERE search_key = ''"
        ).fetchall()
        if stale:
            keys = [
                (search_key(Lab(id=i, name=n, acronym=a, city=c, description="")), i)
                for i, n, a, c in stale
            ]
            self._transaction([], keys)

    def _transaction(self, statements: list[str], search_keys: list[tuple[str, str]]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                self._conn.execute(statement)
            self._conn.executemany("UPDATE lab SET search_key = ? WHERE id = ?", search_keys)
            self._conn.execute("COMMIT")
        except sqlite3.Error:
            self._conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _write(self, *, bump: bool = True) -> Iterator[sqlite3.Cursor]:
        """One write transaction; ``bump`` gives the store a new revision token with it."""
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                if bump:
                    cur.execute(
                        "INSERT INTO meta (key, value) VALUES ('revision', ?)"
                        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (uuid.uuid4().hex,),
                    )
                cur.execute("COMMIT")
            except BaseException as e:
                if self._conn.in_transaction:
                    cur.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise StoreError(
                        f"Écriture refusée par le stockage embarqué : {e}",
                        f"The embedded store refused a write: {e}",
                    ) from e
                raise
            finally:
                cur.close()

    def _rows(self, query: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._conn.cursor()
            cur.row_factory = sqlite3.Row
            try:
                return list(cur.execute(query, params))
            except sqlite3.Error as e:
                raise StoreError(
                    f"Lecture impossible dans le stockage embarqué : {e}",
                    f"Cannot read the embedded store: {e}",
                ) from e
            finally:
                cur.close()

    def _docs(self, model: type[Any], query: str, params: tuple[object, ...] = ()) -> list[Any]:
        return [model.model_validate_json(r[0]) for r in self._rows(query, params)]

    def _rows_of(self, table: str, items: Iterable[BaseModel]) -> list[dict[str, Any]]:
        shape = self._shapes[table]
        return [shape.encode(dump(obj)) for obj in items]

    def _mentions_rows(
        self, table: str, owner: str, mentions: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        shape, key = self._shapes[table], MENTION_TABLES[table]
        return [{**shape.encode(m), key: owner} for m in mentions]

    def _put_mentions(
        self, cur: sqlite3.Cursor, table: str, owners: list[str], rows: list[dict[str, Any]]
    ) -> None:
        """Replace the mentions of ``owners`` by ``rows`` (see ``_mentions_rows``)."""
        key = MENTION_TABLES[table]
        cur.executemany(
            f"DELETE FROM {table} WHERE {key} = ?",  # noqa: S608 (fixed table names)
            [(owner,) for owner in owners],
        )
        cur.executemany(self._sql[table], rows)

    def _mentions(self, table: str, owner: str | None = None) -> dict[str, list[ConceptMention]]:
        key, shape = MENTION_TABLES[table], self._shapes[table]
        out: dict[str, list[ConceptMention]] = {}
        where = f"WHERE {key} = ?" if owner is not None else ""
        query = f"SELECT * FROM {table} {where} ORDER BY {key}, concept_id"  # noqa: S608
        for r in self._rows(query, () if owner is None else (owner,)):
            out.setdefault(r[key], []).append(shape.read(r))
        return out

    def integrity_ok(self) -> bool:
        """True when SQLite's integrity check finds nothing wrong."""
        return bool(self._rows("PRAGMA integrity_check")[0][0] == "ok")

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()
