"""Who may call what, and who may see what, on both stores.

- every route of the app has a declared policy (and the table names no route that is gone);
- a role × route matrix: anonymous, the SME of company A, the SME of company B, an officer, a
  researcher, an admin; each route's status for each (401 without credentials, 403 for a
  wrong role, 404 for a need of another company);
- a leak crawl: every GET route of the OpenAPI document (and the pages), with every id that
  exists, for each caller: a need's marker text, its company's name (and id), officers'
  notes never appear in an answer to a caller who may not see them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import POLICIES, served, unprotected
from api.settings import Settings
from graph.rules.accounts import Principal
from tests.integration.world import (
    COMPANY_A,
    COMPANY_B,
    COMPANY_C,
    NEED_B,
    NEED_TEXTS,
    NOTE_MARKER,
    PASSWORD,
    ROLES,
    World,
)

pytestmark = pytest.mark.integration

MARK = {
    "confidential": "KQZCONF",
    "anonymous": "KQZANON",
    "public": "KQZPUB",
    "b": "KQZBEE",
}
assert all(MARK[k] in NEED_TEXTS[k][1] for k in NEED_TEXTS) and MARK["b"] in NEED_B[1]


def forbidden(role: str) -> set[str]:
    """What an answer to ``role`` must never hold."""
    names = {COMPANY_A.name, COMPANY_B.name, COMPANY_C.name}
    ids = {COMPANY_A.id, COMPANY_B.id, COMPANY_C.id}
    every_mark = set(MARK.values())
    return {
        "anonymous": every_mark | names | ids | {NOTE_MARKER},
        # admins manage accounts (an SME account's company id), read no need
        "admin": every_mark | names | {NOTE_MARKER},
        "sme_a": {MARK["b"], COMPANY_B.name, COMPANY_B.id, NOTE_MARKER},
        "sme_b": {
            MARK["confidential"],
            MARK["anonymous"],
            COMPANY_A.name,
            COMPANY_A.id,
            NOTE_MARKER,
        },
        "researcher": {
            MARK["confidential"],
            MARK["b"],
            COMPANY_A.name,
            COMPANY_A.id,
            COMPANY_B.name,
            COMPANY_B.id,
            NOTE_MARKER,
        },
        "officer": set(),
    }[role]


def assert_no_leak(role: str, where: str, text: str) -> None:
    leaked = sorted(s for s in forbidden(role) if s in text)
    assert not leaked, f"{role} read {leaked} in {where}"


# -- every route has a policy ---------------------------------------------------------------
def test_every_route_has_a_declared_policy_and_the_table_names_only_routes(
    tmp_path: Path, service: Any
) -> None:
    app = create_app(service, settings=Settings(PASSERELLE_HOME=str(tmp_path)))
    assert unprotected(app) == []
    assert len(served(app)) >= len(POLICIES) > 30
    assert set(POLICIES) - served(app) == set(), "policies of routes that do not exist"


def test_a_route_without_a_policy_is_refused_to_everyone(tmp_path: Path, service: Any) -> None:
    app: FastAPI = create_app(service, settings=Settings(PASSERELLE_HOME=str(tmp_path)))

    @app.get("/api/forgotten")
    def forgotten() -> dict[str, str]:
        return {"secret": "KQZFORGOT"}

    assert unprotected(app) == ["GET /api/forgotten"]
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/forgotten")
    assert r.status_code == 500 and "KQZFORGOT" not in r.text


# -- the role x route matrix ------------------------------------------------------------------
Row = tuple[str, str, dict[str, Any], dict[str, int]]


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _signed_in(status: int) -> dict[str, int]:
    return {**_all(status), "anonymous": 401}


def _only(status: int, *roles: str, others: int = 403) -> dict[str, int]:
    return {**_signed_in(others), **dict.fromkeys(roles, status)}


def _page(expected: dict[str, int]) -> dict[str, int]:
    """A page's statuses: the API's, but a page asks an anonymous visitor to sign in."""
    return {**expected, "anonymous": 303}


def _read(need: str) -> dict[str, int]:
    """Reading one of the world's needs, by role."""
    readers = {
        "confidential": {"sme_a", "officer"},
        "anonymous": {"sme_a", "officer", "researcher"},
        "public": {"sme_a", "sme_b", "officer", "researcher"},
        "b": {"sme_b", "officer"},
    }[need]
    return {
        "anonymous": 401,
        "admin": 403,
        **{r: 200 if r in readers else 404 for r in ("sme_a", "sme_b", "officer", "researcher")},
    }


