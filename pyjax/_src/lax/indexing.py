"""Gather and scatter: XLA's general indexed reads and writes.

    gather[dimension_numbers, slice_sizes, mode, fill_value, ...] :: (a[*s], i[*b, k]) -> a[*o]
    scatter*[dimension_numbers, mode, update_jaxpr, ...] :: (a[*s], i[*b, k], a[*u]) -> a[*s]

Conventions (JAX's): the index vector dimension is always the last axis of the
indices, so ``indices.shape[:-1]`` are the *batch* dims of a gather (the *scatter*
dims of a scatter).  ``operand_batching_dims``/``start_indices_batching_dims``
pair operand axes with index batch axes elementwise (this is how vmap batches a
gather/scatter whose operand and indices are both batched).

Out-of-bounds handling, ``GatherScatterMode``:
  * CLIP: start indices are clamped so the whole window is in bounds;
  * FILL_OR_DROP: a gathered window that is not wholly in bounds is ``fill_value``
    (default NaN / INT_MIN / UINT_MAX / True by dtype); a scattered window that is
    not wholly in bounds is dropped (the default for scatters);
  * PROMISE_IN_BOUNDS: what XLA does natively: gathers clamp, scatters drop (the
    default for ``lax.gather``).

Implementations are vectorized NumPy: every window becomes a block of fancy indices
(``_window_indices``); scatters combine with ``np.<ufunc>.at`` (``set`` is plain
assignment, where the last duplicate wins as on XLA:CPU).  The single-axis case
(``x[idx]``, ``take``) has a fast path through ``np.take``/slice assignment.

Rules: gather is linear in the operand (transpose: scatter-add); scatter-add and
scatter-sub are linear (transpose: gather); scatter-mul is linear in the operand;
scatter-min/max split the tangent evenly between tied winners; scatter (set) with
possibly duplicate indices uses JAX's scheme of scattering update ids to find the
winning update of each position.  Comparison and selection ops used by those rules
come from other family modules, looked up lazily (``_lax_fn``).
"""
from __future__ import annotations

import enum
from typing import Callable, NamedTuple, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.pretty import _pp_params, _pp_vars, concat, pp_eqn_rules, text
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.interpreters.transpose import is_undefined_primal
from pyjax._src.lax.elementwise import eager_checks
from pyjax._src.lax.helpers import (_num, check_dtype, check_same_dtypes,
                                    first_operand_weak_type_rule, standard_primitive)
from pyjax._src.lax.structural import (_aval_shape, _lax_fn, _zeros, broadcast_in_dim,
                                       concatenate, convert_element_type, expand_dims, full,
                                       iota)


# -- modes and dimension numbers --------------------------------------------------------------

class GatherScatterMode(enum.Enum):
    """How a gather or scatter treats out-of-bounds indices (see the module docstring).

    ``from_any`` accepts a mode, ``'clip'``, ``'fill'``/``'drop'``,
    ``'promise_in_bounds'``, ``'one_hot'`` or ``None`` (FILL_OR_DROP).
    """

    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3
    ONE_HOT = 4

    @staticmethod
    def from_any(s: "str | GatherScatterMode | None") -> "GatherScatterMode":
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


class GatherDimensionNumbers(NamedTuple):
    """How the dimensions of a gather's operand, indices and output correspond.

    offset_dims: output axes holding the (non-collapsed) slice axes, in operand order.
    collapsed_slice_dims: operand axes of slice size 1 that the output drops.
    start_index_map: operand axis that each component of an index vector addresses.
    operand_batching_dims / start_indices_batching_dims: operand axes paired with
      index batch axes (each output batch element reads its own operand slice).
    """

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How the dimensions of a scatter's operand, indices and updates correspond.

    update_window_dims: updates axes that are window axes (in operand order).
    inserted_window_dims: operand axes of window size 1 absent from the updates.
    scatter_dims_to_operand_dims: operand axis each index-vector component addresses.
    operand_batching_dims / scatter_indices_batching_dims: paired batch axes.
    """

    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


def _ints(xs) -> tuple[int, ...]:
    return tuple(int(x) for x in xs)


def _canonical_gather_dnums(dn) -> GatherDimensionNumbers:
    return GatherDimensionNumbers(*(_ints(f) for f in dn))


def _canonical_scatter_dnums(dn) -> ScatterDimensionNumbers:
    return ScatterDimensionNumbers(*(_ints(f) for f in dn))


def _default_fill_value(dtype):
    """NaN for inexact dtypes, the most negative signed / largest unsigned int, True."""
    if isinstance(dtype, dtypes.ExtendedDType):  # typed PRNG keys: their data's default
        return _default_fill_value(dtype._rules.physical_element_aval(dtype).dtype)
    if dtypes.issubdtype(dtype, np.inexact):
        return np.nan
    if dtypes.issubdtype(dtype, np.signedinteger):
        return int(dtypes.iinfo(dtype).min)
    if dtypes.issubdtype(dtype, np.unsignedinteger):
        return int(dtypes.iinfo(dtype).max)
    if dtype == np.bool_:
        return True
    raise TypeError(f"gather: no default fill value for dtype {dtype}")


def _gather_to_scatter_dnums(dn: GatherDimensionNumbers) -> ScatterDimensionNumbers:
    return ScatterDimensionNumbers(
        update_window_dims=dn.offset_dims, inserted_window_dims=dn.collapsed_slice_dims,
        scatter_dims_to_operand_dims=dn.start_index_map,
        operand_batching_dims=dn.operand_batching_dims,
        scatter_indices_batching_dims=dn.start_indices_batching_dims)


def _scatter_to_gather_dnums(dn: ScatterDimensionNumbers) -> GatherDimensionNumbers:
    return GatherDimensionNumbers(
        offset_dims=dn.update_window_dims, collapsed_slice_dims=dn.inserted_window_dims,
        start_index_map=dn.scatter_dims_to_operand_dims,
        operand_batching_dims=dn.operand_batching_dims,
        start_indices_batching_dims=dn.scatter_indices_batching_dims)


def _scatter_slice_sizes(operand_shape, updates_shape, dn: ScatterDimensionNumbers):
    """The gather slice sizes reading back the windows a scatter writes."""
    sizes, pos = [], 0
    for d in range(len(operand_shape)):
        if d in dn.inserted_window_dims or d in dn.operand_batching_dims:
            sizes.append(1)
        else:
            sizes.append(updates_shape[dn.update_window_dims[pos]])
            pos += 1
    return tuple(sizes)


# -- shared NumPy machinery ---------------------------------------------------------------------

def _window_starts(operand_shape, indices, index_map, operand_batching_dims,
                   indices_batching_dims) -> np.ndarray:
    """``(N, operand.ndim)`` window start of each of the N index vectors."""
    batch_shape = indices.shape[:-1]
    n = int(np.prod(batch_shape, dtype=np.int64))
    starts = np.zeros((n, len(operand_shape)), np.int64)
    if index_map:
        starts[:, list(index_map)] = indices.reshape(n, indices.shape[-1])
    if operand_batching_dims:
        pos = np.indices(batch_shape).reshape(len(batch_shape), n)
        for od, idim in zip(operand_batching_dims, indices_batching_dims):
            starts[:, od] = pos[idim]
    return starts


def _window_indices(starts, window_dims, window_sizes) -> tuple:
    """Fancy indices of every window: one array per operand axis, each broadcasting to
    ``(N, *window_sizes)``."""
    n = starts.shape[0]
    rank = len(window_dims)
    out = []
    for d in range(starts.shape[1]):
        col = starts[:, d].reshape((n,) + (1,) * rank)
        if d in window_dims:
            k = window_dims.index(d)
            shape = [1] * (rank + 1)
            shape[k + 1] = window_sizes[k]
            col = col + np.arange(window_sizes[k]).reshape(shape)
        out.append(col)
    return tuple(out)


def _in_bounds(starts, upper) -> np.ndarray:
    return np.all((starts >= 0) & (starts <= upper), axis=1)


def _batch_first_perm(n_batch: int, offset_dims) -> list[int] | None:
    """Permutation from the ``(*batch, *window)`` layout to gather's output layout."""
    rank = n_batch + len(offset_dims)
    perm, b, w = [], 0, 0
    for i in range(rank):
        if i in offset_dims:
            perm.append(n_batch + w)
            w += 1
        else:
            perm.append(b)
            b += 1
    return None if perm == list(range(rank)) else perm


