"""Samplers of ``jax.random`` built on ``uniform``/``normal``/``bits`` (no loops).

Each follows JAX's algorithm step for step so results agree with JAX: integer
samplers (``randint``, ``permutation``, ``choice`` without ``p``, ``rademacher``)
bit for bit; float32 samplers too, through NumPy ports of XLA:CPU's
``log``/``log1p``/``exp``/``tan``/``pow``/``erf_inv`` kernels and of its rewrite of
divisions by broadcasts (``xla_log`` ... ``divide`` of sampling.py, NOTE[xla-twins]),
except where XLA rewrites more than pyjax mirrors (gamma.py's note on ``rsqrt``;
``truncated_normal``'s ``erf``).  float64 samplers agree up to NumPy's float64
kernels (a few ulp, see API.md section 3.4).  Argument checking and shapes follow
``sampling.py``.  The rejection samplers with loops (gamma, poisson, binomial,
...) live in ``gamma.py`` and ``discrete.py``.

Where JAX 0.10.2's code for an option was not available to compare against, the
documented semantics are implemented and values may differ from JAX's:
``categorical(..., replace=False)`` (Gumbel top-k over the leading sample
dimensions) and ``orthogonal(..., m != n)`` (QR of a tall normal matrix,
transposed for wide results).  ``orthogonal`` with ``m == n`` and every other
option follow JAX's algorithm.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval
from pyjax._src.random import prng
from pyjax._src.random.sampling import (asarray, broadcast_to, canonicalize_shape,
                                        check_dtype, check_shape, const, finfo,
                                        divide, divide_broadcast, key_split, moveaxis,
                                        normal_, power, shape_of, uniform_, xla_exp,
                                        xla_log, xla_tan)
from pyjax._src.random.threefry import UINT_DTYPES

# -- randint ---------------------------------------------------------------------------------


def _convert_and_clip_integer(val, dtype):
    """``val`` (integer) clipped to ``dtype``'s range and converted (JAX's helper)."""
    val = asarray(val)
    dtype = dtypes.canonicalize_dtype(dtype)
    val_dtype = get_aval(val).dtype
    lo = max(int(dtypes.iinfo(dtype).min), int(dtypes.iinfo(val_dtype).min))
    hi = min(int(dtypes.iinfo(dtype).max), int(dtypes.iinfo(val_dtype).max))
    clipped = lax.clamp(np.asarray(lo, val_dtype), val, np.asarray(hi, val_dtype))
    return lax.convert_element_type(clipped, dtype)


def _as_int_array(x):
    x = asarray(x)
    if not dtypes.issubdtype(get_aval(x).dtype, np.integer):
        x = lax.convert_element_type(x, dtypes.default_int_dtype())
    return x


def randint(key, shape, minval, maxval, dtype=int):
    """Sample uniform random integers in ``[minval, maxval)``.

    Args:
      key: a PRNG key (typed or raw).
      shape: result shape.
      minval, maxval: integer bounds broadcast-compatible with ``shape``; out of
        range bounds are clipped to ``dtype``; ``maxval <= minval`` gives ``minval``.
      dtype: an integer dtype (default int32, int64 with x64 enabled).

    Returns:
      A random integer array of ``shape`` and ``dtype``.
    """
    key, _ = prng.check_prng_key("randint", key)
    dtypes.check_user_dtype_supported(dtype, "randint")
    dt = dtypes.canonicalize_dtype(dtype)
    shape = canonicalize_shape(shape)
    if not dtypes.issubdtype(dt, np.integer):
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    check_shape("randint", shape, np.shape(minval), np.shape(maxval))
    from pyjax._src.numpy.util import check_arraylike
    check_arraylike("randint", minval, maxval)
    minval, maxval = _as_int_array(minval), _as_int_array(maxval)
    type_max = _convert_and_clip_integer(np.array(dtypes.iinfo(dt).max, dt),
                                         get_aval(maxval).dtype)
    maxval_out_of_range = lax.gt(maxval, type_max)
    minval = lax.broadcast_to_rank(_convert_and_clip_integer(minval, dt), len(shape))
    maxval = lax.broadcast_to_rank(_convert_and_clip_integer(maxval, dt), len(shape))
    maxval_out_of_range = lax.broadcast_to_rank(maxval_out_of_range, len(shape))
    nbits = dtypes.iinfo(dt).bits
    k1, k2 = key_split(key)
    higher_bits = prng.random_bits(k1, nbits, shape)
    lower_bits = prng.random_bits(k2, nbits, shape)
    unsigned = UINT_DTYPES[nbits]
    span = lax.convert_element_type(lax.sub(maxval, minval), unsigned)
    # maxval <= minval: span 1, so minval is returned (JAX issue #222)
    empty = lax.le(maxval, minval)
    span = lax.select(empty, lax.full_like(span, 1), span)
    # maxval beyond the dtype: one more value; a span of 2**nbits wraps to 0 (no remainder)
    span = lax.select(lax.bitwise_and(maxval_out_of_range, lax.bitwise_not(empty)),
                      lax.add(span, const(span, 1)), span)
    # offset = (hi * 2**nbits + lo) % span, computed without overflow
    multiplier = lax.rem(const(span, 2 ** (nbits // 2)), span)
    multiplier = lax.rem(lax.mul(multiplier, multiplier), span)
    offset = lax.add(lax.mul(lax.rem(higher_bits, span), multiplier),
                     lax.rem(lower_bits, span))
    offset = lax.rem(offset, span)
    return lax.add(minval, lax.convert_element_type(offset, dt))


# -- permutation / choice --------------------------------------------------------------------

def _canonicalize_axis(axis: int, ndim: int) -> int:
    from pyjax._src.numpy.util import canonicalize_axis
    return canonicalize_axis(axis, ndim)


def _shuffle(key, x, axis: int):
    """Sort by fresh random 32-bit keys, ``ceil(3 ln(n) / ln(2**32 - 1))`` rounds (JAX)."""
    size = math.prod(shape_of(x))
    uint32max = np.iinfo(np.uint32).max
    num_rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(uint32max)))
    for _ in range(num_rounds):
        key, subkey = key_split(key)
        sort_keys = prng.random_bits(subkey, 32, shape_of(x))
        _, x = lax.sort_key_val(sort_keys, x, axis)
    return x


def permutation(key, x, axis: int = 0, independent: bool = False, *, out_sharding=None):
    """A random permutation of ``arange(x)`` (int ``x``) or of ``x`` along ``axis``.

    Args:
      key: a PRNG key (typed or raw).
      x: an int or an array.
      axis: the axis to permute (default 0).
      independent: permute each slice along ``axis`` independently.
      out_sharding: accepted for compatibility; pyjax runs on one device.
    """
    del out_sharding  # unused: one device
    key, _ = prng.check_prng_key("permutation", key)
    from pyjax._src.numpy.util import check_arraylike, concrete_or_error
    check_arraylike("permutation", x)
    ndim = len(shape_of(x))
    axis = _canonicalize_axis(axis, ndim or 1)
    if not ndim:
        if not dtypes.issubdtype(dtypes.dtype(x), np.integer):
            raise TypeError("x must be an integer or at least 1-dimensional")
        n = int(concrete_or_error(x, "argument x of jax.random.permutation()"))
        return _shuffle(key, jnp.arange(n), axis)
    x = asarray(x)
    if independent or ndim == 1:
        return _shuffle(key, x, axis)
    ind = _shuffle(key, jnp.arange(shape_of(x)[axis]), 0)
    return jnp.take(x, ind, axis, unique_indices=True)


def choice(key, a, shape: Sequence[int] = (), replace: bool = True, p=None, axis: int = 0,
           mode=None):
    """Random samples from ``a`` (or ``arange(a)`` for an int), with or without replacement.

    Args:
      key: a PRNG key (typed or raw).
      a: an int or an array; samples are taken along ``axis``.
      shape: the sample shape (a sequence).
      replace: sample with replacement (default True).
      p: optional 1-d probabilities of the entries of ``a``.
      axis: the axis of ``a`` to sample along.
      mode: ``"low"``/``"high"``: bits of the gumbel draws when ``p`` is given and
        ``replace=False``.

    Raises:
      ValueError: ``replace=False`` and more samples than entries, or a bad ``p``.
    """
    key, _ = prng.check_prng_key("choice", key)
    if not isinstance(shape, Sequence):
        raise TypeError("shape argument of jax.random.choice must be a sequence, got "
                        f"{shape}")
    from pyjax._src.numpy.util import check_arraylike, concrete_or_error
    check_arraylike("choice", a)
    arr = asarray(a)
    arr_shape = shape_of(arr)
    if not arr_shape:
        n_inputs = int(concrete_or_error(a, "The error occurred in jax.random.choice()"))
    else:
        axis = _canonicalize_axis(axis, len(arr_shape))
        n_inputs = arr_shape[axis]
    shape = tuple(shape)
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(shape, dtype=get_aval(arr).dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population "
                         f"(size {n_inputs}) when 'replace=False'")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
            result = ind if not arr_shape else jnp.take(arr, ind, axis)
        else:
            perm = permutation(key, n_inputs if not arr_shape else arr, axis)
            result = lax.slice_in_dim(perm, 0, n_draws, axis=axis if arr_shape else 0)
    else:
        check_arraylike("choice", p)
        from pyjax._src.numpy.util import promote_dtypes_inexact
        p_arr, = promote_dtypes_inexact(p)
        if shape_of(p_arr) != (n_inputs,):
            raise ValueError("p must be None or a 1D vector with the same size as "
                             f"a.shape[axis]. p has shape {shape_of(p_arr)} and "
                             f"a.shape[axis] is {n_inputs}.")
        if replace:
            p_cuml = jnp.cumsum(p_arr)
            total = lax.slice_in_dim(p_cuml, n_inputs - 1, n_inputs)
            u = uniform_(key, shape, get_aval(p_cuml).dtype)
            r = lax.mul(lax.reshape(total, (1,) * len(shape)) if shape else
                        lax.reshape(total, ()), lax.sub(const(u, 1), u))
            ind = _searchsorted_left(p_cuml, r)
        else:
            g = lax.sub(lax.neg(gumbel_(key, (n_inputs,), get_aval(p_arr).dtype, mode)),
                        xla_log(p_arr))
            ind = lax.slice_in_dim(_argsort(g), 0, n_draws)
        result = ind if not arr_shape else jnp.take(arr, ind, axis)
    out_shape = shape if not arr_shape else (*arr_shape[:axis], *shape, *arr_shape[axis + 1:])
    return lax.reshape(result, out_shape)


def _searchsorted_left(sorted_1d, v):
    """Indices of ``v`` in the sorted 1-d ``sorted_1d`` (side='left'), as default ints."""
    n = shape_of(sorted_1d)[0]
    vd = lax.expand_dims(v, (len(shape_of(v)),))
    s = lax.reshape(sorted_1d, (1,) * len(shape_of(v)) + (n,))
    count = jnp.sum(lax.convert_element_type(lax.lt(s, vd), np.int32), axis=-1)
    return lax.convert_element_type(count, dtypes.default_int_dtype())


def _argsort(x):
    """Stable ascending argsort of a 1-d float array (NaNs last), as int32."""
    n = shape_of(x)[0]
    _, idx = lax.sort_key_val(x, lax.iota(np.int32, n), 0)
    return idx


# -- continuous samplers built on uniform/normal ------------------------------------------------

def truncated_normal(key, lower, upper, shape=None, dtype=float):
    """Standard normal values truncated to the open interval ``(lower, upper)``.

    Samples ``sqrt(2) * erf_inv(u)`` with ``u`` uniform on ``[erf(lower/sqrt2),
    erf(upper/sqrt2))``, then clipped strictly inside the interval.
    """
    if shape is not None:
        shape = canonicalize_shape(shape)
    key, _ = prng.check_prng_key("truncated_normal", key)
    dt = check_dtype("truncated_normal", dtype)
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(lower), np.shape(upper)))
    else:
        check_shape("truncated_normal", shape, np.shape(lower), np.shape(upper))
    sqrt2 = np.array(np.sqrt(2), dt)
    lower = lax.convert_element_type(lower, dt)
    upper = lax.convert_element_type(upper, dt)
    a = lax.erf(lax.div(lower, sqrt2))
    b = lax.erf(lax.div(upper, sqrt2))
    u = uniform_(key, shape, dt, a, b)
    out = lax.mul(sqrt2, lax.erf_inv(u))
    lo = lax.nextafter(lax.stop_gradient(lower), np.array(np.inf, dt))
    hi = lax.nextafter(lax.stop_gradient(upper), np.array(-np.inf, dt))
    return jnp.clip(out, lo, hi)


def bernoulli(key, p=0.5, shape=None, mode: str = "low", *, out_sharding=None):
    """Boolean samples that are True with probability ``p``.

    Args:
      key: a PRNG key (typed or raw).
      p: float probabilities broadcast-compatible with ``shape``. Default 0.5.
      shape: result shape (default: ``p``'s shape).
      mode: ``"low"`` (``uniform < p``) or ``"high"`` (two uniforms, resolving
        probabilities below float resolution: ``u2 * 2**-nmant < p - u1``).
      out_sharding: accepted for compatibility; pyjax runs on one device.
    """
    del out_sharding  # unused: one device
    if shape is not None:
        shape = canonicalize_shape(shape)
    if mode not in ("high", "low"):
        raise ValueError(f"got {mode=}, expected 'high' or 'low'")
    key, _ = prng.check_prng_key("bernoulli", key)
    dt = dtypes.canonicalize_dtype(dtypes.dtype(p))
    if not dtypes.issubdtype(dt, np.floating):
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dt}.")
    p = lax.convert_element_type(p, dt)
    if shape is None:
        shape = shape_of(p)
    else:
        check_shape("bernoulli", shape, shape_of(p))
    p = _bcast_rank(p, len(shape))
    if mode == "low":
        return lax.lt(uniform_(key, shape, dt), p)
    u = uniform_(key, (2, *shape), dt)
    u1 = lax.index_in_dim(u, 0, keepdims=False)
    u2 = lax.index_in_dim(u, 1, keepdims=False)
    u2 = lax.mul(u2, np.array(2.0 ** -finfo(dt).nmant, dt))  # below u1's resolution
    return lax.lt(u2, lax.sub(p, u1))


def _bcast_rank(x, rank):
    return lax.broadcast_to_rank(x, rank)


def _float_sampler_args(name, key, shape, dtype):
    key, _ = prng.check_prng_key(name, key)
    return key, canonicalize_shape(shape), check_dtype(name, dtype)


def exponential(key, shape=(), dtype=float):
    """Exponential(1) samples: ``-log1p(-u)``."""
    key, shape, dt = _float_sampler_args("exponential", key, shape, dtype)
    return exponential_(key, shape, dt)


def exponential_(key, shape, dtype):
    check_shape("exponential", shape)
    u = uniform_(key, shape, dtype)
    return lax.neg(lax.log1p(lax.neg(u)))


def gumbel(key, shape=(), dtype=float, mode=None):
    """Standard Gumbel samples ``-log(-log(u))``.

    Args:
      mode: ``"low"`` (default) or ``"high"``: ``"high"`` draws two uniforms per
        value to resolve the upper tail (largest value ~32 instead of ~16 in float32).
    """
    key, shape, dt = _float_sampler_args("gumbel", key, shape, dtype)
    return gumbel_(key, shape, dt, mode)


def gumbel_(key, shape, dtype, mode=None):
    check_shape("gumbel", shape)
    mode = "low" if mode is None else mode
    if mode not in ("high", "low"):
        raise ValueError(f"Must provide valid mode for gumbel got: {mode}")
    info = finfo(dtype)
    if mode == "high":
        both = uniform_(key, (2, *shape), dtype)
        high = lax.index_in_dim(both, 0, keepdims=False)
        low = lax.index_in_dim(both, 1, keepdims=False)
        x = jnp.where(lax.ge(high, const(high, 0.5)), high,
                      lax.add(lax.add(high, lax.mul(const(low, 2.0 ** -info.nmant), low)),
                              const(high, info.tiny)))
        return lax.neg(xla_log(lax.neg(lax.log1p(lax.neg(x)))))
    u = uniform_(key, shape, dtype, np.array(info.tiny, dtype), 1.)
    return lax.neg(xla_log(lax.neg(xla_log(u))))


def categorical(key, logits, axis: int = -1, shape=None, replace: bool = True, mode=None,
                *, out_sharding=None):
    """Sample indices from categorical distributions given by unnormalized log-probabilities.

    With replacement: ``argmax(logits + gumbel)`` along ``axis``.  Without
    replacement (``replace=False``): the Gumbel top-k trick, drawing the leading
    ``shape`` dimensions (beyond the batch shape) without replacement.

    Args:
      key: a PRNG key (typed or raw).
      logits: log-probabilities; ``softmax(logits, axis)`` are the probabilities.
      axis: the category axis.
      shape: result shape, broadcast-compatible with ``logits.shape`` minus ``axis``.
      replace: sample with replacement (default True).
      mode: gumbel resolution, ``"low"`` (default) or ``"high"``.
      out_sharding: accepted for compatibility; pyjax runs on one device.
    """
    del out_sharding  # unused: one device
    key, _ = prng.check_prng_key("categorical", key)
    from pyjax._src.numpy.util import check_arraylike
    check_arraylike("categorical", logits)
    logits = asarray(logits)
    lshape = shape_of(logits)
    if axis >= 0:
        axis -= len(lshape)
    batch_shape = tuple(np.delete(np.array(lshape, dtype=np.int64), axis).tolist())
    if shape is None:
        shape = batch_shape
    else:
        shape = canonicalize_shape(shape)
        check_shape("categorical", shape, batch_shape)
    prefix = shape[:len(shape) - len(batch_shape)]
    logits_shape = list(shape[len(shape) - len(batch_shape):])
    logits_shape.insert(axis % len(lshape), lshape[axis])
    dtype = get_aval(logits).dtype
    if replace:
        noise = gumbel_(key, (*prefix, *logits_shape), dtype, mode)
        shifted = lax.add(noise, broadcast_to(lax.expand_dims(logits, tuple(range(len(prefix)))),
                                              (*prefix, *logits_shape)))
        return jnp.argmax(shifted, axis=axis)
    n_draws = math.prod(prefix)
    n_classes = lshape[axis]
    if n_draws > n_classes:
        raise ValueError(f"Number of samples without replacement ({n_draws}) cannot exceed "
                         f"number of categories ({n_classes}).")
    noise = gumbel_(key, tuple(logits_shape), dtype, mode)
    scores = lax.add(noise, broadcast_to(logits, tuple(logits_shape)))
    scores = moveaxis(scores, axis, -1)
    _, idx = lax.top_k(scores, n_draws)
    idx = moveaxis(idx, -1, 0)
    idx = lax.convert_element_type(idx, dtypes.default_int_dtype())
    return lax.reshape(idx, (*prefix, *shape[len(prefix):]))


def laplace(key, shape=(), dtype=float):
    """Laplace(0, 1) samples ``sign(u) * log1p(-|u|)``, ``u`` uniform on (-1, 1)."""
    key, shape, dt = _float_sampler_args("laplace", key, shape, dtype)
    check_shape("laplace", shape)
    u = uniform_(key, shape, dt, np.array(-1.0 + finfo(dt).epsneg, dt), 1.)
    return lax.mul(lax.sign(u), lax.log1p(lax.neg(lax.abs(u))))


def logistic(key, shape=(), dtype=float):
    """Standard logistic samples ``log(u) - log1p(-u)``, ``u`` uniform on [tiny, 1)."""
    key, shape, dt = _float_sampler_args("logistic", key, shape, dtype)
    check_shape("logistic", shape)
    x = uniform_(key, shape, dt, np.array(finfo(dt).tiny, dt), 1.)
    return lax.sub(xla_log(x), lax.log1p(lax.neg(x)))


def cauchy(key, shape=(), dtype=float):
    """Standard Cauchy samples ``tan(pi * (u - 1/2))``."""
    key, shape, dt = _float_sampler_args("cauchy", key, shape, dtype)
    check_shape("cauchy", shape)
    u = uniform_(key, shape, dt, np.array(finfo(dt).eps, dt), 1.)
    return xla_tan(lax.mul(const(u, np.pi), lax.sub(u, const(u, 0.5))))


def rademacher(key, shape=(), dtype=int):
    """Samples of -1 or +1 with equal probability."""
    key, _ = prng.check_prng_key("rademacher", key)
    dtypes.check_user_dtype_supported(dtype, "rademacher")
    dt = dtypes.canonicalize_dtype(dtype)
    return rademacher_(key, canonicalize_shape(shape), dt)


def rademacher_(key, shape, dtype):
    draws = lax.lt(uniform_(key, shape, np.dtype(np.float32)), np.float32(0.5))
    b = lax.convert_element_type(draws, dtype)
    return lax.convert_element_type(lax.sub(lax.mul(const(b, 2), b), const(b, 1)), dtype)


def maxwell(key, shape=(), dtype=float):
    """One-sided Maxwell samples: the norm of three standard normals."""
    key, shape, dt = _float_sampler_args("maxwell", key, shape, dtype)
    return maxwell_(key, shape, dt)


def maxwell_(key, shape, dtype):
    norm_rvs = normal_(key, (*shape, 3), dtype)
    return jnp.linalg.norm(norm_rvs, axis=-1)


def double_sided_maxwell(key, loc, scale, shape=(), dtype=float):
    """Double-sided Maxwell samples ``sign * maxwell * scale + loc``."""
    key, shape, dt = _float_sampler_args("double_sided_maxwell", key, shape, dtype)
    params_shape = tuple(np.broadcast_shapes(np.shape(loc), np.shape(scale)))
    if not shape:
        shape = params_shape
    shape = shape + params_shape
    maxwell_key, rademacher_key = key_split(key)
    maxwell_rvs = maxwell_(maxwell_key, shape, dt)
    random_sign = rademacher_(rademacher_key, shape, dt)
    return jnp.add(jnp.multiply(jnp.multiply(random_sign, maxwell_rvs), scale), loc)


def weibull_min(key, scale, concentration, shape=(), dtype=float):
    """Weibull samples ``(-log1p(-u)) ** (1 / concentration) * scale``."""
    key, shape, dt = _float_sampler_args("weibull_min", key, shape, dtype)
    u = uniform_(key, shape, dt, 0, 1)
    return jnp.multiply(power(lax.neg(lax.log1p(lax.neg(u))), jnp.divide(1.0, concentration)),
                        scale)


def pareto(key, b, shape=None, dtype=float):
    """Pareto samples ``exp(e / b)`` with ``e`` exponential."""
    key, _ = prng.check_prng_key("pareto", key)
    dt = check_dtype("pareto", dtype)
    if shape is None:
        shape = np.shape(b)
    else:
        shape = canonicalize_shape(shape)
        check_shape("pareto", shape)
    b = lax.convert_element_type(b, dt)
    e = exponential_(key, tuple(shape), dt)
    return xla_exp(divide(e, b))


def rayleigh(key, scale, shape=None, dtype=float):
    """Rayleigh samples ``scale * sqrt(-2 log u)``."""
    key, _ = prng.check_prng_key("rayleigh", key)
    dt = check_dtype("rayleigh", dtype)
    if shape is None:
        shape = np.shape(scale)
    else:
        shape = canonicalize_shape(shape)
        check_shape("rayleigh", shape, np.shape(scale))
    shape = tuple(shape)
    u = uniform_(key, shape, dt)
    scale = broadcast_to(lax.convert_element_type(scale, dt), shape)
    return lax.mul(scale, lax.sqrt(lax.mul(xla_log(u), const(u, -2))))


def wald(key, mean, shape=None, dtype=float):
    """Wald (inverse Gaussian) samples with the given mean (Michael et al.'s method)."""
    key, _ = prng.check_prng_key("wald", key)
    dt = check_dtype("wald", dtype)
    if shape is None:
        shape = np.shape(mean)
    else:
        shape = canonicalize_shape(shape)
        check_shape("wald", shape, np.shape(mean))
    shape = tuple(shape)
    k1, k2 = key_split(key)
    mean = broadcast_to(lax.convert_element_type(mean, dt), shape)
    v = normal_(k1, shape, dt)
    z = uniform_(k2, shape, dt)
    y = lax.integer_pow(v, 2)
    y_sq = lax.integer_pow(y, 2)
    mean_sq = lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(lax.add(lax.mul(lax.mul(const(mean, 4), mean), y),
                                 lax.mul(mean_sq, y_sq)))
    x = lax.sub(lax.add(mean, lax.div(lax.mul(mean_sq, y), const(y, 2))),
                lax.mul(lax.div(mean, const(mean, 2)), sqrt_term))
    return lax.select(lax.le(z, lax.div(mean, lax.add(mean, x))), x, lax.div(mean_sq, x))


def lognormal(key, sigma=np.float32(1), shape=None, dtype=float):
    """Log-normal samples ``exp(sigma * normal)``."""
    key, _ = prng.check_prng_key("lognormal", key)
    dt = check_dtype("lognormal", dtype, np.inexact, "a float or complex")
    if shape is None:
        shape = np.shape(sigma)
    else:
        shape = canonicalize_shape(shape)
        check_shape("lognormal", shape, np.shape(sigma))
    shape = tuple(shape)
    sigma = broadcast_to(sigma, shape)
    scaled = jnp.multiply(normal_(key, shape, dt), sigma)
    return xla_exp(scaled)


def triangular(key, left, mode, right, shape=None, dtype=float):
    """Triangular samples on ``[left, right]`` with peak at ``mode`` (inverse CDF)."""
    key, _ = prng.check_prng_key("triangular", key)
    dt = check_dtype("triangular", dtype)
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(left), np.shape(mode), np.shape(right)))
    else:
        shape = canonicalize_shape(shape)
        check_shape("triangular", shape, np.shape(left), np.shape(mode), np.shape(right))
    shape = tuple(shape)
    left, mode, right = (broadcast_to(lax.convert_element_type(v, dt), shape)
                         for v in (left, mode, right))
    fc = lax.div(lax.sub(mode, left), lax.sub(right, left))
    u = uniform_(key, shape, dt)
    out1 = lax.add(left, lax.sqrt(lax.mul(lax.mul(u, lax.sub(right, left)),
                                          lax.sub(mode, left))))
    out2 = lax.sub(right, lax.sqrt(lax.mul(lax.mul(lax.sub(const(u, 1), u),
                                                   lax.sub(right, left)),
                                           lax.sub(right, mode))))
    return lax.select(lax.lt(u, fc), out1, out2)


