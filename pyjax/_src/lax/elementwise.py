"""Elementwise lax primitives: arithmetic, powers, abs/sign; the families' shared machinery.

Every primitive is one contiguous block, always in this order (``sin`` itself
lives in special.py with the other transcendental functions):

    # -- sin ------------------------------------------------------------------
    def sin(x, *, accuracy=None):           1. public wrapper (docstring; calls bind)
        r"Elementwise sine: :math:`\\sin(x)`."
        return sin_p.bind(x)
    sin_p = unop_primitive("sin", _FC)                  2. abstract eval
    sin_p.def_impl(np.sin)                              3. NumPy impl
    eager_checks(sin_p)                                 4. eager dtype/shape validation
    ad.defjvp(sin_p, lambda t, x: mul(t, cos(x)))       5. JVP (in pyjax ops)
    batching.defvectorized(sin_p)                       6. batching
    (linear primitives: ad.deflinear2(prim, transpose_rule) instead of 5)

The sibling families (comparison.py, bitwise.py, misc.py, special.py,
ad_ops.py) build on the shared machinery defined first in this file, and their
names can be imported from here too (a lazy module ``__getattr__``):

* ``unop_primitive`` / ``naryop_primitive``: abstract evaluation with JAX's
  exact dtype and shape rules and messages.  lax never promotes: operands of
  a binary op must have equal dtypes (TypeError naming the op, with JAX's tip
  naming the equivalent ``jnp`` function); shapes must have equal rank
  (rank-0 operands combine with anything) and broadcast by size-1 dims.
* ``eager_checks``: see NOTE[eager-checks].
* ``_const`` / ``_full`` / ``_zeros`` / ``_ones``: constants with an operand's
  dtype (weak when it is, as JAX's), so rules stay dtype-correct under x64 and
  tangents of weak values stay weak.
* ``_unbroadcast`` / ``_broadcast_to_out``: undo / apply the operand
  broadcasting of binary ops for cotangents / tangents.

``eager_checks`` is ``backend.dispatch.install_eager_checks``: see NOTE[eager-checks]
there (NumPy would happily promote ``float32 + int32``; lax raises).

NOTE[fp-warnings]: XLA never warns about floating-point exceptions; NumPy
does (``log(0)``, ``1/0``, ``inf - inf``).  Warnings raised from lax modules
are filtered (a filter on the issuing module, so user NumPy code still warns).

Deviations from JAX (documented in the wrappers' Notes):
* ``accuracy=`` of the transcendental functions (special.py) is validated and
  accepted but not bound as a param (NumPy has one implementation each).
* ``mul(..., out_dtype=T)`` converts both operands to ``T`` before ``mul``.
* ``max``/``min`` of ``0.`` and ``-0.`` follow NumPy (argument-order dependent
  sign of zero); XLA orders ``-0 < +0``.
"""
from __future__ import annotations


import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import ArrayImpl
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero
from pyjax._src.backend.dispatch import install_eager_checks as eager_checks
from pyjax._src.lax.helpers import broadcasting_shape, check_same_dtypes, standard_primitive

# RuntimeWarnings from pyjax modules are filtered in backend/dispatch.py (NOTE[fp-warnings])

# -- shared machinery: dtype categories and messages ------------------------------------------

# Accepted-dtype specs are tuples of category names, in the order JAX prints them.
_F = ("floating",)
_FC = ("floating", "complexfloating")
_NUM = ("integer", "floating", "complexfloating")
_ANY = ("integer", "floating", "complexfloating", "bool")
_INT = ("integer",)
_INT_BOOL = ("integer", "bool")
_ORDERED = ("integer", "floating", "bool")
_INT_F = ("integer", "floating")
_COMPLEX = ("complexfloating",)

_category_cache: dict = {}


