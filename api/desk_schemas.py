"""Requests and views of accounts, needs' life and introductions (the signed-in side)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from api.schemas import (
    NAME_PATTERN,
    TEXT_PATTERN,
    LabPublic,
    NeedPublic,
    PairingPublic,
    ScopePublic,
    lab_public,
    need_public,
)
from graph.model import Visibility
from graph.rules.accounts import Credential, Role, User
from graph.rules.workflow import MAX_NOTE_CHARS, Event, Introduction, NeedStatus, Status
from graph.usecases.auth import EMAIL_PATTERN
from graph.usecases.desk import IntroductionRecord, NeedRecord
from graph.usecases.pairing import MAX_TEXT_CHARS, MAX_TITLE_CHARS

ID_PATTERN = r"^[A-Za-z0-9._:-]{1,100}$"
IntroductionId = Annotated[
    str,
    Path(max_length=100, pattern=ID_PATTERN, description="identifiant de l'introduction (intro-…)"),
]
TokenId = Annotated[
    str, Path(max_length=100, pattern=ID_PATTERN, description="identifiant du jeton")
]
UserId = Annotated[
    str, Path(max_length=100, pattern=ID_PATTERN, description="identifiant du compte (user-…)")
]
NOTE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class PersonalTokenCreate(_Request):
    """A personal token for scripts and notebooks."""

    name: str = Field(
        max_length=100, pattern=NAME_PATTERN, description="à quoi il sert / what it is for"
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


class UserCreate(_Request):
    """A new account (admins)."""

    email: str = Field(max_length=320, pattern=f"^{EMAIL_PATTERN}$")
    role: Role
    password: str = Field(min_length=12, max_length=1024)
    company: str | None = Field(None, max_length=200, pattern=NAME_PATTERN)
    lab_id: str | None = Field(None, max_length=100, pattern=ID_PATTERN)


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


class NeedEdit(_Request):
    """What to change in a need (fields left out stay)."""

    title: str | None = Field(None, max_length=MAX_TITLE_CHARS, pattern=TEXT_PATTERN)
    text: str | None = Field(None, max_length=MAX_TEXT_CHARS, pattern=TEXT_PATTERN)
    visibility: Visibility | None = None


class NeedWithdrawn(BaseModel):
    """A need withdrawn: its text is gone from the store."""

    id: str
    withdrawn: bool = True
    introductions_declined: int


class IntroductionCreate(_Request):
    """Open an introduction of a need's company to a lab."""

    need_id: str = Field(pattern=ID_PATTERN)
    lab_id: str = Field(pattern=ID_PATTERN)
    note: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)


class Transition(_Request):
    """Move an introduction: to its next step, or ``declined`` with a ``reason``."""

    to: Status
    note: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)
    reason: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)


class NoteCreate(_Request):
    """A note on an introduction's trail."""

    note: str = Field(min_length=1, max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)


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
