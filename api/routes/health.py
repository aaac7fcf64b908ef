"""Service health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.errors.body import error_responses
from api.schemas.views import Health, Readiness
from graph.errors import StoreUnavailable

router = APIRouter(tags=["health"])


class NotReady(StoreUnavailable):
    """The service has not built its first snapshot yet (answered 503)."""

    code = "not_ready"


@router.get("/health", responses=error_responses())
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


@router.get(
    "/health/ready",
    responses=error_responses(),
)
def ready(service: ServiceDep) -> Readiness:
    """200 once a match can be served without building anything first (the store read into
    the service's snapshot, the extractor loaded); 503 before, or while the store is down."""
    if not service.ready:
        service.warm_in_background()  # again, when the store was down at start-up
        raise NotReady(
            "Passerelle démarre : le graphe est en cours de chargement.",
            "Passerelle is starting: the graph is being loaded.",
            where="service",
        )
    snap = service.snapshot()  # also checks that the store answers
    return Readiness(ready=True, revision=snap.revision, units=snap.counts["units"])
