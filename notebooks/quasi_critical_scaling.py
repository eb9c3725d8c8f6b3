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
# # Quasi-critical scaling
#
# **Claim** (Ghavasieh et al. {cite}`ghavasieh2025physics`): avalanches in random deep networks
# follow power laws, $P(S) \sim S^{-\tau_s}$ and $P(T) \sim T^{-\tau_d}$, with
# $\langle S\rangle(T) \sim T^{\gamma}$, and the exponents obey the crackling-noise relation
# $\gamma = (\tau_d - 1)/(\tau_s - 1)$ {cite}`sethna2001crackling` — at the critical point, and
# approximately in the quasi-critical regime that input drive (biases) creates, where the exponents
# themselves drift {cite}`fosque2021quasicritical`.
#
# We fit every exponent twice: with the authors' choices and with ours (methods page), because how a
# power law is fitted changes the numbers more than their error bars say. Error bars are the spread
# over a bootstrap of whole networks (quenched disorder, see the methods page).

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": width 100, depth 200, 10^5 inputs (2 CPU cores); "paper": the authors' run (GPU)
SEED = 0  # seed of the simulations and of every bootstrap
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown

from crit.book import style
from crit.chapters import quasi_critical_scaling as chapter

style.use()
settings = chapter.PROFILES[PROFILE]
settings

# %% [markdown]
# The simulation at the critical point (the finite-width critical point
# $\sigma_w^2 = e^{\ln(N/2)-\psi(N/2)}$ of the CI width; the authors' $\sigma_w^2 = 1.002$ at width
# 500 in the paper profile), the fits and the drive sweep are computed once and cached.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE)

# %% [markdown]
# ## Distributions, fits and $\langle S\rangle(T)$
#
# Both fitted power laws are drawn over the range each was fitted on, anchored to the data there.

# %%
chapter.distributions(results.point);

# %% [markdown]
# The shape collapse of the mean traces $\bar V(\ell)$ of avalanches of equal duration, rescaled
# by $T^{1-\gamma^*}$ (the authors' panel (f)):

# %%
chapter.collapse(results.point);

# %% [markdown]
# ## The fits side by side

# %%
Markdown(chapter.comparison_table(results))

# %%
a, o = results.point.authors, results.point.ours
style.glue("a_tau_s", a.tau_s)
style.glue("a_tau_d", a.tau_d)
style.glue("a_gamma", a.gamma)
style.glue("a_pred", a.gamma_pred)
style.glue("a_dist", a.distance)
style.glue("o_tau_s", o.tau_s)
style.glue("o_tau_d", o.tau_d)
style.glue("o_dist", o.distance)
style.glue("o_p_s", o.p_s)
style.glue("o_p_d", o.p_d)
style.glue("iid_ratio", results.iid_ratio)
style.glue("gamma_star", results.point.collapse.gamma)

# %% [markdown]
# With the authors' choices we find $\tau_s =$ {glue:text}`a_tau_s:.3f`, $\tau_d =$
# {glue:text}`a_tau_d:.3f`, $\gamma =$ {glue:text}`a_gamma:.3f` against a predicted
# {glue:text}`a_pred:.3f` ({glue:text}`a_dist:.1f` combined errors apart), and a shape collapse
# at $\gamma^* =$ {glue:text}`gamma_star:.2f`. The network bootstrap gives errors
# {glue:text}`iid_ratio:.1f` times the i.i.d. formula the authors quote: quenched disorder, not
# counting, sets the precision.
#
# Our choices change the answer. Dropping the never-ending avalanches and fitting a truncated power
# law on the widest plausible range gives $\tau_s =$ {glue:text}`o_tau_s:.3f` and $\tau_d =$
# {glue:text}`o_tau_d:.3f`, and the goodness-of-fit p-values on those ranges are
# {glue:text}`o_p_s:.2f` (sizes) and {glue:text}`o_p_d:.2f` (durations): with this many avalanches
# a pure power law is rejected whenever p < 0.1. Part of the reason is in the definition itself:
# the authors' duration is $T = k - 2$ for an avalanche that ends at layer $k$, so a clean
# $P(k) \sim k^{-3/2}$ appears in $T$ as $(T+2)^{-3/2}$, whose local slope only reaches $3/2$ for
# $T \gg 2$; an untruncated fit from $T = 5$ on a sample censored at the depth, on the other hand,
# is biased upwards. Compare both with the free-Brownian value $3/2$ (last section).

