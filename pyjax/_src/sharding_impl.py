"""Meshes, partition specs and shardings (``jax.sharding``) for one CPU device.

pyjax runs on one CPU device, so every mesh has size 1 (each axis has size 1,
or the mesh is empty) and every sharding places the whole array on that device.
The objects still behave as JAX's do on one CPU device: same attributes, reprs,
equality, validation errors and context-mesh rules, so code written for a mesh
runs unchanged.

    PartitionSpec  P('x', None, ('y', 'z'))  -- a per-dimension list of mesh axes
    Mesh           named axes over an ndarray of devices       (concrete)
    AbstractMesh   named axes with sizes and types, no devices (abstract)
    NamedSharding  (mesh, spec, memory_kind)
    SingleDeviceSharding  the sharding of arrays nobody placed

NOTE[sharding-in-types]: JAX 0.10.2 makes ``jax.make_mesh`` axes ``Explicit`` by
default, and arrays placed with an Explicit spec carry it in their type
(``float32[4@x]``), propagated through every primitive.  pyjax's types carry no
sharding: ``typeof`` gives ``float32[4]`` and results of computations are
ordinary (``SingleDeviceSharding``, uncommitted) arrays -- also inside
``set_mesh``, where JAX gives new arrays ``NamedSharding(mesh, P())``; only
arrays placed by ``device_put``/``reshard``/``with_sharding_constraint``/
``make_array_from_*`` report their ``NamedSharding`` (see ``sharding_api.py``).
Values are never affected: with one device every sharding holds the whole array.

The mesh context (``set_mesh``) is process-wide, like pyjax's config overrides
(NOTE[config-overrides] in config.py), not per thread as in JAX.
"""
from __future__ import annotations

import abc
import collections
import enum
import warnings
from typing import Any, Sequence

import numpy as np

from pyjax._src.backend.array import CPU_DEVICE, Device

_MEMORY_KINDS = ("device", "pinned_host", "unpinned_host")


class DuplicateSpecError(Exception):
    """A mesh axis appears in more than one dimension of a sharding's spec."""


# -- AxisType ------------------------------------------------------------------------------


class AxisType(enum.Enum):
    """How a mesh axis is treated: ``Auto`` (compiler decides), ``Explicit`` (in the
    type), ``Manual`` (inside ``shard_map``)."""

    Auto = enum.auto()
    Explicit = enum.auto()
    Manual = enum.auto()

    def __repr__(self):
        return self.name

    def __str__(self):
        return f"AxisType.{self.name}"


# -- PartitionSpec -------------------------------------------------------------------------


