"""Static and dynamic slicing primitives: slice, dynamic_slice, dynamic_update_slice.

    slice[start_indices, limit_indices, strides]  :: a[*s] -> a[*t]
    dynamic_slice[slice_sizes]                    :: (a[*s], i, ..., i) -> a[*slice_sizes]
    dynamic_update_slice                          :: (a[*s], a[*u], i, ..., i) -> a[*s]

Dynamic start indices are operands (integer scalars of one dtype).  As in XLA they
are *clamped* so that the whole window fits: ``dynamic_slice(arange(5), (4,), (3,))``
is ``[2, 3, 4]``.  The wrappers first wrap negative indices (``-1`` is the last
position) unless ``allow_negative_indices=False``.  Batching with batched start
indices turns the dynamic slice into a gather (and the update into a scatter),
see indexing.py.  Composites: slice_in_dim, index_in_dim, dynamic_slice_in_dim,
dynamic_index_in_dim, dynamic_update_slice_in_dim, dynamic_update_index_in_dim.
"""
from __future__ import annotations

import builtins
import operator
from typing import Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.interpreters.transpose import is_undefined_primal
from pyjax._src.lax.elementwise import eager_checks
from pyjax._src.lax.helpers import (canonicalize_shape, check_same_dtypes,
                                    first_operand_weak_type_rule, standard_primitive)
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.lax.structural import (_aval_shape, _lax_fn, _zeros, concatenate, expand_dims,
                                       pad, reshape, squeeze)

_slice = builtins.slice


# -- slice ----------------------------------------------------------------------------------

def slice(operand, start_indices: Sequence[int], limit_indices: Sequence[int],  # noqa: A001
          strides: Sequence[int] | None = None):
    """``operand[start:limit:stride]`` along every axis, with static non-negative bounds."""
    start_indices = tuple(operator.index(i) for i in start_indices)
    limit_indices = tuple(operator.index(i) for i in limit_indices)
    if strides is not None:  # kept as given, even all ones: JAX prints strides=(1,)
        strides = tuple(operator.index(s) for s in strides)
    return slice_p.bind(operand, start_indices=start_indices, limit_indices=limit_indices,
                        strides=strides)


def _static_slice(operand, start_indices, limit_indices, strides=None):
    """``slice`` as jnp's indexing emits it: unit strides print as None and a slice
    covering the whole array is no equation at all (what ``x[0:n]`` traces to in JAX)."""
    start_indices = tuple(operator.index(i) for i in start_indices)
    limit_indices = tuple(operator.index(i) for i in limit_indices)
    if strides is not None and all(operator.index(s) == 1 for s in strides):
        strides = None
    if strides is None and not any(start_indices) and limit_indices == _aval_shape(operand):
        return operand
    return slice(operand, start_indices, limit_indices, strides)


