"""Implicitly differentiated solvers: ``custom_linear_solve`` and ``custom_root``.

    custom_linear_solve : (x -o b, b, solve) -> x        with  matvec(x) == b
    custom_root         : (f, x0, solve, tangent_solve) -> x   with  f(x) == 0

Both differentiate the *equation* at the solution rather than the solver, so
the solver itself may be non-differentiable (a ``while_loop``, a factorisation
behind ``stop_gradient``, ...).

``custom_linear_solve`` is the primitive ``linear_solve_p`` (named
``custom_linear_solve``, as JAX's, since the name prints in jaxprs)::

    linear_solve_p.bind(*matvec_consts, *vecmat_consts, *solve_consts,
                        *transpose_solve_consts, *b,
                        const_lengths=_LinearSolveTuple(4 ints),
                        jaxprs=_LinearSolveTuple(4 ClosedJaxpr or None)) -> [*x, *aux]

Each jaxpr takes its closed-over values as leading arguments (no consts of its
own), then one vector shaped like ``b``; ``vecmat``/``transpose_solve`` are
None when no ``transpose_solve`` was given.  ``x`` has ``b`` 's avals; ``aux``
(``has_aux=True``) is whatever ``solve`` returns beside ``x``.  Rules:
  * impl:      evaluate the ``solve`` jaxpr;
  * jvp:       ``A x = b`` gives ``A dx = db - dA x``: a second solve whose right
               side uses the jvp of ``matvec`` in its consts (``x`` fixed);
               ``aux`` has zero tangents;
  * transpose: linear in ``b`` only; the cotangent of ``b`` is the solve of the
               transposed system, i.e. the same primitive with the tuple's roles
               swapped (matvec <-> vecmat, solve <-> transpose_solve);
  * batching:  a fixed point over which of ``x`` and ``b`` are batched, so all
               four jaxprs agree on the vector space's batch pattern.
No partial-eval rule: the tangent solve has known consts and an unknown ``b``
and is staged whole.

``custom_root`` is a ``custom_jvp`` function (``_custom_root``) over the
flattened closed-over values of ``f``, ``solve`` and the linearise-and-solve
function, with the implicit-function-theorem JVP ``dx = -J_x^{-1} (J_p dp)``.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, NamedTuple

from pyjax._src.core.avals import get_aval
from pyjax._src.core.jaxpr import jaxpr_as_fun
from pyjax._src.core.primitive import Primitive
from pyjax._src.custom_derivatives import custom_jvp
from pyjax._src.dtypes import float0
from pyjax._src.interpreters import ad, batching, transpose as tr
from pyjax._src.interpreters.ad_util import Zero, add_tangents, instantiate_zeros
from pyjax._src.interpreters.batching import not_mapped
from pyjax._src.lax.control_flow.common import closed_call, trace_to_jaxpr_consts_as_args
from pyjax._src.tree_util import tree_flatten, tree_leaves, tree_unflatten, treedef_children

__all__ = ["custom_linear_solve", "custom_root", "linear_solve_p"]


# -- shared helpers ------------------------------------------------------------------------------


def _check_tree(func_name: str, expected_name: str, actual_tree, expected_tree,
                has_aux: bool = False) -> None:
    """JAX's structure checks: with ``has_aux`` the output must be a pair ``(x, aux)``."""
    if has_aux:
        children = treedef_children(actual_tree)
        if len(children) != 2:
            raise ValueError(f"{func_name}() produced a pytree with structure {actual_tree}, "
                             "but a pytree tuple with auxiliary output was expected because "
                             "has_aux was set to True.")
        actual_tree = children[0]
    if actual_tree != expected_tree:
        raise TypeError(f"{func_name}() output pytree structure must match {expected_name}, "
                        f"got {actual_tree} and {expected_tree}.")


def _trace(fun: Callable, example_args: tuple, avals: list):
    """Stage ``fun(*example_args)`` on ``avals``: ``(closed jaxpr, consts, out_tree)``."""
    _, in_tree = tree_flatten(example_args)
    return trace_to_jaxpr_consts_as_args(fun, in_tree, avals)


def _flatten(groups) -> list:
    return [x for group in groups for x in group]


def _split(args, lengths) -> tuple[list, list]:
    """``[g0, g1, ..., rest]`` by the group ``lengths``."""
    out, start = [], 0
    for n in lengths:
        out.append(list(args[start:start + n]))
        start += n
    return out, list(args[start:])


def _tangent_zero(x) -> Zero:
    return Zero(get_aval(x).to_tangent_aval())


