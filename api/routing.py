"""The routes of an app, those of its included routers too."""

from __future__ import annotations

from starlette.routing import BaseRoute


def app_routes(app: object) -> list[BaseRoute]:
    """Every route of an app, those of its included routers too (FastAPI 0.165 keeps them
    behind one entry of ``app.routes`` per router; older versions copy them there)."""
    router = getattr(app, "router", app)
    routes: list[BaseRoute] = list(getattr(router, "routes", ()))
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before 0.165
        return routes
    return [context.original_route for context in iter_route_contexts(routes)]
