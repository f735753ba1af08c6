"""The server's defences, each checked from outside: headers on every answer, the Host allowlist
against DNS rebinding, no cross-origin use, and the size limits."""

from __future__ import annotations

import pytest

from calcml.interfaces.web.security import CONTENT_SECURITY_POLICY

STRICT = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def test_the_policy_allows_only_this_origin_and_no_inline_script():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert "script-src" not in directives  # scripts fall back to 'self': no inline, no eval
    assert all("unsafe" not in v and "http" not in v and "*" not in v for v in directives.values())


@pytest.mark.parametrize(("method", "path", "headers", "status"), [
    ("GET", "/", {}, 200),
    ("GET", "/api/diff?expr=x^2", {}, 200),
    ("GET", "/api/diff?expr=sin(", {}, 400),
    ("GET", "/api/nothing", {}, 404),
    ("PUT", "/api/diff", {}, 405),
    ("GET", "/", {"host": "evil.example"}, 421),
    ("POST", "/api/diff", {"origin": "http://evil.example"}, 403),
    ("POST", "/api/diff", {"content-length": "100000"}, 413),
])  # fmt: skip
def test_every_answer_carries_the_strict_headers_and_no_cors(client, method, path, headers,
                                                             status):  # fmt: skip
    answer = client.request(method, path, headers=headers)
    assert answer.status_code == status
    for name, value in STRICT.items():
        assert answer.headers[name] == value
    assert not any(name.startswith("access-control-") for name in answer.headers)


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000",
                                  "LOCALHOST"])  # fmt: skip
def test_loopback_names_are_answered(client, host):
    assert client.get("/api/diff?expr=x", headers={"host": host}).status_code == 200


REBINDING = ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io",
             "0.0.0.0:8000", "testserver", "[::2]"]  # fmt: skip


@pytest.mark.parametrize("host", REBINDING)
def test_a_rebinding_host_is_refused_before_any_work(client, host):
    answer = client.get("/api/diff?expr=x", headers={"host": host})
    assert answer.status_code == 421 and "Host" in answer.json()["error"]


def test_the_bound_host_and_named_hosts_are_answered():
    from calcml.interfaces.web.settings import ServerSettings

    names = ServerSettings(host="192.168.1.5", allowed_hosts=("calc.lan",)).host_names()
    assert {"192.168.1.5", "calc.lan", "localhost", "127.0.0.1", "::1"} == names


def test_a_cross_origin_post_is_refused_and_a_same_origin_one_answered(client):
    params = {"expr": "x^2"}
    for origin in ["http://evil.example", "null", "http://localhost:9999", "https://localhost"]:
        answer = client.post("/api/diff", json=params, headers={"origin": origin})
        assert answer.status_code == 403, origin
    same = client.post("/api/diff", json=params, headers={"origin": "http://localhost"})
    assert same.status_code == 200 and same.json()["result"] == "2*x"


def test_the_browser_s_cross_site_mark_refuses_the_api_but_not_a_link_to_the_page(client):
    cross = {"sec-fetch-site": "cross-site"}
    assert client.get("/api/diff?expr=x", headers=cross).status_code == 403
    assert client.get("/?expr=x", headers=cross | {"sec-fetch-mode": "navigate"}).status_code == 200


def test_a_preflight_gets_no_cors_grant(client):
    answer = client.options("/api/diff", headers={"origin": "http://evil.example",
                                                  "access-control-request-method": "POST"})
    assert answer.status_code in (403, 405)
    assert "access-control-allow-origin" not in answer.headers


def test_a_body_over_64_kB_is_413_whether_or_not_it_says_its_length(client):
    big = b'{"expr": "' + b"x+" * 40_000 + b'x"}'
    assert client.post("/api/diff", content=big).status_code == 413

    def chunks():  # no Content-Length: the server counts while it reads
        for _ in range(20):
            yield b" " * 8192

    assert client.post("/api/diff", content=chunks()).status_code == 413
    just_under = b'{"expr": "' + b"x" * 60_000 + b'"}'
    assert client.post("/api/diff", content=just_under).status_code != 413


def test_a_long_query_string_is_414(client):
    assert client.get("/api/diff", params={"expr": "x+" * 5000 + "x"}).status_code == 414
