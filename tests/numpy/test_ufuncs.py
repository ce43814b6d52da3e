"""Elementwise jax.numpy functions: values vs NumPy, JAX's result dtypes and weak types,
edge cases, the eager fast path, ufunc objects, transformations, stored JAX results."""
import os
import sys
import math
import operator

import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax._src.numpy import ufuncs, unary_ufuncs
from harness import OpRecord, check_abstract, check_grad, check_jit, check_vmap

# the shared stored-result replay helper lives beside these tests
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

F32, F64, I32, I8, U8, BOOL, C64 = (np.float32, np.float64, np.int32, np.int8, np.uint8,
                                    np.bool_, np.complex64)


def _inputs(dtype, kind="normal", shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    dt = np.dtype(dtype)
    if dt == np.bool_:
        return rng.uniform(size=shape) < 0.5
    if dt.kind in "iu":
        lo, hi = {"positive": (1, 6), "unit": (0, 1), "ge1": (1, 6), "nonzero": (1, 6)}.get(
            kind, (-5, 6) if dt.kind == "i" else (0, 9))
        return rng.integers(lo, hi, shape).astype(dt)
    vals = {"normal": lambda: rng.standard_normal(shape),
            "positive": lambda: rng.uniform(0.5, 3.0, shape),
            "unit": lambda: rng.uniform(-0.9, 0.9, shape),
            "ge1": lambda: rng.uniform(1.1, 3.0, shape),
            "nonzero": lambda: rng.choice([-1, 1], shape) * rng.uniform(0.5, 2, shape)}[kind]
    x = vals()
    if dt.kind == "c":
        x = x + 1j * vals()
    return x.astype(dt)


def _check(out, expected, dtype, weak=False, rtol=2e-6, atol=2e-6):
    assert out.dtype == np.dtype(dtype), (out.dtype, dtype)
    assert out.weak_type == weak, out
    np.testing.assert_allclose(np.asarray(out).astype(np.complex128 if np.dtype(dtype).kind == "c"
                                                      else np.float64),
                               np.asarray(expected), rtol=rtol, atol=atol, equal_nan=True)


# ---- unary functions: values, dtypes -------------------------------------------------------

def _np_i0(x):
    return np.i0(x)


UNARY_INEXACT = [
    # name, NumPy reference, input kind, complex supported
    ("sin", np.sin, "normal", True), ("cos", np.cos, "normal", True),
    ("tan", np.tan, "unit", True), ("arcsin", np.arcsin, "unit", True),
    ("arccos", np.arccos, "unit", True), ("arctan", np.arctan, "normal", True),
    ("sinh", np.sinh, "normal", True), ("cosh", np.cosh, "normal", True),
    ("tanh", np.tanh, "normal", True), ("arcsinh", np.arcsinh, "normal", True),
    ("arccosh", np.arccosh, "ge1", True), ("arctanh", np.arctanh, "unit", True),
    ("asin", np.arcsin, "unit", True), ("acos", np.arccos, "unit", True),
    ("atan", np.arctan, "normal", True), ("asinh", np.arcsinh, "normal", True),
    ("acosh", np.arccosh, "ge1", True), ("atanh", np.arctanh, "unit", True),
    ("sqrt", np.sqrt, "positive", True), ("cbrt", np.cbrt, "normal", False),
    ("exp", np.exp, "normal", True), ("exp2", np.exp2, "normal", True),
    ("expm1", np.expm1, "normal", True), ("log", np.log, "positive", True),
    ("log1p", np.log1p, "positive", True), ("log2", np.log2, "positive", True),
    ("log10", np.log10, "positive", True),
    ("deg2rad", lambda x: x * (np.pi / 180), "normal", True),
    ("rad2deg", lambda x: x * (180 / np.pi), "normal", True),
    ("radians", lambda x: x * (np.pi / 180), "normal", True),
    ("degrees", lambda x: x * (180 / np.pi), "normal", True), ("sinc", np.sinc, "normal", True),
    ("reciprocal", lambda x: 1 / x, "nonzero", True), ("i0", _np_i0, "normal", False),
    ("fabs", np.fabs, "normal", False), ("rint", np.rint, "normal", True),
]


def _inexact_of(dtype):
    return C64 if np.dtype(dtype).kind == "c" else F32


@pytest.mark.parametrize("dtype", [F32, I32, BOOL, C64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,ref,kind,cplx", UNARY_INEXACT, ids=lambda v: v
                         if isinstance(v, str) else "")
def test_unary_inexact_values_and_dtype(name, ref, kind, cplx, dtype):
    if np.dtype(dtype).kind == "c" and not cplx:
        with pytest.raises((TypeError, ValueError)):
            getattr(jnp, name)(jnp.asarray(_inputs(dtype, kind)))
        return
    x = _inputs(dtype, kind)
    out = getattr(jnp, name)(x)
    expected = ref(x.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64))
    tol = 1e-5 if name not in ("tan", "i0", "sinc") else 5e-5
    _check(out, expected, _inexact_of(dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", [r[0] for r in UNARY_INEXACT if r[0] not in ("rint",)])
def test_unary_inexact_python_scalar_is_weak(name):
    kind = dict((r[0], r[2]) for r in UNARY_INEXACT)[name]
    x = {"positive": 1.5, "unit": 0.5, "ge1": 1.5, "nonzero": 1.5, "normal": 0.75}[kind]
    out = getattr(jnp, name)(x)
    expected_weak = name not in ("log2", "log10")  # divided by a strong log(base)
    assert out.dtype == np.float32 and out.weak_type == expected_weak


UNARY_SAME_DTYPE = [
    # name, reference, dtypes keeping their dtype
    ("negative", np.negative, [F32, I32, C64, I8, U8]),
    ("positive", lambda x: x, [F32, I32, C64, BOOL]),
    ("absolute", np.absolute, [F32, I32, I8, U8, BOOL]),
    ("abs", np.abs, [F32, I32, I8]),
    ("sign", np.sign, [F32, I32]),
    ("floor", np.floor, [F32, I32, BOOL, I8]),
    ("ceil", np.ceil, [F32, I32, BOOL]),
    ("trunc", np.trunc, [F32, I32, BOOL]),
    ("round", np.round, [F32, I32]),
    ("around", np.round, [F32, I32]),
    ("conj", np.conj, [F32, I32, C64]),
    ("conjugate", np.conjugate, [F32, C64]),
    ("invert", np.invert, [I32, I8, U8, BOOL]),
    ("bitwise_not", np.bitwise_not, [I32, BOOL]),
    ("bitwise_invert", np.invert, [I32, U8]),
]


@pytest.mark.parametrize("name,ref,dts", UNARY_SAME_DTYPE, ids=[r[0] for r in UNARY_SAME_DTYPE])
def test_unary_same_dtype(name, ref, dts):
    for dtype in dts:
        x = _inputs(dtype)
        out = getattr(jnp, name)(x)
        assert out.dtype == np.dtype(dtype), (name, dtype, out.dtype)
        np.testing.assert_array_equal(np.asarray(out), ref(x))


def test_abs_and_complex_parts():
    z = _inputs(C64)
    _check(jnp.abs(z), np.abs(z), F32, rtol=1e-6)
    _check(jnp.real(z), z.real, F32)
    _check(jnp.imag(z), z.imag, F32)
    _check(jnp.angle(z), np.angle(z), F32, rtol=1e-5)
    _check(jnp.angle(z, deg=True), np.angle(z, deg=True), F32, rtol=1e-5)
    x = _inputs(I32)
    assert jnp.imag(x).dtype == np.int32 and not np.asarray(jnp.imag(x)).any()
    assert jnp.real(2).weak_type and jnp.imag(2.0).weak_type


def test_bool_results():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5], np.float32)
    for name, ref in [("isnan", np.isnan), ("isinf", np.isinf), ("isfinite", np.isfinite),
                      ("isposinf", np.isposinf), ("isneginf", np.isneginf),
                      ("signbit", np.signbit), ("logical_not", np.logical_not)]:
        out = getattr(jnp, name)(x)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(np.asarray(out), ref(x), err_msg=name)
    z = np.array([1 + 0j, 1 + 1j, np.nan + 0j, np.inf * 1j], np.complex64)
    np.testing.assert_array_equal(np.asarray(jnp.isreal(z)), np.isreal(z))
    np.testing.assert_array_equal(np.asarray(jnp.iscomplex(z)), np.iscomplex(z))
    np.testing.assert_array_equal(np.asarray(jnp.isfinite(z)), np.isfinite(z))
    np.testing.assert_array_equal(np.asarray(jnp.isinf(z)), np.isinf(z))
    np.testing.assert_array_equal(np.asarray(jnp.isnan(z)), np.isnan(z))
    for dt in (I32, BOOL):
        y = _inputs(dt)
        assert not np.asarray(jnp.isinf(y)).any() and np.asarray(jnp.isfinite(y)).all()


def test_bool_result_weak_types():
    # measured in JAX 0.10.2: comparisons of weak values are weak, full_like results strong
    assert jnp.isnan(2).weak_type and not jnp.isfinite(1).weak_type
    assert not jnp.isinf(2.0).weak_type and jnp.isreal(1.0).weak_type
    assert jnp.iscomplex(2).weak_type and not jnp.signbit(2).weak_type
    assert jnp.logical_not(2).weak_type and jnp.less(2, 3).weak_type
    assert jnp.equal(jnp.array([1]), 1.5).weak_type  # both promoted to weak float32


def test_signbit_reads_the_sign_bit():
    for dt in (np.float16, np.float32, jnp.bfloat16):
        x = jnp.array([-0.0, 0.0, -1.0, np.nan, -np.inf], dtype=dt)
        np.testing.assert_array_equal(np.asarray(jnp.signbit(x)), [True, False, True, False,
                                                                     True])
    assert not bool(jnp.signbit(jnp.array(2, jnp.uint8)))
    with pytest.raises(ValueError, match="not well defined for complex64"):
        jnp.signbit(jnp.array([1j]))


def test_round_half_to_even_and_decimals():
    x = jnp.array([0.5, 1.5, 2.5, -0.5, -1.5, 3.5, 0.49999997])
    np.testing.assert_array_equal(np.asarray(jnp.round(x)), [0., 2., 2., -0., -2., 4., 0.])
    np.testing.assert_allclose(np.asarray(jnp.round(jnp.array([1.25, 2.5, 0.125]), 1)),
                               [1.2, 2.5, 0.1], rtol=1e-6)
    assert jnp.round(jnp.array([1, 2]), 2).dtype == np.int32
    out = jnp.round(jnp.array([1.55 + 2.45j]), 1)
    assert out.dtype == np.complex64
    np.testing.assert_allclose(np.asarray(out), [1.6 + 2.4j], rtol=1e-6)
    assert jnp.round(2.5).weak_type
    np.testing.assert_allclose(float(jnp.round(jnp.array(12345.678), -2)), 12300.0)
    with pytest.raises(NotImplementedError, match="decimals < 0"):
        jnp.round(jnp.array([15, 25]), -1)
    assert jnp.round(jnp.array([1.5, 2.5], jnp.float16)).dtype == np.float16


def test_rint_promotes_ints_to_float():
    out = jnp.rint(jnp.array([1, 2], jnp.int8))
    assert out.dtype == np.float32 and not jnp.rint(2).weak_type
    np.testing.assert_array_equal(np.asarray(jnp.rint(jnp.array([0.5, 1.5, 2.5, -0.5]))),
                                  [0., 2., 2., -0.])


def test_square_and_reciprocal_dtypes():
    assert jnp.square(jnp.array([True])).dtype == np.int32
    assert jnp.square(2).weak_type and jnp.square(2).dtype == np.int32
    assert jnp.reciprocal(jnp.array([2])).dtype == np.float32
    assert float(jnp.reciprocal(2)) == 0.5


def test_bitwise_count():
    out = jnp.bitwise_count(jnp.array([64, 31, -7, 0]))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(np.asarray(out), [1, 5, 3, 0])


def test_frexp_and_ldexp_round_trip():
    x = np.array([0.0, 8.0, -3.0, 0.1, 1e30, np.inf, np.nan], np.float32)
    m, e = jnp.frexp(x)
    assert m.dtype == np.float32 and e.dtype == np.int32
    m_np, e_np = np.frexp(x)
    np.testing.assert_array_equal(np.asarray(m), m_np)
    np.testing.assert_array_equal(np.asarray(e), e_np)
    np.testing.assert_array_equal(np.asarray(jnp.ldexp(m, e)), x)
    assert jnp.frexp(2.0)[0].shape == ()
    with pytest.raises(ValueError, match="ldexp not supported"):
        jnp.ldexp(jnp.array([1.0]), 2.0)
    with pytest.raises(TypeError, match="frexp does not support complex"):
        jnp.frexp(jnp.array([1j]))


def test_modf_and_nan_to_num():
    frac, whole = jnp.modf(jnp.array([-1.5, 2.5]))
    np.testing.assert_array_equal(np.asarray(frac), [-0.5, 0.5])
    np.testing.assert_array_equal(np.asarray(whole), [-1., 2.])
    assert jnp.modf(3)[0].weak_type
    x = jnp.array([np.nan, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(np.asarray(jnp.nan_to_num(x)), np.nan_to_num(np.asarray(x)))
    np.testing.assert_array_equal(np.asarray(jnp.nan_to_num(x, nan=0.5, posinf=1, neginf=-1)),
                                  [0.5, 1, -1, 1])
    assert jnp.nan_to_num(jnp.array([1, 2])).dtype == np.int32
    assert not jnp.nan_to_num(1.0).weak_type
    z = jnp.nan_to_num(jnp.array([np.nan + 1j * np.inf], jnp.complex64))
    assert z.dtype == np.complex64 and float(z.real[0]) == 0.0


def test_spacing_matches_numpy():
    x = np.array([1.0, -1.0, 1e30, 0.5], np.float32)
    np.testing.assert_array_equal(np.asarray(jnp.spacing(x)), np.spacing(x))
    with pytest.raises(ValueError, match="not defined for complex"):
        jnp.spacing(jnp.array([1j]))


def test_sinc_at_zero_and_its_derivatives():
    assert float(jnp.sinc(0.0)) == 1.0
    assert float(pyjax.grad(jnp.sinc)(0.0)) == 0.0
    np.testing.assert_allclose(float(pyjax.grad(pyjax.grad(jnp.sinc))(0.0)),
                               -np.pi ** 2 / 3, rtol=1e-5)


# ---- binary functions --------------------------------------------------------------------

BINARY_INEXACT = [
    ("true_divide", np.true_divide, "nonzero"), ("divide", np.divide, "nonzero"),
    ("arctan2", np.arctan2, "normal"), ("atan2", np.arctan2, "normal"),
    ("hypot", np.hypot, "normal"), ("copysign", np.copysign, "normal"),
    ("logaddexp", np.logaddexp, "normal"), ("logaddexp2", np.logaddexp2, "normal"),
    ("float_power", np.float_power, "positive"), ("nextafter", np.nextafter, "normal"),
    ("heaviside", np.heaviside, "normal"),
]


@pytest.mark.parametrize("dtypes_", [(F32, F32), (I32, I32), (F32, I32), (BOOL, F32)],
                         ids=lambda d: "-".join(np.dtype(t).name for t in d))
@pytest.mark.parametrize("name,ref,kind", BINARY_INEXACT, ids=[r[0] for r in BINARY_INEXACT])
def test_binary_inexact(name, ref, kind, dtypes_):
    if dtypes_[0] == BOOL and name in ("nextafter",):
        pytest.skip("nextafter(bool) is meaningless")
    x = _inputs(dtypes_[0], kind, seed=1)
    y = _inputs(dtypes_[1], kind, seed=2)
    out = getattr(jnp, name)(x, y)
    expected = ref(x.astype(np.float32), y.astype(np.float32))
    _check(out, expected, F32, rtol=2e-6, atol=2e-6)


BINARY_NUMERIC = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("maximum", np.maximum), ("minimum", np.minimum), ("fmax", np.fmax), ("fmin", np.fmin),
    ("floor_divide", np.floor_divide), ("remainder", np.remainder), ("mod", np.mod),
    ("fmod", np.fmod), ("power", np.power), ("pow", np.power),
]


@pytest.mark.parametrize("dtype", [F32, I32, I8, U8], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name,ref", BINARY_NUMERIC, ids=[r[0] for r in BINARY_NUMERIC])
def test_binary_numeric_keeps_dtype(name, ref, dtype):
    kind = "nonzero" if name in ("floor_divide", "remainder", "mod", "fmod") else "normal"
    x = _inputs(dtype, "normal", seed=3)
    y = _inputs(dtype, kind, seed=4)
    if name in ("power", "pow"):
        y = np.abs(y) % 4 if np.dtype(dtype).kind != "f" else np.abs(y)
        x = np.abs(x) if np.dtype(dtype).kind == "f" else x
    out = getattr(jnp, name)(x, y)
    assert out.dtype == np.dtype(dtype)
    with np.errstate(all="ignore"):
        expected = ref(x, y)
    if np.dtype(dtype).kind == "f":
        np.testing.assert_allclose(np.asarray(out), expected, rtol=2e-6, atol=2e-6)
    else:
        np.testing.assert_array_equal(np.asarray(out), expected)


def test_divmod_matches_python():
    for x1, x2 in [(np.array([-7, 7, 5, -5]), np.array([2, -2, 3, 3])),
                   (np.array([-7.5, 7.5, 1.0]), np.array([2.0, -2.0, 0.3]))]:
        q, r = jnp.divmod(x1, x2)
        q_np, r_np = np.divmod(x1, x2)
        np.testing.assert_allclose(np.asarray(q), q_np, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(r), r_np, rtol=1e-5, atol=1e-6)
    q, r = divmod(jnp.array([7]), 2)
    assert int(q[0]) == 3 and int(r[0]) == 1


def test_integer_edge_cases_never_raise():
    # API.md: 1 // 0 == -2, 1 % 0 == 0, overflow wraps, left_shift(1, 40) == 0
    assert int(jnp.floor_divide(1, 0)) == -2 and jnp.floor_divide(1, 0).weak_type
    assert int(jnp.remainder(1, 0)) == 0 and jnp.remainder(1, 0).weak_type
    np.testing.assert_array_equal(np.asarray(jnp.floor_divide(jnp.array([-7, 7, 1, -1]),
                                                              jnp.array([2, -2, 0, 0]))),
                                  [-4, -4, -2, -2])
    np.testing.assert_array_equal(np.asarray(jnp.fmod(jnp.array([-7, 7, 1]),
                                                      jnp.array([2, -2, 0]))), [-1, 1, 0])
    assert int((jnp.ones(2, jnp.int8) + 300)[0]) == 45
    assert int(jnp.left_shift(1, 40)) == 0
    np.testing.assert_array_equal(np.asarray(jnp.right_shift(jnp.array([-8], jnp.int8), 1)),
                                  [-4])
    np.testing.assert_array_equal(np.asarray(jnp.right_shift(jnp.array([-8]), 40)), [-1])
    assert int(jnp.abs(jnp.array(-2147483648, jnp.int32))) == -2147483648
    assert int((jnp.ones(2, jnp.uint8) - 1)[0]) == 0


def test_float_floor_divide_by_zero_keeps_infinity():
    out = jnp.floor_divide(jnp.array([-7.5, 7.5]), jnp.array([2.0, 0.0]))
    np.testing.assert_array_equal(np.asarray(out), [-4.0, np.inf])
    out = jnp.remainder(jnp.array([-7.5, 7.5, 1.0]), jnp.array([2.0, -2.0, 0.0]))
    np.testing.assert_array_equal(np.asarray(out), [0.5, -0.5, np.nan])


def test_power_rules():
    assert jnp.power(2, 3).weak_type and int(jnp.power(2, 3)) == 8
    with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
        jnp.power(2, -1)
    with pytest.raises(TypeError, match="Integers cannot be raised to negative powers"):
        jnp.array([2]) ** -1
    np.testing.assert_array_equal(np.asarray(jnp.power(jnp.array([2]), jnp.array([-1]))), [0])
    np.testing.assert_array_equal(np.asarray(jnp.power(jnp.array([0, 2, -2, -1, 1]),
                                                       jnp.array([0, 0, 3, -3, -5]))),
                                  [1, 1, -8, -1, 1])
    out = jnp.power(jnp.array([2], jnp.int8), 2.5)
    assert out.dtype == np.float32 and out.weak_type
    assert jnp.power(jnp.array([True]), 2).dtype == np.int32
    assert jnp.power(jnp.array([3], jnp.uint8), jnp.array([2], jnp.uint8)).dtype == np.uint8
    np.testing.assert_allclose(np.asarray(jnp.array([1., 2.]) ** 0.5), [1., np.sqrt(2)])
    assert jnp.float_power(jnp.array([2], jnp.float16), 2).dtype == np.float16


def test_bool_arithmetic():
    assert jnp.add(jnp.array([True]), jnp.array([True])).dtype == np.bool_
    assert bool(jnp.multiply(jnp.array([True]), jnp.array([False]))[0]) is False
    with pytest.raises(TypeError, match="sub does not accept dtype bool"):
        jnp.subtract(jnp.array([True]), jnp.array([True]))
    out = jnp.subtract(jnp.array([True]), 1)
    assert out.dtype == np.int32 and out.weak_type
    assert jnp.divide(jnp.array([True]), 2).dtype == np.float32
    assert jnp.floor_divide(jnp.array([True]), jnp.array([True])).dtype == np.int32


def test_nan_handling_of_extrema():
    a = jnp.array([1.0, np.nan, np.nan])
    b = jnp.array([np.nan, 2.0, np.nan])
    assert np.isnan(np.asarray(jnp.maximum(a, b))).all()
    np.testing.assert_array_equal(np.asarray(jnp.fmax(a, b)), [1.0, 2.0, np.nan])
    np.testing.assert_array_equal(np.asarray(jnp.fmin(a, b)), [1.0, 2.0, np.nan])
    out = jnp.maximum(jnp.array([1 + 2j, 2 + 0j]), jnp.array([1 + 3j, 1 + 5j]))
    np.testing.assert_array_equal(np.asarray(out), [1 + 3j, 2 + 0j])


def test_hypot_copysign_heaviside_special_values():
    out = jnp.hypot(jnp.array([np.inf, np.nan, 3.0, 0.0]), jnp.array([np.nan, np.inf, 4.0, 0.]))
    np.testing.assert_array_equal(np.asarray(out), [np.inf, np.inf, 5.0, 0.0])
    assert jnp.hypot(3, 4).weak_type
    np.testing.assert_array_equal(np.asarray(jnp.copysign(jnp.array([1.]), jnp.array([-0.0]))),
                                  [-1.0])
    out = jnp.heaviside(jnp.array([-1.0, 0.0, 1.0, np.nan]), 0.5)
    np.testing.assert_array_equal(np.asarray(out), [0.0, 0.5, 1.0, np.nan])
    assert not jnp.heaviside(jnp.array([-1, 0, 1]), 0.5).weak_type
    with pytest.raises(ValueError, match="not well defined for complex"):
        jnp.hypot(jnp.array([1j]), 1.0)


def test_logaddexp_special_values():
    out = jnp.logaddexp(jnp.array([-np.inf, np.inf, 1.0, 0.0]),
                        jnp.array([-np.inf, np.inf, np.nan, 100.0]))
    np.testing.assert_array_equal(np.asarray(out)[:3], [-np.inf, np.inf, np.nan])
    np.testing.assert_allclose(float(out[3]), 100.0)


@pytest.mark.parametrize("name,ref", [("bitwise_and", np.bitwise_and),
                                      ("bitwise_or", np.bitwise_or),
                                      ("bitwise_xor", np.bitwise_xor),
                                      ("left_shift", np.left_shift),
                                      ("right_shift", np.right_shift),
                                      ("bitwise_left_shift", np.left_shift),
                                      ("bitwise_right_shift", np.right_shift),
                                      ("gcd", np.gcd), ("lcm", np.lcm),
                                      ("logical_and", np.logical_and),
                                      ("logical_or", np.logical_or),
                                      ("logical_xor", np.logical_xor)])
@pytest.mark.parametrize("dtype", [I32, U8, I8], ids=lambda d: np.dtype(d).name)
def test_integer_binary(name, ref, dtype):
    x = _inputs(dtype, seed=5)
    y = _inputs(dtype, "small" if "shift" in name else "normal", seed=6)
    if "shift" in name:
        y = np.abs(y) % 5
    out = getattr(jnp, name)(x, y)
    expected = ref(x, y)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(np.asarray(out), expected)


def test_bool_bitwise_and_errors():
    a, b = np.array([True, False, True]), np.array([True, True, False])
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        out = getattr(jnp, name)(a, b)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(np.asarray(out), getattr(np, name)(a, b))
    with pytest.raises(TypeError, match="does not accept dtype float32"):
        jnp.bitwise_and(jnp.array([1.0]), 1)
    with pytest.raises(ValueError, match="Arguments to jax.numpy.gcd must be integers"):
        jnp.gcd(jnp.array([12.0]), 8)
    out = jnp.left_shift(jnp.array([True]), 1)
    assert out.dtype == np.int32 and out.weak_type


@pytest.mark.parametrize("name,ref", [("equal", np.equal), ("not_equal", np.not_equal),
                                      ("less", np.less), ("less_equal", np.less_equal),
                                      ("greater", np.greater),
                                      ("greater_equal", np.greater_equal)])
@pytest.mark.parametrize("dtype", [F32, I32, BOOL, C64], ids=lambda d: np.dtype(d).name)
def test_comparisons(name, ref, dtype):
    x = _inputs(dtype, seed=7)
    y = np.where(_inputs(BOOL, seed=8), x, _inputs(dtype, seed=9))
    out = getattr(jnp, name)(x, y)
    assert out.dtype == np.bool_ and not out.weak_type
    np.testing.assert_array_equal(np.asarray(out), ref(x, y))  # complex: lexicographic


def test_isclose_allclose_array_equal():
    a = jnp.array([1.0, np.nan, np.inf, -np.inf, 1.0])
    b = jnp.array([1.0000001, np.nan, np.inf, np.inf, 1.1])
    np.testing.assert_array_equal(np.asarray(jnp.isclose(a, b)), np.isclose(a, b))
    np.testing.assert_array_equal(np.asarray(jnp.isclose(a, b, equal_nan=True)),
                                  np.isclose(a, b, equal_nan=True))
    assert not jnp.isclose(1, 1.0000001).weak_type
    assert jnp.isclose(jnp.array([1, 2]), jnp.array([1, 3])).dtype == np.bool_
    assert bool(jnp.allclose(jnp.array([1., 2]), jnp.array([1., 2.00001])))
    assert not bool(jnp.allclose(a, b))
    assert bool(jnp.array_equal([1, 2], [1, 2]))
    assert not bool(jnp.array_equal(jnp.array([1, 2]), jnp.array([1, 2, 3])))
    assert bool(jnp.array_equal(jnp.array([1., np.nan]), jnp.array([1., np.nan]),
                                equal_nan=True))
    assert bool(jnp.array_equiv(jnp.array([1, 1]), jnp.array([1])))
    assert bool(jnp.array_equiv([1, 1], 1))


def test_clip():
    x = jnp.arange(5)
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, 1, 3)), [1, 1, 2, 3, 3])
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, min=1)), [1, 1, 2, 3, 4])
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, max=1)), [0, 1, 1, 1, 1])
    out = jnp.clip(x, 1.5, 3)
    assert out.dtype == np.float32 and out.weak_type
    np.testing.assert_array_equal(np.asarray(jnp.clip(x, 3, 1)), [1, 1, 1, 1, 1])
    assert np.isnan(np.asarray(jnp.clip(jnp.array([np.nan, 1.]), 0, 0.5)))[0]
    with pytest.raises(ValueError, match="Complex values have no ordering"):
        jnp.clip(jnp.array([1 + 1j]), 0, 1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'a_min'"):
        jnp.clip(x, a_min=1)


def test_where_and_select():
    out = jnp.where(jnp.array([True, False]), 1, 2)
    assert out.dtype == np.int32 and out.weak_type
    out = jnp.where(jnp.array([True, False]), 1., jnp.array([2, 3]))
    assert out.dtype == np.float32 and out.weak_type
    np.testing.assert_array_equal(np.asarray(out), [1., 3.])
    out = jnp.where(jnp.array([[1], [0]]), jnp.arange(3.), -1.0)
    np.testing.assert_array_equal(np.asarray(out), [[0, 1, 2], [-1, -1, -1]])
    with pytest.raises(ValueError, match="size and fill_value"):
        jnp.where(jnp.array([True]), 1, 2, size=1)
    out = jnp.select([jnp.array([True, False, False]), jnp.array([True, True, False])],
                     [1, 2], default=9)
    np.testing.assert_array_equal(np.asarray(out), [1, 2, 9])
    assert out.weak_type
    with pytest.raises(ValueError, match="condlist must be non-empty"):
        jnp.select([], [])


# ---- promotion table (measured in JAX 0.10.2) -----------------------------------------------

PROMOTION = [
    # expression, dtype, weak
    ("jnp.ones(2, jnp.int8) + 1", "int8", False),
    ("jnp.ones(2, jnp.int8) + 1.0", "float32", True),
    ("jnp.ones(2, jnp.int8) * 1.5", "float32", True),
    ("jnp.ones(2, jnp.bfloat16) + 1.0", "bfloat16", False),
    ("jnp.ones(2, jnp.uint32) + 1", "uint32", False),
    ("jnp.ones(2, jnp.uint8) + jnp.ones(2, jnp.int8)", "int16", False),
    ("jnp.ones(2, jnp.float16) + jnp.ones(2, jnp.int32)", "float16", False),
    ("jnp.ones(2, jnp.bfloat16) + jnp.ones(2, jnp.float16)", "float32", False),
    ("jnp.ones(2, jnp.float16) + np.float64(1)", "float32", False),
    ("jnp.array(1.0) + 1", "float32", True),
    ("jnp.array(1) + 1.0", "float32", True),
    ("1 + jnp.array(1)", "int32", True),
    ("jnp.ones(2) + True", "float32", False),
    ("jnp.ones(2, jnp.int8) + True", "int8", False),
    ("jnp.array([1, 2]) / 2", "float32", False),
    ("jnp.array([1, 2]) < 1.5", "bool", True),
    ("jnp.add(True, True)", "bool", False),
    ("jnp.true_divide(1, 2)", "float32", True),
    ("jnp.sqrt(4)", "float32", True),
    ("jnp.sqrt(jnp.array([4], jnp.int8))", "float32", False),
    ("jnp.exp(jnp.array([1], jnp.float16))", "float16", False),
    ("jnp.floor(2)", "int32", True),
    ("jnp.ceil(2.5)", "float32", True),
    ("jnp.abs(-2)", "int32", True),
    ("jnp.fabs(-2)", "float32", True),
    ("jnp.log2(8)", "float32", False),
    ("jnp.deg2rad(180)", "float32", True),
    ("jnp.angle(2)", "float32", False),
    ("jnp.arctan2(1, 2)", "float32", True),
    ("jnp.logaddexp2(1, 2)", "float32", True),
    ("jnp.fmin(jnp.array([1, 2]), 1.5)", "float32", True),
    ("jnp.nextafter(1, 2)", "float32", True),
    ("jnp.gcd(12, 8)", "int32", True),
    ("jnp.invert(5)", "int32", True),
    ("jnp.positive(2)", "int32", True),
    ("jnp.conj(jnp.array([1]))", "int32", False),
    ("jnp.ones(2, jnp.float16) + 1e5", "float16", False),
]


@pytest.mark.parametrize("expr,dtype,weak", PROMOTION, ids=[p[0] for p in PROMOTION])
def test_result_dtype_and_weak_type(expr, dtype, weak):
    out = eval(expr, {"jnp": jnp, "np": np})
    assert out.dtype.name == dtype
    assert out.weak_type == weak


def test_python_int_overflow_and_list_rejection():
    with pytest.raises(OverflowError, match="argument path is y"):
        jnp.ones(2) + 2 ** 40
    with pytest.raises(OverflowError, match="argument path is y"):
        jnp.ones(2, jnp.int32) + 2 ** 31
    with pytest.raises(OverflowError, match="argument path is x"):
        jnp.sin(2 ** 40)
    with pytest.raises(TypeError, match=r"add requires ndarray or scalar arguments, got "
                       r"<class 'list'> at position 1\."):
        jnp.add(jnp.arange(3), [1, 2, 3])
    with pytest.raises(TypeError, match="negative requires ndarray or scalar arguments"):
        jnp.negative([1])
    with pytest.raises(TypeError, match=r"add\.reduce requires ndarray or scalar arguments"):
        jnp.add.reduce([1, 2])
    with pytest.raises(TypeError, match=r"add\(\) missing 1 required positional argument: 'y'"):
        jnp.add(1)
    with pytest.raises(TypeError, match="incompatible shapes for broadcasting"):
        jnp.ones(3) + jnp.ones(4)


def test_x64_results(x64):
    assert jnp.sin(1.5).dtype == np.float64 and jnp.sin(1.5).weak_type
    assert (jnp.ones(2, jnp.float64) + 1).dtype == np.float64
    assert (jnp.arange(3) + 2 ** 40).dtype == np.int64
    assert jnp.true_divide(jnp.ones(2, jnp.int64), 2).dtype == np.float64
    assert (jnp.ones(2, jnp.uint32) + jnp.ones(2, jnp.int32)).dtype == np.int64
    assert (jnp.ones(2, jnp.uint64) + jnp.ones(2, jnp.int64)).dtype == np.float64
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(np.asarray(jnp.tanh(x)), np.tanh(x), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(jnp.logaddexp(x, x[::-1])),
                               np.logaddexp(x, x[::-1]), rtol=1e-14)


# ---- eager fast path == general path ----------------------------------------------------------

def _operands():
    arrays = [np.array([1.5, -2.0, 0.0], np.float32), np.array([3, -4, 0], np.int32),
              np.array([1, 2, 3], np.int8), np.array([1, 200, 3], np.uint8),
              np.array([True, False, True]), np.array([1 + 2j, 0, -1j], np.complex64),
              np.array(2.5, np.float32), np.array([[1.0], [2.0]], np.float32),
              np.array([1.0, 2.0], np.float16), np.ones(3, np.float32)]
    out = [jnp.asarray(a) for a in arrays]
    out += [jnp.asarray(2.0), jnp.asarray(3), jnp.asarray(np.ones(3, np.float32)) * 1.0]
    out[-1] = jnp.full(3, 1.0)  # a weak float32 array
    scalars = [2, -1, 300, 2 ** 31, 2.5, 1e40, 1j, True, -3]
    return out + scalars


_FAST_BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "equal",
                "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and",
                "bitwise_or", "bitwise_xor"]


