"""Elementwise ``jax.numpy`` functions, and the fourteen ``jnp.ufunc`` objects.

Every function here is a composite of lax primitives: promote dtypes with
``numpy/util.py`` (JAX's lattice, weak types), then call lax.  Results keep the
weak type the composition gives in JAX; the constants used inside compositions
are either *weak-preserving* (``weak_const``: ``deg2rad(180)`` stays weak) or
*strong* (``lax_const``: ``log2(8)`` and ``isinf(2.0)`` are strong), matching
JAX's compositions.

The functions backed by a single primitive have an eager fast path
(NOTE[eager-fast-path] in fast_path.py); ``_SLOW_UNARY``/``_SLOW_BINARY`` keep
their general implementations, which tests compare with the fast ones.

Fourteen names are ``jnp.ufunc`` objects, as in JAX: add, subtract, multiply,
maximum, minimum, logaddexp, logaddexp2, bitwise_and/or/xor, logical_and/or/xor
and negative, with ``reduce``/``accumulate``/``outer``/``at``/``reduceat`` (the
class is in ufunc_api.py).  The unary functions and the ufunc-building helpers
are in unary_ufuncs.py; this module re-exports them.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.core.array_base import Array
from pyjax._src.numpy.fast_path import (  # see NOTE[eager-fast-path] there
    _STD_INEXACT, _STD_INT, _eval_trace, _integer_pow_fast, _trace_state)
from pyjax._src.numpy.fast_path import _make_binary_fast  # noqa: F401  (array_methods uses it)
from pyjax._src.numpy.ufunc_api import frompyfunc, ufunc
# the unary functions live in unary_ufuncs.py; re-exported here for code that reaches
# every elementwise function through this module (array_methods, reductions, creation)
from pyjax._src.numpy.unary_ufuncs import *  # noqa: F401,F403
from pyjax._src.numpy.unary_ufuncs import (  # noqa: F401  (_FAST_TABLES, _SLOW_*: tests)
    _FAST_TABLES, _NUM, _REAL, _SLOW_BINARY, _SLOW_UNARY, _binary, _check_python_ints, _doc,
    _dtype, _int_or_bool, _lax, _named, _negative, _to_bool, _unary, absolute, ceil, floor,
    isinf, isnan, isposinf, real, signbit)
from pyjax._src.numpy.util import (asarray, broadcast_arrays, check_arraylike,
                                   check_no_float0s, lax_const, like_const,
                                   py_const,
                                   promote_args, promote_args_inexact, promote_args_numeric,
                                   promote_dtypes, promote_dtypes_inexact,
                                   promote_dtypes_numeric, promote_shapes, weak_const, where_)


# ============================ unary functions built on binary ones ===========================

def spacing(x, /):
    """pyjax implementation of :func:`numpy.spacing` (distance to the next float)."""
    x, = promote_args_inexact("spacing", x)
    if dtypes.is_complex(x.dtype):
        raise ValueError("jnp.spacing is not defined for complex inputs.")
    lax = _lax()
    inf = lax_const(x, np.inf)
    if x.dtype == np.float16:
        return lax.sub(lax.nextafter(x, broadcast_arrays(inf, x)[0]), x)
    result = lax.sub(lax.nextafter(x, copysign(broadcast_arrays(inf, x)[0], x)), x)
    tiny = lax_const(x, dtypes.finfo(x.dtype).smallest_subnormal)
    return where_(lax.eq(result, weak_const(result, 0)), copysign(tiny, x), result)


def modf(x, /, out=None):
    """pyjax implementation of :func:`numpy.modf`: ``(fractional, integral)`` parts."""
    check_arraylike("modf", x)
    x, = promote_dtypes_inexact(x)
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.modf is not supported.")
    whole = where_(_lax().ge(x, weak_const(x, 0)), floor(x), ceil(x))
    return subtract(x, whole), whole


# ================================= binary functions =======================================

def _add(x, y, /):
    """pyjax implementation of :func:`numpy.add` (``x + y``; logical or for bool)."""
    _check_python_ints(("x", "y"), (x, y))
    x, y = promote_args("add", x, y)
    lax = _lax()
    return lax.add(x, y) if x.dtype != np.bool_ else lax.bitwise_or(x, y)


def _subtract(x, y, /):
    """pyjax implementation of :func:`numpy.subtract` (``x - y``)."""
    _check_python_ints(("x", "y"), (x, y))
    return _lax().sub(*promote_args("subtract", x, y))


def _multiply(x, y, /):
    """pyjax implementation of :func:`numpy.multiply` (``x * y``; logical and for bool)."""
    _check_python_ints(("x", "y"), (x, y))
    x, y = promote_args("multiply", x, y)
    lax = _lax()
    return lax.mul(x, y) if x.dtype != np.bool_ else lax.bitwise_and(x, y)


def _maximum(x, y, /):
    """pyjax implementation of :func:`numpy.maximum` (NaN propagates)."""
    _check_python_ints(("x", "y"), (x, y))
    return _lax().max(*promote_args("maximum", x, y))


def _minimum(x, y, /):
    """pyjax implementation of :func:`numpy.minimum` (NaN propagates)."""
    _check_python_ints(("x", "y"), (x, y))
    return _lax().min(*promote_args("minimum", x, y))


def true_divide(x1, x2, /):
    """pyjax implementation of :func:`numpy.true_divide` (integers divide as floats)."""
    _check_python_ints(("x1", "x2"), (x1, x2))
    x1, x2 = promote_args_inexact("true_divide", x1, x2)
    return _lax().div(x1, x2)


def floor_divide(x1, x2, /):
    """pyjax implementation of :func:`numpy.floor_divide` (Python's ``//``; never raises:
    ``1 // 0 == -2`` for int32)."""
    _check_python_ints(("x1", "x2"), (x1, x2))
    x1, x2 = promote_args_numeric("floor_divide", x1, x2)
    lax = _lax()
    dt = x1.dtype
    if dtypes.is_unsigned_integer(dt):
        return lax.div(x1, x2)
    if dtypes.is_integer(dt):
        quotient = lax.div(x1, x2)
        fix = lax.bitwise_and(lax.ne(lax.sign(x1), lax.sign(x2)),
                              lax.ne(lax.rem(x1, x2), lax_const(x1, 0)))
        return where_(fix, lax.sub(quotient, py_const(quotient, 1)), quotient)
    if dtypes.is_complex(dt):
        raise TypeError("floor_divide does not support complex-valued inputs")
    return _float_divmod(x1, x2)[0]


def _float_divmod(x1, x2):
    """Python's float divmod (CPython's algorithm): quotient rounded, remainder x2's sign."""
    lax = _lax()
    x1, x2 = broadcast_arrays(x1, x2)
    mod = lax.rem(x1, x2)
    # x1 / 0 keeps its infinity (dividing x1 - mod would give NaN)
    div = lax.div(where_(lax.eq(x2, weak_const(x2, 0)), x1, lax.sub(x1, mod)), x2)
    ind = lax.bitwise_and(lax.ne(mod, weak_const(mod, 0)),
                          lax.ne(lax.sign(x2), lax.sign(mod)))
    mod = lax.select_n(ind, mod, lax.add(mod, x2))
    div = lax.select_n(ind, div, lax.sub(div, py_const(div, 1)))
    return lax.round(div), mod


def remainder(x1, x2, /):
    """pyjax implementation of :func:`numpy.remainder` (sign of the divisor; ``1 % 0 == 0``
    for ints)."""
    _check_python_ints(("x1", "x2"), (x1, x2))
    x1, x2 = promote_args_numeric("remainder", x1, x2)
    lax = _lax()
    zero = lax_const(x1, 0)
    if dtypes.is_integer(x2.dtype):
        x2 = where_(lax.eq(x2, lax_const(x2, 0)), like_const(x2, 1), x2)
    trunc_mod = lax.rem(x1, x2)
    nonzero = lax.ne(trunc_mod, zero)
    fix = lax.bitwise_and(lax.ne(lax.lt(trunc_mod, zero), lax.lt(x2, lax_const(x2, 0))),
                          nonzero)
    return lax.select_n(fix, trunc_mod, lax.add(trunc_mod, x2))


def mod(x1, x2, /):
    """Alias of :func:`pyjax.numpy.remainder`."""
    return remainder(x1, x2)


def fmod(x1, x2, /):
    """pyjax implementation of :func:`numpy.fmod` (C's remainder: sign of the dividend)."""
    check_arraylike("fmod", x1, x2)
    _check_python_ints(("x1", "x2"), (x1, x2))
    # bool inputs are not integers here: x % 0 then keeps x, as XLA's remainder does
    int_result = dtypes.is_integer(dtypes.result_type(x1, x2))
    x1, x2 = promote_args_numeric("fmod", x1, x2)
    lax = _lax()
    if int_result:
        x2 = where_(lax.eq(x2, lax_const(x2, 0)), like_const(x2, 1), x2)
    return lax.rem(x1, x2)


def divmod(x1, x2, /):  # noqa: A001
    """pyjax implementation of :func:`numpy.divmod`: ``(x1 // x2, x1 % x2)``."""
    _check_python_ints(("x1", "x2"), (x1, x2))
    x1, x2 = promote_args_numeric("divmod", x1, x2)
    if dtypes.is_integer(x1.dtype):
        return floor_divide(x1, x2), remainder(x1, x2)
    if dtypes.is_complex(x1.dtype):
        raise TypeError("divmod does not support complex-valued inputs")
    return _float_divmod(x1, x2)


def power(x1, x2, /):
    """pyjax implementation of :func:`numpy.power`.

    A concrete integer exponent uses ``lax.integer_pow`` (so ``int ** -1`` raises
    JAX's TypeError); integer bases with integer array exponents use binary
    exponentiation; float bases with integer exponents stay differentiable at 0.
    """
    if type(x2) is int and type(x1) is ArrayImpl and _trace_state.trace is _eval_trace:
        out = _integer_pow_fast(x1, x2)  # see NOTE[eager-fast-path]
        if out is not None:
            return out
    return _power_general(x1, x2)


def _power_general(x1, x2):
    """``power`` without the eager fast path (also what tests compare it with)."""
    check_arraylike("power", x1, x2)
    check_no_float0s("power", x1, x2)
    _check_python_ints(("x1", "x2"), (x1, x2))
    lax = _lax()
    if not isinstance(x2, Array) or isinstance(x2, ArrayImpl):
        try:
            exponent = operator.index(x2)
        except TypeError:
            pass
        else:
            x1, = promote_dtypes_numeric(x1)
            return lax.integer_pow(x1, exponent)
    return _power(x1, x2)


def _power(x1, x2):
    lax = _lax()
    x1, x2 = promote_shapes("power", asarray(x1), asarray(x2))
    x1_, x2_ = promote_dtypes_numeric(x1, x2)
    if _int_or_bool(x1_.dtype):
        return _pow_int_int(x1_, x2_)
    if dtypes.is_inexact(_dtype(x1)) and dtypes.is_integer(_dtype(x2)):
        return lax.pow(x1, x2)
    return lax.pow(x1_, x2_)


def _pow_int_int(x1, x2):
    """Integer power by binary exponentiation over 6 bits (larger powers overflow anyway);
    negative exponents give 0 except for bases 1 and -1, as in JAX."""
    lax = _lax()
    x1, x2 = broadcast_arrays(x1, x2)
    zero, one = lax_const(x2, 0), lax_const(x2, 1)
    acc = where_(lax.bitwise_and(lax.eq(x1, lax_const(x1, 0)), lax.ne(x2, zero)),
                 lax_const(x1, 0), lax_const(x1, 1))
    acc = lax.convert_element_type(broadcast_arrays(acc, x1)[0], x1.dtype)
    for _ in range(6):
        acc = where_(lax.ne(lax.bitwise_and(x2, one), zero), lax.mul(acc, x1), acc)
        x1 = lax.mul(x1, x1)
        x2 = lax.shift_right_logical(x2, one)
    return acc


def pow(x1, x2, /):  # noqa: A001
    """Alias of :func:`pyjax.numpy.power`."""
    return power(x1, x2)


def float_power(x, y, /):
    """pyjax implementation of :func:`numpy.float_power` (inexact result)."""
    _check_python_ints(("x", "y"), (x, y))
    return _lax().pow(*promote_args_inexact("float_power", x, y))


def arctan2(x1, x2, /):
    """pyjax implementation of :func:`numpy.arctan2` (quadrant-aware arctangent)."""
    _check_python_ints(("x1", "x2"), (x1, x2))
    return _lax().atan2(*promote_args_inexact("arctan2", x1, x2))


def atan2(x1, x2, /):
    """Alias of :func:`pyjax.numpy.arctan2`."""
    return arctan2(*promote_args("atan2", x1, x2))


def nextafter(x, y, /):
    """pyjax implementation of :func:`numpy.nextafter`."""
    return _lax().nextafter(*promote_args_inexact("nextafter", x, y))


def fmax(x1, x2, /):
    """pyjax implementation of :func:`numpy.fmax` (NaNs ignored unless both are NaN)."""
    check_arraylike("fmax", x1, x2)
    x1, x2 = promote_args("fmax", x1, x2)
    return where_(_lax().bitwise_or(greater(x1, x2), isnan(x2)), x1, x2)


def fmin(x1, x2, /):
    """pyjax implementation of :func:`numpy.fmin` (NaNs ignored unless both are NaN)."""
    check_arraylike("fmin", x1, x2)
    x1, x2 = promote_args("fmin", x1, x2)
    return where_(_lax().bitwise_or(less(x1, x2), isnan(x2)), x1, x2)


def hypot(x1, x2, /):
    """pyjax implementation of :func:`numpy.hypot` (overflow-safe ``sqrt(x1**2 + x2**2)``)."""
    x1, x2 = promote_args_inexact("hypot", x1, x2)
    if dtypes.is_complex(x1.dtype):
        raise ValueError("jnp.hypot is not well defined for complex-valued inputs. Please "
                         "convert to real values first, such as by using abs(x)")
    lax = _lax()
    x1, x2 = lax.abs(x1), lax.abs(x2)
    idx_inf = lax.bitwise_or(isposinf(x1), isposinf(x2))
    big, small = _maximum(x1, x2), _minimum(x1, x2)
    zero = lax.eq(big, lax_const(big, 0))
    safe_big = where_(zero, like_const(big, 1), big)
    ratio = lax.div(small, safe_big)
    out = lax.mul(big, lax.sqrt(lax.add(py_const(ratio, 1), lax.mul(ratio, ratio))))
    out = where_(zero, big, out)
    return where_(idx_inf, weak_const(out, np.inf), out)


def copysign(x1, x2, /):
    """pyjax implementation of :func:`numpy.copysign` (inexact result)."""
    x1, x2 = promote_args_inexact("copysign", x1, x2)
    if dtypes.is_complex(x1.dtype):
        raise TypeError("copysign does not support complex-valued inputs")
    lax = _lax()
    ax = lax.abs(x1)
    return where_(signbit(x2), lax.neg(ax), ax)


def heaviside(x1, x2, /):
    """pyjax implementation of :func:`numpy.heaviside`: 0 below zero, ``x2`` at 0, 1 above."""
    check_arraylike("heaviside", x1, x2)
    x1, x2 = promote_dtypes_inexact(x1, x2)
    lax = _lax()
    zero = weak_const(x1, 0)
    at_zero = where_(isnan(x1), x1, x2)  # NaN stays NaN
    return where_(lax.lt(x1, zero), zero, where_(lax.gt(x1, zero), weak_const(x1, 1), at_zero))


def _logaddexp_impl(x1, x2):
    lax = _lax()
    amax = lax.max(x1, x2)
    if dtypes.is_floating(x1.dtype):
        delta = lax.sub(x1, x2)
        return where_(isnan(delta), lax.add(x1, x2),
                      lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta))))))
    delta = lax.sub(lax.add(x1, x2), lax.mul(amax, weak_const(amax, 2)))
    out = lax.add(amax, lax.log1p(lax.exp(delta)))
    return lax.complex(lax.real(out), _wrap_angle(lax.imag(out)))


