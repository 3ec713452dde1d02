"""A sixth development corpus of typical first-attempt mistakes (both sessions; 101 written, 33 that
repeat an earlier corpus's source dropped), by a helper who read neither the checks nor the other
corpora nor the history.  Part of :func:`mutants.corpus`, always ``dev`` (:data:`mutants.DEV_CORPORA`);
its first measurement, before any work on it, all 101: 90.3 % diagnosed.  One entry left out since:
a cache keyed on id(x) alone, which behaves one way or the other as CPython reuses the id of a freed
array (a mutant whose verdict changed from run to run).

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH6 = [
    ("sigmoid_exp_ratio_overflows_for_large_x", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    # the hint says sigma(x) = e^x / (1 + e^x), so use that form everywhere
    x = np.asarray(x, dtype=float)
    e = np.exp(x)
    return e / (1.0 + e)
"""),
    ("sigmoid_stable_branches_swapped", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    # e/(1+e) for the positive side, 1/(1+e) for the negative side -- mixed up
    return np.where(x >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
"""),
    ("sigmoid_abs_without_negative_branch", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    # exp of a non-positive number never overflows -- done
    x = np.asarray(x, dtype=float)
    return 1.0 / (1.0 + np.exp(-np.abs(x)))
"""),
    ("sigmoid_loop_writes_into_callers_array", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    for idx in np.ndindex(x.shape):
        v = x[idx]
        if v >= 0:
            x[idx] = 1.0 / (1.0 + np.exp(-v))
        else:
            x[idx] = np.exp(v) / (1.0 + np.exp(v))
    return x
"""),
    ("sigmoid_float32_for_speed", S5, None, "sigmoid_function", "sigmoid", "dtype", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=np.float32)  # float32 is faster and enough for images
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
"""),
    ("sigmoid_empty_like_keeps_integer_dtype", S5, None, "sigmoid_function", "sigmoid", "integer_buffer", """
def sigmoid_function(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
"""),
    ("sigmoid_tanh_identity_without_half_argument", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    # tanh never overflows: sigma(x) = (1 + tanh(x)) / 2   (should be tanh(x / 2))
    return 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=float)))