def _outcome(f, *args):
    try:
        out = f(*args)
    except Exception as e:  # noqa: BLE001 - comparing error types of the two paths
        return ("error", type(e).__name__)
    return (out.dtype, out.weak_type, np.asarray(out).tolist(), out.shape)


@pytest.mark.parametrize("name", _FAST_BINARY)
def test_fast_path_matches_general_path(name):
    fast = getattr(jnp, name)
    general = ufuncs._SLOW_BINARY[name]
    ops = _operands()
    checked = 0
    for x in ops:
        for y in ops:
            if not (isinstance(x, pyjax.Array) or isinstance(y, pyjax.Array)):
                continue
            got, want = _outcome(fast, x, y), _outcome(general, x, y)
            assert got[:2] == want[:2] and _same(got, want), (name, x, y, got, want)
            checked += 1
    assert checked > 50


def _same(a, b):
    if a[0] == "error":
        return a == b
    return a[3] == b[3] and np.array_equal(np.asarray(a[2], dtype=complex),
                                           np.asarray(b[2], dtype=complex), equal_nan=True)


def test_fast_path_operators_match_functions():
    ops = _operands()
    pairs = [(operator.add, "add"), (operator.sub, "subtract"), (operator.mul, "multiply"),
             (operator.truediv, "true_divide"), (operator.lt, "less"), (operator.ge,
                                                                         "greater_equal"),
             (operator.and_, "bitwise_and"), (operator.xor, "bitwise_xor")]
    for op, name in pairs:
        general = ufuncs._SLOW_BINARY.get(name) or getattr(jnp, name)
        for x in ops:
            for y in ops:
                if not (isinstance(x, pyjax.Array) or isinstance(y, pyjax.Array)):
                    continue
                got, want = _outcome(op, x, y), _outcome(general, x, y)
                assert got[:2] == want[:2] and _same(got, want), (name, x, y, got, want)


