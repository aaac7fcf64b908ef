"""The API's one error format, its handlers and the middleware that keeps the contract.

Every answer that is not 2xx has the body :class:`ErrorBody`::

    {"error": "not_found", "message": "…", "message_en": "…", "where": "lab_id",
     "request_id": "3f2c…"}

and every answer, errors or not, carries the request id in the ``X-Request-ID`` header (the
client's own when it sends a short one). Statuses: 400 malformed body (not JSON, not UTF-8),
404 unknown route or id, 405 wrong method (with ``Allow``), 413 body over ``MAX_BODY_BYTES``
(refused on its ``Content-Length`` before it is read, or as soon as a chunked body goes over),
415 a body that is not ``application/json`` on a JSON route, 422 invalid fields, 503 store
unavailable, 500 our own bugs only (logged with the request id, no stack trace answered).
Input echoed in messages is clipped to ``MAX_ECHO_CHARS`` characters, control characters and
lone surrogates replaced.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import (
    ConflictError,
    ExtractionError,
    ForbiddenError,
    InputError,
    NotFoundError,
    PasserelleError,
    StoreUnavailable,
)
from graph.text import forbidden_char
from graph.usecases.auth import AuthError, TooManyAttempts

MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted, in bytes: a need of ``MAX_TEXT_CHARS`` characters fits
even written with JSON escapes."""
MAX_ECHO_CHARS = 80
"""Longest piece of the request (an id, a field name) repeated in an error message."""
REQUEST_ID_HEADER = "X-Request-ID"
_SCOPE_KEY = "passerelle.request_id"
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_LONG_WORD = re.compile(rf"\S{{{MAX_ECHO_CHARS + 1},}}")
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

log = logging.getLogger("passerelle.api")


class ErrorBody(BaseModel):
    """An error: a code, a French message, its English version, where, and the request id."""

    error: str = Field(description="Code stable de l'erreur (not_found, invalid_input…).")
    message: str = Field(description="Message en français.")
    message_en: str = Field(description="The message in English.")
    where: str | None = Field(None, description="Le champ ou la partie de la requête en cause.")
    request_id: str = Field(description="Identifiant de la requête (aussi en X-Request-ID).")


_DESCRIPTIONS = {
    400: "Corps illisible (JSON ou UTF-8 invalide) / malformed body",
    401: "Identifiants absents ou invalides / missing or invalid credentials",
    403: "Rôle non autorisé / role not allowed",
    409: "Incompatible avec l'état actuel / conflicts with the current state",
    429: "Trop de requêtes (voir Retry-After) / too many requests (see Retry-After)",
    404: "Inconnu / not found",
    405: "Méthode non permise / method not allowed",
    413: f"Corps de plus de {MAX_BODY_BYTES} octets / body over {MAX_BODY_BYTES} bytes",
    415: "Le corps doit être du JSON / the body must be application/json",
    422: "Champ invalide / invalid field",
    500: "Erreur interne (un bug de notre part) / internal error (our bug)",
    503: "Stockage indisponible ou service en démarrage / store unavailable or starting",
}
COMMON = (413, 500, 503)
"""What any route may answer: a body too large, our bug, the store down."""


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route answering ``statuses`` besides the common ones, each
    with the error schema."""
    return {
        status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]}
        for status in sorted({*statuses, *COMMON})
    }


def clip(text: object, most: int = MAX_ECHO_CHARS) -> str:
    """Input fit to be repeated in a message: control characters and lone surrogates
    replaced, at most ``most`` characters (then « … »).

    >>> clip("x" * 100)[-3:], len(clip("x" * 100)), clip("a\\x00b")
    ('xx…', 81, 'a\\ufffdb')
    """
    text = _UNSAFE.sub("\ufffd", str(text))
    return text if len(text) <= most else text[:most] + "…"


def _clip_words(message: str) -> str:
    """A message whose words longer than ``MAX_ECHO_CHARS`` (echoed ids) are clipped."""
    return _LONG_WORD.sub(lambda m: clip(m.group()), clip(message, 2000))


def request_id(scope: Scope) -> str:
    """The id the middleware gave the request (a new one outside it)."""
    rid = scope.get(_SCOPE_KEY)
    if not isinstance(rid, str):
        rid = scope[_SCOPE_KEY] = uuid.uuid4().hex
    return rid


class ErrorResponse(JSONResponse):
    """A JSON answer that cannot fail to render: text that UTF-8 cannot encode is escaped."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", errors="backslashreplace"
        )


