"""Service health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health")
def health(service: ServiceDep) -> Health:
    """Whether the service and its store answer, with the graph's size."""
    nodes = service.store.counts()["nodes"]
    return Health(
        status="ok",
        store=type(service.store).__name__,
        labs=nodes["Lab"],
        **service.lab_counts(),
        needs=nodes["Need"],
        concepts=nodes["Concept"],
    )
