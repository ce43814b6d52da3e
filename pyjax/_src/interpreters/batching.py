"""Automatic vectorization: the batching trace and its rule table.

    vmap : (a -> b) -> (a[n] -> b[n])     (batch axis anywhere, per argument)

A ``BatchTracer`` holds ``(val, bdim)``: ``val`` is the whole batch, ``bdim``
the axis of ``val`` that is mapped (an int), or ``not_mapped``.  A primitive
with at least one mapped input runs its rule

    primitive_batchers[prim](axis_data, vals, dims, **params) -> (out, out_dim)

(lists for ``multiple_results``) with the parent trace current.  Rules should
leave batch axes where they are when they can (no needless transposes).
``axis_data`` is ``AxisData(name, size, spmd_name)`` of this vmap; collectives
(``psum`` & co) use its name.

Named axes: while a vmap with ``axis_name`` runs, its ``(name, size)`` is on the
axis environment (``extend_axis_env``); ``axis_size``/``axis_exists`` look a
name up there and then along the current trace's parents (a BatchTrace
re-entered later, e.g. for a custom_vjp ``bwd``, still binds its name).
Collectives' abstract evals check it; ``current_axis_env()`` is the hashable
view for trace caches.  A primitive is *collective* when
``collective_axis_names[prim](params)`` gives the axis names it acts over: a
BatchTrace runs its rule even if no operand is batched, but only when its own
name is among them (otherwise the primitive goes to the parent unchanged).  A
higher-order primitive whose jaxpr params mention this trace's name likewise
runs its rule (so ``jit(lambda: axis_index('i'))()`` inside the vmap works).

Rule helpers: ``defvectorized`` (unary elementwise), ``defbroadcasting``
(n-ary elementwise with NumPy-style broadcasting), ``defreducer`` (reductions
over ``axes``).  ``batch_jaxpr`` vmaps a closed jaxpr, for higher-order
primitives.  ``moveaxis``/``bdim_at_front``/``broadcast`` are the shared helpers
for moving and materializing batch axes; ``matchaxis`` raises ``SpecMatchError``
when a batched value is asked to be unbatched (vmap's ``out_axes=None``).
"""
from __future__ import annotations

import contextlib
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from pyjax._src.core.avals import ShapedArray, get_aval
from pyjax._src.core.jaxpr import ClosedJaxpr, Jaxpr, jaxpr_as_fun
from pyjax._src.core.trace import (Trace, Tracer, current_trace, register_tracer_type,
                                   set_current_trace, trace_state)
from pyjax._src.interpreters.ad_util import add_any_p


class _NotMapped:
    __slots__ = ()

    def __repr__(self):
        return "not_mapped"


not_mapped = _NotMapped()


class AxisData(NamedTuple):
    name: Any
    size: int
    spmd_name: Any = None


# primitive -> rule(axis_data, vals, dims, **params) -> (out, out_dim)
primitive_batchers: dict = {}
# collective primitive -> fn(params) -> tuple of the axis names it acts over
collective_axis_names: dict = {}


class SpecMatchError(ValueError):
    """An output batched on ``src`` where ``out_axes`` asked for ``None`` (``dst``)."""

    def __init__(self, leaf_idx: int, dst, src):
        super().__init__(f"output {leaf_idx} was batched on axis {src} but its out_axes "
                         f"spec is {dst}")
        self.leaf_idx, self.dst, self.src = leaf_idx, dst, src


# -- the axis environment: named axes of the enclosing vmaps ---------------------------------


@contextlib.contextmanager
def extend_axis_env(name, size: int):
    """Bind the axis ``name`` (of ``size``) while the body runs (innermost binding wins)."""
    state = trace_state
    prev = state.axis_env
    state.axis_env = prev + ((name, size),)
    try:
        yield
    finally:
        state.axis_env = prev


def _axis_frames():
    """``(name, size)`` of the bound axes, innermost first.

    The environment pushed by running vmaps comes first; then the BatchTraces
    on the current trace's parent chain, which covers rules that run after
    their vmap returned (e.g. a custom_vjp ``bwd`` batched during the backward
    pass of an enclosing ``grad``).
    """
    yield from reversed(trace_state.axis_env)
    trace = trace_state.trace
    while trace is not None:
        axis_data = getattr(trace, "axis_data", None)
        if axis_data is not None and axis_data.name is not None:
            yield axis_data.name, axis_data.size
        trace = trace.parent


def current_axis_env() -> tuple:
    """The bound ``(name, size)`` pairs, innermost first (hashable: for trace-cache keys).

    A function traced inside ``vmap(..., axis_name='i')`` may bake the size of
    'i' into its jaxpr (``psum(1, 'i')``), so jit caches must include this.
    """
    return tuple(_axis_frames())


