#!/usr/bin/env python
"""Benchmark ndgrad against hand-written NumPy (and optional autograd peers).

Every workload pairs an ndgrad implementation with a NumPy one that computes the
same forward pass AND the same backward pass by hand. The NumPy version is the
floor: what the arithmetic costs with no tape, no graph and no dispatch. The ratio
ndgrad/NumPy is therefore the price of automatic differentiation on that workload.

    python bench/run.py                     # every workload, full repeats
    python bench/run.py --workload chain    # one workload
    python bench/run.py --quick             # CI smoke run, ~30 s

Standard library and NumPy only. torch, HIPS autograd and mygrad are timed too when
importable (see bench/requirements-peers.txt) and skipped with a note otherwise.
After the table of medians it prints the per-op overhead of the chain workloads,
forward and backward apart, the peak memory of one ``big`` step against NumPy's and
what ``import ndgrad`` costs on top of ``import numpy``.

To add a workload, write a function that returns a ``Workload`` and decorate it with
``@workload("name", "one-line description")``; see ``chain`` below.
"""
from __future__ import annotations

import argparse
import gc
import importlib
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import Callable

# NumPy's elementwise ops run on one thread, but its matrix products go through
# OpenBLAS, which starts a thread per core. Pin it to one unless the caller chose,
# so that every ratio compares one thread with one thread (the multi-threaded rows
# of torch and ndgrad are the exceptions, and say so); threaded BLAS on a shared
# machine also swings by 10x from run to run. It only takes effect before NumPy is
# first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

# Measure the tree this file lives in (its in-place build), not some other ndgrad
# that happens to be installed: a benchmark of the wrong build is worse than none.
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

import ndgrad  # noqa: E402
from ndgrad import autograd, nd  # noqa: E402

# The NumPy version is the denominator of every ratio.
REFERENCE = "numpy"
# Gradients must agree this closely before anything is timed.
RTOL = 1e-4


# --------------------------------------------------------------------------- model

@dataclass
class Impl:
    """One implementation of a workload: a callable doing forward + backward, or a
    forward and a backward, timed apart for the per-op figure."""

    name: str
    # One full step, forward and backward (or, with ``backward``, the forward, whose
    # result backward takes), returning the gradients (or trained parameters) as the
    # library hands them out. The runner converts them to NumPy for its check,
    # outside the timing: ndgrad's asnumpy() copies (MXNet's contract), torch's
    # numpy() shares memory, so converting in the step would time a copy that only
    # some libraries make, not their autograd.
    forward: Callable[[], object]
    backward: Callable[[object], tuple] | None = None
    # How many primitive calls the forward and the backward make, and what they are,
    # for the per-op figure ("recorded op" for tape-based libraries: each is recorded
    # forward and has its VJP run backward; "NumPy call" for the hand-written
    # version). Reported for implementations with a backward.
    ops: tuple[int, int] = (0, 0)
    op_unit: str = "recorded op"

    def fn(self) -> tuple:
        """One step."""
        if self.backward is None:
            return self.forward()
        return self.backward(self.forward())


@dataclass
class Workload:
    """The implementations to time side by side; the registry holds name and doc."""

    impls: list[Impl]
    # Why a peer was not timed (not installed, failed to import, ...).
    notes: list[str] = field(default_factory=list)


# name -> (factory, description). A factory takes the parsed CLI options (for the
# seed and --no-peers) and returns a ready-to-time Workload.
WORKLOADS: dict[str, tuple[Callable[[argparse.Namespace], Workload], str]] = {}


def workload(name: str, description: str):
    def register(factory):
        WORKLOADS[name] = (factory, description)
        return factory
    return register


# ---------------------------------------------------------------------- peers

def _import_peer(module: str, notes: list[str]):
    """Import an optional peer library, or record why it is skipped."""
    try:
        return importlib.import_module(module)
    except ImportError:
        notes.append(f"{module}: not installed, skipped "
                     f"(pip install -r bench/requirements-peers.txt)")
    except Exception as exc:  # a broken install must not stop the ndgrad numbers
        notes.append(f"{module}: import failed ({type(exc).__name__}: {exc}), skipped")
    return None


def _workload(own: list[Impl], builders: dict[str, Callable],
              opts: argparse.Namespace) -> Workload:
    """ndgrad's and NumPy's implementations (``own``), then the peers whose library
    imports.

    ``builders`` maps a module name to a function taking that module and returning
    a list of Impl, so each workload only writes the peers that make sense for it.
    """
    notes: list[str] = []
    impls = list(own)
    if not opts.no_peers:
        for module, build in builders.items():
            mod = _import_peer(module, notes)
            if mod is None:
                continue
            try:
                impls.extend(build(mod))
            except ImportError as exc:  # a part of the peer it needs (autograd.scipy)
                notes.append(f"{module}: {exc}, skipped "
                             f"(pip install -r bench/requirements-peers.txt)")
    return Workload(impls, notes)


