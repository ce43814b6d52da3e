"""The jit compiler, tier 1: a jaxpr becomes straight-line Python source over NumPy.

    compiled_callable : (ClosedJaxpr, donated_invars) -> Executable   (cached per jaxpr)

``passes.optimize`` first rewrites the jaxpr (inlining, forwarding and
peepholes, constant folding, DCE, CSE, broadcast forwarding); this module then
emits it with **buffer assignment** (``_Emitter``): liveness analysis over
buffers (a view keeps its base alive); a ufunc writes its result into a dead
buffer the function owns (``np.add(a, b, out=t)``) when it is at least
``REUSE_MIN_BYTES``; a primitive with an ``inplace_impls`` entry updates a dead
owned operand in place; donated inputs are owned when the runtime check in
``Executable`` proves nobody else sees them.  Large row-separable programs run
in cache-sized row blocks (``chunking.py``).

Extension tables (filled by the primitives' family files; name-keyed defaults
cover primitives whose impl is not a plain ufunc, so the backend need not
import lax):

  * ``compile_rules[prim](ctx, eqn, ins) -> str | None``: a Python expression
    for the equation's result(s), built only from ``ins`` (operand names) and
    names from ``ctx.fn(obj)`` / ``ctx.const(value)``; None means "use the impl".
    The result is assumed to alias its operands unless ``prim in fresh_outputs``.
  * ``ufunc_rules[prim](eqn) -> np.ufunc | None``: the equation is exactly this
    ufunc applied to its operands (enables ``out=`` reuse).
  * ``inplace_impls[prim](operand, *rest, **params) -> operand``: like ``impl`` but
    writes the result into ``operand`` (first input, same shape and dtype as the
    output) and returns it — e.g. ``dynamic_update_slice``, ``scatter``.
  * ``fresh_outputs``: primitives whose impl always returns new buffers, never a
    view of an input (their results may then be reused as ``out=`` targets).
  * ``no_fold``: primitives never constant-folded.

Security: the generated source contains only generated identifiers (``v12``,
``f3``, ``c4``), keywords from a fixed set and punctuation.  Implementations,
params and constants reach it as values in the function's globals, and a param
whose name is not a plain identifier is bound with ``functools.partial``, so no
user-controlled text (function names, static arguments, string params) can
become code.

Memory: freed large blocks going back to the OS on every call makes compiled
code several times slower, so glibc's malloc is told to keep them (``mallopt``).
BLAS threads are set once (``set_blas_threads``), see its docstring.

``Executable.source`` holds the generated code; ``jit(f).lower(x).as_text()``
shows it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import keyword
import os
import sys
import threading
import weakref
from typing import Any, Callable

import numpy as np

from pyjax._src import errors
from pyjax._src.backend import chunking
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.backend.dispatch import to_numpy
from pyjax._src.config import config
from pyjax._src.backend.passes import (  # noqa: F401  (tables re-exported for rule owners)
    FOLD_MAX_BYTES, _is_var, _literal_value, _nbytes, _ufunc_for, compile_rules, fresh_outputs,
    inplace_impls, no_fold, optimize, ufunc_rules)
from pyjax._src.core.jaxpr import ClosedJaxpr, DropVar, Jaxpr, JaxprEqn, Literal

REUSE_MIN_BYTES = 32 * 1024   # below this, out= bookkeeping costs more than it saves


def _tune_malloc() -> None:
    """Keep freed large blocks in the heap (glibc only; a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, (1 << 31) - 1)
    except (OSError, AttributeError):
        pass


_tune_malloc()

