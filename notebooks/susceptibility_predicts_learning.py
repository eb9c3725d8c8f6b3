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
# # Does susceptibility predict learning?
#
# **Claim** (Ghavasieh et al. {cite}`ghavasieh2025physics`): among initialisations
# $(\sigma_w^2, \sigma_b^2)$ of a deep network, "maximal susceptibility is a more reliable
# predictor of learning than proximity to the critical point itself".
#
# {glue:md}`profile_statement:myst`
#
# ```{admonition} An open reconstruction
# :class: warning
# The paper gives no details of its training experiment (data set, architecture, optimiser,
# budget, grid, statistic) and the authors released no training code. Everything below is our
# own design, stated in full and changeable in `crit.chapters.susceptibility_predicts_learning.PROFILES`; it tests the claim as we
# read it, not the authors' exact experiment.
# ```
#
# The design: train deep tanh networks with the engine's parameterisation
# ($W \sim \mathcal N(0, \sigma_w^2/\text{fan-in})$, $b \sim \mathcal N(0, \sigma_b^2)$) from
# every initialisation of a grid, with several seeds, by plain SGD for a fixed budget, and score
# each by its test accuracy. At the same width and depth, the avalanche engine gives each
# initialisation its susceptibilities: the authors' response $\chi = d\bar S/d\sigma_w^2$ and the
# fluctuation $\chi_F = N\,\mathrm{Var}_{\rm networks}(\rho)$ of the
# [phase-diagram chapter](phase_diagram.ipynb). We compare them, by Spearman's rank correlation
# with the accuracy, with the closeness of the initialisation to the mean-field critical line
# $\chi_1 = 1$ (measured in $\sigma_w^2$ and in $|\ln\chi_1|$) and to the finite-width critical
# point $(\sigma^2_{w,c}(N), 0)$.

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": a small grid for 2 CPU cores (minutes); "paper": a 16 x 12 grid, 5 seeds (GPU)
SEED = 0  # first training seed; seeds SEED, SEED + 1, ... and the engine's seed derive from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import susceptibility_predicts_learning as chapter

style.use()
settings = chapter.PROFILES[PROFILE]
display(settings)

# %% [markdown]
# The data set is scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes, 70/30 split),
# which ships inside the scikit-learn wheel: the chapter builds offline, and a few hundred SGD
# steps separate good from bad initialisations within seconds on a CPU. `crit.models.datasets` also
# offers MNIST-1D, generated procedurally, and MNIST or Fashion-MNIST from local IDX files
# (`crit.models.datasets.load("mnist", data_dir=...)`); nothing is ever downloaded.
#
# Training every initialisation and scanning the engine is the slow step; both go through the
# results cache (`.cache/`), keyed by their parameters.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE,
                                                            seed=SEED))
claims.glue_claim(chapter.claim(results))
style.glue("n_init", results.n_init)
style.glue("n_seeds", len(results.runs))
style.glue("train_s", results.train_s)
style.glue("scan_s", results.scan.wall_time_s)
style.glue("refine", settings.refine)

# %% [markdown]
# {glue:text}`n_init` initialisations × {glue:text}`n_seeds` seeds were trained
# ({glue:text}`train_s:.0f` s when computed) and the engine scanned at the same width and depth on a
# σ_w² grid {glue:text}`refine` times finer ({glue:text}`scan_s:.0f` s).

# %% [markdown]
# ## Where the networks learn
#
# Test accuracy after the budget, averaged over seeds, on the grid. Orange dots: the ridge of the
# response susceptibility, the $\sigma_w^2$ of maximal $\chi$ in each row; pink squares: the
# mean-field order-to-chaos line $\chi_1 = 1$; crosses: the best initialisation of each row.

# %% tags=["nbval-ignore-output"]
chapter.accuracy_map(results);

# %%
style.glue_md("row_first", chapter.row_summary(results, 0))
style.glue_md("row_last", chapter.row_summary(results, -1))
style.glue("acc_max", results.mean_accuracy.max())

# %% [markdown]
# Row by row, the best initialisation, and the accuracy where the ridge and the $\chi_1 = 1$ line
# cross the row, set against the row's best seed by seed: {glue:md}`row_first:myst`. And
# {glue:md}`row_last:myst`. The best mean accuracy anywhere on the grid is
# {glue:text}`acc_max:.3f`. Whether the band of good initialisations follows the ridge or the
# $\chi_1 = 1$ line as the bias grows is what separates the two predictors; the correlations below
# make it quantitative.

