"""Reductions and normalisations of ``jax.nn``: logsumexp, softmax, one_hot, ...

``logsumexp`` lives here and is shared with ``jax.scipy.special.logsumexp``
(JAX keeps one definition for both); the scipy module re-exports this object.

Numerics (as in JAX 0.10.2, whose jaxprs these follow equation for equation):

  * logsumexp shifts by ``stop_gradient(max)``, with a non-finite max replaced
    by 0 so that all ``-inf`` gives ``-inf`` (not NaN) and ``+inf`` gives ``+inf``;
    the shift is outside differentiation, so gradients are ``softmax`` weights.
  * softmax / log_softmax shift by ``stop_gradient(max(x, initial=-inf))``; with
    ``where=`` the masked entries give 0 (softmax) or ``-inf`` (log_softmax); a
    slice that is all ``-inf`` gives NaN (``-inf - -inf``), as in JAX.
"""
from __future__ import annotations

import operator
import warnings

import numpy as np

import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src import dtypes
from pyjax._src.api import jit
from pyjax._src.config import config
from pyjax._src.numpy.util import (canonicalize_axes, check_arraylike, concrete_or_error,
                                   promote_args_inexact)

__all__ = ["log_softmax", "logmeanexp", "logsumexp", "one_hot", "softmax", "standardize"]


def _reduction_dims(ndim: int, axis) -> tuple[int, ...]:
    """The sorted non-negative axes of a reduction over ``axis`` (None: all)."""
    return tuple(sorted(canonicalize_axes(axis, ndim)))


# -- logsumexp ---------------------------------------------------------------------------------


def logsumexp(a, axis=None, b=None, keepdims: bool = False, return_sign: bool = False,
              where=None):
    r"""Log-sum-exp reduction: :math:`\log \sum_j b_j e^{a_j}`, computed stably.

    pyjax implementation of :func:`scipy.special.logsumexp` (shared by
    ``pyjax.nn.logsumexp`` and ``pyjax.scipy.special.logsumexp``).

    Args:
      a: input array.
      axis: axis or axes to reduce (None: all).
      b: optional scale factors for ``exp(a)``, broadcastable to ``a``.
      keepdims: keep the reduced axes with size 1.
      return_sign: return ``(log|sum|, sign(sum))`` instead of NaN for negative sums.
      where: elements to include in the reduction.

    Returns:
      The reduction, or a ``(result, sign)`` pair with ``return_sign=True``.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> float(pyjax.nn.logsumexp(jnp.array([-jnp.inf, -jnp.inf])))
      -inf
    """
    if b is not None:
        a, b = promote_args_inexact("logsumexp", a, b)
        a = jnp.where(b != 0, a, -jnp.inf)
    else:
        [a] = promote_args_inexact("logsumexp", a)
    dims = _reduction_dims(a.ndim, axis)
    amax = jnp.max(jnp.real(a) if _is_complex(a) else a, axis=dims, keepdims=keepdims,
                   where=where, initial=-jnp.inf)
    # A non-finite max (all -inf, or +inf present) must not shift: -inf - -inf is NaN.
    amax = lax.stop_gradient(lax.select(jnp.isfinite(amax), amax, lax.full_like(amax, 0)))
    amax_with_dims = amax if keepdims else lax.expand_dims(amax, dims)
    exp_a = lax.exp(lax.sub(a, amax_with_dims.astype(a.dtype)))
    if b is not None:
        exp_a = lax.mul(exp_a, b)
    sumexp = jnp.sum(exp_a, axis=dims, keepdims=keepdims, where=where)
    sign = lax.sign(sumexp)
    if return_sign or not _is_complex(a):
        sumexp = lax.abs(sumexp)
    out = lax.add(lax.log(sumexp), amax.astype(sumexp.dtype))
    if return_sign:
        return out, sign
    if b is not None and not _is_complex(out):
        out = jnp.where(sign < 0, jnp.array(np.nan, dtype=out.dtype), out)
    return out


def _is_complex(x) -> bool:
    return dtypes.issubdtype(x.dtype, np.complexfloating)


def logmeanexp(x, axis=None, where=None, keepdims: bool = False):
    r"""Log-mean-exp reduction: :math:`\log \frac{1}{n}\sum_i e^{x_i}`.

    Equal to :math:`\mathrm{logsumexp}(x) - \log n`.

    Args:
      x: input array.
      axis: axis or axes to reduce (None: all).
      where: elements to include; ``n`` counts the included elements.
      keepdims: keep the reduced axes with size 1.
    """
    check_arraylike("logmeanexp", x)
    [x] = promote_args_inexact("logmeanexp", x)
    lse = logsumexp(x, axis=axis, keepdims=keepdims, where=where)
    if where is None:
        axes = canonicalize_axes(axis, x.ndim)
        count = int(np.prod([x.shape[i] for i in axes], dtype=np.int64))
        return lse - jnp.log(jnp.asarray(count, dtype=lse.dtype))
    count = jnp.sum(jnp.ones_like(x), axis=axis, keepdims=keepdims, where=where)
    return lse - jnp.log(count)


# -- softmax family ----------------------------------------------------------------------------


