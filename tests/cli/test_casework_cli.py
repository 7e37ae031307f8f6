"""The issue's acceptance script: a week of appointments for three clients, no prompts."""

import csv
import io
import re

from icalendar import Calendar


def test_week_for_three_clients(cli, tmp_path):
    codes = [cli("clients", "new", "-f", "json").json()["code"] for _ in range(3)]
    plan = [(0, "2025-12-01 09:00", "court"), (1, "2025-12-02 10:00", "medical"), (2, "2025-12-03 11:00", "consulate"),
            (0, "2025-12-04 09:00", "immigration"), (1, "2025-12-05 10:00", "benefits")]
    ids = []
    for i, when, kind in plan:
        r = cli("appt", "log", "--client", codes[i], "--when", when, "--tz", "America/Chicago", "--type", kind,
                "--duration", "60", "--interpreter", "es")
        assert r.exit_code == 0, r
        ids.append(r.stdout.strip())
    for aid in ids[:4]:
        assert cli("appointments", "complete", aid, "--outcome", "attended").exit_code == 0
    rows = cli("appointments", "list", "--from", "2025-12-01", "--to", "2025-12-31", "-f", "json").json()
    assert [r["type"] for r in rows] == [p[2] for p in plan]
    ics = tmp_path / "week.ics"
    r = cli("appointments", "export", "--ics", ics, "--from", "2025-12-01", "--to", "2025-12-31")
    assert r.exit_code == 0, r
    assert oct(ics.stat().st_mode & 0o777) == "0o600"
    assert len(list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))) == 5
    rep = cli("report", "--month", "2025-12", "-f", "json").json()
    assert rep["summary"]["unique_clients_served"] == "<5" and rep["suppression"]["applied"]
    rep = cli("report", "--month", "2025-12", "--suppress-below", "0", "-f", "json").json()
    assert rep["summary"]["accompaniments"] == 4 and rep["summary"]["unique_clients_served"] == 3
    out = cli("appointments", "export", "-f", "csv").stdout
    assert len(list(csv.DictReader(io.StringIO(out)))) == 5
    r = cli("report", "--month", "2025-12")
    assert r.exit_code == 0 and "suppressed" in r.stderr


