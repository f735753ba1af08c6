"""A tiny stand-in for the web server, for the browser tests: the page's static files, one
route per report, and the same strict headers (CSP `default-src 'self'`, no inline script or
style), so a page that breaks the policy fails here too. The real server adds worker pools,
deadlines and limits; this one only runs reports in a thread."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import calcml.interfaces as interfaces_package
from calcml.interfaces.reports import REPORTS

STATIC = Path(interfaces_package.__file__).parent / "web" / "static"
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")  # fmt: skip


async def _report(request: Request) -> JSONResponse:
    report = REPORTS.get(request.path_params["name"])
    if report is None:
        return JSONResponse({"error": "no such report"}, 404)
    try:
        body = await run_in_threadpool(report.build, dict(request.query_params))
    except Exception as exc:  # the real server maps each error type to a status
        return JSONResponse({"error": str(exc).splitlines()[0] if str(exc) else "error"}, 400)
    return JSONResponse(body)


async def _index(request: Request) -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


def _headers(app):  # ASGI middleware: the security headers on every response
    async def wrapped(scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [(b"content-security-policy", CSP.encode()),
                                       (b"x-content-type-options", b"nosniff")]  # fmt: skip
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def create_page_app():
    routes = [Route("/", _index), Route("/api/{name}", _report, methods=["GET"]),
              Mount("/static", StaticFiles(directory=STATIC))]  # fmt: skip
    return _headers(Starlette(routes=routes))


class PageServer:
    """uvicorn on a free loopback port, in a thread; `url` once started."""

    def __init__(self, app=None, lifespan: str = "off") -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app or create_page_app(), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan=lifespan)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> PageServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the page server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


if __name__ == "__main__":  # for looking at the page by hand
    with PageServer() as srv:
        print(srv.url, flush=True)
        while True:
            time.sleep(3600)
