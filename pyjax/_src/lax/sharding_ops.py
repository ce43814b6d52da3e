"""Placement primitives: ``device_put_p``, ``sharding_constraint_p``, ``reshard_p``.

On one CPU device moving or constraining an array never changes its value, so
each is the identity on values; they exist so jaxprs record what JAX's record,
and so their rules compose (linear: the JVP applies the primitive to the
tangent, the transpose to the cotangent; batching inserts the batch dimension
into the spec).

    device_put[devices, srcs, copy_semantics] *xs -> *xs      (multiple results)
    sharding_constraint[sharding, layout, context_mesh, unconstrained_dims] x -> x
    reshard[dst_sharding] x -> x

The public ``with_sharding_constraint`` is here; ``jax.device_put`` and
``jax.reshard`` (which also place eager arrays) are in ``sharding_api.py``.
"""
from __future__ import annotations

import enum

from pyjax._src.core.pretty import pp_eqn_rules, pp_eqn_with_params
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import is_eval_context
from pyjax._src.interpreters import ad, batching
from pyjax._src.interpreters.ad_util import Zero
from pyjax._src.interpreters.transpose import is_undefined_primal
from pyjax._src.sharding_impl import (UNCONSTRAINED, AbstractMesh, NamedSharding, PartitionSpec,
                                      _legacy_mesh_stack, get_abstract_mesh, get_mesh)
from pyjax._src.tree_util import broadcast_prefix, tree_flatten, tree_unflatten


class ArrayCopySemantics(enum.Enum):
    """Whether ``device_put`` may return its input, must copy it, or takes it over."""

    ALWAYS_COPY = 0
    REUSE_INPUT = 1
    DONATE_INPUT = 2

    def __repr__(self):
        return f"ArrayCopySemantics.{self.name}"


class _DimSet(frozenset):
    """A frozenset printed as JAX prints ``unconstrained_dims`` (``frozenset({})`` if empty)."""

    def __repr__(self):
        return f"frozenset({{{', '.join(map(repr, sorted(self)))}}})"

    __str__ = __repr__


def _identity_abstract_eval(*avals, **params):
    del params  # unused
    return list(avals)


# -- device_put ----------------------------------------------------------------------------

device_put_p = Primitive("device_put")
device_put_p.multiple_results = True
device_put_p.def_impl(lambda *xs, devices, srcs, copy_semantics: list(xs))
device_put_p.def_abstract_eval(_identity_abstract_eval)


def _device_put_jvp(primals, tangents, *, devices, srcs, copy_semantics):
    outs = device_put_p.bind(*primals, devices=devices, srcs=srcs,
                             copy_semantics=copy_semantics)
    nz = [(i, t) for i, t in enumerate(tangents) if type(t) is not Zero]
    tangents_out = [Zero.from_primal_value(o) for o in outs]
    if nz:
        idx, ts = zip(*nz)
        t_outs = device_put_p.bind(*ts, devices=tuple(devices[i] for i in idx),
                                   srcs=tuple(srcs[i] for i in idx),
                                   copy_semantics=tuple(copy_semantics[i] for i in idx))
        for i, t in zip(idx, t_outs):
            tangents_out[i] = t
    return outs, tangents_out


def _device_put_transpose(cts, *args, devices, srcs, copy_semantics):
    del copy_semantics  # the cotangent is always a fresh copy, as in JAX
    results = [None] * len(args)
    live = []
    for i, (ct, x) in enumerate(zip(cts, args)):
        if not is_undefined_primal(x):
            continue
        if type(ct) is Zero:
            results[i] = ct
        else:
            live.append((i, ct))
    if live:
        idx, vals = zip(*live)
        outs = device_put_p.bind(*vals, devices=tuple(srcs[i] for i in idx),
                                 srcs=tuple(devices[i] for i in idx),
                                 copy_semantics=(ArrayCopySemantics.ALWAYS_COPY,) * len(idx))
        for i, o in zip(idx, outs):
            results[i] = o
    return results