def test_purge_through_the_cli(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-01 09:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
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
    r = cli("appt", "log", "--client", code, "--when", "2026-13-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    r = cli("report", "--month", "nope")
    assert r.exit_code == 2
    r = cli("clients", "show", "bob")
    assert r.exit_code == 2


def test_log_reports_every_bad_value_at_once(cli):
    """Issue 15: a missing --duration no longer hides the other bad values; each line names its option."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "03/12/2026 3pm", "--tz", "Mars/Base", "--type", "party")
    assert r.exit_code == 2 and "Traceback" not in r.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == "Error: 4 values are wrong or missing, and nothing was saved:"
    assert any("could be 2026-03-12 or 2026-12-03" in x and x.endswith("(--when)") for x in lines)
    assert any("Mars/Base" in x and x.endswith("(--tz)") for x in lines)
    assert any("party" in x and "(--type" in x for x in lines)
    assert any("no duration given" in x and x.endswith("(--duration)") for x in lines)
    assert cli("appt", "list", "-f", "json").json() == []


def test_log_duration_in_hours_and_clear_dates(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "12/15/2026 3pm", "--tz", "America/Chicago", "--type", "court",
            "--duration", "1h30", "-f", "json")
    assert r.exit_code == 0, r
    assert (r.json()[0]["duration_min"], r.json()[0]["starts"]) == (90, "2026-12-15T15:00-06:00")
    r = cli("appt", "log", "--client", code, "--when", "2026-12-16 9:00", "--tz", "America/Chicago", "--type", "court",
            "--duration", "90min")
    assert r.exit_code == 0, r
    r = cli("appt", "log", "--client", code, "--when", "2026-12-16 9:00", "--tz", "America/Chicago", "--type", "court",
            "--duration", "ninety")
    assert r.exit_code == 2 and "give minutes (90, 90min) or hours and minutes (1h30, 1:30)" in r.stderr
    assert "integer" not in r.stderr  # our sentence, not the option parser's
    helptext = cli("appt", "log", "--help").stdout
    assert "1h30" in helptext and "90min" in helptext and "home_timezone" in helptext
    assert "1h30" in cli("appt", "edit", "--help").stdout
    assert cli("appt", "edit", "1", "--duration", "2h").exit_code == 0
    assert cli("appt", "show", "1", "-f", "json").json()[0]["duration_min"] == 120


def test_log_without_a_zone_uses_home_timezone_and_says_so(cli, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    args = ("appt", "log", "--client", code, "--when", "2026-12-15 10:00", "--type", "court", "--duration", "60")
    r = cli(*args)  # the test machine's clock is UTC: never taken silently
    assert r.exit_code == 2 and "no time zone given" in r.stderr and "(--tz)" in r.stderr
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text('home_timezone = "America/Tijuana"\n')
    r = cli(*args, "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["tz"] == "America/Tijuana", r
    assert "America/Tijuana (your home_timezone)" in r.stderr


def _scripted(answers):
    asked = []

    def ask(kind, message, default, choices):  # Enter ("") gives the default, as the questionary prompt does
        asked.append((kind, message, default))
        return answers.pop(0) or default
    return ask, asked


def test_prompt_asks_again_for_a_bad_answer_and_keeps_the_others(store):
    """A bad When is explained and asked again; the answers before it are not thrown away; the zone is
    asked with no machine default on a UTC server, and keeping it as home_timezone is offered."""
    from advocate.appointments.clients import create_client
    from advocate.cli.appointments import prompt_appointment

    code = create_client(store)["code"]
    saved = []
    ask, asked = _scripted(["C-NOPE99", code, "court", "", "", "Mars/Base", "America/Chicago", "yes",
                            "03/12/2026 3pm", "12/15/2026 3pm", "ninety", "1h30", ""])
    values = prompt_appointment(store, {"client": None, "when": None, "tz": None, "type": None, "duration": None},
                                ask=ask, save_home=saved.append)
    assert values["client"] == code and values["type"] == "court" and values["tz"] == "America/Chicago"
    assert values["when"] == "12/15/2026 3pm" and values["duration"] == "1h30" and values["interpreter"] is None
    assert saved == ["America/Chicago"]
    tz_prompt = [a for a in asked if "Time zone" in a[1]]
    assert tz_prompt[0][2] == ""  # no default taken from a UTC machine clock
    again = [a for a in asked if a[1].startswith("When")]
    assert len(again) == 2 and again[1][2] == ""  # asked again with an empty field: a retyped answer is not appended


def test_prompt_zone_defaults_to_home_and_fixes_a_bad_flag(store, capsys):
    from advocate.appointments.clients import create_client
    from advocate.cli.appointments import prompt_appointment

    code = create_client(store)["code"]
    ask, asked = _scripted(["", "", "America/Tijuana", "2026-12-15 10:00", "60", "mxt"])
    values = prompt_appointment(store, {"client": code, "when": "tomorrow", "tz": None, "type": "court",
                                        "duration": None}, ask=ask, home="America/Tijuana", save_home=None)
    assert asked[2][2] == "America/Tijuana" and values["when"] == "2026-12-15 10:00"
    assert values["interpreter"] == "mxt"
    assert '"tomorrow" is not a date and time' in capsys.readouterr().err


def test_interactive_log_through_the_cli(cli, monkeypatch, tmp_path):
    """The whole command on a (pretend) terminal: answers scripted at the prompt, home_timezone saved."""
    import advocate.cli.appointments as appt_cli

    code = cli("clients", "new", "-f", "json").json()["code"]
    ask, _asked = _scripted(["court", "", "", "America/Chicago", "yes", "2026-12-15 3pm", "2h", ""])
    monkeypatch.setattr(appt_cli, "interactive", lambda: True)
    monkeypatch.setattr(appt_cli, "_questionary_ask", ask)
    r = cli("appt", "log", "--client", code, "-f", "json")
    assert r.exit_code == 0, r
    assert (r.json()[0]["tz"], r.json()[0]["starts"], r.json()[0]["duration_min"]) == ("America/Chicago",
                                                                              "2026-12-15T15:00-06:00", 120)
    assert 'home_timezone = "America/Chicago"' in (tmp_path / "config" / "config.toml").read_text()


def test_delete_asks_first_and_ids_are_never_reused(cli):
    """Issue 15: `appointments delete` asked nothing (clients purge needs --yes) and a deleted id came back."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    ids = [cli("appt", "log", "--client", code, "--when", f"2026-12-1{i} 10:00", "--tz", "America/Chicago", "-t", "court",
               "-d", "60").stdout.strip() for i in range(3)]
    r = cli("appt", "delete", ids[-1])
    assert r.exit_code == 2 and "--yes" in r.stderr and "cancel" in r.stderr
    assert len(cli("appt", "list", "-f", "json").json()) == 3
    assert cli("appt", "delete", ids[-1], "--yes").exit_code == 0
    again = cli("appt", "log", "--client", code, "--when", "2026-12-20 10:00", "--tz", "America/Chicago", "-t", "court",
                "-d", "60").stdout.strip()
    assert int(again) == int(ids[-1]) + 1  # the next free number, not the deleted one


