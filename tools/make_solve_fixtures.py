#!/usr/bin/env python
# ruff: noqa: E501  (case tables: one expression per line)
"""Stored real-JAX 0.10.2 results for ``lax.associative_scan``, ``lax.custom_linear_solve``
and ``lax.custom_root`` (writes ``tests/fixtures/control_solves.json``).

Same encoding and case layout as ``tools/make_jax_fixtures.py`` (whose ``run_case``,
``header`` and ``write_fixture`` it reuses; schema in ``tests/fixtures/README.md``):
each case has a ``name``, optional ``source`` (statements run first), an ``expr`` and
either a ``result`` or an ``error``.  Cases flagged ``x64`` run with
``JAX_ENABLE_X64=1`` and go to the ``cases_x64`` block.  ``jax.make_jaxpr`` cases
store the printed jaxpr (result kind ``jaxpr``), compared verbatim by the tests.

Run from the repo root with the JAX venv (see the README)::

    /work/jaxvenv/bin/python tools/make_solve_fixtures.py
"""

import json
import os
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import make_jax_fixtures as MJF  # noqa: E402  (encoding, run_case, header, write_fixture)

OUT = "control_solves.json"


def S(text):
    return textwrap.dedent(text).lstrip("\n")


# -- shared helper sources ------------------------------------------------------------------

LINEAR = S("""
    def matvec_of(a):
        return lambda x: jnp.dot(a, x)
    def solve_with(a):
        return lambda mv, b: jnp.linalg.solve(a, b)
    def tsolve_with(a):
        return lambda vm, b: jnp.linalg.solve(a.T, b)
    def lsolve(a, b):
        return lax.custom_linear_solve(matvec_of(a), b, solve_with(a), tsolve_with(a))
    def lsolve_sym(a, b):
        return lax.custom_linear_solve(matvec_of(a), b, solve_with(a), symmetric=True)
    def lsolve_fwd_only(a, b):
        return lax.custom_linear_solve(matvec_of(a), b, solve_with(a))
    def lsolve_aux(a, b):
        solve = lambda mv, b: (jnp.linalg.solve(a, b), {'res': jnp.sum(mv(b)), 'n': jnp.sum(b)})
        tsolve = lambda vm, b: (jnp.linalg.solve(a.T, b), {'res': jnp.sum(vm(b)), 'n': jnp.sum(b)})
        return lax.custom_linear_solve(matvec_of(a), b, solve, tsolve, has_aux=True)
    def loss(a, b):
        return jnp.sum(jnp.sin(lsolve(a, b)))
    def loss_explicit(a, b):
        return jnp.sum(jnp.sin(jnp.linalg.solve(a, b)))
    def tree_mv(x):
        return {'u': 2.0 * x['u'], 'w': x['w'] * 3.0 + x['u'][0]}
    def tree_solve(mv, b):
        u = b['u'] / 2.0
        return {'u': u, 'w': (b['w'] - u[0]) / 3.0}
    def tree_tsolve(vm, b):
        w = b['w'] / 3.0
        return {'u': (b['u'] - jnp.zeros_like(b['u']).at[0].set(jnp.sum(w))) / 2.0, 'w': w}
    def tree_lsolve(b):
        return lax.custom_linear_solve(tree_mv, b, tree_solve, tree_tsolve)
    """)

ROOT = S("""
    def newton(f, x0):
        return lax.fori_loop(0, 25, lambda i, x: x - f(x) / jax.grad(f)(x), x0)
    def scalar_tsolve(g, y):
        return y / g(1.0)
    def cube_root(a):
        return lax.custom_root(lambda x: x * x * x - a, 1.0, newton, scalar_tsolve)
    def cube_root_aux(a):
        solve = lambda f, x0: (newton(f, x0), jnp.abs(f(newton(f, x0))))
        return lax.custom_root(lambda x: x * x * x - a, 1.0, solve, scalar_tsolve, has_aux=True)
    def vec_root(a):
        f = lambda x: {'u': x['u'] * x['u'] - a, 'v': 3.0 * x['v'] - x['u']}
        def solve(f, x0):
            u = jnp.sqrt(a)
            return {'u': u, 'v': u / 3.0}
        def tsolve(g, y):
            du = y['u'] / (2.0 * jnp.sqrt(a))
            return {'u': du, 'v': (y['v'] + du) / 3.0}
        return lax.custom_root(f, {'u': jnp.ones_like(a), 'v': jnp.ones_like(a)}, solve, tsolve)
    """)

