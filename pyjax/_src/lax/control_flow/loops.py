"""Loops: the ``while`` and ``scan`` primitives, and fori_loop / map on top of them.

    while_p.bind(*cond_consts, *body_consts, *init,
                 cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts) -> carry
    scan_p.bind(*consts, *init, *xs, jaxpr, length, reverse, linear, unroll,
                num_consts, num_carry, _split_transpose) -> [*carry, *ys]

``scan``'s body maps ``[*consts, *carry, *x] -> [*carry, *y]``; ``ys`` are
stacked along a new leading axis of size ``length``.

Rules (all transform the body jaxprs with the shared transformers):
  * while jvp: tangent carries found by a fixed point; the cond ignores them.
  * while partial eval: a loop over the known carries runs now; the whole loop
    is staged for the unknown ones (so forward mode works);
  * while transpose: JAX's error (reverse mode needs scan or static fori_loop).
  * while batching: a batched predicate runs until every example is done,
    freezing finished examples with a select (as JAX).
  * scan jvp / batching: fixed points on which carries are nonzero / batched.
  * scan partial eval: a known scan emits residuals as extra stacked outputs,
    an unknown scan consumes them as extra xs.
  * scan transpose: a reversed scan of the transposed body, accumulating the
    cotangents of linear consts in the carry.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from pyjax._src.config import config
from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, Var, jaxpr_as_fun
from pyjax._src.core.pretty import pp_eqn_rules
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import Tracer, set_current_trace
from pyjax._src.interpreters import ad, batching, partial_eval as pe, transpose as tr
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros, zeros_like_aval
from pyjax._src.interpreters.batching import not_mapped
from pyjax._src.interpreters.staging import trace_to_closed_jaxpr
from pyjax._src.lax.control_flow.common import (check_tree_and_avals, trace_to_jaxpr_consts_as_args)
from pyjax._src.tree_util import tree_flatten, tree_unflatten

while_p = Primitive("while")
while_p.multiple_results = True
scan_p = Primitive("scan")
scan_p.multiple_results = True


def _promote_weak_carry(init_flat, out_avals):
    """A weak init whose body returns another dtype takes that dtype (as JAX); a weak init
    whose body output differs only in weak type is left as it is."""
    from pyjax._src.lax.structural import _convert_to_weak
    changed = False
    new = []
    for x, out in zip(init_flat, out_avals):
        a = get_aval(x)
        if a.weak_type and a.dtype != out.dtype and a.shape == out.shape:
            x = _convert_to_weak(x, out.dtype, out.weak_type)
            changed = True
        new.append(x)
    return new, changed


# -- while_loop --------------------------------------------------------------------------------


def while_loop(cond_fun: Callable, body_fun: Callable, init_val):
    """``while cond_fun(val): val = body_fun(val)``, staged as one op (forward-differentiable)."""
    if config.jax_disable_jit:
        val = init_val
        while cond_fun(val):
            val = body_fun(val)
        return val
    init_flat, in_tree = tree_flatten((init_val,))
    for _ in range(2):
        avals = [get_aval(x) for x in init_flat]
        cond_jaxpr, cond_consts, cond_tree = trace_to_jaxpr_consts_as_args(
            cond_fun, in_tree, avals)
        body_jaxpr, body_consts, body_tree = trace_to_jaxpr_consts_as_args(
            lambda v: (body_fun(v),), in_tree, avals)
        init_flat, changed = _promote_weak_carry(init_flat, body_jaxpr.out_avals)
        if not changed:
            break
    out_avals = cond_jaxpr.out_avals
    if len(out_avals) != 1 or out_avals[0].shape != () or out_avals[0].dtype != np.bool_:
        raise TypeError(f"cond_fun must return a boolean scalar, but got output type(s) "
                        f"{[a.str_short(short_dtypes=False) for a in out_avals]}.")
    check_tree_and_avals("body_fun output and input", body_tree, body_jaxpr.out_avals,
                         in_tree, avals)
    outs = while_p.bind(*cond_consts, *body_consts, *init_flat, cond_jaxpr=cond_jaxpr,
                        body_jaxpr=body_jaxpr, cond_nconsts=len(cond_consts),
                        body_nconsts=len(body_consts))
    return tree_unflatten(body_tree, outs)[0]


def _while_impl(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    from pyjax._src.backend import native  # tier 1 loop that moves to numba when hot
    return native.while_runner(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts)(*args)


def _while_abstract_eval(*avals, body_jaxpr, **params):
    del avals, params  # unused
    return list(body_jaxpr.out_avals)


def _while_jvp(primals, tangents, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    cconsts, bconsts, init = primals[:nc], primals[nc:nc + nb], primals[nc + nb:]
    bconst_nz = [type(t) is not Zero for t in tangents[nc:nc + nb]]
    carry_nz = [type(t) is not Zero for t in tangents[nc + nb:]]
    for _ in range(len(carry_nz) + 1):
        _, out_nz = ad.jvp_jaxpr(body_jaxpr, bconst_nz + carry_nz, instantiate=carry_nz)
        new = [a or b for a, b in zip(carry_nz, out_nz)]
        if new == carry_nz:
            break
        carry_nz = new
    body_jvp, _ = ad.jvp_jaxpr(body_jaxpr, bconst_nz + carry_nz, instantiate=carry_nz)
    # jvp jaxpr inputs: [bconsts, carry, nz bconst tangents, nz carry tangents];
    # while needs [bconsts, nz bconst tangents, carry, nz carry tangents]
    n_bt, n_ct = sum(bconst_nz), sum(carry_nz)
    n_carry = len(init)
    order = (list(range(nb)) + list(range(nb + n_carry, nb + n_carry + n_bt))
             + list(range(nb, nb + n_carry)) + list(range(nb + n_carry + n_bt,
                                                          nb + n_carry + n_bt + n_ct)))
    from pyjax._src.lax.control_flow.common import permute_invars
    body_jvp = ClosedJaxpr(permute_invars(body_jvp.jaxpr, order), body_jvp.consts)
    cond_fun = jaxpr_as_fun(cond_jaxpr)
    carry_avals = list(body_jaxpr.out_avals)
    tan_avals = [a.to_tangent_aval() for a, nz in zip(carry_avals, carry_nz) if nz]
    cond_aug = trace_to_closed_jaxpr(
        lambda *args: cond_fun(*args[:nc + n_carry]),
        [*cond_jaxpr.in_avals, *tan_avals])
    bconst_t = [t for t in tangents[nc:nc + nb] if type(t) is not Zero]
    init_t = [instantiate_zeros(t) for t, nz in zip(tangents[nc + nb:], carry_nz) if nz]
    outs = while_p.bind(*cconsts, *bconsts, *bconst_t, *init, *init_t, cond_jaxpr=cond_aug,
                        body_jaxpr=body_jvp, cond_nconsts=nc, body_nconsts=nb + n_bt)
    primal_out, t_out = outs[:n_carry], iter(outs[n_carry:])
    tangents_out = [next(t_out) if nz else Zero(a.to_tangent_aval())
                    for a, nz in zip(carry_avals, carry_nz)]
    return primal_out, tangents_out


def _while_partial_eval(trace, args, *, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts):
    params = dict(cond_jaxpr=cond_jaxpr, body_jaxpr=body_jaxpr, cond_nconsts=cond_nconsts,
                  body_nconsts=body_nconsts)
    nc, nb = cond_nconsts, body_nconsts
    uk = [trace.is_unknown(a) for a in args]
    cond_uk, bconst_uk, carry_uk = uk[:nc], uk[nc:nc + nb], uk[nc + nb:]
    for _ in range(len(carry_uk) + 1):
        _, _, out_uk, _ = pe.partial_eval_jaxpr_nounits(body_jaxpr, bconst_uk + carry_uk,
                                                        instantiate=carry_uk)
        new = [a or b for a, b in zip(carry_uk, out_uk)]
        if new == carry_uk:
            break
        carry_uk = new
    _, _, cond_out_uk, _ = pe.partial_eval_jaxpr_nounits(cond_jaxpr, cond_uk + carry_uk, False)
    if cond_out_uk[0] or not any(carry_uk):
        return trace.stage_primitive(while_p, args, params)
    # a loop over the known carries alone computes the known outputs now
    from pyjax._src.lax.control_flow.common import permute_invars
    known_carry = [i for i, u in enumerate(carry_uk) if not u]
    body_known, _ = pe.dce_jaxpr(body_jaxpr.jaxpr, [not u for u in carry_uk])
    known_bconsts = [i for i, u in enumerate(bconst_uk) if not u]
    body_known = permute_invars(body_known, known_bconsts + [nb + i for i in known_carry])
    cond_known = permute_invars(cond_jaxpr.jaxpr, list(range(nc)) + [nc + i for i in
                                                                      known_carry])
    cconsts, bconsts, init = args[:nc], args[nc:nc + nb], args[nc + nb:]
    with set_current_trace(trace.parent):
        known_outs = while_p.bind(
            *cconsts, *[bconsts[i] for i in known_bconsts], *[init[i] for i in known_carry],
            cond_jaxpr=ClosedJaxpr(cond_known, cond_jaxpr.consts),
            body_jaxpr=ClosedJaxpr(body_known, body_jaxpr.consts),
            cond_nconsts=nc, body_nconsts=len(known_bconsts))
    all_outs = trace.stage_primitive(while_p, args, params)
    it = iter(known_outs)
    return [all_outs[i] if u else next(it) for i, u in enumerate(carry_uk)]


def _while_transpose(cts, *args, **params):
    del cts, args, params  # unused
    raise ValueError("Reverse-mode differentiation does not work for lax.while_loop or "
                     "lax.fori_loop with dynamic start/stop values. Try using lax.scan, or "
                     "using fori_loop with static start/stop.")


def _while_batch_rule(axis_data, vals, dims, *, cond_jaxpr, body_jaxpr, cond_nconsts,
                      body_nconsts):
    nc, nb = cond_nconsts, body_nconsts
    cconsts, bconsts, init = vals[:nc], vals[nc:nc + nb], vals[nc + nb:]
    cdims, bdims, idims = dims[:nc], dims[nc:nc + nb], dims[nc + nb:]
    carry_b = [d is not not_mapped for d in idims]
    for _ in range(len(carry_b) + 1):
        hint_dims = [0 if b else not_mapped for b in carry_b]
        _, found = batching.batch_jaxpr(body_jaxpr, axis_data, [*bdims, *hint_dims])
        new = [a or d is not not_mapped for a, d in zip(carry_b, found)]
        if new == carry_b:
            break
        carry_b = new
    carry_dims = [0 if b else not_mapped for b in carry_b]
    _, pred_dims = batching.batch_jaxpr(cond_jaxpr, axis_data, [*cdims, *carry_dims])
    size = axis_data.size
    init = [batching.matchaxis(d, cd, size, x) for x, d, cd in zip(init, idims, carry_dims)]
    if pred_dims[0] is not_mapped:
        body_b, _ = batching.batch_jaxpr(body_jaxpr, axis_data, [*bdims, *carry_dims],
                                         carry_dims)
        cond_b, _ = batching.batch_jaxpr(cond_jaxpr, axis_data, [*cdims, *carry_dims],
                                         [not_mapped])
        outs = while_p.bind(*cconsts, *bconsts, *init, cond_jaxpr=cond_b, body_jaxpr=body_b,
                            cond_nconsts=nc, body_nconsts=nb)
        return outs, carry_dims
    init = [batching.broadcast(x, size, 0) if d is not_mapped else x
            for x, d in zip(init, carry_dims)]
    return _while_batched_pred(axis_data, cconsts, bconsts, init, cdims, bdims, cond_jaxpr,
                               body_jaxpr)


def _while_batched_pred(axis_data, cconsts, bconsts, init, cdims, bdims, cond_jaxpr,
                        body_jaxpr):
    """Per-example predicate: loop while any example runs; finished ones are frozen."""
    from pyjax._src.lax.elementwise import select_n
    from pyjax._src.lax.reductions import reduce_or
    from pyjax._src.lax.structural import broadcast_in_dim
    carry_dims = [0] * len(init)
    cond_b, _ = batching.batch_jaxpr(cond_jaxpr, axis_data, [*cdims, *carry_dims], [0])
    body_b, _ = batching.batch_jaxpr(body_jaxpr, axis_data, [*bdims, *carry_dims], carry_dims)
    cond_f, body_f = jaxpr_as_fun(cond_b), jaxpr_as_fun(body_b)
    nc, nb = len(cconsts), len(bconsts)

    def new_cond(*args):
        (pred,) = cond_f(*args[:nc], *args[nc + nb:])
        return [reduce_or(pred, (0,))]

    def new_body(*args):
        cc, bc, carry = args[:nc], args[nc:nc + nb], args[nc + nb:]
        (pred,) = cond_f(*cc, *carry)
        new = body_f(*bc, *carry)
        return [select_n(broadcast_in_dim(pred, get_aval(c).shape, (0,)), c, nw)
                for c, nw in zip(carry, new)]

    carry_avals = [get_aval(x) for x in init]
    const_avals = [get_aval(x) for x in (*cconsts, *bconsts)]
    cond_j = trace_to_closed_jaxpr(new_cond, [*const_avals, *carry_avals])
    body_j = trace_to_closed_jaxpr(new_body, [*const_avals, *carry_avals])
    outs = while_p.bind(*cconsts, *bconsts, *cconsts, *bconsts, *init,
                        cond_jaxpr=cond_j, body_jaxpr=body_j,
                        cond_nconsts=nc + nb, body_nconsts=nc + nb)
    return outs, carry_dims


while_p.def_impl(_while_impl)
while_p.def_abstract_eval(_while_abstract_eval)
while_p.def_weak_type_rule(lambda weak_in, *, body_jaxpr, **_: [
    a.weak_type for a in body_jaxpr.out_avals])
ad.primitive_jvps[while_p] = _while_jvp
ad.primitive_transposes[while_p] = _while_transpose
pe.partial_eval_rules[while_p] = _while_partial_eval
batching.primitive_batchers[while_p] = _while_batch_rule


# -- scan -------------------------------------------------------------------------------


def scan(f: Callable, init, xs=None, length: int | None = None, reverse: bool = False,
         unroll: int | bool = 1, _split_transpose: bool = False):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns (carry, ys)."""
    if not callable(f):
        raise TypeError("lax.scan: f argument should be a callable.")
    xs_flat, xs_tree = tree_flatten(xs)
    lengths = {get_aval(x).shape[0] if get_aval(x).shape else None for x in xs_flat}
    if None in lengths:
        raise ValueError("scan got value with no leading axis to scan over: "
                         + ", ".join(str(get_aval(x).shape) for x in xs_flat
                                     if not get_aval(x).shape))
    if length is not None:
        length = int(length)
        if lengths and lengths != {length}:
            raise ValueError(f"scan got `length` argument of {length} which disagrees with "
                             f"leading axis sizes {sorted(lengths)}.")
    elif len(lengths) > 1:
        raise ValueError("scan got values with different leading axis sizes: "
                         + ", ".join(str(n) for n in sorted(lengths)) + ".")
    elif not lengths:
        raise ValueError("scan got no values to scan over and `length` not provided.")
    else:
        length = lengths.pop()
    if config.jax_disable_jit:
        return _scan_python(f, init, xs, xs_flat, xs_tree, length, reverse)
    init_flat, init_tree = tree_flatten(init)
    x_avals = [get_aval(x).update(shape=get_aval(x).shape[1:]) for x in xs_flat]
    for _ in range(2):
        carry_avals = [get_aval(x) for x in init_flat]
        in_tree = _pair_tree(init_tree, xs_tree)
        jaxpr, consts, out_tree = trace_to_jaxpr_consts_as_args(
            lambda c, x: f(c, x), in_tree, [*carry_avals, *x_avals])
        n_carry = len(init_flat)
        init_flat, changed = _promote_weak_carry(init_flat, jaxpr.out_avals[:n_carry])
        if not changed:
            break
    carry_tree_out, y_tree = _split_out_tree(out_tree)
    check_tree_and_avals("scan carry output and input", carry_tree_out,
                         jaxpr.out_avals[:n_carry], init_tree, carry_avals)
    n_in = len(consts) + n_carry + len(xs_flat)
    outs = scan_p.bind(*consts, *init_flat, *xs_flat, jaxpr=jaxpr, length=length,
                       reverse=bool(reverse), linear=(False,) * n_in, unroll=_unroll(unroll),
                       num_consts=len(consts), num_carry=n_carry,
                       _split_transpose=_split_transpose)
    carry_out = tree_unflatten(init_tree, outs[:n_carry])
    ys = tree_unflatten(y_tree, outs[n_carry:])
    return carry_out, ys


