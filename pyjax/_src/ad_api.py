"""Public differentiation API: jvp, linearize, vjp, grad, value_and_grad, jacobians.

    jvp        : (a -> b) -> (a, T a) -> (b, T b)
    linearize  : (a -> b) -> a -> (b, T a -o T b)
    vjp        : (a -> b) -> a -> (b, CT b -o CT a)
    grad       : (a -> R) -> a -> CT a
    jacfwd     : (a -> b) -> a -> b x a        (vmap of jvp over a basis of T a)
    jacrev     : (a -> b) -> a -> b x a        (vmap of the pullback over a basis of CT b)

Each function flattens pytrees at the boundary, runs the flat machinery
(``ad.jvp_flat`` forward; ``partial_eval.linearize_flat`` followed by
``transpose.backward_pass`` in reverse) and unflattens the results.

Jacobians are one ``vmap`` over a standard basis (of all input leaves for
``jacfwd``, of all output leaves for ``jacrev``), then ``split`` per leaf and
a reshape to ``out.shape + in.shape``, as in JAX.  ``jacrev`` linearizes once
and batches the transposition.

``grad`` is on training-loop hot paths: it skips the generic ``vjp`` wrapper
(no pullback object, no cotangent re-checks) and caches its argnums handling
per argument count.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.api_util import (check_callable, flatten_fun_nokwargs, fun_name,
                                 normalize_argnums)
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.jaxpr import eval_jaxpr
from pyjax._src.core.trace import current_trace
from pyjax._src.interpreters import ad
from pyjax._src.interpreters.ad_util import Zero, instantiate_zeros
from pyjax._src.interpreters.batching import AxisData, batch_flat, not_mapped
from pyjax._src.interpreters.partial_eval import (Deferred, dce_jaxpr, force, force_all,
                                                   linearize_flat)
from pyjax._src.interpreters.transpose import UndefinedPrimal, backward_pass
from pyjax._src.mutable_refs import VJP
from pyjax._src.tree_util import (Partial, tree_flatten, tree_map, tree_unflatten,
                                  treedef_is_leaf)

__all__ = ["jvp", "linearize", "vjp", "grad", "value_and_grad", "jacfwd", "jacrev",
           "jacobian", "hessian", "linear_transpose"]


# -- jvp ------------------------------------------------------------------------------------


def _check_tangent(primal, tangent):
    p_aval, t_aval = get_aval(primal), get_aval(tangent)
    expected = p_aval.to_tangent_aval()
    if t_aval.shape != p_aval.shape:
        raise ValueError(f"jvp called with different primal and tangent shapes;Got primal "
                         f"shape {p_aval.shape} and tangent shape as {t_aval.shape}")
    if t_aval.dtype != expected.dtype:
        raise TypeError(f"primal and tangent arguments to jax.jvp do not match; dtypes must "
                        f"be equal, or in case of int/bool primal dtype the tangent dtype must "
                        f"be float0.Got primal dtype {p_aval.dtype} and so expected tangent "
                        f"dtype {expected.dtype}, but got tangent dtype {t_aval.dtype} "
                        f"instead.")


def _check_aux_pair(out):
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        raise TypeError("expected function with aux output to return a two-element tuple, but "
                        f"got type {type(out)} with value {out!r}")
    return out


def _strip_aux(aux, trace):
    """``aux`` is returned undifferentiated: unwrap the tracers of this transformation's trace."""
    def strip(x):
        while isinstance(x, ad.JVPTracer) and x._trace is trace:
            x = force(x.primal)  # a primal an eager grad deferred is needed now
        return x
    return tree_map(strip, aux)


class _Store:
    __slots__ = ("val",)

    def __init__(self):
        self.val = None

    def __call__(self):
        return self.val


def _flatten_fun(fun, in_tree, has_aux: bool):
    """``fun`` on flat leaves -> flat outputs; thunks for the output tree and ``(aux,)``."""
    if not has_aux:
        flat_f, out_tree = flatten_fun_nokwargs(fun, in_tree)
        return flat_f, out_tree, None
    out_tree, aux = _Store(), _Store()

    def flat_f(*leaves):
        trace = current_trace()
        out, aux_val = _check_aux_pair(fun(*tree_unflatten(in_tree, leaves)))
        out_flat, out_tree.val = tree_flatten(out)
        aux.val = (_strip_aux(aux_val, trace),)
        return out_flat
    return flat_f, out_tree, aux


