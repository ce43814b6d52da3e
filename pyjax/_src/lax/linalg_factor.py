"""``lax.linalg`` factorizations and solves: cholesky, triangular_solve, lu,
lu_pivots_to_permutation, qr, tridiagonal_solve, householder_product.

Part of ``pyjax._src.lax.linalg`` (see its docstring for the conventions).
"""
from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
import scipy.linalg.blas
import scipy.linalg.lapack

from pyjax._src.core.avals import ShapedArray
from pyjax._src.interpreters import ad
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.lax.elementwise import add, mul, neg, sub
from pyjax._src.lax.linalg_common import (
    _batch_at_front, _check_inexact, _check_matrix, _conj, _const, _dtype, _eye, _H,
    _is_complex, _lax, _linalg_primitive, _matmul, _nan_like, _per_matrix, _real, _shape,
    _symmetrize, _T, _tri, _upcast, _validating,
)
from pyjax._src.lax.structural import broadcast_in_dim, convert_element_type, transpose


# -- cholesky ---------------------------------------------------------------------------------

def cholesky(x, *, symmetrize_input: bool = True):
    """Cholesky factor ``L`` (lower triangular) of Hermitian positive-definite matrices.

    Args:
      x: an array of shape ``[..., n, n]``.
      symmetrize_input: use ``(x + x^H) / 2`` (then only the symmetric part
        matters and gradients are symmetric).

    Returns:
      ``L`` with ``L @ L^H == x``, zeros above the diagonal.  NaNs (in the lower
      triangle) where ``x`` is not positive definite.
    """
    if symmetrize_input:
        x = _symmetrize(x)
    return cholesky_p.bind(x)


def _cholesky_abstract_eval(x):
    _check_matrix("cholesky", x, square=True)
    _check_inexact("cholesky", x)
    return ShapedArray(x.shape, x.dtype)


def _cholesky_one(a):
    try:
        return (np.linalg.cholesky(a),)
    except np.linalg.LinAlgError:
        return (np.tril(_nan_like(a)),)


def _cholesky_impl(x):
    x, back = _upcast(x)
    try:
        out = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:  # some matrix is not positive definite: NaNs for it
        out = _per_matrix(_cholesky_one, x, batch_ndim=x.ndim - 2)[0]
    return back(out)


def _cholesky_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    L = cholesky_p.bind(x)
    # L_dot = L phi(L^-1 x_dot L^-H), phi = lower triangle with half the diagonal
    tmp = triangular_solve(L, x_dot, left_side=False, transpose_a=True, conjugate_a=True,
                           lower=True)
    inner = triangular_solve(L, tmp, left_side=True, lower=True)
    n = _shape(x)[-1]
    phi = mul(inner, _const(inner, np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)))
    return L, _matmul(L, phi)


cholesky_p = _linalg_primitive("cholesky")
cholesky_p.def_abstract_eval(_cholesky_abstract_eval)
cholesky_p.def_impl(_validating(_cholesky_abstract_eval, _cholesky_impl))
ad.primitive_jvps[cholesky_p] = _cholesky_jvp
_batch_at_front(cholesky_p)


# -- triangular_solve -------------------------------------------------------------------------

def triangular_solve(a, b, *, left_side: bool = False, lower: bool = False,
                     transpose_a: bool = False, conjugate_a: bool = False,
                     unit_diagonal: bool = False):
    """Solve ``op(a) @ x = b`` (``left_side``) or ``x @ op(a) = b`` for triangular ``a``.

    ``op(a)`` is ``a``, its transpose (``transpose_a``), its conjugate
    (``conjugate_a``) or its conjugate transpose (both).  Only the ``lower`` (or
    upper) triangle of ``a`` is read; ``unit_diagonal`` assumes ones on the
    diagonal.  Singular systems give inf/NaN, never an error.
    """
    return triangular_solve_p.bind(a, b, left_side=bool(left_side), lower=bool(lower),
                                   transpose_a=bool(transpose_a),
                                   conjugate_a=bool(conjugate_a),
                                   unit_diagonal=bool(unit_diagonal))


