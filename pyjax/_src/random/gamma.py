"""The gamma family: the ``random_gamma`` primitive and the samplers built on it.

    random_gamma[log_space] : (key[*kshape], f[*kshape, *rest]) -> f[*kshape, *rest]

``random_gamma_p`` draws one standard Gamma(a) variate per element of ``a``
(Marsaglia and Tsang, "A simple method for generating gamma variables", 2000),
as JAX does: the key operand (typed keys; its physical rule rebinds it on the raw
``u32[*kshape, 2]`` data, which is what the impl sees) is split into one key per
remaining element, and each element runs JAX's rejection loop (``_gamma_one``)
with its own key.  The impl evaluates the loop for all elements at once with
``vmap`` (a batched ``while_loop``), which gives each element exactly the values
of JAX's sequential ``lax.map``.
``a < 1`` is boosted: ``Gamma(a) = Gamma(a + 1) * U**(1/a)`` (in log space with
``log_space=True``, for ``loggamma``).  XLA:CPU contracts ``1 + x * c`` and
``1 - 0.0331 * x**4`` into fused multiply-adds (emulated, ``xla_math.fma``; the
log-space boost is not fused: a select separates its multiply and add), and
``log``/``exp``/``pow`` are the XLA:CPU ports of sampling.py (NOTE[xla-twins]).
Remaining difference from JAX on XLA:CPU: XLA rewrites ``(1/3) / sqrt(d)`` as
``(1/3) * rsqrt(d)`` with the CPU's approximate ``rsqrt`` instruction and one or
two Newton steps (vendor- and vector-width-specific), which pyjax does not
reproduce; ``c`` then differs by an ulp for some ``a`` and so may a sample.  (XLA
also reassociates ``f``'s ``(x / m) / (y / n)`` into ``(x * n) / (y * m)``; pyjax
keeps JAX's three divisions.)

Rules: abstract eval = ``a``'s aval; batching moves both batch axes to the front
(the key batch becomes part of ``kshape``); JVP in ``a`` only, by implicit
reparameterization: ``d sample / d a = random_gamma_grad(a, sample)``
(``lax.random_gamma_grad``; in log space divided by the sample).
"""
from __future__ import annotations

import functools
import math

import numpy as np

import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src import dtypes
from pyjax._src.core.avals import ShapedArray
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import ad, batching
from pyjax._src.random import physical, prng
from pyjax._src.random.distributions import rademacher_
from pyjax._src.random.sampling import (broadcast_to, canonicalize_shape, check_dtype,
                                        check_shape, const, divide, divide_broadcast,
                                        key_split, normal_, power, shape_of, uniform_,
                                        xla_exp, xla_log, xla_pow)
from pyjax._src.lax.xla_math import fma


# -- one gamma variate (JAX's _gamma_one) ------------------------------------------------------

def _gamma_one(key, alpha, log_space: bool):
    dtype = alpha.dtype
    zero, one, minus_one = const(alpha, 0), const(alpha, 1), const(alpha, -1)
    one_over_two, one_over_three = const(alpha, 0.5), const(alpha, 1. / 3.)
    squeeze_const = const(alpha, 0.0331)
    boost_mask = lax.ge(alpha, one)
    alpha_orig = alpha
    alpha = lax.select(boost_mask, alpha, lax.add(alpha, one))
    d = lax.sub(alpha, one_over_three)
    c = lax.div(one_over_three, lax.sqrt(d))

    def cond_fn(state):
        _, x, v, u = state
        squeeze = fma(lax.neg(squeeze_const), lax.mul(x, x), one)
        log_bound = lax.add(lax.mul(x, one_over_two),
                            lax.mul(d, lax.add(lax.sub(one, v), xla_log(v))))
        return lax.bitwise_and(lax.ge(u, squeeze), lax.ge(xla_log(u), log_bound))

    def next_xv(state):
        k = state[0]
        k, subkey = key_split(k)
        x = normal_(subkey, (), dtype)
        return k, x, fma(x, c, one)

    def body_fn(state):
        k = state[0]
        k, x_key, u_key = key_split(k, 3)
        _, x, v = lax.while_loop(lambda s: lax.le(s[2], zero), next_xv, (x_key, zero, minus_one))
        u = uniform_(u_key, (), dtype)
        return k, lax.mul(x, x), lax.mul(lax.mul(v, v), v), u

    key, subkey = key_split(key)
    _, _, v, _ = lax.while_loop(cond_fn, body_fn, (key, zero, one, const(alpha, 2)))
    if log_space:
        log_samples = lax.neg(_exponential(subkey, (), dtype))
        inv_alpha = lax.div(one, alpha_orig)
        no_boost = lax.bitwise_or(boost_mask, lax.eq(log_samples, zero))
        # the select sits between the multiply and the add, so XLA does not fuse them
        log_boost = lax.select(no_boost, zero, lax.mul(log_samples, inv_alpha))
        return lax.add(lax.add(xla_log(d), xla_log(v)), log_boost)
    samples = lax.sub(one, uniform_(subkey, (), dtype))
    boost = lax.select(boost_mask, one, xla_pow(samples, lax.div(one, alpha_orig)))
    return lax.mul(lax.mul(d, v), boost)


