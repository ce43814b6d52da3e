#!/usr/bin/env python
"""Replay the stored JAX fixtures (tests/fixtures/*.json) against a library and report.

    python tools/check_fixtures.py --lib pyjax                     # how much of pyjax matches
    python tools/check_fixtures.py --lib pyjax jnp_results.json -v # one file, list failures
    /work/jaxvenv/bin/python tools/check_fixtures.py --lib jax     # self-check of the fixtures
    python tools/check_fixtures.py --lib pyjax --x64               # the cases_x64 blocks

`--lib NAME` imports NAME, NAME.numpy and NAME.lax and binds them to `jax`, `jnp`,
`lax` in each case's namespace (see tests/fixtures/README.md). Cases stored as
Timeout/WorkerCrash (JAX itself hung or aborted) are skipped. Comparison: error class
name for error cases; dtype, shape, weak_type and values (jaxref.default_tolerance,
NaN == NaN) for arrays; exact equality for everything else (jaxpr text, strings,
Python values). This is a report, not a test: it exits 0 unless --strict.
"""

import argparse
import importlib
import math
import os
import sys
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "tests", "fixtures")
sys.path.insert(0, FIXTURES)

import numpy as np  # noqa: E402

import inputs as INP  # noqa: E402
import jaxref  # noqa: E402

DEFAULT_FILES = [
    "jnp_ufuncs_unary.json",
    "jnp_ufuncs_binary.json",
    "jnp_results.json",
    "jnp_linalg_fft.json",
    "jnp_results_x64.json",
    "lax_results.json",
    "jaxprs.json",
    "transforms.json",
    "errors.json",
    "reprs.json",
    "typed_keys.json",
]


class Mismatch(Exception):
    pass


def compare(actual, enc, path="out", rtol=None, atol=None):
    kind = enc.get("kind")
    if kind in ("array", "ndarray", "npscalar"):
        spec = jaxref.decode(enc)
        if spec.dtype == "float0":
            if "float0" not in str(getattr(actual, "dtype", "")):
                raise Mismatch(
                    f"{path}: expected float0, got {getattr(actual, 'dtype', type(actual))}"
                )
            return
        if not hasattr(actual, "dtype"):
            raise Mismatch(f"{path}: expected array, got {type(actual).__name__}")
        try:
            jaxref.assert_array_matches(
                actual, spec, rtol=rtol, atol=atol, check_weak_type=(kind == "array")
            )
        except AssertionError as e:
            raise Mismatch(f"{path}: {str(e).strip().splitlines()[0] if str(e).strip() else e}")
        return
    if kind == "key_array":
        if "key" not in str(getattr(actual, "dtype", "")):
            raise Mismatch(f"{path}: expected key array, got {type(actual).__name__}")
        return
    if kind in ("tuple", "namedtuple", "list"):
        if not isinstance(actual, (tuple, list)):
            raise Mismatch(f"{path}: expected {kind}, got {type(actual).__name__}")
        if (
            kind == "list"
            and not isinstance(actual, list)
            or kind != "list"
            and not isinstance(actual, tuple)
        ):
            raise Mismatch(f"{path}: expected {kind}, got {type(actual).__name__}")
        if len(actual) != len(enc["items"]):
            raise Mismatch(f"{path}: length {len(actual)} != {len(enc['items'])}")
        for i, (a, e) in enumerate(zip(actual, enc["items"])):
            compare(a, e, f"{path}[{i}]", rtol, atol)
        return
    if kind == "dict":
        if not isinstance(actual, dict) or sorted(map(str, actual)) != sorted(enc["items"]):
            raise Mismatch(f"{path}: dict keys differ")
        for k, v in actual.items():
            compare(v, enc["items"][str(k)], f"{path}[{k!r}]", rtol, atol)
        return
    if kind == "python":
        exp = jaxref.decode(enc)
        want = {"bool": bool, "int": int, "float": float, "complex": complex}[enc["type"]]
        if not isinstance(actual, want) or (want is int and isinstance(actual, bool)):
            raise Mismatch(f"{path}: python {enc['type']} expected, got {type(actual).__name__}")
        if isinstance(exp, float) and math.isnan(exp):
            if not math.isnan(actual):
                raise Mismatch(f"{path}: {actual!r} != nan")
        elif actual != exp:
            raise Mismatch(f"{path}: {actual!r} != {exp!r}")
        return
    if kind == "none":
        if actual is not None:
            raise Mismatch(f"{path}: expected None")
        return
    if kind == "str":
        a = jaxref.scrub(actual) if isinstance(actual, str) else actual
        if a != enc["value"]:
            raise Mismatch(f"{path}: {a!r} != {enc['value']!r}")
        return
    if kind == "dtype":
        if enc["value"] == "float0" and "float0" in str(actual):
            return
        if (
            str(np.dtype(actual)) != enc["value"]
            and getattr(actual, "__name__", None) != enc["value"]
        ):
            raise Mismatch(f"{path}: dtype {actual} != {enc['value']}")
        return
    if kind == "jaxpr":
        if str(actual) != enc["text"]:
            raise Mismatch(f"{path}: jaxpr text differs")
        return
    if kind == "treedef":
        if jaxref.scrub(repr(actual)) != enc["repr"]:
            raise Mismatch(f"{path}: {actual!r} != {enc['repr']}")
        return
    if kind == "ShapeDtypeStruct":
        if list(actual.shape) != enc["shape"] or str(actual.dtype) != enc["dtype"]:
            raise Mismatch(f"{path}: {actual!r} != {enc['repr']}")
        return
    # pytree / object / slice / ellipsis: not compared beyond "no exception"


