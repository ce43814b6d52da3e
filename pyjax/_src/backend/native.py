"""Compiler tier 2, part 2: whole ``while``/``scan`` loops run as numba machine code.

    while_runner(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts) -> runner
    scan_runner(jaxpr, length, reverse, num_consts, num_carry)       -> runner
    runner(*np_args) -> list[np.ndarray]          (the loop primitive's impl)

A loop starts on tier 1: a Python loop calling the tier-1 compiled body
(~10 µs per iteration).  Once it is *hot* — it has spent, across calls, at
least ``jax_pyjax_native_hot_seconds`` (0.2 s by default) in tier 1 and at
least what compiling it is estimated to cost (``estimated_compile_seconds``:
about 0.5 s + 30 ms per generated line, nothing when numba's disk cache has
it) — ``native_lowering``'s source for it is compiled by numba; the loop
then continues natively from the iteration it had reached (the carry is the
whole state), and later calls start natively.  Users never wait for numba on
a loop that runs once and briefly, and a hot loop runs hundreds of times
faster.  ``jax_pyjax_native_loops`` is "auto" (that policy), "always"
(compile before the first iteration: tests, benchmarks) or "never".

numba is optional (``pip install pyjax[native]``).  ``PYJAX_NATIVE_STRICT=1`` makes a
lowering or native-run failure raise instead of falling back (for stress runs such as
``PYJAX_NATIVE_LOOPS=always PYJAX_NATIVE_STRICT=1 pytest tests``).  Without it, or when the
loop uses something ``native_lowering`` does not support, or numba fails to
compile it, the loop stays on tier 1 (``stats`` and ``runner.native_error``
say why).  Compiled loops are cached on disk: the generated source is written
to ``$PYJAX_CACHE_DIR/native`` (default ``~/.cache/pyjax/native``) under its
content hash and compiled by numba with ``cache=True``, so a new process
loads machine code in milliseconds instead of compiling again.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
import threading
import time
import weakref
from typing import Callable

import numpy as np

from pyjax._src import errors
from pyjax._src.backend import native_lowering
from pyjax._src.config import config

logger = logging.getLogger("pyjax.native")

# counts since process start: compiled, unsupported, failed, native_runs, switched_midway
stats = {"compiled": 0, "unsupported": 0, "failed": 0, "native_runs": 0,
         "switched_midway": 0}

_CHECK_EVERY = 64  # tier-1 iterations between looks at the clock


def available() -> bool:
    """Whether numba can be imported (checked once)."""
    global _numba
    if _numba is None:
        try:
            import numba  # noqa: F401
            _numba = True
        except ImportError:
            _numba = False
    return _numba


_numba: bool | None = None


def cache_dir() -> str:
    root = os.environ.get("PYJAX_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "pyjax")
    return os.path.join(root, "native")


@functools.lru_cache(maxsize=None)
def _support_version() -> str:
    """Generated modules call ``native_support``: its text is part of their cache key."""
    from pyjax._src.backend import native_support
    with open(native_support.__file__, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


_loaded: dict[str, Callable] = {}
_load_lock = threading.Lock()


def _writable_dir() -> str:
    d = cache_dir()
    try:
        os.makedirs(d, exist_ok=True)
        if os.access(d, os.W_OK):
            return d
    except OSError:
        pass
    d = os.path.join(tempfile.gettempdir(), f"pyjax-native-{os.getuid()}")
    os.makedirs(d, exist_ok=True)
    return d


def _module_text(src: native_lowering.NativeSource) -> tuple[str, str]:
    text = f"# pyjax tier-2 loop; native_support {_support_version()}\n" + src.source
    return text, hashlib.sha256(text.encode()).hexdigest()[:32]


def is_cached(src: native_lowering.NativeSource) -> bool:
    """Whether numba's disk cache (probably) holds this loop's machine code already."""
    _, digest = _module_text(src)
    if digest in _loaded:
        return True
    pycache = os.path.join(cache_dir(), "__pycache__")
    try:
        return any(f.startswith(f"loop_{digest}.") and f.endswith(".nbi")
                   for f in os.listdir(pycache))
    except OSError:
        return False


def estimated_compile_seconds(src: native_lowering.NativeSource) -> float:
    """A rough price of compiling ``src`` now (measured on this machine class: numba's
    start-up plus ~30 ms per generated line; near zero when the disk cache has it)."""
    if is_cached(src):
        return 0.0
    return 0.5 + 0.03 * src.source.count("\n")


def load(src: native_lowering.NativeSource) -> Callable:
    """The numba-compiled ``loop`` of ``src`` (compiled lazily by numba on first call)."""
    import numba
    text, digest = _module_text(src)
    with _load_lock:
        fn = _loaded.get(digest)
        if fn is not None:
            return fn
        directory = _writable_dir()
        path = os.path.join(directory, f"loop_{digest}.py")
        if not os.path.exists(path):
            # written once under its content hash and never rewritten: numba's disk cache
            # keys on the file's timestamp
            fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                f.write(text)
            os.replace(tmp, path)
        name = f"pyjax_native_loop_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        fn = numba.njit(cache=True, error_model="numpy")(module.loop)
        _loaded[digest] = fn
        return fn


def _native_arg(x, aval):
    """A NumPy scalar of exactly the dtype (shape ()), else a writable C-contiguous array
    (numba gives read-only arrays another type, which would not unify with the carry)."""
    a = np.asarray(x)
    if aval.shape == ():
        return a.astype(aval.dtype, copy=False)[()]
    return np.require(a, dtype=aval.dtype, requirements="CW")


def _from_native(x, aval, what: str):
    if aval.shape == ():
        return np.asarray(x, dtype=aval.dtype)
    if x.dtype != aval.dtype or x.shape != aval.shape:
        raise errors.JaxprTypeError(
            f"pyjax native loop ({what}) returned {x.dtype}{list(x.shape)} where "
            f"{aval.str_short(short_dtypes=False)} was expected; please report this")
    return x


class _Runner:
    """Tier-1 loop driver that moves itself to tier 2 when hot."""

    kind = ""

    def __init__(self):
        self.tier1_seconds = 0.0
        self.native = None            # None: not tried yet; False: stays on tier 1
        self.native_error: str | None = None
        self._src = None
        self._compile_estimate = None  # seconds, priced once when first asked
        self._lock = threading.Lock()

    @property
    def source(self) -> str | None:
        """The generated numba source, once the loop has been lowered."""
        return None if self._src is None else self._src.source

    def _want_native(self, extra_seconds: float = 0.0) -> bool:
        """Policy: compile once tier 1 has cost as much as compiling would (so a program
        never spends more than about twice the ideal), and not before the hot threshold."""
        mode = config.jax_pyjax_native_loops
        if mode == "never" or self.native is False:
            return False
        if mode == "always":
            return True
        spent = self.tier1_seconds + extra_seconds
        if spent < config.jax_pyjax_native_hot_seconds:
            return False
        src = self._lowered()
        if src is None:
            return False
        if self._compile_estimate is None:
            self._compile_estimate = estimated_compile_seconds(src)
        return spent >= self._compile_estimate

    def _lowered(self):
        """The loop's native source (lowered once), or None when it is unsupported."""
        if self._src is None and self.native is None:
            try:
                self._src = self._lower()
            except native_lowering.Unsupported as e:
                stats["unsupported"] += 1
                self.native, self.native_error = False, f"unsupported: {e}"
                logger.debug("%s loop stays on tier 1: %s", self.kind, e)
            except Exception as e:  # a lowering bug must not break the program: tier 1
                self._give_up("lowering failed", e)
        return self._src

    def _give_up(self, what: str, e: Exception) -> None:
        if os.environ.get("PYJAX_NATIVE_STRICT"):  # stress runs: surface tier-2 bugs
            raise e
        stats["failed"] += 1
        self.native, self.native_error = False, f"{what}: {type(e).__name__}: {e}"
        first_line = str(e).splitlines()[0] if str(e) else ""
        logger.warning("pyjax: a %s loop stays on tier 1 (%s: %s: %s); please report this",
                       self.kind, what, type(e).__name__, first_line)

    def _use_native(self) -> bool:
        """Run natively from the start: compiled already (and not switched off), or due now."""
        if self.native:
            return config.jax_pyjax_native_loops != "never"
        return self.native is None and self._want_native() and self._compile()

    def _compile(self) -> bool:
        with self._lock:
            if self.native is not None:
                return self.native is not False
            if not available():
                self.native, self.native_error = False, "numba is not installed"
                return False
            t0 = time.perf_counter()
            src = self._lowered()
            if src is None:
                return False
            try:
                fn = load(src)
                self._hoisted = [np.require(h, requirements="CW") for h in src.hoisted]
                self._warm_up(fn)
            except Exception as e:  # numba typing/lowering failure: keep tier 1
                self._give_up("numba could not compile it", e)
                return False
            stats["compiled"] += 1
            self.native = fn
            if config.jax_log_compiles:
                logger.warning("pyjax: compiled a %s loop natively in %.3f s", self.kind,
                               time.perf_counter() - t0)
            return True

    def _warm_up(self, fn):
        """Compile ``fn`` now (numba compiles on the first call) on the loop's own types."""


