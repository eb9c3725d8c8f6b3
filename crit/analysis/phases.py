r"""Absorbing and active phases of random deep networks: order parameters and susceptibilities.

A scan runs :func:`crit.models.avalanches.simulate` on a grid of (σ_b², σ_w²) and keeps, for every
network, the counts that the order parameters are made of. Errors are taken from the spread over
networks (jackknife), because quenched disorder dominates (`paper-method.md` §7).

Order parameters
    ρ, the fraction of inputs whose activity survives the full depth (the density of the active
    phase), and S̄, the mean size of the recorded avalanches (the authors' order-parameter curve,
    which includes the never-ending avalanches).

Susceptibilities
    χ = dS̄/dσ_w², by central differences along σ_w² as the authors (``numpy.gradient``), and the
    fluctuation susceptibility χ_F = N · Var_networks(ρ), the network-to-network (disorder)
    variance of ρ with the binomial noise of a finite number of inputs per network removed:
    Var(ρ̂) − ⟨ρ̂(1 − ρ̂)/(B − 1)⟩ for B inputs per network. χ_F is a *disconnected* susceptibility
    of a disordered system (the variance of the quenched average), not a thermal fluctuation one.

Susceptibilities of the avalanches that end
    χ and χ_F include the inputs that never die, so they peak where survival to the last layer
    sets in, a finite-depth effect. S̄_end, the mean size of the avalanches that end before the
    last layer (the analogue of percolation's mean cluster size: an avalanche grows from one random
    seed), and dρ/dσ_w² locate the transition itself (:mod:`crit.analysis.transition`).

Common random numbers
    ``scan(..., common_random_numbers=True)`` draws every σ_w² of a σ_b² row from the same
    underlying normals, scaled: differences along σ_w² are then not differences of noise, and the
    errors of derivatives come from a jackknife that leaves network k out of every grid point at once.

Peaks
    :func:`ridge` locates the maximum of a susceptibility along σ_w² in every σ_b² row, refined by a
    parabola, with a bootstrap error; :func:`peaks` does so for both susceptibilities of a set of
    σ_w² sweeps, one per width.

Undetermined results
    Data that do not allow an answer give NaN, not an error: errors over fewer than 3 networks
    (:func:`crit.analysis.resampling.too_few_networks`), χ_F of a single network, and the peak of a
    row of χ that is constant along σ_w² (every input died, or every input survived: no maximum)
    or holds NaN (undetermined upstream). :class:`Peaks` says why in ``undetermined``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.resampling import jackknife, too_few_networks
from crit.models import avalanches as av
from crit.models import sweeps
from crit.records import Record
from crit.seeds import sub_seed

__all__ = ["Peaks", "PhaseScan", "peaks", "ridge", "ridge_undetermined", "scan"]


@dataclass(frozen=True, eq=False)
class PhaseScan(Record):
    """Per-network counts on a grid of (σ_b², σ_w²); arrays have shape (n_b, n_w, n_networks).

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray
        The grid axes (n_w,) and (n_b,).
    n_in, n_recorded, n_survived : numpy.ndarray of int64
        Inputs sent, avalanches recorded and inputs that never died, per network.
    sum_size : numpy.ndarray of float64
        Sum of the sizes S of the recorded avalanches, per network.
    width, depth, q0, n_inputs, inputs_per_network, activation, seed, device, versions, wall_time_s
        Parameters of every point (``n_inputs`` per point) and provenance.
    n_ended, sum_size_ended, sum_size2_ended : numpy.ndarray or None
        Per network, the recorded avalanches that ended before the last layer (not surviving), and
        the sums of their S and S². ``None`` in a scan saved before they were kept (its methods
        that need them raise and ask for a new scan).
    common_random_numbers : bool
        Whether every σ_w² of a σ_b² row drew the same underlying normals (see :func:`scan`).
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    n_in: np.ndarray
    n_recorded: np.ndarray
    n_survived: np.ndarray
    sum_size: np.ndarray
    width: int
    depth: int
    q0: float
    n_inputs: int
    inputs_per_network: int
    activation: str
    seed: int
    device: str
    versions: dict
    wall_time_s: float
    n_ended: np.ndarray | None = None
    sum_size_ended: np.ndarray | None = None
    sum_size2_ended: np.ndarray | None = None
    common_random_numbers: bool = False

    @property
    def undetermined(self) -> str:
        """Why the errors of this scan's order parameters and susceptibilities are NaN (fewer than 3
        networks), and χ_F itself (a single network); empty when they are determined."""
        m = self.n_in.shape[-1]
        reason = too_few_networks(m)
        return reason + "; the disorder variance chi_F needs at least 2 networks" if m < 2 else reason

    def surviving_fraction(self):
        """ρ pooled over networks and its jackknife error, each of shape (n_b, n_w) (errors NaN with
        fewer than 3 networks: see :attr:`undetermined`)."""
        return jackknife(_pooled, self.n_survived, self.n_in)

    def mean_size(self):
        """S̄ = Σ S / (number recorded), pooled over networks (the authors'), and its error (S̄ = 0 where
        nothing was recorded; errors NaN with fewer than 3 networks)."""
        return jackknife(_ratio, self.sum_size, self.n_recorded)

    def response_susceptibility(self, *, errors=True):
        """χ = dS̄/dσ_w² (central differences, as ``numpy.gradient``) and its error, shape (n_b, n_w).

        Units of S per unit σ_w². Errors as :meth:`survival_derivative`'s (``errors=False``: NaN, not computed).
        """
        return self._derivative(_ratio, self.sum_size, self.n_recorded, what="the response susceptibility",
                                errors=errors)

    def survival_derivative(self, *, errors=True):
        """dρ/dσ_w² (central differences, as ``numpy.gradient``; one-sided at the ends of the grid)
        and its error, shape (n_b, n_w), per unit σ_w².

        Independent grid points (``common_random_numbers`` False): the jackknife variances of ρ
        add. Paired points (True): a jackknife that leaves network k out of every grid point at
        once, so the correlation of the paired points is kept. Errors NaN with fewer than 3 networks
        (``errors=False``: NaN, not computed, for resampling loops).
        """
        return self._derivative(_pooled, self.n_survived, self.n_in, what="the survival derivative", errors=errors)

    def ended_mean_size(self, *, errors=True):
        """S̄_end, the mean size of the avalanches that end before the last layer, and its
        jackknife error over networks, each of shape (n_b, n_w) (units of S).

        NaN where no avalanche ended (every input survived, or none was recorded): the mean of
        nothing is undetermined. Errors NaN with fewer than 3 networks (``errors=False``: NaN, not
        computed).

        Raises
        ------
        ValueError
            For a scan saved before the ended counts were kept (``n_ended`` is None).
        """
        self._require_ended()
        return _estimate(_ended_ratio, self.sum_size_ended, self.n_ended, errors=errors)

    def _require_ended(self):
        if self.n_ended is None or self.sum_size_ended is None:
            raise ValueError("this PhaseScan holds no counts of the ended avalanches (it was saved before they "
                             "were kept): run crit.analysis.phases.scan again")

    def _derivative(self, estimator, *arrays, what, errors):
        if self.sigma_w2.size < 2:
            raise ValueError(f"{what} needs at least 2 values of sigma_w2")
        operator = np.gradient(np.eye(self.sigma_w2.size), self.sigma_w2, axis=0)  # linear map
        if self.common_random_numbers or not errors:
            return _estimate(lambda *a: estimator(*a) @ operator.T, *arrays, errors=errors)
        mean, err = jackknife(estimator, *arrays)
        return mean @ operator.T, np.sqrt((err**2) @ (operator**2).T)

    def fluctuation_susceptibility(self, *, errors=True):
        """χ_F = N · (disorder variance of ρ over networks) and its jackknife error (NaN error with
        fewer than 3 networks, NaN χ_F with one: see :attr:`undetermined`; ``errors=False``: NaN)."""
        return _estimate(lambda s, n: self.width * _disorder_variance(s, n), self.n_survived, self.n_in, errors=errors)


