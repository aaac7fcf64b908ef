"""Settings against a real Neo4j with auth on: a password alone is enough, and wrong settings
(password, database) are clear errors that name the setting to fix."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import passerelle
from tests.neo4j_server import Neo4jServer

pytestmark = [pytest.mark.integration, pytest.mark.neo4j, pytest.mark.slow]

PASSWORD = "passerelle-secret"
TEXT = "Nos soudures TIG sur inox fissurent."


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of this module's own, with auth on."""
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j-auth"), password=PASSWORD)
    try:
        uri = server.start()
    except RuntimeError as e:
        pytest.fail(f"these tests need a real Neo4j server with auth: {e}")
    yield uri
    server.discard()


def cli(uri: str, home: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"}
    }
    env.update(NEO4J_URI=uri, PASSERELLE_HOME=str(home), NEO4J_RETRY_SECONDS="1", **settings)
    return passerelle(env, *args)


def test_the_password_alone_is_enough_the_user_defaults_to_neo4j(
    secured: str, tmp_path: Path
) -> None:
    loaded = cli(secured, tmp_path, "load-demo", "--store", "neo4j", NEO4J_PASSWORD=PASSWORD)
    assert loaded.returncode == 0, loaded.stderr
    matched = cli(
        secured, tmp_path, "match", "--store", "neo4j", "--json", TEXT, NEO4J_PASSWORD=PASSWORD
    )
    assert matched.returncode == 0, matched.stderr
    assert '"pairings"' in matched.stdout


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        # first: failed logins may lock the account for a few seconds
        ({"NEO4J_PASSWORD": PASSWORD, "NEO4J_DATABASE": "nulle-part"}, "nulle-part"),
        ({"NEO4J_PASSWORD": "not-the-password"}, "NEO4J_PASSWORD"),
        ({}, "NEO4J_PASSWORD"),
    ],
    ids=["unknown-database", "wrong-password", "no-password"],
)
def test_wrong_settings_are_clear_errors_naming_what_to_fix(
    secured: str, tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    done = cli(secured, tmp_path, "match", "--store", "neo4j", TEXT, **settings)
    assert done.returncode == 2, done.stdout
    assert named in done.stderr
    assert "make neo4j-start" not in done.stderr  # the server runs: not the advice to give
    assert "Traceback" not in done.stderr
