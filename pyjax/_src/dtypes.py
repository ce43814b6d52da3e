"""Dtypes: canonical dtypes, weak types and JAX's type-promotion lattice.

Canonical dtypes
    With ``jax_enable_x64`` off, the 64-bit dtypes are stored as their 32-bit
    counterparts: int64 -> int32, uint64 -> uint32, float64 -> float32 and
    complex128 -> complex64.  ``canonicalize_dtype`` applies that map (read at call
    time, cached per (dtype, x64) pair); every array creation goes through it.

Weak types
    A Python ``int``, ``float`` or ``complex`` has no dtype of its own: it is
    *weakly typed* and takes the dtype of whatever it meets (``int8 + 1`` is
    int8).  ``bool`` is never weak.  Arrays and tracers carry a ``weak_type`` flag
    (or ``aval.weak_type``); NumPy scalars and arrays are always strong.

The promotion lattice
    ``result_type`` is the least upper bound (join) of its inputs in a partial
    order whose nodes are the concrete dtypes plus three weak nodes ``i*``, ``f*``
    and ``c*`` (Python int, float, complex).  Arrows point to immediate supertypes::

        b1 -> i*;   i* -> u8, i8 (and each sub-byte int);   f* -> bf16, f16, c*
        u8 -> u16 -> u32 -> u64 -> f*;   u8 -> i16, u16 -> i32, u32 -> i64
        i8 -> i16 -> i32 -> i64 -> f*;   i* -> f* (through i64);   f* -> each float8
        bf16 -> f32;  f16 -> f32 -> f64 -> c128;  f32 -> c64;  c* -> c64 -> c128

    So unsigned and signed ints meet at the next wider signed int, 64-bit ints meet
    at ``f*``, and a weak node below a concrete dtype of the same or higher kind
    disappears into it (``uint8 + 1`` is a strong uint8).  The result is weak
    exactly when the join is a weak node; that node then becomes the default dtype
    of its kind.  The result is canonicalized last, so ``uint32 + int32`` (int64)
    shows as int32 with x64 off.

    Sub-byte ints (int1/2/4, uint1/2/4) and the float8/float6/float4 types sit
    directly above ``i*``/``f*`` and below nothing: they combine with Python
    scalars and themselves only; anything else is a ``TypePromotionError``.

    With ``jax_numpy_dtype_promotion='strict'`` the lattice keeps only the weak
    edges (``i*`` below every int and ``f*``, ``f*`` below every float and ``c*``,
    ``c*`` below the complex types), so two different strong dtypes never promote.

Inputs that are all weak are joined through their dtypes (weak int32 + weak
float32 is a weak float32).  Inputs that share one dtype, not all weak, give that
dtype strongly; this is also how extended dtypes (PRNG keys) and float0 pass.
"""
from __future__ import annotations

import warnings
from typing import Any

import ml_dtypes
import numpy as np

from pyjax._src.config import config

# ---- dtype objects ----------------------------------------------------------------

bfloat16 = ml_dtypes.bfloat16
float8_e3m4 = ml_dtypes.float8_e3m4
float8_e4m3 = ml_dtypes.float8_e4m3
float8_e4m3b11fnuz = ml_dtypes.float8_e4m3b11fnuz
float8_e4m3fn = ml_dtypes.float8_e4m3fn
float8_e4m3fnuz = ml_dtypes.float8_e4m3fnuz
float8_e5m2 = ml_dtypes.float8_e5m2
float8_e5m2fnuz = ml_dtypes.float8_e5m2fnuz
float8_e8m0fnu = ml_dtypes.float8_e8m0fnu
float6_e2m3fn = ml_dtypes.float6_e2m3fn
float6_e3m2fn = ml_dtypes.float6_e3m2fn
float4_e2m1fn = ml_dtypes.float4_e2m1fn
int1, int2, int4 = ml_dtypes.int1, ml_dtypes.int2, ml_dtypes.int4
uint1, uint2, uint4 = ml_dtypes.uint1, ml_dtypes.uint2, ml_dtypes.uint4

