r"""Mean-field theory of deep information propagation in random networks.

For the network :math:`h^{l+1} = W^l \phi(h^l) + b^l` with :math:`W^l_{ij} \sim N(0, \sigma_w^2/N)`
and :math:`b^l_i \sim N(0, \sigma_b^2)`, the squared length per neuron
:math:`q^l = \lVert h^l \rVert^2 / N` of an input obeys, as :math:`N \to \infty`, the *length map*
(Poole et al. 2016; Schoenholz et al. 2017)

.. math:: q^{l+1} = \sigma_w^2 \int Dz\, \phi(\sqrt{q^l} z)^2 + \sigma_b^2 ,

with :math:`Dz` the standard Gaussian measure. Its stable fixed point :math:`q^*` fixes

.. math:: \chi_1 = \sigma_w^2 \int Dz\, \phi'(\sqrt{q^*} z)^2 ,

the mean squared singular value of the layer-to-layer Jacobian: :math:`\chi_1 < 1` is the ordered
phase, :math:`\chi_1 > 1` the chaotic one, and :math:`\chi_1 = 1` the order-to-chaos line.
The correlation :math:`c` of two inputs obeys the correlation map (:func:`correlation_map`), whose
stable fixed point :math:`c^*` is approached on the depth scale :math:`\xi_c` (:func:`xi_c`).

Gaussian integrals of the smooth odd activations (``tanh``, ``erf``, ``sin``) use a 301-point
Gauss–Hermite rule; ``relu`` and ``linear`` use closed forms (a Gauss–Hermite rule integrates the
ReLU step badly). Other activations of :mod:`crit.models.activations` are not supported: kinks
(``hardtanh``, ``softsign``) spoil the quadrature, and ``gelu``, ``silu``, ``elu`` can have several
fixed points. Against adaptive quadrature, :math:`\int Dz \tanh^2(\sqrt q z)` is exact to 1e-15
for :math:`q \le 1`, 6e-7 at :math:`q = 10` and 2e-3 at :math:`q = 50`, where
:math:`\tanh(\sqrt q z)` approaches a step: trust the results for :math:`q^* \lesssim 10`.

:func:`finite_width_critical_sigma_w2` gives the critical point of the *finite*-width avalanche
(the layer norm as a multiplicative random walk), which sits above the mean-field point 1.

References
----------
.. [1] B. Poole, S. Lahiri, M. Raghu, J. Sohl-Dickstein, S. Ganguli, "Exponential expressivity in
   deep neural networks through transient chaos", NeurIPS 2016, arXiv:1606.05340.
.. [2] S. S. Schoenholz, J. Gilmer, S. Ganguli, J. Sohl-Dickstein, "Deep information
   propagation", ICLR 2017, arXiv:1611.01232.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import optimize, special

from crit import _validate
from crit.models import activations

__all__ = [
    "SUPPORTED",
    "q_star",
    "chi1",
    "critical_sigma_w2",
    "c_star",
    "xi_c",
    "correlation_map",
    "length_map",
    "length_trajectory",
    "finite_width_critical_sigma_w2",
]

_SMOOTH = ("tanh", "erf", "sin")
SUPPORTED = _SMOOTH + ("relu", "linear")
"""Activations the theory handles: odd smooth ones by quadrature, ``relu`` and ``linear`` exactly."""

N_QUADRATURE = 301
_Z, _W = hermegauss(N_QUADRATURE)
_W = _W / math.sqrt(2.0 * math.pi)  # weights of the standard normal: sum 1, sum z^2 = 1
_W2 = np.outer(_W, _W)


# ---------------------------------------------------------------- arguments
def _activation(activation):
    return _validate.choice("activation", activation, SUPPORTED)


def _reals(name, value, low=0.0, high=math.inf, what="a variance"):
    """``value`` as a finite float array within [low, high], and whether it was a scalar."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if np.ndim(value) == 0:
        return np.asarray(_validate.real(name, value, minimum=low, maximum=high)), True
    arr = _validate.finite_array(name, value, ndim=None, allow_empty=True)
    bad = (arr < low) | (arr > high)
    if bad.any():
        raise ValueError(f"{name} must lie in [{low}, {high}] ({what}), got {arr[bad].flat[0]}")
    return arr, False