_blas_configured = False
_BLAS_ENV = ("PYJAX_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def set_blas_threads(n: int | None = None) -> None:
    """Limit BLAS to ``n`` threads.

    Default: ``PYJAX_BLAS_THREADS`` if set; left alone if the user set
    ``OPENBLAS_NUM_THREADS``/``OMP_NUM_THREADS``/``MKL_NUM_THREADS``; otherwise half
    the cores this process may use (at least 1).  Measured on a 2-core machine
    under load: two OpenBLAS threads spin against other processes and a
    (128, 784) @ (784, 512) matmul takes 20-90 ms instead of 4-5 ms on one thread.
    """
    global _blas_configured
    _blas_configured = True
    if n is None:
        env = os.environ.get("PYJAX_BLAS_THREADS")
        if env:
            n = int(env)
        elif any(os.environ.get(k) for k in _BLAS_ENV[1:]):
            return
        else:
            n = _default_threads()
    n = max(1, int(n))
    setters = _openblas_thread_setters()
    if setters:
        for setter in setters:
            setter(n)
        return
    try:  # another BLAS (MKL, BLIS, Accelerate): threadpoolctl knows them all
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=n, user_api="blas")


_OPENBLAS_SETTERS = ("openblas_set_num_threads", "openblas_set_num_threads64_",
                     "scipy_openblas_set_num_threads", "scipy_openblas_set_num_threads64_")


def _openblas_thread_setters() -> list:
    """``set_num_threads`` of each OpenBLAS loaded in this process (Linux; else [])."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f
                     if "openblas" in line.lower() and ".so" in line}
    except OSError:
        return []
    setters = []
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _OPENBLAS_SETTERS:
            fn = getattr(lib, name, None)
            if fn is not None:
                fn.argtypes = [ctypes.c_int]
                setters.append(lambda k, fn=fn: fn(k))
                break
    return setters


def _select_n_rule(ctx, eqn, ins):
    pred = eqn.invars[0]
    cases = ins[1:]
    if pred.aval.shape == () and all(x.aval.shape == eqn.outvars[0].aval.shape
                                     for x in eqn.invars[1:]):
        if len(cases) == 2:
            return f"({cases[1]} if {ins[0]} else {cases[0]})"
        return f"({', '.join(cases)},)[int({ins[0]})]"
    if len(cases) == 2 and pred.aval.shape == eqn.outvars[0].aval.shape:
        return f"{ctx.fn(np.where)}({ins[0]}, {cases[1]}, {cases[0]})"
    return None


def _integer_pow_rule(ctx, eqn, ins):
    y = eqn.params.get("y")
    if y == 3:
        mul = ctx.fn(np.multiply)
        return f"{mul}({mul}({ins[0]}, {ins[0]}), {ins[0]})"
    return None


_BLAS_DTYPES = frozenset(np.dtype(t) for t in (np.float32, np.float64, np.complex64,
                                                 np.complex128))


def _dot_general_rule(ctx, eqn, ins):
    """Plain matrix/vector products straight to ``np.matmul`` (the impl re-validates
    shapes and dtypes on every call, which costs more than a small matmul)."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    lhs, rhs = eqn.invars
    out = eqn.outvars[0].aval
    pref = eqn.params.get("preferred_element_type")
    if lb or rb or len(lc) != 1 or len(rc) != 1 or lhs.aval.dtype != rhs.aval.dtype or \
            lhs.aval.dtype not in _BLAS_DTYPES or out.dtype != lhs.aval.dtype or \
            (pref is not None and np.dtype(pref) != out.dtype):
        return None
    nl, nr = len(lhs.aval.shape), len(rhs.aval.shape)
    if nl not in (1, 2) or nr not in (1, 2):
        return None
    a = ins[0] if nl == 1 or lc[0] == 1 else f"{ins[0]}.T"
    b = ins[1] if nr == 1 or rc[0] == 0 else f"{ins[1]}.T"
    call = f"{ctx.fn(np.matmul)}({a}, {b})"
    return f"{ctx.fn(np.asarray)}({call})" if out.shape == () else call


_NAMED_COMPILE_RULES: dict[str, Callable] = {
    "select_n": _select_n_rule, "integer_pow": _integer_pow_rule,
    "dot_general": _dot_general_rule,
}
_NAMED_FRESH = frozenset({"integer_pow", "dot_general"})


