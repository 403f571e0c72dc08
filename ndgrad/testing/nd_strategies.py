"""Input samplers for the nd operator surface (ndgrad/ops/{reduce,shape,indexing}.py),
used by ``strategies.op_inputs`` for ops whose GradTest kind is 'custom'.

Each sampler draws ``(inputs, keyword arguments)``: an input is a shape (its values
are drawn from the op's GradTest domain) or a NumPy array of values, for ops that
must not see ties (max, sort, topk: their gradient jumps there). Index arrays are
keyword arguments, so the numeric check never perturbs them. Shapes stay small.
"""
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def _shape(min_dims=1, max_dims=3, max_side=3):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                            max_side=max_side)


@st.composite
def _distinct(draw, shape):
    """Values 0.1 apart (then shuffled): no two within a numeric step of each other."""
    n = int(np.prod(shape))
    order = np.array(draw(st.permutations(range(n))), dtype=np.float64)
    return (order * 0.1 - 0.05 * n).reshape(shape)


def _axis(draw, ndim, none=False):
    choices = st.integers(-ndim, ndim - 1)
    return draw(st.none() | choices) if none else draw(choices)


@st.composite
def _extreme(draw):  # max, min
    shape = draw(_shape())
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1) |
                st.just(tuple(range(len(shape)))))
    return [draw(_distinct(shape))], {"axis": axis, "keepdims": draw(st.booleans())}


@st.composite
def _position(draw):  # argmax, argmin
    shape = draw(_shape())
    return [draw(_distinct(shape))], {"axis": _axis(draw, len(shape), none=True),
                                      "keepdims": draw(st.booleans())}


@st.composite
def _norm(draw):
    shape = draw(_shape())
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    return [shape], {"ord": draw(st.sampled_from([1, 2])), "axis": axis,
                     "keepdims": draw(st.booleans())}


@st.composite
def _sorting(draw):  # sort, argsort
    shape = draw(_shape())
    return [draw(_distinct(shape))], {"axis": _axis(draw, len(shape), none=True),
                                      "is_ascend": draw(st.booleans())}


@st.composite
def _topk(draw):
    shape = draw(_shape())
    axis = _axis(draw, len(shape), none=True)
    n = int(np.prod(shape)) if axis is None else shape[axis]
    return [draw(_distinct(shape))], {
        "axis": axis, "k": draw(st.integers(1, n)), "is_ascend": draw(st.booleans()),
        "ret_typ": draw(st.sampled_from(["value", "both", "indices", "mask"]))}


def _positions(draw, n, shape):
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(0, n - 1)))


@st.composite
def _take_along(draw, put=False):
    shape = draw(_shape())
    ax = _axis(draw, len(shape)) % len(shape)
    lanes = shape[:ax] + (draw(st.integers(1, 3)),) + shape[ax + 1:]
    idx = _positions(draw, shape[ax], lanes)
    if put:
        return [lanes], {"indices": idx, "axis": ax, "shape": shape}
    return [shape], {"indices": idx, "axis": ax}


@st.composite
def _pick(draw):
    shape = draw(_shape())
    ax = _axis(draw, len(shape))
    keepdims = draw(st.booleans())
    lanes = list(shape)
    lanes[ax] = 1
    n = shape[ax]
    # Float indices, some out of range: 'clip' and 'wrap' bring them back.
    idx = draw(hnp.arrays(np.float64, tuple(lanes) if keepdims else
                          tuple(lanes[:ax % len(shape)] + lanes[ax % len(shape) + 1:]),
                          elements=st.integers(-n, 2 * n - 1).map(float)))
    return [shape], {"index": idx, "axis": ax, "keepdims": keepdims,
                     "mode": draw(st.sampled_from(["clip", "wrap"]))}


@st.composite
def _take(draw, grad=False):
    shape = draw(_shape())
    ax = _axis(draw, len(shape)) % len(shape)
    idx_shape = draw(_shape(min_dims=0, max_dims=2))
    idx = _positions(draw, shape[ax], idx_shape)
    if grad:
        g_shape = shape[:ax] + idx_shape + shape[ax + 1:]
        return [g_shape], {"indices": idx, "axis": ax, "shape": shape}
    return [shape], {"indices": idx.astype(np.float64), "axis": ax,
                     "mode": draw(st.sampled_from(["clip", "wrap"]))}


