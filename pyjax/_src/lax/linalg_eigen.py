"""``lax.linalg`` eigen- and singular-value decompositions and reductions: eigh,
svd, eig, tridiagonal, hessenberg, schur (and their algorithm enums).

Part of ``pyjax._src.lax.linalg`` (see its docstring for the conventions).
"""
from __future__ import annotations

import enum

import numpy as np
import scipy.linalg
import scipy.linalg.lapack

from pyjax._src.core.avals import ShapedArray
from pyjax._src.interpreters import ad
from pyjax._src.lax.elementwise import add, div, mul, sub
from pyjax._src.lax.linalg_common import (
    _astype, _batch_at_front, _check_inexact, _check_matrix, _col, _diag_part, _dtype, _eye,
    _full, _H, _is_complex, _lax, _linalg_primitive, _matmul, _nan_like, _per_matrix, _real,
    _real_dtype, _row, _shape, _symmetrize, _T, _upcast, _validating,
)
from pyjax._src.lax.reductions import reduce_sum
from pyjax._src.lax.structural import broadcast_in_dim, convert_element_type


class EighImplementation(enum.Enum):
    """Eigensolver choice for ``eigh`` (ignored: pyjax always uses LAPACK)."""

    QR = "qr"
    JACOBI = "jacobi"
    QDWH = "qdwh"


class EigImplementation(enum.Enum):
    """Eigensolver choice for ``eig`` (ignored: pyjax always uses LAPACK)."""

    CUSOLVER = "cusolver"
    MAGMA = "magma"
    LAPACK = "lapack"


class SvdAlgorithm(enum.Enum):
    """SVD algorithm choice (ignored: pyjax always uses LAPACK's gesdd)."""

    DEFAULT = "default"
    QR = "QR"
    JACOBI = "Jacobi"
    POLAR = "polar"
    DIVIDE_AND_CONQUER = "divide_and_conquer"


# -- eigh -----------------------------------------------------------------------------------

def eigh(x, *, lower: bool = True, symmetrize_input: bool = True,
         sort_eigenvalues: bool = True, subset_by_index: tuple[int, int] | None = None,
         implementation: EighImplementation | None = None):
    """Eigendecomposition of Hermitian matrices.

    Returns:
      ``(v, w)``: eigenvectors as the columns of ``v`` and real eigenvalues ``w``
      in ascending order.  Only the ``lower`` (or upper) triangle is read unless
      ``symmetrize_input`` (the default) replaces ``x`` by ``(x + x^H) / 2``.
    """
    if symmetrize_input:
        x = _symmetrize(x)
    if subset_by_index is not None:
        subset_by_index = tuple(int(i) for i in subset_by_index)
    v, w = eigh_p.bind(x, lower=bool(lower), sort_eigenvalues=bool(sort_eigenvalues),
                       subset_by_index=subset_by_index, algorithm=implementation)
    return v, w


def _eigh_abstract_eval(x, *, lower, sort_eigenvalues, subset_by_index, algorithm):
    del lower, sort_eigenvalues, algorithm  # unused
    _check_matrix("eigh", x, square=True)
    _check_inexact("eigh", x)
    n = x.shape[-1]
    k = n
    if subset_by_index is not None:
        lo, hi = subset_by_index
        if not 0 <= lo <= hi <= n:
            raise ValueError(f"eigh: subset_by_index must satisfy 0 <= lo <= hi <= {n}, got "
                             f"{subset_by_index}")
        k = hi - lo
    batch = x.shape[:-2]
    return [ShapedArray(batch + (n, k), x.dtype), ShapedArray(batch + (k,),
                                                              _real_dtype(x.dtype))]


def _eigh_one(a, uplo):
    try:
        w, v = np.linalg.eigh(a, UPLO=uplo)
    except np.linalg.LinAlgError:
        w = np.full(a.shape[-1:], np.nan, _real_dtype(a.dtype))
        v = _nan_like(a)
    return w, v


def _eigh_impl(x, *, lower, sort_eigenvalues, subset_by_index, algorithm):
    del sort_eigenvalues, algorithm  # unused: LAPACK returns them sorted
    x, back = _upcast(x)
    uplo = "L" if lower else "U"
    try:
        w, v = np.linalg.eigh(x, UPLO=uplo)
    except np.linalg.LinAlgError:  # no convergence (NaN/inf input): NaNs for that matrix
        w, v = _per_matrix(lambda a: _eigh_one(a, uplo), x, batch_ndim=x.ndim - 2)
    if subset_by_index is not None:
        lo, hi = subset_by_index
        w, v = w[..., lo:hi], v[..., lo:hi]
    return [back(v), back(w)]


