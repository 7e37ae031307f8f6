"""Import from a real HSDS 3.0 API served on 127.0.0.1: paging, modified_after, retries, all-or-nothing."""

import json

import pytest

from advocate.directory.hsds_api import HttpOptions, import_api, normalize_url, parse_modified_after, retry_after
from advocate.directory.sources import get_source, list_sources
from advocate.errors import AdvocateError, InputError
from tests.directory.hsds_server import HsdsApi, allow_loopback, make_service
from tests.helpers import SHARED_HSDS, needs_shared


class Waits(list):
    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def waits():
    return Waits()


def fast(waits, **kw):
    return HttpOptions(sleep=waits, attempts=kw.pop("attempts", 4), timeout=kw.pop("timeout", 5.0), **kw)


def snapshot(store):
    """Everything an import may touch, to compare before and after."""
    out = {}
    for table in ("services", "organizations", "locations", "service_at_location", "service_categories",
                  "service_languages", "category_evidence", "sources"):
        out[table] = sorted(map(repr, store.conn.execute(f"SELECT * FROM {table}").fetchall()))
    return out


def list_requests(api, **match):
    return [r for r in api.requests if r["path"] == "/services" and all(r["query"].get(k) == v for k, v in match.items())]


def test_pages_through_every_page(store, api, waits):
    pages = []
    stats = import_api(store, api.base_url, source="t211", page_size=5, allow_http=True, http=fast(waits),
                       on_page=lambda p, total, n: pages.append((p, total, n)))
    assert stats["services_read"] == stats["imported"] + stats["updated"] + stats["rejected"] == 30
    assert stats["imported"] == 30 and stats["pages"] == 6 and stats["layout"] == "hsds-3-api"
    assert pages == [(p, 6, 5 * p) for p in range(1, 7)]
    assert stats["locations"] == 30 and stats["no_location"] == 0 and waits == []
    row = store.conn.execute("SELECT phone, hours, status FROM services WHERE id = 't211:svc-00007'").fetchone()
    assert row == ("305-555-0007", "Mon,Tue,Wed 09:00-17:00", "active")
    cats = {c for (c,) in store.conn.execute("SELECT category FROM service_categories WHERE service_id LIKE 't211:%'")}
    assert cats == {"legal-immigration"}
    src = get_source(store, "t211")
    assert src["kind"] == "api" and src["location"] == api.base_url and src["version"] == "3.0"
    assert src["publisher"] == "Test 211" and src["imported"] == 30 and src["last_pulled"] == "2026-11-01T12:00:00Z"
    assert src["options"] == {"page_size": 5, "allow_http": True}
    assert src["etag"] is None  # validators are those of an id listing, which only sync asks for
    # only paging and full were asked; a clear user agent; gzip accepted (and served)
    for r in api.requests:
        assert set(r["query"]) <= {"page", "per_page", "full", "modified_after", "minimal"}
        assert r["user_agent"].startswith("advocate/") and "gzip" in r["accept_encoding"]
    assert [r["path"] for r in api.requests] == ["/"] + ["/services"] * 6


def test_same_summary_as_a_file_import_and_a_second_pull_updates_and_inactivates(store, api, waits):
    import_api(store, api.base_url, source="t", page_size=7, allow_http=True, http=fast(waits))
    api.delete("svc-00003")
    api.touch("svc-00004", lambda s: s.update(name="Renamed"))
    stats = import_api(store, api.base_url, source="t", page_size=7, allow_http=True, http=fast(waits))
    assert stats["updated"] == 29 and stats["imported"] == 0 and stats["inactivated"] == 1
    assert store.conn.execute("SELECT status FROM services WHERE id = 't:svc-00003'").fetchone()[0] == "inactive"
    assert store.conn.execute("SELECT name FROM services WHERE id = 't:svc-00004'").fetchone()[0] == "Renamed"


