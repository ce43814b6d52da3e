"""Compiler tier 2, part 1: a jaxpr becomes Python source in numba's nopython subset.

    lower_while(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts) -> NativeSource
    lower_scan(jaxpr, length, reverse, num_consts, num_carry)       -> NativeSource

The text is compiled by ``native.py``; this module never imports numba, so it
can be read, tested and extended without it.

Value model (what makes the generated code exact about dtypes):
  * a value of shape ``()`` is a numba *scalar* of exactly its dtype: every
    scalar result is wrapped in a cast (``np.float32(a * b)``), because numba
    widens scalar integer arithmetic to 64 bits and mixes Python literals as
    float64; the cast also gives int32 wrap-around as XLA has it;
  * a value of any other shape is a C-contiguous NumPy array of exactly its
    dtype.  Array arithmetic between operands of one dtype keeps that dtype in
    numba, as in NumPy; views (slices, transposes, broadcasts) are copied to C
    order so loop carries and ``if`` branches keep one numba type;
  * literals are emitted as typed constants (``np.float32(0.5)``) built from
    their numeric value only, so no user text ever reaches the source.

Anything outside the supported set raises ``Unsupported`` and the loop stays
on tier 1 (a Python loop over the tier-1 compiled body), which handles every
primitive.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pyjax._src.core.jaxpr import ClosedJaxpr, DropVar, Jaxpr, Literal


class Unsupported(Exception):
    """The jaxpr uses something tier 2 cannot compile (the message says what)."""


@dataclass(frozen=True, eq=False)
class NativeSource:
    """Generated source of one native loop function and how to call it."""
    source: str        # a module defining ``loop``
    hoisted: tuple     # array constants of the jaxprs: the last parameters of ``loop``


# dtypes numba computes with exactly as NumPy does (no float16/bfloat16 arithmetic there)
_DTYPES = {np.dtype(t) for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
                                 np.uint16, np.uint32, np.uint64, np.float32, np.float64,
                                 np.complex64, np.complex128)}

_UNARY = {
    "neg": "-{0}", "sin": "np.sin({0})", "cos": "np.cos({0})", "tan": "np.tan({0})",
    "asin": "np.arcsin({0})", "acos": "np.arccos({0})", "atan": "np.arctan({0})",
    "sinh": "np.sinh({0})", "cosh": "np.cosh({0})", "tanh": "np.tanh({0})",
    "asinh": "np.arcsinh({0})", "acosh": "np.arccosh({0})", "atanh": "np.arctanh({0})",
    "exp": "np.exp({0})", "exp2": "np.exp2({0})", "log": "np.log({0})",
    "log1p": "np.log1p({0})", "expm1": "np.expm1({0})", "sqrt": "np.sqrt({0})",
    "abs": "np.abs({0})", "floor": "np.floor({0})", "ceil": "np.ceil({0})",
    "sign": "np.sign({0})", "is_finite": "np.isfinite({0})", "square": "({0} * {0})",
    "real": "np.real({0})", "imag": "np.imag({0})", "conj": "np.conj({0})",
    "copy": "{0}", "copy_p": "{0}", "stop_gradient": "{0}", "optimization_barrier": "{0}",
}

_BINARY = {
    "add": "({0} + {1})", "add_any": "({0} + {1})", "sub": "({0} - {1})",
    "mul": "({0} * {1})", "max": "np.maximum({0}, {1})", "min": "np.minimum({0}, {1})",
    "pow": "np.power({0}, {1})", "atan2": "np.arctan2({0}, {1})",
    "eq": "({0} == {1})", "ne": "({0} != {1})", "lt": "({0} < {1})", "le": "({0} <= {1})",
    "gt": "({0} > {1})", "ge": "({0} >= {1})",
}

_BITWISE = {"and": ("np.logical_and", "&"), "or": ("np.logical_or", "|"),
            "xor": ("np.logical_xor", "^")}

def _dtype_name(dtype) -> str:
    try:
        dtype = np.dtype(dtype)
    except TypeError:  # extended dtypes (PRNG keys) have no NumPy equivalent
        raise Unsupported(f"dtype {dtype}") from None
    if dtype not in _DTYPES:
        raise Unsupported(f"dtype {dtype}")
    return "bool_" if dtype == np.bool_ else dtype.name


def _shape_text(shape) -> str:
    return "(" + "".join(f"{int(d)}, " for d in shape) + ")"


def _literal_text(value, dtype) -> str:
    """A typed constant from a number's value alone (never from user-provided text)."""
    dtype = np.dtype(dtype)
    name = _dtype_name(dtype)
    value = np.asarray(value).astype(dtype)[()]
    if dtype == np.bool_:
        return "True" if value else "False"
    if dtype.kind in "iu":
        return f"np.{name}({int(value)})"
    if dtype.kind == "c":
        return f"np.{name}(complex({_float_text(value.real)}, {_float_text(value.imag)}))"
    return f"np.{name}({_float_text(value)})"


def _float_text(x) -> str:
    x = float(x)
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(x)


SMALL = 16  # arrays up to this many elements live as scalar variables (no allocation)


def _size(shape) -> int:
    return int(np.prod(shape, dtype=np.int64)) if shape else 1


def _is_small(aval) -> bool:
    return aval.shape != () and 0 < _size(aval.shape) <= SMALL


class _Val:
    """One value in the generated code, in one or more of three forms.

    ``scalar`` (shape ``()``): a name of exactly the dtype.  Otherwise
    ``array``: a C-contiguous array's name, and/or ``elems``: the flattened
    (C-order) element names of a small array.  The missing form of an array
    is made on demand (packed or unpacked once).
    """
    __slots__ = ("aval", "scalar", "array", "elems", "flat")

    def __init__(self, aval, scalar=None, array=None, elems=None):
        self.aval, self.scalar, self.array, self.elems = aval, scalar, array, elems
        self.flat = None

    def copy(self) -> "_Val":
        """The same forms, for a nested block: forms the block adds (packing, unpacking)
        stay inside it instead of leaking names defined only on one path."""
        return _Val(self.aval, self.scalar, self.array, list(self.elems) if self.elems else None)


