"""Unit tests of hamlet_utils.gradcheck: finite differences, errors, diagnoses.

The analytic gradients here are worked out by hand, independently of the
course's reference solution; the reference layers only serve as well-known
subjects for ``layer_gradients`` and ``cost_gradient``.
"""

import numpy as np
import pytest

from hamlet_utils import gradcheck
from hamlet_utils.gradcheck import (DEFAULT_TOLERANCE, compare, cost_gradient, diagnose, layer_gradients,
                                    numerical_gradient, relative_error)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# --------------------------------------------------------------------------- numerical_gradient

@pytest.mark.parametrize("name, f, gradient", [
    ("sum of squares", lambda x: np.sum(x ** 2), lambda x: 2 * x),
    ("product", lambda x: np.prod(x), lambda x: np.prod(x) / x),
    ("x sin x", lambda x: np.sum(x * np.sin(x)), lambda x: np.sin(x) + x * np.cos(x)),
    ("exp of a weighted sum", lambda x: np.exp(np.sum(np.arange(x.size).reshape(x.shape) * x) / 10),
     lambda x: np.exp(np.sum(np.arange(x.size).reshape(x.shape) * x) / 10) * np.arange(x.size).reshape(x.shape) / 10),
])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 2, 3)])
def test_numerical_gradient_matches_analytic(name, f, gradient, shape, rng):
    x = rng.uniform(0.5, 1.5, size=shape)  # away from zero: the product's gradient divides by x
    numeric = numerical_gradient(lambda: f(x), x)
    assert numeric.shape == x.shape and numeric.dtype == np.float64
    np.testing.assert_allclose(numeric, gradient(x), rtol=1e-7, atol=1e-9)


def test_numerical_gradient_of_matrix_function(rng):
    """d/dX sum(A @ X @ B) = A^T 1 1^T B^T."""
    a, b, x = rng.normal(size=(3, 4)), rng.normal(size=(5, 2)), rng.normal(size=(4, 5))
    numeric = numerical_gradient(lambda: a @ x @ b, x)  # an array-valued f is summed
    expected = a.T @ np.ones((3, 2)) @ b.T
    np.testing.assert_allclose(numeric, expected, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_restores_x_exactly(rng):
    x = rng.normal(size=(4, 3))
    original = x.copy()
    seen = []
    numerical_gradient(lambda: seen.append(x.copy()) or np.sum(np.sin(x)), x)
    assert np.array_equal(x, original)  # bit for bit, not just close
    # every call saw exactly one entry perturbed, by +-step
    assert len(seen) == 2 * x.size
    for values in seen:
        changed = values != original
        assert changed.sum() == 1
        assert np.isclose(np.abs(values - original).max(), gradcheck.DEFAULT_STEP, rtol=1e-6)


def test_numerical_gradient_perturbs_a_view_in_place(rng):
    """A layer's parameter may be a view of a bigger array; f reads the parent."""
    parent = rng.normal(size=(4, 6))
    view = parent[:, ::2]
    numeric = numerical_gradient(lambda: np.sum(parent ** 2), view)
    np.testing.assert_allclose(numeric, 2 * view, rtol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.float16])
def test_numerical_gradient_rejects_other_dtypes(dtype):
    x = np.ones((2, 2), dtype=dtype)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: np.sum(x), x)
    assert np.array_equal(x, np.ones((2, 2)))


def test_numerical_gradient_step_is_used(rng):
    x = rng.normal(size=4)
    # central differences of x^3 carry an error of exactly step^2 per entry
    numeric = numerical_gradient(lambda: np.sum(x ** 3), x, step=1e-2)
    np.testing.assert_allclose(numeric, 3 * x ** 2 + 1e-4, rtol=1e-9, atol=1e-10)


# --------------------------------------------------------------------------- relative_error

def test_relative_error_zero_for_equal_and_for_both_zero():
    a = np.array([[1.0, -2.0], [3.0, 0.0]])
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(np.zeros((2, 3)), np.zeros((2, 3))) == 0.0