# %% [markdown]
# Likelihood ratios of our power-law fits against the alternatives (Vuong's normalised ratio $R$,
# positive when the power law is favoured, and its p-value; for durations against an untruncated
# power law at the same $T_{min}$):

# %%
Markdown(chapter.likelihood_ratio_table(results))

# %% [markdown]
# ## The quasi-critical regime
#
# With a drive $\sigma_b^2 > 0$ we follow the ridge of the fluctuation susceptibility
# $\chi_F = N\,\mathrm{Var}_{\rm networks}(\rho)$ (phase-diagram chapter) at the same width and
# depth, and fit the avalanches simulated on it. The undriven row is the critical point above.

# %%
chapter.drive_exponents(results.sweep);

# %%
Markdown(chapter.drive_table(results))

# %%
style.glue("drift_tau_s", results.drift_tau_s)
style.glue("drift_gamma", results.drift_gamma)
style.glue("ratio_min", results.ratio_min)
style.glue("ratio_max", results.ratio_max)
style.glue("ours_nan", results.ours_nan)

# %% [markdown]
# What the data show: along the ridge the exponents drift with the drive — with the authors'
# choices $\tau_s$ changes by {glue:text}`drift_tau_s:.2f` and $\gamma$ by
# {glue:text}`drift_gamma:.2f` from the undriven point to the strongest drive — while the ratio
# $\gamma/\gamma_{pred}$ stays between {glue:text}`ratio_min:.2f` and {glue:text}`ratio_max:.2f`.
# Whether that counts as "approximately holding" depends on the errors in the table: where
# $|\gamma - \gamma_{pred}|$ exceeds a few combined errors, the relation fails at the precision of
# this run. Our fits on the ridge are noisier (fewer avalanches end when the drive keeps activity
# alive; rows that could not be fitted at all: {glue:text}`ours_nan`).

# %% [markdown]
# ## Against the reference classes
#
# Where the measured exponents sit in the $(\tau_s, \tau_d)$ plane, with the mean-field
# directed-percolation / branching class $(3/2, 2)$, the absorbed free Brownian motion $(4/3, 3/2)$,
# 1+1-dimensional directed percolation and the driven ABBM line (methods page).

# %%
chapter.exponent_plane(results.plane_points);

# %%
style.glue("abbm_off", results.abbm_off)
style.glue("abbm_gamma", results.abbm_gamma)
style.glue("tau_d_shift", results.tau_d_shift)

# %% [markdown]
# With the authors' fits the driven points lie within {glue:text}`abbm_off:.2f` of the line
# $\tau_d = 2\tau_s - 1$ of the driven ABBM model (mean-field Barkhausen noise with drive $c$),
# while $\tau_d$ itself moves by {glue:text}`tau_d_shift:.2f` between the undriven and the most
# driven point; their mean $\gamma$ is {glue:text}`abbm_gamma:.2f`, against the ABBM value 2. When
# the first number is small against the second, the drive moves the exponents along the Barkhausen
# line, which is what quasi-criticality predicts. Our own fits, with their own ranges and without the
# never-ending avalanches, are too noisy at this size to say either way.

# %% [markdown]
# **Why the tanh network sits where it does.** For one input the layers' weights are fresh, so
# $\lVert h^{l+1}\rVert^2 = \sigma_w^2\,(\lVert\varphi(h^l)\rVert^2/N)\,\chi^2_N$: the logarithm of the
# norm performs a random walk with step variance $\approx 2/N$ and a drift that vanishes at the
# finite-width critical point $\sigma_w^2 = e^{\ln(N/2)-\psi(N/2)} \approx 1 + 1/N$. The avalanche is
# the excursion of that walk above its starting point: an absorbed free Brownian motion, with
# $\tau_d = 3/2$, $\gamma = 3/2$ and $\tau_s = 4/3$ for excursions short compared with $N$. For
# durations of order $N$ the exponential map from $\ln\lVert h\rVert$ to $\lVert h\rVert$ bends
# $\langle S\rangle(T)$ upwards, so finite networks show $\gamma$ above 3/2 — the crossover that the
# universality chapter follows with the width. The noise is multiplicative (variance $\propto \rho^2$),
# not the $\propto\rho$ noise of branching processes, which is why the network is not in the
# mean-field directed-percolation class (3/2, 2, 2).

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only quasi_critical_scaling --profile paper --device cuda` reruns the
# authors' full run (2,000,000 inputs into width 500, depth 1000). To explore, call
# `crit.models.avalanches.simulate(...)` at another point and `crit.analysis.crackling.analyse(...)` on it.
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/quasi_critical_scaling.py`.
# ```
