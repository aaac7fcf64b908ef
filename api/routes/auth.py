"""Signing in and out: bearer tokens for the API, the session cookie for the web pages,
personal tokens for scripts and notebooks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import AccountsDep, PrincipalDep
from api.errors.body import BODY_ERRORS, error_responses
from api.errors.handlers import require_json
from api.schemas.desk import Me, PersonalTokenCreated, TokenInfo, TokenOut, me_view, token_info
from api.schemas.requests import PersonalTokenCreate, TokenId
from api.security import CSRF_COOKIE, SESSION_COOKIE, client_of
from api.web.i18n import LANG_COOKIE, lang_of, translator
from api.web.pages import safe_next
from api.web.render import page
from graph.errors import NotFoundError
from graph.rules.accounts import LIFETIMES
from graph.rules.input import MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS
from graph.usecases.auth import AuthError, TooManyAttempts

router = APIRouter(tags=["auth"])


def _secure(request: Request) -> bool:
    """Cookies only over HTTPS in production (and whenever the request came over HTTPS)."""
    return bool(request.app.state.settings.production) or request.url.scheme == "https"


@router.post("/api/auth/token", responses=error_responses(401, 429, *BODY_ERRORS))
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, accounts: AccountsDep
) -> TokenOut:
    """Sign in with an email (``username``) and a password (OAuth2 password form): an access
    token valid one hour. The answer to a wrong password or an unknown account is the same."""
    user = accounts.sign_in(form.username, form.password, client_of(request))
    secret, _ = accounts.issue(user, "access")
    life = LIFETIMES["access"]
    return TokenOut(access_token=secret, expires_in=int(life.total_seconds()) if life else None)


@router.post("/api/auth/logout", status_code=204, responses=error_responses(401))
def logout(who: PrincipalDep, accounts: AccountsDep, response: Response) -> None:
    """Revoke the credential this request was made with (token or session)."""
    if who.credential is not None:
        accounts.store.revoke_credential(who.credential.id)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/api/me", responses=error_responses(401))
def me(who: PrincipalDep) -> Me:
    """The signed-in account."""
    assert who.user is not None
    return me_view(who.user)


@router.get("/api/me/tokens", responses=error_responses(401))
def my_tokens(who: PrincipalDep, accounts: AccountsDep) -> list[TokenInfo]:
    """The caller's personal tokens (never their secrets)."""
    assert who.user is not None
    return [token_info(c) for c in accounts.tokens(who.user)]


@router.post(
    "/api/me/tokens",
    status_code=201,
    responses=error_responses(401, *BODY_ERRORS),
    dependencies=[Depends(require_json)],
)
def create_token(
    body: PersonalTokenCreate, who: PrincipalDep, accounts: AccountsDep
) -> PersonalTokenCreated:
    """A personal token for scripts and notebooks: its secret is in this answer only."""
    assert who.user is not None
    secret, credential = accounts.issue(who.user, "personal", body.name)
    return PersonalTokenCreated(**token_info(credential).model_dump(), token=secret)


@router.delete("/api/me/tokens/{token_id}", status_code=204, responses=error_responses(401, 404))
def revoke_token(token_id: TokenId, who: PrincipalDep, accounts: AccountsDep) -> None:
    """Revoke one of the caller's personal tokens."""
    assert who.user is not None
    if not any(c.id == token_id for c in accounts.tokens(who.user)) or not accounts.revoke(
        who.user, token_id
    ):
        raise NotFoundError(
            f"Jeton inconnu ou déjà révoqué : {token_id}",
            f"Unknown or already revoked token: {token_id}",
            where="token_id",
        )


# -- the web pages' session ------------------------------------------------------------------
def form_token(request: Request, nonce: str) -> str:
    """The sign-in form's CSRF token: the cookie's nonce signed with the secret key (a
    signed double-submit cookie: who can set a cookie cannot make the matching token)."""
    key: str = request.app.state.signing_key
    return hmac.new(key.encode(), nonce.encode(), hashlib.sha256).hexdigest()


def _fresh_form(
    request: Request, email: str = "", error: str = "", status: int = 200, next: str = "/"
) -> HTMLResponse:
    """The sign-in page with a new nonce in its cookie and the matching token in its form."""
    nonce = secrets.token_urlsafe(32)
    shown = page(
        request,
        "login.html",
        status,
        form_token=form_token(request, nonce),
        email=email,
        error=error,
        next=safe_next(next),
    )
    shown.set_cookie(
        CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=_secure(request), path="/auth"
    )
    return shown


@router.get("/auth/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    """The sign-in form (its CSRF token matches a nonce in a cookie: the form sends both)."""
    return _fresh_form(request, next=next)


@router.post("/auth/login", include_in_schema=False)
def login(
    request: Request,
    accounts: AccountsDep,
    username: Annotated[str, Form(max_length=MAX_EMAIL_CHARS)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD_CHARS)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    """Check the form's CSRF token and the password; on success a server-side session in an
    HTTP-only, SameSite cookie, and back to the home page."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    expected = form_token(request, nonce) if nonce else ""
    t = translator(lang_of(request.cookies.get(LANG_COOKIE)))
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        return _fresh_form(request, username, t("login.expired"), 403, next)
    try:
        user = accounts.sign_in(username, password, client_of(request))
    except (AuthError, TooManyAttempts) as e:
        throttled = isinstance(e, TooManyAttempts)
        message = t("login.throttled") if throttled else t("login.failed")
        return _fresh_form(request, username, message, 429 if throttled else 401, next)
    secret, _ = accounts.issue(user, "session")
    done = RedirectResponse(safe_next(next), status_code=303)
    life = LIFETIMES["session"]
    done.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(life.total_seconds()) if life else None,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    done.delete_cookie(CSRF_COOKIE, path="/auth")
    return done


@router.post("/auth/logout", include_in_schema=False)
def web_logout(who: PrincipalDep, accounts: AccountsDep) -> Response:
    """Sign out: the session is revoked on the server (its cookie is worth nothing after)."""
    if who.credential is not None and who.credential.kind == "session":
        accounts.store.revoke_credential(who.credential.id)
    done = RedirectResponse("/auth/login", status_code=303)
    done.delete_cookie(SESSION_COOKIE, path="/")
    return done
