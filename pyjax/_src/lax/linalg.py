"""Linear-algebra primitives (``jax.lax.linalg``): factorizations and triangular solves.

Every primitive works on stacks of matrices: the trailing two axes are the
matrix, any leading axes are batch axes.  So batching rules only move the
vmapped axis to the front.  Implementations call LAPACK/BLAS through NumPy and
SciPy (float16/bfloat16 are computed in float32).

Bad input never raises (API.md §3.2): a failed factorization (``cholesky`` of
a non positive-definite matrix, an SVD/eigh that does not converge on NaNs)
returns NaNs; singular triangular systems give inf/NaN as BLAS's ``trsm`` does.

    cholesky        :: f[..., n, n] -> f[..., n, n]                 (lower; zeros above)
    eigh            :: f[..., n, n] -> (v f[..., n, n], w real[..., n])   ascending
    eig             :: f[..., n, n] -> (w c[..., n], vl?, vr?)
    lu              :: f[..., m, n] -> (lu, pivots i32[..., k], permutation i32[..., m])
    qr              :: f[..., m, n] -> (q, r)
    svd             :: f[..., m, n] -> (s, u, vt)       (s only when not compute_uv)
    triangular_solve:: f[..., m, m] -> f[..., m, n] -> f[..., m, n]
    tridiagonal_solve :: dl, d, du f[..., m] -> b f[..., m, n] -> f[..., m, n]

JVP rules follow the standard matrix-calculus results (the same ones JAX
uses) and are written in pyjax primitives, so they are differentiable again.
Triangular masks and identities are NumPy constants of static shape.

Layout (split by concern; this module keeps the composites and is the one
``pyjax.lax.linalg`` exports from):

    linalg_common   helpers on pyjax values and NumPy arrays, primitive construction, checks
    linalg_factor   cholesky, triangular_solve, lu, lu_pivots_to_permutation, qr,
                    tridiagonal_solve, householder_product
    linalg_eigen    eigh, svd, eig, tridiagonal, hessenberg, schur (+ algorithm enums)
"""
from __future__ import annotations

import numpy as np

from pyjax._src.lax.elementwise import add, mul
from pyjax._src.lax.linalg_common import (  # noqa: F401  (_check_matrix, _real_dtype: numpy/scipy linalg)
    _H, _T, _check_matrix, _dtype, _lax, _matmul, _real_dtype, _shape, _tri,
)
from pyjax._src.lax.linalg_eigen import (
    EigImplementation, EighImplementation, SvdAlgorithm, eig, eig_p, eigh, eigh_p, hessenberg,
    hessenberg_p, schur, schur_p, svd, svd_p, tridiagonal, tridiagonal_p,
)
from pyjax._src.lax.linalg_factor import (  # noqa: F401  (_permutation_matrix: numpy/scipy linalg)
    _permutation_matrix, cholesky, cholesky_p, householder_product, householder_product_p, lu,
    lu_p, lu_pivots_to_permutation, lu_pivots_to_permutation_p, qr, qr_p, triangular_solve,
    triangular_solve_p, tridiagonal_solve, tridiagonal_solve_p,
)
from pyjax._src.lax.structural import broadcast_in_dim


# -- composites and unsupported ---------------------------------------------------------------

def symmetric_product(a_matrix, c_matrix, *, alpha: float = 1.0, beta: float = 0.0,
                      symmetrize_output: bool = False):
    """``alpha * a @ a^T + beta * c`` (a composite of ``dot_general``).

    With ``symmetrize_output`` the lower triangle of the result is mirrored
    into the upper one.
    """
    dtype = _dtype(a_matrix)
    out = add(mul(np.array(alpha, dtype), _matmul(a_matrix, _T(a_matrix))),
              mul(np.array(beta, dtype), c_matrix))
    if symmetrize_output:
        lower = _tri(out, lower=True)
        out = add(lower, _T(_tri(out, lower=True, k=-1)))
    return out


def cholesky_update(r_matrix, w_vector):
    """Rank-one update of an upper Cholesky factor: ``chol(r^T r + w w^T)`` (upper).

    Computed by refactorizing (a composite of ``dot_general`` and ``cholesky``).
    """
    col = broadcast_in_dim(w_vector, _shape(w_vector) + (1,),
                           tuple(range(len(_shape(w_vector)))))
    gram = add(_matmul(_H(r_matrix), r_matrix), _matmul(col, _H(col)))
    return _H(cholesky(gram, symmetrize_input=False))


def qdwh(x, *, is_hermitian: bool = False, max_iterations=None, eps=None,
         dynamic_shape=None):
    """QR-based dynamically weighted Halley polar decomposition: not implemented in pyjax."""
    del x, is_hermitian, max_iterations, eps, dynamic_shape
    raise NotImplementedError("lax.linalg.qdwh is not implemented in pyjax; use "
                              "pyjax.scipy.linalg.polar or an SVD")


def ormqr(a, taus, c, *, left: bool = True, transpose: bool = False):
    """Multiply by the Q of packed Householder reflectors (LAPACK ``ormqr``).

    Composite: ``Q`` is formed with ``householder_product`` and multiplied.
    """
    m = _shape(a)[-2]
    n = _shape(a)[-1]
    if n < m:  # complete Q: pad the reflectors with zero columns
        lax = _lax()
        nd = len(_shape(a))
        a = lax.pad(a, np.array(0, _dtype(a)), [(0, 0, 0)] * (nd - 1) + [(0, m - n, 0)])
    q = householder_product(a, taus)
    if transpose:
        q = _H(q)
    return _matmul(q, c) if left else _matmul(c, q)


__all__ = [
    "EigImplementation", "EighImplementation", "SvdAlgorithm",
    "cholesky", "cholesky_p", "cholesky_update", "eig", "eig_p", "eigh", "eigh_p",
    "hessenberg", "hessenberg_p", "householder_product", "householder_product_p",
    "lu", "lu_p", "lu_pivots_to_permutation", "lu_pivots_to_permutation_p", "ormqr", "qdwh",
    "qr", "qr_p", "schur", "schur_p", "svd", "svd_p", "symmetric_product",
    "triangular_solve", "triangular_solve_p", "tridiagonal", "tridiagonal_p",
    "tridiagonal_solve", "tridiagonal_solve_p",
]
