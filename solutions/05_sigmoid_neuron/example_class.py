"""The example class of Session 5: how each made-up student's notebook differs from the solution.

``hamlet examples 05_sigmoid_neuron`` turns it into ``autograde/examples/05_sigmoid_neuron/``.
``edits`` replace text of the solution-filled cells (the source notebook's solutions,
markers removed), so every ``old`` is a piece of the solution as written there.
"""

from hamlet.examples import Student

UNUSUAL_SIGMOID = '''
def sigmoid_function(x):
    # ----- add code for task 2a between comments -----
    x = np.asarray(x, dtype=float)
    negative_part = np.exp(np.minimum(x, 0.0))   # e^x where x < 0, else 1
    positive_part = np.exp(np.minimum(-x, 0.0))  # e^-x where x > 0, else 1
    return negative_part / (negative_part + positive_part)
    # -------------------------------------------------
'''.strip()

UNUSUAL_DERIVATIVE = '''
def sigmoid_derivative(x):
    # ----- add code for task 2b between comments -----
    return sigmoid_function(x) * sigmoid_function(-x)  # 1 - sigma(x) = sigma(-x)
    # -------------------------------------------------
'''.strip()

UNUSUAL_FORWARD = '''
def forward(x, w, b):
    # ----- add code for task 2c between comments -----
    rows = []
    for sample in x:                       # one sample at a time
        rows.append(sigmoid_function(np.dot(w, sample) + b[0]))
    return np.stack(rows)
    # -------------------------------------------------
'''.strip()

UNUSUAL_GRADIENTS = '''
def mse_gradients(x, w, b, target):
    # ----- add code for task 2d between comments -----
    p = forward(x, w, b)
    delta = np.einsum("bo,bo,bo->bo", p - target, p, 1 - p)
    dw = np.einsum("bo,bi->oi", delta, x)
    db = delta.sum(axis=0)[np.newaxis, :]
    # -------------------------------------------------
    return dw, db
'''.strip()

UNUSUAL_SGD = '''
def sgd_step(w, b, dw, db, learning_rate):
    # ----- add code for task 2e between comments -----
    new_w, new_b = w.copy(), b.copy()
    new_w -= learning_rate * dw            # in place, but on copies
    new_b -= learning_rate * db
    # -------------------------------------------------
    return new_w, new_b
'''.strip()

#: the stable sigmoid of the solution, as the filled-in cell holds it
STABLE_SIGMOID = '''    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # never overflows: the exponent is never positive
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))'''

STUDENTS = [
    Student("ada_complete", "every task solved as in the solution notebook"),
    Student("ben_typical_bugs", "a sigmoid that overflows for large negative x (2a), dw averaged over the "
            "batch (2d), sgd_step changing w and b in place (2e); tasks built on them are not penalised again",
            edits={"sigmoid_function": [(STABLE_SIGMOID, "    return 1.0 / (1.0 + np.exp(-x))")],
                   "mse_gradients": [("dw = delta.T @ x", "dw = delta.T @ x / len(x)")],
                   "sgd_step": [("new_w = w - learning_rate * dw\n    new_b = b - learning_rate * db",
                                 "w -= learning_rate * dw\n    b -= learning_rate * db\n    new_w, new_b = w, b")]},
            loses=("2a", "2d", "2e")),
    Student("cleo_untouched", "handed in the release as it was", untouched=True,
            loses=("2a", "2b", "2c", "2d", "2e", "2f", "3")),
    Student("dan_endless_loop", "an endless loop at the top of the task 3 cell",
            edits={"task3_code": [("history_task3 = None  # what train(...) returns",
                                   "history_task3 = None\nwhile True:  # 'waiting for the data'\n    pass")]},
            loses=("3",), flags=("timeout in task3_code",)),
    Student("eve_kills_kernel", "os._exit(1) in the task 2f cell: the kernel dies",
            edits={"task2f_code": [("# ----- add code for task 2f between comments -----",
                                    "# ----- add code for task 2f between comments -----\nimport os\nos._exit(1)")]},
            loses=("2f",), flags=("kernel died in task2f_code",)),
    Student("finn_edits_tests", "target - prediction in mse_gradients, a wrong sign (2d), the 2d test cell "
            "replaced by a print, the 2e test cell deleted: both restored for grading",
            edits={"mse_gradients": [("delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)",
                                      "delta = (target - sigmoid_function(z)) * sigmoid_derivative(z)")]},
            replace={"task2d_mse_gradients": 'print("Task 2d passed: trust me")'},
            delete=("task2e_sgd_step",),
            loses=("2d",), flags=("edited test cell task2d_mse_gradients", "deleted test cell task2e_sgd_step")),
    Student("gia_unusual", "correct, written unusually: a sigmoid from exponentials of minima, "
            "sigma(x) sigma(-x) as its derivative, a loop over samples in forward, einsum gradients, "
            "sgd_step in place on copies",
            replace={"sigmoid_function": UNUSUAL_SIGMOID, "sigmoid_derivative": UNUSUAL_DERIVATIVE,
                     "forward": UNUSUAL_FORWARD, "mse_gradients": UNUSUAL_GRADIENTS, "sgd_step": UNUSUAL_SGD}),
]
