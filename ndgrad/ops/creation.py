"""Ops that create arrays. ``*_like`` pass no gradient back. Samplers are recorded when
a distribution parameter is an array that needs a gradient, and give it the gradient
MXNet 1.9.1 gives (src/operator/random): zero for the samplers of normal, uniform,
gamma, exponential, poisson and for multinomial's draws (MakeZeroGradNodes); head /
p at each draw for multinomial's log-probabilities (get_prob=True, for REINFORCE);
and an error for shuffle, for which MXNet registers no gradient."""
import inspect

import numpy as np

from ndgrad import _kernels, random as _random
from ndgrad._engine import Array, AutogradError
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.registry import defop

DEFAULT_DTYPE = np.float32


def _shape(shape):
    if shape is None:
        return (1,)  # MXNet's default for samplers: one element, never 0-d
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(s) for s in shape)


def _array(source_array, dtype=None):
    """Create an array from a (nested) list, a NumPy array, an array or a scalar.

    In ``nd`` the dtype is float32 unless ``dtype`` is given or the source is an
    ndgrad array (whose dtype is kept), as in MXNet.

        >>> nd.array([[1, 2], [3, 4]])
        [[1. 2.]
         [3. 4.]]
    """
    if dtype is None:
        dtype = source_array.dtype if isinstance(source_array, np.ndarray) else DEFAULT_DTYPE
    try:
        return np.array(source_array, dtype=dtype)
    except ValueError as e:
        raise ValueError(f"array: cannot make an array of {type(source_array).__name__}"
                         f" {_brief(source_array)}: {e}") from None


def _brief(x, limit=60):
    text = repr(x)
    return text if len(text) <= limit else text[:limit] + "..."


def _nd_array(source_array, dtype=None):
    # MXNet's nd.array is float32 for every source (NumPy arrays included) but arrays.
    if dtype is None:
        dtype = source_array.dtype if isinstance(source_array, Array) else DEFAULT_DTYPE
    return (source_array,), {"dtype": dtype}


def _arange(start, stop=None, step=1.0, repeat=1, infer_range=None, dtype=None):
    """Evenly spaced values in [start, stop), each repeated ``repeat`` times.

        >>> nd.arange(2, 10, 3)
        [2. 5. 8.]
    """
    dtype = np.dtype(dtype or DEFAULT_DTYPE)
    count = np.arange(start, stop, step, dtype=np.float64).size
    first = 0 if stop is None else start
    # start + i * step in the result's dtype, as MXNet computes it (float32:
    # arange(0, 3, 0.1)[9] is 0.90000004)
    out = np.asarray(first, dtype) + np.arange(count, dtype=dtype) * np.asarray(step, dtype)
    return np.repeat(out, repeat) if repeat != 1 else out


def _zeros(shape, dtype=None):
    """An array of zeros of ``shape`` (float32 unless ``dtype`` says otherwise).
    ``empty`` is the same (MXNet leaves its memory uninitialised).

        >>> nd.zeros((2, 3))
        [[0. 0. 0.]
         [0. 0. 0.]]
        >>> nd.empty((2, 3)).shape
        (2, 3)
    """
    return np.zeros(_shape(shape), dtype=dtype or DEFAULT_DTYPE)


def _ones(shape, dtype=None):
    """An array of ones of ``shape`` (float32 unless ``dtype`` says otherwise).

        >>> nd.ones((2, 3))
        [[1. 1. 1.]
         [1. 1. 1.]]
        >>> nd.ones((2,), dtype='int32')
        [1 1]
    """
    return np.ones(_shape(shape), dtype=dtype or DEFAULT_DTYPE)


def _full(shape, val, dtype=None):
    """An array of ``shape`` filled with ``val``.

        >>> nd.full((2, 2), 7)
        [[7. 7.]
         [7. 7.]]
    """
    return np.full(_shape(shape), val, dtype=dtype or DEFAULT_DTYPE)


def _zeros_like(data):
    """An array of zeros with the shape and dtype of ``data``.

        >>> nd.zeros_like(nd.array([[1, 2, 3]]))
        [[0. 0. 0.]]
    """
    return np.zeros_like(data)


def _ones_like(data):
    """An array of ones with the shape and dtype of ``data``.

        >>> nd.ones_like(nd.array([[0, 0, 0], [2, 2, 2]]))
        [[1. 1. 1.]
         [1. 1. 1.]]
    """
    return np.ones_like(data)


def _creator(name, forward, nd=None, inputs=(), **names):
    return defop(name, forward, inputs=inputs, nd=nd or (name,), differentiable=False,
                 **names)


array = defop("array", _array, inputs=("source_array",), nd=("array",), nd_args=_nd_array,
               np=("array", "asarray"), np_args=npc.array, fast=_kernels.array_copy,
               doc=_array.__doc__, differentiable=False)
arange = _creator("arange", _arange, np=("arange",), np_args=npc.arange)
zeros = _creator("zeros", _zeros, nd=("zeros", "empty"), np=("zeros", "empty"),
                 np_args=npc.of_shape)
