"""lax.custom_linear_solve / lax.custom_root: values, implicit derivatives (checked against
differentiating the explicit solve and against finite differences), jit, vmap, printed
jaxprs and errors; plus replay of the stored real-JAX 0.10.2 cases in
tests/fixtures/control_solves.json (generator: tools/make_solve_fixtures.py).

``run_fixture_case`` here is shared with test_associative_scan.py.
"""
import functools

import numpy as np
import pytest

import pyjax as jax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src.config import enable_x64
from pyjax.test_util import check_grads

from fixtures import jaxref
from fixtures.inputs import bind, names_in

FIXTURE = "control_solves.json"

# tolerances against XLA's numbers: solves go through different LU code paths
_TOL = {"float32": (2e-5, 1e-6), "complex64": (2e-5, 1e-6), "float64": (1e-10, 1e-13)}


# -- replaying stored JAX cases ----------------------------------------------------------------


def fixture_params(prefix: str) -> list:
    """(block, case) params of the stored cases whose name starts with ``prefix``."""
    return [pytest.param(block, case, id=f"{block}-{case['name']}")
            for block in ("cases", "cases_x64")
            for case in jaxref.cases(FIXTURE, block) if case["name"].startswith(prefix)]


def _compare(actual, expected, where="out"):
    if isinstance(expected, jaxref.ArraySpec):
        rtol, atol = _TOL.get(expected.dtype, (None, None))
        jaxref.assert_array_matches(actual, expected, rtol=rtol, atol=atol,
                                    check_weak_type=expected.kind == "array")
    elif isinstance(expected, dict) and expected.get("kind") == "jaxpr":
        assert str(actual) == expected["text"], f"{where}: printed jaxpr differs from JAX's"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and sorted(actual) == sorted(expected), where
        for k in expected:
            _compare(actual[k], expected[k], f"{where}[{k!r}]")
    elif isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, f"{where}[{i}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def run_fixture_case(block: str, case: dict) -> None:
    """Evaluate a stored case with pyjax; compare with JAX's value, or error type and line."""
    ns = {"jax": jax, "jnp": jnp, "lax": lax, "np": np, "partial": functools.partial,
          "functools": functools}
    source = case.get("source") or ""
    with enable_x64(block == "cases_x64"):
        ns.update(bind(names_in(source + "\n" + case["expr"]), jnp.asarray))
        exec(compile(source, "<fixture-source>", "exec"), ns)  # noqa: S102 - repo fixture
        expr = compile(case["expr"], "<fixture-expr>", "eval")
        if "error" in case:
            with pytest.raises(Exception) as info:
                eval(expr, ns)  # noqa: S307 - repo-controlled fixture expression
            assert type(info.value).__name__ == case["error"]["type"], str(info.value)
            assert jaxref.scrub(str(info.value)).split("\n")[0] == case["error"]["first_line"]
            return
        out = eval(expr, ns)  # noqa: S307
        if isinstance(case["result"], dict) and case["result"].get("kind") == "jaxpr":
            _compare(out, case["result"])
        else:
            _compare(out, jaxref.decode(case["result"]))


def _lax_results_params() -> list:
    """The custom_root / custom_linear_solve cases of the general lax fixture file."""
    return [pytest.param(block, case, id=f"lax_results-{case['expr'][:40]}")
            for block in ("cases", "cases_x64")
            for case in jaxref.cases("lax_results.json", block)
            if case["expr"].startswith(("lax.custom_root", "lax.custom_linear_solve"))]


@pytest.mark.parametrize("block,case", fixture_params("ls_") + fixture_params("root_")
                         + _lax_results_params())
def test_solves_match_stored_jax_cases(block, case):
    run_fixture_case(block, case)