def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    """Forward-mode derivative: ``(fun(*primals), J(primals) @ tangents)``.

    Args:
      fun: function of arrays/pytrees to differentiate.
      primals: tuple or list of the arguments at which to differentiate.
      tangents: tuple or list of tangents with the structure, shapes and dtypes
        of ``primals`` (``float0`` for integer and boolean primals).
      has_aux: whether ``fun`` returns ``(out, aux)``; ``aux`` is returned
        undifferentiated as a third result.

    Returns:
      ``(primals_out, tangents_out)``, or ``(primals_out, tangents_out, aux)``.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> y, t = pyjax.jvp(lax.sin, (0.0,), (2.0,))
      >>> float(y), float(t)
      (0.0, 2.0)
    """
    check_callable(fun)
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("primal and tangent arguments to jax.jvp must be tuples or lists; "
                        f"found {type(primals).__name__} and {type(tangents).__name__}.")
    primals_flat, in_tree = tree_flatten(tuple(primals))
    tangents_flat, tree2 = tree_flatten(tuple(tangents))
    if in_tree != tree2:
        raise TypeError(f"primal and tangent arguments to jax.jvp must have the same tree "
                        f"structure; primals have tree structure {in_tree} whereas tangents "
                        f"have tree structure {tree2}.")
    for p, t in zip(primals_flat, tangents_flat):
        _check_tangent(p, t)
    tangents_in = [Zero(get_aval(p).to_tangent_aval()) if ad.is_float0(t) else t
                   for p, t in zip(primals_flat, tangents_flat)]
    flat_f, out_tree, aux = _flatten_fun(fun, in_tree, has_aux)
    primals_out, tangents_out = ad.jvp_flat(flat_f, primals_flat, tangents_in)
    tangents_out = [instantiate_zeros(t) for t in tangents_out]
    out_p = tree_unflatten(out_tree(), primals_out)
    out_t = tree_unflatten(out_tree(), tangents_out)
    if has_aux:
        return out_p, out_t, aux()[0]
    return out_p, out_t


# -- linearize ------------------------------------------------------------------------------


def linearize(fun: Callable, *primals, has_aux: bool = False):
    """``(fun(*primals), f_jvp)`` where ``f_jvp(*tangents)`` evaluates the linearization.

    The primal computation runs once, now; ``f_jvp`` evaluates only the linear
    (tangent) part, staged as a jaxpr over the saved residuals.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> y, f_jvp = pyjax.linearize(lax.sin, 0.0)
      >>> float(f_jvp(3.0))
      3.0
    """
    check_callable(fun)
    primals_flat, in_tree = tree_flatten(primals)
    flat_f, out_tree, aux = _flatten_fun(fun, in_tree, has_aux)
    primals_out, jaxpr, consts = linearize_flat(flat_f, primals_flat)
    out_primal_tree = out_tree()
    in_avals = [get_aval(p) for p in primals_flat]

    def f_jvp(*tangents):
        tangents_flat, t_tree = tree_flatten(tangents)
        if t_tree != in_tree:
            raise TypeError(f"linearized function called on tangent values inconsistent with "
                            f"the original primal values: expected structure {in_tree}, got "
                            f"{t_tree}")
        for p_aval, t in zip(in_avals, tangents_flat):
            t_aval, expected = get_aval(t), p_aval.to_tangent_aval()
            if t_aval.shape != expected.shape or t_aval.dtype != expected.dtype:
                raise ValueError("linearized function called on tangent values inconsistent "
                                 f"with the original primal values: got tangent aval "
                                 f"{t_aval} for primal aval {p_aval} but expected {expected}")
        outs = eval_jaxpr(jaxpr, consts, *tangents_flat)
        return tree_unflatten(out_primal_tree, outs)

    out = tree_unflatten(out_primal_tree, primals_out)
    if has_aux:
        return out, f_jvp, aux()[0]
    return out, f_jvp


# -- vjp ------------------------------------------------------------------------------------


