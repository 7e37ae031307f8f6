"""Batch lookups: many locations in (CSV or ndjson, streamed), the nearest services of each out.

Memory does not grow with the input: rows are read, resolved and written one at a time; only the
resolved-location cache (bounded) is kept.
"""

from __future__ import annotations

import csv
import functools
import gc
import json
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, NamedTuple, TypedDict

from advocate.collector import fewer_collections
from advocate.defaults import DEFAULT_WITHIN_KM, KM_PER_MILE, STALE_AFTER_MONTHS
from advocate.directory.search import Filters, is_stale
from advocate.directory.spatial import CELL_DEG, GridIndex, distance_km
from advocate.errors import AdvocateError, InputError
from advocate.i18n import _

if TYPE_CHECKING:
    from advocate.store import Store

# Column names a location is found under, most precise first; compared folded (case, accents, spaces,
# "_" and "-" ignored), so "ZIP Code", "zip_code", "Código Postal" and "CODIGO-POSTAL" all match.
LOCATION_GUESSES = ("location", "ubicacion", "localizacion", "zip", "zipcode", "zip5", "zips", "postalcode",
                    "postcode", "postal", "codigopostal", "cp", "codpostal", "place", "lugar", "city", "ciudad",
                    "town", "municipio", "municipality", "localidad", "poblacion", "address", "direccion",
                    "domicilio")
_CITY_GUESSES = ("place", "lugar", "city", "ciudad", "town", "municipio", "municipality", "localidad", "poblacion")
# a state column next to a city column is read with it ("Miami" + "FL" = "Miami, FL")
REGION_GUESSES = ("state", "st", "estado", "region", "province", "provincia", "entidad", "entidadfederativa")
OUT_FIELDS = ("resolved_place", "rank", "service_id", "service_name", "organization", "phone", "categories", "languages",
              "distance_km", "distance_mi", "service_city", "service_region", "confidence", "stale", "error")
CACHE_SIZE = 50_000  # places resolved, services and locations described
CACHED_MATCHES = 250_000  # nearest-service answers kept, counted in matches


MAX_LINE = 64 * 1024  # characters in one line of a batch file: a row of locations is far shorter


