"""Attack (review of the day's import work): the store, a copy of it or its WAL must never be read as a
directory to import. Before the gate, `services import STORE --layout sheet` turned the store's own bytes
(client codes, notes) into "services" that `services export` would then hand to a colleague."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import FIX


@pytest.fixture
def with_client(cli, db_path):
    code = cli("clients", "new").stdout.strip().split()[0]
    assert code
    return code


@pytest.mark.parametrize("layout", ["sheet", "auto", "hsds"])
def test_the_store_itself_is_never_imported(cli, db_path, with_client, layout):
    before = db_path.read_bytes()
    r = cli("services", "import", db_path, "--layout", layout, "--source", "evil")
    assert r.exit_code == 2, r
    assert "store" in r.stderr and "Traceback" not in r.stderr
    assert db_path.read_bytes() == before
    assert "evil" not in cli("services", "sources").stdout


@pytest.mark.parametrize("name", ["copy.csv", "copy.xlsx", "store.json"])
def test_a_copy_of_the_store_under_any_name_is_never_imported(cli, db_path, with_client, tmp_path, name):
    other = tmp_path / "elsewhere" / name
    other.parent.mkdir()
    shutil.copy(db_path, other)
    r = cli("services", "import", other, "--layout", "sheet" if name != "store.json" else "auto", "--source", "evil")
    assert r.exit_code == 2, r
    assert "SQLite database" in r.stderr
    assert "\x00" not in r.stderr and with_client not in r.stderr  # no store bytes on the terminal
    assert "evil" not in cli("services", "sources").stdout


def test_a_store_copy_planted_in_an_export_folder_is_refused(cli, db_path, with_client, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(FIX / "hsds-3.0", folder)
    (folder / "services.csv").unlink()
    shutil.copy(db_path, folder / "services.csv")
    r = cli("services", "import", folder, "--source", "planted")
    assert r.exit_code == 2, r
    assert "SQLite database" in r.stderr


def test_a_source_file_replaced_by_a_link_to_the_store_changes_nothing(cli, db_path, with_client, tmp_path):
    sheet = tmp_path / "list.csv"
    sheet.write_text("name,address,city,state,zip,phone\nLegal Aid One,1 Main St,Miami,FL,33130,305-555-0101\n")
    assert cli("services", "import", sheet, "--layout", "sheet", "--source", "mine").exit_code == 0
    sheet.unlink()
    sheet.symlink_to(db_path)
    before = db_path.read_bytes()
    r = cli("services", "import", sheet, "--layout", "sheet", "--source", "mine")
    assert r.exit_code == 2, r
    assert db_path.read_bytes() == before


def test_a_write_ahead_log_is_never_imported(cli, with_client, tmp_path):
    wal = tmp_path / "x.csv"
    wal.write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28 + b"name\nclient\n")
    r = cli("services", "import", wal, "--layout", "sheet")
    assert r.exit_code == 2, r
    assert "SQLite database" in r.stderr


def test_a_page_of_deeply_nested_json_is_one_sentence_and_changes_nothing(store):
    import httpx

    from advocate.directory.hsds_api import HttpOptions, import_api
    from advocate.errors import AdvocateError

    calls = []

    def handler(request):
        calls.append(request)
        if request.url.path.endswith("/services"):
            return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)
        return httpx.Response(200, json={"version": "3.0"})

    before = store.conn.execute("SELECT count(*) FROM services").fetchone()
    with pytest.raises(AdvocateError, match="nested too deeply"):
        import_api(store, "https://api.example.org/hsds", source="deep",
                   http=HttpOptions(transport=httpx.MockTransport(handler), sleep=lambda s: None))
    assert len([c for c in calls if c.url.path.endswith("/services")]) == 1  # not asked again
    assert store.conn.execute("SELECT count(*) FROM services").fetchone() == before


def _workbook_with_strings(path, n: int) -> None:
    import zipfile

    import openpyxl

    plain = path.with_name("plain.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["name", "phone"])
    wb.active.append(["Legal Aid", "305-555-0101"])
    wb.save(plain)
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
           b'main">' + b"<si><t>a</t></si>" * n + b"</sst>")
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(name, data)
        zout.writestr("xl/sharedStrings.xml", sst)


def test_a_small_workbook_of_huge_shared_strings_is_refused_before_it_is_read(cli, tmp_path, monkeypatch):
    # openpyxl reads every shared string into memory (about 7 bytes per byte of XML): 2.5 MB of .xlsx that
    # unpacks to 1 GB of one-letter strings took ~6.5 GB of memory; the cap is scaled down here to stay fast
    import advocate.directory.sheet as sheet

    monkeypatch.setattr(sheet, "MAX_SHARED_STRINGS", 2**20)
    book = tmp_path / "bomb.xlsx"
    _workbook_with_strings(book, 70_000)  # 1.2 MB of strings
    assert book.stat().st_size < 100_000
    r = cli("services", "import", book, "--source", "bomb")
    assert r.exit_code == 2, r
    assert "MB of text cells" in r.stderr and "--source" not in r.stderr  # the file is the problem, not the name
    ok = tmp_path / "ok.xlsx"
    _workbook_with_strings(ok, 10)
    assert cli("services", "import", ok, "--source", "fine").exit_code == 0


def test_what_an_api_says_about_itself_reaches_no_terminal_raw(cli, store):
    import httpx

    from advocate.directory.hsds_api import HttpOptions, import_api

    evil = "Pub \x1b[31mRED\x1b[0m \x1b]0;TITLE\x07\x1b]52;c;cm0gLXJmIH4=\x07 end"

    def handler(request):
        if request.url.path.endswith("/services"):
            return httpx.Response(200, json={"contents": [{"id": "s1", "name": "Legal Aid", "phones": []}],
                                             "total_pages": 1}, headers={"ETag": '"abc"'})
        return httpx.Response(200, json={"version": "3.0\x1b[2J", "publisher": {"name": evil}})

    import_api(store, "https://api.example.org/hsds", source="esc",
               http=HttpOptions(transport=httpx.MockTransport(handler), sleep=lambda s: None))
    for fmt in ("csv", "tsv", "json", "table"):
        r = cli("services", "sources", "-f", fmt)
        assert r.exit_code == 0, r
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout, fmt
    assert "Pub RED" in cli("services", "sources", "-f", "csv").stdout
