"""Typed loops where they beat NumPy: fused backward kernels and summing to a shape.

A single elementwise pass in a plain loop only matches NumPy (which uses SIMD); what
pays is fusing several NumPy passes into one and skipping NumPy's per-call overhead on
small arrays. Each entry point checks dtype, shape and contiguity itself and works on
raw data pointers (cheaper to call than typed memoryviews); anything else falls back to
the NumPy expression, which is the reference the tests compare against.
"""
cimport cython
cimport numpy as cnp
from cpython.ref cimport Py_DECREF, Py_INCREF
from libc.math cimport exp, expf, log
from libc.string cimport memcpy
from libc.stdint cimport PTRDIFF_MAX as PY_SSIZE_T_MAX
import numpy as np

from ndgrad import _threads

cnp.import_array()

ctypedef fused floating:
    float
    double


cdef inline bint _fast(cnp.ndarray a, cnp.ndarray b):
    """Same dtype (float32/float64), same shape, both C-contiguous, aligned and in
    the machine's byte order (the loops read raw pointers as native floats)."""
    if cnp.PyArray_TYPE(a) != cnp.PyArray_TYPE(b):
        return False
    if cnp.PyArray_TYPE(a) != cnp.NPY_FLOAT32 and cnp.PyArray_TYPE(a) != cnp.NPY_FLOAT64:
        return False
    if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_IS_C_CONTIGUOUS(b)):
        return False
    if not (cnp.PyArray_ISBEHAVED_RO(a) and cnp.PyArray_ISBEHAVED_RO(b)):
        return False
    return cnp.PyArray_SAMESHAPE(a, b)


# Each loop writes its result to out, or with ``add`` adds it to what out holds (the
# gradient summed so far: one pass and no new array). The branch on ``add`` is taken
# out of the loop by the compiler (-O3 unswitches it), so both versions vectorise.

cdef inline void _put(floating* out, Py_ssize_t i, floating v, bint add) noexcept nogil:
    out[i] = out[i] + v if add else v


cdef void _tanh_grad(floating* g, floating* t, floating* out, Py_ssize_t n,
                     bint add) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        _put(out, i, g[i] * (<floating>1 - t[i] * t[i]), add)  # float32 stays float32


cdef void _sigmoid_grad(floating* g, floating* s, floating* out, Py_ssize_t n,
                        bint add) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        _put(out, i, g[i] * s[i] * (<floating>1 - s[i]), add)


cdef void _relu_grad(floating* g, floating* x, floating* out, Py_ssize_t n,
                     bint add) noexcept nogil:
    cdef Py_ssize_t i
    cdef floating v
    for i in range(n):
        v = g[i]  # read unconditionally: the choice is then a mask, not a branch
        _put(out, i, v if x[i] > 0 else 0, add)


# Above this many elements the loops run without the GIL, so other threads proceed.
# Below it no call is split over threads (_threads) either: it would not pay.
cdef enum:
    NOGIL_MIN = 16384

ctypedef void (*kernel32)(float*, float*, float*, Py_ssize_t, bint) noexcept nogil
ctypedef void (*kernel64)(double*, double*, double*, Py_ssize_t, bint) noexcept nogil


cdef inline bint _big(a):
    """An array large enough to ask _threads to split a call on it."""
    return cnp.PyArray_Check(a) and cnp.PyArray_SIZE(<cnp.ndarray>a) >= NOGIL_MIN


cdef inline cnp.ndarray _empty_like(cnp.ndarray a):
    return cnp.PyArray_EMPTY(cnp.PyArray_NDIM(a), cnp.PyArray_DIMS(a),
                             cnp.PyArray_TYPE(a), 0)


cdef void _loop(kernel32 k32, kernel64 k64, cnp.ndarray g, cnp.ndarray x,
                cnp.ndarray out, bint add):
    cdef Py_ssize_t n = cnp.PyArray_SIZE(g)
    cdef void* pg = cnp.PyArray_DATA(g)
    cdef void* px = cnp.PyArray_DATA(x)
    cdef void* po = cnp.PyArray_DATA(out)
    if cnp.PyArray_TYPE(g) == cnp.NPY_FLOAT32:
        if n >= NOGIL_MIN:
            with nogil:
                k32(<float*>pg, <float*>px, <float*>po, n, add)
        else:
            k32(<float*>pg, <float*>px, <float*>po, n, add)
    else:
        if n >= NOGIL_MIN:
            with nogil:
                k64(<double*>pg, <double*>px, <double*>po, n, add)
        else:
            k64(<double*>pg, <double*>px, <double*>po, n, add)


@cython.auto_pickle(False)  # function pointers do not pickle
cdef class _Kernel:
    """A kernel pair as a Python callable ``(g, x, *, out=None)``, for _threads to run
    on chunks of the arrays (with ``add``, into what ``out`` holds)."""
    cdef kernel32 k32
    cdef kernel64 k64
    cdef bint add

    def __call__(self, cnp.ndarray g not None, cnp.ndarray x not None, *,
                 cnp.ndarray out=None):
        if out is None and not self.add:
            out = _empty_like(g)
        # Callable from Python: never let it read or write past an array.
        if (self.k32 is NULL or out is None or not (_fast(g, x) and _fast(g, out))
                or not cnp.PyArray_ISWRITEABLE(out)):
            raise ValueError("_Kernel: same-shape C-contiguous float arrays only")
        _loop(self.k32, self.k64, g, x, out, self.add)
        return out


cdef cnp.ndarray _run(kernel32 k32, kernel64 k64, cnp.ndarray g, cnp.ndarray x,
                      cnp.ndarray out=None):
    """The kernel's result as a new array, or added into ``out``."""
    cdef _Kernel kernel
    cdef bint add = out is not None
    if _big(g):
        kernel = _Kernel.__new__(_Kernel)
        kernel.k32, kernel.k64, kernel.add = k32, k64, add
        done = _threads.split(kernel, g, x) if not add else \
            _threads.split(kernel, g, x, out=out)
        if done is not None:
            return done
    if not add:
        out = _empty_like(g)
    _loop(k32, k64, g, x, out, add)
    return out


def tanh_grad(g, t):
    """g * (1 - t*t), the gradient of tanh given its output t."""
    if cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(t) and _fast(g, t):
        return _run(_tanh_grad[float], _tanh_grad[double], g, t)
    return g * (1 - t * t)


def sigmoid_grad(g, s):
    """g * s * (1 - s), the gradient of the logistic function given its output s."""
    if cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(s) and _fast(g, s):
        return _run(_sigmoid_grad[float], _sigmoid_grad[double], g, s)
    return g * s * (1 - s)


def relu_grad(g, x):
    """g where x > 0, else 0."""
    if cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(x) and _fast(g, x):
        return _run(_relu_grad[float], _relu_grad[double], g, x)
    return np.where(x > 0, g, 0).astype(np.result_type(g, x), copy=False)


@cython.auto_pickle(False)
cdef class _Adder:
    """``(g, x, acc)``: acc += the kernel's result in one pass (acc being the engine's
    gradient sum so far) and True, or False where the typed loop does not apply and
    the caller adds the result itself."""
    cdef kernel32 k32
    cdef kernel64 k64

    def __call__(self, g, x, acc):
        if not (cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(x)
                and cnp.PyArray_CheckExact(acc) and _fast(g, x) and _fast(g, acc)
                and cnp.PyArray_ISWRITEABLE(<cnp.ndarray>acc)):
            return False
        _run(self.k32, self.k64, g, x, acc)
        return True


cdef _Adder _adder(kernel32 k32, kernel64 k64):
    cdef _Adder a = _Adder.__new__(_Adder)
    a.k32, a.k64 = k32, k64
    return a


tanh_grad_add = _adder(_tanh_grad[float], _tanh_grad[double])
sigmoid_grad_add = _adder(_sigmoid_grad[float], _sigmoid_grad[double])
relu_grad_add = _adder(_relu_grad[float], _relu_grad[double])


# ---- softmax along the last axis: rows of a C-contiguous array ----------------------
# NumPy needs several passes and temporaries, and its reductions along a short last
# axis are slow; one loop per row is 2-2.5x faster for rows shorter than 32 (e.g. 10
# classes, 4096 rows: forward 444 -> 217 us, backward 108 -> 51 us) and 10x faster on
# tiny arrays. On long rows NumPy's vectorised exp wins (3x at 1000), so they stay
# with NumPy.

cdef inline floating _exp(floating v) noexcept nogil:
    if floating is float:
        return expf(v)
    return exp(v)


cdef void _softmax_rows(floating* x, floating* out, Py_ssize_t rows, Py_ssize_t n,
                        bint take_log) noexcept nogil:
    cdef Py_ssize_t r, i
    cdef floating m
    cdef double s
    cdef floating* xr
    cdef floating* orow
    for r in range(rows):
        xr = x + r * n
        orow = out + r * n
        m = xr[0]
        for i in range(1, n):
            if xr[i] > m:
                m = xr[i]
        s = 0
        for i in range(n):
            orow[i] = _exp(xr[i] - m)
            s += orow[i]
        if take_log:
            s = m + log(s)
            for i in range(n):
                orow[i] = <floating>(xr[i] - s)
        else:
            for i in range(n):
                orow[i] = <floating>(orow[i] / s)


cdef void _softmax_grad_rows(floating* g, floating* y, floating* out, Py_ssize_t rows,
                             Py_ssize_t n, bint from_log) noexcept nogil:
    cdef Py_ssize_t r, i, k
    cdef double s
    for r in range(rows):
        k = r * n
        s = 0
        if from_log:
            for i in range(k, k + n):
                s += g[i]
            for i in range(k, k + n):
                out[i] = <floating>(g[i] - _exp(y[i]) * s)
        else:
            for i in range(k, k + n):
                s += g[i] * y[i]
            for i in range(k, k + n):
                out[i] = <floating>((g[i] - s) * y[i])


cdef void _rows(cnp.ndarray a, cnp.ndarray b, cnp.ndarray out, bint flag, bint grad):
    """Run the softmax (grad=False) or softmax-gradient row kernel on a, b into out,
    without the GIL for large arrays."""
    cdef Py_ssize_t n = cnp.PyArray_DIMS(a)[cnp.PyArray_NDIM(a) - 1]
    cdef Py_ssize_t rows = cnp.PyArray_SIZE(a) // n
    cdef void* pa = cnp.PyArray_DATA(a)
    cdef void* pb = cnp.PyArray_DATA(b)
    cdef void* po = cnp.PyArray_DATA(out)
    cdef bint f32 = cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT32
    if rows * n >= NOGIL_MIN:
        with nogil:
            _rows_any(pa, pb, po, f32, rows, n, flag, grad)
    else:
        _rows_any(pa, pb, po, f32, rows, n, flag, grad)


cdef void _rows_any(void* a, void* b, void* out, bint f32, Py_ssize_t rows, Py_ssize_t n,
                    bint flag, bint grad) noexcept nogil:
    if grad and f32:
        _softmax_grad_rows(<float*>a, <float*>b, <float*>out, rows, n, flag)
    elif grad:
        _softmax_grad_rows(<double*>a, <double*>b, <double*>out, rows, n, flag)
    elif f32:
        _softmax_rows(<float*>a, <float*>out, rows, n, flag)
    else:
        _softmax_rows(<double*>a, <double*>out, rows, n, flag)


cdef inline bint _short_rows(cnp.ndarray a, axis):
    """Reducing along the last axis, of length 1..31, or a small array."""
    cdef int nd = cnp.PyArray_NDIM(a)
    if nd == 0 or not (axis == -1 or axis == nd - 1):
        return False
    cdef Py_ssize_t n = cnp.PyArray_DIMS(a)[nd - 1]
    return 0 < n and (n < 32 or cnp.PyArray_SIZE(a) < 4096)


def softmax(x, axis=-1, bint take_log=False):
    """exp(x) / sum(exp(x)) along ``axis`` (its log with ``take_log``), shifted by the
    maximum so that nothing overflows."""
    cdef cnp.ndarray out
    if cnp.PyArray_CheckExact(x) and _fast(x, x) and _short_rows(x, axis):
        out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(x), cnp.PyArray_DIMS(x),
                                cnp.PyArray_TYPE(x), 0)
        _rows(x, x, out, take_log, False)
        return out
    z = x - np.max(x, axis=axis, keepdims=True)
    if take_log:
        return z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True))
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_grad(g, y, axis=-1, bint from_log=False):
    """The backward of softmax along ``axis`` given its output y: (g - sum(g*y)) * y;
    of log_softmax with ``from_log``: g - exp(y) * sum(g)."""
    cdef cnp.ndarray out
    if (cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(y) and _fast(g, y)
            and _short_rows(g, axis)):
        out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(g), cnp.PyArray_DIMS(g),
                                cnp.PyArray_TYPE(g), 0)
        _rows(g, y, out, from_log, True)
        return out
    if from_log:
        return g - np.exp(y) * np.sum(g, axis=axis, keepdims=True)
    return (g - np.sum(g * y, axis=axis, keepdims=True)) * y


def plain_size(shape):
    """The number of elements of ``shape`` if it is a tuple of positive ints (no
    MXNet codes, nothing to convert: the common case), else -1. Compiled: reshape
    asks on every call, where a Python loop and math.prod cost more than the view."""
    if type(shape) is not tuple:
        return -1
    cdef Py_ssize_t n = 1, d
    for s in <tuple>shape:
        if type(s) is not int:
            return -1
        try:
            d = s
        except OverflowError:
            return -1
        if d <= 0 or d > PY_SSIZE_T_MAX // n:
            return -1
        n *= d
    return n


cdef floating _pairwise(floating* a, Py_ssize_t n) noexcept nogil:
    """The sum of a[0..n) in NumPy's order (its pairwise summation: eight running
    sums per block of up to 128, halves above that), so the same bits."""
    cdef floating res, r[8]
    cdef Py_ssize_t i, j, n2
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    if n <= 128:
        for j in range(8):
            r[j] = a[j]
        for i in range(8, n - n % 8, 8):
            for j in range(8):
                r[j] += a[i + j]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(n - n % 8, n):
            res += a[i]
        return res
    n2 = n // 2
    n2 -= n2 % 8
    return _pairwise(a, n2) + _pairwise(a + n2, n - n2)


cdef cnp.ndarray _sum_all(cnp.ndarray a, tuple shape):
    """``a`` summed to ``shape``, which holds one element: NumPy's add.reduce starts
    from its identity, 0, and adds the pairwise sum of the data."""
    cdef cnp.npy_intp dims[cnp.NPY_MAXDIMS]
    cdef int k, nd = len(shape)
    for k in range(nd):
        dims[k] = 1
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(nd, dims, cnp.PyArray_TYPE(a), 0)
    if cnp.PyArray_TYPE(a) == cnp.NPY_FLOAT32:
        (<float*>cnp.PyArray_DATA(out))[0] = <float>0.0 + _pairwise(
            <float*>cnp.PyArray_DATA(a), cnp.PyArray_SIZE(a))
    else:
        (<double*>cnp.PyArray_DATA(out))[0] = 0.0 + _pairwise(
            <double*>cnp.PyArray_DATA(a), cnp.PyArray_SIZE(a))
    return out


def sum_to(g, shape):
    """Sum ``g`` over the axes it was broadcast along, so that it has ``shape``.

    Raises ValueError if ``shape`` does not broadcast to ``g.shape``.
    """
    shape = tuple(shape)
    g = np.asarray(g)
    cdef cnp.ndarray a = g
    cdef Py_ssize_t n = len(shape), lead = cnp.PyArray_NDIM(a) - n, i, d
    if lead < 0:
        raise ValueError(f"cannot sum shape {g.shape} to {shape}")
    cdef list axes = list(range(lead))
    cdef bint kept = False  # an axis of length one in shape is summed over
    cdef bint one = True    # shape holds one element
    for i in range(n):
        s = shape[i]
        d = cnp.PyArray_DIMS(a)[lead + i]
        one = one and s == 1
        if s == 1 and d != 1:
            axes.append(lead + i)
            kept = True
        elif s != d:
            raise ValueError(f"cannot sum shape {g.shape} to {shape}")
    if not axes:
        return a.reshape(shape)
    if one and _fast(a, a):  # to one element (a bias's gradient)
        return _sum_all(a, shape)
    # add.reduce is what ndarray.sum calls, without its Python layer. Summing leading
    # axes only leaves the shape as it is (unless it is 0-d, where NumPy would give a
    # scalar): no keepdims and reshape.
    if kept or n == 0:
        return np.add.reduce(a, axis=tuple(axes), keepdims=True).reshape(shape)
    return np.add.reduce(a, axis=tuple(axes))


# ---- matrix products of small arrays -----------------------------------------------
# Elements of both operands and the result, below which np.dot wins: it zeroes its
# result before the BLAS call does, a pass that counts on a large result even of small
# operands (an outer product: (128, 10) . (10, 256)).
cdef Py_ssize_t SMALL_DOT = 4096


def small_dot(lhs, rhs, axes=2):
    """tensordot's fast forward: for ``axes`` 1, np.dot(lhs, rhs) for exact ndarrays
    of one or two axes (not both one, where np.dot gives a scalar) with at most
    SMALL_DOT elements together with the result's, called in C, without np.dot's
    dispatch layer; its errors are np.dot's. None otherwise: then the op's forward
    runs matmul, which makes the same BLAS call and, unlike np.dot, does not first
    zero its output, a pass that counts on large ones."""
    if not (type(axes) is int and axes == 1
            and cnp.PyArray_CheckExact(lhs) and cnp.PyArray_CheckExact(rhs)):
        return None
    cdef cnp.ndarray a = <cnp.ndarray>lhs, b = <cnp.ndarray>rhs
    cdef int na = cnp.PyArray_NDIM(a), nb = cnp.PyArray_NDIM(b)
    if not (1 <= na <= 2 and 1 <= nb <= 2 and na + nb > 2):
        return None
    cdef Py_ssize_t rows = cnp.PyArray_DIMS(a)[0] if na == 2 else 1
    cdef Py_ssize_t cols = cnp.PyArray_DIMS(b)[1] if nb == 2 else 1
    if cnp.PyArray_SIZE(a) + cnp.PyArray_SIZE(b) + rows * cols > SMALL_DOT:
        return None
    return cnp.PyArray_MatrixProduct(a, b)


# ---- arithmetic on small arrays ------------------------------------------------------
# NumPy spends ~0.3 us dispatching a ufunc, which is most of the cost on a small array;
# one typed loop on raw pointers takes a few ns per element. Same results bit for bit:
# both do one IEEE operation per element in the array's dtype (a Python scalar is
# converted to that dtype first, as NumPy does). Anything else -- other dtypes or
# shapes, broadcasting, large arrays (NumPy's SIMD loops win there) or a floating-point
# exception (NumPy then warns or raises as np.errstate says) -- is left to NumPy.

cdef extern from "<fenv.h>" nogil:
    int feclearexcept(int)
    int fetestexcept(int)
    int FE_DIVBYZERO, FE_OVERFLOW, FE_UNDERFLOW, FE_INVALID

cdef enum:
    SMALL_MAX = 512
    ADD = 0
    SUB = 1
    MUL = 2
    DIV = 3

cdef double FLOAT32_MAX = 3.4028234663852886e38
# The exceptions np.errstate can turn into warnings or errors.
cdef int FE_FLAGS = FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID


cdef void _arith(int code, floating* a, Py_ssize_t sa, floating* b, Py_ssize_t sb,
                 floating* out, Py_ssize_t n) noexcept nogil:
    # sa, sb: 1 for an array, 0 for a scalar (read from one place).
    cdef Py_ssize_t i
    if code == ADD:
        for i in range(n):
            out[i] = a[i * sa] + b[i * sb]
    elif code == SUB:
        for i in range(n):
            out[i] = a[i * sa] - b[i * sb]
    elif code == MUL:
        for i in range(n):
            out[i] = a[i * sa] * b[i * sb]
    else:
        for i in range(n):
            out[i] = a[i * sa] / b[i * sb]


cdef inline bint _small(cnp.ndarray a):
    # Not 0-d: NumPy gives a scalar there, not an array.
    return (cnp.PyArray_NDIM(a) > 0 and cnp.PyArray_SIZE(a) <= SMALL_MAX
            and _fast(a, a))


cdef inline bint _one_element(cnp.ndarray one, cnp.ndarray x):
    """``one`` has a single element, of x's dtype, readable in place, and no more axes
    than x: one (op) x broadcasts it over x's shape, with x's dtype (NumPy's result)."""
    return (cnp.PyArray_SIZE(one) == 1 and cnp.PyArray_NDIM(one) <= cnp.PyArray_NDIM(x)
            and cnp.PyArray_TYPE(one) == cnp.PyArray_TYPE(x)
            and cnp.PyArray_ISBEHAVED_RO(one))


cdef inline bint _scalar(object s, double* value):
    """A Python float or int that converts to float32 and float64 exactly as NumPy
    would, with no overflow to report."""
    if type(s) is float:
        value[0] = <double>s
    elif type(s) is int and -2**53 <= s <= 2**53:
        value[0] = <double>s
    else:
        return False
    return -FLOAT32_MAX <= value[0] <= FLOAT32_MAX or value[0] != value[0]


cdef object _arith_small(int code, object a, object b):
    """The result of a (op) b for a small float array and a same-shape array of its
    dtype, a one-element array of its dtype (either side) or a Python scalar; None
    where NumPy should compute it."""
    cdef cnp.ndarray x, y, out
    cdef double s
    cdef float s32
    cdef Py_ssize_t sa = 1, sb = 1
    cdef void* pa
    cdef void* pb
    cdef bint python_scalar = False
    if cnp.PyArray_CheckExact(a):
        x = <cnp.ndarray>a
        if not _small(x):
            return None
        pa = cnp.PyArray_DATA(x)
        if cnp.PyArray_CheckExact(b):
            y = <cnp.ndarray>b
            if _fast(x, y):
                pb = cnp.PyArray_DATA(y)
            elif _one_element(y, x):  # a bias of shape (1,): read from one place
                pb = cnp.PyArray_DATA(y)
                sb = 0
            elif _one_element(x, y) and _small(y):
                x = y  # the result has the shape of b
                pa, sa = cnp.PyArray_DATA(<cnp.ndarray>a), 0
                pb = cnp.PyArray_DATA(y)
            else:
                return None
        elif _scalar(b, &s):
            pb = &s
            sb = 0
            python_scalar = True
        else:
            return None
    elif cnp.PyArray_CheckExact(b) and _scalar(a, &s):
        x = <cnp.ndarray>b
        if not _small(x):
            return None
        pa = &s
        sa = 0
        pb = cnp.PyArray_DATA(x)
        python_scalar = True
    else:
        return None
    cdef int typenum = cnp.PyArray_TYPE(x)
    if typenum == cnp.NPY_FLOAT32 and python_scalar:
        s32 = <float>s
        if sa == 0:
            pa = &s32
        else:
            pb = &s32
    out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(x), cnp.PyArray_DIMS(x), typenum, 0)
    feclearexcept(FE_FLAGS)
    if typenum == cnp.NPY_FLOAT32:
        _arith(code, <float*>pa, sa, <float*>pb, sb, <float*>cnp.PyArray_DATA(out),
               cnp.PyArray_SIZE(out))
    else:
        _arith(code, <double*>pa, sa, <double*>pb, sb, <double*>cnp.PyArray_DATA(out),
               cnp.PyArray_SIZE(out))
    if fetestexcept(FE_FLAGS):
        return None
    return out


def _arith_function(int code, ufunc, str name, str symbol):
    def function(lhs, rhs, **kwargs):
        out = None if kwargs else _arith_small(code, lhs, rhs)
        if out is None and (_big(lhs) or _big(rhs)):
            out = _threads.split(ufunc, lhs, rhs, **kwargs)
        return ufunc(lhs, rhs, **kwargs) if out is None else out
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"lhs {symbol} rhs: NumPy's {ufunc.__name__}, with a typed loop "
                        "for small float arrays and threads for large ones.")
    return function


add = _arith_function(ADD, np.add, "add", "+")
subtract = _arith_function(SUB, np.subtract, "subtract", "-")
multiply = _arith_function(MUL, np.multiply, "multiply", "*")
divide = _arith_function(DIV, np.true_divide, "divide", "/")


def tanh(data, **kwargs):
    """NumPy's tanh, split over threads for large arrays (ndgrad.set_num_threads)."""
    if _big(data):
        out = _threads.split(np.tanh, data, **kwargs)
        if out is not None:
            return out
    # Without an empty **kwargs, the call on a small array costs what np.tanh's does.
    return np.tanh(data, **kwargs) if kwargs else np.tanh(data)


cdef bint _one_over(cnp.ndarray g, cnp.ndarray x):
    """g is 1 at every element, broadcast (stride 0) to exactly x's shape and float
    dtype: what the backward of a sum hands on."""
    cdef int k, t = cnp.PyArray_TYPE(g)
    if (t != cnp.PyArray_TYPE(x) or not cnp.PyArray_SAMESHAPE(g, x)
            or cnp.PyArray_SIZE(g) == 0):
        return False
    for k in range(cnp.PyArray_NDIM(g)):
        if cnp.PyArray_STRIDES(g)[k] != 0 and cnp.PyArray_DIMS(g)[k] != 1:
            return False
    if not cnp.PyArray_ISBEHAVED_RO(g):
        return False
    if t == cnp.NPY_FLOAT32:
        return (<float*>cnp.PyArray_DATA(g))[0] == 1
    return t == cnp.NPY_FLOAT64 and (<double*>cnp.PyArray_DATA(g))[0] == 1


def multiply_grad(g, x):
    """g * x as a VJP computes it: where g is one everywhere (the backward of a sum),
    the product is x, returned as a read-only view without a pass over the data.
    A plain backward pass never writes into the values it hands on, so a view is safe."""
    cdef cnp.ndarray v
    if cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(x) and _one_over(g, x):
        v = x.view()
        cnp.PyArray_CLEARFLAGS(v, cnp.NPY_ARRAY_WRITEABLE)
        return v
    return multiply(g, x)


# ---- one element per lane along the last axis: pick and its gradient ---------------
# NumPy does these with a fancy index of one index array per axis (aranges for all
# but the last), whose set-up costs more than the copy on a batch of labels.

cdef bint _per_lane(cnp.ndarray a, cnp.ndarray idx, Py_ssize_t lanes, Py_ssize_t n):
    """``a`` float32/float64, C-contiguous and behaved; ``idx`` int64 C-contiguous
    (native order) holding ``lanes`` positions, every one in [0, n)."""
    cdef Py_ssize_t i
    cdef cnp.int64_t* p
    if not _fast(a, a):
        return False
    if (cnp.PyArray_TYPE(idx) != cnp.NPY_INT64 or not cnp.PyArray_IS_C_CONTIGUOUS(idx)
            or not cnp.PyArray_ISBEHAVED_RO(idx) or cnp.PyArray_SIZE(idx) != lanes):
        return False
    p = <cnp.int64_t*>cnp.PyArray_DATA(idx)
    for i in range(lanes):
        if p[i] < 0 or p[i] >= n:
            return False
    return True


cdef void _gather(floating* src, cnp.int64_t* idx, floating* out, Py_ssize_t lanes,
                  Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(lanes):
        out[i] = src[i * n + idx[i]]


cdef void _scatter(floating* g, cnp.int64_t* idx, floating* out, Py_ssize_t lanes,
                   Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(lanes):
        out[i * n + idx[i]] = g[i]


def gather_last(data, idx):
    """``data[..., idx]`` lane by lane: for ``data`` of shape (..., n) and int64
    ``idx`` of shape (...) (or (..., 1)), the array of ``data``'s shape without its
    last axis holding ``data[i, idx[i]]`` in lane i. None where the typed loop does
    not apply (the caller indexes with NumPy, which raises its own errors)."""
    cdef cnp.ndarray x, i, out
    if not (cnp.PyArray_CheckExact(data) and cnp.PyArray_CheckExact(idx)):
        return None
    x, i = <cnp.ndarray>data, <cnp.ndarray>idx
    if cnp.PyArray_NDIM(x) == 0:
        return None
    cdef Py_ssize_t n = cnp.PyArray_DIMS(x)[cnp.PyArray_NDIM(x) - 1]
    if n == 0 or not _per_lane(x, i, cnp.PyArray_SIZE(x) // n, n):
        return None
    out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(x) - 1, cnp.PyArray_DIMS(x),
                            cnp.PyArray_TYPE(x), 0)
    if cnp.PyArray_TYPE(x) == cnp.NPY_FLOAT32:
        _gather(<float*>cnp.PyArray_DATA(x), <cnp.int64_t*>cnp.PyArray_DATA(i),
                <float*>cnp.PyArray_DATA(out), cnp.PyArray_SIZE(out), n)
    else:
        _gather(<double*>cnp.PyArray_DATA(x), <cnp.int64_t*>cnp.PyArray_DATA(i),
                <double*>cnp.PyArray_DATA(out), cnp.PyArray_SIZE(out), n)
    return out


def scatter_last(g, idx, shape):
    """gather_last's transpose: zeros of ``shape`` (..., n) with ``g[i]`` at
    ``idx[i]`` of lane i, for ``g`` holding one value per lane. None where the typed
    loop does not apply."""
    cdef cnp.ndarray v, i, out
    if not (cnp.PyArray_CheckExact(g) and cnp.PyArray_CheckExact(idx)) or not shape:
        return None
    v, i = <cnp.ndarray>g, <cnp.ndarray>idx
    cdef Py_ssize_t d, total = 1, n = shape[len(shape) - 1]
    cdef Py_ssize_t lanes = cnp.PyArray_SIZE(v)
    for d in shape:
        total *= d
    if n == 0 or lanes * n != total or not _per_lane(v, i, lanes, n):
        return None
    out = np.zeros(shape, dtype=v.dtype)
    if cnp.PyArray_TYPE(v) == cnp.NPY_FLOAT32:
        _scatter(<float*>cnp.PyArray_DATA(v), <cnp.int64_t*>cnp.PyArray_DATA(i),
                 <float*>cnp.PyArray_DATA(out), lanes, n)
    else:
        _scatter(<double*>cnp.PyArray_DATA(v), <cnp.int64_t*>cnp.PyArray_DATA(i),
                 <double*>cnp.PyArray_DATA(out), lanes, n)
    return out


# ---- whole rows by position: take along axis 0 in 'clip' mode ---------------------
# A batch of examples out of a data set (d2l's data_iter): NumPy's take needs the
# indices cast to int64 first, two calls whose overhead outweighs copying ten rows.

ctypedef fused position:
    float
    double
    cnp.int32_t
    cnp.int64_t


cdef bint _clipped(position* idx, Py_ssize_t k, Py_ssize_t n, Py_ssize_t* rows):
    """rows[i]: idx[i] truncated towards zero and clipped to [0, n); False (nothing
    to trust) at a NaN, which has no position."""
    cdef Py_ssize_t i
    cdef position v
    for i in range(k):
        v = idx[i]
        if (position is float or position is double) and v != v:
            return False
        rows[i] = 0 if v <= 0 else n - 1 if v >= n - 1 else <Py_ssize_t>v
    return True


def take_rows(a, indices, axis=0, mode="clip"):
    """take's fast forward: ``a.take(indices.astype(int64), axis=0, mode='clip')`` for
    ``a`` a C-contiguous aligned array of numbers (bool to complex) with a non-empty
    first axis and ``indices`` C-contiguous native float32/float64/int32/int64
    positions, made by copying whole rows. None where that does not apply (another
    axis or mode, NaN positions too): the op's forward takes with NumPy."""
    cdef cnp.ndarray x, i, out
    if not (type(axis) is int and axis == 0 and type(mode) is str and mode == "clip"
            and cnp.PyArray_CheckExact(a) and cnp.PyArray_CheckExact(indices)):
        return None
    x, i = <cnp.ndarray>a, <cnp.ndarray>indices
    cdef int t = cnp.PyArray_TYPE(i), nd = cnp.PyArray_NDIM(x), ni = cnp.PyArray_NDIM(i)
    if (nd == 0 or nd + ni > cnp.NPY_MAXDIMS or cnp.PyArray_TYPE(x) > cnp.NPY_CLONGDOUBLE
            or not (cnp.PyArray_IS_C_CONTIGUOUS(x) and cnp.PyArray_ISBEHAVED_RO(x)
                    and cnp.PyArray_IS_C_CONTIGUOUS(i) and cnp.PyArray_ISBEHAVED_RO(i))):
        return None
    if t != cnp.NPY_FLOAT32 and t != cnp.NPY_FLOAT64 and t != cnp.NPY_INT64 \
            and t != cnp.NPY_INT32:
        return None
    cdef Py_ssize_t n = cnp.PyArray_DIMS(x)[0], k = cnp.PyArray_SIZE(i), r
    if n == 0 or k > 1024:  # the row numbers live on the stack
        return None
    cdef Py_ssize_t rows[1024]
    cdef bint ok
    if t == cnp.NPY_FLOAT32:
        ok = _clipped(<float*>cnp.PyArray_DATA(i), k, n, rows)
    elif t == cnp.NPY_FLOAT64:
        ok = _clipped(<double*>cnp.PyArray_DATA(i), k, n, rows)
    elif t == cnp.NPY_INT64:
        ok = _clipped(<cnp.int64_t*>cnp.PyArray_DATA(i), k, n, rows)
    else:
        ok = _clipped(<cnp.int32_t*>cnp.PyArray_DATA(i), k, n, rows)
    if not ok:
        return None
    cdef cnp.npy_intp dims[cnp.NPY_MAXDIMS]
    cdef int d
    for d in range(ni):
        dims[d] = cnp.PyArray_DIMS(i)[d]
    for d in range(1, nd):
        dims[ni + d - 1] = cnp.PyArray_DIMS(x)[d]
    descr = x.dtype
    Py_INCREF(descr)  # NewFromDescr steals a reference to it
    out = _new_from_descr(np.ndarray, descr, ni + nd - 1, dims, NULL, NULL, 0, None)
    cdef Py_ssize_t row = cnp.PyArray_NBYTES(x) // n  # bytes per row
    cdef char* src = <char*>cnp.PyArray_DATA(x)
    cdef char* dst = <char*>cnp.PyArray_DATA(out)
    for r in range(k):
        memcpy(dst + r * row, src + rows[r] * row, row)
    return out


cdef extern from "numpy/arrayobject.h":
    object _new_from_descr "PyArray_NewFromDescr" (
        type subtype, cnp.dtype descr, int nd, cnp.npy_intp* dims, cnp.npy_intp* strides,
        void* data, int flags, object obj)


cdef extern from "numpy/arrayobject.h":
    int _descr_converter "PyArray_DescrConverter"(object, cnp.PyArray_Descr**) except 0
    object _cast_to_type "PyArray_CastToType"(cnp.ndarray, cnp.PyArray_Descr*, int)


def array_copy(source_array, dtype=None):
    """array's fast forward: ``np.array(source_array, dtype=dtype)`` for a C-contiguous
    exact ndarray of numbers (bool to complex) and a number dtype, as NumPy's cast in
    one C call without np.array's argument handling (the costlier half of
    ``nd.array(indices)`` in a training loop). None otherwise: strings, records and
    the like have rules of their own (np.array sizes ``str`` from the data)."""
    if not (cnp.PyArray_CheckExact(source_array)
            and cnp.PyArray_IS_C_CONTIGUOUS(<cnp.ndarray>source_array)
            and cnp.PyArray_TYPE(<cnp.ndarray>source_array) <= cnp.NPY_CLONGDOUBLE):
        return None
    cdef cnp.PyArray_Descr* descr  # a reference of our own, which the cast steals
    if dtype is None:
        descr = cnp.PyArray_DESCR(<cnp.ndarray>source_array)
        Py_INCREF(<object>descr)
    else:
        try:
            _descr_converter(dtype, &descr)
        except TypeError:  # not a dtype: np.array's own error
            return None
        if (<cnp.dtype><object>descr).type_num > cnp.NPY_CLONGDOUBLE:
            Py_DECREF(<object>descr)
            return None
    return _cast_to_type(<cnp.ndarray>source_array, descr, 0)


def reshape(data, shape):
    """``data`` reshaped to ``shape``, a view where the layout allows: the forward of
    reshape, compiled because every reshape runs it twice (forward and backward) and
    a Python frame costs more than the view."""
    if cnp.PyArray_CheckExact(data):
        return (<cnp.ndarray>data).reshape(shape)  # what np.reshape calls
    return np.reshape(data, shape)


def broadcast_to(x, shape):
    """np.broadcast_to(x, shape): a read-only view, built directly when ``x`` has as
    many axes as ``shape`` (how a reduction's gradient is spread back), where NumPy's
    Python layers cost several times the view itself; NumPy's own call otherwise (and
    for its errors)."""
    cdef cnp.ndarray a, view
    cdef int k, nd
    cdef cnp.npy_intp d
    cdef cnp.npy_intp dims[cnp.NPY_MAXDIMS]
    cdef cnp.npy_intp strides[cnp.NPY_MAXDIMS]
    if not (cnp.PyArray_CheckExact(x) and type(shape) is tuple):
        return np.broadcast_to(x, shape)
    a = <cnp.ndarray>x
    nd = cnp.PyArray_NDIM(a)
    if len(<tuple>shape) != nd:
        return np.broadcast_to(x, shape)
    for k in range(nd):
        if type((<tuple>shape)[k]) is not int:
            return np.broadcast_to(x, shape)
        d = (<tuple>shape)[k]
        if cnp.PyArray_DIMS(a)[k] == 1 and d >= 0:
            strides[k] = 0  # as NumPy's, also where d is 1
        elif d == cnp.PyArray_DIMS(a)[k]:
            strides[k] = cnp.PyArray_STRIDES(a)[k]
        else:
            return np.broadcast_to(x, shape)
        dims[k] = d
    descr = a.dtype
    Py_INCREF(descr)  # NewFromDescr steals a reference to it
    # flags 0: not writeable, as np.broadcast_to's views are
    view = _new_from_descr(np.ndarray, descr, nd, dims, strides, cnp.PyArray_DATA(a), 0,
                           None)
    cnp.set_array_base(view, a)  # the view keeps x's memory alive
    return view
