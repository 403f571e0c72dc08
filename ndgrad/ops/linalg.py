"""Contractions. ``tensordot`` carries the gradient; dot front ends reduce to it."""
import numpy as np

from ndgrad.ops.axes import normalize_axes
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.shape import transpose


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
    if _is_count(axes):
        if int(axes) == 1 and 1 <= lhs.ndim <= 2 and 1 <= rhs.ndim <= 2:
            return np.dot(lhs, rhs)  # the common matrix case, without tensordot's reshapes
    else:
        a_axes, b_axes = _axes_pairs(axes, lhs.ndim)
        axes = (normalize_axes("tensordot", a_axes, lhs.shape, what="lhs"),
                normalize_axes("tensordot", b_axes, rhs.shape, what="rhs"))
    return np.tensordot(lhs, rhs, axes)


def _permuted(x, order):
    """Transpose so that axis ``order[k]`` of the result is axis k of ``x``."""
    if list(order) == sorted(order):
        return x
    return transpose(x, tuple(np.argsort(order).tolist()))


def _matrix_product(axes, a, b):
    return type(axes) is int and axes == 1 and a.ndim == 2 and b.ndim == 2


def _grad_lhs(g, ans, a, b, axes=2):
    if _matrix_product(axes, a, b):  # g @ b.T, without the general bookkeeping
        return tensordot(g, transpose(b), axes=1)
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
    if _matrix_product(axes, a, b):  # a.T @ g
        return tensordot(transpose(a), g, axes=1)
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
    a_axis = 0 if transpose_a else lhs.ndim - 1
    b_axis = rhs.ndim - 1 if transpose_b else 0
    if lhs.ndim == 0 or rhs.ndim == 0 or lhs.shape[a_axis] != rhs.shape[b_axis]:
        raise ValueError(f"dot: shapes {lhs.shape} and {rhs.shape} do not contract (axis "
                         f"{a_axis} of lhs must match axis {b_axis} of rhs; transpose_a="
                         f"{transpose_a}, transpose_b={transpose_b})")
    if not (transpose_a or transpose_b):
        return (lhs, rhs), {"axes": 1}
    return (lhs, rhs), {"axes": ((a_axis,), (b_axis,))}


tensordot = defop("tensordot", _tensordot, (_grad_lhs, _grad_rhs), inputs=("lhs", "rhs"),
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
    if lhs.ndim != 3 or rhs.ndim != 3:
        raise ValueError(f"batch_dot: needs two 3-d arrays (batch, rows, cols), got shapes "
                         f"{lhs.shape} and {rhs.shape}")
    return (lhs, rhs), {"transpose_a": transpose_a, "transpose_b": transpose_b}


matmul = defop("batch_dot", _matmul, (_matmul_lhs, _matmul_rhs), inputs=("lhs", "rhs"),
               nd=("batch_dot",), nd_args=_nd_batch_dot, npx=("batch_dot",),
               npx_args=_nd_batch_dot, doc=_matmul.__doc__,
               test=GradTest("custom"))
gemm2 = defop("linalg_gemm2", _matmul, (_matmul_lhs, _matmul_rhs), inputs=("A", "B"),
              nd=("linalg.gemm2",),
              nd_args=lambda A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-3:
                  ((A, B), {"transpose_a": transpose_a, "transpose_b": transpose_b,
                            "alpha": alpha}),
              doc="alpha * op(A) @ op(B) for (batches of) matrices, op transposing if "
                  "transpose_a / transpose_b.\n\n    >>> nd.linalg.gemm2(nd.ones((2, 3)), "
                  "nd.ones((3, 2)), alpha=2.0)\n    [[6. 6.]\n     [6. 6.]]",
              test=GradTest("custom"))
