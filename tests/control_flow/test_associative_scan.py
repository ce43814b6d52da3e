"""lax.associative_scan: values against NumPy (cumsum, cumprod, running max, matrix products,
affine maps), reverse / axis / pytrees, gradients, jit, vmap, the parallel (log-depth)
structure, errors, and stored real-JAX 0.10.2 results (tests/fixtures/lax_results.json and
control_solves.json), including JAX's printed jaxpr.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import pyjax as jax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src.config import enable_x64
from pyjax.test_util import check_grads

from fixtures import jaxref
from test_custom_solves import fixture_params, run_fixture_case


def _np_scan(fn, xs, reverse=False, axis=0):
    """Sequential reference: ``out[k] = fn(out[k-1], x[k])`` along ``axis`` (NumPy)."""
    xs = np.moveaxis(np.asarray(xs), axis, 0)
    if reverse:
        xs = xs[::-1]
    out = [xs[0]] if len(xs) else []
    for x in xs[1:]:
        out.append(fn(out[-1], x))
    res = np.stack(out) if out else xs.copy()
    if reverse:
        res = res[::-1]
    return np.moveaxis(res, 0, axis)


# -- values against NumPy ------------------------------------------------------------------


@pytest.mark.parametrize("n", list(range(0, 18)) + [31, 32, 33, 100])
def test_cumsum_and_cumprod_every_length(n):
    x = (np.arange(n, dtype=np.float64) % 7 - 3) / 4 + 1
    with enable_x64(True):
        np.testing.assert_allclose(lax.associative_scan(lax.add, x), np.cumsum(x), rtol=1e-12)
        np.testing.assert_allclose(lax.associative_scan(lax.mul, x), np.cumprod(x), rtol=1e-12)
        np.testing.assert_allclose(lax.associative_scan(lax.add, x, reverse=True),
                                   np.cumsum(x[::-1])[::-1], rtol=1e-12)


# (JAX's reverse=True rejects negative axes: see test_errors_match_jax)
@pytest.mark.parametrize("axis,reverse", [(0, False), (1, False), (2, False), (-1, False),
                                          (-2, False), (-3, False), (0, True), (1, True),
                                          (2, True)])
def test_every_axis_matches_numpy(axis, reverse):
    x = np.arange(60, dtype=np.int32).reshape(3, 4, 5) % 11 - 5
    out = lax.associative_scan(lax.add, x, reverse=reverse, axis=axis)
    assert out.dtype == np.int32 and out.shape == x.shape
    expected = np.flip(np.cumsum(np.flip(x, axis), axis), axis) if reverse else \
        np.cumsum(x, axis)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(lax.associative_scan(lax.max, x, reverse, axis),
                                  _np_scan(np.maximum, x, reverse, axis % 3))


def test_matrix_product_prefixes():
    rng = np.random.RandomState(0)
    mats = rng.randn(9, 3, 3)
    with enable_x64(True):
        out = lax.associative_scan(jnp.matmul, mats)
        np.testing.assert_allclose(out, _np_scan(np.matmul, mats), rtol=1e-12)
        out = lax.associative_scan(jnp.matmul, mats, reverse=True)
        # reverse combines as fn(later, earlier): prefix products from the end
        np.testing.assert_allclose(out, _np_scan(np.matmul, mats, reverse=True), rtol=1e-12)
        stacked = np.stack([mats, mats[::-1]])  # (2, 9, 3, 3): scan axis 1
        out = lax.associative_scan(jnp.matmul, stacked, axis=1)
        np.testing.assert_allclose(out[1], _np_scan(np.matmul, mats[::-1]), rtol=1e-12)


def test_pytree_affine_recurrence():
    # h_k = a_k h_{k-1} + b_k as a scan of (a, b) pairs under composition
    a = np.linspace(0.5, 1.5, 10)
    b = np.sin(np.arange(10.0))

    def compose(p, q):
        return {"a": p["a"] * q["a"], "b": p["b"] * q["a"] + q["b"]}

    with enable_x64(True):
        out = lax.associative_scan(compose, {"a": a, "b": b})
        h, expected = 0.0, []
        for ak, bk in zip(a, b):
            h = ak * h + bk
            expected.append(h)
        np.testing.assert_allclose(out["b"], expected, rtol=1e-12)
        np.testing.assert_allclose(out["a"], np.cumprod(a), rtol=1e-12)
        assert sorted(out) == ["a", "b"]


def test_bool_scans_use_or_to_interleave():
    x = np.array([False, True, False, False, True, False, False])
    np.testing.assert_array_equal(lax.associative_scan(jnp.logical_or, x),
                                  np.logical_or.accumulate(x))
    np.testing.assert_array_equal(lax.associative_scan(jnp.logical_and, ~x, reverse=True),
                                  np.logical_and.accumulate((~x)[::-1])[::-1])


def test_non_associative_fn_combines_in_jaxs_tree_order():
    # lax.sub is not associative: the numbers expose the odd/even combination order
    x = np.arange(1.0, 7.0, dtype=np.float32)
    # (values from real JAX 0.10.2)
    np.testing.assert_array_equal(lax.associative_scan(lax.sub, x),
                                  [1.0, -1.0, -4.0, 0.0, -5.0, 1.0])


def test_weak_type_and_dtype_are_kept():
    out = lax.associative_scan(lax.add, jnp.asarray(2.0) * jnp.ones(5))
    assert out.dtype == np.float32 and not out.weak_type
    out = lax.associative_scan(lax.add, np.arange(4, dtype=np.int8))
    assert out.dtype == np.int8
    out = lax.associative_scan(jnp.multiply, np.array([1 + 1j, 2 - 1j, 0.5j], np.complex64))
    np.testing.assert_allclose(out, np.cumprod(np.array([1 + 1j, 2 - 1j, 0.5j])), rtol=1e-6)
    assert out.dtype == np.complex64


@given(n=st.integers(0, 40), reverse=st.booleans())
def test_property_matches_sequential_scan(n, reverse):
    x = (np.arange(n * 2, dtype=np.int64).reshape(n, 2) * 7919 % 23 - 11).astype(np.int32)
    np.testing.assert_array_equal(lax.associative_scan(lax.add, x, reverse=reverse),
                                  _np_scan(np.add, x, reverse))


# -- parallel structure ------------------------------------------------------------------------


def test_fn_is_applied_a_logarithmic_number_of_times():
    calls = []

    def add(a, b):
        calls.append(np.shape(a))
        return lax.add(a, b)
    n = 1024
    out = lax.associative_scan(add, np.ones(n, np.float32))
    np.testing.assert_array_equal(out, np.arange(1, n + 1))
    assert len(calls) <= 2 * int(np.ceil(np.log2(n)))
    assert max(s[0] for s in calls) == n // 2  # whole slices at once, not one element


# -- transformations ---------------------------------------------------------------------------


def _cumprod_loss(x):
    return jnp.sum(jnp.sin(lax.associative_scan(lax.mul, x)))


def test_check_grads_order2():
    with enable_x64(True):
        x = np.array([0.9, -1.2, 0.4, 1.1, -0.7, 0.3, 1.5])
        check_grads(_cumprod_loss, (x,), order=2, modes=("fwd", "rev"))
        check_grads(lambda x: lax.associative_scan(jnp.matmul, x.reshape(5, 2, 2),
                                                   reverse=True),
                    (np.linspace(-1, 1, 20),), order=2, modes=("fwd", "rev"))
        check_grads(lambda a, b: lax.associative_scan(
            lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (a, b), axis=1),
            (np.linspace(0.5, 1.5, 12).reshape(2, 6), np.cos(np.arange(12.0)).reshape(2, 6)),
            order=2, modes=("fwd", "rev"))


def test_grad_of_cumsum_is_reverse_cumsum_of_cotangent():
    with enable_x64(True):
        w = np.arange(1.0, 8.0)
        g = jax.grad(lambda x: jnp.sum(w * lax.associative_scan(lax.add, x)))(np.ones(7))
        np.testing.assert_allclose(g, np.cumsum(w[::-1])[::-1], rtol=1e-12)


def test_jit_matches_eager_without_retrace():
    traces = []

    def f(x):
        traces.append(1)
        return lax.associative_scan(lax.mul, x, reverse=True, axis=1)

    x = np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4) / 4
    jf = jax.jit(f)
    np.testing.assert_allclose(jf(x), f(x), rtol=1e-6)
    np.testing.assert_allclose(jf(x + 1), f(x + 1), rtol=1e-6)
    assert len(traces) == 3  # two eager calls, one trace


@pytest.mark.parametrize("in_axes", [0, 1])
def test_vmap_matches_loop(in_axes):
    x = np.arange(24, dtype=np.float32).reshape(4, 6) / 5 - 2
    f = lambda v: lax.associative_scan(lax.max, v)  # noqa: E731
    out = jax.vmap(f, in_axes=in_axes)(x)
    rows = x if in_axes == 0 else x.T
    np.testing.assert_array_equal(out, np.stack([np.maximum.accumulate(r) for r in rows]))


def test_vmap_of_pytree_scan_with_unbatched_leaf():
    a = np.linspace(0.5, 1.5, 5).astype(np.float32)
    bs = np.arange(15, dtype=np.float32).reshape(3, 5)

    def f(a, b):
        return lax.associative_scan(lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (a, b))
    out_a, out_b = jax.vmap(f, in_axes=(None, 0))(a, bs)
    for i in range(3):
        ea, eb = f(a, bs[i])
        np.testing.assert_allclose(out_a[i], ea, rtol=1e-6)
        np.testing.assert_allclose(out_b[i], eb, rtol=1e-6)


# -- errors --------------------------------------------------------------------------------


def test_errors_match_jax():
    with pytest.raises(TypeError, match=r"^lax.associative_scan: fn argument should be "
                                        r"callable\.$"):
        lax.associative_scan(3, np.ones(3))
    with pytest.raises(ValueError, match=r"^Array inputs to associative_scan must have the same "
                                         r"first dimension\. \(saw: \[\(4,\), \(3,\)\]\)$"):
        lax.associative_scan(lambda a, b: a, (np.ones(4), np.ones(3)))
    with pytest.raises(ValueError, match=r"axis 2 is out of bounds for array of dimension 2"):
        lax.associative_scan(lax.add, np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match=r"axis 0 is out of bounds for array of dimension 0"):
        lax.associative_scan(lax.add, np.float32(1.0))
    with pytest.raises(TypeError, match=r"rev dimensions must have every element be "
                                        r"nonnegative, got \(-1,\)\."):
        lax.associative_scan(lax.add, np.ones((2, 3)), axis=-1, reverse=True)
    with pytest.raises(ValueError, match=r"fn must return a pytree with the 2 leaves"):
        lax.associative_scan(lambda a, b: a[0], (np.ones(4), np.ones(4)))
    with pytest.raises(IndexError, match="no array leaves"):
        lax.associative_scan(lambda a, b: a, ())


# -- stored JAX results --------------------------------------------------------------------


def _lax_assoc_params():
    return [pytest.param(block, case, id=f"{block}-{case['expr'][:70]}")
            for block in ("cases", "cases_x64")
            for case in jaxref.cases("lax_results.json", block)
            if "associative_scan" in case["expr"]]


@pytest.mark.parametrize("block,case", _lax_assoc_params() + fixture_params("assoc_"))
def test_matches_stored_jax_cases(block, case):
    run_fixture_case(block, case)


def test_stored_cases_include_jaxprs_and_transformations():
    assert len(_lax_assoc_params()) >= 10
    names = {c["name"] for b in ("cases", "cases_x64") for c in jaxref.cases(
        "control_solves.json", b)}
    assert {"assoc_jaxpr_len3", "assoc_hessian_matprod", "assoc_vmap",
            "assoc_err_lengths"} <= names
