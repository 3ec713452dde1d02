"""The trained networks the grading kernel leaves for the outside verdicts (hamlet.trained):
written in the kernel, read back here as plain arrays, refused when malformed."""

from __future__ import annotations

import json
import os

import nbformat
import numpy as np
import pytest

from hamlet import accuracy, course, sandbox, trained
from hamlet.remote import RemoteWorker
from hamlet_utils.training import History


class OwnLayer:
    """A layer of the student's own kind: its forward pass is not computed by the grader."""

    def forward(self, x_in):
        return x_in


@pytest.fixture()
def namespace(reference):
    np.random.seed(1)
    space = dict(reference)
    net = space["Network"]([space["Linear"](784, 10), space["Sigmoid"]()])
    space["history_task4"] = History(cost=[3.0, 2.0], accuracy=[0.5, 0.6], settings={"number_epochs": 100},
                                     net=net)
    space["history_task5"] = "a history, says the student"
    return space


DECLARATION = course.declaration("06_backpropagation")
LAYERS = DECLARATION.layers


def run_from_kernel(left, wanted_epochs):
    return accuracy.run_from_kernel(left, wanted_epochs, LAYERS)


def left_by(namespace, name, folder):
    path = trained.file_for(folder, name)
    trained.dump(namespace, name, str(path), LAYERS)
    return trained.load(path, LAYERS)


def independent_accuracy(w, b) -> float:
    images, labels = accuracy.evaluation_set()
    outputs = 1.0 / (1.0 + np.exp(-(images @ w.T + b)))
    return float(np.mean(np.argmax(outputs, axis=1) == labels))


def test_a_trained_network_comes_back_as_its_parameters(namespace, tmp_path):
    left = left_by(namespace, "history_task4", tmp_path)
    linear = namespace["history_task4"].net.layers[0]
    assert left.defined and left.is_history and left.failure is None
    assert left.costs == [3.0, 2.0] and left.number_epochs == 100
    assert [kind for kind, _, _ in left.layers] == ["Linear", "Sigmoid"] and left.computable
    assert np.array_equal(left.layers[0][1], linear.w) and np.array_equal(left.layers[0][2], linear.b)
    run = run_from_kernel(left, 100)
    assert run.ok and run.accuracy == pytest.approx(independent_accuracy(linear.w, linear.b), abs=1e-12)
    assert not os.path.exists(f"{trained.file_for(tmp_path, 'history_task4')}.partial")


def test_what_is_not_a_trained_history_fails_as_in_a_worker(namespace, tmp_path):
    not_history = run_from_kernel(left_by(namespace, "history_task5", tmp_path), None)
    assert not not_history.ok and "is not what train(...) returns" in not_history.message and not not_history.ran
    missing = run_from_kernel(left_by(namespace, "history_task6e", tmp_path), 100)
    assert not missing.ok and "is not defined" in missing.message
    namespace["history_task4"].settings["number_epochs"] = 7
    wrong_epochs = run_from_kernel(left_by(namespace, "history_task4", tmp_path), 100)
    assert not wrong_epochs.ok and "number_epochs (100)" in wrong_epochs.message
    namespace["history_task4"].cost = [float("nan")]
    assert "no finite training costs" in run_from_kernel(
        left_by(namespace, "history_task4", tmp_path), None).message
    namespace["history_task4"].failure = "ValueError in epoch 0: shapes"
    assert "training stopped" in run_from_kernel(left_by(namespace, "history_task4", tmp_path), None).message


def test_a_layer_of_its_own_kind_leaves_the_training_to_a_worker(namespace, tmp_path):
    namespace["history_task4"].net.layers.append(OwnLayer())
    left = left_by(namespace, "history_task4", tmp_path)
    assert left.layers[-1][0] == "other" and not left.computable
    assert run_from_kernel(left, 100) is None
    assert accuracy.kernel_runs({"history_task4": left, "history_task5": left, "history_task6e": left}, DECLARATION) is None
    # parameters that do not fit the images are no network the grader can run either
    namespace["history_task4"].net.layers[0].w = np.zeros((10, 5))
    namespace["history_task4"].net.layers.pop()
    assert run_from_kernel(left_by(namespace, "history_task4", tmp_path), 100) is None