def test_modified_after_reads_only_changes_and_inactivates_nothing(store, api, waits):
    import_api(store, api.base_url, source="t", page_size=10, allow_http=True, http=fast(waits))
    api.tick(3600)
    api.touch("svc-00001", lambda s: s["phones"][0].update(number="305-555-9999"))
    api.delete("svc-00002")
    stats = import_api(store, api.base_url, source="t", allow_http=True, modified_after="2026-11-01T12:30:00Z",
                       http=fast(waits))
    assert stats["services_read"] == 1 and stats["updated"] == 1 and stats["inactivated"] == 0
    assert list_requests(api, modified_after="2026-11-01T12:30:00Z")
    assert store.conn.execute("SELECT phone FROM services WHERE id = 't:svc-00001'").fetchone()[0] == "305-555-9999"
    assert store.conn.execute("SELECT count(*) FROM services WHERE source = 't' AND status = 'active'").fetchone()[0] == 30


def test_429_with_retry_after_500_truncated_and_cut_pages_are_asked_again(store, api, waits):
    api.faults = {2: ["429"], 3: ["500"], 4: ["truncate"], 5: ["cut"]}
    stats = import_api(store, api.base_url, source="t", page_size=5, allow_http=True, http=fast(waits, max_wait=30))
    assert stats["imported"] == 30 and stats["pages"] == 6
    assert waits == [7.0, 1.0, 1.0, 1.0]  # Retry-After honoured; then the backoff's first step
    # resumed at the page that failed: page 1 was asked once, each faulty page twice
    asked = [int(r["query"]["page"]) for r in list_requests(api)]
    assert asked == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]


def test_waits_are_capped_and_grow(store, api, waits):
    api.faults = {2: ["429", "500", "500"]}
    import_api(store, api.base_url, source="t", page_size=5, allow_http=True, http=fast(waits, max_wait=3))
    assert waits == [3.0, 2.0, 3.0]  # Retry-After 7 capped at 3; backoff 1, 2, 4 -> capped


def test_a_page_slower_than_the_timeout_is_asked_again(store, api, waits):
    api.slow_seconds = 1.5
    api.faults = {3: ["slow"]}
    stats = import_api(store, api.base_url, source="t", page_size=5, allow_http=True,
                       http=fast(waits, timeout=0.5))
    assert stats["imported"] == 30 and len(waits) == 1


def test_a_failure_at_any_page_leaves_the_store_as_it_was(store, api, waits):
    before = snapshot(store)
    api.faults = {4: ["500"] * 3}
    with pytest.raises(AdvocateError) as err:
        import_api(store, api.base_url, source="t", page_size=5, allow_http=True, http=fast(waits, attempts=3))
    assert "page 4" in str(err.value) and "3 tries" in str(err.value) and "500" in str(err.value)
    assert snapshot(store) == before
    # and after a good import, a failing re-pull changes nothing either
    import_api(store, api.base_url, source="t", page_size=5, allow_http=True, http=fast(waits))
    before = snapshot(store)
    api.touch("svc-00001", lambda s: s.update(name="Changed"))
    api.delete("svc-00009")
    api.slow_seconds = 1.0
    api.faults = {6: ["slow", "slow"]}
    with pytest.raises(AdvocateError, match="no answer within 0.3 seconds"):
        import_api(store, api.base_url, source="t", page_size=5, allow_http=True,
                   http=fast(waits, attempts=2, timeout=0.3))
    assert snapshot(store) == before


def test_a_list_without_nested_objects_reads_each_service(store, monkeypatch, waits):
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(12)], nested_list=False).start()
    server.strip_nested = {"svc-00005"}  # not even its own page has locations, phones...
    try:
        stats = import_api(store, server.base_url, source="t", page_size=5, allow_http=True, http=fast(waits))
    finally:
        server.stop()
    assert stats["imported"] == 12 and stats["no_location"] == 1 and stats["rejected"] == 0
    details = [r["path"] for r in server.requests if r["path"].startswith("/services/")]
    assert len(details) == 12
    row = store.conn.execute("SELECT phone, organization_id FROM services WHERE id = 't:svc-00005'").fetchone()
    assert row == (None, None)
    assert store.conn.execute("SELECT phone FROM services WHERE id = 't:svc-00006'").fetchone()[0] == "305-555-0006"


def test_dry_run_changes_nothing(store, api, waits):
    before = snapshot(store)
    stats = import_api(store, api.base_url, source="t", page_size=5, allow_http=True, dry_run=True,
                       http=fast(waits))
    assert stats["imported"] == 30 and stats["dry_run"] is True
    assert snapshot(store) == before