# -- the primitive ---------------------------------------------------------------------------

def _gamma_impl(key_data, a, *, log_space):
    from pyjax._src.vmap_api import vmap
    kshape = key_data.shape[:-1]
    a_shape = a.shape
    count = math.prod(a_shape[len(kshape):])
    impl = prng.default_prng_impl()
    # one subkey per element: split each key of the leading key shape ``count`` ways
    keys = vmap(lambda k: impl.split(k, (count,)))(key_data.reshape((-1, 2)))
    keys = lax.reshape(keys, (math.prod(a_shape), 2))
    alphas = a.reshape(-1)
    if alphas.size == 0:
        return np.zeros(a_shape, a.dtype)
    one = functools.partial(_gamma_one_raw, impl=impl, log_space=log_space)
    samples = vmap(one)(keys, alphas)
    return np.asarray(samples).reshape(a_shape)


def _gamma_one_raw(key_data, alpha, *, impl, log_space):
    return _gamma_one(prng.random_wrap(key_data, impl), alpha, log_space)


def _gamma_abstract_eval(key_aval, a_aval, *, log_space):
    del log_space  # unused
    if isinstance(key_aval.dtype, prng.KeyTy):
        kshape = key_aval.shape
    elif key_aval.dtype == np.uint32 and tuple(key_aval.shape[-1:]) == (2,):
        kshape = key_aval.shape[:-1]  # the physical form (see _gamma_physical)
    else:
        raise TypeError(f"random_gamma requires a key array operand, got "
                        f"{key_aval.str_short()}")
    if tuple(a_aval.shape[:len(kshape)]) != tuple(kshape):
        raise TypeError(f"random_gamma: key shape {kshape} must be a prefix of "
                        f"the shape of a {a_aval.shape}")
    return ShapedArray(a_aval.shape, a_aval.dtype, a_aval.weak_type)


def _gamma_physical(avals_in, avals_out, key_data, a, *, log_space):
    """On the key data: the impl runs on raw ``u32[*kshape, 2]`` keys."""
    del avals_in, avals_out  # unused
    return [random_gamma_p.bind(key_data, a, log_space=log_space)]


def _gamma_grad(sample, a, *, log_space):
    if log_space:
        # d log(s) = ds / s; exp(log s) may underflow to 0: use the smallest normal
        samples = lax.exp(sample)
        tiny = lax.full_like(samples, dtypes.finfo(samples.dtype).tiny)
        samples = lax.select(lax.eq(samples, const(samples, 0)), tiny, samples)
        return lax.div(lax.random_gamma_grad(a, samples), samples)
    return lax.random_gamma_grad(a, sample)


def _gamma_batch_rule(axis_data, vals, dims, *, log_space):
    k, a = vals
    bk, ba = dims
    size = axis_data.size
    k = batching.bdim_at_front(k, bk, size)
    a = batching.bdim_at_front(a, ba, size)
    return random_gamma_p.bind(k, a, log_space=log_space), 0


random_gamma_p = Primitive("random_gamma")
random_gamma_p.def_impl(_gamma_impl)
random_gamma_p.def_abstract_eval(_gamma_abstract_eval)
random_gamma_p.def_weak_type_rule(lambda weak_in, **params: False)
ad.defjvp2(random_gamma_p, None,
           lambda t, ans, key, a, *, log_space: lax.mul(t, _gamma_grad(ans, a,
                                                                       log_space=log_space)))
