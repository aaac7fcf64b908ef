"""Pair a free-text need with labs, storing nothing."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import ServiceDep
from api.errors.body import BODY_ERRORS, error_responses
from api.errors.handlers import require_json
from api.schemas.requests import MatchRequest
from api.schemas.views import MatchResponse, concepts_public, pairings_public, scope_public

router = APIRouter(prefix="/api", tags=["match"])


@router.post(
    "/match", responses=error_responses(*BODY_ERRORS), dependencies=[Depends(require_json)]
)
def match(body: MatchRequest, service: ServiceDep) -> MatchResponse:
    """Analyse a need and suggest labs of the scope (the deployment's territory unless the
    request names one; ``{}`` for all of France), each with an explanation; nothing is stored."""
    scope = body.scope.to_scope() if body.scope is not None else None
    result = service.match_text(body.text, body.limit, scope)
    return MatchResponse(
        language=result.extraction.language,
        concepts=concepts_public(result.extraction, result.labels),
        keywords=list(result.extraction.keywords),
        pairings=pairings_public(result.ranking, body.text),
        scope=scope_public(result.scope) if result.scope else None,
    )
