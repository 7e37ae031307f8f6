import random

from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.directory.spatial import GridIndex
from advocate.geo.distance import haversine_km

rnd = random.Random(11)
POINTS = [(f"s{i}", rnd.uniform(14, 49), rnd.uniform(-124, -86)) for i in range(3000)]
INDEX = GridIndex(POINTS)


@settings(max_examples=150, deadline=None)
@given(st.floats(14, 49), st.floats(-124, -86), st.integers(1, 12), st.floats(1, 3000))
def test_grid_matches_brute_force(lat, lon, k, within):
    brute = sorted((haversine_km(lat, lon, a, b), sid) for sid, a, b in POINTS)
    brute = [(d, sid) for d, sid in brute if d <= within][:k]
    got = INDEX.nearest(lat, lon, k, within)
    assert [round(d, 6) for d, _ in got] == [round(d, 6) for d, _ in brute]


def test_empty_index():
    assert GridIndex([]).nearest(0, 0, 5, 100) == []