batching.primitive_batchers[random_gamma_p] = _gamma_batch_rule
physical.physical_rules[random_gamma_p] = _gamma_physical


# -- samplers ----------------------------------------------------------------------------------

def _gamma(key, a, shape, dtype, log_space=False):
    if shape is None:
        shape = np.shape(a)
    else:
        check_shape("gamma", shape, np.shape(a))
    shape = tuple(shape)
    a = lax.convert_element_type(a, dtype)
    if shape_of(a) != shape:
        a = broadcast_to(a, shape)
    return random_gamma_p.bind(key, a, log_space=log_space)


def gamma(key, a, shape=None, dtype=float):
    """Standard Gamma(a) samples (unit scale), ``a > 0``.

    Args:
      key: a PRNG key (typed or raw).
      a: shape parameter, broadcast-compatible with ``shape``.
      shape: result shape (default: ``a``'s shape).
      dtype: a float dtype.

    Returns:
      Samples differentiable in ``a`` (implicit reparameterization).
    """
    key, _ = prng.check_prng_key("gamma", key)
    dt = check_dtype("gamma", dtype)
    if shape is not None:
        shape = canonicalize_shape(shape)
    return _gamma(key, a, shape, dt)


def loggamma(key, a, shape=None, dtype=float):
    """``log`` of Gamma(a) samples, computed in log space (accurate for small ``a``)."""
    key, _ = prng.check_prng_key("loggamma", key)
    dt = check_dtype("gamma", dtype)
    if shape is not None:
        shape = canonicalize_shape(shape)
    return _gamma(key, a, shape, dt, log_space=True)


def beta(key, a, b, shape=None, dtype=float):
    """Beta(a, b) samples ``Ga / (Ga + Gb)`` from two log-gamma draws."""
    key, _ = prng.check_prng_key("beta", key)
    dt = check_dtype("beta", dtype)
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(a), np.shape(b)))
    else:
        shape = canonicalize_shape(shape)
        check_shape("beta", shape, np.shape(a), np.shape(b))
    a = broadcast_to(lax.convert_element_type(a, dt), shape)
    b = broadcast_to(lax.convert_element_type(b, dt), shape)
    key_a, key_b = key_split(key)
    log_gamma_a = _gamma(key_a, a, shape, dt, log_space=True)
    log_gamma_b = _gamma(key_b, b, shape, dt, log_space=True)
    log_max = lax.max(log_gamma_a, log_gamma_b)
    gamma_a_scaled = xla_exp(lax.sub(log_gamma_a, log_max))
    gamma_b_scaled = xla_exp(lax.sub(log_gamma_b, log_max))
    return lax.div(gamma_a_scaled, lax.add(gamma_a_scaled, gamma_b_scaled))


def dirichlet(key, alpha, shape=None, dtype=float):
    """Dirichlet(alpha) samples: a softmax of log-gamma draws along the last axis."""
    key, _ = prng.check_prng_key("dirichlet", key)
    dt = check_dtype("dirichlet", dtype)
    if shape is not None:
        shape = canonicalize_shape(shape)
    if not np.ndim(alpha) >= 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == "
                         f"{np.ndim(alpha)}")
    if shape is None:
        shape = np.shape(alpha)[:-1]
    else:
        check_shape("dirichlet", shape, np.shape(alpha)[:-1])
    alpha = lax.convert_element_type(alpha, dt)
    log_gamma = _gamma(key, alpha, tuple(shape) + np.shape(alpha)[-1:], dt, log_space=True)
    x_max = jnp.max(log_gamma, -1, keepdims=True)
    unnormalized = xla_exp(lax.sub(log_gamma, lax.stop_gradient(x_max)))
    return divide(unnormalized, jnp.sum(unnormalized, -1, keepdims=True))


def chisquare(key, df, shape=None, dtype=float):
    """Chi-square samples ``2 * exp(loggamma(df / 2))``."""
    key, _ = prng.check_prng_key("chisquare", key)
    dt = check_dtype("chisquare", dtype)
    if shape is not None:
        shape = canonicalize_shape(shape)
    return _chisquare(key, df, shape, dt)


