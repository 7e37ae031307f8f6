"""run_batch from the library: the grid path (long inputs) and the R*Tree path (short ones) agree,
each match shows its nearest location, filters apply, and the input is read as a stream."""

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.directory import batch
from advocate.directory.batch import run_batch
from advocate.directory.search import Filters
from tests.helpers import put_service


@pytest.fixture
def directory(store):
    rnd = random.Random(8)
    for i in range(300):
        put_service(store, f"s{i:03d}", rnd.uniform(33, 36), rnd.uniform(-99, -95),
                    cats=("shelter",) if i % 3 else ("medical",), staff=("spa",) if i % 2 else ("eng",))
    return store


def rows_for(points):
    return [{"case": f"K{i}", "location": f"{lat:.5f},{lon:.5f}"} for i, (lat, lon) in enumerate(points)]


def run(store, rows, **kw):
    return list(run_batch(store, iter(rows), location_column="location", **kw))


@pytest.mark.parametrize("filters", [Filters(), Filters(categories=["medical"]), Filters(languages=["es"])])
def test_grid_and_rtree_paths_agree(directory, monkeypatch, filters):
    rnd = random.Random(9)
    rows = rows_for([(rnd.uniform(33, 36), rnd.uniform(-99, -95)) for _ in range(40)] * 2)  # places repeat
    small = run(directory, rows, per_location=4, within_km=60, filters=filters)  # 80 rows: the R*Tree path
    monkeypatch.setattr(batch, "CHUNK", 7)  # now 80 rows are "long": the grid path, in chunks of 7
    big = run(directory, rows, per_location=4, within_km=60, filters=filters)
    assert small == big
    assert len(small) >= 80
    for a, b in itertools.pairwise(small):
        if a["case"] == b["case"] and a["distance_km"] is not None:
            assert a["distance_km"] <= b["distance_km"]


def test_services_at_one_address_are_chosen_alike_by_both_paths(store, monkeypatch):
    # a 211 lists many programmes of one organisation at one address: at the cut-off, both paths must
    # keep the same ones (by id), however the index happens to order them
    for i in (7, 3, 9, 1, 5, 8, 2):
        put_service(store, f"prog{i}", 25.77, -80.19)
    rows = rows_for([(25.771, -80.191)] * 3)
    small = run(store, rows, per_location=4, within_km=10)
    monkeypatch.setattr(batch, "CHUNK", 2)
    big = run(store, rows, per_location=4, within_km=10)
    assert small == big
    assert [r["service_id"] for r in small[:4]] == ["prog1", "prog2", "prog3", "prog5"]


def test_filters_and_inactive_services(directory, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 1)
    with directory.write():
        directory.conn.execute("UPDATE services SET status = 'inactive' WHERE id = 's001'")
    rows = rows_for([(34.5, -97.0), (35.0, -96.0)])
    out = run(directory, rows, per_location=10, within_km=500, filters=Filters(categories=["medical"]))
    assert out and all(r["categories"] == ["medical"] for r in out)
    assert "s001" not in {r["service_id"] for r in out}


@pytest.mark.parametrize("chunk", [1, 500])
def test_one_row_per_service_at_its_nearest_location(store, monkeypatch, chunk):
    monkeypatch.setattr(batch, "CHUNK", chunk)
    put_service(store, "multi", 40.0, -100.5)  # its first location is far ...
    with store.write():  # ... its second is near, in another town
        store.conn.execute("INSERT INTO locations (id, latitude, longitude, city) VALUES ('near', 40.0, -100.01, 'Nearby')")
        store.conn.execute("INSERT INTO service_at_location (service_id, location_id) VALUES ('multi', 'near')")
    out = run(store, rows_for([(40.0, -100.0), (40.0, -100.0)]), per_location=3, within_km=100)
    first = [r for r in out if r["case"] == "K0"]
    assert [r["service_id"] for r in first] == ["multi"]
    assert first[0]["service_city"] == "Nearby" and first[0]["distance_km"] < 1


def test_input_is_streamed(directory, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 5)
    endless = ({"case": str(i), "location": "34.5,-97.0"} for i in itertools.count())
    out = list(itertools.islice(run_batch(directory, endless, location_column="location", per_location=1,
                                          within_km=100), 12))
    assert [r["case"] for r in out] == [str(i) for i in range(12)]