# torch's own default thread count, read before any workload changes it.
_TORCH_DEFAULT_THREADS: int | None = None


def _torch_variants(torch, step: Callable, backward: Callable | None = None,
                    ops: tuple[int, int] = (0, 0)) -> list[Impl]:
    """``step`` (with ``backward``, the forward) timed on one thread and on torch's
    default thread count.

    NumPy runs on one thread here (see OPENBLAS_NUM_THREADS above), so the
    1-thread figure is the like-for-like one; the default figure is what a torch
    user gets out of the box.
    """
    global _TORCH_DEFAULT_THREADS
    if _TORCH_DEFAULT_THREADS is None:
        _TORCH_DEFAULT_THREADS = torch.get_num_threads()

    def on(threads):
        def run():
            # The count is process-wide, so each variant sets its own; only when
            # it changes, as the call is not free.
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
            return step()
        return run
    impls = [Impl("torch(1 thread)", on(1), backward, ops)]
    if _TORCH_DEFAULT_THREADS != 1:
        impls.append(Impl(f"torch({_TORCH_DEFAULT_THREADS} threads, default)",
                          on(_TORCH_DEFAULT_THREADS), backward, ops))
    return impls


def _openblas_threads() -> Callable[[int], None] | None:
    """A setter of the thread count of the OpenBLAS that NumPy loaded (through ctypes;
    Linux, NumPy's wheels), or None where it cannot be found. Unpinned, as a NumPy
    user has it, OpenBLAS runs one thread per CPU."""
    import ctypes
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line})
    except OSError:
        return None
    for path in paths:
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "openblas_set_num_threads64_", "openblas_set_num_threads"):
            if hasattr(lib, name):
                setter = getattr(lib, name)
                setter.argtypes, setter.restype = [ctypes.c_int], None
                return setter
    return None


def _ndgrad_variants(step: Callable) -> list[Impl]:
    """``step`` on one thread, and where there are several CPUs on one per CPU: for
    ndgrad's own large calls (``ndgrad.set_num_threads``) and for NumPy's BLAS, back
    to its unpinned default for that row only (so that a matrix product's row
    compares with torch's default threads). ndgrad's count is set per call where it
    changes, as ``_torch_variants`` does; the BLAS count is set around the step and
    pinned again after it (~1 us), since NumPy, HIPS autograd and mygrad share it."""
    # Only over this file's own pin: a count the caller chose stays theirs.
    blas = _openblas_threads() if os.environ["OPENBLAS_NUM_THREADS"] == "1" else None

    def on(threads):
        def run():
            if ndgrad.get_num_threads() != threads:
                ndgrad.set_num_threads(threads)
            if threads == 1 or blas is None:
                return step()
            blas(threads)
            try:
                return step()
            finally:
                blas(1)
        return run
    cpus = os.cpu_count() or 1
    impls = [Impl("ndgrad", on(1))]
    if cpus > 1:
        impls.append(Impl(f"ndgrad({cpus} threads)", on(cpus)))
    return impls


class Skip(Exception):
    """A workload that cannot run on this tree yet; main prints why and goes on."""


def _require(*ops: str) -> None:
    missing = [op for op in ops if not hasattr(nd, op)]
    if missing:
        raise Skip(", ".join(f"op nd.{op} missing" for op in missing))


# ------------------------------------------------------------------ workloads