def _eigh_jvp(primals, tangents, *, lower, sort_eigenvalues, subset_by_index, algorithm):
    (x,), (x_dot,) = primals, tangents
    if subset_by_index is not None and subset_by_index != (0, _shape(x)[-1]):
        raise NotImplementedError("Derivatives not defined for partial eigen decomposition.")
    v, w_real = eigh_p.bind(x, lower=lower, sort_eigenvalues=sort_eigenvalues,
                            subset_by_index=subset_by_index, algorithm=algorithm)
    dtype = _dtype(x)
    n = _shape(x)[-1]
    w = _astype(w_real, dtype)
    eye = _eye(v)
    # F[i, j] = 1 / (w_j - w_i) off the diagonal, 0 on it (no division by zero)
    w_diff = sub(_full(_row(w), n), _full(_col(w), n))
    f_mat = sub(_lax_integer_pow(add(w_diff, eye), -1), eye)
    vh_xdot_v = _matmul(_matmul(_H(v), x_dot), v)
    v_dot = _matmul(v, mul(f_mat, vh_xdot_v))
    w_dot = _real(_diag_part(vh_xdot_v))
    return [v, w_real], [v_dot, w_dot]


def _lax_integer_pow(x, y):
    from pyjax._src.lax.elementwise import integer_pow
    return integer_pow(x, y)


eigh_p = _linalg_primitive("eigh", multiple_results=True)
eigh_p.def_abstract_eval(_eigh_abstract_eval)
eigh_p.def_impl(_validating(_eigh_abstract_eval, _eigh_impl))
ad.primitive_jvps[eigh_p] = _eigh_jvp
_batch_at_front(eigh_p)


# -- svd --------------------------------------------------------------------------------------

def svd(x, *, full_matrices: bool = True, compute_uv: bool = True,
        subset_by_index: tuple[int, int] | None = None,
        algorithm: SvdAlgorithm | None = None):
    """Singular value decomposition ``x = u @ diag(s) @ vh``, ``s`` descending.

    Returns ``(u, s, vh)``, or ``s`` alone when ``compute_uv`` is False.
    """
    if subset_by_index is not None:
        subset_by_index = tuple(int(i) for i in subset_by_index)
    outs = svd_p.bind(x, full_matrices=bool(full_matrices), compute_uv=bool(compute_uv),
                      subset_by_index=subset_by_index, algorithm=algorithm)
    if compute_uv:
        s, u, vh = outs
        return u, s, vh
    return outs[0]


def _svd_abstract_eval(x, *, full_matrices, compute_uv, subset_by_index, algorithm):
    del algorithm  # unused
    _check_matrix("svd", x)
    _check_inexact("svd", x)
    m, n = x.shape[-2:]
    batch = x.shape[:-2]
    k = min(m, n)
    rank = k
    if subset_by_index is not None:
        lo, hi = subset_by_index
        if full_matrices and subset_by_index != (0, k):
            raise ValueError("full_matrices and subset_by_index cannot be both set")
        rank = min(hi, k) - lo
    s = ShapedArray(batch + (rank,), _real_dtype(x.dtype))
    if not compute_uv:
        return [s]
    u_cols = m if full_matrices else rank
    vt_rows = n if full_matrices else rank
    return [s, ShapedArray(batch + (m, u_cols), x.dtype),
            ShapedArray(batch + (vt_rows, n), x.dtype)]


def _svd_one(a, full_matrices, compute_uv):
    try:
        res = np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    except np.linalg.LinAlgError:
        m, n = a.shape
        k = min(m, n)
        s = np.full((k,), np.nan, _real_dtype(a.dtype))
        if not compute_uv:
            return (s,)
        um, vn = (m, n) if full_matrices else (k, k)
        return (np.full((m, um), np.nan, a.dtype), s, np.full((vn, n), np.nan, a.dtype))
    return res if compute_uv else (res,)


