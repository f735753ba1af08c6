"""The Starlette app: the page at `/`, its files at `/static/...`, one report per `/api/NAME`.

`GET /api/diff?expr=x^2&at=3` and `POST /api/diff` with `{"expr": "x^2", "at": "3"}` call the same
report with the same text parameters, as `calcml diff "x^2" --at 3 --json` does, and answer the
very JSON it prints. Errors are JSON `{"error": one line, ...}`; `errors.py` lists the statuses.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from calcml.interfaces.reports import REPORTS, Report
from calcml.interfaces.web.security import SECURITY_HEADERS, Guard
from calcml.interfaces.web.settings import ServerSettings
from calcml.interfaces.web.workers import Lanes, Outcome

log = logging.getLogger("calcml.web")
STATIC = Path(str(files("calcml.interfaces.web") / "static"))
MAX_PARAMS = 32


def create_app(settings: ServerSettings | None = None,
               reports: Mapping[str, Report] | None = None) -> Starlette:  # fmt: skip
    """The web app; its worker pools start with the app's lifespan and stop with it.

    Arguments:
        settings: limits, pool sizes and host names (defaults: those of `calcml serve`).
        reports: name -> Report served at /api/NAME (default: every report calcml has).

    >>> app = create_app()
    >>> sorted(route.path for route in app.routes)[:2]
    ['/', '/api/{name}']
    """
    settings = settings or ServerSettings()
    served = REPORTS if reports is None else reports

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        lanes = Lanes(settings)
        app.state.lanes = lanes
        try:
            await lanes.start()
            yield
        finally:
            lanes.stop()

    async def api(request: Request) -> Response:
        report = served.get(request.path_params["name"])
        if report is None:
            return _error(404, f"no report named {request.path_params['name']!r}"[:120])
        params = await _params(request, settings.max_body)
        if isinstance(params, Response):
            return params
        outcome = await request.app.state.lanes.run(report.lane, report.build, params)
        return _response(outcome, report.name)

    routes = [
        Route("/", _index, methods=["GET", "HEAD"]),
        Route("/favicon.ico", _no_icon, methods=["GET", "HEAD"]),
        Route("/api/{name}", api, methods=["GET", "HEAD", "POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: _not_found, 405: _not_allowed,
                                        500: _internal})  # fmt: skip
    app.add_middleware(Guard, settings=settings)
    return app


async def _params(request: Request, max_body: int) -> dict[str, str] | Response:
    """The request's parameters as text: the query string, or a JSON object in a POST body."""
    if request.method != "POST":
        query = request.query_params
        if len(query) > MAX_PARAMS:
            return _error(400, f"more than {MAX_PARAMS} parameters")
        return {key: query[key] for key in query}
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_body:
            return _error(413, f"request body over {max_body} bytes")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        return _error(400, "the body is not JSON; send an object of text parameters")
    return _text_params(data)


def _text_params(data: object) -> dict[str, str] | Response:
    """A JSON object's values as text, as the command line would give them (numbers as typed)."""
    if not isinstance(data, dict) or len(data) > MAX_PARAMS:
        return _error(400, f"send a JSON object of at most {MAX_PARAMS} text parameters")
    params: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            params[key] = str(value)
        elif value is not None:
            return _error(400, f"parameter {key[:40]!r} must be text or a number")
    return params


def _response(outcome: Outcome, name: str) -> Response:
    if outcome.log:
        log.error("report %s answered %d:\n%s", name, outcome.status, outcome.log)
    headers = {"cache-control": "no-store"}
    if outcome.retry_after is not None:
        headers["retry-after"] = str(outcome.retry_after)
    return Response(outcome.body, outcome.status, headers, media_type="application/json")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status)


async def _index(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", media_type="text/html")


async def _no_icon(request: Request) -> Response:
    return Response(status_code=204)


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, "not found")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _error(405, "method not allowed")


async def _internal(request: Request, exc: Exception) -> Response:
    """Starlette answers this outside every middleware, so it carries the headers itself."""
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
    return JSONResponse({"error": "internal error; the server log has the details"}, 500, headers)
