"""``ArrayImpl``: a concrete pyjax array, backed by a NumPy array.

Invariants: ``_value`` is an ``np.ndarray`` of a canonical dtype that nobody
mutates (arrays handed to users by ``__array__`` are read-only views; inputs
are copied when arrays are created from NumPy data); ``weak_type`` marks values
born from Python scalars.  Operators and most methods are installed on the
``Array`` base class by ``numpy/array_methods.py``; what lives here is what
needs the concrete buffer: conversions, repr, devices, placement, donation.

NOTE[array-placement]: an array placed with an explicit device or sharding
(``device_put``, ``reshard``, ``make_array_from_*``, ``with_sharding_constraint``)
carries that sharding in its ``_placement`` slot, set by
``sharding_api.attach_sharding``; it reports it as ``.sharding`` and is
*committed*.  The slot is deliberately left unset by ``__init__`` (array
creation is on the eager hot path; a slot cannot have a class default): an
unset slot (read as ``getattr(arr, "_placement", None)``, as
``sharding_api.placed_sharding`` does) means the default
``SingleDeviceSharding(CpuDevice(id=0))``, uncommitted.  The sharding classes
live above this layer (sharding_impl.py, sharding_api.py), so the properties
import them lazily (``default_sharding``, ``addressable_shards``).
"""
from __future__ import annotations

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import ShapedArray, aval_handlers
from pyjax._src.core.trace import _IMMUTABLE_MSG


class Device:
    """The one CPU device pyjax runs on (``jax.Device``)."""

    platform = "cpu"
    device_kind = "cpu"
    process_index = 0
    host_id = 0
    client = None

    def __init__(self, id: int = 0):
        self.id = id

    def __repr__(self):
        return f"CpuDevice(id={self.id})"

    def __str__(self):
        return f"TFRT_CPU_{self.id}"

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("cpu", self.id))


CPU_DEVICE = Device(0)


class SingleDeviceSharding:
    """The sharding of every array: all of it on the one CPU device."""

    def __init__(self, device: Device = CPU_DEVICE):
        self._device = device
        self.device_set = {device}
        self.memory_kind = "device"

    def __repr__(self):
        return f"SingleDeviceSharding(device={self._device!r}, memory_kind=device)"

    def __eq__(self, other):
        return isinstance(other, SingleDeviceSharding) and other._device == self._device

    def __hash__(self):
        return hash(self._device)

    @property
    def num_devices(self):
        return 1

    @property
    def is_fully_replicated(self):
        return True

    @property
    def is_fully_addressable(self):
        return True


_default_sharding = None  # sharding_impl.SingleDeviceSharding(CPU_DEVICE), made on first use


def default_sharding():
    """The sharding of an array never placed explicitly (NOTE[array-placement])."""
    global _default_sharding
    s = _default_sharding
    if s is None:
        from pyjax._src.sharding_impl import SingleDeviceSharding as _SingleDeviceSharding
        s = _default_sharding = _SingleDeviceSharding(CPU_DEVICE)
    return s