class _Unconstrained:
    """``P.UNCONSTRAINED``: the dimension's sharding is left to the compiler."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "UNCONSTRAINED"

    def __reduce__(self):
        return (_Unconstrained, ())


UNCONSTRAINED = _Unconstrained()


def _pp_entry(e) -> str:
    return repr(e)


class PartitionSpec:
    """How each dimension of an array is split over mesh axes (``jax.P``).

    ``P('x', None)`` splits dimension 0 over mesh axis ``'x'`` and replicates
    dimension 1; an entry may be a tuple of axis names (split over their
    product), ``None`` or ``P.UNCONSTRAINED``.  Trailing dimensions not listed
    are replicated.  ``unreduced``/``reduced`` name axes holding partial sums.

    Args:
      *partitions: one entry per leading dimension.
      unreduced, reduced: sets of mesh axis names.

    Examples:
      >>> from pyjax.sharding import PartitionSpec as P
      >>> P('x', None)
      P('x', None)
      >>> P('x')[0], len(P('x', None))
      ('x', 2)
    """

    __slots__ = ("_partitions", "unreduced", "reduced")
    UNCONSTRAINED = UNCONSTRAINED

    def __init__(self, *partitions, unreduced=frozenset(), reduced=frozenset()):
        parts = []
        for p in partitions:
            if isinstance(p, list):
                p = tuple(p)
            if isinstance(p, tuple) and len(p) == 1:
                p = p[0]  # P(('x',)) is P('x')
            elif isinstance(p, tuple) and not p:
                p = None
            parts.append(p)
        object.__setattr__(self, "_partitions", tuple(parts))
        object.__setattr__(self, "unreduced", frozenset(unreduced))
        object.__setattr__(self, "reduced", frozenset(reduced))

    def __setattr__(self, name, value):
        raise AttributeError("PartitionSpec is immutable")

    @property
    def partitions(self) -> tuple:
        return self._partitions

    def __len__(self):
        return len(self._partitions)

    def __iter__(self):
        return iter(self._partitions)

    def __getitem__(self, i):
        return self._partitions[i]

    def index(self, value) -> int:
        return self._partitions.index(value)

    def count(self, value) -> int:
        return self._partitions.count(value)

    def __eq__(self, other):
        return (isinstance(other, PartitionSpec) and self._partitions == other._partitions
                and self.unreduced == other.unreduced and self.reduced == other.reduced)

    def __hash__(self):
        return hash((self._partitions, self.unreduced, self.reduced))

    def __add__(self, other):
        if isinstance(other, PartitionSpec):
            other = other._partitions
        return PartitionSpec(*self._partitions, *other, unreduced=self.unreduced,
                             reduced=self.reduced)

    def __radd__(self, other):
        return PartitionSpec(*other, *self._partitions, unreduced=self.unreduced,
                             reduced=self.reduced)

    def __repr__(self):
        parts = [_pp_entry(p) for p in self._partitions]
        if self.unreduced:
            parts.append(f"unreduced={set(sorted(self.unreduced))}")
        if self.reduced:
            parts.append(f"reduced={set(sorted(self.reduced))}")
        body = ", ".join(parts)
        if len(parts) == 1 and self._partitions:
            body += ","  # a one-entry spec prints like a one-element tuple
        return f"P({body})"

    __str__ = __repr__

    def __reduce__(self):
        return (_rebuild_spec, (self._partitions, self.unreduced, self.reduced))

    def update(self, **kwargs) -> "PartitionSpec":
        """A copy with ``partitions``, ``unreduced`` or ``reduced`` replaced."""
        return PartitionSpec(*kwargs.pop("partitions", self._partitions),
                             unreduced=kwargs.pop("unreduced", self.unreduced),
                             reduced=kwargs.pop("reduced", self.reduced))

    def _normalized_spec_for_aval(self, ndim: int) -> "PartitionSpec":
        parts = list(self._partitions) + [None] * (ndim - len(self._partitions))
        return self.update(partitions=parts)

    def mesh_axes(self) -> list[str]:
        """Every mesh axis name the spec uses, in order."""
        out = []
        for p in self._partitions:
            if p is None or p is UNCONSTRAINED:
                continue
            out.extend(p if isinstance(p, tuple) else (p,))
        return out


def _rebuild_spec(partitions, unreduced, reduced):
    return PartitionSpec(*partitions, unreduced=unreduced, reduced=reduced)


P = PartitionSpec


# -- meshes --------------------------------------------------------------------------------


def _canonical_axis_types(names: tuple, axis_types, default: AxisType) -> tuple:
    if axis_types is None:
        return (default,) * len(names)
    if isinstance(axis_types, AxisType):
        axis_types = (axis_types,)
    axis_types = tuple(axis_types)
    if len(axis_types) != len(names):
        raise ValueError(f"Number of axis names should match the number of axis_types. Got "
                         f"axis_names={names} and axis_types={axis_types}")
    for t in axis_types:
        if not isinstance(t, AxisType):
            raise TypeError(f"axis_types must be jax.sharding.AxisType values, got {t!r}")
    return axis_types


def _canonical_names(axis_names) -> tuple:
    if isinstance(axis_names, str):
        return (axis_names,)
    return tuple(axis_names)


class _MeshBase:
    """What Mesh and AbstractMesh share: named axes with sizes and types."""

    axis_names: tuple
    axis_sizes: tuple
    axis_types: tuple

    @property
    def shape(self) -> collections.OrderedDict:
        return collections.OrderedDict(zip(self.axis_names, self.axis_sizes))

    @property
    def shape_tuple(self) -> tuple:
        return tuple(zip(self.axis_names, self.axis_sizes))

    @property
    def size(self) -> int:
        return int(np.prod(self.axis_sizes, dtype=np.int64)) if self.axis_sizes else 1

    @property
    def empty(self) -> bool:
        return not self.axis_names and getattr(self, "_is_context_default", True)

    def _axes_of(self, kind: AxisType) -> tuple:
        return tuple(n for n, t in zip(self.axis_names, self.axis_types) if t is kind)

    @property
    def auto_axes(self) -> tuple:
        return self._axes_of(AxisType.Auto)

    @property
    def explicit_axes(self) -> tuple:
        return self._axes_of(AxisType.Explicit)

    @property
    def manual_axes(self) -> tuple:
        return self._axes_of(AxisType.Manual)

    @property
    def are_all_axes_auto(self) -> bool:
        return all(t is AxisType.Auto for t in self.axis_types)

    @property
    def are_all_axes_explicit(self) -> bool:
        return all(t is AxisType.Explicit for t in self.axis_types)

    @property
    def are_all_axes_manual(self) -> bool:
        return all(t is AxisType.Manual for t in self.axis_types)

    def _name_to_type(self) -> dict:
        return dict(zip(self.axis_names, self.axis_types))

    def _axes_str(self) -> str:
        return ", ".join(f"'{n}': {s}" for n, s in zip(self.axis_names, self.axis_sizes))


class Mesh(_MeshBase):
    """Named axes over an array of devices (``jax.sharding.Mesh``).

    With one CPU device, ``devices`` holds that device and every axis has size 1.

    Args:
      devices: an ndarray (or nested sequence) of devices, one dimension per axis.
      axis_names: the axis names (a string for one axis).
      axis_types: one ``AxisType`` per axis; default ``Auto``.

    Examples:
      >>> import numpy as np, pyjax
      >>> from pyjax.sharding import Mesh
      >>> Mesh(np.array(pyjax.devices()), ('x',))
      Mesh(axis_sizes=(1,), axis_names=('x',), axis_types=(Auto,))
    """

    def __init__(self, devices, axis_names, axis_types=None):
        if isinstance(devices, np.ndarray):
            devs = devices
        else:
            devs = np.empty(np.shape(np.array(devices, dtype=object)), dtype=object)
            devs[...] = np.array(devices, dtype=object)
        names = _canonical_names(axis_names)
        if devs.ndim != len(names):
            raise ValueError(f"Mesh requires the ndim of its first argument (`devices`) to "
                             f"equal the length of its second argument (`axis_names`), but got "
                             f"devices.ndim == {devs.ndim} and len(axis_names) == {len(names)}.")
        for d in devs.flat:
            if not isinstance(d, Device):
                raise TypeError(f"Mesh: devices must be pyjax devices, got {d!r}")
        if len(set(devs.flat)) != devs.size:
            raise ValueError(f"Mesh: devices must be distinct, got {list(devs.flat)}")
        self.devices = devs
        self.axis_names = names
        self.axis_sizes = tuple(int(s) for s in devs.shape)
        self.axis_types = _canonical_axis_types(names, axis_types, AxisType.Auto)
        self._print_types = True
        # as in JAX, only the "no mesh set" placeholder is empty; a mesh built with no
        # axes (make_mesh((), ())) holds a device and is not
        self._is_context_default = False

    @property
    def device_ids(self) -> np.ndarray:
        ids = np.empty(self.devices.shape, dtype=np.int64)
        for idx, d in np.ndenumerate(self.devices):
            ids[idx] = d.id
        return ids

    @property
    def local_devices(self) -> list:
        return list(self.devices.flat)

    @property
    def local_mesh(self) -> "Mesh":
        return Mesh(self.devices, self.axis_names, self.axis_types)

    @property
    def is_multi_process(self) -> bool:
        return False

    @property
    def abstract_mesh(self) -> "AbstractMesh":
        return AbstractMesh(self.axis_sizes, self.axis_names, self.axis_types,
                            _device_kind="cpu")

    def update(self, devices=None, axis_names=None, axis_types=None) -> "Mesh":
        """A copy with the given fields replaced."""
        return Mesh(self.devices if devices is None else devices,
                    self.axis_names if axis_names is None else axis_names,
                    self.axis_types if axis_types is None else axis_types)

    def _key(self):
        return (tuple(d.id for d in self.devices.flat), self.devices.shape, self.axis_names,
                self.axis_types)

    def __eq__(self, other):
        return isinstance(other, Mesh) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        types = f", axis_types={self.axis_types}" if self._print_types else ""
        return f"Mesh(axis_sizes={self.axis_sizes}, axis_names={self.axis_names}{types})"

    def __str__(self):
        if self.empty:
            return "Mesh()"
        return f"Mesh({self._axes_str()}, axis_types={self.axis_types})"

    def __enter__(self):
        warnings.warn("`with mesh:` context manager has been deprecated. Please use `with "
                      "jax.set_mesh(mesh):` instead.", DeprecationWarning, stacklevel=2)
        _legacy_mesh_stack.append(self)
        return self

    def __exit__(self, *exc):
        _legacy_mesh_stack.pop()
        return False


def _empty_context_mesh() -> Mesh:
    devs = np.empty((), dtype=object)
    devs[()] = CPU_DEVICE
    m = Mesh(devs, ())
    m._print_types = False
    m._is_context_default = True
    return m


class AbstractMesh(_MeshBase):
    """A mesh's axis names, sizes and types without devices (``jax.sharding.AbstractMesh``).

    Args:
      axis_sizes: the size of each axis.
      axis_names: the axis names.
      axis_types: one ``AxisType`` per axis; default ``Auto``.
    """

    def __init__(self, axis_sizes, axis_names, axis_types=None, *, _device_kind=None):
        self.axis_sizes = tuple(int(s) for s in axis_sizes)
        self.axis_names = _canonical_names(axis_names)
        if len(self.axis_sizes) != len(self.axis_names):
            raise ValueError(f"AbstractMesh: {len(self.axis_sizes)} axis sizes but "
                             f"{len(self.axis_names)} axis names")
        self.axis_types = _canonical_axis_types(self.axis_names, axis_types, AxisType.Auto)
        self._device_kind = _device_kind

    @property
    def abstract_mesh(self) -> "AbstractMesh":
        return self

    def update(self, axis_sizes=None, axis_names=None, axis_types=None) -> "AbstractMesh":
        """A copy with the given fields replaced."""
        return AbstractMesh(self.axis_sizes if axis_sizes is None else axis_sizes,
                            self.axis_names if axis_names is None else axis_names,
                            self.axis_types if axis_types is None else axis_types,
                            _device_kind=self._device_kind)

    def _key(self):
        return (self.axis_sizes, self.axis_names, self.axis_types, self._device_kind)

    def __eq__(self, other):
        return isinstance(other, AbstractMesh) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        if self.empty:
            return f"AbstractMesh((), axis_types={self.axis_types})"
        dev = (f", device_kind={self._device_kind}, num_cores=None, platform=cpu"
               if self._device_kind else "")
        return f"AbstractMesh({self._axes_str()}, axis_types={self.axis_types}{dev})"

    __str__ = __repr__


# -- the mesh context ----------------------------------------------------------------------

_EMPTY_MESH = _empty_context_mesh()
_EMPTY_ABSTRACT_MESH = AbstractMesh((), ())
_mesh_state: dict[str, Any] = {"concrete": _EMPTY_MESH, "abstract": _EMPTY_ABSTRACT_MESH}
_legacy_mesh_stack: list = []  # meshes entered with the deprecated `with mesh:`


def get_mesh() -> Mesh:
    """The concrete mesh set by ``set_mesh`` (an empty ``Mesh()`` when none is)."""
    return _mesh_state["concrete"]


def get_abstract_mesh() -> AbstractMesh:
    """The abstract mesh in context (``set_mesh``/``use_abstract_mesh``; else empty)."""
    return _mesh_state["abstract"]


def context_mesh_for_specs():
    """The mesh a bare ``PartitionSpec`` refers to: ``set_mesh``'s, else a ``with mesh:``."""
    mesh = get_mesh()
    if not mesh.empty:
        return mesh
    return _legacy_mesh_stack[-1] if _legacy_mesh_stack else None