class _Lowering:
    """Writes the statements of one native function, block by block."""

    def __init__(self):
        self.lines: list[str] = []
        self.indent = 1
        self._n = 0
        self.vals: dict = {}
        self.hoisted_values: list = []  # array constants, passed after the loop's arguments

    # -- emission -----------------------------------------------------------------------------
    def fresh(self, prefix: str = "t") -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    # -- reading values in the form a rule needs -------------------------------------------------
    def val(self, x) -> _Val:
        if type(x) is Literal:
            _dtype_name(x.aval.dtype)
            return _Val(x.aval, scalar=_literal_text(x.val, x.aval.dtype))
        return self.vals[x]

    def s(self, x) -> str:
        """A shape-() value's scalar."""
        return self.val(x).scalar

    def arr(self, x) -> str:
        """An array's name (packing its elements into a new array if needed)."""
        v = self.val(x) if not isinstance(x, _Val) else x
        if v.array is None:
            name = self.fresh("p")
            shape = v.aval.shape
            self.emit(f"{name} = np.empty({_shape_text(shape)}, np.{_dtype_name(v.aval.dtype)})")
            for k, e in enumerate(v.elems):
                idx = ", ".join(str(int(i)) for i in np.unravel_index(k, shape))
                self.emit(f"{name}[{idx}] = {e}")
            v.array = name
        return v.array

    def elem(self, x, k: int) -> str:
        """Element ``k`` (C order) of a value; a scalar is its own every element."""
        v = self.val(x) if not isinstance(x, _Val) else x
        if v.scalar is not None:
            return v.scalar
        if v.elems is not None:
            return v.elems[k]
        if v.flat is None:
            v.flat = self.fresh("f")
            self.emit(f"{v.flat} = {v.array}.reshape(-1)")
        return f"{v.flat}[{k}]"

    def elems(self, x, n: int) -> list[str]:
        return [self.elem(x, k) for k in range(n)]

    def operand(self, x) -> str:
        """Scalar or array name, for the array forms of rules."""
        v = self.val(x)
        return v.scalar if v.scalar is not None else self.arr(v)

    # -- defining values ---------------------------------------------------------------------------
    def _cast(self, aval, expr: str) -> str:
        name = self.fresh("v")
        self.emit(f"{name} = np.{_dtype_name(aval.dtype)}({expr})")
        return name

    def set_scalar(self, var, expr: str) -> None:
        if type(var) is not DropVar:
            self.vals[var] = _Val(var.aval, scalar=self._cast(var.aval, expr))

    def set_array(self, var, expr: str) -> None:
        if type(var) is not DropVar:
            name = self.fresh("a")
            self.emit(f"{name} = {expr}")
            self.vals[var] = _Val(var.aval, array=name)

    def set_contiguous(self, var, expr: str) -> None:
        """``expr`` is a view: copy it to C order (one numba type per value)."""
        self.set_array(var, f"np.ascontiguousarray({expr})")

    def set_elems(self, var, exprs: list[str]) -> None:
        if type(var) is not DropVar:
            self.vals[var] = _Val(var.aval, elems=[self._cast(var.aval, e) for e in exprs])

    def set_value(self, var, expr: str, aval=None) -> None:
        """``var`` from an expression evaluating to its scalar or array."""
        if (aval or var.aval).shape == ():
            self.set_scalar(var, expr)
        else:
            self.set_array(var, expr)

    # -- jaxprs ---------------------------------------------------------------------------------
    def lower_jaxpr(self, jaxpr: Jaxpr, consts: list, ins: list[_Val]) -> list[_Val]:
        for v, c in zip(jaxpr.constvars, consts, strict=True):
            self.vals[v] = self.hoisted(c, v.aval)
        for v, x in zip(jaxpr.invars, ins, strict=True):
            self.vals[v] = x
        for eqn in jaxpr.eqns:
            self.lower_eqn(eqn)
        return [self.val(v) for v in jaxpr.outvars]

    def lower_closed(self, closed: ClosedJaxpr, ins: list[_Val]) -> list[_Val]:
        return self.lower_jaxpr(closed.jaxpr, list(closed.consts), ins)

    def hoisted(self, value, aval) -> _Val:
        """A constant of a jaxpr: a scalar inline, an array as an extra loop argument."""
        _dtype_name(aval.dtype)
        if aval.shape == ():
            return _Val(aval, scalar=_literal_text(np.asarray(value), aval.dtype))
        name = f"a_h{len(self.hoisted_values)}"
        self.hoisted_values.append(np.asarray(value))
        return _Val(aval, array=name)

    def lower_eqn(self, eqn) -> None:
        name = eqn.primitive.name
        if getattr(eqn.primitive, "exact_xla_kernel", False):
            # a same-named twin computing XLA's bits (lax/xla_math.py), not NumPy's
            raise Unsupported(f"XLA-exact '{name}'")
        for v in [*eqn.invars, *eqn.outvars]:
            if type(v) is not DropVar:
                _dtype_name(v.aval.dtype)
        if name in _ELEMENTWISE:
            _elementwise(self, eqn, _ELEMENTWISE[name])
        elif name in _SHUFFLES and (eqn.outvars[0].aval.shape == () or
                                    _is_small(eqn.outvars[0].aval)):
            _shuffle(self, eqn)
        elif name in _RULES:
            _RULES[name](self, eqn)
        elif name in _REDUCERS:
            _reduce(self, eqn, *_REDUCERS[name])
        else:
            raise Unsupported(f"primitive '{name}'")

    # -- loop-carried values ---------------------------------------------------------------------
    def carry_slots(self, vals: list[_Val]) -> list[_Val]:
        """Variables a loop reassigns each iteration, initialised from ``vals``: scalars and
        small arrays as scalar variables, other arrays as one array variable."""
        slots = []
        for v in vals:
            aval = v.aval
            if aval.shape == ():
                slot = _Val(aval, scalar=self.fresh("k"))
                self.emit(f"{slot.scalar} = {v.scalar}")
            elif _is_small(aval):
                n = _size(aval.shape)
                slot = _Val(aval, elems=[self.fresh("k") for _ in range(n)])
                for name, e in zip(slot.elems, self.elems(v, n)):
                    self.emit(f"{name} = {e}")
            else:
                slot = _Val(aval, array=self.fresh("k"))
                self.emit(f"{slot.array} = {self.arr(v)}")
            slots.append(slot)
        return slots

    def assign(self, slots: list[_Val], vals: list[_Val]) -> None:
        """Store new values into carry slots, through temporaries: a new value may read an
        old one that is assigned before it."""
        pending = []
        for slot, v in zip(slots, vals, strict=True):
            if slot.scalar is not None:
                t = self.fresh()
                self.emit(f"{t} = {v.scalar}")
                pending.append((slot.scalar, t))
            elif slot.elems is not None:
                for name, e in zip(slot.elems, self.elems(v, len(slot.elems))):
                    t = self.fresh()
                    self.emit(f"{t} = {e}")
                    pending.append((name, t))
            else:
                t = self.fresh()
                self.emit(f"{t} = {self.arr(v)}")
                pending.append((slot.array, t))
        for name, t in pending:
            self.emit(f"{name} = {t}")


