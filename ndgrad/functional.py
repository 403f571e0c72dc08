"""Derivatives of functions rather than of recorded arrays: vjp, jacobian, hessian, hvp.

Each helper differentiates ``f`` at fresh variables that share the data of the given
arrays (``x.detach()`` with ``attach_grad``), so the caller's arrays, their ``.grad``
and any graph they belong to are left alone. The results are plain arrays (not
recorded). The training flag is left as the caller has it.
"""
import numpy as np

from ndgrad import autograd
from ndgrad._engine import Array


def _variables(xs, what):
    out = []
    for k, x in enumerate(xs):
        if not isinstance(x, Array):
            raise TypeError(f"{what}: input {k} is a {type(x).__name__}; pass ndgrad "
                            "arrays (e.g. nd.array(...))")
        v = x.detach()
        v.attach_grad()
        out.append(v)
    return out


def _recorded(f, vs, what):
    with autograd.record(train_mode=autograd.is_training()):
        y = f(*vs)
    if not hasattr(y, "_node"):
        raise TypeError(f"{what}: f must return one ndgrad array, not "
                        f"{type(y).__name__}")
    return y


def _grads(y, vs, head, **kwargs):
    """Gradients of <head, y> at ``vs``; zeros where y does not depend on them."""
    if y._node is None:
        return [type(v)._wrap(np.zeros_like(v._data)) for v in vs]
    return autograd._grad(y, vs, head_grads=head, allow_unreachable=True, **kwargs)


def vjp(f, *xs, v=None):
    """``(f(*xs), vjps)``: the value of ``f`` and the vector-Jacobian products
    ``v^T df/dx`` for each input (one array, or a tuple for several inputs).

    ``v`` has the shape of ``f(*xs)``; None means ones (the gradient of the sum).

        >>> from ndgrad import autograd, nd
        >>> y, g = autograd.vjp(lambda x: x * x, nd.array([1.0, 3.0]))
        >>> g.asnumpy().tolist()
        [2.0, 6.0]
    """
    vs = _variables(xs, "vjp")
    y = _recorded(f, vs, "vjp")
    grads = _grads(y, vs, v)
    return y.detach(), grads[0] if len(xs) == 1 else tuple(grads)


def jacobian(f, x):
    """The Jacobian of ``f`` at ``x``: shape ``f(x).shape + x.shape``, entry
    ``[i..., j...] = d f(x)[i...] / d x[j...]``. One backward pass per output element.

        >>> from ndgrad import autograd, nd
        >>> autograd.jacobian(lambda x: x * x, nd.array([1.0, 3.0])).asnumpy().tolist()
        [[2.0, 0.0], [0.0, 6.0]]
    """
    [var] = _variables([x], "jacobian")
    y = _recorded(f, [var], "jacobian")
    return _rows(y, var)


def _rows(y, var):
    """d y[i] / d var for every element i of y, stacked: shape y.shape + var.shape."""
    out = np.zeros(y.shape + var.shape, dtype=var._data.dtype)
    rows = out.reshape((y._data.size,) + var.shape)
    for i in range(y._data.size):
        e = np.zeros(y._data.size, dtype=y._data.dtype)
        e[i] = 1
        [g] = _grads(y, [var], type(y)._wrap(e.reshape(y.shape)), retain_graph=True)
        rows[i] = g._data
    return type(var)._wrap(out)


def hessian(f, x):
    """The Hessian of a scalar ``f`` (one element) at ``x``: shape ``x.shape * 2``.

        >>> from ndgrad import autograd, nd
        >>> h = autograd.hessian(lambda x: (x * x * x).sum(), nd.array([1.0, 2.0]))
        >>> h.asnumpy().tolist()
        [[6.0, 0.0], [0.0, 12.0]]
    """
    [var] = _variables([x], "hessian")
    y = _recorded(f, [var], "hessian")
    if y._data.size != 1:
        raise ValueError(f"hessian: f must return one element, but it returned shape "
                         f"{y.shape}; use jacobian for vector functions")
    [g] = _grads(y, [var], None, create_graph=True)  # recorded: rows differentiate it
    return _rows(g, var)


def hvp(f, x, v):
    """``(f(x), H v)``: the value of a scalar ``f`` and its Hessian at ``x`` times
    ``v`` (shape of ``x``), by differentiating ``<grad f(x), v>`` — without forming H.

        >>> from ndgrad import autograd, nd
        >>> y, hv = autograd.hvp(lambda x: (x * x * x).sum(), nd.array([1.0, 2.0]),
        ...                      nd.array([1.0, 1.0]))
        >>> hv.asnumpy().tolist()
        [6.0, 12.0]
    """
    [var] = _variables([x], "hvp")
    y = _recorded(f, [var], "hvp")
    if y._data.size != 1:
        raise ValueError(f"hvp: f must return one element, but it returned shape "
                         f"{y.shape}")
    if tuple(v.shape) != tuple(var.shape):
        raise ValueError(f"hvp: v has shape {tuple(v.shape)}, but x has shape "
                         f"{var.shape}; they must be equal")
    with autograd.record(train_mode=autograd.is_training()):
        [g] = _grads(y, [var], None, create_graph=True)
        s = (g * v).sum()
    [hv] = _grads(s, [var], None)
    return y.detach(), hv
