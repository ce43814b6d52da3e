"""pyjax: JAX's API and semantics, reimplemented in Python on NumPy.

``import pyjax as jax`` gives the transformations (grad, jit, vmap, ...), and
``pyjax.numpy``, ``pyjax.lax``, ``pyjax.random`` etc. mirror their ``jax.*``
counterparts.
"""
from pyjax._src.backend import dispatch as _dispatch  # noqa: F401  (installs eager execution)
from pyjax._src.config import config as config
from pyjax._src.config import (
    check_tracer_leaks as check_tracer_leaks,
    debug_infs as debug_infs,
    debug_key_reuse as debug_key_reuse,
    debug_nans as debug_nans,
    default_device as default_device,
    default_matmul_precision as default_matmul_precision,
    default_prng_impl as default_prng_impl,
    enable_checks as enable_checks,
    enable_x64 as enable_x64,
    explain_cache_misses as explain_cache_misses,
    log_compiles as log_compiles,
    numpy_dtype_promotion as numpy_dtype_promotion,
    numpy_rank_promotion as numpy_rank_promotion,
    threefry_partitionable as threefry_partitionable,
    transfer_guard as transfer_guard,
    allow_f16_reductions as allow_f16_reductions,
    array_garbage_collection_guard as array_garbage_collection_guard,
    auto_pcast as auto_pcast,
    checking_leaks as checking_leaks,
    enable_custom_prng as enable_custom_prng,
    jax2tf_associative_scan_reductions as jax2tf_associative_scan_reductions,
    legacy_prng_key as legacy_prng_key,
    make_user_context as make_user_context,
    no_execution as no_execution,
    no_tracing as no_tracing,
    remove_size_one_mesh_axis_from_type as remove_size_one_mesh_axis_from_type,
    softmax_custom_jvp as softmax_custom_jvp,
    thread_guard as thread_guard,
    transfer_guard_device_to_device as transfer_guard_device_to_device,
    transfer_guard_device_to_host as transfer_guard_device_to_host,
    transfer_guard_host_to_device as transfer_guard_host_to_device,
)
from pyjax._src.core.array_base import Array as Array
from pyjax._src.dtypes import float0 as float0
from pyjax._src.api import (
    ShapeDtypeStruct as ShapeDtypeStruct,
    block_until_ready as block_until_ready,
    clear_caches as clear_caches,
    default_backend as default_backend,
    device_count as device_count,
    device_get as device_get,
    devices as devices,
    disable_jit as disable_jit,
    ensure_compile_time_eval as ensure_compile_time_eval,
    eval_shape as eval_shape,
    jit as jit,
    named_call as named_call,
    named_scope as named_scope,
    typeof as typeof,
    local_device_count as local_device_count,
    local_devices as local_devices,
    make_jaxpr as make_jaxpr,
    process_count as process_count,
    process_index as process_index,
)
from pyjax._src.ad_api import (
    grad as grad,
    hessian as hessian,
    jacfwd as jacfwd,
    jacobian as jacobian,
    jacrev as jacrev,
    jvp as jvp,
    linear_transpose as linear_transpose,
    linearize as linearize,
    value_and_grad as value_and_grad,
    vjp as vjp,
)
from pyjax._src.custom_derivatives import (
    closure_convert as closure_convert,
    custom_gradient as custom_gradient,
    custom_jvp as custom_jvp,
    custom_vjp as custom_vjp,
)
from pyjax._src.checkpoint import (
    checkpoint as checkpoint,
    checkpoint_policies as checkpoint_policies,
    remat as remat,
)
from pyjax._src.vmap_api import vmap as vmap
from pyjax._src.callbacks import pure_callback as pure_callback
from pyjax._src.pmap import pmap as pmap, shard_map as shard_map, smap as smap
from pyjax._src.backend.array import Device as Device
from pyjax._src.runtime_api import (
    copy_to_host_async as copy_to_host_async,
    effects_barrier as effects_barrier,
    fwd_and_bwd as fwd_and_bwd,
    host_count as host_count,
    host_id as host_id,
    host_ids as host_ids,
    live_arrays as live_arrays,
    print_environment_info as print_environment_info,
    process_indices as process_indices,
)
from pyjax._src.sharding_impl import (
    NamedSharding as NamedSharding,
    P as P,
    make_mesh as make_mesh,
    set_mesh as set_mesh,
)
from pyjax._src.sharding_api import (
    Shard as Shard,
    device_put as device_put,
    make_array_from_callback as make_array_from_callback,
    make_array_from_process_local_data as make_array_from_process_local_data,
    make_array_from_single_device_arrays as make_array_from_single_device_arrays,
    reshard as reshard,
)
from pyjax._src.mutable_refs import (
    Ref as Ref,
    ds as ds,
    empty_ref as empty_ref,
    free_ref as free_ref,
    freeze as freeze,
    new_ref as new_ref,
)

from pyjax import tree_util as tree_util  # noqa: E402
from pyjax import tree as tree  # noqa: E402
from pyjax import dtypes as dtypes  # noqa: E402
from pyjax import errors as errors  # noqa: E402
from pyjax import debug as debug  # noqa: E402
from pyjax import random as random  # noqa: E402
from pyjax import nn as nn  # noqa: E402
from pyjax import scipy as scipy  # noqa: E402
from pyjax import lax as lax  # noqa: E402
from pyjax import numpy as numpy  # noqa: E402
from pyjax import test_util as test_util  # noqa: E402
from pyjax import custom_derivatives as custom_derivatives  # noqa: E402
from pyjax import ad_checkpoint as ad_checkpoint  # noqa: E402
from pyjax import sharding as sharding  # noqa: E402

# jax.ad and jax.memory are namespaces (not modules) in JAX too
from types import SimpleNamespace as _SimpleNamespace  # noqa: E402
from pyjax._src import runtime_api as _runtime_api  # noqa: E402

ad = _SimpleNamespace(DontWant=_runtime_api.DontWant, DidntWant=_runtime_api.DidntWant,
                      GradRef=_runtime_api.GradRef, GradValue=_runtime_api.GradValue)
memory = _SimpleNamespace(Space=_runtime_api.MemorySpace)
del _SimpleNamespace, _runtime_api

__version__ = "0.1.0"
