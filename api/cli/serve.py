"""``passerelle serve``: the API."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import StoreOpt, friendly, settings


@friendly
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute / listen address")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (défaut $PORT ou 8000)")] = None,
    store: StoreOpt = None,
) -> None:
    """Sert l'API sur http://127.0.0.1:8000 / serve the API (en production, il faut
    PASSERELLE_SECRET_KEY / in production, PASSERELLE_SECRET_KEY is required)."""
    config = settings(store)
    config.signing_key()  # in production without a strong secret key: exit 2, nothing started
    import uvicorn

    from api.main import create_app

    uvicorn.run(create_app(settings=config), host=host, port=port or config.port)


def register(app: typer.Typer) -> None:
    app.command()(serve)
