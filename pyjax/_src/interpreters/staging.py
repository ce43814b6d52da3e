"""The staging trace: records primitive applications into a jaxpr.

``trace_to_jaxpr(fun, in_avals)`` runs ``fun`` on fresh tracers with a
``DynamicJaxprTrace`` current, so every ``bind`` — whether or not its inputs
depend on the arguments — becomes an equation.  Values that are not this
trace's tracers are constants: Python and 0-d NumPy scalars are inlined as
``Literal`` s, anything else (arrays, tracers of enclosing traces) becomes a
constvar, deduplicated by identity.  ``to_jaxpr`` returns ``(jaxpr, consts)``.

Invariants: equations are appended in program order, so the recorded list is
already topologically sorted; each tracer holds its ``Var`` (or ``Literal``).
Once tracing ends the trace is marked finished and any later use of its
tracers raises ``UnexpectedTracerError``.
"""
from __future__ import annotations

import gc
import weakref
from typing import Any, Callable, Sequence

from pyjax._src import errors
from pyjax._src.config import config
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var, literalable
from pyjax._src.core.trace import Trace, Tracer, register_tracer_type, set_current_trace


class DynamicJaxprTracer(Tracer):
    """A staged value: an aval plus the jaxpr atom that will hold it."""

    __slots__ = ("_aval", "_atom", "_origin")

    def __init__(self, trace: "DynamicJaxprTrace", aval: ShapedArray, atom, origin=None):
        self._trace = trace
        self._aval = aval
        self._atom = atom
        self._origin = origin

    @property
    def aval(self):
        return self._aval

    def to_concrete_value(self):
        atom = self._atom
        if type(atom) is Literal:
            return atom.val
        return None

    def _origin_info(self):
        trace = self._trace
        info = trace.debug_info
        if info is None:
            return ""
        where = info.get("where", "")
        arg = self._origin
        if arg is not None:
            return (f"The error occurred while tracing the function {info.get('name', '?')} "
                    f"{where}for {info.get('transform', 'jit')}. This concrete value was not "
                    f"available in Python because it depends on the value of the argument "
                    f"{arg}.")
        return (f"The error occurred while tracing the function {info.get('name', '?')} "
                f"{where}for {info.get('transform', 'jit')}. This value became a tracer due "
                f"to JAX operations on these lines.")

    def __repr__(self):
        return f"JitTracer({self._aval.str_short(short_dtypes=False, mark_weak=True)})"


register_tracer_type(DynamicJaxprTracer)


def _arg_origins(tracers):
    return [t._origin for t in tracers if isinstance(t, DynamicJaxprTracer) and t._origin]