def _wrap_angle(theta):
    lax = _lax()
    two_pi = weak_const(theta, 2 * np.pi)
    return lax.sub(theta, lax.mul(two_pi, lax.round(lax.div(theta, two_pi))))


def _replace_inf(x):
    from pyjax._src.numpy.creation import zeros_like
    return where_(isposinf(real(x)), zeros_like(x), x)


def _logaddexp_jvp(primals, tangents):
    x1, x2 = primals
    t1, t2 = tangents
    lax = _lax()
    x1, x2, t1, t2 = broadcast_arrays(x1, x2, t1, t2)
    out = _logaddexp_impl(x1, x2)
    tangent = lax.add(lax.mul(t1, lax.exp(lax.sub(_replace_inf(x1), _replace_inf(out)))),
                      lax.mul(t2, lax.exp(lax.sub(_replace_inf(x2), _replace_inf(out)))))
    return out, tangent


def _with_custom_jvp(fun: Callable, jvp: Callable) -> Callable:
    """``fun`` with a custom JVP rule when pyjax's custom_jvp is available."""
    try:
        from pyjax._src.custom_derivatives import custom_jvp
    except ImportError:  # the custom-derivatives module is not there yet
        return fun
    wrapped = custom_jvp(fun)
    wrapped.defjvp(jvp)
    return wrapped


_logaddexp_core = _with_custom_jvp(_logaddexp_impl, _logaddexp_jvp)


def _logaddexp(x1, x2, /):
    """pyjax implementation of :func:`numpy.logaddexp`: ``log(exp(x1) + exp(x2))`` without
    overflow; its gradient splits ties evenly and is finite at infinities."""
    x1, x2 = promote_args_inexact("logaddexp", x1, x2)
    return _logaddexp_core(x1, x2)


def _logaddexp2(x1, x2, /):
    """pyjax implementation of :func:`numpy.logaddexp2` (base 2)."""
    x1, x2 = promote_args_inexact("logaddexp2", x1, x2)
    lax = _lax()
    ln2 = float(np.log(2))
    return lax.div(_logaddexp_core(lax.mul(x1, weak_const(x1, ln2)),
                                   lax.mul(x2, weak_const(x2, ln2))), weak_const(x1, ln2))


def _bitwise_op(name: str, lax_name: str, doc: str):
    def f(x, y, /):
        _check_python_ints(("x", "y"), (x, y))
        return getattr(_lax(), lax_name)(*promote_args(name, x, y))
    return _named(f, name, doc)


def _logical_op(name: str, lax_name: str, doc: str):
    def f(x, y, /):
        return getattr(_lax(), lax_name)(*map(_to_bool, promote_args(name, x, y)))
    return _named(f, name, doc)


