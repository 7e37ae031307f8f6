"""Opening hours as a person reads them, in the paper's language.

A directory writes hours two ways: a schedule (HSDS ``regular_schedules``/``schedules``, which the import keeps as
``Mon,Tue 09:00-17:00``) or its own words (211's ``8:00am-5:00pm, Mon-Fri``). :func:`parse_hours` reads both when
the whole text is nothing but days and times, and only then: one word it does not know ("Intake Hours:", "Every
3rd Saturday", "Closed for lunch") and the text is the directory's own, shown as it is (:func:`hours_words` says
which). A closing time before the opening time is not guessed at (``9:00-5:00`` stays as written).

Day and time words come from Babel's locale data (CLDR): Mexican Spanish writes ``9:00 a.m.``, English ``9:00 AM``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import time

from advocate.i18n import N_, babel_locale, gettext_in

T_DAY_RANGE = N_("{first} to {last}")
T_TIME_RANGE = N_("{opens} to {closes}")
T_DAYS_TIMES = N_("{days}, {times}")
T_EVERY_DAY = N_("Every day")
T_OPEN_247 = N_("Open 24 hours, every day")
T_MIDNIGHT = N_("midnight")
T_NOON = N_("noon")

_DAY_NAMES = (
    ("mon", "monday", "lun", "lunes"), ("tue", "tues", "tuesday", "mar", "martes"),
    ("wed", "wednesday", "mie", "mié", "miercoles", "miércoles"), ("thu", "thur", "thurs", "thursday", "jue", "jueves"),
    ("fri", "friday", "vie", "viernes"), ("sat", "saturday", "sab", "sáb", "sabado", "sábado"),
    ("sun", "sunday", "dom", "domingo"))
DAY_INDEX = {name: i for i, names in enumerate(_DAY_NAMES) for name in names}
_DAY = r"(?:" + "|".join(sorted((re.escape(n) for n in DAY_INDEX), key=len, reverse=True)) + r")s?\.?"
_DAY_SPEC = rf"{_DAY}(?:\s*[-–]\s*{_DAY})?"
_DAYS = rf"(?P<days>{_DAY_SPEC}(?:\s*(?:,|&|and|y)\s*{_DAY_SPEC})*)"
_TIME = r"\d{1,2}(?::\d{2}){0,2}\s*(?:[ap]\.?\s?m\.?)?"
_ONE_SPAN = rf"(?P<opens>{_TIME})\s*(?:[-–]|to|a)\s*(?P<closes>{_TIME})"
_SPAN_RX = re.compile(_ONE_SPAN, re.I)
_SPAN_TEXT = _ONE_SPAN.replace("?P<opens>", "?:").replace("?P<closes>", "?:")
# "8:00am-12:00pm & 1:00pm-5:00pm", "8:00am-12:00pm / 1:00pm-5:00pm": two openings a day
_SPANS = rf"(?P<spans>{_SPAN_TEXT}(?:\s*(?:/|&|\band\b|\by\b)\s*{_SPAN_TEXT})*)"
_PIECE = (re.compile(rf"^{_DAYS}\s*:?\s+{_SPANS}$", re.I), re.compile(rf"^{_SPANS}\s*,?\s+{_DAYS}$", re.I))
# "8:00am-5:00pm, Mon-Thur 9:00am-1:00pm, Fri": two pieces a directory forgot to separate (tried only when the
# whole text does not read as one piece, so "Mon-Fri 9:00-17:00" is never cut before its times)
_UNSEPARATED = re.compile(rf"(?<=[a-z.])\s+(?={_TIME}\s*(?:[-–]|to)\s*{_TIME}\s*,)", re.I)
_ALWAYS = re.compile(r"^(?:24\s*/\s*7|24\s*h(?:ours|rs|oras)?(?:,? (?:a day, )?7 days(?: a week)?)?|open 24 hours"
                     r"(?:, every day)?|abierto las 24 horas)\.?$", re.I)


@dataclass(frozen=True)
class Opening:
    """One day's opening: ``day`` 0 Monday .. 6 Sunday; ``closes`` None for midnight at the end of the day."""

    day: int
    opens: time
    closes: time | None


def _time(text: str) -> tuple[time, bool] | None:
    """A time and whether it was a 12-hour one; None for what is not a time of day."""
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*(?:([ap])\.?\s?m\.?)?", text.strip(), re.I)
    if not m:
        return None
    hour, minute, ampm = int(m.group(1)), int(m.group(2) or 0), (m.group(4) or "").lower()
    if minute > 59:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    elif m.group(2) is None or hour > 24:  # "9" alone is not a time; 24-hour times say their minutes
        return None
    if hour == 24:
        return (time(0, 0), False) if minute == 0 else None
    return time(hour, minute), bool(ampm)


def _day(word: str) -> int | None:
    w = word.strip().lower().rstrip(".")
    return DAY_INDEX.get(w, DAY_INDEX.get(w.removesuffix("s")))


