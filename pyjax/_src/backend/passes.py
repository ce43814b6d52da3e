"""The jaxpr passes of the jit compiler (``compiler.py`` emits the result).

    optimize : ClosedJaxpr -> (Jaxpr, consts)

  1. ``inline_calls``: nested ``jit`` equations are replaced by their bodies;
  2. ``simplify``: forwarding and peepholes — no-op conversions/reshapes/transposes
     forward their operand, ``select_n`` with a literal predicate picks its case,
     ``transpose(dot_general(a, b))`` becomes ``dot_general(b, a)``, and a
     ``transpose`` feeding ``dot_general`` is folded into its dimension numbers;
  3. ``fold_constants``: equations whose operands are all known (literals,
     consts, earlier folds) are evaluated once, at compile time, when the result
     is small (``FOLD_MAX_BYTES``); scalar results become literals;
  4. ``dce``: dead-code elimination keeping effectful equations (a primitive with
     ``has_side_effects``, or one whose sub-jaxprs contain such equations);
  5. ``cse``: an equation identical to an earlier one (primitive, operands,
     params) reuses its result (effectful equations never merge);
  6. ``forward_broadcasts``: a ``broadcast_in_dim`` feeding NumPy ufuncs is
     dropped where NumPy's own broadcasting gives the same result;
  7. ``simplify_arithmetic``: exact algebraic rewrites (multiplication by one,
     negations pushed into a ``sub`` or cancelled, ``x + x``; NOTE[exact-rewrites]),
     then CSE again (it treats the operands of commutative primitives as unordered);
  8. ``sink_equations``: pure equations move down to their first use when that
     shortens buffer lifetimes (reverse mode's residuals).

Each pass is the usual loop over equations with a ``_Renamer`` substitution.

The extension tables (documented in ``compiler.py``, which re-exports them) live
here because the passes read them: ``compile_rules``, ``ufunc_rules``,
``inplace_impls``, ``fresh_outputs``, ``no_fold``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from pyjax._src.backend.array import ArrayImpl
from pyjax._src.core.jaxpr import ClosedJaxpr, DropVar, Jaxpr, JaxprEqn, Literal, Var

FOLD_MAX_BYTES = 64 * 1024    # constant folding never creates larger constants

# -- extension tables (see compiler.py) -----------------------------------------------------
compile_rules: dict = {}
ufunc_rules: dict = {}
inplace_impls: dict = {}
fresh_outputs: set = set()
no_fold: set = set()

# primitives that must not be folded or merged, by name (callbacks, randomness of state)
_NO_FOLD_NAMES = frozenset({"pure_callback", "io_callback", "debug_callback", "debug_print",
                            "rng_uniform", "rng_bit_generator"})



# -- small helpers -------------------------------------------------------------------------------


def _nbytes(aval) -> int:
    n = 1
    for d in aval.shape:
        n *= d
    return n * aval.dtype.itemsize


def _is_var(x) -> bool:
    return type(x) is not Literal


def _literal_value(lit: Literal):
    return np.asarray(lit.val, dtype=lit.aval.dtype)


def _subjaxprs(params: dict):
    for p in params.values():
        for sub in (p if isinstance(p, (tuple, list)) else (p,)):
            if isinstance(sub, ClosedJaxpr):
                yield sub.jaxpr
            elif isinstance(sub, Jaxpr):
                yield sub


def eqn_has_effects(eqn: JaxprEqn) -> bool:
    """An equation is effectful if its primitive is, or any equation of a sub-jaxpr is."""
    if getattr(eqn.primitive, "has_side_effects", False):
        return True
    return any(jaxpr_has_effects(j) for j in _subjaxprs(eqn.params))


def jaxpr_has_effects(jaxpr: Jaxpr) -> bool:
    return any(eqn_has_effects(e) for e in jaxpr.eqns)


class _Renamer:
    """Var -> atom substitution used by every rewriting pass."""

    __slots__ = ("env",)

    def __init__(self):
        self.env: dict = {}

    def __call__(self, x):
        if type(x) is Literal:
            return x
        return self.env.get(x, x)

    def set(self, v, atom):
        self.env[v] = atom


# -- pass 1: inlining ------------------------------------------------------------------------------


def inline_calls(jaxpr: Jaxpr, consts: list) -> tuple[Jaxpr, list]:
    """Replace ``jit`` equations by the equations of their (closed) jaxprs, recursively."""
    from pyjax._src.lax.call import jit_p  # lazy: lax sits above the backend
    if not any(e.primitive is jit_p for e in jaxpr.eqns):
        return jaxpr, consts
    new_consts = list(consts)
    constvars = list(jaxpr.constvars)
    eqns: list[JaxprEqn] = []
    sub = _Renamer()
    for eqn in jaxpr.eqns:
        if eqn.primitive is not jit_p:
            eqns.append(eqn.replace(invars=[sub(x) for x in eqn.invars]))
            continue
        inner = eqn.params["jaxpr"]
        inner_jaxpr, inner_consts = inline_calls(inner.jaxpr, inner.consts)
        for v, c in zip(inner_jaxpr.constvars, inner_consts, strict=True):
            nv = Var(v.aval)
            constvars.append(nv)
            new_consts.append(_const_value(c, v.aval))
            sub.set(v, nv)
        for v, x in zip(inner_jaxpr.invars, eqn.invars, strict=True):
            sub.set(v, sub(x))
        for ie in inner_jaxpr.eqns:
            eqns.append(ie.replace(invars=[sub(x) for x in ie.invars]))
        for ov, iv in zip(eqn.outvars, inner_jaxpr.outvars, strict=True):
            sub.set(ov, sub(iv))
    outvars = [sub(v) for v in jaxpr.outvars]
    return jaxpr.replace(constvars=constvars, eqns=eqns, outvars=outvars), new_consts


# -- pass 2: forwarding and peepholes ---------------------------------------------------------


def _forward_operand(eqn: JaxprEqn):
    """The operand an equation merely passes through (a no-op), or None."""
    name = eqn.primitive.name
    params = eqn.params
    if eqn.primitive.multiple_results or not eqn.invars:
        return None
    x = eqn.invars[0]
    out_aval = eqn.outvars[0].aval
    same = x.aval.shape == out_aval.shape and x.aval.dtype == out_aval.dtype
    if name == "convert_element_type" and same:
        return x
    if name == "copy" and same:
        return x
    if name == "integer_pow" and params.get("y") == 1:
        return x
    if name == "transpose" and tuple(params.get("permutation", ())) == tuple(
            range(len(x.aval.shape))):
        return x
    if name in ("reshape", "squeeze", "expand_dims") and same and \
            params.get("dimensions") in (None, ()) and name != "expand_dims":
        return x
    if name == "broadcast_in_dim" and same and tuple(params.get("broadcast_dimensions", ())) \
            == tuple(range(len(out_aval.shape))):
        return x
    if name == "select_n" and type(x) is Literal and len(eqn.invars) > 1:
        case = int(np.asarray(x.val))
        if 0 <= case < len(eqn.invars) - 1:
            return eqn.invars[1 + case]
    return None


def _free_dims_increasing(perm, ndim, contract, batch) -> bool:
    free = [perm[d] for d in range(ndim) if d not in contract and d not in batch]
    return free == sorted(free)


def _fold_transpose_into_dot(eqn: JaxprEqn, producers: dict):
    """``dot_general(transpose(x), y)`` -> ``dot_general(x, y)`` with permuted dimensions."""
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    invars = list(eqn.invars)
    dims = [[tuple(lc), tuple(lb)], [tuple(rc), tuple(rb)]]
    changed = False
    for side in (0, 1):
        x = invars[side]
        prod = producers.get(x) if _is_var(x) else None
        if prod is None or prod.primitive.name != "transpose":
            continue
        perm = tuple(prod.params["permutation"])
        contract, batch = dims[side]
        if not _free_dims_increasing(perm, len(perm), contract, batch):
            continue
        dims[side] = [tuple(perm[d] for d in contract), tuple(perm[d] for d in batch)]
        invars[side] = prod.invars[0]
        changed = True
    if not changed:
        return eqn
    dn = ((dims[0][0], dims[1][0]), (dims[0][1], dims[1][1]))
    return eqn.replace(invars=invars, params=dict(eqn.params, dimension_numbers=dn))


def _transposed_dot(eqn: JaxprEqn, producers: dict):
    """``transpose(dot_general(a, b))`` -> ``dot_general(b, a)`` when that is the same.

    Reverse-mode matmuls come out as transposed dots; computing the swapped dot
    instead gives a C-contiguous result, and later elementwise work on it runs
    at full speed instead of striding through a transposed view.
    """
    x = eqn.invars[0]
    prod = producers.get(x) if _is_var(x) else None
    if prod is None or prod.primitive.name != "dot_general" or \
            "dimension_numbers" not in prod.params:
        return None
    (lc, rc), (lb, rb) = prod.params["dimension_numbers"]
    lhs, rhs = prod.invars
    nb = len(lb)
    n_lf = len(lhs.aval.shape) - nb - len(lc)
    n_rf = len(rhs.aval.shape) - nb - len(rc)
    swapped = (tuple(range(nb)) + tuple(range(nb + n_lf, nb + n_lf + n_rf)) +
               tuple(range(nb, nb + n_lf)))
    if tuple(eqn.params["permutation"]) != swapped:
        return None
    params = dict(prod.params, dimension_numbers=((tuple(rc), tuple(lc)), (tuple(rb),
                                                                         tuple(lb))))
    return JaxprEqn([rhs, lhs], list(eqn.outvars), prod.primitive, params, eqn.source_info)


def simplify(jaxpr: Jaxpr) -> Jaxpr:
    """Forward no-op equations and apply local peepholes."""
    sub = _Renamer()
    producers: dict = {}
    eqns = []
    for eqn in jaxpr.eqns:
        eqn = eqn.replace(invars=[sub(x) for x in eqn.invars])
        fwd = _forward_operand(eqn)
        if fwd is not None:
            sub.set(eqn.outvars[0], fwd)
            continue
        if eqn.primitive.name == "transpose":
            eqn = _transposed_dot(eqn, producers) or eqn
        if eqn.primitive.name == "dot_general" and "dimension_numbers" in eqn.params:
            eqn = _fold_transpose_into_dot(eqn, producers)
        for v in eqn.outvars:
            producers[v] = eqn
        eqns.append(eqn)
    return jaxpr.replace(eqns=eqns, outvars=[sub(v) for v in jaxpr.outvars])


# -- pass 3: constant folding ------------------------------------------------------------------


def _foldable(eqn: JaxprEqn) -> bool:
    prim = eqn.primitive
    if prim.impl is None or prim in no_fold or prim.name in _NO_FOLD_NAMES:
        return False
    if any(True for _ in _subjaxprs(eqn.params)) or eqn_has_effects(eqn):
        return False
    return all(_nbytes(v.aval) <= FOLD_MAX_BYTES for v in eqn.outvars)


def _eval_eqn(eqn: JaxprEqn, vals: list):
    """The eqn's outputs as NumPy arrays of its avals' types, or None (leave it to run)."""
    try:
        with np.errstate(all="ignore"):
            out = eqn.primitive.impl(*vals, **eqn.params)
    except Exception:  # noqa: BLE001 -- it will run (and raise) at call time instead
        return None
    outs = [np.asarray(o) for o in (out if eqn.primitive.multiple_results else [out])]
    if len(outs) != len(eqn.outvars) or any(
            o.shape != v.aval.shape or o.dtype != v.aval.dtype
            for o, v in zip(outs, eqn.outvars)):
        return None
    return outs


def fold_constants(jaxpr: Jaxpr, consts: list) -> tuple[Jaxpr, list]:
    """Evaluate equations whose operands are all known, once, at compile time.

    Scalar results become literals; others become new constants.
    """
    known: dict = {v: c for v, c in zip(jaxpr.constvars, consts)
                   if type(c) is np.ndarray or isinstance(c, np.generic)}
    constvars, new_consts = list(jaxpr.constvars), list(consts)
    sub = _Renamer()
    eqns = []
    for eqn in jaxpr.eqns:
        eqn = eqn.replace(invars=[sub(x) for x in eqn.invars])
        if _foldable(eqn) and all(type(x) is Literal or x in known for x in eqn.invars):
            outs = _eval_eqn(eqn, [_literal_value(x) if type(x) is Literal else known[x]
                                   for x in eqn.invars])
            if outs is not None:
                for v, o in zip(eqn.outvars, outs):
                    if type(v) is DropVar:
                        continue
                    if o.shape == () and o.dtype.kind in "biufc":
                        sub.set(v, Literal(o, v.aval))
                    else:
                        known[v] = o
                        constvars.append(v)
                        new_consts.append(o)
                continue
        eqns.append(eqn)
    return (jaxpr.replace(constvars=constvars, eqns=eqns, outvars=[sub(v) for v in
                                                                    jaxpr.outvars]),
            new_consts)


# -- passes 4 and 5: DCE and CSE ---------------------------------------------------------------


def dce(jaxpr: Jaxpr) -> Jaxpr:
    """Drop equations whose results are unused, keeping effectful ones."""
    live = {v for v in jaxpr.outvars if _is_var(v)}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if any(v in live for v in eqn.outvars) or eqn_has_effects(eqn):
            kept.append(eqn)
            live.update(x for x in eqn.invars if _is_var(x))
    kept.reverse()
    constvars = [v for v in jaxpr.constvars if v in live]
    return jaxpr.replace(eqns=kept, constvars=constvars), constvars


def _params_key(params: dict):
    try:
        key = tuple(sorted(params.items()))
        hash(key)
        return key
    except TypeError:
        return None


def _operand_key(x):
    if type(x) is Literal:
        val = np.asarray(x.val)
        return ("lit", val.dtype, val.item(), x.aval.dtype, x.aval.weak_type)
    return x


# Operand order does not change these results, bit for bit (IEEE sums and products
# commute; max/min are left out: NumPy's sign of a zero result depends on the order).
_COMMUTATIVE = frozenset({"mul", "add", "add_any", "and", "or", "xor", "eq", "ne"})


def _operand_order(k) -> tuple:
    # any fixed order will do (equal operand pairs must come out equal): a literal's key
    # hashes by value; a hash collision only costs a missed merge
    return (0, id(k)) if type(k) is Var else (1, hash(k))


def _operands_key(eqn: JaxprEqn) -> tuple:
    keys = tuple(_operand_key(x) for x in eqn.invars)
    if len(keys) == 2 and eqn.primitive.name in _COMMUTATIVE and not eqn.params and \
            _operand_order(keys[1]) < _operand_order(keys[0]):
        return (keys[1], keys[0])  # mul(a, b) and mul(b, a) merge
    return keys


def cse(jaxpr: Jaxpr) -> Jaxpr:
    """Reuse the result of an identical earlier equation (effect-free equations only).

    Operands of commutative primitives are compared as an unordered pair:
    reverse mode produces both ``mul(ct, y)`` and ``mul(y, ct)`` (``mul``'s two
    transpose rules), which then cost a single pass.
    """
    seen: dict = {}
    sub = _Renamer()
    eqns = []
    for eqn in jaxpr.eqns:
        eqn = eqn.replace(invars=[sub(x) for x in eqn.invars])
        pkey = None if eqn_has_effects(eqn) else _params_key(eqn.params)
        if pkey is not None:
            key = (eqn.primitive, _operands_key(eqn), pkey)
            try:
                prev = seen.get(key)
            except TypeError:  # an unhashable literal value
                prev, key = None, None
            if prev is not None:
                for v, pv in zip(eqn.outvars, prev.outvars, strict=True):
                    sub.set(v, pv)
                continue
            if key is not None:
                seen[key] = eqn
        eqns.append(eqn)
    return jaxpr.replace(eqns=eqns, outvars=[sub(v) for v in jaxpr.outvars])


# -- pass 6: broadcast forwarding -----------------------------------------------------------------


def _ufunc_for(eqn: JaxprEqn):
    """The ufunc an equation is exactly equivalent to (enabling ``out=``), or None."""
    prim = eqn.primitive
    rule = ufunc_rules.get(prim) or _NAMED_UFUNC_RULES.get(prim.name)
    if rule is not None:
        u = rule(eqn)
        if u is not None:
            return u
    impl = prim.impl
    if isinstance(impl, np.ufunc) and impl.nout == 1 and not eqn.params and \
            impl.nin == len(eqn.invars):
        return impl
    return None


def _numpy_broadcastable(src_shape, shape, dims) -> bool:
    """Whether NumPy's right-aligned broadcasting of ``src`` gives ``broadcast_in_dim``."""
    k = len(src_shape)
    return tuple(dims) == tuple(range(len(shape) - k, len(shape)))


