"""A second held-out corpus of typical first-attempt mistakes, written independently of the checks
and of the other corpora (never tuned on): :func:`mutants.unseen2` builds them,
``bench_diagnoses.py --split unseen2`` measures them.  Never part of :func:`mutants.corpus`, never ``dev``.

Each entry: (name, session, owner, method, quantity, kind, source), as :data:`mutants.HANDWRITTEN`.
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

UNSEEN2 = [
    # ================================================================ Session 5
    # --- sigmoid_function (2a)
    ("sig_textbook", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-x))
"""),
    ("sig_exp_over_one_plus_exp", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    numerator = np.exp(x)
    denominator = numerator + 1.0
    return numerator / denominator
"""),
    ("sig_where_both_naive", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.array(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
"""),
    ("sig_one_minus_for_negative", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    s = 1.0 / (1.0 + np.exp(-np.abs(x)))
    return np.where(x >= 0, s, 1.0 - s)
"""),
    ("sig_clipped_input", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.clip(x, -30, 30)
    return 1 / (1 + np.exp(-x))
"""),
    ("sig_tanh_no_half", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    t = np.tanh(np.asarray(x, dtype=float))
    return (t + 1) / 2
"""),
    ("sig_abs_in_place", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    negative = x < 0
    np.abs(x, out=x)
    e = np.exp(-x)
    result = 1 / (1 + e)
    result[negative] = e[negative] * result[negative]
    return result
"""),
    ("sig_math_scalar_only", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    import math
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    return math.exp(x) / (1 + math.exp(x))
"""),
    ("sig_flat_loop_no_reshape", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    import math
    values = []
    for v in np.ravel(x):
        if v >= 0:
            values.append(1 / (1 + math.exp(-v)))
        else:
            values.append(math.exp(v) / (1 + math.exp(v)))
    return np.array(values)
"""),
    # --- sigmoid_derivative (2b)
    ("der_of_input", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return x * (1 - x)
"""),
    ("der_plus", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (1 + s)
"""),
    ("der_exp_formula", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2
"""),
    ("der_one_minus_only", S5, None, "sigmoid_derivative", "derivative", "term_missing", """
def sigmoid_derivative(x):
    sig = sigmoid_function(x)
    deriv = 1.0 - sig
    return deriv
"""),
    ("der_sigma_of_minus_x", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    t = sigmoid_function(-x)
    return s * (1 - t)
"""),
    ("der_returns_pair", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    sig = sigmoid_function(x)
    return (sig * (1.0 - sig), sig)
"""),
    ("der_float32", S5, None, "sigmoid_derivative", "derivative", "dtype", """
def sigmoid_derivative(x):
    s = sigmoid_function(x).astype(np.float32)
    return s * (1 - s)
"""),
    ("der_squared", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s ** 2 * (1 - s)
"""),
    # --- forward (2c)
    ("fwd_no_transpose", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = np.dot(x, w) + b
    p = sigmoid_function(z)
    return p
"""),
    ("fwd_weights_first", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = np.dot(w, x.T) + b.T
    return sigmoid_function(z)
"""),
    ("fwd_bias_after_sigmoid", S5, None, "forward", "forward", "reordered", """
def forward(x, w, b):
    a = sigmoid_function(np.dot(x, w.T))
    return a + b
"""),
    ("fwd_no_bias", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    z = np.dot(x, w.T)
    return sigmoid_function(z)
"""),
    ("fwd_minus_bias", S5, None, "forward", "forward", "sign", """
def forward(x, w, b):
    return sigmoid_function(np.dot(x, w.T) - b)
"""),
    ("fwd_logits", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    z = x @ w.T + b
    return z
"""),
    ("fwd_loop_overwrites", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    n = len(x)
    for i in range(n):
        z = x[i:i + 1] @ w.T + b
        p = sigmoid_function(z)
    return p
"""),
    ("fwd_bias_transposed", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T + b.T)
"""),
    ("fwd_broadcast_wrong_axis", S5, None, "forward", "forward", "axis", """
def forward(x, w, b):
    z = np.sum(x[:, None, :] * w[None, :, :], axis=1) + b
    return sigmoid_function(z)
"""),
    # --- mse_gradients (2d)
    ("grad_no_sigma_prime", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_sigma_prime_of_p", S5, None, "mse_gradients", "delta", "reordered", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    dp = sigmoid_derivative(p)
    delta = (p - target) * dp
    dw = np.dot(delta.T, x)
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_dw_x_first", S5, None, "mse_gradients", "dw", "transposed", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = (p - target) * sigmoid_derivative(x @ w.T + b)
    dw = np.dot(x.T, delta)
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_db_mean", S5, None, "mse_gradients", "db", "averaged", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T) + b
    error = sigmoid_function(z) - target
    delta = error * sigmoid_derivative(z)
    dw = np.dot(delta.T, x)
    db = np.sum(delta, axis=0, keepdims=True) / x.shape[0]
    return dw, db
"""),
    ("grad_db_axis1", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T) + b
    p = sigmoid_function(z)
    delta = (p - target) * sigmoid_derivative(z)
    dw = delta.T.dot(x)
    db = delta.sum(axis=-1, keepdims=True)
    return dw, db
"""),
    ("grad_db_flat", S5, None, "mse_gradients", "db", "keepdims", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T) + b
    p = sigmoid_function(z)
    delta = (p - target) * sigmoid_derivative(z)
    dw = delta.T.dot(x)
    db = delta.sum(0)
    return dw, db
