"""ndgrad.testing: check_gradients must pass on correct gradients and fail, with a
report naming the element and both values, on wrong ones (otherwise the generated op
tests prove nothing); the strategies, the pytest plugin's profiles and the testing
guide's example must work as documented."""
import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ndgrad import autograd, nd
from ndgrad._engine import Op
from ndgrad.testing import check_gradients, numeric_gradients
from ndgrad.testing import pytest_plugin
from ndgrad.testing.strategies import (arrays, axes, broadcastable_shapes,
                                       gradient_check, ndgrad_arrays, shapes)

ROOT = Path(__file__).resolve().parent.parent
X = [np.array([0.3, -0.7, 1.2])]

# A deliberately wrong engine op: sin with the VJP of -cos.
_wrong_sin = Op("wrong_sin", np.sin, (lambda g, ans, x: g * -nd.cos(x),))


class WrongSquare(autograd.Function):
    """x**2 with a wrong backward (the factor 2 is missing)."""

    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * x


class FlatCube(autograd.Function):
    """x**3 whose backward is right in value but computed outside ndgrad (NumPy), so
    it is a constant to create_graph: the second derivative comes out zero."""

    def forward(self, x):
        self.save_for_backward(x)
        return x ** 3

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * nd.array(3 * x.asnumpy() ** 2, dtype=x.dtype)


# ---- check_gradients passes on correct functions ---------------------------------

def test_passes_on_correct_functions_to_second_order():
    check_gradients(lambda x: nd.tanh(x) * x + nd.exp(x), X, order=2)
    check_gradients(lambda a, b: nd.sin(a) * b + a / (b * b + 1),
                    [np.ones((2, 3)), np.array([0.5, -1.0, 2.0])], order=2)


def test_several_outputs_and_ndgrad_inputs():
    check_gradients(lambda x: (nd.sin(x), nd.sum(x * x)), [nd.array([0.1, 0.2])],
                    order=2)


def test_np_arrays_stay_np_arrays():
    from ndgrad import np as mnp
    seen = set()

    def f(x):
        seen.add(type(x))
        return mnp.sin(x) * mnp.exp(x)
    check_gradients(f, [mnp.array([0.5, -1.0, 2.0])], order=2)
    assert seen == {mnp.ndarray}


def test_head_grad_is_used():
    # With zero head gradients on elements 0 and 1, only element 2 can be wrong.
    with pytest.raises(AssertionError, match=r"element \(2,\).*1 of 3 elements off"):
        check_gradients(lambda x: WrongSquare()(x), X, head_grad=np.array([0, 0, 1.0]))


def test_head_grads_must_match_the_outputs():
    # One head gradient for two outputs used to check the first output only (zip
    # truncates), so the wrong second one passed.
    two = lambda x: (nd.sin(x), WrongSquare()(x))  # noqa: E731
    with pytest.raises(ValueError, match=r"check_gradients: 1 head gradient\(s\) for "
                                         r"the 2 output\(s\) of f"):
        check_gradients(two, X, head_grad=np.ones(3))
    with pytest.raises(ValueError, match=r"3 head gradient\(s\) for the 2 output"):
        check_gradients(two, X, head_grad=[np.ones(3)] * 3)
    with pytest.raises(ValueError, match=r"head gradient 1 has shape \(1,\), but "
                                         r"output 1 has shape \(3,\)"):
        check_gradients(two, X, head_grad=[np.ones(3), np.ones(1)])
    with pytest.raises(ValueError, match=r"1 head gradient\(s\) for the 2 output"):
        numeric_gradients(two, X, np.ones(3))
    with pytest.raises(AssertionError, match="ndgrad gives"):
        check_gradients(two, X, head_grad=[np.ones(3), np.ones(3)])


def test_numeric_gradients_are_central_differences():
    g, = numeric_gradients(nd.sin, X, np.ones(3))
    np.testing.assert_allclose(g, np.cos(X[0]), rtol=1e-8)


# ---- and fails with a report --------------------------------------------------------

def test_custom_function_with_a_wrong_backward_is_reported():
    x = np.array([0.5, -1.5])
    with pytest.raises(AssertionError) as err:
        check_gradients(lambda x: WrongSquare()(x), [x], head_grad=np.ones(2))
    msg = str(err.value)
    assert msg.startswith("gradient: input 0 (shape (2,)) element (0,): "
                          "ndgrad gives 0.5, numeric differentiation gives 1.0")
    assert "(abs error 0.5); 2 of 2 elements off" in msg
    assert "input 0 = [ 0.5 -1.5]" in msg


