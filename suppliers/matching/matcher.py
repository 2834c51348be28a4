"""Ranking catalog products for a text.

`ProductMatcher` ranks in two steps: an IDF-weighted word index selects the products sharing the
most telling words with the query, then rapidfuzz scores those candidates on the normalised text.
The score blends three views so that no single blind spot decides:

- the IDF-weighted word overlap of the index, which knows that a brand or a size says more than
  "papier";
- `token_set_ratio`, the best rapidfuzz scorer for ranking, which forgives extra words on one side
  but gives 100 to a one-word name contained in the query;
- `token_sort_ratio`, which compares the whole texts and so ranks a one-word name below a precise
  one.

The best candidates are scored again with an IDF-weighted character trigram view
(`grams.GramWeights`, `GRAM_WEIGHT` of the score) and checked for agreement (`agreement.Traits`):
a brand, a colour, a model code, a size, a unit or a pack that the text and the product both
state, differently, costs `CONFLICT_PENALTY` points each, so that the product agreeing with the
text comes first. Each match then says how sure it is (`Match.confidence`, `Sureness`): its score
less what the query asked that the product lacks, what the product states beyond what a member
leaves out, and a runner-up close behind.

`deciding.classify` turns a ranking into a decision: match automatically, ask someone, or treat
the text as a product the catalog does not have.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from rapidfuzz import fuzz, process

from suppliers.errors import Message
from suppliers.matching.agreement import Traits, learn_brands
from suppliers.matching.confidence import SURENESS, Evidence
from suppliers.matching.grams import QueryGrams
from suppliers.matching.index import Term, TermIndex
from suppliers.matching.normalize import normalize, split_reference

#: share of each view in the score; they add up to 1
COVERAGE_WEIGHT = 0.6
SET_WEIGHT = 0.2
SORT_WEIGHT = 0.2
#: share of the IDF-weighted character trigram view in the score of the best candidates, taken
#: from the three views above in proportion
GRAM_WEIGHT = 0.2
#: products handed from the index to rapidfuzz for each query
CANDIDATES = 60
#: best-scored products checked for conflicts with the query, and the points each conflict costs
CHECKED = 10
CONFLICT_PENALTY = 8.0


@dataclass(frozen=True)
class Match:
    """A catalog product proposed for a text, with its score from 0 (nothing alike) to 100,
    what the text and the product state differently (see `agreement.Traits.conflicts`), and how
    sure the match is (`Sureness`; without evidence, the score less the runner-up's closeness,
    judged by `classify`)."""

    key: Hashable
    name: str
    score: float
    conflicts: tuple[Message, ...] = field(default=(), compare=False)
    evidence: Evidence | None = field(default=None, compare=False)

    @property
    def confidence(self) -> float | None:
        if self.evidence is None:
            return None
        return round(SURENESS(self.score, self.evidence), 1)


class Asked:
    """What a query asks for in the catalog's words: each word's information (its stand-ins'
    best IDF squared) and the catalog words standing for it."""

    def __init__(self, idf: dict[str, float], terms: Sequence[tuple[str, list[Term]]]) -> None:
        self.words = [
            (
                max((t.weight * idf[t.word]) ** 2 for t in stand_ins),
                frozenset(t.word for t in stand_ins),
            )
            for _, stand_ins in terms
            if stand_ins
        ]
        self.information = sum(weight for weight, _ in self.words)
        #: the share of the query's words without a catalog word standing for them
        self.unread = round(1 - len(self.words) / len(terms), 3) if terms else 0.0
        #: the words the catalog does not know that could be names
        self.unknown_names = tuple(
            word for word, stand_ins in terms if not stand_ins and word.isalpha() and len(word) >= 3
        )
        self.mentioned = frozenset().union(*(stand_ins for _, stand_ins in self.words))


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
        self.references = [normalize(reference) for _, reference in split]
        self._reference_words = {
            row: frozenset(r.split()) for row, r in enumerate(self.references) if r
        }
        self.index = TermIndex(self.normalized, self.references)
        self.candidates = candidates
        self.brands = learn_brands(rest for rest, _ in split)

    def __len__(self) -> int:
        return len(self.keys)

    def _query(self, text: str) -> tuple[str, list[tuple[str, list[Term]]]]:
        """The normalised query with unknown words replaced by the catalog word they most likely
        stand for, and the index terms of each word."""
        terms = self.index.terms(normalize(text).split())
        words = [_written(word, stand_ins) for word, stand_ins in terms]
        return " ".join(words), terms

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
            coverage = similarity.everywhere()
            choices: Sequence[str] = self.normalized
        else:
            rows = similarity.best(self.candidates)
            coverage = similarity.of(rows)
            choices = [self.normalized[i] for i in rows.tolist()]
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
        scores = COVERAGE_WEIGHT * 100 * coverage + SET_WEIGHT * ratios + SORT_WEIGHT * sorts
        order = np.lexsort((rows, -scores))[: max(top, CHECKED)]
        wanted = Traits.read(text, self.brands)
        query_grams = QueryGrams(self.index.grams, text)
        checked = []
        for row, ranked in zip(rows[order].tolist(), scores[order].tolist(), strict=True):
            conflicts = (
                tuple(wanted.conflicts(Traits.read(self.normalized[row], self.brands, wanted)))
                if wanted
                else ()
            )
            # read again each time from the words' trigrams, which are kept: a cache per product
            # would hold a set for each of a large catalog's products
            alike = query_grams.similarity(self.normalized[row])
            blended = (1 - GRAM_WEIGHT) * ranked + GRAM_WEIGHT * 100 * alike
            score = max(0.0, blended - CONFLICT_PENALTY * len(conflicts))
            checked.append((-round(score, 1), row, conflicts))
        checked.sort()
        best = checked[:top]
        asked = Asked(self.index.idf, terms)
        # what the best products hold, a product's own words included: it lacks those it is
        # asked about, so that only the others can hold them
        held = frozenset(chain.from_iterable(self.normalized[row].split() for _, row, _ in checked))
        matches = []
        for place, (negative, row, conflicts) in enumerate(best):
            if place == 0:
                gap = -negative + checked[1][0] if len(checked) > 1 else 100.0
            else:
                gap = best[0][0] - negative
            evidence = self._evidence(asked, row, round(gap, 1), held)
            matches.append(Match(self.keys[row], self.names[row], -negative, conflicts, evidence))
        return matches

    def _evidence(
        self, asked: Asked, row: int, gap: float, held: frozenset[str] = frozenset()
    ) -> Evidence:
        """How the product's words stand against the query's (see `Evidence`), given the words
        the best products hold."""
        idf = self.index.idf
        words = set(self.normalized[row].split())
        found = words | self._reference_words.get(row, frozenset())
        lacking = [
            (weight, stand_ins) for weight, stand_ins in asked.words if stand_ins.isdisjoint(found)
        ]
        missing = sum(weight for weight, _ in lacking)
        stated = float(self.index.stated[row])
        unmentioned = words - asked.mentioned
        extra = sum(idf[w] ** 2 for w in unmentioned)
        optional = sum(idf[w] ** 2 for w in unmentioned & self.index.optional)
        contested = tuple(
            sorted(stand_ins & held)[0] for _, stand_ins in lacking if stand_ins & held
        )
        unnamed_brand = not self.brands.intersection(words) <= asked.mentioned
        return Evidence(
            round(missing / asked.information, 3) if asked.information else 0.0,
            round(extra / stated, 3) if stated else 0.0,
            gap,
            round(optional / stated, 3) if stated else 0.0,
            contested,
            asked.unread,
            asked.unknown_names if unnamed_brand else (),
        )

    def rank_many(
        self, queries: Iterable[str], top: int = 5, exhaustive: bool = False
    ) -> list[list[Match]]:
        """`rank` for each query, in order."""
        return [self.rank(query, top, exhaustive) for query in queries]
