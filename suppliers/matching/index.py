"""Candidate selection: which catalog products are worth scoring for a query.

An index over the words of the normalised names, weighted by inverse document frequency (IDF): a
query word shared by few products says much, one shared by thousands says little. The weighted
overlap ranks the products sharing words with the query, and only the best of them go on to
rapidfuzz. Words the
catalog never uses (typos, abbreviations) are looked up in the catalog's vocabulary, by prefix
("poub" -> "poubelle") or by edit distance ("ramete" -> "ramette"), so that they still select
candidates.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA

from suppliers.matching.grams import GramWeights

#: a vocabulary word must look this much like an unknown query word to stand in for it (0-1)
SIMILAR = 0.75
#: how many vocabulary words may stand in for one unknown query word
EXPANSIONS = 3
#: words members use for what catalogs call otherwise (normalised forms)
SYNONYMS = {
    "marron": ("brun", "havane"),
    "plastique": ("polypropylene", "pp", "pvc"),
    "tricolore": ("couleur",),
}
SYNONYM_WEIGHT = 0.8
#: weight of a prefix or edit-distance stand-in relative to a word written as the catalog does
PREFIX_WEIGHT = 0.9


_LETTERS_DIGITS = re.compile(r"[a-z]+|\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Term:
    """A catalog word standing for a query word, with how much it counts (0-1)."""

    word: str
    weight: float


class Vocabulary:
    """The words of a catalog, searchable by prefix and by edit distance."""

    def __init__(self, frequency: Counter[str], references: Iterable[str] = ()) -> None:
        """The catalog's words and how many products hold each; the words only found in supplier
        `references` are looked up as typed, never as a misspelling."""
        self.frequency = frequency
        self.sorted = sorted(frequency)
        only_references = set(references)
        # codes and quantities are not misspelt versions of each other: "80g" is not "90g"
        self.by_length: defaultdict[int, list[str]] = defaultdict(list)
        for word in self.sorted:
            if word.isalpha() and len(word) >= 3 and word not in only_references:
                self.by_length[len(word)].append(word)
        self.lookup = lru_cache(maxsize=65536)(self._lookup)

    def _alike(self, word: str) -> list[tuple[str, float]]:
        """The `EXPANSIONS` vocabulary words most like `word` (OSA similarity at least
        `SIMILAR`), ties in alphabetical order.

        Only words of a close length can be alike: a similarity of 0.75 allows one edit in four
        letters, and each letter more or less is an edit."""
        alike: list[tuple[str, float]] = []
        shortest = math.floor(SIMILAR * len(word))
        longest = math.ceil(len(word) / SIMILAR)
        for length in range(shortest, longest + 1):
            alike += [
                (candidate, similarity)
                for candidate, similarity, _ in process.extract(
                    word,
                    self.by_length.get(length, ()),
                    scorer=OSA.normalized_similarity,
                    score_cutoff=SIMILAR,
                    limit=EXPANSIONS,
                )
            ]
        alike.sort(key=lambda found: (-found[1], found[0]))
        return alike[:EXPANSIONS]

    def __contains__(self, word: str) -> bool:
        return word in self.frequency

    def _lookup(self, word: str) -> tuple[Term, ...]:
        """Catalog words a query word may stand for, best first; itself if the catalog has it."""
        if word in SYNONYMS:
            known = [Term(w, SYNONYM_WEIGHT) for w in SYNONYMS[word] if w in self.frequency]
            if word in self.frequency:
                known.insert(0, Term(word, 1.0))
            if known:
                return tuple(known[:EXPANSIONS])
        if word in self.frequency:
            return (Term(word, 1.0),)
        parts = _LETTERS_DIGITS.findall(word)
        if len(parts) > 1 and all(p in self.frequency for p in parts):
            # "hp303" for "HP 303"
            return tuple(Term(p, 1.0) for p in parts)
        if not word.isalpha() or len(word) < 3:
            return ()
        found: dict[str, float] = {}
        start = bisect.bisect_left(self.sorted, word)
        prefixed = []
        for candidate in self.sorted[start : start + 200]:
            if not candidate.startswith(word):
                break
            prefixed.append(candidate)
        prefixed.sort(key=lambda w: -self.frequency[w])
        for candidate in prefixed[:EXPANSIONS]:
            found[candidate] = PREFIX_WEIGHT
        if len(word) >= 4:
            # OSA counts a swap of two letters as one slip, as a typist makes it
            for candidate, similarity in self._alike(word):
                found[candidate] = max(found.get(candidate, 0.0), similarity)
        best = sorted(found.items(), key=lambda item: (-item[1], -self.frequency[item[0]]))
        return tuple(Term(w, s) for w, s in best[:EXPANSIONS])


class TermIndex:
    """IDF-weighted word overlap between a query and normalised product names.

    The similarity of a product to a query blends two shares of information (each word counting
    its IDF squared): the share of the query the product contains, which matters most since a
    member names what they want, and the share of the product the query mentions, which prefers
    "Papier A4 80 g" to a longer name carrying the same words and more.
    """

    def __init__(
        self,
        documents: Sequence[str],
        references: Sequence[str] = (),
        query_share: float = 0.75,
    ) -> None:
        """Index normalised `documents`; a product's `references` (supplier codes) select it
        when a query names them but do not count in its information otherwise."""
        self.size = len(documents)
        self.query_share = query_share
        # one entry per (product, word) pair, the words of names first, then those of references
        words_of = [set(text.split()) for text in documents]
        codes_of = [set(codes.split()) - words_of[row] for row, codes in enumerate(references)]
        pairs = [*chain.from_iterable(words_of), *chain.from_iterable(codes_of)]
        words = list(dict.fromkeys(pairs))
        ids = {word: i for i, word in enumerate(words)}
        occurrences = np.fromiter(map(ids.__getitem__, pairs), dtype=np.int32, count=len(pairs))
        products = np.concatenate(
            [
                np.repeat(np.arange(self.size, dtype=np.int32), [len(w) for w in words_of]),
                np.repeat(np.arange(len(codes_of), dtype=np.int32), [len(c) for c in codes_of]),
            ]
        )
        named = sum(map(len, words_of))
        frequency = np.bincount(occurrences, minlength=len(words))
        self.idf = {
            word: math.log((1 + self.size) / (1 + int(count))) + 1.0
            for word, count in zip(words, frequency, strict=True)
        }
        self.unknown_idf = math.log(1 + self.size) + 1.0
        squared = np.array([self.idf[word] ** 2 for word in words])
        #: the information of each product's name: its words' IDF squared
        self.stated = np.bincount(
            products[:named], weights=squared[occurrences[:named]], minlength=self.size
        )
        information = np.where(self.stated > 0, self.stated, 1.0)
        # a named reference is all a product needs to be recognised
        np.maximum.at(information, products[named:], squared[occurrences[named:]])
        self.optional = _optional_words(words, occurrences[:named], products[:named], self.size)
        self.vocabulary = Vocabulary(
            Counter(dict(zip(words, frequency.tolist(), strict=True))),
            (words[i] for i in np.setdiff1d(occurrences[named:], occurrences[:named]).tolist()),
        )
        self.grams = GramWeights(self.vocabulary.frequency, self.size)
        # the postings of all words in one array, word after word, each word's in catalog order
        order = np.lexsort((products, occurrences))
        postings = products[order]
        shares = squared[occurrences[order]] / information[postings]
        ends = np.cumsum(frequency).tolist()
        starts = [0, *ends[:-1]] if ends else []
        largest = np.maximum.reduceat(shares, starts).tolist() if words else []
        self.postings: dict[str, NDArray[np.int32]] = {}
        self.product_share: dict[str, NDArray[np.float64]] = {}
        #: the largest share a word has of a product's information
        self.largest_share: dict[str, float] = {}
        for word, start, end, top in zip(words, starts, ends, largest, strict=True):
            self.postings[word] = postings[start:end]
            self.product_share[word] = shares[start:end]
            self.largest_share[word] = top

    def terms(self, words: Iterable[str]) -> list[tuple[str, list[Term]]]:
        """Each query word with the catalog words that stand for it."""
        return [(w, list(self.vocabulary.lookup(w))) for w in dict.fromkeys(words)]

    def similarity(self, terms: Sequence[tuple[str, list[Term]]]) -> Similarity:
        """Similarity of the query to the products (0-1)."""
        postings: list[NDArray[np.int32]] = []
        query_parts: list[float] = []
        stand_in_weights: list[float] = []
        product_parts: list[NDArray[np.float64]] = []
        largest_shares: list[float] = []
        query_information = 0.0
        for _, stand_ins in terms:
            if not stand_ins:
                # a word the catalog does not have is part of what the member asked for
                query_information += self.unknown_idf**2
                continue
            best = 0.0
            for term in stand_ins:
                information = (term.weight * self.idf[term.word]) ** 2
                best = max(best, information)
                postings.append(self.postings[term.word])
                query_parts.append(information)
                stand_in_weights.append(term.weight)
                product_parts.append(self.product_share[term.word])
                largest_shares.append(term.weight * self.largest_share[term.word])
            query_information += best
        if not postings:
            return Similarity(np.zeros(self.size), [], [])
        lengths = [len(p) for p in postings]
        shares = np.concatenate(product_parts)
        if any(weight != 1.0 for weight in stand_in_weights):
            shares *= np.repeat(stand_in_weights, lengths)
        share = self.query_share / query_information
        weights = (
            np.repeat(np.array(query_parts) * share, lengths) + (1 - self.query_share) * shares
        )
        sums = np.bincount(np.concatenate(postings), weights=weights, minlength=self.size)
        bounds = [
            part * share + (1 - self.query_share) * largest
            for part, largest in zip(query_parts, largest_shares, strict=True)
        ]
        return Similarity(sums, postings, bounds)


@dataclass(frozen=True)
class Similarity:
    """A query's similarity to the products (0-1), and for each catalog word standing for a
    query word (a term) the products holding it and the most it adds to one of them."""

    #: the similarity of each product, indexed by product, before it is capped at 1 (several
    #: catalog words may stand for one query word)
    sums: NDArray[np.float64]
    postings: list[NDArray[np.int32]]
    bounds: list[float]

    def everywhere(self) -> NDArray[np.float64]:
        """The similarity of every product, indexed by product."""
        return np.minimum(self.sums, 1.0)

    def of(self, rows: NDArray[np.intp]) -> NDArray[np.float64]:
        """The similarity of the given products."""
        return np.minimum(self.sums[rows], 1.0)

    def best(self, count: int) -> NDArray[np.intp]:
        """The `count` most similar products (fewer if fewer share a term), in catalog order;
        among products as similar, the first in the catalog.

        The terms held by most products (common words: "papier", "a4") add little to any of
        them. The products holding one of the rarer terms are looked at first; if the common
        terms together cannot lift a product holding none of the rarer ones up to the
        `count`-th of those, the products holding only common terms are never looked at.
        """
        rarest_first = sorted(range(len(self.postings)), key=lambda t: len(self.postings[t]))
        # the most the terms after the k rarest add to a product, for each k
        rest = [*reversed([*accumulate(self.bounds[t] for t in reversed(rarest_first))]), 0.0]
        for held in range(1, len(rarest_first) + 1):
            last = held == len(rarest_first)
            if rest[held] >= 1.0 and not last:
                continue  # any product may still be the best
            touched = np.concatenate([self.postings[t] for t in rarest_first[:held]])
            if len(touched) < count and not last:
                continue
            rows = _distinct(touched)
            values = self.of(rows)
            if last or rest[held] < _kth(values, count) * (1 - 1e-9):
                return _best(rows, values, count)
        return np.zeros(0, dtype=np.intp)


def _optional_words(
    words: list[str], occurrences: NDArray[np.int32], products: NDArray[np.int32], size: int
) -> frozenset[str]:
    """Words some product's name holds when the catalog also sells that product without them:
    "recyclé" when both "Film à bulles 120 cm x 10 m" and "... recyclé" are sold.

    `occurrences` and `products` give each (product, word) pair of the names, product after
    product. Each word set is summed up as the exclusive-or of random 64-bit codes of its words,
    so that a name less one of its words is looked up without building it.
    """
    if not len(occurrences):
        return frozenset()
    codes = np.random.default_rng(0).integers(0, 2**63, size=len(words), dtype=np.int64)
    held = codes[occurrences]
    counts = np.bincount(products, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    named = counts > 0
    signatures = np.zeros(size, dtype=np.int64)
    signatures[named] = np.bitwise_xor.reduceat(held, starts[named])
    without = signatures[products] ^ held
    sold = np.isin(without, signatures[named])
    return frozenset(words[i] for i in np.unique(occurrences[sold]).tolist())


def _distinct(rows: NDArray[np.int32]) -> NDArray[np.intp]:
    """The rows, each once, in ascending order."""
    ordered = np.sort(rows).astype(np.intp)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _kth(values: NDArray[np.float64], count: int) -> float:
    """The `count`-th largest value, 0 if there are fewer."""
    if len(values) < count:
        return 0.0
    return float(np.partition(values, -count)[-count])


def _best(rows: NDArray[np.intp], values: NDArray[np.float64], count: int) -> NDArray[np.intp]:
    """The `count` rows of largest value, the first rows among equal values, in row order;
    `rows` are in ascending order."""
    if len(rows) <= count:
        return rows
    threshold = _kth(values, count)
    above = values > threshold
    tied = np.flatnonzero(values == threshold)[: count - int(above.sum())]
    above[tied] = True
    return rows[above]
