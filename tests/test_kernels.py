"""The typed loops of ndgrad._kernels against the NumPy expressions they replace:
bit-for-bit equal where they apply, NumPy itself where they do not."""
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import _kernels, nd

ARITH = [(_kernels.add, np.add), (_kernels.subtract, np.subtract),
         (_kernels.multiply, np.multiply), (_kernels.divide, np.true_divide)]
FLOATS = st.sampled_from([np.float32, np.float64])


def _same(got, want):
    assert type(got) is type(want) and got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)  # NaNs in the same places count as equal


@given(st.sampled_from(ARITH), FLOATS, hnp.array_shapes(min_dims=0, max_side=40),
       st.data())
def test_arithmetic_matches_numpy_bit_for_bit(ops, dtype, shape, data):
    kernel, ufunc = ops
    finite = st.floats(-1e6, 1e6, width=32)
    a = data.draw(hnp.arrays(dtype, shape, elements=finite))
    b = data.draw(st.one_of(hnp.arrays(dtype, shape, elements=finite),
                            st.floats(-1e3, 1e3), st.integers(-1000, 1000)))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")
        _same(kernel(a, b), ufunc(a, b))
        _same(kernel(b, a), ufunc(b, a))


@given(st.sampled_from(ARITH), FLOATS, hnp.array_shapes(min_dims=1, max_side=20),
       st.integers(0, 3), st.data())
def test_arithmetic_with_a_one_element_array_matches_numpy_bit_for_bit(
        ops, dtype, shape, ones, data):
    # x + b with b of shape (1,), (1, 1)... (a bias): the typed loop reads b in place
    kernel, ufunc = ops
    finite = st.floats(-1e6, 1e6, width=32)
    a = data.draw(hnp.arrays(dtype, shape, elements=finite))
    b = data.draw(hnp.arrays(dtype, (1,) * ones, elements=finite))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error")
        _same(kernel(a, b), ufunc(a, b))
        _same(kernel(b, a), ufunc(b, a))


@pytest.mark.parametrize("a, b", [
    (np.ones(4, np.float32), np.ones(4, np.float64)),        # mixed dtypes promote
    (np.ones((3, 4), np.float32), np.ones(4, np.float32)),   # broadcasting
    (np.ones((3, 4), np.float32), np.ones(1, np.float64)),   # one element, promoting
    (np.ones((3, 4), np.float32), np.ones(1, ">f4")),        # one element, byte-swapped
    (np.ones(4, np.float32), np.float64(2.0)),               # a NumPy scalar
    (np.ones(4, np.int32), 2),                               # integers
    (np.ones(4, ">f8"), 2.0),                                # byte-swapped
    (np.ones(8, np.float32)[::2], 2.0),                      # not contiguous
    (np.ones(4096, np.float32), 2.0),                        # large: NumPy's SIMD loop
    (np.ones(4, np.float32), 1e300),                         # overflows float32
    (np.ones(4, np.float32), 2 ** 80),                       # an int beyond float
])
def test_arithmetic_outside_the_fast_path_is_numpy(a, b):
    for kernel, ufunc in ARITH:
        with np.errstate(all="ignore"):
            _same(kernel(a, b), ufunc(a, b))


def test_floating_point_errors_are_numpys():
    # A division by zero warns (or raises, under errstate) exactly as NumPy does.
    a = np.array([1.0, 0.0], np.float32)
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        _kernels.divide(a, 0.0)
    with np.errstate(invalid="raise", divide="raise"), pytest.raises(FloatingPointError):
        _kernels.divide(a, 0.0)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        _kernels.multiply(np.array([3e38], np.float32), 10.0)


def test_arithmetic_keyword_arguments_go_to_numpy():
    a = np.arange(3, dtype=np.float32)
    _same(_kernels.add(a, 1.0, dtype=np.float64), np.add(a, 1.0, dtype=np.float64))


FUSED = [(_kernels.tanh_grad, lambda g, t: g * (1 - t * t)),
         (_kernels.sigmoid_grad, lambda g, s: g * s * (1 - s)),
         (_kernels.relu_grad, lambda g, x: np.where(x > 0, g, 0).astype(g.dtype))]


# min_dims=1: under NumPy 1.x's value-based casting the reference on 0-d arrays is
# float64.
@given(st.sampled_from(FUSED), FLOATS, hnp.array_shapes(min_dims=1, max_side=70),
       st.data())
