"""Reduction lax primitives: reduce_{sum,prod,max,min,and,or,xor}, argmax/argmin, reduce.

Every primitive is one block in the order of elementwise.py's template (wrapper,
abstract eval, impl, primitive, JVP, batching).  Conventions, as in JAX:

* ``axes`` are taken as given (no negative-axis wrapping, no sorting): an axis
  outside ``[0, ndim)`` is a ValueError naming the operand.  jnp normalizes.
* ``reduce_sum`` carries ``out_sharding`` (unused on one device); the other
  monoid reductions carry only ``axes``.
* Empty reductions return the monoid identity (0, 1, -inf/iinfo.min, ...);
  ``argmax``/``argmin`` over an empty axis raise.
* ``argmax``/``argmin`` return the first index of the extremum, and the first
  NaN if there is one.

Rule shapes used here (see CONTRIBUTING.md): JVPs are written in pyjax ops so
they are differentiable again; ``reduce_max``/``reduce_min`` split the tangent
evenly between tied maxima (JAX's "chooser" rule); ``reduce_prod`` and the
generic ``reduce`` differentiate a balanced tree of the binary computation,
so gradients are exact also where the operand has zeros.

``reduce(operands, init_values, computation, dimensions)`` recognises the
monoids ``lax.add``/``mul``/``max``/``min``/``bitwise_*`` with their identity
as init value and binds the specific primitive, as JAX does; otherwise it
traces ``computation`` once per (avals, tree) into a jaxpr and binds
``reduce_p``, whose NumPy impl applies the computation to whole vectors
through the batching interpreter (see ``reduce_leading``).

Ops owned by other family files are looked up lazily with ``lax_op(name)``:
the families are independent modules gathered into ``pyjax.lax``.
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Callable, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.dispatch import install_eager_checks
from pyjax._src.config import config
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, jaxpr_as_fun
from pyjax._src.core.trace import Tracer, eval_trace, set_current_trace
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero
from pyjax._src.lax.helpers import (_any, _int_or_bool, check_dtype, standard_primitive,
                                    strong_weak_type_rule)


def lax_op(name: str):
    """The ``pyjax.lax`` function/primitive ``name`` (possibly from another family file).

    Looked up at call time: the family files are written independently, and
    ``pyjax.lax`` gathers them, so a rule never depends on import order.
    """
    import pyjax.lax
    try:
        return getattr(pyjax.lax, name)
    except AttributeError:
        raise NotImplementedError(f"pyjax.lax.{name} is needed here but is not available "
                                  f"yet") from None


def check_eagerly(prim) -> None:
    """Validate eager applications of ``prim`` with its abstract eval, per input shapes,
    dtypes and params (see NOTE[eager-checks] in backend/dispatch.py)."""
    install_eager_checks(prim, with_shapes=True)


def _shape(x) -> tuple:
    return x.aval.shape if hasattr(x, "aval") else get_aval(x).shape


def _dtype(x) -> np.dtype:
    return x.aval.dtype if hasattr(x, "aval") else get_aval(x).dtype


# -- identities ---------------------------------------------------------------------------

def _finfo(dtype):
    try:
        return np.finfo(dtype)
    except (TypeError, ValueError):
        import ml_dtypes
        return ml_dtypes.finfo(dtype)


def _iinfo(dtype):
    try:
        return np.iinfo(dtype)
    except (TypeError, ValueError):
        import ml_dtypes
        return ml_dtypes.iinfo(dtype)


def _supports_inf(dtype) -> bool:
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.isinf(np.array(np.inf).astype(dtype)))


def get_max_identity(dtype) -> np.ndarray:
    """Identity of ``max``: -inf (or the lowest finite value), iinfo.min, False."""
    dtype = np.dtype(dtype)
    if dtypes.issubdtype(dtype, np.inexact):
        v = -np.inf if _supports_inf(dtype) else _finfo(dtype).min
        return np.array(v).astype(dtype)
    if dtypes.issubdtype(dtype, np.integer):
        return np.array(_iinfo(dtype).min, dtype)
    if dtype == np.bool_:
        return np.array(False)
    raise ValueError(f"Unsupported dtype for max: {dtype}")


def get_min_identity(dtype) -> np.ndarray:
    """Identity of ``min``: +inf (or the largest finite value), iinfo.max, True."""
    dtype = np.dtype(dtype)
    if dtypes.issubdtype(dtype, np.inexact):
        v = np.inf if _supports_inf(dtype) else _finfo(dtype).max
        return np.array(v).astype(dtype)
    if dtypes.issubdtype(dtype, np.integer):
        return np.array(_iinfo(dtype).max, dtype)
    if dtype == np.bool_:
        return np.array(True)
    raise ValueError(f"Unsupported dtype for min: {dtype}")


def _get_sum_identity(dtype) -> np.ndarray:
    return np.array(0).astype(dtype)


def _get_prod_identity(dtype) -> np.ndarray:
    return np.array(1).astype(dtype)


def _get_bitwise_and_identity(dtype) -> np.ndarray:
    return np.array(-1).astype(dtype)


def _get_bitwise_or_identity(dtype) -> np.ndarray:
    return np.array(0).astype(dtype)


# -- shared shape rules ---------------------------------------------------------------------

def _canonical_axes(axes) -> tuple:
    try:
        return tuple(operator.index(a) for a in axes)
    except TypeError:
        raise TypeError(f"reduction axes must be a sequence of integers, got {axes!r}") from None


def _reduce_op_shape_rule(operand, *, axes, **params):
    del params  # unused
    if len(axes) != len(set(axes)):
        raise ValueError(f"duplicate value in 'axes' of reduction: {axes}")
    if not all(0 <= a < operand.ndim for a in axes):
        raise ValueError(f"reduction axes {axes} contains out-of-bounds indices for "
                         f"{operand}.")
    return tuple(d for i, d in enumerate(operand.shape) if i not in axes)


def _reduce_number_dtype_rule(name, operand, **params):
    del params  # unused
    if not dtypes.issubdtype(operand.dtype, np.number):
        raise TypeError(f"{name} does not accept dtype {operand.dtype.name}. Accepted dtypes "
                        f"are subtypes of number.")
    return operand.dtype


def _input_dtype_rule(name, operand, **params):
    del params  # unused
    check_dtype(name, operand.dtype, _any)
    return operand.dtype


def _is_empty_reduction(operand, axes) -> bool:
    return any(operand.shape[a] == 0 for a in axes)


def _out_shape(operand, axes) -> tuple:
    return tuple(d for i, d in enumerate(operand.shape) if i not in axes)


# -- reduce_sum -------------------------------------------------------------------------------

def reduce_sum(operand, axes: Sequence[int], *, out_sharding=None):
    """Sum of the elements of ``operand`` over ``axes``.

    Args:
      operand: array of numeric dtype.
      axes: unique integers in ``[0, operand.ndim)``.

    Returns:
      An array of ``operand``'s dtype (no upcasting of narrow types, unlike
      ``jnp.sum``) with ``axes`` removed.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.reduce_sum(np.arange(6, dtype=np.int32).reshape(2, 3), (1,))
      Array([ 3, 12], dtype=int32)
    """
    return reduce_sum_p.bind(operand, axes=_canonical_axes(axes), out_sharding=out_sharding)


_HALF_FLOATS = (np.dtype(np.float16), np.dtype(dtypes.bfloat16))


def _check_f16_reduction(dtype, shape, axes, short_name: str) -> None:
    """``jax_allow_f16_reductions=False``: no reduce_sum of f16/bf16 over a dim > 1."""
    if dtype in _HALF_FLOATS and not config.jax_allow_f16_reductions and \
            not all(shape[d] == 1 for d in axes):
        raise ValueError(f"reduce_sum on operand {short_name} is not allowed when "
                         f"jax_allow_f16_reductions=False.")


def _reduce_sum_dtype_rule(operand, *, axes, **params):
    dtype = _reduce_number_dtype_rule("reduce_sum", operand)
    _check_f16_reduction(operand.dtype, operand.shape, axes, operand.str_short(True))
    return dtype


def _reduce_sum_impl(operand, *, axes, out_sharding):
    del out_sharding  # unused
    if operand.dtype in _HALF_FLOATS:  # eager checks are cached per signature, not per flag
        _check_f16_reduction(operand.dtype, operand.shape, axes,
                             ShapedArray(operand.shape, operand.dtype).str_short(True))
    return np.asarray(np.sum(operand, axis=axes, dtype=operand.dtype))


def _reduce_sum_transpose(ct, operand, *, axes, out_sharding):
    del out_sharding  # unused
    from pyjax._src.lax.structural import broadcast_in_dim
    if type(ct) is Zero:
        return [Zero(operand.aval.to_tangent_aval())]
    shape = operand.aval.shape
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    return [broadcast_in_dim(ct, shape, kept)]


reduce_sum_p = standard_primitive(_reduce_op_shape_rule, _reduce_sum_dtype_rule, "reduce_sum")
reduce_sum_p.def_impl(_reduce_sum_impl)
check_eagerly(reduce_sum_p)
ad.deflinear2(reduce_sum_p, _reduce_sum_transpose)
batching.defreducer(reduce_sum_p)


# -- reduce_prod ------------------------------------------------------------------------------

def reduce_prod(operand, axes: Sequence[int]):
    """Product of the elements of ``operand`` over ``axes`` (dtype preserved).

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.reduce_prod(np.array([[1., 2.], [3., 4.]], np.float32), (0,))
      Array([3., 8.], dtype=float32)
    """
    return reduce_prod_p.bind(operand, axes=_canonical_axes(axes))


def _reduce_prod_impl(operand, *, axes):
    return np.asarray(np.prod(operand, axis=axes, dtype=operand.dtype))


def _reduce_prod_jvp(primals, tangents, *, axes):
    # A balanced tree of binary products, differentiated: exact where the
    # operand has zeros, unlike ``ans * sum(t / x)``.
    one = _get_prod_identity(_dtype(primals[0]))
    mul = lax_op("mul")
    outs, touts = _tree_reduce_jvp(lambda x, y: [mul(x, y)], [one], primals, tangents, axes)
    return outs[0], touts[0]


reduce_prod_p = standard_primitive(_reduce_op_shape_rule,
                                   functools.partial(_reduce_number_dtype_rule, "reduce_prod"),
                                   "reduce_prod")
reduce_prod_p.def_impl(_reduce_prod_impl)
check_eagerly(reduce_prod_p)
ad.primitive_jvps[reduce_prod_p] = _reduce_prod_jvp
batching.defreducer(reduce_prod_p)


# -- reduce_max / reduce_min ------------------------------------------------------------------

def reduce_max(operand, axes: Sequence[int]):
    """Maximum of the elements of ``operand`` over ``axes``; NaN propagates.

    An empty reduction gives the identity (``-inf`` for floats, the smallest
    integer for integers).

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.reduce_max(np.array([[1., 5.], [3., 4.]], np.float32), (1,))
      Array([5., 4.], dtype=float32)
    """
    return reduce_max_p.bind(operand, axes=_canonical_axes(axes))


def reduce_min(operand, axes: Sequence[int]):
    """Minimum of the elements of ``operand`` over ``axes``; NaN propagates.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.reduce_min(np.array([[1., 5.], [3., 4.]], np.float32), (1,))
      Array([1., 3.], dtype=float32)
    """
    return reduce_min_p.bind(operand, axes=_canonical_axes(axes))


def _chooser_impl(np_fn, identity_fn):
    def impl(operand, *, axes):
        if _is_empty_reduction(operand, axes):
            return np.full(_out_shape(operand, axes), identity_fn(operand.dtype))
        return np.asarray(np_fn(operand, axis=axes))
    return impl


def _reduce_chooser_jvp(t, ans, operand, *, axes):
    # The tangent of the chosen element; ties share it evenly (JAX's rule).
    from pyjax._src.lax.elementwise import div, mul
    from pyjax._src.lax.structural import broadcast_in_dim, convert_element_type
    shape = _shape(operand)
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    location = convert_element_type(lax_op("eq")(operand, broadcast_in_dim(ans, shape, kept)),
                                    _dtype(t))
    counts = reduce_sum(location, axes)
    return div(reduce_sum(mul(t, location), axes), counts)


reduce_max_p = standard_primitive(_reduce_op_shape_rule,
                                  functools.partial(_input_dtype_rule, "reduce_max"),
                                  "reduce_max")
reduce_max_p.def_impl(_chooser_impl(np.max, get_max_identity))
check_eagerly(reduce_max_p)
ad.defjvp2(reduce_max_p, _reduce_chooser_jvp)
batching.defreducer(reduce_max_p)

reduce_min_p = standard_primitive(_reduce_op_shape_rule,
                                  functools.partial(_input_dtype_rule, "reduce_min"),
                                  "reduce_min")
reduce_min_p.def_impl(_chooser_impl(np.min, get_min_identity))
check_eagerly(reduce_min_p)
ad.defjvp2(reduce_min_p, _reduce_chooser_jvp)
batching.defreducer(reduce_min_p)


# -- reduce_and / reduce_or / reduce_xor ------------------------------------------------------

def reduce_and(operand, axes: Sequence[int]):
    """Bitwise AND of the elements of ``operand`` (bool or integer) over ``axes``."""
    return reduce_and_p.bind(operand, axes=_canonical_axes(axes))


def reduce_or(operand, axes: Sequence[int]):
    """Bitwise OR of the elements of ``operand`` (bool or integer) over ``axes``."""
    return reduce_or_p.bind(operand, axes=_canonical_axes(axes))


def reduce_xor(operand, axes: Sequence[int]):
    """Bitwise XOR of the elements of ``operand`` (bool or integer) over ``axes``."""
    return reduce_xor_p.bind(operand, axes=_canonical_axes(axes))


def _reduce_logical_shape_rule(operand, *, axes):
    if operand.dtype not in _int_or_bool:
        raise TypeError(f"logical reduction requires operand dtype bool or int, got "
                        f"{operand.dtype}.")
    return _reduce_op_shape_rule(operand, axes=axes)


def _logical_impl(ufunc):
    def impl(operand, *, axes):
        return np.asarray(ufunc.reduce(operand, axis=axes, dtype=operand.dtype))
    return impl


def _logical_reducer(ufunc, name):
    prim = standard_primitive(_reduce_logical_shape_rule, lambda operand, **_: operand.dtype,
                              name, weak_type_rule=strong_weak_type_rule)
    prim.def_impl(_logical_impl(ufunc))
    check_eagerly(prim)
    ad.defjvp_zero(prim)
    batching.defreducer(prim)
    return prim


reduce_and_p = _logical_reducer(np.bitwise_and, "reduce_and")
reduce_or_p = _logical_reducer(np.bitwise_or, "reduce_or")
reduce_xor_p = _logical_reducer(np.bitwise_xor, "reduce_xor")


# -- argmax / argmin --------------------------------------------------------------------------

def argmax(operand, axis: int, index_dtype):
    """Index of the maximum of ``operand`` along ``axis`` (first one; a NaN wins).

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.argmax(np.array([1., 3., 3., 2.], np.float32), 0, np.int32)
      Array(1, dtype=int32)
    """
    index_dtype = dtypes.canonicalize_dtype(index_dtype)
    return argmax_p.bind(operand, axes=(operator.index(axis),), index_dtype=index_dtype)


def argmin(operand, axis: int, index_dtype):
    """Index of the minimum of ``operand`` along ``axis`` (first one; a NaN wins)."""
    index_dtype = dtypes.canonicalize_dtype(index_dtype)
    return argmin_p.bind(operand, axes=(operator.index(axis),), index_dtype=index_dtype)


def _argminmax_shape_rule(operand, *, axes, index_dtype):
    del index_dtype  # unused
    axis, = axes
    if not 0 <= axis < operand.ndim:
        raise ValueError(f"Invalid axis {axis} for operand shape {operand.shape}")
    if operand.shape[axis] < 1:
        raise ValueError(f"argmin and argmax require non-empty reduced dimension. "
                         f"operand.shape={operand.shape} axis={axis}")
    return tuple(d for i, d in enumerate(operand.shape) if i != axis)


def _argminmax_dtype_rule(comparison, operand, *, axes, index_dtype):
    del axes  # unused
    if not dtypes.issubdtype(index_dtype, np.integer):
        raise TypeError(f"index_dtype must be an integer type, but got {index_dtype}")
    if dtypes.issubdtype(operand.dtype, np.complexfloating):
        # JAX fails in its comparator (gt for argmax, lt for argmin), with this message
        raise TypeError(f"{comparison} does not accept dtype {operand.dtype.name} at position "
                        f"0. Accepted dtypes at position 0 are subtypes of integer, floating, "
                        f"bool.")
    return np.dtype(index_dtype)


def _argminmax_impl(np_fn):
    def impl(operand, *, axes, index_dtype):
        axis, = axes
        # NumPy returns the first extremum, and the first NaN if any: JAX's semantics.
        return np.asarray(np_fn(operand, axis=axis)).astype(index_dtype)
    return impl


def _argminmax_primitive(np_fn, name, comparison):
    prim = standard_primitive(_argminmax_shape_rule,
                              functools.partial(_argminmax_dtype_rule, comparison), name,
                              weak_type_rule=strong_weak_type_rule)
    prim.def_impl(_argminmax_impl(np_fn))
    check_eagerly(prim)
    ad.defjvp_zero(prim)
    batching.defreducer(prim)
    return prim


argmax_p = _argminmax_primitive(np.argmax, "argmax", "gt")
argmin_p = _argminmax_primitive(np.argmin, "argmin", "lt")


# -- reduce (generic) -------------------------------------------------------------------------

def reduce(operands: Any, init_values: Any, computation: Callable[[Any, Any], Any],
           dimensions: Sequence[int], out_sharding=None) -> Any:
    """Reduce ``operands`` over ``dimensions`` with the binary ``computation``.

    ``init_values`` (scalars, same pytree structure as ``operands``) and
    ``computation`` should form a monoid: ``init_values`` an identity and
    ``computation`` associative; otherwise the result is unspecified (pyjax
    folds left from the init value, as XLA:CPU does, for up to ``FOLD_LIMIT``
    elements, and combines adjacent pairs in a balanced tree beyond).

    ``out_sharding`` is accepted for sums (one device: no effect).

    When ``computation`` is ``lax.add``, ``lax.mul``, ``lax.max``, ``lax.min``
    or a ``lax.bitwise_*`` op and the (concrete) init value is its identity,
    the specific primitive (``reduce_sum`` ...) is used, as in JAX.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> x = np.array([[1., 2.], [3., 4.]], np.float32)
      >>> lax.reduce(x, np.float32(0), lax.add, (0,))
      Array([4., 6.], dtype=float32)
    """
    from pyjax._src.tree_util import tree_flatten, tree_unflatten
    flat_operands, operand_tree = tree_flatten(operands)
    flat_inits, init_tree = tree_flatten(init_values)
    if operand_tree != init_tree:
        raise ValueError(f"Operands must have the same tree structure as init_values: "
                         f"{operand_tree} vs. {init_tree}")
    if len(flat_operands) != len(flat_inits):
        raise ValueError(f"Must have same total number of operands as init_values:  "
                         f"{len(flat_operands)} vs. {len(flat_inits)}")
    dimensions = _canonical_axes(dimensions)
    monoid_reducer = _get_monoid_reducer(computation, flat_inits)
    if monoid_reducer is not None:
        from pyjax._src.lax.structural import _convert_to_weak
        weak = (all(dtypes.is_weakly_typed(x) for x in flat_operands) and
                all(dtypes.is_weakly_typed(x) for x in flat_inits))
        if out_sharding is not None and monoid_reducer is not reduce_sum:
            raise NotImplementedError("lax.reduce: out_sharding is only supported when the "
                                      "reduction is a sum")
        kw = {} if out_sharding is None else {"out_sharding": out_sharding}
        out = monoid_reducer(flat_operands[0], dimensions, **kw)
        return _convert_to_weak(out, _dtype(out), weak)
    init_avals = tuple(get_aval(x) for x in flat_inits)
    closed, out_tree = _variadic_reduction_jaxpr(computation, init_avals, init_tree)
    outs = reduce_p.bind(*flat_operands, *flat_inits, computation=computation, jaxpr=closed,
                         dimensions=dimensions)
    return tree_unflatten(out_tree, outs)


def _concrete_value(x):
    if isinstance(x, Tracer):
        return x.to_concrete_value()
    return np.asarray(x)


def _get_monoid_reducer(monoid_op: Callable, xs: Sequence) -> Callable | None:
    if len(xs) != 1:
        return None
    x, = xs
    aval = get_aval(x)
    val = _concrete_value(x)
    if val is None or aval.shape != ():
        return None
    dtype = aval.dtype
    intlike = dtype == np.bool_ or dtypes.issubdtype(dtype, np.integer)
    candidates = [("add", reduce_sum, _get_sum_identity, True),
                  ("mul", reduce_prod, _get_prod_identity, True),
                  ("bitwise_or", reduce_or, _get_bitwise_or_identity, intlike),
                  ("bitwise_and", reduce_and, _get_bitwise_and_identity, intlike),
                  ("bitwise_xor", reduce_xor, _get_bitwise_or_identity, intlike),
                  ("max", reduce_max, get_max_identity, True),
                  ("min", reduce_min, get_min_identity, True)]
    import pyjax.lax
    for name, reducer, identity, allowed in candidates:
        if allowed and monoid_op is getattr(pyjax.lax, name, None):
            return reducer if np.equal(val, identity(dtype)) else None
    return None


@functools.lru_cache(maxsize=512)
def _variadic_reduction_jaxpr(computation, init_avals: tuple, init_tree):
    """Trace ``computation(acc_tree, x_tree) -> tree`` on scalar avals; cached."""
    from pyjax._src.interpreters.staging import trace_to_jaxpr
    from pyjax._src.tree_util import tree_flatten, tree_unflatten
    n = len(init_avals)
    out_tree_box = []

    def flat_comp(*args):
        acc = tree_unflatten(init_tree, args[:n])
        x = tree_unflatten(init_tree, args[n:])
        out = computation(acc, x)
        flat_out, out_tree = tree_flatten(out)
        out_tree_box.append(out_tree)
        return flat_out

    jaxpr, consts = trace_to_jaxpr(flat_comp, [*init_avals, *init_avals])
    if any(isinstance(c, Tracer) for c in consts):
        raise NotImplementedError("Reduction computations can't close over Tracers.")
    return ClosedJaxpr(jaxpr, consts), out_tree_box[0]


def _reduce_shape_rule(*avals, computation, jaxpr, dimensions):
    del computation  # unused
    n = len(avals) // 2
    operand_avals, init_avals = avals[:n], avals[n:]
    if any(a.shape != () for a in init_avals):
        raise ValueError(f"reduce found non-scalar initial value: "
                         f"{[a.shape for a in init_avals]}")
    if any(a.shape != operand_avals[0].shape for a in operand_avals[1:]):
        raise ValueError(f"reduce operands must have the same shape, got "
                         f"{[a.shape for a in operand_avals]}")
    if len(jaxpr.out_avals) != n:
        raise ValueError(f"reduce computation must return {n} value(s), got "
                         f"{len(jaxpr.out_avals)}")
    return [_reduce_op_shape_rule(a, axes=dimensions) for a in operand_avals]


def _reduce_dtype_rule(*avals, computation, jaxpr, dimensions):
    del computation, dimensions  # unused
    n = len(avals) // 2
    operand_avals, init_avals = avals[:n], avals[n:]
    if [a.dtype for a in operand_avals] != [a.dtype for a in init_avals]:
        raise TypeError(f"reduce operand dtypes should match corresponding initial value "
                        f"dtypes, got operands={list(operand_avals)} and "
                        f"initial_values={list(init_avals)}")
    outs = [a.dtype for a in jaxpr.out_avals]
    if outs != [a.dtype for a in operand_avals]:
        raise TypeError(f"reduce computation output dtypes {outs} must match the operand "
                        f"dtypes {[a.dtype for a in operand_avals]}")
    return [a.dtype for a in operand_avals]


def _reduce_weak_type_rule(weak_in, **params):
    del params  # unused
    n = len(weak_in) // 2
    return [bool(a and b) for a, b in zip(weak_in[:n], weak_in[n:], strict=True)]


def vectorized_computation(closed: ClosedJaxpr) -> Callable:
    """``f(*arrays) -> list of np arrays`` applying the scalar ``closed`` jaxpr elementwise.

    All arguments are 1-D arrays of one length; the jaxpr runs once on the whole
    vectors through the batching interpreter (eagerly).
    """
    fun = jaxpr_as_fun(closed)

    def apply(*args):
        size = args[0].shape[0]
        with set_current_trace(eval_trace):
            outs, _ = batching.batch_flat(fun, batching.AxisData(None, size, None),
                                          list(args), [0] * len(args), [0] * len(closed.out_avals))
        return [np.asarray(o) for o in outs]
    return apply


# Up to this many elements a generic reduction folds left from the init value, the order
# XLA:CPU uses (which matters only for computations that are not monoids); longer ones
# combine adjacent pairs in a balanced tree, log2(n) vectorised steps instead of n.
FOLD_LIMIT = 64


def reduce_leading(combine: Callable, xs: list, inits: list, fold_limit: int = FOLD_LIMIT
                   ) -> list:
    """Reduce each ``(n, m)`` array of ``xs`` over axis 0 with ``combine``; returns ``(m,)``.

    ``combine(*accs, *elems)`` acts elementwise on 1-D arrays.  Short axes fold
    left from the init values; long ones combine adjacent pairs level by level
    (so an associative computation need not be commutative) and then the init
    values in front.
    """
    n, m = xs[0].shape[0], xs[0].shape[1]
    acc = [np.full((m,), init, dtype=x.dtype) for x, init in zip(xs, inits)]
    if n <= fold_limit:
        for i in range(n):
            acc = [o.astype(x.dtype, copy=False)
                   for o, x in zip(combine(*acc, *[x[i] for x in xs]), xs)]
        return acc
    while n > 1:
        h = n // 2
        left = [x[0:2 * h:2].reshape(-1) for x in xs]
        right = [x[1:2 * h:2].reshape(-1) for x in xs]
        paired = combine(*left, *right)
        paired = [p.reshape(h, m).astype(x.dtype, copy=False) for p, x in zip(paired, xs)]
        if n % 2:
            paired = [np.concatenate([p, x[-1:]], axis=0) for p, x in zip(paired, xs)]
        xs, n = paired, h + n % 2
    outs = combine(*acc, *[x[0] for x in xs])
    return [o.astype(x.dtype, copy=False) for o, x in zip(outs, xs)]


def _reduce_impl(*args, computation, jaxpr, dimensions):
    del computation  # unused
    n = len(args) // 2
    operands, inits = args[:n], args[n:]
    shape = operands[0].shape
    kept = [i for i in range(len(shape)) if i not in dimensions]
    size = int(np.prod([shape[d] for d in dimensions], dtype=np.int64))
    rest = tuple(shape[i] for i in kept)
    m = int(np.prod(rest, dtype=np.int64))
    flat = [np.transpose(x, (*dimensions, *kept)).reshape(size, m) for x in operands]
    outs = reduce_leading(vectorized_computation(jaxpr), flat, list(inits))
    return [o.reshape(rest) for o in outs]


def _tree_reduce_jvp(reducer: Callable, init_values: Sequence, primals, tangents, axes):
    """JVP of a reduction by ``reducer`` (a binary op on lists) as a balanced tree.

    The reduced axes are moved to the front and flattened; halves are combined
    until one row is left (odd lengths are padded with the init values).  The
    tree is written in lax ops, so it is itself differentiable and transposable.
    """
    from pyjax._src.lax.structural import reshape, squeeze
    from pyjax._src.vmap_api import vmap
    shape = _shape(primals[0])
    non_axes = tuple(i for i in range(len(shape)) if i not in axes)
    n = int(np.prod([shape[a] for a in axes], dtype=np.int64))
    new_shape = (n,) + tuple(shape[i] for i in non_axes)
    perm = tuple(axes) + non_axes
    primals = [reshape(x, new_shape, perm) for x in primals]
    tangents = [Zero(t.aval.update(shape=new_shape)) if type(t) is Zero
                else reshape(t, new_shape, perm) for t in tangents]
    for _ in range(len(non_axes) + 1):
        reducer = vmap(reducer)
    slice_in_dim, pad, full = lax_op("slice_in_dim"), lax_op("pad"), lax_op("full")

    def reduce_tree(*xs):
        while _shape(xs[0])[0] > 1:
            size = _shape(xs[0])[0]
            n1 = (size + 1) // 2
            xs1 = [slice_in_dim(x, 0, n1) for x in xs]
            xs2 = [slice_in_dim(x, n1, size) for x in xs]
            if size - n1 != n1:
                config = [(0, 0, 0)] * len(new_shape)
                config[0] = (0, 1, 0)
                xs2 = [pad(x2, np.asarray(i, _dtype(x2)), config)
                       for x2, i in zip(xs2, init_values)]
            xs = reducer(*xs1, *xs2)
        if _shape(xs[0])[0] == 0:
            return [full(new_shape[1:], np.asarray(i, _dtype(x)))
                    for x, i in zip(xs, init_values)]
        return [squeeze(x, (0,)) for x in xs]

    return ad.jvp_flat(reduce_tree, primals, tangents)


def _reduce_jvp_rule(primals, tangents, *, computation, jaxpr, dimensions):
    n = len(primals) // 2
    primal_xs, init_values = primals[:n], primals[n:]
    tangent_xs, tangent_inits = tangents[:n], tangents[n:]
    if any(type(t) is not Zero for t in tangent_inits):
        raise NotImplementedError("Gradient of general lax.reduce with non-zero tangents for "
                                  "initial values to reduction not implemented")
    fun = jaxpr_as_fun(jaxpr)
    return _tree_reduce_jvp(lambda *args: fun(*args), init_values, primal_xs, tangent_xs,
                            dimensions)


def _reduce_batch_rule(axis_data, vals, dims, *, computation, jaxpr, dimensions):
    n = len(vals) // 2
    operands, inits = vals[:n], vals[n:]
    operand_dims, init_dims = dims[:n], dims[n:]
    if any(d is not batching.not_mapped for d in init_dims):
        raise NotImplementedError("vmap of lax.reduce over batched init_values")
    operands = [batching.bdim_at_front(x, d, axis_data.size)
                for x, d in zip(operands, operand_dims)]
    outs = reduce_p.bind(*operands, *inits, computation=computation, jaxpr=jaxpr,
                         dimensions=tuple(d + 1 for d in dimensions))
    return outs, [0] * n


reduce_p = standard_primitive(_reduce_shape_rule, _reduce_dtype_rule, "reduce",
                              weak_type_rule=_reduce_weak_type_rule, multiple_results=True)
reduce_p.def_impl(_reduce_impl)
check_eagerly(reduce_p)
ad.primitive_jvps[reduce_p] = _reduce_jvp_rule
batching.primitive_batchers[reduce_p] = _reduce_batch_rule


__all__ = ["argmax", "argmax_p", "argmin", "argmin_p", "reduce", "reduce_and", "reduce_and_p",
           "reduce_max", "reduce_max_p", "reduce_min", "reduce_min_p", "reduce_or",
           "reduce_or_p", "reduce_p", "reduce_prod", "reduce_prod_p", "reduce_sum",
           "reduce_sum_p", "reduce_xor", "reduce_xor_p"]
