"""Typed PRNG key arrays: the ``key<impl>`` dtype, concrete key arrays, the ``random_*`` primitives.

A typed key array has an extended dtype (see NOTE[extended-dtypes] in core/avals.py):
its aval is ``key<fry>[*shape]`` and its physical data is ``u32[*shape, 2]`` (the
implementation's ``key_shape`` appended).  Six primitives move between the two, all
vectorized over the key-array shape ``*k``::

    random_seed[impl]             :: int[*k]            -> key[*k]
    random_split[shape]           :: key[*k]            -> key[*k, *shape]
    random_fold_in                :: (key[*k], u32[*k]) -> key[*k]     (broadcasting)
    random_bits[bit_width, shape] :: key[*k]            -> uint<bit_width>[*k, *shape]
    random_wrap[impl]             :: u32[*k, *key_shape] -> key[*k]
    random_unwrap                 :: key[*k]            -> u32[*k, *key_shape]
    random_clone                  :: a                  -> a     (keys or raw key data)

Their physical rules (``physical.physical_rules``) apply the ``PRNGImpl`` record
(threefry.py) to the data, mapped over ``*k``; eagerly they run at once on the data
(``physical.physical_apply``), and in a compiled jaxpr they are expanded by
``physical.physicalize_jaxpr``, so both give the same bits.  They have no derivative
(float0 tangents) and batch along the key-array axes.

``PRNGKeyArray`` is the concrete key array: an ``Array`` holding the implementation
and its data (an ``ArrayImpl`` of uint32).  Its operators and methods are the common
``Array`` ones (jnp functions); the lax primitives that accept keys (reshape, slicing,
select_n, eq, ...) work on the data through their physical rules, the others reject
the dtype in their abstract evals, as in JAX.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from pyjax._src import dtypes
from pyjax._src.core.array_base import Array
from pyjax._src.core.avals import ShapedArray, aval_handlers, get_aval
from pyjax._src.core.primitive import Primitive
from pyjax._src.interpreters import ad, batching
from pyjax._src.lax.helpers import broadcasting_shape
from pyjax._src.random import physical
from pyjax._src.random.threefry import UINT_DTYPES, PRNGImpl

_U32 = np.dtype(np.uint32)

# -- the key dtype ----------------------------------------------------------------------------


class KeyTyRules:
    """How the core and the physical rules treat ``key<impl>`` (``KeyTy._rules``)."""

    @staticmethod
    def physical_element_aval(dtype: "KeyTy") -> ShapedArray:
        return ShapedArray(dtype._impl.key_shape, _U32)

    @staticmethod
    def tangent_dtype(dtype: "KeyTy"):
        del dtype  # unused: keys are not differentiable
        return dtypes.float0

    @staticmethod
    def physical_value(x) -> Any:
        """The data of a concrete key array."""
        return x._base_array

    @staticmethod
    def from_physical(aval: ShapedArray, data) -> "PRNGKeyArray":
        """A concrete key array of type ``aval`` over ``data``."""
        return PRNGKeyArray(aval.dtype._impl, data)

    @staticmethod
    def full(shape: Sequence[int], fill_value, dtype: "KeyTy"):
        """``lax.full``/``jnp.full`` for keys: a key fill value is broadcast; a number
        becomes every word of the data (``zeros_like(keys)`` has all-zero data, as JAX)."""
        shape = tuple(shape)
        if is_key_array(fill_value):
            from pyjax._src.numpy.util import broadcast_to
            return broadcast_to(fill_value, shape)
        from pyjax._src.lax.structural import full
        return random_wrap(full((*shape, *dtype._impl.key_shape), fill_value, _U32),
                           dtype._impl)


class KeyTy(dtypes.ExtendedDType):
    """The dtype of typed PRNG keys, e.g. ``key<fry>`` for threefry2x32."""

    type = dtypes.prng_key
    _rules = KeyTyRules

    def __init__(self, impl: PRNGImpl):
        self._impl = impl

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"key<{self._impl.tag}>"

    @property
    def itemsize(self) -> int:
        return math.prod(self._impl.key_shape) * _U32.itemsize

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __eq__(self, other) -> bool:
        return type(other) is KeyTy and self._impl == other._impl

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((KeyTy, self._impl))


def key_aval(impl: PRNGImpl, shape: Sequence[int]) -> ShapedArray:
    return ShapedArray(tuple(shape), KeyTy(impl))


def is_key_aval(aval) -> bool:
    return isinstance(aval.dtype, KeyTy)


# -- concrete key arrays ----------------------------------------------------------------------


class PRNGKeyArray(Array):
    """A concrete array of PRNG keys: dtype ``key<impl>``, data ``u32[*shape, *key_shape]``."""

    __slots__ = ("_impl", "_base_array")
    __array_priority__ = 100

    def __init__(self, impl: PRNGImpl, key_data: Any):
        self._impl = impl
        self._base_array = key_data

    # -- array-like metadata ------------------------------------------------------------
    @property
    def aval(self) -> ShapedArray:
        return ShapedArray(self.shape, KeyTy(self._impl))

    @property
    def shape(self) -> tuple:
        data = self._base_array
        return tuple(data.shape[:data.ndim - len(self._impl.key_shape)])

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def dtype(self) -> KeyTy:
        return KeyTy(self._impl)

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.itemsize * self.size

    @property
    def sharding(self):
        return self._base_array.sharding

    @property
    def device(self):
        return self._base_array.device

    def devices(self):
        return self._base_array.devices()

    def block_until_ready(self):
        self._base_array.block_until_ready()
        return self

    def copy_to_host_async(self) -> None:
        pass

    def is_deleted(self) -> bool:
        return self._base_array.is_deleted()

    def delete(self) -> None:
        self._base_array.delete()

    def __copy__(self) -> "PRNGKeyArray":
        return PRNGKeyArray(self._impl, self._base_array)

    def __deepcopy__(self, memo):
        return PRNGKeyArray(self._impl, self._base_array.__deepcopy__(memo))

    def __reduce__(self):
        return (PRNGKeyArray, (self._impl, self._base_array))

    # -- conversions and container protocol ----------------------------------------------
    def __array__(self, dtype=None, copy=None):
        raise TypeError("JAX array with PRNGKey dtype cannot be converted to a NumPy array. "
                        "Use jax.random.key_data(arr) if you wish to extract the underlying "
                        "integer array.")

    def __bool__(self):
        raise TypeError("key array cannot be converted to boolean.")

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d key array")
        return (self[i] for i in range(self.shape[0]))

    def __setitem__(self, idx, value):
        from pyjax._src.core.trace import _IMMUTABLE_MSG
        raise TypeError(_IMMUTABLE_MSG)

    def __repr__(self) -> str:
        return f"Array({self.shape}, dtype={self.dtype.name}) overlaying:\n{self._base_array}"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)


# The array methods JAX's concrete key arrays leave abstract (tracers of keys have them all,
# and fail in the jnp function instead, as in JAX).
_ABSTRACT_METHODS = (
    "all", "any", "argmax", "argmin", "argpartition", "argsort", "astype", "byteswap", "choose",
    "clip", "compress", "conj", "conjugate", "cumprod", "cumsum", "diagonal", "dot", "item",
    "max", "mean", "min", "nonzero", "prod", "ptp", "repeat", "round", "searchsorted", "sort",
    "std", "sum", "to_device", "trace", "var", "view")
_ABSTRACT_PROPERTIES = ("flat", "imag", "mT", "real")


def _abstract(name: str):
    def method(self, *args, **kwargs):
        del self, args, kwargs  # unused
        raise NotImplementedError(f"Cannot call abstract method {name}")
    method.__name__ = name
    return method


for _name in _ABSTRACT_METHODS:
    setattr(PRNGKeyArray, _name, _abstract(_name))
for _name in _ABSTRACT_PROPERTIES:
    setattr(PRNGKeyArray, _name, property(_abstract(_name)))

aval_handlers[PRNGKeyArray] = lambda k: k.aval
physical.register_extended_array_type(PRNGKeyArray)


def is_key_array(x) -> bool:
    """Whether ``x`` is a typed key array (concrete or traced)."""
    return isinstance(getattr(x, "dtype", None), KeyTy) and isinstance(x, Array)


# -- helpers for the physical rules -----------------------------------------------------------


def _map_leading(fn, ndim: int, *args):
    """``fn`` applied to the leading-``ndim``-axes slices of ``args`` (nested vmaps).

    ``fn`` returns one array; the mapped axes lead the result.
    """
    if ndim == 0:
        return fn(*args)
    size = get_aval(args[0]).shape[0]
    outs, _ = batching.batch_flat(lambda *xs: [_map_leading(fn, ndim - 1, *xs)],
                                  batching.AxisData(None, size), list(args), [0] * len(args),
                                  [0])
    return outs[0]


def _impl_of(aval) -> PRNGImpl:
    return aval.dtype._impl


# -- random_seed ------------------------------------------------------------------------------


def random_seed(seeds, impl: PRNGImpl):
    """Keys of ``impl`` made from an integer array of seeds (one key per seed)."""
    return random_seed_p.bind(seeds, impl=impl)


def _seed_abstract_eval(seeds_aval, *, impl):
    return key_aval(impl, seeds_aval.shape)


def _seed_physical(avals_in, avals_out, seeds, *, impl):
    del avals_out  # unused
    return [_map_leading(impl.seed, len(avals_in[0].shape), seeds)]


random_seed_p = Primitive("random_seed")
random_seed_p.def_abstract_eval(_seed_abstract_eval)
random_seed_p.def_weak_type_rule(lambda weak_in, **params: False)

# -- random_split -----------------------------------------------------------------------------


def random_split(keys, shape: Sequence[int]):
    """``split[shape] :: key[*k] -> key[*k, *shape]``."""
    return random_split_p.bind(keys, shape=tuple(shape))


def _check_keys(name: str, aval) -> None:
    if not is_key_aval(aval):
        raise TypeError(f"{name} takes key array operand, got {aval.str_short()}")


def _split_abstract_eval(keys_aval, *, shape):
    _check_keys("random_split", keys_aval)
    return key_aval(_impl_of(keys_aval), (*keys_aval.shape, *shape))


def _split_physical(avals_in, avals_out, data, *, shape):
    del avals_out  # unused
    impl = _impl_of(avals_in[0])
    return [_map_leading(lambda k: impl.split(k, shape), len(avals_in[0].shape), data)]


random_split_p = Primitive("random_split")
random_split_p.def_abstract_eval(_split_abstract_eval)

# -- random_fold_in ---------------------------------------------------------------------------


def random_fold_in(keys, msgs):
    """``fold_in :: (key[*k], u32[*k]) -> key[*k]`` (operands broadcast like lax ops)."""
    return random_fold_in_p.bind(keys, msgs)


def _fold_in_abstract_eval(keys_aval, msgs_aval):
    _check_keys("random_fold_in", keys_aval)
    if msgs_aval.dtype != _U32:
        raise TypeError(f"random_fold_in requires uint32 messages, got {msgs_aval.str_short()}")
    shape = broadcasting_shape("random_fold_in", [keys_aval.shape, msgs_aval.shape])
    return key_aval(_impl_of(keys_aval), shape)


def _fold_in_physical(avals_in, avals_out, data, msgs):
    from pyjax._src.lax.structural import broadcast_in_dim
    keys_aval, msgs_aval = avals_in
    impl, shape = _impl_of(keys_aval), avals_out[0].shape
    nk = len(impl.key_shape)
    if keys_aval.shape != shape:  # rank 0, or size-1 axes: broadcast the data
        dims = tuple(range(len(shape) - len(keys_aval.shape), len(shape) + nk))
        data = broadcast_in_dim(data, (*shape, *impl.key_shape), dims)
    if msgs_aval.shape != shape:
        dims = tuple(range(len(shape) - len(msgs_aval.shape), len(shape)))
        msgs = broadcast_in_dim(msgs, shape, dims)
    return [_map_leading(impl.fold_in, len(shape), data, msgs)]


random_fold_in_p = Primitive("random_fold_in")
random_fold_in_p.def_abstract_eval(_fold_in_abstract_eval)

# -- random_bits ------------------------------------------------------------------------------


def random_bits(keys, bit_width: int, shape: Sequence[int]):
    """``random_bits[bit_width, shape] :: key[*k] -> uint<bit_width>[*k, *shape]``."""
    return random_bits_p.bind(keys, bit_width=bit_width, shape=tuple(shape))


def _bits_abstract_eval(keys_aval, *, bit_width, shape):
    _check_keys("random_bits", keys_aval)
    if bit_width not in UINT_DTYPES:
        raise TypeError("requires 8-, 16-, 32- or 64-bit field width.")
    return ShapedArray((*keys_aval.shape, *shape), UINT_DTYPES[bit_width])


def _bits_physical(avals_in, avals_out, data, *, bit_width, shape):
    del avals_out  # unused
    impl = _impl_of(avals_in[0])
    return [_map_leading(lambda k: impl.random_bits(k, bit_width, shape),
                         len(avals_in[0].shape), data)]


random_bits_p = Primitive("random_bits")
random_bits_p.def_abstract_eval(_bits_abstract_eval)
random_bits_p.def_weak_type_rule(lambda weak_in, **params: False)

# -- random_wrap / random_unwrap / random_clone --------------------------------------------------


def random_wrap(key_data, impl: PRNGImpl):
    """A key array over raw ``u32[*k, *key_shape]`` data (JAX's checks and messages)."""
    check_key_data(impl, key_data)
    return random_wrap_p.bind(key_data, impl=impl)


def check_key_data(impl: PRNGImpl, key_data) -> None:
    """JAX's TypeError for data that cannot be the data of keys of ``impl``."""
    if not all(hasattr(key_data, attr) for attr in ("ndim", "shape", "dtype")):
        raise TypeError("JAX encountered invalid PRNG key data: expected key_data to have "
                        f"ndim, shape, and dtype attributes. Got {key_data}")
    _check_key_data_type(impl, tuple(key_data.shape), key_data.dtype)


def _check_key_data_type(impl: PRNGImpl, shape: tuple, dtype) -> None:
    n = len(impl.key_shape)
    if len(shape) < 1:
        raise TypeError("JAX encountered invalid PRNG key data: expected key_data.ndim >= 1; "
                        f"got ndim={len(shape)}")
    if shape[len(shape) - n:] != impl.key_shape:
        raise TypeError("JAX encountered invalid PRNG key data: expected key_data.shape to end "
                        f"with {impl.key_shape}; got shape={shape} for impl={impl!r}")
    if dtype != _U32:
        raise TypeError("JAX encountered invalid PRNG key data: expected key_data.dtype = "
                        f"uint32; got dtype={dtype}")


def _wrap_abstract_eval(data_aval, *, impl):
    _check_key_data_type(impl, data_aval.shape, data_aval.dtype)
    return key_aval(impl, data_aval.shape[:len(data_aval.shape) - len(impl.key_shape)])


def random_unwrap(keys):
    """The raw ``u32[*k, *key_shape]`` data of a key array."""
    return random_unwrap_p.bind(keys)


def _unwrap_abstract_eval(keys_aval):
    _check_keys("random_unwrap", keys_aval)
    impl = _impl_of(keys_aval)
    return ShapedArray((*keys_aval.shape, *impl.key_shape), _U32)


def _identity_physical(avals_in, avals_out, data, **params):
    del avals_in, avals_out, params  # unused: the data is the same on both sides
    return [data]


random_wrap_p = Primitive("random_wrap")
random_wrap_p.def_abstract_eval(_wrap_abstract_eval)
random_wrap_p.def_weak_type_rule(lambda weak_in, **params: False)
random_unwrap_p = Primitive("random_unwrap")
random_unwrap_p.def_abstract_eval(_unwrap_abstract_eval)


def random_clone(keys):
    """The same keys (a distinct value for key-reuse checking, which pyjax does not do)."""
    return random_clone_p.bind(keys)


def _clone_abstract_eval(keys_aval):
    return keys_aval  # any array: JAX's clone also passes raw uint32 keys through


random_clone_p = Primitive("random_clone")
random_clone_p.def_abstract_eval(_clone_abstract_eval)

# -- rules shared by the random_* primitives ------------------------------------------------------


def _batch_keys_leading(prim):
    """The output's leading axes are the keys' axes: the batch axis stays where it is."""
    def rule(axis_data, vals, dims, **params):
        del axis_data  # unused
        (x,), (d,) = vals, dims
        return prim.bind(x, **params), d
    return rule


def _wrap_batch_rule(axis_data, vals, dims, *, impl):
    """The batch axis must be a key axis, not one of the trailing key-data axes."""
    del axis_data  # unused
    (x,), (d,) = vals, dims
    if d >= len(get_aval(x).shape) - len(impl.key_shape):
        x, d = batching.moveaxis(x, d, 0), 0
    return random_wrap_p.bind(x, impl=impl), d


_RANDOM_PRIMITIVES = {
    random_seed_p: _seed_physical, random_split_p: _split_physical,
    random_fold_in_p: _fold_in_physical, random_bits_p: _bits_physical,
    random_wrap_p: _identity_physical, random_unwrap_p: _identity_physical,
    random_clone_p: _identity_physical,
}
for _prim, _rule in _RANDOM_PRIMITIVES.items():
    physical.physical_rules[_prim] = _rule
    physical.use_physical_apply(_prim)
    ad.defjvp_zero(_prim)
    if _prim is random_fold_in_p:
        batching.defbroadcasting(_prim)
    elif _prim is random_wrap_p:
        batching.primitive_batchers[_prim] = _wrap_batch_rule
    else:
        batching.primitive_batchers[_prim] = _batch_keys_leading(_prim)

__all__: list[str] = []