# -- elementwise ----------------------------------------------------------------------------------
# A rule maps operand expressions to the result's expression; ``scalar`` says whether the
# operands are scalars (also per element of a small array) or arrays (NumPy broadcasting).

def _elementwise(lo: _Lowering, eqn, rule) -> None:
    out = eqn.outvars[0]
    if out.aval.shape == ():
        lo.set_scalar(out, rule(lo, eqn, [lo.s(x) for x in eqn.invars], True))
    elif _is_small(out.aval):
        n = _size(out.aval.shape)
        cols = [lo.elems(x, n) if x.aval.shape in ((), out.aval.shape)
                else _broadcast_elems(lo, x, out.aval.shape) for x in eqn.invars]
        lo.set_elems(out, [rule(lo, eqn, [c[k] for c in cols], True) for k in range(n)])
    else:
        lo.set_array(out, rule(lo, eqn, [lo.operand(x) for x in eqn.invars], False))


def _broadcast_elems(lo: _Lowering, x, shape) -> list[str]:
    """Elements of ``x`` broadcast NumPy-style to ``shape`` (batching rules may leave
    size-1 axes for the operation to broadcast)."""
    ids = np.arange(_size(x.aval.shape)).reshape(x.aval.shape)
    try:
        flat = np.broadcast_to(ids, shape).reshape(-1)
    except ValueError:
        raise Unsupported(f"operand of shape {x.aval.shape} for a result of shape "
                          f"{shape}") from None
    return [lo.elem(x, int(i)) for i in flat]


def _template(t: str):
    return lambda lo, eqn, ins, scalar: t.format(*ins)


def _is_int(aval) -> bool:
    return aval.dtype.kind in "iu"


def _scalar_only(eqn, scalar: bool) -> None:
    if not scalar:
        raise Unsupported(f"{eqn.primitive.name} on large integer arrays")


def _div(lo, eqn, ins, scalar):
    if _is_int(eqn.outvars[0].aval):
        _scalar_only(eqn, scalar)
        return f"_int_div({ins[0]}, {ins[1]})"
    return f"({ins[0]} / {ins[1]})"


def _rem(lo, eqn, ins, scalar):
    if _is_int(eqn.outvars[0].aval):
        _scalar_only(eqn, scalar)
        return f"_int_rem({ins[0]}, {ins[1]})"
    return f"np.fmod({ins[0]}, {ins[1]})"


def _bitwise(lo, eqn, ins, scalar):
    logical, op = _BITWISE[eqn.primitive.name]
    if eqn.outvars[0].aval.dtype == np.bool_:
        return f"{logical}({ins[0]}, {ins[1]})"
    return f"({ins[0]} {op} {ins[1]})"


def _not(lo, eqn, ins, scalar):
    fn = "np.logical_not" if eqn.outvars[0].aval.dtype == np.bool_ else "np.invert"
    return f"{fn}({ins[0]})"


def _one(aval) -> str:
    return _literal_text(1, aval.dtype)


def _rsqrt(lo, eqn, ins, scalar):
    return f"({_one(eqn.outvars[0].aval)} / np.sqrt({ins[0]}))"


def _logistic(lo, eqn, ins, scalar):
    one = _one(eqn.outvars[0].aval)
    return f"({one} / ({one} + np.exp(-{ins[0]})))"


def _integer_pow(lo, eqn, ins, scalar):
    """``x ** y`` by repeated squaring (y a static int), as a chain of products."""
    x, y = ins[0], int(eqn.params["y"])
    out = eqn.outvars[0]
    if y == 0:
        one = _one(out.aval)
        return one if scalar else f"np.full({_shape_text(out.aval.shape)}, {one})"
    acc, base, n = None, x, abs(y)
    while n:
        if n & 1:
            acc = base if acc is None else f"({acc} * {base})"
        n >>= 1
        if n:
            sq = lo.fresh()
            lo.emit(f"{sq} = {base} * {base}")
            base = sq
    return f"({_one(out.aval)} / {acc})" if y < 0 else acc


