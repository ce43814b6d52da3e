"""Rule coverage: every registered primitive has all the rules a primitive needs.

Primitives are collected from ``pyjax.lax`` (every ``Primitive`` it exports), the
interpreters' rule tables, and the modules defining higher-order primitives
(custom derivatives, checkpoint).  For each one we require

  * an implementation (``impl`` or a custom eager ``impl_apply``),
  * an abstract evaluation rule,
  * a batching rule,
  * a JVP rule (``ad.defjvp_zero`` counts: it is the explicit "not
    differentiable" mark), unless JAX itself defines none (``JAX_HAS_NO_JVP``),
  * a transpose rule when the primitive is linear.

Primitives whose ``bind`` hands the work to the current trace (``custom_bind``:
``custom_jvp_call``, ``custom_vjp_call``) need no table entries, only the trace
hooks.  All gaps are reported at once.
"""
import importlib

import pyjax  # noqa: F401  (installs every family)
from pyjax import lax
from pyjax._src.core.primitive import Primitive
from pyjax._src.core.trace import Trace
from pyjax._src.interpreters import ad, batching, partial_eval as pe
from pyjax._src.interpreters import staging

HIGHER_ORDER_MODULES = ["pyjax._src.custom_derivatives", "pyjax._src.checkpoint",
                        "pyjax._src.lax.call"]

# JAX 0.10.2 registers no JVP rule for these (differentiating them raises there too).
JAX_HAS_NO_JVP = {"nextafter", "select_and_scatter", "schur", "hessenberg", "tridiagonal",
                  "householder_product", "igamma_grad_a", "random_gamma_grad", "zeta",
                  "rng_uniform"}

# JAX 0.10.2 registers no batching rule for these (vmap of them raises there too).
JAX_HAS_NO_BATCHING = {"rng_uniform", "composite"}

# Primitives that are linear in (some of) their inputs in JAX, hence transposable.
LINEAR = {"add", "sub", "neg", "mul", "div", "add_any", "reduce_sum", "broadcast_in_dim",
          "reshape", "transpose", "squeeze", "expand_dims", "convert_element_type",
          "dot_general", "concatenate", "pad", "slice", "dynamic_slice",
          "dynamic_update_slice", "gather", "scatter-add", "scatter_add", "select_n", "rev",
          "cumsum", "real", "imag", "complex", "conj", "copy", "reduce_window_sum",
          "conv_general_dilated", "psum", "all_gather", "triangular_solve", "custom_lin",
          "linear_call", "fft", "jit", "remat2", "cond", "scan", "reduce_precision",
          "select_and_scatter_add", "psum_scatter", "all_to_all", "ppermute", "split"}


def _collect_primitives():
    prims = {v for v in vars(lax).values() if isinstance(v, Primitive)}
    for name in HIGHER_ORDER_MODULES:
        mod = importlib.import_module(name)
        prims |= {v for v in vars(mod).values() if isinstance(v, Primitive)}
    tables = [ad.primitive_jvps, ad.primitive_transposes, batching.primitive_batchers,
              pe.partial_eval_rules, staging.staging_rules]
    for table in tables:
        prims |= {p for p in table if isinstance(p, Primitive)}
    # primitives that tests define for themselves (created in test modules) are not pyjax's
    prims = {p for p in prims if _defined_in_pyjax(p)}
    return sorted(prims, key=lambda p: p.name)


def _defined_in_pyjax(prim) -> bool:
    import gc
    for ref in gc.get_referrers(prim):
        if isinstance(ref, dict) and isinstance(ref.get("__name__"), str) and \
                ref.get("__name__", "").startswith(("test_", "tests.")):
            return False
    return True


def _is_linear(prim) -> bool:
    if prim.name in LINEAR:
        return True
    rule = ad.primitive_jvps.get(prim)
    code = getattr(rule, "__code__", None)
    # ad.deflinear / deflinear2 install a rule that calls ad.linear_jvp
    return code is not None and "linear_jvp" in code.co_names


def _gaps(prim) -> list[str]:
    gaps = []
    if getattr(prim, "custom_bind", False):
        for hook in ("process_custom_jvp_call", "process_custom_vjp_call"):
            if getattr(Trace, hook) is None:
                gaps.append(hook)
        if prim.abstract_eval is None:
            gaps.append("abstract_eval")
        return gaps
    has_impl = prim.impl is not None or type(prim).impl_apply is not Primitive.impl_apply \
        or "impl_apply" in vars(prim)
    if not has_impl:
        gaps.append("impl")
    if prim.abstract_eval is None:
        gaps.append("abstract_eval")
    if prim not in batching.primitive_batchers and prim.name not in JAX_HAS_NO_BATCHING:
        gaps.append("batching rule")
    if prim not in ad.primitive_jvps and prim.name not in JAX_HAS_NO_JVP:
        gaps.append("JVP rule (or ad.defjvp_zero)")
    if _is_linear(prim) and prim not in ad.primitive_transposes:
        gaps.append("transpose rule (linear primitive)")
    return gaps


def test_rule_coverage_of_every_registered_primitive():
    prims = _collect_primitives()
    assert len(prims) > 10
    report = {p.name: g for p in prims if (g := _gaps(p))}
    assert not report, "primitives with missing rules:\n" + "\n".join(
        f"  {name}: {', '.join(gaps)}" for name, gaps in sorted(report.items()))


def test_rule_coverage_sees_core_and_higher_order_primitives():
    names = {p.name for p in _collect_primitives()}
    for expected in ["sin", "add", "reduce_sum", "broadcast_in_dim", "jit", "add_any",
                     "custom_jvp_call", "custom_vjp_call", "custom_lin", "remat2", "name"]:
        assert expected in names


def test_exempt_primitives_still_fail_loudly_under_jvp():
    # the JAX_HAS_NO_JVP exemption is only honest if differentiation raises
    for p in _collect_primitives():
        if p.name in JAX_HAS_NO_JVP:
            assert p not in ad.primitive_jvps, f"{p.name} has a JVP now: drop the exemption"
