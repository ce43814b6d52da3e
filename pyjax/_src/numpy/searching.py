"""Searching for ``jax.numpy``: nonzero/argwhere/flatnonzero, extract/compress,
searchsorted/digitize, choose.

NOTE[static-size]: the outputs of ``nonzero``, ``argwhere``, ``flatnonzero``,
``extract`` and ``compress`` have data-dependent shapes.  Eagerly they are
computed from the concrete data; under a transformation the caller must pass a
static ``size=`` (results are truncated, or padded with ``fill_value``, default
0), otherwise the count of nonzeros is a tracer and JAX's
``ConcretizationTypeError`` ("The size argument of jnp.nonzero must be
statically specified ...") is raised.  The traced path is a scatter of
``arange(n)`` to the running count of nonzeros, dropping positions >= size.

``searchsorted`` orders values as JAX's sort does (NaNs last, ``-0.0 == 0.0``)
and always returns int32 for arrays shorter than 2**30.  Eagerly it calls NumPy
on order-preserving integer keys; under a transformation it is a static-depth
binary search (``method='scan'``/``'scan_unrolled'``), a sort-based merge
(``'sort'``) or an all-pairs comparison (``'compare_all'``), all exact.
"""
from __future__ import annotations

import operator

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.core.avals import get_aval
from pyjax._src.core.trace import Tracer
from pyjax._src.numpy.util import (asarray, check_arraylike, check_for_prngkeys,
                                   concrete_or_error, is_eager, promote_dtypes)

_NONZERO_SIZE_MSG = ("The size argument of jnp.nonzero must be statically specified to use "
                     "jnp.nonzero within JAX transformations.")


def _lax():
    import pyjax.lax as lax
    return lax


def _jnp():
    import pyjax.numpy as jnp
    return jnp


def _concrete_value(x):
    """NumPy value of ``x`` if it is concrete (not a tracer), else None."""
    if isinstance(x, Tracer):
        return None
    if isinstance(x, ArrayImpl):
        return x._check_live()
    return np.asarray(x)


# ---- nonzero & co -------------------------------------------------------------------------

def _fill_tuple(fill_value, nd: int) -> tuple:
    vals = fill_value if isinstance(fill_value, tuple) else (fill_value,) * nd
    if len(vals) != nd or any(np.shape(v) != () for v in vals):
        raise ValueError(f"fill_value must be a scalar or a tuple of length {nd}; got "
                         f"{fill_value}")
    return vals


def _nonzero_eager(v: np.ndarray, size, fill_value) -> tuple:
    idx_dtype = dtypes.default_int_dtype()
    out = [i.astype(idx_dtype) for i in np.nonzero(v)]
    if size is None:
        return tuple(ArrayImpl(i, False) for i in out)
    count = out[0].shape[0]
    fills = (0,) * v.ndim if fill_value is None else _fill_tuple(fill_value, v.ndim)
    result = []
    for i, fv in zip(out, fills):
        if count >= size:
            i = i[:size]
        else:
            fv = np.asarray(_concrete_value(fv)).astype(idx_dtype)
            i = np.concatenate([i, np.broadcast_to(fv, (size - count,))])
        result.append(ArrayImpl(np.ascontiguousarray(i), False))
    return tuple(result)


def _nonzero_traced(arr, size: int, fill_value) -> tuple:
    jnp = _jnp()
    lax = _lax()
    idx_dtype = dtypes.default_int_dtype()
    mask = arr if arr.dtype == np.bool_ else lax.ne(arr, np.zeros((), arr.dtype))
    flat = jnp.ravel(mask)
    n = flat.shape[0]
    if n == 0 or size == 0:
        return tuple(jnp.zeros(size, idx_dtype) for _ in arr.shape)
    counts = jnp.cumsum(flat, dtype=idx_dtype)
    # the k-th nonzero goes to slot k; zeros go out of bounds and are dropped
    slots = jnp.where(flat, counts - 1, size)
    positions = jnp.arange(n, dtype=idx_dtype)
    flat_idx = jnp.zeros(size, idx_dtype).at[slots].set(positions, mode="drop")
    out = list(jnp.unravel_index(flat_idx, tuple(arr.shape)))
    if fill_value is not None:
        fills = _fill_tuple(fill_value, arr.ndim)
        missing = jnp.arange(size) >= counts[n - 1]
        out = [jnp.where(missing, lax.convert_element_type(asarray(fv), idx_dtype), o)
               for fv, o in zip(fills, out)]
    return tuple(out)