def _as_tangent(t, primal):
    """A custom_jvp tangent (array, float0 array or symbolic zero) as an ``ad`` tangent."""
    from pyjax._src.custom_derivatives import SymbolicZero
    if type(t) in (Zero, SymbolicZero) or getattr(t, "dtype", None) == float0:
        return _tangent_zero(primal)
    return t


# -- custom_linear_solve ----------------------------------------------------------------------


class _LinearSolveTuple(NamedTuple):
    """One entry per operator of a linear solve (its repr is JAX's, it prints in jaxprs)."""

    matvec: Any
    vecmat: Any
    solve: Any
    transpose_solve: Any

    def transpose(self) -> "_LinearSolveTuple":
        """The tuple of the transposed system ``A^T y = c``."""
        return _LinearSolveTuple(self.vecmat, self.matvec, self.transpose_solve, self.solve)


def _check_shapes(func_name: str, actual, expected) -> None:
    actual_shapes = [tuple(get_aval(x).shape) for x in actual]
    expected_shapes = [tuple(get_aval(x).shape) for x in expected]
    if actual_shapes != expected_shapes:
        raise ValueError(f"{func_name}() output shapes must match b, got {actual_shapes} and "
                         f"{expected_shapes}")


def _shape_checked(fun: Callable, name: str, b_flat: list, has_aux: bool) -> Callable:
    """``fun`` whose (non-aux) output leaves must have ``b`` 's shapes."""
    def checked(x):
        y = fun(x)
        _check_shapes(name, tree_leaves(y), b_flat)
        return y

    def checked_aux(x):
        y, aux = fun(x)
        _check_shapes(name, tree_leaves(y), b_flat)
        return y, aux

    return checked_aux if has_aux else checked


def _check_dtypes(func_name: str, out_avals, b_avals) -> None:
    # JAX checks only shapes; a dtype change makes its jitted solve fail to lower.
    got = [a.dtype.name for a in out_avals[:len(b_avals)]]
    want = [a.dtype.name for a in b_avals]
    if got != want:
        raise TypeError(f"custom_linear_solve: {func_name}() output dtypes must match b, got "
                        f"{got} and {want}")


def _transposed_matvec(matvec: Callable, b) -> Callable:
    """``vecmat``: the transpose of the linear ``matvec`` at vectors shaped like ``b``."""
    from pyjax._src.ad_api import linear_transpose
    transposed = linear_transpose(matvec, b)

    def vecmat(x):
        (y,) = transposed(x)
        return y
    return vecmat


