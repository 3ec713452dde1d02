"""A held-out corpus of typical first-attempt mistakes, written independently of the checks
(never tuned on): :func:`mutants.unseen` builds them, ``bench_diagnoses.py --split unseen``
measures them.  They are never part of :func:`mutants.corpus` and never ``dev``.

Each entry: (name, session, owner, method, quantity, kind, source), as :data:`mutants.HANDWRITTEN`.
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

UNSEEN = [
    # ================================================================ Session 5
    # --- sigmoid_function (2a)
    ("sig_negative_branch_minus", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 - e))
"""),
    ("sig_branches_swapped", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, e / (1 + e), 1 / (1 + e))
"""),
    ("sig_positive_branch_only", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    # exp of a non-positive number never overflows
    e = np.exp(-np.abs(x))
    return 1.0 / (1.0 + e)
"""),
    ("sig_tanh_without_half", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    return 0.5 * (1 + np.tanh(x))
"""),
    ("sig_float32", S5, None, "sigmoid_function", "sigmoid", "dtype", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=np.float32)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""),
    ("sig_denominator_only", S5, None, "sigmoid_function", "sigmoid", "reciprocal", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 + e, (1 + e) / e)
"""),
    ("sig_exp_over_one_plus_exp", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    ex = np.exp(x)
    return ex / (1 + ex)
"""),
    ("sig_flat_loop_loses_shape", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    out = []
    for v in np.asarray(x, dtype=float).flat:
        if v >= 0:
            out.append(1 / (1 + np.exp(-v)))
        else:
            out.append(np.exp(v) / (1 + np.exp(v)))
    return np.array(out)
"""),
    ("sig_abs_in_place", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    neg = x < 0
    x[neg] = -x[neg]
    e = np.exp(-x)
    s = 1 / (1 + e)
    s[neg] = e[neg] / (1 + e[neg])
    return s
"""),
    # --- sigmoid_derivative (2b)
    ("der_half_on_input", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    return sigmoid_function(x) * (1 - x)
"""),
    ("der_s_times_s_minus_one", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (s - 1)
"""),
    ("der_denominator_not_squared", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    e = np.exp(-np.abs(x))
    return e / (1 + e)
"""),
    ("der_exp_form_overflows", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    e = np.exp(x)
    return e / (1 + e) ** 2
"""),
    ("der_returns_sigma", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    ds = s * (1 - s)
    return s
"""),
    ("der_one_minus_only", S5, None, "sigmoid_derivative", "derivative", "term_missing", """
def sigmoid_derivative(x):
    return 1 - sigmoid_function(x)
"""),
    # --- forward (2c)
    ("fwd_dot_without_transpose", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = np.dot(x, w) + b
    return sigmoid_function(z)
"""),
    ("fwd_bias_after_sigmoid", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T) + b
"""),
    ("fwd_minus_bias", S5, None, "forward", "forward", "sign", """
def forward(x, w, b):
    z = x @ w.T - b
    return sigmoid_function(z)
"""),
    ("fwd_integer_buffer", S5, None, "forward", "forward", "integer_buffer", """
def forward(x, w, b):
    z = np.zeros((x.shape[0], w.shape[0]), dtype=int)
    for k in range(w.shape[0]):
        z[:, k] = x @ w[k] + b[0, k]
    return sigmoid_function(z)
"""),
    ("fwd_neurons_by_samples", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = w @ x.T + b.T
    return sigmoid_function(z)
"""),
    ("fwd_returns_z", S5, None, "forward", "forward", "wrong_return", """
def forward(x, w, b):
    z = x @ w.T + b
    p = sigmoid_function(z)
    return z
"""),
    # --- mse_gradients (2d)
    ("grad_target_minus_p", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (target - p) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_derivative_of_p", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = (p - target) * sigmoid_derivative(p)
    dw = delta.T @ x
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_one_minus_z", S5, None, "mse_gradients", "delta", "sigmoid_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (p - target) * z * (1 - z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_dw_x_T_delta", S5, None, "mse_gradients", "dw", "transposed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.dot(x.T, delta)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_db_without_keepdims", S5, None, "mse_gradients", "db", "keepdims", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta.sum(axis=0)
    return dw, db
"""),
    ("grad_db_mean", S5, None, "mse_gradients", "db", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta.mean(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_dw_over_batch", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    batch_size = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = (delta.T @ x) / batch_size
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_loop_db_overwritten", S5, None, "mse_gradients", "db", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        z = x[i:i + 1] @ w.T + b
        delta = (sigmoid_function(z) - target[i:i + 1]) * sigmoid_derivative(z)
        dw += delta.T @ x[i:i + 1]
        db = delta
    return dw, db
"""),
    ("grad_factor_two", S5, None, "mse_gradients", "delta", "factor", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = 2 * (p - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_error_without_derivative", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    error = forward(x, w, b) - target
    dw = error.T @ x
    db = error.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_without_bias", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    p = sigmoid_function(np.dot(x, w.T))
    delta = (p - target) * p * (1 - p)
    dw = np.dot(delta.T, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_db_sum_everything", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    grad_z = error * sigmoid_derivative(z)
    dw = grad_z.T @ x
    db = grad_z.sum()
    return dw, db
"""),
    ("grad_dw_per_sample_broadcast", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta[:, :, None] * x[:, None, :]
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_error_squared", S5, None, "mse_gradients", "delta", "power", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) ** 2 * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_mean_over_outputs", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    n_out = w.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z) / n_out
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_with_w_untransposed", S5, None, "mse_gradients", "delta", "transposed", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w) + b
    p = sigmoid_function(z)
    dz = (p - target) * sigmoid_derivative(z)
    return dz.T @ x, dz.sum(axis=0, keepdims=True)
"""),
    ("grad_db_sign", S5, None, "mse_gradients", "db", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    sd = sigmoid_derivative(z)
    dw = ((p - target) * sd).T @ x
    db = np.sum((target - p) * sd, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_dw_without_derivative", S5, None, "mse_gradients", "dw", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (p - target) * sigmoid_derivative(z)
    dw = (p - target).T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    # --- sgd_step (2e)
    ("sgd_uphill", S5, None, "sgd_step", "w", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w + learning_rate * dw
    new_b = b + learning_rate * db
    return new_w, new_b
"""),
    ("sgd_alias_w", S5, None, "sgd_step", "w", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w
    new_w -= learning_rate * dw
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_subtract_out_b", S5, None, "sgd_step", "b", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = np.subtract(w, learning_rate * dw)
    new_b = np.subtract(b, learning_rate * db, out=b)
    return new_w, new_b
"""),
    ("sgd_divides_by_rate", S5, None, "sgd_step", "w", "reciprocal", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - dw / learning_rate
    new_b = b - db / learning_rate
    return new_w, new_b
"""),
    ("sgd_b_not_updated", S5, None, "sgd_step", "b", "not_computed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b.copy()
    return new_w, new_b
"""),
    ("sgd_equals_minus_typo", S5, None, "sgd_step", "w", "term_missing", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w.copy()
    new_w =- learning_rate * dw
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_dw_transposed", S5, None, "sgd_step", "w", "transposed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw.T
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_precedence", S5, None, "sgd_step", "w", "factor", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = (w - dw) * learning_rate
    new_b = b - learning_rate * db
    return new_w, new_b
"""),

    # ================================================================ Session 6
    # --- Linear.forward (2a)
    ("lin_fwd_w_untransposed", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    return x_in @ self.w + self.b
"""),
    ("lin_fwd_stores_output", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = np.dot(x_in, self.w.T) + self.b
    self.x_in = x_out
    return x_out
"""),
    ("lin_fwd_column_layout", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.dot(self.w, x_in.T) + self.b.T
    return x_out
"""),
    ("lin_fwd_minus_bias", S6, "Linear", "forward", "x_out", "sign", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T - self.b
    return x_out
"""),
    ("lin_fwd_sample_loop_overwrites", S6, "Linear", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    self.x_in = x_in
    for i in range(x_in.shape[0]):
        x_out = (self.w @ x_in[i])[None, :] + self.b
    return x_out
"""),
    ("lin_fwd_integer_output", S6, "Linear", "forward", "x_out", "integer_buffer", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.zeros((x_in.shape[0], self.n_out), dtype=int)
    for i in range(x_in.shape[0]):
        x_out[i] = self.w @ x_in[i] + self.b[0]
    return x_out
"""),
    ("lin_fwd_attribute_typo", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    self.x = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    # --- Linear.backward (2d)
    ("lin_bwd_d_in_w_transposed", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    d_in = np.dot(d_out, self.w.T)
    self.dw += np.dot(d_out.T, self.x_in)
    self.db += d_out.sum(axis=0, keepdims=True)
    return d_in
"""),
    ("lin_bwd_assign_not_accumulate", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.dw = np.dot(d_out.T, self.x_in)
    self.db = np.sum(d_out, axis=0, keepdims=True)
    return np.dot(d_out, self.w)
"""),
    ("lin_bwd_db_sum_everything", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out.sum()
    return d_out @ self.w
"""),
    ("lin_bwd_dw_einsum_transposed", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    self.dw += np.einsum('bi,bo->io', self.x_in, d_out)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("lin_bwd_loop_d_in_overwritten", S6, "Linear", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        self.dw += np.outer(d_out[i], self.x_in[i])
        self.db += d_out[i]
        d_in = (d_out[i] @ self.w)[None, :]
    return d_in
"""),
    ("lin_bwd_dw_over_batch", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch = d_out.shape[0]
    self.dw += d_out.T @ self.x_in / batch
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("lin_bwd_passes_d_out_through", S6, "Linear", "backward", "d_in", "not_computed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out
"""),
    ("lin_bwd_dw_descent_sign", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("lin_bwd_d_in_times_x_in", S6, "Linear", "backward", "d_in", "factor", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = (d_out @ self.w) * self.x_in
    return self.d_in
"""),
    ("lin_bwd_column_convention", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    delta = d_out.T
    self.dw += delta @ self.x_in
    self.db += delta.sum(axis=1, keepdims=True).T
    return self.w.T @ delta
"""),
    ("lin_bwd_db_first_row", S6, "Linear", "backward", "db", "not_summed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out[0]
    return d_out @ self.w
"""),
    ("lin_bwd_d_in_negated", S6, "Linear", "backward", "d_in", "sign", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = -d_out @ self.w
    return self.d_in
"""),
    # --- Linear.zero_gradients (2d)
    ("lin_zero_to_ones", S6, "Linear", "zero_gradients", "dw", "not_reset", """
def zero_gradients(self):
    self.dw = np.ones((self.n_out, self.n_in))
    self.db = np.ones((1, self.n_out))
"""),
    ("lin_zero_db_flat", S6, "Linear", "zero_gradients", "db", "shape", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.zeros(self.n_out)
"""),
    ("lin_zero_forgets_db", S6, "Linear", "zero_gradients", "db", "not_reset", """
def zero_gradients(self):
    self.dw = np.zeros_like(self.w)
    if not hasattr(self, "db"):
        self.db = np.zeros_like(self.b)
"""),
    ("lin_zero_dw_transposed", S6, "Linear", "zero_gradients", "dw", "transposed", """
def zero_gradients(self):
    self.dw = np.zeros(self.w.T.shape)
    self.db = np.zeros_like(self.b)
"""),
    # --- Linear.update_parameters (2e)
    ("lin_update_uphill", S6, "Linear", "update_parameters", "w", "sign", """
def update_parameters(self, learning_rate):
    self.w += learning_rate * self.dw
    self.b += learning_rate * self.db
"""),
    ("lin_update_forgets_b", S6, "Linear", "update_parameters", "b", "not_computed", """
def update_parameters(self, learning_rate):
    step = learning_rate * self.dw
    self.w = self.w - step
"""),
    ("lin_update_divides_by_rate", S6, "Linear", "update_parameters", "w", "reciprocal", """
def update_parameters(self, learning_rate):
    self.w = self.w - self.dw / learning_rate
    self.b = self.b - self.db / learning_rate
"""),
    ("lin_update_precedence", S6, "Linear", "update_parameters", "w", "factor", """
def update_parameters(self, learning_rate):
    self.w = (self.w - self.dw) * learning_rate
    self.b -= learning_rate * self.db
"""),
    # --- MeanSquareError.estimate (2b)
    ("mse_est_no_half", S6, "MeanSquareError", "estimate", "estimate", "half_missing", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    return (prediction - target) ** 2
"""),
    ("mse_est_one_number", S6, "MeanSquareError", "estimate", "estimate", "shape", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    return np.mean(0.5 * (prediction - target) ** 2)
"""),
    ("mse_est_absolute", S6, "MeanSquareError", "estimate", "estimate", "power", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    return 0.5 * np.abs(prediction - target)
"""),
    ("mse_est_target_typo", S6, "MeanSquareError", "estimate", "target", "not_stored", """
def estimate(self, target, prediction):
    self.targets = target
    self.prediction = prediction
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_est_difference_in_place", S6, "MeanSquareError", "estimate", "prediction", "in_place", """
def estimate(self, target, prediction):
    self.target = target
    prediction -= target
    self.prediction = prediction + target
    return 0.5 * prediction ** 2
"""),
    ("mse_est_half_inside_square", S6, "MeanSquareError", "estimate", "estimate", "factor", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    return (0.5 * (prediction - target)) ** 2
"""),
    # --- MeanSquareError.gradient (2c)
    ("mse_grad_target_minus_prediction", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    return self.target - self.prediction
"""),
    ("mse_grad_two_times", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    diff = self.prediction - self.target
    return 2 * diff
"""),
    ("mse_grad_over_batch", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    batch_size = self.prediction.shape[0]
    return (self.prediction - self.target) / batch_size
"""),
    ("mse_grad_with_sigmoid_factor", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    p = self.prediction
    return (p - self.target) * p * (1 - p)
"""),
    ("mse_grad_in_place", S6, "MeanSquareError", "gradient", "prediction", "in_place", """
def gradient(self, cost):
    self.prediction -= self.target
    return self.prediction
"""),
    # --- Network (3a)
    ("net_fwd_reversed", S6, "Network", "forward", "forward", "order", """
def forward(self, x_in):
    x = x_in
    for layer in self.layers[::-1]:
        x = layer.forward(x)
    return x
"""),
    ("net_fwd_returns_input", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    x = x_in
    for layer in self.layers:
        x = layer.forward(x)
    return x_in
"""),
    ("net_fwd_skips_last", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    for i in range(len(self.layers) - 1):
        x_in = self.layers[i].forward(x_in)
    return x_in
"""),
    ("net_bwd_not_reversed", S6, "Network", "backward", "backward", "order", """
def backward(self, d_out):
    for layer in self.layers:
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("net_bwd_not_chained", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in reversed(self.layers):
        grad = layer.backward(d_out)
    return grad
"""),
    ("net_bwd_returns_d_out", S6, "Network", "backward", "backward", "wrong_return", """
def backward(self, d_out):
    g = d_out
    for layer in reversed(self.layers):
        g = layer.backward(g)
    return d_out
"""),
    ("net_bwd_skips_first", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for layer in reversed(self.layers[1:]):
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("net_zero_no_parentheses", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        layer.zero_gradients
"""),
    ("net_zero_dw_by_hand", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        if hasattr(layer, "dw"):
            layer.dw = np.zeros_like(layer.dw)
"""),
    ("net_update_dedented", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        pass
    layer.update_parameters(learning_rate)
"""),
    ("net_update_first_only", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    self.layers[0].update_parameters(learning_rate)
"""),
    # --- SoftMax.forward (6a)
    ("smx_fwd_no_shift", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    e = np.exp(x_in)
    self.x_out = e / e.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_normalised_per_class", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    e = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = e / np.sum(e, axis=0, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_sum_without_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    e = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = e / np.sum(e, axis=1)
    return self.x_out
"""),
    ("smx_fwd_shift_by_column_max", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    shifted = x_in - x_in.max(axis=0)
    e = np.exp(shifted)
    self.x_out = e / e.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_shift_in_place", S6, "SoftMax", "forward", "x_in", "in_place", """
def forward(self, x_in):
    x_in -= x_in.max(axis=1, keepdims=True)
    e = np.exp(x_in)
    self.x_out = e / e.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_row_loop_overwrites", S6, "SoftMax", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    for row in x_in:
        e = np.exp(row - np.max(row))
        out = e / np.sum(e)
    self.x_out = out
    return self.x_out
"""),
    ("smx_fwd_plus_max", S6, "SoftMax", "forward", "x_out", "sign", """
def forward(self, x_in):
    e = np.exp(x_in + np.max(x_in, axis=1, keepdims=True))
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_divides_by_max", S6, "SoftMax", "forward", "x_out", "not_summed", """
def forward(self, x_in):
    e = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = e / np.max(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_stores_exponentials", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    e = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = e
    return e / np.sum(e, axis=1, keepdims=True)
"""),
    # --- SoftMax.backward (6d)
    ("smx_bwd_sum_without_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    s = self.x_out
    return s * (d_out - np.sum(d_out * s, axis=1))
"""),
    ("smx_bwd_sum_over_batch", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    s = self.x_out
    dot = (d_out * s).sum(0, keepdims=True)
    return s * (d_out - dot)
"""),
    ("smx_bwd_reversed_difference", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    s = self.x_out
    return s * (np.sum(d_out * s, axis=1, keepdims=True) - d_out)
"""),
    ("smx_bwd_no_outer_factor", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    d_in = d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
    return d_in
"""),
    ("smx_bwd_jacobian_loop_overwrites", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        p = self.x_out[i]
        jacobian = np.diag(p) - np.outer(p, p)
        d_in = (jacobian @ d_out[i])[None, :]
    return d_in
"""),
    ("smx_bwd_mean_not_sum", S6, "SoftMax", "backward", "d_in", "averaged", """
def backward(self, d_out):
    s = self.x_out
    return s * (d_out - np.mean(d_out * s, axis=1, keepdims=True))
"""),
    ("smx_bwd_d_out_in_place", S6, "SoftMax", "backward", "d_out", "in_place", """
def backward(self, d_out):
    d_out -= np.sum(d_out * self.x_out, axis=1, keepdims=True)
    return self.x_out * d_out
"""),
    ("smx_bwd_integer_buffer", S6, "SoftMax", "backward", "d_in", "integer_buffer", """
def backward(self, d_out):
    d_in = np.zeros(d_out.shape, dtype=int)
    for i in range(d_out.shape[0]):
        p = self.x_out[i]
        d_in[i] = (np.diag(p) - np.outer(p, p)) @ d_out[i]
    return d_in
"""),
    # --- CrossEntropy.estimate (6b)
    ("ce_est_no_eps", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    return -np.sum(target * np.log(x_in), axis=1)
"""),
    ("ce_est_sum_whole_batch", S6, "CrossEntropy", "estimate", "estimate", "axis", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    total = 0.0
    for i in range(len(target)):
        total -= np.sum(target[i] * np.log(x_in[i] + self.eps))
    return total
"""),
    ("ce_est_log10", S6, "CrossEntropy", "estimate", "estimate", "factor", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    return -np.sum(target * np.log10(x_in + self.eps), axis=1)
"""),
    ("ce_est_mean_over_classes", S6, "CrossEntropy", "estimate", "estimate", "averaged", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    return -np.mean(target * np.log(x_in + self.eps), axis=1)
"""),
    ("ce_est_eps_outside_log", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    return -np.sum(target * np.log(x_in) + self.eps, axis=1)
"""),
    # --- CrossEntropy.gradient (6c)
    ("ce_grad_no_minus", S6, "CrossEntropy", "gradient", "gradient", "sign", """
def gradient(self, d_out):
    return self.target / (self.x_in + self.eps)
"""),
    ("ce_grad_over_batch", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    n = len(self.x_in)
    return -self.target / (self.x_in + self.eps) / n
"""),
    ("ce_grad_times_not_divided", S6, "CrossEntropy", "gradient", "gradient", "reciprocal", """
def gradient(self, d_out):
    return -self.target * (self.x_in + self.eps)
"""),
    ("ce_grad_target_dropped", S6, "CrossEntropy", "gradient", "gradient", "term_missing", """
def gradient(self, d_out):
    return -1.0 / (self.x_in + self.eps)
"""),
    ("ce_grad_cached", S6, "CrossEntropy", "gradient", "gradient", "stale_state", """
def gradient(self, d_out):
    if getattr(self, "grad", None) is None:
        self.grad = -self.target / (self.x_in + self.eps)
    return self.grad
"""),
]
