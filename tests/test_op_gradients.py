"""Generated from the registry: every differentiable op's first and second derivatives
against central differences in float64, on inputs hypothesis draws per the op's
GradTest metadata (broadcastable shapes for binary ops), that neither its forward nor
its backward writes into its inputs or head gradients, and grad_req='add'
accumulating. Adding an op with a GradTest adds its tests here."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from ndgrad import autograd
from ndgrad._engine import Op
from ndgrad.ndarray import NDArray
from ndgrad.ops.registry import differentiable_specs
from ndgrad.testing import check_gradients
from ndgrad.testing.strategies import op_inputs

OPS = sorted(differentiable_specs())


def assert_leaves_buffers_alone(name, op, inputs, kwargs):
    """Run ``op`` on the very NumPy buffers ``inputs`` (a raw forward, then a recorded
    forward on NDArrays wrapping them and a backward with given head gradients) and
    check that none of those buffers, the array keyword arguments or the head
    gradients changed. (check_gradients works on copies, so it cannot see this.)"""
    arrays = {f"input {i}": x for i, x in enumerate(inputs) if isinstance(x, np.ndarray)}
    arrays.update({f"keyword {k}": v for k, v in kwargs.items()
                   if isinstance(v, np.ndarray)})

    def unchanged(step):
        for what, x in arrays.items():
            np.testing.assert_array_equal(x, saved[what],
                                          err_msg=f"{name}: {step} wrote into its {what}")

    saved = {what: x.copy() for what, x in arrays.items()}
    op(*inputs, **kwargs)
    unchanged("the forward")
    xs = [NDArray._wrap(x) if isinstance(x, np.ndarray) else x for x in inputs]
    assert all(x._data is b for x, b in zip(xs, inputs) if isinstance(b, np.ndarray))
    for x in xs:
        if isinstance(x, NDArray) and np.dtype(x.dtype).kind == "f":
            x.attach_grad()
    with autograd.record():
        out = op(*xs, **kwargs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    rng = np.random.default_rng(0)
    heads = [rng.uniform(0.5, 1.5, o.shape).astype(o.dtype) for o in outs]
    arrays.update({f"head gradient {i}": h for i, h in enumerate(heads)})
    saved.update({f"head gradient {i}": h.copy() for i, h in enumerate(heads)})
    autograd.backward(outs, [NDArray._wrap(h) for h in heads])
    unchanged("the backward")


def _check(name, order, data):
    spec = differentiable_specs()[name]
    inputs, kwargs = data.draw(op_inputs(name))
    if order == 1:
        assert_leaves_buffers_alone(name, spec.op, inputs, kwargs)
    check_gradients(lambda *xs: spec.op(*xs, **kwargs), inputs, order=order,
                    rtol=spec.test.rtol, atol=spec.test.atol)


def _writes_input(x):
    x *= 2  # the bug the check looks for: a forward writing into its input's buffer
    return x + 1


def _vjp_writes_input(g, ans, x):
    x[...] = 0
    return g


def _vjp_writes_head(g, ans, x):
    g *= 3
    return g


@pytest.mark.parametrize("op,step", [
    (Op("writes_input", _writes_input, (lambda g, ans, x: g,)), "forward"),
    (Op("vjp_writes_input", lambda x: x * 1.0, (_vjp_writes_input,)), "backward"),
    (Op("vjp_writes_head", lambda x: x * 1.0, (_vjp_writes_head,), save_inputs=False),
     "backward"),
], ids=["forward-writes-input", "backward-writes-input", "backward-writes-head"])
def test_the_mutation_check_catches_an_op_writing_into_its_buffers(op, step):
    """The check above can fail: ops (made here, not registered) that write into their
    input or head gradient are caught."""
    with pytest.raises(AssertionError, match=f"{op.name}: the {step} wrote into"):
        assert_leaves_buffers_alone(op.name, op, [np.array([1.0, 2.0])], {})
    assert_leaves_buffers_alone("tanh", differentiable_specs()["tanh"].op,
                                [np.array([1.0, 2.0])], {})


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_first_derivative(name, data):
    _check(name, 1, data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_second_derivative(name, data):
    _check(name, 2, data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_grad_req_add_accumulates(name, data):
    """Two backward passes with grad_req='add' give twice one pass with 'write'."""
    spec = differentiable_specs()[name]
    inputs, kwargs = data.draw(op_inputs(name))

    def grads(req, passes):
        xs = [NDArray._wrap(np.array(x, dtype=np.float64)) for x in inputs]
        for x in xs:
            x.attach_grad(grad_req=req)
        for _ in range(passes):
            with autograd.record():
                out = spec.op(*xs, **kwargs)
            autograd.backward(list(out) if isinstance(out, (tuple, list)) else [out])
        return [x.grad.asnumpy() for x in xs]

    for once, twice in zip(grads("write", 1), grads("add", 2)):
        np.testing.assert_allclose(twice, 2 * once, rtol=1e-12, atol=1e-12)