def nonzero(a, *, size: int | None = None, fill_value=None) -> tuple:
    """pyjax implementation of :func:`numpy.nonzero`: indices of the nonzero elements.

    Args:
      a: an array of at least one dimension.
      size: static number of results (required under ``jit``/``vmap``); extra
        results are dropped, missing ones filled with ``fill_value``.
      fill_value: scalar, or one scalar per dimension, for the padding (default 0).

    Returns:
      A tuple of ``a.ndim`` default-int index arrays.

    Raises:
      ConcretizationTypeError: under a transformation without ``size``.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.nonzero(jnp.array([0, 3, 0, 4]))
      (Array([1, 3], dtype=int32),)
      >>> jnp.nonzero(jnp.array([0, 3, 0, 4]), size=3, fill_value=-1)
      (Array([ 1,  3, -1], dtype=int32),)
    """
    check_arraylike("nonzero", a)
    arr = asarray(a)
    check_for_prngkeys("not_equal", arr, 0)  # as JAX's a != 0 rejects typed keys
    if arr.ndim == 0:
        raise ValueError("Calling nonzero on 0d arrays is not allowed. Use "
                         "jnp.atleast_1d(scalar).nonzero() instead.")
    if size is not None:
        size = operator.index(concrete_or_error(size, _NONZERO_SIZE_MSG))
    v = _concrete_value(arr)
    if v is not None and is_eager():
        return _nonzero_eager(v, size, fill_value)
    if size is None:
        jnp = _jnp()
        count = jnp.sum(arr != 0) if arr.dtype != np.bool_ else jnp.sum(arr)
        size = int(concrete_or_error(count, _NONZERO_SIZE_MSG))
    return _nonzero_traced(arr, size, fill_value)


def flatnonzero(a, *, size: int | None = None, fill_value=None):
    """pyjax implementation of :func:`numpy.flatnonzero` (see :func:`nonzero` for ``size``)."""
    check_arraylike("flatnonzero", a)
    return nonzero(_jnp().ravel(a), size=size, fill_value=fill_value)[0]


def argwhere(a, *, size: int | None = None, fill_value=None):
    """pyjax implementation of :func:`numpy.argwhere`: ``(N, a.ndim)`` indices of nonzeros."""
    check_arraylike("argwhere", a)
    jnp = _jnp()
    arr = asarray(a)
    parts = nonzero(jnp.atleast_1d(arr), size=size, fill_value=fill_value)
    result = jnp.stack(parts, axis=1)
    if arr.ndim == 0:
        return jnp.reshape(result[:0], (result.shape[0], 0))
    return result


def compress(condition, a, axis: int | None = None, *, size: int | None = None,
             fill_value=0, out=None):
    """pyjax implementation of :func:`numpy.compress`: slices of ``a`` where ``condition``.

    With a static ``size`` the result has exactly ``size`` slices (padded with
    ``fill_value``), which works under transformations.
    """
    check_arraylike("compress", condition, a)
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.compress is not supported.")
    jnp = _jnp()
    cond = jnp.astype(asarray(condition), bool)
    if cond.ndim != 1:
        raise ValueError("condition must be a 1D array")
    if axis is None:
        axis = 0
        arr = jnp.ravel(a)
    else:
        arr = jnp.moveaxis(a, axis, 0)
    n = arr.shape[0]
    cond, extra = cond[:n], cond[n:]
    arr = arr[:cond.shape[0]]
    if size is None:
        extra_v = _concrete_value(extra)
        if extra_v is not None and np.any(extra_v):
            raise ValueError("condition contains entries that are out of bounds")
        idx = nonzero(cond)[0]
        result = arr[idx]
    else:
        size = operator.index(concrete_or_error(size, "The size argument of jnp.compress"))
        idx, = nonzero(cond, size=size)
        valid = jnp.arange(size) < jnp.sum(cond)
        valid = jnp.expand_dims(valid, tuple(range(1, arr.ndim)))
        fill = jnp.astype(asarray(fill_value), arr.dtype)
        result = jnp.where(valid, arr[idx], fill) if arr.shape[0] else \
            jnp.broadcast_to(fill, (size,) + tuple(arr.shape[1:]))
    return jnp.moveaxis(result, 0, axis)


