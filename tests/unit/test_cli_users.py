"""``passerelle users`` and ``passerelle tokens`` run for real (subprocesses) on an embedded
store in a temporary ``PASSERELLE_HOME``; what they wrote is read back through ``Accounts``."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import Settings
from graph.model import Extraction
from graph.rules.accounts import digest
from graph.store.embedded import DB_NAME, EmbeddedGraphStore
from graph.usecases.auth import Accounts, AuthError
from ingest.registers.demo import read_demo
from tests.cli import REPO, passerelle

PASSWORD = "correct-horse-battery-42"
DEMO_EMAILS = {
    "agent@demo.passerelle.fr": "officer",
    "pme@demo.passerelle.fr": "sme",
    "chercheur@demo.passerelle.fr": "researcher",
    "admin@demo.passerelle.fr": "admin",
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """The environment of a user with no setting but PASSERELLE_HOME."""
    names = {Settings.env_name(f) for f in Settings.model_fields}
    clean = {k: v for k, v in os.environ.items() if k not in names}
    return clean | {"PASSERELLE_HOME": str(home), "PYTHONPATH": str(REPO)}


@pytest.fixture
def demo_home(home: Path) -> Path:
    """The home with what ``load-demo`` writes of the demo company of the first need and of
    the first demo lab (without running the extraction: the accounts need only their ids)."""
    labs, companies, needs = read_demo()
    company = next(c for c in companies if c.id == needs[0].company_id)
    with opened(home) as store:
        store.upsert_company(company)
        store.upsert_labs([(labs[0], Extraction(language="fr"))])
    return home


@contextmanager
def opened(home: Path) -> Iterator[EmbeddedGraphStore]:
    """``with opened(home) as store:`` the embedded store of ``home``, closed after."""
    store = EmbeddedGraphStore(home)
    try:
        yield store
    finally:
        store.close()


def run(
    env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    done = passerelle(env, *args, stdin=stdin if stdin is not None else "")
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = run(env, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def store_bytes(home: Path) -> bytes:
    """The store's files as they are on disk (the database and any write-ahead log)."""
    return b"".join(p.read_bytes() for p in sorted(home.glob(DB_NAME + "*")))


def users_json(env: dict[str, str]) -> list[dict[str, object]]:
    out = run(env, "users", "list", "--json")
    assert out.returncode == 0, out.stderr
    rows: list[dict[str, object]] = json.loads(out.stdout)
    return rows


