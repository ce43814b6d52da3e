"""Staging API: ``jit``, ``make_jaxpr``, ``eval_shape``, and the device/runtime surface.

    jit : (a -> b) -> (a -> b)        traced once per input signature, run compiled

Kept thin: flatten pytrees, stage with ``staging.trace_to_jaxpr``, then either
run the compiled executable (``backend/compiler.py``) directly, when no
transformation is active, or bind ``jit_p`` (``lax/call.py``) so the call stays
one staged, transformable equation under ``grad``/``vmap``/an outer ``jit``.

NOTE[jit-cache]: the trace cache of a jitted function is keyed on the input
pytree structure, each leaf's ``(shape, dtype, weak_type)``, the static
arguments (hashed and compared with ``==``) and ``config.trace_context()``.
Two tables hold the same entries: the general one, keyed on
``(in_tree, avals, statics, context)``, and a fast one for the common call
``f(*arrays_or_python_scalars)``, keyed on per-argument tuples read straight
from ``ArrayImpl`` fields (no ``ShapedArray``, no pytree flattening, no
``inspect``).  Entries are shared by every ``jit`` wrapper of the same function
with the same options (``jax.jit(f)(x)`` in a loop traces once), and dropped by
``pyjax.clear_caches()``.

NOTE[donation]: donated arguments are deleted after the call when their buffer
was usable (an output of the same shape and dtype exists), as JAX does;
otherwise a "Some donated buffers were not usable" warning is issued.  The
executable writes into a donated buffer only if pyjax can prove nobody else
sees it (see ``compiler.Executable``).
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import threading
import warnings
import weakref
from typing import Callable, Sequence

import numpy as np

from pyjax._src import dtypes, mutable_refs
from pyjax._src.api_util import check_callable, fun_location, fun_name
from pyjax._src.backend.array import CPU_DEVICE, ArrayImpl
from pyjax._src.config import config
from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, eval_jaxpr
from pyjax._src.core.trace import Trace, Tracer, eval_trace, set_current_trace, trace_state
from pyjax._src.interpreters import batching
from pyjax._src.interpreters.staging import closed_jaxpr_hoisting_consts, trace_to_jaxpr
from pyjax._src.lax.call import jit_call
from pyjax._src.tree_keypaths import keystr
from pyjax._src.tree_util import tree_flatten, tree_flatten_with_path, tree_map, tree_unflatten

logger = logging.getLogger("pyjax")


class ShapeDtypeStruct:
    """A shape/dtype pair standing in for an array (``jax.ShapeDtypeStruct``)."""

    __slots__ = ("shape", "dtype", "sharding", "weak_type")

    def __init__(self, shape, dtype, *, sharding=None, weak_type: bool = False):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype if isinstance(dtype, (np.dtype, dtypes.ExtendedDType)) \
            else np.dtype(dtype)
        self.sharding = sharding
        self.weak_type = weak_type

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        return int(np.prod(self.shape))

    @property
    def aval(self):
        return ShapedArray(self.shape, dtypes.canonicalize_dtype(self.dtype,
                                                                 allow_extended_dtype=True),
                           self.weak_type)

    def __repr__(self):
        weak = ", weak_type=True" if self.weak_type else ""
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name}{weak})"

    def __eq__(self, other):
        return (isinstance(other, ShapeDtypeStruct) and self.shape == other.shape
                and self.dtype == other.dtype and self.weak_type == other.weak_type)

    def __hash__(self):
        return hash((self.shape, self.dtype, self.weak_type))


def typeof(x) -> ShapedArray:
    """The abstract value (type) of ``x``: ``typeof(jnp.ones(2))`` is ``float32[2]``."""
    if isinstance(x, ShapeDtypeStruct):
        return x.aval
    return get_aval(x)


def _aval_to_struct(aval) -> ShapeDtypeStruct:
    return ShapeDtypeStruct(aval.shape, aval.dtype, weak_type=aval.weak_type)


def _abstractify(x, fun=None, path: str = "") -> ShapedArray:
    if isinstance(x, ShapeDtypeStruct):
        return x.aval
    try:
        return get_aval(x)
    except TypeError:
        raise TypeError(
            f"Error interpreting argument to {fun!r} as an abstract array. The problematic "
            f"value is of type {type(x)} and was passed to the function at path {path}.\n"
            f"This typically means that a jit-wrapped function was called with a non-array "
            f"argument, and this argument was not marked as static using the static_argnums "
            f"or static_argnames parameters of jax.jit.") from None


def _leaf_paths(fun, args: Sequence, kwargs: dict, names: Sequence[str]) -> list[str]:
    """``x``, ``x['a']``, ``args[1]``...: where each dynamic leaf was passed (messages)."""
    paths = []
    for name, a in zip(names, args):
        paths.extend(name + keystr(p) for p, _ in tree_flatten_with_path(a)[0])
    for k in sorted(kwargs):
        paths.extend(k + keystr(p) for p, _ in tree_flatten_with_path(kwargs[k])[0])
    return paths


def _check_outputs(fun, transform: str, outs_flat, out_paths):
    for i, o in enumerate(outs_flat):
        if isinstance(o, (Tracer, ArrayImpl)):
            continue
        mutable_refs.check_not_ref_output(f"{fun_name(fun)} {fun_location(fun)}", transform, o)
        try:
            get_aval(o)
        except TypeError:
            where = f" at output component {out_paths[i]}" if len(outs_flat) > 1 else ""
            raise TypeError(f"function {fun_name(fun)} {fun_location(fun)}traced for "
                            f"{transform} returned a value of type {type(o)}{where}, which "
                            f"is not a valid JAX type") from None


def _flatten_checked(fun, in_tree, transform: str, user_fun=None):
    """``flatten_fun`` plus JAX's check that every output leaf is an array."""
    store: dict = {}

    def flat_f(*leaves):
        args, kwargs = tree_unflatten(in_tree, leaves)
        out = fun(*args, **kwargs)
        pairs, out_tree = tree_flatten_with_path(out)
        outs = [o for _, o in pairs]
        _check_outputs(user_fun or fun, transform, outs, [keystr(p) for p, _ in pairs])
        store["out_tree"] = out_tree
        return outs
    return flat_f, lambda: store["out_tree"]


