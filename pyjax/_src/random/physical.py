"""Extended dtypes (typed PRNG keys) on their physical data: eager ops and compiled jaxprs.

A value of an extended dtype (NOTE[extended-dtypes] in core/avals.py) is stored as its
physical data: a key array ``key<fry>[*s]`` is ``u32[*s, 2]``.  Jaxprs keep the logical
types; this module maps operations on them to operations on the data with one table:

    physical_rules[prim](avals_in, avals_out, *physical_operands, **params) -> list

where the avals are the equation's logical ones and the operands/results physical
values (written in lax ops, so they run eagerly and trace).  Rules exist for the
``random_*`` primitives (keys.py) and for the structural lax primitives that JAX
allows on keys: they add the trailing key-data axes to their shape parameters
(``reshape``, ``broadcast_in_dim``, ``transpose``, ``slice``, ``gather``, ``scatter``,
...), and ``eq``/``ne`` compare the data and reduce over those axes.  Primitives that
carry jaxprs (``jit``, ``cond``, ``while``, ``scan``, ``remat2``, ...) are rebound with
physicalized jaxprs.  Any other primitive reached by a key raises TypeError; most
never get here because their abstract evals reject the dtype, with JAX's messages.

Two entry points use the table:

* ``physical_apply(prim, args, params)``: eager application (``bind`` with no trace)
  to concrete key arrays.  The eager dispatcher (backend/dispatch.py) sends every
  application with a key operand here, and the control-flow primitives do when
  their jaxprs mention keys.
* ``physicalize_closed_jaxpr``: the same jaxpr on the physical data, traced equation
  by equation.  The jit compiler (backend/compiler.py) compiles that instead of a
  jaxpr with keys, through ``PhysicalExecutable``, which unwraps key arguments and
  wraps key results.
"""
from __future__ import annotations

import weakref
from typing import Callable

import numpy as np

from pyjax._src.core.avals import get_aval, is_extended, physical_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr, Literal
from pyjax._src.core.trace import eval_trace, set_current_trace
from pyjax._src.util import safe_map

physical_rules: dict = {}


def _physical_value(x, aval):
    return aval.dtype._rules.physical_value(x) if is_extended(aval) else x


def _logical_value(x, aval):
    return aval.dtype._rules.from_physical(aval, x) if is_extended(aval) else x


# -- jaxprs that mention extended dtypes ----------------------------------------------------------


def _jaxprs_in_params(params: dict):
    for v in params.values():
        for sub in (v if isinstance(v, (tuple, list)) else (v,)):
            if isinstance(sub, (ClosedJaxpr, Jaxpr)):
                yield sub


_has_extended_cache: "weakref.WeakKeyDictionary[ClosedJaxpr, bool]" = \
    weakref.WeakKeyDictionary()


def jaxpr_has_extended(jaxpr: Jaxpr | ClosedJaxpr) -> bool:
    """Whether any variable of ``jaxpr`` (or of a jaxpr nested in it) has an extended dtype."""
    if isinstance(jaxpr, ClosedJaxpr):  # cached: eager control flow asks on every call
        out = _has_extended_cache.get(jaxpr)
        if out is None:
            out = _has_extended_cache[jaxpr] = _jaxpr_has_extended(jaxpr.jaxpr)
        return out
    return _jaxpr_has_extended(jaxpr)


def _jaxpr_has_extended(jaxpr: Jaxpr) -> bool:
    if any(is_extended(v.aval) for v in (*jaxpr.constvars, *jaxpr.invars, *jaxpr.outvars)):
        return True
    for eqn in jaxpr.eqns:
        if any(is_extended(v.aval) for v in eqn.outvars):
            return True
        if any(jaxpr_has_extended(j) for j in _jaxprs_in_params(eqn.params)):
            return True
    return False


def _params_have_extended(params: dict) -> bool:
    return any(jaxpr_has_extended(j) for j in _jaxprs_in_params(params))


