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
# Our notes reconstruct why the paper's Gaussian tanh network might sit in the class of an
# *absorbed free Brownian motion* ($\tau_s = 4/3$, $\tau_d = 3/2$, $\gamma = 3/2$): the layer norm
# performs a multiplicative random walk, $\|h^{l+1}\|^2 = \sigma_w^2 m_l\,\chi^2_N/N$, so
# $\ln\|h\|^2$ is a free walk with step variance $\approx 2/N$, absorbed when it falls below its
# start. That is a hypothesis; the page tests the networks against every candidate class.
#
# This chapter (1) lists five candidate classes with what each predicts for every statistic, and
# which of them no measurement of these statistics can tell apart, (2) fixes one measurement pipeline
# and runs it, unchanged, on four exact models of known class to get its recovery rates and its
# systematic errors, (3) sweeps the width $N$ of three dense network systems at their finite-width
# critical points with a depth that grows with $N$, and of a fourth network built for the *other*
# class (binary threshold units with sparse connections), (4) fits the cut-offs $S_c(N)$, $T_c(N)$,
# the exponents against $N$ and their $N\to\infty$ limits, collapses $P(S)$, compares mean avalanche
# shapes, measures untrained ResNets module by module, and (5) assigns every system by a $\chi^2$ over
# all the statistics it measured, with its uncertainty.
#
# {glue:md}`profile_statement:myst`

# %% tags=["parameters"]
PROFILE = "ci"  # "ci": widths 32…256 on 2 CPU cores (minutes); "paper": widths 64…2048 (GPU)
SEED = 0  # seed of the first simulation; every system, width and model gets its own from it
DEVICE = "auto"  # "auto" (a GPU when there is one), "cpu" or "cuda"
PUBLISHED = ""  # "": compute every number; "results/paper": replay the page from its published results

# %%
from IPython.display import Markdown, display

from crit.analysis import pipeline
from crit.book import claims, style
from crit.chapters import universality_classes as chapter

style.use()

# %% tags=["nbval-ignore-output"]
results = chapter.compute(PROFILE, seed=SEED, device=DEVICE, published=PUBLISHED or None)
settings = results.settings  # the settings every number below was computed with
display(settings)
style.glue_md("profile_statement", claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE,
                                                            seed=SEED, sources=results.sources))
claims.glue_claim(chapter.claim(results))
for key, sentence in chapter.page_verdicts(results).items():  # every result sentence of the page
    style.glue_md(key, sentence)
rules = pipeline.PIPELINE
style.glue("dmin", rules.dmin)
style.glue("window_fraction", rules.window_fraction)
style.glue("censor_fraction", rules.censor_fraction)
style.glue("size_quantile", rules.size_quantile)
style.glue("max_groups", rules.max_groups)
cal = results.calibration
style.glue("cal_reps", cal.repetitions)
style.glue("cal_n", cal.n_avalanches)
style.glue("cal_cutoff", cal.cutoff)

# %% [markdown]
# ## The candidate classes and what each predicts
#
# Five classes, each with the value (and literature error) it predicts for the size and duration
# exponents $\tau_s$, $\tau_d$, the exponent $\gamma = 1/(\sigma\nu z)$ of $\langle S\rangle(T)\propto T^\gamma$,
# the width exponents of the cut-offs $S_c\propto N^{b_S}$, $T_c\propto N^{b_T}$ ($N$ units per layer,
# or sites), and the exponent $a$ of the mean avalanche shape $F(u)\propto[u(1-u)]^a$
# (`crit.analysis.classes.CLASSES`). "No prediction" means the literature gives none: the Barkhausen
# cut-offs are set by the demagnetizing factor, not by a width, and the measured Barkhausen pulse
# shapes are asymmetric. The short-range Barkhausen row is experimental: its $\tau_d$ error is assumed
# (the sources we could read give $\alpha\sim 1.5$ without one), and its $\gamma$ follows from the
# crackling relation, so its error rests on that assumption (the sources table says which entry comes
# from where).