def _debug_info(fun, transform: str) -> dict:
    return dict(name=fun_name(fun), transform=transform, where=fun_location(fun))


def make_jaxpr(fun: Callable, static_argnums: int | Sequence[int] = (), axis_env=None,
               return_shape: bool = False, abstracted_axes=None) -> Callable:
    """A function returning the ``ClosedJaxpr`` of ``fun`` at the given arguments.

    Args:
      fun: the function to stage.
      static_argnums: positional arguments treated as Python constants.
      return_shape: also return the output's ``ShapeDtypeStruct`` pytree.

    Examples:
      >>> import pyjax
      >>> from pyjax import lax
      >>> print(pyjax.make_jaxpr(lambda x: lax.mul(lax.sin(x), 2.0))(1.0))
      { lambda ; a:f32[]. let b:f32[] = sin a; c:f32[] = mul b 2.0:f32[] in (c,) }
    """
    del abstracted_axes  # unused (no symbolic shapes)
    check_callable(fun)
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @functools.wraps(fun)
    def make_jaxpr_f(*args, **kwargs):
        nargs = len(args)
        static_set = {i % nargs for i in static if -nargs <= i < nargs}
        dyn_args = [a for i, a in enumerate(args) if i not in static_set]

        def f_dyn(*dyn, **kw):
            it = iter(dyn)
            full = [a if i in static_set else next(it) for i, a in enumerate(args)]
            return fun(*full, **kw)

        flat_args, in_tree = tree_flatten((tuple(dyn_args), kwargs))
        flat_f, out_tree = _flatten_checked(f_dyn, in_tree, "make_jaxpr", fun)
        names = _arg_names(fun, nargs, static_set)
        paths = _leaf_paths(fun, dyn_args, kwargs, names)
        avals = [_abstractify(a, fun, p) for a, p in zip(flat_args, paths)]
        with contextlib.ExitStack() as stack:
            for name, size in axis_env or ():
                stack.enter_context(batching.extend_axis_env(name, size))
            jaxpr, consts = trace_to_jaxpr(flat_f, avals, _debug_info(fun, "make_jaxpr"),
                                           paths)
        closed = ClosedJaxpr(jaxpr, consts)
        if return_shape:
            shapes = [_aval_to_struct(v.aval) for v in jaxpr.outvars]
            return closed, tree_unflatten(out_tree(), shapes)
        return closed
    return make_jaxpr_f


