"""Dependencies of the routes, named with Annotated."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.service import PairingService


def get_service(request: Request) -> PairingService:
    """The application's PairingService, opened by the lifespan."""
    service: PairingService = request.app.state.service
    return service


ServiceDep = Annotated[PairingService, Depends(get_service)]
