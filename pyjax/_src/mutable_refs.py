"""Mutable array references (``jax.new_ref``, ``jax.Ref``, ``jax.freeze``, ``jax.ds``).

    new_ref : Array -> Ref          ref[idx] -> Array      ref[idx] = v
    freeze  : Ref -> Array          ref.addupdate(v, idx)  free_ref, empty_ref

NOTE[ref-discharge]: JAX stages reads and writes as effectful ``get``/``swap``
primitives on ``Ref``-typed jaxpr values and discharges them into functional
code when lowering.  pyjax discharges while tracing instead: a ``Ref`` is a
Python box whose contents are an Array (or a tracer of the trace that was
current when the box was made, its *owner*); a read returns the contents
(indexed with ``lax`` ops), a write replaces them with a functional update
(``.at[...].set``, ``dynamic_update_slice``).  The values computed are JAX's;
jaxprs show the functional operations instead of ``get``/``swap``.

Where the boxes meet transformation boundaries:

* inside one trace (eagerly, or within one ``jit``/``grad``/``vmap`` function)
  everything works, including reading a ``Ref`` from an inner ``grad``/``vmap``
  and writing concrete values into it;
* a ``Ref`` *argument* of a jitted function (``jit(f)(ref)``) is passed in as its
  value and the final contents are written back after the call
  (``jit_call_with_refs``, hooked into api.py's jit);
* reading or writing a ``Ref`` inside a separately traced body -- a
  ``cond``/``switch``/``while_loop``/``fori_loop``/``scan`` body, a nested
  ``checkpoint``/``custom_jvp`` function, or a ``jit`` function that *closes
  over* the Ref -- raises NotImplementedError (JAX supports these); so does
  writing a value that depends on an inner transformation's inputs (e.g. a
  ``grad`` tracer) into a Ref made outside it;
* ``make_jaxpr``/``eval_shape`` of a function *taking* a Ref, ``vmap`` over a
  Ref argument with a mapped axis, differentiating with respect to a Ref, and
  returning a Ref from a jitted function (JAX's ValueError) are refused.

``jnp`` arrays also accept :func:`ds` in plain indexing (``x[ds(i, n)]``, via
``apply_ds``); ``x.at[ds(...)]`` updates are refused (numpy/indexing.py).
"""
from __future__ import annotations

import dataclasses
import weakref
from typing import Any

import numpy as np

from pyjax._src.core.avals import AbstractValue, ShapedArray, aval_handlers, get_aval
from pyjax._src.core.trace import Tracer, trace_state
from pyjax._src.tree_util import (Partial, register_pytree_node, register_pytree_node_class,
                                  tree_flatten, tree_unflatten)


class AbstractRef(AbstractValue):
    """The type of a mutable reference to an array of type ``inner_aval``: ``Ref{f32[3]}``."""

    __slots__ = ("inner_aval", "kind")
    is_ref = True

    def __init__(self, inner_aval: ShapedArray, kind: str | None = None):
        self.inner_aval = inner_aval
        self.kind = kind

    shape = property(lambda self: self.inner_aval.shape)
    dtype = property(lambda self: self.inner_aval.dtype)
    ndim = property(lambda self: self.inner_aval.ndim)
    size = property(lambda self: self.inner_aval.size)
    weak_type = property(lambda self: self.inner_aval.weak_type)

    def str_short(self, short_dtypes: bool = True, mark_weak: bool = False) -> str:
        return f"Ref{{{self.inner_aval.str_short(short_dtypes, mark_weak)}}}"

    def __repr__(self):
        return f"Ref{{{self.inner_aval.str_short(short_dtypes=False)}}}"

    __str__ = __repr__

    def to_tangent_aval(self):
        raise TypeError(f"Cannot differentiate with respect to a mutable array reference "
                        f"({self}): pass the Ref as a non-differentiated argument, or "
                        f"differentiate with respect to its value (ref[...])")

    def __eq__(self, other):
        return isinstance(other, AbstractRef) and self.inner_aval == other.inner_aval

    def __hash__(self):
        return hash(("Ref", self.inner_aval))


# -- ds / Slice ----------------------------------------------------------------------------


