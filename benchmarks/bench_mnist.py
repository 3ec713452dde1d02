"""Time hamlet_utils.mnist.load_mnist, cold and cached.

Cold: a fresh, empty cache folder, so the load reads the gzipped files,
decompresses them, checks the SHA-256s, parses them and writes the cache.
Cached: a second load from the same cache folder, which only reads the .npy files.

Run:  python benchmarks/bench_mnist.py
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from hamlet_utils.mnist import load_mnist  # noqa: E402

COLD_RUNS, CACHED_RUNS = 3, 5
GOALS = {"cold": 1.0, "cached": 0.2}  # seconds, median


def timed(data_dir=None):
    start = time.perf_counter()
    images, labels = load_mnist(data_dir)
    elapsed = time.perf_counter() - start
    assert images.shape == (70000, 784) and labels.shape == (70000,)
    return elapsed


def main():
    os.environ.pop("HAMLET_DATA", None)  # use the repository's data/mnist
    cold, cached = [], []
    for _ in range(COLD_RUNS):
        with tempfile.TemporaryDirectory() as cache_dir:
            os.environ["HAMLET_CACHE"] = cache_dir
            cold.append(timed())
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["HAMLET_CACHE"] = cache_dir
        timed()  # fill the cache
        cached = [timed() for _ in range(CACHED_RUNS)]

    failed = False
    for name, times in [("cold", cold), ("cached", cached)]:
        median = statistics.median(times)
        ok = median <= GOALS[name]
        failed |= not ok
        runs = ", ".join(f"{t:.3f}" for t in times)
        print(
            f"{name:>6}: median {median:.3f} s  (goal <= {GOALS[name]:.1f} s)  "
            f"{'PASS' if ok else 'FAIL'}   runs: {runs}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