def _svd_impl(x, *, full_matrices, compute_uv, subset_by_index, algorithm):
    del algorithm  # unused
    x, back = _upcast(x)
    try:
        res = np.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
        res = res if compute_uv else (res,)
    except np.linalg.LinAlgError:  # no convergence (NaN/inf input): NaNs for that matrix
        res = _per_matrix(lambda a: _svd_one(a, full_matrices, compute_uv), x,
                          batch_ndim=x.ndim - 2)
    if compute_uv:
        u, s, vt = res
        if subset_by_index is not None:
            lo, hi = subset_by_index
            s, u, vt = s[..., lo:hi], u[..., :, lo:hi], vt[..., lo:hi, :]
        return [back(s), back(u), back(vt)]
    s = res[0]
    if subset_by_index is not None:
        s = s[..., subset_by_index[0]:subset_by_index[1]]
    return [back(s)]


def _svd_jvp(primals, tangents, *, full_matrices, compute_uv, subset_by_index, algorithm):
    (a,), (a_dot,) = primals, tangents
    s, u, vt = svd_p.bind(a, full_matrices=False, compute_uv=True,
                          subset_by_index=subset_by_index, algorithm=algorithm)
    if compute_uv and full_matrices:
        raise NotImplementedError(
            "Singular value decomposition JVP not implemented for full matrices")
    dtype = _dtype(a)
    m, n = _shape(a)[-2:]
    k = _shape(s)[-1]
    ut, v = _H(u), _H(vt)
    ds_mat = _matmul(_matmul(ut, a_dot), v)
    s_dot = _real(_diag_part(ds_mat))
    if not compute_uv:
        return [s], [s_dot]
    s_row = _full(_row(s), k)        # s_j
    s_col = _full(_col(s), k)        # s_i
    eye = _eye(s_row)
    # F[i, j] = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it
    s_diffs = mul(add(s_row, s_col), sub(s_row, s_col))
    f_mat = _astype(sub(div(np.array(1, _dtype(s)), add(s_diffs, eye)), eye), dtype)
    dss = mul(_astype(s_row, dtype), ds_mat)   # dS diag(s)
    sds = mul(_astype(s_col, dtype), ds_mat)   # diag(s) dS
    du_inner = mul(f_mat, add(dss, _H(dss)))
    if _is_complex(dtype):
        lax = _lax()
        s_zero = convert_element_type(lax.eq(s, np.array(0, _dtype(s))), _dtype(s))
        s_inv = sub(div(np.array(1, _dtype(s)), add(s, s_zero)), s_zero)
        s_inv_mat = mul(_full(_row(s_inv), k), _eye(s_row))
        diag_term = mul(mul(sub(ds_mat, _H(ds_mat)), np.array(0.5, dtype)),
                        _astype(s_inv_mat, dtype))
        du_inner = add(du_inner, diag_term)
    u_dot = _matmul(u, du_inner)
    v_dot = _matmul(v, mul(f_mat, add(sds, _H(sds))))
    s_row_m = _astype(_row(s), dtype)
    if m > n:
        dav = _matmul(a_dot, v)
        resid = sub(dav, _matmul(u, _matmul(ut, dav)))
        u_dot = add(u_dot, div(resid, _full_rows(s_row_m, m)))
    if n > m:
        dahu = _matmul(_H(a_dot), u)
        resid = sub(dahu, _matmul(v, _matmul(vt, dahu)))
        v_dot = add(v_dot, div(resid, _full_rows(s_row_m, n)))
    return [s, u, vt], [s_dot, u_dot, _H(v_dot)]


def _full_rows(row, rows: int):
    """[..., 1, k] -> [..., rows, k]."""
    shape = _shape(row)
    from pyjax._src.lax.structural import reshape
    nd = len(shape)
    flat = reshape(row, shape[:-2] + (shape[-1],))
    return broadcast_in_dim(flat, shape[:-2] + (rows, shape[-1]),
                            tuple(range(nd - 2)) + (nd - 1,))


svd_p = _linalg_primitive("svd", multiple_results=True)
svd_p.def_abstract_eval(_svd_abstract_eval)
svd_p.def_impl(_validating(_svd_abstract_eval, _svd_impl))
ad.primitive_jvps[svd_p] = _svd_jvp
_batch_at_front(svd_p)


# -- eig ----------------------------------------------------------------------------------------

def eig(x, *, compute_left_eigenvectors: bool = True, compute_right_eigenvectors: bool = True,
        enable_eigvec_derivs: bool = False, implementation: EigImplementation | None = None,
        use_magma=None):
    """Eigendecomposition of general square matrices (complex results).

    Returns a list ``[w, vl, vr]``, with ``vl``/``vr`` present only when
    requested: eigenvalues ``w``; left eigenvectors (``vl^H x = w vl^H``) and right
    eigenvectors (``x vr = vr w``) as columns normalized to unit norm.
    Only eigenvalues are differentiable.
    """
    del use_magma  # unused
    return list(eig_p.bind(x, compute_left_eigenvectors=bool(compute_left_eigenvectors),
                           compute_right_eigenvectors=bool(compute_right_eigenvectors),
                           enable_eigvec_derivs=bool(enable_eigvec_derivs),
                           implementation=implementation))


