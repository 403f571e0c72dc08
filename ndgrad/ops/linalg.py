"""Contractions. ``tensordot`` carries the gradient; dot front ends reduce to it."""
import numpy as np

from ndgrad import _kernels
from ndgrad.ops.axes import normalize_axes, normalize_axis
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.indexing import _diag_embed, diag_embed
from ndgrad.ops.shape import expand_dims, transpose


def _is_count(axes):
    """``axes`` is one number (how many axes to contract), not two sequences."""
    return type(axes) is int or np.ndim(axes) == 0


def _axes_pairs(axes, a_ndim):
    """Normalise ``axes`` (an int N, or two sequences) to two tuples of axis numbers."""
    if _is_count(axes):
        n = int(axes)
        return tuple(range(a_ndim - n, a_ndim)), tuple(range(n))
    a_axes, b_axes = axes
    a_axes = (a_axes,) if np.ndim(a_axes) == 0 else tuple(a_axes)
    b_axes = (b_axes,) if np.ndim(b_axes) == 0 else tuple(b_axes)
    return a_axes, b_axes


def _tensordot(lhs, rhs, axes=2):
    """Sum products over ``axes`` of lhs and rhs (NumPy's tensordot)."""
    if type(axes) is int and axes == 1 and 1 <= lhs.ndim <= 2 and 1 <= rhs.ndim <= 2:
        # The matrix case, without tensordot's reshapes: matmul, the BLAS call that
        # _kernels.small_dot (the op's fast forward) makes on small operands.
        return np.matmul(lhs, rhs)
    if not _is_count(axes):
        a_axes, b_axes = _axes_pairs(axes, lhs.ndim)
        axes = (normalize_axes("tensordot", a_axes, lhs.shape, what="lhs"),
                normalize_axes("tensordot", b_axes, rhs.shape, what="rhs"))
    return np.tensordot(lhs, rhs, axes)


def _permuted(x, order):
    """Transpose so that axis ``order[k]`` of the result is axis k of ``x``."""
    if list(order) == sorted(order):
        return x
    return transpose(x, tuple(np.argsort(order).tolist()))


# dot's VJPs test for the matrix case inline: a helper's frame costs more than the test.
def _grad_lhs(g, ans, a, b, axes=2):
    if type(axes) is int and axes == 1 and a.ndim == 2 and b.ndim == 2:  # g @ b.T
        return tensordot(g, b.T, 1)  # .T: NumPy's view in a plain pass, else recorded
    ia, ib = _axes_pairs(axes, a.ndim)
    ia = [i % a.ndim for i in ia]
    ib = [i % b.ndim for i in ib]
    fa = [i for i in range(a.ndim) if i not in ia]
    fb = [i for i in range(b.ndim) if i not in ib]
    # g has a's free axes then b's; contracting b's free axes leaves b's contracted
    # axes in increasing order, each standing for its partner axis of a.
    raw = tensordot(g, b, (list(range(len(fa), len(fa) + len(fb))), fb))
    return _permuted(raw, fa + [ia[k] for k in sorted(range(len(ib)), key=lambda k: ib[k])])


def _grad_rhs(g, ans, a, b, axes=2):
    if type(axes) is int and axes == 1 and a.ndim == 2 and b.ndim == 2:  # a.T @ g
        return tensordot(a.T, g, 1)
    ia, ib = _axes_pairs(axes, a.ndim)
    ia = [i % a.ndim for i in ia]
    ib = [i % b.ndim for i in ib]
    fa = [i for i in range(a.ndim) if i not in ia]
    raw = tensordot(a, g, (fa, list(range(len(fa)))))
    order = [ib[k] for k in sorted(range(len(ia)), key=lambda k: ia[k])]
    order += [i for i in range(b.ndim) if i not in ib]
    return _permuted(raw, order)


def _nd_dot(lhs, rhs, transpose_a=False, transpose_b=False):
    """MXNet's dot: contract the last axis of lhs with the first axis of rhs; 1-d . 1-d
    gives an array of shape (1,). ``transpose_a`` contracts the first axis of lhs
    instead, ``transpose_b`` the last axis of rhs (for n-d arrays MXNet reads them as
    matrices of shape (d0, d1*...*dn): the other axes keep their order).

        >>> nd.dot(nd.ones((4, 3, 2)), nd.ones((4, 5)), transpose_a=True).shape
        (3, 2, 5)
    """
    a, b = lhs.shape, rhs.shape  # read once: each read of an array's is a call
    a_axis = 0 if transpose_a else len(a) - 1
    b_axis = len(b) - 1 if transpose_b else 0
    if not a or not b or a[a_axis] != b[b_axis]:
        raise ValueError(f"dot: shapes {a} and {b} do not contract (axis "
                         f"{a_axis} of lhs must match axis {b_axis} of rhs; transpose_a="
                         f"{transpose_a}, transpose_b={transpose_b})")
    if not (transpose_a or transpose_b):
        return (lhs, rhs), {"axes": 1}
    return (lhs, rhs), {"axes": ((a_axis,), (b_axis,))}


