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
import enum
import functools
import itertools
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
                if validator is not None:
                    default = validator(default)
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
config.define("jax_softmax_custom_jvp", False, validator=bool, affects_tracing=True,
              doc="jax.nn.softmax differentiates through a custom_jvp rule.")
config.define("jax_numpy_dtype_promotion_strict", False)  # internal mirror, kept for tests
config.define("jax_pyjax_compiler", True, validator=bool,
              doc="Use the NumPy source compiler for jit (False: interpret the jaxpr).")


# -- flags of the runtime surface (see NOTE[runtime-flags]) ----------------------------------
# NOTE[runtime-flags]: each flag below either changes pyjax's behaviour as it changes
# JAX's on one CPU device, has no observable effect in JAX on one CPU device either
# (those say so in ``doc``), or refuses the values pyjax cannot honour with a
# NotImplementedError naming the flag -- never a silently ignored setting.


class LegacyPrngKeyState(str, enum.Enum):
    """Values of ``jax_legacy_prng_key``: what raw uint32 keys passed to jax.random do."""

    ALLOW = "allow"
    WARN = "warn"
    ERROR = "error"

    def __str__(self):
        return self.value


def _legacy_prng_key(value):
    try:
        return LegacyPrngKeyState(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid LegacyPrngKeyState") from None


_GUARD_LEVELS = ("allow", "log", "disallow", "log_explicit", "disallow_explicit")


def _optional_enum(name: str, values, unsupported=(), why: str = ""):
    """Validator: None or one of ``values``; ``unsupported`` ones raise NotImplementedError."""
    def validate(value):
        if value is not None and (not isinstance(value, str) or value not in values):
            raise ValueError(f"new enum value must be None or in {list(values)}, got "
                             f"{value} of type {type(value)}.")
        if value in unsupported:
            raise NotImplementedError(f"{name}={value!r} is not supported by pyjax: {why}")
        return value
    return validate


_H2D_WHY = ("implicit host-to-device transfers (NumPy arrays and Python scalars becoming "
            "arrays) are not intercepted, so the guard could not act; only 'allow' (the "
            "default) is accepted.")
config.define("jax_transfer_guard_host_to_device", None,
              validator=_optional_enum("jax_transfer_guard_host_to_device", _GUARD_LEVELS,
                                       _GUARD_LEVELS[1:], _H2D_WHY),
              doc="Host-to-device transfer guard level; only None/'allow' are supported.")
config.define("jax_transfer_guard_device_to_host", None,
              validator=_optional_enum("jax_transfer_guard_device_to_host", _GUARD_LEVELS),
              doc="Device-to-host transfer guard level.  The CPU device's memory is host "
                  "memory, so (as in JAX on CPU) no transfer ever triggers it.")
config.define("jax_transfer_guard_device_to_device", None,
              validator=_optional_enum("jax_transfer_guard_device_to_device", _GUARD_LEVELS),
              doc="Device-to-device transfer guard level.  With one device no transfer "
                  "between devices exists, so (as in JAX) nothing triggers it.")


def _set_all_guards(value):
    for direction in ("host_to_device", "device_to_host", "device_to_device"):
        config._set(f"jax_transfer_guard_{direction}", value)


config.define("jax_transfer_guard", None,
              validator=_optional_enum("jax_transfer_guard", _GUARD_LEVELS, _GUARD_LEVELS[1:],
                                       _H2D_WHY),
              on_change=_set_all_guards,
              doc="Sets the three per-direction transfer guards at once.")
config.define("jax_legacy_prng_key", LegacyPrngKeyState.ALLOW, env="JAX_LEGACY_PRNG_KEY",
              validator=_legacy_prng_key)
config.define("jax_allow_f16_reductions", True, validator=bool, affects_tracing=True,
              doc="If False, reduce_sum of a float16/bfloat16 operand over a dimension "
                  "larger than 1 raises a ValueError.")
config.define("jax_array_garbage_collection_guard", None,
              validator=_optional_enum(
                  "jax_array_garbage_collection_guard", ("allow", "log", "fatal"),
                  ("log", "fatal"), "pyjax cannot tell when an Array is freed by the cyclic "
                  "garbage collector rather than by reference counting."),
              doc="What happens when an Array is garbage collected; only None/'allow'.")
config.define("jax_auto_pcast", True, validator=bool, affects_tracing=True,
              doc="Insert pvary automatically to match varying manual axes.  pyjax does "
                  "not type varying manual axes (shard_map check_vma), so nothing to cast.")
config.define("jax_remove_size_one_mesh_axis_from_type", False, validator=bool,
              affects_tracing=True,
              doc="Remove size-1 mesh axes from array types.  pyjax types carry no mesh "
                  "axes (see pyjax._src.sharding_impl), so there is nothing to remove.")
config.define("jax2tf_associative_scan_reductions", False, validator=bool,
              doc="Read by jax2tf only (cumulative reductions' lowering); no effect on "
                  "JAX's or pyjax's own results.")
config.define("jax_thread_guard", False, validator=bool,
              doc="Guards multi-process operations against use from other threads; with "
                  "one process (always, in pyjax) there are none.")
config.define("jax_no_tracing", False, validator=bool,
              doc="Raise a RuntimeError whenever a function is traced to a jaxpr.")


def _enable_custom_prng(value):
    value = bool(value)
    if value:
        raise NotImplementedError(
            "jax_enable_custom_prng=True is not supported by pyjax: pyjax.random does not "
            "return typed key arrays for raw uint32 keys.")
    return value


config.define("jax_enable_custom_prng", False, validator=_enable_custom_prng)


def _no_execution_changed(value):
    # lazy: the no-execution trace lives with the runtime API (it needs core.trace)
    from pyjax._src.runtime_api import set_no_execution
    set_no_execution(bool(value))


config.define("jax_no_execution", False, validator=bool, affects_tracing=True,
              on_change=_no_execution_changed,
              doc="Raise a RuntimeError instead of executing anything (in this thread).")


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
    manager.__doc__ = (f"Context manager overriding ``{name}`` for a ``with`` block "
                       f"(process-wide, see NOTE[config-overrides]).")
    doc = config._flags[name].doc if name in config._flags else ""
    if doc:
        manager.__doc__ += f"\n\n{doc}"
    return manager


def _enum_flag_context(name):
    def manager(new_val: Any):
        return config.override(name, new_val)
    manager.__name__ = name.removeprefix("jax_")
    manager.__doc__ = f"Context manager overriding ``{name}`` (see ``config.{name}``)."
    doc = config._flags[name].doc if name in config._flags else ""
    if doc:
        manager.__doc__ += f"\n\n{doc}"
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
transfer_guard = _enum_flag_context("jax_transfer_guard")
default_device = _flag_context("jax_default_device")


legacy_prng_key = _enum_flag_context("jax_legacy_prng_key")
transfer_guard_host_to_device = _enum_flag_context("jax_transfer_guard_host_to_device")
transfer_guard_device_to_host = _enum_flag_context("jax_transfer_guard_device_to_host")
transfer_guard_device_to_device = _enum_flag_context("jax_transfer_guard_device_to_device")
array_garbage_collection_guard = _enum_flag_context("jax_array_garbage_collection_guard")
allow_f16_reductions = _flag_context("jax_allow_f16_reductions")
auto_pcast = _flag_context("jax_auto_pcast")
remove_size_one_mesh_axis_from_type = _flag_context("jax_remove_size_one_mesh_axis_from_type")
jax2tf_associative_scan_reductions = _flag_context("jax2tf_associative_scan_reductions")
jax2tf_associative_scan_reductions.__name__ = "jax2tf_associative_scan_reductions"
thread_guard = _flag_context("jax_thread_guard")
no_tracing = _flag_context("jax_no_tracing")
no_execution = _flag_context("jax_no_execution")
enable_custom_prng = _flag_context("jax_enable_custom_prng")
softmax_custom_jvp = _flag_context("jax_softmax_custom_jvp")
checking_leaks = functools.partial(check_tracer_leaks, True)


# -- user contexts -------------------------------------------------------------------------

_user_context_ids = itertools.count()


class UserContext:
    """A user-defined value that is part of every jit cache key (``jax.make_user_context``).

    ``ctx.value`` is the value in effect; ``with ctx(v):`` overrides it for a block
    (process-wide, see NOTE[config-overrides]); ``get_global``/``set_global`` read
    and set the value outside any override.  Changing the value in effect makes
    jitted functions trace again instead of reusing a trace made under another value.
    """

    def __init__(self, default_value=None):
        self._name = f"jax_user_context_{next(_user_context_ids)}"
        self._global = default_value
        self._depth = 0
        config.define(self._name, default_value, affects_tracing=True)

    @property
    def value(self):
        return getattr(config, self._name)

    def get_global(self):
        return self._global

    def set_global(self, value) -> None:
        self._global = value
        if self._depth == 0:
            config.update(self._name, value)

    @contextlib.contextmanager
    def __call__(self, new_val):
        self._depth += 1
        try:
            with config.override(self._name, new_val):
                yield
        finally:
            self._depth -= 1

    def __repr__(self):
        return f"UserContext(value={self.value!r})"


def make_user_context(default_value=None) -> UserContext:
    """A new jit-cache-sensitive context whose value starts as ``default_value``.

    Args:
      default_value: the initial (global) value.

    Returns:
      A :class:`UserContext`: read ``.value``, override with ``with ctx(v):``.
      A jitted function traced under one value is traced again under another.

    Examples:
      >>> import pyjax
      >>> mode = pyjax.make_user_context("train")
      >>> with mode("eval"):
      ...     print(mode.value)
      eval
      >>> mode.value
      'train'
    """
    return UserContext(default_value)