def test_wrong_first_derivative_of_an_engine_op():
    with pytest.raises(AssertionError, match=r"input 0 \(shape \(3,\)\) element \(0,\)"):
        check_gradients(_wrong_sin, X)


def test_wrong_second_derivative_only():
    f = lambda x: FlatCube()(x)  # noqa: E731
    check_gradients(f, X, order=1)
    with pytest.raises(AssertionError, match=r"^second derivative .*ndgrad gives 0\.0"):
        check_gradients(f, X, order=2)


def test_a_wrong_element_is_located_in_a_large_input():
    # Only element 37 is wrong; the projection notices, the fallback locates it.
    def vjp(g, ans, x):
        wrong = np.zeros(x.shape)
        wrong[37] = 0.5
        return g * (1 + nd.array(wrong, dtype=np.float64))
    op = Op("almost_identity", lambda x: x + 0, (vjp,))
    with pytest.raises(AssertionError, match=r"element \(37,\).*1 of 100 elements off"):
        check_gradients(op, [np.linspace(-1, 1, 100)])


def test_a_passing_check_costs_a_few_evaluations():
    calls = []

    def f(x):
        calls.append(1)
        return nd.sin(x)
    check_gradients(f, [np.linspace(-1, 1, 200)], directions=2)
    assert len(calls) == 2 * 2 + 2  # output shape, analytic, 2 per direction


def test_projection_tolerance_trade_off_and_directions_none():
    # An error 5x one element's tolerance, in 1 of 400 elements: below what the
    # projection resolves (about sqrt(400) tolerances), found elementwise.
    def vjp(g, ans, x):
        wrong = np.zeros(x.shape)
        wrong[7] = 5e-4
        return g * (1 + nd.array(wrong, dtype=np.float64))
    op = Op("nearly_identity", lambda x: x + 0, (vjp,))
    x = [np.linspace(-1, 1, 400)]
    check_gradients(op, x, head_grad=np.ones(400))
    with pytest.raises(AssertionError, match=r"element \(7,\)"):
        check_gradients(op, x, head_grad=np.ones(400), directions=None)


def test_f_must_return_arrays():
    with pytest.raises(TypeError, match="f must return ndgrad arrays; output 0 is a "
                                        "float"):
        check_gradients(lambda x: 1.0, X)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        check_gradients(nd.sin, X, method="forward")
    with pytest.raises(ValueError, match="order must be 1, 2 or more"):
        check_gradients(nd.sin, X, order=0)
    with pytest.raises(ValueError, match="directions must be a positive int or None"):
        check_gradients(nd.sin, X, directions=0)
    with pytest.raises(ValueError, match="nondiff must be one of"):
        check_gradients(nd.sin, X, nondiff="ignore")
    with pytest.raises(ValueError, match="use method='central'"):
        check_gradients(nd.abs, X, method="complex", nondiff="skip")


# ---- complex step ------------------------------------------------------------------

def test_complex_step_is_exact_where_central_differences_are_not():
    f = lambda x: nd.exp(nd.sin(x)) * nd.tanh(x)  # noqa: E731
    check_gradients(f, X, order=2, method="complex", rtol=1e-13, atol=0)
    with pytest.raises(AssertionError):
        check_gradients(f, X, method="central", rtol=1e-13, atol=0)


def test_complex_step_on_a_non_analytic_function_says_so():
    with pytest.raises(AssertionError, match="assumes f is analytic"):
        check_gradients(nd.abs, X, method="complex")


# ---- non-differentiable points -----------------------------------------------------

KINK = [np.array([0.0, 1.0, -1.0])]


def test_a_kink_is_reported_as_such_by_default():
    with pytest.raises(AssertionError) as err:
        check_gradients(nd.relu, KINK, head_grad=np.ones(3))
    assert re.search(r"element \(0,\): ndgrad gives 0\.0, numeric differentiation gives "
                     r"0\.(5|4999)\d*.*\n  f is not differentiable there: the one-sided "
                     r"derivatives are 0\.0 and (1\.0|0\.9999)", str(err.value))


@pytest.mark.parametrize("nondiff", ["skip", "subgradient"])
def test_kinks_pass_with_nondiff(nondiff):
    for f in (nd.relu, nd.abs, lambda x: nd.maximum(x, 0.0) * x):
        check_gradients(f, KINK, order=2, nondiff=nondiff)