def _unroll(unroll) -> int:
    if isinstance(unroll, bool):
        return 1 if not unroll else 1
    return int(unroll)


def _pair_tree(tree_a, tree_b):
    from pyjax._src.tree_util import treedef_tuple
    return treedef_tuple([tree_a, tree_b])


def _split_out_tree(out_tree):
    from pyjax._src.tree_util import treedef_children
    children = treedef_children(out_tree)
    if len(children) != 2:
        raise TypeError("scan body output must be a pair (carry, y)")
    return children[0], children[1]


def _scan_python(f, init, xs, xs_flat, xs_tree, length, reverse):
    carry, ys = init, []
    idx = range(length - 1, -1, -1) if reverse else range(length)
    for i in idx:
        x = tree_unflatten(xs_tree, [x[i] for x in xs_flat])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys = ys[::-1]
    if not ys:
        return carry, None
    import pyjax.numpy as jnp
    from pyjax._src.tree_util import tree_map
    return carry, tree_map(lambda *a: jnp.stack(a), *ys)


def _scan_impl(*args, jaxpr, length, reverse, linear, unroll, num_consts, num_carry,
               _split_transpose):
    del linear, unroll, _split_transpose  # unused
    from pyjax._src.backend import native  # tier 1 loop that moves to numba when hot
    return native.scan_runner(jaxpr, length, reverse, num_consts, num_carry)(*args)


