"""Every endpoint of the API and every error path, through FastAPI's TestClient."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from graph.rules.input import MAX_TEXT_CHARS

IJL = "200918462H"
NEED = (
    "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur. "
    "Nous voulons comprendre la corrosion et choisir un meilleur revêtement."
)


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["labs"] == 20 and body["needs"] >= 30 and body["concepts"] >= 400


def test_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/match", "/api/needs", "/api/labs/{lab_id}/opportunities", "/api/concepts"):
        assert path in paths


def test_match_returns_explained_pairings(client: TestClient) -> None:
    r = client.post("/api/match", json={"text": NEED, "limit": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["language"] == "fr"
    ids = {c["id"] for c in body["concepts"]}
    assert "corrosion" in ids
    corrosion = next(c for c in body["concepts"] if c["id"] == "corrosion")
    assert any("rouill" in e or "corrosion" in e for e in corrosion["evidence"])
    pairings = body["pairings"]
    assert 1 <= len(pairings) <= 5
    assert [p["rank"] for p in pairings] == list(range(1, len(pairings) + 1))
    assert {"IJL", "LCPME"} & {p["lab"]["acronym"] for p in pairings[:3]}
    for p in pairings:
        assert set(p["lab"]) == {"id", "name", "acronym", "city"}
        e = p["explanation"]
        parts = [c["contribution"] for c in e["concepts"]] + [t["contribution"] for t in e["terms"]]
        assert math.isclose(math.fsum(parts), p["score"], abs_tol=1e-9)
        assert e["summary"].startswith("Concepts partagés")
    scores = [p["score"] for p in pairings]
    assert scores == sorted(scores, reverse=True)


def test_match_is_deterministic_and_stores_nothing(client: TestClient) -> None:
    before = client.get("/health").json()
    first = client.post("/api/match", json={"text": NEED}).json()
    second = client.post("/api/match", json={"text": NEED}).json()
    assert first == second
    assert client.get("/health").json() == before


def test_match_in_english(client: TestClient) -> None:
    body = client.post(
        "/api/match", json={"text": "We need a digital twin of our stamping press line."}
    ).json()
    assert body["language"] == "en"
    assert "digital_twin" in {c["id"] for c in body["concepts"]}
    assert body["pairings"]


@pytest.mark.parametrize(
    ("payload", "status", "where"),
    [
        ({"text": ""}, 422, "text"),
        ({"text": "   \n\t "}, 422, "text"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, 422, "text"),
        ({"text": 42}, 422, "text"),
        ({"text": NEED, "limit": "ten"}, 422, "limit"),
        ({"text": NEED, "limit": 0}, 422, "limit"),
        ({"text": NEED, "limit": 101}, 422, "limit"),
        ({}, 422, "text"),
        ({"text": NEED, "colour": "red"}, 422, "colour"),
    ],
)
def test_match_bad_input(
    client: TestClient, payload: dict[str, object], status: int, where: str
) -> None:
    r = client.post("/api/match", json=payload)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error", "message", "message_en", "where", "request_id"}
    assert where in (body["where"] or "")
    assert "Traceback" not in r.text


def test_malformed_json(client: TestClient) -> None:
    r = client.post(
        "/api/match", content=b'{"text": "rouille"', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_json"
    assert "JSON" in r.json()["message"]


def test_submit_need_then_pairings_then_opportunities(client: TestClient) -> None:
    payload = {
        "title": "Usure rapide des outils",
        "text": "Nos outils de coupe s'usent très vite quand on usine de l'inox 316L en série.",
        "company": "Décolletage du Test (fictive)",
        "city": "Thionville",
    }
    r = client.post("/api/needs", json=payload)
    assert r.status_code == 201
    created = r.json()
    assert created["created"] is True and created["id"].startswith("need-")
    assert created["concepts"]
    before = client.get("/health").json()
    again = client.post("/api/needs", json=payload)
    assert again.status_code == 200 and again.json()["id"] == created["id"]
    assert client.get("/health").json() == before  # idempotent: nothing new

    pairings = client.get(f"/api/needs/{created['id']}/pairings", params={"limit": 3}).json()
    assert pairings["need"]["id"] == created["id"]
    assert 1 <= len(pairings["pairings"]) <= 3
    top_lab = pairings["pairings"][0]["lab"]["id"]

    opportunities = client.get(f"/api/labs/{top_lab}/opportunities", params={"limit": 100}).json()
    assert created["id"] in [o["need"]["id"] for o in opportunities["opportunities"]]
    scores = [o["score"] for o in opportunities["opportunities"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "", "text": "rouille", "company": "A"},
        {"title": "t", "text": " ", "company": "A"},
        {"title": "t", "text": "rouille", "company": "  "},
        {"title": "t", "text": "rouille"},
        {"title": "t", "text": ["rouille"], "company": "A"},
    ],
)
def test_submit_need_bad_input_stores_nothing(
    client: TestClient, payload: dict[str, object]
) -> None:
    before = client.get("/health").json()
    r = client.post("/api/needs", json=payload)
    assert r.status_code == 422
    assert r.json()["message"] and r.json()["message_en"]
    assert client.get("/health").json() == before


def test_labs(client: TestClient) -> None:
    labs = client.get("/api/labs").json()
    assert len(labs) == 20
    assert {"id": IJL, "name": "Institut Jean Lamour", "acronym": "IJL", "city": "Nancy"} in labs
    lab = client.get(f"/api/labs/{IJL}").json()
    assert lab["acronym"] == "IJL" and len(lab["description"].split()) >= 120
    assert {c["id"] for c in lab["capabilities"]} >= {"corrosion"}


def test_lab_search_pages_and_counts(client: TestClient) -> None:
    r = client.get("/api/labs", params={"q": "Jean Lamour"})
    assert r.status_code == 200
    assert [lab["id"] for lab in r.json()] == [IJL]
    assert r.headers["x-total-count"] == "1"
    nancy = client.get("/api/labs", params={"q": "NANCY"}).json()
    assert nancy and all("nancy" in (lab["city"] or "").lower() for lab in nancy)
    first = client.get("/api/labs", params={"limit": 5})
    second = client.get("/api/labs", params={"limit": 5, "offset": 5})
    assert first.headers["x-total-count"] == second.headers["x-total-count"] == "20"
    assert len(first.json()) == len(second.json()) == 5
    assert not {lab["id"] for lab in first.json()} & {lab["id"] for lab in second.json()}
    assert client.get("/api/labs", params={"q": "introuvable"}).json() == []
    for bad in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"offset": 10**7}, {"q": "x" * 201}):
        r = client.get("/api/labs", params=bad)
        assert r.status_code == 422, bad
        assert r.json()["message"] and r.json()["message_en"], bad


def test_demo_need_pairings_and_opportunities(client: TestClient, service) -> None:
    need = service.store.needs()[0]
    body = client.get(f"/api/needs/{need.id}/pairings").json()
    assert body["pairings"]
    opp = client.get(f"/api/labs/{IJL}/opportunities", params={"limit": 5}).json()
    assert 1 <= len(opp["opportunities"]) <= 5


@pytest.mark.parametrize(
    "path",
    ["/api/labs/0000000000", "/api/labs/0000000000/opportunities", "/api/needs/need-nope/pairings"],
)
def test_unknown_ids(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/api/needs/x/pairings?limit=0", "/api/labs/200918462H/opportunities?limit=abc"]
)
def test_bad_query_parameters(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 422
    assert r.json()["where"] == "query.limit"


def test_concepts_search(client: TestClient) -> None:
    hits = client.get("/api/concepts", params={"q": "corrosion"}).json()
    assert hits[0]["id"] == "corrosion"
    accentless = client.get("/api/concepts", params={"q": "metallurgie"}).json()
    accented = client.get("/api/concepts", params={"q": "Métallurgie"}).json()
    assert accentless == accented and accentless
    assert client.get("/api/concepts", params={"q": "zzzzqqq"}).json() == []
    assert len(client.get("/api/concepts", params={"limit": 5}).json()) == 5


def test_health_counts_labs_by_source(client: TestClient) -> None:
    body = client.get("/health").json()
    # the 20 demo units, each described by us; no organisation in the demo
    assert (body["units"], body["described"], body["organisations"]) == (20, 20, 0)


def test_match_names_its_scope(client: TestClient) -> None:
    default = client.post("/api/match", json={"text": NEED}).json()
    assert default["scope"] == {
        "institution": None,
        "region": None,
        "label": "toute la France",
        "label_en": "all of France",
        "units": 20,
    }
    ul = client.post(
        "/api/match", json={"text": NEED, "scope": {"institution": "universite de lorraine"}}
    ).json()
    assert ul["scope"]["units"] == 20 and ul["scope"]["label"] == "universite de lorraine"
    assert ul["pairings"] == default["pairings"]
    region = client.post("/api/match", json={"text": NEED, "scope": {"region": "Grand Est"}})
    assert region.status_code == 200 and region.json()["scope"]["units"] == 20


@pytest.mark.parametrize(
    "scope, where",
    [
        ({"institution": "Université de Nulle Part"}, "scope"),
        ({"region": "Bretagne"}, "scope"),
        ({"country": "France"}, "scope.country"),
        ({"institution": "x" * 201}, "scope.institution"),
    ],
)
def test_match_bad_scope(client: TestClient, scope: dict[str, str], where: str) -> None:
    r = client.post("/api/match", json={"text": NEED, "scope": scope})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_input" and where in (body["where"] or "")


def test_explanations_say_where_evidence_comes_from_and_show_words(client: TestClient) -> None:
    text = "Nos pièces en acier galvanisé rouillent vite : surfaces abîmées."
    first = client.post("/api/match", json={"text": text, "limit": 3}).json()["pairings"][0]
    e = first["explanation"]
    assert all(c["lab_sources"] == ["description"] for c in e["concepts"])
    assert e["concepts"][0]["provenance"] == (
        "d'après la description rédigée par l'équipe Passerelle (2026-12-01)"
    )
    assert "d'après la description rédigée par l'équipe Passerelle" in e["summary"]
    words = {t["term"]: t["word"] for t in e["terms"]}
    assert words and all(w in text for w in words.values())
    assert not any(w.lower() != w and w.lower() in e["summary"] for w in words.values())


def test_stored_need_pairings_in_a_scope(client: TestClient, service) -> None:
    need = service.store.needs()[0]
    everywhere = client.get(f"/api/needs/{need.id}/pairings?all=true").json()
    assert everywhere["scope"]["label"] == "toute la France"
    lorraine = client.get(f"/api/needs/{need.id}/pairings?institution=LORRAINE").json()
    assert lorraine["scope"]["units"] == 20
    assert client.get(f"/api/needs/{need.id}/pairings?region=Corse").status_code == 422
