"""`advocate services import` for spreadsheets, as a new user runs it (issue 13, item 3)."""

from __future__ import annotations

import pytest

from tests.helpers import ROWS, check_failure, store_digest, workbook

pytest.importorskip("openpyxl")


def test_xlsx_is_read_as_a_sheet_without_being_told(cli, tmp_path):
    book = workbook(tmp_path / "recursos.xlsx")
    r = cli("services", "import", book, "--source", "red-miami", "-f", "json")
    assert r.exit_code == 0, r
    s = r.json()
    assert s["layout"] == "sheet" and s["imported"] == 4 and s["rejected"] == 0 and s["skipped_rows"] == 2
    assert s["mapping"]["organization"] == "Organización" and "name" not in s["mapping"]
    found = cli("services", "search", "Esperanza", "-f", "json").json()
    assert found[0]["phone"] == "(305) 555-0100 x2" and set(found[0]["languages"]) == {"spa", "mixtec"}
    near = cli("services", "near", "33128", "-l", "mixteco", "-f", "json").json()
    assert any(row["name"] == "Refugio La Esperanza" for row in near)


def test_the_table_summary_shows_the_guess(cli, tmp_path):
    r = cli("services", "import", workbook(tmp_path / "recursos.xlsx"), "--source", "red")
    assert r.exit_code == 0, r
    assert "organization ← Organización" in r.stdout and "Contacto" in r.stdout


