"""REST routes under ``/api/v10``. Paths no route matches are recorded as violations by the middleware."""

from aiohttp import web

from . import application, channels, guilds, interactions


def setup_routes(app: web.Application) -> None:
    for module in (application, interactions, channels, guilds):
        app.router.add_routes(module.routes)