def _is_fresh_rule_result(eqn) -> bool:
    prim = eqn.primitive
    if prim in fresh_outputs or prim.name in _NAMED_FRESH:
        return True
    # select_n via np.where allocates; via a Python conditional it aliases an operand
    return prim.name == "select_n" and eqn.invars[0].aval.shape != ()


# -- pass 7: buffer assignment and emission ------------------------------------------------------


class _Buffers:
    """Which variables share memory, which buffers the function owns, and liveness.

    A *group* is a set of variables that may share memory (an operand and the
    views made from it).  The *roots* of a group are the variables holding a
    whole buffer this call allocated (or a proven-exclusive donated input):
    only they can be written to, and only once no member of the group is read
    again.
    """

    def __init__(self, last_use: dict):
        self.last_use = last_use
        self.group: dict = {}          # var -> group id
        self.members: dict = {}        # group id -> [vars]
        self.roots: dict = {}          # group id -> [owned root vars]
        self.pool: dict = {}           # (shape, dtype) -> [dead owned root vars]
        self._next = 0

    def new(self, v, owned: bool):
        g = self._next
        self._next += 1
        self.group[v] = g
        self.members[g] = [v]
        self.roots[g] = [v] if owned else []

    def alias(self, v, operands):
        """``v`` may share memory with any of ``operands``: merge their groups."""
        gs = sorted({self.group[x] for x in operands if _is_var(x) and x in self.group})
        if not gs:
            self.new(v, False)
            return
        g = gs[0]
        for other in gs[1:]:
            for m in self.members.pop(other):
                self.group[m] = g
                self.members[g].append(m)
            self.roots[g].extend(self.roots.pop(other))
        self.group[v] = g
        self.members[g].append(v)

    def dead_after(self, g, i: int) -> bool:
        lu = self.last_use
        return all(lu.get(m, -1) <= i for m in self.members[g])

    def release(self, operands, i: int):
        """After equation ``i``: return the owned buffers of groups that died to the pool."""
        for g in {self.group[x] for x in operands if _is_var(x) and x in self.group}:
            if g in self.members and self.dead_after(g, i):
                for r in self.roots.get(g, ()):
                    if _nbytes(r.aval) >= REUSE_MIN_BYTES:
                        self.pool.setdefault((r.aval.shape, r.aval.dtype), []).append(r)
                self.roots[g] = []

    def take(self, aval, operands, i: int):
        """A dead owned buffer of ``aval``'s shape and dtype to write into, or None."""
        if _nbytes(aval) < REUSE_MIN_BYTES:
            return None
        for x in operands:  # operands dying here first: the result stays in cache
            if not _is_var(x) or x not in self.group:
                continue
            g = self.group[x]
            if x in self.roots.get(g, ()) and x.aval.shape == aval.shape and \
                    x.aval.dtype == aval.dtype and self.dead_after(g, i):
                self.roots[g].remove(x)
                return x
        free = self.pool.get((aval.shape, aval.dtype))
        return free.pop() if free else None

    def take_operand(self, x, aval, i: int):
        """``x`` itself if it is a dead owned buffer of ``aval`` (for in-place updates)."""
        if not _is_var(x) or x not in self.group:
            return None
        g = self.group[x]
        if x in self.roots.get(g, ()) and x.aval.shape == aval.shape and \
                x.aval.dtype == aval.dtype and self.dead_after(g, i):
            self.roots[g].remove(x)
            return x
        return None


def _ok_param_name(k) -> bool:
    return isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k)


