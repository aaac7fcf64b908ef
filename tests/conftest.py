"""Shared fixtures: the vocabulary, the spaCy extractor, a store loaded with the demo corpus,
the real registers loaded once, a real Neo4j server; and the markers that say what a test needs,
applied from the fixtures it uses (``pytest_collection_modifyitems``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from graph.model import Concept
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.demo import load_demo
from tests.neo4j_server import Neo4jServer, open_neo4j_store
from tests.registers import Registers, load_once, shared_root
from tests.shared_data import shared_data

REPO = Path(__file__).resolve().parents[1]


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


OFFICER = ("agent.tests@passerelle.example", "mot de passe de test, assez long")


@pytest.fixture(scope="session")
def app(service: PairingService, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The API over the demo store, with a tech-transfer officer's account (``OFFICER``)."""
    from api.settings import Settings
    from graph.usecases.auth import Accounts

    home = tmp_path_factory.mktemp("app-home")
    accounts = Accounts(service.store)
    if service.store.user_by_email(OFFICER[0]) is None:
        accounts.add_user(OFFICER[0], "officer", OFFICER[1])
    return create_app(
        service, settings=Settings(PASSERELLE_HOME=str(home), PASSERELLE_MATCH_PER_MINUTE=100_000)
    )


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    """A client signed in as a tech-transfer officer (bearer token): the API's routes as the
    role that may use most of them; ``anonymous`` for a client without an account."""
    with TestClient(app) as c:
        r = c.post("/api/auth/token", data={"username": OFFICER[0], "password": OFFICER[1]})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


@pytest.fixture(scope="session")
def anonymous(app: Any) -> Iterator[TestClient]:
    """A client without an account."""
    with TestClient(app) as c:
        yield c


# -- what a test needs: markers from the fixtures it uses ----------------------------------------
NEEDS = {
    "neo4j": {"neo4j_uri"},
    "browser": {"browser"},
    "registers": {"shared"},
}
"""Each marker and the fixtures that mean it (a fixture that uses them means it too)."""
SLOW = ("neo4j", "browser", "registers")
"""A test that needs one of these is ``slow`` as well: ``make test-fast`` leaves it out."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in NEEDS.items():
            if used & fixtures and item.get_closest_marker(marker) is None:
                item.add_marker(marker)
        if any(item.get_closest_marker(m) for m in SLOW) and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


# -- the real public data (../shared/data), and the registers loaded once ------------------------
@pytest.fixture(scope="session")
def shared() -> Path:
    """The real public data: fails under CI when it is missing, skips elsewhere."""
    return shared_data()


@pytest.fixture(scope="session")
def registers(
    shared: Path, extractor: SpacyExtractor, tmp_path_factory: pytest.TempPathFactory
) -> Registers:
    """The RNSR and the ANR loaded into an embedded store once per test run (tests copy it)."""
    return load_once(shared_root(tmp_path_factory), shared, extractor)


# -- Neo4j: a real server, the one NEO4J_URI names or one started for the session ---------------
@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server's bolt:// URI. Fails (never skips) when no server can be had."""
    given = os.environ.get("NEO4J_URI")
    if given:
        yield given
        return
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j"))
    try:
        uri = server.start()
    except RuntimeError as e:
        pytest.fail(f"Neo4j tests need a real server and none could be started: {e}")
    try:
        yield uri
    finally:
        server.discard()


@pytest.fixture
def neo4j_store(neo4j_uri: str) -> Iterator[Any]:
    """An empty Neo4j store (the database is wiped before each test)."""
    store = open_neo4j_store(neo4j_uri)
    store.wipe()
    yield store
    store.close()