def custom_linear_solve(matvec: Callable, b, solve: Callable[[Callable, Any], Any],
                        transpose_solve: Callable[[Callable, Any], Any] | None = None,
                        symmetric: bool = False, has_aux: bool = False):
    """Solve ``matvec(x) == b`` with ``solve``, differentiating implicitly at the solution.

    The derivative comes from the linear equation, not from ``solve``:
    ``dx = solve(matvec, db - dmatvec(x))``, and reverse mode solves the
    transposed system with ``transpose_solve``.  ``solve`` need not be
    differentiable (it may loop, factorise under ``stop_gradient``, ...).

    Args:
      matvec: the linear map ``A`` (``x -> A x``), a differentiable function of
        a pytree shaped like ``b``; it may close over the values it depends on.
      b: the right-hand side, a pytree of arrays.
      solve: ``solve(matvec, rhs) -> x`` with ``matvec(x) == rhs`` (assumed,
        not checked); with ``has_aux`` it returns ``(x, aux)``.
      transpose_solve: ``transpose_solve(vecmat, rhs) -> x`` solving the
        transposed system, where ``vecmat`` is the transpose of ``matvec``
        (derived automatically).  Needed for reverse-mode differentiation.
      symmetric: ``matvec`` is self-adjoint; then ``vecmat`` is ``matvec`` and
        ``transpose_solve`` defaults to ``solve``.
      has_aux: ``solve`` and ``transpose_solve`` return ``(x, aux)``; ``aux``
        (solver diagnostics, ...) is returned as is, with zero derivatives.

    Returns:
      ``solve(matvec, b)`` (or ``(x, aux)`` with ``has_aux``).

    Raises:
      TypeError: an output's pytree structure differs from ``b`` 's; ``solve``
        changes the dtypes of ``b``; reverse-mode differentiation without
        ``transpose_solve``.
      ValueError: an output's leaf shapes differ from ``b`` 's, or ``has_aux``
        is set but ``solve`` does not return a pair.

    Notes:
      JAX checks output shapes but not dtypes (a dtype-changing ``solve`` runs
      eagerly there and fails under ``jit``); pyjax rejects it up front.

    Examples:
      >>> import numpy as np
      >>> import pyjax.numpy as jnp
      >>> from pyjax import lax
      >>> a = np.array([[2., 1.], [1., 3.]], np.float32)
      >>> x = lax.custom_linear_solve(lambda x: a @ x, np.array([3., 5.], np.float32),
      ...                             lambda mv, b: jnp.linalg.solve(a, b), symmetric=True)
      >>> [round(float(v), 4) for v in x]
      [0.8, 1.4]
    """
    if transpose_solve is None and symmetric:
        transpose_solve = solve
    b_flat, tree = tree_flatten(b)
    b_avals = [get_aval(x) for x in b_flat]

    def trace(fun, name, aux):
        return _trace(_shape_checked(fun, name, b_flat, aux), (b,), b_avals)

    matvec_jaxpr, matvec_consts, out_tree = trace(matvec, "matvec", False)
    _check_tree("matvec", "b", out_tree, tree)
    solve_jaxpr, solve_consts, out_tree = trace(partial(solve, matvec), "solve", has_aux)
    _check_tree("solve", "b", out_tree, tree, has_aux)
    _check_dtypes("solve", solve_jaxpr.out_avals, b_avals)
    if transpose_solve is None:
        vecmat_jaxpr = tr_solve_jaxpr = None
        vecmat_consts = tr_solve_consts = []
    else:
        if symmetric:
            vecmat = matvec
            vecmat_jaxpr, vecmat_consts = matvec_jaxpr, matvec_consts
        else:
            vecmat = _transposed_matvec(matvec, b)
            vecmat_jaxpr, vecmat_consts, _ = _trace(vecmat, (b,), b_avals)
        tr_solve_jaxpr, tr_solve_consts, out_tree = trace(
            partial(transpose_solve, vecmat), "transpose_solve", has_aux)
        _check_tree("transpose_solve", "b", out_tree, tree, has_aux)
        _check_dtypes("transpose_solve", tr_solve_jaxpr.out_avals, b_avals)
    all_consts = [matvec_consts, vecmat_consts, solve_consts, tr_solve_consts]
    const_lengths = _LinearSolveTuple(*[len(c) for c in all_consts])
    jaxprs = _LinearSolveTuple(matvec_jaxpr, vecmat_jaxpr, solve_jaxpr, tr_solve_jaxpr)
    outs = linear_solve_p.bind(*_flatten(all_consts), *b_flat, const_lengths=const_lengths,
                               jaxprs=jaxprs)
    return tree_unflatten(out_tree, outs)


def _linear_solve_impl(*args, const_lengths, jaxprs):
    params, b = _split(args, const_lengths)
    return closed_call(jaxprs.solve, *params[2], *b)


def _linear_solve_abstract_eval(*avals, const_lengths, jaxprs):
    b_avals = list(avals[sum(const_lengths):])
    solve_outs = jaxprs.solve.out_avals
    n_b = len(b_avals)
    if len(solve_outs) < n_b or [a.shape for a in solve_outs[:n_b]] != \
            [a.shape for a in b_avals]:
        raise TypeError(f"custom_linear_solve: right-hand side types "
                        f"{[a.str_short() for a in b_avals]} do not match the solve jaxpr's "
                        f"outputs {[a.str_short() for a in solve_outs]}")
    return [*b_avals, *solve_outs[n_b:]]


def _linear_solve_weak_type_rule(weak_in, *, const_lengths, jaxprs):
    weak_b = list(weak_in[sum(const_lengths):])
    return weak_b + [a.weak_type for a in jaxprs.solve.out_avals[len(weak_b):]]


def _tangent_linear_map(matvec: Callable, params: list, params_dot: list, x: list) -> list:
    """``dA x``: the jvp of ``matvec(*params, *x)`` in its params, with ``x`` held fixed."""
    x_dot = [_tangent_zero(v) for v in x]
    _, out_dot = ad.jvp_flat(matvec, [*params, *x], [*params_dot, *x_dot])
    return out_dot


