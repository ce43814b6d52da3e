"""Unary elementwise ``jax.numpy`` functions, and the helpers that build ufuncs.

The unary half of ``ufuncs.py`` (which holds the binary functions, comparisons,
``clip``/``where``/``select``, the ``jnp.ufunc`` objects, and re-exports this
module's names).  The same conventions apply: promote dtypes with
``numpy/util.py`` (JAX's lattice, weak types), then call lax; constants are
weak-preserving (``weak_const``) or strong (``lax_const``) as in JAX.

``_unary``/``_binary`` attach the eager fast path (NOTE[eager-fast-path] in
fast_path.py); ``_SLOW_UNARY``/``_SLOW_BINARY`` keep the general
implementations, which tests compare with the fast ones.  ``spacing`` and
``modf`` use binary functions and so live in ufuncs.py.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from pyjax._src import dtypes
from pyjax._src.config import config
from pyjax._src.core.avals import get_aval
from pyjax._src.numpy.fast_path import (  # see NOTE[eager-fast-path] there
    _STD_FLOAT, _STD_INEXACT, _STD_INT, _UNARY_PRIMS, _FastTable, _make_binary_fast,
    _make_unary_fast)
from pyjax._src.numpy.ufunc_api import ufunc
from pyjax._src.numpy.util import (asarray, check_arraylike, concrete_or_error, lax_const,
                                   promote_args, promote_args_inexact, promote_args_numeric,
                                   promote_dtypes_inexact, promote_dtypes_numeric, py_const,
                                   weak_const, where_)


_LAX = []


def _lax():
    """``pyjax.lax``, imported on first use (the lax families load before jnp's)."""
    if not _LAX:
        import pyjax.lax as lax
        _LAX.append(lax)
    return _LAX[0]


def _dtype(x) -> np.dtype:
    return get_aval(x).dtype


# ---- Python-int argument checks -------------------------------------------------------

def _check_python_ints(names: tuple, args: tuple) -> None:
    """JAX's jitted jnp functions reject Python ints outside the default int range."""
    for name, arg in zip(names, args):
        if type(arg) is int:
            bits = 64 if config.jax_enable_x64 else 32
            if not -(1 << (bits - 1)) <= arg < (1 << (bits - 1)):
                raise OverflowError(
                    f"An overflow was encountered while parsing an argument to a jitted "
                    f"computation, whose argument path is {name}. Got {type(arg)} with value "
                    f"{arg}")


# ---- ufunc construction helpers ------------------------------------------------------------

def _named(fn: Callable, name: str, doc: str | None) -> Callable:
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _unary(name: str, prim_name: str | None, fast_dtypes, slow: Callable,
           make_ufunc: bool = False, **ufunc_kw):
    """The public unary function (or ufunc) ``name`` with an eager fast path."""
    _SLOW_UNARY[name] = slow
    if prim_name is not None:
        _UNARY_PRIMS.add(prim_name[:-2])
        fn = _make_unary_fast(_FastTable(prim_name, fast_dtypes, ""), slow)
    else:
        fn = slow
    fn = _named(fn, name, slow.__doc__) if fn is not slow else slow
    if make_ufunc:
        return ufunc(slow, 1, 1, name=name, call=fn, **ufunc_kw)
    return fn


def _binary(name: str, prim_name: str | None, fast_dtypes, slow: Callable,
            scalar_kinds: str = "iufc", make_ufunc: bool = False, **ufunc_kw):
    _SLOW_BINARY[name] = slow
    if prim_name is not None:
        table = _FastTable(prim_name, fast_dtypes, scalar_kinds)
        fn = _named(_make_binary_fast(table, slow), name, slow.__doc__)
        _FAST_TABLES[name] = table
    else:
        fn = slow
    if make_ufunc:
        return ufunc(slow, 2, 1, name=name, call=fn, **ufunc_kw)
    return fn


_FAST_TABLES: dict[str, _FastTable] = {}
# the general implementations behind the fast paths (tests compare the two)
_SLOW_UNARY: dict[str, Callable] = {}
_SLOW_BINARY: dict[str, Callable] = {}
_NUM = _STD_INEXACT + _STD_INT
_REAL = _STD_FLOAT + _STD_INT

# ================================== unary functions =======================================

def _inexact_unary(name: str, lax_name: str, doc: str):
    """``lax.<lax_name>`` after promoting to an inexact dtype (weak type preserved)."""
    def f(x, /):
        check_arraylike(name, x)
        _check_python_ints(("x",), (x,))
        x, = promote_args_inexact(name, x)
        return getattr(_lax(), lax_name)(x)
    _named(f, name, doc)
    return _unary(name, lax_name + "_p", _STD_INEXACT, f)


def _doc(npname: str, extra: str = "") -> str:
    return f"pyjax implementation of :func:`numpy.{npname}`.{extra}"


sin = _inexact_unary("sin", "sin", _doc("sin", " Integers are promoted to float."))
cos = _inexact_unary("cos", "cos", _doc("cos"))
tan = _inexact_unary("tan", "tan", _doc("tan"))
arcsin = _inexact_unary("arcsin", "asin", _doc("arcsin"))
arccos = _inexact_unary("arccos", "acos", _doc("arccos"))
arctan = _inexact_unary("arctan", "atan", _doc("arctan"))
sinh = _inexact_unary("sinh", "sinh", _doc("sinh"))
cosh = _inexact_unary("cosh", "cosh", _doc("cosh"))
tanh = _inexact_unary("tanh", "tanh", _doc("tanh"))
arcsinh = _inexact_unary("arcsinh", "asinh", _doc("arcsinh"))
arctanh = _inexact_unary("arctanh", "atanh", _doc("arctanh"))
sqrt = _inexact_unary("sqrt", "sqrt", _doc("sqrt", " Negative reals give NaN."))
cbrt = _inexact_unary("cbrt", "cbrt", _doc("cbrt"))
exp = _inexact_unary("exp", "exp", _doc("exp"))
exp2 = _inexact_unary("exp2", "exp2", _doc("exp2"))
expm1 = _inexact_unary("expm1", "expm1", _doc("expm1"))
log = _inexact_unary("log", "log", _doc("log"))
log1p = _inexact_unary("log1p", "log1p", _doc("log1p"))


def arccosh(x, /):
    """pyjax implementation of :func:`numpy.arccosh` (NumPy's branch for complex input)."""
    check_arraylike("arccosh", x)
    x, = promote_args_inexact("arccosh", x)
    lax = _lax()
    out = lax.acosh(x)
    if dtypes.is_complex(out.dtype):
        out = where_(lax.lt(lax.real(out), lax_const(lax.real(out), 0)), lax.neg(out), out)
    return out


def _alias(name: str, target: Callable, doc: str) -> Callable:
    def f(x, /):
        return target(*promote_args(name, x))
    return _named(f, name, doc)


asin = _alias("asin", arcsin, "Alias of :func:`pyjax.numpy.arcsin`.")
acos = _alias("acos", arccos, "Alias of :func:`pyjax.numpy.arccos`.")
atan = _alias("atan", arctan, "Alias of :func:`pyjax.numpy.arctan`.")
asinh = _alias("asinh", arcsinh, "Alias of :func:`pyjax.numpy.arcsinh`.")
acosh = _alias("acosh", arccosh, "Alias of :func:`pyjax.numpy.arccosh`.")
atanh = _alias("atanh", arctanh, "Alias of :func:`pyjax.numpy.arctanh`.")


def _log_base(name: str, base: float):
    def f(x, /):
        lax = _lax()
        x, = promote_args_inexact(name, x)
        if dtypes.is_complex(x.dtype):
            r = lax.log(x)
            re, im = lax.real(r), lax.imag(r)
            ln_b = lax.log(lax_const(re, base))
            return lax.complex(lax.div(re, ln_b), lax.div(im, ln_b))
        return lax.div(lax.log(x), lax.log(lax_const(x, base)))
    return _named(f, name, _doc(name, " Computed as ``log(x) / log(base)``; the result is "
                                      "strongly typed."))


log2 = _log_base("log2", 2)
log10 = _log_base("log10", 10)


def _negative(x, /):
    """pyjax implementation of :func:`numpy.negative` (``-x``; unsigned ints wrap)."""
    check_arraylike("negative", x)
    return _lax().neg(*promote_args("negative", x))


def positive(x, /):
    """pyjax implementation of :func:`numpy.positive` (a copy of ``x``)."""
    check_arraylike("positive", x)
    return asarray(*promote_args("positive", x))


def _absolute(x, /):
    """pyjax implementation of :func:`numpy.absolute`; ``abs(INT_MIN) == INT_MIN``."""
    check_arraylike("absolute", x)
    dt = _dtype(x)
    if dt == np.bool_ or dtypes.is_unsigned_integer(dt):
        return asarray(x)
    return _lax().abs(x)


absolute = _unary("absolute", "abs_p", [d for d in _NUM if d.kind != "u"], _absolute)
abs = _unary("abs", "abs_p", [d for d in _NUM if d.kind != "u"],  # noqa: A001
             _named(lambda x, /: _absolute(x), "abs", "Alias of :func:`pyjax.numpy.absolute`."))


def fabs(x, /):
    """pyjax implementation of :func:`numpy.fabs` (float result; complex rejected)."""
    check_arraylike("fabs", x)
    if dtypes.is_complex(_dtype(x)):
        raise TypeError("ufunc 'fabs' does not support complex dtypes")
    return _lax().abs(*promote_args_inexact("fabs", x))


def sign(x, /):
    """pyjax implementation of :func:`numpy.sign` (``x / |x|`` for complex input)."""
    check_arraylike("sign", x)
    return _lax().sign(*promote_args("sign", x))


def _int_or_bool(dt) -> bool:
    return dtypes.is_integer(dt) or dtypes.is_bool(dt)


def floor(x, /):
    """pyjax implementation of :func:`numpy.floor`; integer and bool inputs are returned
    unchanged (JAX keeps their dtype)."""
    check_arraylike("floor", x)
    if _int_or_bool(_dtype(x)):
        return asarray(x)
    return _lax().floor(*promote_args_inexact("floor", x))


def ceil(x, /):
    """pyjax implementation of :func:`numpy.ceil`; integer and bool inputs are unchanged."""
    check_arraylike("ceil", x)
    if _int_or_bool(_dtype(x)):
        return asarray(x)
    return _lax().ceil(*promote_args_inexact("ceil", x))


def trunc(x, /):
    """pyjax implementation of :func:`numpy.trunc` (round toward zero; ints unchanged)."""
    check_arraylike("trunc", x)
    if _int_or_bool(_dtype(x)):
        return asarray(x)
    x = asarray(x)
    return where_(_lax().lt(x, weak_const(x, 0)), ceil(x), floor(x))


def rint(x, /):
    """pyjax implementation of :func:`numpy.rint` (half to even; always inexact)."""
    check_arraylike("rint", x)
    lax = _lax()
    dt = _dtype(x)
    if _int_or_bool(dt):
        return lax.convert_element_type(x, dtypes.default_float_dtype())
    if dtypes.is_complex(dt):
        return lax.complex(rint(lax.real(x)), rint(lax.imag(x)))
    return lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)