# The tangent dtype of integer and boolean values: zero bytes per element.
float0 = np.dtype([("float0", np.void, 0)])

finfo = ml_dtypes.finfo  # handles bfloat16/float8 and defers to np.finfo otherwise
iinfo = ml_dtypes.iinfo  # handles int4/uint4 and defers to np.iinfo otherwise


class TypePromotionError(ValueError):
    """No implicit promotion path exists between the input dtypes."""


class extended(np.generic):
    """Scalar-type category of extended dtypes: ``issubdtype(d, extended)``."""


class prng_key(extended):
    """Scalar-type category of typed PRNG key dtypes such as ``key<fry>``."""


class ExtendedDType:
    """Base of dtypes NumPy cannot represent (typed PRNG keys).

    Subclasses set ``type`` (a subclass of :class:`extended`), ``name`` and
    ``_rules`` (the object that tells primitives how to handle the dtype).
    """

    type = extended
    name = "extended"
    kind = "V"
    _rules: Any = None

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__


_custom_float_types = (bfloat16, float8_e3m4, float8_e4m3, float8_e4m3b11fnuz, float8_e4m3fn,
                       float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float8_e8m0fnu,
                       float6_e2m3fn, float6_e3m2fn, float4_e2m1fn)
_custom_int_types = (int1, int2, int4)
_custom_uint_types = (uint1, uint2, uint4)
# NumPy reports kind 'V' for ml_dtypes types; this map gives their numeric kind.
_custom_kinds: dict[np.dtype, str] = {
    **{np.dtype(t): "f" for t in _custom_float_types},
    **{np.dtype(t): "i" for t in _custom_int_types},
    **{np.dtype(t): "u" for t in _custom_uint_types},
}
_custom_bits = {**{np.dtype(t): finfo(t).bits for t in _custom_float_types},
                **{np.dtype(t): iinfo(t).bits for t in _custom_int_types + _custom_uint_types}}
_kind_category = {"f": np.floating, "i": np.signedinteger, "u": np.unsignedinteger}

_b1 = np.dtype(np.bool_)
_u8, _u16, _u32, _u64 = (np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))
_i8, _i16, _i32, _i64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
_bf16, _f16, _f32, _f64 = (np.dtype(t) for t in (bfloat16, np.float16, np.float32, np.float64))
_c64, _c128 = np.dtype(np.complex64), np.dtype(np.complex128)

_supported_dtypes = frozenset([_b1, _u8, _u16, _u32, _u64, _i8, _i16, _i32, _i64, _f16, _f32,
                               _f64, _c64, _c128, float0, *_custom_kinds])

# ---- canonicalization ---------------------------------------------------------------

_to_32bit = {_i64: _i32, _u64: _u32, _f64: _f32, _c128: _c64}
_canonical_cache: dict[tuple[Any, bool], np.dtype] = {}


def _to_np_dtype(x) -> np.dtype:
    """np.dtype(x), also accepting objects whose ``.dtype`` is a dtype (jnp.float32)."""
    dt = getattr(x, "dtype", None)
    if isinstance(dt, np.dtype):
        return dt
    try:
        return np.dtype(x)
    except TypeError as err:
        raise TypeError(f"dtype {x!r} not understood") from err


def canonicalize_dtype(dtype, allow_extended_dtype: bool = False) -> np.dtype:
    """The dtype pyjax stores for ``dtype`` under the current ``jax_enable_x64``."""
    x64 = config.jax_enable_x64
    try:
        return _canonical_cache[dtype, x64]
    except (KeyError, TypeError):  # a miss, or an unhashable dtype spec
        pass
    if isinstance(dtype, ExtendedDType):
        if allow_extended_dtype:
            return dtype
        raise TypeError(f"canonicalize_dtype got the extended dtype {dtype}; "
                        "pass allow_extended_dtype=True to accept it.")
    np_dtype = _to_np_dtype(dtype)
    out = np_dtype if x64 else _to_32bit.get(np_dtype, np_dtype)
    try:
        _canonical_cache[dtype, x64] = out
    except TypeError:
        pass
    return out


