"""Typed PRNG key arrays (``key<fry>``) against real JAX 0.10.2 (tests/fixtures/typed_keys.json).

Every stored case (made by ``tools/make_jax_fixtures.py keys``) runs after the same
setup (``k = key(0)``, ``ks = split(k, 4)``, ``raw = PRNGKey(0)``, a float0 zero) and
is compared with JAX's outcome: key arrays by dtype, shape and data, arrays by dtype,
shape, weak type and exact value, reprs and jaxpr texts as strings, and errors by
exception type and first line of the message.  The remaining tests check what the
fixtures cannot: identities (jit equals eager bit for bit), pickling, and the
typed-key machinery itself.
"""
import copy
import functools
import math
import pickle

import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax, random
from fixtures import jaxref

FIXTURE = "typed_keys.json"

# expression (or "expression\0name" for jaxpr cases) -> why pyjax differs from the stored JAX
# outcome (strict xfails: a fix XPASSes).
KNOWN_DIFFERENCES: dict = {
    "lax.scan(lambda c, x: (jax.random.key_data(c), x), k, None, length=2)":
        "pyjax's scan words its carry-type mismatch error differently (any dtype)",
    "jnp.diagonal(ks.reshape(2, 2))":
        "JAX's diagonal multiplies by a bool mask, which keys reject; pyjax's gathers",
    "jax.make_jaxpr(f)(ks)\0take": "JAX wraps jnp.take and jnp.where in jit[name=...] "
                                    "equations; pyjax's jnp calls lax directly",
    "jax.make_jaxpr(f)(k)\0gamma": "JAX wraps the gamma sampler in jit[name=_gamma]",
    "lax.reduce_max(ks, (0,))":
        "pyjax's reductions reject the dtype with a TypeError (JAX: ValueError 'Unsupported "
        "dtype for max')",
}
# JAX's message when NumPy is handed the key dtype by accident; pyjax raises the same
# exception type with a message naming the operation, so only the type is compared.
_NUMPY_DTYPE_ERROR = "Cannot interpret 'key<fry>' as a data type"


def _cases():
    out = []
    for i, case in enumerate(jaxref.cases(FIXTURE)):
        why = KNOWN_DIFFERENCES.get(case["expr"]) or KNOWN_DIFFERENCES.get(
            f"{case['expr']}\0{case['name'].removeprefix('jaxpr_')}")
        marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
        out.append(pytest.param(case, id=f"{i}-{case['name']}-{case['expr'][:60]}",
                                marks=marks))
    return out


def _namespace():
    return {"jax": pyjax, "jnp": jnp, "lax": lax, "np": np, "math": math,
            "partial": functools.partial, "functools": functools}


def _compare(actual, enc, where="result"):
    kind = enc.get("kind")
    if kind == "key_array":
        assert jnp.issubdtype(actual.dtype, pyjax.dtypes.prng_key), f"{where}: not a key array"
        assert str(actual.dtype) == enc["dtype"] and list(actual.shape) == enc["shape"], where
        assert random.key_impl(actual) == enc["impl"], where
        data = np.asarray(random.key_data(actual))
        np.testing.assert_array_equal(data, jaxref.decode_value(enc["value"], "uint32",
                                                                tuple(data.shape)))
    elif kind in ("array", "ndarray", "npscalar") and enc["dtype"] == "float0":
        assert actual.dtype == pyjax.dtypes.float0, f"{where}: dtype {actual.dtype}"
        assert list(np.shape(actual)) == enc["shape"], where
    elif kind in ("array", "ndarray", "npscalar"):
        spec = jaxref.decode(enc)
        jaxref.assert_array_matches(actual, spec, rtol=0, atol=0,
                                    check_weak_type=kind == "array")
    elif kind == "jaxpr":
        assert str(actual) == enc["text"], f"{where}:\n{actual}\n!=\n{enc['text']}"
    elif kind == "str":
        assert actual == enc["value"], f"{where}: {actual!r} != {enc['value']!r}"
    elif kind in ("tuple", "list"):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(enc["items"]), where
        for i, (a, e) in enumerate(zip(actual, enc["items"])):
            _compare(a, e, f"{where}[{i}]")
    elif kind == "dict":
        assert set(actual) == set(enc["items"]), where
        for key, e in enc["items"].items():
            _compare(actual[key], e, f"{where}[{key!r}]")
    elif kind in ("python", "none", "dtype"):
        assert actual == jaxref.decode(enc) or str(actual) == jaxref.decode(enc), \
            f"{where}: {actual!r} != {jaxref.decode(enc)!r}"
    elif kind in ("ShapeDtypeStruct", "treedef"):
        assert repr(actual) == enc["repr"], where
    else:
        raise AssertionError(f"{where}: no comparison for stored kind {kind}")


