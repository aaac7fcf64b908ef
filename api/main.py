"""The FastAPI application: create_app(), the lifespan and the error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse

from api.routes import concepts, health, labs, match, needs
from graph.errors import (
    ExtractionError,
    InputError,
    NotFoundError,
    PasserelleError,
    StoreUnavailable,
)
from graph.service import PairingService
from graph.settings import Settings, load_settings

_STATUS: list[tuple[type[PasserelleError], int]] = [
    (InputError, 422),
    (ExtractionError, 422),
    (NotFoundError, 404),
    (StoreUnavailable, 503),
]


def _error(status: int, code: str, fr: str, en: str, where: str | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": code, "message": fr, "message_en": en, "where": where},
    )


async def _on_passerelle_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PasserelleError)
    status = next((s for kind, s in _STATUS if isinstance(exc, kind)), 500)
    return _error(status, exc.code, exc.message_fr, exc.message_en, exc.where)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        pos = next((e["loc"][-1] for e in errors if e.get("type") == "json_invalid"), "?")
        return _error(
            400,
            "invalid_json",
            f"Le corps de la requête n'est pas un JSON valide (position {pos}).",
            f"The request body is not valid JSON (position {pos}).",
            "body",
        )
    parts_fr, parts_en, where = [], [], []
    for e in errors:
        loc = ".".join(str(p) for p in e["loc"] if p != "body") or "body"
        where.append(loc)
        kind = e.get("type", "")
        if kind == "missing":
            parts_fr.append(f"« {loc} » manque")
            parts_en.append(f"'{loc}' is missing")
        elif kind == "extra_forbidden":
            parts_fr.append(f"« {loc} » n'est pas un champ attendu")
            parts_en.append(f"'{loc}' is not an expected field")
        else:
            parts_fr.append(f"« {loc} » invalide ({e.get('msg')})")
            parts_en.append(f"'{loc}' is invalid ({e.get('msg')})")
    return _error(
        422,
        "invalid_input",
        "Requête invalide : " + " ; ".join(parts_fr) + ".",
        "Invalid request: " + "; ".join(parts_en) + ".",
        ", ".join(where),
    )


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
    app.add_exception_handler(PasserelleError, _on_passerelle_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    for module in (health, match, needs, labs, concepts):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
