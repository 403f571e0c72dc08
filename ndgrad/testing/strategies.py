"""Hypothesis strategies for ndgrad: shapes, values within a domain, ndgrad arrays,
``gradient_check`` (a property test of a function's gradients in one line), and the
inputs of every registered op (``op_inputs``), drawn the way its ``GradTest``
metadata says.

    >>> import numpy as np
    >>> from ndgrad import nd
    >>> from ndgrad.testing.strategies import arrays, gradient_check, shapes
    >>> @gradient_check(arrays(np.float64, shapes()), order=2)
    ... def test_softplus(x):
    ...     return nd.log(1 + nd.exp(x))
"""
import numpy as np
from hypothesis import assume, given, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad.ndarray import NDArray
from ndgrad.ops.registry import REGISTRY
from ndgrad.testing.nd_strategies import SAMPLERS as ND_SAMPLERS
from ndgrad.testing.nn_strategies import SAMPLERS as NN_SAMPLERS
from ndgrad.testing.np_strategies import PREPARE as NP_PREPARE, SAMPLERS as NP_SAMPLERS
from ndgrad.testing.gradcheck import check_gradients

__all__ = ["shapes", "broadcastable_shapes", "axes", "arrays", "ndgrad_arrays",
           "gradient_check", "op_inputs"]


def shapes(min_dims=0, max_dims=3, max_side=4, *, min_side=1):
    """Array shapes (tuples) with ``min_dims``..``max_dims`` dims of ``min_side``..
    ``max_side`` each; small by default, so that numeric checks stay cheap."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(n, min_dims=0, max_dims=3, max_side=3):
    """Lists of ``n`` shapes that broadcast together (NumPy's rules), e.g.
    ``[(2, 1, 3), (4, 1), ()]``."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, max_side=max_side).map(
            lambda b: list(b.input_shapes))


_ARRAYS = "arrays(dtype, shape, elements=None, *, domain=, avoid=, margin=)"


def _dtype(dtype, what):
    """``dtype`` as a NumPy dtype; a shape in its place (the order before hypothesis'
    one) is a TypeError, not a misread."""
    if not isinstance(dtype, (tuple, list, int, st.SearchStrategy)):
        try:
            return np.dtype(dtype)
        except TypeError:
            pass
    raise TypeError(f"{what}: {_ARRAYS}: the first argument is the dtype, as in "
                    f"hypothesis.extra.numpy.arrays, not {dtype!r}; e.g. "
                    f"{what}(np.float64, shapes())")


def arrays(dtype, shape, elements=None, *, domain=(-2.0, 2.0), avoid=(), margin=0.05):
    """NumPy arrays of ``dtype`` and ``shape`` (a tuple or a strategy of tuples), in
    the order of ``hypothesis.extra.numpy.arrays``.

    elements -- a strategy of scalars for the values; by default floats in ``domain``.
    domain   -- (low, high) of the values, unless ``elements`` is given.
    avoid    -- points where the function under test is not differentiable: values
                closer than ``margin`` to one are moved ``2 * margin`` away from it.

    Floats are drawn in float64, then cast to ``dtype``. For example
    ``arrays(np.float64, shapes(), domain=(0.1, 3.0))`` suits log,
    ``arrays(np.float64, (2, 3), avoid=(0.0,))`` suits abs.
    """
    dtype = _dtype(dtype, "arrays")
    if elements is None:
        lo, hi = domain
        elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False)

    def push(x):
        for a in avoid:
            near = np.abs(x - a) < margin
            x = np.where(near, a + np.where(x >= a, 2 * margin, -2 * margin), x)
        return x.astype(dtype, copy=False)

    drawn = np.float64 if dtype.kind == "f" else dtype
    return hnp.arrays(drawn, shape, elements=elements).map(push)


def ndgrad_arrays(dtype, shape, elements=None, *, domain=(-2.0, 2.0), avoid=(),
                  margin=0.05, grad_req="write"):
    """ndgrad ``NDArray`` variables: ``arrays(...)`` wrapped, with ``attach_grad``
    done, ready for ``autograd.record()``.

        >>> @given(ndgrad_arrays(np.float64, shapes()))
        ... def test_sum_gradient_is_ones(x):
        ...     with autograd.record():
        ...         y = x.sum()
        ...     y.backward()
        ...     assert (x.grad.asnumpy() == 1).all()
    """
    def variable(data):
        x = NDArray._wrap(data)
        x.attach_grad(grad_req)
        return x

    dtype = _dtype(dtype, "ndgrad_arrays")
    return arrays(dtype, shape, elements, domain=domain, avoid=avoid,
                  margin=margin).map(variable)


def gradient_check(*inputs, order=1, **check_kwargs):
    """Decorator: a hypothesis property test that ``check_gradients`` passes for the
    decorated function on inputs drawn from ``inputs`` (one strategy per argument; a
    strategy drawing a tuple supplies several arguments, e.g. arrays of broadcastable
    shapes). ``order`` and ``check_kwargs`` go to ``check_gradients``.

        >>> @gradient_check(arrays(np.float64, shapes()),
        ...                 arrays(np.float64, (), domain=(0.5, 2.0)), order=2)
        ... def test_scaled_tanh(x, s):
        ...     return nd.tanh(x * s) / s
    """
    def decorate(f):
        @given(st.tuples(*inputs))
        def test(drawn):
            args = [a for d in drawn for a in (d if isinstance(d, tuple) else (d,))]
            check_gradients(f, args, order, **check_kwargs)
        # Not functools.wraps: pytest would read f's arguments as fixtures.
        for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(test, attr, getattr(f, attr))
        return test
    return decorate


