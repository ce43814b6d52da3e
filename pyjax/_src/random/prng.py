"""The public key API: ``key``, ``PRNGKey``, ``split``, ``fold_in``, ``key_data``, ...

Two key representations are accepted by every ``pyjax.random`` function, as in JAX:

* **Typed keys** (``random.key(0)``): arrays of the extended dtype ``key<fry>``
  (``keys.KeyTy``, a subdtype of ``pyjax.dtypes.prng_key``) whose shape is the
  key-array shape (``()`` for one key); their data is ``uint32[*shape, 2]``.
  They are ordinary arrays to every transformation: ``jit`` and ``make_jaxpr``
  see ``key<fry>[]`` avals, ``vmap`` maps their key axes, ``grad`` gives them
  float0 tangents, and pytrees treat them as leaves.
* **Legacy raw keys** (``random.PRNGKey(0)``): plain ``uint32[..., 2]`` arrays.
  ``check_prng_key`` wraps them (``random_wrap``); functions returning keys
  unwrap again (``random_unwrap``) for raw inputs (``split``, ``fold_in``).

The key operations are the primitives of keys.py (``random_seed``,
``random_split``, ``random_fold_in``, ``random_bits``, ``random_wrap``,
``random_unwrap``, ``random_clone``), so jaxprs print as JAX's.
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from pyjax._src.config import config
from pyjax._src.random.threefry import PRNGImpl, threefry_prng_impl
from pyjax._src.random.keys import (KeyTy, PRNGKeyArray, is_key_array, random_bits,  # noqa: F401
                                    random_clone, random_fold_in, random_seed, random_split,
                                    random_unwrap, random_wrap)

# -- implementations --------------------------------------------------------------------------

prngs: dict[str, PRNGImpl] = {threefry_prng_impl.name: threefry_prng_impl}
# JAX's other implementations use XLA's RngBitGenerator, which pyjax does not reproduce.
_UNSUPPORTED_IMPLS = ("rbg", "unsafe_rbg")


def default_prng_impl() -> PRNGImpl:
    """The implementation named by ``jax_default_prng_impl``."""
    return resolve_prng_impl(config.jax_default_prng_impl)


def resolve_prng_impl(impl_spec) -> PRNGImpl:
    """A PRNGImpl from None (the default), a name, a PRNGImpl or a key dtype."""
    if impl_spec is None:
        return default_prng_impl()
    if isinstance(impl_spec, PRNGImpl):
        return impl_spec
    if isinstance(impl_spec, KeyTy):
        return impl_spec._impl
    if isinstance(impl_spec, str):
        if impl_spec in prngs:
            return prngs[impl_spec]
        if impl_spec in _UNSUPPORTED_IMPLS:
            raise NotImplementedError(
                f"the {impl_spec!r} PRNG implementation is not available in pyjax (it relies "
                "on XLA's RngBitGenerator); use 'threefry2x32'")
        names = ", ".join(f'"{s}"' for s in (*prngs, *_UNSUPPORTED_IMPLS))
        raise ValueError(f'unrecognized PRNG implementation "{impl_spec}". '
                         f"Did you mean one of: {names}?")
    raise TypeError(f"unrecognized type {type(impl_spec)} for specifying PRNG implementation.")


def key_dtype(impl_spec=None) -> KeyTy:
    """The key dtype of a PRNG implementation (default: ``jax_default_prng_impl``).

    Examples:
      >>> from pyjax import random
      >>> random.key_dtype()
      key<fry>
    """
    return KeyTy(resolve_prng_impl(impl_spec))


# -- argument checking shared by every random function ----------------------------------------

def _arraylike(x) -> bool:
    # JAX's notion here: arrays, and anything NumPy calls a scalar (so strings and Python
    # ints reach the key-data checks and their messages)
    from pyjax._src.numpy.util import _arraylike as arraylike
    return arraylike(x) or np.isscalar(x)


_LEGACY_KEY_MSG = ("Legacy uint32 key array passed as key to jax.random function. Please create "
                   "keys using jax.random.key(). If use of a raw key array was intended, set "
                   'jax_legacy_prng_key="allow".')


def check_prng_key(name: str, key, *, allow_batched: bool = False):
    """``(typed key array, was_raw)`` for a typed or raw key; errors as JAX's.

    A raw ``uint32[..., 2]`` key is wrapped (``random_wrap``).  Unless
    ``allow_batched``, the key must be a single key (key shape ``()``): ValueError
    "``name`` accepts a single key, but was given a key array of shape ...".
    """
    if is_key_array(key):
        typed, wrapped = key, False
    elif _arraylike(key):
        typed, wrapped = random_wrap(key, default_prng_impl()), True
        legacy = config.jax_legacy_prng_key
        if legacy == "error":
            raise ValueError(_LEGACY_KEY_MSG)
        if legacy == "warn":
            import warnings
            warnings.warn(_LEGACY_KEY_MSG, stacklevel=3)
    else:
        raise TypeError(f"unexpected PRNG key type {type(key)}")
    if not allow_batched and typed.ndim:
        raise ValueError(f"{name} accepts a single key, but was given a key array of shape "
                         f"{tuple(np.shape(key) if wrapped else key.shape)} != (). Use "
                         "jax.vmap for batching.")
    return typed, wrapped


def return_prng_keys(was_wrapped: bool, keys):
    """Raw data for raw-key callers, the typed key array otherwise."""
    return random_unwrap(keys) if was_wrapped else keys


def split_key(key, num: int | Sequence[int] = 2):
    """Samplers' split: one typed key into a key array of shape ``num``."""
    if key.ndim:
        raise TypeError("split accepts a single key, but was given a key array of shape "
                        f"{key.shape} != (). Use jax.vmap for batching.")
    shape = tuple(num) if isinstance(num, Sequence) else (operator.index(num),)
    return random_split(key, shape)


