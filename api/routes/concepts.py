"""The vocabulary."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.deps import ServiceDep
from api.schemas import ConceptEntry

router = APIRouter(prefix="/api/concepts", tags=["concepts"])


@router.get("")
def search_concepts(
    service: ServiceDep, q: str = Query("", max_length=200), limit: int = Query(20, ge=1, le=100)
) -> list[ConceptEntry]:
    """Concepts whose labels or synonyms contain ``q`` (accents and case ignored)."""
    return [
        ConceptEntry(
            id=c.id,
            kind=c.kind,
            label=c.label_fr,
            label_en=c.label_en,
            synonyms=[*c.alt_fr, *c.alt_en],
            broader=list(c.broader),
        )
        for c in service.search_concepts(q, limit)
    ]
