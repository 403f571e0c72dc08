# ndgrad.nd.random is filled from the op registry at import (_namespace.populate): its
# samplers are typed here (checked by mypy.stubtest, tests/test_packaging.py), anything
# else Any (tests/test_packaging.py checks that every such namespace has a stub).
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy.typing as npt

from ndgrad.context import Context
from ndgrad.ndarray import NDArray

_Shape: TypeAlias = int | Sequence[int] | None
_Ctx: TypeAlias = Context | str | None

def normal(loc: float = 0.0, scale: float = 1.0, shape: _Shape = None,
           dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
           name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def uniform(low: float = 0.0, high: float = 1.0, shape: _Shape = None,
            dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
            name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def randint(low: int, high: int, shape: _Shape = None,
            dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
            name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def __getattr__(name: str) -> Any: ...
