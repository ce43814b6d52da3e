"""Sorting for ``jax.numpy``: sort, argsort, lexsort, partition, argpartition, sort_complex.

All are composites of ``lax.sort`` (total order: NaNs last, ``-0.0 == 0.0``,
complex lexicographic) and ``lax.top_k``.  ``argsort`` returns the default int
dtype (int64 with x64) and is stable by default; a stable descending sort keeps
equal elements in their original order (the input and its iota are reversed
before sorting, then the result is reversed back).
"""
from __future__ import annotations

import numpy as np

from pyjax._src import dtypes
from pyjax._src.numpy.util import asarray, canonicalize_axis, check_arraylike


def _lax():
    import pyjax.lax as lax
    return lax


def _check_kind_order(fname: str, kind, order) -> None:
    if kind is not None:
        raise TypeError(f"'kind' argument to {fname} is not supported. Use stable=True or "
                        f"stable=False to specify sort stability.")
    if order is not None:
        raise TypeError(f"'order' argument to {fname} is not supported.")


def _flatten_if_none(arr, axis):
    if axis is None:
        return _lax().reshape(arr, (arr.size,)), 0
    return arr, axis


def sort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True,
         descending: bool = False):
    """pyjax implementation of :func:`numpy.sort` (NaNs sort last).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.sort(jnp.array([3., jnp.nan, 1.]))
      Array([ 1.,  3., nan], dtype=float32)
    """
    check_arraylike("sort", a)
    _check_kind_order("sort", kind, order)
    arr, axis = _flatten_if_none(asarray(a), axis)
    dim = canonicalize_axis(axis, arr.ndim)
    lax = _lax()
    out = lax.sort(arr, dimension=dim, is_stable=stable)
    return lax.rev(out, (dim,)) if descending else out


def argsort(a, axis: int | None = -1, *, kind=None, order=None, stable: bool = True,
            descending: bool = False):
    """pyjax implementation of :func:`numpy.argsort` (stable by default).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.argsort(jnp.array([3, 1, 2]))
      Array([1, 2, 0], dtype=int32)
    """
    check_arraylike("argsort", a)
    _check_kind_order("argsort", kind, order)
    arr, axis = _flatten_if_none(asarray(a), axis)
    dim = canonicalize_axis(axis, arr.ndim)
    lax = _lax()
    idx_dtype = np.int64 if arr.shape[dim] >= (1 << 31) else dtypes.default_int_dtype()
    iota = lax.broadcasted_iota(idx_dtype, tuple(arr.shape), dim)
    if descending and stable:
        arr, iota = lax.rev(arr, (dim,)), lax.rev(iota, (dim,))
    _, idx = lax.sort_key_val(arr, iota, dimension=dim, is_stable=stable)
    return lax.rev(idx, (dim,)) if descending else idx


def lexsort(keys, axis: int = -1):
    """pyjax implementation of :func:`numpy.lexsort`: sort by the *last* key first.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.lexsort((jnp.array([1, 0, 1]), jnp.array([2, 2, 1])))
      Array([2, 1, 0], dtype=int32)
    """
    key_tuple = tuple(keys)
    check_arraylike("lexsort", *key_tuple)
    key_arrays = tuple(asarray(k) for k in key_tuple)
    if not key_arrays:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    if len({tuple(k.shape) for k in key_arrays}) > 1:
        raise ValueError("all keys need to be the same shape")
    idx_dtype = dtypes.default_int_dtype()
    if key_arrays[0].ndim == 0:
        from pyjax._src.numpy.creation import zeros
        return zeros((), idx_dtype)
    shape = tuple(key_arrays[0].shape)
    dim = canonicalize_axis(axis, len(shape))
    lax = _lax()
    iota = lax.broadcasted_iota(np.int64 if shape[dim] >= (1 << 31) else idx_dtype, shape, dim)
    return lax.sort((*key_arrays[::-1], iota), dimension=dim, num_keys=len(key_arrays))[-1]


def _partition_setup(fname: str, a, kth, axis):
    check_arraylike(fname, a)
    arr = asarray(a)
    if dtypes.issubdtype(arr.dtype, np.unsignedinteger):
        raise NotImplementedError(f"jnp.{fname} for unsigned dtypes")
    axis = canonicalize_axis(axis, arr.ndim)
    kth = canonicalize_axis(kth, arr.shape[axis])
    from pyjax._src.numpy.manipulation import swapaxes
    return swapaxes(arr, axis, -1), kth, axis


def partition(a, kth: int, axis: int = -1):
    """pyjax implementation of :func:`numpy.partition`.

    The ``kth + 1`` smallest elements come first in ascending order, then the
    rest in descending order (a valid partition; NumPy's order differs).
    """
    arr, kth, axis = _partition_setup("partition", a, kth, axis)
    lax = _lax()
    from pyjax._src.numpy.manipulation import swapaxes
    bottom = lax.neg(lax.top_k(lax.neg(arr), kth + 1)[0])
    top = lax.top_k(arr, arr.shape[-1] - kth - 1)[0]
    return swapaxes(lax.concatenate([bottom, top], arr.ndim - 1), -1, axis)


def argpartition(a, kth: int, axis: int = -1):
    """pyjax implementation of :func:`numpy.argpartition` (order as :func:`partition`)."""
    arr, kth, axis = _partition_setup("argpartition", a, kth, axis)
    lax = _lax()
    from pyjax._src.numpy.manipulation import swapaxes
    bottom_ind = lax.top_k(lax.neg(arr), kth + 1)[1]
    # the remaining indices: top_k of a proxy that is 0 at the bottom indices, 1 elsewhere
    from pyjax._src.numpy.take_put import put_along_axis
    from pyjax._src.numpy.creation import ones
    proxy = put_along_axis(ones(arr.shape, np.float32), bottom_ind, 0.0, axis=-1,
                           inplace=False)
    top_ind = lax.top_k(proxy, arr.shape[-1] - kth - 1)[1]
    return swapaxes(lax.concatenate([bottom_ind, top_ind], arr.ndim - 1), -1, axis)


def sort_complex(a):
    """pyjax implementation of :func:`numpy.sort_complex`: sort along axis 0, as complex."""
    check_arraylike("sort_complex", a)
    lax = _lax()
    out = lax.sort(asarray(a), dimension=0)
    return lax.convert_element_type(out, dtypes.to_complex_dtype(out.dtype))


__all__ = ["sort", "argsort", "lexsort", "partition", "argpartition", "sort_complex"]
