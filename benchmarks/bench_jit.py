"""jit benchmarks: pyjax vs NumPy vs JAX (``python benchmarks/bench_jit.py``).

Each workload is timed under pyjax in this process and, when a JAX interpreter
is available, under real JAX in a subprocess (``--jax-python PATH``, default
``$PYJAX_BENCH_JAX_PYTHON`` or ``/work/jaxvenv/bin/python``, else the current
interpreter if it can ``import jax``).  For each workload the table shows the
median steady-state time per call, the first-call time (trace + compile + run)
and the ratios pyjax/NumPy and pyjax/JAX (below 1 means pyjax is faster).

Workloads (written against the public ``jnp`` API, so the same source runs on
both libraries):

  tiny       ``jit(sin)`` on 3 elements: per-call dispatch overhead
  selu       JAX's tutorial selu on (1,) and (1000,)
  chain      sin(x)*exp(-0.1x) + tanh(x)**2 - sqrt(|x|+1) on 1e6 and 1e7 float32
  dumb       ``dumb_computation``: a matmul with a transpose, elementwise work and
             a reduction (x @ x.T, tanh, sin, sum) on 50x50 and 500x500
  mlp_step   SGD step of a 784-512-512-10 MLP (tanh, softmax cross-entropy), batch 128
  logsumexp  over the last axis of (4096, 1024)

Usage: ``python benchmarks/bench_jit.py [--quick] [--only NAME] [--no-jax]``.
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


# -- workloads: (name, make(jax, jnp) -> (fn, args), numpy_fn or None, sizes) ---------------


def _selu(jnp):
    def selu(x, alpha=1.67, lmbda=1.05):
        return jnp.multiply(lmbda, jnp.where(jnp.greater(x, 0), x,
                                             jnp.subtract(jnp.multiply(alpha, jnp.exp(x)),
                                                          alpha)))
    return selu


def _np_selu(x, alpha=1.67, lmbda=1.05):
    return lmbda * np.where(x > 0, x, alpha * np.exp(x) - alpha)


def _chain(jnp):
    def chain(x):
        a = jnp.multiply(jnp.sin(x), jnp.exp(jnp.multiply(-0.1, x)))
        b = jnp.square(jnp.tanh(x))
        return jnp.subtract(jnp.add(a, b), jnp.sqrt(jnp.add(jnp.abs(x), 1.0)))
    return chain


def _np_chain(x):
    return np.sin(x) * np.exp(-0.1 * x) + np.tanh(x) ** 2 - np.sqrt(np.abs(x) + 1.0)


def _dumb(jax, jnp):
    def dumb_computation(x):
        y = jnp.dot(x, jax.lax.transpose(x, (1, 0)))
        z = jnp.add(jnp.multiply(jnp.tanh(y), 2.0), jnp.sin(x))
        return jnp.divide(jnp.sum(jnp.multiply(z, z), axis=0), x.shape[0])
    return dumb_computation


def _np_dumb(x):
    y = x @ x.T
    z = np.tanh(y) * 2.0 + np.sin(x)
    return np.sum(z * z, axis=0) / x.shape[0]


def _logsumexp(jnp):
    def logsumexp(x):
        m = jnp.max(x, axis=-1, keepdims=True)
        s = jnp.sum(jnp.exp(jnp.subtract(x, m)), axis=-1)
        return jnp.add(jnp.log(s), jnp.max(x, axis=-1))
    return logsumexp


def _np_logsumexp(x):
    m = np.max(x, axis=-1, keepdims=True)
    return np.squeeze(np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True)) + m, axis=-1)


LAYERS = (784, 512, 512, 10)


def _mlp_params(rng):
    return [(rng.standard_normal((m, n)).astype(np.float32) * np.float32(1 / np.sqrt(m)),
             np.zeros(n, np.float32)) for m, n in zip(LAYERS[:-1], LAYERS[1:])]


def _mlp_step(jax, jnp):
    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = jnp.tanh(jnp.add(jnp.dot(h, w), b))
        w, b = params[-1]
        logits = jnp.add(jnp.dot(h, w), b)
        m = jnp.max(logits, axis=1, keepdims=True)
        lse = jnp.add(jnp.log(jnp.sum(jnp.exp(jnp.subtract(logits, m)), axis=1,
                                      keepdims=True)), m)
        return jnp.negative(jnp.mean(jnp.sum(jnp.multiply(jnp.subtract(logits, lse), y),
                                             axis=1)))

    def step(params, x, y):
        grads = jax.grad(loss)(params, x, y)
        return [(jnp.subtract(w, jnp.multiply(0.01, gw)), jnp.subtract(b, jnp.multiply(0.01, gb)))
                for (w, b), (gw, gb) in zip(params, grads)]
    return step


def _np_mlp_step(params, x, y):
    hs, pre = [x], []
    for w, b in params[:-1]:
        z = hs[-1] @ w + b
        pre.append(z)
        hs.append(np.tanh(z))
    w, b = params[-1]
    logits = hs[-1] @ w + b
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    p = e / e.sum(axis=1, keepdims=True)
    g = (p * y.sum(axis=1, keepdims=True) - y) / x.shape[0]
    new = []
    for i in range(len(params) - 1, -1, -1):
        w, b = params[i]
        gw, gb = hs[i].T @ g, g.sum(axis=0)
        new.append((w - 0.01 * gw, b - 0.01 * gb))
        if i:
            g = (g @ w.T) * (1 - hs[i] ** 2)
    return new[::-1]


def _inputs(name, size, seed=0):
    rng = np.random.default_rng(seed)
    if name == "mlp_step":
        x = rng.standard_normal((128, 784)).astype(np.float32)
        y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 128)]
        return [_mlp_params(rng), x, y]
    if name == "tiny":
        return [rng.standard_normal(3).astype(np.float32)]
    return [rng.standard_normal(size).astype(np.float32)]


WORKLOADS = [
    # name, size label, size, make(jax, jnp) -> fn, numpy fn
    ("tiny", "(3,)", 3, lambda jax, jnp: jnp.sin, np.sin),
    ("selu", "(1,)", (1,), lambda jax, jnp: _selu(jnp), _np_selu),
    ("selu", "(1000,)", (1000,), lambda jax, jnp: _selu(jnp), _np_selu),
    ("chain", "1e6", (10 ** 6,), lambda jax, jnp: _chain(jnp), _np_chain),
    ("chain", "1e7", (10 ** 7,), lambda jax, jnp: _chain(jnp), _np_chain),
    ("dumb", "50x50", (50, 50), _dumb, _np_dumb),
    ("dumb", "500x500", (500, 500), _dumb, _np_dumb),
    ("mlp_step", "b128", None, _mlp_step, _np_mlp_step),
    ("logsumexp", "4096x1024", (4096, 1024), lambda jax, jnp: _logsumexp(jnp),
     _np_logsumexp),
]


_WORKLOADS_BY_KEY = {f"{w[0]} {w[1]}": w for w in WORKLOADS}


# -- timing -------------------------------------------------------------------------------------


def _median_time(call, budget: float, min_reps: int = 5, max_reps: int = 20000) -> float:
    call()  # warm up
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (time.perf_counter() - start < budget and
                                    len(times) < max_reps):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _median_batched(call, budget: float) -> float:
    """For sub-10µs calls: time batches of 100 calls, report the per-call median."""
    call()
    batch = 100
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 2000):
        t0 = time.perf_counter()
        for _ in range(batch):
            call()
        times.append((time.perf_counter() - t0) / batch)
    return statistics.median(times)


class Runner:
    """Times workloads with one library: 'pyjax', 'jax' (in its own process) or 'numpy'."""

    def __init__(self, lib: str):
        self.lib = lib
        self.jax = self.jnp = None
        if lib == "jax":
            import jax
            import jax.numpy as jnp
            jax.config.update("jax_platforms", "cpu")
            self.jax, self.jnp = jax, jnp
        elif lib == "pyjax":
            sys.path.insert(0, os.path.dirname(HERE))
            import pyjax
            import pyjax.numpy as jnp
            self.jax, self.jnp = pyjax, jnp
        if self.jax is not None:  # warm up the machinery (lazy imports, BLAS setup)
            warm = self.jax.jit(lambda x: self.jnp.add(x, 1.0))
            warm.lower(1.0).compile()
            self.jax.block_until_ready(warm(1.0))
        self.calls = {}

    def first(self, key: str):
        """Set the workload up; the first call's time (trace + compile + run), or None."""
        name, label, size, make, np_fn = _WORKLOADS_BY_KEY[key]
        args_np = _inputs(name, size)
        if self.lib == "numpy":
            self.calls[key] = lambda: np_fn(*args_np)
            return None
        jax, jnp = self.jax, self.jnp
        try:
            args = jax.tree_util.tree_map(jnp.asarray, args_np)
            block = jax.block_until_ready
            fn = make(jax, jnp)
            jax.clear_caches()
            t0 = time.perf_counter()
            jax.jit(fn).lower(*args).compile()
            compile_time = time.perf_counter() - t0
            jax.clear_caches()
            jitted = jax.jit(fn)
            t0 = time.perf_counter()
            block(jitted(*args))
            first = time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001 -- report the workload as unavailable
            print(f"{self.lib}: {key} failed: {type(e).__name__}: {e}", file=sys.stderr)
            return None
        self.calls[key] = lambda: block(jitted(*args))
        return [first, compile_time]

    def steady(self, key: str, budget: float):
        call = self.calls.get(key)
        return None if call is None else _time(call, budget)


