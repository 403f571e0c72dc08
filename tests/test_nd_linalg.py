"""nd.linalg against MXNet 1.9.1: potrf, syrk and trmm (the examples of its la_op.cc
documentation; gradients as la_op-inl.h's potrf_backward, syrk_backward and
trmm_backward, checked against numeric ones to second order), gemm, det, inverse,
slogdet, extractdiag, makediag and sumlogdiag (their values and gradients)."""
import numpy as np
import pytest

from ndgrad import autograd, nd
from ndgrad.testing import check_gradients


def test_values_of_mxnets_examples():
    a = nd.array([[4.0, 1.0], [1.0, 4.25]])
    assert nd.linalg.potrf(a).asnumpy().tolist() == [[2, 0], [0.5, 2]]
    assert nd.linalg.potrf(a, lower=False).asnumpy().tolist() == [[2, 0.5], [0, 2]]
    batch = nd.array([[[4.0, 1.0], [1.0, 4.25]], [[16.0, 4.0], [4.0, 17.0]]])
    assert nd.linalg.potrf(batch).asnumpy().tolist() == [[[2, 0], [0.5, 2]],
                                                         [[4, 0], [1, 4]]]
    b = nd.array([[1., 2, 3], [4, 5, 6]])
    assert nd.linalg.syrk(b).asnumpy().tolist() == [[14, 32], [32, 77]]
    assert nd.linalg.syrk(b, alpha=1., transpose=True).asnumpy().tolist() == [
        [17, 22, 27], [22, 29, 36], [27, 36, 45]]
    t = nd.array([[1.0, 0], [1.0, 1.0]])
    ones = nd.ones((2, 3))
    assert nd.linalg.trmm(t, ones, alpha=2.0).asnumpy().tolist() == [[2.] * 3, [4.] * 3]
    tb = nd.stack(t, t)
    bb = nd.stack(ones, ones * 0.5)
    assert nd.linalg.trmm(tb, bb, alpha=2.0).asnumpy().tolist() == [
        [[2.] * 3, [4.] * 3], [[1.] * 3, [2.] * 3]]
    got = nd.linalg.syrk(nd.array([[[1., 1.]], [[0.1, 0.1]]]), alpha=2.)
    np.testing.assert_allclose(got.asnumpy(), [[[4.]], [[0.04]]], rtol=1e-6)


def test_triangles_and_flags_as_blas():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 3))
    b = rng.standard_normal((2, 3, 4))
    br = rng.standard_normal((2, 4, 3))
    low, up = np.tril(a), np.triu(a)
    cases = [({}, low @ b, b), ({"transpose": True}, np.swapaxes(low, 1, 2) @ b, b),
             ({"lower": False}, up @ b, b),
             ({"rightside": True}, br @ low, br),
             ({"rightside": True, "transpose": True, "alpha": 3.0},
              3 * br @ np.swapaxes(low, 1, 2), br)]
    for kw, want, other in cases:
        got = nd.linalg.trmm(nd.array(a, dtype="float64"), nd.array(other, dtype="float64"),
                             **kw)
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, err_msg=str(kw))
    # potrf reads one triangle only (LAPACK's), and zeroes the other
    s = a @ np.swapaxes(a, 1, 2) + 3 * np.eye(3)
    junk = s + np.triu(rng.standard_normal((2, 3, 3)), 1)
    got = nd.linalg.potrf(nd.array(junk, dtype="float64")).asnumpy()
    np.testing.assert_allclose(got, np.linalg.cholesky(s), rtol=1e-12)
    np.testing.assert_allclose(np.triu(got, 1), 0)
    np.testing.assert_allclose(nd.linalg.syrk(nd.array(b), alpha=0.5).asnumpy(),
                               0.5 * b @ np.swapaxes(b, 1, 2), rtol=1e-5)


def _pd(x):
    # symmetric positive definite, built from x, so that every entry moves both
    # triangles together (potrf assumes a symmetric input, as MXNet)
    n = x.shape[-1]
    return nd.linalg.syrk(x) + nd.array(np.eye(n) * n, dtype=x.dtype)


@pytest.mark.parametrize("lower", [True, False])
def test_potrf_gradient(lower):
    x = np.random.default_rng(1).standard_normal((2, 3, 3))
    check_gradients(lambda a: nd.linalg.potrf(_pd(a), lower=lower), [x], order=2)