def _scan_abstract_eval(*avals, jaxpr, length, num_carry, **params):
    del avals, params  # unused
    outs = jaxpr.out_avals
    return [*outs[:num_carry], *[a.update(shape=(length,) + a.shape) for a in outs[num_carry:]]]


def _scan_params(jaxpr, length, reverse, unroll, num_consts, num_carry, split):
    n_in = len(jaxpr.in_avals)
    return dict(jaxpr=jaxpr, length=length, reverse=reverse, linear=(False,) * n_in,
                unroll=unroll, num_consts=num_consts, num_carry=num_carry,
                _split_transpose=split)


def _scan_jvp(primals, tangents, *, jaxpr, length, reverse, linear, unroll, num_consts,
              num_carry, _split_transpose):
    del linear  # unused
    nc, nk = num_consts, num_carry
    nz = [type(t) is not Zero for t in tangents]
    const_nz, carry_nz, xs_nz = nz[:nc], nz[nc:nc + nk], nz[nc + nk:]
    n_ys = len(jaxpr.out_avals) - nk
    for _ in range(nk + 1):
        _, out_nz = ad.jvp_jaxpr(jaxpr, const_nz + carry_nz + xs_nz,
                                 instantiate=carry_nz + [False] * n_ys)
        new = [a or b for a, b in zip(carry_nz, out_nz[:nk])]
        if new == carry_nz:
            break
        carry_nz = new
    jvp_j, out_nz = ad.jvp_jaxpr(jaxpr, const_nz + carry_nz + xs_nz,
                                 instantiate=carry_nz + [False] * n_ys)
    ys_nz = out_nz[nk:]
    nx = len(xs_nz)
    n_ct, n_kt, n_xt = sum(const_nz), sum(carry_nz), sum(xs_nz)
    base = nc + nk + nx
    order = (list(range(nc)) + list(range(base, base + n_ct)) + list(range(nc, nc + nk))
             + list(range(base + n_ct, base + n_ct + n_kt)) + list(range(nc + nk, base))
             + list(range(base + n_ct + n_kt, base + n_ct + n_kt + n_xt)))
    inner = jvp_j.jaxpr
    outv = inner.outvars
    n_yt = sum(ys_nz)
    out_order = (outv[:nk] + outv[nk + n_ys:nk + n_ys + n_kt] + outv[nk:nk + n_ys]
                 + outv[nk + n_ys + n_kt:nk + n_ys + n_kt + n_yt])
    inner = inner.replace(invars=[inner.invars[i] for i in order], outvars=out_order)
    jvp_j = ClosedJaxpr(inner, jvp_j.consts)
    consts, init, xs = primals[:nc], primals[nc:nc + nk], primals[nc + nk:]
    ct = [t for t in tangents[:nc] if type(t) is not Zero]
    kt = [instantiate_zeros(t) for t, z in zip(tangents[nc:nc + nk], carry_nz) if z]
    xt = [t for t in tangents[nc + nk:] if type(t) is not Zero]
    outs = scan_p.bind(*consts, *ct, *init, *kt, *xs, *xt,
                       **_scan_params(jvp_j, length, reverse, unroll, nc + n_ct, nk + n_kt,
                                      _split_transpose))
    carry, carry_t = outs[:nk], iter(outs[nk:nk + n_kt])
    ys, ys_t = outs[nk + n_kt:nk + n_kt + n_ys], iter(outs[nk + n_kt + n_ys:])
    out_avals = _scan_abstract_eval(jaxpr=jaxpr, length=length, num_carry=nk)
    carry_tan = [next(carry_t) if z else Zero(a.to_tangent_aval())
                 for a, z in zip(out_avals[:nk], carry_nz)]
    ys_tan = [next(ys_t) if z else Zero(a.to_tangent_aval())
              for a, z in zip(out_avals[nk:], ys_nz)]
    return [*carry, *ys], [*carry_tan, *ys_tan]


