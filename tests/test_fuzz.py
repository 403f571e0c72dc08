"""Differential fuzzing: random programs over the registry's ops, their first and
second derivatives checked against numeric differentiation (``check_gradients``).

A program is drawn by hypothesis: one to three inputs of broadcastable shapes (the nd
or the np flavour), then steps, each on earlier values (intermediates are reused):

- every registered op whose ``GradTest`` kind is 'elementwise' (unary), 'broadcast'
  (binary, on any two earlier values, broadcasting) or 'reduce' (random axis and
  keepdims), with its metadata: an input outside the op's ``domain`` is first mapped
  into it by a scaled tanh (smooth, so the program stays differentiable); a step
  putting an input within ``MARGIN`` of an ``avoid`` point (a kink or a jump), or
  two inputs of a ``distinct`` op within ``MARGIN`` of a tie, or a value steeper than
  ``SLOPE`` in the inputs, is drawn again, and after ``TRIES`` draws the program is
  rejected (``assume``): tolerances are never loosened;
- structural steps: basic and advanced indexing, reshape, transpose, broadcast_to and
  concatenation (with an earlier value), through each flavour's public API;
- ``detach`` (the detached value is then combined with the value it came from);
- Python control flow on values: an if/else and a while loop, decided at record time.

The outputs are the last value and up to two earlier ones (random head gradients).

The numeric reference must differentiate the function autograd differentiates. At the
drawn point every value, branch and loop count is recorded while drawing; a detached
value is a constant to autograd, and a branch taken at record time is the function
autograd sees, so at the perturbed points of the numeric differences a detached value,
a branch or a loop count that differs from the recorded one is replaced by it (at the
drawn point itself the live values are used, and equal the recorded ones). So first
and second derivatives are checked for every program, detach included.

Budget: ``NDGRAD_FUZZ_PROGRAMS`` programs (``CI_PROGRAMS`` by default). A long run,
documented with its result in docs/fuzzing.md:

    NDGRAD_HYPOTHESIS_PROFILE=dev NDGRAD_FUZZ_PROGRAMS=10000 \\
        python -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

``NDGRAD_FUZZ_REPORT=path.json`` writes how many programs passed, steps and op counts.
"""
import collections
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import autograd, nd, np as mnp
from ndgrad._engine import Array
from ndgrad.ops.registry import differentiable_specs
from ndgrad.testing import check_gradients

SPECS = differentiable_specs()
UNARY = sorted(n for n, s in SPECS.items() if s.test.kind == "elementwise")
BINARY = sorted(n for n, s in SPECS.items() if s.test.kind == "broadcast")
REDUCE = sorted(n for n, s in SPECS.items() if s.test.kind == "reduce")
TANH = SPECS["tanh"].op
MEAN = SPECS["mean"].op

# Distance to a kink or a tie below which a step is drawn again. The numeric steps
# move an intermediate by at most about 4e-6 times its derivative with respect to
# the inputs (kept below SLOPE), so 4e-3.
MARGIN = 0.01
# The largest derivative of an intermediate value with respect to the inputs (along
# a random direction, estimated by a difference with step DELTA while drawing): a
# step making a larger one is drawn again, for a composition as steep as degrees of
# degrees of degrees... has no numeric derivative within tolerance at step 1e-6.
SLOPE, DELTA = 1000.0, 1e-7
MAX_STEPS = 12
MAX_SIZE = 64       # growing steps (broadcast_to, concat) are not drawn beyond this
MAX_NDIM = 5
CI_PROGRAMS = 600
FLAVOURS = {"nd": nd, "np": mnp}

_N = int(os.environ.get("NDGRAD_FUZZ_PROGRAMS", "0") or 0)
STATS = {"passed": 0, "lengths": collections.Counter(), "steps": collections.Counter(),
         "ops": collections.Counter()}


def into(x, domain):
    """``x`` mapped smoothly into the open interval ``domain``: c + r tanh((x-c)/r)."""
    lo, hi = domain
    c, r = (lo + hi) / 2, (hi - lo) / 2
    return TANH((x - c) / r) * r + c


def _outside(data, domain):
    return bool(np.any(data < domain[0]) or np.any(data > domain[1]))


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