def default_int_dtype() -> np.dtype:
    return _i64 if config.jax_enable_x64 else _i32


def default_uint_dtype() -> np.dtype:
    return _u64 if config.jax_enable_x64 else _u32


def default_float_dtype() -> np.dtype:
    return _f64 if config.jax_enable_x64 else _f32


def default_complex_dtype() -> np.dtype:
    return _c128 if config.jax_enable_x64 else _c64


# ---- Python scalars, weak types and dtype() ----------------------------------------

python_scalar_dtypes: dict[type, np.dtype] = {bool: _b1, int: _i64, float: _f64, complex: _c128}
_weak_scalar_types = (int, float, complex)  # bool is deliberately absent


def is_python_scalar(x) -> bool:
    """True for Python ``bool``, ``int``, ``float`` and ``complex`` values (not subclasses)."""
    return type(x) in python_scalar_dtypes


def is_weakly_typed(x) -> bool:
    """Whether ``x`` takes the dtype of what it is combined with (see module docstring)."""
    if type(x) in _weak_scalar_types:
        return True
    weak = getattr(x, "weak_type", None)
    if weak is None:
        weak = getattr(getattr(x, "aval", None), "weak_type", False)
    return bool(weak)


def weak_dtype_for(x) -> np.dtype:
    """The canonical dtype a Python scalar (or scalar type) takes on its own."""
    return canonicalize_dtype(python_scalar_dtypes[x if isinstance(x, type) else type(x)])


def _dtype_of(x):
    if type(x) in python_scalar_dtypes:
        return python_scalar_dtypes[type(x)]
    if x is None:
        raise ValueError(f"Invalid argument to dtype: {x}.")
    if isinstance(x, (np.dtype, ExtendedDType)):
        return x
    if isinstance(x, type) and x in python_scalar_dtypes:
        return python_scalar_dtypes[x]
    dt = getattr(x, "dtype", None)
    if isinstance(dt, (np.dtype, ExtendedDType)):
        return dt
    try:
        return np.dtype(x)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Cannot determine dtype of {x!r}") from err


def dtype(x, canonicalize: bool = False):
    """The dtype of a value or dtype-like; Python scalars give their 64-bit dtype.

    Raises ``TypeError`` for values whose dtype pyjax cannot hold (strings, objects).
    """
    dt = _dtype_of(x)
    if not isinstance(dt, ExtendedDType) and dt not in _supported_dtypes:
        raise TypeError(f"Value '{x}' with dtype {dt} is not a valid JAX array type. "
                        "Only arrays of numeric types are supported by JAX.")
    return canonicalize_dtype(dt, allow_extended_dtype=True) if canonicalize else dt


# ---- kinds and subtypes ---------------------------------------------------------------

def dtype_kind(dt) -> str:
    """NumPy's kind letter ('b', 'i', 'u', 'f', 'c', 'V'), with ml_dtypes types as numbers."""
    return _custom_kinds.get(dt) or getattr(dt, "kind", "V")


_issubdtype_cache: dict[tuple[Any, Any], bool] = {}


def _subdtype_arg(x):
    """An ExtendedDType, an abstract scalar class (np.floating, extended) or an np.dtype."""
    if isinstance(x, ExtendedDType):
        return x
    if isinstance(x, type) and issubclass(x, np.generic):
        if issubclass(x, extended):
            return x
        try:
            return np.dtype(x)
        except TypeError:  # abstract: np.floating, np.number, ...
            return x
    return _dtype_of(x)


def _issubdtype(a, b) -> bool:
    a, b = _subdtype_arg(a), _subdtype_arg(b)
    if isinstance(a, ExtendedDType):
        return a == b or (isinstance(b, type) and issubclass(a.type, b))
    if isinstance(a, type):
        return isinstance(b, type) and issubclass(a, b)
    if not isinstance(b, type):
        return a == b
    if issubclass(b, extended):
        return False
    category = _kind_category.get(_custom_kinds.get(a, ""))
    if category is not None:
        return issubclass(a.type, b) or issubclass(category, b)
    return bool(np.issubdtype(a, b))


