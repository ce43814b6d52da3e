"""Configuration flags, mirroring ``jax.config``.

Every flag has a value (``config.update(name, value)``, or an environment
variable read once at import) and may be overridden for a block of code with a
context manager (``pyjax.enable_x64(True)``).

Hot paths read ``config.<name>`` attributes (e.g. ``config.jax_enable_x64``):
one attribute lookup.

``trace_context()`` returns the tuple of flag values that change what tracing
produces (x64, promotion mode, ...); the jit cache keys on it.
"""
from __future__ import annotations

import contextlib
import os
import threading
from typing import Any, Callable


def _bool_env(name: str, default: bool) -> bool:
    val = os.environ.get(name)
    if val is None:
        return default
    return val.strip().lower() in ("1", "true", "yes", "on", "t", "y")


class _Flag:
    __slots__ = ("name", "default", "validator", "affects_tracing", "on_change", "doc")

    def __init__(self, name, default, validator=None, affects_tracing=False, on_change=None,
                 doc=""):
        self.name = name
        self.default = default
        self.validator = validator
        self.affects_tracing = affects_tracing
        self.on_change = on_change
        self.doc = doc


class Config:
    """The set of pyjax flags; ``pyjax.config`` is the single instance.

    Flag values are plain instance attributes so that hot paths read them in one
    attribute lookup.  NOTE[config-overrides]: unlike JAX, ``with
    enable_x64(True):`` changes the value process-wide for the duration of the
    block (under a lock), not per thread; a per-thread overlay would put a
    Python-level lookup on every eager operation.
    """

    def __init__(self):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_lock", threading.RLock())
        object.__setattr__(self, "_trace_ctx", ())  # cached trace_context(); see _set

    # -- definition ---------------------------------------------------------------
    def define(self, name: str, default: Any, *, env: str | None = None, validator=None,
               affects_tracing: bool = False, on_change: Callable | None = None,
               doc: str = "") -> None:
        if env is not None and env in os.environ:
            if isinstance(default, bool):
                default = _bool_env(env, default)
            elif isinstance(default, int):
                default = int(os.environ[env])
            else:
                default = os.environ[env]
        self._flags[name] = _Flag(name, default, validator, affects_tracing, on_change, doc)
        object.__setattr__(self, name, default)
        self._refresh_trace_context()

    # -- reading ------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"Unrecognized config option: {name}")

    def read(self, name: str) -> Any:
        return getattr(self, name)

    @property
    def values(self) -> dict:
        return {name: getattr(self, name) for name in self._flags}

    # -- writing ------------------------------------------------------------------
    def _set(self, name: str, value: Any) -> Any:
        if name not in self._flags:
            raise AttributeError(f"Unrecognized config option: {name}")
        flag = self._flags[name]
        if flag.validator is not None:
            value = flag.validator(value)
        object.__setattr__(self, name, value)
        if flag.affects_tracing:
            self._refresh_trace_context()
        if flag.on_change is not None:
            flag.on_change(value)
        return value

    def update(self, name: str, value: Any) -> None:
        """Set a flag, e.g. ``config.update('jax_enable_x64', True)``."""
        with self._lock:
            self._set(name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"Use config.update({name!r}, value) to change a flag.")

    @contextlib.contextmanager
    def override(self, name: str, value: Any):
        """Set one flag for the duration of a ``with`` block (see NOTE[config-overrides])."""
        with self._lock:
            old = getattr(self, name) if name in self._flags else None
            self._set(name, value)
        try:
            yield
        finally:
            with self._lock:
                self._set(name, old)

    def trace_context(self) -> tuple:
        """Values of the flags that change tracing results; part of jit's cache key.

        Precomputed (jit reads it on every call): ``define`` and ``_set`` refresh it
        whenever a flag that affects tracing changes.
        """
        return self._trace_ctx

    def _refresh_trace_context(self) -> None:
        ctx = tuple(getattr(self, n) for n, f in self._flags.items() if f.affects_tracing)
        object.__setattr__(self, "_trace_ctx", ctx)

    def parse_flags_with_absl(self):  # JAX compatibility; flags come from the environment here
        pass

    def __dir__(self):
        return list(self._flags) + ["update", "read", "values"]


def _promotion_mode(value):
    if value not in ("standard", "strict"):
        raise ValueError(
            f"jax_numpy_dtype_promotion must be 'standard' or 'strict', got {value!r}")
    return value


