"""`services sync`: each remembered source pulled again, and exactly the changes made reported."""

import json
import shutil

import pytest

from advocate.directory.hsds import import_directory
from advocate.directory.hsds_api import HttpOptions, import_api
from advocate.directory.sources import get_source, record_source
from advocate.directory.sync import Pending, SyncOptions, register_puller, snapshot, sync
from advocate.errors import NotFound
from tests.directory.hsds_server import HsdsApi, allow_loopback, make_service
from tests.helpers import FIX


def opts(**kw):
    return SyncOptions(http=HttpOptions(sleep=lambda s: None, attempts=kw.pop("attempts", 3), timeout=5.0), **kw)


def state(store):
    out = {}
    for table in ("services", "locations", "service_at_location", "service_categories", "service_languages",
                  "sources"):
        out[table] = sorted(map(repr, store.conn.execute(f"SELECT * FROM {table}").fetchall()))
    return out


def edit_server(api):
    """Six changes on the server between two pulls."""
    api.tick(3600)
    api.touch("svc-00001", lambda s: s["phones"][0].update(number="305-555-1111"))
    api.touch("svc-00002", lambda s: s["service_at_locations"][0]["location"]["addresses"][0].update(
        address_1="200 New Street"))
    api.touch("svc-00003", lambda s: s["schedules"][0].update(closes_at="19:00"))
    api.touch("svc-00004", lambda s: s["languages"].append({"id": "la-x", "name": "Mixteco", "code": "mix"}))
    api.put(make_service(100))
    api.delete("svc-00005")


def pulled_first(store, api):
    api.tick(60)  # the first pull happens a minute after the services were last changed
    import_api(store, api.base_url, source="county", page_size=5, allow_http=True,
               http=HttpOptions(sleep=lambda s: None))
    api.requests.clear()


def test_sync_reports_exactly_the_changes_made_on_the_server(store, api):
    pulled_first(store, api)
    first = get_source(store, "county")
    edit_server(api)
    [report] = sync(store, options=opts())
    assert report["status"] == "changed" and (report["new"], report["updated"], report["inactivated"]) == (1, 4, 1)
    got = {(c["source_id"], c["change"], tuple(c["fields"])) for c in report["changes"]}
    assert got == {("svc-00100", "new", ()), ("svc-00001", "updated", ("phone",)),
                   ("svc-00002", "updated", ("address",)), ("svc-00003", "updated", ("hours",)),
                   ("svc-00004", "updated", ("languages",)), ("svc-00005", "inactivated", ())}
    # only what changed since the last pull (the server's clock), and the id listing
    changed = [r for r in api.requests if r["query"].get("modified_after")]
    assert changed and all(r["query"]["modified_after"] == first["last_pulled"] for r in changed)
    assert any(r["query"].get("minimal") == "true" for r in api.requests)
    assert store.conn.execute("SELECT phone FROM services WHERE id = 'county:svc-00001'").fetchone()[0] == "305-555-1111"
    assert store.conn.execute("SELECT status FROM services WHERE id = 'county:svc-00005'").fetchone()[0] == "inactive"
    src = get_source(store, "county")
    assert src["last_pulled"] == "2026-11-01T13:01:00Z" and src["services_read"] == 5
    assert src["options"] == {**first["options"], "listing_dated": True}  # kept, and the listing dated each id
    # pulled again with nothing new: nothing reported
    [again] = sync(store, options=opts())
    assert again["status"] == "unchanged" and again["changes"] == []


def test_dry_run_shows_the_changes_and_keeps_nothing(store, api):
    pulled_first(store, api)
    edit_server(api)
    before = state(store)
    [report] = sync(store, ["county"], dry_run=True, options=opts())
    assert (report["new"], report["updated"], report["inactivated"]) == (1, 4, 1) and report["dry_run"]
    assert state(store) == before
    [report] = sync(store, ["county"], options=opts())  # the same changes, now applied
    assert (report["new"], report["updated"], report["inactivated"]) == (1, 4, 1)