def error_response(
    scope: Scope,
    status: int,
    code: str,
    fr: str,
    en: str,
    where: str | None = None,
    headers: dict[str, str] | None = None,
) -> ErrorResponse:
    """An answer in the one error format."""
    body = ErrorBody(
        error=code,
        message=_clip_words(fr),
        message_en=_clip_words(en),
        where=clip(where, 200) if where is not None else None,
        request_id=request_id(scope),
    )
    return ErrorResponse(body.model_dump(), status_code=status, headers=headers)


# -- handlers ------------------------------------------------------------------------------
_STATUS: list[tuple[type[PasserelleError], int]] = [
    (InputError, 422),
    (ExtractionError, 422),
    (NotFoundError, 404),
    (AuthError, 401),
    (ForbiddenError, 403),
    (ConflictError, 409),
    (TooManyAttempts, 429),
    (StoreUnavailable, 503),
]


API_PREFIXES = ("/api/", "/health", "/openapi.json", "/docs", "/redoc", "/static/")
"""Paths whose errors are JSON (``ErrorBody``); every other path is a web page, whose errors
are pages of the site (``app.state.error_page``, set by ``api.main``)."""
ErrorPage = Callable[[Request, int, str, str, dict[str, str]], Response]


def is_page(scope: Scope) -> bool:
    """Whether the request is for a web page rather than the API."""
    path = str(scope.get("path", ""))
    return path != "/api" and not path.startswith(API_PREFIXES)


def _answer(
    scope: Scope,
    status: int,
    code: str,
    fr: str,
    en: str,
    where: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """An error in the API's format, or, for a web page, as a page of the site."""
    app = scope.get("app")
    render: ErrorPage | None = getattr(getattr(app, "state", None), "error_page", None)
    if render is not None and is_page(scope):
        try:
            return render(Request(scope), status, fr, en, dict(headers or {}))
        except Exception:  # the error page itself failed: the plain format still answers
            log.exception("request %s: the error page failed", request_id(scope))
    return error_response(scope, status, code, fr, en, where, headers)


async def on_passerelle_error(request: Request, exc: Exception) -> Response:
    """A domain error: its own code and messages, the status of its kind."""
    assert isinstance(exc, PasserelleError)
    status = next((s for kind, s in _STATUS if isinstance(exc, kind)), 500)
    if status == 500:
        log.error("request %s: %r", request_id(request.scope), exc)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    return _answer(
        request.scope, status, exc.code, exc.message_fr, exc.message_en, exc.where, headers
    )


def _loc(loc: Iterable[object]) -> str:
    return ".".join(clip(p, 40) for p in loc if p != "body") or "body"


def _pattern_rule(pattern: str) -> tuple[str, str]:
    """What a request pattern of ``api.schemas`` asks, in words."""
    if "[0-9]" in pattern:
        return "doit compter 9 chiffres", "must have 9 digits"
    if "\\w" in pattern:
        return (
            "doit contenir une lettre ou un chiffre, sans caractère de contrôle",
            "must hold a letter or digit and no control character",
        )
    if "\\S" in pattern:
        return (
            "est vide ou contient un caractère de contrôle",
            "is blank or holds a control character",
        )
    return (
        "contient un caractère de contrôle ou un saut de ligne",
        "holds a control character or a line break",
    )


def _explain(kind: str, ctx: dict[str, Any], msg: str) -> tuple[str, str]:
    """A validation error of pydantic in French and English, without echoing the input."""
    if kind == "missing":
        return "manque", "is missing"
    if kind == "extra_forbidden":
        return "n'est pas un champ attendu", "is not an expected field"
    if kind == "string_pattern_mismatch":
        return _pattern_rule(str(ctx.get("pattern", "")))
    if kind == "string_too_long":
        most = ctx.get("max_length")
        return f"dépasse {most} caractères", f"is longer than {most} characters"
    if kind == "string_too_short":
        return "est vide", "is empty"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(ctx.values()), "?")
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤"}.get(kind, kind[:4])
        return f"doit être {sign} {bound}", f"must be {sign} {bound}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "doit être un entier", "must be an integer"
    if kind in ("string_type", "string_unicode"):
        return "doit être un texte", "must be a string"
    if kind in ("bool_type", "bool_parsing"):
        return "doit valoir true ou false", "must be true or false"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "doit être un objet JSON", "must be a JSON object"
    text = clip(msg.removeprefix("Value error, "), 300)
    return f"invalide ({text})", f"is invalid ({text})"


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Fields that do not validate (422), or a body that is not JSON (400)."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        pos = clip(bad_json["loc"][-1], 20)
        return _answer(
            request.scope,
            400,
            "invalid_json",
            f"Le corps de la requête n'est pas un JSON valide (position {pos}).",
            f"The request body is not valid JSON (position {pos}).",
            "body",
        )
    parts_fr, parts_en, where = [], [], []
    shown = 5
    for e in errors[:shown]:
        loc = _loc(e["loc"])
        where.append(loc)
        kind = e.get("type", "")
        fr, en = _explain(kind, dict(e.get("ctx") or {}), str(e.get("msg", "")))
        parts_fr.append(f"« {loc} » {fr}")
        parts_en.append(f"'{loc}' {en}")
    if len(errors) > shown:
        parts_fr.append(f"et {len(errors) - shown} autres erreurs")
        parts_en.append(f"and {len(errors) - shown} more errors")
    return _answer(
        request.scope,
        422,
        "invalid_input",
        "Requête invalide : " + " ; ".join(parts_fr) + ".",
        "Invalid request: " + "; ".join(parts_en) + ".",
        ", ".join(where),
    )


