"""The interface language: gettext for every user-facing string outside the checklists.

Library code and the CLI mark user-facing strings with ``_()`` (translated now) or ``N_()`` (marked for
extraction, translated where shown, e.g. module-level constants and option help). The CLI chooses the
language once per run with ``set_language``; a script using the library may do the same.

The interface has its own gettext domain, ``interface`` (``advocate/locale/<lang>/LC_MESSAGES/interface.po``,
extracted from ``advocate/**.py`` with ``babel-interface.cfg``); the checklists' content keeps the
``advocate`` domain, so the two catalogs never collide. English is the source language (the msgids).

Dates and numbers go through Babel's CLDR data for the interface locale (``es_MX`` for Spanish: Mexico
writes ``1,234.5``, and ``3 de marzo de 2031``). Babel is imported only when something is formatted, so
``advocate --help`` stays fast.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import os
from pathlib import Path
from typing import Literal

DOMAIN = "interface"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "es")
# the CLDR locale each interface language formats dates and numbers with
BABEL_LOCALES = {"en": "en_US", "es": "es_MX"}
_ALIASES = {"english": "en", "eng": "en", "inglés": "en", "ingles": "en", "spanish": "es", "spa": "es",
            "español": "es", "espanol": "es"}

_language = "en"


def N_(text: str) -> str:
    """Mark a string for extraction without translating it here."""
    return text


def normalize_language(text: str | None) -> str | None:
    """``es``, ``es_MX``, ``es-MX.UTF-8``, ``Spanish``, ``español`` -> ``es``; None when not an interface
    language."""
    key = (text or "").strip().lower()
    if not key:
        return None
    key = key.split(".")[0].split("@")[0].replace("-", "_")
    key = _ALIASES.get(key, key)
    base = key.split("_")[0]
    return base if base in LANGUAGES else None


def language_from_locale(environ=None) -> str | None:
    """The language of the user's locale, as POSIX resolves it for messages: ``LC_ALL``, then
    ``LC_MESSAGES``, then ``LANG`` (the first one set wins; ``C``/``POSIX`` mean English)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return normalize_language(value) or "en"
    return None


def choose_language(flag: str | None = None, *, config_value: str | None = None, environ=None) -> str:
    """The interface language for a run: the ``--lang`` flag, ``ADVOCATE_LANG``, ``interface_language``
    in the config, then the locale (es_* -> Spanish); English otherwise. An unknown value in the flag
    or the variable is an error; the caller passes the flag already checked."""
    env = os.environ if environ is None else environ
    for value in (flag, env.get("ADVOCATE_LANG"), config_value):
        if value:
            lang = normalize_language(value)
            if lang:
                return lang
            from advocate.errors import InputError

            raise InputError(_('"{value}" is not an interface language; use en or es').format(value=value),
                             field="lang")
    return language_from_locale(env) or "en"


def set_language(lang: str | None) -> None:
    global _language
    _language = normalize_language(lang) or "en"


def current_language() -> str:
    return _language


def babel_locale(lang: str | None = None) -> str:
    return BABEL_LOCALES.get(lang or _language, "en_US")


@functools.cache
def _translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    try:
        return _gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang])
    except OSError:  # a checkout without the compiled catalog: English rather than a crash
        return _gettext.NullTranslations()


def translations(lang: str | None = None) -> _gettext.NullTranslations:
    return _translations(lang or _language)


def _(text: str) -> str:
    """``text`` in the interface language (English msgids)."""
    if _language == "en" or not text:
        return text
    return _translations(_language).gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _language == "en":
        return singular if n == 1 else plural
    return _translations(_language).ngettext(singular, plural, n)


def pgettext(context: str, text: str) -> str:
    """``text`` in a context, for an English word that translates differently in two places."""
    if _language == "en":
        return text
    return _translations(_language).pgettext(context, text)


def gettext_in(lang: str, text: str) -> str:
    """``text`` in a given interface language, whatever the current one is."""
    return _translations(normalize_language(lang) or "en").gettext(text) if text else text


def ngettext_in(lang: str, singular: str, plural: str, n: int) -> str:
    """``singular``/``plural`` for ``n`` in a given interface language, whatever the current one is."""
    return _translations(normalize_language(lang) or "en").ngettext(singular, plural, n)


# --- dates and numbers, through Babel (imported on first use) ---------------------------------------

def format_date(value, format: str = "long", lang: str | None = None) -> str:
    """``March 3, 2031`` / ``3 de marzo de 2031`` (``format``: short, medium, long, full or a pattern)."""
    from babel.dates import format_date as fmt

    return fmt(value, format=format, locale=babel_locale(lang))


def format_datetime(value, format: str = "medium", lang: str | None = None, tzinfo=None) -> str:
    from babel.dates import format_datetime as fmt

    return fmt(value, format=format, tzinfo=tzinfo, locale=babel_locale(lang))


def format_time(value, format: str = "short", lang: str | None = None, tzinfo=None) -> str:
    from babel.dates import format_time as fmt

    return fmt(value, format=format, tzinfo=tzinfo, locale=babel_locale(lang))


_COMMA_POINT = ("en_US", "es_MX")  # grouping ",", decimal "." in CLDR


def format_number(value, decimals: int | None = None, lang: str | None = None) -> str:
    """``1,234.5`` in English and in Mexican Spanish (CLDR es_MX), grouping included."""
    locale = babel_locale(lang)
    if locale in _COMMA_POINT and decimals is not None:
        # CLDR gives en_US and es_MX the same symbols (tests check Babel agrees): no Babel import on the
        # path every table row takes
        return f"{value:,.{decimals}f}"
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=babel_locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=babel_locale(lang))


def format_timedelta(delta, *, add_direction: bool = True, threshold: float = 0.85,
                     granularity: Literal["year", "month", "week", "day", "hour", "minute", "second"] = "second",
                     lang: str | None = None) -> str:
    """``in 3 days`` / ``dentro de 3 días``; ``2 hours ago`` / ``hace 2 horas``."""
    from babel.dates import format_timedelta as fmt

    return fmt(delta, add_direction=add_direction, threshold=threshold, granularity=granularity,
               locale=babel_locale(lang))


def relative_day(day, today, lang: str | None = None) -> str:
    """``today``, ``tomorrow``, ``yesterday``, ``in 3 days``, ``5 days ago`` in the interface language."""
    delta = (day - today).days
    if delta == 0:
        return _("today") if lang is None else gettext_in(lang, "today")
    if delta == 1:
        return _("tomorrow") if lang is None else gettext_in(lang, "tomorrow")
    if delta == -1:
        return _("yesterday") if lang is None else gettext_in(lang, "yesterday")
    from datetime import timedelta

    return format_timedelta(timedelta(days=delta), granularity="day", threshold=1e9, lang=lang)
