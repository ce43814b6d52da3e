"""Abstract values: what a tracer knows about the array it stands for.

``ShapedArray(shape, dtype, weak_type)`` is the only abstract value for arrays.
``weak_type`` marks values born from Python scalars; they take the dtype of the
strongly-typed operand they meet (see ``dtypes.result_type``).

``get_aval(x)`` maps any valid pyjax value (Array, tracer, NumPy array or scalar,
Python scalar) to its canonical ``ShapedArray``; anything else is a TypeError
that names the value and its type.

NOTE[extended-dtypes]: an aval's dtype may also be a ``dtypes.ExtendedDType``
(typed PRNG keys, ``key<fry>``).  Such an array has a *physical* representation,
``physical_aval(aval)``: the dtype's ``_rules.physical_element_aval(dtype)``
(``u32[2]`` for ``key<fry>``) appended to the aval's shape.  Its tangent type is
the dtype's ``_rules.tangent_dtype`` (float0).  The core only carries such avals;
primitives accept or reject them in their abstract evals, and the rules that
map operations to the physical data live with the dtype (``pyjax/_src/random/``).
"""
from __future__ import annotations

import numpy as np

from pyjax._src import dtypes

_SHORT_DTYPE_NAMES = {
    "bool": "bool", "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "float16": "f16", "bfloat16": "bf16", "float32": "f32", "float64": "f64",
    "complex64": "c64", "complex128": "c128", "int4": "i4", "uint4": "u4",
    "float8_e4m3fn": "f8_e4m3fn", "float8_e5m2": "f8_e5m2",
}


def short_dtype_name(dtype) -> str:
    """JAX's short dtype name used in jaxprs: f32, i32, bool, bf16, float0, key<fry>, ..."""
    if isinstance(dtype, dtypes.ExtendedDType):
        return dtype.name
    if dtype == dtypes.float0:
        return "float0"
    name = getattr(dtype, "name", str(dtype))
    return _SHORT_DTYPE_NAMES.get(name, name)


class AbstractValue:
    """Base class of abstract values."""
    __slots__ = ()


class ShapedArray(AbstractValue):
    """An array of known shape, dtype and weak-typedness, value unknown."""

    __slots__ = ("shape", "dtype", "weak_type", "_hash")
    array_abstraction_level = 1

    def __init__(self, shape, dtype, weak_type: bool = False):
        self.shape = tuple(shape)
        self.dtype = dtype if isinstance(dtype, (np.dtype, dtypes.ExtendedDType)) \
            else np.dtype(dtype)
        self.weak_type = bool(weak_type)
        self._hash = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __eq__(self, other):
        return (type(other) is ShapedArray and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        h = self._hash
        if h is None:
            h = self._hash = hash((self.shape, self.dtype, self.weak_type))
        return h

    def update(self, shape=None, dtype=None, weak_type=None) -> "ShapedArray":
        return ShapedArray(self.shape if shape is None else shape,
                           self.dtype if dtype is None else dtype,
                           self.weak_type if weak_type is None else weak_type)

    def strip_weak_type(self) -> "ShapedArray":
        return self.update(weak_type=False) if self.weak_type else self

    def str_short(self, short_dtypes: bool = True, mark_weak: bool = False) -> str:
        name = short_dtype_name(self.dtype) if short_dtypes else self.dtype.name
        dims = ",".join(str(d) for d in self.shape)
        return f"{'~' if mark_weak and self.weak_type else ''}{name}[{dims}]"

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapedArray({self.str_short(short_dtypes=False)}{weak})"

    def __str__(self):
        return self.str_short(short_dtypes=False)  # JAX's str: float32[3], key<fry>[]

    def to_tangent_aval(self) -> "ShapedArray":
        """Tangent space: float0 for integer/bool arrays, the same array type otherwise."""
        dtype = self.dtype
        if isinstance(dtype, dtypes.ExtendedDType):
            return ShapedArray(self.shape, dtype._rules.tangent_dtype(dtype), False)
        if dtypes.issubdtype(dtype, np.inexact):
            return ShapedArray(self.shape, self.dtype, self.weak_type)
        return ShapedArray(self.shape, dtypes.float0, False)

    def to_cotangent_aval(self) -> "ShapedArray":
        return self.to_tangent_aval()


def is_extended(aval) -> bool:
    """Whether ``aval`` has an extended dtype (see NOTE[extended-dtypes])."""
    return isinstance(aval.dtype, dtypes.ExtendedDType)


def physical_aval(aval: ShapedArray) -> ShapedArray:
    """The aval of ``aval``'s physical data (itself unless its dtype is extended)."""
    dtype = aval.dtype
    if not isinstance(dtype, dtypes.ExtendedDType):
        return aval
    element = dtype._rules.physical_element_aval(dtype)
    return ShapedArray((*aval.shape, *element.shape), element.dtype)


class TypedNdArray(np.ndarray):
    """A NumPy constant that remembers it is weakly typed (a converted Python scalar).

    jnp turns Python scalars into these when promoting, so they keep their weak type,
    have ``.dtype``/``.shape`` like arrays, and still stage as jaxpr Literals.
    """

    weak_type = False

    def __array_finalize__(self, obj):
        self.weak_type = False  # results of NumPy ops on it are ordinary (strong) values


def typed_ndarray(value: np.ndarray, weak_type: bool) -> TypedNdArray:
    out = np.asarray(value).view(TypedNdArray)
    out.weak_type = weak_type
    return out


def _typed_ndarray_aval(x) -> ShapedArray:
    return ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), x.weak_type)


def _python_scalar_aval(x) -> ShapedArray:
    return ShapedArray((), dtypes.canonicalize_dtype(dtypes.python_scalar_dtypes[type(x)]),
                       type(x) is not bool)


def _numpy_aval(x) -> ShapedArray:
    return ShapedArray(x.shape, dtypes.canonicalize_dtype(x.dtype), False)


# type -> aval constructor; Array and Tracer classes register themselves here.
aval_handlers: dict[type, object] = {
    bool: _python_scalar_aval, int: _python_scalar_aval, float: _python_scalar_aval,
    complex: _python_scalar_aval, np.ndarray: _numpy_aval,
}
for _t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
           np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128):
    aval_handlers[_t] = _numpy_aval
aval_handlers[type(np.zeros((), dtypes.bfloat16)[()])] = _numpy_aval
aval_handlers[TypedNdArray] = _typed_ndarray_aval


def get_aval(x) -> ShapedArray:
    """The canonical abstract value of ``x``; TypeError for values pyjax cannot hold."""
    handler = aval_handlers.get(type(x))
    if handler is not None:
        return handler(x)
    aval = getattr(x, "aval", None)
    if isinstance(aval, AbstractValue):
        return aval
    if isinstance(x, np.generic) or isinstance(x, np.ndarray):
        return _numpy_aval(x)
    if hasattr(x, "__jax_array__"):
        return get_aval(x.__jax_array__())
    raise TypeError(f"Value {x!r} of type {type(x)} is not a valid JAX type")


def is_valid_value(x) -> bool:
    try:
        get_aval(x)
        return True
    except TypeError:
        return False