"""),
    ("grad_target_minus_p", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (target - p) * sigmoid_derivative(z)
    return delta.T @ x, delta.sum(axis=0, keepdims=True)
"""),
    ("grad_times_two", S5, None, "mse_gradients", "delta", "factor", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    dL_dp = 2 * (p - target)
    dL_dz = dL_dp * sigmoid_derivative(z)
    dw = dL_dz.T @ x
    db = dL_dz.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_p_factor_dropped", S5, None, "mse_gradients", "delta", "term_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = (p - target) * (1 - p)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_loop_assign", S5, None, "mse_gradients", "dw", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(len(x)):
        z = x[i] @ w.T + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw = np.outer(d, x[i])
        db = d.reshape(1, -1)
    return dw, db
"""),
    ("grad_loop_from_one", S5, None, "mse_gradients", "dw", "term_missing", """
def mse_gradients(x, w, b, target):
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for i in range(1, x.shape[0]):
        z = np.dot(w, x[i]) + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw += np.outer(d, x[i])
        db += d
    return dw, db
"""),
    ("grad_db_no_sigma_prime", S5, None, "mse_gradients", "db", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    delta = error * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(error, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_no_bias_in_z", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T)
    p = sigmoid_function(z)
    delta = (p - target) * p * (1 - p)
    dw = np.dot(delta.T, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_error_aliases_p", S5, None, "mse_gradients", "delta", "in_place", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    err = p
    err -= target
    delta = err * p * (1 - p)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_cached", S5, None, "mse_gradients", "delta", "stale_state", """
def mse_gradients(x, w, b, target):
    if not hasattr(mse_gradients, "z"):
        mse_gradients.z = x @ w.T + b
    z = mse_gradients.z
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_returns_db_dw", S5, None, "mse_gradients", "dw", "wrong_return", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = (p - target) * p * (1 - p)
    grad_w = delta.T @ x
    grad_b = delta.sum(axis=0, keepdims=True)
    gradients = (grad_b, grad_w)
    return gradients
"""),
    ("grad_einsum_mean", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    z = np.einsum('bi,oi->bo', x, w) + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum('bo,bi->boi', delta, x).mean(axis=0)
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    # --- sgd_step (2e)
    ("sgd_plus", S5, None, "sgd_step", "w", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    step_w = learning_rate * dw
    step_b = learning_rate * db
    return w + step_w, b + step_b
"""),
    ("sgd_b_in_place", S5, None, "sgd_step", "b", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    np.subtract(b, learning_rate * db, out=b)
    return new_w, b
"""),
    ("sgd_divides_by_lr", S5, None, "sgd_step", "w", "reciprocal", """
def sgd_step(w, b, dw, db, learning_rate):
    return w - dw / learning_rate, b - db / learning_rate
"""),
    ("sgd_b_unchanged", S5, None, "sgd_step", "b", "not_computed", """
def sgd_step(w, b, dw, db, learning_rate):
    w_new = w - dw * learning_rate
    b_new = b
    return w_new, b_new
"""),
    ("sgd_returns_w_only", S5, None, "sgd_step", "w", "wrong_return", """
def sgd_step(w, b, dw, db, learning_rate):
    w = w - learning_rate * dw
    b = b - learning_rate * db
    return w
"""),
    ("sgd_dw_transposed", S5, None, "sgd_step", "w", "transposed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w.copy()
    new_w -= learning_rate * dw.T
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_averaged", S5, None, "sgd_step", "w", "averaged", """
def sgd_step(w, b, dw, db, learning_rate):
    n = dw.shape[0]
    new_w = w - learning_rate * dw / n
    new_b = b - learning_rate * db / n
    return new_w, new_b
"""),
    ("sgd_alias", S5, None, "sgd_step", "w", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    updated = w
    updated -= dw * learning_rate
    return updated, b - db * learning_rate
"""),
    ("sgd_momentum_state", S5, None, "sgd_step", "w", "stale_state", """
def sgd_step(w, b, dw, db, learning_rate):
    if not hasattr(sgd_step, "vw"):
        sgd_step.vw = np.zeros_like(w)
        sgd_step.vb = np.zeros_like(b)
    sgd_step.vw = 0.9 * sgd_step.vw + learning_rate * dw
    sgd_step.vb = 0.9 * sgd_step.vb + learning_rate * db
    return w - sgd_step.vw, b - sgd_step.vb
"""),

    # ================================================================ Session 6
    # --- Linear.forward (2a)
    ("lin_fwd_no_transpose", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    out = np.dot(x_in, self.w)
    out = out + self.b
    self.x_in = x_in
    return out
"""),
    ("lin_fwd_column_layout", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = self.w @ x_in.T + self.b.T
    return x_out
"""),
    ("lin_fwd_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.dot(x_in, self.w.T)
    return x_out
"""),
    ("lin_fwd_not_stored", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    z = np.dot(x_in, self.w.T)
    return z + self.b
"""),
    ("lin_fwd_stores_output", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = x_in @ self.w.T + self.b
    self.x_in = x_out
    return x_out
"""),
    ("lin_fwd_loop_overwrites", S6, "Linear", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    self.x_in = x_in
    for sample in x_in:
        x_out = np.dot(self.w, sample) + self.b
    return x_out
"""),
    ("lin_fwd_einsum_minus_b", S6, "Linear", "forward", "x_out", "sign", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.einsum('ij,kj->ik', x_in, self.w) - self.b
    return x_out
"""),
    # --- Linear.backward (2d)
    ("lin_bwd_dw_assign", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.dw = np.dot(d_out.T, self.x_in)
    self.db = self.db + d_out.sum(axis=0, keepdims=True)
    d_in = np.dot(d_out, self.w)
    return d_in
"""),
    ("lin_bwd_dw_x_first", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    self.dw += self.x_in.T @ d_out
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_axis1", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=1, keepdims=True).T
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_mean", S6, "Linear", "backward", "db", "averaged", """
def backward(self, d_out):
    self.dw += np.dot(d_out.T, self.x_in)
    self.db += d_out.mean(axis=0)
    return np.dot(d_out, self.w)
"""),
    ("lin_bwd_d_in_w_transposed", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += np.dot(d_out.T, self.x_in)
    self.db += d_out.sum(axis=0, keepdims=True)
    grad_input = np.dot(d_out, self.w.T)
    return grad_input
"""),
    ("lin_bwd_d_in_column_layout", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += np.dot(d_out.T, self.x_in)
    self.db += d_out.sum(axis=0, keepdims=True)
    return np.dot(self.w.T, d_out.T)
"""),
    ("lin_bwd_returns_dw_increment", S6, "Linear", "backward", "d_in", "wrong_return", """
def backward(self, d_out):
    grad_w = d_out.T @ self.x_in
    self.dw += grad_w
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return grad_w
"""),
    ("lin_bwd_loop_d_in_overwritten", S6, "Linear", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(len(d_out)):
        self.dw += np.outer(d_out[i], self.x_in[i])
        self.db += d_out[i]
        d_in = d_out[i] @ self.w
    return d_in
"""),
    ("lin_bwd_dw_averaged", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch = d_out.shape[0]
    self.dw += d_out.T @ self.x_in / batch
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_product_of_sums", S6, "Linear", "backward", "dw", "reordered", """
def backward(self, d_out):
    self.dw += np.outer(d_out.sum(axis=0), self.x_in.sum(axis=0))
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_no_db", S6, "Linear", "backward", "db", "not_computed", """
def backward(self, d_out):
    self.dw = self.dw + d_out.T @ self.x_in
    return d_out @ self.w
"""),
    ("lin_bwd_dw_minus", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in
    self.db -= np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    # --- Linear.zero_gradients (2d)
    ("lin_zero_int_dw", S6, "Linear", "zero_gradients", "dw", "integer_buffer", """
def zero_gradients(self):
    self.dw = np.zeros_like(self.w).astype(int)
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_dw_transposed", S6, "Linear", "zero_gradients", "dw", "transposed", """
def zero_gradients(self):
    self.dw = np.zeros(self.w.T.shape)
    self.db = np.zeros(self.b.shape)
"""),
    ("lin_zero_db_flat", S6, "Linear", "zero_gradients", "db", "shape", """
def zero_gradients(self):
    self.dw = np.zeros_like(self.w)
    self.db = np.zeros(self.b.size)
"""),
    ("lin_zero_db_aliases_b", S6, "Linear", "zero_gradients", "db", "in_place", """
def zero_gradients(self):
    self.dw = np.zeros(self.w.shape)
    self.db = self.b
    self.db[:] = 0
"""),
    # --- Linear.update_parameters (2e)
    ("lin_upd_plus", S6, "Linear", "update_parameters", "w", "sign", """
def update_parameters(self, learning_rate):
    step = learning_rate * self.dw
    self.w += step
    self.b += learning_rate * self.db
"""),
    ("lin_upd_no_lr", S6, "Linear", "update_parameters", "w", "factor", """
def update_parameters(self, learning_rate):
    self.w -= self.dw
    self.b -= self.db
"""),
    ("lin_upd_b_forgotten", S6, "Linear", "update_parameters", "b", "not_computed", """
def update_parameters(self, learning_rate):
    self.w = self.w - learning_rate * self.dw
"""),
    ("lin_upd_averaged", S6, "Linear", "update_parameters", "w", "averaged", """
def update_parameters(self, learning_rate):
    n = len(self.x_in)
    self.w = self.w - learning_rate * self.dw / n
    self.b = self.b - learning_rate * self.db / n
"""),
    # --- MeanSquareError.estimate (2b)
    ("mse_est_mean", S6, "MeanSquareError", "estimate", "estimate", "averaged", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = np.mean(0.5 * (prediction - target) ** 2)
    return cost
"""),
    ("mse_est_no_half", S6, "MeanSquareError", "estimate", "estimate", "half_missing", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = (prediction - target) ** 2
    return cost
"""),
    ("mse_est_not_squared", S6, "MeanSquareError", "estimate", "estimate", "power", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * (prediction - target)
    return cost
"""),
    ("mse_est_roles_swapped", S6, "MeanSquareError", "estimate", "target", "reordered", """
def estimate(self, target, prediction):
    self.target = prediction
    self.prediction = target
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_est_sum_axis0", S6, "MeanSquareError", "estimate", "estimate", "axis", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.sum((prediction - target) ** 2, axis=0)
    return cost
"""),
    ("mse_est_prediction_not_stored", S6, "MeanSquareError", "estimate", "prediction", "not_stored", """
def estimate(self, target, prediction):
    self.target = target
    diff = prediction - target
    cost = 0.5 * diff * diff
    return cost
"""),
    # --- MeanSquareError.gradient (2c)
    ("mse_grad_sign", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    diff = self.target - self.prediction
    return diff
"""),
    ("mse_grad_two", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    gradient = 2 * (self.prediction - self.target)
    return gradient
"""),
    ("mse_grad_abs", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    gradient = np.abs(self.prediction - self.target)
    return gradient
"""),
    ("mse_grad_batch_mean", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    gradient = (self.prediction - self.target) / len(self.prediction)
    return gradient
"""),
    ("mse_grad_summed_over_batch", S6, "MeanSquareError", "gradient", "gradient", "axis", """
def gradient(self, cost):
    gradient = np.sum(self.prediction - self.target, axis=0, keepdims=True)
    return gradient
"""),
    ("mse_grad_with_sigmoid", S6, "MeanSquareError", "gradient", "gradient", "combined", """
def gradient(self, cost):
    p = self.prediction
    gradient = (p - self.target) * p * (1 - p)
    return gradient
"""),
    # --- Network (3a)
    ("net_fwd_reversed", S6, "Network", "forward", "forward", "order", """
def forward(self, x_in):
    for layer in self.layers[::-1]:
        x_in = layer.forward(x_in)
    return x_in
"""),
    ("net_fwd_returns_input", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    out = x_in
    for layer in self.layers:
        out = layer.forward(out)
    return x_in
"""),
    ("net_fwd_skips_last", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    x = x_in
    for i in range(len(self.layers) - 1):
        x = self.layers[i].forward(x)
    return x
"""),
    ("net_fwd_list_of_outputs", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    outputs = []
    for layer in self.layers:
        x_in = layer.forward(x_in)
        outputs.append(x_in)
    return outputs
"""),
    ("net_fwd_last_layer_only", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    return self.layers[-1].forward(x_in)
"""),
    ("net_bwd_forward_order", S6, "Network", "backward", "backward", "order", """
def backward(self, d_out):
    grad = d_out
    for i in range(len(self.layers)):
        grad = self.layers[i].backward(grad)
    return grad
"""),
    ("net_bwd_not_chained", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in self.layers[::-1]:
        d_in = layer.backward(d_out)
    return d_in
"""),
    ("net_bwd_no_return", S6, "Network", "backward", "backward", "wrong_return", """
def backward(self, d_out):
    for layer in self.layers[::-1]:
        d_out = layer.backward(d_out)
"""),
    ("net_bwd_range_misses_first", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for i in range(len(self.layers) - 1, 0, -1):
        d_out = self.layers[i].backward(d_out)
    return d_out
"""),
    ("net_bwd_calls_forward", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for layer in reversed(self.layers):
        d_out = layer.forward(d_out)
    return d_out
"""),
    ("net_zero_no_parentheses", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    [layer.zero_gradients for layer in self.layers]
"""),
    ("net_zero_return_in_loop", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        return layer.zero_gradients()
"""),
    ("net_upd_no_parentheses", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        layer.update_parameters
"""),
    ("net_upd_only_weighted", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        if hasattr(layer, "w"):
            layer.update_parameters(learning_rate)
"""),
    # --- SoftMax.forward (6a)
    ("sm_fwd_no_shift", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    e = np.exp(x_in)
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_axis0", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=0, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_sum_no_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    exponentials = np.exp(x_in - x_in.max(axis=1, keepdims=True))
    total = exponentials.sum(axis=1)
    self.x_out = exponentials / total
    return self.x_out
"""),
    ("sm_fwd_global_max", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    exponentials = np.exp(x_in - x_in.max())
    self.x_out = exponentials / exponentials.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_shift_in_place", S6, "SoftMax", "forward", "x_in", "in_place", """
def forward(self, x_in):
    x_in -= x_in.max(axis=1, keepdims=True)
    np.exp(x_in, out=x_in)
    x_in /= x_in.sum(axis=1, keepdims=True)
    self.x_out = x_in
    return self.x_out
"""),
    ("sm_fwd_no_exp", S6, "SoftMax", "forward", "x_out", "exp_missing", """
def forward(self, x_in):
    self.x_out = x_in / np.sum(x_in, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_row_loop_overwrites", S6, "SoftMax", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    for row in x_in:
        e = np.exp(row - row.max())
        self.x_out = e / e.sum()
    return self.x_out
"""),
    ("sm_fwd_exponent_sign", S6, "SoftMax", "forward", "x_out", "sign", """
def forward(self, x_in):
    shifted = x_in - np.max(x_in, axis=1, keepdims=True)
    e = np.exp(-shifted)
    self.x_out = e / e.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    # --- SoftMax.backward (6d)
    ("sm_bwd_sum_everything", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    dot = (d_out * self.x_out).sum()
    return self.x_out * (d_out - dot)
"""),
    ("sm_bwd_no_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    inner = np.einsum('ij,ij->i', d_out, self.x_out)
    return self.x_out * (d_out - inner)
"""),
    ("sm_bwd_parenthesis", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    s = self.x_out
    d_in = s * d_out - np.sum(d_out * s, axis=1, keepdims=True)
    return d_in
"""),
    ("sm_bwd_no_leading_p", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    s = np.sum(self.x_out * d_out, axis=1, keepdims=True)
    d_in = d_out - s
    return d_in
"""),
    ("sm_bwd_jacobian_loop_overwrites", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(len(d_out)):
        p = self.x_out[i]
        jacobian = np.diag(p) - np.outer(p, p)
        d_in = jacobian @ d_out[i]
    return d_in
"""),
    ("sm_bwd_jacobian_sign", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    d_in = np.empty(d_out.shape)
    for i, p in enumerate(self.x_out):
        jacobian = np.outer(p, p) - np.diag(p)
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("sm_bwd_identity", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    return d_out
"""),
    ("sm_bwd_row_mean", S6, "SoftMax", "backward", "d_in", "averaged", """
def backward(self, d_out):
    weighted = (d_out * self.x_out).mean(axis=1, keepdims=True)
    return self.x_out * (d_out - weighted)
"""),
    # --- CrossEntropy.estimate (6b)
    ("ce_est_no_eps", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target, self.x_in = target, x_in
    log_p = np.log(x_in)
    cost = -(target * log_p).sum(axis=1)
    return cost
"""),
    ("ce_est_axis0", S6, "CrossEntropy", "estimate", "estimate", "axis", """
def estimate(self, target, x_in):
    self.target, self.x_in = target, x_in
    log_p = np.log(x_in + self.eps)
    return -np.sum(log_p * target, axis=0)
"""),
    ("ce_est_mean_over_classes", S6, "CrossEntropy", "estimate", "estimate", "averaged", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    return -(target * np.log(x_in + self.eps)).mean(axis=1)
"""),
    ("ce_est_positive", S6, "CrossEntropy", "estimate", "estimate", "sign", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    log_likelihood = np.sum(target * np.log(x_in + self.eps), axis=1)
    return log_likelihood
"""),
    ("ce_est_no_log", S6, "CrossEntropy", "estimate", "estimate", "log_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * x_in, axis=1)
    return cost
"""),
    ("ce_est_eps_outside_log", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * (np.log(x_in) + self.eps), axis=1)
    return cost
"""),
    ("ce_est_target_not_stored", S6, "CrossEntropy", "estimate", "target", "not_stored", """
def estimate(self, target, x_in):
    self.x_in = x_in
    log_p = np.log(x_in + self.eps)
    return -np.sum(target * log_p, axis=1)
"""),
    # --- CrossEntropy.gradient (6c)
    ("ce_grad_sign", S6, "CrossEntropy", "gradient", "gradient", "sign", """
def gradient(self, d_out):
    p = self.x_in + self.eps
    return self.target / p
"""),
    ("ce_grad_batch_mean", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    n = self.x_in.shape[0]
    gradient = -self.target / (self.x_in + self.eps) / n
    return gradient
"""),
    ("ce_grad_no_target", S6, "CrossEntropy", "gradient", "gradient", "term_missing", """
def gradient(self, d_out):
    gradient = -1.0 / (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_times_instead_of_divide", S6, "CrossEntropy", "gradient", "gradient", "reciprocal", """
def gradient(self, d_out):
    gradient = -self.target * (self.x_in + self.eps)
    return gradient
"""),
]