class _VJPPullback:
    """The transposition behind ``f_vjp``; ``f_vjp`` is ``Partial(self, *residuals)``,
    so it is a pytree whose leaves are the residuals (as in JAX)."""

    __slots__ = ("jaxpr", "num_consts", "in_tree", "in_avals", "out_tree", "out_avals",
                 "name")

    def __init__(self, jaxpr, num_consts, in_tree, in_avals, out_tree, out_avals, name):
        self.jaxpr, self.num_consts = jaxpr, num_consts
        self.in_tree, self.in_avals = in_tree, in_avals
        self.out_tree, self.out_avals = out_tree, out_avals
        self.name = name

    def __call__(self, *args):
        consts, cts = args[:self.num_consts], args[self.num_consts:]
        if len(cts) != 1:
            raise TypeError(_vjp_arity_msg(self.name, len(cts)))
        ct_flat, ct_tree = tree_flatten(cts[0])
        if ct_tree != self.out_tree:
            raise ValueError(f"unexpected tree structure of argument to vjp function: got "
                             f"{ct_tree}, but expected to match {self.out_tree}")
        for ct, aval in zip(ct_flat, self.out_avals):
            ct_aval, expected = get_aval(ct), aval.to_tangent_aval()
            # as JAX, any cotangent of the right shape is accepted for a float0 output
            if ct_aval.shape != expected.shape or (ct_aval.dtype != expected.dtype
                                                   and dtypes.float0 not in (ct_aval.dtype,
                                                                             expected.dtype)):
                raise ValueError(
                    "unexpected JAX type (e.g. shape/dtype) for argument to vjp function: got "
                    f"{ct_aval.str_short()}, but expected {expected.str_short()} because the "
                    f"corresponding output of the function {self.name} had JAX type "
                    f"{aval.str_short()}")
        ct_flat = [Zero(a.to_tangent_aval())
                   if ad.is_float0(c) or a.to_tangent_aval().dtype == dtypes.float0 else c
                   for c, a in zip(ct_flat, self.out_avals)]
        args = [UndefinedPrimal(a.to_tangent_aval()) for a in self.in_avals]
        cts_in = backward_pass(self.jaxpr, consts, args, ct_flat)
        return tree_unflatten(self.in_tree, [instantiate_zeros(c) for c in cts_in])


def _vjp_arity_msg(name: str, n: int) -> str:
    return (f"The function returned by `jax.vjp` applied to {name} was called with {n} "
            "arguments, but functions returned by `jax.vjp` must be called with a single "
            f"argument corresponding to the single value returned by {name} (even if that "
            "returned value is a tuple or other container).\n\nFor example, if we have:\n\n"
            "  def f(x):\n    return (x, x)\n  _, f_vjp = jax.vjp(f, 1.0)\n\nthe function `f` "
            "returns a single tuple as output, and so we call `f_vjp` with a single tuple as "
            "its argument:\n\n  x_bar, = f_vjp((2.0, 2.0))\n\nIf we instead call "
            "`f_vjp(2.0, 2.0)`, with the values 'splatted out' as arguments rather than in a "
            "tuple, this error can arise.")


def vjp(fun: Callable, *primals, has_aux: bool = False, reduce_axes=()):
    """Reverse-mode derivative: ``(fun(*primals), f_vjp)``.

    ``f_vjp(ct)`` maps a cotangent of the output (same structure, shapes and
    dtypes) to a tuple with one cotangent per primal.  ``f_vjp`` is a pytree
    (a ``Partial`` over the saved residuals), so it can be returned from
    ``jit``.  With ``has_aux`` the result is ``(out, f_vjp, aux)``.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> y, f_vjp = pyjax.vjp(lax.sin, 0.0)
      >>> f_vjp(2.0)
      (Array(2., dtype=float32, weak_type=True),)
    """
    if reduce_axes:
        raise NotImplementedError("reduce_axes argument to vjp is deprecated")
    check_callable(fun)
    primals_flat, in_tree = tree_flatten(primals)
    flat_f, out_tree, aux = _flatten_fun(fun, in_tree, has_aux)
    primals_out, jaxpr, consts = linearize_flat(flat_f, primals_flat)
    pullback = _VJPPullback(jaxpr, len(consts), in_tree, [get_aval(p) for p in primals_flat],
                            out_tree(), [get_aval(p) for p in primals_out], fun_name(fun))
    f_vjp = VJP(pullback, *consts)  # a Partial with ``with_refs`` (mutable_refs.py)
    out = tree_unflatten(out_tree(), primals_out)
    if has_aux:
        return out, f_vjp, aux()[0]
    return out, f_vjp


# -- grad and value_and_grad ----------------------------------------------------------------


def _check_input_dtype_revderiv(name: str, holomorphic: bool, allow_int: bool, aval):
    dtype = aval.dtype
    if holomorphic and not dtypes.issubdtype(dtype, np.complexfloating):
        raise TypeError(f"{name} with holomorphic=True requires inputs with complex dtype, "
                        f"but got {dtype.name}.")
    if dtypes.issubdtype(dtype, np.integer) or dtypes.issubdtype(dtype, np.bool_) or \
            dtypes.issubdtype(dtype, dtypes.extended):  # typed PRNG keys: float0, as ints
        if not allow_int:
            raise TypeError(f"{name} requires real- or complex-valued inputs (input dtype that "
                            f"is a sub-dtype of np.inexact), but got {dtype.name}. If you want "
                            f"to use Boolean- or integer-valued inputs, use vjp or set "
                            f"allow_int to True.")
    elif not dtypes.issubdtype(dtype, np.inexact):
        raise TypeError(f"{name} requires numerical-valued inputs (input dtype that is a "
                        f"sub-dtype of np.bool_ or np.number), but got {dtype.name}.")


