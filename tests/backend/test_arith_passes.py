"""The compiler's exact arithmetic rewrites (``passes.simplify_arithmetic``, commutative CSE)
and eager ``mul`` by a broadcast one (values and weak types; no shortcut is taken eagerly).

Every rewrite must give the results of running the jaxpr as written, signs of
zeros included (NOTE[exact-rewrites] in passes.py), so results are compared with
``assert_array_equal`` and ``signbit`` on inputs holding signed zeros,
infinities and NaNs.
"""
from __future__ import annotations

import numpy as np
import pytest

import pyjax
from pyjax import lax
from pyjax._src.ad_api import grad
from pyjax._src.backend.compiler import compiled_callable
from pyjax._src.core.jaxpr import eval_jaxpr

N = 64
SPECIAL = np.array([0.0, -0.0, 1.0, -1.5, np.inf, -np.inf, np.nan, 3e38], np.float32)


def _names(exe):
    return [e.primitive.name for e in exe.jaxpr.eqns]


def _run_both(f, *args):
    """(compiled results, interpreted results, executable) of ``f`` on NumPy ``args``."""
    closed = pyjax.make_jaxpr(f)(*args)
    exe = compiled_callable(closed)
    compiled = [np.asarray(o) for o in exe.call_arrays(list(args))]
    reference = [np.asarray(o) for o in eval_jaxpr(closed.jaxpr, closed.consts, *args)]
    return compiled, reference, exe


def _assert_same_bits(compiled, reference):
    for c, r in zip(compiled, reference, strict=True):
        assert c.dtype == r.dtype and c.shape == r.shape
        np.testing.assert_array_equal(c, r)
        # signed zeros too (a NaN's sign bit carries no meaning: IEEE leaves it open)
        keep = ~np.isnan(r)
        np.testing.assert_array_equal(np.signbit(c[keep]), np.signbit(r[keep]))


def _pairs():
    """Every pair of special values, as two float32 vectors."""
    a, b = np.meshgrid(SPECIAL, SPECIAL)
    return a.ravel().copy(), b.ravel().copy()


def _ones_like(x):
    return lax.broadcast_in_dim(np.ones((), x.dtype), x.shape, ())


# -- multiplication by one ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [8, 100_000])  # the broadcast is folded (small) or forwarded
def test_mul_by_broadcast_one_is_dropped(n):
    x = np.linspace(-3, 3, n, dtype=np.float32)
    compiled, ref, exe = _run_both(lambda x: lax.sin(lax.mul(_ones_like(x), x)), x)
    assert _names(exe) == ["sin"]
    _assert_same_bits(compiled, ref)


def test_mul_and_div_by_literal_one_are_dropped():
    a, _ = _pairs()
    compiled, ref, exe = _run_both(lambda x: lax.exp(lax.div(lax.mul(x, 1.0), 1.0)), a)
    assert _names(exe) == ["exp"]
    _assert_same_bits(compiled, ref)


def test_complex_mul_by_one_is_kept():
    # NumPy: (inf+0j) * (1+0j) is inf+nanj, so dropping the mul would change the result
    x = np.array([np.inf + 0j, 1 + 2j], np.complex64)
    compiled, ref, exe = _run_both(lambda x: lax.mul(x, _ones_like(x)), x)
    assert "mul" in _names(exe)
    _assert_same_bits([compiled[0].imag], [ref[0].imag])


def test_mul_by_minus_one_becomes_neg():
    a, _ = _pairs()
    compiled, ref, exe = _run_both(lambda x: lax.mul(lax.sin(x), -1.0), a)
    assert _names(exe) == ["sin", "neg"]
    _assert_same_bits(compiled, ref)


# -- negations --------------------------------------------------------------------------------


def test_double_negation_cancels():
    a, _ = _pairs()
    compiled, ref, exe = _run_both(lambda x: lax.exp(lax.neg(lax.neg(x))), a)
    assert _names(exe) == ["exp"]
    _assert_same_bits(compiled, ref)


def test_negations_pushed_through_products_cancel():
    # the shape of cos's JVP transposed twice in a chain: neg, mul, mul, neg
    def f(x, y):
        return lax.mul(lax.neg(lax.mul(lax.mul(lax.neg(x), y), y)), x)
    a, b = _pairs()
    compiled, ref, exe = _run_both(f, a, b)
    assert "neg" not in _names(exe)
    _assert_same_bits(compiled, ref)


def test_negation_absorbed_by_add_and_sub():
    def f(x, y):
        s = lax.add(lax.sin(x), lax.neg(y))        # -> sub
        t = lax.add(lax.neg(lax.cos(x)), y)        # -> sub, operands swapped
        u = lax.sub(x, lax.neg(lax.exp(y)))        # -> add
        return s, t, u
    a, b = _pairs()
    compiled, ref, exe = _run_both(f, a, b)
    assert "neg" not in _names(exe)
    assert _names(exe).count("sub") == 2
    _assert_same_bits(compiled, ref)


