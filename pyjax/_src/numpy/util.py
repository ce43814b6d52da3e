"""Argument checking and promotion shared by every ``jax.numpy`` function.

    promote_args(fname, *args)          dtype promotion (JAX's lattice) + rank promotion
    promote_args_inexact(fname, *args)  same, then ints/bools -> default float
    promote_dtypes(*args)               convert to the common dtype (keeping weak types)
    promote_shapes(fname, *args)        prepend size-1 axes to lower-rank non-scalars
    check_arraylike(fname, *args)       reject lists/tuples (JAX's TypeError) and junk
    ensure_arraylike(fname, *args)      check + convert to pyjax arrays

Scalars (rank 0) are not rank-promoted: lax elementwise ops combine rank-0
operands with any rank, as JAX's jaxprs show (``mul b 2.0:f32[]``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.config import config
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import get_aval
from pyjax._src.core.trace import is_eval_context


_ARRAYLIKE_TYPES = frozenset([ArrayImpl, np.ndarray, int, float, complex, bool])


def _arraylike(x) -> bool:
    if type(x) in _ARRAYLIKE_TYPES:  # the common cases, without isinstance chains
        return True
    return (isinstance(x, (Array, np.ndarray, np.generic)) or hasattr(x, "__jax_array__"))


def check_arraylike(fname: str, *args: Any, emit_warning: bool = False) -> None:
    """Raise JAX's TypeError if an argument is not an array or scalar (lists included)."""
    del emit_warning  # unused
    for pos, arg in enumerate(args):
        if not _arraylike(arg):
            raise TypeError(f"{fname} requires ndarray or scalar arguments, got "
                            f"{type(arg)} at position {pos}.")


def ensure_arraylike(fname: str, *args: Any):
    """Check and convert every argument to a pyjax array; one value for one argument."""
    check_arraylike(fname, *args)
    out = [asarray(a) for a in args]
    return out[0] if len(out) == 1 else out


def asarray(x):
    """``x`` as a pyjax array (no copy for pyjax arrays and tracers; weak for Python scalars)."""
    if isinstance(x, Array):
        return x
    from pyjax._src.backend.dispatch import to_numpy
    v, weak = to_numpy(x)
    if isinstance(x, np.ndarray):
        v = v.copy() if v is x else v  # NumPy arrays are mutable: take a private copy
    return ArrayImpl(v, weak)


def promote_dtypes(*args: Any) -> list:
    """Convert ``args`` to their common dtype (JAX's lattice); weak result stays weak."""
    from pyjax._src.lax.structural import _convert_to_weak
    if len(args) < 2:
        return [asarray(a) for a in args]
    to_dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    return [_convert_to_weak(a, to_dtype, weak) if _needs_convert(a, to_dtype, weak)
            else _operand(a) for a in args]


def _operand(x):
    """``x`` as a lax operand; under tracing a Python scalar becomes a weak NumPy
    constant, which stages as a literal (``1.5:f32[]``) rather than a captured array."""
    if type(x) in (int, float, complex) and not is_eval_context():
        from pyjax._src.backend.dispatch import to_numpy
        from pyjax._src.core.avals import typed_ndarray
        return typed_ndarray(*to_numpy(x))
    return asarray(x)


def _needs_convert(x, dtype, weak) -> bool:
    aval = get_aval(x)
    return aval.dtype != dtype or aval.weak_type != weak


def to_inexact_dtype(dt) -> np.dtype:
    """The inexact dtype jnp promotes ``dt`` to: bool and ints of up to 32 bits become
    float32 even with x64 on (measured in JAX 0.10.2), 64-bit ints the default float."""
    dt = dtypes.dtype(dt)
    if dtypes.is_inexact(dt):
        return dt
    if dtypes.itemsize_bits(dt) <= 32:
        return np.dtype(np.float32)
    return dtypes.default_float_dtype()


