"""What counts as a reason where a person must give one (reopening a closed month, overriding the
retention rate, …): one rule, called by every service that asks for a reason."""

from __future__ import annotations

MINIMUM_LETTERS = 2


def is_real_reason(text: str) -> bool:
    """A reason a later reader (or the city's auditor) can understand: at least two letters or digits
    once spaces and punctuation are left out (Japanese says much in two characters: ``通知``), not digits
    only and not one character repeated.  ``0``, ``..``, ``123``, ``x`` and ``ああ`` are refused;
    ``通知`` and ``出席の訂正`` are reasons."""
    meaningful = [character for character in text if character.isalnum()]
    return (
        len(meaningful) >= MINIMUM_LETTERS
        and not all(character.isdigit() for character in meaningful)
        and len(set(meaningful)) > 1
    )
