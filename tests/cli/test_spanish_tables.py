"""Every table a command prints, run with --lang es, holds no English label: no record key (``no_show_rate``),
no English field label, type, status or yes/no; machine formats keep their English keys and values."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from advocate import labels

SNAKE_KEY = re.compile(r"(?<![\w/.:@-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.:@-])")


def _english_labels() -> set[str]:
    """Every English label and coded value the tables may show, whose Spanish is a different word."""
    from advocate.appointments.log import types
    from advocate.i18n import gettext_in

    words = set()
    tables = [labels.FIELD_LABELS, labels.REPORT_LABELS, labels.APPOINTMENT_STATUS, labels.CLIENT_STATUS,
              labels.SERVICE_SCOPE, labels.SERVICE_STATUS, labels.CONFIDENCE, labels.PLACE_KIND,
              labels.OTHER_VALUES]
    for table in tables:
        for text in table.values():
            if gettext_in("es", text) != text:
                words.add(text)
    for row in types().values():
        if row["label_es"] != row["label_en"]:
            words.update({row["label_en"], row["type"]})
    words.update({"yes"})
    return words


ENGLISH = _english_labels()


def english_cells(text: str) -> list[str]:
    """Cells of a Rich table (separated by two spaces or more) that are an English label, and record keys."""
    found = []
    for line in text.splitlines():
        for cell in re.split(r"\s{2,}", line.strip()):
            if cell in ENGLISH:
                found.append(cell)
        found += [k for k in SNAKE_KEY.findall(line) if k in labels.FIELD_LABELS or k in labels.REPORT_LABELS]
    return found


@pytest.fixture
def casework(cli):
    code = cli("clients", "new", "--language", "mxt", "-f", "json").json()["code"]
    today = date.today()
    ids = {}
    for name, when, tz, kind in (("tj", today + timedelta(days=3), "America/Tijuana", "court"),
                                 ("chi", today + timedelta(days=1), "America/Chicago", "medical"),
                                 ("past", today - timedelta(days=2), "America/Chicago", "benefits")):
        r = cli("appt", "log", "--client", code, "--when", f"{when} 10:00", "--tz", tz, "--type", kind,
                "--duration", "90", "--interpreter", "mxt", "--place", "Clinic")
        assert r.exit_code == 0, r
        ids[name] = r.stdout.strip().splitlines()[-1]
    assert cli("appt", "complete", ids["past"], "--outcome", "attended").exit_code == 0
    goal = cli("goals", "add", "--client", code, "Un trabajo", "--area", "employment", "-f", "json").json()["id"]
    ref = cli("referrals", "add", "--client", code, "--service", "us-988", "-f", "json").json()["id"]
    return {"code": code, "goal": goal, "referral": ref, **ids}


def _commands(c):
    today = date.today()
    month = f"{today - timedelta(days=40):%Y-%m-%d}"
    end = f"{today + timedelta(days=40):%Y-%m-%d}"
    return [
        ("appointments", "list"), ("appointments", "show", c["tj"]), ("clients", "list"), ("clients", "show", c["code"]),
        ("today",), ("report", "--from", month, "--to", end, "--suppress-below", "0",
                     "--by", "type,voca_family,otip_category,language,month"),
        ("report", "--from", month, "--to", end), ("services", "show", "us-988"),
        ("services", "near", "10001", "-n", "3"), ("goals", "show", c["goal"]), ("goals", "list"),
        ("referrals", "show", c["referral"]), ("referrals", "list"), ("db", "check"), ("places", "resolve", "10001"),
    ]


def test_every_table_in_spanish_has_no_english_label(cli, casework):
    for args in _commands(casework):
        r = cli("--lang", "es", *args)
        assert r.exit_code == 0, (args, r)
        assert english_cells(r.stdout) == [], (args, r.stdout)


def test_spanish_tables_say_types_statuses_and_relative_days(cli, casework):
    out = cli("--lang", "es", "appointments", "list", env={"COLUMNS": "250"}).stdout
    for word in ("Tribunal", "Consulta médica", "Oficina de apoyos del gobierno", "programada", "asistió", "mañana",
                 "hace 2 días", "dentro de 3 días", "mixteco de Jamiltepec"):
        assert word in out, word
    out = cli("--lang", "es", "report", "--from", f"{date.today() - timedelta(days=9):%Y-%m-%d}",
              "--to", f"{date.today():%Y-%m-%d}").stdout
    assert "Personas atendidas" in out and "Horas de acompañamiento" in out and "oculto" in out
    assert "Por tipo de cita" in out


def test_english_tables_are_labelled_too(cli, casework):
    out = cli("report", "--from", f"{date.today() - timedelta(days=9):%Y-%m-%d}", "--to", f"{date.today():%Y-%m-%d}",
              "--suppress-below", "0").stdout
    assert "Clients served" in out and "No-show rate" in out and "unique_clients_served" not in out
    assert "Court" in cli("appointments", "list", env={"COLUMNS": "250"}).stdout


@pytest.mark.parametrize("args", [("appointments", "list", "-f", "json"), ("clients", "list", "-f", "json"),
                                  ("services", "show", "us-988", "-f", "json"), ("today", "-f", "json")])
def test_machine_output_is_identical_in_both_languages(cli, casework, args):
    en, es = cli(*args), cli("--lang", "es", *args)
    assert en.exit_code == 0 and es.exit_code == 0
    assert en.stdout == es.stdout


def test_report_json_keeps_english_keys_and_values(cli, casework):
    period = ("--from", f"{date.today() - timedelta(days=9):%Y-%m-%d}", "--to", f"{date.today():%Y-%m-%d}")
    en, es = cli("report", *period, "-f", "json"), cli("--lang", "es", "report", *period, "-f", "json")
    assert en.stdout == es.stdout and "unique_clients_served" in es.stdout


def test_counted_messages_agree_with_the_count(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    cli("appt", "log", "--client", code, "--when", "2031-03-04 09:00", "--tz", "America/Chicago", "--type", "court",
        "--duration", "60")
    r = cli("--lang", "es", "appointments", "export", "-f", "csv")
    assert "Se exportó 1 cita; la fila lleva un código" in r.stderr
    assert "1 appointment exported; the row carries" in cli("appointments", "export", "-f", "csv").stderr
    cli("appt", "log", "--client", code, "--when", "2031-03-05 09:00", "--tz", "America/Chicago", "--type", "court",
        "--duration", "60")
    assert "Se exportaron 2 citas" in cli("--lang", "es", "appointments", "export", "-f", "csv").stderr
    title = cli("--lang", "es", "services", "near", "10001", "--no-national", env={"COLUMNS": "200"}).stdout
    assert "2 locales" in title or "1 local\n" in title or "1 local " in title


def test_an_imported_services_record_in_spanish_has_no_english_label_and_says_its_date(cli):
    """An imported 211 record showed "Precision  exact" (a key with no label) and "Fuente de los datos  ohana (?)"."""
    from tests.helpers import FIX

    assert cli("services", "import", FIX / "ohana").exit_code == 0
    sid = next(r["id"] for r in cli("services", "search", "Food", "-f", "json").json())
    es = cli("--lang", "es", "services", "show", sid, env={"COLUMNS": "200"}).stdout
    assert english_cells(es) == [] and "Precision" not in es and "(?)" not in es, es
    assert re.search(r"Fuente de los datos\s+ohana \(sin fecha; se importó el \d{4}-\d\d-\d\d\)", es), es
    en = cli("services", "show", sid, env={"COLUMNS": "200"}).stdout
    assert re.search(r"Source of the facts\s+ohana \(undated; imported \d{4}-\d\d-\d\d\)", en), en
    assert cli("services", "show", sid, "-f", "json").json()[0]["precision"] in ("exact", "approximate", None)