def test_subgradient_rejects_a_value_outside_the_one_sided_derivatives():
    # abs with "gradient" 5 at 0: not in [-1, 1]. 'skip' does not look at it.
    bad_abs = Op("bad_abs", np.abs, (lambda g, ans, x: g * (nd.sign(x) + 5 * (x == 0)),))
    with pytest.raises(AssertionError, match=r"(?s)element \(0,\): ndgrad gives 5\.0.*"
                                              r"one-sided derivatives are -1\.0+\d* and 1\.0"):
        check_gradients(bad_abs, KINK, nondiff="subgradient", head_grad=np.ones(3))
    check_gradients(bad_abs, KINK, nondiff="skip")


@pytest.mark.parametrize("nondiff", ["skip", "subgradient"])
def test_nondiff_still_catches_errors_at_smooth_points(nondiff):
    # Wrong (factor 2) away from 0, right at the kink.
    bad = Op("bad_relu", lambda x: np.maximum(x, 0), (lambda g, ans, x: g * 2 * (x > 0),))
    with pytest.raises(AssertionError, match=r"element \(1,\)"):
        check_gradients(bad, KINK, nondiff=nondiff)


def test_a_jump_in_the_gradient_has_no_second_derivative():
    # abs'' at 0 is a jump of the gradient: reported, or skipped with nondiff.
    with pytest.raises(AssertionError, match="not differentiable there"):
        check_gradients(nd.abs, KINK, order=2, nondiff="error",
                        head_grad=np.ones(3), directions=None)
    check_gradients(nd.abs, KINK, order=2, nondiff="subgradient", directions=None)


# ---- strategies --------------------------------------------------------------------

@gradient_check(arrays(np.float64, shapes()), order=2)
def test_gradient_check_softplus(x):
    return nd.log(1 + nd.exp(x))


@gradient_check(broadcastable_shapes(2).flatmap(
    lambda s: st.tuples(arrays(np.float64, s[0]),
                        arrays(np.float64, s[1], domain=(0.5, 2.0)))))
def test_gradient_check_broadcast_division(a, b):
    return a / b


def test_gradient_check_fails_on_a_wrong_function():
    test = gradient_check(arrays(np.float64, shapes(min_dims=1)))(
        lambda x: WrongSquare()(x))
    with pytest.raises(AssertionError, match="ndgrad gives"):
        test()


def test_gradient_check_keeps_the_name_and_takes_no_fixtures():
    import inspect
    assert test_gradient_check_softplus.__name__ == "test_gradient_check_softplus"
    assert not inspect.signature(test_gradient_check_softplus).parameters


@given(arrays(np.float32, shapes(), domain=(-1.0, 1.0), avoid=(0.0, 0.5), margin=0.1))
def test_arrays_respect_domain_avoid_and_dtype(x):
    assert x.dtype == np.float32
    assert np.all(np.abs(x) >= np.float32(0.1)) and np.all(np.abs(x - 0.5) >= 0.099)
    assert np.all((x >= -1.2) & (x <= 1.2))


@given(arrays(np.float32, (2, 3), st.floats(0.25, 0.5, width=32)))
def test_arrays_take_hypothesis_order_dtype_shape_elements(x):
    # hypothesis.extra.numpy.arrays(dtype, shape, elements=...) reads the same.
    assert x.dtype == np.float32 and x.shape == (2, 3)
    assert np.all((x >= 0.25) & (x <= 0.5))


@given(arrays(dtype="float64", shape=shapes(min_dims=1), elements=st.just(1.5)),
       ndgrad_arrays(np.float32, (3,), st.just(0.5)))
def test_arrays_and_ndgrad_arrays_by_keyword_and_position(x, v):
    assert x.dtype == np.float64 and np.all(x == 1.5)
    assert v.dtype == np.float32 and v.asnumpy().tolist() == [0.5] * 3
    assert v.grad is not None


@pytest.mark.parametrize("first", [(2, 3), 3, shapes()])
def test_arrays_refuse_a_shape_in_the_dtype_place(first):
    # The order before hypothesis' (shape first) is refused, not misread.
    for strategy in (arrays, ndgrad_arrays):
        with pytest.raises(TypeError, match=r"arrays\(dtype, shape, elements=None, "
                                            r"\*, domain=, avoid=, margin=\): the first "
                                            r"argument is the dtype"):
            strategy(first, (2,))
        with pytest.raises(TypeError, match="shape"):
            strategy(first)


