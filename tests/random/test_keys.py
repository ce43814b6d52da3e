"""Keys, split, fold_in and bits: Threefry vectors, both partitionable modes, jit and vmap.

An independent pure-Python Threefry-2x32 (one counter pair at a time) is the
reference for the vectorized ``threefry2x32`` primitive and for the counter
layouts of both ``jax_threefry_partitionable`` modes (API.md section 3.4).
"""
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pyjax
import pyjax.numpy as jnp
import pyjax.random as random
from pyjax import lax
from pyjax._src.random.threefry import threefry2x32, threefry2x32_p

M32 = 0xFFFFFFFF


def _rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & M32


def threefry_ref(k0, k1, x0, x1):
    """Threefry-2x32, 20 rounds, on Python ints (Salmon et al. 2011)."""
    ks = [k0, k1, k0 ^ k1 ^ 0x1BD11BDA]
    rot = [(13, 15, 26, 6), (17, 29, 16, 24)]
    x0, x1 = (x0 + ks[0]) & M32, (x1 + ks[1]) & M32
    for g in range(5):
        for r in rot[g % 2]:
            x0 = (x0 + x1) & M32
            x1 = _rotl(x1, r) ^ x0
        x0 = (x0 + ks[(g + 1) % 3]) & M32
        x1 = (x1 + ks[(g + 2) % 3] + g + 1) & M32
    return x0, x1


def _key(k):
    return tuple(int(v) for v in np.asarray(random.key_data(k)))


# -- the primitive ----------------------------------------------------------------------------

@pytest.mark.parametrize("key,count,expected", [
    ((0, 0), (0, 0), (0x6B200159, 0x99BA4EFE)),
    ((M32, M32), (M32, M32), (0x1CB996FC, 0xBB002BE7)),
    ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3), (0xC4923A9C, 0x483DF7A0)),
], ids=["zeros", "ones", "pi"])
def test_threefry2x32_random123_known_answers(key, count, expected):
    u = lambda v: np.array([v], np.uint32)  # noqa: E731
    y0, y1 = threefry2x32(u(key[0]), u(key[1]), u(count[0]), u(count[1]))
    assert (int(y0[0]), int(y1[0])) == expected
    assert threefry_ref(*key, *count) == expected


@given(st.lists(st.integers(0, M32), min_size=4, max_size=4))
def test_threefry2x32_matches_scalar_reference(words):
    k0, k1, x0, x1 = words
    y = threefry2x32(np.uint32(k0), np.uint32(k1), np.array([x0, 7], np.uint32),
                     np.array([x1, 9], np.uint32))
    assert (int(y[0][0]), int(y[1][0])) == threefry_ref(k0, k1, x0, x1)
    assert (int(y[0][1]), int(y[1][1])) == threefry_ref(k0, k1, 7, 9)


def test_threefry2x32_abstract_eval_broadcasts_and_prints():
    jaxpr = pyjax.make_jaxpr(lambda k, x: threefry2x32(k, k, x, x))(
        np.uint32(1), np.zeros((3,), np.uint32))
    assert "threefry2x32" in str(jaxpr)
    assert [str(v.aval) for v in jaxpr.jaxpr.outvars] == ["uint32[3]"] * 2


def test_threefry2x32_rejects_non_uint32():
    with pytest.raises(TypeError, match="threefry2x32"):
        threefry2x32(np.uint32(0), np.uint32(0), np.zeros(2, np.int32), np.zeros(2, np.int32))


def test_threefry2x32_vmap_and_jit_match_eager():
    keys = np.arange(8, dtype=np.uint32).reshape(4, 2)
    counts = np.arange(12, dtype=np.uint32).reshape(4, 3)
    f = lambda k, c: threefry2x32(k[0], k[1], c, c)  # noqa: E731
    batched = pyjax.vmap(f)(keys, counts)
    for i in range(4):
        for got, want in zip(batched, f(keys[i], counts[i])):
            np.testing.assert_array_equal(got[i], want)
    for got, want in zip(pyjax.jit(f)(keys[0], counts[0]), f(keys[0], counts[0])):
        np.testing.assert_array_equal(got, want)


def test_threefry2x32_has_zero_derivative_rule():
    from pyjax._src.interpreters import ad, batching
    assert threefry2x32_p in ad.primitive_jvps and threefry2x32_p in batching.primitive_batchers


