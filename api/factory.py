"""Build the application's parts from the environment: store, extractor, service."""

from __future__ import annotations

import os
from pathlib import Path

from graph.errors import InputError
from graph.ports import GraphStore
from graph.service import PairingService
from graph.store.embedded import EmbeddedGraphStore

STORES = ("embedded",)


def open_store(kind: str | None = None, home: Path | None = None) -> GraphStore:
    """The store named ``kind`` (``embedded`` by default, or ``$PASSERELLE_STORE``)."""
    kind = kind or os.environ.get("PASSERELLE_STORE") or "embedded"
    if kind == "embedded":
        return EmbeddedGraphStore(home)
    raise InputError(
        f"Stockage inconnu : {kind} (choix : {', '.join(STORES)})",
        f"Unknown store: {kind} (choices: {', '.join(STORES)})",
        where="store",
    )


def build_service(store: GraphStore) -> PairingService:
    """A PairingService over ``store`` with the spaCy extractor and the curated vocabulary."""
    from ingest.extract import SpacyExtractor
    from ingest.vocabulary import load_vocabulary

    return PairingService(store, SpacyExtractor(load_vocabulary()))