def round(a, decimals: int = 0, out=None):  # noqa: A001
    """pyjax implementation of :func:`numpy.round`: half to even; ints stay int.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.round(jnp.array([0.5, 1.5, 2.5]))
      Array([0., 2., 2.], dtype=float32)
    """
    check_arraylike("round", a)
    decimals = operator.index(concrete_or_error(decimals, "'decimals' argument of jnp.round"))
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.round is not supported.")
    dt = _dtype(a)
    lax = _lax()
    if dtypes.is_integer(dt):
        if decimals < 0:
            raise NotImplementedError("integer np.round not implemented for decimals < 0")
        return asarray(a)
    if dtypes.is_bool(dt):
        raise ValueError("data type <class 'numpy.bool'> not inexact")
    a = asarray(a)
    if dtypes.is_complex(dt):
        return lax.complex(_round_float(lax.real(a), decimals),
                           _round_float(lax.imag(a), decimals))
    return _round_float(a, decimals)


def _round_float(x, decimals: int):
    lax = _lax()
    if decimals == 0:
        return lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    dt = x.dtype
    # float16 loses too much in x * 10**decimals: compute in float32
    if dt == np.float16:
        x = lax.convert_element_type(x, np.float32)
    factor = weak_const(x, 10.0 ** decimals)
    out = lax.div(lax.round(lax.mul(x, factor), lax.RoundingMethod.TO_NEAREST_EVEN), factor)
    return lax.convert_element_type(out, dt) if dt == np.float16 else out


