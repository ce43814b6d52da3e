"""Transposition of linear jaxprs: the backward half of reverse mode.

    transpose : (T a -o T b) -> (T b -o T a)

``backward_pass(jaxpr, consts, args, cts_out)`` walks a jaxpr that is linear in
the inputs marked ``UndefinedPrimal(aval)`` (the others are known values, e.g.
residuals).  Equations that touch no linear variable are evaluated forward
first; the linear ones are then visited in reverse, each calling its rule

    primitive_transposes[prim](ct, *invals, **params) -> list of input cts

where ``invals`` holds ``UndefinedPrimal`` for linear inputs and values for the
others, and ``ct`` is the output cotangent (a list for multiple results; may be
a symbolic ``Zero``).  Returned entries for non-linear inputs are ignored (use
``None``).  Cotangents reaching the same variable are summed with ``add_any``.
Every ``bind`` goes to the current trace, so transposition itself can be
traced, differentiated again or batched.
"""
from __future__ import annotations

from typing import Any, Sequence

from pyjax._src.core.avals import ShapedArray
from pyjax._src.core.jaxpr import Jaxpr, Literal
from pyjax._src.interpreters.ad import primitive_transposes
from pyjax._src.interpreters.ad_util import Zero, add_tangents


class UndefinedPrimal:
    """Placeholder for a linear input during transposition."""

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __repr__(self):
        return f"UndefinedPrimal({self.aval.str_short()})"


def is_undefined_primal(x) -> bool:
    return type(x) is UndefinedPrimal


def backward_pass(jaxpr: Jaxpr, consts: Sequence[Any], args: Sequence[Any],
                  cts_out: Sequence[Any], *, free_consts: bool = False) -> list:
    """Cotangents for each invar of ``jaxpr`` (Zero / None for non-linear ones).

    With ``free_consts`` the caller hands ``consts`` over (a list, emptied here):
    each residual is then dropped after the last equation that reads it, so in
    eager reverse mode the memory of residuals and cotangents is reused while
    the pass runs instead of all of it being held to the end.
    """
    primal_env: dict[int, Any] = {}
    linear: set[int] = set()

    def read_primal(v):
        if type(v) is Literal:
            return v.val
        if id(v) in linear:
            return UndefinedPrimal(v.aval)
        return primal_env[id(v)]

    for v, c in zip(jaxpr.constvars, consts, strict=True):
        primal_env[id(v)] = c
    if free_consts:
        consts.clear()  # type: ignore[attr-defined]  -- the caller's list, see docstring
    for v, a in zip(jaxpr.invars, args, strict=True):
        if type(a) is UndefinedPrimal:
            linear.add(id(v))
        else:
            primal_env[id(v)] = a

    linear_eqns = []
    for eqn in jaxpr.eqns:
        if any(type(x) is not Literal and id(x) in linear for x in eqn.invars):
            linear.update(id(v) for v in eqn.outvars)
            linear_eqns.append(eqn)
        else:
            outs = eqn.primitive.bind(*map(read_primal, eqn.invars), **eqn.params)
            outs = outs if eqn.primitive.multiple_results else [outs]
            for v, o in zip(eqn.outvars, outs, strict=True):
                primal_env[id(v)] = o

    # the last (in backward order) linear equation reading each known value
    last_reader: dict[int, int] = {}
    dead_after: dict[int, list] = {}
    if free_consts:
        for i, eqn in enumerate(linear_eqns):
            for x in eqn.invars:
                if type(x) is not Literal and id(x) not in linear and id(x) not in last_reader:
                    last_reader[id(x)] = i
        for key, i in last_reader.items():
            dead_after.setdefault(i, []).append(key)

    ct_env: dict[int, Any] = {}

    def write_ct(v, ct):
        if type(v) is Literal or ct is None or type(ct) is Zero or id(v) not in linear:
            return
        key = id(v)
        ct_env[key] = add_tangents(ct_env[key], ct) if key in ct_env else ct

    for v, ct in zip(jaxpr.outvars, cts_out, strict=True):
        write_ct(v, ct)

    for i in range(len(linear_eqns) - 1, -1, -1):
        eqn = linear_eqns[i]
        cts = [ct_env.pop(id(v), None) for v in eqn.outvars]
        if any(ct is not None for ct in cts):
            _transpose_eqn(eqn, cts, read_primal, write_ct)
        if free_consts:
            for key in dead_after.get(i, ()):
                del primal_env[key]

    out = []
    for v in jaxpr.invars:
        if id(v) in linear:
            ct = ct_env.get(id(v))
            out.append(Zero(v.aval.to_tangent_aval()) if ct is None else ct)
        else:
            out.append(None)
    return out


def _transpose_eqn(eqn, cts: list, read_primal, write_ct) -> None:
    """Run ``eqn``'s transpose rule on its output cotangents (None: zero)."""
    rule = primitive_transposes.get(eqn.primitive)
    if rule is None:
        raise NotImplementedError(
            f"Transpose rule (for reverse-mode differentiation) for "
            f"'{eqn.primitive.name}' not implemented")
    if eqn.primitive.multiple_results:
        ct_arg = [Zero(v.aval.to_tangent_aval()) if ct is None else ct
                  for v, ct in zip(eqn.outvars, cts)]
    else:
        ct_arg = cts[0]
    cts_in = rule(ct_arg, *map(read_primal, eqn.invars), **eqn.params)
    for v, ct in zip(eqn.invars, cts_in, strict=True):
        write_ct(v, ct)


def transpose_jaxpr(closed_jaxpr, linear: Sequence[bool], instantiate_zeros: bool = True):
    """Stage the transpose of a jaxpr linear in the ``linear`` inputs.

    ``{nonlinear, linear} -> outs`` becomes ``{nonlinear, cts_out} -> cts_linear``.
    """
    from pyjax._src.interpreters.ad_util import instantiate_zeros as inst
    from pyjax._src.interpreters.staging import trace_to_closed_jaxpr
    in_avals = closed_jaxpr.in_avals
    nonlin_avals = [a for a, lin in zip(in_avals, linear, strict=True) if not lin]
    ct_avals = [a.to_tangent_aval() for a in closed_jaxpr.out_avals]

    def transposed(*args):
        nonlin, cts = args[:len(nonlin_avals)], args[len(nonlin_avals):]
        it = iter(nonlin)
        primals = [UndefinedPrimal(a) if lin else next(it)
                   for a, lin in zip(in_avals, linear, strict=True)]
        res = backward_pass(closed_jaxpr.jaxpr, closed_jaxpr.consts, primals, cts)
        res = [r for r, lin in zip(res, linear, strict=True) if lin]
        return [inst(r) for r in res] if instantiate_zeros else res

    return trace_to_closed_jaxpr(transposed, [*nonlin_avals, *ct_avals])