class set_mesh:
    """Make ``mesh`` the context mesh: as a call (persistent) or in a ``with`` block.

    Bare ``PartitionSpec`` s (in ``device_put``, ``reshard``,
    ``with_sharding_constraint``) then refer to this mesh.  ``set_mesh(None)``
    clears it.

    Args:
      mesh: a concrete :class:`Mesh`, or None.

    Examples:
      >>> import pyjax
      >>> from pyjax.sharding import get_mesh
      >>> mesh = pyjax.make_mesh((1,), ('x',))
      >>> with pyjax.set_mesh(mesh):
      ...     print(get_mesh().axis_names)
      ('x',)
      >>> get_mesh().empty
      True
    """

    def __init__(self, mesh: Mesh | None):
        if mesh is not None and not isinstance(mesh, Mesh):
            raise ValueError(f"Expected mesh of type `jax.sharding.Mesh`. Got {type(mesh)}")
        self.prev = dict(_mesh_state)
        if mesh is None:
            _mesh_state.update(concrete=_EMPTY_MESH, abstract=_EMPTY_ABSTRACT_MESH)
        else:
            _mesh_state.update(concrete=mesh, abstract=mesh.abstract_mesh)

    def __enter__(self):
        return get_mesh()

    def __exit__(self, *exc):
        _mesh_state.update(self.prev)
        return False