def _scan_partial_eval(trace, args, *, jaxpr, length, reverse, linear, unroll, num_consts,
                       num_carry, _split_transpose):
    del linear  # unused
    nc, nk = num_consts, num_carry
    uk = [trace.is_unknown(a) for a in args]
    const_uk, carry_uk, xs_uk = uk[:nc], uk[nc:nc + nk], uk[nc + nk:]
    n_ys = len(jaxpr.out_avals) - nk
    for _ in range(nk + 1):
        _, _, out_uk, _ = pe.partial_eval_jaxpr_nounits(
            jaxpr, const_uk + carry_uk + xs_uk, instantiate=carry_uk + [False] * n_ys)
        new = [a or b for a, b in zip(carry_uk, out_uk[:nk])]
        if new == carry_uk:
            break
        carry_uk = new
    known, unknown, out_uk, num_res = pe.partial_eval_jaxpr_nounits(
        jaxpr, const_uk + carry_uk + xs_uk, instantiate=carry_uk + [False] * n_ys)
    ys_uk = out_uk[nk:]
    consts, init, xs = args[:nc], args[nc:nc + nk], args[nc + nk:]
    k_consts = [c for c, u in zip(consts, const_uk) if not u]
    k_init = [c for c, u in zip(init, carry_uk) if not u]
    k_xs = [c for c, u in zip(xs, xs_uk) if not u]
    n_kcarry = len(k_init)
    n_kys = n_ys - sum(ys_uk)
    # A residual that is just a known const forwarded (a weight matrix, say) is loop
    # invariant: hand the const to the unknown scan instead of stacking `length` copies.
    known, hoisted = _drop_forwarded_const_residuals(known, len(k_consts), n_kcarry + n_kys)
    with set_current_trace(trace.parent):
        k_outs = scan_p.bind(*k_consts, *k_init, *k_xs,
                             **_scan_params(known, length, reverse, unroll, len(k_consts),
                                            n_kcarry, _split_transpose))
    k_carry = k_outs[:n_kcarry]
    k_ys = k_outs[n_kcarry:n_kcarry + n_kys]
    stacked = iter(k_outs[n_kcarry + n_kys:])
    res_consts, res_xs, res_const_pos, res_xs_pos = [], [], [], []
    for j in range(num_res):
        if hoisted[j] is not None:
            res_consts.append(k_consts[hoisted[j]])
            res_const_pos.append(j)
        else:
            res_xs.append(next(stacked))
            res_xs_pos.append(j)
    # unknown body takes [res, uk consts, uk carry, uk xs]; the scan wants
    # [hoisted res, uk consts | uk carry | stacked res, uk xs]
    u_consts = [c for c, u in zip(consts, const_uk) if u]
    u_init = [c for c, u in zip(init, carry_uk) if u]
    u_xs = [c for c, u in zip(xs, xs_uk) if u]
    n_uc, n_uk = len(u_consts), len(u_init)
    order = (res_const_pos + list(range(num_res, num_res + n_uc + n_uk)) + res_xs_pos
             + list(range(num_res + n_uc + n_uk, num_res + n_uc + n_uk + len(u_xs))))
    from pyjax._src.lax.control_flow.common import permute_invars
    unknown = ClosedJaxpr(permute_invars(unknown.jaxpr, order), unknown.consts)
    u_outs = trace.stage_primitive(
        scan_p, [*res_consts, *u_consts, *u_init, *res_xs, *u_xs],
        _scan_params(unknown, length, reverse, unroll, len(res_consts) + n_uc, n_uk,
                     _split_transpose))
    kc, uc = iter(k_carry), iter(u_outs[:n_uk])
    ky, uy = iter(k_ys), iter(u_outs[n_uk:])
    carry_out = [next(uc) if u else next(kc) for u in carry_uk]
    ys_out = [next(uy) if u else next(ky) for u in ys_uk]
    return [*carry_out, *ys_out]