def _chain(rounds: int, opts: argparse.Namespace) -> Workload:
    """``rounds`` x ``y = tanh(y * 1.01) + y`` on 16 floats, then sum and backward.

    Tiny arrays and a long chain of cheap ops: the arithmetic is nearly free, so
    this measures per-op overhead of recording and replaying the tape.
    """
    x0 = np.random.default_rng(opts.seed).standard_normal(16).astype(np.float32)
    recorded_ops = 3 * rounds + 1  # mul, tanh, add per round; one sum

    # Inputs are created once, outside the timed step, as a training loop's
    # parameters are: the step is record + forward + backward, returning x.grad.
    # Each implementation comes in halves, forward and backward, for the per-op
    # figure; a step is one after the other.
    x_nd = nd.array(x0)
    x_nd.attach_grad()

    def ndgrad_forward():
        with autograd.record():
            y = x_nd
            for _ in range(rounds):
                y = nd.tanh(y * 1.01) + y
            return y.sum()

    def ndgrad_backward(s):
        s.backward()
        return (x_nd.grad,)

    def numpy_forward():
        # Forward, keeping each tanh output: it is all the backward pass needs,
        # since d tanh(u)/du = 1 - tanh(u)^2.
        ts = []
        y = x0
        for _ in range(rounds):
            t = np.tanh(y * 1.01)
            ts.append(t)
            y = t + y
        y.sum()  # its value is unused (d s/d y is ones), but ndgrad pays for it too
        return ts

    def numpy_backward(ts):
        # Reverse pass: y' = tanh(1.01 y) + y, so dy'/dy = 1 + 1.01 (1 - t^2).
        g = np.ones_like(x0)
        for t in reversed(ts):
            g = g + g * (1 - t * t) * 1.01
        return (g,)

    # NumPy calls per step: 3 per round forward (*1.01, tanh, +) and the sum; 5 per
    # round backward (t*t, 1-, g*, *1.01, g+) and ones_like.
    numpy_calls = (3 * rounds + 1, 5 * rounds + 1)
    recorded = (recorded_ops, recorded_ops)

    def torch_impls(torch):
        x_t = torch.tensor(x0, requires_grad=True)

        def forward():
            x_t.grad = None  # torch accumulates into .grad; ndgrad overwrites
            y = x_t
            for _ in range(rounds):
                y = torch.tanh(y * 1.01) + y
            return y.sum()

        def backward(s):
            s.backward()
            return (x_t.grad.numpy(),)
        return _torch_variants(torch, forward, backward, recorded)

    def hips_impls(ag):
        anp = importlib.import_module("autograd.numpy")

        def f(x):
            y = x
            for _ in range(rounds):
                y = anp.tanh(y * 1.01) + y
            return anp.sum(y)
        vjp_of_f = ag.make_vjp(f)  # ag.grad(f) is this forward, then vjp(1.0)

        def forward():
            return vjp_of_f(x0)[0]

        def backward(vjp):
            # Its tanh VJP is g / cosh(x)**2; cosh overflows to inf once |y| is
            # large, which gives the right 0 but warns on every call.
            with np.errstate(over="ignore"):
                return (vjp(1.0),)
        return [Impl("hips-autograd", forward, backward, recorded)]

    def mygrad_impls(mg):
        x_mg = mg.tensor(x0)

        def forward():
            y = x_mg
            for _ in range(rounds):
                y = mg.tanh(y * 1.01) + y
            return mg.sum(y)

        def backward(s):
            s.backward()
            return (x_mg.grad,)
        return [Impl("mygrad", forward, backward, recorded)]

    return _workload([
        Impl("ndgrad", ndgrad_forward, ndgrad_backward, recorded),
        Impl(REFERENCE, numpy_forward, numpy_backward, numpy_calls, "NumPy call"),
    ], {"torch": torch_impls, "autograd": hips_impls, "mygrad": mygrad_impls},
        opts)


@workload("chain", "300 rounds of y = tanh(y*1.01) + y on 16 float32, sum, backward")
def chain(opts):
    return _chain(300, opts)


@workload("chain100", "100 rounds of y = tanh(y*1.01) + y on 16 float32, sum, backward")
def chain100(opts):
    return _chain(100, opts)


def _flat(grads: tuple) -> np.ndarray:
    """A step's gradients as one NumPy vector, so one check covers them all."""
    return np.concatenate([np.asarray(g.asnumpy() if hasattr(g, "asnumpy") else g,
                                      dtype=np.float32).ravel() for g in grads])