def test_relative_error_is_normwise():
    a = np.array([3.0, 0.0, 0.0])
    n = np.array([0.0, 4.0, 0.0])
    assert relative_error(a, n) == pytest.approx(5.0 / 4.0)
    assert relative_error(n, a) == pytest.approx(5.0 / 4.0)  # symmetric
    assert relative_error(2 * n, n) == pytest.approx(0.5)
    assert relative_error(np.zeros(3), n) == pytest.approx(1.0)


@pytest.mark.parametrize("analytic, numeric", [
    (np.ones((2, 3)), np.ones((3, 2))),
    (np.ones(6), np.ones((2, 3))),
    (np.ones((1, 3)), np.ones(3)),
])
def test_relative_error_infinite_when_shapes_differ(analytic, numeric):
    assert relative_error(analytic, numeric) == float("inf")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_relative_error_infinite_when_not_finite(bad):
    a = np.ones((2, 2))
    b = a.copy()
    b[0, 1] = bad
    assert relative_error(a, b) == float("inf")
    assert relative_error(b, a) == float("inf")
    assert relative_error(b, b) == float("inf")


def test_relative_error_accepts_lists():
    assert relative_error([[1.0, 2.0]], np.array([[1.0, 2.0]])) == 0.0


def test_compare_tolerates_non_arrays():
    numeric = np.ones((2, 2))
    for analytic in (None, "gradient", {"dw": 1}, object()):
        comparison = compare("dw", analytic, numeric)
        assert comparison.error == float("inf") and not comparison.ok
    comparison = compare("dw", numeric * (1 + 1e-9), numeric)
    assert comparison.ok and comparison.error < DEFAULT_TOLERANCE


# --------------------------------------------------------------------------- diagnose

@pytest.fixture
def numeric(rng):
    return rng.normal(size=(4, 3))


@pytest.fixture
def square(rng):
    values = rng.normal(size=(4, 4))
    assert relative_error(values, values.T) > 0.1  # not symmetric
    return values


def test_diagnose_none(numeric):
    assert diagnose("dw", None, numeric) == "dw is None: is it computed, stored and returned?"


def test_diagnose_not_numeric(numeric):
    assert "not a numeric array" in diagnose("db", "oops", numeric)
    assert "dict" in diagnose("db", {"a": 1}, numeric)


def test_diagnose_transposed_shape(numeric):
    message = diagnose("dw", numeric.T, numeric)
    assert "has shape (3, 4) but must have shape (4, 3)" in message
    assert "looks transposed" in message


def test_diagnose_transposed_values_of_square(square):
    assert diagnose("dw", square.T, square) == "dw is transposed"


def test_diagnose_wrong_layout(numeric):
    message = diagnose("d_in", numeric.reshape(2, 6), numeric)
    assert "has shape (2, 6) but must have shape (4, 3)" in message and "wrong layout" in message
    assert "transposed" not in message
    assert "wrong layout" in diagnose("d_in", numeric.reshape(-1), numeric)


def test_diagnose_wrong_shape(numeric):
    message = diagnose("db", np.ones((2, 3)), numeric)
    assert message == "db has shape (2, 3) but must have shape (4, 3)"
    one_row = diagnose("d_in", np.ones((1, 3)), numeric)  # one row where the batch has 4
    assert one_row.startswith("d_in has shape (1, 3) but must have shape (4, 3): one row where the batch has 4")


def test_diagnose_not_finite(numeric):
    broken = numeric.copy()
    broken[1, 1] = np.nan
    assert "contains NaN or inf" in diagnose("d_in", broken, numeric)


def test_diagnose_all_zeros(numeric):
    assert "is all zeros" in diagnose("dw", np.zeros_like(numeric), numeric)


def test_diagnose_nonzero_where_nothing_depends_on_it(numeric):
    """A gradient of something the forward pass ignores (e.g. a bias never added) must be 0."""
    message = diagnose("db", numeric, np.zeros_like(numeric), batch_size=4)
    assert "must be all zeros" in message and "does not depend" in message


@pytest.mark.parametrize("batch_size", [1, 4])
def test_diagnose_wrong_sign(numeric, batch_size):
    assert diagnose("d_in", -numeric, numeric, batch_size) == "d_in has the wrong sign"


def test_diagnose_wrong_sign_of_square(square):
    assert diagnose("dw", -square, square) == "dw has the wrong sign"