# %%
Markdown(chapter.class_table(results))

# %% tags=["hide-input"]
Markdown(chapter.sources_table(results))

# %% [markdown]
# How far apart are the classes? For a measurement exactly at one class (rows), with no statistical
# error but the literature errors and this page's systematic errors (below), the table gives the
# $\Delta\chi^2$ by which another class (columns) is worse; in bold where it is below 4, i.e. where
# no measurement of these statistics, however precise, separates the two at 2σ. First over
# $\tau_s$, $\tau_d$, $\gamma$ (what the ResNets and the exact models measure), then over every statistic
# of the width sweeps.

# %%
Markdown(chapter.separation_table(results, "exponents"))

# %%
Markdown(chapter.separation_table(results, "all"))

# %% [markdown]
# {glue:md}`v_degeneracy:myst`.

# %% [markdown]
# ## One pipeline, calibrated as used
#
# Every system on this page, network or exact model, is measured by the same rules
# (`crit.analysis.pipeline.PIPELINE`), fixed on the exact models before any network was measured with
# them: the ended avalanches only (those alive at the last layer are censored); durations from
# $T =$ {glue:text}`dmin:.0f` steps to {glue:text}`window_fraction:.2f` times the measured cut-off
# $T_c = \langle T^3\rangle/\langle T^2\rangle$ (never beyond {glue:text}`censor_fraction:.2f` of the cap);
# sizes between quantiles of the sizes of the avalanches just outside that window
# ($q =$ {glue:text}`size_quantile:.2f`); maximum-likelihood fits with the cut-off in the likelihood;
# $\gamma$ from $\langle S\rangle(T)$ on log bins of the duration window; errors and the covariance of
# $(\tau_s, \tau_d, \gamma)$ from a jackknife over {glue:text}`max_groups` blocks of networks; $N\to\infty$
# limits from $x(N) = x_\infty + b N^{-\omega}$ with $\omega$ the measured $b_T$ (its error carried).
#
# The calibration runs each exact model {glue:text}`cal_reps` times with {glue:text}`cal_n`
# avalanches and a soft cut-off $e^{-T/x_c}$, $x_c =$ {glue:text}`cal_cutoff:.0f` steps, sample sizes and
# cut-offs like the dense networks' (`crit.analysis.calibration.calibrate`), and assigns every
# repetition exactly as the networks are assigned. The recovery rate is the fraction of repetitions
# given the model's own class (binomial errors), against all five classes and against the four that
# have an exact model (short-range Barkhausen has none). The largest bias over the models, the noise
# of the mean removed, becomes the systematic error of each exponent in every assignment of the page.

# %% tags=["nbval-ignore-output"]
Markdown(chapter.calibration_table(results))

# %% [markdown]
# {glue:md}`v_calibration:myst`.
#
# {glue:md}`v_cal_exponents:myst`.
#
# {glue:md}`v_systematic:myst`.

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
# *Hypothesis* (our reconstruction, not tested as such on this page): dense Gaussian layers stay in
# the free-BM class, because given a layer the next pre-activation is exactly Gaussian, so the noise
# of $\|h\|^2$ scales with its mean squared whatever the activation. The log trap needs a noise *variance* proportional to the activity and
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
# {glue:text}`sparse_depth:.0f`$\sqrt N$ layers. It is measured by the same pipeline as every other
# system (fits from $T =$ {glue:text}`dmin:.0f`: an exact critical tree has an effective $\tau_d$ of only
# {glue:text}`tau_eff:.2f` on $T = 3\ldots 20$, `crit.models.sparse_networks.effective_duration_exponent`).
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
# The cut-offs are moment ratios, $S_c = \langle S^2\rangle/\langle S\rangle$ and
# $T_c = \langle T^3\rangle/\langle T^2\rangle$, and need no fit window. The lines are the slopes each
# class predicts: free BM in $\ln\|h\|^2$ with step variance $2/N$ gives $T_c\propto N$,
# $S_c\propto N^{3/2}$; mean-field DP on $N$ units $T_c\propto N^{1/2}$, $S_c\propto N$; 1+1-D DP on
# $N$ sites $T_c\propto N^{z}$, $S_c\propto N^{z\gamma}$. Errors are jackknife over networks; exponents are
# weighted least-squares slopes, and their errors a jackknife of the whole fit (each block of networks
# left out at every width at once: the weights are noisy too). The table gives, for the classes that predict both, the p-value of
# $(b_S, b_T)$ alone, with their correlation over networks and the systematic errors. How these errors,
# and that of $\sigma$ below, compare with the spread of the values over hundreds of independent draws
# of the networks, on average and seed by seed, is measured on the [methods](methods.md) page; read a
# comparison at 2 errors with it.

