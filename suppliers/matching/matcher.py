"""Ranking catalog products for a text, and deciding what a ranking means.

`ProductMatcher` ranks in two steps: an IDF-weighted word index selects the products sharing the
most telling words with the query, then rapidfuzz scores those candidates on the normalised text.
The score blends three views so that no single blind spot decides:

- the IDF-weighted word overlap of the index, which knows that a brand or a size says more than
  "papier";
- `token_set_ratio`, the best rapidfuzz scorer for ranking, which forgives extra words on one side
  but gives 100 to a one-word name contained in the query;
- `token_sort_ratio`, which compares the whole texts and so ranks a one-word name below a precise
  one.

The best candidates are then checked for agreement (`agreement.Traits`): a brand, a colour, a
model code, a size or a pack that the text and the product both state, differently, costs
`CONFLICT_PENALTY` points each, so that the product agreeing with the text comes first.

`classify` turns a ranking into a decision: match automatically, ask someone, or treat the text as
a product the catalog does not have.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from suppliers.matching.agreement import Traits, learn_brands
from suppliers.matching.index import Term, TermIndex
from suppliers.matching.normalize import normalize, parse_quantities, split_reference

#: share of each view in the score; they add up to 1
COVERAGE_WEIGHT = 0.6
SET_WEIGHT = 0.2
SORT_WEIGHT = 0.2
#: products handed from the index to rapidfuzz for each query
CANDIDATES = 60
#: best-scored products checked for conflicts with the query, and the points each conflict costs
CHECKED = 10
CONFLICT_PENALTY = 8.0


@dataclass(frozen=True)
class Match:
    """A catalog product proposed for a text, with its score from 0 (nothing alike) to 100, and
    what the text and the product state differently (see `agreement.Traits.conflicts`)."""

    key: Hashable
    name: str
    score: float
    conflicts: tuple[str, ...] = field(default=(), compare=False)


def _written(word: str, stand_ins: Sequence[Term]) -> str:
    """How a query word is written for rapidfuzz: as the catalog writes it when it has a stand-in
    ("poub" -> "poubelle"), as its parts when it was glued ("hp303" -> "hp 303")."""
    if not stand_ins:
        return word
    if len(stand_ins) > 1 and "".join(t.word for t in stand_ins) == word:
        return " ".join(t.word for t in stand_ins)
    return stand_ins[0].word


class ProductMatcher:
    """Ranks the products of a catalog for free text.

    Built once from ``(key, name)`` pairs, where the key is whatever identifies the product to the
    caller (a product id, a catalog line). ``candidates`` is how many products the index hands to
    rapidfuzz per query; ranking with ``exhaustive=True`` scores every product instead, which is
    slower and only serves to measure what candidate selection loses.
    """

    def __init__(
        self, products: Iterable[tuple[Hashable, str]], candidates: int = CANDIDATES
    ) -> None:
        pairs = list(products)
        self.keys = [key for key, _ in pairs]
        self.names = [name for _, name in pairs]
        split = [split_reference(name) for name in self.names]
        self.normalized = [normalize(rest) for rest, _ in split]
        references = [normalize(reference) for _, reference in split]
        self.index = TermIndex(self.normalized, references)
        self.candidates = candidates
        self.brands = learn_brands(self.names)
        self._traits: dict[int, Traits] = {}

    def __len__(self) -> int:
        return len(self.keys)

    def _query(self, text: str) -> tuple[str, list[tuple[str, list[Term]]]]:
        """The normalised query with unknown words replaced by the catalog word they most likely
        stand for, and the index terms of each word."""
        terms = self.index.terms(normalize(text).split())
        words = [_written(word, stand_ins) for word, stand_ins in terms]
        return " ".join(words), terms

    def traits(self, row: int) -> Traits:
        """Brands, colours, codes, sizes and pack of a product, read once."""
        found = self._traits.get(row)
        if found is None:
            found = self._traits[row] = Traits.read(self.normalized[row], self.brands)
        return found

    def rank(self, query: str, top: int = 5, exhaustive: bool = False) -> list[Match]:
        """The `top` best products for the query, best first.

        Only products sharing a word with the query (or a catalog word standing for one of its
        words) are proposed, so there may be fewer than `top`; ``exhaustive=True`` scores them
        all.
        """
        text, terms = self._query(query)
        if not text or not self.keys:
            return []
        similarity = self.index.similarity(terms)
        if exhaustive:
            rows = np.arange(len(self.keys))
            choices: Sequence[str] = self.normalized
        else:
            rows = similarity.best(self.candidates)
            choices = [self.normalized[i] for i in rows]
        if len(rows) == 0:
            return []
        ratios = process.cdist(
            [text],
            choices,
            scorer=fuzz.token_set_ratio,
            dtype=np.float32,
            workers=-1 if exhaustive else 1,
        )[0]
        sorts = process.cdist(
            [text],
            choices,
            scorer=fuzz.token_sort_ratio,
            dtype=np.float32,
            workers=-1 if exhaustive else 1,
        )[0]
        scores = (
            COVERAGE_WEIGHT * 100 * similarity.scores[rows]
            + SET_WEIGHT * ratios
            + SORT_WEIGHT * sorts
        )
        order = np.lexsort((rows, -scores))[: max(top, CHECKED)]
        wanted = Traits.read(text, self.brands)
        checked = []
        for i in order:
            row = int(rows[i])
            conflicts = tuple(wanted.conflicts(self.traits(row)))
            score = max(0.0, float(scores[i]) - CONFLICT_PENALTY * len(conflicts))
            checked.append((-round(score, 1), row, conflicts))
        checked.sort()
        return [
            Match(self.keys[row], self.names[row], -negative, conflicts)
            for negative, row, conflicts in checked[:top]
        ]

    def rank_many(
        self, queries: Iterable[str], top: int = 5, exhaustive: bool = False
    ) -> list[list[Match]]:
        """`rank` for each query, in order."""
        return [self.rank(query, top, exhaustive) for query in queries]


class Verdict(enum.StrEnum):
    """What to do with a text given its best matches."""

    AUTO = "auto"
    REVIEW = "review"
    NEW = "new"


@dataclass(frozen=True)
class Decision:
    """A verdict, the product it is about (if any) and why, in words a purchasing lead reads."""

    verdict: Verdict
    match: Match | None
    reason: str


#: default thresholds of `classify`, chosen on the tuning set (see benchmarks/matching.py): the
#: lowest automatic threshold at which no query for a product taken out of the catalog is matched
#: automatically
AUTO = 88.0
REVIEW = 60.0
GAP = 4.0


def classify(
    matches: Sequence[Match],
    *,
    query: str | None = None,
    auto: float = AUTO,
    review: float = REVIEW,
    gap: float = GAP,
) -> Decision:
    """Decide whether the best match is the product the `query` text means.

    - Above `auto`, ahead of the runner-up by at least `gap` points, and with no size or pack
      that contradicts the text: the match is taken without asking.
    - Between `review` and `auto`, or above `auto` with a runner-up too close: someone confirms.
    - Below `review`: the catalog does not have it; it is a new product.
    - A size or pack count stated differently on both sides ("80 g" against "90 g") means another
      product: it moves the verdict one step down (auto to review, review to new). Sizes are
      only compared when the query is given.
    """
    if not matches:
        return Decision(Verdict.NEW, None, "nothing in the catalog resembles it")
    best = matches[0]
    conflicts = list(best.conflicts)
    if query is not None and not conflicts:
        conflicts = parse_quantities(query).conflicts(parse_quantities(best.name))
    runner_up = matches[1] if len(matches) > 1 else None
    close = runner_up is not None and best.score - runner_up.score < gap
    if best.score < review:
        return Decision(
            Verdict.NEW, best, f"best score {best.score:g} is below the review threshold {review:g}"
        )
    if best.score >= auto and not close and not conflicts:
        return Decision(Verdict.AUTO, best, f"score {best.score:g}, sizes agree or are not given")
    if conflicts:
        detail = "; ".join(conflicts)
        if best.score >= auto:
            return Decision(Verdict.REVIEW, best, f"score {best.score:g} but {detail}")
        return Decision(Verdict.NEW, best, f"score {best.score:g} and {detail}")
    if close and runner_up is not None:
        return Decision(
            Verdict.REVIEW,
            best,
            f"score {best.score:g}, runner-up {runner_up.name!r} only "
            f"{best.score - runner_up.score:.1f} points behind",
        )
    return Decision(
        Verdict.REVIEW, best, f"score {best.score:g} is between {review:g} and {auto:g}"
    )