def matrix(w: World) -> list[Row]:
    """One request per route (several for the rules that depend on the need), and the status
    each role gets. Requests that change something are made on objects of their own."""
    desk, officer = w.desk(), w.principal("officer")
    lab = w.labs[0]
    conf, anon, pub, b = (w.needs[k] for k in ("confidential", "anonymous", "public", "b"))
    intro_conf = desk.introductions(officer, conf)[0].introduction.id
    fresh = desk.introduce(officer, pub, w.labs[1])[0].introduction.id
    throwaway = w.app.state.accounts.add_user("jetable@example.fr", "researcher", PASSWORD)
    conf_need = w.store.need(conf)
    assert conf_need is not None
    page_need = desk.submit(
        w.principal("sme_b"), title="Retrait par la page", text="Nos boulons cassent au serrage."
    )[0].id
    had = {m.concept_id for m in w.store.need_profile(pub).mentions}  # type: ignore[union-attr]
    extra_concept = next(c for c in sorted(w.service.concepts()) if c not in had)
    rows: list[Row] = [
        ("GET", "/", {}, _all(200)),
        ("POST", "/try", {"data": {"text": "soudage TIG de l'acier inoxydable"}}, _all(200)),
        ("GET", "/lang/en?next=/labs", {}, _all(303)),
        ("GET", "/health", {}, _all(200)),
        ("GET", "/health/ready", {}, _all(200)),
        ("GET", "/openapi.json", {}, _all(200)),
        ("GET", "/docs", {}, _all(200)),
        ("GET", "/docs/oauth2-redirect", {}, _all(200)),
        ("GET", "/redoc", {}, _all(200)),
        ("POST", "/api/match", {"json": {"text": "soudage TIG de l'acier inoxydable"}}, _all(200)),
        ("GET", "/api/labs", {}, _all(200)),
        ("GET", f"/api/labs/{lab}", {}, _all(200)),
        ("GET", "/api/concepts?q=acier", {}, _all(200)),
        (
            "POST",
            "/api/auth/token",
            {"data": {"username": "pme.a@example.fr", "password": "pas le bon mot de passe"}},
            # the sixth failure for one account name within 15 minutes is not even checked
            {**_all(401), "admin": 429},
        ),
        ("GET", "/auth/login", {}, _all(200)),
        ("POST", "/auth/login", {"data": {"username": "x@example.fr", "password": "y"}}, _all(403)),
        ("POST", "/auth/logout", {}, _all(303)),
        ("GET", "/api/me", {}, _signed_in(200)),
        ("GET", "/api/me/tokens", {}, _signed_in(200)),
        ("POST", "/api/me/tokens", {"json": {"name": "carnet"}}, _signed_in(201)),
        ("DELETE", "/api/me/tokens/inconnu", {}, _signed_in(404)),
        ("GET", "/api/needs", {}, _only(200, "sme_a", "sme_b", "officer", "researcher")),
        *(("GET", f"/api/needs/{w.needs[k]}", {}, _read(k)) for k in w.needs),
        *(("GET", f"/api/needs/{w.needs[k]}/pairings", {}, _read(k)) for k in w.needs),
        (
            "POST",
            "/api/needs",
            {"json": {"title": "Essai", "text": "Nous usinons de l'aluminium et il colle."}},
            # an officer must name the company it submits for
            {**_only(201, "sme_a", "sme_b"), "officer": 422},
        ),
        (
            "PATCH",
            f"/api/needs/{conf}",
            {"json": {"visibility": "confidential"}},
            {**_only(200, "sme_a", "officer"), "sme_b": 404},
        ),
        (
            "PATCH",
            f"/api/needs/{pub}",
            {"json": {"visibility": "public"}},
            # company B reads company C's public need but may not change it
            {**_only(200, "officer"), "sme_a": 403, "sme_b": 403},
        ),
        # company B withdraws its need (0: success); the officer, next, finds it gone
        ("DELETE", f"/api/needs/{b}", {}, {**_only(0, "sme_b"), "sme_a": 404, "officer": 404}),
        (
            "GET",
            f"/api/labs/{lab}/opportunities",
            {},
            _only(200, "officer", "researcher"),
        ),
        ("GET", "/api/queue", {}, _only(200, "officer")),
        (
            "POST",
            "/api/introductions",
            {"json": {"need_id": anon, "lab_id": lab}},
            _only(200, "officer"),
        ),
        ("GET", "/api/introductions", {}, _only(200, "officer", "sme_a", "sme_b")),
        (
            "GET",
            f"/api/introductions/{intro_conf}",
            {},
            {**_only(200, "officer", "sme_a"), "sme_b": 404},
        ),
        (
            "POST",
            f"/api/introductions/{fresh}/transitions",
            {"json": {"to": "contacted", "note": "appelé"}},
            _only(200, "officer"),
        ),
        (
            "POST",
            f"/api/introductions/{intro_conf}/notes",
            {"json": {"note": "relance prévue"}},
            _only(200, "officer"),
        ),
        ("GET", "/api/exports/introductions.csv", {}, _only(200, "officer")),
        # pages: without an account, a page asks to sign in (303 to the sign-in page)
        ("GET", "/needs", {}, _page(_only(200, "sme_a", "sme_b", "officer", "researcher"))),
        ("GET", "/needs/new", {}, _page(_only(200, "sme_a", "sme_b", "officer"))),
        (
            "POST",
            "/needs/new",
            {"data": {"title": "Essai de page", "text": "Nos outils collent à l'aluminium."}},
            # an officer must name the company: the form comes back (422)
            _page({**_only(303, "sme_a", "sme_b"), "officer": 422}),
        ),
        *(("GET", f"/needs/{w.needs[k]}", {}, _page(_read(k))) for k in ("confidential", "public")),
        (
            "GET",
            f"/needs/{conf}/edit",
            {},
            _page({**_only(200, "sme_a", "officer"), "sme_b": 404}),
        ),
        (
            "POST",
            f"/needs/{conf}/edit",
            {
                "data": {
                    "title": conf_need.title,
                    "text": conf_need.text,
                    "visibility": "confidential",
                }
            },
            _page({**_only(303, "sme_a", "officer"), "sme_b": 404}),
        ),
        (
            "POST",
            f"/needs/{pub}/concepts",
            {"data": {"concept_id": extra_concept}},
            # company C's public need: readable by the SMEs of A and B, not theirs to change
            _page({**_only(303, "officer"), "sme_a": 403, "sme_b": 403}),
        ),
        (
            "POST",
            f"/needs/{pub}/concepts/{extra_concept}/remove",
            {},
            _page({**_only(303, "officer"), "sme_a": 403, "sme_b": 403}),
        ),
        (
            "POST",
            f"/needs/{page_need}/withdraw",
            {},
            _page({**_only(303, "sme_b"), "sme_a": 404, "officer": 404}),
        ),
        ("GET", "/labs?q=nancy", {}, _all(200)),
        ("GET", "/concepts?q=acier", {}, _all(200)),
        ("GET", f"/labs/{lab}", {}, _all(200)),
        ("GET", "/queue", {}, _page(_only(200, "officer"))),
        (
            "POST",
            "/introductions",
            {"data": {"need_id": anon, "lab_id": lab}},
            _page(_only(303, "officer")),
        ),
        (
            "GET",
            f"/introductions/{intro_conf}",
            {},
            _page({**_only(200, "officer", "sme_a"), "sme_b": 404}),
        ),
        (
            "POST",
            f"/introductions/{fresh}/move",
            {"data": {"to": "meeting", "note": "rendez-vous pris"}},
            _page(_only(303, "officer")),
        ),
        (
            "POST",
            f"/introductions/{intro_conf}/notes",
            {"data": {"note": "relance par téléphone"}},
            _page(_only(303, "officer")),
        ),
        ("GET", "/api/users", {}, _only(200, "admin")),
        (
            "POST",
            "/api/users",
            {"json": {"email": "nouveau@example.fr", "role": "researcher", "password": PASSWORD}},
            _only(201, "admin"),
        ),
        ("POST", f"/api/users/{throwaway.id}/disable", {}, _only(200, "admin")),
        ("POST", "/api/auth/logout", {}, _signed_in(204)),
    ]
    return rows


