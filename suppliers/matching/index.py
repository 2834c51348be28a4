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

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import process
from rapidfuzz.distance import OSA

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

    def __init__(self, frequency: Counter[str]) -> None:
        self.frequency = frequency
        self.sorted = sorted(frequency)
        # codes and quantities are not misspelt versions of each other: "80g" is not "90g"
        self.by_length: defaultdict[int, list[str]] = defaultdict(list)
        for word in self.sorted:
            if word.isalpha() and len(word) >= 3:
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
        ids: dict[str, int] = {}
        word_ids: list[int] = []
        rows: list[int] = []
        for row, text in enumerate(documents):
            for word in set(text.split()):
                word_ids.append(ids.setdefault(word, len(ids)))
                rows.append(row)
        named = len(word_ids)
        for row, codes_text in enumerate(references):
            for word in set(codes_text.split()) - set(documents[row].split()):
                word_ids.append(ids.setdefault(word, len(ids)))
                rows.append(row)
        words = list(ids)
        occurrences = np.array(word_ids, dtype=np.int32)
        products = np.array(rows, dtype=np.int32)
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
        self.vocabulary = Vocabulary(Counter(dict(zip(words, frequency.tolist(), strict=True))))
        self.grams = GramWeights(self.vocabulary.frequency, self.size)
        # the postings of all words in one array, word after word, each word's in catalog order
        order = np.lexsort((products, occurrences))
        postings = products[order]
        shares = squared[occurrences[order]] / information[postings]
        ends = np.cumsum(frequency).tolist()
        starts = [0, *ends[:-1]]
        self.postings: dict[str, NDArray[np.int32]] = {}
        self.product_share: dict[str, NDArray[np.float64]] = {}
        for word, start, end in zip(words, starts, ends, strict=True):
            self.postings[word] = postings[start:end]
            self.product_share[word] = shares[start:end]

    def terms(self, words: Iterable[str]) -> list[tuple[str, list[Term]]]:
        """Each query word with the catalog words that stand for it."""
        return [(w, list(self.vocabulary.lookup(w))) for w in dict.fromkeys(words)]

    def similarity(self, terms: Sequence[tuple[str, list[Term]]]) -> Similarity:
        """Similarity of the query to every product (0-1), indexed by product."""
        ids: list[NDArray[np.int32]] = []
        query_parts: list[float] = []
        term_weights: list[float] = []
        lengths: list[int] = []
        product_parts: list[NDArray[np.float64]] = []
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
                postings = self.postings[term.word]
                ids.append(postings)
                query_parts.append(information)
                term_weights.append(term.weight)
                lengths.append(len(postings))
                product_parts.append(self.product_share[term.word])
            query_information += best
        if not ids:
            return Similarity(np.zeros(self.size), np.zeros(0, dtype=np.int32), 0)
        product_shares = np.concatenate(product_parts)
        if any(weight != 1.0 for weight in term_weights):
            product_shares *= np.repeat(term_weights, lengths)
        weights = (
            np.repeat(np.array(query_parts) * (self.query_share / query_information), lengths)
            + (1 - self.query_share) * product_shares
        )
        touched = np.concatenate(ids)
        sums = np.bincount(touched, weights=weights, minlength=self.size)
        return Similarity(sums, touched, len(ids))


@dataclass(frozen=True)
class Similarity:
    """A query's similarity to every product, and which products share a word with it.

    ``sums`` may pass 1 when several catalog words stand for one query word: `of` caps them, for
    the products asked only, rather than passing over the whole catalog for every query.
    """

    sums: NDArray[np.float64]
    touched: NDArray[np.int32]
    terms: int

    def of(self, rows: NDArray[np.intp] | NDArray[np.int32]) -> NDArray[np.float64]:
        """The similarity of the given products (0-1)."""
        return np.minimum(self.sums[rows], 1.0)

    def best(self, count: int) -> NDArray[np.intp]:
        """Indices of the `count` most similar products (fewer if fewer share a word), in
        catalog order when they are not cut."""
        values = self.of(self.touched)
        # a product is touched once per shared word, so the best count x terms touches hold at
        # least `count` products; looking at touches only avoids a pass over the whole catalog
        enough = count * self.terms
        if len(values) > enough:
            threshold = np.partition(values, -enough)[-enough]
            hits = np.unique(self.touched[values >= threshold])
        else:
            hits = np.unique(self.touched)
        if len(hits) > count:
            hits = hits[np.argpartition(-self.of(hits), count - 1)[:count]]
        return hits.astype(np.intp)


