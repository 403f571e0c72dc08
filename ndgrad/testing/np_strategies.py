"""Input samplers for the np-only ops (ndgrad/ops/numpy_ops.py, linalg_np.py), used by
``strategies.op_inputs`` for ops whose GradTest kind is 'custom'.

SAMPLERS draw ``(input shapes, keyword arguments)``; the values come from the op's
GradTest domain. PREPARE then gives the linear-algebra inputs the structure their
gradients need (invertible, positive definite, well-separated eigen/singular values)
by adding a large diagonal: a smooth change of the point, not of the op.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

_side = st.integers(1, 3)


def _batch():
    return hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2)


@st.composite
def _matmul(draw):
    batch = draw(_batch())
    n, k, m = draw(_side), draw(_side), draw(_side)
    a = batch + (n, k) if draw(st.booleans()) else (k,)
    b = (k, m) if draw(st.booleans()) else (k,)  # broadcast against a's batch
    return [a, b], {}


_EINSUM = [("ij,jk->ik", ["ij", "jk"]), ("ij->", ["ij"]), ("i,i->", ["i", "i"]),
           ("bij,bjk->bik", ["bij", "bjk"]), ("ij,kj", ["ij", "kj"]),
           ("...ij,...jk->...ik", ["bij", "bjk"]), ("i,j->ij", ["i", "j"]),
           ("ijk->kji", ["ijk"]), ("ij->j", ["ij"]), ("ij,j->i", ["ij", "j"])]


@st.composite
def _einsum(draw):
    subscripts, operands = draw(st.sampled_from(_EINSUM))
    sizes = {c: draw(_side) for c in "bijk"}
    return [tuple(sizes[c] for c in t) for t in operands], {"subscripts": subscripts}


@st.composite
def _array_split(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4))
    axis = draw(st.integers(0, len(shape) - 1))
    if draw(st.booleans()):
        parts = draw(st.integers(1, shape[axis]))
    else:
        parts = sorted(draw(st.lists(st.integers(0, shape[axis]), min_size=1, max_size=3)))
    return [shape], {"indices_or_sections": parts, "axis": axis}


@st.composite
def _triangle(draw):
    shape = draw(hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3))
    return [shape], {"k": draw(st.integers(-1, 1))}


def _square(draw):
    n = draw(_side)
    return draw(_batch()) + (n, n)


@st.composite
def _one_square(draw):
    return [_square(draw)], {}


@st.composite
def _solve(draw):
    a = _square(draw)
    vector = len(a) == 2 and draw(st.booleans())
    return [a, a[-1:] if vector else a[:-1] + (draw(_side),)], {}


@st.composite
def _rectangle(draw, tall=False):
    m, n = draw(_side), draw(_side)
    if tall and m < n:
        m, n = n, m
    return [draw(_batch()) + (m, n)], {}


@st.composite
def _moment(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))
    axis = draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    return [shape], {"axis": axis, "keepdims": draw(st.booleans())}


SAMPLERS = {"std": _moment, "matmul": _matmul, "einsum": _einsum,
            "array_split": _array_split,
            "tril": _triangle, "triu": _triangle, "linalg_inv": _one_square,
            "linalg_det": _one_square, "linalg_slogdet": _one_square,
            "linalg_solve": _solve, "linalg_cholesky": _one_square,
            "linalg_eigh": _one_square, "linalg_pinv": _rectangle,
            "linalg_qr": lambda: _rectangle(tall=True), "linalg_svd": _rectangle}


def _rect_eye(a, scale):
    m, n = a.shape[-2:]
    return np.eye(m, n) * scale


def _dominant(inputs):
    a = inputs[0]
    return [a + _rect_eye(a, 3.0 * max(a.shape[-2:]))] + list(inputs[1:])


def _positive_definite(inputs):
    a = inputs[0]
    return [a @ np.swapaxes(a, -1, -2) + a.shape[-1] * np.eye(a.shape[-1])]


def _spread_diagonal(inputs):
    # Gershgorin: off-diagonal sums stay below 2 (n - 1) < the gaps of 4n.
    a = inputs[0]
    k = min(a.shape[-2:])
    steps = np.zeros(a.shape[-2:])
    steps[np.arange(k), np.arange(k)] = 4.0 * max(a.shape[-2:]) * np.arange(1, k + 1)
    return [a + steps]


def _distinct(inputs):
    # Steps of 5 exceed the domain's width: no two values meet, so no variance is 0
    # over more than one element.
    x = inputs[0]
    return [x + 5.0 * np.arange(x.size).reshape(x.shape)]


def _symmetric_apart(inputs):
    # Off-diagonal entries positive: the symmetric part (A + A^T) / 2 that eigh reads
    # is then no diagonal matrix, where LAPACK's eigenvector signs jump.
    a = inputs[0]
    off = 1.0 - np.eye(a.shape[-1])
    return _spread_diagonal([a * (1.0 - off) + (np.abs(a) + 0.1) * off])


PREPARE = {"std": _distinct, "linalg_inv": _dominant, "linalg_det": _dominant,
           "linalg_slogdet": _dominant,
           "linalg_solve": _dominant, "linalg_pinv": _dominant, "linalg_qr": _dominant,
           "linalg_cholesky": _positive_definite, "linalg_eigh": _symmetric_apart,
           "linalg_svd": _spread_diagonal}
