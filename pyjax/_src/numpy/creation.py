"""Array creation for ``jax.numpy``: array/asarray, zeros/ones/full/empty(+_like), ranges, eye.

Dtype rules (JAX's, measured on 0.10.2):
  * Python scalars give weakly typed arrays of the default dtype of their kind
    (``array(1.0)`` is a weak float32); a Python int outside int32 raises
    ``OverflowError: Python int 2147483648 too large to convert to int32``.
  * Lists/tuples give strong arrays of the promoted dtype of their leaves.
  * NumPy inputs are canonicalized: float64 -> float32 and int64 -> int32 (wrapping
    silently) with x64 off; NumPy data is always copied.
  * An explicitly requested 64-bit dtype with x64 off is truncated with JAX's
    UserWarning (``dtypes.check_user_dtype_supported``).

Eager creation builds the NumPy value directly; under a transformation the same
functions emit lax primitives (``broadcast_in_dim`` of a literal, ``iota``) so
that staged jaxprs read as JAX's.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import get_aval
from pyjax._src.core.trace import Tracer
from pyjax._src.numpy.util import (canonicalize_user_dtype, check_arraylike, concrete_or_error,
                                   is_eager)

_PY_SCALARS = (bool, int, float, complex)


# ---- conversion ---------------------------------------------------------------------

def _check_order(order) -> None:
    if order is not None and order != "K":
        raise NotImplementedError("Only implemented for order='K'")


def _python_scalar_value(x, dtype) -> np.ndarray:
    """A Python scalar as NumPy data of ``dtype`` (JAX converts via the kind's Python type)."""
    pytype = dtypes.scalar_type_of(dtype)
    return np.array(pytype(x), dtype=dtype)


def _scalar_array(x, dtype) -> ArrayImpl:
    if dtype is None:
        dt = dtypes.canonicalize_dtype(dtypes.python_scalar_dtypes[type(x)])
        return ArrayImpl(np.asarray(dtypes.coerce_python_scalar(x, dt)), type(x) is not bool)
    return ArrayImpl(_python_scalar_value(x, dtype), False)


def _numpy_array(x, dtype) -> ArrayImpl:
    x = np.asarray(x)
    if dtype is None:
        dtypes.dtype(x)  # TypeError for strings/objects, naming the value
        dtype = dtypes.canonicalize_dtype(x.dtype)
    # astype copies (NumPy data is mutable) and wraps int64 -> int32 like JAX does
    return ArrayImpl(x.astype(dtype), False)


def _leaves(obj, out: list) -> None:
    if isinstance(obj, (list, tuple)):
        for o in obj:
            _leaves(o, out)
    else:
        out.append(obj)


def _replace_leaves(obj, fn):
    if isinstance(obj, (list, tuple)):
        return [_replace_leaves(o, fn) for o in obj]
    return fn(obj)


def _sequence_array(obj, dtype):
    leaves: list = []
    _leaves(obj, leaves)
    for leaf in leaves:
        if leaf is None:
            raise ValueError("None is not a valid value for jnp.array")
    if any(isinstance(leaf, Tracer) or isinstance(getattr(leaf, "dtype", None),
                                                  dtypes.ExtendedDType) for leaf in leaves):
        return _stack_traced(obj, dtype)  # (typed PRNG keys have no NumPy form either)
    if dtype is None:
        dtype = dtypes.result_type(*leaves) if leaves else dtypes.default_float_dtype()
        if all(type(leaf) in _PY_SCALARS for leaf in leaves):
            # Python scalars of the promoted kind: NumPy converts them the same way (and
            # raises the same OverflowError for ints out of range)
            return ArrayImpl(np.array(obj, dtype=dtype), False)

    def to_np(leaf):
        if type(leaf) in _PY_SCALARS:
            return _python_scalar_value(leaf, dtype)
        if isinstance(leaf, ArrayImpl):
            return leaf._check_live()
        if hasattr(leaf, "__jax_array__"):
            return np.asarray(leaf.__jax_array__())
        dtypes.dtype(leaf)  # reject strings and objects with JAX's message
        return leaf
    value = np.array(_replace_leaves(obj, to_np), dtype=dtype)
    return ArrayImpl(value, False)


def _stack_traced(obj, dtype):
    """``array`` of a nested list holding tracers: convert leaves, then stack."""
    from pyjax._src.lax.structural import broadcast_in_dim, convert_element_type
    leaves: list = []
    _leaves(obj, leaves)
    if dtype is None:
        dtype = dtypes.result_type(*leaves)

    def build(o):
        if isinstance(o, (list, tuple)):
            parts = [build(p) for p in o]
            shapes = {p.shape for p in parts}
            if len(shapes) != 1:
                raise ValueError("setting an array element with a sequence. The requested "
                                 "array has an inhomogeneous shape.")
            import pyjax.lax as lax
            shape = parts[0].shape
            parts = [broadcast_in_dim(p, (1, *shape), tuple(range(1, len(shape) + 1)))
                     for p in parts]
            return lax.concatenate(parts, 0)
        return convert_element_type(asarray(o), dtype)
    return build(obj)


def _from_object(obj, dtype):
    """Convert anything array-like to a pyjax array of ``dtype`` (None: inferred)."""
    if isinstance(obj, Array):
        if dtype is None or obj.dtype == dtype:
            return obj if dtype is None else _convert(obj, dtype)
        return _convert(obj, dtype)
    t = type(obj)
    if t in _PY_SCALARS:
        return _scalar_array(obj, dtype)
    if isinstance(obj, (np.ndarray, np.generic)):
        return _numpy_array(obj, dtype)
    if obj is None:
        raise ValueError("None is not a valid value for jnp.array")
    if hasattr(obj, "__jax_array__"):
        return _from_object(obj.__jax_array__(), dtype)
    if isinstance(obj, (list, tuple)):
        return _sequence_array(obj, dtype)
    arr = np.asarray(obj)
    if arr.dtype == object:
        raise TypeError(f"Value '{obj}' with dtype object is not a valid JAX array type. "
                        "Only arrays of numeric types are supported by JAX.")
    return _numpy_array(arr, dtype)


def _convert(x, dtype):
    from pyjax._src.lax.structural import convert_element_type
    return convert_element_type(x, dtype)


def array(object: Any, dtype=None, copy: bool = True, order: str | None = "K",
          ndmin: int = 0, *, device=None, out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.array`.

    Python scalars give weakly typed arrays; lists and tuples (which may hold
    pyjax arrays, NumPy arrays and tracers) give strong arrays of their leaves'
    promoted dtype; NumPy data is copied and canonicalized.

    Args:
      object: the data.
      dtype: optional dtype; 64-bit dtypes are truncated (with a warning) when
        ``jax_enable_x64`` is off.
      copy: pyjax arrays are immutable, so this only matters for NumPy input,
        which is always copied.
      order: only ``'K'`` (or None) is supported.
      ndmin: minimum number of dimensions (leading axes of size 1 are added).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.array(1.0)
      Array(1., dtype=float32, weak_type=True)
      >>> jnp.array([1, 2.5])
      Array([1. , 2.5], dtype=float32)
    """
    del copy, device, out_sharding  # unused: arrays are immutable, one device
    _check_order(order)
    dtype = canonicalize_user_dtype(dtype, "array")
    out = _from_object(object, dtype)
    ndmin = operator.index(ndmin)
    if out.ndim < ndmin:
        from pyjax._src.lax.structural import reshape
        out = reshape(out, (1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


def asarray(a: Any, dtype=None, order: str | None = None, *, copy: bool | None = None,
            device=None, out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.asarray` (like :func:`array`, never copying
    pyjax arrays).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.asarray([1, 2], dtype=jnp.int8)
      Array([1, 2], dtype=int8)
    """
    del copy, device, out_sharding  # unused
    _check_order(order)
    if dtype is None and isinstance(a, Array):
        return a
    return _from_object(a, canonicalize_user_dtype(dtype, "asarray"))


def copy(a, order: str | None = None) -> Array:
    """pyjax implementation of :func:`numpy.copy` (arrays are immutable: same values)."""
    check_arraylike("copy", a)
    return array(a, copy=True, order=order)


def astype(x, dtype, /, *, copy: bool = False, device=None) -> Array:
    """Convert ``x`` to ``dtype`` (pyjax implementation of the array API ``astype``).

    Float to integer conversion truncates and saturates (NaN gives 0), as XLA does.
    """
    del copy, device  # unused
    check_arraylike("astype", x)
    dtype = canonicalize_user_dtype(float if dtype is None else dtype, "astype")
    x = asarray(x)
    if dtypes.is_complex(x.dtype) and not dtypes.is_complex(dtype):
        import warnings
        warnings.warn("Casting from complex to real dtypes will soon raise a ValueError. "
                      "Please first use jnp.real or jnp.abs to take the real part of the "
                      "complex value.", np.exceptions.ComplexWarning, stacklevel=2)
    return _convert(x, dtype)


def from_dlpack(x: Any, /, *, device=None, copy: bool | None = None) -> Array:
    """Import a DLPack-capable array (copied into a pyjax array)."""
    del device, copy  # unused
    return asarray(np.from_dlpack(x))


def frombuffer(buffer, dtype=float, count: int = -1, offset: int = 0) -> Array:
    """pyjax implementation of :func:`numpy.frombuffer` (the data is copied)."""
    return asarray(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset))


def fromstring(string: str, dtype=float, count: int = -1, *, sep: str) -> Array:
    """pyjax implementation of :func:`numpy.fromstring` (text mode only)."""
    return asarray(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def _impure_error(name: str) -> NotImplementedError:
    return NotImplementedError(
        f"jnp.{name}() is not implemented because it may be non-pure and thus unsafe for use "
        f"with JIT and other JAX transformations. Consider using jnp.asarray(np.{name}(...)) "
        f"instead, although care should be taken if np.{name} is used within jax "
        f"transformations because of its potential side-effect of consuming the iterable "
        f"object; for more information see `Common Gotchas: Pure Functions "
        f"<https://docs.jax.dev/en/latest/notebooks/Common_Gotchas_in_JAX.html#pure-functions>`_")


def fromiter(*args, **kwargs):
    """Not supported (non-pure); use ``jnp.asarray(np.fromiter(...))``."""
    del args, kwargs  # unused
    raise _impure_error("fromiter")


def fromfile(*args, **kwargs):
    """Not supported (non-pure); use ``jnp.asarray(np.fromfile(...))``."""
    del args, kwargs  # unused
    raise _impure_error("fromfile")


def fromfunction(function: Callable[..., Array], shape: Any, *, dtype=float,
                 **kwargs) -> Array:
    """pyjax implementation of :func:`numpy.fromfunction`.

    ``function`` is vmapped over every axis and called with index scalars of
    ``dtype``, as JAX does.
    """
    from pyjax._src.vmap_api import vmap
    shape = _canonicalize_shape(shape, "fromfunction")
    for i in range(len(shape)):
        in_axes = [0 if i == j else None for j in range(len(shape))]
        function = vmap(function, in_axes=tuple(in_axes[::-1]))
    return function(*(arange(s, dtype=dtype) for s in shape), **kwargs)


# ---- filled arrays ------------------------------------------------------------------

def _canonicalize_shape(shape, fname: str = "") -> tuple[int, ...]:
    del fname  # unused
    if type(shape) is int and shape >= 0:  # the common case, kept cheap
        return (shape,)
    if type(shape) is tuple and all(type(d) is int and d >= 0 for d in shape):
        return shape
    from pyjax._src.lax.helpers import canonicalize_shape
    if isinstance(shape, (Array, np.ndarray)):
        if shape.ndim == 0:
            shape = (shape,)
    elif not isinstance(shape, (tuple, list)):
        shape = (shape,)
    out = canonicalize_shape(shape)
    if any(d < 0 for d in out):
        raise TypeError(f"broadcast_in_dim shape must have every element be nonnegative, "
                        f"got {out}.")
    return out


_FAST_FILL_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))


def _fill_value(fill_value, dtype) -> np.ndarray:
    """A concrete scalar fill value as NumPy data of ``dtype`` (ints wrap, floats truncate)."""
    if type(fill_value) is float and dtype in _FAST_FILL_FLOATS and abs(fill_value) < 6.5e4:
        return np.asarray(fill_value, dtype)  # cannot overflow: no warning to silence
    if type(fill_value) in _PY_SCALARS:
        return dtypes.coerce_python_scalar(fill_value, dtype, wrap=True)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(fill_value).astype(dtype)


def _full(shape: tuple, fill_value, dtype, weak: bool):
    """A ``shape`` array of ``fill_value`` (a scalar or array broadcastable to shape)."""
    from pyjax._src.lax.structural import broadcast_in_dim
    if isinstance(dtype, dtypes.ExtendedDType):  # typed PRNG keys: the dtype makes them
        return dtype._rules.full(shape, fill_value, dtype)
    concrete = not isinstance(fill_value, Tracer)
    if concrete and is_eager():
        if type(fill_value) is int and (fill_value == 0 or fill_value == 1) and \
                isinstance(dtype, np.dtype):
            make = np.zeros if fill_value == 0 else np.ones
            return ArrayImpl(make(shape, dtype), weak)
        if isinstance(fill_value, ArrayImpl):
            fill_value = fill_value._check_live()
        val = _fill_value(fill_value, dtype)
        if val.shape == ():
            return ArrayImpl(np.full(shape, val, dtype), weak)
        if val.shape != shape:
            try:
                val = np.broadcast_to(val, shape)
            except ValueError:
                in_type = get_aval(val).str_short(short_dtypes=False)
                raise ValueError(f"Incompatible types for broadcasting: input type={in_type} "
                                 f"and requested type={dtypes.canonicalize_dtype(dtype)}"
                                 f"{list(shape)}") from None
        return ArrayImpl(np.array(val, dtype=dtype), weak)
    if concrete and not isinstance(fill_value, Array):
        # a NumPy constant stages as a literal (``broadcast_in_dim 0.0:f32[]``, as JAX)
        fill = np.asarray(_fill_value(fill_value, dtype))
        if weak:
            from pyjax._src.lax.structural import _convert_to_weak
            fill = _convert_to_weak(fill, dtype, True)
    else:
        from pyjax._src.lax.structural import _convert_to_weak
        fill = _convert_to_weak(fill_value, dtype, weak)
    fshape = get_aval(fill).shape
    nlead = len(shape) - len(fshape)
    if nlead < 0 or any(d != 1 and d != s for d, s in zip(fshape, shape[nlead:])):
        raise ValueError(f"Incompatible types for broadcasting: input type="
                         f"{get_aval(fill).str_short(short_dtypes=False)} and requested type="
                         f"{get_aval(fill).dtype}{list(shape)}")
    from pyjax._src.numpy.util import broadcast_to
    if fshape == ():
        return broadcast_in_dim(fill, shape, ())
    return broadcast_to(fill, shape)


def _default_dtype(dtype, fname: str):
    dtype = canonicalize_user_dtype(dtype, fname)
    return dtypes.default_float_dtype() if dtype is None else dtype


def zeros(shape: Any, dtype=None, *, device=None, out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.zeros` (default dtype float32).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.zeros(2)
      Array([0., 0.], dtype=float32)
    """
    del device, out_sharding  # unused
    dtype = _default_dtype(dtype, "zeros")
    return _full(_canonicalize_shape(shape, "zeros"), 0, dtype, False)


def ones(shape: Any, dtype=None, *, device=None, out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.ones` (default dtype float32)."""
    del device, out_sharding  # unused
    dtype = _default_dtype(dtype, "ones")
    return _full(_canonicalize_shape(shape, "ones"), 1, dtype, False)


def empty(shape: Any, dtype=None, *, device=None, out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.empty`: arrays are immutable, so zeros."""
    del device, out_sharding  # unused
    dtype = _default_dtype(dtype, "empty")
    return _full(_canonicalize_shape(shape, "empty"), 0, dtype, False)


def _dtype_and_weak_of_fill(fill_value, dtype):
    """Result dtype/weakness of ``full``: an explicit dtype is strong, else the fill's."""
    if dtype is not None:
        return dtype, False
    aval = get_aval(fill_value)
    return aval.dtype, aval.weak_type


def full(shape: Any, fill_value, dtype=None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.full`.

    Without ``dtype`` the result takes the fill value's dtype and weak type
    (``full(2, 3)`` is a weak int32 array).  An array fill value is broadcast.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.full(2, 3)
      Array([3, 3], dtype=int32, weak_type=True)
    """
    del device  # unused
    dtype = canonicalize_user_dtype(dtype, "full")
    shape = _canonicalize_shape(shape, "full")
    check_arraylike("full", fill_value)
    dtype, weak = _dtype_and_weak_of_fill(fill_value, dtype)
    return _full(shape, fill_value, dtype, weak)


def _like(fname: str, a, dtype, shape):
    check_arraylike(fname, a)
    dtype = canonicalize_user_dtype(dtype, fname)
    aval = get_aval(a)
    shape = aval.shape if shape is None else _canonicalize_shape(shape, fname)
    if dtype is None:
        return shape, aval.dtype, aval.weak_type
    return shape, dtype, False


def zeros_like(a, dtype=None, shape: Any = None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.zeros_like` (keeps ``a``'s weak type)."""
    del device  # unused
    shape, dtype, weak = _like("zeros_like", a, dtype, shape)
    return _full(shape, 0, dtype, weak)


def ones_like(a, dtype=None, shape: Any = None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.ones_like` (keeps ``a``'s weak type)."""
    del device  # unused
    shape, dtype, weak = _like("ones_like", a, dtype, shape)
    return _full(shape, 1, dtype, weak)


def empty_like(prototype, dtype=None, shape: Any = None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.empty_like`: arrays are immutable, so zeros."""
    del device  # unused
    shape, dtype, weak = _like("empty_like", prototype, dtype, shape)
    return _full(shape, 0, dtype, weak)


def full_like(a, fill_value, dtype=None, shape: Any = None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.full_like`.

    The result has ``a``'s dtype (and weak type) unless ``dtype`` is given; an
    integer fill value wraps into a narrow integer dtype (``int8``, 300 -> 44).
    """
    del device  # unused
    check_arraylike("full_like", fill_value)
    shape, dtype, weak = _like("full_like", a, dtype, shape)
    return _full(shape, fill_value, dtype, weak)


# ---- ranges ---------------------------------------------------------------------------

def _concrete_arg(x, fname: str, argname: str):
    return concrete_or_error(x, f"It arose in the jnp.{fname} argument '{argname}'")


def _concrete_scalar(x, fname: str, argname: str):
    if x is None:
        return None
    x = _concrete_arg(x, fname, argname)
    if isinstance(x, ArrayImpl):
        x = x._check_live()
    if isinstance(x, (complex, np.complexfloating)) or (
            isinstance(x, np.ndarray) and x.dtype.kind == "c"):
        raise ValueError("Passing complex start/stop/step to jnp.arange is no longer "
                         "supported starting in JAX v0.10.0.")
    return x


def arange(start, stop=None, step=None, dtype=None, *, device=None,
           out_sharding=None) -> Array:
    """pyjax implementation of :func:`numpy.arange`.

    The dtype is inferred from the arguments with JAX's promotion rules
    (``arange(3)`` is int32, ``arange(3.0)`` float32); all arguments must be
    concrete.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.arange(3)
      Array([0, 1, 2], dtype=int32)
      >>> jnp.arange(0, 1, 0.25)
      Array([0.  , 0.25, 0.5 , 0.75], dtype=float32)
    """
    del device, out_sharding  # unused
    dtype = canonicalize_user_dtype(dtype, "arange")
    if stop is None and step is None:
        args = {"stop": start}
    else:
        args = {"start": start, "stop": stop, "step": step}
    if args["stop"] is None and "start" not in args:
        raise TypeError("must be real number, not NoneType")
    vals = {k: _concrete_scalar(v, "arange", k) for k, v in args.items()}
    for v in vals.values():
        if v is not None and not isinstance(v, (int, float, np.ndarray, np.number, np.bool_)):
            raise TypeError(f"must be real number, not {type(v).__name__}")
    if dtype is None:
        given = [args[k] for k, v in vals.items() if v is not None]
        dtype = dtypes.result_type(*given)
    if dtypes.is_bool(dtype):
        raise TypeError("iota does not accept dtype bool. Accepted dtypes are subtypes of "
                        "integer, floating, complexfloating.")
    np_vals = [np.asarray(v).item() if isinstance(v, (np.ndarray, np.generic)) else v
               for v in vals.values()]
    if len(np_vals) == 1:
        value = np.arange(np_vals[0], dtype=dtype)
        if not is_eager():
            return _iota(dtype, value.shape[0])
    else:
        value = np.arange(*np_vals, dtype=dtype)
    return ArrayImpl(value, False)


def _iota(dtype, size: int):
    import pyjax.lax as lax
    iota = getattr(lax, "iota", None)
    if iota is None:
        return ArrayImpl(np.arange(size, dtype=dtype), False)
    return iota(dtype, size)


def _num_samples(num, fname: str) -> int:
    num = operator.index(_concrete_arg(num, fname, "num"))
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    return num


def linspace(start, stop, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype=None, axis: int = 0, *, device=None):
    """pyjax implementation of :func:`numpy.linspace`.

    Computed in the promoted inexact dtype as ``start * (1 - t) + stop * t`` with
    ``t = i * (1 / div)`` (XLA turns the division by a constant into this
    multiplication; doing the same keeps results bit-identical to JAX), followed by
    exactly ``stop`` when ``endpoint``.  An integer ``dtype`` floors the samples,
    as NumPy does.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.linspace(0, 1, 5)
      Array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    del device  # unused
    import pyjax.lax as lax
    from pyjax._src.numpy import ufuncs
    from pyjax._src.numpy.util import (broadcast_arrays, canonicalize_axis,
                                       promote_dtypes_inexact)
    num = _num_samples(num, "linspace")
    check_arraylike("linspace", start, stop)
    dtype = canonicalize_user_dtype(dtype, "linspace")
    start, stop = promote_dtypes_inexact(start, stop)
    compute_dtype = start.dtype
    start, stop = (lax.convert_element_type(v, compute_dtype) for v in (start, stop))
    start, stop = broadcast_arrays(start, stop)
    bounds_shape = tuple(start.shape)
    axis = canonicalize_axis(axis, len(bounds_shape) + 1)
    div = (num - 1) if endpoint else num
    expand = tuple(d for d in range(len(bounds_shape) + 1) if d != axis)

    def along_axis(x, n):
        shape = bounds_shape[:axis] + (n,) + bounds_shape[axis:]
        return lax.broadcast_in_dim(x, shape, expand)
    if num == 0:
        out = zeros(bounds_shape[:axis] + (0,) + bounds_shape[axis:], compute_dtype)
    elif div > 0:
        shape = bounds_shape[:axis] + (div,) + bounds_shape[axis:]
        t_vals = (np.arange(div, dtype=compute_dtype)
                  * np.asarray(1 / div, dtype=compute_dtype)).astype(compute_dtype)
        t = lax.broadcast_in_dim(t_vals, shape, (axis,))
        one = np.asarray(1, compute_dtype)
        out = lax.add(lax.mul(along_axis(start, div), lax.sub(one, t)),
                      lax.mul(along_axis(stop, div), t))
        if endpoint:
            out = lax.concatenate([out, along_axis(stop, 1)], axis)
    else:  # one sample with endpoint: just start
        out = along_axis(start, 1)
    if dtype is not None and dtypes.is_integer(dtype):
        out = ufuncs.floor(out)
    if dtype is not None:
        out = lax.convert_element_type(out, dtype)
    if retstep:
        delta = lax.div(lax.sub(stop, start), np.asarray(div if div else np.nan, compute_dtype))
        return out, delta
    return out


def logspace(start, stop, num: int = 50, endpoint: bool = True, base=10.0, dtype=None,
             axis: int = 0) -> Array:
    """pyjax implementation of :func:`numpy.logspace`: ``base ** linspace(start, stop)``."""
    import pyjax.lax as lax
    from pyjax._src.numpy.util import promote_dtypes_inexact
    num = _num_samples(num, "logspace")
    check_arraylike("logspace", start, stop)
    dtype = canonicalize_user_dtype(dtype, "logspace")
    start, stop = promote_dtypes_inexact(start, stop)
    compute_dtype = start.dtype
    lin = linspace(start, stop, num, endpoint=endpoint, axis=axis)
    out = lax.pow(lax.convert_element_type(base, compute_dtype), lin)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def geomspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None,
              axis: int = 0) -> Array:
    """pyjax implementation of :func:`numpy.geomspace` (samples evenly spaced in log10).

    Negative ranges are handled through the sign of ``start``; a zero end gives
    NaN, as in JAX.
    """
    import pyjax.lax as lax
    from pyjax._src.numpy.util import broadcast_arrays, promote_dtypes_inexact
    num = _num_samples(num, "geomspace")
    check_arraylike("geomspace", start, stop)
    dtype = canonicalize_user_dtype(dtype, "geomspace")
    start, stop = promote_dtypes_inexact(start, stop)
    compute_dtype = start.dtype
    start, stop = (lax.convert_element_type(v, compute_dtype) for v in (start, stop))
    start, stop = broadcast_arrays(start, stop)
    sign = lax.sign(start)
    inv_ln10 = np.asarray(1 / np.log(10), compute_dtype)
    log_start = lax.mul(lax.log(lax.div(start, sign)), inv_ln10)
    log_stop = lax.mul(lax.log(lax.div(stop, sign)), inv_ln10)
    out = logspace(log_start, log_stop, num, endpoint=endpoint, base=10.0, axis=axis)
    from pyjax._src.numpy.util import canonicalize_axis
    axis = canonicalize_axis(axis, out.ndim)
    sign = lax.broadcast_in_dim(sign, tuple(out.shape),
                                tuple(d for d in range(out.ndim) if d != axis))
    out = lax.mul(sign, out)
    return out if dtype is None else lax.convert_element_type(out, dtype)


# ---- eye, identity, tri -------------------------------------------------------------

def _index_grid(n: int, m: int, k):
    """Boolean ``i + k == j`` over an (n, m) grid, as lax ops (k may be traced)."""
    import pyjax.lax as lax
    rows = lax.broadcasted_iota(np.int32, (n, m), 0)
    cols = lax.broadcasted_iota(np.int32, (n, m), 1)
    return rows, cols, lax.add(rows, lax.convert_element_type(k, np.int32))


def eye(N: int, M: int | None = None, k=0, dtype=None, *, device=None) -> Array:
    """pyjax implementation of :func:`numpy.eye` (ones on the ``k``-th diagonal).

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.eye(2, 3, k=1)
      Array([[0., 1., 0.],
             [0., 0., 1.]], dtype=float32)
    """
    del device  # unused
    dtype = _default_dtype(dtype, "eye")
    n = operator.index(_concrete_arg(N, "eye", "N"))
    m = n if M is None else operator.index(_concrete_arg(M, "eye", "M"))
    if n < 0 or m < 0:
        raise ValueError(f"negative dimensions are not allowed, got {n} and {m}")
    if not isinstance(k, Tracer) and is_eager():
        return ArrayImpl(np.eye(n, m, operator.index(k), dtype=dtype), False)
    import pyjax.lax as lax
    _, cols, shifted = _index_grid(n, m, k)
    return lax.convert_element_type(lax.eq(shifted, cols), dtype)


def identity(n: int, dtype=None) -> Array:
    """pyjax implementation of :func:`numpy.identity`."""
    dtype = _default_dtype(dtype, "identity")
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype=None) -> Array:
    """pyjax implementation of :func:`numpy.tri`: ones at and below the ``k``-th diagonal.

    The default dtype is float32, also with x64 on (as in JAX).
    """
    dtype = canonicalize_user_dtype(dtype, "tri")
    dtype = np.dtype(np.float32) if dtype is None else dtype
    n = operator.index(_concrete_arg(N, "tri", "N"))
    m = n if M is None else operator.index(_concrete_arg(M, "tri", "M"))
    if not isinstance(k, Tracer) and is_eager():
        return ArrayImpl(np.tri(n, m, operator.index(k), dtype=dtype), False)
    import pyjax.lax as lax
    _, cols, shifted = _index_grid(n, m, k)
    return lax.convert_element_type(lax.ge(shifted, cols), dtype)


__all__ = [
    "array", "asarray", "copy", "astype", "from_dlpack", "frombuffer", "fromstring", "fromiter",
    "fromfile", "fromfunction", "zeros", "ones", "empty", "full", "zeros_like", "ones_like",
    "empty_like", "full_like", "arange", "linspace", "logspace", "geomspace", "eye", "identity",
    "tri",
]