def left_shift(x, y, /):
    """pyjax implementation of :func:`numpy.left_shift` (shifts >= the bit width give 0)."""
    return _lax().shift_left(*promote_args_numeric("left_shift", x, y))


def bitwise_left_shift(x, y, /):
    """Alias of :func:`pyjax.numpy.left_shift`."""
    return _lax().shift_left(*promote_args_numeric("bitwise_left_shift", x, y))


def right_shift(x1, x2, /):
    """pyjax implementation of :func:`numpy.right_shift` (arithmetic for signed ints)."""
    x1, x2 = promote_args_numeric("right_shift", x1, x2)
    lax = _lax()
    if dtypes.is_unsigned_integer(x1.dtype):
        return lax.shift_right_logical(x1, x2)
    return lax.shift_right_arithmetic(x1, x2)


def bitwise_right_shift(x1, x2, /):
    """Alias of :func:`pyjax.numpy.right_shift`."""
    return right_shift(x1, x2)


def _integer_args(name: str, x1, x2):
    x1, x2 = promote_args(name, x1, x2)
    if not dtypes.is_integer(x1.dtype):  # bool is not an integer here
        raise ValueError(f"Arguments to jax.numpy.{name} must be integers.")
    return x1, x2


def gcd(x1, x2, /):
    """pyjax implementation of :func:`numpy.gcd` (Euclid's algorithm; non-negative)."""
    x1, x2 = _integer_args("gcd", x1, x2)
    x1, x2 = broadcast_arrays(absolute(x1), absolute(x2))
    return _gcd(x1, x2)


