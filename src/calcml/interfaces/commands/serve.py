"""`calcml serve`: the local web app under uvicorn."""

from __future__ import annotations

import logging
import threading
import webbrowser

import click

from calcml.interfaces.web.settings import WILDCARD_HOSTS, LaneSettings, ServerSettings, is_loopback

#: open connections uvicorn serves at once (it answers 503 beyond), whatever the lanes hold
MAX_CONNECTIONS = 256


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines in.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.option("--time-limit", default=5.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds one computation may run before its worker is killed.")
@click.option("--memory-limit", default=1024, show_default=True, type=click.IntRange(64, 65536),
              help="MiB of memory one computation may add to its worker.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes in each lane (cheap and slow).")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="Another name clients may use in the Host header (repeatable).")
def serve_command(host: str, port: int, open_browser: bool, time_limit: float, memory_limit: int,
                  workers: int, allow_host: tuple[str, ...]) -> None:  # fmt: skip
    """Serve the web app: type a function, see its derivative, integral and plots.

    It binds 127.0.0.1 unless told otherwise, needs no network, and stops on Ctrl-C.

    \b
    Examples:
      calcml serve --open
      calcml serve --port 8080 --time-limit 10
    """
    import uvicorn

    from calcml.interfaces.web.app import create_app

    settings = ServerSettings(host=host, port=port, allowed_hosts=allow_host,
                              time_limit=time_limit, memory_limit_mib=memory_limit,
                              cheap=LaneSettings(workers, 4 * workers, wait=0.5),
                              slow=LaneSettings(workers, 2 * workers, wait=2 * time_limit,
                                                niceness=10))  # fmt: skip
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: other machines can reach this server and make "
                   "it compute; the Host allowlist admits only loopback names"
                   + (f" and {', '.join(allow_host)}" if allow_host else " (add --allow-host)"),
                   err=True)  # fmt: skip
    _log_to_stderr()
    url = page_url(host, port)
    click.echo(f"calcml is serving {url}  (Ctrl-C to stop)")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                limit_concurrency=MAX_CONNECTIONS, timeout_graceful_shutdown=5)  # fmt: skip


def _log_to_stderr() -> None:
    """The server's own log (errors with their tracebacks, never sent to clients) on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("calcml.web")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def page_url(host: str, port: int) -> str:
    """The address to type in a browser.

    >>> page_url("0.0.0.0", 8000), page_url("::1", 8080)
    ('http://127.0.0.1:8000/', 'http://[::1]:8080/')
    """
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
