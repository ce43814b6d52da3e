"""Public helper types and the flat wrappers around user-supplied derivative rules.

Split out of :mod:`pyjax._src.custom_derivatives` (see its module docstring for
the flat calling conventions): ``SymbolicZero`` / ``CustomVJPPrimal``, the
argument-handling utilities of the ``custom_jvp`` / ``custom_vjp`` decorators,
and the wrappers that flatten the user's ``jvp`` / ``fwd`` / ``bwd`` rules and
check what they return.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from pyjax._src import dtypes
from pyjax._src.api_util import fun_name
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.trace import Tracer
from pyjax._src.errors import UnexpectedTracerError
from pyjax._src.interpreters import ad
from pyjax._src.interpreters.ad_util import Zero, zeros_like_aval
from pyjax._src.tree_util import (keystr, tree_flatten, tree_flatten_with_path, tree_leaves,
                                  tree_map, tree_unflatten, treedef_children)


# -- public helper types -------------------------------------------------------------------


class SymbolicZero:
    """A zero (co)tangent passed to rules defined with ``symbolic_zeros=True``.

    It has the ``shape`` and ``dtype`` of the tangent it stands for; call
    ``instantiate()`` for an array of zeros.
    """

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray):
        self.aval = aval

    def __bool__(self):
        return False

    @property
    def shape(self):
        return self.aval.shape

    @property
    def dtype(self):
        return self.aval.dtype

    @staticmethod
    def from_primal_value(val) -> "SymbolicZero":
        return SymbolicZero(get_aval(val).to_tangent_aval())

    def instantiate(self):
        return zeros_like_aval(self.aval)

    def __repr__(self):
        return f"SymbolicZero({self.aval.str_short()})"


class CustomVJPPrimal:
    """A ``fwd`` argument leaf under ``symbolic_zeros=True``: ``value`` and ``perturbed``."""

    __slots__ = ("value", "perturbed")

    def __init__(self, value: Any, perturbed: bool):
        self.value = value
        self.perturbed = perturbed

    def __repr__(self):
        return f"CustomVJPPrimal(value={self.value!r}, perturbed={self.perturbed})"

    def __eq__(self, other):
        return (type(other) is CustomVJPPrimal and self.value is other.value
                and self.perturbed == other.perturbed)

    __hash__ = None


def custom_vjp_primal_tree_values(tree):
    """Replace each ``CustomVJPPrimal`` leaf of ``tree`` by its ``value``."""
    def value(leaf):
        if type(leaf) is not CustomVJPPrimal:
            raise TypeError(f"unexpected leaf type {type(leaf)}")
        return leaf.value
    return tree_map(value, tree)


def zero_from_primal(val, symbolic_zeros: bool = False):
    """Zero tangents shaped like the pytree ``val`` (``SymbolicZero`` s if asked)."""
    def zero(x):
        aval = get_aval(x).to_tangent_aval()
        return SymbolicZero(aval) if symbolic_zeros else zeros_like_aval(aval)
    return tree_map(zero, val)


# -- small utilities -----------------------------------------------------------------------


class _Store:
    """Output-type cell written by whichever of the flat functions ran (may run again)."""

    __slots__ = ("val",)

    def __init__(self):
        self.val = None


def _signature(fun):
    try:
        return inspect.signature(fun)
    except (TypeError, ValueError):
        return None


def _needs_binding(sig) -> bool:
    """Whether calls must go through ``sig.bind`` (defaults or keyword-only parameters)."""
    if sig is None:
        return False
    return any(p.default is not p.empty or p.kind is p.KEYWORD_ONLY
               for p in sig.parameters.values())


def _resolve_kwargs(sig, needs_binding: bool, args: tuple, kwargs: dict) -> tuple:
    """Positional arguments only, with defaults filled in (as JAX's ``resolve_kwargs``)."""
    if not kwargs and not needs_binding:
        return args
    if sig is None:
        if kwargs:
            raise TypeError("keyword arguments could not be resolved to positions")
        return args
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    if bound.kwargs:
        passed = [k for k in bound.kwargs if k in kwargs]
        if passed:
            raise TypeError("The following keyword arguments could not be resolved to "
                            f"positions: {', '.join(passed)}")
    return bound.args


def _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames) -> tuple:
    nums = set(nondiff_argnums or ())
    if nondiff_argnames:
        sig = _signature(fun)
        names = [p.name for p in sig.parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        for n in nondiff_argnames:
            if n not in names:
                raise ValueError(f"nondiff_argnames {n!r} is not a positional parameter of "
                                 f"{fun_name(fun)}")
            nums.add(names.index(n))
    return tuple(sorted(nums))


def _stop_gradient(x):
    """``lax.stop_gradient`` on the tracer leaves of ``x`` (other leaves pass through)."""
    try:
        from pyjax._src.lax.ad_ops import stop_gradient
    except ImportError:  # the ad_ops family is not there yet: strip JVP tangents directly
        stop_gradient = None

    def stop(leaf):
        if not isinstance(leaf, Tracer):
            return leaf
        if stop_gradient is not None:
            return stop_gradient(leaf)
        while isinstance(leaf, ad.JVPTracer):
            leaf = leaf.primal
        return leaf
    return tree_map(stop, x)


def _split_args(args, nondiff_argnums):
    nondiff = set(nondiff_argnums)
    static = [args[i] for i in nondiff_argnums]
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)
    return static, dyn