class use_abstract_mesh:
    """Context manager making ``mesh`` (an :class:`AbstractMesh`) the abstract context mesh."""

    def __init__(self, mesh: AbstractMesh):
        if not isinstance(mesh, AbstractMesh):
            raise ValueError(f"Expected mesh of type `jax.sharding.AbstractMesh`. Got "
                             f"{type(mesh)}")
        self.mesh = mesh

    def __enter__(self):
        self.prev = dict(_mesh_state)
        _mesh_state["abstract"] = self.mesh
        return self.mesh

    def __exit__(self, *exc):
        _mesh_state.update(self.prev)
        return False


def make_mesh(axis_shapes: Sequence[int], axis_names: Sequence[str],
              axis_types: tuple | None = None, *,
              devices: Sequence[Device] | None = None) -> Mesh:
    """A mesh of the given shape and axis names over the available devices.

    As in JAX 0.10.2, axes are ``AxisType.Explicit`` unless ``axis_types`` says
    otherwise.  pyjax has one device, so the product of ``axis_shapes`` must be 1.

    Args:
      axis_shapes: the size of each axis.
      axis_names: the name of each axis.
      axis_types: one ``AxisType`` per axis (default: all ``Explicit``).
      devices: the devices to use (default ``pyjax.devices()``).

    Returns:
      A :class:`Mesh`.

    Raises:
      ValueError: the mesh needs more devices than there are, or the names,
        shapes and types disagree in length.

    Examples:
      >>> import pyjax
      >>> pyjax.make_mesh((1,), ('x',))
      Mesh(axis_sizes=(1,), axis_names=('x',), axis_types=(Explicit,))
    """
    shape = tuple(int(s) for s in axis_shapes)
    names = _canonical_names(axis_names)
    devs = list(devices) if devices is not None else [CPU_DEVICE]
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if len(devs) < size:
        raise ValueError(f"Number of devices {len(devs)} must be >= the product of mesh_shape "
                         f"{shape}")
    if len(shape) != len(names):
        raise ValueError(f"Mesh requires the ndim of its first argument (`devices`) to equal "
                         f"the length of its second argument (`axis_names`), but got "
                         f"devices.ndim == {len(shape)} and len(axis_names) == {len(names)}.")
    types = _canonical_axis_types(names, axis_types, AxisType.Explicit)
    arr = np.empty(shape, dtype=object)
    for idx, d in zip(np.ndindex(*shape), devs):
        arr[idx] = d
    return Mesh(arr, names, types)


