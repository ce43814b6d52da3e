"""Tests for pyjax._src.dtypes: canonicalization, weak types and the promotion lattice.

The promotion table is API.md §5, measured on JAX 0.10.2 with x64 off.
"""
import itertools
import warnings

import ml_dtypes
import numpy as np
import pytest

import pyjax.dtypes as public_dtypes
from pyjax._src import dtypes
from pyjax._src.config import enable_x64, numpy_dtype_promotion

# API.md §5, verbatim: row dtype joined with column dtype (x64 off).
PROMOTION_TABLE = """
         b1    u1    u2    u4    i1    i2    i4  bf16    f2    f4    c8    i*    f*    c*
   b1    b1    u1    u2    u4    i1    i2    i4  bf16    f2    f4    c8    i4    f4    c8
   u1    u1    u1    u2    u4    i2    i2    i4  bf16    f2    f4    c8    u1    f4    c8
   u2    u2    u2    u2    u4    i4    i4    i4  bf16    f2    f4    c8    u2    f4    c8
   u4    u4    u4    u4    u4    i4    i4    i4  bf16    f2    f4    c8    u4    f4    c8
   i1    i1    i2    i4    i4    i1    i2    i4  bf16    f2    f4    c8    i1    f4    c8
   i2    i2    i2    i4    i4    i2    i2    i4  bf16    f2    f4    c8    i2    f4    c8
   i4    i4    i4    i4    i4    i4    i4    i4  bf16    f2    f4    c8    i4    f4    c8
 bf16  bf16  bf16  bf16  bf16  bf16  bf16  bf16  bf16    f4    f4    c8  bf16  bf16    c8
   f2    f2    f2    f2    f2    f2    f2    f2    f4    f2    f4    c8    f2    f2    c8
   f4    f4    f4    f4    f4    f4    f4    f4    f4    f4    f4    c8    f4    f4    c8
   c8    c8    c8    c8    c8    c8    c8    c8    c8    c8    c8    c8    c8    c8    c8
"""

CODES = {
    "b1": np.bool_, "u1": np.uint8, "u2": np.uint16, "u4": np.uint32,
    "i1": np.int8, "i2": np.int16, "i4": np.int32, "bf16": ml_dtypes.bfloat16,
    "f2": np.float16, "f4": np.float32, "c8": np.complex64,
}
WEAK_VALUES = {"i*": 1, "f*": 1.0, "c*": 1j}  # Python scalars are the weak nodes


def _parse_table():
    header, *rows = PROMOTION_TABLE.strip().splitlines()
    columns = header.split()
    return [(row.split()[0], col, out)
            for row in rows for col, out in zip(columns, row.split()[1:], strict=True)]


TABLE_CELLS = _parse_table()


def _arg(code):
    return WEAK_VALUES[code] if code in WEAK_VALUES else CODES[code]


@pytest.mark.parametrize("row,col,expected", TABLE_CELLS,
                         ids=[f"{r}+{c}" for r, c, _ in TABLE_CELLS])
def test_result_type_matches_promotion_table(row, col, expected):
    assert dtypes.result_type(_arg(row), _arg(col)) == np.dtype(CODES[expected])
    assert dtypes.result_type(_arg(col), _arg(row)) == np.dtype(CODES[expected])


def test_promotion_table_has_every_cell():
    assert len(TABLE_CELLS) == 11 * 14


@pytest.mark.parametrize("row,col", [(r, c) for r, c, _ in TABLE_CELLS if c in WEAK_VALUES])
def test_result_type_weak_flag_for_python_scalar_columns(row, col):
    # Weak exactly when the Python scalar is of a higher kind than the array.
    kinds = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}
    row_kind = kinds[dtypes.dtype_kind(np.dtype(CODES[row]))]
    col_kind = {"i*": 1, "f*": 2, "c*": 3}[col]
    expected_weak = row_kind < col_kind and not (row_kind == 2 and col_kind == 3)
    _, weak = dtypes.result_type(CODES[row], WEAK_VALUES[col], return_weak_type_flag=True)
    assert weak == expected_weak


