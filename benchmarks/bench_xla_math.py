"""Cost of the XLA:CPU kernel ports (``python benchmarks/bench_xla_math.py [--size N]``).

pyjax/_src/lax/xla_math.py reproduces XLA:CPU's float32 ``log``, ``exp``, ``tan``,
``pow``, ``log1p`` and ``erf_inv`` bit for bit in NumPy.  This prints, for float32
arrays of ``--size`` elements (default 10**6), the best-of-5 time of each port next to
NumPy's own ufunc, and the time of a few samplers that use them (which is why the ports
are only the samplers' kernels, NOTE[xla-twins], and not the impls of ``lax.log`` & co.).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import pyjax  # noqa: E402
import pyjax.random  # noqa: E402,F401
from pyjax._src.lax import xla_math as xm  # noqa: E402


def best_ms(fn, *args, repeat=5) -> float:
    fn(*args)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=10 ** 6)
    n = ap.parse_args().size
    rng = np.random.default_rng(0)
    pos = rng.uniform(0.01, 10, n).astype(np.float32)
    sym = rng.uniform(-10, 10, n).astype(np.float32)
    unit = rng.uniform(-0.99, 0.99, n).astype(np.float32)
    import scipy.special as sc
    rows = [
        ("log", np.log, xm.log_xla, (pos,)),
        ("exp", np.exp, xm.exp_xla, (sym,)),
        ("tan", np.tan, xm.tan_xla, (np.float32(0.15) * sym,)),
        ("pow", np.power, xm.pow_xla, (pos, sym)),
        ("log1p", np.log1p, xm.log1p_xla, (unit,)),
        ("erf_inv", lambda x: sc.erfinv(x), xm.erf_inv_xla, (unit,)),
    ]
    print(f"float32, {n} elements, best of 5 (ms)")
    print(f"{'op':10s} {'numpy':>9s} {'port':>9s} {'ratio':>7s}")
    for name, ref, port, args in rows:
        a, b = best_ms(ref, *args), best_ms(port, *args)
        print(f"{name:10s} {a:9.2f} {b:9.2f} {b / a:6.0f}x")
    key = pyjax.random.PRNGKey(0)
    print(f"\nsamplers, {n} float32 values (ms)")
    for name, fn in [("uniform", lambda: pyjax.random.uniform(key, (n,))),
                     ("gumbel", lambda: pyjax.random.gumbel(key, (n,))),
                     ("cauchy", lambda: pyjax.random.cauchy(key, (n,))),
                     ("exponential", lambda: pyjax.random.exponential(key, (n,))),
                     ("normal", lambda: pyjax.random.normal(key, (n,)))]:
        print(f"{name:12s} {best_ms(lambda: np.asarray(fn()), repeat=3):9.1f}")


if __name__ == "__main__":
    main()