def _slice_shape_rule(operand, *, start_indices, limit_indices, strides):
    ndim = operand.ndim
    if len(start_indices) != ndim or len(limit_indices) != ndim:
        raise ValueError(f"slice start_indices and limit_indices must have length equal to the "
                        f"number of dimensions of the operand, got start_indices "
                        f"{start_indices} and limit_indices {limit_indices} for operand "
                        f"shape {operand.shape}.")
    if strides is not None and len(strides) != ndim:
        raise TypeError(f"slice strides must have length equal to the number of dimensions "
                        f"of the operand, got strides {strides} for operand shape "
                        f"{operand.shape}.")
    if any(s < 0 for s in start_indices):
        raise TypeError(f"slice start_indices must be greater than or equal to zero, got "
                        f"start_indices {start_indices}.")
    if any(lim > n for lim, n in zip(limit_indices, operand.shape)):
        raise TypeError(f"slice limit_indices must be less than or equal to operand shape, "
                        f"got limit_indices {limit_indices} for operand shape "
                        f"{operand.shape}.")
    if any(lim < s for s, lim in zip(start_indices, limit_indices)):
        raise TypeError(f"slice limit_indices must be greater than or equal to "
                        f"start_indices, got start_indices {start_indices} and "
                        f"limit_indices {limit_indices}.")
    strides = strides or (1,) * ndim
    if any(s <= 0 for s in strides):
        raise TypeError(f"slice strides must be positive, got {strides}")
    return tuple(-(-(lim - s) // st)
                 for s, lim, st in zip(start_indices, limit_indices, strides))


def _slice_impl(operand, *, start_indices, limit_indices, strides):
    strides = strides or (1,) * operand.ndim
    return operand[tuple(_slice(s, lim, st)
                         for s, lim, st in zip(start_indices, limit_indices, strides))]


def _slice_transpose(ct, operand, *, start_indices, limit_indices, strides):
    aval = operand.aval
    if type(ct) is Zero:
        return [Zero(aval)]
    out_shape = _aval_shape(ct)
    strides = strides or (1,) * len(out_shape)
    pads = []
    for n, s, st, m in zip(aval.shape, start_indices, strides, out_shape):
        last = s + (m - 1) * st + 1 if m else s  # one past the last element read
        pads.append((s, n - last, st - 1) if m else (s, n - s, 0))
    return [pad(ct, np.zeros((), aval.dtype), tuple(pads))]


def _slice_batch_rule(axis_data, vals, dims, *, start_indices, limit_indices, strides):
    (x,), (d,) = vals, dims
    del axis_data  # unused
    start = list(start_indices)
    limit = list(limit_indices)
    start.insert(d, 0)
    limit.insert(d, _aval_shape(x)[d])
    new_strides = None
    if strides is not None:
        new_strides = list(strides)
        new_strides.insert(d, 1)
        new_strides = tuple(new_strides)
    return slice_p.bind(x, start_indices=tuple(start), limit_indices=tuple(limit),
                        strides=new_strides), d


slice_p = standard_primitive(_slice_shape_rule, lambda operand, **_: operand.dtype, "slice",
                             first_operand_weak_type_rule)
slice_p.def_impl(_slice_impl)
ad.deflinear2(slice_p, _slice_transpose)
batching.primitive_batchers[slice_p] = _slice_batch_rule
eager_checks(slice_p, with_shapes=True)


def slice_in_dim(operand, start_index: int | None, limit_index: int | None, stride: int = 1,
                 axis: int = 0):
    """``lax.slice`` along one axis; ``None`` bounds and negative indices as in Python."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    n = shape[axis]
    start = 0 if start_index is None else operator.index(start_index)
    limit = n if limit_index is None else operator.index(limit_index)
    start = start + n if start < 0 else start
    limit = limit + n if limit < 0 else limit
    starts = [0] * len(shape)
    limits = list(shape)
    strides = [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, int(stride)
    return slice(operand, starts, limits, strides)


def index_in_dim(operand, index: int, axis: int = 0, keepdims: bool = True):
    """``operand[..., index, ...]`` at axis ``axis`` for a static index (IndexError if out
    of range)."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    index = operator.index(index)
    n = shape[axis]
    wrapped = index + n if index < 0 else index
    if not 0 <= wrapped < n:
        raise IndexError(f"index {index} is out of bounds for axis {axis} with size {n}")
    out = slice_in_dim(operand, wrapped, wrapped + 1, 1, axis)
    return out if keepdims else squeeze(out, (axis,))


# -- start-index handling shared by dynamic_slice / dynamic_update_slice ----------------------

def _is_concrete_int(i) -> bool:
    return isinstance(i, (int, np.integer)) and not isinstance(i, (bool, np.bool_))


def _index_dtype(indices) -> np.dtype:
    """The dtype Python-int start indices take: that of the first typed index (a NumPy
    or pyjax integer), else the default integer type."""
    for i in indices:
        if type(i) is not int:
            return get_aval(i).dtype
    return dtypes.default_int_dtype()


def _split_start_indices(start_indices):
    if isinstance(start_indices, (list, tuple)):
        return list(start_indices)
    if isinstance(start_indices, np.ndarray):
        return list(start_indices)
    if np.ndim(start_indices) != 1:
        raise TypeError(f"start indices must be a sequence of scalars or a 1-D array, got "
                        f"shape {np.shape(start_indices)}")
    from pyjax._src.lax.structural import unstack
    return list(unstack(start_indices, 0))


def normalize_start_indices(shape, start_indices, allow_negative_indices, name: str):
    """Start indices as a list of integer scalars of one dtype, negative ones wrapped.

    Concrete indices are wrapped in Python; traced ones with ``select_n(i < 0, i, i + n)``.
    """
    indices = _split_start_indices(start_indices)
    if len(indices) != len(shape):
        raise ValueError(f"Length of slice indices must match number of operand dimensions "
                         f"({len(indices)} vs {tuple(shape)})")
    if isinstance(allow_negative_indices, bool):
        allow_negative_indices = [allow_negative_indices] * len(shape)
    dtype = _index_dtype(indices)
    out = []
    for i, n, allow in zip(indices, shape, allow_negative_indices, strict=True):
        c = _concrete_int(i)
        i_dtype = dtype if type(i) is int else get_aval(i).dtype  # typed ones keep theirs
        if c is not None:
            if c < 0:
                if not allow:
                    raise ValueError(f"Index {c} is out of bounds for dimension {n} if "
                                     f"allow_negative_indices=False")
                c += n
            info = np.iinfo(i_dtype)  # out-of-range values clamp like the window does
            out.append(np.array(min(max(c, info.min), info.max), i_dtype)[()])
            continue
        aval = get_aval(i)
        if not dtypes.issubdtype(aval.dtype, np.integer) or aval.shape != ():
            raise TypeError(f"index arguments to {name} must be integers of the same type, "
                            f"got: {aval.dtype.name}")
        out.append(wrap_negative_index(i, n) if allow else i)
    return out


def _concrete_int(i) -> int | None:
    """``i`` as a Python int when it is a known integer scalar (not a tracer)."""
    if _is_concrete_int(i):
        return int(i)
    if type(i) is ArrayImpl or isinstance(i, np.ndarray):
        v = np.asarray(i)
        if v.shape == () and v.dtype.kind in "iu":
            return int(v)
    return None


def wrap_negative_index(i, n: int):
    """Traced ``i + n`` where ``i < 0`` (any shape), in the equations JAX emits:
    ``lt``, a ``convert_element_type`` dropping a weak type, ``add``, ``select_n``."""
    from pyjax._src.lax.elementwise import add
    from pyjax._src.lax.structural import _convert_to_weak
    aval = get_aval(i)
    if dtypes.issubdtype(aval.dtype, np.unsignedinteger):
        return i
    is_negative = _lax_fn("lt")(i, np.zeros((), aval.dtype))
    strong = _convert_to_weak(i, aval.dtype, False) if aval.weak_type else i
    return _lax_fn("select_n")(is_negative, i, add(strong, np.array(n, aval.dtype)))


def _check_index_avals(name, idx_avals):
    dts = {a.dtype for a in idx_avals}
    if any(a.shape != () for a in idx_avals) or len(dts) > 1 or any(
            not dtypes.issubdtype(d, np.integer) for d in dts):
        raise TypeError(f"index arguments to {name} must be integers of the same type, got: "
                        f"{', '.join(a.dtype.name for a in idx_avals)}")


def _clamped_starts(shape, sizes, idx):
    return [min(max(int(i), 0), n - s) for i, n, s in zip(idx, shape, sizes)]


# -- dynamic_slice -----------------------------------------------------------------------------

def dynamic_slice(operand, start_indices, slice_sizes: Sequence[int], *,
                  allow_negative_indices: bool | Sequence[bool] = True):
    """The ``slice_sizes`` window of ``operand`` at (possibly traced) ``start_indices``.

    Start indices are clamped so the window fits inside ``operand``.
    """
    shape = _aval_shape(operand)
    sizes = canonicalize_shape(slice_sizes)
    idx = normalize_start_indices(shape, start_indices, allow_negative_indices,
                                  "dynamic_slice")
    return dynamic_slice_p.bind(operand, *idx, slice_sizes=sizes)


def _dynamic_slice_shape_rule(operand, *idx, slice_sizes):
    if len(idx) != operand.ndim or len(slice_sizes) != operand.ndim:
        raise TypeError(f"dynamic_slice: the number of start indices ({len(idx)}) and of "
                        f"slice_sizes ({len(slice_sizes)}) must equal the operand rank "
                        f"{operand.ndim}.")
    if any(s < 0 for s in slice_sizes):
        raise TypeError(f"slice slice_sizes must be greater than or equal to zero, got "
                        f"slice_sizes of {slice_sizes}.")
    if any(s > n for s, n in zip(slice_sizes, operand.shape)):
        raise TypeError(f"slice slice_sizes must be less than or equal to operand shape, got "
                        f"slice_sizes {slice_sizes} for operand shape {operand.shape}.")
    _check_index_avals("dynamic_slice", idx)
    return tuple(slice_sizes)


def _dynamic_slice_impl(operand, *idx, slice_sizes):
    starts = _clamped_starts(operand.shape, slice_sizes, idx)
    return operand[tuple(_slice(s, s + n) for s, n in zip(starts, slice_sizes))]


def _dynamic_slice_jvp(primals, tangents, *, slice_sizes):
    operand, *idx = primals
    out = dynamic_slice_p.bind(operand, *idx, slice_sizes=slice_sizes)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero.from_primal_value(out)
    return out, dynamic_slice_p.bind(t, *idx, slice_sizes=slice_sizes)


def _dynamic_slice_transpose(ct, operand, *idx, slice_sizes):
    del slice_sizes  # unused
    aval = operand.aval
    if type(ct) is Zero:
        return [Zero(aval)] + [None] * len(idx)
    zeros = _zeros(aval)
    return [dynamic_update_slice_p.bind(zeros, ct, *idx)] + [None] * len(idx)


def _dynamic_slice_batch_rule(axis_data, vals, dims, *, slice_sizes):
    operand, *idx = vals
    op_dim, *idx_dims = dims
    if all(d is batching.not_mapped for d in idx_dims):
        # Only the operand is batched: slice the whole batch axis.
        zero = np.zeros((), get_aval(idx[0]).dtype) if idx else np.int32(0)
        idx = list(idx)
        idx.insert(op_dim, zero)
        sizes = list(slice_sizes)
        sizes.insert(op_dim, axis_data.size)
        return dynamic_slice_p.bind(operand, *idx, slice_sizes=tuple(sizes)), op_dim
    # Batched start indices: the equivalent gather, batched by gather's rule.
    from pyjax._src.lax import indexing
    index, index_dim = _stack_start_indices(axis_data, idx, idx_dims)
    ndim = len(slice_sizes)
    dnums = indexing.GatherDimensionNumbers(offset_dims=tuple(range(ndim)),
                                            collapsed_slice_dims=(),
                                            start_index_map=tuple(range(ndim)))
    return indexing.gather_batch_rule(
        axis_data, [operand, index], [op_dim, index_dim], dimension_numbers=dnums,
        slice_sizes=tuple(slice_sizes), unique_indices=True, indices_are_sorted=True,
        mode=indexing.GatherScatterMode.CLIP, fill_value=None)


def _stack_start_indices(axis_data, idx, idx_dims):
    """Scalar start indices (some batched) as one index array ``(batch, ndim)``."""
    cols = []
    for i, d in zip(idx, idx_dims):
        i = batching.bdim_at_front(i, d, axis_data.size)
        cols.append(reshape(i, (axis_data.size, 1)))
    return concatenate(cols, 1), 0


dynamic_slice_p = standard_primitive(_dynamic_slice_shape_rule,
                                     lambda operand, *idx, **_: operand.dtype,
                                     "dynamic_slice", first_operand_weak_type_rule)
dynamic_slice_p.def_impl(_dynamic_slice_impl)
ad.primitive_jvps[dynamic_slice_p] = _dynamic_slice_jvp
ad.primitive_transposes[dynamic_slice_p] = _dynamic_slice_transpose
batching.primitive_batchers[dynamic_slice_p] = _dynamic_slice_batch_rule
eager_checks(dynamic_slice_p, with_shapes=True)


def dynamic_slice_in_dim(operand, start_index, slice_size: int, axis: int = 0, *,
                         allow_negative_indices: bool = True):
    """``dynamic_slice`` along one axis (the other axes are taken whole)."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    starts = [0] * len(shape)
    sizes = list(shape)
    starts[axis] = start_index
    sizes[axis] = operator.index(slice_size)
    allow = [True] * len(shape)
    allow[axis] = allow_negative_indices
    return dynamic_slice(operand, starts, sizes, allow_negative_indices=allow)


def dynamic_index_in_dim(operand, index, axis: int = 0, keepdims: bool = True, *,
                         allow_negative_indices: bool = True):
    """``operand[..., index, ...]`` at axis ``axis`` for a (possibly traced) index,
    clamped into range."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    out = dynamic_slice_in_dim(operand, index, 1, axis,
                               allow_negative_indices=allow_negative_indices)
    return out if keepdims else squeeze(out, (axis,))