def namespace(lib):
    jax = importlib.import_module(lib)
    ns = {
        "jax": jax,
        "jnp": importlib.import_module(lib + ".numpy"),
        "lax": importlib.import_module(lib + ".lax"),
        "np": np,
        "math": math,
        "inf": float("inf"),
        "nan": float("nan"),
        "functools": __import__("functools"),
        "partial": __import__("functools").partial,
        "inputs": INP,
    }
    return ns


def run_case(case, lib):
    ns = namespace(lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ns.update(INP.bind(case.get("inputs", []), ns["jnp"].asarray))
            if case.get("source"):
                exec(compile(case["source"], "<fixture-source>", "exec"), ns)
            out = eval(compile(case["expr"], "<fixture-expr>", "eval"), ns)
        except Exception as e:  # noqa: BLE001
            if "error" in case:
                if type(e).__name__ != case["error"]["type"]:
                    want = case["error"]["type"]
                    return f"raised {type(e).__name__} (expected {want}): {str(e)[:150]}"
                return None
            return f"raised {type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    if "error" in case:
        return f"no error (expected {case['error']['type']}: {case['error']['first_line'][:120]})"
    try:
        compare(out, case["result"])
    except Mismatch as m:
        return str(m)[:300]
    except Exception:
        return "compare crashed: " + traceback.format_exc(limit=1).strip().splitlines()[-1]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--lib", default="pyjax")
    ap.add_argument("--x64", action="store_true", help="enable x64 and replay the cases_x64 blocks")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every failing case")
    ap.add_argument("--grep", help="only cases whose expr contains this string")
    ap.add_argument("--strict", action="store_true", help="exit 1 if anything fails")
    args = ap.parse_args()
    jax = importlib.import_module(args.lib)
    if args.x64:
        jax.config.update("jax_enable_x64", True)
    block = "cases_x64" if args.x64 else "cases"
    total_fail = 0
    for fname in args.files or DEFAULT_FILES:
        cs = [
            c
            for c in jaxref.cases(fname, block)
            if not ("error" in c and c["error"]["type"] in ("Timeout", "WorkerCrash"))
        ]
        if args.grep:
            cs = [c for c in cs if args.grep in c["expr"]]
        if not cs:
            continue
        fails = []
        for c in cs:
            why = run_case(c, args.lib)
            if why:
                fails.append((c["expr"], why))
        total_fail += len(fails)
        print(f"{fname} [{block}]: {len(cs) - len(fails)} passed, {len(fails)} failed")
        for expr, why in fails if args.verbose else fails[:5]:
            print(f"    {expr[:100]}\n        -> {why}")
    sys.exit(1 if (args.strict and total_fail) else 0)


if __name__ == "__main__":
    main()