# -- gather -------------------------------------------------------------------------------------

def gather(operand, start_indices, dimension_numbers: GatherDimensionNumbers,
           slice_sizes: Sequence[int], *, unique_indices: bool = False,
           indices_are_sorted: bool = False, mode=None, fill_value=None):
    """XLA's Gather: windows of ``operand`` of size ``slice_sizes`` at ``start_indices``.

    ``mode=None`` is PROMISE_IN_BOUNDS (indices are clamped, as XLA does); with
    ``'fill'`` out-of-bounds windows are ``fill_value`` (default: NaN for inexact
    dtypes, the most negative signed integer, the largest unsigned one, True).
    Prefer NumPy-style indexing (``x[idx]``) or ``x.at[idx].get(...)``.
    """
    parsed = (GatherScatterMode.PROMISE_IN_BOUNDS if mode is None
              else GatherScatterMode.from_any(mode))
    if parsed is GatherScatterMode.FILL_OR_DROP:
        if fill_value is None:
            fill_value = _default_fill_value(get_aval(operand).dtype)
    else:
        fill_value = None
    return gather_p.bind(operand, start_indices,
                         dimension_numbers=_canonical_gather_dnums(dimension_numbers),
                         slice_sizes=_ints(slice_sizes), unique_indices=bool(unique_indices),
                         indices_are_sorted=bool(indices_are_sorted), mode=parsed,
                         fill_value=fill_value)


def _sorted_unique(name, what, dims):
    if tuple(sorted(set(dims))) != tuple(dims):
        raise TypeError(f"{name} {what} must be sorted and have no repeated entries, got "
                        f"{what}={dims}.")


def _gather_shape_rule(operand, indices, *, dimension_numbers, slice_sizes, **_):
    dn = dimension_numbers
    if indices.ndim < 1:
        raise TypeError(f"gather indices must have rank at least 1 (the last axis holds the "
                        f"index vectors), got shape {indices.shape}.")
    if indices.shape[-1] != len(dn.start_index_map):
        raise TypeError(f"gather: the last axis of indices ({indices.shape[-1]}) must equal "
                        f"len(start_index_map) ({len(dn.start_index_map)}); indices shape "
                        f"{indices.shape}, start_index_map {dn.start_index_map}.")
    if len(slice_sizes) != operand.ndim:
        raise TypeError(f"gather slice_sizes must have the same length as the operand rank, "
                        f"got slice_sizes {slice_sizes} for operand shape {operand.shape}.")
    if any(not 0 <= s <= n for s, n in zip(slice_sizes, operand.shape)):
        raise TypeError(f"gather slice_sizes must be in range [0, operand shape], got "
                        f"slice_sizes {slice_sizes} for operand shape {operand.shape}.")
    _sorted_unique("gather", "offset_dims", dn.offset_dims)
    _sorted_unique("gather", "collapsed_slice_dims", dn.collapsed_slice_dims)
    _sorted_unique("gather", "operand_batching_dims", dn.operand_batching_dims)
    for d in dn.collapsed_slice_dims + dn.operand_batching_dims:
        if not 0 <= d < operand.ndim or slice_sizes[d] > 1:
            raise TypeError(f"gather collapsed_slice_dims and operand_batching_dims must be "
                            f"operand axes of slice size <= 1, got dimension {d} with "
                            f"slice_sizes {slice_sizes}.")
    if any(not 0 <= d < operand.ndim for d in dn.start_index_map):
        raise TypeError(f"gather start_index_map {dn.start_index_map} out of range for "
                        f"operand shape {operand.shape}.")
    if len(dn.operand_batching_dims) != len(dn.start_indices_batching_dims):
        raise TypeError("gather operand_batching_dims and start_indices_batching_dims must "
                        "have the same length.")
    for od, idim in zip(dn.operand_batching_dims, dn.start_indices_batching_dims):
        if not 0 <= idim < indices.ndim - 1 or operand.shape[od] != indices.shape[idim]:
            raise TypeError(f"gather batching dimensions must have equal sizes, got operand "
                            f"shape {operand.shape} and indices shape {indices.shape} for "
                            f"batching dims {dn.operand_batching_dims}, "
                            f"{dn.start_indices_batching_dims}.")
    window = [slice_sizes[d] for d in range(operand.ndim)
              if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    if len(window) != len(dn.offset_dims):
        raise TypeError(f"gather: len(offset_dims) ({len(dn.offset_dims)}) must equal the "
                        f"number of operand axes that are neither collapsed nor batching "
                        f"({len(window)}).")
    batch = list(indices.shape[:-1])
    rank = len(batch) + len(window)
    if any(not 0 <= d < rank for d in dn.offset_dims):
        raise TypeError(f"gather offset_dims {dn.offset_dims} out of range for output rank "
                        f"{rank}.")
    out, b, w = [], 0, 0
    for i in range(rank):
        if i in dn.offset_dims:
            out.append(window[w])
            w += 1
        else:
            out.append(batch[b])
            b += 1
    return tuple(out)


def _gather_dtype_rule(operand, indices, **_):
    if not dtypes.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"gather indices must have an integer type, got "
                        f"{indices.dtype.name}.")
    return operand.dtype