def _template(path: str, w: World) -> str:
    """The route a concrete path belongs to."""
    for name, value in {
        **{f"need:{k}": v for k, v in w.needs.items()},
        **{f"lab:{i}": v for i, v in enumerate(w.labs)},
    }.items():
        kind = name.split(":")[0]
        path = path.replace(f"/{value}", "/{" + kind + "_id}")
    path = path.split("?")[0]
    path = re.sub(r"/intro-[0-9a-f]+", "/{introduction_id}", path)
    path = re.sub(r"/user-[0-9a-f]+", "/{user_id}", path)
    path = re.sub(r"^/lang/(fr|en)$", "/lang/{code}", path)
    path = re.sub(r"/concepts/[^/]+/remove$", "/concepts/{concept_id}/remove", path)
    path = re.sub(r"^/needs/need-[0-9a-f]+", "/needs/{need_id}", path)
    return path.replace("/api/me/tokens/inconnu", "/api/me/tokens/{token_id}")


def test_every_route_answers_each_role_as_its_policy_says(world: World) -> None:
    rows = matrix(world)
    covered = {(m, _template(p, world)) for m, p, _, _ in rows}
    assert set(POLICIES) - covered == set(), "routes missing from the matrix"
    failures = []
    for method, path, kwargs, expected in rows:
        # in the order of ``expected`` (a need's company deletes it before the officer tries)
        for role in expected:
            client = world.clients[role]
            if method == "POST" and path == "/api/auth/logout" and role != "anonymous":
                client = TestClient(world.app)  # a credential of its own: it is revoked
                secret, _ = world.app.state.accounts.issue(world.users[role], "access")
                client.headers["Authorization"] = f"Bearer {secret}"
            r = client.request(method, path, follow_redirects=False, **kwargs)
            want = expected[role]
            if (want == 0 and r.status_code != 200) or (want and r.status_code != want):
                failures.append(
                    f"{role} {method} {path}: {r.status_code} (want {want}) {r.text[:120]}"
                )
            assert_no_leak(role, f"{method} {path}", r.text)
    assert not failures, "\n".join(failures)


