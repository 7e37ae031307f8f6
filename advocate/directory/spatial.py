"""An in-memory grid index for batch lookups: built once per batch, then each query is a few
dictionary reads and a handful of arithmetic distance comparisons (no SQL and no trigonometry per
candidate).

Points are kept as unit vectors, so candidates are ranked by squared chord length — exactly the order
of great-circle distance — and only the few that are returned are turned into kilometres. The search
widens ring by ring around the query's cell and stops as soon as the k-th nearest service is closer
than anything outside the cells already read (a lower bound computed from the block's edges)."""

from __future__ import annotations

import json
import math

from advocate.geo.distance import EARTH_KM

CELL_DEG = 0.25  # about 28 km north-south
_LON_CELLS = int(360 / CELL_DEG)
_ROW = 2 * _LON_CELLS  # cell key = lat_cell * _ROW + lon_cell (lon_cell in 0.._LON_CELLS-1)


def _chord2(km: float) -> float:
    """Squared chord length between two points ``km`` apart on the sphere (unit radius)."""
    angle = km / EARTH_KM
    return 4.0 if angle >= math.pi else (2 * math.sin(angle / 2)) ** 2


class GridIndex:
    def __init__(self, points):
        """``points``: iterable of (service_id, location_id, lat, lon)."""
        self.cells: dict[int, list[tuple[float, float, float, str, str]]] = {}
        cells = self.cells
        n = 0
        radians, cos, sin, floor, inv = math.radians, math.cos, math.sin, math.floor, 1 / CELL_DEG
        lat_min = lon_min = math.inf
        lat_max = lon_max = -math.inf
        for sid, lid, lat, lon in points:
            if lat < lat_min:
                lat_min = lat
            if lat > lat_max:
                lat_max = lat
            if lon < lon_min:
                lon_min = lon
            if lon > lon_max:
                lon_max = lon
            phi, lam = radians(lat), radians(lon)
            c = cos(phi)
            key = floor(lat * inv) * _ROW + floor(lon * inv) % _LON_CELLS
            item = (c * cos(lam), c * sin(lam), sin(phi), sid, lid)
            cell = cells.get(key)
            if cell is None:
                cells[key] = [item]
            else:
                cell.append(item)
            n += 1
        self.size = n
        # the box around every point: a query far from it is answered at once, and the search stops
        # once the cells read cover it (a local directory and a caseload that reaches beyond it)
        self.bbox = (lat_min, lat_max, lon_min, lon_max)
        if n:
            self.cover = (math.floor(lat_min / CELL_DEG), math.floor(lat_max / CELL_DEG),
                          math.floor(lon_min / CELL_DEG), math.floor(lon_max / CELL_DEG))

    def to_bytes(self) -> bytes:
        """The index as bytes (:meth:`from_bytes` reads them back to an identical index): a JSON header, then
        the unit vectors as 64-bit floats, cell by cell, then the ids as JSON."""
        from array import array

        keys = sorted(self.cells)
        xs, ys, zs = array("d"), array("d"), array("d")
        sids: list[str] = []
        lids: list[str] = []
        for key in keys:
            for x, y, z, sid, lid in self.cells[key]:
                xs.append(x)
                ys.append(y)
                zs.append(z)
                sids.append(sid)
                lids.append(lid)
        ids = json.dumps([sids, lids], ensure_ascii=False).encode("utf-8")
        head = json.dumps({"format": 1, "cell_deg": CELL_DEG, "size": self.size, "bbox": self.bbox,
                           "keys": keys, "counts": [len(self.cells[k]) for k in keys], "ids": len(ids)})
        return head.encode("utf-8") + b"\n" + xs.tobytes() + ys.tobytes() + zs.tobytes() + ids

    @classmethod
    def from_bytes(cls, data: bytes) -> GridIndex | None:
        """The index :meth:`to_bytes` wrote, or None when the bytes are not one (another format, cut short)."""
        from array import array

        try:
            head_raw, _, body = data.partition(b"\n")
            head = json.loads(head_raw)
            if head.get("format") != 1 or head.get("cell_deg") != CELL_DEG:
                return None
            n = int(head["size"])
            width = 8 * n
            if len(body) != 3 * width + int(head["ids"]) or sum(head["counts"]) != n:
                return None
            xs, ys, zs = array("d"), array("d"), array("d")
            xs.frombytes(body[:width])
            ys.frombytes(body[width:2 * width])
            zs.frombytes(body[2 * width:3 * width])
            sids, lids = json.loads(body[3 * width:])
            if len(sids) != n or len(lids) != n:
                return None
        except (ValueError, KeyError, TypeError):
            return None
        items = list(zip(xs, ys, zs, sids, lids, strict=True))  # one cell's objects side by side in memory
        index = cls(())
        pos = 0
        for key, count in zip(head["keys"], head["counts"], strict=True):
            index.cells[int(key)] = items[pos:pos + count]
            pos += count
        index.size = n
        if n:
            index.bbox = tuple(head["bbox"])
            lat_min, lat_max, lon_min, lon_max = index.bbox
            index.cover = (math.floor(lat_min / CELL_DEG), math.floor(lat_max / CELL_DEG),
                           math.floor(lon_min / CELL_DEG), math.floor(lon_max / CELL_DEG))
        return index

    def nearest(self, lat: float, lon: float, k: int, within_km: float) -> list[tuple[float, str, str]]:
        """[(km, service_id, location_id)] nearest first, one per service (its nearest location), at
        most k, all within ``within_km``."""
        if not self.size or k < 1:
            return []
        radians, sin, cos = math.radians, math.sin, math.cos
        phi0, lam0 = radians(lat), radians(lon)
        cphi0 = cos(phi0)
        x0, y0, z0 = cphi0 * cos(lam0), cphi0 * sin(lam0), sin(phi0)
        limit = _chord2(within_km)  # nothing farther is kept; tightened to the k-th best once known
        if _box_chord2(self.bbox, lat, lon, cphi0) > limit:
            return []
        ci, cj = math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)
        i_lo, i_hi, j_lo, j_hi = self.cover
        every_cell = max(ci - i_lo, i_hi - ci, cj - j_lo, j_hi - cj)  # the ring whose block holds them all
        get = self.cells.get
        found: list[tuple[float, str, str]] = []
        ring = 1  # the 3 x 3 block first: one cell alone is rarely enough to be sure
        keys = [i * _ROW + j % _LON_CELLS for i in range(ci - 1, ci + 2) for j in range(cj - 1, cj + 2)]
        while True:
            for key in keys:
                cell = get(key)
                if cell:
                    for x, y, z, sid, lid in cell:
                        d2 = (x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0)
                        if d2 <= limit:
                            found.append((d2, sid, lid))
            fresh = len(found) >= k
            if fresh:
                best = _distinct(found, k)
                if len(best) == k:
                    limit = best[-1][0]
            if ring >= every_cell or _outside_chord2(lat, lon, cphi0, ci, cj, ring) > limit:
                break  # nothing outside the cells read can be nearer (or within range)
            ring += 1
            keys = [i * _ROW + j % _LON_CELLS for i in (ci - ring, ci + ring) for j in range(cj - ring, cj + ring + 1)]
            keys += [i * _ROW + j % _LON_CELLS for i in range(ci - ring + 1, ci + ring) for j in (cj - ring, cj + ring)]
        if not fresh:
            best = _distinct(found, k)
        asin, sqrt = math.asin, math.sqrt
        return [(2 * EARTH_KM * asin(min(1.0, sqrt(d2) / 2)), sid, lid) for d2, sid, lid in best]


