"""The page in a real browser (Playwright driving Debian's Chromium).

Each test types or drags as a person would and checks the numbers on the page against an
independent oracle (central differences, NumPy's Riemann sums, the known minimum of
Rosenbrock's function). Every test also fails on a console error, a failed request or an error
status, and keeps a screenshot under test-artifacts/browser/ (or $CALCML_ARTIFACTS).
Skipped when /usr/bin/chromium is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's /usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(os.environ.get("CALCML_ARTIFACTS", Path(__file__).resolve().parents[3]
                                / "test-artifacts")) / "browser"  # fmt: skip


def _page_server() -> object:
    """The helper module beside this file (loaded by path: tests is not a package)."""
    path = Path(__file__).with_name("page_server.py")
    spec = importlib.util.spec_from_file_location("calcml_page_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(helper: object) -> tuple[object, str]:
    """The real server when it is there; else the test stand-in (same CSP, no worker pools)."""
    try:
        from calcml.interfaces.web.app import create_app
        from calcml.interfaces.web.settings import ServerSettings
    except ImportError:
        return helper.create_page_app(), "off"
    # these tests are about the page: a generous deadline, so a busy CI machine cannot turn a
    # slow-lane answer into a 504 (the API tests check the deadlines themselves)
    return create_app(ServerSettings(time_limit=60.0)), "auto"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    helper = _page_server()
    app, lifespan = _app(helper)
    with helper.PageServer(app, lifespan=lifespan) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page whose console errors, failed requests and error responses are collected."""

    def __init__(self, browser: object, url: str, name: str) -> None:
        self.page = browser.new_page(viewport={"width": 1300, "height": 950})
        self.url, self.name, self.problems = url, name, []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"{r.status}: {r.url}"))  # fmt: skip

    def open(self, hash_: str) -> float:
        """Load the page at #hash_, wait for its view; the seconds it took."""
        start = time.perf_counter()
        self.page.goto(f"{self.url}/#{hash_}")
        view = re.search(r"view=(\w+)", hash_).group(1)
        self.page.wait_for_selector(f"#{view}[data-ready]", timeout=30_000)
        return time.perf_counter() - start

    def shot(self, suffix: str = "") -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}{suffix}.png"), full_page=True)


@pytest.fixture
def page(browser: object, server: str, request: pytest.FixtureRequest) -> Iterator[Watched]:
    w = Watched(browser, server, request.node.name)
    yield w
    w.shot()
    w.page.close()
    assert w.problems == [], w.problems


def _number(page: Watched, selector: str) -> float:
    return float(page.page.get_attribute(selector, "data-value"))


