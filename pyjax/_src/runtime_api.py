"""The runtime surface of ``jax``: processes, live arrays, environment, fwd/bwd split.

pyjax runs in one process on one CPU device, synchronously, so most of these
have a one-line meaning (``host_ids() == [0]``, ``effects_barrier()`` returns at
once because every effect already happened).  Also here:

* the ``jax_no_execution`` mechanism: while the flag is on, the current thread's
  bottom trace is ``_NoExecutionTrace`` instead of ``eval_trace``, so every
  eager primitive application, every jnp fast path (they test for
  ``eval_trace``) and every jitted call reaches a trace that refuses to run it;
  tracing (``make_jaxpr``, ``jit`` tracing) still works.  Only the thread that
  turned the flag on is affected.
* the marker classes of ``jax.ad`` and the ``MemorySpace`` enum of ``jax.memory``.
"""
from __future__ import annotations

import dataclasses
import enum
import gc
import os
import platform
import sys
import warnings
from typing import Callable, Sequence

import numpy as np

from pyjax._src.core import trace as trace_mod
from pyjax._src.core.trace import Trace
from pyjax._src.tree_util import register_dataclass, tree_map


# -- no_execution ----------------------------------------------------------------------------


class _NoExecutionTrace(Trace):
    """The bottom trace while ``jax_no_execution`` is set: refuses to run anything."""

    __slots__ = ()

    @staticmethod
    def _refuse(name: str):
        raise RuntimeError(f"JAX tried to execute function jit({name}), but the no_execution "
                           f"config option is set")

    def process_primitive(self, primitive, args, params):
        del args  # unused
        name = params.get("name") if primitive.name == "jit" else None
        self._refuse(name if isinstance(name, str) else primitive.name)

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        del primitive, jvp, args, symbolic_zeros  # unused
        self._refuse(getattr(fun, "__name__", "custom_jvp_call"))

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        del primitive, fwd, bwd, args, out_trees, symbolic_zeros  # unused
        self._refuse(getattr(fun, "__name__", "custom_vjp_call"))


_no_execution_trace = _NoExecutionTrace()


def set_no_execution(on: bool) -> None:
    """Install (or remove) the refusing bottom trace in this thread (config on_change hook)."""
    state = trace_mod.trace_state
    if on and state.trace is trace_mod.eval_trace:
        state.trace = _no_execution_trace
    elif not on and state.trace is _no_execution_trace:
        state.trace = trace_mod.eval_trace


# -- processes and hosts ---------------------------------------------------------------------


def process_indices(backend=None) -> list[int]:
    """The indices of every process of the backend: ``[0]`` (pyjax runs in one process).

    Args:
      backend: accepted for JAX compatibility; pyjax has only the CPU backend.
    """
    del backend  # unused
    return [0]


def _renamed(old: str, new: str) -> None:
    warnings.warn(f"jax.{old} has been renamed to jax.{new}. This alias will eventually be "
                  f"removed; please update your code.", UserWarning, stacklevel=3)


def host_count(backend=None) -> int:
    """Deprecated alias of ``process_count`` (warns): the number of processes, 1."""
    del backend  # unused
    _renamed("host_count", "process_count")
    return 1


def host_id(backend=None) -> int:
    """Deprecated alias of ``process_index`` (warns): this process's index, 0."""
    del backend  # unused
    _renamed("host_id", "process_index")
    return 0


def host_ids(backend=None) -> list[int]:
    """Deprecated alias of ``process_indices`` (warns): ``[0]``."""
    del backend  # unused
    _renamed("host_ids", "process_indices")
    return [0]


# -- arrays and effects ----------------------------------------------------------------------


def live_arrays(platform=None) -> list:
    """Every pyjax Array alive in this process (not deleted or donated).

    Args:
      platform: accepted for JAX compatibility; only ``None`` and ``'cpu'`` exist.

    Notes:
      Found by walking the garbage collector's objects, so it is slow in a big
      program; it is a debugging aid, as in JAX.
    """
    if platform not in (None, "cpu"):
        raise RuntimeError(f"live_arrays: unknown backend {platform!r}; pyjax has only 'cpu'")
    from pyjax._src.backend.array import ArrayImpl
    return [o for o in gc.get_objects() if type(o) is ArrayImpl and not o.is_deleted()]


def copy_to_host_async(x):
    """Start copying every array leaf of ``x`` to host memory; returns ``x``.

    Each leaf with a ``copy_to_host_async`` method has it called; other leaves
    are left alone.  pyjax arrays already live in host memory, so nothing is
    copied.

    Args:
      x: a pytree, usually with arrays among its leaves.

    Returns:
      A pytree of the same structure and values.
    """
    def start(leaf):
        method = getattr(leaf, "copy_to_host_async", None)
        if callable(method):
            method()
        return leaf
    return tree_map(start, x)