def _categories(dtype) -> frozenset:
    """The category names ``dtype`` belongs to (e.g. {'integer', 'signedinteger'})."""
    cats = _category_cache.get(dtype)
    if cats is None:
        names = []
        for name, kind in (("bool", np.bool_), ("integer", np.integer),
                           ("signedinteger", np.signedinteger),
                           ("unsignedinteger", np.unsignedinteger),
                           ("floating", np.floating), ("complexfloating", np.complexfloating)):
            if dtype != dtypes.float0 and dtypes.issubdtype(dtype, kind):
                names.append(name)
        if dtype in (np.dtype(np.float32), np.dtype(np.float64)):
            names.append(dtype.name)
        cats = _category_cache[dtype] = frozenset(names)
    return cats


def accepts(dtype, accepted: tuple) -> bool:
    return not _categories(dtype).isdisjoint(accepted)


def check_operand_dtype(name: str, dtype, accepted: tuple, position: int | None = None):
    """TypeError, worded as JAX's, if ``dtype`` is not in the ``accepted`` categories."""
    if accepts(dtype, accepted):
        return
    names = ", ".join(accepted)
    if position is None:
        if dtype == dtypes.float0:
            raise TypeError(f"{name} does not accept dtype float0.")
        raise TypeError(f"{name} does not accept dtype {dtype.name}. Accepted dtypes are "
                        f"subtypes of {names}.")
    if dtype == dtypes.float0:
        raise TypeError(
            f"Called {name} with a float0 at position {position}. float0s do not support any "
            "operations by design, because they are not compatible with non-trivial vector "
            "spaces. No implicit dtype conversion is done. You can use np.zeros_like(arr, "
            "dtype=np.float) to cast a float0 array to a regular zeros array. \nIf you didn't "
            "expect to get a float0 you might have accidentally taken a gradient with respect "
            "to an integer argument.")
    raise TypeError(f"{name} does not accept dtype {dtype.name} at position {position}. "
                    f"Accepted dtypes at position {position} are subtypes of {names}.")


_AEVAL_CACHE_MAX = 4096


def _cache_abstract_eval(prim):
    """Memoize ``prim``'s abstract eval per (avals, params).

    Staging an elementwise equation spends most of its time here (shape and
    dtype checks, ~10us); reverse mode stages one per linear operation, on every
    call of an eager ``grad``.  Only for the builders below, whose rules depend
    on the avals and params alone (no config flags).  Errors are not cached.
    """
    compute = prim.abstract_eval
    cache: dict = {}

    def abstract_eval(*avals, **params):
        key = (avals, tuple(params.items())) if params else avals
        try:
            out = cache.get(key)
        except TypeError:  # an unhashable param
            return compute(*avals, **params)
        if out is None:
            out = compute(*avals, **params)
            if all(type(a) is ShapedArray for a in avals):
                if len(cache) >= _AEVAL_CACHE_MAX:
                    cache.clear()
                cache[key] = out
        return out
    prim.def_abstract_eval(abstract_eval)
    return prim


def unop_primitive(name: str, accepted: tuple, result_dtype=None, weak_type_rule=None):
    """A unary elementwise primitive; ``result_dtype(dtype)`` (None: same dtype)."""
    def shape_rule(x, **params):
        del params  # unused
        return x.shape

    def dtype_rule(x, **params):
        del params  # unused
        check_operand_dtype(name, x.dtype, accepted)
        return x.dtype if result_dtype is None else np.dtype(result_dtype(x.dtype))

    return _cache_abstract_eval(standard_primitive(shape_rule, dtype_rule, name,
                                                   weak_type_rule))


def naryop_primitive(name: str, accepted, result_dtype=None, require_same: bool = True,
                     weak_type_rule=None):
    """An n-ary elementwise primitive with one accepted-dtype spec per operand."""
    def shape_rule(*avals, **params):
        del params  # unused
        return broadcasting_shape(name, [a.shape for a in avals])

    def dtype_rule(*avals, **params):
        del params  # unused
        for i, (a, acc) in enumerate(zip(avals, accepted, strict=True)):
            check_operand_dtype(name, a.dtype, acc, i)
        if require_same:
            check_same_dtypes(name, avals)
        return avals[0].dtype if result_dtype is None else np.dtype(
            result_dtype(*(a.dtype for a in avals)))

    return _cache_abstract_eval(standard_primitive(shape_rule, dtype_rule, name,
                                                   weak_type_rule))


def fixed_dtype(dtype):
    return lambda *_: np.dtype(dtype)


