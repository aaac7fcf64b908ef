"""What the API answers on the signed-in side: accounts and tokens, needs' life, introductions
and the queue (views of ``graph.usecases.desk``'s records)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.views import (
    LabPublic,
    NeedPublic,
    PairingPublic,
    ScopePublic,
    lab_public,
    need_public,
)
from graph.rules.accounts import Credential, Role, User
from graph.rules.workflow import Event, Introduction, NeedStatus, Status
from graph.usecases.desk import IntroductionRecord, NeedRecord


class TokenOut(BaseModel):
    """A bearer token (OAuth2): send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int | None = Field(None, description="secondes de validité / seconds valid")


class Me(BaseModel):
    """The signed-in account."""

    id: str
    email: str
    role: Role
    company_id: str | None
    lab_id: str | None


def me_view(user: User) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        role=user.role,
        company_id=user.company_id,
        lab_id=user.lab_id,
    )


class TokenInfo(BaseModel):
    """A personal token, without its secret."""

    id: str
    name: str
    created_at: str
    revoked: bool


def token_info(c: Credential) -> TokenInfo:
    return TokenInfo(id=c.id, name=c.name, created_at=c.created_at, revoked=c.revoked)


class PersonalTokenCreated(TokenInfo):
    """A new personal token: ``token`` is shown this once, never again."""

    token: str


class UserView(Me):
    """An account, as admins see it (never its password hash)."""

    disabled: bool
    demo: bool
    created_at: str


def user_view(user: User) -> UserView:
    return UserView(
        **me_view(user).model_dump(),
        disabled=user.disabled,
        demo=user.demo,
        created_at=user.created_at,
    )


class NeedWithdrawn(BaseModel):
    """A need withdrawn: its text is gone from the store."""

    id: str
    withdrawn: bool = True
    introductions_declined: int


class EventView(BaseModel):
    """A line of the audit trail (an SME sees neither notes nor actors)."""

    seq: int
    at: str
    from_status: Status | None
    to_status: Status
    actor: str | None = None
    note: str | None = None


class IntroductionView(BaseModel):
    """An introduction and its trail."""

    id: str
    need_id: str
    lab: LabPublic | None
    lab_id: str
    status: Status
    reason: str | None = None
    opened_at: str
    updated_at: str
    events: list[EventView]


def _event_view(e: Event, private: bool, emails: dict[str, str]) -> EventView:
    return EventView(
        seq=e.seq,
        at=e.at,
        from_status=e.from_status,
        to_status=e.to_status,
        actor=emails.get(e.actor, e.actor) if private else None,
        note=e.note if private else None,
    )


def introduction_view(r: IntroductionRecord, emails: dict[str, str]) -> IntroductionView:
    i: Introduction = r.introduction
    return IntroductionView(
        id=i.id,
        need_id=i.need_id,
        lab=lab_public(r.lab) if r.lab else None,
        lab_id=i.lab_id,
        status=i.status,
        reason=i.reason if r.private else None,
        opened_at=i.opened_at,
        updated_at=i.updated_at,
        events=[_event_view(e, r.private, emails) for e in r.events],
    )


class NeedDetail(BaseModel):
    """A need, its concepts and its introductions (the caller's view)."""

    need: NeedPublic
    introductions: list[IntroductionView]


class DeclinedLab(BaseModel):
    """A lab declined for the need (officers only), and why."""

    lab: LabPublic | None
    reason: str


class NeedPairingsView(BaseModel):
    """Labs for a stored need; ``declined`` lists the labs left out after a decline (shown to
    officers only)."""

    need: NeedPublic
    pairings: list[PairingPublic]
    scope: ScopePublic | None = None
    declined: list[DeclinedLab] = []


class QueueItem(BaseModel):
    """A need of the officers' queue."""

    need: NeedPublic
    status: NeedStatus
    suggestions: list[LabPublic]
    introductions: list[IntroductionView]


def need_detail(
    record: NeedRecord, intros: list[IntroductionRecord], emails: dict[str, str]
) -> NeedDetail:
    return NeedDetail(
        need=need_public(record), introductions=[introduction_view(r, emails) for r in intros]
    )
