"""Opt-in threads for large elementwise calls (``ndgrad.set_num_threads``).

With more than one thread and large enough same-shape C-contiguous float arrays,
``split(fn, *args)`` runs ``fn`` on one contiguous chunk per thread, each writing its
part of the output. NumPy's ufuncs and ndgrad's fused kernels release the GIL in their
loops, so the chunks run in parallel. Each element is computed by the same loop as in
one call, so the result is the same bit for bit; only elementwise functions may be
passed (a chunked reduction would round differently). Anything that might not split
cleanly (broadcasting, views, mixed dtypes, keyword arguments other than ``out``)
gives None, and the caller makes the plain call itself: from compiled code, so that
NumPy's warnings keep pointing at the user's line, not at this module.
"""
import operator
import os
import threading

import numpy as np

# Smallest array split (elements). Measured on this project's shared 2-CPU x86-64
# (AVX2) box, float32: handing chunks to the pool and waiting for them costs 100-150 us,
# and splitting saves at most half the call. add takes ~50 us on 256K elements (it can
# only lose) and 300-500 us on 1M; tanh, ~15x dearer per element, could pay from 64K.
# 1M is where the cheapest split op can gain. (With no idle core, as during these
# measurements, threads lose at every size: hence opt-in.) Tests lower it.
MIN_SIZE = 1 << 20
# Chunk lengths are multiples of this many elements (16 KiB of float32): chunks start
# on the same SIMD boundaries as the whole array and only the last one has a tail.
BLOCK = 4096


def _rule(who, got):
    return f"{who}: the number of threads must be a positive int, got {got}"


def _check(n, who):
    """n as an int, or an error naming ``who`` and the rule."""
    try:
        if isinstance(n, bool):  # operator.index takes True as 1
            raise TypeError
        count = operator.index(n)
    except TypeError:
        raise TypeError(_rule(who, f"{n!r} ({type(n).__name__})")) from None
    if count < 1:
        raise ValueError(_rule(who, count))
    return count


def _from_environment():
    """NDGRAD_NUM_THREADS, read once at import; unset or empty is 1."""
    value = os.environ.get("NDGRAD_NUM_THREADS", "").strip()
    if not value:
        return 1
    try:
        n = int(value)
    except ValueError:
        raise ValueError(_rule("NDGRAD_NUM_THREADS", repr(value))) from None
    return _check(n, "NDGRAD_NUM_THREADS")


_count = _from_environment()
_pool = None
_lock = threading.Lock()


def set_num_threads(n):
    """Run large elementwise ops (add, subtract, multiply, divide, tanh, the fused
    backward kernels, gradient accumulation) on ``n`` threads; 1, the default, runs
    everything on the calling thread. Results do not depend on ``n``.

    Raises TypeError for a non-integer and ValueError for ``n < 1``.
    """
    global _count, _pool
    count = _check(n, "set_num_threads")
    with _lock:
        if count != _count and _pool is not None:
            _pool.shutdown(wait=False)  # its running chunks still finish
            _pool = None
        _count = count


def get_num_threads():
    """The number of threads large elementwise ops run on (``set_num_threads``)."""
    return _count


def _executor():
    global _pool
    with _lock:
        if _pool is None:
            import concurrent.futures  # here: 7 ms of import time nobody else needs

            # The calling thread runs a chunk itself: the pool needs one fewer.
            _pool = concurrent.futures.ThreadPoolExecutor(
                _count - 1, thread_name_prefix="ndgrad")
        return _pool


def _forget_pool():
    # A forked child has none of the parent's threads: submitting to the copied pool
    # would wait forever (and another thread may have held the lock at the fork).
    global _pool, _lock
    _pool, _lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _splittable(args, kwargs):
    """The array whose shape and dtype every operand and the output share, if the call
    can be split; else None."""
    for ref in args:
        if type(ref) is np.ndarray:
            break
    else:
        return None
    if (ref.size < MIN_SIZE or ref.dtype.kind != "f"
            or not ref.dtype.isnative or not kwargs.keys() <= {"out"}):
        return None
    for a in args:
        if type(a) is np.ndarray:
            if a.shape != ref.shape or a.dtype != ref.dtype or not a.flags.c_contiguous:
                return None
        elif type(a) is not float and type(a) is not int:
            return None
    if np.result_type(*args) != ref.dtype:  # a scalar that promotes (NumPy < 2)
        return None
    out = kwargs.get("out")
    if out is not None and not (
            type(out) is np.ndarray and out.shape == ref.shape and out.dtype == ref.dtype
            and out.flags.c_contiguous and out.flags.writeable
            and all(a is out or not np.may_share_memory(a, out)
                    for a in args if type(a) is np.ndarray)):
        return None
    return ref


def _bounds(n, parts):
    """[lo, hi) ranges covering range(n), at most ``parts`` of them, each but the last
    a multiple of BLOCK long."""
    step = -(-n // parts)
    step = -(-step // BLOCK) * BLOCK
    return [(lo, min(lo + step, n)) for lo in range(0, n, step)]


def split(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` computed in chunks on the threads, for an elementwise
    ``fn`` that maps float arrays of one dtype to that dtype and takes ``out=``; None
    where that might not give the same result (see the module's docstring)."""
    count = _count
    ref = None if count == 1 else _splittable(args, kwargs)
    if ref is None:
        return None
    out = kwargs.get("out")
    if out is None:
        out = np.empty(ref.shape, ref.dtype)
    flat = [a.reshape(-1) if type(a) is np.ndarray else a for a in args]
    dest = out.reshape(-1)
    # np.errstate is per thread: each chunk reports floating-point errors as the
    # caller asked (warn, raise...).
    errors = {**np.geterr(), "call": np.geterrcall()}

    def part(lo, hi):
        with np.errstate(**errors):
            fn(*[a[lo:hi] if type(a) is np.ndarray else a for a in flat], out=dest[lo:hi])

    first, *rest = _bounds(ref.size, count)
    pending = [_executor().submit(part, lo, hi) for lo, hi in rest]
    try:
        part(*first)
    finally:
        for f in pending:  # no chunk may write after we return
            f.exception()  # waits; a chunk's error is raised below
        # A pool thread may hold ``part`` a moment longer, but not the arrays: an
        # extra reference would stop the engine from reusing a gradient's memory.
        flat = dest = None
    for f in pending:
        f.result()
    return out