def test_power_fast_path_matches_general_path():
    for x in _operands():
        for y in (0, 1, 2, 3, -1, -2, 5, 2 ** 40):
            got = _outcome(jnp.power, x, y)
            want = _outcome(ufuncs._power_general, x, y)
            assert got[:2] == want[:2] and _same(got, want), (x, y, got, want)


@pytest.mark.parametrize("name", ["sin", "exp", "log", "tanh", "sqrt", "negative", "abs",
                                  "absolute"])
def test_unary_fast_path_matches_general_path(name):
    general = ufuncs._SLOW_UNARY[name]
    for x in _operands():
        got, want = _outcome(getattr(jnp, name), x), _outcome(general, x)
        assert got[:2] == want[:2] and _same(got, want), (name, x, got, want)


def test_where_fast_path_matches_general_path():
    from pyjax._src.numpy import util
    conds = [jnp.array([True, False, True]), np.array([1, 0, 2]), True, jnp.array(0.0),
             np.array([[True], [False]])]
    for c in conds:
        for x in _operands():
            for y in (2.5, jnp.array([1, 2, 3], jnp.int8), np.float32(1), 3, jnp.array(1.0)):
                got = _outcome(util.where_, c, x, y)
                want = _outcome(util._where_general, c, x, y)
                assert got[:2] == want[:2] and _same(got, want), (c, x, y, got, want)