@pytest.mark.parametrize("transpose", [False, True])
def test_syrk_gradient(transpose):
    x = np.random.default_rng(2).standard_normal((2, 3, 4))
    check_gradients(lambda a: nd.linalg.syrk(a, transpose=transpose, alpha=1.5), [x],
                    order=2)


@pytest.mark.parametrize("kw", [{}, {"transpose": True}, {"lower": False},
                                {"rightside": True}, {"rightside": True,
                                                      "transpose": True, "alpha": -2.0}])
def test_trmm_gradient(kw):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 3))
    b = rng.standard_normal((2, 4, 3) if kw.get("rightside") else (2, 3, 4))
    check_gradients(lambda t, m: nd.linalg.trmm(t, m, **kw), [a, b], order=2)
    t = nd.array(a, dtype="float64")
    t.attach_grad()
    with autograd.record():
        out = nd.linalg.trmm(t, nd.array(b, dtype="float64"), **kw)
    out.backward()
    ignored = np.triu(t.grad.asnumpy(), 1) if kw.get("lower", True) else np.tril(
        t.grad.asnumpy(), -1)
    assert not ignored.any()  # the triangle trmm does not read gets no gradient


ERRORS = [
    (lambda: nd.linalg.potrf(nd.ones((2, 3))), ValueError, r"potrf.*\(2, 3\)"),
    (lambda: nd.linalg.potrf(nd.array([[1., 2], [2, 1]])), ValueError,
     r"potrf: A of shape \(2, 2\) is not positive definite"),
    (lambda: nd.linalg.syrk(nd.ones((3,))), ValueError, r"syrk.*\(3,\)"),
    (lambda: nd.linalg.trmm(nd.ones((2, 3)), nd.ones((3, 3))), ValueError,
     r"trmm.*\(2, 3\).*\(3, 3\)"),
    (lambda: nd.linalg.trmm(nd.ones((3, 3)), nd.ones((2, 3))), ValueError,
     r"trmm.*\(3, 3\).*\(2, 3\)"),
    (lambda: nd.linalg.trmm(nd.ones((2, 3, 3)), nd.ones((3, 3, 3))), ValueError,
     r"trmm.*\(2, 3, 3\).*\(3, 3, 3\)"),
]


@pytest.mark.parametrize("fn,error,pattern", ERRORS)
def test_bad_shapes_name_the_op_and_the_shapes(fn, error, pattern):
    with pytest.raises(error, match=pattern):
        fn()


def test_gemm2_axis_is_not_silently_ignored():
    """MXNet's gemm2 takes axis, the rows' axis (default -2); ndgrad supports the
    default only and refuses the others rather than ignoring them."""
    a, b = nd.ones((2, 3, 4)), nd.ones((2, 4, 5))
    assert nd.linalg.gemm2(a, b).shape == (2, 3, 5)
    assert nd.linalg.gemm2(a, b, axis=-2).shape == (2, 3, 5)
    assert nd.linalg.gemm2(a, b, axis=1).shape == (2, 3, 5)  # the same axis, counted
    with pytest.raises(NotImplementedError, match=r"gemm2: axis=0 .*\(2, 3, 4\)"):
        nd.linalg.gemm2(a, b, axis=0)
    with pytest.raises(IndexError, match=r"gemm2: axis 5 is out of range .*\(2, 3, 4\)"):
        nd.linalg.gemm2(a, b, axis=5)


def test_det_inverse_slogdet_as_mxnet():
    # MXNet 1.9.1's outputs of this code; their gradients are np.linalg's, checked in
    # tests/test_op_gradients.py
    a = nd.array([[1., 2.], [3., 4.]])
    a.attach_grad()
    with autograd.record():
        d = nd.linalg.det(a)
    d.backward()
    assert d.shape == (1,) and d.asnumpy().tolist() == [-2.0]
    np.testing.assert_allclose(a.grad.asnumpy(), [[4., -3.], [-2., 1.]], rtol=1e-6)
    batch = nd.array([[[1., 2.], [3., 4.]], [[2., 0.], [1., 3.]]])
    np.testing.assert_allclose(nd.linalg.det(batch).asnumpy(), [-2., 6.], rtol=1e-6)
    np.testing.assert_allclose(nd.linalg.inverse(a).asnumpy(), [[-2., 1.], [1.5, -0.5]],
                               rtol=1e-6)
    sign, logdet = nd.linalg.slogdet(a)
    assert sign.shape == logdet.shape == (1,)
    np.testing.assert_allclose([sign.asscalar(), logdet.asscalar()], [-1., 0.6931472],
                               rtol=1e-6)


