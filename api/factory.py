"""Build the application's parts from the environment: store, extractor, service."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import InputError, StoreUnavailable
from graph.model import Concept
from graph.ports import GraphStore
from graph.scope import Scope
from graph.service import PairingService
from graph.store.embedded import EmbeddedGraphStore, default_home

if TYPE_CHECKING:
    from ingest.extract import SpacyExtractor

STORES = ("embedded", "neo4j")


def store_kind(kind: str | None = None) -> str:
    """``kind`` if given, else ``$PASSERELLE_STORE``, else neo4j when ``NEO4J_URI`` is set."""
    return (
        kind
        or os.environ.get("PASSERELLE_STORE")
        or ("neo4j" if os.environ.get("NEO4J_URI") else "embedded")
    )


def open_store(kind: str | None = None, home: Path | None = None) -> GraphStore:
    """The store named ``kind``: ``embedded`` (default) or ``neo4j`` (see ``store_kind``)."""
    kind = store_kind(kind)
    if kind == "embedded":
        return EmbeddedGraphStore(home)
    if kind == "neo4j":
        from graph.store.neo4j import Neo4jGraphStore, Neo4jSettings, open_driver

        settings = Neo4jSettings.from_env()
        return Neo4jGraphStore(open_driver(settings), settings.database)
    raise InputError(
        f"Stockage inconnu : {kind} (choix : {', '.join(STORES)})",
        f"Unknown store: {kind} (choices: {', '.join(STORES)})",
        where="store",
    )


DEFAULT_INSTITUTION = "Université de Lorraine"


def default_scope() -> Scope:
    """The territory the deployment serves: ``$PASSERELLE_INSTITUTION`` (default « Université
    de Lorraine »; empty for no restriction) and ``$PASSERELLE_REGION``."""
    return Scope(
        institution=os.environ.get("PASSERELLE_INSTITUTION", DEFAULT_INSTITUTION).strip() or None,
        region=os.environ.get("PASSERELLE_REGION", "").strip() or None,
    )


def extractor_factory() -> Callable[[Sequence[Concept]], SpacyExtractor]:
    """Builds the spaCy extractor over our curated vocabulary and the register extensions
    (ESCO, NAF) among the store's concepts; the spaCy pipelines are loaded once and shared by
    the extractors it builds (one per vocabulary the store has held)."""
    loaded: list[tuple[list[Concept], SpacyExtractor]] = []  # built at the first call only

    def build(concepts: Sequence[Concept]) -> SpacyExtractor:
        if not loaded:  # spaCy is loaded when a text is analysed, not before (labs show…)
            from ingest.extract import SpacyExtractor
            from ingest.vocabulary import load_vocabulary

            vocabulary = load_vocabulary()
            loaded.append(
                (vocabulary, SpacyExtractor(vocabulary, cache_dir=default_home() / "cache"))
            )
        vocabulary, base = loaded[0]
        extensions = [c for c in concepts if c.source != "passerelle"]
        return base.with_concepts(vocabulary + extensions) if extensions else base

    return build


def build_extractor(store: GraphStore) -> SpacyExtractor:
    """The spaCy extractor over our curated vocabulary and the register extensions (ESCO,
    NAF) loaded into the store (the curated vocabulary only while the store cannot be read)."""
    try:
        concepts = store.concepts()
    except StoreUnavailable:
        concepts = []
    return extractor_factory()(concepts)


def build_service(
    store: GraphStore, scope: Scope | None = None, *, server: bool = False
) -> PairingService:
    """A PairingService over ``store``, whose extractor follows the store's vocabulary (see
    ``extractor_factory``), with the themes of ANR programmes and the deployment's scope
    (``default_scope`` unless given); ``server`` for a long-running process (see
    ``PairingService.freeze``).

    Nothing is read from the store here: the first request (or the server's start-up) builds
    the service's snapshot, and while the store cannot be read (Neo4j down) requests answer
    503 until it is back.
    """
    from ingest.profiles import topics

    return PairingService(
        store,
        extractors=extractor_factory(),
        topics=topics(),
        scope=default_scope() if scope is None else scope,
        freeze=server,
    )