def strong_weak_type_rule(weak_in, **params):
    del weak_in, params  # unused
    return False


# -- shared machinery: constants and broadcasting for rules -----------------------------------

def _aval(x):
    return get_aval(x)


def _shape(x):
    return get_aval(x).shape


def _const(x, value):
    """A rank-0 constant with the dtype of ``x`` (rules must not mix dtypes, see x64).

    Weak when ``x`` is a weak scalar, as JAX's constants are (so tangents of weak
    values stay weak).
    """
    aval = get_aval(x)
    c = np.array(value, dtype=aval.dtype)
    return ArrayImpl(c, True) if aval.weak_type and not aval.shape else c


def _full(x, value):
    """A constant of the shape, dtype and weak type of ``x`` (JAX's ``full_like``)."""
    from pyjax._src.lax.structural import broadcast_in_dim  # lazy: structural imports us
    aval = get_aval(x)
    c = np.array(value, dtype=aval.dtype)
    if aval.weak_type:
        c = ArrayImpl(c, True)
    return c if aval.shape == () else broadcast_in_dim(c, aval.shape, ())


def _zeros(x):
    return _full(x, 0)


def _ones(x):
    return _full(x, 1)


def _unbroadcast(shape, x):
    """Sum ``x`` (an output-shaped cotangent) down to an operand of shape ``shape``."""
    from pyjax._src.lax.reductions import reduce_sum
    from pyjax._src.lax.structural import reshape
    if type(x) is Zero:
        return x
    x_shape = _shape(x)
    if x_shape == tuple(shape):
        return x
    if len(shape) == 0:
        return reduce_sum(x, tuple(range(len(x_shape))))
    axes = tuple(i for i, (a, b) in enumerate(zip(shape, x_shape)) if a == 1 and b != 1)
    return reshape(reduce_sum(x, axes), tuple(shape)) if axes else x


def _broadcast_to_out(t, out_shape):
    """Broadcast an operand-shaped tangent to the output shape (for rank-0 / size-1 operands)."""
    from pyjax._src.lax.structural import broadcast_in_dim, reshape
    t_shape = _shape(t)
    if t_shape == tuple(out_shape):
        return t
    if len(t_shape) == 0:
        return broadcast_in_dim(t, tuple(out_shape), ())
    keep = tuple(i for i, d in enumerate(t_shape) if d != 1)
    squeezed = reshape(t, tuple(t_shape[i] for i in keep))
    return broadcast_in_dim(squeezed, tuple(out_shape), keep)


def _out_shape(*xs):
    return np.broadcast_shapes(*(_shape(x) for x in xs))


def _undefined_shape(x):
    return x.aval.shape if hasattr(x, "aval") else _shape(x)


# -- neg ----------------------------------------------------------------------------------------

def neg(x):
    r"""Elementwise negation: :math:`-x` (unsigned integers wrap: ``2**nbits - x``)."""
    return neg_p.bind(x)


neg_p = unop_primitive("neg", _NUM)
neg_p.def_impl(np.negative)
eager_checks(neg_p)
ad.deflinear2(neg_p, lambda ct, x: [neg(ct) if type(ct) is not Zero else ct])
batching.defvectorized(neg_p)


# -- add ----------------------------------------------------------------------------------------

def add(x, y):
    r"""Elementwise addition: :math:`x + y` (operands of equal dtype; no promotion)."""
    return add_p.bind(x, y)


def _add_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = add(x, y)
    out_shape = _shape(out)
    if type(tx) is Zero:
        return out, ty if type(ty) is Zero else _broadcast_to_out(ty, out_shape)
    if type(ty) is Zero:
        return out, _broadcast_to_out(tx, out_shape)
    return out, add(tx, ty)


def _add_transpose(ct, x, y):
    return [_unbroadcast(_undefined_shape(x), ct), _unbroadcast(_undefined_shape(y), ct)]


add_p = naryop_primitive("add", [_NUM, _NUM])
add_p.def_impl(np.add)
eager_checks(add_p)
ad.primitive_jvps[add_p] = _add_jvp
ad.primitive_transposes[add_p] = _add_transpose
batching.defbroadcasting(add_p)