def promote_dtypes_inexact(*args: Any) -> list:
    """Promote, then turn integer/bool results into the default float dtype."""
    from pyjax._src.lax.structural import _convert_to_weak
    to_dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    to_dtype = to_inexact_dtype(to_dtype)
    return [_convert_to_weak(a, to_dtype, weak) if _needs_convert(a, to_dtype, weak)
            else asarray(a) for a in args]


def promote_dtypes_numeric(*args: Any) -> list:
    """Promote, then turn bool results into the default int dtype."""
    from pyjax._src.lax.structural import _convert_to_weak
    to_dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    if to_dtype == np.bool_:
        to_dtype = dtypes.default_int_dtype()
    return [_convert_to_weak(a, to_dtype, weak) if _needs_convert(a, to_dtype, weak)
            else asarray(a) for a in args]


def promote_dtypes_complex(*args: Any) -> list:
    from pyjax._src.lax.structural import _convert_to_weak
    to_dtype, weak = dtypes.result_type(*args, return_weak_type_flag=True)
    to_dtype = dtypes.to_complex_dtype(to_dtype)
    return [_convert_to_weak(a, to_dtype, weak) if _needs_convert(a, to_dtype, weak)
            else asarray(a) for a in args]


def promote_shapes(fname: str, *args: Any) -> list:
    """Prepend size-1 axes so that all non-scalar operands have the same rank."""
    if len(args) < 2:
        return list(args)
    shapes = [np.shape(a) if not isinstance(a, Array) else a.shape for a in args]
    nonscalar_ranks = {len(s) for s in shapes if len(s)}
    if len(nonscalar_ranks) < 2:
        return list(args)
    _check_broadcastable(shapes)
    mode = config.jax_numpy_rank_promotion
    if mode != "allow":
        msg = (f"Operands could not be broadcast together for {fname} with shapes "
               f"{' '.join(str(s) for s in shapes)} and with the config option "
               f"jax_numpy_rank_promotion='{mode}'. For more information, see "
               f"https://docs.jax.dev/en/latest/rank_promotion_warning.html.")
        if mode == "raise":
            raise ValueError(msg)
        import warnings
        warnings.warn(msg)
    from pyjax._src.lax.structural import broadcast_in_dim
    rank = max(nonscalar_ranks)
    out = []
    for a, s in zip(args, shapes):
        if 0 < len(s) < rank:
            new_shape = (1,) * (rank - len(s)) + tuple(s)
            a = broadcast_in_dim(a, new_shape, tuple(range(rank - len(s), rank)))
        out.append(a)
    return out


