# Seed 003 (2.5 Automatic Differentiation, np/npx edition), its cells in order; each
# cell's displayed value is printed.
from mxnet import autograd, np, npx
npx.set_np()

x = np.arange(4.0)
print((x, x.grad))

x = np.arange(4.0)
x.attach_grad()
print((x, x.grad))

x = np.arange(4.0)
with autograd.record():
    y = 2 * np.dot(x, x)
print((y, y.grad, x.grad))

x = np.arange(4.0)
with autograd.record():
    y = 2 * np.dot(x, x)
y.attach_grad()
print((y, y.grad, x.grad))

x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = 2 * np.dot(x, x)
y.backward()
print((y, y.grad, x.grad))

with autograd.record():
    y = x.sum()
y.backward()
print(x.grad)

with autograd.record():
    y = x.mean()
x.attach_grad()
print(x.grad)

x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = 2 * x * x
    z = 3 * y * y
z.backward()
print((x, x.grad, y, y.grad, z, z.grad))

x = np.arange(4.0)
x.attach_grad()
print(x, x.grad)
with autograd.record():
    y = 2 * x * x
    z = 3 * y * y
y.attach_grad()
print(x, x.grad, y, y.grad, z, z.grad)
z.backward()
print(x, x.grad, y, y.grad, z, z.grad)
print((x, x.grad, y, y.grad, z, z.grad))

x = np.arange(4.0)
x.attach_grad()
print(x, x.grad)
with autograd.record():
    y = 2 * x * x
    z = 3 * y * y
y.attach_grad()
print(x, x.grad, y, y.grad, z, z.grad)
y.backward()
print(x, x.grad, y, y.grad, z, z.grad)
z.backward()
print(x, x.grad, y, y.grad, z, z.grad)
print((y, y.grad, z, z.grad, x.grad))

x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = x * x
    z = y * x
z.backward()
print((x, x.grad, y, y.grad, z, z.grad))

x = np.arange(4.0)
x.attach_grad()
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print((x, x.grad, y, y.grad, u, u.grad, z, z.grad))


def f(x):
    y = x * 2
    while np.linalg.norm(y) < 1000:
        y = y * 2
    if y.sum() > 0:
        z = y
    else:
        z = 100 * y
    print(x, y, z)
    return z


x = np.random.normal()
x.attach_grad()
with autograd.record():
    y = f(x)
y.backward
print((x, x.grad, y, y.grad))