def _select_n(lo, eqn, ins, scalar):
    pred, *cases = ins
    if len(cases) == 1:
        return cases[0]
    if eqn.invars[0].aval.dtype == np.bool_:
        return (f"({cases[1]} if {pred} else {cases[0]})" if scalar
                else f"np.where({pred}, {cases[1]}, {cases[0]})")
    expr = cases[-1]
    for k in range(len(cases) - 2, -1, -1):
        test = f"({pred} == {k})" if k else f"({pred} <= 0)"
        expr = (f"({cases[k]} if {test} else {expr})" if scalar
                else f"np.where({test}, {cases[k]}, {expr})")
    return expr


def _clamp(lo, eqn, ins, scalar):
    low, x, high = ins
    return f"np.minimum(np.maximum({x}, {low}), {high})"


def _convert(lo, eqn, ins, scalar):
    src, dst = eqn.invars[0].aval.dtype, eqn.outvars[0].aval.dtype
    val = ins[0]
    if src == dst:
        return val
    if dst == np.bool_:
        return f"({val} != {_literal_text(0, src)})"
    if src.kind == "c" and dst.kind != "c":
        raise Unsupported("complex to real conversion")
    if src.kind == "f" and dst.kind in "iu":
        _scalar_only(eqn, scalar)
        info = np.iinfo(dst)
        return f"_float_to_int({val}, {_literal_text(info.min, dst)}, " \
               f"{_literal_text(info.max, dst)})"
    return val if scalar else f"{val}.astype(np.{_dtype_name(dst)})"


def _tanh(lo, eqn, ins, scalar):
    """float32 tanh without libm (``native_support``): an array loop over it vectorises."""
    if eqn.outvars[0].aval.dtype == np.float32:
        return f"_tanh_f32_scalar({ins[0]})" if scalar else f"_tanh_f32_array({ins[0]})"
    return f"np.tanh({ins[0]})"


_ELEMENTWISE = {name: _template(t) for name, t in {**_UNARY, **_BINARY}.items()}
_ELEMENTWISE.update({
    "div": _div, "rem": _rem, "and": _bitwise, "or": _bitwise, "xor": _bitwise, "not": _not,
    "rsqrt": _rsqrt, "logistic": _logistic, "integer_pow": _integer_pow,
    "select_n": _select_n, "clamp": _clamp, "convert_element_type": _convert, "tanh": _tanh,
})


# -- structural ops on small values: index shuffles resolved while generating code ----------------

_SHUFFLES = {"reshape", "squeeze", "broadcast_in_dim", "slice", "rev", "transpose",
             "concatenate", "pad", "expand_dims"}


def _shuffle(lo: _Lowering, eqn) -> None:
    """Apply the primitive's own implementation to arrays of element ids: the result says
    which operand element each output element is, so no code moves data."""
    ids, sources, base = [], [], 0
    for x in eqn.invars:
        n = _size(x.aval.shape)
        ids.append(np.arange(base, base + n, dtype=np.int64).reshape(x.aval.shape))
        sources += [(x, k) for k in range(n)]
        base += n
    out_ids = np.asarray(eqn.primitive.impl(*ids, **eqn.params)).reshape(-1)
    exprs = [lo.elem(*sources[int(i)]) for i in out_ids]
    out = eqn.outvars[0]
    if out.aval.shape == ():
        lo.set_scalar(out, exprs[0])
    else:
        lo.set_elems(out, exprs)


# -- structural ops on arrays --------------------------------------------------------------------

def _reshape_array(lo: _Lowering, var, src_shape, val: str) -> None:
    shape = var.aval.shape
    if src_shape == shape:
        lo.set_value(var, val)
    elif src_shape == ():
        lo.set_array(var, f"np.full({_shape_text(shape)}, {val})")
    elif shape == ():
        lo.set_scalar(var, f"{val}.reshape(-1)[0]")
    else:
        lo.set_array(var, f"{val}.reshape({_shape_text(shape)})")


def _reshape(lo: _Lowering, eqn) -> None:
    if eqn.params.get("dimensions") is not None:
        raise Unsupported("reshape with dimensions")
    x = eqn.invars[0]
    _reshape_array(lo, eqn.outvars[0], x.aval.shape, lo.operand(x))


def _broadcast_in_dim(lo: _Lowering, eqn) -> None:
    x, out = eqn.invars[0], eqn.outvars[0]
    shape, dims = tuple(eqn.params["shape"]), tuple(eqn.params["broadcast_dimensions"])
    val = lo.operand(x)
    if x.aval.shape == ():
        lo.set_array(out, f"np.full({_shape_text(shape)}, {val})")
        return
    expanded = [1] * len(shape)
    for d, n in zip(dims, x.aval.shape):
        expanded[d] = n
    if tuple(expanded) == shape:
        _reshape_array(lo, out, x.aval.shape, val)
        return
    lo.set_contiguous(out, f"np.broadcast_to({val}.reshape({_shape_text(expanded)}), "
                           f"{_shape_text(shape)})")


def _slice(lo: _Lowering, eqn) -> None:
    p = eqn.params
    strides = p["strides"] or (1,) * len(p["start_indices"])
    idx = ", ".join(f"{s}:{e}:{k}" for s, e, k in zip(p["start_indices"], p["limit_indices"],
                                                      strides))
    lo.set_contiguous(eqn.outvars[0], f"{lo.arr(eqn.invars[0])}[{idx},]")


def _rev(lo: _Lowering, eqn) -> None:
    nd = len(eqn.invars[0].aval.shape)
    dims = set(eqn.params["dimensions"])
    idx = ", ".join("::-1" if d in dims else ":" for d in range(nd))
    lo.set_contiguous(eqn.outvars[0], f"{lo.arr(eqn.invars[0])}[{idx},]")