@pytest.mark.parametrize("args,expected,weak", [
    ((np.int8, 1.0), np.float32, True),
    ((np.float16, 1.0), np.float16, False),
    ((np.uint8, 1), np.uint8, False),
    ((np.float32, 1), np.float32, False),
    ((ml_dtypes.bfloat16, 1.0), ml_dtypes.bfloat16, False),
    ((np.uint32, 1), np.uint32, False),
    ((1, 2.0), np.float32, True),
    ((1,), np.int32, True),
    ((2.0,), np.float32, True),
    ((1j,), np.complex64, True),
    ((True, 1), np.int32, True),
    ((True,), np.bool_, False),
    ((int, float), np.float32, True),
    ((np.float16, np.float64(1)), np.float32, False),  # NumPy scalars are strong
    ((np.int64,), np.int32, False),
])
def test_result_type_weak_flag(args, expected, weak):
    assert dtypes.result_type(*args, return_weak_type_flag=True) == (np.dtype(expected), weak)


class _FakeArray:
    def __init__(self, dtype, weak_type):
        self.dtype, self.weak_type = np.dtype(dtype), weak_type


class _FakeTracer:
    def __init__(self, dtype, weak_type):
        self.dtype = np.dtype(dtype)
        self.aval = _FakeArray(dtype, weak_type)


def test_result_type_weak_arrays_join_as_weak():
    weak_i32, weak_f32 = _FakeArray(np.int32, True), _FakeTracer(np.float32, True)
    assert dtypes.result_type(weak_i32, weak_f32, return_weak_type_flag=True) == (
        np.dtype(np.float32), True)
    strong_i8 = _FakeArray(np.int8, False)
    assert dtypes.result_type(weak_i32, strong_i8, return_weak_type_flag=True) == (
        np.dtype(np.int8), False)


def test_result_type_all_weak_keeps_a_shared_dtype():
    weak_f16 = _FakeArray(np.float16, True)
    assert dtypes.result_type(weak_f16, weak_f16, return_weak_type_flag=True) == (
        np.dtype(np.float16), True)
    assert dtypes.result_type(weak_f16, return_weak_type_flag=True) == (np.dtype(np.float16), True)


def test_result_type_bool_is_never_weak():
    weak_bool = _FakeArray(np.bool_, True)
    assert dtypes.result_type(weak_bool, weak_bool, return_weak_type_flag=True) == (
        np.dtype(np.bool_), False)


def test_result_type_same_dtype_with_one_strong_is_strong():
    out = dtypes.result_type(_FakeArray(np.int32, True), np.int32, return_weak_type_flag=True)
    assert out == (np.dtype(np.int32), False)


def test_result_type_requires_an_argument():
    with pytest.raises(ValueError, match="at least one"):
        dtypes.result_type()


@pytest.mark.parametrize("a,b,expected", [
    (np.uint32, np.int32, np.int64),
    (np.uint64, np.int64, np.float64),
    (np.int64, np.float16, np.float16),
    (np.float64, np.complex64, np.complex128),
    (np.uint8, np.int64, np.int64),
    (np.float32, np.complex64, np.complex64),
    (np.float16, np.complex64, np.complex64),
    (ml_dtypes.bfloat16, np.float64, np.float64),
])
def test_result_type_x64(a, b, expected):
    with enable_x64(True):
        assert dtypes.result_type(a, b) == np.dtype(expected)
        assert dtypes.result_type(b, a) == np.dtype(expected)


def test_result_type_x64_weak_defaults():
    with enable_x64(True):
        assert dtypes.result_type(1, return_weak_type_flag=True) == (np.dtype(np.int64), True)
        assert dtypes.result_type(np.int8, 1.0) == np.dtype(np.float64)
        assert dtypes.result_type(np.uint64, np.int64, return_weak_type_flag=True)[1]


def test_lattice_joins_are_unique():
    upper = dtypes._upper["standard"]
    for a, b in itertools.combinations(upper, 2):
        common = upper[a] & upper[b]
        if common:
            assert dtypes._join("standard", a, b) is not None, (a, b)


def test_float8_has_no_path_to_float16():
    with pytest.raises(dtypes.TypePromotionError,
                       match=r"\('float8_e4m3fn', 'float16'\) have no available implicit"):
        dtypes.result_type(ml_dtypes.float8_e4m3fn, np.float16)
    assert dtypes.result_type(ml_dtypes.float8_e4m3fn, 1.0) == np.dtype(ml_dtypes.float8_e4m3fn)


