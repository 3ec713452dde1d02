"""Session 6, "Backpropagation": what the grader knows of it, in one place.

The engine (``autograde/hamlet``) reads this declaration and nothing else about the
session; see :mod:`hamlet.declaration` for what each field means.
"""

from hamlet.declaration import Declaration, DefinitionTask, StepTask, Task, TrainingTask
from hamlet_utils import checks

from . import hidden_tests

#: the objects of tasks 2f and 3b, as the notebook names them
STEP_OBJECTS = ("linear_layer", "sigmoid_layer", "cost_function", "random_input", "random_label", "learning_rate")
#: the classes every training run is built of
CLASS_TASKS = ("2a", "2b", "2c", "2d", "2e", "3a")

DECLARATION = Declaration(
    name="06_backpropagation",
    title="Backpropagation",
    tasks=(Task("1a", 4), Task("2a", 2), Task("2b", 1), Task("2c", 1), Task("2d", 3), Task("2e", 1),
           Task("2f", 1), Task("3a", 3), Task("3b", 1), Task("4", 2), Task("5", 4),
           Task("6a", 1, bonus=True), Task("6b", 1, bonus=True), Task("6c", 1, bonus=True),
           Task("6d", 2, bonus=True), Task("6e", 1, bonus=True)),
    definition_cells=("given_imports", "given_sigmoid_functions", "given_layer_cost", "given_sigmoid_layer",
                      "linear", "mean_square_error", "network", "softmax", "cross_entropy"),
    # 3a last: its test hands correct layers to the student's Network
    definition_tasks=(
        DefinitionTask("2a", "Linear", hidden_tests.linear_forward, checks.check_linear_forward),
        DefinitionTask("2b", "MeanSquareError", hidden_tests.mse_estimate, checks.check_mse_estimate),
        DefinitionTask("2c", "MeanSquareError", hidden_tests.mse_gradient, checks.check_mse_gradient),
        DefinitionTask("2d", "Linear", hidden_tests.linear_backward, checks.check_linear_backward),
        DefinitionTask("2e", "Linear", hidden_tests.linear_update, checks.check_linear_update),
        DefinitionTask("6a", "SoftMax", hidden_tests.softmax_forward, checks.check_softmax_forward),
        DefinitionTask("6b", "CrossEntropy", hidden_tests.cross_entropy_estimate,
                       checks.check_cross_entropy_estimate),
        DefinitionTask("6c", "CrossEntropy", hidden_tests.cross_entropy_gradient,
                       checks.check_cross_entropy_gradient),
        DefinitionTask("6d", "SoftMax", hidden_tests.softmax_backward, checks.check_softmax_backward),
        DefinitionTask("3a", "Network", hidden_tests.network, None,
                       helpers=hidden_tests.BUILDING_BLOCKS, helper_names=hidden_tests.BUILDING_BLOCK_NAMES),
    ),
    step_tasks=(StepTask("2f", STEP_OBJECTS, hidden_tests.single_step),
                StepTask("3b", ("network", "Network") + STEP_OBJECTS, hidden_tests.network_step)),
    training_tasks=(
        TrainingTask("4", "history_task4", "task4_training", 100, minimum_accuracy=checks.TASK4_MINIMUM_ACCURACY),
        TrainingTask("5", "history_task5", "task5_better_network", None, beats="4"),
        TrainingTask("6e", "history_task6e", "task6e_softmax_training", 100,
                     minimum_accuracy=checks.TASK6E_MINIMUM_ACCURACY),
    ),
    built_on={
        "2c": ("2b",), "2d": ("2a",), "6c": ("6b",), "6d": ("6a",),
        "2f": ("2a", "2b", "2c", "2d", "2e"),
        "3b": CLASS_TASKS,
        "4": CLASS_TASKS,
        "5": CLASS_TASKS + ("6a", "6b", "6c", "6d"),
        "6e": ("2a", "2d", "2e", "3a", "6a", "6b", "6c", "6d"),
    },
    grading_epochs=3,
    layers={"Linear": ("affine",), "Sigmoid": ("sigmoid",), "SoftMax": ("softmax",)},
    plot_cells=("plot_all", "plot_tasks_4_5"),
    manual_cells=("task1a_formulas", "task5_discussion"),
    guarded_names=("checks", "gradcheck", "training", "hidden_tests"),
)
