"""Reliability: a clear error for every misuse (leaving arrays and gradients as they
were), no leaks, threads that do not interfere."""
import copy
import gc
import pickle
import threading
import tracemalloc

import numpy as np
import pytest

import ndgrad
from ndgrad import AutogradError, autograd, nd


def _recorded():
    """x (a variable with a non-zero gradient) and y = x * w, recorded."""
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    x.grad[:] = 7
    w = nd.array([3.0, 4.0])
    with autograd.record():
        y = x * w
    return x, w, y


def _unchanged(x, w):
    assert x.asnumpy().tolist() == [1, 2] and x.grad.asnumpy().tolist() == [7, 7]
    assert w.asnumpy().tolist() == [3, 4]


def _backward_twice(y):
    y.backward()
    y.backward()


MISUSE = [
    # (id, what the user does to (x, w, y), error type, message pattern)
    ("backward-outside-record", lambda x, w, y: (x * w).backward(), AutogradError,
     "not part of a recorded graph"),
    ("head-grad-shape", lambda x, w, y: y.backward(nd.ones((3,))), ValueError,
     r"head gradient 0 has shape \(3,\), but its head has shape \(2,\)"),
    ("head-grad-dtype", lambda x, w, y: y.backward(np.array(["a", "b"])), TypeError,
     "head gradient 0 has dtype <U1"),
    ("head-grad-count", lambda x, w, y: autograd.backward([y], [None, None]), ValueError,
     "1 heads but 2 head gradients"),
    ("head-not-array", lambda x, w, y: autograd.backward([np.ones(2)]), TypeError,
     "head 0 is a ndarray, not an array"),
    ("no-broadcast", lambda x, w, y: x + nd.ones((3,)), ValueError,
     r"add: operands could not be broadcast together with shapes \(2,\) \(3,\)"),
    ("axis-out-of-range", lambda x, w, y: nd.sum(x, axis=3), ValueError,
     r"sum: axis 3 is out of range for an array of shape \(2,\)"),
    ("index-out-of-bounds", lambda x, w, y: x[5], IndexError,
     "getitem: index 5 is out of bounds for axis 0 with size 2"),
    ("setitem-out-of-bounds", lambda x, w, y: w.__setitem__(4, 1.0), IndexError,
     "index 4 is out of bounds"),
    ("grad-req-unknown", lambda x, w, y: w.attach_grad(grad_req="sometimes"), ValueError,
     "grad_req must be one of"),
    ("attach-grad-int", lambda x, w, y: nd.array([1, 2], dtype="int32").attach_grad(),
     TypeError, "gradients need a floating-point array"),
    ("grad-wrt-unrelated", lambda x, w, y: autograd.grad(y, [nd.array([1.0])]),
     AutogradError, "variable 0 is not part of the recorded graph"),
    ("inplace-saved", lambda x, w, y: (w.__setitem__(0, 9.0), y.backward()), AutogradError,
     "'multiply' saved for the backward pass was modified in place"),
    ("ragged-list", lambda x, w, y: nd.array([[1, 2], [3]]), ValueError,
     "array: cannot make an array of list"),
    ("gpu", lambda x, w, y: nd.zeros((2,), ctx=ndgrad.gpu()), ValueError,
     "CPU only"),
    ("numpy-ufunc-unknown", lambda x, w, y: _arctan2_recording(x, w), AutogradError,
     "numpy.arctan2 is not differentiable in ndgrad"),
    ("reshape-size", lambda x, w, y: x.reshape(3), ValueError,
     r"reshape: cannot reshape an array of shape \(2,\) to \(3,\)"),
    ("dot-shapes", lambda x, w, y: nd.dot(nd.ones((2, 3)), nd.ones((2, 3))), ValueError,
     r"dot: shapes \(2, 3\) and \(2, 3\) do not contract"),
    ("asscalar-many", lambda x, w, y: x.asscalar(), ValueError,
     r"not a scalar \(shape \(2,\)"),
    ("float-many", lambda x, w, y: float(x), TypeError,
     "only one-element arrays can be converted"),
    ("bool-many", lambda x, w, y: bool(x), ValueError, "truth value of an array"),
    ("inplace-variable-recording", lambda x, w, y: _iadd_recording(x), AutogradError,
     "in-place write to an array with attach_grad"),
    ("mark-variables-count", lambda x, w, y: autograd.mark_variables([w], []), ValueError,
     "1 variables, 0 gradients"),
    ("backward-twice", lambda x, w, y: _backward_twice(y), AutogradError,
     "Pass retain_graph=True"),
    ("axis-wraps-no-more", lambda x, w, y: nd.sort(x, axis=1), IndexError,
     r"sort: axis 1 is out of range for an array of shape \(2,\)"),
    ("backward-through-shuffle", lambda x, w, y: _shuffle_backward(x), AutogradError,
     r"random\.shuffle is not differentiable.*x\.detach\(\)"),
    ("setitem-value-shape", lambda x, w, y: w.__setitem__(0, nd.ones((3,))), ValueError,
     r"setitem: a value of shape \(3,\) does not broadcast .*x of shape \(2,\)"),
]