@workload("mlp", "784-256-10 ReLU MLP, batch 128, log_softmax + pick loss, backward")
def mlp(opts):
    """One training step's gradients of a small MLP, as in d2l's MLP chapter.

    Mid-sized matrix products dominate, so this measures autograd's cost when the
    arithmetic is real: the ratio should approach 1.
    """
    _require("pick", "log_softmax")
    rng = np.random.default_rng(opts.seed)
    n, d, h, k = 128, 784, 256, 10
    X = rng.standard_normal((n, d)).astype(np.float32)
    y = rng.integers(0, k, n)
    params0 = [(rng.standard_normal((d, h)) * 0.05).astype(np.float32),
               (rng.standard_normal(h) * 0.05).astype(np.float32),
               (rng.standard_normal((h, k)) * 0.05).astype(np.float32),
               (rng.standard_normal(k) * 0.05).astype(np.float32)]

    X_nd, y_nd = nd.array(X), nd.array(y)  # float labels, as MXNet code has them
    params_nd = [nd.array(p) for p in params0]
    for p in params_nd:
        p.attach_grad()

    def ndgrad_step():
        W1, b1, W2, b2 = params_nd
        with autograd.record():
            o = nd.dot(nd.relu(nd.dot(X_nd, W1) + b1), W2) + b2
            loss = nd.mean(-nd.pick(nd.log_softmax(o), y_nd))
        loss.backward()
        return tuple(p.grad for p in params_nd)

    rows = np.arange(n)

    def numpy_step():
        W1, b1, W2, b2 = params0
        a = X @ W1 + b1
        hid = np.maximum(a, 0)
        o = hid @ W2 + b2
        z = o - o.max(axis=1, keepdims=True)  # max subtraction: exp cannot overflow
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        -logp[rows, y].mean()  # the loss value; ndgrad computes it too
        # d loss / d o = (softmax(o) - onehot(y)) / n.
        do = np.exp(logp)
        do[rows, y] -= 1
        do /= n
        dhid = (do @ W2.T) * (a > 0)
        return X.T @ dhid, dhid.sum(axis=0), hid.T @ do, do.sum(axis=0)

    def torch_impls(torch):
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
        ps = [torch.tensor(p, requires_grad=True) for p in params0]

        def step():
            W1, b1, W2, b2 = ps
            for p in ps:
                p.grad = None
            o = torch.relu(X_t @ W1 + b1) @ W2 + b2
            loss = (-torch.log_softmax(o, 1).gather(1, y_t[:, None])).mean()
            loss.backward()
            return tuple(p.grad.numpy() for p in ps)
        return _torch_variants(torch, step)

    def hips_impls(ag):
        anp = importlib.import_module("autograd.numpy")
        logsumexp = importlib.import_module("autograd.scipy.special").logsumexp

        def loss(W1, b1, W2, b2):
            o = anp.dot(anp.maximum(anp.dot(X, W1) + b1, 0), W2) + b2
            logp = o - logsumexp(o, axis=1, keepdims=True)
            return anp.mean(-logp[rows, y])
        dloss = ag.grad(loss, (0, 1, 2, 3))
        return [Impl("hips-autograd", lambda: dloss(*params0))]

    def mygrad_impls(mg):
        nnet = importlib.import_module("mygrad.nnet")
        ps = [mg.tensor(p) for p in params0]

        def step():
            W1, b1, W2, b2 = ps
            o = mg.matmul(nnet.relu(mg.matmul(X, W1) + b1), W2) + b2
            mg.mean(-nnet.logsoftmax(o, axis=1)[rows, y]).backward()
            return tuple(p.grad for p in ps)
        return [Impl("mygrad", step)]

    # The same NumPy step holding on to its previous gradients until the next ones
    # exist, as x.grad holds them in every autograd library (NumPy's own step lets
    # them go, so that its next results reuse memory still in cache): what that
    # contract alone costs.
    previous = []

    def numpy_step_keeping_grads():
        grads = numpy_step()
        previous[:] = [grads]
        return grads

    return _workload([
        *_ndgrad_variants(ndgrad_step),
        Impl(REFERENCE, numpy_step),
        Impl(f"{REFERENCE}(grads kept)", numpy_step_keeping_grads),
    ], {"torch": torch_impls, "autograd": hips_impls, "mygrad": mygrad_impls},
        opts)


BIG_SIZE, BIG_QUICK_SIZE = 4_194_304, 262_144


