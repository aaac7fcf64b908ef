"""The middleware that keeps the contract before a route runs: the request id, the body's size,
JSON bodies on JSON routes, our bugs answered as 500 in our format."""

from __future__ import annotations

import uuid

from fastapi import params
from fastapi.routing import APIRoute
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors.body import (
    _CLIENT_ID,
    _HTTP,
    _SCOPE_KEY,
    MAX_BODY_BYTES,
    REQUEST_ID_HEADER,
    ErrorResponse,
    _answer,
    clip,
    error_response,
    log,
)
from api.routing import app_routes


class BodyTooLarge(HTTPException):
    """A body that went over ``MAX_BODY_BYTES`` while it was read (chunked)."""

    def __init__(self) -> None:
        super().__init__(413)


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