# -- shardings -----------------------------------------------------------------------------


class Sharding(abc.ABC):
    """Base class of shardings (``jax.sharding.Sharding``): where each piece of an array lives."""

    @property
    @abc.abstractmethod
    def device_set(self) -> set:
        """The devices the array is spread over."""

    @property
    @abc.abstractmethod
    def memory_kind(self) -> str | None:
        """The memory the array lives in (``'device'`` by default)."""

    @property
    def num_devices(self) -> int:
        return len(self.device_set)

    @property
    def addressable_devices(self) -> set:
        return set(self.device_set)

    @property
    def is_fully_addressable(self) -> bool:
        return True

    @property
    def has_addressable_devices(self) -> bool:
        return True

    def devices_indices_map(self, global_shape: tuple) -> dict:
        """Device -> the index (a tuple of slices) of the array it holds: all of it."""
        return {d: tuple(slice(None) for _ in global_shape) for d in self.device_set}

    def addressable_devices_indices_map(self, global_shape: tuple) -> dict:
        return self.devices_indices_map(global_shape)

    def shard_shape(self, global_shape: tuple) -> tuple:
        """The shape of each device's piece: the whole shape on one device."""
        return tuple(global_shape)

    def is_equivalent_to(self, other: "Sharding", ndim: int) -> bool:
        """Whether both shardings place an ``ndim``-dimensional array the same way."""
        del ndim  # one device: every sharding holds the whole array there
        return (isinstance(other, Sharding) and self.device_set == other.device_set
                and self.memory_kind == other.memory_kind)


