"""Distances: a fast great-circle for ranking, geopy's geodesic for the figures shown."""

from __future__ import annotations

import math

EARTH_KM = 6371.0088
KM_PER_MILE = 1.609344


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """WGS-84 geodesic distance: the same Karney algorithm geopy.distance.geodesic runs, called through
    geographiclib (geopy's own dependency) because importing geopy loads its geocoders and requests
    (~150 ms on every cold lookup). tests/geo/test_distance.py checks the two agree."""
    from geographiclib.geodesic import Geodesic

    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"] / 1000.0


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of radius ``km`` (exact on a sphere)."""
    r = km / EARTH_KM * 1.0001
    dlat = math.degrees(r)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    coslat = math.cos(math.radians(lat))
    if max_lat >= 90.0 or min_lat <= -90.0 or math.sin(r) >= coslat:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(math.asin(math.sin(r) / coslat))
    return min_lat, max_lat, max(-180.0, lon - dlon), min(180.0, lon + dlon)
