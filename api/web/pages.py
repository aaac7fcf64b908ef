"""The pages everyone sees: home with the free try-out, the language switch, static assets.

Pages call the same use cases (``graph.usecases.pairing``, ``graph.usecases.desk``) as the API and are declared
in the same policy table (``api.security.POLICIES``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import ServiceDep
from api.schemas.views import concept_entry, concepts_public, pairings_public
from api.web.i18n import LANG_COOKIE, LANGS
from api.web.render import message_of, page
from graph.errors import InputError
from graph.rules.input import MAX_TEXT_CHARS

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None, default: str = "/") -> str:
    """A path of this site to go back to (never another site's address)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What Passerelle does, and a box to try it."""
    return page(request, "home.html", text="", error="", result=None)


@router.post("/try", response_class=HTMLResponse)
def try_it(
    request: Request,
    service: ServiceDep,
    text: Annotated[str, Form(max_length=MAX_TEXT_CHARS)] = "",
) -> HTMLResponse:
    """Labs for a free text, drawn; nothing is stored."""
    try:
        result = service.match_text(text, 10)
    except InputError as e:
        return page(request, "home.html", 422, text=text, error=message_of(request, e), result=None)
    shown = {
        "concepts": concepts_public(result.extraction, result.labels),
        "pairings": pairings_public(result.ranking, text),
    }
    return page(request, "home.html", text=text, error="", result=shown)


@router.get("/lang/{code}")
def switch_language(code: str, next: str = "/") -> Response:  # noqa: A002
    """Set the pages' language (``fr`` or ``en``) and go back."""
    done = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGS:
        done.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return done


@router.get("/concepts", response_class=HTMLResponse)
def concepts_page(request: Request, service: ServiceDep, q: str = "") -> HTMLResponse:
    """The vocabulary: the concepts whose labels or synonyms contain ``q``."""
    q = q.strip()[:200]
    found = service.search_concepts(q, 60) if q else service.search_concepts("", 60)
    labels = service.concept_labels()
    return page(
        request,
        "concepts.html",
        q=q,
        concepts=[concept_entry(c) for c in found],
        labels=labels,
    )
