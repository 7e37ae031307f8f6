"""Parse what a user typed as a location. Pure functions: no I/O, no data files.

Accepted: a US ZIP ("10001", "10001-1234"), coordinates ("32.5,-117.0"), "City, Region"
(US state or Mexican state, any spelling), a bare place name, or a street address (which needs
online geocoding).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from advocate.errors import InputError
from advocate.geo.distance import KM_PER_MILE
from advocate.i18n import _

_ZIP = re.compile(r"^(\d{5})(?:[- ]?(\d{4}))?$")
_SHORT_ZIP = re.compile(r"^\d{3,4}$")
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_COORDS = re.compile(rf"^\s*({_NUM})\s*[,;]\s*({_NUM})\s*$")
_COUNTRY = re.compile(
    r"^(m[eé]xico|mx|usa|u\.?s\.?a?\.?|united states( of america)?|estados unidos( de am[eé]rica)?|ee\.? ?uu\.?|eua)$",
    re.I,
)
_LOOKS_NUMERIC = re.compile(r"^[\s\d.,;+-]+$")


def is_country(text: str) -> bool:
    """Whether ``text`` names Mexico or the United States as people write them after a place ("México", "USA",
    "EE. UU.")."""
    return bool(_COUNTRY.match(text.strip()))


@dataclass(frozen=True)
class Zip:
    zip5: str


@dataclass(frozen=True)
class Coordinates:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class CityRegion:
    city: str
    region: str  # as typed; may be empty for a bare name


@dataclass(frozen=True)
class StreetAddress:
    text: str


Parsed = Zip | Coordinates | CityRegion | StreetAddress


def parse_location(text: str) -> Parsed:
    """Classify ``text``; raise :class:`InputError` with one clear sentence when it is malformed."""
    if not isinstance(text, str):
        raise InputError(_("a location must be text"))
    raw = text.strip()
    if not raw or "\x00" in raw:
        raise InputError(_('a location is needed: give a ZIP (10001), "City, ST", "Ciudad, Estado" or "lat,lon"'))
    if len(raw) > 200:
        raise InputError(_("that location is too long (over 200 characters); give a ZIP, a city or coordinates"))
    m = _ZIP.match(raw)
    if m:
        return Zip(m.group(1))
    if _SHORT_ZIP.match(raw):
        padded = raw.zfill(5)
        raise InputError(
            _('"{raw}" is not a 5-digit ZIP code (a spreadsheet may have dropped leading zeros)').format(raw=raw),
            suggestions=[padded],
        )
    m = _COORDS.match(raw)
    if m:
        return _coords(raw, m.group(1), m.group(2))
    typo = _zip_typo(raw)
    if typo:
        raise InputError(_('"{raw}" looks like a mistyped ZIP code (a letter where a digit belongs)').format(raw=raw),
                         field="location", suggestions=[typo])
    if _LOOKS_NUMERIC.match(raw):
        raise InputError(
            _('"{raw}" is neither a 5-digit ZIP code nor coordinates written as "lat,lon" (for example "32.53,-117.02")').format(raw=raw)
        )
    if "," in raw:
        head, _sep, tail = raw.rpartition(",")
        if head.strip() and _COUNTRY.match(tail.strip()):  # "Oaxaca de Juárez, Oaxaca, México"
            return parse_location(head)
        head, tail = head.strip(), tail.strip()
        if tail.isdigit():
            raise InputError(_('"{raw}" ends in "{tail}", which is neither a state nor a 5-digit ZIP code').format(raw=raw, tail=tail))
        if tail and head and not any(ch.isdigit() for ch in head.split(",")[0][:1]):
            # "City, ST" or "City, ST 12345" (the ZIP after a state wins: it is the most precise)
            zip_after = re.match(r"^(.*?)\s+(\d{5})(?:-\d{4})?$", tail)
            if zip_after:
                return Zip(zip_after.group(2))
            if "," in head:  # "street, city, state": more than a city
                return StreetAddress(raw)
            return CityRegion(head, tail)
        if head and head[:1].isdigit():
            return StreetAddress(raw)
        if not tail:
            return CityRegion(head, "")
    if raw[:1].isdigit() and any(ch.isalpha() for ch in raw):
        return StreetAddress(raw)
    return CityRegion(raw, "")


_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2"})


def _zip_typo(raw: str) -> str | None:
    """ "10O01" -> "10001": five characters, mostly digits, whose letters look like digits."""
    if len(raw) != 5 or raw.isdigit() or sum(ch.isdigit() for ch in raw) < 3:
        return None
    fixed = raw.translate(_LOOKALIKE)
    return fixed if fixed.isdigit() else None


def _coords(raw: str, a: str, b: str) -> Coordinates:
    lat, lon = float(a), float(b)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InputError(_('"{raw}" is not a pair of finite coordinates').format(raw=raw))
    if not -90 <= lat <= 90:
        hint = [f"{b.strip()},{a.strip()}"] if -90 <= lon <= 90 and -180 <= lat <= 180 else []
        raise InputError(_('latitude {value} in "{raw}" is out of range; expected -90 to 90, as "lat,lon"').format(value=a.strip(), raw=raw), suggestions=hint)
    if not -180 <= lon <= 180:
        raise InputError(_('longitude {value} in "{raw}" is out of range; expected -180 to 180, as "lat,lon"').format(value=b.strip(), raw=raw))
    return Coordinates(lat, lon)


_DIST = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(mi|miles?|km|kms|kilometers?|kilometres?)?\s*$", re.I)


def parse_distance(text: str) -> float:
    """ "25mi", "40km", "25" (miles) -> kilometres. Negative, zero-length or unknown units are refused."""
    m = _DIST.match(str(text))
    if not m:
        raise InputError(_('"{text}" is not a distance; expected a positive number with an optional unit, as "25mi" or "40km"').format(text=text))
    value = float(m.group(1))
    if not math.isfinite(value) or value <= 0:
        raise InputError(_('"{text}" is not a positive distance; expected something like "25mi" or "40km"').format(text=text))
    if value > 20100 * (1 if (m.group(2) or "mi").lower().startswith("k") else 0.62):
        raise InputError(_('"{text}" is farther than anywhere on Earth; expected something like "25mi" or "40km"').format(text=text))
    unit = (m.group(2) or "mi").lower()
    return value if unit.startswith("k") else value * KM_PER_MILE