# -- public key API ---------------------------------------------------------------------------

def _seed(ctor_name: str, seed, impl: PRNGImpl):
    if is_key_array(seed):
        raise TypeError(f"{ctor_name} accepts a scalar seed, but was given a PRNG key.")
    if np.ndim(seed):
        raise TypeError(f"{ctor_name} accepts a scalar seed, but was given an array of shape "
                        f"{np.shape(seed)} != (). Use jax.vmap for batching")
    from pyjax._src.numpy.util import asarray
    # A Python int goes through int64 first: with x64 off it wraps to 32 bits instead of
    # overflowing, so Python hashes make valid seeds (as in JAX).
    seed_arr = asarray(np.int64(seed)) if isinstance(seed, int) else asarray(seed)
    return random_seed(seed_arr, impl)


def key(seed, *, impl=None, dtype=None):
    """Create a typed PRNG key (dtype ``key<fry>``, shape ``()``) from an integer seed.

    Args:
      seed: a 64- or 32-bit integer used as the value of the key.
      impl: optional name of the PRNG implementation (``'threefry2x32'``).
      dtype: optional key dtype or implementation name (alternative to ``impl``).

    Returns:
      A scalar key array, consumable by every ``pyjax.random`` function.  It stages
      as ``random_seed[impl=fry]`` and shows its data in its repr.

    Examples:
      >>> from pyjax import random
      >>> random.key(0)
      Array((), dtype=key<fry>) overlaying:
      [0 0]
    """
    return _seed("key", seed, resolve_prng_impl(dtype if dtype is not None else impl))


def PRNGKey(seed, *, impl=None):
    """Create a legacy PRNG key: a ``uint32[2]`` array ``[hi32(seed), lo32(seed)]``.

    With ``jax_enable_x64`` off the seed is taken modulo 2**32 (``PRNGKey(-1)`` is
    ``[0, 4294967295]``); with it on, the seed's 64 bits are used.

    Examples:
      >>> from pyjax import random
      >>> random.PRNGKey(42)
      Array([ 0, 42], dtype=uint32)
    """
    return random_unwrap(_seed("PRNGKey", seed, resolve_prng_impl(impl)))


def fold_in(key, data):
    """Fold an integer into a PRNG key to form a new key (``T(k, (0, data))``).

    Args:
      key: a PRNG key (typed or raw).
      data: a 32-bit integer scalar (converted to uint32).

    Returns:
      A new key of the same kind as ``key``.

    Raises:
      OverflowError: ``data`` is a Python int outside the uint32 range.
    """
    typed, wrapped = check_prng_key("fold_in", key)
    if np.ndim(data):
        # (sic: JAX's message lacks the space in "ofshape")
        raise TypeError("fold_in accepts a scalar, but was given an array of"
                        f"shape {np.shape(data)} != (). Use jax.vmap for batching.")
    from pyjax._src.numpy.util import asarray
    from pyjax._src.lax.structural import convert_element_type
    if type(data) is int:  # as jnp.uint32(data): a literal, or JAX's OverflowError
        if not 0 <= data < 2 ** 32:
            raise OverflowError(f"Python integer {data} out of bounds for uint32")
        data = np.uint32(data)
    elif not isinstance(data, np.generic):
        data = asarray(data)
    if data.dtype != np.uint32:
        data = convert_element_type(data, np.uint32)
    return return_prng_keys(wrapped, random_fold_in(typed, data))


def split(key, num: int | tuple[int, ...] = 2):
    """Split a PRNG key into ``num`` new keys (a leading axis, or a key array of shape ``num``).

    Args:
      key: a PRNG key (typed or raw).
      num: the number of keys (an int) or the shape of the key array (a tuple).

    Returns:
      Typed keys of shape ``num`` for a typed key; raw ``uint32[*num, 2]`` keys for a
      raw key.

    Examples:
      >>> from pyjax import random
      >>> random.split(random.PRNGKey(42))
      Array([[1832780943,  270669613],
             [  64467757, 2916123636]], dtype=uint32)
    """
    typed, wrapped = check_prng_key("split", key)
    return return_prng_keys(wrapped, split_key(typed, num))


def key_data(keys):
    """The raw ``uint32[..., 2]`` data underlying a (typed or raw) key array."""
    typed, _ = check_prng_key("key_data", keys, allow_batched=True)
    return random_unwrap(typed)


def wrap_key_data(key_bits_array, *, impl=None, dtype=None):
    """Wrap raw ``uint32[..., 2]`` key data into a typed key array of shape ``[...]``.

    Args:
      key_bits_array: uint32 data whose trailing axes are the implementation's key
        shape (``(2,)`` for threefry).
      impl: optional PRNG implementation name (default ``jax_default_prng_impl``).
      dtype: optional key dtype (alternative to ``impl``).

    Raises:
      TypeError: the data is not uint32 or does not end with the key shape (JAX's
        "JAX encountered invalid PRNG key data" messages).
    """
    impl_obj = resolve_prng_impl(dtype if dtype is not None else impl)
    return random_wrap(key_bits_array, impl_obj)


def key_impl(keys) -> str:
    """The name of the PRNG implementation of a key array (``'threefry2x32'``)."""
    typed, _ = check_prng_key("key_impl", keys, allow_batched=True)
    return typed.dtype._impl.name


def clone(key):
    """Clone a key for reuse (``random_clone``); the identity, as key reuse is not checked."""
    return random_clone(key)


__all__ = ["PRNGKey", "key", "key_dtype", "key_data", "key_impl", "wrap_key_data", "split",
           "fold_in", "clone"]
