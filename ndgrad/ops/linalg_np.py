"""``np.linalg``: determinants, inverses, solves and decompositions, batched over
leading axes, each with a VJP written in ndgrad ops (so of every order).

Decompositions of symmetric matrices (cholesky, eigh) read the symmetric part
(A + A^T) / 2 of their input: equal to NumPy's result for symmetric input, and it
makes the gradient the symmetric one that perturbations of A see.
"""
import numpy as np

from ndgrad.ops.numpy_ops import _mT, matmul, tril
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops.shape import expand_dims

_SQUARE = GradTest("custom")
# LAPACK's sign conventions jump where an entry is exactly 0 (a Householder step that
# is skipped), so the decompositions are tested away from zeros.
_DECOMPOSITION = GradTest("custom", avoid=(0.0,))


def _eye_like(x):
    return np.eye(x.shape[-1], dtype=x.dtype)


def _sym(a):
    return (a + np.swapaxes(a, -1, -2)) / 2


def _scalar_to_matrix(g):
    return expand_dims(expand_dims(g, axis=-1), axis=-1)


# ---- inverse, solve, determinants ----------------------------------------------------

inv = defop("linalg_inv", np.linalg.inv,
            (lambda g, ans, x: -matmul(_mT(ans), matmul(g, _mT(ans))),),
            np=("linalg.inv",), nd=("linalg.inverse",), save_inputs=False,
            save_output=True,
            doc="The inverse of a square matrix (of each in a stack).\n\n"
                "    >>> nd.linalg.inverse(nd.array([[4., 1], [2, 3]]))\n"
                "    [[ 0.3 -0.1]\n     [-0.2  0.4]]", test=_SQUARE)


def _solve(a, b):
    """x with a @ x = b; b is a vector (b.ndim == 1) or a stack of matrices.

        >>> np.linalg.solve(np.array([[2., 0], [0, 4]]), np.array([2., 2]))
        array([1. , 0.5])
    """
    if b.ndim == 1:
        return np.linalg.solve(a, b[:, None])[:, 0]
    return np.linalg.solve(a, b)


def _vec(x, b):
    return expand_dims(x, axis=-1) if b.ndim == 1 else x


def _solve_a(g, ans, a, b):
    gb = _vec(solve(_mT(a), g), b)
    return -matmul(gb, _mT(_vec(ans, b)))


solve = defop("linalg_solve", _solve,
              (_solve_a, lambda g, ans, a, b: solve(_mT(a), g)),
              inputs=("a", "b"), np=("linalg.solve",), save_output=True,
              doc=_solve.__doc__, test=_SQUARE)


def _slogdet(data):
    """[sign, log |det|] of a square matrix (of each in a stack).

        >>> sign, logdet = nd.linalg.slogdet(nd.array([[2., 1], [1, 3]]))
        >>> logdet
        <BLANKLINE>
        [1.609438]
        <NDArray 1 @cpu(0)>
    """
    sign, logdet = np.linalg.slogdet(data)
    return np.asarray(sign), np.asarray(logdet)


slogdet = defop("linalg_slogdet", _slogdet,
                (lambda g, ans, x: _scalar_to_matrix(g[1]) * _mT(inv(x)),),
                np=("linalg.slogdet",), nd=("linalg.slogdet",), doc=_slogdet.__doc__,
                test=_SQUARE)
det = defop("linalg_det", np.linalg.det,
            (lambda g, ans, x: _scalar_to_matrix(g * ans) * _mT(inv(x)),),
            np=("linalg.det",), nd=("linalg.det",), save_output=True,
            doc="The determinant of a square matrix (of each in a stack).\n\n"
                "    >>> nd.linalg.det(nd.array([[4., 1], [2, 3]]))\n    [10.]",
            test=_SQUARE)


def _pinv(data):
    """The Moore-Penrose pseudo-inverse (its gradient assumes full rank).

        >>> np.linalg.pinv(np.array([[2., 0], [0, 4]]))
        array([[0.5 , 0.  ],
               [0.  , 0.25]])
    """
    return np.linalg.pinv(data)


def _pinv_vjp(g, ans, x):
    # For x of full rank (Golub & Pereyra): dP = -P dA P + P P^T dA^T (I - A P)
    # + (I - P A) dA^T P^T P, transposed onto dA.
    p, pt, gt = ans, _mT(ans), _mT(g)
    i_rows = np.eye(x.shape[-2], dtype=x.dtype)
    i_cols = np.eye(x.shape[-1], dtype=x.dtype)
    return (-matmul(pt, matmul(g, pt))
            + matmul(i_rows - matmul(x, p), matmul(gt, matmul(p, pt)))
            + matmul(matmul(pt, p), matmul(gt, i_cols - matmul(p, x))))


pinv = defop("linalg_pinv", _pinv, (_pinv_vjp,), np=("linalg.pinv",), save_output=True,
             doc=_pinv.__doc__, test=_SQUARE)


# ---- decompositions -------------------------------------------------------------------

def _phi(x):
    """The lower triangle with the diagonal halved."""
    return tril(x) - 0.5 * x * _eye_like(x)


def _cholesky(data):
    """L, lower triangular with L @ L^T = A, for a symmetric positive-definite A.

        >>> np.linalg.cholesky(np.array([[4., 2], [2, 5]]))
        array([[2., 0.],
               [1., 2.]])
    """
    return np.linalg.cholesky(_sym(data))


