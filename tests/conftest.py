"""Shared fixtures: the vocabulary, the spaCy extractor, a store loaded with the demo corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from graph.model import Concept
from graph.service import PairingService
from graph.store.embedded import EmbeddedGraphStore
from ingest.demo import load_demo
from ingest.extract import SpacyExtractor
from ingest.vocabulary import load_vocabulary

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def vocabulary() -> list[Concept]:
    return load_vocabulary()


@pytest.fixture(scope="session")
def extractor(vocabulary: list[Concept]) -> SpacyExtractor:
    return SpacyExtractor(vocabulary)


@pytest.fixture(scope="session")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, extractor: SpacyExtractor
) -> Iterator[EmbeddedGraphStore]:
    store = EmbeddedGraphStore(tmp_path_factory.mktemp("demo-store"))
    load_demo(store, extractor)
    yield store
    store.close()


@pytest.fixture(scope="session")
def service(demo_store: EmbeddedGraphStore, extractor: SpacyExtractor) -> PairingService:
    return PairingService(demo_store, extractor)


@pytest.fixture(scope="session")
def client(service: PairingService) -> Iterator[TestClient]:
    with TestClient(create_app(service)) as c:
        yield c