def _worker(lib: str):
    """Serve timing requests on stdin/stdout (one JSON object per line)."""
    runner = Runner(lib)
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "first":
            res = runner.first(req["key"])
        else:
            res = runner.steady(req["key"], req["budget"])
        print(json.dumps(res), flush=True)


class _Remote(RemoteWorker):
    def first(self, key):
        return self.ask({"op": "first", "key": key})

    def steady(self, key, budget):
        return self.ask({"op": "steady", "key": key, "budget": budget})


def _time(call, budget):
    t = _median_time(call, budget * 0.2, min_reps=3, max_reps=50)
    return _median_batched(call, budget) if t < 2e-4 else _median_time(call, budget)


def _min(a, b):
    return b if a is None else (a if b is None else min(a, b))


def compare(budget: float, only: str | None, jax_python: str | None, rounds: int = 3):
    """Round-robin over libraries so that machine-load drift hits all of them alike.

    Returns {key: {lib: (best-of-rounds median steady time, first-call time)}}.
    """
    runners = {"pyjax": Runner("pyjax"), "numpy": Runner("numpy")}
    if jax_python:
        runners["jax"] = _Remote(jax_python, __file__, "jax")
    results = {}
    try:
        for name, label, *_ in WORKLOADS:
            if only and name != only:
                continue
            key = f"{name} {label}"
            res = {lib: [None, r.first(key)] for lib, r in runners.items()}
            for _ in range(rounds):
                for lib, r in runners.items():
                    res[lib][0] = _min(res[lib][0], r.steady(key, budget / rounds))
            results[key] = res
    finally:
        if "jax" in runners:
            runners["jax"].close()
    return results


