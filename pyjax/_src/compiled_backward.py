"""Eager reverse mode, tier 2: a repeated ``grad`` runs its backward pass compiled.

An eager ``grad(f)(x)`` linearizes ``f`` (primal work now, the linear part
staged as a jaxpr over the residuals) and transposes that jaxpr equation by
equation (``transpose.backward_pass``): a Python rule and a NumPy call per
linear operation, a fresh array per cotangent, and all the work JAX's rules
spell out equation for equation (products with the cotangent seed 1, ``x*y``
and ``y*x`` both computed, negations).  Since ``linearize_flat`` defers the known
values JVP rules compute (NOTE[deferred-known-values] in partial_eval.py), the
residuals may also still be recipes over other values, and grad's own output
value is not computed at all.

A training loop calls the same ``grad`` on arrays of the same types over and
over; the linear jaxpr and the residuals' recipes then have the same
*structure* every time (the arrays differ, not the equations).  ``backward``
keys them by that structure; the second time a structure is seen, the residual
recipes and the transposition are staged once (``transpose.backward_pass``
under a staging trace, grad's output cotangent 1 as a constant) and compiled
by the jit compiler, whose passes remove the waste (``backend/passes.py``:
products with the cotangent 1 dropped, CSE over commutative operands, exact
arithmetic rewrites, residuals computed where they are read) and whose
emission reuses buffers.  From then on the deferred work and the backward
pass are one call of the compiled function.

What may be compiled: linear jaxprs made only of ``_TIER_PRIMITIVES``
(elementwise and structural operations whose transpose rules stage plain lax
operations) and recipes of ``partial_eval.DEFERRABLE`` primitives, with
hashable params: operations whose compiled code computes bit for bit what
their eager implementation does.  Anything else — calls with sub-jaxprs,
custom VJPs (their ``bwd`` is user Python that must run on every call),
effects, dot products (BLAS may round differently) — keeps the eager backward
pass.  So results never depend on which tier ran, and printed jaxprs are
untouched (this only runs when the current trace is the eval trace).
``jax_disable_jit`` and ``jax_pyjax_compiler=False`` turn it off.
"""
from __future__ import annotations

import threading

import numpy as np

from pyjax._src.config import config
from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import Jaxpr, Literal, literalable
from pyjax._src.core.trace import eval_trace, trace_state
from pyjax._src.interpreters.partial_eval import DEFERRABLE, Deferred

# More structures than this and the table is cleared: a loop over ever-new shapes must not
# grow memory without bound.
MAX_STRUCTURES = 256
# Larger linear jaxprs stay eager: compiling costs ~0.1 ms per equation, once.
MAX_EQNS = 2000

_TIER_PRIMITIVES = frozenset({
    "neg", "add", "sub", "mul", "div", "add_any", "convert_element_type", "reduce_sum",
    "broadcast_in_dim", "reshape", "squeeze", "expand_dims", "transpose", "select_n",
    "real", "imag", "conj", "complex", "copy",
})

_FAILED = object()  # a structure whose transposition could not be compiled


class _Entry:
    __slots__ = ("exe",)

    def __init__(self):
        self.exe = None  # None: seen once; then an Executable or _FAILED


_table: dict = {}
_lock = threading.Lock()


class _NotCompilable(Exception):
    pass


def _literal_key(x: Literal):
    val = np.asarray(x.val)
    return ("lit", val.dtype.str, val.tobytes(), x.aval)  # bits: NaN and -0. match exactly


def _value_key(x):
    val = np.asarray(x)
    return (type(x), getattr(x, "weak_type", None), val.dtype.str, val.tobytes())


class _Structure:
    """A linear jaxpr and its residuals, some of them deferred computations: the hashable
    ``key``, the runtime inputs (``leaves``) and the recipes to compute the rest."""

    def __init__(self):
        self.parts: list = []
        self.leaves: list = []
        self.leaf_ids: dict = {}     # id(value) -> leaf index
        self.nodes: dict = {}        # id(Deferred) -> recipe index
        self.recipes: list = []      # (primitive, operand refs, params)
        self.literals: dict = {}     # literal key -> a value with that key
        self.key = self.const_refs = self.extra_refs = None

    def _leaf(self, x):
        k = self.leaf_ids.get(id(x))
        if k is None:
            k = self.leaf_ids[id(x)] = len(self.leaves)
            self.leaves.append(x)
            self.parts.append(("leaf", get_aval(x)))
        return ("leaf", k)

    def ref(self, x):
        """How the compiled function gets ``x``: an input, a recipe's result or a literal."""
        if type(x) is Deferred:
            if x.value is not None:
                return self._leaf(x.value)
            if id(x) not in self.nodes:
                self._record(x)
            return ("node", self.nodes[id(x)])
        if literalable(x):
            key = _value_key(x)
            self.literals.setdefault(key, x)
            return ("lit", key)
        return self._leaf(x)

    def _record(self, root: Deferred):
        stack = [root]  # iterative: recipes can be long chains
        while stack:
            d = stack[-1]
            if id(d) in self.nodes:
                stack.pop()
                continue
            pending = [a for a in d.args if type(a) is Deferred and a.value is None and
                       id(a) not in self.nodes]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if d.prim.name not in DEFERRABLE:
                raise _NotCompilable
            refs = tuple(self.ref(a) for a in d.args)
            self.nodes[id(d)] = len(self.recipes)
            self.recipes.append((d.prim, refs, d.params))
            self.parts.append(("node", d.prim, refs,
                               tuple(d.params.items()) if d.params else ()))

    def value(self, ref, leaves, nodes):
        kind = ref[0]
        if kind == "leaf":
            return leaves[ref[1]]
        if kind == "node":
            return nodes[ref[1]]
        return self.literals[ref[1]]