def test_division_by_negation():
    a, b = _pairs()
    compiled, ref, exe = _run_both(
        lambda x, y: lax.sub(y, lax.div(x, lax.neg(lax.sin(y)))), a, b)
    assert "neg" not in _names(exe)
    _assert_same_bits(compiled, ref)


def test_rewrites_that_would_flip_a_zero_sign_are_not_made():
    # (-x) + (-y) is +0 for x = 0, y = -0, while -(x + y) is -0; (-x) - y likewise
    def f(x, y):
        return lax.add(lax.neg(x), lax.neg(y)), lax.sub(lax.neg(x), y)
    a, b = _pairs()
    compiled, ref, exe = _run_both(f, a, b)
    _assert_same_bits(compiled, ref)
    assert "neg" in _names(exe)


def test_shared_negation_is_not_duplicated():
    def f(x, y):
        n = lax.neg(x)
        return lax.mul(n, y), n                     # n is an output too: it stays
    a, b = _pairs()
    compiled, ref, exe = _run_both(f, a, b)
    assert sorted(_names(exe)) == ["mul", "neg"]
    _assert_same_bits(compiled, ref)


def test_integer_division_of_negation_untouched():
    # truncating INT_MIN / -1 wraps, so -(x / y) is not (-x) / y for integers
    x = np.array([np.iinfo(np.int32).min, 7, -7], np.int32)
    y = np.array([-1, 2, 2], np.int32)
    compiled, ref, exe = _run_both(lambda x, y: lax.div(lax.neg(x), y), x, y)
    assert _names(exe) == ["neg", "div"]
    np.testing.assert_array_equal(compiled[0], ref[0])


def test_integer_product_of_negation_pushed():
    x = np.array([np.iinfo(np.int32).min, 7, -7, 0], np.int32)
    y = np.array([-1, 3, 2, 5], np.int32)
    compiled, ref, exe = _run_both(lambda x, y: lax.add(y, lax.mul(lax.neg(x), y)), x, y)
    assert "neg" not in _names(exe)
    np.testing.assert_array_equal(compiled[0], ref[0])


# -- x + x and commutative CSE --------------------------------------------------------------------


def test_sum_of_a_value_with_itself_is_a_scalar_product():
    a, _ = _pairs()
    compiled, ref, exe = _run_both(lambda x: lax.add(lax.sin(x), lax.sin(x)), a)
    assert _names(exe) == ["sin", "mul"]
    _assert_same_bits(compiled, ref)


def test_cse_merges_commuted_operands_of_commutative_primitives():
    def f(x, y):
        return lax.add(lax.mul(x, y), lax.mul(y, x))
    a, b = _pairs()
    compiled, ref, exe = _run_both(f, a, b)
    assert _names(exe) == ["mul", "mul"]  # one product, then the doubling
    _assert_same_bits(compiled, ref)


def test_cse_keeps_commuted_max():
    # np.maximum(0., -0.) and np.maximum(-0., 0.) differ in the sign of zero
    x = np.array([0.0, -0.0], np.float32)
    y = np.array([-0.0, 0.0], np.float32)
    compiled, ref, exe = _run_both(lambda x, y: (lax.max(x, y), lax.max(y, x)), x, y)
    assert _names(exe).count("max") == 2
    _assert_same_bits(compiled, ref)


# -- reverse mode under jit -----------------------------------------------------------------------


def _chain(x):
    return lax.reduce_sum(lax.mul(lax.sin(lax.cos(lax.exp(lax.neg(lax.integer_pow(x, 2))))),
                                  x), (0,))


def _quotient(x):
    t = lax.tanh(x)
    return lax.reduce_sum(lax.div(lax.mul(t, t), lax.add(lax.integer_pow(x, 2), 1.0)), (0,))


@pytest.mark.parametrize("f, negs", [(_chain, 1), (_quotient, 0)])
def test_jit_grad_is_simplified_and_equal_to_eager(f, negs):
    x = np.random.default_rng(0).uniform(-2, 2, 1000).astype(np.float32)
    closed = pyjax.make_jaxpr(grad(f))(x)
    exe = compiled_callable(closed)
    traced = [e.primitive.name for e in closed.jaxpr.eqns]
    assert "broadcast_in_dim" in traced  # the cotangent seed, as JAX prints it
    assert traced.count("neg") > negs
    assert _names(exe).count("neg") == negs  # only the primal's negation is left
    assert "broadcast_in_dim" not in _names(exe)
    for eqn in exe.jaxpr.eqns:  # and no product with the seed
        assert not any(type(v).__name__ == "Literal" and np.asarray(v.val) == 1
                       for v in eqn.invars if eqn.primitive.name == "mul")
    np.testing.assert_array_equal(np.asarray(pyjax.jit(grad(f))(x)), np.asarray(grad(f)(x)))