class ArrayImpl(Array):
    """A concrete, immutable array."""

    # ``_placement`` is not set by __init__; see NOTE[array-placement].
    __slots__ = ("_value", "weak_type", "_aval", "_placement", "__weakref__")

    def __init__(self, value: np.ndarray, weak_type: bool = False):
        self._value = value
        self.weak_type = weak_type
        self._aval = None

    # -- type -----------------------------------------------------------------------------
    @property
    def aval(self) -> ShapedArray:
        aval = self._aval
        if aval is None:
            v = self._check_live()
            aval = self._aval = ShapedArray(v.shape, v.dtype, self.weak_type)
        return aval

    def _check_live(self) -> np.ndarray:
        v = self._value
        if v is None:
            raise RuntimeError("Array has been deleted (it was donated to a jitted function "
                               "or deleted explicitly).")
        return v

    @property
    def shape(self):
        return self._check_live().shape

    @property
    def dtype(self):
        return self._check_live().dtype

    @property
    def ndim(self):
        return self._check_live().ndim

    @property
    def size(self):
        return self._check_live().size

    @property
    def itemsize(self):
        return self._check_live().itemsize

    @property
    def nbytes(self):
        return self._check_live().nbytes

    # -- conversions ------------------------------------------------------------------------
    def __array__(self, dtype=None, copy=None):
        v = self._check_live()
        if dtype is not None and np.dtype(dtype) != v.dtype:
            return v.astype(dtype)
        if copy:
            return v.copy()
        view = v.view()
        view.flags.writeable = False
        return view

    def __bool__(self):
        v = self._check_live()
        if v.size != 1:
            raise ValueError("The truth value of an array with more than one element is "
                             "ambiguous. Use a.any() or a.all()")
        return bool(v)

    def __int__(self):
        return int(self._check_live())

    def __float__(self):
        return float(self._check_live())

    def __complex__(self):
        return complex(self._check_live())

    def __index__(self):
        v = self._check_live()
        if v.ndim != 0 or v.dtype.kind not in "iub":
            raise TypeError("Only integer scalar arrays can be converted to a scalar index.")
        return int(v)

    def item(self, *args):
        return self._check_live().item(*args)

    def tolist(self):
        return self._check_live().tolist()

    def __hash__(self):
        raise TypeError("unhashable type: 'jaxlib._jax.ArrayImpl'")

    def __len__(self):
        v = self._check_live()
        if v.ndim == 0:
            raise TypeError("len() of unsized object")
        return v.shape[0]

    def __iter__(self):
        v = self._check_live()
        if v.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        w = self.weak_type
        return (ArrayImpl(row if isinstance(row, np.ndarray) else np.asarray(row), w)
                for row in v)

    def __setitem__(self, idx, value):
        raise TypeError(_IMMUTABLE_MSG)

    def __reduce__(self):
        return (_reconstruct, (np.asarray(self._check_live()), self.weak_type))

    def __format__(self, spec):
        v = self._check_live()
        if v.ndim == 0:
            return format(v[()], spec)
        return format(str(self), spec)

    def __dlpack__(self, *args, **kwargs):
        return self.__array__().__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU, device 0

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return ArrayImpl(self._check_live().copy(), self.weak_type)

    # -- repr ---------------------------------------------------------------------------------
    def __repr__(self):
        v = self._check_live()
        prefix = "Array("
        if v.size == 0 and v.shape != (0,):
            body = f"[], shape={v.shape}"
        else:
            body = np.array2string(v, prefix=prefix, separator=", ",
                                   max_line_width=80 + len(prefix) - 2,
                                   formatter=_formatter(v.dtype))
        extra = f", dtype={_dtype_name(v.dtype)}"
        if self.weak_type:
            extra += ", weak_type=True"
        return f"{prefix}{body}{extra})"

    def __str__(self):
        v = self._check_live()
        return np.array2string(v, formatter=_formatter(v.dtype)) if v.ndim else str(v[()])

    # -- devices ------------------------------------------------------------------------------
    def devices(self):
        return {CPU_DEVICE}

    @property
    def device(self):
        return CPU_DEVICE

    @property
    def sharding(self):
        """How the array is placed (NOTE[array-placement])."""
        s = getattr(self, "_placement", None)  # unset slot: never placed
        return default_sharding() if s is None else s

    @property
    def committed(self) -> bool:
        """Whether the array was placed explicitly."""
        return getattr(self, "_placement", None) is not None

    @property
    def addressable_shards(self) -> list:
        """The pieces of the array on this process (one: the whole array)."""
        from pyjax._src.sharding_api import Shard
        value = self._check_live()
        piece = ArrayImpl(value, self.weak_type)
        piece._placement = default_sharding()
        return [Shard(CPU_DEVICE, self.sharding, value.shape, piece)]

    @property
    def global_shards(self) -> list:
        """The pieces of the array on every device (one: the whole array)."""
        return self.addressable_shards

    @property
    def is_fully_addressable(self):
        return True

    @property
    def is_fully_replicated(self):
        return True

    def block_until_ready(self):
        self._check_live()
        return self

    def copy_to_host_async(self):
        pass

    def is_deleted(self) -> bool:
        return self._value is None

    def delete(self):
        self._value = None

    def unsafe_buffer_pointer(self):
        return self._check_live().ctypes.data

    def on_device_size_in_bytes(self):
        return self._check_live().nbytes


def _reconstruct(value, weak_type):
    return ArrayImpl(value, weak_type)


def _dtype_name(dtype) -> str:
    return dtype.name


def _formatter(dtype):
    if dtype == dtypes.bfloat16 or dtype.name.startswith("float8"):
        return {"all": lambda x: str(float(x))}
    return None


def _arrayimpl_aval(x):
    return x.aval


aval_handlers[ArrayImpl] = _arrayimpl_aval