def test_typed_function_shows_rendered_steps_and_first_load_time(page: Watched) -> None:
    seconds = page.open("view=derivative")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    p = page.page
    nav = p.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
                               return [n.domContentLoadedEventEnd, n.loadEventEnd]; }""")
    timing = {"first_result_seconds": seconds, "dom_content_loaded_ms": nav[0],
              "load_event_ms": nav[1]}  # fmt: skip
    (ARTIFACTS / "first_load.json").write_text(json.dumps(timing))
    p.fill("#derivative [name=expr]", "x^2*sin(x)")
    p.press("#derivative [name=expr]", "Enter")
    sync_api.expect(p.locator("#d-result")).to_contain_text("cos")
    p.click("#derivative .steps-box > summary")
    steps = p.locator("#d-steps details.step")
    assert steps.count() >= 3  # product rule, then the two factors' rules
    assert p.locator("#d-steps math").count() == steps.count()  # each step typeset as MathML
    assert "product" in p.inner_text("#d-steps").lower()
    assert "expr=x%5E2*sin%28x%29" in p.url or "expr=x%5E2*sin(x)" in p.url  # state in the URL
    page.shot("-steps")


def test_bad_input_gets_its_one_line_error_with_the_column(page: Watched) -> None:
    page.open("view=derivative&expr=x^2")
    p = page.page
    p.fill("#derivative [name=expr]", "sin(x")
    p.press("#derivative [name=expr]", "Enter")
    sync_api.expect(p.locator("#derivative .error")).to_contain_text("column")
    assert "stale" in p.get_attribute("#derivative", "class")  # the old plot is dimmed
    # the view asks several endpoints; let every 400 arrive before judging them
    for _ in range(20):
        seen = len(page.problems)
        p.wait_for_timeout(300)
        if len(page.problems) == seen:
            break
    # the browser itself logs the 400 answers; they are the only problems allowed here
    assert all("400" in msg for msg in page.problems) and page.problems
    page.problems.clear()


def test_dragging_the_tangent_point_shows_the_slope_f_prime_at_a(page: Watched) -> None:
    page.open("view=derivative&expr=x^3-2x&xmin=-2&xmax=2&a=0.5")
    p = page.page
    box = p.locator("#d-plot").bounding_box()
    y = box["y"] + box["height"] / 2
    p.mouse.move(box["x"] + box["width"] * 0.3, y)
    p.mouse.down()
    for k in range(10):
        p.mouse.move(box["x"] + box["width"] * (0.3 + 0.04 * k), y)
    p.mouse.up()
    a = float(p.input_value("#d-a"))
    assert 0.1 < a < 1.2  # the drag moved the point
    f = lambda x: x**3 - 2 * x  # noqa: E731
    h = 1e-5
    oracle = (f(a + h) - f(a - h)) / (2 * h)
    assert math.isclose(_number(page, "#d-slope"), oracle, rel_tol=1e-3, abs_tol=1e-3)
    # 30 frames a second or better: one move per animation frame, each redrawn from the samples
    # (no request), timed from the first frame to the last, painting included
    ms = p.evaluate("""() => new Promise((done) => {
        const s = document.querySelector('#d-a'); let i = 0; let t0 = 0;
        const frame = (t) => {
            if (i === 0) t0 = t;
            if (i === 90) { done((t - t0) / 90); return; }
            s.value = String(-1.5 + i * 0.03); s.dispatchEvent(new Event('input')); i++;
            requestAnimationFrame(frame); };
        requestAnimationFrame(frame); })""")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "tangent_update.json").write_text(json.dumps({"ms_per_frame": ms}))
    assert ms < 1000 / 30, f"{ms:.1f} ms per frame while dragging"


def test_a_linked_point_outside_the_default_range_is_kept(page: Watched) -> None:
    page.open("view=derivative&expr=x^2&xmin=0&xmax=10&a=7.5")
    assert float(page.page.input_value("#d-a")) == 7.5
    assert math.isclose(_number(page, "#d-slope"), 15.0, rel_tol=1e-4)


def test_curves_break_at_poles(page: Watched) -> None:
    page.open("view=derivative&expr=tan(x)&xmin=-4&xmax=4&a=0")
    d = page.page.get_attribute("#d-plot path.curve.f", "d")
    runs = [r for r in d.split("M") if r]
    assert len(runs) == 3  # tan has poles at ±π/2 in [-4, 4]: three separate runs
    height = float(page.page.get_attribute("#d-plot", "viewBox").split()[3])
    for run in runs:  # within a run, no segment from above the frame to below it (or back)
        ys = np.array([float(pt.split(",")[1]) for pt in run.split("L")])
        low, high = np.minimum(ys[:-1], ys[1:]), np.maximum(ys[:-1], ys[1:])
        assert not np.any((low < 0) & (high > height))


def test_riemann_sums_approach_the_exact_area(page: Watched) -> None:
    page.open("view=integral&expr=x*sin(x)&a=0&b=5&xmin=-1&xmax=7&n=4&rule=left")
    p = page.page
    exact = math.sin(5) - 5 * math.cos(5)
    assert math.isclose(_number(page, "#i-exact"), exact, rel_tol=1e-12)
    errors = []
    for n in (2, 8, 32, 128):
        p.evaluate(f"""() => {{ const s = document.querySelector('#i-n'); s.value = '{n}';
                          s.dispatchEvent(new Event('input')); }}""")  # fmt: skip
        shown = _number(page, "#i-sum")
        x = np.arange(n) * 5 / n
        assert math.isclose(shown, float(np.sum(x * np.sin(x)) * 5 / n), rel_tol=1e-10)
        assert p.locator("#i-plot .rects rect").count() == n
        errors.append(abs(shown - exact))
    assert errors == sorted(errors, reverse=True) and errors[-1] < 0.1
    p.focus("#i-n")
    p.keyboard.press("End")  # the slider's far end: n = 200
    assert p.input_value("#i-n") == "200"
    assert abs(_number(page, "#i-sum") - exact) < errors[-1]


def test_descent_from_a_clicked_start_ends_near_the_minimum(page: Watched) -> None:
    page.open("view=descent&steps=3000")
    p = page.page
    p.wait_for_selector("#g-end[data-x]")
    box = p.locator("#g-plot").bounding_box()
    p.evaluate("document.querySelector('#g-end').removeAttribute('data-x')")
    p.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.2)
    p.wait_for_selector("#g-end[data-x]", timeout=30_000)
    start = [float(v) for v in p.input_value("#descent [name=start]").split(",")]
    assert start[0] < -0.5 and start[1] > 1.5  # the click chose the start
    x, y = (float(p.get_attribute("#g-end", f"data-{k}")) for k in "xy")
    assert abs(x - 1) < 0.02 and abs(y - 1) < 0.04  # Rosenbrock's minimum is (1, 1)
    assert len(p.get_attribute("#g-plot polyline.path", "points").split()) > 100


def test_backpropagation_agrees_with_central_differences(page: Watched) -> None:
    page.open("view=backprop&expr=x*y%2Bsin(x)&at=x%3D0.5,y%3D2")
    p = page.page
    assert p.locator("#b-graph g.node").count() >= 4
    assert "agrees with check_grads" in p.inner_text("#b-check")
    rows = {r.split("\t")[0]: r.split("\t") for r in p.inner_text("#b-table").splitlines()}
    assert math.isclose(float(rows["x"][2]), 2 + math.cos(0.5), rel_tol=1e-9)
    assert math.isclose(float(rows["y"][2]), 0.5, rel_tol=1e-9)


def test_probability_and_roc(page: Watched) -> None:
    page.open("view=probability&family=normal&params=mu%3D0,sigma%3D1&x=1")
    sync_api.expect(page.page.locator("#p-cdf")).to_contain_text("=")
    p = page.page
    cdf = p.inner_text("#p-cdf")
    assert "0.8413447461" in cdf  # Φ(1)
    assert 0.9 < float(p.inner_text("#r-auc")) <= 1
    before = p.inner_text("#r-matrix")
    p.focus("#r-threshold")
    p.keyboard.press("End")
    assert p.inner_text("#r-matrix") != before  # the threshold moved the confusion matrix
    assert "FN 0" in p.inner_text("#r-matrix")  # lowest threshold: everything predicted +


def test_check_my_answer_and_critical_points(page: Watched) -> None:
    page.open("view=check&kind=integral&expr=x*cos(x)&answer=x*sin(x)-cos(x)")
    p = page.page
    assert "Not right" in p.inner_text("#c-verdict")
    assert p.locator("#c-steps details.step").count() >= 2
    page.shot("-wrong")
    p.fill("#check [name=answer]", "x*sin(x) + cos(x) + 7")
    p.press("#check [name=answer]", "Enter")
    sync_api.expect(p.locator("#c-verdict")).to_contain_text("Right")
    assert "constant 7" in p.inner_text("#c-message")
    page.shot("-right")
    page.open("view=optimal&expr=x^3-3x%2By^2&xmin=-2.5&xmax=2.5&ymin=-2&ymax=2")
    table = p.inner_text("#o-table")
    assert "saddle" in table and "minimum" in table
    assert p.locator("#o-plot circle.crit").count() == 2


def test_a_busy_server_is_asked_again_after_its_retry_after(page: Watched) -> None:
    calls: list[str] = []

    def busy_once(route) -> None:  # type: ignore[no-untyped-def]
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1"},
                          content_type="application/json",
                          body='{"error": "the cheap lane is full", "lane": "cheap"}')  # fmt: skip
        else:
            route.continue_()

    page.page.route("**/api/diff?*", busy_once)
    page.open("view=derivative&expr=x^3")
    assert len(calls) == 2  # asked once more, after the second Retry-After named
    assert page.page.locator("#derivative .error").is_hidden()
    assert "stale" not in (page.page.get_attribute("#derivative", "class") or "")
    # the browser logs the one 503 it was given; it is the only problem allowed here
    assert page.problems and all("503" in msg for msg in page.problems)
    page.problems.clear()
