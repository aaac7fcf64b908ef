"""Build the application's parts from the settings: store, extractor, service."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import STORES, Settings
from graph.errors import InputError, StoreUnavailable
from graph.model import Concept
from graph.rules.scope import Scope
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import GraphStore, Store

if TYPE_CHECKING:
    # imported when used: a command that only opens the store (stats, labs) needs neither
    from graph.store.neo4j import Neo4jSettings
    from graph.usecases.pairing import PairingService
    from ingest.language.extract import SpacyExtractor


def new_store(settings: Settings, home: Path | None = None) -> Store:
    """The store ``settings`` name (``Settings.store_kind``): ``embedded`` in ``home`` (default
    ``settings.home``) or ``neo4j``; the caller closes it (``open_store`` does)."""
    kind = settings.store_kind
    if kind == "embedded":
        return EmbeddedGraphStore(home or settings.home)
    if kind == "neo4j":
        from graph.store.neo4j import Neo4jGraphStore, open_driver

        neo4j = neo4j_settings(settings)
        return Neo4jGraphStore(open_driver(neo4j), neo4j.database)
    raise InputError(
        f"Stockage inconnu : {kind} (choix : {', '.join(STORES)})",
        f"Unknown store: {kind} (choices: {', '.join(STORES)})",
        where="store",
    )


def neo4j_settings(settings: Settings) -> Neo4jSettings:
    """The Neo4j part of the deployment's settings."""
    from graph.store.neo4j import Neo4jSettings

    password = settings.neo4j_password
    return Neo4jSettings(
        uri=settings.neo4j_uri or Neo4jSettings.uri,
        user=settings.neo4j_user,
        password=password.get_secret_value() if password is not None else None,
        database=settings.neo4j_database,
        retry_seconds=settings.neo4j_retry_seconds,
    )


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    """``with open_store(settings) as store:`` the store ``settings`` name (see ``new_store``),
    closed on the way out."""
    opened = new_store(settings)
    try:
        yield opened
    finally:
        opened.close()


def default_scope(settings: Settings) -> Scope:
    """The territory the deployment serves: ``PASSERELLE_INSTITUTION`` (default « Université
    de Lorraine »; empty for no restriction) and ``PASSERELLE_REGION``."""
    return Scope(institution=settings.institution, region=settings.region)


def extractor_factory(
    settings: Settings | None = None,
) -> Callable[[Sequence[Concept]], SpacyExtractor]:
    """Builds the spaCy extractor over our curated vocabulary and the register extensions
    (ESCO, NAF) among the store's concepts; the spaCy pipelines are loaded once and shared by
    the extractors it builds (one per vocabulary the store has held); its cache is under
    ``settings.home``."""
    loaded: list[tuple[list[Concept], SpacyExtractor]] = []  # built at the first call only
    cache_dir = (settings or Settings()).home / "cache"

    def build(concepts: Sequence[Concept]) -> SpacyExtractor:
        if not loaded:  # spaCy is loaded when a text is analysed, not before (labs show…)
            from ingest.language.extract import SpacyExtractor
            from ingest.language.vocabulary import load_vocabulary

            vocabulary = load_vocabulary()
            loaded.append((vocabulary, SpacyExtractor(vocabulary, cache_dir=cache_dir)))
        vocabulary, base = loaded[0]
        extensions = [c for c in concepts if c.source != "passerelle"]
        return base.with_concepts(vocabulary + extensions) if extensions else base

    return build


def build_extractor(store: GraphStore, settings: Settings | None = None) -> SpacyExtractor:
    """The spaCy extractor over our curated vocabulary and the register extensions (ESCO,
    NAF) loaded into the store (the curated vocabulary only while the store cannot be read)."""
    try:
        concepts = store.concepts()
    except StoreUnavailable:
        concepts = []
    return extractor_factory(settings)(concepts)


def build_service(
    store: Store,
    scope: Scope | None = None,
    *,
    server: bool = False,
    settings: Settings | None = None,
) -> PairingService:
    """A PairingService over ``store``, whose extractor follows the store's vocabulary (see
    ``extractor_factory``), with the themes of ANR programmes and the deployment's scope
    (``default_scope(settings)`` unless given); ``server`` for a long-running process (see
    ``PairingService.freeze``). Without ``settings`` (library use, tests), they are read here.

    Nothing is read from the store here: the first request (or the server's start-up) builds
    the service's snapshot, and while the store cannot be read (Neo4j down) requests answer
    503 until it is back.
    """
    from graph.usecases.pairing import PairingService
    from ingest.registers.programmes import topics

    settings = settings or Settings()
    return PairingService(
        store,
        extractors=extractor_factory(settings),
        topics=topics(),
        scope=default_scope(settings) if scope is None else scope,
        freeze=server,
    )
