"""Pages of needs: the list, the submission form, a need with its concepts (highlighted in its
text, corrected by its company), its suggested labs and its introductions, edit and withdraw.

Every action goes through ``graph.usecases.desk.Desk`` (who may read or change a need is decided
there); a form's validation problem re-renders the form (422) with what was typed."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import DeskDep, PrincipalDep, ServiceDep
from api.schemas.views import pairings_public
from api.web.render import message_of, page
from graph.errors import InputError
from graph.model import VISIBILITIES, Extraction, Visibility
from graph.rules.accounts import can_change_need
from graph.rules.input import MAX_QUERY_CHARS, forbidden_char
from graph.rules.needs import NEED_FIELDS
from graph.rules.workflow import STATUS_LABELS

router = APIRouter(include_in_schema=False)

STEPS = ("proposed", "contacted", "meeting", "agreement")
"""The steps of an introduction, as its company follows them."""

Segment = tuple[str, str | None]
"""A piece of a need's text and the concept it mentions (None: plain text)."""


def highlighted(text: str, extraction: Extraction) -> list[list[Segment]]:
    """The text's paragraphs (its lines), each cut into pieces: the spans where a concept's
    evidence occurs (case ignored) carry that concept's id. Nothing here is markup: the
    template escapes every piece."""
    spans: list[tuple[int, int, str]] = []
    folded = text.casefold()
    same_length = len(folded) == len(text)  # casefold may lengthen (ß): search as written
    haystack = folded if same_length else text
    for m in extraction.mentions:
        for evidence in m.evidence:
            needle = evidence.casefold() if same_length else evidence
            if not needle.strip():
                continue
            for found in re.finditer(re.escape(needle), haystack):
                spans.append((found.start(), found.end(), m.concept_id))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    pieces: list[Segment] = []
    at = 0
    for start, end, concept_id in spans:
        if start < at:  # overlaps a longer or earlier span: the first one wins
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], concept_id))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    paragraphs: list[list[Segment]] = [[]]
    for piece, mentioned in pieces:
        for n, line in enumerate(piece.split("\n")):
            if n:
                paragraphs.append([])
            if line.strip("\r"):
                paragraphs[-1].append((line.rstrip("\r"), mentioned))
    return [p for p in paragraphs if p]


def _visibility(value: str) -> Visibility:
    for v in VISIBILITIES:
        if v == value:
            return v
    raise InputError(
        "Choisissez qui peut lire ce besoin.", "Choose who may read this need.", where="visibility"
    )


def _form(
    request: Request,
    status: int,
    *,
    need_id: str | None,
    values: dict[str, str],
    error: InputError | None = None,
) -> HTMLResponse:
    return page(
        request,
        "need_form.html",
        status,
        need_id=need_id,
        values=values,
        fields=NEED_FIELDS,
        visibilities=VISIBILITIES,
        error_where=(error.where or NEED_FIELDS[0].name) if error else "",
        error=message_of(request, error) if error else "",
    )


async def _written(request: Request) -> dict[str, str]:
    """The fields a company writes (``graph.rules.needs``) as the form sent them."""
    form = await request.form()
    values = {f.name: form.get(f.name, "") for f in NEED_FIELDS}
    return {name: value if isinstance(value, str) else "" for name, value in values.items()}


WrittenDep = Annotated[dict[str, str], Depends(_written)]


@router.get("/needs", response_class=HTMLResponse)
def needs_page(request: Request, who: PrincipalDep, desk: DeskDep, done: str = "") -> HTMLResponse:
    """The needs the caller may read."""
    records = sorted(
        desk.needs(who), key=lambda r: (r.need.submitted_at or "", r.need.id), reverse=True
    )
    return page(request, "needs.html", records=records, done=done == "withdrawn")


@router.get("/needs/new", response_class=HTMLResponse)
def new_need_form(request: Request) -> HTMLResponse:
    """The form to submit a need."""
    values = {**{f.name: "" for f in NEED_FIELDS}, "visibility": "confidential", "company": ""}
    return _form(request, 200, need_id=None, values=values)