PAIRS = S("""
    def affine(p, q):
        return (p[0] * q[0], p[1] * q[0] + q[1])
    def matprod(a, b):
        return jnp.matmul(a, b)
    """)


def _adder(cases, source):
    """``add(name, expr, x64=False)``: append a case running ``source`` first to ``cases``."""
    def add(name, expr, x64=False):
        case = {"name": name, "source": source, "expr": expr}
        if x64:
            case["x64"] = True
        cases.append(case)
    return add


def _assoc_cases():
    c = []
    add = _adder(c, PAIRS)

    add("assoc_cumsum_2d_axis1", "lax.associative_scan(jnp.add, x_f32, axis=1)")
    add("assoc_cumsum_neg_axis", "lax.associative_scan(jnp.add, b3_f32, axis=-1)")
    add("assoc_cumprod_reverse_axis1", "lax.associative_scan(jnp.multiply, b3_f32, reverse=True, axis=1)")
    add("assoc_int_cumsum_rev", "lax.associative_scan(lax.add, l_i32, reverse=True)")
    add("assoc_bool_or", "lax.associative_scan(jnp.logical_or, l_bool)")
    add("assoc_bool_and_rev", "lax.associative_scan(jnp.logical_and, jnp.logical_not(l_bool), reverse=True)")
    add("assoc_max_reverse", "lax.associative_scan(lax.max, l_f32, reverse=True)")
    add("assoc_matprod", "lax.associative_scan(matprod, jnp.reshape(l_f32, (3, 2, 2)))")
    add("assoc_matprod_long", "lax.associative_scan(matprod, jnp.reshape(jnp.concatenate([l_f32] * 3) / 2, (9, 2, 2)))")
    add("assoc_affine_reverse", "lax.associative_scan(affine, (p_f32.ravel() / 4, l_f32), reverse=True)")
    add("assoc_dict", "lax.associative_scan(lambda a, b: {'s': a['s'] + b['s'], 'm': jnp.maximum(a['m'], b['m'])}, {'s': n_f32, 'm': n_f32[::-1]})")
    add("assoc_complex", "lax.associative_scan(jnp.multiply, v_c64)")
    add("assoc_len1", "lax.associative_scan(lax.add, l_f32[:1])")
    add("assoc_len2_axis1", "lax.associative_scan(lax.mul, x_f32[:, :2], axis=1)")
    add("assoc_weak", "lax.associative_scan(lax.add, jnp.asarray(2.0) * jnp.ones(5))")
    add("assoc_jit", "jax.jit(lambda x: lax.associative_scan(jnp.multiply, x, reverse=True))(p_f32)")
    add("assoc_vmap", "jax.vmap(lambda x: lax.associative_scan(affine, (x, x + 1.0)), in_axes=1)(x_f32)")
    add("assoc_grad_cumprod", "jax.grad(lambda x: jnp.sum(lax.associative_scan(jnp.multiply, x) ** 2))(l_f64 / 2 + 1.5)", x64=True)
    add("assoc_jvp_affine", "jax.jvp(lambda x: lax.associative_scan(affine, (x, jnp.sin(x)), reverse=True), (l_f64,), (jnp.cos(l_f64),))", x64=True)
    add("assoc_hessian_matprod", "jax.hessian(lambda x: jnp.sum(lax.associative_scan(matprod, jnp.reshape(x, (2, 2, 2)))))(jnp.arange(8.0) / 8)", x64=True)
    add("assoc_jaxpr_len3", "jax.make_jaxpr(lambda x: lax.associative_scan(lax.add, x))(w_f32)")
    add("assoc_jaxpr_pair_len4", "jax.make_jaxpr(lambda x, y: lax.associative_scan(affine, (x, y)))(v_f32, v_f32)")
    add("assoc_jaxpr_bool", "jax.make_jaxpr(lambda x: lax.associative_scan(jnp.logical_or, x, reverse=True))(l_bool[:5])")
    add("assoc_err_lengths", "lax.associative_scan(affine, (v_f32, w_f32))")
    add("assoc_err_lengths_axis1", "lax.associative_scan(affine, (x_f32, x_f32[:, :3]), axis=1)")
    add("assoc_err_not_callable", "lax.associative_scan(3, l_f32)")
    add("assoc_err_axis", "lax.associative_scan(lax.add, x_f32, axis=2)")
    add("assoc_err_axis_scalar", "lax.associative_scan(lax.add, s_f32)")
    add("assoc_err_reverse_neg_axis", "lax.associative_scan(lax.add, x_f32, axis=-1, reverse=True)")
    return c


