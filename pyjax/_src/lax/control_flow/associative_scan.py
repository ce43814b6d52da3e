"""``associative_scan``: an inclusive parallel-prefix scan over pytrees of arrays.

    associative_scan : ((a, a) -> a) -> a[n, ...] -> a[n, ...]

No primitive: the scan is a composite of ``slice``, ``concatenate``, ``pad``,
``add``/``or`` and the user's ``fn``, so jvp, transpose, vmap and jit all come
from the rules of those ops.

Algorithm (Blelloch's odd/even recursion, in the order JAX applies it, so the
same jaxpr is staged and non-associative ``fn`` s give the same numbers):
  1. combine neighbouring pairs ``fn(x[0::2][:m], x[1::2])``: a half-length
     sequence whose inclusive scan is the scan's odd positions (recursion);
  2. the even positions ``2k`` (``k >= 1``) are ``fn(odd[k-1], x[2k])``, and
     position 0 is ``x[0]``;
  3. interleave evens and odds (two strided pads and an add; ``or`` for bool).
Depth is O(log n) levels, each applying ``fn`` to whole slices at once.
"""
from __future__ import annotations

from builtins import slice as builtins_slice
from typing import Callable

import numpy as np

from pyjax._src.core.avals import get_aval
from pyjax._src.tree_util import tree_flatten, tree_unflatten
from pyjax._src.util import canonicalize_axis

__all__ = ["associative_scan"]


def associative_scan(fn: Callable, elems, reverse: bool = False, axis: int = 0):
    """Inclusive scan of ``elems`` along ``axis`` with an associative ``fn``, in parallel.

    Args:
      fn: an associative binary function ``r = fn(a, b)`` of two pytrees shaped
        like ``elems`` whose ``axis`` dimension may have any (equal) length; it
        must act elementwise along that dimension (``jnp.add``, ``jnp.matmul``
        on stacks of matrices, a ``vmap`` ped function, ...).  Associativity
        (``fn(a, fn(b, c)) == fn(fn(a, b), c)``) is assumed, not checked.
      elems: a pytree of arrays, all with the same size ``n`` along ``axis``.
      reverse: scan from the end of ``axis`` towards its start.
      axis: the scanned dimension (negative values count from the end).

    Returns:
      A pytree like ``elems`` whose element ``k`` along ``axis`` combines
      elements ``0..k``: for ``elems = [a, b, c, ...]`` the result is
      ``[a, fn(a, b), fn(fn(a, b), c), ...]``; with ``reverse=True`` and
      ``elems = [..., x, y, z]`` it is ``[..., fn(fn(z, y), x), fn(z, y), z]``.

    Raises:
      TypeError: ``fn`` is not callable.
      ValueError: ``axis`` is out of range, or the leaves differ in length
        along ``axis``, or ``fn`` returns a different number of leaves.

    Notes:
      As in JAX, with ``reverse=True`` a negative ``axis`` reaches ``lax.rev``
      before it is normalised, which rejects it.

    Examples:
      >>> import numpy as np
      >>> from pyjax import lax
      >>> lax.associative_scan(lax.add, np.arange(4, dtype=np.int32))
      Array([0, 1, 3, 6], dtype=int32)
      >>> lax.associative_scan(lax.add, np.arange(4, dtype=np.int32), reverse=True)
      Array([6, 6, 5, 3], dtype=int32)
    """
    from pyjax._src.lax.structural import rev
    if not callable(fn):
        raise TypeError("lax.associative_scan: fn argument should be callable.")
    elems_flat, tree = tree_flatten(elems)
    if reverse:
        elems_flat = [rev(x, [axis]) for x in elems_flat]
    if not elems_flat:
        raise IndexError("lax.associative_scan: elems has no array leaves to scan over "
                         f"(pytree structure {tree}).")
    axis = canonicalize_axis(axis, _ndim(elems_flat[0]))
    shapes = [_shape(x) for x in elems_flat]
    if any(len(s) <= axis or s[axis] != shapes[0][axis] for s in shapes[1:]):
        raise ValueError("Array inputs to associative_scan must have the same first "
                         f"dimension. (saw: {shapes})")

    def combine(a_flat, b_flat):
        out = fn(tree_unflatten(tree, a_flat), tree_unflatten(tree, b_flat))
        out_flat, out_tree = tree_flatten(out)
        if len(out_flat) != len(a_flat):
            raise ValueError(f"lax.associative_scan: fn must return a pytree with the "
                             f"{len(a_flat)} leaves of elems (structure {tree}), got "
                             f"{len(out_flat)} (structure {out_tree}).")
        return out_flat

    scanned = _prefix_scan(combine, elems_flat, axis)
    if reverse:
        scanned = [rev(x, [axis]) for x in scanned]
    return tree_unflatten(tree, scanned)