def around(a, decimals: int = 0, out=None):
    """Alias of :func:`pyjax.numpy.round`."""
    return round(a, decimals, out)


def square(x, /):
    """pyjax implementation of :func:`numpy.square` (bool becomes int)."""
    check_arraylike("square", x)
    x, = promote_dtypes_numeric(x)
    lax = _lax()
    sq = getattr(lax, "square", None)
    return sq(x) if sq is not None else lax.integer_pow(x, 2)


def reciprocal(x, /):
    """pyjax implementation of :func:`numpy.reciprocal` (integers promote to float)."""
    check_arraylike("reciprocal", x)
    x, = promote_dtypes_inexact(x)
    return _lax().integer_pow(x, -1)


def _bitwise_not(x):
    lax = _lax()
    fn = getattr(lax, "bitwise_not", None) or getattr(lax, "not_")
    return fn(x)


def invert(x, /):
    """pyjax implementation of :func:`numpy.invert` (``~x``; logical not for bool)."""
    return _bitwise_not(*promote_args("invert", x))


def bitwise_not(x, /):
    """Alias of :func:`pyjax.numpy.invert`."""
    return _bitwise_not(*promote_args("bitwise_not", x))


def bitwise_invert(x, /):
    """Alias of :func:`pyjax.numpy.invert`."""
    return _bitwise_not(*promote_args("bitwise_invert", x))


