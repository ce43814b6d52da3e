"""Test-suite configuration: every jaxpr built in tests is typechecked."""
import os
import sys

import pytest

# Test modules import shared helpers (harness.py) and sibling test modules (op records)
# by name; with --import-mode=importlib that needs their folders on sys.path.
_TESTS = os.path.dirname(os.path.abspath(__file__))
for _dir in [_TESTS] + sorted(os.path.join(_TESTS, d) for d in os.listdir(_TESTS)
                              if os.path.isdir(os.path.join(_TESTS, d))):
    if _dir not in sys.path:
        sys.path.insert(0, _dir)

from pyjax._src.config import config  # noqa: E402

config.update("jax_enable_checks", True)
# Which tier runs a loop under the "auto" policy depends on timing; the suite pins
# tier 1 so results don't depend on machine load.  tests/backend/test_native.py sets
# the mode per test; PYJAX_NATIVE_LOOPS=always runs everything natively (a stress run).
if "PYJAX_NATIVE_LOOPS" not in os.environ:
    config.update("jax_pyjax_native_loops", "never")

try:
    from hypothesis import settings

    settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True)
    settings.load_profile("ci")
except ImportError:  # hypothesis is a test dependency; tests importing it will fail loudly
    pass


@pytest.fixture
def x64():
    """Run a test with 64-bit dtypes enabled."""
    from pyjax._src.config import enable_x64
    with enable_x64(True):
        yield
