"""User-defined derivative rules: ``custom_jvp``, ``custom_vjp`` and friends.

    custom_jvp : (a -> b) -> ((a, T a) -> (b, T b)) -> (a -> b)
    custom_vjp : (a -> b) -> (a -> (b, r)) -> ((r, CT b) -> CT a) -> (a -> b)

A decorated function flattens its arguments and binds ``custom_jvp_call_p`` /
``custom_vjp_call_p`` with *flat* Python callables; the primitives override
``bind`` so the current trace decides what to run (``process_custom_jvp_call``
/ ``process_custom_vjp_call``, see core/trace.py):

  * eval:      run ``fun``;
  * JVP:       run the user's rule (custom_jvp), or ``fwd`` plus a linear
               ``custom_lin`` whose transpose is ``bwd`` (custom_vjp; see
               ``custom_vjp_jvp``);
  * batching:  vmap ``fun``/``jvp``/``fwd``/``bwd`` and re-bind at the parent
               (``batch_custom_jvp_call`` / ``batch_custom_vjp_call``);
  * staging:   trace ``fun`` to ``call_jaxpr`` and record one equation whose
               params keep the rules (``stage_custom_jvp_call`` /
               ``stage_custom_vjp_call``).  Values ``fun`` closes over become
               the first ``num_consts`` inputs of the equation.

Flat calling conventions (internal, every function below relies on them):

  * ``fun(*args) -> list``
  * ``jvp(*primals, *tangents) -> [*primals_out, *tangents_out]``; tangents may
    be ``ad_util.Zero`` only when ``symbolic_zeros`` is set (inputs) and for
    float0/zero outputs (always allowed).
  * ``fwd(*primals, perturbed=list[bool]) -> (residuals, primals_out)``
  * ``bwd(*residuals, *cts_out) -> list`` of input cotangents, ``Zero`` for none.

An equation evaluated by ``eval_jaxpr`` calls ``bind(*args, **params)``: the
primitive rebuilds ``fun`` from ``call_jaxpr`` and lifts the stored rules over
the ``num_consts`` leading inputs (whose tangents a custom_jvp rule ignores
and a custom_vjp rule refuses, as in JAX).

NOTE[custom-vjp-jvp]: forward mode through a custom_vjp function is an error,
raised lazily: ``custom_lin`` is linear in the tangents, so linearize stages it
and transposition calls ``bwd``; evaluating it (jvp) raises JAX's TypeError.
"""
from __future__ import annotations

from functools import update_wrapper
from typing import Callable, Sequence

from pyjax._src import dtypes
from pyjax._src.api_util import flatten_fun_nokwargs, fun_name
from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import Tracer
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.interpreters.staging import (convert_constvars_jaxpr,
                                             trace_to_jaxpr)
from pyjax._src.tree_util import (register_pytree_node_class, tree_flatten, tree_map,
                                  tree_unflatten, treedef_is_leaf)

# the primitives and their interpreter rules (re-exported: the traces import them from here)
from pyjax._src.custom_call_primitives import (
    CustomJVPCallPrimitive as CustomJVPCallPrimitive,
    CustomVJPCallPrimitive as CustomVJPCallPrimitive,
    CustomVJPException as CustomVJPException,
    _Named,
    _run_jaxpr_numpy,
    _to_front,
    batch_custom_jvp_call as batch_custom_jvp_call,
    batch_custom_vjp_call as batch_custom_vjp_call,
    custom_jvp_call_p as custom_jvp_call_p,
    custom_lin_p as custom_lin_p,
    custom_vjp_call_p as custom_vjp_call_p,
    custom_vjp_jvp as custom_vjp_jvp,
    pp_params_in_order as pp_params_in_order,
    stage_custom_jvp_call as stage_custom_jvp_call,
    stage_custom_vjp_call as stage_custom_vjp_call,
)
# public helper types, decorator utilities and flat rule wrappers
from pyjax._src.custom_rule_wrappers import (
    CustomVJPPrimal as CustomVJPPrimal,
    SymbolicZero as SymbolicZero,
    _add_tangent_leaves,
    _check_for_tracers,
    _fill_args,
    _flat_bwd,
    _flat_fun,
    _flat_fwd,
    _flat_jvp,
    _needs_binding,
    _nondiff_argnums,
    _resolve_kwargs,
    _signature,
    _split_args,
    _stop_gradient,
    _Store,
    custom_vjp_primal_tree_values as custom_vjp_primal_tree_values,
    zero_from_primal as zero_from_primal,
)