def eval_shape(fun: Callable, *args, **kwargs):
    """Output shapes/dtypes of ``fun(*args, **kwargs)`` without running it.

    Arguments may be arrays or ``ShapeDtypeStruct`` s; returns a pytree of
    ``ShapeDtypeStruct``.
    """
    flat_args, in_tree = tree_flatten((args, kwargs))
    flat_f, out_tree = _flatten_checked(fun, in_tree, "eval_shape")
    names = _arg_names(fun, len(args), set())
    paths = _leaf_paths(fun, args, kwargs, names)
    avals = [_abstractify(a, fun, p) for a, p in zip(flat_args, paths)]
    jaxpr, _ = trace_to_jaxpr(flat_f, avals, _debug_info(fun, "eval_shape"), paths)
    return tree_unflatten(out_tree(), [_aval_to_struct(v.aval) for v in jaxpr.outvars])


# -- jit ---------------------------------------------------------------------------------


class _CacheEntry:
    """One traced signature: the jaxpr, the output tree and (lazily) the executable."""

    __slots__ = ("closed_jaxpr", "out_tree", "hoisted", "executable", "donated",
                 "out_kind", "lock")

    def __init__(self, closed_jaxpr, out_tree, hoisted, donated):
        self.closed_jaxpr = closed_jaxpr
        self.out_tree = out_tree
        self.hoisted = hoisted  # tracers of enclosing traces the function closes over
        self.executable = None
        self.donated = donated  # per flat input, or None
        # how to rebuild the output: 0 = one leaf, 1 = flat tuple of leaves, 2 = general
        if out_tree.num_leaves == 1 and out_tree == _LEAF_TREEDEF:
            self.out_kind = 0
        elif out_tree == _tuple_treedef(out_tree.num_leaves):
            self.out_kind = 1
        else:
            self.out_kind = 2
        self.lock = threading.Lock()

    def get_executable(self):
        exe = self.executable
        if exe is None:
            from pyjax._src.backend.compiler import compiled_callable
            with self.lock:
                exe = self.executable
                if exe is None:
                    exe = self.executable = compiled_callable(self.closed_jaxpr, self.donated)
        return exe

    def unflatten(self, outs):
        kind = self.out_kind
        if kind == 0:
            return outs[0]
        if kind == 1:
            return tuple(outs)
        return tree_unflatten(self.out_tree, outs)


_LEAF_TREEDEF = tree_flatten(0)[1]


@functools.lru_cache(maxsize=64)
def _tuple_treedef(n: int):
    return tree_flatten((0,) * n)[1]


def _static_key(v):
    try:
        hash(v)
    except TypeError as e:
        raise ValueError(f"Non-hashable static arguments are not supported. An error occurred "
                         f"while trying to hash an object of type {type(v)}, {v}. The error "
                         f"was:\nTypeError: {e}\n") from None
    return v


# Exact types the fast path handles; their aval follows from the type (and x64, which
# is part of the trace context).
_FAST_SCALARS = {float: float, int: int, bool: bool, complex: complex}

# fun -> {jit options: (general cache, fast cache)}; see NOTE[jit-cache]
_shared_caches: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()
_uncacheable_caches: "weakref.WeakSet" = weakref.WeakSet()