def _gather_impl(operand, indices, *, dimension_numbers, slice_sizes, unique_indices,
                 indices_are_sorted, mode, fill_value):
    del unique_indices, indices_are_sorted  # unused: hints for other backends
    dn = dimension_numbers
    if mode is GatherScatterMode.ONE_HOT:
        raise NotImplementedError("gather: mode ONE_HOT is not supported")
    fill = mode is GatherScatterMode.FILL_OR_DROP
    if fill and fill_value is None:  # bound directly, without the wrapper's default
        fill_value = _default_fill_value(operand.dtype)
    if operand.ndim == 0:
        return np.broadcast_to(operand, indices.shape[:-1]).copy()
    fast = _gather_take(operand, indices, dn, slice_sizes, fill, fill_value)
    if fast is not None:
        return fast
    batch_shape = indices.shape[:-1]
    starts = _window_starts(operand.shape, indices, dn.start_index_map,
                            dn.operand_batching_dims, dn.start_indices_batching_dims)
    upper = np.subtract(operand.shape, slice_sizes)
    ok = _in_bounds(starts, upper) if fill else None
    starts = np.clip(starts, 0, upper)
    window_dims = [d for d in range(operand.ndim)
                   if d not in dn.collapsed_slice_dims and d not in dn.operand_batching_dims]
    window_sizes = [slice_sizes[d] for d in window_dims]
    out = operand[_window_indices(starts, window_dims, window_sizes)]
    if fill:
        mask = ok.reshape((-1,) + (1,) * len(window_dims))
        out = np.where(mask, out, np.asarray(fill_value).astype(operand.dtype))
    out = out.reshape(tuple(batch_shape) + tuple(window_sizes))
    perm = _batch_first_perm(len(batch_shape), dn.offset_dims)
    return out if perm is None else np.transpose(out, perm)


def _gather_take(operand, indices, dn, slice_sizes, fill, fill_value):
    """Fast path: one indexed axis taken whole-slice (``x[idx]``, ``take``); else None."""
    if len(dn.start_index_map) != 1 or dn.operand_batching_dims:
        return None
    d = dn.start_index_map[0]
    if dn.collapsed_slice_dims != (d,) or slice_sizes[d] != 1 or any(
            s != n for j, (s, n) in enumerate(zip(slice_sizes, operand.shape)) if j != d):
        return None
    n = operand.shape[d]
    idx = indices[..., 0]
    batch_rank = idx.ndim
    if fill:
        ok = (idx >= 0) & (idx < n)
    idx = np.clip(idx, 0, n - 1)
    out = np.take(operand, idx, axis=d)
    if fill:
        mask = ok.reshape((1,) * d + ok.shape + (1,) * (operand.ndim - d - 1))
        out = np.where(mask, out, np.asarray(fill_value).astype(operand.dtype))
    # np.take's layout is (windows before d, batch, windows after d)
    rank = out.ndim
    perm, b, w = [], 0, 0
    for i in range(rank):
        if i in dn.offset_dims:
            perm.append(w if w < d else w + batch_rank)
            w += 1
        else:
            perm.append(d + b)
            b += 1
    return out if perm == list(range(rank)) else np.transpose(out, perm)


def _gather_jvp(primals, tangents, *, dimension_numbers, slice_sizes, unique_indices,
                indices_are_sorted, mode, fill_value):
    operand, indices = primals
    params = dict(dimension_numbers=dimension_numbers, slice_sizes=slice_sizes,
                  unique_indices=unique_indices, indices_are_sorted=indices_are_sorted,
                  mode=mode)
    out = gather_p.bind(operand, indices, fill_value=fill_value, **params)
    t = tangents[0]
    if type(t) is Zero:
        return out, Zero.from_primal_value(out)
    # out-of-bounds windows are constant: their tangent is 0, not the fill value
    t_fill = 0 if mode is GatherScatterMode.FILL_OR_DROP else None
    return out, gather_p.bind(t, indices, fill_value=t_fill, **params)


def _gather_transpose(ct, operand, indices, *, dimension_numbers, slice_sizes,
                      unique_indices, indices_are_sorted, mode, fill_value):
    del slice_sizes, fill_value  # unused
    aval = operand.aval
    if type(ct) is Zero:
        return [Zero(aval), None]
    zeros = _zeros(aval)
    out = scatter_add_p.bind(zeros, indices, ct,
                             dimension_numbers=_gather_to_scatter_dnums(dimension_numbers),
                             indices_are_sorted=indices_are_sorted,
                             unique_indices=unique_indices, mode=mode,
                             update_jaxpr=_combiner_jaxpr("add", aval.dtype), update_consts=())
    return [out, None]


