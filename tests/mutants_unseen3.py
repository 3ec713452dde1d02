"""A third held-out corpus of typical first-attempt mistakes, written independently of the checks
and of the other corpora (never tuned on).

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

UNSEEN3 = [
    # --- sigmoid_function (2a)
    ("sig_exp_ratio_overflows", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    ex = np.exp(x)
    return ex / (1 + ex)
"""),
    ("sig_where_evaluates_both_branches", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
"""),
    ("sig_branches_swapped", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x < 0, 1 / (1 + e), e / (1 + e))
"""),
    ("sig_one_minus_for_negatives", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    s = 1.0 / (1.0 + np.exp(-np.abs(x)))  # sigma(|x|) never overflows
    return np.where(x >= 0, s, 1.0 - s)
"""),
    ("sig_loop_returns_flat_list", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    out = []
    for v in np.ravel(x):
        if v >= 0:
            out.append(1 / (1 + np.exp(-v)))
        else:
            out.append(np.exp(v) / (1 + np.exp(v)))
    return np.array(out)
"""),
    ("sig_zeros_like_keeps_int_dtype", S5, None, "sigmoid_function", "sigmoid", "integer_buffer", """
def sigmoid_function(x):
    x = np.asarray(x)
    out = np.zeros_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
"""),
    ("sig_writes_result_into_input", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    pos = x >= 0
    neg = ~pos
    e = np.exp(x[neg])
    x[pos] = 1 / (1 + np.exp(-x[pos]))
    x[neg] = e / (1 + e)
    return x
"""),
    ("sig_exponent_sign_flipped", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    return 1.0 / (1.0 + np.exp(x))
"""),
    ("sig_python_if_on_array", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    import math
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
"""),
    ("sig_one_branch_for_whole_array", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    if np.all(x >= 0):
        return 1 / (1 + np.exp(-x))
    e = np.exp(x)
    return e / (1 + e)
"""),
    ("sig_float32_input", S5, None, "sigmoid_function", "sigmoid", "dtype", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=np.float32)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""),
    ("sig_abs_forgotten_in_exp", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-x)
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""),

    # --- sigmoid_derivative (2b)
    ("sigd_treats_input_as_output", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    return x * (1 - x)
"""),
    ("sigd_factor_reversed", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (s - 1)
"""),
    ("sigd_exp_quotient", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    e = np.exp(-x)
    return e / (1 + e) ** 2
"""),
    ("sigd_sigma_squared_times_exp", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    return sigmoid_function(x) ** 2 * np.exp(-x)
"""),
    ("sigd_overwrites_input", S5, None, "sigmoid_derivative", "x", "in_place", """
def sigmoid_derivative(x):
    x[...] = sigmoid_function(x)
    return x * (1 - x)
"""),
    ("sigd_only_one_minus_sigma", S5, None, "sigmoid_derivative", "derivative", "term_missing", """
def sigmoid_derivative(x):
    return 1 - sigmoid_function(x)
"""),
    ("sigd_float32", S5, None, "sigmoid_derivative", "derivative", "dtype", """
def sigmoid_derivative(x):
    s = sigmoid_function(x).astype(np.float32)
    return s * (1 - s)
"""),
    ("sigd_sigma_squared", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s ** 2 * (1 - s)
"""),

    # --- forward (2c)
    ("fwd_dot_without_transpose", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    return sigmoid_function(np.dot(x, w) + b)
"""),
    ("fwd_einsum_neurons_first", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = np.einsum('kj,bj->kb', w, x) + b.T
    return sigmoid_function(z)
"""),
    ("fwd_bias_forgotten", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    z = x @ w.T
    return sigmoid_function(z)
"""),
    ("fwd_sigmoid_forgotten", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    return np.dot(x, w.T) + b
"""),
    ("fwd_loop_keeps_last_sample", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    for i in range(x.shape[0]):
        p = sigmoid_function(w @ x[i] + b)
    return p
"""),
    ("fwd_broadcast_sum_wrong_axis", S5, None, "forward", "forward", "axis", """
def forward(x, w, b):
    z = np.sum(x[:, np.newaxis, :] * w[np.newaxis, :, :], axis=1) + b
    return sigmoid_function(z)
"""),
    ("fwd_bias_as_threshold", S5, None, "forward", "forward", "sign", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T - b)