def _estimate(estimator, *arrays, errors):
    """``jackknife(estimator, *arrays)``, or the estimate with NaN errors when ``errors`` is False."""
    if errors:
        return jackknife(estimator, *arrays)
    full = estimator(*arrays)
    return full, np.full(np.shape(full), np.nan)


def _pooled(num, den):
    return num.sum(-1) / den.sum(-1)


def _ratio(num, den):
    total = den.sum(-1)
    return np.where(total > 0, num.sum(-1) / np.maximum(total, 1), 0.0)


def _ended_ratio(num, den):
    total = den.sum(-1)
    return np.where(total > 0, num.sum(-1) / np.maximum(total, 1), np.nan)


def _disorder_variance(survived, inputs):
    if survived.shape[-1] < 2:  # one network has no variance over networks
        return np.full(survived.shape[:-1], np.nan)
    rho = survived / inputs
    binomial = (rho * (1 - rho) / np.maximum(inputs - 1, 1)).mean(-1)
    return rho.var(-1, ddof=1) - binomial


def scan(
    sigma_w2,
    sigma_b2=0.0,
    *,
    width,
    depth,
    n_inputs,
    inputs_per_network=100,
    q0=0.1,
    activation="tanh",
    seed=0,
    device=None,
    progress=None,
    common_random_numbers=False,
) -> PhaseScan:
    """Simulate every point of the (σ_b², σ_w²) grid and keep per-network counts.

    Fewer than 3 networks is a request error here, as the arguments set the number of networks
    (nothing is drawn); a :class:`PhaseScan` of fewer networks, built otherwise, gives NaN errors.

    Parameters
    ----------
    sigma_w2 : array_like
        Weight variances ×N, increasing (n_w,).
    sigma_b2 : float or array_like
        Bias variances (n_b,).
    width, depth, n_inputs, inputs_per_network, q0, activation, device
        As in :func:`crit.models.avalanches.simulate`; ``n_inputs`` per grid point, a whole number of
        networks (at least 3, for the jackknife).
    seed : int
        Without common random numbers, point (i, j) of the grid uses seed ``sub_seed(seed, i, j)``
        (:func:`crit.seeds.sub_seed`): points are independent. With them, see below.
    common_random_numbers : bool
        If True, every σ_w² of row i runs the same networks and inputs
        (:func:`crit.models.sweeps.simulate_sweep` with seed ``sub_seed(seed, i, "crn")``): the
        normals of every W^l and b^l are drawn once, keyed by network block and layer, and scaled by
        √(σ_w²/N) and √σ_b², and the whole row is propagated in one batched product. Another grid
        with the same seed (a refinement round) meets the same networks. False (default): each
        point draws its own networks with :func:`crit.models.avalanches.simulate`.

    Returns
    -------
    PhaseScan
    """
    sw = _validate.finite_array("sigma_w2", sigma_w2)
    sb = _validate.finite_array("sigma_b2", np.atleast_1d(sigma_b2))
    if (sw < 0).any() or (sb < 0).any():
        raise ValueError("sigma_w2 and sigma_b2 are variances: every value must be >= 0")
    if np.any(np.diff(sw) <= 0):
        raise ValueError(f"sigma_w2 must be strictly increasing, got {sw.tolist()}")
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=1)
    inputs_per_network = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    if n_inputs % inputs_per_network or n_inputs // inputs_per_network < 3:
        raise ValueError(
            f"n_inputs ({n_inputs}) must be a multiple of inputs_per_network ({inputs_per_network}) "
            "covering at least 3 networks"
        )
    seed = _validate.integer("seed", seed, minimum=0)
    if not isinstance(common_random_numbers, (bool, np.bool_)):
        raise TypeError(f"common_random_numbers must be True or False, got {common_random_numbers!r}")
    m = n_inputs // inputs_per_network
    shape = (sb.size, sw.size, m)
    names = ("n_in", "n_recorded", "n_survived", "n_ended", "sum_size", "sum_size_ended", "sum_size2_ended")
    out = {k: np.zeros(shape, np.int64 if k.startswith("n_") else float) for k in names}
    start = time.perf_counter()
    dev = av.resolve_device(device)
    common = {"q0": q0, "activation": activation, "device": dev, "progress": progress}
    for i, b2 in enumerate(sb):
        if common_random_numbers:
            row = sweeps.simulate_sweep(width, depth, sw, b2, n_networks=m, inputs_per_network=inputs_per_network,
                                        q0=q0, activation=activation, seed=sub_seed(seed, i, "crn"), device=dev)
            for j, rec in enumerate(row):
                for name, value in _network_counts(rec).items():
                    out[name][i, j] = value
            continue
        for j, w2 in enumerate(sw):
            rec = av.simulate(width, depth, w2, b2, n_inputs=n_inputs, inputs_per_network=inputs_per_network,
                              seed=sub_seed(seed, i, j), **common)
            for name, value in _network_counts(rec).items():
                out[name][i, j] = value
    return PhaseScan(
        sigma_w2=sw, sigma_b2=sb, **out, width=rec.width, depth=rec.depth, q0=rec.q0, n_inputs=n_inputs,
        inputs_per_network=inputs_per_network, activation=activation, seed=seed, device=str(dev),
        versions=rec.versions, wall_time_s=time.perf_counter() - start,
        common_random_numbers=bool(common_random_numbers),
    )


