"""Finding labs by name, acronym or city: the rules both stores follow.

A lab's search key is its acronym, name and city folded (lower case, no accents, words of
letters and digits separated by single spaces). A query matches a lab when each of its words
starts a word of the key. Stores retrieve the matches (SQLite with ``LIKE``, Neo4j with a
full-text index on the key); the order is decided here, so that both give the same pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Lab
from graph.text import key

MAX_QUERY_WORDS = 12


def search_key(lab: Lab) -> str:
    """What a query is matched against: acronym, name and city, folded."""
    return " ".join(part for part in (key(lab.acronym), key(lab.name), key(lab.city)) if part)


def query_words(query: str | None) -> list[str]:
    """The distinct words of a query, folded, in order (at most MAX_QUERY_WORDS)."""
    words = list(dict.fromkeys(key(query).split()))
    return words[:MAX_QUERY_WORDS]


def matches(folded: str, words: Iterable[str]) -> bool:
    """True when each word starts a word of ``folded``, a search key (what the stores retrieve)."""
    padded = f" {folded}"
    return all(f" {w}" in padded for w in words)


def order(hits: Iterable[tuple[str, str, str | None]], words: list[str]) -> list[str]:
    """Lab ids of ``(id, name, acronym)`` hits, best first: the acronym equal to the query,
    then the name (accents and case ignored), then the id."""
    whole = " ".join(words)

    def rank(hit: tuple[str, str, str | None]) -> tuple[int, str, str]:
        lab_id, name, acronym = hit
        return (0 if whole and key(acronym) == whole else 1, key(name), lab_id)

    return [hit[0] for hit in sorted(hits, key=rank)]