# -- dynamic_update_slice ---------------------------------------------------------------------

def dynamic_update_slice(operand, update, start_indices, *,
                         allow_negative_indices: bool | Sequence[bool] = True):
    """``operand`` with the window at ``start_indices`` replaced by ``update``.

    Start indices are clamped so that ``update`` fits inside ``operand``.
    """
    shape = _aval_shape(operand)
    idx = normalize_start_indices(shape, start_indices, allow_negative_indices,
                                  "dynamic_update_slice")
    return dynamic_update_slice_p.bind(operand, update, *idx)


def _dynamic_update_slice_shape_rule(operand, update, *idx):
    if update.ndim != operand.ndim:
        raise TypeError(f"dynamic_update_slice update must have the same rank as operand, "
                        f"got update shape {update.shape} for operand shape "
                        f"{operand.shape}.")
    if len(idx) != operand.ndim:
        raise TypeError(f"dynamic_update_slice: the number of start indices ({len(idx)}) "
                        f"must equal the operand rank {operand.ndim}.")
    if any(u > n for u, n in zip(update.shape, operand.shape)):
        raise TypeError(f"dynamic_update_slice update shape must be smaller than operand "
                        f"shape, got update shape {update.shape} for operand shape "
                        f"{operand.shape}.")
    _check_index_avals("dynamic_update_slice", idx)
    return operand.shape


