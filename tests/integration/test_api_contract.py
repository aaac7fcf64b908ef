"""The API contract (issue 10, point 6): every bad input listed there gets its 4xx in our one
error format, over real HTTP (uvicorn on a free port, the demo loaded), and the OpenAPI
document says so."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest

from api.errors.body import MAX_BODY_BYTES
from api.main import create_app
from graph.usecases.pairing import PairingService
from tests.conftest import OFFICER
from tests.live import serving

pytestmark = pytest.mark.integration

ERROR_KEYS = {"error", "message", "message_en", "where", "request_id"}
NEED_TEXT = "Nos pièces en acier rouillent au bout de six mois : nous cherchons un revêtement."
MATCH = "/api/match"
NEEDS = "/api/needs"


@pytest.fixture(scope="module")
def live(app: Any) -> Iterator[str]:
    """The app over the demo, served by uvicorn in a thread: real HTTP, real sockets."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def http(live: str) -> Iterator[httpx.Client]:
    """A client signed in as a tech-transfer officer (who may submit needs for a company)."""
    with httpx.Client(base_url=live, timeout=30) as c:
        r = c.post("/api/auth/token", data={"username": OFFICER[0], "password": OFFICER[1]})
        assert r.status_code == 200, r.text
        c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield c


def post_raw(http: httpx.Client, path: str, body: bytes, **headers: str) -> httpx.Response:
    return http.post(path, content=body, headers={"Content-Type": "application/json", **headers})


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """``r`` is ``status`` in our format: JSON, the five keys, the request id in the header
    too, no stack trace."""
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = r.json()
    assert set(body) == ERROR_KEYS, body
    assert body["message"] and body["message_en"]
    assert body["request_id"] and r.headers["x-request-id"] == body["request_id"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    if code is not None:
        assert body["error"] == code, body
    return body


def need(**fields: Any) -> dict[str, Any]:
    return {"title": "Revêtement anticorrosion", "text": NEED_TEXT, "company": "Test", **fields}


def counts(http: httpx.Client) -> dict[str, Any]:
    return dict(http.get("/health").json())


# -- lone surrogates, control characters ------------------------------------------------------
SURROGATE_BODIES = [
    (MATCH, '{"text": "corrosion \\ud800 de pi\\u00e8ces"}', "text"),
    (MATCH, '{"text": "corrosion", "scope": {"institution": "\\udfff"}}', "scope.institution"),
    (NEEDS, json.dumps(need(title="T")).replace('"T"', '"\\ud800"'), "title"),
    (NEEDS, json.dumps(need(text="X")).replace('"X"', '"rouille \\ud83d"'), "text"),
    (NEEDS, json.dumps(need(company="C")).replace('"C"', '"Acme \\ud800"'), "company"),
    (NEEDS, json.dumps(need(city="V")).replace('"V"', '"\\udc00Metz"'), "city"),
]


@pytest.mark.parametrize(("path", "body", "where"), SURROGATE_BODIES)
def test_a_lone_surrogate_in_any_text_field_is_a_422(
    http: httpx.Client, path: str, body: str, where: str
) -> None:
    before = counts(http)
    r = post_raw(http, path, body.encode())
    error = assert_error(r, 422, "invalid_input")
    assert where in error["where"]
    assert counts(http) == before
    # the connection is still there: the same client is answered again
    assert http.get("/health").status_code == 200


@pytest.mark.parametrize(
    "raw",
    [
        b'{"text": "corrosion \xed\xa0\x80"}',  # a surrogate encoded in UTF-8 bytes
        b'{"text": "corrosion \xff\xfe"}',  # not UTF-8 at all
    ],
)
def test_a_body_that_is_not_utf8_is_a_400_or_422(http: httpx.Client, raw: bytes) -> None:
    r = post_raw(http, MATCH, raw)
    assert r.status_code in (400, 422), r.text
    assert_error(r, r.status_code)


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"company": "Acme\x00"}, "company"),
        ({"company": "Acme\x1b[31m"}, "company"),
        ({"city": "Metz\x07"}, "city"),
        ({"title": "Titre\x0b"}, "title"),
        ({"text": NEED_TEXT + "\x85"}, "text"),
    ],
)
def test_control_characters_are_refused(
    http: httpx.Client, fields: dict[str, str], where: str
) -> None:
    r = http.post(NEEDS, json=need(**fields))
    assert where in assert_error(r, 422, "invalid_input")["where"]


