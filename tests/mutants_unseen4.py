"""A fourth held-out corpus of typical first-attempt mistakes, written independently of the checks
and of the other corpora (never tuned on).

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

UNSEEN4 = [
    # ------------------------------------------------------------------ Session 5: sigmoid_function
    ("s5_sigmoid_textbook_formula", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    return 1.0 / (1.0 + np.exp(-x))
"""),
    ("s5_sigmoid_exp_ratio_only", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    ex = np.exp(x)
    return ex / (1.0 + ex)
"""),
    ("s5_sigmoid_where_evaluates_both", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
"""),
    ("s5_sigmoid_math_exp_loop", S5, None, "sigmoid_function", "sigmoid", "overflow", """
import math

def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    result = np.empty_like(x)
    for index, value in np.ndenumerate(x):
        result[index] = 1.0 / (1.0 + math.exp(-value))
    return result
"""),
    ("s5_sigmoid_negative_branch_minus", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 - e))
"""),
    ("s5_sigmoid_branches_swapped", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    positive = e / (1.0 + e)
    negative = 1.0 / (1.0 + e)
    return np.where(x >= 0, positive, negative)
"""),
    ("s5_sigmoid_abs_without_branch", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    # exp of a non-positive number only, as the hint says
    return 1.0 / (1.0 + np.exp(-np.abs(x)))
"""),
    ("s5_sigmoid_python_if", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    else:
        e = np.exp(x)
        return e / (1.0 + e)
"""),
    ("s5_sigmoid_abs_in_place", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    negative = x < 0
    x[negative] *= -1          # now x holds |x|
    e = np.exp(-x)
    return np.where(negative, e / (1.0 + e), 1.0 / (1.0 + e))
"""),
    ("s5_sigmoid_zeros_like_input", S5, None, "sigmoid_function", "sigmoid", "dtype", """
def sigmoid_function(x):
    x = np.asarray(x)
    out = np.zeros_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
"""),
    ("s5_sigmoid_single_precision", S5, None, "sigmoid_function", "sigmoid", "dtype", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=np.float32)   # saves memory
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
"""),
    ("s5_sigmoid_flattened_list", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    values = []
    for v in np.asarray(x, dtype=float).flatten():
        if v >= 0:
            values.append(1.0 / (1.0 + np.exp(-v)))
        else:
            values.append(np.exp(v) / (1.0 + np.exp(v)))
    return np.array(values)
"""),
    ("s5_sigmoid_where_result_dropped", S5, None, "sigmoid_function", "sigmoid", "wrong_return", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    pos = 1.0 / (1.0 + e)
    neg = e / (1.0 + e)
    np.where(x >= 0, pos, neg)
    return pos
"""),
    ("s5_sigmoid_tanh_without_half", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    # tanh never overflows
    return 0.5 * (1.0 + np.tanh(x))
"""),
    ("s5_sigmoid_negatives_left_zero", S5, None, "sigmoid_function", "sigmoid", "not_computed", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    return out
"""),
    ("s5_sigmoid_logaddexp_wrong_way", S5, None, "sigmoid_function", "sigmoid", "reciprocal", """
def sigmoid_function(x):
    # log(1 + e^-x) without overflow
    return np.exp(np.logaddexp(0.0, -np.asarray(x, dtype=float)))
"""),

    # ------------------------------------------------------------------ Session 5: sigmoid_derivative
    ("s5_derivative_treats_x_as_output", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    return x * (1 - x)
"""),
    ("s5_derivative_s_minus_one", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (s - 1.0)
"""),
    ("s5_derivative_one_minus_s_only", S5, None, "sigmoid_derivative", "derivative", "term_missing", """
def sigmoid_derivative(x):
    return 1.0 - sigmoid_function(x)
"""),
    ("s5_derivative_quotient_not_squared", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    # d/dx 1/(1+e^-x) = e^-x / (1+e^-x)^2, symmetric in x
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return e / (1.0 + e)
"""),
    ("s5_derivative_quotient_rule_raw", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    return np.exp(-x) / (1.0 + np.exp(-x)) ** 2
"""),
    ("s5_derivative_inline_sigmoid", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return s * (1.0 - s)
"""),
    ("s5_derivative_reuses_input_buffer", S5, None, "sigmoid_derivative", "x", "in_place", """
def sigmoid_derivative(x):
    x[...] = sigmoid_function(x)   # no extra array
    return x * (1.0 - x)
"""),
    ("s5_derivative_jacobian_matrix", S5, None, "sigmoid_derivative", "derivative", "shape", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return np.diagflat(s * (1.0 - s))
"""),
    ("s5_derivative_returns_s", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    ds = s * (1.0 - s)
    return s
"""),
    ("s5_derivative_loop_zeros_like", S5, None, "sigmoid_derivative", "derivative", "dtype", """
def sigmoid_derivative(x):
    x = np.asarray(x)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        s = sigmoid_function(x[i])
        out[i] = s * (1 - s)
    return out
"""),

    # ------------------------------------------------------------------ Session 5: forward
    ("s5_forward_weights_first", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    return sigmoid_function(w @ x.T + b.T)
"""),
    ("s5_forward_no_bias", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T)
