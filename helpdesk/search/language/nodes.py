"""The parsed form of a search query: a small tree of words, phrases, filters and
AND / OR / NOT, shared by every backend, and the hints the parser gives."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .text import auto_edits


@dataclass(frozen=True)
class Word:
    """One word; `prefix` for word*, `fuzzy` = edits forgiven for word~."""

    word: str
    prefix: bool = False
    fuzzy: int = 0


@dataclass(frozen=True)
class Phrase:
    """Words that must follow each other, as typed (not stemmed)."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Exact:
    """What typed text means when it is a reference code, an order number or an email
    address (ranked first)."""

    reference: str | None
    order: str | None
    email: str | None = None


@dataclass(frozen=True)
class Filter:
    """A field filter: category/status keys, a ref code, an order, an email (x* = prefix),
    or an ISO date for before/after."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class And:
    """Every item must match."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """At least one item must match."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """The item must not match."""

    item: Node


@dataclass(frozen=True)
class Everything:
    """Matches every complaint (a query with nothing searchable)."""


Node = Word | Phrase | Exact | Filter | And | Or | Not | Everything


@dataclass(frozen=True)
class Hint:
    """Something in the query that could not be used as typed; `value` names it."""

    code: str
    value: str = ""


@dataclass(frozen=True)
class ParsedQuery:
    """The tree to run and the hints to show."""

    node: Node
    hints: tuple[Hint, ...] = ()


def with_typos(node: Node) -> Node | None:
    """The same query forgiving typos in plain words (not negated); None when nothing changes."""
    if isinstance(node, Word):
        edits = auto_edits(node.word)
        if node.prefix or node.fuzzy or not edits:
            return None
        return replace(node, fuzzy=edits)
    if isinstance(node, And | Or):
        changed = [with_typos(item) for item in node.items]
        if all(c is None for c in changed):
            return None
        items = tuple(c if c is not None else o for c, o in zip(changed, node.items, strict=True))
        return type(node)(items)
    return None


def identifier(node: Node) -> Exact | None:
    """What a query names exactly when it is nothing but one whole reference code, order
    number or email address (typed bare, or as ref:, order:, email: without a *)."""
    if isinstance(node, Or) and len(node.items) == 2:
        typed, exact = node.items
        return exact if isinstance(exact, Exact) and isinstance(typed, Word | Phrase) else None
    if isinstance(node, Filter) and node.field in ("ref", "order", "email"):
        value = node.values[0]
        if node.field == "email":
            return None if value.endswith("*") else Exact(None, None, value)
        return Exact(value, None) if node.field == "ref" else Exact(None, value)
    return None


def leaves(node: Node) -> list[Node]:
    """Every leaf of the tree (for tests and backends that need the words)."""
    if isinstance(node, And | Or):
        return [leaf for item in node.items for leaf in leaves(item)]
    if isinstance(node, Not):
        return leaves(node.item)
    return [node]
