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
# **The question, made testable.** For a given bias, an initialisation is its $\sigma_w^2$. Two rules
# say where to put it: at the peak of the authors' susceptibility $\chi = d\bar S/d\sigma_w^2$ of the
# avalanche engine (same width and depth), or on the mean-field order-to-chaos line $\chi_1 = 1$.
# Both move as the bias grows, in different ways. We ask which rule tracks where networks learn best.
#
# **The design.**
# - *Drives.* The bias enters through the dimensionless drive $h = N\sigma_b^2/q_0$ of the
#   [phase-diagram chapter](phase_diagram.ipynb). A drive is kept only where avalanches still end
#   (beyond that nearly every input survives and avalanches have no size).
# - *Reference lines.* In each drive, the $\chi$ peak, the peak of the mean size of ended avalanches
#   $\bar S_{\rm end}$ (the phase-diagram chapter's susceptibility, as a robustness check) and the
#   $\chi_1 = 1$ line. The peaks are located on a scan of the engine, with errors from a bootstrap of
#   whole networks.
# - *Grid.* The initialisations of a drive are spaced evenly in $\ln\sigma_w^2$ around its $\chi$
#   peak and its $\chi_1 = 1$ point.
# - *Training.* Deep tanh networks with the engine's parameterisation
#   ($W \sim \mathcal N(0, \sigma_w^2/\text{fan-in})$, $b \sim \mathcal N(0, \sigma_b^2)$) train
#   from every initialisation with several seeds, for a fixed budget.
# - *Learning rate.* Each network's learning rate is chosen from a small grid by its accuracy on a
#   validation split carved from the training set. The test split is never used to choose; it
#   gives the score.
# - *Designs.* Two data sets, two optimisers (plain SGD and Adam) and two depths.

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": small networks for 2 CPU cores (minutes); "paper": width 128, depths 40 and 80 (GPU)
SEED = 0  # seeds of the engine's scans and of every training run derive from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"
PUBLISHED = ""  # "": compute every number; "results/paper": replay the page from its published results

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import susceptibility_predicts_learning as chapter

style.use()

# %% [markdown]
# The data sets ship with the installed packages, so the chapter builds offline:
# - scikit-learn's 8×8 handwritten digits (1,797 images, 10 classes, 70/30 split);
# - MNIST-1D (Greydanus & Kobak 2020), generated procedurally: 4,000 training and 1,000 test
#   sequences of 40 numbers, built to separate architectures that MNIST does not.
#
# MNIST or Fashion-MNIST from local IDX files also work
# (`crit.models.datasets.load("mnist", data_dir=...)`); nothing is ever downloaded.
#
# Scanning the engine and training every design are the slow steps; both go through the results
# cache (`.cache/`), keyed by their parameters. With `PUBLISHED` set, they are read from the
# published paper-scale results where this page is published (the statement at the top says so).
# The settings the numbers below were computed with:

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE, published=PUBLISHED or None)
settings = results.settings
display(settings)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE,
                                                            seed=SEED, sources=results.sources))
claims.glue_claim(chapter.claim(results))
style.glue_md("rows", chapter.rows_sentence(results))
style.glue("train_s", results.train_s)
style.glue("n_designs", len(results.designs))

# %% [markdown]
# Which drives were kept: {glue:md}`rows:myst`. The {glue:text}`n_designs` designs trained in
# {glue:text}`train_s:.0f` s when computed.

# %% [markdown]
# ## The best initialisation of each drive
#
# Test accuracy against $\sigma_w^2$ in every drive of the main design (mean over seeds, with its
# standard error), with the three reference lines. Shaded: the error of each peak over networks.
# Grey: the accuracy optimum, the vertex of a parabola in $\ln\sigma_w^2$ through the best mean
# and its neighbours.

# %% tags=["nbval-ignore-output"]
chapter.optimum_figure(results);

# %% [markdown]
# The same, as numbers. Each position is given as $\sigma_w^2$ and, in brackets, as $\ln\sigma_w^2$
# with its error. The optimum's error comes from resampling the seeds of each initialisation (the
# grid itself is fixed); a peak's error comes from resampling networks. The last column is
# $|\ln\sigma^2_{\rm opt} - \ln\sigma^2_{\chi\,\rm peak}| - |\ln\sigma^2_{\rm opt} - \ln\sigma^2_{w,c}|$
# with its paired 95 % interval: below zero, the optimum is nearer the $\chi$ peak.

# %% tags=["nbval-ignore-output"]
Markdown(chapter.optima_table(results.main))

# %% [markdown]
# Across the drives, for every design: where the optimum sits (black) against the three lines.
# A rule that predicts learning should follow the black points as the drive grows.

# %% tags=["nbval-ignore-output"]
style.glue_md("optima", "; ".join(chapter.optimum_sentence(d) for d in results.designs))
chapter.lines_figure(results);

# %% [markdown]
# Counted drive by drive, at 95 %, design by design: {glue:md}`optima:myst`.