def _transpose(lo: _Lowering, eqn) -> None:
    perm = tuple(eqn.params["permutation"])
    lo.set_contiguous(eqn.outvars[0],
                      f"np.transpose({lo.arr(eqn.invars[0])}, {_shape_text(perm)})")


def _concatenate(lo: _Lowering, eqn) -> None:
    parts = "".join(f"{lo.arr(x)}, " for x in eqn.invars)
    lo.set_array(eqn.outvars[0],
                 f"np.concatenate(({parts}), axis={int(eqn.params['dimension'])})")


def _pad(lo: _Lowering, eqn) -> None:
    (x, padval), out = eqn.invars, eqn.outvars[0]
    config = eqn.params["padding_config"]
    if any(low < 0 or high < 0 or interior != 0 for low, high, interior in config):
        raise Unsupported("pad with negative or interior padding of a large array")
    buf = lo.fresh()
    lo.emit(f"{buf} = np.full({_shape_text(out.aval.shape)}, {lo.s(padval)})")
    idx = ", ".join(f"{low}:{low + n}" for (low, _, _), n in zip(config, x.aval.shape))
    lo.emit(f"{buf}[{idx},] = {lo.arr(x)}")
    lo.set_array(out, buf)


def _clamped_starts(lo: _Lowering, starts, operand_shape, sizes) -> list[str]:
    """Start indices clamped into range, as lax's dynamic slicing does."""
    out = []
    for s, dim, size in zip(starts, operand_shape, sizes):
        name = lo.fresh()
        lo.emit(f"{name} = min(max(np.int64({lo.s(s)}), 0), {int(dim) - int(size)})")
        out.append(name)
    return out


def _dynamic_slice(lo: _Lowering, eqn) -> None:
    x, *starts = eqn.invars
    sizes = eqn.params["slice_sizes"]
    idx = _clamped_starts(lo, starts, x.aval.shape, sizes)
    sl = ", ".join(f"{i}:{i} + {int(n)}" for i, n in zip(idx, sizes))
    lo.set_contiguous(eqn.outvars[0], f"{lo.arr(x)}[{sl},]")


def _dynamic_update_slice(lo: _Lowering, eqn) -> None:
    x, upd, *starts = eqn.invars
    sizes = upd.aval.shape
    idx = _clamped_starts(lo, starts, x.aval.shape, sizes)
    buf = lo.fresh()
    lo.emit(f"{buf} = {lo.arr(x)}.copy()")
    sl = ", ".join(f"{i}:{i} + {int(n)}" for i, n in zip(idx, sizes))
    lo.emit(f"{buf}[{sl},] = {lo.operand(upd)}")
    lo.set_array(eqn.outvars[0], buf)


_SCATTER_OPS = {"scatter": "{0} = {1}", "scatter-add": "{0} += {1}",
                "scatter-sub": "{0} -= {1}", "scatter-mul": "{0} *= {1}",
                "scatter-min": "{0} = np.minimum({0}, {1})",
                "scatter-max": "{0} = np.maximum({0}, {1})"}


def _scatter(lo: _Lowering, eqn) -> None:
    """A scatter of one update window (what ``x.at[i].set(v)`` traces to): a copy of the
    operand with the window updated in place, out-of-bounds windows as the mode says."""
    operand, indices, updates = eqn.invars
    p = eqn.params
    dn = p["dimension_numbers"]
    if indices.aval.shape[:-1] not in ((), (1,)) or dn.operand_batching_dims or \
            p.get("update_consts"):
        raise Unsupported(f"{eqn.primitive.name} of more than one index vector")
    k = indices.aval.shape[-1] if indices.aval.shape else 1
    oshape, ushape = operand.aval.shape, updates.aval.shape
    if len(dn.update_window_dims) != len(ushape):
        raise Unsupported(f"{eqn.primitive.name} with scatter dimensions in the updates")
    window, u_dims = [], iter(ushape)
    for d in range(len(oshape)):
        window.append(1 if d in dn.inserted_window_dims else next(u_dims))
    starts = ["0"] * len(oshape)
    mode = getattr(p["mode"], "name", str(p["mode"]))
    conds = []
    for j, d in enumerate(dn.scatter_dims_to_operand_dims):
        name = lo.fresh()
        lo.emit(f"{name} = np.int64({lo.elem(indices, j) if k else '0'})")
        hi = int(oshape[d]) - int(window[d])
        if mode == "FILL_OR_DROP":
            conds.append(f"0 <= {name} <= {hi}")
        else:  # CLIP, PROMISE_IN_BOUNDS: the window is clamped into range
            lo.emit(f"{name} = min(max({name}, 0), {hi})")
        starts[d] = name
    buf = lo.fresh()
    lo.emit(f"{buf} = {lo.arr(operand)}.copy()")
    if all(w == 1 for w in window):
        target = f"{buf}[{', '.join(starts)},]" if oshape else buf
        value = lo.elem(updates, 0)
    else:
        target = f"{buf}[{', '.join(f'{s}:{s} + {w}' for s, w in zip(starts, window))},]"
        value = f"{lo.arr(updates)}.reshape({_shape_text(window)})"
    if conds:
        lo.emit(f"if {' and '.join(conds)}:")
        lo.emit("    " + _SCATTER_OPS[eqn.primitive.name].format(target, value))
    else:
        lo.emit(_SCATTER_OPS[eqn.primitive.name].format(target, value))
    lo.vals[eqn.outvars[0]] = _Val(eqn.outvars[0].aval, array=buf)