def _triangular_solve_abstract_eval(a, b, *, left_side, lower, transpose_a, conjugate_a,
                                    unit_diagonal):
    del lower, transpose_a, conjugate_a, unit_diagonal  # unused
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise TypeError(f"triangular_solve requires a to be a square matrix (or stack), "
                        f"got shape {a.shape}")
    if b.ndim != a.ndim:
        raise TypeError(f"triangular_solve requires a and b to have the same number of "
                        f"dimensions, got {a.ndim} and {b.ndim}")
    if a.shape[:-2] != b.shape[:-2]:
        raise TypeError(f"triangular_solve requires both arguments to have the same number "
                        f"of dimensions and equal batch dimensions, got {a.shape} and "
                        f"{b.shape}")
    common = b.shape[-2] if left_side else b.shape[-1]
    if common != a.shape[-1]:
        raise TypeError(f"triangular_solve requires a and b to have compatible shapes "
                        f"(left_side={left_side}), got {a.shape} and {b.shape}")
    if a.dtype != b.dtype:
        raise TypeError(f"triangular_solve requires a and b to have the same dtype, got "
                        f"{a.dtype} and {b.dtype}")
    _check_inexact("triangular_solve", a)
    return ShapedArray(b.shape, b.dtype)


def _triangular_solve_impl(a, b, *, left_side, lower, transpose_a, conjugate_a,
                           unit_diagonal):
    a, _ = _upcast(a)
    b, back = _upcast(b)
    if conjugate_a and not transpose_a and a.dtype.kind == "c":
        a = np.conj(a)
    trans = (2 if conjugate_a else 1) if transpose_a else 0
    if a.shape[-1] == 0 or b.size == 0:
        return back(np.array(b, copy=True))
    trsm = scipy.linalg.blas.get_blas_funcs("trsm", (a, b))

    def solve(am, bm):
        with np.errstate(all="ignore"):
            return (trsm(1.0, am, bm, side=0 if left_side else 1, lower=int(lower),
                         trans_a=trans, diag=int(unit_diagonal)),)
    if a.ndim == 2:
        return back(solve(a, b)[0])
    return back(_per_matrix(solve, a, b, batch_ndim=a.ndim - 2)[0])


def _op_a(a_dot, *, lower, transpose_a, conjugate_a, unit_diagonal):
    """op(a_dot), restricted to the triangle the solve reads."""
    n = _shape(a_dot)[-1]
    mask = np.tril(np.ones((n, n)), -1 if unit_diagonal else 0) if lower else \
        np.triu(np.ones((n, n)), 1 if unit_diagonal else 0)
    a_dot = mul(a_dot, _const(a_dot, mask))
    if transpose_a:
        a_dot = _T(a_dot)
    return _conj(a_dot) if conjugate_a else a_dot


def _triangular_solve_jvp(primals, tangents, **params):
    a, b = primals
    a_dot, b_dot = tangents
    x = triangular_solve_p.bind(a, b, **params)
    x_dot = Zero.from_primal_value(x)
    if type(b_dot) is not Zero:
        x_dot = triangular_solve_p.bind(a, b_dot, **params)
    if type(a_dot) is not Zero:
        # op(a) x = b  =>  op(a) dx = -op(da) x     (left);   dx op(a) = -x op(da)  (right)
        op_da = neg(_op_a(a_dot, lower=params["lower"], transpose_a=params["transpose_a"],
                          conjugate_a=params["conjugate_a"],
                          unit_diagonal=params["unit_diagonal"]))
        rhs = _matmul(op_da, x) if params["left_side"] else _matmul(x, op_da)
        term = triangular_solve_p.bind(a, rhs, **params)
        x_dot = term if type(x_dot) is Zero else add(x_dot, term)
    return x, x_dot


def _triangular_solve_transpose(ct, a, b, *, left_side, lower, transpose_a, conjugate_a,
                                unit_diagonal):
    from pyjax._src.interpreters.transpose import is_undefined_primal
    if is_undefined_primal(a):
        raise ValueError("triangular_solve is not linear in its first argument")
    if type(ct) is Zero:
        return [None, Zero(b.aval.to_tangent_aval())]
    # x = op(a)^-1 b is linear in b; its transpose applies op(a)^-T
    ct_b = triangular_solve_p.bind(a, ct, left_side=left_side, lower=lower,
                                   transpose_a=not transpose_a, conjugate_a=conjugate_a,
                                   unit_diagonal=unit_diagonal)
    return [None, ct_b]


triangular_solve_p = _linalg_primitive("triangular_solve")
triangular_solve_p.def_abstract_eval(_triangular_solve_abstract_eval)
triangular_solve_p.def_impl(_validating(_triangular_solve_abstract_eval,
                                        _triangular_solve_impl))
ad.primitive_jvps[triangular_solve_p] = _triangular_solve_jvp
ad.primitive_transposes[triangular_solve_p] = _triangular_solve_transpose
_batch_at_front(triangular_solve_p)