def forward_broadcasts(jaxpr: Jaxpr) -> Jaxpr:
    """Let NumPy broadcast instead of materializing ``broadcast_in_dim`` for ufuncs."""
    bcasts = {}
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "broadcast_in_dim" and eqn.invars and \
                _numpy_broadcastable(eqn.invars[0].aval.shape, eqn.params["shape"],
                                     eqn.params["broadcast_dimensions"]):
            bcasts[eqn.outvars[0]] = eqn.invars[0]
    if not bcasts:
        return jaxpr
    outset = {v for v in jaxpr.outvars if _is_var(v)}
    eqns = []
    for eqn in jaxpr.eqns:
        if any(_is_var(x) and x in bcasts for x in eqn.invars) and _ufunc_for(eqn) is not None:
            new_invars = [bcasts[x] if _is_var(x) and x in bcasts and x not in outset else x
                          for x in eqn.invars]
            shapes = [x.aval.shape for x in new_invars]
            try:
                ok = np.broadcast_shapes(*shapes) == eqn.outvars[0].aval.shape
            except ValueError:
                ok = False
            if ok:
                eqn = eqn.replace(invars=new_invars)
        eqns.append(eqn)
    return jaxpr.replace(eqns=eqns)


# -- pass 7: arithmetic simplification ------------------------------------------------------------
# NOTE[exact-rewrites]: every rewrite here gives bit-identical results (sign of zero included)
# to running the equations as written, so jit stays equal to eager:
#   mul(x, 1) -> x            (not complex: NumPy's complex product turns inf * 1 into nan)
#   div(x, 1) -> x
#   mul(x, -1) -> neg(x)      (not complex)
#   neg(neg(x)) -> x
#   mul(neg(x), y) -> neg(mul(x, y))  and the same for div (real floats; for integers only
#                              mul: truncating division of INT_MIN by -1 wraps), pushing
#                              a negation towards a consumer that can absorb it:
#   add(x, neg(y)) -> sub(x, y),  add(neg(x), y) -> sub(y, x),  sub(x, neg(y)) -> add(x, y)
#   add(x, x) -> mul(x, 2)    (not complex; reads one operand instead of two)
#   integer_pow(x, -n) -> div(1, integer_pow(x, n))   (inexact x: what the impl computes)
# Not rewritten, because the sign of a zero result would change: x + 0, neg(x) + neg(y),
# neg(x) - y, reduce_sum(neg(x)), and the complex cases above.
# A negation is only pushed when the neg's result has no other use (it then dies), so no
# rewrite ever adds a pass over memory.  Reverse mode is where these shapes come from: the
# cotangent seed of reduce_sum is a broadcast 1.0, and the JVP rules of cos and of div
# (JAX's, which must print as JAX's) negate tangents that are multiplied further down.


