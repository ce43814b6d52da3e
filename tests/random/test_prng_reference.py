"""Replay every stored JAX 0.10.2 ``jax.random`` result (tests/fixtures/prng_reference.json).

Each key of the fixture is a Python expression over ``jax`` (here bound to pyjax),
optionally ``with CTX: EXPR``.  Every result must match bit for bit, the
``xla-math`` class included: those go through XLA:CPU's float32 kernels (log,
log1p, exp, erf_inv, tan, pow), which pyjax's samplers reproduce with the NumPy
ports of pyjax/_src/lax/xla_math.py (NOTE[xla-cpu-kernels]).
"""
import json
import os
import re

import numpy as np
import pytest

import pyjax
import pyjax.random  # noqa: F401  (until pyjax/__init__ imports it)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "fixtures", "prng_reference.json")
CLASSES = {"integer", "uniform01", "fma", "compare", "xla-math"}


def _load():
    with open(FIXTURE) as f:
        return json.load(f)


REF = _load()
CASES = [k for k in REF if not k.startswith("_")]


def _evaluate(expr: str) -> np.ndarray:
    env = {"jax": pyjax}
    m = re.match(r"^with (.+?): (.+)$", expr)
    if m:
        with eval(m.group(1), env):
            return np.asarray(eval(m.group(2), env))
    return np.asarray(eval(expr, env))


def test_prng_reference_fixture_is_the_jax_0_10_2_recording():
    meta = REF["_meta"]
    assert meta["jax_version"] == "0.10.2"
    assert meta["jax_threefry_partitionable_default"] is True
    assert len(CASES) == 146
    assert set(REF["_exactness"]) == set(CASES) == set(REF["_dtypes"])


@pytest.mark.parametrize("expr", CASES)
def test_prng_reference_value(expr):
    got = _evaluate(expr)
    spec = REF["_dtypes"][expr]
    assert str(got.dtype) == spec["dtype"]
    assert list(got.shape) == spec["shape"]
    assert REF["_exactness"][expr] in CLASSES
    if got.dtype.kind == "f" or "float" in str(got.dtype):
        # exact for every class (16-bit floats are stored widened to float32, exactly)
        np.testing.assert_array_equal(got.astype(np.float64), np.asarray(REF[expr], np.float64))
    else:
        np.testing.assert_array_equal(got, np.asarray(REF[expr], got.dtype))


def test_prng_reference_typed_key_metadata():
    meta = REF["_meta"]["typed_key"]
    k = pyjax.random.key(0)
    assert str(k.dtype) == meta["dtype"]
    assert list(k.shape) == meta["shape"]
    assert pyjax.random.key_impl(k) == meta["key_impl"]
    assert repr(k) == meta["repr"]
    legacy = REF["_meta"]["legacy_key"]
    raw = pyjax.random.PRNGKey(0)
    assert str(raw.dtype) == legacy["dtype"] and list(raw.shape) == legacy["shape"]


def test_prng_reference_partitionable_flag_changes_exactly_the_recorded_results():
    prefix = "with jax.threefry_partitionable(False): "
    meta = REF["_meta"]
    for base in meta["threefry_partitionable_False_changes"]:
        assert not np.array_equal(_evaluate(base), _evaluate(prefix + base))
    for base in meta["threefry_partitionable_False_same"]:
        np.testing.assert_array_equal(_evaluate(base), _evaluate(prefix + base))
