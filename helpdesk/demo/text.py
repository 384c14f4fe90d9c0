"""Writes the texts of one demo complaint in its language: the complaint, replies, questions,
answers, internal notes, outcomes, the review request, the final response and a rating comment.

Texts are put together from the phrase pools (an opening, the problem, a detail, what the
customer asks for, a sign-off) so thousands of complaints read differently, and they all
name the same product, order, carrier and amounts as the complaint itself.
"""

from __future__ import annotations

import random
from types import ModuleType

from . import phrases_en, phrases_nl
from .vocab import STAFF_FIRST

#: How often each category comes up among the demo complaints (weights).
CATEGORY_WEIGHTS = {
    "physical": 36,
    "digital": 20,
    "billing": 15,
    "account": 10,
    "website": 9,
    "other": 10,
}

#: Which outcomes fit which category, with weights.
OUTCOME_WEIGHTS: dict[str, dict[str, int]] = {
    "physical": {"replacement_product": 50, "refund": 40, "correction": 10},
    "digital": {"replacement_file": 50, "technical_assistance": 30, "refund": 20},
    "billing": {"refund": 60, "correction": 40},
    "account": {"technical_assistance": 80, "correction": 20},
    "website": {"technical_assistance": 70, "correction": 30},
    "other": {"correction": 60, "refund": 20, "technical_assistance": 20},
}
#: The technical-assistance and correction texts that suit each category (indexes in OUTCOME).
_FITTING = {
    "technical_assistance": {"digital": 0, "website": 1, "account": 2, "other": 1},
    "correction": {"billing": 0, "website": 1, "other": 1},
}


def pick_outcome(rng: random.Random, category: str) -> str:
    """An outcome kind that suits the category."""
    weights = OUTCOME_WEIGHTS[category]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Writer:
    """Texts about one complaint, in its language, from its facts."""

    def __init__(self, rng: random.Random, language: str, facts: dict[str, str], shop: str) -> None:
        self.rng = rng
        self.phrases: ModuleType = phrases_nl if language == "nl" else phrases_en
        self.values = {**facts, "shop": shop, "staff": ""}
        self.category = "other"

    def _fill(self, template: str, **extra: str) -> str:
        return template.format_map({**self.values, **extra}).strip()

    def _pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def description(self, category: str) -> str:
        """The complaint as the customer wrote it."""
        self.category = category
        pool = self.phrases.DESCRIPTION[category]
        problems = pool["problem"]
        if self.values.get("electrical") and "electrical" in pool:
            problems = problems + pool["electrical"]
        body = " ".join(
            part
            for part in (self._pick(problems), self._pick(pool["detail"]), self._pick(pool["ask"]))
            if part
        )
        opening = self._pick(self.phrases.OPEN)
        text = f"{opening}\n\n{body}" if opening else body
        return self._fill(f"{text}\n\n{self._pick(self.phrases.SIGN)}")

    def _staff_letter(self, body: str, staff: str) -> str:
        greet, sign = self._pick(self.phrases.GREET), self._pick(self.phrases.STAFF_SIGN)
        return self._fill(f"{greet}\n\n{body}\n\n{sign}", staff=STAFF_FIRST[staff])

    def message(
        self, kind: str, staff: str, *, first_outcome: str, final_outcome: str, full_refund: bool
    ) -> str:
        """The body of a later message of `kind` (the first one is the description)."""
        if kind == "reply":
            return self.reply(staff)
        if kind == "info_request":
            return self.info_request(staff)
        if kind == "note":
            return self.note()
        if kind == "outcome":
            return self.outcome(first_outcome, staff, full_refund=full_refund)
        if kind == "review_request":
            return self.review_reason(first_outcome)
        if kind == "final_response":
            return self.final(staff, changed=final_outcome != first_outcome)
        return self.answer()

    def reply(self, staff: str) -> str:
        """A first answer from staff: sorry, and what they are doing about it."""
        opening = self._pick(self.phrases.REPLY[self.category])
        body = f"{opening} {self._pick(self.phrases.REPLY_END)}"
        return self._staff_letter(body, staff)

    def info_request(self, staff: str) -> str:
        """Staff ask the customer for what they need to decide."""
        return self._staff_letter(self._pick(self.phrases.INFO_REQUEST[self.category]), staff)

    def answer(self) -> str:
        """The customer's answer to a question."""
        return self._fill(self._pick(self.phrases.ANSWER[self.category]) + "\n\n{first}")

    def note(self) -> str:
        """An internal note between staff."""
        return self._fill(self._pick(self.phrases.NOTE[self.category]))

    def outcome(self, kind: str, staff: str, *, full_refund: bool = True) -> str:
        """The response that comes with an outcome."""
        options = self.phrases.OUTCOME[kind]
        if kind == "refund":
            text = options[0 if full_refund else 1]
        elif kind in _FITTING and self.category in _FITTING[kind]:
            text = options[_FITTING[kind][self.category]]
        else:
            text = self._pick(options)
        return self._staff_letter(text, staff)

    def final(self, staff: str, *, changed: bool) -> str:
        """The final response after a review."""
        decision = self._pick(self.phrases.FINAL["change" if changed else "keep"])
        return self._staff_letter(f"{decision}\n\n{self.phrases.FINAL_END}", staff)

    def review_reason(self, first_outcome: str) -> str:
        """Why the customer asks for a review of an outcome of kind `first_outcome`."""
        return self._fill(self._pick(self.phrases.REVIEW_REASON[first_outcome]))

    def rating_comment(self, score: int) -> str:
        """What the customer adds to a rating (often nothing)."""
        band = "good" if score >= 4 else "mixed" if score == 3 else "bad"
        return self._fill(self._pick(self.phrases.RATING_COMMENT[band]))