def _rank_promotion(value):
    if value not in ("allow", "warn", "raise"):
        raise ValueError(f"jax_numpy_rank_promotion must be allow/warn/raise, got {value!r}")
    return value


config = Config()
config.define("jax_enable_x64", False, env="JAX_ENABLE_X64", validator=bool,
              affects_tracing=True, doc="Enable 64-bit dtypes.")
config.define("jax_numpy_dtype_promotion", "standard", env="JAX_NUMPY_DTYPE_PROMOTION",
              validator=_promotion_mode, affects_tracing=True)
config.define("jax_numpy_rank_promotion", "allow", env="JAX_NUMPY_RANK_PROMOTION",
              validator=_rank_promotion, affects_tracing=True)
config.define("jax_default_matmul_precision", None, affects_tracing=True)
config.define("jax_disable_jit", False, env="JAX_DISABLE_JIT", validator=bool)
config.define("jax_debug_nans", False, env="JAX_DEBUG_NANS", validator=bool)
config.define("jax_debug_infs", False, env="JAX_DEBUG_INFS", validator=bool)
config.define("jax_log_compiles", False, env="JAX_LOG_COMPILES", validator=bool)
config.define("jax_enable_checks", False, env="JAX_ENABLE_CHECKS", validator=bool,
              doc="Typecheck every jaxpr built (on in the test suite).")
config.define("jax_threefry_partitionable", True, env="JAX_THREEFRY_PARTITIONABLE",
              validator=bool, affects_tracing=True)
config.define("jax_default_prng_impl", "threefry2x32", affects_tracing=True)
config.define("jax_platforms", "cpu", env="JAX_PLATFORMS")
config.define("jax_platform_name", "cpu", env="JAX_PLATFORM_NAME")
config.define("jax_default_device", None)
config.define("jax_traceback_filtering", "auto")
config.define("jax_debug_key_reuse", False, validator=bool)
config.define("jax_dynamic_shapes", False, validator=bool)
config.define("jax_explain_cache_misses", False, validator=bool)
config.define("jax_compilation_cache_dir", None)
config.define("jax_persistent_cache_min_compile_time_secs", 1.0)
config.define("jax_check_tracer_leaks", False, validator=bool)
config.define("jax_softmax_custom_jvp", False, validator=bool)
config.define("jax_legacy_prng_key", "allow")
config.define("jax_transfer_guard", None)
config.define("jax_numpy_dtype_promotion_strict", False)  # internal mirror, kept for tests
config.define("jax_pyjax_compiler", True, validator=bool,
              doc="Use the NumPy source compiler for jit (False: interpret the jaxpr).")


def _native_mode(v):
    if v not in ("auto", "always", "never"):
        raise ValueError(f"jax_pyjax_native_loops must be 'auto', 'always' or 'never', got {v!r}")
    return v


config.define("jax_pyjax_native_loops", "auto", env="PYJAX_NATIVE_LOOPS", validator=_native_mode,
              doc="Compile hot while/scan loops with numba (tier 2): auto, always or never.")
config.define("jax_pyjax_native_hot_seconds", 0.2, validator=float,
              doc="Seconds a loop runs on tier 1 (across calls) before it is compiled natively.")


def _flag_context(name):
    def manager(new_val: Any = True):
        return config.override(name, new_val)
    manager.__name__ = name.removeprefix("jax_")
    manager.__doc__ = f"Context manager overriding ``{name}`` in this thread."
    return manager


enable_x64 = _flag_context("jax_enable_x64")
debug_nans = _flag_context("jax_debug_nans")
debug_infs = _flag_context("jax_debug_infs")
log_compiles = _flag_context("jax_log_compiles")
enable_checks = _flag_context("jax_enable_checks")
default_matmul_precision = _flag_context("jax_default_matmul_precision")
numpy_dtype_promotion = _flag_context("jax_numpy_dtype_promotion")
numpy_rank_promotion = _flag_context("jax_numpy_rank_promotion")
threefry_partitionable = _flag_context("jax_threefry_partitionable")
default_prng_impl = _flag_context("jax_default_prng_impl")
debug_key_reuse = _flag_context("jax_debug_key_reuse")
check_tracer_leaks = _flag_context("jax_check_tracer_leaks")
explain_cache_misses = _flag_context("jax_explain_cache_misses")
transfer_guard = _flag_context("jax_transfer_guard")
default_device = _flag_context("jax_default_device")
