"""The JSON API: each /api/NAME answers what `calcml NAME --json` prints, and every failure is a
one-line JSON error with the documented status (never a traceback, never a server path)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import web_fixture_reports
from click.testing import CliRunner
from conftest import SMALL, client_for

from calcml.interfaces.cli import main
from calcml.interfaces.reports import REPORTS
from calcml.interfaces.web.app import create_app

PRIVATE = [str(Path(web_fixture_reports.__file__).resolve().parents[3]), sys.prefix, "Traceback",
           'File "']  # fmt: skip


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(("cli", "params"), [
    (["diff", "x^3*sin(x)", "--steps"], {"expr": "x^3*sin(x)", "steps": "1"}),
    (["diff", "x^4", "--order", "2", "--at", "3"], {"expr": "x^4", "order": "2", "at": "3"}),
    (["diff", "x^2*y", "--wrt", "y"], {"expr": "x^2*y", "wrt": "y"}),
])  # fmt: skip
def test_the_api_answers_what_the_cli_prints(client, cli, params):
    by_get = client.get("/api/diff", params=params)
    by_post = client.post("/api/diff", json=params)
    assert by_get.status_code == by_post.status_code == 200
    assert by_get.headers["content-type"] == "application/json"
    assert same_report(by_get.json(), by_post.json()) and same_report(by_get.json(), cli_json(*cli))


def same_report(a: dict, b: dict) -> bool:
    """Equal, except for the worst error the derivative's check met at its random points."""
    rest_a, rest_b = ({k: v for k, v in d.items() if k != "check"} for d in (a, b))
    return rest_a == rest_b and a["check"].split("(")[0] == b["check"].split("(")[0]


def test_numbers_in_a_post_body_are_read_as_the_text_a_person_types(client):
    as_text = client.post("/api/diff", json={"expr": "x^4", "order": "2", "at": "1.5"}).json()
    as_numbers = client.post("/api/diff", json={"expr": "x^4", "order": 2, "at": 1.5}).json()
    assert as_numbers == as_text and as_text["value"] == pytest.approx(12 * 1.5**2)


def test_every_report_is_served_and_nothing_else(client):
    too_many = {f"p{i}": "1" for i in range(40)}  # refused (400) before any work, once found
    assert "diff" in REPORTS
    for name in REPORTS:
        assert client.get(f"/api/{name}", params=too_many).status_code == 400, name
    assert client.get("/api/__init__", params=too_many).status_code == 404


@pytest.mark.parametrize(("params", "column"), [
    ({"expr": "sin(x"}, 4), ({"expr": "x +* 2"}, None), ({"expr": ""}, None),
    ({"expr": "__import__('os')"}, 1),
])  # fmt: skip
def test_bad_input_is_400_with_the_parsers_one_line_message_and_column(client, params, column):
    answer = client.get("/api/diff", params=params)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] and "\n" not in body["error"]
    if column is not None:
        assert body["column"] == column


def test_a_domain_error_is_400_like_the_cli(client):
    answer = client.get("/api/diff", params={"expr": "x^2", "at": "1/0"})
    assert answer.status_code == 400 and "division by zero" in answer.json()["error"]


@pytest.mark.parametrize(("path", "status"), [
    ("/api/no_such_report", 404), ("/no/such/page", 404), ("/static/no_such_file.js", 404),
])  # fmt: skip
def test_unknown_paths_are_json_404s(client, path, status):
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.json()["error"]


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"x^2"', b'{"expr": ["x"]}',
                                  b'{"expr": {"a": 1}}', b"[" * 10_000])  # fmt: skip
def test_a_body_that_is_not_an_object_of_text_is_400(client, body):
    answer = client.post("/api/diff", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400 and answer.json()["error"]


def test_the_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text  # scripts come from files; the CSP forbids inline ones
    assert client.get("/favicon.ico").status_code == 204


@pytest.fixture(scope="module")
def fixture_client():
    """The app serving the misbehaving reports of web_fixture_reports."""
    with client_for(create_app(SMALL, web_fixture_reports.REPORTS)) as test_client:
        yield test_client


@pytest.mark.parametrize(("name", "status", "words"), [
    ("no_closed_form", 422, "no elementary antiderivative"),
    ("unverified", 422, "could not confirm its own answer"),
    ("buggy", 500, "internal error"),
    ("bad_json", 500, "internal error"),
])  # fmt: skip
def test_calcml_errors_and_bugs_map_to_their_statuses(fixture_client, caplog, name, status,
                                                      words):  # fmt: skip
    with caplog.at_level("ERROR", logger="calcml.web"):
        answer = fixture_client.get(f"/api/{name}", params={"key": "k"})
    assert answer.status_code == status
    assert words in answer.json()["error"]
    assert not any(private in answer.text for private in PRIVATE)
    if status == 500:  # the server log has what the client must not see
        assert "Traceback" in caplog.text and name in caplog.text
