"""The example class of Session 6: how each made-up student's notebook differs from the solution.

``hamlet examples 06_backpropagation`` turns it into ``autograde/examples/06_backpropagation/``.
"""

from hamlet.examples import Student

UNUSUAL_LINEAR = '''
class Linear(Layer):
    def __init__(self, n_in, n_out, initial_sigma=0.1):
        self.n_in = n_in
        self.n_out = n_out

        self.w = initial_sigma * np.random.randn(n_out, n_in)
        self.b = np.zeros((1, n_out))

        self.zero_gradients()

        self.x_in = None

    def forward(self, x_in):
        # ----- Add code for task 2a between comments -----
        self.x_in = np.array(x_in, copy=True)
        x_out = np.einsum("bi,oi->bo", x_in, self.w) + self.b[0]
        # -------------------------------------------------
        return x_out

    def backward(self, d_out):
        # ----- Add code for task 2d between comments -----
        for sample in range(d_out.shape[0]):      # one outer product per sample
            self.dw += np.outer(d_out[sample], self.x_in[sample])
            self.db[0] += d_out[sample]
        self.d_in = np.dot(self.w.T, d_out.T).T
        # -------------------------------------------------
        return self.d_in

    def zero_gradients(self):
        self.dw = np.zeros((self.n_out, self.n_in))
        self.db = np.zeros((1, self.n_out))
        self.dx = np.empty((0, self.n_in))

    def update_parameters(self, learning_rate):
        # ----- Add code for task 2e between comments -----
        self.w = self.w - learning_rate * self.dw
        self.b = self.b - learning_rate * self.db
        # -------------------------------------------------
'''.strip()

UNUSUAL_SOFTMAX = '''
class SoftMax(Layer):
    def __init__(self):
        self.x_out = None

    def forward(self, x_in):
        # ----- add code for task 6a between comments -----
        biggest = x_in.max(axis=-1, keepdims=True)
        log_norm = biggest + np.log(np.exp(x_in - biggest).sum(axis=-1, keepdims=True))
        self.x_out = np.exp(x_in - log_norm)
        # -------------------------------------------------
        return self.x_out

    def backward(self, d_out):
        # ----- add code for task 6d between comments -----
        jacobians = np.einsum("bi,ij->bij", self.x_out, np.eye(self.x_out.shape[1])) \\
            - np.einsum("bi,bj->bij", self.x_out, self.x_out)
        d_in = np.einsum("bij,bi->bj", jacobians, d_out)
        # -------------------------------------------------
        return d_in
'''.strip()

UNUSUAL_TASK5 = '''
# ----- add code for task 5 between comments ------
history_task5 = None  # what train(...) returns for your better network
hidden = 64  # small: my loops are slow
deeper = Network([Linear(input_size, hidden, initial_sigma=0.05), Sigmoid(), Linear(hidden, label_size), Sigmoid()])
history_task5 = train(deeper, MeanSquareError(), 20, 100, 0.01, label="task 5: 784-64-10")
# -------------------------------------------------
'''.strip()

STUDENTS = [
    Student("ada_complete", "every task solved as in the solution notebook"),
    Student("ben_typical_bugs", "dw averaged over the batch (2d), the 1/2 of the cost missing (2b), "
            "softmax over the wrong axis (6a); tasks built on them are not penalised again",
            edits={"linear": [("self.dw += d_out.T @ self.x_in", "self.dw += d_out.T @ self.x_in / len(d_out)")],
                   "mean_square_error": [("cost = 0.5 * (prediction - target) ** 2", "cost = (prediction - target) ** 2")],
                   "softmax": [("np.max(x_in, axis=1, keepdims=True)", "np.max(x_in, axis=0, keepdims=True)"),
                               ("np.sum(exponentials, axis=1, keepdims=True)", "np.sum(exponentials, axis=0, keepdims=True)")]},
            loses=("2d", "2b", "6a")),
    Student("cleo_untouched", "handed in the release as it was", untouched=True,
            loses=("2a", "2b", "2c", "2d", "2e", "2f", "3a", "3b", "4", "5", "6a", "6b", "6c", "6d", "6e")),
    Student("dan_endless_loop", "an endless loop at the top of the task 5 cell",
            edits={"task5_code": [("history_task5 = None  # what train(...) returns for your better network",
                                   "history_task5 = None\nwhile True:  # 'waiting for a better idea'\n    pass")]},
            loses=("5",), flags=("timeout in task5_code",)),
    Student("eve_kills_kernel", "os._exit(1) in the task 2f cell: the kernel dies",
            edits={"task2f_code": [("# ----- add code for task 2f between comments -----",
                                    "# ----- add code for task 2f between comments -----\nimport os\nos._exit(1)")]},
            loses=("2f",), flags=("kernel died in task2f_code",)),
    Student("finn_edits_tests", "dw with the wrong sign (2d), the 2d test cell replaced by a print, "
            "the 2e test cell deleted: both restored for grading; the task 4 log he handed in is made up",
            edits={"linear": [("self.dw += d_out.T @ self.x_in", "self.dw -= d_out.T @ self.x_in")]},
            replace={"task2d_linear_backward": 'print("Task 2d passed: trust me")'},
            delete=("task2e_linear_update",),
            loses=("2d",), flags=("edited test cell task2d_linear_backward", "deleted test cell task2e_linear_update",
                                  "task 4: the handed-in training log contradicts the grading run"),
            invented_log={"task4_code": [(1.952113, 0.871200), (1.413650, 0.902350), (1.180226, 0.915800),
                                         (1.051873, 0.922100), (0.982340, 0.928450)]}),
    Student("gia_unusual", "correct, written unusually: einsum, a loop over samples, rebinding, "
            "softmax through log-sum-exp and an explicit Jacobian; a smaller task-5 network",
            replace={"linear": UNUSUAL_LINEAR, "softmax": UNUSUAL_SOFTMAX, "task5_code": UNUSUAL_TASK5}),
]