def test_strict_mode_rejects_mixed_strong_dtypes():
    msg = ("Input dtypes ('int8', 'int16') have no available implicit dtype promotion path "
           "when jax_numpy_dtype_promotion=strict. Try explicitly casting inputs to the desired "
           "output type, or set jax_numpy_dtype_promotion=standard.")
    with numpy_dtype_promotion("strict"):
        with pytest.raises(dtypes.TypePromotionError) as info:
            dtypes.result_type(np.int8, np.int16)
        assert str(info.value) == msg
        assert isinstance(info.value, ValueError)
    assert dtypes.result_type(np.int8, np.int16) == np.dtype(np.int16)  # back to standard


def test_strict_mode_allows_weak_scalars_and_equal_dtypes():
    with numpy_dtype_promotion("strict"):
        assert dtypes.result_type(np.int8, 1) == np.dtype(np.int8)
        assert dtypes.result_type(np.float16, 1.0) == np.dtype(np.float16)
        assert dtypes.result_type(np.float32, np.float32) == np.dtype(np.float32)
        assert dtypes.result_type(1, 1.0, return_weak_type_flag=True) == (
            np.dtype(np.float32), True)
        with pytest.raises(dtypes.TypePromotionError):
            dtypes.result_type(np.int8, 1.0)


def test_promote_types():
    assert dtypes.promote_types(np.uint8, np.int8) == np.dtype(np.int16)
    assert dtypes.promote_types(np.float64, np.float32) == np.dtype(np.float64)
    assert dtypes.promote_types(np.int8, int) == np.dtype(np.int8)
    assert dtypes.promote_types(int, float) == np.dtype(np.float32)
    assert dtypes.promote_types(ml_dtypes.bfloat16, np.float16) == np.dtype(np.float32)


@pytest.mark.parametrize("given,x32,x64", [
    (np.int64, np.int32, np.int64),
    (np.uint64, np.uint32, np.uint64),
    (np.float64, np.float32, np.float64),
    (np.complex128, np.complex64, np.complex128),
    (float, np.float32, np.float64),
    (int, np.int32, np.int64),
    (complex, np.complex64, np.complex128),
    (bool, np.bool_, np.bool_),
    ("float64", np.float32, np.float64),
    (np.dtype("int16"), np.int16, np.int16),
    (ml_dtypes.bfloat16, ml_dtypes.bfloat16, ml_dtypes.bfloat16),
])
def test_canonicalize_dtype(given, x32, x64):
    assert dtypes.canonicalize_dtype(given) == np.dtype(x32)
    with enable_x64(True):
        assert dtypes.canonicalize_dtype(given) == np.dtype(x64)
    assert dtypes.canonicalize_dtype(given) == np.dtype(x32)  # cache keyed on x64


def test_canonicalize_dtype_accepts_scalar_type_classes():
    class Float64Like:  # like jnp.float64: a class carrying a dtype attribute
        dtype = np.dtype(np.float64)
    assert dtypes.canonicalize_dtype(Float64Like) == np.dtype(np.float32)


def test_canonicalize_dtype_extended():
    key_dtype = _KeyDType()
    with pytest.raises(TypeError):
        dtypes.canonicalize_dtype(key_dtype)
    assert dtypes.canonicalize_dtype(key_dtype, allow_extended_dtype=True) is key_dtype


def test_default_dtypes():
    defaults = (dtypes.default_int_dtype, dtypes.default_uint_dtype,
                dtypes.default_float_dtype, dtypes.default_complex_dtype)
    assert [f().name for f in defaults] == ["int32", "uint32", "float32", "complex64"]
    with enable_x64(True):
        assert [f().name for f in defaults] == ["int64", "uint64", "float64", "complex128"]


@pytest.mark.parametrize("x,weak", [
    (1, True), (1.0, True), (1j, True), (True, False),
    (np.float32(1), False), (np.float64(1), False), (np.ones(2), False),
    (_FakeArray(np.float32, True), True), (_FakeArray(np.float32, False), False),
    (_FakeTracer(np.int32, True), True), (_FakeTracer(np.int32, False), False),
])
def test_is_weakly_typed(x, weak):
    assert dtypes.is_weakly_typed(x) is weak


