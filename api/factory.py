"""Build the application's parts from the environment: store, extractor, service."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import InputError, StoreUnavailable
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


def build_extractor(store: GraphStore) -> SpacyExtractor:
    """The spaCy extractor over our curated vocabulary and the register extensions (ESCO,
    NAF) loaded into the store (the curated vocabulary only while the store cannot be read)."""
    from ingest.extract import SpacyExtractor
    from ingest.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    try:
        extensions = [c for c in store.concepts() if c.source != "passerelle"]
    except StoreUnavailable:
        extensions = []
    return SpacyExtractor(vocabulary + extensions, cache_dir=default_home() / "cache")


def build_service(store: GraphStore, scope: Scope | None = None) -> PairingService:
    """A PairingService over ``store``, with the extractor of ``build_extractor``, the themes of
    ANR programmes and the deployment's scope (``default_scope`` unless given).

    When the store cannot be read yet (Neo4j down), the service starts with the curated
    vocabulary only and the API answers 503 until the store is back.
    """
    from ingest.profiles import topics

    return PairingService(
        store,
        build_extractor(store),
        topics=topics(),
        scope=default_scope() if scope is None else scope,
    )
