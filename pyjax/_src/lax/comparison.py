"""Comparison lax primitives: eq, ne, lt, le, gt, ge and the total-order eq_to/le_to/lt_to.

One block per primitive, in the order of elementwise.py's template.  All take
operands of equal dtype (no promotion) and return bool; the result is weak
exactly when both operands are (``lax.eq(1., 2.)`` is a weak bool, as in JAX).
``eq``/``ne`` accept complex operands (and typed PRNG keys); the ordered comparisons do not.  None
is differentiable (``defjvp_zero``); batching broadcasts like any binary op.

``eq_to``, ``le_to`` and ``lt_to`` compare floats in IEEE total order
(``-NaN < -inf < ... < -0. < +0. < ... < inf < NaN``); JAX uses them
internally (sorting keys and dimension arithmetic).
"""
from __future__ import annotations

import numpy as np

from pyjax._src.core.avals import ShapedArray, is_extended
from pyjax._src.interpreters import ad, batching
from pyjax._src.lax.helpers import broadcasting_shape, check_same_dtypes
from pyjax._src.lax.elementwise import (_ANY, _ORDERED, eager_checks, fixed_dtype,
                                        naryop_primitive)

_bool = fixed_dtype(np.bool_)


def _comparison(name: str, accepted: tuple, impl):
    prim = naryop_primitive(name, [accepted, accepted], _bool)
    prim.def_impl(impl)
    eager_checks(prim)
    ad.defjvp_zero(prim)
    batching.defbroadcasting(prim)
    return prim


# -- eq / ne ------------------------------------------------------------------------------------

def _accept_extended_dtypes(prim) -> None:
    """``eq``/``ne`` also compare two arrays of one extended dtype (typed PRNG keys), as
    JAX's do; their data is compared by the dtype's physical rule (random/physical.py)."""
    plain = prim.abstract_eval

    def abstract_eval(x, y):
        if not (is_extended(x) or is_extended(y)):
            return plain(x, y)
        check_same_dtypes(prim.name, [x, y])
        return ShapedArray(broadcasting_shape(prim.name, [x.shape, y.shape]), np.dtype(bool))
    prim.def_abstract_eval(abstract_eval)


def eq(x, y):
    r"""Elementwise equality :math:`x = y` (bool; NaN is unequal to everything)."""
    return eq_p.bind(x, y)


eq_p = _comparison("eq", _ANY, np.equal)


def ne(x, y):
    r"""Elementwise inequality :math:`x \neq y` (bool)."""
    return ne_p.bind(x, y)


ne_p = _comparison("ne", _ANY, np.not_equal)
_accept_extended_dtypes(eq_p)
_accept_extended_dtypes(ne_p)


# -- ordered comparisons ------------------------------------------------------------------------

def lt(x, y):
    r"""Elementwise less-than :math:`x < y` (bool; not defined for complex)."""
    return lt_p.bind(x, y)


lt_p = _comparison("lt", _ORDERED, np.less)


def le(x, y):
    r"""Elementwise less-than-or-equal :math:`x \leq y` (bool)."""
    return le_p.bind(x, y)


le_p = _comparison("le", _ORDERED, np.less_equal)


def gt(x, y):
    r"""Elementwise greater-than :math:`x > y` (bool)."""
    return gt_p.bind(x, y)


gt_p = _comparison("gt", _ORDERED, np.greater)


def ge(x, y):
    r"""Elementwise greater-than-or-equal :math:`x \geq y` (bool)."""
    return ge_p.bind(x, y)


ge_p = _comparison("ge", _ORDERED, np.greater_equal)


# -- total-order comparisons (JAX internals) ----------------------------------------------------

def _total_order_key(x):
    """Signed integers ordered as ``x`` in IEEE total order (identity for non-floats)."""
    if x.dtype.kind not in "f" and not (x.dtype.kind == "V" and x.dtype.itemsize in (1, 2)):
        return x
    bits = x.view(np.dtype(f"i{x.dtype.itemsize}"))
    # negative floats: flip the magnitude bits so larger magnitudes sort lower
    return np.where(bits < 0, bits ^ np.iinfo(bits.dtype).max, bits)


def _eq_to_impl(x, y):
    if x.dtype.kind == "c":
        return np.logical_and(np.equal(_total_order_key(x.real), _total_order_key(y.real)),
                              np.equal(_total_order_key(x.imag), _total_order_key(y.imag)))
    return np.equal(_total_order_key(x), _total_order_key(y))


eq_to_p = _comparison("eq_to", _ANY, _eq_to_impl)
le_to_p = _comparison("le_to", _ORDERED,
                      lambda x, y: np.less_equal(_total_order_key(x), _total_order_key(y)))
lt_to_p = _comparison("lt_to", _ORDERED,
                      lambda x, y: np.less(_total_order_key(x), _total_order_key(y)))


__all__ = ["eq", "eq_p", "ne", "ne_p", "lt", "lt_p", "le", "le_p", "gt", "gt_p", "ge", "ge_p",
           "eq_to_p", "le_to_p", "lt_to_p"]