@given(broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast(ss):
    assert len(ss) == 3
    np.broadcast_shapes(*ss)


@given(ndgrad_arrays(np.float64, shapes(min_dims=1), grad_req="add"))
def test_ndgrad_arrays_are_variables(x):
    assert isinstance(x, nd.NDArray) and x.grad_req == "add"
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * x.asnumpy())


@given(st.integers(0, 4).flatmap(lambda n: st.tuples(st.just(n), axes(n))))
def test_axes_are_valid_for_the_ndim(n_axis):
    n, axis = n_axis
    np.zeros((2,) * n).sum(axis=axis)


# ---- pytest plugin: profiles ------------------------------------------------------

def test_profiles_are_registered():
    ci = settings.get_profile("ndgrad-ci")
    assert (ci.max_examples, ci.derandomize, ci.deadline) == (15, True, None)
    assert settings.get_profile("ndgrad-dev").max_examples == 100
    assert settings.get_profile("ndgrad-thorough").max_examples == 1000


def test_profile_chosen_by_the_environment(monkeypatch):
    try:
        monkeypatch.setenv(pytest_plugin.ENV_VAR, "thorough")
        assert pytest_plugin.load_profile(default="ci") == "thorough"
        assert settings.default.max_examples == 1000
        monkeypatch.setenv(pytest_plugin.ENV_VAR, "fast")
        with pytest.raises(ValueError, match="the profiles are ci, dev, thorough"):
            pytest_plugin.load_profile()
    finally:
        monkeypatch.undo()
        pytest_plugin.load_profile(default="ci")  # what conftest.py loaded


def _profile_in_another_project(tmp_path, env, option, plugin=True):
    """(max_examples, derandomize, deadline) that hypothesis has in a project outside
    ndgrad run with ``env`` added to a clean environment and pytest ``option``s."""
    (tmp_path / "test_x.py").write_text(
        "from hypothesis import settings\n"
        "def test_profile():\n"
        "    s = settings.default\n"
        "    open('out.txt', 'w').write(repr((s.max_examples, s.derandomize, str(s.deadline))))\n")
    environ = {k: v for k, v in os.environ.items() if k not in (pytest_plugin.ENV_VAR, "CI")}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env)
    # Installed, ndgrad registers the plugin through its pytest11 entry point; from a
    # source tree it has to be named.
    installed = any(ep.value.startswith("ndgrad.") for ep in
                    importlib.metadata.entry_points(group="pytest11"))
    if plugin:
        choice = [] if installed else ["-p", "ndgrad.testing.pytest_plugin"]
    else:
        choice = ["-p", "no:ndgrad"] if installed else []
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          *choice, *option, str(tmp_path)],
                         cwd=tmp_path, env=environ, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return eval((tmp_path / "out.txt").read_text())


@pytest.mark.parametrize("env, option, expected", [
    ({pytest_plugin.ENV_VAR: "thorough"}, [], (1000, False, "None")),  # the variable
    ({}, ["--hypothesis-profile=ndgrad-ci"], (15, True, "None")),  # registered in time
])
def test_plugin_in_another_project(tmp_path, env, option, expected):
    assert _profile_in_another_project(tmp_path, env, option) == expected


@pytest.mark.parametrize("env", [{}, {"CI": "true"}])
def test_plugin_leaves_another_projects_settings_alone(tmp_path, env):
    # Regression: in a CI environment hypothesis loads a "ci" profile of its own; the
    # plugin used to register its ci profile under that name and so replace it.
    without = _profile_in_another_project(tmp_path, env, [], plugin=False)
    assert _profile_in_another_project(tmp_path, env, []) == without
    if env:
        assert without[1], "hypothesis should have loaded its own ci profile"


# ---- the testing guide's example runs as written ----------------------------------

GUIDE = ROOT / "docs" / "testing-guide.md"


def _guide_blocks():
    """The guide's ```python blocks, each with the ```text block after it (its
    printed output or error report) if there is one."""
    blocks = re.findall(r"```python\n(.*?)```(?:\s*```text\n(.*?)```)?",
                        GUIDE.read_text(), re.S)
    assert len(blocks) >= 3
    return blocks


def _rounded(text):
    # Compare reports to 6 significant digits: the last digits of a numeric
    # derivative may differ between NumPy builds.
    return re.sub(r"-?\d+\.\d+(e[-+]?\d+)?", lambda m: f"{float(m[0]):.6g}",
                  text.strip())


