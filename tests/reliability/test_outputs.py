"""The output gateway: no command writes over the store, its copies or an existing file by accident (issue 14)."""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import pytest

from advocate.files import OutputRefused, output_path, write_private
from tests.helpers import FIX, file_digest


@pytest.fixture
def live(cli, db_path):
    """A store with one client and one appointment; returns the client code."""
    code = cli("clients", "new", "-f", "json").json()["code"]
    r = cli("appt", "log", "--client", code, "--when", "2026-12-01 10:00", "--type", "court", "--duration", "30", "--tz", "America/Chicago")
    assert r.exit_code == 0, r
    return code


def appointments(db_path) -> int:
    from advocate.workspace import open_store

    with open_store(db_path) as s:
        return s.conn.execute("SELECT count(*) FROM appointments").fetchone()[0]


WRITERS = [
    ("checklist", "show", "intake", "-f", "html", "-o"),
    ("appointments", "export", "--ics"),
    ("services", "import", str(FIX / "hsds-1.1-quirks"), "--rejects"),
]


@pytest.mark.parametrize("writer", WRITERS, ids=["checklist", "ics", "rejects"])
@pytest.mark.parametrize("which", ["store", "wal", "shm", "journal", "backup"])
def test_no_writer_replaces_the_store_or_its_files(cli, db_path, live, writer, which):
    backup = Path(cli("db", "backup").stdout.strip())
    target = {"store": db_path, "wal": Path(f"{db_path}-wal"), "shm": Path(f"{db_path}-shm"),
              "journal": Path(f"{db_path}-journal"), "backup": backup}[which]
    before = {p: file_digest(p) for p in (db_path, backup)}
    r = cli(*writer, target, "--force")
    assert r.exit_code == 2, r
    assert "never writes over it" in r.stderr and "Traceback" not in r.stderr
    assert {p: file_digest(p) for p in (db_path, backup)} == before
    assert appointments(db_path) == 1


def test_symlink_and_hard_link_to_the_store_are_refused(cli, db_path, live, tmp_path):
    link = tmp_path / "innocent.ics"
    link.symlink_to(db_path)
    hard = tmp_path / "other-name.html"
    os.link(db_path, hard)
    for target in (link, hard):
        r = cli("checklist", "show", "intake", "-f", "html", "-o", target, "--force")
        assert r.exit_code == 2, r
    assert appointments(db_path) == 1


def test_a_store_named_with_db_is_protected_too(cli, tmp_path):
    other = tmp_path / "elsewhere" / "team.db"
    assert cli("--db", other, "clients", "new").exit_code == 0
    before = file_digest(other)
    r = cli("--db", other, "appointments", "export", "--ics", other, "--force")
    assert r.exit_code == 2 and "never writes over it" in r.stderr
    assert file_digest(other) == before


def test_anything_inside_the_data_folder_is_refused(cli, monkeypatch, tmp_path):
    from advocate.config import data_dir

    monkeypatch.delenv("ADVOCATE_DB")
    data_dir().mkdir(parents=True)
    r = cli("checklist", "show", "intake", "-f", "html", "-o", data_dir() / "notes.html")
    assert r.exit_code == 2 and "data folder" in r.stderr
    assert not (data_dir() / "notes.html").exists()


def test_any_sqlite_database_is_refused_even_with_force(cli, live, tmp_path):
    copy = tmp_path / "copy-of-store.sqlite"
    assert cli("db", "backup", copy).exit_code == 0
    before = file_digest(copy)
    for args in (("db", "backup", copy, "--force"), ("checklist", "show", "intake", "-f", "html", "-o", copy, "--force")):
        r = cli(*args)
        assert r.exit_code == 2 and "never writes over" in r.stderr, r
    assert file_digest(copy) == before


def test_existing_file_needs_force(cli, live, tmp_path):
    out = tmp_path / "calendar.ics"
    out.write_text("earlier export")
    r = cli("appointments", "export", "--ics", out)
    assert r.exit_code == 2 and "already exists" in r.stderr and "--force" in r.stderr
    assert out.read_text() == "earlier export"
    r = cli("appointments", "export", "--ics", out, "--force")
    assert r.exit_code == 0, r
    assert out.read_text().startswith("BEGIN:VCALENDAR")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_folder_is_checked_whole_and_needs_force_to_replace(cli, tmp_path):
    out = tmp_path / "share" / "export"
    assert cli("services", "export", out).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    before = {p.name: file_digest(p) for p in out.iterdir()}
    r = cli("services", "export", out)
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert {p.name: file_digest(p) for p in out.iterdir()} == before
    assert cli("services", "export", out, "--force").exit_code == 0


def test_trailing_slash_means_a_folder(cli, live, tmp_path):
    r = cli("db", "backup", f"{tmp_path}/out/dir/")
    assert r.exit_code == 0, r
    written = Path(r.stdout.strip())
    assert written.parent == tmp_path / "out" / "dir" and written.name.endswith(".bak")
    assert not (tmp_path / "out" / "dir").is_file()
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    r = cli("checklist", "show", "intake", "-f", "html", "-o", f"{tmp_path}/sheets/")
    assert r.exit_code == 0, r
    assert (tmp_path / "sheets" / "intake.html").is_file()


