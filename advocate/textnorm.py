"""Text folding shared by places, languages, categories and search: accent- and case-insensitive."""

from __future__ import annotations

import re
import unicodedata

_PUNCT = re.compile(r"[.,'’`´\"()\-_/]+")
_SPACE = re.compile(r"\s+")
_PREFIXES = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "sta": "santa", "sto": "santo", "cd": "ciudad"}


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "Oax." -> "oax", "Querétaro" -> "queretaro"."""
    if not text.isascii():  # (ASCII has no accents to take off: NFKD leaves it as it is)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text.casefold())
    return _SPACE.sub(" ", text).strip()


def close_words(text: str, words: dict[str, str], n: int = 2, cutoff: float = 0.6) -> list[str]:
    """The words of a vocabulary closest to ``text``, compared folded (a Spanish "albergu" finds "albergue",
    "vivenda" finds "vivienda"), each as written in ``words`` (word -> the id it stands for), one per id."""
    import difflib

    folded: dict[str, str] = {}
    for word in words:
        folded.setdefault(fold(word), word)
    out: list[str] = []
    seen: set[str] = set()
    for key in difflib.get_close_matches(fold(text), list(folded), n=len(folded), cutoff=cutoff):
        word = folded[key]
        if words[word] not in seen:
            seen.add(words[word])
            out.append(word)
        if len(out) == n:
            break
    return out


def fold_place(text: str) -> str:
    """:func:`fold` plus the usual abbreviations of place names ("St. Paul" = "Saint Paul", "Cd. Juárez")."""
    words = fold(text).split(" ")
    if words and words[0] in _PREFIXES:
        words[0] = _PREFIXES[words[0]]
    return " ".join(words)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def strip_control(text: str, *, keep_newlines: bool = False) -> str:
    """Remove terminal control characters (ESC sequences, bidi overrides); newlines become spaces unless kept."""
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    # drop ANSI escape sequences whole, then any lone control character
    text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b.", "", text)
    return _CONTROL.sub("", text)