def test_diagnose_averaged_over_batch(numeric):
    message = diagnose("dw", numeric / 4, numeric, batch_size=4)
    assert "4 times too small" in message and "averaged over the batch" in message


def test_diagnose_multiplied_by_batch_size(numeric):
    message = diagnose("dw", numeric * 4, numeric, batch_size=4)
    assert "4 times too large" in message and "batch size" in message


@pytest.mark.parametrize("factor", [2.0, 0.5, -3.0, 2.5])
def test_diagnose_constant_factor(numeric, factor):
    message = diagnose("gradient", factor * numeric, numeric, batch_size=4)
    assert "off by a constant factor" in message
    assert f"yours is {factor:.4g} times the finite-difference value" in message


def test_diagnose_batch_factor_needs_a_batch(numeric):
    """With batch_size 1 an averaged gradient cannot be told apart: it is a constant factor."""
    message = diagnose("dw", numeric / 4, numeric, batch_size=1)
    assert "constant factor" in message and "yours is 0.25 times" in message


def test_diagnose_falls_back_to_the_error(numeric, rng):
    other = rng.normal(size=numeric.shape)
    message = diagnose("d_in", other, numeric)
    assert message.startswith("d_in differs from the finite-difference estimate (relative error ")
    assert "tolerance 1e-06" in message


def test_diagnosis_of_comparison(numeric):
    comparison = compare("dw", numeric / 3, numeric, batch_size=3)
    assert not comparison.ok
    assert "3 times too small" in comparison.diagnosis()


# --------------------------------------------------------------------------- layer_gradients / cost_gradient

def _linear(cls, rng, n_in=5, n_out=3):
    layer = cls(n_in, n_out)
    layer.w = rng.normal(size=(n_out, n_in))
    layer.b = rng.normal(size=(1, n_out))
    return layer


@pytest.mark.parametrize("batch", [1, 4])
def test_layer_gradients_accepts_reference_linear(reference, rng, batch):
    layer = _linear(reference["Linear"], rng)
    w, b = layer.w.copy(), layer.b.copy()
    x, d_out = rng.normal(size=(batch, 5)), rng.normal(size=(batch, 3))
    x_copy, d_out_copy = x.copy(), d_out.copy()
    comparisons = layer_gradients(layer, x, d_out)
    assert set(comparisons) == {"d_in", "dw", "db"}
    for name, comparison in comparisons.items():
        assert comparison.ok, (name, comparison.error)
        assert comparison.error < 1e-8
        assert comparison.batch_size == batch
    # parameters and inputs untouched; the layer is left as after forward(x)
    assert np.array_equal(layer.w, w) and np.array_equal(layer.b, b)
    assert np.array_equal(x, x_copy) and np.array_equal(d_out, d_out_copy)
    assert np.array_equal(layer.x_in, x)


@pytest.mark.parametrize("name", ["Sigmoid", "SoftMax"])
def test_layer_gradients_accepts_reference_activations(reference, rng, name):
    layer = reference[name]()
    x, d_out = rng.normal(size=(3, 6)), rng.normal(size=(3, 6))
    comparisons = layer_gradients(layer, x, d_out, parameters=())
    assert list(comparisons) == ["d_in"]
    assert comparisons["d_in"].ok and comparisons["d_in"].error < 1e-8


def test_layer_gradients_rejects_broken_linear(reference, rng):
    class Broken(reference["Linear"]):
        def backward(self, d_out):
            self.dw += self.x_in.T @ d_out  # square layer: transposed, no shape error
            self.db += np.sum(d_out, axis=0, keepdims=True) / d_out.shape[0]
            return -(d_out @ self.w)

    layer = _linear(Broken, rng, 4, 4)
    comparisons = layer_gradients(layer, rng.normal(size=(4, 4)), rng.normal(size=(4, 4)))
    assert not any(comparison.ok for comparison in comparisons.values())
    assert comparisons["d_in"].diagnosis() == "d_in has the wrong sign"
    assert comparisons["dw"].diagnosis() == "dw is transposed"
    assert "4 times too small" in comparisons["db"].diagnosis()


