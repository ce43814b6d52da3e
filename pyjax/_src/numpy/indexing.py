"""NumPy-style indexing of pyjax arrays: ``x[idx]``, ``x.at[idx].<op>(...)``.

(``take`` & co. are in take_put.py.)

Entry points for the array-methods layer (installed there, not here):

    Array.__getitem__ = getitem                 # x[idx]
    Array.at = property(AtIndexer)              # x.at[idx].set(y), .get(mode=...), ...

Lowering of ``x[idx]`` (the index is first normalized by ``_parse_index``: Ellipsis
expanded, boolean masks turned into integer arrays, one entry per operand axis):

  * only static ints (in bounds), static slices, None -> ``slice`` (+ ``rev`` for
    negative steps, ``squeeze`` for ints, ``broadcast_in_dim`` for None), as JAX;
  * scalar integer indices that are traced or out of bounds, and no arrays ->
    ``dynamic_slice`` (which clamps: ``x[10]`` is the last row);
  * integer arrays -> one ``gather`` (``_index_to_gather``), NumPy's advanced
    indexing rules included (separated advanced indices move to the front).

Out-of-bounds reads clamp (gather mode PROMISE_IN_BOUNDS, as JAX); ``.at[...]``
updates lower to scatters whose default mode drops out-of-bounds updates.  Slice
bounds must be static (``IndexError`` otherwise); boolean masks must be concrete
(``NonConcreteBooleanIndexError``).  Eager calls with static basic indices take a
fast path straight to NumPy views / in-place updates of a copy, with the same results.
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, NamedTuple

import numpy as np

from pyjax._src import dtypes, errors, mutable_refs
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.backend.dispatch import to_numpy
from pyjax._src.core import trace as trace_mod
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import get_aval
from pyjax._src.core.trace import Tracer
from pyjax._src.lax import indexing as lax_indexing
from pyjax._src.lax import slicing as lax_slicing
from pyjax._src.lax.indexing import GatherDimensionNumbers, GatherScatterMode
from pyjax._src.lax.structural import (_convert_impl, _convert_to_weak, broadcast_in_dim,
                                       concatenate, expand_dims, full_like, reshape, rev,
                                       squeeze)
from pyjax._src.numpy.util import asarray, check_arraylike


def _non_tuple_message(idx: list) -> str:
    # a list of index-like things reads as a tuple of indices; otherwise as an array
    nested = any(isinstance(i, (list, tuple, slice, np.ndarray, Array)) or i is None or
                 i is Ellipsis for i in idx)
    fix = "tuple" if nested else "array"
    return (f"Using a non-tuple sequence for multidimensional indexing is not allowed; use "
            f"`arr[{fix}(seq)]` instead of `arr[seq]`. See "
            f"https://github.com/jax-ml/jax/issues/4564 for more information.")


# -- index normalization ----------------------------------------------------------------------

class _Slice(NamedTuple):
    dim: int
    start: int
    length: int
    step: int


class _Int(NamedTuple):        # a static integer (not yet wrapped or clamped)
    dim: int
    value: int


class _Dyn(NamedTuple):        # a traced integer scalar
    dim: int
    value: Any


class _Arr(NamedTuple):        # an integer array (NumPy, concrete or traced pyjax array)
    dim: int
    value: Any


class _NewAxis(NamedTuple):    # None (and the boolean scalar True; ``empty`` for False)
    empty: bool = False


def _static_int(x) -> int | None:
    """``x`` as a Python int if it is a concrete integer scalar (not bool), else None."""
    t = type(x)
    if t is int:
        return x
    if isinstance(x, np.integer):
        return int(x)
    if t is ArrayImpl or isinstance(x, np.ndarray):
        v = np.asarray(x)
        if v.shape == () and v.dtype.kind in "iu":
            return int(v)
    return None


def _slice_part(x, idx, pos):
    if x is None:
        return None
    v = _static_int(x)
    if v is None:
        raise IndexError(f"Slice entries must be static integers. Got {idx} at position {pos}")
    return v


def _classify(item, pos: int) -> tuple:
    """One index element as ``(kind, value)``; kind is none/ellipsis/slice/int/dyn/arr/mask."""
    if item is None:
        return ("none", False)
    if item is Ellipsis:
        return ("ellipsis", None)
    if isinstance(item, slice):
        parts = tuple(_slice_part(p, item, pos) for p in (item.start, item.stop, item.step))
        if parts[2] == 0:
            raise ValueError("slice step cannot be zero")
        return ("slice", slice(*parts))
    if isinstance(item, (bool, np.bool_)):
        return ("none", not bool(item))
    if isinstance(item, str):
        raise TypeError(f"JAX does not support string indexing; got idx={item!r}")
    if isinstance(item, (list, tuple)):
        item = np.asarray(item)
        if item.size == 0:
            item = item.astype(np.int32)
    if isinstance(item, (float, complex)):
        raise TypeError(f"Indexer must have integer or boolean type, got indexer with type "
                        f"{np.dtype(type(item)).name}")
    if not isinstance(item, (int, np.integer, np.ndarray, np.generic, Array)):
        raise TypeError(f"Indexer must have integer or boolean type, got indexer with type "
                        f"{type(item).__name__}")
    aval = get_aval(item)
    if aval.dtype == np.bool_:
        return ("mask", item)
    if not dtypes.issubdtype(aval.dtype, np.integer):
        raise TypeError(f"Indexer must have integer or boolean type, got indexer with type "
                        f"{aval.dtype.name}")
    if aval.shape == ():
        v = _static_int(item)
        return ("int", v) if v is not None else ("dyn", item)
    return ("arr", item)


def _concrete_mask(mask) -> np.ndarray:
    if isinstance(mask, Tracer):
        val = mask.to_concrete_value()
        if val is None:
            raise errors.NonConcreteBooleanIndexError(mask)
        mask = val
    return np.asarray(mask)


def _parse_index(shape, idx) -> list:
    """Normalize ``idx`` for an array of ``shape``: a list of entries, one per operand axis
    (``_Slice``/``_Int``/``_Dyn``/``_Arr``) plus ``_NewAxis`` for new axes."""
    if isinstance(idx, list):
        raise TypeError(_non_tuple_message(idx))
    if not isinstance(idx, tuple):
        idx = (idx,)
    raw = [_classify(item, pos) for pos, item in enumerate(idx)]
    ndim = len(shape)
    used = sum(1 if r[0] in ("slice", "int", "dyn", "arr") else
               np.ndim(r[1]) if r[0] == "mask" else 0 for r in raw)
    n_ellipsis = sum(r[0] == "ellipsis" for r in raw)
    if n_ellipsis > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if used > ndim:
        raise IndexError(f"Too many indices: array is {ndim}-dimensional, but {used} were "
                         f"indexed")
    fill = [("slice", slice(None))] * (ndim - used)
    if n_ellipsis:
        at = next(i for i, r in enumerate(raw) if r[0] == "ellipsis")
        raw = raw[:at] + fill + raw[at + 1:]
    else:
        raw = raw + fill
    entries, dim = [], 0
    for pos, r in enumerate(raw):
        kind = r[0]
        if kind == "none":
            entries.append(_NewAxis(r[1]))
        elif kind == "slice":
            start, stop, step = r[1].indices(shape[dim])
            entries.append(_Slice(dim, start, len(range(start, stop, step)), step))
            dim += 1
        elif kind == "int":
            entries.append(_Int(dim, r[1]))
            dim += 1
        elif kind == "dyn":
            entries.append(_Dyn(dim, r[1]))
            dim += 1
        elif kind == "arr":
            entries.append(_Arr(dim, r[1]))
            dim += 1
        else:  # boolean mask: concrete, replaced by its nonzero() integer arrays
            mask = _concrete_mask(r[1])
            k = mask.ndim
            if mask.shape != tuple(shape[dim:dim + k]):
                raise IndexError(f"boolean index did not match shape of indexed array in index "
                                 f"{pos}: got {mask.shape}, expected "
                                 f"{list(shape[dim:dim + k])}")
            for arr in np.nonzero(mask):
                entries.append(_Arr(dim, arr.astype(np.int32)))
                dim += 1
    return entries


def _wrap_static(v: int, n: int, wrap: bool) -> int:
    return v + n if (wrap and v < 0) else v


def _is_basic(entries) -> bool:
    return all(type(e) in (_Slice, _Int, _NewAxis) for e in entries)


# -- x[idx] -----------------------------------------------------------------------------------

def getitem(arr, idx):
    """``arr[idx]`` with NumPy semantics (out-of-bounds integer indices clamp)."""
    if type(arr) is ArrayImpl and trace_mod.trace_state.trace is trace_mod.eval_trace:
        v = arr._value
        if v is not None:
            # the commonest cases first, with the fewest Python operations
            t = type(idx)
            if t is slice and v.ndim and type(idx.start) in _SLICE_PART_TYPES and \
                    type(idx.stop) in _SLICE_PART_TYPES and idx.step is None:
                return ArrayImpl(v[idx], arr.weak_type)
            if t is int and v.ndim and -v.shape[0] <= idx < v.shape[0]:
                return ArrayImpl(v[idx, ...], arr.weak_type)
            if (t is np.ndarray or t is ArrayImpl) and v.ndim and v.shape[0]:
                out = _eager_take0(v, idx)  # x[int_array]: one np.take
                if out is not None:
                    return ArrayImpl(out, arr.weak_type)
            key = _eager_key(v.shape, idx, _GATHER, True)
            if key is not None:
                try:
                    return ArrayImpl(v[key], arr.weak_type)
                except (IndexError, ValueError):
                    pass  # the general path raises JAX's error
    return rewriting_take(arr, idx)


def _eager_take0(v, idx):
    """``v[idx]`` for an integer index array, with JAX's wrap-then-clamp; else None."""
    i = idx._value if type(idx) is ArrayImpl else idx
    if i is None or i.dtype.kind not in "iu":
        return None
    if i.dtype.kind == "i" and i.size and i.min() < 0:
        i = np.where(i < 0, i.astype(np.int64) + v.shape[0], i)
    return np.take(v, i, axis=0, mode="clip")  # clip: out-of-range indices clamp


