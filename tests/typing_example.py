"""A small typed program using ndgrad; tests/test_packaging.py runs it and checks it
with ``mypy --strict``. ndgrad ships py.typed and .pyi stubs for its compiled modules
and its public Python API (autograd, NDArray, the common nd / np functions), so mypy
checks calls against real signatures: ``rejected`` holds calls mypy must refuse, each
marked with the error it gives; were a stub to type them as Any, the ignore comment
would be unused, which ``--warn-unused-ignores`` (part of --strict) makes an error."""
from __future__ import annotations

import ndgrad
from ndgrad import autograd, nd
from ndgrad import np as gnp  # ndgrad's NumPy-style namespace


def squared_norm_grad(values: list[float]) -> list[float]:
    """The gradient of sum(x * x) at ``values``: 2 x."""
    x = nd.array(values)
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    grad = x.grad  # NDArray | None: None for an array that is no variable
    assert grad is not None
    result: list[float] = grad.asnumpy().tolist()
    return result


def second_derivative(value: float) -> float:
    """d2/dx2 of x**3 at ``value`` (6 x), by differentiating a recorded gradient."""
    x = nd.array([value])
    x.attach_grad()
    with autograd.record():
        y = x ** 3
        dy = autograd.grad(y, x, create_graph=True)  # one variable: one NDArray
    (d2y,) = autograd.grad(dy, [x])                    # a list of variables: a list
    return float(d2y.asnumpy()[0])


class Cube(autograd.Function):
    """x**3 with a hand-written gradient."""

    def forward(self, x: nd.NDArray) -> nd.NDArray:
        self.save_for_backward(x)
        return x * x * x

    def backward(self, dy: nd.NDArray) -> nd.NDArray:
        (x,) = self.saved_tensors
        result: nd.NDArray = 3 * x * x * dy
        return result


def function_grad(value: float) -> float:
    x = nd.array([value])
    x.attach_grad()
    with autograd.record():
        y = Cube()(x)
    y.backward()
    assert x.grad is not None
    return float(x.grad.asnumpy()[0])


def np_shape() -> tuple[int, ...]:
    z = gnp.zeros((2, 3))
    return (z.T + 1).shape


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


def rejected(x: nd.NDArray) -> None:
    """Never run: each line is an error mypy reports (the code in the comment)."""
    x.attach_grad(grad_req="sum")  # type: ignore[arg-type]
    x.grad.asnumpy()  # type: ignore[union-attr]
    n: int = x.shape  # type: ignore[assignment]
    d: str = x.detach()  # type: ignore[assignment]
    x.asnumpy().no_such_attribute  # type: ignore[attr-defined]
    autograd.record(train_mode="yes")  # type: ignore[arg-type]
    flag: str = autograd.is_recording()  # type: ignore[assignment]
    grads: nd.NDArray = autograd.grad(x, [x])  # type: ignore[assignment]
    autograd.backward(x, retain_graph="no")  # type: ignore[arg-type]
    nd.zeros(shape="3")  # type: ignore[arg-type]
    nd.ones((2,)).no_such_method()  # type: ignore[attr-defined]
    gnp.zeros((2,)).as_nd_ndarray().no_such_method()  # type: ignore[attr-defined]
    ctx: int = x.context  # type: ignore[assignment]
    del n, d, flag, grads, ctx


if __name__ == "__main__":
    print(squared_norm_grad([1.0, 2.0]), second_derivative(2.0), function_grad(2.0),
          np_shape(), type(second_backward_error()).__name__)
