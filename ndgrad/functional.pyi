# Type stub for ndgrad/functional.py (re-exported by ndgrad.autograd): derivatives of
# functions. Results are arrays of the inputs' flavour. Kept in step with the module by
# mypy.stubtest (tests/test_packaging.py).
from collections.abc import Callable
from typing import TypeVar

from ndgrad.ndarray import ArrayBase

_A = TypeVar("_A", bound=ArrayBase)
_Y = TypeVar("_Y", bound=ArrayBase)

def vjp(
    f: Callable[..., _Y], *xs: _A, v: ArrayBase | None = None
) -> tuple[_Y, _A | tuple[_A, ...]]: ...
def jacobian(f: Callable[[_A], ArrayBase], x: _A) -> _A: ...
def hessian(f: Callable[[_A], ArrayBase], x: _A) -> _A: ...
def hvp(f: Callable[[_A], _Y], x: _A, v: ArrayBase) -> tuple[_Y, _A]: ...
