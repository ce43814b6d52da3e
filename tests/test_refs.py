"""Mutable array references (jax.new_ref / Ref / freeze / free_ref / empty_ref / ds) eagerly,
under jit (as arguments and inside), grad and vmap, against stored JAX 0.10.2 results
(tests/fixtures/runtime_api.json); and pyjax's documented refusals (NOTE[ref-discharge])."""
import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from pyjax import lax
from jaxref import load
import runtime_programs as RP

R = load("runtime_api.json")["refs"]


def _expect_error(name, exc, call):
    record = R[name]
    assert "error" in record, record
    with pytest.raises(exc) as e:
        call()
    return str(e.value), record["message"]


def test_eager_reads_writes_and_reprs_match_jax():
    assert RP.ref_eager_sequence(pyjax, jnp, np) == R["eager"]["value"]
    assert isinstance(pyjax.new_ref(jnp.arange(3.0)), pyjax.Ref)


def test_new_ref_copies_numpy_input():
    base = np.zeros(3, np.float32)
    r = pyjax.new_ref(base)
    base[0] = 7.0
    assert float(r[0]) == 0.0


def test_ds_matches_jax():
    got = [repr(pyjax.ds(1, 2)), repr(pyjax.ds(1)), repr(pyjax.ds(1, 2, 2)),
           repr(pyjax.ds(None, 2)), pyjax.ds(1, 2) == pyjax.ds(1, 2)]
    assert got == R["ds"]["value"]
    got_msg, msg = _expect_error("err/ds_stride", ValueError, lambda: pyjax.ds(1, 2, 1.0))
    assert got_msg == msg
    with pytest.raises(TypeError):
        hash(pyjax.ds(1, 2))