def test_the_guide_examples_run_and_show_their_output(capsys):
    script = {"__name__": "guide"}
    for code, shown in _guide_blocks():
        if code.startswith("# test file"):
            # A test module: run its tests (and a conftest: load its profile).
            module = {"__name__": "guide_tests"}
            exec(compile(code, str(GUIDE), "exec"), module)
            for name, test in module.items():
                if name.startswith("test_"):
                    test()
            continue
        try:
            exec(compile(code, str(GUIDE), "exec"), script)
        except AssertionError as e:
            assert shown, f"a block of the guide raised, but shows no report:\n{code}"
            assert _rounded(str(e)) == _rounded(shown)
        else:
            assert _rounded(capsys.readouterr().out) == _rounded(shown)


# ---- ndgrad.test_utils: MXNet's names and behaviour (values printed by MXNet 1.9.1) --

from ndgrad import test_utils as tu  # noqa: E402


def test_defaults_are_mxnets():
    f16, f32, f64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))
    assert {k: tu.default_rtols()[k] for k in (f16, f32, f64)} == \
        {f16: 0.01, f32: 0.0001, f64: 1e-05}
    assert {k: tu.default_atols()[k] for k in (f16, f32, f64)} == \
        {f16: 0.1, f32: 0.001, f64: 1e-20}
    assert tu.default_numeric_eps() == {f16: 0.015625, f32: 0.001953125,
                                        f64: 6.103515625e-05}
    assert tu.default_rtols()[np.dtype(np.int64)] == 0
    assert str(tu.default_context()) == "cpu(0)" and tu.default_dtype() is np.float32


def test_random_arrays_and_shapes_repeat_mxnets_after_seeding():
    np.random.seed(0)
    a = tu.rand_ndarray((2, 3))
    assert a.dtype == np.float32 and str(a.context) == "cpu(0)"
    expected = [[1.764052391052246, 0.40015721321105957, 0.978738009929657],
                [2.2408931255340576, 1.8675580024719238, -0.9772778749465942]]
    assert a.asnumpy().tolist() == expected
    np.random.seed(0)
    assert tu.rand_ndarray((2, 3), dtype="float64").asnumpy().tolist() == expected
    np.random.seed(1)
    assert [tu.rand_shape_nd(3), tu.rand_shape_nd(2, dim=4), tu.rand_shape_2d(),
            tu.rand_shape_3d()] == [(6, 9, 10), (4, 2), (1, 1), (2, 8, 7)]
    np.random.seed(1)
    assert tu.rand_shape_nd(4, allow_zero_size=True) == (5, 8, 9, 5)
    with pytest.raises(ValueError, match="dense arrays only"):
        tu.rand_ndarray((2, 2), stype="csr")


def test_same():
    assert tu.same(nd.array([1, 2]), nd.array([1, 2]))
    assert tu.same(np.array([1, 2]), np.array([1, 2.0]))
    assert not tu.same(np.array([np.nan]), np.array([np.nan]))
    assert not tu.same(np.array([1, 2]), np.array([1, 2, 3]))


def test_assert_almost_equal_tolerances():
    tu.assert_almost_equal(np.float32(1.0), np.float32(1.0009))      # atol 1e-3
    tu.assert_almost_equal(np.array([1.0]), np.array([1.00001]))       # rtol 1e-5
    tu.assert_almost_equal(np.array([1.0], np.float32), np.array([1.00002]))  # larger
    tu.assert_almost_equal(1, 1.0 + 1e-6)
    tu.assert_almost_equal(nd.array([1, 2]), np.array([1, 2.0001]))
    tu.assert_almost_equal(np.array([1.0, 2.0]), np.array([[1.0, 2.0], [1.0, 2.0]]))
    tu.assert_almost_equal(np.array([np.nan]), np.array([np.nan]), equal_nan=True)
    assert tu.almost_equal(np.array([1.0]), np.array([1.000001]))
    assert not tu.almost_equal(np.array([1.0]), np.array([1.0001]))