def gather_batch_rule(axis_data, vals, dims, *, dimension_numbers, slice_sizes,
                      unique_indices, indices_are_sorted, mode, fill_value):
    """Batch a gather; also used for dynamic_slice with batched start indices."""
    (operand, indices), (op_d, idx_d) = vals, dims
    dn = dimension_numbers
    inc = lambda ds: tuple(d + 1 for d in ds)  # noqa: E731
    params = dict(unique_indices=unique_indices, indices_are_sorted=indices_are_sorted,
                  mode=mode, fill_value=fill_value)
    if idx_d is batching.not_mapped:
        # The batch axis becomes a leading window axis taken whole.
        operand = batching.moveaxis(operand, op_d, 0)
        new_dn = GatherDimensionNumbers(
            offset_dims=(0,) + inc(dn.offset_dims),
            collapsed_slice_dims=inc(dn.collapsed_slice_dims),
            start_index_map=inc(dn.start_index_map),
            operand_batching_dims=inc(dn.operand_batching_dims),
            start_indices_batching_dims=dn.start_indices_batching_dims)
        sizes = (_aval_shape(operand)[0],) + tuple(slice_sizes)
    elif op_d is batching.not_mapped:
        # A leading index batch axis becomes a leading output batch axis.
        indices = batching.moveaxis(indices, idx_d, 0)
        new_dn = dn._replace(offset_dims=inc(dn.offset_dims),
                             start_indices_batching_dims=inc(dn.start_indices_batching_dims))
        sizes = tuple(slice_sizes)
    else:
        operand = batching.moveaxis(operand, op_d, 0)
        indices = batching.moveaxis(indices, idx_d, 0)
        new_dn = GatherDimensionNumbers(
            offset_dims=inc(dn.offset_dims),
            collapsed_slice_dims=inc(dn.collapsed_slice_dims),
            start_index_map=inc(dn.start_index_map),
            operand_batching_dims=(0,) + inc(dn.operand_batching_dims),
            start_indices_batching_dims=(0,) + inc(dn.start_indices_batching_dims))
        sizes = (1,) + tuple(slice_sizes)
    out = gather_p.bind(operand, indices, dimension_numbers=new_dn, slice_sizes=sizes,
                        **params)
    return out, 0


gather_p = standard_primitive(_gather_shape_rule, _gather_dtype_rule, "gather",
                              first_operand_weak_type_rule)
gather_p.def_impl(_gather_impl)
ad.primitive_jvps[gather_p] = _gather_jvp
ad.primitive_transposes[gather_p] = _gather_transpose
batching.primitive_batchers[gather_p] = gather_batch_rule
eager_checks(gather_p, with_shapes=True)


# -- scatter family: shared rules -----------------------------------------------------------------

_COMBINER_CACHE: dict = {}


def _combiner_jaxpr(op_name: str, dtype):
    """The scalar ``update_jaxpr`` JAX records on scatters, e.g. ``{ lambda ; a b. add a b }``.

    ``op_name`` is a lax function name; None for ``scatter`` (set).
    """
    if op_name is None:
        return None
    key = (op_name, np.dtype(dtype))
    jaxpr = _COMBINER_CACHE.get(key)
    if jaxpr is None:
        from pyjax._src.interpreters.staging import trace_to_jaxpr
        fn = _lax_fn(op_name)
        aval = ShapedArray((), dtype)
        jaxpr, _ = trace_to_jaxpr(lambda x, y: [fn(x, y)], [aval, aval])
        _COMBINER_CACHE[key] = jaxpr
    return jaxpr


def _scatter_shape_rule(operand, indices, updates, *, dimension_numbers, **_):
    dn = dimension_numbers
    if indices.ndim < 1 or indices.shape[-1] != len(dn.scatter_dims_to_operand_dims):
        raise TypeError(f"scatter: the last axis of indices must equal "
                        f"len(scatter_dims_to_operand_dims) "
                        f"({len(dn.scatter_dims_to_operand_dims)}); got indices shape "
                        f"{indices.shape}.")
    _sorted_unique("scatter", "update_window_dims", dn.update_window_dims)
    _sorted_unique("scatter", "inserted_window_dims", dn.inserted_window_dims)
    _sorted_unique("scatter", "operand_batching_dims", dn.operand_batching_dims)
    window_dims = [d for d in range(operand.ndim)
                   if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims]
    if len(window_dims) != len(dn.update_window_dims):
        raise TypeError(f"scatter: len(update_window_dims) ({len(dn.update_window_dims)}) "
                        f"must equal the number of operand axes that are neither inserted "
                        f"nor batching ({len(window_dims)}).")
    batch = indices.shape[:-1]
    if updates.ndim != len(batch) + len(window_dims) or any(
            not 0 <= d < updates.ndim for d in dn.update_window_dims):
        raise TypeError(f"scatter updates shape {updates.shape} does not match indices shape "
                        f"{indices.shape} and update_window_dims {dn.update_window_dims}.")
    upd_batch = tuple(s for i, s in enumerate(updates.shape)
                      if i not in dn.update_window_dims)
    if upd_batch != tuple(batch):
        raise TypeError(f"scatter updates shape {updates.shape} does not match the batch "
                        f"shape {tuple(batch)} of indices shape {indices.shape}.")
    for k, d in enumerate(window_dims):
        if updates.shape[dn.update_window_dims[k]] > operand.shape[d]:
            raise TypeError(f"scatter update window of shape {updates.shape} is larger than "
                            f"operand shape {operand.shape} in dimension {d}.")
    for od, idim in zip(dn.operand_batching_dims, dn.scatter_indices_batching_dims,
                        strict=True):
        if operand.shape[od] != indices.shape[idim]:
            raise TypeError(f"scatter batching dimensions must have equal sizes, got operand "
                            f"shape {operand.shape} and indices shape {indices.shape}.")
    return operand.shape