def test_a_failing_source_is_left_as_it_was_and_the_others_go_on(store, api, tmp_path):
    pulled_first(store, api)
    folder = tmp_path / "la"
    shutil.copytree(FIX / "hsds-3.0", folder)
    import_directory(store, folder, source="la")
    (folder / "services.csv").write_text((folder / "services.csv").read_text(encoding="utf-8").replace(
        "Asesoría migratoria", "Asesoría migratoria gratuita"), encoding="utf-8")
    edit_server(api)
    api.faults = {1: ["500"] * 3}
    before = snapshot(store, "county")
    reports = {r["source"]: r for r in sync(store, options=opts())}
    assert reports["county"]["status"] == "failed" and "500" in reports["county"]["error"]
    assert snapshot(store, "county") == before
    assert reports["la"]["status"] == "changed"
    assert [(c["source_id"], c["fields"]) for c in reports["la"]["changes"]] == [("s1", ["name"])]


def test_a_server_without_minimal_is_listed_through_its_pages(store, monkeypatch):
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(12)], supports_minimal=False).start()
    try:
        import_api(store, server.base_url, source="s", page_size=5, allow_http=True,
                   http=HttpOptions(sleep=lambda s: None))
        server.tick()
        server.delete("svc-00003")
        [report] = sync(store, options=opts())
    finally:
        server.stop()
    assert [(c["source_id"], c["change"]) for c in report["changes"]] == [("svc-00003", "inactivated")]


def test_file_sources_sync_when_their_content_changed(store, tmp_path):
    folder = tmp_path / "la"
    shutil.copytree(FIX / "hsds-3.0", folder)
    import_directory(store, folder, source="la")
    [report] = sync(store, options=opts())
    assert report["status"] == "unchanged" and report["unchanged_since"] == get_source(store, "la")["last_pulled"]
    sched = folder / "schedules.csv"
    sched.write_text(sched.read_text(encoding="utf-8").replace("17:00", "18:00"), encoding="utf-8")
    [report] = sync(store, options=opts())
    assert [(c["source_id"], c["change"], c["fields"]) for c in report["changes"]] == [("s1", "updated", ["hours"])]
    shutil.rmtree(folder)
    [report] = sync(store, options=opts())
    assert report["status"] == "failed" and "no longer there" in report["error"]
    with pytest.raises(NotFound):
        sync(store, ["nope"])


def test_a_new_kind_plugs_in_through_the_registry(store):
    """What a spreadsheet source does: register a puller for its kind; sync reports what its apply changed."""
    import_directory(store, FIX / "hsds-3.0", source="team")
    with store.write():
        record_source(store, name="team", kind="sheet", location="/x/team.xlsx", layout="sheet-test",
                      options={"sheet": "Hoja1"})
    seen = {}

    @register_puller("sheet", "sheet-test")
    def pull(store_, source, options):
        seen["options"] = source["options"]
        return Pending(apply=lambda: store_.conn.execute(
            "UPDATE services SET phone = '305-555-0000' WHERE id = 'team:s1'") and {})

    [report] = sync(store, ["team"])
    assert seen["options"] == {"sheet": "Hoja1"}
    assert [(c["source_id"], c["fields"]) for c in report["changes"]] == [("s1", ["phone"])]


def test_nothing_to_sync(store):
    with pytest.raises(NotFound):
        sync(store)


def test_cli_sync(cli, api):
    api.tick(60)
    r = cli("services", "import", api.base_url, "--allow-http", "--source", "county", "--page-size", "10")
    assert r.exit_code == 0, r
    edit_server(api)
    r = cli("services", "sync", "--dry-run", "-f", "json")
    assert r.exit_code == 0, r
    [report] = json.loads(r.stdout)
    assert (report["new"], report["updated"], report["inactivated"]) == (1, 4, 1)
    r = cli("services", "sync")
    assert r.exit_code == 0, r
    assert "svc-00001" in r.stdout and "Phone" in r.stdout and "inactivated" in r.stdout
    assert "county: 1 new, 4 updated, 1 inactivated." in r.stderr
    r = cli("--lang", "es", "services", "sync")
    assert r.exit_code == 0 and "county: sin cambios desde 2026-11-01 13:01 UTC." in r.stderr
    api.tick()
    api.touch("svc-00006", lambda s: s.update(name="Changed"))
    api.faults = {1: ["500"] * 5}
    r = cli("services", "sync", "--timeout", "1")
    assert r.exit_code == 1 and "county: failed, left as it was" in r.stderr