class _Cache(dict):
    """A trace cache (a dict that can be weakly referenced, for ``clear_caches``)."""
    __slots__ = ("__weakref__",)


def _caches_for(fun, options) -> tuple[_Cache, _Cache]:
    try:
        with _shared_lock:
            per_fun = _shared_caches.get(fun)
            if per_fun is None:
                per_fun = _shared_caches[fun] = {}
            pair = per_fun.get(options)
            if pair is None:
                pair = per_fun[options] = (_Cache(), _Cache())
            return pair
    except TypeError:  # fun neither hashable nor weakly referenceable: a private cache
        pair = (_Cache(), _Cache())
        _uncacheable_caches.add(pair[0])
        _uncacheable_caches.add(pair[1])
        return pair


def _positional_params(fun):
    """(names of positional parameters, has *args, names accepted as keywords) or None."""
    try:
        sig = inspect.signature(fun)
    except (TypeError, ValueError):
        return None
    params = list(sig.parameters.values())
    positional = [p.name for p in params if p.kind in
                  (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    var_pos = any(p.kind is p.VAR_POSITIONAL for p in params)
    var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
    keywords = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return positional, var_pos, var_kw, keywords


def _arg_names(fun, nargs: int, static: set) -> list[str]:
    """Names of the dynamic positional arguments, for error messages and tracer origins."""
    info = _positional_params(fun)
    positional = info[0] if info else []
    names = []
    for i in range(nargs):
        if i in static:
            continue
        names.append(positional[i] if i < len(positional) else f"args[{i}]")
    return names


def _resolve_argnums_argnames(kind: str, nums, names, info):
    """JAX's inference: names from nums (or nums from names) through the signature."""
    nums = _norm_nums(nums)
    names = _norm_names(names)
    if info is None:
        return nums, names
    positional, var_pos, var_kw, keywords = info
    if not var_pos:
        bad = [i for i in nums if not -len(positional) <= i < len(positional)]
        if bad:
            raise ValueError(f"Jitted function has {kind}_argnums={nums}, but only accepts "
                             f"{len(positional)} positional arguments.")
    if not var_kw:
        invalid = set(names) - keywords
        if invalid:
            raise ValueError(f"Jitted function has invalid argnames {invalid} in "
                             f"{kind}_argnames. Function does not take these args.")
    if nums and not names:
        names = tuple(positional[i] for i in nums if -len(positional) <= i < len(positional))
    elif names and not nums:
        nums = tuple(positional.index(n) for n in names if n in positional)
    return nums, names


class JitWrapped:
    """The callable returned by ``jit``: traces once per signature, then runs compiled code.

    See NOTE[jit-cache] for the cache key and NOTE[donation] for donation.
    """

    def __init__(self, fun, static_argnums, static_argnames, donate_argnums, donate_argnames,
                 keep_unused, inline):
        functools.update_wrapper(self, fun)
        self._fun = fun
        self._name = fun_name(fun)
        info = _positional_params(fun)
        self._static_argnums, self._static_argnames = _resolve_argnums_argnames(
            "static", static_argnums, static_argnames, info)
        self._donate_argnums, self._donate_argnames = _resolve_argnums_argnames(
            "donate", donate_argnums, donate_argnames, info)
        clash = set(self._static_argnames) & set(self._donate_argnames)
        if clash:
            raise ValueError(f"static_argnames and donate_argnames cannot intersect. Argument "
                             f"names {clash} appear in both static_argnames and "
                             f"donate_argnames")
        self._positional = info[0] if info else []
        self._keep_unused = bool(keep_unused)
        self._inline = bool(inline)
        self._simple = not (self._static_argnums or self._static_argnames or
                            self._donate_argnums or self._donate_argnames)
        options = (self._static_argnums, self._static_argnames, self._donate_argnums,
                   self._donate_argnames, self._keep_unused, self._inline)
        self._cache, self._fast_cache = _caches_for(fun, options)
        self._lock = threading.Lock()

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self, obj)

    # -- calling ----------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if self._simple and not kwargs:
            # Fast path, see NOTE[jit-cache].  Any surprise (a deleted array, an unusual
            # leaf type, a changed config, an active trace) takes the general path,
            # which handles or reports it.
            sig = []
            try:
                for a in args:
                    t = type(a)
                    if t is ArrayImpl:
                        v = a._value
                        sig.append((v.shape, v.dtype, a.weak_type))
                    elif t is np.ndarray:
                        sig.append((a.shape, a.dtype, None))
                    else:
                        sig.append(_FAST_SCALARS[t])
                hit = self._fast_cache[tuple(sig)]
            except (KeyError, AttributeError):
                hit = None
            if hit is not None and hit[0] is config._trace_ctx and \
                    trace_state.trace is eval_trace and not config.jax_disable_jit:
                outs = hit[1](args)
                kind = hit[2]
                if kind == 0:
                    return outs[0]
                return tuple(outs) if kind == 1 else tree_unflatten(hit[3], outs)
        return self._call_general(args, kwargs)

    def _call_general(self, args, kwargs):
        if config.jax_disable_jit:
            return self._fun(*args, **kwargs)
        if mutable_refs.any_refs(args, kwargs):  # see NOTE[ref-discharge]
            return mutable_refs.jit_call_with_refs(self, args, kwargs)
        entry, flat_args = self._entry_for(args, kwargs)
        if config.jax_no_execution and trace_state.trace is eval_trace:
            raise RuntimeError(f"JAX tried to execute function jit({self._name}), but the "
                               f"no_execution config option is set")
        fast_key = self._fast_key(args) if self._simple and not kwargs else None
        trace = trace_state.trace
        if trace is eval_trace and not entry.hoisted:
            exe = entry.get_executable()
            outs = exe.call_arrays(flat_args)
            if self._simple and fast_key is not None:
                self._fast_cache[fast_key] = (config._trace_ctx, exe.call_arrays,
                                              entry.out_kind, entry.out_tree)
        elif self._inline:
            closed = entry.closed_jaxpr
            outs = eval_jaxpr(closed.jaxpr, closed.consts, *entry.hoisted, *flat_args)
        else:
            n_hoisted = len(entry.hoisted)
            donated = entry.donated
            donated = ((False,) * n_hoisted + tuple(donated)) if donated else None
            outs = jit_call([*entry.hoisted, *flat_args], entry.closed_jaxpr, self._name,
                            donated_invars=donated, keep_unused=self._keep_unused,
                            inline=self._inline)
        return entry.unflatten(outs)

    # -- tracing ----------------------------------------------------------------------------
    def _split(self, args, kwargs):
        """(static key, dynamic positional args, dynamic kwargs, static positions)."""
        nargs = len(args)
        static_nums = {i % nargs for i in self._static_argnums if -nargs <= i < nargs}
        static_pos = tuple((i, _static_key(args[i])) for i in sorted(static_nums))
        names = self._static_argnames
        static_kw = tuple(sorted((k, _static_key(v)) for k, v in kwargs.items() if k in names))
        dyn_args = tuple(a for i, a in enumerate(args) if i not in static_nums)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in names} if names else kwargs
        return (static_pos, static_kw), dyn_args, dyn_kwargs, static_nums

    def _entry_for(self, args, kwargs):
        """The cache entry for this call (tracing on a miss) and the flat dynamic args."""
        statics, dyn_args, dyn_kwargs, static_nums = self._split(args, kwargs)
        flat_args, in_tree = tree_flatten((dyn_args, dyn_kwargs))
        try:
            avals = tuple(get_aval(a) if type(a) is not ShapeDtypeStruct else a.aval
                          for a in flat_args)
        except TypeError:
            names = _arg_names(self._fun, len(args), static_nums)
            paths = _leaf_paths(self._fun, dyn_args, dyn_kwargs, names)
            for a, p in zip(flat_args, paths):
                _abstractify(a, self._fun, p)
            raise
        # named vmap axes are part of the key: a traced psum(1, 'i') bakes in the axis size
        key = (in_tree, avals, statics, config._trace_ctx, batching.current_axis_env())
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, static_nums, dyn_args, dyn_kwargs, in_tree,
                                avals)
            if not entry.hoisted:
                with self._lock:
                    entry = self._cache.setdefault(key, entry)
        return entry, flat_args

    @staticmethod
    def _fast_key(args):
        """The fast-path key of a call with only array/Python-scalar positional args."""
        try:
            return tuple([(a._value.shape, a._value.dtype, a.weak_type) if type(a) is ArrayImpl
                          else (a.shape, a.dtype, None) if type(a) is np.ndarray
                          else _FAST_SCALARS[type(a)] for a in args])
        except (KeyError, AttributeError):
            return None

    def _trace(self, args, kwargs, static_nums, dyn_args, dyn_kwargs, in_tree, avals):
        fun = self._fun
        static_kwargs = {k: v for k, v in kwargs.items() if k in self._static_argnames}

        def f_dyn(*dyn, **kw):
            it = iter(dyn)
            full = [a if i in static_nums else next(it) for i, a in enumerate(args)]
            return fun(*full, **static_kwargs, **kw)

        flat_f, out_tree = _flatten_checked(f_dyn, in_tree, "jit", fun)
        names = _arg_names(fun, len(args), static_nums)
        paths = _leaf_paths(fun, dyn_args, dyn_kwargs, names)
        if config.jax_log_compiles:
            logger.warning("Finished tracing + transforming %s for pjit; compiling with "
                           "avals %s", self._name, [a.str_short() for a in avals])
        _check_jit_boundary(avals, "argument")
        jaxpr, consts = trace_to_jaxpr(flat_f, list(avals), _debug_info(fun, "jit"), paths)
        _check_jit_boundary(jaxpr.out_avals, "result")
        closed, hoisted = closed_jaxpr_hoisting_consts(jaxpr, consts)
        donated = self._donated_leaves(args, dyn_args, dyn_kwargs, static_nums)
        if donated is not None:
            _warn_unusable_donations(closed, donated)
        return _CacheEntry(closed, out_tree(), hoisted, donated)

    def _donated_leaves(self, args, dyn_args, dyn_kwargs, static_nums):
        if not (self._donate_argnums or self._donate_argnames):
            return None
        nargs = len(args)
        nums = {i % nargs for i in self._donate_argnums if -nargs <= i < nargs}
        flags = []
        for i, a in enumerate(args):
            if i not in static_nums:
                flags.extend([i in nums] * len(tree_flatten(a)[0]))
        for k in sorted(dyn_kwargs):
            flags.extend([k in self._donate_argnames] * len(tree_flatten(dyn_kwargs[k])[0]))
        return tuple(flags) if any(flags) else None

    # -- AOT and introspection --------------------------------------------------------------
    def trace(self, *args, **kwargs):
        """Trace for these arguments: a ``Traced`` (``.jaxpr``, ``.lower()``)."""
        from pyjax._src.aot import Traced
        if config.jax_disable_jit:
            raise RuntimeError("jit(f).trace() is not available under disable_jit()")
        entry, flat_args = self._entry_for(args, kwargs)
        return Traced(self, entry, [get_aval(a) if type(a) is not ShapeDtypeStruct else a.aval
                                    for a in flat_args], args, kwargs)

    def lower(self, *args, **kwargs):
        """Lower for these arguments: a ``Lowered`` (``.as_text()``, ``.compile()``)."""
        return self.trace(*args, **kwargs).lower()

    def eval_shape(self, *args, **kwargs):
        """Output ``ShapeDtypeStruct`` s of a call with these arguments (nothing runs)."""
        entry, _ = self._entry_for(args, kwargs)
        return tree_unflatten(entry.out_tree,
                              [_aval_to_struct(a) for a in entry.closed_jaxpr.out_avals])

    def clear_cache(self):
        """Forget every traced signature of this function."""
        with self._lock:
            self._cache.clear()
            self._fast_cache.clear()

    def _cache_size(self) -> int:
        return len(self._cache)

    def __repr__(self):
        return f"<PjitFunction of {self._fun!r}>"


