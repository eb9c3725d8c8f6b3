"""Classification data sets for the training experiments; nothing is ever downloaded.

Embedded (available offline on every machine that has the pinned packages):

``"digits"``
    scikit-learn's 8×8 handwritten digits (1,797 images, 64 features, 10 classes), read from the
    copy that ships inside the scikit-learn wheel (:func:`sklearn.datasets.load_digits`).
``"mnist1d"``
    MNIST-1D (Greydanus & Kobak, 2020): 10 one-dimensional templates, randomly padded, translated,
    sheared, scaled and made noisy, 40 features. Generated procedurally by the ``mnist1d``
    package's ``make_dataset``, which computes the examples and fetches nothing (its
    ``get_dataset`` helper can download a pickle; it is never called here).

From local files (put there by the user):

``"mnist"``, ``"fashion-mnist"``
    The original IDX files, gzipped or not, in ``data_dir``:
    ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
    ``t10k-labels-idx1-ubyte`` (each optionally with ``.gz``). A missing folder or file raises a
    :class:`FileNotFoundError` that says which files to put where.

Every loader returns a :class:`Dataset` whose features are standardised with the mean and
standard deviation of the *training* split (one scalar each), as float32.
"""

from __future__ import annotations

import functools
import gzip
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crit import _validate
from crit.records import Record

__all__ = ["Dataset", "load", "read_idx", "NAMES", "IDX_FILES"]

#: Names accepted by :func:`load`.
NAMES = ("digits", "mnist1d", "mnist", "fashion-mnist")
#: The four IDX files of MNIST and Fashion-MNIST (each may also end in ``.gz``).
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True, eq=False)
class Dataset(Record):
    """A classification data set split into training and test examples.

    Attributes
    ----------
    x_train, x_test : numpy.ndarray of float32, shape (n, n_features)
        Standardised features (dimensionless: training mean 0, training standard deviation 1).
    y_train, y_test : numpy.ndarray of int64, shape (n,)
        Class labels 0 … n_classes − 1.
    name : str
        One of :data:`NAMES`.
    n_classes : int
    seed : int
        Seed of the split or of the generator (``-1`` when the split is fixed by the files).
    source : str
        Where the examples came from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    name: str
    n_classes: int
    seed: int
    source: str

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])


def load(name, *, data_dir=None, seed=0, test_fraction=0.3, n_train=None) -> Dataset:
    """Load data set ``name`` (one of :data:`NAMES`), standardised, split into train and test.

    Parameters
    ----------
    name : str
        ``"digits"`` or ``"mnist1d"`` (embedded) or ``"mnist"`` / ``"fashion-mnist"`` (IDX files in
        ``data_dir``).
    data_dir : str or pathlib.Path, optional
        Folder holding the four IDX files; required for ``"mnist"`` and ``"fashion-mnist"``.
    seed : int
        Seed of the stratified train/test split of ``"digits"`` and of the MNIST-1D generator.
    test_fraction : float
        Fraction of ``"digits"`` held out for testing (MNIST-1D keeps its own 80/20 split, MNIST its
        10,000 test images).
    n_train : int, optional
        Keep only the first ``n_train`` training examples (to make MNIST small enough for a CPU).

    Examples
    --------
    >>> data = load("digits")
    >>> data.x_train.shape, data.n_classes
    ((1257, 64), 10)
    """
    _validate.choice("name", name, NAMES)
    seed = _validate.integer("seed", seed, minimum=0)
    if name == "digits":
        data = _digits(seed, _validate.real("test_fraction", test_fraction, minimum=0, maximum=1,
                                            strict_min=True, strict_max=True))
    elif name == "mnist1d":
        data = _mnist1d(seed)
    else:
        if data_dir is None:
            raise FileNotFoundError(
                f"{name!r} is read from local IDX files: pass data_dir=<folder> holding "
                + ", ".join(IDX_FILES.values()) + " (optionally gzipped, .gz); nothing is downloaded"
            )
        data = _idx_set(name, Path(data_dir))
    if n_train is not None:
        n_train = _validate.integer("n_train", n_train, minimum=1)
        data["x_train"], data["y_train"] = data["x_train"][:n_train], data["y_train"][:n_train]
    return _standardised(name=name, seed=seed if name in ("digits", "mnist1d") else -1, **data)


def _standardised(*, x_train, y_train, x_test, y_test, name, seed, source):
    x_train = np.asarray(x_train, np.float64).reshape(len(x_train), -1)
    x_test = np.asarray(x_test, np.float64).reshape(len(x_test), -1)
    mean, std = x_train.mean(), x_train.std()
    std = std if std > 0 else 1.0
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    return Dataset(
        x_train=((x_train - mean) / std).astype(np.float32), y_train=y_train,
        x_test=((x_test - mean) / std).astype(np.float32), y_test=y_test, name=name,
        n_classes=int(max(y_train.max(), y_test.max()) + 1), seed=seed, source=source,
    )


def _digits(seed, test_fraction):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, stratify=y, random_state=seed
    )
    return dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test,
                source="sklearn.datasets.load_digits (UCI optical digits, shipped in the scikit-learn wheel)")


def _mnist1d(seed):
    arrays = _mnist1d_arrays(seed)  # copies: a caller may change its arrays, never the kept ones
    return dict({k: v.copy() for k, v in arrays.items()},
                source="mnist1d.data.make_dataset (procedural MNIST-1D, default arguments)")


@functools.lru_cache(maxsize=4)
def _mnist1d_arrays(seed):
    """MNIST-1D at ``seed``, made once per process: each of its 5,000 examples is drawn by a
    Python-level transform (~5 s), and a chapter loads it once per design and seed."""
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.seed = seed
    # make_dataset reseeds Python's and NumPy's global generators; put them back afterwards.
    np_state, py_state = np.random.get_state(), random.getstate()
    try:
        d = make_dataset(args)
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
    return dict(x_train=d["x"], y_train=d["y"], x_test=d["x_test"], y_test=d["y_test"])


def _idx_set(name, folder):
    where = f"put the four IDX files of {name} ({', '.join(IDX_FILES.values())}, optionally .gz) in it"
    if not folder.is_dir():
        raise FileNotFoundError(f"data_dir {str(folder)!r} for {name!r} is not a folder: create it and {where}")
    arrays = {}
    for key, stem in IDX_FILES.items():
        found = [p for p in (folder / stem, folder / f"{stem}.gz") if p.is_file()]
        if not found:
            raise FileNotFoundError(f"{stem} (or {stem}.gz) is missing from {str(folder)!r}: {where}")
        arrays[key] = read_idx(found[0])
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise ValueError(f"{folder}: {split} images and labels differ in number "
                             f"({len(arrays[f'x_{split}'])} vs {len(arrays[f'y_{split}'])})")
    return dict(**arrays, source=f"IDX files in {folder}")


def read_idx(path) -> np.ndarray:
    """Read one IDX file (the MNIST format), gzipped or not, into a numpy array.

    The format: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
    0x0D float32, 0x0E float64), a byte with the number of dimensions d, then d big-endian
    uint32 sizes and the data, big-endian, row-major.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; a name ending in ``.gz`` is decompressed.

    Returns
    -------
    numpy.ndarray
        Of the stored shape, in native byte order.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {str(path)!r} does not exist")
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    ndim = raw[3]
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = 4 + 4 * ndim + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(f"{path}: header says shape {shape} ({expected} bytes) but the file has {len(raw)} bytes")
    data = np.frombuffer(raw, dtype, offset=4 + 4 * ndim).reshape(shape)
    return data.astype(dtype.newbyteorder("="))