_SLICE_PART_TYPES = (type(None), int)
_GATHER, _CLIP, _DROP_OOB = 0, 1, 2   # how _eager_key treats out-of-bounds integers
_DROP = object()  # _eager_key result: an update whose window is out of bounds (dropped)


def _eager_key(shape, idx, oob: int, wrap: bool):
    """A NumPy key equivalent to a concrete ``idx``, or None (no fast path).

    Integers (scalars and arrays) are wrapped (if ``wrap``) and then, per ``oob``:
    clamped into range (``_GATHER``, ``_CLIP``), or for updates (``_DROP_OOB``) an
    out-of-bounds scalar drops the whole update (``_DROP``) while out-of-bounds array
    entries give up the fast path.  Boolean masks are left to NumPy (same semantics).
    The key ends with Ellipsis so NumPy returns arrays, never scalars.
    """
    if type(idx) is not tuple:
        if isinstance(idx, list):
            return None
        idx = (idx,)
    ndim = len(shape)
    used, has_ellipsis = 0, False
    for item in idx:
        if item is Ellipsis:
            if has_ellipsis:
                return None
            has_ellipsis = True
        elif item is not None and type(item) is not bool:
            used += np.ndim(item) if _is_bool_array(item) else 1
    if used > ndim:
        return None
    key, dim, drop = [], 0, False
    for item in idx:
        t = type(item)
        if t is slice:
            if type(item.start) not in _SLICE_PART_TYPES or type(item.stop) not in \
                    _SLICE_PART_TYPES or type(item.step) not in _SLICE_PART_TYPES or \
                    item.step == 0:
                return None
            key.append(item)
            dim += 1
        elif item is None or t is bool:
            key.append(item)
        elif item is Ellipsis:
            key.append(item)
            dim += ndim - used
        elif t is int or isinstance(item, np.integer):
            n = shape[dim]
            i = int(item)
            if wrap and i < 0:
                i += n
            if not 0 <= i < n:
                if oob == _DROP_OOB:
                    drop = True
                elif n == 0:
                    return None
                else:
                    i = 0 if i < 0 else n - 1
            key.append(i)
            dim += 1
        else:
            arr = _concrete_index_array(item)
            if arr is None:
                return None
            if arr.dtype == np.bool_:
                if arr.shape != tuple(shape[dim:dim + arr.ndim]):
                    return None  # the general path raises JAX's error
                key.append(arr)
                dim += arr.ndim
                continue
            n = shape[dim]
            if arr.dtype.itemsize < 8:  # room for the arithmetic below (int8 + 200)
                arr = arr.astype(np.int64)
            if wrap:
                arr = np.where(arr < 0, arr + n, arr)
            if oob == _DROP_OOB:
                if arr.size and (arr.min() < 0 or arr.max() >= n):
                    return None
            elif arr.size:
                if n == 0:
                    return None
                arr = np.minimum(np.maximum(arr, 0), n - 1)  # ufuncs: no np.clip overhead
            key.append(arr)
            dim += 1
    if drop:
        return _DROP
    if not has_ellipsis:
        key.append(Ellipsis)
    return tuple(key)