class DynamicJaxprTrace(Trace):
    """Builds a jaxpr from every primitive bound while it is current."""

    def __init__(self, debug_info: dict | None = None, parent: Trace | None = None):
        super().__init__(parent)
        self.debug_info = debug_info
        self.eqns: list[JaxprEqn] = []
        self.invars: list[Var] = []
        self.constvars: list[Var] = []
        self.consts: list[Any] = []
        self._const_tracers: dict[int, DynamicJaxprTracer] = {}
        self._keepalive: list = []  # constants whose id() keys _const_tracers
        self.finished = False

    # -- making tracers -----------------------------------------------------------------
    def new_arg(self, aval: ShapedArray, origin: str | None = None) -> DynamicJaxprTracer:
        if type(aval) is not ShapedArray and getattr(aval, "is_ref", False):
            raise NotImplementedError(
                f"pyjax cannot stage a function taking a mutable array reference ({aval}) as "
                f"an argument, except through jit (see NOTE[ref-discharge] in "
                f"pyjax/_src/mutable_refs.py)")
        var = Var(aval)
        self.invars.append(var)
        return DynamicJaxprTracer(self, aval, var, origin)

    def new_const(self, val: Any) -> DynamicJaxprTracer:
        if isinstance(val, Tracer):
            trace = val._trace
            if getattr(trace, "finished", False):
                raise errors.UnexpectedTracerError(
                    f"Encountered an unexpected tracer: {val!r} was created by a "
                    f"transformation that has already finished (it leaked out of it, e.g. "
                    f"through a global or a closure kept after the call).\nSee "
                    f"https://docs.jax.dev/en/latest/errors.html#jax.errors."
                    f"UnexpectedTracerError")
        key = id(val)
        tracer = self._const_tracers.get(key)
        if tracer is not None:
            return tracer
        aval = get_aval(val)
        if type(aval) is not ShapedArray and getattr(aval, "is_ref", False):
            raise TypeError(f"A mutable array reference ({aval}) was used as an array value "
                            f"while tracing; read it with ref[...] first")
        if literalable(val):
            tracer = DynamicJaxprTracer(self, aval, Literal(val, aval))
        else:
            var = Var(aval)
            self.constvars.append(var)
            self.consts.append(val)
            tracer = DynamicJaxprTracer(self, aval, var)
        # keep `val` alive with the tracer so id() stays unique while tracing
        self._const_tracers[key] = tracer
        self._keepalive.append(val)
        return tracer

    def to_jaxpr_tracer(self, x) -> DynamicJaxprTracer:
        if type(x) is DynamicJaxprTracer and x._trace is self:
            return x
        return self.new_const(x)

    # -- recording ------------------------------------------------------------------------
    def add_eqn(self, primitive, in_tracers, out_avals, params) -> list[DynamicJaxprTracer]:
        origins = _arg_origins(in_tracers)
        origin = origins[0] if origins else None
        out_tracers = [DynamicJaxprTracer(self, a, Var(a), origin) for a in out_avals]
        self.eqns.append(JaxprEqn([t._atom for t in in_tracers],
                                  [t._atom for t in out_tracers], primitive, dict(params)))
        return out_tracers

    def process_primitive(self, primitive, args, params):
        rule = staging_rules.get(primitive)
        if rule is not None:
            return rule(self, [self.to_jaxpr_tracer(a) for a in args], **params)
        return self.stage_primitive(primitive, args, params)

    def stage_primitive(self, primitive, args, params):
        """Record ``primitive`` applied to ``args`` as an equation (always staged)."""
        tracers = [self.to_jaxpr_tracer(a) for a in args]
        out = primitive.abstract_eval(*[t._aval for t in tracers], **params)
        if primitive.multiple_results:
            return self.add_eqn(primitive, tracers, out, params)
        return self.add_eqn(primitive, tracers, [out], params)[0]

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        # lazy import: custom_derivatives sits above the interpreters
        from pyjax._src.custom_derivatives import stage_custom_jvp_call
        return stage_custom_jvp_call(self, primitive, fun, jvp, args,
                                     symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        from pyjax._src.custom_derivatives import stage_custom_vjp_call
        return stage_custom_vjp_call(self, primitive, fun, fwd, bwd, args, out_trees=out_trees,
                                     symbolic_zeros=symbolic_zeros)

    # -- finishing ------------------------------------------------------------------------
    def to_jaxpr(self, out_tracers: Sequence[Any]) -> tuple[Jaxpr, list]:
        outvars = [self.to_jaxpr_tracer(t)._atom for t in out_tracers]
        jaxpr = Jaxpr(self.constvars, self.invars, outvars, self.eqns, self.debug_info)
        self.finished = True
        # The const tracers point back at this trace: a reference cycle that would keep
        # every constant (e.g. linearize's residual arrays) alive until the cyclic GC
        # runs, growing the heap by their size per call.  They are only needed while
        # tracing, so drop them now and let reference counting free the constants.
        self._const_tracers = {}
        self._keepalive = []
        if config.jax_enable_checks:
            from pyjax._src.core.check import typecheck_jaxpr
            typecheck_jaxpr(jaxpr)
        return jaxpr, list(self.consts)


# primitive -> (trace, tracers, **params) -> out tracer(s); for primitives that stage
# something other than one plain equation (e.g. constant folding of convert_element_type).
staging_rules: dict = {}


def trace_to_jaxpr(fun: Callable, in_avals: Sequence[ShapedArray],
                   debug_info: dict | None = None,
                   arg_names: Sequence[str] | None = None) -> tuple[Jaxpr, list]:
    """Stage ``fun: *tracers -> sequence`` into ``(jaxpr, consts)``."""
    if config.jax_no_tracing:
        _no_tracing_error(fun, debug_info)
    trace = DynamicJaxprTrace(debug_info)
    names = arg_names or [None] * len(in_avals)
    in_tracers = [trace.new_arg(a, n) for a, n in zip(in_avals, names, strict=True)]
    try:
        with set_current_trace(trace):
            outs = fun(*in_tracers)
            outs = list(outs)
            jaxpr, consts = trace.to_jaxpr(outs)
    finally:
        trace.finished = True
    if config.jax_check_tracer_leaks:
        trace_ref = weakref.ref(trace)
        del trace, in_tracers, outs
        _check_no_leaked_tracers(trace_ref)
    return jaxpr, consts


def _check_no_leaked_tracers(trace_ref) -> None:
    """``jax_check_tracer_leaks``: no tracer of a finished trace may still be referenced."""
    gc.collect()
    trace = trace_ref()
    if trace is None:
        return
    own = {id(t) for t in trace._const_tracers.values()}
    leaked = [r for r in gc.get_referrers(trace)
              if isinstance(r, DynamicJaxprTracer) and r._trace is trace and id(r) not in own]
    if not leaked:
        return
    lines = []
    for t in leaked:
        lines.append(repr(t))
        origin = t._origin_info()
        if origin:
            lines.append(origin)
        for holder in gc.get_referrers(t):
            if holder is not leaked and isinstance(holder, (list, dict, tuple, set)):
                lines.append(f"<{type(t).__name__} {id(t)}> is referred to by "
                             f"<{type(holder).__name__} {id(holder)}>")
    raise Exception(f"Leaked trace {type(trace).__name__}. Leaked tracer(s):\n\n"
                    + "\n".join(lines) + "\n")


def _no_tracing_error(fun, debug_info):
    if debug_info:
        what = f"{debug_info.get('name', '?')} {debug_info.get('where', '')}".rstrip()
    else:
        what = repr(fun)
    raise RuntimeError(f"re-tracing function {what} for `jit`, but 'no_tracing' is set")


def trace_to_closed_jaxpr(fun: Callable, in_avals: Sequence[ShapedArray],
                          debug_info: dict | None = None) -> ClosedJaxpr:
    jaxpr, consts = trace_to_jaxpr(fun, in_avals, debug_info)
    return ClosedJaxpr(jaxpr, consts)


def convert_constvars_jaxpr(jaxpr: Jaxpr) -> Jaxpr:
    """Turn constvars into leading invars.

    ``{ lambda c ; x . ...}`` becomes ``{ lambda ; c x . ...}``.
    """
    return jaxpr.replace(constvars=[], invars=jaxpr.constvars + jaxpr.invars)


def closed_jaxpr_hoisting_consts(jaxpr: Jaxpr, consts: list) -> tuple[ClosedJaxpr, list]:
    """Split consts: concrete ones stay closed over, tracers become leading arguments.

    Returns ``(closed_jaxpr, tracer_consts)`` where ``closed_jaxpr`` takes
    ``[*tracer_consts, *original_invars]``.
    """
    keep_vars, keep_vals, hoist_vars, hoist_vals = [], [], [], []
    for v, c in zip(jaxpr.constvars, consts, strict=True):
        if isinstance(c, Tracer):
            hoist_vars.append(v)
            hoist_vals.append(c)
        else:
            keep_vars.append(v)
            keep_vals.append(c)
    new = jaxpr.replace(constvars=keep_vars, invars=hoist_vars + jaxpr.invars)
    return ClosedJaxpr(new, keep_vals), hoist_vals
