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
# # Barkhausen noise or directed percolation? Finite-size scaling and universality classes
#
# **Claim** (Ghavasieh et al. {cite}`ghavasieh2025physics`): finite-size scaling places deep
# networks in known universality classes, "including Barkhausen noise and directed percolation".
# Our notes reconstruct why the paper's Gaussian tanh network should sit in the class of an
# *absorbed free Brownian motion* ($\tau_s = 4/3$, $\tau_d = 3/2$, $\gamma = 3/2$): the layer norm
# performs a multiplicative random walk, $\|h^{l+1}\|^2 = \sigma_w^2 m_l\,\chi^2_N/N$, so
# $\ln\|h\|^2$ is a free walk with step variance $\approx 2/N$, absorbed when it falls below its
# start. The other candidate is the *log-trap* class of critical branching and mean-field
# directed percolation ($3/2, 2, 2$), where the noise variance is proportional to the activity.
#
# This chapter (1) calibrates one measurement pipeline on four models of known class, (2) sweeps
# the width $N$ of three dense network systems at their finite-width critical points with a depth
# that grows with $N$ (the fraction of avalanches it cuts is reported), and of a fourth network built
# for the *other* class (binary threshold units with sparse connections), (3) fits the cut-offs
# $S_c(N)$, $T_c(N)$, the exponents against $N$ and their $N\to\infty$ limits, collapses $P(S)$
# with a measured quality, compares mean avalanche shapes, and (4) assigns each system to its
# nearest class with a distance in units of the error.
#
# {glue:md}`profile_statement:myst`

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": widths 32…256 on 2 CPU cores (minutes); "paper": widths 64…2048 (GPU)
SEED = 0  # seed of the first simulation; every system, width and model gets its own from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown, display

from crit.book import claims, style
from crit.chapters import universality_classes as chapter

style.use()
settings = chapter.PROFILES[PROFILE]
display(settings)

# %% [markdown]
# ## Calibration: does the pipeline sort models of known class?
#
# Critical Galton–Watson trees (mean-field DP), random-walk excursions (free BM), ABBM with drive
# $c = 1/2$ (exponents $((3-c)/2,\,2-c,\,2)$) and 1+1-dimensional directed bond percolation at
# $p_c = 0.644700185$ (`crit.models.lattice_dp`) go through `crit.analysis.universality.measure`: maximum-likelihood
# fits of $\tau_s$ and $\tau_d$ below the cut-off, $\gamma$ from $\langle S\rangle(T)$ on log bins,
# errors from a jackknife over 20 batches of runs. The distance to a class is the RMS over the three
# exponents of (measured − reference)/(statistical ⊕ systematic error), the systematic part
# ({glue:text}`sys_tau:.2f`, {glue:text}`sys_alpha:.2f`, {glue:text}`sys_gamma:.2f`) being the
# finite-window drift seen on exact models; a class is assigned when its distance is at most
# {glue:text}`tolerance:.1f`.

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE, seed=SEED))
claims.glue_claim(chapter.claim(results))
for key, sentence in chapter.page_verdicts(results).items():  # every result sentence of the page
    style.glue_md(key, sentence)
style.glue("sys_tau", results.systematic[0])
style.glue("sys_alpha", results.systematic[1])
style.glue("sys_gamma", results.systematic[2])
style.glue("tolerance", results.tolerance)
Markdown(chapter.calibration_table(results))

# %% [markdown]
# {glue:md}`v_calibration:myst` (the same check runs as a test, `tests/test_universality.py`, at
# smaller sizes).

