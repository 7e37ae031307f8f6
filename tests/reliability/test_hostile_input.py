"""Hypothesis throws hostile arguments and files at the commands: never a traceback, never exit 0
on failure, and the store unchanged after a failure."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import check_failure, store_digest

hostile_text = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", " ", "\x00", "\x1b[31mred", "[bold]x[/bold]", "=cmd|' /C calc'!A0", "-1", "9" * 50,
                     "C-0000000", "2026-02-30 10:00", "../../etc/passwd", "Robert'); DROP TABLE clients;--",
                     "Oaxaca\u202eevil", "१२३४५"]),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(hostile_text, hostile_text, hostile_text)
def test_services_near(cli, where, cat, lang):
    args = ["services", "near", where]
    if cat:
        args += ["-c", cat]
    if lang:
        args += ["-l", lang]
    check_failure(cli(*args))


@SETTINGS
@given(hostile_text)
def test_places_resolve(cli, text):
    check_failure(cli("places", "resolve", text))


@SETTINGS
@given(hostile_text, hostile_text, hostile_text, st.one_of(st.integers(-5, 3000), st.just(None)), hostile_text)
def test_appointment_log_leaves_store_unchanged_on_failure(cli, db_path, code, when, kind, duration, tz):
    cli("db", "init")
    before = store_digest(db_path)
    args = ["appt", "log", "--client", code or "x", "--when", when or "x", "--type", kind or "x"]
    if duration is not None:
        args += ["--duration", str(duration)]
    if tz:
        args += ["--tz", tz]
    r = cli(*args)
    check_failure(r)
    assert r.exit_code != 0  # no valid client code can come out of these strategies
    assert store_digest(db_path) == before


@SETTINGS
@given(st.binary(max_size=2000))
def test_imports_of_garbage_files(cli, db_path, tmp_path_factory, blob):
    cli("db", "init")
    before = store_digest(db_path)
    folder = tmp_path_factory.mktemp("garbage")
    (folder / "services.csv").write_bytes(b"id,name\n" + blob)
    r = cli("services", "import", folder, "-f", "json")
    check_failure(r)
    if r.exit_code != 0:
        assert store_digest(db_path) == before


@SETTINGS
@given(hostile_text, hostile_text)
def test_report_and_checklist(cli, month, name):
    check_failure(cli("report", "--month", month))
    check_failure(cli("checklist", "show", name or "x", "--lang", "es"))


def test_huge_field_and_nul_bytes(cli, tmp_path):
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "services.csv").write_bytes(b"id,name,description\n1,Big," + b"x" * 3_000_000 + b"\n2,N\x00ul,d\n")
    r = cli("services", "import", folder, "-f", "json")
    check_failure(r)
    assert r.exit_code == 0 and r.json()["imported"] == 2


def test_markup_and_escapes_from_data_are_printed_literally(cli, tmp_path):
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name,description\n1,[red]Evil[/red] \x1b[2J Shelter,=HYPERLINK(\"x\")\n")
    (folder / "locations.csv").write_text("id,latitude,longitude\n1,40.75,-73.99\n")
    (folder / "service_at_location.csv").write_text("id,service_id,location_id\n1,1,1\n")
    assert cli("services", "import", folder).exit_code == 0
    r = cli("services", "near", "10001", "--no-national")
    assert "[red]Evil[/red]" in r.stdout and "\x1b" not in r.stdout
    r = cli("services", "near", "10001", "--no-national", "-f", "csv")
    import csv
    import io

    cells = [c for row in csv.reader(io.StringIO(r.stdout)) for c in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "@")]
    r = cli("services", "export", tmp_path / "out")
    assert (tmp_path / "out" / "services.csv").read_text().count("'=HYPERLINK") == 1
