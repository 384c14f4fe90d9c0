"""Parsing the HTML: tinyhtml5's cache of `chars_until` patterns made to work.

The tokenizer asks its input stream for "every character up to one of these" about 550
times a case file (`HTMLUnicodeInputStream.chars_until`). The stream keeps the regular
expression of each set of characters in `characters_until_regex`, but stores it under the
wrong key (`characters = cache[characters, opposite] = regex` assigns `characters` first),
so every call builds the pattern's text again and looks it up in `re`'s cache: about a
sixth of the parse. `PatternCache` makes each pattern on the first look-up under the
right key, the way chars_until does. The tree is the same.
"""

from __future__ import annotations

import re
from typing import Any

from tinyhtml5 import inputstream

_stock_cache = inputstream.characters_until_regex


class PatternCache(dict[tuple[Any, bool], re.Pattern[str]]):
    """chars_until's patterns by (characters, opposite), made when first asked for."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        regex = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        pattern = self[key] = re.compile(f"[{regex}]+")
        return pattern


def install() -> None:
    """chars_until finds its patterns."""
    if not installed():
        inputstream.characters_until_regex = PatternCache()


def uninstall() -> None:
    """tinyhtml5's own cache again."""
    inputstream.characters_until_regex = _stock_cache


def installed() -> bool:
    """True while the working cache is in place."""
    return isinstance(inputstream.characters_until_regex, PatternCache)