# defined in the modules above but public here: keep their reprs/tracebacks unchanged
for _cls in (SymbolicZero, CustomVJPPrimal, CustomVJPException):
    _cls.__module__ = __name__
del _cls


# -- custom_jvp -----------------------------------------------------------------------------


class custom_jvp:
    """Set up a JAX-transformable function for a custom JVP rule definition.

    Instances are callables that behave like ``fun``, except under
    differentiation, where the rule given to :meth:`defjvp` (or
    :meth:`defjvps`) replaces differentiating through ``fun``.

    Args:
      fun: the primal function.
      nondiff_argnums: positions of arguments that are not differentiated
        (e.g. functions or static configuration); the JVP rule receives them
        first, before the ``primals`` and ``tangents`` tuples.
      nondiff_argnames: the same, by parameter name.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> @pyjax.custom_jvp
      ... def f(x):
      ...   return lax.sin(x)
      >>> @f.defjvp
      ... def f_jvp(primals, tangents):
      ...   (x,), (t,) = primals, tangents
      ...   return f(x), lax.mul(2.0, t)
      >>> float(pyjax.grad(f)(1.0))
      2.0
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (),
                 nondiff_argnames: Sequence[str] = ()):
        update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames)
        self.jvp = None
        self.symbolic_zeros = False
        self._sig = _signature(fun)
        self._needs_binding = _needs_binding(self._sig)

    def __getattr__(self, name):
        # attributes of the wrapped function (e.g. set by other decorators)
        if name in ("fun", "__wrapped__"):
            raise AttributeError(name)
        return getattr(self.fun, name)

    def defjvp(self, jvp: Callable, symbolic_zeros: bool = False) -> Callable:
        """Define the JVP rule ``jvp(primals, tangents) -> (primal_out, tangent_out)``.

        With ``nondiff_argnums`` the rule is ``jvp(*nondiff_args, primals,
        tangents)``.  With ``symbolic_zeros=True`` unperturbed inputs get
        ``SymbolicZero`` tangents, and the rule may return ``SymbolicZero`` s.
        Returns ``jvp``, so this works as a decorator.
        """
        self.jvp = jvp
        self.symbolic_zeros = symbolic_zeros
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """One rule per argument: ``jvp_i(t_i, primal_out, *primals) -> tangent contribution``.

        ``None`` marks an argument with zero derivative.
        """
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals, tangents):
            primal_out = self(*primals)
            contributions = [rule(t, primal_out, *primals)
                             for t, rule in zip(tangents, jvps, strict=True) if rule]
            if not contributions:
                return primal_out, zero_from_primal(primal_out)
            tangent_out = contributions[0]
            for c in contributions[1:]:
                tangent_out = tree_map(_add_tangent_leaves, tangent_out, c)
            return primal_out, tangent_out
        self.defjvp(jvp)

    def __call__(self, *args, **kwargs):
        primal_name = fun_name(self.fun)
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {primal_name} "
                                 "using defjvp.")
        args = _resolve_kwargs(self._sig, self._needs_binding, args, kwargs)
        if self.nondiff_argnums:
            nondiff = set(self.nondiff_argnums)
            args = tuple(_stop_gradient(a) if i in nondiff else a for i, a in enumerate(args))
            static, dyn_args = _split_args(args, self.nondiff_argnums)
            n, nums, fun = len(args), self.nondiff_argnums, self.fun
            f = lambda *dyn: fun(*_fill_args(n, nums, static, dyn))  # noqa: E731
            user_jvp = self.jvp
            rule = lambda primals, tangents: user_jvp(*static, primals, tangents)  # noqa
        else:
            f, dyn_args, rule = self.fun, args, self.jvp
        args_flat, in_tree = tree_flatten(dyn_args)
        store = _Store()
        jvp_name = fun_name(self.jvp)
        flat_fun = _Named(_flat_fun(f, in_tree, store), primal_name)
        flat_jvp = _Named(_flat_jvp(rule, in_tree, store, primal_name, jvp_name,
                                    self.symbolic_zeros), jvp_name)
        outs = custom_jvp_call_p.bind_custom(flat_fun, flat_jvp, args_flat,
                                             symbolic_zeros=self.symbolic_zeros)
        return tree_unflatten(store.val[0], outs)


# -- custom_vjp -----------------------------------------------------------------------------


class custom_vjp:
    """Set up a JAX-transformable function for a custom VJP rule definition.

    Instances behave like ``fun`` except under reverse-mode differentiation,
    where ``fwd``/``bwd`` given to :meth:`defvjp` replace differentiating
    through ``fun``.  Forward-mode differentiation (``jvp``) of the function
    raises a TypeError, as in JAX.

    Args:
      fun: the primal function.
      nondiff_argnums: positions of non-differentiable arguments (functions,
        static configuration; never arrays or tracers).  ``bwd`` receives them
        first: ``bwd(*nondiff_args, residuals, g)``.
      nondiff_argnames: the same, by parameter name.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> @pyjax.custom_vjp
      ... def f(x):
      ...   return lax.sin(x)
      >>> f.defvjp(lambda x: (f(x), lax.cos(x)), lambda c, g: (lax.mul(c, g),))
      >>> round(float(pyjax.grad(f)(0.0)), 3)
      1.0
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = (),
                 nondiff_argnames: Sequence[str] = ()):
        update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames)
        self.fwd = None
        self.bwd = None
        self.symbolic_zeros = False
        self.optimize_remat = False
        self._sig = _signature(fun)
        self._needs_binding = _needs_binding(self._sig)

    def __getattr__(self, name):
        if name in ("fun", "__wrapped__"):
            raise AttributeError(name)
        return getattr(self.fun, name)

    def defvjp(self, fwd: Callable, bwd: Callable, symbolic_zeros: bool = False,
               optimize_remat: bool = False) -> None:
        """Define the rule: ``fwd(*args) -> (out, residuals)``, ``bwd(residuals, g) -> tuple``.

        ``bwd`` returns one cotangent per argument of the primal function
        (``None`` means zero, also for a whole argument subtree).
        """
        self.fwd = fwd
        self.bwd = bwd
        self.symbolic_zeros = symbolic_zeros
        self.optimize_remat = optimize_remat
        if symbolic_zeros and optimize_remat:
            raise NotImplementedError(
                "remat optimization for custom_vjp does not support symbolic zeros")

    def __call__(self, *args, **kwargs):
        primal_name = fun_name(self.fun)
        if self.fwd is None or self.bwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {primal_name} using "
                                 "defvjp.")
        args = _resolve_kwargs(self._sig, self._needs_binding, args, kwargs)
        fwd_name, bwd_name = fun_name(self.fwd), fun_name(self.bwd)
        if self.nondiff_argnums:
            for i in self.nondiff_argnums:
                _check_for_tracers(args[i])
            static, dyn_args = _split_args(args, self.nondiff_argnums)
            n, nums, fun, user_fwd, user_bwd = (len(args), self.nondiff_argnums, self.fun,
                                                self.fwd, self.bwd)
            f = lambda *dyn: fun(*_fill_args(n, nums, static, dyn))  # noqa: E731
            fwd = lambda *dyn: user_fwd(*_fill_args(n, nums, static, dyn))  # noqa: E731
            bwd = lambda res, g: user_bwd(*static, res, g)  # noqa: E731
        else:
            f, dyn_args, fwd, bwd = self.fun, args, self.fwd, self.bwd
        args_flat, in_tree = tree_flatten(dyn_args)
        in_avals = [get_aval(a) for a in args_flat]
        store, res_store = _Store(), _Store()
        flat_fun = _Named(_flat_fun(f, in_tree, store), primal_name)
        flat_fwd = _Named(_flat_fwd(fwd, in_tree, store, res_store, primal_name, fwd_name,
                                    self.symbolic_zeros), fwd_name)
        flat_bwd = _Named(_flat_bwd(bwd, in_tree, in_avals, store, res_store,
                                    self.symbolic_zeros), bwd_name)
        out_trees = lambda: (store.val[0], res_store.val)  # noqa: E731
        outs = custom_vjp_call_p.bind_custom(flat_fun, flat_fwd, flat_bwd, args_flat,
                                             out_trees=out_trees,
                                             symbolic_zeros=self.symbolic_zeros)
        return tree_unflatten(store.val[0], outs)