def _days(text: str) -> list[int] | None:
    out: list[int] = []
    for spec in re.split(r"\s*(?:,|&|\band\b|\by\b)\s*", text.strip(), flags=re.I):
        ends = [_day(d) for d in re.split(r"\s*[-–]\s*", spec)]
        first, last = ends[0], ends[-1]
        if first is None or last is None or len(ends) > 2:
            return None
        out += [(first + k) % 7 for k in range((last - first) % 7 + 1)]
    return list(dict.fromkeys(out))


def parse_hours(text: str | None) -> list[Opening] | None:
    """The openings ``text`` says, when it says nothing else; None for the directory's own words."""
    pieces = [p.strip().rstrip(".").strip() for p in re.split(r"\s*;\s*", text or "") if p.strip()]
    if not pieces:
        return None
    out: list[Opening] = []
    for piece in pieces:
        read = _piece(piece)
        if read is None:
            parts = _UNSEPARATED.split(piece)
            if len(parts) < 2:
                return None
            read = []
            for part in parts:
                more = _piece(part)
                if more is None:
                    return None
                read += more
        out += read
    return out


def _piece(piece: str) -> list[Opening] | None:
    """The openings of one "days, times" piece; None when it says anything else."""
    match = next((m for m in (rx.match(piece) for rx in _PIECE) if m), None)
    if not match:
        return None
    days = _days(match.group("days"))
    if not days:
        return None
    out: list[Opening] = []
    for span in _SPAN_RX.finditer(match.group("spans")):
        opens, closes = _time(span.group("opens")), _time(span.group("closes"))
        if opens is None or closes is None:
            return None
        end = closes[0]
        if end != time(0, 0) and end <= opens[0]:  # "9:00-5:00": which is meant is a guess; keep the words
            return None
        out += [Opening(d, opens[0], None if end == time(0, 0) else end) for d in days]
    return out


def is_always_open(text: str | None) -> bool:
    return bool(_ALWAYS.match((text or "").strip()))


@functools.lru_cache(maxsize=8)
def _day_names(locale: str) -> dict[int, str]:
    from babel.dates import get_day_names

    return dict(get_day_names("wide", context="format", locale=locale))


def _day_list(days: list[int], lang: str) -> str:
    """"Monday to Friday", "Tuesday and Thursday", "Monday, Wednesday and Friday" (runs of 3+ days as a range)."""
    from babel.lists import format_list

    locale = babel_locale(lang)
    names = _day_names(locale)
    if len(days) == 7:
        return gettext_in(lang, T_EVERY_DAY)
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(gettext_in(lang, T_DAY_RANGE).format(first=names[run[0]], last=names[run[-1]]))
        else:
            parts += [names[d] for d in run]
    return format_list(parts, locale=locale)


@functools.lru_cache(maxsize=512)
def _clock(value: time | None, lang: str) -> str:
    from babel.dates import format_time

    if value is None or value == time(0, 0):  # "12:00 a.m." is read as noon as often as midnight
        return gettext_in(lang, T_MIDNIGHT)
    if value == time(12, 0):  # and "12:00 p.m." as midnight: said in words ("12:00 del día")
        return gettext_in(lang, T_NOON)
    # CLDR puts a narrow no-break space before "a.m."; a plain no-break space prints in every font
    return format_time(value, "short", locale=babel_locale(lang)).replace("\u202f", "\u00a0")


def openings_words(openings: list[Opening], lang: str) -> str:
    """"De lunes a viernes, de 9:00 a.m. a 5:00 p.m.; sábado, de 10:00 a.m. a 2:00 p.m." in ``lang``: the days
    that keep the same hours together, in the order of the week."""
    by_day: dict[int, list[tuple[time, time | None]]] = {}
    for o in openings:
        spans = by_day.setdefault(o.day, [])
        if (o.opens, o.closes) not in spans:
            spans.append((o.opens, o.closes))
    groups: dict[tuple, list[int]] = {}
    for day in sorted(by_day):
        spans = by_day[day]
        groups.setdefault(tuple(sorted(spans, key=lambda s: s[0])), []).append(day)
    from babel.lists import format_list

    out = []
    for spans_key, days in sorted(groups.items(), key=lambda kv: kv[1][0]):
        times = format_list([gettext_in(lang, T_TIME_RANGE).format(opens=_clock(a, lang), closes=_clock(b, lang))
                             for a, b in spans_key], locale=babel_locale(lang))
        out.append(gettext_in(lang, T_DAYS_TIMES).format(days=_day_list(days, lang), times=times))
    text = "; ".join(out)
    return text[:1].upper() + text[1:]


def hours_words(text: str | None, lang: str) -> tuple[str, bool]:
    """(the hours in ``lang``, whether they are the directory's own words shown as written)."""
    text = (text or "").strip()
    if not text:
        return "", False
    if is_always_open(text):
        return gettext_in(lang, T_OPEN_247), False
    openings = parse_hours(text)
    if openings is None:
        return text, True
    return openings_words(openings, lang), False
