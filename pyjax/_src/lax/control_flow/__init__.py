"""Control flow: cond, switch, while_loop, fori_loop, scan, map, associative_scan and the
implicitly differentiated solvers (and their primitives)."""
from pyjax._src.lax.control_flow.associative_scan import associative_scan
from pyjax._src.lax.control_flow.cond import cond, cond_p, switch
from pyjax._src.lax.control_flow.loops import (fori_loop, map, scan, scan_p, while_loop,
                                               while_p)
from pyjax._src.lax.control_flow.solves import custom_linear_solve, custom_root, linear_solve_p

__all__ = ["associative_scan", "cond", "cond_p", "switch", "custom_linear_solve", "custom_root",
           "fori_loop", "linear_solve_p", "map", "scan", "scan_p", "while_loop", "while_p"]
