"""Compiler tier 2: whole while/scan loops compiled with numba (backend/native*.py).

Each loop runs three ways — tier 1 only ("never"), native from the start
("always") and the auto policy switching midway — and the results must agree
(exactly for integers and index shuffles, to float rounding otherwise: numba's
scalar libm and NumPy's SIMD kernels may differ in the last bit).
"""
import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src.backend import native, native_lowering
from pyjax._src.config import config

numba = pytest.importorskip("numba")


def _run(mode, f, *args, hot=None):
    old_mode, old_hot = config.jax_pyjax_native_loops, config.jax_pyjax_native_hot_seconds
    pyjax.config.update("jax_pyjax_native_loops", mode)
    if hot is not None:
        pyjax.config.update("jax_pyjax_native_hot_seconds", hot)
    try:
        return pyjax.tree.map(np.asarray, pyjax.jit(f)(*args))
    finally:
        pyjax.config.update("jax_pyjax_native_loops", old_mode)
        pyjax.config.update("jax_pyjax_native_hot_seconds", old_hot)


def _check_native(f, *args, exact=False, rtol=2e-6):
    """f's loops compile natively, and native results equal tier 1's."""
    before = dict(native.stats)
    ref = _run("never", f, *args)
    got = _run("always", f, *args)
    assert native.stats["failed"] == before["failed"], "numba failed to compile a loop"
    assert native.stats["unsupported"] == before["unsupported"], "a loop stayed on tier 1"
    assert native.stats["native_runs"] > before["native_runs"]
    for r, g in zip(pyjax.tree.leaves(ref), pyjax.tree.leaves(got), strict=True):
        assert r.dtype == g.dtype and r.shape == g.shape
        if exact or r.dtype.kind in "biu":
            np.testing.assert_array_equal(g, r)
        else:
            np.testing.assert_allclose(g, r, rtol=rtol, atol=1e-6)
    return got


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def test_rosenbrock_descent_fori_loop():
    g = pyjax.grad(rosenbrock)
    f = lambda p: lax.fori_loop(0, 3000, lambda i, p: p - 1.5e-3 * g(p), p)  # noqa: E731
    out = _check_native(f, jnp.array([-1.2, 1.0]), rtol=1e-5)
    assert out[0] > 0.9


def test_while_newton_sqrt_with_scalar_carry():
    def f(a):
        def body(c):
            x, n = c
            return 0.5 * (x + a / x), n + 1
        return lax.while_loop(lambda c: (jnp.abs(c[0] * c[0] - a) > 1e-6 * a) & (c[1] < 100),
                              body, (a, 0))
    x, n = _check_native(f, jnp.float32(10.0))
    assert abs(x - np.sqrt(10.0)) < 1e-5 and n > 3


def test_while_zero_iterations_returns_init():
    f = lambda x: lax.while_loop(lambda c: c[0] < 100, lambda c: (c[0] + 1, c[1] * 2),  # noqa
                                 (x, jnp.arange(3.0)))
    out = _check_native(f, jnp.int32(1000), exact=True)
    assert out[0] == 1000 and list(out[1]) == [0.0, 1.0, 2.0]


def test_integer_arithmetic_wraps_and_truncates_like_lax():
    def f(x):
        def body(i, c):
            a, b = c
            a = a * jnp.int32(1103515245) + jnp.int32(12345)       # int32 wrap-around
            b = b + lax.div(a, jnp.int32(-7)) + lax.rem(a, jnp.int32(5))
            return a, b
        return lax.fori_loop(0, 50, body, (x, jnp.int32(0)))
    _check_native(f, jnp.int32(7), exact=True)


def test_int_division_by_zero_matches_tier1():
    f = lambda x: lax.fori_loop(0, 3, lambda i, c: (lax.div(c[0], i - 1),  # noqa: E731
                                                    lax.rem(c[1], i - 1)), (x, x))
    _check_native(f, jnp.int32(9), exact=True)


def test_small_array_structural_ops():
    def body(i, c):
        v = c
        w = jnp.concatenate([v[1:], v[:1]])          # rotate
        w = jnp.flip(w) * 2.0 + jnp.pad(v[:2], (1, 1))
        m = w.reshape(2, 2).T.reshape(4)
        return jnp.where(m > 10.0, m - 10.0, m) + jnp.sum(v) * 0.01
    f = lambda x: lax.fori_loop(0, 20, body, x)  # noqa: E731
    _check_native(f, jnp.arange(4.0))


def test_large_array_carry_and_matvec():
    def body(i, h):
        return jnp.tanh(w @ h + 0.1 * jnp.sin(h))
    w = np.random.default_rng(0).normal(size=(40, 40)).astype(np.float32) / 7
    f = lambda h: lax.fori_loop(0, 30, body, h)  # noqa: E731
    _check_native(f, jnp.ones(40), rtol=1e-5)