def _iota(lo: _Lowering, eqn) -> None:
    p = eqn.params
    shape, dim = tuple(p["shape"]), int(p["dimension"])
    out = eqn.outvars[0]
    if _is_small(out.aval):
        idx = np.broadcast_to(np.arange(shape[dim]).reshape(
            [shape[dim] if d == dim else 1 for d in range(len(shape))]), shape).reshape(-1)
        lo.set_elems(out, [str(int(i)) for i in idx])
        return
    dt = _dtype_name(p["dtype"])
    expanded = [1] * len(shape)
    expanded[dim] = shape[dim]
    lo.set_contiguous(out, f"np.broadcast_to(np.arange({shape[dim]}).astype(np.{dt})"
                           f".reshape({_shape_text(expanded)}), {_shape_text(shape)})")


# -- reductions and contractions ---------------------------------------------------------------

_REDUCERS = {"reduce_sum": ("np.sum", "({0} + {1})"),
             "reduce_prod": ("np.prod", "({0} * {1})"),
             "reduce_max": ("np.max", "np.maximum({0}, {1})"),
             "reduce_min": ("np.min", "np.minimum({0}, {1})"),
             "reduce_and": ("np.all", "({0} and {1})"),
             "reduce_or": ("np.any", "({0} or {1})")}


_ROW_REDUCERS = {"np.max": "_rows_max", "np.min": "_rows_min", "np.prod": "_rows_prod",
                 "np.all": "_rows_all", "np.any": "_rows_any"}


def _reduce(lo: _Lowering, eqn, fn: str, combine: str) -> None:
    x, out = eqn.invars[0], eqn.outvars[0]
    axes = sorted(int(a) for a in eqn.params["axes"])
    shape = x.aval.shape
    if not axes:
        lo.vals[out] = lo.val(x)
        return
    if _size(shape) <= SMALL and _size(shape) > 0:
        # element groups computed now; each output a chain of scalar combines
        ids = np.arange(_size(shape)).reshape(shape)
        keep = [d for d in range(len(shape)) if d not in axes]
        groups = np.transpose(ids, keep + axes).reshape(_size(out.aval.shape), -1)
        exprs = []
        for g in groups:
            acc = lo.elem(x, int(g[0]))
            for i in g[1:]:
                acc = combine.format(acc, lo.elem(x, int(i)))
            exprs.append(acc)
        if out.aval.shape == ():
            lo.set_scalar(out, exprs[0])
        else:
            lo.set_elems(out, exprs)
        return
    val = lo.arr(x)
    if len(axes) == len(shape):
        lo.set_scalar(out, f"{fn}({val})")
        return
    if fn == "np.sum":
        for a in reversed(axes):  # numba's axis= takes one int: highest axis first
            nxt = lo.fresh()
            lo.emit(f"{nxt} = np.sum({val}, axis={a})")
            val = nxt
        lo.set_value(out, val)
        return
    # other reductions take no axis in numba: reduced axes last, then one row each
    keep = [d for d in range(len(shape)) if d not in axes]
    m, k = _size([shape[d] for d in keep]), _size([shape[d] for d in axes])
    if m == 0 or k == 0:
        raise Unsupported(f"{eqn.primitive.name} over an empty axis")
    rows = lo.fresh()
    lo.emit(f"{rows} = np.ascontiguousarray(np.transpose({val}, "
            f"{_shape_text(keep + axes)})).reshape(({m}, {k}))")
    lo.set_array(out, f"{_ROW_REDUCERS[fn]}({rows}).reshape({_shape_text(out.aval.shape)})")


def _argminmax(lo: _Lowering, eqn) -> None:
    x, out = eqn.invars[0], eqn.outvars[0]
    if len(x.aval.shape) != 1 or x.aval.dtype.kind not in "iuf":
        raise Unsupported(f"{eqn.primitive.name} of rank other than 1")
    fn = "np.argmax" if eqn.primitive.name == "argmax" else "np.argmin"
    lo.set_scalar(out, f"{fn}({lo.arr(x)})")


def _dot_general(lo: _Lowering, eqn) -> None:
    (lhs, rhs), out = eqn.invars, eqn.outvars[0]
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    ls, rs = lhs.aval.shape, rhs.aval.shape
    lf = [d for d in range(len(ls)) if d not in lc and d not in lb]
    rf = [d for d in range(len(rs)) if d not in rc and d not in rb]
    b = _size([ls[d] for d in lb])
    m, k, n = (_size([ls[d] for d in lf]), _size([ls[d] for d in lc]),
               _size([rs[d] for d in rf]))
    if (out.aval.shape == () or _is_small(out.aval)) and k <= 4 * SMALL:
        _dot_unrolled(lo, eqn, [*lb, *lf, *lc], [*rb, *rc, *rf], (b, m, k, n))
        return
    if lb or rb:
        raise Unsupported("dot_general with batch dimensions on large arrays")
    if not (lhs.aval.dtype == rhs.aval.dtype == out.aval.dtype) or \
            lhs.aval.dtype.kind not in "fc":
        raise Unsupported("dot_general of large arrays outside float/complex of one dtype")
    a = _as_matrix(lo, lhs, [*lf, *lc], (m, k))
    bm = _as_matrix(lo, rhs, [*rc, *rf], (k, n))
    prod = lo.fresh()
    lo.emit(f"{prod} = _matmul({a}, {bm})")
    _reshape_array(lo, out, (m, n), prod)


