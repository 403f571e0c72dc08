"""Temporary elision: ``a * b + c`` may write the sum into the product's buffer.

The arithmetic operators reuse an operand's memory only when that operand is provably
a temporary (docs/architecture.md, "Temporary elision"). The positive tests measure the
memory an expression allocates (tracemalloc) and compare values and gradients with the
same computation through named arrays, which never elides. Every must-not-elide test
checks that the arrays the user can still see are unchanged, and that the result is
what it would be without elision.
"""
import functools
import gc
import operator
import platform
import sys
import sysconfig
import tracemalloc

import numpy as np
import pytest

import ndgrad
from ndgrad import _engine, _threads, autograd, nd

N = 1 << 20                     # 4 MiB of float32: far above the 256 KiB threshold
SMALL = 1 << 10                 # 4 KiB: below it
RNG = np.random.default_rng(9)


def data(n=N, dtype=np.float32, shape=None):
    return RNG.standard_normal(shape or n).astype(dtype)


def peak_arrays(fn, nbytes):
    """fn() and the peak memory it allocated, in arrays of ``nbytes``."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return result, peak / nbytes


# Where the engine can prove an operand is a temporary (docs/architecture.md): the
# tests that measure elision run there only, and there it must be available.
SUPPORTED = (sys.platform == "linux" and platform.libc_ver()[0] == "glibc"
             and platform.python_implementation() == "CPython"
             and sys.version_info < (3, 14)
             and not sysconfig.get_config_var("Py_GIL_DISABLED"))
elides = pytest.mark.skipif(not SUPPORTED, reason="no temporary elision on this platform")


def test_elision_is_available_where_supported():
    assert _engine._elision_available() == SUPPORTED


def same(a, b):
    a = a.asnumpy() if isinstance(a, ndgrad._engine.Array) else np.asarray(a)
    b = b.asnumpy() if isinstance(b, ndgrad._engine.Array) else np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)


# ---- elision happens, and changes nothing but memory ----------------------------------

@elides
def test_big_forward_holds_three_arrays_not_four():
    # bench big: t, t*x and x*x are alive when the sum is formed; the sum reuses t*x.
    x = nd.array(data())
    x.attach_grad()

    def forward():
        with autograd.record():
            t = nd.tanh(x)
            return (t * x + x * x).sum()
    loss, arrays = peak_arrays(forward, 4 * N)
    assert arrays < 3.5, f"forward peaked at {arrays:.2f} arrays"
    loss.backward()
    x0 = x.asnumpy()
    t0 = np.tanh(x0)
    np.testing.assert_allclose(loss.asnumpy(), (t0 * x0 + x0 * x0).sum(), rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), (1 - t0 * t0) * x0 + t0 + 2 * x0,
                               rtol=1e-5, atol=1e-6)


@elides
@pytest.mark.parametrize("expr", [
    lambda a, b: (a * 2) + b,
    lambda a, b: b + (a * 2),        # the temporary on the right (__radd__ side)
    lambda a, b: (a * 2) - b,
    lambda a, b: b - (a * 2),
    lambda a, b: (a + 1) * b,
    lambda a, b: b * (a + 1),
    lambda a, b: (a + 1) / b,
    lambda a, b: b / (a + 1),
    lambda a, b: (a * b) * 0.5,      # a Python scalar operand
    lambda a, b: 3 - (a * b),        # a reflected scalar operator
    lambda a, b: (a * b) + getattr(b, "_data", b),  # a NumPy operand
], ids=["lhs+", "+rhs", "lhs-", "-rhs", "lhs*", "*rhs", "lhs/", "/rhs", "*scalar",
        "scalar-", "+numpy"])
def test_a_temporary_holds_the_result_outside_record(expr):
    a, b = nd.array(data()), nd.array(data())
    a0, b0 = a.asnumpy(), b.asnumpy()
    got, arrays = peak_arrays(lambda: expr(a, b), 4 * N)
    assert arrays < 1.5, f"{arrays:.2f} arrays: the result was not written into " \
                         "the temporary"
    same(a, a0)
    same(b, b0)
    same(got, expr(a0, b0))  # NumPy computes the same (it elides too)


def test_values_and_gradients_equal_those_of_named_arrays():
    x0, y0 = data(), data()

    def run(named):
        x, y = nd.array(x0), nd.array(y0)
        x.attach_grad()
        y.attach_grad()
        with autograd.record():
            if named:
                p = x * y
                q = y * 3
                s = p + q
                r = s - 1
                out = r / 2
            else:
                out = ((x * y + y * 3) - 1) / 2
            loss = (out * x).sum()
        loss.backward()
        return out, x.grad, y.grad
    elided, named = run(False), run(True)
    for a, b in zip(elided, named):
        same(a, b)


@elides
def test_threads_give_the_same_result(monkeypatch):
    monkeypatch.setattr(_threads, "MIN_SIZE", 1 << 16)
    a, b = nd.array(data()), nd.array(data())
    ndgrad.set_num_threads(2)
    try:
        got, arrays = peak_arrays(lambda: (a * 2) + b, 4 * N)
    finally:
        ndgrad.set_num_threads(1)
    assert arrays < 1.5
    same(got, a.asnumpy() * 2 + b.asnumpy())


def test_second_derivatives_with_create_graph():
    x0 = data()
    x = nd.array(x0)
    x.attach_grad()
    with autograd.record():
        y = ((x * x) * x + (x * 2)).sum()             # x^3 + 2x
        g = autograd.grad(y, x, create_graph=True)    # 3x^2 + 2
        z = (g * x).sum()                              # d/dx: 9x^2 + 2
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), 3 * x0 * x0 + 2, rtol=1e-5)
    np.testing.assert_allclose(x.grad.asnumpy(), 9 * x0 * x0 + 2, rtol=1e-5)


def test_anomaly_mode_still_names_where_a_nan_came_from():
    x = nd.array(np.abs(data()) + 1)
    x.attach_grad()
    prev = autograd.set_detect_anomaly(True)
    try:
        with autograd.record():
            y = (nd.sqrt(x - x) + x * 2).sum()        # sqrt's gradient at 0 is inf
        with pytest.raises(ndgrad.anomaly.AnomalyError, match="sqrt"), \
                np.errstate(divide="ignore"):
            y.backward()
    finally:
        autograd.set_detect_anomaly(prev)


# ---- must not elide: every array the user can still see is unchanged ------------------

def test_not_an_operand_bound_to_a_name():
    a, b = nd.array(data()), nd.array(data())
    t = a * 2
    t0 = t.asnumpy()
    got = t + b
    same(t, t0)
    same(got, t0 + b.asnumpy())


@pytest.mark.parametrize("combine", [
    lambda xs: operator.add(xs[0], xs[1]),
    lambda xs: operator.add(*xs),
    lambda xs: functools.reduce(operator.add, xs),
    lambda xs: sum(xs),
    lambda xs: sum(xs[1:], xs[0]),
    lambda xs: xs[0].__add__(xs[1]),
    lambda xs: xs[0] + xs[1],
], ids=["operator.add", "operator.add(*t)", "reduce", "sum", "sum-start", "__add__",
        "subscripts"])
@pytest.mark.parametrize("container", [list, tuple])
def test_not_operands_held_by_a_container(combine, container):
    a, b = nd.array(data()), nd.array(data())
    xs = container([a * 2, b * 3])  # each held by the container alone
    before = [x.asnumpy() for x in xs]
    expected = combine(container([x.copy() for x in before]))
    got = combine(xs)
    for x, x0 in zip(xs, before):
        same(x, x0)
    same(got, expected)


def test_not_arrays_in_a_numpy_object_array():
    # NumPy's object loops call the operator on each element through a borrowed
    # reference: the element's only owner is the object array, at a BINARY_OP.
    a, b = nd.array(data()), nd.array(data())
    objs = np.empty(2, dtype=object)
    objs[0], objs[1] = a * 2, b * 3
    before = [x.asnumpy() for x in objs]
    got = objs + 1
    product = objs * 2
    total = objs.sum()          # the object loop's sum: its first item is borrowed too
    for x, x0 in zip(objs, before):
        same(x, x0)
    for x, y, x0 in zip(got, product, before):
        same(x, x0 + 1)
        same(y, x0 * 2)
    same(total, before[0] + before[1])


def test_not_an_operand_held_by_a_bound_method():
    # T() + b runs the method-wrapper of a temporary held by the class alone: the
    # interpreter is at that BINARY_OP, but the operand is not on its value stack.
    a, b = nd.array(data()), nd.array(data())

    class T:
        __add__ = (a * 2).__add__
    held = T.__add__.__self__
    held0 = held.asnumpy()
    del held
    got = T() + b
    same(T.__add__.__self__, held0)
    same(got, held0 + b.asnumpy())


def test_the_probe_called_after_import_adds_no_chain():
    # The engine records at import how a plain operator reaches its slots, with a
    # probe type; the probe reached any other way later must not widen that.
    class T:
        __add__ = ndgrad._engine._OperatorProbe().__add__
    T() + 1
    test_not_an_operand_held_by_a_bound_method()


def test_not_an_operand_with_a_view_alive():
    a, b = nd.array(data()), nd.array(data())
    views = []

    def make(view):
        t = a * 2
        views.append(view(t))
        return t
    for view in (lambda t: t[:], lambda t: t.reshape(-1), lambda t: t.detach(),
                 lambda t: t._data[:], lambda t: np.asarray(t._data)):
        got = make(view) + b
        same(views[-1], a.asnumpy() * 2)
        same(got, a.asnumpy() * 2 + b.asnumpy())


def test_not_an_operand_with_a_weak_reference():
    # A weak reference to the data would see the result appear in it.
    import weakref
    a, b = nd.array(data()), nd.array(data())
    refs = []

    def make():
        t = a * 2
        refs.append((weakref.ref(t), weakref.ref(t._data)))
        return t
    got = make() + b
    same(got, a.asnumpy() * 2 + b.asnumpy())
    for ref in refs[-1]:
        seen = ref()
        assert seen is None or np.array_equal(np.asarray(getattr(seen, "_data", seen)),
                                              a.asnumpy() * 2)


def test_not_a_variable():
    a, b = nd.array(data()), nd.array(data())
    a.attach_grad()
    a0 = a.asnumpy()
    with autograd.record():
        out = a + b
        (out * 1).sum().backward()
    same(a, a0)
    same(out, a0 + b.asnumpy())
    same(a.grad, np.ones(N, np.float32))


def test_not_a_buffer_the_tape_saved():
    # tanh and exp save their outputs, multiply its inputs: the backward pass reads them.
    x0, y0 = data(), data()
    x, y = nd.array(x0), nd.array(y0)
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        u = nd.tanh(x) + y               # tanh's output is the saved buffer
        v = nd.exp(x * 0.1) + y           # so is exp's
        w = (x * 2) * y                   # multiply saves the temporary x * 2
        loss = (u + v + w).sum()
    loss.backward()
    np.testing.assert_allclose(x.grad.asnumpy(),
                               1 - np.tanh(x0) ** 2 + 0.1 * np.exp(x0 * 0.1) + 2 * y0,
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y.grad.asnumpy(), 2 + 2 * x0, rtol=1e-5)
    same(x, x0)
    same(y, y0)


def test_not_a_buffer_with_a_version_counter():
    # The temporary was saved by a recorded multiply: backward must read it unchanged
    # and must not see an in-place write.
    x0, y0 = data(), data()
    x, y = nd.array(x0), nd.array(y0)
    x.attach_grad()
    kept = []

    def make():
        t = x * 3
        kept.append(t * x)               # saves t (and counts its versions)
        return t
    with autograd.record():
        out = make() + y
        loss = (out.sum() + kept[0].sum())
    loss.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 3 + 6 * x0, rtol=1e-5, atol=1e-5)
    same(out, x0 * 3 + y0)


def test_in_place_writes_to_an_elided_result_are_still_caught():
    x = nd.array(data())
    x.attach_grad()
    with autograd.record():
        y = (x * 2) + 1                  # elided: y holds the product's buffer
        z = (y * y).sum()                # multiply saves y
    y += 1
    with pytest.raises(ndgrad._engine.AutogradError, match="modified in place"):
        z.backward()


def test_not_when_the_result_broadcasts_up():
    a = nd.array(data(shape=(1 << 16,)))        # 256 KiB
    b = nd.array(data(shape=(8, 1 << 16)))
    got = (a * 2) + b
    assert got.shape == (8, 1 << 16)
    same(got, a.asnumpy() * 2 + b.asnumpy())


def test_broadcast_other_operand_is_fine():
    a = nd.array(data(shape=(8, 1 << 16)))
    b = nd.array(data(shape=(1 << 16,)))
    got = (a * 2) + b
    same(got, a.asnumpy() * 2 + b.asnumpy())
    same(b, b.asnumpy())


@pytest.mark.parametrize("other", [
    lambda: data(dtype=np.float64),            # a float64 NumPy operand
    lambda: nd.array(data(dtype=np.float64), dtype=np.float64),
    lambda: 1e300,                              # does not fit float32
    lambda: 2 + 1j,
    lambda: np.float64(2.5),
], ids=["numpy-f64", "nd-f64", "1e300", "complex", "np.float64"])
def test_not_when_the_dtype_changes(other):
    a = nd.array(data())
    o = other()
    raw = o.asnumpy() if isinstance(o, ndgrad._engine.Array) else o
    with np.errstate(all="ignore"):
        try:
            got = (a * 2) + o
        except TypeError:  # an operand nd does not take
            return
        expected = a.asnumpy() * 2 + raw
    same(got, expected)


def test_not_an_integer_division():
    a = nd.array(np.arange(N, dtype=np.int64), dtype=np.int64)
    got = (a * 2) / 3
    same(got, np.arange(N, dtype=np.int64) * 2 / 3)


def test_not_small_arrays():
    a, b = nd.array(data(SMALL)), nd.array(data(SMALL))
    got, arrays = peak_arrays(lambda: (a * 2) + b, 4 * SMALL)
    assert arrays >= 2          # the product and the sum: the small path, untouched
    same(got, a.asnumpy() * 2 + b.asnumpy())


def test_np_flavour_values():
    from ndgrad import np as mnp
    a, b = mnp.array(data()), mnp.array(data())
    t = a * 2
    got = (a * 2) + b
    same(got, a.asnumpy() * 2 + b.asnumpy())
    same(t, a.asnumpy() * 2)


def test_not_from_inside_a_call():
    # The frame's current instruction is a call, not the operator.
    a, b = nd.array(data()), nd.array(data())
    held = [a * 2]
    got = held.pop().__add__(b)
    same(got, a.asnumpy() * 2 + b.asnumpy())
