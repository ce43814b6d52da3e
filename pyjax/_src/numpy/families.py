"""The jnp modules whose ``__all__`` make up ``pyjax.numpy`` (see _src/exports.py)."""
FAMILY_MODULES: list[str] = []

# modules being written by other developers; imported when present
OPTIONAL_FAMILY_MODULES = [
    "pyjax._src.numpy.dtypes_api",
    "pyjax._src.numpy.creation",
    "pyjax._src.numpy.ufuncs",
    "pyjax._src.numpy.unary_ufuncs",
    "pyjax._src.numpy.reductions",
    "pyjax._src.numpy.manipulation",
    "pyjax._src.numpy.indexing",
    "pyjax._src.numpy.take_put",
    "pyjax._src.numpy.searching",
    "pyjax._src.numpy.sorting",
    "pyjax._src.numpy.setops",
    "pyjax._src.numpy.linalg_ops",
    "pyjax._src.numpy.einsum",
    "pyjax._src.numpy.polynomial",
    "pyjax._src.numpy.misc",
    "pyjax._src.numpy.index_tricks",
    "pyjax._src.numpy.window_functions",
    "pyjax._src.numpy.statistics",
]
