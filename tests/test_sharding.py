"""Meshes, PartitionSpecs, shardings, device_put/reshard/with_sharding_constraint and the
make_array_from_* constructors on one CPU device, against stored JAX 0.10.2 behaviour
(tests/fixtures/runtime_api.json, written by tools/make_runtime_fixtures.py)."""
import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from pyjax.sharding import (AbstractMesh, AxisType, Mesh, NamedSharding, PartitionSpec as P,
                            SingleDeviceSharding)
from pyjax._src.sharding_impl import DuplicateSpecError
from jaxref import load
import runtime_programs as RP

S = load("runtime_api.json")["sharding"]
DEV = pyjax.devices()[0]


def _expect_error(name, exc, call):
    record = S[name]
    assert "error" in record, record
    with pytest.raises(exc) as e:
        call()
    assert str(e.value) == record["message"]


@pytest.fixture
def meshes():
    return RP.base_meshes(pyjax)


# -- PartitionSpec and AxisType ------------------------------------------------------------

_SPECS = RP.partition_specs(P)


@pytest.mark.parametrize("name", sorted(_SPECS))
def test_partition_spec_repr_matches_jax(name):
    assert repr(_SPECS[name]) == S[f"repr/{name}"]["value"]


def test_partition_spec_equality_and_sequence_protocol():
    got = [P("x") == P("x"), P("x") == P("x", None), P() == P(None), P(("x",)) == P("x"),
           P("x") == ("x",), len(P("x", None)), list(P("x", None, ("a", "b"))),
           P("x", None)[1:]]
    expected = S["P/eq"]["value"]
    assert got[:6] == expected[:6]
    assert [list(e) if isinstance(e, tuple) else e for e in got[6]] == expected[6]
    assert list(got[7]) == expected[7]
    assert pyjax.P is P and hash(P("x")) == hash(P("x"))
    assert pyjax.tree_util.tree_leaves(P("x")) == [P("x")]


def test_axis_type_repr_matches_jax():
    assert [repr(AxisType.Auto), str(AxisType.Explicit), [t.name for t in AxisType]] == \
        S["repr/AxisType"]["value"]


# -- meshes --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["make_mesh_x", "make_mesh_auto", "make_mesh_2d", "Mesh_ctor",
                                  "Mesh_2d", "make_mesh_empty"])
def test_mesh_attributes_match_jax(name, meshes):
    m = RP.mesh_cases(pyjax, np, meshes)[name]
    assert RP.mesh_info(np, m) == S[f"mesh/{name}"]["value"]


def test_mesh_equality_and_abstract_meshes(meshes):
    me, ma = meshes["me"], meshes["ma"]
    assert [me == pyjax.make_mesh((1,), ("x",)), me == ma,
            hash(me) == hash(pyjax.make_mesh((1,), ("x",)))] == S["mesh/eq"]["value"]
    assert [repr(AbstractMesh((1, 2), ("a", "b"))),
            repr(AbstractMesh((1,), ("a",), (AxisType.Explicit,))),
            repr(pyjax.sharding.get_abstract_mesh())] == S["abstract/repr"]["value"]
    assert [repr(pyjax.sharding.get_mesh()), str(pyjax.sharding.get_mesh())] == \
        S["get_mesh/empty"]["value"]


@pytest.mark.parametrize("name,call", [
    ("make_mesh_too_big", lambda: pyjax.make_mesh((2,), ("x",))),
    ("make_mesh_names", lambda: pyjax.make_mesh((1,), ("a", "b"))),
    ("make_mesh_types", lambda: pyjax.make_mesh((1,), ("a",), axis_types=(AxisType.Auto,) * 2)),
    ("Mesh_ndim", lambda: Mesh(np.array([DEV]), ("a", "b"))),
])
def test_mesh_errors_match_jax(name, call):
    _expect_error(f"err/{name}", ValueError, call)


def test_set_mesh_as_context_and_call(meshes):
    ma = meshes["ma"]
    with pyjax.set_mesh(ma):
        mesh_repr, abstract_repr, put_repr = S["set_mesh/inside"]["value"]
        assert repr(pyjax.sharding.get_mesh()) == mesh_repr
        assert repr(pyjax.sharding.get_abstract_mesh()) == abstract_repr
        assert repr(pyjax.device_put(jnp.arange(4.0), P("x")).sharding) == put_repr
    assert repr(pyjax.sharding.get_mesh()) == S["set_mesh/after"]["value"]
    pyjax.set_mesh(ma)  # a plain call sets it until changed
    try:
        assert pyjax.sharding.get_mesh() == ma
    finally:
        pyjax.set_mesh(None)
    assert pyjax.sharding.get_mesh().empty
    with pytest.raises(ValueError, match="Expected mesh of type"):
        pyjax.set_mesh("x")