def test_stored_cases_cover_values_grads_vmap_jaxprs_and_errors():
    assert len(_lax_results_params()) == 2
    names = [c["name"] for b in ("cases", "cases_x64") for c in jaxref.cases(FIXTURE, b)]
    for needed in ["ls_grad", "ls_vmap_aux", "ls_jaxpr_sym", "ls_err_no_transpose",
                   "root_grad2", "root_jaxpr", "root_err_aux_not_pair"]:
        assert needed in names


# -- custom_linear_solve ---------------------------------------------------------------------------


def _matrix(n=4, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    return (rng.randn(n, n) + n * np.eye(n)).astype(dtype)


def _solve(a):
    return lambda matvec, b: jnp.linalg.solve(a, b)


def _tsolve(a):
    return lambda vecmat, b: jnp.linalg.solve(a.T, b)


def lsolve(a, b):
    return lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, _solve(a), _tsolve(a))


def lsolve_sym(a, b):
    return lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, _solve(a), symmetric=True)


def lsolve_fwd_only(a, b):
    return lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, _solve(a))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_solve_value_matches_numpy(dtype):
    with enable_x64(dtype == np.float64):
        a, b = _matrix(dtype=dtype), np.arange(1.0, 5.0).astype(dtype)
        out = lsolve(a, b)
        assert out.dtype == dtype
        np.testing.assert_allclose(out, np.linalg.solve(a, b), rtol=1e-5)


def test_linear_solve_returns_what_solve_returns_not_a_fresh_solve():
    # the impl evaluates the given solve, even when it does not satisfy matvec(x) == b
    out = lax.custom_linear_solve(lambda x: x * 2.0, np.ones(3, np.float32),
                                  lambda mv, b: b * 7.0)
    np.testing.assert_array_equal(out, np.full(3, 7.0, np.float32))


def test_linear_solve_grad_matches_grad_of_explicit_solve():
    with enable_x64(True):
        a, b = _matrix(), np.array([1.0, -2.0, 0.5, 3.0])

        def loss(solver):
            return lambda a, b: jnp.sum(jnp.sin(solver(a, b)) * jnp.arange(1.0, 5.0))

        spd = a @ a.T + np.eye(4)
        for solver, mat in ((lsolve, a), (lsolve_sym, spd)):
            implicit = jax.grad(loss(solver), argnums=(0, 1))(mat, b)
            explicit = jax.grad(loss(jnp.linalg.solve), argnums=(0, 1))(mat, b)
            for got, want in zip(implicit, explicit):
                np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_linear_solve_never_differentiates_solve():
    # Jacobi iterations in a while_loop: reverse mode through the loop would raise,
    # implicit differentiation only needs matvec and the (transposed) solves
    a = _matrix(seed=3) + 4 * np.eye(4)

    def jacobi(matvec_fn, b):
        d = jnp.diag(a)

        def body(c):
            x, i = c
            return (b - matvec_fn(x) + d * x) / d, i + 1
        return lax.while_loop(lambda c: c[1] < 200, body, (jnp.zeros_like(b), 0))[0]

    def f(a, b):
        x = lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, jacobi, symmetric=False,
                                    transpose_solve=lambda vm, b: jacobi(vm, b))
        return jnp.sum(x ** 2)

    with enable_x64(True):
        b = np.array([1.0, 2.0, -1.0, 0.5])
        got = jax.grad(f, argnums=1)(a, b)
        want = jax.grad(lambda a, b: jnp.sum(jnp.linalg.solve(a, b) ** 2), argnums=1)(a, b)
        np.testing.assert_allclose(got, want, rtol=1e-8)


@pytest.mark.parametrize("solver", [lsolve, lsolve_sym], ids=["general", "symmetric"])
def test_linear_solve_check_grads_order2(solver):
    with enable_x64(True):
        a = _matrix(seed=1)
        if solver is lsolve_sym:
            a = a @ a.T + np.eye(4)
        b = np.array([0.3, -1.0, 2.0, 0.7])
        check_grads(lambda b: solver(a, b), (b,), order=2, modes=("fwd", "rev"))
        if solver is lsolve:
            check_grads(lambda a: solver(a, b), (a,), order=2, modes=("fwd", "rev"))