def test_dynamic_ds_start_under_jit():
    r = pyjax.new_ref(jnp.arange(10.0))
    f = pyjax.jit(lambda ref, i: ref[pyjax.ds(i, 3)])
    np.testing.assert_array_equal(f(r, 4), [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(f(r, 9), [7.0, 8.0, 9.0])  # clamped as dynamic_slice
    g = pyjax.jit(lambda ref, i: ref.__setitem__(pyjax.ds(i, 2), jnp.zeros(2)))
    g(r, 1)
    np.testing.assert_array_equal(r[...], [0, 0, 0, 3, 4, 5, 6, 7, 8, 9])


@pytest.mark.parametrize("name,call", [
    ("err/dtype", lambda: pyjax.new_ref(1.0).__setitem__(..., 3)),
    ("err/shape", lambda: pyjax.new_ref(jnp.zeros(3)).__setitem__(..., jnp.zeros(2))),
    ("err/shape_scalar", lambda: pyjax.new_ref(jnp.zeros(3)).__setitem__(..., 1.0)),
])
def test_write_type_errors_match_jax(name, call):
    got, expected = _expect_error(name, ValueError, call)
    assert got == expected


def test_grad_jit_vmap_of_internal_refs_match_jax():
    f = RP.internal_ref_program(pyjax, jnp, np)
    x = jnp.arange(1.0, 4.0)
    assert np.asarray(pyjax.grad(f)(x)).tolist() == R["grad_internal"]["value"]
    assert np.asarray(pyjax.jit(pyjax.grad(f))(x)).tolist() == R["jit_grad_internal"]["value"]
    assert np.asarray(pyjax.vmap(f)(jnp.arange(6.0).reshape(2, 3))).tolist() == \
        R["vmap_internal"]["value"]


def test_jit_with_ref_argument_matches_jax():
    assert RP.ref_as_jit_argument(pyjax, jnp, np) == R["jit_arg"]["value"]


def test_jit_with_ref_argument_traces_once():
    count = [0]

    def g(r, x):
        count[0] += 1
        r[...] += x
    gj = pyjax.jit(g)
    r = pyjax.new_ref(jnp.zeros(2))
    for _ in range(3):
        gj(r, jnp.ones(2))
    np.testing.assert_array_equal(r[...], [3.0, 3.0])
    assert count[0] == 1


def test_jit_ref_argument_nested_in_outer_jit():
    inner = pyjax.jit(lambda r, x: r.__setitem__(..., r[...] + x))

    @pyjax.jit
    def outer(x):
        r = pyjax.new_ref(jnp.zeros(2))
        inner(r, x)
        inner(r, x)
        return pyjax.freeze(r)
    np.testing.assert_array_equal(outer(jnp.ones(2)), [2.0, 2.0])


def test_jit_internal_ref_and_empty_ref_match_jax():
    assert RP.ref_inside_jit(pyjax, jnp, np) == R["jit_internal"]["value"]
    assert RP.empty_ref_inside_jit(pyjax, jnp, np) == R["empty_ref_jit"]["value"]


def test_empty_ref_eager_raises_as_jax():
    sds = pyjax.ShapeDtypeStruct((2,), jnp.float32)
    got, expected = _expect_error("err/empty_ref_eager", NotImplementedError,
                                  lambda: pyjax.empty_ref(sds))
    assert got.startswith(expected)


def test_returning_a_ref_from_jit_raises_as_jax():
    got, expected = _expect_error("err/return_ref", ValueError,
                                  lambda: pyjax.jit(lambda: pyjax.new_ref(1.0))())
    # JAX adds where the Ref was created; the first paragraph is the same
    assert expected.split(" at ")[0] == got.split(" at ")[0]
    assert expected.split("\n")[0].split("traced for")[1] == got.split("traced for")[1]


def test_grad_with_respect_to_other_argument_and_free_ref():
    assert pyjax.grad(lambda x, r: (r[...] * x).sum())(1.0, pyjax.new_ref(jnp.ones(3))) == \
        R["grad_wrt_x"]["value"]
    assert repr(pyjax.free_ref(pyjax.new_ref(1.0))) == R["free_ref"]["value"]


def test_ref_passed_twice_to_jit_is_refused():
    r = pyjax.new_ref(jnp.zeros(2))
    with pytest.raises(ValueError, match="only one reference"):
        pyjax.jit(lambda a, b: None)(r, r)


# -- pyjax's documented refusals (NOTE[ref-discharge]) ---------------------------------------


def test_ref_closed_over_by_jit_is_refused():
    c = pyjax.new_ref(0.0)

    @pyjax.jit
    def h(x):
        c[...] += x
        return x
    with pytest.raises(NotImplementedError, match="separately traced function"):
        h(1.0)


def test_ref_written_in_loop_body_is_refused():
    def loop(x):
        r = pyjax.new_ref(0.0)
        lax.fori_loop(0, 4, lambda i, _: r.__setitem__(..., r[...] + x * i), None)
        return r[...]
    with pytest.raises(NotImplementedError, match="fori_loop"):
        loop(1.0)


def test_writing_inner_transformation_value_into_outer_ref_is_refused():
    r = pyjax.new_ref(0.0)

    def g(x):
        r[...] = x
        return x
    with pytest.raises(NotImplementedError, match="escape that transformation"):
        pyjax.grad(g)(1.0)
    assert float(r[...]) == 0.0
    pyjax.grad(lambda x: (r.__setitem__(..., 5.0), x)[1])(1.0)  # a constant may be written
    assert float(r[...]) == 5.0


def test_staging_a_function_taking_a_ref_is_refused():
    with pytest.raises(NotImplementedError, match="mutable array reference"):
        pyjax.make_jaxpr(lambda r: r[...])(pyjax.new_ref(1.0))


def test_ref_used_as_array_value_while_tracing_is_refused():
    r = pyjax.new_ref(jnp.ones(2))
    with pytest.raises(TypeError, match="read it with ref"):
        pyjax.jit(lambda x: x + lax.stage(r))(1.0)


def test_ds_on_refs_matches_jax():
    r10 = lambda: pyjax.new_ref(jnp.arange(10))  # noqa: E731
    assert repr(r10()[pyjax.ds(7, 2, 2)]) == R["ds/ref_strided"]["value"]
    assert repr(r10()[pyjax.ds(1, 3, 2)]) == R["ds/ref_strided2"]["value"]
    got, expected = _expect_error("err/ds_ref_oob", ValueError, lambda: r10()[pyjax.ds(8, 2, 2)])
    assert got == expected
    got, expected = _expect_error("err/ds_ref_negative", TypeError, lambda: r10()[pyjax.ds(-1, 1)])
    assert got == expected
    assert repr(pyjax.jit(lambda r, i: r[pyjax.ds(i, 3)])(r10(), 9)) == \
        R["ds/ref_dynamic_clamped"]["value"]
    assert RP.ds_ref_writes(pyjax, jnp, np) == R["ds/ref_set"]["value"]


def test_ds_indexing_of_arrays_matches_jax():
    assert RP.ds_array_indexing(pyjax, jnp, np) == R["ds/jnp"]["value"]
    with pytest.raises(NotImplementedError, match="jax.ds"):
        jnp.arange(10).at[pyjax.ds(2, 2)].set(0)


def test_ref_at_raises_as_jax():
    with pytest.raises(NotImplementedError):
        pyjax.new_ref(1.0).at


def test_vjp_with_refs_matches_jax():
    assert RP.vjp_with_refs(pyjax, jnp, np) == R["vjp_with_refs"]["value"]
    f = lambda v, w: jnp.sin(v) * w  # noqa: E731
    _, f_vjp = pyjax.vjp(f, jnp.ones(2), jnp.full(2, 2.0))
    with pytest.raises(ValueError, match="Accumulator aval mismatch"):
        f_vjp.with_refs(pyjax.ad.GradValue(), pyjax.new_ref(jnp.ones(3)))(jnp.ones(2))
    with pytest.raises(TypeError, match="with_refs"):
        f_vjp.with_refs(pyjax.ad.GradValue(), jnp.ones(2))


def test_refs_as_transformed_arguments_are_refused():
    r = pyjax.new_ref(jnp.ones(3))
    with pytest.raises(TypeError, match="Cannot differentiate with respect to a mutable"):
        pyjax.grad(lambda ref, x: (ref[...] * x).sum())(r, 1.0)
    with pytest.raises(NotImplementedError, match="vmap over a mutable array reference"):
        pyjax.vmap(lambda ref: ref[...])(r)
    out = pyjax.vmap(lambda ref, x: ref[...] + x, in_axes=(None, 0))(r, jnp.ones((2, 3)))
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))
