"""Names people apply as functions that calcml does not have, each with what to write instead.

`f(x)` must never be read as the product f·x, nor `zeta(s)` as ζ·s: a name used as a function
is either one calcml knows or an error that says so and names the alternative.

>>> unsupported_message("f")
'calcml has no undefined functions; type the function itself, e.g. x^2 instead of f(x)'
>>> unsupported_message("x") is None
True
"""

from __future__ import annotations

_UNDEFINED = ("calcml has no undefined functions; type the function itself, e.g. x^2 instead of "
              "{name}(x)")  # fmt: skip
_INTEGRAL = "calcml has no {what}; integrate {body} over definite bounds instead"
_NOT_REAL = "calcml works with real numbers; {what} is not supported"

#: name -> the message after "'name(' at column N: ".
UNSUPPORTED: dict[str, str] = {
    **{name: _UNDEFINED.format(name=name) for name in ("f", "g", "h")},
    **{name: _INTEGRAL.format(what="logarithmic integral li(x)", body="1/ln(t)")
       for name in ("li", "Li", "logint")},
    **{name: _INTEGRAL.format(what="exponential integral Ei(x)", body="exp(t)/t")
       for name in ("Ei", "expint", "E1")},
    "Si": _INTEGRAL.format(what="sine integral Si(x)", body="sin(t)/t"),
    "Ci": _INTEGRAL.format(what="cosine integral Ci(x)", body="cos(t)/t"),
    "Shi": _INTEGRAL.format(what="hyperbolic sine integral Shi(x)", body="sinh(t)/t"),
    "Chi": _INTEGRAL.format(what="hyperbolic cosine integral Chi(x)", body="cosh(t)/t"),
    "erfi": _INTEGRAL.format(what="imaginary error function erfi(x)", body="exp(t^2)"),
    **{name: _INTEGRAL.format(what="Fresnel integrals", body="sin(t^2) or cos(t^2)")
       for name in ("fresnels", "fresnelc", "FresnelS", "FresnelC")},
    **{name: "calcml has no Riemann zeta function; write the terms of its series, "
             "1 + 1/2^s + 1/3^s + …" for name in ("zeta", "Zeta")},
    "polylog": "calcml has no polylogarithm; write the terms of its series, x + x^2/4 + …",
    **{name: "calcml has no Bessel functions; no equivalent in calcml's functions"
       for name in ("besselj", "bessely", "besseli", "besselk", "jv", "yv", "iv", "kv", "jn",
                    "yn")},
    **{name: "calcml has no Airy functions; no equivalent in calcml's functions"
       for name in ("airyai", "airybi", "Ai", "Bi")},
    **{name: "calcml has no Lambert W function; no equivalent in calcml's functions"
       for name in ("lambertw", "LambertW", "productlog")},
    **{name: "calcml has no incomplete gamma or beta functions; integrate t^(a-1)*exp(-t) (or "
             "t^(a-1)*(1-t)^(b-1)) over definite bounds instead"
       for name in ("gammainc", "gammaincc", "lowergamma", "uppergamma", "betainc")},
    **{name: "calcml has no hypergeometric or elliptic functions; no equivalent in calcml's "
             "functions" for name in ("hyp2f1", "hyper", "ellipk", "ellipe", "elliptic_k")},
    **{name: "calcml has no binomial coefficient; write gamma(n+1)/(gamma(k+1)*gamma(n-k+1))"
       for name in ("binomial", "binom", "comb", "choose")},
    **{name: "calcml has no mod; write x - y*floor(x/y)"
       for name in ("mod", "fmod", "rem", "remainder", "Mod")},
    **{name: "calcml has no rounding to nearest; use floor(x + 1/2), floor(x) or ceil(x)"
       for name in ("round", "rint", "trunc", "nint")},
    **{name: _NOT_REAL.format(what=name) for name in ("Re", "Im", "re", "im", "conj",
                                                      "conjugate", "arg", "angle")},
    **{name: "calcml reads one expression; write the terms out instead of a sum or product"
       for name in ("sum", "Sum", "prod", "product", "Product")},
    **{name: "derivative notation is not an expression; use diff() or `calcml diff`"
       for name in ("diff", "Derivative", "derivative", "grad", "deriv")},
    **{name: "an integral is not an expression; use integrate() or `calcml integrate`"
       for name in ("integrate", "Integral", "integral", "int")},
    **{name: "a limit is not an expression; use limit() or `calcml limit`"
       for name in ("lim", "limit", "Limit")},
    **{name: "write max(a, b) or min(a, b)" for name in ("fmax", "fmin", "maximum", "minimum",
                                                         "Max", "Min")},
    **{name: "calcml's expressions are scalars; no linear algebra here"
       for name in ("norm", "det", "tr", "trace", "dot", "inner", "outer")},
    "softmax": "softmax is a vector function; write exp(a)/(exp(a) + exp(b)) for two entries",
    "logsumexp": "write logaddexp(a, b) for two entries",
    "logaddexp2": "write log2(exp2(a) + exp2(b))",
    "exp10": "write 10^x", "pow": "write x^y", "square": "write x^2", "reciprocal": "write 1/x",
    **{name: "write x*pi/180" for name in ("deg2rad", "radians")},
    **{name: "write x*180/pi" for name in ("rad2deg", "degrees")},
}  # fmt: skip


def unsupported_message(name: str) -> str | None:
    """What to say when `name(` is written and calcml has no such function; None if not known."""
    return UNSUPPORTED.get(name)