@router.post("/needs/new", response_model=None)
def submit_need(
    request: Request,
    who: PrincipalDep,
    desk: DeskDep,
    written: WrittenDep,
    visibility: Annotated[str, Form()] = "confidential",
    company: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    """Store the need and show it; a problem of a field: the form again, as typed."""
    values = {**written, "visibility": visibility, "company": company}
    try:
        need, _, _ = desk.submit(
            who,
            **written,
            visibility=_visibility(visibility),
            company=company if who.is_officer else None,
        )
    except InputError as e:
        return _form(request, 422, need_id=None, values=values, error=e)
    return RedirectResponse(f"/needs/{quote(need.id)}", status_code=303)


@router.get("/needs/{need_id}", response_class=HTMLResponse)
def need_page(
    request: Request,
    need_id: str,
    who: PrincipalDep,
    desk: DeskDep,
    service: ServiceDep,
    q: str = "",
) -> HTMLResponse:
    """A need: its text with the concepts found, its labs, its introductions."""
    found = desk.pairings(who, need_id, 10)
    record = found.record
    need = record.need
    profile = desk.need_profile(who, need_id)
    labels = service.concept_labels()
    concepts = sorted(
        (
            {
                "id": m.concept_id,
                "label": labels.get(m.concept_id, (m.concept_id, m.concept_id)),
                "weight": m.weight,
            }
            for m in profile.mentions
        ),
        key=lambda c: (-float(c["weight"]), str(c["id"])),  # type: ignore[arg-type]
    )
    q = q.strip()[:MAX_QUERY_CHARS]
    present = {m.concept_id for m in profile.mentions}
    suggestions = (
        [c for c in service.search_concepts(q, 8) if c.id not in present]
        if q and not forbidden_char(q)
        else []
    )
    intros = desk.introductions(who, need_id) if who.role in ("sme", "officer") else []
    values: dict[str, Any] = {
        "record": record,
        "need": need,
        "paragraphs": highlighted(need.text, profile),
        "concepts": concepts,
        "labels": labels,
        "q": q,
        "suggestions": suggestions,
        "pairings_shown": pairings_public(found.ranking, f"{need.title}. {need.text}"),
        "intros": intros,
        "steps": STEPS,
        "status_labels": STATUS_LABELS,
        "may_change": can_change_need(who, need),
        "fields": NEED_FIELDS,
    }
    return page(request, "need.html", **values)


@router.get("/needs/{need_id}/edit", response_class=HTMLResponse)
def edit_need_form(
    request: Request, need_id: str, who: PrincipalDep, desk: DeskDep
) -> HTMLResponse:
    """The form to change a need, filled in."""
    need = desk.changeable(who, need_id)
    values = {f.name: str(getattr(need, f.name)) for f in NEED_FIELDS}
    values |= {"visibility": need.visibility, "company": ""}
    return _form(request, 200, need_id=need_id, values=values)


@router.post("/needs/{need_id}/edit", response_model=None)
def edit_need(
    request: Request,
    need_id: str,
    who: PrincipalDep,
    desk: DeskDep,
    written: WrittenDep,
    visibility: Annotated[str, Form()] = "confidential",
) -> HTMLResponse | RedirectResponse:
    """Change the need and show it; a problem of a field: the form again, as typed."""
    values = {**written, "visibility": visibility, "company": ""}
    desk.need(who, need_id)  # NotFoundError first, for a need the caller may not read
    try:
        desk.edit(who, need_id, **written, visibility=_visibility(visibility))
    except InputError as e:
        return _form(request, 422, need_id=need_id, values=values, error=e)
    return RedirectResponse(f"/needs/{quote(need_id)}", status_code=303)


@router.post("/needs/{need_id}/withdraw")
def withdraw_need(need_id: str, who: PrincipalDep, desk: DeskDep) -> RedirectResponse:
    """Withdraw the need (its text removed), then back to the list."""
    desk.withdraw(who, need_id)
    return RedirectResponse("/needs?done=withdrawn", status_code=303)


@router.post("/needs/{need_id}/concepts")
def add_concept(
    need_id: str,
    who: PrincipalDep,
    desk: DeskDep,
    concept_id: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Add a concept to the need's profile (its company's correction)."""
    desk.correct_concepts(who, need_id, add=[concept_id])
    return RedirectResponse(f"/needs/{quote(need_id)}#concepts", status_code=303)


@router.post("/needs/{need_id}/concepts/{concept_id}/remove")
def remove_concept(
    need_id: str, concept_id: str, who: PrincipalDep, desk: DeskDep
) -> RedirectResponse:
    """Remove a concept from the need's profile (its company's correction)."""
    desk.correct_concepts(who, need_id, remove=[concept_id])
    return RedirectResponse(f"/needs/{quote(need_id)}#concepts", status_code=303)
