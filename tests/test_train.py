"""crit.models.train: learning happens, runs are reproducible, the parameterisation is the engine's."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from crit.models import datasets, train


@pytest.fixture(scope="module")
def digits():
    return datasets.load("digits")


def test_training_lowers_the_loss_and_beats_chance(digits):
    run = train.train(digits, [1.5, 1.5], [0.0, 0.05], width=32, depth=4, steps=150, lr=0.1,
                      eval_every=50, seed=0, threads=1)
    assert np.all(run.train_loss[:, -1] < 0.5 * run.train_loss[:, 0])
    assert np.all(run.test_accuracy > 0.8)  # chance is 0.1
    assert run.eval_steps.tolist() == [0, 50, 100, 150]
    assert run.test_curve.shape == run.train_loss.shape == (2, 4)
    np.testing.assert_array_equal(run.test_curve[:, -1], run.test_accuracy)
    reached = run.steps_to_target[np.isfinite(run.steps_to_target)]
    assert reached.size and np.all(np.isin(reached, run.eval_steps))


def test_same_seed_same_result_bit_for_bit(digits):
    kwargs = dict(width=16, depth=6, steps=40, eval_every=20, threads=1)
    a = train.train(digits, [0.8, 2.0], 0.01, seed=3, **kwargs)
    b = train.train(digits, [0.8, 2.0], 0.01, seed=3, **kwargs)
    c = train.train(digits, [0.8, 2.0], 0.01, seed=4, **kwargs)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.test_curve, b.test_curve)
    assert not np.array_equal(a.train_loss, c.train_loss)


def test_batched_networks_train_independently(digits):
    """A network's run does not depend on which other initialisations share the batch."""
    kwargs = dict(width=16, depth=5, steps=30, eval_every=10, seed=1, threads=1)
    both = train.train(digits, [0.7, 1.8], [0.0, 0.2], **kwargs)
    alone = train.train(digits, [1.8], [0.2], **kwargs)
    np.testing.assert_allclose(both.train_loss[1], alone.train_loss[0], rtol=1e-5)
    np.testing.assert_allclose(both.test_curve[1], alone.test_curve[0])


def test_initial_weights_have_the_engine_variances():
    gen = torch.Generator().manual_seed(0)
    w, b = train._init([400, 300], torch.tensor([0.5, 2.0], dtype=torch.float64),
                       torch.tensor([0.1, 0.0], dtype=torch.float64), gen, torch.device("cpu"))
    assert w.shape == (2, 400, 300) and b.shape == (2, 1, 300)
    var = (w.detach().double() ** 2).mean((1, 2)) * 400  # fan_in * Var(W) = sigma_w2
    np.testing.assert_allclose(var.numpy(), [0.5, 2.0], rtol=0.02)
    b = b.detach()
    assert float(b[0].var()) == pytest.approx(0.1, rel=0.2) and float(b[1].abs().max()) == 0


def test_ordered_phase_learns_worse_than_near_critical(digits):
    run = train.train(digits, [0.3, 1.5], 0.0, width=32, depth=20, steps=100, eval_every=50, seed=0, threads=1)
    assert run.test_accuracy[0] < 0.3 < 0.7 < run.test_accuracy[1]


def test_bad_arguments(digits):
    with pytest.raises(ValueError, match="variances"):
        train.train(digits, -1.0, 0.0, width=8, depth=2, steps=1)
    with pytest.raises(ValueError, match="variances"):
        train.train(digits, 1.0, -0.1, width=8, depth=2, steps=1)
    with pytest.raises(TypeError, match="width must be an integer"):
        train.train(digits, 1.0, 0.0, width="8", depth=2, steps=1)
    with pytest.raises(TypeError, match="crit.models.datasets.Dataset"):
        train.train(np.zeros((3, 3)), 1.0, 0.0, width=8, depth=2, steps=1)
    with pytest.raises(ValueError, match="optimizer"):
        train.train(digits, 1.0, 0.0, width=8, depth=2, steps=1, optimizer="lbfgs")
    with pytest.raises(ValueError, match="learning rate must be > 0"):
        train.train(digits, 1.0, 0.0, width=8, depth=2, steps=1, lr=[0.1, 0.0])
    with pytest.raises(ValueError, match="validation_fraction"):
        train.train(digits, 1.0, 0.0, width=8, depth=2, steps=1, validation_fraction=1.0)
    with pytest.raises(ValueError, match="broadcast|shape"):
        train.train(digits, [1.0, 2.0, 3.0], [0.0, 0.1], width=8, depth=2, steps=1)


def test_adam_also_learns(digits):
    run = train.train(digits, 1.2, 0.0, width=16, depth=3, steps=60, lr=3e-3, optimizer="adam", seed=0, threads=1)
    assert run.test_accuracy[0] > 0.6




def test_each_network_trains_with_its_own_learning_rate(digits):
    """A batch of learning rates gives each network exactly what training it alone at that rate gives."""
    kwargs = dict(width=12, depth=4, steps=30, eval_every=10, seed=2, threads=1)
    for optimizer, rates in (("sgd", [0.3, 0.03]), ("adam", [1e-2, 1e-3])):
        both = train.train(digits, 1.3, 0.01, lr=rates, optimizer=optimizer, **kwargs)
        alone = train.train(digits, 1.3, 0.01, lr=rates[1], optimizer=optimizer, **kwargs)
        np.testing.assert_allclose(both.train_loss[1], alone.train_loss[0], rtol=1e-5)
        assert both.lr.tolist() == rates and not np.allclose(both.train_loss[0], both.train_loss[1])


def test_adam_is_pytorchs_adam():
    torch.manual_seed(0)
    mine = torch.randn(2, 3, 4, requires_grad=True)
    ref = mine.detach().clone().requires_grad_()
    ours = train._Optimizer([mine], torch.tensor([1e-2, 1e-2]), "adam")
    theirs = torch.optim.Adam([ref], lr=1e-2)
    for _ in range(5):
        for p, opt in ((mine, ours), (ref, theirs)):
            opt.zero_grad()
            (p**3).sum().backward()
            opt.step()
    torch.testing.assert_close(mine, ref)


def test_validation_examples_are_held_out_of_training(digits):
    run = train.train(digits, [1.2, 1.6], 0.0, width=16, depth=3, steps=40, lr=0.1, eval_every=20,
                      validation_fraction=0.25, seed=0, threads=1)
    assert np.all((run.validation_accuracy > 0.3) & (run.validation_accuracy <= 1))
    assert np.all(np.isfinite(run.final_validation_loss)) and run.validation_fraction == 0.25
    (x, y), held = train._split(digits, 100, torch.Generator().manual_seed(0), torch.device("cpu"))
    assert len(y) == len(digits.y_train) - 100 and len(held[1]) == 100
    rows = {r.tobytes() for r in x.numpy()}
    assert not any(r.tobytes() in rows for r in held[0].numpy())  # no example in both
    plain = train.train(digits, 1.2, 0.0, width=8, depth=2, steps=2, seed=0, threads=1)
    assert np.isnan(plain.validation_accuracy).all() and np.isfinite(plain.train_accuracy).all()


def test_train_on_takes_a_data_set_by_name():
    run = train.train_on("digits", 1.2, 0.0, width=8, depth=2, steps=3, seed=0, threads=1)
    assert run.dataset == "digits" and run.test_accuracy.shape == (1,)
    with pytest.raises(TypeError, match="name of a data set"):
        train.train_on(datasets.load("digits"), 1.2, 0.0, width=8, depth=2, steps=3)
