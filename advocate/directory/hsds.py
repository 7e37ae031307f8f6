"""Import Open Referral HSDS (1.x, 2.x, 3.x CSV or JSON) and Ohana exports; export HSDS 3.0.

One transaction per import: a failure or an interruption leaves the store as it was. Records are
keyed by (source, source id): importing the same source again updates in place, and records the
new export no longer has are marked inactive, never deleted or duplicated.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from itertools import islice, starmap
from pathlib import Path
from typing import TYPE_CHECKING, NotRequired, TypedDict

from advocate.collector import fewer_collections
from advocate.directory.hsds_read import READ_COLUMNS, read_tables
from advocate.directory.taxonomy import Evidence, classify
from advocate.directory.vocab import categories as known_categories
from advocate.directory.vocab import parse_language_text
from advocate.errors import AdvocateError, InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

_MOJIBAKE = {"GÇÖ": "’", "GÇÿ": "‘", "GÇ£": "“", "GÇ¥": "”", "GÇô": "–", "GÇö": "—", "GÇª": "…", "GÇó": "•",
             "ΓÇÖ": "’", "ΓÇÿ": "‘", "ΓÇ£": "“", "ΓÇ¥": "”", "ΓÇô": "–", "ΓÇö": "—", "ΓÇª": "…", "ΓÇó": "•",
             "â€™": "’", "â€˜": "‘", "â€œ": "“", "â€\x9d": "”", "â€“": "–", "â€”": "—", "â€¦": "…", "Â ": " "}
_MARKERS = re.compile(r"#{3}[A-Z]{2,5}#{3}")


_MOJIBAKE_RX = re.compile("|".join(re.escape(k) for k in _MOJIBAKE))
_CONTROL_OR_ESC = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_CLEAN_CACHE: dict[tuple[bool, int], dict[str, str | None]] = {}  # (multiline, limit) -> text -> clean text
_CLEAN_CACHE_MAX = 20_000  # short values (names, cities, states, codes) repeat through an export
_CLEAN_VARIANT_MAX = 4_096  # each other (multiline, limit): a sheet's cells, a dozen of them, many unique per row
_CLEAN_CACHED_LENGTH = 200
_CLEAN_ONE_LINE: dict[str, str | None] = _CLEAN_CACHE.setdefault((False, 20000), {})  # clean(text) (the defaults)


def clean(value, *, multiline: bool = False, limit: int = 20000) -> str | None:
    """Trim, repair common mojibake, turn literal "\\n" into newlines, drop county markers and NULs."""
    if value is None or value == "":
        return None
    text = value if type(value) is str else str(value)
    if len(text) > _CLEAN_CACHED_LENGTH:
        return _clean(text, multiline, limit)
    if multiline or limit != 20000:
        cache = _CLEAN_CACHE.get((multiline, limit))
        if cache is None:
            cache = _CLEAN_CACHE[(multiline, limit)] = {}
    else:  # the common call, its cache found without building a key
        cache = _CLEAN_ONE_LINE
    hit = cache.get(text, _MISSING)
    if hit is _MISSING:
        if len(cache) >= (_CLEAN_CACHE_MAX if cache is _CLEAN_ONE_LINE else _CLEAN_VARIANT_MAX):
            cache.clear()
        hit = cache[text] = _clean(text, multiline, limit)
    return hit  # type: ignore[return-value]


_MISSING = object()


def _clean(text: str, multiline: bool, limit: int) -> str | None:
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "Ã" in text or "â€" in text:
        try:
            text = text.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    # (every mojibake sequence has one of these in it: the plain checks spare most texts the regex)
    if ("Ç" in text or "â€" in text or "Â " in text) and _MOJIBAKE_RX.search(text):
        for bad, good in _MOJIBAKE.items():
            if bad in text:
                text = text.replace(bad, good)
    if "\\" in text or "\r" in text:
        text = text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n")
    if "#" in text and "###" in text:
        text = _MARKERS.sub("", text)
    # control characters (ESC sequences, C1, bidi overrides) go at import, so every output is clean (a text that
    # is all printable has none of them)
    printable = text.isprintable()
    # (lines: every character but the line breaks printable, so no control character either)
    lines = not printable and multiline and "\n" in text and text.replace("\n", "").isprintable()
    if not printable and not lines and _CONTROL_OR_ESC.search(text):
        from advocate.textnorm import strip_control

        text = strip_control(text, keep_newlines=True)
    if printable and "  " not in text and text[:1] != " " and text[-1:] != " ":
        pass  # one line, words one space apart already (in a printable text only an ASCII space is whitespace)
    elif not multiline or "\n" not in text:  # (one line: what the multi-line rule gives it too)
        text = " ".join(text.split())
    elif lines:  # lines whose only whitespace is an ASCII space: the rule below, by
        # plain replacing (runs of spaces made one, then the space at either end of a line dropped)
        while "  " in text:  # (runs of spaces made one: each pass halves them, at C speed, unlike a regex)
            text = text.replace("  ", " ")
        if " \n" in text or "\n " in text:
            text = text.replace(" \n", "\n").replace("\n ", "\n")
        if "\n\n\n" in text:
            text = re.sub(r"\n{3,}", "\n\n", text.strip())
    else:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
        if "\n\n\n" in text:
            text = re.sub(r"\n{3,}", "\n\n", text)
    text = text.strip()
    return text[:limit] if text else None


def flat_text(multiline: str | None, limit: int = 20000) -> str | None:
    """``clean(value) or ""`` from ``clean(value, multiline=True)``: the same words, one space between them
    (a long description cleaned once instead of twice). None when that cannot be exact: the multi-line text
    reached the limit, so the one-line text may keep words it lost."""
    if multiline is None:
        return ""
    if len(multiline) >= limit:
        return None
    if "\n" not in multiline:  # one line: clean() left its words one space apart already
        return multiline
    # lines whose words are one space apart, no space at either end, at most one blank line between them (what
    # clean() makes of a multi-line text): the line breaks become the spaces
    return multiline.replace("\n\n", "\n").replace("\n", " ")


_PHONES: dict[tuple, str | None] = {}
_ZIP5 = re.compile(r"^\s*(\d{5})")


def clean_phone(number, extension=None) -> str | None:
    key = (number, extension)
    if key in _PHONES:
        return _PHONES[key]
    if len(_PHONES) >= _CLEAN_CACHE_MAX:
        _PHONES.clear()
    out = _PHONES[key] = _clean_phone(number, extension)
    return out


def _clean_phone(number, extension=None) -> str | None:
    text = clean(number) or ""
    ext = clean(extension)
    m = re.search(r"\s*(?:x|ext\.?|extension)\s*(\d+)\s*$", text, re.I)
    if m:
        ext = ext or m.group(1)
        text = text[: m.start()]
    text = text.strip('"').strip()
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 and not (text.isdigit() and digits >= 3):  # "(211)    -", "n/a"; 211 and 988 stay
        return None
    text = re.sub(r"\s{2,}", " ", text)
    return f"{text} x{ext}" if ext else text


def coordinate(lat, lon) -> tuple[float, float] | None:
    if lat is None or lon is None or lat == "" or lon == "":  # (most places without a point: no exception raised)
        return None
    try:
        a, b = float(str(lat).strip()), float(str(lon).strip())
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)) or not (-90 <= a <= 90 and -180 <= b <= 180) or (a == 0 and b == 0):
        return None
    return a, b


_DATES: dict[object, str | None] = {}


def _date(value) -> str | None:
    if value is None or value == "":
        return None
    if value in _DATES:
        return _DATES[value]
    if len(_DATES) >= _CLEAN_CACHE_MAX:
        _DATES.clear()
    out = _DATES[value] = _parse_date(value)
    return out


def _parse_date(value) -> str | None:
    text = clean(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y", "%m/%d/%y", "%B %d, %Y"):
        try:
            d = datetime.strptime(text[:19] if "T" in text else text, fmt).date()
        except ValueError:
            continue
        return d.isoformat() if 1990 <= d.year <= date.today().year + 1 else None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")
    if not s:
        raise InputError(_("a source name needs letters or digits"), field="source")
    return s[:60]


_DAYS = {"monday": "Mon", "tuesday": "Tue", "wednesday": "Wed", "thursday": "Thu", "friday": "Fri", "saturday": "Sat",
         "sunday": "Sun", "mo": "Mon", "tu": "Tue", "we": "Wed", "th": "Thu", "fr": "Fri", "sa": "Sat", "su": "Sun"}


def schedule_text(rows: list[dict]) -> str | None:
    """Readable hours from regular_schedules (1.x/2.x/Ohana) or schedules (3.x)."""
    return schedule_text_of([tuple(r.get(c) for c in SCHEDULE_COLUMNS) for r in rows])


def schedule_text_of(rows: list[tuple]) -> str | None:
    """:func:`schedule_text` of rows given as tuples of their :data:`SCHEDULE_COLUMNS` (as the import reads them)."""
    originals = list(dict.fromkeys(t for r in rows if (t := clean(r[0]))))
    if originals:
        return "; ".join(originals)[:500]
    parts = []
    for _original, description, opens_at, closes_at, weekday, byday in rows:
        desc = clean(description)
        opens, closes = clean(opens_at), clean(closes_at)
        days = clean(weekday) or clean(byday) or ""
        days = ",".join(_DAYS.get(d.strip().lower(), d.strip()) for d in days.split(",") if d.strip())
        if opens or closes:
            parts.append(f"{days} {opens or '?'}-{closes or '?'}".strip())
        elif desc:
            parts.append(desc)
    return "; ".join(dict.fromkeys(parts))[:500] or None


class ImportStats(TypedDict):
    """The summary of one import: ``services_read = imported + updated + rejected``."""

    source: str
    layout: str
    services_read: int
    imported: int
    updated: int
    rejected: int
    geocoded_offline: int  # locations with no coordinates placed at their ZIP or city
    inactivated: int  # services of this source the export no longer lists
    locations: int
    no_location: int
    organizations: int
    unmapped_languages: int
    dry_run: bool
    rejects: NotRequired[list[dict]]  # the first few rejected rows (all of them go to the rejects file)
    unmapped_language_names: NotRequired[list[dict]]  # language words that matched no language, with counts
    pages: NotRequired[int]  # pages read from an HSDS API
    partial_export: NotRequired[bool]  # an export of only what changed: nothing else is marked inactive
    # a spreadsheet: which sheet, its header row, which column fed which field, the columns left out, rows skipped
    sheet: NotRequired[str]
    header_row: NotRequired[int]
    mapping: NotRequired[dict[str, str]]
    unmapped_columns: NotRequired[list[str]]
    skipped_rows: NotRequired[int]


class Importer:
    """One import of one export: indexes its tables, then writes every service in one transaction."""

    def __init__(self, store: Store, path=None, *, source: str | None = None, online: bool = False, progress=None,
                 tables=None, geocoder=None):
        # ``tables``: (staged tables, layout, default name) already read, e.g. from an HSDS API
        tables, layout, default_name = tables or read_tables(path)
        self.layout: str = layout
        # an export written by advocate says where each record came from (see directory.export)
        self.own_export = "advocate_source_id" in tables.columns.get("services", [])
        if self.own_export:
            tables.unguard = True  # its CSV cells were guarded for spreadsheets ('+1 ...): give them back as written
            recorded = tables.distinct("services", "advocate_source")
            if source is None and len(recorded) == 1 and recorded[0] != "advocate-bundled":
                default_name = recorded[0]
        self.source = _slug(source or default_name)
        if self.source == "advocate-bundled":
            tables.close()
            raise InputError(_('"advocate-bundled" is reserved for the directory shipped with advocate; choose another source name'), field="source")
        self.store, self.conn, self.online, self.progress = store, store.conn, online, progress
        self.geocoder = geocoder
        self.T = T = tables
        self.total = T.count("services")
        self._lookup_cache: dict[tuple[str, str, str], dict] = {}
        self._named_terms: dict[str | None, tuple[str, str]] = {}
        self._coded_terms: dict[tuple, tuple[tuple[str, str], ...]] = {}  # a service's codes -> its terms
        self._tax_key: str | None = None  # the taxonomy table's key column (see categories_of)
        self._languages_read: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # see languages_of
        self._areas: dict[tuple, tuple] = {}  # an address's city, state, region, country, ZIP cells -> see _area
        self._hours: dict[tuple, str | None] = {}  # a service's schedule rows -> its hours (see import_service)
        self.geo_cache: dict[str, tuple[float, float] | None] = {}
        # what the import has seen and written so far is kept in the staging database (memory stays flat in the
        # number of services): "ids" and "keys" of the services taken, "orgs" and "locs" written (export id ->
        # store key, and a location's facts); these hold the current block's share, read at its start
        self._ids: set[str] = set()
        self._keys: set[str] = set()
        self._orgs: dict[str, str] = {}  # export id -> store key
        self._locs: dict[str, str] = {}
        self._org_names: dict[str, str] = {}  # export id -> cleaned name, this block's (see org_name)
        self._asked: set[tuple[str, str]] = set()  # (memo, export id): looked up for this block (else: ask)
        self._remember: dict[str, list[tuple]] = {"ids": [], "keys": [], "orgs": [], "locs": []}
        self._seen_any = False
        self.rejects: list[dict] = []
        self.unmapped_language_counts: dict[str, int] = {}  # the first few only (for the summary); the rest stream to the rejects file
        self.rejects_target: Path | None = None  # a path already checked by the output gateway
        self.record: Callable[[ImportStats], None] | None = None  # called with the summary inside the transaction, before the commit (remembers the source)
        self._pending: dict[str, list[tuple]] = {t: [] for t in ("organizations", "locations", "services", "own",
                                                                  "replaced",
                                                                  "service_categories", "category_evidence", "staff",
                                                                  "interpretation", "service_at_location")}
        self._existing: set[str] | None = None  # the block's services the store already has (set by run)
        self._rtree_trigger: str | None = None  # the R*Tree insert trigger's SQL while run() stands in for it
        self._place_facts: dict[str, tuple] = {}  # location key -> what it says (a service's fingerprint reads it)
        self._lookup_cap = _CLEAN_CACHE_MAX  # term rows and names remembered (a sheet's free words are terms)
        self.present_ids: set[str] | None = None  # ids the source still lists, when the pull read only changes
        self.incremental = False  # the pull read only some services: inactivate none unless present_ids says so
        self._rejects_csv: csv.DictWriter | None = None
        self.stats: ImportStats = {"source": self.source, "layout": self.layout, "services_read": 0, "imported": 0, "updated": 0,
                      "rejected": 0, "geocoded_offline": 0, "inactivated": 0, "locations": 0, "no_location": 0,
                      "organizations": 0, "unmapped_languages": 0, "dry_run": False}
        summary = getattr(tables, "summary", None)  # a sheet says which sheet, header and columns
        if summary:
            self.stats.update(summary)
        from advocate.clock import now_utc

        self.now = now_utc()  # the time every change this import makes is stamped with

    # --- lookups into the staged export ---------------------------------------------------------
    def org(self, oid: str) -> dict | None:
        return self.T.one("organizations", "id", oid)

    def org_name(self, oid: str | None) -> str:
        """The organization's cleaned name ("" when it has none), once per organization and block."""
        if not oid:
            return ""
        name = self._org_names.get(oid)
        if name is None:
            name = self._org_names[oid] = clean((self.org(oid) or {}).get("name")) or ""
        return name

    def loc(self, lid: str) -> dict | None:
        return self.T.one("locations", "id", lid)

    def addr(self, lid: str) -> dict:
        rows = self.T.many("addresses", "location_id", lid)
        if len(rows) == 1:  # (the physical one if it is, else the first: the one)
            return rows[0]
        physical = [r for r in rows if (r.get("address_type") or "physical").strip().lower() == "physical"]
        return (physical or rows or self.T.many("postal_addresses", "location_id", lid) or [{}])[0]

    def term_row(self, table: str, column: str, code: str) -> dict:
        """The taxonomy row whose ``column`` is ``code`` ({} when the export has none): terms repeat across
        services, so each is looked up once."""
        key = (table, column, code)
        if key not in self._lookup_cache:
            if len(self._lookup_cache) >= self._lookup_cap:
                self._lookup_cache.clear()
            row = self.T.one(table, column, code) or {}
            self._lookup_cache[key] = row
        return self._lookup_cache[key]

    # --- pieces ---------------------------------------------------------------------------------
    def identity(self, row: dict, export_id: str, kind: str = "") -> tuple[str, str]:
        """(store key, source id) of a record. A record of our own export that came from the source being
        imported keeps the key and source id it had (``miami-211:1449``, not ``miami-211:miami-211:1449``);
        any other record is keyed by the source name and its id in the export."""
        if self.own_export and clean(row.get("advocate_source")) == self.source \
                and export_id.startswith(f"{self.source}:"):
            return export_id, clean(row.get("advocate_source_id")) or export_id[len(self.source) + 1:]
        return f"{self.source}:{kind}{export_id}", export_id

    def reject(self, row, reason):
        self.stats["rejected"] += 1
        entry = {"table": "services", "id": clean(row.get("id")) or "", "name": clean(row.get("name")) or "",
                 "reason": reason}
        if len(self.rejects) < REJECT_SAMPLE:
            self.rejects.append(entry)
        if self._rejects_csv is not None:
            self._rejects_csv.writerow({k: _safe_cell(v) for k, v in entry.items()})

    def offline_point(self, postal_code: str | None, country: str, state: str, city: str) -> tuple[float, float] | None:
        """Where an address without coordinates lies, offline: its ZIP's point, else its city's (from the postal code
        as written, the country in upper case, the state and city cleaned: see :meth:`_area`); None when neither is
        known."""
        # (a Mexican código postal is five digits too, and no US ZIP)
        zip5 = None if country in ("MX", "MEX", "MEXICO", "MÉXICO") else _ZIP5.match(postal_code or "")
        keys = ([zip5.group(1)] if zip5 else []) + ([f"{city}, {state}"] if city and state else [])
        for key in keys:
            if key not in self.geo_cache:
                try:
                    from advocate.geo.resolve import resolve_place

                    p = resolve_place(key, online=self.online, store=self.store, geocoder=self.geocoder,
                                      point_only=True)
                    self.geo_cache[key] = (p.latitude, p.longitude)
                except AdvocateError:  # an unknown ZIP or city: try the next key (a store error is not that)
                    self.geo_cache[key] = None
            if self.geo_cache[key]:
                return self.geo_cache[key]
        return None

    @staticmethod
    def _area(city, state_province, region, country, postal_code) -> tuple:
        """(city, state, postal code, country as written in upper case, country as stored) of an address's cells."""
        written = (clean(country) or "").upper()
        stored: str | None = "US" if written in ("USA", "UNITED STATES") else written
        if not stored:
            stored = "US" if state_province or postal_code else None
        return (clean(city), clean(state_province) or clean(region), clean(postal_code), written, stored)

    def _known(self, memo: str, export_id: str) -> tuple | None:
        """What an earlier block kept under ``memo`` for ``export_id`` when this block did not look it up at its
        start (a service imported on its own, an Ohana location's organization)."""
        if (memo, export_id) in self._asked or not export_id:
            return None
        self._asked.add((memo, export_id))
        return self.T.recall(memo, [export_id]).get(export_id)

    def write_org(self, oid: str) -> str | None:
        written = self._orgs.get(oid)
        if written is not None:
            return written
        known = self._known("orgs", oid)
        if known is not None:
            self._orgs[oid] = known[0]
            return known[0]
        o = self.org(oid) if oid else None
        if not oid or not o:
            return None
        key, source_id = self.identity(o, oid, "org:")
        self._orgs[oid] = key
        self._remember["orgs"].append((oid, key))
        self.stats["organizations"] += 1
        name = clean(o.get("name"))
        self._org_names[oid] = name or ""  # (what org_name gives: the block's services ask for it)
        self._write("organizations", (key, name or oid, clean(o.get("description"), multiline=True),
                                      clean(o.get("url") or o.get("website")), clean(o.get("email")), self.source,
                                      source_id))
        return key

    def write_location(self, lid: str, org_key: str | None) -> str | None:
        written = self._locs.get(lid)
        if written is not None:
            return written
        known = self._known("locs", lid)
        if known is not None:
            self._locs[lid] = known[0]
            self._place_facts[known[0]] = known[1:]
            return known[0]
        loc = self.loc(lid)
        if loc is None:
            return None
        key, source_id = self.identity(loc, lid, "loc:")
        addr = self.addr(lid)
        get = addr.get
        # an address's place (city, state, ZIP, country): a small vocabulary, each read once
        cells = (get("city"), get("state_province"), get("region"), get("country"), get("postal_code"))
        area = self._areas.get(cells)
        if area is None:
            if len(self._areas) >= self._lookup_cap:
                self._areas.clear()
            area = self._areas[cells] = self._area(*cells)
        city, state, postal_code, written_country, country = area
        point = coordinate(loc.get("latitude"), loc.get("longitude"))
        # our own export says whether a point stands for a city or ZIP centre
        approximate = 1 if point and (loc.get("advocate_approximate") or "").strip() in ("1", "true") else 0
        if point is None and addr:
            point = self.offline_point(cells[4], written_country, state or "", city or "")
            if point:
                approximate = 1
                self.stats["geocoded_offline"] += 1
        line_1, line_2 = clean(get("address_1")), clean(get("address_2"))
        address = (f"{line_1}, {line_2}" if line_2 else line_1) if line_1 else line_2
        facts = (address, city, state, postal_code, country, point[0] if point else None,
                 point[1] if point else None)
        transportation = clean(loc.get("transportation"))
        self._place_facts[key] = (*facts, transportation)
        self._write("locations", (key, org_key, clean(loc.get("name")), *facts, approximate, self.source, source_id,
                                  transportation))
        self._locs[lid] = key
        self._remember["locs"].append((lid, key, *facts, transportation))
        self.stats["locations"] += 1
        return key

    def required_documents(self, sid: str, row: dict) -> str | None:
        """The papers a service asks for: HSDS's required_document rows, or Ohana's column; "; "-joined."""
        docs = [clean(r.get("document") or r.get("name")) for r in self.T.many("required_documents", "service_id", sid)] \
            if "required_documents" in self.T.columns else None  # (most exports have no such table)
        if not docs or not any(docs):
            docs = [clean(row.get("required_documents"))]
        text = "; ".join(dict.fromkeys(d for d in docs if d))
        return text[:1000] or None

    def languages_of(self, sid: str, row: dict, loc_ids: list[str]) -> tuple[list[str], list[str], list[str]]:
        """(staff codes, interpretation codes, words that are not languages)."""
        words, tuples = LANGUAGE_COLUMNS, self.T.tuples  # (language, code, name, service_id)
        texts = [language or code or name or "" for language, code, name, _s in tuples("languages", "service_id", sid, words)]
        for lid in loc_ids:
            texts += [language or code or name or "" for language, code, name, _s in
                      tuples("languages", "location_id", lid, words, blank="service_id")]
            if self.layout == "ohana":
                texts.append((self.loc(lid) or {}).get("languages") or "")
        if row.get("languages"):
            texts.append(row["languages"])
        read = self._languages_read
        hit = read.get(key := tuple(texts))
        if hit is None:  # (services list the same few languages: each list of them read once)
            if len(read) >= self._lookup_cap:
                read.clear()
            codes_of: list[str] = []
            unread: list[str] = []
            for text in texts:
                codes, rest = parse_language_text(clean(text) or "")
                codes_of += [c for c in codes if c not in codes_of]
                unread += rest
            hit = read[key] = (tuple(codes_of), tuple(unread))
        staff, leftovers = list(hit[0]), list(hit[1])
        interp = []
        itext = clean(row.get("interpretation_services"))
        if itext and not re.match(r"^(no|none|n/?a)\b", itext, re.I):
            codes, _rest = parse_language_text(itext)
            interp = codes or (["mul"] if re.search(r"interpret|translat|language line|upon request|any language",
                                                    itext, re.I) else [])
        return staff, [c for c in interp if c not in staff], leftovers

    def own_fields(self, row: dict) -> dict:
        """The service fields our own export carries beyond HSDS (see ``directory.export.SERVICE_EXTRAS``)."""
        out: dict[str, str | int | None] = {}
        for c in ("caution", "name_es", "description_es", "caution_es", "citation", "citation_url", "text_line"):
            out[c] = clean(row.get(f"advocate_{c}"), multiline=c.startswith("description"))
        confidence = (clean(row.get("advocate_confidence")) or "").lower()
        out["confidence"] = confidence if confidence in ("high", "medium", "low") else "high"
        out["source_date"] = _date(row.get("advocate_source_date"))
        out["country"] = (clean(row.get("advocate_country")) or "").upper() or None
        out["law_enforcement"] = 1 if (clean(row.get("advocate_law_enforcement")) or "") in ("1", "true") else 0
        priority = clean(row.get("advocate_priority")) or ""
        out["priority"] = int(priority) if re.fullmatch(r"-?\d{1,6}", priority) else None
        verified = _date(row.get("advocate_last_verified"))
        if verified:
            out["last_verified"] = verified
        return out

    def categories_of(self, sid: str, row: dict, name: str, oid: str | None,
                      description: str | None = None) -> tuple[list, list[str]]:
        """([Evidence], unmapped term names): see ``taxonomy.classify``; our own vocabulary is taken as given."""
        tax_key = self._tax_key
        if tax_key is None:
            tax_key = self._tax_key = "id" if "id" in self.T.columns.get("taxonomy", []) else "taxonomy_id"
        codes = tuple(self.T.column_values("service_taxonomy", "service_id", sid, "taxonomy_id"))
        coded = self._coded_terms.get(codes)
        if coded is None:  # (code, its cleaned name) of each, each once: once per set of codes
            if len(self._coded_terms) >= self._lookup_cap:
                self._coded_terms.clear()
            coded = self._coded_terms[codes] = tuple(dict.fromkeys(self.named_term(raw, tax_key) for raw in codes))
        terms = list(coded)
        if self.layout == "ohana" and row.get("taxonomy_ids"):
            for code in re.split(r"[,;\s]+", row["taxonomy_ids"]):
                if code:
                    terms.append((code, clean(self.term_row("taxonomy", tax_key, code).get("name")) or ""))
        own: dict[str, Evidence] = {}
        for r in self.T.many("attributes", "link_id", sid) if "attributes" in self.T.columns else ():
            attribute = self.term_row("taxonomy_terms", "id", (r.get("taxonomy_term_id") or "").strip())
            code, tname = clean(attribute.get("code")) or "", clean(attribute.get("name")) or ""
            if code in known_categories():  # our own vocabulary (an advocate export): taken as given, with its why
                why = re.match(r"^(taxonomy|keyword|rule): (.+)$", clean(r.get("value")) or "")
                own[code] = Evidence(code, why.group(1), why.group(2)) if why else Evidence(code, "", "")
            else:
                terms.append((code, tname))
        if own:
            unmapped = [tname or code for code, tname in dict.fromkeys(terms)]
            if self.layout == "sheet":  # a sheet's own words decide, except that enforcement overrides them
                from advocate.directory.taxonomy import enforcement_evidence

                org_name = self.org_name(oid)
                enforcement = enforcement_evidence(name, org_name)
                if enforcement:
                    return enforcement, unmapped
            return list(own.values()), unmapped
        org_name = self.org_name(oid)
        if description is None:
            description = clean(row.get("description")) or ""
        evidence, unmapped = classify(name=name, description=description, organization=org_name,
                                      terms=coded if len(terms) == len(coded) else tuple(dict.fromkeys(terms)))
        known = known_categories()
        evidence = [e for e in evidence if e.category in known]
        return evidence or [Evidence("other", "", "")], unmapped

    def named_term(self, raw: str | None, tax_key: str) -> tuple[str, str]:
        """(code, its cleaned name) of a service_taxonomy cell, once per code."""
        named = self._named_terms
        term = named.get(raw)
        if term is None:
            if len(named) >= self._lookup_cap:
                named.clear()
            code = (raw or "").strip()
            term = named[raw] = (code, clean(self.term_row("taxonomy", tax_key, code).get("name")) or "")
        return term

    def import_service(self, row: dict) -> None:
        self.stats["services_read"] += 1
        if row.get("_reject"):  # the reader already knows what is wrong with the row (a sheet's row number)
            self.reject(row, row["_reject"])
            return
        sid = (row.get("id") or "").strip()
        name = clean(row.get("name"))
        key, source_id = self.identity(row, sid) if sid else ("", "")
        reason = "no id" if not sid else "id longer than 200 characters" if len(sid) > 200 else \
            "no name" if not name else None
        if reason is None and (sid in self._ids or self._known("ids", sid) is not None
                               or (self.own_export and (key in self._keys or self._known("keys", key) is not None))):
            reason = "duplicate id in this export"
        if reason is not None:
            self.reject(row, reason)
            return
        assert name is not None  # (rejected above when it has none)
        self._ids.add(sid)
        self._remember["ids"].append((sid,))
        if self.own_export:  # (any other service's key is "<source>:<id>": its id alone tells it was taken)
            self._keys.add(key)
            self._remember["keys"].append((key,))
        self._seen_any = True
        oid = (row.get("organization_id") or "").strip()
        org_key = self.write_org(oid)
        loc_ids = [(v or "").strip() for v in self.T.column_values("service_at_location", "service_id", sid, "location_id")]
        if self.layout == "ohana" and (row.get("location_id") or "").strip():
            lid = row["location_id"].strip()
            loc_ids.append(lid)
            if not org_key:
                oid = ((self.loc(lid) or {}).get("organization_id") or "").strip()
                org_key = self.write_org(oid)
        loc_ids = [lid for lid in dict.fromkeys(loc_ids) if lid]
        loc_keys = [k for k in (self.write_location(lid, org_key) for lid in loc_ids) if k]
        staff, interp, leftovers = self.languages_of(sid, row, loc_ids)
        self.stats["unmapped_languages"] += len(leftovers)
        for text in dict.fromkeys(leftovers):
            counts = self.unmapped_language_counts
            if text in counts or len(counts) < UNMAPPED_KEPT:  # a hostile file's million distinct words stay out
                counts[text] = counts.get(text, 0) + 1
        description = clean(row.get("description"), multiline=True)
        evidence, unmapped = self.categories_of(sid, row, name, oid, description=flat_text(description))
        cats = [e.category for e in evidence]
        tuples, phone, when = self.T.tuples, PHONE_COLUMNS, SCHEDULE_COLUMNS
        phone_rows = tuples("phones", "service_id", sid, phone)
        for lid in loc_ids:
            phone_rows += tuples("phones", "location_id", lid, phone)
        if oid:
            phone_rows += tuples("phones", "organization_id", oid, phone)
        # (in the order given, each once; linear, whatever the number of an organization's phones)
        phones = list(dict.fromkeys(filter(None, starmap(clean_phone, phone_rows))))
        schedule = tuples("schedules", "service_id", sid, when)
        for lid in loc_ids:
            schedule += tuples("schedules", "location_id", lid, when)
        hours = self._hours.get(schedule_key := tuple(schedule), _MISSING)
        if hours is _MISSING:  # (services keep the same few hours: each set of schedule rows read once)
            if len(self._hours) >= self._lookup_cap:
                self._hours.clear()
            hours = self._hours[schedule_key] = schedule_text_of(schedule)
        verified = _date(row.get("assured_date")) or _date(row.get("last_modified")) or _date(row.get("updated_at"))
        status = "inactive" if (clean(row.get("status")) or "").lower() in ("inactive", "defunct") else "active"
        notes: list[str] = []
        sheet_note = clean(row.get("notes"), limit=2000) if self.layout == "sheet" else None
        if sheet_note:
            notes.append(sheet_note)
        kept = clean(row.get("advocate_notes"), multiline=True) if self.own_export else None
        if kept:
            notes.append(kept)
        if leftovers:
            notes.append(LANGUAGE_NOTE + ", ".join(dict.fromkeys(leftovers))[:300])
        if unmapped:
            taxonomy = "taxonomy: " + "; ".join(dict.fromkeys(unmapped))[:500]
            if not kept or taxonomy not in kept:
                notes.append(taxonomy)
        if self._existing is not None:
            existed = key in self._existing
        else:
            existed = self.conn.execute("SELECT 1 FROM services WHERE id = ?", (key,)).fetchone() is not None
        write, pending = self._write, self._pending
        values = (org_key, name, description,
                  clean(row.get("url") or row.get("website")), clean(row.get("email")),
                  "; ".join(phones[:3]) or None, hours,
                  clean(row.get("eligibility_description") or row.get("eligibility") or row.get("audience")),
                  clean(row.get("fees_description") or row.get("fees")), status)
        getting_there = (clean(row.get("application_process"), multiline=True), self.required_documents(sid, row))
        # what the service says, its places included: ``changed`` moves only when this differs from the last import
        places = [self._place_facts.get(lk) for lk in sorted(loc_keys)]
        fingerprint = hashlib.sha1(_FINGERPRINT_JSON([values, getting_there, sorted(cats), sorted(staff),
                                                      sorted(interp), places]).encode()).hexdigest()
        write("services", (key, *values, self.source, source_id, verified, " | ".join(notes) or None, *getting_there,
                           self.now, fingerprint))
        if self.own_export:  # what only our own export carries, back as it was
            own = self.own_fields(row)
            write("own", (*(own[c] for c in OWN_FIELDS), own.get("last_verified"), key))
        if existed:  # a new service has nothing to replace
            pending["replaced"].append((key,))
        pending["service_categories"] += [(key, c) for c in cats]
        pending["category_evidence"] += [(key, e.category, e.basis, e.reason[:300]) for e in evidence if e.basis]
        pending["staff"] += [(key, c) for c in staff]
        pending["interpretation"] += [(key, c) for c in interp]
        pending["service_at_location"] += [(key, lk) for lk in loc_keys]
        if self._existing is None:  # called on its own, not from run(): written at once
            self.flush()
        if not loc_keys:
            self.stats["no_location"] += 1
        self.stats["updated" if existed else "imported"] += 1

    # --- reads and writes a block of services at a time ----------------------------------------------
    def _prefetch(self, block: list[dict]) -> None:
        """Read every staged row the services of ``block`` will ask for, a query per table rather than a
        dozen per service, and which of them the store already has (memory: one block)."""
        T = self.T
        T.forget()
        sids = [(r.get("id") or "").strip() for r in block]
        # phones, schedules and languages: only the columns read below (phone_rows, schedule_text, languages_of)
        phone, hours, words = PHONE_COLUMNS, SCHEDULE_COLUMNS, LANGUAGE_COLUMNS
        T.prefetch_column("service_at_location", "service_id", sids, "location_id")
        T.prefetch("attributes", "link_id", sids)
        T.prefetch("required_documents", "service_id", sids)
        T.prefetch_tuples("languages", "service_id", sids, words)
        T.prefetch_tuples("phones", "service_id", sids, phone)
        T.prefetch_tuples("schedules", "service_id", sids, hours)
        T.prefetch_column("service_taxonomy", "service_id", sids, "taxonomy_id")
        oids = [(r.get("organization_id") or "").strip() for r in block]
        T.prefetch("organizations", "id", oids, ORGANIZATION_COLUMNS)
        T.prefetch_tuples("phones", "organization_id", oids, phone)
        lids = [(v or "").strip() for sid in sids for v in T.column_values("service_at_location", "service_id", sid, "location_id")]
        if self.layout == "ohana":
            lids += [(r.get("location_id") or "").strip() for r in block]
        # what earlier blocks took and wrote, of what this block names (one query each)
        asked = self._asked
        asked.clear()
        self._ids = set(T.recall("ids", sids))
        keys = [self.identity(r, sid)[0] for r, sid in zip(block, sids, strict=True) if sid]
        if self.own_export:  # (see import_service: elsewhere the ids say it)
            self._keys = set(T.recall("keys", keys))
            asked.update(("keys", k) for k in keys)
        self._orgs = {oid: v[0] for oid, v in T.recall("orgs", oids).items()}
        known = T.recall("locs", lids)
        self._locs = {lid: v[0] for lid, v in known.items()}
        self._place_facts = {v[0]: v[1:] for v in known.values()}
        asked.update(("ids", sid) for sid in sids)
        asked.update(("orgs", oid) for oid in oids)
        asked.update(("locs", lid) for lid in lids)
        fresh = [lid for lid in lids if lid and lid not in self._locs]  # a location is written once
        T.prefetch("locations", "id", fresh, LOCATION_COLUMNS)
        for table in ("addresses", "postal_addresses"):
            T.prefetch(table, "location_id", fresh, ADDRESS_COLUMNS)
        # a place's languages are those given for no service in particular (see languages_of)
        T.prefetch_tuples("languages", "location_id", lids, words, blank="service_id")
        for table, only in (("phones", phone), ("schedules", hours)):
            T.prefetch_tuples(table, "location_id", lids, only)
        self._existing = {k for (k,) in self.conn.execute(
            "SELECT id FROM services WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(keys),))}

    def _bulk_rtree(self) -> None:
        """Inside the import's transaction, the R*Tree insert trigger of service_at_location is taken out and its
        rows are added per block (:data:`RTREE_ROWS`, the trigger's own query, read at once), then the trigger
        is put back before the commit: half the cost of writing a service's places. The rows go in in the order
        the trigger would have added them, so the R*Tree is the same; a failed or dry-run import rolls the
        trigger's removal back with everything else."""
        row = self.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'sal_rtree_insert'"
                                " AND tbl_name = 'service_at_location'").fetchone()
        if row is None or row[0] is None or " ".join(row[0].split()) != RTREE_TRIGGER:
            return  # not the trigger this statement stands for (a schema this code does not know): leave it be
        self.conn.execute("DROP TRIGGER sal_rtree_insert")
        self._rtree_trigger = row[0]

    def _rtree_rows(self, before: int) -> list[tuple]:
        """The R*Tree rows of the places this block just wrote (the service_at_location rows past ``before``: SQLite
        numbers a new row one past the largest), as the trigger would add them: each place's point as the block
        wrote it (``_place_facts``), each service's status as the block wrote it (its services row), rather than
        each looked up again. Read by :data:`RTREE_ROWS` when one of them is not at hand."""
        points, status = self._place_facts, {r[0]: r[_STATUS_AT] for r in self._pending["services"]}
        rows = []
        if before < 2**62:  # (past that, SQLite may number a new row below the largest)
            for sal_id, service, place in self.conn.execute(
                    "SELECT id, service_id, location_id FROM service_at_location WHERE id > ? ORDER BY id", (before,)):
                facts, active = points.get(place), status.get(service)
                if facts is None or active is None:
                    break
                lat, lon = facts[_LATITUDE_AT], facts[_LATITUDE_AT + 1]
                if lat is not None and lon is not None:
                    rows.append((sal_id, lat, lat, lon, lon, service, place, int(active == "active")))
            else:
                return rows
        keys = json.dumps(list(dict.fromkeys(k for k, _ in self._pending["service_at_location"])))
        return self.conn.execute(RTREE_ROWS, (keys,)).fetchall()

    def _write(self, table: str, values: tuple) -> None:
        self._pending[table].append(values)

    def flush(self) -> None:
        """Write what the services read so far produced: parents first (organizations, locations,
        services), then what an updated service replaces, then its categories, languages and places."""
        pending, conn = self._pending, self.conn
        for table, sql in _UPSERTS:
            rows = pending[table]
            if rows:
                # rows the store does not have yet go in by a plain INSERT (in the order they came, so they get
                # the same rowids): an upsert may run the table's UPDATE triggers, so SQLite keeps a statement
                # journal for each one, a copy of every page it touches (half a gigabyte written on a 20k-service
                # import); the rows it has are updated as before
                if table == "services" and self._existing is not None:  # (read at the block's start: see run)
                    have = set(self._existing)
                else:
                    have = {k for (k,) in conn.execute(
                        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
                        (json.dumps([r[0] for r in rows]),))}
                fresh, again = [], []
                for r in rows:  # (a key twice in one block, which the import never writes, would be an update)
                    if r[0] in have:
                        again.append(r)
                    else:
                        have.add(r[0])
                        fresh.append(r)
                conn.executemany(_PLAIN_INSERTS[table], fresh)
                if again:
                    conn.executemany(sql, again)
        if pending["own"]:  # the fields only our own export carries (see own_fields)
            conn.executemany(OWN_UPDATE, pending["own"])
        if pending["replaced"]:
            for table in ("service_categories", "category_evidence", "service_languages", "service_at_location"):
                conn.executemany(f"DELETE FROM {table} WHERE service_id = ?", pending["replaced"])
        rtree = self._rtree_trigger is not None and bool(pending["service_at_location"])
        before = (conn.execute("SELECT max(id) FROM service_at_location").fetchone()[0] or 0) if rtree else 0
        # (a row per statement: a statement of many rows into a table with constraints makes SQLite keep a statement
        # journal of the pages it touches, 230 MB of temporary file on a 20k-service import, for a few % of the time)
        for table, sql in _CHILDREN:
            if pending[table]:
                conn.executemany(sql, pending[table])
        if rtree:
            # what the R*Tree insert trigger does row by row, in the same order (sal.id), written a row per statement
            # (one INSERT ... SELECT of them made SQLite keep a statement journal of every R*Tree page it touched: 23
            # MiB of temporary file on a 20k-service import)
            conn.executemany(RTREE_INSERT, self._rtree_rows(before))
        for rows in pending.values():
            rows.clear()
        for memo, rows in self._remember.items():  # kept in the staging database, not in memory
            self.T.remember(memo, rows)
            rows.clear()
        for held in (self._ids, self._keys, self._orgs, self._locs, self._place_facts, self._asked, self._org_names):
            held.clear()
        self.T.forget()

    # --- the whole import -------------------------------------------------------------------------
    def run(self, *, dry_run: bool = False) -> ImportStats:
        with fewer_collections():
            return self._run(dry_run=dry_run)

    def _run(self, *, dry_run: bool) -> ImportStats:
        from advocate.directory.fts import reindex
        from advocate.geo import gazetteer

        gazetteer.connection()
        self.stats["dry_run"] = dry_run
        total = self.total
        from advocate.files import open_private

        # a bigger page cache for the import's one transaction (16 MiB, not SQLite's 2): the pages it writes into
        # the store's indexes stay in memory instead of being spilled to the log and read back (a fixed cost in
        # memory, whatever the export's size); the store's own setting is put back after
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
        try:
            with self.store.write(), contextlib.ExitStack() as outputs:
                self._bulk_rtree()
                if self.rejects_target is not None:  # streamed, renamed into place before the commit
                    fh = outputs.enter_context(open_private(self.rejects_target, "w", checked=self.rejects_target))
                    self._rejects_csv = csv.DictWriter(fh, fieldnames=REJECT_FIELDS, lineterminator="\n")
                    self._rejects_csv.writeheader()
                rows, n = self.T.rows("services"), 0
                while block := list(islice(rows, BLOCK)):
                    self._prefetch(block)
                    for row in block:
                        n += 1
                        self.import_service(row)
                        if self.progress and (n % 250 == 0 or n == total):
                            self.progress(n, total)
                    self.flush()
                self._existing = None
                if self._rtree_trigger is not None:  # put back as it was (inside the transaction: all or nothing)
                    self.conn.execute(self._rtree_trigger)
                    self._rtree_trigger = None
                present = self.present_ids
                if present if present is not None else (self._seen_any and not self.incremental):
                    # the keys of what this pull read, and of what the source still lists but did not send
                    self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _seen (id TEXT PRIMARY KEY)")
                    self.conn.execute("DELETE FROM _seen")
                    taken = self.T.remembered("keys") if self.own_export else \
                        ((f"{self.source}:{sid}",) for (sid,) in self.T.remembered("ids"))
                    self.conn.executemany("INSERT OR IGNORE INTO _seen VALUES (?)", taken)
                    if present:
                        listed = list(present)
                        for at in range(0, len(listed), 5000):
                            chunk = listed[at:at + 5000]
                            read = self.T.recall("ids", chunk)
                            self.conn.executemany("INSERT OR IGNORE INTO _seen VALUES (?)",
                                                  [(f"{self.source}:{s}",) for s in chunk if s not in read])
                    self.stats["inactivated"] = self.conn.execute(
                        "UPDATE services SET status = 'inactive', changed = ? WHERE source = ? AND status = 'active'"
                        " AND id NOT IN (SELECT id FROM _seen)", (self.now, self.source)).rowcount
                reindex(self.store, source=self.source)
                if self.record is not None:
                    self.record(self.stats)
                self.store.audit("import", "services", self.source)
                outputs.close()  # the rejects file: if it cannot be written, the import rolls back
                self._rejects_csv = None
                if dry_run:
                    raise _DryRun()
        except _DryRun:
            pass
        finally:
            self._rtree_trigger = None  # (rolled back with the transaction when the import did not commit)
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        return self.stats


# json.dumps(value, default=str, ensure_ascii=False), its encoder made once rather than per service (and without the
# check for a list that holds itself, which the text does not depend on and a fingerprint's lists never do)
_FINGERPRINT_JSON = json.JSONEncoder(default=str, ensure_ascii=False, check_circular=False).encode
REJECT_FIELDS = ["table", "id", "name", "reason"]
REJECT_SAMPLE = 20
BLOCK = 500  # services read, classified and written together
IMPORT_CACHE_KIB = -16 * 1024  # SQLite's page cache while an import writes (negative: KiB)
# the columns the import reads of these tables, in the order it reads them as tuples (Staged.tuples)
PHONE_COLUMNS, SCHEDULE_COLUMNS, LANGUAGE_COLUMNS = (READ_COLUMNS[t] for t in ("phones", "schedules", "languages"))
_OWN = ("advocate_source", "advocate_source_id")  # (identity: where a record of our own export came from)
ORGANIZATION_COLUMNS = ("name", "description", "url", "website", "email", *_OWN)  # write_org
LOCATION_COLUMNS = ("name", "latitude", "longitude", "advocate_approximate", "transportation", "organization_id",
                    "languages", *_OWN)  # write_location, and an Ohana location's languages and organization
ADDRESS_COLUMNS = ("address_type", "address_1", "address_2", "city", "state_province", "region", "postal_code",
                   "country")  # addr, offline_point, write_location

_UPSERTS = (
    ("organizations", """INSERT INTO organizations (id, name, description, url, email, source, source_id)
        VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, description=excluded.description,
        url=excluded.url, email=excluded.email"""),
    ("locations", """INSERT INTO locations (id, organization_id, name, address, city, region, postal_code, country,
        latitude, longitude, approximate, source, source_id, transportation) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
        ON CONFLICT(id) DO UPDATE SET organization_id=excluded.organization_id, name=excluded.name,
        address=excluded.address, city=excluded.city, region=excluded.region, postal_code=excluded.postal_code,
        country=excluded.country, latitude=excluded.latitude, longitude=excluded.longitude,
        approximate=excluded.approximate, transportation=excluded.transportation"""),
    ("services", """INSERT INTO services (id, organization_id, name, description, url, email, phone, hours, eligibility,
        fees, scope, status, source, source_id, last_verified, confidence, notes, application_process,
        required_documents, changed, fingerprint)
        VALUES (?,?,?,?,?,?,?,?,?,?,'local',?,?,?,?,'high',?,?,?,?,?)
        ON CONFLICT(id) DO UPDATE SET organization_id=excluded.organization_id, name=excluded.name,
        description=excluded.description, url=excluded.url, email=excluded.email, phone=excluded.phone,
        hours=excluded.hours, eligibility=excluded.eligibility, fees=excluded.fees, status=excluded.status,
        last_verified=coalesce(excluded.last_verified, services.last_verified), notes=excluded.notes,
        application_process=excluded.application_process, required_documents=excluded.required_documents,
        changed=CASE WHEN services.fingerprint IS excluded.fingerprint THEN services.changed ELSE excluded.changed END,
        fingerprint=excluded.fingerprint"""),
)
# the same statements without their ON CONFLICT clause: for rows the store does not have (see Importer.flush)
_PLAIN_INSERTS = {table: sql[:sql.index(" ON CONFLICT")] for table, sql in _UPSERTS}
OWN_FIELDS = ("confidence", "caution", "name_es", "description_es", "caution_es", "citation", "citation_url",
              "text_line", "source_date", "country", "law_enforcement", "priority")
OWN_UPDATE = (f"UPDATE services SET {', '.join(f'{c} = ?' for c in OWN_FIELDS)}, "
              "last_verified = coalesce(?, last_verified) WHERE id = ?")
_CHILDREN = (
    ("service_categories", "INSERT OR IGNORE INTO service_categories VALUES (?, ?)"),
    ("category_evidence", "INSERT OR IGNORE INTO category_evidence VALUES (?, ?, ?, ?)"),
    ("staff", "INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'staff')"),
    ("interpretation", "INSERT OR IGNORE INTO service_languages VALUES (?, ?, 'interpretation')"),
    ("service_at_location", "INSERT OR IGNORE INTO service_at_location (service_id, location_id) VALUES (?, ?)"),
)
# the R*Tree insert trigger of service_at_location (migration 4), whitespace folded: the import stands in for it
# only when the store's trigger is exactly this one
RTREE_TRIGGER = ("CREATE TRIGGER sal_rtree_insert AFTER INSERT ON service_at_location BEGIN INSERT INTO sal_rtree "
                 "SELECT new.id, l.latitude, l.latitude, l.longitude, l.longitude, new.service_id, new.location_id, "
                 "coalesce((SELECT status = 'active' FROM services WHERE id = new.service_id), 0) FROM locations l "
                 "WHERE l.id = new.location_id AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL; END")
# what that trigger adds, for the places of the services given (a JSON list of keys), in the order it adds them
RTREE_ROWS = """SELECT sal.id, l.latitude, l.latitude, l.longitude, l.longitude, sal.service_id, sal.location_id,
           coalesce((SELECT status = 'active' FROM services WHERE id = sal.service_id), 0)
    FROM service_at_location sal JOIN locations l ON l.id = sal.location_id
    WHERE sal.service_id IN (SELECT value FROM json_each(?)) AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM sal_rtree r WHERE r.id = sal.id)
    ORDER BY sal.id"""
RTREE_INSERT = "INSERT INTO sal_rtree VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_STATUS_AT = 10  # where a services row (Importer.import_service) holds the status
_LATITUDE_AT = 5  # where a place's facts (Importer.write_location) hold its latitude, its longitude next
UNMAPPED_KEPT = 1_000  # distinct unmapped language words counted for the summary (each service keeps its own)


def import_directory(store: Store, path, *, source: str | None = None, dry_run: bool = False, rejects_path=None,
                     online: bool = False, progress=None, force: bool = False, confirm=None,
                     layout: str = "auto", mapping: dict[str, str] | None = None, sheet: str | None = None,
                     remember_mapping: bool = True, geocoder=None) -> ImportStats:
    """Import an export; returns the summary (``services_read = imported + updated + rejected``).

    ``rejects_path`` is checked by the output gateway before anything is read (``force``/``confirm`` allow
    replacing an existing file); rejected rows stream to it, and it is put in place before the import
    commits, so an import whose rejects file cannot be written changes nothing. ``stats["rejects"]`` holds
    the first few rejected rows only.

    ``layout`` is auto (a spreadsheet for an .xlsx, or a CSV that is not part of an HSDS export), hsds or
    sheet; ``mapping`` ({field: column}) and ``sheet`` (its name in a workbook) say how to read a sheet
    (see :mod:`advocate.directory.sheet`). A sheet's source remembers the mapping given (unless
    ``remember_mapping`` is false) and the sheet read, and the next import of that source without a mapping
    uses them."""
    from advocate.directory.sheet import sheet_plan
    from advocate.files import check_input, output_path

    check_input(path)
    target = output_path(rejects_path, force=force, confirm=confirm, default_name="rejects.csv") \
        if rejects_path else None
    plan = sheet_plan(store, path, source=source, layout=layout, mapping=mapping, sheet=sheet,
                      remember=remember_mapping)
    with fewer_collections():  # (staging the export makes as many short-lived rows as the import itself)
        tables = plan.read(path)
    importer = Importer(store, path, source=source, online=online, progress=progress, tables=tables,
                        geocoder=geocoder)
    importer.rejects_target = target
    if not plan.is_sheet:
        from advocate.directory.export import partial_export

        if partial_export(path):  # an export of only what changed: the services it leaves out stay as they are
            importer.incremental = True
            importer.stats["partial_export"] = True
    try:
        from advocate.directory.sources import content_hash, kind_of_path, record_source

        resolved = Path(path).expanduser().resolve()
        digest = content_hash(resolved)
        importer.record = lambda stats: record_source(
            store, name=importer.source, kind="sheet" if importer.layout == "sheet" else kind_of_path(resolved),
            location=str(resolved), layout=importer.layout, stats=stats, content_hash=digest,
            options=plan.options(stats))
        stats = importer.run(dry_run=dry_run)
    finally:
        importer.T.close()
    stats["rejects"] = importer.rejects
    stats["unmapped_language_names"] = [
        {"text": t, "services": n} for t, n in sorted(importer.unmapped_language_counts.items(),
                                                      key=lambda kv: (-kv[1], kv[0].casefold()))]
    return stats


LANGUAGE_NOTE = "languages (as written): "


def unmapped_languages(store: Store) -> list[dict]:
    """The language words imported services used that match no language in the table, with how many services
    used each, most used first (read back from the note the import keeps on each service)."""
    from advocate.directory.vocab import parse_language_text

    counts: dict[str, int] = {}
    for (notes,) in store.conn.execute("SELECT notes FROM services WHERE notes LIKE ?", (f"%{LANGUAGE_NOTE}%",)):
        for part in notes.split(" | "):
            if part.startswith(LANGUAGE_NOTE):
                for text in dict.fromkeys(t.strip() for t in part[len(LANGUAGE_NOTE):].split(", ") if t.strip()):
                    if not parse_language_text(text)[0]:  # the table may have learnt it since the import
                        counts[text] = counts.get(text, 0) + 1
    return [{"text": t, "services": n} for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]


class _DryRun(Exception):
    """Raised inside the import transaction to roll a --dry-run back."""


def write_rejects(path, rejects: list[dict], **kw) -> None:
    from advocate.files import write_private

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=REJECT_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rejects:
        w.writerow({k: _safe_cell(v) for k, v in r.items()})
    write_private(path, buf.getvalue(), **kw)


def _safe_cell(v):
    from advocate.formats import neutralize

    return neutralize(v)
