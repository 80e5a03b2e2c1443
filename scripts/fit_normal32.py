"""Fit the two polynomials of the float32 standard normal (stream version 2).

fastinit/src/fi_normal32.h computes, for one 32-bit word w,

    p = (w + 1/2) / 2^32,  q = p - 1/2,  r = min(p, 1 - p)
    u = log(4 r (1 - r))           (= log(1 - 4 q^2), in [-21.5, 0])
    z = q * P(u)                   when u > -V_TAIL

with log(m) = t + t^2 Q(t), t = m - 1, m in [sqrt(1/2), sqrt(2)).  This
script derives P and Q: Chebyshev least squares reweighted towards the
largest errors (Lawson's iteration, which tends to the minimax fit), with the
reference Phi^-1 from mpmath at 30 digits.  The coefficients are printed as
the float32 literals fi_normal32.h uses.

    python scripts/fit_normal32.py          # needs numpy and mpmath

Why this form: u = log(1 - 4q^2) stretches the logarithmic singularity of
Phi^-1 at p -> 0, 1 into a smooth function of u (the idea of M. Giles,
"Approximating the erfinv function", GPU Computing Gems, 2011), so one
polynomial covers |z| < 3.5 with no division; the rest (4.6e-4 of draws)
takes AS241's PPND16 in float64.
"""
from __future__ import annotations

import mpmath
import numpy as np
from numpy.polynomial import chebyshev, polynomial

V_TAIL = 7.0  # u <= -V_TAIL: |z| > 3.5, left to the float64 tail
V_MID = V_TAIL / 2
P_DEGREE = 10
Q_DEGREE = 6
SAMPLES = 2001

mpmath.mp.dps = 30


def _lawson(x: np.ndarray, basis: np.ndarray, target: np.ndarray, iterations: int = 40):
    """Weighted least squares whose weights grow where the error is largest."""
    weight = np.full(len(x), 1.0 / len(x))
    for _ in range(iterations):
        root = np.sqrt(weight)[:, None]
        coef = np.linalg.lstsq(basis * root, target * root[:, 0], rcond=None)[0]
        error = np.abs(basis @ coef - target)
        weight = weight * (error + 1e-300)
        weight /= weight.sum()
    return coef, error.max()


def _chebyshev_nodes(lo: float, hi: float) -> np.ndarray:
    return (np.cos(np.linspace(0.0, np.pi, SAMPLES)) + 1) / 2 * (hi - lo) + lo


def _to_monomial(coef: np.ndarray, centre: float, half_width: float) -> np.ndarray:
    """Chebyshev series in x = (t - centre) / half_width -> powers of (t - centre)."""
    return chebyshev.cheb2poly(coef) / half_width ** np.arange(len(coef))


def fit_p() -> tuple[np.ndarray, float]:
    """P(u) = Phi^-1(1/2 + q) / q, u = log(1 - 4 q^2), relative error.

    Fitted on x = (u + V_MID) / V_MID in [-1, 1], returned as powers of u:
    Horner in u itself keeps full relative precision near the centre
    (u -> 0), where most draws are."""
    v = _chebyshev_nodes(0.0, V_TAIL)
    v = v[v > 0]
    ratio = []
    for vi in v:
        q = mpmath.sqrt(-mpmath.expm1(-mpmath.mpf(vi))) / 2
        ratio.append(float(mpmath.sqrt(2) * mpmath.erfinv(2 * q) / q))
    ratio = np.array(ratio)
    x = (V_MID - v) / V_MID
    basis = chebyshev.chebvander(x, P_DEGREE) / ratio[:, None]
    coef, err = _lawson(x, basis, np.ones_like(x))
    in_shifted = polynomial.Polynomial(_to_monomial(coef, V_MID, V_MID))  # powers of u + V_MID
    return in_shifted(polynomial.Polynomial([V_MID, 1.0])).coef, err


def fit_q() -> tuple[np.ndarray, float]:
    """log(1 + t) = t + t^2 Q(t) on [sqrt(1/2) - 1, sqrt(2) - 1], absolute error."""
    lo, hi = np.sqrt(0.5) - 1, np.sqrt(2.0) - 1
    t = _chebyshev_nodes(lo, hi)
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    basis = chebyshev.chebvander((t - centre) / half, Q_DEGREE) * (t ** 2)[:, None]
    coef, err = _lawson(t, basis, np.log1p(t) - t)
    # powers of (t - centre) -> powers of t
    shifted = polynomial.Polynomial(_to_monomial(coef, centre, half))
    return shifted(polynomial.Polynomial([-centre, 1.0])).coef, err


def main() -> None:
    p, p_err = fit_p()
    q, q_err = fit_q()
    print(f"P: degree {P_DEGREE} in u, max relative error {p_err:.2e} (float64 evaluation)")
    print("   highest power first:", ", ".join(f"{c:.9e}f" for c in p.astype(np.float32)[::-1]))
    print(f"Q: degree {Q_DEGREE} in t, max absolute error of log {q_err:.2e}")
    print("   highest power first:", ", ".join(f"{c:.9e}f" for c in q.astype(np.float32)[::-1]))


if __name__ == "__main__":
    main()
