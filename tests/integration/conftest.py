"""Fixtures of the integration tests run on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from ingest.language.extract import SpacyExtractor
from tests.integration.world import World, build_world
from tests.neo4j_server import NEO4J


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=NEO4J)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind."""
    if request.param == "embedded":
        s = EmbeddedGraphStore(tmp_path)
        yield s
        s.close()
    else:
        yield request.getfixturevalue("neo4j_store")


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=NEO4J)])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    extractor: SpacyExtractor,
) -> Iterator[World]:
    """Accounts and needs of every visibility over the demo, on each store (one per module:
    its tests share it, in order)."""
    yield from build_world(
        request.param, request, tmp_path_factory.mktemp(f"world-{request.param}"), extractor
    )