# %%
chapter.cutoffs_figure(results);

# %%
Markdown(chapter.cutoff_table(results))

# %% [markdown]
# {glue:md}`v_cut_tanh:myst`. {glue:md}`v_cut_driven:myst`. {glue:md}`v_cut_sparse:myst`.
#
# Critical branching on $N$ sites runs at the same widths with the same samples, so at these sizes it,
# rather than the asymptotic value, is the sparse network's yardstick. {glue:md}`v_cut_branching:myst`.
# {glue:md}`v_cut_match:myst`.
#
# ReLU has no curvature and no ceiling, so our expectation is that its only cut-off is the depth
# ($\propto N$ here) and its slope says nothing about the class. {glue:md}`v_cut_relu:myst`.

# %% [markdown]
# ## Exponents against the width and their limit
#
# $\tau_s$, $\tau_d$, $\gamma$ of every width, all measured by the one pipeline, and their $N\to\infty$
# limits (stars) from $x_\infty + b N^{-\omega}$ with $\omega$ the system's measured $b_T$; the grey lines
# are the candidate classes.

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
# The error of $\sigma$ is a delete-half jackknife over balanced half-samples of blocks of networks, with
# $\tau$ refitted in each (the best $\sigma$ on a grid is not a smooth statistic, so the delete-one
# jackknife does not apply). `tests/test_collapse.py` checks the method on data built with exact
# scaling, on critical branching on $N$ sites, where $\sigma = 1$, and the error against the spread of
# $\sigma$ over independent draws of disordered networks.

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
# {cite:p}`laurson2013evolution`. The chapter records traces of the tanh network (the widest width of
# its sweep, twice the inputs) and of the sparse threshold network ($N = 16384$), only those of the
# ended avalanches whose durations are collapsed (`trace_durations` of the simulations, the windows of
# `crit.analysis.shapes.WINDOWS`: at the paper's depths the longer avalanches' traces would be most of
# the published record, and no analysis reads them), collapses them with
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
# The paper also measures avalanches in convolutional residual networks (its Fig. 4, "Beyond Gaussian
# networks"). What is known of them comes from the authors' released code: torchvision ResNet-18, 50
# and 152, untrained or ImageNet-pretrained, in evaluation mode, Gaussian-noise inputs at the weights'
# image size (224×224 by default) with a noise level set on the command line; every call of a leaf
# module (convolution, batch norm, ReLU, pooling, …) is one time step, $q_j = \sum y_j^2$ over its
# output, the threshold $\theta_j$ is the mean of $q_j$ over calibration inputs of the same network,
# and an input's avalanche runs while $q_j \ge \theta_j$, with $S = \sum_j(\sqrt{q_j} - \sqrt{\theta_j})$.
# Which models, noise level, number of calibration inputs and runs the paper's figure used, and whether
# the networks were pretrained, are not known to us.
#
# Ours differ by design: untrained networks only, rebuilt with torchvision's structure and
# initialisation (`crit.models.resnets`; the parameter counts match torchvision's in a test), noise of
# standard deviation 1 on {glue:text}`rn_size`×{glue:text}`rn_size` images at this profile,
# {glue:text}`rn_calib` calibration inputs per network, batch norm in evaluation mode (the identity in
# an untrained network), and many independent networks per depth, so that errors are jackknife over
# networks. The depth caps the duration at the number of module calls. They are measured by the same
# pipeline as every other system; with no width there is no $b_S$ or $b_T$, and no shape.