class WhileRunner(_Runner):
    kind = "while"

    def __init__(self, cond_jaxpr, body_jaxpr, cond_nconsts: int, body_nconsts: int):
        super().__init__()
        self.cond_jaxpr, self.body_jaxpr = cond_jaxpr, body_jaxpr
        self.cond_nconsts, self.body_nconsts = cond_nconsts, body_nconsts
        self.in_avals = [*cond_jaxpr.in_avals[:cond_nconsts],
                         *body_jaxpr.in_avals]
        self.out_avals = list(body_jaxpr.out_avals)

    def _lower(self):
        return native_lowering.lower_while(self.cond_jaxpr, self.body_jaxpr, self.cond_nconsts,
                                           self.body_nconsts)

    def _warm_up(self, fn):
        fn.compile(tuple(_numba_type(a) for a in self.in_avals)
                               + tuple(_numba_type_of(h) for h in self._hoisted))

    def run_native(self, args) -> list:
        stats["native_runs"] += 1
        nat = [_native_arg(x, a) for x, a in zip(args, self.in_avals)]
        outs = self.native(*nat, *self._hoisted)
        return [_from_native(o, a, "while") for o, a in zip(outs, self.out_avals)]

    def __call__(self, *args) -> list:
        if self._use_native():
            try:
                return self.run_native(args)
            except Exception as e:  # inputs are untouched: rerun on tier 1
                self._give_up("native run failed", e)
        from pyjax._src.backend.compiler import compiled_callable
        cond_fn = compiled_callable(self.cond_jaxpr)
        body_fn = compiled_callable(self.body_jaxpr)
        nc, nb = self.cond_nconsts, self.body_nconsts
        cconsts, bconsts = args[:nc], args[nc:nc + nb]
        carry = list(args[nc + nb:])
        t0, n = time.perf_counter(), 0
        while cond_fn(*cconsts, *carry)[0]:
            carry = body_fn(*bconsts, *carry)
            n += 1
            if n % _CHECK_EVERY == 0 and self.native is None and \
                    self._want_native(time.perf_counter() - t0):
                self.tier1_seconds += time.perf_counter() - t0
                if self._compile():
                    stats["switched_midway"] += 1
                    try:
                        return self.run_native([*cconsts, *bconsts, *carry])
                    except Exception as e:  # carry is intact: go on with tier 1
                        self._give_up("native run failed", e)
                t0 = time.perf_counter()
        self.tier1_seconds += time.perf_counter() - t0
        return carry


