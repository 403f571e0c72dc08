"""ndgrad: MXNet's imperative autograd and array API on NumPy, with a Cython core.

    >>> from ndgrad import autograd, nd
    >>> x = nd.arange(4).reshape(4, 1)
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = 2 * nd.dot(x.T, x)
    >>> y.backward()
    >>> x.grad.asnumpy().ravel().tolist()
    [0.0, 4.0, 8.0, 12.0]
"""
from ndgrad import autograd, nd, random
from ndgrad._engine import AutogradError
from ndgrad._threads import get_num_threads, set_num_threads
from ndgrad._version import __version__
from ndgrad.context import Context, cpu, current_context, gpu
from ndgrad.ndarray import NDArray
from ndgrad import numpy as np, numpy_extension as npx  # noqa: E402  (after nd)

# MXNet code catches MXNetError; ndgrad's autograd misuse errors are of that class.
MXNetError = AutogradError

__all__ = ["autograd", "nd", "np", "npx", "random", "cpu", "gpu", "current_context",
           "Context", "NDArray", "AutogradError", "MXNetError", "get_num_threads",
           "set_num_threads", "__version__"]