def _variances(name, value):
    return _reals(name, value)


def _elementwise(func, sigma_w2, sigma_b2, activation):
    """Validate and broadcast the two variances, apply ``func`` elementwise."""
    activation = _activation(activation)
    sw, sw_scalar = _variances("sigma_w2", sigma_w2)
    sb, sb_scalar = _variances("sigma_b2", sigma_b2)
    sw, sb = np.broadcast_arrays(sw, sb)
    out = np.array([func(float(a), float(b), activation) for a, b in zip(sw.flat, sb.flat)])
    out = out.reshape(sw.shape)
    return float(out) if sw_scalar and sb_scalar else out


def _gauss(f, q):
    """E f(sqrt(q) z), z ~ N(0, 1), by Gauss–Hermite quadrature."""
    with np.errstate(over="ignore"):  # cosh overflow in sech^2 far in the tails gives 0, correctly
        return float(_W @ f(math.sqrt(q) * _Z))


def _gauss2(f, q, c):
    """E f(u1) f(u2) with u1 = sqrt(q) z1, u2 = sqrt(q)(c z1 + sqrt(1 - c^2) z2)."""
    s = math.sqrt(q)
    with np.errstate(over="ignore"):
        f1 = f(s * _Z)
        f2 = f(s * (c * _Z[:, None] + math.sqrt(max(1.0 - c * c, 0.0)) * _Z[None, :]))
    return float((_W * f1) @ (f2 @ _W))


# ---------------------------------------------------------------- scalar kernels
def _q_star(sw, sb, act):
    if act in ("relu", "linear"):
        gain = sw / 2.0 if act == "relu" else sw
        if gain < 1.0:
            return sb / (1.0 - gain)
        return math.nan if (gain == 1.0 and sb == 0.0) else math.inf
    phi = activations.get(act).numpy_fn
    if sb == 0.0:
        if sw <= 1.0:  # |phi(x)| < |x| and phi'(0) = 1: q = 0 attracts every input
            return 0.0
        # Root of F(q)/q - 1, which tends to sw - 1 > 0 as q -> 0 (no 0/0 near the bifurcation).
        return optimize.brentq(
            lambda q: sw * _gauss(lambda x: phi(x) ** 2, q) / q - 1.0,
            1e-200, sw + 1.0, xtol=1e-300, rtol=1e-15,
        )
    # |phi| <= 1, so F(q) <= sw + sb: the unique root lies in (0, sw + sb + 1).
    return optimize.brentq(
        lambda q: sw * _gauss(lambda x: phi(x) ** 2, q) + sb - q,
        0.0, sw + sb + 1.0, xtol=1e-15, rtol=1e-15,
    )


def _chi1(sw, sb, act):
    if act == "relu":
        return sw / 2.0
    if act == "linear":
        return sw
    grad = activations.get(act).numpy_grad
    return sw * _gauss(lambda x: grad(x) ** 2, _q_star(sw, sb, act))


def _cmap(c, sw, sb, act, q):
    if act == "relu":  # arc-cosine kernel: E relu(u1) relu(u2) = q (sin t + (pi - t) cos t) / (2 pi)
        t = math.acos(min(max(c, -1.0), 1.0))
        return (sw * q * (math.sin(t) + (math.pi - t) * math.cos(t)) / (2 * math.pi) + sb) / q
    if act == "linear":
        return (sw * q * c + sb) / q
    return (sw * _gauss2(activations.get(act).numpy_fn, q, c) + sb) / q