def test_future_appointment_cannot_be_attended_yet(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    aid = cli("appt", "log", "--client", code, "--when", "2099-12-15 10:00", "--tz", "America/Chicago", "-t", "court",
              "-d", "60").stdout.strip()
    for outcome in ("attended", "no-show"):
        r = cli("appt", "complete", aid, "--outcome", outcome)
        assert r.exit_code == 2 and "still to come" in r.stderr and "(--outcome)" in r.stderr
    assert cli("appt", "show", aid, "-f", "json").json()[0]["status"] == "scheduled"
    assert cli("appt", "complete", aid, "--outcome", "rescheduled").exit_code == 0


def test_calendar_names_the_interpreters_language(cli, tmp_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-15 10:00", "--tz", "America/Chicago", "-t", "court",
        "-d", "60", "--interpreter", "mxt", "--advocate", "JR")
    en = cli("appt", "export", "--ics", "-").stdout
    es = cli("appt", "export", "--ics", "-", "--lang", "es").stdout
    unfold = lambda text: text.replace("\r\n ", "")  # noqa: E731 (iCalendar folds long lines)
    assert "Interpreter: Mixtec\\, Jamiltepec (mxt)" in unfold(en) and "Interpreter: mxt\\n" not in unfold(en)
    assert "Intérprete: mixteco de Jamiltepec (mxt)" in unfold(es) and "Acompaña: JR" in unfold(es)


def _chicago_service(cli):
    r = cli("services", "add", "--name", "Juzgado de inmigración", "-c", "legal-immigration", "--location",
            "Chicago, IL", "-f", "json")
    assert r.exit_code == 0, r
    return r.json()[0]["id"] if isinstance(r.json(), list) else r.json()["id"]


def test_the_places_zone_wins_over_home_timezone(cli, tmp_path):
    """Issue 15 follow-up: with home_timezone = America/Tijuana, an appointment at a Chicago service was saved
    and printed in Tijuana time. It is kept in Chicago time, and the line says both zones."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    sid = _chicago_service(cli)
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "config.toml").write_text('home_timezone = "America/Tijuana"\n')
    r = cli("appt", "log", "--client", code, "--when", "2026-12-03 09:00", "--type", "court", "--duration", "60",
            "--service", sid, "-f", "json")
    assert r.exit_code == 0, r
    a = r.json()[0]
    assert (a["tz"], a["starts"], a["starts_utc"]) == ("America/Chicago", "2026-12-03T09:00-06:00", "2026-12-03T15:00:00Z")
    assert "America/Chicago" in r.stderr and "America/Tijuana" in r.stderr and "where the service is" in r.stderr
    listed = cli("appt", "list", "-f", "json").json()[0]
    assert (listed["tz"], listed["starts"]) == ("America/Chicago", "2026-12-03T09:00-06:00")
    table = cli("appt", "list", "--upcoming", "--wide").stdout
    assert "9:00\u202fAM (Chicago)" in table and "Tijuana" not in table
    ics = cli("appt", "export", "--ics", "-").stdout
    assert "DTSTART;TZID=America/Chicago:20261203T090000" in ics and "Tijuana" not in ics
    card = cli("appt", "card", str(a["id"]), "--lang", "en", "-f", "txt").stdout
    assert "9:00" in card and "Chicago" in card and "Tijuana" not in card


def test_a_tz_other_than_the_places_is_said_with_both_zones(cli):
    """--tz America/Tijuana for a Chicago service: the time is read in Tijuana, kept in Chicago, and one line
    gives both clock times (not a silent conversion)."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    sid = _chicago_service(cli)
    r = cli("appt", "log", "--client", code, "--when", "2026-12-03 09:00", "--tz", "America/Tijuana", "--type",
            "court", "--duration", "60", "--service", sid, "-f", "json")
    assert r.exit_code == 0, r
    a = r.json()[0]
    assert (a["tz"], a["starts"]) == ("America/Chicago", "2026-12-03T11:00-06:00")
    assert ("2026-12-03 09:00 in America/Tijuana is 2026-12-03 11:00 in America/Chicago, where the service is"
            in r.stderr)
    same = cli("appt", "log", "--client", code, "--when", "2026-12-04 09:00", "--tz", "America/Chicago", "--type",
               "court", "--duration", "60", "--service", sid)
    assert same.exit_code == 0 and "Tijuana" not in same.stderr and "where the service is" not in same.stderr


def test_edit_to_a_service_in_another_zone_says_so(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    sid = _chicago_service(cli)
    aid = cli("appt", "log", "--client", code, "--when", "2026-12-03 09:00", "--tz", "America/Tijuana", "--type",
              "court", "--duration", "60", "--place", "Juzgado 3").stdout.strip()
    r = cli("appt", "edit", aid, "--service", sid)
    assert r.exit_code == 0, r
    assert "America/Chicago" in r.stderr and "America/Tijuana" in r.stderr
    a = cli("appt", "show", aid, "-f", "json").json()[0]
    assert (a["tz"], a["starts"]) == ("America/Chicago", "2026-12-03T09:00-06:00")  # the clock time stays
    r = cli("appt", "edit", aid, "--tz", "America/Tijuana")  # an explicit correction is kept, and said
    assert r.exit_code == 0 and "the service is in America/Chicago" in r.stderr
    assert cli("appt", "show", aid, "-f", "json").json()[0]["tz"] == "America/Tijuana"


def test_prompt_asks_where_and_never_prefills(store, capsys):
    """Interactive log asks for the service or the place; the zone's default is the place's; a refused answer
    is said as the plain sentence (no "Warning:") and the field is empty again; the duration's 60 is what
    Enter gives, not text typed into the field."""
    from advocate.appointments.clients import create_client
    from advocate.cli.appointments import prompt_appointment
    from advocate.directory.manage import add_service

    code = create_client(store)["code"]
    sid = add_service(store, name="Juzgado", categories=["legal-immigration"], location="Chicago, IL")["id"]
    ask, asked = _scripted(["nope:1", sid, "", "2026-12-15 10:00", "", ""])
    values = prompt_appointment(store, {"client": code, "when": None, "tz": None, "type": "court",
                                        "duration": None}, ask=ask, home="America/Tijuana", save_home=None)
    assert values["service"] == sid and values["tz"] == "America/Chicago" and values["duration"] == "60"
    assert [a[2] for a in asked[:2]] == ["", ""]  # the wrong id is not left in the field
    assert asked[2][2] == "America/Chicago"  # where the service is, not home
    err = capsys.readouterr().err
    assert 'no service with id "nope:1"' in err and "Warning" not in err
    ask, asked = _scripted(["", "Consulado, calle 5", "", "2026-12-15 10:00", "", ""])
    values = prompt_appointment(store, {"client": code, "when": None, "tz": None, "type": "court",
                                        "duration": None}, ask=ask, home="America/Tijuana", save_home=None)
    assert values["place"] == "Consulado, calle 5" and values["tz"] == "America/Tijuana"


def test_questionary_prompts_leave_the_field_empty(monkeypatch):
    import questionary

    import advocate.cli.appointments as appt_cli
    from advocate.i18n import set_language

    seen = {}

    class Answer:
        def __init__(self, value):
            self.value = value

        def unsafe_ask(self):
            return self.value

        ask = unsafe_ask

    def text(message, **kwargs):
        seen["text"] = (message, kwargs)
        return Answer("")

    def select(message, choices, default=None, **kwargs):
        seen["select"] = (message, [c.title for c in choices], default)
        return Answer(choices[0].value)

    monkeypatch.setattr(questionary, "text", text)
    monkeypatch.setattr(questionary, "select", select)
    assert appt_cli._questionary_ask("text", "How long (90, 90min, 1h30):", "60") == "60"
    assert "default" not in seen["text"][1] and "(Enter for 60)" in seen["text"][0]
    set_language("es")
    assert appt_cli._questionary_ask("confirm", "¿Guardar?", "yes") == "yes"
    assert seen["select"][1] == ["Sí", "No"] and seen["select"][2] == "Sí"  # no English (Y/n), no key leaking


def test_calendar_follows_the_interface_language(cli):
    """Issue 15 follow-up: `--lang es appointments export --ics` wrote English titles; the help said
    `--lang <str> [default: en]`."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2026-12-15 10:00", "--tz", "America/Chicago", "-t", "court",
        "-d", "60", "--interpreter", "mxt")
    es = cli("--lang", "es", "appointments", "export", "--ics", "-").stdout.replace("\r\n ", "")
    assert "X-WR-CALNAME:Acompañamientos" in es and "Intérprete: mixteco" in es
    en = cli("appointments", "export", "--ics", "-").stdout
    assert "X-WR-CALNAME:Accompaniments" in en
    assert "X-WR-CALNAME:Accompaniments" in cli("--lang", "es", "appointments", "export", "--ics", "-",
                                                "--lang", "en").stdout
    helptext = cli("appointments", "export", "--help").stdout
    assert "es|en" in helptext and "default: en" not in helptext and "<str>" not in helptext.lower()
    r = cli("appointments", "export", "--ics", "-", "--lang", "fr")
    assert r.exit_code == 2 and "not a calendar language" in r.stderr


def test_spanish_appointment_list_reads_at_80_columns(cli):
    """Issue 15 follow-up: Spanish `appointments list` at 80 columns broke words ("programa / da"), showed
    ISO times and the service's English name. Now: whole words, dates in words in the interface language
    with the zone's city, the directory's Spanish name; -f json keeps ISO times and the IANA zone."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    for when, tz, kind, where in (("2026-12-15 10:00", "America/Chicago", "court", ["--place", "Juzgado tercero de lo familiar, piso 4"]),
                                  ("2026-12-01 10:00", "America/Tijuana", "shelter-intake", ["--place", "Albergue"]),
                                  ("2026-11-30 16:00", "America/Mexico_City", "mental-health", ["--service", "us-988"])):
        assert cli("appt", "log", "--client", code, "--when", when, "--tz", tz, "-t", kind, "-d", "90",
                   "--advocate", "JR", "--interpreter", "mxt", *where).exit_code == 0
    r = cli("--lang", "es", "appointments", "list", env={"COLUMNS": "80"})
    assert r.exit_code == 0, r
    lines = r.stdout.splitlines()
    assert all(len(line.rstrip()) <= 80 for line in lines)
    words = {w for line in lines for w in line.split()}
    assert "programada" in words and "programa" not in words and "Tribunal" in words
    assert not re.search(r"\d{4}-\d\d-\d\d", r.stdout)  # no ISO date in the Spanish table
    assert "dic" in words and "(Chicago)" in words and "(Tijuana)" in words
    assert "Suicide" not in r.stdout and "Línea" in words  # the bundled line's Spanish name
    en = cli("appointments", "list", "--wide").stdout
    assert "Dec 15, 2026" in en and "Suicide" in en
    rows = cli("--lang", "es", "appointments", "list", "-f", "json").json()
    assert rows[0]["starts"] == "2026-11-30T16:00-06:00" and rows[0]["tz"] == "America/Mexico_City"
    assert rows[0]["place"].startswith("988 Suicide")  # data keeps the directory's own (English) name
    shown = cli("--lang", "es", "appointments", "show", str(rows[0]["id"])).stdout
    assert "lun, 30 de nov de 2026" in shown and "Línea" in shown


def test_wide_list_keeps_each_appointment_on_one_line_in_spanish(cli):
    """`appointments list --wide` promises every cell on one line; the Spanish "Cuándo" still put the time on
    a second line at 120 columns."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    for when, tz in (("2031-12-15 10:00", "America/Chicago"), ("2031-12-01 14:30", "America/New_York")):
        assert cli("appt", "log", "--client", code, "--when", when, "--tz", tz, "-t", "court", "-d", "60",
                   "--place", "Juzgado tercero de lo familiar, piso 4").exit_code == 0
    r = cli("--lang", "es", "appointments", "list", "--wide", env={"COLUMNS": "120"})
    assert r.exit_code == 0, r
    rows = [line.replace("\u202f", " ") for line in r.stdout.splitlines() if code in line]
    assert len(rows) == 2, r.stdout
    assert "1 de dic de 2031, 2:30 p.m. (Nueva York)" in rows[0] and "Juzgado tercero" in rows[0]
    assert "15 de dic de 2031, 10:00 a.m. (Chicago)" in rows[1]
    assert len([line for line in r.stdout.splitlines() if line.strip()]) == 4  # header, rule, two rows
    narrow = cli("--lang", "es", "appointments", "list", env={"COLUMNS": "120"}).stdout.replace("\u202f", " ")
    assert "2031, 2:30" not in narrow  # without --wide the time stays under the day


def test_tables_name_the_place_s_own_town_when_the_zone_is_its(cli):
    """A Miami appointment is not said "(Nueva York)" in the tables when its place names Miami (the card already
    said "hora de Miami"); a place in another zone's town, or with no town, keeps the zone's city."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    for when, place in (("2031-12-01 10:00", "Jackson Memorial, 1611 NW 12th Ave, Miami, FL 33136"),
                        ("2031-12-02 10:00", "Clinic, Chicago, IL"), ("2031-12-03 10:00", "Juzgado tercero")):
        assert cli("appt", "log", "--client", code, "--when", when, "--tz", "America/New_York", "-t", "medical",
                   "-d", "60", "--place", place).exit_code == 0
    table = cli("--lang", "es", "appointments", "list", "--wide", env={"COLUMNS": "200"}).stdout.replace("\u202f", " ")
    rows = [line for line in table.splitlines() if code in line]
    assert "10:00 a.m. (Miami)" in rows[0]
    assert "(Nueva York)" in rows[1] and "(Nueva York)" in rows[2]  # Chicago is not in this zone
    first = cli("appointments", "list", "-f", "json").json()[0]
    assert first["tz"] == "America/New_York" and "starts_local" not in first  # data keeps the IANA zone
    assert "(Miami)" in cli("appointments", "show", str(first["id"])).stdout


