"""The index-producing jnp functions: ``take``, ``take_along_axis``, ``put_along_axis``,
``put`` and ``place``.

They lower to ``gather`` / ``scatter`` directly (``take``, ``*_along_axis``) or through
the ``.at[...]`` machinery of indexing.py (``put``, ``place``).
"""
from __future__ import annotations

import operator

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval
from pyjax._src.lax import indexing as lax_indexing
from pyjax._src.lax import slicing as lax_slicing
from pyjax._src.lax.indexing import GatherDimensionNumbers, GatherScatterMode
from pyjax._src.lax.structural import _convert_to_weak, _lax_fn, expand_dims, reshape
from pyjax._src.numpy.indexing import (_concrete_mask, _IndexUpdateRef, _is_concrete,
                                       _wrap_negative)
from pyjax._src.numpy.util import asarray, check_arraylike


def _canonical_axis(axis, ndim, fname):
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    del fname
    return axis + ndim if axis < 0 else axis


def _ravel(a):
    return reshape(a, (int(np.prod(a.shape, dtype=np.int64)),))


def take(a, indices, axis: int | None = None, out=None, mode: str | None = None,
         unique_indices: bool = False, indices_are_sorted: bool = False,
         fill_value=None):
    """pyjax implementation of :func:`numpy.take`.

    Args:
      a: array to take from; flattened first when ``axis`` is None.
      indices: integer indices (negative ones count from the end).
      axis: the axis to index.
      mode: ``None``/``'fill'`` (default: out-of-bounds entries are ``fill_value``, which
        defaults to NaN for inexact dtypes and INT_MIN / UINT_MAX / True otherwise),
        ``'clip'``, ``'wrap'``.  ``'raise'`` is not supported.
      unique_indices, indices_are_sorted: promises about ``indices`` (hints).
      fill_value: the value of out-of-bounds entries in ``'fill'`` mode.

    Returns:
      ``a.shape[:axis] + indices.shape + a.shape[axis + 1:]``.

    Notes:
      Unlike NumPy, out-of-bounds indices never raise (JAX cannot raise on values).
    """
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.take is not supported.")
    check_arraylike("take", a, indices)
    a = asarray(a)
    indices = asarray(indices)
    if not dtypes.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"take indices must be of integer type, got {indices.dtype.name}")
    if axis is None:
        a = _ravel(a)
        axis = 0
    axis = _canonical_axis(axis, a.ndim, "take")
    if mode == "raise":
        raise NotImplementedError("The 'raise' mode to jnp.take is not supported.")
    n = a.shape[axis]
    if mode == "wrap":
        indices = _mod(indices, n)
        gmode = GatherScatterMode.CLIP
    elif mode is None or mode == "fill":
        indices = _wrap_negative(indices, n)
        gmode = GatherScatterMode.FILL_OR_DROP
    elif mode == "clip":
        gmode = GatherScatterMode.CLIP
    else:
        raise ValueError(f"Invalid mode '{mode}' for np.take")
    idx_nd = indices.ndim
    index = expand_dims(indices, (idx_nd,))
    slice_sizes = list(a.shape)
    slice_sizes[axis] = 1
    offset_dims = tuple(range(axis)) + tuple(range(axis + idx_nd, a.ndim + idx_nd - 1))
    dnums = GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=(axis,),
                                   start_index_map=(axis,))
    return lax_indexing.gather(a, index, dnums, tuple(slice_sizes),
                               unique_indices=unique_indices,
                               indices_are_sorted=indices_are_sorted, mode=gmode,
                               fill_value=fill_value)


def _mod(indices, n):
    if _is_concrete(indices):
        return asarray(np.mod(np.asarray(indices), n).astype(np.asarray(indices).dtype))
    from pyjax._src.lax.elementwise import add
    dtype = get_aval(indices).dtype
    size = np.array(n, dtype)
    r = _lax_fn("rem")(indices, size)
    return _lax_fn("select_n")(_lax_fn("lt")(r, np.zeros((), dtype)), r, add(r, size))


def _along_axis_operands(fname, arr, indices, axis):
    """``(arr, indices, axis)`` with arr/indices broadcast against each other except along
    ``axis`` (NumPy's ``take_along_axis`` rules)."""
    check_arraylike(fname, arr, indices)
    arr = asarray(arr)
    indices = asarray(indices)
    if not dtypes.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"{fname} indices must be of integer type, got {indices.dtype.name}")
    if axis is None:
        if indices.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
        arr = _ravel(arr)
        axis = 0
    if arr.ndim != indices.ndim:
        raise ValueError(f"indices and arr must have the same number of dimensions; "
                         f"{indices.ndim} vs. {arr.ndim}")
    axis = _canonical_axis(axis, arr.ndim, fname)
    idx_shape = list(indices.shape)
    arr_shape = list(arr.shape)
    idx_shape[axis] = arr_shape[axis] = 1
    try:
        common = list(np.broadcast_shapes(tuple(idx_shape), tuple(arr_shape)))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes="
                         f"{[tuple(idx_shape), tuple(arr_shape)]}") from None
    from pyjax._src.numpy.util import broadcast_to
    common_arr = list(common)
    common_arr[axis] = arr.shape[axis]
    common_idx = list(common)
    common_idx[axis] = indices.shape[axis]
    return (broadcast_to(arr, tuple(common_arr)), broadcast_to(indices, tuple(common_idx)),
            axis)


