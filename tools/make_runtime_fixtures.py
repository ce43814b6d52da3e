#!/usr/bin/env python
"""Stored JAX 0.10.2 behaviour of the runtime surface: shardings, meshes, refs, tokens,
``rng_bit_generator`` bits, config flags, and the jaxprs of the placement primitives.

Writes ``tests/fixtures/runtime_api.json`` (tests/test_sharding.py, tests/test_refs.py,
tests/test_runtime_api.py and tests/lax/test_misc_ops.py read it; they never import jax).
The case programs the tests also run (with pyjax) live in
``tests/fixtures/runtime_programs.py``; each is written once there, for both sides.

Run from the repo root with the JAX venv (see tests/fixtures/README.md)::

    /work/jaxvenv/bin/python tools/make_runtime_fixtures.py

The x64 cases run in a subprocess with ``JAX_ENABLE_X64=1`` (``--x64``).
Each record is ``{"value": ...}`` or ``{"error": type name, "message": str}``.
"""
import json
import os
import subprocess
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "tests", "fixtures")
OUT = os.path.join(FIXTURES, "runtime_api.json")
sys.path.insert(0, FIXTURES)

import runtime_programs as RP  # noqa: E402  (tests/fixtures/runtime_programs.py, shared with the tests)


def run(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {"value": fn()}
    except Exception as e:  # noqa: BLE001 -- the exception is the recorded result
        return {"error": type(e).__name__, "message": str(e).split("\n--------------------")[0]}


def rng_keys():
    return {
        "k1234": [1, 2, 3, 4],
        "k0": [0, 0, 0, 0],
        "kbig": [4294967295, 7, 4294967290, 4294967295],   # counter near 2**64: carry
        "kmix": [123456789, 987654321, 55555, 2147483648],
    }


RNG_SHAPES = [[], [1], [4], [5], [2, 3], [3, 5], [3, 5, 7], [7, 3], [2, 1, 3], [0], [6],
              [1, 7], [9, 1]]


def rng_bits(lax, np, key, alg, shape, dt):
    """The new key and the bits of one ``rng_bit_generator`` call, as lists."""
    nk, bits = lax.rng_bit_generator(key, tuple(shape), dtype=dt, algorithm=alg)
    return [np.asarray(nk).tolist(), np.asarray(bits).tolist()]


def rng_cases(jax, jnp, np):
    from jax import lax
    out = {}
    for kname, k in rng_keys().items():
        key = jnp.array(k, jnp.uint32)
        for alg in lax.RandomAlgorithm:
            for shape in RNG_SHAPES:
                for dt in ["uint8", "uint16", "uint32"]:
                    out[f"{kname}/{alg.name}/{shape}/{dt}"] = run(
                        lambda key=key, alg=alg, shape=shape, dt=dt:
                        rng_bits(lax, np, key, alg, shape, dt))
    keys = jnp.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], jnp.uint32)
    for alg in lax.RandomAlgorithm:
        out[f"vmap/{alg.name}"] = run(lambda alg=alg: [
            np.asarray(a).tolist() for a in jax.vmap(
                lambda k: lax.rng_bit_generator(k, (2,), algorithm=alg))(keys)])
    out["jaxpr"] = run(lambda: str(jax.make_jaxpr(
        lambda k: lax.rng_bit_generator(k, (2, 3)))(keys[0])))
    out["err/int32"] = run(lambda: lax.rng_bit_generator(keys[0], (3,), dtype=jnp.int32))
    return out


def rng_cases_x64(jax, jnp, np):
    from jax import lax
    out = {}
    for kname, k in rng_keys().items():
        key32 = jnp.array(k, jnp.uint32)
        key64 = jnp.array([k[0] | (k[1] << 32), k[2] | (k[3] << 32)], jnp.uint64)
        for alg in lax.RandomAlgorithm:
            for shape in RNG_SHAPES:
                for kk, key in [("u32", key32), ("u64", key64)]:
                    for dt in ["uint32", "uint64"]:
                        out[f"{kname}/{kk}/{alg.name}/{shape}/{dt}"] = run(
                            lambda key=key, alg=alg, shape=shape, dt=dt:
                            rng_bits(lax, np, key, alg, shape, dt))
    return out