# -- the leak crawl -------------------------------------------------------------------------
def crawl_urls(w: World, openapi: dict[str, Any]) -> list[str]:
    """Every GET route of the OpenAPI document and the pages, with every id that exists."""
    officer = w.principal("officer")
    desk = w.desk()
    ids = {
        "need_id": [n.id for n in w.store.needs()] + list(w.needs.values()),
        "lab_id": w.labs,
        "introduction_id": [r.introduction.id for r in desk.introductions(officer)],
        "token_id": [c.id for u in w.users.values() for c in w.store.credentials(u.id)],
        "user_id": [u.id for u in w.users.values()],
    }
    ids["code"] = ["fr", "en"]
    urls = ["/auth/login", "/docs", "/redoc"]
    gets = {path for path, item in openapi["paths"].items() if "get" in item}
    gets |= {path for method, path in POLICIES if method == "GET"}  # the pages too
    for path in sorted(gets):
        names = re.findall(r"{(\w+)}", path)
        concrete = [path]
        for name in names:
            concrete = [c.replace("{" + name + "}", v) for c in concrete for v in set(ids[name])]
        for url in concrete:
            urls.append(url)
            urls.append(url + "?limit=100")
    urls += [f"/api/needs?status={s}" for s in ("new", "in_progress", "closed")]
    urls += [f"/api/introductions?need_id={n}" for n in w.needs.values()]
    urls += [f"/api/needs/{n}/pairings?all=true" for n in w.needs.values()]
    urls += [f"/api/queue?status={s}" for s in ("new", "in_progress", "closed")]
    return urls