def test_gemm_as_mxnet():
    # MXNet 1.9.1's output and gradients of this code
    A = nd.array([[1., 2., 3.], [4., 5., 6.]])
    B = nd.array([[1., 0.], [2., 1.], [0., -1.]])
    C = nd.array([[1., 2.], [3., 4.]])
    for x in (A, B, C):
        x.attach_grad()
    with autograd.record():
        y = nd.linalg.gemm(A, B, C, alpha=2.0, beta=0.5)
    y.backward(nd.array([[1., 2.], [3., 4.]]))
    assert y.asnumpy().tolist() == [[10.5, -1.0], [29.5, 0.0]]
    assert A.grad.asnumpy().tolist() == [[2.0, 8.0, -4.0], [6.0, 20.0, -8.0]]
    assert B.grad.asnumpy().tolist() == [[26.0, 36.0], [34.0, 48.0], [42.0, 60.0]]
    assert C.grad.asnumpy().tolist() == [[0.5, 1.0], [1.5, 2.0]]
    At = nd.array([[1., 4.], [2., 5.], [3., 6.]])
    got = nd.linalg.gemm(At, B.T, C, transpose_a=True, transpose_b=True, alpha=-1.0,
                         beta=2.0)
    assert got.asnumpy().tolist() == [[-3.0, 5.0], [-8.0, 9.0]]
    with pytest.raises(ValueError, match=r"gemm: C has shape \(3, 3\), expected \(2, 2\)"):
        nd.linalg.gemm(A, B, nd.ones((3, 3)))


def test_extractdiag_makediag_sumlogdiag_as_mxnet():
    # MXNet 1.9.1's values and gradients of this code
    A = nd.array([[[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]],
                  [[2., 0., 1.], [1., 3., 0.], [0., 1., 4.]]])
    got = []
    for offset in (0, 1, -1):
        A.attach_grad()
        with autograd.record():
            y = nd.linalg.extractdiag(A, offset=offset)
        y.backward(nd.arange(y.size).reshape(y.shape) + 1)
        got += [y.asnumpy().tolist(), A.grad.asnumpy().tolist()]
    v = nd.array([[1., 2.], [3., 4.]])
    for offset in (0, 1, -2):
        v.attach_grad()
        with autograd.record():
            m = nd.linalg.makediag(v, offset=offset)
        m.backward(nd.arange(m.size).reshape(m.shape))
        got += [m.asnumpy().tolist(), v.grad.asnumpy().tolist()]
    A.attach_grad()
    with autograd.record():
        s = nd.linalg.sumlogdiag(A)
    s.backward(nd.array([1., 2.]))
    got += [s.asnumpy().tolist(), A.grad.asnumpy().tolist()]
    z3 = [0.] * 3
    want = [
        [[1., 5, 9], [2, 3, 4]], [[[1., 0, 0], [0, 2, 0], [0, 0, 3]],
                                  [[4., 0, 0], [0, 5, 0], [0, 0, 6]]],
        [[2., 6], [0, 0]], [[[0., 1, 0], [0, 0, 2], z3], [[0., 3, 0], [0, 0, 4], z3]],
        [[4., 8], [1, 1]], [[z3, [1., 0, 0], [0, 2, 0]], [z3, [3., 0, 0], [0, 4, 0]]],
        [[[1., 0], [0, 2]], [[3., 0], [0, 4]]], [[0., 3], [4, 7]],
        [[[0., 1, 0], [0, 0, 2], z3], [[0., 3, 0], [0, 0, 4], z3]], [[1., 5], [10, 14]],
        [[[0.] * 4, [0.] * 4, [1., 0, 0, 0], [0, 2, 0, 0]],
         [[0.] * 4, [0.] * 4, [3., 0, 0, 0], [0, 4, 0, 0]]], [[8., 13], [24, 29]],
        [3.8066626, 3.1780539],
        [[[1., 0, 0], [0, 0.2, 0], [0, 0, 1 / 9]], [[1., 0, 0], [0, 2 / 3, 0], [0, 0, 0.5]]]]
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, w, rtol=1e-6, err_msg=f"output {k}")
    with pytest.raises(ValueError, match=r"sumlogdiag: A must be a \(batch of\) square"):
        nd.linalg.sumlogdiag(nd.ones((2, 3)))