def sharding_cases(jax, jnp, np):
    from jax.sharding import (AbstractMesh, AxisType, Mesh, NamedSharding, PartitionSpec as P)
    out = {}
    dev = jax.devices()[0]
    base = RP.base_meshes(jax)
    me, ma, m2 = base["me"], base["ma"], base["m2"]
    for k, p in RP.partition_specs(P).items():
        out[f"repr/{k}"] = run(lambda p=p: repr(p))
    out["P/eq"] = run(lambda: [P("x") == P("x"), P("x") == P("x", None), P() == P(None),
                               P(("x",)) == P("x"), P("x") == ("x",), len(P("x", None)),
                               list(P("x", None, ("a", "b"))), P("x", None)[1:]])
    out["repr/AxisType"] = run(lambda: [repr(AxisType.Auto), str(AxisType.Explicit),
                                        [t.name for t in AxisType]])
    for k, m in RP.mesh_cases(jax, np, base).items():
        out[f"mesh/{k}"] = run(lambda m=m: RP.mesh_info(np, m))
    out["mesh/eq"] = run(lambda: [me == jax.make_mesh((1,), ("x",)), me == ma,
                                  hash(me) == hash(jax.make_mesh((1,), ("x",)))])
    out["abstract/repr"] = run(lambda: [repr(AbstractMesh((1, 2), ("a", "b"))),
                                        repr(AbstractMesh((1,), ("a",), (AxisType.Explicit,))),
                                        repr(jax.sharding.get_abstract_mesh())])
    out["get_mesh/empty"] = run(lambda: [repr(jax.sharding.get_mesh()),
                                         str(jax.sharding.get_mesh())])
    out["err/make_mesh_too_big"] = run(lambda: jax.make_mesh((2,), ("x",)))
    out["err/make_mesh_names"] = run(lambda: jax.make_mesh((1,), ("a", "b")))
    out["err/make_mesh_types"] = run(lambda: jax.make_mesh((1,), ("a",),
                                                           axis_types=(AxisType.Auto,) * 2))
    out["err/Mesh_ndim"] = run(lambda: Mesh(np.array([dev]), ("a", "b")))
    for k, s in RP.sharding_cases(jax, base).items():
        out[f"sharding/{k}"] = run(lambda s=s: RP.sharding_info(s))
    out["sharding/eq"] = run(lambda: RP.sharding_equalities(jax, base))
    out["err/ns_bad_axis"] = run(lambda: NamedSharding(me, P("z")))
    out["err/ns_dup"] = run(lambda: NamedSharding(m2, P("a", "a")))
    out["err/ns_memory_kind"] = run(lambda: NamedSharding(me, P(), memory_kind="foo"))
    x = jnp.arange(4.0)
    out["put/named"] = run(lambda: [repr(jax.device_put(x, NamedSharding(me, P("x"))).sharding),
                                    jax.device_put(x, NamedSharding(me, P("x"))).committed])
    out["put/device"] = run(lambda: [repr(jax.device_put(x, dev).sharding),
                                     jax.device_put(x, dev).committed, x.committed,
                                     repr(x.sharding), jax.device_put(x) is x,
                                     jax.device_put(x, dev) is x])
    out["put/host"] = run(lambda: repr(jax.device_put(x, jax.memory.Space.Host).sharding))
    out["put/numpy"] = run(lambda: repr(jax.device_put(np.arange(3.0),
                                                       NamedSharding(ma, P("x")))))
    out["put/scalar"] = run(lambda: [repr(jax.device_put(1.0)), repr(jax.device_put(True))])
    out["put/tree"] = run(lambda: repr(jax.device_put({"a": x, "b": 2},
                                                      {"a": NamedSharding(me, P("x")),
                                                       "b": dev})))
    out["err/put_rank"] = run(lambda: jax.device_put(x, NamedSharding(me, P("x", None))))
    out["err/put_scalar_rank"] = run(lambda: jax.device_put(1.0, NamedSharding(me, P("x"))))
    out["err/put_pspec_no_mesh"] = run(lambda: jax.device_put(x, P("x")))
    out["err/put_bad"] = run(lambda: jax.device_put(x, "cpu"))
    out["err/put_alias_donate"] = run(lambda: jax.device_put(x, may_alias=True, donate=True))
    y = jax.device_put(jnp.ones((2, 3)), NamedSharding(m2, P("a", "b")))
    out["shards"] = run(lambda: [repr(y.addressable_shards), repr(y.global_shards),
                                 y.is_fully_replicated, y.is_fully_addressable,
                                 sorted(repr(d) for d in y.devices())])
    with jax.set_mesh(ma):
        out["set_mesh/inside"] = run(lambda: [repr(jax.sharding.get_mesh()),
                                              repr(jax.sharding.get_abstract_mesh()),
                                              repr(jax.device_put(x, P("x")).sharding)])
        out["wsc/pspec_jaxpr"] = run(lambda: str(jax.make_jaxpr(
            lambda a: jax.lax.with_sharding_constraint(a, P("x")))(x)))
    out["set_mesh/after"] = run(lambda: repr(jax.sharding.get_mesh()))
    out["wsc/eager"] = run(lambda: repr(jax.lax.with_sharding_constraint(
        x, NamedSharding(ma, P("x"))).sharding))
    out["wsc/jaxpr"] = run(lambda: str(jax.make_jaxpr(
        lambda a: jax.lax.with_sharding_constraint(a, NamedSharding(ma, P("x"))))(x)))
    out["wsc/vmap_jaxpr"] = run(lambda: str(jax.make_jaxpr(jax.vmap(
        lambda a: jax.lax.with_sharding_constraint(a, NamedSharding(ma, P()))))(x)))
    out["wsc/grad_jaxpr"] = run(lambda: str(jax.make_jaxpr(jax.grad(
        lambda a: jax.lax.with_sharding_constraint(a, NamedSharding(ma, P("x"))).sum()))(x)))
    out["err/wsc_no_mesh"] = run(lambda: jax.lax.with_sharding_constraint(x, P("x")))
    out["err/wsc_explicit"] = run(lambda: jax.lax.with_sharding_constraint(
        x, NamedSharding(me, P("x"))))
    out["err/wsc_rank"] = run(lambda: jax.lax.with_sharding_constraint(
        x, NamedSharding(ma, P("x", None))))
    out["err/wsc_bad"] = run(lambda: jax.lax.with_sharding_constraint(x, 3))
    out["put/jaxpr_none"] = run(lambda: str(jax.make_jaxpr(lambda a: jax.device_put(a))(x)))
    out["put/jaxpr_device"] = run(lambda: str(jax.make_jaxpr(
        lambda a: jax.device_put(a, dev))(x)))
    out["put/jaxpr_named"] = run(lambda: str(jax.make_jaxpr(
        lambda a: jax.device_put(a, NamedSharding(ma, P("x"))))(x)))
    out["put/jaxpr_donate"] = run(lambda: str(jax.make_jaxpr(
        lambda a: jax.device_put(a, donate=True))(x)))
    out["put/jaxpr_copy"] = run(lambda: str(jax.make_jaxpr(
        lambda a: jax.device_put(a, may_alias=False))(x)))
    out["put/grad_jaxpr"] = run(lambda: str(jax.make_jaxpr(jax.grad(
        lambda a: jax.device_put(a, NamedSharding(ma, P("x"))).sum()))(x)))
    out["put/vmap_jaxpr"] = run(lambda: str(jax.make_jaxpr(jax.vmap(
        lambda a: jax.device_put(a, NamedSharding(ma, P("x")))))(jnp.ones((2, 3)))))
    with jax.set_mesh(me):
        out["reshard/eager"] = run(lambda: [repr(jax.reshard(x, P("x")).sharding),
                                            repr(jax.reshard(x, P()).sharding),
                                            repr(jax.reshard(x, P("x", None)).sharding),
                                            repr(jax.reshard(jnp.ones((2, 3)),
                                                             P("x")).sharding)])
        out["reshard/jaxpr"] = run(lambda: str(jax.make_jaxpr(
            lambda a: jax.reshard(a, P()))(x)))
        out["err/reshard_bad_axis"] = run(lambda: jax.reshard(x, P("y")))
        out["reshard/vmap"] = run(lambda: repr(jax.vmap(lambda a: jax.reshard(a, P("x")))(
            jnp.ones((2, 3))).sharding))
    out["reshard/named"] = run(lambda: repr(jax.reshard(x, NamedSharding(me, P())).sharding))
    out["err/reshard_no_mesh"] = run(lambda: jax.reshard(x, P("x")))
    out["err/reshard_bad_type"] = run(lambda: jax.reshard(x, 3))
    out["err/reshard_auto"] = run(lambda: jax.reshard(x, NamedSharding(ma, P("x"))))
    s = NamedSharding(me, P("x"))
    data = np.arange(6.0).reshape(2, 3)
    out["mafc/basic"] = run(lambda: [repr(jax.make_array_from_callback((2, 3), s,
                                                                       lambda i: data[i])),
                                     repr(jax.make_array_from_callback(
                                         (2, 3), s, lambda i: data[i]).sharding)])
    out["mafc/dtype"] = run(lambda: repr(jax.make_array_from_callback(
        (2, 3), NamedSharding(me, P()), lambda i: data[i], dtype=np.int32)))
    out["mafc/scalar"] = run(lambda: repr(jax.make_array_from_callback(
        (), NamedSharding(me, P()), lambda i: 3.0)))
    out["mafsda/basic"] = run(lambda: repr(jax.make_array_from_single_device_arrays(
        (4,), s, [x])))
    out["err/mafsda_shape"] = run(lambda: jax.make_array_from_single_device_arrays(
        (5,), s, [x]))
    out["mafpld/basic"] = run(lambda: [repr(jax.make_array_from_process_local_data(
        s, np.arange(4.0))), repr(jax.make_array_from_process_local_data(
            s, np.arange(4.0)).sharding)])
    return out


