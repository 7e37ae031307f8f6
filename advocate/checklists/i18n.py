"""Translations: gettext catalogs compiled by Babel, shipped in advocate/locale.

English is the source language (msgids); every other shipped language has
``advocate/locale/<lang>/LC_MESSAGES/advocate.po`` and its compiled ``.mo``.
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

from advocate.errors import InputError

DOMAIN = "advocate"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def CN_(text: str) -> str:
    """Mark a checklist-catalog string (domain ``advocate``) for extraction without translating it here;
    interface strings use ``advocate.i18n.N_`` and go to the ``interface`` catalog instead."""
    return text


N_ = CN_  # the old name, for code written before the interface catalog


def shipped_languages() -> list[str]:
    langs = [SOURCE_LANGUAGE]
    if LOCALE_DIR.is_dir():
        langs += sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").exists())
    return langs


def normalize_ui_language(text: str) -> str:
    key = (text or "").strip().lower().replace("_", "-")
    aliases = {"eng": "en", "english": "en", "inglés": "en", "ingles": "en", "spa": "es", "spanish": "es",
               "español": "es", "espanol": "es", "es-mx": "es", "es-us": "es", "es-419": "es", "en-us": "en"}
    key = aliases.get(key, key)
    if key not in shipped_languages():
        from advocate.i18n import _

        raise InputError(_('"{text}" is not a checklist language shipped with advocate; available: {available}').format(
            text=text, available=", ".join(shipped_languages())), field="lang")
    return key


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=False)


def tr(text: str, lang: str) -> str:
    return translations(lang).gettext(text) if text else text


def is_translated(text: str, lang: str) -> bool:
    if lang == SOURCE_LANGUAGE:
        return bool(text)
    catalog = translations(lang)
    return bool(getattr(catalog, "_catalog", {}).get(text))


def format_date_long(d, lang: str) -> str:
    """ "December 3, 2026" / "3 de diciembre de 2026", through Babel's CLDR data."""
    from babel.dates import format_date

    return format_date(d, format="long", locale=lang)
