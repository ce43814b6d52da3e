"""Shape-manipulating and array-creating lax primitives.

broadcast_in_dim, reshape, transpose, squeeze, expand_dims, convert_element_type,
iota, empty, concatenate, pad, rev, split, stack, unstack, tile, and the composites
built on them (broadcast, broadcast_to_rank, broadcast_like, full, full_like,
collapse, ...).  Slicing, dynamic slicing and gather/scatter live in slicing.py and
indexing.py.

One block per primitive, in the order of elementwise.py's template.  Param names
and their order follow JAX's so printed jaxprs read the same.  Comparison and
selection primitives (``select_n``) belong to other family modules; the few rules
here that need them look them up lazily with ``_lax_fn`` (see its docstring).
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import ShapedArray, get_aval, typed_ndarray
from pyjax._src.core.jaxpr import Literal
from pyjax._src.interpreters import staging
from pyjax._src.core.pretty import _pp_params, _pp_vars, concat, pp_eqn_rules, text
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import Tracer
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero
from pyjax._src.interpreters.transpose import is_undefined_primal
from pyjax._src.lax.elementwise import eager_checks
from pyjax._src.lax.helpers import (_num, canonicalize_shape, check_dtype, check_same_dtypes,
                                    first_operand_weak_type_rule, standard_primitive,
                                    strong_weak_type_rule)


def _aval_shape(x):
    return x.aval.shape if hasattr(x, "aval") else get_aval(x).shape


def _canonical_axis(axis: int, ndim: int) -> int:
    """``axis`` in ``[0, ndim)`` (negative counts from the end); out of range left as is
    so the shape rule reports it."""
    axis = operator.index(axis)
    return axis + ndim if -ndim <= axis < 0 else axis


def _lax_fn(name: str):
    """The lax function ``name`` from the public namespace, looked up at call time.

    Comparison/selection primitives (``lt``, ``eq``, ``select_n``, ``max``, ...) are
    defined by other family modules that may import this one; a lazy lookup through
    ``pyjax.lax`` keeps the import graph acyclic and independent of where they live.
    """
    import pyjax.lax as lax_mod
    return getattr(lax_mod, name)


def _no_operand_batch_rule(prim):
    """Primitives without operands are never batched; the rule exists for completeness."""
    def rule(axis_data, vals, dims, **params):
        del axis_data, vals, dims  # unused
        return prim.bind(**params), batching.not_mapped
    return rule


# -- broadcast_in_dim ---------------------------------------------------------------------

def broadcast_in_dim(operand, shape: Sequence[int], broadcast_dimensions: Sequence[int],
                     out_sharding=None):
    """Broadcast ``operand`` to ``shape``; operand axis i becomes axis
    ``broadcast_dimensions[i]`` of the result (which must have size 1 or match)."""
    shape = canonicalize_shape(shape)
    broadcast_dimensions = tuple(int(d) for d in broadcast_dimensions)
    if _aval_shape(operand) == shape and broadcast_dimensions == tuple(range(len(shape))):
        return operand
    return broadcast_in_dim_p.bind(operand, shape=shape,
                                   broadcast_dimensions=broadcast_dimensions,
                                   sharding=out_sharding)


def _broadcast_in_dim_shape_rule(operand, *, shape, broadcast_dimensions, sharding):
    del sharding  # unused
    if any(d < 0 for d in shape):
        raise TypeError(f"broadcast_in_dim shape must have every element be nonnegative, got "
                        f"{shape}.")
    if len(broadcast_dimensions) != operand.ndim:
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must have length equal to "
                        f"operand ndim; got broadcast_dimensions {broadcast_dimensions} for "
                        f"operand ndim {operand.ndim}.")
    if len(shape) < operand.ndim:
        raise TypeError(f"broadcast_in_dim target broadcast shape must have equal or higher "
                        f"rank to the operand shape; got operand ndim {operand.ndim} and "
                        f"target broadcast ndim {len(shape)}.")
    if any(not 0 <= d < len(shape) for d in broadcast_dimensions) or \
            list(broadcast_dimensions) != sorted(set(broadcast_dimensions)):
        raise TypeError(f"broadcast_in_dim broadcast_dimensions must be strictly increasing "
                        f"and in range; got broadcast_dimensions {broadcast_dimensions} for "
                        f"shape {shape}.")
    for i, d in enumerate(broadcast_dimensions):
        if operand.shape[i] != 1 and operand.shape[i] != shape[d]:
            raise TypeError(f"broadcast_in_dim operand dimension sizes must either be 1, or "
                            f"be equal to their corresponding dimensions in the target "
                            f"broadcast shape; got operand of shape {operand.shape}, target "
                            f"broadcast shape {shape}, broadcast_dimensions "
                            f"{broadcast_dimensions} ")
    return shape


def _broadcast_in_dim_impl(operand, *, shape, broadcast_dimensions, sharding):
    del sharding  # unused
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = operand.shape[i]
    return np.broadcast_to(operand.reshape(expanded), shape)


def _broadcast_in_dim_transpose(ct, operand, *, shape, broadcast_dimensions, sharding):
    del shape, sharding  # unused
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    from pyjax._src.lax.reductions import reduce_sum
    op_shape = operand.aval.shape
    unit_dims = tuple(d for i, d in enumerate(broadcast_dimensions)
                      if op_shape[i] == 1 and _aval_shape(ct)[d] != 1)
    summed = tuple(d for d in range(len(_aval_shape(ct))) if d not in broadcast_dimensions)
    out = reduce_sum(ct, tuple(sorted(summed + unit_dims)))
    if unit_dims:
        out = reshape(out, op_shape)
    return [out]


def _broadcast_in_dim_batch_rule(axis_data, vals, dims, *, shape, broadcast_dimensions,
                                 sharding):
    del sharding  # unused
    (x,), (d,) = vals, dims
    new_shape = (axis_data.size,) + tuple(shape)
    x = batching.moveaxis(x, d, 0)
    new_dims = (0,) + tuple(b + 1 for b in broadcast_dimensions)
    return broadcast_in_dim(x, new_shape, new_dims), 0


broadcast_in_dim_p = standard_primitive(
    _broadcast_in_dim_shape_rule, lambda operand, **_: operand.dtype, "broadcast_in_dim",
    first_operand_weak_type_rule)
broadcast_in_dim_p.def_impl(_broadcast_in_dim_impl)
ad.deflinear2(broadcast_in_dim_p, _broadcast_in_dim_transpose)
batching.primitive_batchers[broadcast_in_dim_p] = _broadcast_in_dim_batch_rule
eager_checks(broadcast_in_dim_p, with_shapes=True)


def _broadcast_in_dim_pp_rule(eqn, ctx):
    # JAX prints broadcast_in_dim without shape/sharding (the outvar shows the shape)
    # and without an empty broadcast_dimensions.
    shown = {k: v for k, v in eqn.params.items()
             if (k == "broadcast_dimensions" and v) or (k == "sharding" and v is not None)}
    lhs = _pp_vars(eqn.outvars, ctx, print_shapes=True)
    return concat(lhs, text(" = "), text(eqn.primitive.name), _pp_params(shown, ctx),
                  text(" "), _pp_vars(eqn.invars, ctx))


pp_eqn_rules[broadcast_in_dim_p] = _broadcast_in_dim_pp_rule


# -- reshape -----------------------------------------------------------------------------

def reshape(operand, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None,
            out_sharding=None):
    """Reshape ``operand`` to ``new_sizes`` (after transposing by ``dimensions`` if given)."""
    new_sizes = canonicalize_shape(new_sizes)
    dims = None if dimensions is None or tuple(dimensions) == tuple(
        range(len(_aval_shape(operand)))) else tuple(dimensions)
    if dims is None and _aval_shape(operand) == new_sizes and (
            new_sizes or not isinstance(operand, Tracer)):
        return operand  # as JAX, a traced scalar still stages a reshape
    return reshape_p.bind(operand, new_sizes=new_sizes, dimensions=dims,
                          sharding=out_sharding)


def _reshape_shape_rule(operand, *, new_sizes, dimensions, sharding):
    del sharding  # unused
    if any(d < 0 for d in new_sizes):
        raise TypeError(f"reshape new_sizes must all be positive, got {new_sizes}.")
    if int(np.prod(operand.shape)) != int(np.prod(new_sizes)):
        raise ValueError(f"reshape total size must be unchanged, got new_sizes {new_sizes} "
                        f"(of total size {int(np.prod(new_sizes))}) for shape "
                        f"{operand.shape} (of total size {int(np.prod(operand.shape))}).")
    if dimensions is not None and sorted(dimensions) != list(range(operand.ndim)):
        raise TypeError(f"reshape dimensions must be a permutation of operand dimensions, "
                        f"got dimensions {dimensions} for shape {operand.shape}.")
    return new_sizes


def _reshape_impl(operand, *, new_sizes, dimensions, sharding):
    del sharding  # unused
    if dimensions is not None:
        operand = np.transpose(operand, dimensions)
    return np.reshape(operand, new_sizes)


def _reshape_transpose(ct, operand, *, new_sizes, dimensions, sharding):
    del new_sizes, sharding  # unused
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    if dimensions is None:
        return [reshape(ct, operand.aval.shape)]
    inv = tuple(np.argsort(dimensions))
    permuted = tuple(operand.aval.shape[d] for d in dimensions)
    return [transpose(reshape(ct, permuted), inv)]


def _reshape_batch_rule(axis_data, vals, dims, *, new_sizes, dimensions, sharding):
    del axis_data, sharding  # unused
    (x,), (d,) = vals, dims
    x = batching.moveaxis(x, d, 0)
    if dimensions is not None:
        dimensions = (0,) + tuple(i + 1 for i in dimensions)
    return reshape(x, (_aval_shape(x)[0],) + tuple(new_sizes), dimensions), 0


reshape_p = standard_primitive(_reshape_shape_rule, lambda operand, **_: operand.dtype,
                               "reshape", first_operand_weak_type_rule)
reshape_p.def_impl(_reshape_impl)
ad.deflinear2(reshape_p, _reshape_transpose)
batching.primitive_batchers[reshape_p] = _reshape_batch_rule
eager_checks(reshape_p, with_shapes=True)


# -- transpose ---------------------------------------------------------------------------

def transpose(operand, permutation: Sequence[int]):
    """Permute the axes of ``operand``."""
    permutation = tuple(int(p) for p in permutation)
    if permutation == tuple(range(len(permutation))) and len(permutation) == len(
            _aval_shape(operand)):
        return operand
    return transpose_p.bind(operand, permutation=permutation)


def _transpose_shape_rule(operand, *, permutation):
    if sorted(permutation) != list(range(operand.ndim)):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, "
                        f"got permutation {permutation} for operand shape {operand.shape}.")
    return tuple(operand.shape[p] for p in permutation)


def _transpose_transpose(ct, operand, *, permutation):
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    return [transpose(ct, tuple(np.argsort(permutation)))]


def _transpose_batch_rule(axis_data, vals, dims, *, permutation):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    perm = tuple(p + (p >= d) for p in permutation)
    perm = (d,) + perm  # batch axis first, then the permuted ones
    return transpose(x, perm), 0


transpose_p = standard_primitive(_transpose_shape_rule, lambda operand, **_: operand.dtype,
                                 "transpose", first_operand_weak_type_rule)
transpose_p.def_impl(lambda operand, *, permutation: np.transpose(operand, permutation))
ad.deflinear2(transpose_p, _transpose_transpose)
batching.primitive_batchers[transpose_p] = _transpose_batch_rule
eager_checks(transpose_p, with_shapes=True)


# -- squeeze / expand_dims ---------------------------------------------------------------

def squeeze(array, dimensions: Sequence[int]):
    """Remove the given size-1 axes."""
    ndim = len(_aval_shape(array))
    dimensions = tuple(sorted(int(d) % ndim if ndim else int(d) for d in dimensions))
    if not dimensions:
        return array
    return squeeze_p.bind(array, dimensions=dimensions)


def _squeeze_shape_rule(operand, *, dimensions):
    for d in dimensions:
        if not 0 <= d < operand.ndim or operand.shape[d] != 1:
            raise ValueError(f"cannot select an axis to squeeze out which has size not equal "
                             f"to one, got shape={operand.shape} and dimensions={dimensions}")
    return tuple(s for i, s in enumerate(operand.shape) if i not in dimensions)


def _squeeze_transpose(ct, operand, *, dimensions):
    del dimensions  # unused
    if type(ct) is Zero:
        return [Zero(operand.aval)]
    return [reshape(ct, operand.aval.shape)]


def _squeeze_batch_rule(axis_data, vals, dims, *, dimensions):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    x = batching.moveaxis(x, d, 0)
    return squeeze(x, tuple(i + 1 for i in dimensions)), 0


squeeze_p = standard_primitive(_squeeze_shape_rule, lambda operand, **_: operand.dtype,
                               "squeeze", first_operand_weak_type_rule)
squeeze_p.def_impl(lambda operand, *, dimensions: np.squeeze(operand, dimensions))
ad.deflinear2(squeeze_p, _squeeze_transpose)
batching.primitive_batchers[squeeze_p] = _squeeze_batch_rule
eager_checks(squeeze_p, with_shapes=True)


def expand_dims(array, dimensions: Sequence[int]):
    """Insert size-1 axes at ``dimensions`` (positions in the result)."""
    shape = _aval_shape(array)
    ndim_out = len(shape) + len(dimensions)
    for d in dimensions:
        if not -ndim_out <= int(d) < ndim_out:
            raise ValueError(f"axis {d} is out of bounds for array of dimension {ndim_out}")
    dims = sorted(int(d) % ndim_out for d in dimensions)
    if len(set(dims)) != len(dims):
        raise ValueError(f"repeated axis in lax.expand_dims: {tuple(dimensions)}")
    out_shape = list(shape)
    for d in dims:
        out_shape.insert(d, 1)
    bdims = tuple(i for i in range(ndim_out) if i not in dims)
    return broadcast_in_dim(array, tuple(out_shape), bdims)


# -- convert_element_type ------------------------------------------------------------------

def convert_element_type(operand, new_dtype):
    """Cast ``operand`` to ``new_dtype`` (float -> int saturates, NaN -> 0, as XLA)."""
    new_dtype = dtypes.canonicalize_dtype(new_dtype, allow_extended_dtype=True)
    aval = get_aval(operand)
    if aval.dtype == new_dtype and not aval.weak_type:
        return operand
    return convert_element_type_p.bind(operand, new_dtype=new_dtype, weak_type=False,
                                       sharding=None)


def _convert_staging_rule(trace, tracers, *, new_dtype, weak_type, sharding):
    """Constant folding while staging (as JAX): converting a literal gives a literal."""
    (t,) = tracers
    atom = t._atom
    if type(atom) is Literal:
        from pyjax._src.backend.dispatch import to_numpy
        arr, _ = to_numpy(atom.val)
        out = _convert_impl(arr, new_dtype=new_dtype, weak_type=weak_type, sharding=sharding)
        return trace.new_const(typed_ndarray(out, weak_type) if weak_type else np.asarray(out))
    return trace.stage_primitive(convert_element_type_p, tracers,
                                 dict(new_dtype=new_dtype, weak_type=weak_type,
                                      sharding=sharding))


def _convert_impl(operand, *, new_dtype, weak_type, sharding):
    del weak_type, sharding  # unused
    if operand.dtype == new_dtype:
        return operand
    src_kind = _kind(operand.dtype)
    if src_kind == "c" and new_dtype.kind != "c":
        operand = operand.real  # XLA drops the imaginary part (also for bool)
        src_kind = "f"
    if src_kind == "f" and new_dtype.kind in "iu":
        return _saturating_float_to_int(operand, new_dtype)
    if src_kind == "f" and operand.dtype in _FLUSHED and (
            new_dtype == np.bool_ or new_dtype in _FLUSHED):
        operand = _flush_denormals(operand)
    if new_dtype == np.bool_:
        return operand != 0
    return operand.astype(new_dtype)


_FLUSHED = (np.dtype(np.float32), np.dtype(np.float64))


def _kind(dtype) -> str:
    """NumPy's dtype kind, with ml_dtypes' floats (kind 'V') reported as 'f'."""
    kind = dtype.kind
    if kind == "V" and dtypes.issubdtype(dtype, np.floating):
        return "f"
    return kind


def _flush_denormals(x):
    """XLA:CPU runs float32/float64 with denormals flushed to (signed) zero."""
    tiny = np.finfo(x.dtype).tiny
    with np.errstate(invalid="ignore"):
        small = np.abs(x) < tiny
    if not small.any():
        return x
    return np.where(small, np.copysign(np.zeros((), x.dtype), x), x)


def _saturating_float_to_int(x, new_dtype):
    info = np.iinfo(new_dtype)
    x64 = x.astype(np.float64)
    with np.errstate(invalid="ignore"):
        clipped = np.clip(np.trunc(x64), info.min, info.max)
        clipped = np.where(np.isnan(x64), 0, clipped)
    if new_dtype.itemsize == 8:  # float64 cannot hold INT64_MAX exactly
        out = clipped.astype(new_dtype)
        out = np.where(x64 >= 2.0 ** 63 if new_dtype.kind == "i" else x64 >= 2.0 ** 64,
                       info.max, out)
        return out.astype(new_dtype)
    return clipped.astype(new_dtype)


def _convert_transpose(ct, operand, *, new_dtype, weak_type, sharding):
    del new_dtype, weak_type, sharding  # unused
    old = operand.aval
    if type(ct) is Zero or not dtypes.issubdtype(old.dtype, np.inexact):
        return [Zero(old.to_tangent_aval())]
    return [convert_element_type_p.bind(ct, new_dtype=old.dtype, weak_type=old.weak_type,
                                        sharding=None)]


def _convert_jvp(primals, tangents, *, new_dtype, weak_type, sharding):
    (x,), (t,) = primals, tangents
    out = convert_element_type_p.bind(x, new_dtype=new_dtype, weak_type=weak_type,
                                      sharding=sharding)
    if type(t) is Zero or not dtypes.issubdtype(new_dtype, np.inexact) or \
            not dtypes.issubdtype(get_aval(x).dtype, np.inexact):
        return out, Zero.from_primal_value(out)
    return out, convert_element_type_p.bind(t, new_dtype=new_dtype, weak_type=weak_type,
                                            sharding=sharding)


def _convert_batch_rule(axis_data, vals, dims, **params):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    return convert_element_type_p.bind(x, **params), d


def _convert_dtype_rule(operand, *, new_dtype, **params):
    del params  # unused
    if operand.dtype != new_dtype and (isinstance(operand.dtype, dtypes.ExtendedDType) or
                                       isinstance(new_dtype, dtypes.ExtendedDType)):
        # typed PRNG keys convert to nothing else (use random.key_data / wrap_key_data)
        raise ValueError(f"Cannot convert_element_type from {operand.dtype} to {new_dtype}")
    return new_dtype


convert_element_type_p = standard_primitive(
    lambda operand, **_: operand.shape, _convert_dtype_rule,
    "convert_element_type", lambda weak_in, *, weak_type, **_: weak_type)
convert_element_type_p.def_impl(_convert_impl)
ad.primitive_jvps[convert_element_type_p] = _convert_jvp
ad.primitive_transposes[convert_element_type_p] = _convert_transpose
batching.primitive_batchers[convert_element_type_p] = _convert_batch_rule
staging.staging_rules[convert_element_type_p] = _convert_staging_rule
eager_checks(convert_element_type_p)


def _pp_without_none_sharding(eqn, ctx):
    # JAX omits a None ``sharding`` param when printing these equations.
    shown = {k: v for k, v in eqn.params.items() if not (k == "sharding" and v is None)}
    lhs = _pp_vars(eqn.outvars, ctx, print_shapes=True)
    return concat(lhs, text(" = "), text(eqn.primitive.name), _pp_params(shown, ctx),
                  text(" "), _pp_vars(eqn.invars, ctx))


pp_eqn_rules[convert_element_type_p] = _pp_without_none_sharding


def _convert_to_weak(operand, new_dtype, weak_type: bool):
    """convert_element_type keeping control of the weak flag (used by jnp)."""
    new_dtype = dtypes.canonicalize_dtype(new_dtype, allow_extended_dtype=True)
    aval = get_aval(operand)
    if aval.dtype == new_dtype and aval.weak_type == weak_type:
        return operand
    return convert_element_type_p.bind(operand, new_dtype=new_dtype, weak_type=weak_type,
                                       sharding=None)


# -- broadcast helpers (composites of broadcast_in_dim) -----------------------------------

def broadcast(operand, sizes: Sequence[int], *, out_sharding=None):
    """Add leading dimensions of sizes ``sizes`` to ``operand``.

    ``broadcast(x, (2,))`` of a ``(3, 4)`` array has shape ``(2, 3, 4)``.
    """
    sizes = canonicalize_shape(sizes)
    if not sizes and out_sharding is None:
        return operand
    shape = _aval_shape(operand)
    dims = tuple(range(len(sizes), len(sizes) + len(shape)))
    return broadcast_in_dim(operand, sizes + tuple(shape), dims, out_sharding=out_sharding)


def broadcast_shapes(*shapes):
    """The shape NumPy broadcasting gives ``shapes``; ValueError if they are incompatible."""
    shapes = [canonicalize_shape(s) for s in shapes]
    if not shapes:
        return ()
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + s for s in shapes]
    out = []
    for sizes in zip(*padded):
        non1 = {d for d in sizes if d != 1}
        if len(non1) > 1:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}")
        out.append(non1.pop() if non1 else 1)
    return tuple(out)


def broadcast_to_rank(x, rank: int):
    """Add leading dimensions of size 1 to give ``x`` rank ``rank``."""
    ndim = len(_aval_shape(x))
    if ndim == rank:
        return x
    if ndim > rank:
        raise ValueError(f"broadcast_to_rank: rank {rank} is smaller than the rank {ndim} "
                         f"of the operand.")
    return broadcast(x, (1,) * (rank - ndim))


def broadcast_like(arr, like_arr):
    """Broadcast ``arr`` (NumPy-style, trailing axes aligned) to the shape of ``like_arr``."""
    aval = get_aval(arr)
    shape = tuple(get_aval(like_arr).shape)
    if aval.shape == shape:
        return arr
    if aval.ndim > len(shape):
        raise ValueError(f"Cannot broadcast to shape with fewer dimensions: "
                         f"arr_shape={aval.shape} shape={shape}")
    lead = len(shape) - aval.ndim
    if any(d != 1 and d != shape[lead + i] for i, d in enumerate(aval.shape)):
        raise ValueError(f"Incompatible types for broadcasting: input type="
                         f"{aval.str_short(short_dtypes=False)} and requested type="
                         f"{ShapedArray(shape, aval.dtype).str_short(short_dtypes=False)}")
    return broadcast_in_dim(arr, shape, tuple(range(lead, len(shape))))


# -- iota -----------------------------------------------------------------------------------

def iota(dtype, size: int):
    """``[0, 1, ..., size - 1]`` of dtype ``dtype``."""
    return broadcasted_iota(dtype, (size,), 0)


def broadcasted_iota(dtype, shape: Sequence[int], dimension: int, *, out_sharding=None):
    """An array of ``shape`` whose values count up along axis ``dimension``."""
    dtype = dtypes.canonicalize_dtype(dtype)
    shape = canonicalize_shape(shape)
    dimension = int(operator.index(dimension))
    return iota_p.bind(dtype=dtype, shape=shape, dimension=dimension, sharding=out_sharding)


def _iota_abstract_eval(*, dtype, shape, dimension, sharding):
    del sharding  # unused
    check_dtype("iota", dtype, _num)
    if any(d < 0 for d in shape):
        raise TypeError(f"iota shape must have every element be nonnegative, got {shape}.")
    if not 0 <= dimension < len(shape):
        raise ValueError(f"iota dimension must be between 0 and len(shape), got "
                         f"dimension={dimension} for shape={shape}")
    return ShapedArray(shape, dtype, False)


def _iota_impl(*, dtype, shape, dimension, sharding):
    del sharding  # unused
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    return np.broadcast_to(np.arange(shape[dimension], dtype=dtype).reshape(expanded), shape)


iota_p = Primitive("iota")
iota_p.def_abstract_eval(_iota_abstract_eval)
iota_p.def_impl(_iota_impl)
iota_p.def_weak_type_rule(strong_weak_type_rule)
ad.defjvp_zero(iota_p)
batching.primitive_batchers[iota_p] = _no_operand_batch_rule(iota_p)
eager_checks(iota_p, with_shapes=True)


# -- full / full_like / empty ----------------------------------------------------------------

def full(shape: Sequence[int], fill_value, dtype=None, *, sharding=None):
    """An array of ``shape`` filled with the scalar ``fill_value``.

    The dtype is ``dtype``, or ``fill_value``'s (weak for Python scalars).
    """
    shape = canonicalize_shape(shape)
    if np.shape(fill_value):
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape "
                        f"{np.shape(fill_value)}.")
    if dtype is not None:
        dtypes.check_user_dtype_supported(dtype, "full")
    weak_type = dtype is None and dtypes.is_weakly_typed(fill_value)
    dtype = dtypes.canonicalize_dtype(dtypes.dtype(fill_value) if dtype is None else dtype,
                                      allow_extended_dtype=True)
    if isinstance(dtype, dtypes.ExtendedDType):  # typed PRNG keys: the dtype makes them
        return dtype._rules.full(shape, fill_value, dtype)
    fill = _as_array(_convert_to_weak(fill_value, dtype, weak_type), weak_type)
    return broadcast(fill, shape, out_sharding=sharding)


def _as_array(x, weak_type: bool):
    """``x`` as a pyjax array (Python / NumPy scalars become concrete arrays)."""
    if isinstance(x, Array):
        return x
    from pyjax._src.backend.dispatch import to_numpy
    from pyjax._src.backend.array import ArrayImpl
    return ArrayImpl(to_numpy(x)[0], weak_type)


def full_like(x, fill_value, dtype=None, shape=None, sharding=None):
    """An array like ``x`` (shape, dtype, weak type) filled with ``fill_value``."""
    fill_shape = tuple(np.shape(x)) if shape is None else canonicalize_shape(shape)
    weak_type = dtype is None and dtypes.is_weakly_typed(x)
    if dtype is not None:
        dtypes.check_user_dtype_supported(dtype, "full_like")
    dtype = dtypes.canonicalize_dtype(dtypes.dtype(x) if dtype is None else dtype,
                                      allow_extended_dtype=True)
    if isinstance(dtype, dtypes.ExtendedDType):  # typed PRNG keys: the dtype makes them
        return dtype._rules.full(fill_shape, fill_value, dtype)
    if np.shape(fill_value):
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape "
                        f"{np.shape(fill_value)}.")
    fill = _as_array(_convert_to_weak(fill_value, dtype, weak_type), weak_type)
    return broadcast(fill, fill_shape, out_sharding=sharding)


def _zeros(aval_or_x, dtype=None, shape=None):
    """A zero array like ``aval_or_x`` (an aval or a value): used by transpose rules."""
    aval = aval_or_x if isinstance(aval_or_x, ShapedArray) else get_aval(aval_or_x)
    dtype = aval.dtype if dtype is None else dtype
    shape = aval.shape if shape is None else shape
    return broadcast_in_dim(np.zeros((), dtype), tuple(shape), ())


def empty(shape, dtype, *, out_sharding=None):
    """An array of ``shape`` and ``dtype`` whose values are unspecified (zeros in pyjax)."""
    return empty_p.bind(shape=canonicalize_shape(shape), dtype=dtypes.canonicalize_dtype(dtype),
                        out_sharding=out_sharding)


empty_p = Primitive("empty")
empty_p.def_abstract_eval(lambda *, shape, dtype, out_sharding: ShapedArray(shape, dtype))
empty_p.def_impl(lambda *, shape, dtype, out_sharding: np.zeros(shape, dtype))
empty_p.def_weak_type_rule(strong_weak_type_rule)
ad.defjvp_zero(empty_p)
batching.primitive_batchers[empty_p] = _no_operand_batch_rule(empty_p)
eager_checks(empty_p, with_shapes=True)


# -- collapse --------------------------------------------------------------------------------

def collapse(operand, start_dimension: int, stop_dimension: int | None = None):
    """Merge dimensions ``[start_dimension, stop_dimension)`` of ``operand`` into one."""
    shape = tuple(_aval_shape(operand))
    ndim = len(shape)
    lo = start_dimension + ndim if start_dimension < 0 else start_dimension
    hi = ndim if stop_dimension is None else (
        stop_dimension + ndim if stop_dimension < 0 else stop_dimension)
    if not 0 <= lo <= hi <= ndim:
        raise ValueError(f"Invalid dimension range passed to collapse: "
                         f"{shape}[{start_dimension}:{stop_dimension}]")
    size = int(np.prod(shape[lo:hi], dtype=np.int64))
    return reshape(operand, shape[:lo] + (size,) + shape[hi:])


# -- concatenate ----------------------------------------------------------------------------

def concatenate(operands, dimension: int):
    """Concatenate ``operands`` (same dtype and rank) along axis ``dimension``."""
    operands = list(operands)
    if not operands:
        raise ValueError("concatenate requires a non-empty sequences of arrays")
    if len(operands) == 1:
        return operands[0]
    return concatenate_p.bind(*operands, dimension=int(dimension))


def _concatenate_shape_rule(*operands, dimension):
    shapes = [o.shape for o in operands]
    if len({len(s) for s in shapes}) != 1:
        raise TypeError(f"Cannot concatenate arrays with different numbers of dimensions: "
                        f"got {', '.join(str(s) for s in shapes)}.")
    if not 0 <= dimension < len(shapes[0]):
        raise TypeError(f"concatenate dimension out of bounds: dimension {dimension} for "
                        f"shapes {', '.join(str(s) for s in shapes)}.")
    others = {s[:dimension] + s[dimension + 1:] for s in shapes}
    if len(others) != 1:
        raise TypeError(f"Cannot concatenate arrays with shapes that differ in dimensions "
                        f"other than the one being concatenated: concatenating along "
                        f"dimension {dimension} for shapes "
                        f"{', '.join(str(s) for s in shapes)}.")
    out = list(shapes[0])
    out[dimension] = sum(s[dimension] for s in shapes)
    return tuple(out)


def _concatenate_dtype_rule(*operands, dimension):
    del dimension  # unused
    check_same_dtypes("concatenate", operands)
    return operands[0].dtype


def _concatenate_transpose(ct, *operands, dimension):
    if type(ct) is Zero:
        return [Zero(o.aval) if is_undefined_primal(o) else None for o in operands]
    out, start = [], 0
    for o in operands:
        size = _aval_shape(o)[dimension]
        if is_undefined_primal(o):
            from pyjax._src.lax.slicing import slice_in_dim
            out.append(slice_in_dim(ct, start, start + size, axis=dimension))
        else:
            out.append(None)
        start += size
    return out


def _concatenate_batch_rule(axis_data, vals, dims, *, dimension):
    vals = [batching.bdim_at_front(v, d, axis_data.size) for v, d in zip(vals, dims)]
    return concatenate(vals, dimension + 1), 0


concatenate_p = standard_primitive(_concatenate_shape_rule, _concatenate_dtype_rule,
                                   "concatenate")
concatenate_p.def_impl(lambda *operands, dimension: np.concatenate(operands, axis=dimension))
ad.deflinear2(concatenate_p, _concatenate_transpose)
batching.primitive_batchers[concatenate_p] = _concatenate_batch_rule
eager_checks(concatenate_p, with_shapes=True)


# -- pad ------------------------------------------------------------------------------------

def pad(operand, padding_value, padding_config: Sequence[tuple[int, int, int]]):
    """Pad ``operand`` with ``padding_value``: per axis ``(low, high, interior)``.

    ``low``/``high`` may be negative (they then crop); ``interior`` (>= 0) inserts
    that many values between neighbouring elements.
    """
    config = tuple(tuple(int(p) for p in c) for c in padding_config)
    return pad_p.bind(operand, padding_value, padding_config=config)


def _pad_shape_rule(operand, padding_value, *, padding_config):
    if padding_value.ndim != 0:
        raise TypeError(f"pad padding_value must be a scalar, got shape {padding_value.shape}.")
    if len(padding_config) != operand.ndim or any(len(c) != 3 for c in padding_config):
        raise ValueError(f"length of padding_config must equal the number of axes of "
                         f"operand, got padding_config {padding_config} for operand shape "
                         f"{operand.shape}")
    if any(i < 0 for _, _, i in padding_config):
        raise ValueError(f"interior padding in padding_config must be nonnegative, got "
                         f"padding_config {padding_config}")
    out = tuple(lo + hi + n + max(n - 1, 0) * i
                for n, (lo, hi, i) in zip(operand.shape, padding_config))
    if any(d < 0 for d in out):
        raise ValueError(f"Dimension size after padding is not at least 0, got result shape "
                         f"{out}, for padding_config {padding_config} and operand shape "
                         f"{operand.shape}")
    return out


def _pad_dtype_rule(operand, padding_value, *, padding_config):
    del padding_config  # unused
    if operand.dtype != padding_value.dtype:
        raise TypeError(f"pad operand and padding_value must be same dtype: got "
                        f"{operand.dtype.name} and {padding_value.dtype.name}.")
    return operand.dtype


def _pad_impl(operand, padding_value, *, padding_config):
    # Non-negative and interior padding first, then crop the negative edges.
    grown, place, crop = [], [], []
    for n, (lo, hi, interior) in zip(operand.shape, padding_config):
        lo_p, hi_p = max(lo, 0), max(hi, 0)
        size = lo_p + hi_p + n + max(n - 1, 0) * interior
        grown.append(size)
        place.append(slice(lo_p, lo_p + n + max(n - 1, 0) * interior, interior + 1))
        crop.append(slice(lo_p - lo if lo < 0 else 0, size + hi if hi < 0 else size))
    out = np.full(grown, padding_value, dtype=operand.dtype)
    out[tuple(place)] = operand
    return out[tuple(crop)]


def _pad_transpose(ct, operand, padding_value, *, padding_config):
    from pyjax._src.lax.reductions import reduce_sum
    from pyjax._src.lax.slicing import slice as slice_op
    if type(ct) is Zero:
        return [Zero(operand.aval) if is_undefined_primal(operand) else None,
                Zero(padding_value.aval) if is_undefined_primal(padding_value) else None]
    # Undo low/high padding (negated: crops become zeros), then drop interior padding.
    unpad = tuple((-lo, -hi, 0) for lo, hi, _ in padding_config)
    unpadded = pad(ct, np.zeros((), get_aval(ct).dtype), unpad)
    shape = _aval_shape(unpadded)
    ct_operand = slice_op(unpadded, (0,) * len(shape), shape,
                          tuple(i + 1 for _, _, i in padding_config))
    ct_pv = None
    if is_undefined_primal(padding_value):
        all_axes = tuple(range(len(_aval_shape(ct))))
        total = reduce_sum(ct, all_axes)
        from pyjax._src.lax.elementwise import sub
        ct_pv = sub(total, reduce_sum(ct_operand, all_axes))
    return [ct_operand if is_undefined_primal(operand) else None, ct_pv]


def _pad_batch_rule(axis_data, vals, dims, *, padding_config):
    (x, pv), (xd, pvd) = vals, dims
    if pvd is batching.not_mapped:
        config = list(padding_config)
        config.insert(xd, (0, 0, 0))
        return pad(x, pv, tuple(config)), xd
    # A batched padding value: pad with zeros, then select the padding positions.
    x = batching.bdim_at_front(x, xd, axis_data.size)
    config = ((0, 0, 0),) + tuple(padding_config)
    dtype = get_aval(x).dtype
    padded = pad(x, np.zeros((), dtype), config)
    mask = pad(full(_aval_shape(x), True), False, config)
    out_shape = _aval_shape(padded)
    pv = broadcast_in_dim(batching.moveaxis(pv, pvd, 0), out_shape, (0,))
    return _lax_fn("select_n")(mask, pv, padded), 0


pad_p = standard_primitive(_pad_shape_rule, _pad_dtype_rule, "pad")
pad_p.def_impl(_pad_impl)
ad.deflinear2(pad_p, _pad_transpose)
batching.primitive_batchers[pad_p] = _pad_batch_rule
eager_checks(pad_p, with_shapes=True)


def padtype_to_pads(in_shape, window_shape, window_strides, padding):
    """Explicit ``(low, high)`` pads for a padding name ``'VALID'``, ``'SAME'``,
    ``'SAME_LOWER'`` (as convolutions and windowed reductions use them)."""
    name = padding.upper() if isinstance(padding, str) else getattr(padding, "name", padding)
    if name == "VALID":
        return [(0, 0)] * len(in_shape)
    if name not in ("SAME", "SAME_LOWER"):
        raise RuntimeError(f"Unrecognized padding type: expected 'VALID', 'SAME', or "
                           f"'SAME_LOWER', got {padding}.")
    pads = []
    for n, w, s in zip(in_shape, window_shape, window_strides, strict=True):
        out = -(-int(n) // int(s))
        total = max(0, (out - 1) * int(s) + int(w) - int(n))
        small, big = total // 2, total - total // 2
        pads.append((small, big) if name == "SAME" else (big, small))
    return pads


# -- rev ------------------------------------------------------------------------------------

def rev(operand, dimensions: Sequence[int]):
    """Reverse ``operand`` along each axis in ``dimensions``."""
    return rev_p.bind(operand, dimensions=tuple(int(d) for d in dimensions))


def _rev_shape_rule(operand, *, dimensions):
    if len(set(dimensions)) != len(dimensions):
        raise TypeError(f"rev dimensions must be unique, got {dimensions}.")
    if any(d < 0 for d in dimensions):
        raise TypeError(f"rev dimensions must have every element be nonnegative, got "
                        f"{dimensions}.")
    if any(d >= operand.ndim for d in dimensions):
        raise TypeError(f"rev dimensions must all be less than operand ndim, got dimensions "
                        f"{dimensions} for operand ndim {operand.ndim}.")
    return operand.shape


def _rev_batch_rule(axis_data, vals, dims, *, dimensions):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    return rev(x, tuple(a + (a >= d) for a in dimensions)), d


rev_p = standard_primitive(_rev_shape_rule, lambda operand, **_: operand.dtype, "rev",
                           first_operand_weak_type_rule)
rev_p.def_impl(lambda operand, *, dimensions: np.flip(operand, dimensions)
               if dimensions else operand)
ad.deflinear2(rev_p, lambda ct, operand, *, dimensions: [
    Zero(operand.aval) if type(ct) is Zero else rev(ct, dimensions)])
batching.primitive_batchers[rev_p] = _rev_batch_rule
eager_checks(rev_p, with_shapes=True)


# -- split ----------------------------------------------------------------------------------

def split(operand, sizes: Sequence[int], axis: int = 0):
    """Split ``operand`` along ``axis`` into pieces of lengths ``sizes`` (a list)."""
    ndim = len(_aval_shape(operand))
    axis = _canonical_axis(axis, ndim)
    return split_p.bind(operand, sizes=tuple(int(s) for s in sizes), axis=axis)


def _split_abstract_eval(operand, *, sizes, axis):
    if not 0 <= axis < operand.ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {operand.ndim}")
    if any(s < 0 for s in sizes):
        raise ValueError(f"Sizes passed to split must be nonnegative, got {list(sizes)}")
    if sum(sizes) != operand.shape[axis]:
        raise ValueError(f"Sum of sizes {sum(sizes)} must be equal to dimension {axis} of the "
                         f"operand shape {list(operand.shape)}")
    shapes = []
    for s in sizes:
        shape = list(operand.shape)
        shape[axis] = s
        shapes.append(ShapedArray(tuple(shape), operand.dtype, operand.weak_type))
    return shapes


def _split_impl(operand, *, sizes, axis):
    return np.split(operand, np.cumsum(sizes[:-1]).astype(int), axis=axis)


def _split_transpose(cts, operand, *, sizes, axis):
    aval = operand.aval
    if all(type(ct) is Zero for ct in cts):
        return [Zero(aval)]
    pieces = []
    for ct, s in zip(cts, sizes):
        if type(ct) is Zero:
            shape = list(aval.shape)
            shape[axis] = s
            ct = _zeros(aval, shape=tuple(shape))
        pieces.append(ct)
    return [concatenate(pieces, axis)]


def _split_batch_rule(axis_data, vals, dims, *, sizes, axis):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    outs = split_p.bind(x, sizes=sizes, axis=axis + (axis >= d))
    return outs, [d] * len(outs)


split_p = Primitive("split")
split_p.multiple_results = True
split_p.def_abstract_eval(_split_abstract_eval)
split_p.def_impl(_split_impl)
split_p.def_weak_type_rule(first_operand_weak_type_rule)
ad.deflinear2(split_p, _split_transpose)
batching.primitive_batchers[split_p] = _split_batch_rule
eager_checks(split_p, with_shapes=True)


# -- stack / unstack ------------------------------------------------------------------------

def stack(operands, axis: int = 0):
    """Join ``operands`` (same shape and dtype) along a new axis ``axis``."""
    operands = list(operands)
    if not operands:
        raise ValueError("stack requires a non-empty sequence of arrays")
    ndim = len(_aval_shape(operands[0])) + 1
    return stack_p.bind(*operands, axis=_canonical_axis(axis, ndim))


def _stack_shape_rule(*operands, axis):
    shapes = [o.shape for o in operands]
    if len(set(shapes)) != 1:
        raise ValueError(f"All input arrays must have the same shape. Got "
                         f"{', '.join(str(s) for s in shapes)}.")
    if not 0 <= axis <= len(shapes[0]):
        raise ValueError(f"axis {axis} is out of bounds for array of dimension "
                         f"{len(shapes[0]) + 1}")
    shape = list(shapes[0])
    shape.insert(axis, len(operands))
    return tuple(shape)


def _stack_dtype_rule(*operands, axis):
    del axis  # unused
    if len({o.dtype for o in operands}) > 1:
        raise TypeError(f"lax.stack requires arguments to have the same dtypes, got "
                        f"{', '.join(o.dtype.name for o in operands)}.")
    return operands[0].dtype


def _stack_transpose(ct, *operands, axis):
    if type(ct) is Zero:
        return [Zero(o.aval) if is_undefined_primal(o) else None for o in operands]
    pieces = unstack(ct, axis)
    return [p if is_undefined_primal(o) else None for p, o in zip(pieces, operands)]


def _stack_batch_rule(axis_data, vals, dims, *, axis):
    vals = [batching.bdim_at_front(v, d, axis_data.size) for v, d in zip(vals, dims)]
    return stack_p.bind(*vals, axis=axis + 1), 0


stack_p = standard_primitive(_stack_shape_rule, _stack_dtype_rule, "stack")
stack_p.def_impl(lambda *operands, axis: np.stack(operands, axis=axis))
ad.deflinear2(stack_p, _stack_transpose)
batching.primitive_batchers[stack_p] = _stack_batch_rule
eager_checks(stack_p, with_shapes=True)


def unstack(x, axis: int = 0):
    """The slices of ``x`` along ``axis``, as a tuple."""
    ndim = len(_aval_shape(x))
    return tuple(unstack_p.bind(x, axis=_canonical_axis(axis, ndim)))


def _unstack_abstract_eval(x, *, axis):
    if not 0 <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {x.ndim}")
    shape = x.shape[:axis] + x.shape[axis + 1:]
    return [ShapedArray(shape, x.dtype, x.weak_type)] * x.shape[axis]


def _unstack_transpose(cts, x, *, axis):
    aval = x.aval
    if all(type(ct) is Zero for ct in cts):
        return [Zero(aval)]
    shape = aval.shape[:axis] + aval.shape[axis + 1:]
    cts = [_zeros(aval, shape=shape) if type(ct) is Zero else ct for ct in cts]
    return [stack(cts, axis)]


def _unstack_batch_rule(axis_data, vals, dims, *, axis):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    axis_in = axis + (axis >= d)
    outs = unstack_p.bind(x, axis=axis_in)
    return outs, [d - (axis_in < d)] * len(outs)


unstack_p = Primitive("unstack")
unstack_p.multiple_results = True
unstack_p.def_abstract_eval(_unstack_abstract_eval)
unstack_p.def_impl(lambda x, *, axis: list(np.moveaxis(x, axis, 0)))
unstack_p.def_weak_type_rule(first_operand_weak_type_rule)
ad.deflinear2(unstack_p, _unstack_transpose)
batching.primitive_batchers[unstack_p] = _unstack_batch_rule
eager_checks(unstack_p, with_shapes=True)


# -- tile -----------------------------------------------------------------------------------

def tile(operand, reps: Sequence[int]):
    """Repeat ``operand`` ``reps[i]`` times along each axis i (len(reps) == ndim)."""
    return tile_p.bind(operand, reps=tuple(int(r) for r in reps))


def _tile_shape_rule(operand, *, reps):
    if len(reps) != operand.ndim:
        raise TypeError(f"reps length must be equal to the ndim of x, got len(reps)="
                        f"{len(reps)} and x.ndim={operand.ndim}.")
    if any(r < 0 for r in reps):
        raise TypeError(f"tile reps must be nonnegative, got {reps}.")
    return tuple(n * r for n, r in zip(operand.shape, reps))


def _tile_transpose(ct, operand, *, reps):
    from pyjax._src.lax.reductions import reduce_sum
    aval = operand.aval
    if type(ct) is Zero:
        return [Zero(aval)]
    # ct[r0 * n0 + i0, ...] -> axes (r0, n0, r1, n1, ...); sum over the r axes.
    split_shape = tuple(d for r, n in zip(reps, aval.shape) for d in (r, n))
    summed = reduce_sum(reshape(ct, split_shape), tuple(range(0, 2 * len(reps), 2)))
    return [summed]


def _tile_batch_rule(axis_data, vals, dims, *, reps):
    del axis_data  # unused
    (x,), (d,) = vals, dims
    reps = list(reps)
    reps.insert(d, 1)
    return tile(x, reps), d


tile_p = standard_primitive(_tile_shape_rule, lambda operand, **_: operand.dtype, "tile",
                            first_operand_weak_type_rule)
tile_p.def_impl(lambda operand, *, reps: np.tile(operand, reps))
ad.deflinear2(tile_p, _tile_transpose)
batching.primitive_batchers[tile_p] = _tile_batch_rule
eager_checks(tile_p, with_shapes=True)


__all__ = [
    "broadcast_in_dim", "reshape", "transpose", "squeeze", "expand_dims",
    "convert_element_type", "broadcast_in_dim_p", "reshape_p", "transpose_p", "squeeze_p",
    "convert_element_type_p",
    "broadcast", "broadcast_shapes", "broadcast_to_rank", "broadcast_like", "iota",
    "broadcasted_iota", "iota_p", "full", "full_like", "empty", "collapse", "concatenate",
    "concatenate_p", "pad", "pad_p", "padtype_to_pads", "rev", "rev_p", "split", "split_p",
    "stack", "stack_p", "unstack", "unstack_p", "tile", "tile_p",
]
