"""check_gradients must pass on correct gradients and fail, with a report, on wrong
ones: otherwise the generated op tests prove nothing."""
import numpy as np
import pytest

from ndgrad import nd
from ndgrad._engine import Op
from ndgrad.testing import check_gradients

X = [np.array([0.3, -0.7, 1.2])]

# Deliberately wrong ops (engine Ops, not registered): sin with the VJP of
# -cos (wrong first derivative), and cube whose VJP is right in value but built from
# a constant, so its second derivative is wrong.
_wrong_sin = Op("wrong_sin", np.sin, (lambda g, ans, x: g * -nd.cos(x),))
_flat_cube = Op("flat_cube", lambda x: x ** 3,
                (lambda g, ans, x: g * 3 * np.square(getattr(x, "_data", x)),))


def test_passes_on_a_correct_function():
    check_gradients(lambda x: nd.tanh(x) * x + nd.exp(x), X, order=2)


def test_fails_on_a_wrong_first_derivative_and_reports_it():
    with pytest.raises(AssertionError, match=r"input 0 \(shape \(3,\)\) element \(0,\)"):
        check_gradients(_wrong_sin, X)


def test_fails_on_a_wrong_second_derivative_only():
    check_gradients(_flat_cube, X, order=1)
    with pytest.raises(AssertionError, match="ndgrad gives"):
        check_gradients(_flat_cube, X, order=2)
