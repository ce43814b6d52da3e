"""The jaxpr printer, producing JAX's text format.

    { lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }

Layout uses a small document algebra (text, concat, break, group, nest) laid
out with Lindig's "strictly pretty" algorithm at width 80: a group prints flat
when the group alone fits in the rest of the line, otherwise its breaks become
newlines.  The document shapes mirror JAX's so line breaking matches its output.
Variables are named a, b, ..., z, ba, bb, ... in order of first appearance.
"""
from __future__ import annotations

from typing import Any

import numpy as np

# -- document algebra -----------------------------------------------------------------


class _Text:
    __slots__ = ("s",)

    def __init__(self, s):
        self.s = s


class _Concat:
    __slots__ = ("children",)

    def __init__(self, children):
        self.children = children


class _Break:
    __slots__ = ("s",)

    def __init__(self, s):
        self.s = s


class _Group:
    __slots__ = ("child",)

    def __init__(self, child):
        self.child = child


class _Nest:
    __slots__ = ("n", "child")

    def __init__(self, n, child):
        self.n = n
        self.child = child


def text(s: str):
    return _Text(s)


def concat(*docs):
    return _Concat(list(docs))


def brk(s: str = " "):
    return _Break(s)


def group(doc):
    return _Group(doc)


def nest(n: int, doc):
    return _Nest(n, doc)


def join(sep, docs):
    docs = list(docs)
    out = []
    for i, d in enumerate(docs):
        if i:
            out.append(sep)
        out.append(d)
    return _Concat(out)


_FLAT, _BREAK = 0, 1


def _fits(doc, width: int) -> bool:
    agenda = [doc]
    while width >= 0 and agenda:
        d = agenda.pop()
        t = type(d)
        if t is _Text:
            width -= len(d.s)
        elif t is _Concat:
            agenda.extend(reversed(d.children))
        elif t is _Break:
            width -= len(d.s)
        elif t is _Nest or t is _Group:
            agenda.append(d.child)
    return width >= 0


def render(doc, width: int = 80) -> str:
    lines, line, k = [], [], 0
    agenda = [(0, _BREAK, doc)]
    while agenda:
        i, mode, d = agenda.pop()
        t = type(d)
        if t is _Text:
            line.append(d.s)
            k += len(d.s)
        elif t is _Concat:
            agenda.extend((i, mode, c) for c in reversed(d.children))
        elif t is _Break:
            if mode == _BREAK:
                lines.append("".join(line))
                line, k = [" " * i], i
            else:
                line.append(d.s)
                k += len(d.s)
        elif t is _Nest:
            agenda.append((i + d.n, mode, d.child))
        elif t is _Group:
            agenda.append((i, _FLAT if _fits(d.child, width - k) else _BREAK, d.child))
    lines.append("".join(line))
    return "\n".join(lines)


# -- jaxpr documents --------------------------------------------------------------------


def _alpha_name(n: int) -> str:
    s = ""
    while True:
        s = chr(ord("a") + n % 26) + s
        n //= 26
        if n == 0:
            return s


class PpContext:
    """Assigns printed names to Vars in order of first use."""

    def __init__(self):
        self.names: dict[int, str] = {}
        self.n_fresh = 0
        self.unused: set[int] = set()  # outvars nobody reads print as `_`, as in JAX
        self.shared: dict[int, str] = {}  # id(jaxpr) -> name of a `let`-bound jaxpr

    def suggest_same_names(self, inner_vars, outer_vars) -> None:
        """Name ``inner_vars`` like the ``outer_vars`` they are bound to (jit's printing)."""
        from pyjax._src.core.jaxpr import Literal
        for iv, ov in zip(inner_vars, outer_vars):
            if type(ov) is Literal or type(iv) is Literal or id(iv) in self.names:
                continue
            name = self.names.get(id(ov))
            if name is not None and name != "_":
                self.names[id(iv)] = name

    def name(self, v) -> str:
        from pyjax._src.core.jaxpr import DropVar, Literal
        if type(v) is Literal:
            return pp_literal(v)
        key = id(v)
        if type(v) is DropVar or key in self.unused:
            return "_"
        if key not in self.names:
            self.names[key] = _alpha_name(self.n_fresh) + v.suffix
            self.n_fresh += 1
        return self.names[key]


def pp_literal(lit) -> str:
    val = lit.val
    if isinstance(val, np.ndarray):
        val = val[()]
    if isinstance(val, (np.bool_, bool)):
        s = str(bool(val))
    elif isinstance(val, (np.floating, float)):
        s = repr(float(val)) if not isinstance(val, np.floating) else str(val)
    elif isinstance(val, (np.integer, int)):
        s = str(int(val))
    else:
        s = str(val)
    return f"{s}:{lit.aval.str_short()}"


def _pp_vars(vs, ctx: PpContext, *, separator: str = "", print_shapes: bool = False):
    items = []
    for v in vs:
        name = ctx.name(v)
        if print_shapes:
            name = f"{name}:{v.aval.str_short()}"
        items.append(text(name))
    return nest(2, group(join(concat(text(separator), group(brk())), items)))