# -- custom_gradient ------------------------------------------------------------------------


@register_pytree_node_class
class _Residuals:
    """custom_gradient's residuals: the staged VJP rule, its trees and its constants."""

    def __init__(self, jaxpr, in_tree, out_tree, consts):
        self.jaxpr, self.in_tree, self.out_tree, self.consts = jaxpr, in_tree, out_tree, consts

    def tree_flatten(self):
        return self.consts, (self.jaxpr, self.in_tree, self.out_tree)

    @classmethod
    def tree_unflatten(cls, aux, consts):
        return cls(*aux, list(consts))


def custom_gradient(fun: Callable) -> Callable:
    """Define a function and its VJP at once (TensorFlow's ``tf.custom_gradient`` style).

    ``fun(*args)`` returns ``(out, vjp_fn)`` where ``vjp_fn(g)`` returns one
    cotangent per argument (a bare value for a single argument).  ``vjp_fn``
    may close over values computed by ``fun`` but may not branch on them.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> @pyjax.custom_gradient
      ... def f(x):
      ...   return lax.mul(x, x), lambda g: (lax.mul(g, x),)
      >>> float(pyjax.grad(f)(3.0))
      3.0
    """
    @custom_vjp
    def wrapped_fun(*args, **kwargs):
        ans, _ = fun(*args, **kwargs)
        return ans

    def fwd(*args, **kwargs):
        ans, rule = fun(*args, **kwargs)
        ans_flat, out_tree = tree_flatten((ans,))
        flat_rule, in_tree = _flatten_rule(rule, out_tree)
        avals = [get_aval(a).to_tangent_aval() for a in ans_flat]
        jaxpr, consts = trace_to_jaxpr(flat_rule, avals)
        return ans, _Residuals(jaxpr, in_tree(), out_tree, consts)

    def bwd(res, cts):
        from pyjax._src.core.jaxpr import eval_jaxpr
        cts_flat, out_tree = tree_flatten((cts,))
        if out_tree != res.out_tree:
            raise TypeError(f"{res.out_tree}\n!=\n{out_tree}")
        cts_out = tree_unflatten(res.in_tree, eval_jaxpr(res.jaxpr, res.consts, *cts_flat))
        return (cts_out,) if treedef_is_leaf(res.in_tree) else cts_out

    wrapped_fun.defvjp(fwd, bwd)
    return wrapped_fun


