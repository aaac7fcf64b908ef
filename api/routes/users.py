"""Accounts, for admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import AccountsDep
from api.errors.body import BODY_ERRORS, error_responses
from api.errors.handlers import require_json
from api.schemas.desk import UserView, user_view
from api.schemas.requests import UserCreate, UserId
from graph.errors import NotFoundError

router = APIRouter(prefix="/api/users", tags=["accounts"])


@router.get("", responses=error_responses(401, 403))
def list_users(accounts: AccountsDep) -> list[UserView]:
    """Every account (never a password hash)."""
    return [user_view(u) for u in accounts.users()]


@router.post(
    "",
    status_code=201,
    responses=error_responses(401, 403, 409, *BODY_ERRORS),
    dependencies=[Depends(require_json)],
)
def create_user(body: UserCreate, accounts: AccountsDep) -> UserView:
    """A new account."""
    user = accounts.add_user(
        body.email, body.role, body.password, company=body.company, lab_id=body.lab_id
    )
    return user_view(user)


@router.post("/{user_id}/disable", responses=error_responses(401, 403, 404))
def disable_user(user_id: UserId, accounts: AccountsDep) -> UserView:
    """Disable an account: its sessions and tokens are revoked at once."""
    user = accounts.store.user(user_id)
    if user is None:
        raise NotFoundError(
            f"Compte inconnu : {user_id}", f"Unknown account: {user_id}", where="user_id"
        )
    return user_view(accounts.disable(user.email))
