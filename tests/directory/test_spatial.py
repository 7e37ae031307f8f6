import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advocate.directory.spatial import GridIndex
from advocate.geo.distance import haversine_km

rnd = random.Random(11)
# 3,000 locations of 2,500 services: some services have several locations (one result each, the nearest)
POINTS = [(f"s{i % 2500}", f"l{i}", rnd.uniform(14, 49), rnd.uniform(-124, -86)) for i in range(3000)]
# a sparse set spread over the whole globe, including both poles and the antimeridian
WORLD = [(f"w{i}", f"l{i}", rnd.uniform(-90, 90), rnd.uniform(-180, 180)) for i in range(300)]
WORLD += [("north", "ln", 90.0, 0.0), ("south", "ls", -90.0, 10.0), ("date-e", "le", 10.0, 179.99),
          ("date-w", "lw", 10.0, -179.99)]


def brute(points, lat, lon, k, within):
    best = {}
    for sid, lid, a, b in points:
        d = haversine_km(lat, lon, a, b)
        if d <= within and (sid not in best or d < best[sid][0]):
            best[sid] = (d, lid)
    return sorted((d, sid, lid) for sid, (d, lid) in best.items())[:k]


def same(got, want):
    assert [d for d, *_ in got] == pytest.approx([d for d, *_ in want], abs=1e-6)
    assert len(got) == len(want)
    # the same services, but for ties at the cut (equal distances may fall either side of it)
    if got:
        cut = got[-1][0] - 1e-6
        assert {s for d, s, _ in got if d < cut} == {s for d, s, _ in want if d < cut}


# one local directory (around Miami), queried from anywhere: a search must not wander far for nothing
LOCAL = [(f"m{i}", f"l{i}", rnd.uniform(25.5, 26.2), rnd.uniform(-80.5, -80.1)) for i in range(400)]

INDEX = GridIndex(POINTS)
WORLD_INDEX = GridIndex(WORLD)
LOCAL_INDEX = GridIndex(LOCAL)


@settings(max_examples=150, deadline=None)
@given(st.floats(14, 49), st.floats(-124, -86), st.integers(1, 12), st.floats(1, 3000))
def test_grid_matches_brute_force(lat, lon, k, within):
    same(INDEX.nearest(lat, lon, k, within), brute(POINTS, lat, lon, k, within))


@settings(max_examples=100, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180), st.integers(1, 8), st.sampled_from([50, 500, 5000, 25000]))
def test_grid_matches_brute_force_anywhere_on_earth(lat, lon, k, within):
    same(WORLD_INDEX.nearest(lat, lon, k, within), brute(WORLD, lat, lon, k, within))


@settings(max_examples=100, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180), st.integers(1, 8), st.sampled_from([30, 300, 805, 3000, 20000]))
def test_a_local_directory_queried_from_anywhere(lat, lon, k, within):
    same(LOCAL_INDEX.nearest(lat, lon, k, within), brute(LOCAL, lat, lon, k, within))


class CountingCells(dict):
    reads = 0

    def get(self, key, default=None):
        CountingCells.reads += 1
        return super().get(key, default)


def test_far_from_the_directory_reads_no_cells():
    index = GridIndex(LOCAL)
    index.cells = CountingCells(index.cells)
    assert index.nearest(36.0, -120.0, 5, 805) == []  # California, 500 miles: nothing, and nothing read
    assert CountingCells.reads == 0
    # just outside the directory's box, the walk stops once the cells read cover it
    got = index.nearest(28.0, -81.0, 5, 805)
    assert len(got) == 5 and CountingCells.reads < 40 * 40


def test_antimeridian_neighbours_are_found():
    got = WORLD_INDEX.nearest(10.0, 179.999, 2, 50)
    assert {s for _, s, _ in got} == {"date-e", "date-w"}


def test_one_row_per_service_with_its_nearest_location():
    index = GridIndex([("a", "far", 40.0, -75.0), ("a", "near", 40.0, -74.01), ("b", "b1", 40.0, -74.5)])
    got = index.nearest(40.0, -74.0, 5, 500)
    assert [(s, lid) for _, s, lid in got] == [("a", "near"), ("b", "b1")]


def test_empty_index():
    assert GridIndex([]).nearest(0, 0, 5, 100) == []
