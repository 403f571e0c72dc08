"""A small typed program using ndgrad; tests/test_packaging.py runs it and checks it
with mypy. ndgrad ships py.typed and .pyi stubs for its compiled modules, so mypy
follows ndgrad's types (here ``AutogradError`` comes from the stub of ``_engine``)."""
from __future__ import annotations

import ndgrad
from ndgrad import autograd, nd


def squared_norm_grad(values: list[float]) -> list[float]:
    """The gradient of sum(x * x) at ``values``: 2 x."""
    x = nd.array(values)
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    grad: list[float] = x.grad.asnumpy().tolist()
    return grad


def second_backward_error() -> ndgrad.AutogradError | None:
    """A second backward through a freed graph raises AutogradError."""
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2
    y.backward()
    try:
        y.backward()
    except ndgrad.AutogradError as e:
        return e
    return None


if __name__ == "__main__":
    print(squared_norm_grad([1.0, 2.0]), type(second_backward_error()).__name__)