def _drop_forwarded_const_residuals(known: ClosedJaxpr, n_consts: int, n_outs: int):
    """Residual outputs of ``known`` that are const inputs passed straight through.

    Returns the jaxpr without them and, per residual, the index of the const it
    forwards (None for residuals that stay stacked outputs).
    """
    jaxpr = known.jaxpr
    const_pos = {v: i for i, v in enumerate(jaxpr.invars[:n_consts])}
    res = jaxpr.outvars[n_outs:]
    hoisted = [const_pos.get(v) if isinstance(v, Var) else None for v in res]
    if not any(h is not None for h in hoisted):
        return known, hoisted
    kept = [v for v, h in zip(res, hoisted) if h is None]
    new = jaxpr.replace(outvars=[*jaxpr.outvars[:n_outs], *kept])
    return ClosedJaxpr(new, known.consts), hoisted


def _scan_transpose(cts, *args, jaxpr, length, reverse, linear, unroll, num_consts, num_carry,
                    _split_transpose):
    del linear  # unused
    nc, nk = num_consts, num_carry
    lin = [tr.is_undefined_primal(a) for a in args]
    const_lin, carry_lin, xs_lin = lin[:nc], lin[nc:nc + nk], lin[nc + nk:]
    # Every carry of a linear scan is linear; a known init (e.g. an instantiated zero
    # tangent) is a constant term whose cotangent is simply not returned.
    consts, xs = args[:nc], args[nc + nk:]
    res_consts = [c for c, lnr in zip(consts, const_lin) if not lnr]
    res_xs = [x for x, lnr in zip(xs, xs_lin) if not lnr]
    lin_const_avals = [a.aval for a, lnr in zip(consts, const_lin) if lnr]
    carry_avals = jaxpr.in_avals[nc:nc + nk]
    ct_carry = [instantiate_zeros(c) for c in cts[:nk]]
    ct_ys = [instantiate_zeros(c) for c in cts[nk:]]
    ct_consts_init = [zeros_like_aval(a.to_tangent_aval()) for a in lin_const_avals]
    body = jaxpr
    in_avals = body.in_avals

    def body_t(*a):
        n_rc, n_lc = len(res_consts), len(lin_const_avals)
        rc, acc, ctc = a[:n_rc], a[n_rc:n_rc + n_lc], a[n_rc + n_lc:n_rc + n_lc + nk]
        rest = a[n_rc + n_lc + nk:]
        rx, cty = rest[:len(res_xs)], rest[len(res_xs):]
        rc_it, rx_it = iter(rc), iter(rx)
        primals = ([tr.UndefinedPrimal(av) if lnr else next(rc_it)
                    for av, lnr in zip(in_avals[:nc], const_lin)]
                   + [tr.UndefinedPrimal(av) for av in carry_avals]
                   + [tr.UndefinedPrimal(av) if lnr else next(rx_it)
                      for av, lnr in zip(in_avals[nc + nk:], xs_lin)])
        cts_in = tr.backward_pass(body.jaxpr, body.consts, primals, [*ctc, *cty])
        cts_in = [instantiate_zeros(c) if c is not None else None for c in cts_in]
        c_consts = [c for c, lnr in zip(cts_in[:nc], const_lin) if lnr]
        new_acc = [_add(ac, cc) for ac, cc in zip(acc, c_consts)]
        c_carry = cts_in[nc:nc + nk]
        c_xs = [c for c, lnr in zip(cts_in[nc + nk:], xs_lin) if lnr]
        return [*new_acc, *c_carry, *c_xs]

    x_avals = [a for a, lnr in zip(in_avals[nc + nk:], xs_lin) if not lnr]
    ct_y_avals = [a.to_tangent_aval() for a in jaxpr.out_avals[nk:]]
    t_in_avals = ([get_aval(r) for r in res_consts] + [a.to_tangent_aval()
                                                       for a in lin_const_avals]
                  + [a.to_tangent_aval() for a in carry_avals] + x_avals + ct_y_avals)
    body_t_j = trace_to_closed_jaxpr(body_t, t_in_avals)
    n_acc = len(lin_const_avals)
    outs = scan_p.bind(*res_consts, *ct_consts_init, *ct_carry, *res_xs, *ct_ys,
                       **_scan_params(body_t_j, length, not reverse, unroll, len(res_consts),
                                      n_acc + nk, _split_transpose))
    ct_lin_consts, ct_init, ct_lin_xs = iter(outs[:n_acc]), outs[n_acc:n_acc + nk], \
        iter(outs[n_acc + nk:])
    result = [next(ct_lin_consts) if lnr else None for lnr in const_lin]
    result += [c if lnr else None for c, lnr in zip(ct_init, carry_lin)]
    result += [next(ct_lin_xs) if lnr else None for lnr in xs_lin]
    return result