tensordot = defop("tensordot", _tensordot, (_grad_lhs, _grad_rhs), inputs=("lhs", "rhs"),
                  fast=_kernels.small_dot,
                  nd=("dot",), nd_args=_nd_dot, doc=_nd_dot.__doc__,
                  np=("dot", "tensordot", "inner", "outer", "vdot"),
                  np_args={"dot": npc.dot, "tensordot": npc.tensordot, "inner": npc.inner,
                           "outer": npc.outer, "vdot": npc.vdot},
                  test=GradTest("matrix"))


# ---- batched matrix products: batch_dot and linalg.gemm2 -----------------------------
def _mT(x, flag):
    return np.swapaxes(x, -1, -2) if flag else x


def _matmul(lhs, rhs, transpose_a=False, transpose_b=False, alpha=1.0):
    """alpha * op(lhs) @ op(rhs) over the last two axes (the others are batch axes,
    which must agree); op transposes a matrix if its flag is set.

        >>> nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 4, 5))).shape
        (2, 3, 5)
    """
    a, b = _mT(lhs, transpose_a), _mT(rhs, transpose_b)
    if a.ndim < 2 or a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2]:
        raise ValueError(f"shapes {lhs.shape} and {rhs.shape} do not multiply as batches "
                         f"of matrices (transpose_a={transpose_a}, transpose_b={transpose_b})")
    out = np.matmul(a, b)
    return out if alpha == 1.0 else out * alpha


# C = op(A) op(B): dop(A) = g op(B)^T and dop(B) = op(A)^T g, transposed back where
# op transposed; written as products with flags so that they are this op again.
def _matmul_lhs(g, ans, a, b, transpose_a=False, transpose_b=False, alpha=1.0):
    if transpose_a:
        return matmul(b, g, transpose_a=transpose_b, transpose_b=True, alpha=alpha)
    return matmul(g, b, transpose_b=not transpose_b, alpha=alpha)


def _matmul_rhs(g, ans, a, b, transpose_a=False, transpose_b=False, alpha=1.0):
    if transpose_b:
        return matmul(g, a, transpose_a=True, transpose_b=transpose_a, alpha=alpha)
    return matmul(a, g, transpose_a=not transpose_a, alpha=alpha)


def _nd_batch_dot(lhs, rhs, transpose_a=False, transpose_b=False):
    # MXNet: any number of batch axes, the same in both (no broadcasting)
    if lhs.ndim < 3 or lhs.shape[:-2] != rhs.shape[:-2]:
        raise ValueError(f"batch_dot: needs two arrays of at least 3 dims (*batch, rows, "
                         f"cols) with the same batch axes, got shapes {lhs.shape} and "
                         f"{rhs.shape}")
    return (lhs, rhs), {"transpose_a": transpose_a, "transpose_b": transpose_b}


matmul = defop("batch_dot", _matmul, (_matmul_lhs, _matmul_rhs), inputs=("lhs", "rhs"),
               nd=("batch_dot",), nd_args=_nd_batch_dot, npx=("batch_dot",),
               npx_args=_nd_batch_dot, doc=_matmul.__doc__,
               test=GradTest("custom"))
def _nd_gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2):
    # MXNet's axis is that of the matrix rows (the columns are the last axis); only its
    # default, the usual layout, is supported (refused, not ignored, otherwise).
    if normalize_axis("gemm2", axis, A.shape) != A.ndim - 2:
        raise NotImplementedError(
            f"gemm2: axis={axis} is not supported for A of shape {A.shape} (rows must be "
            "the second-to-last axis, axis=-2: move them there with swapaxes)")
    return (A, B), {"transpose_a": transpose_a, "transpose_b": transpose_b,
                    "alpha": alpha}


gemm2 = defop("linalg_gemm2", _matmul, (_matmul_lhs, _matmul_rhs), inputs=("A", "B"),
              nd=("linalg.gemm2",), nd_args=_nd_gemm2,
              doc="alpha * op(A) @ op(B) for (batches of) matrices, op transposing if "
                  "transpose_a / transpose_b.\n\n    >>> nd.linalg.gemm2(nd.ones((2, 3)), "
                  "nd.ones((3, 2)), alpha=2.0)\n    [[6. 6.]\n     [6. 6.]]",
              test=GradTest("custom"))


