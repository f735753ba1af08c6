"""The cubic smoothing spline: the f minimizing Σ (yᵢ − f(xᵢ))² + λ ∫ f''(x)² dx.

The minimizer is a natural cubic spline with a knot at every xᵢ (Reinsch 1967). Written with
the spline's values g at the knots and its second derivatives γ at the interior knots
(Green & Silverman 1994, §2.1), the roughness integral is exactly ∫ f''² = γᵀ R γ with
Qᵀ g = R γ, so the fit solves one banded system:

    (I + λ Q R⁻¹ Qᵀ) g = y,   i.e.  (R + λ Qᵀ Q) γ = Qᵀ y,  g = y − λ Q γ.

`predict` evaluates the natural cubic spline through (xᵢ, gᵢ).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.linalg import solve_banded


class SmoothingSpline:
    """Penalized least squares with the roughness penalty λ ∫ f''².

    >>> x = np.linspace(0, 1, 6); y = x**2
    >>> s = SmoothingSpline(lam=0.0).fit(x, y)   # λ = 0: the interpolating natural spline
    >>> bool(np.allclose(s.predict(x), y))
    True
    """

    def __init__(self, lam: float):
        if not lam >= 0:
            raise ValueError(f"lam must be >= 0, got {lam!r}")
        self.lam = float(lam)

    def fit(self, x: Any, y: Any) -> SmoothingSpline:
        """Fit to points with distinct x (sorted here); returns self."""
        x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
        if x.shape != y.shape or x.size < 3:
            raise ValueError("need x and y of the same length, at least 3 points")
        order = np.argsort(x)
        x, y = x[order], y[order]
        h = np.diff(x)
        if np.any(h <= 0):
            raise ValueError("the x values must be distinct")
        gamma = self._second_derivatives(h, y)
        self.knots_ = x
        self.fitted_ = y - self.lam * _q_times(h, gamma)
        self.roughness_ = float(gamma @ _r_times(h, gamma))  # ∫ f''² = γᵀ R γ
        self._spline = CubicSpline(x, self.fitted_, bc_type="natural")
        return self

    def _second_derivatives(self, h: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Solve (R + λ QᵀQ) γ = Qᵀ y; the matrix is symmetric with bandwidth 2."""
        m = h.size - 1
        bands = np.zeros((5, m))
        unit = np.eye(m)
        full = np.column_stack([_r_times(h, unit[:, j]) + self.lam * _qtq_times(h, unit[:, j])
                                for j in range(m)])  # fmt: skip
        for k in range(-2, 3):
            diag = np.diagonal(full, k)
            if k >= 0:
                bands[2 - k, k:] = diag
            else:
                bands[2 - k, : m + k] = diag
        return solve_banded((2, 2), bands, _qt_times(h, y))

    def predict(self, x: Any) -> np.ndarray:
        """The fitted natural cubic spline at x (linear beyond the end knots)."""
        if not hasattr(self, "_spline"):
            raise RuntimeError("call fit first")
        return self._spline(np.asarray(x, dtype=float), extrapolate=True)


def _qt_times(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Qᵀ g: second divided differences, (g₊ − g)/h₊ − (g − g₋)/h₋ at interior knots."""
    slopes = np.diff(g) / h
    return np.diff(slopes)


def _q_times(h: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Q γ for γ on the interior knots (length n − 2) -> length n."""
    out = np.zeros(h.size + 1)
    out[:-2] += gamma / h[:-1]
    out[1:-1] -= gamma * (1 / h[:-1] + 1 / h[1:])
    out[2:] += gamma / h[1:]
    return out


def _qtq_times(h: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    return _qt_times(h, _q_times(h, gamma))


def _r_times(h: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """R γ, R tridiagonal with (h₋ + h₊)/3 on the diagonal and h/6 beside it."""
    out = (h[:-1] + h[1:]) / 3 * gamma
    out[:-1] += h[1:-1] / 6 * gamma[1:]
    out[1:] += h[1:-1] / 6 * gamma[:-1]
    return out


__all__ = ["SmoothingSpline"]