def _add(x, y):
    from pyjax._src.interpreters.ad_util import add_tangents
    return add_tangents(x, y)


def _scan_batch_rule(axis_data, vals, dims, *, jaxpr, length, reverse, linear, unroll,
                     num_consts, num_carry, _split_transpose):
    del linear  # unused
    nc, nk = num_consts, num_carry
    size = axis_data.size
    consts, init, xs = vals[:nc], vals[nc:nc + nk], vals[nc + nk:]
    cdims, idims, xdims = dims[:nc], dims[nc:nc + nk], dims[nc + nk:]
    # batched xs: batch axis 1 (the scan axis stays 0); the body sees it at 0
    xs = [x if d is not_mapped else batching.moveaxis(x, d, 1) for x, d in zip(xs, xdims)]
    body_xdims = [not_mapped if d is not_mapped else 0 for d in xdims]
    carry_b = [d is not not_mapped for d in idims]
    for _ in range(nk + 1):
        cdims_b = [0 if b else not_mapped for b in carry_b]
        _, found = batching.batch_jaxpr(jaxpr, axis_data, [*cdims, *cdims_b, *body_xdims])
        new = [a or d is not not_mapped for a, d in zip(carry_b, found[:nk])]
        if new == carry_b:
            break
        carry_b = new
    carry_dims = [0 if b else not_mapped for b in carry_b]
    _, found = batching.batch_jaxpr(jaxpr, axis_data, [*cdims, *carry_dims, *body_xdims])
    ys_dims = [not_mapped if d is not_mapped else 0 for d in found[nk:]]
    body_b, _ = batching.batch_jaxpr(jaxpr, axis_data, [*cdims, *carry_dims, *body_xdims],
                                     [*carry_dims, *ys_dims])
    init = [batching.matchaxis(d, cd, size, x) for x, d, cd in zip(init, idims, carry_dims)]
    outs = scan_p.bind(*consts, *init, *xs,
                       **_scan_params(body_b, length, reverse, unroll, nc, nk,
                                      _split_transpose))
    out_dims = carry_dims + [not_mapped if d is not_mapped else 1 for d in ys_dims]
    return outs, out_dims


