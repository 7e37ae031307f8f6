"""Hostile import folders and ids (issue 14): links out of the folder are refused, ids are matched exactly."""

from __future__ import annotations

import shutil

from tests.helpers import FIX


def test_a_link_out_of_the_import_folder_is_refused_without_reading_it(cli, db_path, tmp_path):
    private = tmp_path / "private" / "notes.csv"
    private.parent.mkdir()
    private.write_text("id,name\nSECRET-LINE,client story\n")
    folder = tmp_path / "export"
    shutil.copytree(FIX / "hsds-1.1-quirks", folder)
    (folder / "data" / "services.csv").unlink()
    (folder / "data" / "services.csv").symlink_to(private)
    r = cli("services", "import", folder)
    assert r.exit_code == 2, r
    assert "outside the folder" in r.stderr and "SECRET-LINE" not in r.stderr + r.stdout
    r = cli("services", "search", "client story", "-f", "json")
    assert "SECRET-LINE" not in r.stdout


def test_a_link_inside_the_folder_is_fine(cli, tmp_path):
    folder = tmp_path / "export"
    shutil.copytree(FIX / "hsds-1.1-quirks", folder)
    (folder / "real").mkdir()
    (folder / "data" / "services.csv").rename(folder / "real" / "services.data")
    (folder / "data" / "services.csv").symlink_to(folder / "real" / "services.data")
    r = cli("services", "import", folder, "--source", "linked")
    assert r.exit_code == 0, r


def test_service_ids_are_matched_exactly(cli):
    r = cli("services", "show", "us-98_")
    assert r.exit_code == 1 and "no service" in r.stderr
    r = cli("services", "show", "%")
    assert r.exit_code == 1
    rows = cli("services", "near", "10001", "-f", "json").json()
    sid = rows[0]["id"]
    assert cli("services", "show", sid).exit_code == 0
    assert cli("services", "show", sid.split(":", 1)[1]).exit_code == 0


def test_control_characters_are_stripped_at_import(store, tmp_path):
    from advocate.directory.hsds import import_directory

    folder = tmp_path / "esc"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name\no1,Org\x1b]0;pwned\x07 One\n")
    (folder / "services.csv").write_text(
        "id,name,organization_id,description\ns1,Shelter\x1b[31m red\u202e evil,o1,Line one\x9b2J\n")
    import_directory(store, folder)
    rows = store.conn.execute("SELECT name, description FROM services WHERE source = 'esc'").fetchall()
    orgs = store.conn.execute("SELECT name FROM organizations WHERE source = 'esc'").fetchall()
    text = repr(rows) + repr(orgs)
    for bad in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert bad not in "".join(r[0] + (r[1] or "") for r in rows) + orgs[0][0]
    assert rows[0][0] == "Shelter red evil" and orgs[0][0] == "Org One", text


NAMES = ["=HYPERLINK(\"http://x\",\"Shelter\")", "'=Already quoted", "''+Two quotes", "-Dash first", "+1 hotline",
         "@Home", "'Plain apostrophe", "%Percent", "|Pipe", "Ordinary name"]


def _names(store_path, source):
    import sqlite3

    conn = sqlite3.connect(store_path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM services WHERE source = ?", (source,)))
    finally:
        conn.close()


def test_the_formula_guard_is_undone_when_our_export_is_imported_again(cli, db_path, tmp_path):
    import csv

    folder = tmp_path / "orig"
    folder.mkdir()
    with open(folder / "services.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name"])
        w.writerows([f"s{i}", n] for i, n in enumerate(NAMES))
    assert cli("services", "import", folder).exit_code == 0
    assert _names(db_path, "orig") == sorted(NAMES)
    for n in (1, 2, 3):  # export -> import -> export ...: the names never gain an apostrophe
        out = tmp_path / f"round{n}"
        assert cli("services", "export", out, "--source", "orig").exit_code == 0
        text = (out / "services.csv").read_text()
        assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text  # still guarded in the file
        r = cli("services", "import", out)
        assert r.exit_code == 0, r
        assert _names(db_path, "orig") == sorted(NAMES)  # our own export keeps its source and ids


def test_another_directory_keeps_its_apostrophes(cli, db_path, tmp_path):
    folder = tmp_path / "theirs"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name\ns1,'=Quoted by them\n")
    (folder / "datapackage.json").write_text('{"name": "someone-else", "resources": []}')
    assert cli("services", "import", folder).exit_code == 0
    assert _names(db_path, "theirs") == ["'=Quoted by them"]


def test_distinct_unmapped_language_words_are_counted_up_to_a_cap(store, tmp_path, monkeypatch):
    from advocate.directory import hsds
    from advocate.directory.hsds import import_directory

    monkeypatch.setattr(hsds, "UNMAPPED_KEPT", 3)
    folder = tmp_path / "langs"
    folder.mkdir()
    (folder / "services.csv").write_text("id,name,languages\n" + "".join(
        f"s{i},Service {i},Zzqx{i}word\n" for i in range(10)))
    stats = import_directory(store, folder)
    assert stats["imported"] == 10 and stats["unmapped_languages"] == 10
    assert len(stats["unmapped_language_names"]) == 3  # memory holds a few; each service's note keeps its own
