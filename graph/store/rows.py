"""Store rows derived from the domain models: what a store writes is ``model_dump``, what it
reads back goes through ``model_validate``, so that no store lists a model's fields by hand.

Both stores use these helpers; neither SQLite nor Neo4j is imported here.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def dump(obj: BaseModel, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """The model's fields as plain values (tuples as lists, nested models as dicts)."""
    return obj.model_dump(mode="json", exclude=set(exclude) if exclude else None)


def load(model: type[M], values: Mapping[str, Any]) -> M:
    """A model from a row or a node's properties; keys that are not its fields are ignored
    (a node also holds its extraction, its search key...), missing ones take their default."""
    fields = model.model_fields
    return model.model_validate({k: v for k, v in values.items() if k in fields})


def is_list(model: type[BaseModel], field: str) -> bool:
    """True when ``field`` holds a sequence (a tuple or a list, possibly optional)."""
    annotation = model.model_fields[field].annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(typing.get_origin(a) in (tuple, list) for a in typing.get_args(annotation))
    return origin in (tuple, list)


def check_disjoint(*models: type[BaseModel]) -> None:
    """Refuse models kept in one row or one node whose fields share a name."""
    seen: dict[str, str] = {}
    for model in models:
        for name in model.model_fields:
            if name in seen:
                raise TypeError(
                    f"{model.__name__}.{name} and {seen[name]}.{name} would share one store "
                    "column: rename one of them"
                )
            seen[name] = model.__name__