class _Emitter:
    """Assigns names and buffers and writes the source of one compiled function."""

    def __init__(self, jaxpr: Jaxpr, consts: list, owned_invars, checks: bool):
        self.jaxpr = jaxpr
        self.consts = consts
        self.owned_invars = owned_invars
        self.checks = checks
        self.lines: list[str] = []
        self.env: dict[str, Any] = {}
        self.names: dict = {}
        self._n = {"v": 0, "f": 0, "c": 0, "t": 0}
        self._fn_names: dict[int, str] = {}
        n = len(jaxpr.eqns)
        last_use: dict = {}
        for i, eqn in enumerate(jaxpr.eqns):
            for x in eqn.invars:
                if _is_var(x):
                    last_use[x] = i
        for v in jaxpr.outvars:
            if _is_var(v):
                last_use[v] = n
        self.bufs = _Buffers(last_use)
        self.scalar_ufunc_vars = self._scalar_ufunc_results_needing_arrays()

    # -- names ----------------------------------------------------------------------------
    def _fresh(self, prefix: str) -> str:
        k = self._n[prefix]
        self._n[prefix] = k + 1
        return f"{prefix}{k}"

    def name(self, v) -> str:
        if type(v) is Literal:
            return self.const(_literal_value(v))
        n = self.names.get(v)
        if n is None:
            n = self.names[v] = self._fresh("v")
        return n

    def const(self, value) -> str:
        n = self._fresh("c")
        self.env[n] = value
        return n

    def fn(self, f) -> str:
        n = self._fn_names.get(id(f))
        if n is None or self.env.get(n) is not f:
            n = self._fn_names[id(f)] = self._fresh("f")
            self.env[n] = f
        return n

    def _scalar_ufunc_results_needing_arrays(self) -> set:
        """0-d ufunc results (NumPy scalars) read by non-ufunc code need ``np.asarray``."""
        need = set()
        for eqn in self.jaxpr.eqns:
            if _ufunc_for(eqn) is None:
                need.update(x for x in eqn.invars if _is_var(x) and x.aval.shape == ())
        return need

    # -- emission -----------------------------------------------------------------------------
    def emit_body(self) -> list[str]:
        jaxpr = self.jaxpr
        for v, c in zip(jaxpr.constvars, self.consts, strict=True):
            self.names[v] = self.const(c)
            self.bufs.new(v, False)
        for v, owned in zip(jaxpr.invars, self.owned_invars, strict=True):
            self.name(v)
            self.bufs.new(v, bool(owned))
        for i, eqn in enumerate(jaxpr.eqns):
            self.emit_eqn(i, eqn)
            self.bufs.release(eqn.invars, i)
            if self.checks:
                self._emit_checks(eqn)
        return self.lines

    def emit_eqn(self, i: int, eqn: JaxprEqn):
        prim = eqn.primitive
        if prim.impl is None:
            raise NotImplementedError(f"jit: primitive '{prim.name}' has no implementation")
        ins = [self.name(x) for x in eqn.invars]
        outs = ["_" if type(v) is DropVar else self.name(v) for v in eqn.outvars]
        if prim.multiple_results:
            lhs = (", ".join(outs) + ",") if outs else "_"
        else:
            lhs = outs[0]
        if not prim.multiple_results and self._emit_ufunc(i, eqn, ins, lhs):
            return
        if not prim.multiple_results and self._emit_inplace(i, eqn, ins, lhs):
            return
        rule = compile_rules.get(prim) or _NAMED_COMPILE_RULES.get(prim.name)
        expr = rule(self, eqn, ins) if rule is not None else None
        if expr is not None:
            self.lines.append(f"{lhs} = {expr}")
            fresh = _is_fresh_rule_result(eqn)
        else:
            self.lines.append(f"{lhs} = {self._call(prim.impl, ins, eqn.params)}")
            fresh = prim in fresh_outputs
        for v in eqn.outvars:
            if fresh:
                self.bufs.new(v, True)
            else:
                self.bufs.alias(v, eqn.invars)

    def _call(self, f, ins, params) -> str:
        if all(_ok_param_name(k) for k in params):
            kw = [f"{k}={self.const(p)}" for k, p in params.items()]
            return f"{self.fn(f)}({', '.join([*ins, *kw])})"
        return f"{self.fn(functools.partial(f, **params))}({', '.join(ins)})"

    def _emit_ufunc(self, i, eqn, ins, lhs) -> bool:
        ufunc = _ufunc_for(eqn)
        if ufunc is None:
            return False
        out_v = eqn.outvars[0]
        target = self.bufs.take(out_v.aval, eqn.invars, i)
        f = self.fn(ufunc)
        if target is not None:
            self.lines.append(f"{lhs} = {f}({', '.join(ins)}, out={self.name(target)})")
        elif out_v in self.scalar_ufunc_vars:
            self.lines.append(f"{lhs} = {self.fn(np.asarray)}({f}({', '.join(ins)}))")
        else:
            self.lines.append(f"{lhs} = {f}({', '.join(ins)})")
        self.bufs.new(out_v, True)
        return True

    def _emit_inplace(self, i, eqn, ins, lhs) -> bool:
        impl = inplace_impls.get(eqn.primitive)
        if impl is None or not eqn.invars:
            return False
        target = self.bufs.take_operand(eqn.invars[0], eqn.outvars[0].aval, i)
        if target is None:
            return False
        self.lines.append(f"{lhs} = {self._call(impl, ins, eqn.params)}")
        self.bufs.new(eqn.outvars[0], True)
        return True

    def _emit_checks(self, eqn):
        check = self.fn(_check_result)
        prim = self.const(eqn.primitive.name)
        for v in eqn.outvars:
            if type(v) is not DropVar:
                self.lines.append(f"{check}({self.name(v)}, {self.const(v.aval)}, {prim})")