def test_linear_solve_pytree_check_grads():
    def mv(x):
        return {"u": 2.0 * x["u"], "w": 3.0 * x["w"] + x["u"][0]}

    def solve(_, b):
        u = b["u"] / 2.0
        return {"u": u, "w": (b["w"] - u[0]) / 3.0}

    def tsolve(_, b):
        w = b["w"] / 3.0
        return {"u": (b["u"] - jnp.zeros_like(b["u"]).at[0].set(w)) / 2.0, "w": w}

    def f(u, w):
        out = lax.custom_linear_solve(mv, {"u": u, "w": w}, solve, tsolve)
        return jnp.sin(out["u"]) * out["w"]

    with enable_x64(True):
        check_grads(f, (np.array([0.5, -1.0, 2.0]), np.float64(1.5)), order=2,
                    modes=("fwd", "rev"))


def test_linear_solve_forward_mode_without_transpose_solve():
    with enable_x64(True):
        a, b = _matrix(seed=2), np.array([1.0, 0.0, -1.0, 2.0])
        got = jax.jacfwd(lambda a: lsolve_fwd_only(a, b))(a)
        want = jax.jacfwd(lambda a: jnp.linalg.solve(a, b))(a)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        check_grads(lambda b: lsolve_fwd_only(a, b), (b,), order=2, modes=("fwd",))


def test_linear_solve_reverse_mode_needs_transpose_solve():
    a, b = _matrix(dtype=np.float32), np.ones(4, np.float32)
    with pytest.raises(TypeError, match="^transpose_solve required for backwards mode "
                                        "automatic differentiation of custom_linear_solve$"):
        jax.grad(lambda b: jnp.sum(lsolve_fwd_only(a, b)))(b)


def test_linear_solve_transpose_in_the_operator_is_not_implemented():
    b = np.ones(2, np.float32)
    f = jax.linear_transpose(lambda s: lax.custom_linear_solve(
        lambda x: s * x, b, lambda mv, r: r / 2.0, symmetric=True), np.float32(2.0))
    with pytest.raises(NotImplementedError, match="custom_linear_solve"):
        f(b)


def test_linear_solve_jit_matches_eager_and_does_not_retrace():
    traces = []

    def f(a, b):
        traces.append(1)
        return lsolve(a, b)

    a, b = _matrix(dtype=np.float32), np.arange(4.0, dtype=np.float32)
    jf = jax.jit(f)
    np.testing.assert_allclose(jf(a, b), lsolve(a, b), rtol=1e-6)
    np.testing.assert_allclose(jf(a, b + 1), lsolve(a, b + 1), rtol=1e-6)
    assert len(traces) == 1
    g = jax.jit(jax.grad(lambda a, b: jnp.sum(lsolve(a, b) ** 2), argnums=(0, 1)))
    want = jax.grad(lambda a, b: jnp.sum(lsolve(a, b) ** 2), argnums=(0, 1))(a, b)
    for x, y in zip(g(a, b), want):
        np.testing.assert_allclose(x, y, rtol=1e-5)


@pytest.mark.parametrize("in_axes", [(None, 0), (0, None), (0, 0), (2, 1)])
def test_linear_solve_vmap_matches_loop(in_axes):
    mats = np.stack([_matrix(seed=s, dtype=np.float32) for s in range(3)])
    bs = np.arange(12.0, dtype=np.float32).reshape(3, 4) - 5
    a_arg = mats[0] if in_axes[0] is None else np.moveaxis(mats, 0, in_axes[0])
    b_arg = bs if in_axes[1] == 0 else (bs[0] if in_axes[1] is None else bs.T)
    out = jax.vmap(lsolve, in_axes=in_axes)(a_arg, b_arg)
    for i in range(3):
        a_i = mats[0] if in_axes[0] is None else mats[i]
        b_i = bs[0] if in_axes[1] is None else bs[i]
        np.testing.assert_allclose(out[i], np.linalg.solve(a_i, b_i), rtol=1e-4, atol=1e-5)