def _network_counts(rec) -> dict:
    """Per-network counts of one :class:`~crit.models.avalanches.Avalanches` run."""
    ended = ~rec.survived
    sizes = np.where(ended, rec.sizes, 0.0)
    return {
        "n_in": rec.inputs_per_network_array,
        "n_recorded": np.bincount(rec.network, minlength=rec.n_networks),
        "n_survived": rec.per_network_sum(rec.survived).round().astype(np.int64),
        "n_ended": rec.per_network_sum(ended).round().astype(np.int64),
        "sum_size": rec.per_network_sum(rec.sizes),
        "sum_size_ended": rec.per_network_sum(sizes),
        "sum_size2_ended": rec.per_network_sum(sizes**2),
    }


def ridge(sigma_w2, chi, err, *, rng, n_resamples=200):
    """Position of the maximum of χ(σ_w²) in every row, refined by a parabola, with its error.

    The error comes from a parametric bootstrap: χ is redrawn from N(χ, err²) ``n_resamples``
    times and the refined maximum recomputed.

    Parameters
    ----------
    sigma_w2 : array_like, shape (n_w,)
        At least 3 values.
    chi, err : array_like, shape (n_b, n_w)
        The susceptibility (NaN where undetermined upstream) and its error (≥ 0; NaN where
        undetermined, e.g. over fewer than 3 networks).
    rng : numpy.random.Generator
    n_resamples : int
        Draws of the parametric bootstrap (at least 2).

    Returns
    -------
    (peak, peak_err, height) : tuple of numpy.ndarray, shape (n_b,)
        In units of σ_w² and of χ. All three are NaN in a row with no maximum to locate (χ constant
        along σ_w², or NaN anywhere in the row); ``peak_err`` alone is NaN where ``err`` holds NaN.
        :func:`ridge_undetermined` gives the reason of each row.
    """
    rng = _validate.rng("rng", rng)
    x = _validate.finite_array("sigma_w2", sigma_w2)
    chi, err = _ridge_input(x, chi, err)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=2)
    no_peak = np.array([bool(r) for r in ridge_undetermined(chi)], dtype=bool)
    no_err = no_peak | np.isnan(err).any(-1)
    # undetermined rows are located on zeros and blanked afterwards: rows do not mix, so the others
    # are exactly what they would be alone, and rng is drawn from as for determined data
    peak, height = _vertex(x, np.where(no_peak[:, None], 0.0, chi))
    draws = chi[None] + err[None] * rng.standard_normal((n_resamples,) + chi.shape)
    peaks = _vertex(x, np.where(no_err[None, :, None], 0.0, draws))[0]
    nan = np.nan
    return np.where(no_peak, nan, peak), np.where(no_err, nan, peaks.std(0, ddof=1)), np.where(no_peak, nan, height)


