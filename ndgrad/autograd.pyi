# Type stub for ndgrad/autograd.py: MXNet's autograd API. Kept in step with the module
# by mypy.stubtest (tests/test_packaging.py). Gradients come as arrays of the flavour
# of the variables they belong to (nd.NDArray or np.ndarray).
from collections.abc import Sequence
from typing import Literal, TypeAlias, TypeVar, overload

import numpy.typing as npt

from ndgrad._engine import AutogradError as AutogradError
from ndgrad._engine import Scope
from ndgrad.anomaly import AnomalyError as AnomalyError
from ndgrad.anomaly import detect_anomaly as detect_anomaly
from ndgrad.anomaly import is_anomaly_enabled as is_anomaly_enabled
from ndgrad.anomaly import set_detect_anomaly as set_detect_anomaly
from ndgrad.function import Function as Function
from ndgrad.functional import hessian as hessian
from ndgrad.functional import hvp as hvp
from ndgrad.functional import jacobian as jacobian
from ndgrad.functional import vjp as vjp
from ndgrad.graph import Graph
from ndgrad.ndarray import ArrayBase

__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording",
           "is_training", "set_recording", "set_training", "mark_variables",
           "backward", "grad", "AutogradError", "Function", "get_symbol",
           "retain_grad", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled", "AnomalyError", "vjp", "jacobian", "hessian", "hvp"]

_A = TypeVar("_A", bound=ArrayBase)
_GradReq: TypeAlias = Literal["write", "add", "null"]
_Heads: TypeAlias = ArrayBase | Sequence[ArrayBase]
# A head gradient: an array, anything NumPy turns into one, or None for ones.
_HeadGrad: TypeAlias = ArrayBase | npt.ArrayLike | None
_HeadGrads: TypeAlias = _HeadGrad | Sequence[_HeadGrad]

def set_recording(is_recording: bool) -> bool: ...
def set_training(train_mode: bool) -> bool: ...
def is_recording() -> bool: ...
def is_training() -> bool: ...

def record(train_mode: bool = True) -> Scope: ...
def pause(train_mode: bool = False) -> Scope: ...
def train_mode() -> Scope: ...
def predict_mode() -> Scope: ...
def mark_variables(
    variables: _Heads,
    gradients: _Heads,
    grad_reqs: _GradReq | Sequence[_GradReq] = "write",
) -> None: ...
def backward(
    heads: _Heads,
    head_grads: _HeadGrads = None,
    retain_graph: bool = False,
    train_mode: bool = True,
) -> None: ...

# One array in ``variables``: one gradient; a list or tuple of them: a list.
@overload
def grad(
    heads: _Heads,
    variables: _A,
    head_grads: _HeadGrads = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    train_mode: bool = True,
) -> _A: ...
@overload
def grad(
    heads: _Heads,
    variables: Sequence[_A],
    head_grads: _HeadGrads = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    train_mode: bool = True,
) -> list[_A]: ...
def retain_grad(array: ArrayBase) -> None: ...
def get_symbol(x: _Heads) -> Graph: ...
