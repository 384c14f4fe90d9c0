"""Use cases: the only code that changes data. One commit per use case, side effects after it."""
