"""The ``custom_jvp_call`` / ``custom_vjp_call`` primitives and their interpreter rules.

Split out of :mod:`pyjax._src.custom_derivatives` (whose module docstring
describes the flat calling conventions every function here relies on): the
primitives with their eval / abstract-eval / pretty-printing, the lifted rules
used when an equation has closed-over consts, ``custom_lin`` and
``custom_vjp_jvp`` (JVP of a custom_vjp function), and the staging and
batching rules the traces call (``process_custom_*_call``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, jaxpr_as_fun
from pyjax._src.core.pretty import (_pp_param_value, _pp_vars, brk, concat, group, join,
                                    nest, pp_eqn_rules, text)
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import current_trace, set_current_trace
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.interpreters.batching import BatchTrace, not_mapped
from pyjax._src.interpreters.staging import (convert_constvars_jaxpr,
                                             trace_to_jaxpr)


# -- shared utility -------------------------------------------------------------------------


class _Named:
    """A flat callable with a name (shown as ``jvp=``/``fwd=``/``bwd=`` in jaxprs)."""

    __slots__ = ("fn", "__name__")

    def __init__(self, fn: Callable, name: str):
        self.fn = fn
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return self.__name__


# -- the primitives --------------------------------------------------------------------------


class CustomJVPCallPrimitive(Primitive):
    """``custom_jvp_call``: its bind hands ``(fun, jvp)`` to the current trace."""

    multiple_results = True
    custom_bind = True  # no rule tables: traces handle it (see custom_derivatives' docstring)

    def bind_custom(self, fun, jvp, args, *, symbolic_zeros: bool):
        return current_trace().process_custom_jvp_call(self, fun, jvp, args,
                                                       symbolic_zeros=symbolic_zeros)

    def bind(self, *args, call_jaxpr, jvp_jaxpr_fun, num_consts, symbolic_zeros):
        fun = _Named(jaxpr_as_fun(call_jaxpr), _jaxpr_name(call_jaxpr))
        jvp = _LiftedJVP(num_consts, jvp_jaxpr_fun) if num_consts else jvp_jaxpr_fun
        return self.bind_custom(fun, jvp, args, symbolic_zeros=symbolic_zeros)


class CustomVJPCallPrimitive(Primitive):
    """``custom_vjp_call``: its bind hands ``(fun, fwd, bwd)`` to the current trace."""

    multiple_results = True
    custom_bind = True

    def bind_custom(self, fun, fwd, bwd, args, *, out_trees, symbolic_zeros: bool):
        return current_trace().process_custom_vjp_call(
            self, fun, fwd, bwd, args, out_trees=out_trees, symbolic_zeros=symbolic_zeros)

    def bind(self, *args, call_jaxpr, fwd_jaxpr_thunk, bwd, num_consts, out_trees,
             symbolic_zeros):
        fun = _Named(jaxpr_as_fun(call_jaxpr), _jaxpr_name(call_jaxpr))
        if num_consts:
            fwd = _LiftedFwd(num_consts, fwd_jaxpr_thunk)
            bwd = _LiftedBwd(call_jaxpr.in_avals[:num_consts], bwd)
        else:
            fwd = fwd_jaxpr_thunk
        return self.bind_custom(fun, fwd, bwd, args, out_trees=out_trees,
                                symbolic_zeros=symbolic_zeros)


def _jaxpr_name(closed: ClosedJaxpr) -> str:
    info = closed.jaxpr.debug_info
    return info.get("name", "<unknown>") if isinstance(info, dict) else "<unknown>"


class _LiftedJVP:
    """A stored JVP rule applied to an equation whose first inputs are closed-over consts.

    As in JAX, the consts' tangents are dropped: the rule only sees explicit arguments.
    """

    __slots__ = ("num_consts", "jvp", "__name__")

    def __init__(self, num_consts: int, jvp: Callable):
        self.num_consts, self.jvp = num_consts, jvp
        self.__name__ = getattr(jvp, "__name__", "jvp")

    def __call__(self, *args):
        n, k = len(args) // 2, self.num_consts
        outs = self.jvp(*args[k:n], *args[n + k:])
        return outs


class _LiftedFwd:
    __slots__ = ("num_consts", "fwd", "__name__")

    def __init__(self, num_consts: int, fwd: Callable):
        self.num_consts, self.fwd = num_consts, fwd
        self.__name__ = getattr(fwd, "__name__", "fwd")

    def __call__(self, *primals, perturbed=None):
        k = self.num_consts
        if perturbed is not None and any(perturbed[:k]):
            raise CustomVJPException()
        return self.fwd(*primals[k:], perturbed=None if perturbed is None else perturbed[k:])


class _LiftedBwd:
    __slots__ = ("const_avals", "bwd", "__name__")

    def __init__(self, const_avals, bwd: Callable):
        self.const_avals, self.bwd = list(const_avals), bwd
        self.__name__ = getattr(bwd, "__name__", "bwd")

    def __call__(self, *args):
        return [*(Zero(a.to_tangent_aval()) for a in self.const_avals), *self.bwd(*args)]


class CustomVJPException(Exception):
    """Differentiation of a custom_vjp function with respect to a closed-over value."""

    def __init__(self):
        super().__init__(
            "Detected differentiation of a custom_vjp function with respect to a closed-over "
            "value. That isn't supported because the custom VJP rule only specifies how to "
            "differentiate the custom_vjp function with respect to explicit input parameters."
            "\n\nTry passing the closed-over value into the custom_vjp function as an "
            "argument, and adapting the custom_vjp fwd and bwd rules.")


def _run_jaxpr_numpy(closed: ClosedJaxpr, args):
    from pyjax._src.core.trace import eval_trace
    with set_current_trace(eval_trace):
        outs = jaxpr_as_fun(closed)(*args)
    return [np.asarray(o) for o in outs]


def _custom_jvp_call_impl(*args, call_jaxpr, **params):
    del params  # unused: no derivative is being taken
    return _run_jaxpr_numpy(call_jaxpr, args)


def _custom_call_abstract_eval(*avals, call_jaxpr, **params):
    del avals, params  # unused
    return list(call_jaxpr.out_avals)


custom_jvp_call_p = CustomJVPCallPrimitive("custom_jvp_call")
custom_jvp_call_p.def_impl(_custom_jvp_call_impl)
custom_jvp_call_p.def_abstract_eval(_custom_call_abstract_eval)

custom_vjp_call_p = CustomVJPCallPrimitive("custom_vjp_call")
custom_vjp_call_p.def_impl(_custom_jvp_call_impl)
custom_vjp_call_p.def_abstract_eval(_custom_call_abstract_eval)


def pp_params_in_order(pairs, ctx):
    """``[k=v ...]`` with the keys in the given order (JAX's layout, see core/pretty.py)."""
    docs = [concat(text(f"{k}="), _pp_param_value(v, ctx)) for k, v in pairs]
    return group(concat(nest(2, concat(text("["), brk(""), join(brk(), docs))),
                        brk(""), text("]")))


def _pp_custom_call(eqn, ctx, rule_names):
    # JAX's order: name first, then the remaining params sorted (num_consts only if > 0)
    params = eqn.params
    shown = {"call_jaxpr": params["call_jaxpr"], "symbolic_zeros": params["symbolic_zeros"]}
    if params["num_consts"]:
        shown["num_consts"] = params["num_consts"]
    for shown_name, param in rule_names:
        shown[shown_name] = _Named(None, getattr(params[param], "__name__", "<unknown>"))
    pairs = [("name", _Named(None, _jaxpr_name(params["call_jaxpr"]))),
             *sorted(shown.items())]
    lhs = _pp_vars(eqn.outvars, ctx, print_shapes=True)
    return concat(lhs, text(" = "), text(eqn.primitive.name), pp_params_in_order(pairs, ctx),
                  text(" "), _pp_vars(eqn.invars, ctx))


pp_eqn_rules[custom_jvp_call_p] = lambda eqn, ctx: _pp_custom_call(
    eqn, ctx, [("jvp", "jvp_jaxpr_fun")])
pp_eqn_rules[custom_vjp_call_p] = lambda eqn, ctx: _pp_custom_call(
    eqn, ctx, [("fwd", "fwd_jaxpr_thunk"), ("bwd", "bwd")])


# -- custom_lin: the linear stand-in for a custom_vjp function's tangent map ----------------

_JVP_OF_CUSTOM_VJP_MSG = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."


def _custom_lin_error(*args, **params):
    del args, params  # unused
    raise TypeError(_JVP_OF_CUSTOM_VJP_MSG)


def _custom_lin_abstract_eval(*avals, num_res, bwd, out_avals, symbolic_zeros):
    del avals, num_res, bwd, symbolic_zeros  # unused
    return list(out_avals)


def _custom_lin_transpose(cts, *args, num_res, bwd, out_avals, symbolic_zeros):
    del out_avals, symbolic_zeros  # unused: bwd's flat wrapper instantiates zeros as asked
    res = args[:num_res]
    cts_in = bwd(*res, *cts)
    return [None] * num_res + list(cts_in)


custom_lin_p = Primitive("custom_lin")
custom_lin_p.multiple_results = True
custom_lin_p.def_impl(_custom_lin_error)
custom_lin_p.def_abstract_eval(_custom_lin_abstract_eval)
ad.primitive_jvps[custom_lin_p] = _custom_lin_error
ad.primitive_transposes[custom_lin_p] = _custom_lin_transpose
batching.primitive_batchers[custom_lin_p] = _custom_lin_error


def custom_vjp_jvp(trace, primitive, fun, fwd, bwd, args, *, out_trees, symbolic_zeros):
    """``JVPTrace.process_custom_vjp_call``: run ``fwd``, tangents via ``custom_lin``."""
    primals, tangents = [], []
    for a in args:
        p, t = trace.to_primal_tangent_pair(a)
        primals.append(p)
        tangents.append(t)
    parent = trace.parent
    with set_current_trace(parent):
        if all(type(t) is Zero for t in tangents):
            return parent.process_custom_vjp_call(primitive, fun, fwd, bwd, primals,
                                                  out_trees=out_trees,
                                                  symbolic_zeros=symbolic_zeros)
        perturbed = [type(t) is not Zero for t in tangents]
        res, primals_out = fwd(*primals, perturbed=perturbed)
        tangents = [instantiate_zeros(t) for t in tangents]
        out_avals = tuple(get_aval(p).to_tangent_aval() for p in primals_out)
        tangents_out = custom_lin_p.bind(*res, *tangents, num_res=len(res), bwd=bwd,
                                         out_avals=out_avals, symbolic_zeros=symbolic_zeros)
    return [trace.make_tracer(p, t) for p, t in zip(primals_out, tangents_out, strict=True)]


# -- staging (DynamicJaxprTrace.process_custom_*_call) --------------------------------------


def _trace_fun(trace, fun, args, kind: str):
    tracers = [trace.to_jaxpr_tracer(a) for a in args]
    info = dict(name=getattr(fun, "__name__", "<unknown>"), transform=kind)
    jaxpr, consts = trace_to_jaxpr(fun, [t.aval for t in tracers], info)
    closed = ClosedJaxpr(convert_constvars_jaxpr(jaxpr), [])
    const_tracers = [trace.to_jaxpr_tracer(c) for c in consts]
    return closed, const_tracers, tracers


def stage_custom_jvp_call(trace, primitive, fun, jvp, args, *, symbolic_zeros):
    """Record one ``custom_jvp_call`` equation; closed-over values become leading inputs."""
    closed, const_tracers, tracers = _trace_fun(trace, fun, args, "custom_jvp")
    num_consts = len(const_tracers)
    if isinstance(jvp, _LiftedJVP):  # re-staging an equation that already had consts
        num_consts += jvp.num_consts
        jvp = jvp.jvp
    params = dict(call_jaxpr=closed, jvp_jaxpr_fun=jvp, num_consts=num_consts,
                  symbolic_zeros=symbolic_zeros)
    return trace.add_eqn(primitive, [*const_tracers, *tracers], closed.out_avals, params)


def stage_custom_vjp_call(trace, primitive, fun, fwd, bwd, args, *, out_trees,
                          symbolic_zeros):
    """Record one ``custom_vjp_call`` equation; closed-over values become leading inputs."""
    closed, const_tracers, tracers = _trace_fun(trace, fun, args, "custom_vjp")
    num_consts = len(const_tracers)
    if isinstance(fwd, _LiftedFwd):
        num_consts += fwd.num_consts
        fwd, bwd = fwd.fwd, bwd.bwd
    params = dict(call_jaxpr=closed, fwd_jaxpr_thunk=fwd, bwd=bwd, num_consts=num_consts,
                  out_trees=out_trees, symbolic_zeros=symbolic_zeros)
    return trace.add_eqn(primitive, [*const_tracers, *tracers], closed.out_avals, params)




# -- batching (BatchTrace.process_custom_*_call) --------------------------------------------


def _unbatched_aval(aval, dim):
    if dim is not_mapped:
        return aval
    shape = list(aval.shape)
    del shape[dim]
    return aval.update(shape=tuple(shape))


def _batched_aval(aval, dim, size):
    if dim is not_mapped:
        return aval
    shape = list(aval.shape)
    shape.insert(dim, size)
    return aval.update(shape=tuple(shape))


class _OutDims:
    """Output batch axes (0 or not_mapped) of one batched custom call.

    Whichever batched rule runs first (``fun``, ``jvp`` or ``fwd``) settles
    them; a rule running later (e.g. the JVP of a staged call) conforms, so
    the rules always agree with the staged call's output types.
    """

    __slots__ = ("dims",)

    def __init__(self):
        self.dims = None

    def settle(self, natural: list) -> list:
        if self.dims is None:
            self.dims = list(natural)
        return self.dims


class _Batcher:
    """Runs a flat function on batched values under a BatchTrace sharing ``tag``.

    Sharing the outer trace's tag lets values the rule closes over (tracers of
    the vmap being processed) be recognised as batched.
    """

    def __init__(self, axis_data, tag):
        self.axis_data, self.tag = axis_data, tag

    def enter(self, vals, dims):
        trace = BatchTrace(current_trace(), self.axis_data, self.tag)
        tracers = [v if type(v) is Zero else trace.make_tracer(v, d)
                   for v, d in zip(vals, dims, strict=True)]
        return trace, tracers

    def dims_of(self, trace, outs) -> list:
        """Each output's batch axis, moved to 0 on leaving (``not_mapped`` if unbatched)."""
        return [not_mapped if type(o) is Zero or trace.to_batch_info(o)[1] is not_mapped
                else 0 for o in outs]

    def leave(self, trace, outs, out_dims, reduce_unmapped: bool = False):
        """Each output with its batch axis at ``out_dims[i]`` (0 or not_mapped).

        An output batched where ``not_mapped`` is asked for is summed over the
        batch (``reduce_unmapped``: cotangents of unbatched inputs) or refused.
        """
        size = self.axis_data.size
        result = []
        with set_current_trace(trace.parent):
            for o, od in zip(outs, out_dims, strict=True):
                if type(o) is Zero:
                    result.append(Zero(_batched_aval(o.aval, od, size)))
                    continue
                v, d = trace.to_batch_info(o)
                if od is not_mapped and d is not not_mapped:
                    if not reduce_unmapped:
                        raise NotImplementedError(
                            "vmap of a custom_jvp/custom_vjp function: a rule produced a "
                            "batched output where the primal function's output is unbatched")
                    from pyjax._src.lax.reductions import reduce_sum
                    v = reduce_sum(v, (d,))
                elif od is not not_mapped:
                    v = batching.matchaxis(d, od, size, v)
                result.append(v)
        return result


def _to_front(vals, dims):
    vals = [batching.moveaxis(v, d, 0) if d is not not_mapped and d != 0 else v
            for v, d in zip(vals, dims)]
    return vals, [not_mapped if d is not_mapped else 0 for d in dims]


def _batch_fun(batcher: _Batcher, fun, in_dims, out_dims: _OutDims):
    def fun_b(*vals):
        trace, tracers = batcher.enter(vals, in_dims)
        with set_current_trace(trace):
            outs = fun(*tracers)
        target = out_dims.settle(batcher.dims_of(trace, outs))
        return batcher.leave(trace, outs, target)
    return _Named(fun_b, getattr(fun, "__name__", "fun"))


def _merge(*dim_lists) -> list:
    return [0 if any(d is not not_mapped for d in ds) else not_mapped for ds in zip(*dim_lists)]


def batch_custom_jvp_call(trace, primitive, fun, jvp, args, *, symbolic_zeros):
    """``BatchTrace.process_custom_jvp_call``: vmap ``fun`` and ``jvp``, bind at the parent.

    A primal output and its tangent share one batch axis (0, or none), settled
    by the first rule to run (see ``_OutDims``).
    """
    vals, dims = zip(*map(trace.to_batch_info, args)) if args else ((), ())
    parent = trace.parent
    out_dims = _OutDims()
    with set_current_trace(parent):
        # no shortcut when no input is batched: the rules may close over batched values
        vals, dims = _to_front(vals, dims)
        batcher = _Batcher(trace.axis_data, trace.tag)
        fun_b = _batch_fun(batcher, fun, dims, out_dims)

        def jvp_b(*args):
            n = len(args) // 2
            tangents = [Zero(_unbatched_aval(t.aval, d)) if type(t) is Zero else t
                        for t, d in zip(args[n:], dims)]
            btrace, tracers = batcher.enter([*args[:n], *tangents], [*dims, *dims])
            with set_current_trace(btrace):
                outs = jvp(*tracers)
            k = len(outs) // 2
            found = batcher.dims_of(btrace, outs)
            target = out_dims.settle(_merge(found[:k], found[k:]))
            return batcher.leave(btrace, outs, [*target, *target])
        jvp_b = _Named(jvp_b, getattr(jvp, "__name__", "jvp"))
        outs = parent.process_custom_jvp_call(primitive, fun_b, jvp_b, vals,
                                              symbolic_zeros=symbolic_zeros)
    return [trace.make_tracer(o, d) for o, d in zip(outs, out_dims.dims, strict=True)]


def batch_custom_vjp_call(trace, primitive, fun, fwd, bwd, args, *, out_trees,
                          symbolic_zeros):
    """``BatchTrace.process_custom_vjp_call``: vmap ``fun``, ``fwd`` and ``bwd``."""
    vals, dims = zip(*map(trace.to_batch_info, args)) if args else ((), ())
    parent = trace.parent
    out_dims = _OutDims()
    with set_current_trace(parent):
        vals, dims = _to_front(vals, dims)  # no shortcut: see batch_custom_jvp_call
        batcher = _Batcher(trace.axis_data, trace.tag)
        fun_b = _batch_fun(batcher, fun, dims, out_dims)
        res_dims: list = []

        def fwd_b(*primals, perturbed=None):
            btrace, tracers = batcher.enter(primals, dims)
            with set_current_trace(btrace):
                res, outs = fwd(*tracers, perturbed=perturbed)
            with set_current_trace(btrace.parent):
                res_info = [btrace.to_batch_info(r) for r in res]
            res_dims[:] = [d for _, d in res_info]
            target = out_dims.settle(batcher.dims_of(btrace, outs))
            return [v for v, _ in res_info], batcher.leave(btrace, outs, target)

        def bwd_b(*args):
            num_res = len(res_dims)
            res, cts = args[:num_res], args[num_res:]
            ct_dims = out_dims.dims
            cts = [Zero(_unbatched_aval(c.aval, d)) if type(c) is Zero else c
                   for c, d in zip(cts, ct_dims)]
            btrace, tracers = batcher.enter([*res, *cts], [*res_dims, *ct_dims])
            with set_current_trace(btrace):
                cts_in = bwd(*tracers)
            return batcher.leave(btrace, cts_in, dims, reduce_unmapped=True)
        fwd_b = _Named(fwd_b, getattr(fwd, "__name__", "fwd"))
        bwd_b = _Named(bwd_b, getattr(bwd, "__name__", "bwd"))
        outs = parent.process_custom_vjp_call(primitive, fun_b, fwd_b, bwd_b, vals,
                                              out_trees=out_trees,
                                              symbolic_zeros=symbolic_zeros)
    return [trace.make_tracer(o, d) for o, d in zip(outs, out_dims.dims, strict=True)]