def test_is_python_scalar():
    assert all(dtypes.is_python_scalar(x) for x in (True, 1, 1.0, 1j))
    assert not any(dtypes.is_python_scalar(x) for x in (np.float64(1), np.ones(()), "1"))


@pytest.mark.parametrize("x,expected", [
    (1, np.int64), (1.0, np.float64), (1j, np.complex128), (True, np.bool_),
    (float, np.float64), (np.float32(1), np.float32), (np.ones(2, np.int8), np.int8),
    ("bfloat16", ml_dtypes.bfloat16), (np.uint16, np.uint16), (np.dtype("c8"), np.complex64),
])
def test_dtype_of_values(x, expected):
    assert dtypes.dtype(x) == np.dtype(expected)


def test_dtype_canonicalize():
    assert dtypes.dtype(1, canonicalize=True) == np.dtype(np.int32)
    assert dtypes.dtype(np.ones(2), canonicalize=True) == np.dtype(np.float32)


def test_dtype_errors():
    with pytest.raises(TypeError, match="Cannot determine dtype of 'not-a-dtype'"):
        dtypes.dtype("not-a-dtype")
    with pytest.raises(TypeError, match="Cannot determine dtype of <object"):
        dtypes.dtype(object())
    with pytest.raises(TypeError, match="not a valid JAX array type"):
        dtypes.dtype(np.array(["a"]))
    with pytest.raises(ValueError, match="Invalid argument to dtype"):
        dtypes.dtype(None)


def test_check_user_dtype_supported_warns_when_truncating():
    expected = ("Explicitly requested dtype float64 requested in ones is not available, and will "
                "be truncated to dtype float32. To enable more dtypes, set the jax_enable_x64 "
                "configuration option or the JAX_ENABLE_X64 shell environment variable. See "
                "https://github.com/jax-ml/jax#current-gotchas for more.")
    with pytest.warns(UserWarning) as record:
        dtypes.check_user_dtype_supported("float64", "ones")
    assert str(record[0].message) == expected
    with pytest.warns(UserWarning, match="dtype int64 is not available, and will be truncated "
                                         "to dtype int32"):
        dtypes.check_user_dtype_supported(np.int64)


@pytest.mark.parametrize("dt", [np.float32, float, int, bool, None, ml_dtypes.bfloat16])
def test_check_user_dtype_supported_silent(dt):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dtypes.check_user_dtype_supported(dt, "zeros")
        with enable_x64(True):
            dtypes.check_user_dtype_supported(np.float64, "zeros")


def test_check_user_dtype_supported_rejects_non_dtypes():
    with pytest.raises(TypeError):
        dtypes.check_user_dtype_supported("floaty", "ones")
    with pytest.raises(TypeError, match="in ones"):
        dtypes.check_user_dtype_supported("U3", "ones")


def test_coerce_python_scalar_overflow():
    msg = "^Python int 2147483648 too large to convert to int32$"
    with pytest.raises(OverflowError, match=msg):
        dtypes.coerce_python_scalar(2**31, np.int32)
    with pytest.raises(OverflowError, match="Python int -1 too large to convert to uint8"):
        dtypes.coerce_python_scalar(-1, np.uint8)


@pytest.mark.parametrize("x,dt,expected", [
    (300, np.int8, 44), (-1, np.uint8, 255), (2**31, np.int32, -2**31), (127, np.int8, 127),
    (9, ml_dtypes.int4, -7),
])
def test_coerce_python_scalar_wraps(x, dt, expected):
    out = dtypes.coerce_python_scalar(x, dt, wrap=True)
    assert out.dtype == np.dtype(dt) and out.shape == () and int(out) == expected


def test_coerce_python_scalar_values():
    assert dtypes.coerce_python_scalar(2**31 - 1, np.int32) == 2**31 - 1
    assert dtypes.coerce_python_scalar(1.5, np.float16).dtype == np.float16
    assert np.isinf(dtypes.coerce_python_scalar(1e300, np.float32))
    assert dtypes.coerce_python_scalar(2.5, np.int32) == 2
    assert dtypes.coerce_python_scalar(1 + 2j, np.float32) == 1


