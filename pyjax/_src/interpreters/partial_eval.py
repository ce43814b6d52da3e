"""Partial evaluation: run what is known now, stage what is not.

A ``JaxprTrace`` is a staging trace with a parent.  A primitive none of whose
inputs are this trace's tracers is *known*: it is bound at the parent and runs
now (or is staged by an enclosing trace).  Otherwise it is *unknown* and staged
into this trace's jaxpr; the known inputs it reads become constvars — the
residuals.  This is how linearize splits a JVP into primal work (done now)
and a linear tangent jaxpr (``linearize_flat``), and how higher-order
primitives split their inner jaxprs (``partial_eval_jaxpr_nounits``).

Higher-order primitives register ``partial_eval_rules[prim](trace, args, **params)``
to split their inner jaxpr rather than staging the whole call as unknown.

``dce_jaxpr(jaxpr, used_outputs)`` removes equations whose outputs are unused
(primitives with ``has_side_effects`` are kept).
"""
from __future__ import annotations

from typing import Callable, Sequence

from pyjax._src.core.avals import get_aval
from pyjax._src.dtypes import float0
from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr, Literal, jaxpr_as_fun
from pyjax._src.core.trace import (Trace, Tracer, current_trace, register_tracer_type,
                                   set_current_trace)
from pyjax._src.interpreters.staging import (DynamicJaxprTrace, DynamicJaxprTracer,
                                             trace_to_jaxpr)

# primitive -> rule(trace, args, **params) -> out tracer(s) or known values
partial_eval_rules: dict = {}

# NOTE[deferred-known-values]: eager ``grad`` linearizes with ``defer_known``: a known
# (primal or residual) value computed inside a JVP rule by one of the pure elementwise
# primitives below is not computed at once but recorded as a ``Deferred`` (primitive,
# operands, params; its aval from the abstract eval, so errors still surface at once).
# It is computed ("forced") when anything needs its value: Python looking at it (bool,
# float, np.asarray: the Tracer protocol's ``to_concrete_value``), a primitive that is
# not deferred, a primal output whose tangent is zero (it reaches user code as a raw
# value), ``linearize_flat``'s caller.  Deferred values that only feed the tangent
# computation end up as residuals (constvars of the linear jaxpr) still deferred, and
# the caller may compute them together with the backward pass
# (``pyjax/_src/compiled_backward.py``); values nothing needs — grad's primal output —
# are never computed.  Only pure primitives are deferred, so when a value is computed
# cannot be observed; the staged (linear) jaxpr, and every printed jaxpr, is unchanged.
DEFERRABLE = frozenset({
    "neg", "add", "sub", "mul", "div", "integer_pow", "square", "sqrt", "rsqrt", "exp", "log",
    "sin", "cos", "tanh", "logistic", "expm1", "log1p", "abs", "reduce_sum",
    "convert_element_type", "broadcast_in_dim", "reshape",
})


class Deferred(Tracer):
    """A known value not computed yet (NOTE[deferred-known-values])."""

    __slots__ = ("_aval", "prim", "args", "params", "value")

    def __init__(self, trace: "JaxprTrace", aval, prim, args, params):
        self._trace = trace
        self._aval = aval
        self.prim, self.args, self.params = prim, args, params
        self.value = None

    @property
    def aval(self):
        return self._aval

    def to_concrete_value(self):
        return force(self)

    def __repr__(self):
        return f"Deferred({self.prim.name}: {self._aval.str_short(mark_weak=True)})"


register_tracer_type(Deferred)


def force(x):
    """``x``'s value: computes a ``Deferred`` (and the deferred values it reads) once."""
    if type(x) is not Deferred:
        return x
    if x.value is not None:
        return x.value
    stack = [x]  # iterative: chains of deferred values can be long
    while stack:
        d = stack[-1]
        if d.value is not None:
            stack.pop()
            continue
        pending = [a for a in d.args if type(a) is Deferred and a.value is None]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        vals = [a.value if type(a) is Deferred else a for a in d.args]
        with set_current_trace(d._trace.parent):
            d.value = d.prim.bind(*vals, **d.params)
        d.args = ()  # the operands may be freed now
    return x.value


def force_all(xs):
    return [force(x) if type(x) is Deferred else x for x in xs]