def _scatter_dtype_rule_for(name: str, accepted):
    def rule(operand, indices, updates, **_):
        if not dtypes.issubdtype(indices.dtype, np.integer):
            raise TypeError(f"{name} indices must have an integer type, got "
                            f"{indices.dtype.name}.")
        check_same_dtypes(name, [operand, updates])
        if accepted is not None:
            check_dtype(name, operand.dtype, accepted)
        return operand.dtype
    return rule


def _scatter_impl_for(kind: str):
    """NumPy impl of a scatter; ``kind`` is set/add/sub/mul/min/max."""
    def impl(operand, indices, updates, *, dimension_numbers, indices_are_sorted,
             unique_indices, mode, update_jaxpr, update_consts):
        del indices_are_sorted, unique_indices  # unused: hints for other backends
        if mode is GatherScatterMode.ONE_HOT:
            raise NotImplementedError("scatter: mode ONE_HOT is not supported")
        dn = dimension_numbers
        if operand.ndim == 0:  # give the operand a unit axis so fancy indexing applies
            dn1 = dn._replace(inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,))
            zeros = np.zeros(indices.shape[:-1] + (1,), indices.dtype)
            out = impl(operand.reshape(1), zeros, updates, dimension_numbers=dn1,
                       indices_are_sorted=False, unique_indices=False, mode=mode,
                       update_jaxpr=update_jaxpr, update_consts=update_consts)
            return out.reshape(())
        out = np.array(operand, copy=True)
        if kind == "set" and update_jaxpr is not None:
            return _scatter_apply_impl(out, indices, updates, dn, mode, update_jaxpr,
                                       update_consts)
        if _scatter_axis_fast(out, indices, updates, dn, mode, kind):
            return out
        idx, upd = _scatter_targets(out.shape, indices, updates, dn, mode)
        _combine(kind, out, idx, upd)
        return out
    return impl


_UFUNCS = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "min": np.minimum,
           "max": np.maximum}


def _combine(kind, out, idx, upd):
    if kind == "set":
        out[idx] = upd  # duplicates: the last write wins, as on XLA:CPU
    elif out.dtype == np.bool_ and kind in ("add", "sub", "mul"):
        raise TypeError(f"scatter-{kind} does not accept dtype bool")
    else:
        _UFUNCS[kind].at(out, idx, upd)


def _updates_batch_first(updates, dn):
    """Updates as ``(N, *window_sizes)``: scatter axes first (flattened), window after."""
    scatter_axes = [i for i in range(updates.ndim) if i not in dn.update_window_dims]
    order = scatter_axes + list(dn.update_window_dims)
    if order != list(range(updates.ndim)):
        updates = np.transpose(updates, order)
    window_sizes = updates.shape[len(scatter_axes):]
    return updates.reshape((-1,) + tuple(window_sizes)), tuple(window_sizes)


def _scatter_targets(shape, indices, updates, dn, mode):
    """Fancy indices of every in-bounds update element, and the matching updates."""
    upd, window_sizes = _updates_batch_first(updates, dn)
    window_dims = [d for d in range(len(shape))
                   if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims]
    full_window = np.ones(len(shape), np.int64)
    full_window[window_dims] = window_sizes
    starts = _window_starts(shape, indices, dn.scatter_dims_to_operand_dims,
                            dn.operand_batching_dims, dn.scatter_indices_batching_dims)
    upper = np.subtract(shape, full_window)
    if mode is GatherScatterMode.CLIP:
        starts = np.clip(starts, 0, upper)
    else:  # FILL_OR_DROP and PROMISE_IN_BOUNDS: windows not wholly in bounds are dropped
        ok = _in_bounds(starts, upper)
        if not ok.all():
            starts, upd = starts[ok], upd[ok]
    return _window_indices(starts, window_dims, list(window_sizes)), upd


def _scatter_axis_fast(out, indices, updates, dn, mode, kind) -> bool:
    """Fast path (in place on ``out``): one indexed axis, whole slices; True if taken."""
    if len(dn.scatter_dims_to_operand_dims) != 1 or dn.operand_batching_dims:
        return False
    d = dn.scatter_dims_to_operand_dims[0]
    if dn.inserted_window_dims != (d,):
        return False
    upd, window_sizes = _updates_batch_first(updates, dn)
    if tuple(window_sizes) != out.shape[:d] + out.shape[d + 1:]:
        return False
    n = out.shape[d]
    idx = indices.reshape(-1)
    if mode is GatherScatterMode.CLIP:
        idx = np.clip(idx, 0, n - 1)
    else:
        ok = (idx >= 0) & (idx < n)
        if not ok.all():
            idx, upd = idx[ok], upd[ok]
    key = (slice(None),) * d + (idx,)
    _combine(kind, out, key, np.moveaxis(upd, 0, d) if d else upd)
    return True


def _scatter_apply_impl(out, indices, updates, dn, mode, update_jaxpr, update_consts):
    """``out[i] = f(out[i], u)`` for each update in order (duplicates apply f repeatedly)."""
    idx, upd = _scatter_targets(out.shape, indices, updates, dn, mode)
    positions = np.broadcast_arrays(*idx)
    lin = np.ravel_multi_index(positions, out.shape).reshape(-1)
    upd = np.broadcast_to(upd, positions[0].shape).reshape(-1)
    # Apply in rounds: round r handles each position's r-th update, so each round has
    # unique positions and can be vectorized.
    order = np.argsort(lin, kind="stable")
    sorted_lin = lin[order]
    first = np.r_[True, sorted_lin[1:] != sorted_lin[:-1]] if lin.size else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(first, np.arange(lin.size), 0))
    rank = np.empty(lin.size, np.int64)
    rank[order] = np.arange(lin.size) - group_start
    flat = out.reshape(-1)
    fn = _vectorized_jaxpr_fn(update_jaxpr, update_consts)
    for r in range(int(rank.max()) + 1 if lin.size else 0):
        sel = rank == r
        pos = lin[sel]
        flat[pos] = fn(flat[pos], upd[sel])
    return out


