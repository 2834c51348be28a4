"""How sure a match is: what tells a product from its siblings, and what that is worth.

A product taken out of the catalog leaves siblings that resemble the query as much as it would:
the same paper, recycled; the same power strip, with a switch. `Evidence` records what the query
and a product state apart (words asked and lacking, optional words unasked, words the catalog
cannot read, the runner-up's distance); `Sureness` weighs it into a confidence from 0 to 100.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """How a product's words stand against a query's, each from 0 to 1, and how far ahead of
    the next product it is (points; negative for a product behind the best).

    - ``missing``: the share of the information of the query's catalog words (IDF squared) the
      product lacks: "citron" asked, "eucalyptus" offered. Words the catalog never uses are
      typos or noise and do not count.
    - ``extra``: the share of the product's information the query does not mention.
    - ``optional``: the share of the product's information in words the query does not mention
      and the catalog sells products without (`TermIndex.optional`): "recyclé" offered for
      "papier toilette lotus 2 plis", when the catalog sells papers with and without it.
    - ``contested``: catalog words the query asks that the product lacks and another of the
      best products holds: "froid" asked, "blanc chaud" offered and "blanc froid" close by.
    - ``unread``: the share of the query's words the catalog does not know, even misspelt:
      what they ask cannot be checked.
    - ``unknown_names``: those words that could be a name (three letters or more), when the
      product has a brand the query does not name: "kusmi earl grey" offered Lipton's tea.
    """

    missing: float = 0.0
    extra: float = 0.0
    gap: float = 100.0
    optional: float = 0.0
    contested: tuple[str, ...] = ()
    unread: float = 0.0
    unknown_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sureness:
    """How sure a match is, from 0 to 100: its score, less what the product states that the
    query did not ask (optional words above all), what the query says that the catalog cannot
    read, and a runner-up close behind.

    A product taken out of the catalog leaves its siblings: the same paper, recycled; the same
    power strip, with a switch. They resemble the query as much as the right product would, but
    state an option the member did not ask for, and their own siblings are close behind. A
    sibling lacking a word the query asks is told apart by the contested words instead
    (`deciding.classify`), which is why the information lacking weighs nothing by default.
    """

    #: confidence lost when the product lacks all the information of the query's catalog words
    missing: float = 0.0
    #: confidence lost when the query mentions none of the product's information, beyond
    #: `extra_allowed`: a member names a product in fewer words than the catalog
    extra: float = 40.0
    extra_allowed: float = 0.3
    #: a runner-up this many points behind or more leaves the confidence as it is; each point
    #: closer costs `runner_up`
    close: float = 20.0
    runner_up: float = 2.0
    #: confidence lost when all the product's information is in optional words the query does
    #: not mention
    optional: float = 200.0
    #: confidence lost when the catalog knows none of the query's words
    unread: float = 20.0

    def __call__(self, score: float, evidence: Evidence) -> float:
        return max(
            0.0,
            score
            - self.missing * evidence.missing
            - self.extra * max(0.0, evidence.extra - self.extra_allowed)
            - self.runner_up * max(0.0, self.close - evidence.gap)
            - self.optional * evidence.optional
            - self.unread * evidence.unread,
        )


#: the weights of the matcher's confidence, chosen on the tuning set only (see
#: `benchmarks/matching.py --tune`)
SURENESS = Sureness()