def test_refuses_plain_http_other_versions_and_bad_input(store, api, waits, monkeypatch):
    with pytest.raises(InputError) as err:
        import_api(store, api.base_url, source="t")
    assert err.value.field == "allow_http" and not api.requests  # refused before anything was sent
    with pytest.raises(InputError):
        normalize_url("ftp://example.org")
    with pytest.raises(InputError):
        normalize_url("https://user:secret@example.org/api")
    assert normalize_url("https://example.org/api/services/") == "https://example.org/api"
    with pytest.raises(InputError):
        import_api(store, api.base_url, allow_http=True, page_size=0)
    with pytest.raises(InputError) as err:
        parse_modified_after("last tuesday")
    assert err.value.field == "modified_after"
    assert parse_modified_after("2026-11-01") == "2026-11-01T00:00:00Z"
    assert parse_modified_after("2026-11-01T08:00:00-06:00") == "2026-11-01T14:00:00Z"
    api.version = "2.0"
    with pytest.raises(AdvocateError, match="HSDS 2.0"):
        import_api(store, api.base_url, allow_http=True, http=fast(waits))
    assert list_sources(store) == []


def test_retry_after_forms():
    assert retry_after("12") == 12.0 and retry_after(None) is None and retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait


def offline(monkeypatch):
    """As on a laptop with no connection: the name of the server does not resolve."""
    import socket

    def no_dns(*a, **kw):
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(socket, "create_connection", no_dns)


def test_unreachable_server_is_one_sentence(store, waits, monkeypatch):
    offline(monkeypatch)
    with pytest.raises(AdvocateError) as err:
        import_api(store, "https://hsds.example.invalid", http=fast(waits))
    assert "could not reach hsds.example.invalid" in str(err.value) and waits == []


# --- through the command line -------------------------------------------------------------------------------


def test_cli_import_url(cli, api):
    r = cli("services", "import", api.base_url, "--allow-http", "--source", "t211", "--page-size", "6", "-f", "json")
    assert r.exit_code == 0, r
    summary = json.loads(r.stdout)
    assert summary["services_read"] == summary["imported"] == 30 and summary["pages"] == 5
    r = cli("services", "sources", "-f", "json")
    assert r.json()[0]["kind"] == "api" and r.json()[0]["active_services"] == 30
    r = cli("services", "near", "33130", "-c", "legal-immigration", "-f", "json")
    assert any(x["source"] == "t211" for x in r.json())


def test_cli_refuses_http_without_the_flag_and_options_meant_for_urls(cli, api, tmp_path):
    r = cli("services", "import", api.base_url)
    assert r.exit_code == 2 and "--allow-http" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("services", "import", tmp_path, "--modified-after", "2026-01-01")
    assert r.exit_code == 2 and "--modified-after" in r.stderr


def test_cli_no_network_is_one_sentence_and_exit_1(cli, monkeypatch):
    assert cli("services", "sources").exit_code == 0  # the store exists (its creation says so on stderr)
    offline(monkeypatch)
    r = cli("services", "import", "https://api.example.org/hsds")
    assert r.exit_code == 1, r
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not reach api.example.org" in lines[0] and "Traceback" not in r.stderr
    r = cli("--lang", "es", "services", "import", "https://api.example.org/hsds")
    assert r.exit_code == 1 and "no se pudo" in r.stderr.lower()


# --- real exports served as API pages ---------------------------------------------------------------------