class Program:
    """A drawn program: flavour, inputs, steps, outputs, and what was recorded while
    drawing (detached values, decisions) for the numeric reference to replay."""

    def __init__(self, flavour, inputs):
        self.flavour, self.inputs = flavour, inputs
        self.steps, self.outputs, self.recorded, self.lines = [], (), {}, []
        self.ops = set()

    def __repr__(self):
        head = [f"v{i} = {self.flavour}.array({x.tolist()!r}, dtype='float64')"
                for i, x in enumerate(self.inputs)]
        outs = ", ".join(f"v{i}" for i in self.outputs)
        return "\n".join(["Program:"] + head + self.lines + [f"outputs: {outs}"])

    def __call__(self, *xs):
        return _Run(self, drawing=False).run(xs)


class _Reject(Exception):
    """A drawn step puts a value near a kink or a tie (or makes it non-finite)."""


class _Run:
    """Runs a program. While drawing it records detached values and decisions, and
    refuses a step putting a value near a kink or a tie; otherwise a recorded value
    replaces a live one that differs from it (at a perturbed point of the numeric
    reference)."""

    def __init__(self, program, drawing):
        self.p, self.drawing = program, drawing

    def run(self, xs):
        values = list(xs)
        for i, step in enumerate(self.p.steps):
            self.apply(i, step, values)
        return tuple(values[i] for i in self.p.outputs)

    def attempt(self, i, step, values, shadow):
        """Draw time: apply ``step`` and keep it, or undo it and return False.

        ``shadow`` holds the values at inputs moved by ``DELTA`` along a fixed
        direction: a step whose value moves more than ``SLOPE`` times as much (the
        numeric steps would leave its linear range) is undone too."""
        lines, ops, n = len(self.p.lines), set(self.p.ops), len(values)
        try:
            self.apply(i, step, values)
            _Run(self.p, drawing=False).apply(i, step, shadow)
            moved = np.abs(shadow[-1].asnumpy() - values[-1].asnumpy())
            self.require(moved.size == 0 or moved.max() <= SLOPE * DELTA)
            return True
        except _Reject:
            del values[n:], shadow[n:]
            del self.p.lines[lines:]
            self.p.ops = ops
            for key in [k for k in self.p.recorded if k[1] == i]:
                del self.p.recorded[key]
            return False

    def require(self, condition):
        if self.drawing and not condition:
            raise _Reject

    def decide(self, key, live):
        """``live`` (a detached array or a decision), or at a perturbed point where
        it differs from the value recorded while drawing, that value."""
        array = isinstance(live, Array)
        if self.drawing:
            self.p.recorded[key] = live.asnumpy().copy() if array else live
            return live
        rec = self.p.recorded[key]
        if not array:
            return rec
        return live if np.array_equal(live.asnumpy(), rec) else type(live)._wrap(
            rec.copy())

    def op(self, name, args, maps, **kwargs):
        spec = SPECS[name]
        args = [into(a, spec.test.domain_of(i)) if m else a
                for i, (a, m) in enumerate(zip(args, maps))]
        if self.drawing:
            data = [a.asnumpy() for a in args]
            for a in spec.test.avoid:
                self.require(all(np.all(np.abs(d - a) > MARGIN) for d in data))
            if spec.test.distinct:
                self.require(np.all(np.abs(data[0] - data[1]) > MARGIN))
            self.p.ops.add(name)
        return spec.op(*args, **{**spec.test.kwargs, **kwargs})

    def line(self, values, text):
        if self.drawing:
            self.p.lines.append(f"v{len(values)} = {text}")

    def apply(self, i, step, values):
        kind, j, lib = step[0], step[1], FLAVOURS[self.p.flavour]
        x = values[j]
        if kind == "unary":
            _, _, name, m = step
            self.line(values, f"{name}({_m(j, m, name, 0)})")
            out = self.op(name, [x], [m])
        elif kind == "binary":
            _, _, name, k, shrink, mj, mk = step
            b = MEAN(values[k]) if shrink else values[k]
            kt = f"mean(v{k})" if shrink else f"v{k}"
            self.line(values, f"{name}({_m(j, mj, name, 0)}, {_m(kt, mk, name, 1)})")
            out = self.op(name, [x, b], [mj, mk])
        elif kind == "reduce":
            _, _, name, axis, keepdims, m = step
            self.line(values, f"{name}({_m(j, m, name, 0)}, axis={axis!r}, "
                              f"keepdims={keepdims})")
            out = self.op(name, [x], [m], axis=axis, keepdims=keepdims)
        elif kind == "index":
            self.line(values, f"v{j}[{_index_text(step[2])}]")
            out = x[step[2]]
        elif kind == "reshape":
            self.line(values, f"v{j}.reshape({step[2]!r})")
            out = x.reshape(step[2])
        elif kind == "transpose":
            self.line(values, f"transpose(v{j}, axes={step[2]!r})")
            out = SPECS["transpose"].op(x, axes=step[2])
        elif kind == "broadcast_to":
            self.line(values, f"broadcast_to(v{j}, {step[2]!r})")
            out = (mnp.broadcast_to(x, step[2]) if lib is mnp else
                   nd.broadcast_to(x, shape=step[2]))
        elif kind == "concat":
            _, _, k, axis = step
            self.line(values, f"concat(v{j}, v{k}, axis={axis})")
            out = (mnp.concatenate([x, values[k]], axis=axis) if lib is mnp else
                   nd.concat(x, values[k], dim=axis))
        elif kind == "detach":
            self.line(values, f"v{j}.detach()")
            out = self.decide(("detach", i), x.detach())
        elif kind == "branch":
            _, _, a, b, ma, mb = step
            taken = self.decide(("branch", i), float(x.asnumpy().sum()) > 0)
            self.line(values, f"{a}({_m(j, ma, a, 0)}) if sum(v{j}) > 0 else "
                              f"{b}({_m(j, mb, b, 0)})  # taken: {taken}")
            out = self.op(a, [x], [ma]) if taken else self.op(b, [x], [mb])
        elif kind == "loop":
            _, _, name, cap = step
            out, count = x, 0
            while self.decide(("loop", i, count),
                              count < cap and float(np.abs(out.asnumpy()).max()) < 1.5):
                out = self.op(name, [out], [True])
                count += 1
            self.line(values, f"x = v{j}; while max|x| < 1.5 (at most {cap} times): "
                              f"x = {name}(into(x))  # {count} iterations")
        else:
            raise AssertionError(f"unknown step {step!r}")
        if out.dtype != np.float64:  # np's comparisons give bools: values to go on with
            out = out.astype(np.float64)
            if self.drawing:
                self.p.lines[-1] += "  # then .astype(float64)"
        if self.drawing:
            data = out.asnumpy()
            self.require(np.all(np.isfinite(data)) and data.ndim <= MAX_NDIM)
        values.append(out)