def _splat_value(x, producers: dict, consts: dict):
    """The one value every element of ``x`` has, when it is known at compile time, or None."""
    for _ in range(8):  # through a few broadcasts of broadcasts
        if type(x) is Literal:
            val = np.asarray(x.val)
            return val.item() if val.size == 1 else None
        c = consts.get(x)
        if c is not None:
            c = np.asarray(c)
            # a folded broadcast is a zero-stride view; other constants are not scanned
            return c.flat[0] if c.size >= 1 and not any(c.strides) else None
        prod = producers.get(x)
        if prod is None or prod.primitive.name != "broadcast_in_dim":
            return None
        x = prod.invars[0]
    return None


def _same_type(x, v) -> bool:
    return x.aval.shape == v.aval.shape and x.aval.dtype == v.aval.dtype


def _use_counts(jaxpr: Jaxpr) -> dict:
    uses: dict = {}
    for eqn in jaxpr.eqns:
        for x in eqn.invars:
            if _is_var(x):
                uses[x] = uses.get(x, 0) + 1
    for v in jaxpr.outvars:
        if _is_var(v):
            uses[v] = uses.get(v, 0) + 1
    return uses


class _Arith:
    """State of one ``simplify_arithmetic`` sweep."""

    def __init__(self, jaxpr: Jaxpr, consts: dict):
        from pyjax._src.lax import elementwise as ew  # lazy: lax sits above the backend
        self.prims = {"mul": ew.mul_p, "neg": ew.neg_p, "add": ew.add_p, "sub": ew.sub_p,
                      "div": ew.div_p}
        self.uses = _use_counts(jaxpr)
        self.consts = consts
        self.producers: dict = {}
        self.negated: dict = {}   # v -> w for each emitted ``v = neg(w)``
        self.sub = _Renamer()
        self.eqns: list = []
        self.changed = False

    def emit(self, prim_name: str, invars: list, outvar, like: JaxprEqn):
        eqn = JaxprEqn(invars, [outvar], self.prims[prim_name], {}, like.source_info)
        self.eqns.append(eqn)
        self.producers[outvar] = eqn
        if prim_name == "neg":
            self.negated[outvar] = invars[0]
        return eqn

    def forward(self, out, x):
        self.sub.set(out, x)
        if _is_var(x):  # over-counting is safe: it only blocks rewrites
            self.uses[x] = self.uses.get(x, 0) + self.uses.get(out, 0)
        self.changed = True

    def absorbable(self, x, eqn: JaxprEqn) -> bool:
        """``x = neg(w)`` and every use of ``x`` is in ``eqn`` (so the neg dies)."""
        return _is_var(x) and x in self.negated and \
            self.uses.get(x, 0) == sum(1 for y in eqn.invars if y is x)

    def splat(self, x):
        return _splat_value(x, self.producers, self.consts)

    def negative_power(self, eqn: JaxprEqn) -> bool:
        """``integer_pow(x, -n)`` -> ``div(1, integer_pow(x, n))`` (n >= 2, inexact x).

        The impl computes exactly that; as two equations both run as ufuncs
        writing into buffers that die (reverse mode of ``div`` makes ``y**-2``).
        """
        y = eqn.params["y"]
        out = eqn.outvars[0]
        if y > -2 or out.aval.dtype.kind not in "fc":
            return False
        power = Var(out.aval)
        self.eqns.append(eqn.replace(outvars=[power], params=dict(eqn.params, y=-y)))
        self.producers[power] = self.eqns[-1]
        self.uses[power] = 1
        one = Literal(np.array(1, out.aval.dtype), out.aval.update(shape=(), weak_type=False))
        div = JaxprEqn([one, power], [out], self.prims["div"], {}, eqn.source_info)
        self.eqns.append(div)
        self.producers[out] = div
        self.changed = True
        return True

    def rewrite(self, eqn: JaxprEqn) -> bool:
        """Emit a simpler equivalent of ``eqn`` (True) or nothing (False: keep it)."""
        name = eqn.primitive.name
        out = eqn.outvars[0]
        kind = out.aval.dtype.kind
        if name == "neg":
            x = eqn.invars[0]
            if _is_var(x) and x in self.negated:
                self.forward(out, self.negated[x])
                return True
            return False
        if name == "integer_pow":
            return self.negative_power(eqn)
        if len(eqn.invars) != 2:
            return False
        a, b = eqn.invars
        if name in ("mul", "div") and kind in "biuf":
            for x, c in ((a, b), (b, a)) if name == "mul" else ((a, b),):
                one = self.splat(c)
                if one is not None and one == 1 and _same_type(x, out):
                    self.forward(out, x)
                    return True
                if one is not None and one == -1 and kind in "iuf" and _same_type(x, out):
                    self.emit("neg", [x], out, eqn)
                    self.changed = True
                    return True
        if (name == "mul" and kind in "iuf") or (name == "div" and kind == "f"):
            flips = [self.absorbable(x, eqn) for x in (a, b)]
            if any(flips):
                ins = [self.negated[x] if f else x for x, f in zip((a, b), flips)]
                if sum(flips) % 2:  # (-x) * y: one sign left to carry forward
                    t = Var(out.aval)
                    self.eqns.append(eqn.replace(invars=ins, outvars=[t]))
                    self.producers[t] = self.eqns[-1]
                    self.uses[t] = 1
                    self.emit("neg", [t], out, eqn)
                else:
                    self.eqns.append(eqn.replace(invars=ins))
                    self.producers[out] = self.eqns[-1]
                self.changed = True
                return True
        if name in ("add", "add_any"):
            if self.absorbable(b, eqn) and b is not a:
                self.emit("sub", [a, self.negated[b]], out, eqn)
                self.changed = True
                return True
            if self.absorbable(a, eqn) and b is not a:
                self.emit("sub", [b, self.negated[a]], out, eqn)
                self.changed = True
                return True
            if a is b and _is_var(a) and kind in "iuf":
                two = Literal(np.array(2, out.aval.dtype), out.aval.update(shape=(),
                                                                           weak_type=False))
                self.emit("mul", [a, two], out, eqn)
                self.changed = True
                return True
        if name == "sub" and self.absorbable(b, eqn) and b is not a:
            self.emit("add", [a, self.negated[b]], out, eqn)
            self.changed = True
            return True
        return False