def axis_exists(name) -> bool:
    return any(n == name for n, _ in _axis_frames())


def axis_size(name) -> int:
    """Size of the named axis ``name`` bound by an enclosing vmap (NameError if none)."""
    for n, size in _axis_frames():
        if n == name:
            return size
    raise NameError(f"unbound axis name: {name}")


def _jaxprs_in(params: dict):
    for v in params.values():
        if isinstance(v, (ClosedJaxpr, Jaxpr)):
            yield v.jaxpr if isinstance(v, ClosedJaxpr) else v
        elif isinstance(v, (tuple, list)):
            for x in v:
                if isinstance(x, (ClosedJaxpr, Jaxpr)):
                    yield x.jaxpr if isinstance(x, ClosedJaxpr) else x


def jaxpr_mentions_axis(jaxpr: Jaxpr, name) -> bool:
    """Whether a collective over ``name`` occurs in ``jaxpr`` (at any depth)."""
    for eqn in jaxpr.eqns:
        names_of = collective_axis_names.get(eqn.primitive)
        if names_of is not None and name in names_of(eqn.params):
            return True
        if any(jaxpr_mentions_axis(j, name) for j in _jaxprs_in(eqn.params)):
            return True
    return False


def _needs_rule(primitive, params: dict, name) -> bool:
    """Must an application with no batched operand still go through the rule?"""
    if name is None:
        return False
    names_of = collective_axis_names.get(primitive)
    if names_of is not None:
        return name in names_of(params)
    if getattr(primitive, "is_collective", False):
        return True
    return any(jaxpr_mentions_axis(j, name) for j in _jaxprs_in(params))


class BatchTracer(Tracer):
    """A batch of values ``val`` mapped along ``batch_dim``."""

    __slots__ = ("val", "batch_dim")

    def __init__(self, trace: "BatchTrace", val, batch_dim):
        self._trace = trace
        self.val = val
        self.batch_dim = batch_dim

    @property
    def aval(self):
        aval = get_aval(self.val)
        if self.batch_dim is not_mapped:
            return aval
        shape = list(aval.shape)
        del shape[self.batch_dim]
        return ShapedArray(tuple(shape), aval.dtype, aval.weak_type)

    def _origin_info(self):
        return (f"This BatchTracer with object id {id(self)} was created by a vmap over an "
                f"axis of size {self._trace.axis_data.size}.")

    def __repr__(self):
        # JAX's form: VmapTracer(aval=float32[], batched=float32[3])
        return (f"VmapTracer(aval={self.aval.str_short(short_dtypes=False)}, "
                f"batched={get_aval(self.val).str_short(short_dtypes=False)})")


register_tracer_type(BatchTracer)


class BatchTrace(Trace):
    """Runs each primitive once on a whole batch, via its batching rule."""

    __slots__ = ("axis_data",)

    def __init__(self, parent: Trace, axis_data: AxisData, tag=None):
        super().__init__(parent, tag)
        self.axis_data = axis_data

    def to_batch_info(self, x):
        if type(x) is BatchTracer and x._trace.tag is self.tag:
            return x.val, x.batch_dim
        return x, not_mapped

    def make_tracer(self, val, bdim):
        if bdim is not_mapped:
            return val
        return BatchTracer(self, val, bdim)

    def process_primitive(self, primitive, args, params):
        vals, dims = [], []
        for a in args:
            v, d = self.to_batch_info(a)
            vals.append(v)
            dims.append(d)
        with set_current_trace(self.parent):
            if all(d is not_mapped for d in dims) and not _needs_rule(
                    primitive, params, self.axis_data.name):
                return primitive.bind(*vals, **params)
            rule = primitive_batchers.get(primitive)
            if rule is None:
                raise NotImplementedError(
                    f"Batching rule for '{primitive.name}' not implemented")
            out, out_dim = rule(self.axis_data, vals, dims, **params)
        if primitive.multiple_results:
            return [self.make_tracer(o, d) for o, d in zip(out, out_dim, strict=True)]
        return self.make_tracer(out, out_dim)

    def process_custom_jvp_call(self, primitive, fun, jvp, args, *, symbolic_zeros):
        from pyjax._src.custom_derivatives import batch_custom_jvp_call
        return batch_custom_jvp_call(self, primitive, fun, jvp, args,
                                     symbolic_zeros=symbolic_zeros)

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, args, *, out_trees,
                                symbolic_zeros):
        from pyjax._src.custom_derivatives import batch_custom_vjp_call
        return batch_custom_vjp_call(self, primitive, fun, fwd, bwd, args,
                                     out_trees=out_trees, symbolic_zeros=symbolic_zeros)


# -- moving batch axes ----------------------------------------------------------------------


