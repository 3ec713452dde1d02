"""Load the MNIST handwritten digits from the four canonical IDX files.

The course ships the files (gzip re-compressed) in ``data/mnist/``; see the
README there for the licence and the checksums. :func:`load_mnist` finds
them, checks every byte against a SHA-256, parses the IDX format and caches
the result as ``.npy`` files so later loads take a fraction of a second.

Where the files are looked for, in order:

1. the ``data_dir`` argument,
2. the folder named by the environment variable ``HAMLET_DATA``,
3. ``data/mnist`` in the repository this package lives in,
4. ``<cache folder>/mnist`` (by default ``~/.cache/hamlet/mnist``),
   which is also where ``download=True`` puts files when neither 1 nor 2
   is given.

The cache folder is ``HAMLET_CACHE`` if set, else ``~/.cache/hamlet``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import struct
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

__all__ = ["MNIST", "MNISTDataError", "load_mnist", "one_hot", "parse_idx"]

# name -> (size in bytes, SHA-256), both of the *decompressed* file. We hash the
# decompressed bytes so that any faithful re-compression (ours is gzip -n -9,
# the mirrors' differs) or an uncompressed copy is accepted.
FILES = {
    "train-images-idx3-ubyte": (
        47_040_016,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train-labels-idx1-ubyte": (
        60_008,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "t10k-images-idx3-ubyte": (
        7_840_016,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "t10k-labels-idx1-ubyte": (
        10_008,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}
# The roles of the four files; tests swap these names for tiny fakes.
TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS = FILES

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

# Works for an editable install (the usual case in the course); for a normal
# install this folder simply does not exist and the search moves on.
_REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "mnist"


def repository_data_folder() -> Path:
    """The MNIST folder that ships with the course (``data/mnist``)."""
    return _REPO_DATA_DIR

# IDX type code -> numpy dtype. IDX stores multi-byte numbers big-endian.
_IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

_ADVICE = (
    "To fix it: re-copy the file from the course's data/mnist folder, "
    "or delete it and call load_mnist(download=True), "
    "or set HAMLET_DATA to a folder that holds the four MNIST files."
)


class MNISTDataError(RuntimeError):
    """An MNIST file is missing, damaged or not what was expected.

    The message names the file, says what is wrong and how to fix it.
    """


# --------------------------------------------------------------------------
# IDX format
# --------------------------------------------------------------------------


def parse_idx(raw: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an IDX file.

    Layout: two zero bytes, a type code byte, the number of dimensions
    ``ndim``, then ``ndim`` big-endian uint32 sizes, then the data in
    row-major order.

    Parameters
    ----------
    raw : bytes
        The complete, uncompressed file contents.
    name : str
        Used in error messages only.

    Returns
    -------
    array : ndarray of the declared shape
        One-byte types are a read-only view on ``raw`` (no copy); wider
        types are converted to native byte order.

    Raises
    ------
    MNISTDataError
        Bad magic, unknown type code, truncated header, or a payload whose
        length is not exactly the product of the sizes times the item size.
    """
    if len(raw) < 4:
        raise MNISTDataError(f"{name}: only {len(raw)} bytes, too short for an IDX header")
    if raw[0] != 0 or raw[1] != 0:
        raise MNISTDataError(
            f"{name}: not an IDX file (magic starts with {raw[:2].hex()}, expected 0000)"
        )
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise MNISTDataError(f"{name}: unknown IDX type code 0x{code:02X}")
    dtype = _IDX_DTYPES[code]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MNISTDataError(f"{name}: truncated header ({len(raw)} bytes, need {header})")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    # Python ints, so huge declared sizes cannot overflow.
    count = 1
    for n in shape:
        count *= n
    expected, actual = count * dtype.itemsize, len(raw) - header
    if actual < expected:
        raise MNISTDataError(
            f"{name}: truncated data: {actual} bytes after the header, "
            f"shape {shape} needs {expected}"
        )
    if actual > expected:
        raise MNISTDataError(
            f"{name}: {actual - expected} trailing bytes after the data of shape {shape}"
        )
    array = np.frombuffer(raw, dtype=dtype, count=count, offset=header).reshape(shape)
    if dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
    return array


# --------------------------------------------------------------------------
# Finding, reading and downloading the files
# --------------------------------------------------------------------------