def issubdtype(a, b) -> bool:
    """``np.issubdtype`` that also knows bfloat16/float8 (floating), int4 and extended dtypes."""
    try:
        return _issubdtype_cache[a, b]
    except (KeyError, TypeError):
        pass
    out = _issubdtype(a, b)
    try:
        _issubdtype_cache[a, b] = out
    except TypeError:
        pass
    return out


def is_bool(dt) -> bool:
    return dtype_kind(dt) == "b"


def is_integer(dt) -> bool:
    return dtype_kind(dt) in "iu"


def is_signed_integer(dt) -> bool:
    return dtype_kind(dt) == "i"


def is_unsigned_integer(dt) -> bool:
    return dtype_kind(dt) == "u"


def is_floating(dt) -> bool:
    return dtype_kind(dt) == "f"


def is_complex(dt) -> bool:
    return dtype_kind(dt) == "c"


def is_inexact(dt) -> bool:
    return dtype_kind(dt) in "fc"


def to_inexact_dtype(dt) -> np.dtype:
    """Floats and complexes unchanged; bool and ints become the default float dtype."""
    dt = dtype(dt)
    return dt if is_inexact(dt) else default_float_dtype()


def to_complex_dtype(dt) -> np.dtype:
    """The complex dtype holding ``dt``: complex128 for 64-bit types, else complex64."""
    wide = to_inexact_dtype(dt) in (_f64, _c128)
    return canonicalize_dtype(_c128 if wide else _c64)


def scalar_type_of(x) -> type:
    """The Python scalar type (bool, int, float or complex) matching ``x``'s dtype."""
    kind = dtype_kind(dtype(x))
    scalar_types = {"b": bool, "i": int, "u": int, "f": float, "c": complex}
    if kind not in scalar_types:
        raise TypeError(f"Invalid scalar value {x}")
    return scalar_types[kind]


def itemsize_bits(dt) -> int:
    """Bits per element: 4 for int4, 16 for bfloat16, 8 for bool."""
    if dt is None:
        raise ValueError("dtype cannot be None.")
    dt = dt if isinstance(dt, ExtendedDType) else _to_np_dtype(dt)
    return _custom_bits.get(dt) or dt.itemsize * 8


# ---- the promotion lattice ---------------------------------------------------------

class _WeakNode:
    """A weak lattice node: the Python scalar type ``name`` before it meets a dtype."""
    __slots__ = ("name", "dtype")

    def __init__(self, name: str, dt: np.dtype):
        self.name, self.dtype = name, dt  # dt: the (uncanonicalized) default dtype

    def __repr__(self) -> str:
        return self.name


_I, _F, _C = _WeakNode("int", _i64), _WeakNode("float", _f64), _WeakNode("complex", _c128)
_weak_node_of_kind = {"i": _I, "u": _I, "f": _F, "c": _C}
_weak_node_of_type = {int: _I, float: _F, complex: _C}
_subbyte_ints = [np.dtype(t) for t in _custom_int_types + _custom_uint_types]
_small_floats = [np.dtype(t) for t in _custom_float_types if t is not bfloat16]


def _standard_edges() -> dict:
    return {
        _b1: [_I], _I: [_u8, _i8, *_subbyte_ints],
        _u8: [_u16, _i16], _u16: [_u32, _i32], _u32: [_u64, _i64], _u64: [_F],
        _i8: [_i16], _i16: [_i32], _i32: [_i64], _i64: [_F],
        _F: [_bf16, _f16, _C, *_small_floats],
        _bf16: [_f32], _f16: [_f32], _f32: [_f64, _c64], _f64: [_c128],
        _C: [_c64], _c64: [_c128], _c128: [],
        **{t: [] for t in _subbyte_ints + _small_floats},
    }