def _flatten_rule(rule, in_tree):
    store = _Store()

    def flat_rule(*cts_flat):
        (ct,) = tree_unflatten(in_tree, cts_flat)
        out_flat, store.val = tree_flatten(rule(ct))
        return out_flat
    return flat_rule, lambda: store.val


# -- closure_convert ------------------------------------------------------------------------


def _maybe_perturbed(x) -> bool:
    """Whether ``x`` might carry a nonzero tangent (so it must become an explicit input)."""
    if not isinstance(x, Tracer):
        return False
    if isinstance(x, ad.JVPTracer) and type(x.tangent) is Zero:
        return _maybe_perturbed(x.primal)
    if hasattr(x, "_atom"):  # a staged value: differentiation may come later
        return x.aval.to_tangent_aval().dtype != dtypes.float0
    return True


def closure_convert(fun: Callable, *example_args) -> tuple[Callable, list]:
    """Hoist the values ``fun`` closes over (that might be differentiated) into arguments.

    Returns ``(converted_fun, consts)``: ``converted_fun(*args, *consts)``
    computes ``fun(*args)``.  Only closed-over tracers that may carry tangents
    are hoisted; other constants stay closed over.  Use it to pass closures
    across ``custom_vjp`` boundaries.
    """
    from pyjax._src.core.jaxpr import eval_jaxpr
    flat_args, in_tree = tree_flatten(example_args)
    in_avals = [get_aval(x) for x in flat_args]
    flat_f, out_tree_of = flatten_fun_nokwargs(fun, in_tree)
    jaxpr, consts = trace_to_jaxpr(flat_f, in_avals)
    out_tree = out_tree_of()
    hoist = [_maybe_perturbed(c) for c in consts]
    hoisted = [c for c, h in zip(consts, hoist) if h]
    num_hoisted = len(hoisted)

    def converted_fun(*args_hconsts):
        num_args = len(args_hconsts) - num_hoisted
        args, hconsts = args_hconsts[:num_args], iter(args_hconsts[num_args:])
        all_consts = [next(hconsts) if h else c for c, h in zip(consts, hoist)]
        args_flat, in_tree2 = tree_flatten(tuple(args))
        if in_tree2 != in_tree:
            raise TypeError("The inputs to the closure produced by closure_convert must have "
                            "the same Pytree structure as the example arguments passed when "
                            f"closure_convert was called. Expected {in_tree}, but got "
                            f"{in_tree2}")
        return tree_unflatten(out_tree, eval_jaxpr(jaxpr, all_consts, *args_flat))
    return converted_fun, hoisted