def _complex_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        return dtype
    return np.dtype(np.complex128 if dtype == np.float64 else np.complex64)


def _eig_abstract_eval(x, *, compute_left_eigenvectors, compute_right_eigenvectors,
                       enable_eigvec_derivs, implementation):
    del enable_eigvec_derivs, implementation  # unused
    _check_matrix("eig", x, square=True)
    _check_inexact("eig", x)
    n = x.shape[-1]
    batch = x.shape[:-2]
    cdt = _complex_dtype(x.dtype)
    outs = [ShapedArray(batch + (n,), cdt)]
    outs += [ShapedArray(batch + (n, n), cdt)] * (int(compute_left_eigenvectors)
                                                  + int(compute_right_eigenvectors))
    return outs


def _eig_one(a, left, right):
    try:
        res = scipy.linalg.eig(a, left=left, right=right, check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        nan_w = np.full(a.shape[-1:], np.nan)
        res = (nan_w,) + (_nan_like(a),) * (int(left) + int(right))
    return res if isinstance(res, tuple) else (res,)


def _eig_impl(x, *, compute_left_eigenvectors, compute_right_eigenvectors,
              enable_eigvec_derivs, implementation):
    del enable_eigvec_derivs, implementation  # unused
    x, _ = _upcast(x)
    cdt = _complex_dtype(x.dtype)
    left, right = compute_left_eigenvectors, compute_right_eigenvectors
    try:
        if left:
            raise np.linalg.LinAlgError  # scipy's per-matrix eig gives left vectors
        outs = [np.linalg.eig(x)[0]] if not right else list(np.linalg.eig(x))
    except np.linalg.LinAlgError:
        outs = _per_matrix(lambda a: _eig_one(a, left, right), x, batch_ndim=x.ndim - 2)
    return [o.astype(cdt) for o in outs]


def _eig_jvp(primals, tangents, *, compute_left_eigenvectors, compute_right_eigenvectors,
             enable_eigvec_derivs, implementation):
    if compute_left_eigenvectors or compute_right_eigenvectors:
        raise NotImplementedError(
            "The derivatives of eigenvectors are not implemented, only eigenvalues. See "
            "https://github.com/jax-ml/jax/issues/2748 for discussion.")
    (x,), (x_dot,) = primals, tangents
    w, v = eig_p.bind(x, compute_left_eigenvectors=False, compute_right_eigenvectors=True,
                      enable_eigvec_derivs=enable_eigvec_derivs,
                      implementation=implementation)
    # dw_i = (V^-1 dA V)_ii   (eq. 4.60 of arXiv:1701.00392)
    from pyjax._src.numpy.linalg import _solve_square
    vinv_da = _solve_square(v, _astype(x_dot, _dtype(v)))
    nd = len(_shape(v))
    return [w], [reduce_sum(mul(vinv_da, _T(v)), (nd - 1,))]


eig_p = _linalg_primitive("eig", multiple_results=True)
eig_p.def_abstract_eval(_eig_abstract_eval)
eig_p.def_impl(_validating(_eig_abstract_eval, _eig_impl))
ad.primitive_jvps[eig_p] = _eig_jvp
_batch_at_front(eig_p)

# -- tridiagonal (Householder reduction) --------------------------------------------------------

def tridiagonal(a, *, lower: bool = True):
    """Reduce Hermitian matrices to tridiagonal form (LAPACK ``sytrd``/``hetrd``).

    Returns ``(arr, d, e, taus)``: the packed reflectors, the diagonal, the
    off-diagonal and the reflector scales.  Not differentiable.
    """
    return tuple(tridiagonal_p.bind(a, lower=bool(lower)))


def _tridiagonal_abstract_eval(a, *, lower):
    del lower  # unused
    _check_matrix("tridiagonal", a, square=True)
    _check_inexact("tridiagonal", a)
    n = a.shape[-1]
    batch = a.shape[:-2]
    real = _real_dtype(a.dtype)
    m = max(n - 1, 0)
    return [ShapedArray(a.shape, a.dtype), ShapedArray(batch + (n,), real),
            ShapedArray(batch + (m,), real), ShapedArray(batch + (m,), a.dtype)]


def _tridiagonal_one(a, lower):
    name = "hetrd" if a.dtype.kind == "c" else "sytrd"
    fn = scipy.linalg.lapack.get_lapack_funcs(name, (a,))
    if a.shape[-1] == 0:
        return a.copy(), np.zeros((0,), _real_dtype(a.dtype)), \
            np.zeros((0,), _real_dtype(a.dtype)), np.zeros((0,), a.dtype)
    c, d, e, tau, _ = fn(a, lower=int(lower))
    return c, d, e, tau


def _tridiagonal_impl(a, *, lower):
    a, back = _upcast(a)
    outs = _per_matrix(lambda m: _tridiagonal_one(m, lower), a, batch_ndim=a.ndim - 2)
    return [back(o) for o in outs]


tridiagonal_p = _linalg_primitive("tridiagonal", multiple_results=True)
tridiagonal_p.def_abstract_eval(_tridiagonal_abstract_eval)
tridiagonal_p.def_impl(_validating(_tridiagonal_abstract_eval, _tridiagonal_impl))
_batch_at_front(tridiagonal_p)


# -- hessenberg ---------------------------------------------------------------------------------

def hessenberg(a):
    """Reduce square matrices to upper Hessenberg form (LAPACK ``gehrd``).

    Returns ``(arr, taus)``: the Hessenberg matrix with the Householder
    reflectors packed below its first subdiagonal, and the reflector scales.
    Not differentiable.
    """
    return tuple(hessenberg_p.bind(a))


def _hessenberg_abstract_eval(a):
    _check_matrix("hessenberg", a, square=True)
    _check_inexact("hessenberg", a)
    n = a.shape[-1]
    return [ShapedArray(a.shape, a.dtype),
            ShapedArray(a.shape[:-2] + (max(n - 1, 0),), a.dtype)]


def _hessenberg_one(a):
    if a.shape[-1] == 0:
        return a.copy(), np.zeros((0,), a.dtype)
    fn = scipy.linalg.lapack.get_lapack_funcs("gehrd", (a,))
    h, tau, _ = fn(a)
    return h, tau[:max(a.shape[-1] - 1, 0)]


def _hessenberg_impl(a):
    a, back = _upcast(a)
    outs = _per_matrix(_hessenberg_one, a, batch_ndim=a.ndim - 2)
    return [back(o) for o in outs]


hessenberg_p = _linalg_primitive("hessenberg", multiple_results=True)
hessenberg_p.def_abstract_eval(_hessenberg_abstract_eval)
hessenberg_p.def_impl(_validating(_hessenberg_abstract_eval, _hessenberg_impl))
_batch_at_front(hessenberg_p)


# -- schur --------------------------------------------------------------------------------------

def schur(x, *, compute_schur_vectors: bool = True, sort_eig_vals: bool = False,
          select_callable=None):
    """Schur decomposition ``x = z @ t @ z^H`` (real Schur form for real input).

    Returns ``(t, z)``.  ``sort_eig_vals``/``select_callable`` are not supported.
    Not differentiable.
    """
    if sort_eig_vals or select_callable is not None:
        raise NotImplementedError("schur: sort_eig_vals/select_callable are not supported "
                                  "by pyjax")
    outs = schur_p.bind(x, compute_schur_vectors=bool(compute_schur_vectors),
                        sort_eig_vals=False, select_callable=None)
    return tuple(outs) if compute_schur_vectors else (outs[0], None)


def _schur_abstract_eval(x, *, compute_schur_vectors, sort_eig_vals, select_callable):
    del sort_eig_vals, select_callable  # unused
    _check_matrix("schur", x, square=True)
    _check_inexact("schur", x)
    aval = ShapedArray(x.shape, x.dtype)
    return [aval, aval] if compute_schur_vectors else [aval]


def _schur_impl(x, *, compute_schur_vectors, sort_eig_vals, select_callable):
    del sort_eig_vals, select_callable  # unused
    x, back = _upcast(x)
    outs = _per_matrix(lambda a: scipy.linalg.schur(a, check_finite=False), x,
                       batch_ndim=x.ndim - 2)
    outs = [back(o) for o in outs]
    return outs if compute_schur_vectors else outs[:1]


schur_p = _linalg_primitive("schur", multiple_results=True)
schur_p.def_abstract_eval(_schur_abstract_eval)
schur_p.def_impl(_validating(_schur_abstract_eval, _schur_impl))
_batch_at_front(schur_p)