@workload("big", f"tanh(x)*x + x*x summed over x of {BIG_SIZE:,} float32, backward")
def big(opts):
    """Few ops on large arrays: memory traffic dominates and per-op overhead is
    noise, so any ratio above 1 is extra passes over the data or extra copies."""
    size = BIG_QUICK_SIZE if opts.quick else BIG_SIZE
    notes = [] if size == BIG_SIZE else \
        [f"big: --quick uses x of {size:,} elements, not {BIG_SIZE:,}"]
    x0 = np.random.default_rng(opts.seed).standard_normal(size).astype(np.float32)

    x_nd = nd.array(x0)
    x_nd.attach_grad()

    def ndgrad_step():
        with autograd.record():
            t = nd.tanh(x_nd)
            loss = (t * x_nd + x_nd * x_nd).sum()
        loss.backward()
        return (x_nd.grad,)

    def numpy_step():
        t = np.tanh(x0)
        (t * x0 + x0 * x0).sum()
        # d/dx [tanh(x) x + x^2] = (1 - t^2) x + t + 2x
        return ((1 - t * t) * x0 + t + 2 * x0,)

    def torch_impls(torch):
        x_t = torch.tensor(x0, requires_grad=True)

        def step():
            x_t.grad = None
            t = torch.tanh(x_t)
            (t * x_t + x_t * x_t).sum().backward()
            return (x_t.grad.numpy(),)
        return _torch_variants(torch, step)

    def hips_impls(ag):
        anp = importlib.import_module("autograd.numpy")

        def loss(x):
            t = anp.tanh(x)
            return anp.sum(t * x + x * x)
        dloss = ag.grad(loss)
        return [Impl("hips-autograd", lambda: (dloss(x0),))]

    def mygrad_impls(mg):
        x_mg = mg.tensor(x0)

        def step():
            t = mg.tanh(x_mg)
            mg.sum(t * x_mg + x_mg * x_mg).backward()
            return (x_mg.grad,)
        return [Impl("mygrad", step)]

    wl = _workload([
        *_ndgrad_variants(ndgrad_step),
        Impl(REFERENCE, numpy_step),
    ], {"torch": torch_impls, "autograd": hips_impls, "mygrad": mygrad_impls},
        opts)
    wl.notes[:0] = notes
    return wl


@workload("linreg", "d2l linear regression from scratch: 1000x2 data, batch 10, "
                    "3 epochs (300 SGD steps)")
def linreg(opts):
    """The whole d2l "linear regression from scratch" training loop per call.

    Tiny batches, so as in ``chain`` the time is mostly per-op overhead, here of a
    realistic mix: ``take``, a recorded loss, ``backward`` of a non-scalar and
    in-place parameter updates. Compares the final w and b.
    """
    _require("take")
    rng = np.random.default_rng(opts.seed)
    n, batch_size, epochs, lr = 1000, 10, 3, 0.03
    true_w, true_b = np.array([2, -3.4], np.float32), np.float32(4.2)
    features = rng.standard_normal((n, 2)).astype(np.float32)
    labels = (features @ true_w + true_b
              + rng.normal(scale=0.01, size=n)).astype(np.float32)
    w0 = rng.normal(scale=0.01, size=(2, 1)).astype(np.float32)
    b0 = np.zeros(1, np.float32)

    def batches():
        """Index batches of every epoch; reseeded so every implementation, and
        every call, sees the same shuffles."""
        shuffle = np.random.default_rng(opts.seed + 1)
        for _ in range(epochs):
            idx = shuffle.permutation(n)
            for i in range(0, n, batch_size):
                yield idx[i:i + batch_size]

    features_nd, labels_nd = nd.array(features), nd.array(labels)

    def ndgrad_step():
        w, b = nd.array(w0), nd.array(b0)
        w.attach_grad()
        b.attach_grad()
        for idx in batches():
            j = nd.array(idx)
            X, y = nd.take(features_nd, j), nd.take(labels_nd, j)
            with autograd.record():
                yhat = nd.dot(X, w) + b
                loss = (yhat - y.reshape(yhat.shape)) ** 2 / 2
            loss.backward()
            w[:] = w - lr * w.grad / batch_size
            b[:] = b - lr * b.grad / batch_size
        return w, b

    def numpy_step():
        w, b = w0.copy(), b0.copy()
        for idx in batches():
            X, y = features[idx], labels[idx]
            r = X @ w + b - y.reshape(-1, 1)
            r ** 2 / 2  # the loss value; ndgrad computes it too
            # backward of a non-scalar loss sums it: d/dyhat sum(r^2/2) = r
            w -= lr * (X.T @ r) / batch_size
            b -= lr * r.sum(axis=0) / batch_size
        return w, b

    def torch_impls(torch):
        features_t, labels_t = torch.from_numpy(features), torch.from_numpy(labels)

        def step():
            w = torch.tensor(w0, requires_grad=True)
            b = torch.tensor(b0, requires_grad=True)
            for idx in batches():
                j = torch.from_numpy(idx)
                X, y = features_t.index_select(0, j), labels_t.index_select(0, j)
                yhat = X @ w + b
                ((yhat - y.reshape(yhat.shape)) ** 2 / 2).sum().backward()
                with torch.no_grad():
                    w -= lr * w.grad / batch_size
                    b -= lr * b.grad / batch_size
                w.grad = b.grad = None
            return w.detach().numpy(), b.detach().numpy()
        return _torch_variants(torch, step)

    def hips_impls(ag):
        anp = importlib.import_module("autograd.numpy")

        def loss(w, b, X, y):
            yhat = anp.dot(X, w) + b
            return anp.sum((yhat - anp.reshape(y, yhat.shape)) ** 2 / 2)
        dloss = ag.grad(loss, (0, 1))

        def step():
            w, b = w0.copy(), b0.copy()
            for idx in batches():
                dw, db = dloss(w, b, features[idx], labels[idx])
                w = w - lr * dw / batch_size
                b = b - lr * db / batch_size
            return w, b
        return [Impl("hips-autograd", step)]

    def mygrad_impls(mg):
        def step():
            w, b = mg.tensor(w0), mg.tensor(b0)
            for idx in batches():
                X, y = features[idx], labels[idx]
                yhat = mg.matmul(X, w) + b
                ((yhat - y.reshape(yhat.shape)) ** 2 / 2).backward()
                w = mg.tensor(w.data - lr * w.grad / batch_size)
                b = mg.tensor(b.data - lr * b.grad / batch_size)
            return w.data, b.data
        return [Impl("mygrad", step)]

    return _workload([
        Impl("ndgrad", ndgrad_step),
        Impl(REFERENCE, numpy_step),
    ], {"torch": torch_impls, "autograd": hips_impls, "mygrad": mygrad_impls},
        opts)


