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
# that does not cut the avalanches, and of a fourth network built to fall in the *other* class
# (binary threshold units with sparse connections), (3) fits the cut-offs $S_c(N)$, $T_c(N)$, the
# exponents against $N$ and their $N\to\infty$ limits, collapses $P(S)$ with a measured quality,
# follows the susceptibility peak, and (4) assigns each system to its nearest class with a
# distance in units of the error.

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": widths 32…256 on 2 CPU cores (minutes); "paper": widths 64…2048 (GPU)
SEED = 0  # seed of the first simulation; every system, width and model gets its own from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"

# %%
from IPython.display import Markdown

from crit.book import style
from crit.chapters import universality_classes as chapter

style.use()
settings = chapter.PROFILES[PROFILE]
settings

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
style.glue("sys_tau", results.systematic[0])
style.glue("sys_alpha", results.systematic[1])
style.glue("sys_gamma", results.systematic[2])
style.glue("tolerance", results.tolerance)
Markdown(chapter.calibration_table(results))

# %%
style.glue("n_right", results.n_right)
results.calibration_classes

# %% [markdown]
# {glue:text}`n_right` of the 4 calibration models land in their own class (the same check runs as
# a test, `tests/test_universality.py`, at smaller sizes).

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
# Dense Gaussian layers cannot leave the free-BM class (see the last section): given a layer, the
# next pre-activation is exactly Gaussian, so the noise of $\|h\|^2$ scales with its mean squared
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

# %%
tanh = results.fss["tanh"]
style.glue("tc_exp", tanh.duration_cutoff_exponent)
style.glue("tc_err", tanh.duration_cutoff_exponent_err)
style.glue("sc_exp", tanh.size_cutoff_exponent)
style.glue("sc_err", tanh.size_cutoff_exponent_err)
style.glue("relu_tc_exp", results.fss["relu"].duration_cutoff_exponent)
for prefix, system in (("sp", chapter.SPARSE), ("br", chapter.BRANCHING)):
    for key, attr in (("tc_exp", "duration_cutoff_exponent"), ("sc_exp", "size_cutoff_exponent")):
        style.glue(f"{prefix}_{key}", getattr(results.fss[system], attr))
        style.glue(f"{prefix}_{key}_err", getattr(results.fss[system], attr + "_err"))

# %% [markdown]
# For the tanh network $T_c \propto N^{a}$ with $a =$ {glue:text}`tc_exp:.2f` ± {glue:text}`tc_err:.2f`
# and $S_c \propto N^{b}$ with $b =$ {glue:text}`sc_exp:.2f` ± {glue:text}`sc_err:.2f`: far from the
# mean-field-DP values (1/2 and 1), compatible with or a little below the free-BM values (1 and 3/2).
# The sparse threshold network gives $T_c\propto N^{a}$ with $a =$ {glue:text}`sp_tc_exp:.2f` ±
# {glue:text}`sp_tc_exp_err:.2f` and $S_c\propto N^{b}$ with $b =$ {glue:text}`sp_sc_exp:.2f` ±
# {glue:text}`sp_sc_exp_err:.2f`. The exact branching model gives {glue:text}`br_tc_exp:.2f` ±
# {glue:text}`br_tc_exp_err:.2f` and {glue:text}`br_sc_exp:.2f` ± {glue:text}`br_sc_exp_err:.2f` with
# the same widths and samples: a little below ½ and 1, so at these sizes the calibration, not the
# asymptotic value, is the yardstick, and the sparse network agrees with it. The cut-offs are the
# cleanest separation
# of the two classes at these widths. ReLU has no curvature and no ceiling; its cut-off is the depth
# ($\propto N$ here, so its slope {glue:text}`relu_tc_exp:.2f` says nothing about the class).

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
# Errors are a jackknife over blocks of networks. On data built with exact scaling and on critical
# branching on $N$ sites it recovers $\sigma = 1$ within its errors (`tests/test_collapse.py`).

# %%
chapter.collapse_figure(results);

# %%
Markdown(chapter.collapse_table(results))

# %%
for key, s in (("tanh", "tanh"), ("sp", chapter.SPARSE), ("br", chapter.BRANCHING), ("relu", "relu")):
    for attr in ("sigma", "sigma_err", "quality"):
        style.glue(f"c_{key}_{attr}", getattr(results.collapses[s], attr))