def _gcd(x1, x2):
    lax = _lax()
    zero = weak_const(x1, 0)

    def cond(carry):
        _, b = carry
        return _any_true(lax.ne(b, zero))

    def body(carry):
        a, b = carry
        b_safe = where_(lax.eq(b, zero), weak_const(b, 1), b)
        new_a = where_(lax.eq(b, zero), a, b)
        new_b = where_(lax.eq(b, zero), zero, lax.rem(a, b_safe))
        return new_a, new_b
    a, _ = lax.while_loop(cond, body, (x1, x2))
    return a


def _any_true(x):
    from pyjax._src.numpy.reductions import any as _any
    return _any(x)


def lcm(x1, x2, /):
    """pyjax implementation of :func:`numpy.lcm` (0 if either argument is 0)."""
    x1, x2 = _integer_args("lcm", x1, x2)
    lax = _lax()
    x1, x2 = broadcast_arrays(absolute(x1), absolute(x2))
    d = _gcd(x1, x2)
    zero = weak_const(d, 0)
    safe_d = where_(lax.eq(d, zero), weak_const(d, 1), d)
    return where_(lax.eq(d, zero), zero, lax.mul(x1, lax.div(x2, safe_d)))


def ldexp(x1, x2, /):
    """pyjax implementation of :func:`numpy.ldexp`: ``x1 * 2**x2`` (``x2`` integer)."""
    check_arraylike("ldexp", x1, x2)
    d1, d2 = _dtype(x1), _dtype(x2)
    if dtypes.is_complex(d1) or dtypes.is_inexact(d2):
        raise ValueError(f"ldexp not supported for input types {(d1, d2)}")
    x1, = promote_args_inexact("ldexp", x1)
    lax = _lax()
    x2 = lax.convert_element_type(x2, x1.dtype)
    x = lax.mul(x1, lax.pow(lax_const(x2, 2), x2))
    return where_(lax.bitwise_or(isinf(x1), lax.eq(x1, lax_const(x1, 0))), x1, x)


