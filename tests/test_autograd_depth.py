"""Autograd in depth: higher orders for every op, autograd.Function, get_symbol,
anomaly mode, in-place rules, functional helpers (vjp, jacobian, hessian, hvp) and
retained gradients of intermediates. Values marked "MXNet 1.9.1" were printed by it."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ndgrad import AutogradError, _engine, autograd, nd
from ndgrad.ops.registry import differentiable_specs
from ndgrad.testing import check_gradients, numeric_gradients
from ndgrad.testing.strategies import op_inputs


def _vals(a):
    return a.asnumpy().tolist()


def _f64(values):
    return nd.array(values, dtype="float64")


def _close(actual, expected, rtol=1e-6):
    np.testing.assert_allclose(np.asarray(actual.asnumpy() if hasattr(actual, "asnumpy")
                                          else actual), expected, rtol=rtol, atol=1e-9)


# ---------------------------------------------------------------- higher orders

@pytest.mark.parametrize("name", sorted(differentiable_specs()))
@settings(max_examples=5)
@given(data=st.data())
def test_third_derivative_of_every_op(name, data):
    # check_gradients(order=3): the gradient, then the derivative of the (recorded)
    # gradient, then of that, each against central differences.
    spec = differentiable_specs()[name]
    inputs, kwargs = data.draw(op_inputs(name))
    check_gradients(lambda *xs: spec.op(*xs, **kwargs), inputs, order=3,
                    rtol=spec.test.rtol, atol=spec.test.atol)


def _derivatives(f, x, order):
    """[f'(x), f''(x), ...] up to ``order``, each by grad(create_graph=True) of the
    previous one."""
    out = []
    with autograd.record():
        y = f(x)
        for _ in range(order):
            y = autograd.grad(y, [x], create_graph=True)[0]
            out.append(y)
    return out


@pytest.mark.parametrize("f, closed_forms", [
    # exp(sin x): (u''' + 3u'u'' + u'^3) e^u with u = sin x
    (lambda x: nd.exp(nd.sin(x)),
     lambda v: [np.cos(v) * np.exp(np.sin(v)),
                (np.cos(v) ** 2 - np.sin(v)) * np.exp(np.sin(v)),
                (np.cos(v) ** 3 - 3 * np.sin(v) * np.cos(v) - np.cos(v))
                * np.exp(np.sin(v))]),
    # tanh goes through the fused _tanh_grad kernel and its own VJP
    (lambda x: nd.tanh(x),
     lambda v: [1 - np.tanh(v) ** 2, -2 * np.tanh(v) * (1 - np.tanh(v) ** 2),
                (6 * np.tanh(v) ** 2 - 2) * (1 - np.tanh(v) ** 2)]),
    (lambda x: 1 / x, lambda v: [-1 / v ** 2, 2 / v ** 3, -6 / v ** 4]),
    (lambda x: x * nd.log(x), lambda v: [np.log(v) + 1, 1 / v, -1 / v ** 2]),
    (lambda x: nd.sigmoid(x) * x ** 2,
     lambda v: _sigmoid_times_square(v)),
], ids=["exp-sin", "tanh", "reciprocal", "x-log-x", "sigmoid-x2"])
def test_third_derivatives_of_composites_match_closed_forms(f, closed_forms):
    x = _f64([0.3, 1.2, 2.5])
    x.attach_grad()
    got = _derivatives(f, x, 3)
    for k, (g, want) in enumerate(zip(got, closed_forms(x.asnumpy()))):
        _close(g, want, rtol=1e-9)


def _sigmoid_times_square(v):
    s = 1 / (1 + np.exp(-v))
    s1 = s * (1 - s)
    s2 = s1 * (1 - 2 * s)
    s3 = s1 * (1 - 6 * s + 6 * s ** 2)
    # Leibniz on s * v^2
    return [s1 * v ** 2 + 2 * v * s,
            s2 * v ** 2 + 4 * v * s1 + 2 * s,
            s3 * v ** 2 + 6 * v * s2 + 6 * s1]


def test_third_derivative_tensor_of_a_vector_function():
    # f(x) = (x.x)^2: T_ijk = 8 (d_ij x_k + d_ik x_j + d_jk x_i); contract with u, w.
    x, u, w = _f64([0.5, -1.0, 2.0]), _f64([1.0, 2.0, -1.0]), _f64([0.3, 0.0, 1.0])
    x.attach_grad()
    with autograd.record():
        f = nd.dot(x, x) ** 2
        g = autograd.grad(f, [x], create_graph=True)[0]
        hu = autograd.grad(g, [x], head_grads=u, create_graph=True)[0]
    t = autograd.grad(hu, [x], head_grads=w)[0]
    xv, uv, wv = x.asnumpy(), u.asnumpy(), w.asnumpy()
    _close(g, 4 * xv.dot(xv) * xv)
    _close(hu, 4 * xv.dot(xv) * uv + 8 * xv * xv.dot(uv))
    _close(t, 8 * (uv * xv.dot(wv) + wv * xv.dot(uv) + xv * uv.dot(wv)))


def test_mixed_partials_of_two_variables():
    # f = x^2 y^3: d3f/dx dy dy = 12 x y
    x, y = _f64([1.5]), _f64([-2.0])
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        f = x ** 2 * y ** 3
        fx = autograd.grad(f, [x], create_graph=True)[0]
        fxy = autograd.grad(fx, [y], create_graph=True)[0]
    fxyy = autograd.grad(fxy, [y])[0]
    assert _vals(fx) == [2 * 1.5 * -8.0]
    assert _vals(fxy) == [6 * 1.5 * 4.0]
    assert _vals(fxyy) == [12 * 1.5 * -2.0]


def test_backward_of_created_gradients_writes_into_variables_as_mxnet():
    # MXNet 1.9.1 (unary ops, the ones it can differentiate twice): d/dx cos(x)
    x = nd.array([0.5, 1.0])
    x.attach_grad()
    with autograd.record():
        dy = autograd.grad(nd.sin(x), [x], create_graph=True)[0]
    assert _vals(x.grad) == [0, 0]
    dy.backward()
    _close(x.grad, [-0.47942555, -0.84147096], rtol=1e-6)
    # grad_req='add' starting from zeros: z = cos^2 x, dz/dx = -sin 2x
    x.attach_grad(grad_req="add")
    with autograd.record():
        dy = autograd.grad(nd.sin(x), [x], create_graph=True)[0]
        z = dy * dy
    z.backward()
    _close(x.grad, [-0.841471, -0.90929735], rtol=1e-6)
    z2 = None
    with autograd.record():
        dy = autograd.grad(nd.sin(x), [x], create_graph=True)[0]
        z2 = dy * dy
    z2.backward()  # 'add' accumulates a second time
    _close(x.grad, [-2 * 0.841471, -2 * 0.90929735], rtol=1e-6)
    # MXNet 1.9.1: y + dy/dx for y = exp(x) differentiates to 2 exp(x)
    x.attach_grad()
    with autograd.record():
        y = nd.exp(x)
        s = y + autograd.grad(y, [x], create_graph=True)[0]
    s.backward()
    _close(x.grad, [3.2974424, 5.4365635], rtol=1e-6)


def _softmax_output_gradient(label, **options):
    """x -> the gradient SoftmaxOutput(x, label, **options) sends to x (recorded with
    create_graph, so it can be differentiated)."""
    def first_order(x):
        if x._node is None:  # numeric differentiation evaluates at plain arrays
            x.attach_grad()
        with autograd.record():
            y = nd.SoftmaxOutput(x, label, **options)
        return autograd.grad(y, [x], create_graph=True)[0]
    return first_order


def test_second_derivative_of_softmax_output_is_that_of_its_gradient():
    # SoftmaxOutput's gradient ignores the head gradient (MXNet's design): it is the
    # function F(x) = (softmax(x) - onehot) * scale. Its derivative under create_graph
    # must be F's Jacobian, not F again. Here <v, F> has gradient J_softmax^T v.
    x = _f64([[0.1, 0.5, -0.3]])
    v = np.array([[1.0, -1.0, 2.0]])
    x.attach_grad()
    with autograd.record():
        g = _softmax_output_gradient(nd.array([2]))(x)
    p = np.exp(x.asnumpy()[0]) / np.exp(x.asnumpy()[0]).sum()
    _close(g, [p - [0, 0, 1]])
    _close(autograd.grad(g, [x], head_grads=_f64(v))[0],
           [(np.diag(p) - np.outer(p, p)) @ v[0]])


@pytest.mark.parametrize("shape, label, options", [
    ((2, 3), [2, 0], {}),
    ((4, 3), [0, 1, 2, 2], {"grad_scale": 2.0, "normalization": "batch"}),
    ((4, 3), [0, 1, 2, 2], {"normalization": "valid", "use_ignore": True,
                            "ignore_label": 2}),
    ((2, 3), [1, 0], {"smooth_alpha": 0.2}),
    ((2, 2, 3), [[0, 1, 1], [1, 1, 0]], {"multi_output": True}),
    ((2, 2, 3), [[0, 1, 1], [1, 1, 0]], {"multi_output": True, "use_ignore": True,
                                         "ignore_label": 1, "normalization": "valid"}),
    ((2, 2, 3), [[1, 0], [2, 1]], {"preserve_shape": True}),
    ((2, 2, 3), [[1, 0], [0, 0]], {}),
])
def test_softmax_output_derivatives_against_numeric(shape, label, options):
    # Second and third derivatives of SoftmaxOutput: those of its gradient function,
    # checked against central differences of that function.
    x = np.random.default_rng(1).uniform(-1.5, 1.5, shape)
    first_order = _softmax_output_gradient(nd.array(label), **options)
    check_gradients(first_order, [x], order=2)


class _CountRecords:
    """Counts the OpNodes the engine creates, through its record-time hook."""

    def __enter__(self):
        self.n = 0

        def hook():
            self.n += 1

        _engine.set_anomaly_hook(hook)
        return self

    def __exit__(self, *exc):
        _engine.set_anomaly_hook(None)


def test_plain_backward_records_nothing_and_create_graph_does():
    x = nd.array([0.5, 1.0])
    x.attach_grad()
    with autograd.record():
        y = (nd.tanh(x) * nd.exp(x) / (x + 1)).sum()
    with _CountRecords() as c:
        y.backward(retain_graph=True)
    assert c.n == 0
    with _CountRecords() as c:
        autograd.grad(y, [x], create_graph=True)
    assert c.n > 0


# ---------------------------------------------------------------- Function

class _Sigmoid(autograd.Function):
    # MXNet's documented example.
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


class _MulAdd(autograd.Function):
    """(x * w, x + w); counts backward calls; saves its inputs."""
    calls = 0
    seen = None

    def forward(self, x, w):
        type(self).seen = (autograd.is_recording(), autograd.is_training())
        self.save_for_backward(x, w)
        return x * w, x + w

    def backward(self, dy, dz):
        type(self).calls += 1
        x, w = self.saved_tensors
        return dy * w + dz, dy * x + dz


def test_function_sigmoid_gradient():
    x = nd.array([-1.0, 0.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = _Sigmoid()(x)
    y.backward()
    s = 1 / (1 + np.exp(-np.array([-1.0, 0.0, 2.0])))
    _close(y, s)
    _close(x.grad, s * (1 - s))


def test_function_with_two_inputs_and_two_outputs_as_mxnet():
    # MXNet 1.9.1: forward sees (recording, training) = (False, True); backward gets
    # zeros for the unused output; x.grad = [3, 4], w.grad = [1, 2].
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    _MulAdd.calls = 0
    with autograd.record():
        y, z = _MulAdd()(x, w)
    assert _MulAdd.seen == (False, True)
    assert _vals(y) == [3, 8] and _vals(z) == [4, 6]
    y.backward()
    assert _vals(x.grad) == [3, 4] and _vals(w.grad) == [1, 2]
    assert _MulAdd.calls == 1  # once per pass, not once per input
    with autograd.record():
        y, z = _MulAdd()(x, w)
        total = (y * 2 + z).sum()
    total.backward()
    assert _vals(x.grad) == [7, 9] and _vals(w.grad) == [3, 5]
    # The built-in ops give the same gradients (MXNet's test_function checks this).
    custom = [x.grad.asnumpy(), w.grad.asnumpy()]
    with autograd.record():
        total = (x * w * 2 + (x + w)).sum()
    total.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), custom[0])
    np.testing.assert_array_equal(w.grad.asnumpy(), custom[1])


def test_function_outside_record_just_runs_forward():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    f = _MulAdd()
    y, z = f(x, w)
    assert _MulAdd.seen == (False, False)
    assert _vals(y) == [3, 8] and y._node is None
    with pytest.raises(AutogradError, match=r"_MulAdd: a Function instance can be "
                                            r"called only once"):
        f(x, w)


def test_function_instance_is_usable_once():
    x = nd.array([1.0])
    x.attach_grad()
    f = _Sigmoid()
    with autograd.record():
        f(x)
        with pytest.raises(AutogradError, match="only once.*_Sigmoid\\(\\)"):
            f(x)


class _Returns(autograd.Function):
    def __init__(self, grads):
        super().__init__()
        self.grads = grads

    def forward(self, x, w):
        return x * w

    def backward(self, dy):
        return self.grads(dy)


@pytest.mark.parametrize("grads, error, pattern", [
    (lambda dy: dy, ValueError,
     r"_Returns.backward returned 1 gradient\(s\), but forward took 2 input\(s\)"),
    (lambda dy: (dy, dy, dy), ValueError, r"returned 3 gradient\(s\)"),
    (lambda dy: (dy, nd.ones((3,))), ValueError,
     r"_Returns.backward: the gradient for input 1 has shape \(3,\), but input 1 "
     r"has shape \(2,\)"),
    (lambda dy: (dy, [1.0, 2.0]), TypeError,
     r"_Returns.backward: the gradient for input 1 is a list, not an array"),
])
def test_function_bad_backward_is_reported_and_changes_nothing(grads, error, pattern):
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    x.grad[:] = 7
    with autograd.record():
        y = _Returns(grads)(x, w)
    with pytest.raises(error, match=pattern):
        y.backward()
    assert _vals(x.grad) == [7, 7] and _vals(w.grad) == [0, 0]


class _Single(autograd.Function):
    """2 * x, whose backward returns what it is given."""
    def __init__(self, grads):
        super().__init__()
        self.grads = grads

    def forward(self, x):
        return x * 2

    def backward(self, dy):
        return self.grads(dy)


@pytest.mark.parametrize("grads", [
    lambda dy: dy * 2,
    lambda dy: (dy * 2,),
    lambda dy: [dy * 2],
    lambda dy: dy.asnumpy() * 2,          # used to be split into its rows
    lambda dy: (dy.asnumpy() * 2,),
])
def test_function_single_input_takes_one_array_or_a_tuple(grads):
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = _Single(grads)(x)
    y.backward()
    assert _vals(x.grad) == [[2, 2], [2, 2]]
    # Under create_graph too (a NumPy gradient is a constant to it).
    with autograd.record():
        g = autograd.grad(_Single(grads)(x), [x], create_graph=True)[0]
    assert isinstance(g, nd.NDArray) and _vals(g) == [[2, 2], [2, 2]]


@pytest.mark.parametrize("grads, error, pattern", [
    (lambda dy: 2.0, TypeError,
     r"_Single.backward returned a float; return one gradient per input: an array "
     r"\(or None\) for one input, a tuple of them for several"),
    (lambda dy: {"x": dy}, TypeError, r"_Single.backward returned a dict"),
    (lambda dy: (2.0,), TypeError,
     r"_Single.backward: the gradient for input 0 is a float, not an array"),
    (lambda dy: (dy, dy), ValueError,
     r"_Single.backward returned 2 gradient\(s\), but forward took 1 input\(s\)"),
    (lambda dy: np.ones(3), ValueError,
     r"_Single.backward: the gradient for input 0 has shape \(3,\), but input 0 has "
     r"shape \(2, 2\)"),
])
def test_function_single_input_bad_backward(grads, error, pattern):
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = _Single(grads)(x)
    with pytest.raises(error, match=pattern):
        y.backward()
    assert _vals(x.grad) == [[0, 0], [0, 0]]


def test_function_none_gradient_means_no_gradient():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = _Returns(lambda dy: (dy * 5, None))(x, w)
    y.backward()
    assert _vals(x.grad) == [5, 5] and _vals(w.grad) == [0, 0]


def test_function_with_a_constant_input_and_repeated_passes():
    class Scale(autograd.Function):
        def __init__(self):  # no super().__init__(): still works
            self.calls = 0

        def forward(self, x, c):
            self.save_for_backward(c)
            return x * c

        def backward(self, dy):
            self.calls += 1
            c, = self.saved_tensors
            return dy * c, dy  # the constant's gradient is dropped

    x, c = nd.array([1.0, 2.0]), nd.array([3.0, 5.0])
    x.attach_grad()
    f = Scale()
    with autograd.record():
        y = f(x, c)
    y.backward(retain_graph=True)
    assert _vals(x.grad) == [3, 5] and f.calls == 1
    assert _vals(autograd.grad(y, x, head_grads=nd.array([2.0, 2.0]))) == [6, 10]
    assert f.calls == 2


def test_function_forward_must_return_arrays():
    class Bad(autograd.Function):
        def forward(self, x):
            return x.asnumpy()

    class Scalar(autograd.Function):
        def forward(self, x):
            return 2.0

    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record(), pytest.raises(TypeError, match="Bad.forward must return"):
        Bad()(x)
    with pytest.raises(TypeError, match="Scalar.forward must return arrays; output 0 "
                                        "is a float"):
        Scalar()(x)


def test_function_backward_is_recorded_under_create_graph():
    # Saved outputs come back linked to the graph, so sigmoid'' is complete:
    # s (1 - s) (1 - 2 s), and a third order too.
    x = _f64([-1.0, 0.5, 2.0])
    x.attach_grad()
    g1, g2, g3 = _derivatives(lambda a: _Sigmoid()(a), x, 3)
    s = 1 / (1 + np.exp(-x.asnumpy()))
    _close(g1, s * (1 - s), rtol=1e-12)
    _close(g2, s * (1 - s) * (1 - 2 * s), rtol=1e-12)
    _close(g3, s * (1 - s) * (1 - 6 * s + 6 * s ** 2), rtol=1e-12)


def test_function_saved_inputs_link_to_the_graph_under_create_graph():
    # d2/dx2 of sum(x * w) through _MulAdd is 0; d2/dx dw is 1 (saved x, w linked).
    x, w = _f64([1.0, 2.0]), _f64([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y, _ = _MulAdd()(x, w)
        gx = autograd.grad(y, [x], create_graph=True)[0]  # = w
    assert _vals(gx) == [3, 4]
    assert _vals(autograd.grad(gx, [w], retain_graph=True)[0]) == [1, 1]
    # gx does not depend on x at all: as in MXNet, that is an error, not zeros.
    with pytest.raises(AutogradError, match="variable 0 is unreachable"):
        autograd.grad(gx, [x])


def test_function_saved_input_written_in_place_is_detected():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    with autograd.record():
        y, _ = _MulAdd()(x, w)
    w[:] = 0
    with pytest.raises(AutogradError, match="'_MulAdd' saved .* modified in place"):
        y.backward()


# ---------------------------------------------------------------- get_symbol

def test_get_symbol_names_text_and_dot():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = nd.tanh(x * w) + x
    g = autograd.get_symbol(y)
    # Same names as MXNet 1.9.1's get_symbol: ['var0', 'var1'], ['node_2_output'].
    assert g.list_arguments() == ["var0", "var1"]
    assert g.list_outputs() == ["node_2_output"]
    assert str(g) == "\n".join([
        "Graph(arguments=[var0, var1], outputs=[node_2_output])",
        "  var0 = variable() -> (2,) float32",
        "  var1 = variable() -> (2,) float32",
        "  node_0 = multiply(var0, var1) -> (2,) float32",
        "  node_1 = tanh(node_0) -> (2,) float32",
        "  node_2 = add(node_1, var0) -> (2,) float32"])
    assert repr(g) == "<Graph node_2>"
    dot = g.to_dot()
    assert dot.startswith("digraph ndgrad {") and dot.rstrip().endswith("}")
    assert '"node_1" [shape=box, style=rounded, label="tanh\\n(2,) float32"];' in dot
    assert '"var1" [shape=ellipse, label="var1\\n(2,) float32"];' in dot
    for edge in ['"var0" -> "node_0";', '"var1" -> "node_0";', '"node_0" -> "node_1";',
                 '"node_1" -> "node_2";', '"var0" -> "node_2";']:
        assert edge in dot
    assert dot.count("->") == 5


def test_get_symbol_constants_scalars_attributes_and_dtypes():
    x = _f64([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    c = nd.array([1.0, 2.0], dtype="float64")  # no gradient: a constant
    with autograd.record():
        y = nd.sum(x * c * 2, axis=1)
    g = autograd.get_symbol(y)
    assert g.list_arguments() == ["var0"]
    text = str(g)
    assert "  const0 = constant() -> (2,) float64" in text
    assert "  node_0 = multiply(var0, const0) -> (2, 2) float64" in text
    assert "  node_1 = multiply(node_0, 2) -> (2, 2) float64" in text
    assert "  node_2 = sum(node_1, axis=(1,), keepdims=False) -> (2,) float64" in text
    dot = g.to_dot()
    assert 'style=dashed' in dot and '"const0" -> "node_0";' in dot
    assert "multiply\\n(node_0, 2)" in dot and "\\naxis=(1,)\\n" in dot


def test_get_symbol_of_a_multi_output_function_and_several_heads():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y, z = _MulAdd()(x, w)
        u = z * 2
    g = autograd.get_symbol([y, u])
    assert g.list_outputs() == ["node_0_output0", "node_1_output"]
    assert "  node_0 = _MulAdd(var0, var1) -> (2,) float32, (2,) float32" in str(g)
    assert "  node_1 = multiply(node_0:1, 2) -> (2,) float32" in str(g)
    assert '"node_0" -> "node_1" [label="1"];' in g.to_dot()


def test_get_symbol_walks_long_chains_without_recursion():
    import sys
    x = nd.array([1.0])
    x.attach_grad()
    n = sys.getrecursionlimit() * 5
    with autograd.record():
        y = x
        for _ in range(n):
            y = y + 1
    g = autograd.get_symbol(y)
    assert g.list_outputs() == [f"node_{n - 1}_output"]
    assert g.to_dot().count("->") == n


def test_get_symbol_errors():
    x = nd.array([1.0])
    with pytest.raises(AutogradError, match="get_symbol: array 0 is not part"):
        autograd.get_symbol(x * 2)
    x.attach_grad()
    with autograd.record():
        y = nd.exp(x)
    y.backward()
    with pytest.raises(AutogradError, match="'exp' was freed by backward"):
        autograd.get_symbol(y)


def test_graph_is_a_snapshot_that_outlives_the_freed_graph():
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = nd.exp(x)
    g = autograd.get_symbol(y)
    y.backward()
    assert str(g).splitlines()[-1] == "  node_0 = exp(var0) -> (1,) float32"


# ---------------------------------------------------------------- anomaly mode

def test_anomaly_mode_names_the_op_and_the_user_line():
    x = nd.array([0.0, 1.0])
    x.attach_grad()
    with autograd.detect_anomaly():
        with autograd.record():
            y = nd.sqrt(x) * 3  # the line anomaly mode must show
        with pytest.raises(autograd.AnomalyError) as info:
            y.backward()
    msg = str(info.value)
    assert "the backward of 'sqrt' produced Inf in the gradient for its input 0" in msg
    assert "y = nd.sqrt(x) * 3  # the line anomaly mode must show" in msg
    assert "test_autograd_depth.py" in msg and "ndgrad/ops" not in msg
    assert _vals(x.grad) == [0, 0]


def test_anomaly_mode_reports_nan_and_is_an_autograd_error():
    x = nd.array([0.0])
    x.attach_grad()
    with autograd.detect_anomaly():
        with autograd.record():
            y = nd.log(x * x)
        with pytest.raises(AutogradError, match="'log' produced NaN"):
            y.backward(nd.zeros((1,)))  # 0 / 0 in log's backward


def test_anomaly_mode_names_a_function_whose_backward_gives_nan():
    class Bad(autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy * float("nan")

    x = nd.array([1.0])
    x.attach_grad()
    with autograd.detect_anomaly():
        with autograd.record():
            y = Bad()(x) + 1  # where Bad was called
        with pytest.raises(AutogradError) as info:
            y.backward()
    assert "the backward of 'Bad' produced NaN" in str(info.value)
    assert "y = Bad()(x) + 1  # where Bad was called" in str(info.value)


def test_anomaly_mode_off_costs_nothing_and_leaves_non_finite_gradients():
    assert not autograd.is_anomaly_enabled()
    x = nd.array([0.0])
    x.attach_grad()
    with _CountRecords() as c:  # no trace is taken...
        with autograd.record():
            y = nd.sqrt(x)
    assert c.n == 1
    y.backward()  # ...and nothing checks gradients
    assert np.isinf(x.grad.asnumpy()).all()


def test_anomaly_mode_for_ops_recorded_before_it_was_on():
    x = nd.array([0.0])
    x.attach_grad()
    with autograd.record():
        y = nd.sqrt(x)
    assert autograd.set_detect_anomaly(True) is False
    try:
        with pytest.raises(AutogradError, match="recorded while anomaly mode was off"):
            y.backward()
    finally:
        assert autograd.set_detect_anomaly(False) is True
    assert not autograd.is_anomaly_enabled()


# ---------------------------------------------------------------- in-place rules

@pytest.mark.parametrize("write", [
    lambda w: w.__setitem__(slice(None), 5),
    lambda w: w.__iadd__(1),
    lambda w: w.__setitem__(1, 0),
], ids=["slice-assign", "iadd", "index-assign"])
def test_writes_to_a_saved_input_are_detected(write):
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    with autograd.record():
        y = x * w
    write(w)
    with pytest.raises(AutogradError, match="'multiply' saved .* modified in place"):
        y.backward()
    assert _vals(x.grad) == [0, 0]


@pytest.mark.parametrize("write", [
    lambda t: t.__setitem__(slice(None), 5),
    lambda t: t.__imul__(2),
    lambda t: t.__setitem__(0, 0),
], ids=["slice-assign", "imul", "index-assign"])
def test_writes_to_a_saved_output_are_detected(write):
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        t = nd.exp(x)  # exp saves its output
    write(t)
    with pytest.raises(AutogradError, match="'exp' saved .* modified in place"):
        t.backward()
    assert _vals(x.grad) == [0, 0]


def test_sgd_update_outside_record_is_free():
    # MXNet 1.9.1: three steps of w -= 0.1 * d sum(w^3)/dw from [1, 2].
    w = nd.array([1.0, 2.0])
    w.attach_grad()
    for _ in range(3):
        with autograd.record():
            loss = (w * w * w).sum()
        loss.backward()
        w[:] = w - 0.1 * w.grad
    _close(w, [0.46125727891921997, 0.4971007704734802], rtol=1e-6)
    assert isinstance(w._node, _engine.VarNode)


def test_in_place_writes_inside_record_on_arrays_without_gradient():
    # MXNet 1.9.1: c = [7, 3, 3] and x.grad = [7, 3, 3].
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    c = nd.zeros((3,))
    with autograd.record():
        c[:] = 2
        c += 1
        c[0] = 7
        y = x * c
    y.backward()
    assert _vals(c) == [7, 3, 3] and _vals(x.grad) == [7, 3, 3]


# ---------------------------------------------------------------- functional

def _numeric_jacobian(f, xv):
    out = f(nd.array(xv, dtype="float64"))
    rows = []
    for i in range(out.size):
        e = np.zeros(out.size)
        e[i] = 1
        rows.append(numeric_gradients(f, [xv], e.reshape(out.shape))[0])
    return np.array(rows).reshape(out.shape + xv.shape)


def _poly(x):
    return nd.sin(x) * x + nd.exp(x * 0.5)


def test_vjp_matches_numeric_and_leaves_inputs_alone():
    xv = np.array([[0.3, -1.2], [2.0, 0.7]])
    x, v = nd.array(xv, dtype="float64"), _f64([[1.0, -2.0], [0.5, 3.0]])
    x.attach_grad()
    x.grad[:] = 9
    y, g = autograd.vjp(_poly, x, v=v)
    _close(y, xv * np.sin(xv) + np.exp(xv * 0.5))
    _close(g, numeric_gradients(_poly, [xv], v.asnumpy())[0], rtol=1e-6)
    assert y._node is None and g._node is None
    assert _vals(x.grad) == [[9, 9], [9, 9]]


def test_vjp_of_several_inputs_defaults_to_ones():
    def f(a, b):
        return nd.tanh(a) * b

    av, bv = np.array([0.2, -0.4]), np.array([1.5, 2.0])
    y, (ga, gb) = autograd.vjp(f, nd.array(av, dtype="float64"),
                               nd.array(bv, dtype="float64"))
    na, nb = numeric_gradients(f, [av, bv], np.ones(2))
    _close(ga, na, rtol=1e-6)
    _close(gb, nb, rtol=1e-6)


def test_jacobian_matches_numeric():
    def f(x):
        return nd.dot(x, x) * nd.sin(x)

    xv = np.array([0.3, -1.2, 2.0])
    j = autograd.jacobian(f, nd.array(xv, dtype="float64"))
    assert j.shape == (3, 3)
    _close(j, _numeric_jacobian(f, xv), rtol=1e-6)
    # closed form: 2 x_j sin(x_i) + |x|^2 cos(x_i) delta_ij
    _close(j, 2 * np.outer(np.sin(xv), xv) + np.diag(xv.dot(xv) * np.cos(xv)))


def test_jacobian_of_a_matrix_function_has_both_shapes():
    xv = np.array([[0.3, -1.2], [2.0, 0.7]])
    j = autograd.jacobian(lambda x: nd.exp(x).T, nd.array(xv, dtype="float64"))
    assert j.shape == (2, 2, 2, 2)
    _close(j, _numeric_jacobian(lambda x: nd.exp(x).T, xv), rtol=1e-6)


def _scalar(x):
    return (nd.sin(x) * x * x).sum() + nd.dot(x, x) ** 2


def test_hessian_matches_numeric_and_closed_form():
    xv = np.array([0.3, -1.2, 2.0])
    h = autograd.hessian(_scalar, nd.array(xv, dtype="float64"))
    numeric = _numeric_jacobian(lambda a: autograd.vjp(_scalar, a)[1], xv)
    _close(h, numeric, rtol=1e-5)
    diag = (2 - xv ** 2) * np.sin(xv) + 4 * xv * np.cos(xv)
    closed = np.diag(diag) + 4 * xv.dot(xv) * np.eye(3) + 8 * np.outer(xv, xv)
    _close(h, closed, rtol=1e-9)


def test_hvp_matches_hessian_times_v():
    xv, vv = np.array([0.3, -1.2, 2.0]), np.array([1.0, 0.5, -2.0])
    x = nd.array(xv, dtype="float64")
    y, hv = autograd.hvp(_scalar, x, nd.array(vv, dtype="float64"))
    h = autograd.hessian(_scalar, x)
    _close(hv, h.asnumpy().dot(vv), rtol=1e-9)
    numeric = numeric_gradients(lambda a: autograd.vjp(_scalar, a)[1], [xv], vv)[0]
    _close(hv, numeric, rtol=1e-5)  # H symmetric: v^T H = H v
    _close(y, [np.sum(np.sin(xv) * xv ** 2) + xv.dot(xv) ** 2])


def test_functional_helpers_check_their_arguments():
    x = _f64([1.0, 2.0])
    with pytest.raises(ValueError, match=r"hessian: f must return one element.*\(2,\)"):
        autograd.hessian(lambda a: a * a, x)
    with pytest.raises(ValueError, match=r"hvp: v has shape \(3,\), but x has shape"):
        autograd.hvp(lambda a: (a * a).sum(), x, _f64([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="vjp: f must return one ndgrad array"):
        autograd.vjp(lambda a: 3.0, x)
    with pytest.raises(TypeError, match="jacobian: input 0 is a ndarray; pass ndgrad"):
        autograd.jacobian(lambda a: a, np.ones(2))


def test_functional_helpers_of_constant_functions_give_zeros():
    x = _f64([1.0, 2.0])
    assert _vals(autograd.vjp(lambda a: nd.ones((2,)), x)[1]) == [0, 0]
    assert _vals(autograd.hessian(lambda a: a.sum() * 2, x)) == [[0, 0], [0, 0]]


# ---------------------------------------------------------------- retained gradients

def test_retain_grad_keeps_an_intermediate_gradient_without_detaching():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        y.retain_grad()
        z = (y * 3).sum() + (y * y).sum()  # two consumers add up: 3 + 2 y
    assert y.grad is None
    z.backward()
    assert _vals(y.grad) == [5, 11]
    assert _vals(x.grad) == [10, 44]  # still flows to x: (3 + 2 x^2) 2 x


def test_retained_gradient_is_overwritten_by_each_backward_not_by_grad():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = nd.exp(x)
        autograd.retain_grad(y)
        z = y * 2
    z.backward(retain_graph=True)
    assert _vals(y.grad) == [2, 2]
    z.backward(nd.array([1.0, 10.0]), retain_graph=True)
    assert _vals(y.grad) == [2, 20]
    autograd.grad(z, [x], retain_graph=True)
    assert _vals(y.grad) == [2, 20]


def test_retain_grad_on_one_output_of_a_function():
    x, w = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y, z = _MulAdd()(x, w)
        z.retain_grad()
        y.retain_grad()
        s = (y * 4).sum()
    s.backward()
    assert _vals(y.grad) == [4, 4] and _vals(z.grad) == [0, 0]


def test_retain_grad_rules():
    x = nd.array([1.0])
    with pytest.raises(AutogradError, match="retain_grad: this array is not part"):
        x.retain_grad()
    x.attach_grad()
    x.retain_grad()  # a variable keeps its own .grad
    with autograd.record():
        y = x * 2
    y.backward()
    assert _vals(x.grad) == [2]
    # attach_grad on an intermediate keeps MXNet's detaching meaning
    x.grad[:] = 0
    with autograd.record():
        y = x * 2
        y.attach_grad()
        z = y * 5
    z.backward()
    assert _vals(y.grad) == [5] and _vals(x.grad) == [0]