def _check_result(value, aval, prim_name):
    """``jax_enable_checks``: an impl's result must match the primitive's abstract eval."""
    shape = np.shape(value)
    dtype = getattr(value, "dtype", None)
    if shape != aval.shape or dtype != aval.dtype:
        raise errors.JaxprTypeError(
            f"jit: the implementation of '{prim_name}' returned {dtype}{list(shape)}, but its "
            f"abstract evaluation says {aval.str_short(short_dtypes=False)}")


def _dead_array(a):
    a._check_live()


def _generate(jaxpr: Jaxpr, consts: list, owned_invars, checks: bool, out_weak):
    """Source and globals of ``compiled`` (NumPy in/out) and ``compiled_arrays``."""
    em = _Emitter(jaxpr, consts, owned_invars, checks)
    body = em.emit_body() or ["pass"]
    args = [em.name(v) for v in jaxpr.invars]
    outs = [em.name(v) for v in jaxpr.outvars]
    out_list = f"[{', '.join(outs)}{',' if len(outs) == 1 else ''}]"
    src = [f"def compiled({', '.join(args)}):"]
    src += [f"    {line}" for line in body]
    src.append(f"    return {out_list}")
    env = em.env
    # warnings issued from generated code are attributed to this module name (see
    # NOTE[fp-warnings] in backend/dispatch.py)
    env["__name__"] = "pyjax._src.backend.jit_code"
    env.update(_Arr=ArrayImpl, _np=_to_np, _np_copy=_to_np_copy, _scalar=_scalar_to_np,
               _dead=_dead_array, _asarray=np.asarray)
    params = [f"a{k}" for k in range(len(args))]
    src.append("")
    src.append("def compiled_arrays(args):")
    if params:
        src.append(f"    {', '.join(params)}, = args")
    aliased = _inputs_aliased_by_outputs(jaxpr, em.bufs)
    for k, (a, v, var) in enumerate(zip(params, args, jaxpr.invars)):
        src.append(f"    if type({a}) is _Arr:")
        src.append(f"        {v} = {a}._value")
        src.append(f"        if {v} is None: _dead({a})")
        src.append("    else:")
        if k in aliased:  # an output may be a view of it: don't share a mutable buffer
            src.append(f"        {v} = _np_copy({a})")
        elif var.aval.shape == ():
            src.append(f"        {v} = _scalar({a}, {em.const(var.aval.dtype)})")
        else:
            src.append(f"        {v} = _np({a})")
    src += [f"    {line}" for line in body]
    wrapped = []
    for v, name, w in zip(jaxpr.outvars, outs, out_weak, strict=True):
        val = name if v.aval.shape != () else f"_asarray({name})"
        wrapped.append(f"_Arr({val}, {bool(w)})")
    src.append(f"    return [{', '.join(wrapped)}]")
    return "\n".join(src) + "\n", env


def _to_np(x):
    return to_numpy(x)[0]