def ref_cases(jax, jnp, np):
    out = {}

    out["eager"] = run(lambda: RP.ref_eager_sequence(jax, jnp, np))

    f = RP.internal_ref_program(jax, jnp, np)
    out["grad_internal"] = run(lambda: np.asarray(jax.grad(f)(jnp.arange(1.0, 4.0))).tolist())
    out["jit_grad_internal"] = run(lambda: np.asarray(
        jax.jit(jax.grad(f))(jnp.arange(1.0, 4.0))).tolist())
    out["vmap_internal"] = run(lambda: np.asarray(
        jax.vmap(f)(jnp.arange(6.0).reshape(2, 3))).tolist())

    out["jit_arg"] = run(lambda: RP.ref_as_jit_argument(jax, jnp, np))
    out["jit_internal"] = run(lambda: RP.ref_inside_jit(jax, jnp, np))
    out["err/return_ref"] = run(lambda: jax.jit(lambda: jax.new_ref(1.0))())
    out["err/dtype"] = run(lambda: jax.new_ref(1.0).__setitem__(..., 3))
    out["err/shape"] = run(lambda: jax.new_ref(jnp.zeros(3)).__setitem__(..., jnp.zeros(2)))
    out["err/shape_scalar"] = run(lambda: jax.new_ref(jnp.zeros(3)).__setitem__(..., 1.0))
    out["ds"] = run(lambda: [repr(jax.ds(1, 2)), repr(jax.ds(1)), repr(jax.ds(1, 2, 2)),
                             repr(jax.ds(None, 2)), jax.ds(1, 2) == jax.ds(1, 2)])
    out["err/ds_stride"] = run(lambda: jax.ds(1, 2, 1.0))
    out["grad_wrt_x"] = run(lambda: float(jax.grad(lambda x, r: (r[...] * x).sum())(
        1.0, jax.new_ref(jnp.ones(3)))))
    out["vjp_with_refs"] = run(lambda: RP.vjp_with_refs(jax, jnp, np))
    r10 = lambda: jax.new_ref(jnp.arange(10))  # noqa: E731
    out["ds/ref_strided"] = run(lambda: repr(r10()[jax.ds(7, 2, 2)]))
    out["ds/ref_strided2"] = run(lambda: repr(r10()[jax.ds(1, 3, 2)]))
    out["err/ds_ref_oob"] = run(lambda: r10()[jax.ds(8, 2, 2)])
    out["err/ds_ref_negative"] = run(lambda: r10()[jax.ds(-1, 1)])
    out["ds/ref_dynamic_clamped"] = run(lambda: repr(jax.jit(
        lambda r, i: r[jax.ds(i, 3)])(r10(), 9)))
    out["ds/ref_set"] = run(lambda: RP.ds_ref_writes(jax, jnp, np))
    out["ds/jnp"] = run(lambda: RP.ds_array_indexing(jax, jnp, np))
    out["free_ref"] = run(lambda: repr(jax.free_ref(jax.new_ref(1.0))))
    out["err/empty_ref_eager"] = run(lambda: jax.empty_ref(jax.ShapeDtypeStruct((2,),
                                                                               jnp.float32)))
    out["empty_ref_jit"] = run(lambda: RP.empty_ref_inside_jit(jax, jnp, np))
    return out


