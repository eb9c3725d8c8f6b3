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
# ($\sigma_b^2 > 0$, a drive) there is no true transition, only a line of maximal susceptibility:
# the quasi-critical line.
#
# This chapter locates the transition in networks of finite width $N$ and finite depth $L$: it
# measures the order parameters across $\sigma_w^2$, refines the peak of a susceptibility built
# from the avalanches that end, follows that peak over widths at a fixed ratio $L/N$ (finite-size
# scaling against the finite-width critical point $\sigma_c(N)$) and over depths at a fixed width,
# and maps it in the plane of $\sigma_w^2$ and the dimensionless drive $h = N\sigma_b^2/q_0$. In
# the paper profile it also reruns the authors' own susceptibility scan. Definitions are on the
# [methods](methods.md) page; every error bar is the spread over independent networks.
#
# {glue:md}`profile_statement:myst`

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": small networks for 2 CPU cores (about a minute); "paper": the paper's sizes (GPU)
SEED = 0  # every scan and every bootstrap gets its own seed from it, by label
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"
PUBLISHED = ""  # "": compute every number; "results/paper": read the published page, or the authors' scan

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import phase_diagram as chapter

style.use()

# %% [markdown]
# Every scan below is computed once and kept in the results cache (`.cache/`), keyed by its
# parameters and the code that made it; change a parameter above and it is recomputed. With
# `PUBLISHED` set, the page is replayed from its published paper-scale scans where they are
# published, and otherwise the rerun of the authors' scan is read from them (the statement at the
# top says which numbers came from where). The settings the numbers below were computed with:

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE, published=PUBLISHED or None)
display(results.settings)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE,
                                                            seed=SEED, sources=results.sources))
claims.glue_claim(chapter.claim(results))

# %% [markdown]
# ## Order parameters
#
# The fraction $\rho$ of inputs whose activity survives the whole depth, the mean size $\bar S$ of
# every recorded avalanche (the authors' order-parameter curve, which includes the avalanches that
# never end) and the mean size $\bar S_{\rm end}$ of the avalanches that end, against $\sigma_w^2$ at
# $\sigma_b^2 = 0$, on the first grid of every width. Dashed lines mark the finite-width critical
# point $\sigma_c(N) = e^{\ln(N/2) - \psi(N/2)} \approx 1 + 1/N$ of each width, the dotted line the
# mean-field point $\sigma_w^2 = 1$.

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
# survive the whole depth just below the transition; at $\sigma_w^2 = 1$, below $\sigma_c(N)$ of
# the widest sweep, {glue:md}`rho_one:myst`.

# %% [markdown]
# ## Locating the transition
#
# Four susceptibilities against $\sigma_w^2$, each from scans with common random numbers (network
# $k$ draws the same normals at every $\sigma_w^2$, scaled), so that differences along
# $\sigma_w^2$ are not differences of noise:
#
# - $\bar S_{\rm end}$, the mean size of the avalanches that end before the last layer (the analogue
#   of the mean size of the finite clusters in percolation), and $d\rho/d\sigma_w^2$: the two that
#   locate the transition here. Their grids are refined around the peak, round after round, until
#   the peak's error (a bootstrap over networks) is at most $0.2/N$ and the peak has stopped moving
#   between rounds, or the profile's rounds are spent; every point of every round is drawn;
# - the authors' $\chi = d\bar S/d\sigma_w^2$, which includes the avalanches that never end, and
#   $\chi_F = N\,\mathrm{Var}_{\rm networks}(\rho)$, the disconnected (disorder) susceptibility, both
#   on the first grid.
#
# Curves are scaled to their maximum so that widths can be compared; triangles mark the peaks.

# %%
chapter.susceptibilities(results);

# %% [markdown]
# The refined peaks, against $\sigma_c(N)$ and the target error $0.2/N$:

# %%
Markdown(chapter.peaks_table(results))

# %%
style.glue_md("target_ended", chapter.target_sentence(results))
style.glue_md("target_survival", chapter.target_sentence(results, "survival_derivative"))

# %% [markdown]
# {glue:md}`target_ended:myst`. {glue:md}`target_survival:myst`.
#
# The authors' susceptibilities on the first grid of each width: where $\chi$ peaks, the surviving
# fraction there, and the share of the summed size $\sum S$ that the never-ending avalanches carry
# at the grid point nearest that peak:

# %%
Markdown(chapter.authors_table(results))

# %%
style.glue_md("never_ending", chapter.never_ending_sentence(results))
style.glue_md("chi_f", chapter.fluctuation_verdict(results))

# %% [markdown]
# {glue:md}`never_ending:myst`. {glue:md}`chi_f:myst`; the methods page says how a disconnected
# susceptibility of a disordered system is expected to scale.

