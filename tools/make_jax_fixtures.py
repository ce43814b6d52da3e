#!/usr/bin/env python
"""Generate stored reference values from *real* JAX 0.10.2 for pyjax's test suite.

pyjax's tests never import jax; they read the JSON files this script writes into
``tests/fixtures/`` (schema: ``tests/fixtures/README.md``).

Set-up (once; the venv lives OUTSIDE the repo)::

    python3 -m venv /work/jaxvenv
    PIP_CONSTRAINT= /work/jaxvenv/bin/pip install --isolated \\
        jax==0.10.2 jaxlib==0.10.2 numpy scipy

Regenerate everything (from the repo root; takes a few minutes on 2 cores)::

    /work/jaxvenv/bin/python tools/make_jax_fixtures.py            # all files
    /work/jaxvenv/bin/python tools/make_jax_fixtures.py jnp lax    # only some parts

Parts: jnp, lax, jaxprs, transforms, errors, reprs, keys, prng. Every case runs in a worker
subprocess of this script (``--worker``; 2 at a time): ``JAX_ENABLE_X64=0`` for ordinary
cases, ``JAX_ENABLE_X64=1`` for cases flagged ``x64``. A case that hangs inside XLA is
killed after FIXTURE_CASE_TIMEOUT seconds (default 90) and recorded with error type
"Timeout" (this happens for real: ``jnp.gcd`` with INT_MIN loops forever in JAX 0.10.2).

The case tables live beside this file: ``fixture_cases_jnp.py``,
``fixture_cases_lax.py``, ``fixture_cases_misc.py`` (jaxprs, transforms, errors,
reprs). Inputs come from ``tests/fixtures/inputs.py`` (pure NumPy), which the tests
import too.

Value encoding (also in the README):
  * arrays:  {"kind": "array", "dtype": "float32", "shape": [3, 4], "weak_type": false,
              "value": nested lists}
    floats are the exact float64 value of each element (JSON number = Python float repr);
    NaN / +inf / -inf are the strings "nan" / "inf" / "-inf"; complex elements are
    [re, im] pairs (each encoded like a float); bool -> true/false; ints -> JSON ints.
  * tuples / lists / namedtuples / dicts / python scalars / dtypes / pytrees get their
    own "kind" (see ``encode``).
  * an exception becomes {"type": "TypeError", "module": "builtins", "first_line": ...,
    "message": ...} under the case's "error" key instead of "result".
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile  # noqa: F401
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "tests", "fixtures")
SHARED_PRNG = os.path.normpath(
    os.path.join(REPO, "..", "shared", "reference", "prng_reference.json")
)
sys.path.insert(0, FIXTURES)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import inputs as INP  # noqa: E402  (tests/fixtures/inputs.py)

JAX_VERSION = "0.10.2"
GENERATED_BY = "tools/make_jax_fixtures.py"
MAX_MESSAGE = 1500
MAX_FILE_BYTES = 1_500_000


# --------------------------------------------------------------------------- encoding


def enc_float(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _map_nested(obj, fn):
    if isinstance(obj, list):
        return [_map_nested(o, fn) for o in obj]
    return fn(obj)


def enc_ndarray_value(a):
    """numpy array -> nested lists (see module docstring)."""
    a = np.asarray(a)
    dt = a.dtype
    if dt.kind == "c":
        return _map_nested(
            a.astype(np.complex128).tolist(), lambda z: [enc_float(z.real), enc_float(z.imag)]
        )
    if dt.kind == "f" or dt.name in ("bfloat16",) or dt.name.startswith("float"):
        return _map_nested(a.astype(np.float64).tolist(), enc_float)
    if dt.kind == "b":
        return a.tolist()
    if dt.kind in "iu":
        return a.tolist()
    if dt.kind == "V":  # float0
        return None
    return _map_nested(a.tolist(), lambda v: repr(v))


def dtype_name(dt):
    if getattr(dt, "names", None) == ("float0",):
        return "float0"
    try:
        return np.dtype(dt).name
    except Exception:
        return str(dt)


def encode(obj, _depth=0):
    import jax
    import jax.numpy as jnp

    if _depth > 20:
        return {"kind": "object", "type": type(obj).__name__, "repr": repr(obj)[:300]}
    if isinstance(obj, jax.Array):
        try:
            if jnp.issubdtype(obj.dtype, jax.dtypes.prng_key):
                return {
                    "kind": "key_array",
                    "shape": list(obj.shape),
                    "dtype": str(obj.dtype),
                    "impl": str(jax.random.key_impl(obj)),
                    "value": enc_ndarray_value(np.asarray(jax.random.key_data(obj))),
                }
        except Exception:
            pass
        d = {
            "kind": "array",
            "dtype": str(obj.dtype),
            "shape": list(obj.shape),
            "weak_type": bool(getattr(obj, "weak_type", False)),
        }
        if str(obj.dtype) == "float0":
            d["value"] = None
        else:
            d["value"] = enc_ndarray_value(np.asarray(obj))
        return d
    if isinstance(obj, np.ndarray):
        return {
            "kind": "ndarray",
            "dtype": dtype_name(obj.dtype),
            "shape": list(obj.shape),
            "value": enc_ndarray_value(obj),
        }
    if isinstance(obj, np.generic):
        return {
            "kind": "npscalar",
            "dtype": dtype_name(obj.dtype),
            "value": enc_ndarray_value(np.asarray(obj)),
        }
    if obj is None:
        return {"kind": "none"}
    if isinstance(obj, bool):
        return {"kind": "python", "type": "bool", "value": obj}
    if isinstance(obj, int):
        return {"kind": "python", "type": "int", "value": obj}
    if isinstance(obj, float):
        return {"kind": "python", "type": "float", "value": enc_float(obj)}
    if isinstance(obj, complex):
        return {
            "kind": "python",
            "type": "complex",
            "value": [enc_float(obj.real), enc_float(obj.imag)],
        }
    if isinstance(obj, str):
        return {"kind": "str", "value": scrub(obj)}
    if isinstance(obj, np.dtype):
        return {"kind": "dtype", "value": dtype_name(obj)}
    if isinstance(obj, type) and (issubclass(obj, np.generic) or hasattr(obj, "dtype")):
        try:
            return {"kind": "dtype", "value": dtype_name(obj), "scalar_type": obj.__name__}
        except Exception:
            pass
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return {
            "kind": "namedtuple",
            "type": type(obj).__name__,
            "fields": list(obj._fields),
            "items": [encode(o, _depth + 1) for o in obj],
        }
    if isinstance(obj, tuple):
        return {"kind": "tuple", "items": [encode(o, _depth + 1) for o in obj]}
    if isinstance(obj, list):
        return {"kind": "list", "items": [encode(o, _depth + 1) for o in obj]}
    if isinstance(obj, dict):
        return {"kind": "dict", "items": {str(k): encode(v, _depth + 1) for k, v in obj.items()}}
    if type(obj).__name__ in ("ClosedJaxpr", "Jaxpr"):
        jp = obj.jaxpr if hasattr(obj, "jaxpr") else obj
        return {
            "kind": "jaxpr",
            "text": str(obj),
            "in_avals": [str(v.aval) for v in jp.invars],
            "out_avals": [str(v.aval) for v in jp.outvars],
            "const_avals": [str(v.aval) for v in jp.constvars],
            "primitives": [e.primitive.name for e in jp.eqns],
        }
    if isinstance(obj, jax.ShapeDtypeStruct):
        return {
            "kind": "ShapeDtypeStruct",
            "shape": list(obj.shape),
            "dtype": str(obj.dtype),
            "weak_type": bool(getattr(obj, "weak_type", False)),
            "repr": repr(obj),
        }
    if isinstance(obj, jax.tree_util.PyTreeDef):
        return {"kind": "treedef", "repr": scrub(repr(obj))}
    if isinstance(obj, slice):
        return {"kind": "slice", "value": [encode(obj.start), encode(obj.stop), encode(obj.step)]}
    if obj is Ellipsis:
        return {"kind": "ellipsis"}
    # registered custom pytree nodes
    try:
        leaves, treedef = jax.tree_util.tree_flatten(obj)
        if not (len(leaves) == 1 and leaves[0] is obj):
            return {
                "kind": "pytree",
                "type": type(obj).__name__,
                "treedef": scrub(repr(treedef)),
                "leaves": [encode(o, _depth + 1) for o in leaves],
            }
    except Exception:
        pass
    return {
        "kind": "object",
        "type": type(obj).__module__ + "." + type(obj).__qualname__,
        "repr": scrub(repr(obj))[:500],
    }


_ADDR = re.compile(r"0x[0-9a-fA-F]{6,}")
_OBJID = re.compile(r"object id \d+")


def scrub(text):
    """Run-dependent parts of messages: 0x7f3a... -> 0x..., 'object id 1399...' -> 'object id N'."""
    return _OBJID.sub("object id N", _ADDR.sub("0x...", text))


def encode_error(e):
    msg = scrub(str(e))
    first = msg.split("\n", 1)[0]
    d = {"type": type(e).__name__, "module": type(e).__module__, "first_line": first}
    if msg != first:
        d["message"] = msg[:MAX_MESSAGE] + ("...[truncated]" if len(msg) > MAX_MESSAGE else "")
    return d


def encode_warnings(ws):
    out = []
    for w in ws:
        text = scrub(str(w.message).split("\n", 1)[0])
        item = {"category": w.category.__name__, "message": text}
        if item not in out:
            out.append(item)
    return out


# --------------------------------------------------------------------------- running


def base_namespace():
    import jax
    import jax.numpy as jnp
    from jax import lax
    import jax.scipy  # noqa: F401

    ns = {
        "jax": jax,
        "jnp": jnp,
        "lax": lax,
        "np": np,
        "math": math,
        "inf": float("inf"),
        "nan": float("nan"),
        "functools": __import__("functools"),
        "partial": __import__("functools").partial,
        "inputs": INP,
    }
    return ns


def run_case(case):
    """Evaluate one case dict {expr, [source]} and return the stored record."""
    import jax.numpy as jnp

    expr = case["expr"]
    source = case.get("source")
    names = INP.names_in((source or "") + "\n" + expr)
    rec = {k: v for k, v in case.items() if k not in ("x64",)}
    if names:
        rec["inputs"] = names
    ns = base_namespace()
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        try:
            ns.update(INP.bind(names, jnp.asarray))
            if source:
                exec(compile(source, "<fixture-source>", "exec"), ns)
            out = eval(compile(expr, "<fixture-expr>", "eval"), ns)
            out = _block(out)
            rec["result"] = encode(out)
        except Exception as e:  # noqa: BLE001 - recording errors is the point
            rec["error"] = encode_error(e)
        except BaseException as e:  # SystemExit etc. should not happen
            rec["error"] = encode_error(e)
    wl = encode_warnings(ws)
    if wl:
        rec["warnings"] = wl
    return rec


def _block(out):
    import jax

    try:
        jax.block_until_ready(out)
    except Exception:
        pass
    return out


def dedupe(cases):
    out, seen = [], set()
    for c in cases:
        key = (c.get("source"), c["expr"], bool(c.get("x64")))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


# --------------------------------------------------------------------------- parts


def _load_part(part):
    import fixture_cases_jnp
    import fixture_cases_lax
    import fixture_cases_misc

    table = {
        "jnp": fixture_cases_jnp.cases,
        "lax": fixture_cases_lax.cases,
        "jaxprs": fixture_cases_misc.jaxpr_cases,
        "transforms": fixture_cases_misc.transform_cases,
        "errors": fixture_cases_misc.error_cases,
        "reprs": fixture_cases_misc.repr_cases,
        "keys": fixture_cases_misc.typed_key_cases,
    }
    return dedupe(table[part]())


# --------------------------------------------------------------------------- worker pool
#
# Cases run in worker subprocesses (JAX_ENABLE_X64=0 or 1). A worker reads a JSON list
# of cases and appends one JSON line per case to its output file ({"start": i} before
# evaluating case i, {"i": i, "rec": record} after). The parent watches the files: a case
# that makes no progress for CASE_TIMEOUT seconds (e.g. jnp.gcd(INT_MIN, 3) loops forever
# inside XLA and cannot be interrupted from Python) is recorded as a timeout, the worker
# is killed and a new one continues with the next case.

CASE_TIMEOUT = float(os.environ.get("FIXTURE_CASE_TIMEOUT", "90"))
N_WORKERS = int(os.environ.get("FIXTURE_WORKERS", str(min(2, os.cpu_count() or 1))))
CHUNK = 400


def worker_main(case_file, out_file):
    import jax

    with open(case_file) as f:
        cases = json.load(f)
    with open(out_file, "a", buffering=1) as out:
        for i, c in cases:
            out.write(json.dumps({"start": i}) + "\n")
            out.flush()
            try:
                rec = run_case(c)
            except Exception:
                rec = dict(c)
                rec["error"] = {
                    "type": "GeneratorError",
                    "module": "tools",
                    "first_line": traceback.format_exc(limit=2),
                }
            rec.pop("x64", None)
            out.write(json.dumps({"i": i, "rec": rec}, allow_nan=False) + "\n")
            out.flush()
    assert jax.__version__ == JAX_VERSION


class _Job:
    def __init__(self, x64, items, tmpdir, serial):
        self.x64 = x64
        self.items = items  # list of (global_index, case)
        self.tmpdir = tmpdir
        self.serial = serial
        self.done = {}
        self.proc = None
        self.launch(items)

    def launch(self, items):
        self.pending = items
        self.case_file = os.path.join(self.tmpdir, f"cases_{self.serial}_{len(self.done)}.json")
        self.out_file = os.path.join(self.tmpdir, f"out_{self.serial}_{len(self.done)}.jsonl")
        with open(self.case_file, "w") as f:
            json.dump(items, f)
        open(self.out_file, "w").close()
        env = dict(os.environ)
        env["JAX_ENABLE_X64"] = "1" if self.x64 else "0"
        env["JAX_PLATFORMS"] = "cpu"
        env.pop("XLA_FLAGS", None)
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", self.case_file, self.out_file]
        self.proc = subprocess.Popen(cmd, env=env)
        self.pos = 0
        self.current = None
        self.last_progress = time.time()

    def poll(self):
        """Returns True when the job is finished."""
        with open(self.out_file) as f:
            f.seek(self.pos)
            data = f.read()
        lines = data.split("\n")
        complete = lines[:-1]
        self.pos += sum(len(l) + 1 for l in complete)
        for line in complete:
            msg = json.loads(line)
            if "start" in msg:
                self.current = msg["start"]
            else:
                self.done[msg["i"]] = msg["rec"]
                self.current = None
            self.last_progress = time.time()
        rc = self.proc.poll()
        if rc is not None:
            remaining = [(i, c) for i, c in self.pending if i not in self.done]
            if not remaining:
                return True
            # crashed (segfault, abort): record the case it was on, continue after it
            bad = self.current if self.current is not None else remaining[0][0]
            self._record_failure(bad, f"worker died with exit code {rc}")
            rest = [(i, c) for i, c in remaining if i != bad]
            if not rest:
                return True
            self.launch(rest)
            return False
        if self.current is not None and time.time() - self.last_progress > CASE_TIMEOUT:
            self.proc.kill()
            self.proc.wait()
            self.poll_tail()
            bad = self.current
            self._record_failure(
                bad, f"no result after {CASE_TIMEOUT:.0f} s (killed)", timeout=True
            )
            rest = [(i, c) for i, c in self.pending if i not in self.done]
            if not rest:
                return True
            self.launch(rest)
        return False

    def poll_tail(self):
        with open(self.out_file) as f:
            f.seek(self.pos)
            for line in f.read().split("\n"):
                if line.strip():
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        continue
                    if "i" in msg:
                        self.done[msg["i"]] = msg["rec"]

    def _record_failure(self, i, why, timeout=False):
        case = dict(dict(self.items)[i])
        case.pop("x64", None)
        names = INP.names_in((case.get("source") or "") + "\n" + case["expr"])
        if names:
            case["inputs"] = names
        case["error"] = {
            "type": "Timeout" if timeout else "WorkerCrash",
            "module": "tools",
            "first_line": why,
        }
        print(f"  !! case {case['expr']!r}: {why}", file=sys.stderr)
        self.done[i] = case


def run_all(tasks):
    """tasks: list of (key, case). Returns {key: record}. x64 cases go to x64 workers."""
    import tempfile as _tf

    indexed = list(enumerate(tasks))
    groups = {False: [], True: []}
    for gi, (key, case) in indexed:
        groups[bool(case.get("x64"))].append((gi, case))
    chunks = []
    for x64, items in groups.items():
        for k in range(0, len(items), CHUNK):
            chunks.append((x64, items[k : k + CHUNK]))
    results = {}
    t0 = time.time()
    with _tf.TemporaryDirectory() as tmpdir:
        running = []
        serial = 0
        while chunks or running:
            while chunks and len(running) < N_WORKERS:
                x64, items = chunks.pop(0)
                running.append(_Job(x64, items, tmpdir, serial))
                serial += 1
            time.sleep(0.5)
            for job in list(running):
                if job.poll():
                    results.update(job.done)
                    running.remove(job)
                    print(
                        f"  chunk done ({'x64' if job.x64 else 'x32'}, {len(job.items)} cases); "
                        f"{len(results)}/{len(tasks)} after {time.time() - t0:.0f} s",
                        file=sys.stderr,
                    )
    return {tasks[gi][0]: rec for gi, rec in results.items()}


def header(extra=None):
    import jax
    import jaxlib
    import scipy

    h = {
        "jax_version": jax.__version__,
        "jaxlib_version": jaxlib.__version__,
        "numpy_version": np.__version__,
        "scipy_version": scipy.__version__,
        "generated_by": GENERATED_BY,
        "backend": jax.default_backend(),
        "encoding": "see tests/fixtures/README.md: arrays are "
        "{kind:'array',dtype,shape,weak_type,value}; floats exact float64 values; "
        "'nan'/'inf'/'-inf' strings; complex as [re, im]",
    }
    assert jax.__version__ == JAX_VERSION, jax.__version__
    if extra:
        h.update(extra)
    return h


def write_fixture(name, meta, blocks):
    """blocks: {block_name: [case records]} -> one JSON file, one case per line."""
    path = os.path.join(FIXTURES, name)
    parts = ["{"]
    items = list(meta.items())
    for k, v in items:
        parts.append(f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)},")
    bnames = list(blocks)
    for bi, b in enumerate(bnames):
        recs = blocks[b]
        parts.append(f" {json.dumps(b)}: [")
        for i, r in enumerate(recs):
            comma = "," if i + 1 < len(recs) else ""
            parts.append("  " + json.dumps(r, allow_nan=False) + comma)
        parts.append(" ]" + ("," if bi + 1 < len(bnames) else ""))
    parts.append("}")
    text = "\n".join(parts) + "\n"
    json.loads(text)  # sanity
    with open(path, "w") as f:
        f.write(text)
    size = len(text.encode())
    counts = {b: len(v) for b, v in blocks.items()}
    flag = "  **OVER LIMIT**" if size > MAX_FILE_BYTES else ""
    print(f"wrote {path}: {size} bytes, cases {counts}{flag}", file=sys.stderr)
    return size


def input_table(blocks):
    names = set()
    for recs in blocks.values():
        for r in recs:
            names.update(r.get("inputs", []))
    return {n: INP.spec(n) for n in sorted(names)}


FILES = {
    "jnp": "jnp_results.json",
    "lax": "lax_results.json",
    "jaxprs": "jaxprs.json",
    "transforms": "transforms.json",
    "errors": "errors.json",
    "reprs": "reprs.json",
    "keys": "typed_keys.json",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("parts", nargs="*", default=[])
    ap.add_argument("--worker", nargs=2, metavar=("CASES", "OUT"))
    args = ap.parse_args()
    if args.worker:
        worker_main(*args.worker)
        return
    parts = args.parts or list(FILES) + ["prng"]
    os.makedirs(FIXTURES, exist_ok=True)
    tasks = []
    for part in parts:
        if part in FILES:
            for j, c in enumerate(_load_part(part)):
                tasks.append(((part, j), c))
    print(
        f"{len(tasks)} cases, {N_WORKERS} workers, timeout {CASE_TIMEOUT:.0f} s/case",
        file=sys.stderr,
    )
    results = run_all(tasks)
    for part in parts:
        if part == "prng":
            dst = os.path.join(FIXTURES, "prng_reference.json")
            with open(SHARED_PRNG, "rb") as src, open(dst, "wb") as out:
                out.write(src.read())
            os.chmod(dst, 0o644)
            print(f"copied {SHARED_PRNG} -> {dst}", file=sys.stderr)
            continue
        keys = [k for k, c in tasks if k[0] == part]
        cases = {k: c for k, c in tasks if k[0] == part}
        recs = [results[k] for k in keys if not cases[k].get("x64")]
        recs64 = [results[k] for k in keys if cases[k].get("x64")]
        write_part(part, recs, recs64)


def write_part(part, recs, recs64):
    """Write one part; jnp is split over several files to stay under MAX_FILE_BYTES."""
    if part != "jnp":
        blocks = {"cases": recs}
        if recs64:
            blocks["cases_x64"] = recs64
        meta = header({"file": FILES[part], "inputs": input_table(blocks)})
        write_fixture(FILES[part], meta, blocks)
        return
    for fname, pred in JNP_SPLIT:
        blocks = {"cases": [r for r in recs if pred(r)]}
        meta = header(
            {
                "file": fname,
                "inputs": input_table(blocks),
                "split": "jax.numpy cases are split over " + ", ".join(f for f, _ in JNP_SPLIT),
            }
        )
        write_fixture(fname, meta, blocks)
    blocks = {"cases_x64": recs64}
    fname = "jnp_results_x64.json"
    meta = header(
        {
            "file": fname,
            "inputs": input_table(blocks),
            "x64": True,
            "split": "jax.numpy cases are split over "
            + ", ".join(f for f, _ in JNP_SPLIT)
            + ", "
            + fname,
        }
    )
    write_fixture(fname, meta, blocks)


def _tags(r):
    return set(r.get("tags", []))


JNP_SPLIT = [
    ("jnp_ufuncs_unary.json", lambda r: "unary" in _tags(r)),
    ("jnp_ufuncs_binary.json", lambda r: bool({"binary", "shift"} & _tags(r))),
    ("jnp_linalg_fft.json", lambda r: bool({"linalg", "fft"} & _tags(r))),
    ("jnp_results.json", lambda r: not ({"unary", "binary", "shift", "linalg", "fft"} & _tags(r))),
]

if __name__ == "__main__":
    main()