def _vectorized_jaxpr_fn(jaxpr, consts) -> Callable:
    """A NumPy function applying a scalar ``(x, u) -> y`` jaxpr elementwise (via vmap)."""
    from pyjax._src.core.jaxpr import eval_jaxpr

    def fn(x, u):
        if x.size == 0:
            return x
        outs, _ = batching.batch_flat(
            lambda a, b: eval_jaxpr(jaxpr, list(consts), a, b),
            batching.AxisData(None, x.shape[0]), [x, u], [0, 0], [0])
        return np.asarray(outs[0])
    return fn


def _scatter_params(dimension_numbers, indices_are_sorted, unique_indices, mode,
                    update_jaxpr, update_consts):
    return dict(dimension_numbers=dimension_numbers, indices_are_sorted=indices_are_sorted,
                unique_indices=unique_indices, mode=mode, update_jaxpr=update_jaxpr,
                update_consts=update_consts)


def _gather_back(x, indices, updates_shape, *, dimension_numbers, indices_are_sorted,
                 unique_indices, mode, fill_value=0, **_):
    """Gather the windows a scatter with these params writes (fill 0 when dropped)."""
    gdn = _scatter_to_gather_dnums(dimension_numbers)
    sizes = _scatter_slice_sizes(_aval_shape(x), updates_shape, dimension_numbers)
    return gather(x, indices, gdn, sizes, unique_indices=unique_indices,
                  indices_are_sorted=indices_are_sorted, mode=mode,
                  fill_value=fill_value if mode is GatherScatterMode.FILL_OR_DROP else None)


def scatter_batch_rule(prim, axis_data, vals, dims, *, dimension_numbers, **params):
    """Batch a scatter through batching dims (every operand moved/broadcast to axis 0)."""
    size = axis_data.size
    operand, indices, updates = (batching.bdim_at_front(v, d, size)
                                 for v, d in zip(vals, dims))
    dn = dimension_numbers
    inc = lambda ds: tuple(d + 1 for d in ds)  # noqa: E731
    new_dn = ScatterDimensionNumbers(
        update_window_dims=inc(dn.update_window_dims),
        inserted_window_dims=inc(dn.inserted_window_dims),
        scatter_dims_to_operand_dims=inc(dn.scatter_dims_to_operand_dims),
        operand_batching_dims=(0,) + inc(dn.operand_batching_dims),
        scatter_indices_batching_dims=(0,) + inc(dn.scatter_indices_batching_dims))
    return prim.bind(operand, indices, updates, dimension_numbers=new_dn, **params), 0


def _pp_scatter(eqn, ctx):
    # JAX names the output before the variables of ``update_jaxpr``
    lhs = _pp_vars(eqn.outvars, ctx, print_shapes=True)
    params = _pp_params(eqn.params, ctx)
    return concat(lhs, text(" = "), text(eqn.primitive.name), params, text(" "),
                  _pp_vars(eqn.invars, ctx))


def _define_scatter(name: str, kind: str, accepted) -> Primitive:
    prim = standard_primitive(_scatter_shape_rule, _scatter_dtype_rule_for(name, accepted),
                              name, first_operand_weak_type_rule)
    prim.def_impl(_scatter_impl_for(kind))
    eager_checks(prim, with_shapes=True)
    pp_eqn_rules[prim] = _pp_scatter
    batching.primitive_batchers[prim] = (
        lambda axis_data, vals, dims, **params: scatter_batch_rule(prim, axis_data, vals, dims,
                                                                   **params))
    return prim


def _linear_scatter_jvp(prim):
    def rule(primals, tangents, **params):
        operand, indices, updates = primals
        t_op, _, t_upd = tangents
        out = prim.bind(operand, indices, updates, **params)
        if type(t_op) is Zero and type(t_upd) is Zero:
            return out, Zero.from_primal_value(out)
        return out, prim.bind(instantiate_zeros(t_op), indices, instantiate_zeros(t_upd),
                              **params)
    return rule


def _wrapper(prim, combiner: str | None, operand, scatter_indices, updates, dimension_numbers,
             indices_are_sorted, unique_indices, mode):
    dtype = get_aval(operand).dtype
    return prim.bind(operand, scatter_indices, updates,
                     dimension_numbers=_canonical_scatter_dnums(dimension_numbers),
                     indices_are_sorted=bool(indices_are_sorted),
                     unique_indices=bool(unique_indices),
                     mode=GatherScatterMode.from_any(mode),
                     update_jaxpr=_combiner_jaxpr(combiner, dtype), update_consts=())


# -- scatter-add / scatter-sub ------------------------------------------------------------------