class ScanRunner(_Runner):
    kind = "scan"

    def __init__(self, jaxpr, length: int, reverse: bool, num_consts: int, num_carry: int):
        super().__init__()
        self.jaxpr, self.length, self.reverse = jaxpr, length, reverse
        self.num_consts, self.num_carry = num_consts, num_carry
        ins = list(jaxpr.in_avals)
        self.const_avals = ins[:num_consts]
        self.carry_avals = ins[num_consts:num_consts + num_carry]
        self.x_avals = [a.update(shape=(length, *a.shape)) for a in ins[num_consts + num_carry:]]
        self.y_avals = list(jaxpr.out_avals[num_carry:])

    def _lower(self):
        return native_lowering.lower_scan(self.jaxpr, self.length, self.reverse,
                                          self.num_consts, self.num_carry)

    def _warm_up(self, fn):
        import numba
        ys = [a.update(shape=(self.length, *a.shape)) for a in self.y_avals]
        sig = (numba.types.int64, *(_numba_type(a) for a in
                                    [*self.const_avals, *self.carry_avals, *self.x_avals, *ys]),
               *(_numba_type_of(h) for h in self._hoisted))
        fn.compile(sig)

    def run_native(self, start: int, consts, carry, xs, ys) -> list:
        stats["native_runs"] += 1
        nat = [_native_arg(x, a) for x, a in
               zip([*consts, *carry, *xs], [*self.const_avals, *self.carry_avals, *self.x_avals])]
        outs = self.native(start, *nat, *ys, *self._hoisted)
        return [_from_native(o, a, "scan") for o, a in zip(outs, self.carry_avals)]

    def __call__(self, *args) -> list:
        nc, nk = self.num_consts, self.num_carry
        consts, carry = args[:nc], list(args[nc:nc + nk])
        xs = args[nc + nk:]
        ys = [np.empty((self.length, *a.shape), a.dtype) for a in self.y_avals]
        if self._use_native():
            try:
                return [*self.run_native(0, consts, carry, xs, ys), *ys]
            except Exception as e:  # inputs are untouched, ys are rewritten: rerun on tier 1
                self._give_up("native run failed", e)
        from pyjax._src.backend.compiler import compiled_callable
        body = compiled_callable(self.jaxpr)
        length = self.length
        t0 = time.perf_counter()
        for step in range(length):
            i = length - 1 - step if self.reverse else step
            outs = body(*consts, *carry, *[x[i] for x in xs])
            carry = outs[:nk]
            for y, o in zip(ys, outs[nk:]):
                y[i] = o
            if (step + 1) % _CHECK_EVERY == 0 and step + 1 < length and self.native is None \
                    and self._want_native(time.perf_counter() - t0):
                self.tier1_seconds += time.perf_counter() - t0
                if self._compile():
                    stats["switched_midway"] += 1
                    try:
                        return [*self.run_native(step + 1, consts, carry, xs, ys), *ys]
                    except Exception as e:  # carry is intact: go on with tier 1
                        self._give_up("native run failed", e)
                t0 = time.perf_counter()
        self.tier1_seconds += time.perf_counter() - t0
        return [*carry, *ys]