def test_unresolvable_rows_keep_their_reason(directory):
    out = run(directory, [{"case": "x", "location": "not a place anywhere"}, {"case": "y", "location": ""}])
    assert [r["case"] for r in out] == ["x", "y"]
    assert all(r["error"] and r["rank"] is None for r in out)


def test_zip_lookups_a_chunk_at_a_time_or_one_by_one(store):
    one_by_one = [batch.Resolver(store)(z) for z in ("10001", "33130", "94403", "60601", "00000")]
    resolve = batch.Resolver(store)
    resolve.prefetch(["10001", " 33130 ", "94403", "60601", "00000", "Miami, FL", "10001"])
    assert set(resolve.zips) == {"10001", "33130", "94403", "60601", "00000"} and resolve.zips["00000"] is None

    class NoQueries:
        def execute(self, *args):
            raise AssertionError("a ZIP read in the chunk's one query was read again")

    resolve.gazetteer = NoQueries()  # type: ignore[assignment]
    prefetched = [resolve(z) for z in ("10001", "33130", "94403", "60601", "00000")]
    assert prefetched[:4] == one_by_one[:4] and all(isinstance(hit, batch.Located) for hit in prefetched[:4])
    assert isinstance(prefetched[4], batch.Unresolved) and prefetched[4] == one_by_one[4]


def test_failure_tally_groups_and_stays_bounded():
    tally = batch.FailureTally(distinct=2)
    for n in range(1, 8):
        tally(n, "99999", "no such ZIP")
    tally(8, "Nowhere", "not a place")
    tally(9, "Elsewhere", "not a place")  # a third reason: counted, not kept
    assert tally.total == 9
    assert tally.lines() == ["rows 1, 2, 3 and 4 more: '99999': no such ZIP", "row 8: 'Nowhere': not a place"]


def test_batch_columns_checks_before_any_row_is_read():
    from advocate.errors import InputError

    chosen = batch.batch_columns(["Case", "City", "State"])
    assert (chosen.location, chosen.region, chosen.guessed) == ("City", "State", True)
    assert batch.batch_columns(["zip"], location_column="zip") == batch.BatchColumns(location="zip")
    assert batch.batch_columns(["y", "x"], lat_column="y", lon_column="x") == batch.BatchColumns(lat="y", lon="x")
    for kwargs, columns, fields in [
        ({"lat_column": "y"}, ["y", "x"], ("lat_column", "lon_column")),
        ({"lat_column": "y", "lon_column": "lng"}, ["y", "x"], ("lon_column",)),
        ({"location_column": "where"}, ["zip"], ("location_column",)),
        ({}, ["case", "note"], ("location_column",)),
        ({}, ["zip", "rank", "error"], ("input",)),  # the input itself: rename its columns
    ]:
        with pytest.raises(InputError) as err:
            batch.batch_columns(columns, **kwargs)
        assert err.value.fields == fields
        assert "--" not in err.value.message


def test_result_fields_are_the_output_columns(directory):
    assert tuple(batch.BatchResult.__annotations__) == batch.OUT_FIELDS
    out = run(directory, rows_for([(34.5, -97.0)]), per_location=1, within_km=100)
    assert set(out[0]) == {"case", "location", *batch.OUT_FIELDS}


def test_the_garbage_collector_is_left_alone_unless_asked(directory, monkeypatch):
    import gc

    monkeypatch.setattr(batch, "CHUNK", 3)  # a "long" input: the grid path
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    rows = rows_for([(34.5, -97.0)] * 10)
    plain = run(directory, rows, per_location=2, within_km=100)
    assert calls == [] and gc.isenabled()
    threshold = gc.get_threshold()
    frozen = run(directory, rows, per_location=2, within_km=100, freeze_gc=True)
    assert calls[0] == "freeze" and calls[-1] == "unfreeze" and calls.count("unfreeze") == 1 and gc.isenabled()
    assert gc.get_threshold() == threshold
    assert plain == frozen


def test_a_batch_leaves_no_cyclic_garbage(directory, monkeypatch):
    """With freeze_gc a batch freezes what each chunk leaves behind; that is only safe while a batch makes no
    reference cycles (the collector would not see them until the batch ends): rows that resolve, rows that do
    not, places by name, both paths."""
    import gc

    rows = rows_for([(34.5, -97.0), (35.1, -96.2)] * 4)
    rows += [{"case": "x", "location": "not a place anywhere"}, {"case": "y", "location": ""},
             {"case": "z", "location": "Miami, FL"}, {"case": "w", "location": "33130"}]
    for chunk in (500, 3):
        monkeypatch.setattr(batch, "CHUNK", chunk)
        run(directory, rows, per_location=2, within_km=100)  # caches and imports warmed
        gc.collect()
        gc.disable()
        try:
            for lines in (None, "csv"):
                out = list(run_batch(directory, iter(rows), location_column="location", per_location=2,
                                     within_km=100, cells=["case", "location"] if lines else None, lines=lines))
                assert out
            del out
            assert gc.collect() == 0
        finally:
            gc.enable()