# -- sub ----------------------------------------------------------------------------------------

def sub(x, y):
    r"""Elementwise subtraction: :math:`x - y`."""
    return sub_p.bind(x, y)


def _sub_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    out = sub(x, y)
    out_shape = _shape(out)
    if type(tx) is Zero:
        return out, ty if type(ty) is Zero else _broadcast_to_out(neg(ty), out_shape)
    if type(ty) is Zero:
        return out, _broadcast_to_out(tx, out_shape)
    return out, sub(tx, ty)


def _sub_transpose(ct, x, y):
    neg_ct = ct if type(ct) is Zero else neg(ct)
    return [_unbroadcast(_undefined_shape(x), ct), _unbroadcast(_undefined_shape(y), neg_ct)]


sub_p = naryop_primitive("sub", [_NUM, _NUM])
sub_p.def_impl(np.subtract)
eager_checks(sub_p)
ad.primitive_jvps[sub_p] = _sub_jvp
ad.primitive_transposes[sub_p] = _sub_transpose
batching.defbroadcasting(sub_p)


# -- mul ----------------------------------------------------------------------------------------

def mul(x, y, *, out_dtype=None):
    r"""Elementwise multiplication: :math:`x \times y`.

    Notes:
      With ``out_dtype`` both operands are converted to it first (JAX binds an
      ``out_dtype`` param instead; the values agree).
    """
    if out_dtype is not None:
        from pyjax._src.lax.structural import convert_element_type
        x = convert_element_type(x, out_dtype)
        y = convert_element_type(y, out_dtype)
    return mul_p.bind(x, y)


def _mul_transpose_lhs(ct, x, y):
    return _unbroadcast(x.aval.shape, mul(ct, y))


def _mul_transpose_rhs(ct, x, y):
    return _unbroadcast(y.aval.shape, mul(x, ct))


mul_p = naryop_primitive("mul", [_NUM, _NUM])
mul_p.def_impl(np.multiply)
eager_checks(mul_p)
ad.defbilinear(mul_p, _mul_transpose_lhs, _mul_transpose_rhs)
batching.defbroadcasting(mul_p)


# -- div ----------------------------------------------------------------------------------------

def div(x, y):
    r"""Elementwise division :math:`x / y`; integers truncate toward zero.

    Integer division never raises: ``x / 0`` is ``-1`` (all bits set; the
    maximum for unsigned types) and ``INT_MIN / -1`` wraps to ``INT_MIN``, as
    on XLA:CPU.
    """
    return div_p.bind(x, y)


def _div_impl(x, y):
    if x.dtype.kind not in "iu":
        return np.true_divide(x, y)
    zero = np.count_nonzero(y) != np.size(y)
    if zero:
        is_zero, y = y == 0, np.where(y == 0, np.ones((), y.dtype), y)
    # C semantics: q = (x - fmod(x, y)) / y is exact, so floor_divide truncates.
    q = np.floor_divide(np.subtract(x, np.fmod(x, y)), y)
    return np.where(is_zero, np.array(-1).astype(x.dtype), q) if zero else q


def _div_transpose(ct, x, y):
    if type(ct) is Zero:
        return [ct, None]
    return [_unbroadcast(x.aval.shape, div(ct, y)), None]


div_p = naryop_primitive("div", [_NUM, _NUM])
div_p.def_impl(_div_impl)
eager_checks(div_p)
# JAX's rule, equation for equation: it shows in the jaxprs of grad and jvp (which must
# print as JAX's); d(x/y)/dy = -x * y**-2, the power being a residual of reverse mode.
ad.defjvp(div_p,
          lambda t, x, y: _broadcast_to_out(div(t, y), _out_shape(x, y)),
          lambda t, x, y: mul(mul(neg(t), x), integer_pow(y, -2)))
ad.primitive_transposes[div_p] = _div_transpose
batching.defbroadcasting(div_p)


# -- rem ----------------------------------------------------------------------------------------

