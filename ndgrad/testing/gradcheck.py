"""``check_gradients``: ndgrad's gradients of any function against numeric ones.

The check is a random projection: along a few random directions ``v`` it compares the
analytic directional derivative ``<grad, v>`` (one backward pass) with a numeric one
(two evaluations of ``f``), so it costs a few evaluations instead of a full Jacobian.
Only when a direction disagrees does it fall back to elementwise differences, which
decide and locate the failing element for the report.
"""
import numpy as np

from ndgrad import autograd
from ndgrad._engine import Array
from ndgrad.ndarray import NDArray

METHODS = {"central": 1e-6, "complex": 1e-20}   # method -> default step
NONDIFF = ("error", "skip", "subgradient")
_ORDER_NAMES = {1: "gradient", 2: "second derivative", 3: "third derivative"}
_COMPLEX_HINT = ("\n  (method='complex' assumes f is analytic: abs, sign and what is "
                 "built on them are not; try method='central')")


def check_gradients(f, inputs, order=1, *, eps=None, rtol=1e-4, atol=1e-6,
                    head_grad=None, method="central", nondiff="error", directions=2,
                    seed=0):
    """Assert that ndgrad differentiates ``f`` correctly at ``inputs``.

    f          -- a function of ndgrad arrays returning an array or a tuple of arrays.
    inputs     -- the point: NumPy arrays, numbers or ndgrad arrays (their class,
                  e.g. NDArray, is what ``f`` receives). Computed in float64.
    order      -- 1 checks the gradient; 2 also checks second derivatives: the
                  gradient of ``<v, gradient>`` (computed with ``create_graph=True``)
                  for a random ``v``, i.e. Hessian-vector products; 3 and more go on
                  the same way.
    eps        -- the numeric step (default 1e-6; 1e-20 for method='complex').
    rtol, atol -- an element passes when ``|ndgrad - numeric| <= atol + rtol *
                  |numeric|``; each further order gets 10 times both.
    head_grad  -- the output gradient: one per output (a list for several), of
                its shape, else ValueError; random by default.
    method     -- 'central': central differences. 'complex': the complex step
                  ``Im L(x + i eps v) / eps``, exact to rounding, but only for analytic
                  ``f`` whose ops accept complex128 data (see the testing guide).
    nondiff    -- at a point where ``f`` is not differentiable (a kink, like abs at 0,
                  seen as one-sided differences that disagree):
                  'error'       report the mismatch, saying the point is a kink;
                  'skip'        ignore mismatching elements that are kinks;
                  'subgradient' accept any value between the one-sided derivatives
                                (relu'(0) = 0 and abs'(0) = 0 pass).
    directions -- how many random directions to check before passing (each costs two
                  evaluations of ``f``). An error in one element is seen once it exceeds
                  about sqrt(size) times that element's tolerance; ``None`` compares
                  every element instead (2 evaluations per element).
    seed       -- seeds the random head gradient and directions.

    Raises AssertionError naming the input, the element, both values and the error.

        >>> import numpy as np
        >>> from ndgrad import nd
        >>> check_gradients(lambda x: nd.tanh(x) * x, [np.array([0.5, -1.0])], order=2)
        >>> check_gradients(nd.relu, [np.array([0.0, 1.0])], nondiff="subgradient")
    """
    if not (isinstance(order, int) and order >= 1):
        raise ValueError(f"check_gradients: order must be 1, 2 or more, not {order!r}")
    if directions is not None and not (isinstance(directions, int) and directions >= 1):
        raise ValueError(f"check_gradients: directions must be a positive int or None "
                         f"(every element), not {directions!r}")
    if method not in METHODS:
        raise ValueError(f"check_gradients: method must be one of {tuple(METHODS)}, "
                         f"not {method!r}")
    if nondiff not in NONDIFF:
        raise ValueError(f"check_gradients: nondiff must be one of {NONDIFF}, "
                         f"not {nondiff!r}")
    if method == "complex" and nondiff != "error":
        raise ValueError("check_gradients: nondiff='skip'/'subgradient' need one-sided "
                         "differences: use method='central'")
    cls = next((type(x) for x in inputs if isinstance(x, Array)), NDArray)
    xs = [np.array(x._data if isinstance(x, Array) else x, dtype=np.float64)
          for x in inputs]
    step = METHODS[method] if eps is None else eps
    rng = np.random.default_rng(seed)
    shapes = [o._data.shape for o in _evaluate(f, xs, cls)]
    if head_grad is None:
        heads = [_direction(rng, s) for s in shapes]
    else:
        heads = list(head_grad) if isinstance(head_grad, (list, tuple)) else [head_grad]
        heads = [np.asarray(getattr(h, "_data", h), dtype=np.float64) for h in heads]
    _check_orders(f, xs, cls, heads, order, step, rtol, atol, method, nondiff,
                  directions, rng)