def test_outcome_in_either_language_and_said_in_the_interface_language(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    future = cli("appt", "log", "--client", code, "--when", "2099-12-15 10:00", "--tz", "America/Chicago", "-t",
                 "court", "-d", "60").stdout.strip()
    past = cli("appt", "log", "--client", code, "--when", "2020-12-15 10:00", "--tz", "America/Chicago", "-t",
               "court", "-d", "60").stdout.strip()
    r = cli("--lang", "es", "appt", "complete", future, "--outcome", "attended")
    assert r.exit_code == 2 and "«asistió»" in r.stderr and "attended" not in r.stderr
    r = cli("--lang", "es", "appt", "complete", past, "--outcome", "No asistió")
    assert r.exit_code == 0 and cli("appt", "show", past, "-f", "json").json()[0]["status"] == "no-show"
    r = cli("--lang", "es", "appt", "complete", past, "--outcome", "fiesta")
    assert r.exit_code == 2 and "attended (asistió)" in r.stderr and "(--outcome)" in r.stderr


def test_spanish_words_for_types_areas_and_categories_are_taken_and_suggested(cli):
    """A case manager reading "Tribunal" in the Spanish list typed `--type tribunal` and was refused with no
    suggestion; "albergu" and "vivenda" got no "did you mean" either (suggestions came from English ids only)."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    for day, (typed, kind) in enumerate((("tribunal", "court"), ("Consulta medica", "medical"),
                                         ("Salud mental", "mental-health")), start=3):
        r = cli("--lang", "es", "appt", "log", "--client", code, "--when", f"2031-01-{day:02d} 14:30", "--tz",
                "America/New_York", "--type", typed, "--duration", "60")
        assert r.exit_code == 0, r
        assert cli("appointments", "show", r.stdout.strip(), "-f", "json").json()[0]["type"] == kind
    rows = cli("appointments", "list", "-t", "tribunal", "-f", "json").json()
    assert [row["type"] for row in rows] == ["court"]
    cases = [(("appt", "log", "--client", code, "--when", "2031-01-04 14:30", "--tz", "America/New_York",
               "--type", "tribunl", "--duration", "60"), '"tribunal"'),
             (("services", "near", "33125", "-c", "albergu"), '"albergue"'),
             (("services", "near", "33125", "-c", "sheltr"), '"shelter"'),
             (("goals", "add", "--client", code, "Una casa", "--area", "vivenda"), '"vivienda"')]
    for args, suggestion in cases:
        r = cli("--lang", "es", *args)
        assert r.exit_code == 2, r
        assert f"¿quiso decir {suggestion}" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    # a Spanish label typed without its accents is the area
    r = cli("goals", "add", "--client", code, "Aprender inglés", "--area", "ESCUELA Y ESTUDIOS", "-f", "json")
    assert r.exit_code == 0, r
    assert [g["area"] for g in cli("goals", "list", "--client", code, "-f", "json").json()] == ["education"]


def test_calendar_location_of_a_directory_service_has_its_address(cli):
    """An appointment at the Miami consulate went to the calendar as LOCATION "Consulate General of Mexico in
    Miami" (and in English in a Spanish calendar): a phone's map could not find it. A free-text place is kept."""
    from icalendar import Calendar

    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("appt", "log", "--client", code, "--when", "2031-12-15 10:00", "-t", "consulate", "-d", "60",
               "--service", "consulate-miami-fl").exit_code == 0
    assert cli("appt", "log", "--client", code, "--when", "2031-12-16 10:00", "--tz", "America/New_York",
               "-t", "court", "-d", "60", "--place", "Juzgado, 73 W Flagler St").exit_code == 0

    def locations(*args):
        cal = Calendar.from_ical(cli(*args, "appointments", "export", "--ics", "-").stdout)
        return [str(ev.get("location")) for ev in cal.walk("VEVENT")]

    assert locations() == ["Consulate General of Mexico in Miami, 2555 Ponce de Leon Blvd., Suite 400, Coral Gables, "
                           "Miami, FL 33134", "Juzgado, 73 W Flagler St"]
    assert locations("--lang", "es")[0].startswith("Consulado General de México en Miami, 2555 Ponce de Leon Blvd.")


def test_the_type_is_chosen_by_its_name_in_the_interface_language(store):
    """`appt log` at the prompt listed the types by id in Spanish ("? Tipo: court"); they are named ("Tribunal")
    and the chosen id is what is saved."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from advocate.appointments.clients import create_client
    from advocate.cli.appointments import _questionary_ask, prompt_appointment
    from advocate.i18n import set_language

    code = create_client(store)["code"]
    seen = []

    def ask(kind, message, default, choices):
        seen.append((kind, choices))
        return {"select": "medical"}.get(kind, "") or default

    set_language("es")  # the autouse fixture sets English back after the test
    values = prompt_appointment(store, {"client": code, "when": "2026-12-15 10:00", "tz": "America/Chicago",
                                        "type": None, "duration": "60"}, ask=ask, save_home=None)
    assert values["type"] == "medical"
    choices = next(c for k, c in seen if k == "select")
    assert ("court", "Tribunal") in choices and ("medical", "Consulta médica") in choices
    with create_pipe_input() as keys:  # questionary itself: the second name is picked, its id comes back
        keys.send_text("\x1b[B\r")
        assert _questionary_ask("select", "Tipo:", "", choices, input=keys, output=DummyOutput()) == choices[1][0]


def test_show_tables_write_stored_times_as_utc_minutes(cli):
    """`clients show` and `appointments show` tables: the stored UTC timestamps read "2026-12-15 21:00 UTC", not
    ISO text with seconds and an offset; JSON keeps the stored values."""
    import re

    code = cli("clients", "new", "-f", "json").json()["code"]
    assert cli("appt", "log", "--client", code, "--when", "2026-12-15 3pm", "--tz", "America/Chicago", "--type",
               "court", "--duration", "1h").exit_code == 0
    assert cli("clients", "close", code).exit_code == 0
    stamp = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d UTC\b")
    for args in (("clients", "show", code), ("appointments", "show", "1")):
        for lang in ("en", "es"):
            out = cli("--lang", lang, *args).stdout
            assert stamp.search(out) and not re.search(r"\d\d:\d\d:\d\d|\+00:00", out), (args, lang, out)
    assert "2026-12-15 21:00 UTC" in cli("appointments", "show", "1").stdout
    client = cli("clients", "show", code, "-f", "json").json()[0]
    assert client["created"].endswith("+00:00") and client["closed"].endswith("+00:00")