def _device_put_batch_rule(axis_data, vals, dims, *, devices, srcs, copy_semantics):
    del axis_data  # unused; as JAX, the destinations are kept as they are
    outs = device_put_p.bind(*vals, devices=devices, srcs=srcs, copy_semantics=copy_semantics)
    return outs, list(dims)


ad.primitive_jvps[device_put_p] = _device_put_jvp
ad.primitive_transposes[device_put_p] = _device_put_transpose
batching.primitive_batchers[device_put_p] = _device_put_batch_rule


# -- sharding_constraint ------------------------------------------------------------------

sharding_constraint_p = Primitive("sharding_constraint")
sharding_constraint_p.def_impl(lambda x, **params: x)
sharding_constraint_p.def_abstract_eval(lambda aval, **params: aval)


def _sharding_constraint_transpose(ct, x, **params):
    del x  # unused
    if type(ct) is Zero:
        return [ct]
    return [sharding_constraint_p.bind(ct, **params)]


def _sharding_constraint_batch_rule(axis_data, vals, dims, *, sharding, layout, context_mesh,
                                    unconstrained_dims):
    del axis_data  # unused
    (x,), (bdim,) = vals, dims
    parts = list(sharding.spec)
    parts.insert(min(bdim, len(parts)), UNCONSTRAINED)
    sharding = sharding.update(spec=sharding.spec.update(partitions=parts))
    dims_out = _DimSet({bdim} | {d + (d >= bdim) for d in unconstrained_dims})
    out = sharding_constraint_p.bind(x, sharding=sharding, layout=layout,
                                     context_mesh=context_mesh, unconstrained_dims=dims_out)
    return out, bdim


ad.deflinear2(sharding_constraint_p, _sharding_constraint_transpose)
batching.primitive_batchers[sharding_constraint_p] = _sharding_constraint_batch_rule


def _mesh_for_constraint(name: str):
    """(mesh for the staged sharding, context_mesh param) for a bare PartitionSpec."""
    mesh = get_mesh()
    if not mesh.empty:
        return get_abstract_mesh(), get_abstract_mesh()
    if _legacy_mesh_stack:
        return _legacy_mesh_stack[-1], _legacy_mesh_stack[-1]
    raise RuntimeError(
        f"{name} requires a non-empty mesh in context if you are passing `PartitionSpec`s to "
        f"shardings. You can define a context mesh via `jax.set_mesh(mesh)`. Alternatively, "
        f"provide `Sharding`s to shardings and then the mesh context manager is not required.")


def _context_mesh_param():
    if not get_mesh().empty:
        return get_abstract_mesh()
    if _legacy_mesh_stack:
        return _legacy_mesh_stack[-1]
    return get_mesh()


def _check_auto_axes(sharding: NamedSharding) -> None:
    mesh = sharding.mesh
    types = mesh._name_to_type()
    for name in sharding.spec.mesh_axes():
        if types[name].name != "Auto":
            abstract = mesh if isinstance(mesh, AbstractMesh) else mesh.abstract_mesh
            raise ValueError(
                f"The spec of NamedSharding passed to with_sharding_constraint can only refer "
                f"to Auto axes of the mesh. Got spec={sharding.spec!r} and mesh={abstract!r}. "
                f"You probably meant to use `reshard` API?")


def _concrete(sharding: NamedSharding) -> NamedSharding:
    """The sharding an eager array reports: with the concrete context mesh if abstract."""
    if isinstance(sharding.mesh, AbstractMesh):
        mesh = get_mesh()
        if not mesh.empty and mesh.abstract_mesh == sharding.mesh:
            return NamedSharding(mesh, sharding.spec)
    return sharding