# --- conditional listings: an unchanged API is not read again ----------------------------------------------


def listing_requests(api):
    return [r for r in api.requests if r["path"] == "/services" and r["query"].get("minimal") == "true"]


def test_an_unchanged_api_answers_304_and_is_not_read_again(store, api):
    pulled_first(store, api)
    edit_server(api)
    sync(store, options=opts())  # the first sync keeps the listing's validators
    src = get_source(store, "county")
    assert src["etag"] and src["last_modified"] and src["options"]["listing_dated"] is True
    before = state(store)
    api.requests.clear()
    api.tick(3600)
    [report] = sync(store, options=opts())
    assert report["status"] == "unchanged" and report["changes"] == []
    assert report["unchanged_since"] == src["last_pulled"] == "2026-11-01T13:01:00Z"
    [listing] = listing_requests(api)
    assert listing["if_none_match"] == src["etag"] and listing["if_modified_since"] == src["last_modified"]
    # the listing dated each id and did not change: no page of services was asked for, nothing was written
    assert [r["path"] for r in api.requests] == ["/", "/services"]
    assert state(store) == before
    # one edit on the server: the listing changes (its dates), the edit is read and reported
    api.touch("svc-00007", lambda s: s.update(name="Renamed service"))
    [report] = sync(store, options=opts())
    assert [(c["source_id"], c["change"], c["fields"]) for c in report["changes"]] == [
        ("svc-00007", "updated", ["name"])]
    assert get_source(store, "county")["etag"] != src["etag"]
    # a deletion changes the listing too
    api.tick()
    api.delete("svc-00008")
    [report] = sync(store, options=opts())
    assert [(c["source_id"], c["change"]) for c in report["changes"]] == [("svc-00008", "inactivated")]


def test_an_undated_listing_unchanged_still_reads_what_was_modified(store, monkeypatch):
    """A listing of bare ids says nothing about edits: on its 304 nothing disappeared, and the services
    modified since the last pull are still asked for (and none is inactivated)."""
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(12)], minimal_dated=False).start()
    try:
        pulled_first(store, server)
        sync(store, options=opts())
        assert get_source(store, "county")["options"]["listing_dated"] is False
        server.tick()
        server.requests.clear()
        [report] = sync(store, options=opts())  # nothing changed: 304, then one empty page of changes
        assert report["status"] == "unchanged" and report["unchanged_since"]
        assert [r["query"].get("minimal") or r["query"].get("modified_after") for r in server.requests[1:]] == [
            "true", get_source(store, "county")["last_pulled"]]
        server.tick()
        server.touch("svc-00002", lambda s: s["phones"][0].update(number="305-555-2222"))
        server.requests.clear()
        [report] = sync(store, options=opts())
        assert listing_requests(server)[0]["if_none_match"]  # asked conditionally; the ids did not change
        assert [(c["source_id"], c["change"], c["fields"]) for c in report["changes"]] == [
            ("svc-00002", "updated", ["phone"])]
        assert store.conn.execute("SELECT count(*) FROM services WHERE source = 'county' AND status = 'active'"
                                  ).fetchone()[0] == 12
    finally:
        server.stop()


def test_validators_of_a_paged_listing_are_not_kept_and_force_or_a_plain_server_skip_them(store, monkeypatch):
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(12)], supports_minimal=False, max_per_page=5).start()
    try:
        pulled_first(store, server)
        sync(store, options=opts())
        # the listing took three pages: page 1's validators vouch for page 1 only, so none are kept
        assert get_source(store, "county")["etag"] is None
        server.supports_minimal = True
        sync(store, options=opts())
        assert get_source(store, "county")["etag"]
        server.requests.clear()
        server.tick()
        [report] = sync(store, options=opts(force=True))  # --force: asked without validators, read again
        assert listing_requests(server)[0]["if_none_match"] is None and report["status"] == "unchanged"
        assert "unchanged_since" not in report
        server.conditional = False  # a server that ignores validators: answered in full, read as before
        server.tick()
        server.touch("svc-00001", lambda s: s.update(name="Otro nombre"))
        [report] = sync(store, options=opts())
        assert [(c["source_id"], c["fields"]) for c in report["changes"]] == [("svc-00001", ["name"])]
    finally:
        server.stop()