def _shuffle_backward(x):
    with autograd.record():
        z = nd.random.shuffle(x) * x
    z.backward()


def _arctan2_recording(x, w):
    # Outside record() NumPy computes it (ndgrad has no arctan2); inside, it would drop
    # the graph.
    with autograd.record():
        np.arctan2(x, w)


def _iadd_recording(x):
    with autograd.record():
        x += 1


@pytest.mark.parametrize("case", MISUSE, ids=[c[0] for c in MISUSE])
def test_misuse_is_a_clear_error_and_changes_nothing(case):
    _, action, error, pattern = case
    x, w, y = _recorded()
    if case[0] == "backward-twice":
        y.backward()  # writes x.grad = w; the second pass must change nothing
        with pytest.raises(error, match=pattern):
            y.backward()
        assert x.grad.asnumpy().tolist() == [3, 4] and w.asnumpy().tolist() == [3, 4]
        return
    if case[0] == "inplace-saved":
        with pytest.raises(error, match=pattern):
            action(x, w, y)
        assert x.grad.asnumpy().tolist() == [7, 7]
        return  # w was written on purpose
    with pytest.raises(error, match=pattern):
        action(x, w, y)
    _unchanged(x, w)


def test_pickle_keeps_data_and_drops_graph():
    x, w, y = _recorded()
    z = pickle.loads(pickle.dumps(y))
    assert z.asnumpy().tolist() == [3, 8] and type(z) is nd.NDArray
    with pytest.raises(AutogradError):
        z.backward()
    y.backward()  # the original keeps its graph
    assert x.grad.asnumpy().tolist() == [3, 4]
    c = copy.deepcopy(x)
    assert c.grad is None and c.asnumpy().tolist() == [1, 2]


def test_training_loop_does_not_leak():
    rng = np.random.default_rng(0)
    X = nd.array(rng.standard_normal((8, 3)))
    t = nd.array(rng.standard_normal((8, 1)))
    w, b = nd.zeros((3, 1)), nd.zeros((1,))
    for p in (w, b):
        p.attach_grad()

    def step():
        with autograd.record():
            loss = nd.mean(nd.square(nd.dot(X, w) + b - t))
        loss.backward()
        for p in (w, b):
            p[:] = p - 0.01 * p.grad

    for _ in range(200):
        step()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(10_000):
        step()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 1 << 20, f"10,000 steps grew traced memory by {grown} bytes"


def test_threads_record_and_differentiate_independently():
    def grads(seed):
        rng = np.random.default_rng(seed)
        x = nd.array(rng.standard_normal(5)).astype("float64")
        x.attach_grad()
        for _ in range(50):
            with autograd.record():
                y = nd.tanh(x * 1.5) * x + nd.sin(x)
                z = (y * y).sum()
            z.backward()
        return x.grad.asnumpy()

    expected = [grads(s) for s in range(4)]
    results = [None] * 4
    errors = []

    def worker(k):
        try:
            results[k] = grads(k)
        except Exception as e:  # reported below: a thread's error must fail the test
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)