def _pp_scan(eqn, ctx):
    """JAX prints scan without its default ``linear`` and ``_split_transpose`` params."""
    from pyjax._src.core.pretty import pp_eqn_with_params
    params = dict(eqn.params)
    if not any(params["linear"]):
        del params["linear"]
    if not params["_split_transpose"]:
        del params["_split_transpose"]
    return pp_eqn_with_params(eqn, ctx, params)


scan_p.def_impl(_scan_impl)
scan_p.def_abstract_eval(_scan_abstract_eval)
scan_p.def_weak_type_rule(lambda weak_in, *, jaxpr, **_: [
    a.weak_type for a in jaxpr.out_avals])
ad.primitive_jvps[scan_p] = _scan_jvp
ad.primitive_transposes[scan_p] = _scan_transpose
pe.partial_eval_rules[scan_p] = _scan_partial_eval
pp_eqn_rules[scan_p] = _pp_scan
batching.primitive_batchers[scan_p] = _scan_batch_rule


# -- fori_loop and map ----------------------------------------------------------------------------


def _concrete_int(x):
    if isinstance(x, Tracer):
        v = x.to_concrete_value()
        return None if v is None else int(v)
    return int(x)


def fori_loop(lower, upper, body_fun: Callable, init_val, *, unroll: int | bool | None = None):
    """``for i in range(lower, upper): val = body_fun(i, val)``.

    With concrete bounds the loop is a ``scan`` (reverse-differentiable, as in
    JAX); with traced bounds it is a ``while_loop``.
    """
    from pyjax._src import dtypes
    from pyjax._src.lax.structural import convert_element_type
    lo_c, hi_c = _concrete_int(lower), _concrete_int(upper)
    dtype = dtypes.result_type(lower, upper)
    if lo_c is not None and hi_c is not None and not config.jax_disable_jit:
        lower_arr = convert_element_type(lower, dtype) if isinstance(lower, Tracer) else \
            np.asarray(lo_c, dtype)

        def scan_body(carry, _):
            i, x = carry
            from pyjax._src.lax.elementwise import add
            return (add(i, np.asarray(1, dtype)), body_fun(i, x)), None

        (_, result), _ = scan(scan_body, (lower_arr, init_val), None,
                              length=max(hi_c - lo_c, 0), unroll=unroll or 1)
        return result
    if config.jax_disable_jit and lo_c is not None and hi_c is not None:
        val = init_val
        for i in range(lo_c, hi_c):
            val = body_fun(np.asarray(i, dtype), val)
        return val
    # bounds keep their weak type when already of the loop's dtype (no staged convert, as JAX)
    lower, upper = (x if get_aval(x).dtype == dtype else convert_element_type(x, dtype)
                    for x in (lower, upper))

    def cond(c):
        from pyjax._src.lax.elementwise import lt
        return lt(c[0], c[1])

    def body(c):
        from pyjax._src.lax.elementwise import add
        i, hi, x = c
        return add(i, np.asarray(1, dtype)), hi, body_fun(i, x)

    return while_loop(cond, body, (lower, upper, init_val))[2]


