"""A fourth development corpus of typical first-attempt mistakes (Session 6; 83 written, 16 that repeat an earlier corpus's source dropped), by a helper
who read neither the checks nor the other corpora.  Part of :func:`mutants.corpus`, always ``dev``
(:data:`mutants.DEV_CORPORA`); its first measurement, before any work on it: 77.6 % diagnosed.

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH4 = [
    ("lin_fwd_reshape_weights_to_fit", S6, "Linear", "forward", "x_out", "transposed", """
def forward(self, x_in):
    self.x_in = x_in
    # w is stored as (n_out, n_in); bring it into (n_in, n_out) so that x_in @ w fits
    w = self.w.reshape(self.n_in, self.n_out)
    x_out = x_in @ w + self.b
    return x_out
"""),
    ("lin_fwd_sample_loop_without_bias", S6, "Linear", "forward", "x_out", "bias_missing", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.zeros((x_in.shape[0], self.n_out))
    for i in range(x_in.shape[0]):
        x_out[i] = np.dot(self.w, x_in[i])
    return x_out
"""),
    ("lin_fwd_list_of_zeros_buffer", S6, "Linear", "forward", "x_out", "integer_buffer", """
def forward(self, x_in):
    self.x_in = x_in
    batch_size = len(x_in)
    x_out = np.array([[0] * self.n_out] * batch_size)
    for n in range(batch_size):
        x_out[n, :] = self.w @ x_in[n, :] + self.b[0]
    return x_out
"""),
    ("lin_fwd_store_input_only_once", S6, "Linear", "forward", "x_in", "stale_state", """
def forward(self, x_in):
    # x_in is None until the first forward pass
    if self.x_in is None:
        self.x_in = x_in
    x_out = x_in @ self.w.T + self.b
    return x_out
"""),
    ("lin_fwd_input_under_other_name", S6, "Linear", "forward", "x_in", "not_stored", """
def forward(self, x_in):
    self.x_input = x_in
    x_out = np.dot(x_in, self.w.T) + self.b
    return x_out
"""),
    ("lin_fwd_einsum_without_batch_index", S6, "Linear", "forward", "x_out", "summed", """
def forward(self, x_in):
    self.x_in = x_in
    x_out = np.einsum('bi,oi->o', x_in, self.w) + self.b
    return x_out
"""),
    ("lin_bwd_outer_per_sample_assigned", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    for i in range(d_out.shape[0]):
        self.dw = np.outer(d_out[i], self.x_in[i])
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_is_just_the_sum", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = d_out.sum(axis=0).reshape(1, -1)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_reshaped_into_place", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    # x_in.T @ d_out is (n_in, n_out); reshape it to the shape of dw
    self.dw += (self.x_in.T @ d_out).reshape(self.n_out, self.n_in)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_per_sample_average", S6, "Linear", "backward", "dw", "averaged", """
def backward(self, d_out):
    batch_size = self.x_in.shape[0]
    self.dw += np.dot(d_out.T, self.x_in) / batch_size
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = np.dot(d_out, self.w)
    return self.d_in
"""),
    ("lin_bwd_db_batch_mean", S6, "Linear", "backward", "db", "averaged", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.mean(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_db_summed_over_features", S6, "Linear", "backward", "db", "axis", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db = self.db + np.sum(d_out, axis=1, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dw_added_to_local_copy", S6, "Linear", "backward", "dw", "not_computed", """
def backward(self, d_out):
    dw = self.dw
    db = self.db
    dw = dw + d_out.T @ self.x_in
    db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_input_gradients_collected_in_dx", S6, "Linear", "backward", "d_in", "accumulating", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += d_out.sum(axis=0, keepdims=True)
    # dx starts as an empty (0, n_in) array: collect the input gradients in it
    self.dx = np.vstack([self.dx, d_out @ self.w])
    self.d_in = self.dx
    return self.d_in
"""),
    ("lin_bwd_activation_derivative_folded_in", S6, "Linear", "backward", "d_in", "combined", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    # chain rule through the activation in front of this layer
    self.d_in = (d_out @ self.w) * sigmoid_derivative(self.x_in)
    return self.d_in
"""),
    ("lin_bwd_contiguous_transpose_cached", S6, "Linear", "backward", "d_in", "stale_state", """
def backward(self, d_out):
    if not hasattr(self, 'w_t'):
        # contiguous copy of the transposed weights, computed once for speed
        self.w_t = np.ascontiguousarray(self.w.T)
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = (self.w_t @ d_out.T).T
    return self.d_in
"""),
    ("lin_bwd_einsum_output_index_lost", S6, "Linear", "backward", "d_in", "shape", """
def backward(self, d_out):
    self.dw += np.einsum('bo,bi->oi', d_out, self.x_in)
    self.db += np.einsum('bo->o', d_out)
    self.d_in = np.einsum('bo,oi->b', d_out, self.w)
    return self.d_in
"""),
    ("lin_bwd_descent_sign_in_dw", S6, "Linear", "backward", "dw", "sign", """
def backward(self, d_out):
    # we go downhill, so the weight gradient is subtracted
    self.dw -= np.dot(d_out.T, self.x_in)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = np.dot(d_out, self.w)
    return self.d_in
"""),
    ("lin_bwd_db_from_last_loop_sample", S6, "Linear", "backward", "db", "overwritten", """
def backward(self, d_out):
    for i in range(len(d_out)):
        self.dw += np.outer(d_out[i], self.x_in[i])
        db = d_out[i]
    self.db += db
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_d_in_weights_reshaped", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    # (n_in, n_out) @ (n_out, batch) -> (n_in, batch), then back to batch first
    self.d_in = (self.w.reshape(self.n_in, self.n_out) @ d_out.T).T
    return self.d_in
"""),
    ("lin_bwd_d_in_divided_by_batch", S6, "Linear", "backward", "d_in", "averaged", """
def backward(self, d_out):
    n = d_out.shape[0]
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w / n
    return self.d_in
"""),
    ("lin_bwd_free_stored_input", S6, "Linear", "backward", "x_in", "cleared", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    self.x_in = None  # the batch is not needed any more, free the memory
    return self.d_in
"""),
    ("lin_bwd_outer_of_batch_sums", S6, "Linear", "backward", "dw", "summed", """
def backward(self, d_out):
    # summed over the batch
    self.dw += np.outer(d_out.sum(axis=0), self.x_in.sum(axis=0))
    self.db += d_out.sum(axis=0, keepdims=True)
    self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("lin_bwd_dot_weights_first", S6, "Linear", "backward", "d_in", "transposed", """
def backward(self, d_out):
    self.dw += np.dot(d_out.T, self.x_in)
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = np.dot(self.w.T, d_out.T)
    return self.d_in
"""),
    ("lin_bwd_d_in_buffer_is_x_in", S6, "Linear", "backward", "x_in", "in_place", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.d_in = self.x_in  # same shape as the input
    self.d_in[:] = d_out @ self.w
    return self.d_in
"""),
    ("lin_zero_dw_shaped_like_w_t", S6, "Linear", "zero_gradients", "dw", "transposed", """
def zero_gradients(self):
    self.dw = np.zeros_like(self.w.T)
    self.db = np.zeros_like(self.b)
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_zero_single_precision", S6, "Linear", "zero_gradients", "dw", "dtype", """
def zero_gradients(self):
    # float32 is enough for gradients and halves the memory
    self.dw = np.zeros((self.n_out, self.n_in), dtype=np.float32)
    self.db = np.zeros((1, self.n_out))
    self.dx = np.empty((0, self.n_in))
"""),
    ("lin_update_w_rebound_locally", S6, "Linear", "update_parameters", "w", "not_computed", """
def update_parameters(self, learning_rate):
    w, b = self.w, self.b
    w = w - learning_rate * self.dw
    b -= learning_rate * self.db
"""),
    ("mse_est_mean_per_sample", S6, "MeanSquareError", "estimate", "estimate", "averaged", """
def estimate(self, target, prediction):
    self.target = target
    self.prediction = prediction
    cost = 0.5 * np.mean((prediction - target) ** 2, axis=1)
    return cost
"""),
    ("mse_est_only_prediction_stored", S6, "MeanSquareError", "estimate", "target", "not_stored", """
def estimate(self, target, prediction):
    self.prediction = prediction
    cost = 0.5 * (prediction - target) ** 2
    return cost
"""),
    ("mse_grad_root_of_cost", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    # cost = 0.5 * (p - t)**2, hence p - t = sqrt(2 * cost)
    gradient = np.sqrt(2 * cost)
    return gradient
"""),
    ("mse_grad_derivative_of_plain_square", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    # d/dp (p - t)^2 = 2 (p - t)
    gradient = 2 * (self.prediction - self.target)
    return gradient
"""),
    ("net_fwd_return_inside_loop", S6, "Network", "forward", "forward", "wrong_return", """
def forward(self, x_in):
    x = x_in
    for layer in self.layers:
        x = layer.forward(x)
        return x
"""),
    ("net_bwd_returns_incoming_gradient", S6, "Network", "backward", "backward", "wrong_return", """
def backward(self, d_out):
    grad = d_out
    for layer in self.layers[::-1]:
        grad = layer.backward(grad)
    return d_out
"""),
    ("net_zero_only_weight_gradients", S6, "Network", "zero_gradients", "zero_gradients", "not_reset", """
def zero_gradients(self):
    for layer in self.layers:
        if hasattr(layer, 'dw'):
            layer.dw = np.zeros_like(layer.dw)
"""),
    ("net_update_skips_last_layer", S6, "Network", "update_parameters", "update_parameters", "not_called", """
def update_parameters(self, learning_rate):
    # the last layer is the activation, it has nothing to learn
    for layer in self.layers[:-1]:
        layer.update_parameters(learning_rate)
"""),
    ("net_update_only_layers_with_weights", S6, "Network", "update_parameters", "update_parameters", "condition", """
def update_parameters(self, learning_rate):
    for layer in self.layers:
        if hasattr(layer, 'w'):
            layer.update_parameters(learning_rate)
"""),
    ("sm_fwd_plain_exponentials", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    exps = np.exp(x_in)
    self.x_out = exps / np.sum(exps, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_shift_by_batch_maximum", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    exps = np.exp(x_in - np.max(x_in))
    self.x_out = exps / np.sum(exps, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_normalised_over_batch", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    shifted = x_in - x_in.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    self.x_out = exps / exps.sum(axis=0, keepdims=True)
    return self.x_out
"""),
    ("sm_fwd_local_result_returned", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    e = np.exp(x_in - x_in.max(axis=1, keepdims=True))
    x_out = e / e.sum(axis=1, keepdims=True)
    return x_out
"""),
    ("sm_fwd_running_total_across_rows", S6, "SoftMax", "forward", "x_out", "accumulating", """
def forward(self, x_in):
    self.x_out = np.zeros(x_in.shape)
    total = 0
    for i in range(x_in.shape[0]):
        e = np.exp(x_in[i] - np.max(x_in[i]))
        total += np.sum(e)
        self.x_out[i] = e / total
    return self.x_out
"""),
    ("sm_fwd_inputs_clipped", S6, "SoftMax", "forward", "x_out", "overflow", """
def forward(self, x_in):
    x = np.clip(x_in, -100, 100)  # keeps exp from overflowing
    e = np.exp(x)
    self.x_out = e / np.sum(e, axis=1, keepdims=True)
    return self.x_out
"""),
    ("sm_bwd_sigmoid_style_derivative", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    # like the sigmoid: s * (1 - s)
    d_in = d_out * self.x_out * (1 - self.x_out)
    return d_in
"""),
    ("sm_bwd_jacobian_with_inner_product", S6, "SoftMax", "backward", "d_in", "summed", """
def backward(self, d_out):
    d_in = np.zeros_like(d_out)
    for i in range(d_out.shape[0]):
        s = self.x_out[i]
        jacobian = np.diag(s) - np.dot(s, s)
        d_in[i] = jacobian @ d_out[i]
    return d_in
"""),
    ("sm_bwd_jacobian_loop_keeps_last", S6, "SoftMax", "backward", "d_in", "overwritten", """
def backward(self, d_out):
    for s, d in zip(self.x_out, d_out):
        jacobian = np.diag(s) - np.outer(s, s)
        d_in = jacobian @ d
    return d_in
"""),
    ("sm_bwd_jacobian_off_diagonal_only", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    rows = []
    for s, d in zip(self.x_out, d_out):
        jacobian = -np.outer(s, s)  # ds_i / dx_j = -s_i s_j
        rows.append(jacobian @ d)
    d_in = np.array(rows)
    return d_in
"""),
    ("sm_bwd_dot_summed_over_batch", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=0, keepdims=True))
    return d_in
"""),
    ("sm_bwd_dot_without_keepdims", S6, "SoftMax", "backward", "d_in", "keepdims", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.sum(self.x_out * d_out, axis=1))
    return d_in
"""),
    ("sm_bwd_softmax_cross_entropy_shortcut", S6, "SoftMax", "backward", "d_in", "combined", """
def backward(self, d_out):
    # soft max followed by cross entropy: the gradient simplifies to s - y
    d_in = self.x_out - d_out
    return d_in
"""),
    ("sm_bwd_einsum_jacobian_without_eye", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    s = self.x_out
    jacobian = s[:, :, None] - np.einsum('bi,bj->bij', s, s)
    d_in = np.einsum('bij,bj->bi', jacobian, d_out)
    return d_in
"""),
    ("sm_bwd_multiplies_into_x_out", S6, "SoftMax", "backward", "x_out", "in_place", """
def backward(self, d_out):
    d_in = self.x_out
    d_in *= d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
    return d_in
"""),
    ("sm_bwd_mean_instead_of_dot", S6, "SoftMax", "backward", "d_in", "averaged", """
def backward(self, d_out):
    d_in = self.x_out * (d_out - np.mean(d_out * self.x_out, axis=1, keepdims=True))
    return d_in
"""),
    ("sm_bwd_jacobians_built_once", S6, "SoftMax", "backward", "d_in", "stale_state", """
def backward(self, d_out):
    if not hasattr(self, 'jacobians'):
        self.jacobians = np.array([np.diag(s) - np.outer(s, s) for s in self.x_out])
    d_in = np.einsum('bij,bj->bi', self.jacobians, d_out)
    return d_in
"""),
    ("ce_est_one_number_for_batch", S6, "CrossEntropy", "estimate", "estimate", "summed", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps))
    return cost