# %% [markdown]
# ## The predictors, head to head
#
# Within each drive, Spearman's $\rho_s$ between each predictor and the mean test accuracy of the
# initialisations, averaged over the drives. Working within drives compares each predictor only
# where its scale is the same; raw $\chi$ changes scale from drive to drive.
#
# The predictors, each oriented so that larger means predicted to learn better:
# - closeness in $\ln\sigma_w^2$ to the $\chi$ peak, to the $\bar S_{\rm end}$ peak and to $\chi_1 = 1$;
# - the raw $\chi$;
# - the standard baseline of signal-propagation theory, $-L/\xi_c$: networks train when their depth
#   $L$ is at most a few correlation lengths $\xi_c$ (Schoenholz et al. 2017).
#
# The 95 % intervals come from a hierarchical bootstrap. It resamples initialisations within each
# drive, then seeds within each drawn initialisation. Resampling (initialisation, seed) pairs instead
# would count the seeds of one initialisation as independent initialisations, and the intervals would
# be too narrow. The same resamples serve every predictor, so the differences are paired.

# %% tags=["nbval-ignore-output"]
chapter.predictors_figure(results);

# %% [markdown]
# The main design in full: each predictor's $\rho_s$, and its paired difference from closeness to
# the $\chi$ peak, with the fraction of resamples in which the $\chi$ peak does not rank better.

# %% tags=["nbval-ignore-output"]
Markdown(chapter.comparison_table(results.main))

# %% [markdown]
# ## Choosing an initialisation out of sample
#
# The test that matters to someone choosing how to initialise. For each rule, one offset $\delta$ in
# $\ln\sigma_w^2$ from its line is fitted on all drives but one: the mean of optimum minus line. In
# the drive left out, the rule picks the initialisation nearest to line $+\,\delta$, and we record the
# mean test accuracy it reaches. A rule that tracks how the optimum moves from drive to drive reaches
# more. One $\sigma_w^2$ for every drive is the baseline that a rule must beat to be worth anything.
# Intervals come from resampling seeds.

# %% tags=["nbval-ignore-output"]
Markdown(chapter.choice_table(results.main))

# %% [markdown]
# ## Verdict
#
# For every design, the deciding comparison: the paired difference of the within-drive $\rho_s$ of
# closeness to the $\chi$ peak and of closeness to $\chi_1 = 1$, and, beside it, the difference of
# accuracy reached by their out-of-sample choices.

# %% tags=["nbval-ignore-output"]
claim = chapter.claim(results)
style.glue_md("claim_reason", claim.reason)
style.glue_md("claim_verdict", f"**{claim.verdict}**")
style.glue_md("choices", "; ".join(f"{d.design}: {chapter.choice_verdict(d)}" for d in results.designs))
Markdown(chapter.verdict_table(results))

# %% [markdown]
# In words: {glue:md}`claim_reason:myst`. At this profile the claim is thus
# {glue:md}`claim_verdict:myst`.
#
# The out-of-sample choices, design by design: {glue:md}`choices:myst`.
#
# A rank correlation says whether a rule orders the initialisations of a drive; the choice test says
# whether following it changes the accuracy one gets. The two can differ when the accuracy is flat
# near its optimum. All of this concerns our reconstruction: other readings of "susceptibility" or
# "proximity", other data sets, optimisers or budgets are settings of
# `crit.chapters.susceptibility_predicts_learning`.

# %% [markdown]
# ## Scores and learning curves
#
# For every design: the best initialisation by mean test accuracy, with its train and test accuracy
# and loss, the mean number of steps to reach the target test accuracy, and the learning rates the
# validation split chose over all networks. Both data sets have 10 classes, so guessing scores 0.1.
# MNIST-1D was built to be harder than the digits for simple networks; with a short budget its
# accuracies can stay low, and a design whose networks learn little can rank initialisations only weakly.

# %% tags=["nbval-ignore-output"]
Markdown(chapter.designs_table(results))

# %% [markdown]
# Test accuracy during training in the first drive of the main design, one curve per $\sigma_w^2$
# (mean over seeds, each at its chosen learning rate), from the ordered side (small $\sigma_w^2$) to
# the chaotic one.

# %% tags=["nbval-ignore-output"]
chapter.learning_curves(results);

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only susceptibility_predicts_learning` rebuilds this page. The `paper`
# profile (`--profile paper --device cuda`) trains width-128 networks at depths 40 and 80 on a finer
# grid, with 5 seeds and 1,000 steps; it needs a GPU. The top of the page names the profile these
# numbers come from.
#
# To explore, pass settings of your own, for example
# `chapter.compute(dataclasses.replace(chapter.PROFILES["ci"], datasets=("digits",), steps=400))`, or
# call `crit.models.train.train(crit.models.datasets.load("mnist1d"), sigma_w2, sigma_b2, width=..., depth=...)`
# directly.
#
# `make lab` opens this notebook in JupyterLab; edits are saved back to
# `notebooks/susceptibility_predicts_learning.py`.
# ```