@needs_shared
def test_real_exports_served_as_api_pages_import_like_the_files(store, tmp_path, monkeypatch, waits, db_path):
    """open211-miami imported from its files, exported as HSDS 3.0 JSON, served as pages: the API import
    gives the same services, phones, places and categories as the file import it came from. The HSDS 3.0
    examples' service_full.json is served as a page too."""
    from advocate.directory.export import export_directory
    from advocate.directory.hsds import import_directory
    from advocate.workspace import open_store

    import_directory(store, SHARED_HSDS / "open211-miami-2019", source="files")
    export_directory(store, tmp_path / "out", fmt="json", source="files")
    objects = json.loads((tmp_path / "out" / "services.json").read_text(encoding="utf-8"))
    examples = json.loads((SHARED_HSDS / "hsds-3.0-examples" / "json" / "service_full.json").read_text(encoding="utf-8"))
    allow_loopback(monkeypatch)
    server = HsdsApi(objects + [examples]).start()
    other = open_store(tmp_path / "other.db")
    try:
        stats = import_api(other, server.base_url, source="api", page_size=400, allow_http=True, http=fast(waits))
    finally:
        server.stop()
    assert stats["pages"] >= 5 and stats["services_read"] == len(objects) + 1 == stats["imported"] + stats["rejected"]

    def facts(s, source):
        return sorted(s.conn.execute(
            "SELECT s.name, coalesce(s.phone, ''), coalesce(s.hours, ''), coalesce(l.postal_code, ''),"
            " (SELECT group_concat(category) FROM (SELECT category FROM service_categories c"
            "  WHERE c.service_id = s.id ORDER BY category)) FROM services s"
            " LEFT JOIN service_at_location sal ON sal.service_id = s.id LEFT JOIN locations l ON l.id = sal.location_id"
            " WHERE s.source = ? AND s.status = 'active'", (source,)).fetchall())

    from_api = facts(other, "api")
    from_files = facts(store, "files")
    assert len(from_files) == len(objects)
    assert [f for f in from_files if f not in from_api] == []
    assert any(name == "Community Counselling" for name, *_rest in from_api)  # the 3.0 example
    other.close()


# --- parsers ------------------------------------------------------------------------------------------------

from datetime import UTC, datetime, timedelta, timezone  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
       st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_modified_after_is_the_same_instant_in_utc(moment, offset_min):
    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_min)))
    text = parse_modified_after(aware.isoformat())
    assert datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) == aware
    assert parse_modified_after(text) == text  # stable


@given(st.text(max_size=40))
def test_any_header_text_gives_a_wait_or_none(text):
    wait = retry_after(text)
    assert wait is None or wait >= 0


@given(st.text(max_size=60))
def test_any_address_is_taken_or_refused_in_one_sentence(text):
    try:
        url = normalize_url(text, allow_http=True)
    except InputError as exc:
        assert exc.field in ("url", "allow_http") and "\n" not in str(exc)
    else:
        assert url.startswith(("http://", "https://"))


# --- servers that number pages from 0 ----------------------------------------------------------------------


@pytest.mark.parametrize("page_size, pages", [(5, 6), (7, 5), (50, 1)])
def test_a_server_counting_pages_from_zero_is_read_whole(store, monkeypatch, waits, page_size, pages):
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(30)], first_page=0).start()
    seen = []
    try:
        stats = import_api(store, server.base_url, source="z", page_size=page_size, allow_http=True,
                           http=fast(waits), on_page=lambda p, total, n: seen.append((p, n)))
    finally:
        server.stop()
    assert stats["imported"] == 30 and stats["pages"] == pages and stats["inactivated"] == 0
    assert [p for p, _n in seen] == list(range(1, pages + 1)) and seen[-1][1] == 30
    # page 1 said it was not the first (or was empty with 30 services listed): page 0, then on from 1
    asked = [int(r["query"]["page"]) for r in list_requests(server)]
    assert asked == [1, *range(pages)]


def test_a_zero_based_server_does_not_empty_the_source_on_a_second_pull(store, monkeypatch, waits):
    """Before paging from 0 was noticed, a one-page answer read as empty made a re-pull inactivate everything."""
    allow_loopback(monkeypatch)
    server = HsdsApi([make_service(i) for i in range(8)], first_page=0).start()
    try:
        import_api(store, server.base_url, source="z", page_size=50, allow_http=True, http=fast(waits))
        server.delete("svc-00001")
        stats = import_api(store, server.base_url, source="z", page_size=50, allow_http=True, http=fast(waits))
    finally:
        server.stop()
    assert stats["updated"] == 7 and stats["inactivated"] == 1


def test_page_numbering_from_one_is_not_second_guessed(store, api, waits):
    import_api(store, api.base_url, source="t", page_size=30, allow_http=True, http=fast(waits))
    assert [int(r["query"]["page"]) for r in list_requests(api)] == [1]