@pytest.mark.parametrize("a, b, kwargs, message", [
    (np.array([1.0]), np.array([1.00002]), {},
     "\nItems are not equal:\nError 1.999960 exceeds tolerance rtol=1.000000e-05, "
     "atol=1.000000e-20 (mismatch 100.000000%).\nLocation of maximum error: (0,), "
     "a=1.00000000, b=1.00002000\n ACTUAL: array([1.])\n DESIRED: array([1.00002])"),
    (nd.array([1, 2, 3]), nd.array([1, 2, 3.5]), {},
     "\nItems are not equal:\nError 370.370361 exceeds tolerance rtol=1.000000e-04, "
     "atol=1.000000e-03 (mismatch 33.333333%).\nLocation of maximum error: (2,), "
     "a=3.00000000, b=3.50000000\n ACTUAL: array([1., 2., 3.], dtype=float32)\n "
     "DESIRED: array([1. , 2. , 3.5], dtype=float32)"),
    (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.1, 3.5]), {"names": ("x", "y")},
     "\nItems are not equal:\nError 14285.714286 exceeds tolerance rtol=1.000000e-05, "
     "atol=1.000000e-20 (mismatch 66.666667%).\nLocation of maximum error: (2,), "
     "x=3.00000000, y=3.50000000\n ACTUAL: array([1., 2., 3.])\n DESIRED: "
     "array([1. , 2.1, 3.5])"),
    (np.array([np.nan]), np.array([np.nan]), {},
     "\nItems are not equal:\nError nan exceeds tolerance rtol=1.000000e-05, "
     "atol=1.000000e-20 (mismatch 100.000000%).\nLocation of maximum error: (0,), "
     "a=nan, b=nan\n ACTUAL: array([nan])\n DESIRED: array([nan])"),
    (np.array([1.0, 2.0]), np.array([[1.0, 2.0], [1.0, 2.0]]), {"use_broadcast": False},
     "\nItems are not equal: a.shape = (2,) and b.shape = (2, 2) are not equal\n "
     "ACTUAL: array([1., 2.])\n DESIRED: array([[1., 2.],\n       [1., 2.]])"),
])
def test_assert_almost_equal_messages_are_mxnets(a, b, kwargs, message):
    with pytest.raises(AssertionError) as err:
        tu.assert_almost_equal(a, b, **kwargs)
    assert str(err.value) == message


def test_assert_almost_equal_counts_mismatches_up_to_a_limit():
    a, b = np.zeros(20), np.ones(20)
    with pytest.raises(AssertionError, match=r"mismatch at least 55\.000000%"):
        tu.assert_almost_equal(a, b)                   # 11 of 20, then "at least"
    with pytest.raises(AssertionError, match=r"mismatch 100\.000000%"):
        tu.assert_almost_equal(a, b, mismatches=(10, 0))


def test_check_numeric_gradient_passes_and_fails_like_mxnets():
    f = lambda a, b: a * nd.sin(b)  # noqa: E731
    tu.check_numeric_gradient(f, [[1.0, 2.0], [0.5, 0.1]])
    tu.check_numeric_gradient(f, [[1.0, 2.0], [0.5, 0.1]], dtype=np.float64)
    tu.check_numeric_gradient(f, {"b": [0.5, 0.1], "a": [1.0, 2.0]},
                              grad_nodes={"a": "add", "b": "null"})
    with pytest.raises(AssertionError, match=r"(?s)Location of maximum error: \(\d,\), "
                                             r"NUMERICAL_x=.*BACKWARD_x="):
        tu.check_numeric_gradient(lambda x: WrongSquare()(x), [[0.3, 0.5]])
    with pytest.raises(AssertionError, match="NUMERICAL_arg0"):  # no signature
        tu.check_numeric_gradient(_wrong_sin, [[0.3, 0.5]])


def test_check_numeric_gradient_bad_arguments():
    f = lambda x: x * 2  # noqa: E731
    with pytest.raises(ValueError, match=r"grad_nodes \['y'\] are not arguments"):
        tu.check_numeric_gradient(f, [[1.0]], grad_nodes=["y"])
    with pytest.raises(ValueError, match="too small for float32"):
        tu.check_numeric_gradient(f, [[1.0]], numeric_eps=1e-6)
    with pytest.raises(ValueError, match="aux_states belong to Symbols"):
        tu.check_numeric_gradient(f, [[1.0]], aux_states=[[1.0]])


def test_check_numeric_gradient_leaves_numpys_random_stream_where_mxnet_does():
    # MXNet 1.9.1, same seed, mx.sym.sin(x) * y at the same location, then
    # np.random.rand(): 0.558854087990882 (all arguments), 0.2784872826479753 (y only).
    location = [np.array([[0.5, 1.0, 2.0]]), np.array([[1.0, 2.0, 3.0]])]
    for grad_nodes, expected in ((None, 0.558854087990882), (["y"], 0.2784872826479753)):
        np.random.seed(3)
        tu.check_numeric_gradient(lambda x, y: nd.sin(x) * y, location,
                                  grad_nodes=grad_nodes)
        assert np.random.rand() == expected