def simplify_arithmetic(jaxpr: Jaxpr, consts: list) -> tuple[Jaxpr, bool]:
    """Exact algebraic simplifications (NOTE[exact-rewrites]); returns the jaxpr and whether
    anything changed.  A second sweep (after DCE) catches negations whose other uses died."""
    const_of = dict(zip(jaxpr.constvars, consts))
    changed = False
    for _ in range(2):
        st = _Arith(jaxpr, const_of)
        env = st.sub.env
        for eqn in jaxpr.eqns:
            if env and any(_is_var(x) and x in env for x in eqn.invars):
                eqn = eqn.replace(invars=[st.sub(x) for x in eqn.invars])
            name = eqn.primitive.name
            if name in _ARITH_NAMES and len(eqn.outvars) == 1 and \
                    type(eqn.outvars[0]) is not DropVar and \
                    (not eqn.params or name == "integer_pow") and st.rewrite(eqn):
                continue
            st.eqns.append(eqn)
            for v in eqn.outvars:
                st.producers[v] = eqn
            if name == "neg" and not eqn.params:
                st.negated[eqn.outvars[0]] = eqn.invars[0]
        jaxpr = jaxpr.replace(eqns=st.eqns, outvars=[st.sub(v) for v in jaxpr.outvars])
        if not st.changed:
            break
        changed = True
        jaxpr = dce(jaxpr)[0]
    return jaxpr, changed


