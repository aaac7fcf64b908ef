"""Pages of officers (the needs' queue, introductions and their trail) and of labs (search and
a lab's page, with the needs that fit it for officers and researchers).

Routes stay thin: they call ``graph.usecases.desk`` and ``graph.usecases.pairing`` and shape what templates draw.
Form problems (a decline without a reason, an empty note, a move someone else made first) are
shown on the page itself, next to the field, with 422 or 409: never an error page.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import DeskDep, PrincipalDep, ServiceDep
from api.schemas.requests import IntroductionId, LabId
from api.schemas.views import lab_detail
from api.web.render import message_of, page
from graph.errors import ConflictError, InputError, NotFoundError
from graph.rules.accounts import Principal
from graph.rules.input import (
    ID_PATTERN,
    LINE_PATTERN,
    MAX_KEY_CHARS,
    MAX_NOTE_CHARS,
    MAX_QUERY_CHARS,
)
from graph.rules.workflow import NEXT, NeedStatus, Status
from graph.usecases.desk import Desk, IntroductionRecord

router = APIRouter(include_in_schema=False)

LABS_PER_PAGE = 20
NEED_STATUSES: tuple[NeedStatus, ...] = ("new", "in_progress", "closed")
STEPS: tuple[Status, ...] = ("proposed", "contacted", "meeting", "agreement")
OPPORTUNITIES = 10
CAPABILITIES_SHOWN = 25

NoteField = Annotated[str, Form(max_length=MAX_NOTE_CHARS)]


# -- the queue ---------------------------------------------------------------------------------
def _queue_sections(desk: Desk, who: Principal, status: NeedStatus | None) -> list[dict[str, Any]]:
    labs: dict[str, Any] = {}

    def lab_of(lab_id: str) -> Any:
        if lab_id not in labs:
            labs[lab_id] = desk.store.lab(lab_id)
        return labs[lab_id]

    sections: dict[NeedStatus, list[dict[str, Any]]] = {s: [] for s in NEED_STATUSES}
    for entry in desk.queue(who, status):
        record = entry.record
        introduced = {i.lab_id for i in record.introductions}
        sections[record.status].append(
            {
                "need": record.need,
                "company": record.company,
                "suggestions": [
                    {"lab": r.lab, "score": r.pairing.score, "introduced": r.lab.id in introduced}
                    for r in entry.suggestions
                ],
                "introductions": [
                    {"intro": i, "lab": lab_of(i.lab_id)} for i in record.introductions
                ],
            }
        )
    shown = (status,) if status is not None else NEED_STATUSES
    return [{"status": s, "entries": sections[s]} for s in shown]


def _queue_page(
    request: Request,
    desk: Desk,
    who: Principal,
    status: NeedStatus | None,
    code: int = 200,
    failed: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "queue.html",
        code,
        sections=_queue_sections(desk, who, status),
        chosen=status or "",
        statuses=NEED_STATUSES,
        failed=failed or {},
    )


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    who: PrincipalDep,
    desk: DeskDep,
    status: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """The officers' queue: needs by status, each with its suggested labs (a button to
    introduce the company to one) and its introductions."""
    chosen: NeedStatus | None = None
    for s in NEED_STATUSES:
        if s == status:
            chosen = s
    return _queue_page(request, desk, who, chosen)


@router.post("/introductions", response_class=HTMLResponse)
def introduce(
    request: Request,
    who: PrincipalDep,
    desk: DeskDep,
    need_id: Annotated[str, Form(max_length=MAX_KEY_CHARS, pattern=ID_PATTERN)],
    lab_id: Annotated[str, Form(max_length=MAX_KEY_CHARS, pattern=ID_PATTERN)],
    note: NoteField = "",
) -> Response:
    """Introduce a need's company to a lab, then show the introduction."""
    try:
        record, _ = desk.introduce(who, need_id, lab_id, note)
    except InputError as e:
        failed = {
            "need_id": need_id,
            "lab_id": lab_id,
            "note": note,
            "error": message_of(request, e),
        }
        return _queue_page(request, desk, who, None, 422, failed)
    return RedirectResponse(f"/introductions/{record.introduction.id}", status_code=303)