# -- seeds --------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed,expected", [
    (0, [0, 0]), (42, [0, 42]), (-1, [0, M32]), (2 ** 31, [0, 2 ** 31]),
    (2 ** 32 - 1, [0, M32]), (2 ** 32 + 5, [0, 5]),
])
def test_prngkey_seed_is_taken_modulo_2_32_without_x64(seed, expected):
    key = random.PRNGKey(seed)
    assert key.dtype == np.uint32 and key.shape == (2,)
    np.testing.assert_array_equal(key, expected)


@pytest.mark.parametrize("seed,expected", [(-1, [M32, M32]), (2 ** 32 + 5, [1, 5]), (7, [0, 7])])
def test_prngkey_seed_uses_64_bits_with_x64(x64, seed, expected):
    np.testing.assert_array_equal(random.PRNGKey(seed), expected)


def test_prngkey_rejects_float_and_array_seeds():
    with pytest.raises(TypeError, match=r"PRNG key seed must be an integer; got "
                                        r"JitTracer\(~float32\[\]\)"):
        random.PRNGKey(1.5)
    with pytest.raises(TypeError, match=r"accepts a scalar seed, but was given an array of "
                                        r"shape \(3,\)"):
        random.key(jnp.arange(3))
    with pytest.raises(TypeError, match="accepts a scalar seed, but was given a PRNG key"):
        random.PRNGKey(random.key(0))


def test_key_and_prngkey_agree_and_accept_numpy_and_array_seeds():
    for seed in (3, np.int32(3), np.uint32(3), jnp.int32(3)):
        assert _key(random.key(seed)) == (0, 3)
        np.testing.assert_array_equal(random.PRNGKey(seed), [0, 3])


def test_vmap_of_key_makes_a_key_array():
    keys = pyjax.vmap(random.key)(jnp.arange(4))
    assert keys.shape == (4,) and str(keys.dtype) == "key<fry>"
    np.testing.assert_array_equal(random.key_data(keys), [[0, i] for i in range(4)])


# -- typed keys ---------------------------------------------------------------------------------

def test_typed_key_dtype_shape_and_repr():
    k = random.key(0)
    assert k.shape == () and k.ndim == 0 and k.size == 1
    assert str(k.dtype) == "key<fry>" and k.dtype == random.key_dtype()
    assert pyjax.dtypes.issubdtype(k.dtype, pyjax.dtypes.prng_key)
    assert pyjax.dtypes.issubdtype(k.dtype, pyjax.dtypes.extended)
    assert not pyjax.dtypes.issubdtype(k.dtype, np.integer)
    assert isinstance(k, pyjax.Array)
    assert repr(k) == "Array((), dtype=key<fry>) overlaying:\n[0 0]"
    assert str(random.split(k)) == ("Array((2,), dtype=key<fry>) overlaying:\n"
                                    "[[1797259609 2579123966]\n [ 928981903 3453687069]]")
    assert random.key_impl(k) == "threefry2x32" and random.key_impl(random.PRNGKey(0)) == \
        "threefry2x32"


def test_typed_key_arithmetic_and_conversions_raise():
    k = random.key(0)
    with pytest.raises(TypeError, match=r"^add does not accept dtypes key<fry>, int32\.$"):
        k + 1
    with pytest.raises(TypeError,
                       match=r"^multiply does not accept dtypes float32, key<fry>\.$"):
        np.float32(2) * k
    with pytest.raises(TypeError, match="neg does not accept dtype key<fry>"):
        -k
    with pytest.raises(TypeError, match="cannot be converted to a NumPy array"):
        np.asarray(k)
    with pytest.raises(TypeError, match="cannot be converted to boolean"):
        bool(k)
    with pytest.raises(TypeError):
        hash(k)


def test_typed_key_equality_compares_key_data():
    keys = random.split(random.key(0), 3)
    assert bool(random.key(5) == random.key(5)) and bool(random.key(5) != random.key(6))
    np.testing.assert_array_equal(keys == keys[::-1], [False, True, False])
    with pytest.raises(TypeError, match="equal does not accept dtypes key<fry>, int32"):
        random.key(0) == 0


