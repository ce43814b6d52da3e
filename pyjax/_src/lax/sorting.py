"""Sorting lax primitives: sort (multi-operand), top_k, approx_top_k.

    sort[dimension, is_stable, num_keys] :: (a[s], b[s], ...) -> (a[s], b[s], ...)
    top_k[k, axis]                        :: a[..., n, ...] -> (a[..., k, ...], i32[..., k, ...])

Order, as XLA's comparator in JAX: lexicographic over the first ``num_keys``
operands; floats in the total order ``-inf < ... < inf < NaN`` with ``-0.0``
and ``0.0`` equal and all NaNs equal (so a stable sort keeps their input
order); complex numbers by real part, then imaginary part.  pyjax always sorts
stably (``is_stable=False`` allows any order of ties; stable is one of them).

``top_k`` returns the ``k`` largest entries along ``axis`` in decreasing order,
ties broken by lower index first, with floats in XLA's total order (NaN above
+inf, -0.0 below 0.0).  ``approx_max_k``/``approx_min_k`` are computed exactly
(a valid answer for every recall target, and what XLA does on CPU); only
``aggregate_to_topk=True`` is supported.

JVPs permute the tangents with the private primitive ``take_along_axis_p``
(``np.take_along_axis``), linear in its first operand; its transpose is
``scatter_add_along_axis_p``, and vice versa.  The sort permutation comes from
sorting an iota along with the keys, as JAX does (JAX gathers with ``gather``).
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero
from pyjax._src.lax.helpers import standard_primitive
from pyjax._src.lax.reductions import check_eagerly, lax_op


def _canonicalize_axis(axis, ndim: int) -> int:
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else axis


def _iota_along(shape, dimension: int):
    return lax_op("broadcasted_iota")(np.int32, shape, dimension)


# -- take_along_axis / scatter_add_along_axis (private, for the JVPs) ----------------------

def take_along_axis(operand, indices, axis: int):
    """``out[..., i, ...] = operand[..., indices[..., i, ...], ...]`` along ``axis``."""
    return take_along_axis_p.bind(operand, indices, axis=axis)


def scatter_add_along_axis(updates, indices, axis: int, size: int):
    """Transpose of ``take_along_axis``: sums ``updates`` into ``size`` slots along ``axis``."""
    return scatter_add_along_axis_p.bind(updates, indices, axis=axis, size=size)


def _along_axis_check(name, x, indices, axis):
    if x.ndim != indices.ndim or not 0 <= axis < x.ndim:
        raise TypeError(f"{name}: operand {x.shape} and indices {indices.shape} must have "
                        f"equal rank, and axis {axis} must be in range")
    if any(a != b for i, (a, b) in enumerate(zip(x.shape, indices.shape)) if i != axis):
        raise TypeError(f"{name}: operand {x.shape} and indices {indices.shape} must agree "
                        f"except along axis {axis}")
    if not dtypes.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"{name}: indices must be integers, got {indices.dtype}")


def _take_along_axis_shape_rule(x, indices, *, axis):
    _along_axis_check("take_along_axis", x, indices, axis)
    return indices.shape


def _scatter_add_along_axis_shape_rule(updates, indices, *, axis, size):
    _along_axis_check("scatter_add_along_axis", updates, indices, axis)
    if updates.shape != indices.shape:
        raise TypeError(f"scatter_add_along_axis: updates {updates.shape} and indices "
                        f"{indices.shape} must have the same shape")
    shape = list(indices.shape)
    shape[axis] = size
    return tuple(shape)


def _scatter_add_along_axis_impl(updates, indices, *, axis, size):
    shape = list(indices.shape)
    shape[axis] = size
    out = np.zeros(shape, updates.dtype)
    grids = list(np.ogrid[tuple(slice(0, d) for d in indices.shape)])
    grids[axis] = indices
    np.add.at(out, tuple(grids), updates)
    return out


def _linear_in_first_jvp(prim):
    def rule(primals, tangents, **params):
        x, idx = primals
        t = tangents[0]
        out = prim.bind(x, idx, **params)
        if type(t) is Zero:
            return out, Zero.from_primal_value(out)
        return out, prim.bind(t, idx, **params)
    return rule


def _take_along_axis_transpose(ct, x, indices, *, axis):
    if type(ct) is Zero:
        return [Zero(x.aval.to_tangent_aval()), None]
    return [scatter_add_along_axis(ct, indices, axis, x.aval.shape[axis]), None]


def _scatter_add_along_axis_transpose(ct, updates, indices, *, axis, size):
    del size  # unused
    if type(ct) is Zero:
        return [Zero(updates.aval.to_tangent_aval()), None]
    return [take_along_axis(ct, indices, axis), None]


def _along_axis_batch_rule(prim, axis_data, vals, dims, *, axis, **params):
    x, idx = (batching.bdim_at_front(v, d, axis_data.size) for v, d in zip(vals, dims))
    return prim.bind(x, idx, axis=axis + 1, **params), 0


take_along_axis_p = standard_primitive(_take_along_axis_shape_rule,
                                       lambda x, indices, **_: x.dtype, "take_along_axis",
                                       weak_type_rule=lambda weak_in, **_: bool(weak_in[0]))
take_along_axis_p.def_impl(lambda x, indices, *, axis: np.take_along_axis(x, indices, axis))
ad.primitive_jvps[take_along_axis_p] = _linear_in_first_jvp(take_along_axis_p)
ad.primitive_transposes[take_along_axis_p] = _take_along_axis_transpose
check_eagerly(take_along_axis_p)
batching.primitive_batchers[take_along_axis_p] = (
    lambda axis_data, vals, dims, **params: _along_axis_batch_rule(
        take_along_axis_p, axis_data, vals, dims, **params))

scatter_add_along_axis_p = standard_primitive(
    _scatter_add_along_axis_shape_rule, lambda updates, indices, **_: updates.dtype,
    "scatter_add_along_axis", weak_type_rule=lambda weak_in, **_: bool(weak_in[0]))
scatter_add_along_axis_p.def_impl(_scatter_add_along_axis_impl)
ad.primitive_jvps[scatter_add_along_axis_p] = _linear_in_first_jvp(scatter_add_along_axis_p)
ad.primitive_transposes[scatter_add_along_axis_p] = _scatter_add_along_axis_transpose
check_eagerly(scatter_add_along_axis_p)
batching.primitive_batchers[scatter_add_along_axis_p] = (
    lambda axis_data, vals, dims, **params: _along_axis_batch_rule(
        scatter_add_along_axis_p, axis_data, vals, dims, **params))


# -- ordering keys --------------------------------------------------------------------------

_INT_OF_SIZE = {2: np.int16, 4: np.int32, 8: np.int64}


def _float_total_order(x: np.ndarray) -> np.ndarray:
    """Integers ordered like the floats ``x`` in IEEE total order (-NaN < -inf < ... < NaN)."""
    ints = np.ascontiguousarray(x).view(_INT_OF_SIZE[x.dtype.itemsize])
    flip = np.array(np.iinfo(ints.dtype).max, ints.dtype)
    return np.where(ints < 0, ints ^ flip, ints)


def _canonicalize_float_for_sort(x: np.ndarray) -> np.ndarray:
    # -0.0 == 0.0 and every NaN equal (positive, so last), as JAX's sort comparator.
    x = np.where(x == 0, np.zeros((), x.dtype), x)
    return np.where(np.isnan(x), np.array(np.nan, x.dtype), x)


def _is_float(dtype) -> bool:
    return dtypes.issubdtype(dtype, np.floating)


def _sort_keys(x: np.ndarray) -> list:
    """Arrays whose lexicographic ascending order is JAX's sort order of ``x``."""
    if x.dtype.kind == "c":
        return [_float_total_order(_canonicalize_float_for_sort(part))
                for part in (x.real, x.imag)]
    if _is_float(x.dtype):
        return [_float_total_order(_canonicalize_float_for_sort(x))]
    if x.dtype == np.bool_:
        return [x.astype(np.uint8)]
    return [x]