@register_pytree_node_class
@dataclasses.dataclass
class Slice:
    """``start:start+size*stride:stride`` where ``start`` (and ``size``) may be traced."""

    __slots__ = ("start", "size", "stride")
    start: Any
    size: Any
    stride: int

    def __init__(self, start, size, stride: int = 1):
        if stride < 0:
            raise ValueError("`stride` must be >= 0.")
        self.start, self.size, self.stride = start, size, stride

    __hash__ = None  # unhashable, as JAX's (it may hold arrays)

    def tree_flatten(self):
        dyn_start = isinstance(self.start, (Tracer, np.ndarray)) or hasattr(self.start, "aval")
        dyn_size = isinstance(self.size, (Tracer, np.ndarray)) or hasattr(self.size, "aval")
        children = (self.start if dyn_start else None, self.size if dyn_size else None)
        aux = (None if dyn_start else self.start, None if dyn_size else self.size, self.stride)
        return children, aux

    @classmethod
    def tree_unflatten(cls, aux, children):
        start = children[0] if children[0] is not None else aux[0]
        size = children[1] if children[1] is not None else aux[1]
        return cls(start, size, aux[2])


def ds(start, size=None, stride: int | None = None):
    """A dynamic slice for indexing Refs: ``ds(i, n)`` is ``i:i+n`` with ``i`` maybe traced.

    Mirrors ``slice``: ``ds(None)`` is ``:``, ``ds(j)`` is ``:j``, ``ds(i, j)`` is
    ``i:i+j`` and ``ds(i, j, s)`` is ``i:i+j:s`` (``j`` elements).

    Args:
      start: the first index (an int or a traced integer), or None for ``:``.
      size: the number of elements (static).
      stride: a static step, default 1.

    Returns:
      A :class:`Slice` (``slice(None)`` for ``ds(None)``).

    Examples:
      >>> import pyjax
      >>> pyjax.ds(1, 2)
      Slice(start=1, size=2, stride=1)
    """
    if start is None:
        return slice(None)
    if stride is None:
        stride = 1
    if not isinstance(stride, int):
        raise ValueError("Non-static stride in `dslice`")
    if size is None:
        start, size = 0, start
    return Slice(start, size, stride)


# -- indexing helpers ----------------------------------------------------------------------