def _check_jit_boundary(avals, what: str) -> None:
    """Types pyjax cannot pass into or out of compiled code (tokens) raise here."""
    for a in avals:
        if type(a) is not ShapedArray:
            reason = getattr(a, "jit_boundary_error", None)
            if reason:
                raise NotImplementedError(f"jit: a {a.str_short()} {what}: {reason}")


def _warn_unusable_donations(closed: ClosedJaxpr, donated: Sequence[bool]):
    """JAX's warning for donated inputs no output can reuse (by shape and dtype)."""
    avals_out = [(a.shape, a.dtype) for a in closed.out_avals]
    n_hoisted = len(closed.in_avals) - len(donated)
    unusable = []
    for aval, d in zip(closed.in_avals[n_hoisted:], donated):
        if not d:
            continue
        key = (aval.shape, aval.dtype)
        if key in avals_out:
            avals_out.remove(key)
        else:
            unusable.append(aval.str_short(short_dtypes=False))
    if unusable:
        warnings.warn(f"Some donated buffers were not usable: {', '.join(unusable)}.\nSee an "
                      f"explanation at https://docs.jax.dev/en/latest/faq.html#buffer-donation.",
                      UserWarning, stacklevel=6)


def _norm_nums(x) -> tuple:
    if x is None:
        return ()
    return (int(x),) if isinstance(x, int) else tuple(int(i) for i in x)


