"""Computing like XLA:CPU: a fused multiply-add in lax ops, and NumPy ports of its kernels.

JAX's samplers are written as ``floats * (maxval - minval) + minval``; XLA:CPU
contracts that multiply-add into one FMA instruction, which rounds once.  NumPy
rounds the product and the sum separately, which differs in about a third of the
elements.  ``fma(a, b, c)`` below returns the correctly rounded ``a * b + c``
with lax ops only (so it traces and batches like any composite):

NOTE[fma-emulation]: the product is split exactly into ``p + e`` (Dekker's
TwoProduct with Veltkamp's splitting, factor ``2**ceil(nmant/2) + 1``), ``c + p``
into ``s + t`` (Knuth's TwoSum), and the result is ``RN(s + RO(t + e))`` where
``RO`` is round-to-odd, itself a TwoSum whose inexact, even results are moved
one ulp toward the discarded error.  This is Boldo and Melquiond's emulation
("Emulation of FMA and correctly rounded sums: proved algorithms using rounding
to odd", IEEE TC 2008): correct for any precision >= 5 barring overflow and
underflow.  Where an intermediate overflows (huge ranges, infinities) the plain
``a * b + c`` is used.  16-bit floats are computed in float32: the product of two
16-bit floats is exact there and the sum rounds once before the final rounding,
which is what XLA does with its float32 upcast.

The NumPy part ports, bit for bit, what XLA:CPU (jaxlib 0.10.2, x86-64 with FMA)
executes for float32 transcendental ops (NOTE[xla-cpu-kernels]):

* ``log_f32`` / ``exp_f32``: its vectorised Cephes polynomials, with the FMAs
  LLVM contracts and the FTZ/DAZ subnormal flushing it runs under;
* ``tan_f32`` / ``pow_f32``: glibc 2.36's ``tanf`` and ``powf`` (FMA variant),
  which XLA:CPU calls for ``tan`` and ``pow``;
* ``log1p_xla`` (a Cephes rational below ``sqrt(2) - 1``, else ``log_f32(1 + x)``)
  and ``erf_inv_xla`` (Giles, "Approximating the erfinv function", GPU Computing
  Gems 2011: ``w = -log1p(-x*x)``; in float32 a degree-8 polynomial in ``w - 2.5``
  (``w < 5``) or ``sqrt(w) - 3``, in float64 three ranges of Giles'
  double-precision polynomials; Horner steps as FMAs; ``erf_inv(+-1) = +-inf``).
  These two are the impls of ``lax.log1p_p`` / ``lax.erf_inv_p`` (owned by
  ``lax/special.py``): they reproduce JAX's ``random.normal``, ``exponential``
  and ``laplace`` bit for bit (``truncated_normal`` also needs XLA's ``erf``,
  not ported: ``lax.erf`` is SciPy's).

The ports cost far more than NumPy's ufuncs, so ``lax.log/exp/tan/pow`` keep
NumPy's; the random samplers bind twins of those primitives whose impls are the
ports (``xla_log`` ... ``xla_pow``, and ``xla_div_by_broadcast`` for XLA's
rewrite of a division by a broadcast; NOTE[xla-twins]).  Exact float32 FMAs in
NumPy: ``_fma32`` (float64 arithmetic with a double-rounding repair); float64:
``_fma64`` (NOTE[fma-emulation] on NumPy arrays).
"""
from __future__ import annotations

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.avals import get_aval

# -- fused multiply-add in lax ops ------------------------------------------------------------

_INT_OF_FLOAT = {np.dtype(np.float32): np.dtype(np.int32), np.dtype(np.float64): np.dtype(np.int64)}


def _lax():
    from pyjax import lax
    return lax


def _c(x, value):
    return np.asarray(value, get_aval(x).dtype)


def _two_sum(a, b):
    lax = _lax()
    s = lax.add(a, b)
    bb = lax.sub(s, a)
    err = lax.add(lax.sub(a, lax.sub(s, bb)), lax.sub(b, bb))
    return s, err


def _veltkamp_split(x, factor):
    lax = _lax()
    t = lax.mul(_c(x, factor), x)
    hi = lax.sub(t, lax.sub(t, x))
    return hi, lax.sub(x, hi)


def _two_prod(a, b, factor):
    lax = _lax()
    p = lax.mul(a, b)
    ah, al = _veltkamp_split(a, factor)
    bh, bl = _veltkamp_split(b, factor)
    err = lax.add(lax.mul(ah, bh), lax.neg(p))
    err = lax.add(lax.add(lax.add(err, lax.mul(ah, bl)), lax.mul(al, bh)), lax.mul(al, bl))
    return p, err


def _round_to_odd_sum(a, b):
    """``a + b`` rounded to odd: inexact sums land on the neighbour with an odd mantissa."""
    lax = _lax()
    u, err = _two_sum(a, b)
    int_dtype = _INT_OF_FLOAT[get_aval(u).dtype]
    bits = lax.bitcast_convert_type(u, int_dtype)
    zero_i = np.asarray(0, int_dtype)
    one_i = np.asarray(1, int_dtype)
    even = lax.eq(lax.bitwise_and(bits, one_i), zero_i)
    inexact = lax.ne(err, _c(err, 0))
    # sign-magnitude: +1 on the bits moves away from zero, -1 toward it
    away = lax.eq(lax.gt(err, _c(err, 0)), lax.gt(u, _c(u, 0)))
    step = lax.select(away, lax.full_like(bits, 1), lax.full_like(bits, -1))
    bits = lax.select(lax.bitwise_and(even, inexact), lax.add(bits, step), bits)
    return lax.bitcast_convert_type(bits, get_aval(u).dtype)