def _check_memory_kind(kind):
    if kind is not None and kind not in _MEMORY_KINDS:
        raise ValueError(f"Could not find memory addressable by device cpu. Device cpu can "
                         f"address the following memory kinds: {', '.join(_MEMORY_KINDS)}. Got "
                         f"memory kind: {kind}")
    return kind


class SingleDeviceSharding(Sharding):
    """The whole array on one device (``jax.sharding.SingleDeviceSharding``).

    Args:
      device: the device.
      memory_kind: ``'device'`` (default), ``'pinned_host'`` or ``'unpinned_host'``.
    """

    def __init__(self, device: Device, *, memory_kind: str | None = None):
        if not isinstance(device, Device):
            raise TypeError(f"SingleDeviceSharding: expected a device, got {device!r}")
        self._device = device
        self._memory_kind = _check_memory_kind(memory_kind)

    @property
    def device_set(self) -> set:
        return {self._device}

    @property
    def memory_kind(self) -> str:
        return self._memory_kind or "device"

    @property
    def is_fully_replicated(self) -> bool:
        return True

    def with_memory_kind(self, kind: str) -> "SingleDeviceSharding":
        return SingleDeviceSharding(self._device, memory_kind=kind)

    def __eq__(self, other):
        return (isinstance(other, SingleDeviceSharding) and other._device == self._device
                and other.memory_kind == self.memory_kind)

    def __hash__(self):
        return hash((self._device, self.memory_kind))

    def __repr__(self):
        return f"SingleDeviceSharding(device={self._device!r}, memory_kind={self.memory_kind})"


def make_single_device_sharding(device: Device) -> SingleDeviceSharding:
    """``SingleDeviceSharding(device)``."""
    return SingleDeviceSharding(device)


def check_spec_against_mesh(spec: PartitionSpec, mesh) -> None:
    """JAX's checks: every axis name exists in ``mesh`` and appears at most once."""
    seen = set()
    for name in spec.mesh_axes():
        if name not in mesh.axis_names:
            raise ValueError(f"Resource axis: {name} of {spec!r} is not found in mesh: "
                             f"{mesh.axis_names}.")
        if name in seen:
            raise DuplicateSpecError(
                f"A single NamedSharding spec specification can map every mesh axis to at "
                f"most one positional dimension, but {spec!r} has duplicate entries for "
                f"`{name}`")
        seen.add(name)


