"""``jax.random`` in pyjax: threefry2x32 keys and samplers (public names in ``pyjax.random``).

threefry.py: the ``threefry2x32`` primitive and the PRNG record; keys.py: the ``key<fry>``
dtype, concrete key arrays and the ``random_*`` key primitives; physical.py: operations on
typed keys carried out on their uint32 data (eagerly and in compiled jaxprs); prng.py: the
public key API; sampling.py: checks, ``bits``/``uniform``/``normal``; distributions.py,
gamma.py, discrete.py: the other samplers; XLA:CPU rounding (FMA, erf_inv) lives in
lax/xla_math.py.
"""