# %% [markdown]
# The sparse threshold network collapses with $\sigma =$ {glue:text}`c_sp_sigma:.2f` ±
# {glue:text}`c_sp_sigma_err:.2f` (quality {glue:text}`c_sp_quality:.1f`) and its calibration, critical
# branching on $N$ sites, with {glue:text}`c_br_sigma:.2f` ± {glue:text}`c_br_sigma_err:.2f` (exact: 1).
# The tanh network collapses with $\sigma =$ {glue:text}`c_tanh_sigma:.2f` ±
# {glue:text}`c_tanh_sigma_err:.2f` (quality {glue:text}`c_tanh_quality:.1f`), below the free-BM 3/2
# and below its moment exponent: at these widths its cut-off regions hold few avalanches. ReLU, whose
# cut-off is the depth, gives $\sigma =$ {glue:text}`c_relu_sigma:.1f` ± {glue:text}`c_relu_sigma_err:.1f`:
# no collapse.

# %% [markdown]
# ## Mean avalanche shapes
#
# A third signature needs no fit of $P(S)$ or $P(T)$: the mean trace of avalanches of duration $T$,
# rescaled by $T^{1-\gamma}$ against $u = t/T$, collapses onto a curve $F(u)$ that is a parabola
# $u(1-u)$ in the log-trap class and a semicircle $\sqrt{u(1-u)}$ for an absorbed free walk
# {cite:p}`laurson2013evolution`. the chapter records traces of the tanh network (widest CI width,
# twice the inputs) and of the sparse threshold network ($N = 16384$), collapses them with
# `crit.analysis.stats.shape_collapse` and fits $F \propto [u(1-u)]^a$ on $0.1 \le u \le 0.9$ for each
# duration: $a = 1$ for the parabola, $1/2$ for the semicircle (error: spread over durations). A
# discrete avalanche starts and ends with one active unit rather than none, which flattens the ends
# at short durations, so the exact models on the same durations are the yardsticks
# (`crit.analysis.shapes.exact_shape_exponents`).

# %%
chapter.shapes_figure(results);

# %%
Markdown(chapter.exact_shapes_table(results))

# %%
for key, s in (("tanh", "tanh"), ("sp", chapter.SPARSE)):
    style.glue(f"a_{key}", results.shape_exponents[s][0])
    style.glue(f"a_{key}_err", results.shape_exponents[s][1])
style.glue("a_tree", results.exact_shape_exponents["mean-field DP"][0])
style.glue("a_walk", results.exact_shape_exponents["free BM"][0])

# %% [markdown]
# The tanh network's shape exponent is $a =$ {glue:text}`a_tanh:.2f` ± {glue:text}`a_tanh_err:.2f`
# (random-walk excursions: {glue:text}`a_walk:.2f`) and the sparse threshold network's
# {glue:text}`a_sp:.2f` ± {glue:text}`a_sp_err:.2f` (critical Poisson trees:
# {glue:text}`a_tree:.2f`; the network's offspring law is Binomial(4, 1/4), not Poisson(1), and its
# value sits a little lower). The shapes separate the two networks the same way as the exponents and
# the cut-offs.

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

# %%
deepest = max(results.resnet_exponents)
style.glue("rn_name", results.resnet_exponents[deepest].name)
style.glue("rn_g", results.resnet_exponents[deepest].gamma)
style.glue("rn_g_err", results.resnet_exponents[deepest].gamma_err)
style.glue("rn_class", results.resnet_classes[deepest].assigned)
style.glue("rn_min_dp", results.resnet_min_dp)

# %% [markdown]
# In {glue:text}`rn_name` $\gamma =$ {glue:text}`rn_g:.2f` ± {glue:text}`rn_g_err:.2f` and the
# nearest class is **{glue:text}`rn_class`**. The shallowest network's few module calls leave too
# short a window to tell free BM from 1+1-D DP, but every ResNet is at least
# {glue:text}`rn_min_dp:.1f` combined errors from mean-field DP. The residual stream carries the activation norm
# from block to block with a small multiplicative change, so measured against the mean norm of each
# module it performs the same kind of free walk as the dense network's $\ln\|h\|^2$. We find no sign
# of the mean-field-DP value $\gamma \approx 2$ that second-hand summaries attribute to the paper's
# ResNet figure; we could not verify that value, and the paper's inputs, thresholds and batch-norm
# mode are not known, so this is a comparison with our reconstruction only.

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
verdict = results.verdicts
for key, e in zip(("tanh_ts", "tanh_td", "tanh_g"), ("tau_s", "tau_d", "gamma")):
    style.glue(key, results.fss["tanh"].limit[e][0])