def multivariate_normal(key, mean, cov, shape=None, dtype=None, method: str = "cholesky"):
    """Multivariate normal samples ``mean + factor @ normal`` (cholesky, eigh or svd factor).

    Returns an array of shape ``shape + mean.shape[-1:]`` (``shape`` defaults to the
    broadcast of ``mean.shape[:-1]`` and ``cov.shape[:-2]``).
    """
    key, _ = prng.check_prng_key("multivariate_normal", key)
    dtypes.check_user_dtype_supported(dtype, "multivariate_normal")
    from pyjax._src.numpy.util import promote_dtypes_inexact
    mean, cov = promote_dtypes_inexact(mean, cov)
    if method not in {"svd", "eigh", "cholesky"}:
        raise ValueError("method must be one of {'svd', 'eigh', 'cholesky'}")
    dt = get_aval(mean).dtype if dtype is None else dtypes.canonicalize_dtype(dtype)
    if not dtypes.issubdtype(dt, np.floating):
        raise ValueError("dtype argument to `multivariate_normal` must be a float dtype, "
                         f"got {dt}")
    if shape is not None:
        shape = canonicalize_shape(shape)
    mshape, cshape = shape_of(mean), shape_of(cov)
    if not len(mshape) >= 1:
        raise ValueError(f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == "
                         f"{len(mshape)}")
    if not len(cshape) >= 2:
        raise ValueError(f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == "
                         f"{len(cshape)}")
    n = mshape[-1]
    if tuple(cshape[-2:]) != (n, n):
        raise ValueError(f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, "
                         f"but got cov.shape == {tuple(cshape)}.")
    if shape is None:
        shape = tuple(np.broadcast_shapes(mshape[:-1], cshape[:-2]))
    else:
        check_shape("normal", shape, mshape[:-1], cshape[:-2])
    if method == "svd":
        u, s, _ = jnp.linalg.svd(cov)
        factor = jnp.multiply(u, jnp.sqrt(lax.expand_dims(s, (len(shape_of(s)) - 1,))))
    elif method == "eigh":
        w, v = jnp.linalg.eigh(cov)
        factor = jnp.multiply(v, jnp.sqrt(lax.expand_dims(w, (len(shape_of(w)) - 1,))))
    else:
        factor = jnp.linalg.cholesky(cov)
    samples = normal_(key, (*shape, n), dt)
    return jnp.add(mean, jnp.einsum("...ij,...j->...i", factor, samples))