def test_small_matmul_unrolled_dot_general():
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3) / 10
    b = np.arange(12.0, dtype=np.float32).reshape(3, 4) / 10

    def body(i, c):
        m, v = c
        return (m * 0.9 + (a @ b)[:, :2].sum() * 0.01,
                jnp.dot(jnp.ones(3), b) * 0.5 + v * 0.5)
    f = lambda m, v: lax.fori_loop(0, 10, body, (m, v))  # noqa: E731
    _check_native(f, jnp.ones((2, 2)), jnp.zeros(4))


def test_scan_with_xs_ys_reverse_and_consts():
    xs = np.linspace(-1, 1, 50).astype(np.float32).reshape(25, 2)
    k = np.float32(0.3)

    def f(c0, xs):
        def step(c, x):
            c = c * k + jnp.sin(x)
            return c, (c.sum(), c * 2, (x > 0).astype(jnp.int32))
        return lax.scan(step, c0, xs, reverse=True)
    _check_native(f, jnp.zeros(2), xs)


def test_scan_large_ys_rows():
    xs = np.random.default_rng(1).normal(size=(30, 20)).astype(np.float32)

    def f(xs):
        return lax.scan(lambda c, x: (c + x, jnp.exp(-x * x) * c), jnp.zeros(20), xs)
    _check_native(f, xs)


def test_rnn_scan_forward_and_backward():
    rng = np.random.default_rng(2)
    wx = rng.normal(size=(8, 4)).astype(np.float32) * 0.3
    wh = rng.normal(size=(8, 8)).astype(np.float32) * 0.3
    xs = rng.normal(size=(40, 4)).astype(np.float32)

    def loss(params, xs):
        wx, wh = params

        def step(h, x):
            h = jnp.tanh(wx @ x + wh @ h)
            return h, h.sum()
        h, ys = lax.scan(step, jnp.zeros(8), xs)
        return jnp.sum(ys) + jnp.sum(h ** 2)
    _check_native(pyjax.value_and_grad(loss), (wx, wh), xs, rtol=1e-4)


def test_cond_and_nested_loops_inside_a_loop():
    def body(i, c):
        x, n = c
        x = lax.cond(i % 2 == 0, lambda x: x * 0.5, lambda x: x + 1.0, x)
        n = n + lax.fori_loop(0, i, lambda j, a: a + j, 0)
        x = lax.switch(i % 3, [lambda x: x, lambda x: -x, lambda x: x * x], x)
        return x, n
    f = lambda x: lax.fori_loop(0, 12, body, (x, jnp.int32(0)))  # noqa: E731
    _check_native(f, jnp.arange(3.0))


def test_conversions_and_comparisons():
    def body(i, c):
        x, y, b = c
        k = (x * 3.7).astype(jnp.int32)                # float -> int (saturating)
        y = y + k + jnp.int32(b)
        b = jnp.logical_xor(b, x > 1.0)
        return x * 1.5 - (y % 4).astype(jnp.float32), y, b
    f = lambda x: lax.fori_loop(0, 25, body, (x, jnp.int32(0), jnp.bool_(False)))  # noqa
    _check_native(f, jnp.float32(0.3))


def test_float64_loop():
    with pyjax.enable_x64(True):
        f = lambda x: lax.fori_loop(0, 100, lambda i, c: c + jnp.cos(c) / (i + 1.0), x)  # noqa
        out = _check_native(f, jnp.float64(0.1), rtol=1e-14)
        assert out.dtype == np.float64


def test_auto_policy_switches_a_running_loop_midway(monkeypatch):
    monkeypatch.setattr(native, "estimated_compile_seconds", lambda src: 0.0)
    before = native.stats["switched_midway"]
    def make():  # a new function each run: runners are per traced loop
        return lambda x: lax.fori_loop(0, 20000, lambda i, c: c * 0.9999 + 1e-4, x)
    ref = _run("never", make(), jnp.float32(0.0))
    got = _run("auto", make(), jnp.float32(0.0), hot=1e-6)
    assert native.stats["switched_midway"] == before + 1
    np.testing.assert_allclose(got, ref, rtol=1e-6)


def test_never_mode_stays_on_tier1():
    before = dict(native.stats)
    _run("never", lambda x: lax.fori_loop(0, 5, lambda i, c: c + 1, x), jnp.float32(0))
    assert native.stats == before


def test_unsupported_primitive_stays_on_tier1_with_a_reason():
    def f(x):
        return lax.fori_loop(0, 4, lambda i, c: jnp.sort(c)[::-1] + 1.0, x)
    before = native.stats["unsupported"]
    out = _run("always", f, jnp.array([3.0, 1.0, 2.0] * 7))
    assert native.stats["unsupported"] == before + 1
    ref = _run("never", f, jnp.array([3.0, 1.0, 2.0] * 7))
    np.testing.assert_array_equal(out, ref)


