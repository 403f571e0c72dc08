"""Programs written the way the "Dive into Deep Learning" (MXNet edition) scratch
chapters write them, run on ndgrad: linear and softmax regression, MLP, dropout,
weight decay, convolution and pooling from scratch, batch normalisation, RNN/GRU/LSTM
with gradient clipping, and optimisers that update parameters with ``p[:] = ...``.

Each program prints what the chapter prints. Where that is deterministic (no random
data), the text was produced by MXNet 1.9.1 running the same program with ``mxnet``
in place of ``ndgrad`` (MXNET_PRINTS). Programs on random data check convergence.
"""
import contextlib
import io
import math
import random
import re

import numpy as np
import pytest

import ndgrad
from ndgrad import autograd, nd


# ---- shared pieces, as the chapters define them -------------------------------------

def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def train_classifier(net, loss, params, features, labels, epochs, batch_size, lr):
    """The chapters' training loop (d2l's ``train_ch3``): minibatch SGD, then the loss
    over all data after each epoch. Returns the losses and the final accuracy."""
    losses = []
    for epoch in range(epochs):
        for X, y in data_iter(batch_size, features, labels):
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            sgd(params, lr, batch_size)
        losses.append(loss(net(features), labels).mean().asscalar())
    return losses, accuracy(net(features), labels)


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linreg(X, w, b):
    return nd.dot(X, w) + b


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        j = nd.array(indices[i: min(i + batch_size, num_examples)])
        yield features.take(j), labels.take(j)


def cross_entropy(y_hat, y):
    return -nd.pick(y_hat, y).log()


def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y.astype('float32')).mean().asscalar()


def clusters(num_classes=3, num_inputs=4, n=60):
    """Separable synthetic classes: gaussian blobs around distinct centres."""
    centres = nd.random.normal(scale=3, shape=(num_classes, num_inputs))
    y = nd.array([i % num_classes for i in range(n)])
    X = centres.take(y) + nd.random.normal(scale=0.5, shape=(n, num_inputs))
    return X, y


# ---- 3.2 linear regression from scratch ----------------------------------------------

def linear_regression():
    num_inputs, num_examples = 2, 1000
    true_w, true_b = nd.array([2, -3.4]), 4.2
    features = nd.random.normal(scale=1, shape=(num_examples, num_inputs))
    labels = nd.dot(features, true_w) + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)
    w = nd.random.normal(scale=0.01, shape=(num_inputs, 1))
    b = nd.zeros(shape=(1,))
    w.attach_grad()
    b.attach_grad()
    lr, num_epochs, batch_size = 0.03, 3, 10
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            with autograd.record():
                l = squared_loss(linreg(X, w, b), y)
            l.backward()
            sgd([w, b], lr, batch_size)
        train_l = squared_loss(linreg(features, w, b), labels)
        losses.append(train_l.mean().asscalar())
        print('epoch %d, loss %f' % (epoch + 1, losses[-1]))
    return losses, true_w - w.reshape(true_w.shape), true_b - b


# ---- 3.6 softmax regression from scratch ----------------------------------------------

def softmax(X):
    X_exp = X.exp()
    partition = X_exp.sum(axis=1, keepdims=True)
    return X_exp / partition


def softmax_prints():
    X_prob = softmax(nd.array([[1, 2, 3], [0.5, -1, 2]]))
    print(X_prob, X_prob.sum(axis=1))
    print(nd.softmax(nd.array([[1, 2, 3], [0.5, -1, 2]])))
    y_hat = nd.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = nd.array([0, 2], dtype='int32')
    print(nd.pick(y_hat, y), accuracy(y_hat, y))


def softmax_regression():
    num_inputs, num_outputs = 4, 3
    features, labels = clusters()
    W = nd.random.normal(scale=0.01, shape=(num_inputs, num_outputs))
    b = nd.zeros(num_outputs)
    W.attach_grad()
    b.attach_grad()

    def net(X):
        return softmax(nd.dot(X.reshape((-1, num_inputs)), W) + b)

    return train_classifier(net, cross_entropy, [W, b], features, labels, epochs=5,
                            batch_size=10, lr=0.1)


# ---- 4.2 MLP, 4.5 weight decay, 4.6 dropout from scratch ------------------------------

def relu(X):
    return nd.maximum(X, 0)


def dropout(X, drop_prob):
    assert 0 <= drop_prob <= 1
    keep_prob = 1 - drop_prob
    if keep_prob == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape) < keep_prob
    return mask * X / keep_prob


def dropout_prints():
    X = nd.arange(16).reshape((2, 8))
    print(dropout(X, 0))
    print(dropout(X, 1))
    half = dropout(X, 0.5)
    return X, half