def _is_bool_array(item) -> bool:
    return (isinstance(item, np.ndarray) or type(item) is ArrayImpl) and \
        item.dtype == np.bool_


def _concrete_index_array(item):
    """A NumPy integer/bool array for a concrete array-like index element, else None."""
    if type(item) is ArrayImpl:
        arr = item._value
    elif isinstance(item, np.ndarray):
        arr = item
    elif type(item) in (list, tuple):
        arr = np.asarray(item)
        if arr.size == 0:
            arr = arr.astype(np.int32)
    else:
        return None
    if arr is None or arr.dtype.kind not in "iub":
        return None
    return arr


def rewriting_take(arr, idx, *, indices_are_sorted: bool = False,
                   unique_indices: bool = False, mode=None, fill_value=None,
                   wrap_negative_indices: bool = True):
    """``arr[idx]`` lowered to slice / dynamic_slice / gather (see the module docstring)."""
    arr = asarray(arr)
    if mutable_refs.has_ds(idx):  # jax.ds entries become dynamic slices first
        arr, idx = mutable_refs.apply_ds(arr, idx)
    shape = arr.shape
    entries = _parse_index(shape, idx)
    parsed = None if mode is None else GatherScatterMode.from_any(mode)
    fill_mode = parsed is GatherScatterMode.FILL_OR_DROP
    if _is_basic(entries) and all(
            0 <= _wrap_static(e.value, shape[e.dim], wrap_negative_indices) < shape[e.dim]
            for e in entries if type(e) is _Int):
        return _static_take(arr, entries, wrap_negative_indices)
    if not fill_mode and all(type(e) is not _Arr for e in entries) and all(
            shape[e.dim] > 0 for e in entries if type(e) in (_Int, _Dyn)):
        return _dynamic_take(arr, entries, wrap_negative_indices)
    indexer = _index_to_gather(shape, entries, wrap_negative_indices)
    if parsed is None:
        parsed = GatherScatterMode.PROMISE_IN_BOUNDS
    out = lax_indexing.gather(arr, indexer.indices, indexer.dnums, indexer.slice_sizes,
                              unique_indices=unique_indices or indexer.unique_indices,
                              indices_are_sorted=indices_are_sorted or indexer.sorted_indices,
                              mode=parsed, fill_value=fill_value)
    return _finish_new_axes(out, indexer.new_axes, indexer.empty_axes)


