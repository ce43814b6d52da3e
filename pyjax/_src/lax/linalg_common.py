"""Shared helpers of the ``lax.linalg`` primitives (see ``pyjax._src.lax.linalg``).

Helpers on pyjax values (used by the JVP rules), helpers on NumPy arrays (used
by the implementations), primitive construction and input checks.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import batching
from pyjax._src.lax.dot import dot_general
from pyjax._src.lax.elementwise import add, div, mul
from pyjax._src.lax.reductions import reduce_sum
from pyjax._src.lax.structural import broadcast_in_dim, convert_element_type, transpose


# -- helpers on pyjax values (used by the JVP rules) -----------------------------------------


def _lax():
    from pyjax import lax  # lazy: conj/real/eq/... live in other family modules
    return lax


def _shape(x):
    return get_aval(x).shape


def _dtype(x):
    return get_aval(x).dtype


def _is_complex(dtype) -> bool:
    return dtypes.issubdtype(dtype, np.complexfloating)


def _T(x):
    """Swap the two trailing (matrix) axes."""
    nd = len(_shape(x))
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _conj(x):
    return _lax().conj(x) if _is_complex(_dtype(x)) else x


def _H(x):
    """Conjugate transpose of the trailing matrix axes."""
    return _conj(_T(x))


def _real(x):
    return _lax().real(x) if _is_complex(_dtype(x)) else x


def _matmul(a, b):
    """Batched matrix product over equal leading axes (both operands rank >= 2)."""
    nd = len(_shape(a))
    batch = tuple(range(nd - 2))
    return dot_general(a, b, (((nd - 1,), (nd - 2,)), (batch, batch)))


def _const(x, value: np.ndarray):
    """A NumPy constant of ``x``'s dtype, with leading size-1 axes to ``x``'s rank."""
    value = np.asarray(value)
    nd = len(_shape(x))
    return value.astype(_dtype(x)).reshape((1,) * (nd - value.ndim) + value.shape)


def _tri(x, lower: bool, k: int = 0):
    """Lower (``tril``, diagonal offset k) or upper (``triu``) part of the matrices of x."""
    m, n = _shape(x)[-2:]
    mask = np.tri(m, n, k) if lower else 1 - np.tri(m, n, k - 1)
    return mul(x, _const(x, mask))


def _eye(x, n: int | None = None):
    n = _shape(x)[-1] if n is None else n
    return _const(x, np.eye(n))


def _diag_part(x):
    """The diagonals of the (square) matrices of x: [..., n, n] -> [..., n]."""
    nd = len(_shape(x))
    return reduce_sum(mul(x, _eye(x)), (nd - 1,))


def _row(v):
    """[..., n] -> [..., 1, n] (broadcastable over rows)."""
    shape = _shape(v)
    nd = len(shape)
    return broadcast_in_dim(v, shape[:-1] + (1, shape[-1]), tuple(range(nd - 1)) + (nd,))


def _col(v):
    """[..., n] -> [..., n, 1]."""
    shape = _shape(v)
    nd = len(shape)
    return broadcast_in_dim(v, shape + (1,), tuple(range(nd)))


def _full(v, n: int):
    """[..., 1, n] or [..., n, 1] -> [..., n, n] (explicit broadcast; lax has no implicit one)."""
    shape = _shape(v)
    out = shape[:-2] + (n, n)
    keep = tuple(i for i, d in enumerate(shape) if not (d == 1 and out[i] != 1))
    squeezed_shape = tuple(shape[i] for i in keep)
    from pyjax._src.lax.structural import reshape
    return broadcast_in_dim(reshape(v, squeezed_shape), out, keep)


def _astype(x, dtype):
    return convert_element_type(x, dtype) if _dtype(x) != dtype else x


# -- helpers on NumPy arrays (used by the implementations) ------------------------------------


def _upcast(x: np.ndarray) -> tuple[np.ndarray, Callable]:
    """LAPACK has no half precision: compute in float32 and cast back."""
    if x.dtype in (np.float16, dtypes.bfloat16):
        dtype = x.dtype
        return x.astype(np.float32), lambda y: y.astype(dtype)
    return x, lambda y: y


def _per_matrix(fn, *arrays, batch_ndim: int):
    """Apply ``fn`` (NumPy arrays -> tuple of arrays) to each matrix of a stack."""
    batch = arrays[0].shape[:batch_ndim]
    outs = None
    for idx in np.ndindex(*batch):
        res = fn(*(a[idx] for a in arrays))
        if outs is None:
            outs = [np.empty(batch + r.shape, r.dtype) for r in res]
        for o, r in zip(outs, res):
            o[idx] = r
    return outs


def _nan_like(x: np.ndarray) -> np.ndarray:
    return np.full(x.shape, np.nan, x.dtype)


def _validating(abstract_eval, impl):
    """Eager binds skip abstract eval; run it first so bad shapes raise JAX's errors."""
    def checked(*args, **params):
        abstract_eval(*args, **params)
        return impl(*args, **params)
    return checked


def _batch_at_front(prim):
    """Batching rule for primitives whose leading axes are batch axes."""
    def rule(axis_data, vals, dims, **params):
        vals = [batching.bdim_at_front(v, d, axis_data.size) for v, d in zip(vals, dims)]
        out = prim.bind(*vals, **params)
        return (out, [0] * len(out)) if prim.multiple_results else (out, 0)
    batching.primitive_batchers[prim] = rule


def _linalg_primitive(name: str, multiple_results: bool = False) -> Primitive:
    prim = Primitive(name)
    prim.multiple_results = multiple_results
    prim.def_weak_type_rule(lambda weak_in, **params: False)
    return prim


def _check_matrix(name: str, x, square: bool = False) -> None:
    if len(x.shape) < 2:
        raise ValueError(f"{name} requires an input with at least 2 dimensions, got "
                         f"shape {x.shape}")
    if square and x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{name} requires square matrices, got shape {x.shape}")


def _check_inexact(name: str, x) -> None:
    if not dtypes.issubdtype(x.dtype, np.inexact):
        raise TypeError(f"{name} requires a floating or complex input, got {x.dtype}")


def _symmetrize(x):
    return div(add(x, _H(x)), np.array(2, _dtype(x)))


def _real_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype == np.complex64:
        return np.dtype(np.float32)
    if dtype == np.complex128:
        return np.dtype(np.float64)
    return dtype