def bitwise_count(x, /):
    """pyjax implementation of :func:`numpy.bitwise_count`: set bits of ``|x|``, as uint8."""
    x, = promote_args_numeric("bitwise_count", x)
    lax = _lax()
    return lax.convert_element_type(lax.population_count(absolute(x)), np.uint8)


def _to_bool(x):
    x = asarray(x)
    return x if x.dtype == np.bool_ else _lax().ne(x, weak_const(x, 0))


def logical_not(x, /):
    """pyjax implementation of :func:`numpy.logical_not`."""
    return _bitwise_not(*map(_to_bool, promote_args("logical_not", x)))


def isfinite(x, /):
    """pyjax implementation of :func:`numpy.isfinite` (strong bool result)."""
    check_arraylike("isfinite", x)
    lax = _lax()
    dt = _dtype(x)
    if dtypes.is_floating(dt):
        return lax.is_finite(x)
    if dtypes.is_complex(dt):
        return lax.bitwise_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
    return _full_bool(x, True)


def _full_bool(x, value: bool):
    from pyjax._src.numpy.creation import full_like
    return full_like(x, value, dtype=np.bool_)


def isinf(x, /):
    """pyjax implementation of :func:`numpy.isinf`."""
    check_arraylike("isinf", x)
    lax = _lax()
    dt = _dtype(x)
    if dtypes.is_floating(dt):
        return lax.eq(lax.abs(x), lax_const(x, np.inf))
    if dtypes.is_complex(dt):
        re, im = lax.real(x), lax.imag(x)
        return lax.bitwise_or(lax.eq(lax.abs(re), lax_const(re, np.inf)),
                              lax.eq(lax.abs(im), lax_const(im, np.inf)))
    return _full_bool(x, False)


def _isposneginf(value: float, x, out):
    if out is not None:
        raise NotImplementedError("The 'out' argument to isneginf/isposinf is not supported.")
    dt = _dtype(x)
    if dtypes.is_floating(dt):
        return _lax().eq(x, lax_const(x, value))
    if dtypes.is_complex(dt):
        raise ValueError("isposinf/isneginf are not well defined for complex types")
    return _full_bool(x, False)


def isposinf(x, /, out=None):
    """pyjax implementation of :func:`numpy.isposinf` (complex rejected)."""
    check_arraylike("isposinf", x)
    return _isposneginf(np.inf, x, out)


def isneginf(x, /, out=None):
    """pyjax implementation of :func:`numpy.isneginf` (complex rejected)."""
    check_arraylike("isneginf", x)
    return _isposneginf(-np.inf, x, out)


def isnan(x, /):
    """pyjax implementation of :func:`numpy.isnan` (``x != x``)."""
    check_arraylike("isnan", x)
    x = asarray(x)
    return _lax().ne(x, x)


def real(val, /):
    """pyjax implementation of :func:`numpy.real` (non-complex input returned as is)."""
    check_arraylike("real", val)
    return _lax().real(val) if dtypes.is_complex(_dtype(val)) else asarray(val)


def imag(val, /):
    """pyjax implementation of :func:`numpy.imag` (zeros of the input's dtype for reals)."""
    check_arraylike("imag", val)
    if dtypes.is_complex(_dtype(val)):
        return _lax().imag(val)
    from pyjax._src.numpy.creation import full_like
    return full_like(val, 0)