_ARITH_NAMES = frozenset({"neg", "mul", "div", "add", "add_any", "sub", "integer_pow"})


# -- pass 8: scheduling -------------------------------------------------------------------------


def _sinkable(eqn: JaxprEqn) -> bool:
    return len(eqn.outvars) == 1 and not eqn.primitive.multiple_results and \
        not eqn_has_effects(eqn) and not any(True for _ in _subjaxprs(eqn.params))


def sink_equations(jaxpr: Jaxpr) -> Jaxpr:
    """Move pure equations down to just before their first use, when that extends the
    life of none of their operands.

    Reverse mode computes every residual in the primal part, long before the
    backward part reads it; computed late, a residual is written into a buffer
    that has just died (still in cache) instead of a fresh one, and fewer
    buffers are live at once.  Only the order changes, never a value.
    """
    eqns = jaxpr.eqns
    n = len(eqns)
    first_use: dict = {}
    last_use: dict = {}
    producer: dict = {}
    for i, eqn in enumerate(eqns):
        for x in eqn.invars:
            if _is_var(x):
                first_use.setdefault(x, i)
                last_use[x] = i
        for v in eqn.outvars:
            producer[v] = i
    for v in jaxpr.outvars:
        if _is_var(v):
            first_use.setdefault(v, n)
            last_use[v] = n
    deferred = set()
    for i, eqn in enumerate(eqns):
        j = first_use.get(eqn.outvars[0], i) if eqn.outvars else i
        if j > i + 1 and _sinkable(eqn) and all(
                not _is_var(x) or x not in producer or last_use[x] >= j for x in eqn.invars):
            deferred.add(i)
    if not deferred:
        return jaxpr
    order: list = []
    done: set = set()

    def emit(i: int):
        stack = [i]  # iterative: chains of deferred equations can be long
        while stack:
            k = stack[-1]
            if k in done:
                stack.pop()
                continue
            pending = [producer[x] for x in eqns[k].invars
                       if _is_var(x) and producer.get(x) in deferred and producer[x] not in done]
            if pending:
                stack.extend(reversed(pending))
                continue
            stack.pop()
            done.add(k)
            order.append(eqns[k])

    for i in range(n):
        if i not in deferred:
            emit(i)
    for i in sorted(deferred):  # those only the outputs read
        emit(i)
    return jaxpr.replace(eqns=order)