def _dot_unrolled(lo: _Lowering, eqn, lorder, rorder, dims) -> None:
    """A small contraction as sums of scalar products (element ids resolved now)."""
    (lhs, rhs), out = eqn.invars, eqn.outvars[0]
    b, m, k, n = dims
    lids = np.transpose(np.arange(_size(lhs.aval.shape)).reshape(lhs.aval.shape),
                        lorder).reshape(b, m, k)
    rids = np.transpose(np.arange(_size(rhs.aval.shape)).reshape(rhs.aval.shape),
                        rorder).reshape(b, k, n)
    dt = _dtype_name(out.aval.dtype)
    exprs = []
    for bi in range(b):
        for mi in range(m):
            for ni in range(n):
                terms = [f"np.{dt}({lo.elem(lhs, int(lids[bi, mi, ki]))}) * "
                         f"np.{dt}({lo.elem(rhs, int(rids[bi, ki, ni]))})" for ki in range(k)]
                exprs.append(" + ".join(terms) if terms else _literal_text(0, out.aval.dtype))
    if out.aval.shape == ():
        lo.set_scalar(out, exprs[0])
    else:
        lo.set_elems(out, exprs)


def _as_matrix(lo: _Lowering, x, order, mat_shape) -> str:
    val = lo.operand(x)
    shape = x.aval.shape
    if shape == ():
        name = lo.fresh()
        lo.emit(f"{name} = np.full((1, 1), {val})")
        return name
    if list(order) != list(range(len(shape))):
        t = lo.fresh()
        lo.emit(f"{t} = np.ascontiguousarray(np.transpose({val}, {_shape_text(order)}))")
        val = t
    name = lo.fresh()
    lo.emit(f"{name} = {val}.reshape({_shape_text(mat_shape)})")
    return name


# -- calls and control flow ---------------------------------------------------------------------

def _inline(param: str):
    def rule(lo: _Lowering, eqn) -> None:
        closed = eqn.params[param]
        jaxpr = closed.jaxpr if isinstance(closed, ClosedJaxpr) else closed
        consts = list(closed.consts) if isinstance(closed, ClosedJaxpr) else []
        outs = lo.lower_jaxpr(jaxpr, consts, [lo.val(x) for x in eqn.invars])
        for v, o in zip(eqn.outvars, outs, strict=True):
            if type(v) is not DropVar:
                lo.vals[v] = o
    return rule


def _result_slots(lo: _Lowering, outvars) -> list[_Val]:
    slots = []
    for v in outvars:
        aval = v.aval
        if aval.shape == ():
            slots.append(_Val(aval, scalar=lo.fresh("r")))
        elif _is_small(aval):
            slots.append(_Val(aval, elems=[lo.fresh("r") for _ in range(_size(aval.shape))]))
        else:
            slots.append(_Val(aval, array=lo.fresh("r")))
    return slots


def _cond(lo: _Lowering, eqn) -> None:
    index, *ops = eqn.invars
    branches = eqn.params["branches"]
    idx, args = lo.s(index), [lo.val(x) for x in ops]
    results = _result_slots(lo, eqn.outvars)
    nb = len(branches)
    for k, br in enumerate(branches):
        if nb == 1:
            head = "if True:"
        elif k == 0:
            head = f"if {idx} <= 0:"
        elif k == nb - 1:
            head = "else:"
        else:
            head = f"elif {idx} == {k}:"
        lo.emit(head)
        lo.indent += 1
        # each branch sees the operands as they are; forms it adds stay inside the branch
        outs = lo.lower_closed(br, [a.copy() for a in args])
        lo.assign(results, outs)
        lo.indent -= 1
    for v, r in zip(eqn.outvars, results, strict=True):
        if type(v) is not DropVar:
            lo.vals[v] = r


def _while(lo: _Lowering, eqn) -> None:
    p = eqn.params
    ins = [lo.val(x) for x in eqn.invars]
    nc, nb = p["cond_nconsts"], p["body_nconsts"]
    carry = lo.carry_slots(ins[nc + nb:])
    _emit_while(lo, p["cond_jaxpr"], p["body_jaxpr"], ins[:nc], ins[nc:nc + nb], carry)
    for v, c in zip(eqn.outvars, carry, strict=True):
        if type(v) is not DropVar:
            lo.vals[v] = c.copy()


def _emit_while(lo, cond_jaxpr, body_jaxpr, cconsts, bconsts, carry) -> None:
    lo.emit("while True:")
    lo.indent += 1
    (pred,) = lo.lower_closed(cond_jaxpr, [v.copy() for v in [*cconsts, *carry]])
    lo.emit(f"if not {pred.scalar}:")
    lo.emit("    break")
    outs = lo.lower_closed(body_jaxpr, [v.copy() for v in [*bconsts, *carry]])
    lo.assign(carry, outs)
    lo.indent -= 1


def _scan(lo: _Lowering, eqn) -> None:
    p = eqn.params
    ins = [lo.val(x) for x in eqn.invars]
    nc, nk = p["num_consts"], p["num_carry"]
    consts, carry = ins[:nc], lo.carry_slots(ins[nc:nc + nk])
    xs = [lo.arr(x) for x in ins[nc + nk:]]
    ys = []
    for v in eqn.outvars[nk:]:
        y = lo.fresh("ys")
        lo.emit(f"{y} = np.empty({_shape_text(v.aval.shape)}, np.{_dtype_name(v.aval.dtype)})")
        ys.append(y)
    i = lo.fresh("i")
    _emit_scan_loop(lo, p["jaxpr"], p["length"], p["reverse"], consts, carry, xs, ys, i, "0")
    for v, c in zip(eqn.outvars[:nk], carry, strict=True):
        if type(v) is not DropVar:
            lo.vals[v] = c.copy()
    for v, y in zip(eqn.outvars[nk:], ys, strict=True):
        if type(v) is not DropVar:
            lo.vals[v] = _Val(v.aval, array=y)


