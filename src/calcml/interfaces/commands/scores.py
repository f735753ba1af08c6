"""`calcml crps` (a forecast's CRPS, an integral) and `calcml kl` (divergences between two
distributions, each an integral)."""

from __future__ import annotations

import re
from typing import Any

import click

from calcml.interfaces.commands.stats import build_distribution, friendly_options
from calcml.interfaces.output import EXIT_BAD_INPUT, console, emit_json, fail, guarded
from calcml.interfaces.reports.probability import exact_number


@click.command("crps")
@click.argument("family")
@friendly_options
@click.option("--param", "-p", "extra", multiple=True, metavar="NAME=VALUE",
              help="Any parameter, as name=value (repeatable).")
@click.option("--y", "y", type=float, required=True, help="The observation.")
@click.option("--steps", is_flag=True, help="Show how the integral was computed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def crps_command(family: str, extra: tuple[str, ...], y: float, steps: bool, as_json: bool,
                 **friendly: float | None) -> None:  # fmt: skip
    """CRPS(F, y) = ∫ (F(x) - 1{x ≥ y})² dx of a forecast distribution at an observation.

    \b
    Examples:
      calcml crps normal --mu 0 --sigma 1 --y 0.5 --steps
      calcml crps gamma --k 2 --theta 1 --y 3 --json
    """
    from calcml.stats.distributions import crps

    d = build_distribution(family, friendly, extra)
    r = crps(d, y, steps=True)
    if as_json:
        from calcml.symbolic.steps import to_json

        out = {"distribution": repr(d), "y": y, "crps": r.value, "method": r.method,
               "error_estimate": r.error_estimate, "note": r.note}  # fmt: skip
        if steps:
            out["steps"] = to_json(r.steps)
        emit_json(out)
        return
    if steps:
        from calcml.symbolic.steps import to_text

        console.print(to_text(r.steps), markup=False)
    how = r.method + (f", error ≤ {r.error_estimate:.1e}" if r.method == "quadrature" else "")
    console.print(f"CRPS({d!r}, y={y!r}) = {r.value!r}   [{how}: {r.note}]", markup=False)


_SPEC = re.compile(r"\s*([A-Za-z_]\w*)\s*\((.*)\)\s*")


def parse_distribution(text: str) -> Any:
    """`normal(0, 1)` or `gamma(k=2, theta=1)` -> a distribution (numbers only, no eval)."""
    from calcml.stats.distributions import FAMILIES

    m = _SPEC.fullmatch(text)
    if not m or m.group(1).lower() not in FAMILIES:
        fail(f"write a distribution as family(values), e.g. normal(0, 1); got {text!r}",
             EXIT_BAD_INPUT)  # fmt: skip
    fam = FAMILIES[m.group(1).lower()]
    args, kwargs = [], {}
    for part in filter(None, (p.strip() for p in m.group(2).split(","))):
        name, eq, value = part.rpartition("=")
        try:
            number = exact_number(float(value))
        except ValueError:
            fail(f"{part!r} in {text!r} is not a number", EXIT_BAD_INPUT)
        if eq:
            kwargs[name.strip()] = number
        else:
            args.append(number)
    try:
        return fam(*args, **kwargs)
    except TypeError as exc:
        raise ValueError(str(exc)) from None


@click.command("kl")
@click.argument("p")
@click.argument("q")
@click.option("--all", "everything", is_flag=True,
              help="Also cross-entropy, Jensen-Shannon and Wasserstein-1.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@guarded
def kl_command(p: str, q: str, everything: bool, as_json: bool) -> None:
    """KL(P‖Q) = ∫ p (log p - log q) dx, and with --all the other divergences.

    \b
    Examples:
      calcml kl "normal(0, 1)" "laplace(0, 1)"
      calcml kl "normal(0, 1)" "normal(1, 2)" --all --json
    """
    from calcml.stats.distributions import (
        cross_entropy,
        js_divergence,
        kl_divergence,
        wasserstein,
    )

    dp, dq = parse_distribution(p), parse_distribution(q)
    r = kl_divergence(dp, dq, steps=True)
    rows = [("KL(P‖Q)", r.value, r.method, str(r.exact) if r.exact is not None else None)]
    if everything:
        h = cross_entropy(dp, dq, steps=True)
        rows += [("H(P, Q)", h.value, h.method, str(h.exact) if h.exact is not None else None),
                 ("JS(P, Q)", js_divergence(dp, dq), "quadrature", None),
                 ("W1(P, Q)", wasserstein(dp, dq), "quadrature", None)]  # fmt: skip
    if as_json:
        emit_json({"p": repr(dp), "q": repr(dq),
                   "results": [{"quantity": n, "value": v, "method": m, "exact": e}
                               for n, v, m, e in rows]})  # fmt: skip
        return
    console.print(f"P = {dp!r}, Q = {dq!r}", markup=False)
    for name, value, method, exact in rows:
        form = f" = {exact}" if exact else ""
        console.print(f"{name}{form} = {value!r}   [{method}]", markup=False)