def test_lowering_rejects_half_precision():
    jaxpr = pyjax.make_jaxpr(lambda x: lax.fori_loop(0, 3, lambda i, c: c * 2, x))(
        jnp.float16(1.0))
    eqn = jaxpr.jaxpr.eqns[0]
    with pytest.raises(native_lowering.Unsupported, match="float16"):
        native_lowering.lower_scan(eqn.params["jaxpr"], eqn.params["length"],
                                   eqn.params["reverse"], eqn.params["num_consts"],
                                   eqn.params["num_carry"])


def test_generated_source_has_no_user_text_and_typed_literals():
    def f(x):
        return lax.fori_loop(0, 3, lambda i, c: c * 0.5 + 2, x)
    jaxpr = pyjax.make_jaxpr(f)(jnp.float32(1))
    eqn = jaxpr.jaxpr.eqns[0]
    src = native_lowering.lower_scan(eqn.params["jaxpr"], eqn.params["length"],
                                     eqn.params["reverse"], eqn.params["num_consts"],
                                     eqn.params["num_carry"]).source
    assert "np.float32(0.5)" in src and "np.float32(2.0)" in src
    assert "lambda" not in src and "f(" not in src.replace("def loop(", "")


def test_disk_cache_reuses_the_generated_module(tmp_path, monkeypatch):
    monkeypatch.setenv("PYJAX_CACHE_DIR", str(tmp_path))
    f = lambda x: lax.fori_loop(0, 7, lambda i, c: c * 3 - 1, x)  # noqa: E731
    _check_native(f, jnp.int32(2), exact=True)
    files = list((tmp_path / "native").glob("loop_*.py"))
    assert len(files) == 1
    src = files[0].read_text()
    assert src.startswith("# pyjax tier-2 loop") and "def loop(" in src


def test_auto_policy_waits_until_tier1_time_pays_for_the_compile(monkeypatch, tmp_path):
    monkeypatch.setenv("PYJAX_CACHE_DIR", str(tmp_path))   # nothing cached: full price
    f = lambda x: lax.fori_loop(0, 200, lambda i, c: c * 0.5 + 1.0, x)  # noqa: E731
    before = dict(native.stats)
    _run("auto", f, jnp.float32(0.0), hot=1e-6)
    assert native.stats["native_runs"] == before["native_runs"]  # too cheap to compile
    jaxpr = pyjax.make_jaxpr(f)(jnp.float32(0.0)).jaxpr.eqns[0].params
    src = native_lowering.lower_scan(jaxpr["jaxpr"], jaxpr["length"], jaxpr["reverse"],
                                     jaxpr["num_consts"], jaxpr["num_carry"])
    assert native.estimated_compile_seconds(src) > 0.5


def test_scatter_updates_in_loops_at_set_add_and_dropped_out_of_bounds():
    def f(x, m):
        def body(i, c):
            x, m = c
            x = x.at[i].set(x[i - 1] * 2.0 + x[i])
            m = m.at[i % 4, :].add(m[(i - 1) % 4] * 0.5)
            m = m.at[i + 10].set(-1.0, mode="drop")             # out of bounds: dropped
            m = m.at[i, 1].max(jnp.float32(i), mode="clip")
            return x, m
        return lax.fori_loop(1, 6, body, (x, m))
    _check_native(f, jnp.arange(30.0) / 7, jnp.ones((4, 3)))


def test_xla_exact_twin_primitives_are_not_lowered_to_numpy():
    from pyjax._src.lax import xla_math
    closed = pyjax.make_jaxpr(lambda c: lax.fori_loop(
        0, 3, lambda i, c: xla_math.xla_log_p.bind(c + 1.0), c))(jnp.float32(1.0))
    p = closed.jaxpr.eqns[0].params
    with pytest.raises(native_lowering.Unsupported, match="XLA-exact 'log'"):
        native_lowering.lower_scan(p["jaxpr"], p["length"], p["reverse"], p["num_consts"],
                                   p["num_carry"])


def test_without_numba_loops_stay_on_tier1(monkeypatch):
    monkeypatch.setattr(native, "_numba", False)   # as if numba were not installed
    f = lambda x: lax.fori_loop(0, 9, lambda i, c: c * 2 + i, x)  # noqa: E731
    before = dict(native.stats)
    out = _run("always", f, jnp.int32(1))
    assert native.stats == before
    assert int(out) == _reference_doubling(1, 9)
    closed = pyjax.make_jaxpr(f)(jnp.int32(1))
    p = closed.jaxpr.eqns[0].params
    runner = native.scan_runner(p["jaxpr"], p["length"], p["reverse"], p["num_consts"],
                                p["num_carry"])
    old = config.jax_pyjax_native_loops
    pyjax.config.update("jax_pyjax_native_loops", "always")
    try:
        runner(np.int32(0), np.int32(1))
    finally:
        pyjax.config.update("jax_pyjax_native_loops", old)
    assert runner.native is False and runner.native_error == "numba is not installed"