@pytest.mark.parametrize("case", _cases())
def test_typed_key_case_matches_jax(case):
    ns = _namespace()
    exec(case["source"], ns)  # noqa: S102 - fixture sources are repo-controlled
    if "error" in case:
        with pytest.raises(Exception) as info:
            eval(case["expr"], ns)  # noqa: S307 - fixture expressions are repo-controlled
        err = case["error"]
        assert type(info.value).__name__ == err["type"], (
            f"raised {type(info.value).__name__}: {info.value}; JAX raised {err['type']}: "
            f"{err['first_line']}")
        got = jaxref.scrub(str(info.value)).split("\n", 1)[0]
        if err["first_line"] != _NUMPY_DTYPE_ERROR:
            assert got == err["first_line"], f"{got!r} != {err['first_line']!r}"
        return
    _compare(eval(case["expr"], ns), case["result"])  # noqa: S307


def test_most_cases_are_stored():
    cases = jaxref.cases(FIXTURE)
    assert len(cases) >= 250
    assert sum(c["name"].startswith("jaxpr_") for c in cases) >= 40


# -- identities the fixtures do not pin ---------------------------------------------------------

def _data(k):
    return np.asarray(random.key_data(k))


@pytest.mark.parametrize("fn", [
    lambda k: random.split(k, 5),
    lambda k: random.fold_in(k, 12345),
    lambda k: random.bits(k, (7,), jnp.uint8),
    lambda k: random.uniform(k, (3, 2)),
    lambda k: random.normal(k, (4,)),
    lambda k: random.randint(k, (6,), -5, 5),
    lambda k: random.permutation(k, 8),
    lambda k: random.split(k, (2, 3))[1, ::-1].reshape(3, 1),
], ids=["split", "fold_in", "bits", "uniform", "normal", "randint", "permutation", "struct"])
def test_jit_vmap_and_eager_give_the_same_bits(fn):
    keys = random.split(random.key(11), 3)
    eager = [fn(keys[i]) for i in range(3)]
    jitted = [pyjax.jit(fn)(keys[i]) for i in range(3)]
    batched = pyjax.vmap(fn)(keys)
    for i in range(3):
        e, j, b = eager[i], jitted[i], batched[i]
        if jnp.issubdtype(e.dtype, pyjax.dtypes.prng_key):
            e, j, b = _data(e), _data(j), _data(b)
        np.testing.assert_array_equal(np.asarray(j), np.asarray(e))
        np.testing.assert_array_equal(np.asarray(b), np.asarray(e))


@pytest.mark.parametrize("partitionable", [True, False])
def test_typed_and_raw_keys_agree_in_both_modes(partitionable):
    with pyjax.threefry_partitionable(partitionable):
        k, raw = random.key(3), random.PRNGKey(3)
        np.testing.assert_array_equal(_data(random.split(k, 3)), random.split(raw, 3))
        np.testing.assert_array_equal(_data(random.fold_in(k, 9)), random.fold_in(raw, 9))
        np.testing.assert_array_equal(random.bits(k, (5,)), random.bits(raw, (5,)))
        np.testing.assert_array_equal(random.uniform(k, (5,)), random.uniform(raw, (5,)))


