"""numba helpers called by tier-2 generated code (imported only when numba is present).

Each one gives lax's semantics where NumPy's operator differs, on scalars
(the lowering only emits them for values of shape ``()``).  Results are
cast to the output dtype by the caller.
"""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, error_model="numpy")
def _int_div(a, b):
    """lax.div on integers: truncation toward zero; x / 0 is -1 (XLA's CPU result)."""
    if b == 0:
        return -1
    q = a // b
    if q < 0 and q * b != a:
        q += 1  # floor -> truncation for a negative quotient
    return q


@numba.njit(cache=True, error_model="numpy")
def _int_rem(a, b):
    """lax.rem on integers: the sign of the dividend; x % 0 is x."""
    if b == 0:
        return a
    return a - _int_div(a, b) * b


@numba.njit(cache=True, error_model="numpy")
def _float_to_int(x, lo, hi):
    """Float to integer as XLA converts: NaN -> 0, saturating at the type's bounds."""
    if x != x:
        return lo - lo
    if x <= float(lo):
        return lo
    if x >= float(hi):
        return hi
    return int(x)


# float32 tanh as a rational function of x (the odd numerator of degree 13 over the even
# denominator of degree 6 that XLA's CPU backend uses, via Eigen): no libm call, so a loop
# over an array vectorises.  Inputs are clamped where tanh is 1 to float32 precision, and
# tiny inputs return x itself (exact there).
_TANH_CLAMP = 7.90531110763549805
_TANH_NUM = (-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
             5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04,
             4.89352455891786e-03)
_TANH_DEN = (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03,
             4.89352518554385e-03)


@numba.njit(cache=True, error_model="numpy", inline="always")
def _tanh_f32_scalar(x):
    if abs(x) < np.float32(0.0004):
        return x
    c = np.float32(_TANH_CLAMP)
    y = min(max(x, -c), c)
    y2 = y * y
    p = np.float32(_TANH_NUM[0])
    for a in _TANH_NUM[1:]:
        p = p * y2 + np.float32(a)
    p = p * y
    q = np.float32(_TANH_DEN[0])
    for b in _TANH_DEN[1:]:
        q = q * y2 + np.float32(b)
    return p / q


@numba.njit(cache=True, error_model="numpy")
def _tanh_f32_array(x):
    out = np.empty_like(x)
    xf, of = x.reshape(-1), out.reshape(-1)
    for k in range(xf.size):
        of[k] = _tanh_f32_scalar(xf[k])
    return out


@numba.njit(cache=True)
def _matmul(a, b):
    """2-D matrix product through BLAS.  Kept out of line (and cached on disk per
    signature) because numba's typing and lowering of ``np.dot`` dominates the
    compile time of a loop that inlines it."""
    return np.dot(a, b)


# Row reductions of a C-contiguous (M, K) array: numba's np.max/np.min/np.prod/np.all/
# np.any take no axis argument.  Max and min propagate NaN, as lax's reductions do.

@numba.njit(cache=True, error_model="numpy")
def _rows_max(m):
    out = np.empty(m.shape[0], m.dtype)
    for i in range(m.shape[0]):
        acc = m[i, 0]
        for k in range(1, m.shape[1]):
            v = m[i, k]
            if v > acc or v != v:
                acc = v
        out[i] = acc
    return out


@numba.njit(cache=True, error_model="numpy")
def _rows_min(m):
    out = np.empty(m.shape[0], m.dtype)
    for i in range(m.shape[0]):
        acc = m[i, 0]
        for k in range(1, m.shape[1]):
            v = m[i, k]
            if v < acc or v != v:
                acc = v
        out[i] = acc
    return out


@numba.njit(cache=True, error_model="numpy")
def _rows_prod(m):
    out = np.empty(m.shape[0], m.dtype)
    for i in range(m.shape[0]):
        acc = m[i, 0]
        for k in range(1, m.shape[1]):
            acc = acc * m[i, k]
        out[i] = acc
    return out


@numba.njit(cache=True)
def _rows_all(m):
    out = np.empty(m.shape[0], np.bool_)
    for i in range(m.shape[0]):
        out[i] = True
        for k in range(m.shape[1]):
            if not m[i, k]:
                out[i] = False
                break
    return out


@numba.njit(cache=True)
def _rows_any(m):
    out = np.empty(m.shape[0], np.bool_)
    for i in range(m.shape[0]):
        out[i] = False
        for k in range(m.shape[1]):
            if m[i, k]:
                out[i] = True
                break
    return out
