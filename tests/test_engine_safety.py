"""No Python call can crash the engine; backward passes sharing nodes across threads
give the gradients of sequential runs; wide nodes cost linear time."""
import inspect
import sys
import threading

import numpy as np
import pytest

from ndgrad import _engine, autograd, nd
from ndgrad._engine import AutogradError
from ndgrad.ops import shape as shape_ops


def _recorded():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    return x, y


def test_mark_variables_needs_array_buffers():
    # Regression: a NumPy buffer was accepted and crashed backward (segfault).
    x = nd.array([1.0, 2.0])
    with pytest.raises(TypeError, match="mark_variables: gradient 0 is a ndarray"):
        autograd.mark_variables([x], [np.zeros(2)])
    assert x._node is None


def test_a_variable_buffer_must_be_an_array():
    x, y = _recorded()
    with pytest.raises(TypeError):
        x._node.grad = "nope"
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0]


def test_run_backward_checks_the_head_gradient_count():
    x, y = _recorded()
    with pytest.raises(ValueError, match="1 heads but 0 head gradients"):
        _engine.run_backward([y], [])


def test_apply_refuses_no_op():
    with pytest.raises(TypeError, match="op must be an ndgrad Op"):
        _engine.apply(None, (1,), {})


def test_a_corrupt_output_index_is_an_error():
    x, y = _recorded()
    y._index = 5
    with pytest.raises(AutogradError, match="output index 5 of a node with 1 output"):
        y.backward()
    assert x.grad.asnumpy().tolist() == [0.0, 0.0]


def test_recording_on_a_corrupt_output_index_is_safe():
    # Recording reads an input's shape from its producer's outputs at _index.
    x, y = _recorded()
    y._index = 5
    with autograd.record():
        z = y * 2
    assert z._node.input_meta[0].shape == (2,)
    with pytest.raises(AutogradError, match="output index 5 of a node with 1 output"):
        z.backward()


def test_input_meta_follows_the_data_not_its_producer():
    # _data is writable from Python: the producer's output shape is not trusted.
    x, y = _recorded()
    y._data = np.zeros((3, 1))
    with autograd.record():
        z = y * 2
    assert z._node.input_meta[0].shape == (3, 1)
    assert z._node.input_meta[0].dtype == np.float64


def test_threads_sharing_a_variable_get_sequential_gradients():
    # Regression: passes kept their scratch state on the shared variable's node, so
    # concurrent backward passes mixed up each other's gradients.
    w = nd.array(np.linspace(-1, 1, 64))
    w.attach_grad()

    def grads(seed):
        x = nd.array(np.random.default_rng(seed).standard_normal(64))
        out = []
        for _ in range(100):
            with autograd.record():
                y = x
                for _ in range(5):
                    y = nd.tanh(y * w) + nd.sin(y)
                z = (y * y).sum()
            out.append(autograd.grad(z, [w])[0].asnumpy())
        return out

    expected = [grads(k) for k in range(4)]
    results, errors = [None] * 4, []

    def worker(k):
        try:
            results[k] = grads(k)
        except Exception as e:  # reported below: a thread's error must fail the test
            errors.append(e)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(np.array(got), np.array(want))


@pytest.mark.parametrize("op", ["add_n", "concat", "stack"])
def test_ten_thousand_input_fan_in(op):
    n = 10_000
    xs = [nd.array([float(i)]) for i in range(n)]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = nd.add_n(*xs) if op == "add_n" else nd.concat(*xs, dim=0) if op == "concat" \
            else nd.stack(*xs, axis=0)
        z = (y * nd.arange(1, y.size + 1).reshape(y.shape)).sum()
    z.backward()
    want = np.ones(n) if op == "add_n" else np.arange(1, n + 1)
    np.testing.assert_array_equal([x.grad.asnumpy()[0] for x in xs], want)


