"""MXNet's autograd API: recording scopes, variables, backward and grad.

The graph and the backward pass are the Cython engine's (ndgrad._engine); this module
holds the user-facing surface: flags, argument checking and head gradients.
"""
import numpy as np

from ndgrad import _engine
from ndgrad._engine import AutogradError
from ndgrad._state import flags

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording",
           "is_training", "set_recording", "set_training", "mark_variables",
           "backward", "grad", "AutogradError", "Function", "get_symbol",
           "retain_grad", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "AnomalyError", "vjp", "jacobian", "hessian", "hvp"]


def set_recording(is_recording):
    """Turn recording on or off for this thread; returns the previous state."""
    prev, flags.recording = flags.recording, bool(is_recording)
    return prev


def set_training(train_mode):
    """Turn training mode on or off for this thread; returns the previous state."""
    prev, flags.training = flags.training, bool(train_mode)
    return prev


def is_recording():
    """Whether ops are being recorded for backward on this thread."""
    return flags.recording


def is_training():
    """Whether this thread is in training mode (Dropout, BatchNorm behave so)."""
    return flags.training


def record(train_mode=True):
    """Record the ops run in this block so that backward can go through them.

    Training mode is switched on too, unless ``train_mode=False``.
    """
    return _engine.Scope(True, train_mode)


def pause(train_mode=False):
    """Stop recording in this block (inside ``record()``); predict mode by default."""
    return _engine.Scope(False, train_mode)


def train_mode():
    """Training mode in this block, recording unchanged."""
    return _engine.Scope(None, True)


def predict_mode():
    """Predict mode in this block, recording unchanged."""
    return _engine.Scope(None, False)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Make arrays variables with the given gradient buffers (``attach_grad`` for
    several arrays at once, with buffers of your own)."""
    variables, gradients = _as_list(variables), _as_list(gradients)
    reqs = [grad_reqs] * len(variables) if isinstance(grad_reqs, str) else list(grad_reqs)
    if not len(variables) == len(gradients) == len(reqs):
        raise ValueError(f"mark_variables: {len(variables)} variables, {len(gradients)} "
                         f"gradients and {len(reqs)} grad_reqs; they must match")
    for k, (v, g, req) in enumerate(zip(variables, gradients, reqs)):
        if not isinstance(g, _engine.Array):
            raise TypeError(f"mark_variables: gradient {k} is a {type(g).__name__}; "
                            "gradient buffers must be ndgrad arrays (e.g. "
                            "nd.zeros_like(x))")
        if req not in ("write", "add", "null"):
            raise ValueError(f"mark_variables: grad_req must be 'write', 'add' or "
                             f"'null', not {req!r}")
        if g.shape != v.shape:
            raise ValueError(f"mark_variables: gradient shape {g.shape} does not match "
                             f"variable shape {v.shape}")
        v._node = _engine.VarNode(g, req)
        v._index = 0


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _given_head_grad(k, h, g, graph):
    """Head gradient ``g`` of head ``h`` checked and cast to the head's dtype."""
    if isinstance(g, _engine.Array):
        if not graph:
            g = g._data
    else:
        g = np.asarray(g)
    _engine.check_head_kind(k, np.dtype(g.dtype))
    if g.shape != h._data.shape:
        raise ValueError(f"backward: head gradient {k} has shape {g.shape}, but its "
                         f"head has shape {h._data.shape}; they must be equal")
    if g.dtype != h._data.dtype:
        g = g.astype(h._data.dtype) if isinstance(g, np.ndarray) else \
            _engine_cast(g, h._data.dtype)
    return g


def _engine_cast(g, dtype):
    from ndgrad.ops.shape import astype
    return astype(g, dtype=np.dtype(dtype))