def test_fast_path_is_not_taken_under_transformations():
    f = pyjax.jit(lambda x, y: x + y * 2.0)
    x = jnp.arange(3.0)
    np.testing.assert_array_equal(np.asarray(f(x, x)), [0., 3., 6.])
    assert "add" in str(pyjax.make_jaxpr(lambda x: x + x)(x))
    g = pyjax.grad(lambda x: jnp.sum(jnp.sin(x) * x))(x)
    np.testing.assert_allclose(np.asarray(g), np.sin(np.arange(3.)) + np.arange(3.) *
                               np.cos(np.arange(3.)), rtol=1e-6)


def test_rank_promotion_config_applies_to_fast_path():
    x, y = jnp.ones(3), jnp.ones((2, 3))
    with pyjax.numpy_rank_promotion("raise"):
        with pytest.raises(ValueError, match="could not be broadcast together"):
            x + y
    assert (x + y).shape == (2, 3)


# ---- ufunc objects ----------------------------------------------------------------------------

UFUNC_NAMES = ["add", "bitwise_and", "bitwise_or", "bitwise_xor", "logaddexp", "logaddexp2",
               "logical_and", "logical_or", "logical_xor", "maximum", "minimum", "multiply",
               "negative", "subtract"]


def test_the_fourteen_ufunc_objects():
    found = sorted(n for n in dir(jnp) if isinstance(getattr(jnp, n), jnp.ufunc))
    assert found == UFUNC_NAMES
    assert repr(jnp.add) == "<jnp.ufunc 'add'>"
    assert (jnp.add.nin, jnp.add.nout, jnp.add.nargs, jnp.add.identity) == (2, 1, 2, 0)
    assert jnp.negative.nin == 1 and jnp.negative.identity is None
    assert jnp.logaddexp.identity == -np.inf and jnp.logical_and.identity is True
    assert jnp.bitwise_and.identity == -1 and jnp.subtract.identity is None
    with pytest.raises(NotImplementedError, match="out argument of <jnp.ufunc 'add'>"):
        jnp.add(1, 2, out=1)
    with pytest.raises(NotImplementedError, match="where argument"):
        jnp.add(1, 2, where=True)