# -- physicalizing jaxprs -------------------------------------------------------------------------


def physicalize_closed_jaxpr(closed: ClosedJaxpr) -> ClosedJaxpr:
    """``closed`` rewritten on physical data: no variable of an extended dtype remains."""
    from pyjax._src.interpreters.staging import trace_to_jaxpr
    jaxpr = closed.jaxpr
    consts = [_physical_value(c, v.aval) for c, v in zip(closed.consts, jaxpr.constvars)]

    def fun(*args):
        return eval_physical(jaxpr, consts, args)

    phys, phys_consts = trace_to_jaxpr(fun, [physical_aval(v.aval) for v in jaxpr.invars])
    return ClosedJaxpr(phys, phys_consts)


def _physicalize(j):
    if isinstance(j, ClosedJaxpr):
        return physicalize_closed_jaxpr(j) if jaxpr_has_extended(j) else j
    if jaxpr_has_extended(j):  # an open jaxpr (no consts) stays open
        return physicalize_closed_jaxpr(ClosedJaxpr(j, [])).jaxpr
    return j


def _physical_params(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if isinstance(v, (ClosedJaxpr, Jaxpr)):
            v = _physicalize(v)
        elif isinstance(v, tuple) and v and all(isinstance(j, (ClosedJaxpr, Jaxpr)) for j in v):
            v = tuple(_physicalize(j) for j in v)
        out[k] = v
    return out


def eval_physical(jaxpr: Jaxpr, consts, args) -> list:
    """Evaluate ``jaxpr`` on physical values (under the current trace); physical results."""
    env: dict = {}

    def read(v):
        return v.val if type(v) is Literal else env[v]

    def write(v, val):
        env[v] = val

    safe_map(write, jaxpr.constvars, consts)
    safe_map(write, jaxpr.invars, args)
    for eqn in jaxpr.eqns:
        vals = [read(v) for v in eqn.invars]
        prim = eqn.primitive
        avals_in = [v.aval for v in eqn.invars]
        avals_out = [v.aval for v in eqn.outvars]
        if any(map(is_extended, avals_in)) or any(map(is_extended, avals_out)) or \
                _params_have_extended(eqn.params):
            outs = _rule_for(prim)(avals_in, avals_out, *vals, **eqn.params)
        else:
            outs = prim.bind(*vals, **eqn.params)
            outs = outs if prim.multiple_results else [outs]
        safe_map(write, eqn.outvars, outs)
    return [read(v) for v in jaxpr.outvars]


# -- rules ----------------------------------------------------------------------------------------


def _rule_for(prim) -> Callable:
    rule = physical_rules.get(prim)
    if rule is not None:
        return rule
    return lambda avals_in, avals_out, *vals, **params: _higher_order_rule(
        prim, avals_in, avals_out, *vals, **params)


def _higher_order_rule(prim, avals_in, avals_out, *vals, **params):
    if not any(isinstance(v, (ClosedJaxpr, Jaxpr)) or (isinstance(v, tuple) and v and all(
            isinstance(j, (ClosedJaxpr, Jaxpr)) for j in v)) for v in params.values()):
        bad = next(a for a in (*avals_in, *avals_out) if is_extended(a))
        raise TypeError(f"{prim.name} does not accept dtype {bad.dtype.name}.")
    outs = prim.bind(*vals, **_physical_params(params))
    return outs if prim.multiple_results else [outs]


def _inline_call_rule(avals_in, avals_out, *vals, call_jaxpr, **params):
    """custom_jvp/vjp calls reached here are only evaluated: their derivative rules are moot."""
    del avals_in, avals_out, params  # unused
    return eval_physical(call_jaxpr.jaxpr, [_physical_value(c, v.aval) for c, v in
                                            zip(call_jaxpr.consts, call_jaxpr.jaxpr.constvars)],
                         vals)


# -- eager application ----------------------------------------------------------------------------


def physical_apply(prim, args, params):
    """Apply ``prim`` to concrete values, some of an extended dtype, via the physical data."""
    avals_in = [get_aval(a) for a in args]
    out = prim.abstract_eval(*avals_in, **params)
    avals_out = list(out) if prim.multiple_results else [out]
    vals = [_physical_value(a, aval) for a, aval in zip(args, avals_in)]
    with set_current_trace(eval_trace):
        outs = _rule_for(prim)(avals_in, avals_out, *vals, **params)
    outs = [_logical_value(_as_array(o, aval), aval) for o, aval in zip(outs, avals_out)]
    return outs if prim.multiple_results else outs[0]


def _as_array(x, aval):
    from pyjax._src.backend.array import ArrayImpl
    if isinstance(x, np.ndarray):  # a NumPy result of an impl (higher-order primitives)
        return ArrayImpl(x, aval.weak_type and not is_extended(aval))
    return x


def use_physical_apply(prim) -> None:
    """Run ``prim`` eagerly through its physical rule (the ``random_*`` primitives)."""
    prim.impl_apply = lambda args, params: physical_apply(prim, args, params)


def use_physical_apply_for_extended_jaxprs(prim) -> None:
    """Run ``prim`` (a primitive carrying jaxprs) through its physical rule when those
    jaxprs mention extended dtypes, even if no operand has one (keys made inside)."""
    plain = prim.impl_apply

    def impl_apply(args, params):
        if _params_have_extended(params):
            return physical_apply(prim, args, params)
        return plain(args, params)
    prim.impl_apply = impl_apply


# -- compiled jaxprs ------------------------------------------------------------------------------


class PhysicalExecutable:
    """The executable of a jaxpr with extended dtypes: its physicalized jaxpr, compiled.

    ``exe(*np_args)`` takes and returns physical NumPy values; ``call_arrays(args)``
    takes and returns pyjax arrays (concrete key arrays for keys).
    """

    def __init__(self, closed: ClosedJaxpr, donated_invars=None):
        from pyjax._src.backend.compiler import compiled_callable
        self.in_avals = list(closed.in_avals)
        self.out_avals = list(closed.out_avals)
        self.physical_jaxpr = physicalize_closed_jaxpr(closed)
        self._exe = compiled_callable(self.physical_jaxpr, donated_invars)

    def __getattr__(self, name):  # source, jaxpr, consts, call_numpy_owned, ...
        return getattr(self._exe, name)

    def __call__(self, *args):
        return self._exe(*args)

    def call_arrays(self, args) -> list:
        vals = [_physical_value(a, aval) for a, aval in zip(args, self.in_avals, strict=True)]
        outs = self._exe.call_arrays(vals)
        return [_logical_value(o, aval) for o, aval in zip(outs, self.out_avals, strict=True)]


def _extended_executable(closed: ClosedJaxpr, donated_invars=None):
    if not jaxpr_has_extended(closed):
        return None
    return PhysicalExecutable(closed, donated_invars)


def register_extended_array_type(cls: type) -> None:
    """Route eager applications with a ``cls`` operand, and compiled jaxprs with extended
    dtypes, through this module (hooks of backend/dispatch.py and backend/compiler.py)."""
    from pyjax._src.backend import compiler, dispatch
    dispatch.extended_apply_rules[cls] = physical_apply
    compiler.extended_executable = _extended_executable


def _register_higher_order() -> None:
    from pyjax._src.custom_derivatives import custom_jvp_call_p, custom_vjp_call_p
    from pyjax._src.lax.control_flow.cond import cond_p
    from pyjax._src.lax.control_flow.loops import scan_p, while_p
    for prim in (cond_p, while_p, scan_p):
        use_physical_apply_for_extended_jaxprs(prim)
    physical_rules[custom_jvp_call_p] = _inline_call_rule
    physical_rules[custom_vjp_call_p] = _inline_call_rule


_register_higher_order()

# -- structural lax primitives on keys ------------------------------------------------------------


def _key_dims(aval) -> tuple:
    """The physical element shape of ``aval``'s dtype (``(2,)`` for ``key<fry>``)."""
    return physical_aval(aval).shape[len(aval.shape):]


def _trailing(aval, start: int) -> tuple:
    return tuple(range(start, start + len(_key_dims(aval))))


def _reshape_rule(avals_in, avals_out, x, *, new_sizes, dimensions, **params):
    from pyjax._src.lax.structural import reshape_p
    kd = _key_dims(avals_in[0])
    dims = None if dimensions is None else (*dimensions, *_trailing(avals_in[0],
                                                                    len(dimensions)))
    return [reshape_p.bind(x, new_sizes=(*new_sizes, *kd), dimensions=dims, **params)]


def _broadcast_in_dim_rule(avals_in, avals_out, x, *dyn, shape, broadcast_dimensions,
                           **params):
    from pyjax._src.lax.structural import broadcast_in_dim_p
    kd = _key_dims(avals_out[0])
    dims = (*broadcast_dimensions, *_trailing(avals_out[0], len(shape)))
    return [broadcast_in_dim_p.bind(x, *dyn, shape=(*shape, *kd), broadcast_dimensions=dims,
                                    **params)]


def _transpose_rule(avals_in, avals_out, x, *, permutation):
    from pyjax._src.lax.structural import transpose_p
    perm = (*permutation, *_trailing(avals_in[0], len(permutation)))
    return [transpose_p.bind(x, permutation=perm)]


def _same_params_rule(prim_name: str):
    """Primitives whose axis parameters count from the front: unchanged on the data."""
    def rule(avals_in, avals_out, *vals, **params):
        prim = _lax_prim(prim_name)
        out = prim.bind(*vals, **params)
        return out if prim.multiple_results else [out]
    return rule


def _lax_prim(name: str):
    from pyjax._src.lax import structural
    return getattr(structural, name)


def _slice_rule(avals_in, avals_out, x, *, start_indices, limit_indices, strides):
    from pyjax._src.lax.slicing import slice_p
    kd = _key_dims(avals_in[0])
    strides = None if strides is None else (*strides, *(1,) * len(kd))
    return [slice_p.bind(x, start_indices=(*start_indices, *(0,) * len(kd)),
                         limit_indices=(*limit_indices, *kd), strides=strides)]


def _zero_indices(idx, n: int) -> list:
    dtype = get_aval(idx[0]).dtype if idx else np.dtype(np.int32)
    return [np.zeros((), dtype)] * n


def _dynamic_slice_rule(avals_in, avals_out, x, *idx, slice_sizes):
    from pyjax._src.lax.slicing import dynamic_slice_p
    kd = _key_dims(avals_in[0])
    return [dynamic_slice_p.bind(x, *idx, *_zero_indices(idx, len(kd)),
                                 slice_sizes=(*slice_sizes, *kd))]


def _dynamic_update_slice_rule(avals_in, avals_out, x, update, *idx):
    from pyjax._src.lax.slicing import dynamic_update_slice_p
    kd = _key_dims(avals_in[0])
    return [dynamic_update_slice_p.bind(x, update, *idx, *_zero_indices(idx, len(kd)))]


def _select_n_rule(avals_in, avals_out, which, *cases):
    from pyjax._src.lax.misc import select_n_p
    from pyjax._src.lax.structural import broadcast_in_dim
    which_aval, out_aval = avals_in[0], avals_out[0]
    if which_aval.shape:  # a per-key predicate: repeat it over the key data
        phys = physical_aval(out_aval).shape
        which = broadcast_in_dim(which, phys, tuple(range(len(which_aval.shape))))
    return [select_n_p.bind(which, *cases)]


def _broadcast_data(x, aval, out_aval):
    """Physical ``x`` of logical type ``aval`` broadcast to ``out_aval``'s (logical) shape."""
    from pyjax._src.lax.structural import broadcast_in_dim
    if aval.shape == out_aval.shape:
        return x
    phys = physical_aval(aval)
    shape = (*out_aval.shape, *phys.shape[len(aval.shape):])
    lead = len(shape) - len(phys.shape)
    return broadcast_in_dim(x, shape, tuple(range(lead, len(shape))))


def _comparison_rule(name: str):
    def rule(avals_in, avals_out, x, y):
        from pyjax._src.lax import comparison, reductions
        out_aval = avals_out[0]
        x = _broadcast_data(x, avals_in[0], out_aval)
        y = _broadcast_data(y, avals_in[1], out_aval)
        axes = _trailing(avals_in[0], len(out_aval.shape))
        if name == "eq":
            return [reductions.reduce_and(comparison.eq(x, y), axes)]
        return [reductions.reduce_or(comparison.ne(x, y), axes)]
    return rule


def _copy_rule(avals_in, avals_out, x, **params):
    from pyjax._src.lax.misc import copy_p
    return [copy_p.bind(x, **params)]


def _tile_rule(avals_in, avals_out, x, *, reps):
    from pyjax._src.lax.structural import tile_p
    return [tile_p.bind(x, reps=(*reps, *(1,) * len(_key_dims(avals_in[0]))))]


def _gather_rule(avals_in, avals_out, operand, indices, *, dimension_numbers, slice_sizes,
                 **params):
    from pyjax._src.lax.indexing import gather_p
    dn = dimension_numbers
    dn = dn._replace(offset_dims=(*dn.offset_dims,
                                  *_trailing(avals_in[0], len(avals_out[0].shape))))
    return [gather_p.bind(operand, indices, dimension_numbers=dn,
                          slice_sizes=(*slice_sizes, *_key_dims(avals_in[0])), **params)]


def _scatter_rule(avals_in, avals_out, operand, indices, updates, *, dimension_numbers,
                  **params):
    from pyjax._src.lax.indexing import scatter_p
    dn = dimension_numbers
    dn = dn._replace(update_window_dims=(*dn.update_window_dims,
                                         *_trailing(avals_in[2], len(avals_in[2].shape))))
    return [scatter_p.bind(operand, indices, updates, dimension_numbers=dn, **params)]


def _convert_element_type_rule(avals_in, avals_out, x, **params):
    del params  # unused: the abstract eval allows only key -> the same key dtype
    if avals_in[0].dtype != avals_out[0].dtype:
        raise ValueError(f"Cannot convert_element_type from {avals_in[0].dtype} to "
                         f"{avals_out[0].dtype}")
    return [x]


def _register_structural_rules() -> None:
    from pyjax._src.lax import comparison, indexing, misc, slicing, structural
    physical_rules.update({
        structural.reshape_p: _reshape_rule,
        structural.broadcast_in_dim_p: _broadcast_in_dim_rule,
        structural.transpose_p: _transpose_rule,
        structural.squeeze_p: _same_params_rule("squeeze_p"),
        structural.concatenate_p: _same_params_rule("concatenate_p"),
        structural.rev_p: _same_params_rule("rev_p"),
        structural.stack_p: _same_params_rule("stack_p"),
        structural.unstack_p: _same_params_rule("unstack_p"),
        structural.split_p: _same_params_rule("split_p"),
        structural.tile_p: _tile_rule,
        structural.convert_element_type_p: _convert_element_type_rule,
        slicing.slice_p: _slice_rule,
        slicing.dynamic_slice_p: _dynamic_slice_rule,
        slicing.dynamic_update_slice_p: _dynamic_update_slice_rule,
        misc.select_n_p: _select_n_rule,
        misc.copy_p: _copy_rule,
        comparison.eq_p: _comparison_rule("eq"),
        comparison.ne_p: _comparison_rule("ne"),
        indexing.gather_p: _gather_rule,
        indexing.scatter_p: _scatter_rule,
    })


_register_structural_rules()

__all__: list[str] = []