@pytest.mark.parametrize("chunk, cached", [(3, 50_000), (500, 50_000), (3, 4)])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_cells_are_the_bytes_rendering_the_rows_writes(directory, monkeypatch, chunk, cached, fmt):
    """services batch writes CSV/TSV from ready lines (run_batch(cells=..., lines=...)) and the library offers
    ready cells (cells=...): both byte for byte what rendering the row dicts writes, on both paths, with rows
    that fail, input cells a spreadsheet would run, and caches small enough to be emptied mid-batch."""
    import io

    from advocate.directory.batch import OUT_FIELDS
    from advocate.formats import write_cells, write_lines
    from advocate.render import render

    monkeypatch.setattr(batch, "CHUNK", chunk)
    monkeypatch.setattr(batch, "CACHE_SIZE", cached)
    rnd = random.Random(4)
    rows = rows_for([(rnd.uniform(33, 36), rnd.uniform(-99, -95)) for _ in range(12)] * 2)
    rows += [{"case": "=HYPERLINK(1)", "location": "not a place anywhere"}, {"case": "-5", "location": ""},
             {"case": "@x", "location": "10.0,10.0"}]
    columns = ["case", "location"]
    header = [*columns, *OUT_FIELDS]
    a, b = io.StringIO(), io.StringIO()
    render(run(directory, rows, per_location=3, within_km=80), fmt, columns=header, out=a)
    write_cells(header, run_batch(directory, iter(rows), location_column="location", per_location=3, within_km=80,
                                  cells=columns), fmt, out=b)
    c = io.StringIO()
    write_lines(header, run_batch(directory, iter(rows), location_column="location", per_location=3, within_km=80,
                                  cells=columns, lines=fmt), fmt, out=c)
    assert a.getvalue() == b.getvalue() == c.getvalue()
    assert "'=HYPERLINK(1)" in b.getvalue() and len(b.getvalue().splitlines()) > 60


def test_grid_kept_beside_the_store_until_the_store_changes(directory, monkeypatch):
    """A long batch keeps its grid in <store>.grid (owner-only, listed among the store's copies, so purge
    finds it) and the next batch reads it instead of the store; any change to the store makes it stale."""
    from advocate.store import copies, sidecache

    monkeypatch.setattr(batch, "CHUNK", 5)
    rnd = random.Random(12)
    rows = rows_for([(rnd.uniform(33, 36), rnd.uniform(-99, -95)) for _ in range(30)])
    first = run(directory, rows, per_location=3, within_km=80)
    path = sidecache.cache_path(directory, "grid")
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    assert str(path.resolve()) in {e["path"] for e in copies.list_copies(directory.path)}
    built = []
    real = batch.index_points
    monkeypatch.setattr(batch, "index_points", lambda *a: built.append(1) or real(*a))
    assert run(directory, rows, per_location=3, within_km=80) == first and not built
    with directory.write():
        directory.conn.execute("UPDATE locations SET latitude = latitude + 0.3 WHERE id IN "
                               "(SELECT location_id FROM service_at_location WHERE service_id = 's007')")
    changed = run(directory, rows, per_location=3, within_km=80)
    assert built  # read from the store again
    monkeypatch.setattr(batch, "CHUNK", 500)  # the R*Tree path, which keeps no grid, agrees
    assert changed == run(directory, rows, per_location=3, within_km=80)
    path.write_bytes(path.read_bytes()[:200])  # a damaged cache is not used
    monkeypatch.setattr(batch, "CHUNK", 5)
    assert run(directory, rows, per_location=3, within_km=80) == changed


