# Seed 002 (自动求梯度 notes), its cells in order.
import logging
from copy import copy

from mxnet import autograd, nd

x = nd.random.randint(-4, 5, shape=(4, 1)).astype(float)
print(x)
print(x.grad)
x.attach_grad()
print(x.grad)

with autograd.record():
    y = 2 * nd.dot(x.T, x)
y.backward()
print(x.grad)
x_new = copy(x)
y_new = 2 * nd.dot(x_new.T, x_new)
try:
    y_new.backward()
except Exception as e:
    logging.error('未调用record函数，求梯度报错')

print(autograd.is_training())
with autograd.record():
    print(autograd.is_training())


def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        return b
    else:
        return 100 * b


n = 1
for i in range(n):
    x = nd.random.normal(shape=(1, 1)).astype(float)
    print(x)
    x.attach_grad()
    with autograd.record():
        y = f(x)
    print(y)
    y.backward()
    print(x.grad)
    print(x.grad == y / x)

x = nd.array([[1, 2], [3, 4]]).astype(float)
x.attach_grad()
with autograd.record():
    y = x * x
    z = y * x * x
z.backward()
print(x.grad)

x = nd.array([[1, 2], [3, 4]]).astype(float)
x.attach_grad()
with autograd.record():
    y = x * x
    z = y * x * x
head_gradient = nd.array([[1, 1], [1, 1]]).astype(float)
z.backward(head_gradient)
print(x.grad)

x = nd.array([[1, 2], [3, 4]]).astype(float)
x.attach_grad()
with autograd.record():
    y = x * x
    z = y * x * x
head_gradient = nd.array([[10, 1], [0.1, 0.01]]).astype(float)
z.backward(head_gradient)
print(x.grad)