def _cholesky_vjp(g, ans, x):
    # Murray (2016): S = L^-T phi(L^T g) L^-1, symmetrised.
    l_inv = inv(ans)
    s = matmul(_mT(l_inv), matmul(_phi(matmul(_mT(ans), g)), l_inv))
    return 0.5 * (s + _mT(s))


cholesky = defop("linalg_cholesky", _cholesky, (_cholesky_vjp,), np=("linalg.cholesky",),
                 save_inputs=False, save_output=True, doc=_cholesky.__doc__,
                 test=_SQUARE)


def _eigh(data):
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix.

        >>> np.linalg.eigh(np.array([[2., 0], [0, 1]]))[0]
        array([1., 2.])
    """
    w, v = np.linalg.eigh(_sym(data))
    return w, v


def _inverse_gaps(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it (w distinct)."""
    gaps = expand_dims(w, axis=-2) - expand_dims(w, axis=-1)
    eye = np.eye(w.shape[-1], dtype=w.dtype)
    return (1.0 - eye) / (gaps + eye)


def _eigh_vjp(g, ans, x):
    gw, gv = g
    w, v = ans
    inner = expand_dims(gw, axis=-1) * _eye_like(x) + \
        _inverse_gaps(w) * matmul(_mT(v), gv)
    s = matmul(v, matmul(inner, _mT(v)))
    return 0.5 * (s + _mT(s))


eigh = defop("linalg_eigh", _eigh, (_eigh_vjp,), np=("linalg.eigh",), save_inputs=False,
             save_output=True, doc=_eigh.__doc__, test=_DECOMPOSITION)


def _qr(data):
    """Q (orthonormal columns) and R (upper triangular) with Q @ R = A (reduced).

        >>> [x.shape for x in np.linalg.qr(np.ones((3, 2)))]
        [(3, 2), (2, 2)]
    """
    q, r = np.linalg.qr(data)
    return q, r


def _copyltu(m):
    """The lower triangle mirrored onto the upper one."""
    return tril(m, k=-1) + _mT(tril(m, k=-1)) + m * _eye_like(m)


def _qr_vjp(g, ans, x):
    # For square or tall A of full rank (Walter & Lehmann; Liao et al. 2019).
    gq, gr = g
    q, r = ans
    m = matmul(r, _mT(gr)) - matmul(_mT(gq), q)
    b = gq + matmul(q, _copyltu(m))
    return _mT(solve(r, _mT(b)))


qr = defop("linalg_qr", _qr, (_qr_vjp,), np=("linalg.qr",), save_inputs=False,
           save_output=True, doc=_qr.__doc__, test=_DECOMPOSITION)


def _svd(data):
    """U, S, V^T with A = U @ diag(S) @ V^T (reduced: full_matrices=False).

        >>> np.linalg.svd(np.array([[3., 0], [0, 4]]))[1]
        array([4., 3.])
    """
    u, s, vt = np.linalg.svd(data, full_matrices=False)
    return u, s, vt


def _svd_vjp(g, ans, x):
    # Townsend (2016), for distinct nonzero singular values, square or rectangular.
    gu, gs, gvt = g
    u, s, vt = ans
    v, gv = _mT(vt), _mT(gvt)
    k = s.shape[-1]
    eye = np.eye(k, dtype=s.dtype)
    f = _inverse_gaps(s * s)
    s_mat = expand_dims(s, axis=-1) * eye
    s_inv = expand_dims(1.0 / s, axis=-1) * eye
    ut_gu = matmul(_mT(u), gu)
    vt_gv = matmul(vt, gv)
    term_u = matmul(u, matmul(f * (ut_gu - _mT(ut_gu)), s_mat))
    term_s = matmul(u, matmul(expand_dims(gs, axis=-1) * eye, vt))
    term_v = matmul(s_mat, matmul(f * (vt_gv - _mT(vt_gv)), vt))
    out = matmul(term_u, vt) + term_s + matmul(u, term_v)
    m, n = x.shape[-2], x.shape[-1]
    if m > k:  # tall: the part of gu outside U's span
        proj = np.eye(m, dtype=s.dtype) - matmul(u, _mT(u))
        out = out + matmul(proj, matmul(gu, matmul(s_inv, vt)))
    if n > k:  # wide: the part of gv outside V's span
        proj = np.eye(n, dtype=s.dtype) - matmul(v, vt)
        out = out + matmul(u, matmul(s_inv, matmul(_mT(gv), proj)))
    return out


svd = defop("linalg_svd", _svd, (_svd_vjp,), np=("linalg.svd",), save_inputs=False,
            save_output=True, doc=_svd.__doc__,
            np_args=lambda a, full_matrices=True, compute_uv=True, hermitian=False:
                _svd_args(a, full_matrices, compute_uv),
            test=_DECOMPOSITION)


def _svd_args(a, full_matrices, compute_uv):
    if full_matrices and a.shape[-1] != a.shape[-2] or not compute_uv:
        raise NotImplementedError(
            "linalg.svd: only the reduced decomposition of a square matrix, or "
            "full_matrices=False, with compute_uv=True, is supported")
    return (a,), {}