def _linear_solve_jvp(primals, tangents, *, const_lengths, jaxprs):
    # A x = b  =>  dA x + A dx = db  =>  dx = A^{-1} (db - dA x)
    from pyjax._src.lax.elementwise import neg
    params_kw = dict(const_lengths=const_lengths, jaxprs=jaxprs)
    x = linear_solve_p.bind(*primals, **params_kw)
    params, _ = _split(primals, const_lengths)
    params_dot, b_dot = _split(tangents, const_lengths)
    n_b = len(b_dot)
    x_leaves = x[:n_b]
    matvec_dot = _LinearSolveTuple(*params_dot).matvec
    if all(type(t) is Zero for t in matvec_dot):
        rhs = list(b_dot)
    else:
        matvec = _LinearSolveTuple(*params).matvec
        dax = _tangent_linear_map(jaxpr_as_fun(jaxprs.matvec), matvec, matvec_dot, x_leaves)
        rhs = [add_tangents(t, d if type(d) is Zero else neg(d)) for t, d in zip(
            b_dot, dax, strict=True)]
    aux_dot = [_tangent_zero(a) for a in x[n_b:]]
    if all(type(t) is Zero for t in rhs):
        # only the solver's own consts moved: the solution of A x = b does not
        return x, [*[_tangent_zero(v) for v in x_leaves], *aux_dot]
    rhs = [instantiate_zeros(t) for t in rhs]
    x_dot = linear_solve_p.bind(*_flatten(params), *rhs, **params_kw)
    return x, [*x_dot[:n_b], *aux_dot]


def _linear_solve_transpose(cts, *args, const_lengths, jaxprs):
    if jaxprs.transpose_solve is None:
        raise TypeError("transpose_solve required for backwards mode automatic "
                        "differentiation of custom_linear_solve")
    params, b = _split(args, const_lengths)
    if any(tr.is_undefined_primal(p) for group in params for p in group):
        raise NotImplementedError("custom_linear_solve: transposition with respect to the "
                                  "closed-over values of matvec or solve is not supported "
                                  "(the solve is linear only in b)")
    n_b = len(b)
    x_ct, aux_ct = cts[:n_b], cts[n_b:]
    if any(type(c) is not Zero for c in aux_ct):
        raise NotImplementedError("custom_linear_solve: the auxiliary outputs of solve have "
                                  "no cotangents (they are not differentiable)")
    if all(type(c) is Zero for c in x_ct):
        b_ct = [Zero(v.aval.to_tangent_aval()) if tr.is_undefined_primal(v) else None
                for v in b]
        return [None] * sum(const_lengths) + b_ct
    x_ct = [instantiate_zeros(c) for c in x_ct]
    outs = linear_solve_p.bind(*_flatten(_LinearSolveTuple(*params).transpose()), *x_ct,
                               const_lengths=const_lengths.transpose(),
                               jaxprs=jaxprs.transpose())
    # a b entry that is a known value (e.g. an instantiated zero tangent) gets no cotangent
    b_ct = [c if tr.is_undefined_primal(v) else None for c, v in zip(outs[:n_b], b)]
    return [None] * sum(const_lengths) + b_ct


# NOTE[linear-solve-batching]: x and b live in one vector space (same tree and
# shapes), and the four jaxprs map between them: matvec, solve_t : x -> b,
# vecmat, solve : b -> x (plus aux out of the solves).  The rules above call them
# in every role (the transpose swaps roles), so each must agree on which vector
# leaves carry the batch axis.  As JAX, grow the batched sets of x and b until
# no jaxpr batches an output the sets leave unbatched; aux outputs of a problem
# with a transpose are always batched.


def _batched_outputs(jaxpr, axis_data, in_dims, forced: list[bool]) -> list[bool]:
    """Which outputs of ``jaxpr`` are batched given ``in_dims``, or'ed with ``forced``."""
    _, dims = batching.batch_jaxpr(jaxpr, axis_data, in_dims)
    return [f or d is not not_mapped for f, d in zip(forced, dims, strict=True)]


def _dims(mask: list[bool]) -> list:
    return [0 if m else not_mapped for m in mask]


