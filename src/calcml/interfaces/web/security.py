"""One middleware for every request: Host allowlist, strict headers, no cross-origin, size limits.

Why each check:
- Host allowlist: a DNS-rebinding page (evil.example resolving to 127.0.0.1) reaches the server
  with its own name in Host; only loopback names and the bound host are answered (421 otherwise).
- Content-Security-Policy `default-src 'self'` and no inline script: text typed by a user and
  shown by the page can never run as script, and nothing loads from another origin.
- No CORS: no Access-Control-Allow-Origin is ever sent; a request whose Origin is not this server
  (or that the browser marks cross-site) is refused with 403 before any computation.
- 64 kB bodies and 8 kB query strings: what a person types fits easily; a flood does not.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from calcml.interfaces.web.settings import ServerSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class Guard:
    """ASGI middleware applying the checks above, in order, and the headers to every answer."""

    def __init__(self, app: ASGIApp, settings: ServerSettings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await _answer(send, *refusal)
            return
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if not host:
            return 400, "missing Host header"
        if host_name(host) not in self.hosts:
            return 421, "this server answers only to its own host names (Host header refused)"
        if len(scope.get("query_string", b"")) > self.settings.max_query:
            return 414, f"query string over {self.settings.max_query} bytes; send a POST"
        if _cross_origin(scope, headers, host):
            return 403, "cross-origin requests are refused"
        length = headers.get("content-length", "0")
        if not length.isdigit():
            return 400, "bad Content-Length"
        if int(length) > self.settings.max_body:
            return 413, f"request body over {self.settings.max_body} bytes"
        return None


def host_name(host: str) -> str:
    """The name in a Host header, without port, brackets or case.

    >>> host_name("LocalHost:8000"), host_name("[::1]:8000"), host_name("127.0.0.1")
    ('localhost', '::1', '127.0.0.1')
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cross_origin(scope: Scope, headers: dict[str, str], host: str) -> bool:
    """A request another site made: an Origin other than ours, or marked cross-site by the
    browser on anything but a plain page load (a teacher's link to the page must still work)."""
    origin = headers.get("origin")
    if origin is not None and origin != f"{scope.get('scheme', 'http')}://{host}":
        return True
    site = headers.get("sec-fetch-site", "")
    loads_page = scope["method"] in ("GET", "HEAD") and not scope["path"].startswith("/api")
    return site in ("cross-site", "same-site") and not loads_page


def _with_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return send_with_headers


async def _answer(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
