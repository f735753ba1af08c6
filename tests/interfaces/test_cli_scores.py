"""`calcml crps`, `calcml kl` and `calcml dist --mean --steps` (the integrator's steps)."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner
from scipy import stats

from calcml.interfaces.cli import main


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_crps_normal_matches_the_formula(run):
    r = run("crps", "normal", "--mu", "0", "--sigma", "1", "--y", "0.5", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    z = 0.5
    want = z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / math.sqrt(math.pi)
    assert abs(out["crps"] - want) < 1e-12 and out["method"] == "closed form"


def test_crps_quadrature_is_labelled(run):
    r = run("crps", "gamma", "--k", "2.5", "--theta", "1", "--y", "3")
    assert r.exit_code == 0 and "quadrature, error ≤" in r.output and "QUADPACK" in r.output


def test_kl_and_friends(run):
    r = run("kl", "normal(0, 1)", "normal(1, 2)", "--all", "--json")
    assert r.exit_code == 0, r.output
    res = {x["quantity"]: x for x in json.loads(r.output)["results"]}
    assert abs(res["KL(P‖Q)"]["value"] - (math.log(2) + 0.25 - 0.5)) < 1e-12
    assert res["KL(P‖Q)"]["method"] == "closed form"
    assert set(res) == {"KL(P‖Q)", "H(P, Q)", "JS(P, Q)", "W1(P, Q)"}


@pytest.mark.parametrize("spec", ["__import__('os')", "normal(0, 1", "normal(a)", "nope(1)"])
def test_bad_distribution_text_is_a_one_line_error(run, spec):
    r = run("kl", spec, "normal(0, 1)")
    assert r.exit_code == 2 and "Traceback" not in r.output and r.output.count("\n") <= 2


def test_dist_mean_steps_come_from_the_integrator(run):
    r = run("dist", "gamma", "--k", "2", "--theta", "1", "--mean", "--steps")
    assert r.exit_code == 0, r.output
    assert "source = calcml's integrator" in r.output and "integration by parts" in r.output
    assert "mean = 2.0" in r.output
