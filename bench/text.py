"""A seeded word model for synthetic documentation: Zipf-distributed vocabulary, topical articles.

Real knowledge bases have a few very frequent words, a long tail, and per-article topic words
that repeat. :class:`Words` reproduces that shape with pronounceable made-up words, so search
relevance and index sizes behave like real text while staying deterministic from a seed.
"""

from __future__ import annotations

import itertools
import random
import re

ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cl", "dr", "fl", "gr", "pl", "st", "tr"]
NUCLEI = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
CODAS = ["", "", "n", "r", "l", "s", "t", "x", "nd", "rk", "st"]
STOPWORDS = ("the a an of to and in is for on that with as by it be this are from or at when if not "
             "you your each then before after can must should will was has have does only all any").split()
STOP_SHARE = 0.38  # share of running text made of function words, as in English prose
TOPIC_SHARE = 0.14  # share of an article's words taken from its own topic words
HEAPS_K, HEAPS_BETA = 16, 0.5  # vocabulary = K * tokens ** beta: the repository's 31 articles have 1,962 words in 15,056 tokens
WORDS_PER_ARTICLE = 400


def vocabulary_size(articles: int) -> int:
    """Distinct words in a corpus of ``articles`` articles, by Heaps' law fitted to the example content."""
    return max(2000, int(HEAPS_K * (articles * WORDS_PER_ARTICLE) ** HEAPS_BETA))


def _syllables() -> list[str]:
    return [o + n + c for o, n, c in itertools.product(ONSETS, NUCLEI, CODAS)]


class Words:
    """A vocabulary of ``size`` made-up words with Zipf weights, and sentence builders over it."""

    def __init__(self, rng: random.Random, size: int = 6000):
        self.rng = rng
        syllables = _syllables()
        seen: set[str] = set()
        while len(seen) < size:
            word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3))))
            if 4 <= len(word) <= 12 and word not in STOPWORDS:
                seen.add(word)
        self.vocab = sorted(seen)
        rng.shuffle(self.vocab)
        weights = [1.0 / (rank + 2) for rank in range(size)]
        self.cum = list(itertools.accumulate(weights))

    def common(self, k: int) -> list[str]:
        """``k`` vocabulary words drawn by frequency."""
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=k)

    def rare(self, k: int) -> list[str]:
        """``k`` distinct words from the middle and tail of the vocabulary (good topic words)."""
        return self.rng.sample(self.vocab[200:], k)

    def sentence(self, topic: list[str], low: int = 8, high: int = 18) -> str:
        """One sentence mixing function words, topic words and general vocabulary."""
        n = self.rng.randint(low, high)
        general = iter(self.common(n))
        out = []
        for _ in range(n):
            roll = self.rng.random()
            if roll < STOP_SHARE:
                out.append(self.rng.choice(STOPWORDS))
            elif roll < STOP_SHARE + TOPIC_SHARE and topic:
                out.append(self.rng.choice(topic))
            else:
                out.append(next(general))
        return " ".join(out).capitalize() + "."

    def paragraph(self, topic: list[str], sentences: tuple[int, int] = (2, 5)) -> str:
        """A paragraph of a few sentences."""
        return " ".join(self.sentence(topic) for _ in range(self.rng.randint(*sentences)))

    def title(self, topic: list[str], low: int = 2, high: int = 5) -> str:
        """A capitalised title of plain words (its slug is the words joined by hyphens)."""
        words = [self.rng.choice(topic) if self.rng.random() < 0.5 else self.common(1)[0] for _ in range(self.rng.randint(low, high))]
        return " ".join(words).capitalize()


def slug(text: str) -> str:
    """The id or anchor of a plain title: lower-case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def word_count(markdown: str) -> int:
    """Words of prose in a Markdown text, roughly (for reporting proportions)."""
    return len(re.findall(r"[A-Za-z]{2,}", markdown))