style.glue("tanh_class", verdict["tanh, N→∞"].assigned)
style.glue("driven_class", verdict["tanh, driven, N→∞"].assigned)
style.glue("relu_class", verdict["relu, N→∞"].assigned)
for key, system in (("ratio_tanh", "tanh"), ("ratio_driven", "tanh, driven"), ("ratio_sparse", chapter.SPARSE)):
    ratio, ratio_err = results.cutoff_ratios[system]
    style.glue(key, ratio)
    style.glue(key + "_err", ratio_err)
sparse = results.fss[chapter.SPARSE]
style.glue("sparse_class", verdict[f"{chapter.SPARSE}, N→∞"].assigned)
style.glue("sparse_wide_class", verdict[f"{chapter.SPARSE}, N={int(sparse.widths[-1])}"].assigned)
for key, e in zip(("sp_ts", "sp_td", "sp_g"), ("tau_s", "tau_d", "gamma")):
    style.glue(key, sparse.limit[e][0])
    style.glue(key + "_err", sparse.limit[e][1])

# %% [markdown]
# ## What the data show
#
# * The pipeline sorts the four calibration models into their own classes.
# * The tanh network extrapolates to $\tau_s =$ {glue:text}`tanh_ts:.2f`, $\tau_d =$
#   {glue:text}`tanh_td:.2f`, $\gamma =$ {glue:text}`tanh_g:.2f` and is assigned to
#   **{glue:text}`tanh_class`**; the driven tanh line to **{glue:text}`driven_class`**; ReLU to
#   **{glue:text}`relu_class`**. Every dense network is far from mean-field DP, both in the exponents
#   and in the cut-off scaling. At CI widths $\tau_d$ comes out below 3/2, between free BM and 1+1-D
#   DP, so the assignment from the window fits is not secure (the driven line, whose restoring drift
#   shortens the fit window, falls nearer 1+1-D DP on $\tau_d$). The cut-offs settle it: their
#   exponent ratio $b_S/b_T$ is {glue:text}`ratio_tanh:.2f` ± {glue:text}`ratio_tanh_err:.2f` for tanh
#   and {glue:text}`ratio_driven:.2f` ± {glue:text}`ratio_driven_err:.2f` for the driven line, the
#   free-BM $\gamma = 3/2$, with $T_c$ growing as $N$; and no mechanism for 1+1-D DP (a spatial
#   lattice) exists in a fully connected layer.
# * **The other class needs more than another activation.** With dense Gaussian layers,
#   $h^{l+1}\mid h^l$ is exactly Gaussian with variance $\sigma_w^2 m_l + \sigma_b^2$, so the noise of
#   $\|h\|^2$ is always proportional to its mean squared (multiplicative) whatever the activation, and
#   none of the ten activations of `crit.models.activations` can leave free BM. Threshold (step) units with
#   sparse connections make the noise demographic and silence absorbing: that network extrapolates to
#   $\tau_s =$ {glue:text}`sp_ts:.2f` ± {glue:text}`sp_ts_err:.2f`, $\tau_d =$ {glue:text}`sp_td:.2f` ±
#   {glue:text}`sp_td_err:.2f`, $\gamma =$ {glue:text}`sp_g:.2f` ± {glue:text}`sp_g_err:.2f`, is assigned
#   **{glue:text}`sparse_class`** (and {glue:text}`sparse_wide_class` at its widest $N$), and its cut-offs
#   scale as mean-field DP predicts ($b_S/b_T =$ {glue:text}`ratio_sparse:.2f` ±
#   {glue:text}`ratio_sparse_err:.2f`, against 2). The duration exponent converges slowly (as an exact critical
#   tree's does), so its cut-off exponents, its collapse (matching the exact branching model's) and its
#   parabolic mean shape are the firmer evidence. The follow-up paper
#   (arXiv:2512.00168) says activation design alone switches the class; its text was not available to
#   us, and in dense Gaussian layers we find no way for it to.
# * Untrained ResNets, measured module by module as the authors' code does, fall nearest
#   **{glue:text}`rn_class`**, like the dense networks. (They are rebuilt in `crit.models.resnets`:
#   torchvision 0.28, the release made for this PyTorch, installs but fails to import beside its CPU
#   build.)
# * The paper profile (widths 64…2048) is set up but was not run here (no GPU).

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