def mlp(drop_prob=0.0):
    num_inputs, num_hiddens, num_outputs = 4, 16, 3
    features, labels = clusters()
    W1 = nd.random.normal(scale=0.1, shape=(num_inputs, num_hiddens))
    b1 = nd.zeros(num_hiddens)
    W2 = nd.random.normal(scale=0.1, shape=(num_hiddens, num_outputs))
    b2 = nd.zeros(num_outputs)
    params = [W1, b1, W2, b2]
    for param in params:
        param.attach_grad()

    def net(X):
        H = relu(nd.dot(X.reshape((-1, num_inputs)), W1) + b1)
        if autograd.is_training():
            H = dropout(H, drop_prob)
        return nd.dot(H, W2) + b2

    def loss(out, y):  # softmax cross-entropy, with ndgrad's fused log_softmax
        return -nd.pick(nd.log_softmax(out), y)

    return train_classifier(net, loss, params, features, labels, epochs=8, batch_size=10,
                            lr=0.2)


def weight_decay(lambd):
    n_train, n_test, num_inputs = 20, 100, 200
    true_w, true_b = nd.ones((num_inputs, 1)) * 0.01, 0.05
    features = nd.random.normal(shape=(n_train + n_test, num_inputs))
    labels = nd.dot(features, true_w) + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)
    train_features, test_features = features[:n_train, :], features[n_train:, :]
    train_labels, test_labels = labels[:n_train], labels[n_train:]
    w = nd.random.normal(scale=1, shape=(num_inputs, 1))
    b = nd.zeros(shape=(1,))
    w.attach_grad()
    b.attach_grad()

    def l2_penalty(w):
        return (w ** 2).sum() / 2

    for _ in range(30):
        for X, y in data_iter(1, train_features, train_labels):
            with autograd.record():
                l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)
            l.backward()
            sgd([w, b], 0.003, 1)
    test_l = squared_loss(linreg(test_features, w, b), test_labels).mean().asscalar()
    print('L2 norm of w:', w.norm().asscalar())
    return w.norm().asscalar(), test_l


# ---- 5.1-5.4 convolution and pooling from scratch ------------------------------------

def corr2d(X, K):
    h, w = K.shape
    Y = nd.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i: i + h, j: j + w] * K).sum()
    return Y


def corr2d_multi_in(X, K):
    return nd.add_n(*[corr2d(x, k) for x, k in zip(X, K)])


def corr2d_multi_in_out(X, K):
    return nd.stack(*[corr2d_multi_in(X, k) for k in K])


def corr2d_multi_in_out_1x1(X, K):
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape((c_i, h * w))
    K = K.reshape((c_o, c_i))
    Y = nd.dot(K, X)
    return Y.reshape((c_o, h, w))


