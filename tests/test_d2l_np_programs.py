"""Programs written the way the English "Dive into Deep Learning" (MXNet np edition)
scratch chapters write them (``from mxnet import autograd, np, npx; npx.set_np()``),
run on ndgrad: linear regression, softmax regression with ``y_hat[range(n), y]``, an
MLP with ``npx.relu``, dropout and batch normalisation from scratch, RNN pieces with
``npx.one_hot`` and gradient clipping. tests/test_d2l_programs.py has the nd edition.

Deterministic prints are checked (values MXNet 1.9.1 printed for the same computations
in tests/test_d2l_programs.py and tests/test_np.py, in np's printed form); programs on
random data check that training converges.
"""
import math
import random

import numpy as onp
import pytest

import ndgrad
from ndgrad import autograd, np, npx
from test_d2l_programs import _NUMBER, BN_X, _run, sgd  # the nd edition's pieces


@pytest.fixture(autouse=True)
def np_mode_and_seeds():
    npx.set_np()
    ndgrad.random.seed(0)
    random.seed(0)
    yield
    npx.reset_np()


# ---- 3.2 linear regression from scratch ----------------------------------------------

def synthetic_data(w, b, num_examples):
    X = np.random.normal(0, 1, (num_examples, len(w)))
    y = np.dot(X, w) + b
    y += np.random.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def linear_regression():
    true_w, true_b = np.array([2, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    print('features:', features[0].shape, '\nlabel:', labels[0].shape)
    w = np.random.normal(0, 0.01, (2, 1))
    b = np.zeros(1)
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
        losses.append(float(train_l.mean()))
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
    print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
    print(f'error in estimating b: {true_b - b}')
    return losses, true_w - w.reshape(true_w.shape), true_b - b


def test_linear_regression_prints_and_converges():
    printed, (losses, w_error, b_error) = _run(linear_regression)
    lines = printed.splitlines()
    assert lines[:2] == ["features: (2,) ", "label: (1,)"]
    assert [line.split(",")[0] for line in lines[2:5]] == \
        ["epoch 1", "epoch 2", "epoch 3"]
    assert lines[5].startswith("error in estimating w: [") and \
        lines[6].startswith("error in estimating b: [")
    assert losses[-1] < 1e-3 < losses[0]
    assert onp.abs(w_error.asnumpy()).max() < 0.01 and abs(float(b_error)) < 0.01


# ---- 3.6 softmax regression from scratch ---------------------------------------------

def softmax(X):
    X_exp = np.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return - np.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


def softmax_prints():
    X = np.array([[1, 2, 3], [0.5, -1, 2]])
    X_prob = softmax(X)
    print(repr(X_prob), repr(X_prob.sum(1)))
    print(repr(npx.softmax(X)))
    y = np.array([0, 2])
    y_hat = np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    print(repr(y_hat[[0, 1], y]))
    print(repr(cross_entropy(y_hat, y)))
    print(accuracy(y_hat, y) / len(y))


# MXNet's values (tests/test_d2l_programs.py, tests/test_np.py) in np's printed form
SOFTMAX_PRINTS = (
    "array([[0.09003057, 0.24472848, 0.66524094],\n"
    "       [0.17529039, 0.03911258, 0.785597  ]]) array([1., 1.])\n"
    "array([[0.09003057, 0.24472848, 0.6652409 ],\n"
    "       [0.17529039, 0.03911258, 0.7855971 ]])\n"
    "array([0.1, 0.5])\n"
    "array([2.3025851, 0.6931472])\n"
    "0.5\n")


def test_softmax_prints():
    printed, _ = _run(softmax_prints)
    # npx.softmax (ndgrad's fused kernel) may be 1 ulp from MXNet's, as nd.softmax in
    # tests/test_d2l_programs.py: its two lines compare as numbers; the rest as text.
    got, want = printed.splitlines(), SOFTMAX_PRINTS.splitlines()
    assert got[:2] + got[4:] == want[:2] + want[4:]
    def layout(lines):  # the text around the numbers (padding follows the digits)
        return " ".join(_NUMBER.sub("#", "".join(lines)).split()).replace(" ]", "]")

    assert layout(got[2:4]) == layout(want[2:4])
    onp.testing.assert_allclose([float(x) for x in _NUMBER.findall("".join(got[2:4]))],
                                [float(x) for x in _NUMBER.findall("".join(want[2:4]))],
                                rtol=2e-6)


def clusters(num_classes=3, num_inputs=4, n=60):
    """Separable synthetic classes: gaussian blobs around distinct centres (integer
    labels, as d2l's Fashion-MNIST iterator gives them)."""
    centres = np.random.normal(0, 3, (num_classes, num_inputs))
    y = np.array([i % num_classes for i in range(n)], dtype='int32')
    X = centres[y] + np.random.normal(0, 0.5, (n, num_inputs))
    return X, y


def train_epochs(net, loss, params, features, labels, num_epochs, batch_size, lr,
                 updater=None):
    """d2l's train_ch3 in miniature: minibatch SGD, then the mean loss over all data
    after each epoch; returns the losses and the final accuracy."""
    losses = []
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            (updater or sgd)(params, lr, batch_size)
        losses.append(float(loss(net(features), labels).mean()))
    return losses, accuracy(net(features), labels) / len(labels)


def softmax_regression():
    num_inputs, num_outputs = 4, 3
    features, labels = clusters()
    W = np.random.normal(0, 0.01, (num_inputs, num_outputs))
    b = np.zeros(num_outputs)
    W.attach_grad()
    b.attach_grad()

    def net(X):
        return softmax(np.dot(X.reshape((-1, W.shape[0])), W) + b)

    return train_epochs(net, cross_entropy, [W, b], features, labels, 5, 10, 0.1)


def test_softmax_regression_converges():
    losses, acc = softmax_regression()
    assert losses[-1] < losses[0] / 2 and acc >= 0.9


# ---- 4.2 MLP, 4.6 dropout from scratch -----------------------------------------------

def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X
    mask = np.random.uniform(0, 1, X.shape) > dropout
    return mask.astype(np.float32) * X / (1.0 - dropout)


def dropout_prints():
    X = np.arange(16).reshape(2, 8)
    print(dropout_layer(X, 0.))
    print(dropout_layer(X, 1.))
    return X, dropout_layer(X, 0.5)


DROPOUT_PRINTS = ("[[ 0.  1.  2.  3.  4.  5.  6.  7.]\n"
                  " [ 8.  9. 10. 11. 12. 13. 14. 15.]]\n"
                  "[[0. 0. 0. 0. 0. 0. 0. 0.]\n"
                  " [0. 0. 0. 0. 0. 0. 0. 0.]]\n")


def test_dropout_prints_and_scales_kept_values():
    printed, (X, half) = _run(dropout_prints)
    assert printed == DROPOUT_PRINTS
    kept = half.asnumpy() != 0
    assert 0 < kept.sum() < 16
    onp.testing.assert_allclose(half.asnumpy()[kept], 2 * X.asnumpy()[kept])


def mlp(dropout=0.0):
    num_inputs, num_outputs, num_hiddens = 4, 3, 16
    features, labels = clusters()
    W1 = np.random.normal(scale=0.1, size=(num_inputs, num_hiddens))
    b1 = np.zeros(num_hiddens)
    W2 = np.random.normal(scale=0.1, size=(num_hiddens, num_outputs))
    b2 = np.zeros(num_outputs)
    params = [W1, b1, W2, b2]
    for param in params:
        param.attach_grad()

    def net(X):
        X = X.reshape((-1, num_inputs))
        H = npx.relu(np.dot(X, W1) + b1)
        if autograd.is_training():
            H = dropout_layer(H, dropout)
        return np.dot(H, W2) + b2

    def loss(y_hat, y):  # gluon's SoftmaxCrossEntropyLoss, written with npx
        return -npx.pick(npx.log_softmax(y_hat), y)

    return train_epochs(net, loss, params, features, labels, 8, 10, 0.2)


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_mlp_with_npx_relu_and_dropout_converges(dropout):
    losses, acc = mlp(dropout)
    assert losses[-1] < losses[0] / 3 and acc >= 0.9


# ---- 7.5 batch normalisation from scratch --------------------------------------------

def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / np.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(axis=0)
            var = ((X - mean) ** 2).mean(axis=0)
        else:
            mean = X.mean(axis=(0, 2, 3), keepdims=True)
            var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
        X_hat = (X - mean) / np.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta
    return Y, moving_mean, moving_var


def test_batch_norm_from_scratch_matches_npx_batch_norm():
    weights = np.arange(16).reshape(2, 2, 2, 2)
    X = np.array(BN_X)
    gamma, beta = np.array([1.5, 0.5]).reshape((1, 2, 1, 1)), np.zeros((1, 2, 1, 1))
    X.attach_grad()
    gamma.attach_grad()
    with autograd.record():
        Y, moving_mean, moving_var = batch_norm(X, gamma, beta, np.zeros((1, 2, 1, 1)),
                                                np.ones((1, 2, 1, 1)), 1e-5, 0.9)
        (Y * weights).sum().backward()
    X2 = np.array(BN_X)
    X2.attach_grad()
    mm, mv = np.zeros(2), np.ones(2)
    with autograd.record():
        Y2 = npx.batch_norm(X2, np.array([1.5, 0.5]), np.zeros(2), mm, mv, eps=1e-5,
                            fix_gamma=False)
        (Y2 * weights).sum().backward()
    onp.testing.assert_allclose(Y.asnumpy(), Y2.asnumpy(), rtol=1e-5, atol=1e-6)
    onp.testing.assert_allclose(X.grad.asnumpy(), X2.grad.asnumpy(), rtol=1e-4, atol=1e-5)
    # the moving statistics: 0.1 of the batch statistics (mean 1.875 and 2.25 per channel)
    onp.testing.assert_allclose(moving_mean.reshape(-1).asnumpy(), [0.1875, 0.225],
                                rtol=1e-6)
    assert Y.shape == (2, 2, 2, 2) and type(moving_var) is np.ndarray


def test_mlp_with_batch_norm_from_scratch_converges():
    features, labels = clusters()
    W1, b1 = np.random.normal(scale=0.1, size=(4, 16)), np.zeros(16)
    gamma, beta = np.ones(16), np.zeros(16)
    W2, b2 = np.random.normal(scale=0.1, size=(16, 3)), np.zeros(3)
    params = [W1, b1, gamma, beta, W2, b2]
    for p in params:
        p.attach_grad()
    state = {'mean': np.zeros(16), 'var': np.ones(16)}

    def net(X):
        H, state['mean'], state['var'] = batch_norm(
            np.dot(X, W1) + b1, gamma, beta, state['mean'], state['var'], 1e-5, 0.9)
        return np.dot(npx.relu(H), W2) + b2

    def loss(y_hat, y):
        return -npx.pick(npx.log_softmax(y_hat), y)

    losses, acc = train_epochs(net, loss, params, features, labels, 6, 10, 0.3)
    assert losses[-1] < losses[0] / 3 and acc >= 0.9
    # in prediction mode the net uses the moving statistics it learnt
    assert onp.abs(state['mean'].asnumpy()).max() > 0.01


# ---- 8.5 RNN from scratch: one-hot inputs and gradient clipping ----------------------

def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return np.random.normal(scale=0.01, size=shape)

    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = np.zeros(num_hiddens)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = np.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.attach_grad()
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (np.zeros((batch_size, num_hiddens)),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = np.tanh(np.dot(X, W_xh) + np.dot(H, W_hh) + b_h)
        Y = np.dot(H, W_hq) + b_q
        outputs.append(Y)
    return np.concatenate(outputs, axis=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = npx.one_hot(X.T, self.vocab_size)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size):
        return self.init_state(batch_size, self.num_hiddens)


def grad_clipping(net, theta):
    params = net.params
    norm = math.sqrt(sum((p.grad ** 2).sum() for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return norm


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = np.array(corpus[offset: offset + num_tokens])
    Ys = np.array(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


def test_rnn_pieces_print_what_d2l_shows():
    assert repr(npx.one_hot(np.array([0, 2]), 4)) == (
        "array([[1., 0., 0., 0.],\n       [0., 0., 1., 0.]])")
    net = RNNModelScratch(28, 512, get_params, init_rnn_state, rnn)
    X = np.arange(10).reshape((2, 5))
    assert npx.one_hot(X.T, 28).shape == (5, 2, 28)
    state = net.begin_state(X.shape[0])
    Y, new_state = net(X, state)
    assert (Y.shape, len(new_state), new_state[0].shape) == ((10, 28), 1, (2, 512))


def test_gradient_clipping_rescales_to_theta():
    class Net:
        params = [np.array([3.0, 0.0]), np.array([[4.0]])]
    for p in Net.params:
        p.attach_grad()
    with autograd.record():
        l = (Net.params[0] ** 2).sum() / 2 + (Net.params[1] ** 2).sum() / 2
    l.backward()                                 # gradients (3, 0) and 4: norm 5
    assert grad_clipping(Net, 1.0) == pytest.approx(5.0)
    onp.testing.assert_allclose(Net.params[0].grad.asnumpy(), [0.6, 0.0], rtol=1e-6)
    onp.testing.assert_allclose(Net.params[1].grad.asnumpy(), [[0.8]], rtol=1e-6)


def test_rnn_with_gradient_clipping_trains():
    corpus_text = 'the quick brown fox '
    vocab = sorted(set(corpus_text))
    corpus = [vocab.index(c) for c in corpus_text * 12]
    net = RNNModelScratch(len(vocab), 32, get_params, init_rnn_state, rnn)
    batch_size, num_steps, lr = 4, 6, 2.0

    def loss(y_hat, y):
        return -npx.pick(npx.log_softmax(y_hat), y)

    perplexities, norms = [], []
    for epoch in range(25):
        state, l_sum, n = None, 0.0, 0
        for X, Y in seq_data_iter_sequential(corpus, batch_size, num_steps):
            if state is None:
                state = net.begin_state(batch_size=X.shape[0])
            else:
                state = tuple(s.detach() for s in state)
            y = Y.T.reshape(-1)
            with autograd.record():
                y_hat, state = net(X, state)
                l = loss(y_hat, y).mean()
            l.backward()
            norms.append(grad_clipping(net, 1))
            sgd(net.params, lr, 1)
            l_sum += float(l) * y.size
            n += y.size
        perplexities.append(math.exp(l_sum / n))
    assert perplexities[0] > 10 and perplexities[-1] < 1.5
    assert max(norms) > 1                        # clipping did act