def _emit_scan_loop(lo, jaxpr, length, reverse, consts, carry, xs, ys, i, start) -> None:
    step = lo.fresh("s")
    lo.emit(f"for {step} in range({start}, {int(length)}):")
    lo.indent += 1
    lo.emit(f"{i} = {int(length) - 1} - {step}" if reverse else f"{i} = {step}")
    x_vals = []
    for x, v in zip(xs, jaxpr.jaxpr.invars[len(consts) + len(carry):]):
        if v.aval.shape == ():
            name = lo.fresh("x")
            lo.emit(f"{name} = {x}[{i}]")
            x_vals.append(_Val(v.aval, scalar=name))
        else:
            x_vals.append(_Val(v.aval, array=f"{x}[{i}]"))
    outs = lo.lower_closed(jaxpr, [*(v.copy() for v in [*consts, *carry]), *x_vals])
    for y, o in zip(ys, outs[len(carry):]):
        if o.scalar is not None:
            lo.emit(f"{y}[{i}] = {o.scalar}")
        elif o.elems is not None:
            for k, e in enumerate(o.elems):
                idx = "".join(f", {int(j)}" for j in np.unravel_index(k, o.aval.shape))
                lo.emit(f"{y}[{i}{idx}] = {e}")
        else:
            lo.emit(f"{y}[{i}] = {o.array}")
    lo.assign(carry, outs[:len(carry)])
    lo.indent -= 1


_RULES = {
    "reshape": _reshape, "squeeze": _reshape, "expand_dims": _reshape,
    "broadcast_in_dim": _broadcast_in_dim, "slice": _slice, "rev": _rev,
    "transpose": _transpose, "concatenate": _concatenate, "pad": _pad,
    "dynamic_slice": _dynamic_slice, "dynamic_update_slice": _dynamic_update_slice,
    "iota": _iota, "argmax": _argminmax,
    **{name: _scatter for name in _SCATTER_OPS}, "argmin": _argminmax, "dot_general": _dot_general,
    "jit": _inline("jaxpr"), "pjit": _inline("jaxpr"), "custom_jvp_call": _inline("call_jaxpr"),
    "custom_vjp_call": _inline("call_jaxpr"), "remat": _inline("jaxpr"),
    "checkpoint": _inline("jaxpr"), "cond": _cond, "while": _while, "scan": _scan,
}


# -- whole loops ---------------------------------------------------------------------------------

_HEADER = ("import numpy as np\n"
           "from pyjax._src.backend.native_support import (_float_to_int, _int_div, _int_rem,\n"
           "    _matmul, _rows_all, _rows_any, _rows_max, _rows_min, _rows_prod,\n"
           "    _tanh_f32_array, _tanh_f32_scalar)\n")


def _check_avals(closed: ClosedJaxpr) -> None:
    for v in [*closed.jaxpr.invars, *closed.jaxpr.outvars]:
        if type(v) is not Literal:
            _dtype_name(v.aval.dtype)


def _params(lo: _Lowering, prefix: str, avals) -> tuple[list[str], list[_Val]]:
    """Parameters of the loop function: NumPy scalars for shape (), arrays otherwise."""
    names = [f"a_{prefix}{k}" for k in range(len(avals))]  # "a_": never a fresh() name
    vals = [_Val(a, scalar=n) if a.shape == () else _Val(a, array=n)
            for n, a in zip(names, avals)]
    return names, vals


def lower_while(cond_jaxpr: ClosedJaxpr, body_jaxpr: ClosedJaxpr, cond_nconsts: int,
                body_nconsts: int) -> NativeSource:
    """``loop(*cond_consts, *body_consts, *carry, *hoisted) -> carry tuple``."""
    _check_avals(cond_jaxpr)
    _check_avals(body_jaxpr)
    lo = _Lowering()
    cnames, cconsts = _params(lo, "cc", cond_jaxpr.in_avals[:cond_nconsts])
    bnames, bconsts = _params(lo, "bc", body_jaxpr.in_avals[:body_nconsts])
    knames, init = _params(lo, "c", body_jaxpr.in_avals[body_nconsts:])
    carry = lo.carry_slots(init)
    _emit_while(lo, cond_jaxpr, body_jaxpr, cconsts, bconsts, carry)
    return _finish(lo, [*cnames, *bnames, *knames], carry)


def lower_scan(jaxpr: ClosedJaxpr, length: int, reverse: bool, num_consts: int,
               num_carry: int) -> NativeSource:
    """``loop(start, *consts, *carry, *xs, *ys, *hoisted) -> carry tuple``.

    Runs iterations ``start .. length-1`` (counted in loop order, so a reversed
    scan's iteration ``s`` reads and writes index ``length - 1 - s``), writing
    each step's outputs into the preallocated ``ys``.
    """
    _check_avals(jaxpr)
    lo = _Lowering()
    avals = list(jaxpr.in_avals)
    nx = len(avals) - num_consts - num_carry
    ny = len(jaxpr.jaxpr.outvars) - num_carry
    knames, consts = _params(lo, "k", avals[:num_consts])
    cnames, init = _params(lo, "c", avals[num_consts:num_consts + num_carry])
    xs = [f"a_xs{k}" for k in range(nx)]
    ys = [f"a_ys{k}" for k in range(ny)]
    carry = lo.carry_slots(init)
    _emit_scan_loop(lo, jaxpr, length, reverse, consts, carry, xs, ys, "i", "start")
    return _finish(lo, ["start", *knames, *cnames, *xs, *ys], carry)


def _finish(lo: _Lowering, params: list[str], carry: list[_Val]) -> NativeSource:
    outs = [c.scalar if c.scalar is not None else lo.arr(c) for c in carry]
    params = [*params, *(f"a_h{k}" for k in range(len(lo.hoisted_values)))]
    src = (_HEADER + f"\n\ndef loop({', '.join(params)}):\n" + "\n".join(lo.lines)
           + f"\n    return ({''.join(o + ', ' for o in outs)})\n")
    return NativeSource(src, tuple(lo.hoisted_values))
