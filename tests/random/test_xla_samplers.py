"""Float samplers bit for bit against real JAX 0.10.2 (tests/fixtures/xla_math.json).

The stored results come from tools/make_xla_math_fixtures.py: ``jax.random`` calls whose
values go through XLA:CPU's float32 ``log``/``exp``/``tan``/``pow``/``log1p``/``erf_inv``
kernels and its rewrite of divisions by broadcasts, on arrays large enough for XLA's
vectorised kernels.  pyjax's samplers bind the twins of pyjax/_src/lax/xla_math.py
(NOTE[xla-twins]), whose jaxprs must still show JAX's primitive names.
"""
import base64
import json
import os

import ml_dtypes
import numpy as np
import pytest

import pyjax
import pyjax.random  # noqa: F401  (until pyjax/__init__ imports it)
from pyjax._src.lax import xla_math as xm

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "fixtures", "xla_math.json")) as _f:
    SAMPLERS = json.load(_f)["samplers"]

_DTYPES = {"float32": np.dtype(np.float32), "float16": np.dtype(np.float16),
           "bfloat16": np.dtype(ml_dtypes.bfloat16), "int32": np.dtype(np.int32)}


def _decode(spec) -> np.ndarray:
    dtype = _DTYPES[spec["dtype"]]
    return np.frombuffer(base64.b64decode(spec["data"]), dtype.newbyteorder("<")).astype(
        dtype).reshape(spec["shape"])


@pytest.mark.parametrize("expr", sorted(SAMPLERS))
def test_sampler_matches_jax_bit_for_bit(expr):
    want = _decode(SAMPLERS[expr])
    got = np.asarray(eval(expr, {"jax": pyjax}))
    assert got.dtype == want.dtype and got.shape == want.shape
    ints = {2: np.uint16, 4: np.uint32}[got.dtype.itemsize]
    differ = got.view(ints) != want.view(ints)
    assert not differ.any(), f"{int(differ.sum())} of {differ.size} elements differ"


def test_fixture_covers_each_ported_kernel():
    names = " ".join(SAMPLERS)
    for sampler in ("gumbel", "cauchy", "logistic", "pareto", "lognormal", "weibull_min",
                    "gamma", "loggamma", "beta", "dirichlet", "geometric"):
        assert f"jax.random.{sampler}(" in names


def _eqn_primitives(jaxpr):
    for eqn in jaxpr.eqns:
        yield eqn.primitive
        for v in eqn.params.values():
            inner = getattr(v, "jaxpr", None)
            if inner is not None:
                yield from _eqn_primitives(getattr(inner, "jaxpr", inner))


@pytest.mark.parametrize("fn,twin", [
    (lambda k: pyjax.random.gumbel(k, (4,)), xm.xla_log_p),
    (lambda k: pyjax.random.cauchy(k, (4,)), xm.xla_tan_p),
    (lambda k: pyjax.random.lognormal(k, 0.5, (4,)), xm.xla_exp_p),
    (lambda k: pyjax.random.pareto(k, 3.0, (4,)), xm.xla_div_p),
    (lambda k: pyjax.random.weibull_min(k, 2.0, 1.5, (4,)), xm.xla_pow_p),
])
def test_sampler_jaxprs_show_jax_primitive_names(fn, twin):
    closed = pyjax.make_jaxpr(fn)(pyjax.random.PRNGKey(0))
    prims = list(_eqn_primitives(closed.jaxpr))
    assert twin in prims
    assert f" {twin.name} " in str(closed)   # printed under JAX's name


def test_samplers_agree_under_jit_and_vmap():
    key = pyjax.random.PRNGKey(3)
    for fn in (lambda k: pyjax.random.gumbel(k, (32,)), lambda k: pyjax.random.cauchy(k, (32,)),
               lambda k: pyjax.random.beta(k, 2.0, 3.0, (32,))):
        eager = np.asarray(fn(key))
        np.testing.assert_array_equal(np.asarray(pyjax.jit(fn)(key)), eager)
        keys = pyjax.random.split(key, 2)
        batched = np.asarray(pyjax.vmap(fn)(keys))
        np.testing.assert_array_equal(batched[1], np.asarray(fn(keys[1])))