class NamedSharding(Sharding):
    """An array split over named mesh axes by a ``PartitionSpec`` (``jax.NamedSharding``).

    On one device every such sharding holds the whole array; the object keeps
    the mesh and spec and checks them as JAX does.

    Args:
      mesh: a :class:`Mesh` (or :class:`AbstractMesh`).
      spec: a :class:`PartitionSpec` naming axes of ``mesh``.
      memory_kind: ``'device'`` (default), ``'pinned_host'`` or ``'unpinned_host'``.

    Raises:
      ValueError: an axis of ``spec`` is not in ``mesh``.
      DuplicateSpecError: an axis is used twice.

    Examples:
      >>> import pyjax
      >>> from pyjax.sharding import NamedSharding, PartitionSpec as P
      >>> NamedSharding(pyjax.make_mesh((1,), ('x',)), P('x'))
      NamedSharding(mesh=Mesh('x': 1, axis_types=(Explicit,)), spec=P('x',), memory_kind=device)
    """

    def __init__(self, mesh, spec: PartitionSpec, *, memory_kind: str | None = None):
        if not isinstance(mesh, (Mesh, AbstractMesh)):
            raise TypeError(f"NamedSharding: mesh must be a jax.sharding.Mesh or AbstractMesh, "
                            f"got {type(mesh)}")
        if not isinstance(spec, PartitionSpec):
            raise TypeError(f"NamedSharding: spec must be a jax.sharding.PartitionSpec, got "
                            f"{type(spec)}")
        check_spec_against_mesh(spec, mesh)
        self.mesh = mesh
        self.spec = spec
        self._memory_kind = _check_memory_kind(memory_kind)

    @property
    def device_set(self) -> set:
        if isinstance(self.mesh, AbstractMesh):
            raise ValueError("device_set is not implemented for `jax.sharding.AbstractMesh`.")
        return set(self.mesh.devices.flat)

    @property
    def memory_kind(self) -> str | None:
        if isinstance(self.mesh, AbstractMesh):
            return self._memory_kind
        return self._memory_kind or "device"

    @property
    def is_fully_replicated(self) -> bool:
        return True  # every mesh axis has size 1

    @property
    def replicated_axes(self) -> frozenset:
        return frozenset()

    def with_memory_kind(self, kind: str) -> "NamedSharding":
        return NamedSharding(self.mesh, self.spec, memory_kind=kind)

    def update(self, **kwargs) -> "NamedSharding":
        """A copy with ``mesh``, ``spec`` or ``memory_kind`` replaced."""
        return NamedSharding(kwargs.pop("mesh", self.mesh), kwargs.pop("spec", self.spec),
                             memory_kind=kwargs.pop("memory_kind", self._memory_kind))

    def check_compatible_aval(self, shape: tuple, what: str = "device_put args") -> None:
        """JAX's rank check: the spec may not have more entries than the array has dims."""
        ndim = len(shape)
        if len(self.spec) > ndim:
            extra = " For scalars the PartitionSpec should be P()" if ndim == 0 else ""
            raise ValueError(f"One of {what} is incompatible with its sharding annotation "
                             f"{self!r}: Sharding {self!r} is only valid for values of rank at "
                             f"least {len(self.spec)}, but was applied to a value of rank "
                             f"{ndim}.{extra}")

    def __eq__(self, other):
        return (isinstance(other, NamedSharding) and self.mesh == other.mesh
                and self.spec == other.spec and self.memory_kind == other.memory_kind)

    def __hash__(self):
        return hash((self.mesh, self.spec, self.memory_kind))

    def __repr__(self):
        mk = "" if isinstance(self.mesh, AbstractMesh) else f", memory_kind={self.memory_kind}"
        return f"NamedSharding(mesh={self.mesh}, spec={self.spec!r}{mk})"


__all__ = ["AbstractMesh", "AxisType", "DuplicateSpecError", "Mesh", "NamedSharding", "P",
           "PartitionSpec", "Sharding", "SingleDeviceSharding", "get_abstract_mesh",
           "get_mesh", "make_mesh", "make_single_device_sharding", "set_mesh",
           "use_abstract_mesh"]
