"""Plots of training histories: cost and validation accuracy per epoch."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def _named(histories) -> list:
    """``[(name, history), ...]`` from a History, a list of them or a dict name -> History."""
    if isinstance(histories, Mapping):
        return list(histories.items())
    if hasattr(histories, "cost"):
        histories = [histories]
    return [(history.label or f"run {number}", history)
            for number, history in enumerate(histories, start=1)]


def plot_histories(histories, title=None, path=None):
    """Cost and validation accuracy per epoch, several runs on one figure.

    Parameters
    ----------
    histories : History, list of History, or dict of str to History
        The runs to compare; a dict's keys name them in the legend.
    title : str, optional
    path : path, optional
        Also save the figure there (PNG, 100 dpi).

    Returns
    -------
    matplotlib.figure.Figure
        Left: training cost per epoch (log scale, since runs with different
        costs differ by orders of magnitude).  Right: validation accuracy.
    """
    runs = _named(histories)
    import matplotlib.pyplot as plt  # here, not at the top: pyplot takes a second to import

    figure, (cost_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(11, 4))
    for name, history in runs:
        epochs = np.arange(1, len(history.cost) + 1)
        final = f" ({history.accuracy[-1]:.4f})" if len(history.accuracy) else ""
        cost_axes.plot(epochs, history.cost, marker="." if len(epochs) < 30 else None, label=name)
        accuracy_axes.plot(epochs, history.accuracy, marker="." if len(epochs) < 30 else None,
                           label=name + final)
    cost_axes.set(xlabel="epoch", ylabel="training cost (sum of batch means)", yscale="log",
                  title="training cost")
    accuracy_axes.set(xlabel="epoch", ylabel="validation accuracy", title="validation accuracy")
    for axes in (cost_axes, accuracy_axes):
        axes.grid(True, alpha=0.3)
        if runs:
            axes.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=100)
    return figure