def test_ufunc_reduce():
    x = jnp.asarray(np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(jnp.add.reduce(x)), [3, 5, 7])
    assert int(jnp.add.reduce(x, axis=None)) == 15
    assert jnp.add.reduce(x, axis=1, keepdims=True).shape == (2, 1)
    np.testing.assert_array_equal(np.asarray(jnp.add.reduce(x, initial=10)), [13, 15, 17])
    np.testing.assert_array_equal(
        np.asarray(jnp.add.reduce(x, where=jnp.array([True, False, True]))), [3, 0, 7])
    assert jnp.add.reduce(jnp.arange(6, dtype=jnp.int8)).dtype == np.int32
    assert int(jnp.subtract.reduce(jnp.arange(6))) == -15
    m = jnp.asarray(np.arange(6.).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(jnp.subtract.reduce(m, axis=1)), [-3., -6.])
    assert float(jnp.subtract.reduce(jnp.arange(6.), initial=1.0)) == -14.0
    with pytest.raises(NotImplementedError, match="tuple of axes"):
        jnp.subtract.reduce(x, axis=(0, 1))
    with pytest.raises(ValueError, match="does not have an identity"):
        jnp.subtract.reduce(jnp.arange(6.), where=jnp.arange(6) > 2)
    with pytest.raises(ValueError, match="zero-size array to reduction operation subtract"):
        jnp.subtract.reduce(jnp.zeros(0))
    with pytest.raises(ValueError, match="zero-size array to reduction operation max"):
        jnp.maximum.reduce(jnp.zeros(0))
    np.testing.assert_allclose(float(jnp.logaddexp.reduce(jnp.array([1., 2.]))),
                               np.logaddexp(1., 2.), rtol=1e-6)
    np.testing.assert_allclose(float(jnp.logaddexp2.reduce(jnp.array([1., 2.]))),
                               np.logaddexp2(1., 2.), rtol=1e-6)
    assert int(jnp.bitwise_and.reduce(jnp.array([7, 3, 5]))) == 1
    assert not bool(jnp.logical_and.reduce(jnp.array([1, 2, 0])))
    assert bool(jnp.logical_xor.reduce(jnp.array([True, True, True])))
    with pytest.raises(ValueError, match="reduce only supported for binary ufuncs"):
        jnp.negative.reduce(jnp.arange(2))
    with pytest.raises(NotImplementedError, match=r"out argument of add.reduce\(\)"):
        jnp.add.reduce(jnp.arange(3), out=1)


