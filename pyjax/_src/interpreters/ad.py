"""Forward-mode automatic differentiation: the JVP trace and its rule table.

    jvp : (a -> b) -> (a, T a) -> (b, T b)

A ``JVPTracer`` carries ``(primal, tangent)``; the tangent may be a symbolic
``Zero`` (see NOTE[symbolic-zeros] in ad_util.py).  ``JVPTrace.process_primitive``
looks up ``primitive_jvps[prim]``, a rule

    rule(primals: list, tangents: list, **params) -> (primal_out, tangent_out)

(lists of outputs for ``multiple_results`` primitives), and runs it with the
parent trace current: the rule is written in pyjax ops, so it is itself
differentiable, batchable and stageable — higher-order AD needs nothing more.

Rule helpers, as in JAX: ``defjvp`` (one function per input computing that
input's contribution), ``defjvp2`` (same, also given the output), ``deflinear``
(linear primitives: the jvp is the primitive itself), ``defbilinear`` and
``defjvp_zero`` (non-differentiable outputs).  Reverse mode is not here:
it is linearize (this JVP + partial evaluation) followed by transposition
(``transpose.py``).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, jaxpr_as_fun
from pyjax._src.core.trace import (Trace, Tracer, current_trace, register_tracer_type,
                                   set_current_trace)
from pyjax._src.interpreters import ad_util
from pyjax._src.interpreters.ad_util import (Zero, add_any_p, add_tangents,
                                             instantiate_zeros)

# primitive -> rule(primals, tangents, **params) -> (primal_out, tangent_out)
primitive_jvps: dict = {}
# primitive -> transpose rule (filled by deflinear & co; used by transpose.py)
primitive_transposes: dict = {}


class JVPTracer(Tracer):
    """A primal value together with its tangent."""

    __slots__ = ("primal", "tangent")

    def __init__(self, trace: "JVPTrace", primal, tangent):
        self._trace = trace
        self.primal = primal
        self.tangent = tangent

    @property
    def aval(self):
        return get_aval(self.primal)

    def to_concrete_value(self):
        p = self.primal
        if isinstance(p, Tracer):
            return p.to_concrete_value()
        return p

    def _origin_info(self):
        info = getattr(self.primal, "_origin_info", None)
        return info() if info else ""


register_tracer_type(JVPTracer)


class JVPTrace(Trace):
    """Propagates tangents alongside primal values."""

    __slots__ = ()

    def to_primal_tangent_pair(self, x):
        if type(x) is JVPTracer and x._trace.tag is self.tag:
            return x.primal, x.tangent
        return x, Zero.from_primal_value(x)

    def make_tracer(self, primal, tangent):
        if type(tangent) is Zero:
            return primal
        return JVPTracer(self, primal, tangent)

    def process_primitive(self, primitive, args, params):
        primals, tangents = [], []
        for a in args:
            p, t = self.to_primal_tangent_pair(a)
            primals.append(p)
            tangents.append(t)
        with set_current_trace(self.parent):
            if all(type(t) is Zero for t in tangents):
                return primitive.bind(*primals, **params)
            rule = primitive_jvps.get(primitive)
            if rule is None:
                raise NotImplementedError(
                    f"Differentiation rule for '{primitive.name}' not implemented")
            run = getattr(self.parent, "run_jvp_rule", None)  # eager linearize defers
            if run is None:
                primal_out, tangent_out = rule(primals, tangents, **params)
            else:
                primal_out, tangent_out = run(rule, primals, tangents, params,
                                              primitive.multiple_results)
        if primitive.multiple_results:
            return [self.make_tracer(p, t) for p, t in zip(primal_out, tangent_out, strict=True)]
        return self.make_tracer(primal_out, tangent_out)

    def _concrete_primals(self, args):
        """``args`` with computed primals: custom rules run user Python on the primals, which
        must never see a value an eager linearize deferred (partial_eval.Deferred)."""
        if not getattr(self.parent, "defer_known", False):
            return args
        from pyjax._src.interpreters.partial_eval import Deferred, force
        return [JVPTracer(self, force(a.primal), a.tangent)
                if type(a) is JVPTracer and type(a.primal) is Deferred else a for a in args]

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        args = self._concrete_primals(args)
        primals, tangents = zip(*map(self.to_primal_tangent_pair, args)) if args else ((), ())
        if all(type(t) is Zero for t in tangents):
            with set_current_trace(self.parent):
                return self.parent.process_custom_jvp_call(
                    primitive, fun, jvp, primals, symbolic_zeros=symbolic_zeros)
        if not symbolic_zeros:
            tangents = [instantiate_zeros(t) for t in tangents]
        with set_current_trace(self.parent):
            outs = jvp(*primals, *tangents)
        n = len(outs) // 2
        primals_out, tangents_out = outs[:n], outs[n:]
        return [self.make_tracer(p, t) for p, t in zip(primals_out, tangents_out, strict=True)]

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        # defined in custom_derivatives.py (needs the custom_lin primitive)
        from pyjax._src.custom_derivatives import custom_vjp_jvp
        return custom_vjp_jvp(self, primitive, fun, fwd, bwd, self._concrete_primals(args),
                              out_trees=out_trees, symbolic_zeros=symbolic_zeros)


# -- rule helpers -------------------------------------------------------------------------


def _out_tangent_zero(primal_out):
    return Zero.from_primal_value(primal_out)


def defjvp(primitive, *jvp_fns: Callable | None) -> None:
    """JVP from per-input rules ``jvp_fn(t, *primals, **params) -> out tangent contribution``.

    ``None`` marks an input the output does not depend on differentiably.
    """
    def rule(primals, tangents, **params):
        primal_out = primitive.bind(*primals, **params)
        tangent_out = None  # the Zero is built only if no contribution comes (it costs)
        for fn, t in zip(jvp_fns, tangents, strict=True):
            if fn is not None and type(t) is not Zero:
                contribution = fn(t, *primals, **params)
                tangent_out = contribution if tangent_out is None else \
                    add_tangents(tangent_out, contribution)
        return primal_out, (Zero.from_primal_value(primal_out) if tangent_out is None
                            else tangent_out)
    primitive_jvps[primitive] = rule


def defjvp2(primitive, *jvp_fns: Callable | None) -> None:
    """Like ``defjvp`` but each rule also receives the output: ``fn(t, ans, *primals)``."""
    def rule(primals, tangents, **params):
        primal_out = primitive.bind(*primals, **params)
        tangent_out = None
        for fn, t in zip(jvp_fns, tangents, strict=True):
            if fn is not None and type(t) is not Zero:
                contribution = fn(t, primal_out, *primals, **params)
                tangent_out = contribution if tangent_out is None else \
                    add_tangents(tangent_out, contribution)
        return primal_out, (Zero.from_primal_value(primal_out) if tangent_out is None
                            else tangent_out)
    primitive_jvps[primitive] = rule


def defjvp_zero(primitive) -> None:
    """The output does not depend differentiably on any input (integer outputs, comparisons)."""
    def rule(primals, tangents, **params):
        del tangents  # unused
        primal_out = primitive.bind(*primals, **params)
        if primitive.multiple_results:
            return primal_out, [Zero.from_primal_value(p) for p in primal_out]
        return primal_out, Zero.from_primal_value(primal_out)
    primitive_jvps[primitive] = rule


def linear_jvp(primitive, primals, tangents, **params):
    """JVP of a primitive linear in all its inputs: apply it to the tangents."""
    primal_out = primitive.bind(*primals, **params)
    if all(type(t) is Zero for t in tangents):
        if primitive.multiple_results:
            return primal_out, [Zero.from_primal_value(p) for p in primal_out]
        return primal_out, Zero.from_primal_value(primal_out)
    return primal_out, primitive.bind(*map(instantiate_zeros, tangents), **params)


def deflinear(primitive, transpose_rule: Callable) -> None:
    """A primitive linear in all inputs. ``transpose_rule(ct, **params) -> list of cts``."""
    primitive_jvps[primitive] = lambda primals, tangents, **params: linear_jvp(
        primitive, primals, tangents, **params)
    primitive_transposes[primitive] = lambda ct, *args, **params: transpose_rule(ct, **params)


def deflinear2(primitive, transpose_rule: Callable) -> None:
    """Like ``deflinear``; the rule sees the inputs: ``transpose_rule(ct, *args, **params)``
    (linear inputs are ``UndefinedPrimal`` s)."""
    primitive_jvps[primitive] = lambda primals, tangents, **params: linear_jvp(
        primitive, primals, tangents, **params)
    primitive_transposes[primitive] = transpose_rule


def defbilinear(primitive, lhs_rule: Callable, rhs_rule: Callable) -> None:
    """Bilinear ``f(x, y)`` (mul, dot_general): jvp = f(tx, y) + f(x, ty).

    ``lhs_rule(ct, x, y, **params)`` returns the cotangent of x when x is the
    undefined (linear) input; ``rhs_rule`` likewise for y.
    """
    defjvp(primitive,
           lambda tx, x, y, **params: primitive.bind(tx, y, **params),
           lambda ty, x, y, **params: primitive.bind(x, ty, **params))

    def transpose(ct, x, y, **params):
        from pyjax._src.interpreters.transpose import is_undefined_primal
        if is_undefined_primal(x):
            if is_undefined_primal(y):
                raise ValueError(f"{primitive.name}: transpose of a bilinear primitive with "
                                 "both operands linear (the function is not linear)")
            return [lhs_rule(ct, x, y, **params), None]
        return [None, rhs_rule(ct, x, y, **params)]
    primitive_transposes[primitive] = transpose


# add_any: the tangent-addition primitive owned by the interpreters
def _add_any_transpose(ct, x, y):
    del x, y  # unused
    return [ct, ct]


primitive_jvps[add_any_p] = lambda primals, tangents: linear_jvp(add_any_p, primals, tangents)
primitive_transposes[add_any_p] = _add_any_transpose


# -- jvp of whole functions and jaxprs ------------------------------------------------------


def jvp_flat(fun: Callable, primals: Sequence, tangents: Sequence):
    """Run ``fun`` (flat list -> flat list) under a fresh JVPTrace; returns (primals, tangents)."""
    trace = JVPTrace(parent=current_trace())
    in_tracers = [trace.make_tracer(p, t) for p, t in zip(primals, tangents, strict=True)]
    with set_current_trace(trace):
        outs = fun(*in_tracers)
    primals_out, tangents_out = [], []
    for o in outs:
        p, t = trace.to_primal_tangent_pair(o)
        primals_out.append(p)
        tangents_out.append(t)
    return primals_out, tangents_out


def jvp_jaxpr(closed_jaxpr: ClosedJaxpr, nonzeros: Sequence[bool],
              instantiate: bool | Sequence[bool]) -> tuple[ClosedJaxpr, list[bool]]:
    """``{primals} -> {outs}`` to ``{primals, nonzero tangents} -> {outs, nonzero tangents}``.

    Returns the new jaxpr and which output tangents are nonzero (always True
    where ``instantiate`` says so).
    """
    from pyjax._src.interpreters.staging import trace_to_closed_jaxpr
    n = len(closed_jaxpr.in_avals)
    if isinstance(instantiate, bool):
        instantiate = [instantiate] * len(closed_jaxpr.out_avals)
    tangent_avals = [a.to_tangent_aval() for a, nz in zip(closed_jaxpr.in_avals, nonzeros,
                                                          strict=True) if nz]
    out_nonzeros: list[bool] = []
    fun = jaxpr_as_fun(closed_jaxpr)

    def jvp_fun(*args):
        primals, nz_tangents = args[:n], iter(args[n:])
        tangents = [next(nz_tangents) if nz else Zero(a.to_tangent_aval())
                    for a, nz in zip(closed_jaxpr.in_avals, nonzeros, strict=True)]
        primals_out, tangents_out = jvp_flat(fun, primals, tangents)
        tangents_out = [instantiate_zeros(t) if inst else t
                        for t, inst in zip(tangents_out, instantiate, strict=True)]
        out_nonzeros[:] = [type(t) is not Zero for t in tangents_out]
        return [*primals_out, *[t for t in tangents_out if type(t) is not Zero]]

    jaxpr = trace_to_closed_jaxpr(jvp_fun, [*closed_jaxpr.in_avals, *tangent_avals])
    return jaxpr, out_nonzeros


def zeros_like_primal(x):
    return ad_util.zeros_like_aval(get_aval(x).to_tangent_aval())


def is_float0(x) -> bool:
    return getattr(x, "dtype", None) == dtypes.float0


def float0_zeros(shape) -> np.ndarray:
    return np.zeros(shape, dtypes.float0)