def _check_broadcastable(shapes) -> None:
    """JAX's ValueError for shapes that cannot broadcast together (after rank promotion)."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes="
                         f"{[tuple(s) for s in shapes]}") from None


def promote_args(fname: str, *args: Any) -> list:
    """check_arraylike + promote_dtypes + promote_shapes (what binary ufuncs need)."""
    check_arraylike(fname, *args)
    check_for_prngkeys(fname, *args)
    return promote_shapes(fname, *promote_dtypes(*args))


def promote_args_inexact(fname: str, *args: Any) -> list:
    check_arraylike(fname, *args)
    check_for_prngkeys(fname, *args)
    return promote_shapes(fname, *promote_dtypes_inexact(*args))


def promote_args_numeric(fname: str, *args: Any) -> list:
    check_arraylike(fname, *args)
    check_for_prngkeys(fname, *args)
    return promote_shapes(fname, *promote_dtypes_numeric(*args))


def check_for_prngkeys(fname: str, *args: Any) -> None:
    """JAX's TypeError for typed PRNG keys mixed with other dtypes (``k + 1``): "add does
    not accept dtypes key<fry>, int32.".  Keys of one dtype pass on to lax, which accepts
    them (``k == k``) or names the dtype and position (``k + k``)."""
    if len(args) < 2:
        return
    arg_dtypes = [getattr(a, "dtype", None) for a in args]
    if not any(isinstance(d, dtypes.ExtendedDType) for d in arg_dtypes):
        return
    arg_dtypes = [dtypes.dtype(a, canonicalize=True) for a in args]
    if any(d != arg_dtypes[0] for d in arg_dtypes[1:]):
        raise TypeError(f"{fname} does not accept dtypes "
                        f"{', '.join(str(d) for d in arg_dtypes)}.")


def canonicalize_axis(axis: int, ndim: int) -> int:
    """Normalize a possibly negative axis; numpy-style AxisError-like ValueError otherwise."""
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim if ndim else axis


def canonicalize_axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        return (canonicalize_axis(axis, ndim),)
    axes = tuple(canonicalize_axis(a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {tuple(axis)}")
    return axes


def concrete_or_error(x, context: str = ""):
    """The concrete value of ``x`` or ConcretizationTypeError with ``context``."""
    from pyjax._src import errors
    from pyjax._src.core.trace import Tracer
    if isinstance(x, Tracer):
        val = x.to_concrete_value()
        if val is None:
            raise errors.ConcretizationTypeError(x, context)
        return val
    return x


# ---- helpers shared by the jnp families -------------------------------------------------

def is_eager() -> bool:
    """True when no transformation is active (ops run their NumPy impl directly)."""
    from pyjax._src.core import trace as trace_mod
    return trace_mod.trace_state.trace is trace_mod.eval_trace


def lax_const(x, value) -> np.ndarray:
    """``value`` as a strong 0-d NumPy constant of ``x``'s dtype (for lax ops)."""
    return np.asarray(value, dtype=get_aval(x).dtype)


def weak_const(x, value):
    """``value`` as a 0-d constant of ``x``'s dtype, weakly typed when ``x`` is a weakly
    typed *scalar* (JAX's ``lax._const``: a weak 0-d ``x`` gives a Python scalar, anything
    else a strong NumPy constant, so ``deg2rad(180)`` is weak but ``deg2rad(x + 1.0)`` for a
    weak vector is not)."""
    aval = get_aval(x)
    return ArrayImpl(np.asarray(value, dtype=aval.dtype), aval.weak_type and not aval.shape)


def like_const(x, value):
    """``value`` as a 0-d constant of ``x``'s dtype and weak type (JAX's ``lax._ones`` /
    ``full_like``: weak whenever ``x`` is, whatever its shape)."""
    aval = get_aval(x)
    return ArrayImpl(np.asarray(value, dtype=aval.dtype), aval.weak_type)


def py_const(x, value):
    """``value`` as a Python scalar operand would be: a weak 0-d constant of ``x``'s dtype
    (``x - 1`` in JAX's own compositions)."""
    return ArrayImpl(np.asarray(value, dtype=get_aval(x).dtype), True)


def shape_of(x) -> tuple:
    return x.shape if isinstance(x, Array) else np.shape(x)


def broadcast_to(x, shape: Sequence[int]):
    """``x`` (an array) broadcast to ``shape`` with NumPy's rules (internal jnp helper)."""
    from pyjax._src.lax.structural import broadcast_in_dim
    x = asarray(x)
    shape = tuple(shape)
    x_shape = x.shape
    if x_shape == shape:
        return x
    nlead = len(shape) - len(x_shape)
    if nlead < 0 or any(d != 1 and d != s for d, s in zip(x_shape, shape[nlead:])):
        raise ValueError(f"Incompatible shapes for broadcasting: {x_shape} and requested "
                         f"shape {shape}")
    keep = [i for i, d in enumerate(x_shape) if d == shape[nlead + i]]
    if len(keep) != len(x_shape):
        from pyjax._src.lax.structural import reshape
        x = reshape(x, tuple(x_shape[i] for i in keep))
    return broadcast_in_dim(x, shape, tuple(nlead + i for i in keep))