def test_ufunc_accumulate_outer_at_reduceat():
    np.testing.assert_array_equal(np.asarray(jnp.minimum.accumulate(jnp.array([3., 1., 2.]))),
                                  [3., 1., 1.])
    np.testing.assert_allclose(np.asarray(jnp.logaddexp.accumulate(jnp.array([1., 2., 3.]))),
                               np.logaddexp.accumulate([1., 2., 3.]), rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(jnp.bitwise_xor.accumulate(jnp.array([7, 3, 5]))),
                                  [7, 4, 1])
    out = jnp.logical_or.accumulate(jnp.array([0, 1, 0]))
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(np.asarray(out), [False, True, True])
    x = jnp.asarray(np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(np.asarray(jnp.add.accumulate(x, axis=1)),
                                  [[0, 1, 3], [3, 7, 12]])
    np.testing.assert_array_equal(np.asarray(jnp.add.accumulate(x, axis=None)),
                                  [0, 1, 3, 6, 10, 15])
    assert jnp.add.accumulate(jnp.arange(6, dtype=jnp.int8)).dtype == np.int8
    np.testing.assert_array_equal(np.asarray(jnp.subtract.accumulate(jnp.array([1, 2, 3]))),
                                  [1, -1, -4])
    np.testing.assert_array_equal(np.asarray(jnp.add.outer(jnp.arange(3), jnp.arange(2))),
                                  np.add.outer(np.arange(3), np.arange(2)))
    assert jnp.add.outer(x, jnp.arange(2)).shape == (2, 3, 2)
    np.testing.assert_array_equal(np.asarray(jnp.subtract.outer(1, jnp.arange(2))), [1, 0])
    with pytest.raises(ValueError, match="outer only supported for binary ufuncs"):
        jnp.negative.outer(jnp.arange(2), jnp.arange(2))
    with pytest.raises(NotImplementedError, match="inplace=False"):
        jnp.add.at(jnp.arange(3), 1, 10)
    np.testing.assert_array_equal(
        np.asarray(jnp.add.at(jnp.arange(3), jnp.array([0, 0]), 10, inplace=False)), [20, 1, 2])
    np.testing.assert_array_equal(
        np.asarray(jnp.subtract.at(jnp.arange(3), 1, 10, inplace=False)), [0, -9, 2])
    np.testing.assert_array_equal(
        np.asarray(jnp.maximum.at(jnp.arange(3), 1, 10, inplace=False)), [0, 10, 2])
    np.testing.assert_array_equal(
        np.asarray(jnp.negative.at(jnp.arange(3), 1, inplace=False)), [0, -1, 2])
    np.testing.assert_array_equal(
        np.asarray(jnp.add.at(jnp.array([True, False]), 1, True, inplace=False)), [True, True])
    np.testing.assert_array_equal(
        np.asarray(jnp.add.reduceat(jnp.arange(8), jnp.array([0, 4, 1, 5]))),
        np.add.reduceat(np.arange(8), [0, 4, 1, 5]))
    np.testing.assert_array_equal(
        np.asarray(jnp.subtract.reduceat(jnp.arange(8.), jnp.array([0, 4]))), [-6., -14.])


def test_frompyfunc():
    f = jnp.frompyfunc(lambda x, y: x * y + 1, nin=2, nout=1, identity=1)
    np.testing.assert_array_equal(np.asarray(f(jnp.arange(3), 2)), [1, 3, 5])
    assert int(f.reduce(jnp.arange(1, 4))) == ((1 * 2 + 1) * 3 + 1)
    np.testing.assert_array_equal(np.asarray(f.accumulate(jnp.arange(1, 4))), [1, 3, 10])
    assert f.outer(jnp.arange(2), jnp.arange(3)).shape == (2, 3)
    assert isinstance(f, jnp.ufunc)


# ---- transformations (op records through the shared harness) ----------------------------------

def _rec(name, fn, shapes, dtypes, rng="normal", grad=1, **kw):
    return OpRecord(name, fn, None, shapes, dtypes, rng=rng, grad_order=grad, **kw)


RECORDS = [
    _rec("sin", jnp.sin, [(3,)], [F32], grad=2),
    _rec("tanh", jnp.tanh, [(3,)], [F32]),
    _rec("log1p", jnp.log1p, [(3,)], [F32], rng="positive"),
    _rec("sqrt", jnp.sqrt, [(3,)], [F32], rng="positive"),
    _rec("abs", jnp.abs, [(3,)], [F32], rng="nonzero"),
    _rec("square", jnp.square, [(3,)], [F32], grad=2),
    _rec("reciprocal", jnp.reciprocal, [(3,)], [F32], rng="nonzero"),
    _rec("sinc", jnp.sinc, [(3,)], [F32]),
    _rec("i0", jnp.i0, [(3,)], [F32]),
    _rec("log2", jnp.log2, [(3,)], [F32], rng="positive"),
    _rec("add", jnp.add, [(2, 3), (3,)], [F32, F32]),
    _rec("multiply", jnp.multiply, [(2, 3), (2, 3)], [F32, F32], grad=2),
    _rec("divide", jnp.divide, [(3,), (3,)], [F32, F32], rng=["normal", "nonzero"]),
    _rec("maximum", jnp.maximum, [(3,), (3,)], [F32, F32]),
    _rec("logaddexp", jnp.logaddexp, [(3,), (3,)], [F32, F32], grad=2),
    _rec("logaddexp2", jnp.logaddexp2, [(3,), (3,)], [F32, F32]),
    _rec("hypot", jnp.hypot, [(3,), (3,)], [F32, F32], rng="nonzero"),
    _rec("arctan2", jnp.arctan2, [(3,), (3,)], [F32, F32], rng="nonzero"),
    _rec("power", jnp.power, [(3,), (3,)], [F32, F32], rng=["positive", "normal"]),
    _rec("float_power", jnp.float_power, [(3,), (3,)], [F32, F32], rng=["positive", "normal"]),
    _rec("clip", lambda x: jnp.clip(x, -0.5, 0.5), [(4,)], [F32]),
    _rec("where", lambda c, x, y: jnp.where(c, x, y), [(3,), (3,), (3,)], [BOOL, F32, F32],
         rng=["bool", "normal", "normal"], grad_argnums=(1, 2)),
    _rec("remainder", jnp.remainder, [(3,), (3,)], [F32, F32], rng=["normal", "nonzero"],
         grad=0),
    _rec("floor_divide_int", jnp.floor_divide, [(3,), (3,)], [I32, I32],
         rng=["int", "small_pos_int"], grad=0),
    _rec("isclose", jnp.isclose, [(3,), (3,)], [F32, F32], grad=0),
    _rec("frexp", jnp.frexp, [(3,)], [F32], grad=0),
    _rec("gcd", jnp.gcd, [(3,), (3,)], [I32, I32], rng="int", grad=0, vmap=False),
    _rec("round1", lambda x: jnp.round(x, 1), [(3,)], [F32], grad=0),
]


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r.name)
def test_records_abstract_eval(rec):
    check_abstract(rec)


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r.name)
def test_records_jit(rec):
    check_jit(rec)


