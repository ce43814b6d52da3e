"""Rule coverage for vmap: every lax primitive has a batching rule and is vmap-checked.

The op records of the lax and jnp test files (tests/harness.py ``OpRecord``)
are gathered here; each record is traced once to see which primitives it
exercises, and for every primitive of ``pyjax.lax`` the first record using it
runs ``check_vmap`` (vmap over each in_axes pattern vs a loop + ``np.stack``).
Primitives no record reaches are vmap-checked by the hand-written cases below
or by tests/transforms/test_collectives.py, so a new primitive without a record
makes ``test_every_lax_primitive_is_vmap_checked`` fail until someone adds one.
"""
import glob
import importlib.util
import os
import sys

import numpy as np
import pytest

import pyjax
import pyjax.numpy as jnp
from harness import OpRecord, assert_allclose, check_vmap
from pyjax import lax
from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import batching

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Checked elsewhere: the collectives in test_collectives.py (they need a named axis).
COLLECTIVES = {"psum", "pmax", "pmin", "ppermute", "all_gather", "all_to_all", "axis_index",
               "ragged_all_to_all"}
# JAX 0.10.2 registers no batching rule for these (vmap of them raises there too).
JAX_HAS_NO_BATCHING = {"rng_uniform"}
# Never an equation in a jaxpr (lifting a value into the trace records nothing); its
# vmap is checked in tests/lax/test_misc_ops.py.
NEVER_STAGED = {"stage"}


def _load_records() -> list:
    """Every OpRecord defined at module level in tests/lax and tests/numpy."""
    records, seen = [], set()
    saved_path = list(sys.path)
    try:
        for path in sorted(glob.glob(os.path.join(TESTS, "lax", "test_*.py"))
                           + glob.glob(os.path.join(TESTS, "numpy", "test_*.py"))):
            sys.path[:0] = [os.path.dirname(path), os.path.join(TESTS, "fixtures")]
            name = "_vmap_sweep_" + os.path.relpath(path, TESTS).replace(os.sep, "_")[:-3]
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            try:
                spec.loader.exec_module(mod)
            except Exception:  # a family file being rewritten: its own tests report it
                continue
            for v in vars(mod).values():
                items = v if isinstance(v, (list, tuple)) else [v]
                for r in items:
                    if isinstance(r, OpRecord) and id(r) not in seen:
                        seen.add(id(r))
                        records.append(r)
    finally:
        sys.path[:] = saved_path
    return records


def _primitives_of(jaxpr, acc: set) -> set:
    jaxpr = jaxpr.jaxpr if isinstance(jaxpr, ClosedJaxpr) else jaxpr
    for eqn in jaxpr.eqns:
        acc.add(eqn.primitive)
        for p in eqn.params.values():
            for q in (p if isinstance(p, (tuple, list)) else [p]):
                if isinstance(q, (ClosedJaxpr, Jaxpr)):
                    _primitives_of(q, acc)
    return acc


def _record_per_primitive() -> dict:
    chosen: dict = {}
    for rec in _load_records():
        if not rec.vmap:
            continue
        try:
            jaxpr = pyjax.make_jaxpr(rec.call)(*rec.make_args())
        except Exception:  # noqa: S112 - records of unfinished ops are their owners' failures
            continue
        for prim in _primitives_of(jaxpr, set()):
            chosen.setdefault(prim.name, rec)
    return chosen


LAX_PRIMITIVES = sorted({v for v in vars(lax).values() if isinstance(v, Primitive)},
                        key=lambda p: p.name)
RECORD_FOR = _record_per_primitive()


# -- hand-written cases for primitives without records ----------------------------------------

