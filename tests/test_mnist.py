"""Tests for hamlet_utils.mnist.

All but the last test use tiny IDX files written into tmp_path, with the
loader's file table patched to match them; none touches the network or ~.
"""

import gzip
import hashlib
import os
import struct

import numpy as np
import pytest

from hamlet_utils import mnist
from hamlet_utils.mnist import MNIST, MNISTDataError, load_mnist, one_hot, parse_idx

CODES = {"u1": 0x08, "i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(array, dtype="u1"):
    """Encode ``array`` as an IDX file with the given big-endian dtype."""
    array = np.asarray(array)
    header = bytes([0, 0, CODES[dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


# --------------------------------------------------------------------------
# parse_idx
# --------------------------------------------------------------------------


def test_parse_uint8_images():
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    parsed = parse_idx(idx_bytes(images), "images")
    assert parsed.dtype == np.uint8 and parsed.shape == (2, 3, 4)
    np.testing.assert_array_equal(parsed, images)


def test_parse_labels():
    labels = np.array([7, 0, 9, 3], dtype=np.uint8)
    parsed = parse_idx(idx_bytes(labels), "labels")
    assert parsed.shape == (4,)
    np.testing.assert_array_equal(parsed, labels)


@pytest.mark.parametrize("dtype", ["i1", ">i2", ">i4", ">f4", ">f8"])
def test_parse_other_dtypes(dtype):
    values = np.array([[-3, 0, 1], [100, -100, 42]])
    parsed = parse_idx(idx_bytes(values, dtype), "x")
    assert parsed.shape == (2, 3)
    assert parsed.dtype == np.dtype(dtype).newbyteorder("=")  # native order
    np.testing.assert_array_equal(parsed, values)


def test_parse_bad_magic():
    raw = bytearray(idx_bytes(np.zeros(3)))
    raw[1] = 1
    with pytest.raises(MNISTDataError, match="magic"):
        parse_idx(bytes(raw), "bad")


def test_parse_unknown_dtype():
    raw = bytearray(idx_bytes(np.zeros(3)))
    raw[2] = 0x0A
    with pytest.raises(MNISTDataError, match="unknown IDX type code 0x0A"):
        parse_idx(bytes(raw), "bad")


def test_parse_truncated_payload():
    raw = idx_bytes(np.zeros((2, 3)))
    with pytest.raises(MNISTDataError, match="truncated data"):
        parse_idx(raw[:-1], "short")


@pytest.mark.parametrize("length", [0, 3, 7])
def test_parse_truncated_header(length):
    raw = idx_bytes(np.zeros((2, 3)))
    with pytest.raises(MNISTDataError, match="short|truncated header"):
        parse_idx(raw[:length], "short")


def test_parse_trailing_bytes():
    raw = idx_bytes(np.zeros((2, 3)))
    with pytest.raises(MNISTDataError, match="1 trailing bytes"):
        parse_idx(raw + b"\0", "long")


# --------------------------------------------------------------------------
# Loading tiny fake data sets
# --------------------------------------------------------------------------

TRAIN_IMAGES = np.arange(3 * 2 * 2, dtype=np.uint8).reshape(3, 2, 2)
TRAIN_LABELS = np.array([1, 0, 2], dtype=np.uint8)
TEST_IMAGES = np.arange(2 * 2 * 2, dtype=np.uint8).reshape(2, 2, 2) + 100
TEST_LABELS = np.array([9, 4], dtype=np.uint8)
TINY = {
    "tr-img": idx_bytes(TRAIN_IMAGES),
    "tr-lab": idx_bytes(TRAIN_LABELS),
    "te-img": idx_bytes(TEST_IMAGES),
    "te-lab": idx_bytes(TEST_LABELS),
}
EXPECTED_IMAGES = np.concatenate([TRAIN_IMAGES.reshape(3, 4), TEST_IMAGES.reshape(2, 4)])
EXPECTED_LABELS = np.concatenate([TRAIN_LABELS, TEST_LABELS])


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """Point the loader at the tiny files: table, names, and all search places."""
    table = {name: (len(raw), hashlib.sha256(raw).hexdigest()) for name, raw in TINY.items()}
    monkeypatch.setattr(mnist, "FILES", table)
    for role, name in zip(["TRAIN_IMAGES", "TRAIN_LABELS", "TEST_IMAGES", "TEST_LABELS"], TINY):
        monkeypatch.setattr(mnist, role, name)
    monkeypatch.setattr(mnist, "_REPO_DATA_DIR", tmp_path / "repo-data")
    monkeypatch.setenv("HAMLET_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("HAMLET_DATA", raising=False)

    def no_network(url):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(mnist, "_fetch", no_network)
    return tmp_path


def write_files(folder, gz=True, overrides=None):
    """Write the tiny files into ``folder``; ``overrides`` maps name -> bytes on disk."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, raw in TINY.items():
        path = folder / (name + ".gz" if gz else name)
        data = gzip.compress(raw, mtime=0) if gz else raw
        path.write_bytes((overrides or {}).get(name, data))
    return folder


def assert_tiny(images, labels):
    assert images.dtype == np.uint8 and images.shape == (5, 4)
    assert labels.dtype == np.uint8 and labels.shape == (5,)
    np.testing.assert_array_equal(images, EXPECTED_IMAGES)
    np.testing.assert_array_equal(labels, EXPECTED_LABELS)


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "raw"])
def test_load_verified_files(tiny, gz):
    folder = write_files(tiny / "data", gz=gz)
    images, labels = load_mnist(folder, cache=False)
    assert_tiny(images, labels)
    assert images.flags.writeable


def test_gz_preferred_over_raw(tiny):
    folder = write_files(tiny / "data", gz=True)
    (folder / "tr-img").write_bytes(b"garbage")  # would fail if it were read
    assert_tiny(*load_mnist(folder, cache=False))


@pytest.mark.parametrize("gz", [True, False], ids=["gz", "raw"])
def test_checksum_mismatch(tiny, gz):
    bad = bytearray(TINY["tr-img"])
    bad[-1] ^= 0xFF  # same size, different content
    bad = gzip.compress(bytes(bad)) if gz else bytes(bad)
    folder = write_files(tiny / "data", gz=gz, overrides={"tr-img": bad})
    with pytest.raises(MNISTDataError) as err:
        load_mnist(folder, cache=False)
    message = str(err.value)
    assert "tr-img" in message and str(folder) in message
    assert "SHA-256 mismatch: expected " + mnist.FILES["tr-img"][1] in message
    assert "HAMLET_DATA" in message and "download=True" in message
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_wrong_size(tiny):
    folder = write_files(tiny / "data", gz=False, overrides={"te-lab": TINY["te-lab"] + b"\0"})
    with pytest.raises(MNISTDataError, match="te-lab: wrong size"):
        load_mnist(folder, cache=False)


def test_missing_file_lists_every_place(tiny, monkeypatch):
    folder = write_files(tiny / "data")
    (folder / "te-lab.gz").unlink()
    monkeypatch.setenv("HAMLET_DATA", str(tiny / "env-data"))
    with pytest.raises(MNISTDataError, match="not found") as err:
        load_mnist(folder)
    message = str(err.value)
    assert "te-lab" in message
    for place in [folder, tiny / "env-data", tiny / "repo-data", tiny / "cache" / "mnist"]:
        assert str(place) in message
    assert "HAMLET_DATA" in message


def test_truncated_gzip(tiny):
    good = gzip.compress(TINY["tr-img"])
    folder = write_files(tiny / "data", overrides={"tr-img": good[: len(good) // 2]})
    with pytest.raises(MNISTDataError, match="truncated gzip stream") as err:
        load_mnist(folder, cache=False)
    assert str(folder / "tr-img.gz") in str(err.value)


@pytest.mark.parametrize("where", ["header", "middle", "crc"])
def test_corrupt_gzip(tiny, where):
    bad = bytearray(gzip.compress(TINY["tr-img"]))
    bad[{"header": 0, "middle": len(bad) // 2, "crc": -6}[where]] ^= 0xFF
    folder = write_files(tiny / "data", overrides={"tr-img": bytes(bad)})
    with pytest.raises(MNISTDataError, match="(corrupt|truncated) gzip stream") as err:
        load_mnist(folder, cache=False)
    assert str(folder / "tr-img.gz") in str(err.value)


def test_search_order(tiny, monkeypatch):
    # Only the repository folder holds the files: it is found without arguments.
    write_files(tiny / "repo-data")
    assert_tiny(*load_mnist(cache=False))
    # HAMLET_DATA comes before it; an explicit data_dir before both.
    write_files(tiny / "env", overrides={"tr-img": b"not gzip"})
    monkeypatch.setenv("HAMLET_DATA", str(tiny / "env"))
    with pytest.raises(MNISTDataError, match="env"):
        load_mnist(cache=False)
    assert_tiny(*load_mnist(tiny / "repo-data", cache=False))


# --------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------


def test_cache_is_used(tiny):
    folder = write_files(tiny / "data")
    assert_tiny(*load_mnist(folder))
    cached = sorted(p.name for p in (tiny / "cache").iterdir())
    assert len(cached) == 2 and all(name.endswith(".npy") for name in cached)
    for path in folder.iterdir():  # the second load must not need the files
        path.unlink()
    assert_tiny(*load_mnist(folder))


def test_cache_disabled_writes_nothing(tiny):
    assert_tiny(*load_mnist(write_files(tiny / "data"), cache=False))
    assert not (tiny / "cache").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong shape"])
def test_corrupt_cache_is_rebuilt(tiny, damage):
    folder = write_files(tiny / "data")
    load_mnist(folder)
    images_path, labels_path = mnist._cache_paths()
    if damage == "garbage":
        images_path.write_bytes(b"\x93NUMPY nonsense")
    elif damage == "truncated":
        labels_path.write_bytes(labels_path.read_bytes()[:-2])
    else:
        np.save(images_path, np.zeros((5, 3), dtype=np.uint8))
    assert_tiny(*load_mnist(folder))
    assert_tiny(np.load(images_path), np.load(labels_path))  # rewritten correctly


def test_unwritable_cache_is_skipped(tiny, monkeypatch):
    blocker = tiny / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HAMLET_CACHE", str(blocker / "cache"))  # mkdir must fail
    assert_tiny(*load_mnist(write_files(tiny / "data")))


def test_cache_key_follows_checksums(tiny, monkeypatch):
    before = mnist._cache_paths()
    table = dict(mnist.FILES)
    table["tr-img"] = (table["tr-img"][0], "0" * 64)
    monkeypatch.setattr(mnist, "FILES", table)
    assert mnist._cache_paths() != before


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def half_then_fail(f):
        f.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        mnist._atomic_write(tmp_path / "out.npy", half_then_fail)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# Download (with a fake network)
# --------------------------------------------------------------------------


def fake_network(monkeypatch, serve):
    """Replace ``_fetch`` by ``serve(url) -> bytes``; returns the list of URLs asked for."""
    asked = []

    def fetch(url):
        asked.append(url)
        return serve(url)

    monkeypatch.setattr(mnist, "_fetch", fetch)
    return asked


def good_body(url):
    return gzip.compress(TINY[url.rsplit("/", 1)[1].removesuffix(".gz")])


def test_download_writes_verified_files(tiny, monkeypatch):
    folder = tiny / "data"
    asked = fake_network(monkeypatch, good_body)
    assert_tiny(*load_mnist(folder, download=True, cache=False))
    assert sorted(os.listdir(folder)) == sorted(name + ".gz" for name in TINY)  # no temp files
    assert asked == [mnist.MIRRORS[0] + name + ".gz" for name in TINY]
    # What was written is the verified file, and a later load needs no network.
    fake_network(monkeypatch, lambda url: pytest.fail("downloaded twice"))
    assert_tiny(*load_mnist(folder, download=True, cache=False))


def test_download_only_missing_into_user_cache(tiny, monkeypatch):
    target = write_files(tiny / "cache" / "mnist")
    (target / "te-img.gz").unlink()
    asked = fake_network(monkeypatch, good_body)
    assert_tiny(*load_mnist(download=True, cache=False))
    assert asked == [mnist.MIRRORS[0] + "te-img.gz"]


def test_download_falls_back_to_second_mirror(tiny, monkeypatch):
    def serve(url):
        if url.startswith(mnist.MIRRORS[0]):
            raise OSError("connection refused")
        return good_body(url)

    fake_network(monkeypatch, serve)
    assert_tiny(*load_mnist(tiny / "data", download=True, cache=False))


@pytest.mark.parametrize("body", [b"<html>503</html>", gzip.compress(b"\0\0\x08\x01wrong")])
def test_corrupt_download_is_rejected(tiny, monkeypatch, body):
    folder = tiny / "data"
    asked = fake_network(monkeypatch, lambda url: body)
    with pytest.raises(MNISTDataError, match="download failed from every mirror") as err:
        load_mnist(folder, download=True, cache=False)
    assert len(asked) == len(mnist.MIRRORS)  # both mirrors tried
    assert all(mirror in str(err.value) for mirror in mnist.MIRRORS)
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing left on disk


# --------------------------------------------------------------------------
# one_hot
# --------------------------------------------------------------------------


def test_one_hot():
    encoded = one_hot(np.array([2, 0, 1], dtype=np.uint8), 3)
    assert encoded.dtype == np.float64
    np.testing.assert_array_equal(encoded, [[0, 0, 1], [1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize("labels", [[0, 10], [-1], [0.5], [[1]]])
def test_one_hot_rejects_bad_labels(labels):
    with pytest.raises(ValueError):
        one_hot(np.array(labels), 10)


# --------------------------------------------------------------------------
# The real, shipped data
# --------------------------------------------------------------------------


def test_real_mnist(tmp_path, monkeypatch):
    monkeypatch.delenv("HAMLET_DATA", raising=False)
    monkeypatch.setenv("HAMLET_CACHE", str(tmp_path))
    ds = MNIST()  # found in the repository's data/mnist
    assert ds.data.shape == (70000, 784) and ds.data.dtype == np.uint8
    assert ds.target.shape == (70000, 10) and ds.target.dtype == np.float64
    assert ds.data.max() == 255
    np.testing.assert_array_equal(ds.target.sum(axis=1), 1.0)
    np.testing.assert_array_equal(ds.target.argmax(axis=1), ds.labels)
    np.testing.assert_array_equal(
        np.bincount(ds.labels[:60000]), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    )
    np.testing.assert_array_equal(
        np.bincount(ds.labels[60000:]), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    )
    # The second load comes from the .npy cache, identical, without parsing the IDX files again
    # (how fast that is: benchmarks/bench_mnist.py)
    def no_parsing(*args, **kwargs):
        raise AssertionError("the IDX files were parsed again: the .npy cache was not used")
    monkeypatch.setattr(mnist, "parse_idx", no_parsing)
    images, labels = load_mnist()
    np.testing.assert_array_equal(images, ds.data)
    np.testing.assert_array_equal(labels, ds.labels)


def test_load_data_normalises_with_the_global_mean_and_std_of_the_real_files():
    """The constants load_data normalises with are those of the shipped data, and the
    table lookup gives exactly (pixel - mean) / std in the shuffled order."""
    from hamlet_utils.training import PIXEL_MEAN, PIXEL_STD, load_data

    ds = MNIST()
    assert np.mean(ds.data) == PIXEL_MEAN and np.std(ds.data) == PIXEL_STD
    images, labels, image_size, label_size = load_data(seed=3)
    permutation = np.random.default_rng(3).permutation(70000)
    expected = (ds.data[permutation] - np.mean(ds.data)) / np.std(ds.data)
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(labels, ds.target[permutation])
    assert (image_size, label_size) == (784, 10) and images.dtype == np.float64