def test_typed_key_indexing_iteration_and_reshaping():
    keys = random.split(random.key(0), (2, 3))
    data = np.asarray(random.key_data(keys))
    assert keys.shape == (2, 3) and len(keys) == 2
    assert _key(keys[1, 2]) == tuple(data[1, 2])
    assert keys[0].shape == (3,) and keys[..., 1].shape == (2,) and keys[:, None].shape == \
        (2, 1, 3)
    rows = list(keys)
    assert len(rows) == 2 and _key(rows[1][0]) == tuple(data[1, 0])
    np.testing.assert_array_equal(random.key_data(keys.reshape(3, 2)), data.reshape(3, 2, 2))
    np.testing.assert_array_equal(random.key_data(keys.reshape(-1)), data.reshape(6, 2))
    np.testing.assert_array_equal(random.key_data(keys.ravel()), data.reshape(6, 2))
    np.testing.assert_array_equal(random.key_data(keys.T), data.transpose(1, 0, 2))
    np.testing.assert_array_equal(random.key_data(keys[:1].squeeze(0)), data[0])
    np.testing.assert_array_equal(random.key_data(keys.swapaxes(0, 1)), data.transpose(1, 0, 2))
    with pytest.raises(TypeError, match="len"):
        len(random.key(0))
    with pytest.raises(TypeError, match="iteration"):
        iter(random.key(0))


def test_key_data_and_wrap_key_data_round_trip():
    k = random.key(42)
    data = random.key_data(k)
    assert data.dtype == np.uint32 and data.shape == (2,)
    np.testing.assert_array_equal(data, random.PRNGKey(42))
    wrapped = random.wrap_key_data(data)
    assert bool(wrapped == k)
    assert random.wrap_key_data(np.zeros((3, 2), np.uint32)).shape == (3,)
    np.testing.assert_array_equal(random.key_data(random.PRNGKey(1)), [0, 1])
    with pytest.raises(TypeError, match="key_data.dtype = uint32"):
        random.wrap_key_data(np.zeros(2, np.int32))
    with pytest.raises(TypeError, match=r"key_data.shape to end with \(2,\)"):
        random.wrap_key_data(np.zeros(3, np.uint32))


def test_typed_keys_are_leaves_through_jit_vmap_scan_and_pickle():
    k = random.key(7)
    out = pyjax.jit(lambda k: random.split(k, 3))(k)
    assert out.shape == (3,) and bool(jnp.all(out == random.split(k, 3)))
    leaves = pyjax.tree_util.tree_leaves(k)
    assert len(leaves) == 1 and leaves[0] is k

    def body(key, _):
        key, sub = random.split(key)
        return key, random.uniform(sub)

    final, draws = lax.scan(body, k, None, length=3)
    expected, key = [], k
    for _ in range(3):
        key, sub = random.split(key)
        expected.append(random.uniform(sub))
    np.testing.assert_array_equal(draws, np.stack(expected))
    assert bool(final == key)
    assert bool(pickle.loads(pickle.dumps(k)) == k)


def test_clone_gives_the_same_key():
    k = random.key(3)
    assert bool(random.clone(k) == k)
    np.testing.assert_array_equal(random.clone(random.PRNGKey(3)), random.PRNGKey(3))
    np.testing.assert_array_equal(random.uniform(random.clone(k)), random.uniform(k))


# -- split, fold_in, bits in both modes ---------------------------------------------------------

@pytest.mark.parametrize("partitionable", [True, False])
@pytest.mark.parametrize("shape", [(2,), (3,), (2, 3), (1,), (0,)])
def test_split_counter_layout(partitionable, shape):
    k = (0x1234, 0xABCD)
    key = np.array(k, np.uint32)
    with pyjax.threefry_partitionable(partitionable):
        got = np.asarray(random.split(key, shape))
    n = int(np.prod(shape))
    if partitionable:  # element i is T(k, (hi32(i), lo32(i)))
        want = [threefry_ref(*k, 0, i) for i in range(n)]
    else:  # hash of iota(2n) split in halves, outputs concatenated
        ys = [threefry_ref(*k, i, n + i) for i in range(n)]
        flat = [y[0] for y in ys] + [y[1] for y in ys]
        want = [(flat[2 * i], flat[2 * i + 1]) for i in range(n)]
    np.testing.assert_array_equal(got, np.array(want, np.uint32).reshape(*shape, 2))


def test_split_properties_in_partitionable_mode():
    key = random.PRNGKey(42)
    np.testing.assert_array_equal(random.split(key, 3)[:2], random.split(key))
    np.testing.assert_array_equal(random.fold_in(key, 0), random.split(key)[0])
    np.testing.assert_array_equal(random.split(key, 1)[0], random.split(key)[0])


@pytest.mark.parametrize("partitionable", [True, False])
def test_fold_in_is_the_hash_of_zero_and_data(partitionable):
    k = (5, 6)
    with pyjax.threefry_partitionable(partitionable):
        for data in (0, 7, 123456789, 2 ** 32 - 1):
            got = random.fold_in(np.array(k, np.uint32), data)
            np.testing.assert_array_equal(got, threefry_ref(*k, 0, data))
        got = random.fold_in(random.wrap_key_data(np.array(k, np.uint32)), np.uint32(9))
        assert _key(got) == threefry_ref(*k, 0, 9)