def _gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0):
    """alpha * op(A) @ op(B) + beta * C for (batches of) matrices, op transposing if
    transpose_a / transpose_b; C has the product's shape.

        >>> nd.linalg.gemm(nd.ones((2, 3)), nd.ones((3, 2)), nd.ones((2, 2)), beta=0.5)
        [[3.5 3.5]
         [3.5 3.5]]
    """
    out = _matmul(A, B, transpose_a, transpose_b, alpha)
    if np.shape(C) != out.shape:
        raise ValueError(f"C has shape {np.shape(C)}, expected {out.shape}, that of "
                         f"op(A) @ op(B) for A of shape {A.shape} and B of shape "
                         f"{B.shape}")
    return out + beta * C


def _nd_gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0,
             axis=-2):
    args, kwargs = _nd_gemm2(A, B, transpose_a, transpose_b, alpha, axis)
    return args + (C,), dict(kwargs, beta=beta)


def _gemm_ab(vjp):
    # A's and B's VJPs are the product's: beta only scales C.
    return lambda g, ans, a, b, c, beta=1.0, **kw: vjp(g, ans, a, b, **kw)


gemm = defop("linalg_gemm", _gemm,
             (_gemm_ab(_matmul_lhs), _gemm_ab(_matmul_rhs),
              lambda g, ans, a, b, c, beta=1.0, **kw: g * beta),
             inputs=("A", "B", "C"), nd=("linalg.gemm",), nd_args=_nd_gemm,
             save_output=False, doc=_gemm.__doc__, test=GradTest("custom"))


# ---- nd.linalg: potrf, syrk, trmm (MXNet's la_op, its gradients) -----------------------
def _square(op, a, also=""):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"linalg_{op}: A must be a (batch of) square matrices, got A of "
                         f"shape {a.shape}{also}")


def _potrf(A, lower=True):
    """The Cholesky factor of a symmetric positive-definite matrix (of each in a
    batch): L lower triangular with A = L L^T, or with ``lower=False`` U upper
    triangular with A = U^T U. Only that triangle of A is read (as LAPACK's potrf);
    the other triangle of the result is zero.

        >>> nd.linalg.potrf(nd.array([[4, 1], [1, 4.25]]))
        [[2.  0. ]
         [0.5 2. ]]
    """
    _square("potrf", A)
    try:
        if lower:
            return np.linalg.cholesky(A)
        return np.swapaxes(np.linalg.cholesky(np.swapaxes(A, -1, -2)), -1, -2)
    except np.linalg.LinAlgError:
        raise ValueError(f"linalg_potrf: A of shape {A.shape} is not positive "
                         "definite (or a matrix of the batch is not)") from None


def _potrf_vjp(g, ans, A, lower=True):
    # MXNet's potrf_backward: dA = 0.5 L^-T copyLTU(L^T dL) L^-1, symmetric (that of
    # the symmetric part, Murray 2016), which linalg.cholesky's gradient also is.
    from ndgrad.ops.linalg_np import _cholesky_vjp
    from ndgrad.ops.numpy_ops import _mT as mT
    return _cholesky_vjp(g, ans, A) if lower else _cholesky_vjp(mT(g), mT(ans), A)


def _syrk(A, transpose=False, alpha=1.0):
    """alpha * A A^T (``transpose``: alpha * A^T A) for a (batch of) matrices.

        >>> nd.linalg.syrk(nd.array([[1, 2, 3], [4, 5, 6]]))
        [[14. 32.]
         [32. 77.]]
    """
    if A.ndim < 2:
        raise ValueError(f"linalg_syrk: A must be a (batch of) matrices, got shape "
                         f"{A.shape}")
    return _matmul(A, A, transpose_a=transpose, transpose_b=not transpose, alpha=alpha)


def _syrk_vjp(g, ans, A, transpose=False, alpha=1.0):
    # MXNet's syrk_backward: alpha (dB + dB^T) A, or alpha A (dB + dB^T) transposed.
    from ndgrad.ops.numpy_ops import _mT as mT
    sym = g + mT(g)
    if transpose:
        return matmul(A, sym, alpha=alpha)
    return matmul(sym, A, alpha=alpha)


def _triangle_of(A, lower):
    return np.tril(A) if lower else np.triu(A)


def _trmm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0):
    """alpha * op(A) B (``rightside``: alpha * B op(A)) for a triangular A, op(A) being
    A^T with ``transpose``; only the lower (``lower=False``: upper) triangle of A is
    read, as BLAS's trmm. Batches of matrices share their leading axes.

        >>> nd.linalg.trmm(nd.array([[1, 0], [1, 1]]), nd.ones((2, 3)), alpha=2.0)
        [[2. 2. 2.]
         [4. 4. 4.]]
    """
    _square("trmm", A, f" (and B of shape {B.shape})")
    k = A.shape[-1]
    if (B.ndim != A.ndim or B.shape[:-2] != A.shape[:-2]
            or B.shape[-1 if rightside else -2] != k):
        side = "columns" if rightside else "rows"
        raise ValueError(f"linalg_trmm: A of shape {A.shape} and B of shape {B.shape} "
                         f"do not multiply (B needs the batch axes of A and {k} {side}; "
                         f"rightside={rightside})")
    T = _triangle_of(A, lower)
    if rightside:
        return _matmul(B, T, transpose_b=transpose, alpha=alpha)
    return _matmul(T, B, transpose_a=transpose, alpha=alpha)


def _trmm_a(g, ans, A, B, transpose=False, rightside=False, lower=True, alpha=1.0):
    # MXNet's trmm_backward: the product's gradient, on the triangle read only.
    from ndgrad.ops.numpy_ops import tril, triu
    if rightside:  # C = B op(T)
        dt = (matmul(g, B, transpose_a=True, alpha=alpha) if transpose
              else matmul(B, g, transpose_a=True, alpha=alpha))
    else:  # C = op(T) B
        dt = (matmul(B, g, transpose_b=True, alpha=alpha) if transpose
              else matmul(g, B, transpose_b=True, alpha=alpha))
    return tril(dt) if lower else triu(dt)


def _trmm_b(g, ans, A, B, transpose=False, rightside=False, lower=True, alpha=1.0):
    from ndgrad.ops.numpy_ops import tril, triu
    T = tril(A) if lower else triu(A)
    if rightside:
        return matmul(g, T, transpose_b=not transpose, alpha=alpha)
    return matmul(T, g, transpose_a=not transpose, alpha=alpha)


# Gradients tested by hand in tests/test_nd_linalg.py (to second order): potrf needs
# symmetric positive-definite inputs, which the generated samplers do not draw.
potrf = defop("linalg_potrf", _potrf, (_potrf_vjp,), inputs=("A",),
              nd=("linalg.potrf",), doc=_potrf.__doc__, save_inputs=False,
              save_output=True)
syrk = defop("linalg_syrk", _syrk, (_syrk_vjp,), inputs=("A",), nd=("linalg.syrk",),
             doc=_syrk.__doc__)
trmm = defop("linalg_trmm", _trmm, (_trmm_a, _trmm_b), inputs=("A", "B"),
             nd=("linalg.trmm",), doc=_trmm.__doc__)


# ---- nd.linalg: diagonals of the last two axes ------------------------------------------
def _extractdiag(A, offset=0):
    """Diagonal ``offset`` (above the main one if positive) of each matrix of A, over its
    last two axes.

        >>> nd.linalg.extractdiag(nd.array([[1, 2], [3, 4]]), offset=1)
        [2.]
    """
    if A.ndim < 2:
        raise ValueError(f"linalg_extractdiag: A must be a (batch of) matrices, got A of "
                         f"shape {A.shape}")
    return np.diagonal(A, offset, -2, -1).copy()


def _makediag(A, offset=0):
    """Matrices with the last axis of A on diagonal ``offset``, zeros elsewhere: an A
    of shape (..., n) gives (..., n + |offset|, n + |offset|).

        >>> nd.linalg.makediag(nd.array([1, 2]))
        [[1. 0.]
         [0. 2.]]
    """
    n = A.shape[-1] + abs(offset)
    return _diag_embed(A, A.shape[:-1] + (n, n), k=offset, axis1=A.ndim - 1, axis2=A.ndim)


def _sumlogdiag(A):
    """The sum of the logs of the main diagonal of each square matrix of A (the log
    determinant of a triangular factor).

        >>> nd.linalg.sumlogdiag(nd.array([[2, 0], [1, 4]]))
        [2.0794415]
    """
    _square("sumlogdiag", A)
    return np.log(np.diagonal(A, 0, -2, -1)).sum(axis=-1)


def _embed_last(g, shape, offset=0):
    """g on diagonal ``offset`` of the last two axes of zeros of ``shape``."""
    return diag_embed(g, shape=shape, k=offset, axis1=len(shape) - 2, axis2=len(shape) - 1)


extractdiag = defop("linalg_extractdiag", _extractdiag,
                    (lambda g, ans, A, offset=0: _embed_last(g, A.shape, offset),),
                    inputs=("A",), nd=("linalg.extractdiag",), save_inputs=False,
                    doc=_extractdiag.__doc__, test=GradTest("custom"))
makediag = defop("linalg_makediag", _makediag,
                 (lambda g, ans, A, offset=0: extractdiag(g, offset=offset),),
                 inputs=("A",), nd=("linalg.makediag",), save_inputs=False,
                 doc=_makediag.__doc__, test=GradTest("custom"))
sumlogdiag = defop("linalg_sumlogdiag", _sumlogdiag,
                   (lambda g, ans, A: _embed_last(
                       expand_dims(g, axis=-1) / extractdiag(A), A.shape),),
                   inputs=("A",), nd=("linalg.sumlogdiag",), doc=_sumlogdiag.__doc__,
                   test=GradTest("custom", domain=((0.5, 2.0),)))