_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Requête mal formée.", "Malformed request."),
    404: ("not_found", "Aucune ressource à cette adresse.", "Nothing at this address."),
    405: ("method_not_allowed", "Méthode non permise ici.", "Method not allowed here."),
    413: (
        "body_too_large",
        f"Le corps de la requête dépasse {MAX_BODY_BYTES} octets.",
        f"The request body is larger than {MAX_BODY_BYTES} bytes.",
    ),
    415: (
        "unsupported_media_type",
        "Le corps doit être du JSON (Content-Type: application/json).",
        "The body must be JSON (Content-Type: application/json).",
    ),
}


def _allowed(request: Request) -> str:
    """Every method some route serves at the request's path (Starlette names only the first
    route's, and a path often has one route per method)."""
    methods: set[str] = set()
    for route in app_routes(request.scope.get("app")):
        match, _ = route.matches({**request.scope, "method": "\x00"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Starlette's and FastAPI's own errors (unknown route, wrong method…) in our format."""
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code, fr, en = _HTTP.get(status, (f"http_{status}", str(exc.detail), str(exc.detail)))
    where: str | None = None
    if status == 404:
        path = clip(request.url.path)
        fr, en, where = f"Aucune route « {path} ».", f"No route '{path}'.", "path"
    elif status == 405:
        allowed = _allowed(request) or (exc.headers or {}).get("Allow", "")
        exc.headers = {**(exc.headers or {}), "Allow": allowed}
        fr = f"Méthode {clip(request.method, 20)} non permise ici (permises : {allowed})."
        en = f"Method {clip(request.method, 20)} not allowed here (allowed: {allowed})."
        where = "method"
    elif status == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        code = "invalid_json"
        fr = "Le corps de la requête n'est pas du JSON en UTF-8 valide."
        en = "The request body is not valid UTF-8 JSON."
        where = "body"
    elif status == 400:
        where = "body"
    elif status in (413, 415):
        where = "body"
    return _answer(request.scope, status, code, fr, en, where, dict(exc.headers or {}))


def install(app: FastAPI) -> None:
    """Our handlers and middleware on ``app``."""
    app.add_exception_handler(PasserelleError, on_passerelle_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_middleware(ContractMiddleware)


# -- middleware ----------------------------------------------------------------------------
class BodyTooLarge(HTTPException):
    """A body that went over ``MAX_BODY_BYTES`` while it was read (chunked)."""

    def __init__(self) -> None:
        super().__init__(413)


def app_routes(app: object) -> list[BaseRoute]:
    """Every route of an app, those of its included routers too (FastAPI 0.165 keeps them
    behind one entry of ``app.routes`` per router; older versions copy them there)."""
    router = getattr(app, "router", app)
    routes: list[BaseRoute] = list(getattr(router, "routes", ()))
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before 0.165
        return routes
    return [context.original_route for context in iter_route_contexts(routes)]


def _json_route(scope: Scope) -> bool:
    """Whether the request goes to a route that reads a JSON body."""
    for route in app_routes(scope.get("app")):
        if (
            isinstance(route, APIRoute)
            and route.body_field is not None
            and not isinstance(route.body_field.field_info, params.Form)  # forms: not JSON
        ):
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return True
    return False


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class ContractMiddleware:
    """Gives each request its id (``X-Request-ID``), refuses bodies over ``max_body`` (before
    reading them when ``Content-Length`` says so, else as soon as the count goes over) and
    non-JSON bodies on JSON routes, and answers our bugs with a 500 in our format."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get(REQUEST_ID_HEADER, "")
        rid = given if _CLIENT_ID.fullmatch(given) else uuid.uuid4().hex
        scope[_SCOPE_KEY] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = rid
            await send(message)

        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send_with_id)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send_with_id)
        except Exception:
            if started:
                raise
            log.exception("request %s: unexpected error", rid)
            response = _answer(
                scope,
                500,
                "internal_error",
                f"Erreur interne : c'est un bug de Passerelle (requête {rid}).",
                f"Internal error: a bug in Passerelle (request {rid}).",
            )
            await response(scope, receive, send_with_id)

    def _refusal(self, scope: Scope, headers: Headers) -> ErrorResponse | None:
        """The 400, 413 or 415 a request gets before its body is read, if any."""
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                code, fr, en = _HTTP[400]
                return error_response(scope, 400, code, fr, en, "Content-Length")
            if int(length) > self.max_body:
                code, fr, en = _HTTP[413]
                return error_response(scope, 413, code, fr, en, "body")
        content_type = headers.get("content-type")
        has_body = (length is not None and int(length) > 0) or (
            length is None and "chunked" in headers.get("transfer-encoding", "").lower()
        )
        if (has_body or content_type) and not _is_json(content_type or "") and _json_route(scope):
            code, fr, en = _HTTP[415]
            shown = clip(content_type or "aucun", 60)
            return error_response(
                scope,
                415,
                code,
                f"{fr} Reçu : {shown}.",
                f"{en} Got: {clip(content_type or 'none', 60)}.",
                "Content-Type",
            )
        return None


def check_chars(value: str) -> str:
    """Pydantic validator: text without control characters (but tab and new lines) nor lone
    surrogates."""
    bad = forbidden_char(value)
    if bad:
        raise ValueError(
            f"caractère interdit / forbidden character {bad} "
            "(caractère de contrôle ou substitut isolé / control character or lone surrogate)"
        )
    return value


# -- for the routes ------------------------------------------------------------------------
BODY_ERRORS = (400, 415, 422)
"""What a route reading a JSON body may answer besides the common ones."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: 422 (fields of the path or query) and ``statuses`` besides
    the common ones, each with the error schema."""
    return responses(422, *statuses)


def require_json(request: Request) -> None:
    """Dependency of JSON routes: 415 unless the body is ``application/json`` (the middleware
    refuses it first; this keeps the rule when the app runs without it)."""
    content_type = request.headers.get("content-type")
    if content_type is not None and not _is_json(content_type):
        raise HTTPException(415)
