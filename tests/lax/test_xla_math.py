"""The NumPy ports of XLA:CPU's float32 kernels (pyjax/_src/lax/xla_math.py) against real JAX.

Reference values: tests/fixtures/xla_math.json, recorded from jax 0.10.2 on XLA:CPU by
tools/make_xla_math_fixtures.py (vectorised kernels: arrays of 16 or more elements).  Each
table mixes special values, random bit patterns, the usual domain and inputs on which
NumPy's own ufunc disagrees with XLA, so a port that fell back to NumPy would fail.
Also: the exact float32 FMA behind the ports, and the twin primitives the samplers bind.
"""
import base64
import json
import os
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax._src.lax import xla_math as xm

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "fixtures", "xla_math.json")) as _f:
    FIXTURE = json.load(_f)
KERNELS = FIXTURE["kernels"]

_DTYPES = {"float32": np.dtype(np.float32), "float16": np.dtype(np.float16),
           "bfloat16": np.dtype(ml_dtypes.bfloat16)}


def decode(spec) -> np.ndarray:
    dtype = _DTYPES[spec["dtype"]]
    raw = np.frombuffer(base64.b64decode(spec["data"]), f"<u{dtype.itemsize}")
    return raw.view(dtype).reshape(spec["shape"])


def assert_same_bits(got, want):
    """Bit-identical, except that any NaN matches any NaN."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    g32, w32 = got.astype(np.float32), want.astype(np.float32)
    both_nan = np.isnan(g32) & np.isnan(w32)
    ints = {2: np.uint16, 4: np.uint32}[got.dtype.itemsize]
    differ = (got.view(ints) != want.view(ints)) & ~both_nan
    bad = differ.ravel()
    assert not bad.any(), (f"{int(bad.sum())} of {bad.size} differ: expected "
                           f"{want.ravel()[bad][:4]}, got {got.ravel()[bad][:4]}")


UNARY = {"log": xm.log_xla, "exp": xm.exp_xla, "tan": xm.tan_xla, "log1p": xm.log1p_xla,
         "erf_inv": xm.erf_inv_xla}
NUMPY = {"log": np.log, "exp": np.exp, "tan": np.tan, "log1p": np.log1p}


@pytest.mark.parametrize("table", sorted(k for k in KERNELS if not k.startswith("pow")))
def test_unary_kernel_matches_xla(table):
    op = table.split("_float16")[0].split("_bfloat16")[0]
    x, want = decode(KERNELS[table]["x"]), decode(KERNELS[table]["y"])
    assert_same_bits(UNARY[op](x), want)


@pytest.mark.parametrize("table", sorted(k for k in KERNELS if k.startswith("pow")))
def test_pow_kernel_matches_xla(table):
    t = KERNELS[table]
    assert_same_bits(xm.pow_xla(decode(t["x"]), decode(t["y"])), decode(t["z"]))


@pytest.mark.parametrize("op", sorted(NUMPY) + ["pow"])
def test_fixture_tells_the_ports_from_numpy(op):
    # the stored inputs include ones where NumPy's ufunc rounds differently from XLA
    t = KERNELS[op]
    with np.errstate(all="ignore"):
        if op == "pow":
            numpy_out, want = np.power(decode(t["x"]), decode(t["y"])), decode(t["z"])
        else:
            numpy_out, want = NUMPY[op](decode(t["x"])), decode(t["y"])
    assert np.sum(numpy_out.view(np.uint32) != want.view(np.uint32)) > 100


def test_kernels_on_specials():
    f = np.float32
    x = np.array([0, -0.0, 1e-40, np.inf, -1, np.nan, 1], f)
    out = xm.log_xla(x)
    # FTZ/DAZ: a subnormal input is a zero
    np.testing.assert_array_equal(out[:4], [-np.inf, -np.inf, -np.inf, np.inf])
    assert np.isnan(out[4]) and np.isnan(out[5]) and out[6] == 0
    e = xm.exp_xla(np.array([-87.5, 0, 88.8, np.inf, -np.inf, np.nan, 1e-40], f))
    np.testing.assert_array_equal(e[:6].astype(np.float64)[[0, 1, 3, 4]], [0, 1, np.inf, 0])
    assert e[2] == np.inf and np.isnan(e[5]) and e[6] == 1
    t = xm.tan_xla(np.array([0, -0.0, 1e-40, np.inf, np.nan, 1e30], f))
    assert t[0] == 0 and np.signbit(t[1]) and t[2] == f(1e-40)   # tiny x: tanf returns x
    assert np.isnan(t[3]) and np.isnan(t[4]) and np.isfinite(t[5])
    p = xm.pow_xla(np.array([2, -2, -2, 0, 1, np.nan, 1e-40], f),
                   np.array([3, 3, 0.5, -1, np.nan, 0, 0.5], f))
    assert p[0] == 8 and p[1] == -8 and np.isnan(p[2]) and p[3] == np.inf
    assert p[4] == 1 and p[5] == 1                 # C99: pow(1, nan) = pow(nan, 0) = 1
    assert p[6] == f(2.0 ** -75)                   # DAZ: glibc sees 1e-40 as 2**-150


def test_kernels_keep_shape_and_run_blockwise():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 3, (3, 70001)).astype(np.float32)   # several blocks of _BLOCK
    assert x.size > 2 * xm._BLOCK
    flat = np.concatenate([xm.log_f32(c) for c in np.array_split(x.ravel(), 7)])
    np.testing.assert_array_equal(xm.log_xla(x), flat.reshape(x.shape))
    y = xm.pow_xla(x, np.float32(0.7) * np.ones_like(x))
    assert y.shape == x.shape and y.dtype == np.float32
    assert xm.exp_xla(np.float32(1.5)).shape == ()


def test_other_dtypes_use_numpy():
    x = np.linspace(0.1, 3, 11)
    np.testing.assert_array_equal(xm.log_xla(x), np.log(x))
    np.testing.assert_array_equal(xm.exp_xla(x), np.exp(x))
    np.testing.assert_array_equal(xm.tan_xla(x), np.tan(x))
    np.testing.assert_array_equal(xm.pow_xla(x, x), np.power(x, x))
    z = (x + 1j * x).astype(np.complex64)
    np.testing.assert_array_equal(xm.log_xla(z), np.log(z))
    xf = x.astype(np.float32)
    np.testing.assert_array_equal(xm.pow_xla(xf, np.int32(3)), np.power(xf, np.float32(3)))


# -- the exact float32 FMA ---------------------------------------------------------------------

def test_fma32_repairs_double_rounding():
    f = np.float32
    a = f(2.0 ** -12 * (1 + 2.0 ** -23))
    b = f(2.0 ** -12 * (1 - 2.0 ** -23))
    c = f(1 + 2.0 ** -23)
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    # a*b + c lies just below the halfway point 1 + 3 * 2**-24; float64 rounds onto it and
    # a second, ties-to-even rounding then goes up
    naive = (np.float64(a) * np.float64(b) + np.float64(c)).astype(f)
    assert naive == f(1 + 2.0 ** -22)
    assert exact < Fraction(1) + Fraction(3, 2 ** 24)
    got = xm._fma32(np.array([a, a]), np.array([b, b]), np.array([c, f(1)]))
    assert got[0] == c
    assert got[1] == f(1)   # just below 1 + 2**-24: the repair must keep rounding down


def test_fma32_is_correctly_rounded_on_random_operands():
    rng = np.random.default_rng(3)
    n = 300
    a = rng.standard_normal(n).astype(np.float32)
    b = (rng.standard_normal(n) * 1e-4).astype(np.float32)
    c = rng.standard_normal(n).astype(np.float32)
    got = xm._fma32(a, b, c)
    for x, y, z, g in zip(a, b, c, got):
        exact = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
        lo, hi = np.nextafter(g, np.float32(-np.inf)), np.nextafter(g, np.float32(np.inf))
        err = abs(Fraction(float(g)) - exact)
        assert err <= abs(Fraction(float(lo)) - exact) and err <= abs(Fraction(float(hi)) - exact)


# -- the twin primitives of the samplers --------------------------------------------------------

TWINS = [(xm.xla_log_p, lax.log_p, (np.float32([0.5, 2.0]),)),
         (xm.xla_exp_p, lax.exp_p, (np.float32([0.5, 2.0]),)),
         (xm.xla_tan_p, lax.tan_p, (np.float32([0.5, 1.2]),)),
         (xm.xla_pow_p, lax.pow_p, (np.float32([0.5, 2.0]), np.float32([1.5, -0.5]))),
         (xm.xla_div_p, lax.div_p, (np.float32([0.5, 2.0]), np.float32([3.0, 3.0])))]


@pytest.mark.parametrize("twin,orig,args", TWINS, ids=lambda v: getattr(v, "name", ""))
def test_twins_print_and_typecheck_as_lax(twin, orig, args):
    assert twin is not orig and twin.name == orig.name
    jaxpr = pyjax.make_jaxpr(lambda *a: twin.bind(*a))(*args)
    ref = pyjax.make_jaxpr(lambda *a: orig.bind(*a))(*args)
    assert str(jaxpr) == str(ref)
    assert jaxpr.jaxpr.eqns[0].primitive is twin


@pytest.mark.parametrize("twin,orig,args", TWINS, ids=lambda v: getattr(v, "name", ""))
def test_twins_eager_jit_vmap_grad_agree(twin, orig, args):
    f = lambda *a: twin.bind(*a)   # noqa: E731
    eager = np.asarray(f(*args))
    np.testing.assert_array_equal(np.asarray(pyjax.jit(f)(*args)), eager)
    np.testing.assert_array_equal(np.asarray(pyjax.vmap(f)(*args)), eager)
    np.testing.assert_allclose(eager, np.asarray(orig.bind(*args)), rtol=1e-6)
    g = pyjax.grad(lambda x: jnp.sum(f(x, *args[1:])))(args[0])
    g_ref = pyjax.grad(lambda x: jnp.sum(orig.bind(x, *args[1:])))(args[0])
    np.testing.assert_allclose(np.asarray(g), np.asarray(g_ref), rtol=1e-5)


def test_twin_impls_are_the_ports():
    x = decode(KERNELS["log"]["x"])
    assert_same_bits(np.asarray(xm.xla_log(x)), decode(KERNELS["log"]["y"]))
    assert_same_bits(np.asarray(pyjax.jit(xm.xla_log)(x)), decode(KERNELS["log"]["y"]))
    t = KERNELS["pow"]
    assert_same_bits(np.asarray(pyjax.jit(xm.xla_pow)(decode(t["x"]), decode(t["y"]))),
                     decode(t["z"]))


def test_div_by_broadcast_rounds_twice():
    x = np.float32([1.0, 2.0, 7.0, 10.0])
    y = np.full(4, 3.0, np.float32)
    got = np.asarray(xm.xla_div_by_broadcast(x, y))
    np.testing.assert_array_equal(got, x * (np.float32(1) / y))
    assert np.any(got != x / y)
    ints = np.asarray(xm.xla_div_by_broadcast(np.int32([7, -7]), np.int32([2, 2])))
    np.testing.assert_array_equal(ints, lax.div(np.int32([7, -7]), np.int32([2, 2])))
