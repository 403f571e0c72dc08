"""Contractions. ``tensordot`` carries the gradient; dot front ends reduce to it."""
import numpy as np

from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.shape import transpose


def _axes_pairs(axes, a_ndim):
    """Normalise ``axes`` (an int N, or two sequences) to two tuples of axis numbers."""
    if np.ndim(axes) == 0:
        n = int(axes)
        return tuple(range(a_ndim - n, a_ndim)), tuple(range(n))
    a_axes, b_axes = axes
    a_axes = (a_axes,) if np.ndim(a_axes) == 0 else tuple(a_axes)
    b_axes = (b_axes,) if np.ndim(b_axes) == 0 else tuple(b_axes)
    return a_axes, b_axes


def _tensordot(lhs, rhs, axes=2):
    """Sum products over ``axes`` of lhs and rhs (NumPy's tensordot)."""
    if np.ndim(axes) == 0 and int(axes) == 1 and 1 <= lhs.ndim <= 2 and 1 <= rhs.ndim <= 2:
        return np.dot(lhs, rhs)  # the common matrix case, without tensordot's reshapes
    return np.tensordot(lhs, rhs, axes)


def _permuted(x, order):
    """Transpose so that axis ``order[k]`` of the result is axis k of ``x``."""
    if list(order) == sorted(order):
        return x
    return transpose(x, tuple(np.argsort(order).tolist()))


def _grad_lhs(g, ans, a, b, axes=2):
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
    ia, ib = _axes_pairs(axes, a.ndim)
    ia = [i % a.ndim for i in ia]
    ib = [i % b.ndim for i in ib]
    fa = [i for i in range(a.ndim) if i not in ia]
    raw = tensordot(a, g, (fa, list(range(len(fa)))))
    order = [ib[k] for k in sorted(range(len(ia)), key=lambda k: ia[k])]
    order += [i for i in range(b.ndim) if i not in ib]
    return _permuted(raw, order)


def _nd_dot(lhs, rhs, transpose_a=False, transpose_b=False):
    """MXNet's dot: contract the last axis of lhs with the first axis of rhs, after
    reversing the axes of either if asked; 1-d . 1-d gives an array of shape (1,)."""
    if transpose_a:
        lhs = transpose(lhs)
    if transpose_b:
        rhs = transpose(rhs)
    if lhs.shape[-1:] != rhs.shape[:1]:
        raise ValueError(f"dot: shapes {lhs.shape} and {rhs.shape} do not contract (the "
                         "last axis of lhs must match the first axis of rhs)")
    return (lhs, rhs), {"axes": 1}


tensordot = defop("tensordot", _tensordot, (_grad_lhs, _grad_rhs), inputs=("lhs", "rhs"),
                  nd=("dot",), nd_args=_nd_dot, doc=_nd_dot.__doc__,
                  np=("dot", "tensordot", "inner", "outer", "vdot"),
                  np_args={"dot": npc.dot, "tensordot": npc.tensordot, "inner": npc.inner,
                           "outer": npc.outer, "vdot": npc.vdot},
                  test=GradTest("matrix"))
