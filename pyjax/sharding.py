"""pyjax.sharding: meshes, partition specs and shardings (``jax.sharding``).

Re-exports only; see pyjax/_src/sharding_impl.py (one CPU device: every mesh
has size 1 and every sharding holds the whole array).
"""
from pyjax._src.sharding_impl import (
    AbstractMesh as AbstractMesh,
    AxisType as AxisType,
    Mesh as Mesh,
    NamedSharding as NamedSharding,
    PartitionSpec as PartitionSpec,
    Sharding as Sharding,
    SingleDeviceSharding as SingleDeviceSharding,
    get_abstract_mesh as get_abstract_mesh,
    get_mesh as get_mesh,
    make_single_device_sharding as make_single_device_sharding,
    set_mesh as set_mesh,
    use_abstract_mesh as use_abstract_mesh,
)
from pyjax._src.sharding_api import reshard as reshard