@st.composite
def _gather_nd(draw, scatter=False):
    shape = draw(_shape(max_side=4))
    m = draw(st.integers(1, len(shape)))
    k = draw(st.integers(1, 4))
    cells = list(np.ndindex(*shape[:m]))
    picks = draw(st.lists(st.sampled_from(cells), min_size=1, max_size=k,
                          unique=scatter))  # a scatter with repeats keeps one value
    idx = np.array(picks, dtype=np.int64).T.astype(np.float64)
    if scatter:
        return [(len(picks),) + shape[m:]], {"indices": idx, "shape": shape}
    return [shape], {"indices": idx}


@st.composite
def _diag(draw, embed=False):
    ndim = draw(st.integers(2 if embed else 1, 3))
    shape = draw(_shape(min_dims=ndim, max_dims=ndim))
    if ndim == 1:
        return [shape], {"k": draw(st.integers(-1, 1))}
    a1, a2 = draw(st.permutations(range(ndim)))[:2]
    k = draw(st.integers(-shape[a1] + 1, shape[a2] - 1))
    if embed:
        diagonal = np.diagonal(np.zeros(shape), k, a1, a2).shape
        return [diagonal], {"shape": shape, "k": k, "axis1": a1, "axis2": a2}
    return [shape], {"k": k, "axis1": a1, "axis2": a2}


@st.composite
def _view(draw):  # slice, slice_axis, slice_like, flip: getitem with basic slices
    shape = draw(_shape())
    index = []
    for d in shape:
        step = draw(st.sampled_from([1, 2, -1]))
        start = draw(st.integers(0, d - 1))
        stop = draw(st.integers(start + 1, d)) if step > 0 else None
        index.append(slice(start, stop, step))
    return [shape], {"index": tuple(index)}


@st.composite
def _reshaped(draw):  # flatten, squeeze, reshape_like
    shape = draw(_shape())
    target = draw(st.sampled_from([(shape[0], -1), (-1,), (1,) + shape + (1,)]))
    return [shape], {"shape": tuple(int(np.prod(shape)) if t == -1 and len(target) == 1
                                    else t for t in target)}


@st.composite
def _broadcast(draw):  # broadcast_axes, broadcast_like
    shape = draw(_shape())
    small = tuple(1 if draw(st.booleans()) else d for d in shape)
    return [small], {"shape": shape}


@st.composite
def _tile(draw):
    shape = draw(_shape(max_side=2))
    reps = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=len(shape) + 1)))
    return [shape], {"reps": reps}


@st.composite
def _repeat(draw):
    shape = draw(_shape(max_side=2))
    return [shape], {"repeats": draw(st.integers(1, 3)),
                     "axis": draw(st.none() | st.integers(-len(shape), len(shape) - 1))}


@st.composite
def _concat(draw):
    shape = draw(_shape())
    ax = _axis(draw, len(shape))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    return ([shape[:ax % len(shape)] + (n,) + shape[ax % len(shape) + 1:] for n in sizes],
            {"dim": ax})


@st.composite
def _stack(draw):
    shape = draw(_shape(min_dims=0, max_dims=2))
    n = draw(st.integers(1, 3))
    return [shape] * n, {"axis": draw(st.integers(-len(shape) - 1, len(shape)))}


@st.composite
def _split(draw):
    shape = list(draw(_shape(max_dims=2)))
    ax = _axis(draw, len(shape))
    parts = draw(st.integers(1, 3))
    shape[ax] = parts * draw(st.integers(1, 2))
    # squeeze_axis drops the axis: only where the parts have length 1
    squeeze = shape[ax] == parts and draw(st.booleans())
    return [tuple(shape)], {"num_outputs": parts, "axis": ax, "squeeze_axis": squeeze}


@st.composite
def _same_shapes(draw, n=None):  # elemwise_*, add_n
    shape = draw(_shape(min_dims=0))
    return [shape] * (n or draw(st.integers(1, 3))), {}


@st.composite
def _pad(draw):
    shape = (1, 2) + tuple(draw(st.lists(st.integers(2, 3), min_size=2, max_size=3)))
    mode = draw(st.sampled_from(["constant", "edge", "reflect"]))
    widths = [0, 0, 0, 0] + [draw(st.integers(0, 2)) for _ in range(2 * len(shape) - 4)]
    return [shape], {"mode": mode, "pad_width": tuple(widths), "constant_value": 0.5}