def _dynamic_update_slice_dtype_rule(operand, update, *idx):
    del idx  # unused
    check_same_dtypes("dynamic_update_slice", [operand, update])
    return operand.dtype


def _dynamic_update_slice_impl(operand, update, *idx):
    starts = _clamped_starts(operand.shape, update.shape, idx)
    out = operand.copy()
    out[tuple(_slice(s, s + n) for s, n in zip(starts, update.shape))] = update
    return out


def _dynamic_update_slice_jvp(primals, tangents):
    operand, update, *idx = primals
    t_op, t_upd = tangents[0], tangents[1]
    out = dynamic_update_slice_p.bind(operand, update, *idx)
    if type(t_op) is Zero and type(t_upd) is Zero:
        return out, Zero.from_primal_value(out)
    return out, dynamic_update_slice_p.bind(instantiate_zeros(t_op), instantiate_zeros(t_upd),
                                            *idx)


def _dynamic_update_slice_transpose(ct, operand, update, *idx):
    upd_aval = update.aval if is_undefined_primal(update) else get_aval(update)
    if type(ct) is Zero:
        return [Zero(operand.aval) if is_undefined_primal(operand) else None,
                Zero(upd_aval) if is_undefined_primal(update) else None] + [None] * len(idx)
    ct_op = ct_upd = None
    if is_undefined_primal(operand):
        ct_op = dynamic_update_slice_p.bind(ct, _zeros(upd_aval), *idx)
    if is_undefined_primal(update):
        ct_upd = dynamic_slice_p.bind(ct, *idx, slice_sizes=upd_aval.shape)
    return [ct_op, ct_upd] + [None] * len(idx)