def convolutions():
    X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    K = nd.array([[0, 1], [2, 3]])
    print(corr2d(X, K))
    X = nd.ones((6, 8))
    X[:, 2:6] = 0
    print(X)
    K = nd.array([[1, -1]])
    Y = corr2d(X, K)
    print(Y)
    print(corr2d(X.T, K))
    # Learning the kernel: nd.Convolution is what Gluon's Conv2D calls.
    K_hat = nd.array([[0.3, 0.2]])
    K_hat.attach_grad()
    X4, Y4 = X.reshape((1, 1, 6, 8)), Y.reshape((1, 1, 6, 7))
    for i in range(10):
        with autograd.record():
            Y_hat = nd.Convolution(X4, K_hat.reshape((1, 1, 1, 2)), kernel=(1, 2),
                                   num_filter=1, no_bias=True)
            l = (Y_hat - Y4) ** 2
        l.backward()
        K_hat[:] -= 3e-2 * K_hat.grad
        if (i + 1) % 2 == 0:
            print('batch %d, loss %.3f' % (i + 1, l.sum().asscalar()))
    print(K_hat)
    # Padding and stride: output shapes.
    X = nd.random.uniform(shape=(1, 1, 8, 8))
    for kw in (dict(kernel=(3, 3), pad=(1, 1)), dict(kernel=(5, 3), pad=(2, 1)),
               dict(kernel=(3, 3), pad=(1, 1), stride=(2, 2)),
               dict(kernel=(3, 5), pad=(0, 1), stride=(3, 4))):
        print(nd.Convolution(X, nd.ones((1, 1) + kw['kernel']), num_filter=1,
                             no_bias=True, **kw).shape)
    # Multiple input and output channels.
    X = nd.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    K = nd.array([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
    print(corr2d_multi_in(X, K))
    K = nd.stack(K, K + 1, K + 2)
    print(K.shape)
    print(corr2d_multi_in_out(X, K))
    print(nd.Convolution(X.expand_dims(0), K, kernel=(2, 2), num_filter=3, no_bias=True))
    X = nd.arange(27).reshape((3, 3, 3)) / 10
    K = nd.arange(6).reshape((2, 3, 1, 1)) / 4
    Y1 = corr2d_multi_in_out_1x1(X, K)
    Y2 = corr2d_multi_in_out(X, K)
    print((Y1 - Y2).norm().asscalar() < 1e-6)


def learn_kernel_through_index_assignment():
    # MXNet cannot differentiate corr2d (its in-place writes are not recorded); ndgrad
    # records Y[i, j] = ... and learns the kernel through it.
    X = nd.ones((6, 8))
    X[:, 2:6] = 0
    Y = corr2d(X, nd.array([[1, -1]]))
    K = nd.array([[0.3, 0.2]])
    K.attach_grad()
    for i in range(20):
        with autograd.record():
            l = ((corr2d(X, K) - Y) ** 2).sum()
        l.backward()
        K[:] -= 3e-2 * K.grad
    return K


def pool2d(X, pool_size, mode='max'):
    p_h, p_w = pool_size
    Y = nd.zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            if mode == 'max':
                Y[i, j] = X[i: i + p_h, j: j + p_w].max()
            elif mode == 'avg':
                Y[i, j] = X[i: i + p_h, j: j + p_w].mean()
    return Y


def pooling():
    X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    print(pool2d(X, (2, 2)))
    print(pool2d(X, (2, 2), 'avg'))
    X = nd.arange(16).reshape((1, 1, 4, 4))
    print(X)
    print(nd.Pooling(X, kernel=(3, 3), stride=(3, 3)))  # Gluon's MaxPool2D(3)
    print(nd.Pooling(X, kernel=(3, 3), pad=(1, 1), stride=(2, 2)))
    print(nd.Pooling(X, kernel=(2, 3), pad=(1, 2), stride=(2, 3)))
    X = nd.concat(X, X + 1, dim=1)
    print(nd.Pooling(X, kernel=(3, 3), pad=(1, 1), stride=(2, 2)))
    print(nd.Pooling(X, kernel=(3, 3), pad=(1, 1), stride=(2, 2), pool_type='avg'))


# ---- 7.5 batch normalisation from scratch --------------------------------------------

def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / nd.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(axis=0)
            var = ((X - mean) ** 2).mean(axis=0)
        else:
            mean = X.mean(axis=(0, 2, 3), keepdims=True)
            var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
        X_hat = (X - mean) / nd.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta
    return Y, moving_mean, moving_var


BN_X = [[[[1, 2], [0, 3]], [[4, 0], [2, 2]]], [[[2, 5], [1, 1]], [[0, 1], [3, 6]]]]


def batch_norm_prints():
    X = nd.array(BN_X)
    gamma, beta = nd.array([1.5, 0.5]).reshape((1, 2, 1, 1)), nd.zeros((1, 2, 1, 1))
    moving_mean, moving_var = nd.zeros((1, 2, 1, 1)), nd.ones((1, 2, 1, 1))
    gamma.attach_grad()
    X.attach_grad()
    with autograd.record():
        Y, moving_mean, moving_var = batch_norm(X, gamma, beta, moving_mean, moving_var,
                                                eps=1e-5, momentum=0.9)
        l = (Y * nd.arange(16).reshape(Y.shape)).sum()
    l.backward()
    print(Y)
    print(moving_mean.reshape((-1,)), moving_var.reshape((-1,)))
    print(X.grad)
    print(gamma.grad.reshape((-1,)))
    # The same with the op.
    X2 = nd.array(BN_X)
    X2.attach_grad()
    mm, mv = nd.zeros(2), nd.ones(2)
    with autograd.record():
        Y2 = nd.BatchNorm(X2, nd.array([1.5, 0.5]), nd.zeros(2), mm, mv, eps=1e-5,
                          fix_gamma=False)
        l = (Y2 * nd.arange(16).reshape(Y.shape)).sum()
    l.backward()
    print(Y2)
    print(X2.grad)
    print(mm, mv)
    return Y, X.grad, Y2, X2.grad


def batch_norm_lenet():
    """A small LeNet-style net with from-scratch batch norm, on 8x8 images of a
    bright bar that is either vertical (class 0) or horizontal (class 1)."""
    n = 40
    images = nd.random.uniform(0, 0.3, shape=(n, 1, 8, 8))
    labels = nd.array([i % 2 for i in range(n)])
    for i in range(n):
        k = i // 2 % 6 + 1
        if i % 2:
            images[i, 0, k, :] = 1
        else:
            images[i, 0, :, k] = 1
    W1 = nd.random.normal(scale=0.3, shape=(4, 1, 3, 3))
    b1 = nd.zeros(4)
    gamma, beta = nd.ones((1, 4, 1, 1)), nd.zeros((1, 4, 1, 1))
    W2 = nd.random.normal(scale=0.1, shape=(2, 36))
    b2 = nd.zeros(2)
    params = [W1, b1, gamma, beta, W2, b2]
    for p in params:
        p.attach_grad()
    state = {'mean': nd.zeros((1, 4, 1, 1)), 'var': nd.ones((1, 4, 1, 1))}

    def net(X):
        H = nd.Convolution(X, W1, b1, kernel=(3, 3), num_filter=4)
        H, state['mean'], state['var'] = batch_norm(H, gamma, beta, state['mean'],
                                                    state['var'], 1e-5, 0.9)
        H = nd.Pooling(nd.relu(H), kernel=(2, 2), stride=(2, 2))
        return nd.FullyConnected(H, W2, b2, num_hidden=2)

    def loss(out, y):
        return -nd.pick(nd.log_softmax(out), y)

    return train_classifier(net, loss, params, images, labels, epochs=6, batch_size=8,
                            lr=0.5)


# ---- 8.5/9.1/9.2 RNN, GRU, LSTM from scratch --------------------------------------

def to_onehot(X, size):
    return [nd.one_hot(x, size) for x in X.T]


def grad_clipping(params, theta):
    norm = nd.array([0])
    for param in params:
        norm += nd.sum(param.grad ** 2)
    norm = norm.sqrt().asscalar()
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def _normal(shape):
    return nd.random.normal(scale=0.01, shape=shape)


def _three(num_inputs, num_hiddens):
    return (_normal((num_inputs, num_hiddens)), _normal((num_hiddens, num_hiddens)),
            nd.zeros(num_hiddens))


def rnn_params(num_inputs, num_hiddens, num_outputs):
    return list(_three(num_inputs, num_hiddens)) + [_normal((num_hiddens, num_outputs)),
                                                   nd.zeros(num_outputs)]


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = nd.tanh(nd.dot(X, W_xh) + nd.dot(H, W_hh) + b_h)
        Y = nd.dot(H, W_hq) + b_q
        outputs.append(Y)
    return outputs, (H,)


def gru_params(num_inputs, num_hiddens, num_outputs):
    return [*_three(num_inputs, num_hiddens), *_three(num_inputs, num_hiddens),
            *_three(num_inputs, num_hiddens), _normal((num_hiddens, num_outputs)),
            nd.zeros(num_outputs)]


def gru(inputs, state, params):
    W_xz, W_hz, b_z, W_xr, W_hr, b_r, W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        Z = nd.sigmoid(nd.dot(X, W_xz) + nd.dot(H, W_hz) + b_z)
        R = nd.sigmoid(nd.dot(X, W_xr) + nd.dot(H, W_hr) + b_r)
        H_tilda = nd.tanh(nd.dot(X, W_xh) + nd.dot(R * H, W_hh) + b_h)
        H = Z * H + (1 - Z) * H_tilda
        Y = nd.dot(H, W_hq) + b_q
        outputs.append(Y)
    return outputs, (H,)


def lstm_params(num_inputs, num_hiddens, num_outputs):
    return [*_three(num_inputs, num_hiddens), *_three(num_inputs, num_hiddens),
            *_three(num_inputs, num_hiddens), *_three(num_inputs, num_hiddens),
            _normal((num_hiddens, num_outputs)), nd.zeros(num_outputs)]


def lstm(inputs, state, params):
    [W_xi, W_hi, b_i, W_xf, W_hf, b_f, W_xo, W_ho, b_o, W_xc, W_hc, b_c,
     W_hq, b_q] = params
    (H, C) = state
    outputs = []
    for X in inputs:
        I = nd.sigmoid(nd.dot(X, W_xi) + nd.dot(H, W_hi) + b_i)
        F = nd.sigmoid(nd.dot(X, W_xf) + nd.dot(H, W_hf) + b_f)
        O = nd.sigmoid(nd.dot(X, W_xo) + nd.dot(H, W_ho) + b_o)
        C_tilda = nd.tanh(nd.dot(X, W_xc) + nd.dot(H, W_hc) + b_c)
        C = F * C + I * C_tilda
        H = O * C.tanh()
        Y = nd.dot(H, W_hq) + b_q
        outputs.append(Y)
    return outputs, (H, C)


def data_iter_consecutive(corpus_indices, batch_size, num_steps):
    corpus_indices = nd.array(corpus_indices)
    data_len = len(corpus_indices)
    batch_len = data_len // batch_size
    indices = corpus_indices[0: batch_size * batch_len].reshape((batch_size, batch_len))
    epoch_size = (batch_len - 1) // num_steps
    for i in range(epoch_size):
        i = i * num_steps
        X = indices[:, i: i + num_steps]
        Y = indices[:, i + 1: i + num_steps + 1]
        yield X, Y


def train_rnn(model, get_params, num_states, epochs=25, num_hiddens=32):
    """Sequential-partition training on a periodic character sequence; returns the
    perplexity of each epoch."""
    corpus = 'the quick brown fox '
    vocab = sorted(set(corpus))
    corpus_indices = [vocab.index(c) for c in corpus * 12]
    vocab_size, batch_size, num_steps = len(vocab), 4, 6
    params = get_params(vocab_size, num_hiddens, vocab_size)
    for param in params:
        param.attach_grad()

    def loss(out, y):
        return -nd.pick(nd.log_softmax(out), y)

    perplexities = []
    for epoch in range(epochs):
        state = tuple(nd.zeros((batch_size, num_hiddens)) for _ in range(num_states))
        l_sum, n = 0.0, 0
        for X, Y in data_iter_consecutive(corpus_indices, batch_size, num_steps):
            state = tuple(s.detach() for s in state)
            with autograd.record():
                inputs = to_onehot(X, vocab_size)
                outputs, state = model(inputs, state, params)
                outputs = nd.concat(*outputs, dim=0)
                y = Y.T.reshape((-1,))
                l = loss(outputs, y).mean()
            l.backward()
            grad_clipping(params, 1.0)
            sgd(params, 2.0, 1)
            l_sum += l.asscalar() * y.size
            n += y.size
        perplexities.append(math.exp(l_sum / n))
    return perplexities


# ---- 11 optimisers from scratch ------------------------------------------------------

def sgd_momentum(params, states, hyperparams):
    for p, v in zip(params, states):
        v[:] = hyperparams['momentum'] * v + p.grad
        p[:] -= hyperparams['lr'] * v


def adagrad(params, states, hyperparams):
    eps = 1e-6
    for p, s in zip(params, states):
        s[:] += p.grad.square()
        p[:] -= hyperparams['lr'] * p.grad / (s + eps).sqrt()


def rmsprop(params, states, hyperparams):
    gamma, eps = hyperparams['gamma'], 1e-6
    for p, s in zip(params, states):
        s[:] = gamma * s + (1 - gamma) * p.grad.square()
        p[:] -= hyperparams['lr'] * p.grad / (s + eps).sqrt()


def adam(params, states, hyperparams):
    beta1, beta2, eps = 0.9, 0.999, 1e-6
    for p, (v, s) in zip(params, states):
        v[:] = beta1 * v + (1 - beta1) * p.grad
        s[:] = beta2 * s + (1 - beta2) * p.grad.square()
        v_bias_corr = v / (1 - beta1 ** hyperparams['t'])
        s_bias_corr = s / (1 - beta2 ** hyperparams['t'])
        p[:] -= hyperparams['lr'] * v_bias_corr / (s_bias_corr.sqrt() + eps)
    hyperparams['t'] += 1


def train_optimizer(trainer_fn, init_states, hyperparams, epochs=4, batch_size=10):
    """Minibatch training of linear regression on fixed data in a fixed order (no
    randomness, so MXNet's run prints the same losses)."""
    n = 100
    features = nd.stack(nd.sin(nd.arange(n)), nd.cos(nd.arange(n) * 0.7),
                        nd.arange(n) / n - 0.5, axis=1)
    labels = nd.dot(features, nd.array([1.5, -2, 0.7])) + 0.3
    w = nd.zeros((3, 1))
    b = nd.zeros(1)
    w.attach_grad()
    b.attach_grad()
    states = init_states()
    for epoch in range(epochs):
        for i in range(0, n, batch_size):
            X, y = features[i: i + batch_size], labels[i: i + batch_size]
            with autograd.record():
                l = squared_loss(linreg(X, w, b), y).mean()
            l.backward()
            trainer_fn([w, b], states, hyperparams)
        l = squared_loss(linreg(features, w, b), labels).mean()
        print('loss: %.4f' % l.asscalar())


def optimizers():
    def zeros_states():
        return (nd.zeros((3, 1)), nd.zeros(1))

    def adam_states():
        return ((nd.zeros((3, 1)), nd.zeros((3, 1))), (nd.zeros(1), nd.zeros(1)))

    train_optimizer(sgd_momentum, zeros_states, {'lr': 0.05, 'momentum': 0.5})
    train_optimizer(adagrad, zeros_states, {'lr': 0.3})
    train_optimizer(rmsprop, zeros_states, {'lr': 0.03, 'gamma': 0.9})
    train_optimizer(adam, adam_states, {'lr': 0.05, 't': 1})


# ---- the tests ------------------------------------------------------------------------

# What MXNet 1.9.1 printed running these programs (with mxnet in place of ndgrad).
MXNET_PRINTS = {
    'softmax_prints': (
        '\n'
        '[[0.09003057 0.24472848 0.66524094]\n'
        ' [0.17529039 0.03911258 0.785597  ]]\n'
        '<NDArray 2x3 @cpu(0)> \n'
        '[1. 1.]\n'
        '<NDArray 2 @cpu(0)>\n'
        '\n'
        '[[0.09003057 0.24472848 0.6652409 ]\n'
        ' [0.17529039 0.03911258 0.7855971 ]]\n'
        '<NDArray 2x3 @cpu(0)>\n'
        '\n'
        '[0.1 0.5]\n'
        '<NDArray 2 @cpu(0)> 0.5\n'
    ),
    'convolutions': (
        '\n'
        '[[19. 25.]\n'
        ' [37. 43.]]\n'
        '<NDArray 2x2 @cpu(0)>\n'
        '\n'
        '[[1. 1. 0. 0. 0. 0. 1. 1.]\n'
        ' [1. 1. 0. 0. 0. 0. 1. 1.]\n'
        ' [1. 1. 0. 0. 0. 0. 1. 1.]\n'
        ' [1. 1. 0. 0. 0. 0. 1. 1.]\n'
        ' [1. 1. 0. 0. 0. 0. 1. 1.]\n'
        ' [1. 1. 0. 0. 0. 0. 1. 1.]]\n'
        '<NDArray 6x8 @cpu(0)>\n'
        '\n'
        '[[ 0.  1.  0.  0.  0. -1.  0.]\n'
        ' [ 0.  1.  0.  0.  0. -1.  0.]\n'
        ' [ 0.  1.  0.  0.  0. -1.  0.]\n'
        ' [ 0.  1.  0.  0.  0. -1.  0.]\n'
        ' [ 0.  1.  0.  0.  0. -1.  0.]\n'
        ' [ 0.  1.  0.  0.  0. -1.  0.]]\n'
        '<NDArray 6x7 @cpu(0)>\n'
        '\n'
        '[[0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0.]]\n'
        '<NDArray 8x5 @cpu(0)>\n'
        'batch 2, loss 6.836\n'
        'batch 4, loss 1.727\n'
        'batch 6, loss 0.528\n'
        'batch 8, loss 0.186\n'
        'batch 10, loss 0.071\n'
        '\n'
        '[[ 1.0158908 -0.9622037]]\n'
        '<NDArray 1x2 @cpu(0)>\n'
        '(1, 1, 8, 8)\n'
        '(1, 1, 8, 8)\n'
        '(1, 1, 4, 4)\n'
        '(1, 1, 2, 2)\n'
        '\n'
        '[[ 56.  72.]\n'
        ' [104. 120.]]\n'
        '<NDArray 2x2 @cpu(0)>\n'
        '(3, 2, 2, 2)\n'
        '\n'
        '[[[ 56.  72.]\n'
        '  [104. 120.]]\n'
        '\n'
        ' [[ 76. 100.]\n'
        '  [148. 172.]]\n'
        '\n'
        ' [[ 96. 128.]\n'
        '  [192. 224.]]]\n'
        '<NDArray 3x2x2 @cpu(0)>\n'
        '\n'
        '[[[[ 56.  72.]\n'
        '   [104. 120.]]\n'
        '\n'
        '  [[ 76. 100.]\n'
        '   [148. 172.]]\n'
        '\n'
        '  [[ 96. 128.]\n'
        '   [192. 224.]]]]\n'
        '<NDArray 1x3x2x2 @cpu(0)>\n'
        'True\n'
    ),
    'pooling': (
        '\n'
        '[[4. 5.]\n'
        ' [7. 8.]]\n'
        '<NDArray 2x2 @cpu(0)>\n'
        '\n'
        '[[2. 3.]\n'
        ' [5. 6.]]\n'
        '<NDArray 2x2 @cpu(0)>\n'
        '\n'
        '[[[[ 0.  1.  2.  3.]\n'
        '   [ 4.  5.  6.  7.]\n'
        '   [ 8.  9. 10. 11.]\n'
        '   [12. 13. 14. 15.]]]]\n'
        '<NDArray 1x1x4x4 @cpu(0)>\n'
        '\n'
        '[[[[10.]]]]\n'
        '<NDArray 1x1x1x1 @cpu(0)>\n'
        '\n'
        '[[[[ 5.  7.]\n'
        '   [13. 15.]]]]\n'
        '<NDArray 1x1x2x2 @cpu(0)>\n'
        '\n'
        '[[[[ 0.  3.]\n'
        '   [ 8. 11.]\n'
        '   [12. 15.]]]]\n'
        '<NDArray 1x1x3x2 @cpu(0)>\n'
        '\n'
        '[[[[ 5.  7.]\n'
        '   [13. 15.]]\n'
        '\n'
        '  [[ 6.  8.]\n'
        '   [14. 16.]]]]\n'
        '<NDArray 1x2x2x2 @cpu(0)>\n'
        '\n'
        '[[[[ 1.1111112  2.6666667]\n'
        '   [ 5.6666665 10.       ]]\n'
        '\n'
        '  [[ 1.5555556  3.3333333]\n'
        '   [ 6.3333335 11.       ]]]]\n'
        '<NDArray 1x2x2x2 @cpu(0)>\n'
    ),
    'batch_norm_prints': (
        '\n'
        '[[[[-0.903694    0.12909913]\n'
        '   [-1.9364872   1.1618923 ]]\n'
        '\n'
        '  [[ 0.45566058 -0.5858493 ]\n'
        '   [-0.06509437 -0.06509437]]]\n'
        '\n'
        '\n'
        ' [[[ 0.12909913  3.2274785 ]\n'
        '   [-0.903694   -0.903694  ]]\n'
        '\n'
        '  [[-0.5858493  -0.32547185]\n'
        '   [ 0.1952831   0.9764155 ]]]]\n'
        '<NDArray 2x2x2x2 @cpu(0)>\n'
        '\n'
        '[0.1875     0.22500001]\n'
        '<NDArray 2 @cpu(0)> \n'
        '[1.1109375 1.26875  ]\n'
        '<NDArray 2 @cpu(0)>\n'
        '\n'
        '[[[[-5.118066   -4.7278967 ]\n'
        '   [-2.409856   -3.3049345 ]]\n'
        '\n'
        '  [[-1.6792132  -0.85395074]\n'
        '   [-0.8760157  -0.6156382 ]]]\n'
        '\n'
        '\n'
        ' [[[ 2.5016546   1.6065764 ]\n'
        '   [ 5.2098646   6.2426577 ]]\n'
        '\n'
        '  [[ 0.9686916   1.0878477 ]\n'
        '   [ 1.0657829   0.9024965 ]]]]\n'
        '<NDArray 2x2x2x2 @cpu(0)>\n'
        '\n'
        '[7.229552 8.332081]\n'
        '<NDArray 2 @cpu(0)>\n'
        '\n'
        '[[[[-0.90369403  0.12909915]\n'
        '   [-1.9364872   1.1618923 ]]\n'
        '\n'
        '  [[ 0.45566058 -0.5858493 ]\n'
        '   [-0.06509437 -0.06509437]]]\n'
        '\n'
        '\n'
        ' [[[ 0.12909915  3.2274787 ]\n'
        '   [-0.90369403 -0.90369403]]\n'
        '\n'
        '  [[-0.5858493  -0.32547182]\n'
        '   [ 0.1952831   0.9764155 ]]]]\n'
        '<NDArray 2x2x2x2 @cpu(0)>\n'
        '\n'
        '[[[[-5.1180663  -4.7278967 ]\n'
        '   [-2.409856   -3.304934  ]]\n'
        '\n'
        '  [[-1.6792134  -0.8539506 ]\n'
        '   [-0.8760159  -0.61563843]]]\n'
        '\n'
        '\n'
        ' [[[ 2.5016546   1.6065766 ]\n'
        '   [ 5.209864    6.242657  ]]\n'
        '\n'
        '  [[ 0.96869165  1.0878477 ]\n'
        '   [ 1.0657827   0.9024963 ]]]]\n'
        '<NDArray 2x2x2x2 @cpu(0)>\n'
        '\n'
        '[0.18750004 0.22500005]\n'
        '<NDArray 2 @cpu(0)> \n'
        '[1.1109375 1.2687501]\n'
        '<NDArray 2 @cpu(0)>\n'
    ),
    'dropout_prints': (
        '\n'
        '[[ 0.  1.  2.  3.  4.  5.  6.  7.]\n'
        ' [ 8.  9. 10. 11. 12. 13. 14. 15.]]\n'
        '<NDArray 2x8 @cpu(0)>\n'
        '\n'
        '[[0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0.]]\n'
        '<NDArray 2x8 @cpu(0)>\n'
    ),
    'optimizers': (
        'loss: 0.6202\n'
        'loss: 0.2231\n'
        'loss: 0.0856\n'
        'loss: 0.0368\n'
        'loss: 0.3395\n'
        'loss: 0.1003\n'
        'loss: 0.0317\n'
        'loss: 0.0102\n'
        'loss: 0.9393\n'
        'loss: 0.6177\n'
        'loss: 0.3904\n'
        'loss: 0.2266\n'
        'loss: 0.9448\n'
        'loss: 0.4668\n'
        'loss: 0.1855\n'
        'loss: 0.0538\n'
    ),
}

# float32 results that may differ from MXNet's in the last digit (a different exp, or
# summation order in means): compared number by number.
ROUNDING = {"softmax_prints", "batch_norm_prints"}
_NUMBER = re.compile(r"-?\d+\.?\d*(?:e[-+]?\d+)?")


def _run(program):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = program()
    return out.getvalue(), result


@pytest.mark.parametrize("name", sorted(MXNET_PRINTS))
def test_prints_what_mxnet_prints(name):
    printed, _ = _run(globals()[name])
    want = MXNET_PRINTS[name]
    if name not in ROUNDING:
        assert printed == want
        return
    def layout(text):  # the text around the numbers; padding depends on the digits
        return " ".join(_NUMBER.sub("#", text).split()).replace(" ]", "]")

    assert layout(printed) == layout(want)
    np.testing.assert_allclose([float(x) for x in _NUMBER.findall(printed)],
                               [float(x) for x in _NUMBER.findall(want)], rtol=2e-6,
                               atol=1e-7)


@pytest.fixture(autouse=True)
def seeded():
    ndgrad.random.seed(0)
    random.seed(0)


def test_linear_regression_converges():
    printed, (losses, w_error, b_error) = _run(linear_regression)
    assert printed.startswith("epoch 1, loss ") and len(printed.splitlines()) == 3
    assert losses[-1] < 1e-3 and losses[0] > losses[-1]
    assert np.abs(w_error.asnumpy()).max() < 0.01 and abs(b_error.asscalar()) < 0.01


def test_softmax_regression_converges():
    losses, acc = softmax_regression()
    assert losses[-1] < losses[0] / 2 and acc >= 0.9


@pytest.mark.parametrize("drop_prob", [0.0, 0.3])
def test_mlp_with_and_without_dropout_converges(drop_prob):
    losses, acc = mlp(drop_prob)
    assert losses[-1] < losses[0] / 3 and acc >= 0.9


def test_dropout_from_scratch_scales_kept_values():
    X, half = _run(dropout_prints)[1]
    kept = half.asnumpy() != 0
    np.testing.assert_allclose(half.asnumpy()[kept], 2 * X.asnumpy()[kept])


def test_weight_decay_shrinks_weights_and_helps_generalise():
    norm_free, test_free = _run(lambda: weight_decay(0))[1]
    norm_decay, test_decay = _run(lambda: weight_decay(3))[1]
    assert norm_decay < norm_free / 10 and test_decay < test_free / 10


def test_kernel_learnt_through_corr2d_index_assignment():
    np.testing.assert_allclose(learn_kernel_through_index_assignment().asnumpy(),
                               [[1, -1]], atol=0.02)


def test_batch_norm_from_scratch_matches_the_op():
    Y, dX, Y2, dX2 = _run(batch_norm_prints)[1]
    np.testing.assert_allclose(Y.asnumpy(), Y2.asnumpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dX.asnumpy(), dX2.asnumpy(), rtol=1e-4, atol=1e-5)


def test_lenet_with_batch_norm_converges():
    losses, acc = batch_norm_lenet()
    assert losses[-1] < losses[0] / 2 and acc >= 0.85


@pytest.mark.parametrize("model, get_params, num_states", [
    (rnn, rnn_params, 1), (gru, gru_params, 1), (lstm, lstm_params, 2)])
def test_recurrent_nets_with_gradient_clipping_converge(model, get_params, num_states):
    perplexities = train_rnn(model, get_params, num_states)
    assert perplexities[0] > 10 and perplexities[-1] < 1.5


def test_grad_clipping_rescales_to_theta():
    params = [nd.array([3.0, 0.0]), nd.array([[4.0]])]
    for p in params:
        p.attach_grad()
    with autograd.record():
        l = (params[0] ** 2).sum() / 2 + (params[1] ** 2).sum() / 2
    l.backward()                        # gradients (3, 0) and 4: norm 5
    grad_clipping(params, 1.0)
    np.testing.assert_allclose(params[0].grad.asnumpy(), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.asnumpy(), [[0.8]], rtol=1e-6)
