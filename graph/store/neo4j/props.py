"""Domain models as node and relationship properties, and back (``graph.store.rows``): a lab's
or a need's node also holds its extraction, whose mentions are relationships."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import neo4j

from graph.model import ConceptMention, Extraction, Lab, Need
from graph.store.rows import check_disjoint, dump, load


def mention_rows(mentions: Iterable[ConceptMention]) -> list[dict[str, Any]]:
    """Each mention's concept, and the properties of the relationship to it."""
    return [
        {"concept_id": m.concept_id, "props": dump(m, exclude=("concept_id",))} for m in mentions
    ]


# a lab's or a need's node also holds its extraction (mentions apart: relationships)
check_disjoint(Lab, Extraction)
check_disjoint(Need, Extraction)


def profile_props(ex: Extraction) -> dict[str, Any]:
    """The extraction's properties on its owner's node (terms as one string)."""
    props = dump(ex, exclude=("mentions",))
    props["terms"] = join_terms(ex.terms)
    return props


def join_terms(terms: Sequence[str]) -> str:
    """Terms as one space-separated string: one value to send instead of hundreds.

    Terms are single normalised tokens (the extractor splits on spaces, hyphens, dots and
    slashes), so the join is lossless.
    """
    return " ".join(terms)


def split_terms(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value or ())  # a list, as stores written before this change hold


PROFILE_FIELDS = [name for name in Extraction.model_fields if name != "mentions"]
"""The extraction's properties on its owner's node."""


def profile_of(record: neo4j.Record) -> Extraction:
    """An extraction from a profile query's record (``profile``: ``PROFILE_FIELDS``'s values)."""
    values = zip(PROFILE_FIELDS, record["profile"], strict=True)
    return extraction_of({k: v for k, v in values if v is not None}, record["mentions"])


def extraction_of(props: Mapping[str, Any], mentions: Iterable[Mapping[str, Any]]) -> Extraction:
    """An extraction from its owner's node properties and its mentions' relationships."""
    values = {**props, "terms": split_terms(props.get("terms")), "mentions": list(mentions)}
    values["language"] = values.get("language") or "fr"
    return load(Extraction, values)


def lab_of(props: Mapping[str, Any]) -> Lab:
    # labs written before every field was a property kept some in one JSON ``attrs``
    return load(Lab, {**json.loads(props.get("attrs") or "{}"), **props})