# ---- comparisons --------------------------------------------------------------------------

def _complex_comparison(lax_op: Callable, x, y):
    lax = _lax()
    if dtypes.is_complex(x.dtype):
        return lax.select_n(lax.eq(lax.real(x), lax.real(y)),
                            lax_op(lax.real(x), lax.real(y)), lax_op(lax.imag(x), lax.imag(y)))
    return lax_op(x, y)


def _comparison(name: str, lax_name: str, ordered: bool, symbol: str):
    def f(x, y, /):
        _check_python_ints(("x", "y"), (x, y))
        x, y = promote_args(name, x, y)
        op = getattr(_lax(), lax_name)
        return _complex_comparison(op, x, y) if ordered else op(x, y)
    _named(f, name, f"pyjax implementation of :func:`numpy.{name}` (``x {symbol} y``).")
    dts = _REAL if ordered else _NUM + [np.dtype(np.bool_)]
    return _binary(name, lax_name + "_p", dts, f)


equal = _comparison("equal", "eq", False, "==")
not_equal = _comparison("not_equal", "ne", False, "!=")
less = _comparison("less", "lt", True, "<")
less_equal = _comparison("less_equal", "le", True, "<=")
greater = _comparison("greater", "gt", True, ">")
greater_equal = _comparison("greater_equal", "ge", True, ">=")


def isclose(a, b, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False):
    """pyjax implementation of :func:`numpy.isclose`: ``|a - b| <= atol + rtol * |b|``.

    Infinities are close only to the same infinity; NaNs only with ``equal_nan``.
    """
    a, b = promote_args("isclose", a, b)
    lax = _lax()
    dt = a.dtype
    if not dtypes.is_inexact(dt):
        return lax.eq(a, b)
    if dtypes.is_complex(dt):
        real_dt = np.dtype(np.float32 if dt == np.complex64 else np.float64)
    else:
        real_dt = dt
    rtol = lax.convert_element_type(rtol, real_dt)
    atol = lax.convert_element_type(atol, real_dt)
    diff = lax.abs(lax.sub(a, b))
    bound = lax.add(atol, lax.mul(rtol, lax.abs(b)))
    out = lax.le(diff, lax.convert_element_type(bound, diff.dtype))
    both_inf = lax.bitwise_and(isinf(a), isinf(b))
    out = where_(lax.bitwise_or(isinf(a), isinf(b)),
                 lax.bitwise_and(both_inf, lax.eq(a, b)), out)
    if equal_nan:
        out = lax.bitwise_or(out, lax.bitwise_and(isnan(a), isnan(b)))
    return out


def allclose(a, b, rtol: Any = 1e-05, atol: Any = 1e-08, equal_nan: bool = False):
    """pyjax implementation of :func:`numpy.allclose` (a 0-d bool array)."""
    from pyjax._src.numpy.reductions import all as _all
    return _all(isclose(a, b, rtol, atol, equal_nan))


def array_equal(a1, a2, equal_nan: bool = False):
    """pyjax implementation of :func:`numpy.array_equal` (shapes must match; lists allowed)."""
    from pyjax._src.numpy.creation import asarray as jnp_asarray
    from pyjax._src.numpy.reductions import all as _all
    try:
        a1, a2 = jnp_asarray(a1), jnp_asarray(a2)
    except Exception:
        return jnp_asarray(False)
    if np.shape(a1) != np.shape(a2):
        return jnp_asarray(False)
    eq = equal(a1, a2)
    if equal_nan:
        eq = _lax().bitwise_or(eq, _lax().bitwise_and(isnan(a1), isnan(a2)))
    return _all(eq)