def effects_barrier() -> None:
    """Wait until every function run so far has finished its side effects.

    pyjax executes synchronously (callbacks and prints happen during the call),
    so there is never anything left to wait for.
    """
    return None


# -- environment -----------------------------------------------------------------------------


def print_environment_info(return_string: bool = False) -> str | None:
    """Versions of pyjax, NumPy and Python, the devices, and JAX-related environment variables.

    Args:
      return_string: return the text instead of printing it.

    Returns:
      The text if ``return_string``, else None.
    """
    from pyjax import __version__
    python_version = sys.version.replace("\n", " ")
    lines = [
        f"pyjax:  {__version__} (JAX 0.10.2 API on NumPy)",
        f"numpy:  {np.__version__}",
        f"python: {python_version}",
        "device info: cpu-1, 1 local devices",
        "process_count: 1",
        f"platform: {platform.uname()}",
    ]
    lines += [f"{k}={v}" for k, v in os.environ.items()
              if k.startswith(("JAX_", "XLA_", "PYJAX_"))]
    info = "\n".join(lines)
    if return_string:
        return info
    print(info)
    return None


# -- fwd_and_bwd -----------------------------------------------------------------------------


def fwd_and_bwd(fun: Callable, argnums: int | Sequence[int], has_aux: bool = False,
                jitted: bool = True) -> tuple[Callable, Callable]:
    """Split reverse-mode differentiation of ``fun`` into a forward and a backward function.

    ``fwd(*args)`` behaves like ``jax.vjp`` of ``fun`` with respect to the
    arguments ``argnums`` and returns ``(out, residuals)`` (``(out, residuals,
    aux)`` with ``has_aux``); ``bwd(residuals, ct)`` returns the cotangents of
    those arguments (one value for an int ``argnums``, else a tuple).  Because
    the residuals are an ordinary pytree, a jitted ``bwd`` is traced once and
    reused across calls.

    Args:
      fun: the function to differentiate.
      argnums: an int or a sequence of ints: the positional arguments to
        differentiate with respect to.
      has_aux: ``fun`` returns ``(out, aux)``; ``aux`` is passed through.
      jitted: return ``jit`` ted ``fwd`` and ``bwd`` (the default).

    Returns:
      The pair ``(fwd, bwd)``.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> fwd, bwd = pyjax.fwd_and_bwd(lambda x, w: x * w, argnums=1)
      >>> y, res = fwd(jnp.float32(2.), jnp.float32(3.))
      >>> bwd(res, jnp.float32(1.))
      Array(2., dtype=float32)
    """
    from pyjax._src.ad_api import vjp
    from pyjax._src.api import jit
    from pyjax._src.api_util import check_callable
    check_callable(fun)
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(int(i) for i in argnums)

    def fwd(*args, **kwargs):
        del kwargs  # as JAX: keyword arguments are not passed on to ``fun``
        nargs = len(args)
        for i in nums:
            if not -nargs <= i < nargs:
                raise TypeError(f"fwd_and_bwd: argnums={argnums} refers to positional "
                                f"argument {i}, but only {nargs} were passed")
        positions = [i % nargs for i in nums]

        def f_partial(*dyn):
            full = list(args)
            for pos, val in zip(positions, dyn):
                full[pos] = val
            return fun(*full)
        return vjp(f_partial, *[args[p] for p in positions], has_aux=has_aux)

    def bwd(f_vjp, outgrad):
        cts = f_vjp(outgrad)
        return cts[0] if single else cts

    if jitted:
        return jit(fwd), jit(bwd)
    return fwd, bwd


# -- jax.ad markers and jax.memory -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GradValue:
    """Marker for ``vjp``'s ``with_refs``: return this argument's cotangent as a value."""

    __slots__ = ()


@dataclasses.dataclass(frozen=True)
class GradRef:
    """Marker returned in place of a cotangent that was accumulated into a Ref."""

    __slots__ = ()


@dataclasses.dataclass(frozen=True)
class DontWant:
    """Marker for ``vjp``'s ``with_refs``: this argument's cotangent is not needed."""

    __slots__ = ()


@dataclasses.dataclass(frozen=True)
class DidntWant:
    """Marker returned in place of a cotangent that was marked ``DontWant``."""

    __slots__ = ()


# GradRef and DidntWant are pytree nodes without children (they sit in cotangent trees);
# GradValue and DontWant are leaves.
register_dataclass(GradRef, data_fields=[], meta_fields=[])
register_dataclass(DidntWant, data_fields=[], meta_fields=[])


class MemorySpace(enum.Enum):
    """Where a buffer lives (``jax.memory.Space``); pyjax has host memory only."""

    Device = 1
    Host = 2
    Any = 3

    def __repr__(self):
        return f"MemorySpace.{self.name}"

    __hash__ = object.__hash__


__all__ = [
    "copy_to_host_async", "effects_barrier", "fwd_and_bwd", "host_count", "host_id",
    "host_ids", "live_arrays", "print_environment_info", "process_indices",
]
