"""Shared machinery of the samplers: argument checks, ``bits``, ``uniform``, ``normal``.

Every sampler follows JAX's layout: the public function checks its key
(``prng.check_prng_key``: one key, typed or raw), its dtype (canonicalized first,
so messages name the dtype, e.g. ``got int32``) and its shape (an int is a
1-tuple), then calls a private function written in lax/jnp ops.  Random bits come
from ``prng.random_bits`` (threefry, both ``jax_threefry_partitionable`` modes).

``uniform`` builds floats in [1, 2) from the top mantissa bits and subtracts 1
(float16 uses 16 bits, bfloat16 8 bits), then scales: ``f * (maxval - minval) +
minval``, which XLA:CPU rounds once (a fused multiply-add).  When the scale is a
concrete power of two (the default ``[0, 1)``, ``normal``'s ``(-1, 1)``) the
product is exact and plain ops round the same way; otherwise ``xla_math.fma``
emulates the single rounding (see NOTE[fma-emulation]).

The float samplers take ``log``, ``exp``, ``tan`` and ``pow`` from ``xla_log``,
``xla_exp``, ``xla_tan`` and ``power`` here: primitives printing as JAX's whose
float32 impls are NumPy ports of XLA:CPU's kernels (NOTE[xla-twins]), so that
samples agree with JAX bit for bit; ``divide`` does a division the way XLA does
when JAX's divisor is a broadcast (a multiplication by the reciprocal).
"""
from __future__ import annotations

import operator
from functools import partial
from typing import Sequence

import numpy as np

import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src import dtypes
from pyjax._src.api import jit
from pyjax._src.core.avals import get_aval
from pyjax._src.core.trace import Tracer
from pyjax._src.random import prng
from pyjax._src.random.threefry import UINT_DTYPES
from pyjax._src.lax.xla_math import (fma, is_exact_product_scale,  # noqa: F401
                                      xla_div_by_broadcast, xla_exp, xla_log, xla_pow,
                                      xla_tan)

# -- argument checks --------------------------------------------------------------------------