def test_legacy_mesh_context_warns_and_serves_specs(meshes):
    ma = meshes["ma"]
    with pytest.warns(DeprecationWarning, match="with mesh"):
        with ma:
            y = lax.with_sharding_constraint(jnp.arange(4.0), P("x"))
    assert y.sharding == NamedSharding(ma, P("x"))


# -- shardings -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ns_x", "ns_auto", "ns_empty", "ns_pinned", "ns_2d",
                                  "ns_abstract", "sds", "sds_host"])
def test_sharding_attributes_match_jax(name, meshes):
    s = RP.sharding_cases(pyjax, meshes)[name]
    assert RP.sharding_info(s) == S[f"sharding/{name}"]["value"]


def test_sharding_equality_matches_jax(meshes):
    assert RP.sharding_equalities(pyjax, meshes) == S["sharding/eq"]["value"]


def test_named_sharding_errors_match_jax(meshes):
    me, m2 = meshes["me"], meshes["m2"]
    _expect_error("err/ns_bad_axis", ValueError, lambda: NamedSharding(me, P("z")))
    _expect_error("err/ns_dup", DuplicateSpecError, lambda: NamedSharding(m2, P("a", "a")))
    _expect_error("err/ns_memory_kind", ValueError,
                  lambda: NamedSharding(me, P(), memory_kind="foo"))
    with pytest.raises(TypeError, match="NamedSharding: spec"):
        NamedSharding(me, ("x",))


# -- device_put ----------------------------------------------------------------------------


def test_device_put_named_and_device_match_jax(meshes):
    me = meshes["me"]
    x = jnp.arange(4.0)
    y = pyjax.device_put(x, NamedSharding(me, P("x")))
    assert [repr(y.sharding), y.committed] == S["put/named"]["value"]
    np.testing.assert_array_equal(y, x)
    got = [repr(pyjax.device_put(x, DEV).sharding), pyjax.device_put(x, DEV).committed,
           x.committed, repr(x.sharding), pyjax.device_put(x) is x,
           pyjax.device_put(x, DEV) is x]
    assert got == S["put/device"]["value"]
    assert repr(pyjax.device_put(x, pyjax.memory.Space.Host).sharding) == \
        S["put/host"]["value"]


def test_device_put_numpy_scalars_and_trees_match_jax(meshes):
    me, ma = meshes["me"], meshes["ma"]
    assert repr(pyjax.device_put(np.arange(3.0), NamedSharding(ma, P("x")))) == \
        S["put/numpy"]["value"]
    assert [repr(pyjax.device_put(1.0)), repr(pyjax.device_put(True))] == \
        S["put/scalar"]["value"]
    x = jnp.arange(4.0)
    out = pyjax.device_put({"a": x, "b": 2}, {"a": NamedSharding(me, P("x")), "b": DEV})
    assert repr(out) == S["put/tree"]["value"]
    assert out["a"].sharding == NamedSharding(me, P("x"))
    assert out["b"].sharding == SingleDeviceSharding(DEV) and out["b"].committed


def test_device_put_same_sharding_returns_input_and_copies_numpy(meshes):
    s = NamedSharding(meshes["me"], P("x"))
    z = pyjax.device_put(jnp.arange(4.0), s)
    assert pyjax.device_put(z, s) is z and pyjax.device_put(z) is z
    base = np.arange(3.0, dtype=np.float32)
    y = pyjax.device_put(base)
    base[0] = 100.0
    assert float(y[0]) == 0.0


def test_device_put_donate_and_copy():
    x = jnp.arange(3.0)
    c = pyjax.device_put(x, may_alias=False)
    assert c is not x and not np.shares_memory(np.asarray(c), np.asarray(x))
    d = pyjax.device_put(x, donate=True)
    assert x.is_deleted() and not d.is_deleted()
    np.testing.assert_array_equal(d, [0.0, 1.0, 2.0])


@pytest.mark.parametrize("name,call", [
    ("put_rank", lambda me: pyjax.device_put(jnp.arange(4.0), NamedSharding(me, P("x", None)))),
    ("put_pspec_no_mesh", lambda me: pyjax.device_put(jnp.arange(4.0), P("x"))),
    ("put_bad", lambda me: pyjax.device_put(jnp.arange(4.0), "cpu")),
    ("put_alias_donate", lambda me: pyjax.device_put(jnp.arange(4.0), may_alias=True,
                                                     donate=True)),
])
def test_device_put_errors_match_jax(name, call, meshes):
    _expect_error(f"err/{name}", ValueError, lambda: call(meshes["me"]))


def test_device_put_scalar_with_rank_one_spec_raises(meshes):
    # JAX 0.10.2 fails with a bare AssertionError here; pyjax says what is wrong
    with pytest.raises(ValueError, match="For scalars the PartitionSpec should be P()"):
        pyjax.device_put(1.0, NamedSharding(meshes["me"], P("x")))