# %% [markdown]
# ## Width sweeps at the finite-width critical point
#
# Three systems, each where the drift of $\ln\|h\|^2$ vanishes at the threshold, so that the width
# is the only scale: **tanh** at $\sigma_{w,c}^2(N) = e^{\ln(N/2)-\psi(N/2)}$, $\sigma_b^2 = 0$;
# **tanh, driven**, on a quasi-critical line whose drive $h = N\sigma_b^2/q_0$ (the bias's share of
# $\|h\|^2$ per layer, in units of the threshold; methods page) falls as $h = H/N$ at fixed
# $H = N h = 1$, with $\sigma_w^2 = \sigma_{w,c}^2(N) - h$: the drive adds a restoring drift
# $h(e^{-x}-1)$ to $x = \ln(\|h\|^2/q_0)$, which in the walk's own time $l/N$ is $N$-free, so
# every width sits at the same point of the scaling function (for mean-field DP the field scale
# would be $h\sim 1/N$; we chose the scaling of *this* walk rather than the susceptibility
# ridge, whose location at $\sigma_b^2>0$ is set by the depth as much as by $N$); and **relu** at its
# own zero-drift point $e^{\ln(N/2) - \mathbb E\psi(K/2)}$, $K\sim\mathrm{Bin}(N,\tfrac12)$. The
# depth is {glue:text}`depth_per_width:.0f` $N$; the fraction of inputs still alive at the last layer
# is reported below.

# %% tags=["nbval-ignore-output"]
style.glue("depth_per_width", settings.depth_per_width)
Markdown(chapter.surviving_table(results))

# %% [markdown]
# ## The other class: threshold units with sparse connections
#
# In theory dense Gaussian layers stay in the free-BM class (see the last section): given a layer,
# the next pre-activation is exactly Gaussian, so the noise of $\|h\|^2$ scales with its mean squared
# whatever the activation. The log trap needs a noise *variance* proportional to the activity and
# a silent state that is exactly absorbing. Two changes give both (`crit.models.sparse_networks`):
#
# * the **step activation** $x = \mathbf 1\{h > \theta\}$: a unit is on or off, so the activity is
#   a count, and a silent layer stays silent;
# * **sparse connections**: each unit sends $K$ Gaussian weights of variance $\sigma_w^2/K$ to $K$
#   random units of the next layer (one draw per network, shared by its inputs). With dense
#   $1/\sqrt N$ weights one active unit could never push a target over $\theta$.
#
# This is a deep, layered version of the excitable networks in which criticality was first tied to
# branching in neuroscience {cite:p}`kinouchi2006optimal`.
#
# An input is one active unit (the perturbation) and the avalanche is the activity it spreads until
# silence. A lone active unit fires each target with $p = \bar\Phi(\theta\sqrt K/\sigma_w)$, so the
# activity is a Galton–Watson process with branching ratio $m = Kp$, critical at
# $\sigma_w^2 = K\theta^2/[\bar\Phi^{-1}(1/K)]^2 =$ {glue:text}`sparse_sc:.3f` for $K =$
# {glue:text}`fan_out`, $\theta =$ {glue:text}`threshold:.1f`, whatever the width (tested against the
# exact generating function in `tests/test_sparse_networks.py`). Only when two active units hit the
# same target (probability $\propto n^2/N$) does the width enter: a saturation that cuts the
# avalanches at $T_c \propto N^{1/2}$, $S_c\propto N$ if the class is mean-field DP. The depth is
# {glue:text}`sparse_depth:.0f`$\sqrt N$ layers; the fits start at $T = 10$ (an exact critical tree
# has an effective $\tau_d$ of only {glue:text}`tau_eff:.2f` on $T = 3\ldots 20$,
# `crit.models.sparse_networks.effective_duration_exponent`) and run to $\langle T^2\rangle/\langle T\rangle$, and the
# extrapolation is in $N^{-1/2}$, the order of the corrections $1/T_c$.
#
# The finite-size analysis is calibrated on the same footing: **critical branching on $N$ sites**
# (`crit.models.exact_models.finite_population_branching`: every active site sends Poisson(1) activations
# to random sites, and the sites hit are the next generation) is mean-field DP with exactly
# $T_c\propto N^{1/2}$, $S_c\propto N$, and runs at the same widths with the same number of avalanches.

