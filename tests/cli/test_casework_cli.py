"""The issue's acceptance script: a week of appointments for three clients, no prompts."""

import csv
import io

from icalendar import Calendar


def test_week_for_three_clients(cli, tmp_path):
    codes = [cli("clients", "new", "-f", "json").json()["code"] for _ in range(3)]
    plan = [(0, "2026-12-01 09:00", "court"), (1, "2026-12-02 10:00", "medical"), (2, "2026-12-03 11:00", "consulate"),
            (0, "2026-12-04 09:00", "immigration"), (1, "2026-12-05 10:00", "benefits")]
    ids = []
    for i, when, kind in plan:
        r = cli("appt", "log", "--client", codes[i], "--when", when, "--tz", "America/Chicago", "--type", kind,
                "--duration", "60", "--interpreter", "es")
        assert r.exit_code == 0, r
        ids.append(r.stdout.strip())
    for aid in ids[:4]:
        assert cli("appointments", "complete", aid, "--outcome", "attended").exit_code == 0
    rows = cli("appointments", "list", "--from", "2026-12-01", "--to", "2026-12-31", "-f", "json").json()
    assert [r["type"] for r in rows] == [p[2] for p in plan]
    ics = tmp_path / "week.ics"
    r = cli("appointments", "export", "--ics", ics, "--from", "2026-12-01", "--to", "2026-12-31")
    assert r.exit_code == 0, r
    assert oct(ics.stat().st_mode & 0o777) == "0o600"
    assert len(list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))) == 5
    rep = cli("report", "--month", "2026-12", "-f", "json").json()
    assert rep["summary"]["unique_clients_served"] == "<5" and rep["suppression"]["applied"]
    rep = cli("report", "--month", "2026-12", "--suppress-below", "0", "-f", "json").json()
    assert rep["summary"]["accompaniments"] == 4 and rep["summary"]["unique_clients_served"] == 3
    out = cli("appointments", "export", "-f", "csv").stdout
    assert len(list(csv.DictReader(io.StringIO(out)))) == 5
    r = cli("report", "--month", "2026-12")
    assert r.exit_code == 0 and "suppressed" in r.stderr


def test_purge_through_the_cli(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-01 09:00", "--type", "court", "--duration", "30")
    r = cli("clients", "purge", code)
    assert r.exit_code == 2 and "--yes" in r.stderr
    r = cli("clients", "purge", code, "--yes")
    assert r.exit_code == 0 and "1 appointments" in r.stderr
    assert cli("clients", "show", code).exit_code == 1


def test_missing_flags_without_a_terminal_is_an_error(cli):
    r = cli("appt", "log", "--type", "court")
    assert r.exit_code == 2 and "--client" in r.stderr and "--when" in r.stderr


def test_bad_values_exit_2_no_traceback(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2026-13-01 10:00", "--type", "court", "--duration", "30")
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    r = cli("report", "--month", "nope")
    assert r.exit_code == 2
    r = cli("clients", "show", "bob")
    assert r.exit_code == 2