def _norm_names(x) -> tuple:
    if x is None:
        return ()
    return (x,) if isinstance(x, str) else tuple(x)


def jit(fun: Callable | None = None, /, *, static_argnums=None, static_argnames=None,
        donate_argnums=None, donate_argnames=None, keep_unused: bool = False, device=None,
        backend=None, inline: bool = False, in_shardings=None, out_shardings=None,
        compiler_options=None, abstracted_axes=None):
    """Stage ``fun`` into a jaxpr once per input signature and run it compiled.

    Args:
      fun: the function to compile.  With ``fun`` omitted, ``jit(**options)``
        returns a decorator.
      static_argnums, static_argnames: arguments treated as compile-time Python
        constants; they must be hashable, and each new value retraces.
      donate_argnums, donate_argnames: arguments whose buffers the computation
        may reuse for its outputs; they are deleted after the call.
      keep_unused: keep unused arguments in the compiled function.
      inline: inline the call into an enclosing trace instead of staging a
        ``jit`` equation.

    Returns:
      A wrapped ``fun`` with ``.lower``, ``.trace``, ``.eval_shape`` and
      ``.clear_cache``.

    Examples:
      >>> import pyjax
      >>> from pyjax import lax
      >>> f = pyjax.jit(lambda x: lax.mul(x, 2.0))
      >>> f(3.0)
      Array(6., dtype=float32, weak_type=True)
    """
    del device, backend, in_shardings, out_shardings, compiler_options, abstracted_axes
    if fun is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames,
                                 donate_argnums=donate_argnums,
                                 donate_argnames=donate_argnames, keep_unused=keep_unused,
                                 inline=inline)
    check_callable(fun)
    return JitWrapped(fun, static_argnums, static_argnames, donate_argnums, donate_argnames,
                      keep_unused, inline)