def test_fold_in_rejects_arrays_of_data():
    with pytest.raises(TypeError, match="fold_in accepts a scalar"):
        random.fold_in(random.key(0), jnp.arange(2))


@pytest.mark.parametrize("partitionable", [True, False])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_bits_counter_layout(partitionable, dtype):
    k = (11, 22)
    n = 5
    with pyjax.threefry_partitionable(partitionable):
        got = np.asarray(random.bits(np.array(k, np.uint32), (n,), dtype))
    assert got.dtype == dtype
    width = np.dtype(dtype).itemsize * 8
    mask = (1 << width) - 1
    if partitionable:  # y0 ^ y1 of counter (0, i), low bits
        want = [(lambda y: (y[0] ^ y[1]) & mask)(threefry_ref(*k, 0, i)) for i in range(n)]
    else:  # 32-bit words of the halves scheme, split little-endian into width-bit words
        words_needed = -(-width * n // 32)
        half = (words_needed + 1) // 2
        ys = [threefry_ref(*k, i, half + i if half + i < words_needed else 0)
              for i in range(half)]
        words = ([y[0] for y in ys] + [y[1] for y in ys])[:words_needed]
        per_word = 32 // width
        want = [(w >> (width * j)) & mask for w in words for j in range(per_word)][:n]
    np.testing.assert_array_equal(got, np.array(want, dtype))


def test_bits_64bit_words_with_x64(x64):
    k = (1, 2)
    got = np.asarray(random.bits(np.array(k, np.uint32), (3,), np.uint64))
    want = [(lambda y: (y[0] << 32) | y[1])(threefry_ref(*k, 0, i)) for i in range(3)]
    np.testing.assert_array_equal(got, np.array(want, np.uint64))
    assert random.bits(random.key(0)).dtype == np.uint64


def test_bits_dtype_rules():
    assert random.bits(random.key(0)).dtype == np.uint32
    assert random.bits(random.key(0), 4).shape == (4,)
    with pytest.raises(ValueError, match="must be an unsigned int dtype, got int32"):
        random.bits(random.key(0), (2,), np.int32)


@pytest.mark.parametrize("partitionable", [True, False])
def test_key_functions_under_jit_and_vmap_match_eager(partitionable):
    with pyjax.threefry_partitionable(partitionable):
        raw = random.PRNGKey(3)
        keys = random.split(raw, 4)
        for fn in (lambda k: random.split(k, 3), lambda k: random.fold_in(k, 11),
                   lambda k: random.bits(k, (5,)), lambda k: random.bits(k, (3,), np.uint8)):
            np.testing.assert_array_equal(pyjax.jit(fn)(raw), fn(raw))
            batched = pyjax.vmap(fn)(keys)
            for i in range(4):
                np.testing.assert_array_equal(batched[i], fn(keys[i]))


def test_partitionable_flag_is_part_of_the_jit_cache_key():
    f = pyjax.jit(lambda k: random.bits(k, (4,)))
    key = random.PRNGKey(0)
    on = f(key)
    with pyjax.threefry_partitionable(False):
        off = f(key)
        np.testing.assert_array_equal(off, random.bits(key, (4,)))
    assert not np.array_equal(on, off)


# -- errors ---------------------------------------------------------------------------------------

def test_functions_take_a_single_key():
    two_raw = random.split(random.PRNGKey(0))
    with pytest.raises(ValueError, match=r"^split accepts a single key, but was given a key "
                                         r"array of shape \(2, 2\) != \(\)\. Use jax\.vmap "
                                         r"for batching\.$"):
        random.split(two_raw)
    with pytest.raises(ValueError, match=r"uniform accepts a single key, but was given a key "
                                         r"array of shape \(2,\)"):
        random.uniform(random.split(random.key(0)))
    assert random.key_data(random.split(random.key(0))).shape == (2, 2)


def test_invalid_key_arguments():
    with pytest.raises(TypeError, match="unexpected PRNG key type <class 'list'>"):
        random.normal([0, 0])
    with pytest.raises(TypeError, match="expected key_data.dtype = uint32; got dtype=float32"):
        random.normal(jnp.zeros(2))
    with pytest.raises(TypeError, match="expected key_data.ndim >= 1"):
        random.normal(np.uint32(0))
    with pytest.raises(NotImplementedError, match="rbg"):
        random.key(0, impl="rbg")
    with pytest.raises(ValueError, match="unrecognized PRNG implementation"):
        random.key(0, impl="nope")
