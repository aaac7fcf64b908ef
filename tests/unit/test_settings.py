"""Typed settings: the README's table is the class's, `.env` is honoured below the environment,
secrets are never printed, and nothing but api/settings.py reads the environment."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from api.settings import DEFAULT_HOME, Settings, load_settings
from graph.errors import InputError
from tests.cli import REPO, passerelle

SECRET = "s3cr3t-do-not-print"


def readme_table() -> dict[str, tuple[str, str]]:
    """The README's settings table: variable → (default cell, meaning cell)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("| setting | default | what |")
    rows: dict[str, tuple[str, str]] = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == 3, f"a settings row has three cells: {line}"
        for name in re.findall(r"`([A-Z0-9_]+)`", cells[0]):
            rows[name] = (cells[1], cells[2])
    return rows


def env_names() -> dict[str, str]:
    return {Settings.env_name(field): field for field in Settings.model_fields}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting in the environment, and a working folder of our own (no stray .env)."""
    for name in env_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_setting_is_in_the_readme_table_and_every_row_is_a_setting() -> None:
    documented, fields = set(readme_table()), set(env_names())
    assert fields - documented == set(), "settings missing from the README's table"
    assert documented - fields == set(), "README rows naming no setting"


def test_the_readme_defaults_are_the_class_defaults() -> None:
    """A default written as a literal in the table (first `value` of the cell) is the field's."""
    checked = 0
    for name, (default, _what) in readme_table().items():
        field = env_names()[name]
        literal = re.match(r"`([^`$]*)`", default)
        declared = Settings.model_fields[field].default
        if declared is None or literal is None:
            continue
        parsed = Settings(_env_file=None, **{name: literal.group(1)})  # type: ignore[call-arg]
        assert getattr(parsed, field) == declared, name
        checked += 1
    assert checked >= 5  # home, institution, port, database, retry


def test_defaults_without_environment(clean_env: Path) -> None:
    s = Settings()
    assert s.home == DEFAULT_HOME
    assert s.store_kind == "embedded"
    assert s.institution == "Université de Lorraine" and s.region is None
    assert s.registers_dir == DEFAULT_HOME / "registers"
    assert s.port == 8000 and s.secret_key is None


def test_environment_is_read_with_the_documented_names(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_HOME", str(clean_env / "home"))
    monkeypatch.setenv("NEO4J_URI", "bolt://example:7687")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("PASSERELLE_INSTITUTION", "")  # empty: all of France
    monkeypatch.setenv("PASSERELLE_REGISTERS", "  ")  # blank: as if unset
    monkeypatch.setenv("PASSERELLE_ANR_URL", "http://mirror/anr.csv")
    monkeypatch.setenv("HOME", "/not/this")  # a field named home reads PASSERELLE_HOME only
    s = Settings()
    assert s.home == clean_env / "home"
    assert s.store_kind == "neo4j"
    assert s.port == 8123 and s.institution is None
    assert s.registers_dir == clean_env / "home" / "registers"
    assert s.register_url("anr") == "http://mirror/anr.csv" and s.register_url("rnsr") is None
    assert s.with_store("embedded").store_kind == "embedded"


def test_dot_env_is_honoured_and_the_environment_wins(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / ".env").write_text(
        "PASSERELLE_REGION=Grand Est\nPORT=9001\nNEO4J_DATABASE=fromfile\n", encoding="utf-8"
    )
    monkeypatch.setenv("PORT", "9002")
    s = Settings()
    assert s.region == "Grand Est" and s.neo4j_database == "fromfile"
    assert s.port == 9002  # the environment over the file


def test_an_explicit_settings_file(clean_env: Path) -> None:
    other = clean_env / "prod.env"
    other.write_text("PASSERELLE_STORE=neo4j\n", encoding="utf-8")
    assert load_settings(other).store_kind == "neo4j"
    with pytest.raises(InputError, match="introuvable"):
        load_settings(clean_env / "missing.env")


def test_a_bad_value_names_its_variable_without_echoing_it(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORT", "huit-mille")
    with pytest.raises(InputError) as e:
        load_settings()
    assert e.value.where == "PORT" and "huit-mille" not in e.value.message_en


def test_secrets_are_not_in_the_repr(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)
    monkeypatch.setenv("PASSERELLE_SECRET_KEY", SECRET)
    s = Settings()
    assert SECRET not in repr(s) and SECRET not in str(s) and SECRET not in str(s.public())
    assert s.neo4j_password is not None and s.neo4j_password.get_secret_value() == SECRET


def test_passerelle_settings_lists_them_with_secrets_masked(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in env_names()}
    env |= {"PASSERELLE_HOME": str(tmp_path), "NEO4J_PASSWORD": SECRET, "PYTHONPATH": str(REPO)}
    (tmp_path / "x.env").write_text(f"PASSERELLE_SECRET_KEY={SECRET}\nPORT=8765\n")
    done = passerelle(env, "--env-file", str(tmp_path / "x.env"), "settings")
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert "NEO4J_PASSWORD" in done.stdout and "**********" in done.stdout
    assert re.search(r"PORT\s+8765", done.stdout)
    missing = passerelle(env, "--env-file", str(tmp_path / "nope.env"), "settings")
    assert missing.returncode == 2 and "nope.env" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_nothing_else_reads_the_environment() -> None:
    """graph/, ingest/ and api/ get their settings from api/settings.py, never from os."""
    offenders = []
    for folder in ("graph", "ingest", "api"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|getenv\(|os\.putenv", text):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []
