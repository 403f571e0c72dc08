"""Typed loops where they beat NumPy: fused backward kernels and summing to a shape.

A single elementwise pass in a plain loop only matches NumPy (which uses SIMD); what
pays is fusing several NumPy passes into one and skipping NumPy's per-call overhead on
small arrays. Each entry point checks dtype, shape and contiguity itself and works on
raw data pointers (cheaper to call than typed memoryviews); anything else falls back to
the NumPy expression, which is the reference the tests compare against.
"""
cimport numpy as cnp
import numpy as np

cnp.import_array()

ctypedef fused floating:
    float
    double


cdef inline bint _fast(cnp.ndarray a, cnp.ndarray b):
    """Same dtype (float32/float64), same shape, both C-contiguous."""
    if cnp.PyArray_TYPE(a) != cnp.PyArray_TYPE(b):
        return False
    if cnp.PyArray_TYPE(a) != cnp.NPY_FLOAT32 and cnp.PyArray_TYPE(a) != cnp.NPY_FLOAT64:
        return False
    if not (cnp.PyArray_IS_C_CONTIGUOUS(a) and cnp.PyArray_IS_C_CONTIGUOUS(b)):
        return False
    return cnp.PyArray_SAMESHAPE(a, b)


cdef void _tanh_grad(floating* g, floating* t, floating* out, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = g[i] * (1 - t[i] * t[i])


cdef void _sigmoid_grad(floating* g, floating* s, floating* out, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = g[i] * s[i] * (1 - s[i])


cdef void _relu_grad(floating* g, floating* x, floating* out, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        out[i] = g[i] if x[i] > 0 else 0


# Above this many elements the loops run without the GIL, so other threads proceed.
cdef enum:
    NOGIL_MIN = 16384

ctypedef void (*kernel32)(float*, float*, float*, Py_ssize_t) noexcept nogil
ctypedef void (*kernel64)(double*, double*, double*, Py_ssize_t) noexcept nogil


cdef cnp.ndarray _run(kernel32 k32, kernel64 k64, cnp.ndarray g, cnp.ndarray x):
    cdef cnp.ndarray out = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(g), cnp.PyArray_DIMS(g),
                                             cnp.PyArray_TYPE(g), 0)
    cdef Py_ssize_t n = cnp.PyArray_SIZE(g)
    cdef void* pg = cnp.PyArray_DATA(g)
    cdef void* px = cnp.PyArray_DATA(x)
    cdef void* po = cnp.PyArray_DATA(out)
    if cnp.PyArray_TYPE(g) == cnp.NPY_FLOAT32:
        if n >= NOGIL_MIN:
            with nogil:
                k32(<float*>pg, <float*>px, <float*>po, n)
        else:
            k32(<float*>pg, <float*>px, <float*>po, n)
    else:
        if n >= NOGIL_MIN:
            with nogil:
                k64(<double*>pg, <double*>px, <double*>po, n)
        else:
            k64(<double*>pg, <double*>px, <double*>po, n)
    return out


def tanh_grad(g, t):
    """g * (1 - t*t), the gradient of tanh given its output t."""
    if type(g) is np.ndarray and type(t) is np.ndarray and _fast(g, t):
        return _run(_tanh_grad[float], _tanh_grad[double], g, t)
    return g * (1 - t * t)


def sigmoid_grad(g, s):
    """g * s * (1 - s), the gradient of the logistic function given its output s."""
    if type(g) is np.ndarray and type(s) is np.ndarray and _fast(g, s):
        return _run(_sigmoid_grad[float], _sigmoid_grad[double], g, s)
    return g * s * (1 - s)


def relu_grad(g, x):
    """g where x > 0, else 0."""
    if type(g) is np.ndarray and type(x) is np.ndarray and _fast(g, x):
        return _run(_relu_grad[float], _relu_grad[double], g, x)
    return np.where(x > 0, g, 0).astype(np.result_type(g, x), copy=False)


def sum_to(g, shape):
    """Sum ``g`` over the axes it was broadcast along, so that it has ``shape``.

    Raises ValueError if ``shape`` does not broadcast to ``g.shape``.
    """
    shape = tuple(shape)
    g = np.asarray(g)
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum shape {g.shape} to {shape}")
    axes = list(range(lead))
    for i, s in enumerate(shape):
        d = g.shape[lead + i]
        if s == 1 and d != 1:
            axes.append(lead + i)
        elif s != d:
            raise ValueError(f"cannot sum shape {g.shape} to {shape}")
    if axes:
        g = g.sum(axis=tuple(axes), keepdims=True)
    return g.reshape(shape)