def _ridge_input(x, chi, err):
    chi = np.atleast_2d(np.asarray(chi, float))
    err = np.atleast_2d(np.asarray(err, float))
    if x.size < 3:
        raise ValueError("a ridge needs at least 3 values of sigma_w2")
    if chi.ndim != 2 or chi.shape[-1] != x.size:
        raise ValueError(f"chi must have shape (n_b, {x.size}) to match sigma_w2, got {chi.shape}")
    if err.shape != chi.shape:
        raise ValueError(f"err must have the shape of chi {chi.shape}, got {err.shape}")
    if np.isinf(chi).any() or np.isinf(err).any():
        raise ValueError("chi and err must not hold inf (NaN marks an undetermined value)")
    if (err < 0).any():
        raise ValueError("err is a standard error: every value must be >= 0")
    return chi, err


def ridge_undetermined(chi) -> list:
    """Why :func:`ridge` finds no peak in each row of ``chi`` (shape (n_b, n_w)); ``""`` where it finds one.

    Examples
    --------
    >>> ridge_undetermined([[0.0, 0.0, 0.0], [1.0, 2.0, 1.0]])
    ['chi is constant along sigma_w2 (0): no maximum to locate', '']
    """
    out = []
    for row in np.atleast_2d(np.asarray(chi, float)):
        n_nan = int(np.isnan(row).sum())
        if n_nan:
            out.append(f"chi is NaN (undetermined) at {n_nan} of {row.size} values of sigma_w2")
        elif row.size and np.ptp(row) == 0:
            out.append(f"chi is constant along sigma_w2 ({row[0]:g}): no maximum to locate")
        else:
            out.append("")
    return out