def _x(*shape, dtype=np.float32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _f_cond(x):
    return lax.cond(x[0] > 0, lambda v: jnp.sin(v), lambda v: v * 3.0, x)


def _f_while(x):
    return lax.while_loop(lambda c: c[0] < 5.0, lambda c: c * 1.5 + 1.0, x)


def _f_scan(x):
    return lax.scan(lambda c, v: (c * v + 1.0, c), x[0], x)


def _f_cumsum(x):
    return lax.cumsum(x, axis=0), lax.cumprod(x, axis=0), lax.cummax(x, axis=0), \
        lax.cummin(x, axis=0), lax.cumlogsumexp(x, axis=0)


def _f_windows(x):
    return (lax.reduce_window(x, 0.0, lax.add, (2,), (1,), "VALID"),
            lax.reduce_window(x, -np.inf, lax.max, (2,), (1,), "SAME"),
            lax.reduce_window(x, np.inf, lax.min, (3,), (2,), "VALID"))


def _f_structural(x):
    return (lax.concatenate([x, x * 2], 0), lax.pad(x, 0.0, [(1, 2, 1)]), lax.rev(x, (0,)),
            lax.tile(x, (2,)), lax.split(x, (2, 4)))


def _f_sort(x):
    return lax.sort(x), lax.top_k(x, 2)


def _f_conv(x):
    lhs = x.reshape(1, 1, 6)
    return lax.conv_general_dilated(lhs, np.ones((2, 1, 3), np.float32), (1,), "SAME")


def _f_window_grads(x):
    # max-pool gradients: select_and_gather_add (jvp), select_and_scatter_add (transpose)
    from pyjax._src.lax import windowed
    pool = lambda v: lax.reduce_window(v, -np.inf, lax.max, (2,), (2,), "VALID")  # noqa: E731
    _, tangent = pyjax.jvp(pool, (x,), (x * 2.0,))
    scattered = windowed._select_and_scatter(x, lax.ge, (2,), (2,), ((0, 0),), x[:3],
                                             0.0, lax.add)
    return tangent, pyjax.grad(lambda v: jnp.sum(pool(v) ** 2))(x), scattered


def _f_linear_solve(x):
    # a diagonal system solved elementwise: batching must map matvec, solve and b together
    return lax.custom_linear_solve(lambda v: 2.0 * v + x[0] * v, x,
                                   lambda mv, b: b / (2.0 + x[0]), symmetric=True)


CASES = {
    "custom_linear_solve": (_f_linear_solve, (3, 5)),
    "cond": (_f_cond, (4, 3)),
    "while": (_f_while, (4, 2)),
    "scan": (_f_scan, (4, 5)),
    "cumsum": (_f_cumsum, (4, 6)),
    "reduce_window": (_f_windows, (3, 6)),
    "concatenate": (_f_structural, (3, 6)),
    "sort": (_f_sort, (3, 6)),
    "conv_general_dilated": (_f_conv, (3, 6)),
    "select_and_scatter": (_f_window_grads, (3, 6)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vmap_hand_written_case_matches_loop(name):
    f, shape = CASES[name]
    xs = _x(*shape)
    for in_axis in (0, 1):
        batched = np.moveaxis(xs, 0, in_axis)
        out = pyjax.vmap(f, in_axes=in_axis)(batched)
        per = [f(xs[i]) for i in range(shape[0])]
        expected = pyjax.tree_util.tree_map(
            lambda *v: np.stack([np.asarray(a) for a in v]), *per)
        assert_allclose(out, expected, 1e-5)


def _hand_written_primitives() -> set:
    prims: set = set()
    for f, shape in CASES.values():
        _primitives_of(pyjax.make_jaxpr(f)(_x(*shape[1:])), prims)
    return {p.name for p in prims}


# -- the sweep --------------------------------------------------------------------------------


@pytest.mark.parametrize("prim", LAX_PRIMITIVES, ids=lambda p: p.name)
def test_every_lax_primitive_has_a_batching_rule(prim):
    if prim.name in JAX_HAS_NO_BATCHING:
        assert prim not in batching.primitive_batchers, f"{prim.name} batches now"
        return
    assert prim in batching.primitive_batchers, f"no batching rule for {prim.name}"


@pytest.mark.parametrize("name", sorted(RECORD_FOR), ids=str)
def test_vmap_op_record_sweep(name):
    check_vmap(RECORD_FOR[name])


def test_every_lax_primitive_is_vmap_checked():
    covered = set(RECORD_FOR) | _hand_written_primitives() | COLLECTIVES | \
        JAX_HAS_NO_BATCHING | NEVER_STAGED
    missing = sorted(p.name for p in LAX_PRIMITIVES if p.name not in covered)
    assert not missing, f"lax primitives without any vmap check (add an OpRecord): {missing}"