def _m(x, mapped, name, i):
    x = x if isinstance(x, str) else f"v{x}"
    return f"into({x}, {SPECS[name].test.domain_of(i)})" if mapped else x


def _index_text(index):
    def one(p):
        if isinstance(p, slice):
            return ":".join("" if v is None else str(v)
                            for v in (p.start, p.stop, p.step)).rstrip(":") or ":"
        if p is Ellipsis:
            return "..."
        if p is None:
            return "None"
        if isinstance(p, np.ndarray):
            return f"np.array({p.tolist()})"
        return repr(p)
    return ", ".join(one(p) for p in index)


@st.composite
def _index(draw, shape):
    """A basic index (ints, slices with any step, None, ...) or an integer array with
    repeats and negative entries on axis 0; never empty."""
    if draw(st.integers(0, 3)) == 0:
        idx = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=4))
        return (np.array(idx, dtype=np.int64),)
    parts = []
    for d in shape[:draw(st.integers(1, len(shape)))]:
        c = draw(st.integers(0, 3))
        if c == 0:
            parts.append(draw(st.integers(-d, d - 1)))
        elif c == 1:
            start = draw(st.integers(0, d - 1))
            parts.append(slice(start, draw(st.integers(start + 1, d)),
                               draw(st.sampled_from([None, 1, 2]))))
        elif c == 2:
            parts.append(slice(draw(st.sampled_from([None, d - 1])), None,
                               draw(st.sampled_from([-1, -2]))))
        else:
            parts.append(slice(None))
    if draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), None)
    if draw(st.booleans()):
        parts.append(Ellipsis)
    return tuple(parts)