def array_equiv(a1, a2):
    """pyjax implementation of :func:`numpy.array_equiv` (equal after broadcasting)."""
    from pyjax._src.numpy.creation import asarray as jnp_asarray
    from pyjax._src.numpy.reductions import all as _all
    try:
        a1, a2 = jnp_asarray(a1), jnp_asarray(a2)
    except Exception:
        return jnp_asarray(False)
    return _all(equal(a1, a2))


# ---- clip, where, select --------------------------------------------------------------------

def clip(arr=None, /, min=None, max=None):  # noqa: A002
    """pyjax implementation of :func:`numpy.clip` (``maximum(min, minimum(max, arr))``).

    Complex values cannot be clipped.  NaNs propagate.
    """
    check_arraylike("clip", arr)
    if any(dtypes.is_complex(_dtype(v)) for v in (arr, min, max) if v is not None):
        raise ValueError("Clip received a complex value either through the input or the "
                         "min/max keywords. Complex values have no ordering and cannot be "
                         "clipped. Please convert to a real value or array by taking the real "
                         "or imaginary components via jax.numpy.real/imag respectively.")
    if min is not None:
        arr = maximum(min, arr)
    if max is not None:
        arr = minimum(max, arr)
    return asarray(arr)


def where(condition, x=None, y=None, /, *, size=None, fill_value=None):
    """pyjax implementation of :func:`numpy.where`.

    ``where(condition, x, y)`` selects elementwise with dtype promotion and
    broadcasting.  The one-argument form is :func:`pyjax.numpy.nonzero`.

    Examples:
      >>> import pyjax.numpy as jnp
      >>> jnp.where(jnp.array([True, False]), 1, 2)
      Array([1, 2], dtype=int32, weak_type=True)
    """
    if x is None and y is None:
        import pyjax.numpy as jnp
        nonzero = getattr(jnp, "nonzero", None)
        if nonzero is None:
            raise NotImplementedError("jnp.where(condition) is jnp.nonzero(condition), which "
                                      "is not available yet")
        return nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        check_arraylike("where", condition, x, y)
    if size is not None or fill_value is not None:
        raise ValueError("size and fill_value arguments cannot be used in three-term where "
                         "function.")
    check_arraylike("where", condition, x, y)
    return where_(condition, x, y)