@pytest.mark.parametrize("name,fn", [
    ("jaxpr_none", lambda ma: (lambda a: pyjax.device_put(a))),
    ("jaxpr_device", lambda ma: (lambda a: pyjax.device_put(a, DEV))),
    ("jaxpr_named", lambda ma: (lambda a: pyjax.device_put(a, NamedSharding(ma, P("x"))))),
    ("jaxpr_donate", lambda ma: (lambda a: pyjax.device_put(a, donate=True))),
    ("jaxpr_copy", lambda ma: (lambda a: pyjax.device_put(a, may_alias=False))),
])
def test_device_put_jaxprs_match_jax(name, fn, meshes):
    jaxpr = pyjax.make_jaxpr(fn(meshes["ma"]))(jnp.arange(4.0))
    assert str(jaxpr) == S[f"put/{name}"]["value"]


def test_device_put_vmap_jaxpr_matches_jax(meshes):
    s = NamedSharding(meshes["ma"], P("x"))
    jaxpr = pyjax.make_jaxpr(pyjax.vmap(lambda a: pyjax.device_put(a, s)))(jnp.ones((2, 3)))
    assert str(jaxpr) == S["put/vmap_jaxpr"]["value"]


def test_device_put_grad_transposes_to_a_copy_back(meshes):
    s = NamedSharding(meshes["ma"], P("x"))
    f = lambda a: pyjax.device_put(a, s).sum()  # noqa: E731
    np.testing.assert_array_equal(pyjax.grad(f)(jnp.arange(4.0)), np.ones(4))
    eqns = pyjax.make_jaxpr(pyjax.grad(f))(jnp.arange(4.0)).eqns
    puts = [e for e in eqns if e.primitive.name == "device_put"]
    # JAX's transposed device_put: the cotangent goes back from `s` as a fresh copy
    expected = S["put/grad_jaxpr"]["value"]
    assert "copy_semantics=(ArrayCopySemantics.ALWAYS_COPY,)" in expected
    assert str(puts[-1].params["copy_semantics"]) == "(ArrayCopySemantics.ALWAYS_COPY,)"
    assert puts[-1].params["srcs"] == (s,) and puts[-1].params["devices"] == (None,)


def test_shards_and_devices_match_jax(meshes):
    y = pyjax.device_put(jnp.ones((2, 3)), NamedSharding(meshes["m2"], P("a", "b")))
    got = [repr(y.addressable_shards), repr(y.global_shards), y.is_fully_replicated,
           y.is_fully_addressable, sorted(repr(d) for d in y.devices())]
    assert got == S["shards"]["value"]
    assert isinstance(y.addressable_shards[0], pyjax.Shard)


def test_computed_arrays_are_uncommitted_single_device():
    # NOTE[sharding-in-types]: shardings do not propagate through computations in pyjax
    y = pyjax.device_put(jnp.arange(4.0), NamedSharding(pyjax.make_mesh((1,), ("x",)), P("x")))
    z = y + 1
    assert z.sharding == SingleDeviceSharding(DEV) and not z.committed
    assert repr(pyjax.typeof(y)) == "ShapedArray(float32[4])"


# -- with_sharding_constraint ---------------------------------------------------------------


def test_with_sharding_constraint_eager_and_jaxprs_match_jax(meshes):
    ma = meshes["ma"]
    x = jnp.arange(4.0)
    y = lax.with_sharding_constraint(x, NamedSharding(ma, P("x")))
    assert repr(y.sharding) == S["wsc/eager"]["value"] and y is not x
    assert str(pyjax.make_jaxpr(
        lambda a: lax.with_sharding_constraint(a, NamedSharding(ma, P("x"))))(x)) == \
        S["wsc/jaxpr"]["value"]
    assert str(pyjax.make_jaxpr(pyjax.vmap(
        lambda a: lax.with_sharding_constraint(a, NamedSharding(ma, P()))))(x)) == \
        S["wsc/vmap_jaxpr"]["value"]
    with pyjax.set_mesh(ma):
        assert str(pyjax.make_jaxpr(
            lambda a: lax.with_sharding_constraint(a, P("x")))(x)) == \
            S["wsc/pspec_jaxpr"]["value"]


def test_with_sharding_constraint_pytree_and_grad(meshes):
    s = NamedSharding(meshes["ma"], P("x"))
    x = jnp.arange(4.0)
    out = lax.with_sharding_constraint((x, {"a": x}), s)
    assert out[1]["a"].sharding == s
    g = pyjax.grad(lambda a: lax.with_sharding_constraint(a, s).sum())(x)
    np.testing.assert_array_equal(g, np.ones(4))
    np.testing.assert_array_equal(pyjax.jit(lambda a: lax.with_sharding_constraint(a, s))(x), x)