"""),
    ("s5_forward_no_sigmoid", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    z = np.dot(x, w.T) + b
    return z
"""),
    ("s5_forward_reshape_for_transpose", S5, None, "forward", "forward", "shape", """
def forward(x, w, b):
    n_out, n_in = w.shape
    return sigmoid_function(x @ w.reshape(n_in, n_out) + b)
"""),
    ("s5_forward_inline_exp", S5, None, "forward", "forward", "overflow", """
def forward(x, w, b):
    z = np.dot(x, w.T) + b
    return 1.0 / (1.0 + np.exp(-z))
"""),
    ("s5_forward_bias_as_threshold", S5, None, "forward", "forward", "sign", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T - b)
"""),
    ("s5_forward_loop_overwrites", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    for i in range(x.shape[0]):
        out = sigmoid_function(w @ x[i] + b[0])
    return out
"""),
    ("s5_forward_bias_column", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    return sigmoid_function(np.matmul(x, w.T) + b.T)
"""),
    ("s5_forward_einsum_drops_batch", S5, None, "forward", "forward", "summed", """
def forward(x, w, b):
    z = np.einsum("bi,oi->o", x, w) + b
    return sigmoid_function(z)
"""),

    # ------------------------------------------------------------------ Session 5: mse_gradients
    ("s5_mse_grad_no_sigmoid_derivative", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_target_minus_p", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (target - sigmoid_function(z)) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_dw_x_transposed_first", S5, None, "mse_gradients", "dw", "transposed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = x.T @ delta
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_batch_mean", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    batch = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x / batch
    db = np.mean(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_dw_einsum_mean", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum("bo,bi->boi", delta, x).mean(axis=0)
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_db_axis_one", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=1, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_db_flat", S5, None, "mse_gradients", "db", "keepdims", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0)
    return dw, db
"""),
    ("s5_mse_grad_db_per_sample", S5, None, "mse_gradients", "db", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta
    return dw, db
"""),
    ("s5_mse_grad_derivative_of_z", S5, None, "mse_gradients", "delta", "sigmoid_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (p - target) * z * (1 - z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_z_without_bias", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_two_from_square", S5, None, "mse_gradients", "delta", "factor", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = 2 * (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_outer_of_sums", S5, None, "mse_gradients", "dw", "summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.outer(delta.sum(axis=0), x.sum(axis=0))
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_loop_dw_assigned", S5, None, "mse_gradients", "dw", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        z = w @ x[i] + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw = np.outer(d, x[i])
        db += d
    return dw, db
"""),
    ("s5_mse_grad_loop_db_assigned", S5, None, "mse_gradients", "db", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for i in range(len(x)):
        z = np.dot(w, x[i]) + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw += np.outer(d, x[i])
        db = d.reshape(1, -1)
    return dw, db
"""),
    ("s5_mse_grad_dw_uses_error", S5, None, "mse_gradients", "dw", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    delta = error * sigmoid_derivative(z)
    dw = error.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_db_uses_error", S5, None, "mse_gradients", "db", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = sigmoid_function(z) - target
    delta = error * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(error, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_error_aliases_target", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = target
    error -= sigmoid_function(z)      # error = target - p
    delta = -error * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("s5_mse_grad_matmul_for_hadamard", S5, None, "mse_gradients", "delta", "shape", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) @ sigmoid_derivative(z).T
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),

    # ------------------------------------------------------------------ Session 5: sgd_step
    ("s5_sgd_minus_equals", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    w -= learning_rate * dw
    b -= learning_rate * db
    new_w, new_b = w, b
    return new_w, new_b
"""),
    ("s5_sgd_subtract_out", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = np.subtract(w, learning_rate * dw, out=w)
    new_b = np.subtract(b, learning_rate * db, out=b)
    return new_w, new_b
"""),
    ("s5_sgd_bias_in_place", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b
    new_b -= learning_rate * db
    return new_w, new_b
"""),
    ("s5_sgd_gradient_ascent", S5, None, "sgd_step", "w", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w + learning_rate * dw
    new_b = b + learning_rate * db
    return new_w, new_b
"""),
    ("s5_sgd_no_learning_rate", S5, None, "sgd_step", "w", "term_missing", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - dw
    new_b = b - db
    return new_w, new_b
"""),
    ("s5_sgd_divides_by_rows", S5, None, "sgd_step", "w", "averaged", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw / dw.shape[0]
    new_b = b - learning_rate * db / db.shape[0]
    return new_w, new_b
"""),
    ("s5_sgd_bias_copied", S5, None, "sgd_step", "b", "not_computed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b.copy()
    return new_w, new_b
"""),
    ("s5_sgd_divides_by_rate", S5, None, "sgd_step", "w", "reciprocal", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - dw / learning_rate
    new_b = b - db / learning_rate
    return new_w, new_b
"""),

    # ------------------------------------------------------------------ Session 6: Linear.forward
    ("s6_linear_forward_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T
    return x_out
"""),
    ("s6_linear_forward_forgets_input", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = np.dot(x_in, self.w.T) + self.b
    return x_out
"""),
    ("s6_linear_forward_stores_transpose", S6, "Linear", "forward", "x_in", "transposed", """
def forward(self, x_in):
    self.x_in = x_in.T      # the backward pass needs x^T
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("s6_linear_forward_reshape_w", S6, "Linear", "forward", "x_out", "shape", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.reshape(self.n_in, self.n_out) + self.b
    return x_out
"""),
    ("s6_linear_forward_loop_overwrites", S6, "Linear", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    self.x_in = x_in
    for sample in x_in:
        x_out = self.w @ sample + self.b
    return x_out
"""),
    ("s6_linear_forward_bias_column", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T + self.b.T
    return x_out
"""),
    ("s6_linear_forward_weights_first", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = self.w @ x_in.T + self.b.T
    return x_out
"""),
    ("s6_linear_forward_keeps_first_input", S6, "Linear", "forward", "x_in", "stale_state", """
def forward(self, x_in):
    if self.x_in is None:
        self.x_in = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("s6_linear_forward_collects_inputs", S6, "Linear", "forward", "x_in", "accumulating", """
def forward(self, x_in):
    if self.x_in is None:
        self.x_in = x_in
    else:
        self.x_in = np.concatenate([self.x_in, x_in], axis=0)
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),

    # ------------------------------------------------------------------ Session 6: Linear.backward
    ("s6_linear_backward_dw_assigned", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.dw = d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_dw_loop_assigned", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        self.dw = np.outer(d_out[i], self.x_in[i])
        self.db += d_out[i]
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_db_assigned", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_dw_reshaped", S6, "Linear", "backward", "dw", "shape", """
def backward(self, d_out):
    self.dw += (self.x_in.T @ d_out).reshape(self.dw.shape)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_d_in_transposed", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = self.w.T @ d_out.T
    return self.d_in
"""),
    ("s6_linear_backward_db_total", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out.sum()
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_db_not_summed", S6, "Linear", "backward", "db", "not_summed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = self.db + d_out
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_dw_einsum_mean", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    self.dw += np.einsum("bo,bi->oi", d_out, self.x_in) / d_out.shape[0]
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_dw_minus_equals", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in
    self.db -= np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_adds_sigmoid_factor", S6, "Linear", "backward", "d_in", "combined", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = (d_out @ self.w) * sigmoid_derivative(self.x_in)
    return self.d_in
"""),
    ("s6_linear_backward_no_db", S6, "Linear", "backward", "db", "not_computed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_d_in_local", S6, "Linear", "backward", "d_in", "not_stored", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_stacks_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.dx = np.vstack([self.dx, d_out @ self.w])
    self.d_in = self.dx
    return self.d_in
"""),
    ("s6_linear_backward_d_in_zeros", S6, "Linear", "backward", "d_in", "not_computed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = np.zeros_like(self.x_in)   # nothing before the first layer
    return self.d_in
"""),
    ("s6_linear_backward_cached_transpose", S6, "Linear", "backward", "dw", "stale_state", """
def backward(self, d_out):
    if not hasattr(self, "x_in_t"):
        self.x_in_t = self.x_in.T
    self.dw += (self.x_in_t @ d_out).T
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("s6_linear_backward_outer_of_sums", S6, "Linear", "backward", "dw", "summed", """
def backward(self, d_out):
    self.dw += np.outer(d_out.sum(axis=0), self.x_in.sum(axis=0))
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),

    # ------------------------------------------------------------------ Session 6: Linear.zero_gradients
    ("s6_zero_gradients_first_time_only", S6, "Linear", "zero_gradients", "dw", "not_reset", """
def zero_gradients(self):
    if not hasattr(self, "dw"):
        self.dw = np.zeros((self.n_out, self.n_in))
        self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("s6_zero_gradients_fill_forgets_db", S6, "Linear", "zero_gradients", "db", "not_reset", """
def zero_gradients(self):
    if hasattr(self, "dw"):
        self.dw.fill(0.0)
    else:
        self.dw = np.zeros((self.n_out, self.n_in))
        self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("s6_zero_gradients_none", S6, "Linear", "zero_gradients", "dw", "cleared", """
def zero_gradients(self):
    self.dw = None
    self.db = None
    self.dx = None
"""),
    ("s6_zero_gradients_int_zeros", S6, "Linear", "zero_gradients", "dw", "integer_buffer", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in), dtype=int)
    self.db = np.zeros((1, self.n_out), dtype=int)
    self.dx = np.empty((0, self.n_in))
"""),
    ("s6_zero_gradients_flat_db", S6, "Linear", "zero_gradients", "db", "shape", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.zeros(self.n_out)
    self.dx = np.empty((0, self.n_in))
"""),

    # ------------------------------------------------------------------ Session 6: Linear.update_parameters
    ("s6_update_plus_equals", S6, "Linear", "update_parameters", "w", "sign", """
def update_parameters(self, learning_rate):
    self.w += learning_rate * self.dw
    self.b += learning_rate * self.db
"""),
    ("s6_update_no_learning_rate", S6, "Linear", "update_parameters", "w", "term_missing", """
def update_parameters(self, learning_rate):
    self.w -= self.dw
    self.b -= self.db
"""),
    ("s6_update_batch_mean", S6, "Linear", "update_parameters", "w", "averaged", """
def update_parameters(self, learning_rate):
    batch_size = self.x_in.shape[0]
    self.w -= learning_rate * self.dw / batch_size
    self.b -= learning_rate * self.db / batch_size
"""),
    ("s6_update_weights_only", S6, "Linear", "update_parameters", "b", "not_computed", """
def update_parameters(self, learning_rate):
    self.w = self.w - learning_rate * self.dw
"""),
    ("s6_update_then_frees_gradients", S6, "Linear", "update_parameters", "dw", "cleared", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
    self.b -= learning_rate * self.db
    self.dw = None   # used up
    self.db = None
"""),
    ("s6_update_local_copies", S6, "Linear", "update_parameters", "w", "not_stored", """
def update_parameters(self, learning_rate):
    w, b = self.w, self.b
    w = w - learning_rate * self.dw
    b = b - learning_rate * self.db
"""),

    # ------------------------------------------------------------------ Session 6: MeanSquareError.estimate
    ("s6_mse_estimate_no_half", S6, "MeanSquareError", "estimate", "estimate", "half_missing", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = (prediction - target) ** 2
    return cost
"""),
    ("s6_mse_estimate_total", S6, "MeanSquareError", "estimate", "estimate", "summed", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.sum((prediction - target) ** 2)
    return cost
"""),
    ("s6_mse_estimate_mean", S6, "MeanSquareError", "estimate", "estimate", "averaged", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.mean(np.square(prediction - target))
    return cost
"""),
    ("s6_mse_estimate_times_two", S6, "MeanSquareError", "estimate", "estimate", "power", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * (prediction - target) * 2
    return cost
"""),
    ("s6_mse_estimate_forgets_prediction", S6, "MeanSquareError", "estimate", "prediction", "not_stored", """
def estimate(self, target, prediction):
    self.target = target
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("s6_mse_estimate_forgets_target", S6, "MeanSquareError", "estimate", "target", "not_stored", """
def estimate(self, target, prediction):
    self.prediction = prediction
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("s6_mse_estimate_difference_in_place", S6, "MeanSquareError", "estimate", "prediction", "in_place", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    prediction -= target
    cost = 0.5 * prediction ** 2
    return cost
"""),

    # ------------------------------------------------------------------ Session 6: MeanSquareError.gradient
    ("s6_mse_gradient_target_minus_prediction", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    gradient = self.target - self.prediction
    return gradient
"""),
    ("s6_mse_gradient_times_two", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    gradient = 2 * (self.prediction - self.target)
    return gradient
"""),
    ("s6_mse_gradient_batch_mean", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    gradient = (self.prediction - self.target) / self.prediction.shape[0]
    return gradient
"""),
    ("s6_mse_gradient_summed_over_batch", S6, "MeanSquareError", "gradient", "gradient", "summed", """
def gradient(self, cost):
    gradient = np.sum(self.prediction - self.target, axis=0, keepdims=True)
    return gradient
"""),
    ("s6_mse_gradient_cached", S6, "MeanSquareError", "gradient", "gradient", "stale_state", """
def gradient(self, cost):
    if getattr(self, "cached_gradient", None) is None:
        self.cached_gradient = self.prediction - self.target
    return self.cached_gradient
"""),
    ("s6_mse_gradient_subtracts_in_place", S6, "MeanSquareError", "gradient", "prediction", "in_place", """
def gradient(self, cost):
    self.prediction -= self.target
    gradient = self.prediction
    return gradient
"""),

    # ------------------------------------------------------------------ Session 6: Network
    ("s6_network_forward_same_input", S6, "Network", "forward", "forward", "not_chained", """
def forward(self, x_in):
    for layer in self.layers:
        x_out = layer.forward(x_in)
    return x_out
"""),
    ("s6_network_forward_no_return", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    for layer in self.layers:
        x_in = layer.forward(x_in)
"""),
    ("s6_network_forward_reversed", S6, "Network", "forward", "forward", "order", """
def forward(self, x_in):
    for layer in reversed(self.layers):
        x_in = layer.forward(x_in)
    return x_in
"""),
    ("s6_network_forward_skips_last", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    x = x_in
    for i in range(len(self.layers) - 1):
        x = self.layers[i].forward(x)
    return x
"""),
    ("s6_network_backward_forward_order", S6, "Network", "backward", "backward", "order", """
def backward(self, d_out):
    for layer in self.layers:
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("s6_network_backward_same_gradient", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in reversed(self.layers):
        d_in = layer.backward(d_out)
    return d_in
"""),
    ("s6_network_backward_skips_first", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for layer in self.layers[:0:-1]:   # the first layer has nothing to pass back to
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("s6_network_backward_reverses_list", S6, "Network", "backward", "backward", "in_place", """
def backward(self, d_out):
    self.layers.reverse()
    for layer in self.layers:
        d_out = layer.backward(d_out)
    return d_out
"""),
    ("s6_network_zero_no_parentheses", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        layer.zero_gradients
"""),
    ("s6_network_zero_first_layer", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    self.layers[0].zero_gradients()
"""),
    ("s6_network_zero_dw_by_hand", S6, "Network", "zero_gradients", "zero_gradients", "not_reset", """
def zero_gradients(self):
    for layer in self.layers:
        if hasattr(layer, "dw"):
            layer.dw = np.zeros_like(layer.dw)
"""),
    ("s6_network_update_returns_in_loop", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        return layer.update_parameters(learning_rate)
"""),
    ("s6_network_update_last_layer", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    self.layers[-1].update_parameters(learning_rate)
"""),
    ("s6_network_update_calls_itself", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        self.update_parameters(learning_rate)
"""),

    # ------------------------------------------------------------------ Session 6: SoftMax.forward
    ("s6_softmax_forward_no_shift", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("s6_softmax_forward_columns", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=0, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    return self.x_out
"""),
    ("s6_softmax_forward_sum_no_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=1)
    return self.x_out
"""),
    ("s6_softmax_forward_global_max", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in))
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("s6_softmax_forward_max_no_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    exponentials = np.exp(x_in - x_in.max(axis=1))
    self.x_out = exponentials / exponentials.sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("s6_softmax_forward_local_result", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return x_out
"""),
    ("s6_softmax_forward_shifts_input", S6, "SoftMax", "forward", "x_in", "in_place", """
def forward(self, x_in):
    x_in -= np.max(x_in, axis=1, keepdims=True)
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("s6_softmax_forward_plain_normalisation", S6, "SoftMax", "forward", "x_out", "exp_missing", """
def forward(self, x_in):
    shifted = x_in - np.max(x_in, axis=1, keepdims=True)
    self.x_out = shifted / np.sum(shifted, axis=1, keepdims=True)
    return self.x_out
"""),

    # ------------------------------------------------------------------ Session 6: SoftMax.backward
    ("s6_softmax_backward_diagonal_only", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    d_in = d_out * self.x_out * (1 - self.x_out)
    return d_in
"""),
    ("s6_softmax_backward_sum_no_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1))
    return d_in
"""),
    ("s6_softmax_backward_plus", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    weighted = np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * (d_out + weighted)
    return d_in
"""),
    ("s6_softmax_backward_elementwise_only", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    d_in = self.x_out * d_out
    return d_in
"""),
    ("s6_softmax_backward_inner_for_outer", S6, "SoftMax", "backward", "d_in", "shape", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - np.dot(s, s)
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("s6_softmax_backward_einsum_over_batch", S6, "SoftMax", "backward", "d_in", "summed", """
def backward(self, d_out):
    s = self.x_out
    n = s.shape[1]
    jacobian = np.einsum("bi,ij->bij", s, np.eye(n)) - np.einsum("bi,bj->ij", s, s)
    d_in = np.einsum("bij,bj->bi", jacobian, d_out)
    return d_in
"""),
    ("s6_softmax_backward_assumes_cross_entropy", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    # with the cross-entropy d_out = -t / s, so this gives s - t
    d_in = self.x_out * d_out + self.x_out
    return d_in
"""),
    ("s6_softmax_backward_d_out_in_place", S6, "SoftMax", "backward", "d_out", "in_place", """
def backward(self, d_out):
    d_out -= np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * d_out
    return d_in
"""),
    ("s6_softmax_backward_sum_everything", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - (d_out * self.x_out).sum())
    return d_in
"""),
    ("s6_softmax_backward_loop_overwrites", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - np.outer(s, s)
        d_in = jacobian @ d_out[i]
    return d_in
"""),

    # ------------------------------------------------------------------ Session 6: CrossEntropy.estimate
    ("s6_ce_estimate_no_eps", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in), axis=1)
    return cost
"""),
    ("s6_ce_estimate_batch_total", S6, "CrossEntropy", "estimate", "estimate", "summed", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps))
    return cost
"""),
    ("s6_ce_estimate_mean_over_classes", S6, "CrossEntropy", "estimate", "estimate", "averaged", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.mean(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),
    ("s6_ce_estimate_axis_zero", S6, "CrossEntropy", "estimate", "estimate", "axis", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=0)
    return cost
"""),
    ("s6_ce_estimate_forgets_input", S6, "CrossEntropy", "estimate", "prediction", "not_stored", """
def estimate(self, target, x_in):
    self.target = target
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),
    ("s6_ce_estimate_forgets_target", S6, "CrossEntropy", "estimate", "target", "not_stored", """
def estimate(self, target, x_in):
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),
    ("s6_ce_estimate_no_log", S6, "CrossEntropy", "estimate", "estimate", "log_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * (x_in + self.eps), axis=1)
    return cost
"""),
    ("s6_ce_estimate_column_kept", S6, "CrossEntropy", "estimate", "estimate", "keepdims", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1, keepdims=True)
    return cost
"""),
    ("s6_ce_estimate_log10", S6, "CrossEntropy", "estimate", "estimate", "factor", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log10(x_in + self.eps), axis=1)
    return cost
"""),

    # ------------------------------------------------------------------ Session 6: CrossEntropy.gradient
    ("s6_ce_gradient_eps_outside", S6, "CrossEntropy", "gradient", "gradient", "eps_missing", """
def gradient(self, d_out):
    gradient = -self.target / self.x_in + self.eps
    return gradient
"""),
    ("s6_ce_gradient_positive", S6, "CrossEntropy", "gradient", "gradient", "sign", """
def gradient(self, d_out):
    gradient = self.target / (self.x_in + self.eps)
    return gradient
"""),
    ("s6_ce_gradient_softmax_shortcut", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    gradient = self.x_in - self.target
    return gradient
"""),
    ("s6_ce_gradient_multiplies", S6, "CrossEntropy", "gradient", "gradient", "reciprocal", """
def gradient(self, d_out):
    gradient = -self.target * (self.x_in + self.eps)
    return gradient
"""),
    ("s6_ce_gradient_batch_mean", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    batch_size = self.target.shape[0]
    gradient = -self.target / (self.x_in + self.eps) / batch_size
    return gradient
"""),
    ("s6_ce_gradient_squared", S6, "CrossEntropy", "gradient", "gradient", "power", """
def gradient(self, d_out):
    gradient = -self.target / (self.x_in + self.eps) ** 2
    return gradient
"""),
]