#: length of the character n-grams compared between a query and a product
GRAM = 3


def grams(text: str) -> frozenset[str]:
    """The character trigrams of a normalised text, each word padded with spaces so that its
    beginning and end count: "kingtson" shares " ki", "kin", "ing" and "on " with "kingston"."""
    return frozenset().union(*(_word_grams(word) for word in text.split()))


@lru_cache(maxsize=65536)
def _word_grams(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))


class GramWeights:
    """Inverse document frequency of character trigrams, learned from the catalog's words.

    A trigram's document frequency is counted through the words that hold it (a word's products
    counted once per word), which is close to counting products and far cheaper for a large
    catalog. Rare trigrams ("ngs" of "kingston") say more than common ones ("ier" of "papier").
    A text's information is the sum of its words' (each word's trigrams weighing their IDF
    squared), read once per word.
    """

    def __init__(self, frequency: Counter[str], size: int) -> None:
        counts: Counter[str] = Counter()
        for word, products in frequency.items():
            for gram in _word_grams(word):
                counts[gram] += products
        #: squared IDF of each trigram, the weight it has in a text's information
        self.squared = {
            gram: (math.log((1 + size) / (1 + min(count, size))) + 1.0) ** 2
            for gram, count in counts.items()
        }
        self.unknown = (math.log(1 + size) + 1.0) ** 2
        self._words: dict[str, float] = {}

    def weight(self, gram: str) -> float:
        return self.squared.get(gram, self.unknown)

    def information(self, text_grams: Iterable[str]) -> float:
        squared, unknown = self.squared, self.unknown
        return sum([squared.get(g, unknown) for g in text_grams])

    def text(self, text: str) -> tuple[frozenset[str], float]:
        """The trigrams of a normalised text and their information."""
        words = text.split()
        return frozenset().union(*map(_word_grams, words)), self.words_information(words)

    def words_information(self, words: Iterable[str]) -> float:
        """The information of a text's trigrams, word by word."""
        information = 0.0
        for word in words:
            known = self._words.get(word)
            if known is None:
                known = self._words[word] = self.information(_word_grams(word))
            information += known
        return information

    def similarity(
        self,
        query: frozenset[str],
        query_information: float,
        product: frozenset[str],
        product_information: float,
    ) -> float:
        """IDF-weighted cosine of two trigram sets (0-1), given the information of each."""
        shared = query & product
        if not shared or not query_information or not product_information:
            return 0.0
        common = self.information(shared)
        return min(1.0, common / math.sqrt(query_information * product_information))


class QueryGrams:
    """The trigrams of one query, compared with product names one after the other.

    What a product word shares with the query is kept for the query: the candidates of a query
    repeat most of their words.
    """

    def __init__(self, weights: GramWeights, text: str) -> None:
        self.weights = weights
        self.grams, self.information = weights.text(text)
        self._shared: dict[str, frozenset[str]] = {}

    def similarity(self, text: str) -> float:
        """IDF-weighted cosine of the query's trigrams and those of a normalised text (0-1)."""
        words = text.split()
        shared: set[str] = set()
        for word in words:
            found = self._shared.get(word)
            if found is None:
                found = self._shared[word] = self.grams & _word_grams(word)
            shared |= found
        information = self.weights.words_information(words)
        if not shared or not self.information or not information:
            return 0.0
        common = self.weights.information(shared)
        return min(1.0, common / math.sqrt(self.information * information))
