"""ndgrad.set_num_threads: large elementwise calls split over threads give the
unthreaded results bit for bit; everything else is the plain call.

The tests lower ``_threads.MIN_SIZE`` so that small arrays split; SIZE stays above
_kernels' NOGIL_MIN (16384), below which the fused kernels never split.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

import ndgrad
from ndgrad import _kernels, _threads, autograd, nd

SHAPE = (3, 16670)  # 50,010 elements: three chunks, the last one short
FLOATS = [np.float32, np.float64]


@pytest.fixture(autouse=True)
def threads(monkeypatch):
    """Three threads and a small MIN_SIZE; both restored afterwards."""
    monkeypatch.setattr(_threads, "MIN_SIZE", 4 * _threads.BLOCK)
    before = ndgrad.get_num_threads()
    ndgrad.set_num_threads(3)
    yield
    ndgrad.set_num_threads(before)


@pytest.fixture
def split(monkeypatch):
    """The functions that _threads.split split, with whether they wrote into ``out``."""
    calls = []
    split = _threads.split

    def spy(fn, *args, **kwargs):
        out = split(fn, *args, **kwargs)
        if out is not None:
            calls.append((fn, "out" in kwargs))
        return out
    monkeypatch.setattr(_threads, "split", spy)
    return calls


def _unthreaded(fn, *args):
    ndgrad.set_num_threads(1)
    try:
        return fn(*args)
    finally:
        ndgrad.set_num_threads(3)


def _identical(got, want):
    assert type(got) is type(want) and got.dtype == want.dtype and got.shape == want.shape
    assert got.tobytes() == want.tobytes()


def _arrays(dtype, n=2, shape=SHAPE):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(shape).astype(dtype) for _ in range(n)]


ARITH = [_kernels.add, _kernels.subtract, _kernels.multiply, _kernels.divide]
KERNELS = [_kernels.tanh_grad, _kernels.sigmoid_grad, _kernels.relu_grad]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("op", ARITH, ids=lambda f: f.__name__)
def test_arithmetic_splits_bit_identically(op, dtype, split):
    a, b = _arrays(dtype)
    for args in [(a, b), (a, 2.5), (3, b)]:
        _identical(op(*args), _unthreaded(op, *args))
    assert len(split) == 3


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("kernel", KERNELS, ids=lambda f: f.__name__)
def test_fused_kernels_split_bit_identically(kernel, dtype, split):
    g, x = _arrays(dtype)
    _identical(kernel(g, x), _unthreaded(kernel, g, x))
    assert len(split) == 1


@pytest.mark.parametrize("dtype", FLOATS)
def test_tanh_splits_bit_identically(dtype, split):
    (x,) = _arrays(dtype, 1)
    _identical(nd.tanh(nd.array(x, dtype=dtype)).asnumpy(),
               _unthreaded(lambda: nd.tanh(nd.array(x, dtype=dtype)).asnumpy()))
    assert [fn for fn, _ in split] == [np.tanh]


def _big_step(x0):
    """bench/run.py's ``big`` workload: tanh(x)*x + x*x summed, backward."""
    x = nd.array(x0)
    x.attach_grad()
    with autograd.record():
        t = nd.tanh(x)
        loss = (t * x + x * x).sum()
    loss.backward()
    return t.asnumpy(), loss.asnumpy(), x.grad.asnumpy()


def test_big_workload_forward_and_backward_are_bit_identical(split):
    (x0,) = _arrays(np.float32, 1)
    for got, want in zip(_big_step(x0), _unthreaded(_big_step, x0)):
        _identical(got, want)
    fns = {fn for fn, _ in split}
    assert {np.tanh, np.multiply, np.add} <= fns
    assert any(isinstance(fn, _kernels._Kernel) for fn in fns)  # tanh's backward
    assert (np.add, True) in split  # the engine's in-place accumulation


