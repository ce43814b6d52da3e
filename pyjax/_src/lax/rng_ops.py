"""XLA's random-number primitives: ``rng_bit_generator`` (stateless) and ``rng_uniform``.

    rng_bit_generator[shape, dtype, algorithm, out_sharding] key -> (new_key, bits)
    rng_uniform[shape] a b -> uniform values in [a, b)

``rng_bit_generator`` reproduces XLA:CPU bit for bit (checked against stored
JAX 0.10.2 values in tests/fixtures/rng_ops.json).  The ``uint32[4]`` key is
the little-endian pair of 64-bit words ``(s0, s1)``:

* ``RNG_PHILOX`` and ``RNG_DEFAULT`` (the default on CPU is Philox): Philox-4x32
  with 10 rounds, key ``(lo s0, hi s0)`` and a 128-bit counter whose low word is
  ``s1`` and high word ``s0``; counter ``i`` gives four outputs, laid out
  round-robin, and the new key is ``(s0, s1 + ceil(n / 4))`` (the carry into the
  high word is dropped).  64-bit values join two outputs (low, high).
* ``RNG_THREE_FRY``: Threefry-2x32 (20 rounds), key ``(lo s0, hi s0)``, counter
  ``s1 + i`` split into (low, high) 32-bit words; the two outputs of counter
  ``i`` fill neighbouring positions along the split dimension (the first even
  dimension, else the largest), and the new key is ``(s0, s1 + #counters)``.
  64-bit values use one counter per element: ``y0 | y1 << 32``.
* ``uint8``/``uint16`` take the low bits of the ``uint32`` values.

Its batching rule is JAX's: a batch of keys draws *one* stream from the first
key for the whole batch (``shape`` gains the batch dimension) and only that
key is advanced; the others are returned unchanged.

``rng_uniform`` is XLA's stateful generator: results differ from call to call
and are not reproducible (in JAX either); pyjax draws them from a process-wide
NumPy generator.  It has no JVP and no batching rule, as in JAX.
"""
from __future__ import annotations

import enum

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.dispatch import install_eager_checks
from pyjax._src.core.avals import ShapedArray
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.batching import moveaxis, not_mapped
from pyjax._src.lax.helpers import canonicalize_shape

_U32 = np.dtype(np.uint32)
_U64 = np.dtype(np.uint64)
_UINT_DTYPES = tuple(np.dtype(t) for t in (np.uint8, np.uint16, np.uint32, np.uint64))


class RandomAlgorithm(enum.IntEnum):
    """The algorithm ``rng_bit_generator`` uses (``RNG_DEFAULT`` is Philox on CPU)."""

    RNG_DEFAULT = 0
    RNG_THREE_FRY = 1
    RNG_PHILOX = 2

    def __str__(self):
        return self.name

    __repr__ = enum.Enum.__repr__


# -- the generators, on NumPy words --------------------------------------------------------

_PHILOX_M = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_PHILOX_W = (np.uint32(0x9E3779B9), np.uint32(0xBB67AE85))
_THREEFRY_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))


def _lo(x):
    return (x & np.uint64(0xFFFFFFFF)).astype(_U32)


def _hi(x):
    return (x >> np.uint64(32)).astype(_U32)


def _philox4x32(ctr: list, key: tuple) -> list:
    """Philox-4x32-10 on four uint32 arrays (the counter words) with a 2-word key."""
    x0, x1, x2, x3 = ctr
    k0, k1 = np.uint32(key[0]), np.uint32(key[1])
    with np.errstate(over="ignore"):
        for _ in range(10):
            p0 = x0.astype(_U64) * _PHILOX_M[0]
            p1 = x2.astype(_U64) * _PHILOX_M[1]
            x0, x1, x2, x3 = _hi(p1) ^ x1 ^ k0, _lo(p1), _hi(p0) ^ x3 ^ k1, _lo(p0)
            k0 = np.uint32((int(k0) + int(_PHILOX_W[0])) & 0xFFFFFFFF)
            k1 = np.uint32((int(k1) + int(_PHILOX_W[1])) & 0xFFFFFFFF)
    return [x0, x1, x2, x3]