def _fmt_time(t):
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def _ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", choices=["pyjax", "jax", "numpy"], help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="short time budget per workload")
    ap.add_argument("--only", help="run one workload (by name)")
    ap.add_argument("--no-jax", action="store_true", help="skip the JAX comparison")
    ap.add_argument("--jax-python", help="interpreter with jax installed")
    args = ap.parse_args(argv)
    if args.worker:
        _worker(args.worker)
        return
    budget = 1.0 if args.quick else 3.0
    jax_py = None if args.no_jax else jax_python(args.jax_python)
    results = compare(budget, args.only, jax_py)
    header = ("workload", "pyjax", "numpy", "jax", "pyjax/np", "pyjax/jax", "pyjax 1st call",
              "jax 1st call", "pyjax compile", "jax compile", "compile ratio")
    rows = []
    for key, res in results.items():
        steady, (first, comp) = res["pyjax"][0], res["pyjax"][1] or (None, None)
        np_t = res["numpy"][0]
        jx, jx_fc = res.get("jax", (None, None))
        jx_first, jx_comp = jx_fc or (None, None)
        rows.append((key, _fmt_time(steady), _fmt_time(np_t), _fmt_time(jx),
                     _ratio(steady, np_t), _ratio(steady, jx), _fmt_time(first),
                     _fmt_time(jx_first), _fmt_time(comp), _fmt_time(jx_comp),
                     _ratio(comp, jx_comp)))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
