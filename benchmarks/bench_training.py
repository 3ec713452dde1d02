"""Training speed: the reference NumPy networks against the same networks in PyTorch on the CPU.

    .venv/bin/python benchmarks/bench_training.py [--repeat N]

Both train the task-4 network (784->10 sigmoid, MSE, batch 600) and the task-5
network (784->256->10 sigmoid, MSE, batch 32) in float64 on the 50,000 training
images, with summed gradients and plain SGD, one epoch at a time; the script
prints the median seconds per epoch, their ratio, and the GFLOP/s each reaches
against a float64 matrix multiply measured in the same run.  Each library trains in
a process of its own and the two take turns, epoch by epoch, so that drifts of a
shared machine's speed fall on both alike.  PyTorch comes from
the optional ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet.course import solution_namespace  # noqa: E402
from hamlet_utils.training import N_TRAINING, load_data, train_epoch  # noqa: E402

NETWORKS = {  # name: (layer sizes, batch size, learning rate)
    "task 4: 784-10": ((784, 10), 600, 1e-4),
    "task 5: 784-256-10": ((784, 256, 10), 32, 0.03),
}


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def matmul_peak(repeat: int = 5, n: int = 2048) -> float:
    """GFLOP/s of a float64 n x n matrix multiply with NumPy."""
    a, b = np.random.rand(n, n), np.random.rand(n, n)
    a @ b  # warm up
    return 2 * n ** 3 / median_seconds(lambda: a @ b, repeat) / 1e9


def flops_per_epoch(sizes, n_samples: int) -> float:
    """Forward, dW and d_in of every linear layer: three products of 2 * n * n_in * n_out."""
    return sum(6.0 * n_samples * n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def numpy_epoch(reference, sizes, batch_size, learning_rate, images, labels):
    """One epoch of the reference solution's network (the notebook's classes and train_epoch)."""
    np.random.seed(0)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [reference["Linear"](n_in, n_out, initial_sigma=0.05), reference["Sigmoid"]()]
    net, cost = reference["Network"](layers), reference["MeanSquareError"]()
    return lambda: train_epoch(0, net, images, labels, cost, batch_size, learning_rate, progress=False)


def torch_epoch(torch, sizes, batch_size, learning_rate, images, labels):
    """One epoch of the same network in PyTorch, written as a PyTorch user would."""
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Sigmoid()]
    model = torch.nn.Sequential(*layers).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    x_all, y_all = torch.from_numpy(images), torch.from_numpy(labels)

    def epoch():
        for start in range(0, len(x_all), batch_size):
            x, y = x_all[start:start + batch_size], y_all[start:start + batch_size]
            optimizer.zero_grad()
            loss = 0.5 * ((model(x) - y) ** 2).sum()  # summed over the batch, as in the course
            loss.backward()
            optimizer.step()
    return epoch


def blas_threads() -> str:
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(f"{info['internal_api']} {info['num_threads']}" for info in threadpool_info())
    except ImportError:
        return os.environ.get("OPENBLAS_NUM_THREADS", f"default ({os.cpu_count()} cores)")


def trainer(library: str, connection) -> None:
    """A process that trains one library's networks, an epoch per request: ("epoch", name) -> seconds.

    Each library has a process of its own, so neither's thread pool (OpenMP threads spin
    after their work) takes cores from the other; the parent alternates between them.
    """
    images, labels, _, _ = load_data(seed=0)
    images, labels = np.ascontiguousarray(images[:N_TRAINING]), np.ascontiguousarray(labels[:N_TRAINING])
    if library == "numpy":
        reference = solution_namespace("06_backpropagation")
        make = functools.partial(numpy_epoch, reference)
        connection.send(f"NumPy {np.__version__}, BLAS threads: {blas_threads()}")
    else:
        import torch

        make = functools.partial(torch_epoch, torch)
        connection.send(f"PyTorch {torch.__version__}, threads: {torch.get_num_threads()}")
    epochs = {}
    while True:
        request = connection.recv()
        if request[0] == "stop":
            return
        if request[0] == "peak":
            connection.send(matmul_peak())
            continue
        name = request[1]
        if name not in epochs:
            sizes, batch_size, learning_rate = NETWORKS[name]
            epochs[name] = make(sizes, batch_size, learning_rate, images, labels)
        start = time.perf_counter()
        epochs[name]()
        connection.send(time.perf_counter() - start)


class Trainer:
    def __init__(self, library: str):
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=trainer, args=(library, child), daemon=True)
        self.process.start()
        self.description = self.connection.recv()

    def ask(self, *request):
        self.connection.send(request)
        return self.connection.recv()

    def close(self) -> None:
        self.connection.send(("stop",))
        self.process.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="epochs timed per network and library")
    arguments = parser.parse_args()
    if importlib.util.find_spec("torch") is None:
        raise SystemExit("bench_training: PyTorch is missing; install the bench extra: pip install -e '.[bench]'")
    numpy_trainer, torch_trainer = Trainer("numpy"), Trainer("torch")
    peak = numpy_trainer.ask("peak")
    print(f"machine: {os.cpu_count()} cores; {numpy_trainer.description}; {torch_trainer.description}")
    print(f"float64 matmul peak (NumPy, 2048^3): {peak:.1f} GFLOP/s")
    print(f"each library in a process of its own, one epoch each in turn, {arguments.repeat} epochs after one "
          f"warm-up epoch\n")
    print(f"{'network':<22}{'NumPy s/epoch':>14}{'torch s/epoch':>14}{'ratio':>8}{'NumPy GFLOP/s':>15}"
          f"{'torch GFLOP/s':>15}   goal: ratio <= 1.0")
    for name, (sizes, _, _) in NETWORKS.items():
        numpy_trainer.ask("epoch", name), torch_trainer.ask("epoch", name)  # warm-up
        numpy_times, torch_times = [], []
        for _ in range(arguments.repeat):
            numpy_times.append(numpy_trainer.ask("epoch", name))
            torch_times.append(torch_trainer.ask("epoch", name))
        numpy_seconds, torch_seconds = statistics.median(numpy_times), statistics.median(torch_times)
        flops = flops_per_epoch(sizes, N_TRAINING) / 1e9
        ratio = numpy_seconds / torch_seconds
        print(f"{name:<22}{numpy_seconds:>14.3f}{torch_seconds:>14.3f}{ratio:>8.2f}"
              f"{flops / numpy_seconds:>15.1f}{flops / torch_seconds:>15.1f}   "
              f"{'MET' if ratio <= 1.0 else 'NOT MET'} ({flops / numpy_seconds / peak:.0%} of peak)", flush=True)
    numpy_trainer.close()
    torch_trainer.close()


if __name__ == "__main__":
    main()