@st.composite
def _axis(draw, ndim):
    if ndim == 0:
        return None
    c = draw(st.integers(0, 2))
    if c == 0:
        return None
    if c == 1:
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(draw(st.lists(st.integers(0, ndim - 1), min_size=1, unique=True)))


@st.composite
def _reshape_target(draw, shape):
    size = int(np.prod(shape))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    a = draw(st.sampled_from(divisors))
    return draw(st.sampled_from([(-1,), tuple(reversed(shape)), (1,) + shape,
                                 shape + (1,), (a, -1), (a, 1, size // a)]))


@st.composite
def _bigger(draw, shape):
    """A shape ``shape`` broadcasts to: its size-1 dims expanded, dims prepended."""
    out = [draw(st.integers(1, 3)) if d == 1 else d for d in shape]
    return tuple(draw(st.lists(st.integers(1, 3), max_size=1)) + out)


@st.composite
def _step(draw, values):
    """One step on earlier values: mostly on the last one, else on any."""
    n = len(values) - 1
    j = draw(st.one_of(st.just(n), st.integers(0, n)))
    x = values[j].asnumpy()
    kinds = ["unary"] * 4 + ["binary"] * 3 + ["reduce", "reshape", "detach", "branch",
                                              "loop"]
    if x.ndim:
        kinds += ["index", "transpose"]
        if x.size <= MAX_SIZE // 2:
            kinds += ["broadcast_to", "concat"]
    kind = draw(st.sampled_from(kinds))
    out = lambda name, i, data: _outside(data, SPECS[name].test.domain_of(i))  # noqa
    if kind == "unary":
        name = draw(st.sampled_from(UNARY))
        return (kind, j, name, out(name, 0, x))
    if kind == "binary":
        name = draw(st.sampled_from(BINARY))
        k = draw(st.integers(0, n))
        if draw(st.booleans()):
            j, k = k, j
        a, b = values[j].asnumpy(), values[k].asnumpy()
        shrink = not _broadcastable(a.shape, b.shape)
        b = np.mean(b) if shrink else b
        return (kind, j, name, k, shrink, out(name, 0, a), out(name, 1, b))
    if kind == "reduce":
        name = draw(st.sampled_from(REDUCE))
        return (kind, j, name, draw(_axis(x.ndim)), draw(st.booleans()),
                out(name, 0, x))
    if kind == "index":
        return (kind, j, draw(_index(x.shape)))
    if kind == "reshape":
        return (kind, j, draw(_reshape_target(x.shape)))
    if kind == "transpose":
        return (kind, j, tuple(draw(st.permutations(range(x.ndim)))))
    if kind == "broadcast_to":
        return (kind, j, draw(_bigger(x.shape)))
    if kind == "concat":
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
        ax = axis % x.ndim
        same = [k for k, v in enumerate(values) if v.ndim == x.ndim and
                v.shape[:ax] + v.shape[ax + 1:] == x.shape[:ax] + x.shape[ax + 1:]]
        return (kind, j, draw(st.sampled_from(same)), axis)
    if kind == "detach":
        return (kind, j)
    if kind == "branch":
        a, b = draw(st.sampled_from(UNARY)), draw(st.sampled_from(UNARY))
        return (kind, j, a, b, out(a, 0, x), out(b, 0, x))
    return (kind, j, draw(st.sampled_from(UNARY)), draw(st.integers(1, 3)))


def _mix(draw, values, source):
    """A binary step combining a detached value (the last) with ``values[source]``,
    the value it came from (equal to it: ops on distinct inputs would tie)."""
    name = draw(st.sampled_from([n for n in BINARY if not SPECS[n].test.distinct]))
    j, k = (source, len(values) - 1)[::draw(st.sampled_from([1, -1]))]
    return ("binary", j, name, k, False,
            _outside(values[j].asnumpy(), SPECS[name].test.domain_of(0)),
            _outside(values[k].asnumpy(), SPECS[name].test.domain_of(1)))


TRIES = 3  # draws of a step before the program is rejected


@st.composite
def programs(draw, max_steps=MAX_STEPS):
    flavour = draw(st.sampled_from(sorted(FLAVOURS)))
    shapes = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=draw(st.integers(1, 3)), min_dims=0, max_dims=3,
        max_side=3)).input_shapes
    inputs = [draw(hnp.arrays(np.float64, s, elements=st.floats(-2, 2))) for s in shapes]
    program = Program(flavour, inputs)
    run = _Run(program, drawing=True)
    lib = FLAVOURS[flavour]
    values = [lib.array(x, dtype="float64").reshape(x.shape) for x in inputs]
    rng = np.random.default_rng(0)
    shadow = [lib.array(x + DELTA * rng.choice([-1.0, 1.0], x.shape) *
                        rng.uniform(1, 2, x.shape), dtype="float64").reshape(x.shape)
              for x in inputs]
    for _ in range(draw(st.integers(1, max_steps))):
        for _ in range(TRIES):
            step = draw(_step(values))
            if run.attempt(len(program.steps), step, values, shadow):
                break
        else:
            assume(False)  # every value near a kink or a tie: skip the program
        program.steps.append(step)
        if step[0] == "detach":  # combine the constant with the value it came from
            source = step[1]
            for _ in range(TRIES):
                step = _mix(draw, values, source)
                if run.attempt(len(program.steps), step, values, shadow):
                    break
            else:
                assume(False)
            program.steps.append(step)
    extra = draw(st.lists(st.integers(0, len(values) - 1), max_size=2))
    program.outputs = tuple(dict.fromkeys([len(values) - 1] + extra))
    return program


def _tolerances(program):
    return (max(SPECS[n].test.rtol for n in program.ops | {"tanh"}),
            max(SPECS[n].test.atol for n in program.ops | {"tanh"}))


def check_program(program):
    """First and second derivatives of ``program`` against numeric ones."""
    rtol, atol = _tolerances(program)
    lib = FLAVOURS[program.flavour]
    inputs = [lib.array(x, dtype="float64").reshape(x.shape) for x in program.inputs]
    check_gradients(program, inputs, order=2, rtol=rtol, atol=atol)


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    path = os.environ.get("NDGRAD_FUZZ_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump({"passed": STATS["passed"],
                       "lengths": dict(sorted(STATS["lengths"].items())),
                       "steps": dict(STATS["steps"]),
                       "ops": dict(sorted(STATS["ops"].items()))}, f, indent=1)


@settings(max_examples=_N or CI_PROGRAMS, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.filter_too_much])
@given(programs())
def test_random_programs_first_and_second_derivatives(program):
    for step in program.steps:
        event(f"step: {step[0]}")
    event(f"flavour: {program.flavour}")
    check_program(program)
    STATS["passed"] += 1
    STATS["lengths"][len(program.steps)] += 1
    STATS["steps"].update(s[0] for s in program.steps)
    STATS["ops"].update(program.ops)


