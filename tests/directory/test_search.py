import pytest

from advocate.directory.search import Filters, get_service, services_near
from advocate.directory.vocab import language_family, normalize_category, normalize_language, parse_language_text
from advocate.errors import InputError, NotFound
from advocate.geo.resolve import Place
from tests.helpers import put_service


def place(lat, lon, country="US"):
    return Place("test", lat, lon, "test", "coordinates", "input", country=country)


def test_nearest_first_ties_by_name(store):
    put_service(store, "far", 40.5, -100.0)
    put_service(store, "b-near", 40.01, -100.0)
    put_service(store, "a-near", 40.01, -100.0)
    rows = services_near(store, place(40.0, -100.0), within_km=200, national=False)
    assert [r["id"] for r in rows] == ["a-near", "b-near", "far"]
    assert rows[0]["distance_km"] == pytest.approx(1.11, abs=0.01)
    assert rows[0]["distance_mi"] == pytest.approx(0.69, abs=0.01)


def test_search_widens_until_it_has_enough(store):
    for i in range(5):
        put_service(store, f"s{i}", 40.0 + 0.3 * (i + 1), -100.0)
    rows = services_near(store, place(40.0, -100.0), within_km=500, limit=5, national=False)
    assert len(rows) == 5
    rows = services_near(store, place(40.0, -100.0), within_km=50, limit=5, national=False)
    assert [r["id"] for r in rows] == ["s0"]


def test_category_and_language_filters(store):
    put_service(store, "legal-mix", 40.01, -100.0, cats=("legal-immigration",), staff=("mxt",))
    put_service(store, "legal-eng", 40.02, -100.0, cats=("legal-immigration",), staff=("eng",), interp=("zai",))
    put_service(store, "shelter-mix", 40.03, -100.0, cats=("shelter",), staff=("mixtec",))
    f = Filters.parse(["legal-immigration"], ["mixtec"])
    assert [r["id"] for r in services_near(store, place(40, -100), filters=f, national=False)] == ["legal-mix"]
    f = Filters.parse([], ["mxt"])  # a variant also matches "mixtec, variant unknown"
    assert {r["id"] for r in services_near(store, place(40, -100), filters=f, national=False)} == {"legal-mix", "shelter-mix"}
    f = Filters.parse([], ["zap"])
    assert [r["id"] for r in services_near(store, place(40, -100), filters=f, national=False)] == ["legal-eng"]
    f = Filters.parse([], ["zap"], staff_only=True)
    assert services_near(store, place(40, -100), filters=f, national=False) == []


def test_national_rows_follow_local_and_match_filters(store):
    put_service(store, "x", 40.01, -100.0, cats=("consular",))
    rows = services_near(store, place(40.0, -100.0), filters=Filters.parse(["consular"]))
    scopes = [r["scope"] for r in rows]
    assert scopes[0] == "local" and "national" in scopes
    assert scopes == sorted(scopes, key=lambda s: s != "local")
    assert all("consular" in r["categories"] for r in rows)
    assert all(r["distance_km"] is None for r in rows if r["scope"] == "national")


def test_iso_639_1_and_3_are_the_same():
    assert normalize_language("es") == normalize_language("spa") == normalize_language("Spanish") == "spa"
    assert normalize_language("mixteco") == "mixtec"
    assert {"mxt", "mix", "mig"} <= language_family("mixtec")
    assert "zai" in language_family("zap")
    with pytest.raises(InputError):
        normalize_language("klingonish")


def test_free_text_languages():
    codes, rest = parse_language_text("Spanish, Creole; ASL (by appointment) and Mixteco, some staff")
    assert codes == ["spa", "hat", "ase", "mixtec"]
    assert rest == ["some staff"]


def test_categories_accept_spanish_labels():
    assert normalize_category("Albergue de emergencia") == "shelter"
    assert normalize_category("consulado") == "consular"
    with pytest.raises(InputError):
        normalize_category("spaceport")


def test_language_table_has_indigenous_languages():
    from advocate.directory.vocab import languages

    table = languages()
    indigenous = [r for r in table.values() if ("MX" in r["countries"] or "GT" in r["countries"])
                  and r["code"] not in ("spa", "mfs", "gsm")]
    # one per language: a variant counts for its group (Mixtec, Zapotec...), each Mayan language for itself
    distinct = {r["code"] if r["parent"] in ("", "myn") else r["parent"] for r in indigenous} - {"myn"}
    assert len(distinct) >= 20
    assert table["nah"]["scope"] == "collective"
    assert table["mixtec"]["scope"] == "group"


def test_show_accepts_short_bundled_ids(store):
    row = get_service(store, "us-988")
    assert row["phone"] == "988"
    with pytest.raises(NotFound):
        get_service(store, "nope")


def test_stale_records_are_flagged(store):
    put_service(store, "old", 40.0, -100.0)
    with store.write():
        store.conn.execute("UPDATE services SET last_verified = '2020-01-01' WHERE id = 'old'")
    assert services_near(store, place(40, -100), national=False)[0]["stale"] is True


def test_rtree_search_matches_brute_force(store):
    import random

    from advocate.directory.search import nearest_ids
    from advocate.geo.distance import haversine_km

    rnd = random.Random(4)
    pts = [(f"p{i}", rnd.uniform(30, 40), rnd.uniform(-110, -95)) for i in range(400)]
    for sid, lat, lon in pts:
        put_service(store, sid, lat, lon)
    with store.write():  # an inactive service never shows, however close
        store.conn.execute("UPDATE services SET status = 'inactive' WHERE id = 'p0'")
    pts = store.conn.execute(  # every active located service, the bundled consulates included
        """SELECT s.id, l.latitude, l.longitude FROM services s JOIN service_at_location sal ON sal.service_id = s.id
           JOIN locations l ON l.id = sal.location_id WHERE s.status = 'active' AND l.latitude IS NOT NULL""").fetchall()
    for _ in range(30):
        lat, lon = rnd.uniform(30, 40), rnd.uniform(-110, -95)
        got = nearest_ids(store.conn, lat, lon, 300.0, 7, Filters())
        want = sorted((haversine_km(lat, lon, a, b), sid) for sid, a, b in pts if sid != "p0")
        want = [w for w in want if w[0] <= 300.0][:7]
        assert [g[1] for g in got] == [w[1] for w in want]
        assert all(abs(g[0] - w[0]) < 0.01 for g, w in zip(got, want, strict=False))


# --- issue 17: the row every lookup returns is the ServiceRow its signature says -------------------------

def conforms(value, hint) -> bool:
    """``value`` fits the type hint (unions, list[...], TypedDicts; Any and plain classes by isinstance)."""
    import types
    import typing

    origin = typing.get_origin(hint)
    if hint is typing.Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, h) for h in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(conforms(v, item) for v in value)
    if typing.is_typeddict(hint):
        return isinstance(value, dict) and typed_dict_problems(value, hint) == []
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint)


def typed_dict_problems(row: dict, kind) -> list[str]:
    import typing

    hints = typing.get_type_hints(kind, include_extras=True)
    optional = {k for k, h in hints.items() if typing.get_origin(h) is typing.NotRequired} | kind.__optional_keys__
    hints = typing.get_type_hints(kind)
    # (read from the hints: with postponed annotations, __required_keys__ does not see NotRequired)
    problems = [f"missing {k}" for k in hints if k not in optional and k not in row]
    problems += [f"unknown key {k}" for k in row if k not in hints]
    problems += [f"{k}={row[k]!r} is not {hints[k]}" for k in row if k in hints and not conforms(row[k], hints[k])]
    return problems


def test_every_lookup_returns_service_rows(store):
    from advocate.directory.search import ROW_FIELDS, ServiceRow, fetch_services, search_services

    put_service(store, "near-one", 40.01, -100.0, cats=("consular",), interp=("spa",), name="Consulado de prueba")
    rows = services_near(store, place(40.0, -100.0), filters=Filters.parse(["consular"]))
    rows += search_services(store, "consulado", near=place(40.0, -100.0))
    rows.append(get_service(store, "near-one"))
    rows.append(get_service(store, "us-988"))
    rows += fetch_services(store, [sid for (sid,) in store.conn.execute("SELECT id FROM services")])  # all bundled
    assert {r["scope"] for r in rows} == {"local", "national"} and any(r["lines"] for r in rows)
    assert any("locations" in r for r in rows) and any("matched" in r for r in rows)
    for row in rows:
        assert typed_dict_problems(row, ServiceRow) == [], row["id"]
        # the keys in the order the machine formats print them
        assert list(row)[:len(ROW_FIELDS) + 2] == [*ROW_FIELDS, "description", "description_es"]