def _check_output_dtype_revderiv(name: str, holomorphic: bool, aval):
    dtype = aval.dtype
    if holomorphic:
        if not dtypes.issubdtype(dtype, np.complexfloating):
            raise TypeError(f"{name} with holomorphic=True requires outputs with complex "
                            f"dtype, but got {dtype.name}.")
    elif dtypes.issubdtype(dtype, np.complexfloating):
        raise TypeError(f"{name} requires real-valued outputs (output dtype that is a "
                        f"sub-dtype of np.floating), but got {dtype.name}. For holomorphic "
                        "differentiation, pass holomorphic=True. For differentiation of "
                        "non-holomorphic functions involving complex outputs, use jax.vjp "
                        "directly.")
    elif not dtypes.issubdtype(dtype, np.floating):
        raise TypeError(f"{name} requires real-valued outputs (output dtype that is a "
                        f"sub-dtype of np.floating), but got {dtype.name}. For "
                        "differentiation of functions with integer outputs, use jax.vjp "
                        "directly.")


def _grad_output_aval(out_flat, out_tree):
    """The aval of a grad'ed function's output, which must be one scalar array."""
    if not treedef_is_leaf(out_tree):
        out = tree_unflatten(out_tree, force_all(out_flat))
        raise TypeError(f"Gradient only defined for scalar-output functions. Output was {out}.")
    aval = get_aval(out_flat[0])
    if aval.shape != ():
        raise TypeError(f"Gradient only defined for scalar-output functions. Output had "
                        f"shape: {aval.shape}.")
    return aval


def _as_gradient(g, aval: ShapedArray):
    """The gradient leaf for a primal of type ``aval``: always an array.

    float0 zeros for integer primals.  Otherwise there is no cast, as in JAX:
    dtype and weak type come out of the transpose rules (``grad(f)(3.0)`` is
    weak; a real function of a Python complex gives a strong complex64).  A
    cotangent that reached an input untouched (e.g. the output ``1.0`` itself)
    is turned into an array.
    """
    if not dtypes.issubdtype(aval.dtype, np.inexact):
        return np.zeros(aval.shape, dtypes.float0)
    if not isinstance(g, Array):
        from pyjax._src.backend.dispatch import to_numpy, wrap
        g = wrap(*to_numpy(g))
    return g


class _ArgnumsCache:
    """``normalize_argnums`` per number of positional arguments (grad's per-call cost)."""

    __slots__ = ("argnums", "name", "cache")

    def __init__(self, argnums, name: str):
        self.argnums, self.name, self.cache = argnums, name, {}

    def __call__(self, nargs: int) -> tuple:
        nums = self.cache.get(nargs)
        if nums is None:
            nums = self.cache[nargs] = normalize_argnums(self.argnums, nargs, self.name)
        return nums


def _dyn_fun(fun, args, kwargs, nums, dyn_tree):
    """``fun`` as a function of the flat leaves of ``args[i] for i in nums``."""
    def f(*dyn_flat):
        full = list(args)
        for i, v in zip(nums, tree_unflatten(dyn_tree, dyn_flat)):
            full[i] = v
        return fun(*full, **kwargs)
    return f


def _value_and_grad_impl(fun, argnums_of, argnums, has_aux, holomorphic, allow_int,
                         args, kwargs, need_value: bool = True):
    nums = argnums_of(len(args))
    dyn_flat, dyn_tree = tree_flatten(tuple(args[i] for i in nums))
    in_avals = [get_aval(x) for x in dyn_flat]
    for aval in in_avals:
        _check_input_dtype_revderiv("grad", holomorphic, allow_int, aval)
    f = _dyn_fun(fun, args, kwargs, nums, dyn_tree)
    out_tree_of = _OutStore(has_aux)
    # Eagerly, known values may be deferred (NOTE[deferred-known-values] in partial_eval):
    # grad never computes the value it does not return, and a repeated structure computes
    # the residuals within its compiled backward pass (compiled_backward.py).
    from pyjax._src import compiled_backward  # lazy: it sits above the backend
    tier = compiled_backward.enabled() and \
        all(dtypes.issubdtype(a.dtype, np.inexact) for a in in_avals)
    primals_out, jaxpr, consts = linearize_flat(out_tree_of.wrap(f), dyn_flat,
                                                defer_known=tier)
    out_aval = _grad_output_aval(primals_out, out_tree_of.tree)
    _check_output_dtype_revderiv("grad", holomorphic, out_aval)
    ct = _one_like(out_aval)
    # a deferred value is computed by the compiled call too; a concrete one is returned as is
    wanted = [p for p in primals_out[:1] if need_value and type(p) is Deferred]
    compiled = compiled_backward.backward(jaxpr, consts, [ct], wanted) if tier else None
    if compiled is None:
        undefined = [UndefinedPrimal(a.to_tangent_aval()) for a in in_avals]
        residuals = force_all(consts)
        consts.clear()  # drop the Deferred wrappers: each residual is held once...
        # ...and handed over to be freed after its last use
        cts_in = backward_pass(jaxpr, residuals, undefined, [ct], free_consts=True)
        ans = force(primals_out[0]) if need_value else None
    else:
        cts_in, values = compiled
        ans = values[0] if wanted else primals_out[0]
    del consts
    g = [_as_gradient(instantiate_zeros(c), a) for c, a in zip(cts_in, in_avals)]
    g = tree_unflatten(dyn_tree, g)
    g = g[0] if isinstance(argnums, int) else g
    return ((ans, out_tree_of.aux), g) if has_aux else (ans, g)