def test_layer_gradients_rejects_broken_softmax(reference, rng):
    class Diagonal(reference["SoftMax"]):
        def backward(self, d_out):
            return d_out * self.x_out * (1 - self.x_out)

    comparisons = layer_gradients(Diagonal(), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), ())
    assert not comparisons["d_in"].ok


def test_layer_gradients_reports_missing_gradient(reference, rng):
    class NoReturn(reference["Linear"]):
        def backward(self, d_out):
            super().backward(d_out)

    comparisons = layer_gradients(_linear(NoReturn, rng), rng.normal(size=(2, 5)), rng.normal(size=(2, 3)))
    assert not comparisons["d_in"].ok
    assert "is None" in comparisons["d_in"].diagnosis()
    assert comparisons["dw"].ok and comparisons["db"].ok


def test_cost_gradient_accepts_reference_mse(reference, rng):
    target, prediction = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    prediction_copy = prediction.copy()
    comparison = cost_gradient(reference["MeanSquareError"](), target, prediction)
    assert comparison.name == "gradient" and comparison.batch_size == 4
    assert comparison.ok and comparison.error < 1e-8
    assert np.array_equal(prediction, prediction_copy)


def test_cost_gradient_accepts_reference_cross_entropy(reference, rng):
    target = np.eye(4)[rng.integers(0, 4, size=5)]
    prediction = rng.uniform(0.05, 1.0, size=(5, 4))
    comparison = cost_gradient(reference["CrossEntropy"](), target, prediction)
    assert comparison.ok and comparison.error < 1e-8


def test_cost_gradient_rejects_factor_two(reference, rng):
    class Doubled(reference["MeanSquareError"]):
        def gradient(self, cost):
            return 2 * (self.prediction - self.target)

    comparison = cost_gradient(Doubled(), rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))
    assert not comparison.ok
    assert "yours is 2 times" in comparison.diagnosis()


def test_monomial_finds_the_simplest_product(rng):
    a, b, c = rng.uniform(0.2, 0.9, size=(3, 4, 3))
    factors = {"a": a, "b": b, "c": c}
    constant, powers = gradcheck.monomial(3 * a * b ** 2, factors)
    assert constant == pytest.approx(3.0) and powers == {"a": 1, "b": 2, "c": 0}
    assert gradcheck.monomial(a / c, factors)[1] == {"a": 1, "b": 0, "c": -1}
    assert gradcheck.monomial(a + b, factors) is None  # a sum is no product of them
    # a factor with a zero entry cannot be raised to -1: it is left out, not fitted
    zero = a.copy()
    zero[0, 0] = 0.0
    constant, powers = gradcheck.monomial(b * c, {"a": zero, "b": b, "c": c})
    assert constant == pytest.approx(1.0) and powers == {"b": 1, "c": 1}


def test_product_mistake_names_each_changed_factor():
    wanted = (1.0, {"e": 1, "p": 1, "q": 1})
    assert gradcheck.product_mistake("yours", (1.0, {"e": 1, "p": 0, "q": 1}), wanted) == (
        "term_missing", "yours the factor p is missing")
    kind, sentence = gradcheck.product_mistake("yours", (1.0, {"e": 1, "p": 2, "q": 1}), wanted)
    assert kind == "power" and "a square of p" in sentence
    kind, sentence = gradcheck.product_mistake("yours", (0.25, {"e": 1, "p": 1, "q": 1}), wanted, batch_size=4)
    assert kind == "averaged" and "4 times too small" in sentence
    kind, sentence = gradcheck.product_mistake("yours", (1.0, {"e": 1, "p": -1, "q": 0}), wanted)
    assert kind == "factors" and "p divides" in sentence and "factor q is missing" in sentence
    assert gradcheck.product_mistake("yours", wanted, wanted) is None


def test_a_float16_gradient_is_named_when_it_fails(rng):
    numeric = rng.normal(size=(3, 4))
    assert diagnose("dw", numeric.astype(np.float16), numeric).startswith("dw has dtype float16")
    # a float16 gradient of the wrong sign: the sign is named, the larger mistake
    assert "wrong sign" in diagnose("dw", (-numeric).astype(np.float16), numeric, tolerance=1e-3)
