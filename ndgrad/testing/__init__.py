"""Check ndgrad's gradients of any function against numeric differentiation.

    >>> import numpy as np
    >>> from ndgrad import nd
    >>> from ndgrad.testing import check_gradients
    >>> check_gradients(lambda x: nd.tanh(x) * x, [np.array([0.5, -1.0])], order=2)

``check_gradients`` raises AssertionError, naming the input, the element, both values
and the error, when the analytic gradient disagrees with central differences.
"""
import numpy as np

from ndgrad import autograd
from ndgrad.ndarray import NDArray

__all__ = ["check_gradients", "numeric_gradients"]


def _loss(f, xs, head):
    """<head, f(*xs)> in float64, computed without recording."""
    with autograd.pause():
        out = f(*[NDArray._wrap(x) for x in xs])
    return float(np.sum(np.asarray(out._data, dtype=np.float64) * head))


def numeric_gradients(f, inputs, head, eps=1e-6):
    """Central differences of <head, f(*inputs)> with respect to each input."""
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    grads = []
    for x in xs:
        g = np.zeros_like(x)
        flat, gflat = x.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            orig = flat[i]
            flat[i] = orig + eps
            up = _loss(f, xs, head)
            flat[i] = orig - eps
            down = _loss(f, xs, head)
            flat[i] = orig
            gflat[i] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


def _analytic(f, xs, head):
    arrays = [NDArray._wrap(np.array(x, dtype=np.float64)) for x in xs]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        out = f(*arrays)
    if out._node is None:  # f does not depend on its inputs (e.g. a constant gradient)
        return arrays, [NDArray._wrap(np.zeros_like(a._data)) for a in arrays]
    grads = autograd.grad(out, arrays, head_grads=NDArray._wrap(head))
    return arrays, grads


def _compare(analytic, numeric, inputs, rtol, atol, what):
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        a = np.asarray(a, dtype=np.float64)
        if a.shape != n.shape:
            raise AssertionError(f"{what}: input {k}: gradient shape {a.shape}, "
                                 f"expected {n.shape}")
        bad = ~np.isclose(a, n, rtol=rtol, atol=atol)
        if bad.any():
            i = np.unravel_index(np.argmax(bad), a.shape)
            raise AssertionError(
                f"{what}: input {k} (shape {n.shape}) element {tuple(map(int, i))}: "
                f"ndgrad gives {a[i]!r}, numeric differentiation gives {n[i]!r} "
                f"(abs error {abs(a[i] - n[i]):.3g}; {int(bad.sum())} of {bad.size} "
                f"elements off)\n  input {k} = {np.array2string(inputs[k])}")


def check_gradients(f, inputs, order=1, *, head_grad=None, eps=1e-6, rtol=1e-4,
                    atol=1e-6, seed=0):
    """Assert that ndgrad differentiates ``f`` correctly at ``inputs``.

    f         -- a function of ndgrad arrays returning one array.
    inputs    -- NumPy arrays (computed in float64).
    order     -- 1 checks the gradient; 2 also checks second derivatives, by
                 differentiating the gradient (computed with create_graph=True)
                 contracted with a random vector.
    head_grad -- the output gradient to use (random by default).
    """
    rng = np.random.default_rng(seed)
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    out_shape = _output_shape(f, xs)
    head = rng.standard_normal(out_shape) if head_grad is None else np.asarray(
        head_grad, dtype=np.float64)
    _, grads = _analytic(f, xs, head)
    _compare([g._data for g in grads], numeric_gradients(f, xs, head, eps), xs, rtol,
             atol, "gradient")
    if order >= 2:
        vs = [rng.standard_normal(x.shape) for x in xs]

        def directional(*arrays):
            # <v, d<head, f>/dx>: its gradient is the Hessian-vector product.
            _, gs = _analytic_on(f, arrays, head)
            total = None
            for g, v in zip(gs, vs):
                term = (g * NDArray._wrap(v)).sum()
                total = term if total is None else total + term
            return total

        check_gradients(directional, xs, order - 1, eps=eps,
                        rtol=rtol * 10, atol=atol * 10, seed=seed + 1)


def _analytic_on(f, arrays, head):
    """Gradients of <head, f> at ``arrays``, recorded so they can be differentiated."""
    for a in arrays:
        if a._node is None:  # evaluated numerically: not a variable of an outer graph
            a.attach_grad()
    with autograd.record():
        out = f(*arrays)
    if out._node is None:
        return out, [NDArray._wrap(np.zeros_like(a._data)) for a in arrays]
    return out, autograd.grad(out, list(arrays), head_grads=NDArray._wrap(head),
                              create_graph=True)


def _output_shape(f, xs):
    with autograd.pause():
        return f(*[NDArray._wrap(x.copy()) for x in xs])._data.shape