def rem(x, y):
    r"""Elementwise remainder with the sign of the dividend (C's ``fmod``).

    ``rem(-7, 2) == -1`` (``jnp.remainder`` gives ``1``).  Integer ``rem(x, 0)``
    is ``x``; float ``rem(x, 0.)`` is NaN.
    """
    return rem_p.bind(x, y)


def _rem_impl(x, y):
    if x.dtype.kind in "iu" and np.count_nonzero(y) != np.size(y):
        is_zero = y == 0
        return np.where(is_zero, x, np.fmod(x, np.where(is_zero, np.ones((), y.dtype), y)))
    return np.fmod(x, y)


def _rem_jvp_rhs(t, x, y):
    from pyjax._src.lax.misc import floor
    q = div(x, y)
    return mul(neg(t), mul(sign(q), floor(abs(q))))


rem_p = naryop_primitive("rem", [_INT_F, _INT_F])
rem_p.def_impl(_rem_impl)
eager_checks(rem_p)
ad.defjvp(rem_p, lambda t, x, y: _broadcast_to_out(t, _out_shape(x, y)), _rem_jvp_rhs)
batching.defbroadcasting(rem_p)


# -- max / min ----------------------------------------------------------------------------------

def max(x, y):
    r"""Elementwise maximum; NaNs propagate; complex numbers compare lexicographically.

    The derivative at ties is split evenly between the operands.

    Notes:
      ``max(0., -0.)`` is ``-0.`` (NumPy's order-dependent choice); XLA gives ``0.``.
    """
    return max_p.bind(x, y)


def min(x, y):
    r"""Elementwise minimum; NaNs propagate; complex numbers compare lexicographically."""
    return min_p.bind(x, y)


def _complex_pick_x(x, y, cmp):
    # lexicographic on (real, imag); a NaN real part picks y, as XLA does
    return np.where(np.equal(x.real, y.real), cmp(x.imag, y.imag), cmp(x.real, y.real))


def _max_impl(x, y):
    if x.dtype.kind == "c":
        return np.where(_complex_pick_x(x, y, np.greater), x, y)
    return np.maximum(x, y)


def _min_impl(x, y):
    if x.dtype.kind == "c":
        return np.where(_complex_pick_x(x, y, np.less), x, y)
    return np.minimum(x, y)


def _balanced_eq(x, z, y):
    """1 where x attains z alone, 1/2 where x and y tie at z, else 0."""
    from pyjax._src.lax.comparison import eq
    from pyjax._src.lax.misc import select
    return div(select(eq(x, z), _ones(z), _zeros(z)),
               select(eq(y, z), _full(z, 2), _ones(z)))


max_p = naryop_primitive("max", [_ANY, _ANY])
max_p.def_impl(_max_impl)
eager_checks(max_p)
ad.defjvp2(max_p,
           lambda t, ans, x, y: mul(t, _balanced_eq(x, ans, y)),
           lambda t, ans, x, y: mul(t, _balanced_eq(y, ans, x)))
batching.defbroadcasting(max_p)

min_p = naryop_primitive("min", [_ANY, _ANY])
min_p.def_impl(_min_impl)
eager_checks(min_p)
ad.defjvp2(min_p,
           lambda t, ans, x, y: mul(t, _balanced_eq(x, ans, y)),
           lambda t, ans, x, y: mul(t, _balanced_eq(y, ans, x)))
batching.defbroadcasting(min_p)


# -- pow ----------------------------------------------------------------------------------------

def pow(x, y):
    r"""Elementwise power :math:`x^y`.

    ``x`` is floating or complex; ``y`` has ``x``'s dtype or any integer dtype
    (converted to ``x``'s dtype).  The result has ``x``'s dtype.
    """
    return pow_p.bind(x, y)


def _pow_dtype(x, y):
    if y.kind in "iu" or x == y:
        return x
    raise TypeError("the first argument to pow must have an inexact dtype (float or complex), "
                    "and the second argument must have an inexact or integer dtype, and two "
                    "inexact dtypes must match, but got "
                    f"{x.name} and {y.name} respectively.")


def _pow_impl(x, y):
    if y.dtype != x.dtype:
        y = y.astype(x.dtype)
    return np.power(x, y)