def _inputs(draw, spec, input_shapes):
    t = spec.test
    # A sampler may give an input's values (an ndarray) instead of its shape.
    return [s if isinstance(s, np.ndarray) else
            draw(arrays(np.float64, s, domain=t.domain_of(i), avoid=t.avoid))
            for i, s in enumerate(input_shapes)]


@st.composite
def axes(draw, ndim):
    """An ``axis`` argument for an array of ``ndim`` dims: None, an int or a tuple."""
    if ndim == 0:
        return None
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return None
    if choice == "int":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, unique=True)))


@st.composite
def _smaller(draw, shape):
    """A shape that broadcasts to ``shape``: fewer leading dims, some dims set to 1."""
    keep = draw(st.integers(0, len(shape)))
    tail = shape[len(shape) - keep:]
    return tuple(1 if draw(st.booleans()) else d for d in tail)


@st.composite
def _index(draw, shape, unique=False):
    """A NumPy index into ``shape``: basic (ints, slices) or an integer array (with
    repeated entries unless ``unique``)."""
    if draw(st.booleans()):  # advanced: integer array on axis 0
        n = draw(st.integers(1, shape[0] if unique else 4))
        idx = draw(hnp.arrays(np.int64, n, elements=st.integers(0, shape[0] - 1),
                              unique=unique))
        return (idx - draw(st.sampled_from([0, shape[0]])),)  # negative indices too
    parts = []
    for d in shape[:draw(st.integers(1, len(shape)))]:
        if draw(st.booleans()):
            parts.append(draw(st.integers(-d, d - 1)))
        else:
            start = draw(st.integers(0, d - 1))
            parts.append(slice(start, draw(st.integers(start + 1, d)),
                               draw(st.integers(1, 2))))
    return tuple(parts)


def _indexed_shape(shape, index):
    return np.zeros(shape)[index].shape


@st.composite
def _custom(draw, spec):
    name = spec.op.name
    if name in NN_SAMPLERS:  # the neural-network ops' samplers live in their module
        return draw(NN_SAMPLERS[name]())
    if name in ND_SAMPLERS:  # and the nd operator surface's in theirs
        return draw(ND_SAMPLERS[name]())
    if name in NP_SAMPLERS:  # so do the np-only ops'
        return draw(NP_SAMPLERS[name]())
    shape = draw(shapes(min_dims=1))
    if name == "reshape":
        target = draw(st.sampled_from([(-1,), tuple(reversed(shape)), (1,) + shape]))
        return [shape], {"shape": target}
    if name == "broadcast_to":
        return [draw(_smaller(shape))], {"shape": shape}
    if name == "_sum_to":
        return [shape], {"shape": draw(_smaller(shape))}
    # A write with repeated indices keeps the last value only: not differentiable.
    index = draw(_index(shape, unique=name in ("_setitem", "_zero_at")))
    if name == "getitem":
        return [shape], {"index": index}
    if name == "_index_grad":
        return [_indexed_shape(shape, index)], {"shape": shape, "index": index}
    if name == "_setitem":
        return [shape, draw(_smaller(_indexed_shape(shape, index)))], {"index": index}
    if name == "_zero_at":
        return [shape], {"index": index}
    raise LookupError(f"no custom sampler for op {name!r}: add one in "
                      "ndgrad/testing/strategies.py")


@st.composite
def _contraction(draw, spec):
    """lhs and rhs shapes with ``axes`` pairing some of their dims (tensordot)."""
    free_a = list(draw(shapes(max_dims=2, max_side=3)))
    free_b = list(draw(shapes(max_dims=2, max_side=3)))
    con = list(draw(shapes(min_dims=1, max_dims=2, max_side=3)))
    if draw(st.booleans()):
        return [tuple(free_a + con), tuple(con + free_b)], {"axes": len(con)}
    pa = draw(st.permutations(range(len(free_a) + len(con))))
    pb = draw(st.permutations(range(len(con) + len(free_b))))
    dims_a, dims_b = free_a + con, con + free_b
    a_axes = [pa.index(len(free_a) + j) for j in range(len(con))]
    b_axes = [pb.index(j) for j in range(len(con))]
    return ([tuple(dims_a[p] for p in pa), tuple(dims_b[p] for p in pb)],
            {"axes": (a_axes, b_axes)})


@st.composite
def op_inputs(draw, name):
    """(input arrays, kwargs) for the registered op ``name``, per its GradTest."""
    spec = REGISTRY[name]
    kind = spec.test.kind
    kwargs = {}
    if kind == "elementwise":
        in_shapes = [draw(shapes())]
    elif kind == "broadcast":
        in_shapes = list(draw(hnp.mutually_broadcastable_shapes(
            num_shapes=len(spec.inputs), max_dims=3, max_side=3)).input_shapes)
    elif kind == "reduce":
        in_shapes = [draw(shapes(min_dims=1))]
        kwargs = {"axis": draw(axes(len(in_shapes[0]))), "keepdims": draw(st.booleans())}
    elif kind == "matrix":
        in_shapes, kwargs = draw(_contraction(spec))
    elif kind == "custom":
        in_shapes, kwargs = draw(_custom(spec))
    else:
        raise LookupError(f"op {name!r}: unknown GradTest kind {kind!r}")
    inputs = _inputs(draw, spec, in_shapes)
    if name in NP_PREPARE:  # linear algebra: invertible, well-separated points
        inputs = NP_PREPARE[name](inputs)
    if spec.test.distinct:
        assume(np.all(np.abs(inputs[0] - inputs[1]) > 0.05))
    return inputs, {**spec.test.kwargs, **kwargs}