def _fill_args(n, nondiff_argnums, static, dyn):
    """Inverse of ``_split_args``: the full positional tuple."""
    nondiff = dict(zip(nondiff_argnums, static))
    it = iter(dyn)
    return tuple(nondiff[i] if i in nondiff else next(it) for i in range(n))


def _aval_tree_str(tree, avals) -> str:
    return str(tree_unflatten(tree, [a.str_short() for a in avals])).replace("'", "")


def _same_type(a: ShapedArray, b: ShapedArray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype


def _zero_out(x):
    """Tangent outputs: float0 arrays and ``SymbolicZero`` s become ``Zero`` s."""
    if type(x) is SymbolicZero:
        return Zero(x.aval)
    if getattr(x, "dtype", None) == dtypes.float0:
        return Zero(ShapedArray(np.shape(x), dtypes.float0))
    return x


# -- custom_jvp: flat rule wrappers ---------------------------------------------------------


def _add_tangent_leaves(x, y):
    if type(x) is SymbolicZero or getattr(x, "dtype", None) == dtypes.float0:
        return y
    if type(y) is SymbolicZero or getattr(y, "dtype", None) == dtypes.float0:
        return x
    from pyjax._src.interpreters.ad_util import add_any_p
    return add_any_p.bind(x, y)


def _flat_fun(f: Callable, in_tree, store: _Store) -> Callable:
    def flat_fun(*args_flat):
        out = f(*tree_unflatten(in_tree, args_flat))
        out_flat, out_tree = tree_flatten(out)
        store.val = (out_tree, [get_aval(o) for o in out_flat])
        return out_flat
    return flat_fun


def _flat_jvp(rule: Callable, in_tree, store: _Store, primal_name: str, jvp_name: str,
              symbolic_zeros: bool) -> Callable:
    def flat_jvp(*args):
        n = len(args) // 2
        tangents = [SymbolicZero(t.aval) if type(t) is Zero else t for t in args[n:]]
        pair = rule(tree_unflatten(in_tree, args[:n]), tree_unflatten(in_tree, tangents))
        primals_out, tangents_out, out_tree = _check_jvp_output(
            pair, store, primal_name, jvp_name)
        store.val = (out_tree, [get_aval(p) for p in primals_out])
        return [*primals_out, *map(_zero_out, tangents_out)]
    del symbolic_zeros  # the trace instantiates zeros when the rule did not ask for them
    return flat_jvp


def _check_jvp_output(pair, store, primal_name, jvp_name):
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise TypeError(f"Custom JVP rule {jvp_name} for function {primal_name} must produce "
                        "a pair (list or tuple of length two) representing primal and tangent "
                        f"outputs, but got {pair}.")
    primals_out, out_tree = tree_flatten(pair[0])
    tangents_out, out_tree2 = tree_flatten(pair[1])
    if out_tree != out_tree2:
        raise TypeError(f"Custom JVP rule {jvp_name} for function {primal_name} must produce "
                        "primal and tangent outputs with equal container (pytree) structures, "
                        f"but got {out_tree} and {out_tree2} respectively.")
    primal_avals = [get_aval(p) for p in primals_out]
    if store.val is not None:
        _check_primal_agreement(store.val, out_tree, primal_avals, primal_name,
                                f"Custom JVP rule {jvp_name} for function {primal_name}",
                                "JVP rule", "custom_jvp")
    expected = [a.strip_weak_type().to_tangent_aval() for a in primal_avals]
    got = [t.aval.strip_weak_type() if type(t) is SymbolicZero else
           get_aval(t).strip_weak_type() for t in tangents_out]
    if any(not _same_type(e, g) for e, g in zip(expected, got)):
        if len(expected) == 1:
            raise TypeError("Custom JVP rule must produce primal and tangent outputs with "
                            f"corresponding shapes and dtypes. Expected {expected[0].str_short()}"
                            f" (tangent type of {primal_avals[0].strip_weak_type().str_short()})"
                            f" but got {got[0].str_short()}.")
        lines = "\n".join(
            f"  primal {p.strip_weak_type().str_short()} with tangent {g.str_short()}, "
            f"expecting tangent {e.str_short()}"
            for p, e, g in zip(primal_avals, expected, got) if not _same_type(e, g))
        raise TypeError("Custom JVP rule must produce primal and tangent outputs with "
                        f"corresponding shapes and dtypes, but got:\n{lines}")
    return primals_out, tangents_out, out_tree


def _check_primal_agreement(prev, out_tree, primal_avals, primal_name, who, what, kind):
    prev_tree, prev_avals = prev
    first = (f"{who} must produce a pair (list or tuple of length two) where the first "
             f"element represents the primal output (equal in value to the output of the "
             f"{kind}-decorated function {primal_name}, ")
    if prev_tree != out_tree:
        raise TypeError(first + "and in particular of the same container/pytree structure), "
                        f"but instead the {what} output's first element had container/pytree "
                        f"structure:\n    {_aval_tree_str(out_tree, primal_avals)}\nwhile the "
                        f"{kind}-decorated function {primal_name} had output container/pytree "
                        f"structure:\n    {_aval_tree_str(prev_tree, prev_avals)}.")
    if any(not _same_type(a, b) for a, b in zip(primal_avals, prev_avals)):
        raise TypeError(first + "and in particular with leaves of the same shape/dtype), but "
                        f"instead the {what} output's first element had shapes/dtypes of:\n"
                        f"    {_aval_tree_str(out_tree, primal_avals)}\nwhile the "
                        f"{kind}-decorated function {primal_name} had output shapes/dtypes "
                        f"of:\n    {_aval_tree_str(prev_tree, prev_avals)}")


# -- custom_vjp: flat rule wrappers ---------------------------------------------------------


def _check_for_tracers(x):
    for leaf in tree_leaves(x):
        if isinstance(leaf, Tracer):
            raise UnexpectedTracerError(
                "Found a JAX Tracer object passed as an argument to a custom_vjp function in a "
                "position indicated by nondiff_argnums as non-differentiable. Tracers cannot "
                "be passed as non-differentiable arguments to custom_vjp functions; instead, "
                "nondiff_argnums should only be used for arguments that can't be or contain "
                "JAX tracers, e.g. function-valued arguments. In particular, array-valued "
                "arguments should typically not be indicated as nondiff_argnums.")


def _flat_fwd(fwd: Callable, in_tree, store: _Store, res_store: _Store, primal_name: str,
              fwd_name: str, symbolic_zeros: bool) -> Callable:
    def flat_fwd(*primals, perturbed=None):
        if symbolic_zeros:
            perturbed = perturbed if perturbed is not None else [True] * len(primals)
            primals = [CustomVJPPrimal(p, z) for p, z in zip(primals, perturbed, strict=True)]
        pair = fwd(*tree_unflatten(in_tree, primals))
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TypeError(
                f"Custom VJP fwd rule {fwd_name} for function {primal_name} must produce a "
                "pair (list or tuple of length two) where the first element represents the "
                f"primal output (equal to those of the custom_vjp-decorated function "
                f"{primal_name}) and the second element represents residuals (i.e. values "
                "stored from the forward pass for use on the backward pass), but instead of a "
                f"pair the fwd rule {fwd_name} produced {pair}.")
        outs, out_tree = tree_flatten(pair[0])
        res, res_tree = tree_flatten(pair[1])
        avals = [get_aval(o) for o in outs]
        if store.val is not None:
            _check_primal_agreement(store.val, out_tree, avals, primal_name,
                                    f"Custom VJP fwd rule {fwd_name} for function "
                                    f"{primal_name}", "fwd rule", "custom_vjp")
        store.val = (out_tree, avals)
        res_store.val = res_tree
        return res, outs
    return flat_fwd


def _flat_bwd(bwd: Callable, in_tree, in_avals, store: _Store, res_store: _Store,
              symbolic_zeros: bool) -> Callable:
    def flat_bwd(*args):
        res_tree = res_store.val
        num_res = res_tree.num_leaves
        res, cts = args[:num_res], args[num_res:]
        cts = [SymbolicZero(c.aval) if type(c) is Zero else c for c in cts]
        if not symbolic_zeros:
            cts = [c.instantiate() if type(c) is SymbolicZero else c for c in cts]
        cts_in = bwd(tree_unflatten(res_tree, res), tree_unflatten(store.val[0], cts))
        return _flatten_bwd_output(cts_in, in_tree, in_avals)
    return flat_bwd


_NONE_CT = object()  # marks a None (zero) cotangent from bwd while flattening


def _flatten_bwd_output(cts_in, in_tree, in_avals) -> list:
    if isinstance(cts_in, list) and len(cts_in) == len(treedef_children(in_tree)):
        cts_in = tuple(cts_in)
    dummy = tree_unflatten(in_tree, [object()] * in_tree.num_leaves)
    keypaths = [kp for kp, _ in tree_flatten_with_path(dummy)[0]]
    flat: list = []

    def append(x, d):
        n = len(tree_leaves(d))
        if x is None and d is not None:
            flat.extend([_NONE_CT] * n)
        elif x is not None:
            flat.extend([x] * n)
        return x
    try:
        if not isinstance(cts_in, tuple):
            raise ValueError
        tree_map(append, cts_in, dummy, is_leaf=lambda x: x is None)
    except ValueError:
        raise TypeError(
            "Custom VJP bwd rule must produce an output with the same container (pytree) "
            "structure as the args tuple of the primal function, and in particular must "
            "produce a tuple of length equal to the number of arguments to the primal "
            f"function, but got bwd output structure {tree_flatten(cts_in)[1]} for primal "
            f"input structure {in_tree}.") from None
    return [_bwd_leaf(kp, a, ct) for kp, a, ct in zip(keypaths, in_avals, flat, strict=True)]


def _bwd_leaf(kp, aval, ct):
    t_aval = aval.to_tangent_aval()
    if ct is _NONE_CT or t_aval.dtype == dtypes.float0:
        return Zero(t_aval)
    if type(ct) is SymbolicZero:
        if not _same_type(ct.aval, t_aval):
            raise ValueError(
                "Custom VJP bwd rule produced a SymbolicZero with a shape/dtype that does not "
                "match the corresponding input tangent shape/dtype: at output"
                f"{keystr(kp)} the SymbolicZero had shape/dtype {ct.aval.str_short()} while "
                f"the corresponding input had shape/dtype {aval.str_short()}. Consider just "
                "returning a None here instead of a SymbolicZero object.")
        return Zero(t_aval)
    ct_aval = get_aval(ct)
    if ct_aval.shape != t_aval.shape or (
            ct_aval.dtype != t_aval.dtype and not dtypes.issubdtype(aval.dtype, np.inexact)):
        raise ValueError(
            "Custom VJP bwd rule must produce an output with the same shape/dtypes as the "
            f"args tuple of the primal function, but at output{keystr(kp)} the bwd rule "
            f"produced an output of shape/dtype {ct_aval.str_short()} corresponding to an "
            f"input of shape/dtype {aval.str_short()}.")
    if ct_aval.dtype != t_aval.dtype:
        # JAX accepts any float dtype here; casting keeps the cotangent sums well typed
        from pyjax._src.lax.structural import convert_element_type
        ct = convert_element_type(ct, t_aval.dtype)
    return ct
