"""Tests of the student-facing checks (hamlet_utils.checks) against a corpus of submissions.

The corpus (tests/corpus.py) holds wrong submissions, each tagged with the task
whose check must fail and a phrase its message must contain, and correct but
unusually written ones, which must pass.  Every check runs with stderr captured
and warnings recorded: a check talks to the student only through its one
printed line or its CheckFailed.
"""

import warnings

import numpy as np
import pytest

import corpus
from hamlet_utils import checks
from hamlet_utils.training import History

ALL_TASKS = tuple(corpus.CHECKS)


def outcome(task, cls, reference, capsys):
    """Run the check of ``task`` on ``cls``: None if it passed, else the CheckFailed message,
    or ``DEFERRED + message`` when it was not checked because an earlier check fails.

    Also asserts the check's manners: nothing on stderr, no warning escaping, one
    line "Task <id> passed: ..." (or "... not checked yet: ...") on stdout, nothing on failure.
    """
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            corpus.run_check(task, cls, reference)
            failure = None
        except checks.CheckFailed as error:
            assert isinstance(error, AssertionError)
            failure = str(error)
    captured = capsys.readouterr()
    assert captured.err == "", f"task {task} wrote to stderr: {captured.err!r}"
    assert not caught, f"task {task} let warnings escape: {[str(w.message) for w in caught]}"
    if failure is None and captured.out.startswith(f"Task {task} not checked yet: "):
        assert captured.out.count("\n") == 1, captured.out
        return DEFERRED + captured.out.split(": ", 1)[1]
    if failure is None:
        assert captured.out.startswith(f"Task {task} passed: ") and captured.out.count("\n") == 1, captured.out
    else:
        assert captured.out == "", f"a failing check printed {captured.out!r}"
    return failure


DEFERRED = "DEFERRED: "


def by_name(submissions):
    return pytest.mark.parametrize("submission", submissions, ids=[s.name for s in submissions])


# --------------------------------------------------------------------------- the corpus itself

def test_corpus_covers_every_task():
    tagged = {submission.task for submission in corpus.WRONG}
    assert tagged == set(ALL_TASKS)
    for kind in corpus.TASKS:
        assert sum(s.kind == kind for s in corpus.CORRECT) >= 3, kind
        assert sum(s.kind == kind for s in corpus.WRONG) >= 5, kind


def test_corpus_builds_subclasses_of_the_reference(reference):
    for submission in corpus.ALL:
        cls = submission.build(reference)
        assert issubclass(cls, reference[submission.kind]) and cls.__name__ == submission.name


# --------------------------------------------------------------------------- wrong submissions

@by_name(corpus.WRONG)
def test_wrong_submission_fails_its_check(submission, reference, capsys):
    failure = outcome(submission.task, submission.build(reference), reference, capsys)
    assert failure is not None and not failure.startswith(DEFERRED), \
        f"{submission.name} ({submission.description}) passed task {submission.task}: {failure}"
    assert failure.startswith(f"Task {submission.task}: "), failure
    assert submission.message in failure, failure


@by_name(corpus.WRONG)
def test_wrong_submission_fails_only_dependent_checks(submission, reference, capsys):
    """The other checks of the class pass, or -- where they build on the broken part --
    are deferred without failing: a mistake costs the points of its own task only."""
    cls = submission.build(reference)
    for task in corpus.TASKS[submission.kind]:
        if task == submission.task:
            continue
        failure = outcome(task, cls, reference, capsys)
        if task in submission.also_fails:
            assert failure is not None and failure.startswith(DEFERRED), (task, failure)
        else:
            assert failure is None, (task, failure)


@by_name([s for s in corpus.WRONG if s.also_fails])
def test_dependent_check_names_the_part_that_fails_first(submission, reference, capsys):
    """E.g. a broken estimate: the gradient check says the estimate fails first, and why."""
    cls = submission.build(reference)
    for task in submission.also_fails:
        failure = outcome(task, cls, reference, capsys)
        assert failure.startswith(DEFERRED) and "which fails first -- " in failure, failure
        assert submission.message in failure.split(" -- ", 1)[1], failure


