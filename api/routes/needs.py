"""Needs of companies: submit, list, read, edit, withdraw, and their labs.

Each caller sees the needs its role and company allow (``graph.rules.accounts.can_read_need``); a
need it may not read answers 404, as an unknown one does."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from api.deps import DeskDep, PrincipalDep
from api.errors.body import BODY_ERRORS, error_responses
from api.errors.handlers import require_json
from api.schemas.desk import DeclinedLab, NeedDetail, NeedPairingsView, NeedWithdrawn, need_detail
from api.schemas.requests import Limit, NeedEdit, NeedId, NeedSubmit
from api.schemas.views import (
    NeedCreated,
    NeedPublic,
    concepts_public,
    lab_public,
    need_public,
    pairings_public,
    scope_public,
)
from graph.rules.input import LINE_PATTERN, MAX_SCOPE_CHARS
from graph.rules.scope import Scope
from graph.rules.workflow import NeedStatus

router = APIRouter(prefix="/api/needs", tags=["needs"])


@router.get("", responses=error_responses(401, 403, 422))
def list_needs(
    who: PrincipalDep, desk: DeskDep, status: NeedStatus | None = None
) -> list[NeedPublic]:
    """The needs the caller may read (an SME: its company's and the public ones; a
    researcher: the anonymous and public ones, without the company of anonymous ones; an
    officer: all)."""
    return [need_public(r) for r in desk.needs(who) if status is None or r.status == status]


@router.post(
    "",
    status_code=201,
    responses={
        200: {"model": NeedCreated, "description": "Besoin déjà enregistré / already stored"},
        **error_responses(401, 403, *BODY_ERRORS),
    },
    dependencies=[Depends(require_json)],
)
def create_need(
    body: NeedSubmit, who: PrincipalDep, desk: DeskDep, response: Response
) -> NeedCreated:
    """Store a need (201), or find it again when the same need was already stored (200). An
    SME submits for its own company; an officer for the company it names."""
    need, extraction, created = desk.submit(
        who,
        **body.written(),
        visibility=body.visibility,
        company=body.company,
        city=body.city,
        siren=body.siren,
    )
    if not created:
        response.status_code = 200
    labels = desk.pairing.concept_labels()
    return NeedCreated(
        id=need.id,
        created=created,
        language=extraction.language,
        concepts=concepts_public(extraction, labels),
        keywords=list(extraction.keywords),
    )


@router.get("/{need_id}", responses=error_responses(401, 403, 404))
def get_need(need_id: NeedId, who: PrincipalDep, desk: DeskDep) -> NeedDetail:
    """One need and its introductions (an SME sees their steps, not officers' notes)."""
    record = desk.need(who, need_id)
    intros = desk.introductions(who, need_id) if who.role in ("officer", "sme") else []
    return need_detail(record, intros, desk.emails())


@router.patch(
    "/{need_id}",
    responses=error_responses(401, 403, 404, *BODY_ERRORS),
    dependencies=[Depends(require_json)],
)
def edit_need(need_id: NeedId, body: NeedEdit, who: PrincipalDep, desk: DeskDep) -> NeedPublic:
    """Change a need's written fields (title, text...) or visibility (its company's accounts,
    officers)."""
    desk.edit(who, need_id, **body.written(), visibility=body.visibility)
    return need_public(desk.need(who, need_id))


@router.delete("/{need_id}", responses=error_responses(401, 403, 404))
def withdraw_need(need_id: NeedId, who: PrincipalDep, desk: DeskDep) -> NeedWithdrawn:
    """Withdraw a need: its text is removed from the store (not only flagged); its open
    introductions are declined."""
    declined = desk.withdraw(who, need_id)
    return NeedWithdrawn(id=need_id, introductions_declined=declined)


@router.get("/{need_id}/pairings", responses=error_responses(401, 403, 404, 422))
def need_pairings(
    need_id: NeedId,
    who: PrincipalDep,
    desk: DeskDep,
    limit: Limit = 10,
    institution: str | None = Query(
        None,
        max_length=MAX_SCOPE_CHARS,
        pattern=LINE_PATTERN,
        description="établissement (nom ou sigle RNSR)",
    ),
    region: str | None = Query(
        None, max_length=MAX_SCOPE_CHARS, pattern=LINE_PATTERN, description="région"
    ),
    everywhere: bool = Query(False, alias="all", description="toute la France"),
) -> NeedPairingsView:
    """Labs suggested for a stored need, in the deployment's territory unless ``institution``,
    ``region`` or ``all=true`` says otherwise; labs declined for it are left out (officers see
    them in ``declined``), labs that met or agreed on similar needs rise."""
    scope = None
    if everywhere:
        scope = Scope()
    elif institution or region:
        scope = Scope(institution=institution, region=region)
    found = desk.pairings(who, need_id, limit, scope)
    need = found.record.need
    return NeedPairingsView(
        need=need_public(found.record),
        pairings=pairings_public(found.ranking, f"{need.title}. {need.text}"),
        scope=scope_public(found.scope),
        declined=[
            DeclinedLab(lab=lab_public(lab) if lab else None, reason=reason)
            for lab, reason in found.declined
        ],
    )