# --------------------------------------------------------------------- timing

def check(name: str, wl: Workload) -> None:
    """Refuse to time implementations that don't compute the same gradient.

    Each step runs twice, so an implementation that accumulates gradients across
    calls (instead of overwriting them) is caught too: its timed steps would not be
    doing the work the others do.
    """
    ref_impl = next(i for i in wl.impls if i.name == REFERENCE)
    ref = _flat(ref_impl.fn())
    # Absolute slack at the gradient's scale: an element near zero is a sum of terms
    # that cancel, whose last bits depend on each library's summation order (torch's
    # mlp bias gradient differs by 1% of such an element on AMD EPYC).
    atol = RTOL * float(np.max(np.abs(ref), initial=0))
    for impl in wl.impls:
        for call in (1, 2):
            got = _flat(impl.fn())
            if got.shape != ref.shape or not np.allclose(got, ref, rtol=RTOL, atol=atol):
                err = np.max(np.abs(got - ref) / np.maximum(np.abs(ref), 1e-30)) \
                    if got.shape == ref.shape else float("nan")
                raise SystemExit(
                    f"bench: {name}: gradient of {impl.name} (call {call}) differs "
                    f"from {REFERENCE}'s (max relative error {err:.3g}, rtol {RTOL}); "
                    f"refusing to time different computations")


def _sample(fn: Callable, number: int) -> float:
    """Seconds per call, over ``number`` back-to-back calls."""
    # Collect first so one implementation's garbage is not charged to the next;
    # gc stays enabled during the sample, because its cost is part of each library.
    gc.collect()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def _sample_phases(impl: Impl, number: int) -> tuple[float, float]:
    """Seconds per call of ``impl``'s forward and of its backward, over ``number``
    back-to-back steps, each timed in its two halves."""
    gc.collect()
    clock = time.perf_counter
    forward = backward = 0.0
    for _ in range(number):
        t0 = clock()
        state = impl.forward()
        t1 = clock()
        impl.backward(state)
        state = None  # freeing the graph is the backward's, as in a step
        t2 = clock()
        forward += t1 - t0
        backward += t2 - t1
    return forward / number, backward / number


def calibrate(fn: Callable, min_time: float) -> int:
    """Calls per sample so that one sample lasts at least ``min_time`` seconds.

    Short samples are dominated by timer resolution and scheduler jitter; batching
    calls until a sample is tens of milliseconds long makes each sample stable.
    """
    number = 1
    while True:
        per_call = _sample(fn, number)
        if per_call * number >= min_time:
            return number
        # Aim 20% past the target so one more try almost always suffices.
        number = max(number + 1, math.ceil(1.2 * min_time / max(per_call, 1e-9)))


