"""Eager execution: apply a primitive's NumPy ``impl`` to concrete values.

This is the hot path of every notebook, so it is kept to a loop that unwraps
the inputs, one ``impl`` call and one wrap.  Inputs may be ``ArrayImpl`` s,
NumPy arrays/scalars (canonicalized: float64 -> float32 unless x64) or Python
scalars (weak, canonical default dtype).  Output weak-typedness follows the
primitive's ``weak_type_rule`` (default: weak iff all inputs weak).

A tracer reaching this path escaped its transformation:
``UnexpectedTracerError``.
"""
from __future__ import annotations

import warnings

import numpy as np

from pyjax._src import dtypes
from pyjax._src.config import config
from pyjax._src.core import primitive as primitive_mod
from pyjax._src.core.primitive import _default_weak_type_rule
from pyjax._src.core.avals import ShapedArray, TypedNdArray
from pyjax._src.core.trace import Tracer, check_no_tracers
from pyjax._src.backend.array import ArrayImpl

# canonical dtype of a weak Python scalar, by (type, jax_enable_x64)
# NOTE[fp-warnings]: XLA never warns about floating-point exceptions; NumPy does
# (``log(0)``, ``1/0``, ``inf - inf``).  RuntimeWarnings issued from pyjax's own modules
# (including jit-generated code, whose globals are named ``pyjax._src.backend.jit_code``)
# are filtered by issuing module, so user NumPy code still warns.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"pyjax\._src\.")

_SCALAR_DTYPES = {
    (float, False): np.dtype(np.float32), (float, True): np.dtype(np.float64),
    (int, False): np.dtype(np.int32), (int, True): np.dtype(np.int64),
    (complex, False): np.dtype(np.complex64), (complex, True): np.dtype(np.complex128),
}


def to_numpy(x) -> tuple[np.ndarray, bool]:
    """(canonical NumPy array, weak_type) for any value pyjax accepts as an array."""
    t = type(x)
    if t is ArrayImpl:
        return x._check_live(), x.weak_type
    if t is float or t is int or t is complex:
        x64 = config.jax_enable_x64
        if t is int and not (x64 or -2147483648 <= x <= 2147483647):
            return dtypes.coerce_python_scalar(x, np.int32), True  # raises OverflowError
        return np.array(x, _SCALAR_DTYPES[t, x64]), True
    if t is bool:
        return np.asarray(x), False
    if t is TypedNdArray:
        return x.view(np.ndarray), x.weak_type
    if isinstance(x, (np.ndarray, np.generic)):
        dtype = dtypes.canonicalize_dtype(x.dtype)
        arr = np.asarray(x)
        if arr.dtype != dtype:
            arr = arr.astype(dtype)
        return arr, False
    if isinstance(x, Tracer):
        check_no_tracers([x], "an operation outside any transformation")
    if hasattr(x, "__jax_array__"):
        return to_numpy(x.__jax_array__())
    raise TypeError(f"Value {x!r} with type {type(x)} is not a valid JAX type")


# type of a concrete array of an extended dtype (typed PRNG keys) -> apply(prim, args, params):
# how an eager application with such an operand runs (registered by random/physical.py).
extended_apply_rules: dict = {}


def apply_primitive(prim, args, params):
    """Eager ``bind``: run ``prim.impl`` on the unwrapped arguments and wrap the result."""
    vals = []
    weak = []
    for a in args:
        if type(a) is ArrayImpl:
            v = a._value
            if v is None:
                a._check_live()
            vals.append(v)
            weak.append(a.weak_type)
        else:
            if type(a) in extended_apply_rules:
                return extended_apply_rules[type(a)](prim, args, params)
            v, w = to_numpy(a)
            vals.append(v)
            weak.append(w)
    out = prim.impl(*vals, **params)
    rule = prim.weak_type_rule
    if rule is _default_weak_type_rule:
        w = bool(weak) and all(weak)
    else:
        w = rule(weak, **params)
    if prim.multiple_results:
        ws = w if isinstance(w, (list, tuple)) else [w] * len(out)
        return [wrap(o, wi) for o, wi in zip(out, ws)]
    if type(out) is not np.ndarray:
        out = np.asarray(out)
    return ArrayImpl(out, w)