# %% [markdown]
# ## Finite-size scaling
#
# The refined peaks at a fixed ratio $L/N$ against the width: their position with $\sigma_c(N)$
# (the dashed line), the distance $N(\text{peak} - \sigma_c(N))$, constant when the peak follows
# $\sigma_c(N) + c/N$, and the height with its power-law fit. The exponents come from
# $|\text{peak} - 1| \propto N^{-1/\nu}$ and height $\propto N^{\gamma/\nu}$ (weighted least squares
# with the errors over networks); the methods page gives the random-walk values at fixed $L/N$,
# $1/\nu = \gamma/\nu = 1$.

# %%
chapter.scaling_figure(results);

# %%
Markdown(chapter.scaling_table(results))

# %%
style.glue_md("tracking", chapter.tracking_verdict(results.scaling))
style.glue_md("tracking_survival", chapter.tracking_verdict(results.scaling_survival, "survival_derivative"))
exponents = chapter.exponent_verdicts(results.scaling)
style.glue_md("inv_nu", exponents["inv_nu"])
style.glue_md("gamma_over_nu", exponents["gamma_over_nu"])
style.glue_md("collapse", chapter.collapse_sentence(results.collapse))

# %% [markdown]
# Fitted against $\ln N$ with the errors as weights, {glue:md}`tracking:myst`. For the other
# susceptibility, {glue:md}`tracking_survival:myst`. The exponents of $\bar S_{\rm end}$:
# {glue:md}`inv_nu:myst`; {glue:md}`gamma_over_nu:myst`.
#
# The curves of $\bar S_{\rm end}$ (every point of every round), rescaled with these exponents:

# %%
chapter.collapse_figure(results.collapse);

# %% [markdown]
# {glue:md}`collapse:myst`.

# %% [markdown]
# ## The depth
#
# At one width, the same refinement at several depths: $\bar S_{\rm end}$ against $\sigma_w^2$ and the
# peaks of $\bar S_{\rm end}$ (refined) and of the authors' $\chi$ (first grid) against $L$.

# %%
chapter.depth_figure(results);

# %%
Markdown(chapter.depth_table(results))

# %%
depth = chapter.depth_verdicts(results)
style.glue_md("depth_ended", depth["ended"])
style.glue_md("depth_response", depth["response"])

# %% [markdown]
# {glue:md}`depth_ended:myst`; {glue:md}`depth_response:myst`. In the random-walk picture of the
# methods page the distance of the peak from $\sigma_c(N)$ falls as $L^{-1/2}$ at a fixed width.

# %% [markdown]
# ## The drive
#
# A bias adds about $N\sigma_b^2$ to $\lVert h\rVert^2$ in every layer, against the threshold $q_0$
# at which an avalanche ends; the drive is $h = N\sigma_b^2/q_0$ (methods page). The map shows
# $\bar S_{\rm end}$ in the plane of $\sigma_w^2$ and $h$, each row scaled to its maximum. Dots mark the
# quasi-critical line, the peak of $\bar S_{\rm end}$ in each row with its bootstrap error over
# networks; squares the mean-field order-to-chaos line $\chi_1 = 1$ at the same $\sigma_b^2$; the star
# $\sigma_c(N)$. A row where no avalanche ended has nothing to average and is hatched. The right panel
# gives the fraction of inputs that ended, $1 - \rho$, in every row.

# %% tags=["nbval-ignore-output"]
chapter.drive_map(results);

# %%
Markdown(chapter.map_table(results))

# %%
drive = chapter.map_verdicts(results)
for name in ("range", "line", "mean_field"):
    style.glue_md(f"map_{name}", drive[name])

# %% [markdown]
# {glue:md}`map_range:myst`. {glue:md}`map_line:myst`. {glue:md}`map_mean_field:myst`. Where the two
# lines part, "closest to the mean-field critical line" and "largest susceptibility" are different
# prescriptions for an initialisation; which one predicts learning is the subject of a later
# chapter.

# %% [markdown]
# ## The authors' scan
#
# The authors' $\chi = d\bar S/d\sigma_w^2$ peaked near $\sigma_w^2 \approx 1.045$ in their released
# notebook, at width 300 and depth 500 ($10^4$ inputs per point, a new network every 1000 inputs,
# $\sigma_w^2 \in [0.95, 1.4]$ in 20 steps, $\sigma_b^2 = 0$), a point of their grid; its position is
# taken as known to one grid step (an error of step$/\sqrt{12}$). The paper profile reruns that scan
# as they ran it, and a build from published results reads that rerun. {glue:md}`authors:myst`.

# %%
style.glue_md("authors", chapter.authors_verdict(results))
if results.authors is not None:
    chapter.authors_run(results.authors)

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only phase_diagram` rebuilds this page; `--profile paper --device cuda`
# runs the paper's sizes. To explore, change `PROFILE`, `SEED` or `DEVICE` above, pass settings of
# your own to `chapter.compute(dataclasses.replace(chapter.PROFILES["ci"], widths=(16, 32)))`, or call
# `crit.analysis.phases.scan(...)` and `crit.analysis.transition.refine_peak(...)` with your own grid,
# width, depth and activation. `make lab` opens this notebook in JupyterLab; edits are saved back to
# `notebooks/phase_diagram.py`.
# ```