@dataclass
class Result:
    impl: Impl
    number: int           # calls per sample
    samples: list[float]  # seconds per call, one per round
    # Seconds per call of the forward and of the backward, one pair per round (for
    # an implementation with a backward).
    phases: list[tuple[float, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def iqr(self) -> tuple[float, float]:
        return _quartiles(self.samples)


def _quartiles(xs: list[float]) -> tuple[float, float]:
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def measure(wl: Workload, repeat: int, min_time: float) -> list[Result]:
    # Warm up (imports, caches, allocator, branch predictors) before calibrating.
    for impl in wl.impls:
        impl.fn()
    results = [Result(impl, calibrate(impl.fn, min_time), []) for impl in wl.impls]
    # Interleave: one sample of each implementation per round, so a burst of noise
    # from the rest of the machine hits all of them alike instead of landing
    # entirely on whichever ran during it. The starting implementation rotates so
    # none is always the one that runs right after another's garbage or cache use.
    n = len(results)
    for r in range(repeat):
        for k in range(n):
            res = results[(r + k) % n]
            res.samples.append(_sample(res.impl.fn, res.number))
    # Then the halves, interleaved the same way: apart from the steps, so that
    # reading the clock inside a step does not touch the headline figures.
    split = [res for res in results if res.impl.backward is not None]
    for r in range(repeat if split else 0):
        for k in range(len(split)):
            res = split[(r + k) % len(split)]
            res.phases.append(_sample_phases(res.impl, res.number))
    return results


# -------------------------------------------------------------------- output

def fmt_time(seconds: float) -> str:
    """Three significant digits, in a unit suited to the size; plain ASCII ('us',
    not the micro sign) so the table survives any CI log's encoding."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        v = seconds / scale
        if v >= 1 or unit == "ns":
            return f"{v:.{2 if v < 10 else 1 if v < 100 else 0}f} {unit}"


def table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells):
        return " | ".join(c.rjust(w) if i in right else c.ljust(w)
                          for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def report(all_results: dict[str, list[Result]]) -> str:
    rows, op_rows = [], []
    for name, results in all_results.items():
        ref = next(r for r in results if r.impl.name == REFERENCE)
        for res in results:
            q1, q3 = res.iqr
            # Ratio of medians is the headline. Because the rounds are interleaved,
            # the per-round ratios are paired measurements; their quartiles show how
            # much the ratio itself moves with machine noise.
            if res is ref:
                paired_iqr = "-"
            else:
                paired = [a / b for a, b in zip(res.samples, ref.samples)]
                paired_iqr = "{:.2f} .. {:.2f}".format(*_quartiles(paired))
            rows.append([
                name, res.impl.name, fmt_time(res.median),
                f"{fmt_time(q1)} .. {fmt_time(q3)}",
                f"{res.median / ref.median:.2f}x",
                paired_iqr,
            ])
            if res.phases:
                n_fwd, n_bwd = res.impl.ops
                fwd = statistics.median(f for f, _ in res.phases)
                bwd = statistics.median(b for _, b in res.phases)
                op_rows.append([
                    name, res.impl.name, f"{fwd / n_fwd * 1e6:.3f} us",
                    f"{bwd / n_bwd * 1e6:.3f} us",
                    f"per {res.impl.op_unit}", f"{n_fwd} + {n_bwd}",
                ])
    out = [table(rows, ["workload", "impl", "median/call", "IQR (q1 .. q3)",
                        "ratio to numpy", "paired-ratio IQR"], {2, 4, 5})]
    if op_rows:
        out += ["", "Per-op overhead (median time of the forward and of the backward, "
                "timed apart, per primitive call in each: a recorded op is one call "
                "forward, its VJP backward):",
                table(op_rows, ["workload", "impl", "forward/op", "backward/op", "unit",
                                "calls (fwd + bwd)"], {2, 3, 5})]
    return "\n".join(out)


# ----------------------------------------------- import time and peak memory
# Both are measured in fresh interpreters: an import is cached after the first, and
# a process's peak memory includes everything it did before.

def _fresh(args: list[str], env: dict[str, str] | None = None) -> str:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                          check=True, cwd=_REPO, env=env).stdout


def import_time(module: str, pycache: str, env: dict[str, str]) -> float:
    """Seconds ``import module`` takes in a new interpreter (startup excluded), with
    bytecode cached under ``pycache``."""
    code = (f"import sys, time; sys.path.insert(0, {_REPO!r}); "
            f"t0 = time.perf_counter(); import {module}; "
            f"print(time.perf_counter() - t0)")
    return float(_fresh(["-X", f"pycache_prefix={pycache}", "-c", code], env))


def import_report(rounds: int) -> str:
    times: dict[str, list[float]] = {"numpy": [], "ndgrad": []}
    # Timed as users meet it: with bytecode compiled once (pip does that for an
    # installed package), even where PYTHONDONTWRITEBYTECODE is set. The cache is a
    # directory of its own, for NumPy and ndgrad alike, so the tree stays clean.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as pycache:
        for module in times:  # compiles and caches, untimed
            import_time(module, pycache, env)
        for _ in range(rounds):  # interleaved, as the timings are
            for module, ts in times.items():
                ts.append(import_time(module, pycache, env))
    np_ms, nd_ms = (statistics.median(times[m]) * 1e3 for m in ("numpy", "ndgrad"))
    return (f"Import time (median of {rounds} fresh interpreters each): "
            f"import numpy {np_ms:.1f} ms, import ndgrad {nd_ms:.1f} ms "
            f"(includes numpy): ndgrad adds {nd_ms - np_ms:+.1f} ms")


def traced_peak(fn: Callable) -> int:
    """Peak bytes allocated during one call of ``fn``, beyond what existed before.

    NumPy reports its array buffers to tracemalloc, so this counts every
    intermediate array. The first call is not measured: memory a library keeps
    from step to step (a gradient buffer, caches) is not a per-step cost.
    """
    fn()
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def peak_memory(name: str, impl: str, opts: argparse.Namespace) -> int:
    """``traced_peak`` of one implementation of a workload, in a fresh process."""
    args = [os.path.abspath(__file__), "--peak-memory-of", name, impl,
            "--seed", str(opts.seed)] + (["--quick"] if opts.quick else [])
    return int(_fresh(args))


def memory_report(name: str, opts: argparse.Namespace) -> str:
    nd_peak, np_peak = (peak_memory(name, i, opts) for i in ("ndgrad", REFERENCE))
    return (f"Peak memory of one {name} step above its inputs (tracemalloc, fresh "
            f"process each): ndgrad {nd_peak / 2**20:.1f} MiB, numpy "
            f"{np_peak / 2**20:.1f} MiB: ratio {nd_peak / np_peak:.2f}x")


# ----------------------------------------------------------------------- main

def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description="ndgrad vs hand-written NumPy: median time per forward+backward "
                    "step and their ratio. Compare ratios, not absolute times.")
    p.add_argument("--workload", action="append", choices=sorted(WORKLOADS),
                   help="workload to run (repeatable; default: all)")
    p.add_argument("--repeat", type=int, default=None,
                   help="samples per implementation (default 21; 5 with --quick)")
    p.add_argument("--min-time", type=float, default=None,
                   help="minimum seconds per sample (default 0.02; 0.005 with --quick)")
    p.add_argument("--quick", action="store_true",
                   help="few, short samples and a smaller x for big: a CI smoke "
                        "run, not a measurement")
    p.add_argument("--no-peers", action="store_true",
                   help="time only ndgrad and NumPy, even if torch etc. are installed")
    p.add_argument("--seed", type=int, default=0, help="seed for the input data")
    p.add_argument("--list", action="store_true", help="list workloads and exit")
    # Internal: the child process of peak_memory.
    p.add_argument("--peak-memory-of", nargs=2, metavar=("WORKLOAD", "IMPL"),
                   help=argparse.SUPPRESS)
    opts = p.parse_args(argv)

    if opts.peak_memory_of:
        name, impl = opts.peak_memory_of
        opts.no_peers = True
        wl = WORKLOADS[name][0](opts)
        print(traced_peak(next(i.fn for i in wl.impls if i.name == impl)))
        return 0

    if opts.list:
        for name, (_, desc) in WORKLOADS.items():
            print(f"{name:10s} {desc}")
        return 0

    repeat = opts.repeat or (5 if opts.quick else 21)
    min_time = opts.min_time or (0.005 if opts.quick else 0.02)
    if repeat < 1 or min_time <= 0:
        p.error("--repeat must be >= 1 and --min-time > 0")
    names = opts.workload or list(WORKLOADS)

    print(f"ndgrad {ndgrad.__version__} ({os.path.dirname(ndgrad.__file__)}), "
          f"numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"{repeat} interleaved samples per implementation, each >= "
          f"{min_time * 1e3:g} ms{' (--quick: smoke run, noisy)' if opts.quick else ''}")

    all_results, notes = {}, []
    for name in names:
        factory, _ = WORKLOADS[name]
        try:
            wl = factory(opts)
        except Skip as why:
            notes.append(f"{name}: skipped, {why}")
            continue
        check(name, wl)
        all_results[name] = measure(wl, repeat, min_time)
        ndgrad.set_num_threads(1)  # a threaded row must not carry over to the next
        notes += [n for n in wl.notes if n not in notes]

    print()
    print(report(all_results))
    for n in notes:
        print(f"note: {n}")
    print("\nMedians of per-call times; ratio = impl median / numpy median "
          "(lower is better). Quote ratios, not absolute times.")
    if "big" in all_results:
        print(memory_report("big", opts))
    if opts.workload is None:  # the full run; a single workload is a quick look
        print(import_report(5 if opts.quick else 15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