def test_a_variadic_vjp_runs_once_per_pass():
    # Regression: it ran once per input, each time with all n inputs: O(n^2) for a
    # 10,000-input add_n or concat (bench/scaling.py times it).
    calls = []

    def vjp(g, ans, *xs, argnums):
        calls.append(len(argnums))
        return [g] * len(argnums)

    op = _engine.Op("sum_all", lambda *xs: np.sum(xs, axis=0), (vjp,), variadic=True)
    xs = [nd.array([1.0]) for _ in range(1000)]
    for x in xs[::2]:
        x.attach_grad()  # only half of the inputs want a gradient
    with autograd.record():
        y = op(*xs)
    y.backward()
    assert calls == [500]
    assert all(x.grad.asnumpy()[0] == 1 for x in xs[::2])


@pytest.mark.parametrize("n", [8, 4096])  # small: new sums; large: sums in place
@pytest.mark.parametrize("first", [True, False])  # which consumer backward meets first
def test_a_gradient_shared_by_two_inputs_is_not_written_through(n, first):
    # add hands one gradient array to both of its inputs; adding more into it for one
    # input must not change what the other receives.
    x, w = nd.array(np.linspace(-1, 1, n)), nd.array(np.full(n, 10.0))
    x.attach_grad()
    with autograd.record():
        u, v = x * 1, x * 1
        shared, rest = ((u + v) * w).sum(), (u * 2).sum() + (v * 3).sum()
        loss = shared + rest if first else rest + shared
    loss.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.full(n, 25.0))


def test_an_op_error_of_a_numpy_exception_class_is_renamed_not_replaced():
    # Regression: re-raising with the op's name called NumPy's _UFuncNoLoopError(msg),
    # which needs more arguments: the user saw a TypeError about its __init__.
    x = nd.array(np.array([True, False]), dtype=bool)
    with pytest.raises(TypeError, match=r"^sign: .*ufunc 'sign' did not contain a loop"):
        nd.sign(x)


# ---- Call: a VJP declared as one op on the backward pass's values ----

def test_call_checks_its_slots_when_declared():
    with pytest.raises(ValueError, match="4 slots"):
        _engine.Call(_engine.SELF, _engine.G, 0, 1, 2)
    with pytest.raises(ValueError, match="slot 'g' is not G, ANS, SHAPE or an input"):
        _engine.Call(_engine.SELF, "g")
    with pytest.raises(ValueError, match="None takes 1"):
        _engine.Call(None, _engine.G, 0)


def test_a_call_may_read_only_what_its_op_saves():
    with pytest.raises(ValueError, match="twice: a Call VJP reads the output, which"):
        _engine.Op("twice", lambda x: 2 * x, (_engine.Call(_engine.SELF, _engine.ANS),))
    with pytest.raises(ValueError, match="twice: a Call VJP reads input 0, which"):
        _engine.Op("twice", lambda x: 2 * x, (_engine.Call(_engine.SELF, 0),),
                   save_inputs=False)


def test_a_call_reading_a_missing_input_is_an_error_not_a_crash():
    op = _engine.Op("first", lambda x: x.copy(), (_engine.Call(None, 3),))
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = op(x)
    with pytest.raises(ValueError, match=r"Call\(None, 3\): reads input 3 of an op given 1"):
        y.backward()
    assert x.grad.asnumpy().tolist() == [0.0]


def test_a_call_is_the_function_it_declares():
    # SELF is bound to the op; the same Call runs in plain and create_graph passes.
    scale = _engine.Op("scale", np.multiply,
                       (_engine.Call(_engine.SELF, _engine.G, 1),
                        _engine.Call(_engine.SELF, _engine.G, 0)))
    assert repr(scale.vjps[0]) == "Call(scale, G, 1)"
    assert scale.vjps[0](np.array([2.0]), None, np.array([5.0]), np.array([3.0])) == 6.0
    x = nd.array([5.0])
    x.attach_grad()
    with autograd.record():
        y = scale(scale(x, x), 3.0)  # 3 x^2
        (dx,) = autograd.grad([y], [x], create_graph=True)
    assert dx.asnumpy().tolist() == [30.0]
    dx.backward()
    assert x.grad.asnumpy().tolist() == [6.0]


