"""The FastAPI application: create_app() and the lifespan (errors: see ``api.errors``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from api import errors
from api.routes import concepts, health, labs, match, needs
from graph.service import PairingService
from graph.settings import Settings, load_settings


def create_app(
    service: PairingService | None = None, *, settings: Settings | None = None
) -> FastAPI:
    """The API; with no ``service`` given, the lifespan opens the store ``settings`` name (read
    from the environment and ``.env`` when not given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if service is not None:
            app.state.service = service
            yield
            return
        from api.factory import build_service, open_store

        config = settings or load_settings()
        with open_store(config) as store:
            app.state.service = built = build_service(store, server=True, settings=config)
            # the snapshot (index, extractor...) is built beside the first requests, not by one
            # of them: /health/ready answers 200 once a match can be served
            built.warm_in_background()
            yield

    app = FastAPI(
        title="Passerelle",
        description=(
            "Passerelle rapproche les laboratoires de l'Université de Lorraine et les besoins des "
            "PME industrielles, avec des explications. / Pairs Université de Lorraine labs with "
            "industrial SMEs' needs, with explanations."
        ),
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    for module in (health, match, needs, labs, concepts):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