def _reference_doubling(c, n):
    for i in range(n):
        c = c * 2 + i
    return c


def test_elementwise_operands_broadcast_numpy_style_in_small_values():
    # batching rules leave size-1 axes for lax's elementwise ops to broadcast, as in
    # (2, 3) * (1, 3) or (2, 3, 1) * (2, 1, 3) (seen in BFGS under vmap)
    def body(i, c):
        m = lax.mul(c, c[:1] * 0.5)
        outer = lax.mul(m.reshape(2, 3, 1), c.reshape(2, 1, 3))
        return m + outer.sum(2) * 0.01 - lax.div(c, c.sum(1, keepdims=True))
    f = lambda x: lax.fori_loop(0, 5, body, x)  # noqa: E731
    _check_native(f, jnp.arange(1.0, 7.0).reshape(2, 3))


def test_a_lowering_bug_falls_back_to_tier1_with_a_warning(monkeypatch, caplog):
    monkeypatch.delenv("PYJAX_NATIVE_STRICT", raising=False)  # the fallback is under test
    def broken(*args, **kwargs):
        raise IndexError("simulated lowering bug")
    monkeypatch.setattr(native_lowering, "lower_scan", broken)
    f = lambda x: lax.fori_loop(0, 4, lambda i, c: c * 3 + 1, x)  # noqa: E731
    before = native.stats["failed"]
    with caplog.at_level("WARNING", logger="pyjax.native"):
        out = _run("always", f, jnp.int32(1))
    assert int(out) == 121
    assert native.stats["failed"] == before + 1
    assert "simulated lowering bug" in caplog.text


def test_a_native_runtime_error_reruns_on_tier1(monkeypatch):
    monkeypatch.delenv("PYJAX_NATIVE_STRICT", raising=False)  # the fallback is under test
    f = lambda x: lax.fori_loop(0, 4, lambda i, c: c * 5 - 2, x)  # noqa: E731
    closed = pyjax.make_jaxpr(f)(jnp.int32(1))
    p = closed.jaxpr.eqns[0].params
    runner = native.scan_runner(p["jaxpr"], p["length"], p["reverse"], p["num_consts"],
                                p["num_carry"])

    def fail(*a):
        raise RuntimeError("simulated native failure")
    runner.native, runner._hoisted = fail, []   # as if compiled code raised
    before = native.stats["failed"]
    old = config.jax_pyjax_native_loops
    pyjax.config.update("jax_pyjax_native_loops", "auto")
    try:
        _, c = runner(np.int32(0), np.int32(1))
    finally:
        pyjax.config.update("jax_pyjax_native_loops", old)
    assert int(c) == ((((1 * 5 - 2) * 5 - 2) * 5 - 2) * 5 - 2)
    assert native.stats["failed"] == before + 1 and runner.native is False
    assert "simulated native failure" in runner.native_error


def test_large_array_reductions_over_some_axes():
    x0 = np.random.default_rng(3).normal(size=(4, 5, 6)).astype(np.float32)
    x0[1, 2, 3] = np.nan

    def body(i, c):
        x, acc = c
        r = (lax.reduce_max(x, (1,)).sum() + lax.reduce_min(x, (0, 2)).sum()
             + lax.reduce_prod(x[:, :2, :2] * 0.5 + 1.0, (2,)).sum())
        flags = lax.reduce_or(x > 1.0, (0,)).sum() + lax.reduce_and(x > -3.0, (1, 2)).sum()
        return x * 0.9, acc + jnp.nan_to_num(r) + flags
    f = lambda x: lax.fori_loop(0, 3, body, (x, jnp.float32(0)))  # noqa: E731
    _check_native(f, x0, rtol=1e-5)


def test_complex_carry_with_real_imag_conj():
    def body(i, z):
        w = z * jnp.conj(z) * 0.1 + z * (0.5 + 0.25j)
        return w + (jnp.real(w) - jnp.imag(w)) * 0.01
    f = lambda z: lax.fori_loop(0, 8, body, z)  # noqa: E731
    _check_native(f, jnp.array([1 + 2j, 0.5 - 1j, 3j], jnp.complex64), rtol=1e-5)
    f_big = lambda z: lax.fori_loop(0, 8, body, z)  # noqa: E731
    _check_native(f_big, (jnp.arange(40) * (0.1 + 0.05j)).astype(jnp.complex64), rtol=1e-5)
