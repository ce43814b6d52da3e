"""Stax: a tiny neural-network specification library (``jax.example_libraries.stax``).

A *layer* is a pair ``(init_fun, apply_fun)``:

    init_fun  : (rng, input_shape) -> (output_shape, params)
    apply_fun : (params, inputs, **kwargs) -> outputs      (kwargs may carry ``rng``)

Constructors (``Dense(10)``, ``Conv(32, (3, 3))``) return layers; parameterless
layers (``Relu``, ``Flatten``, ``Identity``, ``FanInSum``, ...) *are* layers
(tuples), not functions.  Combinators (``serial``, ``parallel``,
``shape_dependent``) build layers from layers.  Shapes are Python tuples; -1
may stand for an unknown batch size.

As in JAX, ``Dropout(rate)`` keeps each unit with probability ``rate`` and
scales kept units by ``1 / rate``.
"""
from __future__ import annotations

import functools
import math

import numpy as np

import pyjax.numpy as jnp
from pyjax import lax
from pyjax import random
# Through the public modules, so their exports run first and name the public module.
from pyjax.nn import (elu, gelu, leaky_relu, log_softmax, relu, selu, sigmoid, softmax,
                      softplus, standardize)
from pyjax.nn.initializers import glorot_normal, normal, ones, zeros

__all__ = [
    "AvgPool", "BatchNorm", "Conv", "Conv1DTranspose", "ConvTranspose", "Dense", "Dropout",
    "Elu", "Exp", "FanInConcat", "FanInSum", "FanOut", "Flatten", "Gelu", "GeneralConv",
    "GeneralConvTranspose", "Identity", "LeakyRelu", "LogSoftmax", "MaxPool", "Relu", "Selu",
    "Sigmoid", "Softmax", "Softplus", "SumPool", "Tanh", "elementwise", "glorot",
    "logsoftmax", "parallel", "randn", "serial", "shape_dependent",
]

# Old names kept by JAX for backwards compatibility.
glorot = glorot_normal
randn = normal
logsoftmax = log_softmax


# -- parameterised layers ----------------------------------------------------------------------


def Dense(out_dim, W_init=glorot_normal(), b_init=normal()):
    """A fully connected layer: ``inputs @ W + b`` with ``W: (in, out_dim)``."""
    def init_fun(rng, input_shape):
        output_shape = tuple(input_shape[:-1]) + (out_dim,)
        k1, k2 = random.split(rng)
        W = W_init(k1, (input_shape[-1], out_dim))
        b = b_init(k2, (out_dim,))
        return output_shape, (W, b)

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return jnp.dot(inputs, W) + b
    return init_fun, apply_fun


def _kernel_shape(rhs_spec, lhs_spec, out_chan, filter_shape, input_shape):
    """The kernel shape in ``rhs_spec`` order: 'O' out_chan, 'I' input channels, else filter."""
    spatial = iter(filter_shape)
    in_chan = input_shape[lhs_spec.index("C")]
    return [out_chan if c == "O" else in_chan if c == "I" else next(spatial)
            for c in rhs_spec]


