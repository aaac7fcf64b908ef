"""The one error format: its body, its statuses in the OpenAPI document, the request id, and
how an error is answered (JSON for the API, a page of the site for web pages)."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.types import Scope

from graph.rules.input import replace_forbidden

MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted, in bytes: a need of ``MAX_TEXT_CHARS`` characters fits
even written with JSON escapes."""


MAX_ECHO_CHARS = 80
"""Longest piece of the request (an id, a field name) repeated in an error message."""


REQUEST_ID_HEADER = "X-Request-ID"


_SCOPE_KEY = "passerelle.request_id"


_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


_LONG_WORD = re.compile(rf"\S{{{MAX_ECHO_CHARS + 1},}}")


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


BODY_ERRORS = (400, 415, 422)
"""What a route reading a JSON body may answer besides the common ones."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: 422 (fields of the path or query) and ``statuses`` besides
    the common ones, each with the error schema."""
    return responses(422, *statuses)


def clip(text: object, most: int = MAX_ECHO_CHARS) -> str:
    """Input fit to be repeated in a message: control characters and lone surrogates
    replaced, at most ``most`` characters (then « … »).

    >>> clip("x" * 100)[-3:], len(clip("x" * 100)), clip("a\\x00b")
    ('xx…', 81, 'a\\ufffdb')
    """
    text = replace_forbidden(str(text))
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