def _run(heads, head_grads, retain_graph, create_graph, train_mode, variables=None,
         allow_unreachable=False):
    # The engine checks the heads, makes ones for None head gradients and passes the
    # others to _given_head_grad, in head order.
    head_grads = [None] * len(heads) if head_grads is None else _as_list(head_grads)
    return _engine.run_backward(heads, head_grads, retain_graph, create_graph, variables,
                                allow_unreachable, train_mode, _given_head_grad)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute the gradients of ``heads`` with respect to every variable they were
    computed from, and write (or add) them to the variables' ``.grad``.

    heads      -- an array or a list of arrays; non-scalar heads are summed.
    head_grads -- gradients of some outer function with respect to the heads (the
                  chain rule); None, or None entries, mean ones.
    retain_graph -- keep the graph so that backward can run through it again.
    """
    _run(_as_list(heads), head_grads, retain_graph, False, train_mode)


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Return the gradients of ``heads`` with respect to ``variables`` without
    touching any ``.grad``.

    With ``create_graph=True`` the computation of the gradients is itself recorded,
    so they can be differentiated again (any order, every op). ``retain_graph``
    defaults to ``create_graph``. Returns a list, or one array if ``variables`` is
    one array.
    """
    return _grad(heads, variables, head_grads, retain_graph, create_graph, train_mode)


def _grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
          train_mode=True, allow_unreachable=False):
    """grad(); with ``allow_unreachable`` a variable the heads do not depend on gets
    zeros instead of an error (what jacobian and check_gradients need)."""
    single = isinstance(variables, _engine.Array)
    variables = _as_list(variables)
    heads = _as_list(heads)
    if not variables:
        raise ValueError("grad: no variables given; pass the arrays to differentiate "
                         "with respect to")
    if not heads:
        raise ValueError("grad: no heads given; pass the arrays to differentiate")
    if retain_graph is None:
        retain_graph = create_graph
    results = _run(heads, head_grads, retain_graph, create_graph, train_mode, variables,
                   allow_unreachable)
    # Raw gradients may be read-only broadcast views: hand out writable arrays.
    results = [r if isinstance(r, _engine.Array) else
               type(v)._wrap(r if r.flags.writeable else r.copy())
               for r, v in zip(results, variables)]
    return results[0] if single else results


def retain_grad(array):
    """Keep the gradient that reaches ``array``, an array computed inside
    ``record()``, so that ``array.grad`` reads it after ``backward``.

    Each ``backward`` then writes (overwrites) that gradient; ``grad()`` does not
    touch it. Unlike ``attach_grad`` this does not cut ``array`` from what it was
    computed from. On a variable it changes nothing (its ``.grad`` is already kept).

        >>> from ndgrad import autograd, nd
        >>> x = nd.array([1.0, 2.0])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = x * x
        ...     autograd.retain_grad(y)
        ...     z = (y * 3).sum()
        >>> z.backward()
        >>> y.grad.asnumpy().tolist(), x.grad.asnumpy().tolist()
        ([3.0, 3.0], [6.0, 12.0])
    """
    node = getattr(array, "_node", None)
    if node is None:
        raise AutogradError(
            "retain_grad: this array is not part of a recorded graph; compute it "
            "inside `with autograd.record():` from arrays with attach_grad()")
    if isinstance(node, _engine.OpNode):
        if node.retained is None:
            node.retained = {}
        node.retained.setdefault(array._index, None)


def get_symbol(x):
    """The computation recorded above ``x`` (an array, or a list of arrays) as a
    ``ndgrad.graph.Graph``: ``list_arguments()``, ``list_outputs()``, ``str()`` and
    ``to_dot()`` (Graphviz text). Call it before backward frees the graph.

        >>> from ndgrad import autograd, nd
        >>> x = nd.array([1.0, 2.0])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = nd.exp(x) + x
        >>> g = autograd.get_symbol(y)
        >>> g.list_arguments(), g.list_outputs()
        (['var0'], ['node_1_output'])
    """
    from ndgrad import graph
    return graph.build(_as_list(x))


from ndgrad.anomaly import (AnomalyError, detect_anomaly, is_anomaly_enabled,  # noqa: E402
                            set_detect_anomaly)
from ndgrad.function import Function  # noqa: E402
from ndgrad.functional import hessian, hvp, jacobian, vjp  # noqa: E402