# --------------------------------------------------------------------------- correct submissions

@by_name(corpus.CORRECT)
def test_correct_submission_passes_every_check_of_its_class(submission, reference, capsys):
    cls = submission.build(reference)
    for task in corpus.TASKS[submission.kind]:
        failure = outcome(task, cls, reference, capsys)
        assert failure is None, f"{submission.name} ({submission.description}): {failure}"


@pytest.mark.parametrize("task", ALL_TASKS)
def test_reference_passes(task, reference, capsys):
    kind = next(kind for kind, tasks in corpus.TASKS.items() if task in tasks)
    assert outcome(task, reference[kind], reference, capsys) is None


def test_every_check_knows_its_task():
    for task, check in corpus.CHECKS.items():
        assert check.task == task
    for task, check in (("2f", checks.check_single_step), ("3b", checks.check_network_step),
                        ("4", checks.check_task4), ("5", checks.check_task5), ("6e", checks.check_task6e)):
        assert check.task == task


# --------------------------------------------------------------------------- random state

def _same_state(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


@pytest.mark.parametrize("task", ALL_TASKS)
@pytest.mark.parametrize("verdict", ["pass", "fail"])
def test_check_leaves_global_random_state_alone(task, verdict, reference, capsys):
    """Linear.__init__ draws from np.random; the checks must restore the state, pass or fail."""
    kind = next(kind for kind, tasks in corpus.TASKS.items() if task in tasks)
    if verdict == "pass":
        cls = reference[kind]
    else:
        cls = next(s for s in corpus.WRONG if s.task == task).build(reference)
    np.random.seed(2024)
    np.random.normal()  # a cached Gaussian is part of the state, too
    before = np.random.get_state()
    failure = outcome(task, cls, reference, capsys)
    assert (failure is None) == (verdict == "pass")
    assert _same_state(np.random.get_state(), before)
    after = np.random.rand(3)
    np.random.set_state(before)
    assert np.array_equal(after, np.random.rand(3))


# --------------------------------------------------------------------------- not implemented yet

def _stub(self, *args):
    raise NotImplementedError()


METHODS = {
    "Linear": ("forward", "backward", "update_parameters"),
    "MeanSquareError": ("estimate", "gradient"),
    "Network": ("forward", "backward", "zero_gradients", "update_parameters"),
    "SoftMax": ("forward", "backward"),
    "CrossEntropy": ("estimate", "gradient"),
}
#: which task's check first needs which method
NEEDS = {"2a": "forward", "2d": "backward", "2e": "update_parameters", "2b": "estimate", "2c": "gradient",
         "6a": "forward", "6d": "backward", "6b": "estimate", "6c": "gradient"}


def _stubbed(reference, kind, methods):
    return type(f"{kind}Template", (reference[kind],), {method: _stub for method in methods})


@pytest.mark.parametrize("task, kind, method", [
    (task, kind, NEEDS[task]) for kind, tasks in corpus.TASKS.items() for task in tasks if task in NEEDS
] + [("3a", "Network", method) for method in METHODS["Network"]])
def test_not_implemented_method(task, kind, method, reference, capsys):
    failure = outcome(task, _stubbed(reference, kind, [method]), reference, capsys)
    assert failure is not None and failure.startswith(f"Task {task}: ")
    assert f"{kind}.{method}" in failure and "is not implemented yet (it raises NotImplementedError)" in failure, failure


@pytest.mark.parametrize("task", ALL_TASKS)
def test_untouched_template_fails_with_not_implemented(task, reference, capsys):
    """The released template: every method a student writes raises NotImplementedError."""
    kind = next(kind for kind, tasks in corpus.TASKS.items() if task in tasks)
    failure = outcome(task, _stubbed(reference, kind, METHODS[kind]), reference, capsys)
    assert failure is not None and failure.startswith(f"Task {task}: ")
    assert "not implemented yet" in failure, failure


# --------------------------------------------------------------------------- tasks 2f and 3b

INPUT_SIZE, LABEL_SIZE, BATCH_SIZE, LEARNING_RATE = 28 ** 2, 10, 600, 1e-4


@pytest.fixture
def given(reference):
    """The notebook's hyperparameter cell: random data and fresh objects."""
    rng = np.random.default_rng(6)
    linear_layer = reference["Linear"](INPUT_SIZE, LABEL_SIZE)
    linear_layer.w = 0.1 * rng.normal(size=(LABEL_SIZE, INPUT_SIZE))
    return {
        "linear_layer": linear_layer,
        "sigmoid_layer": reference["Sigmoid"](),
        "cost_function": reference["MeanSquareError"](),
        "random_input": rng.random((BATCH_SIZE, INPUT_SIZE)),
        "random_label": rng.random((BATCH_SIZE, LABEL_SIZE)),
        "learning_rate": LEARNING_RATE,
    }


def step(layer, activation, cost_function, x, y, learning_rate, update=True, zero=False, through_sigmoid=True):
    """Task 2f's cell, written by hand, with the usual ways to get it wrong."""
    if zero:
        layer.zero_gradients()
    prediction = layer.forward(x)
    if through_sigmoid:
        prediction = activation.forward(prediction)
    cost = cost_function.estimate(y, prediction)
    gradient = cost_function.gradient(cost)
    if through_sigmoid:
        gradient = activation.backward(gradient)
    layer.backward(gradient)
    if update:
        layer.update_parameters(learning_rate)


def network_step(network, cost_function, x, y, learning_rate, zero=True, update=True):
    if zero:
        network.zero_gradients()
    cost = cost_function.estimate(y, network.forward(x))
    network.backward(cost_function.gradient(cost))
    if update:
        network.update_parameters(learning_rate)


def run_quietly(check, *args, capsys):
    """None if ``check(*args)`` passed, else its message; asserts nothing went to stderr."""
    capsys.readouterr()
    try:
        check(*args)
        failure = None
    except checks.CheckFailed as error:
        failure = str(error)
    captured = capsys.readouterr()
    assert captured.err == ""
    if failure is None:
        assert captured.out.startswith(f"Task {check.task} passed: ")
    return failure


def check_2f(given, capsys):
    g = given
    return run_quietly(checks.check_single_step, g["linear_layer"], g["sigmoid_layer"], g["cost_function"],
                       g["random_input"], g["random_label"], g["learning_rate"], capsys=capsys)


def do_2f(given, **options):
    g = given
    step(g["linear_layer"], g["sigmoid_layer"], g["cost_function"], g["random_input"], g["random_label"],
         g["learning_rate"], **options)


def test_single_step_passes(given, capsys):
    do_2f(given)
    assert check_2f(given, capsys) is None


def test_single_step_with_zero_gradients_first_passes(given, capsys):
    do_2f(given, zero=True)
    assert check_2f(given, capsys) is None


def test_single_step_without_update(given, capsys):
    do_2f(given, update=False)
    failure = check_2f(given, capsys)
    assert failure.startswith("Task 2f: ")
    assert "parameters did not move" in failure and "update_parameters(learning_rate)" in failure


def test_single_step_run_twice_without_zeroing(given, capsys):
    do_2f(given)
    do_2f(given)
    failure = check_2f(given, capsys)
    assert failure.startswith("Task 2f: ") and "two steps" in failure, failure


def test_single_step_without_sigmoid(given, capsys):
    do_2f(given, through_sigmoid=False)
    failure = check_2f(given, capsys)
    assert "sigmoid_layer was never used" in failure


def test_single_step_without_backward(given, capsys):
    g = given
    g["cost_function"].estimate(g["random_label"], g["sigmoid_layer"].forward(g["linear_layer"].forward(g["random_input"])))
    failure = check_2f(given, capsys)
    assert "dw is all zeros" in failure


def test_single_step_on_other_data(given, capsys):
    g = given
    other = np.random.default_rng(7).random(g["random_input"].shape)
    step(g["linear_layer"], g["sigmoid_layer"], g["cost_function"], other, g["random_label"], g["learning_rate"])
    failure = check_2f(given, capsys)
    assert "not the gradient of one step with random_input and random_label" in failure


def test_single_step_with_other_learning_rate(given, capsys):
    g = given
    step(g["linear_layer"], g["sigmoid_layer"], g["cost_function"], g["random_input"], g["random_label"],
         10 * g["learning_rate"])
    failure = check_2f(given, capsys)
    assert failure.startswith("Task 2f: ") and "two steps" not in failure and "did not move" not in failure


def test_single_step_with_update_that_zeroes_gradients(given, reference, capsys):
    """The check reads dw after the step; its message must not only blame backward."""
    class ZeroingLinear(reference["Linear"]):
        def update_parameters(self, learning_rate):
            super().update_parameters(learning_rate)
            self.zero_gradients()

    layer = ZeroingLinear(INPUT_SIZE, LABEL_SIZE)
    layer.w = given["linear_layer"].w
    given["linear_layer"] = layer
    do_2f(given)
    failure = check_2f(given, capsys)
    assert "dw is all zeros" in failure and "zero the gradients at the start of a step" in failure


def check_3b(network, given, reference, capsys):
    g = given
    return run_quietly(checks.check_network_step, network, reference["Network"], g["sigmoid_layer"],
                       g["cost_function"], g["random_input"], g["random_label"], g["learning_rate"],
                       capsys=capsys)


def test_network_step_after_single_step_passes(given, reference, capsys):
    """The notebook's order: 2f's step, then 3b's step with zero_gradients on the same layers."""
    do_2f(given)
    network = reference["Network"]([given["linear_layer"], given["sigmoid_layer"]])
    network_step(network, given["cost_function"], given["random_input"], given["random_label"], LEARNING_RATE)
    assert check_3b(network, given, reference, capsys) is None


def test_network_step_without_zeroing_after_single_step(given, reference, capsys):
    do_2f(given)
    network = reference["Network"]([given["linear_layer"], given["sigmoid_layer"]])
    network_step(network, given["cost_function"], given["random_input"], given["random_label"], LEARNING_RATE,
                 zero=False)
    failure = check_3b(network, given, reference, capsys)
    assert failure.startswith("Task 3b: ") and "two steps" in failure, failure
    assert "zero_gradients" in failure


def test_network_step_without_update(given, reference, capsys):
    network = reference["Network"]([given["linear_layer"], given["sigmoid_layer"]])
    network_step(network, given["cost_function"], given["random_input"], given["random_label"], LEARNING_RATE,
                 update=False)
    failure = check_3b(network, given, reference, capsys)
    assert failure.startswith("Task 3b: ") and "parameters did not move" in failure


def test_network_step_needs_a_network(given, reference, capsys):
    failure = check_3b([given["linear_layer"], given["sigmoid_layer"]], given, reference, capsys)
    assert "`network` must be a Network, got list" in failure
    failure = check_3b(None, given, reference, capsys)
    assert "`network` must be a Network, got NoneType" in failure


def test_network_step_needs_linear_then_sigmoid(given, reference, capsys):
    network = reference["Network"]([given["sigmoid_layer"], given["linear_layer"]])
    failure = check_3b(network, given, reference, capsys)
    assert "two layers: the linear layer, then the sigmoid layer" in failure


# --------------------------------------------------------------------------- tasks 4, 5, 6e

def history(accuracy, *, epochs=None, learning_rate=1e-4, batch_size=600, cost=None):
    """A History as train(...) returns it, with ``accuracy`` reached after ``epochs`` epochs."""
    epochs = epochs or 3
    accuracies = list(np.linspace(accuracy / 2, accuracy, epochs + 1)[1:])
    costs = list(np.linspace(50.0, 10.0, epochs)) if cost is None else list(cost)
    return History(cost=costs, accuracy=accuracies, seconds=[1.0] * epochs, label="test",
                   settings={"number_epochs": 100, "batch_size": batch_size, "learning_rate": learning_rate,
                             "seed": None, "epoch_cap": None})


def threshold(table, epochs):
    return checks.minimum_accuracy(table, epochs)


@pytest.mark.parametrize("epochs", [1, 3, 10, 100])
def test_task4_passes_at_the_threshold(epochs, capsys):
    accuracy = max(threshold(checks.TASK4_MINIMUM_ACCURACY, epochs), 0.5) + 0.01
    assert run_quietly(checks.check_task4, history(accuracy, epochs=epochs), capsys=capsys) is None


@pytest.mark.parametrize("epochs", [1, 3, 10, 100])
def test_task4_too_low_accuracy(epochs, capsys):
    wanted = threshold(checks.TASK4_MINIMUM_ACCURACY, epochs)
    failure = run_quietly(checks.check_task4, history(wanted - 0.01, epochs=epochs), capsys=capsys)
    assert failure.startswith("Task 4: ")
    assert f"validation accuracy {wanted - 0.01:.4f} after {epochs} epochs is below the {wanted:.2f}" in failure


@pytest.mark.parametrize("value, type_name", [(None, "NoneType"), (0.9, "float"), ([0.9], "list"),
                                              ({"accuracy": [0.9]}, "dict")])
def test_task4_needs_a_history(value, type_name, capsys):
    failure = run_quietly(checks.check_task4, value, capsys=capsys)
    assert failure.startswith("Task 4: ")
    assert "`history_task4` must hold what train(...) returns" in failure and f"it is a {type_name}" in failure


def test_task4_empty_history(capsys):
    failure = run_quietly(checks.check_task4, History(), capsys=capsys)
    assert "`history_task4` has no epochs" in failure


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_task4_nan_cost(bad, capsys):
    failure = run_quietly(checks.check_task4, history(0.95, cost=[40.0, 30.0, bad]), capsys=capsys)
    assert failure.startswith("Task 4: ") and "became NaN or inf" in failure and "learning rate" in failure


@pytest.mark.parametrize("settings", [{"learning_rate": 1e-3}, {"batch_size": 32}, {"learning_rate": 1e-5}])
def test_task4_wrong_hyperparameters(settings, capsys):
    failure = run_quietly(checks.check_task4, history(0.95, **settings), capsys=capsys)
    assert failure.startswith("Task 4: ")
    assert "train with the given hyperparameters (batch_size=600, learning_rate=0.0001)" in failure
    for name, value in settings.items():
        assert f"{name}={value}" in failure


def test_task4_missing_settings(capsys):
    bare = History(cost=[3.0], accuracy=[0.99], seconds=[1.0])
    failure = run_quietly(checks.check_task4, bare, capsys=capsys)
    assert "train with the given hyperparameters" in failure and "batch_size=None" in failure


def test_task5_better_passes(capsys):
    task4 = history(0.85, epochs=10)
    task5 = history(0.97, epochs=30, learning_rate=0.03, batch_size=32)
    assert run_quietly(checks.check_task5, task5, task4, capsys=capsys) is None


@pytest.mark.parametrize("accuracy", [0.85, 0.80])
def test_task5_not_better_than_task4(accuracy, capsys):
    task4 = history(0.85, epochs=10)
    failure = run_quietly(checks.check_task5, history(accuracy, epochs=5, learning_rate=0.1), task4,
                          capsys=capsys)
    assert failure.startswith("Task 5: ")
    assert f"your network reaches {accuracy:.4f}, not more than the 0.8500 of task 4" in failure


def test_task5_needs_histories(capsys):
    failure = run_quietly(checks.check_task5, None, history(0.85), capsys=capsys)
    assert "`history_task5` must hold what train(...) returns" in failure
    failure = run_quietly(checks.check_task5, history(0.95), None, capsys=capsys)
    assert "`history_task4` must hold what train(...) returns" in failure


def test_task5_nan_cost(capsys):
    failure = run_quietly(checks.check_task5, history(0.95, cost=[1.0, np.nan, np.nan]), history(0.85),
                          capsys=capsys)
    assert "`history_task5` became NaN or inf" in failure or "cost of `history_task5` became NaN" in failure


@pytest.mark.parametrize("epochs", [1, 10, 100])
def test_task6e_passes(epochs, capsys):
    accuracy = threshold(checks.TASK6E_MINIMUM_ACCURACY, epochs) + 0.01
    assert run_quietly(checks.check_task6e, history(accuracy, epochs=epochs, learning_rate=1e-5),
                       capsys=capsys) is None


def test_task6e_too_low_accuracy(capsys):
    wanted = threshold(checks.TASK6E_MINIMUM_ACCURACY, 100)
    failure = run_quietly(checks.check_task6e, history(wanted - 0.02, epochs=100, learning_rate=1e-5),
                          capsys=capsys)
    assert failure.startswith("Task 6e: ") and f"below the {wanted:.2f}" in failure


def test_task6e_wrong_hyperparameters(capsys):
    failure = run_quietly(checks.check_task6e, history(0.95, learning_rate=1e-4), capsys=capsys)
    assert failure.startswith("Task 6e: ") and "learning_rate=1e-05" in failure


def test_task6e_needs_a_history(capsys):
    failure = run_quietly(checks.check_task6e, None, capsys=capsys)
    assert "`history_task6e` must hold what train(...) returns" in failure


def test_thresholds_grow_with_epochs():
    for table in (checks.TASK4_MINIMUM_ACCURACY, checks.TASK6E_MINIMUM_ACCURACY):
        counts = sorted(table)
        assert all(table[a] <= table[b] for a, b in zip(counts, counts[1:]))
        assert checks.minimum_accuracy(table, 0) == 0.0
        assert checks.minimum_accuracy(table, counts[0]) == table[counts[0]]
        assert checks.minimum_accuracy(table, 10 ** 6) == table[counts[-1]]



# --------------------------------------------------------------------------- no double penalty

def deferred(check, *args, capsys) -> str:
    """The 'not checked yet' line a check printed instead of failing (asserts it did not fail)."""
    capsys.readouterr()
    check(*args)
    out = capsys.readouterr().out
    assert out.startswith(f"Task {check.task} not checked yet: "), out
    return out


def built_of(kind_classes, reference, cost_kind="MeanSquareError"):
    """A history whose network is Network([Linear, Sigmoid]) of the given classes, at low accuracy."""
    run = history(0.2)
    linear = kind_classes.get("Linear", reference["Linear"])(3, 2)
    run.net = kind_classes.get("Network", reference["Network"])([linear, reference["Sigmoid"]()])
    run.cost_function = kind_classes.get(cost_kind, reference[cost_kind])()
    return run


@pytest.mark.parametrize("name", ["LinearBackwardAveraged", "LinearBackwardDwWrongSign", "LinearBackwardOverwrites"])
def test_training_task_is_not_failed_for_a_bug_in_an_earlier_task(name, reference, capsys):
    submission = next(s for s in corpus.WRONG if s.name == name)
    run = built_of({"Linear": submission.build(reference)}, reference)
    message = deferred(checks.check_task4, run, capsys=capsys)
    assert "because an earlier task fails -- Task 2d" in message


def test_training_task_fails_when_its_classes_are_right(reference, capsys):
    failure = run_quietly(checks.check_task4, built_of({}, reference), capsys=capsys)
    assert failure and "below the" in failure


def test_an_unwritten_class_does_not_excuse_the_training_task(reference, capsys):
    stub = type("LinearStub", (reference["Linear"],), {"backward": lambda self, d_out: (_ for _ in ()).throw(
        NotImplementedError())})
    run = built_of({"Linear": stub}, reference)
    run.failure = "NotImplementedError in epoch 0: "
    failure = run_quietly(checks.check_task4, run, capsys=capsys)
    assert failure and "training stopped" in failure


def test_a_stopped_run_is_blamed_on_the_broken_class(reference, capsys):
    submission = next(s for s in corpus.WRONG if s.name == "LinearBackwardTransposedDw")
    run = built_of({"Linear": submission.build(reference)}, reference)
    run.cost, run.accuracy, run.failure = [], [], "ValueError in epoch 0: operands could not be broadcast"
    assert "Task 2d" in deferred(checks.check_task4, run, capsys=capsys)
