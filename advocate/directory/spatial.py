"""An in-memory grid index for batch lookups: built once per batch, then each query is a few
dictionary reads and a handful of distance computations (no SQL per row)."""

from __future__ import annotations

import math

from advocate.geo.distance import EARTH_KM

CELL_DEG = 0.25  # about 28 km north-south


class GridIndex:
    def __init__(self, points):
        """``points``: iterable of (service_id, lat, lon)."""
        # each point keeps its latitude and longitude in radians and cos(latitude), for an inlined haversine
        self.cells: dict[tuple[int, int], list[tuple[str, float, float, float]]] = {}
        n = 0
        radians, cos, floor = math.radians, math.cos, math.floor
        for sid, lat, lon in points:
            key = (floor(lat / CELL_DEG), floor(lon / CELL_DEG))
            phi = radians(lat)
            self.cells.setdefault(key, []).append((sid, phi, radians(lon), cos(phi)))
            n += 1
        self.size = n

    def nearest(self, lat: float, lon: float, k: int, within_km: float) -> list[tuple[float, str]]:
        """[(km, service_id)] nearest first, one per service, at most k, all within ``within_km``."""
        if not self.size:
            return []
        ci, cj = math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)
        # the narrowest side of a cell near this latitude, in km (rings are at least this far apart)
        coslat = max(math.cos(math.radians(min(89.0, abs(lat) + CELL_DEG))), 1e-3)
        step_km = math.radians(CELL_DEG) * EARTH_KM * coslat
        best: dict[str, float] = {}
        phi0, lam0 = math.radians(lat), math.radians(lon)
        cphi0, sin, asin, sqrt, diameter = math.cos(phi0), math.sin, math.asin, math.sqrt, 2 * EARTH_KM
        max_ring = int(within_km / step_km) + 2
        lon_cells = int(360 / CELL_DEG)
        for ring in range(0, max_ring + 1):
            for i in range(ci - ring, ci + ring + 1):
                if ring == 0:
                    js = (cj,)
                elif i in (ci - ring, ci + ring):
                    js = range(cj - ring, cj + ring + 1)
                else:
                    js = (cj - ring, cj + ring)
                for j in js:
                    cell = self.cells.get((i, (j + lon_cells // 2) % lon_cells - lon_cells // 2))
                    if not cell:
                        continue
                    for sid, phi, lam, cphi in cell:
                        a = sin((phi - phi0) / 2) ** 2 + cphi0 * cphi * sin((lam - lam0) / 2) ** 2
                        d = diameter * asin(sqrt(a) if a < 1.0 else 1.0)
                        if d <= within_km and (sid not in best or d < best[sid]):
                            best[sid] = d
            # everything closer than ring * step_km has been seen
            if len(best) >= k:
                ranked = sorted(best.items(), key=lambda t: t[1])
                if ranked[k - 1][1] <= ring * step_km:
                    return [(d, sid) for sid, d in ranked[:k]]
            if ring * step_km > within_km:
                break
        ranked = sorted(best.items(), key=lambda t: t[1])[:k]
        return [(d, sid) for sid, d in ranked]