def test_every_training_run_must_be_there_and_good_to_skip_the_worker(namespace, tmp_path):
    namespace["history_task5"] = namespace["history_task6e"] = namespace["history_task4"]
    runs = {name: left_by(namespace, name, tmp_path) for name in DECLARATION.histories}
    judged = accuracy.kernel_runs(runs, DECLARATION)
    assert set(judged) == {"4", "5", "6e"} and all(run.ok for run in judged.values())
    assert accuracy.kernel_runs({**runs, "history_task6e": None}, DECLARATION) is None
    # a run that failed in the kernel may have failed for another cell's fault: a worker tries it again
    namespace["history_task5"] = None
    assert accuracy.kernel_runs({**runs, "history_task5": left_by(namespace, "history_task5", tmp_path)}, DECLARATION) is None


def _npz(path, **arrays):
    with open(path, "wb") as file:
        np.savez(file, **arrays)
    return path


@pytest.mark.parametrize("make", [
    lambda folder: folder / "absent.npz",
    lambda folder: (folder / "text.npz").write_text("not an archive") and folder / "text.npz",
    lambda folder: _npz(folder / "no_facts.npz", w0=np.ones(3)),
    lambda folder: _npz(folder / "facts_not_json.npz", facts=np.array("{")),
    lambda folder: _npz(folder / "facts_wrong_types.npz", facts=np.array(json.dumps(
        {"name": "history_task4", "defined": True, "is_history": True, "costs": "many", "layers": []}))),
    lambda folder: _npz(folder / "pickled.npz", facts=np.array([{"name": "x"}], dtype=object)),
], ids=["missing", "not a zip", "no facts", "facts not JSON", "facts of wrong types", "pickled objects"])
def test_malformed_files_are_refused(tmp_path, make):
    assert trained.load(make(tmp_path), LAYERS) is None


def test_links_and_special_files_are_not_followed(namespace, tmp_path):
    real = trained.file_for(tmp_path, "history_task4")
    trained.dump(namespace, "history_task4", str(real), LAYERS)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    assert trained.load(real, LAYERS) is not None and trained.load(link, LAYERS) is None
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    assert trained.load(fifo, LAYERS) is None  # would block a reader forever


def test_a_linear_layer_with_the_wrong_arrays_is_not_computed_here(tmp_path):
    facts = {"name": "history_task4", "defined": True, "is_history": True, "failure": None, "costs": [1.0],
             "number_epochs": 100, "layers": ["Linear", "Sigmoid"]}
    path = _npz(tmp_path / "ints.npz", facts=np.array(json.dumps(facts)), w0=np.ones((10, 784), dtype=int),
                b0=np.zeros(10))
    left = trained.load(path, LAYERS)
    assert left.layers[0][0] == "other" and not left.computable


# the same histories, made in a worker and in the kernel: one source for both
HISTORIES = '''
import numpy as np
from hamlet_utils.training import History
np.random.seed(1)
net = Network([Linear(784, 10), Sigmoid()])
def history(**changes):
    facts = dict(cost=[3.0, 2.0], accuracy=[0.5, 0.6], settings={"number_epochs": 100}, net=net)
    facts.update(changes)
    return History(**facts)
history_good = history()
history_not_a_history = "a history, says the student"
history_wrong_epochs = history(settings={"number_epochs": 7})
history_nan_cost = history(cost=[1.0, float("nan")])
history_no_cost = history(cost=[])
history_failed = history(failure="ValueError in epoch 0: shapes")
'''
CASES = ("history_good", "history_not_a_history", "history_missing", "history_wrong_epochs", "history_nan_cost",
         "history_no_cost", "history_failed")


@pytest.mark.sandbox
def test_a_history_is_judged_alike_in_a_worker_and_from_the_kernels_file(tmp_path):
    """The outside verdicts give the same Run whether a worker trained or the kernel left the file."""
    source = "\n".join(_class_cells())
    namespace: dict = {}
    exec(compile(source + HISTORIES, "<histories>", "exec"), namespace)
    with RemoteWorker(timeout=60, limits=sandbox.Limits(memory_bytes=2 * sandbox.GIB)) as worker:
        worker.exec_cell("histories", source + HISTORIES)
        for name in CASES:
            in_worker = accuracy.examine_run(worker, name, 100, LAYERS)
            from_file = run_from_kernel(left_by(namespace, name, tmp_path), 100)
            assert (from_file.ok, from_file.ran) == (in_worker.ok, in_worker.ran), name
            assert in_worker.message.startswith(from_file.message), (name, in_worker.message, from_file.message)
            if in_worker.ok:
                assert from_file.accuracy == pytest.approx(in_worker.accuracy, abs=1e-12)
            else:
                assert from_file.message, name


def _class_cells() -> list[str]:
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source
             for cell in nbformat.read(str(course.source_notebook("06_backpropagation")), as_version=4).cells}
    return [cells[cell_id] for cell_id in DECLARATION.definition_cells]
