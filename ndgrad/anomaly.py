"""Anomaly mode: find the op whose backward produced a NaN or an infinity.

While it is on, every recorded op keeps the Python stack at the point it was recorded
(the engine's anomaly hook fills ``OpNode.trace``), and every gradient a VJP computes
is checked: the first non-finite one raises an error naming the op and showing the
user's line that recorded it. While it is off the engine does neither (its hooks are
None), so normal code pays nothing.

The mode is process-wide, like the engine's hooks, not per thread.
"""
import os
import sys

import numpy as np

from ndgrad import _engine
from ndgrad._engine import AutogradError

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_SHOWN_FRAMES = 6  # the innermost user frames quoted in the error
_enabled = False


class AnomalyError(AutogradError):
    """A backward pass produced NaN or Inf under anomaly mode."""


def _trace():
    # The frames above the op call; lines are looked up only if an error is reported.
    import traceback  # here: only anomaly mode needs it
    stack = traceback.StackSummary.extract(traceback.walk_stack(sys._getframe(1)),
                                           lookup_lines=False)
    stack.reverse()
    return stack


def _where(node):
    """The user's frames (not ndgrad's) that recorded ``node``, formatted."""
    if node.trace is None:
        return (f"'{node.op.name}' was recorded while anomaly mode was off, so where "
                "it was recorded is unknown; turn anomaly mode on before the forward "
                "pass.")
    import traceback
    frames = [f for f in node.trace if not f.filename.startswith(_PACKAGE)]
    frames = traceback.StackSummary.from_list(frames[-_SHOWN_FRAMES:])
    return (f"'{node.op.name}' was recorded at (most recent call last):\n"
            + "".join(frames.format()).rstrip())


def _check(node, i, g):
    data = g._data if isinstance(g, _engine.Array) else np.asarray(g)
    if data.dtype.kind not in "fc" or np.isfinite(data).all():
        return
    what = "NaN" if np.isnan(data).any() else "Inf"
    raise AnomalyError(
        f"anomaly mode: the backward of '{node.op.name}' produced {what} in the "
        f"gradient for its input {i} (shape {data.shape}).\n{_where(node)}")


def set_detect_anomaly(mode):
    """Turn anomaly mode on or off (for the whole process); returns the previous state.

        >>> from ndgrad import autograd
        >>> autograd.set_detect_anomaly(True)
        False
        >>> autograd.set_detect_anomaly(False)
        True
    """
    global _enabled
    prev, _enabled = _enabled, bool(mode)
    if _enabled:
        _engine.set_anomaly_hook(_trace, _check)
    else:
        _engine.set_anomaly_hook(None, None)
    return prev


def is_anomaly_enabled():
    """Whether anomaly mode is on."""
    return _enabled


class detect_anomaly:
    """Anomaly mode for a ``with`` block (restores the previous state after).

        >>> from ndgrad import autograd, nd
        >>> x = nd.array([0.0])
        >>> x.attach_grad()
        >>> with autograd.detect_anomaly():
        ...     with autograd.record():
        ...         y = nd.sqrt(x)
        ...     y.backward()  # d sqrt(x)/dx = inf at 0
        Traceback (most recent call last):
        ...
        ndgrad.anomaly.AnomalyError: anomaly mode: the backward of 'sqrt' produced Inf...
    """

    def __enter__(self):
        self._prev = set_detect_anomaly(True)
        return self

    def __exit__(self, *exc):
        set_detect_anomaly(self._prev)
        return False
