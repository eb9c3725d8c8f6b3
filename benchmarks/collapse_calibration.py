"""Calibration study: do the finite-size errors of the universality chapter match the spread of their
values over independent draws of the networks?

Not a speed benchmark: it prints, never fails. On one system of the chapter's CI sweep (default the
driven tanh line: widths 32 to 256, depth 6N, 2400 inputs, 40 inputs per network) it draws new networks
at each seed, measures the width exponents of the cut-offs, b_S and b_T, and b_S/b_T with their
jackknife errors over blocks of networks (:func:`crit.analysis.finite_size.cutoff_exponent_errors`),
and collapses the sizes over widths as the chapter does: σ at the fitted τ_s of the widest N, its
error from balanced half-samples with τ_s refitted in each (the chapter's error) and with τ_s held
fixed (the error that leaves out the fit's spread). Each error is set beside the scatter of its value
over the seeds (:func:`_calibration.ratio_line`): a calibrated error has a scatter/rms-error ratio near 1
and leaves about 5 % of the seeds beyond 2 errors of the mean over seeds. Each ratio is printed with
its 90 % interval over resamples of the seeds (over 40 seeds it is known only to about ±0.2, over 400
to about ±0.07). The methods page gives the 400-seed numbers.

    python benchmarks/collapse_calibration.py --seeds 0-399 --jobs 2

About 4 s per seed on one core of an AMD EPYC (400 seeds in 15 min with --jobs 2).
"""

import argparse
import functools

import numpy as np
from _calibration import over_seeds, ratio_line

from crit.analysis import collapse, finite_size
from crit.book.stability import parse_seeds
from crit.chapters import universality_classes as chapter
from crit.models import avalanches
from crit.seeds import sub_seed

COLUMNS = ("b_S", "err", "b_T", "err", "b_S/b_T", "err", "tau_s", "err", "sigma", "err", "err fixed")


def measure(seed, system):
    """The values and errors of :data:`COLUMNS` at one seed of the CI sweep of ``system``."""
    s = chapter.PROFILES["ci"]
    runs = {}
    for width in s.widths:
        w2, b2, act = finite_size.operating_point(system, width, scaled_drive=s.scaled_drive)
        runs[width] = avalanches.simulate(width, s.depth(width), w2, b2, n_inputs=s.n_inputs,
                                          inputs_per_network=s.inputs_per_network, activation=act,
                                          seed=sub_seed(seed, "sweep", system, width), device="cpu")
    f = finite_size.finite_size_scaling(runs, system, pipeline=chapter.PIPELINE)
    refitted = chapter._size_collapse(runs, f)
    tau = float(f.tau_s[-1])
    fixed = collapse.size_collapse(runs, tau=tau).sigma_err if tau > 1.0 else float("nan")
    return (f.size_cutoff_exponent, f.size_cutoff_exponent_err, f.duration_cutoff_exponent,
            f.duration_cutoff_exponent_err, f.cutoff_ratio, f.cutoff_ratio_err, tau, float(f.tau_s_err[-1]),
            refitted.sigma, refitted.sigma_err, fixed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-19", help="seeds, e.g. 0-39 or 0,3,7 (default 0-19)")
    parser.add_argument("--system", choices=finite_size.SYSTEMS, default="tanh, driven",
                        help="which dense sweep of the chapter (default the driven tanh line)")
    parser.add_argument("--jobs", type=int, default=1, help="processes, one seed each at a time (default 1)")
    args = parser.parse_args()
    print(f"{'seed':>5} " + " ".join(f"{c:>9}" for c in COLUMNS))
    rows = []
    for seed, row in over_seeds(functools.partial(measure, system=args.system), parse_seeds(args.seeds), args.jobs):
        rows.append(row)
        print(f"{seed:>5} " + " ".join(f"{x:>9.3f}" for x in row), flush=True)
    b_s, b_s_err, b_t, b_t_err, ratio, ratio_err, tau, tau_err, sigma, sigma_err, fixed_err = np.array(rows, float).T
    print(f"\n{len(rows)} seeds, {args.system}; means over the seeds: b_S {np.nanmean(b_s):.3f}, "
          f"b_T {np.nanmean(b_t):.3f}, b_S/b_T {np.nanmean(ratio):.3f}, τ_s {np.nanmean(tau):.3f}, "
          f"σ {np.nanmean(sigma):.3f}")
    for name, value, error in (("b_S (jackknife over blocks)", b_s, b_s_err), ("b_T", b_t, b_t_err),
                               ("b_S/b_T", ratio, ratio_err), ("τ_s of the widest N", tau, tau_err),
                               ("σ, τ_s refitted (the chapter)", sigma, sigma_err),
                               ("σ, τ_s held fixed", sigma, fixed_err)):
        print(ratio_line(name, value, error))


if __name__ == "__main__":
    main()
