"""Signing in and out, over HTTP: bearer tokens, the web session and its CSRF protection,
personal tokens, limits on sign-in attempts that tell nothing about accounts, demo accounts
refused in production, passwords never written anywhere in clear."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import CSRF_COOKIE, SESSION_COOKIE
from api.settings import Settings
from graph.errors import InputError
from graph.store.embedded import DB_NAME, EmbeddedGraphStore
from graph.usecases.auth import Accounts
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor

pytestmark = pytest.mark.integration

PASSWORD = "Correct-Cheval-Pile-Agrafe"
EMAIL = "agent.auth@example.fr"


@pytest.fixture
def setup(tmp_path: Path, extractor: SpacyExtractor) -> Iterator[tuple[TestClient, Accounts]]:
    store = EmbeddedGraphStore(tmp_path / "store")
    settings = Settings(PASSERELLE_HOME=str(tmp_path / "home"), PASSERELLE_MATCH_PER_MINUTE=3)
    app = create_app(PairingService(store, extractor), settings=settings)
    accounts: Accounts = app.state.accounts
    accounts.add_user(EMAIL, "officer", PASSWORD)
    with TestClient(app) as client:
        yield client, accounts
    store.close()


def token(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> str:
    r = client.post("/api/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    return str(body["access_token"])


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_bearer_token_signs_in_and_signing_out_revokes_it(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    secret = token(client)
    me = client.get("/api/me", headers=bearer(secret))
    assert me.status_code == 200 and me.json()["email"] == EMAIL and me.json()["role"] == "officer"
    assert client.post("/api/auth/logout", headers=bearer(secret)).status_code == 204
    r = client.get("/api/me", headers=bearer(secret))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/me", headers=bearer("psa_not-a-token")).status_code == 401


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    wrong = client.post("/api/auth/token", data={"username": EMAIL, "password": "x" * 12})
    unknown = client.post(
        "/api/auth/token", data={"username": "personne@example.fr", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    keep = ("error", "message", "message_en", "where")
    assert {k: wrong.json()[k] for k in keep} == {k: unknown.json()[k] for k in keep}


def test_sign_in_attempts_are_limited_per_account_and_alike_for_unknown_ones(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    answers = {}
    for email in (EMAIL, "personne@example.fr"):
        statuses = [
            client.post("/api/auth/token", data={"username": email, "password": "y" * 12})
            for _ in range(6)
        ]
        assert [r.status_code for r in statuses] == [401] * 5 + [429]
        assert int(statuses[-1].headers["retry-after"]) > 0
        answers[email] = statuses[-1].json()["message"]
        # the right password is refused too while the account name is locked
        r = client.post("/api/auth/token", data={"username": email, "password": PASSWORD})
        assert r.status_code == 429
    assert answers[EMAIL] == answers["personne@example.fr"]


def test_sign_in_attempts_are_limited_per_client(setup: tuple[TestClient, Accounts]) -> None:
    client, _ = setup
    for n in range(20):  # 20 account names, 1 failure each
        r = client.post(
            "/api/auth/token", data={"username": f"u{n}@example.fr", "password": "z" * 12}
        )
        assert r.status_code == 401
    r = client.post("/api/auth/token", data={"username": EMAIL, "password": PASSWORD})
    assert r.status_code == 429


def test_the_free_match_is_rate_limited_per_client(setup: tuple[TestClient, Accounts]) -> None:
    client, _ = setup
    body = {"text": "Nos pièces en acier rouillent."}
    statuses = [client.post("/api/match", json=body).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_personal_tokens_are_shown_once_listed_without_secret_and_revocable(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, accounts = setup
    auth = bearer(token(client))
    created = client.post("/api/me/tokens", json={"name": "carnet Jupyter"}, headers=auth)
    assert created.status_code == 201
    personal = created.json()["token"]
    assert personal.startswith("psp_")
    listed = client.get("/api/me/tokens", headers=auth).json()
    assert [t["name"] for t in listed] == ["carnet Jupyter"] and personal not in str(listed)
    assert client.get("/api/me", headers=bearer(personal)).status_code == 200
    # what the store keeps is a digest, never the secret
    user = accounts.store.user_by_email(EMAIL)
    assert user is not None
    assert personal not in str(accounts.store.credentials(user.id))
    r = client.delete(f"/api/me/tokens/{created.json()['id']}", headers=auth)
    assert r.status_code == 204
    assert client.get("/api/me", headers=bearer(personal)).status_code == 401
    assert client.delete(f"/api/me/tokens/{created.json()['id']}", headers=auth).status_code == 404


def login_form(client: TestClient) -> str:
    page = client.get("/auth/login")
    assert page.status_code == 200 and CSRF_COOKIE in page.headers["set-cookie"]
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_the_web_session_is_an_http_only_samesite_cookie_and_sign_out_ends_it(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    csrf = login_form(client)
    r = client.post(
        "/auth/login",
        data={"username": EMAIL, "password": PASSWORD, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    session = client.cookies[SESSION_COOKIE]
    me = client.get("/api/me")
    assert me.status_code == 200 and me.json()["email"] == EMAIL
    # a change made with the session needs the session's CSRF token
    r = client.post("/api/me/tokens", json={"name": "sans jeton CSRF"})
    assert r.status_code == 403 and r.json()["where"] == "csrf_token"
    assert client.post("/auth/logout", follow_redirects=False).status_code == 403
    # signing out with the token revokes the session on the server
    credential = client.app.state.accounts.principal(session, ("session",)).credential  # type: ignore[attr-defined]
    r = client.post(
        "/auth/logout",
        data={"csrf_token": credential.csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.cookies.set(SESSION_COOKIE, session)  # a copy of the old cookie is worth nothing
    assert client.get("/api/me").status_code == 401


def test_the_session_s_csrf_token_is_accepted_in_a_header(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, accounts = setup
    csrf = login_form(client)
    client.post("/auth/login", data={"username": EMAIL, "password": PASSWORD, "csrf_token": csrf})
    found = accounts.principal(client.cookies[SESSION_COOKIE], ("session",))
    assert found is not None and found.credential is not None
    r = client.post(
        "/api/me/tokens",
        json={"name": "avec jeton"},
        headers={"X-CSRF-Token": found.credential.csrf},
    )
    assert r.status_code == 201


def test_the_sign_in_form_refuses_a_forged_or_missing_csrf_token(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    login_form(client)
    for csrf in ("", "forged"):
        r = client.post(
            "/auth/login",
            data={"username": EMAIL, "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert r.status_code == 403 and SESSION_COOKIE not in r.headers.get("set-cookie", "")
        # the form keeps the email typed, not the password
        assert EMAIL in r.text and PASSWORD not in r.text
    # a token made for another cookie's nonce does not fit this one
    other = TestClient(client.app)
    stolen = login_form(other)
    r = client.post(
        "/auth/login",
        data={"username": EMAIL, "password": PASSWORD, "csrf_token": stolen},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_a_failed_web_sign_in_says_so_without_telling_if_the_account_exists(
    setup: tuple[TestClient, Accounts],
) -> None:
    client, _ = setup
    texts = []
    for email in (EMAIL, "personne@example.fr"):
        r = client.post(
            "/auth/login",
            data={"username": email, "password": "faux" * 4, "csrf_token": login_form(client)},
        )
        assert r.status_code == 401
        texts.append(r.text.replace(email, "EMAIL"))
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", texts[0]) == strip.sub("", texts[1])


def test_a_disabled_account_loses_its_tokens_at_once(setup: tuple[TestClient, Accounts]) -> None:
    client, accounts = setup
    secret = token(client)
    accounts.disable(EMAIL)
    assert client.get("/api/me", headers=bearer(secret)).status_code == 401
    r = client.post("/api/auth/token", data={"username": EMAIL, "password": PASSWORD})
    assert r.status_code == 401


def test_production_refuses_demo_accounts_and_a_weak_secret(
    tmp_path: Path, extractor: SpacyExtractor
) -> None:
    store = EmbeddedGraphStore(tmp_path / "store")
    service = PairingService(store, extractor)
    for weak in (None, "change-me", "court"):
        env = {"PASSERELLE_ENV": "production", "PASSERELLE_HOME": str(tmp_path)}
        if weak:
            env["PASSERELLE_SECRET_KEY"] = weak
        with pytest.raises(InputError, match="PASSERELLE_SECRET_KEY"):
            create_app(service, settings=Settings(**env))
    strong = "k" * 16 + "9Zq-" * 8
    app = create_app(
        service,
        settings=Settings(
            PASSERELLE_ENV="production",
            PASSERELLE_SECRET_KEY=strong,
            PASSERELLE_HOME=str(tmp_path),
        ),
    )
    Accounts(store).add_user("demo@example.fr", "officer", PASSWORD, demo=True)
    Accounts(store).add_user("vrai@example.fr", "officer", PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        r = client.post(
            "/api/auth/token", data={"username": "demo@example.fr", "password": PASSWORD}
        )
        assert r.status_code == 401
        assert token(client, "vrai@example.fr")
        page = client.get("/auth/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = client.post(
            "/auth/login",
            data={"username": "vrai@example.fr", "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
        session = next(c for c in r.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
        assert "Secure" in session
    store.close()


def test_passwords_are_stored_hashed_and_never_logged(
    tmp_path: Path, extractor: SpacyExtractor, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = EmbeddedGraphStore(tmp_path / "store")
    app = create_app(
        PairingService(store, extractor), settings=Settings(PASSERELLE_HOME=str(tmp_path))
    )
    accounts: Accounts = app.state.accounts
    user = accounts.add_user("secret@example.fr", "sme", PASSWORD, company="Acme")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in repr(user)
    with TestClient(app) as client:
        token(client, "secret@example.fr")
        client.post("/api/auth/token", data={"username": "secret@example.fr", "password": "w" * 13})
    store.close()
    on_disk = b"".join(
        p.read_bytes() for p in (tmp_path / "store").iterdir() if p.name.startswith(DB_NAME)
    )
    assert PASSWORD.encode() not in on_disk and b"$argon2id$" in on_disk
    assert PASSWORD not in caplog.text