def _c_star(sw, sb, act):
    if act in ("relu", "linear"):
        return 1.0  # c = 1 is the only fixed point in [0, 1] of these maps
    q = _q_star(sw, sb, act)
    if q == 0.0 or _chi1(sw, sb, act) <= 1.0:
        return 1.0  # ordered phase (and sigma_b2 = 0, q* = 0: its sigma_b2 -> 0+ limit)
    if sb == 0.0:
        return 0.0  # odd phi: c = 0 is fixed, and stable in the chaotic phase
    # The map minus identity is convex on [0, 1], positive at 0 (= sb / q), zero at 1 with slope
    # chi1 - 1 > 0, hence negative on (c*, 1): move the upper end towards 1 until it is.
    g = lambda c: _cmap(c, sw, sb, act, q) - c  # noqa: E731
    for k in range(1, 13):
        hi = 1.0 - 10.0**-k
        if g(hi) < 0.0:
            return optimize.brentq(g, 0.0, hi, xtol=1e-14, rtol=1e-15)
    return 1.0  # chi1 within rounding of 1: c* and 1 cannot be told apart


def _xi_c(sw, sb, act):
    if act in ("relu", "linear"):
        slope = sw / 2.0 if act == "relu" else sw
    else:
        c = _c_star(sw, sb, act)
        if c == 1.0:
            slope = _chi1(sw, sb, act)
        else:
            grad = activations.get(act).numpy_grad
            slope = sw * _gauss2(grad, _q_star(sw, sb, act), c)
    if slope >= 1.0:
        return math.inf
    return 0.0 if slope <= 0.0 else -1.0 / math.log(slope)


# ---------------------------------------------------------------- public API
def q_star(sigma_w2, sigma_b2, activation="tanh"):
    r"""Stable fixed point :math:`q^*` of the length map.

    .. math:: q^* = \sigma_w^2 \int Dz\, \phi(\sqrt{q^*} z)^2 + \sigma_b^2

    Parameters
    ----------
    sigma_w2 : float or array_like
        Weight variance times width, :math:`\sigma_w^2 \ge 0`.
    sigma_b2 : float or array_like
        Bias variance :math:`\sigma_b^2 \ge 0`; broadcast against ``sigma_w2``.
    activation : str
        One of :data:`SUPPORTED`.

    Returns
    -------
    float or ndarray
        :math:`q^*`. With :math:`\sigma_b^2 = 0` and :math:`\sigma_w^2 \le 1` (smooth activations)
        it is 0, the absorbing state. ReLU: :math:`q^* = \sigma_b^2/(1 - \sigma_w^2/2)` for
        :math:`\sigma_w^2 < 2`; ``inf`` where the length grows without bound
        (:math:`\sigma_w^2 > 2`, or :math:`\sigma_w^2 = 2` with :math:`\sigma_b^2 > 0`); ``nan`` at
        :math:`(2, 0)`, where every :math:`q` is a fixed point. ``linear`` likewise with 1 for 2.

    Examples
    --------
    >>> round(q_star(1.5, 0.1, "relu"), 12)
    0.4
    >>> round(q_star(1.0, 0.05), 6)
    0.193593
    """
    return _elementwise(_q_star, sigma_w2, sigma_b2, activation)


def chi1(sigma_w2, sigma_b2, activation="tanh"):
    r"""Mean squared Jacobian singular value :math:`\chi_1` at the fixed point.

    .. math:: \chi_1 = \sigma_w^2 \int Dz\, \phi'(\sqrt{q^*} z)^2

    :math:`\chi_1 < 1`: ordered (nearby inputs converge); :math:`\chi_1 > 1`: chaotic. ReLU:
    :math:`\chi_1 = \sigma_w^2/2` for every :math:`q`. Parameters as in :func:`q_star`.

    Examples
    --------
    >>> chi1(0.7, 0.0)  # q* = 0, so chi1 = sigma_w2 * phi'(0)**2
    0.7
    """
    return _elementwise(_chi1, sigma_w2, sigma_b2, activation)