def _linear_cases():
    c = []
    add = _adder(c, LINEAR)

    add("ls_value", "lsolve(mb_f32, v_f32)")
    add("ls_value_sym", "lsolve_sym(spd_f32, v_f32)")
    add("ls_value_fwd_only", "lsolve_fwd_only(mb_f32, v_f32)")
    add("ls_weak_scalar", "lax.custom_linear_solve(lambda x: 4.0 * x, 2.0, lambda mv, b: b / 4.0)")
    add("ls_int", "lax.custom_linear_solve(lambda x: x * 2, w_i32, lambda mv, b: b // 2)")
    add("ls_tree", "tree_lsolve({'u': v_f32, 'w': s_f32})")
    add("ls_aux", "lsolve_aux(mb_f32, v_f32)")
    add("ls_jit", "jax.jit(lsolve)(mb_f32, v_f32)")
    add("ls_vmap_b", "jax.vmap(lsolve, in_axes=(None, 0))(mb_f32, x_f32)")
    add("ls_vmap_a", "jax.vmap(lsolve, in_axes=(0, None))(jnp.stack([mb_f32, spd_f32, mb_f32.T]), v_f32)")
    add("ls_vmap_both_axis1", "jax.vmap(lsolve, in_axes=(2, 1))(jnp.stack([mb_f32, spd_f32, mb_f32.T], -1), x_f32.T)")
    add("ls_vmap_aux", "jax.vmap(lsolve_aux, in_axes=(None, 0))(mb_f32, x_f32)")
    add("ls_vmap_fwd_only", "jax.vmap(lsolve_fwd_only, in_axes=(0, None))(jnp.stack([mb_f32, spd_f32]), v_f32)")
    add("ls_jvp_b", "jax.jvp(lambda b: lsolve(mb_f32, b), (v_f32,), (jnp.ones(4),))")
    add("ls_jvp_a", "jax.jvp(lambda a: lsolve_fwd_only(a, v_f32), (mb_f32,), (spd_f32 / 10,))")
    add("ls_grad", "jax.grad(loss, argnums=(0, 1))(mb_f64, v_f64)", x64=True)
    add("ls_grad_explicit", "jax.grad(loss_explicit, argnums=(0, 1))(mb_f64, v_f64)", x64=True)
    add("ls_grad_sym", "jax.grad(lambda a, b: jnp.sum(lsolve_sym(a, b) ** 3), argnums=(0, 1))(spd_f64, v_f64)", x64=True)
    add("ls_hessian_b", "jax.hessian(lambda b: jnp.sum(jnp.sin(lsolve(mb_f64, b))))(v_f64)", x64=True)
    add("ls_jacfwd_a_fwd_only", "jax.jacfwd(lambda a: lsolve_fwd_only(a, v_f64))(mb_f64)", x64=True)
    add("ls_grad_tree", "jax.grad(lambda b: jnp.sum(jnp.cos(tree_lsolve(b)['u'])) + tree_lsolve(b)['w'] ** 2)({'u': v_f64, 'w': s_f64})", x64=True)
    add("ls_grad_aux", "jax.grad(lambda a, b: jnp.sum(lsolve_aux(a, b)[0] ** 2), argnums=(0, 1))(mb_f64, v_f64)", x64=True)
    add("ls_vmap_grad", "jax.vmap(jax.grad(loss), in_axes=(None, 0))(mb_f64, x_f64)", x64=True)
    add("ls_err_no_transpose", "jax.grad(lambda b: jnp.sum(lsolve_fwd_only(mb_f32, b)))(v_f32)")
    add("ls_err_matvec_shape", "lax.custom_linear_solve(lambda x: x[:2], v_f32, lambda mv, b: b)")
    add("ls_err_solve_shape", "lax.custom_linear_solve(lambda x: x, v_f32, lambda mv, b: b[1:])")
    add("ls_err_matvec_tree", "lax.custom_linear_solve(lambda x: (x,), v_f32, lambda mv, b: b)")
    add("ls_err_solve_tree", "lax.custom_linear_solve(lambda x: x, v_f32, lambda mv, b: [b])")
    add("ls_err_tsolve_tree", "lax.custom_linear_solve(lambda x: x, v_f32, lambda mv, b: b, lambda vm, b: (b, b))")
    add("ls_err_aux_not_pair", "lax.custom_linear_solve(lambda x: x, v_f32, lambda mv, b: b, has_aux=True)")
    add("ls_jaxpr_fwd_only", "jax.make_jaxpr(lambda b: lax.custom_linear_solve(lambda x: x * 2.0, b, lambda mv, b: b / 2.0))(w_f32)")
    add("ls_jaxpr_sym", "jax.make_jaxpr(lambda b: lax.custom_linear_solve(lambda x: x * 2.0, b, lambda mv, b: b / 2.0, symmetric=True))(w_f32)")
    add("ls_jaxpr_vmap", "jax.make_jaxpr(jax.vmap(lambda b: lax.custom_linear_solve(lambda x: x * 2.0, b, lambda mv, b: b / 2.0)))(x_f32)")
    add("ls_jaxpr_jvp", "jax.make_jaxpr(lambda b, t: jax.jvp(lambda b: lax.custom_linear_solve(lambda x: x * 2.0, b, lambda mv, b: b / 2.0), (b,), (t,)))(w_f32, w_f32)")
    add("ls_jaxpr_tree", "jax.make_jaxpr(lambda b: lax.custom_linear_solve(lambda x: {'p': x['p'] * 2.0, 'q': -x['q']}, b, lambda mv, b: {'p': b['p'] / 2.0, 'q': -b['q']}, symmetric=True))({'p': w_f32, 'q': s_f32})")
    add("ls_jaxpr_grad_sym", "jax.make_jaxpr(jax.grad(lambda b: jnp.sum(lax.custom_linear_solve(lambda x: x * 2.0, b, lambda mv, b: b / 2.0, symmetric=True))))(w_f32)")
    return c


