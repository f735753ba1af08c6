"""`calcml dist` and `calcml auc`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from calcml.interfaces.cli import main


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args))


def test_dist_cdf_steps_shows_the_integral(run):
    r = run("dist", "normal", "--mu", "0", "--sigma", "1", "--cdf", "1.96", "--steps")
    assert r.exit_code == 0, r.output
    assert "∫_{-∞}^{1.96}" in r.output and " dt" in r.output and "erf" in r.output
    assert "0.9750021048517795" in r.output


def test_dist_json(run):
    r = run("dist", "normal", "--mu", "0", "--sigma", "1", "--cdf", "1.96", "--steps", "--json")
    out = json.loads(r.output)
    cdf = out["results"][0]
    assert cdf["value"] == 0.9750021048517795 and cdf["method"] == "closed form"
    assert "erf" in cdf["exact"] and cdf["steps"]["operation"] == "∫_{-∞}^{1.96} dt"


def test_dist_generic_params_pdf_mean_var(run):
    r = run("dist", "gamma", "-p", "k=2", "-p", "theta=1", "--pdf", "1", "--mean", "--var",
            "--json")  # fmt: skip
    out = {a["quantity"]: a for a in json.loads(r.output)["results"]}
    assert out["pdf(1.0)"]["value"] == pytest.approx(0.36787944117144233, rel=1e-14)
    assert out["mean"]["value"] == 2.0 and out["var"]["value"] == 2.0


def test_dist_rate_alias_and_special_function(run):
    r = run("dist", "exponential", "--rate", "2", "--sf", "1")
    assert r.exit_code == 0 and "0.1353352832366127" in r.output
    r = run("dist", "beta", "--a", "2.5", "--b", "4.5", "--cdf", "0.5", "--steps")
    assert r.exit_code == 0 and "betainc" in r.output and "special function" in r.output
    r = run("dist", "beta", "--a", "2", "--b", "5", "--cdf", "0.5", "--steps")
    assert "0.890625" in r.output and "closed form" in r.output  # a polynomial: integrated


def test_dist_divergent_exits_1(run):
    r = run("dist", "cauchy", "--mean")
    assert r.exit_code == 1 and "undefined" in r.output
    r = run("dist", "t", "-p", "nu=2", "--var", "--json")
    assert r.exit_code == 1
    assert json.loads(r.output)["results"][0]["value"] == "inf"


def test_dist_bad_input_exits_2(run):
    assert run("dist", "normal", "--nu", "3").exit_code == 2
    assert run("dist", "normal", "--sigma", "-1").exit_code == 2
    assert run("dist", "nosuch").exit_code == 2
    assert run("dist", "normal", "-p", "mu=abc").exit_code == 2


@pytest.fixture
def files(tmp_path):
    (tmp_path / "y.csv").write_text("label\n0\n0\n1\n1\n")
    (tmp_path / "s.csv").write_text("0.1\n0.4\n0.35\n0.8\n")
    (tmp_path / "both.csv").write_text("y,p\n0,0.1\n0,0.4\n1,0.35\n1,0.8\n")
    (tmp_path / "one.csv").write_text("1\n1\n")
    return tmp_path


def test_auc_two_files(run, files):
    r = run("auc", "--labels", str(files / "y.csv"), "--scores", str(files / "s.csv"))
    assert r.exit_code == 0, r.output
    assert "AUC = 0.75" in r.output and "area under the ROC curve" in r.output
    assert "2 positives and 2 negatives" in r.output


def test_auc_columns_json_and_plot(run, files):
    png = files / "roc.png"
    r = run("auc", "--labels", str(files / "both.csv"), "--labels-column", "y",
            "--scores-column", "p", "--json", "--plot", str(png))  # fmt: skip
    out = json.loads(r.output)
    assert out["auc"] == 0.75 and out["positives"] == 2 and out["negatives"] == 2
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_auc_bad_input(run, files):
    r = run("auc", "--labels", str(files / "y.csv"), "--scores", str(files / "one.csv"))
    assert r.exit_code == 2 and "error:" in r.output
    r = run("auc", "--labels", str(files / "missing.csv"), "--scores", str(files / "s.csv"))
    assert r.exit_code == 2
