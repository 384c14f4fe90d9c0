"""Words as both backends see them: one tokenizer, English and Dutch stems, stop words.

The same rules feed the Whoosh index and the PostgreSQL tsvectors (which receive the
tokens already split, so PostgreSQL's own parser cannot split them differently), which is
what lets one contract suite expect the same hits from both. The Snowball stemmers and
stop-word lists are Whoosh's (`whoosh.lang`), the same algorithms and lists PostgreSQL's
`english` and `dutch` configurations use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from whoosh.lang import stemmer_for_language, stopwords_for_language

#: Letters and digits only: PostgreSQL's parser keeps such a run as one token.
TOKEN_RE = re.compile(r"[^\W_]+")
#: Longer runs are noise (hashes, base64); neither side indexes or searches them.
MAX_TOKEN = 40

_STEM_EN: Callable[[str], str] = stemmer_for_language("en")
_STEM_NL: Callable[[str], str] = stemmer_for_language("nl")
STOP_EN = frozenset(stopwords_for_language("en"))
STOP_NL = frozenset(stopwords_for_language("nl"))


def tokens(text: str) -> list[str]:
    """The lower-case words of `text`, in order, without over-long runs."""
    return [t for t in TOKEN_RE.findall(text.lower()) if len(t) <= MAX_TOKEN]


def has_long_token(text: str) -> bool:
    """True when `text` holds a run of letters too long to be searched."""
    return any(len(t) > MAX_TOKEN for t in TOKEN_RE.findall(text))


@lru_cache(maxsize=200_000)
def variants(token: str) -> tuple[str, ...]:
    """The word itself, then its English and Dutch stems (stop words keep only themselves;
    tokens with digits are codes and numbers, never stemmed, as in PostgreSQL)."""
    if not token.isalpha():
        return (token,)
    found = [token]
    if token not in STOP_EN:
        found.append(_STEM_EN(token))
    if token not in STOP_NL:
        found.append(_STEM_NL(token))
    return tuple(dict.fromkeys(found))


def all_variants(words: Iterable[str]) -> set[str]:
    """Every variant of every word."""
    found: set[str] = set()
    for word in words:
        found.update(variants(word))
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits between `a` and `b` (a wrong, missing, extra or swapped letter counts one),
    or `limit + 1` once it is certainly larger (optimal string alignment distance)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def is_fuzzy_match(candidate: str, word: str, max_edits: int) -> bool:
    """The typo rule both backends apply: same first letter, at most `max_edits` edits."""
    return candidate[:1] == word[:1] and edit_distance(candidate, word, max_edits) <= max_edits


def candidate_distance(max_edits: int) -> int:
    """How far (in plain edits) to look for candidates: a swap is two plain edits."""
    return 2 if max_edits == 1 else max_edits


def auto_edits(word: str) -> int:
    """How many typos the automatic retry forgives: none for short words, 2 for long ones."""
    if len(word) < 4 or word.isdigit():
        return 0
    return 1 if len(word) < 8 else 2
