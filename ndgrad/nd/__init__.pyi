# ndgrad.nd is filled from the op registry at import (_namespace.populate). The most
# used functions are typed here (mypy.stubtest checks them against the generated
# signatures, tests/test_packaging.py); the rest are typed Any by __getattr__
# (tests/test_packaging.py checks that every such namespace has a stub). As in MXNet,
# array arguments default to None in the generated signatures; every function also
# takes ``ctx=`` (checked: cpu only) and MXNet's ``out=`` / ``name=``.
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy.typing as npt

from ndgrad.context import Context as Context
from ndgrad.context import cpu as cpu
from ndgrad.context import current_context as current_context
from ndgrad.nd import linalg as linalg
from ndgrad.nd import random as random
from ndgrad.nd.io import load as load
from ndgrad.nd.io import save as save
from ndgrad.ndarray import ArrayBase
from ndgrad.ndarray import NDArray as NDArray

_Shape: TypeAlias = int | Sequence[int]
_Axis: TypeAlias = int | Sequence[int] | None
_Ctx: TypeAlias = Context | str | None
_Operand: TypeAlias = NDArray | float

def waitall() -> None: ...
def __getattr__(name: str) -> Any: ...

# ---- creation
def array(source_array: ArrayBase | npt.ArrayLike | None = None,
          dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
          name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def zeros(shape: _Shape, dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
          name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def ones(shape: _Shape, dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
         name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def empty(shape: _Shape, dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
          name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def full(shape: _Shape, val: float, dtype: npt.DTypeLike | None = None,
         out: NDArray | None = None, name: str | None = None, *, ctx: _Ctx = None,
         **kwargs: Any) -> NDArray: ...
def arange(start: float, stop: float | None = None, step: float = 1.0, repeat: int = 1,
           infer_range: bool | None = None, dtype: npt.DTypeLike | None = None,
           out: NDArray | None = None, name: str | None = None, *, ctx: _Ctx = None,
           **kwargs: Any) -> NDArray: ...
def linspace(start: float, stop: float, num: int, endpoint: bool = True,
             dtype: npt.DTypeLike | None = None, out: NDArray | None = None,
             name: str | None = None, *, ctx: _Ctx = None, **kwargs: Any) -> NDArray: ...
def eye(N: int, M: int = 0, k: int = 0, dtype: npt.DTypeLike | None = None,
        out: NDArray | None = None, name: str | None = None, *, ctx: _Ctx = None,
        **kwargs: Any) -> NDArray: ...
def zeros_like(data: NDArray | None = None, out: NDArray | None = None,
               name: str | None = None, **kwargs: Any) -> NDArray: ...
def ones_like(data: NDArray | None = None, out: NDArray | None = None,
              name: str | None = None, **kwargs: Any) -> NDArray: ...

# ---- arithmetic and math
def add(lhs: _Operand | None = None, rhs: _Operand | None = None,
        out: NDArray | None = None, name: str | None = None, **kwargs: Any) -> NDArray: ...
def multiply(lhs: _Operand | None = None, rhs: _Operand | None = None,
             out: NDArray | None = None, name: str | None = None,
             **kwargs: Any) -> NDArray: ...
def maximum(lhs: _Operand | None = None, rhs: _Operand | None = None,
            out: NDArray | None = None, name: str | None = None,
            **kwargs: Any) -> NDArray: ...
def minimum(lhs: _Operand | None = None, rhs: _Operand | None = None,
            out: NDArray | None = None, name: str | None = None,
            **kwargs: Any) -> NDArray: ...
def dot(lhs: NDArray | None = None, rhs: NDArray | None = None, transpose_a: bool = False,
        transpose_b: bool = False, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def exp(x: NDArray, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def sigmoid(x: NDArray, out: NDArray | None = None, name: str | None = None,
            **kwargs: Any) -> NDArray: ...
def relu(x: NDArray, out: NDArray | None = None, name: str | None = None,
         **kwargs: Any) -> NDArray: ...
def log(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def sqrt(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
         **kwargs: Any) -> NDArray: ...
def square(data: NDArray | None = None, out: NDArray | None = None,
           name: str | None = None, **kwargs: Any) -> NDArray: ...
def sin(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def cos(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def tanh(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
         **kwargs: Any) -> NDArray: ...
def abs(data: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def softmax(data: NDArray | None = None, axis: int = -1, temperature: float | None = None,
            dtype: str | None = None, out: NDArray | None = None,
            name: str | None = None, **kwargs: Any) -> NDArray: ...
def log_softmax(data: NDArray | None = None, axis: int = -1,
                temperature: float | None = None, dtype: str | None = None,
                out: NDArray | None = None, name: str | None = None,
                **kwargs: Any) -> NDArray: ...

# ---- reductions
def sum(data: NDArray | None = None, axis: _Axis = None, keepdims: bool = False,
        exclude: bool = False, out: NDArray | None = None, name: str | None = None,
        **kwargs: Any) -> NDArray: ...
def mean(data: NDArray | None = None, axis: _Axis = None, keepdims: bool = False,
         exclude: bool = False, out: NDArray | None = None, name: str | None = None,
         **kwargs: Any) -> NDArray: ...

# ---- shapes
def reshape(data: NDArray | None = None, shape: Sequence[int] | None = None,
            reverse: bool = False, out: NDArray | None = None, name: str | None = None,
            **kwargs: Any) -> NDArray: ...
def transpose(data: NDArray | None = None, axes: Sequence[int] = (),
              out: NDArray | None = None, name: str | None = None,
              **kwargs: Any) -> NDArray: ...
def broadcast_to(data: NDArray | None = None, shape: Sequence[int] | None = None,
                 out: NDArray | None = None, name: str | None = None,
                 **kwargs: Any) -> NDArray: ...
def concat(*data: NDArray, dim: int = 1, num_args: int | None = None,
           out: NDArray | None = None, name: str | None = None,
           **kwargs: Any) -> NDArray: ...
def stack(*data: NDArray, axis: int = 0, num_args: int | None = None,
          out: NDArray | None = None, name: str | None = None,
          **kwargs: Any) -> NDArray: ...
def where(condition: NDArray | None = None, x: NDArray | None = None,
          y: NDArray | None = None, out: NDArray | None = None, name: str | None = None,
          **kwargs: Any) -> NDArray: ...