def _finish_new_axes(out, new_axes, empty_axes):
    if new_axes:
        out = expand_dims(out, new_axes)
    if empty_axes:  # a False boolean scalar index: a new axis of length 0
        starts = [0] * len(out.shape)
        limits = list(out.shape)
        for a in empty_axes:
            limits[a] = 0
        out = lax_slicing._static_slice(out, starts, limits)
    return out


def _positions_of_new_axes(entries, keep) -> tuple[list, list]:
    """Output positions of ``_NewAxis`` entries, ``keep(e)`` telling which entries
    produce an output axis."""
    new, empty, pos = [], [], 0
    for e in entries:
        if type(e) is _NewAxis:
            (empty if e.empty else new).append(pos)
            pos += 1
        elif keep(e):
            pos += 1
    return new, empty


def _static_take(arr, entries, wrap):
    """Static basic indexing: slice, rev (negative steps), squeeze (ints), new axes."""
    shape = arr.shape
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    reversed_dims, int_dims = [], []
    for e in entries:
        if type(e) is _Int:
            v = _wrap_static(e.value, shape[e.dim], wrap)
            starts[e.dim], limits[e.dim] = v, v + 1
            int_dims.append(e.dim)
        elif type(e) is _Slice:
            lo, lim, step = _positive_slice(e)
            starts[e.dim], limits[e.dim], strides[e.dim] = lo, lim, abs(step)
            if step < 0 and e.length > 1:
                reversed_dims.append(e.dim)
    out = lax_slicing._static_slice(arr, starts, limits, strides)
    if reversed_dims:
        out = rev(out, reversed_dims)
    if int_dims:
        out = squeeze(out, int_dims)
    new, empty = _positions_of_new_axes(entries, lambda e: type(e) is _Slice)
    return _finish_new_axes(out, new, empty)


def _positive_slice(e: _Slice) -> tuple[int, int, int]:
    """``(start, limit, step)`` reading the same elements in increasing order."""
    if e.length == 0:
        return 0, 0, 1
    if e.step > 0:
        return e.start, e.start + (e.length - 1) * e.step + 1, e.step
    lo = e.start + (e.length - 1) * e.step
    return lo, e.start + 1, e.step


def _dynamic_take(arr, entries, wrap):
    """Scalar (traced or out-of-bounds) integer indices without arrays: dynamic_slice."""
    if any(type(e) is _Slice and e.step != 1 for e in entries):
        # apply the strided slices first; they become whole axes
        arr = _static_take(arr, [e for e in entries if type(e) is _Slice] +
                           [_Slice(e.dim, 0, arr.shape[e.dim], 1) for e in entries
                            if type(e) in (_Int, _Dyn)], wrap)
        entries = [_Slice(e.dim, 0, arr.shape[e.dim], 1) if type(e) is _Slice else e
                   for e in entries]
    shape = arr.shape
    starts, sizes, int_dims = [0] * len(shape), list(shape), []
    for e in entries:
        if type(e) in (_Int, _Dyn):
            # without wrapping a negative static index is out of bounds: it clamps to 0
            value = max(e.value, 0) if type(e) is _Int and not wrap else e.value
            starts[e.dim], sizes[e.dim] = value, 1
            int_dims.append(e.dim)
        elif type(e) is _Slice:
            starts[e.dim], sizes[e.dim] = e.start, e.length
    if trace_mod.trace_state.trace is not trace_mod.eval_trace:
        # Staged: every start goes through the traced wrap, as JAX's jaxprs show.
        dyn = [s for s in starts if not isinstance(s, (int, np.integer))]
        dtype = get_aval(dyn[0]).dtype if dyn else dtypes.default_int_dtype()
        starts = [np.array(s, dtype) if isinstance(s, (int, np.integer)) else s
                  for s in starts]
        if wrap:
            starts = [lax_slicing.wrap_negative_index(s, n) for s, n in zip(starts, shape)]
        wrap = False
    out = lax_slicing.dynamic_slice(arr, starts, sizes, allow_negative_indices=wrap)
    out = squeeze(out, int_dims)
    new, empty = _positions_of_new_axes(entries, lambda e: type(e) is _Slice)
    return _finish_new_axes(out, new, empty)