def test_csv_sheet_with_layout_and_map(cli, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text("Programa,Contacto,Lugar,Idiomas\nClínica Mixteca,(805) 555-0100 ext. 2,\"Oxnard, CA\",Mixteco\n")
    r = cli("services", "import", path, "--layout", "sheet", "--map", "phone=Contacto,city=lugar", "-f", "json")
    assert r.exit_code == 0, r
    s = r.json()
    assert s["source"] == "lista" and s["mapping"]["phone"] == "Contacto" and s["mapping"]["city"] == "Lugar"
    row = cli("services", "search", "Mixteca", "-f", "json").json()[0]
    assert row["phone"] == "(805) 555-0100 x2" and row["city"] == "Oxnard" and row["region"] == "CA"


def test_bad_map_and_sheet_are_usage_errors(cli, db_path, tmp_path):
    book = workbook(tmp_path / "recursos.xlsx")
    cli("db", "init")
    before = store_digest(db_path)
    r = cli("services", "import", book, "--map", "phone=Celular")
    check_failure(r)
    assert r.exit_code == 2 and 'no column "Celular"' in r.stderr and "--map" in r.stderr
    r = cli("services", "import", book, "--sheet", "Hoja2")
    check_failure(r)
    assert r.exit_code == 2 and "--sheet" in r.stderr and '"Recursos"' in r.stderr
    r = cli("services", "import", book, "--layout", "excel")
    assert r.exit_code == 2 and "--layout" in r.stderr
    bad = tmp_path / "roto.xlsx"
    bad.write_bytes(b"PK\x03\x04garbage")
    r = cli("services", "import", bad)
    check_failure(r)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert store_digest(db_path) == before


def test_reimport_of_edited_sheet_through_the_cli(cli, tmp_path):
    assert cli("services", "import", workbook(tmp_path / "a.xlsx"), "--source", "red").exit_code == 0
    edited = [list(r) for r in ROWS]
    edited[3][2] = "+52 664 555 0199"
    r = cli("services", "import", workbook(tmp_path / "b.xlsx", rows=edited), "--source", "red", "-f", "json")
    s = r.json()
    assert (s["imported"], s["updated"], s["inactivated"]) == (0, 4, 0)


def test_export_filters_through_the_cli(cli, tmp_path):
    assert cli("services", "import", workbook(tmp_path / "a.xlsx"), "--source", "red-a").exit_code == 0
    other = tmp_path / "b.csv"
    other.write_text("Nombre,Teléfono,Ciudad,Estado\nAlbergue B,305-555-0100,Miami,FL\n")
    assert cli("services", "import", other, "--source", "red-b").exit_code == 0
    r = cli("services", "export", tmp_path / "both", "--source", "red-a", "--source", "red-b")
    assert r.exit_code == 0 and "Exported 5 services" in r.stderr
    r = cli("services", "export", tmp_path / "new", "--source", "red-b", "--changed-since", "2021-01-01", "-f", "json")
    assert r.exit_code == 0 and "Exported 1 service " in r.stderr and "marks no other" in r.stderr
    doc = __import__("json").loads((tmp_path / "new" / "services.json").read_text())
    assert doc["advocate"]["partial"] is True and [s["name"] for s in doc["contents"]] == ["Albergue B"]
    r = cli("services", "export", tmp_path / "x", "--changed-since", "ayer")
    assert r.exit_code == 2 and "--changed-since" in r.stderr
    r = cli("services", "export", tmp_path / "y", "--source", "red-c")
    assert r.exit_code == 1 and "--source" in r.stderr and '"red-a"' in r.stderr


def test_sync_of_an_edited_sheet_reports_exactly_the_three_edits(cli, tmp_path):
    book = tmp_path / "recursos.xlsx"
    workbook(book)
    assert cli("services", "import", book, "--source", "red", "--map", "notes=").exit_code == 0
    r = cli("services", "sync", "red", "-f", "json")
    assert r.exit_code == 0 and r.json()[0]["status"] == "unchanged", r
    edited = [list(row) for row in ROWS]
    edited[0][2] = "(305) 555-0111 ext. 3"  # a phone
    edited[1][8] = "L-V 8-6"  # hours
    edited[2][11] = "Cerrado los viernes"  # the notes column, which the remembered mapping leaves out
    edited[3][7] = "Español, Mixteco, Triqui"  # languages
    del edited[2]  # and the clinic is gone
    workbook(book, rows=edited)
    r = cli("services", "sync", "red", "-f", "json")
    assert r.exit_code == 0, r
    report = r.json()[0]
    changes = {(c["name"], c["change"], tuple(c["fields"])) for c in report["changes"]}
    assert changes == {("Refugio La Esperanza", "updated", ("phone",)),
                       ("Centro Legal Inmigrante", "updated", ("hours",)),
                       ("Casa del Migrante Tijuana", "updated", ("languages",)),
                       ("Clínica del Pueblo", "inactivated", ())}, changes
    assert (report["new"], report["updated"], report["inactivated"]) == (0, 3, 1)
    assert cli("services", "sync", "red", "-f", "json").json()[0]["status"] == "unchanged"


def test_with_an_id_column_a_move_is_an_update(cli, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text("ID,Nombre,Ciudad,Estado\nA1,Albergue Uno,Miami,FL\n")
    assert cli("services", "import", path, "--source", "ids").exit_code == 0
    path.write_text("ID,Nombre,Ciudad,Estado\nA1,Albergue Uno,Homestead,FL\n")
    report = cli("services", "sync", "ids", "-f", "json").json()[0]
    assert [(c["change"], c["fields"]) for c in report["changes"]] == [("updated", ["address"])]


def test_on_a_terminal_the_columns_not_guessed_are_asked_and_remembered(cli, tmp_path, monkeypatch):
    import sys
    import types

    import advocate.cli.services as services_cli

    asked = []

    class Ask:
        def __init__(self, value):
            self.value = value

        def unsafe_ask(self):
            return self.value

    def select(message, choices, **kwargs):
        asked.append((message, [c.value for c in choices]))
        return Ask(True if [c.value for c in choices] == [True, False] else "description")  # yes to "remember"

    fake = types.SimpleNamespace(Choice=lambda title, value=None: types.SimpleNamespace(title=title, value=value),
                                 select=select)
    monkeypatch.setitem(sys.modules, "questionary", fake)
    monkeypatch.setattr(services_cli, "interactive", lambda: True)
    r = cli("services", "import", workbook(tmp_path / "r.xlsx"), "--source", "red", "-f", "json")
    assert r.exit_code == 0, r
    assert asked[0][0] == 'What does the column "Contacto" hold?' and "phone" not in asked[0][1]
    assert "description" in asked[0][1] and asked[1][0].startswith('Remember these columns for the source "red"')
    assert r.json()["mapping"]["description"] == "Contacto"
    sources = cli("services", "sources", "-f", "json").json()
    assert [s["options"]["map"] for s in sources if s["name"] == "red"] == [{"description": "Contacto"}]
    asked.clear()
    assert cli("services", "import", workbook(tmp_path / "r.xlsx"), "--source", "red").exit_code == 0
    assert asked == []  # remembered: nothing asked again
