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

The best candidates are scored again with an IDF-weighted character trigram view
(`grams.GramWeights`, `GRAM_WEIGHT` of the score) and checked for agreement (`agreement.Traits`):
a brand, a colour, a model code, a size, a unit or a pack that the text and the product both
state, differently, costs `CONFLICT_PENALTY` points each, so that the product agreeing with the
text comes first. Each match then says how sure it is (`Match.confidence`, `Sureness`): its score
less what the query asked that the product lacks, what the product states beyond what a member
leaves out, and a runner-up close behind.

`classify` turns a ranking into a decision: match automatically, ask someone, or treat the text as
a product the catalog does not have.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from rapidfuzz import fuzz, process

from suppliers.errors import N_, Message
from suppliers.matching.agreement import Traits, learn_brands
from suppliers.matching.grams import QueryGrams
from suppliers.matching.index import Term, TermIndex
from suppliers.matching.normalize import normalize, parse_quantities, split_reference

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
    """How sure a match is, from 0 to 100: its score, less what the query asked that the
    product lacks, what the product states that the query did not ask beyond the usual, and a
    runner-up close behind.

    A product taken out of the catalog leaves its siblings: the same paper, recycled; the same
    power strip, with a switch. They resemble the query as much as the right product would, but
    lack a word it asked ("citron" for "eucalyptus"), or state more than a member would leave
    out, and their own siblings are close behind.
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
    reason: Message


#: default thresholds of `classify`, chosen on the tuning set only (see `benchmarks/matching.py
#: --tune`): `AUTO`, on the confidence, is the lowest at which no query for a product taken out of
#: the catalog, nor any wrongly matched query, is matched automatically; `REVIEW`, on the score,
#: the highest at which at most 5 % of right matches are taken for new products
AUTO = 49.0
REVIEW = 57.0
GAP = 2.0


def classify(
    matches: Sequence[Match],
    *,
    query: str | None = None,
    auto: float = AUTO,
    review: float = REVIEW,
    gap: float = GAP,
) -> Decision:
    """Decide whether the best match is the product the `query` text means.

    - Confident at `auto` or above (`Match.confidence`), ahead of the runner-up by at least
      `gap` points, with no brand, model code, colour, size, unit or pack that contradicts
      the text, and holding every catalog word of the text that another of the best products
      holds (`Evidence.contested`): the match is taken without asking.
    - A score below `review`: nothing in the catalog resembles the text enough; it is a new
      product.
    - Otherwise someone confirms.
    - Something stated differently on both sides ("80 g" against "90 g", "Kusmi" against
      "Lipton") means another product: it moves the verdict one step down (auto to review,
      review to new). Sizes are compared here when the query is given and the matcher found no
      conflict itself.
    """
    if not matches:
        return Decision(Verdict.NEW, None, Message(N_("nothing in the catalog resembles it")))
    best = matches[0]
    conflicts = list(best.conflicts)
    if query is not None and not conflicts:
        conflicts = parse_quantities(query).conflicts(parse_quantities(best.name))
    runner_up = matches[1] if len(matches) > 1 else None
    ahead = best.score - runner_up.score if runner_up is not None else 100.0
    confidence = best.confidence
    if confidence is None:
        confidence = SURENESS(best.score, Evidence(gap=ahead))
    sure = {"confidence": f"{confidence:g}"}
    if best.score < review:
        return Decision(
            Verdict.NEW,
            best,
            Message(
                N_("score %(score)s is below %(threshold)s"),
                {"score": f"{best.score:g}", "threshold": f"{review:g}"},
            ),
        )
    taken = confidence >= auto and ahead >= gap
    contested = best.evidence.contested if best.evidence is not None else ()
    unknown = best.evidence.unknown_names if best.evidence is not None else ()
    if taken and not conflicts and not contested and not unknown:
        return Decision(Verdict.AUTO, best, Message(N_("confidence %(confidence)s"), sure))
    if conflicts:
        # one placeholder per conflict, each a message of its own
        detail = Message(
            "; ".join(f"%(c{i})s" for i in range(len(conflicts))),
            {f"c{i}": conflict for i, conflict in enumerate(conflicts)},
        )
        if taken:
            return Decision(
                Verdict.REVIEW,
                best,
                Message(
                    N_("confidence %(confidence)s but %(conflicts)s"),
                    {**sure, "conflicts": detail},
                ),
            )
        return Decision(
            Verdict.NEW,
            best,
            Message(
                N_("confidence %(confidence)s and %(conflicts)s"), {**sure, "conflicts": detail}
            ),
        )
    if taken and contested:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_(
                    "confidence %(confidence)s but the text asks for “%(words)s”, which another "
                    "product has and this one lacks"
                ),
                {**sure, "words": "/".join(contested)},
            ),
        )
    if taken:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_(
                    "confidence %(confidence)s but the text names “%(words)s”, unknown to the "
                    "catalog, and not this product's brand"
                ),
                {**sure, "words": "/".join(unknown)},
            ),
        )
    if runner_up is not None and ahead < SURENESS.close:
        return Decision(
            Verdict.REVIEW,
            best,
            Message(
                N_("confidence %(confidence)s, runner-up “%(name)s” only %(gap)s points behind"),
                {**sure, "name": runner_up.name, "gap": f"{ahead:.1f}"},
            ),
        )
    return Decision(
        Verdict.REVIEW,
        best,
        Message(N_("confidence %(confidence)s is below %(auto)s"), {**sure, "auto": f"{auto:g}"}),
    )