def test_no_answer_of_any_get_route_shows_a_caller_what_it_may_not_see(world: World) -> None:
    openapi = world.clients["anonymous"].get("/openapi.json").json()
    urls = crawl_urls(world, openapi)
    assert len(urls) > 50
    seen: dict[str, int] = {}
    for role in ROLES:
        client = world.clients[role]
        for url in urls:
            r = client.get(url)
            assert r.status_code < 500, (role, url, r.text[:200])
            assert_no_leak(role, f"GET {url}", r.text + str(r.headers))
            if r.status_code == 200:
                seen[role] = seen.get(role, 0) + sum(m in r.text for m in MARK.values())
    # the crawl reaches what each may see (so that the absence above means something)
    assert seen.get("officer", 0) > 0 and seen.get("sme_a", 0) > 0 and seen.get("researcher", 0) > 0


def test_a_researcher_reads_an_anonymous_need_without_its_company(world: World) -> None:
    r = world.clients["researcher"].get(f"/api/needs/{world.needs['anonymous']}")
    assert r.status_code == 200
    body = r.json()
    assert MARK["anonymous"] in body["need"]["text"]
    assert body["need"]["company_id"] is None and body["need"]["company"] is None
    # the SME of its company and officers see the company
    for role in ("sme_a", "officer"):
        need = world.clients[role].get(f"/api/needs/{world.needs['anonymous']}").json()["need"]
        assert need["company_id"] == COMPANY_A.id and need["company"] == COMPANY_A.name


def test_an_anonymous_client_reads_no_stored_need(world: World) -> None:
    anonymous = world.clients["anonymous"]
    for lab in world.labs:
        assert anonymous.get(f"/api/labs/{lab}/opportunities").status_code == 401
    assert anonymous.get("/api/needs").status_code == 401
    r = anonymous.post("/api/needs", json={"title": "x", "text": "y", "company": "Z"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_an_sme_cannot_submit_for_another_company(world: World) -> None:
    r = world.clients["sme_b"].post(
        "/api/needs",
        json={
            "title": "Essai pour une autre",
            "text": "Des copeaux collent à l'outil.",
            "company": COMPANY_A.name,
            "city": COMPANY_A.city,
        },
    )
    assert r.status_code == 403 and r.json()["where"] == "company"
    assert not any(
        n.title == "Essai pour une autre" and n.company_id == COMPANY_A.id
        for n in world.store.needs()
    )


def test_a_researcher_sees_only_shared_needs_among_a_labs_opportunities(world: World) -> None:
    seen = set()
    for lab in world.labs:
        r = world.clients["researcher"].get(f"/api/labs/{lab}/opportunities?limit=100")
        assert r.status_code == 200
        seen |= {o["need"]["id"] for o in r.json()["opportunities"]}
    assert world.needs["anonymous"] in seen or world.needs["public"] in seen
    assert world.needs["confidential"] not in seen and world.needs["b"] not in seen
    readable = {n.id for n in world.store.needs() if n.visibility != "confidential"}
    assert seen <= readable
    assert Principal(world.users["researcher"]).role == "researcher"