@st.composite
def _sequence_mask(draw):
    shape = draw(_shape(min_dims=2))
    axis = draw(st.sampled_from([0, 1]))
    lengths = draw(hnp.arrays(np.float64, (shape[1 - axis],),
                              elements=st.integers(0, shape[axis]).map(float)))
    return [shape], {"sequence_length": lengths, "use_sequence_length": True,
                     "value": -1.0, "axis": axis}


@st.composite
def _matmul(draw, batch_dims=None):  # batch_dot (one batch axis), linalg.gemm2 (0-2)
    nb = draw(st.integers(0, 2)) if batch_dims is None else batch_dims
    batch = tuple(draw(st.lists(st.integers(1, 2), min_size=nb, max_size=nb)))
    m, k, n = (draw(st.integers(1, 3)) for _ in range(3))
    ta, tb = draw(st.booleans()), draw(st.booleans())
    kwargs = {"transpose_a": ta, "transpose_b": tb}
    if batch_dims is None:
        kwargs["alpha"] = draw(st.sampled_from([1.0, -0.5]))
    return [batch + ((k, m) if ta else (m, k)), batch + ((n, k) if tb else (k, n))], kwargs


@st.composite
def _gemm(draw):  # linalg.gemm: gemm2's operands and C of the product's shape
    (a, b), kwargs = draw(_matmul())
    m = a[-1] if kwargs["transpose_a"] else a[-2]
    n = b[-2] if kwargs["transpose_b"] else b[-1]
    return [a, b, a[:-2] + (m, n)], dict(kwargs, beta=draw(st.sampled_from([1.0, 0.5])))


@st.composite
def _last_diagonal(draw, square=False, vector=False):
    """linalg.extractdiag / makediag / sumlogdiag: (batches of) matrices, or of vectors
    for makediag, with an offset (none for sumlogdiag, whose matrices are square)."""
    batch = tuple(draw(st.lists(st.integers(1, 2), max_size=2)))
    m = draw(st.integers(1, 3))
    n = m if square else draw(st.integers(1, 3))
    if vector:
        return [batch + (m,)], {"offset": draw(st.integers(-2, 2))}
    if square:
        return [batch + (m, m)], {}
    return [batch + (m, n)], {"offset": draw(st.integers(-(m - 1), n - 1))}


@st.composite
def _mod(draw):
    """lhs = rhs * (integer + fraction in [0.1, 0.9]): away from mod's jumps, with
    either sign on both sides; rhs has lhs's shape or one that broadcasts to it."""
    shape = draw(_shape())
    small = tuple(1 if draw(st.booleans()) else d for d in shape)
    unit = st.floats(0.5, 2.0)
    rhs = draw(hnp.arrays(np.float64, small, elements=unit)) * \
        draw(hnp.arrays(np.float64, small, elements=st.sampled_from([-1.0, 1.0])))
    quotient = draw(hnp.arrays(np.float64, shape, elements=st.integers(-2, 2).map(float)))
    fraction = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.1, 0.9)))
    return [rhs * (quotient + fraction), rhs], {}


SAMPLERS = {
    "max": _extreme, "min": _extreme, "_argmax": _position, "_argmin": _position,
    "norm": _norm, "sort": _sorting, "argsort": _sorting, "topk": _topk,
    "_take_along": _take_along, "_put_along": lambda: _take_along(put=True),
    "pick": _pick, "take": _take, "_take_grad": lambda: _take(grad=True),
    "gather_nd": _gather_nd, "scatter_nd": lambda: _gather_nd(scatter=True),
    "diag": _diag, "_diag_embed": lambda: _diag(embed=True),
    "slice": _view, "slice_axis": _view, "slice_like": _view, "reverse": _view,
    "flatten": _reshaped, "squeeze": _reshaped, "reshape_like": _reshaped,
    "broadcast_axes": _broadcast, "broadcast_like": _broadcast,
    "tile": _tile, "repeat": _repeat, "concat": _concat, "stack": _stack,
    "split": _split, "pad": _pad, "SequenceMask": _sequence_mask,
    "elemwise_add": lambda: _same_shapes(2), "elemwise_sub": lambda: _same_shapes(2),
    "elemwise_mul": lambda: _same_shapes(2), "elemwise_div": lambda: _same_shapes(2),
    "add_n": _same_shapes, "mod": _mod, "batch_dot": lambda: _matmul(1),
    "linalg_gemm2": _matmul, "linalg_gemm": _gemm,
    "linalg_extractdiag": _last_diagonal,
    "linalg_makediag": lambda: _last_diagonal(vector=True),
    "linalg_sumlogdiag": lambda: _last_diagonal(square=True),
}
