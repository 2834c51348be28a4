"""coachat's decision engine: plain data in, plain data out; no database, no web.

Build a :class:`Problem`, call :func:`solve`, read the :class:`Solution`; :func:`frontier`
traces the cost-versus-ecology trade-off; :mod:`optimizer.jsonio` reads and writes the
documented JSON formats.
"""

from optimizer.engine import solve
from optimizer.groups import Reason
from optimizer.problem import (
    DeliveryCost,
    InvalidProblem,
    Location,
    Need,
    Offer,
    Policy,
    PriceTier,
    Problem,
    Product,
    Rules,
    Site,
    Supplier,
    Weights,
)
from optimizer.solution import Solution
from optimizer.solve import SolveOptions, Status

__all__ = [
    "DeliveryCost",
    "InvalidProblem",
    "Location",
    "Need",
    "Offer",
    "Policy",
    "PriceTier",
    "Problem",
    "Product",
    "Reason",
    "Rules",
    "Site",
    "Solution",
    "SolveOptions",
    "Status",
    "Supplier",
    "Weights",
    "solve",
]