def _fallbacks():
    a, b = _arrays(np.float32)
    wide = np.ones((2, *SHAPE), np.float32)
    return {
        "non-contiguous": (_kernels.add, (wide[:, :, ::2], wide[:, :, 1::2]), {}),
        "broadcasting": (_kernels.add, (a, b[0]), {}),
        "small": (_kernels.multiply, (a[0, :10000], b[0, :10000]), {}),
        "mixed dtypes": (_kernels.add, (a, b.astype(np.float64)), {}),
        "a NumPy scalar": (_kernels.multiply, (a, np.float64(2)), {}),
        "integers": (_kernels.divide, (a.astype(np.int32), b.astype(np.int32) | 1), {}),
        "another keyword": (_kernels.add, (a, b), {"dtype": np.float64}),
        "tanh of integers": (_kernels.tanh, (a.astype(np.int16),), {}),
    }


@pytest.mark.parametrize("case", list(_fallbacks()))
def test_anything_else_is_numpys_call(case, split):
    op, args, kwargs = _fallbacks()[case]
    ufunc = np.true_divide if op is _kernels.divide else getattr(np, op.__name__)
    _identical(op(*args, **kwargs), ufunc(*args, **kwargs))
    assert split == []


def test_an_out_overlapping_an_input_is_numpys_call(split):
    got = np.arange(np.prod(SHAPE) + 1, dtype=np.float32)
    want = got.copy()
    _kernels.add(got[:-1], got[:-1], out=got[1:])
    np.add(want[:-1], want[:-1], out=want[1:])  # NumPy copies what out= overlaps
    _identical(got, want)
    assert split == []


def test_an_out_that_is_an_input_splits(split):
    a, b = _arrays(np.float64)
    want = a + b
    assert _kernels.add(a, b, out=a) is a
    _identical(a, want)
    assert split == [(np.add, True)]


def test_nothing_else_holds_a_split_result(split):
    # The engine reuses a gradient's memory only when nothing else refers to it.
    a, b = _arrays(np.float32)
    out = _kernels.add(a, b)
    assert split and sys.getrefcount(out) == 2  # out, and getrefcount's argument


def test_floating_point_errors_follow_the_callers_errstate():
    a = np.ones(SHAPE, np.float32)
    b = np.ones(SHAPE, np.float32)
    b[-1, -1] = 0  # in the last chunk: a pool thread's
    with np.errstate(divide="raise"), pytest.raises(FloatingPointError, match="divide"):
        _kernels.divide(a, b)
    with np.errstate(divide="ignore"):
        assert np.isinf(_kernels.divide(a, b)[-1, -1])


@pytest.mark.parametrize("n, error, rule", [
    (0, ValueError, "got 0"),
    (-2, ValueError, "got -2"),
    (2.0, TypeError, r"got 2\.0 \(float\)"),
    ("2", TypeError, r"got '2' \(str\)"),
    (True, TypeError, r"got True \(bool\)"),
    (None, TypeError, r"got None \(NoneType\)"),
])
def test_set_num_threads_wants_a_positive_int(n, error, rule):
    with pytest.raises(error, match="^set_num_threads: the number of threads must be a "
                                    "positive int, " + rule):
        ndgrad.set_num_threads(n)
    assert ndgrad.get_num_threads() == 3  # unchanged


def test_set_num_threads_takes_any_integer():
    ndgrad.set_num_threads(np.int64(2))
    assert ndgrad.get_num_threads() == 2 and type(ndgrad.get_num_threads()) is int


@pytest.mark.parametrize("value, want", [("", 1), (" 4 ", 4), ("1", 1)])
def test_the_environment_variable_sets_the_default(monkeypatch, value, want):
    monkeypatch.setenv("NDGRAD_NUM_THREADS", value)
    assert _threads._from_environment() == want


@pytest.mark.parametrize("value", ["0", "two", "1.5"])
def test_a_bad_environment_variable_is_an_error(monkeypatch, value):
    monkeypatch.setenv("NDGRAD_NUM_THREADS", value)
    with pytest.raises(ValueError, match="^NDGRAD_NUM_THREADS: the number of threads "
                                         "must be a positive int, got "):
        _threads._from_environment()


def test_import_reads_the_environment_variable():
    env = {**os.environ, "NDGRAD_NUM_THREADS": "2"}
    code = "import ndgrad; print(ndgrad.get_num_threads())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "2"


def test_a_kernel_called_from_python_checks_its_arrays():
    g, x = _arrays(np.float32)
    with pytest.raises(ValueError, match="same-shape"):
        _kernels._Kernel()(g, x)  # no kernel