def _prefix_scan(combine, xs: list, axis: int) -> list:
    """The odd/even recursion of the module docstring on a flat list of leaves."""
    from pyjax._src.lax.structural import concatenate
    n = _shape(xs[0])[axis]
    if n < 2:
        return xs
    pairs = combine([_slice_in_dim(x, 0, -1, stride=2, axis=axis) for x in xs],
                    [_slice_in_dim(x, 1, None, stride=2, axis=axis) for x in xs])
    odd = _prefix_scan(combine, pairs, axis)
    # the last odd prefix has no even position after it when n is even; the odd
    # prefixes are sliced before the elements (the order JAX stages them in)
    firsts = [_slice_in_dim(o, 0, -1, axis=axis) for o in odd] if n % 2 == 0 else odd
    even = combine(firsts, [_slice_in_dim(x, 2, None, stride=2, axis=axis) for x in xs])
    even = [concatenate([_slice_in_dim(x, 0, 1, axis=axis), e], axis)
            for x, e in zip(xs, even, strict=True)]
    return [_interleave(e, o, axis) for e, o in zip(even, odd, strict=True)]


def _slice_in_dim(x, start: int, limit: int | None, stride: int = 1, axis: int = 0):
    """``x[start:limit:stride]`` along ``axis`` (Python bounds), staged with explicit strides.

    ``lax.slice_in_dim`` in JAX always passes a strides tuple, so its jaxprs show
    ``strides=(1,)``; pyjax's ``lax.slice`` drops all-ones strides to ``None``.
    Binding ``slice_p`` here keeps the staged jaxpr identical to JAX's.
    """
    from pyjax._src.lax.slicing import slice_p
    shape = _shape(x)
    start, limit, step = builtins_slice(start, limit, stride).indices(shape[axis])
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, step
    return slice_p.bind(x, start_indices=tuple(starts), limit_indices=tuple(limits),
                        strides=tuple(strides))


def _interleave(a, b, axis: int):
    """``a[0], b[0], a[1], b[1], ...`` along ``axis``; ``a`` is as long as ``b`` or one longer.

    Each input is spread with interior padding into the slots the other leaves
    empty, then the two are summed (or'ed for bool, where ``add`` is not defined).
    """
    from pyjax._src.lax.elementwise import add
    from pyjax._src.lax.structural import pad
    na, nb = _shape(a)[axis], _shape(b)[axis]
    if na not in (nb, nb + 1):
        raise ValueError(f"lax.associative_scan: cannot interleave lengths {na} and {nb} "
                         f"along axis {axis}")
    rank = _ndim(a)
    a_cfg, b_cfg = [(0, 0, 0)] * rank, [(0, 0, 0)] * rank
    a_cfg[axis] = (0, 1 if na == nb else 0, 1)
    b_cfg[axis] = (1, 0 if na == nb else 1, 1)
    dtype = get_aval(a).dtype
    zero = np.zeros((), dtype)
    if dtype == np.bool_:
        from pyjax._src.lax.bitwise import bitwise_or as combine_slots
    else:
        combine_slots = add
    return combine_slots(pad(a, zero, a_cfg), pad(b, np.zeros((), get_aval(b).dtype), b_cfg))


def _shape(x) -> tuple:
    return tuple(int(d) for d in get_aval(x).shape)


def _ndim(x) -> int:
    return len(get_aval(x).shape)