def test_fused_backward_kernels_match_numpy_bit_for_bit(ops, dtype, shape, data):
    # Vectorised loops (the kernels are built with -O3) compute what NumPy does,
    # special values included.
    kernel, reference = ops
    values = st.floats(allow_nan=True, allow_infinity=True, width=32)
    g, v = (data.draw(hnp.arrays(dtype, shape, elements=values)) for _ in range(2))
    with np.errstate(all="ignore"):
        got, want = kernel(g, v), reference(g, v)
    _same(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))  # -0.0 too


@pytest.mark.parametrize("kernel, reference", [
    (_kernels.tanh_grad, lambda g, t: g * (1 - t * t)),
    (_kernels.sigmoid_grad, lambda g, s: g * s * (1 - s)),
])
def test_byte_swapped_inputs_are_not_read_as_native(kernel, reference):
    # Regression: the loops used to read big-endian data as native floats.
    g = np.array([0.5, -1.0, 2.0], ">f8")
    t = np.array([0.25, 0.5, -0.75], ">f8")
    np.testing.assert_allclose(kernel(g, t), reference(g.astype("f8"), t.astype("f8")))


def test_softmax_of_byte_swapped_data():
    x = np.array([0.5, 0.25, 0.1])
    want = np.exp(x) / np.exp(x).sum()
    np.testing.assert_allclose(nd.softmax(nd.array(x.astype(">f8"), dtype=">f8"))
                               .asnumpy(), want, rtol=1e-12)


# ---- multiply_grad: multiply as its VJPs run it in a plain backward pass ----

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(), (1,), (5,), (3, 4)])
def test_a_gradient_of_ones_times_x_is_x_itself_read_only(dtype, shape):
    x = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
    x -= 2  # in place: a 0-d array stays an array
    g = np.broadcast_to(np.ones((), dtype), shape)  # what sum's backward hands on
    got = _kernels.multiply_grad(g, x)
    _same(got, x)
    assert np.shares_memory(got, x) and not got.flags.writeable


@pytest.mark.parametrize("g, x", [
    (np.broadcast_to(np.float32(2), (4,)), np.arange(4, dtype=np.float32)),  # not one
    (np.ones(4, np.float32), np.arange(4, dtype=np.float32)),          # ones, not broadcast
    (np.broadcast_to(np.float32(1), (2, 4)), np.arange(4, dtype=np.float32)),  # x broadcasts
    (np.broadcast_to(np.float32(1), (4,)), np.arange(4, dtype=np.float64)),    # promotes
    (np.broadcast_to(np.float32(1), (4,)), np.arange(4, dtype=np.int32)),      # integers
    (np.broadcast_to(np.ones((), ">f8"), (4,)), np.arange(4, dtype=">f8")),    # byte-swapped
    (np.broadcast_to(np.float32(1), (0, 3)), np.ones((0, 3), np.float32)),     # empty
    (np.broadcast_to(np.float32(1), (4,)), 2.5),                               # a scalar
])
def test_multiply_grad_is_a_new_product_everywhere_else(g, x):
    got = _kernels.multiply_grad(g, x)
    _same(got, np.multiply(g, x))
    assert got.flags.writeable and not np.shares_memory(got, x)


ADDERS = [(_kernels.tanh_grad_add, _kernels.tanh_grad),
          (_kernels.sigmoid_grad_add, _kernels.sigmoid_grad),
          (_kernels.relu_grad_add, _kernels.relu_grad)]


@pytest.mark.parametrize("adder, kernel", ADDERS)
@pytest.mark.parametrize("n", [7, 20000])  # with and without the GIL
def test_a_fused_kernel_adds_into_a_sum_bit_for_bit(adder, kernel, n):
    rng = np.random.default_rng(n)
    g, v, acc = (rng.standard_normal(n).astype(np.float32) for _ in range(3))
    want = acc + kernel(g, v)
    assert adder(g, v, acc) is True
    _same(acc, want)