def _pp_param_value(v: Any, ctx: PpContext):
    from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr
    if type(v) is tuple and v and all(isinstance(j, (Jaxpr, ClosedJaxpr)) for j in v):
        docs = [_pp_jaxpr(j.jaxpr if isinstance(j, ClosedJaxpr) else j, ctx) for j in v]
        return group(concat(nest(2, concat(text("("), brk(""), join(brk(), docs))),
                            brk(""), text(")")))
    if isinstance(v, (Jaxpr, ClosedJaxpr)):
        j = v.jaxpr if isinstance(v, ClosedJaxpr) else v
        if id(j) in ctx.shared:
            return text(ctx.shared[id(j)])
        return _pp_jaxpr(j, ctx)
    if isinstance(v, np.dtype):
        return text(v.name)
    if isinstance(v, type) and issubclass(v, np.generic):
        return text(np.dtype(v).name)
    return text(str(v))


def _pp_params(params: dict, ctx: PpContext, order=None):
    if not params:
        return text("")
    keys = order if order is not None else sorted(params)
    pairs = [concat(text(f"{k}="), _pp_param_value(params[k], ctx)) for k in keys]
    return group(concat(nest(2, concat(text("["), brk(""), join(brk(), pairs))),
                        brk(""), text("]")))


def _pp_eqn(eqn, ctx: PpContext):
    rule = pp_eqn_rules.get(eqn.primitive)
    if rule is not None:
        return rule(eqn, ctx)
    return pp_eqn_with_params(eqn, ctx, eqn.params)


def pp_eqn_with_params(eqn, ctx: PpContext, params: dict, order=None):
    """An equation printed with the given (possibly filtered) params, in ``order``."""
    # outputs are named before any nested jaxpr's variables, as JAX does
    lhs = _pp_vars(eqn.outvars, ctx, print_shapes=True) if eqn.outvars else None
    params_doc = _pp_params(params, ctx, order)
    rhs = concat(text(" "), _pp_vars(eqn.invars, ctx))
    if lhs is None:
        return concat(text(eqn.primitive.name), params_doc, rhs)
    return concat(lhs, text(" = "), text(eqn.primitive.name), params_doc, rhs)


def _mark_unused(jaxpr, ctx: PpContext) -> None:
    used = {id(v) for e in jaxpr.eqns for v in e.invars}
    used.update(id(v) for v in jaxpr.outvars)
    ctx.unused.update(id(v) for e in jaxpr.eqns for v in e.outvars if id(v) not in used)


def _pp_jaxpr(jaxpr, ctx: PpContext):
    _mark_unused(jaxpr, ctx)
    constvars = _pp_vars(jaxpr.constvars, ctx, print_shapes=True)
    invars = _pp_vars(jaxpr.invars, ctx, print_shapes=True)
    eqns = join(brk("; "), [_pp_eqn(e, ctx) for e in jaxpr.eqns])
    outvars = concat(text("("), _pp_vars(jaxpr.outvars, ctx, separator=","),
                     text(")" if len(jaxpr.outvars) != 1 else ",)"))
    body = concat(text("{ "), text("lambda "), constvars, text("; "), invars, text(". "),
                  text("let"), nest(2, concat(brk(), eqns)), brk(), text("in "), outvars)
    # the closing brace belongs to the group: a jaxpr prints flat only if it fits with it
    return group(concat(nest(2, body), text(" }")))


# primitive -> (eqn, ctx) -> doc, for primitives printed specially
pp_eqn_rules: dict = {}


def _subjaxprs_of_params(params: dict):
    from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr
    for p in params.values():
        for sub in (p if isinstance(p, (tuple, list)) else (p,)):
            if isinstance(sub, ClosedJaxpr):
                yield sub.jaxpr
            elif isinstance(sub, Jaxpr):
                yield sub


def _shared_jaxprs(top) -> list:
    """Jaxprs printed once as ``let name = ... in`` (JAX's rule: used more than once,
    where one with more than 10 equations counts twice), named after their call."""
    from collections import Counter, deque
    counts: Counter = Counter()
    names: dict[int, str] = {}
    objs: dict[int, object] = {}
    queue = deque([top])
    while queue:
        j = queue.popleft()
        counts[id(j)] += 1 + (j is not top and len(j.eqns) > 10)
        objs[id(j)] = j
        for eqn in j.eqns:
            name = eqn.params.get("name")
            for sub in _subjaxprs_of_params(eqn.params):
                queue.append(sub)
                if isinstance(name, str):
                    names.setdefault(id(sub), name.strip("<>"))
    shared, used_names = [], Counter()
    for key, c in counts.items():
        if c == 1 or objs[key] is top:
            continue
        name = names.get(key, "jaxpr")
        if used_names[name]:
            suffix = used_names[name]
            used_names[name] += 1
            name = f"{name}{suffix}"
        used_names[name] += 1
        shared.append((name, objs[key]))
    return shared


def pp_jaxpr(jaxpr, width: int = 80) -> str:
    ctx = PpContext()
    docs = []
    shared = _shared_jaxprs(jaxpr)
    for name, sub in shared:
        ctx.shared[id(sub)] = name
    for name, sub in shared:
        docs += [text(f"let {name} = "), _pp_jaxpr(sub, ctx), text(" in"), brk()]
    docs.append(_pp_jaxpr(jaxpr, ctx))
    return render(concat(*docs), width)


def pp_eqn(eqn, width: int = 80) -> str:
    return render(_pp_eqn(eqn, PpContext()), width)