def _dynamic_update_slice_batch_rule(axis_data, vals, dims):
    operand, update, *idx = vals
    op_dim, upd_dim, *idx_dims = dims
    size = axis_data.size
    if all(d is batching.not_mapped for d in idx_dims):
        operand = batching.bdim_at_front(operand, op_dim, size)
        update = batching.bdim_at_front(update, upd_dim, size)
        zero = np.zeros((), get_aval(idx[0]).dtype) if idx else np.int32(0)
        return dynamic_update_slice_p.bind(operand, update, zero, *idx), 0
    # Batched start indices: the equivalent scatter, batched by scatter's rule.
    from pyjax._src.lax import indexing
    index, index_dim = _stack_start_indices(axis_data, idx, idx_dims)
    ndim = len(_aval_shape(operand)) - (op_dim is not batching.not_mapped)
    dnums = indexing.ScatterDimensionNumbers(update_window_dims=tuple(range(ndim)),
                                             inserted_window_dims=(),
                                             scatter_dims_to_operand_dims=tuple(range(ndim)))
    return indexing.scatter_batch_rule(
        indexing.scatter_p, axis_data, [operand, index, update], [op_dim, index_dim, upd_dim],
        dimension_numbers=dnums, indices_are_sorted=True, unique_indices=True,
        mode=indexing.GatherScatterMode.CLIP, update_jaxpr=None, update_consts=())


