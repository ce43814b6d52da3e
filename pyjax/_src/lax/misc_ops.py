"""Small lax operations around staging: tokens, composites, platform branches, sinks.

    create_token[] -> Tok            after_all[] *Tok -> Tok
    composite[name, attributes, version, jaxpr] *xs -> *ys
    dce_sink[prevent_mlir_dce] x -> ()        (kept by DCE: has_side_effects)
    stage x -> x                              (lifts a constant into the trace)

* Tokens order effects in XLA; pyjax runs effects in program order, so a token
  carries nothing.  Eagerly they are ``Token`` objects; in jaxprs their type is
  ``Tok`` (``AbstractToken``, represented inside compiled code by an empty bool
  array).  A token cannot be passed to or returned from a jitted function (a
  NotImplementedError in api.py), which JAX allows.
* ``composite`` stages its decomposition as a sub-jaxpr that runs as is; like
  JAX it has no JVP, transpose or batching rule.
* ``platform_dependent`` picks the ``cpu`` branch (else ``default``) while
  tracing; JAX stages every branch into a ``platform_index`` + ``cond`` and
  chooses when lowering, so its jaxpr differs, not its values.
* ``shape_as_value`` handles the static shapes pyjax has (no symbolic dims).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from pyjax._src import errors
from pyjax._src.core.avals import AbstractValue, aval_handlers, get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, jaxpr_as_fun
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import Tracer, eval_trace, set_current_trace
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters import partial_eval as pe
from pyjax._src.interpreters.staging import (convert_constvars_jaxpr, staging_rules,
                                             trace_to_jaxpr)
from pyjax._src.tree_util import tree_flatten, tree_map, tree_unflatten

# -- tokens --------------------------------------------------------------------------------


class AbstractToken(AbstractValue):
    """The type of tokens, printed ``Tok`` in jaxprs."""

    __slots__ = ()
    # inside compiled code a token is an empty bool array (see the module docstring)
    shape = (0,)
    dtype = np.dtype(bool)
    weak_type = False
    ndim = 1
    size = 0
    jit_boundary_error = ("pyjax cannot pass a token into or out of a jit-compiled "
                          "function (tokens work eagerly and inside one)")

    def str_short(self, short_dtypes: bool = True, mark_weak: bool = False) -> str:
        del short_dtypes, mark_weak  # unused
        return "Tok"

    def __repr__(self):
        return "AbstractToken()"

    def __eq__(self, other):
        return isinstance(other, AbstractToken)

    def __hash__(self):
        return hash(AbstractToken)

    def to_tangent_aval(self):
        return self

    def to_cotangent_aval(self):
        return self

    def update(self, **kwargs):
        del kwargs  # unused
        return self

    def strip_weak_type(self):
        return self


abstract_token = AbstractToken()


class Token:
    """A token value (``lax.create_token``): orders effects in XLA, carries no data."""

    __slots__ = ("__weakref__",)

    def block_until_ready(self) -> None:
        return None


aval_handlers[Token] = lambda t: abstract_token


def _empty_token_value():
    return np.zeros((0,), bool)


def create_token(_=None):
    """A new token with no preconditions (the argument is ignored, as in JAX).

    Examples:
      >>> from pyjax import lax
      >>> tok = lax.create_token()
      >>> type(tok).__name__
      'Token'
    """
    return create_token_p.bind()


create_token_p = Primitive("create_token")
create_token_p.def_impl(_empty_token_value)
create_token_p.def_abstract_eval(lambda: abstract_token)
create_token_p.impl_apply = lambda args, params: Token()


def after_all(*operands):
    """A token that comes after every token in ``operands`` (all must be tokens).

    Raises:
      TypeError: an operand is not a token.
    """
    return after_all_p.bind(*operands)


def _after_all_abstract_eval(*avals):
    if any(not isinstance(a, AbstractToken) for a in avals):
        raise TypeError("Arguments to after_all must be tokens")
    return abstract_token


def _after_all_impl_apply(args, params):
    del params  # unused
    if any(not isinstance(a, Token) for a in args):
        raise TypeError("Arguments to after_all must be tokens")
    return Token()


after_all_p = Primitive("after_all")
after_all_p.def_impl(lambda *tokens: _empty_token_value())
after_all_p.def_abstract_eval(_after_all_abstract_eval)
after_all_p.impl_apply = _after_all_impl_apply
ad.defjvp_zero(create_token_p)
ad.defjvp_zero(after_all_p)
# tokens are never batched values: the result is one token for the whole batch
batching.primitive_batchers[create_token_p] = (
    lambda axis_data, vals, dims: (create_token_p.bind(), batching.not_mapped))
batching.primitive_batchers[after_all_p] = (
    lambda axis_data, vals, dims: (after_all_p.bind(*vals), batching.not_mapped))


# -- composite -----------------------------------------------------------------------------


class HashableArray:
    """A NumPy array attribute of a composite, hashable by value (params must hash)."""

    __slots__ = ("val",)

    def __init__(self, val: np.ndarray):
        self.val = np.array(val, copy=True)

    def __eq__(self, other):
        return (isinstance(other, HashableArray) and self.val.dtype == other.val.dtype
                and self.val.shape == other.val.shape and np.array_equal(self.val, other.val))

    def __hash__(self):
        return hash((self.val.shape, self.val.dtype, self.val.tobytes()))

    def __repr__(self):
        return repr(self.val)


def composite(decomposition: Callable, name: str, version: int = 0):
    """Wrap ``decomposition`` as one named ``composite`` operation in jaxprs.

    The result is a function with ``decomposition``'s signature: array
    arguments are operands, keyword arguments are static attributes of the
    op (NumPy arrays, not pyjax arrays).  Its value is ``decomposition``'s.

    Args:
      decomposition: the function defining the composite's semantics.
      name: the composite's name, e.g. ``"my_project.my_op"``.
      version: the composite's version.

    Returns:
      The wrapped function.

    Raises:
      UnexpectedTracerError: a keyword attribute is a traced value.

    Notes:
      As in JAX, a composite has no JVP, transpose or batching rule: wrap it in
      ``custom_jvp``/``custom_vjp`` to differentiate it.

    Examples:
      >>> import functools
      >>> from pyjax import lax
      >>> import pyjax.numpy as jnp
      >>> square = lax.composite(lambda x: x * x, name="my.square")
      >>> square(jnp.float32(3.))
      Array(9., dtype=float32)
    """
    @functools.wraps(decomposition)
    def _decorated(*args, **kwargs):
        if any(isinstance(v, Tracer) for v in kwargs.values()):
            raise errors.UnexpectedTracerError(
                f"Found a JAX Tracer as an attribute in the decomposition for the composite op "
                f"'{name}'. This means that the decomposition function closes over a value "
                f"that is involved in a JAX transformation. Any values that aren't explicitly "
                f"known at compile time must be explicitly passed as arguments to the "
                f"composite.\n\nNote: If you are passing jax arrays as attributes, use numpy "
                f"arrays instead.")
        flat_args, in_tree = tree_flatten(args)
        avals = [get_aval(x) for x in flat_args]
        out_tree = []

        def flat_fun(*leaves):
            out = decomposition(*tree_unflatten(in_tree, leaves), **kwargs)
            outs, tree = tree_flatten(out)
            out_tree.append(tree)
            return outs

        info = dict(name=name, transform="composite", where="")
        jaxpr, consts = trace_to_jaxpr(flat_fun, avals, info)
        closed = ClosedJaxpr(convert_constvars_jaxpr(jaxpr), [])
        attributes = []
        for k, v in kwargs.items():
            leaves, treedef = tree_flatten(v)
            leaves = tuple(HashableArray(x) if isinstance(x, np.ndarray) else x
                           for x in leaves)
            attributes.append((k, leaves, treedef))
        outs = composite_p.bind(*consts, *flat_args, name=name, attributes=tuple(attributes),
                                version=version, jaxpr=closed)
        return tree_unflatten(out_tree[0], outs)

    return _decorated


def _composite_impl(*args, name, attributes, version, jaxpr):
    del name, attributes, version  # unused
    with set_current_trace(eval_trace):
        outs = jaxpr_as_fun(jaxpr)(*args)
    return [np.asarray(o) for o in outs]


def _composite_jvp(primals, tangents, **params):
    del primals, tangents, params  # unused
    raise ValueError("JVP rule for composite not implemented. You can use `jax.custom_jvp` to "
                     "add support. See "
                     "https://docs.jax.dev/en/latest/_autosummary/jax.custom_jvp.html")


def _composite_transpose(ct, *args, **params):
    del ct, args, params  # unused
    raise ValueError("Transpose rule for composite not implemented. You can use"
                     "`jax.custom_jvp` or `jax.custom_vjp` to add support. See "
                     "https://docs.jax.dev/en/latest/_autosummary/jax.custom_jvp.html")


composite_p = Primitive("composite")
composite_p.multiple_results = True
composite_p.def_impl(_composite_impl)
composite_p.def_abstract_eval(lambda *avals, jaxpr, **params: list(jaxpr.out_avals))
ad.primitive_jvps[composite_p] = _composite_jvp
ad.primitive_transposes[composite_p] = _composite_transpose


# -- platform_dependent --------------------------------------------------------------------

_KNOWN_PLATFORMS = ("cpu", "cuda", "rocm", "tpu")


def platform_dependent(*args: Any, default: Callable | None = None,
                       **per_platform: Callable):
    """Call the branch for the platform the computation runs on: ``cpu`` here.

    Args:
      *args: the operands passed to the chosen branch.
      default: the branch for platforms without their own.
      **per_platform: branches keyed by platform (``cpu``, ``cuda``, ``rocm``, ``tpu``).

    Returns:
      The ``cpu`` branch's result if there is one, else ``default``'s.

    Raises:
      ValueError: a ``gpu`` branch (name ``cuda`` or ``rocm`` instead).
      NotImplementedError: neither a ``cpu`` branch nor a ``default``.

    Examples:
      >>> from pyjax import lax
      >>> lax.platform_dependent(2., cpu=lambda x: x * 10, default=lambda x: x)
      20.0
    """
    if "gpu" in per_platform:
        raise ValueError("Use 'cuda' or 'rocm' for lax.platform_dependent.")
    branch = per_platform.get("cpu", default)
    if branch is None:
        given = tuple((p,) for p in per_platform)
        raise NotImplementedError(
            f"lax.platform_dependent: no branch for platform 'cpu' and no default (branches "
            f"given for platforms={given})")
    return branch(*args)


# -- dce_sink ------------------------------------------------------------------------------


def dce_sink(val, *, prevent_mlir_dce: bool = False) -> None:
    """Mark every array in the pytree ``val`` as used, so dead-code elimination keeps it.

    Args:
      val: an array or pytree of arrays.
      prevent_mlir_dce: also keep it through XLA's own DCE (recorded; pyjax has none).

    Returns:
      None.
    """
    tree_map(lambda x: dce_sink_p.bind(x, prevent_mlir_dce=prevent_mlir_dce), val)


dce_sink_p = Primitive("dce_sink")
dce_sink_p.multiple_results = True
dce_sink_p.has_side_effects = True
dce_sink_p.def_impl(lambda x, **params: [])
dce_sink_p.def_abstract_eval(lambda aval, **params: [])
ad.deflinear(dce_sink_p, lambda ct, **params: [])
batching.primitive_batchers[dce_sink_p] = (
    lambda axis_data, vals, dims, **params: (dce_sink_p.bind(*vals, **params), []))


# -- shape_as_value ------------------------------------------------------------------------

_INT32_MAX = int(np.iinfo(np.int32).max)


def shape_as_value(shape):
    """``shape`` as an integer array (int32, or int64 if a dimension needs it).

    Args:
      shape: a tuple of ints.

    Returns:
      A NumPy array for a non-empty shape (as JAX does for static shapes) and an
      empty int32 pyjax Array for ``()``.
    """
    dims = tuple(int(d) for d in shape)
    dtype = np.int64 if any(d > _INT32_MAX for d in dims) else np.int32
    if not dims:
        from pyjax._src.backend.array import ArrayImpl
        return ArrayImpl(np.zeros((0,), np.int32), False)
    return np.asarray(dims, dtype=dtype)


# -- stage ---------------------------------------------------------------------------------


def stage(x, /):
    """Lift ``x`` (a Python scalar, NumPy array or array) into the current trace.

    The identity on values: eagerly it returns a pyjax Array; while tracing,
    the traced value standing for ``x`` (a literal or a constant of the jaxpr).

    Examples:
      >>> from pyjax import lax
      >>> lax.stage(1.0)
      Array(1., dtype=float32, weak_type=True)
    """
    return stage_p.bind(x)


stage_p = Primitive("stage")
stage_p.def_impl(lambda x: x)
stage_p.def_abstract_eval(lambda aval: aval)
ad.deflinear2(stage_p, lambda ct, x: [ct])
batching.defvectorized(stage_p)
# staging: lifting is all there is to do -- no equation is recorded
staging_rules[stage_p] = lambda trace, tracers: tracers[0]
pe.partial_eval_rules[stage_p] = lambda trace, args: args[0]


__all__ = ["after_all", "after_all_p", "composite", "create_token", "create_token_p",
           "dce_sink", "dce_sink_p", "platform_dependent", "shape_as_value", "stage",
           "stage_p"]