def canonicalize_shape(shape, name: str = "") -> tuple:
    """A shape as a tuple of ints; an int ``n`` means ``(n,)``."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        return (operator.index(shape),)
    from pyjax._src.lax.helpers import canonicalize_shape as lax_canonicalize_shape
    return lax_canonicalize_shape(shape)


def check_shape(name: str, shape: Sequence[int], *param_shapes) -> None:
    """Parameter shapes must broadcast to exactly ``shape`` (JAX's _check_shape)."""
    if param_shapes:
        shapes = [tuple(shape), *(tuple(s) for s in param_shapes)]
        try:
            shape_ = tuple(np.broadcast_shapes(*shapes))
        except ValueError:
            raise ValueError(f"Incompatible shapes for broadcasting: shapes={shapes}") from None
        if tuple(shape) != shape_:
            raise ValueError(f"{name} parameter shapes must be broadcast-compatible with shape "
                             "argument, and the result of broadcasting the shapes must equal "
                             f"the shape argument, but got result {shape_} for shape argument "
                             f"{tuple(shape)}.")


def check_dtype(name: str, dtype, kind=np.floating, what: str = "a float") -> np.dtype:
    """Canonical ``dtype`` of the requested kind, else JAX's ValueError naming ``name``."""
    dtypes.check_user_dtype_supported(dtype, name)
    dt = dtypes.canonicalize_dtype(dtype)
    if not dtypes.issubdtype(dt, kind):
        raise ValueError(f"dtype argument to `{name}` must be {what} dtype, got {dt}")
    return dt


def shape_of(x) -> tuple:
    return tuple(get_aval(x).shape) if not isinstance(x, (list, tuple)) else np.shape(x)


def const(x, value):
    """``value`` as a 0-d NumPy constant of ``x``'s dtype."""
    return np.asarray(value, get_aval(x).dtype)


def finfo(dtype):
    return dtypes.finfo(dtype)


def key_split(key, num=2):
    """Split one typed key inside a sampler (returns a key array)."""
    return prng.split_key(key, num)


def is_concrete(x) -> bool:
    return not isinstance(x, Tracer)


# -- bits ------------------------------------------------------------------------------------

def bits(key, shape=(), dtype=None, *, out_sharding=None):
    """Sample uniform random bits as unsigned integers.

    Args:
      key: a PRNG key (typed or raw).
      shape: the result shape (default ``()``).
      dtype: an unsigned integer dtype (default uint32, uint64 with x64 enabled).
      out_sharding: accepted for compatibility; pyjax runs on one device.

    Returns:
      An array of ``shape`` and ``dtype``; with ``jax_threefry_partitionable`` on,
      element ``i`` is ``y0 ^ y1`` of the threefry hash of counter ``(0, i)``.
    """
    del out_sharding  # unused: one device
    key, _ = prng.check_prng_key("bits", key)
    if dtype is None:
        dtype = dtypes.default_uint_dtype()
    else:
        dtypes.check_user_dtype_supported(dtype, "bits")
    dt = dtypes.canonicalize_dtype(dtype)
    if not dtypes.issubdtype(dt, np.unsignedinteger):
        raise ValueError("dtype argument to `bits` must be an unsigned int dtype, got "
                         f"{dt}")
    return prng.random_bits(key, dt.itemsize * 8, canonicalize_shape(shape))


# -- uniform ---------------------------------------------------------------------------------

def uniform(key, shape=(), dtype=float, minval=0., maxval=1.):
    """Sample uniform random values in ``[minval, maxval)`` with given shape and dtype.

    Args:
      key: a PRNG key (typed or raw).
      shape: result shape (an int means a 1-d shape). Default ``()``.
      dtype: a float dtype (default float32, float64 with x64 enabled).
      minval, maxval: bounds broadcast-compatible with ``shape``.

    Returns:
      A random array of ``shape`` and ``dtype``.

    Raises:
      ValueError: ``dtype`` is not a float dtype.

    Notes:
      Bit-exact with JAX, including XLA's single rounding of
      ``f * (maxval - minval) + minval`` (see NOTE[fma-emulation]).
    """
    key, _ = prng.check_prng_key("uniform", key)
    dt = check_dtype("uniform", dtype)
    scale = _concrete_scale(minval, maxval, dt)
    exact = scale is not None and bool(is_exact_product_scale(scale))
    return _uniform(key, canonicalize_shape(shape), dt, minval, maxval, exact)


@partial(jit, static_argnums=(1, 2, 5))
def _uniform(key, shape, dtype, minval, maxval, exact_scale):
    # jitted as in JAX (jaxprs show jit[name=_uniform]); whether the scale is an exact
    # power of two is decided on the concrete bounds, before they become tracers here
    return uniform_(key, shape, dtype, minval, maxval, exact_scale=exact_scale)


def _concrete_scale(minval, maxval, dtype):
    """``maxval - minval`` in ``dtype`` when both are known now, else None."""
    if not (is_concrete(minval) and is_concrete(maxval)):
        return None
    with np.errstate(all="ignore"):
        return np.asarray(maxval).astype(dtype) - np.asarray(minval).astype(dtype)


def uniform_(key, shape: tuple, dtype, minval=0., maxval=1., *, exact_scale=None):
    """``uniform`` on a checked typed key, canonical shape and float dtype.

    ``exact_scale`` says whether ``maxval - minval`` is a power of two (plain
    multiply-add rounds like XLA's FMA); None: decide from concrete bounds.
    """
    check_shape("uniform", shape)
    scale = _concrete_scale(minval, maxval, dtype) if exact_scale is None else None
    minval = lax.convert_element_type(minval, dtype)
    maxval = lax.convert_element_type(maxval, dtype)
    minval = lax.broadcast_to_rank(minval, len(shape))
    maxval = lax.broadcast_to_rank(maxval, len(shape))
    info = finfo(dtype)
    nbits, nmant = info.bits, info.nmant
    if nbits not in (16, 32, 64):
        raise TypeError(f"uniform only accepts 16-, 32-, or 64-bit dtypes, got {dtype}.")
    rng_bits = nbits if nmant >= 8 else 8
    raw = prng.random_bits(key, rng_bits, shape)
    uint_dtype = UINT_DTYPES[nbits]
    if rng_bits != nbits:
        raw = lax.convert_element_type(raw, uint_dtype)
    one_bits = np.array(1.0, dtype).view(uint_dtype)
    float_bits = lax.bitwise_or(
        lax.shift_right_logical(raw, np.array(rng_bits - nmant, uint_dtype)), one_bits)
    floats = lax.sub(lax.bitcast_convert_type(float_bits, dtype), np.array(1.0, dtype))
    span = lax.sub(maxval, minval)
    if exact_scale or (scale is not None and is_exact_product_scale(scale)):
        scaled = lax.add(lax.mul(floats, span), minval)
    else:
        scaled = fma(floats, span, minval)
    return lax.max(minval, lax.reshape(scaled, shape))


# -- normal ----------------------------------------------------------------------------------

def normal(key, shape=(), dtype=float, *, out_sharding=None):
    """Sample standard normal values: ``sqrt(2) * erf_inv(u)``, ``u`` uniform on (-1, 1).

    Args:
      key: a PRNG key (typed or raw).
      shape: result shape. Default ``()``.
      dtype: a float or complex dtype (complex: independent real and imaginary
        parts, each of variance 1/2).
      out_sharding: accepted for compatibility; pyjax runs on one device.

    Returns:
      A random array of ``shape`` and ``dtype``.
    """
    del out_sharding  # unused: one device
    key, _ = prng.check_prng_key("normal", key)
    dt = check_dtype("normal", dtype, np.inexact, "a float or complex")
    return normal_(key, canonicalize_shape(shape), dt)


def normal_(key, shape: tuple, dtype):
    if dtypes.issubdtype(dtype, np.complexfloating):
        real_dtype = np.finfo(dtype).dtype
        key_re, key_im = key_split(key)
        re = lax.convert_element_type(normal_real(key_re, shape, real_dtype), dtype)
        im = lax.convert_element_type(normal_real(key_im, shape, real_dtype), dtype)
        sqrt2 = np.array(np.sqrt(2), dtype)
        return lax.div(lax.add(re, lax.mul(np.array(1j, dtype), im)), sqrt2)
    return normal_real(key, shape, dtype)


def normal_real(key, shape: tuple, dtype):
    check_shape("normal", shape)
    epsneg = 2.0 ** -(finfo(dtype).nmant + 1)
    lo = np.array(-(1.0 - epsneg), dtype)  # nextafter(-1, 0)
    hi = np.array(1.0, dtype)
    u = uniform_(key, shape, dtype, lo, hi)
    return lax.mul(np.array(np.sqrt(2), dtype), lax.erf_inv(u))


# -- small helpers in jnp/lax ops shared by the samplers ---------------------------------------

def broadcast_to(x, shape):
    from pyjax._src.numpy.util import broadcast_to as util_broadcast_to
    return util_broadcast_to(x, tuple(shape))


def moveaxis(x, src: int, dst: int):
    """``x`` with axis ``src`` moved to position ``dst`` (one transpose)."""
    ndim = len(shape_of(x))
    src, dst = src % ndim, dst % ndim
    perm = [i for i in range(ndim) if i != src]
    perm.insert(dst, src)
    return x if perm == list(range(ndim)) else lax.transpose(x, tuple(perm))


def isnan(x):
    return lax.ne(x, x)


def asarray(x):
    return jnp.asarray(x)


def divide(x, y):
    """``jnp.divide(x, y)``, rounded as XLA does where ``y`` is broadcast against ``x``.

    XLA rewrites a division by a broadcast (a scalar, or size-1 axes such as a
    ``keepdims`` sum) as a multiplication by the broadcast reciprocal
    (``xla_div_by_broadcast``); operands of the full shape divide normally.
    """
    from pyjax._src.numpy.util import promote_dtypes_inexact, promote_shapes
    x, y = promote_shapes("divide", *promote_dtypes_inexact(jnp.asarray(x), jnp.asarray(y)))
    if shape_of(y) == tuple(np.broadcast_shapes(shape_of(x), shape_of(y))):
        return lax.div(x, y)
    return xla_div_by_broadcast(x, y)


def divide_broadcast(x, y, shape):
    """``lax.div(x, broadcast_to(y, shape))`` (JAX's explicit broadcast), rounded as XLA.

    ``y`` is a broadcast unless it already has ``shape``; see ``divide``.
    """
    if shape_of(y) == tuple(shape):
        return lax.div(x, y)
    return xla_div_by_broadcast(x, broadcast_to(y, shape))


def power(x, y):
    """``jnp.power(x, y)`` whose float ``pow`` is ``xla_pow`` (NOTE[xla-twins]).

    A concrete integer exponent keeps jnp's ``integer_pow`` (as JAX's ``**`` does);
    otherwise the operands are promoted as jnp promotes them.
    """
    if isinstance(y, (int, np.integer)) and not isinstance(y, (bool, np.bool_)):
        return jnp.power(x, y)
    from pyjax._src.numpy.util import promote_dtypes_numeric, promote_shapes
    x, y = promote_shapes("power", jnp.asarray(x), jnp.asarray(y))
    x, y = promote_dtypes_numeric(x, y)
    if not dtypes.issubdtype(get_aval(x).dtype, np.floating):
        return jnp.power(x, y)
    return xla_pow(x, y)


__all__ = ["bits", "uniform", "normal"]
