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
#
# {glue:md}`profile_statement:myst`

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": small networks for 2 CPU cores (minutes); "paper": the paper's sizes (GPU)
SEED = 0  # seed of the first grid point; every point and width gets its own seed from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import phase_diagram as chapter

style.use()
display(chapter.PROFILES[PROFILE])

# %% [markdown]
# Every scan below is computed once and kept in the results cache (`.cache/`), keyed by its
# parameters and the `crit` version; change a parameter above and it is recomputed.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE, seed=SEED))
claims.glue_claim(chapter.claim(results))

# %% [markdown]
# ## Order parameters
#
# The fraction $\rho$ of inputs whose activity survives the whole depth and the mean avalanche size
# $\bar S$ (the authors' order-parameter curve) against $\sigma_w^2$ at $\sigma_b^2 = 0$. Dashed
# lines mark the finite-width critical point $\sigma_{w,c}^2(N) = e^{\ln(N/2) - \psi(N/2)} \approx 1 + 1/N$
# of each width, the dotted line the mean-field point $\sigma_w^2 = 1$.

# %%
chapter.order_parameters(results.sweeps);

# %%
order = chapter.order_parameter_verdicts(results)
style.glue_md("phases", chapter.phases_sentence(results))
style.glue_md("rho_one", order["rho_one"])

# %% [markdown]
# {glue:md}`phases:myst`. An avalanche of the absorbing phase still has a size before it dies, so
# $\bar S$ measures how far a perturbation spreads and need not vanish there; $\rho$ is the order
# parameter that is zero in an absorbing phase. Because the depth is finite, an input can also
# survive the whole depth just below the transition; at $\sigma_w^2 = 1$, below $\sigma_{w,c}^2(N)$ of
# the widest sweep, {glue:md}`rho_one:myst`.

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
style.glue_md("peak_narrow", chapter.peak_verdict(results.peaks, 0))
style.glue_md("peak_wide", chapter.peak_verdict(results.peaks, -1))
style.glue_md("shift_trend", chapter.peak_shift_trend(results.peaks))
style.glue_md("width_trend", chapter.peak_width_trend(results))

# %% [markdown]
# For the narrowest sweep, {glue:md}`peak_narrow:myst`; for the widest, {glue:md}`peak_wide:myst`.
# The depth here grows with the width, and a deeper network needs a smaller excess of $\sigma_w^2$
# above $\sigma_{w,c}^2(N)$ for its activity to outlive the depth; that would move the peak towards
# $\sigma_{w,c}^2(N) \to 1$ as $N$ grows. Fitted against $\ln N$ with the peak errors as weights,
# {glue:md}`shift_trend:myst`. The width of the peak is its full width at half maximum (both
# crossings interpolated linearly, the error from redrawing $\chi$ within its errors):
# {glue:md}`width_trend:myst`.

# %% [markdown]
# The table lists, for each width, the peaks of $\chi$ and $\chi_F$ in a second set of $\sigma_w^2$
# scans at $\sigma_b^2 = 0$, whose grid is centred on $\sigma_{w,c}^2(N)$ and narrows as $1/\sqrt N$,
# with the depth of each scan:

# %%
Markdown(chapter.peaks_table(results.narrow_peaks, heights=False))

# %%
style.glue_md("narrow_trend", chapter.peak_shift_trend(results.narrow_peaks))

# %% [markdown]
# In these scans, {glue:md}`narrow_trend:myst`.

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
ridge = chapter.ridge_verdicts(results)
for name in ("zero", "sharp", "strong"):
    style.glue_md(f"ridge_{name}", ridge[name])

# %% [markdown]
# A ridge counts as located when its bootstrap error is below the $\sigma_w^2$ step of the map's
# grid at the ridge. {glue:md}`ridge_zero:myst`; the mean-field line starts at 1.
# {glue:md}`ridge_sharp:myst`. {glue:md}`ridge_strong:myst`. Where the ridge and the mean-field
# line part, "closest to the mean-field critical line" and "largest susceptibility" are different
# prescriptions for an initialisation; which one predicts learning is the subject of a later
# chapter.

# %% [markdown]
# ## The authors' scan
#
# In the paper profile we rerun the authors' susceptibility scan (width 300, depth 500,
# $10^4$ inputs per point, a new network every 1000 inputs, $\sigma_w^2 \in [0.95, 1.4]$ in 20 steps,
# $\sigma_b^2 = 0$), whose $\chi$ peaked near $\sigma_w^2 \approx 1.045$ in their notebook, a point
# of their grid; its position is taken as known to one grid step (an error of step$/\sqrt{12}$).
# {glue:md}`authors:myst`.

# %%
style.glue_md("authors", chapter.authors_verdict(results))
if results.authors is not None:
    chapter.authors_run(results.authors)

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only phase_diagram` rebuilds this page; `--profile paper --device cuda`
# runs the paper's sizes. To explore, change `PROFILE`, `SEED` or `DEVICE` above, pass settings of
# your own to `chapter.compute(dataclasses.replace(chapter.PROFILES["ci"], widths=(16, 32)))`, or call
# `crit.analysis.phases.scan(...)` with your own grid, width, depth and activation.
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/phase_diagram.py`.
# ```
