"""Mistakes written after the corpus was measured, to improve the checks on: always in the
``dev`` half (:func:`mutants.half`), so the held-out half stays unseen by that work.

Each entry: (name, session, owner, method, quantity, kind, source), as :data:`mutants.HANDWRITTEN`.
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH = [
    # --- MeanSquareError.gradient (2c): cost = 1/2 (prediction - target)^2 per entry
    ("mse_gradient_squared", S6, "MeanSquareError", "gradient", "gradient", "power", """
def gradient(self, cost):
    return (self.prediction - self.target) ** 2
"""),
    ("mse_gradient_prediction_only", S6, "MeanSquareError", "gradient", "gradient", "term_missing", """
def gradient(self, cost):
    return self.prediction
"""),
    ("mse_gradient_times_cost", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    return cost * (self.prediction - self.target)
"""),
    ("mse_gradient_summed_over_batch", S6, "MeanSquareError", "gradient", "gradient", "shape", """
def gradient(self, cost):
    return np.sum(self.prediction - self.target, axis=0, keepdims=True)
"""),
    ("mse_gradient_mean_over_outputs", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    return (self.prediction - self.target) / self.prediction.shape[1]
"""),
    ("mse_gradient_target_doubled", S6, "MeanSquareError", "gradient", "gradient", "factor", """
def gradient(self, cost):
    return self.prediction - 2 * self.target
"""),
    # --- CrossEntropy.gradient (6c): cost = -sum target log(x_in + eps) per sample
    ("ce_gradient_cost_terms", S6, "CrossEntropy", "gradient", "gradient", "log_missing", """
def gradient(self, d_out):
    return -self.target * np.log(self.x_in + self.eps)
"""),
    ("ce_gradient_binary", S6, "CrossEntropy", "gradient", "gradient", "term_missing", """
def gradient(self, d_out):
    return -(1 - self.target) / (1 - self.x_in + self.eps)
"""),
    ("ce_gradient_times_cost", S6, "CrossEntropy", "gradient", "gradient", "factor", """
def gradient(self, d_out):
    return -self.target / (self.x_in + self.eps) * d_out[:, None]
"""),
    ("ce_gradient_per_sample_sum", S6, "CrossEntropy", "gradient", "gradient", "shape", """
def gradient(self, d_out):
    return -np.sum(self.target / (self.x_in + self.eps), axis=1, keepdims=True)
"""),
    ("ce_gradient_divided_by_classes", S6, "CrossEntropy", "gradient", "gradient", "averaged", """
def gradient(self, d_out):
    return -self.target / (self.x_in + self.eps) / self.x_in.shape[1]
"""),
    ("ce_gradient_reciprocal_squared", S6, "CrossEntropy", "gradient", "gradient", "power", """
def gradient(self, d_out):
    return -self.target / (self.x_in + self.eps) ** 2
"""),
    # --- SoftMax.backward (6d): d_in = x_out * (d_out - sum(d_out * x_out))
    ("softmax_backward_x_out_outside_only", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    return self.x_out * d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True)
"""),
    ("softmax_backward_sum_of_d_out", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    return self.x_out * (d_out - np.sum(d_out, axis=1, keepdims=True))
"""),
    ("softmax_backward_sum_without_d_out", S6, "SoftMax", "backward", "d_in", "term_missing", """
def backward(self, d_out):
    return self.x_out * d_out - self.x_out * np.sum(self.x_out, axis=1, keepdims=True)
"""),
    ("softmax_backward_plus", S6, "SoftMax", "backward", "d_in", "sign", """
def backward(self, d_out):
    return self.x_out * (d_out + np.sum(d_out * self.x_out, axis=1, keepdims=True))
"""),
    ("softmax_backward_first_sample_jacobian", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    s = self.x_out[0]
    jacobian = np.diag(s) - np.outer(s, s)
    return d_out @ jacobian
"""),
    ("softmax_backward_outer_over_batch", S6, "SoftMax", "backward", "d_in", "axis", """
def backward(self, d_out):
    return self.x_out * (d_out - np.sum(d_out * self.x_out))
"""),
    ("softmax_backward_squared_term", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    return self.x_out * d_out - self.x_out ** 2 * d_out
"""),
    # --- Session 5 mse_gradients (2d), cost = 1/2 sum (sigma(z) - target)^2
    ("s5_dw_last_sample_only", S5, None, "mse_gradients", "dw", "overwritten", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.zeros_like(w)
    for i in range(len(x)):
        dw = np.outer(delta[i], x[i])
    db = np.sum(delta, axis=0, keepdims=True)
    return (dw, db)
"""),
    ("s5_delta_uses_sigma_not_derivative", S5, None, "mse_gradients", "dw", "derivative_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_function(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return (dw, db)
"""),
    ("s5_db_over_features", S5, None, "mse_gradients", "db", "axis", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=1, keepdims=True)
    return (dw, db)
"""),
    ("s5_dw_with_z", S5, None, "mse_gradients", "dw", "term_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ z
    db = np.sum(delta, axis=0, keepdims=True)
    return (dw, db)
"""),
    ("s5_dw_first_sample_only", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.outer(delta[0], x[0])
    db = np.sum(delta, axis=0, keepdims=True)
    return (dw, db)
"""),
    # --- Linear.zero_gradients / backward (2d)
    ("linear_zero_gradients_shape_from_n_in", S6, "Linear", "zero_gradients", "dw", "shape", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_in, self.n_out))
    self.db = np.zeros((1, self.n_out))
"""),
    ("linear_zero_gradients_db_is_b", S6, "Linear", "zero_gradients", "db", "in_place", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in))
    self.db = self.b
    self.db *= 0
"""),
    ("linear_zero_gradients_float_size", S6, "Linear", "zero_gradients", "dw", "shape", """
def zero_gradients(self):
    self.dw = np.zeros((self.n_out, self.n_in / 1))
    self.db = np.zeros((1, self.n_out))
"""),
    ("linear_backward_db_mean", S6, "Linear", "backward", "db", "averaged", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.mean(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("linear_backward_dw_last_sample", S6, "Linear", "backward", "dw", "overwritten", """
def backward(self, d_out):
    for i in range(len(d_out)):
        self.dw = np.outer(d_out[i], self.x_in[i])
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("linear_backward_d_in_uses_x_in", S6, "Linear", "backward", "d_in", "wrong_return", """
def backward(self, d_out):
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return self.x_in
"""),
]
