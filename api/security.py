"""Who makes a request, and whether its role may use the route: the one place of both.

Credentials: a bearer token (``Authorization: Bearer …``: an access token from
``POST /api/auth/token`` or a personal token) or the web pages' session cookie. A request made
with the session cookie that changes something (any method but GET, HEAD, OPTIONS) must also
carry the session's CSRF token, in the ``X-CSRF-Token`` header or the form's ``csrf_token``
field; bearer tokens are not sent by browsers on their own, so they need none.

Policies: :data:`POLICIES` names, for every route of the app (method and path), who may call
it: ``public`` (anyone, signed in or not) or a set of roles. :func:`enforce` runs before every
route (an app-wide dependency) and answers 401 without valid credentials, 403 for a role the
policy does not name; a route missing from the table answers 500 (and
``tests/integration/test_authorization.py`` fails). What depends on the object asked for (a
need of another company: 404) is decided by ``graph.usecases.desk``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from starlette.routing import BaseRoute, Route

from api.routing import app_routes
from graph.errors import ForbiddenError, PasserelleError
from graph.rules.accounts import ANONYMOUS, ROLES, Principal, Role
from graph.usecases.auth import Accounts, AuthError, Throttle, TooManyAttempts

SESSION_COOKIE = "passerelle_session"
CSRF_COOKIE = "passerelle_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = OAuth2PasswordBearer(
    tokenUrl="/api/auth/token",
    auto_error=False,
    description="Jeton d'accès (POST /api/auth/token) ou jeton personnel / access or personal "
    "token",
)


@dataclass(frozen=True)
class Policy:
    """Who may call a route: anyone (``public``) or the accounts of ``roles``."""

    roles: frozenset[Role] = frozenset()
    public: bool = False
    limited: bool = False
    """Rate-limited per client (429 with Retry-After)."""
    matches: bool = False
    """Counted against ``PASSERELLE_MATCH_PER_MINUTE`` (the free match, API or page)."""

    def admits(self, who: Principal) -> bool:
        return self.public or (who.user is not None and who.user.role in self.roles)


PUBLIC = Policy(public=True)
SIGNED_IN = Policy(frozenset(ROLES))


def only(*roles: Role) -> Policy:
    return Policy(frozenset(roles))


READERS = only("sme", "officer", "researcher")
"""Those who read needs (each the ones it may: ``graph.rules.accounts.can_read_need``)."""

POLICIES: dict[tuple[str, str], Policy] = {
    # health, documentation, the public side: labs, concepts, a free-text match
    ("GET", "/"): PUBLIC,
    ("GET", "/health"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("POST", "/api/match"): Policy(public=True, limited=True, matches=True),
    ("GET", "/api/labs"): PUBLIC,
    ("GET", "/api/labs/{lab_id}"): PUBLIC,
    ("GET", "/api/concepts"): PUBLIC,
    # signing in and out
    ("POST", "/api/auth/token"): Policy(public=True, limited=True),
    ("POST", "/api/auth/logout"): SIGNED_IN,
    ("GET", "/auth/login"): PUBLIC,
    ("POST", "/auth/login"): Policy(public=True, limited=True),
    ("POST", "/auth/logout"): PUBLIC,
    ("GET", "/api/me"): SIGNED_IN,
    ("GET", "/api/me/tokens"): SIGNED_IN,
    ("POST", "/api/me/tokens"): SIGNED_IN,
    ("DELETE", "/api/me/tokens/{token_id}"): SIGNED_IN,
    # needs
    ("GET", "/api/needs"): READERS,
    ("POST", "/api/needs"): only("sme", "officer"),
    ("GET", "/api/needs/{need_id}"): READERS,
    ("PATCH", "/api/needs/{need_id}"): only("sme", "officer"),
    ("DELETE", "/api/needs/{need_id}"): only("sme", "officer"),
    ("GET", "/api/needs/{need_id}/pairings"): READERS,
    ("GET", "/api/labs/{lab_id}/opportunities"): only("officer", "researcher"),
    # the introduction workflow
    ("GET", "/api/queue"): only("officer"),
    ("POST", "/api/introductions"): only("officer"),
    ("GET", "/api/introductions"): only("officer", "sme"),
    ("GET", "/api/introductions/{introduction_id}"): only("officer", "sme"),
    ("POST", "/api/introductions/{introduction_id}/transitions"): only("officer"),
    ("POST", "/api/introductions/{introduction_id}/notes"): only("officer"),
    ("GET", "/api/exports/introductions.csv"): only("officer"),
    # web pages (api/web): the same rules as the API's routes
    ("POST", "/try"): Policy(public=True, limited=True, matches=True),
    ("GET", "/lang/{code}"): PUBLIC,
    ("GET", "/concepts"): PUBLIC,
    # -- needs pages (api/web/needs.py) --
    ("GET", "/needs"): READERS,
    ("GET", "/needs/new"): only("sme", "officer"),
    ("POST", "/needs/new"): only("sme", "officer"),
    ("GET", "/needs/{need_id}"): READERS,
    ("GET", "/needs/{need_id}/edit"): only("sme", "officer"),
    ("POST", "/needs/{need_id}/edit"): only("sme", "officer"),
    ("POST", "/needs/{need_id}/withdraw"): only("sme", "officer"),
    ("POST", "/needs/{need_id}/concepts"): only("sme", "officer"),
    ("POST", "/needs/{need_id}/concepts/{concept_id}/remove"): only("sme", "officer"),
    # (end of the needs pages)
    # -- officer, introduction and lab pages (api/web/officer.py) --
    ("GET", "/queue"): only("officer"),
    ("POST", "/introductions"): only("officer"),
    ("GET", "/introductions/{introduction_id}"): only("officer", "sme"),
    ("POST", "/introductions/{introduction_id}/move"): only("officer"),
    ("POST", "/introductions/{introduction_id}/notes"): only("officer"),
    ("GET", "/labs"): PUBLIC,
    ("GET", "/labs/{lab_id}"): PUBLIC,
    # (end of the officer pages)
    # accounts
    ("GET", "/api/users"): only("admin"),
    ("POST", "/api/users"): only("admin"),
    ("POST", "/api/users/{user_id}/disable"): only("admin"),
}


def route_key(route: BaseRoute, method: str) -> tuple[str, str]:
    return method, getattr(route, "path", "")


def route_methods(route: BaseRoute) -> list[str]:
    """The methods a route answers (HEAD left out: it follows GET)."""
    methods = getattr(route, "methods", None) or set()
    return sorted(m for m in methods if m != "HEAD")


def policy_of(request: Request) -> Policy | None:
    route = request.scope.get("route")
    if route is None:
        return None
    method = "GET" if request.method == "HEAD" else request.method
    return POLICIES.get(route_key(route, method))


def accounts_of(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def client_of(request: Request) -> str:
    """The client's address (behind a reverse proxy, uvicorn's --proxy-headers sets it)."""
    return request.client.host if request.client else "unknown"


async def _csrf_sent(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    return sent


async def current_principal(
    request: Request, token: Annotated[str | None, Depends(bearer)]
) -> Principal:
    """Who makes the request (once per request): the bearer token's account, else the
    session cookie's, else anonymous. Credentials that are given but not valid are a 401,
    not an anonymous request; a session's unsafe request without its CSRF token is a 403."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    accounts = accounts_of(request)
    who = ANONYMOUS
    if token is not None:
        found = accounts.principal(token, ("access", "personal"))
        if found is None:
            raise AuthError(
                "Jeton invalide, expiré ou révoqué.",
                "Invalid, expired or revoked token.",
                where="Authorization",
            )
        who = found
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        found = accounts.principal(cookie, ("session",))
        if found is not None:
            assert found.credential is not None
            if request.method not in SAFE_METHODS:
                sent = await _csrf_sent(request)
                if not hmac.compare_digest(sent.encode(), found.credential.csrf.encode()):
                    raise ForbiddenError(
                        "Jeton CSRF absent ou invalide : rechargez la page.",
                        "Missing or invalid CSRF token: reload the page.",
                        where=CSRF_FIELD,
                    )
            who = found
        # an expired or revoked session is an anonymous visit (the pages ask to sign in)
    request.state.principal = who
    return who


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def enforce(request: Request, who: PrincipalDep) -> None:
    """The route's policy (``POLICIES``), before the route runs."""
    policy = policy_of(request)
    if policy is None:
        raise PasserelleError(
            "Cette route n'a pas de règle d'accès déclarée.",
            "This route has no declared access policy.",
        )
    if policy.matches:
        throttle: Throttle = request.app.state.match_throttle
        key = who.user.id if who.user else f"client:{client_of(request)}"
        wait = throttle.take(key)
        if wait:
            raise TooManyAttempts(
                wait,
                f"Trop de requêtes : réessayez dans {wait} s.",
                f"Too many requests: try again in {wait} s.",
            )
    if policy.admits(who):
        return
    if who.user is None:
        raise AuthError(
            "Connexion requise : envoyez un jeton (Authorization: Bearer …) ou connectez-vous.",
            "Sign-in required: send a token (Authorization: Bearer …) or sign in.",
            where="Authorization",
        )
    raise ForbiddenError(
        f"Le rôle « {who.role} » n'a pas accès à cette route.",
        f"The role '{who.role}' may not use this route.",
    )