def broadcast_arrays(*args) -> list:
    """Broadcast pyjax arrays to their common NumPy shape (internal jnp helper)."""
    shapes = [shape_of(a) for a in args]
    if len(set(shapes)) <= 1:
        return [asarray(a) for a in args]
    _check_broadcastable(shapes)
    shape = np.broadcast_shapes(*shapes)
    return [broadcast_to(a, shape) for a in args]


def where_(condition, x, y):
    """``lax.select_n`` with jnp's dtype promotion and NumPy broadcasting (internal)."""
    if is_eager():
        out = _where_eager(condition, x, y)
        if out is not None:
            return out
    return _where_general(condition, x, y)


def _where_general(condition, x, y):
    import pyjax.lax as lax
    x, y = promote_dtypes(x, y)
    condition = asarray(condition)
    if condition.dtype != np.bool_:
        condition = lax.ne(condition, lax_const(condition, 0))
    condition, x, y = broadcast_arrays(condition, x, y)
    return lax.select_n(condition, y, x)


def _where_eager(condition, x, y):
    """``where_`` on concrete values in one NumPy call: the values, dtype and weak type
    the general path computes (promotion, then ``convert_element_type``'s impl, then
    select), or None to fall back to it (tracers, broadcasting/rank-promotion errors)."""
    from pyjax._src.backend.dispatch import to_numpy
    from pyjax._src.core.trace import Tracer
    from pyjax._src.lax.structural import convert_element_type_p
    if any(isinstance(v, Tracer) or isinstance(getattr(v, "dtype", None), dtypes.ExtendedDType)
           for v in (condition, x, y)):
        return None  # typed keys go through select_n's physical rule
    c, _ = to_numpy(condition)
    dtype, weak = dtypes.result_type(x, y, return_weak_type_flag=True)
    vals = []
    for v in (x, y):
        v, _ = to_numpy(v)
        if v.dtype != dtype:
            v = np.asarray(convert_element_type_p.impl(v, new_dtype=dtype, weak_type=weak,
                                                       sharding=None))
        vals.append(v)
    ranks = {np.ndim(v) for v in (c, *vals) if np.ndim(v)}
    if len(ranks) > 1 and config.jax_numpy_rank_promotion != "allow":
        return None
    try:
        np.broadcast_shapes(c.shape, vals[0].shape, vals[1].shape)
    except ValueError:
        return None
    if c.dtype != np.bool_:
        c = c != 0
    return ArrayImpl(np.asarray(np.where(c, vals[0], vals[1])), weak)


def check_no_float0s(fname: str, *args: Any) -> None:
    """Reject float0 (the tangent dtype of ints) as an operand, as JAX does."""
    for arg in args:
        if getattr(arg, "dtype", None) == dtypes.float0:
            raise TypeError(f"Called {fname} with a float0 array. float0s do not support any "
                            "operations by design because they are not compatible with "
                            "non-trivial vector spaces. No implicit dtype conversion is done. "
                            "You can use np.zeros_like(arr, dtype=np.float) to cast a float0 "
                            "array to a regular zeros array. \nIf you didn't expect to get a "
                            "float0 you might have accidentally taken a gradient with respect "
                            "to an integer argument.")


def canonicalize_user_dtype(dtype, fname: str):
    """Check a user-requested dtype (warning on 64-bit with x64 off) and canonicalize it."""
    if dtype is None:
        return None
    if isinstance(dtype, type) and isinstance(getattr(dtype, "dtype", None), np.dtype):
        dtype = dtype.dtype  # jnp scalar types (np.float32.dtype is a descriptor, not a dtype)
    dtypes.check_user_dtype_supported(dtype, fname)
    if isinstance(dtype, type) and dtype in dtypes.python_scalar_dtypes:
        return dtypes.canonicalize_dtype(dtypes.python_scalar_dtypes[dtype])
    return dtypes.canonicalize_dtype(dtype, allow_extended_dtype=True)