def conjugate(x, /):
    """pyjax implementation of :func:`numpy.conjugate`."""
    check_arraylike("conjugate", x)
    return _lax().conj(x) if dtypes.is_complex(_dtype(x)) else asarray(x)


def conj(x, /):
    """Alias of :func:`pyjax.numpy.conjugate`."""
    return conjugate(x)


def isreal(x, /):
    """pyjax implementation of :func:`numpy.isreal` (imaginary part == 0)."""
    check_arraylike("isreal", x)
    i = imag(x)
    return _lax().eq(i, py_const(i, 0))


def iscomplex(x, /):
    """pyjax implementation of :func:`numpy.iscomplex` (imaginary part != 0)."""
    check_arraylike("iscomplex", x)
    i = imag(x)
    return _lax().ne(i, py_const(i, 0))


_SIGNBIT_INT = {16: np.int16, 32: np.int32, 64: np.int64}


def signbit(x, /):
    """pyjax implementation of :func:`numpy.signbit` (reads the float sign bit: -0.0 is
    negative)."""
    x, = promote_args("signbit", x)
    lax = _lax()
    dt = x.dtype
    if dtypes.is_integer(dt):
        return lax.lt(x, lax_const(x, 0))
    if dtypes.is_bool(dt):
        return _full_bool(x, False)
    if not dtypes.is_floating(dt):
        raise ValueError(f"jax.numpy.signbit is not well defined for {dt}")
    bits = dtypes.finfo(dt).bits
    if bits not in _SIGNBIT_INT:
        raise NotImplementedError("jax.numpy.signbit only supports 16, 32, and 64-bit types.")
    as_int = lax.bitcast_convert_type(x, _SIGNBIT_INT[bits])
    return lax.lt(as_int, lax_const(as_int, 0))


def deg2rad(x, /):
    """pyjax implementation of :func:`numpy.deg2rad` (``x * pi / 180``)."""
    x, = promote_args_inexact("deg2rad", x)
    return _lax().mul(x, weak_const(x, np.pi / 180))


def rad2deg(x, /):
    """pyjax implementation of :func:`numpy.rad2deg` (``x * 180 / pi``)."""
    x, = promote_args_inexact("rad2deg", x)
    return _lax().mul(x, weak_const(x, 180 / np.pi))


def radians(x, /):
    """Alias of :func:`pyjax.numpy.deg2rad`."""
    return deg2rad(x)


def degrees(x, /):
    """Alias of :func:`pyjax.numpy.rad2deg`."""
    return rad2deg(x)


def angle(z, deg: bool = False):
    """pyjax implementation of :func:`numpy.angle` (``arctan2(imag, real)``, float result)."""
    check_arraylike("angle", z)
    lax = _lax()
    re, im = real(z), imag(z)
    dt = dtypes.result_type(re, im)
    if not dtypes.is_inexact(dt) or (dtypes.is_floating(_dtype(z)) and np.ndim(z) == 0):
        dt = dtypes.default_float_dtype()
    re = lax.convert_element_type(re, dt)
    im = lax.convert_element_type(im, dt)
    out = lax.atan2(im, re)
    return rad2deg(out) if deg else out


_FREXP_INT = {16: np.int16, 32: np.int32, 64: np.int64}


def frexp(x, /):
    """pyjax implementation of :func:`numpy.frexp`: ``x == m * 2**e``, ``0.5 <= |m| < 1``.

    The exponent is int32; zeros, infinities and NaNs give ``(x, 0)``.
    """
    check_arraylike("frexp", x)
    x, = promote_dtypes_inexact(x)
    if dtypes.is_complex(x.dtype):
        raise TypeError("frexp does not support complex-valued inputs")
    lax = _lax()
    info = dtypes.finfo(x.dtype)
    int_t = _FREXP_INT[info.bits]
    mask = (1 << info.nexp) - 1
    bias = 1 - info.minexp
    # subnormals: scale into the normal range first and remember the shift
    small = lax.lt(lax.abs(x), lax_const(x, info.tiny))
    scaled = where_(small, lax.mul(x, lax_const(x, float(1 << info.nmant))), x)
    shift = where_(small, np.asarray(-info.nmant, int_t), np.asarray(0, int_t))
    bits = lax.bitcast_convert_type(scaled, int_t)
    nmant = np.asarray(info.nmant, int_t)
    field = lax.bitwise_and(lax.shift_right_logical(bits, nmant), np.asarray(mask, int_t))
    exponent = lax.add(shift, lax.sub(field, np.asarray(bias - 1, int_t)))
    keep = np.asarray(~(mask << info.nmant), int_t)
    mant_bits = lax.bitwise_or(lax.bitwise_and(bits, keep),
                               np.asarray((bias - 1) << info.nmant, int_t))
    mantissa = lax.bitcast_convert_type(mant_bits, x.dtype)
    special = lax.bitwise_or(lax.bitwise_or(isinf(x), isnan(x)),
                             lax.eq(x, lax_const(x, 0)))
    exponent = where_(special, np.asarray(0, int_t), exponent)
    return where_(special, x, mantissa), lax.convert_element_type(exponent, np.int32)


