"""The issue's acceptance, through the CLI: a client's goals, referrals and an accompaniment, `today`, the
report, and a purge that leaves none of it."""

from __future__ import annotations

from datetime import date, timedelta


def test_a_survivors_plan_end_to_end(cli, db_path):
    code = cli("clients", "new", "-f", "json").json()["code"]
    today = date.today()
    r = cli("goals", "add", "--client", code, "Aprender a usar el autobús", "--area", "transport", "-f", "json")
    assert r.exit_code == 0, r
    bus = r.json()["id"]
    assert cli("goals", "add", "--client", code, "Un primer departamento", "--area", "vivienda").exit_code == 0
    r = cli("goals", "update", bus, "--status", "reached", "--reached-on", today.isoformat(), "--note", "Sola")
    assert r.exit_code == 0 and "milestone" in r.stderr
    # three referrals: a Mexican resource, one accepted, one with no answer for 15 days
    r = cli("referrals", "add", "--client", code, "--service", "mx-linea-nacional-trata", "--goal", bus)
    assert r.exit_code == 0 and "release" in r.stderr, r
    r = cli("referrals", "add", "--client", code, "--service", "us-rainn", "-f", "json")
    accepted = r.json()["id"]
    r = cli("referrals", "add", "--client", code, "--service", "us-988", "--sent",
            (today - timedelta(days=15)).isoformat(), "-f", "json")
    waiting = r.json()["id"]
    when = (today + timedelta(days=3)).isoformat() + " 10:00"
    aid = cli("appt", "log", "--client", code, "--when", when, "--tz", "America/Chicago", "--type", "medical",
              "--duration", "60").stdout.strip()
    r = cli("referrals", "update", accepted, "--status", "accepted", "--appointment", aid)
    assert r.exit_code == 0, r
    shown = cli("referrals", "show", accepted, "-f", "json").json()
    assert shown["appointment_id"] == int(aid) and [h["status"] for h in shown["history"]] == ["sent", "accepted"]

    agenda = cli("today", "-f", "json").json()
    assert {"kind": "referral", "ref": str(waiting)}.items() <= next(
        i for i in agenda if i["kind"] == "referral").items()
    assert any(i["kind"] == "appointment" and i["ref"] == aid for i in agenda)
    table = cli("today")
    assert table.exit_code == 0 and "Needs attention" in table.stdout

    month = today.strftime("%Y-%m")
    rep = cli("report", "--month", month, "-f", "json").json()
    assert rep["plan"]["summary"]["goals_set"] == "<5" and rep["suppression"]["applied"]
    rep = cli("report", "--month", month, "--suppress-below", "0", "-f", "json").json()
    assert rep["plan"]["summary"]["referrals"] == 3 and rep["plan"]["summary"]["goals_reached"] == 1
    assert cli("report", "--month", month, "-f", "csv").exit_code == 0

    assert cli("clients", "purge", code, "--yes").exit_code == 0
    for cmd in (("goals", "list", "-f", "json"), ("referrals", "list", "-f", "json"), ("today", "-f", "json")):
        assert cli(*cmd).json() == []


def test_bad_input_is_one_sentence_and_changes_nothing(cli):
    code = cli("clients", "new", "-f", "json").json()["code"]
    for args in (("goals", "add", "--client", code, ""), ("goals", "add", "--client", code, "x", "--area", "moon"),
                 ("goals", "add", "--client", "C-NOPE00", "x"), ("goals", "update", "7", "--status", "reached"),
                 ("referrals", "add", "--client", code, "--service", "no-such-service"),
                 ("referrals", "update", "abc", "--status", "sent"),
                 ("releases", "add", "--client", code), ("releases", "revoke", "12")):
        r = cli(*args)
        assert r.exit_code in (1, 2), (args, r)
        assert r.stderr.startswith("Error: ") and "Traceback" not in r.stderr, (args, r)
        assert len(r.stderr.strip().splitlines()) == 1, (args, r)
    assert cli("goals", "list", "-f", "json").json() == []
    assert cli("referrals", "list", "-f", "json").json() == []


def test_today_in_spanish_says_dates_and_times_in_words(cli):
    """Issue 15 follow-up: the upcoming appointments of `today` were ISO dates, an IANA zone and the
    service's English name in a Spanish run; -f json keeps the ISO date."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    day = date.today() + timedelta(days=2)
    assert cli("appt", "log", "--client", code, "--when", f"{day} 10:00", "--tz", "America/Chicago", "-t",
               "mental-health", "-d", "60", "--service", "us-988").exit_code == 0
    out = cli("--lang", "es", "today", env={"COLUMNS": "200"}).stdout
    assert str(day) not in out and "America/Chicago" not in out
    assert "(Chicago)" in out and "dentro de 2 días" in out and "Línea 988" in out and "Salud mental" in out
    rows = cli("today", "-f", "json").json()
    assert rows[0]["due"] == str(day)