def _linear_solve_fixed_point(axis_data, jaxprs, param_bat, orig_b_bat, n_aux):
    """``(x_bat, b_bat)``: the batched leaves of x (+aux) and b; see NOTE[linear-solve-batching]."""
    matvec, vecmat, solve, solve_t = jaxprs
    n_b = len(orig_b_bat)
    b_bat, x_bat = list(orig_b_bat), [False] * (n_b + n_aux)
    for _ in range(2 * (n_b + n_aux) + 2):
        x_new = _batched_outputs(solve, axis_data, _dims(param_bat.solve) + _dims(b_bat),
                                 x_bat)
        if vecmat is not None:
            vm = _batched_outputs(vecmat, axis_data, _dims(param_bat.vecmat) + _dims(b_bat),
                                  b_bat)
            x_new = [a or c for a, c in zip(x_new, vm + [True] * n_aux, strict=True)]
        b_new = _batched_outputs(matvec, axis_data,
                                 _dims(param_bat.matvec) + _dims(x_new[:n_b]), b_bat)
        b_new = [a or c for a, c in zip(b_new, orig_b_bat, strict=True)]
        if solve_t is not None:
            st = _batched_outputs(solve_t, axis_data,
                                  _dims(param_bat.transpose_solve) + _dims(x_new[:n_b]), x_new)
            b_new = [a or c for a, c in zip(b_new, st[:n_b], strict=True)]
        if x_new == x_bat and b_new == b_bat:
            return x_bat, b_bat
        x_bat, b_bat = x_new, b_new
    raise RuntimeError("custom_linear_solve: batching found no fixed point of the batched "
                       "leaves of x and b")


def _linear_solve_batch_rule(axis_data, vals, dims, *, const_lengths, jaxprs):
    params, b = _split(vals, const_lengths)
    params_dims, b_dims = _split(dims, const_lengths)
    param_bat = _LinearSolveTuple(*[[d is not not_mapped for d in g] for g in params_dims])
    orig_b_bat = [d is not not_mapped for d in b_dims]
    n_b = len(b)
    n_aux = len(jaxprs.solve.out_avals) - n_b
    x_bat, b_bat = _linear_solve_fixed_point(axis_data, jaxprs, param_bat, orig_b_bat, n_aux)
    x_dims, b_dims_new, aux_dims = _dims(x_bat[:n_b]), _dims(b_bat), _dims(x_bat[n_b:])

    def batch(jaxpr, p_bat, vec_dims, out_dims):
        if jaxpr is None:
            return None
        return batching.batch_jaxpr(jaxpr, axis_data, _dims(p_bat) + vec_dims, out_dims)[0]

    has_t = jaxprs.transpose_solve is not None
    new_jaxprs = _LinearSolveTuple(
        batch(jaxprs.matvec, param_bat.matvec, x_dims, b_dims_new),
        batch(jaxprs.vecmat, param_bat.vecmat, b_dims_new, x_dims),
        batch(jaxprs.solve, param_bat.solve, b_dims_new, x_dims + aux_dims),
        batch(jaxprs.transpose_solve, param_bat.transpose_solve, x_dims,
              b_dims_new + aux_dims) if has_t else None)
    new_params = [x if d is not_mapped else batching.moveaxis(x, d, 0)
                  for x, d in zip(_flatten(params), _flatten(params_dims))]
    new_b = [batching.matchaxis(d, nd, axis_data.size, x)
             for x, d, nd in zip(b, b_dims, b_dims_new, strict=True)]
    outs = linear_solve_p.bind(*new_params, *new_b, const_lengths=const_lengths,
                               jaxprs=new_jaxprs)
    return outs, x_dims + aux_dims


linear_solve_p = Primitive("custom_linear_solve")
linear_solve_p.multiple_results = True
linear_solve_p.def_impl(_linear_solve_impl)
linear_solve_p.def_abstract_eval(_linear_solve_abstract_eval)
linear_solve_p.def_weak_type_rule(_linear_solve_weak_type_rule)
ad.primitive_jvps[linear_solve_p] = _linear_solve_jvp
ad.primitive_transposes[linear_solve_p] = _linear_solve_transpose
batching.primitive_batchers[linear_solve_p] = _linear_solve_batch_rule


# -- custom_root ------------------------------------------------------------------------------


class _RootTuple(NamedTuple):
    f: Any
    solve: Any
    l_and_s: Any


