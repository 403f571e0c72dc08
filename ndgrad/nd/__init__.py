"""The legacy ``nd`` namespace: MXNet's ``mxnet.nd``, generated from the op registry."""
from ndgrad import ops  # noqa: F401  (registers the ops)
from ndgrad._namespace import populate
from ndgrad.context import Context, cpu, current_context  # noqa: F401
from ndgrad.nd import random
from ndgrad.ndarray import NDArray

populate(globals(), {"random": random}, NDArray)

# Methods MXNet's NDArray has that are plain calls of the namespace's functions.
_METHODS = ("sum", "mean", "norm", "exp", "log", "sqrt", "square", "sin", "cos", "tanh",
            "sigmoid", "relu", "abs", "sign", "zeros_like", "ones_like", "transpose",
            "broadcast_to", "expand_dims", "reciprocal", "expm1", "log1p")


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


for _name in _METHODS:
    setattr(NDArray, _name, _method(globals()[_name]))


def waitall():
    """Computation is synchronous in ndgrad: nothing to wait for."""
