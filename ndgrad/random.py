"""The global random state shared by every namespace's samplers."""
import threading

import numpy as np

_lock = threading.Lock()
# Made on first use: numpy.random (and the hashlib, secrets... it imports) costs about
# a fifth of `import ndgrad`, which scripts that never sample should not pay.
_generator = None


def seed(seed_state, ctx="all"):
    """Seed ndgrad's random number generator (``ctx`` is accepted for MXNet code).

    The same seed gives the same samples on every run; the values differ from
    MXNet's, whose generator is a different one.
    """
    global _generator
    with _lock:
        _generator = np.random.default_rng(seed_state)


def generator():
    global _generator
    if _generator is None:
        with _lock:
            if _generator is None:
                _generator = np.random.default_rng()
    return _generator
