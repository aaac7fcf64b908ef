"""Account use cases: create and disable accounts, sign in, issue and check credentials.

Shared by the API (sign-in, bearer tokens, sessions) and the command line (``passerelle users``,
``passerelle tokens``). Sign-in attempts are limited per account name and per client; the
answer to a wrong password, an unknown account, a disabled one and a throttled one says the
same thing, so that it never tells whether an account exists.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from graph.errors import ConflictError, InputError, PasserelleError
from graph.rules.accounts import (
    ROLES,
    Credential,
    CredentialKind,
    Principal,
    Role,
    User,
    digest,
    dummy_hash,
    hash_password,
    iso,
    new_credential,
    normalise_email,
    now,
    verify_password,
)
from graph.rules.identity import resolve_company
from graph.rules.input import (
    EMAIL_PATTERN,
    MAX_EMAIL_CHARS,
    MAX_PASSWORD_CHARS,
    check_password,
)
from graph.store.ports import Store
from graph.text import fold


def _name_key(name: str) -> str:
    return fold(re.sub(r"\(fictive\)", "", name, flags=re.IGNORECASE)).strip()


_EMAIL = re.compile(EMAIL_PATTERN)


class AuthError(PasserelleError):
    """Credentials that do not sign anyone in (wrong, unknown, expired, revoked, disabled)."""

    code = "unauthorized"


class TooManyAttempts(PasserelleError):
    """Too many requests or sign-in attempts from one client or for one account."""

    code = "too_many_requests"

    def __init__(self, retry_after: int, message_fr: str, message_en: str) -> None:
        super().__init__(message_fr, message_en)
        self.retry_after = retry_after


class Throttle:
    """At most ``limit`` events per key in any ``window`` seconds (a sliding window kept in
    memory: one process's count; a deployment with several processes counts in each)."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        cutoff = self.clock() - self.window
        events = self._events.setdefault(key, deque())
        while events and events[0] <= cutoff:
            events.popleft()
        return events

    def blocked_for(self, key: str) -> int:
        """Seconds until ``key`` may act again (0: now)."""
        with self._lock:
            events = self._recent(key)
            if len(events) < self.limit:
                return 0
            return max(1, int(events[0] + self.window - self.clock()) + 1)

    def hit(self, key: str) -> None:
        """Count one event of ``key``."""
        with self._lock:
            self._recent(key).append(self.clock())
            if len(self._events) > 100_000:  # forget idle keys rather than grow without bound
                for k in [k for k, v in self._events.items() if not v]:
                    del self._events[k]

    def take(self, key: str) -> int:
        """Count one event unless ``key`` is over its limit: 0 when counted, else the seconds
        to wait."""
        with self._lock:
            events = self._recent(key)
            if len(events) >= self.limit:
                return max(1, int(events[0] + self.window - self.clock()) + 1)
            events.append(self.clock())
            return 0

    def forget(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


def _bad_credentials() -> AuthError:
    return AuthError(
        "Adresse ou mot de passe incorrect.",
        "Wrong email or password.",
        where="password",
    )


@dataclass
class SignInLimits:
    """Failed sign-ins allowed per account name and per client in ``window`` seconds."""

    per_account: int = 5
    per_client: int = 20
    window: float = 15 * 60


class Accounts:
    """Accounts over a store.

    Parameters
    ----------
    store : Store
    production : bool
        Demo accounts (``User.demo``) cannot sign in.
    limits : SignInLimits, optional
    clock : callable, optional
        For the throttles (``time.monotonic``).
    """

    def __init__(
        self,
        store: Store,
        *,
        production: bool = False,
        limits: SignInLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.production = production
        limits = limits or SignInLimits()
        self._per_account = Throttle(limits.per_account, limits.window, clock)
        self._per_client = Throttle(limits.per_client, limits.window, clock)
        dummy_hash()  # the first unknown account is checked as fast as the next ones

    # -- accounts ---------------------------------------------------------------------------
    def add_user(
        self,
        email: str,
        role: str,
        password: str,
        *,
        company: str | None = None,
        lab_id: str | None = None,
        demo: bool = False,
    ) -> User:
        """A new account (InputError when the email is taken or a field is wrong). An ``sme``
        needs its company (found by name, created when unknown); ``lab_id`` must be a lab."""
        email = normalise_email(email)
        if not _EMAIL.fullmatch(email):
            raise InputError(
                f"Adresse électronique invalide : {email}", f"Invalid email: {email}", where="email"
            )
        if role not in ROLES:
            raise InputError(
                f"Rôle inconnu : {role} (choix : {', '.join(ROLES)})",
                f"Unknown role: {role} (choices: {', '.join(ROLES)})",
                where="role",
            )
        check_password(password)
        if self.store.user_by_email(email) is not None:
            raise ConflictError(
                f"Un compte existe déjà pour {email}.",
                f"An account exists already for {email}.",
                where="email",
            )
        company_id = None
        if role == "sme":
            if not company or not company.strip():
                raise InputError(
                    "Un compte PME appartient à une entreprise : donnez son nom (--company).",
                    "An SME account belongs to a company: give its name (--company).",
                    where="company",
                )
            company_id = self._company_id(company)
        elif company:
            raise InputError(
                "Seul un compte PME appartient à une entreprise.",
                "Only an SME account belongs to a company.",
                where="company",
            )
        if lab_id is not None:
            if role != "researcher":
                raise InputError(
                    "Seul un compte chercheur appartient à un laboratoire.",
                    "Only a researcher account belongs to a lab.",
                    where="lab",
                )
            if self.store.lab(lab_id) is None:
                raise InputError(
                    f"Laboratoire inconnu : {lab_id}", f"Unknown lab: {lab_id}", where="lab"
                )
        user = User(
            id="user-" + secrets.token_hex(8),
            email=email,
            role=role_of(role),
            password_hash=hash_password(password),
            company_id=company_id,
            lab_id=lab_id,
            demo=demo,
            created_at=iso(now()),
        )
        self.store.upsert_user(user)
        return user

    def _company_id(self, company: str) -> str:
        """The company an SME account belongs to: the one of this id, else the one of this
        name (accents, case and a « (fictive) » mark ignored) when only one has it, else a
        new company of this name."""
        company = company.strip()
        if self.store.company(company) is not None:
            return company
        key = _name_key(company)
        named = [c.id for c in self.store.companies() if _name_key(c.name) == key]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise InputError(
                f"Plusieurs entreprises s'appellent « {company} » : donnez son identifiant "
                f"({', '.join(sorted(named)[:5])}).",
                f"Several companies are named '{company}': give its id "
                f"({', '.join(sorted(named)[:5])}).",
                where="company",
            )
        company_id, new_company = resolve_company(company, None, None, self.store.company)
        if new_company is not None:
            self.store.upsert_company(new_company)
        return company_id

    def users(self) -> list[User]:
        """Every account, by email."""
        return self.store.users()

    def find(self, email: str) -> User:
        """The account of ``email`` (InputError when there is none: for the command line)."""
        user = self.store.user_by_email(normalise_email(email))
        if user is None:
            raise InputError(
                f"Aucun compte pour {email}.", f"No account for {email}.", where="email"
            )
        return user

    def disable(self, email: str) -> User:
        """Disable an account and revoke its sessions and tokens."""
        user = self.find(email).model_copy(update={"disabled": True})
        self.store.upsert_user(user)
        self.store.revoke_credentials(user.id)
        return user

    def set_password(self, user: User, password: str) -> User:
        """A new password; every session and token of the account is revoked."""
        check_password(password)
        changed = user.model_copy(update={"password_hash": hash_password(password)})
        self.store.upsert_user(changed)
        self.store.revoke_credentials(user.id)
        return changed

    # -- signing in -------------------------------------------------------------------------
    def sign_in(self, email: str, password: str, client: str) -> User:
        """The account whose email and password these are; AuthError otherwise (the same for
        an unknown account), TooManyAttempts after too many failures for the account name or
        from the client."""
        email = normalise_email(email)
        account_key, client_key = f"account:{email}", f"client:{client}"
        wait = max(
            self._per_account.blocked_for(account_key), self._per_client.blocked_for(client_key)
        )
        if wait:
            raise TooManyAttempts(
                wait,
                f"Trop de tentatives de connexion : réessayez dans {wait} s.",
                f"Too many sign-in attempts: try again in {wait} s.",
            )
        user = self.store.user_by_email(email) if len(email) <= MAX_EMAIL_CHARS else None
        ok = verify_password(user.password_hash if user else None, password[:MAX_PASSWORD_CHARS])
        if not ok or user is None or not self._may_sign_in(user):
            self._per_account.hit(account_key)
            self._per_client.hit(client_key)
            raise _bad_credentials()
        self._per_account.forget(account_key)
        return user

    def _may_sign_in(self, user: User) -> bool:
        return not user.disabled and not (self.production and user.demo)

    def issue(self, user: User, kind: CredentialKind, name: str = "") -> tuple[str, Credential]:
        """A new session or token of ``user``: the secret (given once) and its record."""
        secret, credential = new_credential(user, kind, name.strip()[:100])
        self.store.add_credential(credential)
        return secret, credential

    def principal(self, secret: str, kinds: tuple[CredentialKind, ...]) -> Principal | None:
        """Who holds ``secret`` (a credential of one of ``kinds``, valid, of an account that
        may sign in); None otherwise."""
        if not secret or len(secret) > 200:
            return None
        credential = self.store.credential(digest(secret))
        if credential is None or credential.kind not in kinds or not credential.valid_at(now()):
            return None
        user = self.store.user(credential.user_id)
        if user is None or not self._may_sign_in(user):
            return None
        return Principal(user, credential)

    def revoke(self, user: User, credential_id: str) -> bool:
        """Revoke one of ``user``'s own credentials; False when it has none of that id."""
        if not any(c.id == credential_id for c in self.store.credentials(user.id)):
            return False
        return self.store.revoke_credential(credential_id)

    def tokens(self, user: User) -> list[Credential]:
        """``user``'s personal tokens."""
        return [c for c in self.store.credentials(user.id) if c.kind == "personal"]


def role_of(value: str) -> Role:
    """``value`` as a role (InputError when it is none)."""
    if value not in ROLES:
        raise InputError(
            f"Rôle inconnu : {value} (choix : {', '.join(ROLES)})",
            f"Unknown role: {value} (choices: {', '.join(ROLES)})",
            where="role",
        )
    return value