# -- linear_call ----------------------------------------------------------------------------


def linear_call(fun: Callable, fun_transpose: Callable, residual_args, linear_args):
    """Call a linear function with a custom transpose.

        fun           :: r -> a -o b
        fun_transpose :: r -> b -o a

    Transposing the call (reverse mode) calls ``fun_transpose`` instead of
    transposing ``fun``; transposing that call calls ``fun`` again.
    """
    from pyjax._src.tree_util import treedef_tuple
    res_flat, res_tree = tree_flatten(residual_args)
    lin_flat, lin_tree = tree_flatten(linear_args)
    res_avals = [get_aval(x) for x in res_flat]
    lin_avals = [get_aval(x) for x in lin_flat]
    f, out_tree = flatten_fun_nokwargs(fun, treedef_tuple((res_tree, lin_tree)))
    f_jaxpr, f_consts = trace_to_jaxpr(f, [*res_avals, *lin_avals])
    f_closed = ClosedJaxpr(convert_constvars_jaxpr(f_jaxpr), [])
    t, t_out_tree = flatten_fun_nokwargs(fun_transpose, treedef_tuple((res_tree, out_tree())))
    t_jaxpr, t_consts = trace_to_jaxpr(t, [*res_avals, *f_closed.out_avals])
    t_closed = ClosedJaxpr(convert_constvars_jaxpr(t_jaxpr), [])
    if t_out_tree() != lin_tree:
        raise TypeError("transpose output pytree structure must match that of linear inputs, "
                        f"got output structure {t_out_tree()} and input structure {lin_tree}.")
    outs = linear_call_p.bind(*f_consts, *t_consts, *res_flat, *lin_flat, callee=f_closed,
                              transpose=t_closed, num_callee_consts=len(f_consts),
                              num_transpose_consts=len(t_consts), num_res=len(res_flat))
    return tree_unflatten(out_tree(), outs)


