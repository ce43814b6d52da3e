#!/usr/bin/env python
"""Record real JAX 0.10.2 (XLA:CPU) results for pyjax's kernel ports: tests/fixtures/xla_math.json.

Run with the real-JAX venv, from the repo root (takes about a minute)::

    /work/jaxvenv/bin/python tools/make_xla_math_fixtures.py

Two parts (format below; tests/lax/test_xla_math.py and tests/random/test_xla_samplers.py
read them, and never import jax):

* ``kernels``: float32 ``log``, ``exp``, ``tan``, ``pow``, ``log1p`` and ``erf_inv``
  evaluated by ``jax.jit`` on arrays of 16 or more elements (the vectorised kernels, see
  NOTE[xla-cpu-kernels] in pyjax/_src/lax/xla_math.py) over special values, random bit
  patterns, random values of the usual domain, and inputs on which NumPy's own ufunc
  disagrees with XLA (so the test can tell the ports from NumPy); plus float16 and
  bfloat16 inputs, which XLA computes in float32.
* ``samplers``: ``jax.random`` calls (as Python expressions over ``jax``) whose results
  pyjax reproduces bit for bit.  Every shape has at least 16 elements, so XLA runs its
  vectorised kernels.  The gamma-family parameters are ones for which XLA's approximate
  ``rsqrt`` (NOTE in pyjax/_src/random/gamma.py) gives the same ``c`` as ``1/3 / sqrt(d)``.

Format: arrays are {"dtype", "shape", "data"} with ``data`` the base64 of the
little-endian raw bytes (16-bit floats as their bits).  ``_meta`` records the versions,
the CPU and the C library, which matter: tan and pow are glibc's and the gamma family
depends on the CPU's rsqrt.
"""
from __future__ import annotations

import base64
import json
import os
import platform
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "xla_math.json")

SEED = 20260522
N_BITS, N_DOMAIN, N_DISAGREE = 256, 256, 512


def encode(a) -> dict:
    a = np.ascontiguousarray(a)
    raw = a.view(np.uint16) if a.dtype.itemsize == 2 else a
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": base64.b64encode(raw.astype(raw.dtype.newbyteorder("<")).tobytes()).decode()}


def _specials():
    v = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, 2.0, 1e-40, -1e-40, 1e-45,
         1.17549435e-38, -1.17549435e-38, 3.4028235e38, -3.4028235e38, 1e-30, 1e30,
         88.7, 88.72, 88.8, -87.3, -87.5, -103.0, 0.78539816, 1.5707963, 120.0, 1e5]
    return np.array(v, np.float32)


def _bits(rng, n):
    return rng.integers(0, 2 ** 32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)


def _disagreeing(rng, domain, jax_fn, np_fn, n):
    """Inputs from ``domain`` where NumPy's float32 result differs from XLA's."""
    pool = domain(rng, 200_000)
    with np.errstate(all="ignore"):
        differs = jax_fn(pool).view(np.uint32) != np_fn(pool).view(np.uint32)
    return pool[differs][:n]


def unary_kernels(jax, rng):
    jnp, lax = jax.numpy, jax.lax

    def jitted(f):
        g = jax.jit(f)
        return lambda x: np.asarray(g(np.concatenate([x, np.ones(16, x.dtype)])))[:x.size]

    table = {
        "log": (jnp.log, np.log, lambda r, n: r.uniform(0, 4, n).astype(np.float32)),
        "exp": (jnp.exp, np.exp, lambda r, n: r.uniform(-90, 90, n).astype(np.float32)),
        "tan": (jnp.tan, np.tan, lambda r, n: r.uniform(-4, 4, n).astype(np.float32)),
        "log1p": (jnp.log1p, np.log1p, lambda r, n: r.uniform(-1, 3, n).astype(np.float32)),
        "erf_inv": (lax.erf_inv, None, lambda r, n: r.uniform(-1, 1, n).astype(np.float32)),
    }
    out = {}
    for name, (jf, nf, domain) in table.items():
        f = jitted(jf)
        parts = [_specials(), _bits(rng, N_BITS), domain(rng, N_DOMAIN)]
        if nf is not None:
            parts.append(_disagreeing(rng, domain, f, nf, N_DISAGREE))
        else:   # erf_inv: SciPy's correctly rounded one, in float64, is NumPy's stand-in
            import scipy.special as sc
            parts.append(_disagreeing(rng, domain, f, lambda x: sc.erfinv(
                x.astype(np.float64)).astype(np.float32), N_DISAGREE))
        x = np.concatenate(parts)
        out[name] = {"x": encode(x), "y": encode(f(x))}
        for dt in (np.float16, jnp.bfloat16):
            x16 = rng.integers(0, 2 ** 16, 512, dtype=np.uint32).astype(np.uint16).view(dt)
            out[f"{name}_{np.dtype(dt).name}"] = {"x": encode(x16), "y": encode(jitted(jf)(x16))}
    return out