def scatter_add(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter with addition: duplicates accumulate; out-of-bounds windows are
    dropped by default (``mode='clip'`` clamps them)."""
    return _wrapper(scatter_add_p, "add", operand, scatter_indices, updates,
                    dimension_numbers, indices_are_sorted, unique_indices, mode)


def _scatter_add_transpose(ct, operand, indices, updates, **params):
    upd_aval = updates.aval if is_undefined_primal(updates) else get_aval(updates)
    if type(ct) is Zero:
        return [Zero(operand.aval) if is_undefined_primal(operand) else None, None,
                Zero(upd_aval) if is_undefined_primal(updates) else None]
    ct_op = ct if is_undefined_primal(operand) else None
    ct_upd = None
    if is_undefined_primal(updates):
        ct_upd = _gather_back(ct, indices, upd_aval.shape, **params)
    return [ct_op, None, ct_upd]


scatter_add_p = _define_scatter("scatter-add", "add", _num)
ad.primitive_jvps[scatter_add_p] = _linear_scatter_jvp(scatter_add_p)
ad.primitive_transposes[scatter_add_p] = _scatter_add_transpose


def scatter_sub(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter with subtraction (``operand[i] -= update``)."""
    return _wrapper(scatter_sub_p, "sub", operand, scatter_indices, updates,
                    dimension_numbers, indices_are_sorted, unique_indices, mode)


def _scatter_sub_transpose(ct, operand, indices, updates, **params):
    from pyjax._src.lax.elementwise import neg
    cts = _scatter_add_transpose(ct, operand, indices, updates, **params)
    if cts[2] is not None and type(cts[2]) is not Zero:
        cts[2] = neg(cts[2])
    return cts


scatter_sub_p = _define_scatter("scatter-sub", "sub", _num)
ad.primitive_jvps[scatter_sub_p] = _linear_scatter_jvp(scatter_sub_p)
ad.primitive_transposes[scatter_sub_p] = _scatter_sub_transpose


# -- scatter-mul ------------------------------------------------------------------------------

def scatter_mul(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter with multiplication (``operand[i] *= update``)."""
    return _wrapper(scatter_mul_p, "mul", operand, scatter_indices, updates,
                    dimension_numbers, indices_are_sorted, unique_indices, mode)


def _scatter_mul_jvp(primals, tangents, **params):
    from pyjax._src.lax.elementwise import mul
    operand, indices, updates = primals
    t_op, _, t_upd = tangents
    out = scatter_mul_p.bind(operand, indices, updates, **params)
    tangent = Zero.from_primal_value(out)
    if type(t_op) is not Zero:
        tangent = scatter_mul_p.bind(t_op, indices, updates, **params)
    if type(t_upd) is not Zero:
        if not params["unique_indices"]:
            raise NotImplementedError(
                "scatter_mul gradients are only implemented if `unique_indices=True`")
        add_params = dict(params, update_jaxpr=_combiner_jaxpr("add", get_aval(out).dtype))
        spread = scatter_add_p.bind(_zeros(operand), indices, t_upd, **add_params)
        term = mul(operand, spread)
        tangent = term if type(tangent) is Zero else ad.add_tangents(tangent, term)
    return out, tangent


def _scatter_mul_transpose(ct, operand, indices, updates, **params):
    if is_undefined_primal(updates):
        raise NotImplementedError("scatter_mul gradients with respect to the updates are "
                                  "only implemented through its JVP with "
                                  "`unique_indices=True`")
    if type(ct) is Zero:
        return [Zero(operand.aval), None, None]
    return [scatter_mul_p.bind(ct, indices, updates, **params), None, None]


scatter_mul_p = _define_scatter("scatter-mul", "mul", _num)
ad.primitive_jvps[scatter_mul_p] = _scatter_mul_jvp
ad.primitive_transposes[scatter_mul_p] = _scatter_mul_transpose


# -- scatter-min / scatter-max ----------------------------------------------------------------

def scatter_min(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter with minimum (``operand[i] = min(operand[i], update)``)."""
    return _wrapper(scatter_min_p, "min", operand, scatter_indices, updates,
                    dimension_numbers, indices_are_sorted, unique_indices, mode)


def scatter_max(operand, scatter_indices, updates, dimension_numbers, *,
                indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter with maximum (``operand[i] = max(operand[i], update)``)."""
    return _wrapper(scatter_max_p, "max", operand, scatter_indices, updates,
                    dimension_numbers, indices_are_sorted, unique_indices, mode)


def _scatter_extremal_jvp(prim):
    """Tangent of min/max scatters: the mean of the tangents of all tied winners."""
    def rule(primals, tangents, **params):
        from pyjax._src.lax.elementwise import div, mul
        operand, indices, updates = primals
        t_op, _, t_upd = tangents
        out = prim.bind(operand, indices, updates, **params)
        if type(t_op) is Zero and type(t_upd) is Zero:
            return out, Zero.from_primal_value(out)
        dtype = get_aval(out).dtype
        eq = _lax_fn("eq")
        upd_shape = _aval_shape(updates)
        add_params = dict(params, update_jaxpr=_combiner_jaxpr("add", dtype))
        # which updates / operand entries reach the result (a NaN fill never matches)
        back = _gather_back(out, indices, upd_shape, fill_value=np.nan, **params)
        upd_wins = convert_element_type(eq(updates, back), dtype)
        op_wins = convert_element_type(eq(operand, out), dtype)
        count = scatter_add_p.bind(op_wins, indices, upd_wins, **add_params)
        num = mul(op_wins, instantiate_zeros(t_op))
        num = scatter_add_p.bind(num, indices, mul(upd_wins, instantiate_zeros(t_upd)),
                                 **add_params)
        return out, div(num, count)
    return rule


scatter_min_p = _define_scatter("scatter-min", "min", None)
ad.primitive_jvps[scatter_min_p] = _scatter_extremal_jvp(scatter_min_p)
scatter_max_p = _define_scatter("scatter-max", "max", None)
ad.primitive_jvps[scatter_max_p] = _scatter_extremal_jvp(scatter_max_p)


# -- scatter (set) and scatter_apply --------------------------------------------------------------

def scatter(operand, scatter_indices, updates, dimension_numbers, *,
            indices_are_sorted: bool = False, unique_indices: bool = False, mode=None):
    """XLA's Scatter replacing values: ``operand[i] = update``.

    With duplicate indices one of the updates wins (the last one, as on XLA:CPU).
    """
    return _wrapper(scatter_p, None, operand, scatter_indices, updates, dimension_numbers,
                    indices_are_sorted, unique_indices, mode)


def scatter_apply(operand, scatter_indices, func: Callable, dimension_numbers, *,
                  update_shape: Sequence[int] = (), indices_are_sorted: bool = False,
                  unique_indices: bool = False, mode=None):
    """``operand[i] = func(operand[i])`` at each scattered position (``func`` is applied
    once per index, so duplicate indices apply it repeatedly)."""
    from pyjax._src.interpreters.staging import trace_to_jaxpr
    dtype = get_aval(operand).dtype
    unused = full(tuple(update_shape), 0, dtype)
    aval = ShapedArray((), dtype)
    jaxpr, consts = trace_to_jaxpr(lambda x, _: [func(x)], [aval, aval])
    return scatter_p.bind(operand, scatter_indices, unused,
                          dimension_numbers=_canonical_scatter_dnums(dimension_numbers),
                          indices_are_sorted=bool(indices_are_sorted),
                          unique_indices=bool(unique_indices),
                          mode=GatherScatterMode.from_any(mode), update_jaxpr=jaxpr,
                          update_consts=tuple(consts))


def _scatter_jvp(primals, tangents, *, update_jaxpr, update_consts, **params):
    operand, indices, updates = primals
    t_op, _, t_upd = tangents
    if update_jaxpr is not None:
        raise NotImplementedError("scatter_apply JVP not implemented")
    params = dict(params, update_jaxpr=None, update_consts=update_consts)
    out = scatter_p.bind(operand, indices, updates, **params)
    if type(t_op) is Zero and type(t_upd) is Zero:
        return out, Zero.from_primal_value(out)
    if params["unique_indices"]:
        return out, scatter_p.bind(instantiate_zeros(t_op), indices, instantiate_zeros(t_upd),
                                   **params)
    return out, _scatter_jvp_with_ids(operand, indices, updates, t_op, t_upd, params)


def _scatter_jvp_with_ids(operand, indices, updates, t_op, t_upd, params):
    """Tangent of a scatter whose indices may repeat (JAX's scheme).

    Scatter an id per update window; reading the ids back shows which update won each
    position (and which operand entries were overwritten).  The tangent is then a
    scatter-add of the masked tangents, which needs no scatter transpose rule.
    """
    select_n, eq = _lax_fn("select_n"), _lax_fn("eq")
    dn = params["dimension_numbers"]
    upd_shape = _aval_shape(updates)
    id_dtype = np.dtype(np.int32)
    scatter_axes = [i for i in range(len(upd_shape)) if i not in dn.update_window_dims]
    n_ids = int(np.prod([upd_shape[i] for i in scatter_axes], dtype=np.int64))
    ids_shape = tuple(1 if i in dn.update_window_dims else upd_shape[i]
                      for i in range(len(upd_shape)))
    from pyjax._src.lax.elementwise import add
    from pyjax._src.lax.structural import reshape
    ids = add(reshape(iota(id_dtype, n_ids), ids_shape), np.ones((), id_dtype))
    ids = broadcast_in_dim(ids, upd_shape, tuple(range(len(upd_shape))))
    scattered = scatter_p.bind(_zeros(operand, dtype=id_dtype), indices, ids, **params)
    won = eq(ids, _gather_back(scattered, indices, upd_shape, fill_value=0, **params))
    kept = eq(scattered, np.zeros((), id_dtype))
    add_params = dict(params, update_jaxpr=_combiner_jaxpr("add", get_aval(operand).dtype))
    t_op = instantiate_zeros(t_op)
    t_upd = instantiate_zeros(t_upd)
    t_op = select_n(kept, _zeros(t_op), t_op)
    t_upd = select_n(won, _zeros(t_upd), t_upd)
    return scatter_add_p.bind(t_op, indices, t_upd, **add_params)


def _scatter_transpose(ct, operand, indices, updates, *, update_jaxpr, update_consts,
                       **params):
    if update_jaxpr is not None:
        raise NotImplementedError("scatter_apply transpose not implemented")
    if not params["unique_indices"]:
        raise NotImplementedError("scatter transpose is only implemented where "
                                  "unique_indices=True")
    upd_aval = updates.aval if is_undefined_primal(updates) else get_aval(updates)
    if type(ct) is Zero:
        return [Zero(operand.aval) if is_undefined_primal(operand) else None, None,
                Zero(upd_aval) if is_undefined_primal(updates) else None]
    full_params = dict(params, update_jaxpr=None, update_consts=update_consts)
    ct_op = ct_upd = None
    if is_undefined_primal(operand):
        ct_op = scatter_p.bind(ct, indices, _zeros(upd_aval), **full_params)
    if is_undefined_primal(updates):
        ct_upd = _gather_back(ct, indices, upd_aval.shape, **full_params)
    return [ct_op, None, ct_upd]


scatter_p = _define_scatter("scatter", "set", None)
ad.primitive_jvps[scatter_p] = _scatter_jvp
ad.primitive_transposes[scatter_p] = _scatter_transpose


# -- index_take ---------------------------------------------------------------------------------

def index_take(src, idxs, axes: Sequence[int]):
    """``src`` indexed by the 1-D integer arrays ``idxs`` along ``axes`` (wrapping negative
    and out-of-range indices modulo the axis size)."""
    from pyjax._src.lax.elementwise import add
    axes = _ints(axes)
    shape = _aval_shape(src)
    cols = []
    for i, ax in zip(idxs, axes, strict=True):
        n = shape[ax]
        if isinstance(i, (np.ndarray, list, tuple)):
            i = np.mod(np.asarray(i), n)
        else:
            dtype = get_aval(i).dtype
            size = np.array(n, dtype)
            r = _lax_fn("rem")(i, size)
            i = _lax_fn("select_n")(_lax_fn("lt")(r, np.zeros((), dtype)), r, add(r, size))
        cols.append(expand_dims(i, (1,)))
    indices = concatenate(cols, 1)
    slice_sizes = list(shape)
    for ax in axes:
        slice_sizes[ax] = 1
    offset_dims = tuple(range(1, len(shape) - len(axes) + 1))
    dnums = GatherDimensionNumbers(offset_dims=offset_dims, collapsed_slice_dims=axes,
                                   start_index_map=axes)
    return gather(src, indices, dnums, tuple(slice_sizes))


__all__ = [
    "GatherScatterMode", "GatherDimensionNumbers", "ScatterDimensionNumbers", "gather",
    "gather_p", "scatter", "scatter_p", "scatter_add", "scatter_add_p", "scatter_sub",
    "scatter_sub_p", "scatter_mul", "scatter_mul_p", "scatter_min", "scatter_min_p",
    "scatter_max", "scatter_max_p", "scatter_apply", "index_take",
]
