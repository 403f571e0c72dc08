"""Ops that only the np namespace has: matmul, einsum, cumsum, var/std, arg-reductions,
truth reductions, array_split, tril/triu, full_like and NumPy's choice and
multinomial; np names (and NumPy's signatures) of ops defined elsewhere. (np.pad is
ndgrad/numpy's composition of nd's pad op.)"""

import numpy as np

from ndgrad import random as _random
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.elementwise import _zero_grad
from ndgrad.ops.reduce import _count, _spread, mean
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops.shape import broadcast_to, concat, expand_dims, getitem, reshape, transpose

_CUSTOM = GradTest("custom")


# ---- matmul ---------------------------------------------------------------------------

def _matmul(lhs, rhs):
    """Matrix product of the last two axes, broadcasting the others (NumPy's matmul;
    1-d operands act as a row / a column).

        >>> np.matmul(np.ones((2, 2, 3)), np.ones((3, 5))).shape
        (2, 2, 5)
    """
    return np.matmul(lhs, rhs)


def _mT(x):
    """Swap the last two axes."""
    return transpose(x, axes=tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def _as_matrices(g, a, b):
    """The gradient and the operands as matrices (1-d ones get their axis back)."""
    if b.ndim == 1:
        g = expand_dims(g, axis=-1)
        b = reshape(b, shape=(-1, 1))
    if a.ndim == 1:
        g = expand_dims(g, axis=-2)
        a = reshape(a, shape=(1, -1))
    return g, a, b


def _matmul_lhs(g, ans, a, b):
    g2, a2, b2 = _as_matrices(g, a, b)
    ga = matmul(g2, _mT(b2))
    return getitem(ga, index=(Ellipsis, 0, slice(None))) if a.ndim == 1 else ga


def _matmul_rhs(g, ans, a, b):
    g2, a2, b2 = _as_matrices(g, a, b)
    gb = matmul(_mT(a2), g2)
    return getitem(gb, index=(Ellipsis, 0)) if b.ndim == 1 else gb


matmul = defop("matmul", _matmul, (_matmul_lhs, _matmul_rhs), inputs=("lhs", "rhs"),
               np=("matmul",), doc=_matmul.__doc__, test=_CUSTOM)


# ---- einsum ---------------------------------------------------------------------------

def _explicit(subscripts, shapes):
    """Operand and output letters of an einsum, with '...' spelled out in letters."""
    spec = subscripts.replace(" ", "")
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    if len(ins) != len(shapes):
        raise ValueError(f"einsum: {len(ins)} operands in {subscripts!r} but "
                         f"{len(shapes)} arrays")
    import string  # here: only einsum's '...' needs it
    free = [c for c in string.ascii_letters if c not in spec]
    widths = [len(s) - len(t.replace("...", "")) for t, s in zip(ins, shapes)]
    wide = max(widths)
    ins = [t.replace("...", "".join(free[wide - w:wide])) for t, w in zip(ins, widths)]
    if arrow:
        out = out.replace("...", "".join(free[:wide]))
    else:  # NumPy's implicit output: broadcast axes, then letters seen once, sorted
        letters = "".join(ins)
        out = "".join(free[:wide]) + "".join(sorted(
            c for c in set(letters) if letters.count(c) == 1 and c not in free[:wide]))
    return ins, out


def _einsum(*operands, subscripts):
    """Einstein summation over ``subscripts`` (NumPy's einsum; the gradient of an
    operand whose subscripts repeat a letter, a diagonal, is not supported).

        >>> np.einsum("ij,j->i", np.ones((2, 3)), np.arange(3))
        array([3., 3.])
    """
    ins, out = _explicit(subscripts, [np.shape(o) for o in operands])
    return np.einsum(",".join(ins) + "->" + out, *operands)


def _einsum_vjp(g, ans, *operands, argnums, subscripts):
    ins, out = _explicit(subscripts, [o.shape for o in operands])
    return [_einsum_grad(g, operands, ins, out, k) for k in argnums]


def _einsum_grad(g, operands, ins, out, argnum):
    mine = ins[argnum]
    if len(set(mine)) != len(mine):
        raise NotImplementedError(f"einsum: the gradient for operand {argnum} "
                                  f"({mine!r}) takes a diagonal; not supported yet")
    others = [t for k, t in enumerate(ins) if k != argnum]
    seen = set(out).union(*others)
    kept = "".join(c for c in mine if c in seen)
    rest = [o for k, o in enumerate(operands) if k != argnum]
    grad = einsum(g, *rest, subscripts=",".join([out] + others) + "->" + kept)
    if kept == mine:
        return grad
    # Letters only this operand has were summed in the forward: spread g over them.
    shape = operands[argnum].shape
    grad = reshape(grad, shape=tuple(d if c in seen else 1 for c, d in zip(mine, shape)))
    return broadcast_to(grad, shape=shape)


einsum = defop("einsum", _einsum, (_einsum_vjp,), inputs=("operands",), variadic=True,
               np=("einsum",),
               np_args=lambda subscripts, *operands, optimize=False:
                   (operands, {"subscripts": subscripts}),
               doc=_einsum.__doc__, test=_CUSTOM)


# ---- cumulative sums and moments --------------------------------------------------------

def _cumsum(data, axis=None):
    """Cumulative sum along ``axis`` (of the flattened array by default).

        >>> np.cumsum(np.array([[1., 2], [3, 4]]), axis=0)
        array([[1., 2.],
               [4., 6.]])
    """
    return np.cumsum(data, axis=axis)


def _reversed(x, axis):
    return getitem(x, index=(slice(None),) * (axis % x.ndim) + (slice(None, None, -1),))


def _cumsum_vjp(g, ans, x, axis=None):
    # Each input element feeds every later output: a cumulative sum from the end.
    flat = 0 if axis is None else axis
    g = _reversed(cumsum(_reversed(g, flat), axis=flat), flat)
    return reshape(g, shape=x.shape) if axis is None else g


def _np_cumsum(a, axis=None, dtype=None):
    if dtype is not None:
        a = a.astype(dtype)
    return (a,), {"axis": axis}


cumsum = defop("cumsum", _cumsum, (_cumsum_vjp,), save_inputs=False, np=("cumsum",),
               np_args=_np_cumsum, doc=_cumsum.__doc__,
               test=GradTest("elementwise", kwargs={"axis": None}))


def _var(data, axis=None, ddof=0, keepdims=False):
    """Variance over ``axis`` (all axes by default), dividing by N - ddof.

        >>> np.var(np.array([1., 2, 3, 4]))
        array(1.25)
    """
    return np.var(data, axis=axis, ddof=ddof, keepdims=keepdims)


def _var_vjp(g, ans, x, axis=None, ddof=0, keepdims=False):
    centred = x - mean(x, axis=axis, keepdims=True)
    return _spread(g, x, axis) * centred * (2.0 / (_count(x, axis) - ddof))


def _std(data, axis=None, ddof=0, keepdims=False):
    """Standard deviation over ``axis`` (all axes by default), dividing by N - ddof.

        >>> np.std(np.array([[1., 5, 3], [4, 2, 6]]), axis=0)
        array([1.5, 1.5, 1.5])
    """
    return np.std(data, axis=axis, ddof=ddof, keepdims=keepdims)


def _moment_args(a, axis=None, dtype=None, *, ddof=0, keepdims=False, where=None):
    a = npc.cast(a, dtype)
    args, kwargs = npc._reduce("var/std", a, axis, keepdims, where=where)
    return args, {**kwargs, "ddof": ddof}


var = defop("var", _var, (_var_vjp,), np=("var",), np_args=_moment_args,
            doc=_var.__doc__, test=GradTest("reduce"))
std = defop("std", _std,
            (lambda g, ans, x, axis=None, ddof=0, keepdims=False:
             # where std is 0 the subgradient 0 is used (the formula gives 0/0)
             _var_vjp(g / (2.0 * (ans + (ans == 0))), None, x, axis, ddof, keepdims),),
            np=("std",), np_args=_moment_args, save_output=True, doc=_std.__doc__,
            test=_CUSTOM)  # values spread apart: std has a kink at zero variance


# ---- splitting and triangles ---------------------------------------------------------

def _array_split(data, indices_or_sections, axis=0):
    """Split into pieces along ``axis``: ``sections`` equal ones (as far as they
    divide; NumPy's array_split), or at the given indices.

        >>> np.array_split(np.arange(5), 2)
        [array([0., 1., 2.]), array([3., 4.])]
    """
    return tuple(np.array_split(data, indices_or_sections, axis=axis))


def _np_split(ary, indices_or_sections, axis=0):
    if np.ndim(indices_or_sections) == 0 and ary.shape[axis] % indices_or_sections:
        raise ValueError(f"split: an axis of length {ary.shape[axis]} does not divide "
                         f"into {indices_or_sections} equal parts (use array_split)")
    return (ary,), {"indices_or_sections": indices_or_sections, "axis": axis}


array_split = defop("array_split", _array_split,
                    (lambda g, ans, x, indices_or_sections, axis=0: concat(*g, dim=axis),),
                    save_inputs=False, np=("split", "array_split"),
                    np_args={"split": _np_split}, doc=_array_split.__doc__, test=_CUSTOM)


def _triangle(name, fn, doc):
    op = defop(name, lambda data, k=0: fn(data, k),
               (lambda g, ans, x, k=0: op(g, k=k),), save_inputs=False,
               np=(name,), np_args=lambda m, k=0: ((m,), {"k": k}), doc=doc,
               test=_CUSTOM)
    return op


tril = _triangle("tril", np.tril, "The lower triangle (on and below diagonal k).\n\n"
                 "    >>> np.tril(np.ones((2, 2)))\n"
                 "    array([[1., 0.],\n           [1., 1.]])")
triu = _triangle("triu", np.triu, "The upper triangle (on and above diagonal k).\n\n"
                 "    >>> np.triu(np.ones((2, 2)), 1)\n"
                 "    array([[0., 1.],\n           [0., 0.]])")


# ---- rounding -------------------------------------------------------------------------

def _round(data, decimals=0):
    """Round to ``decimals`` decimals, halves to even (NumPy's round; nd's round
    rounds halves away from zero). Its gradient is zero.

        >>> np.round(np.array([0.5, 1.5, 2.5]))
        array([0., 2., 2.])
    """
    return np.round(data, decimals) + 0  # -0.0 becomes 0.0, as MXNet prints it


round_ = defop("np_round", _round, (_zero_grad,),
               np=("round", "around"), np_args=npc.round_, doc=_round.__doc__,
               test=GradTest("elementwise", avoid=(-1.5, -0.5, 0.5, 1.5)))


# ---- reductions without a gradient -------------------------------------------------------

def _nondiff(name, fn, doc, adapter):
    def forward(data, axis=None, keepdims=False):
        return fn(data, axis=axis, keepdims=keepdims)
    forward.__doc__ = doc
    return defop(name, forward, np=(name,), np_args=adapter, differentiable=False)


argmax = _nondiff("argmax", np.argmax, "Index (int64) of the largest element along "
                  "``axis`` (of the flattened array if None); the first one on ties.\n\n"
                  "    >>> np.argmax(np.array([[1., 5], [3, 2]]), axis=1)\n"
                  "    array([1, 0], dtype=int64)", npc.position)
argmin = _nondiff("argmin", np.argmin, "Index (int64) of the smallest element along "
                  "``axis`` (of the flattened array if None); the first one on ties.\n\n"
                  "    >>> np.argmin(np.array([3., 1, 2]))\n"
                  "    array(1, dtype=int64)", npc.position)
all_ = _nondiff("all", np.all, "Whether every element along ``axis`` is nonzero.\n\n"
                "    >>> np.all(np.array([[1., 0], [2, 3]]), axis=1)\n"
                "    array([False,  True])", npc.truth)
any_ = _nondiff("any", np.any, "Whether some element along ``axis`` is nonzero.\n\n"
                "    >>> np.any(np.array([[1., 0], [0, 0]]), axis=1)\n"
                "    array([ True, False])", npc.truth)


def _nonzero(data):
    """The indices (int64) of the nonzero elements, one array per axis; also
    ``np.where(condition)`` with one argument.

        >>> np.nonzero(np.array([[1., 0], [0, 2]]))
        (array([0, 1], dtype=int64), array([0, 1], dtype=int64))
    """
    return tuple(np.nonzero(data))


nonzero = defop("nonzero", _nonzero, np=("nonzero",), differentiable=False)


# ---- creation ---------------------------------------------------------------------------

def _full_like(data, fill_value, dtype=None):
    """An array like ``data`` (shape, and dtype unless given) filled with fill_value.

        >>> np.full_like(np.ones(2), 3)
        array([3., 3.])
    """
    return np.full_like(data, fill_value, dtype=dtype)


full_like = defop("full_like", _full_like, np=("full_like",),
                  np_args=lambda a, fill_value, dtype=None: ((a, fill_value),
                                                             {"dtype": dtype}),
                  differentiable=False)


# ---- samplers ---------------------------------------------------------------------------

def _choice(a, size=None, replace=True, p=None):
    """Samples from ``arange(a)`` (or from the 1-d array ``a``), uniform or by ``p``.

        >>> np.random.choice(4, size=(2,)).dtype
        dtype('int64')
    """
    return np.asarray(_random.generator().choice(a, size, replace, p))


def _multinomial(n, pvals, size=None):
    """Counts of ``n`` draws over the categories of probabilities ``pvals``.

        >>> int(np.random.multinomial(10, [0.5, 0.5]).sum())
        10
    """
    return _random.generator().multinomial(n, np.asarray(pvals, dtype=np.float64), size)


choice = defop("random_choice", _choice, inputs=("a",), np=("random.choice",),
               differentiable=False)
multinomial = defop("random_multinomial", _multinomial, inputs=(),
                    np=("random.multinomial",), differentiable=False)


# ---- np names of ops whose defop gives them none --------------------------------------
# The op is the one defined elsewhere; only its NumPy name (and where NumPy's result
# differs, an adapter) is added here.

def _np_name(op_name, *names, adapter=None):
    """Give op ``op_name`` the np ``names`` (it may have them already), with
    ``adapter`` (NumPy's signature) for them."""
    from ndgrad.ops.registry import REGISTRY
    spec = REGISTRY[op_name]
    spec.np = spec.np + tuple(n for n in names if n not in spec.np)
    if adapter is None:
        return
    old = spec.np_args
    if not isinstance(old, dict):  # one adapter (or none) for every name so far
        old = {n: old for n in spec.np if old is not None and n not in names}
    spec.np_args = {**old, **{n: adapter for n in names}}


def _as_bool(x):
    if hasattr(x, "astype"):
        return x.astype(bool)
    return np.asarray(x, dtype=bool)


def _logical_args(x1, x2):
    """NumPy's logical function: a bool array (from the truth of each element), with
    broadcasting; its gradient is zero.

        >>> np.logical_and(np.array([0., 1, 2]), np.array([1., 0, 3]))
        array([False, False,  True])
    """
    return (_as_bool(x1), _as_bool(x2)), {}


def _logical_not_args(x):
    """Elementwise not of the truth of x, as a bool array; its gradient is zero.

        >>> np.logical_not(np.array([0., 1, 2]))
        array([ True, False, False])
    """
    return (_as_bool(x),), {}


def _rint_args(x):
    """Round to the nearest integer, halves downwards, as MXNet's np.rint (NumPy rounds
    halves to even); its gradient is zero.

        >>> np.rint(np.array([-0.5, 0.5, 1.5, 1.7]))
        array([-1.,  0.,  1.,  2.])
    """
    if getattr(x, "dtype", None) == np.bool_:
        x = npc.cast(x, npc.default_float())  # floats from bools: the default float
    return (x,), {}


_np_name("rint", "rint", adapter=_rint_args)
for _op in ("logical_and", "logical_or", "logical_xor"):
    _np_name(_op, _op, adapter=_logical_args)
_np_name("logical_not", "logical_not", adapter=_logical_not_args)


# NumPy's signatures (argument names and order, dtype=) for ops defined with nd's.
_np_name("sum", "sum", adapter=npc.sum_)
_np_name("prod", "prod", adapter=npc.prod_)
_np_name("mean", "mean", adapter=npc.mean)
_np_name("max", "max", "amax", adapter=npc.amax)
_np_name("min", "min", "amin", adapter=npc.amin)
_np_name("sort", "sort", adapter=npc.sort)
_np_name("transpose", "transpose", adapter=npc.transpose)
_np_name("expand_dims", "expand_dims", adapter=npc.expand_dims)
_np_name("copy", "copy", adapter=npc.copy)
_np_name("tile", "tile", adapter=npc.tile)
_np_name("repeat", "repeat", adapter=npc.repeat)
_np_name("clip", "clip", adapter=npc.clip)
_np_name("broadcast_to", "broadcast_to", adapter=npc.broadcast_to)
_np_name("zeros_like", "zeros_like", adapter=npc.zeros_like)
_np_name("zeros_like", "empty_like", adapter=npc.empty_like)
_np_name("ones_like", "ones_like", adapter=npc.ones_like)
_np_name("random_shuffle", "random.permutation", adapter=npc.permutation)


# ---- floor division and bitwise ops (the np array's // & | ^ ~) -----------------------

def _floor_divide(lhs, rhs):
    """The floor of lhs / rhs, elementwise with broadcasting (Python's //); its
    gradient is zero (it is piecewise constant).

        >>> np.floor_divide(np.array([7., -7.]), 2)
        array([ 3., -4.])
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(lhs, rhs)


floor_divide = defop("floor_divide", _floor_divide,
                     (_zero_grad, lambda g, ans, a, b: _zero_grad(g, ans, b)),
                     inputs=("x1", "x2"), np=("floor_divide",), doc=_floor_divide.__doc__)
# (no generated gradient test: the sampler's values cross the jumps; tests/test_np.py)


def _bitwise(name, ufunc, symbol, example, result):
    def forward(*xs):
        return ufunc(*xs)
    forward.__doc__ = (f"Bitwise {name.replace('bitwise_', '')} ({symbol}) of integer or "
                       f"bool arrays (logical for bools), with broadcasting.\n\n"
                       f"    >>> {example}\n    {result}")
    inputs = ("x",) if ufunc is np.invert else ("x1", "x2")
    names = (name, "bitwise_not") if ufunc is np.invert else (name,)
    return defop(name, forward, inputs=inputs, np=names, differentiable=False)


bitwise_and = _bitwise("bitwise_and", np.bitwise_and, "&",
                       "np.bitwise_and(np.array([12, 10], dtype='int32'), 6)",
                       "array([4, 2], dtype=int32)")
bitwise_or = _bitwise("bitwise_or", np.bitwise_or, "|",
                      "np.bitwise_or(np.array([1, 2], dtype='int32'), 4)",
                      "array([5, 6], dtype=int32)")
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor, "^",
                       "np.bitwise_xor(np.array([12, 10], dtype='int32'), 6)",
                       "array([10, 12], dtype=int32)")
invert = _bitwise("invert", np.invert, "~", "np.invert(np.arange(3) > 0)",
                  "array([ True, False, False])")