# -- advanced indexing: one gather -------------------------------------------------------------

class _Indexer(NamedTuple):
    indices: Any                     # batch_shape + (K,)
    dnums: GatherDimensionNumbers
    slice_sizes: tuple
    gather_shape: tuple              # gather output shape (no new axes)
    new_axes: list                   # positions of None axes in the final output
    empty_axes: list                 # positions of length-0 new axes (index False)
    final_shape: tuple               # shape of x[idx]
    unique_indices: bool
    sorted_indices: bool


def _index_dtype(values) -> np.dtype:
    """int32, or int64 when x64 is on and an index array is 64-bit."""
    for v in values:
        if not isinstance(v, int) and get_aval(v).dtype.itemsize == 8 and \
                dtypes.canonicalize_dtype(np.int64) == np.int64:
            return np.dtype(np.int64)
    return np.dtype(np.int32)


def _is_concrete(v) -> bool:
    return isinstance(v, (int, np.integer, np.ndarray)) or type(v) is ArrayImpl


def _index_to_gather(shape, entries, wrap: bool) -> _Indexer:
    """The gather (or, for ``.at``, scatter) equivalent to indexing by ``entries``."""
    adv = [e for e in entries if type(e) in (_Int, _Dyn, _Arr)]
    adv_shapes = [np.shape(e.value) if type(e) is not _Dyn else () for e in adv]
    try:
        adv_shape = tuple(np.broadcast_shapes(*adv_shapes)) if adv else ()
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes="
                         f"{[tuple(s) for s in adv_shapes]}") from None
    positions = [i for i, e in enumerate(entries) if type(e) in (_Int, _Dyn, _Arr)]
    contiguous = not positions or positions == list(range(positions[0], positions[-1] + 1))
    # final layout: "ADV" block, _Slice entries, _NewAxis entries
    layout = []
    if adv and not contiguous:
        layout.append("ADV")
    for i, e in enumerate(entries):
        if type(e) in (_Int, _Dyn, _Arr):
            if contiguous and i == positions[0]:
                layout.append("ADV")
        else:
            layout.append(e)
    # gather output layout (no new axes) -> batch axes and offset dims
    batch_shape, offset_dims, gather_shape = [], [], []
    axis_of: dict = {}
    for item in layout:
        if type(item) is _NewAxis:
            continue
        if item == "ADV":
            axis_of["ADV"] = len(batch_shape)
            batch_shape.extend(adv_shape)
            gather_shape.extend(adv_shape)
        elif item.step != 1:  # strided slice: a batch axis of explicit positions
            axis_of[item.dim] = len(batch_shape)
            batch_shape.append(item.length)
            gather_shape.append(item.length)
        else:
            offset_dims.append(len(gather_shape))
            gather_shape.append(item.length)
    batch_shape = tuple(batch_shape)
    # index-vector components, in operand-axis order
    comps, index_map = [], []
    for e in entries:
        if type(e) in (_Int, _Dyn, _Arr):
            n = shape[e.dim]
            value = e.value
            if type(e) is _Int:
                value = _wrap_static(value, n, wrap)
            elif wrap:
                value = _wrap_negative(value, n)
            nd = len(np.shape(value)) if type(e) is not _Dyn else 0
            lead = axis_of["ADV"] + len(adv_shape) - nd
            comps.append((value, tuple(range(lead, lead + nd))))
            index_map.append(e.dim)
        elif type(e) is _Slice and e.step != 1:
            positions_ = np.arange(e.length, dtype=np.int64) * e.step + e.start
            comps.append((positions_, (axis_of[e.dim],)))
            index_map.append(e.dim)
        elif type(e) is _Slice and e.start != 0:
            comps.append((e.start, ()))
            index_map.append(e.dim)
    collapsed = sorted(e.dim for e in entries
                       if type(e) in (_Int, _Dyn, _Arr) or (type(e) is _Slice and e.step != 1))
    slice_sizes = [1] * len(shape)
    for e in entries:
        if type(e) is _Slice and e.step == 1:
            slice_sizes[e.dim] = e.length
    indices = _build_indices(comps, batch_shape)
    dnums = GatherDimensionNumbers(offset_dims=tuple(offset_dims),
                                   collapsed_slice_dims=tuple(collapsed),
                                   start_index_map=tuple(index_map))
    final_shape, new_axes, empty_axes = [], [], []
    g = iter(gather_shape)
    for item in layout:
        if type(item) is _NewAxis:
            (empty_axes if item.empty else new_axes).append(len(final_shape))
            final_shape.append(0 if item.empty else 1)
        elif item == "ADV":
            final_shape.extend(next(g) for _ in adv_shape)
        else:
            final_shape.append(next(g))
    static = all(type(e) is not _Arr and type(e) is not _Dyn for e in entries)
    return _Indexer(indices, dnums, tuple(slice_sizes), tuple(gather_shape), new_axes,
                    empty_axes, tuple(final_shape), static, static)


