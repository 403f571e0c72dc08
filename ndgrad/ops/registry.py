"""The op registry: every op is defined once, here, and everything else is generated.

``defop`` builds the engine ``Op`` (forward on raw NumPy data, one VJP per input) and
records what the rest of ndgrad needs to know about it: its array inputs, its names in
each namespace, its documentation and how its generated gradient tests draw inputs.
VJPs are written with ndgrad ops (never with NumPy directly) so that they work on raw
data in a plain backward pass and are recorded under ``create_graph=True``.
"""
from collections import namedtuple
from types import MappingProxyType, SimpleNamespace

from ndgrad._engine import Op


# A named tuple and a namespace, not dataclasses: the dataclasses module and the code
# it generates for each class were 3 ms of `import ndgrad`.
class GradTest(namedtuple("GradTest", "kind domain avoid kwargs distinct rtol atol",
                          defaults=(((-2.0, 2.0),), (), MappingProxyType({}), False,
                                    1e-4, 1e-6))):
    """How the generated property tests exercise an op's gradient.

    kind     -- a sampler of ndgrad.testing: 'elementwise' (one array, any shape),
                'broadcast' (arrays of mutually broadcastable shapes), 'reduce' (one
                array plus axis/keepdims), 'matrix' (shapes that contract), 'custom'.
    domain   -- (low, high) for the values of each input; one pair serves all.
    avoid    -- points where the op is not differentiable; values closer than 0.05
                to them are pushed away (e.g. 0 for abs).
    kwargs   -- fixed keyword arguments passed to the op.
    distinct -- inputs must differ by more than 0.05 wherever they meet (ties are
                not differentiable, e.g. for maximum).
    rtol, atol -- the tolerances of the comparison with central differences.
    """
    __slots__ = ()

    def domain_of(self, i):
        return self.domain[min(i, len(self.domain) - 1)]


class OpSpec(SimpleNamespace):
    """A registered op, as defop made it: ``op`` (the engine Op), ``inputs`` (names of
    the array inputs, in order), ``nd`` / ``np`` / ``npx`` (its names in each
    namespace, "linalg.norm" for a submodule), ``doc``, ``test`` (a GradTest, or None:
    not differentiable, or tested by hand), ``variadic``, and ``nd_args`` /
    ``np_args`` / ``npx_args`` (adapters of a namespace's arguments, see defop)."""


REGISTRY = {}


def defop(name, forward, vjps=(), *, inputs=("data",), nd=(), doc=None, test=None,
          nd_args=None, np=(), npx=(), np_args=None, npx_args=None, **flags):
    """Register an op and return its engine ``Op`` (callable on arrays or raw data).

    vjps  -- one function per input, ``vjp(g, ans, *inputs, **kwargs)`` giving the
             gradient with respect to that input (None where there is none). The
             engine sums results back to broadcast shapes and casts dtypes itself.
             A VJP that is one op on g, ans and inputs is better declared as a
             ``Call`` (``Call(multiply, G, 1)``): the engine then calls the op
             directly, with no Python frame.
    nd_args -- for ops whose ``nd`` function takes MXNet's own arguments (axis
             codes, transpose flags...): a function with that signature returning
             the op's ``(args, kwargs)``.
    np, npx -- its names in ndgrad.np and ndgrad.npx. Ops take NumPy-style keyword
             arguments, so most np names need no adapter; ``np_args``/``npx_args``
             translate where NumPy's (or npx's) signature differs, like ``nd_args``.
    flags -- save_inputs / save_output / view / variadic / differentiable /
             vjp_forward (what Calls of this op run in a plain backward) /
             vjp_add (adds that into a gradient sum in one pass) / fast (a compiled
             forward for the common cases, tried first; it returns None to leave
             the call to ``forward``), see Op.
    """
    if name in REGISTRY:
        raise ValueError(f"op {name!r} is registered twice")
    op = Op(name, forward, vjps, **flags)
    REGISTRY[name] = OpSpec(op=op, inputs=tuple(inputs), nd=tuple(nd),
                            doc=doc or forward.__doc__ or "", test=test,
                            nd_args=nd_args, variadic=flags.get("variadic", False),
                            np=tuple(np), npx=tuple(npx), np_args=np_args,
                            npx_args=npx_args)
    return op


def differentiable_specs():
    """The registered ops that carry a generated gradient test."""
    return {name: spec for name, spec in REGISTRY.items() if spec.test is not None}