def clear_caches():
    """Drop every jit trace cache and every compiled executable."""
    with _shared_lock:
        per_fun_dicts = list(_shared_caches.values())
    for per_fun in per_fun_dicts:
        for general, fast in list(per_fun.values()):
            general.clear()
            fast.clear()
    for cache in list(_uncacheable_caches):
        cache.clear()
    from pyjax._src.backend.compiler import clear_compile_cache
    clear_compile_cache()
    from pyjax._src import compiled_backward  # eager grad's compiled backward passes
    compiled_backward.clear()


# -- disable_jit, compile-time evaluation, names ------------------------------------------


def disable_jit(disable: bool = True):
    """Context manager running jitted functions as plain Python (``JAX_DISABLE_JIT=1``).

    Examples:
      >>> import pyjax
      >>> with pyjax.disable_jit():
      ...     print(pyjax.jit(lambda x: type(x).__name__)(1.0))
      float
    """
    return config.override("jax_disable_jit", bool(disable))


class _CompileTimeEvalTrace(Trace):
    """Evaluates primitives on concrete inputs now; hands anything traced to its parent."""

    def process_primitive(self, primitive, args, params):
        trace = eval_trace if not any(isinstance(a, Tracer) for a in args) else self.parent
        return primitive.bind_with_trace(trace, args, params)

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        trace = eval_trace if not any(isinstance(a, Tracer) for a in args) else self.parent
        with set_current_trace(trace):
            return trace.process_custom_jvp_call(primitive, fun, jvp, args,
                                                 symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        trace = eval_trace if not any(isinstance(a, Tracer) for a in args) else self.parent
        with set_current_trace(trace):
            return trace.process_custom_vjp_call(primitive, fun, fwd, bwd, args,
                                                 out_trees=out_trees,
                                                 symbolic_zeros=symbolic_zeros)


@contextlib.contextmanager
def ensure_compile_time_eval():
    """Evaluate operations on concrete values eagerly, even while tracing a ``jit``.

    Inside the block, an operation none of whose inputs is a tracer runs now and
    gives a concrete array (usable in Python control flow); operations on
    tracers are staged as usual.
    """
    parent = trace_state.trace
    if parent is eval_trace:
        yield
        return
    with set_current_trace(_CompileTimeEvalTrace(parent)):
        yield


def named_call(fun: Callable, *, name: str | None = None) -> Callable:
    """``fun`` under a name for profiles; a no-op in pyjax (no named scopes in jaxprs)."""
    del name  # unused
    return fun


@contextlib.contextmanager
def named_scope(name: str):
    """Name the operations of a block (for profilers); a no-op in pyjax."""
    if not isinstance(name, str):
        raise TypeError("named_scope name argument must be a string.")
    yield


# -- devices and runtime --------------------------------------------------------------------


def devices(backend=None):
    """The devices pyjax runs on: one CPU device."""
    del backend  # unused
    return [CPU_DEVICE]


def local_devices(process_index=None, backend=None, host_id=None):
    del process_index, backend, host_id  # unused
    return [CPU_DEVICE]


def device_count(backend=None) -> int:
    del backend  # unused
    return 1


def local_device_count(backend=None) -> int:
    del backend  # unused
    return 1


def default_backend() -> str:
    return "cpu"


def process_index(backend=None) -> int:
    del backend  # unused
    return 0


def process_count(backend=None) -> int:
    del backend  # unused
    return 1


def block_until_ready(x):
    """Wait for every array in the pytree ``x`` (pyjax runs synchronously) and return it."""
    return tree_map(lambda a: a.block_until_ready() if hasattr(a, "block_until_ready") else a,
                    x)


def device_put(x, device=None, *, src=None, donate=False, may_alias=None):
    """Put every leaf of ``x`` on a device or sharding (see ``sharding_api.device_put``)."""
    from pyjax._src.sharding_api import device_put as _device_put  # lazy: sits above api
    return _device_put(x, device, src=src, donate=donate, may_alias=may_alias)


def device_get(x):
    """Every array leaf of ``x`` as a NumPy array."""
    return tree_map(lambda a: np.asarray(a) if isinstance(a, ArrayImpl) else a, x)


__all__ = [
    "ShapeDtypeStruct", "block_until_ready", "clear_caches", "default_backend",
    "device_count", "device_get", "device_put", "devices", "disable_jit",
    "ensure_compile_time_eval", "eval_shape", "jit", "local_device_count", "local_devices",
    "make_jaxpr", "named_call", "named_scope", "process_count", "process_index", "typeof",
]
