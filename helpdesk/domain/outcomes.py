"""The five outcome kinds of the policy (clause 4) and what each needs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class OutcomeKind(StrEnum):
    """Stable keys for the outcomes staff can give."""

    REPLACEMENT_FILE = "replacement_file"
    REPLACEMENT_PRODUCT = "replacement_product"
    REFUND = "refund"
    TECHNICAL_ASSISTANCE = "technical_assistance"
    CORRECTION = "correction"


#: Button labels (PRODUCT.md "Words people read").
LABELS: dict[OutcomeKind, str] = {
    OutcomeKind.REPLACEMENT_FILE: "Replacement file",
    OutcomeKind.REPLACEMENT_PRODUCT: "Replacement product",
    OutcomeKind.REFUND: "Refund",
    OutcomeKind.TECHNICAL_ASSISTANCE: "Technical assistance",
    OutcomeKind.CORRECTION: "Clarification or correction",
}


@dataclass(frozen=True)
class Refund:
    """A refund amount in euro cents, full or partial."""

    amount_cents: int
    full: bool


def parse_amount_cents(text: str) -> int | None:
    """Euro amount as typed ("12,50", "12.50", "€ 12") to cents; None when not a positive amount."""
    cleaned = (text or "").strip().replace("€", "").replace("EUR", "").strip()
    if "," in cleaned and "." in cleaned:
        # 1.234,56 (Dutch) or 1,234.56 (English): the last separator is the decimal one.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        return None
    if value > Decimal("1000000"):
        return None
    return int(value * 100)


def format_eur(cents: int) -> str:
    """12.50 style amount with the euro sign."""
    return f"€{cents // 100:,}.{cents % 100:02d}"