def test_a_call_passes_the_shape_of_input_0_saved_or_not():
    # SHAPE reads the input's Meta when the op does not save it; of both passes.
    spread = _engine.Op("spread", lambda x: x.reshape(-1),
                        (_engine.Call(shape_ops.reshape, _engine.G, _engine.SHAPE),),
                        save_inputs=False)
    assert repr(spread.vjps[0]) == "Call(reshape, G, SHAPE)"
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = spread(x) * nd.array([1.0, 2.0, 3.0, 4.0])
        (dx,) = autograd.grad([y], [x], create_graph=True)
    assert dx.shape == (2, 2) and dx.asnumpy().tolist() == [[1.0, 2.0], [3.0, 4.0]]
    with autograd.record():
        y = spread(x)
    y.backward(nd.array([5.0, 6.0, 7.0, 8.0]))
    assert x.grad.asnumpy().tolist() == [[5.0, 6.0], [7.0, 8.0]]


def test_an_ops_fast_forward_runs_first_and_may_leave_the_call_to_forward():
    calls = []

    def fast(x, scale=2.0):
        calls.append(scale)
        return x * scale if scale == 2.0 else None  # declines other scales
    op = _engine.Op("scaled", lambda x, scale=2.0: x * scale + 0.5, fast=fast)
    x = nd.array([1.0, 2.0])
    assert op.fast is fast
    assert op(x).asnumpy().tolist() == [2.0, 4.0]                  # fast's result
    assert op(x, scale=3.0).asnumpy().tolist() == [3.5, 6.5]       # forward's
    assert op(np.array([1.0]), scale=2.0).tolist() == [2.0]        # raw values too
    assert calls == [2.0, 3.0, 2.0]


def test_every_fast_forward_takes_the_arguments_its_forward_takes():
    # The engine calls both with the same arguments, keywords included.
    from ndgrad.ops.registry import REGISTRY
    fast = {name: spec.op for name, spec in REGISTRY.items() if spec.op.fast is not None}
    assert {"take", "tensordot", "array"} <= set(fast)
    for name, op in fast.items():
        assert (inspect.signature(op.fast).parameters
                == inspect.signature(op.forward).parameters), name


def test_a_call_reading_the_shape_of_no_input_is_an_error_not_a_crash():
    op = _engine.Op("five", lambda: np.full(2, 5.0), (_engine.Call(None, _engine.SHAPE),))
    assert op.vjps[0] is not None
    with pytest.raises(ValueError, match=r"Call\(None, SHAPE\): reads input 0 of an op "
                                         r"given 0"):
        op.vjps[0](np.ones(2), np.ones(2))


def test_input_indices_name_each_inputs_output_of_its_producer():
    # Nodes share a tuple of zeros until an input is a later output of its producer.
    x = nd.array([1.0, 2.0, 3.0, 4.0])
    x.attach_grad()
    with autograd.record():
        a, b = nd.split(x, num_outputs=2, axis=0)
        y = a * b + b * a
        z = b * a * 3
        s = y + z
    assert y._node.input_nodes[0].input_indices == (0, 1)
    assert z._node.input_nodes[0].input_indices == (1, 0)
    assert z._node.input_indices == (0, 0)
    s.backward()
    assert x.grad.asnumpy().tolist() == [15.0, 20.0, 5.0, 10.0]


# ---- gradients that are views: multiply below a sum hands on the other factor ----

@pytest.mark.parametrize("n", [8, 4096])  # small: new sums; large: sums in place
def test_a_factor_handed_on_as_a_gradient_is_never_written(n):
    # d(x*y)/dx below a sum is y itself (a read-only view); summing the gradients of
    # x must not write into y, and x.grad must not alias it.
    x = nd.array(np.linspace(-1, 1, n))
    y0 = np.linspace(2, 3, n, dtype=np.float32)
    y = nd.array(y0)
    x.attach_grad()
    with autograd.record():
        loss = (x * y).sum() + (y * x).sum() + (x * x).sum()
    loss.backward()
    np.testing.assert_array_equal(y.asnumpy(), y0)
    want = 2 * y0 + 2 * x.asnumpy()
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6)
    y[:] = 0
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-6)


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_returns_writable_gradients_that_do_not_alias_the_inputs(create_graph):
    x, y = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    x.attach_grad()
    with autograd.record():
        (dx,) = autograd.grad([(x * y).sum()], [x], create_graph=create_graph)
    assert dx.asnumpy().tolist() == [3.0, 4.0]
    dx[:] = 0  # writable, and y does not change with it
    assert y.asnumpy().tolist() == [3.0, 4.0]