def with_sharding_constraint(x, shardings):
    """Constrain how ``x`` (a pytree of arrays) is sharded inside a computation.

    On one device the values are unchanged.  Eagerly the result is a copy of
    ``x`` placed with the given sharding; inside ``jit`` a
    ``sharding_constraint`` equation is recorded.

    Args:
      x: an array or a pytree of arrays.
      shardings: a ``NamedSharding``, a ``PartitionSpec`` (needs a mesh from
        ``jax.set_mesh``), ``None`` (no constraint) or a pytree prefix of ``x``
        of these.  Named axes must be ``AxisType.Auto`` axes.

    Returns:
      ``x``, with the constraint recorded.

    Raises:
      RuntimeError: a ``PartitionSpec`` without a mesh in context.
      ValueError: a spec naming Explicit axes, or with more entries than the
        array has dimensions.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> from pyjax.sharding import AxisType, NamedSharding, PartitionSpec as P
      >>> mesh = pyjax.make_mesh((1,), ('x',), axis_types=(AxisType.Auto,))
      >>> y = pyjax.lax.with_sharding_constraint(jnp.arange(4.), NamedSharding(mesh, P('x')))
      >>> y.sharding.spec
      P('x',)
    """
    from pyjax._src.sharding_api import attach_sharding
    x_flat, treedef = tree_flatten(x)
    shardings_flat = broadcast_prefix(shardings, x, is_leaf=lambda s: s is None)
    outs = []
    for leaf, s in zip(x_flat, shardings_flat):
        if s is None:
            outs.append(leaf)
            continue
        if isinstance(s, PartitionSpec):
            mesh, _ = _mesh_for_constraint("with_sharding_constraint")
            s = NamedSharding(mesh, s)
        elif not isinstance(s, NamedSharding):
            raise TypeError(f"shardings leaf specifications are expected to be PartitionSpec "
                            f"instances or None, but got {s}")
        _check_auto_axes(s)
        shape = getattr(leaf, "shape", ())
        s.check_compatible_aval(shape, "with_sharding_constraint arguments")
        unconstrained = _DimSet(i for i, p in enumerate(s.spec) if p is UNCONSTRAINED)
        if is_eval_context():
            outs.append(attach_sharding(_as_new_array(leaf), _concrete(s)))
        else:
            outs.append(sharding_constraint_p.bind(
                leaf, sharding=s, layout=None, context_mesh=_context_mesh_param(),
                unconstrained_dims=unconstrained))
    return tree_unflatten(treedef, outs)


def _as_new_array(x):
    """A new concrete array holding ``x``'s value (buffers are immutable, so shared)."""
    from pyjax._src.backend.array import ArrayImpl
    from pyjax._src.backend.dispatch import to_numpy
    value, weak = to_numpy(x)
    return ArrayImpl(value, weak)


# -- reshard -------------------------------------------------------------------------------

reshard_p = Primitive("reshard")
reshard_p.def_impl(lambda x, *, dst_sharding: x)
reshard_p.def_abstract_eval(lambda aval, *, dst_sharding: aval)


def _reshard_transpose(ct, x, *, dst_sharding):
    del x, dst_sharding  # the cotangent goes back to the operand's (unknown) sharding
    if type(ct) is Zero:
        return [ct]
    return [reshard_p.bind(ct, dst_sharding=None)]


def _reshard_batch_rule(axis_data, vals, dims, *, dst_sharding):
    del axis_data  # unused
    (x,), (bdim,) = vals, dims
    if isinstance(dst_sharding, NamedSharding):
        parts = list(dst_sharding.spec)
        parts.insert(min(bdim, len(parts)), None)
        dst_sharding = dst_sharding.update(spec=dst_sharding.spec.update(partitions=parts))
    return reshard_p.bind(x, dst_sharding=dst_sharding), bdim


ad.deflinear2(reshard_p, _reshard_transpose)
batching.primitive_batchers[reshard_p] = _reshard_batch_rule
# JAX prints reshard without its parameter (the destination shows in the output's type)
pp_eqn_rules[reshard_p] = lambda eqn, ctx: pp_eqn_with_params(eqn, ctx, {})


__all__ = ["device_put_p", "sharding_constraint_p", "with_sharding_constraint"]