def _root_cases():
    c = []
    add = _adder(c, ROOT)

    add("root_value", "cube_root(2.0)")
    add("root_err_nonscalar_newton", "cube_root(p_f32)")
    add("root_grad", "jax.grad(cube_root)(2.0)")
    add("root_jvp", "jax.jvp(cube_root, (3.0,), (0.5,))")
    add("root_vmap", "jax.vmap(cube_root)(l_f32 * l_f32 + 1.0)")
    add("root_jit_grad", "jax.jit(jax.grad(cube_root))(5.0)")
    add("root_aux", "cube_root_aux(2.0)")
    add("root_aux_grad", "jax.grad(lambda a: cube_root_aux(a)[0])(2.0)")
    add("root_tree", "vec_root(p_f32[0])")
    add("root_grad2", "jax.grad(jax.grad(cube_root))(2.0)", x64=True)
    add("root_vmap_grad", "jax.vmap(jax.grad(cube_root))(p_f64[0] + 1.0)", x64=True)
    add("root_jacfwd_tree", "jax.jacfwd(vec_root)(p_f64[0])", x64=True)
    add("root_jacrev_tree", "jax.jacrev(vec_root)(p_f64[0])", x64=True)
    add("root_err_f_tree", "lax.custom_root(lambda x: (x,), 1.0, lambda f, x0: x0, scalar_tsolve)")
    add("root_err_solve_tree", "lax.custom_root(lambda x: x, 1.0, lambda f, x0: [x0], scalar_tsolve)")
    add("root_err_tsolve_tree", "lax.custom_root(lambda x: x, 1.0, lambda f, x0: x0, lambda g, y: (y,))")
    add("root_err_aux_not_pair", "lax.custom_root(lambda x: x, 1.0, lambda f, x0: x0, scalar_tsolve, has_aux=True)")
    add("root_jaxpr", "jax.make_jaxpr(lambda a: lax.custom_root(lambda x: x * x - a, 1.0, lambda f, x0: x0, scalar_tsolve))(2.0)")
    return c


def all_cases():
    return _assoc_cases() + _linear_cases() + _root_cases()


def worker(x64: bool):
    """Run this mode's cases in-process and print the records as JSON."""
    recs = []
    for case in all_cases():
        if bool(case.get("x64")) != x64:
            continue
        rec = MJF.run_case(case)
        rec.pop("x64", None)
        recs.append(rec)
    json.dump(recs, sys.stdout)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2] == "1")
        return
    blocks = {}
    for x64, block in ((False, "cases"), (True, "cases_x64")):
        env = dict(os.environ, JAX_ENABLE_X64="1" if x64 else "0", JAX_PLATFORMS="cpu")
        out = subprocess.run([sys.executable, __file__, "--worker", "1" if x64 else "0"],
                             env=env, check=True, capture_output=True, text=True).stdout
        blocks[block] = json.loads(out)
    meta = MJF.header({"file": OUT, "generated_by": "tools/make_solve_fixtures.py",
                       "inputs": MJF.input_table(blocks)})
    MJF.write_fixture(OUT, meta, blocks)


if __name__ == "__main__":
    main()