def token_misc_cases(jax, jnp, np):
    from jax import lax
    out = {}
    out["token/jaxpr"] = run(lambda: str(jax.make_jaxpr(
        lambda: lax.after_all(lax.create_token(), lax.create_token()))()))
    out["token/jaxpr_arg"] = run(lambda: str(jax.make_jaxpr(lambda x: lax.create_token(x))(1.0)))
    out["token/jaxpr_empty"] = run(lambda: str(jax.make_jaxpr(lambda: lax.after_all())()))
    out["token/typeof"] = run(lambda: [repr(jax.typeof(lax.create_token())),
                                       str(jax.typeof(lax.create_token())),
                                       type(lax.create_token()).__name__,
                                       lax.create_token().block_until_ready() is None])
    out["err/after_all"] = run(lambda: lax.after_all(jnp.ones(2)))
    sq = lax.composite(lambda x, *, p: x ** p, name="my.square", version=2)
    out["composite/eager"] = run(lambda: repr(sq(jnp.float32(3.0), p=2)))
    out["composite/jaxpr"] = run(lambda: str(jax.make_jaxpr(lambda x: sq(x, p=2))(3.0)))
    out["composite/jit"] = run(lambda: repr(jax.jit(lambda x: sq(x, p=3))(jnp.float32(2.0))))
    out["err/composite_grad"] = run(lambda: jax.grad(lambda x: sq(x, p=2))(3.0))
    out["err/composite_vmap"] = run(lambda: jax.vmap(lambda x: sq(x, p=2))(jnp.arange(3.0)))
    pair = lax.composite(lambda x, y: (x + y, x * y), name="pair")
    out["composite/pair"] = run(lambda: repr(pair(jnp.float32(1.0), jnp.float32(2.0))))
    out["composite/pair_jaxpr"] = run(lambda: str(jax.make_jaxpr(pair)(1.0, 2.0)))
    f = lambda x: lax.platform_dependent(x, cpu=lambda x: x * 2, default=lambda x: x * 3)  # noqa: E731
    out["platform/cpu"] = run(lambda: [float(f(1.0)), float(jax.jit(f)(1.0)),
                                       float(jax.grad(f)(1.0))])
    out["platform/default"] = run(lambda: float(lax.platform_dependent(
        1.0, tpu=lambda x: x + 1, default=lambda x: x - 1)))
    out["platform/no_args"] = run(lambda: lax.platform_dependent(default=lambda: 5))
    out["err/platform_gpu"] = run(lambda: lax.platform_dependent(1.0, gpu=lambda x: x))
    out["dce_sink/eager"] = run(lambda: [lax.dce_sink(jnp.ones(2)) is None,
                                         lax.dce_sink({"a": 1.0}) is None])
    out["dce_sink/jaxpr"] = run(lambda: str(jax.make_jaxpr(
        lambda x: (lax.dce_sink(x * 2), x)[1])(1.0)))
    out["dce_sink/jaxpr_prevent"] = run(lambda: str(jax.make_jaxpr(
        lambda x: (lax.dce_sink(x * 2, prevent_mlir_dce=True), x)[1])(1.0)))
    out["dce_sink/grad"] = run(lambda: float(jax.grad(lambda x: (lax.dce_sink(x * 2), x)[1])(
        1.0)))
    out["shape_as_value"] = run(lambda: [repr(lax.shape_as_value((2, 3))),
                                         repr(lax.shape_as_value(())),
                                         type(lax.shape_as_value((2, 3))).__name__])
    out["stage/eager"] = run(lambda: [repr(lax.stage(1.0)), repr(lax.stage(jnp.ones(2))),
                                      repr(lax.stage(np.ones(2)))])
    out["stage/jaxpr_tracer"] = run(lambda: str(jax.make_jaxpr(lambda x: lax.stage(x))(1.0)))
    out["stage/jaxpr_const"] = run(lambda: str(jax.make_jaxpr(lambda x: lax.stage(2.0))(1.0)))
    out["stage/grad"] = run(lambda: [float(jax.grad(lambda x: lax.stage(x) * 2)(1.0)),
                                     np.asarray(jax.vmap(lax.stage)(jnp.ones(2))).tolist()])
    out["rng_uniform/jaxpr"] = run(lambda: str(jax.make_jaxpr(
        lambda: lax.rng_uniform(0.0, 1.0, (3,)))()))
    out["err/rng_uniform_dtypes"] = run(lambda: lax.rng_uniform(0.0, 1, (3,)))
    out["err/rng_uniform_shapes"] = run(lambda: lax.rng_uniform(jnp.zeros(2), jnp.ones(2), (3,)))
    out["err/rng_uniform_grad"] = run(lambda: jax.grad(lambda a: lax.rng_uniform(a, 2.0, ()))(
        1.0))
    out["err/rng_uniform_vmap"] = run(lambda: jax.vmap(lambda a: lax.rng_uniform(a, 2.0, ()))(
        jnp.ones(2)))
    out["rng_uniform/repr"] = run(lambda: [str(lax.rng_uniform(0.0, 1.0, (3,)).dtype),
                                           lax.rng_uniform(0.0, 1.0, ()).weak_type,
                                           str(lax.rng_uniform(0, 10, (5,)).dtype)])
    out["RandomAlgorithm"] = run(lambda: [[a.name, int(a), str(a), repr(a)]
                                          for a in lax.RandomAlgorithm])
    return out