@pytest.mark.parametrize("rec", [r for r in RECORDS if r.vmap], ids=lambda r: r.name)
def test_records_vmap(rec):
    check_vmap(rec)


@pytest.mark.parametrize("rec", [r for r in RECORDS if r.grad_order], ids=lambda r: r.name)
def test_records_grad(rec):
    check_grad(rec)


def test_gradient_conventions():
    # API.md: grad(abs)(0.) = 1, maximum ties split, sqrt(0) -> inf, where still NaN
    assert float(pyjax.grad(jnp.abs)(0.0)) == 1.0
    assert float(pyjax.grad(lambda x: jnp.maximum(x, 1.0))(1.0)) == 0.5
    assert float(pyjax.grad(jnp.sqrt)(0.0)) == math.inf
    g = pyjax.grad(lambda x: jnp.sum(jnp.where(x > 0, jnp.sqrt(x), 0.)))(jnp.array([0., 1.]))
    assert np.isnan(np.asarray(g)[0]) and float(g[1]) == 0.5
    # logaddexp: ties split evenly; infinite inputs keep finite gradients
    assert float(pyjax.grad(lambda x: jnp.logaddexp(x, 1.0))(1.0)) == 0.5
    assert float(pyjax.grad(lambda x: jnp.logaddexp(x, -jnp.inf))(0.0)) == 1.0


# ---- stored JAX results --------------------------------------------------------------------

MY_FNS = set(ufuncs.__all__) | set(unary_ufuncs.__all__) | {"fix"}


def _fixture_params():
    from _jnp_fixtures import fixture_cases
    return fixture_cases(MY_FNS)


@pytest.mark.parametrize("block,case", _fixture_params())
def test_matches_stored_jax_results(block, case):
    from _jnp_fixtures import run_case
    run_case(block, case)

