"""``jax.nn.softmax`` under ``jax_softmax_custom_jvp=True``: a ``custom_jvp`` softmax.

    softmax'(x) . t = y * (t - sum(y * t))      with y = softmax(x)

JAX 0.10.2 keeps two softmax definitions behind the flag: by default (False) the
max shift is a ``stop_gradient`` and differentiation goes through the
exponentials (nn/functions.py); with the flag on, this ``custom_jvp`` gives the
tangent from the output alone (less memory, and no NaN from the shift when
entries are ``-inf``).  Values are the same either way.
"""
from __future__ import annotations

import functools

import numpy as np

import pyjax.numpy as jnp
from pyjax._src.custom_derivatives import custom_jvp


@functools.partial(custom_jvp, nondiff_argnums=(1,))
def softmax_custom_jvp(x, axis, where, initial=-np.inf):
    """Softmax of ``x`` over ``axis`` (masked by ``where``) with a closed-form JVP."""
    x_max = jnp.max(x, axis, where=where, initial=initial, keepdims=True)
    x_safe = x if where is None else jnp.where(where, x, initial)
    unnormalized = jnp.exp(x_safe - x_max)
    result = unnormalized / jnp.sum(unnormalized, axis, where=where, keepdims=True)
    if where is not None:
        result = jnp.where(where, result, 0)
    return result


@softmax_custom_jvp.defjvp
def _softmax_custom_jvp_rule(axis, primals, tangents):
    (x, where, initial), (x_dot, _, _) = primals, tangents
    y = softmax_custom_jvp(x, axis, where, initial)
    return y, y * (x_dot - (y * x_dot).sum(axis, where=where, keepdims=True))
