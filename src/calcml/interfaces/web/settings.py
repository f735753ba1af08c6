"""The server's limits and pool sizes, with safe defaults; `calcml serve` exposes the main ones."""

from __future__ import annotations

from dataclasses import dataclass, field

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class LaneSettings:
    """One worker pool: how many processes, how many requests may wait, and for how long.

    A request that finds `workers + queue` requests already in the lane gets 503 at once; one that
    waited `wait` seconds for a free worker gets 503 then, so a backlog never grows. Workers with
    a positive `niceness` give the CPU to the others when cores are scarce.
    """

    workers: int = 2
    queue: int = 8
    wait: float = 0.5
    niceness: int = 0


@dataclass(frozen=True)
class ServerSettings:
    """Everything the app needs to know; the defaults are the ones `calcml serve` uses.

    >>> ServerSettings().time_limit, ServerSettings().max_body
    (5.0, 65536)
    """

    host: str = "127.0.0.1"
    port: int = 8000
    #: names clients may use in the Host header besides the loopback names and the bound host
    allowed_hosts: tuple[str, ...] = ()
    #: seconds one computation may run before its worker is killed
    time_limit: float = 5.0
    #: MiB of address space one computation may add to its warm worker (RLIMIT_AS)
    memory_limit_mib: int = 1024
    cheap: LaneSettings = field(default_factory=lambda: LaneSettings(2, queue=8, wait=0.5))
    slow: LaneSettings = field(default_factory=lambda: LaneSettings(2, queue=4, wait=10.0,
                                                                    niceness=10))  # fmt: skip
    #: bytes of request body accepted (413 beyond)
    max_body: int = 64 * 1024
    #: bytes of query string accepted (414 beyond)
    max_query: int = 8 * 1024
    #: how worker processes start: "forkserver" forks warm workers from one preloaded process
    start_method: str = "forkserver"
    #: tasks a worker runs before it is replaced, which bounds any slow growth of its memory
    max_tasks_per_worker: int = 200

    def host_names(self) -> frozenset[str]:
        """Every name accepted in the Host header (lower case, IPv6 without brackets).

        >>> sorted(ServerSettings(host="0.0.0.0", allowed_hosts=("Calc.Lan",)).host_names())
        ['127.0.0.1', '::1', 'calc.lan', 'localhost']
        """
        names = {*LOOPBACK_HOSTS, *(h.lower().strip("[]") for h in self.allowed_hosts)}
        if self.host not in WILDCARD_HOSTS:
            names.add(self.host.lower().strip("[]"))
        return frozenset(names)


def is_loopback(host: str) -> bool:
    """True for a host that only this machine can reach.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0"), is_loopback("::1")
    (True, False, True)
    """
    return host.strip("[]").lower() in LOOPBACK_HOSTS or host.startswith("127.")