def test_tabs_and_new_lines_are_welcome_in_texts(http: httpx.Client) -> None:
    r = http.post(MATCH, json={"text": "Corrosion\tde pièces :\r\n\nrevêtement", "limit": 2})
    assert r.status_code == 200, r.text


# -- company names, identity -------------------------------------------------------------------
@pytest.mark.parametrize("company", ["!!!", "\u200b\u200b\u200b", " - ", "___"])
def test_a_company_with_no_letter_or_digit_is_refused_and_nothing_stored(
    http: httpx.Client, company: str
) -> None:
    before = counts(http)
    r = http.post(NEEDS, json=need(company=company))
    assert "company" in assert_error(r, 422, "invalid_input")["where"]
    assert counts(http) == before


def test_a_company_name_over_its_limit_is_a_422_naming_the_limit(http: httpx.Client) -> None:
    from graph.rules.input import MAX_COMPANY_CHARS

    r = http.post(NEEDS, json=need(company="A" * (MAX_COMPANY_CHARS + 1)))
    body = assert_error(r, 422, "invalid_input")
    assert body["where"] == "company" and str(MAX_COMPANY_CHARS) in body["message"]


def test_a_10_mb_company_name_is_refused_and_not_stored(http: httpx.Client) -> None:
    before = counts(http)
    r = http.post(NEEDS, json=need(company="A" * 10_000_000))
    assert_error(r, 413, "body_too_large")
    assert counts(http) == before


def company_of(http: httpx.Client, need_id: str) -> str:
    body = http.get(f"/api/needs/{need_id}/pairings", params={"limit": 1}).json()
    return str(body["need"]["company_id"])


def test_the_same_name_in_another_city_is_another_company(
    http: httpx.Client, service: PairingService
) -> None:
    first = http.post(NEEDS, json=need(company="Chaudronnerie du Contrat", city="Nancy"))
    assert first.status_code == 201, first.text
    same = http.post(
        NEEDS,
        json=need(company="CHAUDRONNERIE DU CONTRAT !", city="nancy", title="Un autre besoin"),
    )
    other = http.post(
        NEEDS, json=need(company="Chaudronnerie du Contrat", city="Metz", title="Encore un")
    )
    assert same.status_code == other.status_code == 201
    a, b, c = (company_of(http, r.json()["id"]) for r in (first, same, other))
    assert a == b  # same folded name, same folded city: one company
    assert c != a  # same folded name, another city: never merged
    nancy, metz = service.store.company(a), service.store.company(c)
    assert nancy is not None and metz is not None
    assert (nancy.city, metz.city) == ("Nancy", "Metz")


def test_a_siren_identifies_the_company_and_a_bad_one_is_refused(
    http: httpx.Client, service: PairingService
) -> None:
    first = http.post(NEEDS, json=need(company="Acme Contrat", city="Metz", siren="552100554"))
    assert first.status_code == 201, first.text
    renamed = http.post(
        NEEDS,
        json=need(company="ACME (nouveau nom)", city="Nancy", siren="552 100 554", title="Autre"),
    )
    assert renamed.status_code == 201, renamed.text
    ids = {company_of(http, r.json()["id"]) for r in (first, renamed)}
    assert ids == {"siren:552100554"}
    stored = service.store.company("siren:552100554")
    assert stored is not None and stored.siren == "552100554"

    before = counts(http)
    bad = http.post(NEEDS, json=need(company="Acme", siren="552100555"))  # Luhn fails
    body = assert_error(bad, 422, "invalid_input")
    assert body["where"] == "siren" and "SIREN" in body["message"]
    short = http.post(NEEDS, json=need(company="Acme", siren="55210055"))
    assert assert_error(short, 422)["where"] == "siren"
    assert counts(http) == before