def critical_sigma_w2(sigma_b2, activation="tanh"):
    r"""The order-to-chaos line: the :math:`\sigma_w^2` at which :math:`\chi_1 = 1`.

    Parameters
    ----------
    sigma_b2 : float or array_like
        Bias variance(s) :math:`\ge 0`.
    activation : str
        One of :data:`SUPPORTED`.

    Returns
    -------
    float or ndarray
        :math:`\sigma_{w,c}^2(\sigma_b^2)`, found by Brent's method to 1e-12. At
        :math:`\sigma_b^2 = 0` it is exactly 1 for the smooth activations (:math:`\chi_1 = \sigma_w^2`
        while :math:`q^* = 0`) and 2 for ReLU (He initialisation).

    Raises
    ------
    ValueError
        For ``relu`` or ``linear`` with :math:`\sigma_b^2 > 0`: there :math:`\chi_1 = 1` only where the
        length map has no fixed point, so the critical line does not exist.
    """
    activation = _activation(activation)
    sb, scalar = _variances("sigma_b2", sigma_b2)

    def one(b):
        if activation in ("relu", "linear"):
            if b > 0.0:
                raise ValueError(
                    f"sigma_b2 must be 0 for activation {activation!r}: with sigma_b2 > 0 the length "
                    f"map has no fixed point where chi1 = 1, so no critical line exists; got {b}"
                )
            return 2.0 if activation == "relu" else 1.0
        if b == 0.0:
            return 1.0
        f = lambda s: _chi1(s, b, activation) - 1.0  # noqa: E731  # < 0 at s = 1 since q* > 0
        hi = 2.0
        while f(hi) <= 0.0:
            hi *= 2.0
            if hi > 2.0**16:
                raise ValueError(f"no critical sigma_w2 below {hi} for sigma_b2={b} ({activation})")
        return optimize.brentq(f, 1.0, hi, xtol=1e-13, rtol=1e-15)

    out = np.array([one(float(b)) for b in sb.flat]).reshape(sb.shape)
    return float(out) if scalar else out


def c_star(sigma_w2, sigma_b2, activation="tanh"):
    r"""Stable fixed point :math:`c^*` of the correlation map (:func:`correlation_map`).

    :math:`c^* = 1` in the ordered phase (:math:`\chi_1 \le 1`), also at :math:`\sigma_b^2 = 0` where
    :math:`q^* = 0` (the limit :math:`\sigma_b^2 \to 0^+`); :math:`c^* < 1` in the chaotic phase,
    :math:`c^* = 0` there when :math:`\sigma_b^2 = 0`. ReLU and linear: always 1. Parameters as in
    :func:`q_star`.
    """
    return _elementwise(_c_star, sigma_w2, sigma_b2, activation)


def xi_c(sigma_w2, sigma_b2, activation="tanh"):
    r"""Depth scale :math:`\xi_c` (layers) over which input correlations approach :math:`c^*`.

    .. math::
        \xi_c^{-1} = -\ln\Big[\sigma_w^2 \int Dz_1 Dz_2\, \phi'(u_1)\,\phi'(u_2)\Big]_{c = c^*},
        \quad u_1 = \sqrt{q^*} z_1,\; u_2 = \sqrt{q^*}\big(c z_1 + \sqrt{1 - c^2} z_2\big)

    (Schoenholz et al. 2017). In the ordered phase :math:`c^* = 1` and :math:`\xi_c = -1/\ln\chi_1`.
    Returns ``inf`` on the critical line (and for ReLU at :math:`\sigma_w^2 \ge 2`), 0 at
    :math:`\sigma_w^2 = 0`. Parameters as in :func:`q_star`.

    Examples
    --------
    >>> round(xi_c(2.0, 0.05), 3)
    25.213
    """
    return _elementwise(_xi_c, sigma_w2, sigma_b2, activation)


def correlation_map(c, sigma_w2, sigma_b2, activation="tanh"):
    r"""One layer of the correlation map at the length fixed point :math:`q^*`.

    .. math:: c^{l+1} = \frac{\sigma_w^2 \int Dz_1 Dz_2\, \phi(u_1)\phi(u_2) + \sigma_b^2}{q^*}

    with :math:`u_{1,2}` as in :func:`xi_c` at :math:`c = c^l`. Vectorised over ``c`` in [-1, 1];
    ``sigma_w2`` and ``sigma_b2`` are scalars with a finite :math:`q^* > 0`.
    """
    act = _activation(activation)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    cs, scalar = _reals("c", c, -1.0, 1.0, "a correlation")
    q = _q_star(sw, sb, act)
    if not (0.0 < q < math.inf):
        raise ValueError(f"the correlation map needs a finite q* > 0; got q*={q} at "
                         f"sigma_w2={sw}, sigma_b2={sb}, activation={act!r}")
    out = np.array([_cmap(float(x), sw, sb, act, q) for x in cs.flat]).reshape(cs.shape)
    return float(out) if scalar else out