def _to_np_copy(x):
    return np.array(to_numpy(x)[0], copy=True)


def _inputs_aliased_by_outputs(jaxpr: Jaxpr, bufs) -> set:
    """Indices of inputs whose memory some output may share (the output is a view)."""
    out_groups = {bufs.group[v] for v in jaxpr.outvars if _is_var(v) and v in bufs.group}
    return {k for k, v in enumerate(jaxpr.invars) if bufs.group.get(v) in out_groups}


_PY_SCALARS = (float, int, bool, complex)


def _scalar_to_np(x, dtype):
    """A scalar argument as a 0-d array of the traced dtype (fast for Python scalars)."""
    if type(x) in _PY_SCALARS:
        try:
            return np.array(x, dtype)
        except OverflowError:
            pass
    return to_numpy(x)[0]


# -- executables --------------------------------------------------------------------------------


def _usable_donations(in_avals, out_avals, donated) -> tuple:
    """Indices of donated inputs that some output (same shape and dtype) can take over."""
    free = [(a.shape, a.dtype) for a in out_avals]
    usable = []
    for i, (a, d) in enumerate(zip(in_avals, donated)):
        if d and (a.shape, a.dtype) in free:
            free.remove((a.shape, a.dtype))
            usable.append(i)
    return tuple(usable)


class Executable:
    """A compiled jaxpr.

    ``call_arrays(args) -> list[ArrayImpl]`` takes pyjax arrays, NumPy values or
    Python scalars; ``exe(*np_args) -> list[np.ndarray]`` is the NumPy-level entry.
    ``source`` is the generated Python.

    Compiled with ``donated_invars``, ``call_arrays`` writes into donated Arrays'
    buffers when it can prove them exclusive, and ``call_numpy_owned(*np_args)``
    always may: for callers (loop drivers) that own the donated NumPy inputs,
    e.g. a loop carry nobody else references.
    """

    def __init__(self, closed_jaxpr: ClosedJaxpr, donated_invars=None):
        if not _blas_configured:
            set_blas_threads()
        self.in_avals = list(closed_jaxpr.in_avals)
        self.out_avals = list(closed_jaxpr.out_avals)
        self._donated = None
        if not config.jax_pyjax_compiler:
            self._interpret(closed_jaxpr)
            return
        jaxpr, consts = optimize(closed_jaxpr)
        self.jaxpr, self.consts = jaxpr, consts
        checks = bool(config.jax_enable_checks)
        n = len(jaxpr.invars)
        weak = [a.weak_type for a in self.out_avals]
        row_plan = chunking.plan(jaxpr)
        if row_plan is not None:
            runner = _BlockedRunner(jaxpr, consts, row_plan, checks, weak)
            self.source = runner.source
            self._fn, self.call_arrays = runner.run, runner.call_arrays
        else:
            self.source, fn, fn_arrays = self._build(jaxpr, consts, (False,) * n, checks, weak)
            self._fn, self.call_arrays = fn, fn_arrays
        if donated_invars is not None and any(donated_invars):
            self._setup_donation(tuple(bool(d) for d in donated_invars), checks, weak,
                                 blocked=row_plan is not None)

    def _interpret(self, closed_jaxpr):
        """``jax_pyjax_compiler=False``: evaluate the jaxpr equation by equation (debugging)."""
        from pyjax._src.core.jaxpr import eval_jaxpr
        from pyjax._src.core.trace import eval_trace, set_current_trace
        self.jaxpr, self.consts = closed_jaxpr.jaxpr, closed_jaxpr.consts
        self.source = "# interpreted equation by equation (jax_pyjax_compiler=False)\n"
        weak = [a.weak_type for a in self.out_avals]

        def run(*vals):
            with set_current_trace(eval_trace):
                return eval_jaxpr(self.jaxpr, self.consts, *vals)

        def call_arrays(args):
            outs = run(*_unwrap_args(args, self.in_avals))
            return [o if type(o) is ArrayImpl else ArrayImpl(np.asarray(o), w)
                    for o, w in zip(outs, weak)]
        self._fn, self.call_arrays = (lambda *v: [np.asarray(o) for o in run(*v)]), call_arrays

    @staticmethod
    def _build(jaxpr, consts, owned, checks, weak):
        src, env = _generate(jaxpr, consts, owned, checks, weak)
        code = compile(src, "<pyjax-jit>", "exec")
        exec(code, env)  # noqa: S102 -- the source holds generated identifiers only
        return src, env["compiled"], env["compiled_arrays"]

    def _setup_donation(self, donated, checks, weak, blocked: bool):
        self._donated = donated
        self._delete = _usable_donations(self.in_avals, self.out_avals, donated)
        self._fn_arrays_plain = self._fn_arrays_donating = self.call_arrays
        self.call_numpy_owned = self._fn
        if not blocked:  # row blocks write fresh outputs; donation then only deletes
            src, fn_np, fn = self._build(self.jaxpr, self.consts, donated, checks, weak)
            self.source_donated = src
            self._fn_arrays_donating = fn
            self.call_numpy_owned = fn_np
        self.call_arrays = self._call_donating

    def _call_donating(self, args) -> list:
        """Write into donated buffers only if nobody else can see them; delete afterwards."""
        exclusive = True
        for i, d in enumerate(self._donated):
            if not d:
                continue
            a = args[i]
            if type(a) is not ArrayImpl:
                exclusive = False
                continue
            if i in self._delete and sum(b is a for b in args) > 1:
                raise errors.JaxRuntimeError(
                    f"INVALID_ARGUMENT: Attempt to use a buffer that was previously donated in "
                    f"the same call to Execute() (flattened argument "
                    f"{[k for k, b in enumerate(args) if b is a][1]}, replica 0, partition 0, "
                    f"first use: {i}). Toy example for this bug: `f(donate(a), a)`.")
            if not _exclusively_owned(a):
                exclusive = False
        fn = self._fn_arrays_donating if exclusive else self._fn_arrays_plain
        try:
            return fn(args)
        finally:
            for i in self._delete:
                a = args[i]
                if type(a) is ArrayImpl:
                    a.delete()

    def __call__(self, *args):
        vals = [a._value if type(a) is ArrayImpl else to_numpy(a)[0] for a in args]
        return self._fn(*vals)