def test_linear_solve_vmap_of_grad_and_grad_of_vmap():
    with enable_x64(True):
        a = _matrix(seed=4)
        bs = np.arange(8.0).reshape(2, 4) / 3 - 1
        per_row = jax.vmap(jax.grad(lambda a, b: jnp.sum(jnp.cos(lsolve(a, b)))),
                           in_axes=(None, 0))(a, bs)
        loop = [jax.grad(lambda a: jnp.sum(jnp.cos(jnp.linalg.solve(a, b))))(a) for b in bs]
        np.testing.assert_allclose(per_row, np.stack(loop), rtol=1e-10, atol=1e-12)
        total = jax.grad(lambda a: jnp.sum(jnp.cos(jax.vmap(lsolve, (None, 0))(a, bs))))(a)
        np.testing.assert_allclose(total, np.sum(np.stack(loop), 0), rtol=1e-10, atol=1e-12)


def test_linear_solve_has_aux():
    a, b = _matrix(dtype=np.float32), np.arange(4.0, dtype=np.float32)

    def solve(mv, r):
        x = jnp.linalg.solve(a, r)
        return x, {"residual": jnp.sum(jnp.abs(mv(x) - r)), "iters": np.int32(5)}

    def run(b):
        return lax.custom_linear_solve(lambda x: jnp.dot(a, x), b, solve, symmetric=False,
                                       transpose_solve=lambda vm, r: (jnp.linalg.solve(a.T, r),
                                                                      {"residual": 0.0 * r[0],
                                                                       "iters": np.int32(5)}),
                                       has_aux=True)
    x, aux = run(b)
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-5)
    assert int(aux["iters"]) == 5 and aux["iters"].dtype == np.int32
    assert float(aux["residual"]) < 1e-4
    g = jax.grad(lambda b: jnp.sum(run(b)[0]))(b)
    np.testing.assert_allclose(g, np.linalg.solve(a.T, np.ones(4)), rtol=1e-5)
    (_, aux_out), (_, aux_dot) = jax.jvp(run, (b,), (np.ones(4, np.float32),))
    assert float(np.asarray(aux_dot["residual"])) == 0.0
    xs, auxs = jax.vmap(run)(np.stack([b, b + 1]))
    np.testing.assert_allclose(xs[1], np.linalg.solve(a, b + 1), rtol=1e-5)
    np.testing.assert_array_equal(auxs["iters"], [5, 5])


def test_linear_solve_weak_and_integer_right_hand_sides():
    out = lax.custom_linear_solve(lambda x: 4.0 * x, 2.0, lambda mv, b: b / 4.0)
    assert out.weak_type and out.dtype == np.float32 and float(out) == 0.5
    out = lax.custom_linear_solve(lambda x: x * 2, np.array([4, 6], np.int32),
                                  lambda mv, b: b // 2)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [2, 3])


def test_linear_solve_rejects_dtype_changing_solve():
    with pytest.raises(TypeError, match=r"custom_linear_solve: solve\(\) output dtypes must "
                                        r"match b, got \['float32'\] and \['int32'\]"):
        lax.custom_linear_solve(lambda x: x * 2, np.arange(3, dtype=np.int32),
                                lambda mv, b: b / 2)


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(matvec=lambda x: x[:2]), ValueError,
     r"matvec\(\) output shapes must match b, got \[\(2,\)\] and \[\(4,\)\]"),
    (dict(solve=lambda mv, b: (b,)), TypeError,
     r"solve\(\) output pytree structure must match b, got PyTreeDef\(\(\*,\)\) and "
     r"PyTreeDef\(\*\)\."),
    (dict(transpose_solve=lambda vm, b: b[1:]), ValueError,
     r"transpose_solve\(\) output shapes must match b"),
    (dict(solve=lambda mv, b: b, has_aux=True), ValueError, r"too many values to unpack"),
], ids=["matvec-shape", "solve-tree", "tsolve-shape", "aux-not-pair"])
def test_linear_solve_errors(kwargs, exc, msg):
    args = dict(matvec=lambda x: x, b=np.ones(4, np.float32), solve=lambda mv, b: b)
    args.update(kwargs)
    with pytest.raises(exc, match=msg):
        lax.custom_linear_solve(**args)


