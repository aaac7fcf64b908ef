"""The FastAPI application: create_app() and the lifespan (errors: see ``api.errors``; who may
call what: ``api.security``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api import security
from api.errors.handlers import install as install_errors
from api.routes import auth, concepts, health, introductions, labs, match, needs, users
from api.settings import Settings, load_settings
from api.web import needs as need_pages
from api.web import officer as officer_pages
from api.web import pages
from api.web.render import STATIC, error_page
from graph.usecases.auth import Accounts, Throttle
from graph.usecases.desk import Desk
from graph.usecases.pairing import PairingService


def _attach(app: FastAPI, service: PairingService, config: Settings) -> None:
    """The use cases the routes reach through ``app.state``, over one service and store."""
    app.state.service = service
    app.state.desk = Desk(service)
    app.state.accounts = Accounts(service.store, production=config.production)


def create_app(
    service: PairingService | None = None, *, settings: Settings | None = None
) -> FastAPI:
    """The API; with no ``service`` given, the lifespan opens the store ``settings`` name (read
    from the environment and ``.env`` when not given).

    Raises
    ------
    InputError
        In production without a strong secret key (``Settings.signing_key``).
    """
    config = settings or load_settings()
    signing_key = config.signing_key()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            yield
            return
        from api.factory import build_service, open_store

        with open_store(config) as store:
            built = build_service(store, server=True, settings=config)
            _attach(app, built, config)
            # the snapshot (index, extractor...) is built beside the first requests, not by one
            # of them: /health/ready answers 200 once a match can be served
            built.warm_in_background()
            yield

    app = FastAPI(
        title="Passerelle",
        description=(
            "Passerelle rapproche les laboratoires de l'Université de Lorraine et les besoins des "
            "PME industrielles, avec des explications. / Pairs Université de Lorraine labs with "
            "industrial SMEs' needs, with explanations.\n\n"
            "Accès : laboratoires, concepts et `POST /api/match` sans compte ; le reste avec un "
            "jeton (`POST /api/auth/token`). / Labs, concepts and `POST /api/match` need no "
            "account; the rest a token (`POST /api/auth/token`)."
        ),
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(security.enforce)],
    )
    app.state.settings = config
    app.state.signing_key = signing_key
    app.state.match_throttle = Throttle(config.match_per_minute, 60.0)
    if service is not None:
        _attach(app, service, config)
    app.state.error_page = error_page  # errors of web pages are pages (``api.errors``)
    install_errors(app)
    for module in (health, match, auth, needs, labs, concepts, introductions, users):
        app.include_router(module.router)
    for module in (pages, need_pages, officer_pages):
        app.include_router(module.router)
    # the pages' style sheet and script, public, served by the app itself (no CDN)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    security.document(app)
    return app
