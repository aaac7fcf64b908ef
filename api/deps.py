"""Dependencies of the routes, named with Annotated."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.security import PrincipalDep, current_principal
from graph.rules.accounts import Principal
from graph.usecases.auth import Accounts
from graph.usecases.desk import Desk
from graph.usecases.pairing import PairingService


def get_service(request: Request) -> PairingService:
    """The application's PairingService, opened by the lifespan."""
    service: PairingService = request.app.state.service
    return service


def get_desk(request: Request) -> Desk:
    """Needs and introductions, over the same service."""
    desk: Desk = request.app.state.desk
    return desk


def get_accounts(request: Request) -> Accounts:
    """Accounts, over the same store."""
    accounts: Accounts = request.app.state.accounts
    return accounts


ServiceDep = Annotated[PairingService, Depends(get_service)]
DeskDep = Annotated[Desk, Depends(get_desk)]
AccountsDep = Annotated[Accounts, Depends(get_accounts)]

__all__ = [
    "AccountsDep",
    "DeskDep",
    "Principal",
    "PrincipalDep",
    "ServiceDep",
    "current_principal",
]