ones = _creator("ones", _ones, np=("ones",), np_args=npc.of_shape)
full = _creator("full", _full, np=("full",), np_args=npc.full)
zeros_like = _creator("zeros_like", _zeros_like, inputs=("data",),
                      np=("zeros_like", "empty_like"))
ones_like = _creator("ones_like", _ones_like, inputs=("data",), np=("ones_like",))


def _sample(draw, params, shape, dtype):
    """``draw(*params, size)`` cast to ``dtype``. With array parameters (of one shape)
    there are ``shape`` samples for each element: the result has shape
    params.shape + shape, as in MXNet."""
    params = [np.asarray(p) if np.ndim(p) else p for p in params]
    lead = next((p.shape for p in params if np.ndim(p)), ())
    if not lead:
        return draw(*params, _shape(shape)).astype(dtype or DEFAULT_DTYPE)
    tail = () if shape is None else _shape(shape)
    params = [p.reshape(lead + (1,) * len(tail)) if np.ndim(p) else p for p in params]
    return draw(*params, lead + tail).astype(dtype or DEFAULT_DTYPE)


def _normal(loc=0.0, scale=1.0, shape=None, dtype=None):
    """Samples of a normal distribution N(loc, scale**2), seeded by ndgrad.random.seed.

        >>> nd.random.normal(0, 1, shape=(2, 3)).shape
        (2, 3)
    """
    return _sample(_random.generator().normal, (loc, scale), shape, dtype)


def _uniform(low=0.0, high=1.0, shape=None, dtype=None):
    """Samples of the uniform distribution on [low, high), seeded by
    ndgrad.random.seed (the values differ from MXNet's, whose generator is another).

        >>> x = nd.random.uniform(-1, 1, shape=(2, 3))
        >>> x.shape, bool((x >= -1).min() and (x < 1).min())
        ((2, 3), True)
    """
    return _sample(_random.generator().uniform, (low, high), shape, dtype)


def _randint(low, high, shape=None, dtype=None):
    """Random integers in [low, high) (int32 unless ``dtype`` says otherwise).

        >>> x = nd.random.randint(0, 10, shape=(2, 3))
        >>> x.dtype, x.shape
        (<class 'numpy.int32'>, (2, 3))
    """
    return _random.generator().integers(low, high, _shape(shape)).astype(dtype or np.int32)


def _zero_vjp(i):
    # MXNet's MakeZeroGradNodes: a zero gradient for parameter i.
    return lambda g, ans, *params, **kwargs: zeros_like(params[i])