def _threefry2x32(key: tuple, x0, x1) -> tuple:
    """Threefry-2x32 with 20 rounds (Random123), on uint32 arrays."""
    ks = (np.uint32(key[0]), np.uint32(key[1]),
          np.uint32(key[0] ^ key[1] ^ 0x1BD11BDA))
    with np.errstate(over="ignore"):
        y0, y1 = x0 + ks[0], x1 + ks[1]
        for group in range(5):
            for r in _THREEFRY_ROT[group % 2]:
                y0 = y0 + y1
                y1 = ((y1 << np.uint32(r)) | (y1 >> np.uint32(32 - r))) ^ y0
            y0 = y0 + ks[(group + 1) % 3]
            y1 = y1 + ks[(group + 2) % 3] + np.uint32(group + 1)
    return y0, y1


def _philox_bits(s0: int, s1: int, n: int, wide: bool):
    """(flat uint32 or uint64 values, new s1) of XLA's Philox bit generator."""
    words = 2 * n if wide else n
    n4 = -(-words // 4)
    i = np.arange(n4, dtype=_U64)
    with np.errstate(over="ignore"):
        low = np.uint64(s1) + i
    high = np.where(low < np.uint64(s1), np.uint64((s0 + 1) & (2**64 - 1)), np.uint64(s0))
    outs = _philox4x32([_lo(low), _hi(low), _lo(high), _hi(high)], (s0 & 0xFFFFFFFF,
                                                                     s0 >> 32))
    if wide:
        pairs = [outs[0].astype(_U64) | (outs[1].astype(_U64) << np.uint64(32)),
                 outs[2].astype(_U64) | (outs[3].astype(_U64) << np.uint64(32))]
        flat = np.stack(pairs, axis=1).reshape(-1)[:n]
    else:
        flat = np.stack(outs, axis=1).reshape(-1)[:n]
    return flat, (s1 + n4) & (2**64 - 1)


def _split_dim(shape: tuple) -> int:
    for i, d in enumerate(shape):
        if d % 2 == 0:
            return i
    return int(np.argmax(shape))


def _threefry_bits(s0: int, s1: int, shape: tuple, wide: bool):
    """(values of ``shape``, new s1) of XLA's ThreeFry bit generator."""
    key = (s0 & 0xFFFFFFFF, s0 >> 32)
    if wide:
        n = int(np.prod(shape, dtype=np.int64))
        with np.errstate(over="ignore"):
            ctr = np.uint64(s1) + np.arange(n, dtype=_U64)
        y0, y1 = _threefry2x32(key, _lo(ctr), _hi(ctr))
        vals = y0.astype(_U64) | (y1.astype(_U64) << np.uint64(32))
        return vals.reshape(shape), (s1 + n) & (2**64 - 1)
    if not shape:
        y0, _ = _threefry2x32(key, _lo(np.array([s1], _U64)), _hi(np.array([s1], _U64)))
        return y0.reshape(()), (s1 + 1) & (2**64 - 1)
    dim = _split_dim(shape)
    half = list(shape)
    half[dim] = -(-shape[dim] // 2)
    n = int(np.prod(half, dtype=np.int64))
    with np.errstate(over="ignore"):
        ctr = np.uint64(s1) + np.arange(n, dtype=_U64)
    y0, y1 = _threefry2x32(key, _lo(ctr), _hi(ctr))
    pair = np.stack([y0.reshape(half), y1.reshape(half)], axis=dim + 1)
    full = list(shape)
    full[dim] = 2 * half[dim]
    vals = pair.reshape(full)
    if full[dim] != shape[dim]:
        vals = np.take(vals, np.arange(shape[dim]), axis=dim)
    return vals, (s1 + n) & (2**64 - 1)


def _key_words(key: np.ndarray) -> tuple[int, int]:
    if key.dtype == _U64:
        return int(key[0]), int(key[1])
    k = [int(v) for v in key]
    return k[0] | (k[1] << 32), k[2] | (k[3] << 32)


def _new_key(key: np.ndarray, s0: int, s1: int) -> np.ndarray:
    if key.dtype == _U64:
        return np.array([s0, s1], _U64)
    return np.array([s0 & 0xFFFFFFFF, s0 >> 32, s1 & 0xFFFFFFFF, s1 >> 32], _U32)


# -- rng_bit_generator ---------------------------------------------------------------------


def rng_bit_generator(key, shape, dtype=np.uint32, algorithm=RandomAlgorithm.RNG_DEFAULT,
                      *, out_sharding=None):
    """Stateless random bits from XLA's bit generators (bit-exact with JAX on CPU).

    Most users want :mod:`pyjax.random`; this is the low-level generator.

    Args:
      key: the generator state, ``uint32[4]`` (or ``uint64[2]`` with x64).
      shape: the shape of the bits.
      dtype: ``uint8``, ``uint16``, ``uint32`` (default) or ``uint64``.
      algorithm: a :class:`RandomAlgorithm`; ``RNG_DEFAULT`` is Philox on CPU.
      out_sharding: accepted for JAX compatibility (one device).

    Returns:
      ``(new_key, bits)``: the advanced state and the random bits.

    Raises:
      TypeError: an unsupported dtype, or a key that is not ``uint32[4]``/``uint64[2]``.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> new_key, bits = lax.rng_bit_generator(np.array([1, 2, 3, 4], np.uint32), (2,))
      >>> bits
      Array([ 512747620, 1298009047], dtype=uint32)
    """
    shape = canonicalize_shape(shape, "in rng_bit_generator")
    dtype = _canonical_uint_dtype(dtype)
    algorithm = RandomAlgorithm(algorithm)
    return tuple(rng_bit_generator_p.bind(key, shape=shape, dtype=dtype, algorithm=algorithm,
                                          out_sharding=out_sharding))


def _canonical_uint_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in _UINT_DTYPES:
        raise TypeError(f"rng_bit_generator: unsupported dtype {dt.name}")
    dtypes.check_user_dtype_supported(dt, "rng_bit_generator")  # x64 truncation warning
    canon = dtypes.canonicalize_dtype(dt)
    return canon


def _rng_bit_generator_abstract_eval(key, *, shape, dtype, algorithm, out_sharding):
    del algorithm, out_sharding  # unused
    if not ((key.shape == (4,) and key.dtype == _U32) or
            (key.shape == (2,) and key.dtype == _U64)):
        raise TypeError(f"rng_bit_generator: the key must be uint32[4] (or uint64[2]), got "
                        f"{key.str_short(short_dtypes=False)}")
    return [ShapedArray(key.shape, key.dtype, key.weak_type), ShapedArray(shape, dtype)]


def _rng_bit_generator_impl(key, *, shape, dtype, algorithm, out_sharding):
    del out_sharding  # unused
    s0, s1 = _key_words(np.asarray(key))
    wide = np.dtype(dtype).itemsize == 8
    if algorithm == RandomAlgorithm.RNG_THREE_FRY:
        vals, s1 = _threefry_bits(s0, s1, tuple(shape), wide)
    else:
        n = int(np.prod(shape, dtype=np.int64))
        flat, s1 = _philox_bits(s0, s1, n, wide)
        vals = flat.reshape(shape)
    return [_new_key(np.asarray(key), s0, s1), np.asarray(vals).astype(dtype)]


def _rng_bit_generator_batch_rule(axis_data, vals, dims, *, shape, dtype, algorithm,
                                  out_sharding):
    """JAX's rule: one stream from the first key for the whole batch (module docstring)."""
    (keys,), (bdim,) = vals, dims
    if bdim is not_mapped:
        outs = rng_bit_generator_p.bind(keys, shape=shape, dtype=dtype, algorithm=algorithm,
                                        out_sharding=out_sharding)
        return outs, [not_mapped, not_mapped]
    from pyjax._src.lax import slicing, structural  # lazy: families import each other lazily
    keys = moveaxis(keys, bdim, 0)
    first = structural.squeeze(slicing.slice(keys, (0, 0), (1, keys.shape[1])), (0,))
    new_key, bits = rng_bit_generator_p.bind(first, shape=(axis_data.size, *shape),
                                             dtype=dtype, algorithm=algorithm,
                                             out_sharding=out_sharding)
    new_keys = slicing.dynamic_update_slice(keys, structural.expand_dims(new_key, (0,)),
                                            (0, 0))
    return [new_keys, bits], [0, 0]


rng_bit_generator_p = Primitive("rng_bit_generator")
rng_bit_generator_p.multiple_results = True
rng_bit_generator_p.def_impl(_rng_bit_generator_impl)
rng_bit_generator_p.def_abstract_eval(_rng_bit_generator_abstract_eval)
rng_bit_generator_p.def_weak_type_rule(lambda weak_in, **params: [weak_in[0], False])
install_eager_checks(rng_bit_generator_p, with_shapes=True)
ad.defjvp_zero(rng_bit_generator_p)
batching.primitive_batchers[rng_bit_generator_p] = _rng_bit_generator_batch_rule


# -- rng_uniform ---------------------------------------------------------------------------

_uniform_state = {"generator": None}
_RNG_UNIFORM_DTYPES = tuple(np.dtype(t) for t in (
    np.float16, dtypes.bfloat16, np.float32, np.float64, np.int32, np.int64, np.uint32,
    np.uint64))


def rng_uniform(a, b, shape):
    """Stateful uniform random numbers in ``[a, b)`` (XLA's ``RngUniform``).

    Each call gives new values; they are not reproducible (in JAX either).
    Prefer :mod:`pyjax.random`.

    Args:
      a, b: scalars of the same dtype (floating point or 32/64-bit integer).
      shape: the shape of the result.

    Returns:
      An array of ``shape`` and the dtype of ``a``.

    Raises:
      ValueError: ``a`` and ``b`` differ in dtype or are not scalars.
    """
    return rng_uniform_p.bind(a, b, shape=canonicalize_shape(shape, "in rng_uniform"))


def _rng_uniform_abstract_eval(a, b, *, shape):
    if a.dtype != b.dtype:
        raise ValueError(f"Arguments to rng_uniform must have identical dtypes, got "
                         f"{a.dtype.name} and {b.dtype.name}.")
    if a.shape != () or b.shape != ():
        raise ValueError(f"Arguments to rng_uniform must be scalars; got shapes {a.shape} and "
                         f"{b.shape}.")
    if a.dtype not in _RNG_UNIFORM_DTYPES:
        raise TypeError(f"rng_uniform: unsupported dtype {a.dtype.name}")
    return ShapedArray(shape, a.dtype, a.weak_type and b.weak_type)


def _rng_uniform_impl(a, b, *, shape):
    gen = _uniform_state["generator"]
    if gen is None:
        gen = _uniform_state["generator"] = np.random.default_rng()
    dtype = np.asarray(a).dtype
    if dtypes.issubdtype(dtype, np.integer):
        lo, hi = int(a), int(b)
        if hi <= lo:
            return np.full(shape, lo, dtype)  # XLA leaves b <= a undefined
        return gen.integers(lo, hi, size=shape, dtype=np.int64).astype(dtype)
    lo, hi = float(a), float(b)
    vals = lo + (hi - lo) * gen.random(size=shape)
    out = vals.astype(dtype)
    # rounding to a narrower float can reach b: keep the interval half-open
    return np.where(out >= np.asarray(hi, dtype), np.asarray(lo, dtype), out).astype(dtype)


rng_uniform_p = Primitive("rng_uniform")
rng_uniform_p.def_impl(_rng_uniform_impl)
rng_uniform_p.def_abstract_eval(_rng_uniform_abstract_eval)
rng_uniform_p.has_side_effects = True  # a fresh draw each run: never folded or merged
install_eager_checks(rng_uniform_p, with_shapes=True)


__all__ = ["RandomAlgorithm", "rng_bit_generator", "rng_bit_generator_p", "rng_uniform",
           "rng_uniform_p"]
