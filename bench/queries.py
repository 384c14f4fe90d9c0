"""Search queries for the benchmark, taken from the words of the demo complaints themselves.

Asking the same query over and over would mostly measure a result cache, so every search
endpoint cycles through a few hundred different queries (more than any cache keeps): single
words, two words, two-word phrases in quotes, and single words with a category filter, in
English and Dutch, all of which occur in the seeded data.
"""

from __future__ import annotations

import itertools
import random
import re
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpdesk.demo import phrases_en, phrases_nl

CATEGORIES = ("physical", "digital", "billing", "account", "website", "other")
#: Words too common to make a useful search, English and Dutch.
_COMMON = """
about after again also because before being could every first from have just like more never
other please since still their there these thing think this through today until very want were
what when where which while would your with into only that than them they then does done even
dear best kind regards thanks hello thank alle alleen andere bent deze door echt eens geen graag
heeft hebben heel hier hoor jullie kunnen maar meer mijn moet naar niet niets omdat over staat
toen voor wanneer want weer welke werd wordt zijn zoals beste groet
"""
SKIP = frozenset(_COMMON.split())
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _texts(value: object) -> Iterator[str]:
    """Every string in a phrase pool (nested dicts and tuples)."""
    if isinstance(value, str):
        yield re.sub(r"\{[^}]*\}", " ", value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)


def _sentences() -> list[list[str]]:
    """The demo phrases as lists of lower-case words."""
    found = []
    for module in (phrases_en, phrases_nl):
        for name in dir(module):
            if name.isupper():
                for text in _texts(getattr(module, name)):
                    for sentence in re.split(r"[.!?:;\n]", text):
                        words = [w.lower() for w in WORD.findall(sentence)]
                        if words:
                            found.append(words)
    return found


def _content(word: str) -> bool:
    return len(word) >= 5 and word not in SKIP


def query_paths(kind: str, count: int = 300) -> list[str]:
    """`count` inbox URLs of one kind: "one", "two", "phrase" or "filtered"."""
    sentences = _sentences()
    singles = sorted({w for s in sentences for w in s if _content(w)})
    pairs = sorted(
        {(a, b) for s in sentences for a, b in itertools.pairwise(s) if _content(a) and _content(b)}
    )
    adjacent = sorted(
        {
            (a, b)
            for s in sentences
            for a, b in itertools.pairwise(s)
            if len(a) >= 4 and len(b) >= 4 and not (a in SKIP and b in SKIP)
        }
    )
    rng = random.Random(f"bench:{kind}")
    if kind == "one":
        texts = [{"q": w} for w in rng.sample(singles, min(count, len(singles)))]
    elif kind == "two":
        texts = [{"q": f"{a} {b}"} for a, b in rng.sample(pairs, min(count, len(pairs)))]
    elif kind == "phrase":
        texts = [{"q": f'"{a} {b}"'} for a, b in rng.sample(adjacent, min(count, len(adjacent)))]
    else:
        texts = [
            {"q": w, "category": rng.choice(CATEGORIES)}
            for w in rng.sample(singles, min(count, len(singles)))
        ]
    return [
        "/staff/?"
        + urllib.parse.urlencode({"status": "all", **params}, quote_via=urllib.parse.quote)
        for params in texts
    ]
