"""Loss values and gradients against PyTorch 2.13 (tests/data/loss_reference.json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calcml.autodiff import Tensor
from calcml.ml import losses as L
from calcml.ml import penalties as P
from calcml.ml._tensor import sigmoid

REF = json.loads((Path(__file__).resolve().parents[1] / "data" / "loss_reference.json").read_text(
))
INP = {k: np.array(v) for k, v in REF["inputs"].items()}
RTOL, ATOL = 1e-12, 1e-15
SIGNED = 2 * INP["bin_target"] - 1


def close(actual: Any, expected: Any, atol: float = ATOL) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=RTOL, atol=atol)  # fmt: skip


def _reg(fn: Callable[..., Any]) -> Callable[[Tensor, str], Any]:
    return lambda x, r: fn(x, INP["reg_target"], reduction=r)


CASES: dict[str, tuple[str, Callable[[Tensor, str], Any]]] = {
    "mse": ("reg_pred", _reg(L.mse_loss)),
    "l1_loss": ("reg_pred", _reg(L.l1_loss)),
    "huber_delta1.0": ("reg_pred", lambda x, r: L.huber_loss(x, INP["reg_target"], 1.0, r)),
    "huber_delta0.5": ("reg_pred", lambda x, r: L.huber_loss(x, INP["reg_target"], 0.5, r)),
    "smooth_l1_beta1": ("reg_pred", lambda x, r: L.smooth_l1_loss(x, INP["reg_target"], 1.0, r)),
    "bce_with_logits": ("bin_logits", lambda x, r: L.bce_with_logits(x, INP["bin_target"],
                                                                     reduction=r)),
    "bce_with_logits_pos_weight2": ("bin_logits", lambda x, r: L.bce_with_logits(
        x, INP["bin_target"], pos_weight=2.0, reduction=r)),
    "bce_on_probs": ("bin_logits", lambda x, r: L.binary_cross_entropy(
        sigmoid(x), INP["bin_target"], reduction=r)),
    "binary_hinge_by_hand": ("bin_logits", lambda x, r: L.hinge_loss(x, SIGNED, r)),
    "squared_hinge_by_hand": ("bin_logits", lambda x, r: L.squared_hinge_loss(x, SIGNED, r)),
    "cross_entropy": ("mc_logits", lambda x, r: L.cross_entropy(x, INP["mc_target"],
                                                                reduction=r)),
    "cross_entropy_label_smoothing0.1": ("mc_logits", lambda x, r: L.cross_entropy(
        x, INP["mc_target"], label_smoothing=0.1, reduction=r)),
    "nll_of_log_softmax": ("mc_logits", lambda x, r: L.nll_loss(L.log_softmax(x),
                                                                INP["mc_target"], r)),
    "multi_margin_p1_m1": ("mc_logits", lambda x, r: L.multi_margin_loss(
        x, INP["mc_target"], p=1, margin=1.0, reduction=r)),
    "multi_margin_p2_m1": ("mc_logits", lambda x, r: L.multi_margin_loss(
        x, INP["mc_target"], p=2, margin=1.0, reduction=r)),
    "crammer_singer_hinge_by_hand": ("mc_logits", lambda x, r: L.crammer_singer_hinge_loss(
        x, INP["mc_target"], reduction=r)),
}  # fmt: skip


def value_and_grad(fn: Callable[[Tensor, str], Any], x: np.ndarray, reduction: str
                   ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    t = Tensor(x, requires_grad=True)
    out = fn(t, reduction)
    (out.sum() if reduction == "none" else out).backward()
    return np.asarray(out.data), t.grad


def test_every_reference_loss_is_covered() -> None:
    assert {item["name"] for item in REF["losses"]} == set(CASES)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("item", REF["losses"], ids=lambda item: item["name"])
def test_loss_matches_pytorch(item: dict[str, Any], reduction: str) -> None:
    key, fn = CASES[item["name"]]
    value, grad = value_and_grad(fn, INP[key], reduction)
    expected = item["by_reduction"][reduction]
    close(value, expected["value"])
    close(grad, expected["grad"])


def test_bce_with_logits_extremes_are_exact() -> None:
    ext = REF["extreme"]["bce_with_logits_none"]
    fn = lambda x, r: L.bce_with_logits(x, ext["y"], reduction=r)  # noqa: E731
    value, grad = value_and_grad(fn, np.array(ext["z"]), "none")
    close(value, ext["value_exact_mpmath"])  # calcml is exact where PyTorch loses digits
    close(value, ext["value"], atol=1e-14)  # the note's tolerance against PyTorch itself
    close(grad, ext["grad"])
    close(grad, ext["grad_exact_mpmath"])


def test_bce_on_probabilities_extremes_follow_pytorch_clamps() -> None:
    ext = REF["extreme"]
    fn = lambda x, r: L.binary_cross_entropy(  # noqa: E731
        sigmoid(x), ext["bce_with_logits_none"]["y"], reduction=r)
    value, grad = value_and_grad(fn, np.array(ext["bce_with_logits_none"]["z"]), "none")
    close(value, ext["bce_on_sigmoid_probs_none"]["value"])
    close(grad, ext["bce_on_sigmoid_probs_none"]["grad"])


def test_cross_entropy_extremes() -> None:
    ext = REF["extreme"]["cross_entropy_none"]
    fn = lambda x, r: L.cross_entropy(x, ext["y"], reduction=r)  # noqa: E731
    value, grad = value_and_grad(fn, np.array(ext["logits"]), "none")
    close(value, ext["value"])
    close(grad, ext["grad"])
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))


def test_cross_entropy_with_probability_targets_equals_indices() -> None:
    z, y = INP["mc_logits"], INP["mc_target"]
    a = L.cross_entropy(z, y, label_smoothing=0.1).data
    b = L.cross_entropy(z, np.eye(4)[y] * 0.9 + 0.1 / 4).data
    close(a, b)


KINKS: dict[str, Callable[[Tensor], Any]] = {
    "l1_loss_at_d": lambda x: L.l1_loss(x, np.zeros(3), reduction="none"),
    "huber_d1_at_d": lambda x: L.huber_loss(x, np.zeros(3), 1.0, reduction="none"),
    "hinge_clamp(1-x)": lambda x: L.hinge_loss(x, np.ones(3), reduction="none"),
}


@pytest.mark.parametrize("name", list(KINKS))
def test_kink_conventions(name: str) -> None:
    ref = REF["autograd_kink_conventions"][name]
    value, grad = value_and_grad(lambda x, r: KINKS[name](x), np.array(ref["x"]), "none")
    close(value, ref["value"])
    close(grad, ref["grad"])


PENALTIES: dict[str, Callable[[Tensor], Any]] = {
    "l1": P.l1, "l2_squared": P.l2, "l2_half_squared": P.l2_half, "l2_norm": P.l2_norm,
    "elastic_net_0.5": lambda w: P.elastic_net(w, alpha=1.0, l1_ratio=0.5),
}  # fmt: skip


@pytest.mark.parametrize("name", list(PENALTIES))
def test_penalties_match_reference(name: str) -> None:
    ref = REF["penalties"]
    w = Tensor(np.array(ref["w"]), requires_grad=True)
    out = PENALTIES[name](w)
    out.backward()
    close(out.data, ref["items"][name]["value"])
    close(w.grad, ref["items"][name]["grad"])


def test_l1_gradient_is_zero_at_zero() -> None:
    w = Tensor(np.array([0.0, 2.0, -1.0]), requires_grad=True)
    P.l1(w).backward()
    assert w.grad.tolist() == [0.0, 1.0, -1.0]


def test_bad_reduction_and_labels() -> None:
    with pytest.raises(ValueError):
        L.mse_loss(np.zeros(2), np.zeros(2), reduction="avg")
    with pytest.raises(ValueError):
        L.hinge_loss(np.zeros(2), np.array([2, 3]))
    with pytest.raises(ValueError):
        L.cross_entropy(np.zeros((1, 3)), np.array([3]))
    with pytest.raises(ValueError):
        L.binary_cross_entropy(np.array([1.5]), np.array([1.0]))