def _chisquare(key, df, shape, dtype):
    if shape is None:
        shape = np.shape(df)
    else:
        check_shape("chisquare", shape, np.shape(df))
    df = lax.convert_element_type(df, dtype)
    two = const(df, 2)
    log_g = _gamma(key, lax.div(df, two), tuple(shape), dtype, log_space=True)
    return lax.mul(xla_exp(log_g), two)


def f(key, dfnum, dfden, shape=None, dtype=float):
    """F-distribution samples ``(chi2(dfnum) / dfnum) / (chi2(dfden) / dfden)``."""
    key, _ = prng.check_prng_key("f", key)
    dt = check_dtype("f", dtype)
    if shape is None:
        shape = tuple(np.broadcast_shapes(np.shape(dfden), np.shape(dfnum)))
    else:
        shape = canonicalize_shape(shape)
        check_shape("f", shape, np.shape(dfden), np.shape(dfnum))
    dfden = lax.convert_element_type(dfden, dt)
    dfnum = lax.convert_element_type(dfnum, dt)
    key_dfd, key_dfn = key_split(key)
    chi2_dfn = _chisquare(key_dfn, dfnum, shape, dt)
    chi2_dfd = _chisquare(key_dfd, dfden, shape, dt)
    num = divide_broadcast(chi2_dfn, dfnum, shape)
    den = divide_broadcast(chi2_dfd, dfden, shape)
    return lax.div(num, den)


def t(key, df, shape=(), dtype=float):
    """Student's t samples ``normal * sqrt((df / 2) / gamma(df / 2))``."""
    key, _ = prng.check_prng_key("t", key)
    dt = check_dtype("t", dtype)
    shape = canonicalize_shape(shape) if shape is not None else np.shape(df)
    check_shape("t", shape, np.shape(df))
    df = lax.convert_element_type(df, dt)
    key_n, key_g = key_split(key)
    n = normal_(key_n, tuple(shape), dt)
    half_df = lax.div(df, const(df, 2))
    g = _gamma(key_g, half_df, tuple(shape), dt)
    return jnp.multiply(n, jnp.sqrt(jnp.divide(half_df, g)))


def generalized_normal(key, p: float, shape=(), dtype=float):
    """Generalized normal samples (density ``exp(-|x|**p)``): ``sign * gamma(1/p)**(1/p)``."""
    shape = canonicalize_shape(shape)
    key, _ = prng.check_prng_key("generalized_normal", key)
    dtypes.check_user_dtype_supported(dtype, "generalized_normal")
    dt = dtypes.canonicalize_dtype(dtype)
    check_shape("generalized_normal", shape)
    k1, k2 = key_split(key)
    g = _gamma(k1, jnp.divide(1, p), shape, dt)
    r = rademacher_(k2, shape, dt)
    return jnp.multiply(r, power(g, jnp.divide(1, p)))


def ball(key, d: int, p: float = 2, shape=(), dtype=float):
    """Uniform samples from the unit ``L_p`` ball in ``d`` dimensions, shape ``(*shape, d)``."""
    shape = canonicalize_shape(shape)
    key, _ = prng.check_prng_key("ball", key)
    dtypes.check_user_dtype_supported(dtype, "ball")
    dt = dtypes.canonicalize_dtype(dtype)
    check_shape("ball", shape)
    from pyjax._src.numpy.util import concrete_or_error
    d = int(concrete_or_error(d, "The error occurred in jax.random.ball()"))
    k1, k2 = key_split(key)
    g = generalized_normal(k1, p, (*shape, d), dt)
    e = _exponential(k2, shape, dt)
    norm = power(jnp.add(jnp.sum(power(jnp.abs(g), p), axis=-1), e), jnp.divide(1, p))
    return divide(g, lax.expand_dims(norm, (len(shape),)))


def _exponential(key, shape, dtype):
    u = uniform_(key, tuple(shape), dtype)
    return lax.neg(lax.log1p(lax.neg(u)))


__all__ = ["gamma", "loggamma", "beta", "dirichlet", "chisquare", "f", "t",
           "generalized_normal", "ball", "random_gamma_p"]