def _lines(stream: IO[str]) -> Iterator[str]:
    """The input's lines, each refused past MAX_LINE before more of it is read; text that is not UTF-8 is
    one sentence, not a traceback."""
    n = 0
    while True:
        try:
            line = stream.readline(MAX_LINE + 1)
        except UnicodeDecodeError:
            raise InputError(_("the batch input is not UTF-8 text; save it as UTF-8 (\"CSV UTF-8\" in a "
                               "spreadsheet) and run again"), field="input") from None
        if not line:
            return
        n += 1
        if len(line) > MAX_LINE:
            raise InputError(_("line {n} of the batch input is longer than {limit} KB; a row of locations is much "
                               "shorter (is it the right file?)").format(n=n, limit=MAX_LINE // 1024), field="input")
        yield line


def read_rows(stream: IO[str], fmt: str | None = None) -> tuple[list[str], Iterator[dict]]:
    """(input columns, row iterator) for a CSV (any delimiter the sniffer finds) or ndjson stream."""
    lines = _lines(stream)
    first = next(lines, "")
    if not first:
        raise InputError(_("the batch input is empty; expected a CSV with a header row, or ndjson"), field="input")
    if fmt == "ndjson" or (fmt is None and first.lstrip().startswith("{")):
        def json_rows():
            for n, line in enumerate([first], 1):
                yield _json_row(line, n)
            for n, line in enumerate(lines, 2):
                if line.strip():
                    yield _json_row(line, n)
        probe = _json_row(first, 1)
        return list(probe), json_rows()
    first = first.lstrip("\ufeff")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    header = next(csv.reader([first], delimiter=delimiter))
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        raise InputError(_("the batch CSV has repeated column names; make each header unique"), field="input")
    # a cell over MAX_LINE is refused below with its line; the csv module's own limit (process-wide) is kept above it
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 20))
    reader = csv.reader(lines, delimiter=delimiter)

    def gen():
        try:
            for rec in reader:
                if not any(c.strip() for c in rec):
                    continue
                if any(len(c) > MAX_LINE for c in rec):  # a quoted cell running over many lines
                    raise InputError(_("a cell ending on line {n} of the batch input is longer than {limit} KB; a "
                                       "location is much shorter (is it the right file?)").format(
                        n=reader.line_num + 1, limit=MAX_LINE // 1024), field="input")
                yield {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}
        except csv.Error as exc:
            raise InputError(_("the batch input cannot be read near line {n} ({exc})").format(
                n=reader.line_num + 1, exc=exc), field="input") from None
    return header, gen()


def _json_row(line: str, n: int) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(_("line {n} of the ndjson input is not JSON").format(n=n), field="input") from None
    if not isinstance(obj, dict):
        raise InputError(_("line {n} of the ndjson input is not a JSON object").format(n=n), field="input")
    return {str(k): "" if v is None else str(v) if not isinstance(v, (int, float)) else v for k, v in obj.items()}


def _column_key(name: str) -> str:
    from advocate.textnorm import fold

    return fold(str(name)).replace(" ", "")


def pick_location_column(columns: list[str], wanted: str | None) -> str:
    if wanted:
        if wanted not in columns:
            raise InputError(_('there is no column "{column}" in the input; columns are: {columns}').format(
                column=wanted, columns=", ".join(columns)), field="location_column")
        return wanted
    folded: dict[str, str] = {}
    for c in columns:
        folded.setdefault(_column_key(c), c)
    for guess in LOCATION_GUESSES:
        if guess in folded:
            return folded[guess]
    raise InputError(_("no location column found among {columns}; name it with the location column option "
                       "(or give the latitude and longitude columns)").format(columns=", ".join(columns)),
                     field="location_column")


@dataclass(frozen=True)
class BatchColumns:
    """Where a batch reads each row's location: one column (a ZIP, a city, "lat,lon"), perhaps with a
    state column read with it, or a latitude and a longitude column. ``guessed``: the location column
    was chosen by its name, not given."""

    location: str | None = None
    region: str | None = None
    lat: str | None = None
    lon: str | None = None
    guessed: bool = False
    # when the location column was guessed: the input's other location columns, each with its state column, read
    # in turn when a row's cell is empty (a ZIP column left blank and the city filled in)
    fallbacks: tuple[tuple[str, str | None], ...] = ()


def batch_columns(columns: list[str], *, location_column: str | None = None, lat_column: str | None = None,
                  lon_column: str | None = None) -> BatchColumns:
    """Check the columns a batch is asked to read against the input's own and choose the rest: the
    location column by its name when none is given, a state column beside a city column. Raises
    :class:`InputError` before any row is read: a coordinate column without its twin, a column the input
    does not have, or an input that already has one of the columns a batch adds (:data:`OUT_FIELDS`)."""
    if bool(lat_column) != bool(lon_column):
        raise InputError(_("give both the latitude and the longitude column"), field=("lat_column", "lon_column"))
    if lat_column and lon_column:
        for name, column in (("lat_column", lat_column), ("lon_column", lon_column)):
            if column not in columns:
                raise InputError(_('there is no column "{column}" in the input; columns are: {columns}').format(
                    column=column, columns=", ".join(columns)), field=name)
        chosen = BatchColumns(lat=lat_column, lon=lon_column)
    else:
        location = pick_location_column(columns, location_column)
        fallbacks: tuple[tuple[str, str | None], ...] = ()
        if not location_column:
            folded: dict[str, str] = {}
            for c in columns:
                folded.setdefault(_column_key(c), c)
            others = [folded[g] for g in LOCATION_GUESSES if g in folded and folded[g] != location]
            fallbacks = tuple((c, pick_region_column(columns, c)) for c in others)
        chosen = BatchColumns(location=location, region=pick_region_column(columns, location),
                              guessed=not location_column, fallbacks=fallbacks)
    clash = [c for c in OUT_FIELDS if c in columns]
    if clash:
        raise InputError(_("the input already has columns named {clash}; rename them first").format(
            clash=", ".join(clash)), field="input")
    return chosen


def pick_region_column(columns: list[str], location_column: str) -> str | None:
    """A state column to read with a city column, or None (a ZIP or full location column needs none)."""
    if _column_key(location_column) not in _CITY_GUESSES:
        return None
    folded = {_column_key(c): c for c in columns}
    return next((folded[g] for g in REGION_GUESSES if g in folded), None)


class FailureTally:
    """Rows whose location did not resolve, grouped by what they said: a count and the first few row
    numbers of each, for up to a thousand different reasons (a file of a million bad rows stays small).
    Pass it as ``on_error`` to :func:`run_batch`."""

    def __init__(self, distinct: int = 1_000, rows_shown: int = 3):
        self.total = 0
        self.groups: dict[tuple[str, str], list] = {}  # (text, message) -> [count, [row numbers]]
        self.distinct, self.rows_shown = distinct, rows_shown

    def __call__(self, n: int, text: str, message: str) -> None:
        self.total += 1
        group = self.groups.get((text, message))
        if group is None:
            if len(self.groups) < self.distinct:
                self.groups[(text, message)] = [1, [n]]
            return
        group[0] += 1
        if len(group[1]) < self.rows_shown:
            group[1].append(n)

    def lines(self, limit: int = 20) -> list[str]:
        out = []
        for (text, message), (count, rows) in list(self.groups.items())[:limit]:
            where = (_("row {n}").format(n=rows[0]) if count == 1
                     else _("rows {numbers}").format(numbers=", ".join(map(str, rows))))
            if count > len(rows):
                where = _("{rows} and {count} more").format(rows=where, count=count - len(rows))
            out.append(f"{where}: {text!r}: {message}")
        return out


class Located(NamedTuple):
    """A batch row's location, resolved; ``note`` says how an ambiguous name was resolved ("" if it was not)."""

    latitude: float
    longitude: float
    country: str | None
    label: str
    note: str


class Unresolved(NamedTuple):
    """A batch row's location that did not resolve, and why."""

    message: str


class Resolver:
    """Resolve location strings with a bounded cache. Plain ZIPs are read from the gazetteer as a batch needs
    them: the ZIPs of a chunk of rows in one query (:meth:`prefetch`), any other one by one, each kept once
    read (hits and misses: at most the 100,000 five-digit strings there are)."""

    def __init__(self, store: Store, online: bool = False, geocoder=None):
        self.store, self.online, self.geocoder = store, online, geocoder
        self.cache: OrderedDict[str, Located | Unresolved] = OrderedDict()
        self.zips: dict[str, tuple[float, float, str, str] | None] = {}
        self.gazetteer: sqlite3.Connection | None = None

    def __call__(self, text: str) -> Located | Unresolved:
        key = text.strip()
        if len(key) == 5 and key.isdigit():
            point = self._zip(key)
            if point:
                return Located(point[0], point[1], "US", f"{point[2].title()}, {point[3]} {key}", "")
        hit = self.cache.get(key)
        if hit is None:
            from advocate.geo.resolve import resolve_place

            try:
                # no store: a batch file is a caseload, and its addresses are never kept in the geocode cache
                p = resolve_place(key, online=self.online, store=None, geocoder=self.geocoder)
                hit = Located(p.latitude, p.longitude, p.country, p.label, p.note)
            except AdvocateError as exc:
                hit = Unresolved(exc.full_message)
            self.cache[key] = hit
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        return hit

    def prefetch(self, texts) -> None:
        """Read the plain ZIPs among ``texts`` (a chunk's locations, before they are resolved) that were not
        read yet, in one query."""
        zips = self.zips
        wanted = [key for key in dict.fromkeys(text.strip() for text in texts)
                  if len(key) == 5 and key.isdigit() and key not in zips]
        if not wanted:
            return
        found = {z: (la, lo, c, st) for z, la, lo, c, st in self._gazetteer().execute(
            "SELECT zip, latitude, longitude, city, state FROM zips WHERE zip IN (SELECT value FROM json_each(?))",
            [json.dumps(wanted)])}
        for key in wanted:
            zips[key] = found.get(key)

    def _zip(self, key: str) -> tuple[float, float, str, str] | None:
        try:
            return self.zips[key]
        except KeyError:
            point = self.zips[key] = self._gazetteer().execute(
                "SELECT latitude, longitude, city, state FROM zips WHERE zip = ?", (key,)).fetchone()
            return point

    def _gazetteer(self) -> sqlite3.Connection:
        if self.gazetteer is None:
            from advocate.geo import gazetteer

            self.gazetteer = gazetteer.connection()
        return self.gazetteer


class ServiceSummaries:
    """The fields a batch row shows, read once per chunk for the services (and the matched locations)
    its rows need, and kept (bounded) for the rows after it: each service's details are read and its
    staleness worked out once, however many rows show it."""

    def __init__(self, store: Store, stale_months: int):
        self.conn, self.stale_months = store.conn, stale_months
        self.services: OrderedDict[str, tuple] = OrderedDict()
        self.places: OrderedDict[str, tuple] = OrderedDict()
        self.today = date.today()
        self.stale: dict[str | None, bool] = {}

    def fetch(self, pairs) -> None:
        """Read what is not cached yet for [(service_id, location_id)]: four flat queries (categories
        and languages grouped here rather than by correlated subqueries, which is several times faster)."""
        sids = [sid for sid in dict.fromkeys(sid for sid, _ in pairs) if sid not in self.services]
        lids = [lid for lid in dict.fromkeys(lid for _, lid in pairs) if lid not in self.places]
        conn, wanted = self.conn, "IN (SELECT value FROM json_each(?))"
        if sids:
            arg = [json.dumps(sids)]
            cats: dict[str, list[str]] = {}
            for sid, cat in conn.execute(f"SELECT service_id, category FROM service_categories WHERE service_id {wanted}"
                                         " ORDER BY service_id, category", arg):
                cats.setdefault(sid, []).append(cat)
            langs: dict[str, list[str]] = {}
            for sid, lang in conn.execute(f"SELECT service_id, language FROM service_languages WHERE service_id {wanted}"
                                          " AND mode = 'staff' ORDER BY service_id, language", arg):
                langs.setdefault(sid, []).append(lang)
            for sid, name, org, phone, confidence, verified in conn.execute(
                    "SELECT s.id, s.name, o.name, s.phone, s.confidence, s.last_verified FROM services s"
                    f" LEFT JOIN organizations o ON o.id = s.organization_id WHERE s.id {wanted}", arg):
                stale = self.stale.get(verified)
                if stale is None:  # a directory has few distinct verification dates
                    stale = self.stale[verified] = is_stale(verified, self.today, self.stale_months)
                self.services[sid] = (name, org, phone, cats.get(sid, []), langs.get(sid, []), confidence, stale)
        if lids:
            for lid, city, region, lat, lon in conn.execute(
                    f"SELECT id, city, region, latitude, longitude FROM locations WHERE id {wanted}", [json.dumps(lids)]):
                self.places[lid] = (city, region, lat, lon)
        for cache in (self.services, self.places):
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)

    def get(self, sid: str, lid: str) -> tuple[tuple, tuple]:
        svc, place = self.services.get(sid), self.places.get(lid)
        if svc is None or place is None:  # evicted since the chunk's fetch, or a location with no row
            self.fetch([(sid, lid)])
            svc, place = self.services[sid], self.places.get(lid, (None, None, None, None))
        return svc, place


def index_points(store: Store, filters):
    """(service_id, location_id, lat, lon) of every located place of every matching service, cell by
    cell. Read from the tables themselves: a full scan of the R*Tree that also reads its auxiliary
    columns is about three times slower. The order matters: the objects of one grid cell are then
    created next to each other in memory, which halves the time of every nearest query."""
    where, params = filters.sql("s")
    per_deg = 1 / CELL_DEG
    return store.conn.execute(
        "SELECT sal.service_id, sal.location_id, l.latitude, l.longitude FROM service_at_location sal"
        " JOIN locations l ON l.id = sal.location_id JOIN services s ON s.id = sal.service_id"
        f" WHERE l.latitude IS NOT NULL AND l.longitude IS NOT NULL AND {where}"
        f" ORDER BY CAST((l.latitude + 90) * {per_deg} AS INTEGER), CAST((l.longitude + 180) * {per_deg} AS INTEGER)",
        params)


def directory_grid(store: Store, filters: Filters) -> GridIndex:
    """The grid of every located place of the matching services: read from the cache kept beside the store
    (:mod:`advocate.store.sidecache`) when nothing in the store has changed since it was made, else built
    from the store and kept for the next batch. The same index either way."""
    from advocate.store import sidecache

    state = sidecache.state(store)
    key = None if state is None else json.dumps([state, repr(filters), "grid-1"])
    if key is not None:
        data = sidecache.load(store, "grid", key)
        if data is not None:
            index = GridIndex.from_bytes(data)
            if index is not None:
                return index
    index = GridIndex(index_points(store, filters))
    if key is not None and sidecache.state(store) == state:  # nothing was committed while it was read
        sidecache.save(store, "grid", key, index.to_bytes())
    return index


CHUNK = 500  # an input of up to this many rows asks the R*Tree; a longer one builds the grid
FETCH_CHUNKS = 5  # the grid path locates this many CHUNKs of rows, then reads their services in one go


class BatchResult(TypedDict):
    """The fields a batch adds to each input row (:data:`OUT_FIELDS`, in order). A row whose location did
    not resolve, or found no service in range, has them all None but ``resolved_place`` and ``error``."""

    resolved_place: str | None
    rank: int | None
    service_id: str | None
    service_name: str | None
    organization: str | None
    phone: str | None
    categories: list[str] | None
    languages: list[str] | None
    distance_km: float | None
    distance_mi: float | None
    service_city: str | None
    service_region: str | None
    confidence: str | None
    stale: bool | None
    error: str | None


class _Answer(NamedTuple):
    """One input row of a chunk, located (``near``: [(km, service_id, location_id)]) or not (``error``)."""

    row: dict
    near: list | None
    point: tuple[float, float] | None
    label: str | None
    error: str | None


def run_batch(store: Store, rows: Iterator[dict], *, columns: BatchColumns | None = None,
              location_column: str | None = None, lat_column: str | None = None,
              lon_column: str | None = None, per_location: int = 5, within_km: float = DEFAULT_WITHIN_KM,
              filters: Filters | None = None, online: bool = False, stale_months: int = STALE_AFTER_MONTHS,
              on_error: Callable[[int, str, str], None] | None = None, region_column: str | None = None,
              on_note: Callable[[str, str], None] | None = None, freeze_gc: bool = False,
              cells: list[str] | None = None, lines: str | None = None, geocoder=None) -> Iterator:
    """Yield output rows: the input's own columns first, then the :class:`BatchResult` fields.

    ``columns`` (from :func:`batch_columns`, which checks them) says where each row's location is; or give
    ``location_column`` (and ``region_column``), or ``lat_column`` and ``lon_column``, yourself.

    Rows are taken in chunks of a few hundred: locate every row of the chunk, fetch the services
    they need in one go, write them out; memory is bounded by the chunk, not the input.

    ``on_error(row_number, text, message)`` hears of rows that did not resolve or found no service
    in range; ``on_note(text, note)`` of each ambiguous place name the first time it was resolved (to
    the most populous place: the choice is in every row's ``resolved_place``).

    An input of up to one chunk asks the store's R*Tree row by row (well under a millisecond each);
    a longer one first builds an in-memory grid of the directory (about half a second for 100,000
    services) and then answers each row from it in a few dozen microseconds.

    ``online`` lets a street address go to the online geocoder (``geocoder``, default
    :func:`advocate.geo.online.make_geocoder`'s).

    ``freeze_gc``: build the grid with the cyclic garbage collector off and keep it frozen while the batch
    runs, with what each chunk leaves behind, and the collector run less often (faster for large inputs).
    This changes the whole process's collector, so only a program that runs one batch at a time should ask
    for it (the command line does); a server running batches in threads should not.

    With ``cells`` (the input's column names), yield lists of output rows instead of dicts, each row a
    list of CSV/TSV cells for the columns ``[*cells, *OUT_FIELDS]`` already made safe for a spreadsheet
    (:func:`advocate.formats.neutralize`), for :func:`advocate.formats.write_cells`: each service, place and
    input cell is formatted once however many rows show it. The cells are exactly what rendering the dicts
    would write.

    With ``cells`` and ``lines`` ("csv" or "tsv"), yield text instead: many whole output lines at a time, for
    :func:`advocate.formats.write_lines`, each service's and place's cells formatted once and each place's
    matches once however many rows show them: byte for byte what :func:`advocate.formats.write_cells` writes."""
    from itertools import chain, islice

    from advocate.directory.search import nearest_ids

    fallbacks: tuple[tuple[str, str | None], ...] = ()
    if columns is not None:
        location_column, region_column, lat_column, lon_column = (columns.location, columns.region, columns.lat,
                                                                  columns.lon)
        fallbacks = columns.fallbacks
    filters = filters or Filters()
    batch = _Batch(Resolver(store, online=online, geocoder=geocoder), ServiceSummaries(store, stale_months), per_location,
                   location_column, lat_column, lon_column, on_error, region_column, on_note)
    batch.fallbacks = fallbacks
    if cells is None:
        answer = batch.answer
    elif lines is None:
        answer = functools.partial(batch.answer_cells, columns=cells)
    else:
        answer = functools.partial(batch.answer_lines, columns=cells, fmt=lines)
    rows = iter(rows)
    first = list(islice(rows, CHUNK + 1))
    if len(first) <= CHUNK:
        # (the hidden services are left out in SQL, in each query's own snapshot: a batch runs long, and a
        # set kept from its start would miss a service another process makes law-enforcement-only meanwhile)
        def nearest(lat, lon):
            return nearest_ids(store.conn, lat, lon, within_km, per_location, filters)

        # the R*Tree keeps coordinates as 32-bit floats: distances are recomputed from the exact ones,
        # the way the grid computes them, so output does not depend on the length of the input
        yield from answer(iter(first), nearest, exact=False, chunk=CHUNK)
        return
    if not freeze_gc:
        index = directory_grid(store, filters)
        yield from answer(chain(first, rows), lambda lat, lon: index.nearest(lat, lon, per_location, within_km),
                          exact=True, chunk=CHUNK * FETCH_CHUNKS)
        return
    # The index is a few hundred thousand long-lived objects: build it without the cyclic garbage
    # collector and then freeze it, so later collections do not walk it again and again (a large
    # share of the run time otherwise). Unfrozen when the batch ends or is abandoned.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        index = directory_grid(store, filters)
    finally:
        if gc_was_on:
            gc.enable()
    gc.freeze()
    # What a chunk leaves behind (the caches' new entries) is frozen too, and the collector runs every 100,000
    # allocations rather than 700: otherwise it walks the caches again and again (7-10% of a long batch). A
    # batch leaves no cyclic garbage (none found after a 10k-row batch of ZIPs, cities and rows that do not
    # resolve); any it did leave would be collected once the batch ends and everything is unfrozen.
    try:
        with fewer_collections(100_000):
            for part in answer(chain(first, rows), lambda lat, lon: index.nearest(lat, lon, per_location, within_km),
                               exact=True, chunk=CHUNK * FETCH_CHUNKS):
                yield part
                gc.freeze()
    finally:
        gc.unfreeze()


def hundredths(x: float) -> str:
    """``str(round(x, 2))`` for a distance, in half the time: both round the float's exact value to two decimals
    (ties to even), and the shortest text of that float is those digits without their trailing zeros."""
    text = f"{x:.2f}".rstrip("0")
    return text + "0" if text[-1] == "." else text


class _Batch:
    def __init__(self, resolve, summaries, per_location, location_column, lat_column, lon_column, on_error,
                 region_column=None, on_note=None):
        self.resolve, self.summaries, self.on_error, self.on_note = resolve, summaries, on_error, on_note
        self.location_column, self.lat_column, self.lon_column = location_column, lat_column, lon_column
        self.region_column = region_column
        self.fallbacks: tuple[tuple[str, str | None], ...] = ()
        self.noted: set[str] = set()
        # answers kept per place, bounded by the matches they hold: -n 100 keeps no more than -n 5
        self.cache_places = max(1_000, CACHED_MATCHES // per_location)
        self.nearest_cache: OrderedDict[tuple[float, float], list] = OrderedDict()
        self.n = 0

    def location_text(self, row: dict) -> str:
        if self.lat_column or self.lon_column:
            return f"{row.get(self.lat_column, '')},{row.get(self.lon_column, '')}"
        text = self._with_region(row, self.location_column, self.region_column)
        for column, region_column in self.fallbacks if not text.strip(" ,") else ():
            text = self._with_region(row, column, region_column)
            if text.strip(" ,"):
                break
        return text

    @staticmethod
    def _with_region(row: dict, column: str | None, region_column: str | None) -> str:
        text = str(row.get(column, "") or "") if column else ""
        if region_column:
            region = str(row.get(region_column, "") or "").strip()
            if region and text.strip() and "," not in text:
                text = f"{text.strip()}, {region}"
        return text

    def chunks(self, rows, nearest, chunk: int) -> Iterator[list[_Answer]]:
        """Each chunk of input rows as :class:`_Answer` s, with the services its matches show read into
        ``self.summaries``."""
        from itertools import islice

        resolve, summaries, nearest_cache = self.resolve, self.summaries, self.nearest_cache
        while True:
            part = list(islice(rows, chunk))
            if not part:
                return
            results: list[_Answer] = []
            texts = [self.location_text(row) for row in part]
            resolve.prefetch(texts)
            for row, text in zip(part, texts, strict=True):
                self.n += 1
                n = self.n
                hit = resolve(text) if text.strip(" ,") else Unresolved(_("no location in this row"))
                if isinstance(hit, Unresolved):
                    if self.on_error:
                        self.on_error(n, text, hit.message)
                    results.append(_Answer(row, None, None, None, hit.message))
                    continue
                if hit.note and self.on_note and text not in self.noted and len(self.noted) < 1_000:
                    self.noted.add(text)
                    self.on_note(text, hit.note)
                point = (hit.latitude, hit.longitude)
                near = nearest_cache.get(point)
                if near is None:  # a caseload repeats its ZIPs and cities: ask once per place
                    near = nearest_cache[point] = nearest(hit.latitude, hit.longitude)
                    if len(nearest_cache) > self.cache_places:
                        nearest_cache.popitem(last=False)
                if not near:
                    message = _("no service within range")
                    if self.on_error:
                        self.on_error(n, text, message)
                    results.append(_Answer(row, None, point, hit.label, message))
                    continue
                results.append(_Answer(row, near, point, hit.label, None))
            summaries.fetch([(sid, lid) for a in results if a.near for _km, sid, lid in a.near])
            yield results

    def _ranked(self, near, point, exact: bool):
        if exact:
            return near
        summaries = self.summaries
        return sorted((distance_km(*point, *summaries.get(sid, lid)[1][2:]), sid, lid) for _km, sid, lid in near)

    def answer(self, rows, nearest, *, exact: bool, chunk: int = CHUNK):
        """Output rows for input rows, ``nearest(lat, lon)`` giving [(km, service_id, location_id)]
        (with ``exact`` false, the km are recomputed from the locations' own coordinates)."""
        summaries = self.summaries
        empty = {k: None for k in OUT_FIELDS}
        for results in self.chunks(rows, nearest, chunk):
            for row, near, point, label, error in results:
                if near is None:
                    yield {**row, **empty, "resolved_place": label, "error": error}
                    continue
                for rank, (km, sid, lid) in enumerate(self._ranked(near, point, exact), 1):
                    (name, org, phone, cats, langs, confidence, stale), (city, region, _lat, _lon) = summaries.get(sid, lid)
                    yield {**row, "resolved_place": label, "rank": rank, "service_id": sid, "service_name": name, "organization": org,
                           "phone": phone, "categories": cats, "languages": langs, "distance_km": round(km, 2),
                           "distance_mi": round(km / KM_PER_MILE, 2), "service_city": city,
                           "service_region": region, "confidence": confidence, "stale": stale, "error": None}

    def answer_cells(self, rows, nearest, *, exact: bool, columns: list[str], chunk: int = CHUNK):
        """What :meth:`answer` yields, as lists of rows of safe CSV cells (see ``run_batch``'s ``cells``)."""
        from advocate.formats import neutralize as cell

        summaries = self.summaries
        services: dict[str, tuple] = {}  # service id -> (its six cells before the distances, its three after)
        places: dict[str, tuple] = {}  # location id -> (city, region) cells
        blank = [""] * (len(OUT_FIELDS) - 2)
        for results in self.chunks(rows, nearest, chunk):
            if len(services) > CACHE_SIZE:
                services.clear()
            if len(places) > CACHE_SIZE:
                places.clear()
            out: list[list] = []
            add = out.append
            for row, near, point, label, error in results:
                base = [cell(row.get(c)) for c in columns]
                base.append(cell(label))
                if near is None:
                    add(base + blank + [cell(error)])
                    continue
                for rank, (km, sid, lid) in enumerate(self._ranked(near, point, exact), 1):
                    svc = services.get(sid)
                    where = places.get(lid)
                    if svc is None or where is None:
                        (name, org, phone, cats, langs, confidence, stale), (city, region, _la, _lo) = \
                            summaries.get(sid, lid)
                        svc = services[sid] = ((cell(sid), cell(name), cell(org), cell(phone), cell(cats),
                                                cell(langs)), (cell(confidence), cell(stale), ""))
                        where = places[lid] = (cell(city), cell(region))
                    add([*base, rank, *svc[0], round(km, 2), round(km / KM_PER_MILE, 2), *where, *svc[1]])
            yield out

    def answer_lines(self, rows, nearest, *, exact: bool, columns: list[str], fmt: str, chunk: int = CHUNK):
        """What :meth:`answer_cells` yields, as text: each chunk's output lines (see ``run_batch``'s ``lines``).
        Each service's and each place's cells are quoted once (:func:`advocate.formats.delimited_parts`), and
        the ends of the lines of each place's matches (rank to error) made once, then joined to each row's own
        cells."""
        from advocate.formats import delimited_parts
        from advocate.formats import neutralize as cell

        sep = "," if fmt == "csv" else "\t"
        summaries = self.summaries
        services: dict[str, tuple[str, str]] = {}  # service id -> (its cells before the distances, after the place)
        places: dict[str, str] = {}  # location id -> its city and region cells
        ends: dict[tuple[float, float], list[str]] = {}  # point -> its matches' lines, each row's own cells left out
        failed: dict[str | None, str] = {}  # error -> the cells after resolved_place
        ratings: dict[tuple, str] = {}  # (confidence, stale) -> their cells and the empty error's
        blank = [""] * (len(OUT_FIELDS) - 2)
        ends_kept = max(200, self.cache_places // 5)  # about 50,000 lines (10,000 places at -n 5): under 10 MB
        for results in self.chunks(rows, nearest, chunk):
            if len(services) > CACHE_SIZE:
                services.clear()
            if len(places) > CACHE_SIZE:
                places.clear()
            if len(ends) > ends_kept:
                ends.clear()
            bases = delimited_parts([[*[cell(row.get(c)) for c in columns], cell(label)]
                                     for row, _near, _point, label, _error in results], fmt)
            pairs = [(sid, lid) for a in results if a.near for _km, sid, lid in a.near]
            new_sids = {sid: lid for sid, lid in pairs if sid not in services}
            new_lids = {lid: sid for sid, lid in pairs if lid not in places}
            if new_sids:
                known = summaries.services  # read for this chunk (get() reads again what was evicted since)
                described = [known.get(sid) or summaries.get(sid, lid)[0] for sid, lid in new_sids.items()]
                heads = delimited_parts([[cell(sid), cell(name), cell(org), cell(phone), cell(cats), cell(langs)]
                                         for sid, (name, org, phone, cats, langs, _c, _s)
                                         in zip(new_sids, described, strict=True)], fmt)
                for *_, confidence, stale in described:
                    if (confidence, stale) not in ratings:  # a handful of pairs: (high, false), (low, true)...
                        ratings[confidence, stale] = delimited_parts([[cell(confidence), cell(stale), ""]], fmt)[0]
                services.update(zip(new_sids, zip(heads, [ratings[d[5], d[6]] for d in described], strict=True),
                                    strict=True))
            if new_lids:
                located = summaries.places
                where = [located.get(lid) or summaries.get(sid, lid)[1] for lid, sid in new_lids.items()]
                places.update(zip(new_lids, delimited_parts([[cell(city), cell(region)] for city, region, _la, _lo
                                                             in where], fmt), strict=True))
            out: list[str] = []
            add = out.append
            lines_out = 0
            for answer, base in zip(results, bases, strict=True):
                near, point = answer.near, answer.point
                if near is None or point is None:
                    rest = failed.get(answer.error)
                    if rest is None:
                        rest = failed[answer.error] = sep + delimited_parts([[*blank, cell(answer.error)]], fmt)[0] + "\n"
                    add(base + rest)
                    continue
                lines = ends.get(point)
                if lines is None:
                    lines = ends[point] = [
                        f"{sep}{rank}{sep}{services[sid][0]}{sep}{hundredths(km)}{sep}{hundredths(km / KM_PER_MILE)}"
                        f"{sep}{places[lid]}{sep}{services[sid][1]}\n"
                        for rank, (km, sid, lid) in enumerate(self._ranked(near, point, exact), 1)]
                add(base)
                add(base.join(lines))
                lines_out += len(lines)
                if lines_out >= 5_000:  # text handed on in pieces of about 1 MB, whatever -n is
                    yield "".join(out)
                    out.clear()
                    lines_out = 0
            if out:
                yield "".join(out)
