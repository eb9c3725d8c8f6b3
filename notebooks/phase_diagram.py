# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Absorbing and active phases
#
# **Claim** (Ghavasieh et al. {cite}`ghavasieh2025physics`): a random deep network with weights
# $W \sim \mathcal N(0, \sigma_w^2/N)$ and biases $b \sim \mathcal N(0, \sigma_b^2)$ has an
# *absorbing* phase, where a perturbation of its input dies out within a few layers, and an *active*
# phase, where it survives to the last layer. Between them the susceptibility peaks. With biases
# ($\sigma_b^2 > 0$, a drive) there is no true transition, only a ridge of maximal susceptibility:
# the quasi-critical line.
#
# This chapter measures the order parameters and two susceptibilities across $\sigma_w^2$ for
# several widths $N$, maps the susceptibility in the $(\sigma_w^2, \sigma_b^2)$ plane, and, in the
# paper profile, reruns the authors' own susceptibility scan. Definitions are on the
# [methods](methods.md) page; every error bar is the spread over independent networks (jackknife).

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": small networks for 2 CPU cores (minutes); "paper": the paper's sizes (GPU)
SEED = 0  # seed of the first grid point; every point and width gets its own seed from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown

from crit.book import style
from crit.chapters import phase_diagram as chapter

style.use()
settings = chapter.PROFILES[PROFILE]
settings

# %% [markdown]
# Every scan below is computed once and kept in the results cache (`.cache/`), keyed by its
# parameters and the `crit` version; change a parameter above and it is recomputed.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE)

# %% [markdown]
# ## Order parameters
#
# The fraction $\rho$ of inputs whose activity survives the whole depth and the mean avalanche size
# $\bar S$ (the authors' order-parameter curve) against $\sigma_w^2$ at $\sigma_b^2 = 0$. Dashed
# lines mark the finite-width critical point $\sigma_{w,c}^2(N) = e^{\ln(N/2) - \psi(N/2)} \approx 1 + 1/N$
# of each width, the dotted line the mean-field point $\sigma_w^2 = 1$.

# %%
chapter.order_parameters(results.sweeps);

# %% [markdown]
# Both order parameters are zero within their errors deep in the absorbing phase and rise through
# the finite-width critical point. For the widest network the surviving fraction at the largest
# $\sigma_w^2$ of the sweep is {glue:text}`rho_top:.3f`, and at $\sigma_w^2 = 1$ it is
# {glue:text}`rho_one:.3f` (finite depth lets a few inputs through even below the transition).

# %%
style.glue("rho_top", results.rho_top)
style.glue("rho_one", results.rho_at_one)

# %% [markdown]
# ## Susceptibilities
#
# The response susceptibility $\chi = d\bar S/d\sigma_w^2$ (central differences, as the authors
# compute it; scaled to its maximum so that widths can be compared) and the fluctuation
# susceptibility $\chi_F = N\,\mathrm{Var}_{\rm networks}(\rho)$, the disorder part of the
# network-to-network variance of $\rho$. Triangles mark the peaks, refined by a parabola, with
# errors from resampling $\chi$ within its error band.

# %%
chapter.susceptibilities(results.sweeps, results.peaks);

# %% [markdown]
# The peak positions against the width, with the finite-width critical point of each:

# %%
Markdown(chapter.peaks_table(results.peaks))

# %%
shift = results.peaks.response_peak - results.peaks.critical
style.glue("shift_narrow", shift[0])
style.glue("shift_wide", shift[-1])
style.glue("n_narrow", int(results.peaks.width[0]))
style.glue("n_wide", int(results.peaks.width[-1]))

# %% [markdown]
# The peak of $\chi$ sits above the finite-width critical point by {glue:text}`shift_narrow:.3f`
# at $N = $ {glue:text}`n_narrow` and by {glue:text}`shift_wide:.3f` at $N = $ {glue:text}`n_wide`:
# the depth here grows with the width, so a wider, deeper network needs a smaller excess of
# $\sigma_w^2$ for its activity to outlive the depth, and the peaks move towards
# $\sigma_{w,c}^2(N) \to 1$ and narrow as $N$ grows.

# %% [markdown]
# The table lists, for each width, the peaks of $\chi$ and $\chi_F$ in a second set of $\sigma_w^2$
# scans at $\sigma_b^2 = 0$, whose grid is centred on $\sigma_{w,c}^2(N)$ and narrows as $1/\sqrt N$,
# with the depth of each scan:

# %%
Markdown(chapter.peaks_table(results.narrow_peaks, heights=False))

# %% [markdown]
# ## The quasi-critical line
#
# With biases the silent state is no longer absorbing: the drive keeps feeding activity in. The map
# shows $\chi = d\bar S/d\sigma_w^2$ in the $(\sigma_w^2, \sigma_b^2)$ plane, each row scaled to
# its maximum; dots mark the ridge of maxima, the dashed line the mean-field order-to-chaos line
# $\chi_1 = 1$ from `crit.models.theory`, the star the finite-width critical point at $\sigma_b^2 = 0$.

# %% tags=["nbval-ignore-output"]
chapter.susceptibility_map(results.map, results.map_ridge_peak, results.map_ridge_err);

# %%
Markdown(chapter.ridge_table(results))

# %%
sharp = results.sharp_row  # the strongest drive whose ridge is still located sharply
style.glue("ridge_zero", results.map_ridge_peak[0])
style.glue("sharp_b2", float(results.map.sigma_b2[sharp]))
style.glue("sharp_ridge", results.map_ridge_peak[sharp])
style.glue("sharp_mf", results.map_mean_field[sharp])
style.glue("strong_err", results.map_ridge_err[-1])

# %% [markdown]
# Without drive the ridge sits at $\sigma_w^2 =$ {glue:text}`ridge_zero:.3f`, the undriven peak of
# this width and depth, while the mean-field line starts at 1. Up to $\sigma_b^2 =$
# {glue:text}`sharp_b2` the ridge is still sharp and lies at {glue:text}`sharp_ridge:.3f`, where the
# mean-field line has moved to {glue:text}`sharp_mf:.3f`. At the strongest drive the susceptibility
# flattens and its maximum is poorly defined (± {glue:text}`strong_err:.2f`): there the drive, not
# $\sigma_w^2$, keeps the activity alive. "Closest to the mean-field critical line" and "largest
# susceptibility" are therefore different prescriptions for an initialisation; which one predicts
# learning is the subject of a later chapter.

# %% [markdown]
# ## The authors' scan
#
# In the paper profile we rerun the authors' susceptibility scan (width 300, depth 500,
# $10^4$ inputs per point, a new network every 1000 inputs, $\sigma_w^2 \in [0.95, 1.4]$ in 20 steps,
# $\sigma_b^2 = 0$), whose $\chi$ peaked near $\sigma_w^2 \approx 1.045$ in their notebook. The CI
# profile skips it.

# %%
if results.authors is not None:
    chapter.authors_run(results.authors)
print(chapter.authors_summary(results))

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only phase_diagram` rebuilds this page; `--profile paper --device cuda`
# runs the paper's sizes. To explore, change `PROFILE`, `SEED` or `DEVICE` above, pass settings of
# your own to `chapter.compute(dataclasses.replace(chapter.PROFILES["ci"], widths=(16, 32)))`, or call
# `crit.analysis.phases.scan(...)` with your own grid, width, depth and activation.
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/phase_diagram.py`.
# ```