def test_grid_bytes_round_trip(directory):
    from advocate.directory.spatial import GridIndex

    index = batch.directory_grid(directory, Filters())
    again = GridIndex.from_bytes(index.to_bytes())
    assert again is not None and again.cells == index.cells and again.bbox == index.bbox and again.size == index.size
    assert again.nearest(34.5, -97.0, 5, 100) == index.nearest(34.5, -97.0, 5, 100)
    assert GridIndex.from_bytes(b"not a grid") is None and GridIndex.from_bytes(index.to_bytes()[:-3]) is None
    empty = GridIndex(())
    assert GridIndex.from_bytes(empty.to_bytes()).nearest(1.0, 1.0, 3, 10) == []


@pytest.mark.parametrize("text", ["", "a,a\n1,2\n", "\xff\xfe", '{"a": 1}\n[1]\n', "{nope\n"])
def test_a_bad_batch_input_is_an_error_about_the_input(text):
    """#17: the library's errors name the input they are about (``fields``), not a command-line option."""
    import io

    from advocate.errors import InputError

    stream = io.TextIOWrapper(io.BytesIO(text.encode("latin-1")), encoding="utf-8") if "\xff" in text \
        else io.StringIO(text)
    with pytest.raises(InputError) as err:
        columns, rows = batch.read_rows(stream)
        list(rows)
    assert err.value.fields == ("input",)


def test_an_empty_zip_cell_falls_back_to_the_city_column(store):
    """A caseload with a "Código postal" column and a "Ciudad" one: a row with the ZIP left blank was an error
    ("no location in this row") though its city was there."""
    chosen = batch.batch_columns(["caso", "Código postal", "Ciudad", "Estado"])
    assert chosen.location == "Código postal" and chosen.fallbacks == (("Ciudad", "Estado"),)
    assert batch.batch_columns(["caso", "zip", "city"], location_column="zip").fallbacks == ()  # the user chose
    rows = [{"caso": "a1", "Código postal": "", "Ciudad": "Tijuana", "Estado": "BC"},
            {"caso": "a2", "Código postal": "", "Ciudad": "", "Estado": ""}]
    out = list(run_batch(store, iter(rows), columns=chosen, per_location=1))
    assert out[0]["resolved_place"].startswith("Tijuana") and not out[0]["error"]
    assert out[1]["error"] and not out[1]["resolved_place"]


@given(st.one_of(st.floats(0, 25_000), st.floats(0, 1), st.integers(0, 2_500_000).map(lambda n: n / 1000),
                 st.integers(0, 2_500_000).map(lambda n: n / 1000 / 1.609344)))
def test_hundredths_is_the_text_of_the_rounded_distance(km):
    assert batch.hundredths(km) == str(round(km, 2))


def test_read_rows_pads_short_rows_and_drops_extra_cells():
    import io

    columns, rows = batch.read_rows(io.StringIO("\ufeffcase,zip,note\nA,10001,x\nB,33130\n\n,,\nC,94403,y,extra\n"))
    assert columns == ["case", "zip", "note"]
    assert list(rows) == [{"case": "A", "zip": "10001", "note": "x"}, {"case": "B", "zip": "33130", "note": ""},
                          {"case": "C", "zip": "94403", "note": "y"}]


@pytest.mark.parametrize("chunk", [1, 500])
@pytest.mark.parametrize("cats", [[], ["shelter"], ["law-enforcement"], ["youth"]])
def test_a_batch_never_offers_unasked_what_a_lookup_hides(store, monkeypatch, chunk, cats):
    """Law-enforcement-only records, records for a child only and records shown only when asked are left out of
    a batch as out of `services near`, by the R*Tree path (kept sets) and the grid path (SQL) alike."""
    put_service(store, "police", 34.0001, -97.0, cats=("law-enforcement",))
    put_service(store, "child-line", 34.0002, -97.0, cats=("youth", "shelter"))
    put_service(store, "visa-office", 34.0003, -97.0, cats=("legal-immigration",))
    put_service(store, "shelter", 34.0004, -97.0, cats=("shelter",))
    with store.write():
        store.conn.execute("UPDATE services SET for_minors = 1 WHERE id = 'child-line'")
        store.conn.execute("UPDATE services SET only_when_asked = 1 WHERE id = 'visa-office'")
    monkeypatch.setattr(batch, "CHUNK", chunk)
    filters = Filters.parse(cats)
    out = {r["service_id"] for r in run(store, rows_for([(34.0, -97.0)] * 2), per_location=10, within_km=20,
                                          filters=filters)}
    assert ("police" in out) == filters.asks_enforcement()
    assert ("child-line" in out) == filters.asks_for_minors()
    assert "visa-office" not in out
    assert ("shelter" in out) == (not cats or cats == ["shelter"])
