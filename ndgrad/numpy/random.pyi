# ndgrad.numpy.random is filled from the op registry at import (_namespace.populate):
# its common samplers are typed here (checked by mypy.stubtest, tests/test_packaging.py),
# anything else Any (tests/test_packaging.py checks that every such namespace has a stub).
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy.typing as npt

from ndgrad.context import Context
from ndgrad.numpy._ndarray import ndarray
from ndgrad.random import seed as seed

_Size: TypeAlias = int | Sequence[int] | None
_Ctx: TypeAlias = Context | str | None

def shuffle(x: ndarray) -> None: ...
def normal(loc: float = 0.0, scale: float = 1.0, size: _Size = None,
           dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
           name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def uniform(low: float = 0.0, high: float = 1.0, size: _Size = None,
            dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
            name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def randint(low: int, high: int | None = None, size: _Size = None,
            dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
            name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def rand(*size: int, out: ndarray | None = None, name: str | None = None,
         ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def randn(*size: int, out: ndarray | None = None, name: str | None = None,
          ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def __getattr__(name: str) -> Any: ...