def _wrap_negative(i, n):
    """``i + n`` where ``i < 0``: in NumPy when eager and concrete, else traced."""
    if _is_concrete(i) and trace_mod.trace_state.trace is trace_mod.eval_trace:
        v = np.asarray(i)
        if v.dtype.kind != "i":
            return v
        return np.where(v < 0, v.astype(np.int64) + n, v).astype(v.dtype)
    return lax_slicing.wrap_negative_index(i, n)


def _build_indices(comps, batch_shape):
    """Stack index components (``(value, batch axes it spans)``) on a new last axis."""
    dtype = _index_dtype([v for v, _ in comps])
    eager = trace_mod.trace_state.trace is trace_mod.eval_trace
    if not comps or (eager and all(_is_concrete(v) for v, _ in comps)):
        cols = []
        for v, axes in comps:
            v = np.asarray(v).astype(dtype)
            expanded = [1] * len(batch_shape)
            for a, s in zip(axes, v.shape):
                expanded[a] = s
            cols.append(np.broadcast_to(v.reshape(expanded), batch_shape))
        if not cols:
            return np.zeros(tuple(batch_shape) + (0,), dtype)
        return np.stack(cols, axis=-1)
    cols = []
    for v, axes in comps:
        v = np.asarray(v).astype(dtype) if _is_concrete(v) else _convert_to_weak(v, dtype,
                                                                                False)
        cols.append(broadcast_in_dim(v, tuple(batch_shape) + (1,), axes))
    return concatenate(cols, len(batch_shape))


# -- x.at[idx] ----------------------------------------------------------------------------------

class _IndexUpdateHelper:
    """``x.at``: ``x.at[idx]`` gives an ``_IndexUpdateRef`` with the update methods.

    ``x.at[idx].set(y)`` is the functional form of ``x[idx] = y``: a new array.
    """

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array

    def __getitem__(self, index):
        return _IndexUpdateRef(self.array, index)

    def __repr__(self):
        return f"_IndexUpdateHelper({self.array!r})"


AtIndexer = _IndexUpdateHelper