def _strict_edges() -> dict:
    ints = [_u8, _u16, _u32, _u64, _i8, _i16, _i32, _i64, *_subbyte_ints]
    floats = [_bf16, _f16, _f32, _f64, *_small_floats]
    edges: dict = {t: [] for t in [_b1, *ints, *floats, _c64, _c128]}
    edges.update({_I: [*ints, _F], _F: [*floats, _C], _C: [_c64, _c128]})
    return edges


def _upper_bounds(edges: dict) -> dict:
    """node -> frozenset of every node above it (itself included)."""
    def above(node, seen):
        if node not in seen:
            seen.add(node)
            for parent in edges[node]:
                above(parent, seen)
        return seen
    return {node: frozenset(above(node, set())) for node in edges}


_upper = {"standard": _upper_bounds(_standard_edges()), "strict": _upper_bounds(_strict_edges())}
_join_cache: dict[tuple, Any] = {}


def _join(mode: str, a, b):
    """Least upper bound of two nodes, or None when they have no unique one."""
    key = (mode, a, b)
    try:
        return _join_cache[key]
    except KeyError:
        pass
    upper = _upper[mode]
    common = upper[a] & upper[b] if a in upper and b in upper else frozenset()
    least = [n for n in common if common <= upper[n]]
    out = _join_cache[key] = least[0] if least else None
    return out


def _node_name(node) -> str:
    return node.name if isinstance(node, (np.dtype, _WeakNode, ExtendedDType)) else str(node)


def _no_path_error(nodes, mode: str) -> TypePromotionError:
    names = tuple(_node_name(n) for n in dict.fromkeys(nodes))
    msg = f"Input dtypes {names} have no available implicit dtype promotion path"
    if mode == "strict":
        return TypePromotionError(
            f"{msg} when jax_numpy_dtype_promotion=strict. Try explicitly casting inputs to "
            "the desired output type, or set jax_numpy_dtype_promotion=standard.")
    return TypePromotionError(f"{msg}. Try explicitly casting inputs to the desired output type.")


def _join_all(mode: str, nodes):
    out = nodes[0]
    for node in nodes[1:]:
        out = _join(mode, out, node)
        if out is None:
            raise _no_path_error(nodes, mode)
    return out


def _node(dt, weak: bool):
    return _weak_node_of_kind.get(dtype_kind(dt), dt) if weak else dt


def _dtype_and_weak(x) -> tuple[Any, bool]:
    if isinstance(x, type) and x in _weak_node_of_type:  # the types int/float/complex are weak
        return python_scalar_dtypes[x], True
    return dtype(x), is_weakly_typed(x)


def _promote(dts: tuple, weaks: tuple, mode: str) -> tuple[Any, bool]:
    """Canonical join of (dtype, weak) inputs and its weak flag; see the module docstring."""
    first = dts[0]
    if len(dts) == 1:
        out, weak = first, weaks[0]
    elif all(d == first for d in dts[1:]) and not all(weaks):
        out, weak = first, False
    elif any(isinstance(d, ExtendedDType) for d in dts):
        bad = next(d for d in dts if isinstance(d, ExtendedDType))
        raise ValueError(f"dtype={bad} is not a valid dtype for JAX type promotion.")
    elif all(weaks) and mode == "standard":
        out, weak = _join_all(mode, dts), True
    else:
        node = _join_all(mode, [_node(d, w) for d, w in zip(dts, weaks, strict=True)])
        out, weak = (node.dtype, True) if isinstance(node, _WeakNode) else (node, False)
    out = canonicalize_dtype(out, allow_extended_dtype=True)
    return out, weak and out != _b1  # bool is never weak


_result_cache: dict[tuple, tuple[Any, bool]] = {}