# %% tags=["nbval-ignore-output"]
style.glue("rn_calib", next(iter(results.resnet_runs.values())).n_calibration)
style.glue("rn_size", settings.resnet_image_size)
Markdown(chapter.resnet_table(results))

# %%
chapter.resnet_distributions_figure(results);

# %% [markdown]
# {glue:md}`v_rn_assign:myst`.
#
# The calibration's cut-off and the ResNets': {glue:md}`v_rn_window:myst`.

# %% [markdown]
# ## Class assignment
#
# Every system against every class (`crit.analysis.class_assignment.assign`): over the $k$ statistics
# that it measured and the class predicts, $\chi^2 = r^\top C^{-1} r$ with $r$ the residuals and $C$ the
# measurement covariance (the spread over networks, with the jackknife correlations) plus the literature
# and systematic errors squared; the distance is $\sqrt{\chi^2/k}$, with its 16–84 % band when the
# measurement is redrawn from its own errors. The best class (largest p-value) is assigned unless
# every class has $p < 0.05$ or the best two are not separated at 2σ
# ($\Delta\chi^2 < 4$ on the statistics both predict): then the class is undetermined, with the reason.

# %%
Markdown(chapter.assignment_table(results))

# %%
chapter.class_plane_figure(results);

# %% [markdown]
# ## What the data show
#
# * Calibration: {glue:md}`v_calibration:myst`.
# * The tanh network: {glue:md}`v_sum_tanh:myst`.
# * The driven tanh line: {glue:md}`v_sum_tanh_driven:myst`.
# * The ReLU network: {glue:md}`v_sum_relu:myst`.
# * The sparse threshold network: {glue:md}`v_sum_sparse_step:myst`.
# * Its exact counterpart, critical branching on $N$ sites: {glue:md}`v_sum_branching_on_N_sites:myst`.
# * Untrained ResNets, measured module by module as the authors' code does: {glue:md}`v_sum_resnets:myst`.
#   (They are rebuilt in `crit.models.resnets`: torchvision 0.28, the release made for this PyTorch,
#   installs but cannot be imported beside its CPU build.)
# * What no measurement here can decide: {glue:md}`v_degeneracy:myst`.
# * {glue:md}`v_profile:myst`
#
# *Hypotheses, not tested on this page:* with dense Gaussian layers $h^{l+1}\mid h^l$ is exactly
# Gaussian with variance $\sigma_w^2 m_l + \sigma_b^2$, so the noise of $\|h\|^2$ is proportional to its
# mean squared whatever the activation, which would put every dense Gaussian network in the free-BM
# class; threshold units with sparse connections make the noise demographic and silence absorbing,
# which would put them in mean-field DP. The follow-up paper (arXiv:2512.00168) says activation design
# alone switches the class; its text was not available to us.

# %% [markdown]
# ```{admonition} Rerun and vary
# `python -m crit book --only universality_classes` rebuilds this page; `--profile paper --device cuda`
# runs widths up to 2048. `crit.analysis.pipeline.measure` takes any paired sizes and durations and
# `crit.analysis.class_assignment.assign` any measurement; `crit.analysis.calibration.calibrate` reruns
# the calibration at other sizes or cut-offs; `crit.analysis.collapse.size_collapse` takes any sweep over
# widths; `crit.models.lattice_dp.bond_dp` and `crit.models.exact_models` give models of known class;
# `crit.models.sparse_networks.simulate` runs the threshold network at any fan-out $K$, threshold and
# $\sigma_w^2$ (try $\sigma_w^2$ a little off `critical_sigma_w2`, or $K$ close to $\sqrt N$, where activity
# collides often). `make lab` opens this notebook in JupyterLab; edits are saved back to
# `notebooks/universality_classes.py`.
# ```