def moveaxis(x, src: int, dst: int):
    """Move axis ``src`` of ``x`` to ``dst`` with one transpose (none if already there)."""
    if src == dst:
        return x
    from pyjax._src.lax.structural import transpose  # lazy: lax sits above interpreters
    ndim = len(get_aval(x).shape)
    src, dst = src % ndim, dst % ndim
    perm = [i for i in range(ndim) if i != src]
    perm.insert(dst, src)
    return transpose(x, tuple(perm))


def broadcast(x, size: int, axis: int):
    """Insert a new axis of length ``size`` at ``axis`` (materializing an unmapped value)."""
    from pyjax._src.lax.structural import broadcast_in_dim  # lazy import, see moveaxis
    aval = get_aval(x)
    shape = list(aval.shape)
    shape.insert(axis, size)
    dims = tuple(i for i in range(len(shape)) if i != axis)
    return broadcast_in_dim(x, tuple(shape), dims)


def bdim_at_front(x, bdim, size: int):
    """``x`` with its batch axis at 0, broadcasting if it is not mapped."""
    if bdim is not_mapped:
        return broadcast(x, size, 0)
    return moveaxis(x, bdim, 0)


def matchaxis(src, dst, size: int, x):
    """Move (or create) the batch axis of ``x`` from ``src`` to ``dst`` (negative: from the end).

    Raises ``SpecMatchError`` when a batched ``x`` is asked to be unbatched.
    """
    if src == dst:
        return x
    if src is not_mapped:
        ndim = _rank(x) + 1
        if not -ndim <= dst < ndim:
            raise ValueError(f"axis {dst} is out of bounds for array of dimension {ndim}")
        return broadcast(x, size, dst % ndim)
    if dst is not_mapped:
        raise SpecMatchError(0, None, src)
    ndim = _rank(x)
    if not -ndim <= dst < ndim:
        raise ValueError(f"axis {dst} is out of bounds for array of dimension {ndim}")
    return moveaxis(x, src, dst)


# -- rule helpers ---------------------------------------------------------------------------


def defvectorized(primitive) -> None:
    """Unary elementwise primitive: apply to the whole batch; the batch axis stays put."""
    def rule(axis_data, vals, dims, **params):
        del axis_data  # unused
        (x,), (d,) = vals, dims
        return primitive.bind(x, **params), d
    primitive_batchers[primitive] = rule


def _rank(x) -> int:
    return len(get_aval(x).shape)


def broadcast_batcher(primitive, axis_data, vals, dims, **params):
    """n-ary elementwise rule with rank-aligned broadcasting of the operands.

    If every mapped operand has the same rank and batch axis ``d``, the batch
    axis stays at ``d``: unmapped scalars go in unchanged and other unmapped
    operands get leading unit axes plus a unit axis at ``d`` (no transpose).
    Otherwise batch axes move to the front and the other operands get leading
    unit axes (so size-1 broadcasting applies), as NumPy would broadcast them.
    """
    del axis_data  # unused
    mapped = [(v, d) for v, d in zip(vals, dims) if d is not not_mapped]
    ranks = {_rank(v) for v, _ in mapped}
    bdims = {d for _, d in mapped}
    if len(ranks) == 1 and len(bdims) == 1:
        rank, d = ranks.pop(), bdims.pop()
        if all(dd is not not_mapped or _rank(v) < rank for v, dd in zip(vals, dims)):
            new_vals = [v if dd is not not_mapped or _rank(v) == 0
                        else _unit_axes_for(v, rank, d) for v, dd in zip(vals, dims)]
            out = primitive.bind(*new_vals, **params)
            return (out, [d] * len(out)) if primitive.multiple_results else (out, d)
    from pyjax._src.lax.structural import expand_dims, reshape  # lazy, see moveaxis
    target = max(_rank(v) - (d is not not_mapped) for v, d in zip(vals, dims))
    new_vals = []
    for v, d in zip(vals, dims):
        if d is not_mapped:
            r = _rank(v)
            new_vals.append(v if r == 0 else expand_dims(v, tuple(range(target + 1 - r))))
        else:
            v = moveaxis(v, d, 0)
            r = _rank(v) - 1
            if r < target:
                shape = get_aval(v).shape
                v = reshape(v, (shape[0],) + (1,) * (target - r) + shape[1:])
            new_vals.append(v)
    out = primitive.bind(*new_vals, **params)
    return (out, [0] * len(out)) if primitive.multiple_results else (out, 0)