def _conv_layer(dimension_numbers, out_chan, filter_shape, W_init, b_init, output_shape_fn,
                conv_fn):
    """A (transposed) convolution layer plus bias: ``conv_fn(inputs, W) + b``, its output
    shape from ``output_shape_fn(input_shape, kernel_shape)``."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    W_init = W_init or glorot_normal(rhs_spec.index("I"), rhs_spec.index("O"))

    def init_fun(rng, input_shape):
        kernel_shape = _kernel_shape(rhs_spec, lhs_spec, out_chan, filter_shape, input_shape)
        output_shape = output_shape_fn(input_shape, kernel_shape)
        bias_shape = [out_chan if c == "C" else 1 for c in out_spec]
        k1, k2 = random.split(rng)
        return output_shape, (W_init(k1, kernel_shape), b_init(k2, bias_shape))

    def apply_fun(params, inputs, **kwargs):
        W, b = params
        return conv_fn(inputs, W) + b
    return init_fun, apply_fun


def GeneralConv(dimension_numbers, out_chan, filter_shape, strides=None, padding="VALID",
                W_init=None, b_init=normal(1e-6)):
    """A convolution layer with general ``(lhs_spec, rhs_spec, out_spec)`` layouts.

    Args:
      dimension_numbers: e.g. ``('NHWC', 'HWIO', 'NHWC')``.
      out_chan: number of output channels.
      filter_shape: spatial kernel shape.
      strides: spatial strides (default all 1).
      padding: ``'VALID'``, ``'SAME'`` or explicit ``(low, high)`` pairs.
      W_init: kernel initializer (default Glorot normal over the I/O axes).
      b_init: bias initializer.
    """
    one = (1,) * len(filter_shape)
    strides = strides or one
    return _conv_layer(dimension_numbers, out_chan, filter_shape, W_init, b_init,
                       lambda shape, kshape: lax.conv_general_shape_tuple(
                           shape, kshape, strides, padding, dimension_numbers),
                       lambda x, W: lax.conv_general_dilated(
                           x, W, strides, padding, one, one,
                           dimension_numbers=dimension_numbers))


Conv = functools.partial(GeneralConv, ("NHWC", "HWIO", "NHWC"))


def GeneralConvTranspose(dimension_numbers, out_chan, filter_shape, strides=None,
                         padding="VALID", W_init=None, b_init=normal(1e-6)):
    """A transposed-convolution layer with general layouts (see :func:`GeneralConv`)."""
    strides = strides or (1,) * len(filter_shape)
    return _conv_layer(dimension_numbers, out_chan, filter_shape, W_init, b_init,
                       lambda shape, kshape: lax.conv_transpose_shape_tuple(
                           shape, kshape, strides, padding, dimension_numbers),
                       lambda x, W: lax.conv_transpose(
                           x, W, strides, padding, dimension_numbers=dimension_numbers))


Conv1DTranspose = functools.partial(GeneralConvTranspose, ("NHC", "HIO", "NHC"))
ConvTranspose = functools.partial(GeneralConvTranspose, ("NHWC", "HWIO", "NHWC"))


def BatchNorm(axis=(0, 1, 2), epsilon=1e-5, center=True, scale=True, beta_init=zeros,
              gamma_init=ones):
    """Batch normalisation over ``axis`` (statistics of the current batch; no running averages).

    Params are ``(beta, gamma)`` over the non-normalised axes (``()`` when
    ``center`` / ``scale`` is off).
    """
    axis = (axis,) if np.isscalar(axis) else tuple(axis)

    def init_fun(rng, input_shape):
        shape = tuple(d for i, d in enumerate(input_shape) if i not in axis)
        k1, k2 = random.split(rng)
        beta = beta_init(k1, shape) if center else ()
        gamma = gamma_init(k2, shape) if scale else ()
        return input_shape, (beta, gamma)

    def apply_fun(params, x, **kwargs):
        beta, gamma = params
        # Params hold the kept axes only: put size-1 axes back where axis points.
        ed = tuple(sorted(a % x.ndim for a in axis))
        z = standardize(x, axis, epsilon=epsilon)
        if center and scale:
            return lax.expand_dims(gamma, ed) * z + lax.expand_dims(beta, ed)
        if center:
            return z + lax.expand_dims(beta, ed)
        if scale:
            return lax.expand_dims(gamma, ed) * z
        return z
    return init_fun, apply_fun


# -- elementwise layers ------------------------------------------------------------------------


def elementwise(fun, **fun_kwargs):
    """A parameterless layer applying ``fun(inputs, **fun_kwargs)``."""
    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        return fun(inputs, **fun_kwargs)
    return init_fun, apply_fun


Tanh = elementwise(jnp.tanh)
Relu = elementwise(relu)
Exp = elementwise(jnp.exp)
LogSoftmax = elementwise(log_softmax, axis=-1)
Softmax = elementwise(softmax, axis=-1)
Softplus = elementwise(softplus)
Sigmoid = elementwise(sigmoid)
Elu = elementwise(elu)
LeakyRelu = elementwise(leaky_relu)
Selu = elementwise(selu)
Gelu = elementwise(gelu)


# -- pooling -----------------------------------------------------------------------------------


def _insert_ones(window_shape, strides, spec):
    """Window and strides over all axes: 1 on the batch and channel axes."""
    if spec is None:
        non_spatial = (0, len(window_shape) + 1)
    else:
        non_spatial = (spec.index("N"), spec.index("C"))
    window_shape, strides = tuple(window_shape), tuple(strides)
    for i in sorted(non_spatial):
        window_shape = window_shape[:i] + (1,) + window_shape[i:]
        strides = strides[:i] + (1,) + strides[i:]
    return window_shape, strides


def _pooling_layer(reducer, init_val, rescaler=None):
    def PoolingLayer(window_shape, strides=None, padding="VALID", spec=None):
        """A pooling layer over the spatial axes (layout ``spec``, default NHWC-like)."""
        strides = strides or (1,) * len(window_shape)
        rescale = rescaler(window_shape, strides, padding) if rescaler else None
        full_window, full_strides = _insert_ones(window_shape, strides, spec)

        def init_fun(rng, input_shape):
            pads = lax.padtype_to_pads(input_shape, full_window, full_strides, padding)
            ones_ = (1,) * len(full_window)
            out_shape = lax.reduce_window_shape_tuple(input_shape, full_window, full_strides,
                                                      pads, ones_, ones_)
            return out_shape, ()

        def apply_fun(params, inputs, **kwargs):
            out = lax.reduce_window(inputs, init_val, reducer, full_window, full_strides,
                                    padding)
            return rescale(out, inputs, spec) if rescale else out
        return init_fun, apply_fun
    return PoolingLayer


MaxPool = _pooling_layer(lax.max, -np.inf)
SumPool = _pooling_layer(lax.add, 0.0)


def _normalize_by_window_size(dims, strides, padding):
    """Divide window sums by the number of in-bounds elements of each window."""
    def rescale(outputs, inputs, spec):
        if spec is None:
            non_spatial = (0, inputs.ndim - 1)
        else:
            non_spatial = (spec.index("N"), spec.index("C"))
        spatial_shape = tuple(inputs.shape[i] for i in range(inputs.ndim)
                              if i not in non_spatial)
        one = jnp.ones(spatial_shape, dtype=inputs.dtype)
        window_sizes = lax.reduce_window(one, 0.0, lax.add, dims, strides, padding)
        window_sizes = lax.expand_dims(window_sizes, tuple(sorted(non_spatial)))
        return outputs / window_sizes
    return rescale


AvgPool = _pooling_layer(lax.add, 0.0, _normalize_by_window_size)


# -- shape and wiring layers -------------------------------------------------------------------


def _flatten():
    def init_fun(rng, input_shape):
        return (input_shape[0], math.prod(input_shape[1:])), ()

    def apply_fun(params, inputs, **kwargs):
        return lax.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))
    return init_fun, apply_fun


Flatten = _flatten()  # flattens all but the leading (batch) axis


def _identity():
    return (lambda rng, input_shape: (input_shape, ()),
            lambda params, inputs, **kwargs: inputs)


Identity = _identity()


def FanOut(num):
    """A layer copying its input into a list of ``num`` outputs."""
    init_fun = lambda rng, input_shape: ([input_shape] * num, ())
    apply_fun = lambda params, inputs, **kwargs: [inputs] * num
    return init_fun, apply_fun


def _fan_in_sum():
    init_fun = lambda rng, input_shape: (input_shape[0], ())
    apply_fun = lambda params, inputs, **kwargs: sum(inputs)
    return init_fun, apply_fun


FanInSum = _fan_in_sum()  # sums a list of inputs


def FanInConcat(axis=-1):
    """A layer concatenating a list of inputs along ``axis``."""
    def init_fun(rng, input_shape):
        ax = axis % len(input_shape[0])
        concat_size = sum(shape[ax] for shape in input_shape)
        first = tuple(input_shape[0])
        return first[:ax] + (concat_size,) + first[ax + 1:], ()

    def apply_fun(params, inputs, **kwargs):
        return lax.concatenate([jnp.asarray(x) for x in inputs], axis % inputs[0].ndim)
    return init_fun, apply_fun


def Dropout(rate, mode="train"):
    """Dropout: in ``mode='train'`` keep each unit with probability ``rate``, scaled by ``1/rate``.

    ``apply_fun`` then needs an ``rng=`` key; ``mode='test'`` is the identity.
    """
    def init_fun(rng, input_shape):
        return input_shape, ()

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.get("rng", None)
        if mode == "train":
            if rng is None:
                raise ValueError(
                    "Dropout layer requires apply_fun to be called with a PRNG key "
                    "argument. That is, instead of `apply_fun(params, inputs)`, call "
                    "it like `apply_fun(params, inputs, rng)` where `rng` is a "
                    "PRNG key (e.g. from `jax.random.key`).")
            keep = random.bernoulli(rng, rate, inputs.shape)
            return jnp.where(keep, inputs / rate, 0)
        if mode == "test":
            return inputs
        raise ValueError("Dropout layer requires `mode` argument to be either `'train'` or"
                         "`'test'`")
    return init_fun, apply_fun


# -- combinators -------------------------------------------------------------------------------


def serial(*layers):
    """Compose layers in sequence; params are a list with one entry per layer.

    ``apply_fun(params, inputs, rng=key)`` splits ``key`` into one key per layer.
    """
    nlayers = len(layers)
    init_funs, apply_funs = zip(*layers)

    def init_fun(rng, input_shape):
        params = []
        for init in init_funs:
            rng, layer_rng = random.split(rng)
            input_shape, param = init(layer_rng, input_shape)
            params.append(param)
        return input_shape, params

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, nlayers) if rng is not None else (None,) * nlayers
        for fun, param, layer_rng in zip(apply_funs, params, rngs):
            inputs = fun(param, inputs, rng=layer_rng, **kwargs)
        return inputs
    return init_fun, apply_fun


def parallel(*layers):
    """Apply layers side by side: input ``i`` goes to layer ``i`` (often with FanOut/FanInSum)."""
    nlayers = len(layers)
    init_funs, apply_funs = zip(*layers)

    def init_fun(rng, input_shape):
        rngs = random.split(rng, nlayers)
        return zip(*[init(r, shape) for init, r, shape in zip(init_funs, rngs, input_shape)])

    def apply_fun(params, inputs, **kwargs):
        rng = kwargs.pop("rng", None)
        rngs = random.split(rng, nlayers) if rng is not None else (None,) * nlayers
        return [f(p, x, rng=r, **kwargs)
                for f, p, x, r in zip(apply_funs, params, inputs, rngs)]
    return init_fun, apply_fun


def shape_dependent(make_layer):
    """Delay building a layer until the input shape is known: ``make_layer(shape) -> layer``."""
    def init_fun(rng, input_shape):
        return make_layer(input_shape)[0](rng, input_shape)

    def apply_fun(params, inputs, **kwargs):
        return make_layer(inputs.shape)[1](params, inputs, **kwargs)
    return init_fun, apply_fun