class JaxprTrace(DynamicJaxprTrace):
    """Stages only computations that depend on its (unknown) inputs.

    With ``defer_known`` (eager linearize only) known values computed inside JVP
    rules may be deferred: NOTE[deferred-known-values].
    """

    # ``JVPTrace.process_primitive`` runs rules through this when it is set
    run_jvp_rule = None

    def __init__(self, parent: Trace, debug_info=None, defer_known: bool = False):
        super().__init__(debug_info, parent=parent)
        self.defer_known = defer_known
        self.rule_depth = 0
        if defer_known:
            self.run_jvp_rule = self._run_jvp_rule_deferring

    def is_unknown(self, x) -> bool:
        return type(x) is DynamicJaxprTracer and x._trace is self

    def process_primitive(self, primitive, args, params):
        if not any(self.is_unknown(a) for a in args):
            if self.defer_known:
                if self.rule_depth and primitive.name in DEFERRABLE and \
                        not primitive.multiple_results:
                    aval = primitive.abstract_eval(*[get_aval(a) for a in args], **params)
                    return Deferred(self, aval, primitive, list(args), params)
                args = force_all(args)
            with set_current_trace(self.parent):
                return primitive.bind(*args, **params)
        if self.defer_known:
            args = force_all(args) if primitive in partial_eval_rules else args
        rule = partial_eval_rules.get(primitive)
        if rule is not None:
            return rule(self, args, **params)
        return self.stage_primitive(primitive, args, params)

    def _run_jvp_rule_deferring(self, rule, primals, tangents, params, multiple: bool):
        """Run a JVP rule deferring its known values; primal outputs with zero tangents
        are computed (they reach user code as plain values)."""
        from pyjax._src.interpreters.ad_util import Zero
        self.rule_depth += 1
        try:
            primal_out, tangent_out = rule(primals, tangents, **params)
        finally:
            self.rule_depth -= 1
        if multiple:
            return ([force(p) if type(t) is Zero else p for p, t in zip(primal_out, tangent_out)],
                    force_all(tangent_out))
        return (force(primal_out) if type(tangent_out) is Zero else primal_out,
                force(tangent_out))

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        if self.defer_known:
            args = force_all(args)
        if not any(self.is_unknown(a) for a in args):
            with set_current_trace(self.parent):
                return self.parent.process_custom_jvp_call(
                    primitive, fun, jvp, args, symbolic_zeros=symbolic_zeros)
        return super().process_custom_jvp_call(primitive, fun, jvp, args,
                                               symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        if self.defer_known:
            args = force_all(args)
        if not any(self.is_unknown(a) for a in args):
            with set_current_trace(self.parent):
                return self.parent.process_custom_vjp_call(
                    primitive, fun, fwd, bwd, args, out_trees=out_trees,
                    symbolic_zeros=symbolic_zeros)
        return super().process_custom_vjp_call(primitive, fun, fwd, bwd, args,
                                               out_trees=out_trees,
                                               symbolic_zeros=symbolic_zeros)


def partial_eval_jaxpr_nounits(closed_jaxpr: ClosedJaxpr, unknowns: Sequence[bool],
                               instantiate: bool | Sequence[bool]):
    """Split a jaxpr by which inputs are unknown.

    Returns ``(known, unknown, out_unknowns, num_res)`` where
      * ``known``:   ``{known ins} -> {known outs, residuals}``
      * ``unknown``: ``{residuals, unknown ins} -> {unknown outs}``
    and ``out_unknowns[i]`` says whether output i is produced by ``unknown``
    (forced True where ``instantiate`` says so).
    """
    in_avals = closed_jaxpr.in_avals
    n_out = len(closed_jaxpr.out_avals)
    if isinstance(instantiate, bool):
        instantiate = [instantiate] * n_out
    known_avals = [a for a, uk in zip(in_avals, unknowns, strict=True) if not uk]
    fun = jaxpr_as_fun(closed_jaxpr)
    result = {}

    def known_fun(*known_vals):
        pe = JaxprTrace(parent=current_trace())
        it = iter(known_vals)
        args = [pe.new_arg(a) if uk else next(it) for a, uk in zip(in_avals, unknowns,
                                                                    strict=True)]
        with set_current_trace(pe):
            outs = fun(*args)
        out_uk = [pe.is_unknown(o) or inst for o, inst in zip(outs, instantiate, strict=True)]
        unknown_outs = [o for o, uk in zip(outs, out_uk) if uk]
        with set_current_trace(pe):
            jaxpr, residuals = pe.to_jaxpr(unknown_outs)
        result["unknown"] = jaxpr
        result["out_uk"] = out_uk
        result["num_res"] = len(residuals)
        return [*[o for o, uk in zip(outs, out_uk) if not uk], *residuals]

    known_jaxpr, known_consts = trace_to_jaxpr(known_fun, known_avals)
    unknown = result["unknown"]
    # residuals are the unknown jaxpr's constvars; make them leading invars
    unknown = unknown.replace(constvars=[], invars=unknown.constvars + unknown.invars)
    return (ClosedJaxpr(known_jaxpr, known_consts), ClosedJaxpr(unknown, []),
            result["out_uk"], result["num_res"])


def linearize_flat(fun: Callable, primals: Sequence, defer_known: bool = False):
    """``linearize : (a -> b) -> a -> (b, T a -o T b)`` on flat lists.

    Returns ``(primals_out, jaxpr, consts)``: the linear jaxpr takes the input
    tangents (one per primal) and returns the output tangents; ``consts`` are
    its residuals.  With ``defer_known`` (honoured when running eagerly) primal
    outputs and residuals may be ``Deferred`` values (NOTE[deferred-known-values]):
    the caller forces what it needs.
    """
    from pyjax._src.core.trace import eval_trace
    from pyjax._src.interpreters.ad import JVPTrace
    from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
    parent = current_trace()
    pe = JaxprTrace(parent=parent, defer_known=defer_known and parent is eval_trace)
    tangent_avals = [get_aval(p).to_tangent_aval() for p in primals]
    tangents_in = [pe.new_arg(a) for a in tangent_avals]
    jvp_trace = JVPTrace(parent=pe)
    # integer/bool inputs have float0 tangents, which are always symbolic zeros
    in_tracers = [jvp_trace.make_tracer(p, Zero(t.aval) if t.aval.dtype == float0 else t)
                  for p, t in zip(primals, tangents_in, strict=True)]
    with set_current_trace(jvp_trace):
        outs = fun(*in_tracers)
    primals_out, tangents_out = [], []
    for o in outs:
        p, t = jvp_trace.to_primal_tangent_pair(o)
        primals_out.append(p)
        tangents_out.append(t)
    with set_current_trace(pe):
        tangents_out = [instantiate_zeros(t) if type(t) is Zero else t for t in tangents_out]
        jaxpr, consts = pe.to_jaxpr(tangents_out)
    for p in primals_out:
        if pe.is_unknown(p):
            raise ValueError("linearize: a primal output depends on the input tangents; a "
                             "JVP rule is mixing primal and tangent computation")
    pe.defer_known, pe.run_jvp_rule = False, None  # leaked tracers must not defer more
    return primals_out, jaxpr, consts


def dce_jaxpr(jaxpr: Jaxpr, used_outputs: Sequence[bool] | None = None,
              prune_invars: bool = False) -> tuple[Jaxpr, list[bool]]:
    """Drop equations whose results are never used.

    Returns the new jaxpr and which invars are used.  With ``prune_invars`` the
    unused invars are removed from the jaxpr too.
    """
    if used_outputs is None:
        used_outputs = [True] * len(jaxpr.outvars)
    outvars = [v for v, u in zip(jaxpr.outvars, used_outputs, strict=True) if u]
    live = {id(v) for v in outvars if type(v) is not Literal}
    new_eqns = []
    for eqn in reversed(jaxpr.eqns):
        if getattr(eqn.primitive, "has_side_effects", False) or any(
                id(v) in live for v in eqn.outvars):
            new_eqns.append(eqn)
            live.update(id(v) for v in eqn.invars if type(v) is not Literal)
    new_eqns.reverse()
    used_inputs = [id(v) in live for v in jaxpr.invars]
    invars = ([v for v, u in zip(jaxpr.invars, used_inputs) if u] if prune_invars
              else jaxpr.invars)
    constvars = [v for v in jaxpr.constvars if id(v) in live] if prune_invars else \
        jaxpr.constvars
    return jaxpr.replace(constvars=constvars, invars=invars, outvars=outvars,
                         eqns=new_eqns), used_inputs