def document(app: FastAPI) -> None:
    """The OpenAPI document says, for each operation, who may call it (its description),
    what its policy may answer (401, 403, 429 with ``Retry-After``) and, for public ones, that
    a token is welcome but not required (the empty requirement ``{}``). Done on the document
    itself, whatever FastAPI's version does with the routes of included routers."""
    generate = app.openapi
    patched: set[int] = set()  # FastAPI caches the document: patch each one once

    def openapi() -> dict[str, Any]:
        doc = generate()
        if id(doc) in patched:
            return doc
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, item in doc.get("paths", {}).items():
            for method, op in item.items():
                policy = POLICIES.get((method.upper(), path))
                if policy is None:
                    continue
                answers = op.setdefault("responses", {})
                extra: dict[str, dict[str, Any]] = {
                    # a public route too refuses a token that is wrong, expired or revoked
                    "401": {
                        "description": "Connexion requise ou jeton invalide / sign-in required "
                        "or invalid token"
                    }
                }
                if not policy.public:
                    if policy.roles != frozenset(ROLES):
                        extra["403"] = {"description": "Rôle non autorisé / role not allowed"}
                if policy.limited:
                    extra["429"] = {
                        "description": "Trop de requêtes / too many requests",
                        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    }
                for status, answer in extra.items():
                    answers.setdefault(status, {**answer, "content": error})
                if policy.public:
                    op["security"] = [{}, *op.get("security", [])]
                who = "public" if policy.public else ", ".join(sorted(policy.roles))
                op["description"] = (op.get("description") or "") + f"\n\nAccès / access: {who}."
        patched.add(id(doc))
        return doc

    app.openapi = openapi  # type: ignore[method-assign]


def unprotected(app: FastAPI) -> list[str]:
    """Every method and path of the app without a declared policy (should be none)."""
    missing = []
    for route in app_routes(app):
        if not isinstance(route, APIRoute | Route):
            continue
        for method in route_methods(route):
            if route_key(route, method) not in POLICIES:
                missing.append(f"{method} {route.path}")
    return missing


def served(app: FastAPI) -> set[tuple[str, str]]:
    """Every method and path the app serves."""
    return {route_key(r, m) for r in app_routes(app) for m in route_methods(r)}