def _one_like(aval: ShapedArray):
    """The output cotangent ``1`` with the output's dtype and weak type (JAX's ``_one``).

    Weak values only exist for the default float/complex dtype, which is exactly
    what a Python scalar gets, so ``1.0`` / ``1+0j`` give the weak case; a 0-d
    NumPy value the strong one.  Both stage as Literals (``1.0:f32[]``).
    """
    if aval.weak_type:
        return 1.0 if aval.dtype.kind == "f" else complex(1.0)
    return np.ones((), dtype=aval.dtype)


class _OutStore:
    """Flattens a function's output (``(out, aux)`` with has_aux), keeping tree and aux."""

    __slots__ = ("has_aux", "tree", "aux")

    def __init__(self, has_aux: bool):
        self.has_aux, self.tree, self.aux = has_aux, None, None

    def wrap(self, f):
        def flat_f(*args):
            out = f(*args)
            if self.has_aux:
                out, aux = _check_aux_pair(out)
                self.aux = _strip_aux(aux, current_trace())
            out_flat, self.tree = tree_flatten(out)
            return out_flat
        return flat_f


def value_and_grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
                   holomorphic: bool = False, allow_int: bool = False):
    """A function computing ``(fun(*args), grad(fun)(*args))`` in one pass.

    Same arguments as :func:`grad`.  With ``has_aux`` the result is
    ``((value, aux), gradient)``.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> v, g = pyjax.value_and_grad(lambda x: lax.mul(x, x))(3.0)
      >>> float(v), float(g)
      (9.0, 6.0)
    """
    check_callable(fun)
    argnums_of = _ArgnumsCache(argnums, fun_name(fun))

    @wraps(fun)
    def value_and_grad_f(*args, **kwargs):
        return _value_and_grad_impl(fun, argnums_of, argnums, has_aux, holomorphic,
                                    allow_int, args, kwargs)
    return value_and_grad_f


def grad(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
         holomorphic: bool = False, allow_int: bool = False):
    """Gradient of a scalar-output ``fun`` with respect to the ``argnums`` arguments.

    Args:
      fun: function returning a real scalar (complex with ``holomorphic``).
      argnums: an int, or a tuple of ints (then a tuple of gradients is returned).
      has_aux: ``fun`` returns ``(out, aux)``; the result is ``(grad, aux)``.
      holomorphic: ``fun`` is holomorphic (complex inputs and output).
      allow_int: allow integer/boolean inputs; their gradient has dtype ``float0``.

    Returns:
      A function with ``fun``'s signature returning the gradient, with each
      argument's dtype and weak type (``grad(f)(3.0)`` is a weak float32).

    Raises:
      TypeError: for non-scalar or non-real outputs, or integer inputs
        without ``allow_int``.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> float(pyjax.grad(lax.sin)(0.0))
      1.0
    """
    check_callable(fun)
    argnums_of = _ArgnumsCache(argnums, fun_name(fun))

    @wraps(fun)
    def grad_f(*args, **kwargs):
        out, g = _value_and_grad_impl(fun, argnums_of, argnums, has_aux, holomorphic,
                                      allow_int, args, kwargs, need_value=False)
        return (g, out[1]) if has_aux else g
    return grad_f


# -- jacobians --------------------------------------------------------------------------------


def _check_input_dtype_jacfwd(holomorphic: bool, aval):
    if holomorphic:
        if not dtypes.issubdtype(aval.dtype, np.complexfloating):
            raise TypeError("jacfwd with holomorphic=True requires inputs with complex "
                            f"dtype, but got {aval.dtype.name}.")
    elif not dtypes.issubdtype(aval.dtype, np.floating):
        raise TypeError("jacfwd requires real-valued inputs (input dtype that is a sub-dtype "
                        f"of np.floating), but got {aval.dtype.name}. For holomorphic "
                        "differentiation, pass holomorphic=True. For differentiation of "
                        "non-holomorphic functions involving complex inputs or integer "
                        "inputs, use jax.jvp directly.")