def test_the_fuzzer_draws_every_elementwise_broadcast_and_reduce_op():
    """The fuzzer's tables are the registry's: an op added with one of these kinds is
    fuzzed without touching this file."""
    kinds = {n: s.test.kind for n, s in SPECS.items()}
    assert set(UNARY) == {n for n, k in kinds.items() if k == "elementwise"}
    assert set(BINARY) == {n for n, k in kinds.items() if k == "broadcast"}
    assert set(REDUCE) == {n for n, k in kinds.items() if k == "reduce"}
    assert all(len(SPECS[n].inputs) == 2 for n in BINARY)
    assert len(UNARY) > 40 and len(BINARY) > 15 and len(REDUCE) >= 4


def _written(flavour, inputs, steps, outputs):
    """A hand-written program, recorded as the drawing does."""
    program = Program(flavour, [np.asarray(x, dtype=np.float64) for x in inputs])
    program.steps, program.outputs = steps, outputs
    run = _Run(program, drawing=True)
    values = [FLAVOURS[flavour].array(x, dtype="float64").reshape(x.shape)
              for x in program.inputs]
    for i, step in enumerate(steps):
        run.apply(i, step, values)  # _Reject if near a kink or a tie
    return program


@pytest.mark.parametrize("flavour", sorted(FLAVOURS))
def test_detach_is_checked_to_second_order_against_a_frozen_reference(flavour):
    """v2 = x * x * x.detach(): to autograd x.detach() is a constant c, so the second
    derivative is 2 c (= 2 x0), while the real function (x ** 3) has 6 x0."""
    x0 = np.array([0.7, -1.3])
    program = _written(flavour, [x0], [("binary", 0, "multiply", 0, False, False, False),
                                       ("detach", 0),
                                       ("binary", 1, "multiply", 2, False, False, False)],
                       outputs=(3,))
    check_program(program)
    # Freezing the detached value only where nothing is recorded (the previous
    # fuzzer's reference) is right to first order, and wrong for the second
    # derivative, whose numeric differences evaluate recorded gradients.
    lib = FLAVOURS[flavour]
    half = lambda x: x * x * (x.detach() if autograd.is_recording() else  # noqa: E731
                              lib.array(x0, dtype="float64"))
    check_gradients(half, [lib.array(x0, dtype="float64")], order=1)
    with pytest.raises(AssertionError, match="^second derivative"):
        check_gradients(half, [lib.array(x0, dtype="float64")], order=2)


