"""Needs of companies: submit one, get its labs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from api.deps import ServiceDep
from api.errors import BODY_ERRORS, error_responses, require_json
from api.schemas import (
    LINE_PATTERN,
    Limit,
    NeedCreate,
    NeedCreated,
    NeedId,
    NeedPairings,
    concepts_public,
    need_public,
    pairings_public,
    scope_public,
)
from graph.scope import MAX_SCOPE_CHARS, Scope

router = APIRouter(prefix="/api/needs", tags=["needs"])


@router.post(
    "",
    status_code=201,
    responses={
        200: {"model": NeedCreated, "description": "Besoin déjà enregistré / already stored"},
        **error_responses(*BODY_ERRORS),
    },
    dependencies=[Depends(require_json)],
)
def create_need(body: NeedCreate, service: ServiceDep, response: Response) -> NeedCreated:
    """Store a need (201), or find it again when the same need was already stored (200)."""
    need, extraction, created = service.submit_need(
        title=body.title,
        text=body.text,
        company=body.company,
        city=body.city,
        siren=body.siren,
    )
    if not created:
        response.status_code = 200
    labels = service.concept_labels()
    return NeedCreated(
        id=need.id,
        created=created,
        language=extraction.language,
        concepts=concepts_public(extraction, labels),
        keywords=list(extraction.keywords),
    )


@router.get("/{need_id}/pairings", responses=error_responses(404))
def need_pairings(
    need_id: NeedId,
    service: ServiceDep,
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
) -> NeedPairings:
    """Labs suggested for a stored need, in the deployment's territory unless ``institution``,
    ``region`` or ``all=true`` says otherwise."""
    scope = None
    if everywhere:
        scope = Scope()
    elif institution or region:
        scope = Scope(institution=institution, region=region)
    need, ranking, used = service.need_pairings(need_id, limit, scope)
    return NeedPairings(
        need=need_public(need),
        pairings=pairings_public(ranking, f"{need.title}. {need.text}"),
        scope=scope_public(used),
    )