# %% tags=["nbval-ignore-output"]
style.glue("sparse_sc", results.sparse_sigma_w2)
style.glue("fan_out", settings.fan_out)
style.glue("threshold", settings.threshold)
style.glue("sparse_depth", settings.sparse_depth_per_sqrt_width)
style.glue("tau_eff", results.sparse_tau_eff)
Markdown(chapter.sparse_table(results))

# %% [markdown]
# ## Cut-offs against the width
#
# Free BM in $\ln\|h\|^2$ with step variance $2/N$ and the tanh curvature as a ceiling predicts
# $T_c \propto N$ and $S_c \propto N^{3/2}$; mean-field DP gives $T_c\propto N^{1/2}$,
# $S_c\propto N$. The ratio of the two exponents is $\gamma = 1/(\sigma\nu z)$ (3/2 and 2). The
# cut-offs are moment ratios, $S_c = \langle S^2\rangle/\langle S\rangle$ and
# $T_c = \langle T^3\rangle/\langle T^2\rangle$ (with $\tau_d = 2$, $\langle T^2\rangle/\langle T\rangle$
# grows only as $T_c/\ln T_c$). Errors are jackknife over networks; exponents are weighted
# least-squares slopes.

# %%
chapter.cutoffs_figure(results);

# %%
Markdown(chapter.cutoff_table(results))

# %% [markdown]
# With $S_c \propto N^{b_S}$ and $T_c \propto N^{b_T}$ (errors: weighted least squares):
# {glue:md}`v_cut_tanh:myst`. {glue:md}`v_cut_sparse:myst`.
#
# Critical branching on $N$ sites runs at the same widths with the same samples, so at these sizes it,
# rather than the asymptotic value, is the sparse network's yardstick. {glue:md}`v_cut_branching:myst`.
# {glue:md}`v_cut_match:myst`.
#
# ReLU has no curvature and no ceiling, so in theory its only cut-off is the depth ($\propto N$ here)
# and its slope says nothing about the class. {glue:md}`v_cut_relu:myst`.

# %% [markdown]
# ## Exponents against the width and their limit
#
# $\tau_s$, $\tau_d$, $\gamma$ of every width, extrapolated linearly in $1/N$ for the dense
# networks and in $N^{-1/2}$ for the sparse network and its branching calibration (stars). For the
# dense networks the fits stop at a quarter of $\langle T^2\rangle/\langle T\rangle$: near the cut-off
# the walkers that reached the ceiling return together and put a shoulder on $P(T)$.

# %%
chapter.exponents_figure(results);

# %% [markdown]
# ## Collapse of the size distributions
#
# If $P(S;N) = S^{-\tau}F(S/N^{\sigma})$, the curves $P(S'\geq S)\,S^{\tau-1}$ of all widths fall on
# one curve against $S/N^{\sigma}$. With $\tau$ the fitted $\tau_s$ of the widest network,
# `crit.analysis.collapse.size_collapse` finds the $\sigma$ of the best collapse. Below the cut-off the
# curves are flat whatever $\sigma$, so only their cut-off regions (past the maximum, below 80 % of
# it) are compared: the squared difference of the log curves of every pair of widths on their common
# range, over its counting variance, a $\chi^2$ per point ($\approx 1$: as good as the counts allow).
# Errors are a jackknife over blocks of networks. `tests/test_collapse.py` checks the method on data
# built with exact scaling and on critical branching on $N$ sites, where $\sigma = 1$.

# %%
chapter.collapse_figure(results);

# %%
Markdown(chapter.collapse_table(results))

# %% [markdown]
# {glue:md}`v_col_branching:myst`. {glue:md}`v_col_sparse:myst`.
#
# {glue:md}`v_col_tanh_bm:myst`. {glue:md}`v_col_tanh_moment:myst`.
#
# ReLU, in theory cut off by the depth alone: {glue:md}`v_col_relu:myst`.