def test_the_row_check_sees_a_wrong_row():
    from advocate.directory.search import ServiceRow

    assert typed_dict_problems({"id": "x", "stale": "no", "extra": 1}, ServiceRow)[-2:] == [
        "unknown key extra", "stale='no' is not <class 'bool'>"]


# --- issue 16: the "never offered unasked" sets, read once per store state --------------------------------------

def _hidden_mix(store):
    """Services near (40, -100) of every kind a lookup hides unasked, and their plain neighbours."""
    put_service(store, "police-only", 40.001, -100.0, cats=("law-enforcement",))
    put_service(store, "detention-only", 40.002, -100.0, cats=("detention", "law-enforcement"))
    put_service(store, "police-and-shelter", 40.003, -100.0, cats=("law-enforcement", "shelter"))
    put_service(store, "child-line", 40.004, -100.0, cats=("youth",))
    put_service(store, "visa-office", 40.005, -100.0, cats=("legal-immigration",))
    put_service(store, "shelter", 40.006, -100.0, cats=("shelter",))
    with store.write():
        store.conn.execute("UPDATE services SET for_minors = 1 WHERE id = 'child-line'")
        store.conn.execute("UPDATE services SET only_when_asked = 1 WHERE id = 'visa-office'")


@pytest.mark.parametrize("cats", [[], ["shelter"], ["law-enforcement"], ["detention"], ["youth"],
                                  ["legal-immigration"], ["youth", "law-enforcement"]])
def test_hidden_dropped_in_python_as_sql_drops_them(store, cats):
    """services_near drops the hidden services itself, from sets kept between lookups; the answer is the one
    the SQL clause gives (batch still uses it)."""
    from advocate.directory.search import hidden_ids, nearest_ids

    _hidden_mix(store)
    f = Filters.parse(cats)
    by_sql = nearest_ids(store.conn, 40.0, -100.0, 50.0, 20, f)
    by_set = nearest_ids(store.conn, 40.0, -100.0, 50.0, 20, f, hidden_ids(store, f))
    assert by_set == by_sql and by_sql
    shown = {sid for _d, sid, _l in by_sql}
    assert bool(shown & {"police-only", "detention-only"}) == f.asks_enforcement()
    assert ("child-line" in shown) == f.asks_for_minors()
    assert "visa-office" in shown if "legal-immigration" in cats else "visa-office" not in shown


def test_hidden_sets_kept_between_lookups_follow_every_change(store, db_path):
    """A service newly marked law-enforcement-only disappears from the next default lookup, whether the change
    was made on this connection or committed by another; a change rolled back leaves nothing behind."""
    import sqlite3

    _hidden_mix(store)

    def shown():
        return {r["id"] for r in services_near(store, place(40.0, -100.0), within_km=50, limit=20, national=False)}

    assert "shelter" in shown() and "police-only" not in shown()
    with store.write():
        store.conn.execute("UPDATE service_categories SET category = 'law-enforcement' WHERE service_id = 'shelter'")
    assert "shelter" not in shown()
    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE service_categories SET category = 'shelter' WHERE service_id = 'police-only'")
    other.close()
    assert "police-only" in shown()
    # read inside a transaction that is then rolled back: nothing read there is kept
    store.conn.execute("BEGIN")
    store.conn.execute("UPDATE service_categories SET category = 'law-enforcement' WHERE service_id = 'police-only'")
    assert "police-only" not in shown()
    store.conn.execute("ROLLBACK")
    assert "police-only" in shown()
    store.conn.execute("BEGIN")
    store.conn.execute("UPDATE services SET for_minors = 0 WHERE id = 'child-line'")
    assert "child-line" in shown()
    store.conn.execute("ROLLBACK")
    assert "child-line" not in shown()