# -- eager mul by a broadcast one ------------------------------------------------------------------


def test_eager_mul_by_broadcast_one_is_a_new_array_equal_to_the_operand():
    x = pyjax.numpy.arange(6.0).reshape(2, 3)
    for out in (lax.mul(x, _ones_like(x)), lax.mul(_ones_like(x), x)):
        np.testing.assert_array_equal(out, x)
        assert out is not x and out.weak_type == x.weak_type
    out = lax.mul(x, _ones_like(x))
    out.delete()
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))  # x unaffected


def test_eager_mul_by_broadcast_one_keeps_types_and_complex_semantics():
    x = pyjax.numpy.asarray(np.array([np.inf + 0j], np.complex64))
    assert np.isnan(np.asarray(lax.mul(x, _ones_like(x))).imag[0])   # no shortcut
    w = lax.mul(2.0, lax.broadcast_in_dim(1.0, (), ()))              # weak * weak
    assert w.weak_type and float(w) == 2.0
    s = lax.mul(np.float32(2.0), lax.broadcast_in_dim(1.0, (), ()))  # strong * weak
    assert not s.weak_type
    i = pyjax.numpy.arange(3, dtype=np.int32)
    np.testing.assert_array_equal(lax.mul(_ones_like(i), i), [0, 1, 2])
    two = lax.broadcast_in_dim(np.float32(2), (3,), ())
    np.testing.assert_array_equal(lax.mul(two, pyjax.numpy.ones(3)), [2, 2, 2])


# -- reverse mode's negative powers and add_any run as ufuncs with buffer reuse ------------------


def test_negative_integer_power_is_a_reciprocal_of_the_positive_power():
    x = np.concatenate([SPECIAL, np.linspace(-3, 3, 200, dtype=np.float32)])
    for y in (-2, -3, -5):
        compiled, ref, exe = _run_both(lambda x: lax.integer_pow(lax.sin(x), y), x)
        assert _names(exe) == ["sin", "integer_pow", "div"]
        assert [e.params["y"] for e in exe.jaxpr.eqns if e.params] == [-y]
        _assert_same_bits(compiled, ref)
    z = (x[:8] + 1j * x[8:16]).astype(np.complex64)
    compiled, ref, _ = _run_both(lambda z: lax.integer_pow(z, -2), z)
    np.testing.assert_array_equal(compiled[0], ref[0])
    i = np.arange(1, 5, dtype=np.int32)
    compiled, ref, exe = _run_both(lambda i: lax.integer_pow(i, 2), i)  # no reciprocal
    assert _names(exe) == ["integer_pow"]


def test_add_any_writes_into_a_dying_buffer():
    from pyjax._src.interpreters.ad_util import add_any_p
    x = np.linspace(-1, 1, 100_000, dtype=np.float32)  # large enough for buffer reuse
    compiled, ref, exe = _run_both(lambda x: add_any_p.bind(lax.sin(x), lax.cos(x)), x)
    assert "out=" in exe.source.split("def compiled_arrays")[0]
    _assert_same_bits(compiled, ref)


# -- scheduling ---------------------------------------------------------------------------------


def test_residuals_are_computed_where_they_are_used():
    def f(x):
        a = lax.exp(x)         # live to the end: reading it late costs nothing
        r = lax.sub(1.0, a)    # a "residual", first read near the end
        s = lax.mul(a, 2.0)
        t = lax.sin(s)
        return lax.mul(lax.add(t, r), a)
    x = np.linspace(-1, 1, 100_000, dtype=np.float32)
    compiled, ref, exe = _run_both(f, x)
    assert _names(exe) == ["exp", "mul", "sin", "sub", "add", "mul"]
    _assert_same_bits(compiled, ref)


def test_scheduling_never_extends_an_operand_life():
    def f(x):
        a = lax.exp(x)
        r = lax.sin(a)          # a dies here: moving r down would keep a alive longer
        s = lax.sin(x)
        return lax.mul(lax.cos(s), r)
    x = np.linspace(-1, 1, 1000, dtype=np.float32)
    compiled, ref, exe = _run_both(f, x)
    assert _names(exe) == ["exp", "sin", "sin", "cos", "mul"]
    assert exe.jaxpr.eqns[2].invars[0] is exe.jaxpr.invars[0]  # sin(x) stayed third
    _assert_same_bits(compiled, ref)


def test_long_chains_of_late_equations():
    def f(x):
        y = lax.exp(x)
        chain = x
        for _ in range(3000):   # each link first used at the very end
            chain = lax.add(chain, 1.0)
        return lax.mul(lax.sin(y), chain)
    x = np.float32(0.5)
    compiled, ref, _ = _run_both(f, x)
    _assert_same_bits(compiled, ref)