def pow_kernel(jax, rng):
    g = jax.jit(jax.lax.pow)

    def f(x, y):
        pad = np.ones(16, x.dtype)
        return np.asarray(g(np.concatenate([x, pad]), np.concatenate([y, pad])))[:x.size]

    s = _specials()
    sx, sy = (a.ravel() for a in np.meshgrid(s, np.concatenate([s, np.float32([3, -3, 0.5])])))
    rx, ry = _bits(rng, N_BITS), _bits(rng, N_BITS)
    ux = rng.random(N_DOMAIN).astype(np.float32)
    uy = (1 / rng.uniform(0.05, 1, N_DOMAIN)).astype(np.float32)
    px = rng.uniform(0, 10, 200_000).astype(np.float32)
    py = rng.uniform(-10, 10, 200_000).astype(np.float32)
    with np.errstate(all="ignore"):
        differs = f(px, py) != np.power(px, py)
    x = np.concatenate([sx, rx, ux, px[differs][:N_DISAGREE],
                        rng.uniform(-10, 10, 256).astype(np.float32)])
    y = np.concatenate([sy, ry, uy, py[differs][:N_DISAGREE],
                        rng.integers(-9, 9, 256).astype(np.float32)])
    out = {"pow": {"x": encode(x), "y": encode(y), "z": encode(f(x, y))}}
    for dt in (np.float16, jax.numpy.bfloat16):
        x16 = rng.integers(0, 2 ** 16, 512, dtype=np.uint32).astype(np.uint16).view(dt)
        y16 = rng.integers(0, 2 ** 16, 512, dtype=np.uint32).astype(np.uint16).view(dt)
        z16 = np.asarray(g(x16, y16))
        out[f"pow_{np.dtype(dt).name}"] = {"x": encode(x16), "y": encode(y16), "z": encode(z16)}
    return out


def sampler_calls():
    calls = []
    for seed in (1, 7):
        k = f"jax.random.PRNGKey({seed})"
        calls += [
            f"jax.random.gumbel({k}, (64,))",
            f"jax.random.gumbel({k}, (64,), mode='high')",
            f"jax.random.cauchy({k}, (64,))",
            f"jax.random.logistic({k}, (64,))",
            f"jax.random.rayleigh({k}, 2.0, (64,))",
            f"jax.random.pareto({k}, 3.0, (64,))",
            f"jax.random.lognormal({k}, 0.5, (64,))",
            f"jax.random.weibull_min({k}, 2.0, 1.5, (64,))",
            f"jax.random.exponential({k}, (64,))",
            f"jax.random.laplace({k}, (64,))",
            f"jax.random.normal({k}, (64,))",
            f"jax.random.gamma({k}, 0.3, (64,))",
            f"jax.random.gamma({k}, 0.8, (4, 16))",
            f"jax.random.loggamma({k}, 0.3, (64,))",
            f"jax.random.loggamma({k}, 3.0, (64,))",
            f"jax.random.beta({k}, 2.0, 3.0, (64,))",
            f"jax.random.dirichlet({k}, jax.numpy.array([0.5, 1.0, 2.0]), (32,))",
            f"jax.random.chisquare({k}, 3.0, (64,))",
            f"jax.random.t({k}, 4.0, (64,))",
            f"jax.random.categorical({k}, jax.numpy.linspace(-1.0, 1.0, 7), shape=(64,))",
            f"jax.random.geometric({k}, 0.3, (64,))",
            f"jax.random.choice({k}, 20, (5,), replace=False, "
            "p=jax.numpy.linspace(0.1, 1.0, 20))",
            f"jax.random.cauchy({k}, (64,), dtype=jax.numpy.bfloat16)",
            f"jax.random.exponential({k}, (64,), dtype=jax.numpy.float16)",
            f"jax.random.normal({k}, (64,), dtype=jax.numpy.bfloat16)",
        ]
    return calls


def samplers(jax):
    out = {}
    for expr in sampler_calls():
        out[expr] = encode(np.asarray(eval(expr, {"jax": jax})))
    return out


def _meta(jax):
    import jaxlib
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("vendor_id", "model name", "cpu family")):
                    cpu += line.split(":", 1)[1].strip() + "; "
                if line.startswith("flags"):
                    break
    except OSError:
        pass
    return {"jax_version": jax.__version__, "jaxlib_version": jaxlib.__version__,
            "numpy_version": np.__version__, "backend": jax.default_backend(),
            "platform": f"{platform.machine()} {platform.system()}", "cpu": cpu.strip(),
            "libc": " ".join(platform.libc_ver()), "seed": SEED,
            "generator": "tools/make_xla_math_fixtures.py"}


def main() -> int:
    import jax
    if jax.__version__ != "0.10.2":
        print(f"needs jax 0.10.2, found {jax.__version__}", file=sys.stderr)
        return 1
    rng = np.random.default_rng(SEED)
    data = {"_meta": _meta(jax), "kernels": {**unary_kernels(jax, rng), **pow_kernel(jax, rng)},
            "samplers": samplers(jax)}
    with open(OUT, "w") as f:
        json.dump(data, f, indent=0)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(data['kernels'])} kernel tables, "
          f"{len(data['samplers'])} sampler results, {os.path.getsize(OUT) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