def cache_root() -> Path:
    env = os.environ.get("HAMLET_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "hamlet"


def _search_dirs(data_dir) -> list[tuple[str, Path | None]]:
    """The places to look, in order, as (description, folder or None if unset)."""
    env = os.environ.get("HAMLET_DATA")
    return [
        ("data_dir argument", None if data_dir is None else Path(data_dir).expanduser()),
        ("HAMLET_DATA", Path(env).expanduser() if env else None),
        ("repository data folder", _REPO_DATA_DIR),
        ("user cache folder", cache_root() / "mnist"),
    ]


def _find_file(folder: Path, name: str) -> Path | None:
    for path in (folder / f"{name}.gz", folder / name):
        if path.is_file():
            return path
    return None


def _missing(folder: Path) -> list[str]:
    return [name for name in FILES if _find_file(folder, name) is None]


def _not_found_message(places: list[tuple[str, Path | None]]) -> str:
    lines = ["MNIST data files not found. Searched, in order:"]
    for label, folder in places:
        if folder is None:
            lines.append(f"  - {label}: not set")
        elif not folder.is_dir():
            lines.append(f"  - {label}: {folder} (no such folder)")
        else:
            missing = ", ".join(f"{n}[.gz]" for n in _missing(folder))
            lines.append(f"  - {label}: {folder} (missing {missing})")
    lines.append(
        "To fix it: copy the four files from the course's data/mnist folder into one "
        "of these places, set HAMLET_DATA to a folder that holds them, "
        "or call load_mnist(download=True)."
    )
    return "\n".join(lines)


class _Problem(ValueError):
    """What is wrong with some bytes; the caller adds where they came from."""


def _decode(data: bytes, name: str, gzipped: bool) -> bytes:
    """Gunzip ``data`` if needed and check it against ``FILES[name]``."""
    if gzipped:
        # Truncated and corrupted streams fail in several ways; report all as one.
        try:
            data = gzip.decompress(data)
        except EOFError:
            raise _Problem("truncated gzip stream (the file was cut short)") from None
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            raise _Problem(f"corrupt gzip stream ({exc})") from None
    size, sha = FILES[name]
    if len(data) != size:
        raise _Problem(f"wrong size: expected {size} bytes, got {len(data)}")
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        raise _Problem(f"SHA-256 mismatch: expected {sha}, got {got}")
    return data


def _read_verified(folder: Path, name: str) -> bytes:
    """The decompressed, checksum-verified bytes of ``name`` in ``folder``."""
    path = _find_file(folder, name)
    if path is None:
        raise MNISTDataError(f"{folder / name}[.gz]: not found. {_ADVICE}")
    try:
        return _decode(path.read_bytes(), name, gzipped=path.suffix == ".gz")
    except (_Problem, OSError) as exc:
        raise MNISTDataError(f"{path}: {exc}. {_ADVICE}") from None


def _fetch(url: str) -> bytes:
    """Return the body at ``url``. Module-level so tests can replace it."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def _atomic_write(path: Path, write) -> None:
    """Call ``write(file)`` on a temp file next to ``path``, then rename it.

    Readers (including a second Python process) see either the old file or
    the complete new one, never half a file; on failure nothing is left.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these are shareable data
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _download(folder: Path, name: str) -> None:
    """Fetch ``name.gz`` from the mirrors, verify it, then write it to ``folder``."""
    failures = []
    for mirror in MIRRORS:
        url = f"{mirror}{name}.gz"
        try:
            body = _fetch(url)
            _decode(body, name, gzipped=True)  # verify before anything is written
        except Exception as exc:  # network errors come in many classes; try the next mirror
            failures.append(f"  - {url}: {exc}")
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(folder / f"{name}.gz", lambda f: f.write(body))
        except OSError as exc:
            raise MNISTDataError(
                f"{folder / name}.gz: downloaded and verified but cannot be written ({exc}). "
                "Set HAMLET_DATA or pass data_dir to a writable folder."
            ) from None
        return
    raise MNISTDataError(
        f"{name}: download failed from every mirror:\n" + "\n".join(failures) + "\n"
        "Check the internet connection, or copy the file from the course's "
        "data/mnist folder and set HAMLET_DATA to that folder."
    )


def _locate(data_dir, download: bool) -> Path:
    """The first folder holding all four files, downloading them if asked."""
    places = _search_dirs(data_dir)
    for _, folder in places:
        if folder is not None and not _missing(folder):
            return folder
    if not download:
        raise MNISTDataError(_not_found_message(places))
    # Download into the folder the user pointed at, else the user cache (never
    # into the repository, which may be read-only or shared).
    target = next((f for _, f in places[:2] if f is not None), places[-1][1])
    for name in _missing(target):
        _download(target, name)
    return target


# --------------------------------------------------------------------------
# The .npy cache
# --------------------------------------------------------------------------


def _cache_paths() -> tuple[Path, Path]:
    # Keyed by the expected checksums: the files are only ever accepted when
    # they match them, so a different data set gives a different key.
    key = hashlib.sha256("".join(sha for _, sha in FILES.values()).encode()).hexdigest()[:16]
    root = cache_root()
    return root / f"mnist-{key}-images.npy", root / f"mnist-{key}-labels.npy"


def _expected_shapes() -> tuple[tuple[int, int], tuple[int]]:
    # Known from the file sizes in the table: a label file is an 8-byte header
    # plus one byte per example, an image file a 16-byte header plus pixels.
    n = FILES[TRAIN_LABELS][0] - 8 + FILES[TEST_LABELS][0] - 8
    pixels = FILES[TRAIN_IMAGES][0] - 16 + FILES[TEST_IMAGES][0] - 16
    return (n, pixels // n), (n,)


def _read_cache() -> tuple[np.ndarray, np.ndarray] | None:
    images_path, labels_path = _cache_paths()
    try:
        images = np.load(images_path, allow_pickle=False)
        labels = np.load(labels_path, allow_pickle=False)
    except Exception:  # missing or damaged (any error): rebuild from the data files
        return None
    images_shape, labels_shape = _expected_shapes()
    ok = (
        images.dtype == np.uint8 and images.shape == images_shape
        and labels.dtype == np.uint8 and labels.shape == labels_shape
    )
    return (images, labels) if ok else None


def _write_cache(images: np.ndarray, labels: np.ndarray) -> None:
    images_path, labels_path = _cache_paths()
    try:
        images_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(images_path, lambda f: np.save(f, images))
        _atomic_write(labels_path, lambda f: np.save(f, labels))
    except OSError:
        pass  # a read-only or full cache folder only costs speed next time


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def load_mnist(data_dir=None, *, download: bool = False, cache: bool = True):
    """Load all 70,000 MNIST digits.

    Parameters
    ----------
    data_dir : str or Path, optional
        Folder holding the four IDX files, each gzipped (``NAME.gz``) or raw
        (``NAME``). Searched first; see the module docstring for the rest.
    download : bool, default False
        If no folder holds the files, fetch the missing ones from public
        mirrors. Each is verified before it is written.
    cache : bool, default True
        Read and write the parsed arrays as ``.npy`` files in the cache folder
        (``HAMLET_CACHE``, default ``~/.cache/hamlet``).

    Returns
    -------
    images : ndarray of shape (70000, 784), uint8
        Pixel values 0 (background) .. 255 (ink); each row is one 28x28
        image flattened row-major. The 60,000 training images come first,
        then the 10,000 test images.
    labels : ndarray of shape (70000,), uint8
        The digit (0..9) shown in each image, in the same order.

    Raises
    ------
    MNISTDataError
        A file is missing, damaged, or does not match its SHA-256.
    """
    if cache:
        cached = _read_cache()
        if cached is not None:
            return cached
    folder = _locate(data_dir, download)
    arrays = {}
    for name in FILES:
        arrays[name] = parse_idx(_read_verified(folder, name), str(folder / name))
    train, test = arrays[TRAIN_IMAGES], arrays[TEST_IMAGES]
    # concatenate copies, so the results are writable and own their memory.
    images = np.concatenate([train.reshape(len(train), -1), test.reshape(len(test), -1)])
    labels = np.concatenate([arrays[TRAIN_LABELS], arrays[TEST_LABELS]])
    if len(images) != len(labels):
        raise MNISTDataError(
            f"{folder}: {len(images)} images but {len(labels)} labels. {_ADVICE}"
        )
    if cache:
        _write_cache(images, labels)
    return images, labels


def one_hot(labels, n_classes: int = 10) -> np.ndarray:
    """Encode integer class labels as one-hot rows.

    Parameters
    ----------
    labels : array_like of shape (n,), integers in [0, n_classes)
    n_classes : int, default 10

    Returns
    -------
    encoded : ndarray of shape (n, n_classes), float64
        ``encoded[i, labels[i]] == 1.0``, every other entry 0.0.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-d integer array, got {labels.dtype} {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in [0, {n_classes}), got {labels.min()}..{labels.max()}")
    encoded = np.zeros((len(labels), n_classes))
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


class MNIST:
    """MNIST as the old handout's loader gave it.

    Parameters
    ----------
    data_dir : str or Path, optional
        See :func:`load_mnist`.
    download : bool, default False
        See :func:`load_mnist`.

    Attributes
    ----------
    data : ndarray of shape (70000, 784), uint8
        Raw pixel values 0..255, *not* scaled to [0, 1]: divide by 255.0
        yourself if your network expects that. Rows 0..59999 are the
        training set, 60000..69999 the test set.
    labels : ndarray of shape (70000,), uint8
        The digit in each image.
    target : ndarray of shape (70000, 10), float64
        ``one_hot(labels)``.
    """

    def __init__(self, data_dir=None, download: bool = False):
        self.data, self.labels = load_mnist(data_dir, download=download)
        self.target = one_hot(self.labels, 10)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"MNIST(data={self.data.shape} {self.data.dtype}, target={self.target.shape})"
