"""How a domain model lies in a table of the embedded store: columns, JSON lists, ``attrs``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from graph.store.rows import is_list

_to_json = json.JSONEncoder().encode


_from_json = json.JSONDecoder().decode


class Shape:
    """How one model lies in one table: each field with a column of the same name is stored
    there (JSON text for sequences), every other field in the row's ``attrs`` JSON document.

    The columns are read from the table itself, so that a field added to a model is stored
    (in ``attrs``) without anything written here, and reads back as it was written.
    """

    def __init__(
        self,
        model: type[BaseModel],
        table_columns: Iterable[str],
        *,
        attrs: str = "attrs",
        exclude: Iterable[str] = (),
    ) -> None:
        have = set(table_columns)
        self.model = model
        self.attrs = attrs
        self.exclude = frozenset(exclude)
        fields = [f for f in model.model_fields if f not in self.exclude]
        self.columns = tuple(f for f in fields if f in have)
        self.lists = frozenset(f for f in self.columns if is_list(model, f))
        self.plain = tuple(f for f in self.columns if f not in self.lists)
        self.overflow = tuple(f for f in fields if f not in have)
        """The fields kept in the ``attrs`` document (none for most tables)."""
        if attrs not in have:
            raise TypeError(f"no {attrs} column for {model.__name__}")

    # the common cases (an empty list, no field in attrs) skip the JSON codec: a store reads
    # and writes hundreds of thousands of mentions
    def encode(self, dumped: Mapping[str, Any]) -> dict[str, Any]:
        """Column values from ``dump(obj)``."""
        row = {c: dumped[c] for c in self.plain}
        for c in self.lists:
            value = dumped[c]
            row[c] = _to_json(value) if value or value is None else "[]"
        overflow = {k: dumped[k] for k in self.overflow}
        row[self.attrs] = _to_json(overflow) if overflow else "{}"
        return row

    def decode(self, row: sqlite3.Row, more: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Field values from a row (and ``more``: the fields kept in other tables)."""
        values = {c: row[c] for c in self.plain}
        for c in self.lists:
            text = row[c]
            values[c] = _from_json(text) if text != "[]" else ()
        attrs = row[self.attrs]
        if attrs != "{}":
            values.update(_from_json(attrs))
        if more:
            values.update(more)
        return values

    def read(self, row: sqlite3.Row, **more: Any) -> Any:
        """The model from a row (``more``: the fields kept in other tables)."""
        return self.model.model_validate(self.decode(row, more))

    def upsert_sql(self, table: str, key: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
        """An upsert of this shape's columns (and ``extra`` ones) into ``table``.

        Table and column names come from the schema and the models, never from input."""
        columns = (*self.columns, self.attrs, *extra)
        names = [*key, *(c for c in columns if c not in key)]
        update = ", ".join(f"{c}=excluded.{c}" for c in names if c not in key)
        return (
            f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608
            f" VALUES ({', '.join(':' + c for c in names)})"
            f" ON CONFLICT({', '.join(key)}) DO UPDATE SET {update}"
        )