def fma(a, b, c):
    """``a * b + c`` rounded once, like XLA:CPU's contracted multiply-add (see module doc).

    ``a``, ``b`` and ``c`` are floating arrays of one dtype that broadcast together.
    """
    lax = _lax()
    dtype = get_aval(a).dtype
    if dtype.itemsize < 4:  # float16/bfloat16: exact product in float32, one f32 rounding
        f32 = np.dtype(np.float32)
        a32, b32, c32 = (lax.convert_element_type(v, f32) for v in (a, b, c))
        return lax.convert_element_type(lax.add(lax.mul(a32, b32), c32), dtype)
    a, b, c = _broadcast(a, b, c)
    nmant = dtypes.finfo(dtype).nmant + 1
    factor = float(2 ** ((nmant + 1) // 2) + 1)
    p, e = _two_prod(a, b, factor)
    s, t = _two_sum(c, p)
    out = lax.add(s, _round_to_odd_sum(t, e))
    plain = lax.add(lax.mul(a, b), c)
    return lax.select(lax.is_finite(out), out, plain)


def _broadcast(*xs):
    shapes = [get_aval(x).shape for x in xs]
    shape = np.broadcast_shapes(*shapes)
    lax = _lax()
    out = []
    for x, s in zip(xs, shapes, strict=True):
        if s != shape:
            x = lax.broadcast_in_dim(x, shape, tuple(range(len(shape) - len(s), len(shape))))
        out.append(x)
    return out


def is_exact_product_scale(r) -> bool:
    """Whether ``f * r`` is exact for every float ``f`` (r a concrete power of two or 0).

    Then the multiply-add rounds once even without fusion, so the plain ops match.
    """
    try:
        r = np.asarray(r)
    except TypeError:  # a tracer: not known at trace time
        return False
    if r.dtype.kind != "f":
        return False
    r = r.astype(np.float64)
    if not np.all(np.isfinite(r)):
        return False
    mant, _ = np.frexp(r)
    return bool(np.all((mant == 0) | (np.abs(mant) == 0.5)))


# -- exact float arithmetic helpers for the NumPy kernels -------------------------------------

_F32 = np.float32
_I32 = np.int32
_U32 = np.uint32
_TINY32 = _F32(np.finfo(np.float32).tiny)
_BLOCK = 1 << 15   # elements per block: a kernel's temporaries stay in the CPU cache


def _flush32(x):
    """XLA:CPU runs with FTZ/DAZ set: float32 subnormals act as zeros of their sign."""
    return np.where(np.abs(x) < _TINY32, np.copysign(_F32(0), x), x)


def _mul32_ftz(a, b):
    """float32 ``a * b`` flushed as x86 does under FTZ: on the exact product.

    x86 detects tininess before rounding, so a product just below the smallest
    normal that rounds up to it still becomes zero; the exact float64 product
    tells.
    """
    exact = np.multiply(a, b, dtype=np.float64)
    return _pick(np.abs(exact) < float(_TINY32), np.copysign(_F32(0), exact).astype(np.float32),
                 exact.astype(np.float32))


def _pick(mask, a, b):
    """``np.where(mask, a, b)`` by bit masking (numeric operands of one kind).

    NumPy's ``where`` branches per element, which costs some 30x more than a few
    integer ops when the mask is unpredictable, as most masks in these kernels are.
    """
    dtype = np.result_type(a, b)   # before asarray: Python scalars stay weakly typed
    ints = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}[dtype.itemsize]
    ai = np.asarray(a, dtype).view(ints)
    bi = np.asarray(b, dtype).view(ints)
    m = np.negative(np.asarray(mask).astype(ints))   # all ones where mask holds
    return (bi ^ ((ai ^ bi) & m)).view(dtype)


def _fma32(a, b, c):
    """Correctly rounded float32 ``a * b + c`` of float32 values.

    The operands may be float32 or float64 arrays or scalars holding float32
    values (a kernel keeps float64 copies of operands it multiplies by often).

    The product of two float32 values is exact in float64, so ``a * b + c`` in
    float64 rounds once; rounding that to float32 is then correct except when the
    float64 sum fell exactly on a float32 halfway point while the exact sum did
    not (a double rounding).  Those rare elements (the low 29 bits of the float64
    read ``1000...0``) are recomputed: the TwoSum error of the float64 sum says
    which way the exact value lies, and the sum is moved one float64 ulp that way
    before the final rounding.
    """
    s = np.multiply(a, b, dtype=np.float64)
    s += c
    out = s.astype(np.float32)
    halfway = (s.view(np.int64) & 0x1FFFFFFF) == 0x10000000
    if halfway.any():   # mostly exact sums that are genuine ties; only inexact ones move
        idx = np.flatnonzero(halfway)
        p = np.multiply(_gather(a, idx, s.shape), _gather(b, idx, s.shape), dtype=np.float64)
        cc = np.asarray(_gather(c, idx, s.shape), np.float64)
        sh = s.reshape(-1)[idx]
        back = sh - p
        err = (p - (sh - back)) + (cc - back)
        moved = np.nextafter(sh, np.copysign(np.inf, err))
        out.reshape(-1)[idx] = np.where(err != 0, moved, sh).astype(np.float32)
    return out


def _gather(v, idx, shape):
    """``v`` broadcast to ``shape``, at the flat indices ``idx`` (scalars stay scalars)."""
    if np.ndim(v) == 0:
        return v
    v = np.asarray(v)
    if v.shape != shape:
        v = np.broadcast_to(v, shape)
    return v.reshape(-1)[idx] if v.flags.c_contiguous else v[np.unravel_index(idx, shape)]


def _split_np(x):
    t = 134217729.0 * x  # 2**27 + 1
    hi = t - (t - x)
    return hi, x - hi


def _two_sum_np(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _fma64(a, b, c):
    """Correctly rounded float64 ``a * b + c``: the emulation of NOTE[fma-emulation]."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    with np.errstate(all="ignore"):
        p = a * b
        ah, al = _split_np(a)
        bh, bl = _split_np(b)
        e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl
        s, t = _two_sum_np(c, p)
        u, w = _two_sum_np(t, e)
        bits = u.view(np.int64)
        fix = (w != 0) & ((bits & 1) == 0)
        step = _pick((w > 0) == (u > 0), 1, -1)
        v = _pick(fix, bits + step, bits).view(np.float64)
        out = s + v
        return _pick(np.isfinite(out), out, a * b + c)


def _fma_np(a, b, c):
    """Correctly rounded ``a * b + c`` on NumPy float32 or float64 operands."""
    if np.result_type(a, b, c) == np.float32:
        return _fma32(a, b, c)
    return _fma64(a, b, c)


def _blockwise(kernel):
    """Run an elementwise float32 kernel over flat blocks of its broadcast operands.

    A kernel is a long chain of NumPy calls; on blocks its temporaries stay in the
    CPU cache instead of streaming through memory, which roughly halves the time
    on large arrays.
    """
    def run(*args):
        arrs = np.broadcast_arrays(*(np.asarray(a, np.float32) for a in args))
        shape = arrs[0].shape
        flat = [np.ascontiguousarray(a).reshape(-1) for a in arrs]
        n = flat[0].size
        if n <= _BLOCK:
            return kernel(*flat).reshape(shape)
        out = np.empty(n, np.float32)
        for i in range(0, n, _BLOCK):
            out[i:i + _BLOCK] = kernel(*(a[i:i + _BLOCK] for a in flat))
        return out.reshape(shape)
    run.__name__ = kernel.__name__
    run.__doc__ = kernel.__doc__
    return run


def _bits32(*words):
    return [np.array(w, np.uint32).view(np.float32)[()] for w in words]


# -- XLA:CPU's vectorised float32 log and exp ---------------------------------------------------
#
# NOTE[xla-cpu-kernels]: what XLA:CPU in jaxlib 0.10.2 runs for float32 log, exp, tan and pow,
# read from its dumped LLVM IR and object code (XLA_FLAGS=--xla_dump_to) and confirmed bit for
# bit against jax.jit: exhaustively (all 2**32 float32 inputs) for log, exp, tan, log1p and
# erf_inv, on 20 million pairs for pow, exhaustively for float16/bfloat16 log/exp/tan/log1p:
#
# * log and exp of a vectorised loop (every array of 16 or more elements, most small ones, and
#   the log inside log1p) are inlined Cephes polynomials, the ones Eigen's plog/pexp use:
#   log splits x into a mantissa in [sqrt(.5), sqrt(2)) and an exponent and evaluates a
#   degree-8 polynomial in three Horner pieces; exp reduces by n = floor(x log2(e) + 1/2) with
#   a two-constant ln(2) and evaluates a degree-6 polynomial.  LLVM contracts each multiply
#   feeding a single add into an FMA (the ``_fma32`` calls below mirror the object code).
#   exp clamps x to [-87.8, 88.8] and n to [-127, 127]; n = -127 gives exactly 0.
# * tan and pow are calls to the system libm (glibc 2.36 here): ``tanf`` is fdlibm's kernel
#   after a double-precision reduction by pi/2 (a 192-bit 4/pi table above |x| = 120), plain
#   float arithmetic without FMA; ``powf`` is the table-driven double-precision log2/exp2 of
#   glibc's ``__powf_fma`` variant (FMA contractions as in its object code).
# * the executable runs with FTZ and DAZ: subnormal float32 inputs act as zeros and subnormal
#   results become zeros (``_flush32``, ``_mul32_ftz``: x86 judges tininess before rounding);
#   e.g. log(1e-40) = -inf and exp(-87.34) = 0.
# * which kernel an op gets depends on how XLA vectorises the compiled loop, not on eager
#   versus jit (eager ops are single-op jits): a log/exp over a few elements (e.g. 3, 5, 6 or
#   7, or the odd tail of 11 to 15, standalone or fused) calls glibc's ``logf``/``expf``
#   instead, which differ from the polynomials in the last bit for about 8% of inputs.  The
#   ports here are the vectorised kernels only.
#
# float16/bfloat16 are computed in float32 and rounded, as XLA does (checked exhaustively).
# float64 uses other kernels (not ported: NumPy's results are used).

_LOG_P = _bits32(0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF, 0xBE2AAE50,
                 0x3E4CCEAC, 0xBE7FFFFC, 0x3EAAAAAA)
_LN2_LO, _LN2_HI, _SQRT_HALF = _bits32(0xB95E8083, 0x3F318000, 0x3F3504F3)
_EXP_P = _bits32(0x39506967, 0x3AB743CE, 0x3C088908, 0x3D2AA9C1, 0x3E2AAAAA)
_LOG2E, = _bits32(0x3FB8AA3B)


@_blockwise
def log_f32(x):
    """XLA:CPU's vectorised float32 ``log`` (NOTE[xla-cpu-kernels])."""
    f = _F32
    p = _LOG_P
    with np.errstate(all="ignore"):
        x = _flush32(x)
        bits = np.fmax(x, _TINY32).view(_I32)   # NaN and x <= tiny: any normal input will do
        e = ((bits >> 23) - 127).astype(np.float32) + f(1)
        m = ((bits & _I32(-0x7F800001)) | _I32(0x3F000000)).view(np.float32)  # in [1/2, 1)
        low = m < _SQRT_HALF
        t = (m - f(1)) + _pick(low, m, f(0))   # 2m - 1 below sqrt(1/2), else m - 1
        e = e - low.astype(np.float32)
        t2 = t * t
        t3 = t2 * t
        t64, t3_64 = t.astype(np.float64), t3.astype(np.float64)
        y = _fma32(_fma32(t64, p[0], p[1]), t64, p[2])
        y1 = _fma32(_fma32(t64, p[3], p[4]), t64, p[5])
        y2 = _fma32(_fma32(t64, p[6], p[7]), t64, p[8])
        y = _fma32(_fma32(y, t3_64, y1), t3_64, y2)
        y = _fma32(y, t3_64, _LN2_LO * e)
        out = _fma32(e, _LN2_HI, _fma32(f(-0.5), t2, t) + y)
        out = _pick((x < 0) | np.isnan(x), f(np.nan), out)
        out = _pick(x == 0, f(-np.inf), out)
        return _pick(x == np.inf, f(np.inf), out)


@_blockwise
def exp_f32(x):
    """XLA:CPU's vectorised float32 ``exp`` (NOTE[xla-cpu-kernels])."""
    f = _F32
    with np.errstate(all="ignore"):
        x = np.minimum(np.maximum(x, f(-87.8)), f(88.8))   # NaN stays NaN
        n = np.floor(_fma32(x, _LOG2E, f(0.5)))
        n = np.minimum(np.maximum(n, f(-127)), f(127))
        r = _fma32(-n, _LN2_HI, x)
        r = _fma32(-n, _LN2_LO, r)
        r64 = r.astype(np.float64)
        y = _EXP_P[0]
        for c in (*_EXP_P[1:], f(0.5)):
            y = _fma32(y, r64, c)
        y = _fma32(y, r * r, r) + f(1)
        k = _pick(np.isnan(n), f(0), n).astype(_I32)
        scale = ((k + _I32(127)) << 23).view(np.float32)   # 2**n, and 0 for n = -127
        return _mul32_ftz(y, scale)


# -- glibc's tanf (libm of the system XLA:CPU runs on) -------------------------------------------

_TAN_T = _bits32(0x3eaaaaab, 0x3e088889, 0x3d5d0dd1, 0x3cb327a4, 0x3c11371f, 0x3b6b6916,
                 0x3abede48, 0x3a1a26c8, 0x398137b9, 0x38a3f445, 0x3895c07a, 0xb79bae5f,
                 0x37d95384)
_PIO4_HI, _PIO4_LO = _bits32(0x3f490fda, 0x33222168)
_TWO_OVER_PI_2_24 = float.fromhex("0x1.45F306DC9C883p+23")   # 2/pi, scaled for the quadrant
_HALF_PI = float.fromhex("0x1.921FB54442D18p0")
_PI_2_M62 = float.fromhex("0x1.921FB54442D18p-62")
# 4/pi in hex (192 bits); the reduction reads 32-bit windows of it ending 8 bits apart
_FOUR_OVER_PI = "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041"
_INV_PIO4 = np.array([int(_FOUR_OVER_PI[:2 * j + 2], 16) & 0xFFFFFFFF for j in range(24)],
                     np.uint64)


def _tan_reduce_large(bits):
    """|x| >= 120: x mod pi/2 by exact fixed-point multiplication with 4/pi (as glibc)."""
    u64 = np.uint64
    xi = bits.astype(np.uint64)
    idx = ((xi >> u64(26)) & u64(15)).astype(np.intp)
    m = ((xi & u64(0xFFFFFF)) | u64(0x800000)) << ((xi >> u64(23)) & u64(7))
    hi = (m * _INV_PIO4[idx]) & u64(0xFFFFFFFF)          # a 32-bit product in C
    mid = m * _INV_PIO4[idx + 4]
    lo = m * _INV_PIO4[idx + 8]
    frac = ((lo >> u64(32)) | (hi << u64(32))) + mid     # 2.62 fixed point, mod 2**64
    n = (frac + u64(1 << 61)) >> u64(62)
    frac = frac - (n << u64(62))
    return frac.view(np.int64).astype(np.float64) * _PI_2_M62, n.astype(np.int32)


def _tan_kernel(x, y, iy):
    """fdlibm's ``__kernel_tanf``: tan(x + y) (iy = 1) or -1/tan(x + y) (iy = -1), |x| < pi/4."""
    f = _F32
    t = _TAN_T
    hx = x.view(_I32)
    ix = hx & _I32(0x7fffffff)
    neg = hx < 0
    big = ix >= _I32(0x3f2ca140)   # |x| >= 0.6744: use tan(pi/4 - |x|)
    xa = _pick(big & neg, -x, x)
    ya = _pick(big & neg, -y, y)
    xr = (_PIO4_HI - xa) + (_PIO4_LO - ya)
    x = _pick(big, xr, x)
    y = _pick(big, f(0), y)
    z = x * x
    w = z * z
    r = t[11] * w + t[9]
    v = t[12] * w + t[10]
    for k in (7, 5, 3, 1):
        r = r * w + t[k]
    for k in (8, 6, 4, 2):
        v = v * w + t[k]
    v = z * v
    s = z * x
    r = y + z * (s * (r + v) + y)
    r = r + t[0] * s
    w = x + r
    sign = _pick(neg, f(-1), f(1))
    fy = iy.astype(np.float32)
    out_big = sign * (fy - (x - (w * w / (w + fy) - r)) * f(2))
    # -1/(x + r) to nearly full precision: split w and -1/w at 12 low bits
    wh = (w.view(_I32) & _I32(-4096)).view(np.float32)
    vl = r - (wh - x)
    a = f(-1) / w
    ah = (a.view(_I32) & _I32(-4096)).view(np.float32)
    out_inv = ah + a * ((f(1) + ah * wh) + ah * vl)
    out = _pick(big, out_big, _pick(iy == 1, w, out_inv))
    # pi/4 - |x| below 2**-13: a two-term series
    near = big & (np.abs(xr) < f(2.0 ** -13))
    k = _pick(neg, -iy, iy).astype(np.float32)
    out = _pick(near, k * (f(1) - (2 * iy).astype(np.float32) * xr), out)
    # |x| < 2**-13 on entry: x, -1/x, and 1/|x| for a zero with iy = -1
    tiny_out = _pick(iy == 1, x, _pick(ix == 0, f(1) / np.abs(x), f(-1) / x))
    return _pick(ix < _I32(0x39000000), tiny_out, out)


@_blockwise
def tan_f32(x):
    """glibc 2.36's ``tanf``, which XLA:CPU calls for float32 ``tan`` (NOTE[xla-cpu-kernels])."""
    with np.errstate(all="ignore"):
        bits = x.view(_U32)
        ix = bits & _U32(0x7fffffff)
        small = ix <= _U32(0x3f490fda)                          # |x| <= pi/4: no reduction
        large = ((ix >> _U32(20)) & _U32(0x7ff)) >= _U32(0x42f)  # |x| >= 120
        dx = x.astype(np.float64)
        q = np.trunc(_pick(large, 0.0, dx * _TWO_OVER_PI_2_24)).astype(np.int64)
        n = (q.astype(np.int32) + _I32(0x800000)) >> 24
        red = dx - n.astype(np.float64) * _HALF_PI
        if large.any():
            rl, nl = _tan_reduce_large(bits[large])
            red[large] = _pick(bits[large] >> _U32(31) != 0, -rl, rl)
            n[large] = nl
        y0 = red.astype(np.float32)
        y1 = (red - y0.astype(np.float64)).astype(np.float32)
        iy = _I32(1) - ((n & _I32(1)) << 1)
        y0 = _pick(small, x, y0)
        y1 = _pick(small, _F32(0), y1)
        iy = _pick(small, _I32(1), iy)
        out = _tan_kernel(y0, y1, iy)
        return _pick(ix >= _U32(0x7f800000), x - x, out)   # tan(inf) and tan(nan): nan


# -- glibc's powf (its FMA variant, selected on CPUs with FMA) ------------------------------------

_H = float.fromhex
_POWF_LOG2_TABLE = np.array([   # (1/c, log2(c)) for 16 subintervals of the mantissa
    (_H("0x1.661ec79f8f3bep+0"), _H("-0x1.efec65b963019p-2")),
    (_H("0x1.571ed4aaf883dp+0"), _H("-0x1.b0b6832d4fca4p-2")),
    (_H("0x1.49539f0f010bp+0"), _H("-0x1.7418b0a1fb77bp-2")),
    (_H("0x1.3c995b0b80385p+0"), _H("-0x1.39de91a6dcf7bp-2")),
    (_H("0x1.30d190c8864a5p+0"), _H("-0x1.01d9bf3f2b631p-2")),
    (_H("0x1.25e227b0b8eap+0"), _H("-0x1.97c1d1b3b7afp-3")),
    (_H("0x1.1bb4a4a1a343fp+0"), _H("-0x1.2f9e393af3c9fp-3")),
    (_H("0x1.12358f08ae5bap+0"), _H("-0x1.960cbbf788d5cp-4")),
    (_H("0x1.0953f419900a7p+0"), _H("-0x1.a6f9db6475fcep-5")),
    (1.0, 0.0),
    (_H("0x1.e608cfd9a47acp-1"), _H("0x1.338ca9f24f53dp-4")),
    (_H("0x1.ca4b31f026aap-1"), _H("0x1.476a9543891bap-3")),
    (_H("0x1.b2036576afce6p-1"), _H("0x1.e840b4ac4e4d2p-3")),
    (_H("0x1.9c2d163a1aa2dp-1"), _H("0x1.40645f0c6651cp-2")),
    (_H("0x1.886e6037841edp-1"), _H("0x1.88e9c2c1b9ff8p-2")),
    (_H("0x1.767dcf5534862p-1"), _H("0x1.ce0a44eb17bccp-2")),
])
_POWF_LOG2_POLY = (_H("0x1.27616c9496e0bp-2"), _H("-0x1.71969a075c67ap-2"),
                   _H("0x1.ec70a6ca7baddp-2"), _H("-0x1.7154748bef6c8p-1"),
                   _H("0x1.71547652ab82bp0"))
_EXP2F_POLY = (_H("0x1.c6af84b912394p-5"), _H("0x1.ebfce50fac4f3p-3"), _H("0x1.62e42ff0c52d6p-1"))
_EXP2F_SHIFT = _H("0x1.8p+52") / 32   # adding it rounds to a multiple of 1/32


def _exp2f_table():
    """2**(i/32) correctly rounded to float64, minus ``i << 47`` (glibc's ``__exp2f_data.tab``)."""
    import decimal
    words = []
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        for i in range(32):
            v = float(decimal.Decimal(2) ** (decimal.Decimal(i) / 32))
            words.append(int(np.array(v).view(np.uint64)) - (i << 47))
    return np.array(words, np.uint64)


_EXP2F_TABLE = _exp2f_table()


def _powf_log2(ix):
    """log2 of the positive float with bits ``ix`` (subnormals pre-scaled), in float64."""
    tmp = ix - _U32(0x3f330000)
    i = ((tmp >> _U32(19)) & _U32(15)).astype(np.intp)
    top = tmp & _U32(0xff800000)
    k = (top.view(_I32) >> 23).astype(np.float64)
    z = (ix - top).view(np.float32).astype(np.float64)   # in [0x3f330000, 2 * that)
    invc, logc = _POWF_LOG2_TABLE[i, 0], _POWF_LOG2_TABLE[i, 1]
    a = _POWF_LOG2_POLY
    r = _fma64(z, invc, -1.0)
    r2 = r * r
    y = _fma64(a[0], r, a[1])
    p = _fma64(a[2], r, a[3])
    q = _fma64(a[4], r, logc + k)
    q = _fma64(p, r2, q)
    return _fma64(y, r2 * r2, q)


def _powf_exp2(xd, sign_bias):
    """2**xd in float64 (|xd| < 150); ``sign_bias`` carries the sign into the result's bits."""
    kd = xd + _EXP2F_SHIFT
    ki = kd.view(np.uint64)
    r = xd - (kd - _EXP2F_SHIFT)
    t = _EXP2F_TABLE[(ki & np.uint64(31)).astype(np.intp)] + ((ki + sign_bias) << np.uint64(47))
    c = _EXP2F_POLY
    y = _fma64(_fma64(c[0], r, c[1]), r * r, _fma64(c[2], r, 1.0))
    return y * t.view(np.float64)


def _powf_checkint(iy):
    """0 if the float with bits ``iy`` is not an integer, 1 if an odd one, 2 if even."""
    e = ((iy >> _U32(23)) & _U32(0xff)).astype(np.int32)
    unit = _U32(1) << np.clip(0x7f + 23 - e, 0, 31).astype(np.uint32)
    frac = (iy & (unit - _U32(1))) != 0
    odd = (iy & unit) != 0
    return _pick(e < 0x7f, 0, _pick(e > 0x7f + 23, 2,
                                          _pick(frac, 0, _pick(odd, 1, 2))))


def _zero_inf_nan(i):
    return (_U32(2) * i - _U32(1)) >= _U32(2 * 0x7f800000 - 1)


@_blockwise
def pow_f32(x, y):
    """glibc 2.36's ``powf`` (FMA variant), which XLA:CPU calls for float32 ``pow``.

    x**y = 2**(y log2 x) in float64 with one final rounding, so it is nearly always
    correctly rounded; the special cases follow C99 (pow(x, 0) = 1, pow(1, y) = 1,
    pow(-1, +-inf) = 1, NaN for a negative x and a non-integer y) and DAZ turns a
    subnormal x into 2**-150 (NOTE[xla-cpu-kernels]).
    """
    f = _F32
    with np.errstate(all="ignore"):
        ix = x.view(_U32)
        iy = y.view(_U32)
        x_neg = (ix >> _U32(31)) != 0
        y_neg = (iy >> _U32(31)) != 0
        y_int = _powf_checkint(iy)
        two_x, two_y = _U32(2) * ix, _U32(2) * iy
        nan_in = (two_x > _U32(0xff000000)) | (two_y > _U32(0xff000000))
        # y is +-0, +-inf or NaN
        y_special = _zero_inf_nan(iy)
        out = _pick(two_y == 0, f(1), _pick(
            ix == _U32(0x3f800000), f(1), _pick(
                nan_in, x + y, _pick(
                    two_x == _U32(0x7f000000), f(1), _pick(
                        (two_x < _U32(0x7f000000)) == ~y_neg, f(0), y * y)))))
        # x is +-0, +-inf or NaN
        x_special = ~y_special & _zero_inf_nan(ix)
        x2 = x * x
        x2 = _pick(x_neg & (y_int == 1), -x2, x2)
        out = _pick(x_special, _pick(y_neg, f(1) / x2, x2), out)
        # finite x < 0: NaN unless y is an integer; odd y negates the result
        invalid = ~y_special & ~x_special & x_neg & (y_int == 0)
        out = _pick(invalid, f(np.nan), out)
        regular = ~(y_special | x_special | invalid)
        sign_bias = _pick(x_neg & (y_int == 1), np.uint64(1 << 16), np.uint64(0))
        ax = ix & _U32(0x7fffffff)
        # DAZ: glibc's x * 2**23 of a subnormal is 0, so the scaled bits become -(23 << 23)
        ax = _pick(ax < _U32(0x00800000), _U32(-(23 << 23) & 0xFFFFFFFF), ax)
        ax = _pick(regular, ax, _U32(0x3f800000))
        ylogx = y.astype(np.float64) * _powf_log2(ax)
        beyond = ((ylogx.view(np.uint64) >> np.uint64(47)) & np.uint64(0xffff)) >= \
            np.uint64(0x80bf)   # |y log2 x| >= 126
        over = beyond & (ylogx > _H("0x1.fffffffd1d571p+6"))
        under = beyond & (ylogx < -149.0)
        sign = _pick(sign_bias != 0, f(-1), f(1))
        res = _powf_exp2(_pick(over | under, 0.0, ylogx), sign_bias).astype(np.float32)
        res = _pick(over, sign * f(np.inf), _pick(under, sign * f(0), res))
        return _flush32(_pick(regular, res, out))


# -- dtype dispatch: what lax-level impls call ------------------------------------------------

def _via_f32(kernel, numpy_fn, *args):
    """``kernel`` for float32 (16-bit floats via float32, as XLA), NumPy's for other dtypes."""
    dtype = np.asarray(args[0]).dtype
    if dtype == np.float32:
        return kernel(*args)
    if dtype.kind == "f" and dtype.itemsize == 2 or dtype == dtypes.bfloat16:
        out = kernel(*(np.asarray(a, np.float32) for a in args))
        with np.errstate(over="ignore"):   # float32 results beyond the 16-bit range: inf
            return out.astype(dtype)
    return numpy_fn(*args)


def log_xla(x: np.ndarray) -> np.ndarray:
    """``log`` as XLA:CPU's vectorised float32 kernel computes it (NumPy's for float64/complex)."""
    return _via_f32(log_f32, np.log, np.asarray(x))


def exp_xla(x: np.ndarray) -> np.ndarray:
    """``exp`` as XLA:CPU's vectorised float32 kernel computes it (NumPy's for float64/complex)."""
    return _via_f32(exp_f32, np.exp, np.asarray(x))


def tan_xla(x: np.ndarray) -> np.ndarray:
    """``tan`` as XLA:CPU computes it: glibc's tanf for float32 (NumPy's for float64/complex)."""
    return _via_f32(tan_f32, np.tan, np.asarray(x))


def pow_xla(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x ** y`` as XLA:CPU computes it: glibc's powf for float32 (same-dtype float operands)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype != y.dtype:   # an integer exponent: lax.pow's ordinary impl
        return np.power(x, y.astype(x.dtype))
    return _via_f32(pow_f32, np.power, x, y)


# -- XLA:CPU's erf_inv (and the log1p it uses), in NumPy ----------------------------------------

def _horner_np(x, coeffs):
    """XLA's EvaluatePolynomial: ``p = p * x + c`` from the leading coefficient, as FMAs."""
    p = np.zeros_like(x)
    for c in coeffs:
        p = _fma_np(p, x, np.asarray(c, x.dtype))
    return p


_LOG1P_NUM = (4.5270000862445199635215E-5, 4.9854102823193375972212E-1,
              6.5787325942061044846969E0, 2.9911919328553073277375E1,
              6.0949667980987787057556E1, 5.7112963590585538103336E1,
              2.0039553499201281259648E1)
_LOG1P_DEN = (1., 1.5062909083469192043167E1, 8.3047565967967209469434E1,
              2.2176239823732856465394E2, 3.0909872225312059774938E2,
              2.1642788614495947685003E2, 6.0118660497603843919306E1)


@_blockwise
def _log1p_f32(x):
    with np.errstate(all="ignore"):
        x = _flush32(x)
        x2 = x * x
        ratio = _horner_np(x, _LOG1P_NUM) / _horner_np(x, _LOG1P_DEN)
        small = x + _fma32(_F32(-0.5), x2, (x * x2) * ratio)
        large = log_f32(x + _F32(1))
    return _pick(np.abs(x) < _F32(0.41421356237309504880), small, large)


def log1p_xla(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's log1p: a Cephes rational for ``|x| < sqrt(2) - 1``, else ``log(1 + x)``.

    In float32 the ``log`` is XLA's own kernel (``log_f32``) and subnormal inputs act
    as zeros (DAZ), which makes it bit-exact; float64 uses NumPy's ``log``.
    """
    x = np.asarray(x)
    dtype = x.dtype
    if dtype.itemsize == 2:   # float16/bfloat16: in float32, as XLA upcasts them
        return log1p_xla(x.astype(np.float32)).astype(dtype)
    if dtype == np.float32:
        return _log1p_f32(x)
    with np.errstate(all="ignore"):
        large = np.log((x + dtype.type(1)).astype(np.float64)).astype(dtype)
        x2 = x * x
        ratio = _horner_np(x, _LOG1P_NUM) / _horner_np(x, _LOG1P_DEN)
        small = _fma_np(dtype.type(-0.5), x2, (x * x2) * ratio)
        small = x + small
    return _pick(np.abs(x) < dtype.type(0.41421356237309504880), small, large).astype(dtype)


_ERFINV_F32 = (  # (w < 5, w >= 5) coefficients, leading first
    (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
     -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
    (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
     -0.0076224613, 0.00943887047, 1.00167406, 2.83297682))

_ERFINV_F64 = (  # (w < 6.25, w < 16, w >= 16), leading first
    (-3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18,
     1.115787767802518096e-17, -1.333171662854620906e-16, 2.0972767875968561637e-17,
     6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14,
     2.6335093153082322977e-12, -1.2975133253453532498e-11, -5.4154120542946279317e-11,
     1.051212273321532285e-09, -4.1126339803469836976e-09, -2.9070369957882005086e-08,
     4.2347877827932403518e-07, -1.3654692000834678645e-06, -1.3882523362786468719e-05,
     0.0001867342080340571352, -0.00074070253416626697512, -0.0060336708714301490533,
     0.24015818242558961693, 1.6536545626831027356),
    (2.2137376921775787049e-09, 9.0756561938885390979e-08, -2.7517406297064545428e-07,
     1.8239629214389227755e-08, 1.5027403968909827627e-06, -4.013867526981545969e-06,
     2.9234449089955446044e-06, 1.2475304481671778723e-05, -4.7318229009055733981e-05,
     6.8284851459573175448e-05, 2.4031110387097893999e-05, -0.0003550375203628474796,
     0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
     -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334,
     3.0838856104922207635),
    (-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
     -3.7894654401267369937e-09, 7.6157012080783393804e-09, -1.4960026627149240478e-08,
     2.9147953450901080826e-08, -6.7711997758452339498e-08, 2.2900482228026654717e-07,
     -9.9298272942317002539e-07, 4.5260625972231537039e-06, -1.9681778105531670567e-05,
     7.5995277030017761139e-05, -0.00021503011930044477347, -0.00013871931833623122026,
     1.0103004648645343977, 4.8499064014085844221))


def _erf_inv_edges(x, out):
    return np.where(np.abs(x) == x.dtype.type(1), x * x.dtype.type(np.inf), out)


def erf_inv_f32(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's float32 ``ErfInv``: reproduces JAX's ``random.normal`` bit for bit."""
    return _erf_inv_f32(x)


@_blockwise
def _erf_inv_f32(x):
    x = _flush32(x)   # DAZ/FTZ as in NOTE[xla-cpu-kernels]
    f = np.float32
    with np.errstate(all="ignore"):
        w = -log1p_xla(-(x * x))
        lt = w < f(5)
        w = _pick(lt, w - f(2.5), np.sqrt(w) - f(3)).astype(np.float32)
        lo, hi = (np.array(c, np.float32) for c in _ERFINV_F32)
        p = _pick(lt, lo[0], hi[0])
        for i in range(1, len(lo)):
            p = _fma_np(p, w, _pick(lt, lo[i], hi[i]))
        return _erf_inv_edges(x, _mul32_ftz(p, x)).astype(np.float32)


def erf_inv_f64(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's float64 ``ErfInv`` (Giles' double-precision polynomials, three ranges)."""
    x = np.asarray(x, np.float64)
    c1, c2, c3 = (np.array(c, np.float64) for c in _ERFINV_F64)
    with np.errstate(all="ignore"):
        w = -log1p_xla(-(x * x))
        lt_625, lt_16 = w < 6.25, w < 16.0

        def coeff(i):
            c = np.full_like(x, c1[i])
            if i < 19:
                c = _pick(lt_625, c, c2[i])
            if i < 17:
                c = _pick(lt_16, c, c3[i])
            return c

        w = _pick(lt_625, w - 3.125, np.sqrt(w) - _pick(lt_16, 3.25, 5.0))
        p = coeff(0)
        for i in range(1, 17):
            p = _fma_np(p, w, coeff(i))
        for i in range(17, 19):
            p = _pick(lt_16, _fma_np(p, w, coeff(i)), p)
        for i in range(19, 23):
            p = _pick(lt_625, _fma_np(p, w, coeff(i)), p)
        return _erf_inv_edges(x, p * x)


def erf_inv_xla(x: np.ndarray) -> np.ndarray:
    """XLA:CPU's ``erf_inv`` for float16/bfloat16 (via float32), float32 and float64."""
    x = np.asarray(x)
    if x.dtype == np.float64:
        return erf_inv_f64(x)
    if x.dtype == np.float32:
        return erf_inv_f32(x)
    return erf_inv_f32(x.astype(np.float32)).astype(x.dtype)


# -- primitives that print as log/exp/tan/pow/div but compute like XLA:CPU -------------------

# NOTE[xla-twins]: the random samplers must reproduce JAX's values bit for bit, and JAX's go
# through XLA:CPU's kernels (NOTE[xla-cpu-kernels]) and its algebraic rewrites (a division by
# a broadcast becomes a multiplication by its reciprocal).  The NumPy ports above are far slower
# than NumPy's ufuncs (tens to hundreds of times on large float32 arrays), too slow to be the
# impls of lax.log/exp/tan/pow everywhere, and the rewrite depends on the program, not on the
# operands.  So the samplers bind these twins where JAX's program has those ops: each is a
# separate Primitive carrying the same name, abstract eval, weak-type rule, JVP, transpose
# and batching rule as its lax counterpart, so jaxprs of random functions print exactly as
# JAX's (``log``, ``exp``, ``tan``, ``pow``, ``div``); only the impl differs (float32 and
# 16-bit floats go through the ports, other dtypes through NumPy as before).  The jit
# compiler maps ufunc-valued impls to ufuncs; these impls are plain functions, so compiled
# code calls them as eager does.  Twins are marked ``exact_xla_kernel``: the numba loop
# lowering (backend/native_lowering.py) refuses them, so such loops stay on tier 1.


def _div_by_broadcast(x, y):
    """``x / y`` where ``y`` is a broadcast: XLA rewrites it as ``x * (1 / y)``.

    XLA's algebraic simplifier turns a division by a broadcast (a scalar or a
    reduced axis, e.g. a softmax denominator) into a multiplication by the
    broadcast reciprocal: two roundings instead of one.
    """
    if x.dtype.kind != "f" and x.dtype != dtypes.bfloat16:
        from pyjax._src.lax.elementwise import div_p
        return div_p.impl(x, y)
    with np.errstate(all="ignore"):
        out = x * (np.ones((), y.dtype) / y)
    return _flush32(out) if out.dtype == np.float32 else out


def _twin(orig, impl):
    from pyjax._src.core.primitive import Primitive
    from pyjax._src.lax.elementwise import eager_checks
    twin = Primitive(orig.name)
    twin.exact_xla_kernel = True  # the native loop tier must not lower it to NumPy's op
    twin.def_impl(impl)
    twin.def_abstract_eval(orig.abstract_eval)
    twin.def_weak_type_rule(orig.weak_type_rule)
    eager_checks(twin)
    return twin


def _make_twins():
    from pyjax._src.interpreters import ad, batching
    from pyjax._src.lax import elementwise as ew
    from pyjax._src.lax import special as sp
    log_p = _twin(sp.log_p, log_xla)
    ad.defjvp(log_p, lambda t, x: ew.div(t, x))
    batching.defvectorized(log_p)
    exp_p = _twin(sp.exp_p, exp_xla)
    ad.defjvp2(exp_p, lambda t, ans, x: ew.mul(t, ans))
    batching.defvectorized(exp_p)
    tan_p = _twin(sp.tan_p, tan_xla)
    ad.defjvp2(tan_p, lambda t, ans, x: ew.mul(t, ew.add(ew._const(x, 1), ew.square(ans))))
    batching.defvectorized(tan_p)
    pow_p = _twin(ew.pow_p, pow_xla)
    ad.defjvp2(pow_p, ew._pow_jvp_lhs, ew._pow_jvp_rhs)
    batching.defbroadcasting(pow_p)
    div_p = _twin(ew.div_p, _div_by_broadcast)
    ad.defjvp(div_p,
              lambda t, x, y: ew._broadcast_to_out(ew.div(t, y), ew._out_shape(x, y)),
              lambda t, x, y: ew.mul(ew.mul(ew.neg(t), x), ew.integer_pow(y, -2)))
    ad.primitive_transposes[div_p] = ad.primitive_transposes[ew.div_p]
    batching.defbroadcasting(div_p)
    return log_p, exp_p, tan_p, pow_p, div_p


xla_log_p, xla_exp_p, xla_tan_p, xla_pow_p, xla_div_p = _make_twins()


def xla_log(x):
    """``lax.log`` computed like XLA:CPU (NOTE[xla-twins]); prints as ``log``."""
    return xla_log_p.bind(x)


def xla_exp(x):
    """``lax.exp`` computed like XLA:CPU (NOTE[xla-twins]); prints as ``exp``."""
    return xla_exp_p.bind(x)


def xla_tan(x):
    """``lax.tan`` computed like XLA:CPU (NOTE[xla-twins]); prints as ``tan``."""
    return xla_tan_p.bind(x)


def xla_pow(x, y):
    """``lax.pow`` computed like XLA:CPU (NOTE[xla-twins]); prints as ``pow``."""
    return xla_pow_p.bind(x, y)


def xla_div_by_broadcast(x, y):
    """``lax.div(x, y)`` for a ``y`` that JAX's program broadcasts: XLA computes
    ``x * (1 / y)`` (NOTE[xla-twins]); prints as ``div``."""
    return xla_div_p.bind(x, y)