# %% [markdown]
# ## Mean avalanche shapes
#
# A third signature needs no fit of $P(S)$ or $P(T)$: the mean trace of avalanches of duration $T$,
# rescaled by $T^{1-\gamma}$ against $u = t/T$, collapses onto a curve $F(u)$ that is a parabola
# $u(1-u)$ in the log-trap class and a semicircle $\sqrt{u(1-u)}$ for an absorbed free walk
# {cite:p}`laurson2013evolution`. The chapter records traces of the tanh network (widest CI width,
# twice the inputs) and of the sparse threshold network ($N = 16384$), collapses them with
# `crit.analysis.stats.shape_collapse` and fits $F \propto [u(1-u)]^a$ on $0.1 \le u \le 0.9$ for each
# duration: $a = 1$ for the parabola, $1/2$ for the semicircle (the mean over durations; error: jackknife
# over blocks of networks, `crit.analysis.shapes.shape_exponents`). A
# discrete avalanche starts and ends with one active unit rather than none, which flattens the ends
# at short durations, so the exact models on the same durations are the yardsticks
# (`crit.analysis.shapes.exact_shape_exponents`).

# %%
chapter.shapes_figure(results);

# %%
Markdown(chapter.exact_shapes_table(results))

# %% [markdown]
# The exact models on these durations: {glue:md}`v_shape_exact:myst`.
#
# {glue:md}`v_shape_tanh:myst`. {glue:md}`v_shape_sparse:myst` (the network's offspring law is
# Binomial(4, 1/4), not Poisson(1)).
#
# {glue:md}`v_shape_separation:myst`.

# %% [markdown]
# ## Untrained ResNets, module by module
#
# The paper also measures avalanches in convolutional residual networks, where layers differ in
# kind and size, with one threshold per module, following the authors' released code: every call of a leaf module
# (convolution, batch norm, ReLU, pooling) is one time step, $q_j = \sum y_j^2$ over its output, the
# threshold $\theta_j$ is the mean of $q_j$ over {glue:text}`rn_calib` calibration inputs of the same
# network, and an input's avalanche runs while $q_j \ge \theta_j$, with
# $S = \sum_j(\sqrt{q_j} - \sqrt{\theta_j})$. Inputs are Gaussian noise images
# ({glue:text}`rn_size`×{glue:text}`rn_size`, standard deviation 1); the networks are untrained, with
# torchvision's structure and initialisation (`crit.models.resnets`; the parameter counts match torchvision's
# in a test). Batch norm runs in evaluation mode, where an untrained network makes it the identity.
# Errors are jackknife over networks. The depth caps the duration at the number of module calls.

# %% tags=["nbval-ignore-output"]
style.glue("rn_calib", next(iter(results.resnet_runs.values())).n_calibration)
style.glue("rn_size", settings.resnet_image_size)
Markdown(chapter.resnet_table(results))

# %% [markdown]
# {glue:md}`v_rn_deepest:myst`.
#
# Fewer module calls leave a shorter window for the fits. Per network: {glue:md}`v_rn_window:myst`.
#
# Second-hand summaries attribute the mean-field-DP value $\gamma \approx 2$ to the paper's ResNet
# figure; we could not verify that value. {glue:md}`v_rn_dp:myst`. In theory the residual stream
# carries the activation norm from block to block with a small multiplicative change, so measured
# against the mean norm of each module it performs the same kind of free walk as the dense network's
# $\ln\|h\|^2$, which predicts free BM. The paper's inputs, thresholds and batch-norm mode are not
# known, so this is a comparison with our reconstruction only.

# %% [markdown]
# ## Class table
#
# Every system in one table: calibration models, each network at its widest $N$, its
# $N\to\infty$ extrapolation, and the untrained ResNets. $d(\cdot)$ is the distance to each class in combined errors.

# %%
Markdown(chapter.class_table(results))

# %%
chapter.class_plane_figure(results);

# %%
for key, system in (("tanh", "tanh"), ("sp", chapter.SPARSE)):
    for name in ("tau_s", "tau_d", "gamma"):
        style.glue(f"{key}_{name}", results.fss[system].limit[name][0])
        style.glue(f"{key}_{name}_err", results.fss[system].limit[name][1])
