"""A third development corpus of typical first-attempt mistakes (134 written, 12 that repeat an
earlier corpus's source dropped), by a helper who read neither the checks nor the other corpora.
Part of :func:`mutants.corpus`, always ``dev`` (:data:`mutants.DEV_CORPORA`); its first
measurement, before any work on it: 82.8 % diagnosed.

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH3 = [
    ("sig_math_exp_elementwise_loop", S5, None, "sigmoid_function", "sigmoid", "overflow", """
import math

def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for idx, value in np.ndenumerate(x):
        out[idx] = 1.0 / (1.0 + math.exp(-value))
    return out
"""),
    ("sig_clip_input_to_ten", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.clip(x, -10, 10)  # keeps exp from overflowing
    return 1.0 / (1.0 + np.exp(-x))
"""),
    ("sig_where_branches_swapped", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
"""),
    ("sig_abs_without_branch", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    z = np.exp(-np.abs(x))  # exponent is never positive, so no overflow
    return 1 / (1 + z)
"""),
    ("sig_tanh_identity_without_half_argument", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    return 0.5 * (1.0 + np.tanh(x))
"""),
    ("sig_masked_branches_mirrored", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    neg = x < 0
    out[neg] = 1.0 / (1.0 + np.exp(x[neg]))
    ex = np.exp(-x[~neg])
    out[~neg] = ex / (1.0 + ex)
    return out
"""),
    ("sig_masks_written_into_input", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    pos = x >= 0
    x[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    x[~pos] = e / (1.0 + e)
    return x
"""),
    ("sig_zeros_like_keeps_int_dtype", S5, None, "sigmoid_function", "sigmoid", "integer_buffer", """
def sigmoid_function(x):
    result = np.zeros_like(x)
    positive = x >= 0
    result[positive] = 1 / (1 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    result[~positive] = exp_x / (1 + exp_x)
    return result
"""),
    ("sig_python_if_on_array", S5, None, "sigmoid_function", "sigmoid", "condition", """
import math

def sigmoid_function(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    else:
        return math.exp(x) / (1.0 + math.exp(x))
"""),
    ("sder_input_taken_as_output", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    return x * (1 - x)
"""),
    ("sder_quotient_rule_square_lost", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    e = np.exp(-x)
    return e / (1 + e)
"""),
    ("sder_tanh_form_without_half", S5, None, "sigmoid_derivative", "derivative", "factor", """
def sigmoid_derivative(x):
    t = np.tanh(x)
    return 0.25 * (1 - t ** 2)
"""),
    ("sder_returns_helper_variable", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    ds = s * (1 - s)
    return s
"""),
    ("sder_reuses_input_buffer", S5, None, "sigmoid_derivative", "x", "in_place", """
def sigmoid_derivative(x):
    out = np.asarray(x, dtype=float)
    out[...] = sigmoid_function(out)
    out *= 1 - out
    return out
"""),
    ("sder_closed_form_exp_overflow", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2
"""),
    ("sder_cast_to_float32", S5, None, "sigmoid_derivative", "derivative", "dtype", """
def sigmoid_derivative(x):
    s = sigmoid_function(x).astype(np.float32)
    return s * (1 - s)
"""),
    ("sder_global_cache_by_shape", S5, None, "sigmoid_derivative", "derivative", "stale_state", """
_last_sigmoid = None

def sigmoid_derivative(x):
    global _last_sigmoid
    if _last_sigmoid is None or np.shape(_last_sigmoid) != np.shape(x):
        _last_sigmoid = sigmoid_function(x)  # computed once, reused
    return _last_sigmoid * (1 - _last_sigmoid)
"""),
    ("fwd_w_used_untransposed", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    return sigmoid_function(x @ w + b)
"""),
    ("fwd_neurons_as_rows", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    z = w @ x.T + b.T   # one column per sample
    return sigmoid_function(z)
"""),
    ("fwd_bias_added_after_sigmoid", S5, None, "forward", "forward", "order", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T) + b
"""),
    ("fwd_sample_loop_keeps_last", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    for sample in x:
        z = w @ sample + b
    return sigmoid_function(z)
"""),
    ("fwd_squeezed_output", S5, None, "forward", "forward", "shape", """
def forward(x, w, b):
    return np.squeeze(sigmoid_function(x @ w.T + b))
"""),
    ("fwd_einsum_inline_sigmoid_overflow", S5, None, "forward", "forward", "overflow", """
def forward(x, w, b):
    z = np.einsum("bi,oi->bo", x, w) + b
    ez = np.exp(z)
    return ez / (1 + ez)
"""),
    ("mseg_sigmoid_derivative_forgotten", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target
    dw = delta.T @ x
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_s_one_minus_s_on_z", S5, None, "mse_gradients", "delta", "sigmoid_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = (p - target) * z * (1 - z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_target_minus_prediction", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T) + b
    error = target - sigmoid_function(z)
    delta = error * sigmoid_derivative(z)
    dw = np.dot(delta.T, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_db_batch_mean", S5, None, "mse_gradients", "db", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.mean(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_both_divided_by_batch", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    n = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.dot(delta.T, x) / n
    db = np.sum(delta, axis=0, keepdims=True) / n
    return dw, db
"""),
    ("mseg_db_summed_over_outputs", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=1, keepdims=True)
    return dw, db
"""),
    ("mseg_db_scalar_total", S5, None, "mse_gradients", "db", "summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta)
    return dw, db
"""),
    ("mseg_outer_loop_overwrites", S5, None, "mse_gradients", "delta", "overwritten", """
def mse_gradients(x, w, b, target):
    for i in range(x.shape[0]):
        z = w @ x[i] + b[0]
        d = (sigmoid_function(z) - target[i]) * sigmoid_derivative(z)
        dw = np.outer(d, x[i])
        db = d.reshape(1, -1)
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
    ("mseg_dw_product_of_batch_sums", S5, None, "mse_gradients", "dw", "order", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    db = np.sum(delta, axis=0, keepdims=True)
    dw = np.outer(db, np.sum(x, axis=0))
    return dw, db
"""),
    ("mseg_cost_instead_of_its_derivative", S5, None, "mse_gradients", "delta", "power", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = 0.5 * (sigmoid_function(z) - target) ** 2 * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_target_minus_equals", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    target -= sigmoid_function(z)      # target now holds t - p
    delta = -target * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_inline_derivative_overflow", S5, None, "mse_gradients", "delta", "overflow", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    dsig = np.exp(-z) / (1 + np.exp(-z)) ** 2
    delta = (p - target) * dsig
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_einsum_keeps_batch_axis", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum("bo,bi->boi", delta, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_global_running_dw", S5, None, "mse_gradients", "dw", "accumulating", """
_dw_sum = None

def mse_gradients(x, w, b, target):
    global _dw_sum
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    if _dw_sum is None or _dw_sum.shape != w.shape:
        _dw_sum = np.zeros_like(w)
    _dw_sum += delta.T @ x     # accumulate over the batches
    dw = _dw_sum
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("mseg_global_cached_pre_activation", S5, None, "mse_gradients", "delta", "stale_state", """
_z = None

def mse_gradients(x, w, b, target):
    global _z
    if _z is None:
        _z = x @ w.T + b       # compute the forward pass only once
    delta = (sigmoid_function(_z) - target) * sigmoid_derivative(_z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("sgd_bias_moves_uphill", S5, None, "sgd_step", "b", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b + learning_rate * db
    return new_w, new_b
"""),
    ("sgd_minus_equals_on_inputs", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    w -= learning_rate * dw
    b -= learning_rate * db
    new_w, new_b = w, b
    return new_w, new_b
"""),
    ("sgd_slice_is_a_view", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w[:]       # copy
    new_b = b[:]
    new_w -= learning_rate * dw
    new_b -= learning_rate * db
    return new_w, new_b
"""),
    ("sgd_bias_left_unchanged", S5, None, "sgd_step", "b", "not_computed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b
    return new_w, new_b
"""),
    ("sgd_bias_step_without_old_bias", S5, None, "sgd_step", "b", "term_missing", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = -learning_rate * db
    return new_w, new_b
"""),
    ("sgd_dw_transposed", S5, None, "sgd_step", "w", "transposed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw.T
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("lin_fwd_w_untransposed", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w + self.b
    return x_out
"""),
    ("lin_fwd_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.dot(x_in, self.w.T)
    return x_out
"""),
    ("lin_fwd_input_not_remembered", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = np.matmul(x_in, self.w.T) + self.b
    return x_out
"""),
    ("lin_fwd_attribute_typo", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    self.x_input = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("lin_fwd_bias_as_column", S6, "Linear", "forward", "x_out", "shape", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T + self.b.T
    return x_out
"""),
    ("lin_fwd_row_loop_overwrites", S6, "Linear", "forward", "x_out", "overwritten", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.zeros((x_in.shape[0], self.n_out))
    for i in range(x_in.shape[0]):
        x_out = x_in[i] @ self.w.T + self.b
    return x_out
"""),
    ("lin_bwd_dw_assigned", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    self.dw = d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_assigned", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    self.dw += np.dot(d_out.T, self.x_in)
    self.db = d_out.sum(axis=0, keepdims=True)
    self.d_in = np.dot(d_out, self.w)
    return self.d_in
"""),
    ("lin_bwd_dw_input_first", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    self.dw += self.x_in.T @ d_out
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_through_w_transpose", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w.T
    return self.d_in
"""),
    ("lin_bwd_db_batch_mean", S6, "Linear", "backward", "db", "averaged", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out.mean(axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_divided_by_batch", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch = d_out.shape[0]
    self.dw += d_out.T @ self.x_in / batch
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_sum_over_features", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=1, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_per_sample", S6, "Linear", "backward", "db", "not_summed", """
def backward(self, d_out):
    self.dw = self.dw + d_out.T @ self.x_in
    self.db = self.db + d_out
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_local_variable", S6, "Linear", "backward", "d_in", "not_stored", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_folds_in_sigmoid_derivative", S6, "Linear", "backward", "d_in", "combined", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = (d_out @ self.w) * sigmoid_derivative(self.x_in)
    return self.d_in
"""),
    ("lin_bwd_outer_loop_keeps_last", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        grad_w = np.outer(d_out[i], self.x_in[i])
    self.dw += grad_w
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_cached_input_transpose", S6, "Linear", "backward", "dw", "stale_state", """
def backward(self, d_out):
    if getattr(self, "x_in_t", None) is None:
        self.x_in_t = self.x_in.T      # transpose once and reuse it
    self.dw += (self.x_in_t @ d_out).T
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_einsum_two_batch_indices", S6, "Linear", "backward", "dw", "order", """
def backward(self, d_out):
    self.dw += np.einsum("bo,ci->oi", d_out, self.x_in)
    self.db += np.einsum("bo->o", d_out)[None, :]
    self.d_in = np.einsum("bo,oi->bi", d_out, self.w)
    return self.d_in
"""),
    ("lin_bwd_stacks_into_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.dx = np.vstack([self.dx, d_out @ self.w])
    self.d_in = self.dx
    return self.d_in
"""),
    ("lin_zero_also_forgets_input", S6, "Linear", "zero_gradients", "x_in", "cleared", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
    self.x_in = None   # start clean
"""),
    ("lin_zero_db_from_int_list", S6, "Linear", "zero_gradients", "db", "integer_buffer", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.array([[0] * self.n_out])
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_dw_allocated_once", S6, "Linear", "zero_gradients", "dw", "not_reset", """
def zero_gradients(self):
    if not hasattr(self, "dw"):   # the big buffer is allocated only once
        self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_asarray_aliases_w", S6, "Linear", "zero_gradients", "w", "in_place", """
def zero_gradients(self):
    self.dw = np.asarray(self.w)   # a buffer of the shape of w
    self.dw.fill(0.0)
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_upd_bias_forgotten", S6, "Linear", "update_parameters", "b", "not_computed", """
def update_parameters(self, learning_rate):
    self.w = self.w - learning_rate * self.dw
"""),
    ("lin_upd_bias_plus_equals", S6, "Linear", "update_parameters", "b", "sign", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
    self.b += learning_rate * self.db
"""),
    ("lin_upd_dw_transposed", S6, "Linear", "update_parameters", "w", "transposed", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw.T
    self.b -= learning_rate * self.db
"""),
    ("lin_upd_frees_weight_gradient", S6, "Linear", "update_parameters", "dw", "cleared", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
    self.b -= learning_rate * self.db
    self.dw = None   # large, free it until zero_gradients is called again
"""),
    ("lin_upd_w_local_name", S6, "Linear", "update_parameters", "w", "not_stored", """
def update_parameters(self, learning_rate):
    w = self.w - learning_rate * self.dw
    self.b = self.b - learning_rate * self.db
"""),
    ("mse_est_half_forgotten", S6, "MeanSquareError", "estimate", "estimate", "half_missing", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = (prediction - target) ** 2
    return cost
"""),
    ("mse_est_scalar_mean", S6, "MeanSquareError", "estimate", "estimate", "averaged", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = np.mean(0.5 * (prediction - target) ** 2)
    return cost
"""),
    ("mse_est_summed_per_sample", S6, "MeanSquareError", "estimate", "estimate", "summed", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.sum((prediction - target) ** 2, axis=1)
    return cost
"""),
    ("mse_est_target_attribute_typo", S6, "MeanSquareError", "estimate", "target", "not_stored", """
def estimate(self, target, prediction):
    self.targets = target
    self.prediction = prediction
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_est_difference_in_place", S6, "MeanSquareError", "estimate", "prediction", "in_place", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    diff = prediction
    diff -= target
    cost = 0.5 * diff ** 2
    return cost
"""),
    ("mse_est_row_loop_keeps_last", S6, "MeanSquareError", "estimate", "estimate", "overwritten", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    for p_row, t_row in zip(prediction, target):
        cost = 0.5 * (p_row - t_row) ** 2
    return cost
"""),
    ("mse_grad_target_minus_prediction", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    gradient = self.target - self.prediction
    return gradient
"""),
    ("mse_grad_factor_two", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    gradient = 2 * (self.prediction - self.target)
    return gradient
"""),
    ("mse_grad_returns_cost", S6, "MeanSquareError", "gradient", "gradient", "wrong_return", """
def gradient(self, cost):
    gradient = cost
    return gradient
"""),
    ("mse_grad_divided_by_batch", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    gradient = (self.prediction - self.target) / self.prediction.shape[0]
    return gradient
"""),
    ("mse_grad_includes_sigmoid_slope", S6, "MeanSquareError", "gradient", "gradient", "combined", """
def gradient(self, cost):
    diff = self.prediction - self.target
    gradient = diff * self.prediction * (1 - self.prediction)
    return gradient
"""),
    ("net_fwd_every_layer_gets_input", S6, "Network", "forward", "forward", "not_chained", """
def forward(self, x_in):
    for layer in self.layers:
        x_out = layer.forward(x_in)
    return x_out
"""),
    ("net_fwd_reversed_layers", S6, "Network", "forward", "forward", "order", """
def forward(self, x_in):
    for layer in reversed(self.layers):
        x_in = layer.forward(x_in)
    return x_in
"""),
    ("net_fwd_missing_return", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    for layer in self.layers:
        x_in = layer.forward(x_in)
"""),
    ("net_bwd_not_chained", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in self.layers[::-1]:
        d_in = layer.backward(d_out)
    return d_in
"""),
    ("net_bwd_return_inside_loop", S6, "Network", "backward", "backward", "not_called", """
def backward(self, d_out):
    for layer in reversed(self.layers):
        d_out = layer.backward(d_out)
        return d_out
"""),
    ("net_zero_missing_parentheses", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    for layer in self.layers:
        layer.zero_gradients
"""),
    ("net_zero_lazy_map", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    map(lambda layer: layer.zero_gradients(), self.layers)
"""),
    ("net_upd_zeroes_gradients_after_step", S6, "Network", "update_parameters", "update_parameters", "cleared", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        layer.update_parameters(learning_rate)
        layer.zero_gradients()
"""),
    ("smx_fwd_clipped_logits", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    e = np.exp(np.clip(x_in, -500, 500))
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_normalised_over_batch", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    shifted = x_in - np.max(x_in, axis=0, keepdims=True)
    e = np.exp(shifted)
    self.x_out = e / np.sum(e, axis=0, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_sum_without_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    e = np.exp(x_in - x_in.max(axis=1, keepdims=True))
    self.x_out = e / e.sum(axis=1)
    return self.x_out
"""),
    ("smx_fwd_global_max_shift", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    e = np.exp(x_in - np.max(x_in))
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_result_in_local", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    exps = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exps / np.sum(exps, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_shift_input_in_place", S6, "SoftMax", "forward", "x", "in_place", """
def forward(self, x_in):
    x_in -= np.max(x_in, axis=1, keepdims=True)
    e = np.exp(x_in)
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_exp_forgotten", S6, "SoftMax", "forward", "x_out", "exp_missing", """
def forward(self, x_in):
    self.x_out = x_in / np.sum(x_in, axis=1, keepdims=True)
    return self.x_out
"""),
    ("smx_fwd_row_loop_zeros_like", S6, "SoftMax", "forward", "x_out", "integer_buffer", """
def forward(self, x_in):
    self.x_out = np.zeros_like(x_in)
    for i, row in enumerate(x_in):
        e = np.exp(row - row.max())
        self.x_out[i] = e / e.sum()
    return self.x_out
"""),
    ("smx_bwd_diagonal_only", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    d_in = d_out * self.x_out * (1 - self.x_out)
    return d_in
"""),
    ("smx_bwd_row_sum_without_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    s = np.sum(d_out * self.x_out, axis=1)
    d_in = self.x_out * (d_out - s)
    return d_in
"""),
    ("smx_bwd_sign_flipped", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    weighted = np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * (weighted - d_out)
    return d_in
"""),
    ("smx_bwd_jacobian_loop_overwrites", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for s, g in zip(self.x_out, d_out):
        jacobian = np.diag(s) - np.outer(s, s)
        d_in = jacobian @ g
    return d_in
"""),
    ("smx_bwd_cross_term_missing", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    d_in = self.x_out * d_out
    return d_in
"""),
    ("smx_bwd_subtracts_from_d_out", S6, "SoftMax", "backward", "d_out", "in_place", """
def backward(self, d_out):
    d_out -= np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * d_out
    return d_in
"""),
    ("smx_bwd_jacobians_cached", S6, "SoftMax", "backward", "d_in", "stale_state", """
def backward(self, d_out):
    if getattr(self, "jacobians", None) is None:
        self.jacobians = np.array([np.diag(s) - np.outer(s, s) for s in self.x_out])
    d_in = np.einsum("bij,bj->bi", self.jacobians, d_out)
    return d_in
"""),
    ("smx_bwd_mean_instead_of_sum", S6, "SoftMax", "backward", "d_in", "averaged", """
def backward(self, d_out):
    avg = np.mean(d_out * self.x_out, axis=1, keepdims=True)
    d_in = self.x_out * (d_out - avg)
    return d_in
"""),
    ("ce_est_log_without_eps", S6, "CrossEntropy", "estimate", "estimate", "eps_missing", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in), axis=1)
    return cost
"""),
    ("ce_est_not_summed_over_classes", S6, "CrossEntropy", "estimate", "estimate", "not_summed", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -target * np.log(x_in + self.eps)
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
    ("ce_est_column_of_costs", S6, "CrossEntropy", "estimate", "estimate", "keepdims", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1, keepdims=True)
    return cost
"""),
    ("ce_est_argmax_class_only", S6, "CrossEntropy", "estimate", "estimate", "term_missing", """
import math

def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = np.zeros(target.shape[0])
    for i in range(target.shape[0]):
        k = int(np.argmax(target[i]))      # the true class
        cost[i] = -math.log(x_in[i, k] + self.eps)
    return cost
"""),
    ("ce_grad_minus_forgotten", S6, "CrossEntropy", "gradient", "gradient", "sign", """
def gradient(self, d_out):
    gradient = self.target / (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_without_eps", S6, "CrossEntropy", "gradient", "gradient", "eps_missing", """
def gradient(self, d_out):
    gradient = -self.target / self.x_in
    return gradient
"""),
    ("ce_grad_softmax_shortcut", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    gradient = self.x_in - self.target
    return gradient
"""),
    ("ce_grad_multiplies_by_prediction", S6, "CrossEntropy", "gradient", "gradient", "reciprocal", """
def gradient(self, d_out):
    gradient = -self.target * (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_chain_rule_with_cost", S6, "CrossEntropy", "gradient", "gradient", "factor", """
def gradient(self, d_out):
    local = -self.target / (self.x_in + self.eps)
    gradient = np.reshape(d_out, (-1, 1)) * local
    return gradient
"""),
    ("ce_grad_squared_denominator", S6, "CrossEntropy", "gradient", "gradient", "power", """
def gradient(self, d_out):
    gradient = -self.target / (self.x_in + self.eps) ** 2
    return gradient
"""),
]