def structure(jaxpr: Jaxpr, consts: list, extras: list):
    """The ``_Structure`` of ``jaxpr`` over ``consts`` (and of the ``extras`` values also
    wanted), or None when it may not be compiled (see the module docstring)."""
    if len(jaxpr.eqns) > MAX_EQNS:
        return None
    st = _Structure()
    try:
        const_refs = tuple(st.ref(c) for c in consts)
        extra_refs = tuple(st.ref(x) for x in extras)
    except _NotCompilable:
        return None
    if len(st.recipes) + len(jaxpr.eqns) > MAX_EQNS:
        return None
    ids: dict = {}
    for v in jaxpr.constvars:
        ids[v] = len(ids)
    for v in jaxpr.invars:
        ids[v] = len(ids)
    parts = st.parts
    parts += [bool(config.jax_enable_x64), const_refs, extra_refs,
              tuple(v.aval for v in jaxpr.constvars), tuple(v.aval for v in jaxpr.invars)]
    for eqn in jaxpr.eqns:
        prim = eqn.primitive
        if prim.name not in _TIER_PRIMITIVES:
            return None
        ins = tuple(_literal_key(x) if type(x) is Literal else ids[x] for x in eqn.invars)
        for v in eqn.outvars:
            ids[v] = len(ids)
        parts.append((prim, ins, tuple(eqn.params.items()) if eqn.params else ()))
    parts.append(tuple(_literal_key(v) if type(v) is Literal else ids[v]
                       for v in jaxpr.outvars))
    key = tuple(parts)
    try:
        hash(key)
    except TypeError:  # an unhashable param
        return None
    st.key, st.const_refs, st.extra_refs = key, const_refs, extra_refs
    return st


def _compile(jaxpr: Jaxpr, st: _Structure, cts_out: list):
    """The executable of the recipes then ``jaxpr``'s transposition at ``cts_out``:
    ``(*leaves) -> [*cts_in, *extras]``.  The cotangents are baked in (grad's is always
    1, so the products with it and with its broadcasts fold away)."""
    from pyjax._src.backend.compiler import Executable
    from pyjax._src.interpreters.ad_util import instantiate_zeros
    from pyjax._src.interpreters.staging import trace_to_closed_jaxpr
    from pyjax._src.interpreters.transpose import UndefinedPrimal, backward_pass

    def transposed(*leaves):
        nodes: list = []
        for prim, refs, params in st.recipes:
            nodes.append(prim.bind(*[st.value(r, leaves, nodes) for r in refs], **params))
        residuals = [st.value(r, leaves, nodes) for r in st.const_refs]
        undefined = [UndefinedPrimal(v.aval) for v in jaxpr.invars]
        cts_in = backward_pass(jaxpr, residuals, undefined, cts_out)
        return [*map(instantiate_zeros, cts_in), *[st.value(r, leaves, nodes)
                                                   for r in st.extra_refs]]
    return Executable(trace_to_closed_jaxpr(transposed, [get_aval(x) for x in st.leaves]))


def enabled() -> bool:
    """Whether eager grad may defer known values and compile backward passes: not while
    debugging op by op (``jax_disable_jit``, NaN/inf checks) or without the compiler."""
    return not (config.jax_disable_jit or config.jax_debug_nans or config.jax_debug_infs) \
        and bool(config.jax_pyjax_compiler)


def backward(jaxpr: Jaxpr, consts: list, cts_out: list, extras: list = ()):
    """``(cts_in, extra_values)`` from the compiled tier, or None: then the caller forces
    the residuals and runs ``backward_pass`` (not compilable, not eager, or the first
    time this structure is seen).

    ``consts`` may hold ``Deferred`` residuals and ``extras`` are other (possibly
    deferred) values wanted, e.g. ``value_and_grad``'s value: computed in the same
    call.  ``cts_out`` are part of the structure (they are compiled in): meant for
    ``grad``, whose output cotangent is always 1.
    """
    if trace_state.trace is not eval_trace or not enabled():
        return None
    st = structure(jaxpr, consts, list(extras))
    if st is None:
        return None
    key = (st.key, tuple(_value_key(c) for c in cts_out))
    entry = _table.get(key)
    if entry is None:  # first sighting: most structures are differentiated only once
        with _lock:
            if len(_table) >= MAX_STRUCTURES:
                _table.clear()
            _table.setdefault(key, _Entry())
        return None
    exe = entry.exe
    if exe is None:
        try:
            exe = _compile(jaxpr, st, cts_out)
        except Exception:  # noqa: BLE001 -- the eager pass is always there to fall back on
            exe = _FAILED
        entry.exe = exe
    if exe is _FAILED:
        return None
    outs = exe.call_arrays(st.leaves)
    n = len(jaxpr.invars)
    return outs[:n], outs[n:]


def clear() -> None:
    """Forget every structure and executable (``pyjax.clear_caches``)."""
    with _lock:
        _table.clear()