def test_linear_solve_jaxpr_params_and_transposed_roles():
    a = _matrix(dtype=np.float32)
    jaxpr = jax.make_jaxpr(lsolve)(a, np.ones(4, np.float32))
    (eqn,) = [e for e in jaxpr.jaxpr.eqns if e.primitive is lax.linear_solve_p]
    assert eqn.primitive.name == "custom_linear_solve"
    lengths, jaxprs = eqn.params["const_lengths"], eqn.params["jaxprs"]
    assert type(lengths).__name__ == "_LinearSolveTuple" and lengths._fields == (
        "matvec", "vecmat", "solve", "transpose_solve")
    assert all(j is not None for j in jaxprs)
    assert len(eqn.invars) == sum(lengths) + 1
    # reverse mode binds the transposed problem: the roles swap
    grad_jaxpr = jax.make_jaxpr(jax.grad(lambda b: jnp.sum(lsolve(a, b))))(np.ones(4, np.float32))
    solves = [e for e in grad_jaxpr.jaxpr.eqns if e.primitive is lax.linear_solve_p]
    assert len(solves) == 2
    fwd, bwd = solves[0].params, solves[1].params
    assert bwd["jaxprs"].matvec is fwd["jaxprs"].vecmat
    assert bwd["jaxprs"].solve is fwd["jaxprs"].transpose_solve
    assert tuple(bwd["const_lengths"]) == tuple(fwd["const_lengths"].transpose())


# -- custom_root ---------------------------------------------------------------------------------


def _newton(f, x0):
    return lax.fori_loop(0, 30, lambda i, x: x - f(x) / jax.grad(f)(x), x0)


def _while_newton(f, x0):
    # a while_loop solver: not reverse-differentiable itself
    def body(x):
        return x - f(x) / jax.grad(f)(x)
    return lax.while_loop(lambda x: jnp.abs(f(x)) > 1e-12, body, x0)


def cube_root(a, solver=_newton):
    return lax.custom_root(lambda x: x * x * x - a, jnp.ones_like(a), solver,
                           lambda g, y: y / g(1.0))


def test_root_value_and_derivatives_match_closed_form():
    with enable_x64(True):
        a = np.float64(5.0)
        assert np.isclose(cube_root(a), 5.0 ** (1 / 3), rtol=1e-12)
        assert np.isclose(jax.grad(cube_root)(a), 5.0 ** (-2 / 3) / 3, rtol=1e-10)
        assert np.isclose(jax.grad(jax.grad(cube_root))(a), -2 / 9 * 5.0 ** (-5 / 3),
                          rtol=1e-9)
        _, t = jax.jvp(cube_root, (a,), (np.float64(2.0),))
        assert np.isclose(t, 2 * 5.0 ** (-2 / 3) / 3, rtol=1e-10)


def test_root_solver_is_not_differentiated():
    with enable_x64(True):
        g = jax.grad(lambda a: cube_root(a, _while_newton))(np.float64(8.0))
        assert np.isclose(g, 1 / 12, rtol=1e-10)


def test_root_check_grads_order2():
    with enable_x64(True):
        check_grads(cube_root, (np.float64(3.0),), order=2, modes=("fwd", "rev"))
        check_grads(lambda a, b: lax.custom_root(
            lambda x: x * x * x + b * x - a, jnp.ones_like(a), _newton,
            lambda g, y: y / g(1.0)), (np.float64(3.0), np.float64(0.5)), order=2,
            modes=("fwd", "rev"))


