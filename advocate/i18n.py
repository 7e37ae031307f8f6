"""The interface language: gettext for every user-facing string outside the checklists.

Library code and the CLI mark user-facing strings with ``_()`` (translated now) or ``N_()`` (marked for
extraction, translated where shown). The CLI chooses the language once per run with ``set_language``;
a script using the library may do the same. Until the interface catalog ships, ``_`` returns the English.
"""

from __future__ import annotations

_language = "en"


def N_(text: str) -> str:
    """Mark a string for extraction without translating it here."""
    return text


def set_language(lang: str) -> None:
    global _language
    _language = lang or "en"


def current_language() -> str:
    return _language


def _(text: str) -> str:
    """``text`` in the interface language (English msgids)."""
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural
