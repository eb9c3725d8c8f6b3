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
# {glue:md}`profile_statement:myst`
#
# The page asks three questions. At the critical point $\sigma_c(N)$: do the exponents obey the
# crackling relation, once the error of $\Delta = \gamma - \gamma_{pred}$ is taken jointly and the
# fit range is chosen again in every resample? Under a drive $h = N\sigma_b^2/q_0$ (methods page):
# is it the drive that moves the exponents, or the distance from the critical point of the line the
# drive is followed on? And what do the threshold $q_0$ and the quenched disorder do?
#
# Every exponent is fitted on the avalanches that ended within the depth, and again with the
# never-ending ones included at $T = L - 3$ as the authors do, side by side. Error bars are the
# spread over a bootstrap of whole networks (quenched disorder, methods page); two numbers are
# compared in combined errors, their errors added in quadrature, and lie within 2 of them or not.
# The authors' numbers come from their released notebook (width 500, depth 1000, $2\cdot10^6$
# inputs, $q_0 = 0.1$) and are shown, with those sizes, beside ours at every profile.

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import quasi_critical_scaling as chapter

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": width 64, depth 128 (2 CPU cores); "paper": the authors' run and sweeps at width 500 (GPU)
SEED = 0  # seed of the simulations and of every bootstrap
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"
PUBLISHED = ""  # "": compute every number; "results/paper": read the published critical point from there

# %%
style.use()

# %% [markdown]
# Every simulation, fit and scan below is computed once and cached, or, with `PUBLISHED` set, the
# critical point is read from the published results (the statement at the top says which). Every
# sentence below that states a result is computed from these numbers and their errors.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE, published=PUBLISHED or None)

# %% [markdown]
# The settings of this page (and of its critical point, where it was read from published results):

# %%
display(results.settings)
if results.point_settings is not None:
    display(results.point_settings)

# %%
style.glue_md("profile_statement",
              claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE, seed=SEED,
                                       sources=results.sources))
claims.glue_claim(chapter.claim(results))
for name, sentence in chapter.verdicts(results).items():
    style.glue_md(name, sentence)
style.glue("resolution", chapter.RESOLUTION)

# %% [markdown]
# ## The critical point
#
# One simulation at $h = 0$: at the CI profile, at the finite-width critical point
# $\sigma_c(N) = e^{\ln(N/2)-\psi(N/2)}$ of the CI width; at the paper profile, and when the point
# is read from the published results, the authors' run ($\sigma_w^2 = 1.002$ at width 500; the
# settings above and the statement at the top say which). Both
# fitted power laws are drawn over the range each was fitted on, anchored to the data there: the
# authors' (never-ending avalanches kept, $S \ge 0.5$, $T \ge 5$, no upper cut-off) and ours on the
# ended avalanches (a truncated power law on the widest plausible range).

# %%
fig = chapter.distributions(results.point)

# %% [markdown]
# The shape collapse of the mean traces $\bar V(\ell)$ of ended avalanches of equal duration,
# rescaled by $T^{1-\gamma^*}$ (the authors' panel (f)); $\gamma^*$ is re-found in every resample
# of the networks:

# %%
fig = chapter.collapse(results.point)

# %% [markdown]
# Three conventions on the same avalanches, and the authors' notebook. $\gamma_{pred}$ divides by
# $\tau_s - 1$, so a few resamples with $\tau_s$ near 1 set its standard deviation: it carries half
# the central 68 % of its resamples instead. $\Delta = \gamma - \gamma_{pred}$ inherits that heavy
# tail, so the crackling test reads the relation multiplied through by $\tau_s - 1$, the residual
# $D = \gamma(\tau_s - 1) - (\tau_d - 1)$: linear in each exponent, zero exactly when
# $\Delta$ is. In every resample of the networks $D$ is formed from the same fits, so its spread
# carries the covariance of the three exponents; divided by $\tau_s - 1$ it is the error of
# $\Delta$ that the table states and the test uses. The row below gives the error $\Delta$ would
# have if $\gamma$ and $\gamma_{pred}$ were independent.

# %%
Markdown(chapter.comparison_table(results))

# %% [markdown]
# The crackling relation, $\Delta$ against 0 within 2 errors of the test; a test whose error is
# above {glue:text}`resolution` cannot tell $\gamma = 3/2$ from $\gamma = 2$ and is undetermined:
#
# - {glue:md}`crackling_ours:myst`;
# - {glue:md}`crackling_all:myst`;
# - {glue:md}`crackling_authors:myst`.
#
# The errors of $\Delta$: {glue:md}`joint_ended:myst`; {glue:md}`joint_all:myst`.
#
# The shape collapse: {glue:md}`gamma_star:myst`.
#
# The conventions against each other: {glue:md}`conventions:myst`.
#
# The authors' numbers: {glue:md}`authors_notebook:myst`.