def test_key_arrays_are_pytree_leaves_and_jit_arguments():
    ks = random.split(random.key(0), 4)
    leaves, tree = pyjax.tree_util.tree_flatten({"k": ks, "x": 1.0})
    assert leaves[0] is ks and len(leaves) == 2
    traces = []

    @pyjax.jit
    def f(k):
        traces.append(1)
        return random.split(k)

    f(ks[0])
    f(ks[1])
    assert len(traces) == 1  # same aval key<fry>[]: no retrace
    assert pyjax.typeof(ks) == pyjax.typeof(random.split(random.key(1), 4))


def test_key_arrays_pickle_and_copy():
    ks = random.split(random.key(5), 3)
    for other in (pickle.loads(pickle.dumps(ks)), copy.copy(ks), copy.deepcopy(ks), ks.copy()):
        assert other.dtype == ks.dtype and other.shape == ks.shape
        np.testing.assert_array_equal(_data(other), _data(ks))


def test_key_constants_close_over_into_jit_and_scan():
    k = random.key(7)
    out = pyjax.jit(lambda x: x + random.uniform(k))(1.0)
    assert out == 1.0 + random.uniform(k)

    def body(c, i):
        return c, random.bits(random.fold_in(k, i))

    _, bits = lax.scan(body, 0, jnp.arange(3))
    np.testing.assert_array_equal(bits, [random.bits(random.fold_in(k, i)) for i in range(3)])


def test_grad_gives_float0_cotangents_for_keys():
    k = random.key(1)
    gx, gk = pyjax.grad(lambda x, k: x * random.uniform(k), argnums=(0, 1),
                        allow_int=True)(2.0, k)
    assert gx == random.uniform(k)
    assert gk.dtype == pyjax.dtypes.float0 and gk.shape == ()
    ks = random.split(k, 3)
    gks = pyjax.grad(lambda ks: jnp.sum(pyjax.vmap(random.uniform)(ks)), allow_int=True)(ks)
    assert gks.dtype == pyjax.dtypes.float0 and gks.shape == (3,)


def test_jaxprs_with_keys_typecheck_and_print_key_avals():
    from pyjax._src.core.check import typecheck_jaxpr
    k = random.key(0)

    def f(k, x):
        ks = random.split(k, 3)
        ks = jnp.where(x > 0, ks, ks[::-1])
        return pyjax.vmap(random.uniform)(ks), ks[1:]

    closed = pyjax.make_jaxpr(f)(k, jnp.ones(3))
    typecheck_jaxpr(closed)
    assert [str(a) for a in closed.in_avals] == ["key<fry>[]", "float32[3]"]
    assert str(closed.out_avals[1]) == "key<fry>[2]"


def test_physicalized_jaxpr_has_no_keys():
    from pyjax._src.random.physical import jaxpr_has_extended, physicalize_closed_jaxpr
    closed = pyjax.make_jaxpr(lambda k: lax.cond(True, lambda k: random.split(k)[0],
                                                 lambda k: k, k))(random.key(0))
    assert jaxpr_has_extended(closed)
    phys = physicalize_closed_jaxpr(closed)
    assert not jaxpr_has_extended(phys)
    assert [str(a) for a in phys.in_avals] == ["uint32[2]"]
    assert [str(a) for a in phys.out_avals] == ["uint32[2]"]


def test_key_dtype_is_an_extended_dtype():
    dt = random.key_dtype()
    assert str(dt) == "key<fry>" and dt == random.key(0).dtype
    assert pyjax.dtypes.issubdtype(dt, pyjax.dtypes.prng_key)
    assert pyjax.dtypes.issubdtype(dt, pyjax.dtypes.extended)
    assert not pyjax.dtypes.issubdtype(dt, np.integer)
    assert dt.itemsize == 8 and hash(dt) == hash(random.key_dtype("threefry2x32"))
    aval = pyjax.typeof(random.split(random.key(0), 2))
    assert aval.to_tangent_aval().dtype == pyjax.dtypes.float0
    from pyjax._src.core.avals import physical_aval
    assert repr(physical_aval(aval)) == "ShapedArray(uint32[2,2])"