def _expand_index(idx, ndim: int, fun: str) -> tuple:
    """``idx`` as a tuple without Ellipsis (one entry per consumed dim, plus Nones)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_ell = sum(1 for i in idx if i is Ellipsis)
    if n_ell > 1:
        raise IndexError(f"{fun}: an index can only have a single ellipsis ('...')")
    consumed = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if consumed > ndim:
        raise IndexError(f"{fun}: too many indices for a Ref of rank {ndim}: {len(idx)} were "
                         f"indexed")
    out = []
    for i in idx:
        if i is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
        else:
            out.append(i)
    if not n_ell:
        out.extend([slice(None)] * (ndim - consumed))
    return tuple(out)


def _split_slices(idx: tuple, shape: tuple):
    """(starts, sizes, rest): the ``Slice`` entries as one dynamic-slice block, the rest.

    ``rest`` indexes the block (a ``Slice`` becomes ``::stride`` of its window).  As
    for JAX's Refs, a static start must be non-negative and the slice in bounds; a
    traced start is clamped like ``lax.dynamic_slice``.
    """
    starts, sizes, rest = [], [], []
    dim = 0
    for i in idx:
        if i is None:
            rest.append(i)
            continue
        if isinstance(i, Slice):
            size, stride = int(i.size), int(i.stride)
            window = (size - 1) * stride + 1 if size else 0
            if isinstance(i.start, (int, np.integer)):
                if i.start < 0:
                    raise TypeError(f"slice start_indices must have every element be "
                                    f"nonnegative, got ({i.start},).")
                if i.start + window > shape[dim]:
                    raise ValueError(f"Out of bound slice: start={i.start}, size={size}, "
                                     f"stride={stride}, dim={shape[dim]}.")
            starts.append(i.start)
            sizes.append(window)
            rest.append(slice(None, None, stride) if stride != 1 else slice(None))
        else:
            starts.append(0)
            sizes.append(shape[dim])
            rest.append(i)
        dim += 1
    return starts, sizes, tuple(rest)


def _has_slices(idx: tuple) -> bool:
    return any(isinstance(i, Slice) for i in idx)


def _index_shape(shape: tuple, idx: tuple) -> tuple:
    """The shape of ``x[idx]`` for an ``x`` of ``shape``, with traced indices allowed."""
    def concrete(i):
        if isinstance(i, (int, slice, type(None))) or i is Ellipsis:
            return i
        s = np.shape(i) if not isinstance(i, Tracer) else i.shape
        dt = i.dtype if hasattr(i, "dtype") else np.asarray(i).dtype
        return np.zeros(s, dt if dt == np.bool_ else np.int64)
    dummy = np.broadcast_to(np.empty((), np.int8), shape)
    return dummy[tuple(concrete(i) for i in idx)].shape


def has_ds(idx) -> bool:
    """Whether an index contains a :func:`ds` dynamic slice."""
    if isinstance(idx, Slice):
        return True
    return isinstance(idx, tuple) and any(isinstance(i, Slice) for i in idx)


def apply_ds(arr, idx):
    """``(arr', idx')`` with every ``ds`` entry of ``idx`` applied to ``arr`` as a dynamic slice.

    jnp semantics (as JAX's ``x[ds(i, n)]``): a negative start counts from the end,
    then the window is clamped into bounds like ``lax.dynamic_slice``; a stride
    takes every ``stride``-th element of the window.  ``idx'`` has ``:`` in place
    of each ``ds``.  Boolean-array indices combined with ``ds`` are not supported.
    """
    import pyjax.numpy as jnp  # lazy: numpy sits above this module's users
    from pyjax._src.lax import slicing
    full = _expand_index(idx, arr.ndim, "indexing with jax.ds")
    if any(getattr(i, "dtype", None) == np.bool_ for i in full):
        raise NotImplementedError("indexing with jax.ds together with a boolean mask is not "
                                  "supported by pyjax")
    rest, dim = [], 0
    for i in full:
        if isinstance(i, Slice):
            n = arr.shape[dim]
            start = i.start
            if isinstance(start, (int, np.integer)):
                start = int(start) + n if start < 0 else int(start)
            else:
                start = jnp.where(start < 0, start + n, start)
            length = (int(i.size) - 1) * i.stride + 1 if i.size else 0
            arr = slicing.dynamic_slice_in_dim(arr, start, length, axis=dim)
            if i.stride != 1:
                arr = slicing.slice_in_dim(arr, 0, length, i.stride, axis=dim)
            rest.append(slice(None))
        else:
            rest.append(i)
        if i is not None:
            dim += 1
    return arr, tuple(rest)


def _read(value, idx: tuple):
    from pyjax._src.lax.slicing import dynamic_slice
    if _has_slices(idx):
        starts, sizes, idx = _split_slices(idx, value.shape)
        value = dynamic_slice(value, starts, sizes)
    if all(isinstance(i, slice) and i == slice(None) for i in idx):
        return value
    return value[idx]


def _write(value, idx: tuple, update, mode: str):
    from pyjax._src.lax.slicing import dynamic_slice, dynamic_update_slice
    if _has_slices(idx):
        starts, sizes, rest = _split_slices(idx, value.shape)
        block = dynamic_slice(value, starts, sizes)
        block = _write(block, rest, update, mode)
        return dynamic_update_slice(value, block, starts)
    if all(isinstance(i, slice) and i == slice(None) for i in idx):
        return update if mode == "set" else value + update
    at = value.at[idx]
    return at.set(update) if mode == "set" else at.add(update)


# -- Ref -----------------------------------------------------------------------------------

_live_refs: "weakref.WeakSet" = weakref.WeakSet()


def _as_value(x, fun: str):
    """An Array (or tracer) for ``x``; Python scalars stay weakly typed."""
    if isinstance(x, Tracer):
        return x
    from pyjax._src.backend.array import ArrayImpl
    from pyjax._src.backend.dispatch import to_numpy
    if type(x) is ArrayImpl:
        return x
    try:
        value, weak = to_numpy(x)
    except TypeError:
        raise TypeError(f"{fun}: expected an array or scalar, got {type(x)}") from None
    if isinstance(x, np.ndarray) and value is x:
        value = np.array(value, copy=True)
    return ArrayImpl(value, weak)


def _chain_to(owner) -> list | None:
    """Traces from the current one up to (excluding) ``owner``; None if ``owner`` is not
    an ancestor (the Ref belongs to a computation outside the one being traced)."""
    chain = []
    t = trace_state.trace
    while t is not None:
        if t is owner:
            return chain
        chain.append(t)
        t = t.parent
    return None


_OUTSIDE_MSG = (
    "{what} a Ref from inside a separately traced function (a cond/switch/while_loop/"
    "fori_loop/scan body, a checkpoint/custom_jvp/custom_vjp function, or a jit-compiled "
    "function that closes over the Ref) is not supported by pyjax (see NOTE[ref-discharge] "
    "in pyjax/_src/mutable_refs.py); pass the Ref to jit as an argument, or carry the value "
    "through the loop instead.")


class Ref:
    """A mutable reference to an array (``jax.Ref``), made by :func:`new_ref`.

    Read with ``ref[idx]`` (``ref[...]`` for all of it), write with
    ``ref[idx] = value`` (dtype and shape must match the indexed part exactly),
    accumulate with ``ref.addupdate(value, idx)``; :func:`freeze` returns the
    final value.  Indices are ints, slices, ``...``, integer arrays and
    :func:`ds` dynamic slices (a static ``ds`` start must be in bounds; a traced
    one is clamped).  See NOTE[ref-discharge] for pyjax's limits.
    """

    __slots__ = ("_aval", "_value", "_owner", "_freed", "__weakref__")
    is_mutable_ref = True  # read by vmap (batching.batch_flat), which refuses mapped Refs

    def __init__(self, value, kind: str | None = None):
        aval = get_aval(value)
        self._aval = AbstractRef(aval, kind)
        self._value = value
        self._owner = trace_state.trace
        self._freed = False
        _live_refs.add(self)

    # type-level information, forwarded from the inner type
    aval = property(lambda self: self._aval)
    shape = property(lambda self: self._aval.shape)
    dtype = property(lambda self: self._aval.dtype)
    ndim = property(lambda self: self._aval.ndim)
    size = property(lambda self: self._aval.size)
    committed = property(lambda self: True)

    @property
    def sharding(self):
        return self._value.sharding

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    @property
    def at(self):
        raise NotImplementedError("Ref.at is not implemented (as in JAX): index the Ref "
                                  "directly, e.g. ref[idx] = value")

    # -- access ------------------------------------------------------------------------
    def _current(self, what: str):
        if _chain_to(self._owner) is None:
            raise NotImplementedError(_OUTSIDE_MSG.format(what=what))
        return self._value

    def _replace(self, new_value, what: str):
        chain = _chain_to(self._owner)
        if chain is None:
            raise NotImplementedError(_OUTSIDE_MSG.format(what=what))
        if chain and isinstance(new_value, Tracer) and new_value._trace in chain:
            raise NotImplementedError(
                f"{what} a Ref with a value computed inside a transformation (grad/vmap/jvp/"
                f"...) applied after the Ref was created is not supported by pyjax: the "
                f"value would escape that transformation. Create the Ref inside the "
                f"transformed function instead.")
        self._value = new_value

    def __getitem__(self, idx):
        value = self._current("Reading")
        return _read(value, _expand_index(idx, self.ndim, "Ref get"))

    def _check_update(self, prim: str, idx: tuple, update):
        expected = _index_shape(self.shape, idx) if not _has_slices(idx) else \
            _index_shape(tuple(_split_slices(idx, self.shape)[1]),
                         _split_slices(idx, self.shape)[2])
        u_aval = get_aval(update)
        if u_aval.dtype != self.dtype:
            raise ValueError(f"Invalid dtype for `{prim}`. Ref dtype: {self.dtype}. Value "
                             f"dtype: {u_aval.dtype}. ")
        if tuple(u_aval.shape) != tuple(expected):
            raise ValueError(f"Invalid shape for `{prim}`. Ref shape: {self.shape}. Expected "
                             f"shape: {tuple(expected)}. Value shape: {tuple(u_aval.shape)}. "
                             f"Transforms: (). ")

    def __setitem__(self, idx, value):
        value = _as_value(value, "Ref set")
        full = _expand_index(idx, self.ndim, "Ref set")
        self._check_update("swap", full, value)
        current = self._current("Writing")
        self._replace(_write(current, full, value, "set"), "Writing")

    def addupdate(self, x, idx=()):
        """Add ``x`` to the part of the Ref selected by ``idx`` (the whole Ref by default)."""
        x = _as_value(x, "Ref addupdate")
        full = _expand_index(idx, self.ndim, "Ref addupdate")
        self._check_update("addupdate", full, x)
        current = self._current("Updating")
        self._replace(_write(current, full, x, "add"), "Updating")

    def unsafe_buffer_pointer(self):
        return self._current("Reading").unsafe_buffer_pointer()

    def __repr__(self):
        value = self._value
        if isinstance(value, Tracer):
            return f"Ref({value!r})"
        return "Ref" + repr(value)[len("Array"):]


aval_handlers[Ref] = lambda r: r._aval


# -- public functions ----------------------------------------------------------------------


def new_ref(init_val, *, memory_space=None, kind: str | None = None) -> Ref:
    """A new mutable array reference holding (a copy of) ``init_val``.

    Args:
      init_val: the initial value (an array or scalar).
      memory_space: must be None (memory spaces of Refs are not modelled).
      kind: None or ``'no_grad_no_remat'``.

    Returns:
      A :class:`Ref`.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> ref = pyjax.new_ref(jnp.arange(3))
      >>> ref[1] = 10
      >>> ref
      Ref([ 0, 10,  2], dtype=int32)
    """
    if memory_space is not None:
        raise NotImplementedError("new_ref: memory_space is not supported by pyjax (JAX only "
                                  "supports it inside jit)")
    if kind not in (None, "no_grad_no_remat"):
        raise ValueError(f"new_ref: kind must be None or 'no_grad_no_remat', got {kind!r}")
    return Ref(_as_value(init_val, "new_ref"), kind)


def empty_ref(ty, memory_space=None) -> Ref:
    """A Ref of type ``ty`` (a ``ShapeDtypeStruct`` or array) with unspecified contents.

    Only inside a traced function, as in JAX (where eager evaluation is not
    implemented either); pyjax fills it with zeros.

    Raises:
      NotImplementedError: called outside any transformation, or with a memory space.
    """
    from pyjax._src.core.trace import eval_trace
    if memory_space is not None:
        raise NotImplementedError("empty_ref: memory_space is not supported by pyjax")
    aval = ty.aval if hasattr(ty, "aval") and isinstance(ty.aval, ShapedArray) else get_aval(ty)
    if trace_state.trace is eval_trace:
        raise NotImplementedError("Evaluation rule for 'empty_ref' not implemented: empty_ref "
                                  "only works inside a traced function (e.g. under jit), as in "
                                  "JAX; use new_ref(jnp.zeros(...)) outside.")
    from pyjax._src.lax.structural import full
    return Ref(full(aval.shape, 0, aval.dtype))


def freeze(ref: Ref):
    """Invalidate ``ref`` and return its final value as an Array.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> ref = pyjax.new_ref(jnp.zeros(2))
      >>> ref[0] = 1.0
      >>> pyjax.freeze(ref)
      Array([1., 0.], dtype=float32)
    """
    if not isinstance(ref, Ref):
        raise TypeError(f"freeze: expected a Ref, got {type(ref)}")
    return ref._current("Freezing")


def free_ref(ref: Ref) -> tuple:
    """Invalidate ``ref`` (its buffer may be reused); returns ``()``.

    As in JAX, nothing is checked afterwards: reading a freed Ref is undefined.
    """
    if not isinstance(ref, Ref):
        raise TypeError(f"free_ref: expected a Ref, got {type(ref)}")
    ref._freed = True
    return ()


# -- Refs as jit arguments (see NOTE[ref-discharge]) ----------------------------------------


def any_refs(args, kwargs) -> bool:
    """Whether a jit call passes Refs (cheap when no Ref is alive)."""
    if not _live_refs:
        return False
    leaves, _ = tree_flatten((args, kwargs))
    return any(type(x) is Ref for x in leaves)


def check_not_ref_output(fun_desc: str, transform: str, x) -> None:
    """JAX's error for a traced function returning a Ref."""
    if type(x) is Ref:
        raise ValueError(f"function {fun_desc}traced for {transform} returned a mutable array "
                         f"reference of type {x.aval}, but mutable array references cannot be "
                         f"returned.")


def _ref_variant(jitted, positions: tuple):
    """``jitted``'s function with the Refs at ``positions`` passed and returned as values."""
    variants = jitted.__dict__.setdefault("_ref_variants", {})
    fn = variants.get(positions)
    if fn is not None:
        return fn
    from pyjax._src.api import jit
    fun = jitted._fun

    def with_values(*args, **kwargs):
        leaves, treedef = tree_flatten((args, kwargs))
        refs = [Ref(leaves[i]) for i in positions]
        for i, r in zip(positions, refs):
            leaves[i] = r
        args, kwargs = tree_unflatten(treedef, leaves)
        out = fun(*args, **kwargs)
        return out, [freeze(r) for r in refs]

    with_values.__name__ = getattr(fun, "__name__", "fun")
    with_values.__qualname__ = getattr(fun, "__qualname__", with_values.__name__)
    fn = variants[positions] = jit(
        with_values, static_argnums=jitted._static_argnums,
        static_argnames=jitted._static_argnames, donate_argnums=jitted._donate_argnums,
        donate_argnames=jitted._donate_argnames, keep_unused=jitted._keep_unused,
        inline=jitted._inline)
    return fn


def jit_call_with_refs(jitted, args, kwargs):
    """Call a jitted function with Ref arguments: values in, final values written back."""
    leaves, treedef = tree_flatten((args, kwargs))
    positions = tuple(i for i, x in enumerate(leaves) if type(x) is Ref)
    refs = [leaves[i] for i in positions]
    if len({id(r) for r in refs}) != len(refs):
        raise ValueError(f"only one reference to a mutable array may be passed as an argument "
                         f"to a function, but jit({jitted._name}) got the same Ref twice")
    for i, r in zip(positions, refs):
        leaves[i] = r._current("Passing")
    args, kwargs = tree_unflatten(treedef, leaves)
    out, new_values = _ref_variant(jitted, positions)(*args, **kwargs)
    for r, v in zip(refs, new_values):
        r._replace(v, "Writing back")
    return out


# -- cotangents into Refs: vjp(...)[1].with_refs ---------------------------------------------


class VJP(Partial):
    """The function ``jax.vjp`` returns: ``f_vjp(ct)`` gives one cotangent per primal.

    A pytree (a ``Partial`` over the residuals).  ``f_vjp.with_refs(*specs)``
    chooses per primal leaf what to do with its cotangent: ``jax.ad.GradValue()``
    returns it, ``jax.ad.DontWant()`` drops it (``DidntWant()`` in its place), and
    a :class:`Ref` of the cotangent's type accumulates it (``GradRef()`` in its
    place).
    """

    def with_refs(self, *maybe_ct_refs):
        """``ct -> cotangents`` with each primal's cotangent returned, dropped or accumulated."""
        from pyjax._src.runtime_api import DontWant, GradValue
        specs, tree = tree_flatten(maybe_ct_refs, is_leaf=lambda x: isinstance(
            x, (Ref, GradValue, DontWant)))
        for spec in specs:
            if not isinstance(spec, (Ref, GradValue, DontWant)):
                raise TypeError(f"with_refs: expected jax.ad.GradValue(), jax.ad.DontWant() or "
                                f"a Ref for each primal, got {type(spec)}")
        return Partial(_call_with_refs, self, tree, *specs)


def _call_with_refs(f_vjp, tree, *specs_and_ct):
    from pyjax._src.runtime_api import DidntWant, DontWant, GradRef
    *specs, ct = specs_and_ct
    cts = f_vjp(ct)
    cts_flat, ct_tree = tree_flatten(cts)
    if ct_tree != tree:
        raise ValueError(f"with_refs: the Refs/markers have structure {tree}, but the "
                         f"cotangents have {ct_tree}")
    out = []
    for spec, c in zip(specs, cts_flat):
        if isinstance(spec, DontWant):
            out.append(DidntWant())
        elif isinstance(spec, Ref):
            if spec.shape != np.shape(c) or spec.dtype != get_aval(c).dtype:
                raise ValueError(f"Accumulator aval mismatch: expected "
                                 f"{get_aval(c).str_short(short_dtypes=False)}, got "
                                 f"{spec.aval}")
            spec.addupdate(c)
            out.append(GradRef())
        else:
            out.append(c)
    return tree_unflatten(tree, out)


register_pytree_node(
    VJP,
    lambda p: ((p.args, p.keywords), p.func),
    lambda func, children: VJP(func, *children[0], **children[1]),
)


__all__ = ["Ref", "ds", "empty_ref", "free_ref", "freeze", "new_ref"]
