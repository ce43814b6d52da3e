"""Eager grad's compiled backward pass (``pyjax/_src/compiled_backward.py``).

From the second call with the same linear structure the transposition runs as
compiled code; results must be the same bits as the op-by-op backward pass,
user Python in custom VJPs must still run on every call, and anything not
eager (jit, make_jaxpr) is untouched.
"""
from __future__ import annotations

import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src import ad_api, compiled_backward
from pyjax._src.ad_api import grad, value_and_grad


@pytest.fixture
def counted_backward(monkeypatch):
    """Counts the op-by-op backward passes eager grad runs; a fresh structure table."""
    calls = []
    eager = ad_api.backward_pass

    def counting(*args, **kwargs):
        calls.append(1)
        return eager(*args, **kwargs)
    monkeypatch.setattr(ad_api, "backward_pass", counting)
    compiled_backward.clear()
    yield calls
    compiled_backward.clear()


def _x(n=1000, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(-2, 2, n).astype(dtype)


def _tanh_quotient(x):
    t = lax.tanh(x)
    return lax.reduce_sum(lax.div(lax.mul(t, t), lax.add(lax.integer_pow(x, 2), 1.0)), (0,))


def _broadcasting(x, w):
    # rank-0 operand, a broadcast and a reduction over one axis of a matrix
    y = lax.mul(lax.broadcast_in_dim(x, (3, x.shape[0]), (1,)), w)
    return lax.reduce_sum(lax.sub(lax.cos(y), lax.mul(y, 0.5)), (0, 1))


def _complex_abs2(z):
    return lax.reduce_sum(lax.real(lax.mul(z, lax.conj(z))), (0,))


@pytest.mark.parametrize("f, args, argnums", [
    (_tanh_quotient, (_x(),), 0),
    (_broadcasting, (_x(7), _x(21, 1).reshape(3, 7)), (0, 1)),
    (_complex_abs2, ((_x(5) + 1j * _x(5, 2)).astype(np.complex64),), 0),
    (lambda x: jnp.sum(jnp.sin(x) * x), (np.float32(0.5),), 0),
])
def test_compiled_backward_matches_eager_bit_for_bit(counted_backward, f, args, argnums):
    g = grad(f, argnums=argnums)
    results = [g(*args) for _ in range(4)]
    assert len(counted_backward) == 1  # first sighting eager, then compiled (and kept)
    for r in results[1:]:
        for a, b in zip(pyjax.tree_util.tree_leaves(results[0]),
                        pyjax.tree_util.tree_leaves(r), strict=True):
            assert np.asarray(a).dtype == np.asarray(b).dtype
            assert a.weak_type == b.weak_type
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_value_and_grad_uses_it_and_values_stay_right(counted_backward):
    vg = value_and_grad(_tanh_quotient)
    x = _x()
    for k in range(3):
        v, g = vg(x + k)
        t = np.tanh(x + k)
        ref = (2 * t * (1 - t * t) * ((x + k) ** 2 + 1) - t * t * 2 * (x + k)) / \
            ((x + k) ** 2 + 1) ** 2
        np.testing.assert_allclose(np.asarray(g), ref, rtol=2e-5, atol=1e-6)
        np.testing.assert_allclose(float(v), np.sum(t * t / ((x + k) ** 2 + 1)), rtol=1e-5)
    assert len(counted_backward) == 1  # the residuals change, the structure does not


def test_literals_are_part_of_the_structure(counted_backward):
    x = _x(10)
    for c in (2.0, 3.0, 2.0, 3.0, float("nan"), float("nan")):
        out = grad(lambda x: lax.reduce_sum(lax.mul(x, c), (0,)))(x)
        np.testing.assert_array_equal(np.asarray(out), np.full(10, c, np.float32))
    # 2.0 and 3.0 each eager once, then compiled; NaN (compared by its bits) likewise
    assert len(counted_backward) == 3


def test_custom_vjp_backward_runs_every_call(counted_backward):
    seen = []

    @pyjax.custom_vjp
    def f(x):
        return lax.sin(x)

    def fwd(x):
        return lax.sin(x), lax.cos(x)

    def bwd(res, g):
        seen.append(1)
        return (lax.mul(res, g),)
    f.defvjp(fwd, bwd)
    g = grad(lambda x: lax.reduce_sum(f(x), (0,)))
    for _ in range(3):
        np.testing.assert_allclose(np.asarray(g(_x(4))), np.cos(_x(4)), rtol=1e-6)
    assert len(seen) == 3 and len(counted_backward) == 3


def test_not_used_under_transformations_or_disable_jit(counted_backward):
    g = grad(_tanh_quotient)
    x = _x()
    for _ in range(3):
        pyjax.make_jaxpr(g)(x)
        pyjax.jit(g)(x)
    assert not any(e.exe for e in compiled_backward._table.values())
    counted_backward.clear()
    with pyjax.disable_jit():
        for _ in range(3):
            g(x)
    assert len(counted_backward) == 3


def test_integer_inputs_keep_the_eager_path(counted_backward):
    g = grad(lambda x, n: lax.mul(x, lax.convert_element_type(n, np.float32)),
             argnums=(0, 1), allow_int=True)
    for _ in range(3):
        dx, dn = g(np.float32(2.0), np.int32(3))
        assert float(dx) == 3.0 and dn.dtype == pyjax.dtypes.float0
    assert len(counted_backward) == 3


# -- deferred known values (NOTE[deferred-known-values] in partial_eval.py) ----------------------


@pytest.fixture
def counted_sin(monkeypatch):
    """Counts the eager evaluations of sin."""
    from pyjax._src.lax.special import sin_p
    calls = []
    impl = sin_p.impl

    def counting(*args, **params):
        calls.append(1)
        return impl(*args, **params)
    monkeypatch.setattr(sin_p, "impl", counting)
    compiled_backward.clear()
    yield calls
    compiled_backward.clear()


def test_grad_does_not_compute_the_value_it_does_not_return(counted_sin):
    f = lambda x: lax.reduce_sum(lax.sin(x), (0,))  # noqa: E731
    x = _x(8)
    np.testing.assert_allclose(np.asarray(grad(f)(x)), np.cos(x), rtol=1e-6)
    assert counted_sin == []           # sin(x) only feeds the discarded value
    v, g = value_and_grad(f)(x)
    assert len(counted_sin) == 1
    np.testing.assert_allclose(float(v), np.sin(x).sum(), rtol=1e-6)


def test_python_looking_at_a_value_computes_it():
    def f(x):
        y = lax.sin(x)
        if float(lax.reduce_sum(y, (0,))) > 0:   # concrete control flow on a primal
            return lax.reduce_sum(lax.mul(y, y), (0,))
        return lax.reduce_sum(lax.cos(y), (0,))
    for x in (_x(6) + 3.0, _x(6) - 3.0):
        for _ in range(3):
            s = np.sin(x)
            ref = 2 * s * np.cos(x) if s.sum() > 0 else -np.sin(s) * np.cos(x)
            np.testing.assert_allclose(np.asarray(grad(f)(x)), ref, rtol=1e-5, atol=1e-6)


def test_aux_and_values_reaching_user_code_are_arrays():
    seen = []

    def f(x):
        y = lax.exp(x)
        pyjax.debug.callback(lambda v: seen.append(np.asarray(v)), y)
        return lax.reduce_sum(lax.mul(y, x), (0,)), {"y": y, "half": lax.mul(y, 0.5)}
    x = _x(5)
    for _ in range(3):
        g, aux = grad(f, has_aux=True)(x)
        assert type(aux["y"]) is type(aux["half"]) is type(g)
        np.testing.assert_allclose(np.asarray(aux["half"]), np.exp(x) / 2, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(g), np.exp(x) * (x + 1), rtol=1e-5)
    assert len(seen) == 3
    np.testing.assert_allclose(seen[-1], np.exp(x), rtol=1e-6)


def test_custom_rules_see_computed_primals():
    seen = []

    @pyjax.custom_jvp
    def f(x):
        return lax.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        seen.append(type(x))
        return x, lax.mul(t, 2.0)             # the primal passes straight through

    @pyjax.custom_vjp
    def h(x):
        return lax.exp(x)

    def h_fwd(x):
        seen.append(type(x))
        return lax.exp(x), None

    def h_bwd(_, g):
        return (g,)
    h.defvjp(h_fwd, h_bwd)

    def loss(x):
        y = lax.cos(x)                         # y's value is deferred...
        z = lax.add(f(lax.mul(y, y)), h(y))   # ...until the custom rules need it
        return lax.reduce_sum(z, (0,)), z
    x = _x(4)
    for _ in range(3):
        g, z = grad(loss, has_aux=True)(x)
        c = np.cos(x)
        np.testing.assert_allclose(np.asarray(z), c * c + np.exp(c), rtol=1e-6)
        np.testing.assert_allclose(np.asarray(g), -np.sin(x) * (4 * c + 1), rtol=1e-5)
    assert all(t is type(g) for t in seen)


_UNARY = [lax.sin, lax.cos, lax.tanh, lax.exp, lambda v: lax.log(lax.add(lax.mul(v, v), 1.0)),
          lax.neg, lambda v: lax.integer_pow(v, 2), lambda v: lax.integer_pow(v, 3),
          lambda v: lax.div(1.0, lax.add(lax.mul(v, v), 0.5)), lax.logistic]


def _random_program(seed):
    rng = np.random.default_rng(seed)
    steps = [(int(rng.integers(0, 5)), int(rng.integers(0, len(_UNARY))),
              int(rng.integers(0, 1 << 30))) for _ in range(10)]

    def f(x, w):
        live = [x, lax.mul(x, w)]
        for kind, op, r in steps:
            a, b = live[r % len(live)], live[(r >> 8) % len(live)]
            if kind == 0:
                v = _UNARY[op](a)
            elif kind == 1:
                v = lax.mul(a, b)
            elif kind == 2:
                v = lax.sub(a, lax.mul(b, 0.25))
            elif kind == 3:
                v = lax.div(a, lax.add(lax.mul(b, b), 1.0))
            else:   # a broadcast of a reduction, as in normalisations
                v = lax.mul(a, lax.broadcast_in_dim(lax.reduce_sum(b, (0,)), a.shape, ()))
            live.append(v)
        return lax.reduce_sum(lax.add(live[-1], live[-2]), (0,))
    return f


@pytest.mark.parametrize("seed", range(8))
def test_random_programs_same_bits_every_call(counted_backward, seed):
    f = _random_program(seed)
    x = _x(64, seed) * 0.5
    w = np.float32(0.7)
    vg = value_and_grad(f, argnums=(0, 1))
    first = vg(x, w)
    for _ in range(2):
        again = vg(x, w)
        for a, b in zip(pyjax.tree_util.tree_leaves(first),
                        pyjax.tree_util.tree_leaves(again), strict=True):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert len(counted_backward) == 1  # the later calls ran compiled
    jitted = pyjax.jit(vg)(x, w)
    for a, b in zip(pyjax.tree_util.tree_leaves(first), pyjax.tree_util.tree_leaves(jitted)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_random_programs_same_bits_every_call_x64(x64, counted_backward, seed):
    f = _random_program(seed)
    x = _x(32, seed, np.float64) * 0.5
    g = grad(f, argnums=(0, 1))
    first = g(x, 0.7)                       # a weak Python scalar argument too
    for _ in range(2):
        again = g(x, 0.7)
        for a, b in zip(first, again, strict=True):
            assert np.asarray(a).dtype == np.float64 and a.weak_type == b.weak_type
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert len(counted_backward) == 1


# -- every differentiable lax record: eager grad (deferred, then compiled) == vjp, bit for bit ---

_RECORD_MODULES = ["test_comparison_bitwise", "test_convolution", "test_cumulative",
                   "test_dot_linalg", "test_elementwise", "test_elementwise_misc",
                   "test_misc_ops", "test_reductions", "test_slicing", "test_sorting",
                   "test_special", "test_structural", "test_windowed"]


def _grad_records():
    import importlib.util
    import os
    lax_tests = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lax")
    recs = []
    for name in _RECORD_MODULES:  # by path: some names exist in other test folders too
        spec = importlib.util.spec_from_file_location(f"_grad_records_{name}",
                                                      os.path.join(lax_tests, f"{name}.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        recs += [r for r in getattr(module, "RECORDS", []) if r.grad_order]
    return recs


@pytest.mark.parametrize("rec", _grad_records(), ids=lambda r: r.name)
def test_grad_of_every_record_matches_vjp(rec):
    args = rec.make_args()
    argnums = rec.grad_argnums or [i for i, a in enumerate(args) if a.dtype.kind in "fc"]
    if not argnums:
        pytest.skip("nothing to differentiate")

    def f(*diff):
        full = list(args)
        for i, d in zip(argnums, diff):
            full[i] = d
        total = 0.0
        for leaf in pyjax.tree_util.tree_leaves(rec.call(*full)):
            if jnp.issubdtype(leaf.dtype, jnp.inexact):
                total = total + jnp.sum(jnp.real(leaf) * 1.5)
        return total
    diff = [args[i] for i in argnums]
    out, pullback = pyjax.vjp(f, *diff)   # vjp never defers nor compiles: the reference
    if not jnp.issubdtype(jnp.asarray(out).dtype, jnp.floating):
        pytest.skip("no floating output")
    expected = pullback(jnp.ones_like(out))
    g = grad(f, argnums=tuple(range(len(diff))))
    for _ in range(3):   # first call deferred and eager, then compiled when compilable
        for a, b in zip(expected, g(*diff), strict=True):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