def nan_to_num(x, copy: bool = True, nan: Any = 0.0, posinf: Any = None, neginf: Any = None):
    """pyjax implementation of :func:`numpy.nan_to_num` (NaN -> ``nan``, +-inf -> the
    largest finite values unless given)."""
    del copy  # unused: arrays are immutable
    check_arraylike("nan_to_num", x)
    dt = _dtype(x)
    if not dtypes.is_inexact(dt):
        return asarray(x)
    lax = _lax()
    if dtypes.is_complex(dt):
        return lax.complex(nan_to_num(lax.real(x), nan=nan, posinf=posinf, neginf=neginf),
                           nan_to_num(lax.imag(x), nan=nan, posinf=posinf, neginf=neginf))
    from pyjax._src.numpy.creation import asarray as jnp_asarray
    info = dtypes.finfo(dt)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = where_(isnan(x), jnp_asarray(nan, dtype=dt), x)
    out = where_(isposinf(out), jnp_asarray(posinf, dtype=dt), out)
    return where_(isneginf(out), jnp_asarray(neginf, dtype=dt), out)


def _sinc_series(z):
    """sin(z)/z as its Taylor polynomial (exact derivatives at 0 up to order 10)."""
    lax = _lax()
    z2 = lax.mul(z, z)
    out = weak_const(z, 0.0)
    coef = [1.0, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800]
    for c in reversed(coef):
        out = lax.add(lax.mul(out, z2), weak_const(z, c))
    return out


def sinc(x, /):
    """pyjax implementation of :func:`numpy.sinc`: ``sin(pi x) / (pi x)``, 1 at 0.

    At 0 the value comes from the Taylor series of ``sin(z)/z``, so derivatives
    of every order up to 10 are exact there (JAX uses a custom JVP instead).
    """
    check_arraylike("sinc", x)
    x, = promote_dtypes_inexact(x)
    lax = _lax()
    eq_zero = lax.eq(x, weak_const(x, 0))
    pi_x = lax.mul(weak_const(x, np.pi), x)
    safe = where_(eq_zero, weak_const(x, 1), pi_x)
    return where_(eq_zero, _sinc_series(pi_x), lax.div(lax.sin(safe), safe))


def i0(x, /):
    """pyjax implementation of :func:`numpy.i0` (modified Bessel function of order 0)."""
    check_arraylike("i0", x)
    x, = promote_dtypes_inexact(x)
    if not dtypes.is_floating(x.dtype):
        raise ValueError(f"Unsupported input type to jax.numpy.i0: {x.dtype}")
    lax = _lax()
    ax = lax.abs(x)
    return lax.mul(lax.exp(ax), lax.bessel_i0e(ax))


__all__ = [
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "asin", "acos", "atan", "asinh", "acosh", "atanh", "sqrt", "cbrt",
    "exp", "exp2", "expm1", "log", "log1p", "log2", "log10", "positive", "absolute",
    "abs", "fabs", "sign", "floor", "ceil", "trunc", "rint", "round", "around", "square",
    "reciprocal", "invert", "bitwise_not", "bitwise_invert", "bitwise_count", "logical_not",
    "isfinite", "isinf", "isposinf", "isneginf", "isnan", "real", "imag", "conjugate", "conj",
    "isreal", "iscomplex", "signbit", "deg2rad", "rad2deg", "radians", "degrees",
    "angle", "frexp", "nan_to_num", "sinc", "i0",
]