def _unwrap_args(args, avals) -> list:
    vals = []
    for a, aval in zip(args, avals, strict=True):
        if type(a) is ArrayImpl:
            v = a._value
            if v is None:
                a._check_live()
        elif aval.shape == ():
            v = _scalar_to_np(a, aval.dtype)
        else:
            v = _to_np(a)
        vals.append(v)
    return vals


_pool = None
_pool_lock = threading.Lock()


def _block_workers() -> int:
    """Threads for row blocks: ``PYJAX_BLOCK_THREADS``, else half the usable cores.

    Same policy as ``set_blas_threads``: with other processes busy, extra threads
    only add overhead (measured on 2 cores under load: +20% CPU, no wall gain).
    """
    env = os.environ.get("PYJAX_BLOCK_THREADS")
    if env:
        return max(1, int(env))
    return _default_threads()


def _default_threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


def _block_pool():
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                from concurrent.futures import ThreadPoolExecutor
                _pool = ThreadPoolExecutor(max(1, _block_workers() - 1),
                                           thread_name_prefix="pyjax-blocks")
    return _pool


class _BlockedRunner:
    """Runs a row-separable program in blocks of rows (see ``chunking.py``)."""

    def __init__(self, jaxpr: Jaxpr, consts, row_plan, checks: bool, weak):
        self.n, self.rows = row_plan.n, row_plan.rows
        self.in_avals = [v.aval for v in jaxpr.invars]
        self.out_avals = [v.aval for v in jaxpr.outvars]
        self.weak = [bool(w) for w in weak]
        self.mapped = [v in row_plan.mapped for v in jaxpr.invars]
        owned = (False,) * len(jaxpr.invars)
        block = chunking.block_jaxpr(jaxpr, row_plan, self.rows)
        src, env = _generate(block, consts, owned, checks, weak)
        exec(compile(src, "<pyjax-jit>", "exec"), env)  # noqa: S102 -- generated names only
        self.block_fn = env["compiled"]
        self.rest_fn = self.block_fn
        rest = self.n % self.rows
        if rest:
            rsrc, renv = _generate(chunking.block_jaxpr(jaxpr, row_plan, rest), consts, owned,
                                   checks, weak)
            exec(compile(rsrc, "<pyjax-jit>", "exec"), renv)  # noqa: S102
            self.rest_fn = renv["compiled"]
        self.source = (f"# {self.n} rows, run in blocks of {self.rows} rows by "
                       f"compiled(row block)\n" + src)

    def _run_range(self, vals, outs, lo: int, hi: int):
        rows, mapped = self.rows, self.mapped
        for start in range(lo, hi, rows):
            stop = start + rows
            fn = self.block_fn if stop <= self.n else self.rest_fn
            res = fn(*[v[start:stop] if m else v for v, m in zip(vals, mapped)])
            for o, r in zip(outs, res):
                o[start:stop] = r

    def run(self, *vals) -> list:
        outs = [np.empty(a.shape, a.dtype) for a in self.out_avals]
        workers = _block_workers()
        n_blocks = -(-self.n // self.rows)
        if workers <= 1 or n_blocks < 2 * workers:
            self._run_range(vals, outs, 0, self.n)
            return outs
        # contiguous ranges of blocks, one per worker; NumPy releases the GIL in its loops
        per = -(-n_blocks // workers) * self.rows
        futures = [_block_pool().submit(self._run_range, vals, outs, lo, min(lo + per, self.n))
                   for lo in range(per, self.n, per)]
        self._run_range(vals, outs, 0, min(per, self.n))
        for fut in futures:
            fut.result()
        return outs

    def call_arrays(self, args) -> list:
        outs = self.run(*_unwrap_args(args, self.in_avals))
        return [ArrayImpl(o, w) for o, w in zip(outs, self.weak)]


# refs to the NumPy array inside _exclusively_owned: ArrayImpl._value, the local `v`,
# and getrefcount's own argument
_EXCLUSIVE_REFCOUNT = 3


def _exclusively_owned(a: ArrayImpl) -> bool:
    """Whether ``a``'s buffer is referenced by ``a`` alone (no view, no other Array)."""
    v = a._value
    if v is None or not v.flags.owndata or sys.getrefcount(v) != _EXCLUSIVE_REFCOUNT:
        return False
    if not v.flags.writeable:
        try:
            v.flags.writeable = True
        except ValueError:
            return False
    return True


_cache: "weakref.WeakKeyDictionary[ClosedJaxpr, dict]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


# (closed_jaxpr, donated) -> executable, or None when the jaxpr has no extended dtypes (typed
# PRNG keys); such jaxprs are compiled on their physical data (set by random/physical.py)
extended_executable: Callable | None = None


def compiled_callable(closed_jaxpr: ClosedJaxpr, donated_invars=None) -> Executable:
    """The (cached) executable of ``closed_jaxpr``."""
    donated = tuple(bool(d) for d in donated_invars) if donated_invars and any(
        donated_invars) else ()
    key = (donated, bool(config.jax_enable_checks), bool(config.jax_pyjax_compiler))
    per_jaxpr = _cache.get(closed_jaxpr)
    if per_jaxpr is not None:
        exe = per_jaxpr.get(key)
        if exe is not None:
            return exe
    exe = extended_executable and extended_executable(closed_jaxpr, donated or None)
    if exe is None:
        exe = Executable(closed_jaxpr, donated or None)
    with _lock:
        per_jaxpr = _cache.get(closed_jaxpr)
        if per_jaxpr is None:
            per_jaxpr = _cache[closed_jaxpr] = {}
        return per_jaxpr.setdefault(key, exe)


def clear_compile_cache() -> None:
    """Forget every compiled executable."""
    with _lock:
        _cache.clear()