"""),
    ("fwd_float32_matmul", S5, None, "forward", "forward", "dtype", """
def forward(x, w, b):
    z = x.astype(np.float32) @ w.T.astype(np.float32) + b
    return sigmoid_function(z)
"""),
    ("fwd_own_unstable_sigmoid", S5, None, "forward", "forward", "overflow", """
def forward(x, w, b):
    z = x @ w.T + b
    return 1.0 / (1.0 + np.exp(-z))
"""),
    ("fwd_returns_z_as_well", S5, None, "forward", "forward", "wrong_return", """
def forward(x, w, b):
    z = x @ w.T + b
    p = sigmoid_function(z)
    return z, p
"""),

    # --- mse_gradients (2d)
    ("mseg_no_sigmoid_derivative", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_target_minus_prediction", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (target - sigmoid_function(z)) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_dw_inputs_first", S5, None, "mse_gradients", "dw", "transposed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = x.T @ delta
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_db_flat", S5, None, "mse_gradients", "db", "keepdims", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0)
    return dw, db
"""),
    ("mseg_db_summed_over_neurons", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=1, keepdims=True)
    return dw, db
"""),
    ("mseg_db_grand_total", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta.sum()
    return dw, db
"""),
    ("mseg_both_batch_means", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    n = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x / n
    db = np.mean(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_dw_divided_by_batch", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.dot(delta.T, x) / len(x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_db_mean", S5, None, "mse_gradients", "db", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta.mean(axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_factor_two", S5, None, "mse_gradients", "delta", "half_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = 2 * (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_z_without_bias", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_prediction_is_z", S5, None, "mse_gradients", "delta", "sigmoid_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (z - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_loop_assigns_per_sample", S5, None, "mse_gradients", "delta", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        z = w @ x[i] + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw = np.outer(d, x[i])
        db = d[np.newaxis, :]
    return dw, db
"""),
    ("mseg_db_loop_assigns_row", S5, None, "mse_gradients", "db", "overwritten", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.zeros_like(b)
    for i in range(delta.shape[0]):
        db[0] = delta[i]
    return dw, db
"""),
    ("mseg_einsum_keeps_batch_axis", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum('bk,bj->bkj', delta, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_error_squared", S5, None, "mse_gradients", "delta", "power", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) ** 2 * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_dw_uses_raw_error", S5, None, "mse_gradients", "dw", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    delta = error * sigmoid_derivative(z)
    dw = error.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_db_uses_raw_error", S5, None, "mse_gradients", "db", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    dw = (error * sigmoid_derivative(z)).T @ x
    db = np.sum(error, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_subtracts_into_target", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    target -= sigmoid_function(z)  # target now holds t - p
    delta = -target * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_float32_preactivation", S5, None, "mse_gradients", "delta", "dtype", """
def mse_gradients(x, w, b, target):
    z = (x @ w.T + b).astype(np.float32)
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_accumulates_between_calls", S5, None, "mse_gradients", "delta", "accumulating", """
def mse_gradients(x, w, b, target, _running={}):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    _running['dw'] = _running.get('dw', 0) + delta.T @ x
    _running['db'] = _running.get('db', 0) + np.sum(delta, axis=0, keepdims=True)
    dw, db = _running['dw'], _running['db']
    return dw, db
"""),
    ("mseg_exp_formula_derivative", S5, None, "mse_gradients", "delta", "overflow", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (p - target) * np.exp(-z) / (1 + np.exp(-z)) ** 2
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_row_loop_sums_everything", S5, None, "mse_gradients", "dw", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.zeros_like(w)
    for k in range(w.shape[0]):
        dw[k, :] = np.sum(delta[:, k:k + 1] * x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),

    # --- sgd_step (2e)
    ("sgd_subtracts_in_place", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    w -= learning_rate * dw
    b -= learning_rate * db
    new_w, new_b = w, b
    return new_w, new_b
"""),
    ("sgd_bias_alias_then_in_place", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b
    new_b -= learning_rate * db
    return new_w, new_b
"""),
    ("sgd_bias_not_moved", S5, None, "sgd_step", "b", "bias_missing", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b.copy()
    return new_w, new_b
"""),
    ("sgd_bias_step_without_rate", S5, None, "sgd_step", "b", "term_missing", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b - db
    return new_w, new_b
"""),
    ("sgd_returns_b_then_w", S5, None, "sgd_step", "w", "wrong_return", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b - learning_rate * db
    return new_b, new_w
"""),
    ("sgd_gradient_ascent", S5, None, "sgd_step", "w", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w + learning_rate * dw
    new_b = b + learning_rate * db
    return new_w, new_b
"""),
    ("sgd_divides_by_rate", S5, None, "sgd_step", "w", "reciprocal", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - dw / learning_rate
    new_b = b - db / learning_rate
    return new_w, new_b
"""),
    ("sgd_float32_weights", S5, None, "sgd_step", "w", "dtype", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = np.float32(w - learning_rate * dw)
    new_b = b - learning_rate * db
    return new_w, new_b
"""),

    # --- Linear.forward (2a)
    ("lin_fwd_weights_first", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = self.w @ x_in.T + self.b.T
    return x_out
"""),
    ("lin_fwd_bias_as_column", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.dot(x_in, self.w.T) + self.b.T
    return x_out
"""),
    ("lin_fwd_input_not_kept", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("lin_fwd_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T
    return x_out
"""),
    ("lin_fwd_bias_subtracted", S6, "Linear", "forward", "x_out", "sign", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T - self.b
    return x_out
"""),
    ("lin_fwd_stores_first_batch_only", S6, "Linear", "forward", "x_in", "stale_state", """
def forward(self, x_in):
    if self.x_in is None:
        self.x_in = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("lin_fwd_loop_keeps_last", S6, "Linear", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    self.x_in = x_in
    for i in range(x_in.shape[0]):
        x_out = self.w @ x_in[i] + self.b
    return x_out
"""),
    ("lin_fwd_float32", S6, "Linear", "forward", "x_out", "dtype", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = (x_in @ self.w.T + self.b).astype(np.float32)
    return x_out
"""),

    # --- Linear.backward (2d)
    ("lin_bwd_dw_assigned", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.dw = d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_assigned", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_inputs_first", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    self.dw += self.x_in.T @ d_out
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_with_w_transposed", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = np.dot(d_out, self.w.T)
    return self.d_in
"""),
    ("lin_bwd_d_in_local_variable", S6, "Linear", "backward", "d_in", "not_stored", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_returns_none_like_s5", S6, "Linear", "backward", "d_in", "wrong_return", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return None  # nothing comes before this layer
"""),
    ("lin_bwd_db_over_outputs", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=1, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_sum_of_everything", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out.sum()
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_batch_mean", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch_size = d_out.shape[0]
    self.dw += d_out.T @ self.x_in / batch_size
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_batch_mean", S6, "Linear", "backward", "db", "averaged", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.mean(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_negated", S6, "Linear", "backward", "d_in", "sign", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = -d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_times_sigmoid_derivative", S6, "Linear", "backward", "d_in", "combined", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = (d_out @ self.w) * sigmoid_derivative(self.x_in)
    return self.d_in
"""),
    ("lin_bwd_sample_loop_keeps_last", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        dw_sample = np.outer(d_out[i], self.x_in[i])
    self.dw += dw_sample
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_einsum_per_sample_dw", S6, "Linear", "backward", "dw", "not_summed", """
def backward(self, d_out):
    self.dw = self.dw + np.einsum('bo,bi->boi', d_out, self.x_in)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_collects_d_in_in_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.dx = np.concatenate([self.dx, d_out @ self.w], axis=0)
    self.d_in = self.dx
    return self.d_in
"""),
    ("lin_bwd_d_in_batch_mean", S6, "Linear", "backward", "d_in", "averaged", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w / d_out.shape[0]
    return self.d_in
"""),
    ("lin_bwd_dw_float32", S6, "Linear", "backward", "dw", "dtype", """
def backward(self, d_out):
    self.dw += np.float32(d_out.T) @ np.float32(self.x_in)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_zeroes_before_adding", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.zero_gradients()
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_subtracted", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_forgotten", S6, "Linear", "backward", "db", "not_computed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.d_in = d_out @ self.w
    return self.d_in
"""),

    # --- Linear.zero_gradients
    ("lin_zero_db_line_dropped", S6, "Linear", "zero_gradients", "db", "not_reset", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_sets_none", S6, "Linear", "zero_gradients", "dw", "cleared", """
def zero_gradients(self):
    self.dw = None
    self.db = None
    self.dx = None
"""),
    ("lin_zero_plain_scalars", S6, "Linear", "zero_gradients", "dw", "shape", """
def zero_gradients(self):
    self.dw = 0.0
    self.db = 0.0
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_dw_in_by_out", S6, "Linear", "zero_gradients", "dw", "transposed", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_in, self.n_out))
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),

    # --- Linear.update_parameters (2e)
    ("lin_upd_ascent", S6, "Linear", "update_parameters", "w", "sign", """
def update_parameters(self, learning_rate):
    self.w += learning_rate * self.dw
    self.b += learning_rate * self.db
"""),
    ("lin_upd_bias_forgotten", S6, "Linear", "update_parameters", "b", "bias_missing", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
"""),
    ("lin_upd_bias_without_rate", S6, "Linear", "update_parameters", "b", "term_missing", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
    self.b -= self.db
"""),
    ("lin_upd_divides_by_rate", S6, "Linear", "update_parameters", "w", "reciprocal", """
def update_parameters(self, learning_rate):
    self.w = self.w - self.dw / learning_rate
    self.b = self.b - self.db / learning_rate
"""),
    ("lin_upd_equals_minus_typo", S6, "Linear", "update_parameters", "w", "overwritten", """
def update_parameters(self, learning_rate):
    self.w =- learning_rate * self.dw
    self.b =- learning_rate * self.db
"""),
    ("lin_upd_gradient_transposed", S6, "Linear", "update_parameters", "w", "transposed", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw.T
    self.b -= learning_rate * self.db
"""),

    # --- MeanSquareError.estimate (2b)
    ("mse_est_half_missing", S6, "MeanSquareError", "estimate", "estimate", "half_missing", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = (prediction - target) ** 2
    return cost
"""),
    ("mse_est_one_number", S6, "MeanSquareError", "estimate", "estimate", "summed", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.sum((prediction - target) ** 2)
    return cost
"""),
    ("mse_est_mean_per_sample", S6, "MeanSquareError", "estimate", "estimate", "averaged", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = np.mean(0.5 * (prediction - target) ** 2, axis=1)
    return cost
"""),
    ("mse_est_prediction_not_kept", S6, "MeanSquareError", "estimate", "prediction", "not_stored", """
def estimate(self, target, prediction):
    self.target = target
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_est_target_not_kept", S6, "MeanSquareError", "estimate", "target", "not_stored", """
def estimate(self, target, prediction):
    self.prediction = prediction
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_est_absolute_error", S6, "MeanSquareError", "estimate", "estimate", "power", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.abs(prediction - target)
    return cost
"""),
    ("mse_est_subtracts_in_place", S6, "MeanSquareError", "estimate", "prediction", "in_place", """
def estimate(self, target, prediction):
    self.target = target
    prediction -= target
    self.prediction = prediction
    cost = 0.5 * prediction ** 2
    return cost
"""),

    # --- MeanSquareError.gradient (2c)
    ("mse_grad_target_minus_prediction", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    gradient = self.target - self.prediction
    return gradient
"""),
    ("mse_grad_times_two", S6, "MeanSquareError", "gradient", "gradient", "half_missing", """
def gradient(self, cost):
    gradient = 2 * (self.prediction - self.target)
    return gradient
"""),
    ("mse_grad_keeps_the_half", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    gradient = 0.5 * (self.prediction - self.target)
    return gradient
"""),
    ("mse_grad_batch_mean", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    gradient = (self.prediction - self.target) / self.prediction.shape[0]
    return gradient
"""),
    ("mse_grad_sqrt_of_cost", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    gradient = np.sqrt(2 * cost)
    return gradient
"""),
    ("mse_grad_includes_sigmoid", S6, "MeanSquareError", "gradient", "gradient", "combined", """
def gradient(self, cost):
    p = self.prediction
    gradient = (p - self.target) * p * (1 - p)
    return gradient
"""),
    ("mse_grad_alias_in_place", S6, "MeanSquareError", "gradient", "prediction", "in_place", """
def gradient(self, cost):
    gradient = self.prediction
    gradient -= self.target
    return gradient
"""),
    ("mse_grad_returns_cost", S6, "MeanSquareError", "gradient", "gradient", "wrong_return", """
def gradient(self, cost):
    gradient = cost
    return gradient
"""),

    # --- Network (3a)
    ("net_fwd_same_input_to_all", S6, "Network", "forward", "forward", "not_chained", """
def forward(self, x_in):
    for layer in self.layers:
        x_out = layer.forward(x_in)
    return x_out
"""),
    ("net_fwd_reversed", S6, "Network", "forward", "forward", "order", """
def forward(self, x_in):
    for layer in reversed(self.layers):
        x_in = layer.forward(x_in)
    return x_in
"""),
    ("net_fwd_no_return", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    for layer in self.layers:
        x_in = layer.forward(x_in)
"""),
    ("net_fwd_return_inside_loop", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    for layer in self.layers:
        x_in = layer.forward(x_in)
        return x_in
"""),
    ("net_bwd_forward_order", S6, "Network", "backward", "backward", "order", """
def backward(self, d_out):
    for layer in self.layers:
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("net_bwd_same_gradient_to_all", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in reversed(self.layers):
        d_in = layer.backward(d_out)
    return d_in
"""),
    ("net_bwd_skips_first_layer", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for layer in reversed(self.layers[1:]):
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("net_bwd_reverses_list_in_place", S6, "Network", "backward", "backward", "in_place", """
def backward(self, d_out):
    self.layers.reverse()
    for layer in self.layers:
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("net_zero_missing_parentheses", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        layer.zero_gradients
"""),
    ("net_zero_first_layer_only", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    self.layers[0].zero_gradients()
"""),
    ("net_upd_skips_first_layer", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers[1:]:
        layer.update_parameters(learning_rate)
"""),
    ("net_upd_rate_shared_between_layers", S6, "Network", "update_parameters", "update_parameters", "factor", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        layer.update_parameters(learning_rate / len(self.layers))
"""),

    # --- SoftMax.forward (6a)
    ("sm_fwd_no_max_shift", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_normalised_over_batch", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_sum_without_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=1)
    return self.x_out
"""),
    ("sm_fwd_normalised_by_grand_total", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - x_in.max(axis=1, keepdims=True))
    self.x_out = exponentials / exponentials.sum()
    return self.x_out
"""),
    ("sm_fwd_global_max_shift", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in))
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_output_not_kept", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return x_out
"""),
    ("sm_fwd_shift_in_place", S6, "SoftMax", "forward", "x", "in_place", """
def forward(self, x_in):
    x_in -= np.max(x_in, axis=1, keepdims=True)
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_exp_forgotten", S6, "SoftMax", "forward", "x_out", "exp_missing", """
def forward(self, x_in):
    shifted = x_in - np.max(x_in, axis=1, keepdims=True)
    self.x_out = shifted / np.sum(shifted, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_row_loop_overwrites", S6, "SoftMax", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    for row in x_in:
        e = np.exp(row - row.max())
        self.x_out = e / e.sum()
    return self.x_out
"""),

    # --- SoftMax.backward (6d)
    ("sm_bwd_diagonal_only", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    s = self.x_out
    d_in = d_out * s * (1 - s)
    return d_in
"""),
    ("sm_bwd_pass_through", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    # the cross-entropy gradient already is s - t
    d_in = d_out
    return d_in
"""),
    ("sm_bwd_sum_without_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1))
    return d_in
"""),
    ("sm_bwd_sum_over_batch", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=0, keepdims=True))
    return d_in
"""),
    ("sm_bwd_sign_swapped", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    s = self.x_out
    d_in = s * (np.sum(d_out * s, axis=1, keepdims=True) - d_out)
    return d_in
"""),
    ("sm_bwd_jacobian_dot_not_outer", S6, "SoftMax", "backward", "d_in", "shape", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - np.dot(s, s)
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("sm_bwd_jacobian_loop_overwrites", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - np.outer(s, s)
        d_in = jacobian @ d_out[i]
    return d_in
"""),
    ("sm_bwd_einsum_wrong_index", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    s = self.x_out
    n = s.shape[1]
    jacobian = np.einsum('bi,ij->bij', s, np.eye(n)) - np.einsum('bi,bj->bij', s, s)
    d_in = np.einsum('bij,bj->bj', jacobian, d_out)
    return d_in
"""),
    ("sm_bwd_bracket_slip", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    d_in = self.x_out * d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
    return d_in
"""),
    ("sm_bwd_modifies_d_out", S6, "SoftMax", "backward", "d_out", "in_place", """
def backward(self, d_out):
    d_out -= np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * d_out
    return d_in
"""),
    ("sm_bwd_multiplies_into_x_out", S6, "SoftMax", "backward", "x_out", "in_place", """
def backward(self, d_out):
    self.x_out *= d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out
    return d_in
"""),

    # --- CrossEntropy.estimate (6b)
    ("ce_est_log_without_eps", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in), axis=1)
    return cost
"""),
    ("ce_est_eps_outside_log", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * (np.log(x_in) + self.eps), axis=1)
    return cost
"""),
    ("ce_est_per_class", S6, "CrossEntropy", "estimate", "estimate", "not_summed", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -target * np.log(x_in + self.eps)
    return cost
"""),
    ("ce_est_sum_over_batch", S6, "CrossEntropy", "estimate", "estimate", "axis", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=0)
    return cost
"""),
    ("ce_est_batch_total", S6, "CrossEntropy", "estimate", "estimate", "summed", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps))
    return cost
"""),
    ("ce_est_minus_forgotten", S6, "CrossEntropy", "estimate", "estimate", "sign", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = np.sum(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),
    ("ce_est_log_forgotten", S6, "CrossEntropy", "estimate", "estimate", "log_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * (x_in + self.eps), axis=1)
    return cost
"""),
    ("ce_est_prediction_not_kept", S6, "CrossEntropy", "estimate", "prediction", "not_stored", """
def estimate(self, target, x_in):
    self.target = target
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),

    # --- CrossEntropy.gradient (6c)
    ("ce_grad_no_eps", S6, "CrossEntropy", "gradient", "gradient", "eps_missing", """
def gradient(self, d_out):
    gradient = -self.target / self.x_in
    return gradient
"""),
    ("ce_grad_minus_forgotten", S6, "CrossEntropy", "gradient", "gradient", "sign", """
def gradient(self, d_out):
    gradient = self.target / (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_softmax_shortcut", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    gradient = self.x_in - self.target
    return gradient
"""),
    ("ce_grad_batch_mean", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    batch_size = self.target.shape[0]
    gradient = -self.target / (self.x_in + self.eps) / batch_size
    return gradient
"""),
    ("ce_grad_summed_over_classes", S6, "CrossEntropy", "gradient", "gradient", "summed", """
def gradient(self, d_out):
    gradient = -np.sum(self.target / (self.x_in + self.eps), axis=1, keepdims=True)
    return gradient
"""),
    ("ce_grad_eps_added_in_place", S6, "CrossEntropy", "gradient", "prediction", "in_place", """
def gradient(self, d_out):
    self.x_in += self.eps
    gradient = -self.target / self.x_in
    return gradient
"""),
    ("ce_grad_squared_denominator", S6, "CrossEntropy", "gradient", "gradient", "power", """
def gradient(self, d_out):
    gradient = -self.target / (self.x_in + self.eps) ** 2
    return gradient
"""),
    ("ce_grad_upside_down", S6, "CrossEntropy", "gradient", "gradient", "reciprocal", """
def gradient(self, d_out):
    gradient = -self.x_in / (self.target + self.eps)
    return gradient
"""),
]
