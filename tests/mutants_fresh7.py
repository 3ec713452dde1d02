"""A seventh development corpus of typical first-attempt mistakes (both sessions; 106 written, 51 that
repeat an earlier corpus's source dropped), by a helper who read neither the checks nor the other
corpora nor the history.  Part of :func:`mutants.corpus`, always ``dev`` (:data:`mutants.DEV_CORPORA`);
its first measurement, before any work on it, all 106: 85.1 % diagnosed.

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH7 = [
    ("sigmoid_exp_ratio_everywhere", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    # the hint says sigma(x) = e^x / (1 + e^x), so use that form
    ex = np.exp(x)
    return ex / (1.0 + ex)
"""),
    ("sigmoid_clipped_input", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.clip(x, -20, 20)  # keep np.exp from overflowing, sigma is flat out there anyway
    return 1.0 / (1.0 + np.exp(-x))
"""),
    ("sigmoid_exponent_sign", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    return 1.0 / (1.0 + np.exp(x))
"""),
    ("sigmoid_abs_single_branch", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    # exp of a non-positive number only, as the hint asks
    return 1.0 / (1.0 + np.exp(-np.abs(x)))
"""),
    ("sigmoid_scalar_if", S5, None, "sigmoid_function", "sigmoid", "shape", """
def sigmoid_function(x):
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    else:
        return np.exp(x) / (1.0 + np.exp(x))
"""),
    ("sigmoid_zeros_like_buffer", S5, None, "sigmoid_function", "sigmoid", "integer_buffer", """
def sigmoid_function(x):
    out = np.zeros_like(x)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    ex = np.exp(x[~positive])
    out[~positive] = ex / (1.0 + ex)
    return out
"""),
    ("sigmoid_writes_into_input", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    negative = x < 0
    x[negative] = np.exp(x[negative]) / (1.0 + np.exp(x[negative]))
    x[~negative] = 1.0 / (1.0 + np.exp(-x[~negative]))
    return x
"""),
    ("sigmoid_result_not_returned", S5, None, "sigmoid_function", "sigmoid", "wrong_return", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    result = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
"""),
    ("sigmoid_tanh_identity_no_half", S5, None, "sigmoid_function", "sigmoid", "factor", """
def sigmoid_function(x):
    # tanh never overflows
    return 0.5 * (1.0 + np.tanh(x))
"""),
    ("derivative_formula_on_input", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    return x * (1.0 - x)
"""),
    ("derivative_denominator_not_squared", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    return np.exp(-x) / (1.0 + np.exp(-x))
"""),
    ("derivative_unstable_closed_form", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    return np.exp(-x) / (1.0 + np.exp(-x)) ** 2
"""),
    ("derivative_missing_parentheses", S5, None, "sigmoid_derivative", "derivative", "order", """
def sigmoid_derivative(x):
    return sigmoid_function(x) * 1 - sigmoid_function(x)
"""),
    ("derivative_not_returned", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    derivative = s * (1.0 - s)
"""),
    ("forward_column_convention", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    # z = W x + b, as in the lecture, one column per sample
    z = w @ x.T + b.T
    return sigmoid_function(z)
"""),
    ("forward_loop_keeps_last_sample", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    for i in range(x.shape[0]):
        p = sigmoid_function(x[i:i + 1] @ w.T + b)
    return p
"""),
    ("mse_averaged_over_batch", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    batch_size = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x / batch_size
    db = np.mean(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_db_per_sample", S5, None, "mse_gradients", "db", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta
    return dw, db
"""),
    ("mse_gradient_of_unhalved_cost", S5, None, "mse_gradients", "delta", "factor", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    delta = 2 * (p - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_dw_loop_assigns", S5, None, "mse_gradients", "dw", "overwritten", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.zeros_like(w)
    for i in range(x.shape[0]):
        dw = np.outer(delta[i], x[i])
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_db_without_derivative", S5, None, "mse_gradients", "db", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    dw = ((p - target) * sigmoid_derivative(z)).T @ x
    db = np.sum(p - target, axis=0, keepdims=True)
    return dw, db
"""),
    ("mse_error_built_in_target", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = target
    error -= sigmoid_function(z)     # error = target - p
    delta = -error * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("sgd_bias_without_rate", S5, None, "sgd_step", "b", "factor", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b - db
    return new_w, new_b
"""),
    ("linear_forward_einsum_untransposed", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.einsum('bi,ij->bj', x_in, self.w) + self.b
    return x_out
"""),
    ("linear_forward_no_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.matmul(x_in, self.w.T)
    return x_out
"""),
    ("linear_forward_stores_output", S6, "Linear", "forward", "x_in", "order", """
def forward(self, x_in):
    x_in = x_in @ self.w.T + self.b
    self.x_in = x_in
    x_out = x_in
    return x_out
"""),
    ("linear_forward_stores_input_once", S6, "Linear", "forward", "x_in", "stale_state", """
def forward(self, x_in):
    if self.x_in is None:
        self.x_in = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("linear_backward_db_assigned", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_din_column_convention", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = self.w.T @ d_out.T     # W^T delta
    return self.d_in
"""),
    ("linear_backward_dw_einsum_swapped", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    self.dw += np.einsum('bi,bo->io', self.x_in, d_out)   # i: inputs, o: outputs
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_dw_batch_mean", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch_size = d_out.shape[0]
    self.dw += d_out.T @ self.x_in / batch_size
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_din_stored_as_dx", S6, "Linear", "backward", "d_in", "not_stored", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.dx = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_din_stacked_in_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.dx = np.concatenate([self.dx, d_out @ self.w], axis=0)
    self.d_in = self.dx
    return self.d_in
"""),
    ("linear_backward_loop_skips_first", S6, "Linear", "backward", "dw", "condition", """
def backward(self, d_out):
    for i in range(1, d_out.shape[0]):
        self.dw += np.outer(d_out[i], self.x_in[i])
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_backward_dw_subtracted", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    self.dw -= d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_zero_db_scalar", S6, "Linear", "zero_gradients", "db", "shape", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = 0.0  # broadcasts to the right shape on the first +=
    self.dx = np.empty((0, self.n_in))
"""),
    ("linear_update_weights_ascend", S6, "Linear", "update_parameters", "w", "sign", """
def update_parameters(self, learning_rate):
    self.w += learning_rate * self.dw
    self.b -= learning_rate * self.db
"""),
    ("mse_gradient_includes_sigmoid", S6, "MeanSquareError", "gradient", "gradient", "combined", """
def gradient(self, cost):
    p = self.prediction
    gradient = (p - self.target) * p * (1 - p)
    return gradient
"""),
    ("mse_gradient_returns_cost", S6, "MeanSquareError", "gradient", "gradient", "wrong_return", """
def gradient(self, cost):
    gradient = self.prediction - self.target
    return cost
"""),
    ("network_backward_not_chained", S6, "Network", "backward", "backward", "not_chained", """
def backward(self, d_out):
    for layer in self.layers[::-1]:
        layer.backward(d_out)
    return d_out
"""),
    ("network_backward_range_stops_early", S6, "Network", "backward", "backward", "condition", """
def backward(self, d_out):
    for i in range(len(self.layers) - 1, 0, -1):
        d_out = self.layers[i].backward(d_out)
    return d_out
"""),
    ("network_zero_only_dw", S6, "Network", "zero_gradients", "zero_gradients", "not_reset", """
def zero_gradients(self):
    for layer in self.layers:
        if hasattr(layer, "dw"):
            layer.dw = np.zeros_like(layer.dw)
"""),
    ("network_update_outside_loop", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        pass
    layer.update_parameters(learning_rate)
"""),
    ("network_update_then_zero", S6, "Network", "update_parameters", "update_parameters", "cleared", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        layer.update_parameters(learning_rate)
        layer.zero_gradients()  # gradients are used up now
"""),
    ("softmax_forward_global_max", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in))
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_local_output", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_shifts_input", S6, "SoftMax", "forward", "x", "in_place", """
def forward(self, x_in):
    x_in -= np.max(x_in, axis=1, keepdims=True)
    exponentials = np.exp(x_in)
    self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_forward_shift_numerator_only", S6, "SoftMax", "forward", "x_out", "factor", """
def forward(self, x_in):
    shifted = x_in - x_in.max(axis=1, keepdims=True)
    self.x_out = np.exp(shifted) / np.exp(x_in).sum(axis=1, keepdims=True)
    return self.x_out
"""),
    ("softmax_backward_sum_flat", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    s = self.x_out
    d_in = s * (d_out - np.sum(d_out * s, axis=1))
    return d_in
"""),
    ("softmax_backward_outer_factor_missing", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    d_in = d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
    return d_in
"""),
    ("softmax_backward_jacobian_inner_product", S6, "SoftMax", "backward", "d_in", "transposed", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - s @ s.T
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("softmax_backward_first_sample_jacobian", S6, "SoftMax", "backward", "d_in", "shape", """
def backward(self, d_out):
    s = self.x_out[0]
    jacobian = np.diag(s) - np.outer(s, s)
    d_in = d_out @ jacobian
    return d_in
"""),
    ("softmax_backward_cross_entropy_shortcut", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    # with the cross-entropy, d_out = -target / x_out and d_in = x_out - target
    target = -d_out * self.x_out
    d_in = self.x_out - target
    return d_in
"""),
    ("cross_entropy_estimate_log_of_sum", S6, "CrossEntropy", "estimate", "estimate", "order", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    # picks the probability of the right class
    cost = -np.log(np.sum(target * x_in, axis=1) + self.eps)
    return cost
"""),
    ("cross_entropy_gradient_in_target", S6, "CrossEntropy", "gradient", "target", "in_place", """
def gradient(self, d_out):
    gradient = self.target
    gradient /= self.x_in + self.eps
    gradient *= -1
    return gradient
"""),
]