"""),
    ("sigmoid_list_comprehension_flattens", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    def one(v):
        if v >= 0:
            return 1.0 / (1.0 + np.exp(-v))
        return np.exp(v) / (1.0 + np.exp(v))
    return np.array([one(v) for v in np.ravel(x)])
"""),
    ("derivative_of_output_convention", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    # sigma' = sigma (1 - sigma), and x is the sigmoid here (textbook convention)
    return x * (1.0 - x)
"""),
    ("derivative_mixes_input_and_output", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (1.0 - x)
"""),
    ("derivative_exp_quotient_overflows", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    # quotient rule: d/dx (1 + e^-x)^-1 = e^-x / (1 + e^-x)^2
    e = np.exp(-np.asarray(x, dtype=float))
    return e / (1.0 + e) ** 2
"""),
    ("derivative_s_times_s_minus_one", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    return s * (s - 1.0)
"""),
    ("derivative_cached_by_shape", S5, None, "sigmoid_derivative", "derivative", "stale_state", """
def sigmoid_derivative(x, _cache={}):
    # the derivative is needed for every batch -- keep it instead of recomputing
    key = np.shape(x)
    if key not in _cache:
        s = sigmoid_function(x)
        _cache[key] = s * (1.0 - s)
    return _cache[key]
"""),
    ("derivative_zeros_like_integer_input", S5, None, "sigmoid_derivative", "derivative", "integer_buffer", """
def sigmoid_derivative(x):
    out = np.zeros_like(x)
    s = sigmoid_function(x)
    out[...] = s * (1.0 - s)
    return out
"""),
    ("forward_column_vector_convention", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    # textbook: z = W x + b with x a column
    return sigmoid_function(w @ x.T + b.T)
"""),
    ("forward_without_bias", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T)
"""),
    ("forward_returns_pre_activation", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    z = x @ w.T + b
    return z
"""),
    ("forward_triple_loop_adds_bias_per_input", S5, None, "forward", "forward", "factor", """
def forward(x, w, b):
    out = np.zeros((x.shape[0], w.shape[0]))
    for i in range(x.shape[0]):
        for k in range(w.shape[0]):
            z = 0.0
            for j in range(x.shape[1]):
                z += x[i, j] * w[k, j] + b[0, k]
            out[i, k] = sigmoid_function(z)
    return out
"""),
    ("forward_bias_transposed_broadcasts", S5, None, "forward", "forward", "shape", """
def forward(x, w, b):
    return sigmoid_function(x @ w.T + b.T)
"""),
    ("mse_delta_without_sigmoid_derivative", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_target_minus_prediction", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (target - sigmoid_function(z)) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_db_loses_row_dimension", S5, None, "mse_gradients", "db", "keepdims", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0)
    return dw, db
"""),
    ("mse_db_summed_to_scalar", S5, None, "mse_gradients", "db", "summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta)  # summed over the batch
    return dw, db
"""),
    ("mse_z_without_bias", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T  # b only shifts z, its gradient is db
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_factor_two_from_square", S5, None, "mse_gradients", "delta", "half_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    # d/dp (p - t)^2 = 2 (p - t)
    delta = 2.0 * (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_loop_over_samples_overwrites", S5, None, "mse_gradients", "delta", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        xi = x[i:i + 1]
        zi = xi @ w.T + b
        delta = (sigmoid_function(zi) - target[i:i + 1]) * sigmoid_derivative(zi)
        dw = delta.T @ xi
        db = delta
    return dw, db
"""),
    ("mse_einsum_keeps_batch_index", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = np.einsum('bi,oi->bo', x, w) + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum('bo,bi->boi', delta, x)
    db = np.einsum('bo->o', delta)[None, :]
    return dw, db
"""),
    ("mse_broadcast_outer_sums_wrong_axis", S5, None, "mse_gradients", "dw", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    outer = delta[:, :, None] * x[:, None, :]  # (batch, n_out, n_in)
    dw = np.sum(outer, axis=1)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_subtract_into_target_buffer", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = np.subtract(sigmoid_function(z), target, out=target)  # no temporary array
    delta *= sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("sgd_assignment_is_not_a_copy", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w
    new_w -= learning_rate * dw
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_bias_gradient_summed_again", S5, None, "sgd_step", "b", "summed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b - learning_rate * db.sum()  # the bias gradient is summed over the batch
    return new_w, new_b
"""),
    ("sgd_bias_gradient_as_column", S5, None, "sgd_step", "b", "transposed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b - learning_rate * db.T  # biases are column vectors
    return new_w, new_b
"""),
    ("linear_forward_column_convention", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = self.w @ x_in.T + self.b.T  # y = W x + b
    return x_out
"""),
    ("linear_forward_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = x_in @ self.w.T
    return x_out
"""),
    ("linear_forward_forgets_to_store_input", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("linear_forward_stores_input_pretransposed", S6, "Linear", "forward", "x_in", "transposed", """
def forward(self, x_in):
    self.x_in = x_in.T  # backward needs x^T anyway
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("linear_forward_caches_output_for_same_batch", S6, "Linear", "forward", "x_out", "stale_state", """
def forward(self, x_in):
    if x_in is self.x_in and getattr(self, "_x_out", None) is not None:
        return self._x_out  # same batch as last time
    self.x_in = x_in
    self._x_out = x_in @ self.w.T + self.b
    return self._x_out
"""),
    ("linear_backward_db_adds_whole_batch", S6, "Linear", "backward", "db", "not_summed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = self.db + d_out
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_applies_sigmoid_derivative", S6, "Linear", "backward", "d_in", "combined", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    # chain rule through the activation as well
    self.d_in = (d_out @ self.w) * sigmoid_derivative(self.x_in)
    return self.d_in
"""),
    ("linear_backward_caches_weight_transpose", S6, "Linear", "backward", "d_in", "stale_state", """
def backward(self, d_out):
    if getattr(self, "_w_t", None) is None:
        self._w_t = np.ascontiguousarray(self.w.T)  # contiguous copy, faster matmul
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self._w_t.T
    return self.d_in
"""),
    ("linear_backward_concatenates_into_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    # accumulate like dw and db, into the buffer zero_gradients prepares
    self.dx = np.concatenate([self.dx, d_out @ self.w], axis=0)
    self.d_in = self.dx
    return self.d_in
"""),
    ("linear_backward_dw_minus_equals", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in  # we go down the gradient
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_sample_loop_d_in_overwritten", S6, "Linear", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        self.dw += np.outer(d_out[i], self.x_in[i])
        self.db += d_out[i]
        self.d_in = d_out[i] @ self.w
    return self.d_in
"""),
    ("linear_backward_frees_input", S6, "Linear", "backward", "x_in", "cleared", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    self.x_in = None  # not needed any more, free the memory
    return self.d_in
"""),
    ("linear_zero_gradients_reuses_dw_buffer", S6, "Linear", "zero_gradients", "dw", "not_reset", """
def zero_gradients(self):
    # reuse the big weight-gradient buffer instead of allocating it for every batch
    if getattr(self, "dw", None) is None:
        self.dw = np.zeros((self.n_out, self.n_in))
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("linear_zero_gradients_dw_shape_swapped", S6, "Linear", "zero_gradients", "dw", "transposed", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_in, self.n_out))
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("linear_update_weights_only", S6, "Linear", "update_parameters", "b", "bias_missing", """
def update_parameters(self, learning_rate):
    self.w -= learning_rate * self.dw
"""),
    ("linear_update_bias_inside_row_loop", S6, "Linear", "update_parameters", "b", "factor", """
def update_parameters(self, learning_rate):
    for k in range(self.n_out):
        self.w[k] -= learning_rate * self.dw[k]
        self.b -= learning_rate * self.db
"""),
    ("mse_estimate_returns_total", S6, "MeanSquareError", "estimate", "estimate", "summed", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = np.sum(0.5 * (prediction - target) ** 2)
    return cost
"""),
    ("mse_estimate_stores_only_target", S6, "MeanSquareError", "estimate", "prediction", "not_stored", """
def estimate(self, target, prediction):
    self.target = target
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_gradient_from_cost_sqrt", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    # cost = (p - t)^2 / 2, so p - t = sqrt(2 cost)
    gradient = np.sqrt(2 * cost)
    return gradient
"""),
    ("mse_gradient_subtracts_into_prediction", S6, "MeanSquareError", "gradient", "prediction", "in_place", """
def gradient(self, cost):
    self.prediction -= self.target  # no new array
    gradient = self.prediction
    return gradient
"""),
    ("network_forward_skips_last_layer", S6, "Network", "forward", "forward", "not_called", """
def forward(self, x_in):
    # the last layer's output is the prediction
    for layer in self.layers[:-1]:
        x_in = layer.forward(x_in)
    return x_in
"""),
    ("network_zero_gradients_only_once", S6, "Network", "zero_gradients", "zero_gradients", "not_reset", """
def zero_gradients(self):
    if getattr(self, "_zeroed", False):
        return  # the layers start with zero gradients already
    for layer in self.layers:
        layer.zero_gradients()
    self._zeroed = True
"""),
    ("network_update_also_zeroes_gradients", S6, "Network", "update_parameters", "update_parameters", "cleared", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        layer.update_parameters(learning_rate)
        layer.zero_gradients()  # used up, start fresh
"""),
    ("softmax_forward_without_max_shift", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_normalises_over_batch", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=0, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=0, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_sum_without_keepdims", S6, "SoftMax", "forward", "x_out", "keepdims", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    self.x_out = exponentials / np.sum(exponentials, axis=1)
    return self.x_out
"""),
    ("softmax_forward_normalises_raw_scores", S6, "SoftMax", "forward", "x_out", "exp_missing", """
def forward(self, x_in):
    shifted = x_in - np.max(x_in, axis=1, keepdims=True)
    self.x_out = shifted / np.sum(shifted, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_shifts_input_in_place", S6, "SoftMax", "forward", "x_in", "in_place", """
def forward(self, x_in):
    x_in -= np.max(x_in, axis=1, keepdims=True)  # saves a copy
    np.exp(x_in, out=x_in)
    self.x_out = x_in / np.sum(x_in, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_backward_diagonal_only", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    # like the sigmoid: s' = s (1 - s)
    d_in = d_out * self.x_out * (1 - self.x_out)
    return d_in
"""),
    ("softmax_backward_sum_without_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1))
    return d_in
"""),
    ("softmax_backward_jacobian_loop_inner_product", S6, "SoftMax", "backward", "d_in", "summed", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - s @ s  # s s^T
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("softmax_backward_sign_of_projection", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    d_in = self.x_out * (np.sum(d_out * self.x_out, axis=1, keepdims=True) - d_out)
    return d_in
"""),
    ("softmax_backward_reuses_d_out_buffer", S6, "SoftMax", "backward", "d_out", "in_place", """
def backward(self, d_out):
    d_out -= np.sum(d_out * self.x_out, axis=1, keepdims=True)
    d_out *= self.x_out
    d_in = d_out
    return d_in
"""),
    ("softmax_backward_assumes_cross_entropy", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    # with the cross-entropy, sum_j d_out_j s_j = -sum_j t_j = -1, so d_in = s * (d_out + 1) = s - t
    d_in = self.x_out * (d_out + 1)
    return d_in
"""),
    ("cross_entropy_gradient_softmax_shortcut", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    # softmax + cross-entropy: the gradient is prediction - target
    gradient = self.x_in - self.target
    return gradient
"""),
]
