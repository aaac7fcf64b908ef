"""The vocabulary."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import ServiceDep
from api.errors.body import error_responses
from api.schemas.requests import Limit
from api.schemas.views import ConceptEntry, concept_entry
from graph.rules.input import LINE_PATTERN, MAX_QUERY_CHARS

router = APIRouter(prefix="/api/concepts", tags=["concepts"])


@router.get("", responses=error_responses())
def search_concepts(
    service: ServiceDep,
    q: str = Query("", max_length=MAX_QUERY_CHARS, pattern=LINE_PATTERN),
    limit: Limit = 20,
) -> list[ConceptEntry]:
    """Concepts whose labels or synonyms contain ``q`` (accents and case ignored)."""
    return [concept_entry(c) for c in service.search_concepts(q, limit)]