@pytest.mark.parametrize("adder, kernel", ADDERS)
@pytest.mark.parametrize("acc", [
    np.zeros(4, np.float64),                        # another dtype
    np.zeros(5, np.float32),                        # another shape
    np.zeros(8, np.float32)[::2],                   # not contiguous
    np.broadcast_to(np.zeros(1, np.float32), (4,)),  # read-only
    [0.0] * 4,                                      # not an array
], ids=["dtype", "shape", "strided", "read-only", "list"])
def test_a_fused_kernel_adds_nothing_where_its_loop_does_not_apply(adder, kernel, acc):
    g = v = np.ones(4, np.float32)
    before = np.array(acc, copy=True)
    assert adder(g, v, acc) is False
    np.testing.assert_array_equal(np.asarray(acc), before)


@pytest.mark.parametrize("src, shape", [
    ((10, 1), (1,)),        # leading axes only: no keepdims, no reshape
    ((4, 3), (3,)),
    ((2, 4, 3), (4, 1)),    # a kept axis of length one is summed too
    ((4, 3), (1, 3)),
    ((3,), ()),             # to 0-d: an array, not NumPy's scalar
    ((2, 3), (2, 3)),       # nothing to sum
])
def test_sum_to_is_the_sum_over_broadcast_axes(src, shape):
    g = np.arange(np.prod(src), dtype=np.float32).reshape(src)
    lead = len(src) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and src[lead + i] != 1)
    _same(_kernels.sum_to(g, shape), g.sum(axis=axes, keepdims=True).reshape(shape))


@given(FLOATS, st.sampled_from([((-1,), (1,)), ((-1, 1), (1,)), ((-1, 1), (1, 1)),
                                ((1, -1), ()), ((2, -1), (1,)), ((-1, 3), (1, 1))]),
       st.integers(1, 300), st.data())
def test_sum_to_one_element_adds_in_numpys_order(dtype, shapes, n, data):
    # The typed pairwise sum must give add.reduce's bits: values of mixed magnitudes
    # (where the order of the additions shows), signed zeros, every block length.
    src, shape = shapes
    src = tuple(n if d == -1 else d for d in src)
    elements = st.one_of(st.floats(-1e4, 1e4, width=32), st.sampled_from([0.0, -0.0]),
                         st.floats(-2.0 ** -10, 2.0 ** -10, width=32))
    g = data.draw(hnp.arrays(dtype, src, elements=elements))
    _same(_kernels.sum_to(g, shape), g.sum(keepdims=True).reshape(shape))


@pytest.mark.parametrize("src, shape", [((3,), (2, 3)), ((4, 3), (2,)), ((4, 3), (4,))])
def test_sum_to_refuses_a_shape_that_does_not_broadcast(src, shape):
    with pytest.raises(ValueError, match="cannot sum shape"):
        _kernels.sum_to(np.ones(src), shape)


@given(FLOATS, hnp.array_shapes(min_dims=1, max_dims=3, max_side=12), st.data())
def test_gather_and_scatter_last_are_numpys_fancy_index(dtype, shape, data):
    x = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-1e3, 1e3, width=32)))
    lanes = shape[:-1]
    idx = data.draw(hnp.arrays(np.int64, lanes, elements=st.integers(0, shape[-1] - 1)))
    _same(_kernels.gather_last(x, idx),
          np.take_along_axis(x, idx[..., None], axis=-1)[..., 0])
    g = data.draw(hnp.arrays(dtype, lanes, elements=st.floats(-1e3, 1e3, width=32)))
    want = np.zeros(shape, dtype)
    np.put_along_axis(want, idx[..., None], g[..., None], axis=-1)
    _same(_kernels.scatter_last(g, idx, shape), want)
    _same(_kernels.scatter_last(g[..., None], idx[..., None], shape), want)


@given(st.sampled_from([np.float32, np.float64, np.int64]),
       st.sampled_from([(1, 2), (2, 1), (2, 2)]), st.integers(1, 6), st.integers(1, 6),
       st.integers(1, 6), st.data())
def test_small_dot_is_numpys_dot(dtype, ndims, m, k, n, data):
    shapes = {(1, 2): ((k,), (k, n)), (2, 1): ((m, k), (k,)), (2, 2): ((m, k), (k, n))}
    a_shape, b_shape = shapes[ndims]
    ints = st.integers(-100, 100)
    a = data.draw(hnp.arrays(dtype, a_shape, elements=ints))
    b = data.draw(hnp.arrays(dtype, b_shape, elements=ints))
    _same(_kernels.small_dot(a, b, 1), np.dot(a, b))