def wrap(x, weak_type: bool = False) -> ArrayImpl:
    """A NumPy result as an ArrayImpl (0-d results of ufuncs come back as NumPy scalars)."""
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    return ArrayImpl(x, weak_type)


primitive_mod.Primitive.impl_apply = apply_primitive

# -- validated eager execution ------------------------------------------------------------------
# NOTE[eager-checks]: eager ``bind`` runs the NumPy impl without abstract evaluation,
# so bad arguments would get NumPy's behaviour (silent float64 promotion, its messages)
# rather than lax's TypeErrors.  ``install_eager_checks(prim)`` gives ``prim`` an eager
# path that runs its abstract eval once per input signature (cached) before the impl.


_MAX_SIGNATURES = 4096


def install_eager_checks(prim, with_shapes: bool = False) -> None:
    """Install a validating eager ``impl_apply`` on ``prim`` (see NOTE[eager-checks]).

    The signature cached is the operands' dtypes and ranks (plus shapes when
    ``with_shapes``, for primitives whose shape rule is stricter than NumPy's
    broadcasting) and the params.  NumPy ValueErrors from the impl re-run the
    abstract eval so that lax's TypeError is what the user sees.
    """
    seen: set = set()
    multiple = prim.multiple_results

    def signature(vals, params):
        # params are part of the key; unhashable ones (rare) make the call validate always
        if len(vals) == 1:
            v = vals[0]
            key = (v.dtype, v.shape if with_shapes else v.ndim)
        elif len(vals) == 2 and not with_shapes:
            v, u = vals
            key = (v.dtype, u.dtype, v.ndim, u.ndim)
        else:
            key = tuple([v.dtype for v in vals] + [v.shape if with_shapes else v.ndim
                                                   for v in vals])
        return (key, *params.values()) if params else key

    def apply(args, params):
        vals, weak = [], []
        for a in args:
            if type(a) is ArrayImpl:
                v = a._value
                if v is None:
                    v = a._check_live()
                vals.append(v)
                weak.append(a.weak_type)
            else:
                if type(a) in extended_apply_rules:
                    return extended_apply_rules[type(a)](prim, args, params)
                v, w = to_numpy(a)
                vals.append(v)
                weak.append(w)
        if len(vals) == 1 and not params and not with_shapes:
            key = vals[0].dtype  # unary: only the dtype can be invalid
        else:
            key = signature(vals, params)
        try:
            fresh = key not in seen
        except TypeError:  # unhashable params: validate every time
            fresh, key = True, None
        if fresh:
            _abstract_check(prim, vals, weak, params)
            if len(seen) > _MAX_SIGNATURES:
                seen.clear()
            if key is not None:
                seen.add(key)
        try:
            out = prim.impl(*vals, **params)
        except ValueError:
            _abstract_check(prim, vals, weak, params)
            raise
        rule = prim.weak_type_rule
        w = (bool(weak) and all(weak)) if rule is _default_weak_type_rule else \
            rule(weak, **params)
        if multiple:
            ws = w if isinstance(w, (list, tuple)) else [w] * len(out)
            return [ArrayImpl(o if type(o) is np.ndarray else np.asarray(o), wi)
                    for o, wi in zip(out, ws, strict=True)]
        return ArrayImpl(out if type(out) is np.ndarray else np.asarray(out), w)

    prim.impl_apply = apply


def _abstract_check(prim, vals, weak, params):
    prim.abstract_eval(*[ShapedArray(v.shape, v.dtype, w) for v, w in zip(vals, weak)],
                       **params)