# -- the HTTP level -------------------------------------------------------------------------
def test_a_malformed_body_is_a_400(http: httpx.Client) -> None:
    for raw in (b'{"text": "rouille"', b"", b"[1, 2", b"\x00\x01"):
        r = post_raw(http, MATCH, raw)
        if raw == b"":
            assert r.status_code in (400, 422), r.text
            assert_error(r, r.status_code)
        else:
            assert assert_error(r, 400)["error"] == "invalid_json"


def test_an_unknown_route_is_a_404_in_our_format(http: httpx.Client) -> None:
    for path in ("/api/nowhere", "/api/labz", "/api/needs/x/pairings/more"):
        assert_error(http.get(path), 404, "not_found")
    # outside the API, an unknown address is a page of the site, with the request id
    r = http.get("/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert r.headers["x-request-id"] in r.text


def test_a_wrong_method_is_a_405_saying_which_are_allowed(http: httpx.Client) -> None:
    r = http.delete(MATCH)
    assert_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"
    r = http.put("/api/labs", json={})
    assert_error(r, 405)
    assert "GET" in r.headers["allow"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_a_wrong_content_type_is_a_415(http: httpx.Client, content_type: str) -> None:
    body = json.dumps({"text": NEED_TEXT}).encode()
    for path in (MATCH, NEEDS):
        r = http.post(path, content=body, headers={"Content-Type": content_type})
        assert_error(r, 415, "unsupported_media_type")


def test_json_with_a_charset_or_a_json_suffix_is_json(http: httpx.Client) -> None:
    body = json.dumps({"text": NEED_TEXT, "limit": 1}).encode()
    for kind in ("application/json; charset=utf-8", "application/problem+json"):
        r = http.post(MATCH, content=body, headers={"Content-Type": kind})
        assert r.status_code == 200, (kind, r.text)


def test_a_10000_character_id_is_never_echoed_whole(http: httpx.Client) -> None:
    for path in (
        "/api/labs/" + "x" * 10_000,
        "/api/labs/" + "x" * 10_000 + "/opportunities",
        "/api/needs/" + "n" * 10_000 + "/pairings",
        "/api/labs/" + "y" * 250,  # within the path limit: unknown, 404
        "/api/needs/" + "m" * 250 + "/pairings",
    ):
        r = http.get(path)
        assert r.status_code in (404, 422), r.text[:300]
        body = assert_error(r, r.status_code)
        for text in (body["message"], body["message_en"], body["where"] or ""):
            assert not any(c * 81 in text for c in "xynm"), text
        assert len(r.content) < 2000


# -- bodies over the maximum: refused before they are read whole --------------------------------
def raw_request(port: int, head: bytes, chunks: list[bytes], wait: float = 10) -> bytes:
    """Send ``head`` then ``chunks`` on a socket (stopping when the server answers), and return
    what the server sent back before ``wait`` seconds."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(head)
        for chunk in chunks:
            try:
                s.sendall(chunk)
            except OSError:  # the server answered and closed: it did not read the rest
                break
        s.settimeout(wait)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                part = s.recv(65536)
                if not part:
                    break
                answer += part
        except TimeoutError:
            pass
        return answer


def test_a_body_over_the_maximum_is_a_413_before_it_is_read(live: str) -> None:
    port = int(live.rsplit(":", 1)[1])
    announced = 50 * MAX_BODY_BYTES
    head = (
        f"POST {MATCH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {announced}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    # a few bytes only of the announced 12.8 MB: the answer cannot come from reading it all
    answer = raw_request(port, head, [b'{"text": "' + b"a" * 1000])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5
    assert b"x-request-id" in answer.lower()


def test_a_chunked_body_over_the_maximum_is_a_413_as_soon_as_it_passes(live: str) -> None:
    port = int(live.rsplit(":", 1)[1])
    head = (
        f"POST {MATCH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    piece = b"a" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    # more than the maximum, but never the last chunk: the server must not wait for the end
    answer = raw_request(port, head, [chunk] * (MAX_BODY_BYTES // len(piece) + 2))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_body_just_under_the_maximum_is_read(http: httpx.Client) -> None:
    text = "corrosion " * 1900  # 19,000 characters: under MAX_TEXT_CHARS and the body maximum
    r = http.post(MATCH, json={"text": text, "limit": 1})
    assert r.status_code == 200, r.text[:300]


# -- request ids and our own bugs ----------------------------------------------------------------
def test_every_answer_carries_a_request_id(http: httpx.Client) -> None:
    answers = [
        http.get("/health"),
        http.get("/api/labs", params={"limit": 1}),
        http.get("/nowhere"),
        http.post(MATCH, json={}),
    ]
    ids = [r.headers.get("x-request-id") for r in answers]
    assert all(ids) and len(set(ids)) == len(ids)
    mine = http.get("/health", headers={"X-Request-ID": "client-abc_123"})
    assert mine.headers["x-request-id"] == "client-abc_123"
    forged = http.get("/health", headers={"X-Request-ID": "<script>" + "a" * 200})
    assert forged.headers["x-request-id"] != "<script>" + "a" * 200


class Broken(PairingService):
    """A service whose match has a bug."""

    def match_text(self, *args: object, **kwargs: object) -> Any:
        raise RuntimeError("secret internals /etc/passwd")


def test_our_bug_is_a_500_with_a_request_id_and_no_stack_trace(service: PairingService) -> None:
    from fastapi.testclient import TestClient

    broken = Broken(service.store, service.extractor)
    with TestClient(create_app(broken), raise_server_exceptions=False) as client:
        r = client.post(MATCH, json={"text": NEED_TEXT})
    assert r.status_code == 500
    body = r.json()
    assert set(body) == ERROR_KEYS and body["error"] == "internal_error"
    assert body["request_id"] == r.headers["x-request-id"]
    assert body["request_id"] in body["message"]
    assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text


# -- the OpenAPI document ------------------------------------------------------------------------
def test_openapi_lists_every_status_with_the_error_schema_and_the_limits(
    http: httpx.Client,
) -> None:
    doc = http.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert set(schemas["ErrorBody"]["required"]) >= {"error", "message", "request_id"}
    assert "HTTPValidationError" not in schemas  # FastAPI's own 422 shape is not ours
    for path, item in doc["paths"].items():
        for method, op in item.items():
            statuses = set(op["responses"])
            assert {"422", "500", "503"} <= statuses, (method, path)
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (method, path, status)
            if "requestBody" in op:
                assert {"400", "413", "415"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            for param in op.get("parameters", []):
                schema = param["schema"]
                if schema.get("type") == "string" or "anyOf" in schema:
                    flat = schema.get("anyOf", [schema])[0]
                    assert "maxLength" in flat or "enum" in flat, (path, param["name"])
                if param["name"] == "limit":
                    assert schema["minimum"] == 1 and schema["maximum"] >= 100
    for model in ("MatchRequest", "NeedSubmit", "ScopeRequest"):
        for name, prop in schemas[model]["properties"].items():
            flat = prop.get("anyOf", [prop])[0]
            if flat.get("type") == "string" and "enum" not in flat:
                assert "maxLength" in flat and "pattern" in flat, (model, name)
    assert schemas["MatchRequest"]["properties"]["limit"]["maximum"] == 100
    assert "siren" in schemas["NeedSubmit"]["properties"]