# ---- vjp_add: a Call's result added straight into the gradient summed so far ----

def _twice_op(calls):
    def add_into(g, acc):
        calls.append(acc.shape)
        np.add(acc, 2 * g, out=acc)
        return True
    twice = _engine.Op("twice", lambda g: 2 * g, vjp_add=add_into)
    return _engine.Op("double", lambda x: 2 * x, (_engine.Call(twice, _engine.G),))


@pytest.mark.parametrize("n, fused", [(4096, True), (8, False)])  # small: new sums
def test_a_vjp_adds_into_a_large_gradient_sum_nobody_else_sees(n, fused):
    calls = []
    double = _twice_op(calls)
    x = nd.array(np.arange(n))
    x.attach_grad()
    with autograd.record():
        loss = (double(x) + x * 3).sum()  # x * 3's gradient reaches x first
    loss.backward()
    assert x.grad.asnumpy().tolist() == [5.0] * n
    assert calls == ([(n,)] if fused else [])


def test_no_vjp_adds_into_a_sum_in_anomaly_mode_or_under_create_graph():
    calls = []
    double = _twice_op(calls)
    x = nd.array(np.arange(4096))
    x.attach_grad()
    with autograd.detect_anomaly():
        with autograd.record():
            loss = (x * 3 + double(x)).sum()
        loss.backward()
    with autograd.record():
        loss = (x * 3 + double(x)).sum()
        (dx,) = autograd.grad([loss], [x], create_graph=True)
    assert calls == [] and dx.asnumpy().tolist() == [5.0] * 4096


@pytest.mark.parametrize("fn", [nd.tanh, nd.sigmoid, nd.relu])
def test_a_fused_backward_added_into_a_sum_is_bit_identical(fn):
    # Anomaly mode turns the in-place addition off: both passes must agree bit for bit.
    x = nd.array(np.random.default_rng(0).standard_normal(4096))
    x.attach_grad()
    grads = []
    for anomaly in (False, True):
        autograd.set_detect_anomaly(anomaly)
        try:
            with autograd.record():
                loss = (fn(x) * x + x * x).sum()  # fn's gradient reaches x last
            loss.backward()
        finally:
            autograd.set_detect_anomaly(False)
        grads.append(x.grad.asnumpy())
    np.testing.assert_array_equal(grads[0], grads[1])


@pytest.mark.parametrize("grad, want", [
    (lambda x: np.ones((3, 2)), [3, 3]),          # summed back to the input's shape
    (lambda x: nd.ones((3, 2)), [3, 3]),          # the same from an array
    (lambda x: np.ones((3,)), "does not reduce to the input's shape"),
    (lambda x: nd.ones((3,)), "does not reduce to the input's shape")])
def test_a_vjp_result_is_summed_to_its_input_or_refused(grad, want):
    op = _engine.Op("widen", lambda x: x * 1, (lambda g, ans, x: grad(x),))
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = op(x)
    if isinstance(want, str):
        with pytest.raises(ValueError, match=r"backward of 'widen': the gradient for "
                           r"input 0 has shape \(3,\), which " + want):
            y.backward()
    else:
        y.backward()
        assert x.grad.asnumpy().tolist() == want


def test_item_deletion_is_refused_and_changes_nothing():
    # Arrays have a fixed shape (MXNet's too): x[:] = y and x[k] = v write, del cannot.
    x = nd.array([1.0, 2.0])
    with pytest.raises(NotImplementedError, match="deletion"):
        del x[0]
    x[:] = nd.array([3.0, 4.0])  # the engine's own copy
    x[1] = 5.0                   # ArrayBase._setitem
    assert x.asnumpy().tolist() == [3.0, 5.0]
