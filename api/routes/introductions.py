"""The introduction workflow: officers open introductions and move them on; companies follow
their needs' introductions; the officers' queue and CSV export."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import DeskDep, PrincipalDep
from api.errors.body import BODY_ERRORS, error_responses
from api.errors.handlers import require_json
from api.schemas.desk import IntroductionView, QueueItem, introduction_view
from api.schemas.requests import IntroductionCreate, IntroductionId, NoteCreate, Transition
from api.schemas.views import lab_public, need_public
from graph.rules.input import ID_PATTERN
from graph.rules.workflow import NeedStatus, Status

router = APIRouter(prefix="/api", tags=["introductions"])

EXPORT_COLUMNS = (
    "introduction",
    "besoin",
    "entreprise",
    "laboratoire",
    "statut",
    "status",
    "motif",
    "ouverte_le",
    "ouverte_par",
    "mise_a_jour",
)


@router.post(
    "/introductions",
    status_code=201,
    responses={
        200: {"model": IntroductionView, "description": "Déjà ouverte / already open"},
        **error_responses(401, 403, 404, *BODY_ERRORS),
    },
    dependencies=[Depends(require_json)],
)
def open_introduction(
    body: IntroductionCreate, who: PrincipalDep, desk: DeskDep, response: Response
) -> IntroductionView:
    """Introduce a need's company to a lab (``proposed``): 201, or 200 with the one already
    open for this need and lab."""
    record, created = desk.introduce(who, body.need_id, body.lab_id, body.note)
    if not created:
        response.status_code = 200
    return introduction_view(record, desk.emails())


@router.get("/introductions", responses=error_responses(401, 403, 404, 422))
def list_introductions(
    who: PrincipalDep,
    desk: DeskDep,
    need_id: Annotated[str | None, Query(max_length=100, pattern=ID_PATTERN)] = None,
    status: Status | None = None,
) -> list[IntroductionView]:
    """Introductions: all for officers, a company's needs' for its SME accounts (steps only)."""
    emails = desk.emails()
    return [introduction_view(r, emails) for r in desk.introductions(who, need_id, status)]


@router.get("/introductions/{introduction_id}", responses=error_responses(401, 403, 404))
def get_introduction(
    introduction_id: IntroductionId, who: PrincipalDep, desk: DeskDep
) -> IntroductionView:
    """One introduction and its audit trail."""
    return introduction_view(desk.introduction(who, introduction_id), desk.emails())


@router.post(
    "/introductions/{introduction_id}/transitions",
    responses=error_responses(401, 403, 404, 409, *BODY_ERRORS),
    dependencies=[Depends(require_json)],
)
def move_introduction(
    introduction_id: IntroductionId, body: Transition, who: PrincipalDep, desk: DeskDep
) -> IntroductionView:
    """Move an introduction to its next step (proposed → contacted → meeting → agreement) or
    to ``declined`` with a ``reason``; 409 for any other move."""
    record = desk.move(who, introduction_id, body.to, body.note, body.reason)
    return introduction_view(record, desk.emails())


@router.post(
    "/introductions/{introduction_id}/notes",
    responses=error_responses(401, 403, 404, 409, *BODY_ERRORS),
    dependencies=[Depends(require_json)],
)
def add_note(
    introduction_id: IntroductionId, body: NoteCreate, who: PrincipalDep, desk: DeskDep
) -> IntroductionView:
    """Add a note to an introduction's trail (officers; companies do not see notes)."""
    return introduction_view(desk.note(who, introduction_id, body.note), desk.emails())


@router.get("/queue", responses=error_responses(401, 403, 422))
def queue(who: PrincipalDep, desk: DeskDep, status: NeedStatus | None = None) -> list[QueueItem]:
    """The officers' queue: needs by status (new, in_progress, closed) with their suggested
    labs and their introductions."""
    emails = desk.emails()
    out = []
    for entry in desk.queue(who, status):
        intros = desk.introductions(who, entry.record.need.id)
        out.append(
            QueueItem(
                need=need_public(entry.record),
                status=entry.record.status,
                suggestions=[lab_public(r.lab) for r in entry.suggestions],
                introductions=[introduction_view(r, emails) for r in intros],
            )
        )
    return out


@router.get(
    "/exports/introductions.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV (UTF-8 avec BOM)"},
        **error_responses(401, 403),
    },
)
def export_introductions(who: PrincipalDep, desk: DeskDep) -> Response:
    """Every introduction and its status as CSV, UTF-8 with a byte-order mark so that Excel
    reads French text correctly; ``;`` separated, as French Excel expects."""
    rows = desk.export_rows(who)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="introductions.csv"'},
    )
