"""Differential fuzzing: random programs over ndgrad ops, their first and second
derivatives checked against numeric differentiation.

A program is drawn by hypothesis: a few inputs (broadcastable shapes), then steps that
apply an op to earlier values (intermediates are reused), slice, reshape, transpose,
reduce, detach, or branch on a value (Python control flow). The result is the sum of
the last value. Long runs: ``NDGRAD_FUZZ_PROGRAMS=10000 python -m pytest
tests/test_fuzz.py`` (60 by default).
"""
import os

import numpy as np
from hypothesis import assume, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import autograd, nd
from ndgrad.testing import check_gradients

# Smooth ops with bounded growth, so that random compositions stay well conditioned.
UNARY = {
    "tanh": nd.tanh, "sin": nd.sin, "cos": nd.cos, "sigmoid": nd.sigmoid,
    "square": lambda a: nd.square(a) * 0.5,
    "soft": lambda a: a / (1 + nd.square(a)),
    "exp": lambda a: nd.exp(nd.tanh(a)),
    "neg": lambda a: -a,
}
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b, "div": lambda a, b: a / (2 + nd.sin(b)),
}


def _reduce(a, axis):
    return nd.sum(a, axis=axis % a.ndim, keepdims=True) if a.ndim else a


STRUCTURAL = {
    "sum_keep": _reduce,
    "mean": lambda a, axis: nd.mean(a, axis=axis % a.ndim, keepdims=True) if a.ndim else a,
    "transpose": lambda a, axis: a.T,
    "flat": lambda a, axis: a.reshape(-1),
    "slice": lambda a, axis: a[: max(1, a.shape[0] - 1)] if a.ndim else a,
}


@st.composite
def programs(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2,
                                                    max_side=3)).input_shapes
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["unary", "binary", "structural", "branch", "detach"]))
        if kind == "unary":
            steps.append((kind, draw(st.sampled_from(sorted(UNARY)))))
        elif kind == "binary":
            steps.append((kind, draw(st.sampled_from(sorted(BINARY))), draw(st.integers(0, 9))))
        elif kind == "structural":
            steps.append((kind, draw(st.sampled_from(sorted(STRUCTURAL))),
                          draw(st.integers(0, 3))))
        elif kind == "branch":
            steps.append((kind, draw(st.sampled_from(sorted(UNARY))),
                          draw(st.sampled_from(sorted(UNARY)))))
        else:
            steps.append((kind, "mix"))
    inputs = [draw(hnp.arrays(np.float64, s, elements=st.floats(-1.5, 1.5))) for s in shapes]
    return steps, inputs


def run_program(steps, *xs, trace=None, frozen=None):
    """Run a drawn program.

    trace  -- if a dict, receives the values branches decided on and detached values.
    frozen -- detached values of a baseline run: used instead of detach() when not
              recording, so that numeric differentiation sees what autograd sees (a
              detached value is a constant to autograd).
    """
    values = list(xs)
    for i, step in enumerate(steps):
        kind, name = step[0], step[1]
        last = values[-1]
        if kind == "unary":
            values.append(UNARY[name](last))
        elif kind == "binary":
            other = values[step[2] % len(values)]
            try:
                values.append(BINARY[name](last, other))
            except ValueError:  # shapes changed by a structural step: use last twice
                values.append(BINARY[name](last, last))
        elif kind == "structural":
            values.append(STRUCTURAL[name](last, step[2]))
        elif kind == "branch":  # data-dependent control flow, as in MXNet's tutorials
            decision = float(last.sum().asscalar())
            if trace is not None:
                trace[("branch", i)] = decision
            values.append(UNARY[name if decision > 0 else step[2]](last))
        else:
            const = last.detach()
            if frozen is not None and not autograd.is_recording():
                const = nd.array(frozen[("detach", i)], dtype="float64")
            if trace is not None:
                trace[("detach", i)] = const.asnumpy()
            values.append(last * const)
    return values[-1].sum()


def _baseline(steps, inputs):
    trace = {}
    run_program(steps, *[nd.array(x, dtype="float64") for x in inputs], trace=trace)
    return trace


_N = int(os.environ.get("NDGRAD_FUZZ_PROGRAMS", "0"))
_budget = settings(max_examples=_N or 60)


@_budget
@given(programs())
def test_random_programs_first_and_second_derivatives(program):
    steps, inputs = program
    trace = _baseline(steps, inputs)
    # A branch decided within reach of the numeric step is not differentiable there.
    assume(all(abs(v) > 1e-3 for k, v in trace.items() if k[0] == "branch"))
    # With detach, the function autograd differentiates is not the numeric one beyond
    # first order (a detached value is constant to autograd, not to perturbation).
    order = 1 if any(k[0] == "detach" for k in trace) else 2
    check_gradients(lambda *xs: run_program(steps, *xs, frozen=trace), inputs,
                    order=order, rtol=1e-4, atol=1e-6)