def _unit_axes_for(x, rank: int, bdim: int):
    """Unmapped ``x`` (rank < ``rank``) reshaped to ``rank`` with a unit axis at ``bdim``:
    NumPy-style leading unit axes for the example's shape, then the batch axis."""
    from pyjax._src.lax.structural import reshape  # lazy, see moveaxis
    shape = list(get_aval(x).shape)
    shape = [1] * (rank - 1 - len(shape)) + shape
    shape.insert(bdim, 1)
    return reshape(x, tuple(shape))


def defbroadcasting(primitive) -> None:
    """n-ary elementwise primitive (see ``broadcast_batcher``)."""
    primitive_batchers[primitive] = lambda axis_data, vals, dims, **params: broadcast_batcher(
        primitive, axis_data, vals, dims, **params)


def defreducer(primitive, axes_param: str = "axes") -> None:
    """Reduction over ``params[axes_param]`` (a tuple of axes of the unbatched operand)."""
    def rule(axis_data, vals, dims, **params):
        del axis_data  # unused
        (x,), (d,) = vals, dims
        axes = params[axes_param]
        # NumPy integers, as JAX's rule makes them (they print as np.int64(1) in jaxprs)
        new_axes = tuple(np.int64(a + (a >= d)) for a in axes)
        out_d = d - sum(a < d for a in axes)
        return primitive.bind(x, **{**params, axes_param: new_axes}), out_d
    primitive_batchers[primitive] = rule


primitive_batchers[add_any_p] = lambda axis_data, vals, dims: broadcast_batcher(
    add_any_p, axis_data, vals, dims)


# -- vmap of functions and jaxprs ----------------------------------------------------------


def batch_flat(fun: Callable, axis_data: AxisData, args: Sequence, in_dims: Sequence,
               out_dims: Sequence | Callable | None = None):
    """Run ``fun`` (flat -> flat) on batched ``args``; returns (outs, out_dims).

    When ``out_dims`` is given (a list, or a function of the number of outputs),
    outputs are moved (or broadcast) to those axes; otherwise their batch axes
    are returned as found.
    """
    for a, d in zip(args, in_dims):
        if d is not not_mapped and getattr(type(a), "is_mutable_ref", False):
            raise NotImplementedError(
                "vmap over a mutable array reference (a Ref argument with a mapped axis) is "
                "not supported by pyjax; map over its value (ref[...]) or pass the Ref with "
                "in_axes=None")
    trace = BatchTrace(current_trace(), axis_data)
    in_tracers = [trace.make_tracer(a, d) for a, d in zip(args, in_dims, strict=True)]
    if axis_data.name is None:
        with set_current_trace(trace):
            outs = fun(*in_tracers)
    else:
        with extend_axis_env(axis_data.name, axis_data.size), set_current_trace(trace):
            outs = fun(*in_tracers)
    vals, dims = [], []
    for o in outs:
        v, d = trace.to_batch_info(o)
        vals.append(v)
        dims.append(d)
    if out_dims is None:
        return vals, dims
    if callable(out_dims):
        out_dims = out_dims(len(vals))
    out_dims = list(out_dims)
    for i, (d, od) in enumerate(zip(dims, out_dims, strict=True)):
        if od is not_mapped and d is not not_mapped:
            raise SpecMatchError(i, None, d)
    with set_current_trace(trace.parent):
        vals = [v if d == od else matchaxis(d, od, axis_data.size, v)
                for v, d, od in zip(vals, dims, out_dims, strict=True)]
    return vals, out_dims


def batch_jaxpr(closed_jaxpr: ClosedJaxpr, axis_data: AxisData, in_dims: Sequence,
                out_dims_hint: Sequence | None = None) -> tuple[ClosedJaxpr, list]:
    """Vmap a closed jaxpr.  Returns the batched jaxpr and its outputs' batch axes.

    ``in_dims`` entries are ints or ``not_mapped``; input avals grow the batch
    axis.  With ``out_dims_hint`` the outputs are forced to those axes (use
    ``not_mapped`` to leave an unbatched output alone; outputs that turn out
    batched where the hint says ``not_mapped`` raise).
    """
    from pyjax._src.interpreters.staging import trace_to_closed_jaxpr
    in_avals = []
    for a, d in zip(closed_jaxpr.in_avals, in_dims, strict=True):
        if d is not_mapped:
            in_avals.append(a)
        else:
            shape = list(a.shape)
            shape.insert(d, axis_data.size)
            in_avals.append(a.update(shape=tuple(shape)))
    found_dims: list = []
    fun = jaxpr_as_fun(closed_jaxpr)

    def batched(*args):
        outs, dims = batch_flat(fun, axis_data, args, in_dims, out_dims_hint)
        found_dims[:] = dims
        return outs

    out = trace_to_closed_jaxpr(batched, in_avals)
    return out, list(found_dims)


def is_batched(x, trace: BatchTrace) -> bool:
    return type(x) is BatchTracer and x._trace is trace