dynamic_update_slice_p = standard_primitive(_dynamic_update_slice_shape_rule,
                                            _dynamic_update_slice_dtype_rule,
                                            "dynamic_update_slice")
dynamic_update_slice_p.def_impl(_dynamic_update_slice_impl)
ad.primitive_jvps[dynamic_update_slice_p] = _dynamic_update_slice_jvp
ad.primitive_transposes[dynamic_update_slice_p] = _dynamic_update_slice_transpose
batching.primitive_batchers[dynamic_update_slice_p] = _dynamic_update_slice_batch_rule
eager_checks(dynamic_update_slice_p, with_shapes=True)


def dynamic_update_slice_in_dim(operand, update, start_index, axis: int, *,
                                allow_negative_indices: bool = True):
    """``dynamic_update_slice`` along one axis (start 0 on the others)."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    starts = [0] * len(shape)
    starts[axis] = start_index
    allow = [True] * len(shape)
    allow[axis] = allow_negative_indices
    return dynamic_update_slice(operand, update, starts, allow_negative_indices=allow)


def dynamic_update_index_in_dim(operand, update, index, axis: int, *,
                                allow_negative_indices: bool = True):
    """Replace ``operand[..., index, ...]`` (axis ``axis``) by ``update``; ``update`` may
    lack that axis."""
    shape = _aval_shape(operand)
    axis = operator.index(axis)
    axis = axis + len(shape) if axis < 0 else axis
    if len(_aval_shape(update)) == len(shape) - 1:
        update = expand_dims(update, (axis,))
    return dynamic_update_slice_in_dim(operand, update, index, axis,
                                       allow_negative_indices=allow_negative_indices)


__all__ = [
    "slice", "slice_p", "slice_in_dim", "index_in_dim", "dynamic_slice", "dynamic_slice_p",
    "dynamic_slice_in_dim", "dynamic_index_in_dim", "dynamic_update_slice",
    "dynamic_update_slice_p", "dynamic_update_slice_in_dim", "dynamic_update_index_in_dim",
]
