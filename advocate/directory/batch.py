"""Batch lookups: many locations in (CSV or ndjson, streamed), the nearest services of each out.

Memory does not grow with the input: rows are read, resolved and written one at a time; only the
resolved-location cache (bounded) is kept.
"""

from __future__ import annotations

import csv
import json
from collections import OrderedDict
from collections.abc import Iterator
from typing import IO

from advocate.directory.search import Filters, fetch_services
from advocate.errors import AdvocateError, InputError
from advocate.geo.distance import KM_PER_MILE

LOCATION_GUESSES = ("location", "zip", "zipcode", "zip_code", "postal_code", "postcode", "place", "city", "address",
                    "ubicacion", "ubicación", "codigo_postal", "cp")
OUT_FIELDS = ("rank", "service_id", "service_name", "organization", "phone", "categories", "languages", "distance_km",
              "distance_mi", "service_city", "service_region", "confidence", "stale", "error")
CACHE_SIZE = 50_000


def read_rows(stream: IO[str], fmt: str | None = None) -> tuple[list[str], Iterator[dict]]:
    """(input columns, row iterator) for a CSV (any delimiter the sniffer finds) or ndjson stream."""
    first = stream.readline()
    if not first:
        raise InputError("the batch input is empty; expected a CSV with a header row, or ndjson")
    if fmt == "ndjson" or (fmt is None and first.lstrip().startswith("{")):
        def gen():
            for n, line in enumerate([first], 1):
                yield _json_row(line, n)
            for n, line in enumerate(stream, 2):
                if line.strip():
                    yield _json_row(line, n)
        probe = _json_row(first, 1)
        return list(probe), gen()
    first = first.lstrip("\ufeff")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    header = next(csv.reader([first], delimiter=delimiter))
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        raise InputError("the batch CSV has repeated column names; make each header unique")
    reader = csv.reader(stream, delimiter=delimiter)

    def gen():
        for rec in reader:
            if not any(c.strip() for c in rec):
                continue
            yield {h: (rec[i] if i < len(rec) else "") for i, h in enumerate(header)}
    return header, gen()


def _json_row(line: str, n: int) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        raise InputError(f"line {n} of the ndjson input is not JSON") from None
    if not isinstance(obj, dict):
        raise InputError(f"line {n} of the ndjson input is not a JSON object")
    return {str(k): "" if v is None else str(v) if not isinstance(v, (int, float)) else v for k, v in obj.items()}


def pick_location_column(columns: list[str], wanted: str | None) -> str:
    if wanted:
        if wanted not in columns:
            raise InputError(f'there is no column "{wanted}" in the input; columns are: {", ".join(columns)}')
        return wanted
    lowered = {c.lower().strip(): c for c in columns}
    for guess in LOCATION_GUESSES:
        if guess in lowered:
            return lowered[guess]
    raise InputError("no location column found; name it with --location-column (or give --lat-column and --lon-column)")


class Resolver:
    """Resolve location strings with a bounded cache; plain ZIPs come from one dict of every ZIP."""

    def __init__(self, store, online: bool = False):
        self.store, self.online = store, online
        self.cache: OrderedDict[str, tuple] = OrderedDict()
        self.zips: dict[str, tuple[float, float]] | None = None

    def __call__(self, text: str):
        key = text.strip()
        if len(key) == 5 and key.isdigit():
            if self.zips is None:
                from advocate.geo import gazetteer

                self.zips = {z: (la, lo) for z, la, lo in gazetteer.connection().execute(
                    "SELECT zip, latitude, longitude FROM zips")}
            point = self.zips.get(key)
            if point:
                return ("ok", point[0], point[1], "US")
        hit = self.cache.get(key)
        if hit is None:
            from advocate.geo.resolve import resolve_place

            try:
                p = resolve_place(key, online=self.online, store=self.store)
                hit = ("ok", p.latitude, p.longitude, p.country)
            except AdvocateError as exc:
                hit = ("error", exc.full_message)
            self.cache[key] = hit
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)
        return hit


class ServiceSummaries:
    """The fields a batch row shows, fetched in bulk for the services a chunk of rows needs, and kept
    (bounded) for the rows after it."""

    def __init__(self, store, stale_months: int):
        self.store, self.stale_months = store, stale_months
        self.rows: OrderedDict[str, dict] = OrderedDict()

    def fetch(self, sids) -> None:
        missing = [sid for sid in dict.fromkeys(sids) if sid not in self.rows]
        for i in range(0, len(missing), 900):
            for svc in fetch_services(self.store, missing[i:i + 900], stale_months=self.stale_months):
                self.rows[svc["id"]] = svc
        while len(self.rows) > CACHE_SIZE:
            self.rows.popitem(last=False)

    def __getitem__(self, sid: str) -> dict:
        row = self.rows.get(sid)
        if row is None:
            self.fetch([sid])
            row = self.rows[sid]
        return row


def index_points(store, filters):
    """(service_id, lat, lon) of every location of every matching service, straight from the R*Tree."""
    where, params = filters.sql(id_expr="service_id", active_expr="active = 1")
    return store.conn.execute(f"SELECT service_id, min_lat, min_lon FROM sal_rtree WHERE {where}", params)


CHUNK = 500


def run_batch(store, rows: Iterator[dict], *, location_column: str | None = None, lat_column: str | None = None,
              lon_column: str | None = None, per_location: int = 5, within_km: float = 80.47,
              filters: Filters | None = None, online: bool = False, stale_months: int = 12,
              on_error=None) -> Iterator[dict]:
    """Yield output rows: the input's own columns first, then rank and service fields (or an error).

    Rows are taken in chunks of a few hundred: locate every row of the chunk, fetch the services
    they need in one go, write them out; memory is bounded by the chunk, not the input."""
    from itertools import islice

    from advocate.directory.spatial import GridIndex

    filters = filters or Filters()
    resolve = Resolver(store, online=online)
    summaries = ServiceSummaries(store, stale_months)
    index = GridIndex(index_points(store, filters))
    empty = {k: None for k in OUT_FIELDS}
    rows = iter(rows)
    n = 0
    while True:
        chunk = list(islice(rows, CHUNK))
        if not chunk:
            return
        results = []
        for row in chunk:
            n += 1
            if lat_column or lon_column:
                text = f"{row.get(lat_column, '')},{row.get(lon_column, '')}"
            else:
                text = str(row.get(location_column, "") or "")
            hit = resolve(text) if text.strip(" ,") else ("error", "no location in this row")
            if hit[0] == "error":
                if on_error:
                    on_error(n, text, hit[1])
                results.append((row, hit[1]))
                continue
            near = index.nearest(hit[1], hit[2], per_location, within_km)
            results.append((row, near or "no service within range"))
        summaries.fetch(sid for _, near in results if not isinstance(near, str) for _, sid in near)
        for row, near in results:
            if isinstance(near, str):
                yield {**row, **empty, "error": near}
                continue
            for rank, (km, sid) in enumerate(near, 1):
                svc = summaries[sid]
                yield {**row, "rank": rank, "service_id": sid, "service_name": svc["name"],
                       "organization": svc["organization"], "phone": svc["phone"], "categories": svc["categories"],
                       "languages": svc["languages"], "distance_km": round(km, 2),
                       "distance_mi": round(km / KM_PER_MILE, 2), "service_city": svc["city"],
                       "service_region": svc["region"], "confidence": svc["confidence"], "stale": svc["stale"],
                       "error": None}