def result_type(*args, return_weak_type_flag: bool = False):
    """The dtype (and weak flag) JAX gives an operation on ``args``.

    Args may be dtypes, Python scalars or the types ``int``/``float``/``complex``
    (weak), arrays, or anything with ``.dtype`` (and ``.weak_type``).  Raises
    ``TypePromotionError`` when no promotion path exists (always between different
    strong dtypes under ``jax_numpy_dtype_promotion='strict'``).
    """
    if not args:
        raise ValueError("at least one array or dtype is required")
    dts, weaks = zip(*(_dtype_and_weak(x) for x in args), strict=True)
    mode = config.jax_numpy_dtype_promotion
    key = (dts, weaks, mode, config.jax_enable_x64)
    try:
        out = _result_cache[key]
    except KeyError:
        out = _result_cache[key] = _promote(dts, weaks, mode)
    except TypeError:  # an unhashable extended dtype
        out = _promote(dts, weaks, mode)
    return out if return_weak_type_flag else out[0]


def promote_types(a, b) -> np.dtype:
    """Like ``jnp.promote_types``: the join of two dtypes in the lattice.

    The Python types ``int``, ``float`` and ``complex`` are the weak nodes; a weak
    result is the canonical default dtype of its kind.  Concrete results are not
    canonicalized (``promote_types(float64, float32)`` is float64).
    """
    mode = config.jax_numpy_dtype_promotion
    nodes = [_weak_node_of_type.get(x) if isinstance(x, type) else None for x in (a, b)]
    nodes = [n if n is not None else dtype(x) for n, x in zip(nodes, (a, b), strict=True)]
    out = _join_all(mode, nodes)
    return canonicalize_dtype(out.dtype) if isinstance(out, _WeakNode) else out


# ---- user-facing checks and scalar coercion --------------------------------------------

_X64_HINT = ("To enable more dtypes, set the jax_enable_x64 configuration option or the "
             "JAX_ENABLE_X64 shell environment variable. "
             "See https://github.com/jax-ml/jax#current-gotchas for more.")


def check_user_dtype_supported(dt, fun_name: str | None = None) -> None:
    """Reject non-numeric dtypes; warn when a 64-bit dtype will be truncated (x64 off).

    The Python types ``bool``/``int``/``float``/``complex`` mean "the default
    dtype of that kind" and never warn.
    """
    if dt is None or isinstance(dt, ExtendedDType):
        return
    if isinstance(dt, type) and dt in python_scalar_dtypes:
        return
    np_dtype = _to_np_dtype(dt)
    if np_dtype not in _supported_dtypes:
        where = f" in {fun_name}" if fun_name else ""
        raise TypeError(f"pyjax only supports number and bool dtypes, got dtype {np_dtype}{where}")
    canonical = canonicalize_dtype(np_dtype)
    if canonical != np_dtype:
        where = f" requested in {fun_name}" if fun_name else ""
        warnings.warn(f"Explicitly requested dtype {np_dtype.name}{where} is not available, and "
                      f"will be truncated to dtype {canonical.name}. {_X64_HINT}", stacklevel=3)


def _wrap_int(x: int, info) -> int:
    """Two's-complement wrap of ``x`` into the range of ``info`` (an iinfo)."""
    span = 1 << info.bits
    x %= span
    return x - span if x > info.max else x


def coerce_python_scalar(x, dt, *, wrap: bool = False) -> np.ndarray:
    """A Python scalar as a 0-d NumPy array of dtype ``dt``.

    An int outside ``dt``'s range raises ``OverflowError`` (as ``jnp.asarray``
    does), or wraps silently with ``wrap=True`` (a weak operand of an op:
    ``int8 + 300``).  Floats overflow to inf; a complex loses its imaginary part
    when ``dt`` is real.
    """
    dt = _to_np_dtype(dt)
    kind = dtype_kind(dt)
    if kind in "iu" and isinstance(x, int):
        info = iinfo(dt)
        if not info.min <= x <= info.max:
            if not wrap:
                raise OverflowError(f"Python int {x} too large to convert to {dt.name}")
            x = _wrap_int(x, info)
        return np.asarray(x, dtype=dt)
    if kind != "c" and isinstance(x, complex):
        x = x.real
    with np.errstate(over="ignore", invalid="ignore"):
        if kind in "iu":  # float -> int truncates toward zero, like a cast
            return np.asarray(x, dtype=np.float64).astype(dt)
        return np.asarray(x, dtype=dt)