def test_finfo_and_iinfo():
    info = dtypes.finfo(dtypes.bfloat16)
    assert info.bits == 16 and info.eps == 2.0**-7
    assert dtypes.finfo(np.float32).eps == np.finfo(np.float32).eps
    assert dtypes.iinfo(dtypes.int4).max == 7 and dtypes.iinfo(np.int8).min == -128


@pytest.mark.parametrize("a,b,expected", [
    (dtypes.bfloat16, np.floating, True),
    (dtypes.bfloat16, np.inexact, True),
    (np.dtype(dtypes.bfloat16), np.number, True),
    (dtypes.bfloat16, np.integer, False),
    (dtypes.bfloat16, dtypes.bfloat16, True),
    (np.float32, dtypes.bfloat16, False),
    (dtypes.float8_e4m3fn, np.floating, True),
    (dtypes.int4, np.signedinteger, True),
    (dtypes.uint4, np.signedinteger, False),
    (np.int32, np.integer, True),
    (np.float32, np.integer, False),
    (np.floating, np.inexact, True),
    (dtypes.float0, np.floating, False),
    (dtypes.float0, dtypes.float0, True),
    (np.float32, dtypes.extended, False),
])
def test_issubdtype(a, b, expected):
    assert dtypes.issubdtype(a, b) is expected


class _KeyType(dtypes.prng_key):
    pass


class _KeyDType(dtypes.ExtendedDType):
    type = _KeyType
    name = "key<test>"


def test_issubdtype_extended():
    key_dtype = _KeyDType()
    assert dtypes.issubdtype(key_dtype, dtypes.extended)
    assert dtypes.issubdtype(key_dtype, dtypes.prng_key)
    assert not dtypes.issubdtype(key_dtype, np.floating)
    assert dtypes.result_type(key_dtype, key_dtype) is key_dtype
    with pytest.raises(ValueError, match=r"^dtype=key<test> is not a valid dtype for JAX "
                                         r"type promotion\.$"):
        dtypes.result_type(key_dtype, np.float32)


@pytest.mark.parametrize("x,expected", [
    (True, bool), (np.int8(1), int), (np.uint32, int), (dtypes.bfloat16, float),
    (1.0, float), (np.complex64, complex),
])
def test_scalar_type_of(x, expected):
    assert dtypes.scalar_type_of(x) is expected


def test_itemsize_bits():
    assert [dtypes.itemsize_bits(t) for t in (np.bool_, dtypes.int4, dtypes.bfloat16,
                                              np.float64)] == [8, 4, 16, 64]
    with pytest.raises(ValueError):
        dtypes.itemsize_bits(None)


def test_inexact_and_complex_helpers():
    assert dtypes.to_inexact_dtype(np.int8) == np.dtype(np.float32)
    assert dtypes.to_inexact_dtype(np.float16) == np.dtype(np.float16)
    assert dtypes.to_complex_dtype(np.float32) == np.dtype(np.complex64)
    with enable_x64(True):
        assert dtypes.to_inexact_dtype(np.bool_) == np.dtype(np.float64)
        assert dtypes.to_complex_dtype(np.float64) == np.dtype(np.complex128)
    assert dtypes.is_floating(np.dtype(dtypes.bfloat16)) and dtypes.is_inexact(np.dtype("c8"))
    assert dtypes.is_integer(np.dtype(dtypes.uint4)) and not dtypes.is_integer(np.dtype(bool))


def test_weak_dtype_for():
    assert dtypes.weak_dtype_for(3) == np.dtype(np.int32)
    assert dtypes.weak_dtype_for(float) == np.dtype(np.float32)
    with enable_x64(True):
        assert dtypes.weak_dtype_for(1j) == np.dtype(np.complex128)


def test_public_module_exports_exactly_jax_names():
    names = {n for n in dir(public_dtypes) if not n.startswith("_")}
    assert names == {"TypePromotionError", "bfloat16", "canonicalize_dtype", "extended", "finfo",
                     "float0", "iinfo", "issubdtype", "itemsize_bits", "prng_key",
                     "result_type", "scalar_type_of"}
    assert public_dtypes.float0.itemsize == 0