class _IndexUpdateRef:
    """``x.at[idx]``: ``get``, ``set``, ``add``, ``subtract``, ``multiply``/``mul``,
    ``divide``, ``power``, ``min``, ``max``, ``apply``.

    Keyword options: ``indices_are_sorted``, ``unique_indices`` (promises, used as
    hints), ``mode`` ('promise_in_bounds' (default for ``get``: clamp), 'clip', 'drop'
    (default for updates: out-of-bounds updates are skipped), 'fill' (``get``: returns
    ``fill_value``)), ``wrap_negative_indices`` (default True).
    """

    __slots__ = ("array", "index")

    def __init__(self, array, index):
        self.array = array
        self.index = index

    def __repr__(self):
        return f"_IndexUpdateRef({self.array!r}, {self.index!r})"

    def get(self, *, indices_are_sorted=False, unique_indices=False, mode=None,
            fill_value=None, out_sharding=None, wrap_negative_indices=True):
        """``x[idx]`` with the given out-of-bounds ``mode`` and ``fill_value``."""
        del out_sharding  # unused: one device
        return rewriting_take(self.array, self.index, indices_are_sorted=indices_are_sorted,
                              unique_indices=unique_indices, mode=mode, fill_value=fill_value,
                              wrap_negative_indices=wrap_negative_indices)

    def _update(self, kind, values, indices_are_sorted, unique_indices, mode,
                wrap_negative_indices):
        return _scatter_update(self.array, self.index, values, kind,
                               indices_are_sorted=indices_are_sorted,
                               unique_indices=unique_indices, mode=mode,
                               wrap_negative_indices=wrap_negative_indices)

    def set(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        """``x[idx] = values`` (functional; duplicates: the last update wins)."""
        del out_sharding  # unused
        return self._update("set", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    def add(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        """``x[idx] += values`` (duplicate indices accumulate)."""
        del out_sharding  # unused
        return self._update("add", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    def subtract(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
                 out_sharding=None, wrap_negative_indices=True):
        """``x[idx] -= values``."""
        del out_sharding  # unused
        return self._update("sub", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    def multiply(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
                 out_sharding=None, wrap_negative_indices=True):
        """``x[idx] *= values``."""
        del out_sharding  # unused
        return self._update("mul", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    mul = multiply

    def divide(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
               out_sharding=None, wrap_negative_indices=True):
        """``x[idx] /= values`` (true division: integer arrays give floats)."""
        del out_sharding  # unused
        import pyjax.numpy as jnp
        ones = full_like(self.array, 1)
        scale = _scatter_update(ones, self.index, values, "mul",
                                indices_are_sorted=indices_are_sorted,
                                unique_indices=unique_indices, mode=mode,
                                wrap_negative_indices=wrap_negative_indices)
        return jnp.divide(self.array, scale)

    def power(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
              out_sharding=None, wrap_negative_indices=True):
        """``x[idx] **= values``."""
        del out_sharding  # unused
        import pyjax.numpy as jnp
        ones = full_like(self.array, 1)
        exponent = _scatter_update(ones, self.index, values, "mul",
                                   indices_are_sorted=indices_are_sorted,
                                   unique_indices=unique_indices, mode=mode,
                                   wrap_negative_indices=wrap_negative_indices)
        return jnp.power(self.array, exponent)

    def min(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        """``x[idx] = minimum(x[idx], values)``."""
        del out_sharding  # unused
        return self._update("min", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    def max(self, values, *, indices_are_sorted=False, unique_indices=False, mode=None,
            out_sharding=None, wrap_negative_indices=True):
        """``x[idx] = maximum(x[idx], values)``."""
        del out_sharding  # unused
        return self._update("max", values, indices_are_sorted, unique_indices, mode,
                            wrap_negative_indices)

    def apply(self, func: Callable, *, indices_are_sorted=False, unique_indices=False,
              mode=None, wrap_negative_indices=True):
        """``x[idx] = func(x[idx])`` (``func`` applied elementwise, once per index)."""
        return _scatter_update(self.array, self.index, func, "apply",
                               indices_are_sorted=indices_are_sorted,
                               unique_indices=unique_indices, mode=mode,
                               wrap_negative_indices=wrap_negative_indices)


_SCATTERS = {"set": lax_indexing.scatter, "add": lax_indexing.scatter_add,
             "sub": lax_indexing.scatter_sub, "mul": lax_indexing.scatter_mul,
             "min": lax_indexing.scatter_min, "max": lax_indexing.scatter_max}


def _check_broadcastable(y_shape, shape):
    if len(y_shape) > len(shape):
        raise ValueError(f"Cannot broadcast to shape with fewer dimensions: "
                         f"arr_shape={tuple(y_shape)} shape={tuple(shape)}")
    lead = len(shape) - len(y_shape)
    if any(d != 1 and d != shape[lead + i] for i, d in enumerate(y_shape)):
        raise ValueError(f"Incompatible shapes for broadcasting: {tuple(y_shape)} and "
                         f"requested shape {tuple(shape)}")


_SAFE_SCALAR_KINDS = {bool: "biufc", int: "iufc", float: "fc", complex: "c"}


def _cast_values(x, y):
    """Warn (FutureWarning, as JAX) when ``y`` does not promote safely to ``x``'s dtype."""
    x_dtype = get_aval(x).dtype
    kinds = _SAFE_SCALAR_KINDS.get(type(y))
    if kinds is not None and x_dtype.kind in kinds:
        return y
    if dtypes.result_type(x, y) != x_dtype:
        y_dtype = dtypes.dtype(y, canonicalize=True)
        warnings.warn(f"scatter inputs have incompatible types: cannot safely cast value from "
                      f"dtype={y_dtype.name} to dtype={x_dtype.name} with "
                      f"jax_numpy_dtype_promotion=standard. In future JAX releases this will "
                      f"result in an error.", FutureWarning, stacklevel=5)
    return y


def _scatter_update(x, idx, y, kind, *, indices_are_sorted, unique_indices, mode,
                    wrap_negative_indices):
    if mutable_refs.has_ds(idx):
        raise NotImplementedError(f"x.at[...].{kind} with a jax.ds dynamic slice is not "
                                  f"supported by pyjax; use lax.dynamic_update_slice")
    eager = type(x) is ArrayImpl and trace_mod.trace_state.trace is trace_mod.eval_trace
    if eager and kind != "apply":
        kinds = _SAFE_SCALAR_KINDS.get(type(y))
        if kinds is not None and x._value is not None and x._value.dtype.kind in kinds:
            # the commonest call, x.at[i].set(python scalar): no checks or warnings needed
            out = _eager_update(x, idx, y, kind, mode, wrap_negative_indices)
            if out is not None:
                return out
    if kind != "apply":
        check_arraylike(f"x.at[...].{kind}", y)
        _cast_values(x, y)
    if eager and kind != "apply":
        out = _eager_update(x, idx, y, kind, mode, wrap_negative_indices)
        if out is not None:
            return out
    x = asarray(x)
    shape = x.shape
    entries = _parse_index(shape, idx)
    indexer = _index_to_gather(shape, entries, wrap_negative_indices)
    sdnums = lax_indexing._gather_to_scatter_dnums(indexer.dnums)
    sorted_ = indices_are_sorted or indexer.sorted_indices
    unique = unique_indices or indexer.unique_indices
    if kind == "apply":
        return lax_indexing.scatter_apply(x, indexer.indices, y, sdnums,
                                          update_shape=indexer.gather_shape,
                                          indices_are_sorted=sorted_, unique_indices=unique,
                                          mode=mode)
    y = _values_as(y, get_aval(x).dtype)
    _check_broadcastable(np.shape(y), indexer.final_shape)
    y = _broadcast_values(y, indexer.final_shape)
    if indexer.empty_axes:
        return x
    if tuple(np.shape(y)) != tuple(indexer.gather_shape):  # (JAX stages no no-op reshape)
        y = reshape(y, indexer.gather_shape)
    return _SCATTERS[kind](x, indexer.indices, y, sdnums, indices_are_sorted=sorted_,
                           unique_indices=unique, mode=mode)


def _broadcast_values(y, shape):
    """``y`` (NumPy or pyjax) broadcast to ``shape`` (already checked compatible)."""
    y_shape = tuple(np.shape(y))
    shape = tuple(shape)
    if y_shape == shape:
        return y
    lead = len(shape) - len(y_shape)
    keep = [i for i, d in enumerate(y_shape) if d == shape[lead + i]]
    if len(keep) != len(y_shape):
        y = reshape(y, tuple(y_shape[i] for i in keep))
    return broadcast_in_dim(y, shape, tuple(lead + i for i in keep))


def _values_as(y, dtype):
    """Update values converted to the operand's dtype (NumPy values converted eagerly, so
    scalars stay jaxpr literals)."""
    if isinstance(y, Tracer) or (isinstance(y, Array) and type(y) is not ArrayImpl):
        return _convert_to_weak(y, dtype, False)
    y_np, _ = to_numpy(y)
    if y_np.dtype != dtype:
        y_np = _convert_impl(y_np, new_dtype=dtype, weak_type=False, sharding=None)
    return y_np if y_np.shape == () or type(y) is not ArrayImpl else ArrayImpl(y_np, False)


_NP_COMBINE = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "min": np.minimum,
               "max": np.maximum}


def _eager_update(x, idx, y, kind, mode, wrap):
    """Concrete ``idx`` and values on a concrete array: update a copy with NumPy (same
    results as the scatter); None when there is no fast path."""
    v = x._value
    if v is None or isinstance(y, Tracer) or (mode is not None and mode != "clip" and
                                              mode != "drop" and mode != "fill"):
        return None
    if type(idx) is int and v.ndim and -v.shape[0] <= idx < v.shape[0] and (
            wrap or idx >= 0):
        key = (idx, Ellipsis)  # the commonest case: x.at[i].op(y) with i in range
    else:
        key = _eager_key(v.shape, idx, _CLIP if mode == "clip" else _DROP_OOB, wrap)
        if key is None:
            return None
    if type(y) is float and v.dtype.kind == "f":
        y_np = np.array(y, v.dtype)
    else:
        y_np, _ = to_numpy(y)
        if y_np.dtype != v.dtype:
            y_np = _convert_impl(y_np, new_dtype=v.dtype, weak_type=False, sharding=None)
    if kind in ("add", "sub", "mul") and v.dtype == np.bool_:
        return None  # the scatter's dtype error
    if key is _DROP:
        _check_broadcastable(y_np.shape, _indexed_shape(v.shape, idx, wrap))
        return ArrayImpl(v, x.weak_type)
    if y_np.ndim:
        _check_broadcastable(y_np.shape, v[key].shape)
    out = v.copy()
    if kind == "set":
        out[key] = y_np  # duplicates: the last write wins, as the scatter
    elif all(type(k) is not np.ndarray for k in key):
        view = out[key]  # basic indexing: a view, no duplicates
        _NP_COMBINE[kind](view, y_np, out=view, casting="unsafe")
    elif any(k is None for k in key):
        return None
    else:
        _NP_COMBINE[kind].at(out, key, y_np)
    return ArrayImpl(out, x.weak_type)


def _indexed_shape(shape, idx, wrap):
    """Shape of ``x[idx]`` (for the broadcast check of a dropped update)."""
    key = _eager_key(shape, idx, _GATHER, wrap)
    view = np.broadcast_to(np.empty((), np.bool_), shape)  # no allocation
    return view[key].shape if key is not None else ()


# The jnp functions take, take_along_axis, put_along_axis, put and place live in
# take_put.py, which builds on this module.
__all__: list[str] = []