# -- users add / list / disable ------------------------------------------------------------
def test_add_list_disable_round_trip(env: dict[str, str], home: Path) -> None:
    added = ok(
        env,
        "users",
        "add",
        "Agent@Example.FR",
        "--role",
        "officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "agent@example.fr" in added and "officer" in added
    rows = users_json(env)
    assert [(r["email"], r["role"], r["disabled"], r["demo"]) for r in rows] == [
        ("agent@example.fr", "officer", False, False)
    ]
    assert set(rows[0]) == {
        "id",
        "email",
        "role",
        "company_id",
        "lab_id",
        "disabled",
        "demo",
        "created_at",
    }
    listed = ok(env, "users", "list")
    assert "agent@example.fr" in listed and "argon2" not in listed

    with opened(home) as store:
        assert Accounts(store).sign_in("agent@example.fr", PASSWORD, "test").email == (
            "agent@example.fr"
        )
        user = store.user_by_email("agent@example.fr")
        assert user is not None
        Accounts(store).issue(user, "session")
        Accounts(store).issue(user, "personal", "script")

    disabled = ok(env, "users", "disable", "agent@example.fr")
    assert re.search(r"révoqués / sessions and tokens revoked: 2\b", disabled), disabled
    assert users_json(env)[0]["disabled"] is True
    assert "désactivé/disabled" in ok(env, "users", "list")
    with opened(home) as store:
        with pytest.raises(AuthError):
            Accounts(store).sign_in("agent@example.fr", PASSWORD, "test")
        assert all(c.revoked for c in store.credentials(str(rows[0]["id"])))

    unknown = run(env, "users", "disable", "nobody@example.fr")
    assert unknown.returncode == 2 and "[email]" in unknown.stderr


def test_the_password_from_stdin_signs_in_and_is_never_shown_nor_stored(
    env: dict[str, str], home: Path
) -> None:
    outputs = [
        run(
            env,
            "users",
            "add",
            "pme@example.fr",
            "--role",
            "sme",
            "--company",
            "Atelier Dupont",
            "--password-stdin",
            stdin=PASSWORD + "\nsecond line\n",
        ),
        run(env, "users", "list"),
        run(env, "users", "list", "--json"),
    ]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    assert "atelier-dupont" in outputs[0].stdout  # the company id it belongs to
    for o in outputs:
        assert PASSWORD not in o.stdout + o.stderr
        assert "$argon2" not in o.stdout + o.stderr
    data = store_bytes(home)
    assert PASSWORD.encode() not in data
    assert b"$argon2id$" in data
    with opened(home) as store:
        user = Accounts(store).sign_in("pme@example.fr", PASSWORD, "test")
        assert user.company_id == "atelier-dupont"
        assert store.company("atelier-dupont") is not None
        with pytest.raises(AuthError):  # the first line only
            Accounts(store).sign_in("pme@example.fr", PASSWORD + "\nsecond line", "test")


@pytest.mark.parametrize(
    ("args", "password", "field"),
    [
        (("--role", "officer"), "too-short", "password"),
        (("--role", "officer"), "", "password"),
        (("--role", "boss"), PASSWORD, "role"),
        (("--role", "sme"), PASSWORD, "company"),
        (("--role", "officer", "--lab", "200918462H"), PASSWORD, "lab"),
        (("--role", "researcher", "--lab", "000000000X"), PASSWORD, "lab"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_stored(
    env: dict[str, str], home: Path, args: tuple[str, ...], password: str, field: str
) -> None:
    done = run(
        env, "users", "add", "x@example.fr", *args, "--password-stdin", stdin=password + "\n"
    )
    assert done.returncode == 2
    assert f"Erreur [{field}]" in done.stderr and f"Error [{field}]" in done.stderr
    assert users_json(env) == []


def test_an_email_is_taken_once(env: dict[str, str]) -> None:
    ok(
        env,
        "users",
        "add",
        "a@example.fr",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    again = run(
        env,
        "users",
        "add",
        "A@example.fr",
        "--role",
        "officer",
        "--password-stdin",
        stdin="another-password-1\n",
    )
    assert again.returncode == 2 and "[email]" in again.stderr
    assert [(r["email"], r["role"]) for r in users_json(env)] == [("a@example.fr", "admin")]


def test_without_stdin_the_password_is_asked_twice_hidden(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSERELLE_HOME", str(home))
    monkeypatch.delenv("PASSERELLE_ENV", raising=False)
    runner = CliRunner()
    differ = runner.invoke(
        app,
        ["users", "add", "r@example.fr", "--role", "researcher"],
        input=f"{PASSWORD}\nsomething-else-1\n",
    )
    assert differ.exit_code != 0 and PASSWORD not in differ.output
    with opened(home) as store:
        assert store.users() == []
    done = runner.invoke(
        app,
        ["users", "add", "r@example.fr", "--role", "researcher"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert done.exit_code == 0, done.output
    assert "r@example.fr" in done.output and PASSWORD not in done.output
    with opened(home) as store:
        assert Accounts(store).sign_in("r@example.fr", PASSWORD, "test").role == "researcher"


# -- users demo ----------------------------------------------------------------------------
def demo_passwords(output: str) -> dict[str, str]:
    """email → password, read from the table ``users demo`` prints."""
    found = dict(re.findall(r"│ (\S+@demo\.passerelle\.fr) +│ \w+ +│ (\S+) +│", output))
    assert set(found) == set(DEMO_EMAILS), output
    return found


def test_demo_accounts_are_made_once_and_printed_alike(
    env: dict[str, str], demo_home: Path
) -> None:
    first = ok(env, "users", "demo")
    assert "Comptes de démonstration / demo accounts" in first
    assert "curl -s -X POST localhost:8000/api/auth/token -d username=" in first
    passwords = demo_passwords(first)
    rows = users_json(env)
    assert {r["email"]: r["role"] for r in rows} == DEMO_EMAILS
    assert all(r["demo"] is True for r in rows)
    by_email = {r["email"]: r for r in rows}
    assert by_email["pme@demo.passerelle.fr"]["company_id"] == "forges-de-la-seille"
    assert by_email["chercheur@demo.passerelle.fr"]["lab_id"] == "200918462H"

    second = ok(env, "users", "demo")
    assert demo_passwords(second) == passwords
    assert users_json(env) == rows  # nothing created nor changed

    kept = demo_home / "demo-accounts.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text()) == passwords
    with opened(demo_home) as store:
        accounts = Accounts(store)
        for email, password in passwords.items():
            assert accounts.sign_in(email, password, "test").email == email
        assert store.company("forges-de-la-seille--no-city") is None  # no company made
        assert len(store.users()) == 4


def test_a_demo_password_missing_from_the_file_is_renewed(
    env: dict[str, str], demo_home: Path
) -> None:
    passwords = demo_passwords(ok(env, "users", "demo"))
    kept = demo_home / "demo-accounts.json"
    kept.write_text(json.dumps({k: v for k, v in passwords.items() if "admin" not in k}))
    again = demo_passwords(ok(env, "users", "demo"))
    assert again["admin@demo.passerelle.fr"] != passwords["admin@demo.passerelle.fr"]
    assert {k: v for k, v in again.items() if "admin" not in k} == {
        k: v for k, v in passwords.items() if "admin" not in k
    }
    assert json.loads(kept.read_text()) == again
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    with opened(demo_home) as store:
        accounts = Accounts(store)
        accounts.sign_in("admin@demo.passerelle.fr", again["admin@demo.passerelle.fr"], "t")
        with pytest.raises(AuthError):
            accounts.sign_in("admin@demo.passerelle.fr", passwords["admin@demo.passerelle.fr"], "t")


def test_demo_accounts_need_the_demo_corpus(env: dict[str, str], home: Path) -> None:
    done = run(env, "users", "demo")
    assert done.returncode == 2
    assert "passerelle load-demo" in done.stderr and "forges-de-la-seille" in done.stderr
    assert users_json(env) == []


def test_no_demo_accounts_in_production(env: dict[str, str], demo_home: Path) -> None:
    production = env | {"PASSERELLE_ENV": "production"}
    done = run(production, "users", "demo")
    assert done.returncode == 2
    assert "Erreur [PASSERELLE_ENV]" in done.stderr and "Error [PASSERELLE_ENV]" in done.stderr
    assert "production" in done.stderr
    assert not (demo_home / "demo-accounts.json").exists()
    assert users_json(env) == []


def test_demo_accounts_cannot_sign_in_in_production(env: dict[str, str], demo_home: Path) -> None:
    passwords = demo_passwords(ok(env, "users", "demo"))
    with opened(demo_home) as store:
        demo, production = Accounts(store), Accounts(store, production=True)
        for email, password in passwords.items():
            assert demo.sign_in(email, password, "test").demo
            with pytest.raises(AuthError):
                production.sign_in(email, password, "test")
            secret, _ = demo.issue(demo.find(email), "personal")
            assert demo.principal(secret, ("personal",)) is not None
            assert production.principal(secret, ("personal",)) is None


# -- tokens --------------------------------------------------------------------------------
@pytest.fixture
def member(env: dict[str, str]) -> str:
    ok(
        env,
        "users",
        "add",
        "m@example.fr",
        "--role",
        "officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    return "m@example.fr"


def test_a_personal_token_is_shown_once_and_revoked(
    env: dict[str, str], home: Path, member: str
) -> None:
    created = run(env, "tokens", "create", member, "--name", "notebook")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("psp_") and "\n" not in token  # alone on stdout: $(…) keeps it
    assert "une fois" in created.stderr and "only once" in created.stderr
    with opened(home) as store:
        who = Accounts(store).principal(token, ("personal",))
        assert who is not None and who.user is not None and who.user.email == member
        assert Accounts(store).principal(token, ("access", "session")) is None
    assert token.encode() not in store_bytes(home)

    listed = run(env, "tokens", "list", member, "--json")
    tokens = json.loads(listed.stdout)
    assert [(t["name"], t["revoked"]) for t in tokens] == [("notebook", False)]
    assert set(tokens[0]) == {"id", "name", "created_at", "expires_at", "revoked"}
    plain = ok(env, "tokens", "list", member)
    for shown in (listed.stdout, plain):
        assert token not in shown and digest(token) not in shown
    assert tokens[0]["id"] in plain and "notebook" in plain

    ok(env, "tokens", "revoke", member, str(tokens[0]["id"]))
    with opened(home) as store:
        assert Accounts(store).principal(token, ("personal",)) is None
    assert json.loads(run(env, "tokens", "list", member, "--json").stdout)[0]["revoked"] is True
    wrong = run(env, "tokens", "revoke", member, "0000000000000000")
    assert wrong.returncode == 2 and "[token]" in wrong.stderr


def test_a_token_of_another_account_is_not_revoked(
    env: dict[str, str], home: Path, member: str
) -> None:
    ok(
        env,
        "users",
        "add",
        "o@example.fr",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    token = run(env, "tokens", "create", "o@example.fr").stdout.strip()
    other = json.loads(run(env, "tokens", "list", "o@example.fr", "--json").stdout)[0]["id"]
    done = run(env, "tokens", "revoke", member, other)
    assert done.returncode == 2
    with opened(home) as store:
        assert Accounts(store).principal(token, ("personal",)) is not None


def test_disabling_an_account_ends_its_tokens(env: dict[str, str], home: Path, member: str) -> None:
    token = run(env, "tokens", "create", member).stdout.strip()
    with opened(home) as store:
        assert Accounts(store).principal(token, ("personal",)) is not None
    ok(env, "users", "disable", member)
    with opened(home) as store:
        assert Accounts(store).principal(token, ("personal",)) is None
    refused = run(env, "tokens", "create", member)
    assert refused.returncode == 2 and "[email]" in refused.stderr
    assert "psp_" not in refused.stdout


def test_tokens_of_an_unknown_account(env: dict[str, str]) -> None:
    for args in (("create", "x@example.fr"), ("list", "x@example.fr")):
        done = run(env, "tokens", *args)
        assert done.returncode == 2 and "[email]" in done.stderr


# -- serve -----------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [None, "change-me", "short-but-not-an-example"])
def test_serve_refuses_production_without_a_strong_secret(
    env: dict[str, str], secret: str | None
) -> None:
    production = env | {"PASSERELLE_ENV": "production"}
    if secret is not None:
        production["PASSERELLE_SECRET_KEY"] = secret
    done = passerelle(production, "serve", "--port", "1", timeout=60)
    assert done.returncode == 2, done.stderr
    assert "PASSERELLE_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr
    assert "Erreur [PASSERELLE_SECRET_KEY]" in done.stderr