def _numba_type(aval):
    import numba
    dt = numba.from_dtype(np.dtype(aval.dtype))
    if aval.shape == ():
        return dt
    return numba.types.Array(dt, len(aval.shape), "C")


def _numba_type_of(value):
    import numba
    return numba.typeof(value)


# -- runner caches (one runner per loop equation's jaxprs) ------------------------------------

_while_runners: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_scan_runners: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_runners_lock = threading.Lock()


def _cached(table, owner, key, make):
    per = table.get(owner)
    if per is not None:
        r = per.get(key)
        if r is not None:
            return r
    with _runners_lock:
        per = table.get(owner)
        if per is None:
            per = table[owner] = {}
        r = per.get(key)
        if r is None:
            r = per[key] = make()
        return r


def while_runner(cond_jaxpr, body_jaxpr, cond_nconsts: int, body_nconsts: int) -> WhileRunner:
    """The (cached) runner of one ``while`` loop."""
    return _cached(_while_runners, body_jaxpr, (id(cond_jaxpr), cond_nconsts, body_nconsts),
                   lambda: WhileRunner(cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts))


def scan_runner(jaxpr, length: int, reverse: bool, num_consts: int, num_carry: int) -> ScanRunner:
    """The (cached) runner of one ``scan`` loop."""
    return _cached(_scan_runners, jaxpr, (length, bool(reverse), num_consts, num_carry),
                   lambda: ScanRunner(jaxpr, length, reverse, num_consts, num_carry))
