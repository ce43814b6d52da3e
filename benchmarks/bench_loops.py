"""Loop benchmarks: pyjax tier 1, tier 2 (numba) and JAX (``python benchmarks/bench_loops.py``).

Workloads (the same source runs on both libraries, under ``jit``):

  rosenbrock  5000 gradient-descent steps on the Rosenbrock function of a 2-vector,
              written as one ``lax.fori_loop`` (the seed's optimiser loop)
  rnn_fwd     a 1000-step tanh RNN (hidden 64, input 32) as ``lax.scan``, forward
  rnn_grad    ``value_and_grad`` of that RNN's loss with respect to its weights
              (the scan forward, then the transposed scan backward)

pyjax runs each loop twice: tier 1 only (``jax_pyjax_native_loops="never"``: a
Python loop over the compiled body) and native (``"always"``: the whole loop
compiled by numba; its first call includes numba's compile, or the disk cache
load).  JAX runs in a subprocess (``--jax-python``, default
``$PYJAX_BENCH_JAX_PYTHON`` or ``/work/jaxvenv/bin/python``), interleaved
round by round with pyjax so machine-load drift hits both alike.  The table
shows the first call and the best-of-rounds median steady time.

Usage: ``python benchmarks/bench_loops.py [--rounds R] [--only NAME] [--no-jax]``.
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


def _rosenbrock(jax, jnp):
    def f(p):
        x, y = p[0], p[1]
        return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2
    g = jax.grad(f)

    def run(p):
        return jax.lax.fori_loop(0, 5000, lambda i, p: p - 1.5e-3 * g(p), p)
    return run, (np.array([-1.2, 1.0], np.float32),)


def _rnn_inputs():
    rng = np.random.default_rng(0)
    hidden, inp, steps = 64, 32, 1000
    wh = (rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)).astype(np.float32)
    wx = (rng.normal(size=(hidden, inp)) / np.sqrt(inp)).astype(np.float32)
    b = np.zeros(hidden, np.float32)
    xs = rng.normal(size=(steps, inp)).astype(np.float32)
    return (wh, wx, b), xs


def _rnn_loss(jax, jnp):
    def loss(params, xs):
        wh, wx, b = params

        def step(h, x):
            h = jnp.tanh(wh @ h + wx @ x + b)
            return h, jnp.sum(h)
        _, ys = jax.lax.scan(step, jnp.zeros(wh.shape[0], xs.dtype), xs)
        return jnp.mean(ys)
    return loss


def _rnn_fwd(jax, jnp):
    return _rnn_loss(jax, jnp), _rnn_inputs()


def _rnn_grad(jax, jnp):
    return jax.value_and_grad(_rnn_loss(jax, jnp)), _rnn_inputs()


WORKLOADS = {"rosenbrock": _rosenbrock, "rnn_fwd": _rnn_fwd, "rnn_grad": _rnn_grad}


def _median(call, budget: float) -> float:
    times, t_end = [], time.perf_counter() + budget
    while len(times) < 5 or (time.perf_counter() < t_end and len(times) < 200):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


class Runner:
    """Times workloads with one library ('pyjax-tier1', 'pyjax-native' or 'jax')."""

    def __init__(self, lib: str):
        self.lib = lib
        if lib == "jax":
            import jax
            import jax.numpy as jnp
        else:
            sys.path.insert(0, os.path.dirname(HERE))
            import pyjax as jax
            import pyjax.numpy as jnp
        self.jax, self.jnp = jax, jnp
        self.calls = {}

    def _mode(self):
        if self.lib.startswith("pyjax"):
            self.jax.config.update("jax_pyjax_native_loops",
                                   "always" if self.lib == "pyjax-native" else "never")

    def first(self, name: str):
        jax, jnp = self.jax, self.jnp
        self._mode()
        fn, args = WORKLOADS[name](jax, jnp)
        args = jax.tree_util.tree_map(jnp.asarray, args)
        jitted = jax.jit(fn)
        t0 = time.perf_counter()
        jax.block_until_ready(jitted(*args))
        first = time.perf_counter() - t0
        self.calls[name] = lambda: jax.block_until_ready(jitted(*args))
        return first

    def steady(self, name: str, budget: float):
        self._mode()
        return _median(self.calls[name], budget)


def _worker(lib: str):
    runner = Runner(lib)
    for line in sys.stdin:
        req = json.loads(line)
        res = runner.first(req["name"]) if req["op"] == "first" else \
            runner.steady(req["name"], req["budget"])
        print(json.dumps(res), flush=True)


class _Remote(RemoteWorker):
    def first(self, name):
        return self.ask({"op": "first", "name": name})

    def steady(self, name, budget):
        return self.ask({"op": "steady", "name": name, "budget": budget})


def _fmt(t):
    if t is None:
        return "—"
    return f"{t * 1e6:.0f} µs" if t < 1e-2 else f"{t * 1e3:.1f} ms"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", type=float, default=1.0, help="seconds per timing")
    ap.add_argument("--only")
    ap.add_argument("--no-jax", action="store_true")
    ap.add_argument("--jax-python")
    args = ap.parse_args(argv)
    if args.worker:
        return _worker(args.worker)
    runners = {"pyjax-tier1": Runner("pyjax-tier1"), "pyjax-native": Runner("pyjax-native")}
    py = None if args.no_jax else jax_python(args.jax_python)
    if py:
        runners["jax"] = _Remote(py, __file__, "jax")
    rows = []
    try:
        for name in WORKLOADS:
            if args.only and name != args.only:
                continue
            first = {lib: r.first(name) for lib, r in runners.items()}
            best = {lib: None for lib in runners}
            for _ in range(args.rounds):
                for lib, r in runners.items():
                    t = r.steady(name, args.budget / args.rounds)
                    best[lib] = t if best[lib] is None else min(best[lib], t)
            rows.append((name, first, best))
    finally:
        if "jax" in runners:
            runners["jax"].close()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print("| workload | tier 1 | native | JAX | native/JAX | tier1/JAX | first call: tier 1 / "
          "native / JAX |")
    print("|---|---|---|---|---|---|---|")
    for name, first, best in rows:
        jx = best.get("jax")
        r_nat = f"{best['pyjax-native'] / jx:.2f}" if jx else "—"
        r_t1 = f"{best['pyjax-tier1'] / jx:.1f}" if jx else "—"
        print(f"| {name} | {_fmt(best['pyjax-tier1'])} | {_fmt(best['pyjax-native'])} | "
              f"{_fmt(jx)} | {r_nat} | {r_t1} | {_fmt(first['pyjax-tier1'])} / "
              f"{_fmt(first['pyjax-native'])} / {_fmt(first.get('jax'))} |")


if __name__ == "__main__":
    main()