def extract(condition, arr, *, size: int | None = None, fill_value=0):
    """pyjax implementation of :func:`numpy.extract`: raveled elements where ``condition``."""
    check_arraylike("extract", condition, arr, fill_value)
    jnp = _jnp()
    return compress(jnp.ravel(condition), jnp.ravel(arr), size=size, fill_value=fill_value)


# ---- searchsorted ---------------------------------------------------------------------

def _order_keys(x: np.ndarray) -> list:
    """NumPy arrays whose lexicographic order is JAX's sort order of ``x``."""
    from pyjax._src.lax.sorting import _sort_keys
    return _sort_keys(np.asarray(x))


def _searchsorted_eager(a: np.ndarray, v: np.ndarray, side: str, dtype):
    ka, kv = _order_keys(a), _order_keys(v)
    if len(ka) == 1:
        out = np.searchsorted(ka[0], kv[0], side=side)
    else:  # complex: lexicographic (real, imag) via a structured view
        rec = np.dtype([("r", ka[0].dtype), ("i", ka[1].dtype)])
        sa = np.empty(a.shape, rec)
        sa["r"], sa["i"] = ka
        sv = np.empty(v.shape, rec)
        sv["r"], sv["i"] = kv
        out = np.searchsorted(sa, sv, side=side)
    return ArrayImpl(np.asarray(out, dtype=dtype).reshape(v.shape), False)


def _lt_keys(x, y):
    """JAX's sort order ``x < y`` (NaN last, -0.0 == 0.0; complex lexicographic)."""
    lax = _lax()

    def canon(z):
        if dtypes.issubdtype(z.dtype, np.floating):
            z = lax.select(lax.eq(z, np.zeros((), z.dtype)), lax.full_like(z, 0), z)
            z = lax.select(lax.ne(z, z), lax.full_like(z, np.nan), z)
        return z
    if dtypes.issubdtype(get_aval(x).dtype, np.complexfloating):
        xr, xi, yr, yi = (canon(f(z)) for z in (x, y) for f in (lax.real, lax.imag))
        return lax.bitwise_or(lax.lt_to_p.bind(xr, yr),
                              lax.bitwise_and(lax.eq_to_p.bind(xr, yr),
                                              lax.lt_to_p.bind(xi, yi)))
    x, y = canon(x), canon(y)
    if get_aval(x).dtype == np.bool_:
        return lax.bitwise_and(lax.bitwise_not(x), y)
    return lax.lt_to_p.bind(x, y)


def _searchsorted_binary(a, v, side: str, dtype):
    """Binary search with a static number of halvings (``method='scan'``)."""
    jnp = _jnp()
    lax = _lax()
    n = a.shape[0]
    low = jnp.zeros(v.shape, dtype)
    high = jnp.full(v.shape, n, dtype)
    for _ in range(int(np.ceil(np.log2(n + 1)))):
        mid = lax.div(lax.add(low, high), np.asarray(2, dtype))
        pivot = a[jnp.clip(mid, 0, n - 1)]
        # left: go left when v <= a[mid]; right: when v < a[mid]
        go_left = (lax.bitwise_not(_lt_keys(pivot, v)) if side == "left"
                   else _lt_keys(v, pivot))
        low, high = lax.select(go_left, low, mid), lax.select(go_left, mid, high)
    return high


def _searchsorted_compare_all(a, v, side: str, dtype):
    jnp = _jnp()
    a_b, v_b = a[(None,) * v.ndim + (slice(None),)], v[..., None]
    before = _lt_keys(a_b, v_b) if side == "left" else _lax().bitwise_not(_lt_keys(v_b, a_b))
    return jnp.sum(before, axis=-1, dtype=dtype)