# %% [markdown]
# ## Errors over networks
#
# The fit range is the largest systematic of a power-law fit, so every resample of the networks
# chooses it again (sizes and durations, and with them the window of $\gamma$). The table sets
# these errors beside the errors with the range kept at the one chosen on all the data, and beside
# half the central 68 % of the resamples ($\gamma_{pred}$ has a heavy tail when $\tau_s$ is near 1,
# and the standard deviation is then set by a few resamples).

# %%
Markdown(chapter.error_table(results))

# %% [markdown]
# {glue:md}`range_errors:myst`; {glue:md}`range_errors_all:myst`.
#
# The authors quote the i.i.d. error $(\tau_s - 1)/\sqrt n$: {glue:md}`precision:myst`.
#
# **Goodness of fit.** Clauset et al.'s p-value treats the avalanches as independent; the
# avalanches of one network share its weights, and the design effect (the variance of the exponent
# over networks over its i.i.d. variance) measures by how much. A p-value below 0.1 counts against
# a pure power law on our range.

# %%
Markdown(chapter.goodness_table(results))

# %% [markdown]
# {glue:md}`gof_sizes:myst`; {glue:md}`gof_durations:myst`.
#
# What these p-values cannot claim: {glue:md}`gof_limits:myst`
#
# **Likelihood ratios** of an untruncated power law at our $x_{min}$ against each alternative (for
# like with like: the alternatives are untruncated too), Vuong's normalised ratio (positive when
# the power law is favoured) treating the avalanches as independent, and with the variance of the
# log-ratio taken over networks (for the nested power law with cut-off, Wilks's test with the
# design effect):

# %%
Markdown(chapter.likelihood_ratio_table(results))

# %% [markdown]
# Read over networks at p < 0.1: {glue:md}`lr_sizes:myst`; {glue:md}`lr_durations:myst`.

# %% [markdown]
# ## The drive: what moves the exponents
#
# A bias adds about $N\sigma_b^2$ to $\lVert h\rVert^2$ in every layer, against the threshold
# $q_0$ at which an avalanche ends, so the drive is $h = N\sigma_b^2/q_0$ (methods page); the drives
# here stay well below 1, where avalanches still end.
#
# **The quasi-critical line** is the peak along $\sigma_w^2$ of the same susceptibility as in the
# phase-diagram chapter, $\bar S_{end}$, the mean size of the avalanches that end, at each $h$:
# scanned with common random numbers across $\sigma_w^2$ (the same networks and inputs at every
# $\sigma_w^2$, scaled), the peak a parabola's vertex, its error a bootstrap of the networks, the
# grid refined around it toward an error of $0.2/N$ as far as the profile's rounds allow.

# %%
fig = chapter.quasi_critical_line(results)

# %%
Markdown(chapter.line_table(results))

# %% [markdown]
# {glue:md}`line_start:myst`. Against the drive: {glue:md}`line_trend:myst`. The refinement:
# {glue:md}`line_target:myst`.
#
# **Three lines.** A change of the exponents along the quasi-critical line mixes two effects: the
# drive, and the distance of the line from $\sigma_c(N)$. So the exponents are measured against $h$
# on three lines: at fixed $\sigma_w^2 = \sigma_c(N)$, driven (the drive at the critical point);
# along the quasi-critical line, driven; and at each $\sigma_w^2$ of that line with no drive. The
# quasi-critical line minus the undriven one is the drive at fixed $\sigma_w^2$; the undriven line
# minus the undriven point at $\sigma_c(N)$ is the distance alone. In the figure the top row fits the
# ended avalanches, the bottom row includes the never-ending ones; the dashed line is the authors'
# notebook.

# %%
fig = chapter.drive_exponents(results)

# %% [markdown]
# Ended avalanches ($\rho$: the share of inputs whose avalanche never ended):

# %%
Markdown(chapter.separation_table(results, "ended"))

# %% [markdown]
# The never-ending avalanches included:

# %%
Markdown(chapter.separation_table(results, "all"))

# %% [markdown]
# Which effect moves each exponent (the drive when either drive effect is beyond 2 errors, the
# distance when its effect is; undetermined when neither is, or a number is missing). The verdicts
# are on $\tau_s$, $\tau_d$ and $\gamma$; $\gamma_{pred}$ is a ratio with a heavy tail when $\tau_s$
# is near 1, its spread over resamples then set by a few of them. Each effect is tested at 2 errors:
# among the 18 effects tested here (3 exponents, 3 effects, 2 selections), about one is expected
# beyond 2 errors by chance alone when none is there.
#
# - {glue:md}`separation_ended:myst`;
# - {glue:md}`separation_all:myst`.
#
# In detail, ended avalanches: {glue:md}`moves_tau_s_ended:myst`; {glue:md}`moves_tau_d_ended:myst`;
# {glue:md}`moves_gamma_ended:myst`.
#
# The never-ending avalanches included: {glue:md}`moves_tau_s_all:myst`;
# {glue:md}`moves_tau_d_all:myst`; {glue:md}`moves_gamma_all:myst`.
#
# The crackling relation along the quasi-critical line, $\Delta$ against 0 with the error of the test:
# {glue:md}`line_crackling_ended:myst`; {glue:md}`line_crackling_all:myst`.