def distance_km(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """Great-circle km from (lat, lon) to (lat2, lon2) by exactly the arithmetic of
    :meth:`GridIndex.nearest`, so a distance is the same to the last bit whichever way it was found."""
    radians, sin, cos = math.radians, math.sin, math.cos
    phi0, lam0 = radians(lat), radians(lon)
    cphi0 = cos(phi0)
    x0, y0, z0 = cphi0 * cos(lam0), cphi0 * sin(lam0), sin(phi0)
    phi, lam = radians(lat2), radians(lon2)
    c = cos(phi)
    x, y, z = c * cos(lam), c * sin(lam), sin(phi)
    d2 = (x - x0) * (x - x0) + (y - y0) * (y - y0) + (z - z0) * (z - z0)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(d2) / 2))


def _box_chord2(bbox, lat, lon, cphi0) -> float:
    """Squared chord from a point to the nearest point of a lat/lon box (a lower bound; 0 inside)."""
    lat_min, lat_max, lon_min, lon_max = bbox
    angle = math.radians(max(lat_min - lat, lat - lat_max, 0.0))
    if lon_max - lon_min < 180 and not lon_min <= lon <= lon_max:
        # past the meridian plane of the nearer edge (the whole box is on its far side)
        dlon = min((lon_min - lon) % 360, (lon - lon_max) % 360)
        if dlon < 180 - (lon_max - lon_min):
            angle = max(angle, math.asin(min(1.0, math.sin(math.radians(dlon)) * cphi0)))
    return (2 * math.sin(min(angle, math.pi) / 2)) ** 2


def _outside_chord2(lat, lon, cphi0, ci, cj, ring) -> float:
    """Squared chord to the nearest point outside the block of cells read so far (a lower bound)."""
    top, bottom = (ci + ring + 1) * CELL_DEG, (ci - ring) * CELL_DEG
    east, west = (cj + ring + 1) * CELL_DEG - lon, lon - (cj - ring) * CELL_DEG
    angles = []
    if top < 90:
        angles.append(math.radians(top - lat))
    if bottom > -90:
        angles.append(math.radians(lat - bottom))
    if (2 * ring + 1) < _LON_CELLS:
        for width in (east, west):  # distance to the meridian plane that bounds the block
            angles.append(math.asin(min(1.0, max(0.0, math.sin(math.radians(width))) * cphi0))
                          if width < 180 else 0.0)
    if not angles:
        return 5.0  # the block covers the whole sphere
    return (2 * math.sin(min(angles) / 2)) ** 2


def _distinct(found, k):
    """The k nearest (d2, sid, lid), one per service."""
    found.sort()
    seen: set[str] = set()
    out = []
    for item in found:
        if item[1] not in seen:
            seen.add(item[1])
            out.append(item)
            if len(out) == k:
                break
    return out