def test_with_sharding_constraint_errors_match_jax(meshes):
    me, ma = meshes["me"], meshes["ma"]
    x = jnp.arange(4.0)
    _expect_error("err/wsc_no_mesh", RuntimeError,
                  lambda: lax.with_sharding_constraint(x, P("x")))
    _expect_error("err/wsc_explicit", ValueError,
                  lambda: lax.with_sharding_constraint(x, NamedSharding(me, P("x"))))
    _expect_error("err/wsc_rank", ValueError,
                  lambda: lax.with_sharding_constraint(x, NamedSharding(ma, P("x", None))))
    _expect_error("err/wsc_bad", TypeError, lambda: lax.with_sharding_constraint(x, 3))


# -- reshard -------------------------------------------------------------------------------


def test_reshard_matches_jax(meshes):
    me = meshes["me"]
    x = jnp.arange(4.0)
    with pyjax.set_mesh(me):
        got = [repr(pyjax.reshard(x, P("x")).sharding), repr(pyjax.reshard(x, P()).sharding),
               repr(pyjax.reshard(x, P("x", None)).sharding),
               repr(pyjax.reshard(jnp.ones((2, 3)), P("x")).sharding)]
        assert got == S["reshard/eager"]["value"]
        assert str(pyjax.make_jaxpr(lambda a: pyjax.reshard(a, P()))(x)) == \
            S["reshard/jaxpr"]["value"]
        _expect_error("err/reshard_bad_axis", ValueError, lambda: pyjax.reshard(x, P("y")))
        eqns = pyjax.make_jaxpr(pyjax.vmap(lambda a: pyjax.reshard(a, P("x"))))(
            jnp.ones((2, 3))).eqns
        assert eqns[0].params["dst_sharding"].spec == P(None, "x")
        np.testing.assert_array_equal(pyjax.grad(lambda a: pyjax.reshard(a, P("x")).sum())(x),
                                      np.ones(4))
    assert repr(pyjax.reshard(x, NamedSharding(me, P())).sharding) == \
        S["reshard/named"]["value"]


def test_reshard_errors_match_jax(meshes):
    x = jnp.arange(4.0)
    _expect_error("err/reshard_no_mesh", ValueError, lambda: pyjax.reshard(x, P("x")))
    _expect_error("err/reshard_bad_type", TypeError, lambda: pyjax.reshard(x, 3))
    record = S["err/reshard_auto"]
    with pytest.raises(ValueError) as e:
        pyjax.reshard(x, NamedSharding(meshes["ma"], P("x")))
    # JAX appends the user's source location; the rest is the same
    assert record["message"].startswith(str(e.value).rstrip("."))


# -- make_array_from_* ----------------------------------------------------------------------


def test_make_array_from_callback_matches_jax(meshes):
    me = meshes["me"]
    s = NamedSharding(me, P("x"))
    data = np.arange(6.0).reshape(2, 3)
    seen = []

    def cb(index):
        seen.append(index)
        return data[index]
    a = pyjax.make_array_from_callback((2, 3), s, cb)
    assert [repr(a), repr(a.sharding)] == S["mafc/basic"]["value"]
    assert seen == [(slice(None), slice(None))] and a.committed
    _expect_error("mafc/dtype", ValueError, lambda: pyjax.make_array_from_callback(
        (2, 3), NamedSharding(me, P()), lambda i: data[i], dtype=np.int32))
    assert repr(pyjax.make_array_from_callback((), NamedSharding(me, P()), lambda i: 3.0)) == \
        S["mafc/scalar"]["value"]


def test_make_array_from_single_device_arrays_matches_jax(meshes):
    s = NamedSharding(meshes["me"], P("x"))
    x = jnp.arange(4.0)
    assert repr(pyjax.make_array_from_single_device_arrays((4,), s, [x])) == \
        S["mafsda/basic"]["value"]
    record = S["err/mafsda_shape"]
    with pytest.raises(ValueError) as e:
        pyjax.make_array_from_single_device_arrays((5,), s, [x])
    # JAX prints the type with its sharding (float32[5@x]); pyjax types carry none
    assert str(e.value) == record["message"].replace("float32[5@x]", "float32[5]")
    with pytest.raises(ValueError, match="expected 1 array"):
        pyjax.make_array_from_single_device_arrays((4,), s, [x, x])


def test_make_array_from_process_local_data_matches_jax(meshes):
    s = NamedSharding(meshes["me"], P("x"))
    a = pyjax.make_array_from_process_local_data(s, np.arange(4.0))
    assert [repr(a), repr(a.sharding)] == S["mafpld/basic"]["value"]
    with pytest.raises(ValueError, match="global_shape"):
        pyjax.make_array_from_process_local_data(s, np.arange(4.0), (8,))