def _check_output_dtype_jacfwd(holomorphic: bool, aval):
    if holomorphic and not dtypes.issubdtype(aval.dtype, np.complexfloating):
        raise TypeError("jacfwd with holomorphic=True requires outputs with complex dtype, "
                        f"but got {aval.dtype.name}.")


def _std_basis(avals) -> list:
    """Rows of the identity over all leaves' tangent spaces, one block per leaf.

    Leaf ``i`` gets an ``(n, *avals[i].shape)`` NumPy array, ``n`` the total size,
    in the leaf's tangent dtype (as JAX's ``_std_basis``).
    """
    sizes = [a.size for a in avals]
    n = sum(sizes)
    eye = np.eye(n)
    blocks, start = [], 0
    for a, k in zip(avals, sizes):
        block = eye[:, start:start + k].reshape((n, *a.shape))
        blocks.append(block.astype(a.to_tangent_aval().dtype))
        start += k
    return blocks


def _move_batch(x, d, size: int, dst: int):
    """``x`` with its batch axis (``d``, or none) at position ``dst`` (0 or -1)."""
    from pyjax._src.interpreters.batching import broadcast, moveaxis
    if d is not_mapped:
        return broadcast(x, size, dst if dst >= 0 else len(get_aval(x).shape))
    ndim = len(get_aval(x).shape)
    return moveaxis(x, d, dst % ndim)


def _split(x, sizes, axis: int) -> list:
    if len(sizes) == 1:
        return [x]
    from pyjax._src.lax.structural import split
    return split(x, tuple(sizes), axis=axis % len(get_aval(x).shape))


def _block(x, out_shape, in_shape, example_aval):
    """A Jacobian block as ``out_shape + in_shape``, typed like ``example_aval``.

    ``x`` is ``(*out_shape, n_in)`` (forward) or ``(n_out, *in_shape)`` (reverse):
    the basis axis already sits where a reshape alone gives the block.
    """
    from pyjax._src.lax.structural import _convert_to_weak, reshape
    target = tuple(out_shape) + tuple(in_shape)
    if not dtypes.issubdtype(example_aval.dtype, np.inexact):
        # JAX casts each block to its input's type: integer inputs get integer zeros
        return _convert_to_weak(np.zeros(target, example_aval.dtype), example_aval.dtype,
                                example_aval.weak_type)
    if get_aval(x).shape != target:
        x = reshape(x, target)
    return _convert_to_weak(x, example_aval.dtype, example_aval.weak_type)


def _dyn_args(fun, argnums, args, kwargs, name):
    """The differentiated arguments (flat, with their tree) and ``fun`` of those alone."""
    nums = normalize_argnums(argnums, len(args), name)
    dyn_flat, dyn_tree = tree_flatten(tuple(args[i] for i in nums))

    def f(*dyn):
        full = list(args)
        for i, v in zip(nums, dyn):
            full[i] = v
        return fun(*full, **kwargs)
    return dyn_flat, dyn_tree, f


def _unflatten_jac(blocks, out_tree, dyn_tree, argnums):
    """``blocks[j][i]``: output leaf j by input leaf i -> output tree of input trees."""
    per_out = []
    for row in blocks:
        tree = tree_unflatten(dyn_tree, row)
        per_out.append(tree[0] if isinstance(argnums, int) else tree)
    return tree_unflatten(out_tree, per_out)


