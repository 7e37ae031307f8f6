"""Hostile import folders and ids (issue 14): links out of the folder are refused, ids are matched exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

FIX = Path(__file__).resolve().parent.parent / "fixtures"


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