def test_backup_onto_a_dangling_symlink_says_so(cli, live, tmp_path):
    link = tmp_path / "dangling.bak"
    link.symlink_to(tmp_path / "nowhere" / "x.bak")
    r = cli("db", "backup", link)
    assert r.exit_code == 2 and "already exists" in r.stderr and "unexpected" not in r.stderr
    r = cli("db", "backup", link, "--force")
    assert r.exit_code == 0, r
    assert not link.is_symlink() and link.is_file()


def test_rejects_file_in_a_missing_folder_fails_before_the_import(cli, db_path, tmp_path):
    from advocate.workspace import open_store

    with open_store(db_path) as s:
        before = s.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    r = cli("services", "import", FIX / "hsds-1.1-quirks", "--rejects", tmp_path / "missing-dir" / "rejects.csv")
    assert r.exit_code == 2 and "does not exist" in r.stderr
    with open_store(db_path) as s:
        assert s.conn.execute("SELECT count(*) FROM services").fetchone()[0] == before


def test_import_rolls_back_when_the_rejects_file_cannot_be_written(store, tmp_path, monkeypatch):
    import advocate.files as files
    from advocate.directory.hsds import import_directory
    from advocate.errors import AdvocateError

    before = store.conn.execute("SELECT count(*) FROM services").fetchone()[0]
    real_replace = os.replace

    def full(src, dst):
        if str(dst).endswith("rejects.csv"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(AdvocateError, match="full"):
        import_directory(store, FIX / "hsds-1.1-quirks", rejects_path=tmp_path / "rejects.csv")
    assert store.conn.execute("SELECT count(*) FROM services").fetchone()[0] == before
    assert not store.conn.in_transaction
    assert [p.name for p in tmp_path.iterdir() if "rejects" in p.name] == []


def test_rejects_stream_and_only_a_sample_is_kept(store, tmp_path):
    from advocate.directory.hsds import REJECT_SAMPLE, import_directory

    folder = tmp_path / "many"
    folder.mkdir()
    n = REJECT_SAMPLE * 3
    with open(folder / "services.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "organization_id"])
        for i in range(n):
            w.writerow([f"s{i}", "", "o1"])  # no name: rejected
    (folder / "organizations.csv").write_text("id,name\no1,Org\n")
    rejects = tmp_path / "rejects.csv"
    stats = import_directory(store, folder, rejects_path=rejects)
    assert stats["rejected"] == n and len(stats["rejects"]) == REJECT_SAMPLE
    assert sum(1 for _ in csv.DictReader(rejects.open())) == n


def test_gateway_library_rules(tmp_path):
    with pytest.raises(OutputRefused, match="folder"):
        output_path(tmp_path)
    with pytest.raises(OutputRefused, match="does not exist"):
        write_private(tmp_path / "no" / "file.txt", "x")
    p = write_private(f"{tmp_path}/new/", "x", default_name="f.txt")
    assert p == tmp_path / "new" / "f.txt" and p.read_text() == "x"
    with pytest.raises(OutputRefused, match="already exists"):
        write_private(p, "y")
    assert write_private(p, "y", confirm=lambda path: True).read_text() == "y"
    with pytest.raises(OutputRefused):
        write_private(p, "z", confirm=lambda path: False)
    assert p.read_text() == "y"
    assert [q.name for q in p.parent.iterdir()] == ["f.txt"]  # no temporary left behind


def test_an_unlisted_sqlite_file_is_refused(cli, tmp_path):
    import sqlite3

    other = tmp_path / "someone-elses.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = file_digest(other)
    r = cli("checklist", "show", "intake", "-f", "html", "-o", other, "--force")
    assert r.exit_code == 2 and "SQLite database" in r.stderr
    assert file_digest(other) == before


def test_a_device_or_a_pipe_is_never_replaced(cli, db_path, tmp_path):
    """``--rejects /dev/null --force`` (run as root, as in a container) replaced the device with a file of rejects;
    a device, a pipe or a socket is refused with one sentence, even with --force, before anything is read."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for target in (Path("/dev/null"), pipe):
        with pytest.raises(OutputRefused) as e:
            output_path(target, force=True)
        assert "not a plain file" in str(e.value)
    r = cli("services", "import", str(FIX / "hsds-1.1-quirks"), "--rejects", "/dev/null", "--force")
    assert r.exit_code == 2 and "Traceback" not in r.output and "not a plain file" in r.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISFIFO(os.stat(pipe).st_mode)
    r = cli("--lang", "es", "services", "import", str(FIX / "hsds-1.1-quirks"), "--rejects", str(pipe), "--force")
    assert r.exit_code == 2 and "no es un archivo común" in r.output


def test_a_link_to_the_standard_output_is_never_replaced(tmp_path, monkeypatch):
    """/dev/stdout and /proc/self/fd/1 lead to a plain file when the output is redirected to one: a link there, or a
    link of the user's to it, is refused, not replaced by a file of rejects (found by a reviewer)."""
    mine = tmp_path / "fakestdout"
    mine.symlink_to("/proc/self/fd/1")
    chain = tmp_path / "chain"
    chain.symlink_to(mine)
    for target in (Path("/dev/stdout"), Path("/proc/self/fd/1"), mine, chain):
        with pytest.raises(OutputRefused):
            output_path(target, force=True)
    plain = tmp_path / "plain.csv"
    plain.write_text("x")
    link = tmp_path / "link.csv"
    link.symlink_to(plain)
    assert output_path(link, force=True) == link  # (a link to a file of one's own stays as it was)
