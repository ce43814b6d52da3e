"""Eager (un-jitted) op overhead: pyjax vs NumPy vs JAX (``python benchmarks/bench_eager.py``).

Median time of single operations on tiny (4-element) and 1000-element float32
arrays: ``jnp.add(x, y)``, ``jnp.sin(x)``, ``x[1:3]``, ``x.at[0].set(1.)`` and
``jnp.dot(a, b)`` (vectors).  DESIGN.md targets ≤ 3x NumPy's own time on tiny
arrays; JAX takes 5-17 µs per op.  JAX runs in a subprocess (``--jax-python``,
default ``$PYJAX_BENCH_JAX_PYTHON`` or ``/work/jaxvenv/bin/python``); the
libraries are timed round-robin so that machine-load drift hits them alike.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from remote import RemoteWorker, jax_python  # noqa: E402

OPS = ["add", "sin", "slice", "at_set", "dot"]
SIZES = [4, 1000]


def _np_at_set(x):
    y = x.copy()
    y[0] = 1.0
    return y


def make_calls(lib: str, size: int) -> dict:
    """{op: zero-argument callable} for ``lib`` in ('pyjax', 'jax', 'numpy')."""
    rng = np.random.default_rng(0)
    xn = rng.standard_normal(size).astype(np.float32)
    yn = rng.standard_normal(size).astype(np.float32)
    if lib == "numpy":
        return {"add": lambda: np.add(xn, yn), "sin": lambda: np.sin(xn),
                "slice": lambda: xn[1:3], "at_set": lambda: _np_at_set(xn),
                "dot": lambda: np.dot(xn, yn)}
    if lib == "jax":
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_platforms", "cpu")
    else:
        sys.path.insert(0, os.path.dirname(HERE))
        import pyjax as jax
        import pyjax.numpy as jnp
    x, y = jnp.asarray(xn), jnp.asarray(yn)
    block = jax.block_until_ready
    return {"add": lambda: block(jnp.add(x, y)), "sin": lambda: block(jnp.sin(x)),
            "slice": lambda: block(x[1:3]), "at_set": lambda: block(x.at[0].set(1.0)),
            "dot": lambda: block(jnp.dot(x, y))}


def _median(call, budget: float) -> float | None:
    try:
        call()
    except Exception as e:  # noqa: BLE001 -- an op not implemented yet
        print(f"unavailable: {type(e).__name__}: {e}", file=sys.stderr)
        return None
    batch, times = 50, []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 4000):
        t0 = time.perf_counter()
        for _ in range(batch):
            call()
        times.append((time.perf_counter() - t0) / batch)
    return statistics.median(times)


class _Local:
    def __init__(self, lib):
        self.calls = {s: make_calls(lib, s) for s in SIZES}

    def time(self, op, size, budget):
        return _median(self.calls[size][op], budget)


class _Remote(RemoteWorker):
    def time(self, op, size, budget):
        return self.ask([op, size, budget])


def _worker(lib):
    local = _Local(lib)
    for line in sys.stdin:
        op, size, budget = json.loads(line)
        print(json.dumps(local.time(op, size, budget)), flush=True)


def _fmt(t):
    return "-" if t is None else f"{t * 1e6:.2f} µs"


def _ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", choices=["pyjax", "jax", "numpy"], help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-jax", action="store_true")
    ap.add_argument("--jax-python")
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return
    budget = 0.3 if args.quick else 1.0
    libs = {"pyjax": _Local("pyjax"), "numpy": _Local("numpy")}
    jax_py = None if args.no_jax else jax_python(args.jax_python)
    if jax_py:
        libs["jax"] = _Remote(jax_py, __file__, "jax")
    rows = []
    try:
        for size in SIZES:
            for op in OPS:
                best = {}
                for _ in range(3):
                    for lib, runner in libs.items():
                        t = runner.time(op, size, budget / 3)
                        if t is not None:
                            best[lib] = min(best.get(lib, t), t)
                p, n, j = best.get("pyjax"), best.get("numpy"), best.get("jax")
                rows.append((f"{op} ({size},)", _fmt(p), _fmt(n), _fmt(j), _ratio(p, n),
                             _ratio(p, j)))
    finally:
        if "jax" in libs:
            libs["jax"].close()
    header = ("op", "pyjax", "numpy", "jax", "pyjax/np", "pyjax/jax")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