def _check_orders(f, xs, cls, heads, order, step, rtol, atol, method, nondiff,
                  directions, rng, level=1):
    """Check the gradient of ``f``; then, for each further order, the gradient of
    ``<v, that gradient>`` (recorded with create_graph) for a random ``v``."""
    what = _ORDER_NAMES.get(level, f"derivative of order {level}")
    if level > 1:
        what += f" (gradient of <v, {_ORDER_NAMES.get(level - 1, 'the previous')}>)"
    _Check(f, xs, cls, heads, step, rtol, atol, method, nondiff, what).run(directions,
                                                                           rng)
    if level == order:
        return
    vs = [_direction(rng, x.shape) for x in xs]

    def contracted(*arrays):
        grads = _recorded_gradients(f, arrays, heads)
        return sum((g * cls._wrap(v)).sum() for g, v in zip(grads, vs))

    # The gradient jumps at a kink: no higher derivative there, nor a subgradient.
    _check_orders(contracted, xs, cls, None, order, step, rtol * 10, atol * 10, method,
                  "error" if nondiff == "error" else "skip", directions, rng, level + 1)


def numeric_gradients(f, inputs, head, eps=1e-6):
    """Central differences of ``<head, f(*inputs)>`` with respect to each input, one
    element at a time (2 evaluations of ``f`` per element), in float64.

        >>> from ndgrad import nd
        >>> numeric_gradients(nd.square, [np.array([1.0, 2.0])], np.ones(2))[0].round(6)
        array([2., 4.])
    """
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    heads = list(head) if isinstance(head, (list, tuple)) else [head]
    check = _Check(f, xs, NDArray, heads, eps, 0, 0, "central", "error", "")
    return [check.elementwise(k, False)[0] for k in range(len(xs))]


def _direction(rng, shape):
    # Random signs, magnitudes in [1, 2): no component is near zero, so an error in
    # one element cannot hide behind a small coefficient.
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(1.0, 2.0, size=shape)


def _outputs(result):
    outs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
    for k, o in enumerate(outs):
        if not isinstance(o, Array):
            raise TypeError(f"check_gradients: f must return ndgrad arrays; output {k} "
                            f"is a {type(o).__name__}")
    return outs


def _evaluate(f, xs, cls):
    with autograd.pause():
        return _outputs(f(*[cls._wrap(x.copy()) for x in xs]))


def _heads(heads, outs):
    """The head gradients, one per output of the right shape (checked: zip would drop
    outputs); None means ones (real even if the outputs are complex)."""
    if heads is None:
        return [np.ones(o._data.shape) for o in outs]
    if len(heads) != len(outs):
        raise ValueError(f"check_gradients: {len(heads)} head gradient(s) for the "
                         f"{len(outs)} output(s) of f; give one per output (a list), "
                         "or none for random ones")
    for k, (h, o) in enumerate(zip(heads, outs)):
        if np.shape(h) != o._data.shape:
            raise ValueError(f"check_gradients: head gradient {k} has shape "
                             f"{np.shape(h)}, but output {k} has shape "
                             f"{o._data.shape}; they must be equal")
    return heads


def _recorded_gradients(f, arrays, heads):
    """Gradients of <heads, f(*arrays)>; inside an outer record() they are recorded
    (create_graph), to be differentiated again. Arrays already in an outer graph stay
    in it."""
    outer = autograd.is_recording()
    for a in arrays:
        if a._node is None:
            a.attach_grad()
    with autograd.record():
        outs = _outputs(f(*arrays))
    heads = _heads(heads, outs)
    linked = [(o, h) for o, h in zip(outs, heads) if o._node is not None]
    if not linked:  # f does not depend on its inputs
        return [type(a)._wrap(np.zeros_like(a._data)) for a in arrays]
    return autograd._grad([o for o, _ in linked], list(arrays),
                          head_grads=[type(o)._wrap(h) for o, h in linked],
                          create_graph=outer, allow_unreachable=True)