# -- lu -----------------------------------------------------------------------------------------

def lu(x):
    """LU decomposition with partial pivoting: ``x[..., perm, :] == L @ U``.

    Returns:
      ``(lu, pivots, permutation)``: ``lu`` packs the unit-lower ``L`` (below the
      diagonal) and ``U``; ``pivots`` are LAPACK's row swaps (0-based, int32,
      ``min(m, n)`` of them); ``permutation`` is the resulting row order.
    """
    return tuple(lu_p.bind(x))


def _lu_abstract_eval(x):
    _check_matrix("lu", x)
    _check_inexact("lu", x)
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    i32 = np.dtype(np.int32)
    return [ShapedArray(x.shape, x.dtype), ShapedArray(batch + (min(m, n),), i32),
            ShapedArray(batch + (m,), i32)]


def _pivots_to_permutation(pivots: np.ndarray, size: int) -> np.ndarray:
    perm = np.arange(size, dtype=np.int32)
    for i, p in enumerate(pivots):
        if 0 <= p < size:
            perm[i], perm[p] = perm[p], perm[i]
    return perm


def _lu_one(a):
    m, n = a.shape
    if m == 0 or n == 0:
        return a.copy(), np.zeros((0,), np.int32), np.arange(m, dtype=np.int32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # singular matrices: LAPACK's result, no warning
        lu_, piv = scipy.linalg.lu_factor(a, check_finite=False)
    piv = piv.astype(np.int32)
    return lu_, piv, _pivots_to_permutation(piv, m)


def _lu_impl(x):
    x, back = _upcast(x)
    if x.ndim == 2:
        outs = list(_lu_one(x))
    else:
        outs = _per_matrix(_lu_one, x, batch_ndim=x.ndim - 2)
    outs[0] = back(outs[0])
    return outs


def _permutation_matrix(perm, dtype):
    """P with P[..., i, j] = (perm[..., i] == j), so ``P @ x == x[..., perm, :]``."""
    lax = _lax()
    shape = _shape(perm)
    m = shape[-1]
    full = shape + (m,)
    rows = broadcast_in_dim(perm, full, tuple(range(len(shape))))
    cols = lax.broadcasted_iota(_dtype(perm), full, len(shape))
    return convert_element_type(lax.eq(rows, cols), dtype)


def _lu_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    lu_, pivots, perm = lu_p.bind(x)
    m, n = _shape(x)[-2:]
    k = min(m, n)
    px_dot = _matmul(_permutation_matrix(perm, _dtype(x)), x_dot)
    if m == n:
        l_mat = add(_tri(lu_, lower=True, k=-1), _eye(lu_))
        u_mat = _tri(lu_, lower=False)
    else:
        l_mat, u_mat = _lu_square_factors(lu_, m, n, k)
    la = triangular_solve(l_mat, px_dot, left_side=True, lower=True, unit_diagonal=True)
    lau = triangular_solve(u_mat, la, left_side=False, lower=False)
    l_dot = _matmul(l_mat, _tri(lau, lower=True, k=-1))
    u_dot = _matmul(_tri(lau, lower=False), u_mat)
    lu_dot = add(l_dot, u_dot)
    if m != n:
        lu_dot = _lax().slice(lu_dot, (0,) * len(_shape(lu_dot)), _shape(x))
    return [lu_, pivots, perm], [lu_dot, Zero.from_primal_value(pivots),
                                 Zero.from_primal_value(perm)]


def _lu_square_factors(lu_, m, n, k):
    """Square (m x m) unit-lower L and (n x n) U from a rectangular packed LU, padded with
    identity blocks so the triangular solves of the JVP are well defined."""
    lax = _lax()
    nd = len(_shape(lu_))
    zero = np.array(0, _dtype(lu_))
    batch_pad = [(0, 0, 0)] * (nd - 2)
    l_part = lax.slice(lu_, (0,) * nd, _shape(lu_)[:-1] + (k,))
    l_mat = lax.pad(_tri(l_part, lower=True, k=-1), zero, batch_pad + [(0, 0, 0), (0, m - k, 0)])
    l_mat = add(l_mat, _eye(l_mat, m))
    u_part = lax.slice(lu_, (0,) * nd, _shape(lu_)[:-2] + (k, n))
    u_mat = lax.pad(_tri(u_part, lower=False), zero, batch_pad + [(0, n - k, 0), (0, 0, 0)])
    u_eye = np.zeros((n, n))
    u_eye[k:, k:] = np.eye(n - k)
    return l_mat, add(u_mat, _const(u_mat, u_eye))


lu_p = _linalg_primitive("lu", multiple_results=True)
lu_p.def_abstract_eval(_lu_abstract_eval)
lu_p.def_impl(_validating(_lu_abstract_eval, _lu_impl))
ad.primitive_jvps[lu_p] = _lu_jvp
_batch_at_front(lu_p)


# -- lu_pivots_to_permutation -----------------------------------------------------------------

def lu_pivots_to_permutation(pivots, permutation_size: int):
    """The row permutation (int32, length ``permutation_size``) that LAPACK's 0-based
    row swaps ``pivots`` produce."""
    return lu_pivots_to_permutation_p.bind(pivots, permutation_size=int(permutation_size))


def _lu_pivots_to_permutation_abstract_eval(pivots, *, permutation_size):
    if len(pivots.shape) < 1 or pivots.dtype != np.int32:
        raise ValueError(f"Argument to lu_pivots_to_permutation must have rank >= 1 and "
                         f"dtype int32. Got shape={pivots.shape} and dtype={pivots.dtype}")
    if permutation_size < pivots.shape[-1]:
        raise ValueError(f"Output permutation size {permutation_size} has to exceed the "
                         f"trailing dimension of the pivots. Got pivots size "
                         f"{pivots.shape[-1]}")
    return ShapedArray(pivots.shape[:-1] + (permutation_size,), np.int32)


def _lu_pivots_to_permutation_impl(pivots, *, permutation_size):
    batch = pivots.shape[:-1]
    out = np.empty(batch + (permutation_size,), np.int32)
    for idx in np.ndindex(*batch):
        out[idx] = _pivots_to_permutation(pivots[idx], permutation_size)
    return out


lu_pivots_to_permutation_p = _linalg_primitive("lu_pivots_to_permutation")
lu_pivots_to_permutation_p.def_abstract_eval(_lu_pivots_to_permutation_abstract_eval)
lu_pivots_to_permutation_p.def_impl(_validating(_lu_pivots_to_permutation_abstract_eval,
                                                _lu_pivots_to_permutation_impl))
ad.defjvp_zero(lu_pivots_to_permutation_p)
_batch_at_front(lu_pivots_to_permutation_p)


# -- qr -------------------------------------------------------------------------------------

def qr(x, *, pivoting: bool = False, full_matrices: bool = True, use_magma=None):
    """QR decomposition ``x = q @ r`` (with column pivoting: ``x[..., p] = q @ r``).

    Returns ``(q, r)``, or ``(q, r, p)`` with ``pivoting``.  ``full_matrices``
    gives a square ``q`` ([..., m, m]); otherwise ``q`` is [..., m, min(m, n)].
    """
    return tuple(qr_p.bind(x, pivoting=bool(pivoting), full_matrices=bool(full_matrices),
                           use_magma=use_magma))


def _qr_abstract_eval(x, *, pivoting, full_matrices, use_magma):
    del use_magma  # unused
    _check_matrix("qr", x)
    _check_inexact("qr", x)
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    k = m if full_matrices else min(m, n)
    outs = [ShapedArray(batch + (m, k), x.dtype), ShapedArray(batch + (k, n), x.dtype)]
    if pivoting:
        outs.append(ShapedArray(batch + (n,), np.int32))
    return outs


def _qr_pivoted_one(a, full_matrices):
    q, r, p = scipy.linalg.qr(a, mode="full" if full_matrices else "economic",
                              pivoting=True, check_finite=False)
    return q, r, p.astype(np.int32)


def _qr_impl(x, *, pivoting, full_matrices, use_magma):
    del use_magma  # unused
    x, back = _upcast(x)
    if pivoting:
        outs = _per_matrix(lambda a: _qr_pivoted_one(a, full_matrices), x,
                           batch_ndim=x.ndim - 2)
        return [back(outs[0]), back(outs[1]), outs[2]]
    q, r = np.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return [back(q), back(r)]


def _qr_jvp(primals, tangents, *, pivoting, full_matrices, use_magma):
    (x,), (x_dot,) = primals, tangents
    outs = qr_p.bind(x, pivoting=pivoting, full_matrices=full_matrices, use_magma=use_magma)
    m, n = _shape(x)[-2:]
    if m < n or (full_matrices and m != n):
        raise NotImplementedError("Unimplemented case of QR decomposition derivative")
    q, r = outs[0], outs[1]
    if pivoting:
        # x[..., p] = q r: permute the tangent's columns the same way
        x_dot = _matmul(x_dot, _T(_permutation_matrix(outs[2], _dtype(x))))
    dx_rinv = triangular_solve(r, x_dot)  # x_dot r^-1
    qt_dx_rinv = _matmul(_H(q), dx_rinv)
    lower = _tri(qt_dx_rinv, lower=True, k=-1)
    do = sub(lower, _H(lower))  # skew-Hermitian part
    if _is_complex(_dtype(x)):
        # the diagonal's imaginary part belongs to do as well
        imag_diag = sub(qt_dx_rinv, convert_element_type(_real(qt_dx_rinv), _dtype(x)))
        do = add(do, mul(_eye(do), imag_diag))
    dq = add(_matmul(q, sub(do, qt_dx_rinv)), dx_rinv)
    dr = _matmul(sub(qt_dx_rinv, do), r)
    tangents_out = [dq, dr] + ([Zero.from_primal_value(outs[2])] if pivoting else [])
    return outs, tangents_out


qr_p = _linalg_primitive("qr", multiple_results=True)
qr_p.def_abstract_eval(_qr_abstract_eval)
qr_p.def_impl(_validating(_qr_abstract_eval, _qr_impl))
ad.primitive_jvps[qr_p] = _qr_jvp
_batch_at_front(qr_p)

# -- tridiagonal_solve --------------------------------------------------------------------------

def tridiagonal_solve(dl, d, du, b, *, perturb_singular: bool = False):
    """Solve tridiagonal systems ``A x = b``.

    Args:
      dl: [..., m] sub-diagonal (``dl[..., 0]`` is ignored).
      d: [..., m] diagonal.
      du: [..., m] super-diagonal (``du[..., m-1]`` is ignored).
      b: [..., m, n] right-hand sides.
      perturb_singular: accepted for compatibility (LAPACK ``gtsv`` is used).
    """
    return tridiagonal_solve_p.bind(dl, d, du, b, perturb_singular=bool(perturb_singular))


def _tridiagonal_solve_abstract_eval(dl, d, du, b, *, perturb_singular):
    del perturb_singular  # unused
    if b.ndim < 2:
        raise ValueError(f"tridiagonal_solve requires b of rank >= 2, got shape {b.shape}")
    m = b.shape[-2]
    for name, v in (("dl", dl), ("d", d), ("du", du)):
        if v.shape != b.shape[:-2] + (m,):
            raise ValueError(f"tridiagonal_solve requires that {name} has shape "
                             f"{b.shape[:-2] + (m,)} (b's batch dims and rows), got "
                             f"{v.shape}")
        if v.dtype != b.dtype:
            raise ValueError(f"tridiagonal_solve requires that all inputs have the same "
                             f"dtype, got {v.dtype} and {b.dtype}")
    _check_inexact("tridiagonal_solve", b)
    return ShapedArray(b.shape, b.dtype)


def _tridiagonal_solve_one(dl, d, du, b):
    if d.shape[0] == 0:
        return (b.copy(),)
    gtsv = scipy.linalg.lapack.get_lapack_funcs("gtsv", (d, b))
    with np.errstate(all="ignore"):
        *_, x, info = gtsv(dl[1:], d, du[:-1], b)
    if info > 0:  # exactly singular: no error, NaNs as a failed factorization gives
        x = _nan_like(b)
    return (x,)


def _tridiagonal_solve_impl(dl, d, du, b, *, perturb_singular):
    del perturb_singular  # unused
    dl, _ = _upcast(dl)
    d, _ = _upcast(d)
    du, _ = _upcast(du)
    b, back = _upcast(b)
    return back(_per_matrix(_tridiagonal_solve_one, dl, d, du, b, batch_ndim=b.ndim - 2)[0])


def _shift(x, amount: int):
    """Shift the last axis by ``amount`` (positive: towards higher indices), zero-filling."""
    lax = _lax()
    nd = len(_shape(x))
    cfg = [(0, 0, 0)] * (nd - 1) + [(amount, -amount, 0)]  # negative padding crops
    return lax.pad(x, np.array(0, _dtype(x)), cfg)


def _tridiagonal_product(dl, d, du, x):
    """A @ x for the tridiagonal A = (dl, d, du); x is [..., m, n]."""
    nd = len(_shape(x))
    t = transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))   # [..., n, m]

    def bc(v):
        return broadcast_in_dim(v, _shape(t), tuple(range(nd - 2)) + (nd - 1,))
    out = add(add(mul(bc(d), t), mul(bc(dl), _shift(t, 1))), mul(bc(du), _shift(t, -1)))
    return transpose(out, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _tridiagonal_solve_jvp(primals, tangents, *, perturb_singular):
    dl, d, du, b = primals
    dl_dot, d_dot, du_dot, b_dot = tangents
    x = tridiagonal_solve_p.bind(dl, d, du, b, perturb_singular=perturb_singular)
    rhs = Zero.from_primal_value(b)
    if type(b_dot) is not Zero:
        rhs = b_dot
    if not all(type(t) is Zero for t in (dl_dot, d_dot, du_dot)):
        # A x = b  =>  A dx = db - dA x
        dl_dot, d_dot, du_dot = (instantiate_zeros(t) for t in (dl_dot, d_dot, du_dot))
        da_x = _tridiagonal_product(dl_dot, d_dot, du_dot, x)
        rhs = neg(da_x) if type(rhs) is Zero else sub(rhs, da_x)
    if type(rhs) is Zero:
        return x, Zero.from_primal_value(x)
    return x, tridiagonal_solve_p.bind(dl, d, du, rhs, perturb_singular=perturb_singular)


def _tridiagonal_solve_transpose(ct, dl, d, du, b, *, perturb_singular):
    from pyjax._src.interpreters.transpose import is_undefined_primal
    if any(is_undefined_primal(v) for v in (dl, d, du)):
        raise ValueError("tridiagonal_solve is not linear in its diagonals")
    if type(ct) is Zero:
        return [None, None, None, Zero(b.aval.to_tangent_aval())]
    # A^T has sub-diagonal du (shifted right) and super-diagonal dl (shifted left)
    dl_t = _shift(du, 1)
    du_t = _shift(dl, -1)
    return [None, None, None, tridiagonal_solve_p.bind(dl_t, d, du_t, ct,
                                                       perturb_singular=perturb_singular)]


tridiagonal_solve_p = _linalg_primitive("tridiagonal_solve")
tridiagonal_solve_p.def_abstract_eval(_tridiagonal_solve_abstract_eval)
tridiagonal_solve_p.def_impl(_validating(_tridiagonal_solve_abstract_eval,
                                         _tridiagonal_solve_impl))
ad.primitive_jvps[tridiagonal_solve_p] = _tridiagonal_solve_jvp
ad.primitive_transposes[tridiagonal_solve_p] = _tridiagonal_solve_transpose
_batch_at_front(tridiagonal_solve_p)

# -- householder_product ------------------------------------------------------------------------

def householder_product(a, taus):
    """The product of Householder reflectors (LAPACK ``orgqr``/``ungqr``): the first
    ``n`` columns of ``Q`` from packed reflectors ``a`` [..., m, n] and scales
    ``taus`` [..., k].  Not differentiable."""
    return householder_product_p.bind(a, taus)


def _householder_product_abstract_eval(a, taus):
    _check_matrix("householder_product", a)
    m, n = a.shape[-2:]
    if m < n or taus.shape[:-1] != a.shape[:-2] or taus.shape[-1] > n:
        raise ValueError(f"householder_product: incompatible shapes a {a.shape} (needs "
                         f"m >= n) and taus {taus.shape}")
    if a.dtype != taus.dtype:
        raise ValueError(f"householder_product: a and taus must have the same dtype, got "
                         f"{a.dtype} and {taus.dtype}")
    return ShapedArray(a.shape, a.dtype)


def _householder_product_one(a, taus):
    name = "ungqr" if a.dtype.kind == "c" else "orgqr"
    fn = scipy.linalg.lapack.get_lapack_funcs(name, (a,))
    if a.shape[-1] == 0:
        return (a.copy(),)
    k = taus.shape[-1]
    tau = np.zeros(a.shape[-1], a.dtype)
    tau[:k] = taus
    q, _, _ = fn(a, tau)
    return (q,)


def _householder_product_impl(a, taus):
    a, back = _upcast(a)
    taus, _ = _upcast(taus)
    return back(_per_matrix(_householder_product_one, a, taus, batch_ndim=a.ndim - 2)[0])


householder_product_p = _linalg_primitive("householder_product")
householder_product_p.def_abstract_eval(_householder_product_abstract_eval)
householder_product_p.def_impl(_validating(_householder_product_abstract_eval,
                                           _householder_product_impl))
_batch_at_front(householder_product_p)
