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


_A, _F = 6378137.0, 1 / 298.257223563  # WGS-84, as geographiclib's Geodesic.WGS84
_B = _A * (1 - _F)
_EP2 = (_A * _A - _B * _B) / (_B * _B)
_TOLERANCE_KM = 1e-5  # Vincenty's formulae agree with Karney's to well under a millimetre (tests check 1e-6 km)


def _vincenty_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    """WGS-84 distance by Vincenty's inverse formulae (1975), or None where they do not converge
    (nearly antipodal points)."""
    sin, cos, atan2, sqrt = math.sin, math.cos, math.atan2, math.sqrt
    L = math.radians(lon2 - lon1)
    u1 = math.atan((1 - _F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - _F) * math.tan(math.radians(lat2)))
    su1, cu1, su2, cu2 = sin(u1), cos(u1), sin(u2), cos(u2)
    lam = L
    for _ in range(50):
        sl, cl = sin(lam), cos(lam)
        ss = sqrt((cu2 * sl) ** 2 + (cu1 * su2 - su1 * cu2 * cl) ** 2)
        if ss == 0.0:
            return 0.0
        cs = su1 * su2 + cu1 * cu2 * cl
        sigma = atan2(ss, cs)
        sa = cu1 * cu2 * sl / ss
        c2a = 1 - sa * sa
        c2sm = cs - 2 * su1 * su2 / c2a if c2a else 0.0
        c = _F / 16 * c2a * (4 + _F * (4 - 3 * c2a))
        prev = lam
        lam = L + (1 - c) * _F * sa * (sigma + c * ss * (c2sm + c * cs * (-1 + 2 * c2sm * c2sm)))
        if abs(lam - prev) < 1e-12:
            break
    else:
        return None
    u = c2a * _EP2
    a = 1 + u / 16384 * (4096 + u * (-768 + u * (320 - 175 * u)))
    b = u / 1024 * (256 + u * (-128 + u * (74 - 47 * u)))
    ds = b * ss * (c2sm + b / 4 * (cs * (-1 + 2 * c2sm * c2sm) - b / 6 * c2sm * (-3 + 4 * ss * ss)
                                   * (-3 + 4 * c2sm * c2sm)))
    return _B * a * (sigma - ds) / 1000.0


def _near_half(value: float, margin: float) -> bool:
    """True when ``value`` (a distance times 100) is within ``margin`` of a rounding boundary."""
    frac = value - math.floor(value)
    return abs(frac - 0.5) <= margin


def geodesic_km_mi(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """(km, miles) rounded to 2 decimals, exactly ``round(geodesic_km(...), 2)`` and
    ``round(geodesic_km(...) / KM_PER_MILE, 2)``, about five times faster: Vincenty's formulae give the
    distance to a fraction of a millimetre, and Karney's algorithm (:func:`geodesic_km`) is run only when
    that figure lies within a centimetre of a rounding boundary (a few lookups in a thousand) or
    Vincenty's iteration does not converge (nearly antipodal points)."""
    km = _vincenty_km(lat1, lon1, lat2, lon2)
    margin = 2 * _TOLERANCE_KM * 100
    if km is None or _near_half(km * 100, margin) or _near_half(km / KM_PER_MILE * 100, margin):
        km = geodesic_km(lat1, lon1, lat2, lon2)
    return round(km, 2), round(km / KM_PER_MILE, 2)
