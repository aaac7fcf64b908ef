"""The handlers that turn every error into the one format: domain errors by kind, HTTP errors
of the framework, validation errors; and their installation on the app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from api.errors.body import _HTTP, _answer, clip, log, request_id
from api.errors.middleware import ContractMiddleware, _is_json
from api.errors.validation import on_validation_error
from api.routing import app_routes
from graph.errors import (
    ConflictError,
    ExtractionError,
    ForbiddenError,
    InputError,
    NotFoundError,
    PasserelleError,
    StoreUnavailable,
)
from graph.usecases.auth import AuthError, TooManyAttempts

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


def require_json(request: Request) -> None:
    """Dependency of JSON routes: 415 unless the body is ``application/json`` (the middleware
    refuses it first; this keeps the rule when the app runs without it)."""
    content_type = request.headers.get("content-type")
    if content_type is not None and not _is_json(content_type):
        raise HTTPException(415)