def orthogonal(key, n: int, shape=(), dtype=float, m: int | None = None):
    """A random (semi-)orthogonal ``n x m`` matrix (unitary for complex dtypes).

    QR of a normal matrix with the signs of ``R``'s diagonal folded into ``Q``
    (Mezzadri 2007).  Result shape ``(*shape, n, m)``; ``m`` defaults to ``n``.
    """
    shape = canonicalize_shape(shape)
    key, _ = prng.check_prng_key("orthogonal", key)
    dtypes.check_user_dtype_supported(dtype, "orthogonal")
    dt = dtypes.canonicalize_dtype(dtype)
    check_shape("orthogonal", shape)
    from pyjax._src.numpy.util import concrete_or_error
    n = int(concrete_or_error(n, "The error occurred in jax.random.orthogonal()"))
    m = n if m is None else int(concrete_or_error(m, "The error occurred in "
                                                     "jax.random.orthogonal()"))
    tall = n >= m
    z = normal_(key, (*shape, max(n, m), min(n, m)), dt)
    q, r = jnp.linalg.qr(z)
    k = min(n, m)
    eye = lax.broadcasted_iota(np.int32, (k, k), 0) == lax.broadcasted_iota(np.int32, (k, k), 1)
    d = jnp.sum(jnp.where(eye, r, jnp.zeros_like(r)), axis=-2)
    phase = lax.div(d, lax.convert_element_type(lax.abs(d), dt))
    q = lax.mul(q, lax.expand_dims(phase, (len(shape_of(phase)) - 1,)))
    return q if tall else moveaxis(q, -1, -2)


