"""The misconception codes of the visible checks: one stable name per kind of mistake.

Every failure of a check (:class:`hamlet_utils.checking.CheckFailed`) carries a ``code``,
``<unit>.<quantity>.<kind>`` -- e.g. ``linear.dw.transposed`` -- so that tutors and the
grading reports can count mistakes by kind however the message is worded.  :data:`CODES`
maps every code a check can raise to a plain-words description for tutors.

Codes of finite-difference comparisons are built by :func:`fd_code` from a unit, the
gradient compared and the kind :func:`hamlet_utils.gradcheck.diagnose_kind` names; all of
those combinations are in :data:`CODES` too.
"""

from __future__ import annotations

#: a finite-difference mismatch that none of the typical slips explains
FD_MISMATCH = "fd.mismatch"

#: per unit: the gradients compared with finite differences, and what they are in words
FD_QUANTITIES = {
    "linear": {"d_in": "d_in of Linear.backward", "dw": "dw of Linear.backward", "db": "db of Linear.backward"},
    "network": {"d_in": "d_in of Network.backward", "dw": "a layer's dw after Network.backward",
                "db": "a layer's db after Network.backward"},
    "softmax": {"d_in": "d_in of SoftMax.backward"},
    "mse": {"gradient": "MeanSquareError.gradient"},
    "cross_entropy": {"gradient": "CrossEntropy.gradient"},
    "mse_gradients": {"dw": "dw of mse_gradients", "db": "db of mse_gradients"},
}
#: the kinds of :func:`hamlet_utils.gradcheck.diagnose_kind` (but "mismatch"), in words
FD_KINDS = {
    "none": "is None (not computed, stored or returned)",
    "not_numeric": "is no numeric array",
    "transposed": "is transposed",
    "shape": "has the wrong shape",
    "keepdims": "lost an axis of size one (a sum without keepdims)",
    "sign_lost": "has the right size but loses the sign of some entries (a square root, abs or square)",
    "not_finite": "contains NaN or inf",
    "zeros": "is all zeros (never computed or accumulated)",
    "not_used": "is not zero although the forward pass does not depend on it",
    "sign": "has the wrong sign",
    "averaged": "is averaged (over the batch or another axis) where nothing is averaged",
    "summed": "is multiplied by the batch size",
    "factor": "is off by a constant factor",
    "term_missing": "misses a term of the derivative",
    "term_sign": "has a term of the derivative with the wrong sign",
    "term_factor": "has a term of the derivative with the wrong factor",
    "term_averaged": "has a term of the derivative averaged where it is summed",
    "extra_term": "has a term that does not belong in the derivative",
    "overwritten": "holds the last sample of the batch only (overwritten in a loop, not added up)",
    "one_sample": "holds one sample of the batch only, not the sum over the batch",
    "one_left_out": "leaves one sample of the batch out of the sum",
    "sample_weights": "weighs the samples of the batch unequally",
    "low_precision": "is computed in float32 or float16, not float64",
}


#: the units whose parameter steps are checked, and how a wrong step of a parameter can look
STEP_UNITS = {"linear": "update_parameters", "sgd_step": "sgd_step"}
STEP_KINDS = {
    "not_updated": "leaves the parameter unchanged",
    "sign": "moves the parameter uphill (adds the gradient)",
    "learning_rate_missing": "moves the parameter by the whole gradient, no learning rate",
    "overwritten": "replaces the parameter by the step instead of moving it",
    "transposed": "moves the parameter by its gradient transposed",
    "factor": "moves the parameter by a multiple of the right step",
    "reciprocal": "divides the gradient by the learning rate instead of multiplying",
    "averaged": "moves the parameter by the right step averaged over an axis",
    "wrong_step": "moves the parameter by another amount than -learning_rate * gradient",
}


def step_code(unit: str, parameter: str, kind: str) -> str:
    """The code of a wrong step of ``parameter`` (w or b) of ``unit`` (a key of :data:`STEP_UNITS`)."""
    return f"{unit}.{parameter}.{kind}"


def fd_code(unit: str, quantity: str, kind: str) -> str:
    """The code of a gradient of ``unit`` that disagrees with finite differences in a ``kind`` of
    way (a kind of :data:`FD_KINDS`; any other, e.g. ``mismatch``, gives :data:`FD_MISMATCH`)."""
    if kind in FD_KINDS and quantity in FD_QUANTITIES.get(unit, {}):
        return f"{unit}.{quantity}.{kind}"
    return FD_MISMATCH


