r"""Train deep fully connected tanh networks from a batch of initialisations at once.

The networks are the engine's (:mod:`crit.models.avalanches`) with an input layer and a read-out:

.. math::

    h^{1} = W^0 \tanh(x) + b^0, \qquad h^{l+1} = W^l \tanh(h^l) + b^l \ (l = 1 … L-1), \qquad
    \text{logits} = W^{L} \tanh(h^L) + b^{L},

with every weight :math:`W^l_{ij} \sim \mathcal N(0, \sigma_w^2/\text{fan-in})` and every bias
:math:`b^l_i \sim \mathcal N(0, \sigma_b^2)`, ``L = depth`` hidden layers of ``width`` neurons (the
input is treated as a pre-activation, as the engine treats its input). Training minimises the
cross-entropy of minibatches with plain SGD (default, no momentum, no weight decay, no clipping:
the initialisation is all that differs between networks) or Adam, for a fixed number of steps.
Each network has its own learning rate, so a grid of learning rates trains in the same batch as
the grid of initialisations; with ``validation_fraction > 0`` a random part of the training split
is held out, never trained on, to choose among them (the test split is never used to choose).

``G`` initialisations :math:`(\sigma_w^2, \sigma_b^2)_g` are trained together as one batched model
(``torch.bmm``); their losses are summed, so each network receives exactly its own gradient. All
networks of one call share the same standard-normal draws (scaled by their own
:math:`\sigma_w, \sigma_b`) and the same sequence of minibatches: differences between them come
from the initialisation variances alone (common random numbers). Draws come from a
:class:`torch.Generator` seeded by ``seed``; on the CPU a run is bit-for-bit reproducible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from crit import _validate
from crit.models import datasets
from crit.models.avalanches import resolve_device
from crit.models.datasets import Dataset
from crit.records import Record, provenance

__all__ = ["Training", "train", "train_on", "OPTIMIZERS", "ADAM_BETAS", "ADAM_EPS"]

OPTIMIZERS = ("sgd", "adam")
#: Adam's constants, PyTorch's defaults (β₁, β₂, ε).
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8


@dataclass(frozen=True, eq=False)
class Training(Record):
    """Learning curves and final scores of a batch of trained networks.

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray, shape (G,)
        The initialisation of each network.
    test_accuracy : numpy.ndarray, shape (G,)
        Fraction of test examples classified correctly after the last step.
    final_test_loss : numpy.ndarray, shape (G,)
        Mean test cross-entropy after the last step, in nats (``inf`` if it diverged).
    train_accuracy, final_train_loss : numpy.ndarray, shape (G,)
        The same on the examples trained on, after the last step.
    validation_accuracy, final_validation_loss : numpy.ndarray, shape (G,)
        The same on the held-out validation examples (NaN when ``validation_fraction`` is 0).
    eval_steps : numpy.ndarray of int64, shape (n_eval,)
        Steps after which the network was evaluated (0 = at initialisation).
    train_loss : numpy.ndarray, shape (G, n_eval)
        Mean training cross-entropy of the minibatches since the previous evaluation (nats;
        at step 0 that of the first minibatch).
    test_curve : numpy.ndarray, shape (G, n_eval)
        Test accuracy at each evaluation.
    steps_to_target : numpy.ndarray, shape (G,)
        First evaluated step at which test accuracy ≥ ``target_accuracy``; NaN if never reached.
    lr : numpy.ndarray, shape (G,)
        The learning rate of each network.
    dataset, width, depth, steps, batch_size, optimizer, target_accuracy, validation_fraction, seed, device
        Parameters of :func:`train`.
    versions : dict
    wall_time_s : float
        Seconds for the whole batch.
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    test_accuracy: np.ndarray
    final_test_loss: np.ndarray
    eval_steps: np.ndarray
    train_loss: np.ndarray
    test_curve: np.ndarray
    steps_to_target: np.ndarray
    train_accuracy: np.ndarray
    final_train_loss: np.ndarray
    validation_accuracy: np.ndarray
    final_validation_loss: np.ndarray
    lr: np.ndarray
    dataset: str
    width: int
    depth: int
    steps: int
    batch_size: int
    optimizer: str
    target_accuracy: float
    validation_fraction: float
    seed: int
    device: str
    versions: dict
    wall_time_s: float