def length_map(q, sigma_w2, sigma_b2, activation="tanh"):
    r"""One layer of the length map, :math:`q \mapsto \sigma_w^2 \int Dz\,\phi(\sqrt q z)^2 + \sigma_b^2`.

    Vectorised over ``q`` (:math:`\ge 0`); ``sigma_w2`` and ``sigma_b2`` are scalars.
    """
    act = _activation(activation)
    sw, sb = _validate.variance("sigma_w2", sigma_w2), _validate.variance("sigma_b2", sigma_b2)
    qs, scalar = _variances("q", q)
    if act == "relu":
        out = sw * qs / 2.0 + sb
    elif act == "linear":
        out = sw * qs + sb
    else:
        phi = activations.get(act).numpy_fn
        with np.errstate(over="ignore"):
            out = sw * (phi(np.sqrt(qs)[..., None] * _Z) ** 2 @ _W) + sb
    return float(out) if scalar else out


def length_trajectory(q0, depth, sigma_w2, sigma_b2, activation="tanh"):
    r"""Iterate the length map from :math:`q^0` for ``depth`` layers.

    Returns
    -------
    ndarray, shape (depth + 1,)
        :math:`q^0, q^1, \dots, q^{\mathrm{depth}}`.

    Examples
    --------
    >>> length_trajectory(0.1, 2, 1.0, 0.0, "linear").tolist()
    [0.1, 0.1, 0.1]
    """
    q0 = _validate.variance("q0", q0)
    depth = _validate.integer("depth", depth, minimum=0)
    out = np.empty(depth + 1)
    out[0] = q0
    for layer in range(depth):
        out[layer + 1] = length_map(out[layer], sigma_w2, sigma_b2, activation)
    return out


def finite_width_critical_sigma_w2(width):
    r"""Critical :math:`\sigma_w^2` of the layer-norm avalanche at finite width :math:`N`.

    .. math:: \sigma_{w,c}^2(N) = \exp\!\big[\ln(N/2) - \psi(N/2)\big] = 1 + \frac1N + O(N^{-2})

    With fresh weights in every layer, :math:`h^{l+1} \mid h^l \sim N(0, \sigma_w^2 m_l I_N)`,
    :math:`m_l = N^{-1}\sum_j \phi(h^l_j)^2`, so :math:`q^{l+1} = \sigma_w^2 m_l\, \chi^2_N/N`.
    In the linear regime of an odd activation with :math:`\phi'(0) = 1` (small :math:`q^0`,
    :math:`\sigma_b^2 = 0`), :math:`\ln q` is a random walk with mean step
    :math:`\ln\sigma_w^2 + \mathbb{E}\ln(\chi^2_N/N) = \ln\sigma_w^2 + \psi(N/2) - \ln(N/2)`;
    zero drift gives the formula. It neglects the :math:`O(q)` curvature of the activation.

    Parameters
    ----------
    width : int or array_like of int
        Width :math:`N \ge 1`.

    Examples
    --------
    >>> round(finite_width_critical_sigma_w2(500), 6)
    1.002003
    """
    if isinstance(width, np.ndarray) and width.ndim == 0:
        width = width.item()
    if np.ndim(width) == 0:
        n = np.asarray(float(_validate.integer("width", width, minimum=1)))
    else:
        n = _validate.finite_array("width", width, ndim=None, allow_empty=True)
        if (n != np.round(n)).any() or (n < 1).any():
            raise ValueError(f"width must hold integers >= 1, got {np.asarray(width).ravel().tolist()}")
    half = n / 2.0
    out = np.exp(np.log(half) - special.digamma(half))
    return float(out) if np.ndim(width) == 0 else out