def softmax(x, axis=-1, where=None):
    r"""Softmax: :math:`e^{x_i} / \sum_j e^{x_j}` along ``axis``.

    Args:
      x: input array.
      axis: axis or axes along which the outputs sum to 1.
      where: elements to include; excluded elements give 0.

    Returns:
      An array of the same shape.

    Notes:
      A slice whose entries are all ``-inf`` (or that has a ``+inf``) gives NaN,
      as in JAX.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> pyjax.nn.softmax(jnp.array([0., 0.]))
      Array([0.5, 0.5], dtype=float32)
    """
    check_arraylike("softmax", x)
    x = jnp.asarray(x)
    if config.jax_softmax_custom_jvp:
        from pyjax._src.nn.softmax_custom import softmax_custom_jvp
        return softmax_custom_jvp(x, axis, where, -np.inf)
    x_max = jnp.max(x, axis, where=where, initial=-jnp.inf, keepdims=True)
    x_safe = x if where is None else jnp.where(where, x, -jnp.inf)
    unnormalized = jnp.exp(x_safe - lax.stop_gradient(x_max))
    result = unnormalized / jnp.sum(unnormalized, axis, where=where, keepdims=True)
    if where is not None:
        result = jnp.where(where, result, 0)
    return result


def log_softmax(x, axis=-1, where=None):
    r"""Log-softmax: :math:`x_i - \log \sum_j e^{x_j}` along ``axis``.

    Args:
      x: input array.
      axis: axis or axes of the normalisation.
      where: elements to include; excluded elements give ``-inf``.

    Returns:
      An array of the same shape.
    """
    check_arraylike("log_softmax", x)
    x = jnp.asarray(x)
    x_max = jnp.max(x, axis, where=where, initial=-jnp.inf, keepdims=True)
    x_safe = x if where is None else jnp.where(where, x, -jnp.inf)
    shifted = x_safe - lax.stop_gradient(x_max)
    shifted_lse = jnp.log(jnp.sum(jnp.exp(shifted), axis, where=where, keepdims=True))
    result = shifted - shifted_lse
    if where is not None:
        return jnp.where(where, result, -jnp.inf)
    return result


# -- standardize -------------------------------------------------------------------------------


def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5, where=None):
    r"""Normalise ``x``: :math:`(x - \mathrm{mean}) / \sqrt{\mathrm{variance} + \epsilon}`.

    Args:
      x: input array.
      axis: axis or axes of the statistics.
      mean: optional precomputed mean (default: mean of ``x`` over ``axis``).
      variance: optional precomputed variance (default: ``E[x^2] - E[x]^2``).
      epsilon: added to the variance (default 1e-5).
      where: elements included in the statistics.
    """
    check_arraylike("standardize", x)
    for v in (mean, variance, where):
        if v is not None:
            check_arraylike("standardize", v)
    if mean is None:
        mean = jnp.mean(x, axis, keepdims=True, where=where)
    if variance is None:
        # E[x^2] - E[x]^2, as JAX (cheaper than jnp.var; see jax.nn.standardize)
        variance = (jnp.mean(jnp.square(x), axis, keepdims=True, where=where)
                    - jnp.square(mean))
    return jnp.subtract(x, jnp.asarray(mean)) * lax.rsqrt(jnp.asarray(variance) + epsilon)


# -- one_hot -----------------------------------------------------------------------------------


def _one_hot(x, num_classes: int, dtype, axis):
    out_axis = axis % (x.ndim + 1) if -(x.ndim + 1) <= axis <= x.ndim else None
    if out_axis is None:
        raise ValueError(f"one_hot: axis {axis} is out of bounds for an output of "
                         f"dimension {x.ndim + 1}")
    lhs = lax.expand_dims(x, (out_axis,))
    rhs_shape = [1] * x.ndim
    rhs_shape.insert(out_axis, num_classes)
    rhs = lax.broadcasted_iota(x.dtype, rhs_shape, out_axis)
    return (lhs == rhs).astype(dtype)


_one_hot_jit = jit(_one_hot, static_argnames=("num_classes", "dtype", "axis"))


def one_hot(x, num_classes: int, *, dtype=None, axis=-1):
    """One-hot encode integer indices.

    Each index ``i`` becomes a vector of ``num_classes`` zeros with a one at
    position ``i``; indices outside ``[0, num_classes)`` (including -1) give a row
    of zeros.

    Args:
      x: array of indices.
      num_classes: the length of the one-hot dimension (a concrete int).
      dtype: result dtype (default: the default float dtype, float32).
      axis: where the new axis goes in the result (an int), or the name of a
        mapped axis (``vmap(axis_name=...)``), whose size must be ``num_classes``.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> pyjax.nn.one_hot(jnp.array([0, 2, -1]), 3)
      Array([[1., 0., 0.],
             [0., 0., 1.],
             [0., 0., 0.]], dtype=float32)
    """
    num_classes = concrete_or_error(
        num_classes, "The error arose in jax.nn.one_hot argument `num_classes`.")
    num_classes = operator.index(num_classes)
    dtype = dtypes.default_float_dtype() if dtype is None else \
        dtypes.canonicalize_dtype(dtype)
    x = jnp.asarray(x)
    if not dtypes.issubdtype(x.dtype, np.integer):
        warnings.warn(f"jax.nn.one_hot input should be integer-typed; got dtype={x.dtype}",
                      DeprecationWarning, stacklevel=2)
    if isinstance(axis, str):
        return _one_hot_named(x, num_classes, dtype, axis)
    return _one_hot_jit(x, num_classes=num_classes, dtype=dtype, axis=operator.index(axis))


def _one_hot_named(x, num_classes, dtype, axis_name):
    axis_size = lax.axis_size(axis_name)
    if num_classes != axis_size:
        raise ValueError(f"Expected num_classes to match the size of axis {axis_name}, "
                         f"but {num_classes} != {axis_size}")
    return (x == lax.axis_index(axis_name)).astype(dtype)
