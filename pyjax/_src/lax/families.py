"""The lax family modules whose ``__all__`` make up ``pyjax.lax`` (see _src/exports.py).

Adding a family: create ``pyjax/_src/lax/<name>.py`` with an ``__all__`` and list it here.
"""
FAMILY_MODULES = [
    "pyjax._src.lax.elementwise",
    "pyjax._src.lax.structural",
    "pyjax._src.lax.reductions",
    "pyjax._src.lax.sharding_ops",
    "pyjax._src.lax.rng_ops",
    "pyjax._src.lax.misc_ops",
]

# families being written by other developers; imported when present
OPTIONAL_FAMILY_MODULES = [
    "pyjax._src.lax.special",
    "pyjax._src.lax.comparison",
    "pyjax._src.lax.bitwise",
    "pyjax._src.lax.slicing",
    "pyjax._src.lax.indexing",
    "pyjax._src.lax.sorting",
    "pyjax._src.lax.cumulative",
    "pyjax._src.lax.windowed",
    "pyjax._src.lax.convolution",
    "pyjax._src.lax.dot",
    "pyjax._src.lax.fft",
    "pyjax._src.lax.parallel",
    "pyjax._src.lax.ad_ops",
    "pyjax._src.lax.control_flow",
    "pyjax._src.lax.misc",
]