@pytest.mark.parametrize("a, b", [
    (np.ones(3), np.ones(3)),                        # 1-d . 1-d: np.dot's scalar
    (np.ones((2, 2, 2)), np.ones((2, 2))),            # three axes
    (np.ones((64, 64)), np.ones((64, 2))),            # large: matmul's
    (np.ones((128, 10)), np.ones((10, 256))),         # a large result (np.dot zeroes it)
    (np.matrix(np.ones((2, 2))), np.ones((2, 2))),    # a subclass
])
def test_small_dot_declines_what_matmul_or_tensordot_do(a, b):
    assert _kernels.small_dot(a, b, 1) is None


@pytest.mark.parametrize("axes", [2, 0, ((1,), (0,)), 1.0, True])
def test_small_dot_declines_contractions_other_than_axes_1(axes):
    assert _kernels.small_dot(np.ones((2, 2)), np.ones((2, 2)), axes) is None


def test_small_dot_raises_numpys_error_on_shapes_that_do_not_align():
    with pytest.raises(ValueError, match="not aligned"):
        _kernels.small_dot(np.ones((2, 3)), np.ones((2, 3)), 1)


NUMBERS = st.sampled_from([np.bool_, np.int8, np.int32, np.int64, np.float32,
                            np.float64, np.complex64])
POSITIONS = st.sampled_from([np.float32, np.float64, np.int32, np.int64])


@given(NUMBERS, POSITIONS, hnp.array_shapes(min_dims=1, max_dims=3, max_side=8),
       hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=6), st.data())
def test_take_rows_is_numpys_clipped_take(dtype, kind, shape, lanes, data):
    x = data.draw(hnp.arrays(dtype, shape))
    # positions out of range on both sides, and fractions (truncated towards zero)
    elements = (st.integers(-3, shape[0] + 3) if np.dtype(kind).kind == "i"
                else st.floats(-3, shape[0] + 3, width=32))
    idx = data.draw(hnp.arrays(kind, lanes, elements=elements))
    want = x.take(idx.astype(np.int64), axis=0, mode="clip")
    # a 0-d result is a 0-d array, not NumPy's scalar: what the engine makes of either
    _same(_kernels.take_rows(x, idx), np.asarray(want))


@pytest.mark.parametrize("x, idx", [
    (np.ones((4, 3)), np.array([0, np.nan])),              # NaN: no position
    (np.ones((4, 3))[:, ::2], np.array([1])),              # data not contiguous
    (np.ones((4, 3)), np.arange(8.0)[::2]),                # positions not contiguous
    (np.ones((4, 3), ">f4"), np.array([1])),               # byte-swapped data
    (np.ones(4, object), np.array([1])),                   # objects, not numbers
    (np.ones((4, 3)), np.array([1], np.uint8)),            # a position dtype not read
    (np.ones((0, 3)), np.array([0])),                      # an empty first axis
    (np.ones(()), np.array([0])),                          # no first axis
    (np.ones((4, 3)), np.zeros(1025)),                     # more rows than the stack holds
    ([[1.0], [2.0]], np.array([1])),                       # not an ndarray
])
def test_take_rows_declines_what_it_cannot_read(x, idx):
    assert _kernels.take_rows(x, idx) is None


@pytest.mark.parametrize("axis, mode", [(1, "clip"), (-2, "clip"), (None, "clip"),
                                        (0, "wrap"), (0, "raise")])
def test_take_rows_declines_other_axes_and_modes(axis, mode):
    assert _kernels.take_rows(np.ones((4, 3)), np.array([1]), axis, mode) is None


