"""Pages from templates: one Jinja2 environment (HTML autoescaped) and ``page()``, which gives
every template who is signed in, the language and its words, and the session's CSRF token."""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.errors.body import request_id
from api.web.i18n import LANG_COOKIE, MESSAGES, lang_of, translator
from graph.errors import PasserelleError
from graph.rules import input as input_rules
from graph.rules.accounts import ANONYMOUS, Principal

TEMPLATES = files("api.web") / "templates"
STATIC = files("api.web") / "static"

env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals["rules"] = input_rules  # the forms' maxlength come from the input rules


def who_of(request: Request) -> Principal:
    """Who the request is from, as ``api.security.current_principal`` found it."""
    who = getattr(request.state, "principal", None)
    return who if isinstance(who, Principal) else ANONYMOUS


def context(request: Request) -> dict[str, Any]:
    """What every template may use."""
    who = who_of(request)
    lang = lang_of(request.cookies.get(LANG_COOKIE))
    credential = who.credential
    return {
        "request": request,
        "who": who,
        "role": who.role,
        "lang": lang,
        "t": translator(lang),
        "csrf": credential.csrf if credential is not None and credential.kind == "session" else "",
        "path": request.url.path,
        "request_id": request_id(request.scope),
    }


def message_of(request: Request, error: PasserelleError) -> str:
    """An error's message in the page's language."""
    return (
        error.message_fr if lang_of(request.cookies.get(LANG_COOKIE)) == "fr" else error.message_en
    )


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """``template`` rendered for ``request`` with ``values``."""
    html = env.get_template(template).render(**context(request), **values)
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


__all__ = ["MESSAGES", "STATIC", "error_page", "page", "who_of"]


def error_page(
    request: Request, status: int, fr: str, en: str, headers: dict[str, str]
) -> Response:
    """An error of a web page, in the site's look: a sign-in first for a 401, else the page
    says what happened in the reader's language, with the request id to quote."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/auth/login?next={quote(target)}", status_code=303)
    lang = lang_of(request.cookies.get(LANG_COOKIE))
    t = translator(lang)
    key = f"error.{status}"
    general = t(key) if key in MESSAGES else ""
    detail = fr if lang == "fr" else en
    if status >= 500 or status == 404:
        detail = ""  # nothing of the input or of our internals on those pages
    shown = page(
        request,
        "error.html",
        status,
        code=status,
        message=general or detail,
        detail=detail if general else "",
    )
    for name, value in headers.items():
        if name.lower() in ("allow", "retry-after"):
            shown.headers[name] = value
    return shown