style.glue("tau_eff_summary", results.sparse_tau_eff)

# %% [markdown]
# ## What the data show
#
# * {glue:md}`v_calibration:myst`.
# * The tanh network extrapolates to $\tau_s =$ {glue:text}`tanh_tau_s:.2f` ± {glue:text}`tanh_tau_s_err:.2f`,
#   $\tau_d =$ {glue:text}`tanh_tau_d:.2f` ± {glue:text}`tanh_tau_d_err:.2f`, $\gamma =$
#   {glue:text}`tanh_gamma:.2f` ± {glue:text}`tanh_gamma_err:.2f`. {glue:md}`v_sum_dense:myst`.
#   {glue:md}`v_sum_dense_dp:myst`.
# * The window fits: {glue:md}`v_sum_tanh_window:myst`. {glue:md}`v_sum_driven_td:myst` (in theory the
#   driven line's restoring drift shortens its avalanches, hence its fit window).
# * The cut-offs need no window: {glue:md}`v_sum_ratio_tanh:myst`. {glue:md}`v_sum_ratio_driven:myst`.
#   {glue:md}`v_sum_bt_tanh:myst`. 1+1-D DP needs a spatial lattice, which a fully connected layer
#   does not have.
# * **Another activation, or another architecture?** With dense Gaussian layers, $h^{l+1}\mid h^l$ is
#   exactly Gaussian with variance $\sigma_w^2 m_l + \sigma_b^2$, so the noise of $\|h\|^2$ is
#   always proportional to its mean squared (multiplicative) whatever the activation: the theory
#   predicts free BM for each of the ten activations of `crit.models.activations`. This page measures
#   two of them: {glue:md}`v_sum_measured_activations:myst`. Threshold (step) units with sparse
#   connections make the noise demographic and silence absorbing, and the theory predicts mean-field
#   DP. That network extrapolates to $\tau_s =$ {glue:text}`sp_tau_s:.2f` ± {glue:text}`sp_tau_s_err:.2f`,
#   $\tau_d =$ {glue:text}`sp_tau_d:.2f` ± {glue:text}`sp_tau_d_err:.2f`, $\gamma =$
#   {glue:text}`sp_gamma:.2f` ± {glue:text}`sp_gamma_err:.2f`. {glue:md}`v_sum_sparse:myst`.
#   {glue:md}`v_sum_ratio_sparse:myst`. The duration exponent of an exact critical tree converges
#   slowly (its effective $\tau_d$ on $T = 3\ldots 20$ is {glue:text}`tau_eff_summary:.2f`):
#   {glue:md}`v_sum_td_sparse:myst`. The follow-up paper (arXiv:2512.00168) says activation design
#   alone switches the class; its text was not available to us, and the argument above gives no way
#   for it to in dense Gaussian layers.
# * Untrained ResNets, measured module by module as the authors' code does:
#   {glue:md}`v_sum_resnets:myst`. (They are rebuilt in `crit.models.resnets`: torchvision 0.28, the
#   release made for this PyTorch, installs but cannot be imported beside its CPU build.)
# * {glue:md}`v_profile:myst`

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only universality_classes` rebuilds this page; `--profile paper --device cuda`
# runs widths up to 2048. `crit.analysis.universality.measure` and `classify` take any paired sizes and
# durations, and `crit.analysis.collapse.size_collapse` any sweep over widths; `crit.models.lattice_dp.bond_dp` and
# `crit.models.exact_models` give models of known class; `crit.models.sparse_networks.simulate` runs the threshold
# network at any fan-out $K$, threshold and $\sigma_w^2$ (try $\sigma_w^2$ a little off
# `critical_sigma_w2`, or $K$ close to $\sqrt N$, where activity collides often).
# `make lab` opens this notebook in JupyterLab; edits are saved back to `notebooks/universality_classes.py`.
# ```
