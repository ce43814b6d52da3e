"""Placing arrays: ``device_put``, ``reshard``, ``make_array_from_*``, ``Array.sharding``.

An array placed with an explicit device or sharding reports that sharding
(``x.sharding``) and is *committed*; every other array reports
``SingleDeviceSharding(CpuDevice(id=0))`` and is uncommitted, as in JAX.  See
NOTE[sharding-in-types] in sharding_impl.py for what is not modelled (results
of computations do not inherit their inputs' shardings).

Placements live on the array itself: ``attach_sharding`` sets ``ArrayImpl``'s
``_placement`` slot, and ``ArrayImpl.sharding``, ``.committed``,
``.addressable_shards`` and ``.global_shards`` (backend/array.py) read it; see
NOTE[array-placement] there.  Arrays never placed cost nothing (the slot stays
unset).

Under a transformation ``device_put`` binds ``device_put_p`` and ``reshard``
binds ``reshard_p`` (lax/sharding_ops.py), as JAX does.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.backend.array import CPU_DEVICE, ArrayImpl, Device, default_sharding
from pyjax._src.backend.dispatch import to_numpy
from pyjax._src.core.avals import ShapedArray, is_extended
from pyjax._src.core.trace import Tracer, is_eval_context
from pyjax._src.lax.sharding_ops import ArrayCopySemantics, device_put_p, reshard_p
from pyjax._src.runtime_api import MemorySpace
from pyjax._src.sharding_impl import (AbstractMesh, AxisType, NamedSharding, PartitionSpec,
                                      Sharding, SingleDeviceSharding, get_mesh)
from pyjax._src.tree_util import broadcast_prefix, tree_flatten, tree_unflatten

_DEFAULT_SHARDING = default_sharding()  # SingleDeviceSharding(CPU_DEVICE)


def attach_sharding(arr: ArrayImpl, sharding: Sharding) -> ArrayImpl:
    """Record that ``arr`` was placed with ``sharding`` (it becomes committed); returns it."""
    arr._placement = sharding
    return arr


def placed_sharding(arr) -> Sharding | None:
    """The sharding ``arr`` was placed with, or None if it never was."""
    return getattr(arr, "_placement", None)


class Shard:
    """One device's piece of an array (``jax.Shard``): here always the whole array.

    Attributes:
      device: the device holding the piece.
      index: the tuple of slices of the global array it holds.
      replica_id: which copy of replicated data it is (0).
      data: the piece as an array on that device.
    """

    def __init__(self, device: Device, sharding: Sharding, global_shape: tuple, data=None):
        self.device = device
        self._sharding = sharding
        self._global_shape = tuple(global_shape)
        self.data = data

    @property
    def index(self) -> tuple:
        return self._sharding.devices_indices_map(self._global_shape)[self.device]

    @property
    def replica_id(self) -> int:
        return 0

    def __repr__(self):
        data = "" if self.data is None else f", data={self.data}"
        return (f"Shard(device={self.device!r}, index={self.index}, "
                f"replica_id={self.replica_id}{data})")


# -- device_put ----------------------------------------------------------------------------


def _resolve_destination(d, name: str = "device_put"):
    """A device_put destination as a Sharding, MemorySpace or None."""
    if d is None or isinstance(d, (Sharding, MemorySpace, Device)):
        return d
    if isinstance(d, PartitionSpec):
        mesh = get_mesh()
        if mesh.empty:
            raise ValueError(f"Please set a mesh via `jax.set_mesh` if a PartitionSpec is "
                             f"passed to {name}")
        return NamedSharding(mesh, d)
    raise ValueError(f"`jax.device_put` only accepts `None`, `jax.sharding.Sharding`, "
                     f"`jax.Device`, `Format`, `jax.memory.Space` or a pytree of these "
                     f"values. Received invalid value: {d}")


def _memory_space_sharding(space: MemorySpace) -> Sharding:
    if space is MemorySpace.Device:
        return _DEFAULT_SHARDING
    if space is MemorySpace.Host:
        return SingleDeviceSharding(CPU_DEVICE, memory_kind="pinned_host")
    raise ValueError("device_put: jax.memory.Space.Any is not a destination; use "
                     "Space.Device or Space.Host")


def _is_placement_leaf(x) -> bool:
    return x is None or isinstance(x, (Sharding, Device, PartitionSpec, MemorySpace))


def _flat_prefix(name: str, prefix, x, n: int) -> list:
    if _is_placement_leaf(prefix) or isinstance(prefix, bool):
        return [prefix] * n
    try:
        return broadcast_prefix(prefix, x, is_leaf=_is_placement_leaf)
    except ValueError as e:
        raise ValueError(f"{name} specification must be a tree prefix of the corresponding "
                         f"value; {e}") from None


def _copy_semantics(may_alias, donate) -> ArrayCopySemantics:
    if may_alias and donate:
        raise ValueError("may_alias and donate cannot be True at the same time.")
    if may_alias is None:
        may_alias = not donate
    if may_alias and not donate:
        return ArrayCopySemantics.REUSE_INPUT
    if donate:
        return ArrayCopySemantics.DONATE_INPUT
    return ArrayCopySemantics.ALWAYS_COPY


def _put_one(x, dst, semantics: ArrayCopySemantics):
    """Eager placement of one leaf."""
    if isinstance(dst, MemorySpace):
        dst = _memory_space_sharding(dst)
    elif isinstance(dst, Device):
        dst = SingleDeviceSharding(dst)
    if isinstance(dst, NamedSharding):
        dst.check_compatible_aval(np.shape(x))
    aval = getattr(x, "aval", None)
    if aval is not None and is_extended(aval) and not isinstance(x, Tracer):
        # typed PRNG keys: place their data
        rules = aval.dtype._rules
        return rules.from_physical(aval, _put_one(rules.physical_value(x), dst, semantics))
    if type(x) is ArrayImpl:
        value = x._check_live()
        if dst is None or placed_sharding(x) == dst:
            if semantics is ArrayCopySemantics.REUSE_INPUT:
                return x
        if semantics is ArrayCopySemantics.ALWAYS_COPY:
            value = value.copy()
            value.flags.writeable = False
        out = ArrayImpl(value, x.weak_type)
        keep = placed_sharding(x) if dst is None else dst
        if semantics is ArrayCopySemantics.DONATE_INPUT:
            x.delete()
    else:
        value, weak = to_numpy(x)
        if isinstance(x, np.ndarray) and value is x:
            value = np.array(value, copy=True)  # never share a caller's mutable buffer
        out = ArrayImpl(value, weak)
        keep = dst
    return out if keep is None else attach_sharding(out, keep)


def device_put(x, device=None, *, src=None, donate: bool | Any = False,
               may_alias: bool | None | Any = None):
    """Place every leaf of ``x`` on a device or with a sharding, as a pyjax Array.

    Args:
      x: an array, scalar, or pytree of them.
      device: ``None`` (leave placement alone), a ``Device``, a ``Sharding``, a
        ``PartitionSpec`` (with a mesh from ``jax.set_mesh``), a
        ``jax.memory.Space``, or a pytree prefix of ``x`` of these.
      src: the source placement (recorded in jaxprs; values are unaffected).
      donate: the input's buffer may be taken over; the input is deleted.
      may_alias: whether the result may be the input itself (default: unless
        donating); ``False`` forces a copy.

    Returns:
      ``x`` with every leaf a pyjax Array.  Leaves given a destination are
      *committed* and report it as ``.sharding``; inside a transformation a
      ``device_put`` equation is recorded instead.

    Raises:
      ValueError: an invalid destination, a spec with more entries than a leaf
        has dimensions, a ``PartitionSpec`` with no mesh set, or both
        ``donate`` and ``may_alias``.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> from pyjax.sharding import NamedSharding, PartitionSpec as P
      >>> mesh = pyjax.make_mesh((1,), ('x',))
      >>> y = pyjax.device_put(jnp.arange(4.), NamedSharding(mesh, P('x')))
      >>> y.sharding.spec, y.committed
      (P('x',), True)
    """
    x_flat, treedef = tree_flatten(x)
    n = len(x_flat)
    dsts = [_resolve_destination(d) for d in _flat_prefix("device_put device", device, x, n)]
    srcs = [_resolve_destination(s) for s in _flat_prefix("device_put source", src, x, n)]
    donates = _flat_prefix("device_put donate", donate, x, n)
    aliases = _flat_prefix("device_put may_alias", may_alias, x, n)
    semantics = [_copy_semantics(m, d) for m, d in zip(aliases, donates)]
    for leaf, dst in zip(x_flat, dsts):
        if isinstance(dst, NamedSharding):
            dst.check_compatible_aval(np.shape(leaf))
    if is_eval_context() and not any(isinstance(a, Tracer) for a in x_flat):
        outs = [_put_one(a, d, s) for a, d, s in zip(x_flat, dsts, semantics)]
    elif n:
        outs = device_put_p.bind(*x_flat, devices=tuple(dsts), srcs=tuple(srcs),
                                 copy_semantics=tuple(semantics))
    else:
        outs = []
    return tree_unflatten(treedef, outs)


# -- reshard -------------------------------------------------------------------------------


def _reshard_target(s, ndim: int) -> NamedSharding:
    if isinstance(s, PartitionSpec):
        mesh = get_mesh()
        if mesh.empty:
            raise ValueError(f"Using PartitionSpec when you are not under a mesh context is "
                             f"not allowed. Please pass a NamedSharding instance or enter into "
                             f"a mesh context via `jax.set_mesh`. Got {s!r}")
        s = NamedSharding(mesh, s)
    elif not isinstance(s, NamedSharding):
        raise TypeError(f"`out_sharding` argument of reshard only supports instances of "
                        f"`NamedSharding` or `PartitionSpec`. Got {s} of type: {type(s)}")
    types = s.mesh._name_to_type()
    for name in s.spec.mesh_axes():
        if types[name] is not AxisType.Explicit:
            raise ValueError(f"PartitionSpec passed to reshard cannot contain axis names that "
                             f"are of type Auto or Manual. Got PartitionSpec: {s.spec!r} with "
                             f"axis name: {name} of type: {types[name]}.")
    parts = list(s.spec)
    while len(parts) > ndim and parts[-1] is None:
        parts.pop()  # JAX drops trailing unsharded entries beyond the rank
    s = s.update(spec=s.spec.update(partitions=parts))
    s.check_compatible_aval((0,) * ndim, "reshard arguments")
    parts += [None] * (ndim - len(parts))
    return s.update(spec=s.spec.update(partitions=parts))


def reshard(xs, out_shardings):
    """Place ``xs`` (a pytree of arrays) with new shardings over Explicit mesh axes.

    Args:
      xs: an array or pytree of arrays.
      out_shardings: a ``NamedSharding``, a ``PartitionSpec`` (with a mesh from
        ``jax.set_mesh``), or a pytree prefix of ``xs`` of these; every axis
        named must be an ``AxisType.Explicit`` axis.

    Returns:
      ``xs`` placed with the shardings (specs padded to each array's rank).
      Inside a transformation a ``reshard`` equation is recorded.

    Examples:
      >>> import pyjax, pyjax.numpy as jnp
      >>> from pyjax.sharding import PartitionSpec as P
      >>> with pyjax.set_mesh(pyjax.make_mesh((1,), ('x',))):
      ...     y = pyjax.reshard(jnp.ones((2, 3)), P('x'))
      >>> y.sharding.spec
      P('x', None)
    """
    x_flat, treedef = tree_flatten(xs)
    targets = _flat_prefix("reshard out_shardings", out_shardings, xs, len(x_flat))
    outs = []
    for leaf, s in zip(x_flat, targets):
        ndim = len(np.shape(leaf)) if not isinstance(leaf, Tracer) else leaf.ndim
        s = _reshard_target(s, ndim)
        if is_eval_context() and not isinstance(leaf, Tracer):
            mesh = s.mesh
            if isinstance(mesh, AbstractMesh):
                mesh = get_mesh()
            outs.append(_put_one(leaf, s.update(mesh=mesh), ArrayCopySemantics.REUSE_INPUT))
        else:
            abstract = s.update(mesh=s.mesh.abstract_mesh) if not get_mesh().empty else s
            outs.append(reshard_p.bind(leaf, dst_sharding=abstract))
    return tree_unflatten(treedef, outs)


# -- building arrays from pieces -------------------------------------------------------------


def _check_sharding_arg(name: str, sharding) -> Sharding:
    if not isinstance(sharding, Sharding):
        raise TypeError(f"{name}: sharding must be a jax.sharding.Sharding, got "
                        f"{type(sharding)}")
    return sharding


def make_array_from_callback(shape: Sequence[int], sharding: Sharding,
                             data_callback: Callable, dtype=None) -> ArrayImpl:
    """An array of ``shape`` placed with ``sharding``, its pieces fetched by ``data_callback``.

    ``data_callback(index)`` receives each device's index (a tuple of slices;
    here one device holding everything) and returns that piece as an array.

    Args:
      shape: the global shape.
      sharding: the sharding of the result.
      data_callback: ``index -> array-like`` for the piece at ``index``.
      dtype: if given, must equal the pieces' (canonical) dtype.

    Returns:
      A committed pyjax Array.

    Raises:
      ValueError: a piece's shape is not the shard's shape, or ``dtype`` differs
        from the pieces' (canonical) dtype.

    Examples:
      >>> import numpy as np, pyjax
      >>> from pyjax.sharding import NamedSharding, PartitionSpec as P
      >>> s = NamedSharding(pyjax.make_mesh((1,), ('x',)), P('x'))
      >>> data = np.arange(4.)
      >>> pyjax.make_array_from_callback((4,), s, lambda idx: data[idx])
      Array([0., 1., 2., 3.], dtype=float32)
    """
    _check_sharding_arg("make_array_from_callback", sharding)
    shape = tuple(int(d) for d in shape)
    if isinstance(sharding, NamedSharding):
        sharding.check_compatible_aval(shape, "make_array_from_callback args")
    index = sharding.devices_indices_map(shape)[CPU_DEVICE]
    piece = data_callback(index)
    if isinstance(piece, ArrayImpl):
        value = piece._check_live()
    else:
        value, _ = to_numpy(piece)
        if value is piece:
            value = np.array(value, copy=True)  # never share a caller's mutable buffer
    if dtype is not None and dtypes.canonicalize_dtype(dtype) != value.dtype:
        raise ValueError(f"If `dtype` is provided to `jax.make_array_from_callback`, it must "
                         f"match the dtype of the addressable shards. Got "
                         f"dtype={np.dtype(dtype).name} and shard dtype={value.dtype.name}`.")
    if value.shape != sharding.shard_shape(shape):
        raise ValueError(f"make_array_from_callback: the callback returned a piece of shape "
                         f"{value.shape} for index {index}, but the shard shape is "
                         f"{sharding.shard_shape(shape)}")
    weak = False
    return attach_sharding(ArrayImpl(value, weak), sharding)


def make_array_from_single_device_arrays(shape: Sequence[int], sharding: Sharding,
                                         arrays: Sequence, *, dtype=None) -> ArrayImpl:
    """An array of ``shape`` placed with ``sharding`` from its per-device pieces.

    Args:
      shape: the global shape.
      sharding: the sharding of the result.
      arrays: one array per addressable device (here exactly one, the whole array).
      dtype: optional; must match the pieces' dtype.

    Returns:
      A committed pyjax Array.

    Raises:
      ValueError: wrong number of pieces, or a piece of the wrong shape or dtype.
    """
    _check_sharding_arg("make_array_from_single_device_arrays", sharding)
    shape = tuple(int(d) for d in shape)
    arrays = list(arrays)
    if len(arrays) != 1:
        raise ValueError(f"make_array_from_single_device_arrays: expected 1 array (one per "
                         f"addressable device), got {len(arrays)}")
    (piece,) = arrays
    if not isinstance(piece, ArrayImpl):
        raise TypeError(f"make_array_from_single_device_arrays: the pieces must be pyjax "
                        f"Arrays, got {type(piece)}")
    value = piece._check_live()
    if value.shape != sharding.shard_shape(shape):
        aval = ShapedArray(shape, value.dtype)
        raise ValueError(f"Expected shard shape {sharding.shard_shape(shape)} doesn't match the "
                         f"single device array shape {value.shape}. Shape of Array is "
                         f"{aval.str_short(short_dtypes=False)} with sharding {sharding!r}")
    if dtype is not None and dtypes.canonicalize_dtype(dtype) != value.dtype:
        raise ValueError(f"make_array_from_single_device_arrays: dtype {np.dtype(dtype)} does "
                         f"not match the arrays' dtype {value.dtype}")
    if isinstance(sharding, NamedSharding):
        sharding.check_compatible_aval(shape, "make_array_from_single_device_arrays args")
    return attach_sharding(ArrayImpl(value, piece.weak_type), sharding)


def make_array_from_process_local_data(sharding: Sharding, local_data,
                                       global_shape: Sequence[int] | None = None) -> ArrayImpl:
    """An array placed with ``sharding`` from this process's data (here all of it).

    Args:
      sharding: the sharding of the result.
      local_data: this process's part of the array (with one process, the whole).
      global_shape: the global shape (default: ``local_data``'s shape).

    Returns:
      A committed pyjax Array.

    Raises:
      ValueError: ``global_shape`` differs from the local data's shape (one
        process holds everything).
    """
    _check_sharding_arg("make_array_from_process_local_data", sharding)
    value, weak = to_numpy(local_data)
    shape = value.shape if global_shape is None else tuple(int(d) for d in global_shape)
    if shape != value.shape:
        raise ValueError(f"make_array_from_process_local_data: with one process the local "
                         f"data is the whole array, but its shape {value.shape} differs from "
                         f"global_shape {shape}")
    if isinstance(sharding, NamedSharding):
        sharding.check_compatible_aval(shape, "make_array_from_process_local_data args")
    if isinstance(local_data, np.ndarray) and value is local_data:
        value = np.array(value, copy=True)
    return attach_sharding(ArrayImpl(value, weak), sharding)


__all__ = ["Shard", "device_put", "make_array_from_callback",
           "make_array_from_process_local_data", "make_array_from_single_device_arrays",
           "reshard"]