def test_root_jit_and_vmap():
    a = np.array([1.0, 8.0, 27.0, 2.0], np.float32)
    np.testing.assert_allclose(jax.jit(jax.vmap(cube_root))(a), np.cbrt(a), rtol=1e-5)
    np.testing.assert_allclose(jax.vmap(jax.grad(cube_root))(a), a ** (-2 / 3) / 3,
                               rtol=1e-4)
    np.testing.assert_allclose(jax.jit(jax.grad(cube_root))(np.float32(8.0)), 1 / 12,
                               rtol=1e-5)


def _stored_program(case_name: str, fn_name: str):
    """The function ``fn_name`` that a stored case's source defines, bound to pyjax: the
    same program tools/make_solve_fixtures.py ran with JAX."""
    case, = [c for block in ("cases", "cases_x64") for c in jaxref.cases(FIXTURE, block)
             if c["name"] == case_name]
    ns = {"jax": jax, "jnp": jnp, "lax": lax, "np": np}
    exec(compile(case["source"], "<fixture-source>", "exec"), ns)  # noqa: S102 - repo fixture
    return ns[fn_name]


def test_root_pytree_jacobian():
    vec_root = _stored_program("root_tree", "vec_root")
    with enable_x64(True):
        a = np.array([4.0, 9.0, 2.0])
        want = np.diag(0.5 / np.sqrt(a))
        for jac in (jax.jacfwd, jax.jacrev):
            j = jac(vec_root)(a)
            np.testing.assert_allclose(j["u"], want, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(j["v"], want / 3, rtol=1e-12, atol=1e-14)


def test_root_has_aux():
    def solve(f, x0):
        x = _newton(f, x0)
        return x, (jnp.abs(f(x)), np.int32(30))

    def run(a):
        return lax.custom_root(lambda x: x * x * x - a, 1.0, solve, lambda g, y: y / g(1.0),
                               has_aux=True)

    x, (err, iters) = run(np.float32(2.0))
    assert np.isclose(x, np.cbrt(2.0), rtol=1e-6) and float(err) < 1e-5 and int(iters) == 30
    assert np.isclose(jax.grad(lambda a: run(a)[0])(np.float32(2.0)), 2 ** (-2 / 3) / 3,
                      rtol=1e-5)
    # integer aux gets a float0 tangent (JAX 0.10.2 raises here, see the module's Notes)
    (_, (_, iters)), (_, (err_dot, iters_dot)) = jax.jvp(run, (np.float32(2.0),),
                                                         (np.float32(1.0),))
    assert float(np.asarray(err_dot)) == 0.0 and int(iters) == 30


@pytest.mark.parametrize("f,solve,tsolve,has_aux,exc,msg", [
    (lambda x: (x,), lambda f, x0: x0, lambda g, y: y, False, TypeError,
     r"f\(\) output pytree structure must match initial_guess"),
    (lambda x: x, lambda f, x0: [x0], lambda g, y: y, False, TypeError,
     r"solve\(\) output pytree structure must match initial_guess, got PyTreeDef\(\[\*\]\)"),
    (lambda x: x, lambda f, x0: x0, lambda g, y: (y,), False, TypeError,
     r"tangent_solve\(\) output pytree structure must match x"),
    (lambda x: x, lambda f, x0: x0, lambda g, y: y, True, ValueError,
     r"solve\(\) produced a pytree with structure PyTreeDef\(\*\), but a pytree tuple with "
     r"auxiliary output was expected because has_aux was set to True\."),
], ids=["f-tree", "solve-tree", "tangent-solve-tree", "aux-not-pair"])
def test_root_errors(f, solve, tsolve, has_aux, exc, msg):
    with pytest.raises(exc, match=msg):
        lax.custom_root(f, 1.0, solve, tsolve, has_aux=has_aux)
