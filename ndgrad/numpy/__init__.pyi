# ndgrad.numpy is filled from the op registry at import (_namespace.populate). The most
# used functions are typed here (mypy.stubtest checks them against the generated
# signatures, tests/test_packaging.py); the rest are typed Any by __getattr__
# (tests/test_packaging.py checks that every such namespace has a stub).
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy.typing as npt
from numpy import bool_ as bool_
from numpy import dtype as dtype
from numpy import e as e
from numpy import float16 as float16
from numpy import float32 as float32
from numpy import float64 as float64
from numpy import inf as inf
from numpy import int8 as int8
from numpy import int16 as int16
from numpy import int32 as int32
from numpy import int64 as int64
from numpy import nan as nan
from numpy import newaxis as newaxis
from numpy import pi as pi
from numpy import uint8 as uint8

from ndgrad.context import Context
from ndgrad.ndarray import ArrayBase
from ndgrad.numpy import linalg as linalg
from ndgrad.numpy import random as random
from ndgrad.numpy._ndarray import ndarray as ndarray

_Shape: TypeAlias = int | Sequence[int]
_Axis: TypeAlias = int | Sequence[int] | None
_Ctx: TypeAlias = Context | str | None
_Operand: TypeAlias = ndarray | float

def broadcast_arrays(*arrays: ndarray) -> list[ndarray]: ...
def __getattr__(name: str) -> Any: ...

# ---- creation
def array(object: ArrayBase | npt.ArrayLike, dtype: npt.DTypeLike | None = None,
          copy: bool = True, out: ndarray | None = None, name: str | None = None, *,
          ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def asarray(object: ArrayBase | npt.ArrayLike, dtype: npt.DTypeLike | None = None,
            copy: bool = True, out: ndarray | None = None, name: str | None = None, *,
            ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def zeros(shape: _Shape, dtype: npt.DTypeLike | None = None, order: str = "C",
          out: ndarray | None = None, name: str | None = None, *, ctx: _Ctx = None,
          **kwargs: Any) -> ndarray: ...
def ones(shape: _Shape, dtype: npt.DTypeLike | None = None, order: str = "C",
         out: ndarray | None = None, name: str | None = None, *, ctx: _Ctx = None,
         **kwargs: Any) -> ndarray: ...
def empty(shape: _Shape, dtype: npt.DTypeLike | None = None, order: str = "C",
          out: ndarray | None = None, name: str | None = None, *, ctx: _Ctx = None,
          **kwargs: Any) -> ndarray: ...
def full(shape: _Shape, fill_value: float, dtype: npt.DTypeLike | None = None,
         order: str = "C", out: ndarray | None = None, name: str | None = None, *,
         ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def arange(start: float, stop: float | None = None, step: float = 1,
           dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
           name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True,
             dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
             name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> ndarray: ...
def eye(N: int, M: int | None = None, k: int = 0, dtype: npt.DTypeLike | None = None,
        out: ndarray | None = None, name: str | None = None, *, ctx: _Ctx = None,
        **kwargs: Any) -> ndarray: ...
def zeros_like(a: ndarray, dtype: npt.DTypeLike | None = None, order: str = "K",
               subok: bool = True, shape: _Shape | None = None, out: ndarray | None = None,
               name: str | None = None, **kwargs: Any) -> ndarray: ...
def ones_like(a: ndarray, dtype: npt.DTypeLike | None = None, order: str = "K",
              subok: bool = True, shape: _Shape | None = None, out: ndarray | None = None,
              name: str | None = None, **kwargs: Any) -> ndarray: ...

# ---- math
def exp(x: _Operand, out: ndarray | None = None, name: str | None = None,
        **kwargs: Any) -> ndarray: ...
def log(data: _Operand | None = None, out: ndarray | None = None, name: str | None = None,
        **kwargs: Any) -> ndarray: ...
def sqrt(data: _Operand | None = None, out: ndarray | None = None,
         name: str | None = None, **kwargs: Any) -> ndarray: ...
def tanh(data: _Operand | None = None, out: ndarray | None = None,
         name: str | None = None, **kwargs: Any) -> ndarray: ...
def maximum(lhs: _Operand | None = None, rhs: _Operand | None = None,
            out: ndarray | None = None, name: str | None = None,
            **kwargs: Any) -> ndarray: ...
def dot(a: ndarray, b: ndarray, out: ndarray | None = None, name: str | None = None,
        **kwargs: Any) -> ndarray: ...
def matmul(lhs: ndarray | None = None, rhs: ndarray | None = None,
           out: ndarray | None = None, name: str | None = None,
           **kwargs: Any) -> ndarray: ...
def sum(a: ndarray, axis: _Axis = None, dtype: npt.DTypeLike | None = None, *,
        keepdims: bool = False, initial: float | None = None, where: Any = None,
        out: ndarray | None = None, name: str | None = None,
        **kwargs: Any) -> ndarray: ...
def mean(a: ndarray, axis: _Axis = None, dtype: npt.DTypeLike | None = None, *,
         keepdims: bool = False, where: Any = None, out: ndarray | None = None,
         name: str | None = None, **kwargs: Any) -> ndarray: ...

# ---- shapes
def reshape(a: ndarray, shape: _Shape | None = None, order: str = "C", *,
            newshape: _Shape | None = None, copy: bool | None = None,
            out: ndarray | None = None, name: str | None = None,
            **kwargs: Any) -> ndarray: ...
def transpose(a: ndarray, axes: Sequence[int] | None = None, out: ndarray | None = None,
              name: str | None = None, **kwargs: Any) -> ndarray: ...
def concatenate(arrays: Sequence[ndarray], axis: int | None = 0, *,
                dtype: npt.DTypeLike | None = None, out: ndarray | None = None,
                name: str | None = None, **kwargs: Any) -> ndarray: ...
def stack(arrays: Sequence[ndarray], axis: int = 0, out: ndarray | None = None,
          name: str | None = None, **kwargs: Any) -> ndarray: ...
def where(condition: ndarray | None = None, x: _Operand | None = None,
          y: _Operand | None = None, out: ndarray | None = None, name: str | None = None,
          **kwargs: Any) -> ndarray: ...
