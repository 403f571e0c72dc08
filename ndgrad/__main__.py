"""A short tour: ``python -m ndgrad`` shows autograd at work, MXNet-style."""
from ndgrad import __version__, autograd, nd


def main():
    print(f"ndgrad {__version__}: MXNet's imperative autograd on NumPy\n")

    print(">>> x = nd.arange(4).reshape(4, 1); x.attach_grad()")
    x = nd.arange(4).reshape(4, 1)
    x.attach_grad()
    print(x)
    print(">>> with autograd.record(): y = 2 * nd.dot(x.T, x)")
    with autograd.record():
        y = 2 * nd.dot(x.T, x)
    print(">>> y.backward(); x.grad   # d(2 x'x)/dx = 4x")
    y.backward()
    print(x.grad)

    print("\n>>> autograd.is_training(), then inside record():")
    print(autograd.is_training())
    with autograd.record():
        print(autograd.is_training())

    print("\n>>> head gradients and the chain rule: z = 2 x * x, dz/dx = 4x")
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        z = x * 2 * x
    z.backward(nd.array([[10, 1.0], [0.1, 0.01]]))
    print(x.grad)

    print("\n>>> Python control flow: c = f(a) is k * a, so a.grad == c / a")
    a = nd.random.normal(shape=1)
    a.attach_grad()
    with autograd.record():
        b = a * 2
        while b.norm().asscalar() < 1000:
            b = b * 2
        c = b if b.sum().asscalar() > 0 else 100 * b
    c.backward()
    print(a.grad == c / a)

    print("\n>>> higher-order gradients (beyond MXNet): d^n/dx^n of sin(x) * x at 0.5")
    x = nd.array([0.5])
    x.attach_grad()
    with autograd.record():
        g = nd.sin(x) * x
        for order in (1, 2, 3):
            (g,) = autograd.grad(g, [x], create_graph=True)
            print(f"order {order}: {g.asscalar():.6f}")


if __name__ == "__main__":
    main()