def _vertex(x, y):
    """Maximum of y along the last axis, refined by the parabola through it and its neighbours."""
    k = np.clip(np.argmax(y, axis=-1), 1, x.size - 2)
    x0, x1, x2 = x[k - 1], x[k], x[k + 1]
    take = lambda o: np.take_along_axis(y, (k + o)[..., None], -1)[..., 0]
    y0, y1, y2 = take(-1), take(0), take(1)
    denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
    a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
    b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / denom
    c = y1 - a * x1**2 - b * x1
    vertex = np.where(a < 0, -b / (2 * np.where(a == 0, 1, a)), x1)
    vertex = np.clip(vertex, x0, x2)
    return vertex, a * vertex**2 + b * vertex + c


@dataclass(frozen=True, eq=False)
class Peaks(Record):
    """Susceptibility peaks of σ_w² sweeps at σ_b² = 0, one entry per width.

    Attributes
    ----------
    width, depth : numpy.ndarray of int
    critical : numpy.ndarray
        Finite-width critical point exp(ln(N/2) − ψ(N/2)) of each width.
    response_peak, response_err, response_height : numpy.ndarray
        Position (σ_w²), its error and height of the maximum of χ = dS̄/dσ_w².
    fluctuation_peak, fluctuation_err, fluctuation_height : numpy.ndarray
        The same for χ_F = N · Var_networks(ρ).
    undetermined : tuple of str
        Per width, why some of its numbers are NaN (``""`` where all were determined).
    """

    width: np.ndarray
    depth: np.ndarray
    critical: np.ndarray
    response_peak: np.ndarray
    response_err: np.ndarray
    response_height: np.ndarray
    fluctuation_peak: np.ndarray
    fluctuation_err: np.ndarray
    fluctuation_height: np.ndarray
    undetermined: tuple = ()

    @property
    def determined(self) -> bool:
        """Whether every width's peaks and errors were determined (see ``undetermined``)."""
        return not any(self.undetermined)


def peaks(sweeps: dict, *, rng) -> Peaks:
    """Locate both susceptibility peaks of every sweep with :func:`ridge`.

    Parameters
    ----------
    sweeps : dict
        ``{width: PhaseScan}``, each at one σ_b² and at least 3 values of σ_w².
    rng : numpy.random.Generator
        Stream of the bootstrap errors, consumed width by width (increasing), χ before χ_F.

    Returns
    -------
    Peaks
        One entry per width, in increasing order; NaN where a peak or its error is undetermined,
        with the reason in ``undetermined``.
    """
    from crit.models.theory import finite_width_critical_sigma_w2

    if not isinstance(sweeps, dict):
        raise TypeError(f"sweeps must be a dict {{width: PhaseScan}}, got {type(sweeps).__name__}")
    rows, reasons = [], []
    for width, s in sorted(sweeps.items()):
        row, why = [width, s.depth, finite_width_critical_sigma_w2(width)], []
        for name, (chi, err) in (("chi", s.response_susceptibility()), ("chi_F", s.fluctuation_susceptibility())):
            peak, peak_err, height = ridge(s.sigma_w2, chi, err, rng=rng)
            row += [peak[0], peak_err[0], height[0]]
            reason = ridge_undetermined(chi)[0]
            if np.isnan(peak_err[0]) and "constant" not in reason:  # NaN from the scan: say why
                reason = "; ".join(r for r in (reason or "its error is NaN", s.undetermined) if r)
            why += [f"{name} peak: {reason}"] if reason else []
        rows.append(row)
        reasons.append("; ".join(why))
    cols = np.array(rows, dtype=float).reshape(-1, 9).T
    return Peaks(cols[0].astype(np.int64), cols[1].astype(np.int64), *cols[2:], undetermined=tuple(reasons))
