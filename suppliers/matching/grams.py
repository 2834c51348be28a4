"""Character trigrams: how much a query and a product name look alike letter by letter.

A misspelt word ("kingtson") that the vocabulary look-up of `index` misses still shares most of
its trigrams with the word meant. Each trigram is weighted by its inverse document frequency,
learned from the catalog's words, so that rare trigrams say more than common ones.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

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
        squared, unknown = weights.squared, weights.unknown
        self._weight = {gram: squared.get(gram, unknown) for gram in self.grams}
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
        common = sum(map(self._weight.__getitem__, shared))
        return min(1.0, common / math.sqrt(self.information * information))