def jacfwd(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """Jacobian of ``fun`` evaluated column-by-column with forward-mode AD.

    One ``vmap`` of ``jvp`` over the standard basis of all differentiated
    leaves.  For each output leaf ``y`` and input leaf ``x`` the block has
    shape ``y.shape + x.shape`` and ``y``'s dtype, arranged as the output tree
    of input trees.  With ``has_aux`` the result is ``(jacobian, aux)``.

    Example:
      >>> import pyjax, numpy as np
      >>> from pyjax import lax
      >>> pyjax.jacfwd(lax.sin)(np.zeros(2, np.float32))
      Array([[1., 0.],
             [0., 1.]], dtype=float32)
    """
    check_callable(fun)
    name = fun_name(fun)

    def jacfun(*args, **kwargs):
        dyn_flat, dyn_tree, f = _dyn_args(fun, argnums, args, kwargs, name)
        in_avals = [get_aval(x) for x in dyn_flat]
        for aval in in_avals:
            _check_input_dtype_jacfwd(holomorphic, aval)
        flat_f, out_tree, aux = _flatten_fun(f, dyn_tree, has_aux)
        ys, cols = _pushforward_basis(flat_f, dyn_flat, in_avals)
        out_avals = [get_aval(y) for y in ys]
        for aval in out_avals:
            _check_output_dtype_jacfwd(holomorphic, aval)
        sizes = [a.size for a in in_avals]
        blocks = [[_block(piece, y.shape, x.shape, y)
                   for piece, x in zip(_split(col, sizes, -1), in_avals)]
                  for col, y in zip(cols, out_avals)] if sizes else [[] for _ in ys]
        jac = _unflatten_jac(blocks, out_tree(), dyn_tree, argnums)
        return (jac, aux()[0]) if has_aux else jac
    return jacfun


def _pushforward_basis(flat_f, primals, in_avals):
    """Primal outputs and, per output, ``J`` as ``(*out_shape, n_in)`` (vmap of jvp)."""
    basis = _std_basis(in_avals)
    size = sum(a.size for a in in_avals)
    if size == 0:  # nothing to push forward: evaluate once for the outputs
        ys = flat_f(*primals)
        return ys, [np.zeros((*np.shape(y), 0), get_aval(y).dtype) for y in ys]
    n_out = []

    def pushfwd(*tangents):
        primals_out, tangents_out = ad.jvp_flat(flat_f, primals, list(tangents))
        n_out[:] = [len(primals_out)]
        return [*primals_out, *map(instantiate_zeros, tangents_out)]

    outs, dims = batch_flat(pushfwd, AxisData(None, size), basis, [0] * len(basis))
    n = n_out[0]
    if any(d is not not_mapped for d in dims[:n]):
        raise ValueError("jacfwd: a primal output depends on the tangent basis")
    return outs[:n], [_move_batch(t, d, size, -1) for t, d in zip(outs[n:], dims[n:])]


def jacrev(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False, allow_int: bool = False) -> Callable:
    """Jacobian of ``fun`` evaluated row-by-row with reverse-mode AD.

    Linearizes once, then one ``vmap`` of the pullback over the standard basis
    of all output leaves.  Same result layout as :func:`jacfwd`; each block
    takes the dtype and weak type of its input leaf.  ``allow_int`` permits
    integer inputs (their blocks are ``float0``).

    Example:
      >>> import pyjax, numpy as np
      >>> from pyjax import lax
      >>> pyjax.jacrev(lax.sin)(np.zeros(2, np.float32))
      Array([[1., 0.],
             [0., 1.]], dtype=float32)
    """
    check_callable(fun)
    name = fun_name(fun)

    def jacfun(*args, **kwargs):
        dyn_flat, dyn_tree, f = _dyn_args(fun, argnums, args, kwargs, name)
        in_avals = [get_aval(x) for x in dyn_flat]
        for aval in in_avals:
            _check_input_dtype_revderiv("jacrev", holomorphic, allow_int, aval)
        flat_f, out_tree, aux = _flatten_fun(f, dyn_tree, has_aux)
        primals_out, jaxpr, consts = linearize_flat(flat_f, dyn_flat)
        out_avals = [get_aval(y) for y in primals_out]
        for aval in out_avals:
            _check_output_dtype_revderiv("jacrev", holomorphic, aval)
        rows = _pullback_basis(jaxpr, consts, in_avals, out_avals)
        sizes = [a.size for a in out_avals]
        per_in = [_split(r, sizes, 0) if sizes else [] for r in rows]
        blocks = [[_block(per_in[i][j], y.shape, x.shape, x) for i, x in enumerate(in_avals)]
                  for j, y in enumerate(out_avals)]
        jac = _unflatten_jac(blocks, out_tree(), dyn_tree, argnums)
        return (jac, aux()[0]) if has_aux else jac
    return jacfun


def _pullback_basis(jaxpr, consts, in_avals, out_avals):
    """Per input, ``J`` as ``(n_out, *in_shape)``: vmap of the transposition."""
    size = sum(a.size for a in out_avals)
    if size == 0:
        return [np.zeros((0, *a.shape), a.to_tangent_aval().dtype) for a in in_avals]
    undefined = [UndefinedPrimal(a.to_tangent_aval()) for a in in_avals]

    def pullback(*cts):
        return [instantiate_zeros(c)
                for c in backward_pass(jaxpr, consts, undefined, list(cts))]

    basis = _std_basis(out_avals)
    outs, dims = batch_flat(pullback, AxisData(None, size), basis, [0] * len(basis))
    return [_move_batch(r, d, size, 0) for r, d in zip(outs, dims)]


def jacobian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
             holomorphic: bool = False, allow_int: bool = False) -> Callable:
    """Alias of :func:`jacrev`."""
    return jacrev(fun, argnums=argnums, has_aux=has_aux, holomorphic=holomorphic,
                  allow_int=allow_int)