@pytest.mark.parametrize("when", ["nearest_ids", "fetch_services"])
def test_a_lookup_is_one_snapshot_whatever_another_process_commits(store, db_path, monkeypatch, when):
    """Another process commits while a lookup runs (an import in another terminal): a new law-enforcement-only
    service, and a shelter turned law-enforcement-only, between the lookup's queries. The lookup answers from
    the store as it was when it began, so neither is shown."""
    import sqlite3

    import advocate.directory.search as search

    _hidden_mix(store)
    assert "shelter" in {r["id"] for r in services_near(store, place(40.0, -100.0), within_km=50, limit=20,
                                                         national=False)}  # the sets are kept now
    real = getattr(search, when)
    done = []

    def commit_elsewhere_first(*args, **kwargs):
        if not done:
            done.append(True)
            other = sqlite3.connect(db_path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO services (id, name, source, source_id) VALUES ('new-police', 'P', 't', 'p')")
            other.execute("INSERT INTO locations (id, latitude, longitude) VALUES ('Lnew-police', 40.0, -100.0)")
            other.execute("INSERT INTO service_at_location (service_id, location_id) VALUES ('new-police', 'Lnew-police')")
            other.execute("INSERT INTO service_categories VALUES ('new-police', 'law-enforcement')")
            other.execute("UPDATE service_categories SET category = 'law-enforcement' WHERE service_id = 'shelter'")
            other.execute("COMMIT")
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(search, when, commit_elsewhere_first)
    rows = services_near(store, place(40.0, -100.0), within_km=50, limit=20, national=False)
    shown = {r["id"] for r in rows}
    assert done and "new-police" not in shown
    assert "shelter" in shown  # as it was when the lookup began, a shelter
    assert all(set(r["categories"]) - {"law-enforcement", "detention"} for r in rows)
    monkeypatch.setattr(search, when, real)
    shown = {r["id"] for r in services_near(store, place(40.0, -100.0), within_km=50, limit=20, national=False)}
    assert not shown & {"new-police", "shelter"}  # the next lookup sees the commit


def test_kept_sets_follow_a_table_rebuilt_on_this_connection(store):
    """A table rebuilt by DDL on the lookup's own connection (a migration, a script using the library) moves
    neither data_version nor total_changes: the kept sets follow the schema's version too."""
    _hidden_mix(store)

    def shown():
        return {r["id"] for r in services_near(store, place(40.0, -100.0), within_km=50, limit=20, national=False)}

    assert "shelter" in shown()
    store.conn.executescript("DROP INDEX services_only_when_asked; ALTER TABLE services DROP COLUMN only_when_asked;"
                             " ALTER TABLE services ADD COLUMN only_when_asked INTEGER NOT NULL DEFAULT 1")
    assert "shelter" not in shown()


@pytest.mark.parametrize("lookup", ["national", "search"])
def test_national_rows_and_search_are_one_snapshot_too(store, db_path, monkeypatch, lookup):
    """`national_services` (the appointment card's and the emergency checklist's numbers) and `search_services`
    read the ids, then the rows: a line another process turns law-enforcement-only in between is not shown as
    one (a reviewer's finding once services_near was one snapshot)."""
    import sqlite3

    import advocate.directory.national as national
    import advocate.directory.search as search
    from advocate.directory.national import national_services
    from advocate.directory.search import search_services

    module = national if lookup == "national" else search
    real = module.fetch_services
    done = []

    def commit_elsewhere_first(st, ids, **kwargs):
        if ids and not done:
            done.append(ids[0])
            other = sqlite3.connect(db_path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("DELETE FROM service_categories WHERE service_id = ?", (ids[0],))
            other.execute("INSERT INTO service_categories VALUES (?, 'law-enforcement')", (ids[0],))
            other.execute("COMMIT")
            other.close()
        return real(st, ids, **kwargs)

    monkeypatch.setattr(module, "fetch_services", commit_elsewhere_first)
    rows = (national_services(store, Filters(), place_country="US") if lookup == "national"
            else search_services(store, "trafficking"))
    assert done and rows
    assert all(set(r["categories"]) - {"law-enforcement", "detention"} for r in rows)


def test_kept_sets_follow_a_new_connection(store, db_path):
    """A store whose connection is replaced (a script reopening it) reads the sets again, even when the new
    connection's figures (data version, changes) are those of the old one at the same address."""
    import sqlite3

    from advocate.directory.search import hidden_ids
    from advocate.store import _connect

    _hidden_mix(store)
    assert "shelter" not in hidden_ids(store, Filters())
    store.conn.close()
    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE services SET for_minors = 1 WHERE id = 'shelter'")
    other.close()
    store.conn = _connect(db_path)
    assert "shelter" in hidden_ids(store, Filters())