def test_take_goes_through_take_rows_and_numpy_alike():
    # nd.take in clip mode along axis 0 copies rows in the kernel; a NaN position
    # makes it decline, and NumPy's path gives the same rows for the others.
    x = nd.array(np.arange(12).reshape(4, 3))
    rows = nd.take(x, nd.array([3, -1, 1.5, 9])).asnumpy()
    assert rows.tolist() == [[9, 10, 11], [0, 1, 2], [3, 4, 5], [9, 10, 11]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's cast of the NaN
        fallback = nd.take(x, nd.array([3, -1, 1.5, np.nan])).asnumpy()
    assert fallback[:3].tolist() == rows[:3].tolist()


_BAD_LANES = [
    ((2, 3), np.array([0, 3])),                 # out of range
    ((2, 3), np.array([-1, 0])),                # negative
    ((2, 3), np.array([0, 1], np.int32)),       # not int64
    ((2, 3), np.array([0, 1, 2])),              # not one per lane
    ((2, 0), np.array([0, 0])),                 # an empty axis
]


@pytest.mark.parametrize("shape, idx", _BAD_LANES)
def test_gather_and_scatter_last_decline_indices_they_cannot_use(shape, idx):
    assert _kernels.gather_last(np.ones(shape, np.float32), idx) is None
    assert _kernels.scatter_last(np.ones(shape[0], np.float32), idx, shape) is None


@pytest.mark.parametrize("x, g", [
    (np.ones((2, 3), np.int32), np.ones(2, np.int32)),                 # not float
    (np.ones((3, 2), np.float32).T, np.ones(4, np.float32)[::2]),      # not contiguous
    (np.ones((2, 3), ">f4"), np.ones(2, ">f4")),                       # byte-swapped
])
def test_gather_and_scatter_last_decline_data_they_cannot_read(x, g):
    idx = np.array([0, 1])
    assert _kernels.gather_last(x, idx) is None
    assert _kernels.scatter_last(g, idx, x.shape) is None


@given(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), st.data())
def test_broadcast_to_is_numpys_read_only_view(shape, data):
    # x has shape's number of axes, some of them of length one: the typed path.
    src = tuple(data.draw(st.sampled_from([d, 1])) for d in shape)
    x = data.draw(hnp.arrays(data.draw(st.sampled_from(["f4", "f8", "i8", ">f8"])), src))
    if src and data.draw(st.booleans()):
        x = x[tuple(slice(None, None, -1) for _ in src)]  # negative strides
    got, want = _kernels.broadcast_to(x, shape), np.broadcast_to(x, shape)
    assert got.shape == want.shape and got.strides == want.strides
    assert got.dtype == want.dtype and not got.flags.writeable
    assert got.size == 0 or np.shares_memory(got, x)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("src, shape", [((2,), (3,)), ((2, 1), (2, -1)), ((2, 3), (3,))])
def test_broadcast_to_raises_numpys_errors(src, shape):
    with pytest.raises(ValueError) as want:
        np.broadcast_to(np.ones(src), shape)
    with pytest.raises(ValueError) as got:
        _kernels.broadcast_to(np.ones(src), shape)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("shape, size", [
    ((2, 3), 6), ((), 1), ((2, 0), -1), ((2, -1), -1), ((3, True), -1), ([2, 3], -1),
    ((2.0,), -1), ((2 ** 70,), -1), ((2 ** 62, 4), -1), ((2 ** 31, 2 ** 31), 2 ** 62)])
def test_plain_size_is_the_size_of_a_tuple_of_positive_ints_else_minus_one(shape, size):
    # reshape's fast path trusts it: anything else (codes, overflow) takes nd.reshape's
    assert _kernels.plain_size(shape) == size


@given(NUMBERS, st.sampled_from([None, np.float32, "float64", np.dtype(np.int32), bool]),
       hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5), st.data())
def test_array_copy_is_numpys_array_of_a_dtype(dtype, to, shape, data):
    x = data.draw(hnp.arrays(dtype, shape, elements=st.integers(-100, 100)
                             if np.dtype(dtype).kind in "iu" else None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN or inf cast to an int
        got, want = _kernels.array_copy(x, to), np.array(x, dtype=to)
    _same(got, want)
    assert not np.shares_memory(got, x) or x.size == 0


@pytest.mark.parametrize("x, dtype", [
    (np.ones((3, 2))[:, ::2], None),        # not C-contiguous
    (np.ones((3, 2)).T, None),              # Fortran order: np.array keeps it
    ([1.0, 2.0], None),                     # a list
    (np.matrix(np.ones((2, 2))), None),     # a subclass
    (np.ones(2), "no such type"),           # np.array's own error
    (np.ones(2), str),                      # np.array sizes the strings from the data
    (np.ones(2), "(2,)f4"),                 # a subarray dtype adds an axis
    (np.ones(2), "M8[s]"),                  # dates
    (np.array(["a", "b"]), None),           # strings
    (np.ones(2, object), None),             # objects
])
def test_array_copy_declines_what_np_array_does_differently(x, dtype):
    assert _kernels.array_copy(x, dtype) is None