def custom_root(f: Callable, initial_guess, solve: Callable[[Callable, Any], Any],
                tangent_solve: Callable[[Callable, Any], Any], has_aux: bool = False):
    """Find a root of ``f`` with ``solve``, differentiating implicitly at the root.

    Derivatives with respect to the values ``f`` closes over follow from the
    implicit function theorem at the returned root ``x*`` (``f(x*) == 0``):
    ``dx* = -(df/dx)^{-1} (df/dp dp)``, where the inverse is applied by
    ``tangent_solve``.  ``solve`` itself is never differentiated.

    Args:
      f: the function whose root is sought; it maps a pytree like
        ``initial_guess`` to a pytree of the same structure.
      initial_guess: the starting point handed to ``solve``.
      solve: ``solve(f, initial_guess) -> x`` with ``f(x) == 0`` (assumed, not
        checked); with ``has_aux`` it returns ``(x, aux)``.
      tangent_solve: ``tangent_solve(g, y) -> x`` with ``g(x) == y``, where ``g``
        is ``f`` linearised at the root; e.g. ``lambda g, y: y / g(1.0)`` for a
        scalar problem.
      has_aux: ``solve`` returns ``(x, aux)``; ``aux`` is returned with zero
        derivatives.

    Returns:
      ``solve(f, initial_guess)``, differentiable in ``f`` 's closed-over values.

    Raises:
      TypeError: ``f``, ``solve`` or ``tangent_solve`` returns a pytree whose
        structure differs from ``initial_guess`` 's.
      ValueError: ``has_aux`` is set but ``solve`` does not return a pair.

    Notes:
      Integer ``aux`` outputs get ``float0`` zero tangents here; JAX 0.10.2
      gives them integer zeros and its custom_jvp check then rejects them.

    Examples:
      >>> import pyjax
      >>> from pyjax import lax
      >>> def sqrt(a):
      ...   newton = lambda f, x0: lax.fori_loop(0, 30, lambda i, x: x - f(x) / (2 * x), x0)
      ...   return lax.custom_root(lambda x: x * x - a, 1.0, newton, lambda g, y: y / g(1.0))
      >>> round(float(sqrt(2.0)), 5), round(float(pyjax.grad(sqrt)(2.0)), 5)
      (1.41421, 0.35355)
    """
    from pyjax._src.ad_api import linearize
    guess_flat, guess_tree = tree_flatten(initial_guess)
    guess_avals = [get_aval(x) for x in guess_flat]
    f_jaxpr, f_consts, out_tree = _trace(f, (initial_guess,), guess_avals)
    _check_tree("f", "initial_guess", out_tree, guess_tree)
    solve_jaxpr, solve_consts, solution_tree = _trace(partial(solve, f), (initial_guess,),
                                                      guess_avals)
    _check_tree("solve", "initial_guess", solution_tree, guess_tree, has_aux)

    def linearize_and_solve(x, b):
        _, f_jvp = linearize(f, x)
        return tangent_solve(f_jvp, b)

    l_and_s_jaxpr, l_and_s_consts, out_tree = _trace(
        linearize_and_solve, (initial_guess, initial_guess), guess_avals * 2)
    _check_tree("tangent_solve", "x", out_tree, guess_tree)
    all_consts = [f_consts, solve_consts, l_and_s_consts]
    const_lengths = _RootTuple(*[len(c) for c in all_consts])
    jaxprs = _RootTuple(f_jaxpr, solve_jaxpr, l_and_s_jaxpr)
    solution_flat = _custom_root(const_lengths, jaxprs, *_flatten(all_consts), *guess_flat)
    return tree_unflatten(solution_tree, solution_flat)


# named as JAX's: the custom_jvp_call equation prints name=_custom_root jvp=_root_jvp
@partial(custom_jvp, nondiff_argnums=(0, 1))
def _custom_root(const_lengths, jaxprs, *args):
    params, guess = _split(args, const_lengths)
    return jaxpr_as_fun(jaxprs.solve)(*params[1], *guess)


def _root_jvp(const_lengths, jaxprs, primals, tangents):
    # F(p, x*(p)) = 0  =>  dF/dp dp + dF/dx dx* = 0  =>  dx* = -(dF/dx)^{-1} dF/dp dp
    from pyjax._src.lax.elementwise import neg
    params, _ = _split(primals, const_lengths)
    params = _RootTuple(*params)
    sol = _custom_root(const_lengths, jaxprs, *primals)
    n_x = len(jaxprs.f.out_avals)
    solution, aux = list(sol[:n_x]), list(sol[n_x:])
    params_dot = _RootTuple(*_split(tangents, const_lengths)[0])
    f = jaxpr_as_fun(jaxprs.f)
    f_dot = [_as_tangent(t, p) for t, p in zip(params_dot.f, params.f, strict=True)]
    _, rhs = ad.jvp_flat(lambda *p: f(*p, *solution), params.f, f_dot)
    rhs = [instantiate_zeros(t) for t in rhs]
    step = jaxpr_as_fun(jaxprs.l_and_s)(*params.l_and_s, *solution, *rhs)
    solution_dot = [neg(t) for t in step]
    aux_dot = [instantiate_zeros(_tangent_zero(a)) for a in aux]
    return sol, [*solution_dot, *aux_dot]


_custom_root.defjvp(_root_jvp)
