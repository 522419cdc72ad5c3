"""Text helpers shared by the classifier, the address resolver and duplicate detection: jieba
(loaded once per process, quietly), normalisation, and a character-bigram similarity.

This module imports nothing heavy, so the app can load it at start-up; scikit-learn is imported
only by :mod:`gridgov.intake.classify`.
"""
import logging
import math
import re
import threading
import unicodedata

_jieba = None
_jieba_lock = threading.Lock()
_SKIP = re.compile(r"[\W_]+")


def segmenter():
    """jieba, initialised once per process (its dictionary takes about a second to load) and with
    its log output silenced."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC) and lower case: ３号楼 and 3号楼 are the same text."""
    return unicodedata.normalize("NFKC", text or "").lower()


def text_of(title: str, description: str = "") -> str:
    """A report's text as the classifier sees it: title, then description."""
    return "\n".join(part.strip() for part in (title or "", description or "") if part and part.strip())


def title_of(text: str) -> str:
    """The first line of a report's text (:func:`text_of` puts the title there), normalised. A
    module function, so that a pickled model refers to it by name."""
    return normalise((text or "").split("\n", 1)[0])


def word_ngrams(text: str) -> list[str]:
    """jieba words of the text and the pairs of neighbouring words (punctuation dropped). The
    current model no longer uses words, but versions stored before it refer to this function by
    name: it stays so that they can still be loaded and activated again."""
    words = [w for w in segmenter().lcut(normalise(text)) if not _SKIP.fullmatch(w)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def bigrams(text: str) -> set[str]:
    """The character bigrams of the text with punctuation and spaces removed."""
    chars = _SKIP.sub("", normalise(text))
    if len(chars) < 2:
        return {chars} if chars else set()
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0–1: shared character bigrams over the geometric mean of both
    counts (the cosine of the two bigram sets), so a long description next to a short title is not
    punished as hard as by Jaccard."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / math.sqrt(len(x) * len(y))