def _top_k_key(x: np.ndarray) -> np.ndarray:
    if _is_float(x.dtype):
        return _float_total_order(x)
    if x.dtype == np.bool_:
        return x.astype(np.uint8)
    return x


def _stable_argsort(keys: list, axis: int) -> np.ndarray:
    """Stable ascending permutation along ``axis``, ``keys[0]`` primary."""
    if len(keys) == 1:
        return np.argsort(keys[0], axis=axis, kind="stable")
    moved = [np.moveaxis(k, axis, -1) for k in keys]
    perm = np.lexsort(moved[::-1], axis=-1)
    return np.moveaxis(perm, -1, axis)


def _descending_argsort(key: np.ndarray, axis: int) -> np.ndarray:
    """Stable descending permutation: equal keys keep the lower index first."""
    n = key.shape[axis]
    perm = np.argsort(np.flip(key, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(perm, axis)


# -- sort -----------------------------------------------------------------------------------

def sort(operand, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort ``operand`` (an array, or a sequence of arrays sorted together) along ``dimension``.

    With a sequence, the first ``num_keys`` arrays are the keys (lexicographic,
    first key primary) and every array is permuted the same way.  Floats sort
    with NaNs last and ``-0.0 == 0.0``; complex numbers lexicographically.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.sort(np.array([3., np.nan, 1., 2.], np.float32))
      Array([ 1.,  2.,  3., nan], dtype=float32)
      >>> keys, vals = lax.sort((np.array([2, 1, 2], np.int32),
      ...                        np.array([0., 1., 2.], np.float32)))
      >>> vals
      Array([1., 0., 2.], dtype=float32)
    """
    if isinstance(operand, Sequence):
        if len(operand) == 0:
            raise TypeError("Sort requires at least one operand")
        if not 1 <= num_keys <= len(operand):
            raise ValueError(f"num_keys={num_keys} must be between 1 and "
                             f"len(operand)={len(operand)}")
        dimension = _canonicalize_axis(dimension, len(get_aval(operand[0]).shape))
        return tuple(sort_p.bind(*operand, dimension=dimension, is_stable=bool(is_stable),
                                 num_keys=int(num_keys)))
    if num_keys != 1:
        raise ValueError(f"num_keys={num_keys} must equal 1 for a single operand.")
    dimension = _canonicalize_axis(dimension, len(get_aval(operand).shape))
    return sort_p.bind(operand, dimension=dimension, is_stable=bool(is_stable), num_keys=1)[0]


def sort_key_val(keys, values, dimension: int = -1, is_stable: bool = True):
    """Sort ``keys`` along ``dimension`` and apply the same permutation to ``values``.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> k, v = lax.sort_key_val(np.array([3, 1, 2], np.int32), np.array([0, 1, 2], np.int32))
      >>> v
      Array([1, 2, 0], dtype=int32)
    """
    dimension = _canonicalize_axis(dimension, len(get_aval(keys).shape))
    k, v = sort_p.bind(keys, values, dimension=dimension, is_stable=bool(is_stable), num_keys=1)
    return k, v


def _sort_abstract_eval(*avals, dimension, is_stable, num_keys):
    del is_stable  # unused
    if not avals:
        raise TypeError("Sort requires at least one operand")
    if any(a.shape != avals[0].shape for a in avals[1:]):
        shapes = " ".join(str(a.shape) for a in avals)
        raise TypeError(f"Arguments to sort must have equal shapes, got: {shapes}")
    if not 0 <= dimension < max(len(avals[0].shape), 1):
        raise ValueError(f"sort dimension {dimension} is out of bounds for shape "
                         f"{avals[0].shape}")
    if not 1 <= num_keys <= len(avals):
        raise ValueError(f"num_keys={num_keys} must be between 1 and {len(avals)}")
    for a in avals[:num_keys]:
        if isinstance(a.dtype, dtypes.ExtendedDType):  # keys have no order (JAX's comparator)
            raise TypeError(f"lt_to does not accept dtype {a.dtype} at position 0. Accepted "
                            "dtypes at position 0 are subtypes of integer, floating, bool.")
    return [ShapedArray(a.shape, a.dtype, a.weak_type) for a in avals]


def _numpy_orders_like_jax(dtype) -> bool:
    # NumPy's sort already puts NaNs last and keeps -0.0 == 0.0 ties stable for its own
    # dtypes; complex keys and ml_dtypes floats (bfloat16 ...) go through integer keys.
    return dtype.kind in "biuf" and dtype.type.__module__ == "numpy"


def _sort_impl(*operands, dimension, is_stable, num_keys):
    del is_stable  # unused: always stable
    if operands[0].ndim == 0:
        return [np.array(x) for x in operands]
    if num_keys == 1 and _numpy_orders_like_jax(operands[0].dtype):
        if len(operands) == 1:
            return [np.sort(operands[0], axis=dimension, kind="stable")]
        perm = np.argsort(operands[0], axis=dimension, kind="stable")
    else:
        keys = [k for x in operands[:num_keys] for k in _sort_keys(x)]
        perm = _stable_argsort(keys, dimension)
    return [np.take_along_axis(x, perm, dimension) for x in operands]


def _sort_jvp(primals, tangents, *, dimension, is_stable, num_keys):
    shape = get_aval(primals[0]).shape
    outs = sort_p.bind(*primals, _iota_along(shape, dimension), dimension=dimension,
                       is_stable=is_stable, num_keys=num_keys)
    perm = outs[-1]
    tangents_out = [t if type(t) is Zero else take_along_axis(t, perm, dimension)
                    for t in tangents]
    return outs[:-1], tangents_out


def _sort_batch_rule(axis_data, vals, dims, *, dimension, is_stable, num_keys):
    bdim = next(d for d in dims if d is not batching.not_mapped)
    new_vals = [batching.broadcast(v, axis_data.size, bdim) if d is batching.not_mapped
                else batching.moveaxis(v, d, bdim) for v, d in zip(vals, dims)]
    outs = sort_p.bind(*new_vals, dimension=dimension + (bdim <= dimension),
                       is_stable=is_stable, num_keys=num_keys)
    return outs, [bdim] * len(outs)


sort_p = Primitive("sort")
sort_p.multiple_results = True
sort_p.def_impl(_sort_impl)
sort_p.def_abstract_eval(_sort_abstract_eval)
sort_p.def_weak_type_rule(lambda weak_in, **_: list(weak_in))
ad.primitive_jvps[sort_p] = _sort_jvp
check_eagerly(sort_p)
batching.primitive_batchers[sort_p] = _sort_batch_rule


# -- top_k ----------------------------------------------------------------------------------

def top_k(operand, k: int, *, axis: int = -1):
    """The ``k`` largest entries of ``operand`` along ``axis`` and their int32 indices.

    Entries come in decreasing order; equal entries keep the lower index first.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> values, indices = lax.top_k(np.array([9., 3., 6., 4., 10.], np.float32), 3)
      >>> values
      Array([10.,  9.,  6.], dtype=float32)
      >>> indices
      Array([4, 0, 2], dtype=int32)
    """
    k = operator.index(k)
    if k < 0:
        raise ValueError(f"k argument to top_k must be nonnegative, got {k}")
    axis = _canonicalize_axis(axis, len(get_aval(operand).shape))
    values, indices = top_k_p.bind(operand, k=k, axis=axis)
    return values, indices


def _top_k_abstract_eval(operand, *, k, axis):
    if dtypes.issubdtype(operand.dtype, np.complexfloating):
        raise ValueError("top_k is not compatible with complex inputs.")
    if k < 0:
        raise ValueError(f"k argument to top_k must be nonnegative, got {k}")
    if len(operand.shape) == 0:
        raise TypeError(f"top_k operand must have >= 1 dimension, got {operand.shape}")
    if not 0 <= axis < len(operand.shape):
        raise ValueError(f"axis argument out of range: axis={axis} for "
                         f"operand.shape={operand.shape}")
    shape = list(operand.shape)
    if shape[axis] < k:
        raise ValueError(f"k argument to top_k must be no larger than size along axis; got "
                         f"k={k} with shape={shape} and axis={axis}")
    shape[axis] = k
    return [ShapedArray(shape, operand.dtype, operand.weak_type),
            ShapedArray(shape, np.int32, False)]


def _top_k_impl(operand, *, k, axis):
    perm = _descending_argsort(_top_k_key(operand), axis)
    idx = np.take(perm, np.arange(k), axis=axis)
    return [np.take_along_axis(operand, idx, axis), idx.astype(np.int32)]


def _top_k_jvp(primals, tangents, *, k, axis):
    (x,), (t,) = primals, tangents
    values, indices = top_k_p.bind(x, k=k, axis=axis)
    if type(t) is Zero:
        return [values, indices], [Zero.from_primal_value(values),
                                   Zero.from_primal_value(indices)]
    return [values, indices], [take_along_axis(t, indices, axis),
                               Zero.from_primal_value(indices)]


def _top_k_batch_rule(axis_data, vals, dims, *, k, axis):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    outs = top_k_p.bind(x, k=k, axis=axis + (d <= axis))
    return outs, [d, d]


top_k_p = Primitive("top_k")
top_k_p.multiple_results = True
top_k_p.def_impl(_top_k_impl)
top_k_p.def_abstract_eval(_top_k_abstract_eval)
top_k_p.def_weak_type_rule(lambda weak_in, **_: [bool(weak_in[0]), False])
ad.primitive_jvps[top_k_p] = _top_k_jvp
check_eagerly(top_k_p)
batching.primitive_batchers[top_k_p] = _top_k_batch_rule


# -- approx_max_k / approx_min_k ------------------------------------------------------------

def approx_max_k(operand, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True):
    """The ``k`` largest entries along ``reduction_dimension`` and their int32 indices.

    Notes:
      pyjax computes the exact top-k (recall 1, a valid answer for any
      ``recall_target``), as XLA does on CPU.  ``aggregate_to_topk=False``
      (returning the unaggregated TPU-style candidates) is not supported.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.approx_max_k(np.array([1., 5., 3.], np.float32), 2)[1]
      Array([1, 2], dtype=int32)
    """
    return approx_top_k_p.bind(
        operand, k=operator.index(k), reduction_dimension=operator.index(reduction_dimension),
        recall_target=float(recall_target), is_max_k=True,
        reduction_input_size_override=operator.index(reduction_input_size_override),
        aggregate_to_topk=bool(aggregate_to_topk))


def approx_min_k(operand, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True):
    """The ``k`` smallest entries along ``reduction_dimension`` and their int32 indices.

    Notes:
      Computed exactly, as ``approx_max_k``.
    """
    return approx_top_k_p.bind(
        operand, k=operator.index(k), reduction_dimension=operator.index(reduction_dimension),
        recall_target=float(recall_target), is_max_k=False,
        reduction_input_size_override=operator.index(reduction_input_size_override),
        aggregate_to_topk=bool(aggregate_to_topk))


def _approx_top_k_abstract_eval(operand, *, k, reduction_dimension, recall_target, is_max_k,
                                reduction_input_size_override, aggregate_to_topk):
    del is_max_k, reduction_input_size_override  # unused
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    if len(operand.shape) == 0:
        raise TypeError("approx_top_k operand must have >= 1 dimension, got ()")
    if not 0 < recall_target <= 1:
        raise ValueError(f"recall_target must be in (0, 1], got {recall_target}")
    axis = _canonicalize_axis(reduction_dimension, len(operand.shape))
    shape = list(operand.shape)
    if shape[axis] < k:
        raise ValueError(f"k must be smaller than the size of reduction_dim "
                         f"{shape[axis]}, got k={k}")
    if not aggregate_to_topk:
        raise NotImplementedError("approx_top_k with aggregate_to_topk=False is not "
                                  "supported by pyjax (it always aggregates to the top k)")
    if dtypes.issubdtype(operand.dtype, np.complexfloating):
        raise ValueError("approx_top_k is not compatible with complex inputs.")
    shape[axis] = k
    return [ShapedArray(shape, operand.dtype, operand.weak_type),
            ShapedArray(shape, np.int32, False)]


def _approx_top_k_impl(operand, *, k, reduction_dimension, recall_target, is_max_k,
                       reduction_input_size_override, aggregate_to_topk):
    del recall_target, reduction_input_size_override, aggregate_to_topk  # unused: exact
    axis = reduction_dimension % operand.ndim
    key = _top_k_key(operand)
    perm = (_descending_argsort(key, axis) if is_max_k
            else np.argsort(key, axis=axis, kind="stable"))
    idx = np.take(perm, np.arange(k), axis=axis)
    return [np.take_along_axis(operand, idx, axis), idx.astype(np.int32)]


def _approx_top_k_jvp(primals, tangents, **params):
    (x,), (t,) = primals, tangents
    values, indices = approx_top_k_p.bind(x, **params)
    zero_idx = Zero.from_primal_value(indices)
    if type(t) is Zero:
        return [values, indices], [Zero.from_primal_value(values), zero_idx]
    axis = params["reduction_dimension"] % len(get_aval(x).shape)
    return [values, indices], [take_along_axis(t, indices, axis), zero_idx]


def _approx_top_k_batch_rule(axis_data, vals, dims, *, reduction_dimension, **params):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    axis = reduction_dimension % (len(get_aval(x).shape) - 1)
    outs = approx_top_k_p.bind(x, reduction_dimension=axis + (d <= axis), **params)
    return outs, [d, d]


approx_top_k_p = Primitive("approx_top_k")
approx_top_k_p.multiple_results = True
approx_top_k_p.def_impl(_approx_top_k_impl)
approx_top_k_p.def_abstract_eval(_approx_top_k_abstract_eval)
approx_top_k_p.def_weak_type_rule(lambda weak_in, **_: [bool(weak_in[0]), False])
ad.primitive_jvps[approx_top_k_p] = _approx_top_k_jvp
check_eagerly(approx_top_k_p)
batching.primitive_batchers[approx_top_k_p] = _approx_top_k_batch_rule


__all__ = ["approx_max_k", "approx_min_k", "approx_top_k_p", "sort", "sort_key_val", "sort_p",
           "top_k", "top_k_p"]
