"""Fuzzy matching of free text to catalog products.

`normalize` writes product texts one way, `ProductMatcher` ranks a catalog's products for a text,
`classify` decides what a ranking means (take it, have it reviewed, or treat it as a new product).
"""

from suppliers.matching.deciding import AUTO, GAP, REVIEW, Decision, Verdict, classify
from suppliers.matching.matcher import Match, ProductMatcher
from suppliers.matching.normalize import Quantities, normalize, parse_quantities, split_reference

__all__ = [
    "AUTO",
    "GAP",
    "REVIEW",
    "Decision",
    "Match",
    "ProductMatcher",
    "Quantities",
    "Verdict",
    "classify",
    "normalize",
    "parse_quantities",
    "split_reference",
]