class _Check:
    """One comparison of ``f``'s analytic gradient at ``xs`` with numeric ones."""

    def __init__(self, f, xs, cls, heads, eps, rtol, atol, method, nondiff, what):
        self.f, self.xs, self.cls, self.heads = f, xs, cls, heads
        self.eps, self.rtol, self.atol = eps, rtol, atol
        self.method, self.nondiff, self.what = method, nondiff, what

    def loss(self, xs):
        """<heads, f(*xs)>, not recorded; complex under the complex step."""
        outs = _evaluate(self.f, xs, self.cls)
        return sum(np.sum(o._data * h) for o, h in zip(outs, _heads(self.heads, outs)))

    def numeric(self, v, detail=False):
        """Derivatives of the loss along ``v`` (one array per input): (central, lower,
        upper, kink). With ``detail`` (three more evaluations) the one-sided ones and
        ``kink``, the larger of the third and fourth differences over eps: about 0
        where f is smooth (they cancel the curvature), of the size of the slope change
        at a kink (even: abs) or a jump (odd: sign)."""
        h = self.eps
        if self.method == "complex":
            step = self.loss([x + 1j * h * d for x, d in zip(self.xs, v)])
            return step.imag / h, np.nan, np.nan, np.nan
        at = lambda t: self.loss([x + t * h * d for x, d in zip(self.xs, v)])  # noqa
        up, down = at(1), at(-1)
        if not detail:
            return (up - down) / (2 * h), np.nan, np.nan, np.nan
        mid, up2, down2 = at(0), at(2), at(-2)
        return ((up - down) / (2 * h), (mid - down) / h, (up - mid) / h,
                max(abs(up2 - 2 * up + 2 * down - down2),
                    abs(up2 - 4 * up + 6 * mid - 4 * down + down2)) / h)

    def analytic(self):
        arrays = [self.cls._wrap(x.copy()) for x in self.xs]
        grads = _recorded_gradients(self.f, arrays, self.heads)
        return [np.asarray(g._data, dtype=np.float64) for g in grads]

    def run(self, directions, rng):
        self.grads = self.analytic()
        for k, (g, x) in enumerate(zip(self.grads, self.xs)):
            if g.shape != x.shape:
                raise AssertionError(f"{self.what}: input {k}: gradient shape "
                                     f"{g.shape}, expected {x.shape}")
        if directions is not None and all(self.projection_agrees(rng)
                                           for _ in range(directions)):
            return
        for k in range(len(self.xs)):
            self.compare_elements(k)

    def projection_agrees(self, rng):
        v = [_direction(rng, x.shape) for x in self.xs]
        a = sum(float(np.sum(g * d)) for g, d in zip(self.grads, v))
        # Root-sum-square of the elements' tolerances along v.
        tol = np.sqrt(sum(np.sum(((self.atol + self.rtol * np.abs(g)) * d) ** 2)
                          for g, d in zip(self.grads, v)))
        n, lo, hi, _ = self.numeric(v, detail=self.nondiff == "subgradient")
        if self.nondiff == "subgradient":
            return min(lo, hi) - tol <= a <= max(lo, hi) + tol
        return abs(a - n) <= tol

    def elementwise(self, k, detail):
        """Numeric (central, lower, upper, kink) derivatives for each element of input
        k (see ``numeric``)."""
        x = self.xs[k]
        out = [np.zeros(x.shape) for _ in range(4)]
        for i in np.ndindex(x.shape):
            v = [np.zeros(y.shape) for y in self.xs]
            v[k][i] = 1.0
            for arr, value in zip(out, self.numeric(v, detail)):
                arr[i] = value
        return out

    def compare_elements(self, k):
        a = self.grads[k]
        n, lo, hi, kink = self.elementwise(k, self.method == "central")
        tol = self.atol + self.rtol * np.abs(n)
        low, high = np.fmin(lo, hi), np.fmax(lo, hi)
        kink = kink > tol
        bad = np.abs(a - n) > tol
        if self.nondiff == "skip":
            bad &= ~kink
        elif self.nondiff == "subgradient":
            bad &= ~(kink & (a >= low - tol) & (a <= high + tol))
        if not bad.any():
            return
        i = np.unravel_index(np.argmax(bad), a.shape)
        a_i, n_i = float(a[i]), float(n[i])
        note = ""
        if self.method == "complex":
            note = _COMPLEX_HINT
        elif kink[i]:
            note = (f"\n  f is not differentiable there: the one-sided derivatives are "
                    f"{float(lo[i])!r} and {float(hi[i])!r}"
                    + ("" if self.nondiff != "error" else " (see check_gradients' "
                       "nondiff=, or keep inputs away from the kink)"))
        raise AssertionError(
            f"{self.what}: input {k} (shape {a.shape}) element {tuple(map(int, i))}: "
            f"ndgrad gives {a_i!r}, numeric differentiation gives {n_i!r} (abs error "
            f"{abs(a_i - n_i):.3g}); {int(bad.sum())} of {bad.size} elements off{note}\n"
            f"  input {k} = {np.array2string(self.xs[k])}")