# %% [markdown]
# ## Accuracy against each predictor
#
# Every point is one trained network (one initialisation and seed). Each predictor is oriented
# so that larger means "predicted to learn better": the susceptibilities as they are, the
# distances with a minus sign. Panel titles give Spearman's $\rho_s$ with its bootstrap 95 %
# interval (resampling networks, 2,000 resamples).

# %% tags=["nbval-ignore-output"]
chapter.scatter(results);

# %% [markdown]
# The same correlations as a table, for the final test accuracy and for the learning speed (test
# accuracy averaged over the evaluations during training, the area under the learning curve):

# %% tags=["nbval-ignore-output"]
Markdown(chapter.correlation_table(results))

# %% [markdown]
# ## Susceptibility against proximity, paired
#
# Each susceptibility against each measure of proximity to criticality: the difference
# $\rho_s(\text{susceptibility}) - \rho_s(\text{proximity})$ with the accuracy, its 95 % interval
# from the same bootstrap resamples for both (paired), and the fraction of resamples in which the
# susceptibility does *not* correlate more strongly (a one-sided bootstrap p-value for the paper's
# claim).

# %% tags=["nbval-ignore-output"]
Markdown(chapter.paired_table(results))

# %% [markdown]
# What the data of this profile say, in one sentence computed from the tables:

# %% tags=["nbval-ignore-output"]
claim = chapter.claim(results)
style.glue_md("ranking", chapter.ranking(results))
style.glue_md("chi_correlates", chapter.correlates(results, "chi"))
style.glue_md("chi_f_correlates", chapter.correlates(results, "chi_f"))
style.glue_md("claim_reason", claim.reason)
style.glue_md("claim_verdict", f"**{claim.verdict}**")
style.glue("zero_chi_f", results.zero_chi_f)
Markdown(chapter.verdict(results))

# %% [markdown]
# In detail (for the profile named at the top of the page), the predictors are
# {glue:md}`ranking:myst`. Each susceptibility against zero: {glue:md}`chi_correlates:myst`;
# {glue:md}`chi_f_correlates:myst`.
#
# For the paper's claim, on the same bootstrap resamples: {glue:md}`claim_reason:myst`. At this
# profile the claim is thus {glue:md}`claim_verdict:myst`.
#
# The fluctuation susceptibility $\chi_F = N\,\mathrm{Var}_{\rm networks}(\rho)$ is exactly 0 at
# a fraction {glue:text}`zero_chi_f:.2f` of the initialisations. It is 0 wherever the surviving
# fraction $\rho$ is the same in every network: when no input survives, or when the bias feeds the
# layers more than the threshold $q_0$ and every input survives. All initialisations at which it
# is 0 share one rank.
#
# All of this concerns our reconstruction. Another reading of "susceptibility" or "proximity",
# another data set, optimiser or budget are settings of
# `crit.chapters.susceptibility_predicts_learning`.

# %% [markdown]
# ## Learning curves without bias
#
# Test accuracy during training at $\sigma_b^2 = 0$, one curve per $\sigma_w^2$ (mean over
# seeds), from the ordered side (small $\sigma_w^2$) to the chaotic one (large $\sigma_w^2$).

# %% tags=["nbval-ignore-output"]
for name, text in chapter.curves_summary(results, sigma_b2=0.0).items():
    style.glue_md(f"curve_{name}", text)
chapter.learning_curves(results, sigma_b2=0.0);

# %% [markdown]
# Read off the curves (differences taken seed by seed, then averaged): {glue:md}`curve_smallest:myst`. And
# {glue:md}`curve_largest:myst`. Against each other, {glue:md}`curve_early:myst`, and
# {glue:md}`curve_final:myst`. Against the row's best initialisation,
# {glue:md}`curve_plateau:myst`.

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only susceptibility_predicts_learning` rebuilds this page;
# `--profile paper --device cuda` runs a 16 × 12 grid of width-128, depth-40 networks with 5
# seeds (its run time is not yet measured). To explore, pass your own settings to `chapter.compute(dataclasses.replace(chapter.PROFILES["ci"], ...))`, or call
# `crit.models.train.train(crit.models.datasets.load("mnist1d"), sigma_w2, sigma_b2, width=..., depth=...)`
# directly.
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/susceptibility_predicts_learning.py`.
# ```