#: code -> what the student did, in plain words for tutors
CODES: dict[str, str] = {
    # shared machinery (hamlet_utils.checking)
    "call.not_implemented": "the function or method still raises NotImplementedError",
    "mse.gradient.times_cost": "MeanSquareError.gradient multiplies the cost it is given into the derivative",
    "cross_entropy.gradient.times_cost": "CrossEntropy.gradient multiplies the cost it is given into the derivative",
    "call.float_shape": "an array is made with a float size (a `/` where a whole number belongs)",
    "linear.dw.aliased": "zero_gradients makes dw the very array w (or b), so zeroing or accumulating changes it",
    "linear.db.aliased": "zero_gradients makes db the very array b (or w), so zeroing or accumulating changes it",
    "sigmoid.x_out.sign": "sigmoid_function has a wrong sign (of the result or of the exponent, on one side of 0)",
    "sigmoid.x_out.exp_missing": "sigmoid_function leaves out np.exp: it uses -|x| where e^-|x| belongs",
    "sigmoid.x_out.condition": "sigmoid_function uses on one sign of x the formula of the other (a condition reversed, branches swapped)",
    "softmax.x_out.reciprocal": "SoftMax.forward gives the reciprocal of the softmax",
    "call.buffer_shape": "the array a result is added into was made with the wrong shape",
    "call.shape_arguments": "np.zeros (or ones, empty) given the sizes as separate arguments, not one shape tuple",
    "result.sequence": "a tuple or list of arrays returned where one array belongs",
    "result.one_row": "one row returned where the batch has several (a loop that overwrites, or a sum over the batch)",
    "mse_gradients.delta.power": "mse_gradients uses the cost (a square) where its derivative belongs",
    "network.forward.wrong_return": "Network.forward returns its input or an inner layer's output",
    "network.backward.in_place": "Network.backward reverses self.layers in place",
    "network.update_parameters.factor": "Network.update_parameters hands the layers a multiple of the learning rate",
    "mse.gradient.combined": "MeanSquareError.gradient multiplies in the sigmoid's derivative (combined with the layer)",
    "neuron.x_out.integer_buffer": "forward writes x w^T + b into an integer array, truncating it",
    "neuron.x_out.bias_sign": "forward subtracts the bias: z = x w^T - b",
    "linear.d_in.times_x_in": "Linear.backward multiplies d_in by x_in",
    "network.backward.wrong_return": "Network.backward returns its d_out instead of the first layer's d_in",
    "call.math_on_array": "a math-module function (math.exp, ...) or float() applied to an array",
    "sigmoid_derivative.x_out.rounding": "sigmoid_derivative is close but not exact (float32, or 1 - sigma losing digits)",
    "call.raised": "the student's code raised an error that no more specific diagnosis explains",
    "call.shapes": "the student's code multiplies or adds arrays whose shapes do not fit",
    "call.keeps_state": "a function gives another result for the same arguments: it keeps state between calls",
    "call.transposed": "the student's code combines an array with one of its transposed shape (a `.T` too many or missing)",
    "call.none_used": "the student's code computes with None: an attribute never set or a result not returned",
    "call.keepdims": "a sum or maximum over each row lost its axis (keepdims), so the shapes do not broadcast",
    "call.attribute_missing": "an attribute is read (or added to with +=) before it was ever set",
    "call.integer_buffer": "floats are added into an integer array (a buffer made with an integer dtype)",
    "call.wrong_return": "a method returns another of its object's attributes than the result asked for",
    "result.none": "returns None (no return statement)",
    "result.complex": "returns complex numbers",
    "result.not_numeric": "returns something that is no numeric array",
    "result.shape": "returns an array of the wrong shape",
    "result.transposed": "returns the transpose of the expected array (batch not the first dimension)",
    "result.scalar": "returns a single number where an array is expected",
    "result.integer": "returns an integer array: the values are truncated (an integer buffer)",
    "result.not_finite": "returns NaN or inf",
    "result.not_pair": "does not return the pair of results asked for",
    "argument.in_place": "changes an input array in place",
    FD_MISMATCH: "a gradient differs from finite differences in no typical way (no transpose, sign, factor)",
    # training tasks
    "training.history.missing": "the history variable does not hold what train(...) returned",
    "training.history.empty": "the history has no epochs: training was not run",
    "training.cost.diverged": "the training cost became NaN or inf (learning rate or layers)",
    "training.settings.wrong": "trained with other hyperparameters than the given ones",
    "training.accuracy.too_low": "the trained network's accuracy is below the reference's",
    "training.accuracy.not_better": "the new network does not beat the accuracy of the earlier task",
    # single steps (Session 6 tasks 2f, 3b; Session 5 task 2f)
    "step.not_run": "the step cell was not run: no layer was used",
    "step.sigmoid.not_used": "the step skipped the sigmoid layer",
    "step.dw.zeros": "after the step dw is all zeros (no backward, or gradients reset at the end)",
    "step.w.not_updated": "the step computed gradients but did not move the parameters",
    "step.dw.two_steps": "the step cell ran twice without the hyperparameter cell in between",
    "step.dw.not_one_step": "the layer's gradient is not that of one step on the given batch",
    "step.w.not_one_step": "w and b are not one gradient step on the given batch",
    "step.w.sign": "the step moved the parameters uphill (gradient added, not subtracted)",
    "step.w.two_steps": "two steps were taken (cell ran twice)",
    "step.network.not_network": "`network` is not a Network",
    "step.network.layers": "`network` does not hold the linear layer and then the sigmoid layer",
    "step.check_cell_edited": "the check cell was edited (a function it needs is missing)",
    # Session 6: Linear
    "linear.init.attribute_missing": "the given __init__ was changed: w or b is missing",
    "linear.x_in.not_stored": "forward does not store its input for backward",
    "linear.x_in.first_call_only": "forward stores its input only on its first call (stale x_in later)",
    "linear.x_in.transposed": "forward stores its input transposed",
    "linear.x_out.bias_missing": "forward leaves out the bias b",
    "linear.x_out.bias_wrong": "forward adds the bias wrongly (scaled, negated or broadcast wrongly)",
    "linear.x_out.weights_missing": "forward returns only the bias: the product of input and weights is missing",
    "linear.x_out.weights_wrong": "forward does not multiply by w as the layer's weights",
    "linear.x_out.transposed": "forward uses w where its transpose belongs (or the input transposed)",
    "linear.x_out.sign": "forward's result has the wrong sign",
    "linear.x_out.factor": "forward's result is off by a constant factor",
    "linear.x_out.integer": "forward writes into an integer buffer: the values are truncated",
    "linear.x_out.samples_mix": "forward mixes the samples of a batch",
    "linear.x_out.not_affine": "forward is not affine in its input",
    "linear.d_in.stale": "backward returns the d_in of an earlier call (computed once and kept)",
    "linear.d_in.uses_w_transposed": "backward's d_in multiplies d_out by w transposed",
    "call.not_summed": "a per-sample array is added into a buffer of one row: the batch is not summed away",
    "linear.dw.shape_of_w_transposed": "dw has the shape of w transposed (x_in and d_out swapped)",
    "linear.db.shape_of_b_transposed": "db has the shape of b transposed",
    "linear.dw.overwritten": "backward overwrites dw instead of adding to it",
    "linear.db.overwritten": "backward overwrites db instead of adding to it",
    "linear.dw.not_accumulated": "two backward calls do not add up in dw",
    "linear.db.not_accumulated": "two backward calls do not add up in db",
    "linear.dw.integer_buffer": "the gradient buffers are integer arrays: gradients are truncated or rejected",
    "linear.dw.not_reset": "zero_gradients does not reset dw to a zero array of the shape of w",
    "linear.db.not_reset": "zero_gradients does not reset db to a zero array of the shape of b",
    "linear.db.integer_buffer": "the db buffer is an integer array: gradients are truncated or rejected",
    "linear.db.axis": "db is summed over the wrong axis (or not summed over the batch)",
    # Session 6: MeanSquareError
    "mse.estimate.scalar": "estimate returns one number instead of one cost per element",
    "mse.estimate.per_sample": "estimate returns one cost per sample instead of per element",
    "mse.estimate.not_zero_at_target": "estimate is not 0 for a perfect prediction (a term left out?)",
    "mse.estimate.half_missing": "estimate leaves out the factor 1/2",
    "mse.estimate.sign": "estimate has the wrong sign",
    "mse.estimate.factor": "estimate is off by a constant factor",
    "mse.estimate.averaged": "estimate divides by the size of the batch",
    "mse.estimate.wrong_return": "estimate returns another quantity (an argument, their difference) than the cost",
    "mse.estimate.term_missing": "estimate leaves out the target or the prediction",
    "mse.estimate.power": "estimate takes another power than the square",
    "mse.estimate.wrong_value": "estimate gives wrong values at prediction = target + 1",
    "mse.estimate.not_symmetric": "estimate is not symmetric in prediction - target",
    "mse.estimate.not_square": "estimate does not grow with the square of prediction - target",
    "mse.target.not_stored": "estimate does not store the target for gradient",
    "mse.prediction.not_stored": "estimate does not store the prediction for gradient",
    "mse.target.first_call_only": "estimate stores the target only on its first call",
    "mse.prediction.first_call_only": "estimate stores the prediction only on its first call",
    "mse.estimate.stale_state": "estimate keeps something of an earlier call",
    "mse.gradient.stale": "gradient uses the data of an earlier estimate call",
    "mse.gradient.arguments_swapped": "gradient is target - prediction (estimate's arguments swapped)",
    "mse.gradient.term_missing": "gradient leaves out the target or the prediction",
    "mse.gradient.wrong_return": "gradient returns the cost, the target or the prediction it was given",
    "mse.gradient.half_missing": "gradient is twice the derivative (the 1/2 of the cost forgotten)",
    # Session 6: Network
    "network.forward.order": "Network.forward does not call each layer's forward once, in order",
    "network.forward.not_chained": "Network.forward does not pass each layer's output to the next",
    "network.backward.order": "Network.backward does not call each layer's backward once, in reverse order",
    "network.backward.not_chained": "Network.backward does not pass each layer's d_in to the layer before",
    "network.forward.factor": "Network.forward scales (or negates) the last layer's output",
    "network.backward.factor": "Network.backward scales (or negates) the first layer's d_in",
    "network.delegation.not_called": "zero_gradients or update_parameters is not passed on to every layer once",
    # Session 6: SoftMax
    "softmax.x_out.not_stored": "forward does not store its output in self.x_out",
    "softmax.x_out.first_call_only": "forward stores its output only on its first call",
    "softmax.x_out.not_positive": "forward gives outputs that are not all positive",
    "softmax.x_out.not_normalised": "forward's rows do not sum to 1",
    "softmax.x_out.axis": "softmax normalised over the wrong axis (columns instead of rows)",
    "softmax.x_out.whole_batch": "softmax normalised over the whole batch instead of each row",
    "softmax.x_out.max_axis": "the maximum subtracted for stability is taken over the whole batch, not each row",
    "softmax.x_out.wrong_return": "forward returns another array than the softmax it stores in self.x_out",
    "softmax.x_out.term_missing": "x_in is missing from the exponentials",
    "softmax.x_out.not_summed": "the exponentials are not divided by their sum over the row",
    "softmax.x_out.averaged": "the exponentials are divided by their mean over the row, not their sum",
    "softmax.x_out.sign": "forward's outputs have the wrong sign",
    "softmax.x_out.factor": "forward is off by a constant factor (rows do not sum to 1)",
    "softmax.x_out.exp_missing": "forward is not proportional to exp(x_in) in each row",
    "softmax.x_out.overflow": "forward overflows for large inputs (the row's maximum not subtracted)",
    "softmax.d_in.diagonal": "backward uses only the diagonal of the softmax Jacobian",
    "softmax.d_in.samples_mix": "backward mixes the samples of a batch (sums over the wrong axis)",
    "softmax.d_in.term_missing": "backward leaves out a term (the row sum, or the factor x_out)",
    "softmax.d_in.wrong_return": "backward returns d_out or x_out itself",
    "softmax.d_in.factor": "backward divides the row sum by the batch size",
    # Session 6: CrossEntropy
    "cross_entropy.estimate.scalar": "estimate returns one number instead of one cost per sample",
    "cross_entropy.estimate.eps_missing": "estimate takes the log of 0 (self.eps left out)",
    "cross_entropy.estimate.not_zero_at_target": "estimate is not 0 for a perfect prediction",
    "cross_entropy.estimate.not_large_at_zero": "estimate is not large where the true class has probability 0",
    "cross_entropy.estimate.sign": "estimate has the wrong sign",
    "cross_entropy.estimate.factor": "estimate is off by a constant factor",
    "cross_entropy.estimate.averaged": "estimate divides by the batch size or number of classes",
    "cross_entropy.estimate.log_missing": "estimate leaves out the log",
    "cross_entropy.estimate.term_missing": "estimate leaves out the target (sums the log of every class)",
    "cross_entropy.estimate.wrong_return": "estimate returns an argument instead of the cost",
    "cross_entropy.estimate.log_base": "estimate takes the log to base 10 or 2 instead of the natural log",
    "cross_entropy.estimate.axis": "estimate sums over the batch instead of over the classes of each sample",
    "cross_entropy.estimate.wrong_value": "estimate is not -log of the true class's probability",
    "cross_entropy.target.not_stored": "estimate does not store the target for gradient",
    "cross_entropy.x_in.not_stored": "estimate does not store its input for gradient",
    "cross_entropy.target.first_call_only": "estimate stores the target only on its first call",
    "cross_entropy.x_in.first_call_only": "estimate stores its input only on its first call",
    "cross_entropy.estimate.stale_state": "estimate keeps something of an earlier call",
    "cross_entropy.gradient.stale": "gradient uses the data of an earlier estimate call",
    "cross_entropy.gradient.term_missing": "gradient leaves out the target or the probability",
    "cross_entropy.gradient.wrong_return": "gradient returns the cost, the target or x_in it was given",
    "cross_entropy.gradient.combined": "gradient is that of softmax and cross-entropy combined",
    # Session 5: sigmoid_function, sigmoid_derivative, forward, mse_gradients, sgd_step
    "sigmoid.x_out.wrong_at_zero": "sigmoid_function(0) is not 1/2",
    "sigmoid.x_out.wrong_value": "sigmoid_function gives wrong values at chosen points",
    "sigmoid.x_out.wrong_return": "sigmoid_function returns x or e^-|x| instead of sigma(x)",
    "sigmoid.x_out.reciprocal": "sigmoid_function gives 1 / sigma(x) (for all x, or one sign of x)",
    "sigmoid.x_out.factor": "sigmoid_function is off by a constant factor (or the exponential is scaled)",
    "sigmoid.x_out.term_missing": "sigmoid_function leaves out the exponential term for one sign of x",
    "sigmoid.x_out.not_symmetric": "sigmoid_function breaks sigma(-x) = 1 - sigma(x)",
    "sigmoid.x_out.overflow": "sigmoid_function overflows (exp of a large positive number)",
    "sigmoid.x_out.large_x_wrong": "sigmoid_function is wrong for large |x| (clipped or approximated)",
    "sigmoid.x_out.mixed_values": "sigmoid_function fails on arrays mixing large and small values",
    "sigmoid.x_out.not_elementwise": "sigmoid_function does not work element by element on any shape",
    "sigmoid_derivative.x_out.wrong_value": "sigmoid_derivative gives wrong values at chosen points",
    "sigmoid_derivative.x_out.sign": "sigmoid_derivative has a wrong sign (of the whole, or inside a factor)",
    "sigmoid_derivative.x_out.sigmoid_missing": "sigmoid_derivative uses x where sigma(x) belongs",
    "sigmoid_derivative.x_out.wrong_return": "sigmoid_derivative returns sigma(x) itself",
    "sigmoid_derivative.x_out.term_missing": "sigmoid_derivative leaves out a term (the 1 - of a factor)",
    "sigmoid_derivative.x_out.power": "sigmoid_derivative squares a factor",
    "sigmoid_derivative.x_out.float32": "sigmoid_derivative is computed in float32",
    "sigmoid_derivative.x_out.extra_factor": "sigmoid_derivative has a factor that does not belong in sigma (1 - sigma)",
    "sigmoid_derivative.x_out.reciprocal": "sigmoid_derivative divides by a factor of sigma (1 - sigma)",
    "sigmoid_derivative.x_out.wrong_factors": "several factors of sigma (1 - sigma) are wrong in sigmoid_derivative",
    "sigmoid_derivative.x_out.factor": "sigmoid_derivative is off by a constant factor (outside or inside)",
    "sigmoid_derivative.x_out.fd_mismatch": "sigmoid_derivative differs from the slope of sigma",
    "sigmoid_derivative.x_out.not_own_slope": "sigmoid_derivative differs from the slope of the student's sigmoid",
    "sigmoid_derivative.x_out.overflow": "sigmoid_derivative overflows for large |x|",
    "sigmoid_derivative.x_out.large_x_wrong": "sigmoid_derivative is not about 0 for large |x|",
    "neuron.x_out.sign": "forward's outputs have the wrong sign",
    "neuron.x_out.transposed": "forward uses w where its transpose belongs",
    "neuron.x_out.wrong_return": "forward returns one of its arguments",
    "neuron.x_out.sigmoid_missing": "forward returns x w^T + b, without the sigmoid",
    "neuron.x_out.factor": "forward is off by a constant factor (outside or inside the sigmoid)",
    "mse_gradients.dw.transposed": "dw multiplies by x transposed",
    "neuron.x_out.not_sigmoid": "forward's outputs are not between 0 and 1 (sigmoid not applied last)",
    "neuron.x_out.bias_outside": "forward adds b after the sigmoid",
    "neuron.x_out.bias_missing": "forward leaves out the bias b",
    "neuron.x_out.bias_wrong": "forward adds the bias wrongly",
    "neuron.x_out.weights_wrong": "forward does not multiply by w as the neuron's weights",
    "neuron.x_out.samples_mix": "forward mixes the samples of a batch",
    "neuron.x_out.not_affine": "forward's logit is not affine in x",
    "neuron.x_out.global_w": "forward does not use the w it is given",
    "mse_gradients.result.order": "mse_gradients returns (db, dw) instead of (dw, db)",
    "mse_gradients.delta.derivative_missing": "dw misses the factor sigma'(z) of the chain rule",
    "mse_gradients.delta.derivative_of_output": "sigma' taken of the output p instead of the input z",
    "mse_gradients.delta.bias_missing": "the bias b is left out of z",
    "mse_gradients.delta.term_missing": "a term is left out of the gradient (the target, or x w^T in z)",
    "mse_gradients.delta.sigmoid_missing": "the prediction is taken as z, without the sigmoid",
    "mse_gradients.delta.sign": "z = x w^T + b has the wrong sign in the gradient",
    "mse_gradients.delta.factor": "x w^T inside z is divided by a constant",
    "mse_gradients.db.axis": "db is summed over the wrong axis",
    "mse_gradients.db.not_summed": "db is not summed over the batch",
    "mse_gradients.result.shape": "dw or db has a wrong shape",
    "mse_gradients.dw.half_missing": "the gradient is twice the derivative (the 1/2 of the cost forgotten)",
    "mse_gradients.dw.arguments_swapped": "the cost's derivative taken as target - prediction",
    "sgd_step.result.order": "sgd_step returns (b, w) instead of (w, b)",
    "mse_gradients.delta.factor_missing": "a factor of (prediction - target) p (1 - p) is left out of dw",
    "mse_gradients.delta.factor_extra": "dw has a factor that does not belong in (prediction - target) p (1 - p)",
    "mse_gradients.delta.factor_power": "a factor of (prediction - target) p (1 - p) is squared in dw",
    "mse_gradients.delta.factor_inverted": "a factor of (prediction - target) p (1 - p) divides in dw",
    "mse_gradients.delta.averaged": "dw is averaged over the batch",
    "mse_gradients.delta.wrong_sign": "dw has the wrong sign",
    "mse_gradients.delta.constant": "dw is off by a constant factor",
    "mse_gradients.delta.wrong_factors": "several factors of (prediction - target) p (1 - p) are wrong in dw",
    "mse_gradients.delta.in_place": "p is changed in place (err = p; err -= target) before sigma'(z) is computed",
}
CODES.update({f"{unit}.{quantity}.{kind}": f"{what} {words}"
              for unit, quantities in FD_QUANTITIES.items() for quantity, what in quantities.items()
              for kind, words in FD_KINDS.items()})

CODES.update({step_code(unit, parameter, kind): f"{method} {words} ({parameter})"
              for unit, method in STEP_UNITS.items() for parameter in ("w", "b") for kind, words in STEP_KINDS.items()})


def describe(code: str) -> str:
    """The tutors' description of ``code`` (empty for an unknown one)."""
    return CODES.get(code, "")
