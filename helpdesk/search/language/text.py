"""Words as both backends see them: one tokenizer, English and Dutch stems, stop words.

The same rules feed the Whoosh index and the PostgreSQL tsvectors (which receive the
tokens already split, so PostgreSQL's own parser cannot split them differently), which is
what lets one contract suite expect the same hits from both. The stop-word lists are
PostgreSQL's `english` and `dutch` ones (as Whoosh ships them too: a test compares). The
Snowball stemmers are Whoosh's (`whoosh.lang.snowball`, the algorithms PostgreSQL's
configurations use; the current Snowball releases stem Dutch differently), loaded on the
first stem: the only Whoosh code a PostgreSQL deployment runs, and none of the engine.

Snowball's Dutch stemmer undoes a doubled k, d or t only (pakketten -> pakket), so
"lampenkappen" stems to "lampenkapp", never meeting "lampenkap"; nor does it undo the
v/f and z/s of brieven/brief, huizen/huis. `dutch_forms` adds those forms beside
Snowball's stem (which stays, so an index built before them is still matched), on both
backends. Changing what `variants` gives changes what an index holds: bump
ANALYSIS_VERSION, and an index built with an older one is reported by `search check`
until `search reindex` rebuilds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

#: Letters and digits only: PostgreSQL's parser keeps such a run as one token.
TOKEN_RE = re.compile(r"[^\W_]+")
#: Longer runs are noise (hashes, base64); neither side indexes or searches them.
MAX_TOKEN = 40
#: What `variants` gives, numbered: 1 Snowball's stems; 2 with `dutch_forms` (December 2026).
ANALYSIS_VERSION = 2


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


_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")
#: A Dutch stem ending in v or z was spelt with f or s in the singular (brieven, huizen).
_VOICED = {"v": "f", "z": "s"}


def dutch_forms(token: str, stem: str) -> tuple[str, ...]:
    """The singular forms Snowball's Dutch stem of `token` misses: a doubled last consonant
    undone (lampenkapp -> lampenkap, bestell -> bestel) and v/z as f/s (briev -> brief).
    Only where the stemmer took an ending off: a word as typed that ends in a double
    consonant is English ("staff", "ball"), never a Dutch singular."""
    if stem == token or len(stem) < 3:
        return ()
    last = stem[-1]
    if last in _CONSONANTS and stem[-2] == last:
        return (stem[:-1],)
    if last in _VOICED:
        return (stem[:-1] + _VOICED[last],)
    return ()


def tokens(text: str) -> list[str]:
    """The lower-case words of `text`, in order, without over-long runs."""
    return [t for t in TOKEN_RE.findall(text.lower()) if len(t) <= MAX_TOKEN]


def has_long_token(text: str) -> bool:
    """True when `text` holds a run of letters too long to be searched."""
    return any(len(t) > MAX_TOKEN for t in TOKEN_RE.findall(text))


@lru_cache(maxsize=200_000)
def variants(token: str) -> tuple[str, ...]:
    """The word itself, then its English and Dutch stems and the Dutch forms Snowball misses
    (stop words keep only themselves; tokens with digits are codes and numbers, never
    stemmed, as in PostgreSQL)."""
    if not token.isalpha():
        return (token,)
    found = [token]
    stem_en, stem_nl = _stemmers()
    if token not in STOP_EN:
        found.append(stem_en(token))
    if token not in STOP_NL:
        stem = stem_nl(token)
        found += (stem, *dutch_forms(token, stem))
    return tuple(dict.fromkeys(found))


def extra_forms(token: str) -> tuple[str, ...]:
    """The forms of `token` beyond the simple, english and dutch configurations of
    PostgreSQL (which stems with the same Snowball algorithms): `dutch_forms`."""
    if not token.isalpha() or token in STOP_NL:
        return ()
    return dutch_forms(token, _stemmers()[1](token))


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