def geometric(key, p, shape=None, dtype=int):
    """Geometric samples (trials to the first success): ``floor(log u / log1p(-p)) + 1``."""
    key, _ = prng.check_prng_key("geometric", key)
    dtypes.check_user_dtype_supported(dtype, "geometric")
    dt = dtypes.canonicalize_dtype(dtype)
    if not dtypes.issubdtype(dt, np.integer):
        raise ValueError(f"dtype argument to `geometric` must be an int dtype, got {dt}")
    if shape is None:
        shape = np.shape(p)
    else:
        shape = canonicalize_shape(shape)
        check_shape("geometric", shape, np.shape(p))
    shape = tuple(shape)
    from pyjax._src.numpy.util import check_arraylike, promote_dtypes_inexact
    check_arraylike("geometric", p)
    p, = promote_dtypes_inexact(p)
    u = uniform_(key, shape, get_aval(p).dtype)
    u = lax.select(lax.eq(u, const(u, 0)), lax.full_like(u, 1), u)   # as JAX: log(0) avoided
    log_u = xla_log(u)
    g = lax.add(lax.floor(divide_broadcast(log_u, lax.log1p(lax.neg(p)), shape)), const(u, 1))
    return lax.convert_element_type(g, dt)


__all__ = ["randint", "permutation", "choice", "truncated_normal", "bernoulli", "exponential",
           "gumbel", "categorical", "laplace", "logistic", "cauchy", "rademacher", "maxwell",
           "double_sided_maxwell", "weibull_min", "pareto", "rayleigh", "wald", "lognormal",
           "triangular", "multivariate_normal", "orthogonal", "geometric"]