def _params_first(forward, params):
    """An nd adapter passing the distribution ``params`` of ``forward`` (numbers or
    arrays, by position or keyword) as the op's inputs, the rest as keywords."""
    signature = inspect.signature(forward)

    def adapter(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        return (tuple(given[p] for p in params),
                {k: v for k, v in given.items() if k not in params})
    adapter.__signature__ = signature
    return adapter


def _sampler(name, forward, params, nd_args=None, **names):
    """A sampler whose distribution parameters ``params`` may be arrays; their
    gradient is zero, as in MXNet."""
    return defop(name, forward, tuple(_zero_vjp(i) for i in range(len(params))),
                 inputs=params, nd_args=nd_args or _params_first(forward, params),
                 **names)


normal = _sampler("random_normal", _normal, ("loc", "scale"),
                  nd=("random.normal", "random_normal"),
                  np=("random.normal", "random.randn"),
                  np_args={"random.normal": npc.normal, "random.randn": npc.randn})
uniform = _sampler("random_uniform", _uniform, ("low", "high"),
                   nd=("random.uniform", "random_uniform"),
                   np=("random.uniform", "random.rand"),
                   np_args={"random.uniform": npc.uniform, "random.rand": npc.rand})
randint = _creator("random_randint", _randint, nd=("random.randint",),
                   np=("random.randint",), np_args=npc.randint)


def _eye(N, M=0, k=0, dtype=None):
    """An N x M matrix (M = 0: N x N) with ones on diagonal ``k``.

        >>> nd.eye(2, 3, k=1)
        [[0. 1. 0.]
         [0. 0. 1.]]
    """
    return np.eye(int(N), int(M) or None, int(k), dtype=dtype or DEFAULT_DTYPE)


def _linspace(start, stop, num, endpoint=True, dtype=None):
    """``num`` evenly spaced values from start to stop (included unless not
    ``endpoint``).

        >>> nd.linspace(0, 1, 5)
        [0.   0.25 0.5  0.75 1.  ]
    """
    return np.linspace(start, stop, int(num), endpoint=endpoint).astype(
        dtype or DEFAULT_DTYPE)


# _eye / _linspace: MXNet's own op names.
eye = _creator("_eye", _eye, nd=("eye",), np=("eye", "identity"),
               np_args={"eye": npc.eye, "identity": npc.identity})
linspace = _creator("_linspace", _linspace, nd=("linspace",), np=("linspace",),
                    np_args=npc.linspace)


def _randn(*shape, loc=0.0, scale=1.0, dtype=None):
    return (loc, scale), {"shape": shape or None, "dtype": dtype}


def _exponential(scale=1.0, shape=None, dtype=None):
    """Samples of the exponential distribution of mean ``scale``.

        >>> nd.random.exponential(2, shape=3).shape
        (3,)
    """
    return _sample(_random.generator().exponential, (scale,), shape, dtype)


def _gamma(alpha=1.0, beta=1.0, shape=None, dtype=None):
    """Samples of the gamma distribution of shape ``alpha`` and scale ``beta``.

        >>> nd.random.gamma(2, 1, shape=(2, 3)).shape
        (2, 3)
    """
    return _sample(_random.generator().gamma, (alpha, beta), shape, dtype)


def _poisson(lam=1.0, shape=None, dtype=None):
    """Samples of the Poisson distribution of mean ``lam`` (float32 counts).

        >>> nd.random.poisson(3, shape=4).dtype
        <class 'numpy.float32'>
    """
    return _sample(_random.generator().poisson, (lam,), shape, dtype)


def _multinomial(data, shape=None, get_prob=False, dtype="int32"):
    """Category indices drawn with the probabilities in the last axis of ``data``:
    ``shape`` draws per distribution (one if None), so the result has shape
    data.shape[:-1] + shape. ``get_prob`` also returns the log-probability of each
    draw.

        >>> nd.random.multinomial(nd.array([0.0, 1.0]), shape=2)
        [1 1]
    """
    probs = np.asarray(data, dtype=np.float64)
    tail = () if shape is None else _shape(shape)
    flat = probs.reshape(-1, probs.shape[-1])
    n = int(np.prod(tail))
    rng = _random.generator()
    cdf = np.cumsum(flat, axis=1)
    u = rng.random((len(flat), n)) * cdf[:, -1:]
    picks = np.minimum((u[:, :, None] >= cdf[:, None, :]).sum(axis=2), flat.shape[1] - 1)
    out = picks.reshape(probs.shape[:-1] + tail)
    if probs.ndim == 1 and not tail:
        out = out.reshape(1)  # MXNet: one draw from one distribution has shape (1,)
    if not get_prob:
        return out.astype(dtype)
    logp = np.log(np.take_along_axis(flat, picks, axis=1)).reshape(out.shape)
    kind = np.asarray(data).dtype
    return out.astype(dtype), logp.astype(kind if kind.kind == "f" else DEFAULT_DTYPE)


def _multinomial_vjp(g, ans, x, shape=None, get_prob=False, dtype="int32"):
    if not get_prob:
        return zeros_like(x)  # the draws: MakeZeroGradNodes, as in MXNet
    # MXNet's _backward_sample_multinomial: d log p[draw] / dp = 1 / p[draw], times the
    # head gradient of the log-probabilities, added up over the draws of each
    # distribution (the head gradient of the draws is ignored).
    from ndgrad.ops.indexing import put_along, take_along
    from ndgrad.ops.shape import reshape
    k = x.shape[-1]
    lanes = int(np.prod(x.shape[:-1]))
    draws = np.asarray(getattr(ans[0], "_data", ans[0])).reshape(lanes, -1)
    draws = draws.astype(np.int64)
    probs = take_along(reshape(x, (lanes, k)), indices=draws, axis=1)
    per_draw = reshape(g[1], draws.shape) / probs
    return reshape(put_along(per_draw, indices=draws, axis=1, shape=(lanes, k)), x.shape)


def _shuffle(data):
    """A copy of ``data`` with its first axis randomly permuted. Not differentiable
    (as in MXNet): backward through it is an error; shuffle ``x.detach()``.

        >>> nd.random.shuffle(nd.arange(6).reshape((3, 2))).shape
        (3, 2)
    """
    return _random.generator().permutation(data)


def _shuffle_vjp(g, ans, x):
    raise AutogradError(
        "backward: random.shuffle is not differentiable (MXNet registers no gradient "
        "for it either), but an array it shuffled leads to a variable. Shuffle "
        "x.detach() instead of x, or shuffle outside autograd.record().")


randn = _sampler("random_randn", _normal, ("loc", "scale"), nd=("random.randn",),
                 nd_args=_randn)
exponential = _sampler("random_exponential", _exponential, ("scale",),
                       nd=("random.exponential",))
gamma = _sampler("random_gamma", _gamma, ("alpha", "beta"), nd=("random.gamma",))
poisson = _sampler("random_poisson", _poisson, ("lam",), nd=("random.poisson",))
# Gradients tested by hand (tests/test_nd_ops.py): the draws depend on the generator.
multinomial = defop("random_multinomial_nd", _multinomial, (_multinomial_vjp,),
                    nd=("random.multinomial",), inputs=("data",), save_output=True,
                    doc=_multinomial.__doc__)
shuffle = defop("random_shuffle", _shuffle, (_shuffle_vjp,), nd=("random.shuffle",),
                inputs=("data",), np=("random.permutation",), save_inputs=False,
                doc=_shuffle.__doc__)
