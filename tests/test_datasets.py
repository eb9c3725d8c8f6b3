"""crit.models.datasets: embedded sets load offline, IDX files are read exactly, bad names and paths fail clearly."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from crit.models import datasets


def _write_idx(path, array, code=0x08, compress=False):
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


def _write_mnist_folder(folder, rng, n_train=12, n_test=5, compress=False):
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    arrays["y_train"][:10] = np.arange(10)  # every class present
    for key, stem in datasets.IDX_FILES.items():
        _write_idx(folder / (stem + (".gz" if compress else "")), arrays[key], compress=compress)
    return arrays


def test_digits_is_standardised_and_stratified():
    data = datasets.load("digits", seed=0)
    assert data.x_train.shape == (1257, 64) and data.x_test.shape == (540, 64)
    assert data.x_train.dtype == np.float32 and data.n_classes == 10
    assert abs(float(data.x_train.mean())) < 1e-5 and abs(float(data.x_train.std()) - 1) < 1e-5
    assert np.all(np.bincount(data.y_test, minlength=10) >= 50)  # stratified: about 54 per class
    other = datasets.load("digits", seed=1)
    assert not np.array_equal(data.y_test, other.y_test)


def test_mnist1d_is_generated_offline_and_leaves_global_rng_alone():
    datasets._mnist1d_arrays.cache_clear()  # generate it here, not in an earlier test
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    data = datasets.load("mnist1d", seed=3)
    assert np.random.random() == expected  # make_dataset's reseeding was undone
    assert data.x_train.shape == (4000, 40) and data.x_test.shape == (1000, 40)
    assert set(np.unique(data.y_train)) == set(range(10))


def test_mnist1d_is_made_once_per_seed_and_each_load_owns_its_arrays():
    first = datasets.load("mnist1d", seed=5)
    first.y_train[:] = -1
    first.x_train[:] = 0.0
    second = datasets.load("mnist1d", seed=5)
    assert set(np.unique(second.y_train)) == set(range(10)) and second.x_train.std() > 0.5
    assert datasets._mnist1d_arrays.cache_info().hits >= 1
    assert not np.array_equal(datasets.load("mnist1d", seed=6).x_train, second.x_train)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip(tmp_path, compress):
    arrays = _write_mnist_folder(tmp_path / "mnist", np.random.default_rng(0), compress=compress)
    data = datasets.load("fashion-mnist", data_dir=tmp_path / "mnist")
    assert data.x_train.shape == (12, 784) and data.x_test.shape == (5, 784)
    np.testing.assert_array_equal(data.y_train, arrays["y_train"])
    raw = arrays["x_train"].reshape(12, -1).astype(float)
    standardised = (raw - raw.mean()) / raw.std()
    np.testing.assert_allclose(data.x_train, standardised, rtol=1e-5, atol=1e-5)
    assert datasets.load("mnist", data_dir=tmp_path / "mnist", n_train=4).x_train.shape == (4, 784)


def test_read_idx_other_types_and_corrupt_files(tmp_path):
    values = np.arange(6, dtype=np.int32).reshape(2, 3) - 2
    _write_idx(tmp_path / "a", values, code=0x0C)
    np.testing.assert_array_equal(datasets.read_idx(tmp_path / "a"), values)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04rest")
    with pytest.raises(ValueError, match="not an IDX file"):
        datasets.read_idx(tmp_path / "bad")
    (tmp_path / "short").write_bytes((tmp_path / "a").read_bytes()[:-4])
    with pytest.raises(ValueError, match="header says shape"):
        datasets.read_idx(tmp_path / "short")


def test_missing_folder_or_file_says_what_to_put_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="data_dir=<folder>"):
        datasets.load("mnist")
    with pytest.raises(FileNotFoundError, match="not a folder.*train-images-idx3-ubyte"):
        datasets.load("mnist", data_dir=tmp_path / "nowhere")
    _write_mnist_folder(tmp_path / "m", np.random.default_rng(1))
    (tmp_path / "m" / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte .*missing"):
        datasets.load("mnist", data_dir=tmp_path / "m")


def test_bad_arguments():
    with pytest.raises(ValueError, match="'digits', 'mnist1d'"):
        datasets.load("cifar10")
    with pytest.raises(TypeError, match="seed must be an integer"):
        datasets.load("digits", seed="0")
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load("digits", test_fraction=1.0)
