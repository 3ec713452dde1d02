"""A fifth development corpus of typical first-attempt mistakes (Session 5; 74 written, 8 that repeat an earlier corpus's source dropped), by a helper
who read neither the checks nor the other corpora.  Part of :func:`mutants.corpus`, always ``dev``
(:data:`mutants.DEV_CORPORA`); its first measurement, before any work on it: 80.3 % diagnosed.

Each entry: (name, session, owner, method, quantity, kind, source).
"""

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

FRESH5 = [
    ("sig_ratio_form_inf_over_inf", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    # the hint's form e^x / (1 + e^x), used everywhere
    ex = np.exp(x)
    return ex / (1 + ex)
"""),
    ("sig_math_exp_elementwise_loop", S5, None, "sigmoid_function", "sigmoid", "overflow", """
import math

def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        out[idx] = 1.0 / (1.0 + math.exp(-x[idx]))
    return out
"""),
    ("sig_mask_weighted_sum_nan", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    pos = (x >= 0).astype(float)
    neg = 1.0 - pos
    # pick each branch by multiplying with a 0/1 mask
    return pos * (1.0 / (1.0 + np.exp(-x))) + neg * (np.exp(x) / (1.0 + np.exp(x)))
"""),
    ("sig_clipped_input", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    # keep the exponent small so that np.exp cannot overflow
    x = np.clip(x, -10, 10)
    return 1.0 / (1.0 + np.exp(-x))
"""),
    ("sig_boolean_mask_writes_into_x", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    pos = x >= 0
    neg = ~pos
    x[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[neg])
    x[neg] = ex / (1.0 + ex)
    return x
"""),
    ("sig_where_branches_for_wrong_sign", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    # negative x: the plain formula; positive x: the hint's form
    return np.where(x < 0, 1.0 / (1.0 + e), e / (1.0 + e))
"""),
    ("sig_piecewise_misses_zero", S5, None, "sigmoid_function", "sigmoid", "condition", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    return np.piecewise(
        x,
        [x > 0, x < 0],
        [lambda v: 1.0 / (1.0 + np.exp(-v)), lambda v: np.exp(v) / (1.0 + np.exp(v))],
    )
"""),
    ("sig_zeros_like_keeps_int", S5, None, "sigmoid_function", "sigmoid", "integer_buffer", """
def sigmoid_function(x):
    x = np.asarray(x)
    out = np.zeros_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
"""),
    ("sig_tanh_without_half_argument", S5, None, "sigmoid_function", "sigmoid", "half_missing", """
def sigmoid_function(x):
    # tanh never overflows: sigma(x) = (1 + tanh(x)) / 2
    return 0.5 * (1.0 + np.tanh(np.asarray(x, dtype=float)))
"""),
    ("sig_positive_branch_exp_plus_x", S5, None, "sigmoid_function", "sigmoid", "sign", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out
"""),
    ("sig_logaddexp_not_negated", S5, None, "sigmoid_function", "sigmoid", "reciprocal", """
def sigmoid_function(x):
    # log(1 + e^-x) computed stably with logaddexp, then undo the log
    return np.exp(np.logaddexp(0.0, -np.asarray(x, dtype=float)))
"""),
    ("sig_cache_keyed_by_shape", S5, None, "sigmoid_function", "sigmoid", "stale_state", """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    cache = getattr(sigmoid_function, "_cache", None)
    if cache is not None and cache[0] == x.shape:
        return cache[1]  # same batch as last time, no need to recompute
    e = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    sigmoid_function._cache = (x.shape, s)
    return s
"""),
    ("sig_math_list_loses_shape", S5, None, "sigmoid_function", "sigmoid", "shape", """
import math

def sigmoid_function(x):
    values = []
    for v in np.ravel(x):
        if v >= 0:
            values.append(1.0 / (1.0 + math.exp(-v)))
        else:
            ev = math.exp(v)
            values.append(ev / (1.0 + ev))
    return np.array(values)
"""),
    ("der_treats_x_as_sigmoid_output", S5, None, "sigmoid_derivative", "derivative", "sigmoid_missing", """
def sigmoid_derivative(x):
    # sigma' = sigma (1 - sigma)
    x = np.asarray(x, dtype=float)
    return x * (1.0 - x)
"""),
    ("der_sigma_x_times_sigma_x", S5, None, "sigmoid_derivative", "derivative", "sign", """
def sigmoid_derivative(x):
    # sigma(x) (1 - sigma(x)) = sigma(x) sigma(-x)
    return sigmoid_function(x) * sigmoid_function(x)
"""),
    ("der_quotient_rule_overflow", S5, None, "sigmoid_derivative", "derivative", "overflow", """
def sigmoid_derivative(x):
    e = np.exp(-np.asarray(x, dtype=float))
    return e / (1.0 + e) ** 2
"""),
    ("der_stable_quotient_no_square", S5, None, "sigmoid_derivative", "derivative", "power", """
def sigmoid_derivative(x):
    # sigma' is symmetric, so use |x|: the exponent is never positive
    e = np.exp(-np.abs(np.asarray(x, dtype=float)))
    return e / (1.0 + e)
"""),
    ("der_tanh_chain_factor_half", S5, None, "sigmoid_derivative", "derivative", "factor", """
def sigmoid_derivative(x):
    # sigma(x) = (1 + tanh(x / 2)) / 2
    t = np.tanh(np.asarray(x, dtype=float) / 2.0)
    return 0.5 * (1.0 - t ** 2)
"""),
    ("der_one_minus_sigma_only", S5, None, "sigmoid_derivative", "derivative", "term_missing", """
def sigmoid_derivative(x):
    # d/dx (1 + e^-x)^-1 = e^-x / (1 + e^-x) = 1 - sigma(x)
    return 1.0 - sigmoid_function(x)
"""),
    ("der_reuses_input_buffer", S5, None, "sigmoid_derivative", "x", "in_place", """
def sigmoid_derivative(x):
    s = np.asarray(x)
    s[...] = sigmoid_function(s)  # no extra array
    s *= 1.0 - s
    return s
"""),
    ("der_mutable_default_cache", S5, None, "sigmoid_derivative", "derivative", "stale_state", """
def sigmoid_derivative(x, _s=[]):
    if not _s:
        _s.append(sigmoid_function(x))  # compute sigma only once
    s = _s[0]
    return s * (1.0 - s)
"""),
    ("der_cast_to_input_dtype", S5, None, "sigmoid_derivative", "derivative", "dtype", """
def sigmoid_derivative(x):
    x = np.asarray(x)
    s = sigmoid_function(x)
    return (s * (1.0 - s)).astype(x.dtype)  # same dtype as the input
"""),
    ("der_returns_sigma_too", S5, None, "sigmoid_derivative", "derivative", "wrong_return", """
def sigmoid_derivative(x):
    s = sigmoid_function(x)
    ds = s * (1.0 - s)
    return s, ds  # sigma is needed again in the backward pass
"""),
    ("fw_lecture_orientation_wx", S5, None, "forward", "forward", "transposed", """
def forward(x, w, b):
    # W x + b as in the lecture, one sample per column
    return sigmoid_function(w @ x.T + b.T)
"""),
    ("fw_einsum_without_bias", S5, None, "forward", "forward", "bias_missing", """
def forward(x, w, b):
    z = np.einsum("bi,oi->bo", x, w)
    return sigmoid_function(z)
"""),
    ("fw_returns_pre_activation", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    z = np.dot(x, w.T) + b
    p = sigmoid_function(z)
    return z
"""),
    ("fw_sample_loop_keeps_last", S5, None, "forward", "forward", "overwritten", """
def forward(x, w, b):
    for i in range(x.shape[0]):
        out = sigmoid_function(x[i:i + 1] @ w.T + b)
    return out
"""),
    ("fw_bias_as_threshold", S5, None, "forward", "forward", "sign", """
def forward(x, w, b):
    # the bias is the threshold: the neuron fires when w.x exceeds b
    return sigmoid_function(x @ w.T - b)
"""),
    ("fw_inline_ratio_sigmoid", S5, None, "forward", "forward", "overflow", """
def forward(x, w, b):
    z = x @ w.T + b
    ez = np.exp(z)
    return ez / (ez + 1.0)
"""),
    ("fw_squeezed_output", S5, None, "forward", "forward", "shape", """
def forward(x, w, b):
    return np.squeeze(sigmoid_function(np.matmul(x, w.T) + b))
"""),
    ("fw_double_loop_buffer_like_x", S5, None, "forward", "forward", "shape", """
def forward(x, w, b):
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        for k in range(w.shape[0]):
            out[i, k] = sigmoid_function(np.dot(x[i], w[k]) + b[0, k])
    return out
"""),
    ("fw_cached_by_input_identity", S5, None, "forward", "forward", "stale_state", """
def forward(x, w, b):
    cache = getattr(forward, "cache", None)
    if cache is not None and cache[0] is x:
        return cache[1]  # same batch again: reuse the prediction
    p = sigmoid_function(x @ w.T + b)
    forward.cache = (x, p)
    return p
"""),
    ("fw_bias_aliased_accumulator", S5, None, "forward", "x", "in_place", """
def forward(x, w, b):
    rows = []
    for xi in x:
        z = b           # start from the bias ...
        z += w @ xi     # ... and add the weighted inputs
        rows.append(sigmoid_function(z[0]))
    return np.array(rows)
"""),
    ("fw_broadcast_sum_over_neurons", S5, None, "forward", "forward", "axis", """
def forward(x, w, b):
    # z[i, k] = sum_j x[i, j] w[k, j]
    z = np.sum(x[:, None, :] * w[None, :, :], axis=1)
    return sigmoid_function(z + b)
"""),
    ("grad_no_sigmoid_derivative", S5, None, "mse_gradients", "delta", "derivative_missing", """
def mse_gradients(x, w, b, target):
    p = forward(x, w, b)
    delta = p - target  # dL/dP
    dw = delta.T @ x
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_reshape_instead_of_transpose", S5, None, "mse_gradients", "dw", "transposed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.reshape(w.shape[0], -1) @ x  # (n_out, batch) @ (batch, n_in)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_batch_mean_both", S5, None, "mse_gradients", "delta", "averaged", """
def mse_gradients(x, w, b, target):
    n = x.shape[0]
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x / n
    db = np.mean(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_dw_mean_of_outer_products", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.mean(delta[:, :, None] * x[:, None, :], axis=0)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_db_full_like_total", S5, None, "mse_gradients", "db", "summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.full_like(b, delta.sum())  # the shape of b
    return dw, db
"""),
    ("grad_db_is_delta", S5, None, "mse_gradients", "db", "not_summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = delta  # dz/db = 1
    return dw, db
"""),
    ("grad_sample_loop_overwrites", S5, None, "mse_gradients", "delta", "overwritten", """
def mse_gradients(x, w, b, target):
    for i in range(x.shape[0]):
        zi = x[i] @ w.T + b[0]
        di = (sigmoid_function(zi) - target[i]) * sigmoid_derivative(zi)
        dw = np.outer(di, x[i])
        db = di[None, :]
    return dw, db
"""),
    ("grad_function_attribute_accumulates", S5, None, "mse_gradients", "delta", "accumulating", """
def mse_gradients(x, w, b, target):
    if not hasattr(mse_gradients, "dw"):
        mse_gradients.dw = np.zeros_like(w)
        mse_gradients.db = np.zeros_like(b)
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    mse_gradients.dw += delta.T @ x
    mse_gradients.db += delta.sum(axis=0, keepdims=True)
    return mse_gradients.dw, mse_gradients.db
"""),
    ("grad_square_rule_two", S5, None, "mse_gradients", "delta", "half_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    # d/dp (p - t)^2 = 2 (p - t)
    delta = 2 * (p - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_perceptron_error_sign", S5, None, "mse_gradients", "delta", "sign", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    error = target - sigmoid_function(z)  # as in the perceptron rule
    delta = error * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_without_bias", S5, None, "mse_gradients", "delta", "bias_missing", """
def mse_gradients(x, w, b, target):
    z = np.dot(x, w.T)
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.dot(delta.T, x)
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_z_as_prediction", S5, None, "mse_gradients", "delta", "sigmoid_missing", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (z - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_target_aliased_error", S5, None, "mse_gradients", "x", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    err = target
    err -= sigmoid_function(z)  # t - p
    delta = -err * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_sigma_aliased_for_derivative", S5, None, "mse_gradients", "delta", "in_place", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    ds = p           # sigma'(z) = sigma(z) (1 - sigma(z))
    ds *= 1.0 - p
    delta = (p - target) * ds
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_bias_gradient_first", S5, None, "mse_gradients", "delta", "order", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    # the simpler gradient first
    db = np.sum(delta, axis=0, keepdims=True)
    dw = delta.T @ x
    return db, dw
"""),
    ("grad_returns_cost_as_well", S5, None, "mse_gradients", "delta", "wrong_return", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    cost = 0.5 * np.sum((p - target) ** 2)
    delta = (p - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db, cost
"""),
    ("grad_loop_forgets_bias", S5, None, "mse_gradients", "db", "not_computed", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for i in range(x.shape[0]):
        zi = w @ x[i] + b[0]
        di = (sigmoid_function(zi) - target[i]) * sigmoid_derivative(zi)
        dw += np.outer(di, x[i])
    return dw, db
"""),
    ("grad_delta_buffer_like_target", S5, None, "mse_gradients", "delta", "integer_buffer", """
def mse_gradients(x, w, b, target):
    delta = np.zeros_like(target)
    for i in range(x.shape[0]):
        zi = x[i] @ w.T + b[0]
        delta[i] = (sigmoid_function(zi) - target[i]) * sigmoid_derivative(zi)
    dw = delta.T @ x
    db = delta.sum(axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_einsum_keeps_batch_axis", S5, None, "mse_gradients", "dw", "not_summed", """
def mse_gradients(x, w, b, target):
    z = np.einsum("bi,oi->bo", x, w) + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = np.einsum("bo,bi->boi", delta, x)
    db = np.einsum("bo->o", delta)[None, :]
    return dw, db
"""),
    ("grad_z_cached_for_same_batch", S5, None, "mse_gradients", "delta", "stale_state", """
_z_cache = {}

def mse_gradients(x, w, b, target):
    if _z_cache.get("x") is not x:
        _z_cache["x"] = x
        _z_cache["z"] = x @ w.T + b
    z = _z_cache["z"]
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_error_summed_per_sample", S5, None, "mse_gradients", "delta", "summed", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    err = np.sum(sigmoid_function(z) - target, axis=1, keepdims=True)  # error of each sample
    delta = err * sigmoid_derivative(z)
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("grad_output_loop_db_assigned", S5, None, "mse_gradients", "db", "overwritten", """
def mse_gradients(x, w, b, target):
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    for k in range(w.shape[0]):
        for i in range(x.shape[0]):
            zk = x[i] @ w[k] + b[0, k]
            d = (sigmoid_function(zk) - target[i, k]) * sigmoid_derivative(zk)
            dw[k] += d * x[i]
            db[0, k] = d
    return dw, db
"""),
    ("grad_naive_sigma_prime_overflow", S5, None, "mse_gradients", "delta", "overflow", """
def mse_gradients(x, w, b, target):
    z = x @ w.T + b
    p = sigmoid_function(z)
    ds = np.exp(-z) / (1.0 + np.exp(-z)) ** 2
    delta = (p - target) * ds
    dw = delta.T @ x
    db = np.sum(delta, axis=0, keepdims=True)
    return dw, db
"""),
    ("sgd_bias_alias_not_copy", S5, None, "sgd_step", "x", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = b
    new_b -= learning_rate * db
    return new_w, new_b
"""),
    ("sgd_step_added", S5, None, "sgd_step", "w", "sign", """
def sgd_step(w, b, dw, db, learning_rate):
    step_w = learning_rate * dw
    step_b = learning_rate * db
    new_w = w + step_w
    new_b = b + step_b
    return new_w, new_b
"""),
    ("sgd_zip_pairs_swapped", S5, None, "sgd_step", "w", "order", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w, new_b = [p - learning_rate * g for p, g in zip((b, w), (db, dw))]
    return new_w, new_b
"""),
    ("sgd_learning_rate_remembered_and_decayed", S5, None, "sgd_step", "w", "stale_state", """
def sgd_step(w, b, dw, db, learning_rate):
    if not hasattr(sgd_step, "lr"):
        sgd_step.lr = learning_rate
    new_w = w - sgd_step.lr * dw
    new_b = b - sgd_step.lr * db
    sgd_step.lr *= 0.99  # smaller steps later in training
    return new_w, new_b
"""),
    ("sgd_momentum_in_global", S5, None, "sgd_step", "w", "accumulating", """
_velocity = {}

def sgd_step(w, b, dw, db, learning_rate):
    vw = 0.9 * _velocity.get("w", 0.0) + dw
    vb = 0.9 * _velocity.get("b", 0.0) + db
    _velocity["w"], _velocity["b"] = vw, vb
    new_w = w - learning_rate * vw
    new_b = b - learning_rate * vb
    return new_w, new_b
"""),
    ("sgd_divides_by_first_dimension", S5, None, "sgd_step", "w", "averaged", """
def sgd_step(w, b, dw, db, learning_rate):
    # average the summed gradients over the batch
    new_w = w - learning_rate * dw / dw.shape[0]
    new_b = b - learning_rate * db / db.shape[0]
    return new_w, new_b
"""),
    ("sgd_row_loop_forgets_bias", S5, None, "sgd_step", "b", "not_computed", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = np.copy(w)
    new_b = np.copy(b)
    for k in range(w.shape[0]):
        new_w[k] = w[k] - learning_rate * dw[k]
    return new_w, new_b
"""),
    ("sgd_row_loop_overwrites", S5, None, "sgd_step", "w", "overwritten", """
def sgd_step(w, b, dw, db, learning_rate):
    for k in range(w.shape[0]):
        new_w = w[k] - learning_rate * dw[k]
    new_b = b - learning_rate * db
    return new_w, new_b
"""),
    ("sgd_bias_flattened", S5, None, "sgd_step", "b", "shape", """
def sgd_step(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw
    new_b = np.ravel(b - learning_rate * db)  # one bias per neuron
    return new_w, new_b
"""),
]
