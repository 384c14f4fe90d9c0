"""Words as both backends see them: one tokenizer, English and Dutch stems, stop words.

The same rules feed the Whoosh index and the PostgreSQL tsvectors (which receive the
tokens already split, so PostgreSQL's own parser cannot split them differently), which is
what lets one contract suite expect the same hits from both. The stop-word lists are
PostgreSQL's `english` and `dutch` ones (as Whoosh ships them too: a test compares). The
Snowball stemmers are Whoosh's (`whoosh.lang.snowball`, the algorithms PostgreSQL's
configurations use; the current Snowball releases stem Dutch differently), loaded on the
first stem: the only Whoosh code a PostgreSQL deployment runs, and none of the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

#: Letters and digits only: PostgreSQL's parser keeps such a run as one token.
TOKEN_RE = re.compile(r"[^\W_]+")
#: Longer runs are noise (hashes, base64); neither side indexes or searches them.
MAX_TOKEN = 40


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: PostgreSQL's stop words (src/backend/snowball/stopwords), as whoosh.lang has them.

STOP_EN = _word_list(
    """
    a about above after again against all am an and any are as at be because been
    before being below between both but by can did do does doing don down during
    each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself no nor
    not now of off on once only or other our ours ourselves out over own s same she
    should so some such t than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when
    where which while who whom why will with you your yours yourself yourselves
    """
)
STOP_NL = _word_list(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch
    doen door dus een eens en er ge geen geweest haar had heb hebben heeft hem het
    hier hij hoe hun iemand iets ik in is ja je kan kon kunnen maar me meer men met
    mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds
    te tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie
    wil worden wordt zal ze zelf zich zij zijn zo zonder zou
    """
)


@lru_cache(maxsize=1)
def _stemmers() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The English and Dutch Snowball stemmers (loaded on first use)."""
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language("en"), stemmer_for_language("nl")


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
    stem_en, stem_nl = _stemmers()
    if token not in STOP_EN:
        found.append(stem_en(token))
    if token not in STOP_NL:
        found.append(stem_nl(token))
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