def _replace_zero(x):
    from pyjax._src.lax.comparison import eq
    from pyjax._src.lax.misc import select
    return select(eq(x, _const(x, 0)), _ones(x), x)


def _pow_jvp_lhs(t, ans, x, y):
    # as JAX, the operands are first made strong (so this tangent is never weak)
    from pyjax._src.lax.structural import convert_element_type
    del ans  # unused
    dtype = _aval(x).dtype
    x = convert_element_type(x, dtype)
    if _aval(y).dtype.kind in "iu":
        from pyjax._src.lax.comparison import eq
        from pyjax._src.lax.misc import select
        shape = _out_shape(x, y)
        x = _broadcast_to_out(x, shape)
        y = convert_element_type(_broadcast_to_out(y, shape), dtype)
        is_zero = eq(y, _const(y, 0))
        jac = select(is_zero, _zeros(y),
                     mul(select(is_zero, _ones(y), y), pow(x, sub(y, _const(y, 1)))))
    else:
        y = convert_element_type(y, dtype)
        jac = mul(y, pow(x, sub(y, _const(y, 1))))
    return mul(t, jac)


def _pow_jvp_rhs(t, ans, x, y):
    from pyjax._src.lax.special import log
    from pyjax._src.lax.structural import convert_element_type
    return convert_element_type(mul(t, mul(log(_replace_zero(x)), ans)), _aval(y).dtype)


pow_p = naryop_primitive("pow", [_FC, _NUM], _pow_dtype, require_same=False)
pow_p.def_impl(_pow_impl)
eager_checks(pow_p)
ad.defjvp2(pow_p, _pow_jvp_lhs, _pow_jvp_rhs)
batching.defbroadcasting(pow_p)


# -- integer_pow --------------------------------------------------------------------------------

def integer_pow(x, y: int):
    r"""Elementwise power :math:`x^y` for a static Python integer ``y``.

    Computed by repeated squaring, as XLA does; integers wrap on overflow and
    cannot be raised to negative powers.
    """
    return integer_pow_p.bind(x, y=int(y))


def _integer_pow_impl(x, *, y):
    if y == 0:
        return np.ones_like(x)
    n = -y if y < 0 else y
    if n == 2:  # the common case (reverse mode's y=-2 of div too): one squaring pass
        acc = np.square(x)
    else:
        acc = None
        while n:
            if n & 1:
                acc = x if acc is None else np.multiply(acc, x)
            n >>= 1
            if n:
                x = np.multiply(x, x)
    if y > 0:
        return acc
    one = np.ones((), acc.dtype)
    if acc is x or type(acc) is not np.ndarray:  # y == -1, or a 0-d NumPy scalar result
        return np.true_divide(one, acc)
    return np.true_divide(one, acc, out=acc)  # acc is ours: no second buffer


def _integer_pow_dtype(x, *, y):
    check_operand_dtype("integer_pow", x.dtype, _NUM)
    if y < 0 and x.dtype.kind in "iu":
        raise TypeError(f"Integers cannot be raised to negative powers, got "
                        f"integer_pow({x.str_short(short_dtypes=False, mark_weak=True)}, {y})")
    return x.dtype


def _integer_pow_jvp(t, x, *, y):
    if y == 0:
        return Zero.from_primal_value(x)
    if y == 1:
        return t
    power = x if y == 2 else integer_pow(x, y - 1)
    return mul(t, mul(_const(x, y), power))


integer_pow_p = _cache_abstract_eval(
    standard_primitive(lambda x, **_: x.shape, _integer_pow_dtype, "integer_pow"))
integer_pow_p.def_impl(_integer_pow_impl)
eager_checks(integer_pow_p)
ad.defjvp(integer_pow_p, _integer_pow_jvp)
batching.defvectorized(integer_pow_p)


def square(x):
    r"""Elementwise square: :math:`x^2`."""
    return square_p.bind(x)


square_p = unop_primitive("square", _NUM)
square_p.def_impl(np.square)
eager_checks(square_p)
ad.defjvp(square_p, lambda t, x: mul(t, mul(_const(x, 2), x)))
batching.defvectorized(square_p)