def _along_axis_dnums(ndim, axis):
    batch = tuple(d for d in range(ndim) if d != axis)
    return GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(axis,),
                                  start_index_map=(axis,), operand_batching_dims=batch,
                                  start_indices_batching_dims=batch)


def take_along_axis(arr, indices, axis: int | None = -1, mode=None, fill_value=None):
    """pyjax implementation of :func:`numpy.take_along_axis`.

    ``mode`` defaults to ``'fill'``: out-of-bounds indices give ``fill_value`` (NaN /
    INT_MIN by default); negative indices count from the end.
    """
    arr, indices, axis = _along_axis_operands("take_along_axis", arr, indices, axis)
    gmode = GatherScatterMode.FILL_OR_DROP if mode is None else \
        GatherScatterMode.from_any(mode)
    indices = _wrap_negative(indices, arr.shape[axis])
    index = expand_dims(indices, (indices.ndim,))
    return lax_indexing.gather(arr, index, _along_axis_dnums(arr.ndim, axis),
                               (1,) * arr.ndim, mode=gmode, fill_value=fill_value)


_INPLACE_MSG = ("jax.numpy.{} cannot modify arrays in-place, because JAX arrays{}are "
                "immutable. Pass inplace=False to instead return an updated array.")


def put_along_axis(arr, indices, values, axis: int | None, inplace: bool = True, *,
                   mode=None):
    """pyjax implementation of :func:`numpy.put_along_axis` (requires ``inplace=False``).

    Out-of-bounds indices are dropped by default (``mode='clip'`` clamps them).
    """
    if inplace:
        raise ValueError(_INPLACE_MSG.format("put_along_axis", ""))
    original_shape = np.shape(arr)
    arr0 = asarray(arr)
    b_arr, b_idx, ax = _along_axis_operands("put_along_axis", arr0, indices, axis)
    if axis is not None and tuple(b_arr.shape) != tuple(arr0.shape):
        raise ValueError(f"put_along_axis: indices of shape {np.shape(indices)} cannot be "
                         f"broadcast against arr of shape {arr0.shape} without changing it")
    b_idx = _wrap_negative(b_idx, b_arr.shape[ax])
    values = asarray(values)
    values = _convert_to_weak(values, b_arr.dtype, False)
    from pyjax._src.numpy.util import broadcast_to
    values = broadcast_to(values, b_idx.shape)
    gd = _along_axis_dnums(b_arr.ndim, ax)
    index = expand_dims(b_idx, (b_idx.ndim,))
    out = lax_indexing.scatter(b_arr, index, values, lax_indexing._gather_to_scatter_dnums(gd),
                               mode=mode)
    return reshape(out, original_shape) if axis is None else out


def put(a, ind, v, mode: str | None = None, *, inplace: bool = True):
    """pyjax implementation of :func:`numpy.put` (requires ``inplace=False``).

    ``a.ravel()[ind] = v`` with ``v`` repeated (or truncated) to ``ind``'s size.  Modes:
    ``None`` (negative indices wrap once, then out-of-range ones are clipped, as JAX),
    ``'clip'``, ``'wrap'``; ``'raise'`` is not supported.
    """
    if inplace:
        raise ValueError(_INPLACE_MSG.format("put", " "))
    check_arraylike("put", a, ind, v)
    a = asarray(a)
    ind = _ravel(asarray(ind))
    v = _ravel(asarray(v))
    if not ind.shape[0] or not v.shape[0]:
        return a
    v = _tile_to(v, ind.shape[0])
    flat = _ravel(a)
    n = flat.shape[0]
    if mode == "raise":
        raise NotImplementedError("The 'raise' mode to jnp.put is not supported.")
    if mode == "wrap":
        ind, scatter_mode = _mod(ind, n), "clip"
    elif mode == "clip":
        scatter_mode = "clip"
    elif mode is None:  # as JAX: negative indices wrap once, then indices are clipped
        ind, scatter_mode = _wrap_negative(ind, n), "clip"
    else:
        raise ValueError(f"Invalid mode '{mode}' for np.put")
    out = _IndexUpdateRef(flat, ind).set(v, mode=scatter_mode, wrap_negative_indices=False)
    return reshape(out, a.shape)


def _tile_to(v, size: int):
    """``v`` (1-D) repeated cyclically to ``size`` elements."""
    n = v.shape[0]
    if n == size:
        return v
    reps = -(-size // n)
    from pyjax._src.lax.structural import tile
    return lax_slicing.slice(tile(v, (reps,)), (0,), (size,))


def place(arr, mask, vals, *, inplace: bool = True):
    """pyjax implementation of :func:`numpy.place` (requires ``inplace=False``).

    The positions where ``mask`` is True get ``vals`` in order, repeated cyclically.
    """
    if inplace:
        raise ValueError(_INPLACE_MSG.format("place", " "))
    check_arraylike("place", arr, mask, vals)
    arr = asarray(arr)
    mask = asarray(mask)
    vals = _ravel(asarray(vals))
    if arr.size != mask.size:
        raise ValueError("place: arr and mask must be the same size")
    if not vals.shape[0]:
        raise ValueError("Cannot place values from an empty array")
    flat_mask = _concrete_mask(_ravel(mask)).astype(bool)
    positions = np.nonzero(flat_mask)[0].astype(np.int32)
    if not positions.size:
        return arr
    vals = _tile_to(vals, positions.size)
    out = _IndexUpdateRef(_ravel(arr), positions).set(vals, unique_indices=True,
                                                      indices_are_sorted=True)
    return reshape(out, arr.shape)


__all__ = ["take", "take_along_axis", "put_along_axis", "put", "place"]
