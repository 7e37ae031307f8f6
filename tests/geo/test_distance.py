import pytest
from geopy.distance import geodesic
from hypothesis import given
from hypothesis import strategies as st

from advocate.geo.distance import bounding_box, geodesic_km, haversine_km

lat = st.floats(-89, 89)
lon = st.floats(-179.9, 179.9)


@given(lat, lon, lat, lon)
def test_geodesic_matches_geopy(a, b, c, d):
    assert geodesic_km(a, b, c, d) == pytest.approx(geodesic((a, b), (c, d)).km, abs=1e-6)


@given(lat, lon, lat, lon)
def test_haversine_close_to_geodesic(a, b, c, d):
    assert haversine_km(a, b, c, d) == pytest.approx(geodesic_km(a, b, c, d), rel=0.006, abs=1e-6)


@given(st.floats(-80, 80), lon, st.floats(0.1, 3000), st.floats(0, 360))
def test_box_contains_the_circle(lat0, lon0, km, bearing):
    from geographiclib.geodesic import Geodesic

    # a point at distance km (great-circle, as ranked) lies inside the box
    g = Geodesic(6371008.8, 0).Direct(lat0, lon0, bearing, km * 1000 * 0.9999)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat0, lon0, km)
    if min_lon > -180 and max_lon < 180 and -180 < g["lon2"] < 180:
        assert min_lat <= g["lat2"] <= max_lat
        assert min_lon <= g["lon2"] <= max_lon


@given(lat, lon, lat, lon)
def test_fast_rounded_geodesic_is_karneys_rounded(a, b, c, d):
    """services near shows km and miles to 2 decimals: the fast path must print exactly what Karney's does."""
    from advocate.geo.distance import KM_PER_MILE, geodesic_km_mi

    km = geodesic_km(a, b, c, d)
    assert geodesic_km_mi(a, b, c, d) == (round(km, 2), round(km / KM_PER_MILE, 2))


@given(st.floats(-70, 70), lon, st.floats(-3, 3), st.floats(-3, 3))
def test_vincenty_within_its_tolerance_nearby(a, b, da, db):
    """The margin the fast path trusts (1 cm) is ten times what Vincenty's formulae differ from Karney's."""
    from advocate.geo.distance import _vincenty_km

    c, d = a + da, ((b + db + 180) % 360) - 180
    assert abs(_vincenty_km(a, b, c, d) - geodesic_km(a, b, c, d)) < 1e-6


def test_fast_rounded_geodesic_near_a_boundary_and_antipodes():
    from advocate.geo.distance import KM_PER_MILE, geodesic_km_mi

    for a, b, c, d in ((0.0, 0.0, 0.5, 179.7), (0.0, 0.0, 0.0, 180.0), (40.7, -74.0, 40.7, -74.0),
                       (10.0, 20.0, -10.0, -160.0)):
        km = geodesic_km(a, b, c, d)
        assert geodesic_km_mi(a, b, c, d) == (round(km, 2), round(km / KM_PER_MILE, 2))
