"""Reverse-mode cost: grad(f) vs f, eager and under jit (``python benchmarks/bench_grad.py``).

For scalar-valued ``f: R^n -> R`` built from elementwise ops and reductions
(n = 1e6 float32 by default) the table shows the median time per call of

    f            eager            grad(f)        eager     (goal: <= 4x f)
    jit(f)       compiled         jit(grad(f))   compiled  (goal: <= 3x jit(f))

and the ratios.  Reverse mode does the primal pass, saves residuals, and runs
the transposed linear pass, so a ratio of 2-3x is the theoretical floor for
elementwise code; the eager ratio also includes pyjax's per-op tracing
overhead (JVP + partial evaluation in Python; from the second call the
backward pass runs compiled, see ``pyjax/_src/compiled_backward.py``).

The four functions are timed in interleaved rounds (one call of each per
round) and the load average is printed: on a shared machine, compare runs at
similar load.  A last line gives the ratios of CPU time, which waiting for a
core does not inflate.

Usage: ``python benchmarks/bench_grad.py [--n N] [--repeat R] [--only NAME]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pyjax  # noqa: E402
from pyjax import lax  # noqa: E402
from pyjax._src.ad_api import grad  # noqa: E402


def _sum(x):
    return lax.reduce_sum(x, (0,))


def damped_sine(x):
    """sum(sin(x) * exp(-0.1 x))"""
    return _sum(lax.mul(lax.sin(x), lax.exp(lax.mul(x, -0.1))))


def log_cos(x):
    """sum(log(1 + x^2)) + sum(cos(x))"""
    return lax.add(_sum(lax.log(lax.add(lax.mul(x, x), 1.0))), _sum(lax.cos(x)))


def tanh_sq(x):
    """sum(tanh(x)^2 / (1 + x^2))"""
    t = lax.tanh(x)
    return _sum(lax.div(lax.mul(t, t), lax.add(lax.integer_pow(x, 2), 1.0)))


def chain(x):
    """sum(sin(cos(exp(-x^2))) * x)"""
    return _sum(lax.mul(lax.sin(lax.cos(lax.exp(lax.neg(lax.integer_pow(x, 2))))), x))


WORKLOADS = [damped_sine, log_cos, tanh_sq, chain]


def _block(out):
    return pyjax.block_until_ready(out)


def median_times(fns: dict, arg, repeat: int) -> tuple[dict, dict]:
    """Median wall and CPU seconds per call of each function, timed in interleaved rounds.

    Each round calls every function once, so a burst of load from other
    processes slows all of them alike instead of skewing one ratio.  Warm-up
    calls trace, compile and fill caches (eager grad compiles its backward pass
    on the second call with the same structure).  CPU time (this thread's)
    leaves out the time the process waited for a core, which on a busy machine
    inflates long calls more than short ones.
    """
    for fn in fns.values():
        for _ in range(3):
            _block(fn(arg))
    wall: dict = {name: [] for name in fns}
    cpu: dict = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            c0, t0 = time.thread_time(), time.perf_counter()
            _block(fn(arg))
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.thread_time() - c0)
    return ({name: statistics.median(ts) for name, ts in wall.items()},
            {name: statistics.median(ts) for name, ts in cpu.items()})


def run(n: int, repeat: int, only: str | None):
    x = np.random.default_rng(0).uniform(-2.0, 2.0, n).astype(np.float32)
    rows = []
    for f in WORKLOADS:
        if only and f.__name__ != only:
            continue
        g = grad(f)
        jf, jg = pyjax.jit(f), pyjax.jit(grad(f))
        np.testing.assert_allclose(np.asarray(jg(x)), np.asarray(g(x)), rtol=1e-4, atol=1e-6)
        rows.append((f.__name__, median_times({"f": f, "grad": g, "jit": jf, "jit_grad": jg},
                                              x, repeat)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--only", default=None)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    rows = run(args.n, args.repeat, args.only)
    print(f"grad vs f, n = {args.n:,} float32, median of {args.repeat} interleaved rounds (ms); "
          f"load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}")
    header = (f"{'workload':<12} {'f':>8} {'grad(f)':>9} {'ratio':>6} {'goal':>5}   "
              f"{'jit(f)':>8} {'jit(grad)':>10} {'ratio':>6} {'goal':>5}")
    print(header)
    print("-" * len(header))
    for name, (t, _) in rows:
        r_eager, r_jit = t["grad"] / t["f"], t["jit_grad"] / t["jit"]
        print(f"{name:<12} {t['f'] * 1e3:8.2f} {t['grad'] * 1e3:9.2f} {r_eager:6.2f} "
              f"{'ok' if r_eager <= 4 else 'MISS':>5}   {t['jit'] * 1e3:8.2f} "
              f"{t['jit_grad'] * 1e3:10.2f} {r_jit:6.2f} {'ok' if r_jit <= 3 else 'MISS':>5}")
    cpu = [f"{name} {c['grad'] / c['f']:.2f} / {c['jit_grad'] / c['jit']:.2f}"
           for name, (_, c) in rows]
    print("CPU-time ratios (eager / jit): " + ", ".join(cpu))


if __name__ == "__main__":
    main()