# -- one introduction --------------------------------------------------------------------------
def _introduction_page(
    request: Request,
    desk: Desk,
    who: Principal,
    record: IntroductionRecord,
    code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflict: str = "",
) -> HTMLResponse:
    intro = record.introduction
    try:
        need = desk.need(who, intro.need_id)
    except NotFoundError:
        need = None  # withdrawn since
    steps = list(STEPS)
    if intro.status == "declined":
        # the steps reached before the decline: the last move's origin
        last = next((e for e in reversed(record.events) if e.to_status == "declined"), None)
        reached = last.from_status if last is not None and last.from_status else "proposed"
    else:
        reached = intro.status
    done = steps.index(reached) if reached in steps else 0
    return page(
        request,
        "introduction.html",
        code,
        record=record,
        intro=intro,
        need=need,
        lab=record.lab,
        steps=steps,
        done=done,
        emails=desk.emails() if record.private else {},
        next_status=NEXT.get(intro.status),
        can_act=who.is_officer and intro.is_open,
        can_note=who.is_officer,
        form=form or {},
        errors=errors or {},
        conflict=conflict,
    )


@router.get("/introductions/{introduction_id}", response_class=HTMLResponse)
def introduction_page(
    request: Request, introduction_id: IntroductionId, who: PrincipalDep, desk: DeskDep
) -> HTMLResponse:
    """An introduction: its need and lab, its steps, its audit trail, and for officers the
    forms that move it on, decline it or add a note."""
    return _introduction_page(request, desk, who, desk.introduction(who, introduction_id))


@router.post("/introductions/{introduction_id}/move", response_class=HTMLResponse)
def move_introduction(
    request: Request,
    introduction_id: IntroductionId,
    who: PrincipalDep,
    desk: DeskDep,
    to: Annotated[Status, Form()],
    note: NoteField = "",
    reason: NoteField = "",
) -> Response:
    """Move an introduction to its next step, or decline it with a reason."""
    form = {"to": to, "note": note, "reason": reason}
    try:
        desk.move(who, introduction_id, to, note, reason)
    except InputError as e:
        record = desk.introduction(who, introduction_id)
        field = "reason" if e.where == "reason" else "note"
        prefix = "decline" if to == "declined" else "move"
        errors = {f"{prefix}-{field}": message_of(request, e)}
        return _introduction_page(request, desk, who, record, 422, form, errors)
    except ConflictError as e:
        record = desk.introduction(who, introduction_id)
        return _introduction_page(
            request, desk, who, record, 409, form, {}, conflict=message_of(request, e)
        )
    return RedirectResponse(f"/introductions/{introduction_id}", status_code=303)


@router.post("/introductions/{introduction_id}/notes", response_class=HTMLResponse)
def add_note(
    request: Request,
    introduction_id: IntroductionId,
    who: PrincipalDep,
    desk: DeskDep,
    note: NoteField = "",
) -> Response:
    """Add a note to an introduction's trail."""
    try:
        desk.note(who, introduction_id, note)
    except InputError as e:
        record = desk.introduction(who, introduction_id)
        form = {"to": "", "add-note": note}
        errors = {"add-note": message_of(request, e)}
        return _introduction_page(request, desk, who, record, 422, form, errors)
    return RedirectResponse(f"/introductions/{introduction_id}", status_code=303)


# -- labs ----------------------------------------------------------------------------------------
@router.get("/labs", response_class=HTMLResponse)
def labs_page(
    request: Request,
    service: ServiceDep,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, pattern=LINE_PATTERN)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=50_000)] = 1,
) -> HTMLResponse:
    """Labs by acronym, name or city, twenty a page."""
    query = q.strip()
    total, labs = service.search_labs(
        query or None, LABS_PER_PAGE, (page_number - 1) * LABS_PER_PAGE
    )
    pages = max(1, math.ceil(total / LABS_PER_PAGE))
    return page(
        request,
        "labs.html",
        q=query,
        labs=labs,
        total=total,
        page_number=page_number,
        pages=pages,
    )


@router.get("/labs/{lab_id}", response_class=HTMLResponse)
def lab_page(
    request: Request, lab_id: LabId, who: PrincipalDep, service: ServiceDep, desk: DeskDep
) -> HTMLResponse:
    """A lab: what it does, its capabilities, its work with industry, and for officers and
    researchers the open needs that fit it."""
    view = service.lab_view(lab_id)
    detail = lab_detail(view.lab, view.profile, view.labels, view.records)
    opportunities = None
    if who.role in ("officer", "researcher"):
        _, ranked = desk.opportunities(who, lab_id, OPPORTUNITIES)
        opportunities = [
            {"need": record.need, "company": record.company, "score": r.pairing.score}
            for r, record in ranked
        ]
    capabilities = detail.capabilities[:CAPABILITIES_SHOWN]
    years = sorted(detail.industry.by_year.items())
    return page(
        request,
        "lab.html",
        lab=view.lab,
        detail=detail,
        capabilities=capabilities,
        most_weight=max((c.weight for c in capabilities), default=0.0),
        years=years,
        most_year=max((n for _, n in years), default=0),
        topics=sorted(detail.industry.by_topic.items(), key=lambda kv: (-kv[1], kv[0])),
        opportunities=opportunities,
    )