def map(f: Callable, xs, *, batch_size: int | None = None):  # noqa: A001 (JAX's name)
    """``stack([f(x) for x in xs])`` as a scan (``batch_size``: vmap chunks of that size)."""
    if batch_size is not None:
        return _batched_map(f, xs, batch_size)
    _, ys = scan(lambda _, x: ((), f(x)), (), xs)
    return ys


def _batched_map(f, xs, batch_size: int):
    from pyjax._src.lax.structural import reshape
    from pyjax._src.tree_util import tree_map
    from pyjax._src.vmap_api import vmap
    leaves = tree_flatten(xs)[0]
    n = get_aval(leaves[0]).shape[0]
    n_full, rem = divmod(n, batch_size)
    from pyjax._src.lax.slicing import slice_in_dim
    from pyjax._src.lax.structural import concatenate

    def head(x):
        x = slice_in_dim(x, 0, n_full * batch_size)
        return reshape(x, (n_full, batch_size) + get_aval(x).shape[1:])

    ys = map(vmap(f), tree_map(head, xs)) if n_full else None
    ys = tree_map(lambda y: reshape(y, (n_full * batch_size,) + get_aval(y).shape[2:]), ys) \
        if ys is not None else None
    if rem:
        tail = vmap(f)(tree_map(lambda x: slice_in_dim(x, n_full * batch_size, n), xs))
        ys = tail if ys is None else tree_map(lambda a, b: concatenate([a, b], 0), ys, tail)
    return ys