def test_the_live_detached_value_is_used_at_the_drawn_point_only():
    """At the drawn point the program uses what detach() returns (so autograd
    differentiates through detach itself); elsewhere the recorded constant."""
    x0 = np.array([0.7, -1.3])
    program = _written("nd", [x0], [("detach", 0)], outputs=(1,))
    run = _Run(program, drawing=False)
    live = nd.array(x0, dtype="float64").detach()
    assert run.decide(("detach", 0), live) is live
    moved = run.decide(("detach", 0), nd.array(x0 + 1e-6, dtype="float64").detach())
    np.testing.assert_array_equal(moved.asnumpy(), x0)


def test_a_branch_is_replayed_as_taken_at_record_time():
    """Within a numeric step of the decision boundary, the reference stays on the
    branch recorded (sin), as autograd does."""
    program = _written("nd", [[1e-9, -2e-9, 5e-10]],
                       [("branch", 0, "square", "sin", False, False)], outputs=(1,))
    assert program.recorded[("branch", 0)] is False
    check_program(program)
    # Deciding again at each perturbed point mixes the two branches' slopes.
    live = lambda x: nd.square(x) if x.sum().asscalar() > 0 else nd.sin(x)  # noqa: E731
    with pytest.raises(AssertionError, match="^gradient"):
        check_gradients(live, [np.array(program.inputs[0])])


def test_steep_compositions_are_not_drawn():
    """Found by the first long run: four degrees(into(x)) at x = 0 have a derivative
    of (180 / pi) ** 4 ~ 1e7, right in ndgrad (numeric differences with eps=1e-10
    agree) but out of reach of the check's step 1e-6. The drawing redraws such a
    step (SLOPE); the program is still checked to be right with a finer step."""
    program = _written("nd", [0.0], [("loop", 0, "degrees", 1),
                                     ("loop", 1, "degrees", 3)], outputs=(2,))
    x = nd.array(np.zeros(()), dtype="float64").reshape(())
    check_gradients(program, [x], eps=1e-10)
    with pytest.raises(AssertionError, match="^gradient"):
        check_program(program)
    drawn = Program("nd", program.inputs)
    values, shadow = [x], [x + DELTA]
    run = _Run(drawn, drawing=True)
    assert run.attempt(0, program.steps[0], values, shadow)
    assert not run.attempt(1, program.steps[1], values, shadow)
    assert len(values) == len(shadow) == 2 and drawn.lines[-1].startswith("v1 =")


def test_programs_draw_reproducibly():
    @settings(max_examples=5, derandomize=True, database=None)
    @given(programs())
    def draw(program):
        texts.append(repr(program))

    texts = []
    draw()
    first, texts = texts, []
    draw()
    assert texts == first and all(t.startswith("Program:") for t in first)
