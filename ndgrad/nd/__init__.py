"""The legacy ``nd`` namespace: MXNet's ``mxnet.nd``, generated from the op registry."""
from ndgrad import ops  # noqa: F401  (registers the ops)
from ndgrad._namespace import add_methods, populate
from ndgrad.context import Context, cpu, current_context  # noqa: F401
from ndgrad.nd import linalg, random
from ndgrad.nd.io import load, save  # noqa: F401
from ndgrad.ndarray import NDArray

populate(globals(), {"random": random, "linalg": linalg}, NDArray)

# Methods MXNet's NDArray has that are plain calls of the namespace's functions.
_METHODS = ("sum", "mean", "norm", "exp", "log", "sqrt", "square", "sin", "cos", "tanh",
            "sigmoid", "relu", "abs", "sign", "zeros_like", "ones_like", "transpose",
            "broadcast_to", "expand_dims", "reciprocal", "expm1", "log1p",
            # the rest of MXNet's NDArray methods over nd functions
            "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "cbrt", "ceil",
            "clip", "cosh", "degrees", "fix", "floor", "log10", "log2", "radians", "rcbrt",
            "rint", "round", "rsqrt", "sinh", "tan", "trunc", "max", "min", "prod",
            "nansum", "nanprod", "argmax", "argmin", "argsort", "sort", "topk",
            "broadcast_axes", "broadcast_like", "diag", "flatten", "flip", "one_hot",
            "pad", "pick", "repeat", "reshape_like", "shape_array", "size_array", "slice",
            "slice_axis", "slice_like", "split", "squeeze", "swapaxes", "take", "tile",
            "softmax", "log_softmax", "softmin")

add_methods(NDArray, globals(), _METHODS)


def waitall():
    """Computation is synchronous in ndgrad: nothing to wait for."""


def _tostype(self, stype):
    """A copy in storage type ``stype``; ndgrad's arrays are dense: only 'default'."""
    if stype != "default":
        raise ValueError(f"tostype: ndgrad has dense arrays only (stype 'default'), not "
                         f"{stype!r}")
    return self.copy()


NDArray.tostype = _tostype