def runtime_cases(jax, jnp, np):
    out = {}
    out["hosts"] = run(lambda: [jax.host_count(), jax.host_id(), jax.host_ids(),
                                jax.process_indices()])
    x = jnp.ones(3)
    out["live_arrays"] = run(lambda: any(a is x for a in jax.live_arrays()))
    out["copy_to_host_async"] = run(lambda: repr(jax.copy_to_host_async({"a": x, "b": 1.0})))
    out["effects_barrier"] = run(lambda: jax.effects_barrier() is None)
    out["env_info_first"] = run(lambda: jax.print_environment_info(
        return_string=True).split("\n")[0].split(":")[0])
    names = ["allow_f16_reductions", "array_garbage_collection_guard", "auto_pcast",
             "enable_custom_prng", "legacy_prng_key", "no_execution", "no_tracing",
             "remove_size_one_mesh_axis_from_type", "softmax_custom_jvp", "thread_guard",
             "transfer_guard_device_to_device", "transfer_guard_device_to_host",
             "transfer_guard_host_to_device", "check_tracer_leaks"]
    for n in names:
        out[f"flag/{n}"] = run(lambda n=n: str(getattr(jax.config, "jax_" + n)))
    out["flag/jax2tf_associative_scan_reductions"] = run(
        lambda: str(jax.config.jax2tf_associative_scan_reductions))

    def enum_error():
        with jax.transfer_guard_device_to_host("bogus"):
            pass
    out["err/guard_enum"] = run(enum_error)

    def legacy_error():
        with jax.legacy_prng_key("bogus"):
            pass
    out["err/legacy_enum"] = run(legacy_error)

    def gc_guard_error():
        with jax.array_garbage_collection_guard("bogus"):
            pass
    out["err/gc_guard_enum"] = run(gc_guard_error)

    def no_tracing():
        with jax.no_tracing():
            jax.jit(lambda v: v + 1)(x)
    out["err/no_tracing"] = run(no_tracing)

    def no_execution():
        with jax.no_execution():
            jax.jit(lambda v: v + 2)(x)
    out["err/no_execution"] = run(no_execution)

    def f16():
        with jax.allow_f16_reductions(False):
            return [np.asarray(jnp.sum(jnp.ones(3, jnp.float16))).tolist(),
                    np.asarray(jax.lax.reduce_sum(jnp.ones((3, 1), jnp.float16),
                                                  (1,))).tolist()]
    out["f16/ok"] = run(f16)

    def f16_err():
        with jax.allow_f16_reductions(False):
            jax.lax.reduce_sum(jnp.ones(3, jnp.float16), (0,))
    out["err/f16"] = run(f16_err)

    out["user_context"] = run(lambda: RP.user_context(jax))

    out["fwd_and_bwd"] = run(lambda: RP.fwd_and_bwd(jax, jnp, np))
    out["ad_markers"] = run(lambda: RP.ad_markers(jax))
    out["softmax/custom_jvp"] = run(lambda: RP.softmax_grads(jax, jnp, np, True))
    out["softmax/default"] = run(lambda: RP.softmax_grads(jax, jnp, np, False))

    def leak():
        leaked = []
        with jax.checking_leaks():
            jax.jit(lambda v: (leaked.append(v), v)[1])(1.0)
    out["err/leak_jit"] = run(leak)

    def no_leak():
        with jax.checking_leaks():
            return [float(jax.jit(lambda v: v * 2)(1.0)),
                    float(jax.jit(lambda v: jax.lax.cond(v > 0, jnp.sin, jnp.cos, v))(1.0))]
    out["no_leak"] = run(no_leak)
    out["memory_space"] = run(lambda: [[m.name, m.value, repr(m), str(m)]
                                       for m in jax.memory.Space])
    return out


def main():
    if "--x64" in sys.argv:
        import jax
        import jax.numpy as jnp
        import numpy as np
        print(json.dumps(rng_cases_x64(jax, jnp, np)))
        return
    import jax
    import jax.numpy as jnp
    import numpy as np
    data = {"jax_version": jax.__version__,
            "rng": rng_cases(jax, jnp, np),
            "sharding": sharding_cases(jax, jnp, np),
            "refs": ref_cases(jax, jnp, np),
            "misc": token_misc_cases(jax, jnp, np),
            "runtime": runtime_cases(jax, jnp, np)}
    env = dict(os.environ, JAX_ENABLE_X64="1")
    proc = subprocess.run([sys.executable, __file__, "--x64"], env=env, capture_output=True,
                          text=True, check=True)
    data["rng_x64"] = json.loads(proc.stdout)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
