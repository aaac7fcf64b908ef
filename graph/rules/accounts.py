"""Accounts, their credentials and who may read what.

Roles: ``sme`` (a member of one company), ``officer`` (a tech-transfer officer), ``researcher``
(reads labs and the needs shared with research; optionally a member of one lab), ``admin``
(manages accounts). Without an account a client is ``anonymous``.

Passwords are hashed with argon2id (``argon2-cffi``); credentials (web sessions, API access
tokens, personal tokens) are random strings of 256 bits given once to their owner and stored
only as their SHA-256 digest, so that a copy of the store lets nobody sign in.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field

from graph.model import Frozen, Need

Role = Literal["sme", "officer", "researcher", "admin"]
ROLES: tuple[Role, ...] = ("sme", "officer", "researcher", "admin")
CredentialKind = Literal["session", "access", "personal"]
"""``session``: a web page's sign-in (cookie); ``access``: a bearer token from
``POST /api/auth/token``; ``personal``: a long-lived token for scripts and notebooks."""

LIFETIMES: dict[CredentialKind, timedelta | None] = {
    "session": timedelta(hours=12),
    "access": timedelta(hours=1),
    "personal": None,
}
"""How long each kind of credential is valid (personal tokens: until revoked)."""
TOKEN_PREFIX: dict[CredentialKind, str] = {"session": "pss_", "access": "psa_", "personal": "psp_"}
"""Prefixes that tell a credential's kind at a glance (and to secret scanners)."""

_hasher = PasswordHasher()  # argon2id, the library's (RFC 9106 low-memory) parameters


@functools.cache
def dummy_hash() -> str:
    """The hash checked for an unknown account: made once per process when first needed (a
    sign-in service makes it when it starts: ``graph.usecases.auth.Accounts``), not at import."""
    return _hasher.hash("passerelle: a password that nobody has")


class User(Frozen):
    """An account."""

    id: str
    email: str
    """Lower-cased: the sign-in name."""
    role: Role
    password_hash: str = Field(repr=False)
    """argon2id; never shown (not even in a repr)."""
    company_id: str | None = None
    """The company an ``sme`` account belongs to."""
    lab_id: str | None = None
    """The lab a ``researcher`` belongs to, when given."""
    disabled: bool = False
    demo: bool = False
    """Created by the demo set-up: refused in production."""
    created_at: str = ""


class Credential(Frozen):
    """A session or a token, stored as the digest of the secret its owner holds."""

    id: str
    user_id: str
    kind: CredentialKind
    digest: str
    name: str = ""
    created_at: str
    expires_at: str | None = None
    revoked: bool = False
    csrf: str = ""
    """For a session: the token every form it posts must carry."""

    def valid_at(self, when: datetime) -> bool:
        """Neither revoked nor expired at ``when``."""
        if self.revoked:
            return False
        return self.expires_at is None or datetime.fromisoformat(self.expires_at) > when


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    """``when`` as ISO 8601 text, to the second."""
    return when.astimezone(UTC).isoformat(timespec="seconds")


def normalise_email(email: str) -> str:
    """The sign-in name: trimmed and lower-cased."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; without a hash (unknown account), one
    hash is still verified, so that the answer takes as long and tells nothing."""
    try:
        return _hasher.verify(password_hash or dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_secret(kind: CredentialKind) -> str:
    """A fresh credential secret (256 random bits), prefixed by its kind."""
    return TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps of a credential secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_credential(
    user: User, kind: CredentialKind, name: str = "", at: datetime | None = None
) -> tuple[str, Credential]:
    """A new credential of ``user``: the secret to hand over once, and what to store."""
    at = at or now()
    secret = new_secret(kind)
    life = LIFETIMES[kind]
    credential = Credential(
        id=secrets.token_hex(8),
        user_id=user.id,
        kind=kind,
        digest=digest(secret),
        name=name,
        created_at=iso(at),
        expires_at=iso(at + life) if life else None,
        csrf=secrets.token_urlsafe(32) if kind == "session" else "",
    )
    return secret, credential


# -- who may read what -----------------------------------------------------------------------
@dataclass(frozen=True)
class Principal:
    """Who makes a request: an account, or nobody (``user`` None)."""

    user: User | None = None
    credential: Credential | None = None

    @property
    def role(self) -> Role | Literal["anonymous"]:
        return self.user.role if self.user else "anonymous"

    @property
    def company_id(self) -> str | None:
        return self.user.company_id if self.user and self.user.role == "sme" else None

    @property
    def is_officer(self) -> bool:
        return self.role == "officer"

    def owns(self, need: Need) -> bool:
        """An SME account of the need's company."""
        return self.company_id is not None and self.company_id == need.company_id


ANONYMOUS = Principal()


def can_read_need(who: Principal, need: Need) -> bool:
    """Officers read every need; an SME its company's and the public ones; a researcher the
    anonymous and public ones; anonymous clients and admins none (admins manage accounts)."""
    if who.is_officer or who.owns(need):
        return True
    if who.role == "sme":
        return need.visibility == "public"
    if who.role == "researcher":
        return need.visibility in ("anonymous", "public")
    return False


def shows_company(who: Principal, need: Need) -> bool:
    """Whether ``who`` may know which company a need it reads belongs to."""
    return who.is_officer or who.owns(need) or need.visibility == "public"


def can_change_need(who: Principal, need: Need) -> bool:
    """The need's company (its SME accounts) and officers may edit or withdraw it."""
    return who.is_officer or who.owns(need)