def _linear_call_split(args, num_callee_consts, num_transpose_consts, num_res):
    a, b = num_callee_consts, num_callee_consts + num_transpose_consts
    return args[:a], args[a:b], args[b:b + num_res], args[b + num_res:]


def _linear_call_impl(*args, callee, transpose, num_callee_consts, num_transpose_consts,
                      num_res):
    del transpose  # unused
    f_consts, _, res, lin = _linear_call_split(args, num_callee_consts, num_transpose_consts,
                                               num_res)
    return _run_jaxpr_numpy(callee, [*f_consts, *res, *lin])


def _linear_call_abstract_eval(*avals, callee, **params):
    del avals, params  # unused
    return list(callee.out_avals)


def _linear_call_transpose(cts, *args, callee, transpose, num_callee_consts,
                           num_transpose_consts, num_res):
    f_consts, t_consts, res, lin = _linear_call_split(args, num_callee_consts,
                                                      num_transpose_consts, num_res)
    cts = [instantiate_zeros(ct) for ct in cts]
    cts_out = linear_call_p.bind(*t_consts, *f_consts, *res, *cts, callee=transpose,
                                 transpose=callee, num_callee_consts=len(t_consts),
                                 num_transpose_consts=len(f_consts), num_res=len(res))
    return [None] * (num_callee_consts + num_transpose_consts + num_res) + list(cts_out)


def _linear_call_jvp(primals, tangents, **params):
    # linear in the linear inputs: the tangent map is the call itself on the tangents
    n = params["num_callee_consts"] + params["num_transpose_consts"] + params["num_res"]
    if any(type(t) is not Zero for t in tangents[:n]):
        raise NotImplementedError("linear_call: differentiation with respect to residual "
                                  "arguments is not supported")
    out = linear_call_p.bind(*primals, **params)
    lin_t = [instantiate_zeros(t) for t in tangents[n:]]
    return out, linear_call_p.bind(*primals[:n], *lin_t, **params)


def _linear_call_batch(axis_data, vals, dims, *, callee, transpose, num_callee_consts,
                       num_transpose_consts, num_res):
    from pyjax._src.interpreters.batching import batch_jaxpr
    vals, dims = _to_front(vals, dims)
    n_out = len(callee.out_avals)
    b_callee, _ = batch_jaxpr(callee, axis_data, [*dims[:num_callee_consts],
                                                  *dims[num_callee_consts + num_transpose_consts:]],
                              [0] * n_out)
    # the transpose sees [t_consts, f_consts, res, cts]; cts are batched along 0
    k = num_callee_consts + num_transpose_consts
    t_in_dims = [*dims[num_callee_consts:k], *dims[k:k + num_res], *[0] * n_out]
    b_transpose, _ = batch_jaxpr(transpose, axis_data, t_in_dims,
                                 [0] * len(transpose.out_avals))
    outs = linear_call_p.bind(*vals, callee=b_callee, transpose=b_transpose,
                              num_callee_consts=num_callee_consts,
                              num_transpose_consts=num_transpose_consts, num_res=num_res)
    return outs, [0] * len(outs)


linear_call_p = Primitive("linear_call")
linear_call_p.multiple_results = True
linear_call_p.def_impl(_linear_call_impl)
linear_call_p.def_abstract_eval(_linear_call_abstract_eval)
ad.primitive_jvps[linear_call_p] = _linear_call_jvp
ad.primitive_transposes[linear_call_p] = _linear_call_transpose
batching.primitive_batchers[linear_call_p] = _linear_call_batch


__all__ = ["custom_jvp", "custom_vjp", "custom_gradient", "closure_convert", "linear_call",
           "SymbolicZero", "CustomVJPPrimal", "custom_vjp_primal_tree_values",
           "zero_from_primal", "custom_jvp_call_p", "custom_vjp_call_p", "linear_call_p",
           "custom_lin_p"]