def reciprocal(x):
    r"""Elementwise reciprocal :math:`1 / x` (``integer_pow(x, -1)``)."""
    return integer_pow(x, -1)


# -- abs / sign ---------------------------------------------------------------------------------

def abs(x):
    r"""Elementwise absolute value :math:`|x|`; complex inputs give their (real) magnitude.

    ``abs(INT_MIN) == INT_MIN`` (wraps).  The derivative at 0 is 1.
    """
    return abs_p.bind(x)


def _abs_dtype(dtype):
    return {"c": np.float32 if dtype.itemsize == 8 else np.float64}.get(dtype.kind, dtype)


def _abs_jvp(t, ans, x):
    from pyjax._src.lax.comparison import ge
    from pyjax._src.lax.misc import conj, real, select
    if _aval(x).dtype.kind == "c":
        from pyjax._src.lax.structural import convert_element_type
        scale = div(conj(x), _replace_zero(convert_element_type(ans, _aval(x).dtype)))
        return real(mul(t, scale))
    return select(ge(x, _const(x, 0)), t, neg(t))


abs_p = unop_primitive("abs", ("floating", "complexfloating", "signedinteger"), _abs_dtype)
abs_p.def_impl(np.abs)
eager_checks(abs_p)
ad.defjvp2(abs_p, _abs_jvp)
batching.defvectorized(abs_p)


def sign(x):
    r"""Elementwise sign: -1, 0 or 1 (keeping ``-0.`` and NaN); ``x / |x|`` for complex."""
    return sign_p.bind(x)


def _sign_impl(x):
    kind = x.dtype.kind
    if kind in "iu":
        return np.sign(x)
    if kind == "c":
        a = np.abs(x)
        safe = np.where(a == 0, np.ones((), a.dtype), a)
        out = np.empty_like(x)
        out.real = np.where(a == 0, 0, x.real / safe)
        out.imag = np.where(a == 0, 0, x.imag / safe)
        return out
    return np.copysign(np.sign(x), x)  # np.sign(-0.) is +0.


sign_p = unop_primitive("sign", _NUM)
sign_p.def_impl(_sign_impl)
eager_checks(sign_p)
ad.defjvp_zero(sign_p)
batching.defvectorized(sign_p)


# -- names defined by the sibling families, importable from here ------------------------------

_SIBLINGS = {
    "comparison": ("eq", "ne", "lt", "le", "gt", "ge", "eq_p", "ne_p", "lt_p", "le_p",
                   "gt_p", "ge_p"),
    "misc": ("select", "select_n", "select_n_p", "clamp", "clamp_p", "floor", "ceil",
             "round", "is_finite", "nextafter", "real", "imag", "conj", "complex"),
    "bitwise": ("bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "and_p", "or_p",
                "xor_p", "not_p"),
    "special": ("sqrt", "rsqrt", "cbrt", "exp", "exp2", "expm1", "log", "log1p", "sin", "cos",
                "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh",
                "atanh", "logistic", "sqrt_p", "rsqrt_p", "cbrt_p", "exp_p", "exp2_p",
                "expm1_p", "log_p", "log1p_p", "sin_p", "cos_p", "tan_p", "asin_p", "acos_p",
                "atan_p", "atan2_p", "sinh_p", "cosh_p", "tanh_p", "asinh_p", "acosh_p",
                "atanh_p", "logistic_p", "erf", "erf_inv", "lgamma", "digamma"),
}
_SIBLING_OF = {name: mod for mod, names in _SIBLINGS.items() for name in names}


def __getattr__(name):
    # Lazily re-export siblings' names (``from elementwise import select_n``) without an
    # import cycle: the siblings import this module's shared machinery at load time.
    mod = _SIBLING_OF.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f"pyjax._src.lax.{mod}"), name)


__all__ = [
    "neg", "neg_p", "add", "add_p", "sub", "sub_p", "mul", "mul_p", "div", "div_p",
    "rem", "rem_p", "max", "max_p", "min", "min_p", "pow", "pow_p", "integer_pow",
    "integer_pow_p", "square", "square_p", "reciprocal", "abs", "abs_p", "sign", "sign_p",
]