# %% [markdown]
# ## The threshold and the disorder
#
# Two questions a reader asks next. The authors' run uses $q_0 = 0.1$, their code's default is
# 0.01: the same point, $\sigma_c(N)$ and $h = 0$, at both thresholds (the sizes scale with
# $\sqrt{q_0}$; our range rule follows the data). And the weights are quenched, a network serving
# many inputs: beside it an annealed run draws fresh weights for every input, so that its
# resamples of networks are resamples of avalanches.

# %%
Markdown(chapter.variants_table(results, "ended"))

# %%
Markdown(chapter.variants_table(results, "all"))

# %% [markdown]
# The threshold: {glue:md}`threshold_ended:myst`; {glue:md}`threshold_all:myst`.
#
# Annealed against quenched: {glue:md}`disorder_ended:myst`; {glue:md}`disorder_all:myst`.

# %% [markdown]
# ## Against the reference classes
#
# Where the measured exponents sit in the $(\tau_s, \tau_d)$ plane, with the mean-field
# directed-percolation / branching class $(3/2, 2)$, the absorbed free Brownian motion $(4/3, 3/2)$,
# 1+1-dimensional directed percolation and the driven ABBM line (methods page).

# %%
fig = chapter.exponent_plane(results)

# %% [markdown]
# The driven ABBM model (mean-field Barkhausen noise with drive $c$) has $\tau_d = 2\tau_s - 1$ and
# $\gamma = 2$ at every $c$; in that picture quasi-criticality is a motion of the exponents along
# this line as the drive grows. The distance of a point from the line is
# $\tau_d - (2\tau_s - 1)$, with error $\sqrt{\sigma_{\tau_d}^2 + 4\sigma_{\tau_s}^2}$:
# {glue:md}`abbm_ended:myst`; {glue:md}`abbm_all:myst`.

# %% [markdown]
# **What the mean-field argument expects.** For one input the layers' weights are fresh, so
# $\lVert h^{l+1}\rVert^2 = \sigma_w^2\,(\lVert\varphi(h^l)\rVert^2/N)\,\chi^2_N$: the logarithm of the
# norm performs a random walk with step variance $\approx 2/N$ and a drift that vanishes at the
# finite-width critical point $\sigma_w^2 = e^{\ln(N/2)-\psi(N/2)} \approx 1 + 1/N$. The avalanche is
# the excursion of that walk above its starting point: an absorbed free Brownian motion, with
# $\tau_d = 3/2$, $\gamma = 3/2$ and $\tau_s = 4/3$ for excursions short compared with $N$. For
# durations of order $N$ the exponential map from $\ln\lVert h\rVert$ to $\lVert h\rVert$ bends
# $\langle S\rangle(T)$ upwards, so the argument expects $\gamma$ above 3/2 in finite networks — the
# crossover that the universality chapter follows with the width. The noise is multiplicative
# (variance $\propto \rho^2$), not the $\propto\rho$ noise of branching processes, so the argument
# places the network outside the mean-field directed-percolation class (3/2, 2, 2).
#
# At this run's critical point: {glue:md}`gamma_brownian_ours:myst`;
# {glue:md}`gamma_brownian_authors:myst`; {glue:md}`tau_s_brownian_ours:myst`;
# {glue:md}`tau_s_brownian_authors:myst`; {glue:md}`tau_d_brownian_ours:myst`;
# {glue:md}`tau_d_brownian_authors:myst`; {glue:md}`tau_d_mfdp_ours:myst`;
# {glue:md}`tau_d_mfdp_authors:myst`.

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit compute --profile paper --only quasi_critical_scaling --part point` recomputes the
# authors' full run (2,000,000 inputs into width 500, depth 1000; minutes on a GPU, about half an
# hour on two CPU cores) and `python -m crit publish` publishes it into `results/paper/`;
# `python -m crit book --only quasi_critical_scaling --profile paper --device cuda` reruns the whole
# page at the paper's sizes, the sweeps at width 500 included. To
# explore, call `crit.analysis.drive.measure_point(...)` at another point, or
# `crit.analysis.drive_lines.drive_separation(...)` on other drives.
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/quasi_critical_scaling.py`.
# ```