def hessian(fun: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
            holomorphic: bool = False) -> Callable:
    """Hessian of ``fun`` as a dense array: ``jacfwd(jacrev(fun))``.

    For an output of shape ``out`` and an input of shape ``in`` the result has
    shape ``out + in + in``; pytrees nest as output tree of input tree of
    input tree.  With ``has_aux`` the result is ``(hessian, aux)``.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> float(pyjax.hessian(lambda x: lax.mul(x, lax.mul(x, x)))(2.0))
      12.0
    """
    return jacfwd(jacrev(fun, argnums, has_aux=has_aux, holomorphic=holomorphic),
                  argnums, has_aux=has_aux, holomorphic=holomorphic)


# -- linear_transpose -------------------------------------------------------------------------


class _LinearTransposed:
    __slots__ = ("jaxpr", "num_consts", "in_tree", "in_avals", "out_tree", "out_avals")

    def __init__(self, jaxpr, num_consts, in_tree, in_avals, out_tree, out_avals):
        self.jaxpr, self.num_consts = jaxpr, num_consts
        self.in_tree, self.in_avals = in_tree, in_avals
        self.out_tree, self.out_avals = out_tree, out_avals

    def __call__(self, *args):
        consts, (out_cotangent,) = args[:self.num_consts], args[self.num_consts:]
        out_cts, out_tree = tree_flatten(out_cotangent)
        if out_tree != self.out_tree:
            raise TypeError("cotangent tree does not match function output, expected "
                            f"{self.out_tree} but got {out_tree}")
        if any(not _typecheck(a, ct) for a, ct in zip(self.out_avals, out_cts)):
            raise TypeError("cotangent type does not match function output, expected "
                            f"{self.out_avals} but got {out_cts}")
        dummies = [UndefinedPrimal(a) for a in self.in_avals]
        in_cts = backward_pass(self.jaxpr, consts, dummies, out_cts)
        return tree_unflatten(self.in_tree, [instantiate_zeros(c) for c in in_cts])


def _typecheck(aval, x) -> bool:
    try:
        x_aval = get_aval(x)
    except TypeError:
        return False
    return x_aval.shape == aval.shape and x_aval.dtype == aval.dtype


def _abstractify(x) -> ShapedArray:
    """Arrays, scalars, or any object with ``shape`` and ``dtype`` (as ``linear_transpose``)."""
    try:
        return get_aval(x)
    except TypeError:
        if hasattr(x, "shape") and hasattr(x, "dtype"):
            return ShapedArray(tuple(x.shape), dtypes.canonicalize_dtype(x.dtype))
        raise


def linear_transpose(fun: Callable, *primals, reduce_axes=()) -> Callable:
    """Transpose a function that is promised to be linear.

    ``primals`` only give the input types (arrays, scalars, or objects with
    ``shape`` and ``dtype``).  The result maps an output cotangent to a tuple
    of input cotangents with the dtypes of ``primals``.  Functions must be
    float/complex -> float/complex or integer -> integer.

    Example:
      >>> import pyjax
      >>> from pyjax import lax
      >>> f_t = pyjax.linear_transpose(lambda x: lax.mul(x, 3.0), 1.0)
      >>> f_t(2.0)
      (Array(6., dtype=float32, weak_type=True),)
    """
    if reduce_axes:
        raise NotImplementedError("reduce_axes argument to transpose is deprecated")
    from pyjax._src.interpreters.staging import trace_to_jaxpr
    check_callable(fun)
    primals_flat, in_tree = tree_flatten(primals)
    in_avals = [_abstractify(x) for x in primals_flat]
    flat_f, out_tree = flatten_fun_nokwargs(fun, in_tree)
    jaxpr, consts = trace_to_jaxpr(flat_f, in_avals)
    jaxpr, _ = dce_jaxpr(jaxpr, [True] * len(jaxpr.outvars))
    out_avals = [v.aval for v in jaxpr.outvars]
    in_dtypes = [a.dtype for a in in_avals]
    out_dtypes = [a.dtype for a in out_avals]
    all_dtypes = in_dtypes + out_dtypes
    if not (all(dtypes.issubdtype(d, np.inexact) for d in all_dtypes)
            or all(dtypes.issubdtype(d, np.integer) for d in all_dtypes)):
        raise TypeError("linear_transpose only supports [float or complex] -> [float or "
                        "complex], and integer -> integer functions, but got "
                        f"{in_dtypes} -> {out_dtypes}.")
    transposed = _LinearTransposed(jaxpr, len(consts), in_tree, in_avals, out_tree(),
                                   out_avals)
    return Partial(transposed, *consts)

