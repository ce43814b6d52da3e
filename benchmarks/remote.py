"""Running a benchmark's workloads under real JAX in a second interpreter.

JAX is installed in its own environment (``/work/jaxvenv`` on the dev machine),
never next to pyjax, so each benchmark script re-runs itself there with
``--worker LIB`` and answers one JSON request per line on stdin/stdout.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys


def jax_python(explicit: str | None = None) -> str | None:
    """An interpreter that can import jax: ``explicit``, ``$PYJAX_BENCH_JAX_PYTHON``,
    ``/work/jaxvenv/bin/python``, or this one if it has jax; else None."""
    for cand in (explicit, os.environ.get("PYJAX_BENCH_JAX_PYTHON"), "/work/jaxvenv/bin/python"):
        if cand and os.path.exists(cand):
            return cand
    try:
        import jax  # noqa: F401
        return sys.executable
    except ImportError:
        return None


class RemoteWorker:
    """``script --worker lib`` running under ``python``; ``ask(request) -> reply``."""

    def __init__(self, python: str, script: str, lib: str):
        env = dict(os.environ, JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
        self.proc = subprocess.Popen([python, os.path.abspath(script), "--worker", lib],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env)

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("benchmark worker died")
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