def searchsorted(a, v, side: str = "left", sorter=None, *, method: str = "scan"):
    """pyjax implementation of :func:`numpy.searchsorted`.

    Args:
      a: sorted 1-D array (or unsorted with ``sorter``, its sorting permutation).
      v: values to insert (any shape).
      side: ``'left'`` (first suitable index) or ``'right'`` (last).
      method: ``'scan'``, ``'scan_unrolled'``, ``'sort'`` or ``'compare_all'``; all
        give the same result (they differ in cost under ``jit``).

    Returns:
      int32 insertion indices of ``v``'s shape.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.searchsorted(jnp.array([1., 2., 3.]), jnp.array([2.5, 0.]))
      Array([2, 0], dtype=int32)
    """
    if sorter is None:
        check_arraylike("searchsorted", a, v)
    else:
        check_arraylike("searchsorted", a, v, sorter)
    if side not in ("left", "right"):
        raise ValueError(f"{side!r} is an invalid value for keyword 'side'. Expected one of "
                         f"['left', 'right'].")
    if method not in ("scan", "scan_unrolled", "sort", "compare_all"):
        raise ValueError(f"{method!r} is an invalid value for keyword 'method'. Expected one "
                         f"of ['sort', 'scan', 'scan_unrolled', 'compare_all'].")
    if np.ndim(a) != 1 and _jnp().ndim(a) != 1:
        raise ValueError("a should be 1-dimensional")
    a, v = promote_dtypes(a, v)
    if sorter is not None:
        a = a[asarray(sorter)]
    dtype = np.int32 if a.shape[0] <= np.iinfo(np.int32).max // 2 else np.int64
    if a.shape[0] == 0:
        return _jnp().zeros(v.shape, dtype)
    av, vv = _concrete_value(a), _concrete_value(v)
    if av is not None and vv is not None and is_eager():
        return _searchsorted_eager(av, vv, side, dtype)
    if method == "compare_all":
        return _searchsorted_compare_all(a, v, side, dtype)
    return _searchsorted_binary(a, v, side, dtype)


def digitize(x, bins, right: bool = False, *, method: str | None = None):
    """pyjax implementation of :func:`numpy.digitize` (bins increasing or decreasing)."""
    check_arraylike("digitize", x, bins)
    jnp = _jnp()
    right = bool(concrete_or_error(right, "right argument of jnp.digitize()"))
    bins_arr = asarray(bins)
    if bins_arr.ndim != 1:
        raise ValueError(f"digitize: bins must be a 1-dimensional array; got bins={bins}")
    if bins_arr.shape[0] == 0:
        return jnp.zeros(np.shape(x), dtype=np.int32)
    side = "right" if not right else "left"
    method = "scan" if method is None else method
    increasing = bins_arr[-1] >= bins_arr[0]
    up = searchsorted(bins_arr, x, side=side, method=method)
    down = bins_arr.shape[0] - searchsorted(bins_arr[::-1], x, side=side, method=method)
    return jnp.where(increasing, up, down)


# ---- choose -------------------------------------------------------------------------------

def choose(a, choices, out=None, mode: str = "raise"):
    """pyjax implementation of :func:`numpy.choose`.

    ``mode='raise'`` checks the indices, so it needs a concrete ``a``; ``'wrap'``
    and ``'clip'`` work under transformations.
    """
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.choose is not supported.")
    check_arraylike("choose", a, *choices)
    jnp = _jnp()
    idx = asarray(a)
    if not dtypes.issubdtype(idx.dtype, np.integer):
        raise ValueError("`a` array must be integer typed")
    n = len(choices)
    if mode == "raise":
        iv = np.asarray(concrete_or_error(idx, "The error occurred because jnp.choose was "
                                               "jit-compiled with mode='raise'. Use mode='wrap' "
                                               "or mode='clip' instead."))
        if np.any((iv < 0) | (iv >= n)):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = jnp.clip(idx, 0, n - 1)
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    idx, *chs = jnp.broadcast_arrays(idx, *choices)
    chs = promote_dtypes(*chs)
    return _lax().select_n(idx, *chs) if n > 1 else chs[0]


__all__ = ["nonzero", "flatnonzero", "argwhere", "compress", "extract", "searchsorted",
           "digitize", "choose"]