def select(condlist, choicelist, default=0):
    """pyjax implementation of :func:`numpy.select`: the first true condition's choice."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"condlist must have length equal to choicelist ({len(condlist)} vs "
                         f"{len(choicelist)})")
    if len(condlist) == 0:
        raise ValueError("condlist must be non-empty")
    lax = _lax()
    conds = [_to_bool(c) for c in condlist]
    choices = promote_dtypes(default, *choicelist)
    arrays = broadcast_arrays(*conds, *choices)
    conds, choices = arrays[:len(conds)], arrays[len(conds):]
    out = choices[0]
    for c, v in zip(reversed(conds), reversed(choices[1:])):
        out = lax.select_n(c, out, v)
    return out


# ================================== ufunc objects ==========================================

def _reductions():
    from pyjax._src.numpy import reductions
    return reductions


def _add_at(a, indices, b):
    if a.dtype == np.bool_:
        a = a.astype(np.int32)
        b = _lax().convert_element_type(_lax().convert_element_type(b, np.bool_), np.int32)
        return a.at[indices].add(b).astype(np.bool_)
    return a.at[indices].add(b)


def _multiply_at(a, indices, b):
    if a.dtype == np.bool_:
        a = a.astype(np.int32)
        b = _lax().convert_element_type(_lax().convert_element_type(b, np.bool_), np.int32)
        return a.at[indices].mul(b).astype(np.bool_)
    return a.at[indices].mul(b)


def _lazy(attr: str) -> Callable:
    def f(*args, **kwargs):
        return getattr(_reductions(), attr)(*args, **kwargs)
    return f


add = _binary("add", "add_p", _NUM, _add, make_ufunc=True, identity=0,
              reduce=_lazy("sum"), accumulate=_lazy("cumsum"), at=_add_at)
subtract = _binary("subtract", "sub_p", _NUM, _subtract, make_ufunc=True,
                   at=lambda a, i, b: a.at[i].subtract(b))
multiply = _binary("multiply", "mul_p", _NUM, _multiply, make_ufunc=True, identity=1,
                   reduce=_lazy("prod"), accumulate=_lazy("cumprod"), at=_multiply_at)
def _extremum_reduce(name: str) -> Callable:
    def reduce(a, axis=0, dtype=None, keepdims=False, initial=None, where=None):
        if dtype is not None:
            from pyjax._src.numpy.creation import astype
            a = astype(a, dtype)
        return getattr(_reductions(), name)(a, axis=axis, keepdims=keepdims, initial=initial,
                                            where=where)
    return reduce


maximum = _binary("maximum", "max_p", _REAL, _maximum, make_ufunc=True,
                  reduce=_extremum_reduce("max"), accumulate=_lazy("_cummax"),
                  at=lambda a, i, b: a.at[i].max(b))
minimum = _binary("minimum", "min_p", _REAL, _minimum, make_ufunc=True,
                  reduce=_extremum_reduce("min"), accumulate=_lazy("_cummin"),
                  at=lambda a, i, b: a.at[i].min(b))
divide = _binary("divide", "div_p", _STD_INEXACT, _named(
    lambda x1, x2, /: true_divide(x1, x2), "divide", "Alias of :func:`pyjax.numpy.true_divide`."),
    scalar_kinds="fc")
logaddexp = ufunc(_logaddexp, 2, 1, name="logaddexp", identity=-np.inf,
                  reduce=_lazy("_logsumexp"))
logaddexp2 = ufunc(_logaddexp2, 2, 1, name="logaddexp2", identity=-np.inf,
                   reduce=_lazy("_logsumexp2"))
bitwise_and = _binary(
    "bitwise_and", "and_p", _STD_INT + [np.dtype(np.bool_)],
    _bitwise_op("bitwise_and", "bitwise_and", _doc("bitwise_and", " (``x & y``)")),
    scalar_kinds="iu", make_ufunc=True, identity=-1, reduce=_lazy("_reduce_bitwise_and"))
bitwise_or = _binary(
    "bitwise_or", "or_p", _STD_INT + [np.dtype(np.bool_)],
    _bitwise_op("bitwise_or", "bitwise_or", _doc("bitwise_or", " (``x | y``)")),
    scalar_kinds="iu", make_ufunc=True, identity=0, reduce=_lazy("_reduce_bitwise_or"))
bitwise_xor = _binary(
    "bitwise_xor", "xor_p", _STD_INT + [np.dtype(np.bool_)],
    _bitwise_op("bitwise_xor", "bitwise_xor", _doc("bitwise_xor", " (``x ^ y``)")),
    scalar_kinds="iu", make_ufunc=True, identity=0, reduce=_lazy("_reduce_bitwise_xor"))
logical_and = ufunc(_logical_op("logical_and", "bitwise_and", _doc("logical_and")), 2, 1,
                    name="logical_and", identity=True, reduce=_lazy("_reduce_logical_and"))
logical_or = ufunc(_logical_op("logical_or", "bitwise_or", _doc("logical_or")), 2, 1,
                   name="logical_or", identity=False, reduce=_lazy("_reduce_logical_or"))
logical_xor = ufunc(_logical_op("logical_xor", "bitwise_xor", _doc("logical_xor")), 2, 1,
                    name="logical_xor", identity=False, reduce=_lazy("_reduce_logical_xor"))
negative = _unary("negative", "neg_p", [d for d in _NUM], _negative, make_ufunc=True)


__all__ = [
    "ufunc", "frompyfunc",
    # unary (the rest are in unary_ufuncs.__all__)
    "negative", "spacing", "modf",
    # binary
    "add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "remainder", "mod",
    "fmod", "divmod", "power", "pow", "float_power", "maximum", "minimum", "fmax", "fmin",
    "arctan2", "atan2", "hypot", "copysign", "nextafter", "heaviside", "logaddexp",
    "logaddexp2", "bitwise_and", "bitwise_or", "bitwise_xor", "logical_and", "logical_or",
    "logical_xor", "left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift",
    "gcd", "lcm", "ldexp", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "isclose", "allclose", "array_equal", "array_equiv",
    "clip", "where", "select",
]

# Operators and methods on pyjax.Array are written in these functions; installing
# them here guarantees they exist whenever jnp does (array_methods is also listed in
# numpy/families.py).
from pyjax._src.numpy import array_methods as _array_methods  # noqa: E402,F401
