"""The vocabulary."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import ServiceDep
from api.schemas import ConceptEntry, concept_entry

router = APIRouter(prefix="/api/concepts", tags=["concepts"])


@router.get("")
def search_concepts(
    service: ServiceDep, q: str = Query("", max_length=200), limit: int = Query(20, ge=1, le=100)
) -> list[ConceptEntry]:
    """Concepts whose labels or synonyms contain ``q`` (accents and case ignored)."""
    return [concept_entry(c) for c in service.search_concepts(q, limit)]
