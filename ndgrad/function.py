"""``autograd.Function``: a computation with a gradient written by hand (MXNet's API).

A call runs the user's ``forward`` with recording paused, then records ONE engine op
for the whole call, whose VJP calls the user's ``backward``. Because that VJP receives
arrays linked to the graph under ``create_graph=True`` (as every VJP does), the user's
``backward`` is itself recorded and can be differentiated again. Saved inputs and
outputs are handed back to ``backward`` as the engine's saved values, so under
``create_graph`` they too are linked to the graph and higher derivatives are complete.
"""
import numpy as np

from ndgrad import _engine
from ndgrad._engine import AutogradError, Array
from ndgrad._state import flags


class Function:
    """Define a computation and its gradient yourself.

    Subclass it with ``forward(*inputs)`` (arrays in, an array or a tuple of arrays
    out; ops in it are not recorded) and ``backward(*output_grads)`` (one gradient
    per output in, one gradient per input out, in order: an array for a single input,
    a tuple for several; None means no gradient, and a NumPy array is accepted too).
    ``save_for_backward(*arrays)`` in ``forward`` keeps what ``backward`` needs, read
    back as ``self.saved_tensors``. An instance can be called only once.

        >>> from ndgrad import autograd, nd
        >>> class Sigmoid(autograd.Function):
        ...     def forward(self, x):
        ...         y = 1 / (1 + nd.exp(-x))
        ...         self.save_for_backward(y)
        ...         return y
        ...     def backward(self, dy):
        ...         y, = self.saved_tensors
        ...         return dy * y * (1 - y)
        >>> x = nd.array([0.0, 2.0])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = Sigmoid()(x)
        >>> y.backward()
        >>> [round(float(g), 4) for g in x.grad.asnumpy()]
        [0.25, 0.105]
    """

    # Class-level defaults, so that a subclass __init__ need not call super().
    _used = False
    saved_tensors = ()
    _plan = ()       # where each saved tensor comes from at backward time
    _cls = None      # array class of the inputs

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        """Keep ``args`` for ``backward`` (as ``self.saved_tensors``)."""
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError(f"{self._name}: define forward(self, *inputs)")

    def backward(self, *output_grads):
        raise NotImplementedError(f"{self._name}: define backward(self, *output_grads)")

    @property
    def _name(self):
        return type(self).__name__

    def __call__(self, *inputs):
        if self._used:
            raise AutogradError(
                f"{self._name}: a Function instance can be called only once; create a "
                f"new one for each call, e.g. {self._name}()(x)")
        self._used = True
        for k, x in enumerate(inputs):
            if not isinstance(x, Array):
                raise TypeError(f"{self._name}: input {k} is a {type(x).__name__}; "
                                "Function inputs must be arrays")
        recording, flags.recording = flags.recording, False
        try:
            result = self.forward(*inputs)
        finally:
            flags.recording = recording
        outputs = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        for k, y in enumerate(outputs):
            if not isinstance(y, Array):
                raise TypeError(f"{self._name}.forward must return arrays; output {k} "
                                f"is a {type(y).__name__}")
        if not recording or not inputs:
            return result
        return self._record(inputs, outputs, isinstance(result, Array))

    def _record(self, inputs, outputs, single):
        """Link the outputs to the graph through one op whose VJP is ``backward``."""
        self._cls = type(inputs[0])
        self._plan = tuple(_origin(t, inputs, outputs) for t in self.saved_tensors)
        # The forward already ran: the op's forward hands its results over, once
        # (so the op does not keep them alive afterwards).
        box = [outputs[0]._data if single else tuple(y._data for y in outputs)]
        op = _engine.Op(self._name, lambda *_: box.pop(), (self._vjp,), variadic=True,
                        save_inputs=any(kind == "input" for kind, _ in self._plan),
                        save_output=any(kind == "output" for kind, _ in self._plan))
        return _engine.apply(op, inputs, {})

    def _vjp(self, g, ans, *ins, argnums):
        # One call a pass (the op is variadic): the user's backward gives them all.
        grads = self._run_backward(g, ans, ins)
        return [grads[k] for k in argnums]

    def _run_backward(self, g, ans, ins):
        graph = isinstance(g[0] if type(g) is tuple else g, Array)
        wrap = self._wrap
        out_grads = [wrap(x) for x in (g if type(g) is tuple else (g,))]
        answers = ans if type(ans) is tuple else (ans,)
        saved = tuple(wrap(ins[ref]) if kind == "input" else
                      wrap(answers[ref]) if kind == "output" else ref
                      for kind, ref in self._plan)
        kept, self.saved_tensors = self.saved_tensors, saved
        try:
            grads = self.backward(*out_grads)
        finally:
            self.saved_tensors = kept
        grads = self._gradient_list(grads)
        if len(grads) != len(ins):
            raise ValueError(
                f"{self._name}.backward returned {len(grads)} gradient(s), but forward "
                f"took {len(ins)} input(s): return one gradient per input, in order")
        out = []
        for k, (gk, x) in enumerate(zip(grads, ins)):
            if gk is None:
                out.append(None)
                continue
            if not isinstance(gk, (Array, np.ndarray)):
                raise TypeError(f"{self._name}.backward: the gradient for input {k} is "
                                f"a {type(gk).__name__}, not an array")
            if gk.shape != x.shape:
                raise ValueError(
                    f"{self._name}.backward: the gradient for input {k} has shape "
                    f"{gk.shape}, but input {k} has shape {x.shape}")
            if graph:  # a NumPy gradient is a constant to create_graph
                out.append(wrap(gk))
            else:
                out.append(gk._data if isinstance(gk, Array) else gk)
        return out

    def _gradient_list(self, grads):
        """backward's result as one entry per input: a single array (ndgrad or NumPy)
        or None is the gradient of a single input, as in MXNet; a tuple or list holds
        one per input."""
        if grads is None or isinstance(grads, (Array, np.ndarray)):
            return (grads,)
        if isinstance(grads, (tuple, list)):
            return tuple(grads)
        raise TypeError(f"{self._name}.backward returned a {type(grads).__name__}; "
                        "return one gradient per input: an array (or None) for one "
                        "input, a tuple of them for several")

    def _wrap(self, x):
        return x if isinstance(x, Array) else self._cls._wrap(x)


def _origin(t, inputs, outputs):
    """("input", k), ("output", k) if ``t`` is that very array, else ("value", t)."""
    for kind, group in (("input", inputs), ("output", outputs)):
        for k, a in enumerate(group):
            if t is a:
                return kind, k
    return "value", t
