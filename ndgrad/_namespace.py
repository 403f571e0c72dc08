"""Generate a namespace's functions from the op registry.

Each function binds the namespace's argument names, checks ``ctx`` and has the array
class's ``_apply`` call the op (with its flavour's conventions), writing
into ``out=`` if given. Nothing here knows any op's math.
"""
import inspect

import numpy as np

from ndgrad import _engine, context
from ndgrad.ndarray import ArrayBase
from ndgrad.ops.registry import REGISTRY


def _signature(spec, adapter):
    """The signature help() shows: the adapter's or the forward's, or the inputs."""
    fn = adapter or spec.op.forward
    if isinstance(fn, np.ufunc):  # a ufunc's own names and options are not ours
        params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                  for n in spec.inputs]
    else:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind is not p.VAR_KEYWORD]
    # As in MXNet's generated functions, inputs (and what follows them) default to None.
    first = next((i for i, p in enumerate(params) if p.name in spec.inputs), len(params))
    params = [p.replace(default=None) if i >= first and p.default is p.empty and
              p.kind is p.POSITIONAL_OR_KEYWORD else p for i, p in enumerate(params)]
    kinds = {p.kind for p in params}
    kind = (inspect.Parameter.KEYWORD_ONLY
            if kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY}
            else inspect.Parameter.POSITIONAL_OR_KEYWORD)
    for name in ("out", "name"):
        params.append(inspect.Parameter(name, kind, default=None))
    params.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(params)


class _LazySignature(inspect.Signature):
    """A signature worked out when first read (help(), inspect.signature): working out
    the few hundred of the namespaces took a fifth of ``import ndgrad``."""
    __slots__ = ("_spec", "_adapter")

    @classmethod
    def of(cls, spec, adapter):
        # Signature's own slots stay unset until read (its __init__ would fill them);
        # replace() and unpickling make their new signatures with __init__, complete.
        signature = cls.__new__(cls)
        signature._spec, signature._adapter = spec, adapter
        return signature

    def __getattr__(self, name):  # called only for unset attributes
        if name not in inspect.Signature.__slots__:
            raise AttributeError(name)
        signature = _signature(self._spec, self._adapter)
        for slot in inspect.Signature.__slots__:
            setattr(self, slot, getattr(signature, slot))
        return getattr(self, name)


def make_function(spec, name, cls, adapter, doc=None):
    # The function is compiled (ndgrad._engine.namespace_function); help() and
    # inspect show it with the name, documentation and signature given here.
    plain = cls._apply.__func__ is ArrayBase._apply.__func__
    aliases = tuple({n.rpartition(".")[2] for n in (spec.op.name, *spec.nd, *spec.np,
                                                    *spec.npx)})
    function = _engine.namespace_function(spec.op, name, cls, adapter, spec.inputs,
                                          context.check, plain, aliases)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc or spec.doc
    function.__signature__ = _LazySignature.of(spec, adapter)
    return function


def populate(namespace, submodules, cls, flavour="nd"):
    """Fill ``namespace`` (a module's globals) and its ``submodules`` (name -> module)
    with a function per name the registry gives for ``flavour`` ('nd', 'np', 'npx'),
    each with the op's adapter for that flavour (``<flavour>_args``), if any."""
    for spec in REGISTRY.values():
        adapters = getattr(spec, flavour + "_args")
        for full in getattr(spec, flavour):
            module, _, name = full.rpartition(".")
            target = vars(submodules[module]) if module else namespace
            adapter = adapters.get(full) if isinstance(adapters, dict) else adapters
            # An np / npx adapter documents the NumPy-style function it makes; nd
            # adapters only describe MXNet's argument conventions.
            doc = adapter.__doc__ if adapter is not None and flavour != "nd" else None
            fn = make_function(spec, name, cls, adapter, doc)
            fn.__module__ = target["__name__"]
            target[name] = fn
            target.setdefault("__all__", []).append(name)


def add_methods(cls, namespace, names):
    """Give ``cls`` a method per name that calls the namespace's function of that name
    on the array (``x.sum(axis=0)`` is ``nd.sum(x, axis=0)``)."""
    for name in names:
        setattr(cls, name, _method(namespace[name]))


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method
