"""Time MNIST from the .gz files to arrays, cold and cached: the raw arrays
(hamlet_utils.mnist.load_mnist) and the normalised, shuffled ones students train on
(hamlet_utils.training.load_data).

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
from hamlet_utils.training import load_data  # noqa: E402

COLD_RUNS, CACHED_RUNS = 3, 5
GOALS = {"cold": 1.0, "cached": 0.2}  # seconds, median


def timed(load):
    start = time.perf_counter()
    arrays = load()
    elapsed = time.perf_counter() - start
    assert arrays[0].shape == (70000, 784)
    return elapsed


def measure(load) -> tuple[list, list]:
    cold = []
    for _ in range(COLD_RUNS):
        with tempfile.TemporaryDirectory() as cache_dir:
            os.environ["HAMLET_CACHE"] = cache_dir
            cold.append(timed(load))
    with tempfile.TemporaryDirectory() as cache_dir:
        os.environ["HAMLET_CACHE"] = cache_dir
        timed(load)  # fill the cache
        cached = [timed(load) for _ in range(CACHED_RUNS)]
    return cold, cached


def main():
    os.environ.pop("HAMLET_DATA", None)  # use the repository's data/mnist
    for what, load in (("raw uint8 arrays (load_mnist)", load_mnist),
                       ("normalised float64 (load_data)", lambda: load_data(seed=0))):
        cold, cached = measure(load)
        for name, times in [("cold", cold), ("cached", cached)]:
            median = statistics.median(times)
            runs = ", ".join(f"{t:.3f}" for t in times)
            print(f"{what}, {name:>6}: median {median:.3f} s  (goal <= {GOALS[name]:.1f} s)  "
                  f"{'met' if median <= GOALS[name] else 'NOT MET'}   runs: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