def _const_value(c, aval):
    """A closed-over constant as the NumPy array of its (canonical) aval's dtype."""
    if type(c) is ArrayImpl:
        arr = c._check_live()  # immutable: shared as is
    elif isinstance(c, (np.ndarray, np.generic, int, float, complex, bool)):
        arr = np.array(c)  # a copy: the user may mutate their NumPy array later
    else:
        return c
    dtype = getattr(aval, "dtype", None)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def optimize(closed_jaxpr: ClosedJaxpr) -> tuple[Jaxpr, list]:
    """All passes before emission: returns the optimized jaxpr and its consts."""
    consts = [_const_value(c, v.aval) for v, c in zip(closed_jaxpr.jaxpr.constvars,
                                                       closed_jaxpr.consts, strict=True)]
    jaxpr, consts = inline_calls(closed_jaxpr.jaxpr, consts)
    jaxpr = simplify(jaxpr)
    jaxpr, consts = fold_constants(jaxpr, consts)
    const_of = dict(zip(jaxpr.constvars, consts))
    jaxpr = cse(dce(jaxpr)[0])
    jaxpr = forward_broadcasts(jaxpr)
    jaxpr, changed = simplify_arithmetic(jaxpr, [const_of.get(v) for v in jaxpr.constvars])
    if changed:  # the rewrites can make equations identical (mul(x, 1) * y and x * y)
        jaxpr = cse(jaxpr)
    jaxpr, constvars = dce(jaxpr)
    jaxpr = sink_equations(jaxpr)
    return jaxpr, [const_of[v] for v in constvars]


# -- name-keyed defaults for the extension tables -------------------------------------------------


def _float_or_complex(aval) -> bool:
    return aval.dtype.kind in "fc" or aval.dtype.name == "bfloat16"


def _div_ufunc(eqn):
    return np.true_divide if _float_or_complex(eqn.outvars[0].aval) else None


def _max_ufunc(eqn):
    return np.maximum if eqn.outvars[0].aval.dtype.kind in "biuf" else None


def _min_ufunc(eqn):
    return np.minimum if eqn.outvars[0].aval.dtype.kind in "biuf" else None


def _integer_pow_ufunc(eqn):
    y = eqn.params.get("y")
    if y == 2:
        return np.square
    if y == -1 and _float_or_complex(eqn.outvars[0].aval):
        return np.reciprocal
    return None


def _add_any_ufunc(eqn):
    # add_any's impl is np.add except on float0 tangents (which it passes through)
    return np.add if eqn.outvars[0].aval.dtype.kind in "biufc" else None


_NAMED_UFUNC_RULES: dict[str, Callable] = {
    "div": _div_ufunc, "max": _max_ufunc, "min": _min_ufunc, "integer_pow": _integer_pow_ufunc,
    "add_any": _add_any_ufunc,
}