"""),
    ("ce_est_summed_over_samples", S6, "CrossEntropy", "estimate", "estimate", "axis", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=0)
    return cost
"""),
    ("ce_est_picks_argmax_class", S6, "CrossEntropy", "estimate", "estimate", "condition", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    labels = np.argmax(target, axis=1)
    cost = -np.log(x_in[np.arange(len(labels)), labels] + self.eps)
    return cost
"""),
    ("ce_est_prediction_attribute_from_mse", S6, "CrossEntropy", "estimate", "prediction", "not_stored", """
def estimate(self, target, x_in):
    self.target = target
    self.prediction = x_in
    cost = -np.sum(target * np.log(x_in + self.eps), axis=1)
    return cost
"""),
    ("ce_est_decimal_logarithm", S6, "CrossEntropy", "estimate", "estimate", "factor", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    cost = -np.sum(target * np.log10(x_in + self.eps), axis=1)
    return cost
"""),
    ("ce_est_sample_loop_keeps_last", S6, "CrossEntropy", "estimate", "estimate", "overwritten", """
def estimate(self, target, x_in):
    self.target = target
    self.x_in = x_in
    for i in range(len(target)):
        cost = -np.sum(target[i] * np.log(x_in[i] + self.eps))
    return cost
"""),
    ("ce_grad_softmax_shortcut", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    # the well-known gradient of soft max with cross entropy
    gradient = self.x_in - self.target
    return gradient
"""),
    ("ce_grad_returns_the_loss_terms", S6, "CrossEntropy", "gradient", "gradient", "derivative_missing", """
def gradient(self, d_out):
    gradient = -self.target * np.log(self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_chained_with_cost", S6, "CrossEntropy", "gradient", "gradient", "factor", """
def gradient(self, d_out):
    # chain rule: multiply by the incoming value, one per sample
    gradient = -d_out[:, None] * self.target / (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_batch_mean", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    batch_size = self.target.shape[0]
    gradient = -self.target / (self.x_in + self.eps) / batch_size
    return gradient
"""),
    ("ce_grad_target_dropped", S6, "CrossEntropy", "gradient", "gradient", "term_missing", """
def gradient(self, d_out):
    # d/dp -log(p) = -1/p
    gradient = -1.0 / (self.x_in + self.eps)
    return gradient
"""),
    ("ce_grad_sample_loop_assigned", S6, "CrossEntropy", "gradient", "gradient", "overwritten", """
def gradient(self, d_out):
    for i in range(self.target.shape[0]):
        gradient = -self.target[i] / (self.x_in[i] + self.eps)
    return gradient
"""),
    ("ce_grad_zeros_like_target", S6, "CrossEntropy", "gradient", "gradient", "integer_buffer", """
def gradient(self, d_out):
    gradient = np.zeros_like(self.target)
    hot = self.target != 0  # avoid dividing where the target is zero anyway
    gradient[hot] = -self.target[hot] / (self.x_in[hot] + self.eps)
    return gradient
"""),
]