def _init(sizes, sw, sb, generator, device):
    """Weights (G, fan_in, fan_out) and biases (G, 1, fan_out), one shared standard-normal draw."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        z_w = torch.randn(fan_in, fan_out, generator=generator, dtype=torch.float64)
        z_b = torch.randn(fan_out, generator=generator, dtype=torch.float64)
        w = (z_w[None] * (sw.sqrt() / np.sqrt(fan_in))[:, None, None]).float().to(device)
        b = (z_b[None, None] * sb.sqrt()[:, None, None]).float().to(device)
        params += [w.requires_grad_(), b.requires_grad_()]
    return params


def _forward(params, x):
    """Logits (G, batch, classes) for inputs x of shape (batch, features) or (G, batch, features)."""
    h = x.expand(params[0].shape[0], *x.shape[-2:]) if x.dim() == 2 else x
    for w, b in zip(params[0::2], params[1::2]):
        h = torch.baddbmm(b, torch.tanh(h), w)
    return h


def _scores(params, x, y):
    """Per-network accuracy and mean cross-entropy on (x, y); a non-finite logit counts as wrong."""
    with torch.no_grad():
        logits = _forward(params, x)
        finite = torch.isfinite(logits).all(-1)
        correct = (logits.argmax(-1) == y[None]) & finite
        loss = torch.nn.functional.cross_entropy(
            logits.transpose(1, 2), y[None].expand(logits.shape[0], -1), reduction="none"
        ).mean(-1)
    return correct.double().mean(-1).cpu().numpy(), torch.nan_to_num(loss, nan=np.inf).double().cpu().numpy()


def train(dataset, sigma_w2, sigma_b2, *, width, depth, steps=300, batch_size=64, lr=0.05,
          optimizer="sgd", target_accuracy=0.8, eval_every=25, validation_fraction=0.0, seed=0, device=None,
          progress=False, threads=None) -> Training:
    """Train one network per initialisation (σ_w², σ_b²) and learning rate for ``steps`` minibatch steps.

    Parameters
    ----------
    dataset : Dataset
        From :func:`crit.models.datasets.load`.
    sigma_w2, sigma_b2 : float or array_like
        Weight variance × fan-in and bias variance (≥ 0) of each network; broadcast with ``lr`` to a
        common length G.
    width : int
        Neurons per hidden layer.
    depth : int
        Number of hidden layers (tanh), ≥ 1.
    steps : int
        Minibatch steps (the fixed training budget).
    batch_size : int
        Examples per minibatch, drawn without replacement in a new random order every epoch.
    lr : float or array_like
        Learning rate of each network (> 0).
    optimizer : {"sgd", "adam"}
        Plain SGD (no momentum) or Adam with PyTorch's default constants (:data:`ADAM_BETAS`, :data:`ADAM_EPS`).
    target_accuracy : float
        Test accuracy whose first crossing defines ``steps_to_target``.
    eval_every : int
        Steps between evaluations on the whole test set.
    validation_fraction : float
        Fraction of the training split held out (drawn with ``seed``) and never trained on, in [0, 1).
    seed : int
        Seeds the :class:`torch.Generator` of the initialisation, of the validation split and of the
        minibatch order.
    device : None, "auto", "cpu", "cuda" or torch.device
        Where to train (``"auto"``: a GPU when there is one).
    progress : bool
        Show a tqdm progress bar.
    threads : int, optional
        CPU threads for PyTorch during this call (restored afterwards); ``None`` keeps the current
        setting. One thread is much faster than two on a machine whose cores are shared. On the CPU
        the call also flushes subnormal floats to zero (``torch.set_flush_denormal``), which the
        gradients of deep networks in the ordered phase otherwise make slow, and switches that back
        off (PyTorch's default) at the end.

    Returns
    -------
    Training

    Examples
    --------
    >>> from crit.models import datasets
    >>> run = train(datasets.load("digits"), [0.5, 1.5], 0.05, width=16, depth=3, steps=20, lr=[0.1, 0.01])
    >>> run.test_accuracy.shape, run.lr.tolist()
    ((2,), [0.1, 0.01])
    """
    if not isinstance(dataset, Dataset):
        raise TypeError("dataset must be a crit.models.datasets.Dataset (from crit.models.datasets.load), "
                        f"got {type(dataset).__name__}")
    sw, sb, lrs = np.broadcast_arrays(_validate.finite_array("sigma_w2", np.atleast_1d(sigma_w2)),
                                      _validate.finite_array("sigma_b2", np.atleast_1d(sigma_b2)),
                                      _validate.finite_array("lr", np.atleast_1d(lr)))
    if (sw < 0).any() or (sb < 0).any():
        raise ValueError("sigma_w2 and sigma_b2 are variances: every value must be >= 0")
    if (lrs <= 0).any():
        raise ValueError(f"every learning rate must be > 0, got {lrs[lrs <= 0][0]!r}")
    width = _validate.integer("width", width, minimum=1)
    depth = _validate.integer("depth", depth, minimum=1)
    steps = _validate.integer("steps", steps, minimum=1)
    _validate.choice("optimizer", optimizer, OPTIMIZERS)
    target_accuracy = _validate.real("target_accuracy", target_accuracy, minimum=0, maximum=1)
    eval_every = _validate.integer("eval_every", eval_every, minimum=1)
    validation_fraction = _validate.real("validation_fraction", validation_fraction, minimum=0, maximum=1,
                                         strict_max=True)
    n_validation = int(round(validation_fraction * len(dataset.y_train)))
    batch_size = _validate.integer("batch_size", batch_size, minimum=1, maximum=len(dataset.y_train) - n_validation)
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    threads = None if threads is None else _validate.integer("threads", threads, minimum=1)
    saved_threads = torch.get_num_threads()
    try:
        if threads is not None:
            torch.set_num_threads(threads)
        if dev.type == "cpu":
            torch.set_flush_denormal(True)
        return _train(dataset, sw, sb, lrs.astype(float), width, depth, steps, batch_size, optimizer,
                      target_accuracy, eval_every, validation_fraction, n_validation, seed, dev, progress)
    finally:
        torch.set_num_threads(saved_threads)
        if dev.type == "cpu":
            torch.set_flush_denormal(False)


def train_on(dataset: str, sigma_w2, sigma_b2, **options) -> Training:
    """:func:`train` on the embedded data set named ``dataset`` (:func:`crit.models.datasets.load` with its
    defaults); a name, unlike a :class:`Dataset`, can key the results cache."""
    if not isinstance(dataset, str):
        raise TypeError(f"dataset must be the name of a data set, one of {datasets.NAMES}, "
                        f"got {type(dataset).__name__}")
    return train(datasets.load(dataset), sigma_w2, sigma_b2, **options)


class _Optimizer:
    """Plain SGD or Adam with one learning rate per network (the leading axis of every parameter)."""

    def __init__(self, params, lr, optimizer):
        self.params, self.adam, self.t = params, optimizer == "adam", 0
        self.lr = [lr.to(p.dtype).reshape(-1, *([1] * (p.dim() - 1))) for p in params]
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params] if self.adam else None

    @torch.no_grad()
    def step(self):
        self.t += 1
        for k, p in enumerate(self.params):
            if not self.adam:
                p.sub_(self.lr[k] * p.grad)
                continue
            (b1, b2), (m, v) = ADAM_BETAS, self.moments[k]
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            denom = (v / (1 - b2**self.t)).sqrt_().add_(ADAM_EPS)
            p.sub_(self.lr[k] / (1 - b1**self.t) * m / denom)

    def zero_grad(self):
        for p in self.params:
            p.grad = None


def _split(dataset, n_validation, generator, dev):
    """(x, y) of the examples trained on and of the held-out validation examples, on ``dev``."""
    x, y = torch.as_tensor(dataset.x_train), torch.as_tensor(dataset.y_train)
    if n_validation == 0:
        return (x.to(dev), y.to(dev)), None
    order = torch.randperm(len(y), generator=generator)
    held, kept = order[:n_validation], order[n_validation:]
    return (x[kept].to(dev), y[kept].to(dev)), (x[held].to(dev), y[held].to(dev))


def _train(dataset, sw, sb, lrs, width, depth, steps, batch_size, optimizer, target_accuracy, eval_every,
           validation_fraction, n_validation, seed, dev, progress):
    start = time.perf_counter()
    generator = torch.Generator().manual_seed(seed)
    sizes = [dataset.n_features] + [width] * depth + [dataset.n_classes]
    params = _init(sizes, torch.as_tensor(sw, dtype=torch.float64), torch.as_tensor(sb, dtype=torch.float64),
                   generator, dev)
    opt = _Optimizer(params, torch.as_tensor(lrs, device=dev), optimizer)
    (x_train, y_train), validation = _split(dataset, n_validation, generator, dev)
    x_test, y_test = torch.as_tensor(dataset.x_test, device=dev), torch.as_tensor(dataset.y_test, device=dev)
    n = len(y_train)
    eval_steps = [0]
    acc0, _ = _scores(params, x_test, y_test)
    curves, losses, pending = [acc0], [], []
    order, cursor = torch.randperm(n, generator=generator), 0
    for step in tqdm(range(1, steps + 1), disable=not progress, desc="training", leave=False):
        if cursor + batch_size > n:
            order, cursor = torch.randperm(n, generator=generator), 0
        idx = order[cursor:cursor + batch_size].to(dev)
        cursor += batch_size
        logits = _forward(params, x_train[idx])
        per_net = torch.nn.functional.cross_entropy(
            logits.transpose(1, 2), y_train[idx][None].expand(len(sw), -1), reduction="none"
        ).mean(-1)
        opt.zero_grad()
        per_net.sum().backward()
        opt.step()
        pending.append(per_net.detach())
        if step == 1:
            losses.append(per_net.detach().double().cpu().numpy())
        if step % eval_every == 0 or step == steps:
            eval_steps.append(step)
            losses.append(torch.stack(pending).double().mean(0).cpu().numpy())
            pending = []
            curves.append(_scores(params, x_test, y_test)[0])
    accuracy, test_loss = _scores(params, x_test, y_test)
    train_accuracy, train_loss = _scores(params, x_train, y_train)
    nan = np.full(len(sw), np.nan)
    val_accuracy, val_loss = _scores(params, *validation) if validation is not None else (nan, nan)
    curve = np.stack(curves, axis=1)
    reached = curve >= target_accuracy
    eval_arr = np.asarray(eval_steps, np.int64)
    steps_to_target = np.where(reached.any(1), eval_arr[np.argmax(reached, axis=1)], np.nan)
    return Training(
        sigma_w2=sw.astype(float), sigma_b2=sb.astype(float), test_accuracy=accuracy, final_test_loss=test_loss,
        eval_steps=eval_arr, train_loss=np.nan_to_num(np.stack(losses, axis=1), nan=np.inf),
        test_curve=curve, steps_to_target=steps_to_target.astype(float), train_accuracy=train_accuracy,
        final_train_loss=train_loss, validation_accuracy=val_accuracy, final_validation_loss=val_loss,
        lr=lrs.astype(float), dataset=dataset.name, width=width, depth=depth, steps=steps, batch_size=batch_size,
        optimizer=optimizer, target_accuracy=target_accuracy, validation_fraction=float(validation_fraction),
        seed=seed, device=str(dev), versions=provenance(), wall_time_s=time.perf_counter() - start,
    )
