"""Session 5, "The sigmoid neuron": what the grader knows of it, in one place.

The engine (``autograde/hamlet``) reads this declaration and nothing else about the
session; see :mod:`hamlet.declaration` for what each field means.
"""

from hamlet.declaration import Declaration, DefinitionTask, StepTask, Task, TrainingTask
from hamlet_utils import neuron_checks as checks

from . import hidden_tests

#: the objects of task 2f, as the notebook names them
STEP_OBJECTS = ("w", "b", "w_initial", "b_initial", "random_input", "random_label", "learning_rate",
                "mse_gradients", "sgd_step")
#: the functions every training run is built of
FUNCTION_TASKS = ("2a", "2b", "2c", "2d", "2e")

DECLARATION = Declaration(
    name="05_sigmoid_neuron",
    title="The sigmoid neuron",
    tasks=(Task("1a", 2), Task("2a", 1), Task("2b", 1), Task("2c", 2), Task("2d", 3), Task("2e", 1),
           Task("2f", 1), Task("3", 2), Task("4", 2)),
    definition_cells=("given_imports", "sigmoid_function", "sigmoid_derivative", "forward", "mse_gradients",
                      "sgd_step", "given_neuron", "given_cost"),
    definition_tasks=(
        DefinitionTask("2a", "sigmoid_function", hidden_tests.sigmoid_function, checks.check_sigmoid_function),
        DefinitionTask("2b", "sigmoid_derivative", hidden_tests.sigmoid_derivative,
                       checks.check_sigmoid_derivative),
        DefinitionTask("2c", "forward", hidden_tests.forward, checks.check_forward),
        DefinitionTask("2d", "mse_gradients", hidden_tests.mse_gradients, checks.check_mse_gradients),
        DefinitionTask("2e", "sgd_step", hidden_tests.sgd_step, checks.check_sgd_step),
    ),
    step_tasks=(StepTask("2f", STEP_OBJECTS, hidden_tests.single_step),),
    training_tasks=(
        TrainingTask("3", "history_task3", "task3_training", 100, minimum_accuracy=checks.TASK3_MINIMUM_ACCURACY),
    ),
    built_on={"2b": ("2a",), "2c": ("2a",), "2d": ("2a", "2b", "2c"), "2f": ("2d", "2e"), "3": FUNCTION_TASKS},
    grading_epochs=3,
    layers={"SigmoidNeuron": ("affine", "sigmoid")},
    plot_cells=("plot_task3",),
    manual_cells=("task1a_gradients", "task4_discussion"),
    guarded_names=("checks", "neuron_checks", "gradcheck", "training", "hidden_tests"),
    # a later function that calls a broken earlier one is judged with a working one instead
    stand_ins=hidden_tests.STAND_INS,
)
